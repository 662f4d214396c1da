//! A Flux `Kustomization` rendered as kustomize-controller applies it.
//!
//! The controller (kustomize-controller 186fb3b, `internal/controller/kustomization_controller.go`
//! `reconcile` → `generate` → `build` → `apply`) copies the source, joins `spec.path` to it
//! with `securejoin`, and has fluxcd/pkg's generator (e2cfd1a `kustomize/kustomize_generator.go`
//! `GenerateManifest`) write the kustomization it builds: the directory's own
//! `kustomization.yaml` read into kustomize's `types.Kustomization` (or, when there is none,
//! one listing every manifest and sub-kustomization below the path, `scanManifests`), then
//! - `targetNamespace`, `namePrefix`, `nameSuffix` *replace* the file's values;
//! - `patches` are appended to the file's (`patch` + `target`);
//! - `components` are appended, each local and relative, missing ones dropped under
//!   `ignoreMissingComponents`;
//! - v1beta2 `patchesStrategicMerge` / `patchesJson6902` are appended to the legacy fields;
//! - `images` merge into an entry of the same name (`newName` if set; `newTag` and `digest`
//!   together if either is set) or are appended.
//!
//! It builds that with `LoadRestrictionsNone` (`SecureBuild`), substitutes variables in each
//! resource (see [`super::varsub`]), and at apply time sets `commonMetadata` labels and
//! annotations on every object (`ssautil.SetCommonMetadata`, after substitution, so they are
//! not substituted). Here the kustomization is assembled as a [`Kustomization`] value and
//! handed to Baton's renderer in place of the file ([`crate::kustomize::BuildOptions`]), so
//! the output is what `kustomize build` of the generated file prints; every override keeps
//! the span of the Flux object that set it, and diagnostics about overrides point there.

use std::sync::Arc;

use super::objects::{FluxKustomization, FluxSource, Objects};
use super::varsub::{self, Variable};
use super::{DeploymentSource, SourceState};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::kustomize::build::join_file;
use crate::kustomize::context::Builder;
use crate::kustomize::kustomization::{KUSTOMIZATION_FILE_NAMES, Kustomization, Patch, Str};
use crate::kustomize::{BuildOptions, Rendered};
use crate::source::Source;
use crate::tree;
use crate::yaml::decode::Spanned;
use crate::yaml::{Node, Origin};

/// Files the source-controller leaves out of every artifact (fluxcd/pkg `sourceignore`
/// `ExcludeVCS`, `ExcludeCI`, `ExcludeExtra`; the extensions of `ExcludeExt` are not YAML).
const IGNORED_DIRS: &[&str] = &[".git", ".github", ".circleci"];
const IGNORED_FILES: &[&str] = &[
    ".travis.yml",
    ".gitlab-ci.yml",
    "appveyor.yml",
    ".drone.yml",
    "cloudbuild.yaml",
    "codeship-services.yml",
    "codeship-steps.yml",
    ".goreleaser.yml",
    ".sops.yaml",
    ".flux.yaml",
];

/// What the source reference says about where the files come from.
pub(crate) fn source(objects: &Objects, k: &FluxKustomization) -> (DeploymentSource, SourceState) {
    let path = k.path.as_ref().map_or_else(String::new, |p| tree::join_clamped(&p.value));
    let mut out = DeploymentSource {
        path: Some(path),
        repo_url: None,
        revision: None,
        reference: String::new(),
        local: false,
        note: None,
    };
    let Some(reference) = &k.source_ref else {
        out.note = Some("no spec.sourceRef".into());
        return (out, SourceState::Missing);
    };
    out.reference = format!("{}/{}/{}", reference.kind, reference.namespace, reference.name);
    if reference.kind == "ExternalArtifact"
        && let Some(generated) = source_object(objects, k).and_then(|s| s.generated.as_ref())
    {
        match artifact_root(objects, generated) {
            Ok(prefix) => {
                let written = k.path.as_ref().map_or("", |p| p.value.as_str());
                out.path = Some(tree::join_clamped(&format!("{prefix}/{written}")));
                out.local = true;
                out.note = Some(format!(
                    "made by ArtifactGenerator {} from this repository's '{prefix}'",
                    generated.generator
                ));
                return (out, SourceState::Local);
            }
            Err(why) => {
                out.note = Some(format!(
                    "made by ArtifactGenerator {}, {why}; not rendered",
                    generated.generator
                ));
                return (out, SourceState::External);
            }
        }
    }
    if reference.kind != "GitRepository" {
        out.note = Some(format!(
            "an artifact ({}) built elsewhere; Baton renders only this repository's files",
            reference.kind
        ));
        return (out, SourceState::External);
    }
    let Some(found) = source_object(objects, k) else {
        if reference.name == "flux-system" && reference.namespace == "flux-system" {
            out.local = true;
            out.note = Some(
                "the GitRepository flux bootstrap creates (not in the repository): taken to be this repository".into(),
            );
            return (out, SourceState::Local);
        }
        out.note = Some("no file of the repository defines it".into());
        return (out, SourceState::Missing);
    };
    out.repo_url.clone_from(&found.url);
    out.revision.clone_from(&found.revision);
    if is_this_repository(objects, found) {
        out.local = true;
        (out, SourceState::Local)
    } else {
        out.note = Some(
            "its URL or ref differs from the flux-system GitRepository's (or that one is not in the repository): another repository or branch, not fetched"
                .into(),
        );
        (out, SourceState::External)
    }
}

