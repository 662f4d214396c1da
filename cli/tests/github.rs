//! `baton promote` with GitHub's own JSON: recorded-style payloads (`fixtures/github/`, shaped
//! as GitHub's REST API documents them and as `gh api` writes them) on the playground's
//! example repository, whose production gates are real: a required check, one approval,
//! CODEOWNERS (`@example/payments` owns the app), immutable tags, a 2h soak and a
//! Monday–Thursday 09:00–16:00 UTC window.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Repo, baton, example_repo, fixture, gates, stderr, stdout};

/// A Wednesday morning, inside the example's window.
const WEDNESDAY: &str = "2026-11-25T10:00:00Z";

fn promote(extra: &[&str]) -> Vec<String> {
    ["promote", "--app", "payment-service", "--to", "production", "--format", "json"]
        .iter()
        .chain(extra)
        .map(|s| (*s).to_string())
        .collect()
}

/// Every recorded payload, with the teams of the example's CODEOWNERS.
fn github_flags() -> Vec<String> {
    vec![
        "--github-event".into(),
        fixture("event-pull_request.json"),
        "--reviews".into(),
        fixture("reviews.json"),
        "--checks".into(),
        fixture("check-runs.json"),
        "--statuses".into(),
        fixture("status.json"),
        "--teams".into(),
        format!("@example/payments={}", fixture("team-payments.json")),
        "--teams".into(),
        format!("example/platform={}", fixture("team-platform.json")),
    ]
}

fn run(repo: &Repo, args: &[String]) -> (Option<i32>, serde_json::Value, String) {
    let out = baton(repo, args);
    let plan = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code(), plan, stderr(&out))
}

#[test]
fn recorded_payloads_make_the_context_and_the_promotion_allowed() {
    let repo = example_repo();
    repo.write("since.json", br#"{"since": {"staging": "2026-11-25T07:00:00Z"}}"#);
    let mut args = promote(&["--now", WEDNESDAY, "--context", "since.json"]);
    args.extend(github_flags());
    let (code, plan, err) = run(&repo, &args);
    let g = gates(&plan);
    assert_eq!(code, Some(0), "{g:?}\n{err}");
    assert_eq!(plan["allowed"], true);
    // reviews.json: carol's approval was dismissed, bob's latest review requests changes,
    // alice approved between two comments, eve is a CONTRIBUTOR.
    assert_eq!(g["approvals"], ("pass".into(), "1 of 1 approvals (alice-payments)".into()));
    assert_eq!(g["codeowners"].0, "pass", "{g:?}");
    // check-runs.json: e2e-staging failed, then passed on a re-run.
    assert_eq!(g["requiredChecks"], ("pass".into(), "all passed: e2e-staging".into()));
    assert_eq!(g["soak"].1, "soaked 3h in staging (needs 2h)");
    assert!(
        err.contains("the approval of eve-outsider does not count: author_association CONTRIBUTOR"),
        "{err}"
    );
}

#[test]
fn the_event_gives_the_author_whose_approval_does_not_count() {
    let repo = example_repo();
    // alice opened the pull request: her own approval is not one.
    let event = std::fs::read_to_string(fixture("event-pull_request.json"))
        .unwrap()
        .replace("\"login\": \"dana-dev\"", "\"login\": \"alice-payments\"");
    repo.write("event.json", event.as_bytes());
    let args = promote(&[
        "--now",
        WEDNESDAY,
        "--github-event",
        "event.json",
        "--reviews",
        &fixture("reviews.json"),
    ]);
    let (code, plan, _) = run(&repo, &args);
    assert_eq!(code, Some(1));
    let g = gates(&plan);
    assert_eq!(g["approvals"].0, "pending");
    assert!(g["approvals"].1.contains("author alice-payments's approval does not count"), "{g:?}");
}

#[test]
fn the_latest_run_of_a_check_decides() {
    let repo = example_repo();
    // Only the first, failed run of e2e-staging.
    let mut runs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("check-runs.json")).unwrap())
            .unwrap();
    runs[0]["check_runs"].as_array_mut().unwrap().remove(0);
    repo.write("runs.json", runs.to_string().as_bytes());
    let (_, plan, _) = run(&repo, &promote(&["--now", WEDNESDAY, "--checks", "runs.json"]));
    assert_eq!(
        gates(&plan)["requiredChecks"],
        ("fail".into(), "failed: e2e-staging (failure)".into())
    );
    // A combined status may name the check too; a failing one is not hidden.
    repo.write(
        "status.json",
        br#"{"state": "failure", "sha": "9b2f6e1d5c8a4b7e3f0d2c6a9e5b1f8d4c7a3e60", "total_count": 1,
            "statuses": [{"id": 1, "context": "e2e-staging", "state": "error",
              "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"}]}"#,
    );
    let args = promote(&["--checks", &fixture("check-runs.json"), "--statuses", "status.json"]);
    let (_, plan, _) = run(&repo, &args);
    assert_eq!(
        gates(&plan)["requiredChecks"],
        ("fail".into(), "failed: e2e-staging (error)".into())
    );
    // Not reported at all: waiting.
    let (_, plan, _) = run(&repo, &promote(&["--statuses", &fixture("status.json")]));
    assert_eq!(gates(&plan)["requiredChecks"].1, "waiting for e2e-staging (not reported)");
}

