#!/usr/bin/env bash
# Builds the npm package's WebAssembly: cargo (profile `wasm`), then the wasm-bindgen CLI for
# each JavaScript target, then `wasm-opt -Oz` from npm's binaryen.
#
#   scripts/build-wasm.sh               all targets: node, web, bundler
#   scripts/build-wasm.sh web           only the listed targets
#
# Output: pkg/node (CommonJS, for `require`), pkg/web (ES module, `init()` fetches the .wasm),
# pkg/bundler (ES module importing the .wasm, for webpack-style bundlers).
# wasm-pack is not used: it would add a second cargo install and tries GitHub for wasm-opt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then targets=(node web bundler); fi

wasm_opt="$root/node_modules/.bin/wasm-opt"
if [ ! -x "$wasm_opt" ]; then
  echo "build-wasm: $wasm_opt is missing; run scripts/bootstrap.sh (npm ci) first" >&2
  exit 1
fi
# The crate and the CLI must agree exactly, or wasm-bindgen refuses the module.
crate_version="$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)"
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $crate_version" ]; then
  echo "build-wasm: wasm-bindgen $crate_version is needed (found: $(wasm-bindgen --version 2>/dev/null || echo none)); run scripts/bootstrap.sh" >&2
  exit 1
fi

echo "build-wasm: cargo build -p baton-wasm --target wasm32-unknown-unknown --profile wasm"
cargo build -p baton-wasm --target wasm32-unknown-unknown --profile wasm
input="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm/baton_wasm.wasm"

for target in "${targets[@]}"; do
  case "$target" in
    node) bindgen_target=nodejs; module_type=commonjs ;;
    web) bindgen_target=web; module_type=module ;;
    bundler) bindgen_target=bundler; module_type=module ;;
    *) echo "build-wasm: unknown target '$target' (node, web, bundler)" >&2; exit 2 ;;
  esac
  out="pkg/$target"
  echo "build-wasm: wasm-bindgen --target $bindgen_target --out-dir $out"
  rm -rf "$out"
  wasm-bindgen --target "$bindgen_target" --out-dir "$out" --out-name baton_wasm "$input"
  echo "build-wasm: wasm-opt -Oz $out/baton_wasm_bg.wasm"
  "$wasm_opt" -Oz --strip-debug --strip-producers "$out/baton_wasm_bg.wasm" -o "$out/baton_wasm_bg.wasm"
  # The root package is CommonJS; say per folder what its .js files are.
  printf '{\n  "type": "%s"\n}\n' "$module_type" > "$out/package.json"
done
echo "build-wasm: done ($(du -b "pkg/${targets[0]}/baton_wasm_bg.wasm" | cut -f1) bytes of wasm per target)"
