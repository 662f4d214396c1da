//! The one change-set type: file edits, creations and deletions, verified by rendering what
//! they touch before they are offered.
//!
//! Promotions, Flux image updates, preview environments and deployment renders all end in the
//! same answer: "change these files". A [`ChangeSet`] is that answer, as a list of
//! [`FileEdit`]s `{path, before, after, diff}` where `before: None` creates a file and
//! `after: None` deletes it. Every feature builds one the same way and verifies it the same
//! way, so every feature reports the same facts about its change:
//!
//! 1. [`ChangeSet::apply`] makes a copy of the tree with the edits applied (the original is
//!    never touched; an edit whose `before` no longer matches is refused).
//! 2. [`ChangeSet::verify`] renders, before and after, every overlay whose render consulted a
//!    touched path (read it, probed for it, or listed its directory), plus every overlay the
//!    change creates. Renders of the original come from the repository's cache; the copy gets
//!    a cache that keeps the parses ([`crate::repo::Renders::for_copy`]).
//! 3. Rendered resources are paired by group, kind, namespace and name (not by kind and name:
//!    two `ConfigMap/cfg` in namespaces `a` and `b` are two objects), compared field by field,
//!    and diffed as text per overlay ([`rendered_diff`]).
//! 4. The caller declares what it means to change as [`Intent`]s. Every rendered change no
//!    intent explains is *collateral*: listed with the resource and the fields that changed
//!    ([`CollateralChange`]) and reported as a warning (`R009`) pointing at the edit that
//!    caused it. An overlay that rendered before and fails after is an error (`R010`).
//! 5. A cluster does not apply an overlay as `kustomize build` prints it but as a Flux
//!    Kustomization or an Argo CD Application builds it (see [`crate::deploy`]): the
//!    deployments of every affected overlay are rendered before and after too
//!    ([`Verification::deployments`]), so a caller can show what changes in the cluster,
//!    overrides and substitutions included; one that rendered before and fails after is
//!    `R010` as well.
//!
//! Field paths are written in kyaml's syntax, as `replacements` use them:
//! `spec.template.spec.containers.[name=web].image`, a numeric part for a list item without
//! names, and `[a.b/c]` for a key holding a dot.
//!
//! A feature builds and verifies its change like this (a preview environment that creates an
//! overlay, a cleanup that deletes one, an image update that edits one):
//!
//! ```
//! use baton_core::changeset::{ChangeSet, Intent};
//! use baton_core::{FileTree, Workspace};
//!
//! let mut tree = FileTree::new();
//! tree.insert("app/base/kustomization.yaml", "resources: [cm.yaml]\n").unwrap();
//! tree.insert("app/base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n").unwrap();
//! tree.insert("app/pr-7/kustomization.yaml", "resources: [../base]\nnameSuffix: -pr-7\n").unwrap();
//! let mut ws = Workspace::new(tree);
//!
//! // Create: a preview overlay for PR 42. Everything it renders is intended.
//! let mut create = ChangeSet::new();
//! create.write(ws.tree(), "app/pr-42/kustomization.yaml", "resources: [../base]\nnameSuffix: -pr-42\n").unwrap();
//! let verified = create.verify(&mut ws.repo(), &[Intent::overlay("app/pr-42")]).unwrap();
//! assert!(verified.ok() && verified.collateral.is_empty());
//!
//! // Delete: the cleanup of PR 7's preview.
//! let mut delete = ChangeSet::new();
//! delete.delete(ws.tree(), "app/pr-7/kustomization.yaml").unwrap();
//! let verified = delete.verify(&mut ws.repo(), &[Intent::overlay("app/pr-7")]).unwrap();
//! assert_eq!(verified.overlays[0].resources[0].resource.name, "cfg-pr-7");
//!
//! // Edit: a change to the shared base, declared for no overlay, is collateral everywhere.
//! let mut edit = ChangeSet::new();
//! let text = ws.tree().text("app/base/cm.yaml").unwrap().to_string() + "data:\n  k: v\n";
//! edit.write(ws.tree(), "app/base/cm.yaml", text).unwrap();
//! let verified = edit.verify(&mut ws.repo(), &[]).unwrap();
//! let overlays: Vec<&str> = verified.collateral.iter().map(|c| c.overlay.as_str()).collect();
//! assert_eq!(overlays, ["app/base", "app/pr-7"]);
//! assert_eq!(verified.collateral[0].fields[0].path, "data");
//! for file in edit.into_edits() {
//!     // `before`/`after` are `None` for a created/deleted file; `diff` is git's.
//!     assert_eq!((file.before.is_some(), file.after.is_some()), (true, true));
//! }
//! ```

pub mod images_entry;

