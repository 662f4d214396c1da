//! What Baton checks of each generated Application: the controller's name rules
//! (`validateGeneratedApplications`), parameters left unresolved, and its sources against the
//! repository (the path exists; a kustomization renders; a Helm chart or plain directory is
//! listed).
//!
//! Many Applications come from one template value, so findings are reported once per place in
//! the `ApplicationSet` and path, naming the first Application and how many others share it.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Severity, Span};
use crate::repo::Repo;
use crate::tree::{self, FileTree};
use crate::yaml::Node;

use super::doc::{self, Doc, V};
use super::generators::World;
use super::template::App;
use super::{Deployment, GeneratedApplication, SourceCheck, SourceStatus, normalize_repo_url};

/// One finding, gathered across Applications.
struct Finding {
    code: Code,
    span: Span,
    key: String,
    message: String,
    apps: Vec<String>,
    related: Option<(String, Option<Span>, String)>,
}

#[derive(Default)]
struct Findings(Vec<Finding>);

impl Findings {
    /// Records `message` about `app` at `span`; the same `(code, span, key)` again only adds
    /// the app.
    fn add(
        &mut self,
        code: Code,
        span: Span,
        key: &str,
        app: &str,
        message: impl FnOnce() -> String,
        related: impl FnOnce() -> Option<(String, Option<Span>, String)>,
    ) {
        if let Some(f) =
            self.0.iter_mut().find(|f| f.code == code && f.span == span && f.key == key)
        {
            f.apps.push(app.to_owned());
            return;
        }
        self.0.push(Finding {
            code,
            span,
            key: key.to_owned(),
            message: message(),
            apps: vec![app.to_owned()],
            related: related(),
        });
    }

    fn into_diagnostics(self, file: &str, out: &mut Vec<Diagnostic>) {
        for f in self.0 {
            let more = match f.apps.len() {
                1 => String::new(),
                n => format!(" (and {} more Application{})", n - 1, if n == 2 { "" } else { "s" }),
            };
            let mut d = Diagnostic::new(f.code, format!("{}{more}", f.message)).at(file, f.span);
            if let Some((rf, rs, rm)) = f.related {
                d = d.with_related(rf, rs, rm);
            }
            out.push(d);
        }
    }
}

/// Checks the generated Applications; returns the ones the controller applies, as JSON.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_applications(
    repo: &mut Repo,
    world: &World,
    file: &Arc<str>,
    appset: &str,
    namespace: Option<&str>,
    apps: &[App],
    diagnostics: &mut Vec<Diagnostic>,
    go: bool,
) -> Vec<GeneratedApplication> {
    let mut findings = Findings::default();
    let mut out = Vec::new();
    for app in apps {
        let name = app.name();
        let at = app.metadata.get("name").map_or(app.metadata.span, |d| d.span);
        if name.is_empty() {
            findings.add(Code::AppSetNameEmpty, at, "", "", || format!(
                "ApplicationSet {appset} contains an application with no name; a name must be set in the template's metadata.name or via a templatePatch (generateName is not supported)"
            ), || None);
            continue;
        }
        let copies = apps.iter().filter(|a| a.name() == name).count();
        if copies > 1 {
            findings.add(Code::AppSetNameDuplicate, at, name, name, || format!(
                "ApplicationSet {appset} contains applications with duplicate name: {name} ({copies} Applications; the controller applies none of them)"
            ), || None);
            continue;
        }
        if !super::params::is_dns_subdomain(name) {
            findings.add(Code::AppSetNameInvalid, at, name, name, || format!(
                "Application name {name:?} is not a lowercase RFC 1123 subdomain (lower case letters, digits, '-' and '.', at most 253): the API server refuses it"
            ), || None);
            continue;
        }
        unresolved(&app.metadata, "metadata", name, go, &mut findings);
        unresolved(&app.spec, "spec", name, go, &mut findings);
        let sources = check_sources(repo, world, app, name, &mut findings);
        let (metadata, spec) = app.to_json(namespace);
        out.push(GeneratedApplication { metadata, spec, sources });
    }
    findings.into_diagnostics(file, diagnostics);
    out
}

/// Strings of a generated Application that still hold a parameter reference.
fn unresolved(doc: &Doc, path: &str, app: &str, go: bool, findings: &mut Findings) {
    match &doc.v {
        V::Str(s) => {
            let left = if go {
                s.contains("<no value>").then_some("<no value>")
            } else {
                s.find("{{").filter(|&i| s[i..].contains("}}")).map(|_| "a `{{…}}` tag")
            };
            if let Some(what) = left {
                findings.add(
                    Code::AppSetUnresolvedParameter,
                    doc.span,
                    path,
                    app,
                    || {
                        let hint = if go {
                            "a key the parameters do not have"
                        } else {
                            "no string parameter of that name"
                        };
                        format!("Application {app}: {path} is {s:?}: it keeps {what} ({hint})")
                    },
                    || None,
                );
            }
        }
        V::List(items) => {
            for (i, item) in items.iter().enumerate() {
                unresolved(item, &format!("{path}[{i}]"), app, go, findings);
            }
        }
        V::Map(entries) => {
            for e in entries {
                unresolved(&e.value, &format!("{path}.{}", e.key), app, go, findings);
            }
        }
        _ => {}
    }
}

/// A source of an Application: `spec.source` and each of `spec.sources`.
fn sources(spec: &Doc) -> Vec<&Doc> {
    let mut out: Vec<&Doc> = spec.get("source").into_iter().collect();
    out.extend(spec.get("sources").map(Doc::items).unwrap_or_default());
    out
}

fn is_ours(world_url: Option<&str>, repo_url: &str) -> bool {
    world_url.is_none_or(|ours| normalize_repo_url(repo_url) == ours)
}

