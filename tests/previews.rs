//! Preview environments end to end, one folder per case in `tests/previews/`:
//!
//! - `input/`: the repository; `request`: the `planPreview` request (`key value` lines);
//! - `planned/`: the files the plan must write, written by hand (the seed's shape);
//! - `expected.yaml`: kustomize v5.8.1's render of `input/` with `planned/` laid over it, at
//!   `target` (`regen.sh`; never Baton's output);
//! - `expect`: other results (`action`, `namespace`, `url`, `image`, `diagnostic CODE`,
//!   `environments` of the app once the preview exists).
//!
//! Each case is planned, its edits and render compared, the edits applied; then the
//! repository must validate without errors or `K050`, `status` must list the preview, and
//! planning again must change nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::Path;

use baton_core::Workspace;
use baton_core::preview::{PreviewAction, PreviewRequest};

fn lines(path: &Path) -> Vec<(String, String)> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (k, v) = l.split_once(' ').unwrap_or((l, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn request(path: &Path) -> PreviewRequest {
    let mut request = PreviewRequest::default();
    for (key, value) in lines(path) {
        match key.as_str() {
            "app" => request.app = value,
            "number" => request.number = value.parse().unwrap(),
            "sha" => request.sha = Some(value),
            "tag" => request.tag = Some(value),
            "branch" => request.branch = Some(value),
            "image" => request.image = Some(value),
            other => panic!("unknown request key {other}"),
        }
    }
    request
}

fn run_case(dir: &Path) {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    let tree = baton_tests::read_tree(&dir.join("input")).unwrap();
    let planned = baton_tests::read_tree(&dir.join("planned")).unwrap();
    let expected = fs::read_to_string(dir.join("expected.yaml")).unwrap();
    let target = fs::read_to_string(dir.join("target")).unwrap().trim().to_string();
    let request = request(&dir.join("request"));
    let mut ws = Workspace::new(tree);
    let plan = ws.plan_preview(&request);
    let errors: Vec<_> = plan.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}");
    assert_eq!(plan.path.as_deref(), Some(target.as_str()), "{name}");

    // The edits are exactly the planned files.
    let edited: Vec<&str> = plan.edits.iter().map(|e| e.path.as_str()).collect();
    let wanted: Vec<&str> = planned.paths().collect();
    assert_eq!(edited, wanted, "{name}: files written");
    for edit in &plan.edits {
        assert_eq!(
            edit.after.as_deref(),
            planned.text(&edit.path).as_deref(),
            "{name}: {}",
            edit.path
        );
    }
    // The render offered is kustomize's.
    let render = plan.render.as_ref().expect("a render");
    assert_eq!(render.yaml, expected, "{name}: the preview's render");

    let mut environments = None;
    for (key, value) in lines(&dir.join("expect")) {
        let got = match key.as_str() {
            "action" => Some(format!("{:?}", plan.action.unwrap()).to_lowercase()),
            "namespace" => plan.namespace.clone(),
            "url" => plan.url.clone(),
            "image" => plan.image.clone(),
            "diagnostic" => {
                assert!(plan.diagnostics.iter().any(|d| d.code == value), "{name}: no {value}");
                continue;
            }
            "environments" => {
                environments = Some(value);
                continue;
            }
            other => panic!("{name}: unknown expect key {other}"),
        };
        assert_eq!(got.as_deref(), Some(value.as_str()), "{name}: {key}");
    }
    assert!(plan.comment.contains(plan.image.as_deref().unwrap()), "{name}: {}", plan.comment);
    if let Some(url) = &plan.url {
        assert!(plan.comment.contains(url.as_str()), "{name}: {}", plan.comment);
    }

    // Applied, the repository validates cleanly and lists the preview.
    for edit in &plan.edits {
        ws.set_file(&edit.path, edit.after.as_deref().unwrap()).unwrap();
    }
    let found: Vec<_> = ws
        .validate()
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error() || d.code == "K050")
        .collect();
    assert!(found.is_empty(), "{name}: {found:#?}");
    let status = ws.status();
    let app = status.apps.iter().find(|a| a.path == plan.app_path.clone().unwrap()).unwrap();
    let preview = app.previews.iter().find(|p| p.number == request.number).expect("listed");
    assert_eq!(preview.path, target);
    assert!(preview.ok);
    assert_eq!(preview.image, plan.image, "{name}: status image");
    assert_eq!(preview.namespace, plan.namespace, "{name}: status namespace");
    assert_eq!(preview.url, plan.url, "{name}: status url");
    if let Some(envs) = environments {
        let names: Vec<&str> = app.environments.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names.join(" "), envs, "{name}: the preview is not an environment");
    }
    // Planned again, nothing changes.
    let again = ws.plan_preview(&request);
    assert_eq!(again.action, Some(PreviewAction::Unchanged), "{name}: {:?}", again.diagnostics);
    assert!(again.edits.is_empty(), "{name}");
    assert_eq!(again.render.unwrap().yaml, expected, "{name}");
}

#[test]
fn every_preview_case_plans_renders_and_applies_as_expected() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("previews");
    let cases = baton_tests::subdirectories(&root).unwrap();
    assert!(cases.len() >= 4, "{cases:?}");
    for dir in cases {
        run_case(&dir);
    }
}