use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic, Related, Span};
use crate::kustomize::kustomization::KUSTOMIZATION_FILE_NAMES;
use crate::kustomize::resid::split_api_version;
use crate::kustomize::{Rendered, RenderedResource};
use crate::repo::Repo;
use crate::tree::{self, Content, FileTree, PathError};
use crate::vecmap::VecMap;
use crate::work::Meter;
use crate::yaml::{Body, Limits, Node, Style};

/// One file of a change set: its text before and after, and the unified diff between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileEdit {
    pub path: String,
    /// `None`: the change creates the file.
    pub before: Option<String>,
    /// `None`: the change deletes the file.
    pub after: Option<String>,
    /// `git diff`-style unified diff (`/dev/null` on the side that does not exist).
    pub diff: String,
}

/// What an edit does to its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EditKind {
    Create,
    Modify,
    Delete,
}

impl FileEdit {
    fn new(path: String, before: Option<String>, after: Option<String>) -> Self {
        let old_name = if before.is_some() { format!("a/{path}") } else { "/dev/null".into() };
        let new_name = if after.is_some() { format!("b/{path}") } else { "/dev/null".into() };
        let diff = crate::diff::unified(
            before.as_deref().unwrap_or_default(),
            after.as_deref().unwrap_or_default(),
            &old_name,
            &new_name,
            crate::diff::DEFAULT_CONTEXT,
        );
        FileEdit { path, before, after, diff }
    }

    #[must_use]
    pub fn kind(&self) -> EditKind {
        match (&self.before, &self.after) {
            (None, _) => EditKind::Create,
            (_, None) => EditKind::Delete,
            _ => EditKind::Modify,
        }
    }

    /// The bytes of `before` that the edit replaces (common prefix and suffix left out), for
    /// pointing a diagnostic at the edit. `None` for a created file.
    #[must_use]
    pub fn changed_span(&self) -> Option<Span> {
        let before = self.before.as_deref()?;
        let after = self.after.as_deref().unwrap_or_default();
        let mut prefix = before.bytes().zip(after.bytes()).take_while(|(a, b)| a == b).count();
        while !before.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let rest = (before.len() - prefix).min(after.len() - prefix);
        let mut suffix = before
            .bytes()
            .rev()
            .zip(after.bytes().rev())
            .take(rest)
            .take_while(|(a, b)| a == b)
            .count();
        while !before.is_char_boundary(before.len() - suffix) {
            suffix -= 1;
        }
        Some(Span::new(prefix, before.len() - suffix))
    }
}

/// Why an edit cannot be recorded or applied. These are misuse by the caller (a feature
/// building a change set), not problems in the user's files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChangeError {
    #[error(transparent)]
    Path(#[from] PathError),
    #[error("'{0}' is not a text file; a change set edits text")]
    NotText(String),
    #[error("'{0}' does not exist; there is nothing to delete")]
    NothingToDelete(String),
    #[error("'{0}' is not what the change set was made from")]
    Stale(String),
}

/// File edits against one tree: at most one per path, in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    edits: VecMap<String, FileEdit>,
}

impl ChangeSet {
    #[must_use]
    pub fn new() -> Self {
        ChangeSet::default()
    }

    /// Records that `path` should hold `text` after the change: an edit of an existing file,
    /// or the creation of a new one. Writing a file's current text drops its edit.
    pub fn write(
        &mut self,
        tree: &FileTree,
        path: &str,
        text: impl Into<String>,
    ) -> Result<(), ChangeError> {
        let path = tree::file_path(path)?;
        let before = current_text(tree, &path)?;
        let after = text.into();
        if before.as_deref() == Some(after.as_str()) {
            self.edits.remove(&path);
        } else {
            self.edits.insert(path.clone(), FileEdit::new(path, before, Some(after)));
        }
        Ok(())
    }

    /// Records that `path` is deleted by the change.
    pub fn delete(&mut self, tree: &FileTree, path: &str) -> Result<(), ChangeError> {
        let path = tree::file_path(path)?;
        let Some(before) = current_text(tree, &path)? else {
            return Err(ChangeError::NothingToDelete(path));
        };
        self.edits.insert(path.clone(), FileEdit::new(path, Some(before), None));
        Ok(())
    }

    /// The edits, in path order.
    pub fn edits(&self) -> impl Iterator<Item = &FileEdit> {
        self.edits.values()
    }

    #[must_use]
    pub fn into_edits(self) -> Vec<FileEdit> {
        self.edits.into_vec().into_iter().map(|(_, edit)| edit).collect()
    }

