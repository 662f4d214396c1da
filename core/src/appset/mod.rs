//! Argo CD `ApplicationSets`, offline: every generator expanded as the controller expands it
//! (argo-cd 37ee009, `applicationset/`), and every generated Application checked against the
//! overlays Baton renders.
//!
//! The pipeline is the controller's (`controllers/template/template.go`
//! `GenerateApplications`): for each top-level generator, [`generators::Expander::transform`]
//! gives parameter sets and the generator's merged template; each set renders the template
//! ([`template::render_application`], fasttemplate or `goTemplate` by [`render`]), then the
//! `templatePatch`; the Application's namespace is the `ApplicationSet`'s. Any generator or
//! render error refuses the whole set, as the controller does (nothing is applied; the error
//! is the `ErrorOccurred` condition's message, which the diagnostic quotes). Then
//! `validateGeneratedApplications`: an Application without a name or sharing its name with
//! another is reported and left out (upstream keys the errors by namespace/name, so every
//! Application of a duplicated name is skipped, not only the later ones).
//!
//! The object is read as the API server stores it ([`doc`], against the CRD's field set in
//! [`schema`]): a value of the wrong type refuses the object (`A001`), an unknown field is
//! dropped (`A002`). Clusters and pull requests come from the host ([`ExpandRequest`]); the
//! git generator reads this repository's tree ([`git`]). Generators that need a live service
//! (`scmProvider`, `clusterDecisionResource`, `plugin`) and git generators reading another
//! repository are reported (`A004`, `A008`) and skipped.
//!
//! Then each Application whose source is this repository is checked ([`check`]): its name,
//! parameters left unresolved, and its path: rendered when it holds a kustomization (problems
//! reported on the `ApplicationSet`, with the overlay as related location), listed when it is
//! a Helm chart or a plain directory, reported when it does not exist.
//!
//! Bounds: at most [`generators::MAX_PARAM_SETS`] parameter sets per `ApplicationSet`; every
//! template execution has step, output and depth limits; rendering and file reading spend
//! steps on the workspace's work meter, and a limit stops the expansion (`A017`).

mod check;
pub(crate) mod doc;
mod funcs;
mod generators;
mod git;
mod params;
mod render;
pub(crate) mod schema;
mod template;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::repo::Repo;
use crate::tree::{self, Content, FileTree};
use crate::yaml::json::Json;
use crate::yaml::{Node, Parsed};

use doc::{Doc, Problem};
use generators::{Expander, GenError, World};
use render::Failure;

/// The address of Argo CD's local cluster.
pub const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";

/// The label every cluster secret carries (the clusters generator selects on it).
const SECRET_TYPE_LABEL: &str = "argocd.argoproj.io/secret-type";

/// A cluster Argo CD knows (a cluster secret).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Cluster {
    pub name: String,
    pub server: String,
    #[serde(default)]
    pub project: Option<String>,
    /// The secret's labels (`argocd.argoproj.io/secret-type: cluster` is implied).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

impl Cluster {
    /// The secret's labels, with the secret-type label every cluster secret has.
    fn secret_labels(&self) -> Vec<(String, String)> {
        let mut labels = self.labels.clone();
        labels.entry(SECRET_TYPE_LABEL.to_owned()).or_insert_with(|| "cluster".to_owned());
        labels.into_iter().collect()
    }

    fn annotation_pairs(&self) -> Vec<(String, String)> {
        self.annotations.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

/// An open pull request, as the SCM provider lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PullRequest {
    pub number: u64,
    pub branch: String,
    pub target_branch: String,
    pub head_sha: String,
    #[serde(default)]
    pub labels: Vec<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub author: String,
}

/// What the host knows that the repository does not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExpandRequest {
    /// Argo CD's clusters; without them the clusters generator sees only `in-cluster`.
    #[serde(default)]
    pub clusters: Option<Vec<Cluster>>,
    /// Open pull requests; without them the pull request generator produces nothing.
    #[serde(default)]
    pub pull_requests: Option<Vec<PullRequest>>,
    /// This repository's URL as Argo CD reads it (overrides `baton.yaml`'s
    /// `spec.repository.url`).
    #[serde(default, rename = "repoURL")]
    pub repo_url: Option<String>,
}

/// How a generated Application's source fares against the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SourceStatus {
    /// The path holds a kustomization that renders.
    Renders,
    /// The path holds a kustomization that does not render.
    Fails,
    /// The path does not exist in the repository.
    Missing,
    /// A Helm chart, a plain directory or a chart from a Helm repository: not rendered.
    Listed,
    /// Another repository.
    External,
}

/// One source of a generated Application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceCheck {
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    /// The directory in the repository (normalized), if the source has a path.
    pub path: Option<String>,
    pub status: SourceStatus,
}

