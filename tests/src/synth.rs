//! Generated `GitOps` repositories for property tests, with a model of what each overlay runs.
//!
//! A repository has one to three apps (`apps/*`, or `services/*` declared in `baton.yaml`),
//! each with a `base` and two to four environments, in a flat (`app/prod`) or `overlays/`
//! layout, optionally chained (an environment builds on the previous one instead of the
//! base). Every container's image is set, environment by environment, in one of the ways real
//! repositories do it:
//!
//! - inherited from the base (or from the overlay it builds on);
//! - a strategic-merge patch file in the overlay (`patches: - path:` or the legacy
//!   `patchesStrategicMerge`), one file per workload or a multi-document file, the image
//!   plain, single- or double-quoted, with or without a trailing comment;
//! - an `images:` entry (`newTag`, `digest` or both; block, flow-mapping or flow-list style);
//! - an inline strategic-merge patch (`patches: - patch: |-`);
//! - an inline JSON 6902 patch (`op: replace` of `/…/containers/N/image`);
//! - a shared component (`kind: Component`) with an `images:` entry or a patch;
//! - a patch overridden by an `images:` entry in the same overlay.
//!
//! Tags include ones that need quoting in YAML (`1234567`, `1e10`, `1.0`, `0x1F`, `yes`, `on`).
//! The [`App`] model resolves what every environment runs, so tests can check the engine's
//! renders against it and follow promotions.

use std::collections::{BTreeMap, BTreeSet};

use baton_core::FileTree;

use crate::rng::Rng;

/// The tag and/or digest an image runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    Untagged,
    Tag(String),
    Digest(String),
    Both(String, String),
}

impl Version {
    /// What follows the image name: `:tag`, `@digest`, `:tag@digest` or nothing.
    #[must_use]
    pub fn suffix(&self) -> String {
        match self {
            Version::Untagged => String::new(),
            Version::Tag(t) => format!(":{t}"),
            Version::Digest(d) => format!("@{d}"),
            Version::Both(t, d) => format!(":{t}@{d}"),
        }
    }

    /// The version a promotion moves: the digest when there is one, else the tag.
    #[must_use]
    pub fn promoted(&self) -> Option<&str> {
        match self {
            Version::Untagged => None,
            Version::Tag(t) => Some(t),
            Version::Digest(d) | Version::Both(_, d) => Some(d),
        }
    }

    #[must_use]
    pub fn tag(&self) -> Option<&str> {
        match self {
            Version::Tag(t) | Version::Both(t, _) => Some(t),
            _ => None,
        }
    }

    #[must_use]
    pub fn digest(&self) -> Option<&str> {
        match self {
            Version::Digest(d) | Version::Both(_, d) => Some(d),
            _ => None,
        }
    }
}

/// One container of a workload.
#[derive(Debug, Clone)]
pub struct Container {
    pub name: String,
    /// Image name (registry and repository), without tag or digest.
    pub image: String,
    /// In `initContainers` rather than `containers`.
    pub init: bool,
    /// Index in its list (for JSON patches).
    pub index: usize,
}

#[derive(Debug, Clone)]
pub struct Workload {
    pub kind: &'static str,
    pub name: String,
    pub containers: Vec<Container>,
}

impl Workload {
    /// The identity the engine uses: `Kind/name` as written in the base.
    #[must_use]
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    fn api_version(&self) -> &'static str {
        if self.kind == "CronJob" { "batch/v1" } else { "apps/v1" }
    }

    /// The lines from `spec:` down to the pod spec, and the pod spec's indentation.
    fn pod_path(&self) -> (&'static [&'static str], usize, &'static str) {
        if self.kind == "CronJob" {
            (
                &["spec:", "  jobTemplate:", "    spec:", "      template:", "        spec:"],
                10,
                "/spec/jobTemplate/spec/template/spec",
            )
        } else {
            (&["spec:", "  template:", "    spec:"], 6, "/spec/template/spec")
        }
    }
}

/// A container: (workload id, container name).
pub type Key = (String, String);

/// One environment of an app.
#[derive(Debug, Clone)]
pub struct Env {
    pub name: String,
    pub dir: String,
    /// Path of its kustomization file.
    pub kustomization: String,
    /// The environment this overlay builds on, if it is chained; else it builds on the base.
    pub parent: Option<usize>,
    /// The versions this overlay sets itself (patch, images entry, inline patch, component).
    pub own: BTreeMap<Key, Version>,
}

