#!/usr/bin/env bash
# `npm start`: the playground on the embedded example repository (web-demo/example), served
# by Vite on 127.0.0.1. Vite prints the URL to open.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/bootstrap.sh
bash scripts/build-wasm.sh web
echo
echo "Baton playground: open the Local URL that Vite prints below (Ctrl-C stops it)."
exec node_modules/.bin/vite web-demo --host 127.0.0.1 --port "${PORT:-5173}"
