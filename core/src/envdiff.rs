//! `diffEnvironments`: what differs between two environments of an app, with the differences
//! every pipeline expects set apart, so that the drift stands out.
//!
//! Two environments of one app always differ: each renders into its own namespace, often with
//! a name prefix or suffix (and so different hashed `ConfigMap` names), and the downstream one
//! runs an older image until the next promotion. A plain diff of the two renders buries what
//! matters (production runs 5 replicas, staging 2; a limit raised in one place only; a config
//! key nobody carried over) under those lines. So:
//!
//! 1. Resources are paired by identity before prefixes, suffixes, hashes and namespace: group,
//!    kind and the name they were written with (`original_name`). Where an identity repeats
//!    within an environment, the namespace tells them apart.
//! 2. Paired resources are compared field by field (the comparison of `changeset`), and each
//!    field difference is classified by where it is: `image`, `replicas`, `resources`
//!    (requests/limits), `config` (ConfigMap/Secret data), `labels` (labels, annotations,
//!    selectors), `namespace`, `name`, or `other`.
//! 3. A difference is *expected* when a pipeline makes it by design: the namespace (also where
//!    another field holds the environment's namespace), the name (and references to a name
//!    that differs only by prefix, suffix or hash: the same resource in both renders), and a
//!    container image whose repository is the same (what promotions move). Everything else,
//!    and every resource present in one environment only, is drift.
//!
//! A promotion plan carries only images; its `drift` is this comparison's drift between the
//! source and the target: what else differs, that the promotion leaves as it is.

use serde::{Deserialize, Serialize};

use crate::changeset::{FieldChange, ResourceRef, field_changes};
use crate::diagnostic::{Code, Diagnostic};
use crate::kustomize::resid::split_api_version;
use crate::kustomize::transform::images::split;
use crate::kustomize::{Rendered, RenderedResource};
use crate::pipeline::App;
use crate::repo::Repo;
use crate::vecmap::VecMap;
use crate::work::Meter;

/// What to compare.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnvDiffRequest {
    /// The app's name or its path (a path is needed when several apps share the name).
    pub app: String,
    pub from: String,
    pub to: String,
}

/// Where a difference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Category {
    /// A container's image.
    Image,
    /// `spec.replicas`.
    Replicas,
    /// A container's resource requests and limits.
    Resources,
    /// `ConfigMap` or `Secret` data.
    Config,
    /// Labels, annotations and label selectors.
    Labels,
    Namespace,
    Name,
    Other,
}

/// Why a difference is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Expected {
    /// Each environment has its namespace.
    Namespace,
    /// The same resource, named with another prefix, suffix or hash.
    NameAffix,
    /// The same image repository at another version: what a promotion moves.
    PromotedImage,
}

/// One field that differs between the environments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Difference {
    /// kyaml field path (`spec.template.spec.containers.[name=web].resources.limits.cpu`).
    pub path: String,
    /// The value in `from`, in one line (`None`: absent there).
    pub from: Option<String>,
    pub to: Option<String>,
    pub category: Category,
    /// Why the difference is by design; `None`: drift.
    pub expected: Option<Expected>,
}

/// One resource that differs: its identity, how each environment renders it, and what differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDiff {
    pub api_version: String,
    pub kind: String,
    /// The name as written, before prefixes, suffixes and hashes.
    pub name: String,
    /// The resource as `from` renders it; `None`: only `to` has it.
    pub from: Option<ResourceRef>,
    pub to: Option<ResourceRef>,
    /// Field differences (at most 50; see `more_differences`), expected ones included.
    pub differences: Vec<Difference>,
    pub more_differences: usize,
    /// Whether anything here is drift: a difference not expected, or a one-sided resource.
    pub drift: bool,
    /// Unified diff of the two rendered resources (`a/<from overlay>/…`, `b/<to overlay>/…`).
    pub diff: String,
}

/// Drift counted by category (expected differences are not counted here).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftCounts {
    pub image: usize,
    pub replicas: usize,
    pub resources: usize,
    pub config: usize,
    pub labels: usize,
    pub other: usize,
    /// Resources only `from` renders.
    pub only_in_from: usize,
    /// Resources only `to` renders.
    pub only_in_to: usize,
}

