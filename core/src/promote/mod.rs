//! `planPromotion`: the exact edits of a promotion PR, what they change in the rendered
//! manifests, and whether the gates allow it.
//!
//! For each container the target renders and the source also renders (same workload
//! identity, same container, same image name), the source's tag or digest is promoted. The
//! edit goes where the target's value is written when that file belongs to the target
//! overlay alone; otherwise an `images:` entry in the target's kustomization carries it. A
//! base or component shared with another environment is never edited. The plan is then
//! *verified*: the edits are applied to a copy of the repository and the target rendered
//! again; if any promoted container does not come out as intended, no edit is offered.

pub mod images_entry;
pub mod pull_request;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use self::images_entry::{Entry, Versions};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::gates::evaluate::{self, Context, GateResult, GateStatus, Promotion};
use crate::kustomize::kustomization::KUSTOMIZATION_FILE_NAMES;
use crate::kustomize::transform::images::split;
use crate::kustomize::{Rendered, RenderedImage};
use crate::pipeline::{App, Pipeline};
use crate::tree;
use crate::vecmap::VecMap;
use crate::workspace::Workspace;
use crate::yaml::edit::{self, TextEdit};
use crate::yaml::{Limits, Node, parse};

/// What to plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PromotionRequest {
    pub app: String,
    pub to: String,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub context: Option<Context>,
}

/// One container's promotion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlannedChange {
    pub workload: String,
    pub container: String,
    /// Image name (registry/repository).
    pub name: String,
    /// Current tag or digest in the target.
    pub from: Option<String>,
    /// The source's tag or digest.
    pub to: Option<String>,
    pub from_image: String,
    pub to_image: String,
    /// The file the edit for this change goes to.
    pub file: Option<String>,
}

/// A change set entry: one file before and after, with its unified diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileEdit {
    pub path: String,
    pub before: String,
    pub after: String,
    pub diff: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PullRequest {
    pub title: String,
    pub branch: String,
    pub body: String,
}

/// The result of `planPromotion`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PromotionPlan {
    pub app: String,
    pub from: Option<String>,
    pub to: String,
    pub changes: Vec<PlannedChange>,
    pub edits: Vec<FileEdit>,
    pub rendered_diff: String,
    pub gates: Vec<GateResult>,
    pub allowed: bool,
    /// A one-line summary ("nothing to promote: …", "2 images to promote", …).
    pub message: String,
    pub pull_request: Option<PullRequest>,
    pub diagnostics: Vec<Diagnostic>,
}

impl PromotionPlan {
    fn empty(request: &PromotionRequest) -> Self {
        PromotionPlan {
            app: request.app.clone(),
            from: request.from.clone(),
            to: request.to.clone(),
            changes: Vec::new(),
            edits: Vec::new(),
            rendered_diff: String::new(),
            gates: Vec::new(),
            allowed: false,
            message: String::new(),
            pull_request: None,
            diagnostics: Vec::new(),
        }
    }

    fn refuse(mut self, diagnostic: Diagnostic) -> Self {
        self.message.clone_from(&diagnostic.message);
        self.diagnostics.push(diagnostic);
        self
    }
}

/// A container of a render, with its workload identity.
struct Container<'a> {
    workload: String,
    image: &'a RenderedImage,
}

fn containers(rendered: &Rendered) -> Vec<Container<'_>> {
    rendered
        .resources
        .iter()
        .flat_map(|r| {
            r.images.iter().map(move |image| Container {
                workload: format!("{}/{}", r.kind, r.original_name),
                image,
            })
        })
        .collect()
}

fn version_of(image: &str) -> Option<String> {
    let (_, tag, digest) = split(image);
    if !digest.is_empty() {
        Some(digest)
    } else if !tag.is_empty() {
        Some(tag)
    } else {
        None
    }
}

/// `name` with the tag and digest of `source`.
fn retag(name: &str, source: &str) -> String {
    let (_, tag, digest) = split(source);
    let mut out = name.to_string();
    if !tag.is_empty() {
        out.push(':');
        out.push_str(&tag);
    }
    if !digest.is_empty() {
        out.push('@');
        out.push_str(&digest);
    }
    out
}

