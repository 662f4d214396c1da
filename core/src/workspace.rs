//! The stateful, incremental entry point hosts use: a repository held in memory, with
//! parses and renders cached and invalidated precisely.
//!
//! An editor calls `validate` on every keystroke, so the second call must cost only what
//! the edit can change. Parses are cached by text identity; each render remembers every
//! path it consulted ([`crate::source::ReadSet`]), and an edit drops exactly the renders that consulted the
//! edited path (or looked in its directory). Counters let tests observe this directly.
//!
//! Operations do not take the workspace: they take its pieces, a [`Repo`] (see [`crate::repo`]).

use serde::Serialize;

use crate::diagnostic::{self, Diagnostic};
use crate::kustomize::{self, Rendered};
use crate::repo::{Renders, Repo};
use crate::tree::{self, Content, FileTree, PathError};

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

    /// The pieces operations work on: the tree and the render cache (see [`crate::repo`]).
    pub fn repo(&mut self) -> Repo<'_> {
        Repo::new(&self.tree, &mut self.renders)
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
        self.renders.invalidate(&self.tree, path);
        if self.structure.is_some() && shapes_structure(&self.tree, path) {
            self.structure = None;
        }
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
        self.repo().render(dir).clone()
    }

    /// The paths the render of `dir` consulted (rendering it if needed).
    pub fn consulted(&mut self, dir: &str) -> crate::source::ReadSet {
        self.repo().consulted(dir).clone()
    }

    /// What every app runs in every environment, and the pending promotions.
    pub fn status(&mut self) -> crate::status::Status {
        crate::status::status(&mut self.repo())
    }

    /// Plans a promotion (see [`crate::promote`]).
    pub fn plan_promotion(
        &mut self,
        request: &crate::promote::PromotionRequest,
    ) -> crate::promote::PromotionPlan {
        crate::promote::plan(&mut self.repo(), request)
    }

    /// Diagnostics for every file the engine understands: YAML syntax everywhere, and every
    /// kustomization (other than components) rendered.
    pub fn validate(&mut self) -> Validation {
        let structure = match self.structure.take() {
            Some(structure) => structure,
            None => self.survey(),
        };
        let mut diagnostics = Vec::new();
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
                Some(Content::Text(_)) => {
                    if let Some(parsed) = self.renders.parse(&self.tree, path) {
                        diagnostics.extend(parsed.diagnostics.iter().cloned());
                    }
                }
                None => {}
            }
        }
        let mut repo = Repo::new(&self.tree, &mut self.renders);
        for dir in &structure.render_dirs {
            diagnostics.extend(repo.render(dir).diagnostics.iter().cloned());
        }
        if repo.meter().exhausted() {
            diagnostics.push(repo.meter().exhausted_diagnostic("validate"));
        }
        diagnostics.extend(structure.config_diagnostics.iter().cloned());
        self.structure = Some(structure);
        diagnostic::locate_all(&self.tree, &mut diagnostics);
        diagnostic::sort(&mut diagnostics);
        diagnostics.dedup();
        Validation { diagnostics }
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
        let render_dirs = repo.overlay_dirs();
        let mut config_diagnostics = repo.pipeline().diagnostics;
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

fn is_yaml_path(path: &str) -> bool {
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
