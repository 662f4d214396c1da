//! Preview plans and cleanup on small trees: bad input, refusals, cleanup fates. The
//! rendered results of real layouts are in `tests/previews/` (expected outputs from kustomize).

use super::cleanup::{CleanupRequest, Fate};
use super::*;
use crate::Workspace;
use crate::tree::of as tree;

const BASE_K: &str = "resources:\n- deployment.yaml\n";

fn deployment(images: &[&str]) -> String {
    let mut out = String::from(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pay\nspec:\n  template:\n    spec:\n      containers:\n",
    );
    for (i, image) in images.iter().enumerate() {
        out.push_str(&format!("      - name: c{i}\n        image: {image}\n"));
    }
    out
}

/// App `pay` with a base running `reg.io/pay:1.0` and a staging overlay, plus `extra` files.
fn workspace(extra: &[(&str, &str)]) -> Workspace {
    let image = deployment(&["reg.io/pay:1.0"]);
    let mut files = vec![
        ("apps/pay/base/kustomization.yaml", BASE_K),
        ("apps/pay/base/deployment.yaml", image.as_str()),
        ("apps/pay/staging/kustomization.yaml", "resources:\n- ../base\nnamespace: staging\n"),
    ];
    files.extend_from_slice(extra);
    Workspace::new(tree(&files))
}

fn request(app: &str, number: u64) -> PreviewRequest {
    PreviewRequest {
        app: app.into(),
        number,
        sha: Some("ab1cd2e".into()),
        ..PreviewRequest::default()
    }
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.code).collect()
}

/// A refused plan: one error of `code`, no edits, no action.
fn refused(plan: &PreviewPlan, code: &str) -> String {
    assert!(plan.edits.is_empty(), "{:?}", plan.edits);
    assert_eq!(plan.action, None);
    let d = plan.diagnostics.iter().find(|d| d.is_error()).expect("an error");
    assert_eq!(d.code, code, "{:?}", plan.diagnostics);
    d.message.clone()
}

const HEAD: &str = "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  previews:\n";

#[test]
fn without_baton_yaml_the_seeds_defaults_apply() {
    let mut ws = workspace(&[]);
    let plan = ws.plan_preview(&request("pay", 42));
    assert_eq!(plan.action, Some(PreviewAction::Create), "{:?}", plan.diagnostics);
    assert_eq!(plan.path.as_deref(), Some("apps/pay/preview/pr-42"));
    assert_eq!(plan.namespace.as_deref(), Some("preview-pr-42"));
    assert_eq!(plan.tag.as_deref(), Some("pr-42-ab1cd"));
    assert_eq!(plan.from.as_deref(), Some("apps/pay/base"));
    assert_eq!((plan.host.as_deref(), plan.url.as_deref()), (None, None));
    assert_eq!(plan.edits.len(), 1);
    assert_eq!(plan.edits[0].path, "apps/pay/preview/pr-42/kustomization.yaml");
    assert!(plan.edits[0].diff.starts_with("--- /dev/null\n+++ b/apps/pay/preview/pr-42/"));
    assert!(plan.diagnostics.is_empty(), "{:?}", plan.diagnostics);
    assert!(plan.comment.starts_with("<!-- baton-preview pay#42 -->\n### Preview of pay for #42"));
    assert!(
        plan.comment.contains("| Deployment | pay | `reg.io/pay:pr-42-ab1cd` |"),
        "{}",
        plan.comment
    );
    // Nothing was written: the workspace is as it was.
    assert!(!ws.tree().is_file("apps/pay/preview/pr-42/kustomization.yaml"));
}

