//! `baton image-update`: the seed's Flux image automation end to end through the binary —
//! the policy's pick, the surgical edit, the verified render, `--write` on a temporary
//! repository, the exit codes, and malformed tags files (exit 2, naming the bad field).

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{Repo, baton, command, stderr, stdout};

/// The seed's `ImagePolicy` (`>=2.0.0 <3.0.0`), an `ImageRepository`, and the seed's v1beta1
/// `ImageUpdateAutomation` (`gitops-application-environments.md`).
const FLUX: &str = "apiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImageRepository\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  image: reg.example.com/web\n---\napiVersion: image.toolkit.fluxcd.io/v1beta2\nkind: ImagePolicy\nmetadata:\n  name: web\n  namespace: flux-system\nspec:\n  imageRepositoryRef:\n    name: web\n  policy:\n    semver:\n      range: \">=2.0.0 <3.0.0\"\n---\napiVersion: image.toolkit.fluxcd.io/v1beta1\nkind: ImageUpdateAutomation\nmetadata:\n  name: flux-image-update\n  namespace: flux-system\nspec:\n  git:\n    commit:\n      author:\n        name: Flux Bot\n        email: flux@example.com\n      messageTemplate: |\n        chore: update {{range .Updated.Images}}{{println .}}{{end}}\n  update:\n    strategy: Setters\n";

const DEV: &str = "resources:\n- ../base\nnamespace: web-dev\nimages:\n- name: reg.example.com/web\n  newTag: 2.0.0 # {\"$imagepolicy\": \"flux-system:web:tag\"}\n";
const DEV_PATH: &str = "apps/web/dev/kustomization.yaml";

fn repo() -> Repo {
    Repo::seeded(&[("clusters/dev/flux.yaml", FLUX.as_bytes()), (DEV_PATH, DEV.as_bytes())])
}

fn with_tags(repo: &Repo, tags: &str) {
    repo.write("tags.json", tags.as_bytes());
}

const TAGS: &str = r#"{"images": {"reg.example.com/web": ["1.9.0", "2.0.0", "2.1.0", "2.2.0-rc.1", "3.0.0", "latest"]}}"#;

