//! Does a pull-request `ApplicationSet` deploy the directories previews are written to?
//!
//! Argo CD's pull request generator makes one Application per open pull request, its
//! `source.path` rendered from the template with the pull request's parameters. When that
//! path and `previews.path` disagree (`preview/pr-{{number}}` against `previews/pr-{number}`),
//! every preview Baton writes is a directory Argo CD never looks at, and Argo CD deploys
//! nothing, silently. `validate` reports such an `ApplicationSet` (`P017`).
//!
//! This is a small reader of the raw YAML, not an `ApplicationSet` expansion: it finds
//! `ApplicationSet`s with a `pullRequest` generator (at the top, or as a child of a `matrix` or
//! `merge`), reads `spec.template.spec.source.path` (and each `sources[].path`), and renders it
//! for a sample pull request with the parameters upstream gives (argo-cd
//! `applicationset/generators/pull_request.go`: `number`, `branch`, `branch_slug`, `head_sha`,
//! `head_short_sha` (8), `head_short_sha_7`), in fasttemplate (`{{number}}`) or goTemplate
//! (`{{.number}}`) syntax. A parameter that another generator of a `matrix` or `merge` may
//! give, and any other goTemplate expression, matches any one path segment's text; alone, a
//! pull request generator gives no other parameter, and fasttemplate writes an unknown tag back
//! as it is. The rendered path must then match the preview path of some app for the same
//! pull request.

use std::sync::Arc;

use super::names::{self, Values};
use crate::diagnostic::{Code, Diagnostic};
use crate::glob::{Glob, Piece, Segment};
use crate::pipeline::Pipeline;
use crate::work::Meter;
use crate::yaml::{Node, Parsed};

/// Whether a file's text may hold a pull-request `ApplicationSet` (before parsing it).
#[must_use]
pub fn may_hold(text: &str) -> bool {
    text.contains("ApplicationSet") && text.contains("pullRequest")
}

/// The sample pull request paths are rendered for.
const NUMBER: u64 = 4242;
const BRANCH: &str = "feature/sample";
const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// `P017` for each pull-request `ApplicationSet` path in `parsed` (the file `file`) that no
/// app's preview path matches.
#[must_use]
pub fn check(pipeline: &Pipeline, file: &Arc<str>, parsed: &Parsed) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let expected: Vec<String> = pipeline
        .apps
        .iter()
        .filter_map(|app| {
            let settings = pipeline.preview_settings(app);
            let values =
                Values { app: &app.name, app_path: &app.path, number: 1, branch: None, sha: None };
            names::path_pattern(&settings.path.text, &values).ok().map(|p| p.dir(NUMBER))
        })
        .collect();
    for document in &parsed.documents {
        let root = &document.root;
        if root.get_str("kind") != Some("ApplicationSet") {
            continue;
        }
        let Some(alone) = pull_request_generator(root) else { continue };
        let go = root.get("spec").and_then(|s| s.get("goTemplate")).and_then(Node::scalar)
            == Some("true");
        let Some(spec) =
            root.get("spec").and_then(|s| s.get("template")).and_then(|t| t.get("spec"))
        else {
            continue;
        };
        let sources = spec.get("sources").and_then(Node::as_seq).unwrap_or_default();
        let paths = spec.get("source").into_iter().chain(sources).filter_map(|s| s.get("path"));
        for path in paths {
            let Some(template) = path.scalar() else { continue };
            let glob = render(template, go, alone);
            let mut meter = Meter::new();
            if expected.iter().any(|dir| glob.matches(dir, &mut meter)) || expected.is_empty() {
                continue;
            }
            let name = root.get("metadata").and_then(|m| m.get_str("name")).unwrap_or("?");
            let shown = shown(template, go, alone);
            let nearest = expected.first().map_or(String::new(), Clone::clone);
            out.push(
                Diagnostic::new(
                    Code::PreviewAppSetMismatch,
                    format!(
                        "ApplicationSet {name} deploys {shown} for pull request {NUMBER}, but no preview is written there (previews.path gives {nearest}): Argo CD would deploy nothing"
                    ),
                )
                .at(&**file, path.origin.span)
                .with_help("make this path and `spec.previews.path` of baton.yaml name the same directory"),
            );
        }
    }
    out
}

