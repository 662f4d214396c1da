//! The stateful, incremental entry point hosts use: a repository held in memory, with
//! parses and renders cached and invalidated precisely.
//!
//! An editor calls `validate` on every keystroke, so the second call must cost only what
//! the edit can change. Parses are cached by text identity; each render remembers every
//! path it consulted ([`crate::source::ReadSet`]), and an edit drops exactly the renders that consulted the
//! edited path (or looked in its directory). Counters let tests observe this directly.
//!
//! Operations do not take the workspace: they take its pieces, a [`Repo`] (see [`crate::repo`]).

use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{self, Diagnostic};
use crate::kustomize::{self, Rendered};
use crate::pipeline::Pipeline;
use crate::repo::{Renders, Repo};
use crate::tree::{self, Content, FileTree, PathError};
use crate::vecmap::{VecMap, VecSet};

pub use crate::repo::Stats;

/// The result of `validate`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    pub diagnostics: Vec<Diagnostic>,
}

/// A repository and the engine's caches over it.
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    tree: FileTree,
    renders: Renders,
    /// What `validate` walks, kept until a file is added or removed or a file that shapes
    /// the repository (a kustomization, `baton.yaml`, CODEOWNERS, a Helm chart) changes.
    structure: Option<Structure>,
}

/// The shape of the repository, as far as `validate` is concerned, and what the last
/// `validate` found in each part, so that the next one redoes only what an edit touched.
#[derive(Debug, Default, Clone)]
struct Structure {
    /// YAML files to check for syntax (not Helm templates), sorted.
    yaml_files: Vec<String>,
    /// Kustomization directories (`validate` renders those that are not components), sorted.
    render_dirs: Vec<String>,
    /// Problems in `baton.yaml` and CODEOWNERS.
    config_diagnostics: Vec<Diagnostic>,
    /// The last `validate`'s findings, per file (syntax) and per directory (render); only
    /// non-empty ones. `None` until a first full pass.
    found: Option<Found>,
}

#[derive(Debug, Default, Clone)]
struct Found {
    syntax: VecMap<String, Vec<Diagnostic>>,
    renders: VecMap<String, Vec<Diagnostic>>,
    /// Kustomization directories that hold a component (not rendered alone). Whether a
    /// directory is one changes only with its kustomization, which resets the structure.
    components: VecSet<String>,
    /// Files edited and render directories dropped since the last `validate`.
    dirty_files: VecSet<String>,
    dirty_dirs: VecSet<String>,
    /// YAML files that hold an Argo Rollout: linted alone when no render reads them.
    rollout_files: VecSet<String>,
    /// Files that may hold a Flux image automation object or a `$imagepolicy` marker
    /// ([`crate::flux::is_flux_file`]), and the `F` findings over them, redone when one of
    /// them is edited (the checks are across files: a marker names a policy elsewhere).
    flux_files: VecSet<String>,
    flux: Vec<Diagnostic>,
    flux_dirty: bool,
    /// YAML files that hold an Argo CD `ApplicationSet`: expanded (`A` codes), and those with
    /// a pull-request generator checked against the previews' paths (`P017`).
    appset_files: VecSet<String>,
    /// The `ApplicationSet` findings of the last `validate` (they depend on the whole tree:
    /// redone after any change while there is an `ApplicationSet`).
    appsets: Option<Vec<Diagnostic>>,
}

impl Workspace {
    #[must_use]
    pub fn new(tree: FileTree) -> Self {
        Workspace { tree, ..Workspace::default() }
    }

    #[must_use]
    pub fn tree(&self) -> &FileTree {
        &self.tree
    }

