//! The repository model: apps, their environments in promotion order, and which
//! environment feeds which.
//!
//! With a `baton.yaml`, the declared environments (and their overlay paths) are the truth;
//! without one, environments are discovered from each app's subdirectories that hold a
//! kustomization (also under an `overlays/` directory), ordered by well-known names. Either
//! way the result is one [`Pipeline`] value that status, promotion and gates share.

pub mod config;
pub mod glob;

use std::sync::Arc;

use self::config::{DEFAULT_APPS, EnvironmentDecl, PIPELINE_FILE, PipelineConfig};
use crate::diagnostic::{Code, Diagnostic};
use crate::gates::config::GateConfig;
use crate::kustomize::kustomization::KUSTOMIZATION_FILE_NAMES;
use crate::tree::{self, FileTree};
use crate::yaml::{Limits, parse};

/// Directory names that are never environments.
const NOT_ENVIRONMENTS: &[&str] =
    &["base", "bases", "components", "preview", "previews", "overlays"];

/// Well-known environment names, in promotion order.
const WELL_KNOWN: &[&str] = &[
    "dev",
    "development",
    "test",
    "qa",
    "staging",
    "stage",
    "uat",
    "preprod",
    "prod",
    "production",
];

/// An environment of the pipeline.
#[derive(Debug, Clone)]
pub struct Environment {
    pub name: String,
    /// Overlay path template (`{app}/...`), when declared.
    pub path: Option<String>,
    /// Declared upstream environment.
    pub from: Option<String>,
    pub gates: GateConfig,
}

/// One app's environment: where its overlay is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppEnvironment {
    pub name: String,
    pub path: String,
}

/// An app and the environments it has, in pipeline order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    /// The app directory's last segment.
    pub name: String,
    pub path: String,
    pub environments: Vec<AppEnvironment>,
}

impl App {
    #[must_use]
    pub fn environment(&self, name: &str) -> Option<&AppEnvironment> {
        self.environments.iter().find(|e| e.name == name)
    }
}

/// The whole model.
#[derive(Debug, Clone, Default)]
pub struct Pipeline {
    pub environments: Vec<Environment>,
    pub apps: Vec<App>,
    /// Whether `baton.yaml` declared the environments.
    pub declared: bool,
    pub diagnostics: Vec<Diagnostic>,
}

impl Pipeline {
    /// Reads `baton.yaml` (if any) and discovers apps and environments in `tree`.
    #[must_use]
    pub fn load(tree: &FileTree) -> Pipeline {
        let (config, mut diagnostics) = read_config(tree);
        let app_globs: Vec<String> = if config.apps.is_empty() {
            vec![DEFAULT_APPS.to_string()]
        } else {
            config.apps.iter().map(|s| s.value.clone()).collect()
        };
        let app_dirs = find_app_dirs(tree, &app_globs);
        if app_dirs.is_empty() && tree.is_file(PIPELINE_FILE) {
            let span = config
                .apps
                .first()
                .map(crate::kustomize::decode::Spanned::span)
                .unwrap_or_default();
            diagnostics.push(
                Diagnostic::new(
                    Code::PipelineNoApps,
                    format!("no app directory matches {}", app_globs.join(", ")),
                )
                .at(PIPELINE_FILE, span),
            );
        }
        let (environments, apps) = if config.declared {
            declared_model(tree, &config, &app_dirs, &mut diagnostics)
        } else {
            discovered_model(tree, &app_dirs)
        };
        Pipeline { environments, apps, declared: config.declared, diagnostics }
    }

    #[must_use]
    pub fn app(&self, name: &str) -> Option<&App> {
        self.apps.iter().find(|a| a.name == name || a.path == name)
    }

    #[must_use]
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// Position of an environment in promotion order.
    #[must_use]
    pub fn rank(&self, name: &str) -> Option<usize> {
        self.environments.iter().position(|e| e.name == name)
    }

    /// The environment `target` promotes from for `app`: its declared `from`, else the
    /// nearest earlier environment the app has.
    #[must_use]
    pub fn upstream(&self, app: &App, target: &str) -> Option<String> {
        if let Some(from) = self.environment(target).and_then(|e| e.from.clone()) {
            return Some(from);
        }
        let rank = self.rank(target)?;
        self.environments[..rank]
            .iter()
            .rev()
            .find(|e| app.environment(&e.name).is_some())
            .map(|e| e.name.clone())
    }
}