    /// The paths the change touches, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.edits.keys().map(String::as_str)
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.edits.len()
    }

    /// A copy of `tree` with the edits applied. Refused when a file is no longer what the
    /// change set was made from.
    pub fn apply(&self, tree: &FileTree) -> Result<FileTree, ChangeError> {
        let mut out = tree.clone();
        for edit in self.edits.values() {
            if current_text(tree, &edit.path)? != edit.before {
                return Err(ChangeError::Stale(edit.path.clone()));
            }
            match &edit.after {
                Some(text) => {
                    out.insert(&edit.path, text.as_str())?;
                }
                None => {
                    out.remove(&edit.path);
                }
            }
        }
        Ok(out)
    }

    /// Renders every overlay the change can alter, before and after, and reports what changes
    /// and which of those changes no intent declares (see the module documentation). `Err`
    /// only when the change set was not made from this repository's files.
    pub fn verify(&self, repo: &mut Repo, intents: &[Intent]) -> Result<Verification, ChangeError> {
        let after_tree = self.apply(repo.tree())?;
        let mut out = Verification::default();
        // Overlays of the tree as it is whose render consulted a touched path (components
        // are not rendered alone), then those the change creates.
        let mut affected: Vec<String> = Vec::new();
        for dir in repo.kustomization_dirs().iter() {
            let reads = repo.consulted(dir);
            if self.paths().any(|p| reads.touches(p)) && !repo.is_component(dir) {
                affected.push(dir.clone());
            }
        }
        let before_count = affected.len();
        let mut renders = repo.renders_for_copy();
        let started = renders.meter().spent();
        let mut after_repo = Repo::new(&after_tree, &mut renders);
        for path in self.paths() {
            let dir = tree::parent(path);
            if KUSTOMIZATION_FILE_NAMES.contains(&tree::file_name(path))
                && after_tree.is_file(path)
                && !affected[..before_count].iter().any(|d| d == dir)
                && !after_repo.is_component(dir)
                && !crate::repo::in_helm_templates(&after_tree, path)
            {
                affected.push(dir.to_string());
            }
        }
        let existed: Vec<String> = affected[..before_count].to_vec();
        crate::sort::sort(&mut affected);
        affected.dedup();
        for dir in &affected {
            let existed = existed.contains(dir);
            let before = existed.then(|| repo.render(dir).clone());
            let after = has_kustomization(&after_tree, dir).then(|| after_repo.render(dir).clone());
            let reads = if existed { repo.consulted(dir) } else { after_repo.consulted(dir) };
            let causes: Vec<&FileEdit> =
                self.edits.values().filter(|e| reads.touches(&e.path)).collect();
            let overlay =
                compare_overlay(dir, before.as_ref(), after.as_ref(), intents, repo.meter());
            report(&overlay, after.as_ref(), &causes, &mut out);
            out.overlays.push(overlay);
            if let Some(after) = after {
                out.after.insert(dir.clone(), after);
            }
        }
        verify_deployments(repo, &mut after_repo, &affected, &mut out);
        let spent = renders.meter().spent().saturating_sub(started);
        repo.meter().spend(spent);
        if repo.meter().exhausted() {
            out.diagnostics.push(repo.meter().exhausted_diagnostic("verifying the change"));
        }
        repo.locate(&mut out.diagnostics);
        Ok(out)
    }
}

/// Renders, before and after, every deployment that applies an affected overlay.
fn verify_deployments(
    repo: &mut Repo,
    after_repo: &mut Repo,
    affected: &[String],
    out: &mut Verification,
) {
    let index = crate::deploy::Index::new(repo);
    if index.is_empty() {
        return;
    }
    for dir in affected {
        for deployment in index.deploying(dir) {
            if out.deployments.iter().any(|d| d.id == deployment.id && d.overlay == *dir) {
                continue;
            }
            let Ok(request) = crate::deploy::DeploymentRequest::parse(&deployment.id) else {
                continue;
            };
            let before = as_rendered(crate::deploy::render(repo, &request));
            let after = as_rendered(crate::deploy::render(after_repo, &request));
            if before.ok && !after.ok {
                let first = after.diagnostics.iter().find(|d| d.is_error());
                let why = first.map_or_else(String::new, |d| format!(": {}", d.message));
                out.diagnostics.push(Diagnostic::new(
                    Code::ChangeBreaksRender,
                    format!(
                        "after the change, {} (which applies {dir}) no longer renders{why}",
                        deployment.id
                    ),
                ));
            }
            out.deployments.push(DeploymentChange {
                id: deployment.id.clone(),
                cluster: deployment.cluster.clone(),
                overlay: dir.clone(),
                before,
                after,
            });
        }
    }
}

fn as_rendered(r: crate::deploy::DeploymentRender) -> Rendered {
    Rendered { ok: r.ok, yaml: r.yaml, resources: r.resources, diagnostics: r.diagnostics }
}