/// A generated Application: Go's JSON of its `metadata` and `spec`, and how its sources fare.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedApplication {
    pub metadata: Json,
    pub spec: Json,
    pub sources: Vec<SourceCheck>,
}

impl GeneratedApplication {
    /// `metadata.name`.
    #[must_use]
    pub fn name(&self) -> &str {
        json_str(&self.metadata, &["name"]).unwrap_or_default()
    }

    /// `spec.destination`'s server (or cluster name) and namespace.
    #[must_use]
    pub fn destination(&self) -> (Option<&str>, Option<&str>, Option<&str>) {
        (
            json_str(&self.spec, &["destination", "server"]),
            json_str(&self.spec, &["destination", "name"]),
            json_str(&self.spec, &["destination", "namespace"]),
        )
    }
}

/// A string inside a JSON value.
fn json_str<'j>(json: &'j Json, path: &[&str]) -> Option<&'j str> {
    let mut at = json;
    for key in path {
        let Json::Object(entries) = at else { return None };
        at = &entries.iter().find(|(k, _)| k == key)?.1;
    }
    match at {
        Json::String(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// One `ApplicationSet` expanded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSetExpansion {
    pub file: String,
    pub name: String,
    pub namespace: Option<String>,
    /// The Applications the controller would apply, in its generation order; empty when it
    /// refuses the set.
    pub applications: Vec<GeneratedApplication>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The result of `expandAppSets`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Expansion {
    pub app_sets: Vec<AppSetExpansion>,
    /// Problems not about one `ApplicationSet` (two with the same name, the work limit).
    pub diagnostics: Vec<Diagnostic>,
}

/// Expands every `ApplicationSet` of the repository.
pub fn expand(repo: &mut Repo, request: &ExpandRequest) -> Expansion {
    let tree = repo.tree();
    let repo_url = request
        .repo_url
        .clone()
        .or_else(|| repo.pipeline().repository_url.clone())
        .filter(|u| !u.is_empty())
        .map(|u| normalize_repo_url(&u));
    let world = World {
        tree,
        clusters: request.clusters.as_deref(),
        pulls: request.pull_requests.as_deref(),
        repo_url,
        dirs: std::cell::OnceCell::new(),
    };
    let mut expansion = Expansion::default();
    let mut seen: Vec<(String, String, String, Span)> = Vec::new();
    for path in appset_files(tree) {
        let Some(parsed) = repo.parse(&path) else { continue };
        let file: Arc<str> = Arc::from(path.as_str());
        for root in objects(&parsed, "ApplicationSet") {
            let mut one = expand_one(repo, &world, &file, root);
            let key = (one.namespace.clone().unwrap_or_default(), one.name.clone());
            let at = root.get("metadata").map_or(root.origin.span, |m| m.origin.span);
            if let Some((_, _, other, other_at)) =
                seen.iter().find(|(ns, name, _, _)| (ns.clone(), name.clone()) == key)
            {
                one.diagnostics.push(
                    Diagnostic::new(
                        Code::AppSetDuplicate,
                        format!(
                            "ApplicationSet {} is defined twice (the second replaces the first in the cluster)",
                            one.name
                        ),
                    )
                    .at(path.clone(), at)
                    .with_related(other.clone(), Some(*other_at), "the other definition"),
                );
            } else {
                seen.push((key.0, key.1, path.clone(), at));
            }
            crate::diagnostic::locate_all(tree, &mut one.diagnostics);
            expansion.app_sets.push(one);
        }
    }
    if repo.meter().exhausted() {
        expansion.diagnostics.push(repo.meter().exhausted_diagnostic("expandAppSets"));
    }
    expansion
}

/// The `ApplicationSet` diagnostics `validate` reports: expanded without host inputs, so
/// "no cluster or pull request list was given" (`A005`) is left out.
pub fn validate(repo: &mut Repo) -> Vec<Diagnostic> {
    let expansion = expand(repo, &ExpandRequest::default());
    let mut out = expansion.diagnostics;
    for set in expansion.app_sets {
        out.extend(
            set.diagnostics.into_iter().filter(|d| d.code != Code::AppSetInputMissing.as_str()),
        );
    }
    out
}

/// Whether a file may hold an `ApplicationSet` (cheap: the text names the kind).
#[must_use]
pub fn may_hold_appset(text: &str) -> bool {
    text.contains("ApplicationSet")
}

/// YAML files that may hold `ApplicationSets`, sorted.
fn appset_files(tree: &FileTree) -> Vec<String> {
    tree.iter()
        .filter(|(path, content)| {
            is_yaml(path)
                && matches!(content, Content::Text(t) if t.len() <= tree::MAX_FILE_BYTES && may_hold_appset(t))
                && !crate::repo::in_helm_templates(tree, path)
        })
        .map(|(path, _)| path.to_owned())
        .collect()
}

fn is_yaml(path: &str) -> bool {
    let name = tree::file_name(path);
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(extension.as_deref(), Some("yaml" | "yml" | "json"))
}

/// The documents of a file that are Argo CD objects of `kind`.
fn objects<'p>(parsed: &'p Parsed, kind: &str) -> Vec<&'p Node> {
    parsed
        .documents
        .iter()
        .map(|d| &d.root)
        .filter(|root| {
            root.get_str("kind") == Some(kind)
                && root.get_str("apiVersion").is_some_and(|v| v.starts_with("argoproj.io/"))
        })
        .collect()
}

