//! `baton promote --write` writes only what it may: an allowed plan, or one whose blocking
//! gates `--force` overrides by name; never a plan with errors. And the README's CI recipe,
//! run as written, is safe.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{Repo, baton, example_repo, stderr, stdout};

const PIPELINE: &[u8] = b"apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  environments:\n  - name: staging\n  - name: production\n    gates:\n      approvals: 1\n";
const TARGET: &str = "apps/web/production/kustomization.yaml";
const PROMOTE: &[&str] = &["promote", "--app", "web", "--to", "production"];

fn args(extra: &[&'static str]) -> Vec<&'static str> {
    PROMOTE.iter().chain(extra).copied().collect()
}

/// The gates of a plan that do not pass, as `(name, status, message)`.
fn blocking_gates(repo: &Repo) -> Vec<(String, String, String)> {
    let plan: serde_json::Value =
        serde_json::from_slice(&baton(repo, &args(&["--format", "json"])).stdout).unwrap();
    plan["gates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["status"] != "pass")
        .map(|g| {
            let s = |k: &str| g[k].as_str().unwrap().to_string();
            (s("name"), s("status"), s("message"))
        })
        .collect()
}

#[test]
fn a_blocked_plan_is_not_written() {
    let repo = Repo::seeded(&[("baton.yaml", PIPELINE)]);
    let before = repo.read(TARGET);
    let gates = blocking_gates(&repo);
    assert_eq!(gates.len(), 1, "{gates:?}");
    let (name, status, message) = &gates[0];
    for format in ["text", "json"] {
        let out = baton(&repo, &args(&["--write", "--format", format]));
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert_eq!(repo.read(TARGET), before, "{format}: written although not allowed");
        let err = stderr(&out);
        assert!(err.contains("nothing written"), "{err}");
        assert!(err.contains(&format!("gate {name} ({status}): {message}")), "{err}");
        assert!(err.contains("--force writes anyway"), "{err}");
    }
    let out = baton(&repo, &args(&["--write"]));
    assert!(stdout(&out).contains("allowed: no"), "{}", stdout(&out));
}

#[test]
fn force_writes_past_gates_and_names_each() {
    let repo = Repo::seeded(&[("baton.yaml", PIPELINE)]);
    let (name, status, message) = blocking_gates(&repo).remove(0);
    let out = baton(&repo, &args(&["--write", "--force"]));
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("baton: --force overrides gate {name} ({status}): {message}")),
        "{err}"
    );
    assert!(err.contains("wrote 1 file(s)"), "{err}");
    assert!(repo.read(TARGET).contains("newTag: abc1234"), "{}", repo.read(TARGET));
    // --force means nothing without --write.
    assert_eq!(baton(&repo, &args(&["--force"])).status.code(), Some(2));
}

/// Errors are never overridden: here an entry the walk could not read (a link out of the
/// repository), which leaves the plan's edits intact but its answer untrustworthy.
#[test]
fn nothing_is_written_with_errors_even_with_force() {
    let outside = Repo::new(&[("x.yaml", b"a: 1\n")]);
    let repo = Repo::seeded(&[("baton.yaml", PIPELINE)]);
    repo.link("docs/x.yaml", outside.path().join("x.yaml"));
    let before = repo.read(TARGET);
    let plan: serde_json::Value =
        serde_json::from_slice(&baton(&repo, &args(&["--format", "json"])).stdout).unwrap();
    assert_eq!(plan["allowed"], false);
    assert!(!plan["edits"].as_array().unwrap().is_empty(), "{plan}");
    let out = baton(&repo, &args(&["--write", "--force"]));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(repo.read(TARGET), before);
    let err = stderr(&out);
    assert!(err.contains("error[T005] (docs/x.yaml)"), "{err}");
    assert!(!err.contains("writes anyway"), "an error cannot be forced: {err}");
}

/// The seed repository with production ahead of staging (1.3.0 against 1.2.0, by semver):
/// promoting moves production back.
fn downgrade_repo(extra: &[(&str, &[u8])]) -> Repo {
    let images = |tag: &str| {
        format!("resources:\n- ../base\nimages:\n- name: reg.example.com/web\n  newTag: {tag}\n")
    };
    let repo = Repo::seeded(extra);
    repo.write("apps/web/staging/kustomization.yaml", images("1.2.0").as_bytes());
    repo.write(TARGET, images("1.3.0").as_bytes());
    repo
}

const DOWNGRADE: &str =
    "downgrade: production runs newer versions than staging (Deployment/web 'web' 1.3.0 → 1.2.0)";

#[test]
fn a_downgrade_is_written_only_with_allow_downgrade() {
    let repo = downgrade_repo(&[]);
    let before = repo.read(TARGET);
    // No gates: the plan is allowed, and still a downgrade is not written without the flag,
    // with --force neither.
    let plan: serde_json::Value =
        serde_json::from_slice(&baton(&repo, &args(&["--format", "json"])).stdout).unwrap();
    assert_eq!((plan["allowed"].as_bool(), plan["downgrade"].as_bool()), (Some(true), Some(true)));
    for extra in [&["--write"][..], &["--write", "--force"]] {
        let out = baton(&repo, &args(extra));
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {}", stderr(&out));
        assert_eq!(repo.read(TARGET), before, "{extra:?}: a downgrade written without the flag");
        let err = stderr(&out);
        assert!(err.contains(DOWNGRADE), "{err}");
        assert!(err.contains("(--allow-downgrade writes anyway)"), "{err}");
    }
    let out = baton(&repo, &args(&["--write", "--allow-downgrade"]));
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("baton: --allow-downgrade overrides {DOWNGRADE}")), "{err}");
    assert!(err.contains("wrote 1 file(s)"), "{err}");
    assert_eq!(repo.read(TARGET), before.replace("1.3.0", "1.2.0"));
    // --allow-downgrade means nothing without --write.
    assert_eq!(baton(&repo, &args(&["--allow-downgrade"])).status.code(), Some(2));
}