/// Adds the collateral changes and the broken render of one overlay to `out`, each pointing
/// at the edits (`causes`) the overlay's render read.
fn report(
    overlay: &OverlayChange,
    after: Option<&Rendered>,
    causes: &[&FileEdit],
    out: &mut Verification,
) {
    if overlay.before == RenderState::Renders && overlay.after == RenderState::Fails {
        let errors: Vec<&Diagnostic> = after
            .map(|a| a.diagnostics.iter().filter(|d| d.is_error()).collect())
            .unwrap_or_default();
        let first = errors.first().map_or_else(String::new, |d| {
            let at = d.file.as_deref().map(|f| format!(" ({f})")).unwrap_or_default();
            format!(": {}{at}", d.message)
        });
        let more = match errors.len() {
            0 | 1 => String::new(),
            n => format!(" and {} more error{}", n - 1, if n == 2 { "" } else { "s" }),
        };
        let message = format!("after the change, {} no longer renders{first}{more}", overlay.dir);
        out.diagnostics.push(attribute(Diagnostic::new(Code::ChangeBreaksRender, message), causes));
    }
    for resource in overlay.resources.iter().filter(|r| !r.intended) {
        let fields: Vec<FieldChange> =
            resource.fields.iter().filter(|f| !f.intended).cloned().collect();
        let change = CollateralChange::new(&overlay.dir, resource, fields);
        let diagnostic = Diagnostic::new(Code::CollateralChange, change.message.clone());
        out.diagnostics.push(attribute(diagnostic, causes));
        out.collateral.push(change);
    }
}

/// Points a diagnostic at the first edit that caused it, with the others as related places.
fn attribute(mut diagnostic: Diagnostic, causes: &[&FileEdit]) -> Diagnostic {
    let Some((first, rest)) = causes.split_first() else { return diagnostic };
    diagnostic = match first.changed_span() {
        Some(span) => diagnostic.at(first.path.clone(), span),
        None => diagnostic.in_file(first.path.clone()),
    };
    for edit in rest {
        diagnostic.related.push(Related {
            file: edit.path.clone(),
            span: edit.changed_span(),
            range: None,
            message: "also edited by the change".into(),
        });
    }
    diagnostic
}

fn has_kustomization(tree: &FileTree, dir: &str) -> bool {
    KUSTOMIZATION_FILE_NAMES
        .iter()
        .any(|name| tree.is_file(&crate::kustomize::build::join_file(dir, name)))
}

fn current_text(tree: &FileTree, path: &str) -> Result<Option<String>, ChangeError> {
    match tree.get(path) {
        None => Ok(None),
        Some(Content::Text(text)) => Ok(Some(text.to_string())),
        Some(_) => Err(ChangeError::NotText(path.to_string())),
    }
}

/// A rendered change the caller means to make. Whatever a change set changes that no intent
/// explains is collateral.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Intent {
    /// The overlay directory the change is meant for; `None` for every overlay.
    pub overlay: Option<String>,
    /// Which resources; a `None` matches any.
    pub kind: Option<String>,
    /// Matches the rendered name or the name before prefixes, suffixes and hashes.
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub expect: Expect,
}

/// What an [`Intent`] expects of the resources it matches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Expect {
    /// Any change, including the resource's creation or removal.
    #[default]
    Anything,
    /// The image of the container named `container` (in `containers`, `initContainers` or
    /// any other list kustomize's image transformer reads) becomes `image`.
    Image { container: String, image: String },
    /// The field at `path` (kyaml syntax, as [`FieldChange::path`] prints it) becomes
    /// `value`; `None` means the field is removed.
    Field { path: String, value: Option<String> },
    /// Any scalar field whose value goes from a text holding `old` to that text with `old`
    /// replaced by `new` (once): what a Flux setter does to every value rendered from the
    /// scalar it rewrites (a whole image, a tag inside `image: name:tag`, a Helm value).
    Substitution { old: String, new: String },
}

impl Intent {
    /// Every change to every resource of `overlay` (a preview environment being created or
    /// removed, say).
    #[must_use]
    pub fn overlay(dir: &str) -> Intent {
        Intent { overlay: Some(dir.to_string()), ..Intent::default() }
    }

    /// Container `container` of the workload `kind/name` runs `image`, in any overlay.
    #[must_use]
    pub fn image(kind: &str, name: &str, container: &str, image: &str) -> Intent {
        Intent {
            kind: Some(kind.to_string()),
            name: Some(name.to_string()),
            expect: Expect::Image { container: container.to_string(), image: image.to_string() },
            ..Intent::default()
        }
    }

