//! The stateful, incremental entry point hosts use: a repository held in memory, with
//! parses and renders cached and invalidated precisely.
//!
//! An editor calls `validate` on every keystroke, so the second call must cost only what
//! the edit can change. Parses are cached by text identity; each render remembers every
//! path it consulted ([`ReadSet`]), and an edit drops exactly the renders that consulted the
//! edited path (or looked in its directory). Counters let tests observe this directly.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{self, Diagnostic};
use crate::kustomize::{self, Rendered};
use crate::source::{ParseCache, ReadSet, Source, parse_cached};
use crate::tree::{self, Content, FileTree, PathError};

/// Work counters, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// YAML parses run since the workspace was made.
    pub parses: usize,
    /// Overlay renders run (not served from cache).
    pub renders: usize,
}

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
    parses: ParseCache,
    /// Each render, the paths it consulted, and its Argo Rollouts findings once computed.
    renders: BTreeMap<String, (Rendered, ReadSet, Option<Vec<Diagnostic>>)>,
    render_count: usize,
    /// What `validate` walks, kept until a file is added or removed or a file that shapes
    /// the repository (a kustomization, `baton.yaml`, CODEOWNERS, a Helm chart) changes.
    structure: Option<Structure>,
}

/// The shape of the repository, as far as `validate` is concerned.
#[derive(Debug, Default, Clone)]
struct Structure {
    /// YAML files to check for syntax (not Helm templates).
    yaml_files: Vec<String>,
    /// Kustomization directories to render (components are not rendered alone).
    render_dirs: Vec<String>,
    /// Problems in `baton.yaml` and CODEOWNERS.
    config_diagnostics: Vec<Diagnostic>,
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

    /// Adds or replaces a file. Returns the normalized path.
    pub fn set_file(&mut self, path: &str, text: &str) -> Result<String, PathError> {
        let path = tree::file_path(path)?;
        if self.tree.text(&path) == Some(text) {
            return Ok(path);
        }
        let existed = self.tree.is_file(&path);
        self.tree.insert(&path, text)?;
        if !existed {
            self.structure = None;
        }
        self.invalidate(&path);
        Ok(path)
    }

    /// Adds or replaces a file from bytes (kept as "not UTF-8" when they are not).
    pub fn set_file_bytes(&mut self, path: &str, bytes: Vec<u8>) -> Result<String, PathError> {
        let path = self.tree.insert_bytes(path, bytes)?;
        self.structure = None;
        self.invalidate(&path);
        Ok(path)
    }

    /// Removes a file; returns whether it existed.
    pub fn remove_file(&mut self, path: &str) -> bool {
        let Ok(path) = tree::normalize(path) else { return false };
        let removed = self.tree.remove(&path);
        if removed {
            self.structure = None;
            self.invalidate(&path);
        }
        removed
    }

    fn invalidate(&mut self, path: &str) {
        self.renders.retain(|_, (_, reads, _)| !reads.touches(path));
        self.parses.retain_valid(&self.tree);
        if self.structure.is_some() && shapes_structure(&self.tree, path) {
            self.structure = None;
        }
    }

    #[must_use]
    pub fn stats(&self) -> Stats {
        Stats { parses: self.parses.parses, renders: self.render_count }
    }

    /// Renders the kustomization in `dir` (cached until a file it consulted changes).
    pub fn render(&mut self, dir: &str) -> Rendered {
        let key = tree::normalize(dir).unwrap_or_else(|_| dir.to_string());
        self.ensure_rendered(&key).clone()
    }

    /// The cached render of `key` (a normalized directory), rendering it if needed.
    fn ensure_rendered(&mut self, key: &str) -> &Rendered {
        if !self.renders.contains_key(key) {
            let mut source = Source::new(&self.tree, &mut self.parses);
            let (mut rendered, reads) = kustomize::render(&mut source, key);
            self.render_count += 1;
            locate_all(&self.tree, &mut rendered.diagnostics);
            diagnostic::sort(&mut rendered.diagnostics);
            self.renders.insert(key.to_string(), (rendered, reads, None));
        }
        &self.renders[key].0
    }

