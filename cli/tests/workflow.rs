//! The README's GitHub Actions workflow, run as written: every `run:` step of its jobs, in
//! order, under `bash -eo pipefail` as Actions runs them, on a git repository of the example
//! (`web-demo/example`) with a pull request, and with GitHub played by recordings:
//!
//! - `uses:` steps are done by the test: the checkout is a clone of a "server" repository (which
//!   has the pull request's `refs/pull/42/head`) at the base commit with its whole history;
//!   steps named "Install …" are skipped, the built `baton` being on `PATH`;
//! - `gh` is a script that answers `gh api ENDPOINT` from recorded responses
//!   (`fixtures/github/`) and files `gh pr comment` bodies; an endpoint not recorded fails;
//! - `${{ … }}` expressions are replaced from a table; one the table does not know fails the
//!   test, so the README cannot use what is not exercised here;
//! - the clock: the gates' `now` comes from the system clock in CI; here a `baton` wrapper adds
//!   `--now 2026-11-25T10:00:00Z` (a Wednesday inside the example's window) to `promote`.

#![allow(clippy::unwrap_used, clippy::format_collect)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Arc;

use baton_core::yaml::{Limits, Node, parse};
use common::{Repo, example_repo, fixture, git};

const NOW: &str = "2026-11-25T10:00:00Z";
const PATCH: &str = "apps/payment-service/production/image-patch.yaml";

/// The workflow of the README's "A GitHub Actions workflow" section.
fn workflow() -> Node {
    let readme = include_str!("../../README.md");
    let start = readme.find("```yaml\n# .github/workflows/baton.yml\n").unwrap() + 8;
    let text = &readme[start..start + readme[start..].find("```\n").unwrap()];
    let parsed = parse(&Arc::from("baton.yml"), text, &Limits::default());
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    parsed.documents.into_iter().next().unwrap().root
}

/// The scene: a server repository with main and a pull request, the runner's checkout, the
/// runner's temp directory and a bin directory with `gh` and `baton`.
struct Scene {
    server: Repo,
    checkout: Repo,
    temp: Repo,
    base: String,
    head: String,
}

fn scene(pr_edit: impl Fn(&str) -> String, reviews: &str) -> Scene {
    let server = example_repo();
    let staging = "apps/payment-service/staging/image-patch.yaml";
    let text = server.read(staging);
    server.write(staging, text.replace("abc1234", "1111111").as_bytes());
    git(server.path(), "2026-11-20T09:00:00Z", &["init", "-q", "-b", "main"]);
    git(server.path(), "2026-11-20T09:00:00Z", &["add", "-A"]);
    git(server.path(), "2026-11-20T09:00:00Z", &["commit", "-q", "-m", "initial"]);
    server.write(staging, text.as_bytes());
    git(server.path(), "2026-11-25T07:00:00Z", &["commit", "-q", "-am", "staging: abc1234"]);
    let base = git(server.path(), NOW, &["rev-parse", "HEAD"]).trim().to_string();
    git(
        server.path(),
        NOW,
        &["checkout", "-q", "-b", "promote/payment-service/production-abc1234"],
    );
    server.write(PATCH, pr_edit(&server.read(PATCH)).as_bytes());
    server.write("NOTES.md", b"Why this pull request.\n");
    git(server.path(), "2026-11-25T07:40:00Z", &["add", "-A"]);
    git(server.path(), "2026-11-25T07:40:00Z", &["commit", "-q", "-m", "promote"]);
    let head = git(server.path(), NOW, &["rev-parse", "HEAD"]).trim().to_string();
    git(server.path(), NOW, &["update-ref", "refs/pull/42/head", &head]);
    git(server.path(), NOW, &["checkout", "-q", "main"]);

    let checkout = Repo::new(&[]);
    let url = format!("file://{}", server.path().display());
    git(checkout.path(), NOW, &["clone", "-q", &url, "."]);
    git(checkout.path(), NOW, &["checkout", "-q", "--detach", &base]);

    let temp = Repo::new(&[]);
    let event = fs::read_to_string(fixture("event-pull_request.json"))
        .unwrap()
        .replace("4f1e8d2c6b0a9e3d7c5b1a8f2e6d0c4b9a3f7e15", &base)
        .replace("9b2f6e1d5c8a4b7e3f0d2c6a9e5b1f8d4c7a3e60", &head);
    temp.write("event.json", event.as_bytes());
    // Recorded responses, by endpoint.
    let repo = "repos/example/platform-gitops";
    let recorded = [
        (format!("{repo}/pulls/42/reviews"), reviews.to_string()),
        (format!("{repo}/commits/{head}/check-runs"), fixture("check-runs.json")),
        (format!("{repo}/commits/{head}/status"), fixture("status.json")),
        ("orgs/example/teams/payments/members".into(), fixture("team-payments.json")),
        ("orgs/example/teams/platform/members".into(), fixture("team-platform.json")),
        ("orgs/example/teams/ledger/members".into(), fixture("team-platform.json")),
    ];
    for (endpoint, file) in recorded {
        temp.write(&format!("gh/api/{endpoint}"), &fs::read(file).unwrap());
    }
    let real = common::bin();
    temp.write(
        "bin/gh",
        br#"#!/usr/bin/env bash
# GitHub, recorded: `gh api ENDPOINT [flags]` prints the recorded response; `gh pr comment N
# --body-file F` files the body under comments/.
set -euo pipefail
here="$(dirname "$0")/.."
case "$1" in
  api)
    file="$here/gh/api/$2"
    [ -f "$file" ] || { echo "gh: HTTP 404: Not Found ($2)" >&2; exit 1; }
    cat "$file" ;;
  pr)
    [ "$2" = comment ] && [ "$4" = --body-file ] || { echo "gh: unexpected: $*" >&2; exit 1; }
    mkdir -p "$here/comments"
    n=$(ls "$here/comments" | wc -l)
    cp "$5" "$here/comments/$(printf '%02d' $((n + 1)))-pr$3.md" ;;
  *) echo "gh: unexpected: $*" >&2; exit 1 ;;