#[test]
fn the_seed_example_shows_the_pick_the_edit_and_the_render() {
    let repo = repo();
    with_tags(&repo, TAGS);
    let out = baton(&repo, &["image-update", "--tags", "tags.json"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(
        text.contains("flux-system/web (semver): reg.example.com/web:2.1.0 (2 candidate(s))"),
        "{text}"
    );
    assert!(text.contains("automation flux-system/flux-image-update: 1 change(s)"), "{text}");
    assert!(
        text.contains("  apps/web/dev/kustomization.yaml: 2.0.0 → 2.1.0  [flux-system:web:tag]\n"),
        "{text}"
    );
    assert!(text.contains("-  newTag: 2.0.0 # {\"$imagepolicy\""), "{text}");
    assert!(text.contains("+  newTag: 2.1.0 # {\"$imagepolicy\""), "{text}");
    assert!(text.contains("rendered before and after: apps/web/dev"), "{text}");
    // The seed's v1beta1 template, rendered as the v1beta1 controller did (F026 says so).
    assert!(
        text.contains("\ncommit by Flux Bot <flux@example.com> (flux-system/flux-image-update):\n    chore: update reg.example.com/web:2.1.0\n\n"),
        "{text}"
    );
    assert!(text.contains("warning[F026]"), "{text}");
    assert_eq!(repo.read(DEV_PATH), DEV, "nothing written without --write");

    let out = baton(&repo, &["image-update", "--tags", "tags.json", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["policies"][0]["latest"], "reg.example.com/web:2.1.0");
    assert_eq!(json["changes"][0]["file"], DEV_PATH, "relative to update.path (the root)");
    assert_eq!(json["overlays"], serde_json::json!(["apps/web/dev"]));
    let rendered = json["renderedDiff"].as_str().unwrap();
    assert!(rendered.contains("--- a/apps/web/dev/Deployment/web-dev/web\n"), "{rendered}");
    assert!(rendered.contains("+      - image: reg.example.com/web:2.1.0\n"), "{rendered}");
    assert_eq!(json["edits"][0]["after"], DEV.replace("2.0.0 #", "2.1.0 #"));
    assert_eq!(json["commit"]["message"], "chore: update reg.example.com/web:2.1.0\n\n");
    assert_eq!(json["commit"]["author"]["email"], "flux@example.com");

    let out = baton(&repo, &["image-update", "--tags", "tags.json", "--format", "markdown"]);
    let md = stdout(&out);
    assert!(md.contains("\n### ✅ Flux image update: 1 change\n"), "{md}");
    assert!(md.contains("<summary>Rendered diff of apps/web/dev ("), "{md}");
}

#[test]
fn write_applies_the_edit_and_a_second_run_changes_nothing() {
    let repo = repo();
    with_tags(&repo, TAGS);
    let out = baton(&repo, &["image-update", "--tags", "tags.json", "--write"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("baton: wrote 1 file(s)"), "{}", stderr(&out));
    assert_eq!(repo.read(DEV_PATH), DEV.replace("newTag: 2.0.0 #", "newTag: 2.1.0 #"));
    let out = baton(&repo, &["image-update", "--tags", "tags.json", "--write"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("baton: nothing to write"), "{}", stderr(&out));
    assert!(stdout(&out).contains("automation flux-system/flux-image-update: no change"));
}

#[test]
fn tags_from_standard_input() {
    let repo = repo();
    let mut child = command(&repo, &["image-update", "--tags", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"latest": {"flux-system:web": "reg.example.com/web:2.9.9"}}"#)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["policies"][0]["pinned"], true);
    assert_eq!(json["changes"][0]["new"], "2.9.9");
}

#[test]
fn malformed_tags_files_exit_2_naming_the_bad_field() {
    let repo = repo();
    for (tags, expected) in [
        (r#"{"images": {"reg.example.com/web": ["2.0.0", 7]}}"#, "$.images.reg.example.com/web[1]"),
        (r#"{"images": ["2.0.0"]}"#, "$.images"),
        (r#"{"tags": {}}"#, "unknown field `tags`"),
        (r#"{"latest": {"a:b": 1}}"#, "$.latest.a:b"),
        ("[]", "$: expected an object"),
        ("{\"images\": ", "not JSON"),
    ] {
        repo.write("tags.json", tags.as_bytes());
        let out = baton(&repo, &["image-update", "--tags", "tags.json"]);
        assert_eq!(out.status.code(), Some(2), "{tags}");
        assert!(stderr(&out).contains(expected), "{tags}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
    let out = baton(&repo, &["image-update", "--tags", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read tags file 'missing.json'"), "{}", stderr(&out));
}

#[test]
fn errors_block_the_write_and_exit_1() {
    // A marker naming a policy that does not exist (F008) is an error: nothing is written,
    // even with --force.
    let repo = repo();
    let dev = DEV.replace(
        "flux-system:web:tag",
        "flux-system:web:tag\"}\n- name: other\n  newTag: x # {\"$imagepolicy\": \"flux-system:wbe",
    );
    repo.write(DEV_PATH, dev.as_bytes());
    with_tags(&repo, TAGS);
    let out = baton(&repo, &["validate"]);
    assert!(stdout(&out).contains("error[F008]"), "{}", stdout(&out));
    // The image update itself does not report markers (validate does): it writes.
    let out = baton(&repo, &["image-update", "--tags", "tags.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // An invalid range is an error of the update: nothing written, exit 1.
    repo.write(
        "clusters/dev/flux.yaml",
        FLUX.replace(">=2.0.0 <3.0.0", ">=2.0.0 latest").as_bytes(),
    );
    let out = baton(&repo, &["image-update", "--tags", "tags.json", "--write", "--force"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stderr(&out).contains("nothing written"), "{}", stderr(&out));
    assert!(stderr(&out).contains("error[F002]"), "{}", stderr(&out));
    assert_eq!(repo.read(DEV_PATH), dev);
}

#[test]
fn collateral_changes_need_force() {
    // The marked file is also a generator's input: the ConfigMap's name hash changes.
    let repo = repo();
    repo.write(
        DEV_PATH,
        b"resources:\n- ../base\nconfigMapGenerator:\n- name: release\n  files:\n  - release.yaml\n",
    );
    repo.write(
        "apps/web/dev/release.yaml",
        b"image: reg.example.com/web:2.0.0 # {\"$imagepolicy\": \"flux-system:web\"}\n",
    );
    with_tags(&repo, TAGS);
    let out = baton(&repo, &["image-update", "--tags", "tags.json", "--write"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("collateral: apps/web/dev: the change also adds ConfigMap/release-"),
        "{err}"
    );
    assert!(err.contains("--force writes anyway"), "{err}");
    assert!(repo.read("apps/web/dev/release.yaml").contains(":2.0.0 #"));
    let out = baton(&repo, &["image-update", "--tags", "tags.json", "--write", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("--force overrides collateral:"), "{}", stderr(&out));
    assert!(repo.read("apps/web/dev/release.yaml").contains(":2.1.0 #"));
}

#[test]
fn status_says_which_environment_flux_automates_and_its_pick() {
    let repo = repo();
    with_tags(&repo, TAGS);
    let out = baton(&repo, &["status"]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "  flux     dev follows ImagePolicy flux-system/web (semver >=2.0.0 <3.0.0) via flux-system/flux-image-update\n"
        ),
        "{text}"
    );
    assert!(!text.contains("flux     staging") && !text.contains("flux     production"), "{text}");
    let out = baton(&repo, &["status", "--tags", "tags.json"]);
    assert!(
        stdout(&out).contains("(semver >=2.0.0 <3.0.0) → reg.example.com/web:2.1.0 via"),
        "{}",
        stdout(&out)
    );
    let out = baton(&repo, &["status", "--tags", "tags.json", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let envs = json["apps"][0]["environments"].as_array().unwrap();
    let dev = envs.iter().find(|e| e["name"] == "dev").unwrap();
    assert_eq!(dev["flux"]["policies"][0]["markers"][0]["file"], DEV_PATH);
    assert_eq!(dev["flux"]["policies"][0]["markers"][0]["line"], 6);
    assert!(envs.iter().filter(|e| e["name"] != "dev").all(|e| e["flux"].is_null()));
    repo.write("tags.json", b"{\"images\": 1}");
    assert_eq!(baton(&repo, &["status", "--tags", "tags.json"]).status.code(), Some(2));
}
