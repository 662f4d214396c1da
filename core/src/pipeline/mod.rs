//! The repository model: apps, their environments in promotion order, and which
//! environment feeds which.
//!
//! With a `baton.yaml`, the declared environments (and their overlay paths) are the truth;
//! without one, environments are discovered from each app's subdirectories that hold a
//! kustomization (also under an `overlays/` directory), ordered by well-known names. Either
//! way the result is one [`Pipeline`] value that status, promotion and gates share.

pub mod config;
pub mod previews;

use std::sync::Arc;

use self::config::{DEFAULT_APPS, EnvironmentDecl, PIPELINE_FILE, PipelineConfig};
use self::previews::{PreviewSettings, PreviewsConfig};
use crate::diagnostic::{Code, Diagnostic};
use crate::gates::config::GateConfig;
use crate::glob::Glob;
use crate::kustomize::kustomization::KUSTOMIZATION_FILE_NAMES;
use crate::tree::{self, FileTree};
use crate::vecmap::VecSet;
use crate::work::Meter;
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

    /// The environment `name` of this app, or the `R002` diagnostic listing those it has.
    pub fn lookup_environment(&self, name: &str) -> Result<&AppEnvironment, Box<Diagnostic>> {
        self.environment(name).ok_or_else(|| {
            let known: Vec<&str> = self.environments.iter().map(|e| e.name.as_str()).collect();
            Box::new(
                Diagnostic::new(
                    Code::UnknownEnvironment,
                    format!("app '{}' has no environment '{name}'", self.name),
                )
                .with_help(format!("its environments: {}", known.join(", "))),
            )
        })
    }

    /// The resources of `rendered` (the render of this app's overlay `overlay`) that are the
    /// app's own. An overlay inside the app's directory is the app's alone: all of them. An
    /// overlay outside it (say `envs/production`, shared by several apps) renders other apps'
    /// workloads too: those read from a file inside the app's directory, or all of them when
    /// none is.
    #[must_use]
    pub fn resources<'r>(
        &self,
        overlay: &str,
        rendered: &'r crate::kustomize::Rendered,
    ) -> Vec<&'r crate::kustomize::RenderedResource> {
        let all = rendered.resources.iter();
        if tree::is_within(overlay, &self.path) {
            return all.collect();
        }
        let own: Vec<_> = all.clone().filter(|r| tree::is_within(&r.file, &self.path)).collect();
        if own.is_empty() { all.collect() } else { own }
    }
}

/// Why [`Pipeline::find_app`] found no single app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppLookup {
    /// No app has that name or path.
    Unknown,
    /// Several apps have that name: their paths.
    Ambiguous(Vec<String>),
}

