#!/usr/bin/env bash
# Benchmarks, native, wasm and the language server (timings are reported, never asserted).
# Run `npm run build` first.
#
#   scripts/bench.sh [APPS]     default 300 apps × 3 environments
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
apps="${1:-300}"
echo "== native"
cargo run --quiet --release -p baton-tests --bin bench -- "$apps"
cargo run --quiet --release -p baton-tests --bin synth -- "$apps" "target/fleet-$apps"
echo "== wasm (Node)"
node tests/bench/wasm.mjs "target/fleet-$apps"
echo "== language server (Node, over stdio)"
node scripts/build-lsp.mjs
node tests/bench/lsp.mjs "target/fleet-$apps"
echo "== size"
bash scripts/size.sh