    fn selects(&self, dir: &str, resource: &RenderedResource) -> bool {
        self.overlay.as_deref().is_none_or(|o| o == dir)
            && self.kind.as_deref().is_none_or(|k| k == resource.kind)
            && self
                .name
                .as_deref()
                .is_none_or(|n| n == resource.name || n == resource.original_name)
            && self.namespace.as_deref().is_none_or(|n| Some(n) == resource.namespace.as_deref())
    }

    /// Any field whose text changes from one holding `old` to the same text with `new` in
    /// its place, in any overlay and resource.
    #[must_use]
    pub fn substitution(old: &str, new: &str) -> Intent {
        Intent {
            expect: Expect::Substitution { old: old.to_string(), new: new.to_string() },
            ..Intent::default()
        }
    }

    /// Whether this intent explains the field at `steps` (printed as `path`) changing from
    /// `before` to `after` (a scalar's text; `None` when the field is absent or is not a
    /// scalar).
    fn explains(
        &self,
        path: &str,
        steps: &[Step],
        before: Option<&str>,
        after: Option<&str>,
    ) -> bool {
        match &self.expect {
            Expect::Substitution { old, new } => {
                let (Some(before), Some(after)) = (before, after) else { return false };
                !old.is_empty()
                    && before.match_indices(old.as_str()).any(|(at, _)| {
                        after.len() + old.len() == before.len() + new.len()
                            && after.starts_with(&before[..at])
                            && after[at..].starts_with(new.as_str())
                            && after[at + new.len()..] == before[at + old.len()..]
                    })
            }
            Expect::Anything => true,
            Expect::Image { container, image } => {
                after == Some(image.as_str())
                    && matches!(steps, [.., Step::Named(name), Step::Key(leaf)]
                        if name == container && leaf == "image")
            }
            Expect::Field { path: wanted, value } => wanted == path && after == value.as_deref(),
        }
    }
}

/// The result of [`ChangeSet::verify`].
#[derive(Debug, Clone, Default)]
pub struct Verification {
    /// Every overlay the change can alter, in path order.
    pub overlays: Vec<OverlayChange>,
    /// Rendered changes no intent declares.
    pub collateral: Vec<CollateralChange>,
    /// `R009` for each collateral change, `R010` for each overlay or deployment the change
    /// breaks.
    pub diagnostics: Vec<Diagnostic>,
    /// The deployments (Flux Kustomizations, Argo CD Applications) of the affected overlays,
    /// rendered as their controllers build them, before and after.
    pub deployments: Vec<DeploymentChange>,
    after: VecMap<String, Rendered>,
}

/// One deployment of an affected overlay, rendered before and after the change.
#[derive(Debug, Clone)]
pub struct DeploymentChange {
    /// The deployment's id (`flux:namespace/name@cluster`, `argo:namespace/name`).
    pub id: String,
    pub cluster: Option<String>,
    /// The affected overlay it applies.
    pub overlay: String,
    pub before: Rendered,
    pub after: Rendered,
}

impl Verification {
    /// The render of `dir` after the change, if `dir` was affected and still exists.
    #[must_use]
    pub fn rendered_after(&self, dir: &str) -> Option<&Rendered> {
        self.after.get(dir)
    }

    /// The affected overlay `dir`, if it is one.
    #[must_use]
    pub fn overlay(&self, dir: &str) -> Option<&OverlayChange> {
        self.overlays.iter().find(|o| o.dir == dir)
    }

    /// The deployments that apply overlay `dir`, before and after.
    pub fn deployments_of<'v>(
        &'v self,
        dir: &'v str,
    ) -> impl Iterator<Item = &'v DeploymentChange> {
        self.deployments.iter().filter(move |d| d.overlay == dir)
    }

    /// Whether the change breaks no render.
    #[must_use]
    pub fn ok(&self) -> bool {
        !self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Whether an overlay exists and renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RenderState {
    /// There is no overlay there (created or deleted by the change).
    Absent,
    Renders,
    Fails,
}

/// One affected overlay: its render before and after the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OverlayChange {
    pub dir: String,
    pub before: RenderState,
    pub after: RenderState,
    /// Resources that differ (only when both sides render or one is absent).
    pub resources: Vec<ResourceChange>,
    /// Unified diff of the rendered resources, labelled `a/<dir>/<Kind>/[<namespace>/]<name>`.
    pub diff: String,
}

/// A rendered resource's identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl ResourceRef {
    pub(crate) fn of(resource: &RenderedResource) -> Self {
        ResourceRef {
            api_version: resource.api_version.clone(),
            kind: resource.kind.clone(),
            namespace: resource.namespace.clone(),
            name: resource.name.clone(),
        }
    }

    /// `Kind/name` or `Kind/namespace/name`, as diff labels write it.
    #[must_use]
    pub fn label(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{ns}/{}", self.kind, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }
}