#[derive(Debug, Clone)]
pub struct App {
    pub name: String,
    pub dir: String,
    pub workloads: Vec<Workload>,
    pub base: BTreeMap<Key, Version>,
    /// In promotion order.
    pub envs: Vec<Env>,
}

impl App {
    /// Every container, in a stable order.
    #[must_use]
    pub fn keys(&self) -> Vec<Key> {
        self.base.keys().cloned().collect()
    }

    #[must_use]
    pub fn container(&self, key: &Key) -> &Container {
        let w = self.workloads.iter().find(|w| w.id() == key.0).expect("workload of key");
        w.containers.iter().find(|c| c.name == key.1).expect("container of key")
    }

    /// The version environment `env` runs for `key`.
    #[must_use]
    pub fn version(&self, env: usize, key: &Key) -> &Version {
        let e = &self.envs[env];
        if let Some(v) = e.own.get(key) {
            return v;
        }
        match e.parent {
            Some(p) => self.version(p, key),
            None => &self.base[key],
        }
    }

    /// The full image reference environment `env` renders for `key`.
    #[must_use]
    pub fn image(&self, env: usize, key: &Key) -> String {
        format!("{}{}", self.container(key).image, self.version(env, key).suffix())
    }

    /// Containers whose promoted version differs between `from` and `to`.
    #[must_use]
    pub fn differences(&self, from: usize, to: usize) -> Vec<Key> {
        self.keys()
            .into_iter()
            .filter(|k| self.version(from, k).promoted() != self.version(to, k).promoted())
            .collect()
    }

    /// Records a promotion: `to` now sets every differing container to `from`'s version.
    pub fn promote(&mut self, from: usize, to: usize) {
        for key in self.differences(from, to) {
            let v = self.version(from, &key).clone();
            self.envs[to].own.insert(key, v);
        }
    }

    /// Environments whose overlay builds on `env`'s (directly or through others).
    #[must_use]
    pub fn descendants(&self, env: usize) -> Vec<usize> {
        (0..self.envs.len())
            .filter(|&i| {
                let mut p = self.envs[i].parent;
                while let Some(q) = p {
                    if q == env {
                        return true;
                    }
                    p = self.envs[q].parent;
                }
                false
            })
            .collect()
    }
}

/// Knobs, so a feature that exposes an engine bug can be switched off in the main property
/// while an ignored test keeps the reproducer.
#[derive(Debug, Clone)]
pub struct Options {
    pub pipeline_percent: usize,
    pub chain_percent: usize,
    pub component_percent: usize,
    pub json6902_percent: usize,
    pub inline_percent: usize,
    pub crlf_percent: usize,
    pub gates_percent: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            pipeline_percent: 50,
            chain_percent: 15,
            component_percent: 35,
            json6902_percent: 8,
            inline_percent: 12,
            crlf_percent: 0,
            gates_percent: 30,
        }
    }
}

/// A generated repository and its model.
#[derive(Debug, Clone)]
pub struct Repo {
    pub files: BTreeMap<String, String>,
    pub apps: Vec<App>,
    /// Files no promotion may edit: bases and components.
    pub shared: BTreeSet<String>,
    pub pipeline: bool,
    /// Names of the features this repository uses (for coverage counts).
    pub features: BTreeSet<&'static str>,
}

impl Repo {
    #[must_use]
    pub fn tree(&self) -> FileTree {
        let mut tree = FileTree::new();
        for (path, text) in &self.files {
            tree.insert(path, text.as_str()).expect("generated paths are valid");
        }
        tree
    }
}

const WELL_KNOWN_CHAINS: &[&[&str]] = &[
    &["dev", "staging", "production"],
    &["staging", "production"],
    &["dev", "qa", "staging", "prod"],
    &["test", "uat", "prod"],
    &["dev", "prod"],
    &["development", "stage", "preprod", "production"],
];

const DECLARED_CHAINS: &[&[&str]] = &[
    &["canary", "eu-west", "us-east"],
    &["alpha", "beta", "ga"],
    &["dev", "staging", "production"],
    &["integration", "perf", "live", "dr"],
    &["prod", "dev"],
];

const APP_NAMES: &[&str] = &[
    "payments",
    "checkout",
    "web",
    "api-gateway",
    "orders",
    "search",
    "billing",
    "ledger",
    "notifier",
    "auth-server",
];

