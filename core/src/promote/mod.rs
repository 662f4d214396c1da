//! `planPromotion`: the exact edits of a promotion PR, what they change in the rendered
//! manifests, and whether the gates allow it.
//!
//! For each container the target renders and the source also renders (same workload
//! identity, same container, same image name), the source's tag or digest is promoted. The
//! edit goes where the target's value is written when that file belongs to the target
//! overlay alone; otherwise an `images:` entry in the target's kustomization carries it. A
//! base or component shared with another environment is never edited. The plan is then
//! *verified*: the edits are applied to a copy of the repository and the target rendered
//! again; if any promoted container does not come out as intended, no edit is offered. For
//! each changed workload the plan says how the change will roll out in the target (its
//! strategy from the seed's table and, for Rollouts and Deployments, the simulated update).

pub mod pull_request;

/// Edits of `images:` lists, shared with previews (see [`crate::changeset::images_entry`]).
pub use crate::changeset::images_entry;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use self::images_entry::{Entry, Versions};
use crate::changeset::{ChangeSet, CollateralChange, Intent};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::envdiff::{ResourceDiff, Sides};
use crate::gates::evaluate::{self, Context, GateResult, GateStatus, Promotion};
use crate::kustomize::kustomization::KUSTOMIZATION_FILE_NAMES;
use crate::kustomize::transform::images::split;
use crate::kustomize::{RenderedImage, RenderedResource};
use crate::pipeline::{App, Pipeline};
use crate::repo::Repo;
use crate::rollouts::WorkloadRollout;
use crate::status::{Classification, Comparison, Relation, classify};
use crate::tree;
use crate::vecmap::VecMap;
use crate::yaml::edit::{self, TextEdit};
use crate::yaml::{Limits, Node, parse};

/// What to plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PromotionRequest {
    /// The app's name or its path (a path is needed when several apps share the name).
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
    /// How the target's current version relates to the source's (`ahead`: this change is a
    /// downgrade).
    pub relation: Relation,
    pub comparison: Comparison,
    /// Why, in words.
    pub note: String,
}

/// A change set entry: one file before and after, with its unified diff.
pub use crate::changeset::FileEdit;

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
    /// The app's name, or its path when another app has the same name.
    pub app: String,
    /// The app's directory; `None` when the request names no single app.
    pub app_path: Option<String>,
    pub from: Option<String>,
    pub to: String,
    pub changes: Vec<PlannedChange>,
    pub edits: Vec<FileEdit>,
    pub rendered_diff: String,
    /// Rendered changes the edits cause beyond the planned ones: another app's workload in a
    /// shared overlay, a resource a patch also matches, an overlay that includes the target.
    pub collateral: Vec<CollateralChange>,
    /// What else differs between the source and the target that the promotion does not carry
    /// (replicas, limits, config data, labels, resources in one environment only): the drift
    /// of `diffEnvironments`, each resource with only its unexpected differences.
    pub drift: Vec<ResourceDiff>,
    /// How each changed workload rolls out in the target, from the render after the edits.
    pub rollouts: Vec<WorkloadRollout>,
    pub gates: Vec<GateResult>,
    /// Whether a change moves a container to an older version (semver): the target runs
    /// something newer than the source. A host should ask before writing such a plan.
    pub downgrade: bool,
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
            app_path: None,
            from: request.from.clone(),
            to: request.to.clone(),
            changes: Vec::new(),
            edits: Vec::new(),
            rendered_diff: String::new(),
            collateral: Vec::new(),
            drift: Vec::new(),
            rollouts: Vec::new(),
            gates: Vec::new(),
            downgrade: false,
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

fn containers<'r>(resources: &[&'r RenderedResource]) -> Vec<Container<'r>> {
    resources
        .iter()
        .flat_map(|r| {
            r.images.iter().map(move |image| Container {
                workload: format!("{}/{}", r.kind, r.original_name),
                image,
            })
        })
        .collect()
}

