// The VS Code extension: its manifest, its .vsix, and its activation code run for real. The
// bundled `extension.js` is loaded with a working `vscode` stand-in (`vscode-shim.cjs`);
// activation starts vscode-languageclient, which starts the bundled server from the
// extension's own `dist/` (the server and its copy of the engine), and the test then does what
// VS Code would: opens a document, reads the diagnostic collection, calls the registered hover
// and code lens providers, and runs "Baton: Promote…" and the code lens command.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { exampleRepo, positionOf, repoRoot, waitFor } from './helpers.mjs';

const require = createRequire(import.meta.url);
const extensionDir = join(repoRoot, 'editors', 'vscode');
const manifest = JSON.parse(readFileSync(join(extensionDir, 'package.json'), 'utf8'));

describe('the extension manifest and package', () => {
  test('contributes the baton.yaml schema to the YAML extension and the Promote command', () => {
    assert.deepEqual(manifest.contributes.yamlValidation, [{ fileMatch: 'baton.yaml', url: './dist/baton.schema.json' }]);
    const schema = JSON.parse(readFileSync(join(extensionDir, manifest.contributes.yamlValidation[0].url), 'utf8'));
    assert.deepEqual(schema, JSON.parse(readFileSync(join(repoRoot, 'schemas', 'baton.schema.json'), 'utf8')));
    assert.deepEqual(manifest.contributes.commands, [{ command: 'baton.promotePick', title: 'Promote…', category: 'Baton' }]);
    assert.equal(manifest.main, './dist/extension.js');
  });

  test('the .vsix holds the extension, the server and the engine, and nothing else', () => {
    const vsix = join(repoRoot, 'target', 'baton-vscode.vsix');
    assert.ok(existsSync(vsix), 'target/baton-vscode.vsix: run node scripts/build-lsp.mjs --vsix');
    // A .vsix is a zip; Python's zipfile lists it (no unzip tool is needed).
    const names = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix])
      .toString()
      .trim()
      .split('\n');
    for (const name of [
      'extension/package.json',
      'extension/readme.md',
      'extension/dist/extension.js',
      'extension/dist/server.js',
      'extension/dist/baton.schema.json',
      'extension/dist/node_modules/@baton/engine/package.json',
      'extension/dist/node_modules/@baton/engine/pkg/node/baton_wasm.js',
      'extension/dist/node_modules/@baton/engine/pkg/baton_wasm_bg.wasm',
    ]) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    }
    assert.deepEqual(names.filter((n) => n.startsWith('extension/src/') || n.endsWith('.ts') && !n.endsWith('.d.ts')), []);
  });
});