/// How a resource changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Change {
    Added,
    Removed,
    Modified,
}

/// One resource that the change alters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceChange {
    pub resource: ResourceRef,
    pub change: Change,
    /// For a modified resource: the fields that change (at most [`MAX_FIELDS`]).
    pub fields: Vec<FieldChange>,
    /// Fields left out beyond [`MAX_FIELDS`].
    pub more_fields: usize,
    /// Whether the intents explain the whole change.
    pub intended: bool,
}

/// Most field changes listed per resource.
pub const MAX_FIELDS: usize = 50;

/// One field that changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldChange {
    /// kyaml field path (`spec.template.spec.containers.[name=web].image`).
    pub path: String,
    /// The value before (`None`: absent), in one line: a quoted scalar in double quotes, a
    /// collection in flow style.
    pub before: Option<String>,
    pub after: Option<String>,
    #[serde(skip)]
    pub intended: bool,
}

/// A rendered change no intent declares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CollateralChange {
    /// The overlay whose render changes.
    pub overlay: String,
    pub resource: ResourceRef,
    pub change: Change,
    /// For a modified resource: the undeclared field changes.
    pub fields: Vec<FieldChange>,
    /// One line: what changes, for a terminal or a PR body.
    pub message: String,
}

impl CollateralChange {
    fn new(overlay: &str, resource: &ResourceChange, fields: Vec<FieldChange>) -> Self {
        let what = resource.resource.label();
        let message = match resource.change {
            Change::Added => format!("{overlay}: the change also adds {what}"),
            Change::Removed => format!("{overlay}: the change also removes {what}"),
            Change::Modified => {
                let shown: Vec<String> = fields.iter().take(3).map(FieldChange::describe).collect();
                let hidden = fields.len().saturating_sub(3) + resource.more_fields;
                let more = if hidden > 0 { format!(" (and {hidden} more)") } else { String::new() };
                format!("{overlay}: the change also alters {what}: {}{more}", shown.join("; "))
            }
        };
        CollateralChange {
            overlay: overlay.to_string(),
            resource: resource.resource.clone(),
            change: resource.change,
            fields,
            message,
        }
    }
}

impl FieldChange {
    /// `path: before → after`, with `∅` for an absent side.
    #[must_use]
    pub fn describe(&self) -> String {
        let v = |s: &Option<String>| s.as_deref().unwrap_or("∅").to_string();
        format!("{} {} → {}", self.path, v(&self.before), v(&self.after))
    }
}

/// A resource's pairing key: group, kind, namespace, name.
type Key<'a> = (&'a str, &'a str, Option<&'a str>, &'a str);

fn key(resource: &RenderedResource) -> Key<'_> {
    (
        split_api_version(&resource.api_version).0,
        &resource.kind,
        resource.namespace.as_deref(),
        &resource.name,
    )
}

/// A render's resources by pairing key (the first of duplicates, which a render that succeeds
/// does not have).
fn by_key(rendered: &Rendered) -> VecMap<Key<'_>, &RenderedResource> {
    rendered.resources.iter().rev().map(|r| (key(r), r)).collect()
}

/// Unified diffs of two renders, resource by resource (paired by group, kind, namespace and
/// name), labelled `a/<label>/<Kind>/[<namespace>/]<name>`: changed and added resources in the
/// order of `after`, then removed ones.
#[must_use]
pub fn rendered_diff(before: &Rendered, after: &Rendered, label: &str) -> String {
    let (old, new) = (by_key(before), by_key(after));
    let mut out = String::new();
    let mut push = |old_text: &str, new_text: &str, resource: &RenderedResource| {
        let name = ResourceRef::of(resource).label();
        out.push_str(&crate::diff::unified(
            old_text,
            new_text,
            &format!("a/{label}/{name}"),
            &format!("b/{label}/{name}"),
            crate::diff::DEFAULT_CONTEXT,
        ));
    };
    for a in &after.resources {
        push(old.get(&key(a)).map_or("", |b| b.yaml.as_str()), &a.yaml, a);
    }
    for b in &before.resources {
        if !new.contains_key(&key(b)) {
            push(&b.yaml, "", b);
        }
    }
    out
}

fn state(rendered: Option<&Rendered>) -> RenderState {
    match rendered {
        None => RenderState::Absent,
        Some(r) if r.ok() => RenderState::Renders,
        Some(_) => RenderState::Fails,
    }
}