/// Argo CD's repository URL comparison, approximately (`git.NormalizeGitURL`): case, scheme,
/// user, a trailing `/` and `.git` do not matter; `git@host:path` is `host/path`.
#[must_use]
pub fn normalize_repo_url(url: &str) -> String {
    let mut u = url.trim().to_ascii_lowercase();
    for scheme in ["https://", "http://", "ssh://", "git://", "git+ssh://"] {
        if let Some(rest) = u.strip_prefix(scheme) {
            u = rest.to_owned();
            break;
        }
    }
    if let Some(at) = u.find('@')
        && !u[..at].contains('/')
    {
        u = u[at + 1..].to_owned();
    }
    if let Some(colon) = u.find(':')
        && !u[..colon].contains('/')
        && !u[colon + 1..].starts_with(|c: char| c.is_ascii_digit())
    {
        u.replace_range(colon..=colon, "/");
    }
    let u = u.trim_end_matches('/');
    u.strip_suffix(".git").unwrap_or(u).to_owned()
}

/// One `ApplicationSet` object.
fn expand_one(repo: &mut Repo, world: &World, file: &Arc<str>, root: &Node) -> AppSetExpansion {
    let name =
        root.path(&["metadata", "name"]).and_then(Node::as_str).unwrap_or_default().to_owned();
    let namespace = root.path(&["metadata", "namespace"]).and_then(Node::as_str).map(str::to_owned);
    let mut result = AppSetExpansion {
        file: file.to_string(),
        name: name.clone(),
        namespace: namespace.clone(),
        applications: Vec::new(),
        diagnostics: Vec::new(),
    };
    let text = world.tree.text(file).unwrap_or_default();
    let diag = |code: Code, message: String, span: Span| {
        Diagnostic::new(code, message).at(file.to_string(), span)
    };
    let Some(spec_node) = root.get("spec") else {
        result.diagnostics.push(diag(
            Code::AppSetInvalid,
            format!("ApplicationSet {name} has no spec (the API server refuses it)"),
            root.origin.span,
        ));
        return result;
    };
    let mut problems: Vec<Problem> = Vec::new();
    let spec = doc::decode(spec_node, schema::spec(), "spec", &mut problems);
    let refused = problems.iter().any(|p| p.code == Code::AppSetInvalid);
    for p in problems {
        result.diagnostics.push(diag(p.code, p.message, p.span));
    }
    let Some(spec) = spec.filter(|_| !refused) else { return result };
    let go = spec.get("goTemplate").is_some_and(Doc::as_bool);
    let options = spec.get("goTemplateOptions").map(Doc::strings).unwrap_or_default();
    let empty = Doc::map(Vec::new(), spec.span);
    let template = spec.get("template").unwrap_or(&empty);
    let patch = spec.get("templatePatch");
    let preserve = spec
        .get("syncPolicy")
        .and_then(|p| p.get("preserveResourcesOnDeletion"))
        .is_some_and(Doc::as_bool);
    let entry_ty = match schema::at(schema::spec(), &["generators"]) {
        Some(schema::Ty::List(item)) => schema::parse(item),
        _ => schema::Ty::Raw,
    };
    let entries = spec.get("generators").map(Doc::items).unwrap_or_default();
    for entry in entries {
        if !generators::KINDS.iter().any(|k| entry.get(k).is_some()) {
            result.diagnostics.push(diag(
                Code::AppSetGeneratorEmpty,
                format!("ApplicationSet {name} contains unrecognized generators: this entry names none of {} (the controller generates nothing from it)", generators::KINDS.join(", ")),
                entry.span,
            ));
        }
    }
    let mut apps: Vec<template::App> = Vec::new();
    let mut refusal: Option<GenError> = None;
    {
        let meter = repo.meter();
        let mut expander = Expander::new(world, go, &options, meter);
        'entries: for entry in entries {
            let results = match expander.transform(entry, entry_ty, Some(template), None) {
                Ok(r) => r,
                Err(e)
                    if matches!(
                        e.code,
                        Code::AppSetNeedsService
                            | Code::AppSetOtherRepository
                            | Code::AppSetNotApproximated
                    ) =>
                {
                    result.diagnostics.push(diag(
                        e.code,
                        format!("{}; the Applications it would generate are not listed", e.message),
                        e.at,
                    ));
                    continue;
                }
                Err(e) => {
                    refusal = Some(e);
                    break;
                }
            };
            for generated in results {
                let tmpl = generated.template.as_ref().unwrap_or(template);
                for p in &generated.params {
                    let rendered =
                        template::render_application(&mut expander.renderer, tmpl, p, preserve)
                            .and_then(|app| match patch {
                                Some(patch) => {
                                    template::apply_patch(&mut expander.renderer, app, patch, p)
                                }
                                None => Ok(app),
                            });
                    match rendered.map_err(GenError::from).and_then(|app| {
                        expander.charge(entry.span)?;
                        Ok(app)
                    }) {
                        Ok(app) => apps.push(app),
                        Err(e) => {
                            refusal = Some(e);
                            break 'entries;
                        }
                    }
                }
            }
        }
        for note in std::mem::take(&mut expander.notes) {
            result.diagnostics.push(diag(note.code, note.message, note.at));
        }
    }
    if let Some(e) = refusal {
        let at = locate_failure(
            &text,
            &Failure { message: String::new(), at: e.at, inner: e.inner.clone() },
        );
        let message = if e.code == Code::AppSetLimit {
            format!("ApplicationSet {name}: {}", e.message)
        } else {
            format!(
                "ApplicationSet {name} generates no Application; the controller reports: {}",
                e.message
            )
        };
        result.diagnostics.push(diag(e.code, message, at));
        return result;
    }
    result.applications = check::check_applications(
        repo,
        world,
        file,
        &name,
        namespace.as_deref(),
        &apps,
        &mut result.diagnostics,
        go,
    );
    result
}