#[test]
fn bad_requests_are_refused_with_nothing_written() {
    let mut ws = workspace(&[]);
    let zero = ws.plan_preview(&request("pay", 0));
    assert!(refused(&zero, "P012").contains("positive integer"));
    let unknown = ws.plan_preview(&request("nope", 1));
    assert_eq!(refused(&unknown, "P012"), "there is no app named 'nope'");
    assert_eq!(unknown.diagnostics[0].help.as_deref(), Some("known apps: pay"));
    for sha in ["xyz1234", "abc", &"a".repeat(65)] {
        let plan = ws.plan_preview(&PreviewRequest { sha: Some(sha.into()), ..request("pay", 1) });
        assert!(refused(&plan, "P012").contains("not a commit sha"), "{sha}");
    }
    let tag =
        ws.plan_preview(&PreviewRequest { tag: Some("-bad tag".into()), ..request("pay", 1) });
    assert!(refused(&tag, "P012").contains("is not an image tag"));
    for branch in ["", "  ", "a\u{7}b"] {
        let plan =
            ws.plan_preview(&PreviewRequest { branch: Some(branch.into()), ..request("pay", 1) });
        refused(&plan, "P012");
    }
    // The default tag needs a sha: without one (and no tag) the template says so.
    let no_sha = ws.plan_preview(&PreviewRequest { sha: None, ..request("pay", 1) });
    assert!(refused(&no_sha, "P012").contains("previews.tag (default \"pr-{number}-{sha:5}\")"));
    let tagged =
        ws.plan_preview(&PreviewRequest { sha: None, tag: Some("v1".into()), ..request("pay", 1) });
    assert_eq!(tagged.tag.as_deref(), Some("v1"));
    assert_eq!(tagged.action, Some(PreviewAction::Create));
}

#[test]
fn an_app_name_two_apps_share_is_refused_with_their_paths() {
    let image = deployment(&["reg.io/pay:1.0"]);
    let mut ws = Workspace::new(tree(&[
        (
            "baton.yaml",
            "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  apps: [\"teams/*/pay\"]\n",
        ),
        ("teams/a/pay/base/kustomization.yaml", BASE_K),
        ("teams/a/pay/base/deployment.yaml", &image),
        ("teams/b/pay/base/kustomization.yaml", BASE_K),
        ("teams/b/pay/base/deployment.yaml", &image),
    ]));
    let plan = ws.plan_preview(&request("pay", 3));
    assert!(refused(&plan, "P012").starts_with("2 apps are named 'pay'"));
    let by_path = ws.plan_preview(&request("teams/b/pay", 3));
    assert_eq!(
        by_path.path.as_deref(),
        Some("teams/b/pay/preview/pr-3"),
        "{:?}",
        by_path.diagnostics
    );
    assert_eq!(by_path.app, "teams/b/pay");
}

/// Branch names with slashes, unicode and 400 characters make valid names through
/// `{branch_slug}` (shortened at a `-` to fit, said so), and a raw `{branch}` where a name
/// must be valid is an error at the template.
#[test]
fn branch_names_are_sanitized_into_valid_names() {
    let config = format!(
        "{HEAD}    namespace: \"pr-{{number}}-{{branch_slug}}\"\n    host: \"{{branch_slug}}.{{app}}.example.com\"\n"
    );
    let mut ws = workspace(&[("baton.yaml", &config)]);
    let plan = |ws: &mut Workspace, branch: &str| {
        ws.plan_preview(&PreviewRequest { branch: Some(branch.into()), ..request("pay", 7) })
    };
    let slashes = plan(&mut ws, "feature/JIRA-12/new_checkout");
    assert_eq!(slashes.namespace.as_deref(), Some("pr-7-feature-jira-12-new-checkout"));
    assert_eq!(
        slashes.url.as_deref(),
        Some("https://feature-jira-12-new-checkout.pay.example.com")
    );
    assert_eq!(slashes.branch_slug.as_deref(), Some("feature-jira-12-new-checkout"));
    assert!(slashes.diagnostics.is_empty(), "{:?}", slashes.diagnostics);

    let unicode = plan(&mut ws, "feature/crème-brûlée");
    assert_eq!(unicode.namespace.as_deref(), Some("pr-7-feature-cr-me-br-l-e"));
    assert_eq!(codes(&unicode.diagnostics), ["P018"]);
    assert_eq!(unicode.diagnostics[0].severity, crate::Severity::Info);

    let long = format!("release/{}", "word-".repeat(80));
    let long = plan(&mut ws, &long);
    let namespace = long.namespace.clone().unwrap();
    assert!(namespace.len() <= 63 && !namespace.ends_with('-'), "{namespace}");
    // Argo CD's slug is cut at 50 characters (at a `-`): 47 here, and the name fits.
    assert_eq!(namespace, "pr-7-release-word-word-word-word-word-word-word-word");
    assert_eq!(long.action, Some(PreviewAction::Create), "{:?}", long.diagnostics);

    // `{branch}` is the raw name: fine in an annotation, an error in a namespace.
    let raw = format!("{HEAD}    namespace: \"pr-{{branch}}\"\n");
    let mut ws = workspace(&[("baton.yaml", &raw)]);
    let refusal = plan(&mut ws, "feature/x");
    let message = refused(&refusal, "P010");
    assert!(
        message.starts_with("previews.namespace: \"pr-feature/x\" is not a namespace"),
        "{message}"
    );
    let d = &refusal.diagnostics[0];
    assert_eq!(d.file.as_deref(), Some("baton.yaml"));
    assert_eq!(&raw[d.span.unwrap().range()], "\"pr-{branch}\"");
}

