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

/// Links inside the root are followed, directories too, as kustomize follows them: to their
/// real path, which is what the load restriction checks. Expected outputs: `kubectl kustomize
/// apps/web/production` (kustomize v5.8.1) on these same layouts.
#[test]
fn links_inside_the_root_are_followed_to_where_they_lead() {
    let repo = Repo::new(&[
        ("shared/web-base/kustomization.yaml", b"resources:\n- deployment.yaml\n"),
        ("shared/web-base/deployment.yaml", common::DEPLOYMENT.as_bytes()),
        ("shared/patch.yaml", b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n"),
        (
            "apps/web/production/kustomization.yaml",
            b"resources:\n- ../base\nnamespace: web-prod\npatches:\n- path: patch.yaml\n",
        ),
    ]);
    repo.link("apps/web/base", "../../shared/web-base");
    // A patch that is a link to a file outside the kustomization's directory: refused.
    repo.link("apps/web/production/patch.yaml", "../../../shared/patch.yaml");
    let out = baton(&repo, &["render", "apps/web/production"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error[K007]: security; file 'patch.yaml' is not in or below 'apps/web/production'"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "shared/patch.yaml: 'apps/web/production/patch.yaml' leads here through a symbolic link"
        ),
        "{err}"
    );
    // A link to a file below it: read.
    std::fs::remove_file(repo.path().join("apps/web/production/patch.yaml")).unwrap();
    std::fs::create_dir_all(repo.path().join("apps/web/production/local")).unwrap();
    std::fs::rename(
        repo.path().join("shared/patch.yaml"),
        repo.path().join("apps/web/production/local/replicas.yaml"),
    )
    .unwrap();
    repo.link("apps/web/production/patch.yaml", "local/replicas.yaml");
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
        err.contains("apps/web/production/kustomization.yaml:3:3: error[T005]: 'cm.yaml' leads through the symbolic link 'apps/web/production/cm.yaml' to")
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

/// A cycle of links, a broken link and a FIFO (never opened: opening one waits for a writer)
/// are reported. A link to a directory that contains it is recorded, not walked (no hang),
/// and is no problem until a kustomization builds through it (a cycle, as for kustomize).
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
            pair("T009", "apps/web/base/pipe.yaml"),
            pair("T009", "apps/web/staging/gone.yaml"),
            pair("T008", "cycle-a"),
            pair("T008", "cycle-b"),
        ]
    );
    assert_eq!(code, Some(0), "warnings only");
    let text = stdout(&baton(&repo, &["validate"]));
    assert!(text.contains("'apps/web/base/pipe.yaml' is a FIFO"), "{text}");
    assert!(text.contains("'apps/web/staging/gone.yaml' is a broken link"), "{text}");
    assert!(
        text.contains("'cycle-a' is a symbolic link to 'cycle-b', which leads in a cycle"),
        "{text}"
    );
    repo.write("apps/web/production/kustomization.yaml", b"resources:\n- ../base/again\n");
    let out = baton(&repo, &["render", "apps/web/production"]);
    assert!(stderr(&out).contains("error[K004]: cycle detected"), "{}", stderr(&out));
}

/// A directory reached through links is walked once, where it is: its files are validated
/// once, whatever the number of links to it.
#[test]
fn a_directory_reached_through_links_is_read_once() {
    let repo = Repo::seeded(&[("lib/a.yaml", b"kind: [\n")]);
    for i in 0..200 {
        repo.link(&format!("names/l{i}"), "../lib");
    }
    let (found, _) = validate(&repo);
    assert_eq!(found, vec![pair("Y001", "lib/a.yaml")]);
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

/// kustomize reads whatever a kustomization references, ignored or not (cluster-api ignores
/// `manager`, the name of its binary, which also names its tracked `config/manager`). Expected
/// output: `kubectl kustomize config/default` (kustomize v5.8.1) on this layout.
#[test]
fn files_a_kustomization_references_are_read_even_when_ignored() {
    let repo = Repo::new(&[
        (".gitignore", b"manager\n"),
        ("config/default/kustomization.yaml", b"resources:\n- ../manager\nnamePrefix: capd-\n"),
        (
            "config/manager/kustomization.yaml",
            b"resources:\n- manager.yaml\nconfigMapGenerator:\n- name: env\n  envs:\n  - manager.env\n",
        ),
        (
            "config/manager/manager.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: controller-manager\n",
        ),
        ("config/manager/manager.env", b"A=1\n"),
    ]);
    let want = "apiVersion: v1\ndata:\n  A: \"1\"\nkind: ConfigMap\nmetadata:\n  name: capd-env-89g4tffbfk\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: capd-controller-manager\n";
    let out = baton(&repo, &["render", "config/default"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), want);
    // `validate` leaves the ignored directory out of its walk, but renders what references it.
    assert_eq!(validate(&repo), (vec![], Some(0)));
    repo.write("config/manager/manager.yaml", b"kind: [\n");
    let (found, code) = validate(&repo);
    assert_eq!(found, vec![pair("Y001", "config/manager/manager.yaml")]);
    assert_eq!(code, Some(1));
}

/// `render` reads what the overlay consults and nothing else: entries elsewhere that `validate`
/// reports (a FIFO, a cycle of links, a link out of the repository) do not concern it.
#[test]
fn render_reads_only_what_the_overlay_consults() {
    let outside = Repo::new(&[("x.yaml", b"a: 1\n")]);
    let repo = Repo::seeded(&[]);
    let made = std::process::Command::new("mkfifo")
        .arg(repo.path().join("apps/web/base/pipe.yaml"))
        .status()
        .unwrap();
    assert!(made.success());
    repo.link("elsewhere/a", "b");
    repo.link("elsewhere/b", "a");
    repo.link("elsewhere/out.yaml", outside.path().join("x.yaml"));
    let out = baton(&repo, &["render", "apps/web/production"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let (found, _) = validate(&repo);
    let codes: Vec<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(codes, ["T009", "T008", "T008", "T005"], "{found:?}");
}
