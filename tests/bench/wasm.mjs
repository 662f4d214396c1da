// Benchmarks of the wasm package in Node (a program, not a test: it reports, never asserts).
//
//   node tests/bench/wasm.mjs [--apps 300,1000,3000] [--edits 50] [FLEETS_DIR]
//   node tests/bench/wasm.mjs --flux 100000      only the Flux elections
//
// Prints: instantiation time (fresh processes, median of 7); the time to render the whole
// conformance corpus, first pass (V8 compiles the hot functions during it) and best of 5; and,
// for each fleet size, in a fresh process so that memory is its own: validate cold, wasm linear
// memory, validate after editing one file (median), status and planPromotion (first call, then
// best of 3); 50 ApplicationSets × 20 Applications expanded and render-checked; and Flux's
// `imageUpdate` electing from 100,000 tags, per policy kind (the target: under 50 ms).
// Fleets are read from FLEETS_DIR/fleet-N (default target/), written by
// `cargo run --release -p baton-tests --bin synth -- N target/fleet-N`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { baton, holdsLink, readTreeWithBytes, repoRoot } from '../js/helpers.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MB = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const positional = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
const fleetsDir = positional[0] ?? join(repoRoot, 'target');
const edits = Number(option('--edits', '50'));

function instantiate() {
  const probe = `const t0 = process.hrtime.bigint(); require(${JSON.stringify(join(repoRoot, 'pkg/node/baton_wasm.js'))});
    console.log(Number(process.hrtime.bigint() - t0) / 1e6);`;
  const times = [];
  for (let i = 0; i < 7; i++) times.push(Number(execFileSync(process.execPath, ['-e', probe]).toString()));
  console.log(`wasm: instantiate in Node (require: compile + instantiate): median ${median(times).toFixed(1)} ms of 7`);
}

function corpus() {
  const dir = join(repoRoot, 'tests', 'conformance', 'cases');
  // Cases with symbolic links are for hosts that record links (the CLI), not the wasm API.
  const names = readdirSync(dir).sort().filter((name) => !holdsLink(join(dir, name, 'input')));
  const cases = names.map((name) => {
    const target = readFileSync(join(dir, name, 'target'), 'utf8').trim().replace(/^\.\//, '').replace(/\/$/, '');
    return { files: readTreeWithBytes(join(dir, name, 'input')), target: target === '.' ? '' : target };
  });
  const times = [];
  let bytes = 0;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    bytes = 0;
    for (const c of cases) bytes += Buffer.byteLength(new baton.Workspace(c.files).render(c.target).yaml);
    times.push(performance.now() - t0);
  }
  console.log(`corpus: ${cases.length} cases rendered: first pass ${times[0].toFixed(1)} ms, best of ${times.length} ${Math.min(...times).toFixed(1)} ms (${bytes} bytes of YAML), wasm`);
}

/**
 * 50 ApplicationSets × 20 Applications, expanded and each Application's path rendered, in two
 * repositories: `shared`, one ApplicationSet per cluster over the same 20 app overlays (1,000
 * Applications, 20 distinct renders); `distinct`, each ApplicationSet's git directories
 * generator listing its team's own 20 overlays (1,000 distinct renders). goTemplate for half of
 * the sets, fasttemplate for the others. First call (renders cold) and best of 3 (cached).
 */