#[test]
fn a_path_template_that_escapes_the_app_or_the_repository_is_refused() {
    for (path, wanted) in [
        ("previews/{app}/pr-{number}", "outside the app's directory apps/pay"),
        ("{app_path}/../../../pr-{number}", "leads outside the repository"),
        ("{app_path}/../other/pr-{number}", "outside the app's directory"),
    ] {
        let config = format!("{HEAD}    path: \"{path}\"\n");
        let mut ws = workspace(&[("baton.yaml", &config)]);
        let message = refused(&ws.plan_preview(&request("pay", 1)), "P011");
        assert!(message.contains(wanted), "{path}: {message}");
        // validate says it too, at the template, before anyone plans.
        let found = ws.validate().diagnostics;
        let d = found.iter().find(|d| d.code == "P011").expect("validate reports P011");
        assert_eq!(&config[d.span.unwrap().range()], format!("\"{path}\""));
    }
    for (path, code) in [("{app_path}/preview", "P010"), ("{app_path}/base/pr-{number}", "P011")] {
        let config = format!("{HEAD}    path: \"{path}\"\n");
        let mut ws = workspace(&[("baton.yaml", &config)]);
        refused(&ws.plan_preview(&request("pay", 1)), code);
    }
}

#[test]
fn the_base_must_exist_and_render_and_the_image_must_be_known() {
    let mut ws = workspace(&[("baton.yaml", &format!("{HEAD}    from: canary\n"))]);
    let message = refused(&ws.plan_preview(&request("pay", 1)), "P013");
    assert!(
        message.contains("\"canary\" is neither `base`, an environment of 'pay' (staging)"),
        "{message}"
    );
    let mut ws = workspace(&[("baton.yaml", &format!("{HEAD}    from: staging\n"))]);
    let plan = ws.plan_preview(&request("pay", 1));
    assert_eq!(plan.from.as_deref(), Some("apps/pay/staging"));
    assert!(plan.edits[0].after.as_deref().unwrap().contains("resources:\n  - ../../staging\n"));
    let mut ws = workspace(&[("apps/pay/base/kustomization.yaml", "resources:\n- missing.yaml\n")]);
    let broken = ws.plan_preview(&request("pay", 1));
    assert!(refused(&broken, "P013").contains("does not render"));
    assert!(codes(&broken.diagnostics).contains(&"K003"), "the base's own errors come along");

    let two = deployment(&["reg.io/api:1", "reg.io/worker:1"]);
    let mut ws = workspace(&[("apps/pay/base/deployment.yaml", &two)]);
    let message = refused(&ws.plan_preview(&request("pay", 1)), "P014");
    assert!(message.contains("its images are reg.io/api, reg.io/worker"), "{message}");
    let chosen = ws
        .plan_preview(&PreviewRequest { image: Some("reg.io/worker".into()), ..request("pay", 1) });
    assert_eq!(
        chosen.image.as_deref(),
        Some("reg.io/worker:pr-1-ab1cd"),
        "{:?}",
        chosen.diagnostics
    );
    let wrong =
        ws.plan_preview(&PreviewRequest { image: Some("reg.io/nope".into()), ..request("pay", 1) });
    assert!(
        refused(&wrong, "P014").contains("no container of 'pay' runs an image named reg.io/nope")
    );
}