/// Compares one overlay's renders and marks what the intents explain.
fn compare_overlay(
    dir: &str,
    before: Option<&Rendered>,
    after: Option<&Rendered>,
    intents: &[Intent],
    meter: &mut Meter,
) -> OverlayChange {
    let (before_state, after_state) = (state(before), state(after));
    let mut overlay = OverlayChange {
        dir: dir.to_string(),
        before: before_state,
        after: after_state,
        resources: Vec::new(),
        diff: String::new(),
    };
    if before_state == RenderState::Fails || after_state == RenderState::Fails {
        return overlay;
    }
    let empty = Rendered { ok: true, ..Rendered::default() };
    let (before, after) = (before.unwrap_or(&empty), after.unwrap_or(&empty));
    let (old, new) = (by_key(before), by_key(after));
    for a in &after.resources {
        match old.get(&key(a)) {
            Some(b) if b.yaml == a.yaml => {}
            Some(b) => overlay.resources.push(modified(dir, b, a, intents, meter)),
            None => overlay.resources.push(whole(dir, a, Change::Added, intents)),
        }
    }
    for b in &before.resources {
        if !new.contains_key(&key(b)) {
            overlay.resources.push(whole(dir, b, Change::Removed, intents));
        }
    }
    let lines = (before.yaml.len() + after.yaml.len()) as u64 / 64;
    meter.spend(lines);
    overlay.diff = rendered_diff(before, after, dir);
    overlay
}

/// The fields that differ between two rendered resources (`before` read as under `dir`), at
/// most [`MAX_FIELDS`], and how many more: the comparison of [`ChangeSet::verify`] without
/// intents, for other comparisons of renders (environment diffs).
pub(crate) fn field_changes(
    dir: &str,
    before: &RenderedResource,
    after: &RenderedResource,
    meter: &mut Meter,
) -> (Vec<FieldChange>, usize) {
    let change = modified(dir, before, after, &[], meter);
    (change.fields, change.more_fields)
}

fn whole(
    dir: &str,
    resource: &RenderedResource,
    change: Change,
    intents: &[Intent],
) -> ResourceChange {
    let intended = intents.iter().any(|i| i.expect == Expect::Anything && i.selects(dir, resource));
    ResourceChange {
        resource: ResourceRef::of(resource),
        change,
        fields: Vec::new(),
        more_fields: 0,
        intended,
    }
}

fn modified(
    dir: &str,
    before: &RenderedResource,
    after: &RenderedResource,
    intents: &[Intent],
    meter: &mut Meter,
) -> ResourceChange {
    let parse = |r: &RenderedResource| {
        let file: Arc<str> = Arc::from(format!("{dir}/{}", ResourceRef::of(r).label()));
        crate::yaml::parse(&file, &r.yaml, &Limits::default()).documents.into_iter().next()
    };
    meter.spend((before.yaml.len() + after.yaml.len()) as u64 / 64);
    let selecting: Vec<&Intent> = intents.iter().filter(|i| i.selects(dir, after)).collect();
    let anything = selecting.iter().any(|i| i.expect == Expect::Anything);
    let mut walk = Walk {
        selecting: &selecting,
        fields: Vec::new(),
        shown: [0, 0],
        more: 0,
        all_intended: true,
        meter,
        path: Vec::new(),
    };
    match (parse(before), parse(after)) {
        (Some(b), Some(a)) => walk.compare(Some(&b.root), Some(&a.root)),
        // Printed YAML always parses back; should it not, the change is still reported.
        _ => walk.all_intended = false,
    }
    ResourceChange {
        resource: ResourceRef::of(after),
        change: Change::Modified,
        fields: walk.fields,
        more_fields: walk.more,
        intended: anything || walk.all_intended,
    }
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    /// A list item picked by its `name`.
    Named(String),
    Index(usize),
}

fn display(steps: &[Step]) -> String {
    let parts: Vec<String> = steps
        .iter()
        .map(|step| match step {
            Step::Key(k) if k.contains('.') => format!("[{k}]"),
            Step::Key(k) => k.clone(),
            Step::Named(name) => format!("[name={name}]"),
            Step::Index(i) => i.to_string(),
        })
        .collect();
    parts.join(".")
}

/// A structural comparison of two parsed resources.
struct Walk<'a> {
    selecting: &'a [&'a Intent],
    fields: Vec<FieldChange>,
    /// Fields listed so far: `[undeclared, intended]`, each up to [`MAX_FIELDS`].
    shown: [usize; 2],
    more: usize,
    all_intended: bool,
    meter: &'a mut Meter,
    path: Vec<Step>,
}