    /// The pieces operations work on: the tree and the render cache (see [`crate::repo`]).
    pub fn repo(&mut self) -> Repo<'_> {
        Repo::new(&self.tree, &mut self.renders)
    }

    /// Adds or replaces a file. Returns the normalized path.
    pub fn set_file(&mut self, path: &str, text: &str) -> Result<String, PathError> {
        let path = tree::file_path(path)?;
        if self.tree.text(&path).as_deref() == Some(text) {
            return Ok(path);
        }
        let existed = self.tree.is_file(&path);
        self.tree.insert(&path, text)?;
        if !existed {
            self.structure = None;
            self.renders.invalidate_pipeline();
        }
        self.invalidate(&path);
        Ok(path)
    }

    /// Adds or replaces a file from bytes (kept as "not UTF-8" when they are not).
    pub fn set_file_bytes(&mut self, path: &str, bytes: Vec<u8>) -> Result<String, PathError> {
        let path = self.tree.insert_bytes(path, bytes)?;
        self.structure = None;
        self.renders.invalidate_pipeline();
        self.invalidate(&path);
        Ok(path)
    }

    /// Removes a file; returns whether it existed.
    pub fn remove_file(&mut self, path: &str) -> bool {
        let Ok(path) = tree::normalize(path) else { return false };
        let removed = self.tree.remove(&path);
        if removed {
            self.structure = None;
            self.renders.invalidate_pipeline();
            self.invalidate(&path);
        }
        removed
    }

    fn invalidate(&mut self, path: &str) {
        let dropped = self.renders.invalidate(path);
        if self.structure.is_some() && shapes_structure(&self.tree, path) {
            self.structure = None;
        }
        if let Some(found) = self.structure.as_mut().and_then(|s| s.found.as_mut()) {
            found.dirty_files.insert(path.to_string());
            found.dirty_dirs.extend(dropped);
        }
    }

    /// The pipeline model of the repository (cached until a file is added or removed or
    /// `baton.yaml` changes).
    pub fn pipeline(&mut self) -> Arc<Pipeline> {
        self.repo().pipeline()
    }

    /// The deployments whose render is cached (for tests of incrementality).
    #[must_use]
    pub fn cached_deployments(&self) -> Vec<String> {
        self.renders.cached_deployments()
    }

    #[must_use]
    pub fn stats(&self) -> Stats {
        self.renders.stats()
    }

    /// Limits the work of the following operations to `limit` more steps in total (counted
    /// from what is spent already), or removes the limit. Past it, operations stop and say so
    /// (`R013`). For tests and watchdogs; there is no limit by default.
    pub fn set_work_limit(&mut self, limit: Option<u64>) {
        let spent = self.renders.meter().spent();
        self.renders.set_work_limit(limit.map(|l| spent.saturating_add(l)));
    }

    /// Renders the kustomization in `dir` (cached until a file it consulted changes).
    pub fn render(&mut self, dir: &str) -> Rendered {
        self.render_ref(dir).clone()
    }

    /// [`Workspace::render`] without the copy: the cached render itself.
    pub fn render_ref(&mut self, dir: &str) -> &Rendered {
        self.repo().into_render(dir)
    }

    /// How the updates of an overlay's Rollouts and Deployments unfold (see
    /// [`crate::rollouts::simulate`]).
    pub fn simulate_rollout(
        &mut self,
        request: &crate::rollouts::SimulateRequest,
    ) -> crate::rollouts::Simulation {
        let Workspace { tree, renders, .. } = self;
        let rendered = Repo::new(tree, renders).into_render(&request.overlay);
        let mut simulation = crate::rollouts::simulate(rendered, request.name.as_deref());
        for rollout in &mut simulation.rollouts {
            diagnostic::locate_all(tree, &mut rollout.diagnostics);
        }
        diagnostic::locate_all(tree, &mut simulation.diagnostics);
        simulation
    }

    /// The paths the render of `dir` consulted (rendering it if needed).
    pub fn consulted(&mut self, dir: &str) -> crate::source::ReadSet {
        self.repo().consulted(dir).clone()
    }

    /// Expands every Argo CD `ApplicationSet` of the repository (see [`crate::appset`]).
    pub fn expand_appsets(
        &mut self,
        request: &crate::appset::ExpandRequest,
    ) -> crate::appset::Expansion {
        crate::appset::expand(&mut self.repo(), request)
    }

    /// What every app runs in every environment, and the pending promotions.
    pub fn status(&mut self) -> crate::status::Status {
        crate::status::status(&mut self.repo())
    }

    /// What differs between two environments of an app, expected differences set apart (see
    /// [`crate::envdiff`]).
    pub fn diff_environments(
        &mut self,
        request: &crate::envdiff::EnvDiffRequest,
    ) -> crate::envdiff::EnvironmentDiff {
        crate::envdiff::diff_environments(&mut self.repo(), request)
    }

    /// [`Workspace::status`] with each Flux policy's pick from `tags` (see
    /// [`crate::status::status_with`]).
    pub fn status_with_tags(
        &mut self,
        tags: &crate::flux::ImageUpdateInput,
    ) -> crate::status::Status {
        crate::status::status_with(&mut self.repo(), Some(tags))
    }

    /// Every Flux Kustomization and Argo CD Application, and the clusters (see
    /// [`crate::deploy`]).
    pub fn deployments(&mut self) -> crate::deploy::Deployments {
        crate::deploy::deployments(&mut self.repo())
    }

    /// What a cluster applies for one deployment: its path rendered with the controller's
    /// overrides (see [`crate::deploy::render`]).
    pub fn render_deployment(
        &mut self,
        request: &crate::deploy::DeploymentRequest,
    ) -> crate::deploy::DeploymentRender {
        crate::deploy::render(&mut self.repo(), request)
    }

    /// Plans a promotion (see [`crate::promote`]).
    pub fn plan_promotion(
        &mut self,
        request: &crate::promote::PromotionRequest,
    ) -> crate::promote::PromotionPlan {
        crate::promote::plan(&mut self.repo(), request)
    }

    /// Plans the preview environment of a pull request (see [`crate::preview`]).
    pub fn plan_preview(
        &mut self,
        request: &crate::preview::PreviewRequest,
    ) -> crate::preview::PreviewPlan {
        crate::preview::plan(&mut self.repo(), request)
    }

    /// Plans the removal of closed and stale previews (see [`crate::preview::cleanup`]).
    pub fn plan_preview_cleanup(
        &mut self,
        request: &crate::preview::cleanup::CleanupRequest,
    ) -> crate::preview::cleanup::CleanupPlan {
        crate::preview::cleanup::plan_cleanup(&mut self.repo(), request)
    }

    /// What Flux image automation would change for the given tags (see
    /// [`crate::flux::image_update`]).
    pub fn image_update(
        &mut self,
        input: &crate::flux::ImageUpdateInput,
    ) -> crate::flux::ImageUpdate {
        crate::flux::image_update(&mut self.repo(), input)
    }

    /// Diagnostics for every file the engine understands: YAML syntax everywhere, every
    /// kustomization (other than components) rendered, Argo Rollouts checked in each render
    /// and in the YAML files no render reads, Flux image automation objects and markers
    /// (`F` codes), Argo CD `ApplicationSet`s expanded (without host inputs) with each
    /// Application's path checked, and pull-request `ApplicationSet`s checked against the
    /// previews' paths.
    ///
    /// After the first call, only what changed is redone: the syntax of edited files and the
    /// renders an edit dropped; the rest comes from the last call's findings (an editor calls
    /// this on every keystroke, so its cost must not grow with the repository).
    pub fn validate(&mut self) -> Validation {
        let mut structure = match self.structure.take() {
            Some(structure) => structure,
            None => self.survey(),
        };
        let mut found = if let Some(mut found) = structure.found.take() {
            if !found.dirty_dirs.is_empty() || !found.dirty_files.is_empty() {
                found.appsets = None;
            }
            for dir in std::mem::take(&mut found.dirty_dirs) {
                if structure.render_dirs.binary_search(&dir).is_ok()
                    && !found.components.contains(&dir)
                {
                    self.check_render(&dir, &mut found.renders);
                }
            }
            for path in std::mem::take(&mut found.dirty_files) {
                if structure.yaml_files.binary_search(&path).is_ok() {
                    self.check_syntax(&path, &mut found);
                }
            }
            found
        } else {
            let mut found = Found::default();
            // Renders first: they parse the files they read, and the syntax check then finds
            // those files' diagnostics in the cache instead of parsing them again. Whether a
            // directory is a component is checked right before its render reads the same
            // kustomization (one parse, while the tree is in the cache).
            for dir in &structure.render_dirs {
                if self.repo().is_component(dir) {
                    found.components.insert(dir.clone());
                } else {
                    self.check_render(dir, &mut found.renders);
                }
            }
            for path in &structure.yaml_files {
                self.check_syntax(path, &mut found);
            }
            found.flux_dirty = true;
            found
        };
        if std::mem::take(&mut found.flux_dirty) {
            let paths: Vec<String> = found.flux_files.iter().cloned().collect();
            found.flux = crate::flux::validate_files(&mut self.repo().source(), &paths);
        }
        let mut diagnostics: Vec<Diagnostic> = found
            .renders
            .values()
            .chain(found.syntax.values())
            .flatten()
            .chain(&found.flux)
            .chain(&structure.config_diagnostics)
            .cloned()
            .collect();
        // A file with a Rollout that no render reads is checked as `kubectl argo rollouts lint
        // -f` would; a file a render reads is checked through the render (a patch is a
        // partial object).
        for path in &found.rollout_files {
            if self.renders.any_render_read(path) {
                continue;
            }
            if let Some(parsed) = self.renders.parse(&self.tree, path) {
                diagnostics.extend(crate::rollouts::lint_file(&Arc::from(path.as_str()), &parsed));
            }
        }
        if !found.appset_files.is_empty() {
            let pipeline = self.repo().pipeline();
            for path in &found.appset_files {
                if let Some(parsed) = self.renders.parse(&self.tree, path) {
                    let file = Arc::from(path.as_str());
                    diagnostics.extend(crate::preview::appset::check(&pipeline, &file, &parsed));
                }
            }
            let appsets = match found.appsets.take() {
                Some(cached) => cached,
                None => crate::appset::validate(&mut self.repo()),
            };
            diagnostics.extend(appsets.iter().cloned());
            found.appsets = Some(appsets);
        }
        // Deployments (Flux Kustomizations, Argo CD Applications): their renders are cached
        // with what they read, so after an edit only the deployments it touches render again.
        diagnostics.extend(crate::deploy::validate(&mut self.repo()));
        if self.renders.meter().exhausted() {
            diagnostics.push(self.renders.meter().exhausted_diagnostic("validate"));
        }
        structure.found = Some(found);
        self.structure = Some(structure);
        diagnostic::locate_all(&self.tree, &mut diagnostics);
        diagnostic::sort(&mut diagnostics);
        diagnostics.dedup();
        Validation { diagnostics }
    }

    /// Renders `dir` for `validate` and records its findings, Argo Rollouts checks included.
    fn check_render(&mut self, dir: &str, found: &mut VecMap<String, Vec<Diagnostic>>) {
        let Workspace { tree, renders, .. } = self;
        let rendered = Repo::new(tree, renders).into_render(dir);
        let mut diagnostics = rendered.diagnostics.clone();
        diagnostics.extend(crate::rollouts::check_render(rendered));
        if diagnostics.is_empty() {
            found.remove(dir);
        } else {
            found.insert(dir.to_string(), diagnostics);
        }
    }

    /// Checks the syntax of one YAML file for `validate` and records its findings.
    fn check_syntax(&mut self, path: &str, found: &mut Found) {
        let diagnostics = match self.tree.get(path) {
            Some(Content::NotUtf8 { valid_up_to, .. }) => vec![
                Diagnostic::new(
                    diagnostic::Code::InvalidUtf8,
                    format!("'{path}' is not UTF-8 text (invalid byte at offset {valid_up_to})"),
                )
                .at(path, diagnostic::Span::new(valid_up_to, valid_up_to)),
            ],
            Some(Content::Text(text)) if text.len() > tree::MAX_FILE_BYTES => {
                vec![crate::source::too_large(path, text.len() as u64)]
            }
            Some(Content::TooLarge { len }) => vec![crate::source::too_large(path, len)],
            Some(Content::Text(text)) => self.renders.syntax_diagnostics(path, &text),
            None => Vec::new(),
        };
        // A Rollout can only be where the text names the kind; only such files are parsed
        // for their objects (the syntax check keeps no parse tree).
        let holds_rollout = match self.tree.get(path) {
            Some(Content::Text(text))
                if text.len() <= tree::MAX_FILE_BYTES && text.contains("Rollout") =>
            {
                self.renders
                    .parse(&self.tree, path)
                    .is_some_and(|parsed| crate::rollouts::has_rollout(&parsed))
            }
            _ => false,
        };
        if holds_rollout {
            found.rollout_files.insert(path.to_string());
        } else {
            found.rollout_files.remove(path);
        }
        let flux = match self.tree.get(path) {
            Some(Content::Text(text)) if text.len() <= tree::MAX_FILE_BYTES => {
                crate::flux::is_flux_file(path, &text)
            }
            _ => false,
        };
        let was_flux = if flux {
            !found.flux_files.insert(path.to_string())
        } else {
            found.flux_files.remove(path)
        };
        found.flux_dirty |= flux || was_flux;
        // Likewise an ApplicationSet.
        let holds_appset = match self.tree.get(path) {
            Some(Content::Text(text))
                if text.len() <= tree::MAX_FILE_BYTES && crate::appset::may_hold_appset(&text) =>
            {
                self.renders.parse(&self.tree, path).is_some_and(|parsed| {
                    parsed
                        .documents
                        .iter()
                        .any(|d| d.root.get_str("kind") == Some("ApplicationSet"))
                })
            }
            _ => false,
        };
        if holds_appset {
            found.appset_files.insert(path.to_string());
        } else {
            found.appset_files.remove(path);
        }
        if diagnostics.is_empty() {
            found.syntax.remove(path);
        } else {
            found.syntax.insert(path.to_string(), diagnostics);
        }
    }

    /// Walks the tree for what `validate` needs to look at.
    fn survey(&mut self) -> Structure {
        let yaml_files = self
            .tree
            .paths()
            .filter(|p| is_yaml_path(p) && !crate::repo::in_helm_templates(&self.tree, p))
            .map(str::to_string)
            .collect();
        let mut repo = self.repo();
        let render_dirs = repo.kustomization_dirs().to_vec();
        let mut config_diagnostics = repo.pipeline().diagnostics.clone();
        if let Some(path) = crate::gates::codeowners::locate(&self.tree) {
            let (_, problems) =
                crate::gates::codeowners::parse(path, &self.tree.text(path).unwrap_or_default());
            config_diagnostics.extend(problems);
        }
        Structure { yaml_files, render_dirs, config_diagnostics, found: None }
    }

    /// Directories holding a kustomization file, sorted.
    #[must_use]
    pub fn kustomization_dirs(&self) -> Vec<String> {
        crate::repo::kustomization_dirs(&self.tree)
    }
}

