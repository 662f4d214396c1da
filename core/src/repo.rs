//! What every operation works on: a repository tree and the render cache over it.
//!
//! Operations (`status`, `planPromotion`, and the Flux, `ApplicationSet`, rollout and preview
//! operations to come) need two things from a workspace: the files, read-only, and renders of
//! overlays, cached because every operation renders the same overlays again and again. They
//! take a [`Repo`], which lends exactly those two pieces, instead of the whole [`Workspace`]:
//! an operation cannot edit files behind the workspace's back, and `workspace` depends on the
//! operations, never the other way round.
//!
//! [`Renders`] is the cache itself: parses (keyed by text identity), renders (each with the
//! paths it consulted, so an edit drops exactly the renders it can change) and the work
//! counters. A [`crate::changeset::ChangeSet`] verifies itself on a copy of the tree with
//! [`Renders::for_copy`], which keeps the parses and starts the renders afresh.
//!
//! [`Workspace`]: crate::Workspace

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{self, Diagnostic};
use crate::kustomize::{self, Rendered};
use crate::pipeline::Pipeline;
use crate::source::{ParseCache, ReadSet, Source, parse_cached};
use crate::strmap::StrMap;
use crate::tree::{self, Content, FileTree};
use crate::work::Meter;
use crate::yaml::Parsed;

/// Work counters, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// YAML parses run since the workspace was made.
    pub parses: usize,
    /// Overlay renders run (not served from cache).
    pub renders: usize,
    /// Steps of work spent (see [`crate::work`]): a deterministic measure of cost.
    pub steps: u64,
}

/// Parses and renders of one tree, and the work spent on them.
#[derive(Debug, Default, Clone)]
pub struct Renders {
    parses: ParseCache,
    entries: StrMap<Entry>,
    count: usize,
    meter: Meter,
    /// The pipeline model, kept until the host says the repository's shape changed (a file
    /// added or removed, or `baton.yaml` edited): it depends on nothing else.
    pipeline: Option<Arc<Pipeline>>,
    /// Deployment objects per file and deployment renders (see [`crate::deploy`]).
    deploy: crate::deploy::Cache,
    /// [`kustomization_dirs`], kept until a file is added or removed (it depends on paths
    /// only): `planPromotion` walks them twice, and listing them sorts every path.
    kustomization_dirs: Option<Arc<Vec<String>>>,
}

#[derive(Debug, Clone)]
struct Entry {
    rendered: Rendered,
    reads: ReadSet,
    /// The deepest directory every path in `reads` is within: an edit outside it cannot
    /// touch this render (one comparison instead of a search of the read set, for every
    /// cached render on every edit).
    within: String,
    /// Cut short by the work limit: dropped when the limit changes.
    partial: bool,
}

impl Renders {
    #[must_use]
    pub fn new() -> Self {
        Renders::default()
    }

    /// A cache that keeps parse trees for about `bytes` of text (syntax diagnostics are kept
    /// for every file whatever the budget).
    #[must_use]
    pub fn with_parse_budget(bytes: usize) -> Self {
        Renders { parses: ParseCache::with_budget(bytes), ..Renders::default() }
    }

    /// A cache for a copy of the tree with some files changed: the parse trees held carry
    /// over (they are checked against the text they came from; see
    /// [`ParseCache::for_copy`]), renders start afresh, and the work is counted on from here.
    #[must_use]
    pub fn for_copy(&self) -> Renders {
        Renders {
            parses: self.parses.for_copy(),
            meter: self.meter,
            deploy: self.deploy.for_copy(),
            ..Renders::default()
        }
    }

    /// Drops what a change to `path` (created, edited or removed) can make stale, and returns
    /// the directories whose renders were dropped.
    pub fn invalidate(&mut self, path: &str) -> Vec<String> {
        let mut dropped = Vec::new();
        self.entries.retain(|dir, entry| {
            let keep = !(tree::is_within(path, &entry.within) && entry.reads.touches(path));
            if !keep {
                dropped.push(dir.to_owned());
            }
            keep
        });
        self.deploy.invalidate(path);
        // Only this path's parse can be stale (the cache also checks text identity).
        self.parses.forget(path);
        if path == crate::pipeline::config::PIPELINE_FILE {
            self.pipeline = None;
        }
        dropped
    }

