// A WebAssembly trap (a Rust panic is built as a bare `unreachable`; inputs must never cause
// one) becomes a WebAssembly.RuntimeError that says what happened and what to do, and the
// instance refuses every later call instead of running on memory the trap left behind
// (scripts/trap-guard.js, appended to each target's glue by scripts/build-wasm.sh).
// No input traps the engine, so the tests trap it the one way the host can: a method called
// on an object that is not a live Workspace, whose pointer lies outside the wasm memory (a real
// out-of-bounds trap inside the module). Each build is trapped in its own process, since a
// trap ends its instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

import { repoRoot } from './helpers.mjs';

// Runs in a fresh process with the build's module as `m`; prints what each step did.
const probe = `
  const steps = [];
  const attempt = (label, f) => {
    try { f(); steps.push([label, 'ok']); }
    catch (e) { steps.push([label, e.constructor.name, e.message, e.cause ? e.cause.message : null]); }
  };
  const ws = new m.Workspace({ 'a.yaml': 'a: 1\\n' });
  attempt('before', () => ws.validate());
  const broken = Object.create(m.Workspace.prototype);
  broken.__wbg_ptr = 0xfffffff0;
  attempt('trap', () => broken.validate());
  attempt('same workspace', () => ws.render(''));
  attempt('new workspace', () => new m.Workspace({}).status());
  attempt('free', () => ws.free());
  process.stdout.write(JSON.stringify(steps));
`;

const check = (steps) => {
  const [before, trap, same, fresh, free] = steps;
  assert.deepEqual(before, ['before', 'ok']);
  assert.equal(trap[1], 'RuntimeError');
  assert.match(trap[2], /^baton: the engine trapped in Workspace\.validate \(memory access out of bounds\); this is a bug in Baton/);
  assert.match(trap[2], /The WebAssembly instance is now unusable: load the module again/);
  assert.equal(trap[3], 'memory access out of bounds');
  // Later calls, on any workspace of the instance, refuse with the first trap's story.
  for (const later of [same, fresh]) {
    assert.equal(later[1], 'RuntimeError', later[0]);
    assert.equal(later[2], trap[2], later[0]);
  }
  assert.deepEqual(free, ['free', 'ok']);
};

const run = (args, script) =>
  JSON.parse(execFileSync(process.execPath, [...args, '-e', script], { cwd: repoRoot }).toString());

test('node build: a trap is a clear RuntimeError, and the instance refuses later calls', () => {
  check(run([], `const m = require('./pkg/node/baton_wasm.js');\n${probe}`));
});

test('web build: the same', () => {
  const script = `
    import * as m from './pkg/web/baton_wasm.js';
    import { readFileSync } from 'node:fs';
    m.initSync({ module: readFileSync('pkg/baton_wasm_bg.wasm') });
    ${probe}`;
  check(run(['--input-type=module'], script));
});

test('bundler build: the same', () => {
  const script = `import * as m from './pkg/bundler/baton_wasm.js';\n${probe}`;
  check(run(['--experimental-wasm-modules', '--no-warnings', '--input-type=module'], script));
});

test('the guard leaves method names and host-misuse errors as they were', () => {
  const m = JSON.parse(
    execFileSync(process.execPath, ['-e', `
      const { Workspace } = require('./pkg/node/baton_wasm.js');
      const ws = new Workspace({});
      let misuse;
      try { ws.render(42); } catch (e) { misuse = [e.constructor.name, e.message]; }
      process.stdout.write(JSON.stringify({ name: Workspace.prototype.planPromotion.name, misuse, after: ws.validate() }));
    `], { cwd: repoRoot }).toString(),
  );
  assert.equal(m.name, 'planPromotion');
  assert.deepEqual(m.misuse, ['Error', 'dir must be a string, got number']);
  assert.deepEqual(m.after, { diagnostics: [] });
});