    /// The paths the render of `dir` consulted (rendering it if needed).
    pub fn consulted(&mut self, dir: &str) -> crate::source::ReadSet {
        let key = tree::normalize(dir).unwrap_or_else(|_| dir.to_string());
        if !self.renders.contains_key(&key) {
            self.render(&key);
        }
        self.renders.get(&key).map(|(_, reads, _)| reads.clone()).unwrap_or_default()
    }

    /// What every app runs in every environment, and the pending promotions.
    pub fn status(&mut self) -> crate::status::Status {
        crate::status::status(self)
    }

    /// Plans a promotion (see [`crate::promote`]).
    pub fn plan_promotion(
        &mut self,
        request: &crate::promote::PromotionRequest,
    ) -> crate::promote::PromotionPlan {
        crate::promote::plan(self, request)
    }

    /// How the updates of an overlay's Rollouts and Deployments unfold (see
    /// [`crate::rollouts::simulate`]).
    pub fn simulate_rollout(
        &mut self,
        request: &crate::rollouts::SimulateRequest,
    ) -> crate::rollouts::Simulation {
        let key = tree::normalize(&request.overlay).unwrap_or_else(|_| request.overlay.clone());
        let mut simulation =
            crate::rollouts::simulate(self.ensure_rendered(&key), request.name.as_deref());
        for rollout in &mut simulation.rollouts {
            locate_all(&self.tree, &mut rollout.diagnostics);
        }
        locate_all(&self.tree, &mut simulation.diagnostics);
        simulation
    }

    /// A render's diagnostics and its Argo Rollouts findings (computed once, cached with it).
    fn render_diagnostics(&mut self, dir: &str) -> (&[Diagnostic], &[Diagnostic]) {
        if !self.renders.contains_key(dir) {
            self.ensure_rendered(dir);
        }
        match self.renders.get_mut(dir) {
            Some((rendered, _, checks)) => {
                let checks = checks.get_or_insert_with(|| crate::rollouts::check_render(rendered));
                (&rendered.diagnostics, checks)
            }
            None => (&[], &[]),
        }
    }

    /// Diagnostics for every file the engine understands: YAML syntax everywhere, every
    /// kustomization (other than components) rendered, and Argo Rollouts checked in each
    /// render and in the YAML files no render reads.
    pub fn validate(&mut self) -> Validation {
        let structure = match self.structure.take() {
            Some(structure) => structure,
            None => self.survey(),
        };
        let mut diagnostics = Vec::new();
        // Files with a Rollout, to lint if no render reads them.
        let mut rollout_files = Vec::new();
        for path in &structure.yaml_files {
            match self.tree.get(path) {
                Some(Content::NotUtf8 { valid_up_to, .. }) => diagnostics.push(
                    Diagnostic::new(
                        diagnostic::Code::InvalidUtf8,
                        format!(
                            "'{path}' is not UTF-8 text (invalid byte at offset {valid_up_to})"
                        ),
                    )
                    .at(path, diagnostic::Span::new(*valid_up_to, *valid_up_to)),
                ),
                Some(Content::Text(text)) if text.len() > tree::MAX_FILE_BYTES => {
                    diagnostics.push(crate::source::too_large(path, text.len() as u64));
                }
                Some(Content::TooLarge { len }) => {
                    diagnostics.push(crate::source::too_large(path, *len));
                }
                Some(Content::Text(text)) => {
                    let parsed = parse_cached(&mut self.parses, path, text);
                    diagnostics.extend(parsed.diagnostics.iter().cloned());
                    if crate::rollouts::has_rollout(&parsed) {
                        rollout_files.push((path, parsed));
                    }
                }
                None => {}
            }
        }
        for dir in &structure.render_dirs {
            let (render, rollouts) = self.render_diagnostics(dir);
            diagnostics.extend(render.iter().chain(rollouts).cloned());
        }
        // A file with a Rollout that no render reads is checked as `kubectl argo rollouts lint
        // -f` would; a file a render reads is checked through the render (a patch is a
        // partial object).
        for (path, parsed) in rollout_files {
            if !self.renders.values().any(|(_, reads, _)| reads.files.contains(path.as_str())) {
                diagnostics.extend(crate::rollouts::lint_file(&Arc::from(path.as_str()), &parsed));
            }
        }
        diagnostics.extend(structure.config_diagnostics.iter().cloned());
        self.structure = Some(structure);
        locate_all(&self.tree, &mut diagnostics);
        diagnostic::sort(&mut diagnostics);
        diagnostics.dedup();
        Validation { diagnostics }
    }

