//! `--since-from-git` on real repositories built here with `git`, commits dated with
//! `GIT_COMMITTER_DATE`: the soak gate measures from the commit that put the promoted value on
//! the line that sets it in the source environment.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::{Repo, baton, example_repo, gates, git, stderr};

const STAGING_PATCH: &str = "apps/payment-service/staging/image-patch.yaml";
const NOW: &str = "2026-11-25T10:00:00Z";

/// The example repository as a git repository whose first commit (2026-11-20) has staging on
/// `1111111`; the example's `abc1234` is not committed yet.
fn history() -> Repo {
    let repo = example_repo();
    let text = repo.read(STAGING_PATCH);
    repo.write(STAGING_PATCH, text.replace("abc1234", "1111111").as_bytes());
    git(repo.path(), "2026-11-20T09:00:00Z", &["init", "-q", "-b", "main"]);
    commit(&repo, "2026-11-20T09:00:00Z", "initial");
    repo
}

fn commit(repo: &Repo, date: &str, message: &str) {
    git(repo.path(), date, &["add", "-A"]);
    git(repo.path(), date, &["commit", "-q", "-m", message]);
}

fn set_staging(repo: &Repo, from: &str, to: &str) {
    let text = repo.read(STAGING_PATCH);
    assert!(text.contains(from));
    repo.write(STAGING_PATCH, text.replacen(from, to, 1).as_bytes());
}

/// The soak gate of a plan made with `--since-from-git`, and standard error.
fn soak(repo: &Repo, extra: &[&str]) -> ((String, String), String) {
    let mut args =
        vec!["promote", "--app", "payment-service", "--to", "production", "--format", "json"];
    args.extend(["--since-from-git", "--now", NOW]);
    args.extend(extra);
    let out = baton(repo, &args);
    assert!(out.status.code() != Some(2), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    (gates(&plan)["soak"].clone(), stderr(&out))
}

#[test]
fn since_is_the_commit_that_put_the_value_on_the_line() {
    let repo = history();
    set_staging(&repo, "1111111", "abc1234");
    commit(&repo, "2026-11-24T12:00:00Z", "staging: abc1234");
    // A later change of the same line that keeps the value does not move `since`.
    set_staging(&repo, "# ← CI updates this", "# ← set by CI");
    commit(&repo, "2026-11-25T09:30:00Z", "staging: comment");
    let (gate, err) = soak(&repo, &[]);
    assert_eq!(gate, ("pass".into(), "soaked 22h in staging (needs 2h)".into()), "{err}");
    assert!(
        err.contains(&format!(
            "since.staging = 2026-11-24T12:00:00Z (commit {} put abc1234 on {STAGING_PATCH}:11)",
            &git(repo.path(), NOW, &["rev-parse", "HEAD~1"])[..12]
        )),
        "{err}"
    );
}

#[test]
fn a_value_merged_from_a_branch_lands_at_the_merge() {
    let repo = history();
    git(repo.path(), NOW, &["checkout", "-q", "-b", "bump"]);
    set_staging(&repo, "1111111", "abc1234");
    // Committed days ago on the branch ...
    commit(&repo, "2026-11-21T09:00:00Z", "staging: abc1234");
    git(repo.path(), NOW, &["checkout", "-q", "main"]);
    repo.write("README.md", b"unrelated\n");
    commit(&repo, "2026-11-22T09:00:00Z", "docs");
    // ... merged an hour ago: staging has run it for an hour.
    git(
        repo.path(),
        "2026-11-25T09:00:00Z",
        &["merge", "-q", "--no-ff", "bump", "-m", "merge bump"],
    );
    let (gate, err) = soak(&repo, &[]);
    assert_eq!(gate, ("pending".into(), "soaking: 1h left (needs 2h in staging)".into()), "{err}");
}

#[test]
fn a_value_in_the_kustomization_images_entry_is_followed_too() {
    let repo = history();
    let file = "apps/ledger-api/staging/kustomization.yaml";
    let text = repo.read(file);
    repo.write(file, text.replace("2.4.0-rc.1", "2.3.0").as_bytes());
    commit(&repo, "2026-11-21T09:00:00Z", "ledger staging back to 2.3.0");
    repo.write(file, text.as_bytes());
    commit(&repo, "2026-11-25T07:30:00Z", "ledger staging: 2.4.0-rc.1");
    let out = baton(
        &repo,
        &[
            "promote",
            "--app",
            "ledger-api",
            "--to",
            "production",
            "--format",
            "json",
            "--since-from-git",
            "--now",
            NOW,
        ],
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(gates(&plan)["soak"].1, "soaked 2h 30m in staging (needs 2h)", "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("put 2.4.0-rc.1 on {file}:8")), "{}", stderr(&out));
}

#[test]
fn an_uncommitted_value_has_not_landed() {
    let repo = history();
    set_staging(&repo, "1111111", "abc1234");
    let (gate, err) = soak(&repo, &[]);
    assert_eq!(gate.0, "pending");
    assert!(gate.1.contains("unknown: when the artifact landed in staging"), "{gate:?}");
    assert!(
        err.contains(&format!("since.staging: {STAGING_PATCH}:11 has changes not committed")),
        "{err}"
    );
}

#[test]
fn the_context_file_wins_over_git() {
    let repo = history();
    set_staging(&repo, "1111111", "abc1234");
    commit(&repo, "2026-11-20T12:00:00Z", "staging: abc1234");
    repo.write("ctx.json", br#"{"since": {"staging": "2026-11-25T09:30:00Z"}}"#);
    let (gate, _) = soak(&repo, &["--context", "ctx.json"]);
    assert_eq!(gate, ("pending".into(), "soaking: 1h 30m left (needs 2h in staging)".into()));
}

#[test]
fn a_shallow_clone_cannot_tell_and_says_so() {
    let repo = history();
    set_staging(&repo, "1111111", "abc1234");
    commit(&repo, "2026-11-24T12:00:00Z", "staging: abc1234");
    repo.write("README.md", b"later\n");
    commit(&repo, "2026-11-25T08:00:00Z", "docs");
    let clone = Repo::new(&[]);
    let url = format!("file://{}", repo.path().display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url])
        .arg(clone.path().join("c"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = baton(
        &clone,
        &[
            "--root",
            "c",
            "promote",
            "--app",
            "payment-service",
            "--to",
            "production",
            "--since-from-git",
            "--now",
            NOW,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("shallow clone"), "{}", stderr(&out));
    assert!(stderr(&out).contains("fetch-depth: 0"), "{}", stderr(&out));
}

#[test]
fn outside_a_git_repository_the_command_cannot_run() {
    let repo = example_repo();
    let out = baton(
        &repo,
        &["promote", "--app", "payment-service", "--to", "production", "--since-from-git"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--since-from-git"), "{}", stderr(&out));
}