/// Whether `root` has a pull request generator; `Some(true)` when it stands alone (no other
/// generator combines its parameters with others).
fn pull_request_generator(root: &Node) -> Option<bool> {
    let generators = root.get("spec")?.get("generators")?.as_seq()?;
    for generator in generators {
        if generator.get("pullRequest").is_some() {
            return Some(true);
        }
        for combined in ["matrix", "merge"] {
            let children = generator.get(combined).and_then(|c| c.get("generators"));
            if children
                .and_then(Node::as_seq)
                .is_some_and(|c| c.iter().any(|g| g.get("pullRequest").is_some()))
            {
                return Some(false);
            }
        }
    }
    None
}

/// A piece of a rendered path: text, or any run of characters within a segment.
enum Rendered {
    Text(String),
    Any,
}

/// Renders a path template for the sample pull request.
fn pieces(template: &str, go: bool, alone: bool) -> Vec<Rendered> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push(Rendered::Text(rest[..open].to_string()));
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push(Rendered::Text(rest[open..].to_string()));
            return out;
        };
        let tag = &rest[open..open + 2 + close + 2];
        let inner = after[..close].trim();
        let name = if go { inner.strip_prefix('.') } else { Some(inner) };
        out.push(match name.and_then(parameter) {
            Some(value) => Rendered::Text(value),
            None if !alone => Rendered::Any,
            // Alone, nothing else gives parameters: fasttemplate writes the tag back as it is,
            // goTemplate prints `<no value>` for a missing key; any other expression may be
            // anything.
            None if !go => Rendered::Text(tag.to_string()),
            None if name.is_some_and(|n| n.chars().all(|c| c.is_alphanumeric() || c == '_')) => {
                Rendered::Text("<no value>".into())
            }
            None => Rendered::Any,
        });
        rest = &after[close + 2..];
    }
    out.push(Rendered::Text(rest.to_string()));
    out
}

/// A pull request generator's parameter for the sample pull request.
fn parameter(name: &str) -> Option<String> {
    Some(match name {
        "number" => NUMBER.to_string(),
        "branch" => BRANCH.to_string(),
        "branch_slug" => names::branch_slug(BRANCH).value,
        "head_sha" => SHA.to_string(),
        "head_short_sha" => SHA[..8].to_string(),
        "head_short_sha_7" => SHA[..7].to_string(),
        _ => return None,
    })
}

/// The rendered path as a glob over normalized paths (`.` segments and extra `/` dropped).
fn render(template: &str, go: bool, alone: bool) -> Glob {
    let mut segments: Vec<Vec<Piece>> = vec![Vec::new()];
    for piece in pieces(template, go, alone) {
        match piece {
            Rendered::Any => {
                if let Some(last) = segments.last_mut() {
                    last.push(Piece::Many);
                }
            }
            Rendered::Text(text) => {
                for (i, part) in text.split('/').enumerate() {
                    if i > 0 {
                        segments.push(Vec::new());
                    }
                    if let Some(last) = segments.last_mut() {
                        last.extend(part.chars().map(Piece::Char));
                    }
                }
            }
        }
    }
    let segments = segments
        .into_iter()
        .filter(|s| !s.is_empty() && *s != [Piece::Char('.')])
        .map(Segment::Pieces)
        .collect();
    Glob::from_segments(segments, false)
}