    /// Forgets the pipeline model: a file was added or removed, so app globs may match
    /// other directories.
    pub fn invalidate_pipeline(&mut self) {
        self.pipeline = None;
        self.kustomization_dirs = None;
        self.deploy.clear_renders();
    }

    /// Syntax diagnostics of a text file (cached by text identity, without keeping the parse
    /// tree when the cache is over its budget).
    pub fn syntax_diagnostics(&mut self, path: &str, text: &Arc<str>) -> Vec<Diagnostic> {
        let runs = self.parses.parses;
        let diagnostics = crate::source::diagnostics_cached(&mut self.parses, path, text).to_vec();
        if self.parses.parses != runs {
            self.meter.spend(1 + text.len() as u64 / BYTES_PER_STEP);
        }
        diagnostics
    }

    /// The ids of the deployment renders cached (see [`crate::deploy`]).
    #[must_use]
    pub fn cached_deployments(&self) -> Vec<String> {
        self.deploy.cached_ids()
    }

    /// Whether a render of `dir` is cached.
    #[must_use]
    pub fn has_render(&self, dir: &str) -> bool {
        self.entries.contains_key(dir)
    }

    /// Whether some cached render read the file `path`.
    #[must_use]
    pub fn any_render_read(&self, path: &str) -> bool {
        self.entries.values().any(|entry| entry.reads.files.contains(path))
    }

    #[must_use]
    pub fn stats(&self) -> Stats {
        Stats { parses: self.parses.parses, renders: self.count, steps: self.meter.spent() }
    }

    #[must_use]
    pub fn meter(&self) -> &Meter {
        &self.meter
    }

    pub fn meter_mut(&mut self) -> &mut Meter {
        &mut self.meter
    }

    /// Sets (or removes) the work limit. Results cut short by the old limit are dropped.
    pub fn set_work_limit(&mut self, limit: Option<u64>) {
        self.meter.set_limit(limit);
        self.entries.retain(|_, entry| !entry.partial);
    }

    /// The parse of a text file of `tree` (cached by text identity); a parse that runs is
    /// charged by the text's length.
    pub fn parse(&mut self, tree: &FileTree, path: &str) -> Option<std::sync::Arc<Parsed>> {
        let Some(Content::Text(text)) = tree.get(path) else { return None };
        let runs = self.parses.parses;
        let parsed = parse_cached(&mut self.parses, path, &text);
        if self.parses.parses != runs {
            self.meter.spend(1 + text.len() as u64 / BYTES_PER_STEP);
        }
        Some(parsed)
    }
}

/// Rendering is charged one step per this many bytes read or printed (plus one per file,
/// directory and resource): renders are bounded by their input and output, so their size is
/// a fair, deterministic proxy for their cost.
const BYTES_PER_STEP: u64 = 64;

/// The pieces of a workspace an operation uses: the tree (read-only) and the render cache.
#[derive(Debug)]
pub struct Repo<'a> {
    tree: &'a FileTree,
    renders: &'a mut Renders,
}

impl<'a> Repo<'a> {
    pub fn new(tree: &'a FileTree, renders: &'a mut Renders) -> Self {
        Repo { tree, renders }
    }