/// An existing preview written with the seed's short name: the plan adds an entry with the
/// name that matches (the old one stays, hand edits are never removed) and the warning on the
/// old entry comes with the plan.
#[test]
fn an_existing_preview_with_the_seeds_short_name_gets_an_entry_that_matches() {
    let seed = "resources:\n  - ../../base\nnamespace: preview-pr-42\nimages:\n  - name: pay\n    newTag: pr-42-old\n";
    let mut ws = workspace(&[("apps/pay/preview/pr-42/kustomization.yaml", seed)]);
    let plan = ws.plan_preview(&request("pay", 42));
    assert_eq!(plan.action, Some(PreviewAction::Update), "{:?}", plan.diagnostics);
    let after = plan.edits[0].after.as_deref().unwrap();
    assert_eq!(after, format!("{seed}  - name: reg.io/pay\n    newTag: pr-42-ab1cd\n"));
    assert_eq!(plan.image.as_deref(), Some("reg.io/pay:pr-42-ab1cd"));
    assert_eq!(codes(&plan.diagnostics), ["P015", "K050"]);

    let mut ws = workspace(&[("apps/pay/preview/pr-42/kustomization.yaml", "images: [\n")]);
    let broken = ws.plan_preview(&request("pay", 42));
    let message = refused(&broken, "P019");
    assert!(message.contains("does not render: Unclosed `[`"), "{message}");
}

#[test]
fn a_preview_that_does_not_run_the_image_is_not_offered() {
    // The existing preview renames the image after the entry Baton edits: the PR's image
    // never runs, and the plan says so instead of offering the edit.
    let text =
        "resources:\n  - ../../base\nimages:\n  - name: reg.io/pay\n    newName: reg.io/other\n";
    let mut ws = workspace(&[("apps/pay/preview/pr-5/kustomization.yaml", text)]);
    let plan = ws.plan_preview(&request("pay", 5));
    assert!(
        refused(&plan, "P019").contains("no container of the preview runs reg.io/pay"),
        "{:?}",
        plan.diagnostics
    );
}

#[test]
fn previews_settings_decode_strictly_with_per_app_overrides() {
    let config = format!(
        "{HEAD}    host: \"pr-{{number}}.{{app}}.example.com\"\n    maxAge: 7d\n    colour: red\n    apps:\n      pay:\n        host: \"{{number}}.pay.example.org\"\n        ingress: false\n      ghost:\n        tag: x\n"
    );
    let mut ws = workspace(&[("baton.yaml", &config)]);
    let pipeline = ws.pipeline();
    let app = pipeline.app("pay").unwrap().clone();
    let settings = pipeline.preview_settings(&app);
    assert_eq!(settings.host.as_ref().unwrap().text, "{number}.pay.example.org");
    assert!(!settings.ingress);
    assert_eq!(settings.max_age, Some(7 * 86_400));
    let found = codes(&pipeline.diagnostics);
    assert!(found.contains(&"P001"), "unknown field: {found:?}");
    let ghost = pipeline.diagnostics.iter().find(|d| d.code == "P010").unwrap();
    assert_eq!(ghost.message, "previews.apps: there is no app 'ghost'");
    assert_eq!(ghost.severity, crate::Severity::Warning);
    let plan = ws.plan_preview(&request("pay", 9));
    assert_eq!(plan.url.as_deref(), Some("https://9.pay.example.org"));

    let bad = format!(
        "{HEAD}    maxAge: soon\n    namespace: \"Preview_{{number}}\"\n    tag: \"{{sha:99}}\"\n"
    );
    let mut ws = workspace(&[("baton.yaml", &bad)]);
    let found = ws.validate().diagnostics;
    let at = |code: &str, text: &str| {
        found.iter().any(|d| d.code == code && d.span.is_some_and(|s| &bad[s.range()] == text))
    };
    assert!(at("P001", "soon"), "{found:?}");
    assert!(at("P010", "\"Preview_{number}\""), "{found:?}");
    assert!(at("P010", "\"{sha:99}\""), "{found:?}");
}

// ---------------------------------------------------------------------------------------------
// Cleanup
// ---------------------------------------------------------------------------------------------

fn preview(number: u64) -> String {
    format!("resources:\n  - ../../base\nnamespace: preview-pr-{number}\n")
}