/// Plans a promotion.
pub fn plan(workspace: &mut Workspace, request: &PromotionRequest) -> PromotionPlan {
    let mut out = PromotionPlan::empty(request);
    let pipeline = workspace.pipeline();
    let Some(app) = pipeline.app(&request.app).cloned() else {
        let known: Vec<&str> = pipeline.apps.iter().map(|a| a.name.as_str()).collect();
        return out.refuse(
            Diagnostic::new(Code::UnknownApp, format!("there is no app named '{}'", request.app))
                .with_help(format!(
                    "known apps: {}",
                    if known.is_empty() { "(none)".into() } else { known.join(", ") }
                )),
        );
    };
    out.app.clone_from(&app.name);
    let known_envs =
        || app.environments.iter().map(|e| e.name.clone()).collect::<Vec<_>>().join(", ");
    let Some(target) = app.environment(&request.to).cloned() else {
        return out.refuse(
            Diagnostic::new(
                Code::UnknownEnvironment,
                format!("app '{}' has no environment '{}'", app.name, request.to),
            )
            .with_help(format!("its environments: {}", known_envs())),
        );
    };
    let upstream = pipeline.upstream(&app, &target.name);
    let Some(from) = request.from.clone().or_else(|| upstream.clone()) else {
        return out.refuse(Diagnostic::new(
            Code::NoSourceEnvironment,
            format!("'{}' is the first environment of '{}'; there is nothing to promote from (pass `from` explicitly)", target.name, app.name),
        ));
    };
    out.from = Some(from.clone());
    let Some(source) = app.environment(&from).cloned() else {
        return out.refuse(
            Diagnostic::new(
                Code::UnknownEnvironment,
                format!("app '{}' has no environment '{from}'", app.name),
            )
            .with_help(format!("its environments: {}", known_envs())),
        );
    };
    let source_render = workspace.render(&source.path);
    let target_render = workspace.render(&target.path);
    for (env, rendered) in [(&source, &source_render), (&target, &target_render)] {
        if !rendered.ok() {
            out.diagnostics.extend(rendered.diagnostics.iter().filter(|d| d.is_error()).cloned());
            return out.refuse(Diagnostic::new(
                Code::OverlayDoesNotRender,
                format!(
                    "the {} overlay ({}) does not render; fix it before promoting",
                    env.name, env.path
                ),
            ));
        }
    }
    let changes = find_changes(&source_render, &target_render, &mut out.diagnostics);
    let target_kustomization = kustomization_file(workspace, &target.path);
    let (edits, files) =
        plan_edits(workspace, &target.path, &target_kustomization, &changes, &mut out.diagnostics);
    out.changes = changes
        .iter()
        .zip(files)
        .map(|(c, file)| PlannedChange { file, ..c.planned.clone() })
        .collect();
    finish_plan(workspace, &pipeline, &app, &target.path, &edits, upstream.as_deref(), request, out)
}

/// A change and where its value is written in the target.
struct Change {
    planned: PlannedChange,
    origin: Option<(String, Span)>,
}

