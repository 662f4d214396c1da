// The README's "JS in Node" example runs as written and prints what the README says.
// (The "Browser" example runs in Chromium, in tests/browser/playground.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from './helpers.mjs';
import { readmeBlock } from './readme.mjs';

test('README: JS in Node', () => {
  const { code, output } = readmeBlock('JS in Node', 'js');
  // Inside the package's folder, so that `require('@baton/engine')` resolves to this package.
  const dir = join(repoRoot, 'target', 'readme');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'node-example.cjs');
  writeFileSync(file, code);
  const printed = execFileSync(process.execPath, [file], { cwd: repoRoot }).toString();
  assert.equal(printed.trim(), output.trim());
});

/** Runs a README example with `require` resolving inside this package (and fakes beside it). */
function runExample(name, code, fakes = {}) {
  const dir = join(repoRoot, 'target', 'readme', name);
  for (const [module, source] of Object.entries(fakes)) {
    mkdirSync(join(dir, 'node_modules', module), { recursive: true });
    writeFileSync(join(dir, 'node_modules', module, 'index.js'), source);
  }
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'example.cjs');
  writeFileSync(file, code);
  return execFileSync(process.execPath, [file], { cwd: repoRoot }).toString();
}

// Just enough of the `vscode` API for the example: the real classes' constructors and fields.
const FAKE_VSCODE = `
class Position { constructor(line, character) { this.line = line; this.character = character; } }
class Range { constructor(l1, c1, l2, c2) { this.start = new Position(l1, c1); this.end = new Position(l2, c2); } }
class Diagnostic { constructor(range, message, severity) { this.range = range; this.message = message; this.severity = severity; } }
const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 };
const Uri = { file: (path) => ({ scheme: 'file', path, toString: () => 'file://' + path }) };
const languages = {
  createDiagnosticCollection: () => {
    const map = new Map();
    return { set: (uri, d) => map.set(uri.toString(), d), get: (uri) => map.get(uri.toString()) ?? [], clear: () => map.clear() };
  },
};
module.exports = { Position, Range, Diagnostic, DiagnosticSeverity, Uri, languages };
`;

test('README: VS Code', () => {
  const { code, output } = readmeBlock('VS Code', 'js');
  assert.equal(runExample('vscode', code, { vscode: FAKE_VSCODE }).trim(), output.trim());
});

test('README: Backstage', () => {
  const { code, output } = readmeBlock('Backstage', 'js');
  assert.equal(runExample('backstage', code).trim(), output.trim());
});

test('README: Preview environments', () => {
  const { code, output } = readmeBlock('Preview environments', 'js');
  assert.equal(runExample('previews', code).trim(), output.trim());
});