function appsets() {
  const base = {
    'base/kustomization.yaml': 'resources:\n- deployment.yaml\n',
    'base/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: reg.example.com/web:1.0.0\n',
  };
  const overlay = (prefix, tag) => `resources:\n- ../../../base\nnamePrefix: ${prefix}-\nnamespace: ${prefix}\nimages:\n- name: reg.example.com/web\n  newTag: "${tag}"\n`;
  const set = (t, go, generator, path) => {
    const name = go ? '{{ .path.basename }}' : '{{path.basename}}';
    return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: set-${t}
  namespace: argocd
spec:
  goTemplate: ${go}
  generators:
${generator}
  template:
    metadata:
      name: 's${t}-${name}'
    spec:
      project: team-${t}
      source:
        repoURL: https://github.com/example/fleet
        targetRevision: HEAD
        path: '${path}'
      destination:
        server: 'https://cluster-${t}.example.com'
        namespace: '${name}'
`;
  };
  const shared = { ...base };
  const distinct = { ...base };
  for (let a = 0; a < 20; a++) shared[`apps/app-${a}/prod/kustomization.yaml`] = overlay(`app-${a}`, `1.${a}.0`);
  for (let t = 0; t < 50; t++) {
    const go = t % 2 === 0;
    const dirs = (glob) => `  - git:\n      repoURL: https://github.com/example/fleet\n      revision: HEAD\n      directories:\n      - path: '${glob}'`;
    shared[`argocd/set-${t}.yaml`] = set(t, go, dirs('apps/*'), go ? '{{ .path.path }}/prod' : '{{path}}/prod');
    for (let a = 0; a < 20; a++) distinct[`teams/t${t}/app-${a}/kustomization.yaml`] = overlay(`t${t}`, `1.${a}.0`).replace('../../../base', '../../../base');
    distinct[`argocd/set-${t}.yaml`] = set(t, go, dirs(`teams/t${t}/*`), go ? '{{ .path.path }}' : '{{path}}');
  }
  for (const [label, files] of [['shared', shared], ['distinct', distinct]]) {
    const times = [];
    let apps = 0;
    let rendered = 0;
    const ws = new baton.Workspace(files);
    for (let run = 0; run < 4; run++) {
      const t0 = performance.now();
      const result = ws.expandAppSets();
      times.push(performance.now() - t0);
      apps = result.appSets.reduce((n, s) => n + s.applications.length, 0);
      rendered = result.appSets.reduce((n, s) => n + s.applications.filter((a) => a.sources[0]?.status === 'renders').length, 0);
    }
    const renders = ws.stats().renders;
    console.log(`appsets (${label}): 50 ApplicationSets × 20 Applications (${apps} generated, ${rendered} paths render, ${renders} distinct renders): expandAppSets first ${times[0].toFixed(1)} ms, best of 3 ${Math.min(...times.slice(1)).toFixed(1)} ms (renders cached), wasm`);
  }
}

/**
 * Flux: `imageUpdate` with one policy over `count` tags, the same tags and policies as the
 * native bench (`tests/src/bin/bench.rs`, `flux_election`): median of 11, with the time the
 * tags take to cross into wasm included (what a host pays), for both input forms: an array of
 * strings (each item crosses on its own) and one string with a tag per line (crosses at once).
 * Then the crossing alone: the same call with the tags keyed by an image no policy reads.
 */
function fluxElection(count) {
  const tags = [];
  for (let i = 0; i < count; i++) {
    switch (i % 4) {
      case 0: tags.push(`${i % 7}.${Math.floor(i / 7) % 100}.${Math.floor(i / 700)}`); break;
      case 1: tags.push(`${i % 5}.${Math.floor(i / 5) % 50}.0-rc.${i % 13}`); break;
      case 2: tags.push(`main-${(Number((BigInt(i) * 2654435761n) % 0x0fffffffn)).toString(16).padStart(7, '0')}-${1600000000 + i}`); break;
      default: tags.push(`sha256-${i.toString(16)}.sig`);
    }
  }
  const text = tags.join('\n');
  const policies = [
    ['semver', "policy: {semver: {range: '>=2.0.0 <5.0.0'}}"],
    ['semver pre-releases', "policy: {semver: {range: '>=1.0.0-0'}}"],
    ['numerical + filterTags', "policy: {numerical: {order: asc}}\n  filterTags: {pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$', extract: '$ts'}"],
    ['alphabetical', 'policy: {alphabetical: {order: desc}}'],
  ];
  const run = (policy, image, input) => {
    const objects = `apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {name: app, namespace: ns}\nspec: {image: registry.example.com/app}\n---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {name: app, namespace: ns}\nspec:\n  imageRepositoryRef: {name: app}\n  ${policy}\n`;
    const times = [];
    let latest = null;
    for (let n = 0; n < 11; n++) {
      const ws = new baton.Workspace({ 'flux/objects.yaml': objects });
      const t0 = performance.now();
      const out = ws.imageUpdate({ images: { [image]: input } });
      times.push(performance.now() - t0);
      latest = out.policies[0]?.latest ?? null;
      ws.free();
    }
    return [median(times), latest];
  };
  for (const [label, policy] of policies) {
    const [ms, latest] = run(policy, 'registry.example.com/app', tags);
    const [textMs] = run(policy, 'registry.example.com/app', text);
    console.log(`flux: imageUpdate, ${label}, ${count} tags: ${ms.toFixed(1)} ms median of 11 (elects ${latest ?? 'nothing'}), tags as one string (a tag per line) ${textMs.toFixed(1)} ms, wasm`);
  }
  const [crossing] = run(policies[3][1], 'elsewhere.example.com/app', tags);
  const [crossingText] = run(policies[3][1], 'elsewhere.example.com/app', text);
  console.log(`flux: ${count} tags crossing into wasm (imageUpdate, no policy reads them): array ${crossing.toFixed(1)} ms, one string ${crossingText.toFixed(1)} ms, wasm`);
}