#[test]
fn a_blocked_downgrade_needs_both_flags() {
    let repo = downgrade_repo(&[("baton.yaml", PIPELINE)]);
    let before = repo.read(TARGET);
    for extra in [&["--write", "--allow-downgrade"][..], &["--write", "--force"]] {
        let out = baton(&repo, &args(extra));
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {}", stderr(&out));
        assert_eq!(repo.read(TARGET), before, "{extra:?}");
    }
    let err = stderr(&baton(&repo, &args(&["--write"])));
    assert!(err.contains("(--allow-downgrade and --force write anyway)"), "{err}");
    let out = baton(&repo, &args(&["--write", "--allow-downgrade", "--force"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(repo.read(TARGET).contains("newTag: 1.2.0"));
}

/// A file reached through a link is edited where the link points; the link stays a link. (The
/// link leads below the overlay's directory: a kustomization file that is a link to another
/// directory's file is not a kustomization there, for kustomize as for Baton.)
#[test]
fn edits_go_through_links() {
    let repo = Repo::seeded(&[(
        "apps/web/production/conf/production.yaml",
        b"resources:\n- ../base\nnamespace: web-prod\n",
    )]);
    fs::remove_file(repo.path().join(TARGET)).unwrap();
    repo.link(TARGET, "conf/production.yaml");
    let out = baton(&repo, &args(&["--write"]));
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(fs::symlink_metadata(repo.path().join(TARGET)).unwrap().is_symlink());
    assert!(repo.read("apps/web/production/conf/production.yaml").contains("newTag: abc1234"));
    // A kustomization file linked from another directory: no overlay there, nothing written.
    fs::rename(
        repo.path().join("apps/web/production/conf/production.yaml"),
        repo.path().join("shared.yaml"),
    )
    .unwrap();
    fs::remove_file(repo.path().join(TARGET)).unwrap();
    repo.link(TARGET, "../../../shared.yaml");
    let out = baton(&repo, &args(&["--write"]));
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("error[K001]"), "{}", stdout(&out));
}

/// The README's "CLI in CI" section: its promote step, as a shell script.
fn readme_promote_step() -> String {
    let readme = include_str!("../../README.md");
    let section = readme.split("## CLI in CI").nth(1).unwrap();
    let yaml = section.split("```yaml\n").nth(1).unwrap().split("```").next().unwrap();
    let mut lines = yaml.lines().skip_while(|l| !l.starts_with("- run: |"));
    lines.next().expect("a `run: |` step");
    let script: Vec<&str> = lines.take_while(|l| l.starts_with("    ")).map(str::trim).collect();
    assert!(script.iter().any(|l| l.starts_with("baton promote")), "{script:?}");
    script.join("\n").replace("${{ github.actor }}", "ci-bot") + "\n"
}

fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Runs a step's script as GitHub Actions runs `run:` (bash -eo pipefail), `baton` on PATH.
fn run_step(repo: &Repo, script: &str) -> std::process::Output {
    let bin_dir = Path::new(common::bin()).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    std::process::Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(repo.path())
        .env("PATH", path)
        .output()
        .unwrap()
}

#[test]
fn the_readme_ci_recipe_never_writes_a_blocked_promotion() {
    let script = readme_promote_step();
    let repo = example_repo();
    let before = snapshot(repo.path());
    let out = run_step(&repo, &script);
    // The context of the recipe has no `now`: soak and windows wait, so nothing is written
    // and the step fails.
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    let mut after = snapshot(repo.path());
    after.retain(|path, _| !path.ends_with("ctx.json"));
    assert!(after == before, "the recipe wrote a blocked promotion");
    let err = stderr(&out);
    assert!(err.contains("nothing written") && err.contains("gate soak (pending)"), "{err}");
}

#[test]
fn the_readme_ci_recipe_writes_an_allowed_promotion() {
    let script = readme_promote_step();
    let promote = script.lines().find(|l| l.starts_with("baton promote")).unwrap();
    let repo = example_repo();
    // A context under which every production gate of the example passes: a check, an
    // approval by an owner of the changed file, two hours of soak, a Wednesday morning.
    repo.write(
        "ctx.json",
        br#"{"author": "ci-bot", "approvals": ["alice"], "checks": {"e2e-staging": "success"},
            "teams": {"@example/payments": ["alice"]}, "now": "2026-11-25T10:00:00Z",
            "since": {"staging": "2026-11-25T07:00:00Z"}}"#,
    );
    let file = "apps/payment-service/production/image-patch.yaml";
    let before = repo.read(file);
    let out = run_step(&repo, promote);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("allowed: yes"), "{}", stdout(&out));
    assert_ne!(repo.read(file), before);
    assert!(repo.read(file).contains("abc1234"), "{}", repo.read(file));
}
