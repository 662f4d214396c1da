//! What each cluster really applies: Flux `Kustomization`s and Argo CD `Application`s,
//! rendered with their controllers' overrides.
//!
//! `kustomize build` of an overlay is not what a cluster applies: the object that tells the
//! cluster to apply it adds a target namespace, patches, images, components, name affixes,
//! common metadata and, for Flux, `${VAR}` substitution. This module reads those objects
//! from the repository ([`objects`]), models which cluster applies which path in which order
//! ([`deployments`]), and renders a deployment exactly as its controller builds it
//! ([`render`]: [`flux`] for kustomize-controller, [`argo`] for Argo CD's repo server,
//! [`varsub`] + [`envsubst`] for Flux's post-build substitution). [`validate`] reports the
//! `D` diagnostics of every deployment.
//!
//! Sources: a Flux `sourceRef` to a `GitRepository` is this repository when it is flux
//! bootstrap's `flux-system/flux-system` (or has its URL, or no such object is here); any
//! other source (another URL, an `OCIRepository`, a `Bucket`) is listed as external and not
//! fetched. An Argo CD source is rendered when its path is a directory here holding a
//! kustomization (or it sets `kustomize`); Helm charts, other repositories, plain directories
//! and plugins are listed, not rendered.
//!
//! Renders are cached in the workspace's [`crate::repo::Renders`] with every path they
//! consulted (the object's file, the overlay's files, the `ConfigMaps` and `Secrets` read), so an
//! edit drops exactly the deployments it can change; adding or removing a file drops them all.
//! Not reproduced (each said so by a diagnostic where it applies): SOPS decryption,
//! `buildMetadata`, `.sourceignore`, Argo CD's tracking labels and Flux's apply-time
//! normalization of objects.

pub mod argo;
pub mod envsubst;
pub mod flux;
pub mod model;
pub mod objects;
pub mod varsub;

use std::sync::Arc;

use serde::Serialize;

use self::objects::{Application, FluxKustomization, ObjectCache, Objects};
use self::varsub::Variable;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::kustomize::kustomization::Str;
use crate::kustomize::resid::Gvk;
use crate::kustomize::{Rendered, RenderedResource};
use crate::repo::Repo;
use crate::source::ReadSet;
use crate::vecmap::VecMap;
use crate::yaml::{Body, Node};

/// Which controller applies a deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Controller {
    /// A Flux `Kustomization` (kustomize-controller).
    Flux,
    /// An Argo CD `Application`.
    Argo,
}

impl Controller {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Controller::Flux => "flux",
            Controller::Argo => "argo",
        }
    }
}

/// `renderDeployment`'s request: which object, and for a Flux Kustomization that several
/// clusters define under the same name, which cluster's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentRequest {
    pub controller: Controller,
    pub namespace: String,
    pub name: String,
    pub cluster: Option<String>,
}

impl DeploymentRequest {
    /// Reads `flux:namespace/name[@cluster]` or `argo:namespace/name`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (controller, rest) = text
            .split_once(':')
            .ok_or_else(|| format!("'{text}' is not flux:NAMESPACE/NAME or argo:NAMESPACE/NAME"))?;
        let (rest, cluster) = match rest.split_once('@') {
            Some((r, c)) if !c.is_empty() => (r, Some(c.to_string())),
            Some(_) => return Err(format!("'{text}' names no cluster after '@'")),
            None => (rest, None),
        };
        let controller = match controller {
            "flux" => Controller::Flux,
            "argo" => Controller::Argo,
            other => return Err(format!("unknown controller '{other}': use flux or argo")),
        };
        let (namespace, name) = rest
            .split_once('/')
            .filter(|(ns, n)| !ns.is_empty() && !n.is_empty() && !n.contains('/'))
            .ok_or_else(|| format!("'{rest}' is not NAMESPACE/NAME"))?;
        Ok(DeploymentRequest {
            controller,
            namespace: namespace.into(),
            name: name.into(),
            cluster,
        })
    }

    /// `flux:namespace/name`, with `@cluster` when the request names one.
    #[must_use]
    pub fn id(&self) -> String {
        let base = format!("{}:{}/{}", self.controller.as_str(), self.namespace, self.name);
        match &self.cluster {
            Some(c) => format!("{base}@{c}"),
            None => base,
        }
    }
}

