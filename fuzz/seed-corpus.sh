#!/usr/bin/env bash
# Builds fuzz/corpus/<target>/ (not committed) from the small committed seeds in
# fuzz/seeds/<target>/ and from the kustomize conformance cases in tests/conformance/cases:
#   yaml_parse     every YAML file of every case (under 64 KiB)
#   kustomization  the kustomization file of each case's target
#   render_tree    each whole case, in the tree encoding of src/lib.rs (header = target dir)
#   plan           the gitops-* cases (their platform-gitops/ tree) in the tree encoding, as
#                  files replacing the seed repository's
#   baton_yaml     the committed seeds plus every case's first kustomization (as hostile text)
#   rollout        the committed seeds
#   preview        the committed seeds (a host and an Ingress, an existing preview, hostile names)
#   deployment     the committed seeds (core/src/deploy/testdata cases in the tree encoding)
# Re-running it is safe: files are overwritten, libFuzzer's own additions are kept.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cases="$here/../tests/conformance/cases"
corpus="$here/corpus"
targets=(yaml_parse kustomization render_tree plan preview codeowners gates_time baton_yaml gotemplate flux_update semver rollout appset deployment)
for t in "${targets[@]}"; do
  mkdir -p "$corpus/$t"
  cp "$here/seeds/$t/"* "$corpus/$t/" 2>/dev/null || true
done

# Prints every file below $1 as `=== path` sections, each ending in a newline.
encode_files() {
  local input="$1"
  (cd "$input" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) | while IFS= read -r rel; do
    printf '=== %s\n' "$rel"
    cat "$input/$rel"
    if [ -s "$input/$rel" ] && [ "$(tail -c 1 "$input/$rel" | od -An -c | tr -d ' ')" != '\n' ]; then
      printf '\n'
    fi
  done
}

count=0
for case in "$cases"/*/; do
  name="$(basename "$case")"
  input="$case/input"
  [ -d "$input" ] || continue
  target="$(tr -d '[:space:]' < "$case/target")"
  target="${target#./}"
  target="${target%/}"
  [ "$target" = "." ] && target=""
  dir="$input${target:+/$target}"
  (cd "$input" && find . -type f \( -name '*.yaml' -o -name '*.yml' -o -name Kustomization \) -size -64k | sed 's|^\./||') |
    while IFS= read -r rel; do
      cp "$input/$rel" "$corpus/yaml_parse/${name}__${rel//\//__}"
    done
  for k in kustomization.yaml kustomization.yml Kustomization; do
    if [ -f "$dir/$k" ]; then
      cp "$dir/$k" "$corpus/kustomization/$name"
      cp "$dir/$k" "$corpus/baton_yaml/$name"
      break
    fi
  done
  { printf '%s\n' "$target"; encode_files "$input"; } > "$corpus/render_tree/$name"
  if [ -d "$input/platform-gitops" ]; then
    { printf 'payment-service production\n'; encode_files "$input/platform-gitops"; } > "$corpus/plan/$name"
  fi
  count=$((count + 1))
done
for t in "${targets[@]}"; do
  printf '%-14s %5d inputs\n' "$t" "$(find "$corpus/$t" -type f | wc -l)"
done
echo "seeded from $count conformance cases"
