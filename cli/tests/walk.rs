//! Reading the repository from disk: what is read, what is left out, and that every entry left
//! out for a reason is reported (T005–T009) instead of vanishing.

#![allow(clippy::unwrap_used)]

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::PermissionsExt;
use std::process::Output;

use common::{Repo, baton, stderr, stdout};

/// The diagnostics of `baton validate --format json`, as (code, file) pairs, and the exit code.
fn validate(repo: &Repo) -> (Vec<(String, String)>, Option<i32>) {
    let out = baton(repo, &["validate", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    let found = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (d["code"].as_str().unwrap().to_string(), d["file"].as_str().unwrap_or("").to_string())
        })
        .collect();
    (found, out.status.code())
}

fn pair(code: &str, file: &str) -> (String, String) {
    (code.to_string(), file.to_string())
}

/// `target` and `node_modules` are ordinary names: an overlay in `apps/web/target/` is read.
#[test]
fn directories_named_target_or_node_modules_are_read() {
    let repo = Repo::seeded(&[
        ("apps/web/target/kustomization.yaml", b"resources:\n- ../base\n- missing.yaml\n"),
        ("apps/web/node_modules/bad.yaml", b"kind: [\n"),
    ]);
    let (found, code) = validate(&repo);
    assert!(found.contains(&pair("K003", "apps/web/target/kustomization.yaml")), "{found:?}");
    assert!(found.contains(&pair("Y001", "apps/web/node_modules/bad.yaml")), "{found:?}");
    assert_eq!(code, Some(1));
    let out = baton(&repo, &["status", "--format", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let envs: Vec<&str> = status["apps"][0]["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert!(envs.contains(&"target"), "{envs:?}");
}

/// What git leaves out of a clone is left out: `.gitignore` and `.ignore` files at any depth
/// (with `!` exceptions, `.ignore` first), `.git/info/exclude`, and `.git` itself.
#[test]
fn ignore_files_are_honoured() {
    let bad: &[u8] = b"kind: [\n";
    let repo = Repo::seeded(&[
        (".gitignore", b"generated/\n*.tmp.yaml\n!keep.tmp.yaml\n"),
        ("generated/bad.yaml", bad),
        ("apps/web/base/scratch.tmp.yaml", bad),
        ("apps/web/base/keep.tmp.yaml", bad),
        ("apps/web/.gitignore", b"local/\n"),
        ("apps/web/local/bad.yaml", bad),
        ("apps/local/bad.yaml", bad),
        // `.ignore` overrides `.gitignore`: re-included here, excluded there.
        (".ignore", b"!generated/\nvendor/\n"),
        ("vendor/bad.yaml", bad),
        (".git/info/exclude", b"private.yaml\n"),
        (".git/config.yaml", bad),
        ("private.yaml", bad),
        ("sub/.git", b"gitdir: ../.git/modules/sub\n"),
    ]);
    let (found, code) = validate(&repo);
    assert_eq!(
        found,
        vec![
            pair("Y001", "apps/local/bad.yaml"),
            pair("Y001", "apps/web/base/keep.tmp.yaml"),
            pair("Y001", "generated/bad.yaml"),
        ]
    );
    assert_eq!(code, Some(1));
}

/// Links inside the root are followed, directories too, as kustomize follows them. Expected
/// output: `kubectl kustomize apps/web/production` (kustomize v5.8.1) on this same layout.
#[test]
fn links_inside_the_root_are_followed() {
    let repo = Repo::new(&[
        ("shared/web-base/kustomization.yaml", b"resources:\n- deployment.yaml\n"),
        ("shared/web-base/deployment.yaml", common::DEPLOYMENT.as_bytes()),
        ("apps/web/production/kustomization.yaml", b"resources:\n- ../base\nnamespace: web-prod\n"),
        ("shared/patch.yaml", b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n"),
    ]);
    repo.link("apps/web/base", "../../shared/web-base");
    repo.link("apps/web/production/patch.yaml", "../../../shared/patch.yaml");
    repo.write(
        "apps/web/production/kustomization.yaml",
        b"resources:\n- ../base\nnamespace: web-prod\npatches:\n- path: patch.yaml\n",
    );
    let out = baton(&repo, &["render", "apps/web/production"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web-prod\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - image: reg.example.com/web:1.0.0\n        name: web\n"
    );
    assert_eq!(validate(&repo), (vec![], Some(0)));
}

/// A link out of the repository is not read, and says so: an error wherever it is, and beside
/// the "not found" of a render that needed it.
#[test]
fn a_link_leaving_the_repository_is_reported_as_such() {
    let outside =
        Repo::new(&[("secret.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")]);
    let repo = Repo::seeded(&[]);
    repo.link("docs/elsewhere", outside.path());
    let (found, code) = validate(&repo);
    assert_eq!(found, vec![pair("T005", "docs/elsewhere")]);
    assert_eq!(code, Some(1));
    // An unrelated link does not fail a render; a link the render needs is named in it.
    let out = baton(&repo, &["render", "apps/web/production"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    repo.link("apps/web/production/cm.yaml", outside.path().join("secret.yaml"));
    repo.write("apps/web/production/kustomization.yaml", b"resources:\n- ../base\n- cm.yaml\n");
    let out = baton(&repo, &["render", "apps/web/production"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("apps/web/production/cm.yaml: error[T005]: 'apps/web/production/cm.yaml' is a symbolic link to")
            && err.contains("which leaves the repository"),
        "{err}"
    );
    assert!(!err.contains("docs/elsewhere"), "{err}");
    assert_eq!(stdout(&out), "");
    // Text output of validate names it with its reason.
    let text = stdout(&baton(&repo, &["validate"]));
    assert!(text.contains("docs/elsewhere: error[T005]"), "{text}");
}

/// Names that are not UTF-8 cannot be repository paths: reported, not dropped.
#[test]
fn names_that_are_not_utf8_are_reported() {
    let repo = Repo::seeded(&[]);
    let name = OsString::from_vec(b"apps/web/base/caf\xe9.yaml".to_vec());
    std::fs::write(repo.path().join(name), "kind: [\n").unwrap();
    let (found, code) = validate(&repo);
    assert_eq!(found, vec![pair("T006", "apps/web/base/caf\u{fffd}.yaml")]);
    assert_eq!(code, Some(0), "a warning");
    let text = stdout(&baton(&repo, &["validate"]));
    assert!(text.contains("warning[T006]: the name of"), "{text}");
}

/// Runs `baton validate --format json` as an unprivileged user when the tests run as root (root
/// reads everything), so that permissions apply.
fn validate_unprivileged(repo: &Repo) -> Output {
    let root = std::process::Command::new("id").arg("-u").output().unwrap();
    let mut cmd = if stdout(&root).trim() == "0" {
        let mut cmd = std::process::Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", common::bin()]);
        cmd
    } else {
        std::process::Command::new(common::bin())
    };
    cmd.current_dir(repo.path()).args(["validate", "--format", "json"]).output().unwrap()
}

#[test]
fn unreadable_entries_are_errors() {
    let repo =
        Repo::seeded(&[("apps/web/base/locked.yaml", b"kind: x\n"), ("sealed/a.yaml", b"a: 1\n")]);
    let mode = |path: &str, mode: u32| {
        std::fs::set_permissions(repo.path().join(path), std::fs::Permissions::from_mode(mode))
            .unwrap();
    };
    // Let the unprivileged user walk the temporary directory.
    mode(".", 0o755);
    mode("apps/web/base/locked.yaml", 0o000);
    mode("sealed", 0o000);
    let out = validate_unprivileged(&repo);
    mode("sealed", 0o755);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    let found: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["file"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("T007", "apps/web/base/locked.yaml"), ("T007", "sealed")]);
    assert!(json["diagnostics"][0]["message"].as_str().unwrap().contains("cannot be read"));
    assert_eq!(out.status.code(), Some(1));
}

/// A link to a directory that contains it is not followed (no hang) and is reported; so is a
/// cycle of links, a broken link and a FIFO (never opened: opening one waits for a writer).
#[test]
fn loops_broken_links_and_special_files_are_reported() {
    let repo = Repo::seeded(&[]);
    repo.link("apps/web/base/again", "..");
    repo.link("apps/web/base/root", "../../..");
    repo.link("cycle-a", "cycle-b");
    repo.link("cycle-b", "cycle-a");
    repo.link("apps/web/staging/gone.yaml", "nowhere.yaml");
    let fifo = repo.path().join("apps/web/base/pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let (found, code) = validate(&repo);
    assert_eq!(
        found,
        vec![
            pair("T008", "apps/web/base/again"),
            pair("T009", "apps/web/base/pipe.yaml"),
            pair("T008", "apps/web/base/root"),
            pair("T009", "apps/web/staging/gone.yaml"),
            pair("T008", "cycle-a"),
            pair("T008", "cycle-b"),
        ]
    );
    assert_eq!(code, Some(0), "warnings only");
    let text = stdout(&baton(&repo, &["validate"]));
    assert!(text.contains("'apps/web/base/pipe.yaml' is a FIFO"), "{text}");
    assert!(text.contains("'apps/web/staging/gone.yaml' is a broken link"), "{text}");
}

/// Links that repeat directories without a loop are followed, each under its own path.
#[test]
fn a_directory_reached_twice_is_read_twice() {
    let repo = Repo::seeded(&[("lib/a.yaml", b"kind: [\n")]);
    repo.link("x/one", "../lib");
    repo.link("x/two", "../lib");
    let (found, _) = validate(&repo);
    assert_eq!(
        found,
        vec![
            pair("Y001", "lib/a.yaml"),
            pair("Y001", "x/one/a.yaml"),
            pair("Y001", "x/two/a.yaml")
        ]
    );
}

/// Every surface shows skipped entries: SARIF and status too.
#[test]
fn skipped_entries_reach_every_output() {
    let outside = Repo::new(&[("x.yaml", b"a: 1\n")]);
    let repo = Repo::seeded(&[]);
    repo.link("apps/web/production/extra.yaml", outside.path().join("x.yaml"));
    let sarif: serde_json::Value =
        serde_json::from_slice(&baton(&repo, &["validate", "--format", "sarif"]).stdout).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "T005");
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"][0]["shortDescription"]["text"],
        "A symbolic link points outside the repository; it is not read"
    );
    let out = baton(&repo, &["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error[T005]"), "{}", stdout(&out));
}

/// Links may repeat a directory many times without a loop; the walk is bounded by a count of
/// entries, and says so (exit 2) instead of reading without end.
#[test]
fn a_walk_repeating_directories_without_end_is_bounded() {
    let repo = Repo::new(&[]);
    for i in 0..2000 {
        repo.write(&format!("big/f{i}.yaml"), b"a: 1\n");
    }
    // 140 names for `big`: 280,000 entries, more than the walk looks at (2^18).
    for i in 0..140 {
        repo.link(&format!("names/l{i}"), "../big");
    }
    let out = baton(&repo, &["validate"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("has more than 262144 entries"), "{}", stderr(&out));
}