/// Where a deployment's objects go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Destination {
    /// Argo CD `destination.server`.
    pub server: Option<String>,
    /// Argo CD `destination.name`.
    pub name: Option<String>,
    /// Flux `targetNamespace`, Argo CD `destination.namespace`.
    pub namespace: Option<String>,
    /// Flux `kubeConfig.secretRef`: `namespace/name` of the remote cluster's kubeconfig.
    pub kube_config: Option<String>,
}

/// One source of a deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentSource {
    /// The path in the source (normalized; `""` is its root).
    pub path: Option<String>,
    pub repo_url: Option<String>,
    pub revision: Option<String>,
    /// `Kind/namespace/name` of a Flux source, the URL of an Argo CD one.
    pub reference: String,
    /// Its files are this repository's.
    pub local: bool,
    /// Why it is not rendered, or what was assumed.
    pub note: Option<String>,
}

/// How a source is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SourceState {
    Local,
    External,
    NotRendered,
    Missing,
    Invalid,
}

/// A deployment: a Flux Kustomization or an Argo CD Application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// `flux:namespace/name@cluster` (a Flux Kustomization some cluster applies: clusters
    /// often share names like `flux-system/apps`), `flux:namespace/name` (one no cluster
    /// applies) or `argo:namespace/name`.
    pub id: String,
    pub controller: Controller,
    pub namespace: String,
    pub name: String,
    /// The file that defines it, and the span of its name.
    pub file: String,
    pub span: Span,
    /// The cluster that applies it: the `clusters/<name>/` directory it is under (or under a
    /// deployment of), an Argo CD destination's name or server, or a Flux remote kubeconfig.
    pub cluster: Option<String>,
    pub destination: Destination,
    pub sources: Vec<DeploymentSource>,
    /// Flux `dependsOn`, as ids.
    pub depends_on: Vec<String>,
    pub suspended: bool,
    /// The override fields it sets (`targetNamespace`, `images`, `postBuild.substitute`, …).
    pub overrides: Vec<String>,
    /// The `ApplicationSet` that generates it (an Argo CD Application; `file` is the
    /// `ApplicationSet`'s, `span` its template's name).
    pub app_set: Option<String>,
    /// The Flux Kustomization whose render applies this one in its cluster (the cluster walk's
    /// parent): it must be applied first, so the cluster's order puts it first.
    #[serde(skip)]
    pub applied_by: Option<String>,
}

/// The clusters and the order in which each applies its deployments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    pub name: String,
    /// Deployment ids, dependencies first.
    pub deployments: Vec<String>,
}