fn non_empty(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
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
pub fn plan(repo: &mut Repo, request: &PromotionRequest) -> PromotionPlan {
    let mut out = build(repo, request);
    if repo.meter().exhausted() && !out.diagnostics.iter().any(|d| d.code == "R013") {
        out.diagnostics.push(repo.meter().exhausted_diagnostic("planning the promotion"));
        out.allowed = false;
    }
    out
}

fn build(repo: &mut Repo, request: &PromotionRequest) -> PromotionPlan {
    let mut out = PromotionPlan::empty(request);
    let pipeline = repo.pipeline();
    let app = match pipeline.lookup_app(&request.app) {
        Ok(app) => app.clone(),
        Err(diagnostic) => return out.refuse(*diagnostic),
    };
    out.app = pipeline.name_of(&app);
    out.app_path = Some(app.path.clone());
    let target = match app.lookup_environment(&request.to) {
        Ok(target) => target.clone(),
        Err(diagnostic) => return out.refuse(*diagnostic),
    };
    let upstream = pipeline.upstream(&app, &target.name);
    let Some(from) = request.from.clone().or_else(|| upstream.clone()) else {
        return out.refuse(Diagnostic::new(
            Code::NoSourceEnvironment,
            format!("'{}' is the first environment of '{}'; there is nothing to promote from (pass `from` explicitly)", target.name, app.name),
        ));
    };
    out.from = Some(from.clone());
    let source = match app.lookup_environment(&from) {
        Ok(source) => source.clone(),
        Err(diagnostic) => return out.refuse(*diagnostic),
    };
    let source_render = repo.render(&source.path).clone();
    let target_render = repo.render(&target.path).clone();
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
    let sides = Sides {
        app: &app,
        from: (&source.path, &source_render),
        to: (&target.path, &target_render),
    };
    out.drift = crate::envdiff::drift(&sides, repo.meter());
    let changes = find_changes(
        &app.resources(&source.path, &source_render),
        &app.resources(&target.path, &target_render),
        &mut out.diagnostics,
    );
    let target_kustomization = kustomization_file(repo, &target.path);
    let (edits, files) =
        plan_edits(repo, &target.path, &target_kustomization, &changes, &mut out.diagnostics);
    out.changes = changes
        .iter()
        .zip(files)
        .map(|(c, file)| PlannedChange { file, ..c.planned.clone() })
        .collect();
    report_downgrades(&mut out, &target.name, &from);
    finish_plan(repo, &pipeline, &app, &target.path, &edits, upstream.as_deref(), request, out)
}

/// Marks a plan that moves a container to an older version, with a warning naming each.
fn report_downgrades(out: &mut PromotionPlan, target: &str, source: &str) {
    let older: Vec<String> = out
        .changes
        .iter()
        .filter(|c| c.relation == Relation::Ahead)
        .map(|c| {
            let v = |s: &Option<String>| s.as_deref().unwrap_or("none").to_string();
            format!("{} '{}' from {} to {}", c.workload, c.container, v(&c.from), v(&c.to))
        })
        .collect();
    if older.is_empty() {
        return;
    }
    out.downgrade = true;
    out.diagnostics.push(
        Diagnostic::new(
            Code::PromotionDowngrade,
            format!(
                "{target} runs newer versions than {source} (semver); this promotion downgrades {}",
                older.join(", ")
            ),
        )
        .with_help(format!(
            "if {target} carries a hotfix, promote it upstream first; if it is a rollback to undo, confirm the downgrade"
        )),
    );
}

/// A change and where its value is written in the target.
struct Change {
    planned: PlannedChange,
    origin: Option<(String, Span)>,
}

fn find_changes(
    source: &[&RenderedResource],
    target: &[&RenderedResource],
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
        let (_, t_tag, t_digest) = split(&t.image.image);
        let (_, s_tag, s_digest) = split(&s.image.image);
        let Classification { relation, comparison, note } = classify(
            (non_empty(&t_tag), non_empty(&t_digest)),
            (non_empty(&s_tag), non_empty(&s_digest)),
        );
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
                relation,
                comparison,
                note,
            },
            origin: t.image.source.as_ref().map(|o| (o.file.clone(), o.span)),
        });
    }
    changes
}

fn kustomization_file(repo: &Repo, dir: &str) -> String {
    KUSTOMIZATION_FILE_NAMES
        .iter()
        .map(|n| crate::kustomize::build::join_file(dir, n))
        .find(|p| repo.tree().is_file(p))
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
    repo: &mut Repo,
    target_dir: &str,
    kustomization: &str,
    changes: &[Change],
    diagnostics: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, String>, Vec<Option<String>>) {
    let mut files = vec![None; changes.len()];
    let texts = edit_texts(repo, target_dir, kustomization, changes, &mut files, diagnostics);
    if texts.is_empty() {
        files.fill(None);
    }
    (texts, files)
}