impl Walk<'_> {
    fn compare(&mut self, before: Option<&Node>, after: Option<&Node>) {
        if !self.meter.spend(1) {
            self.all_intended = false;
            return;
        }
        match (before.map(|n| &n.body), after.map(|n| &n.body)) {
            (Some(Body::Map(b)), Some(Body::Map(a))) => {
                let old = keyed(b.iter().filter_map(|(k, v)| Some((k.scalar()?, v))));
                let new = keyed(a.iter().filter_map(|(k, v)| Some((k.scalar()?, v))));
                self.pairs(&old, &new, |k| Step::Key(k.to_string()));
            }
            (Some(Body::Seq(b)), Some(Body::Seq(a))) => match (names(b), names(a)) {
                (Some(old), Some(new)) => self.pairs(&old, &new, |n| Step::Named(n.to_string())),
                _ => {
                    for i in 0..b.len().max(a.len()) {
                        self.path.push(Step::Index(i));
                        self.compare(b.get(i), a.get(i));
                        self.path.pop();
                    }
                }
            },
            _ => {
                if before.map(same_value) != after.map(same_value) {
                    self.record(before, after);
                }
            }
        }
    }

    /// Compares keyed children: those of `old` in order, then those only in `new`.
    fn pairs(&mut self, old: &Keyed, new: &Keyed, step: impl Fn(&str) -> Step) {
        for (name, item) in &old.order {
            self.path.push(step(name));
            self.compare(Some(item), new.index.get(name).copied());
            self.path.pop();
        }
        for (name, item) in &new.order {
            if !old.index.contains_key(name) {
                self.path.push(step(name));
                self.compare(None, Some(item));
                self.path.pop();
            }
        }
    }

    fn record(&mut self, before: Option<&Node>, after: Option<&Node>) {
        let mut field = FieldChange {
            path: display(&self.path),
            before: before.map(one_line),
            after: after.map(one_line),
            intended: false,
        };
        let (old, raw) = (before.and_then(Node::scalar), after.and_then(Node::scalar));
        field.intended =
            self.selecting.iter().any(|i| i.explains(&field.path, &self.path, old, raw));
        self.all_intended &= field.intended;
        let slot = usize::from(field.intended);
        if self.shown[slot] < MAX_FIELDS {
            self.shown[slot] += 1;
            self.fields.push(field);
        } else {
            self.more += 1;
        }
    }
}

/// Children with names, in order, and an index by name.
struct Keyed<'n> {
    order: Vec<(&'n str, &'n Node)>,
    index: VecMap<&'n str, &'n Node>,
}

/// Keyed children; a repeated name keeps its first place.
fn keyed<'n>(items: impl Iterator<Item = (&'n str, &'n Node)>) -> Keyed<'n> {
    let mut order: Vec<(&str, &Node)> = items.collect();
    // Collected in reverse, so that the first of a repeated name wins.
    let index: VecMap<&str, &Node> = order.iter().rev().copied().collect();
    order.retain(|(name, node)| index.get(name).is_some_and(|first| std::ptr::eq(*first, *node)));
    Keyed { order, index }
}

/// List items keyed by a scalar `name`, when every item has a distinct one.
fn names(items: &[Node]) -> Option<Keyed<'_>> {
    let mut pairs = Vec::with_capacity(items.len());
    for item in items {
        pairs.push((item.get("name").and_then(Node::scalar)?, item));
    }
    let keyed = keyed(pairs.into_iter());
    (keyed.order.len() == items.len()).then_some(keyed)
}

/// What makes two printed values equal: the structure and, for scalars, the text and whether
/// it was quoted (`1` and `"1"` are a number and a string).
fn same_value(node: &Node) -> String {
    let mut out = String::new();
    flow(node, &mut out, usize::MAX);
    if matches!(node.body, Body::Scalar(_)) && node.style != Style::Plain {
        out.insert(0, '"');
    }
    out
}

/// Longest value shown in a field change.
const MAX_VALUE_CHARS: usize = 120;

/// A value in one line: a quoted scalar in double quotes (so `"1"` and `1` differ), a
/// collection in flow style, cut at [`MAX_VALUE_CHARS`].
fn one_line(node: &Node) -> String {
    let mut out = String::new();
    flow(node, &mut out, MAX_VALUE_CHARS);
    if matches!(node.body, Body::Scalar(_)) && node.style != Style::Plain {
        out = format!("{out:?}");
    }
    if out.chars().count() > MAX_VALUE_CHARS {
        out = out.chars().take(MAX_VALUE_CHARS - 1).collect();
        out.push('…');
    }
    out
}

/// A node in YAML flow style, stopping once `limit` bytes are written.
fn flow(node: &Node, out: &mut String, limit: usize) {
    if out.len() > limit {
        return;
    }
    match &node.body {
        Body::Scalar(text) => out.push_str(text),
        Body::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(item, out, limit);
            }
            out.push(']');
        }
        Body::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(k, out, limit);
                out.push_str(": ");
                flow(v, out, limit);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests;
