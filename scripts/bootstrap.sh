#!/usr/bin/env bash
# Installs what building and testing Baton needs, and only what is missing.
#
#   scripts/bootstrap.sh          build tools: wasm32 target, rust-src, wasm-bindgen CLI, node_modules
#   scripts/bootstrap.sh --test   the above, plus Chromium for the browser tests and Neovim for
#                                 the language server's editor test
#
# Every step checks first (a version, a file, a lock hash), so on a machine that already
# has everything this takes a second or two. Nothing is downloaded from GitHub: tools come
# from crates.io, npm and Debian, the registries this project's machines reach.
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.130
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

want_browser=false
for arg in "$@"; do
  case "$arg" in
    --test) want_browser=true ;;
    *) echo "bootstrap: unknown argument '$arg'" >&2; exit 2 ;;
  esac
done

say() { printf 'bootstrap: %s\n' "$*"; }

# cargo install puts tools here; make them visible to this script and its callers' steps.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# 1. The wasm32 target of the installed toolchain.
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rust target wasm32-unknown-unknown: present"
else
  say "rust target wasm32-unknown-unknown: installing"
  rustup target add wasm32-unknown-unknown
fi

# 1b. The standard library's sources: the wasm build rebuilds std for size (-Zbuild-std).
if rustup component list --installed | grep -qx 'rust-src'; then
  say "rust component rust-src: present"
else
  say "rust component rust-src: installing"
  rustup component add rust-src
fi

# 2. wasm-bindgen CLI, at exactly the version of the wasm-bindgen crate (they must match).
#    Not --locked: a dependency version in its lock file is missing from the registry.
have_bindgen="$(wasm-bindgen --version 2>/dev/null || true)"
if [ "$have_bindgen" = "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "$have_bindgen: present"
else
  say "wasm-bindgen ${have_bindgen:-missing}: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

# 3. node_modules, when missing or older than package-lock.json. npm ci records the lock
#    it installed in node_modules/.package-lock.json; a hash of the lock is our stamp.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp=node_modules/.baton-lock-sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
  say "node_modules: up to date"
else
  say "node_modules: missing or stale, running npm ci"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > "$stamp"
fi

# 4. For the tests, from Debian, each only when missing: Chromium for the browser tests
#    (Playwright's own download cannot work here), Neovim as a real client of the language
#    server (Debian's 0.7 has vim.lsp and vim.diagnostic).
apt_updated=false
apt_install() {
  local sudo_cmd=""
  if [ "$(id -u)" != 0 ]; then sudo_cmd=sudo; fi
  if ! $apt_updated; then
    $sudo_cmd apt-get update -qq
    apt_updated=true
  fi
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}
if $want_browser; then
  if [ -x /usr/bin/chromium ]; then
    say "chromium: present ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
  else
    say "chromium: installing from Debian"
    apt_install chromium
  fi
  if command -v nvim >/dev/null; then
    say "neovim: present ($(nvim --version | head -n1))"
  else
    say "neovim: installing from Debian"
    apt_install neovim
  fi
fi