#[test]
fn the_context_file_wins_field_by_field() {
    let repo = example_repo();
    repo.write(
        "ctx.json",
        br#"{"approvals": ["bob-payments"], "checks": {"e2e-staging": "failure"},
            "now": "2026-11-28T10:00:00Z", "since": {"staging": "2026-11-25T07:00:00Z"}}"#,
    );
    let mut args = promote(&["--context", "ctx.json"]);
    args.extend(github_flags());
    let (_, plan, _) = run(&repo, &args);
    let g = gates(&plan);
    // approvals from the file (not alice from reviews.json), checks key by key from the file.
    assert_eq!(g["approvals"].1, "1 of 1 approvals (bob-payments)");
    assert_eq!(g["requiredChecks"].0, "fail");
    // The file's now (a Saturday) is used when --now is not given ...
    assert_eq!(g["windows"].0, "pending", "{g:?}");
    // ... and --now wins over it.
    args.extend(["--now".to_string(), WEDNESDAY.to_string()]);
    let (_, plan, _) = run(&repo, &args);
    assert_eq!(gates(&plan)["windows"].0, "pass");
}

#[test]
fn now_defaults_to_the_system_clock() {
    let repo = example_repo();
    repo.write("ctx.json", br#"{"since": {"staging": "2001-01-01T00:00:00Z"}}"#);
    let (_, plan, _) = run(&repo, &promote(&["--context", "ctx.json"]));
    let g = gates(&plan);
    // Whatever the day, the gates knew the time: soak decided, the window says when.
    assert_eq!(g["soak"].0, "pass", "{g:?}");
    assert!(!g["windows"].1.contains("unknown"), "{g:?}");
}

/// A file that is not what its flag expects stops the command with the file and the JSON
/// path of the bad field; nothing is planned from a half-read context.
#[test]
fn malformed_payloads_exit_2_naming_the_file_and_the_path() {
    let repo = example_repo();
    let mut reviews: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("reviews.json")).unwrap()).unwrap();
    reviews[3]["state"] = "LGTM".into();
    repo.write("reviews.json", reviews.to_string().as_bytes());
    let mut runs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("check-runs.json")).unwrap())
            .unwrap();
    runs[0]["check_runs"][2].as_object_mut().unwrap().remove("name");
    repo.write("runs.json", runs.to_string().as_bytes());
    repo.write("push.json", br#"{"ref": "refs/heads/main", "before": "a", "after": "b"}"#);
    repo.write("team.json", br#"[{"login": "alice"}, {"id": 7}]"#);
    repo.write("status.json", br#"{"state": "success", "statuses": [{"id": 1, "context": "x", "state": "done", "updated_at": "2026-11-25T09:00:00Z"}]}"#);
    repo.write("broken.json", b"[{\"id\": 1,");
    repo.write("ctx.json", br#"{"approvals": "alice"}"#);
    let other_pr = std::fs::read_to_string(fixture("event-pull_request.json"))
        .unwrap()
        .replace("\"number\": 42", "\"number\": 43");
    repo.write("event43.json", other_pr.as_bytes());
    repo.write("good-reviews.json", &std::fs::read(fixture("reviews.json")).unwrap());
    let cases: &[(&[&str], &str)] = &[
        (&["--reviews", "reviews.json"], "reviews.json: $[3].state: unknown variant `LGTM`"),
        (&["--checks", "runs.json"], "runs.json: $[0].check_runs[2]: missing field `name`"),
        (
            &["--github-event", "push.json"],
            "push.json: $: missing field `pull_request` (not a pull request event",
        ),
        (&["--teams", "@example/payments=team.json"], "team.json: $[1]: missing field `login`"),
        (
            &["--statuses", "status.json"],
            "status.json: $.statuses[0].state: unknown variant `done`",
        ),
        (&["--reviews", "broken.json"], "broken.json: not JSON"),
        (&["--context", "ctx.json"], "invalid context ctx.json: $.approvals: invalid type: string"),
        (&["--reviews", "missing.json"], "cannot read 'missing.json'"),
        (
            &["--github-event", "event43.json", "--reviews", "good-reviews.json"],
            "pull_request_url: a review of pull request 42, but the event is pull request 43",
        ),
    ];
    for (flags, expected) in cases {
        let out = baton(&repo, &promote(flags));
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{flags:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{flags:?}: printed a plan");
    }
    // Flags with bad values are usage errors.
    for flags in [["--teams", "payments=team.json"], ["--now", "tomorrow"]] {
        let out = baton(&repo, &promote(&flags));
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
    }
}