fn find_changes(
    source: &Rendered,
    target: &Rendered,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Change> {
    let source_containers = containers(source);
    let mut changes = Vec::new();
    for t in containers(target) {
        let Some(s) = source_containers.iter().find(|s| {
            s.workload == t.workload
                && s.image.container == t.image.container
                && s.image.list == t.image.list
        }) else {
            continue;
        };
        let (t_name, _, _) = split(&t.image.image);
        let (s_name, _, _) = split(&s.image.image);
        if t_name != s_name {
            diagnostics.push(Diagnostic::new(
                Code::ImageNameDiffers,
                format!(
                    "{} container '{}' runs {s_name} in the source but {t_name} in the target; not promoted",
                    t.workload, t.image.container
                ),
            ));
            continue;
        }
        let (from, to) = (version_of(&t.image.image), version_of(&s.image.image));
        if from == to {
            continue;
        }
        changes.push(Change {
            planned: PlannedChange {
                workload: t.workload.clone(),
                container: t.image.container.clone(),
                name: t_name.clone(),
                from,
                to,
                from_image: t.image.image.clone(),
                to_image: retag(&t_name, &s.image.image),
                file: None,
            },
            origin: t.image.source.as_ref().map(|o| (o.file.clone(), o.span)),
        });
    }
    changes
}

fn kustomization_file(workspace: &Workspace, dir: &str) -> String {
    KUSTOMIZATION_FILE_NAMES
        .iter()
        .map(|n| crate::kustomize::build::join_file(dir, n))
        .find(|p| workspace.tree().is_file(p))
        .unwrap_or_else(|| crate::kustomize::build::join_file(dir, "kustomization.yaml"))
}

/// Where an edit goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Site {
    /// Replace the image scalar at this span of this file.
    Scalar(String, Span),
    /// An `images:` entry (existing index, or new for a name) of this kustomization.
    Entry(String, EntryKey),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum EntryKey {
    Index(usize),
    Name(String),
}

fn plan_edits(
    workspace: &mut Workspace,
    target_dir: &str,
    kustomization: &str,
    changes: &[Change],
    diagnostics: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, String>, Vec<Option<String>>) {
    let mut files = vec![None; changes.len()];
    let texts = edit_texts(workspace, target_dir, kustomization, changes, &mut files, diagnostics);
    if texts.is_empty() {
        files.fill(None);
    }
    (texts, files)
}

fn edit_texts(
    workspace: &mut Workspace,
    target_dir: &str,
    kustomization: &str,
    changes: &[Change],
    files: &mut [Option<String>],
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    // Decide a site and a desired value for each change; refuse conflicting ones.
    let mut sites: VecMap<Site, (String, Vec<usize>)> = VecMap::new();
    for (i, change) in changes.iter().enumerate() {
        let site = site_for(workspace, target_dir, kustomization, change);
        files[i] = Some(site_file(&site).to_string());
        let desired = change.planned.to_image.clone();
        match sites.get_mut(&site) {
            Some((existing, members)) if versions_of(existing) != versions_of(&desired) => {
                let other = &changes[members[0]].planned;
                diagnostics.push(Diagnostic::new(
                    Code::PromotionConflict,
                    format!(
                        "{} '{}' and {} '{}' share one place in the target ({}) but need different versions ({} vs {})",
                        other.workload,
                        other.container,
                        change.planned.workload,
                        change.planned.container,
                        site_file(&site),
                        other.to.as_deref().unwrap_or("none"),
                        change.planned.to.as_deref().unwrap_or("none"),
                    ),
                ));
                return BTreeMap::new();
            }
            Some((_, members)) => members.push(i),
            None => {
                sites.insert(site, (desired, vec![i]));
            }
        }
    }
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    // Scalar edits first (by span, within each file), then entry edits (they re-parse).
    let mut scalar_edits: BTreeMap<String, Vec<TextEdit>> = BTreeMap::new();
    for (site, (desired, _)) in &sites {
        if let Site::Scalar(file, span) = site {
            let Some(text) = workspace.tree().text(file) else { continue };
            match scalar_edit(text, file, *span, desired) {
                Ok(edit) => scalar_edits.entry(file.clone()).or_default().push(edit),
                Err(message) => {
                    diagnostics.push(
                        Diagnostic::new(Code::EditImpossible, message).at(file.clone(), *span),
                    );
                    return BTreeMap::new();
                }
            }
        }
    }
    for (file, edits) in scalar_edits {
        let text = workspace.tree().text(&file).unwrap_or_default();
        match edit::apply(text, &edits) {
            Ok(after) => {
                texts.insert(file, after);
            }
            Err(e) => {
                diagnostics
                    .push(Diagnostic::new(Code::EditImpossible, e.to_string()).in_file(file));
                return BTreeMap::new();
            }
        }
    }
    for (site, (desired, _)) in &sites {
        if let Site::Entry(file, key) = site {
            let current = texts
                .get(file)
                .cloned()
                .or_else(|| workspace.tree().text(file).map(str::to_string))
                .unwrap_or_default();
            let entry = match key {
                EntryKey::Index(i) => Entry::Index(*i),
                EntryKey::Name(name) => Entry::New(name.clone()),
            };
            match images_entry::set_versions(&current, &entry, &versions_of(desired)) {
                Ok(after) => {
                    texts.insert(file.clone(), after);
                }
                Err(e) => {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::EditImpossible,
                            format!("cannot edit images in {file}: {e}"),
                        )
                        .in_file(file.clone()),
                    );
                    return BTreeMap::new();
                }
            }
        }
    }
    texts
}

fn site_file(site: &Site) -> &str {
    match site {
        Site::Scalar(f, _) | Site::Entry(f, _) => f,
    }
}

fn versions_of(image: &str) -> Versions {
    let (_, tag, digest) = split(image);
    Versions {
        tag: (!tag.is_empty()).then_some(tag),
        digest: (!digest.is_empty()).then_some(digest),
    }
}