/// The result of [`deployments`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployments {
    pub deployments: Vec<Deployment>,
    pub clusters: Vec<Cluster>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The result of [`render`]: what the cluster applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentRender {
    pub deployment: Option<Deployment>,
    /// The render succeeded (no error diagnostics, and some source was rendered).
    pub ok: bool,
    /// Every resource, as kustomize prints them, joined by `---`.
    pub yaml: String,
    pub resources: Vec<RenderedResource>,
    /// The namespaces its namespaced objects land in.
    pub namespaces: Vec<String>,
    /// Flux post-build variables, in the order they were loaded (later ones win).
    pub variables: Vec<Variable>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A deployment as `status` lists it under an environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentRef {
    pub id: String,
    pub controller: Controller,
    pub cluster: Option<String>,
    /// Where its objects go (Argo CD server or cluster name and namespace, Flux
    /// `targetNamespace` and remote kubeconfig).
    pub destination: Destination,
    /// The `ApplicationSet` that generates it.
    pub app_set: Option<String>,
    /// The file that defines it (the `ApplicationSet`'s for a generated Application).
    pub file: String,
    pub namespaces: Vec<String>,
    /// Its render succeeded.
    pub ok: bool,
}

/// What the workspace keeps between calls: objects per file, renders with their read sets.
#[derive(Debug, Clone, Default)]
pub struct Cache {
    objects: ObjectCache,
    renders: VecMap<String, (Arc<DeploymentRender>, ReadSet)>,
    /// The generated Application each cached render of one was made from: its parameters
    /// come from files and host inputs the render's read set does not hold.
    generated: VecMap<String, Application>,
    /// The `ApplicationSets`' Applications expanded without host inputs (set name, file,
    /// object), until any file changes (a git generator may read any file).
    expanded: Option<Arc<Generated>>,
}

/// Generated Applications: the `ApplicationSet`'s name and file, and the object.
type Generated = Vec<(String, Arc<str>, Arc<Node>)>;

impl Cache {
    /// Drops the renders that consulted `path`.
    pub fn invalidate(&mut self, path: &str) {
        self.renders.retain(|_, entry| !entry.1.touches(path));
        self.expanded = None;
    }

    /// The ids of the renders held.
    #[must_use]
    pub fn cached_ids(&self) -> Vec<String> {
        self.renders.keys().cloned().collect()
    }

    /// Drops every render (a file was added or removed: objects may have appeared).
    pub fn clear_renders(&mut self) {
        self.renders.clear();
        self.expanded = None;
    }

    /// A cache for a changed copy of the tree: objects carry over (they are checked against
    /// the text they came from), renders do not.
    #[must_use]
    pub fn for_copy(&self) -> Cache {
        Cache {
            objects: self.objects.clone(),
            renders: VecMap::new(),
            generated: VecMap::new(),
            expanded: None,
        }
    }
}

/// Every deployment object of the repository (cached per file), and the Applications its
/// `ApplicationSets` generate without host inputs (no cluster or pull request list).
pub fn objects(repo: &mut Repo) -> Objects {
    objects_with(repo, &crate::appset::ExpandRequest::default())
}

/// [`objects`], the `ApplicationSets` expanded with the host's clusters and pull requests.
pub fn objects_with(repo: &mut Repo, request: &crate::appset::ExpandRequest) -> Objects {
    let mut cache = std::mem::take(&mut repo.deploy_cache().objects);
    let tree = repo.tree();
    let mut objects = objects::read_all(tree, &mut cache, |path| repo.parse(path));
    repo.deploy_cache().objects = cache;
    let host_less = *request == crate::appset::ExpandRequest::default();
    let cached = if host_less { repo.deploy_cache().expanded.clone() } else { None };
    let generated = if let Some(generated) = cached {
        generated
    } else {
        let mut generated = Generated::new();
        // Only YAML files outside Helm templates hold an `ApplicationSet`: `read_all` noted
        // whether one may (no scan of every text per call).
        if repo.deploy_cache().objects.may_hold_appsets() {
            let expansion = crate::appset::expand(repo, request);
            for set in expansion.app_sets {
                let file: Arc<str> = Arc::from(set.file.as_str());
                for app in set.applications {
                    generated.push((set.name.clone(), file.clone(), app.object));
                }
            }
        }
        let generated = Arc::new(generated);
        if host_less && !repo.meter().exhausted() {
            repo.deploy_cache().expanded = Some(generated.clone());
        }
        generated
    };
    for (set, file, object) in generated.iter() {
        objects::add_generated(&mut objects, set, file, object);
    }
    objects
}

/// Every deployment, the clusters, and the problems of the model (`dependsOn`).
pub fn deployments(repo: &mut Repo) -> Deployments {
    let objects = objects(repo);
    let model = model::build(repo, &objects);
    let mut out = Deployments {
        deployments: model.entries.iter().map(|e| e.deployment.clone()).collect(),
        clusters: Vec::new(),
        diagnostics: model.diagnostics,
    };
    out.clusters = model::clusters(&out.deployments);
    repo.locate(&mut out.diagnostics);
    out
}

/// Renders one deployment as its controller applies it.
pub fn render(repo: &mut Repo, request: &DeploymentRequest) -> DeploymentRender {
    let objects = objects(repo);
    let model = model::build(repo, &objects);
    let wanted = request.id();
    let exact = model.entries.iter().find(|e| e.deployment.id == wanted);
    let candidates: Vec<&model::Entry> = match exact {
        Some(e) => vec![e],
        None if request.cluster.is_none() => model
            .entries
            .iter()
            .filter(|e| {
                e.deployment.controller == request.controller
                    && e.deployment.namespace == request.namespace
                    && e.deployment.name == request.name
            })
            .collect(),
        None => Vec::new(),
    };
    match candidates.as_slice() {
        [one] => (*model::render(repo, &objects, one)).clone(),
        [] => not_found(&wanted, "is not in the repository", &[]),
        many => {
            let ids: Vec<&str> = many.iter().map(|e| e.deployment.id.as_str()).collect();
            not_found(&wanted, "is defined for several clusters; name one", &ids)
        }
    }
}

fn reference(deployment: &Deployment, rendered: &DeploymentRender) -> DeploymentRef {
    DeploymentRef {
        id: deployment.id.clone(),
        controller: deployment.controller,
        cluster: deployment.cluster.clone(),
        destination: deployment.destination.clone(),
        app_set: deployment.app_set.clone(),
        file: deployment.file.clone(),
        namespaces: rendered.namespaces.clone(),
        ok: rendered.ok,
    }
}

fn not_found(id: &str, why: &str, candidates: &[&str]) -> DeploymentRender {
    let mut d = Diagnostic::new(Code::DeploymentNotFound, format!("{id} {why}"));
    d = if candidates.is_empty() {
        d.with_help("list the deployments with the deployments operation, or `baton status`")
    } else {
        d.with_help(format!("one of: {}", candidates.join(", ")))
    };
    DeploymentRender { diagnostics: vec![d], ..DeploymentRender::default() }
}

/// The `D` diagnostics of every deployment: objects, dependencies, and each render.
pub fn validate(repo: &mut Repo) -> Vec<Diagnostic> {
    let objects = objects(repo);
    let model = model::build(repo, &objects);
    // A duplicate "object" in a file the clusters only read as a patch is not one.
    let mut out: Vec<Diagnostic> = objects
        .diagnostics
        .iter()
        .filter(|d| {
            d.code != Code::DeploymentDuplicate.as_str()
                || !d.file.as_deref().is_some_and(|f| model.inputs.contains(f))
        })
        .cloned()
        .collect();
    out.extend(model.diagnostics.iter().cloned());
    for entry in &model.entries {
        let rendered = model::render(repo, &objects, entry);
        out.extend(rendered.diagnostics.iter().cloned());
        // A failed render's causes are among its diagnostics, at the files that cause them
        // (overrides at the deployment's object): no summary is added on top.
        if rendered.ok {
            out.extend(unmatched_overrides(entry, &rendered));
        }
    }
    repo.locate(&mut out);
    crate::diagnostic::sort(&mut out);
    out.dedup();
    out
}

/// Every deployment with what its render read, to answer which ones apply an overlay.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub listed: Deployments,
    entries: Vec<IndexEntry>,
}

