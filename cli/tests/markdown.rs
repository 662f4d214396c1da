//! `--format markdown`: pull request comments from `promote` and `validate`, split into parts
//! under GitHub's 65,536-character limit, each part valid on its own.

#![allow(clippy::unwrap_used)]

mod common;

use std::fmt::Write as _;

use common::{Repo, baton, example_repo, fixture, stderr, stdout};

const LIMIT: usize = 65_536;

/// Every code fence of `part` is closed by the same fence, and `<details>` tags pair up.
fn self_contained(part: &str) -> bool {
    let mut fence: Option<String> = None;
    for line in part.lines() {
        match &fence {
            Some(f) if line == f => fence = None,
            None if line.starts_with("```") => {
                fence = Some(line.chars().take_while(|c| *c == '`').collect());
            }
            _ => {}
        }
    }
    fence.is_none() && part.matches("<details>").count() == part.matches("</details>").count()
}

#[test]
fn a_promotion_plan_comment() {
    let repo = example_repo();
    let out = baton(
        &repo,
        &[
            "promote",
            "--app",
            "payment-service",
            "--to",
            "production",
            "--format",
            "markdown",
            "--now",
            "2026-11-25T10:00:00Z",
            "--github-event",
            &fixture("event-pull_request.json"),
            "--reviews",
            &fixture("reviews.json"),
            "--checks",
            &fixture("check-runs.json"),
            "--teams",
            &format!("@example/payments={}", fixture("team-payments.json")),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let md = stdout(&out);
    let expected_head = "<!-- baton:promote:payment-service:production part 1 of 1 -->\n\
        ### ⏳ Promote payment-service: staging → production: waiting on `soak`\n\n\
        1 image to promote from staging to production; waiting on: soak\n\n\
        Gates evaluated for pull request #42.\n\n\
        |  | Gate | Result |\n\
        | --- | --- | --- |\n\
        | ✅ | `order` | production promotes from staging |\n\
        | ✅ | `requiredChecks` | all passed: e2e-staging |\n\
        | ✅ | `approvals` | 1 of 1 approvals (alice-payments) |\n";
    assert!(md.starts_with(expected_head), "{md}");
    assert!(md.contains("| ⏳ | `soak` | needs 2h in staging; unknown: when the artifact landed in staging (context.since.staging) |\n"), "{md}");
    assert!(md.contains("| Deployment/payment-service | payment-service | `9f8e7d6` | `abc1234` | `apps/payment-service/production/image-patch.yaml` |\n"), "{md}");
    assert!(
        md.contains(
            "#### Edits\n\n```diff\n--- a/apps/payment-service/production/image-patch.yaml\n"
        ),
        "{md}"
    );
    // How the change rolls out in production: the seed's canary, strategy, risk and rollback.
    assert!(
        md.contains(
            "#### Rollout in `production`\n\n\
             **Rollout/payment-service** (rolls out Deployment/payment-service): Canary, risk Very Low, rollback: Reduce canary to 0%\n\n\
             10% (1 new pod, 5 old) → pause 300s → analysis success-rate → 50% (3 new pods, 3 old) → pause 600s → 100% (5 new pods, 0 old); full promotion after at least 900s, no manual promotion\n\n\
             | at | step | traffic | old pods | new pods | then |\n\
             | --- | --- | --- | --- | --- | --- |\n\
             | 0s | 0 | 10% | 5 | 1 |  |\n\
             | 0s | 1 | 10% | 5 | 1 | pause 300s |\n"
        ),
        "{md}"
    );
    assert!(md.contains("<details><summary>Rendered diff of production (11 lines)</summary>\n\n```diff\n--- a/production/Deployment/payments-production/payment-service\n"), "{md}");
    assert!(self_contained(&md));
}

/// The fleet's promotion as a comment, in parts under `comment/`.
const FLEET_COMMENT: [&str; 9] = [
    "promote",
    "--app",
    "fleet",
    "--to",
    "production",
    "--format",
    "markdown",
    "--comment-dir",
    "comment",
];

/// An app of `n` Deployments sharing one image (with a long name): promoting its tag changes
/// every one of them, and the rendered diff runs to hundreds of kilobytes.
fn fleet(n: usize) -> Repo {
    let image = format!("reg.example.com/platform/{}/worker", "w".repeat(150));
    let mut deployments = String::new();
    for i in 0..n {
        let _ = write!(
            deployments,
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker-{i}\nspec:\n  template:\n    spec:\n      containers:\n      - name: worker\n        image: {image}:1.0.0\n        args: [\"--shard={i}\"]\n"
        );
    }
    let staging = format!("resources:\n- ../base\nimages:\n- name: {image}\n  newTag: 2.0.0\n");
    Repo::new(&[
        ("apps/fleet/base/kustomization.yaml", b"resources:\n- deployments.yaml\n"),
        ("apps/fleet/base/deployments.yaml", deployments.as_bytes()),
        ("apps/fleet/staging/kustomization.yaml", staging.as_bytes()),
        ("apps/fleet/production/kustomization.yaml", b"resources:\n- ../base\n"),
    ])
}

#[test]
fn a_huge_plan_is_split_into_self_contained_comments() {
    let repo = fleet(400);
    let plan =
        baton(&repo, &["promote", "--app", "fleet", "--to", "production", "--format", "json"]);
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let diff = plan["renderedDiff"].as_str().unwrap();
    assert!(diff.len() > 3 * LIMIT, "{}", diff.len());
    let out = baton(&repo, &FLEET_COMMENT);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut files: Vec<_> = std::fs::read_dir(repo.path().join("comment"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let n = files.len();
    assert!(n >= 4, "{files:?}");
    let mut rendered = String::new();
    let mut joined = Vec::new();
    for (i, name) in files.iter().enumerate() {
        assert_eq!(*name, format!("part-{:02}.md", i + 1));
        let part = repo.read(&format!("comment/{name}"));
        assert!(part.chars().count() <= LIMIT && part.len() <= LIMIT, "{name}: {}", part.len());
        assert!(
            part.starts_with(&format!(
                "<!-- baton:promote:fleet:production part {} of {n} -->\n",
                i + 1
            )),
            "{name}"
        );
        assert!(self_contained(&part), "{name} is not self-contained");
        if i > 0 {
            assert!(part.contains("**Promote fleet: staging → production** (continued)"), "{name}");
        }
        // The rendered diff's lines, in the order the parts show them.
        let mut inside = false;
        for line in part.lines() {
            if line.starts_with("<details><summary>Rendered diff") {
                inside = true;
            } else if inside && line == "</details>" {
                inside = false;
            } else if inside && !line.starts_with("```") && !line.is_empty() {
                rendered.push_str(line);
                rendered.push('\n');
            }
        }
        joined.push(part);
    }
    assert!(
        joined
            .iter()
            .skip(1)
            .any(|p| p.contains("<details><summary>Rendered diff of production (")
                && p.contains(" lines) (continued)</summary>"))
    );
    let expected: String = diff.lines().filter(|l| !l.is_empty()).flat_map(|l| [l, "\n"]).collect();
    assert!(rendered == expected, "the parts lose or repeat lines of the rendered diff");
    // Standard output has the same parts, one after another.
    assert_eq!(stdout(&out), joined.join("\n"));
}

#[test]
fn a_second_run_replaces_the_parts_of_the_first() {
    let repo = fleet(400);
    let args = FLEET_COMMENT;
    assert_eq!(baton(&repo, &args).status.code(), Some(0));
    repo.write("apps/fleet/staging/kustomization.yaml", b"resources:\n- ../base\n");
    assert_eq!(baton(&repo, &args).status.code(), Some(0));
    let files: Vec<_> = std::fs::read_dir(repo.path().join("comment")).unwrap().collect();
    assert_eq!(files.len(), 1, "stale parts left behind");
    assert!(repo.read("comment/part-01.md").contains("part 1 of 1"));
    // --comment-dir is for markdown only.
    let out = baton(&repo, &["validate", "--comment-dir", "comment"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--comment-dir needs --format markdown"), "{}", stderr(&out));
}

#[test]
fn a_validation_comment() {
    let repo = example_repo();
    let out = baton(&repo, &["validate", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!(
            "<!-- baton:validate part 1 of 1 -->\n### ✅ Baton validate: no problems\n\n<sub>Baton {}</sub>\n\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    repo.write(
        "apps/ledger-api/staging/kustomization.yaml",
        b"resources:\n- ../base\n- missing.yaml\n",
    );
    repo.write("apps/broken|name/x.yaml", b"a: [1\n");
    let out = baton(&repo, &["validate", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(1));
    let md = stdout(&out);
    // And a warning: the example's `previews.host` cannot name a preview of an app called
    // `broken|name` (P010).
    assert!(md.contains("### ❌ Baton validate: 2 errors, 1 warning"), "{md}");
    assert!(md.contains("| ⚠️ | P010 | `baton.yaml:"), "{md}");
    assert!(
        md.contains("|  | Code | Where | Problem |\n| --- | --- | --- | --- |\n| ❌ | "),
        "{md}"
    );
    assert!(md.contains("`apps/ledger-api/staging/kustomization.yaml:3:3`"), "{md}");
    // A `|` in a path or message cannot end a cell early.
    let row = md.lines().find(|l| l.contains("x.yaml")).unwrap();
    assert_eq!(row.matches(" | ").count() - row.matches("\\|").count(), 3, "{row}");
}
