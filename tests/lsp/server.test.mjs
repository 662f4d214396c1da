// The language server over stdio, driven by a real LSP client (vscode-languageserver-protocol's
// JSON-RPC connection), on a copy of the playground's example repository. Every feature:
// diagnostics (published, updated, cleared), incrementality, hover, definition, code lens,
// the promote commands, document symbols, file watching, ignored files, and bad requests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FULL_CAPABILITIES, exampleFileCount, exampleRepo, positionOf, protocol, read, repoRoot, startServer } from './helpers.mjs';

const BROKEN = 'apps/broken/prod/kustomization.yaml';
const BROKEN_TEXT = 'resources:\n  - deployment.yaml\n  - missing.yaml\n';
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n';

// Flux: an ImagePolicy with its namespace written, one placed in a namespace by its
// kustomization, and markers that name them.
const FLUX = {
  'clusters/prod/policies.yaml': `apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: payment-service
  namespace: flux-apps
spec:
  imageRepositoryRef:
    name: payment-service
  policy:
    semver:
      range: 1.x
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: payment-service
  namespace: other
spec:
  imageRepositoryRef:
    name: payment-service
`,
  'clusters/team/kustomization.yaml': 'namespace: team-a\nresources:\n  - policy.yaml\n',
  'clusters/team/policy.yaml': `apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: web
spec:
  imageRepositoryRef:
    name: web
`,
  'clusters/prod/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/payment-service:1.0.0 # {"$imagepolicy": "flux-apps:payment-service"}
        - name: team
          image: registry.example.com/web:1.0.0 # {"$imagepolicy": "team-a:web:tag"}
        - name: nowhere
          image: registry.example.com/web:1.0.0 # {"$imagepolicy": "flux-system:unknown"}
`,
};

// Files the server must not read, as the CLI reads a repository: under `.git`, or left out by
// `.gitignore`, `.ignore` (which wins over `.gitignore`) or `.git/info/exclude`.
const IGNORED = {
  '.gitignore': 'generated/\n*.tmp.yaml\n!keep.tmp.yaml\n',
  'generated/bad.yaml': 'a: [\n',
  'scratch.tmp.yaml': 'b: [\n',
  'keep.tmp.yaml': 'c: [\n',
  '.git/config.yaml': 'd: [\n',
  '.git/info/exclude': 'excluded.yaml\n',
  'excluded.yaml': 'e: [\n',
  'sub/.gitignore': 'local.yaml\n!dot.yaml\n',
  'sub/.ignore': 'dot.yaml\n',
  'sub/local.yaml': 'f: [\n',
  'sub/dot.yaml': 'g: [\n',
};

describe('language server over stdio', () => {
  let c;
  before(async () => {
    const root = exampleRepo({
      [BROKEN]: BROKEN_TEXT,
      'apps/broken/prod/deployment.yaml': DEPLOYMENT,
      ...FLUX,
      ...IGNORED,
    });
    c = await startServer(root);
  });
  after(async () => {
    await c.stop();
  });

  test('initialize: the server says what it offers', () => {
    const { capabilities, serverInfo } = c.initializeResult;
    assert.equal(serverInfo.name, 'baton-language-server');
    assert.match(serverInfo.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: protocol.TextDocumentSyncKind.Full });
    assert.equal(capabilities.hoverProvider, true);
    assert.equal(capabilities.definitionProvider, true);
    assert.equal(capabilities.documentSymbolProvider, true);
    assert.deepEqual(capabilities.codeLensProvider, { resolveProvider: false });
    assert.deepEqual(capabilities.executeCommandProvider.commands.sort(), ['baton.listPromotions', 'baton.planPromotion', 'baton.promote']);
  });

  test('diagnostics of the whole folder are published at start, without opening a file', async () => {
    const list = await c.until(() => c.diagnostics.get(c.uri(BROKEN)), 'the broken kustomization');
    assert.equal(list.length, 1);
    const [d] = list;
    assert.equal(d.code, 'K003');
    assert.equal(d.source, 'baton');
    assert.equal(d.severity, protocol.DiagnosticSeverity.Error);
    assert.match(d.message, /resource 'missing.yaml' not found/);
    assert.deepEqual(d.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 16 } });
    assert.ok(c.registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles'), 'watches files');
  });

  test('ignored files and skipped directories are not read; the rest of the folder is', async () => {
    await c.until(() => c.diagnostics.get(c.uri('keep.tmp.yaml')), 'keep.tmp.yaml (re-included by !pattern)');
    for (const path of ['generated/bad.yaml', 'scratch.tmp.yaml', '.git/config.yaml', 'excluded.yaml', 'sub/local.yaml', 'sub/dot.yaml']) {
      assert.equal(c.diagnostics.get(c.uri(path)), undefined, path);
    }
    const [stats] = await c.stats();
    // The example's files + 2 broken-app files + 4 Flux files + keep.tmp.yaml + 3 ignore files.
    assert.equal(stats.files, exampleFileCount() + 2 + 4 + 1 + 3);
  });

  test('an edit publishes new diagnostics; fixing the file clears them', async () => {
    await c.open(BROKEN, BROKEN_TEXT, 1);
    let p = await c.nextPublication(c.uri(BROKEN));
    assert.equal(p.version, 1);
    assert.deepEqual(p.diagnostics.map((d) => d.code), ['K003']);
    // Files with problems now: this one, keep.tmp.yaml, and the Flux fixtures' files (a marker
    // naming an unknown policy, policies without an ImageRepository).
    const [opened] = await c.stats();

    // A syntax error replaces the render problem.
    await c.change(BROKEN, 'resources: [\n', 2);
    p = await c.nextPublication(c.uri(BROKEN));
    assert.equal(p.version, 2);
    assert.deepEqual(p.diagnostics.map((d) => d.code), ['Y001']);

    await c.change(BROKEN, 'resources:\n  - deployment.yaml\n', 3);
    p = await c.nextPublication(c.uri(BROKEN));
    assert.equal(p.version, 3);
    assert.deepEqual(p.diagnostics, []);
    const [stats] = await c.stats();
    assert.equal(stats.diagnosticFiles, opened.diagnosticFiles - 1, 'the fixed file has no diagnostics left');
  });

  test('an edit in one file publishes diagnostics on another, and clears them', async () => {
    // The kustomization patches Deployment/web; renaming the Deployment leaves the patch
    // without a target, which kustomize reports on the kustomization's patch entry.
    const patch = 'apps/broken/prod/patch.yaml';
    const deployment = 'apps/broken/prod/deployment.yaml';
    await c.open(patch, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n', 1);
    await c.change(BROKEN, 'resources:\n  - deployment.yaml\npatches:\n  - path: patch.yaml\n', 4);
    let p = await c.nextPublication(c.uri(BROKEN));
    assert.deepEqual(p.diagnostics, []);
    await c.open(deployment, DEPLOYMENT, 1);
    const broken = c.nextPublication(c.uri(BROKEN));
    await c.change(deployment, DEPLOYMENT.replace('name: web', 'name: api'), 2);
    p = await broken;
    assert.deepEqual(p.version, 4, 'the version of the open kustomization');
    assert.deepEqual(p.diagnostics.map((d) => [d.code, d.range.start.line]), [['K020', 3]]);
    assert.match(p.diagnostics[0].message, /no matches for Id Deployment.v1.apps\/web/);
    const cleared = c.nextPublication(c.uri(BROKEN));
    await c.change(deployment, DEPLOYMENT, 3);
    assert.deepEqual((await cleared).diagnostics, []);
    await c.close(deployment);
  });

  test('incremental: a keystroke re-renders only the overlays that read the edited file', async () => {
    const patch = 'apps/payment-service/staging/image-patch.yaml';
    const text = read(c.root, patch);
    await c.open(patch, text, 1);
    await c.nextPublication(c.uri(patch));
    const [before] = await c.stats();
    await c.change(patch, text.replace('abc1234', 'abc1235'), 2);
    await c.nextPublication(c.uri(patch));
    const [afterPatch] = await c.stats();
    // Only apps/payment-service/staging reads the patch.
    assert.equal(afterPatch.renders - before.renders, 1);
    assert.equal(afterPatch.parses - before.parses, 1);

    const base = 'apps/payment-service/base/deployment.yaml';
    const baseText = read(c.root, base);
    await c.open(base, baseText, 1);
    await c.nextPublication(c.uri(base));
    const [beforeBase] = await c.stats();
    await c.change(base, baseText.replace('replicas: 2', 'replicas: 3'), 2);
    await c.nextPublication(c.uri(base));
    const [afterBase] = await c.stats();
    // The base, the three overlays on it (dev, staging, production) and the preview of PR 42
    // (apps/payment-service/preview/pr-42); ledger-api and the rest are served from cache.
    assert.equal(afterBase.renders - beforeBase.renders, 5);

    await c.change(patch, text, 3);
    await c.nextPublication(c.uri(patch));
    await c.close(patch);
    await c.change(base, baseText, 3);
    await c.nextPublication(c.uri(base));
    await c.close(base);
  });

  test('hover on an image value: each environment, where its value is set, the pending promotion', async () => {
    const path = 'apps/payment-service/production/image-patch.yaml';
    const text = read(c.root, path);
    const hover = await c.hover(path, positionOf(text, 'registry.example.com/payment-service', 5));
    assert.equal(hover.contents.kind, 'markdown');
    const value = hover.contents.value;
    assert.match(value, /\*\*payment-service\*\* · `Deployment\/payment-service` · container `payment-service`/);
    assert.match(value, /\| staging \| `abc1234` \| `apps\/payment-service\/staging\/image-patch.yaml:11` \|/);
    assert.match(value, /\| production ◀ \| `9f8e7d6` \| `apps\/payment-service\/production\/image-patch.yaml:12` \|/);
    assert.match(value, /Pending promotion \*\*staging → production\*\*: `9f8e7d6` → `abc1234`/);
    // On the key of the same line, too.
    assert.deepEqual(await c.hover(path, positionOf(text, 'image:', 1)), hover);
    // Not on an unrelated line.
    assert.equal(await c.hover(path, positionOf(text, 'replicas')), null);
  });

  test('hover on a base image that every environment overrides still lists the environments', async () => {
    const path = 'apps/payment-service/base/deployment.yaml';
    const text = read(c.root, path);
    const value = (await c.hover(path, positionOf(text, ':latest'))).contents.value;
    assert.match(value, /\| staging \| `abc1234` \|/);
    assert.match(value, /\| production \| `9f8e7d6` \|/);
    assert.doesNotMatch(value, /◀/);
  });

  test('hover on a base image an environment inherits marks that environment', async () => {
    const path = 'apps/ledger-api/base/deployment.yaml';
    const text = read(c.root, path);
    const value = (await c.hover(path, positionOf(text, 'ledger-api:2.3.0'))).contents.value;
    assert.match(value, /\| staging \| `2.4.0-rc.1` \| `apps\/ledger-api\/staging\/kustomization.yaml:8` \|/);
    assert.match(value, /\| production ◀ \| `2.3.0` \| `apps\/ledger-api\/base\/deployment.yaml:19` \|/);
    assert.match(value, /Pending promotion \*\*staging → production\*\*: `2.3.0` → `2.4.0-rc.1`/);
  });

  test('hover on an images: entry', async () => {
    const path = 'apps/ledger-api/production/kustomization.yaml';
    const text = read(c.root, path);
    // On the entry's name line: the entry sets the tag on the line below.
    const value = (await c.hover(path, positionOf(text, 'prom/statsd-exporter'))).contents.value;
    assert.match(value, /^\*\*images:\*\* `prom\/statsd-exporter`/);
    assert.match(value, /container `metrics`/);
    assert.match(value, /\| production ◀ \| `v0.26.1` \| `apps\/ledger-api\/production\/kustomization.yaml:15` \|/);
    assert.match(value, /\| staging \| `v0.26.0` \| `apps\/ledger-api\/base\/deployment.yaml:24` \|/);
  });

  test('hover on an images: entry that no environment uses says so', async () => {
    const path = 'apps/ledger-api/staging/kustomization.yaml';
    const text = read(c.root, path).replace('registry.example.com/ledger-api', 'registry.example.com/nothing');
    await c.open(path, text, 1);
    await c.nextPublication(c.uri(path));
    const value = (await c.hover(path, positionOf(text, 'registry.example.com/nothing'))).contents.value;
    assert.match(value, /No environment's final image comes from this entry/);
    await c.change(path, read(c.root, path), 2);
    await c.nextPublication(c.uri(path));
    await c.close(path);
  });

  test('hover on a resources entry: what it renders to in this overlay', async () => {
    const path = 'apps/payment-service/production/kustomization.yaml';
    const text = read(c.root, path);
    const value = (await c.hover(path, positionOf(text, '../base', 3))).contents.value;
    assert.equal(
      value,
      '**../base** renders 2 resources in `apps/payment-service/production`:\n\n- Service `payments-production/payment-service`\n- Deployment `payments-production/payment-service`',
    );
    const base = 'apps/payment-service/base/kustomization.yaml';
    const one = (await c.hover(base, positionOf(read(c.root, base), 'service.yaml'))).contents.value;
    assert.equal(one, '**service.yaml** renders 1 resource in `apps/payment-service/base`:\n\n- Service `payment-service`');
  });

  test('definition: resources, patches, and $imagepolicy markers', async () => {
    const path = 'apps/payment-service/production/kustomization.yaml';
    const text = read(c.root, path);
    assert.deepEqual(await c.definition(path, positionOf(text, '../base', 1)), [
      { uri: c.uri('apps/payment-service/base/kustomization.yaml'), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
    ]);
    assert.deepEqual(await c.definition(path, positionOf(text, 'image-patch.yaml', 4)), [
      { uri: c.uri('apps/payment-service/production/image-patch.yaml'), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
    ]);
    // Not on a key, nor on a missing file.
    assert.equal(await c.definition(path, positionOf(text, 'namespace')), null);
    assert.equal(await c.definition(BROKEN, { line: 0, character: 2 }), null);

    const web = 'clusters/prod/web.yaml';
    const webText = read(c.root, web);
    // The policy whose file says flux-apps (not the one in `other`), on its name.
    assert.deepEqual(await c.definition(web, positionOf(webText, 'payment-service:1.0.0')), [
      { uri: c.uri('clusters/prod/policies.yaml'), range: { start: { line: 3, character: 8 }, end: { line: 3, character: 23 } } },
    ]);
    // A policy whose namespace comes from its kustomization, found through the render.
    assert.deepEqual(await c.definition(web, positionOf(webText, 'team-a:web:tag')), [
      { uri: c.uri('clusters/team/policy.yaml'), range: { start: { line: 3, character: 8 }, end: { line: 3, character: 11 } } },
    ]);
    assert.equal(await c.definition(web, positionOf(webText, 'flux-system:unknown')), null);
  });

  test('code lens: "promote from staging (abc1234)" on the environment with a pending promotion', async () => {
    const production = await c.codeLens('apps/payment-service/production/kustomization.yaml');
    assert.deepEqual(production, [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        command: {
          title: 'promote from staging (abc1234)',
          command: 'baton.promote',
          arguments: [{ app: 'payment-service', from: 'staging', to: 'production' }],
        },
      },
    ]);
    // Staging waits for dev (Flux keeps dev on the newest 2.x tag).
    const staging = await c.codeLens('apps/payment-service/staging/kustomization.yaml');
    assert.deepEqual(staging.map((l) => [l.command.title, l.command.arguments]), [
      ['promote from dev (2.0.0)', [{ app: 'payment-service', from: 'dev', to: 'staging' }]],
    ]);
    assert.deepEqual(await c.codeLens('apps/payment-service/production/image-patch.yaml'), []);
    const ledger = await c.codeLens('apps/ledger-api/production/kustomization.yaml');
    assert.equal(ledger[0].command.title, 'promote from staging (2.4.0-rc.1, v0.26.0)');
  });

  test('commands: list and plan promotions', async () => {
    const list = await c.execute('baton.listPromotions');
    assert.deepEqual(
      list.map((p) => p.label),
      [
        'ledger-api: dev → staging (2.4.0)',
        'ledger-api: staging → production (2.4.0-rc.1, v0.26.0)',
        'payment-service: dev → staging (2.0.0)',
        'payment-service: staging → production (abc1234)',
      ],
    );
    const plan = await c.execute('baton.planPromotion', { app: 'payment-service', to: 'production' });
    assert.equal(plan.title, 'promote(payment-service): staging → production (abc1234)');
    assert.equal(plan.allowed, false);
    assert.deepEqual(plan.edits.map((e) => e.path), ['apps/payment-service/production/image-patch.yaml']);
    assert.deepEqual(plan.gates.map((g) => g.name), ['order', 'requiredChecks', 'approvals', 'codeowners', 'immutableTags', 'soak', 'windows']);
    assert.match(plan.text, /^Changes:\n {2}Deployment\/payment-service payment-service: 9f8e7d6 → abc1234$/m);
    assert.match(plan.text, /^ {2}… approvals: pending \(0 of 1 approvals\)$/m);
    assert.match(plan.text, /^Not allowed yet: /m);
  });

  test('bad requests are errors, not crashes', async () => {
    await assert.rejects(c.execute('baton.nope'), /unknown command baton.nope/);
    await assert.rejects(c.execute('baton.planPromotion', { app: 42 }), /expected \{app, to, from\?\}/);
    await assert.rejects(c.execute('baton.promote'), /expected \{app, to, from\?\}/);
    const unknown = await c.execute('baton.planPromotion', { app: 'no-such-app', to: 'production' });
    assert.ok(unknown.errors.length > 0, 'an unknown app is a diagnostic of the plan');
    assert.equal(await c.hover('../outside.yaml', { line: 0, character: 0 }), null);
    assert.equal(await c.hover('apps/payment-service/production/kustomization.yaml', { line: 999, character: 999 }), null);
    assert.deepEqual(await c.symbols('no/such/file.yaml'), []);
  });

  test('document symbols: a kustomization outline, and the objects of a manifest', async () => {
    const symbols = await c.symbols('apps/ledger-api/production/kustomization.yaml');
    assert.deepEqual(
      symbols.map((s) => [s.name, s.detail, s.kind]),
      [
        ['apiVersion', 'kustomize.config.k8s.io/v1beta1', protocol.SymbolKind.Property],
        ['kind', 'Kustomization', protocol.SymbolKind.Property],
        ['namespace', 'ledger-production', protocol.SymbolKind.Property],
        ['resources', '3 entries', protocol.SymbolKind.Module],
        ['replicas', '1 entry', protocol.SymbolKind.Array],
        ['images', '1 entry', protocol.SymbolKind.Array],
      ],
    );
    assert.deepEqual(symbols[3].children.map((s) => [s.name, s.kind]), [
      ['../base', protocol.SymbolKind.File],
      ['rollout.yaml', protocol.SymbolKind.File],
      ['preview-service.yaml', protocol.SymbolKind.File],
    ]);
    assert.deepEqual(symbols[5].children.map((s) => [s.name, s.detail, s.kind]), [['prom/statsd-exporter', ':v0.26.1', protocol.SymbolKind.Constant]]);
    assert.deepEqual(symbols[5].children[0].range, { start: { line: 13, character: 4 }, end: { line: 14, character: 19 } });

    const patches = await c.symbols('apps/payment-service/staging/kustomization.yaml');
    assert.deepEqual(patches.find((s) => s.name === 'patches').children.map((s) => s.name), ['image-patch.yaml']);

    const manifest = await c.symbols('clusters/prod/policies.yaml');
    assert.deepEqual(manifest.map((s) => s.name), ['ImagePolicy flux-apps/payment-service', 'ImagePolicy other/payment-service']);
  });

  test('files changed on disk: watched-file events update the workspace', async () => {
    const path = 'apps/broken/prod/extra.yaml';
    writeFileSync(join(c.root, path), 'x: [\n');
    const appeared = c.nextPublication(c.uri(path));
    await c.connection.sendNotification(protocol.DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: c.uri(path), type: protocol.FileChangeType.Created }],
    });
    assert.deepEqual((await appeared).diagnostics.map((d) => d.code), ['Y001']);
    unlinkSync(join(c.root, path));
    const cleared = c.nextPublication(c.uri(path));
    await c.connection.sendNotification(protocol.DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: c.uri(path), type: protocol.FileChangeType.Deleted }],
    });
    assert.deepEqual((await cleared).diagnostics, []);
  });

  test('closing an edited document takes the file from disk again', async () => {
    const path = 'apps/broken/prod/deployment.yaml';
    await c.open(path, DEPLOYMENT, 1);
    await c.nextPublication(c.uri(path));
    await c.change(path, 'kind: [\n', 2);
    await c.nextPublication(c.uri(path), (p) => p.diagnostics.length > 0);
    const cleared = c.nextPublication(c.uri(path), (p) => p.diagnostics.length === 0);
    await c.close(path);
    await cleared;
  });

  test('promote: the plan is shown, and its edits are applied as a workspace edit', async () => {
    const path = 'apps/payment-service/production/image-patch.yaml';
    const result = await c.execute('baton.promote', { app: 'payment-service', to: 'production' });
    const request = c.messageRequests.at(-1);
    assert.equal(request.type, protocol.MessageType.Info);
    assert.match(request.message, /^promote\(payment-service\): staging → production \(abc1234\)\nChanges:/);
    assert.deepEqual(request.actions, [{ title: 'Apply edits' }, { title: 'Cancel' }]);
    assert.equal(result.applied, true);
    const line = read(c.root, path).split('\n').findIndex((l) => l.includes('9f8e7d6'));
    assert.deepEqual(c.appliedEdits.at(-1), {
      label: 'promote(payment-service): staging → production (abc1234)',
      edit: {
        documentChanges: [
          {
            textDocument: { uri: c.uri(path), version: null },
            edits: [{ range: { start: { line, character: 54 }, end: { line, character: 61 } }, newText: 'abc1234' }],
          },
        ],
      },
    });
    // The server now holds the planned text: nothing is pending any more.
    assert.deepEqual(await c.codeLens('apps/payment-service/production/kustomization.yaml'), []);
    // ledger-api's two, and payment-service's staging, which waits for dev.
    assert.equal(await c.execute('baton.listPromotions').then((l) => l.length), 3);
  });
});

describe('promote with other answers and clients', () => {
  test('cancel applies nothing; a confirmed command asks nothing; `changes` for simple clients', async () => {
    let answer = { title: 'Cancel' };
    const caps = { ...FULL_CAPABILITIES, workspace: { ...FULL_CAPABILITIES.workspace, workspaceEdit: {} } };
    const c = await startServer(exampleRepo(), { capabilities: caps, answers: { showMessageRequest: () => answer } });
    try {
      const args = { app: 'payment-service', to: 'production' };
      const cancelled = await c.execute('baton.promote', args);
      assert.equal(cancelled.applied, false);
      assert.equal(cancelled.reason, 'cancelled');
      assert.equal(c.appliedEdits.length, 0);

      answer = null;
      const confirmed = await c.execute('baton.promote', { ...args, confirmed: true });
      assert.equal(c.messageRequests.length, 1, 'confirmed: no question');
      assert.equal(confirmed.applied, true);
      const [{ edit }] = c.appliedEdits;
      assert.deepEqual(Object.keys(edit), ['changes']);
      assert.deepEqual(Object.keys(edit.changes), [c.uri('apps/payment-service/production/image-patch.yaml')]);

      // Nothing left to promote: a message, no edit.
      const again = await c.execute('baton.promote', { ...args, confirmed: true });
      assert.equal(again.applied, false);
      assert.equal(again.reason, 'nothing to change');
      assert.equal(c.appliedEdits.length, 1);
    } finally {
      await c.stop();
    }
  });

  test('an editor that refuses the edit: nothing changes in the server', async () => {
    const c = await startServer(exampleRepo(), { answers: { applyEdit: false } });
    try {
      const result = await c.execute('baton.promote', { app: 'payment-service', to: 'production', confirmed: true });
      assert.equal(result.applied, false);
      assert.equal(result.reason, 'refused by the test');
      assert.equal((await c.codeLens('apps/payment-service/production/kustomization.yaml')).length, 1);
    } finally {
      await c.stop();
    }
  });

  test('symbolic links: followed inside the folder, reported when they leave it or loop', async () => {
    const root = exampleRepo({ 'apps/broken/prod/kustomization.yaml': 'resources:\n  - missing.yaml\n' });
    const outside = mkdtempSync(join(tmpdir(), 'baton-outside-'));
    writeFileSync(join(outside, 'secret.yaml'), 'x: [\n');
    symlinkSync(join(root, 'apps/broken'), join(root, 'linked'));
    symlinkSync(outside, join(root, 'away'));
    symlinkSync('..', join(root, 'apps/broken/up'));
    const c = await startServer(root);
    try {
      await c.until(() => c.diagnostics.get(c.uri('linked/prod/kustomization.yaml')), 'the linked kustomization');
      assert.equal(c.diagnostics.get(c.uri('away/secret.yaml')), undefined);
      await c.until(() => c.logs.some((l) => /skipped away: a symbolic link that leaves the folder/.test(l.message)), 'the outside link');
      assert.ok(c.logs.some((l) => /skipped apps\/broken\/up: a symbolic link to a directory that contains it/.test(l.message)));
    } finally {
      await c.stop();
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('a folder that cannot be read still answers', async () => {
    const root = exampleRepo();
    rmSync(root, { recursive: true, force: true });
    const c = await startServer(root);
    try {
      assert.deepEqual(await c.execute('baton.listPromotions'), []);
      await c.until(() => c.logs.some((l) => /cannot read the folder/.test(l.message)), 'a log line');
    } finally {
      await c.stop();
    }
  });
});

describe('the npm package', () => {
  test('`baton-language-server --stdio` runs from the installed package (its bin resolves the engine through the package)', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'baton-pack-'));
    try {
      execFileSync('npm', ['pack', repoRoot, '--pack-destination', scratch, '--silent'], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] });
      const [tarball] = readdirSync(scratch).filter((n) => n.endsWith('.tgz'));
      writeFileSync(join(scratch, 'package.json'), '{"name": "consumer", "private": true}\n');
      execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', `./${tarball}`], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] });
      const bin = join(scratch, 'node_modules', '.bin', 'baton-language-server');
      const c = await startServer(exampleRepo({ 'apps/broken/prod/kustomization.yaml': 'resources:\n  - missing.yaml\n' }), { server: bin });
      try {
        assert.equal(c.initializeResult.serverInfo.name, 'baton-language-server');
        const [d] = await c.until(() => c.diagnostics.get(c.uri('apps/broken/prod/kustomization.yaml')), 'diagnostics');
        assert.equal(d.code, 'K003');
      } finally {
        await c.stop();
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