describe('activation, against a working vscode stand-in', () => {
  let vscode;
  let extension;
  let root;
  const context = { subscriptions: [], asAbsolutePath: (p) => join(extensionDir, p), extensionPath: extensionDir };

  before(async () => {
    vscode = require('./vscode-shim.cjs');
    const Module = require('node:module');
    const load = Module._load;
    Module._load = function (request, ...rest) {
      return request === 'vscode' ? vscode : load.call(this, request, ...rest);
    };
    root = exampleRepo({ 'apps/broken/prod/kustomization.yaml': 'resources:\n  - missing.yaml\n' });
    vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(root), name: 'repo', index: 0 }];
    extension = require(join(extensionDir, 'dist', 'extension.js'));
    await extension.activate(context);
  });

  after(async () => {
    await extension.deactivate();
    rmSync(root, { recursive: true, force: true });
  });

  const until = (predicate, what) =>
    waitFor(vscode, predicate, what, () => `missing: ${[...vscode.recorded.missing]}; output: ${vscode.recorded.output.join('\n')}`);
  const provider = (kind) => vscode.recorded.providers.find((p) => p.kind === kind)?.provider;
  const token = () => new vscode.CancellationTokenSource().token;

  test('registers the palette command, the server commands and the providers', () => {
    const commands = [...vscode.recorded.commands.keys()].sort();
    assert.deepEqual(commands, ['baton.listPromotions', 'baton.planPromotion', 'baton.promote', 'baton.promotePick']);
    const kinds = vscode.recorded.providers.map((p) => p.kind).sort();
    for (const kind of ['CodeLens', 'Definition', 'DocumentSymbol', 'Hover']) assert.ok(kinds.includes(kind), `${kind} in ${kinds}`);
    const selector = vscode.recorded.providers.find((p) => p.kind === 'Hover').selector;
    assert.deepEqual(JSON.parse(JSON.stringify(selector)), [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', pattern: '**/Kustomization' },
      { scheme: 'file', pattern: '**/CODEOWNERS' },
    ]);
    assert.equal(context.subscriptions.length, 1, 'the palette command is disposed with the extension');
  });

  test('diagnostics reach the diagnostic collection as vscode.Diagnostic', async () => {
    const uri = vscode.Uri.file(join(root, 'apps/broken/prod/kustomization.yaml')).toString();
    const [d] = await until(() => vscode.recorded.diagnostics.get(uri), 'diagnostics');
    assert.ok(d instanceof vscode.Diagnostic);
    assert.equal(d.code, 'K003');
    assert.equal(d.source, 'baton');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character], [1, 4, 1, 16]);
  });

  test('hover and code lens through the registered providers', async () => {
    const path = join(root, 'apps/payment-service/production/image-patch.yaml');
    const text = readFileSync(path, 'utf8');
    const document = vscode.openDocument(path, text);
    const at = positionOf(text, 'registry.example.com', 3);
    const hover = await provider('Hover').provideHover(document, new vscode.Position(at.line, at.character), token());
    assert.ok(hover instanceof vscode.Hover);
    assert.match(hover.contents[0].value, /\| production ◀ \| `9f8e7d6` \|/);

    const kustomization = join(root, 'apps/payment-service/production/kustomization.yaml');
    const lensDocument = vscode.openDocument(kustomization, readFileSync(kustomization, 'utf8'));
    const lenses = await provider('CodeLens').provideCodeLenses(lensDocument, token());
    assert.deepEqual(lenses.map((l) => [l.command.title, l.command.command, l.command.arguments]), [
      ['promote from staging (abc1234)', 'baton.promote', [{ app: 'payment-service', from: 'staging', to: 'production' }]],
    ]);
  });

  test('"Baton: Promote…": pick, see the plan in a modal, apply the edits', async () => {
    vscode.answers.quickPick = (items) => items.find((i) => i.label.startsWith('payment-service: staging'));
    vscode.answers.message = (_message, options, items) => (options?.modal ? items.find((i) => i === 'Apply edits') : undefined);
    const result = await vscode.commands.executeCommand('baton.promotePick');
    assert.deepEqual(vscode.recorded.quickPicks.at(-1).items.map((i) => i.label), [
      'ledger-api: dev → staging (2.4.0)',
      'ledger-api: staging → production (2.4.0-rc.1, v0.26.0)',
      'payment-service: dev → staging (2.0.0)',
      'payment-service: staging → production (abc1234)',
    ]);
    const modal = vscode.recorded.messages.find((m) => m.options?.modal);
    assert.equal(modal.message, 'promote(payment-service): staging → production (abc1234)');
    assert.match(modal.options.detail, /^Gates:\n {2}✓ order: pass/m);
    assert.deepEqual(modal.items, ['Apply edits']);
    assert.equal(result.applied, true);
    const [edit] = vscode.recorded.appliedEdits;
    assert.ok(edit instanceof vscode.WorkspaceEdit);
    const [[uri, [textEdit]]] = edit.entries();
    assert.equal(uri.toString(), vscode.Uri.file(join(root, 'apps/payment-service/production/image-patch.yaml')).toString());
    assert.equal(textEdit.newText, 'abc1234');
    assert.deepEqual([textEdit.range.start.line, textEdit.range.start.character, textEdit.range.end.character], [11, 54, 61]);
    assert.match(vscode.recorded.messages.at(-1).message, /^Baton: promote\(payment-service\).*edited apps\/payment-service\/production\/image-patch.yaml/);
  });

  test('the code lens command goes through the same modal; declining applies nothing', async () => {
    vscode.answers.message = () => undefined;
    const before = vscode.recorded.appliedEdits.length;
    const result = await vscode.commands.executeCommand('baton.promote', { app: 'ledger-api', from: 'staging', to: 'production' });
    assert.equal(result, undefined);
    assert.equal(vscode.recorded.messages.at(-1).message, 'promote(ledger-api): staging → production (2 images)');
    assert.equal(vscode.recorded.appliedEdits.length, before);
  });

  test('the stand-in was complete enough: the client read nothing it lacks', () => {
    assert.deepEqual([...vscode.recorded.missing], []);
  });
});