/// The rendered path for a message (`*` where anything goes).
fn shown(template: &str, go: bool, alone: bool) -> String {
    pieces(template, go, alone)
        .into_iter()
        .map(|p| match p {
            Rendered::Text(text) => text,
            Rendered::Any => "*".to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    const BASE: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pay\n";

    fn appset(generators: &str, path: &str, go: bool) -> String {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: previews\nspec:\n  goTemplate: {go}\n  generators:\n{generators}  template:\n    metadata:\n      name: 'pay-pr'\n    spec:\n      source:\n        repoURL: https://github.com/example/platform-gitops\n        path: {path}\n      destination:\n        namespace: preview\n"
        )
    }

    const PR: &str = "  - pullRequest:\n      github: {owner: example, repo: app}\n";
    const MATRIX: &str = "  - matrix:\n      generators:\n      - list: {elements: [{app: pay}]}\n      - pullRequest:\n          github: {owner: example, repo: app}\n";

    fn found(text: &str) -> Vec<Diagnostic> {
        let mut ws = Workspace::new(crate::tree::of(&[
            ("apps/pay/base/kustomization.yaml", "resources: [d.yaml]\n"),
            ("apps/pay/base/d.yaml", BASE),
            ("argocd/previews.yaml", text),
        ]));
        ws.validate().diagnostics.into_iter().filter(|d| d.code == "P017").collect()
    }

    #[test]
    fn a_pull_request_path_that_matches_the_previews_is_silent() {
        for (generators, path, go) in [
            (PR, "apps/pay/preview/pr-{{number}}", false),
            (PR, "apps/pay/preview/pr-{{ number }}", false),
            (PR, "'apps/pay/preview/pr-{{.number}}'", true),
            (MATRIX, "apps/{{app}}/preview/pr-{{number}}", false),
            (MATRIX, "'apps/{{.app}}/preview/pr-{{.number}}'", true),
            (MATRIX, "'apps/{{ .app | lower }}/./preview/pr-{{.number}}'", true),
        ] {
            assert_eq!(found(&appset(generators, path, go)), [], "{path}");
        }
    }

    #[test]
    fn a_path_previews_are_not_written_to_is_reported_at_the_path() {
        let text = appset(PR, "apps/pay/previews/pr-{{number}}", false);
        let [d] = found(&text).try_into().unwrap();
        assert_eq!(
            d.message,
            "ApplicationSet previews deploys apps/pay/previews/pr-4242 for pull request 4242, but no preview is written there (previews.path gives apps/pay/preview/pr-4242): Argo CD would deploy nothing"
        );
        assert_eq!(d.file.as_deref(), Some("argocd/previews.yaml"));
        assert_eq!(&text[d.span.unwrap().range()], "apps/pay/previews/pr-{{number}}");
        // The branch instead of the number, a goTemplate tag in fasttemplate, a parameter no
        // generator gives: each deploys somewhere else.
        for (generators, path, go) in [
            (PR, "apps/pay/preview/{{branch_slug}}", false),
            (PR, "apps/pay/preview/pr-{{.number}}", false),
            (PR, "apps/{{app}}/preview/pr-{{number}}", false),
            (PR, "'apps/{{.app}}/preview/pr-{{.number}}'", true),
        ] {
            assert_eq!(found(&appset(generators, path, go)).len(), 1, "{path}");
        }
        // ApplicationSets without a pull request generator are not looked at.
        assert_eq!(found(&appset("  - list: {elements: []}\n", "elsewhere", false)), []);
    }

    #[test]
    fn baton_yaml_can_make_them_agree() {
        let mut ws = Workspace::new(crate::tree::of(&[
            ("apps/pay/base/kustomization.yaml", "resources: [d.yaml]\n"),
            ("apps/pay/base/d.yaml", BASE),
            (
                "argocd/previews.yaml",
                &appset(PR, "apps/pay/previews/{{branch_slug}}-{{number}}", false),
            ),
        ]));
        assert_eq!(ws.validate().diagnostics.iter().filter(|d| d.code == "P017").count(), 1);
        ws.set_file(
            "baton.yaml",
            "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  previews:\n    path: \"{app_path}/previews/feature-sample-{number}\"\n",
        )
        .unwrap();
        assert_eq!(ws.validate().diagnostics.iter().filter(|d| d.code == "P017").count(), 0);
        // Editing the ApplicationSet alone (no file added) is seen by the next validate.
        ws.set_file("argocd/previews.yaml", &appset(PR, "apps/pay/elsewhere/{{number}}", false))
            .unwrap();
        assert_eq!(ws.validate().diagnostics.iter().filter(|d| d.code == "P017").count(), 1);
    }
}