/// A random tag, often one that needs quoting in YAML.
pub fn tag(rng: &mut Rng) -> String {
    match rng.below(16) {
        0..=4 => rng.hex(7),
        5 => (0..7).map(|_| char::from(b'0' + rng.below(10) as u8)).collect(),
        6 => format!("{}e{}", rng.range(1, 99), rng.range(1, 99_999)),
        7 => format!("{}.{}.{}", rng.below(4), rng.below(20), rng.below(10)),
        8 => format!("v{}.{}.{}", rng.below(4), rng.below(20), rng.below(10)),
        9 => format!("{}.{}", rng.range(1, 9), rng.below(10)),
        10 => (*rng.pick(&["0x1F", "0o17", "010", "1_000", "0b101", "12", "0"])).to_string(),
        11 => (*rng.pick(&[
            "latest", "stable", "yes", "on", "true", "null", "no", "off", "y", "N", "True", "NULL",
        ]))
        .to_string(),
        12 => format!("2024.{:02}.{:02}-rc.{}", rng.range(1, 12), rng.range(1, 28), rng.below(5)),
        13 => format!("{}.{}.{}-alpine", rng.below(3), rng.below(9), rng.below(9)),
        14 => rng.hex(40),
        _ => format!("build-{}", rng.below(10_000)),
    }
}

pub fn digest(rng: &mut Rng) -> String {
    format!("sha256:{}", rng.hex(64))
}

fn fresh_version(rng: &mut Rng) -> Version {
    match rng.below(10) {
        0 => Version::Digest(digest(rng)),
        1 => Version::Both(tag(rng), digest(rng)),
        _ => Version::Tag(tag(rng)),
    }
}

/// Whether a scalar must be quoted to stay a string (conservative: anything starting like a
/// number, and YAML 1.1 / 1.2 booleans and nulls).
#[must_use]
pub fn needs_quotes(s: &str) -> bool {
    let first = s.chars().next();
    first.is_none_or(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.'))
        || matches!(
            s.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "~"
        )
}

/// `s` as a YAML scalar: quoted when it must be, and sometimes when it need not be.
fn scalar(rng: &mut Rng, s: &str, features: &mut BTreeSet<&'static str>) -> String {
    let quote = if needs_quotes(s) {
        features.insert("quoted-tag");
        1 + rng.below(2)
    } else if rng.chance(25) {
        1 + rng.below(2)
    } else {
        0
    };
    match quote {
        0 => s.to_string(),
        1 => format!("\"{s}\""),
        _ => format!("'{s}'"),
    }
}

fn image_names(rng: &mut Rng, app: &str, container: &str) -> String {
    match rng.below(7) {
        0 => format!("registry.example.com/{app}/{container}"),
        1 => format!("ghcr.io/acme/{app}-{container}"),
        2 => format!("{app}-{container}"),
        3 => format!("localhost:5000/{app}/{container}"),
        4 => format!("docker.io/acme/{app}-{container}"),
        5 => format!("europe-west1-docker.pkg.dev/acme-prod/images/{app}-{container}"),
        _ => format!("registry.example.com:8443/team/{app}.{container}"),
    }
}

/// How an overlay sets one container's image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Inherit,
    PatchFile,
    Entry,
    Inline,
    Json6902,
    /// A patch file sets one version and an `images:` entry overrides it.
    Combo,
}

/// Generates a repository.
pub fn repo(rng: &mut Rng, opts: &Options) -> Repo {
    let pipeline = rng.chance(opts.pipeline_percent);
    let chain: Vec<String> = if pipeline && rng.chance(50) {
        rng.pick(DECLARED_CHAINS).iter().map(|s| (*s).to_string()).collect()
    } else {
        rng.pick(WELL_KNOWN_CHAINS).iter().map(|s| (*s).to_string()).collect()
    };
    let root = if pipeline && rng.chance(30) { "services" } else { "apps" };
    let overlays = rng.chance(35);
    let mut out = Repo {
        files: BTreeMap::new(),
        apps: Vec::new(),
        shared: BTreeSet::new(),
        pipeline,
        features: BTreeSet::new(),
    };
    let mut names: Vec<&str> = APP_NAMES.to_vec();
    rng.shuffle(&mut names);
    let n_apps = rng.range(1, 3);
    for name in names.into_iter().take(n_apps) {
        let dir = format!("{root}/{name}");
        let app = app(rng, opts, name, &dir, &chain, overlays, &mut out);
        out.apps.push(app);
    }
    if overlays {
        out.features.insert("overlays-layout");
    }
    if pipeline {
        out.features.insert("baton.yaml");
        let text = baton_yaml(rng, opts, root, &chain, overlays, &mut out.features);
        out.files.insert("baton.yaml".into(), text);
    }
    if rng.chance(30) {
        out.files.insert(
            "CODEOWNERS".into(),
            format!("* @acme/platform\n/{root}/ @acme/apps # app owners\n"),
        );
    }
    if rng.chance(20) {
        out.files.insert("README.md".into(), "# platform-gitops\n".into());
    }
    if opts.crlf_percent > 0 {
        let paths: Vec<String> = out.files.keys().cloned().collect();
        for path in paths {
            if rng.chance(opts.crlf_percent) {
                out.features.insert("crlf");
                let text = out.files[&path].replace('\n', "\r\n");
                out.files.insert(path, text);
            }
        }
    }
    out
}

