#!/usr/bin/env bash
# Regenerates each case's expected.yaml: kustomize v5.8.1 (the oracle of
# tests/conformance/regen.sh) renders the case's target in input/ with planned/ laid over it.
# planned/ holds the files the preview plan must write, written by hand; the render of them
# comes from kustomize, never from Baton.
#
#   tests/previews/regen.sh            # every case
#   tests/previews/regen.sh CASE...    # only these
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
KUBECTL="${ORACLE_VENV:-/work/.venv-oracle}/bin/kubectl"
"$KUBECTL" version --client 2>/dev/null | grep -q 'Kustomize Version: v5.8.1' \
  || { echo "regen.sh: needs kustomize v5.8.1 at $KUBECTL (see tests/conformance/regen.sh)" >&2; exit 1; }
cases=("$@")
[ "${#cases[@]}" -gt 0 ] || for d in "$HERE"/*/; do d="${d%/}"; cases+=("${d##*/}"); done
for c in "${cases[@]}"; do
  work="$(mktemp -d)"
  cp -r "$HERE/$c/input/." "$work/"
  cp -r "$HERE/$c/planned/." "$work/"
  (cd "$work" && env -i PATH=/usr/bin:/bin HOME="$work" "$KUBECTL" kustomize "$(cat "$HERE/$c/target")") \
    > "$HERE/$c/expected.yaml"
  rm -rf "$work"
  echo "regen.sh: $c" >&2
done