/// PRs 1, 2, 3 and 4 have previews (3 with a patch file too), `old-stuff` is no preview.
fn fleet(config: &str) -> Workspace {
    let texts: Vec<(String, String)> = (1..=4)
        .map(|n| (format!("apps/pay/preview/pr-{n}/kustomization.yaml"), preview(n)))
        .collect();
    let mut files: Vec<(&str, &str)> =
        texts.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    files.push(("apps/pay/preview/pr-3/patch.yaml", "a: 1\n"));
    files.push(("apps/pay/preview/old-stuff/kustomization.yaml", "resources: []\n"));
    files.push(("apps/pay/preview/README.md", "previews live here\n"));
    files.push(("baton.yaml", config));
    workspace(&files)
}

#[test]
fn cleanup_removes_closed_and_stale_previews_and_reports_unknown_directories() {
    let mut ws = fleet(&format!("{HEAD}    maxAge: 7d\n"));
    let request = CleanupRequest {
        open: Some(vec![1, 2, 4, 99]),
        now: Some("2026-03-20T12:00:00Z".into()),
        last_changed: [
            ("apps/pay/preview/pr-1".to_string(), "2026-03-19T12:00:00Z".to_string()),
            ("apps/pay/preview/pr-2/kustomization.yaml".into(), "2026-03-10T00:00:00Z".into()),
            ("apps/pay/preview/pr-4".into(), "2026-03-19T00:00:00Z".into()),
        ]
        .into(),
        ..CleanupRequest::default()
    };
    let plan = ws.plan_preview_cleanup(&request);
    let fates: Vec<(u64, Fate, Option<&str>)> =
        plan.previews.iter().map(|p| (p.number, p.fate, p.age.as_deref())).collect();
    assert_eq!(
        fates,
        [
            (1, Fate::Kept, Some("1d")),
            (2, Fate::Stale, Some("10d 12h")),
            (3, Fate::Closed, None),
            (4, Fate::Kept, Some("1d 12h")),
        ]
    );
    let deleted: Vec<(&str, bool)> =
        plan.edits.iter().map(|e| (e.path.as_str(), e.after.is_none())).collect();
    assert_eq!(
        deleted,
        [
            ("apps/pay/preview/pr-2/kustomization.yaml", true),
            ("apps/pay/preview/pr-3/kustomization.yaml", true),
            ("apps/pay/preview/pr-3/patch.yaml", true),
        ]
    );
    assert!(plan.edits[0].diff.contains("+++ /dev/null"));
    assert_eq!(plan.unknown.len(), 1);
    assert_eq!(plan.unknown[0].path, "apps/pay/preview/old-stuff");
    assert_eq!(codes(&plan.diagnostics), ["P016"]);
    assert_eq!(plan.message, "remove 2 preview(s) (3 file(s)), keep 2");
    assert!(
        plan.comment
            .contains("| pay | #2 | `apps/pay/preview/pr-2` | unchanged for 10d 12h (maxAge 7d) |"),
        "{}",
        plan.comment
    );
    assert!(plan.comment.contains("| pay | #3 | `apps/pay/preview/pr-3` | pull request closed |"));
    assert!(plan.collateral.is_empty());
}

#[test]
fn cleanup_by_closed_number_and_its_bad_input() {
    let mut ws = fleet("apiVersion: baton.dev/v1alpha1\nkind: Pipeline\n");
    let one = ws.plan_preview_cleanup(&CleanupRequest {
        app: Some("pay".into()),
        closed: vec![2],
        ..CleanupRequest::default()
    });
    assert_eq!(one.edits.len(), 1, "{:?}", one.diagnostics);
    assert_eq!(one.edits[0].path, "apps/pay/preview/pr-2/kustomization.yaml");
    let kept = one.previews.iter().filter(|p| p.fate == Fate::Kept).count();
    assert_eq!(kept, 3, "without `open`, only the closed one goes");

    let check = |request: CleanupRequest, wanted: &str| {
        let mut ws = fleet("apiVersion: baton.dev/v1alpha1\nkind: Pipeline\n");
        let plan = ws.plan_preview_cleanup(&request);
        assert!(plan.edits.is_empty(), "{wanted}: nothing is written");
        let d = plan.diagnostics.iter().find(|d| d.is_error()).expect(wanted);
        assert_eq!(d.code, "P012");
        assert!(d.message.contains(wanted), "{}", d.message);
    };
    check(
        CleanupRequest { closed: vec![9], ..CleanupRequest::default() },
        "there is no preview for PR 9",
    );
    check(CleanupRequest { open: Some(vec![0]), ..CleanupRequest::default() }, "positive integers");
    check(CleanupRequest { app: Some("nope".into()), ..CleanupRequest::default() }, "no app named");
    check(
        CleanupRequest {
            now: Some("yesterday".into()),
            open: Some(vec![]),
            ..CleanupRequest::default()
        },
        "now:",
    );
    check(
        CleanupRequest {
            last_changed: [("../x".to_string(), "2026-01-01T00:00:00Z".to_string())].into(),
            ..CleanupRequest::default()
        },
        "lastChanged",
    );
}