fn baton_yaml(
    rng: &mut Rng,
    opts: &Options,
    root: &str,
    chain: &[String],
    overlays: bool,
    features: &mut BTreeSet<&'static str>,
) -> String {
    let mut s = String::from(
        "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nmetadata:\n  name: platform\nspec:\n",
    );
    if root != "apps" || rng.chance(20) {
        s.push_str(&format!("  apps:\n    - {root}/*\n"));
    }
    s.push_str("  environments:\n");
    for (i, env) in chain.iter().enumerate() {
        s.push_str(&format!("    - name: {env}\n"));
        if overlays {
            s.push_str("      path: \"{app}/overlays/{env}\"\n");
        } else if rng.chance(15) {
            s.push_str("      path: \"{app}/{env}\"\n");
        }
        if i > 0 && rng.chance(opts.gates_percent) {
            features.insert("gates");
            s.push_str("      gates:\n");
            match rng.below(5) {
                0 => s.push_str("        approvals: 1\n"),
                1 => s.push_str("        requiredChecks: [ci/build]\n"),
                2 => s.push_str("        immutableTags: true\n"),
                3 => s.push_str("        soak: 1h\n"),
                _ => s.push_str("        windows:\n          - days: [Mon, Tue, Wed, Thu]\n            start: \"09:00\"\n            end: \"16:00\"\n"),
            }
        }
    }
    s
}

#[allow(clippy::too_many_arguments)]
fn app(
    rng: &mut Rng,
    opts: &Options,
    name: &str,
    dir: &str,
    chain: &[String],
    overlays: bool,
    out: &mut Repo,
) -> App {
    // Environments: the chain, less some (at least two stay), in order.
    let mut env_names: Vec<String> = chain.to_vec();
    while env_names.len() > 2 && rng.chance(25) {
        let i = rng.below(env_names.len());
        env_names.remove(i);
    }
    let workloads = workloads(rng, name);
    let mut base = BTreeMap::new();
    for w in &workloads {
        for c in &w.containers {
            let v = match rng.below(20) {
                0..=2 => Version::Untagged,
                3 => Version::Digest(digest(rng)),
                4 => Version::Both(tag(rng), digest(rng)),
                _ => Version::Tag(tag(rng)),
            };
            base.insert((w.id(), c.name.clone()), v);
        }
    }
    let mut app =
        App { name: name.to_string(), dir: dir.to_string(), workloads, base, envs: Vec::new() };
    write_base(rng, &app, out);
    let component = rng.chance(opts.component_percent).then(|| write_component(rng, &app, out));
    let chained = rng.chance(opts.chain_percent);
    if chained {
        out.features.insert("overlay-chain");
    }
    for (i, env_name) in env_names.iter().enumerate() {
        let env_dir = if overlays {
            format!("{dir}/overlays/{env_name}")
        } else {
            format!("{dir}/{env_name}")
        };
        let parent = (chained && i > 0).then(|| i - 1);
        let file_name = match rng.below(20) {
            0 | 1 => {
                out.features.insert("kustomization.yml");
                "kustomization.yml"
            }
            2 => {
                out.features.insert("Kustomization");
                "Kustomization"
            }
            _ => "kustomization.yaml",
        };
        let env = Env {
            name: env_name.clone(),
            kustomization: format!("{env_dir}/{file_name}"),
            dir: env_dir,
            parent,
            own: BTreeMap::new(),
        };
        app.envs.push(env);
        write_env(rng, opts, &mut app, i, overlays, component.as_ref(), out);
    }
    app
}