/// The source object `k` refers to: the one written in the same cluster directory when
/// several clusters define it (each bootstrap writes its own `flux-system`), else any.
pub(crate) fn source_object<'o>(
    objects: &'o Objects,
    k: &FluxKustomization,
) -> Option<&'o FluxSource> {
    let reference = k.source_ref.as_ref()?;
    let cluster = super::model::cluster_dir(&k.site.file);
    let matching = objects.sources.iter().filter(|s| {
        s.kind == reference.kind && s.namespace == reference.namespace && s.name == reference.name
    });
    let mut first = None;
    for s in matching {
        if super::model::cluster_dir(&s.site.file) == cluster {
            return Some(s);
        }
        first.get_or_insert(s);
    }
    first
}

/// The directory of this repository an `ExternalArtifact` holds, when its generator copies
/// whole directories of this repository so that the artifact is that directory (each rule
/// `@alias/<dir>/**` to `@artifact/<sub>/` with `<dir>` ending in `<sub>`, one common rest).
/// Artifacts a generator reshapes otherwise are not rendered (source-watcher `copy`
/// semantics beyond this are not reproduced).
fn artifact_root(
    objects: &Objects,
    generated: &super::objects::Generated,
) -> Result<String, String> {
    let mut root: Option<String> = None;
    if generated.copies.is_empty() {
        return Err("it copies nothing".into());
    }
    for (from, to) in &generated.copies {
        let plain = || format!("its copy rule '{from}' → '{to}' is not a whole-directory copy");
        let from = from.strip_prefix('@').ok_or_else(plain)?;
        let (alias, rest) = from.split_once('/').unwrap_or((from, ""));
        let dir = rest.strip_suffix("**").ok_or_else(plain)?.trim_end_matches('/');
        let sub = to.strip_prefix("@artifact").ok_or_else(plain)?.trim_matches('/');
        if dir.contains(['*', '?', '[']) || sub.contains(['*', '?', '[']) {
            return Err(plain());
        }
        let Some((_, kind, namespace, name)) = generated.sources.iter().find(|s| s.0 == alias)
        else {
            return Err(format!("its source alias '{alias}' is not declared"));
        };
        // As for a Kustomization's own sourceRef: bootstrap's GitRepository is this
        // repository even when its file is not committed.
        let bootstrap = namespace == "flux-system" && name == "flux-system";
        let local = kind == "GitRepository"
            && objects
                .source(kind, namespace, name)
                .map_or(bootstrap, |s| is_this_repository(objects, s));
        if !local {
            return Err(format!("its source {kind}/{namespace}/{name} is not this repository"));
        }
        let prefix = if sub.is_empty() {
            dir
        } else if dir == sub {
            ""
        } else {
            dir.strip_suffix(sub).and_then(|p| p.strip_suffix('/')).ok_or_else(plain)?
        };
        match &root {
            Some(r) if r != prefix => {
                return Err("its copy rules do not keep one directory layout".into());
            }
            _ => root = Some(prefix.to_string()),
        }
    }
    Ok(root.unwrap_or_default())
}

/// Whether a `GitRepository` is the repository (and branch) Baton holds: bootstrap's
/// `flux-system/flux-system`, or one with its URL and ref. Without bootstrap's object there
/// is nothing to compare with, and only its name is taken to be this repository (a tenant's
/// `GitRepository` is usually another repository, or another branch of this one).
fn is_this_repository(objects: &Objects, source: &FluxSource) -> bool {
    let bootstrap = |s: &FluxSource| {
        s.kind == "GitRepository" && s.namespace == "flux-system" && s.name == "flux-system"
    };
    let own = objects.sources.iter().find(|s| {
        bootstrap(s)
            && super::model::cluster_dir(&s.site.file)
                == super::model::cluster_dir(&source.site.file)
    });
    let Some(own) = own.or_else(|| objects.sources.iter().find(|s| bootstrap(s))) else {
        return bootstrap(source);
    };
    std::ptr::eq(own, source)
        || (matches!((&own.url, &source.url), (Some(a), Some(b)) if same_url(a, b))
            && own.revision == source.revision)
}