fn read_config(tree: &FileTree) -> (PipelineConfig, Vec<Diagnostic>) {
    let Some(text) = tree.text(PIPELINE_FILE) else {
        if tree.is_file(PIPELINE_FILE) {
            let d = Diagnostic::new(Code::InvalidUtf8, "baton.yaml is not UTF-8 text")
                .in_file(PIPELINE_FILE);
            return (PipelineConfig::default(), vec![d]);
        }
        return (PipelineConfig::default(), Vec::new());
    };
    let file: Arc<str> = Arc::from(PIPELINE_FILE);
    let parsed = parse(&file, text, &Limits::default());
    if parsed.has_errors() {
        return (PipelineConfig::default(), parsed.diagnostics);
    }
    match parsed.documents.iter().find(|d| !d.is_empty()) {
        Some(doc) => config::decode(&file, &doc.root),
        None => (PipelineConfig::default(), Vec::new()),
    }
}

/// Directories matching the app globs (each a directory of the tree), sorted.
fn find_app_dirs(tree: &FileTree, globs: &[String]) -> Vec<String> {
    let mut dirs = crate::vecmap::VecSet::new();
    // Each directory is matched once: climbing from a file stops at a directory already seen
    // (its ancestors were seen with it). A fleet has many files per directory.
    let mut seen: crate::vecmap::VecSet<&str> = crate::vecmap::VecSet::new();
    for path in tree.paths() {
        let mut dir = tree::parent(path);
        while !dir.is_empty() && seen.insert(dir) {
            if globs.iter().any(|g| glob::matches(g, dir)) {
                dirs.insert(dir.to_string());
            }
            dir = tree::parent(dir);
        }
    }
    // An app nested in another app's directory is an environment or base, not an app. Each
    // directory's ancestors are looked up in the (sorted) set: linear in the apps, not quadratic.
    let nested = |d: &str| {
        let mut dir = tree::parent(d);
        while !dir.is_empty() {
            if dirs.contains(dir) {
                return true;
            }
            dir = tree::parent(dir);
        }
        false
    };
    dirs.iter().filter(|d| !nested(d)).cloned().collect()
}

fn has_kustomization(tree: &FileTree, dir: &str) -> bool {
    KUSTOMIZATION_FILE_NAMES
        .iter()
        .any(|n| tree.is_file(&crate::kustomize::build::join_file(dir, n)))
}

fn declared_model(
    tree: &FileTree,
    config: &PipelineConfig,
    app_dirs: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Environment>, Vec<App>) {
    let environments: Vec<Environment> =
        config.environments.iter().map(environment_from_decl).collect();
    let apps: Vec<App> = app_dirs
        .iter()
        .map(|dir| {
            let envs = config
                .environments
                .iter()
                .filter_map(|e| {
                    let path = overlay_path(dir, e);
                    has_kustomization(tree, &path)
                        .then(|| AppEnvironment { name: e.name.value.clone(), path })
                })
                .collect();
            App { name: tree::file_name(dir).to_string(), path: dir.clone(), environments: envs }
        })
        .collect();
    for decl in &config.environments {
        if !apps.is_empty() && !apps.iter().any(|a| a.environment(&decl.name.value).is_some()) {
            let shown = decl
                .path
                .as_ref()
                .map_or_else(|| format!("{{app}}/{}", decl.name.value), |p| p.value.clone());
            diagnostics.push(
                Diagnostic::new(
                    Code::PipelineEnvironmentUnused,
                    format!(
                        "environment {:?} exists in no app (no kustomization at {shown})",
                        decl.name.value
                    ),
                )
                .at(PIPELINE_FILE, decl.name.span()),
            );
        }
    }
    (environments, apps)
}

fn environment_from_decl(decl: &EnvironmentDecl) -> Environment {
    Environment {
        name: decl.name.value.clone(),
        path: decl.path.as_ref().map(|p| p.value.clone()),
        from: decl.from.as_ref().map(|f| f.value.clone()),
        gates: decl.gates.clone(),
    }
}

/// The overlay directory of environment `decl` in app `dir`.
fn overlay_path(dir: &str, decl: &EnvironmentDecl) -> String {
    match &decl.path {
        Some(template) => {
            let expanded = template.value.replace("{app}", dir).replace("{env}", &decl.name.value);
            tree::normalize(&expanded).unwrap_or(expanded)
        }
        None => format!("{dir}/{}", decl.name.value),
    }
}