fn workloads(rng: &mut Rng, app: &str) -> Vec<Workload> {
    let n = rng.range(1, 2);
    let mut out = Vec::new();
    for w in 0..n {
        let kind = *rng.pick(&[
            "Deployment",
            "Deployment",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "CronJob",
        ]);
        let name = if w == 0 {
            app.to_string()
        } else {
            format!("{app}-{}", rng.pick(&["worker", "migrator", "cron", "proxy"]))
        };
        let mut containers = Vec::new();
        let main = rng.range(1, 2);
        for (i, cname) in ["server", "metrics"].iter().take(main).enumerate() {
            let cname = if i == 0 && rng.chance(50) { name.clone() } else { (*cname).to_string() };
            let image = image_names(rng, app, &format!("{cname}{w}"));
            containers.push(Container { name: cname, image, init: false, index: i });
        }
        if rng.chance(25) {
            let image = image_names(rng, app, &format!("init{w}"));
            containers.push(Container { name: "init-db".into(), image, init: true, index: 0 });
        }
        out.push(Workload { kind, name, containers });
    }
    out
}

/// `n` spaces.
fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// A list item marker at `indent` (with `indented` sequences one level deeper).
fn item(indent: usize, indented: bool) -> (String, usize) {
    let at = if indented { indent + 2 } else { indent };
    (format!("{}- ", pad(at)), at + 2)
}

/// An image value, in a random quoting style, maybe with a trailing comment.
fn image_scalar(rng: &mut Rng, image: &str, features: &mut BTreeSet<&'static str>) -> String {
    let quoted = match rng.below(10) {
        0 => {
            features.insert("image-single-quoted");
            format!("'{image}'")
        }
        1 | 2 => {
            features.insert("image-double-quoted");
            format!("\"{image}\"")
        }
        _ => image.to_string(),
    };
    if rng.chance(35) {
        features.insert("trailing-comment");
        format!(
            "{quoted}{}",
            rng.pick(&["  # ← CI updates this", " # promoted by baton", "\t# keep"])
        )
    } else {
        quoted
    }
}

/// The containers of a pod spec at `indent`: `(container, image text)`.
fn container_lists(
    rng: &mut Rng,
    indent: usize,
    containers: &[(&Container, String)],
    full: bool,
) -> String {
    let mut s = String::new();
    let indented = rng.chance(50);
    for init in [true, false] {
        let list: Vec<&(&Container, String)> =
            containers.iter().filter(|(c, _)| c.init == init).collect();
        if list.is_empty() {
            continue;
        }
        s.push_str(&format!(
            "{}{}:\n",
            pad(indent),
            if init { "initContainers" } else { "containers" }
        ));
        for (c, image) in list {
            let (dash, inner) = item(indent, indented);
            if rng.chance(10) {
                s.push_str(&format!("{}# {}\n", pad(inner), c.name));
            }
            s.push_str(&format!("{dash}name: {}\n", c.name));
            s.push_str(&format!("{}image: {image}\n", pad(inner)));
            if full && !init {
                s.push_str(&format!("{}ports:\n{}- containerPort: 8080\n", pad(inner), pad(inner)));
            }
        }
    }
    s
}

fn write_base(rng: &mut Rng, app: &App, out: &mut Repo) {
    let base = format!("{}/base", app.dir);
    let mut k = String::new();
    if rng.chance(40) {
        k.push_str("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
    }
    k.push_str("resources:\n");
    for w in &app.workloads {
        k.push_str(&format!("  - {}.yaml\n", w.name));
    }
    k.push_str("  - service.yaml\n");
    let path = format!("{base}/kustomization.yaml");
    out.shared.insert(path.clone());
    out.files.insert(path, k);
    for w in &app.workloads {
        let mut s = format!(
            "apiVersion: {}\nkind: {}\nmetadata:\n  name: {}\n  labels:\n    app: {}\n",
            w.api_version(),
            w.kind,
            w.name,
            w.name
        );
        let (_, indent, _) = w.pod_path();
        if w.kind == "CronJob" {
            s.push_str("spec:\n  schedule: \"*/5 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n");
        } else {
            s.push_str("spec:\n");
            if w.kind != "DaemonSet" {
                s.push_str("  replicas: 2\n");
            }
            if w.kind == "StatefulSet" {
                s.push_str(&format!("  serviceName: {}\n", w.name));
            }
            s.push_str(&format!("  selector:\n    matchLabels:\n      app: {}\n  template:\n    metadata:\n      labels:\n        app: {}\n    spec:\n", w.name, w.name));
        }
        let images: Vec<(&Container, String)> = w
            .containers
            .iter()
            .map(|c| {
                let v = &app.base[&(w.id(), c.name.clone())];
                let text =
                    image_scalar(rng, &format!("{}{}", c.image, v.suffix()), &mut out.features);
                (c, text)
            })
            .collect();
        s.push_str(&container_lists(rng, indent, &images, true));
        let path = format!("{base}/{}.yaml", w.name);
        out.shared.insert(path.clone());
        out.files.insert(path, s);
    }
    let first = &app.workloads[0].name;
    let service = format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {first}\nspec:\n  selector:\n    app: {first}\n  ports:\n    - port: 80\n      targetPort: 8080\n"
    );
    let path = format!("{base}/service.yaml");
    out.shared.insert(path.clone());
    out.files.insert(path, service);
}