/// URLs compared without a trailing `/` or `.git` and without case in the scheme and host.
pub(crate) fn same_url(a: &str, b: &str) -> bool {
    fn norm(u: &str) -> String {
        let u = u.trim_end_matches('/');
        let u = u.strip_suffix(".git").unwrap_or(u);
        u.to_ascii_lowercase()
    }
    norm(a) == norm(b)
}

/// The render of `k`'s path with the controller's overrides, substituted, with common
/// metadata; `dir` is the joined path. Returns the render and the variables.
pub(crate) fn render(
    source: &mut Source,
    k: &FluxKustomization,
    dir: &str,
    out: &mut Vec<Diagnostic>,
) -> (Rendered, Vec<Variable>) {
    let failed = (Rendered::default(), Vec::new());
    source.reads.files.insert(k.site.file.to_string());
    if let Some(origin) = &k.decryption {
        out.push(
            Diagnostic::new(
                Code::DeploymentUnsupported,
                "spec.decryption: Flux decrypts SOPS-encrypted files before building; Baton has no keys and renders them encrypted",
            )
            .with_severity(crate::Severity::Warning)
            .at(file(origin, &k.site.file), origin.span),
        );
    }
    if !dir.is_empty() && !source.is_dir(dir) {
        let (file, span) = k.path.as_ref().map_or((k.site.file.to_string(), k.site.span), |p| {
            (file(&p.origin, &k.site.file), p.span())
        });
        out.push(
            Diagnostic::new(
                Code::DeploymentPathMissing,
                format!(
                    "kustomization path not found: '{dir}' is not a directory of the repository"
                ),
            )
            .at(file, span),
        );
        return failed;
    }
    let Some((top, generated)) = generate(source, k, dir, out) else { return failed };
    let remap = Remap::new(&top, k, generated);
    let options = BuildOptions { top: Some(Arc::new(top)), load_anywhere: true };
    let (mut rendered, reads) = crate::kustomize::render_with(source, dir, &options);
    source.reads.extend(&reads);
    remap.apply(&mut rendered.diagnostics);
    if !rendered.ok {
        return (rendered, Vec::new());
    }
    let mut variables = Vec::new();
    if let Some(post) = &k.post_build {
        variables = varsub::load_variables(source, k, post, out);
        let tree = source.tree;
        varsub::substitute(&mut rendered, &variables, post, &k.site.file, tree, out);
        if !rendered.ok {
            return (rendered, variables);
        }
    }
    if let Some(meta) = &k.common_metadata {
        super::set_common_metadata(&mut rendered, &meta.labels, &meta.annotations);
    }
    (rendered, variables)
}

fn file(origin: &Origin, fallback: &str) -> String {
    origin.file.as_deref().unwrap_or(fallback).to_string()
}