    /// The repository's files.
    #[must_use]
    pub fn tree(&self) -> &'a FileTree {
        self.tree
    }

    /// A cache for a changed copy of this tree (see [`Renders::for_copy`]).
    #[must_use]
    pub fn renders_for_copy(&self) -> Renders {
        self.renders.for_copy()
    }

    /// The work meter operations spend their steps on.
    pub fn meter(&mut self) -> &mut Meter {
        &mut self.renders.meter
    }

    /// The pipeline model (`baton.yaml`, apps, environments), cached; app discovery metered.
    pub fn pipeline(&mut self) -> Arc<Pipeline> {
        let Renders { pipeline, meter, .. } = &mut *self.renders;
        pipeline.get_or_insert_with(|| Arc::new(Pipeline::load_metered(self.tree, meter))).clone()
    }

    /// The render of the kustomization in `dir`, cached until a path it consulted changes.
    /// Diagnostics carry LSP ranges.
    pub fn render(&mut self, dir: &str) -> &Rendered {
        &self.entry(dir).rendered
    }

    /// [`Repo::render`] for the repository's whole borrow: the cached render outlives the
    /// `Repo` (hosts read it without a copy).
    #[must_use]
    pub fn into_render(mut self, dir: &str) -> &'a Rendered {
        let key = tree::normalize(dir).unwrap_or_else(|_| dir.to_string());
        self.entry(&key);
        let Repo { renders, .. } = self;
        &renders.entries[&key].rendered
    }

    /// Runs `f` with file access over this tree and the parse cache, and returns what it
    /// consulted; the reading is charged to the meter (a controller's build of an overlay, for
    /// [`crate::deploy`]).
    pub fn with_source<R>(&mut self, f: impl FnOnce(&mut Source) -> R) -> (R, ReadSet) {
        let renders = &mut *self.renders;
        let mut source = Source::new(self.tree, &mut renders.parses);
        let result = f(&mut source);
        let reads = std::mem::take(&mut source.reads);
        let cost = render_cost(self.tree, &Rendered::default(), &reads);
        renders.meter.spend(cost);
        (result, reads)
    }

    /// The deployment cache (objects and renders).
    pub(crate) fn deploy_cache(&mut self) -> &mut crate::deploy::Cache {
        &mut self.renders.deploy
    }

    /// The paths the render of `dir` consulted (rendering it if needed).
    pub fn consulted(&mut self, dir: &str) -> &ReadSet {
        &self.entry(dir).reads
    }

    fn entry(&mut self, dir: &str) -> &Entry {
        // Keys are normalized: a directory found as given needs no normalized copy (operations
        // look up every overlay's read set).
        if self.renders.entries.contains_key(dir) {
            return &self.renders.entries[dir];
        }
        let key = tree::normalize(dir).unwrap_or_else(|_| dir.to_string());
        let dir = key.as_str();
        let renders = &mut *self.renders;
        if !renders.entries.contains_key(dir) {
            let entry = if renders.meter.exhausted() {
                let diagnostic = renders.meter.exhausted_diagnostic(&format!("rendering '{dir}'"));
                let rendered =
                    Rendered { ok: false, diagnostics: vec![diagnostic], ..Rendered::default() };
                Entry { rendered, reads: ReadSet::default(), within: String::new(), partial: true }
            } else {
                let mut source = Source::new(self.tree, &mut renders.parses);
                let (mut rendered, reads) = kustomize::render(&mut source, dir);
                renders.count += 1;
                renders.meter.spend(render_cost(self.tree, &rendered, &reads));
                diagnostic::locate_all(self.tree, &mut rendered.diagnostics);
                diagnostic::sort(&mut rendered.diagnostics);
                // The render stays cached until an edit touches what it read: keep no spare
                // capacity (output is built by appending; a fleet holds thousands of renders).
                rendered.yaml.shrink_to_fit();
                rendered.resources.shrink_to_fit();
                rendered.diagnostics.shrink_to_fit();
                let mut reads = reads;
                reads.shrink_to_fit();
                let within = common_dir(&reads).to_string();
                Entry { rendered, reads, within, partial: false }
            };
            renders.entries.insert(dir.to_string(), entry);
        }
        &renders.entries[dir]
    }

    /// Directories holding a kustomization file, sorted (not those inside a Helm chart's
    /// `templates/`); cached until a file is added or removed.
    pub fn kustomization_dirs(&mut self) -> Arc<Vec<String>> {
        let tree = self.tree;
        self.renders
            .kustomization_dirs
            .get_or_insert_with(|| Arc::new(kustomization_dirs(tree)))
            .clone()
    }

    /// The kustomization directories that render on their own: all but components.
    pub fn overlay_dirs(&mut self) -> Vec<String> {
        kustomization_dirs(self.tree).into_iter().filter(|d| !self.is_component(d)).collect()
    }

    /// Whether the kustomization in `dir` is a `kind: Component`.
    pub fn is_component(&mut self, dir: &str) -> bool {
        for name in kustomize::kustomization::KUSTOMIZATION_FILE_NAMES {
            let path = kustomize::build::join_file(dir, name);
            if self.tree.is_file(&path) {
                return self.renders.parse(self.tree, &path).is_some_and(|parsed| {
                    parsed.documents.iter().any(|d| {
                        d.root.get("kind").and_then(crate::yaml::Node::scalar) == Some("Component")
                    })
                });
            }
        }
        false
    }

    /// File access through the parse cache, for operations that read files themselves (the
    /// Flux objects and markers).
    pub fn source(&mut self) -> Source<'_> {
        Source::new(self.tree, &mut self.renders.parses)
    }

    /// The parse of a text file (cached).
    pub fn parse(&mut self, path: &str) -> Option<std::sync::Arc<Parsed>> {
        self.renders.parse(self.tree, path)
    }

    /// Fills in LSP ranges of diagnostics that point into this tree.
    pub fn locate(&self, diagnostics: &mut [Diagnostic]) {
        diagnostic::locate_all(self.tree, diagnostics);
    }
}