esac
"#,
    );
    temp.write(
        "bin/baton",
        format!(
            "#!/usr/bin/env bash\n# The clock of the test: `promote` gets --now.\nif [ \"$1\" = promote ]; then exec {real} \"$@\" --now {NOW}; fi\nexec {real} \"$@\"\n"
        )
        .as_bytes(),
    );
    for tool in ["gh", "baton"] {
        let path = temp.path().join("bin").join(tool);
        Command::new("chmod").arg("+x").arg(&path).status().unwrap();
    }
    Scene { server, checkout, temp, base, head }
}

/// The value of a `${{ … }}` expression in this scene.
fn expression(scene: &Scene, expr: &str) -> String {
    match expr {
        "github.event.pull_request.number" => "42".into(),
        "github.event.pull_request.base.sha" => scene.base.clone(),
        "github.event.pull_request.head.sha" => scene.head.clone(),
        "secrets.BATON_TOKEN" => "recorded".into(),
        other => panic!("the test does not know the expression `{other}`"),
    }
}

fn substitute(scene: &Scene, text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${{") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find("}}").unwrap() + at;
        out.push_str(&expression(scene, rest[at + 3..end].trim()));
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Runs a job's `run:` steps in order, stopping at the first that fails (as Actions does);
/// returns each step's name and output.
fn run_job(scene: &Scene, job: &str) -> Vec<(String, Output)> {
    let wf = workflow();
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    for scope in [wf.get("env"), wf.path(&["jobs", job, "env"])].into_iter().flatten() {
        for (k, v) in scope.as_map().unwrap() {
            env.insert(k.as_str().unwrap().into(), substitute(scene, v.scalar().unwrap()));
        }
    }
    let path = format!(
        "{}:{}",
        scene.temp.path().join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = Vec::new();
    for step in wf.path(&["jobs", job, "steps"]).unwrap().as_seq().unwrap() {
        let name = step.get_str("name").unwrap_or("").to_string();
        let Some(script) = step.get_str("run") else {
            assert!(step.get("uses").is_some(), "a step that neither runs nor uses");
            continue;
        };
        if name.starts_with("Install") {
            continue;
        }
        let out = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &substitute(scene, script)])
            .current_dir(scene.checkout.path())
            .envs(&env)
            .env("PATH", &path)
            .env("GITHUB_EVENT_PATH", scene.temp.path().join("event.json"))
            .env("GITHUB_REPOSITORY", "example/platform-gitops")
            .env("GITHUB_REPOSITORY_OWNER", "example")
            .env("RUNNER_TEMP", scene.temp.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        let failed = !out.status.success();
        ran.push((name, out));
        if failed {
            break;
        }
    }
    ran
}

fn comments(scene: &Scene) -> Vec<String> {
    let dir = scene.temp.path().join("comments");
    let mut names: Vec<PathBuf> =
        fs::read_dir(&dir).map(|d| d.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
    names.sort();
    names.iter().map(|p| fs::read_to_string(p).unwrap()).collect()
}

fn log(ran: &[(String, Output)]) -> String {
    ran.iter()
        .map(|(name, out)| {
            format!(
                "== {name}: {:?}\n{}{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .collect()
}

fn promoted(text: &str) -> String {
    text.replace("payment-service:9f8e7d6", "payment-service:abc1234")
}

fn approved_reviews() -> String {
    fixture("reviews.json")
}

#[test]
fn validate_writes_a_sarif_log() {
    let scene = scene(promoted, &approved_reviews());
    let ran = run_job(&scene, "validate");
    assert_eq!(ran.len(), 1, "{}", log(&ran));
    assert!(ran[0].1.status.success(), "{}", log(&ran));
    let sarif: serde_json::Value =
        serde_json::from_str(&scene.checkout.read("baton.sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn an_allowed_promotion_pull_request_passes_and_is_commented() {
    let scene = scene(promoted, &approved_reviews());
    let ran = run_job(&scene, "promotion");
    let all = log(&ran);
    assert!(ran.iter().all(|(_, out)| out.status.success()), "{all}");
    let posted = comments(&scene);
    assert_eq!(posted.len(), 1, "{all}");
    assert!(posted[0].starts_with("<!-- baton:promote:payment-service:production part 1 of 1 -->\n### ✅ Promote payment-service: staging → production: allowed\n"), "{}", posted[0]);
    assert!(
        posted[0].contains("| ✅ | `soak` | soaked 3h in staging (needs 2h) |"),
        "{}",
        posted[0]
    );
    assert!(posted[0].contains("| ✅ | `codeowners` |"), "{}", posted[0]);
    // The edits were written on the base checkout, and equal the pull request's.
    assert_eq!(scene.checkout.read(PATCH), scene.server.read(PATCH).replace("9f8e7d6", "abc1234"));
    assert!(all.contains("since.staging = 2026-11-25T07:00:00Z"), "{all}");
}

#[test]
fn a_promotion_the_gates_block_writes_nothing_and_fails() {
    // Only bob reviewed, requesting changes.
    let reviews = fs::read_to_string(fixture("reviews.json")).unwrap();
    let mut list: Vec<serde_json::Value> = serde_json::from_str(&reviews).unwrap();
    list.retain(|r| r["user"]["login"] == "bob-payments");
    let scene = scene(promoted, &approved_reviews());
    scene.temp.write(
        "gh/api/repos/example/platform-gitops/pulls/42/reviews",
        serde_json::to_string(&list).unwrap().as_bytes(),
    );
    let ran = run_job(&scene, "promotion");
    let (name, last) = ran.last().unwrap();
    assert_eq!(name, "Plan, comment, and write only what the gates allow");
    assert_eq!(last.status.code(), Some(1), "{}", log(&ran));
    let posted = comments(&scene);
    assert_eq!(posted.len(), 1);
    assert!(posted[0].contains("### ⏳ Promote payment-service: staging → production: waiting on `approvals`, `codeowners`"), "{}", posted[0]);
    let status = git(scene.checkout.path(), NOW, &["status", "--porcelain"]);
    assert_eq!(status, "", "written although not allowed");
}

#[test]
fn a_pull_request_that_differs_from_the_plan_fails() {
    // The promotion, and a replica change that is not part of it.
    let scene = scene(|t| promoted(t).replace("replicas: 0", "replicas: 9"), &approved_reviews());
    let ran = run_job(&scene, "promotion");
    let (_, last) = ran.last().unwrap();
    assert_eq!(last.status.code(), Some(1), "{}", log(&ran));
    let out = String::from_utf8_lossy(&last.stdout);
    let error = "::error::#42 changes apps/payment-service/production otherwise than the promotion of payment-service";
    assert!(out.contains(error), "{}", log(&ran));
    assert_eq!(comments(&scene).len(), 1);
}

#[test]
fn a_pull_request_that_touches_no_environment_is_not_planned() {
    // The pull request's only change is a note at the root.
    let scene = scene(str::to_string, &approved_reviews());
    let ran = run_job(&scene, "promotion");
    assert!(ran.iter().all(|(_, out)| out.status.success()), "{}", log(&ran));
    assert!(comments(&scene).is_empty());
}