/// Chooses where a change's edit goes.
fn site_for(
    workspace: &mut Workspace,
    target_dir: &str,
    kustomization: &str,
    change: &Change,
) -> Site {
    if let Some((file, span)) = &change.origin
        && owned_by_target(workspace, file, target_dir, kustomization)
    {
        let is_kustomization = KUSTOMIZATION_FILE_NAMES.contains(&tree::file_name(file));
        if is_kustomization
            && let Some(index) =
                workspace.tree().text(file).and_then(|text| images_entry::entry_at(text, *span))
        {
            return Site::Entry(file.clone(), EntryKey::Index(index));
        }
        if !is_kustomization || inline_patch_span(workspace, file, *span) {
            return Site::Scalar(file.clone(), *span);
        }
    }
    let text = workspace.tree().text(kustomization).unwrap_or_default();
    match images_entry::find_entry(text, &change.planned.name) {
        Some(index) => Site::Entry(kustomization.to_string(), EntryKey::Index(index)),
        None => Site::Entry(kustomization.to_string(), EntryKey::Name(change.planned.name.clone())),
    }
}

/// Whether a span of a kustomization file lies inside an inline patch (a block scalar whose
/// image text can be replaced in place).
fn inline_patch_span(workspace: &Workspace, file: &str, span: Span) -> bool {
    let Some(text) = workspace.tree().text(file) else { return false };
    let parsed = parse(&std::sync::Arc::from(file), text, &Limits::default());
    let Some(root) = parsed.documents.first().map(|d| &d.root) else { return false };
    ["patches", "patchesStrategicMerge"].iter().any(|field| {
        root.get(field).and_then(Node::as_seq).is_some_and(|items| {
            items.iter().any(|item| {
                let scalar = if item.is_scalar() { Some(item) } else { item.get("patch") };
                scalar.is_some_and(|s| {
                    s.origin.span.start <= span.start
                        && span.end <= s.origin.span.end
                        && span.len() < s.origin.span.len()
                })
            })
        })
    })
}

/// Whether `file` is read only by the target overlay (and kustomizations that include it).
fn owned_by_target(
    workspace: &mut Workspace,
    file: &str,
    target_dir: &str,
    kustomization: &str,
) -> bool {
    if !tree::is_within(file, target_dir) {
        return false;
    }
    for dir in workspace.kustomization_dirs() {
        if dir == target_dir {
            continue;
        }
        let reads = workspace.consulted(&dir);
        if reads.files.contains(file) && !reads.files.contains(kustomization) {
            return false;
        }
    }
    true
}

/// The edit replacing the image written at `span` with the desired version, keeping the
/// name as written there (later transformers may rename it).
fn scalar_edit(text: &str, file: &str, span: Span, desired: &str) -> Result<TextEdit, String> {
    let written = text
        .get(span.range())
        .ok_or_else(|| format!("the image position in {file} is out of date"))?;
    let parsed = parse(&std::sync::Arc::from(file), written, &Limits::default());
    let node = parsed.documents.first().map(|d| d.root.clone()).filter(Node::is_scalar);
    let value = node.as_ref().and_then(Node::scalar).unwrap_or(written).to_string();
    let (name, _, _) = split(&value);
    let new_value = retag(&name, desired);
    // Re-anchor the parsed scalar at its place in the file.
    let mut node = node.unwrap_or_else(|| Node::string(value.clone()));
    node.origin.span = span;
    edit::replace_scalar(text, &node, &new_value)
        .map_err(|e| format!("cannot change the image in {file}: {e}"))
}

#[allow(clippy::too_many_arguments)]
fn finish_plan(
    workspace: &mut Workspace,
    pipeline: &Pipeline,
    app: &App,
    target_dir: &str,
    texts: &BTreeMap<String, String>,
    upstream: Option<&str>,
    request: &PromotionRequest,
    mut out: PromotionPlan,
) -> PromotionPlan {
    let before_render = workspace.render(target_dir);
    let mut edits: Vec<FileEdit> = Vec::new();
    if !out.changes.is_empty() && !out.diagnostics.iter().any(Diagnostic::is_error) {
        match verify(workspace, target_dir, texts, &out.changes) {
            Ok(after_render) => {
                out.rendered_diff = rendered_diff(&before_render, &after_render, &out.to);
                for (path, after) in texts {
                    let before = workspace.tree().text(path).unwrap_or_default().to_string();
                    let diff = crate::diff::unified(
                        &before,
                        after,
                        &format!("a/{path}"),
                        &format!("b/{path}"),
                        3,
                    );
                    edits.push(FileEdit { path: path.clone(), before, after: after.clone(), diff });
                }
            }
            Err(problems) => {
                out.diagnostics.extend(problems);
                out.changes.iter_mut().for_each(|c| c.file = None);
            }
        }
    }
    out.edits = edits;
    let from = out.from.clone().unwrap_or_default();
    let changed_files: Vec<String> = out.edits.iter().map(|e| e.path.clone()).collect();
    let new_versions: Vec<String> = out.changes.iter().filter_map(|c| c.to.clone()).collect();
    let context = request.context.clone().unwrap_or_default();
    let config = pipeline.environment(&out.to).map(|e| e.gates.clone()).unwrap_or_default();
    let promotion = Promotion {
        from: &from,
        to: &out.to,
        upstream,
        changed_files: &changed_files,
        new_versions: &new_versions,
    };
    let (gates, gate_diagnostics) =
        evaluate::evaluate(&config, &promotion, &context, workspace.tree());
    out.gates = gates;
    out.diagnostics.extend(gate_diagnostics);
    let errors = out.diagnostics.iter().any(Diagnostic::is_error);
    out.allowed = !errors && out.gates.iter().all(|g| g.status == GateStatus::Pass);
    out.message = summary(&out, errors);
    if !out.changes.is_empty() && !errors {
        out.pull_request = Some(pull_request::compose(&out, app));
    }
    crate::workspace::locate_all(workspace.tree(), &mut out.diagnostics);
    out
}

