#!/usr/bin/env bash
# Every test of the project, in the order a failure is cheapest to find: formatting and lints,
# Rust tests, the core built for wasm32, the npm package build, the Node tests of that
# package, the TypeScript declarations and sources, the language server (over stdio, in
# headless Neovim) and the VS Code extension with its .vsix, the Backstage plugins (built by
# tsc, tested in a test backend and in jsdom), and the playground and the Backstage card in
# headless Chromium.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step() {
  printf '\n==> %s\n' "$*"
  local start=$SECONDS
  "$@"
  printf '<== %s (%ss)\n' "$1 ${2:-}" "$((SECONDS - start))"
}

step bash scripts/bootstrap.sh --test
step cargo fmt --all -- --check
step cargo clippy --workspace --all-targets -- -D warnings
step cargo test --workspace
step cargo build -p baton-core --target wasm32-unknown-unknown
step bash scripts/build-wasm.sh
step bash scripts/size.sh --check
step node --test tests/js/*.test.mjs
step node_modules/.bin/tsc --strict --noEmit -p tests/js/tsconfig.json
step node_modules/.bin/tsc --noEmit -p web-demo/tsconfig.json
step node_modules/.bin/tsc -p lsp/tsconfig.json
step node_modules/.bin/tsc -p editors/vscode/tsconfig.json
step node scripts/build-lsp.mjs --vsix
step node --test tests/lsp/*.test.mjs
step node_modules/.bin/tsc -p plugins/backstage-backend/tsconfig.json
step node_modules/.bin/tsc -p plugins/backstage-backend/tsconfig.test.json
step node_modules/.bin/tsc -p plugins/backstage/tsconfig.json
step node_modules/.bin/tsc -p plugins/backstage/tsconfig.test.json
step node scripts/backstage-tests.mjs backstage-backend
step node scripts/backstage-tests.mjs backstage
step node --test tests/browser/*.test.mjs