/// A shared component pinning some containers; returns what it sets.
fn write_component(rng: &mut Rng, app: &App, out: &mut Repo) -> BTreeMap<Key, Version> {
    let dir = format!("{}/components/pinned", app.dir);
    let mut pinned = BTreeMap::new();
    for key in app.keys() {
        if pinned.is_empty() || rng.chance(50) {
            pinned.insert(key, fresh_version(rng));
        }
    }
    let mut k = String::from("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n");
    if rng.chance(50) {
        out.features.insert("component-images");
        k.push_str("images:\n");
        for (key, v) in &pinned {
            k.push_str(&images_entry(
                rng,
                &app.container(key).image,
                v,
                "",
                false,
                &mut out.features,
            ));
        }
    } else {
        out.features.insert("component-patch");
        k.push_str("patches:\n  - path: pin.yaml\n");
        let text = smp_documents(rng, app, &pinned, &mut out.features);
        let path = format!("{dir}/pin.yaml");
        out.shared.insert(path.clone());
        out.files.insert(path, text);
    }
    let path = format!("{dir}/kustomization.yaml");
    out.shared.insert(path.clone());
    out.files.insert(path, k);
    pinned
}

/// One `images:` list item (block style) at `indent`, or a flow mapping item.
fn images_entry(
    rng: &mut Rng,
    name: &str,
    v: &Version,
    indent: &str,
    flow_item: bool,
    features: &mut BTreeSet<&'static str>,
) -> String {
    let mut fields = vec![("name", name.to_string())];
    if let Some(t) = v.tag() {
        fields.push(("newTag", scalar(rng, t, features)));
    }
    if let Some(d) = v.digest() {
        fields.push(("digest", scalar(rng, d, features)));
    }
    features.insert(match v {
        Version::Tag(_) => "entry-newTag",
        Version::Digest(_) => "entry-digest",
        _ => "entry-newTag-and-digest",
    });
    if flow_item {
        let inner: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        return format!("{{{}}}", inner.join(", "));
    }
    if rng.chance(10) {
        features.insert("entry-flow-mapping");
        let inner: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        return format!("{indent}- {{{}}}\n", inner.join(", "));
    }
    let mut s = String::new();
    for (i, (k, v)) in fields.iter().enumerate() {
        let lead = if i == 0 { format!("{indent}- ") } else { format!("{indent}  ") };
        s.push_str(&format!("{lead}{k}: {v}\n"));
    }
    s
}

/// Strategic-merge patch documents setting `versions`, one per workload.
fn smp_documents(
    rng: &mut Rng,
    app: &App,
    versions: &BTreeMap<Key, Version>,
    features: &mut BTreeSet<&'static str>,
) -> String {
    let mut docs = Vec::new();
    for w in &app.workloads {
        let set: Vec<(&Container, String)> = w
            .containers
            .iter()
            .filter_map(|c| {
                let v = versions.get(&(w.id(), c.name.clone()))?;
                Some((c, image_scalar(rng, &format!("{}{}", c.image, v.suffix()), features)))
            })
            .collect();
        if set.is_empty() {
            continue;
        }
        docs.push(smp_document(rng, w, &set));
    }
    docs.join("---\n")
}

fn smp_document(rng: &mut Rng, w: &Workload, set: &[(&Container, String)]) -> String {
    let (path_lines, indent, _) = w.pod_path();
    let mut s = format!(
        "apiVersion: {}\nkind: {}\nmetadata:\n  name: {}\n",
        w.api_version(),
        w.kind,
        w.name
    );
    for line in path_lines {
        s.push_str(line);
        s.push('\n');
    }
    s.push_str(&container_lists(rng, indent, set, false));
    s
}