/// The whole model.
#[derive(Debug, Clone, Default)]
pub struct Pipeline {
    pub environments: Vec<Environment>,
    pub apps: Vec<App>,
    /// Whether `baton.yaml` declared the environments.
    pub declared: bool,
    /// `spec.previews` of `baton.yaml` (defaults without one).
    pub previews: PreviewsConfig,
    /// `spec.repository.url`: where Argo CD reads this repository from (Applications whose
    /// `repoURL` is another repository are not rendered from this tree).
    pub repository_url: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Pipeline {
    /// Reads `baton.yaml` (if any) and discovers apps and environments in `tree`.
    #[must_use]
    pub fn load(tree: &FileTree) -> Pipeline {
        Pipeline::load_metered(tree, &mut Meter::new())
    }

    /// [`Pipeline::load`], spending the steps of app discovery on `meter`.
    #[must_use]
    pub fn load_metered(tree: &FileTree, meter: &mut Meter) -> Pipeline {
        let (config, mut diagnostics) = read_config(tree);
        let app_globs: Vec<String> = if config.apps.is_empty() {
            vec![DEFAULT_APPS.to_string()]
        } else {
            config.apps.iter().map(|s| s.value.clone()).collect()
        };
        let app_dirs = find_app_dirs(tree, &app_globs, meter);
        if app_dirs.is_empty() && tree.is_file(PIPELINE_FILE) {
            let span =
                config.apps.first().map(crate::yaml::decode::Spanned::span).unwrap_or_default();
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
            discovered_model(tree, &app_dirs, &config.previews)
        };
        report_shared_names(&apps, &config, &mut diagnostics);
        previews::check(&config.previews, &apps, &Arc::from(PIPELINE_FILE), &mut diagnostics);
        let PipelineConfig { previews, declared, repository_url, .. } = config;
        let repository_url = repository_url.map(|url| url.value);
        Pipeline { environments, apps, declared, previews, repository_url, diagnostics }
    }

    /// The preview settings of `app` (see [`previews`]).
    #[must_use]
    pub fn preview_settings(&self, app: &App) -> PreviewSettings {
        self.previews.settings(app)
    }

    /// The app named `name` (its directory's last segment) or at path `name`; `None` when
    /// there is none or the name is shared (see [`Pipeline::find_app`]).
    #[must_use]
    pub fn app(&self, name: &str) -> Option<&App> {
        self.find_app(name).ok()
    }

    /// The app at path `name`, or else the one app named `name`. Several apps may share a name
    /// (`teams/a/apps/web`, `teams/b/apps/web`): then the answer lists their paths, and only
    /// a path names one.
    pub fn find_app(&self, name: &str) -> Result<&App, AppLookup> {
        let path = tree::normalize(name).unwrap_or_else(|_| name.to_string());
        if let Some(app) = self.apps.iter().find(|a| a.path == path) {
            return Ok(app);
        }
        let named: Vec<&App> = self.apps.iter().filter(|a| a.name == name).collect();
        match named.as_slice() {
            [] => Err(AppLookup::Unknown),
            [one] => Ok(one),
            many => Err(AppLookup::Ambiguous(many.iter().map(|a| a.path.clone()).collect())),
        }
    }

    /// The app a request names (see [`Pipeline::find_app`]), or the diagnostic that says why
    /// there is no single one (`R001` unknown, `R012` ambiguous), for operations to return.
    pub fn lookup_app(&self, name: &str) -> Result<&App, Box<Diagnostic>> {
        match self.find_app(name) {
            Ok(app) => Ok(app),
            Err(AppLookup::Unknown) => {
                let mut known: Vec<&str> = self.apps.iter().map(|a| a.name.as_str()).collect();
                known.dedup();
                let known = if known.is_empty() { "(none)".into() } else { known.join(", ") };
                Err(Box::new(
                    Diagnostic::new(Code::UnknownApp, format!("there is no app named '{name}'"))
                        .with_help(format!("known apps: {known}")),
                ))
            }
            Err(AppLookup::Ambiguous(paths)) => Err(Box::new(
                Diagnostic::new(
                    Code::AmbiguousApp,
                    format!("{} apps are named '{name}': {}", paths.len(), paths.join(", ")),
                )
                .with_help(format!("name the app by its path, e.g. `app: {}`", paths[0])),
            )),
        }
    }

    /// How results name `app`: its name, or its path when another app has the same name (a
    /// shared name does not tell them apart in a PR title or branch).
    #[must_use]
    pub fn name_of(&self, app: &App) -> String {
        if self.name_is_shared(app) { app.path.clone() } else { app.name.clone() }
    }

    /// Whether another app has the same name as `app` (so only its path names it).
    #[must_use]
    pub fn name_is_shared(&self, app: &App) -> bool {
        self.apps.iter().filter(|a| a.name == app.name).count() > 1
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

/// A warning for each name several apps share: such an app is named by its path.
fn report_shared_names(apps: &[App], config: &PipelineConfig, diagnostics: &mut Vec<Diagnostic>) {
    let mut names: VecSet<&str> = VecSet::new();
    for app in apps {
        if !names.insert(&app.name) {
            continue;
        }
        let paths: Vec<&str> =
            apps.iter().filter(|a| a.name == app.name).map(|a| a.path.as_str()).collect();
        if paths.len() < 2 {
            continue;
        }
        let mut d = Diagnostic::new(
            Code::PipelineAppNameShared,
            format!("{} apps are named '{}': {}", paths.len(), app.name, paths.join(", ")),
        )
        .with_help(format!("name one of them by its path, e.g. '{}'", paths[0]));
        if let Some(glob) = config.apps.first() {
            d = d.at(PIPELINE_FILE, glob.span());
        }
        diagnostics.push(d);
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
    let parsed = parse(&file, &text, &Limits::default());
    if parsed.has_errors() {
        return (PipelineConfig::default(), parsed.diagnostics);
    }
    match parsed.documents.iter().find(|d| !d.is_empty()) {
        Some(doc) => config::decode(&file, &doc.root),
        None => (PipelineConfig::default(), Vec::new()),
    }
}

/// Directories matching the app globs (each a directory of the tree), sorted. Each directory
/// is matched once, however many files it holds.
fn find_app_dirs(tree: &FileTree, globs: &[String], meter: &mut Meter) -> Vec<String> {
    let globs: Vec<Glob> = globs.iter().map(|g| Glob::apps(g)).collect();
    let mut all: Vec<&str> = Vec::new();
    let mut previous = "";
    for path in tree.paths() {
        let mut dir = tree::parent(path);
        // Paths are sorted: the directories this path shares with the one before are listed.
        while !dir.is_empty() && !tree::is_within(previous, dir) {
            all.push(dir);
            dir = tree::parent(dir);
        }
        previous = path;
    }
    let dirs: VecSet<&str> = all.into_iter().collect();
    let matched: VecSet<&str> =
        dirs.into_iter().filter(|dir| globs.iter().any(|g| g.matches(dir, meter))).collect();
    // An app nested in another app's directory is an environment or base, not an app.
    matched
        .iter()
        .filter(|dir| {
            let mut up = tree::parent(dir);
            while !up.is_empty() {
                if matched.contains(up) {
                    return false;
                }
                up = tree::parent(up);
            }
            true
        })
        .map(|dir| (*dir).to_string())
        .collect()
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
                    // Without a declared path, an app may keep its overlays under `overlays/`,
                    // as discovery finds them.
                    let path = if e.path.is_none() && !has_kustomization(tree, &path) {
                        format!("{dir}/overlays/{}", e.name.value)
                    } else {
                        path
                    };
                    has_kustomization(tree, &path)
                        .then(|| AppEnvironment { name: e.name.value.clone(), path })
                })
                .collect();
            App { name: tree::file_name(dir).to_string(), path: dir.clone(), environments: envs }
        })
        .collect();
    for decl in &config.environments {
        if !apps.is_empty() && !apps.iter().any(|a| a.environment(&decl.name.value).is_some()) {
            let shown = decl.path.as_ref().map_or_else(
                || format!("{{app}}/{0} or {{app}}/overlays/{0}", decl.name.value),
                |p| p.value.clone(),
            );
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

fn discovered_model(
    tree: &FileTree,
    app_dirs: &[String],
    previews: &PreviewsConfig,
) -> (Vec<Environment>, Vec<App>) {
    let mut names: Vec<String> = Vec::new();
    let apps: Vec<App> = app_dirs
        .iter()
        .map(|dir| {
            let app_name = tree::file_name(dir);
            let is_preview = |path: &str| {
                let settings = previews.settings_for(app_name, dir);
                let values = crate::preview::names::Values {
                    app: app_name,
                    app_path: dir,
                    number: 1,
                    branch: None,
                    sha: None,
                };
                crate::preview::names::path_pattern(&settings.path.text, &values).is_ok_and(|p| {
                    tree::parent(path) == p.root && p.number_of(tree::file_name(path)).is_some()
                })
            };
            let mut envs = Vec::new();
            for (name, is_dir) in tree.list_dir(dir) {
                if !is_dir
                    || NOT_ENVIRONMENTS.contains(&name.as_str())
                    || is_preview(&format!("{dir}/{name}"))
                {
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
                        && !is_preview(&path)
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

    /// Issue 18: an app that keeps its environments under `overlays/` (the playground's
    /// example has one) is found with declared environments too, as discovery finds it.
    #[test]
    fn declared_environments_find_an_overlays_directory() {
        let mut t = tree(&[
            "apps/pay/staging/kustomization.yaml",
            "apps/web/overlays/staging/kustomization.yaml",
            "apps/web/overlays/production/kustomization.yaml",
            "apps/web/production/kustomization.yaml",
        ]);
        t.insert(
            "baton.yaml",
            "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  environments:\n  - name: staging\n  - name: production\n  - name: dr\n",
        )
        .unwrap();
        let p = Pipeline::load(&t);
        let web = p.app("web").unwrap();
        assert_eq!(web.environment("staging").unwrap().path, "apps/web/overlays/staging");
        // `{app}/{env}` comes first when both exist.
        assert_eq!(web.environment("production").unwrap().path, "apps/web/production");
        assert!(p.app("pay").unwrap().environment("production").is_none());
        let p005: Vec<&str> =
            p.diagnostics.iter().filter(|d| d.code == "P005").map(|d| d.message.as_str()).collect();
        assert_eq!(
            p005,
            [
                "environment \"dr\" exists in no app (no kustomization at {app}/dr or {app}/overlays/dr)"
            ]
        );
    }

    /// Issue 14: `spec.apps: ["**/**/…(12×)/zz"]` over a deep tree ran for 90 s on the old
    /// recursive matcher. App discovery now matches each directory once against the table
    /// matcher; the whole load stays within a small, counted budget.
    #[test]
    fn hostile_app_globs_are_matched_in_bounded_steps() {
        let mut t = tree(&[&format!("{}/zz/prod/kustomization.yaml", vec!["d"; 60].join("/"))]);
        let globs = format!("{}zz", "**/".repeat(12));
        t.insert(
            "baton.yaml",
            format!(
                "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  apps: [\"{globs}\"]\n"
            ),
        )
        .unwrap();
        let mut meter = Meter::new();
        let p = Pipeline::load_metered(&t, &mut meter);
        assert_eq!(p.apps.len(), 1, "{:?}", p.diagnostics);
        assert!(p.apps[0].path.ends_with("/zz"));
        // 63 directories, each at most (13 + 1) × 64 cells plus its characters.
        assert!(meter.spent() < 63 * (14 * 64 + 4 * 64), "{} steps", meter.spent());
    }

    /// Issue 14: two apps named `web` under `teams/*/apps/*`. A name they share finds neither
    /// (on main the first one was picked silently); a path finds each; a warning lists them.
    #[test]
    fn apps_sharing_a_name_are_named_by_path() {
        let mut t = tree(&[
            "teams/a/apps/web/prod/kustomization.yaml",
            "teams/b/apps/web/prod/kustomization.yaml",
            "teams/b/apps/api/prod/kustomization.yaml",
        ]);
        t.insert(
            "baton.yaml",
            "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  apps: [\"teams/*/apps/*\"]\n",
        )
        .unwrap();
        let p = Pipeline::load(&t);
        assert_eq!(
            p.find_app("web"),
            Err(AppLookup::Ambiguous(vec!["teams/a/apps/web".into(), "teams/b/apps/web".into()]))
        );
        assert!(p.app("web").is_none());
        assert_eq!(p.find_app("teams/b/apps/web").unwrap().path, "teams/b/apps/web");
        assert_eq!(p.find_app("./teams/a/apps/web/").unwrap().path, "teams/a/apps/web");
        assert_eq!(p.find_app("api").unwrap().path, "teams/b/apps/api");
        assert_eq!(p.find_app("nope"), Err(AppLookup::Unknown));
        let shared: Vec<&Diagnostic> = p.diagnostics.iter().filter(|d| d.code == "P007").collect();
        assert_eq!(shared.len(), 1, "{:?}", p.diagnostics);
        assert_eq!(shared[0].message, "2 apps are named 'web': teams/a/apps/web, teams/b/apps/web");
        assert_eq!(shared[0].file.as_deref(), Some("baton.yaml"));
    }
}