    /// Walks the tree for what `validate` needs to look at.
    fn survey(&mut self) -> Structure {
        let yaml_files = self
            .tree
            .paths()
            .filter(|p| is_yaml_path(p) && !in_helm_templates(&self.tree, p))
            .map(str::to_string)
            .collect();
        let render_dirs =
            self.kustomization_dirs().into_iter().filter(|d| !self.is_component(d)).collect();
        let mut config_diagnostics = crate::pipeline::Pipeline::load(&self.tree).diagnostics;
        if let Some(path) = crate::gates::codeowners::locate(&self.tree) {
            let (_, problems) =
                crate::gates::codeowners::parse(path, self.tree.text(path).unwrap_or_default());
            config_diagnostics.extend(problems);
        }
        Structure { yaml_files, render_dirs, config_diagnostics }
    }

    /// Directories holding a kustomization file, sorted.
    #[must_use]
    pub fn kustomization_dirs(&self) -> Vec<String> {
        let mut dirs = BTreeSet::new();
        for path in self.tree.paths() {
            if kustomize::kustomization::KUSTOMIZATION_FILE_NAMES.contains(&tree::file_name(path))
                && !in_helm_templates(&self.tree, path)
            {
                dirs.insert(tree::parent(path).to_string());
            }
        }
        dirs.into_iter().collect()
    }

    fn is_component(&mut self, dir: &str) -> bool {
        for name in kustomize::kustomization::KUSTOMIZATION_FILE_NAMES {
            let path = kustomize::build::join_file(dir, name);
            if let Some(Content::Text(text)) = self.tree.get(&path) {
                let parsed = parse_cached(&mut self.parses, &path, text);
                return parsed.documents.iter().any(|d| {
                    d.root.get("kind").and_then(crate::yaml::Node::scalar) == Some("Component")
                });
            }
        }
        false
    }
}

/// Fills in LSP ranges for diagnostics whose files are in the tree.
pub fn locate_all(tree: &FileTree, diagnostics: &mut [Diagnostic]) {
    let text_of = |f: &str| -> Option<&str> {
        match tree.get(f) {
            Some(Content::Text(text)) => Some(text),
            // The valid prefix of a file that is not UTF-8 still positions the bad byte.
            Some(Content::NotUtf8 { bytes, valid_up_to, .. }) => {
                std::str::from_utf8(&bytes[..*valid_up_to]).ok()
            }
            _ => None,
        }
    };
    // One line index per file, however many diagnostics point into it.
    let mut indexes: BTreeMap<String, diagnostic::LineIndex> = BTreeMap::new();
    for d in diagnostics.iter() {
        for file in d.file.iter().chain(d.related.iter().map(|r| &r.file)) {
            if !indexes.contains_key(file.as_str())
                && let Some(text) = text_of(file)
            {
                indexes.insert(file.clone(), diagnostic::LineIndex::new(text));
            }
        }
    }
    for d in diagnostics {
        d.locate_indexed(|f| Some((text_of(f)?, indexes.get(f)?)));
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

fn is_yaml_path(path: &str) -> bool {
    let name = tree::file_name(path);
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(extension.as_deref(), Some("yaml" | "yml")) || name == "Kustomization"
}

/// Files under a Helm chart's `templates/` are Go templates, not YAML.
fn in_helm_templates(tree: &FileTree, path: &str) -> bool {
    let mut dir = tree::parent(path);
    let mut below_templates = false;
    loop {
        if tree::file_name(dir) == "templates" {
            below_templates = true;
        } else if below_templates && tree.is_file(&kustomize::build::join_file(dir, "Chart.yaml")) {
            return true;
        }
        if dir.is_empty() {
            return false;
        }
        dir = tree::parent(dir);
    }
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

    #[test]
    fn helm_templates_are_not_yaml() {
        let mut ws = workspace(&[
            ("charts/x/Chart.yaml", "name: x\n"),
            ("charts/x/templates/d.yaml", "a: {{ .Values.x }\n"),
        ]);
        assert!(ws.validate().diagnostics.is_empty());
    }
}