/** One fleet, in this (fresh) process. Prints its lines and `cold-ms N` for the parent. */
function fleet(apps) {
  const dir = join(fleetsDir, `fleet-${apps}`);
  if (!existsSync(dir)) {
    console.log(`fleet: ${dir} is missing; write it with: cargo run --release -p baton-tests --bin synth -- ${apps} ${dir}`);
    return;
  }
  const files = readTreeWithBytes(dir);
  const count = Object.keys(files).length;
  let t0 = performance.now();
  const ws = new baton.Workspace(files);
  const cold = ws.validate();
  const coldMs = performance.now() - t0;
  console.log(`fleet: ${apps} apps × 3 environments (${count} files): validate cold ${coldMs.toFixed(1)} ms (${cold.diagnostics.length} diagnostics), wasm memory ${MB(baton.memoryBytes())}, wasm`);
  console.log(`cold-ms ${coldMs}`);
  const patches = Object.keys(files).filter((p) => p.endsWith('/staging/image-patch.yaml'));
  const times = [];
  // Every edit changes the file's text (a text set again unchanged costs nothing to validate).
  const current = {};
  for (let n = 0; n < edits; n++) {
    const path = patches[n % patches.length];
    const now = current[path] ?? files[path];
    const text = now.includes('CI updates this') ? now.replace('CI updates this', 'CI updated this') : now.replace('CI updated this', 'CI updates this');
    current[path] = text;
    t0 = performance.now();
    ws.setFile(path, text);
    ws.validate();
    times.push(performance.now() - t0);
  }
  console.log(`fleet: ${apps} apps: validate after editing one file: median ${median(times).toFixed(2)} ms, worst ${Math.max(...times).toFixed(2)} ms over ${edits} edits, wasm`);
  const statusTimes = [];
  const planTimes = [];
  let pending = 0;
  let planEdits = 0;
  for (let run = 0; run < 4; run++) {
    t0 = performance.now();
    const status = ws.status();
    statusTimes.push(performance.now() - t0);
    pending = status.apps.reduce((n, a) => n + a.pending.length, 0);
    t0 = performance.now();
    planEdits = ws.planPromotion({ app: 'app-000', to: 'production' }).edits.length;
    planTimes.push(performance.now() - t0);
  }
  const best = (xs) => Math.min(...xs.slice(1)).toFixed(1);
  console.log(`fleet: ${apps} apps: status first ${statusTimes[0].toFixed(1)} ms, best of 3 ${best(statusTimes)} ms (${pending} pending); planPromotion first ${planTimes[0].toFixed(1)} ms, best of 3 ${best(planTimes)} ms (${planEdits} edits), wasm`);
  const stats = ws.stats();
  console.log(`fleet: ${apps} apps: work done: ${stats.parses} parses, ${stats.renders} renders; wasm memory after every operation ${MB(baton.memoryBytes())}, wasm`);
}

const one = option('--fleet');
const fluxOnly = option('--flux');
if (one) {
  fleet(Number(one));
} else if (fluxOnly) {
  fluxElection(Number(fluxOnly));
} else {
  instantiate();
  corpus();
  appsets();
  fluxElection(100_000);
  const sizes = option('--apps', '300,1000,3000').split(',').map(Number);
  const cold = [];
  for (const apps of sizes) {
    const args = [fileURLToPath(import.meta.url), '--fleet', String(apps), '--edits', String(edits), fleetsDir];
    const out = execFileSync(process.execPath, args, { maxBuffer: 1 << 24 }).toString();
    process.stdout.write(out.split('\n').filter((l) => !l.startsWith('cold-ms ')).join('\n'));
    const ms = out.split('\n').find((l) => l.startsWith('cold-ms '));
    if (ms) cold.push([apps, Number(ms.slice(8))]);
  }
  if (cold.length > 1) {
    const [[small, a], [large, b]] = [cold[0], cold[cold.length - 1]];
    console.log(`scaling: validate cold ${large} apps / ${small} apps = ${(b / a).toFixed(1)}× for ${(large / small).toFixed(0)}× the apps (target ≤ ${(1.1 * large / small).toFixed(0)}×), wasm`);
  }
}