/// A deployment, its local source paths, what its render read, and the render.
type IndexEntry = (DeploymentRef, Vec<Option<String>>, ReadSet, Arc<DeploymentRender>);

impl Index {
    /// Lists and renders every deployment (renders are cached).
    pub fn new(repo: &mut Repo) -> Self {
        Index::with(repo, &crate::appset::ExpandRequest::default())
    }

    /// [`Index::new`], the `ApplicationSets` expanded with the host's inputs (a preview's pull
    /// request).
    pub fn with(repo: &mut Repo, request: &crate::appset::ExpandRequest) -> Self {
        let objects = objects_with(repo, request);
        let model = model::build(repo, &objects);
        let mut entries = Vec::new();
        for entry in &model.entries {
            let deployment = &entry.deployment;
            let rendered = model::render(repo, &objects, entry);
            let reads = repo.deploy_cache().renders.get(&deployment.id).map(|(_, r)| r.clone());
            let paths =
                deployment.sources.iter().filter(|s| s.local).map(|s| s.path.clone()).collect();
            entries.push((
                reference(deployment, &rendered),
                paths,
                reads.unwrap_or_default(),
                rendered,
            ));
        }
        let mut listed = Deployments {
            deployments: model.entries.into_iter().map(|e| e.deployment).collect(),
            clusters: Vec::new(),
            diagnostics: model.diagnostics,
        };
        listed.clusters = model::clusters(&listed.deployments);
        Index { listed, entries }
    }