/// The deepest directory that every path of `reads` is within (a file read, or below a
/// directory listed): `""` when they share none.
fn common_dir(reads: &ReadSet) -> &str {
    let mut dirs =
        reads.files.iter().map(|f| tree::parent(f)).chain(reads.dirs.iter().map(String::as_str));
    let Some(mut common) = dirs.next() else { return "" };
    for dir in dirs {
        while !tree::is_within(dir, common) {
            common = tree::parent(common);
        }
    }
    common
}

fn render_cost(tree: &FileTree, rendered: &Rendered, reads: &ReadSet) -> u64 {
    let read_bytes: u64 = reads
        .files
        .iter()
        .filter_map(|path| match tree.get(path) {
            Some(Content::Text(text)) => Some(text.len() as u64),
            Some(Content::NotUtf8 { len, .. }) => Some(len as u64),
            _ => None,
        })
        .sum();
    1 + reads.files.len() as u64
        + reads.dirs.len() as u64
        + rendered.resources.len() as u64
        + (read_bytes + rendered.yaml.len() as u64) / BYTES_PER_STEP
}

/// Directories holding a kustomization file, sorted.
#[must_use]
pub fn kustomization_dirs(tree: &FileTree) -> Vec<String> {
    let mut dirs = BTreeSet::new();
    // A kustomization file may be a link (kustomize reads it if it leads to a file in or below
    // its directory; a render says so otherwise).
    for path in tree.paths().chain(tree.links().map(|(path, _)| path)) {
        if kustomize::kustomization::KUSTOMIZATION_FILE_NAMES.contains(&tree::file_name(path))
            && !in_helm_templates(tree, path)
        {
            dirs.insert(tree::parent(path).to_string());
        }
    }
    dirs.into_iter().collect()
}

