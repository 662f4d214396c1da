#!/usr/bin/env bash
# Regenerates every expected output from real kustomize (the oracle).
#
# Usage: regen.sh [NAME.in.yaml...]   (default: every case next to this script)
#
# A case is NAME.in.yaml, one resource. kustomize builds it alone
# (`resources: [r.yaml]`) and this script writes exactly one of:
#   NAME.out.yaml   kustomize's output, or
#   NAME.err.txt    kustomize's error message (temp paths replaced by CASE)
#
# Expected outputs come from the oracle only: never edit them by hand.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kubectl=${KUBECTL:-/work/.venv-oracle/bin/kubectl}

if [ $# -eq 0 ]; then
  set -- "$here"/*.in.yaml
fi

for input in "$@"; do
  base=${input%.in.yaml}
  tmp=$(mktemp -d)
  cp "$input" "$tmp/r.yaml"
  printf 'resources:\n- r.yaml\n' > "$tmp/kustomization.yaml"
  if "$kubectl" kustomize "$tmp" > "$tmp/out" 2> "$tmp/err"; then
    mv "$tmp/out" "$base.out.yaml"
    rm -f "$base.err.txt"
  else
    sed "s#$tmp#CASE#g" "$tmp/err" > "$base.err.txt"
    rm -f "$base.out.yaml"
  fi
  rm -rf "$tmp"
done
