#!/usr/bin/env bash
# Builds the npm package's WebAssembly: cargo (profile `wasm`, std rebuilt for size), then the
# wasm-bindgen CLI for each JavaScript target, then `wasm-opt -O1` and two size passes from npm's
# binaryen; the glue of each target gets scripts/trap-guard.js appended.
#
#   scripts/build-wasm.sh               all targets: node, web, bundler
#   scripts/build-wasm.sh web           only the listed targets
#   BATON_WASM_PROFILING=1 scripts/build-wasm.sh node
#                                       keeps the name section (function names in profiles)
#
# Output: ONE module, pkg/baton_wasm_bg.wasm (exported as `@baton/engine/wasm`), shared by
# pkg/node (CommonJS, for `require`), pkg/web (ES module, `init()` fetches the .wasm) and
# pkg/bundler (ES module importing the .wasm, for webpack-style bundlers). wasm-bindgen writes
# the same module for every target; the script checks that it does, keeps one copy, and points
# each target's glue at it (each rewrite must match exactly once, or the build fails).
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

# The standard library is rebuilt for the module (`-Zbuild-std`, hence rust-src and
# RUSTC_BOOTSTRAP=1 on the stable toolchain) so that it is optimized with the crate's
# `opt-level = "z"`, with std's `optimize_for_size` implementations (smaller sort, integer
# formatting), and with the `immediate-abort` panic strategy: a panic is a bare `unreachable`
# trap, as `panic = "abort"` already made it in wasm, but without the panic-message formatting
# code (the core never panics on input; the glue turns a trap into a clear error, see
# scripts/trap-guard.js). Measured on main (gzip -9 after wasm-opt -O1): 370,050 bytes with the
# prebuilt std, 356,166 with -Cpanic=immediate-abort, 352,185 with optimize_for_size too.
build_std=(-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size)
echo "build-wasm: cargo build -p baton-wasm --target wasm32-unknown-unknown --profile wasm ${build_std[*]}"
RUSTC_BOOTSTRAP=1 RUSTFLAGS="${RUSTFLAGS:-} -Zunstable-options -Cpanic=immediate-abort" \
  cargo build "${build_std[@]}" -p baton-wasm --target wasm32-unknown-unknown --profile wasm
input="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/wasm/baton_wasm.wasm"

# wasm-opt -O1, not -Oz: -Oz makes the module 5% smaller raw but 7% larger gzipped (332,483
# against 309,813 bytes), because its rewrites compress worse than LLVM's own `opt-level = "z"`
# output; and its inlining makes V8 compile more before the code runs fast: with -O1 the first
# corpus render and a cold fleet validate take ~20% and ~6% less CPU, a warm validate ~10% more
# (CPU time, 3 alternating runs; npm run bench prints the figures).
# Then dead-argument elimination with a second -O1 (-1.7 KB gzipped) and the functions sorted by
# name (-4 KB gzipped): instantiations of one generic function, and the functions of one module,
# end up side by side, where gzip finds their likeness. Neither changed the bench's CPU times
# beyond noise. The name section is read from wasm-bindgen's output for the sort, then stripped.
wasm_opt_flags=(-O1 --dae-optimizing -O1 --reorder-functions-by-name)
strip=(--strip-debug --strip-producers)
if [ "${BATON_WASM_PROFILING:-}" = 1 ]; then strip=(--debuginfo); fi

shared="pkg/baton_wasm_bg.wasm"
rm -f "$shared" pkg/baton_wasm_bg.wasm.d.ts pkg/baton_wasm_bg.js pkg/package.json

# Replaces the $4 (default 1) occurrences of $2 by $3 in file $1 (the glue's references).
repoint() {
  local file="$1" from="$2" to="$3" want="${4:-1}"
  local count
  count="$(grep -oF -- "$from" "$file" | wc -l)"
  if [ "$count" != "$want" ]; then
    echo "build-wasm: expected $want of '$from' in $file, found $count; wasm-bindgen's glue changed" >&2
    exit 1
  fi
  FROM="$from" TO="$to" perl -0pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/g' "$file"
}

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
  if [ -f "$shared" ]; then
    # The module of every target must be the one already kept (before wasm-opt).
    if ! cmp -s "$out/baton_wasm_bg.wasm" "pkg/.baton_wasm_bg.unopt.wasm"; then
      echo "build-wasm: wasm-bindgen wrote a different module for '$target'; cannot share one .wasm" >&2
      exit 1
    fi
    rm "$out/baton_wasm_bg.wasm" "$out/baton_wasm_bg.wasm.d.ts"
  else
    echo "build-wasm: wasm-opt ${wasm_opt_flags[*]} -> $shared"
    cp "$out/baton_wasm_bg.wasm" "pkg/.baton_wasm_bg.unopt.wasm"
    "$wasm_opt" "${wasm_opt_flags[@]}" "${strip[@]}" "$out/baton_wasm_bg.wasm" -o "$shared"
    mv "$out/baton_wasm_bg.wasm.d.ts" pkg/baton_wasm_bg.wasm.d.ts
    rm "$out/baton_wasm_bg.wasm"
  fi
  case "$target" in
    node) repoint "$out/baton_wasm.js" '`${__dirname}/baton_wasm_bg.wasm`' '`${__dirname}/../baton_wasm_bg.wasm`' ;;
    web) repoint "$out/baton_wasm.js" "new URL('baton_wasm_bg.wasm', import.meta.url)" "new URL('../baton_wasm_bg.wasm', import.meta.url)" ;;
    bundler)
      # The module imports its glue as "./baton_wasm_bg.js", relative to itself: under ESM
      # integration (bundlers) that glue must sit beside the shared module, in pkg/.
      repoint "$out/baton_wasm.js" 'from "./baton_wasm_bg.wasm"' 'from "../baton_wasm_bg.wasm"'
      repoint "$out/baton_wasm.js" 'from "./baton_wasm_bg.js"' 'from "../baton_wasm_bg.js"' 2
      mv "$out/baton_wasm_bg.js" pkg/baton_wasm_bg.js
      printf '{\n  "type": "module"\n}\n' > pkg/package.json
      ;;
  esac
  # Guard the Workspace methods against traps (scripts/trap-guard.js) in the glue that defines
  # the class.
  glue="$out/baton_wasm.js"
  if [ "$target" = bundler ]; then glue=pkg/baton_wasm_bg.js; fi
  if [ "$(grep -c '^export class Workspace {$\|^class Workspace {$' "$glue")" != 1 ]; then
    echo "build-wasm: expected one 'class Workspace {' in $glue; wasm-bindgen's glue changed" >&2
    exit 1
  fi
  cat scripts/trap-guard.js >> "$glue"
  # The root package is CommonJS; say per folder what its .js files are.
  printf '{\n  "type": "%s"\n}\n' "$module_type" > "$out/package.json"
done
rm -f "pkg/.baton_wasm_bg.unopt.wasm"
echo "build-wasm: done ($(wc -c < "$shared") bytes of wasm in $shared, shared by: ${targets[*]})"