fn discovered_model(tree: &FileTree, app_dirs: &[String]) -> (Vec<Environment>, Vec<App>) {
    let mut names: Vec<String> = Vec::new();
    let apps: Vec<App> = app_dirs
        .iter()
        .map(|dir| {
            let mut envs = Vec::new();
            for (name, is_dir) in tree.list_dir(dir) {
                if !is_dir || NOT_ENVIRONMENTS.contains(&name.as_str()) {
                    continue;
                }
                let path = format!("{dir}/{name}");
                if has_kustomization(tree, &path) {
                    envs.push(AppEnvironment { name, path });
                }
            }
            let overlays = format!("{dir}/overlays");
            if !has_kustomization(tree, &overlays) {
                for (name, is_dir) in tree.list_dir(&overlays) {
                    let path = format!("{overlays}/{name}");
                    if is_dir
                        && !NOT_ENVIRONMENTS.contains(&name.as_str())
                        && has_kustomization(tree, &path)
                        && !envs.iter().any(|e: &AppEnvironment| e.name == name)
                    {
                        envs.push(AppEnvironment { name, path });
                    }
                }
            }
            crate::sort::sort_by_key(&mut envs, |e| order_key(&e.name));
            for e in &envs {
                if !names.contains(&e.name) {
                    names.push(e.name.clone());
                }
            }
            App { name: tree::file_name(dir).to_string(), path: dir.clone(), environments: envs }
        })
        .collect();
    crate::sort::sort_by_key(&mut names, |n| order_key(n));
    let environments = names
        .into_iter()
        .map(|name| Environment { name, path: None, from: None, gates: GateConfig::default() })
        .collect();
    (environments, apps)
}

/// Well-known names first (in their order), then the rest alphabetically.
fn order_key(name: &str) -> (usize, String) {
    (WELL_KNOWN.iter().position(|w| *w == name).unwrap_or(WELL_KNOWN.len()), name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> FileTree {
        let mut t = FileTree::new();
        for f in files {
            t.insert(f, "resources: []\n").unwrap();
        }
        t
    }

    #[test]
    fn discovers_apps_and_orders_environments() {
        let t = tree(&[
            "apps/pay/base/kustomization.yaml",
            "apps/pay/production/kustomization.yaml",
            "apps/pay/staging/kustomization.yaml",
            "apps/pay/dev/kustomization.yaml",
            "apps/pay/zeta/kustomization.yaml",
            "apps/pay/components/x/kustomization.yaml",
            "apps/web/overlays/prod/kustomization.yaml",
            "apps/web/overlays/qa/kustomization.yaml",
        ]);
        let p = Pipeline::load(&t);
        let names: Vec<&str> = p.environments.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["dev", "qa", "staging", "prod", "production", "zeta"]);
        let pay = p.app("pay").unwrap();
        let envs: Vec<&str> = pay.environments.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(envs, ["dev", "staging", "production", "zeta"]);
        assert_eq!(p.upstream(pay, "production").as_deref(), Some("staging"));
        assert_eq!(p.upstream(pay, "dev"), None);
        let web = p.app("web").unwrap();
        assert_eq!(web.environment("prod").unwrap().path, "apps/web/overlays/prod");
        assert_eq!(p.upstream(web, "prod").as_deref(), Some("qa"));
    }

    #[test]
    fn declared_pipeline_uses_paths_and_from() {
        let mut t =
            tree(&["apps/pay/staging/kustomization.yaml", "apps/pay/prod/kustomization.yaml"]);
        t.insert(
            "baton.yaml",
            "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  environments:\n  - name: staging\n  - name: canary\n  - name: production\n    path: \"{app}/prod\"\n    from: staging\n",
        )
        .unwrap();
        let p = Pipeline::load(&t);
        let pay = p.app("pay").unwrap();
        assert_eq!(pay.environment("production").unwrap().path, "apps/pay/prod");
        assert!(pay.environment("canary").is_none());
        assert_eq!(p.upstream(pay, "production").as_deref(), Some("staging"));
        assert_eq!(p.diagnostics.iter().filter(|d| d.code == "P005").count(), 1);
    }
}