fn indent_block(text: &str, by: usize) -> String {
    text.lines()
        .map(|l| if l.is_empty() { String::new() } else { format!("{}{l}", pad(by)) })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes environment `i` of `app` (the env is already pushed, with no `own` yet).
#[allow(clippy::too_many_arguments)]
fn write_env(
    rng: &mut Rng,
    opts: &Options,
    app: &mut App,
    i: usize,
    overlays: bool,
    component: Option<&BTreeMap<Key, Version>>,
    out: &mut Repo,
) {
    let up = if overlays { "../.." } else { ".." };
    let uses_component = component.is_some() && rng.chance(45);
    let mut own: BTreeMap<Key, Version> = BTreeMap::new();
    let mut patch: BTreeMap<Key, Version> = BTreeMap::new();
    let mut entries: Vec<(Key, Version)> = Vec::new();
    let mut inline: BTreeMap<Key, Version> = BTreeMap::new();
    let mut json: Vec<(Key, Version)> = Vec::new();
    if let (true, Some(pins)) = (uses_component, component) {
        out.features.insert("component-used");
        own.extend(pins.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for key in app.keys() {
        let r = rng.below(100);
        let (inline_end, json_end) =
            (66 + opts.inline_percent, 66 + opts.inline_percent + opts.json6902_percent);
        let mut how = if r < 22 {
            How::Inherit
        } else if r < 44 {
            How::PatchFile
        } else if r < 66 {
            How::Entry
        } else if r < inline_end {
            How::Inline
        } else if r < json_end {
            How::Json6902
        } else if r < json_end + 6 {
            How::Combo
        } else {
            How::PatchFile
        };
        if how == How::Inherit {
            continue;
        }
        // The version: often what the previous environment runs (nothing to promote), else new.
        let current = (i > 0).then(|| app.version(i - 1, &key).clone());
        let v = match current {
            Some(v) if rng.chance(30) => v,
            _ => fresh_version(rng),
        };
        if v == Version::Untagged && matches!(how, How::Entry | How::Combo) {
            how = How::PatchFile;
        }
        // A JSON patch addresses a container by index, and strategic-merge patches reorder
        // lists (patched elements first), so only a container alone in its list gets one.
        if how == How::Json6902 {
            let c = app.container(&key);
            let workload = app.workloads.iter().find(|w| w.id() == key.0).expect("workload");
            if workload.containers.iter().filter(|o| o.init == c.init).count() > 1 {
                how = How::Inline;
            }
        }
        match how {
            How::PatchFile => {
                patch.insert(key.clone(), v.clone());
            }
            How::Entry => entries.push((key.clone(), v.clone())),
            How::Inline => {
                inline.insert(key.clone(), v.clone());
            }
            How::Json6902 => json.push((key.clone(), v.clone())),
            How::Combo => {
                out.features.insert("patch-then-entry");
                patch.insert(key.clone(), fresh_version(rng));
                entries.push((key.clone(), v.clone()));
            }
            How::Inherit => unreachable!(),
        }
        own.insert(key, v);
    }
    let env = app.envs[i].clone();
    let mut sections: Vec<String> = Vec::new();
    // resources
    let mut res = String::from("resources:\n");
    let list_indent = if rng.chance(50) { "  " } else { "" };
    match env.parent {
        Some(p) => res.push_str(&format!("{list_indent}- ../{}\n", app.envs[p].name)),
        None => res.push_str(&format!("{list_indent}- {up}/base\n")),
    }
    sections.push(res);
    if rng.chance(50) {
        sections.push(format!("namespace: {}-{}\n", app.name, env.name));
    }
    if rng.chance(30) {
        out.features.insert("name-prefix");
        sections.push(format!("namePrefix: {}-\n", env.name));
    }
    if rng.chance(25) {
        sections.push(format!("commonLabels:\n  env: {}\n", env.name));
    }
    if uses_component {
        sections.push(format!("components:\n{list_indent}- {up}/components/pinned\n"));
    }
    if env.parent.is_none() && rng.chance(20) {
        sections.push(format!("configMapGenerator:\n{list_indent}- name: settings\n{list_indent}  literals:\n{list_indent}  - LOG_LEVEL=info\n{list_indent}  - ENV={}\n", env.name));
    }
    // patches
    let mut patch_items: Vec<String> = Vec::new();
    let mut legacy: Vec<String> = Vec::new();
    if !patch.is_empty() {
        out.features.insert("patch-file");
        let one_file = rng.chance(50);
        let mut files: Vec<(String, String)> = Vec::new();
        if one_file {
            files.push((
                "image-patch.yaml".into(),
                smp_documents(rng, app, &patch, &mut out.features),
            ));
        } else {
            for w in &app.workloads {
                let sub: BTreeMap<Key, Version> = patch
                    .iter()
                    .filter(|(k, _)| k.0 == w.id())
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if !sub.is_empty() {
                    files.push((
                        format!("{}-image.yaml", w.name),
                        smp_documents(rng, app, &sub, &mut out.features),
                    ));
                }
            }
        }
        if files.iter().any(|(_, t)| t.contains("---\n")) {
            out.features.insert("multi-doc-patch");
        }
        for (name, text) in files {
            if rng.chance(20) {
                out.features.insert("patchesStrategicMerge");
                legacy.push(format!("{list_indent}- {name}\n"));
            } else {
                patch_items.push(format!("{list_indent}- path: {name}\n"));
            }
            out.files.insert(format!("{}/{name}", env.dir), text);
        }
    }
    let block_indent = list_indent.len() + 4;
    for w in &app.workloads {
        let set: Vec<(&Container, String)> = w
            .containers
            .iter()
            .filter_map(|c| {
                let v = inline.get(&(w.id(), c.name.clone()))?;
                Some((
                    c,
                    image_scalar(rng, &format!("{}{}", c.image, v.suffix()), &mut out.features),
                ))
            })
            .collect();
        if set.is_empty() {
            continue;
        }
        out.features.insert("inline-patch");
        let doc = smp_document(rng, w, &set);
        let chomp = *rng.pick(&["|-", "|", "|+"]);
        patch_items
            .push(format!("{list_indent}- patch: {chomp}\n{}\n", indent_block(&doc, block_indent)));
    }
    for (key, v) in &json {
        out.features.insert("inline-json6902");
        let w = app.workloads.iter().find(|w| w.id() == key.0).expect("workload");
        let c = app.container(key);
        let (_, _, pointer) = w.pod_path();
        let list = if c.init { "initContainers" } else { "containers" };
        let image = format!("{}{}", c.image, v.suffix());
        let ops = format!(
            "- op: replace\n  path: {pointer}/{list}/{}/image\n  value: {image}\n",
            c.index
        );
        patch_items.push(format!(
            "{list_indent}- target:\n{list_indent}    kind: {}\n{list_indent}    name: {}\n{list_indent}  patch: |-\n{}\n",
            w.kind,
            w.name,
            indent_block(&ops, block_indent)
        ));
    }
    if !patch_items.is_empty() {
        rng.shuffle(&mut patch_items);
        sections.push(format!("patches:\n{}", patch_items.concat()));
    }
    if !legacy.is_empty() {
        sections.push(format!("patchesStrategicMerge:\n{}", legacy.concat()));
    }
    if !entries.is_empty() {
        let mut s = String::from("images:");
        if rng.chance(10) {
            out.features.insert("images-flow-list");
            let items: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    images_entry(rng, &app.container(k).image, v, "", true, &mut out.features)
                })
                .collect();
            s.push_str(&format!(" [{}]\n", items.join(", ")));
        } else {
            s.push('\n');
            for (k, v) in &entries {
                s.push_str(&images_entry(
                    rng,
                    &app.container(k).image,
                    v,
                    list_indent,
                    false,
                    &mut out.features,
                ));
            }
        }
        sections.push(s);
    }
    rng.shuffle(&mut sections[1..]);
    if rng.chance(50) {
        let at = rng.below(sections.len() + 1);
        sections.insert(
            at,
            String::from("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"),
        );
    }
    let mut text = String::new();
    if rng.chance(30) {
        out.features.insert("header-comment");
        text.push_str(&format!("# {} overlay of {}\n", env.name, app.name));
    }
    text.push_str(&sections.concat());
    if rng.chance(10) {
        out.features.insert("trailing-comment-line");
        text.push_str("# end\n");
    }
    if rng.chance(10) {
        out.features.insert("no-final-newline");
        text.pop();
    }
    out.files.insert(env.kustomization.clone(), text);
    app.envs[i].own = own;
}
