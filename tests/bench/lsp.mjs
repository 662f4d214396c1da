// Benchmark of the language server on a synthetic fleet (a program: it reports, never asserts).
//
//   node tests/bench/lsp.mjs [FLEET_DIR]
//
// The fleet is written by `cargo run -p baton-tests --bin synth -- 300 target/fleet-300`. The
// server runs as an editor runs it (a child process over stdio); times are measured in the
// client, so they include JSON-RPC and the pipe: from sending didChange to receiving the
// publishDiagnostics of that version (median and worst over 60 keystrokes, a third of them
// breaking the YAML and the next one fixing it), and the first hover and code lens after an
// edit (status of the whole fleet, recomputed for what the edit touched).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { protocol, repoRoot, startServer } from '../lsp/helpers.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

const dir = process.argv[2] ?? join(repoRoot, 'target', 'fleet-300');
if (!existsSync(dir)) {
  console.log(`lsp: ${dir} is missing; write it with: cargo run -p baton-tests --bin synth -- 300 ${dir}`);
  process.exit(0);
}

// startServer removes its folder when stopped: give it a copy.
const { cpSync, mkdtempSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const root = mkdtempSync(join(tmpdir(), 'baton-lsp-bench-'));
cpSync(dir, root, { recursive: true });

let t0 = performance.now();
const c = await startServer(root);
const first = 'apps/app-000/staging/image-patch.yaml';
await c.open(first, readFileSync(join(root, first), 'utf8'), 1);
await c.nextPublication(c.uri(first));
const [stats] = await c.stats();
console.log(`lsp: ${stats.files} files: start, read the folder, validate cold, first diagnostics: ${ms(performance.now() - t0)}`);

const apps = Array.from({ length: 10 }, (_, i) => `apps/app-${String(i * 29).padStart(3, '0')}/staging/image-patch.yaml`);
const texts = new Map(apps.map((p) => [p, readFileSync(join(root, p), 'utf8')]));
for (const path of apps) if (path !== first) await c.open(path, texts.get(path), 1);
await c.nextPublication(c.uri(apps.at(-1)));

const times = [];
const versions = new Map(apps.map((p) => [p, 1]));
const before = (await c.stats())[0];
for (let n = 0; n < 60; n++) {
  const path = apps[n % apps.length];
  const version = versions.get(path) + 1;
  versions.set(path, version);
  // Every third keystroke leaves the file broken until its next edit.
  const broken = n % 3 === 2;
  const text = broken ? `${texts.get(path)}  bad: [\n` : texts.get(path).replace('CI updates this', `CI updates this ${n}`);
  const published = c.nextPublication(c.uri(path), (p) => p.version === version);
  t0 = performance.now();
  await c.change(path, text, version);
  const p = await published;
  times.push(p.at - t0);
  if (broken !== p.diagnostics.length > 0) throw new Error(`unexpected diagnostics after edit ${n}: ${JSON.stringify(p.diagnostics)}`);
}
const afterEdits = (await c.stats())[0];
console.log(
  `lsp: didChange → publishDiagnostics on ${stats.files} files: median ${ms(median(times))}, worst ${ms(Math.max(...times))} over ${times.length} keystrokes` +
    ` (${afterEdits.renders - before.renders} renders, ${afterEdits.parses - before.parses} parses in all)`,
);

// The first hover and code lens after an edit: status is recomputed (from cached renders).
const hoverTimes = [];
const lensTimes = [];
for (let n = 0; n < 10; n++) {
  const path = apps[n];
  const version = versions.get(path) + 1;
  versions.set(path, version);
  const published = c.nextPublication(c.uri(path), (p) => p.version === version);
  await c.change(path, texts.get(path).replace('CI updates this', `hover ${n}`), version);
  await published;
  const line = texts.get(path).split('\n').findIndex((l) => l.includes('image:'));
  t0 = performance.now();
  const hover = await c.hover(path, { line, character: 12 });
  hoverTimes.push(performance.now() - t0);
  if (!hover) throw new Error(`no hover on ${path}:${line}`);
  const kustomization = path.replace('image-patch.yaml', 'kustomization.yaml').replace('/staging/', '/production/');
  t0 = performance.now();
  await c.request(protocol.CodeLensRequest.type, { textDocument: { uri: c.uri(kustomization) } });
  lensTimes.push(performance.now() - t0);
}
console.log(`lsp: first hover after an edit: median ${ms(median(hoverTimes))}, worst ${ms(Math.max(...hoverTimes))}; code lens after it: median ${ms(median(lensTimes))}`);
await c.stop();