/// `GenerateManifest`: the kustomization the controller builds, or `None` (with diagnostics)
/// when the generator fails.
fn generate(
    source: &mut Source,
    k: &FluxKustomization,
    dir: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<(Kustomization, bool)> {
    let existing =
        KUSTOMIZATION_FILE_NAMES.iter().map(|n| join_file(dir, n)).find(|p| source.is_file(p));
    let mut top = match &existing {
        Some(path) => {
            let mut builder = Builder::new(source);
            let loaded = builder.load_kustomization(dir, None);
            let problems = std::mem::take(&mut builder.diagnostics);
            let Ok(loaded) = loaded else {
                out.extend(problems);
                return None;
            };
            if !has_resources(source, path) {
                out.push(
                    Diagnostic::new(
                        Code::DeploymentUnsupported,
                        format!("{path} lists no `resources`: Flux then builds it with `buildMetadata: [originAnnotations]` (kustomize's config.kubernetes.io/origin annotations on every object), which Baton does not reproduce"),
                    )
                    .at(path.clone(), Span::empty(0))
                    .with_related(k.site.file.to_string(), Some(k.site.span), "the Flux Kustomization that builds it"),
                );
                return None;
            }
            (*loaded).clone()
        }
        None => scan_manifests(source, k, dir, out),
    };
    if let Some(origin) = &k.build_metadata {
        out.push(
            Diagnostic::new(
                Code::DeploymentUnsupported,
                "spec.buildMetadata: kustomize's build metadata annotations are not reproduced by Baton",
            )
            .at(file(origin, &k.site.file), origin.span),
        );
        return None;
    }
    if let Some(ns) = &k.target_namespace {
        top.namespace = Some(ns.clone());
    }
    if let Some(prefix) = &k.name_prefix {
        top.name_prefix = Some(prefix.clone());
    }
    if let Some(suffix) = &k.name_suffix {
        top.name_suffix = Some(suffix.clone());
    }
    top.patches.extend(k.patches.iter().cloned());
    for component in &k.components {
        if !is_local_relative(&component.value) {
            out.push(
                Diagnostic::new(
                    Code::DeploymentDoesNotRender,
                    format!("component path '{}' must be local and relative", component.value),
                )
                .at(file(&component.origin, &k.site.file), component.span()),
            );
            return None;
        }
        let exists = tree::join(dir, &component.value)
            .is_ok_and(|p| source.is_file(&p) || source.is_dir(&p));
        if !exists && k.ignore_missing_components {
            continue;
        }
        top.components.push(component.clone());
    }
    for patch in &k.patches_strategic_merge {
        top.patches_strategic_merge.push(json_str(patch));
    }
    for (ops, target) in &k.patches_json6902 {
        top.patches_json6902.push(Patch { patch: Some(json_str(ops)), ..target.clone() });
    }
    merge_images(source, existing.as_deref(), &mut top, k);
    Some((top, existing.is_none()))
}

/// Whether the kustomization file lists `resources` (the generator's check is on the file's
/// own field, before kustomize merges `bases` into it).
fn has_resources(source: &mut Source, path: &str) -> bool {
    source.parse(path, None).is_ok_and(|parsed| {
        parsed.documents.iter().find(|d| !d.is_empty()).is_some_and(|d| {
            d.root.get("resources").and_then(Node::as_seq).is_some_and(|items| !items.is_empty())
        })
    })
}

/// A value written as the JSON the API server stores (`apiextensionsv1.JSON`), with the span
/// of the value in the Flux object.
fn json_str(node: &Node) -> Str {
    let mut text = String::new();
    if let Ok(json) = crate::yaml::json::from_node(node) {
        crate::yaml::json::write_go_json(&json, crate::yaml::json::GoJson::default(), &mut text);
    }
    Spanned::new(text, node.origin.clone())
}

/// The images merge of `GenerateManifest`. Only the file's own `images` entries are merged
/// into (kustomize appends `imageTags` after the generator ran).
fn merge_images(
    source: &mut Source,
    file: Option<&str>,
    top: &mut Kustomization,
    k: &FluxKustomization,
) {
    let own = file
        .and_then(|path| source.parse(path, None).ok())
        .and_then(|parsed| {
            parsed
                .documents
                .iter()
                .find(|d| !d.is_empty())
                .map(|d| d.root.get("images").and_then(Node::as_seq).map_or(0, <[Node]>::len))
        })
        .unwrap_or(0)
        .min(top.images.len());
    // Appended after the file's `images`, before its `imageTags` (merged in later by kustomize).
    let mut insert_at = own;
    for image in &k.images {
        if let Some(index) = top.images[..own].iter().position(|i| i.name.value == image.name.value)
        {
            let entry = &mut top.images[index];
            if let Some(name) = &image.new_name {
                entry.new_name = Some(name.clone());
            }
            if image.new_tag.is_some() || image.digest.is_some() {
                entry.new_tag.clone_from(&image.new_tag);
                entry.digest.clone_from(&image.digest);
            }
        } else {
            let mut added = image.clone();
            added.tag_suffix = None;
            top.images.insert(insert_at, added);
            insert_at += 1;
        }
    }
}

/// `IsLocalRelativePath`: not a remote reference and not absolute.
fn is_local_relative(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    for prefix in
        ["git::", "gh:", "ssh://", "https://", "http://", "git@", "github.com:", "github.com/"]
    {
        if prefix.len() < path.len() && lower.starts_with(prefix) {
            return false;
        }
    }
    !path.starts_with('/') && !lower.trim_start_matches("file://").starts_with('/')
}

/// `findOrGenerateKustomization` without a file: every manifest below `dir` (in the order
/// `filepath.Walk` visits them: names sorted within each directory, depth first) and every
/// directory holding a kustomization (not descended into).
fn scan_manifests(
    source: &mut Source,
    k: &FluxKustomization,
    dir: &str,
    out: &mut Vec<Diagnostic>,
) -> Kustomization {
    source.reads.dirs.insert(dir.to_string());
    let synthetic = join_file(dir, "kustomization.yaml");
    let origin = k
        .path
        .as_ref()
        .map_or_else(|| Origin::new(&k.site.file, k.site.span), |p| p.origin.clone());
    let resources = walk_order(source, dir, &origin);
    let ignore_files: Vec<String> = source
        .tree
        .files_under(dir)
        .filter(|p| tree::file_name(p) == ".sourceignore")
        .map(str::to_string)
        .collect();
    for path in ignore_files {
        out.push(
            Diagnostic::new(
                Code::DeploymentUnsupported,
                format!("{path}: Baton does not apply .sourceignore files; the files it excludes are rendered"),
            )
            .with_severity(crate::Severity::Warning)
            .in_file(path),
        );
    }
    let mut top = Kustomization { file: synthetic, ..Kustomization::default() };
    if resources.is_empty() {
        top.namespace = Some(Spanned::new("_placeholder".into(), origin));
    } else {
        top.resources = resources;
    }
    top
}

/// A directory being walked: its path, its entries, the next one to visit.
type Visit = (String, Vec<(String, bool)>, usize);

/// The resources `scanManifests` lists, in `filepath.Walk` order.
fn walk_order(source: &Source, dir: &str, origin: &Origin) -> Vec<Str> {
    let mut out = Vec::new();
    // (directory, index of the next entry to visit)
    let mut stack: Vec<Visit> = vec![(dir.to_string(), source.tree.list_dir(dir), 0)];
    while let Some((current, entries, index)) = stack.last_mut() {
        let Some((name, is_dir)) = entries.get(*index).cloned() else {
            stack.pop();
            continue;
        };
        *index += 1;
        let path = if current.is_empty() { name.clone() } else { format!("{current}/{name}") };
        if is_dir {
            if IGNORED_DIRS.contains(&name.as_str()) {
                continue;
            }
            if KUSTOMIZATION_FILE_NAMES.iter().any(|n| source.tree.is_file(&join_file(&path, n))) {
                out.push(entry(dir, &path, origin));
            } else {
                let children = source.tree.list_dir(&path);
                stack.push((path, children, 0));
            }
            continue;
        }
        let yaml = super::varsub::is_yaml_name(&name);
        if yaml && !IGNORED_FILES.contains(&name.as_str()) {
            out.push(entry(dir, &path, origin));
        }
    }
    out
}

/// A generated `resources` entry: `./` and the path below `dir`.
fn entry(dir: &str, path: &str, origin: &Origin) -> Str {
    let relative = if dir.is_empty() { path } else { &path[dir.len() + 1..] };
    Spanned::new(format!("./{relative}"), origin.clone())
}

/// Sends diagnostics about the controller's overrides (or about a generated kustomization) to
/// the Flux object that set them: kustomize reports an entry at its kustomization's file with
/// the entry's span, and those spans are the Flux object's.
pub(crate) struct Remap {
    top_file: String,
    object_file: String,
    /// The kustomization was generated: everything reported at it belongs to the object.
    generated: bool,
    spans: Vec<Span>,
}

impl Remap {
    pub(crate) fn new(top: &Kustomization, k: &FluxKustomization, generated: bool) -> Self {
        let object_file = k.site.file.to_string();
        let mut spans = Vec::new();
        let mut add = |origin: &Origin| {
            if origin.file.as_deref() == Some(object_file.as_str()) {
                spans.push(origin.span);
            }
        };
        for s in [&top.namespace, &top.name_prefix, &top.name_suffix].into_iter().flatten() {
            add(&s.origin);
        }
        for p in top.patches.iter().chain(&top.patches_json6902) {
            add(&p.origin);
            if let Some(t) = &p.target {
                add(&t.origin);
            }
            if let Some(text) = &p.patch {
                add(&text.origin);
            }
        }
        for s in top.components.iter().chain(&top.patches_strategic_merge).chain(&top.resources) {
            add(&s.origin);
        }
        for i in &top.images {
            add(&i.origin);
            add(&i.name.origin);
        }
        Remap::with(top.file.clone(), object_file, generated, spans)
    }

    pub(crate) fn with(
        top_file: String,
        object_file: String,
        generated: bool,
        spans: Vec<Span>,
    ) -> Self {
        Remap { top_file, object_file, generated, spans }
    }

    pub(crate) fn apply(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            if d.file.as_deref() != Some(self.top_file.as_str()) {
                continue;
            }
            if self.generated || d.span.is_some_and(|s| self.spans.contains(&s)) {
                d.file = Some(self.object_file.clone());
                d.range = None;
            }
        }
    }
}