/// A preview another overlay includes: deleting it would break that overlay, so the plan
/// says so and offers nothing.
#[test]
fn cleanup_that_breaks_another_overlay_is_not_offered() {
    let mut ws = fleet("apiVersion: baton.dev/v1alpha1\nkind: Pipeline\n");
    ws.set_file("apps/pay/demo/kustomization.yaml", "resources:\n- ../preview/pr-1\n").unwrap();
    let plan =
        ws.plan_preview_cleanup(&CleanupRequest { closed: vec![1], ..CleanupRequest::default() });
    assert!(plan.edits.is_empty());
    assert!(codes(&plan.diagnostics).contains(&"R010"), "{:?}", plan.diagnostics);
}

#[test]
fn max_age_without_a_clock_is_said_and_nothing_is_stale() {
    let mut ws = fleet(&format!("{HEAD}    maxAge: 1h\n"));
    let plan = ws.plan_preview_cleanup(&CleanupRequest::default());
    assert!(plan.edits.is_empty());
    assert!(
        plan.previews.iter().all(|p| p.fate == Fate::Kept && p.max_age.as_deref() == Some("1h"))
    );
    let d = plan.diagnostics.iter().find(|d| d.code == "P012").unwrap();
    assert_eq!(d.severity, crate::Severity::Warning);
}

#[test]
fn status_lists_previews_and_the_pipeline_does_not_take_them_for_environments() {
    let config = format!("{HEAD}    host: \"pr-{{number}}.{{app}}.example.com\"\n");
    let mut ws = workspace(&[("baton.yaml", &config)]);
    let plan = ws.plan_preview(&request("pay", 12));
    for edit in &plan.edits {
        ws.set_file(&edit.path, edit.after.as_deref().unwrap()).unwrap();
    }
    let status = ws.status();
    let app = &status.apps[0];
    assert_eq!(app.environments.len(), 1, "staging only");
    assert_eq!(
        app.previews,
        [PreviewStatus {
            number: 12,
            path: "apps/pay/preview/pr-12".into(),
            ok: true,
            namespace: Some("preview-pr-12".into()),
            image: Some("reg.io/pay:pr-12-ab1cd".into()),
            tag: Some("pr-12-ab1cd".into()),
            url: Some("https://pr-12.pay.example.com".into()),
        }]
    );
}

/// A template that works for most apps but not for one app's name is a warning in `validate`
/// (that app's previews are refused, with the error at the template), not an error for all.
#[test]
fn a_name_only_one_app_cannot_have_is_a_warning() {
    let image = deployment(&["reg.io/pay:1.0"]);
    let config = format!("{HEAD}    host: \"{{app}}.example.com\"\n");
    let mut ws = workspace(&[
        ("baton.yaml", &config),
        ("apps/Bad_Name/base/kustomization.yaml", BASE_K),
        ("apps/Bad_Name/base/deployment.yaml", &image),
    ]);
    let found: Vec<Diagnostic> =
        ws.validate().diagnostics.into_iter().filter(|d| d.code == "P010").collect();
    let [d] = found.as_slice() else { panic!("{found:?}") };
    assert_eq!(d.severity, crate::Severity::Warning);
    assert!(
        d.message.starts_with("previews.host: for app 'Bad_Name': host \"Bad_Name.example.com\""),
        "{}",
        d.message
    );
    refused(&ws.plan_preview(&request("Bad_Name", 1)), "P010");
    assert_eq!(ws.plan_preview(&request("pay", 1)).url.as_deref(), Some("https://pay.example.com"));
}