    /// Whether the repository has any deployment.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The deployments that apply the overlay in `dir`: their path is `dir`, or their render
    /// read its kustomization.
    #[must_use]
    pub fn deploying(&self, dir: &str) -> Vec<DeploymentRef> {
        self.renders_of(dir).into_iter().map(|(r, _)| r).collect()
    }

    /// [`Index::deploying`], with each deployment's render.
    #[must_use]
    pub fn renders_of(&self, dir: &str) -> Vec<(DeploymentRef, Arc<DeploymentRender>)> {
        let files: Vec<String> = crate::kustomize::kustomization::KUSTOMIZATION_FILE_NAMES
            .iter()
            .map(|n| crate::kustomize::build::join_file(dir, n))
            .collect();
        self.entries
            .iter()
            .filter(|(_, paths, reads, _)| {
                paths.iter().any(|p| p.as_deref() == Some(dir))
                    || files.iter().any(|f| reads.files.contains(f))
            })
            .map(|(r, _, _, rendered)| (r.clone(), rendered.clone()))
            .collect()
    }
}

pub(crate) fn describe(d: &Deployment) -> String {
    match d.controller {
        Controller::Flux => format!("Flux Kustomization {}/{}", d.namespace, d.name),
        Controller::Argo => format!("Argo CD Application {}/{}", d.namespace, d.name),
    }
}

pub(crate) fn render_flux(
    repo: &mut Repo,
    objects: &Objects,
    k: &FluxKustomization,
    out: &mut DeploymentRender,
) -> (Option<Rendered>, ReadSet) {
    let mut reads = ReadSet::default();
    reads.files.insert(k.site.file.to_string());
    if k.suspend {
        out.diagnostics.push(
            Diagnostic::new(
                Code::DeploymentSuspended,
                format!("Flux Kustomization {}/{} is suspended: its cluster applies nothing new until it is resumed", k.namespace, k.name),
            )
            .at(k.site.file.to_string(), k.site.span),
        );
    }
    let (source, state) = flux::source(objects, k);
    if let Some(found) = flux::source_object(objects, k) {
        reads.files.insert(found.site.file.to_string());
    }
    let at = |origin: Option<&crate::yaml::Origin>| {
        origin.map_or((k.site.file.to_string(), k.site.span), |o| {
            (o.file.as_deref().unwrap_or(&k.site.file).to_string(), o.span)
        })
    };
    let (file, span) = at(k.source_ref.as_ref().map(|r| &r.origin));
    match state {
        SourceState::Local => {}
        SourceState::Missing => {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::SourceRefMissing,
                    format!(
                        "sourceRef {}: {}",
                        source.reference,
                        source.note.clone().unwrap_or_default()
                    ),
                )
                .at(file, span),
            );
            return (None, reads);
        }
        _ => {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::SourceExternal,
                    format!(
                        "sourceRef {}: {}",
                        source.reference,
                        source.note.clone().unwrap_or_default()
                    ),
                )
                .at(file, span),
            );
            return (None, reads);
        }
    }
    let dir = source.path.clone().unwrap_or_default();
    let mut diagnostics = Vec::new();
    let ((rendered, variables), render_reads) =
        repo.with_source(|source| flux::render(source, k, &dir, &mut diagnostics));
    reads.extend(&render_reads);
    out.diagnostics.extend(diagnostics);
    out.variables = variables;
    (Some(rendered), reads)
}