/// The file span a failure points at: inside the value's text when its bytes in the file are
/// the text itself (plain or simply quoted), else the whole value.
fn locate_failure(text: &str, failure: &Failure) -> Span {
    let at = failure.at;
    let Some((value, inner)) = &failure.inner else { return at };
    let Some(source) = text.get(at.range()) else { return at };
    let offset = if source == value {
        Some(at.start as usize)
    } else if source.len() == value.len() + 2
        && (source.starts_with('"') || source.starts_with('\''))
        && &source[1..source.len() - 1] == value
    {
        Some(at.start as usize + 1)
    } else {
        None
    };
    match offset {
        Some(o) => Span::new(o + inner.start as usize, o + inner.end as usize),
        None => at,
    }
}

/// Where an Argo CD Application of the repository (generated or written as is) deploys an
/// overlay, for `status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The Application's name.
    pub application: String,
    /// The `ApplicationSet` that generates it, if any.
    pub app_set: Option<String>,
    /// The file of the `ApplicationSet` or Application.
    pub file: String,
    /// `spec.destination.server`, or the cluster's name.
    pub cluster: Option<String>,
    pub namespace: Option<String>,
    /// The overlay directory it deploys.
    #[serde(skip)]
    pub path: String,
}

/// Every Application of the repository (from `ApplicationSets` expanded without host inputs,
/// and `Application` objects) and the directories of this repository they deploy.
pub fn deployments(repo: &mut Repo) -> Vec<Deployment> {
    let expansion = expand(repo, &ExpandRequest::default());
    let mut out = Vec::new();
    for set in &expansion.app_sets {
        for app in &set.applications {
            let (server, cluster_name, namespace) = app.destination();
            for source in &app.sources {
                if let (
                    Some(path),
                    SourceStatus::Renders | SourceStatus::Fails | SourceStatus::Listed,
                ) = (&source.path, source.status)
                {
                    out.push(Deployment {
                        application: app.name().to_owned(),
                        app_set: Some(set.name.clone()),
                        file: set.file.clone(),
                        cluster: server.or(cluster_name).map(str::to_owned),
                        namespace: namespace.map(str::to_owned),
                        path: path.clone(),
                    });
                }
            }
        }
    }
    let tree = repo.tree();
    let repo_url = repo.pipeline().repository_url.clone().map(|u| normalize_repo_url(&u));
    for path in tree.paths().filter(|p| is_yaml(p)).map(str::to_owned).collect::<Vec<_>>() {
        if !tree.text(&path).is_some_and(|t| t.contains("Application")) {
            continue;
        }
        let Some(parsed) = repo.parse(&path) else { continue };
        for root in objects(&parsed, "Application") {
            out.extend(check::application_deployments(tree, &path, root, repo_url.as_deref()));
        }
    }
    out
}
