// The npm package's shape: one wasm module shared by the node, web and bundler entry points,
// exported as `@baton/engine/wasm`, and the size budget that `npm test` enforces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

import { baton, repoRoot } from './helpers.mjs';

const wasmFiles = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return wasmFiles(full);
    return name.endsWith('.wasm') ? [relative(repoRoot, full)] : [];
  });

test('the package holds exactly one .wasm, and npm pack ships only that one', () => {
  assert.deepEqual(wasmFiles(join(repoRoot, 'pkg')), ['pkg/baton_wasm_bg.wasm']);
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] }).toString());
  const shipped = pack.files.map((f) => f.path).filter((p) => p.endsWith('.wasm'));
  assert.deepEqual(shipped, ['pkg/baton_wasm_bg.wasm']);
  // One module, not three: the .wasm bytes shipped are exactly one module's.
  const wasmSize = statSync(join(repoRoot, 'pkg/baton_wasm_bg.wasm')).size;
  const shippedBytes = pack.files.filter((f) => f.path.endsWith('.wasm')).reduce((n, f) => n + f.size, 0);
  assert.equal(shippedBytes, wasmSize);
});

test('@baton/engine/wasm resolves, through the package exports, to the module every entry point loads', () => {
  const require = createRequire(join(repoRoot, 'package.json'));
  const resolved = require.resolve('@baton/engine/wasm');
  assert.equal(relative(repoRoot, resolved), join('pkg', 'baton_wasm_bg.wasm'));
  // Each entry point's glue names that module and no other.
  const glue = {
    node: ['pkg/node/baton_wasm.js', '`${__dirname}/../baton_wasm_bg.wasm`'],
    web: ['pkg/web/baton_wasm.js', "new URL('../baton_wasm_bg.wasm', import.meta.url)"],
    bundler: ['pkg/bundler/baton_wasm.js', 'from "../baton_wasm_bg.wasm"'],
  };
  for (const [target, [file, reference]] of Object.entries(glue)) {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    assert.ok(text.includes(reference), `${target}: ${file} should load ${reference}`);
    assert.equal(text.split('baton_wasm_bg.wasm').length - 1, 1, `${target}: one reference to the module`);
  }
});

test('the web entry point initializes from the bytes of @baton/engine/wasm', async () => {
  const require = createRequire(join(repoRoot, 'package.json'));
  const web = await import('@baton/engine/web');
  web.initSync({ module: readFileSync(require.resolve('@baton/engine/wasm')) });
  const files = { 'k/kustomization.yaml': 'resources: [cm.yaml]\n', 'k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' };
  assert.equal(new web.Workspace(files).render('k').yaml, new baton.Workspace(files).render('k').yaml);
});

test('scripts/size.sh --check passes within the budget and fails over it', () => {
  const ok = spawnSync('bash', ['scripts/size.sh', '--check'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /within budget/);
  const over = spawnSync('bash', ['scripts/size.sh', '--check'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, BATON_WASM_BUDGET: '1000' } });
  assert.equal(over.status, 1);
  assert.match(over.stderr, /exceeds the budget \(1000 bytes\)/);
});
