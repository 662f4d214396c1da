#!/usr/bin/env bash
# Benchmarks, native and wasm side by side, and the language server (timings are reported,
# never asserted). Run `npm run build` first.
#
#   scripts/bench.sh [APPS,APPS,...]     fleets of 300, 1,000 and 3,000 apps × 3 environments
#
# Prints the native figures (corpus, floor, each fleet with peak RSS), the wasm figures (the
# same, with wasm linear memory), the wasm/native ratios of one run, `baton validate` on the
# largest fleet against a loop of `kubectl kustomize` (scripts/cli-vs-kustomize.sh, when the
# oracle is installed), the language server, and the package size.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
sizes="${1:-300,1000,3000}"
edits="${BENCH_EDITS:-50}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

cargo build --quiet --release -p baton-tests --bin bench --bin synth
IFS=',' read -ra apps <<< "$sizes"
for n in "${apps[@]}"; do
  [ -d "target/fleet-$n" ] || target/release/synth "$n" "target/fleet-$n" > /dev/null
done

echo "== native"
target/release/bench --apps "$sizes" --edits "$edits" | tee "$out/native"
echo "== wasm (Node)"
node tests/bench/wasm.mjs --apps "$sizes" --edits "$edits" target | tee "$out/wasm"

echo "== wasm / native (this run)"
node - "$out/native" "$out/wasm" <<'JS'
const { readFileSync } = require('node:fs');
const [native, wasm] = process.argv.slice(2).map((f) => readFileSync(f, 'utf8'));
const grab = (text, re) => { const m = text.match(re); return m ? Number(m[1]) : NaN; };
const rows = [
  ['corpus render, first pass', /first pass ([\d.]+) ms/],
  ['corpus render, best of 5', /best of 5 ([\d.]+) ms/],
];
for (const label of ['semver', 'semver pre-releases', 'numerical + filterTags', 'alphabetical']) {
  const native = new RegExp(`flux: imageUpdate, ${label.replace('+', '\\+')}, 100000 tags: ([\\d.]+) ms`);
  rows.push([`flux election, ${label}, 100k tags`, native]);
  // wasm: the tags as one string (a tag per line), against the same native figure.
  rows.push([`  the same, tags as one string`, native, new RegExp(`flux: imageUpdate, ${label.replace('+', '\\+')}, 100000 tags: .* one string \\(a tag per line\\) ([\\d.]+) ms`)]);
}
for (const apps of [...new Set([...native.matchAll(/fleet: (\d+) apps ×/g)].map((m) => m[1]))]) {
  rows.push([`validate cold, ${apps} apps`, new RegExp(`fleet: ${apps} apps × 3 environments \\(\\d+ files\\): validate cold ([\\d.]+) ms`)]);
  rows.push([`one edit (median), ${apps} apps`, new RegExp(`fleet: ${apps} apps: validate after editing one file: median ([\\d.]+) ms`)]);
}
for (const [label, re, wasmRe] of rows) {
  const n = grab(native, re);
  const w = grab(wasm, wasmRe ?? re);
  console.log(`${label.padEnd(34)} native ${n.toFixed(2).padStart(9)} ms   wasm ${w.toFixed(2).padStart(9)} ms   ${(w / n).toFixed(2)}×`);
}
JS
largest="${apps[$(( ${#apps[@]} - 1 ))]}"
echo "== CLI against the kustomize oracle, ${largest} apps (whole processes; BENCH_KUSTOMIZE=0 skips)"
if [ "${BENCH_KUSTOMIZE:-1}" = 0 ]; then
  echo "skipped (BENCH_KUSTOMIZE=0)"
elif [ -x "${KUBECTL:-/work/.venv-oracle/bin/kubectl}" ]; then
  bash scripts/cli-vs-kustomize.sh "$largest" 100
else
  echo "skipped: no kubectl (see scripts/cli-vs-kustomize.sh to install the oracle)"
fi
echo "== language server (Node, over stdio), ${apps[0]} apps"
node scripts/build-lsp.mjs
node tests/bench/lsp.mjs "target/fleet-${apps[0]}"
echo "== size"
bash scripts/size.sh