/// The result of `diffEnvironments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentDiff {
    /// The app's name, or its path when another app has the same name.
    pub app: String,
    /// The app's directory; `None` when the request names no single app.
    pub app_path: Option<String>,
    pub from: String,
    pub to: String,
    /// The overlays compared.
    pub from_path: Option<String>,
    pub to_path: Option<String>,
    /// Resources that differ, in `from`'s order, then those only in `to`.
    pub resources: Vec<ResourceDiff>,
    /// Resources that render the same in both (once names and namespaces are set aside).
    pub identical: usize,
    /// Expected differences (namespace, names, promoted images).
    pub expected: usize,
    pub drift: DriftCounts,
    /// One line: how much drift, of which kinds.
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl EnvironmentDiff {
    fn empty(request: &EnvDiffRequest) -> Self {
        EnvironmentDiff {
            app: request.app.clone(),
            app_path: None,
            from: request.from.clone(),
            to: request.to.clone(),
            from_path: None,
            to_path: None,
            resources: Vec::new(),
            identical: 0,
            expected: 0,
            drift: DriftCounts::default(),
            message: String::new(),
            diagnostics: Vec::new(),
        }
    }

    fn refuse(mut self, diagnostic: Diagnostic) -> Self {
        self.message.clone_from(&diagnostic.message);
        self.diagnostics.push(diagnostic);
        self
    }

    /// The number of drifting differences and one-sided resources.
    #[must_use]
    pub fn drift_total(&self) -> usize {
        let d = &self.drift;
        d.image
            + d.replicas
            + d.resources
            + d.config
            + d.labels
            + d.other
            + d.only_in_from
            + d.only_in_to
    }
}

/// Compares two environments of an app.
pub fn diff_environments(repo: &mut Repo, request: &EnvDiffRequest) -> EnvironmentDiff {
    let mut out = build(repo, request);
    if repo.meter().exhausted() && !out.diagnostics.iter().any(|d| d.code == "R013") {
        out.diagnostics.push(repo.meter().exhausted_diagnostic("comparing the environments"));
    }
    repo.locate(&mut out.diagnostics);
    out
}

fn build(repo: &mut Repo, request: &EnvDiffRequest) -> EnvironmentDiff {
    let mut out = EnvironmentDiff::empty(request);
    let pipeline = repo.pipeline();
    let app = match pipeline.lookup_app(&request.app) {
        Ok(app) => app.clone(),
        Err(diagnostic) => return out.refuse(*diagnostic),
    };
    out.app = pipeline.name_of(&app);
    out.app_path = Some(app.path.clone());
    let mut paths = Vec::with_capacity(2);
    for name in [&request.from, &request.to] {
        match app.lookup_environment(name) {
            Ok(env) => paths.push(env.path.clone()),
            Err(diagnostic) => return out.refuse(*diagnostic),
        }
    }
    out.from_path = Some(paths[0].clone());
    out.to_path = Some(paths[1].clone());
    let from = repo.render(&paths[0]).clone();
    let to = repo.render(&paths[1]).clone();
    for (env, dir, rendered) in [(&request.from, &paths[0], &from), (&request.to, &paths[1], &to)] {
        if !rendered.ok() {
            out.diagnostics.extend(rendered.diagnostics.iter().filter(|d| d.is_error()).cloned());
            return out.refuse(Diagnostic::new(
                Code::OverlayDoesNotRender,
                format!("the {env} overlay ({dir}) does not render; fix it to compare"),
            ));
        }
    }
    let sides = Sides { app: &app, from: (&paths[0], &from), to: (&paths[1], &to) };
    compare(&sides, repo.meter(), &mut out);
    out.message = summary(&out);
    out
}

/// The two renders an environment diff compares (overlay directory and render of each).
pub(crate) struct Sides<'a> {
    pub app: &'a App,
    pub from: (&'a str, &'a Rendered),
    pub to: (&'a str, &'a Rendered),
}

/// Only the drift between two renders of an app: the resources with a difference that is not
/// expected, each with only those differences (a promotion plan's "what else differs").
pub(crate) fn drift(sides: &Sides, meter: &mut Meter) -> Vec<ResourceDiff> {
    let mut out = EnvironmentDiff::empty(&EnvDiffRequest::default());
    compare(sides, meter, &mut out);
    let mut resources = out.resources;
    resources.retain(|r| r.drift);
    for resource in &mut resources {
        resource.differences.retain(|d| d.expected.is_none());
    }
    resources
}

/// A resource's identity across environments: group, kind, name as written.
fn identity(resource: &RenderedResource) -> (&str, &str, &str) {
    (split_api_version(&resource.api_version).0, &resource.kind, &resource.original_name)
}