fn edit_texts(
    repo: &mut Repo,
    target_dir: &str,
    kustomization: &str,
    changes: &[Change],
    files: &mut [Option<String>],
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    // Decide a site and a desired value for each change; refuse conflicting ones.
    let mut sites: VecMap<Site, (String, Vec<usize>)> = VecMap::new();
    for (i, change) in changes.iter().enumerate() {
        let site = site_for(repo, target_dir, kustomization, change);
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
            let Some(text) = repo.tree().text(file) else { continue };
            match scalar_edit(&text, file, *span, desired) {
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
        let text = repo.tree().text(&file).unwrap_or_default();
        match edit::apply(&text, &edits) {
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
                .or_else(|| repo.tree().text(file).map(|t| t.to_string()))
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
fn site_for(repo: &mut Repo, target_dir: &str, kustomization: &str, change: &Change) -> Site {
    if let Some((file, span)) = &change.origin
        && owned_by_target(repo, file, target_dir, kustomization)
    {
        let is_kustomization = KUSTOMIZATION_FILE_NAMES.contains(&tree::file_name(file));
        if is_kustomization
            && let Some(index) =
                repo.tree().text(file).and_then(|text| images_entry::entry_at(&text, *span))
        {
            return Site::Entry(file.clone(), EntryKey::Index(index));
        }
        if !is_kustomization || inline_patch_span(repo, file, *span) {
            return Site::Scalar(file.clone(), *span);
        }
    }
    let text = repo.tree().text(kustomization).unwrap_or_default();
    match images_entry::find_entry(&text, &change.planned.name) {
        Some(index) => Site::Entry(kustomization.to_string(), EntryKey::Index(index)),
        None => Site::Entry(kustomization.to_string(), EntryKey::Name(change.planned.name.clone())),
    }
}

/// Whether a span of a kustomization file lies inside an inline patch (a block scalar whose
/// image text can be replaced in place).
fn inline_patch_span(repo: &Repo, file: &str, span: Span) -> bool {
    let Some(text) = repo.tree().text(file) else { return false };
    let parsed = parse(&std::sync::Arc::from(file), &text, &Limits::default());
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
fn owned_by_target(repo: &mut Repo, file: &str, target_dir: &str, kustomization: &str) -> bool {
    if !tree::is_within(file, target_dir) {
        return false;
    }
    for dir in repo.kustomization_dirs().iter() {
        if dir == target_dir {
            continue;
        }
        let reads = repo.consulted(dir);
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
    repo: &mut Repo,
    pipeline: &Pipeline,
    app: &App,
    target_dir: &str,
    texts: &BTreeMap<String, String>,
    upstream: Option<&str>,
    request: &PromotionRequest,
    mut out: PromotionPlan,
) -> PromotionPlan {
    if !out.changes.is_empty() && !out.diagnostics.iter().any(Diagnostic::is_error) {
        match verify(repo, target_dir, texts, &out.changes, &out.to) {
            Ok(verified) => {
                out.rendered_diff = verified.rendered_diff;
                out.collateral = verified.collateral;
                out.rollouts = verified.rollouts;
                out.diagnostics.extend(verified.diagnostics);
                out.edits = verified.edits;
            }
            Err(problems) => {
                out.diagnostics.extend(problems);
                out.changes.iter_mut().for_each(|c| c.file = None);
            }
        }
    }
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
    let (gates, gate_diagnostics) = evaluate::evaluate(&config, &promotion, &context, repo.tree());
    out.gates = gates;
    out.diagnostics.extend(gate_diagnostics);
    let errors = out.diagnostics.iter().any(Diagnostic::is_error);
    out.allowed = !errors && out.gates.iter().all(|g| g.status == GateStatus::Pass);
    out.message = summary(&out, errors);
    if !out.changes.is_empty() && !errors {
        out.pull_request = Some(pull_request::compose(&out, app));
    }
    repo.locate(&mut out.diagnostics);
    for rollout in &mut out.rollouts {
        if let Some(simulation) = &mut rollout.simulation {
            repo.locate(&mut simulation.diagnostics);
        }
    }
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
    let named = |status: GateStatus| -> Vec<&str> {
        plan.gates.iter().filter(|g| g.status == status).map(|g| g.name.as_str()).collect()
    };
    let (failed, pending) = (named(GateStatus::Fail), named(GateStatus::Pending));
    let what = if n == 1 { "1 image".to_string() } else { format!("{n} images") };
    let downgrade = if plan.downgrade { " (a downgrade)" } else { "" };
    let what = format!("{what}{downgrade}");
    let collateral = match plan.collateral.len() {
        0 => String::new(),
        1 => ", with 1 collateral change".to_string(),
        c => format!(", with {c} collateral changes"),
    };
    let mut gates = Vec::new();
    if !failed.is_empty() {
        gates.push(format!("blocked by failed gates: {}", failed.join(", ")));
    }
    if !pending.is_empty() {
        gates.push(format!("waiting on: {}", pending.join(", ")));
    }
    if gates.is_empty() {
        gates.push("all gates pass".into());
    }
    format!("{what} to promote from {from} to {}{collateral}; {}", plan.to, gates.join("; "))
}

/// A plan's edits after verification.
struct Verified {
    edits: Vec<FileEdit>,
    rendered_diff: String,
    collateral: Vec<CollateralChange>,
    rollouts: Vec<WorkloadRollout>,
    diagnostics: Vec<Diagnostic>,
}

/// Makes the edits a change set and verifies it: every overlay that reads an edited file is
/// rendered again, each promoted container must come out as planned, and every other rendered
/// change is collateral (a warning). `Err` when the edits break a render or miss a container.
fn verify(
    repo: &mut Repo,
    target_dir: &str,
    texts: &BTreeMap<String, String>,
    changes: &[PlannedChange],
    env: &str,
) -> Result<Verified, Vec<Diagnostic>> {
    let unverified = |message: String| vec![Diagnostic::new(Code::PromotionUnverified, message)];
    let mut change = ChangeSet::new();
    for (path, text) in texts {
        change.write(repo.tree(), path, text.as_str()).map_err(|e| unverified(e.to_string()))?;
    }
    let intents: Vec<Intent> = changes
        .iter()
        .map(|c| {
            let (kind, name) = c.workload.split_once('/').unwrap_or((&c.workload, ""));
            Intent::image(kind, name, &c.container, &c.to_image)
        })
        .collect();
    let verification = change.verify(repo, &intents).map_err(|e| unverified(e.to_string()))?;
    let Some(after) = verification.rendered_after(target_dir) else {
        return Err(unverified(format!(
            "the planned edits do not reach the target overlay {target_dir}; no edits are offered"
        )));
    };
    if !verification.ok() || !after.ok() {
        let mut problems =
            unverified("the planned edits break a render; no edits are offered".to_string());
        problems.extend(verification.diagnostics.iter().filter(|d| d.is_error()).cloned());
        return Err(problems);
    }
    let resources: Vec<&RenderedResource> = after.resources.iter().collect();
    let rendered = containers(&resources);
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
    if !problems.is_empty() {
        return Err(problems);
    }
    let workloads: Vec<String> = changes.iter().map(|c| c.workload.clone()).collect();
    let rollouts = crate::rollouts::workload_rollouts(after, &workloads);
    // What changes in the cluster: the render of each deployment that applies the target
    // overlay (its controller's overrides included), else the overlay's own.
    let deployments: Vec<&crate::changeset::DeploymentChange> =
        verification.deployments_of(target_dir).collect();
    let rendered_diff = if deployments.is_empty() {
        crate::changeset::rendered_diff(repo.render(target_dir), after, env)
    } else {
        let mut diff = String::new();
        for d in &deployments {
            let label = match (&d.cluster, deployments.len()) {
                (_, 1) => env.to_string(),
                (Some(cluster), _) => format!("{env}@{cluster}"),
                (None, _) => format!("{env}@{}", d.id),
            };
            diff.push_str(&crate::changeset::rendered_diff(&d.before, &d.after, &label));
        }
        diff
    };
    Ok(Verified {
        rendered_diff,
        collateral: verification.collateral.clone(),
        rollouts,
        diagnostics: verification.diagnostics.clone(),
        edits: change.into_edits(),
    })
}

#[cfg(test)]
mod tests;