fn summary(plan: &PromotionPlan, errors: bool) -> String {
    let from = plan.from.as_deref().unwrap_or("?");
    if errors {
        return format!("cannot plan the promotion of {} from {from} to {}", plan.app, plan.to);
    }
    if plan.changes.is_empty() {
        return format!(
            "nothing to promote: {} already runs what {from} runs for {}",
            plan.to, plan.app
        );
    }
    let n = plan.changes.len();
    let blocked: Vec<&str> = plan
        .gates
        .iter()
        .filter(|g| g.status != GateStatus::Pass)
        .map(|g| g.name.as_str())
        .collect();
    let what = if n == 1 { "1 image".to_string() } else { format!("{n} images") };
    if blocked.is_empty() {
        format!("{what} to promote from {from} to {}; all gates pass", plan.to)
    } else {
        format!("{what} to promote from {from} to {}; waiting on: {}", plan.to, blocked.join(", "))
    }
}

/// Applies the edits to a copy of the workspace and checks the promoted containers.
fn verify(
    workspace: &Workspace,
    target_dir: &str,
    texts: &BTreeMap<String, String>,
    changes: &[PlannedChange],
) -> Result<Rendered, Vec<Diagnostic>> {
    let mut copy = Workspace::new(workspace.tree().clone());
    for (path, text) in texts {
        if let Err(e) = copy.set_file(path, text) {
            return Err(vec![Diagnostic::new(Code::PromotionUnverified, e.to_string())]);
        }
    }
    let after = copy.render(target_dir);
    if !after.ok() {
        let mut problems = vec![Diagnostic::new(
            Code::PromotionUnverified,
            "the planned edits break the target's render; no edits are offered",
        )];
        problems.extend(after.diagnostics.into_iter().filter(Diagnostic::is_error));
        return Err(problems);
    }
    let rendered = containers(&after);
    let mut problems = Vec::new();
    for change in changes {
        let got = rendered
            .iter()
            .find(|c| c.workload == change.workload && c.image.container == change.container)
            .map(|c| c.image.image.as_str());
        if got != Some(change.to_image.as_str()) {
            problems.push(Diagnostic::new(
                Code::PromotionUnverified,
                format!(
                    "after the planned edits, {} '{}' would run {} instead of {}; no edits are offered",
                    change.workload,
                    change.container,
                    got.unwrap_or("nothing"),
                    change.to_image
                ),
            ));
        }
    }
    if problems.is_empty() { Ok(after) } else { Err(problems) }
}

/// Unified diffs of the target's rendered resources, resource by resource.
fn rendered_diff(before: &Rendered, after: &Rendered, env: &str) -> String {
    let key = |r: &crate::kustomize::RenderedResource| format!("{}/{}", r.kind, r.name);
    let mut out = String::new();
    for a in &after.resources {
        let name = key(a);
        let old = before.resources.iter().find(|b| key(b) == name).map_or("", |b| b.yaml.as_str());
        out.push_str(&crate::diff::unified(
            old,
            &a.yaml,
            &format!("a/{env}/{name}"),
            &format!("b/{env}/{name}"),
            3,
        ));
    }
    for b in &before.resources {
        if !after.resources.iter().any(|a| key(a) == key(b)) {
            let name = key(b);
            out.push_str(&crate::diff::unified(
                &b.yaml,
                "",
                &format!("a/{env}/{name}"),
                &format!("b/{env}/{name}"),
                3,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests;