/// Pairs the resources of two renders by identity; where an identity repeats, by namespace,
/// then in order. Returns, for each resource of `from`, the index of its partner in `to`.
fn pair(from: &[&RenderedResource], to: &[&RenderedResource]) -> Vec<Option<usize>> {
    let mut index: VecMap<(&str, &str, &str), Vec<usize>> = VecMap::new();
    for (i, r) in to.iter().enumerate() {
        index.get_or_insert_with(identity(r), Vec::new).push(i);
    }
    let mut taken = vec![false; to.len()];
    let mut out = vec![None; from.len()];
    // First the partners in the same namespace, then any left with the same identity.
    for same_namespace in [true, false] {
        for (i, f) in from.iter().enumerate() {
            if out[i].is_some() {
                continue;
            }
            let Some(candidates) = index.get(&identity(f)) else { continue };
            let found = candidates
                .iter()
                .copied()
                .find(|&j| !taken[j] && (!same_namespace || to[j].namespace == f.namespace));
            if let Some(j) = found {
                taken[j] = true;
                out[i] = Some(j);
            }
        }
    }
    out
}

/// Names and namespaces each side renders, to recognize the expected differences in values
/// that refer to them.
struct Names<'a> {
    namespaces: [Vec<&'a str>; 2],
    /// Rendered name → names as written, per side.
    names: [VecMap<&'a str, Vec<&'a str>>; 2],
}

impl<'a> Names<'a> {
    fn new(from: &[&'a RenderedResource], to: &[&'a RenderedResource]) -> Self {
        let mut out = Names { namespaces: [Vec::new(), Vec::new()], names: Default::default() };
        for (side, resources) in [from, to].into_iter().enumerate() {
            for r in resources {
                if let Some(ns) = r.namespace.as_deref()
                    && !out.namespaces[side].contains(&ns)
                {
                    out.namespaces[side].push(ns);
                }
                out.names[side].get_or_insert_with(&r.name, Vec::new).push(&r.original_name);
            }
        }
        out
    }

    /// Whether `from` and `to` are the two environments' namespaces, or names of the same
    /// resource, so that a field holding them differs by design.
    fn expected(&self, from: Option<&str>, to: Option<&str>) -> Option<Expected> {
        let (from, to) = (unquote(from?), unquote(to?));
        if self.namespaces[0].contains(&from) && self.namespaces[1].contains(&to) {
            return Some(Expected::Namespace);
        }
        let (a, b) = (self.names[0].get(from)?, self.names[1].get(to)?);
        a.iter().any(|n| b.contains(n)).then_some(Expected::NameAffix)
    }
}

/// The text of a value as [`FieldChange`] prints it (quoted scalars in double quotes).
fn unquote(value: &str) -> &str {
    value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value)
}

fn compare(sides: &Sides, meter: &mut Meter, out: &mut EnvironmentDiff) {
    let from = sides.app.resources(sides.from.0, sides.from.1);
    let to = sides.app.resources(sides.to.0, sides.to.1);
    let names = Names::new(&from, &to);
    let partners = pair(&from, &to);
    let mut paired = vec![false; to.len()];
    for (f, partner) in from.iter().zip(&partners) {
        if let Some(j) = *partner {
            paired[j] = true;
            let t = to[j];
            if f.yaml == t.yaml {
                out.identical += 1;
                continue;
            }
            let resource = both(sides, &names, f, t, meter);
            if resource.differences.is_empty() && resource.more_differences == 0 {
                out.identical += 1;
                continue;
            }
            out.resources.push(resource);
        } else {
            out.drift.only_in_from += 1;
            out.resources.push(one_sided(sides, f, true));
        }
        if meter.exhausted() {
            return;
        }
    }
    for (t, _) in to.iter().zip(&paired).filter(|(_, p)| !**p) {
        out.drift.only_in_to += 1;
        out.resources.push(one_sided(sides, t, false));
    }
    for resource in &out.resources {
        for d in &resource.differences {
            count(d, &mut out.expected, &mut out.drift);
        }
    }
}

fn count(difference: &Difference, expected: &mut usize, d: &mut DriftCounts) {
    if difference.expected.is_some() {
        *expected += 1;
        return;
    }
    *match difference.category {
        Category::Image => &mut d.image,
        Category::Replicas => &mut d.replicas,
        Category::Resources => &mut d.resources,
        Category::Config => &mut d.config,
        Category::Labels => &mut d.labels,
        Category::Namespace | Category::Name | Category::Other => &mut d.other,
    } += 1;
}

fn label(dir: &str, resource: &RenderedResource) -> String {
    format!("{dir}/{}", ResourceRef::of(resource).label())
}