pub(crate) fn render_argo(
    repo: &mut Repo,
    app: &Application,
    out: &mut DeploymentRender,
) -> (Option<Rendered>, ReadSet) {
    let mut reads = ReadSet::default();
    reads.files.insert(app.site.file.to_string());
    let mut combined: Option<Rendered> = None;
    if app.sources.is_empty() {
        out.diagnostics.push(
            Diagnostic::new(
                Code::DeploymentObjectInvalid,
                format!("Argo CD Application {}/{} has no source", app.namespace, app.name),
            )
            .at(app.site.file.to_string(), app.site.span),
        );
    }
    for src in &app.sources {
        let (summary, state) = argo::source(app, src, repo.tree());
        let code = match state {
            SourceState::Local => None,
            SourceState::External => Some(Code::SourceExternal),
            SourceState::NotRendered => Some(Code::DeploymentNotRendered),
            SourceState::Missing => Some(Code::DeploymentPathMissing),
            SourceState::Invalid => Some(Code::ArgoOverrideInvalid),
        };
        if let Some(code) = code {
            let origin = src.path.as_ref().map_or(&src.origin, |p| &p.origin);
            out.diagnostics.push(
                Diagnostic::new(
                    code,
                    format!("source {}: {}", summary.reference, summary.note.unwrap_or_default()),
                )
                .at(app.site.file.to_string(), origin.span),
            );
            continue;
        }
        let dir = summary.path.unwrap_or_default();
        let mut diagnostics = Vec::new();
        let (rendered, render_reads) =
            repo.with_source(|source| argo::render(source, app, src, &dir, &mut diagnostics));
        reads.extend(&render_reads);
        out.diagnostics.extend(diagnostics);
        combined = Some(match combined {
            None => rendered,
            Some(mut all) => {
                all.ok &= rendered.ok;
                all.resources.extend(rendered.resources);
                all.diagnostics.extend(rendered.diagnostics);
                all
            }
        });
    }
    (combined, reads)
}

/// Fills the result from the render (`None`: nothing was rendered).
pub(crate) fn finish(
    out: &mut DeploymentRender,
    rendered: Option<Rendered>,
    default_namespace: Option<&str>,
) {
    let Some(rendered) = rendered else {
        out.ok = false;
        return;
    };
    out.diagnostics.extend(rendered.diagnostics);
    out.ok = rendered.ok && !out.diagnostics.iter().any(Diagnostic::is_error);
    if !out.ok {
        return;
    }
    out.resources = rendered.resources;
    out.yaml = varsub::join(&out.resources);
    let mut namespaces: Vec<String> = Vec::new();
    for r in &out.resources {
        let ns = match (&r.namespace, default_namespace) {
            (Some(ns), _) => Some(ns.as_str()),
            (None, Some(default))
                if !Gvk::from_api_version(&r.api_version, &r.kind).is_cluster_scoped() =>
            {
                Some(default)
            }
            _ => None,
        };
        if let Some(ns) = ns
            && !namespaces.iter().any(|n| n == ns)
        {
            namespaces.push(ns.to_string());
        }
    }
    crate::sort::sort(&mut namespaces);
    out.namespaces = namespaces;
}

