#!/usr/bin/env bash
# Regenerates every case's expected output from real kustomize (the oracle).
#
# Usage: regen.sh [CASE_DIR...]      (default: every case next to this script)
#
# A case directory holds:
#   resource.yaml   the resource(s) being patched
#   patch.yaml      the patch
#   kind            `smp` (strategic merge, matched by the patch's own id) or
#                   `json6902` (targeted at the first resource's kind and name)
# and this script writes exactly one of:
#   expected.yaml        kustomize's output, or
#   expected-error.txt   kustomize's error (temp paths replaced by CASE)
#
# Expected outputs come from the oracle only: never edit them by hand.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
kubectl=${KUBECTL:-/work/.venv-oracle/bin/kubectl}

if [ $# -eq 0 ]; then
  set -- "$here"/*/
fi

for dir in "$@"; do
  dir=${dir%/}
  [ -f "$dir/kind" ] || continue
  kind=$(tr -d '[:space:]' < "$dir/kind")
  tmp=$(mktemp -d)
  cp "$dir/resource.yaml" "$dir/patch.yaml" "$tmp/"
  case "$kind" in
    smp)
      printf 'resources:\n- resource.yaml\npatches:\n- path: patch.yaml\n' > "$tmp/kustomization.yaml"
      ;;
    json6902)
      target_kind=$(sed -n 's/^kind: *//p' "$dir/resource.yaml" | head -n 1)
      target_name=$(sed -n 's/^  name: *//p' "$dir/resource.yaml" | head -n 1)
      printf 'resources:\n- resource.yaml\npatches:\n- path: patch.yaml\n  target:\n    kind: %s\n    name: %s\n' \
        "$target_kind" "$target_name" > "$tmp/kustomization.yaml"
      ;;
    *)
      echo "$dir: unknown kind '$kind'" >&2
      exit 1
      ;;
  esac
  if "$kubectl" kustomize "$tmp" > "$tmp/out" 2> "$tmp/err"; then
    mv "$tmp/out" "$dir/expected.yaml"
    rm -f "$dir/expected-error.txt"
  else
    sed "s#$tmp#CASE#g" "$tmp/err" > "$dir/expected-error.txt"
    rm -f "$dir/expected.yaml"
  fi
  rm -rf "$tmp"
done