fn both(
    sides: &Sides,
    names: &Names,
    from: &RenderedResource,
    to: &RenderedResource,
    meter: &mut Meter,
) -> ResourceDiff {
    let (fields, more) = field_changes(sides.from.0, from, to, meter);
    let differences: Vec<Difference> =
        fields.into_iter().map(|f| classify(&from.kind, f, names)).collect();
    let drift = more > 0 || differences.iter().any(|d| d.expected.is_none());
    ResourceDiff {
        api_version: to.api_version.clone(),
        kind: to.kind.clone(),
        name: to.original_name.clone(),
        from: Some(ResourceRef::of(from)),
        to: Some(ResourceRef::of(to)),
        differences,
        more_differences: more,
        drift,
        diff: crate::diff::unified(
            &from.yaml,
            &to.yaml,
            &format!("a/{}", label(sides.from.0, from)),
            &format!("b/{}", label(sides.to.0, to)),
            crate::diff::DEFAULT_CONTEXT,
        ),
    }
}

fn one_sided(sides: &Sides, resource: &RenderedResource, in_from: bool) -> ResourceDiff {
    let (old, new) = if in_from { (&resource.yaml[..], "") } else { ("", &resource.yaml[..]) };
    let (a, b) = if in_from {
        (format!("a/{}", label(sides.from.0, resource)), "/dev/null".to_string())
    } else {
        ("/dev/null".to_string(), format!("b/{}", label(sides.to.0, resource)))
    };
    let rendered = Some(ResourceRef::of(resource));
    ResourceDiff {
        api_version: resource.api_version.clone(),
        kind: resource.kind.clone(),
        name: resource.original_name.clone(),
        from: if in_from { rendered.clone() } else { None },
        to: if in_from { None } else { rendered },
        differences: Vec::new(),
        more_differences: 0,
        drift: true,
        diff: crate::diff::unified(old, new, &a, &b, crate::diff::DEFAULT_CONTEXT),
    }
}

/// Lists of containers whose `image` kustomize's image transformer reads.
const CONTAINER_LISTS: &[&str] = &["containers", "initContainers", "ephemeralContainers"];

/// Classifies one field difference by its path, and says whether it is expected.
fn classify(kind: &str, field: FieldChange, names: &Names) -> Difference {
    let FieldChange { path, before, after, .. } = field;
    let segments: Vec<&str> = path.split('.').collect();
    let in_container = segments.iter().any(|s| CONTAINER_LISTS.contains(s));
    let category = match segments.as_slice() {
        ["metadata", "namespace"] => Category::Namespace,
        ["metadata", "name"] => Category::Name,
        [.., "image"] if in_container => Category::Image,
        ["spec", "replicas"] => Category::Replicas,
        _ if in_container && segments.contains(&"resources") => Category::Resources,
        ["data" | "stringData" | "binaryData", ..] if matches!(kind, "ConfigMap" | "Secret") => {
            Category::Config
        }
        _ if segments.windows(2).any(|w| {
            matches!(w, ["metadata", "labels" | "annotations"] | [_, "matchLabels"])
                || (w[1] == "selector" && kind == "Service")
        }) =>
        {
            Category::Labels
        }
        _ => Category::Other,
    };
    let expected = match category {
        Category::Namespace => Some(Expected::Namespace),
        Category::Name => Some(Expected::NameAffix),
        Category::Image => {
            let repository = |v: &Option<String>| v.as_deref().map(|v| split(unquote(v)).0);
            (before.is_some() && repository(&before) == repository(&after))
                .then_some(Expected::PromotedImage)
        }
        _ => names.expected(before.as_deref(), after.as_deref()),
    };
    Difference { path, from: before, to: after, category, expected }
}

fn summary(out: &EnvironmentDiff) -> String {
    let d = &out.drift;
    let parts: Vec<String> = [
        (d.image, "image"),
        (d.replicas, "replicas"),
        (d.resources, "resources/limits"),
        (d.config, "config data"),
        (d.labels, "labels/annotations"),
        (d.other, "other"),
        (d.only_in_from, "only in from"),
        (d.only_in_to, "only in to"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| match *what {
        "only in from" => format!("{n} only in {}", out.from),
        "only in to" => format!("{n} only in {}", out.to),
        _ => format!("{n} {what}"),
    })
    .collect();
    let expected = match out.expected {
        0 => String::new(),
        n => format!("; {n} expected (namespace, names, promoted images)"),
    };
    if parts.is_empty() {
        format!("{} and {} differ only as expected{expected}", out.from, out.to)
    } else {
        let total = out.drift_total();
        format!(
            "{} differs from {} in {total} way{} beyond the expected: {}{expected}",
            out.to,
            out.from,
            if total == 1 { "" } else { "s" },
            parts.join(", ")
        )
    }
}

#[cfg(test)]
mod tests;