/// `ssautil.SetCommonMetadata`: every object gets the labels and annotations (existing keys
/// overwritten), and is printed again.
pub(crate) fn set_common_metadata(
    rendered: &mut Rendered,
    labels: &[(Str, Str)],
    annotations: &[(Str, Str)],
) {
    for resource in &mut rendered.resources {
        let mut node = (*resource.node).clone();
        for (field, pairs) in [("labels", labels), ("annotations", annotations)] {
            if pairs.is_empty() {
                continue;
            }
            let Some(map) = node.ensure_map(&["metadata", field]) else { continue };
            for (key, value) in pairs {
                let value = Node::string(value.value.clone()).with_origin(value.origin.clone());
                match map.get_mut(&key.value) {
                    Some(existing) => *existing = value,
                    None => {
                        if let Body::Map(entries) = &mut map.body {
                            let key =
                                Node::string(key.value.clone()).with_origin(key.origin.clone());
                            entries.push((key, value));
                        }
                    }
                }
            }
        }
        if let Ok(yaml) = crate::yaml::emit::kustomize_yaml(&node) {
            resource.images = crate::kustomize::images_of(&node);
            resource.yaml = yaml;
            resource.node = Arc::new(node);
        }
    }
    rendered.yaml = varsub::join(&rendered.resources);
}

pub(crate) fn flux_deployment(
    objects: &Objects,
    k: &FluxKustomization,
    cluster: Option<&str>,
) -> Deployment {
    let (source, _) = flux::source(objects, k);
    let mut overrides = Vec::new();
    let mut note = |set: bool, name: &str| {
        if set {
            overrides.push(name.to_string());
        }
    };
    note(k.target_namespace.is_some(), "targetNamespace");
    note(k.name_prefix.is_some(), "namePrefix");
    note(k.name_suffix.is_some(), "nameSuffix");
    note(!k.patches.is_empty(), "patches");
    note(!k.patches_strategic_merge.is_empty(), "patchesStrategicMerge");
    note(!k.patches_json6902.is_empty(), "patchesJson6902");
    note(!k.images.is_empty(), "images");
    note(!k.components.is_empty(), "components");
    note(k.common_metadata.is_some(), "commonMetadata");
    if let Some(post) = &k.post_build {
        note(!post.substitute.is_empty(), "postBuild.substitute");
        note(!post.substitute_from.is_empty(), "postBuild.substituteFrom");
    }
    let kube_config = k.kube_config.as_ref().map(|s| format!("{}/{s}", k.namespace));
    let id = match cluster {
        Some(c) => format!("flux:{}/{}@{c}", k.namespace, k.name),
        None => format!("flux:{}/{}", k.namespace, k.name),
    };
    Deployment {
        id,
        controller: Controller::Flux,
        namespace: k.namespace.clone(),
        name: k.name.clone(),
        file: k.site.file.to_string(),
        span: k.site.span,
        cluster: kube_config.clone().or_else(|| cluster.map(str::to_string)),
        destination: Destination {
            server: None,
            name: None,
            namespace: k.target_namespace.as_ref().map(|t| t.value.clone()),
            kube_config,
        },
        sources: vec![source],
        depends_on: k
            .depends_on
            .iter()
            .map(|d| match cluster {
                Some(c) => format!("flux:{}/{}@{c}", d.namespace, d.name),
                None => format!("flux:{}/{}", d.namespace, d.name),
            })
            .collect(),
        suspended: k.suspend,
        overrides,
        app_set: None,
        applied_by: None,
    }
}