fn check_sources(
    repo: &mut Repo,
    world: &World,
    app: &App,
    name: &str,
    findings: &mut Findings,
) -> Vec<SourceCheck> {
    let mut out = Vec::new();
    for source in sources(&app.spec) {
        let repo_url = source.get("repoURL").and_then(Doc::as_str).unwrap_or_default().to_owned();
        let chart = source.get("chart").and_then(Doc::as_str).filter(|c| !c.is_empty());
        let path_doc = source.get("path");
        let raw_path = path_doc.and_then(Doc::as_str).unwrap_or_default();
        if chart.is_some() || !is_ours(world.repo_url.as_deref(), &repo_url) {
            out.push(SourceCheck { repo_url, path: None, status: SourceStatus::External });
            continue;
        }
        if raw_path.is_empty() && source.get("ref").is_some() {
            continue;
        }
        let at = path_doc.map_or(source.span, |d| d.span);
        let (path, status) = match tree::normalize(raw_path) {
            Err(e) => {
                findings.add(Code::AppSetPathMissing, at, raw_path, name, || {
                    format!("Application {name}: source path {raw_path:?} is not in the repository ({e})")
                }, || None);
                (None, SourceStatus::Missing)
            }
            Ok(path) => {
                let status = check_path(repo, world.tree, &path, name, at, findings);
                (Some(path), status)
            }
        };
        out.push(SourceCheck { repo_url, path, status });
    }
    out
}

fn check_path(
    repo: &mut Repo,
    tree: &FileTree,
    path: &str,
    app: &str,
    at: Span,
    findings: &mut Findings,
) -> SourceStatus {
    let shown = if path.is_empty() { "." } else { path };
    let is_dir = path.is_empty() || tree.is_dir(path);
    if !is_dir {
        findings.add(Code::AppSetPathMissing, at, path, app, || {
            if tree.is_file(path) {
                format!("Application {app}: source path {shown} is a file; Argo CD needs a directory")
            } else {
                format!("Application {app}: source path {shown} does not exist in the repository")
            }
        }, || None);
        return SourceStatus::Missing;
    }
    let has_kustomization = crate::kustomize::kustomization::KUSTOMIZATION_FILE_NAMES
        .iter()
        .any(|n| tree.is_file(&crate::kustomize::build::join_file(path, n)));
    if has_kustomization {
        let rendered = repo.render(path);
        let first_error = rendered.diagnostics.iter().find(|d| d.severity == Severity::Error);
        let Some(error) = first_error else { return SourceStatus::Renders };
        // A render that fails only for what Baton does not do offline (remote bases, Helm
        // charts, plugins) is not a broken path: it is listed, not judged.
        let offline = [Code::RemoteNotFetched.as_str(), Code::UnsupportedField.as_str()];
        if rendered.diagnostics.iter().filter(|d| d.is_error()).all(|d| offline.contains(&d.code)) {
            let message = format!("{}: {}", error.code, error.message);
            findings.add(Code::AppSetSourceNotRendered, at, path, app, || {
                format!("Application {app}: {shown} needs what Baton does not fetch or run offline ({message}); listed, not rendered")
            }, || None);
            return SourceStatus::Listed;
        }
        let errors = rendered.diagnostics.iter().filter(|d| d.is_error()).count();
        let message = error.message.clone();
        let related = error
            .file
            .clone()
            .map(|f| (f, error.span, format!("{}: {}", error.code, error.message)));
        findings.add(
            Code::AppSetPathFails,
            at,
            path,
            app,
            || {
                let more = if errors > 1 {
                    format!(" (and {} more errors)", errors - 1)
                } else {
                    String::new()
                };
                format!("Application {app}: {shown} does not render: {message}{more}")
            },
            || related,
        );
        return SourceStatus::Fails;
    }
    let chart = tree.is_file(&crate::kustomize::build::join_file(path, "Chart.yaml"));
    findings.add(Code::AppSetSourceNotRendered, at, path, app, || {
        if chart {
            format!("Application {app}: {shown} is a Helm chart; Baton lists it and does not render it")
        } else {
            format!("Application {app}: {shown} is a directory of plain manifests (no kustomization); Baton lists it and does not render it")
        }
    }, || None);
    SourceStatus::Listed
}

/// The directories of this repository an `Application` object deploys.
pub(crate) fn application_deployments(
    tree: &FileTree,
    file: &str,
    root: &Node,
    repo_url: Option<&str>,
) -> Vec<Deployment> {
    let name = root.path(&["metadata", "name"]).and_then(Node::as_str).unwrap_or_default();
    let Some(spec_node) = root.get("spec") else { return Vec::new() };
    let Some(spec) = doc::decode(spec_node, super::schema::application(), "spec", &mut Vec::new())
    else {
        return Vec::new();
    };
    let destination = spec.get("destination");
    let text = |key: &str| {
        destination
            .and_then(|d| d.get(key))
            .and_then(Doc::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut out = Vec::new();
    for source in sources(&spec) {
        let url = source.get("repoURL").and_then(Doc::as_str).unwrap_or_default();
        if source.get("chart").is_some() || !is_ours(repo_url, url) {
            continue;
        }
        let Some(path) = source.get("path").and_then(Doc::as_str) else { continue };
        let Ok(path) = tree::normalize(path) else { continue };
        if path.is_empty() || tree.is_dir(&path) {
            out.push(Deployment {
                application: name.to_owned(),
                app_set: None,
                file: file.to_owned(),
                cluster: text("server").or_else(|| text("name")),
                namespace: text("namespace"),
                path,
            });
        }
    }
    out
}
