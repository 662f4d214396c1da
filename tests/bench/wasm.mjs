// Benchmarks of the wasm package in Node (a program, not a test: it reports, never asserts).
//
//   node tests/bench/wasm.mjs [FLEET_DIR]
//
// Prints: instantiation time (fresh processes, median of 7), the time to render the whole
// conformance corpus through wasm, and on a synthetic fleet (written by
// `cargo run -p baton-tests --bin synth -- 300 target/fleet-300`): validate cold, validate
// after editing one file (median of 50), status and planPromotion.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { baton, readTreeWithBytes, repoRoot } from '../js/helpers.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function instantiate() {
  const probe = `const t0 = process.hrtime.bigint(); require(${JSON.stringify(join(repoRoot, 'pkg/node/baton_wasm.js'))});
    console.log(Number(process.hrtime.bigint() - t0) / 1e6);`;
  const times = [];
  for (let i = 0; i < 7; i++) times.push(Number(execFileSync(process.execPath, ['-e', probe]).toString()));
  console.log(`wasm: instantiate in Node (require: compile + instantiate): median ${median(times).toFixed(1)} ms of 7`);
}

function corpus() {
  const dir = join(repoRoot, 'tests', 'conformance', 'cases');
  const cases = readdirSync(dir).sort().map((name) => {
    let target = readFileSync(join(dir, name, 'target'), 'utf8').trim().replace(/^\.\//, '').replace(/\/$/, '');
    return { files: readTreeWithBytes(join(dir, name, 'input')), target: target === '.' ? '' : target };
  });
  const t0 = performance.now();
  let bytes = 0;
  for (const c of cases) bytes += Buffer.byteLength(new baton.Workspace(c.files).render(c.target).yaml);
  console.log(`corpus: ${cases.length} cases rendered in ${(performance.now() - t0).toFixed(1)} ms (${bytes} bytes of YAML), wasm`);
}

function fleet(dir) {
  if (!existsSync(dir)) {
    console.log(`fleet: ${dir} is missing; write it with: cargo run -p baton-tests --bin synth -- 300 ${dir}`);
    return;
  }
  const files = readTreeWithBytes(dir);
  const count = Object.keys(files).length;
  let t0 = performance.now();
  const ws = new baton.Workspace(files);
  const cold = ws.validate();
  console.log(`fleet: ${count} files: validate cold ${(performance.now() - t0).toFixed(1)} ms (${cold.diagnostics.length} diagnostics), wasm`);
  const apps = Object.keys(files).filter((p) => p.endsWith('/staging/image-patch.yaml'));
  const times = [];
  for (let n = 0; n < 50; n++) {
    const path = apps[n % apps.length];
    const text = files[path].replace('CI updates this', n % 2 ? 'CI updates this' : 'CI updated this');
    t0 = performance.now();
    ws.setFile(path, text);
    ws.validate();
    times.push(performance.now() - t0);
  }
  console.log(`fleet: validate after editing one file: median ${median(times).toFixed(2)} ms, worst ${Math.max(...times).toFixed(2)} ms over 50 edits, wasm`);
  t0 = performance.now();
  const status = ws.status();
  const pending = status.apps.reduce((n, a) => n + a.pending.length, 0);
  console.log(`fleet: status ${(performance.now() - t0).toFixed(1)} ms (${pending} pending promotions), wasm`);
  t0 = performance.now();
  const plan = ws.planPromotion({ app: 'app-000', to: 'production' });
  console.log(`fleet: planPromotion ${(performance.now() - t0).toFixed(1)} ms (${plan.edits.length} edits), wasm`);
}

instantiate();
corpus();
fleet(process.argv[2] ?? join(repoRoot, 'target', 'fleet-300'));