/// Whether editing `path` can change the repository's shape for `validate`.
fn shapes_structure(tree: &FileTree, path: &str) -> bool {
    let name = tree::file_name(path);
    kustomize::kustomization::KUSTOMIZATION_FILE_NAMES.contains(&name)
        || name == "Chart.yaml"
        || name == "CODEOWNERS"
        || path == crate::pipeline::config::PIPELINE_FILE
        || !tree.is_file(path)
}

/// Whether `validate` reads the file at `path` whatever references it: YAML files (and
/// `Kustomization`). A host that reads lazily gives these up front; the engine asks for the
/// others (generator inputs, ...) when a kustomization references them.
#[must_use]
pub fn is_yaml_path(path: &str) -> bool {
    let name = tree::file_name(path);
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(extension.as_deref(), Some("yaml" | "yml")) || name == "Kustomization"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace(files: &[(&str, &str)]) -> Workspace {
        let mut tree = FileTree::new();
        for (path, text) in files {
            tree.insert(path, *text).unwrap();
        }
        Workspace::new(tree)
    }

    #[test]
    fn the_kustomization_directories_follow_files_added_and_removed() {
        let mut ws = workspace(&[("a/kustomization.yaml", "resources: []\n")]);
        assert_eq!(*ws.repo().kustomization_dirs(), ["a"]);
        ws.set_file("b/kustomization.yaml", "resources: []\n").unwrap();
        assert_eq!(*ws.repo().kustomization_dirs(), ["a", "b"]);
        ws.set_file("b/kustomization.yaml", "resources: [x.yaml]\n").unwrap();
        assert_eq!(*ws.repo().kustomization_dirs(), ["a", "b"]);
        // A chart around `c` makes its kustomization a template, not a directory to render.
        ws.set_file("c/templates/kustomization.yaml", "resources: []\n").unwrap();
        assert_eq!(*ws.repo().kustomization_dirs(), ["a", "b", "c/templates"]);
        ws.set_file("c/Chart.yaml", "name: c\n").unwrap();
        assert_eq!(*ws.repo().kustomization_dirs(), ["a", "b"]);
        assert!(ws.remove_file("a/kustomization.yaml"));
        assert_eq!(*ws.repo().kustomization_dirs(), ["b"]);
        assert_eq!(*ws.repo().kustomization_dirs(), ws.kustomization_dirs());
    }

    #[test]
    fn validate_reports_syntax_errors_with_ranges() {
        let mut ws = workspace(&[("a.yaml", "x: [\n"), ("b.yml", "ok: 1\n")]);
        let v = ws.validate();
        assert_eq!(v.diagnostics.len(), 1);
        assert_eq!(v.diagnostics[0].file.as_deref(), Some("a.yaml"));
        assert!(v.diagnostics[0].range.is_some());
    }

    #[test]
    fn validate_includes_pipeline_and_codeowners_problems() {
        let mut ws = workspace(&[
            (
                "baton.yaml",
                "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  environments:\n  - name: prod\n    gates: {soak: 2x}\n",
            ),
            ("CODEOWNERS", "* bob\n"),
        ]);
        let codes: Vec<&str> = ws.validate().diagnostics.iter().map(|d| d.code).collect();
        assert!(codes.contains(&"G003"), "{codes:?}");
        assert!(codes.contains(&"G001"), "{codes:?}");
    }

    /// A small fleet: `apps/aN/{base,dev,prod}`, each overlay on its app's base.
    fn fleet(apps: usize) -> FileTree {
        let mut tree = FileTree::new();
        for i in 0..apps {
            let d = format!("apps/a{i}");
            let files = [
                ("base/kustomization.yaml", "resources:\n- cm.yaml\n".to_string()),
                (
                    "base/cm.yaml",
                    format!(
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  k: v\n"
                    ),
                ),
                ("dev/kustomization.yaml", "resources:\n- ../base\nnamespace: dev\n".to_string()),
                ("prod/kustomization.yaml", "resources:\n- ../base\nnamespace: prod\n".to_string()),
            ];
            for (path, text) in files {
                tree.insert(&format!("{d}/{path}"), text).unwrap();
            }
        }
        tree
    }

    #[test]
    fn validate_after_an_edit_redoes_only_what_it_touched_and_agrees_with_a_fresh_one() {
        // A parse budget far below the repository's size: trees are let go and parsed again.
        let tree = fleet(6);
        let mut ws = Workspace {
            tree: tree.clone(),
            renders: Renders::with_parse_budget(64),
            ..Workspace::default()
        };
        assert!(ws.validate().diagnostics.is_empty());
        assert_eq!(ws.stats().renders, 18);
        let steps: [(&str, &str, usize); 4] = [
            // A base feeds three renders; an overlay one; a syntax error none (but is reported).
            ("apps/a2/base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", 3),
            ("apps/a4/prod/kustomization.yaml", "resources:\n- ../base\nnamespace: p2\n", 1),
            ("apps/a1/base/cm.yaml", "a: [\n", 3),
            ("apps/a1/base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n", 3),
        ];
        for (path, text, renders) in steps {
            let before = ws.stats().renders;
            ws.set_file(path, text).unwrap();
            let incremental = ws.validate();
            assert_eq!(ws.stats().renders - before, renders, "renders redone after editing {path}");
            let mut fresh = Workspace::new(ws.tree().clone());
            assert_eq!(incremental, fresh.validate(), "after editing {path}");
        }
        assert!(ws.stats().parses > ws.tree().len(), "the small budget made the cache parse again");
        ws.remove_file("apps/a5/dev/kustomization.yaml");
        let mut fresh = Workspace::new(ws.tree().clone());
        assert_eq!(ws.validate(), fresh.validate());
        assert_eq!(ws.status(), fresh.status());
    }

    #[test]
    fn a_component_rendered_by_another_operation_is_still_not_validated_alone() {
        // The component patches a Deployment its own directory does not have: rendered alone
        // it fails, so `validate` must keep skipping it even once a render of it is cached.
        let mut ws = workspace(&[
            ("app/kustomization.yaml", "resources:\n- d.yaml\ncomponents:\n- ../comp\n"),
            ("app/d.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"),
            (
                "comp/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: p.yaml\n",
            ),
            (
                "comp/p.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 2\n",
            ),
        ]);
        assert_eq!(ws.validate().diagnostics, []);
        assert!(!ws.render("comp").ok, "alone, the component cannot find its target");
        ws.set_file(
            "app/d.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n# x\n",
        )
        .unwrap();
        ws.set_file("comp/other.yaml", "a: 1\n").unwrap();
        assert_eq!(ws.validate().diagnostics, []);
    }

    /// Flux's checks are part of `validate`, and stay right as object and marker files are
    /// edited: a marker naming a missing policy (F008), fixed, and a policy removed under it.
    #[test]
    fn validate_reports_flux_findings_incrementally() {
        let objects = "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {name: app, namespace: flux-system}\nspec: {image: r.io/app}\n---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {name: app, namespace: flux-system}\nspec:\n  imageRepositoryRef: {name: app}\n  policy: {semver: {range: '>=1.0.0'}}\n---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageUpdateAutomation\nmetadata: {name: auto, namespace: flux-system}\nspec: {update: {strategy: Setters}}\n";
        let marked = |policy: &str| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  image: r.io/app:1.0.0 # {{\"$imagepolicy\": \"flux-system:{policy}\"}}\n"
            )
        };
        let mut ws = workspace(&[
            ("flux/objects.yaml", objects),
            ("app/cm.yaml", &marked("ap")),
            ("app/kustomization.yaml", "resources: [cm.yaml]\n"),
        ]);
        let codes = |ws: &mut Workspace| -> Vec<&'static str> {
            let incremental = ws.validate();
            assert_eq!(incremental, Workspace::new(ws.tree().clone()).validate());
            incremental.diagnostics.iter().map(|d| d.code).collect()
        };
        assert_eq!(codes(&mut ws), ["F008"]);
        let f008 = ws.validate().diagnostics.remove(0);
        assert_eq!(f008.file.as_deref(), Some("app/cm.yaml"));
        assert_eq!(f008.range.map(|r| r.start.line), Some(5), "at the comment, for editors");
        ws.set_file("app/cm.yaml", &marked("app")).unwrap();
        assert_eq!(codes(&mut ws), Vec::<&str>::new());
        // The policy's file changes: the marker in the other file is now unknown.
        ws.set_file(
            "flux/objects.yaml",
            &objects.replace(
                "name: app, namespace: flux-system}\nspec:\n  imageRepositoryRef",
                "name: other, namespace: flux-system}\nspec:\n  imageRepositoryRef",
            ),
        )
        .unwrap();
        assert_eq!(codes(&mut ws), ["F008"]);
        // A file that stops being a Flux file (the marker removed) is dropped from the checks.
        ws.set_file("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
            .unwrap();
        assert_eq!(codes(&mut ws), Vec::<&str>::new());
        // An invalid range in a file that becomes a Flux file by the edit.
        ws.set_file(
            "app/cm.yaml",
            &objects
                .replace("'>=1.0.0'", "'>=1.0.0 latest'")
                .replace("name: app,", "name: app2,")
                .replace("name: auto,", "name: auto2,"),
        )
        .unwrap();
        assert_eq!(codes(&mut ws), ["F002"]);
    }

    #[test]
    fn helm_templates_are_not_yaml() {
        let mut ws = workspace(&[
            ("charts/x/Chart.yaml", "name: x\n"),
            ("charts/x/templates/d.yaml", "a: {{ .Values.x }\n"),
        ]);
        assert!(ws.validate().diagnostics.is_empty());
    }
}
