//! `baton rollout` and the rollout section of `baton promote`, on the playground's example
//! repository: production's payment-service is the seed's canary (5 replicas; 10% → pause 5m
//! → analysis → 50% → pause 10m → 100%), production's ledger-api a blue-green Rollout. The
//! states are the engine's (`core/src/rollouts/simulate/tests.rs` derives them from
//! argo-rollouts 9f8d111 `utils/replicaset/canary.go`, `rollout/pause.go` and
//! `rollout/bluegreen.go`); these tests check that the CLI shows them.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Repo, baton, example_repo, stderr, stdout};

const CANARY: &str = "apps/payment-service/production";

/// The README's `baton rollout` example: its command's arguments and output.
fn readme_example() -> (Vec<String>, String) {
    let readme = include_str!("../../README.md");
    let block = readme.split("```text\n$ baton rollout apps/").nth(1).unwrap();
    let (line, output) = block.split_once('\n').unwrap();
    let args = format!("rollout apps/{line}").split_whitespace().map(String::from).collect();
    (args, output.split("```").next().unwrap().to_string())
}

#[test]
fn the_seeds_canary_as_the_readme_shows_it() {
    let repo = example_repo();
    let (args, expected) = readme_example();
    let out = baton(&repo, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), expected);
    // 10% → 1 canary pod, pause 300s, analysis success-rate, 50%, pause 600s, 100%; 900s.
    has_lines(
        &expected,
        &[
            "  0s   0    10%     [##..................] 5        1",
            "  0s   1    10%     [##..................] 5        1        pause 300s",
            "  300s 2    10%     [##..................] 5        1        analysis success-rate",
            "  300s 4    50%     [##########..........] 3        3        pause 600s",
            "  full promotion after at least 900s, no manual promotion",
        ],
    );
}

/// Every one of `lines` is a whole line of `text`.
fn has_lines(text: &str, lines: &[&str]) {
    for line in lines {
        assert!(text.lines().any(|l| l == *line), "{line:?} not in\n{text}");
    }
}

#[test]
fn json_is_the_engines_simulation() {
    let repo = example_repo();
    let out = baton(&repo, &["rollout", CANARY, "--format", "json", "--name", "payment-service"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let canary = &json["rollouts"][0];
    assert_eq!(
        (canary["kind"].as_str(), canary["strategy"].as_str()),
        (Some("Rollout"), Some("canary"))
    );
    // weight|stable|canary|pause|analysis|startSeconds
    let states: Vec<String> = canary["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let text = |k: &str| s[k].as_str().unwrap_or("-").to_string();
            format!(
                "{}|{}|{}|{}|{}|{}",
                s["canaryWeight"],
                s["stableReplicas"],
                s["canaryReplicas"],
                text("pause"),
                text("analysis"),
                s["startSeconds"]
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            "10|5|1|-|-|0",
            "10|5|1|300s|-|0",
            "10|5|1|-|success-rate|300",
            "50|3|3|-|-|300",
            "50|3|3|600s|-|300",
            "100|0|5|-|-|900",
            "100|0|5|-|-|900",
        ]
    );
    assert_eq!(canary["minDuration"], "900s");
    // The AnalysisTemplate is in the render: no warning.
    assert_eq!(canary["diagnostics"], serde_json::json!([]));
}

#[test]
fn the_blue_green_rollout_waits_for_a_person() {
    let repo = example_repo();
    let out = baton(&repo, &["rollout", "apps/ledger-api/production"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Rollout/ledger-api: Blue/Green, 2 replicas; risk Low, rollback: Switch back instantly\n"),
        "{text}"
    );
    // previewReplicaCount 1 behind the preview Service, a person promotes, the scale-up to 2,
    // the switch, the default 30 s scale-down delay (argo-rollouts `utils/defaults/defaults.go`).
    has_lines(
        &text,
        &[
            "  0s  -    0%      [....................] 2        1        wait for a person to promote",
            "  0s  -    0%      [....................] 2        2",
            "  0s  -    100%    [####################] 2        2        old pods kept 30s",
            "  30s -    100%    [####################] 0        2",
            "  full promotion after at least 0s, 1 manual promotion",
        ],
    );
}

#[test]
fn bad_input_is_reported() {
    let repo = example_repo();
    // No such workload: X005, exit 1.
    let out = baton(&repo, &["rollout", CANARY, "--name", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out)
            .contains("error[X005]: the render has no Rollout or Deployment named \"nope\""),
        "{}",
        stdout(&out)
    );
    // An invalid step: lint's finding at its place, no states, exit 1.
    let rollout = repo.read("apps/payment-service/production/rollout.yaml");
    repo.write(
        "apps/payment-service/production/rollout.yaml",
        rollout.replace("setWeight: 50 ", "setWeight: 150").as_bytes(),
    );
    let out = baton(&repo, &["rollout", CANARY]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("apps/payment-service/production/rollout.yaml:26:22: error[X001]: spec.strategy.steps[3].setWeight: SetWeight needs to be between 0 and 100"), "{text}");
    assert!(text.contains("  not simulated: spec.strategy.steps[3].setWeight"), "{text}");
    // A directory that does not render, and one without a kustomization (as `render` says).
    let empty = Repo::new(&[("apps/x/kustomization.yaml", b"resources: [missing.yaml]\n")]);
    assert_eq!(baton(&empty, &["rollout", "apps/x"]).status.code(), Some(1));
    let out = baton(&empty, &["rollout", "apps/nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error[K001]"), "{}", stdout(&out));
}

#[test]
fn a_promotion_says_how_it_rolls_out() {
    let repo = example_repo();
    let out = baton(&repo, &["promote", "--app", "payment-service", "--to", "production"]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "\nrollout in production:\n  Rollout/payment-service (rolls out Deployment/payment-service): Canary, risk Very Low, rollback: Reduce canary to 0%\n    10% (1 new pod, 5 old) → pause 300s → analysis success-rate → 50% (3 new pods, 3 old) → pause 600s → 100% (5 new pods, 0 old); full promotion after at least 900s, no manual promotion\n"
        ),
        "{text}"
    );
    let out = baton(
        &repo,
        &["promote", "--app", "payment-service", "--to", "production", "--format", "json"],
    );
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let body = plan["pullRequest"]["body"].as_str().unwrap();
    assert!(body.contains("### Rollout in `production`\n"), "{body}");
    assert!(body.contains("| 0s | 1 | 10% | 5 | 1 | pause 300s |\n"), "{body}");
    assert_eq!(plan["rollouts"][0]["rolledOutBy"], "Rollout/payment-service");
    assert_eq!(plan["rollouts"][0]["simulation"]["minDuration"], "900s");
}
