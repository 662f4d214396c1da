// The kustomize conformance corpus through the wasm package: every case renders to the same
// bytes kustomize v5.8.1 printed (or fails where kustomize fails), exactly as the native
// engine does in `cargo test -p baton-tests --test conformance`. Cases whose input holds a
// symbolic link run natively only: the CLI tells the engine's tree about links, the wasm API
// takes files (a host that follows links gives the engine the files they lead to).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { baton, holdsLink, readTreeWithBytes, repoRoot } from './helpers.mjs';

const corpus = join(repoRoot, 'tests', 'conformance');

function expected(name) {
  for (const dir of [join(corpus, 'overrides', name), join(corpus, 'cases', name)]) {
    if (existsSync(join(dir, 'expected.yaml'))) return { yaml: readFileSync(join(dir, 'expected.yaml'), 'utf8') };
    if (existsSync(join(dir, 'expected-error.txt'))) return { error: readFileSync(join(dir, 'expected-error.txt'), 'utf8') };
  }
  throw new Error(`case ${name} has no expected output`);
}

test('every conformance case renders through wasm as kustomize printed it', () => {
  const all = readdirSync(join(corpus, 'cases')).sort();
  const names = all.filter((name) => !holdsLink(join(corpus, 'cases', name, 'input')));
  assert.ok(names.length >= 250, `only ${names.length} cases`);
  const failures = [];
  for (const name of names) {
    const dir = join(corpus, 'cases', name);
    let target = readFileSync(join(dir, 'target'), 'utf8').trim().replace(/^\.\//, '').replace(/\/$/, '');
    if (target === '.') target = '';
    const ws = new baton.Workspace(readTreeWithBytes(join(dir, 'input')));
    const result = ws.render(target);
    const want = expected(name);
    if (want.yaml !== undefined) {
      if (!result.ok) failures.push(`${name}: errors ${result.diagnostics.map((d) => d.code).join(',')}`);
      else if (result.yaml !== want.yaml) failures.push(`${name}: output differs`);
    } else if (result.ok || result.yaml !== '') {
      failures.push(`${name}: kustomize fails here, the wasm engine rendered`);
    }
  }
  assert.deepEqual(failures, []);
  console.log(
    `wasm-conformance: ${names.length - failures.length} passed, ${failures.length} failed, ` +
      `${all.length - names.length} with symbolic links left to the native run`,
  );
});