pub(crate) fn argo_deployment(repo: &Repo, app: &Application) -> Deployment {
    let mut overrides = Vec::new();
    let mut sources = Vec::new();
    for src in &app.sources {
        sources.push(argo::source(app, src, repo.tree()).0);
        if let Some(k) = &src.kustomize {
            let fields: [(bool, &str); 9] = [
                (k.name_prefix.is_some(), "namePrefix"),
                (k.name_suffix.is_some(), "nameSuffix"),
                (!k.images.is_empty(), "images"),
                (!k.replicas.is_empty(), "replicas"),
                (!k.common_labels.is_empty(), "commonLabels"),
                (!k.common_annotations.is_empty(), "commonAnnotations"),
                (k.namespace.is_some(), "namespace"),
                (!k.patches.is_empty(), "patches"),
                (!k.components.is_empty(), "components"),
            ];
            for (set, name) in fields {
                if set && !overrides.iter().any(|o| o == name) {
                    overrides.push(name.to_string());
                }
            }
        }
    }
    Deployment {
        id: format!("argo:{}/{}", app.namespace, app.name),
        controller: Controller::Argo,
        namespace: app.namespace.clone(),
        name: app.name.clone(),
        file: app.site.file.to_string(),
        span: app.site.span,
        cluster: app.destination_name.clone().or_else(|| app.server.clone()),
        destination: Destination {
            server: app.server.clone(),
            name: app.destination_name.clone(),
            namespace: app.destination_namespace.clone(),
            kube_config: None,
        },
        sources,
        depends_on: Vec::new(),
        suspended: false,
        overrides,
        app_set: app.app_set.clone(),
        applied_by: None,
    }
}

/// D015: an `images` override (Flux, Argo CD) whose image appears in no container of the
/// render, an Argo CD `replicas` override that names no resource.
fn unmatched_overrides(entry: &model::Entry, rendered: &DeploymentRender) -> Vec<Diagnostic> {
    let deployment = &entry.deployment;
    let mut out = Vec::new();
    let names: Vec<String> = rendered
        .resources
        .iter()
        .flat_map(|r| r.images.iter())
        .map(|i| crate::kustomize::transform::images::split(&i.image).0)
        .collect();
    let check_image =
        |out: &mut Vec<Diagnostic>, name: &str, new_name: Option<&str>, file: &str, span: Span| {
            let expected = new_name.unwrap_or(name);
            if !names.iter().any(|n| n == expected) {
                out.push(
                Diagnostic::new(
                    Code::OverrideMatchesNothing,
                    format!(
                        "images: no container of {} runs '{name}'; this override changes nothing",
                        describe(deployment)
                    ),
                )
                .at(file, span),
            );
            }
        };
    match deployment.controller {
        Controller::Flux => {
            let model::Object::Flux(k) = &entry.object else { return out };
            for image in &k.images {
                let file = image.origin.file.as_deref().unwrap_or(&k.site.file).to_string();
                check_image(
                    &mut out,
                    &image.name.value,
                    image.new_name.as_ref().map(|n| n.value.as_str()),
                    &file,
                    image.name.span(),
                );
            }
        }
        Controller::Argo => {
            let model::Object::Argo(app) = &entry.object else { return out };
            for k in app.sources.iter().filter_map(|s| s.kustomize.as_ref()) {
                for image in &k.images {
                    let (key, value) = image.value.split_once('=').unwrap_or(("", &image.value));
                    let (name, _, _) = crate::kustomize::transform::images::split(value);
                    let (name, new_name) = if key.is_empty() {
                        (name.as_str(), None)
                    } else {
                        (key, Some(name.as_str()))
                    };
                    check_image(&mut out, name, new_name, &deployment.file, image.span());
                }
                for (name, _) in &k.replicas {
                    let found = rendered
                        .resources
                        .iter()
                        .any(|r| r.original_name == name.value || r.name == name.value);
                    if !found {
                        out.push(
                            Diagnostic::new(
                                Code::OverrideMatchesNothing,
                                format!(
                                    "replicas: no resource of {} is named '{}'",
                                    describe(deployment),
                                    name.value
                                ),
                            )
                            .at(deployment.file.clone(), name.span()),
                        );
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