/// Files under a Helm chart's `templates/` are Go templates, not YAML.
#[must_use]
pub fn in_helm_templates(tree: &FileTree, path: &str) -> bool {
    // Most paths have no `templates` directory at all: no walk up the parents (this runs for
    // every YAML file on every `validate`; a split on one byte is cheaper than a substring
    // search in WebAssembly).
    let mut dirs = path.split('/');
    dirs.next_back();
    if !dirs.any(|d| d == "templates") {
        return false;
    }
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

    use crate::tree::of as tree;

    #[test]
    fn renders_are_cached_and_charged() {
        let t = tree(&[
            ("a/kustomization.yaml", "resources: [cm.yaml]\n"),
            ("a/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"),
            ("c/kustomization.yaml", "kind: Component\n"),
        ]);
        let mut renders = Renders::new();
        let mut repo = Repo::new(&t, &mut renders);
        assert!(repo.render("a").ok());
        assert!(repo.consulted("a").files.contains("a/cm.yaml"));
        assert_eq!(repo.overlay_dirs(), ["a"]);
        assert_eq!(*repo.kustomization_dirs(), ["a", "c"]);
        let stats = renders.stats();
        assert_eq!(stats.renders, 1);
        assert!(stats.steps > 0);
        let mut repo = Repo::new(&t, &mut renders);
        repo.render("a");
        assert_eq!(renders.stats().renders, 1, "served from the cache");
        assert_eq!(renders.invalidate("a/cm.yaml"), ["a"]);
        Repo::new(&t, &mut renders).render("a");
        assert_eq!(renders.stats().renders, 2);
    }

    /// The module cycle `workspace` ↔ `status`/`promote` (issue 14) stays broken: operations
    /// reach the workspace's pieces through `Repo`, never the workspace itself.
    #[test]
    fn operations_do_not_depend_on_the_workspace() {
        for (name, text) in [
            ("status.rs", include_str!("status.rs")),
            ("promote/mod.rs", include_str!("promote/mod.rs")),
            ("promote/pull_request.rs", include_str!("promote/pull_request.rs")),
            ("changeset.rs", include_str!("changeset.rs")),
            ("gates/evaluate.rs", include_str!("gates/evaluate.rs")),
            ("pipeline/mod.rs", include_str!("pipeline/mod.rs")),
        ] {
            // Code, not comments (a doc example may show a host using a workspace), not tests.
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or(text)
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .collect();
            assert!(!code.contains("crate::workspace"), "{name} uses crate::workspace");
            assert!(!code.contains("Workspace"), "{name} names the Workspace");
        }
    }

    #[test]
    fn an_exhausted_meter_stops_renders_until_the_limit_changes() {
        let t = tree(&[("a/kustomization.yaml", "resources: []\n")]);
        let mut renders = Renders::new();
        renders.set_work_limit(Some(0));
        renders.meter_mut().spend(1);
        let rendered = Repo::new(&t, &mut renders).render("a").clone();
        assert!(!rendered.ok());
        assert_eq!(rendered.diagnostics[0].code, "R013");
        renders.set_work_limit(None);
        assert!(Repo::new(&t, &mut renders).render("a").ok());
    }

    #[test]
    fn helm_templates_are_files_below_a_charts_templates_directory() {
        let t = tree(&[
            ("chart/Chart.yaml", "name: c\n"),
            ("chart/templates/deploy.yaml", "x: {{ .Values.x }}\n"),
            ("chart/templates/sub/cm.yaml", "y: 1\n"),
            ("templates/Chart.yaml", "name: top\n"),
            ("other/templates/a.yaml", "z: 1\n"),
            ("templates/b.yaml", "w: 1\n"),
            ("chart/values.yaml", "x: 1\n"),
            ("chart/templates", "a file named templates\n"),
        ]);
        assert!(in_helm_templates(&t, "chart/templates/deploy.yaml"));
        assert!(in_helm_templates(&t, "chart/templates/sub/cm.yaml"));
        assert!(!in_helm_templates(&t, "templates/b.yaml"), "templates/Chart.yaml is inside");
        assert!(!in_helm_templates(&t, "other/templates/a.yaml"), "no Chart.yaml above");
        assert!(!in_helm_templates(&t, "chart/values.yaml"));
        assert!(!in_helm_templates(&t, "chart/templates"), "a file, not a directory");
        let root = tree(&[("Chart.yaml", "name: r\n"), ("templates/b.yaml", "w: 1\n")]);
        assert!(in_helm_templates(&root, "templates/b.yaml"), "the chart at the root");
    }

    #[test]
    fn the_common_directory_of_a_read_set() {
        let reads = |files: &[&str], dirs: &[&str]| ReadSet {
            files: files.iter().map(|f| (*f).to_string()).collect(),
            dirs: dirs.iter().map(|d| (*d).to_string()).collect(),
        };
        assert_eq!(common_dir(&reads(&[], &[])), "");
        assert_eq!(common_dir(&reads(&["a/b/k.yaml", "a/b/c/x.yaml"], &[])), "a/b");
        assert_eq!(common_dir(&reads(&["a/s/k.yaml", "a/base/d.yaml"], &["a/s"])), "a");
        assert_eq!(common_dir(&reads(&["a/s/k.yaml"], &["ab"])), "", "ab is not within a");
        assert_eq!(common_dir(&reads(&["a/k.yaml", "baton.yaml"], &[])), "");
        assert_eq!(common_dir(&reads(&["a/k.yaml"], &[""])), "");
    }

    #[test]
    fn an_edit_drops_the_renders_that_read_it_and_no_other() {
        let t = tree(&[
            ("a/base/kustomization.yaml", "resources: [cm.yaml]\n"),
            ("a/base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"),
            ("a/dev/kustomization.yaml", "resources: [../base]\n"),
            ("b/kustomization.yaml", "resources: [cm.yaml]\n"),
            ("b/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n"),
        ]);
        let mut renders = Renders::new();
        for dir in ["a/base", "a/dev", "b"] {
            assert!(Repo::new(&t, &mut renders).render(dir).ok());
        }
        assert_eq!(renders.invalidate("a/base/cm.yaml"), ["a/base", "a/dev"]);
        assert_eq!(renders.invalidate("a/dev/new.yaml"), Vec::<String>::new());
        assert!(renders.has_render("b"));
        assert_eq!(renders.invalidate("b/cm.yaml"), ["b"]);
    }
}
