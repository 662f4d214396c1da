// The three builds in the package answer alike: node (CommonJS, `require`), web (ES module,
// `init` loads the .wasm) and bundler (ES module that imports the .wasm; Node's
// --experimental-wasm-modules stands in for a bundler here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { baton, repoRoot } from './helpers.mjs';

const files = { 'k/kustomization.yaml': 'resources:\n  - cm.yaml\nnamespace: ns\n', 'k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n', 'bad.yaml': 'a: [\n' };
const answer = (m) => {
  const ws = new m.Workspace(files);
  return JSON.stringify({ version: m.version(), validate: ws.validate(), render: ws.render('k') });
};

test('the web build, initialized from bytes, answers as the node build does', async () => {
  const web = await import('../../pkg/web/baton_wasm.js');
  web.initSync({ module: readFileSync(join(repoRoot, 'pkg', 'baton_wasm_bg.wasm')) });
  assert.equal(answer(web), answer(baton));
});

test('the bundler build answers as the node build does', () => {
  const script = `
    import * as m from './pkg/bundler/baton_wasm.js';
    const ws = new m.Workspace(${JSON.stringify(files)});
    process.stdout.write(JSON.stringify({ version: m.version(), validate: ws.validate(), render: ws.render('k') }));
  `;
  const out = execFileSync(process.execPath, ['--experimental-wasm-modules', '--no-warnings', '--input-type=module', '-e', script], { cwd: repoRoot });
  assert.equal(out.toString(), answer(baton));
});

test('package.json exports point at files that exist', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const targets = [];
  const walk = (v) => (typeof v === 'string' ? targets.push(v) : Object.values(v).forEach(walk));
  walk(pkg.exports);
  targets.push(pkg.main, pkg.types, pkg.module);
  for (const target of targets) assert.doesNotThrow(() => readFileSync(join(repoRoot, target)), target);
});
