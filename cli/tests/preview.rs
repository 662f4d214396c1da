//! `baton preview create|delete|gc` end to end on temporary repositories: files created,
//! moved and removed (with the directories left empty), the new overlay rendering as
//! kustomize renders it (`tests/previews/seed-pr-42/expected.yaml`, from the oracle), and
//! `validate` clean afterwards.

#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::{Repo, baton, git, stderr, stdout};

/// The seed-layout case of `tests/previews/` (payment-service with staging and production,
/// previews with a host), as a repository on disk.
fn seed_repo() -> Repo {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/previews/seed-pr-42/input");
    let repo = Repo::new(&[]);
    let mut stack = vec![input.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(&input).unwrap().to_str().unwrap().to_string();
                repo.write(&relative, &std::fs::read(&path).unwrap());
            }
        }
    }
    repo
}

const SEED_PLANNED: &str = include_str!(
    "../../tests/previews/seed-pr-42/planned/apps/payment-service/preview/pr-42/kustomization.yaml"
);
const SEED_RENDERED: &str = include_str!("../../tests/previews/seed-pr-42/expected.yaml");
const PREVIEW: &str = "apps/payment-service/preview/pr-42/kustomization.yaml";

fn validate_clean(repo: &Repo) {
    let out = baton(repo, &["validate"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(!stdout(&out).contains("K050"), "{}", stdout(&out));
}

#[test]
fn create_write_render_update_delete_on_disk() {
    let repo = seed_repo();
    let sha = "ab1cd2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9";
    let create = ["preview", "create", "--app", "payment-service", "--pr", "42", "--sha", sha];

    // Without --write: the plan is printed, nothing is written.
    let out = baton(&repo, &create);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("preview payment-service #42: create\n"), "{text}");
    assert!(text.contains("  url        https://pr-42.payment-service.preview.example.com\n"));
    assert!(text.contains("+++ b/apps/payment-service/preview/pr-42/kustomization.yaml"));
    assert!(!repo.path().join("apps/payment-service/preview").exists());

    // With --write: the seed's file (with the name that matches), rendering as kustomize does.
    let out = baton(&repo, &[&create[..], &["--write"]].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "baton: wrote 1 file(s)\n");
    assert_eq!(repo.read(PREVIEW), SEED_PLANNED);
    let render = baton(&repo, &["render", "apps/payment-service/preview/pr-42"]);
    assert_eq!(stdout(&render), SEED_RENDERED);
    validate_clean(&repo);
    let status = baton(&repo, &["status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_str(&stdout(&status)).unwrap();
    let previews = &status["apps"][0]["previews"];
    assert_eq!(previews[0]["number"], 42);
    assert_eq!(previews[0]["tag"], "pr-42-ab1cd");
    assert_eq!(previews[0]["url"], "https://pr-42.payment-service.preview.example.com");
    assert_eq!(previews[0]["namespace"], "preview-pr-42");
    let names: Vec<&str> = status["apps"][0]["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["staging", "production"], "the preview is no environment");

    // A hand edit, then a new push: only the tag moves.
    let edited = format!(
        "# keep me\n{}replicas:\n- name: payment-service\n  count: 1\n",
        repo.read(PREVIEW)
    );
    repo.write(PREVIEW, edited.as_bytes());
    let out = baton(
        &repo,
        &[
            "preview",
            "create",
            "--app",
            "payment-service",
            "--pr",
            "42",
            "--sha",
            "77aa9c0",
            "--write",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(repo.read(PREVIEW), edited.replace("pr-42-ab1cd", "pr-42-77aa9"));
    assert!(stdout(&out).contains("info[P015]"), "{}", stdout(&out));
    validate_clean(&repo);

    // Delete: the file, and the directories it leaves empty, go.
    let out =
        baton(&repo, &["preview", "delete", "--app", "payment-service", "--pr", "42", "--write"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "baton: deleted 1 file(s)\n");
    assert!(!repo.path().join("apps/payment-service/preview").exists());
    assert!(repo.path().join("apps/payment-service/base").is_dir());
    validate_clean(&repo);

    // Deleting it again is an error, and nothing is written.
    let out =
        baton(&repo, &["preview", "delete", "--app", "payment-service", "--pr", "42", "--write"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("error[P012]: there is no preview of 'payment-service' for PR 42"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("nothing written"), "{}", stderr(&out));
}

#[test]
fn bad_input_writes_nothing() {
    let repo = seed_repo();
    let cases: [(&[&str], &str); 4] = [
        (
            &["--app", "payment-service", "--pr", "0", "--sha", "ab1cd"],
            "error[P012]: the pull request number must be a positive integer, not 0",
        ),
        (
            &["--app", "nope", "--pr", "1", "--sha", "ab1cd"],
            "error[P012]: there is no app named 'nope'",
        ),
        (
            &["--app", "payment-service", "--pr", "1"],
            "it uses the commit sha, and no sha was given",
        ),
        (&["--app", "payment-service", "--pr", "1", "--sha", "not-hex"], "is not a commit sha"),
    ];
    for (args, wanted) in cases {
        let out = baton(&repo, &[&["preview", "create"][..], args, &["--write"]].concat());
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stdout(&out).contains(wanted), "{args:?}: {}", stdout(&out));
        assert!(
            stderr(&out).starts_with("baton: not allowed; nothing written:\n"),
            "{}",
            stderr(&out)
        );
        assert!(!repo.path().join("apps/payment-service/preview").exists(), "{args:?}");
    }
    // Usage errors exit 2.
    for args in [
        &["--app", "payment-service", "--pr", "x"][..],
        &["--app", "payment-service", "--pr", "-3"],
    ] {
        let out = baton(&repo, &[&["preview", "create"][..], args].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    // A template that escapes the app is refused at plan time and reported by validate.
    repo.write(
        "baton.yaml",
        b"apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  previews:\n    path: \"../{app}/pr-{number}\"\n",
    );
    let out = baton(
        &repo,
        &[
            "preview",
            "create",
            "--app",
            "payment-service",
            "--pr",
            "1",
            "--sha",
            "ab1cd",
            "--write",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error[P011]"), "{}", stdout(&out));
    let out = baton(&repo, &["validate"]);
    assert!(stdout(&out).contains("baton.yaml:5:11: error[P011]"), "{}", stdout(&out));
}

#[test]
fn the_pr_comment_and_json() {
    let repo = seed_repo();
    let args =
        ["preview", "create", "--app", "payment-service", "--pr", "42", "--tag", "pr-42-ab1cd"];
    let out = baton(&repo, &[&args[..], &["--format", "markdown"]].concat());
    assert_eq!(out.status.code(), Some(0));
    let comment = stdout(&out);
    assert!(comment.contains("### Preview of payment-service for #42"), "{comment}");
    assert!(comment.contains("**https://pr-42.payment-service.preview.example.com**"), "{comment}");
    assert!(
        comment.contains("| Image | `registry.example.com/payment-service:pr-42-ab1cd` |"),
        "{comment}"
    );
    assert!(comment.contains(
        "| Deployment | payment-service | `registry.example.com/payment-service:pr-42-ab1cd` |"
    ));
    let out = baton(&repo, &[&args[..], &["--format", "json"]].concat());
    let plan: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(plan["action"], "create");
    assert_eq!(plan["edits"][0]["before"], serde_json::Value::Null);
    assert_eq!(plan["render"]["yaml"], SEED_RENDERED);
}

/// `gc --open`: previews of closed PRs go; with `maxAge`, previews whose last commit is older
/// go too (ages from git); a directory that is no preview is reported and stays.
#[test]
fn gc_removes_closed_and_stale_previews() {
    let repo = seed_repo();
    for n in [12, 15, 20] {
        let out = baton(
            &repo,
            &[
                "preview",
                "create",
                "--app",
                "payment-service",
                "--pr",
                &n.to_string(),
                "--sha",
                "ab1cd",
                "--write",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    repo.write("apps/payment-service/preview/scratch/notes.txt", b"mine\n");
    let config = "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  previews:\n    host: pr-{number}.{app}.preview.example.com\n    maxAge: 7d\n";
    repo.write("baton.yaml", config.as_bytes());
    git(repo.path(), "2026-03-01T00:00:00Z", &["init", "-q"]);
    git(repo.path(), "2026-03-01T00:00:00Z", &["add", "."]);
    git(repo.path(), "2026-03-01T00:00:00Z", &["commit", "-qm", "previews"]);
    repo.write(
        "apps/payment-service/preview/pr-15/kustomization.yaml",
        repo.read("apps/payment-service/preview/pr-15/kustomization.yaml")
            .replace("ab1cd", "fresh")
            .as_bytes(),
    );
    git(repo.path(), "2026-03-19T00:00:00Z", &["commit", "-qam", "push to 15"]);

    let out = baton(&repo, &["preview", "gc", "--open", "12,15", "--now", "2026-03-20T00:00:00Z"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("payment-service #12  apps/payment-service/preview/pr-12  remove (stale)  unchanged for 19d, maxAge 7d\n"), "{text}");
    assert!(text.contains("payment-service #15  apps/payment-service/preview/pr-15  kept  unchanged for 1d, maxAge 7d\n"), "{text}");
    assert!(
        text.contains("payment-service #20  apps/payment-service/preview/pr-20  remove (closed)"),
        "{text}"
    );
    assert!(
        text.contains("apps/payment-service/preview/scratch is no preview (left alone)"),
        "{text}"
    );
    assert!(text.contains("warning[P016]"), "{text}");

    let out = baton(
        &repo,
        &["preview", "gc", "--open", "12,15", "--now", "2026-03-20T00:00:00Z", "--write"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "baton: deleted 2 file(s)\n");
    assert!(!repo.path().join("apps/payment-service/preview/pr-12").exists());
    assert!(!repo.path().join("apps/payment-service/preview/pr-20").exists());
    assert!(repo.path().join("apps/payment-service/preview/pr-15/kustomization.yaml").is_file());
    assert!(repo.path().join("apps/payment-service/preview/scratch/notes.txt").is_file());
    validate_clean(&repo);
}
