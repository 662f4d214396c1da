//! Reading the objects that say what each cluster applies, from the repository's raw YAML
//! files (as [`crate::flux::objects`] reads the image automation objects): Flux
//! `Kustomization`s (`kustomize.toolkit.fluxcd.io` v1, v1beta2), Flux sources
//! (`source.toolkit.fluxcd.io`: `GitRepository`, `OCIRepository`, `Bucket`) and Argo CD
//! `Application`s (`argoproj.io/v1alpha1`, with `source` or `sources`).
//!
//! Fields are typed as the API server types them after `kubectl apply` read the file with
//! go-yaml v2 (so `substitute: {REPLICAS: 3}` is a number where the CRD wants a string, and
//! the object is rejected): a field of the wrong type is a `D001` error at its value and the
//! object is left out. Unknown fields are ignored, as the API server prunes them. Field
//! names and types: kustomize-controller 186fb3b `api/v1/kustomization_types.go` and
//! `api/v1beta2/kustomization_types.go`; argo-cd 37ee009 `pkg/apis/application/v1alpha1/types.go`.
//!
//! Each file's objects are cached by the identity of its text ([`ObjectCache`]), and only
//! files whose text names one of the API groups are parsed at all.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::kustomize::kustomization::{
    Image, Patch, Str, decode_image, decode_patch, decode_selector,
};
use crate::tree::{Content, FileTree};
use crate::vecmap::VecMap;
use crate::yaml::decode::{Decoder, Spanned};
use crate::yaml::{Body, Node, Origin, Parsed};

/// The API group of Flux Kustomizations.
pub const KUSTOMIZE_GROUP: &str = "kustomize.toolkit.fluxcd.io";
/// The API group of Flux sources.
pub const SOURCE_GROUP: &str = "source.toolkit.fluxcd.io";
/// The API group of Flux's `ArtifactGenerator` (source-watcher).
pub const GENERATOR_GROUP: &str = "source.extensions.fluxcd.io";

/// Where an object was written: its file and the span of its `metadata.name` (or document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub file: Arc<str>,
    pub span: Span,
}

/// `spec.sourceRef` of a Flux Kustomization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    pub kind: String,
    pub name: String,
    /// The Kustomization's namespace when not given.
    pub namespace: String,
    pub origin: Origin,
}

/// `spec.postBuild.substituteFrom[]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubstituteRef {
    pub kind: String,
    pub name: String,
    pub optional: bool,
    pub origin: Origin,
}

/// `spec.postBuild`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostBuild {
    /// `substitute`, in written order.
    pub substitute: Vec<(Str, Str)>,
    pub substitute_from: Vec<SubstituteRef>,
    /// `substituteStrategy: Always` (substitute even with no variables).
    pub always: bool,
    pub origin: Origin,
}

/// `spec.commonMetadata`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommonMetadata {
    pub labels: Vec<(Str, Str)>,
    pub annotations: Vec<(Str, Str)>,
    pub origin: Origin,
}

/// One `spec.dependsOn` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub namespace: String,
    pub name: String,
    pub origin: Origin,
}

/// A Flux `Kustomization`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FluxKustomization {
    pub api_version: String,
    pub namespace: String,
    pub name: String,
    pub site: Site,
    /// `spec.path` as written (`None`: the source's root).
    pub path: Option<Str>,
    pub source_ref: Option<SourceRef>,
    pub target_namespace: Option<Str>,
    pub name_prefix: Option<Str>,
    pub name_suffix: Option<Str>,
    /// `spec.patches` (`patch` and `target` only: Flux's `kustomize.Patch`).
    pub patches: Vec<Patch>,
    /// v1beta2 `spec.patchesStrategicMerge`: each patch object.
    pub patches_strategic_merge: Vec<Node>,
    /// v1beta2 `spec.patchesJson6902`: the operations list and the target.
    pub patches_json6902: Vec<(Node, Patch)>,
    pub images: Vec<Image>,
    pub components: Vec<Str>,
    pub ignore_missing_components: bool,
    pub common_metadata: Option<CommonMetadata>,
    pub post_build: Option<PostBuild>,
    pub depends_on: Vec<Dependency>,
    /// `spec.kubeConfig.secretRef.name`: the remote cluster's kubeconfig Secret.
    pub kube_config: Option<String>,
    pub suspend: bool,
    /// `spec.decryption` (SOPS): where it is set.
    pub decryption: Option<Origin>,
    /// `spec.buildMetadata`: where it is set.
    pub build_metadata: Option<Origin>,
}

/// A Flux source object (`GitRepository`, `OCIRepository`, `Bucket`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FluxSource {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub site: Site,
    /// `spec.url` (`spec.bucketName` for a Bucket).
    pub url: Option<String>,
    /// `spec.ref`'s branch, tag, semver, name or commit, as written.
    pub revision: Option<String>,
    /// For an `ExternalArtifact` an `ArtifactGenerator` makes: how it makes it.
    pub generated: Option<Generated>,
}

/// One artifact of an `ArtifactGenerator` (source-watcher, `source.extensions.fluxcd.io`):
/// the generator's sources by alias, and the artifact's `copy` rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// `namespace/name` of the generator.
    pub generator: String,
    /// `(alias, kind, namespace, name)` of each source.
    pub sources: Vec<(String, String, String, String)>,
    /// `(from, to)` of each `copy` rule, as written (`@alias/dir/**`, `@artifact/dir/`).
    pub copies: Vec<(String, String)>,
}

/// `spec.source.kustomize` of an Argo CD Application (its flags are the API's booleans).
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArgoKustomize {
    pub name_prefix: Option<Str>,
    pub name_suffix: Option<Str>,
    pub images: Vec<Str>,
    /// `replicas`: name and count (an `IntOrString`).
    pub replicas: Vec<(Str, Spanned<ReplicaCount>)>,
    pub common_labels: Vec<(Str, Str)>,
    pub common_annotations: Vec<(Str, Str)>,
    pub force_common_labels: bool,
    pub force_common_annotations: bool,
    pub common_annotations_envsubst: bool,
    pub label_without_selector: bool,
    pub label_include_templates: bool,
    pub namespace: Option<Str>,
    pub patches: Vec<Patch>,
    pub components: Vec<Str>,
    pub ignore_missing_components: bool,
    pub origin: Origin,
}

/// An `IntOrString` replica count.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ReplicaCount {
    #[default]
    Missing,
    Int(i64),
    String(String),
}

/// One source of an Argo CD Application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgoSource {
    pub repo_url: Option<String>,
    pub path: Option<Str>,
    pub target_revision: Option<String>,
    pub chart: Option<String>,
    /// `ref`: a source that only lends its files to the others (`$values`).
    pub reference: Option<String>,
    pub kustomize: Option<ArgoKustomize>,
    /// `helm`, `directory`, `plugin`: set explicitly.
    pub explicit_types: Vec<&'static str>,
    pub origin: Origin,
}

/// An Argo CD `Application`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    pub namespace: String,
    pub name: String,
    pub site: Site,
    pub project: String,
    pub server: Option<String>,
    pub destination_name: Option<String>,
    pub destination_namespace: Option<String>,
    /// `spec.source`, or the `spec.sources` list.
    pub sources: Vec<ArgoSource>,
    /// The `ApplicationSet` that generates it (`None`: written as an object).
    pub app_set: Option<String>,
}

/// The deployment objects of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileObjects {
    pub kustomizations: Vec<FluxKustomization>,
    pub sources: Vec<FluxSource>,
    pub applications: Vec<Application>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileObjects {
    fn is_empty(&self) -> bool {
        self.kustomizations.is_empty()
            && self.sources.is_empty()
            && self.applications.is_empty()
            && self.diagnostics.is_empty()
    }
}

/// Every deployment object of a repository.
#[derive(Debug, Clone, Default)]
pub struct Objects {
    pub kustomizations: Vec<FluxKustomization>,
    pub sources: Vec<FluxSource>,
    pub applications: Vec<Application>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Objects {
    /// The Flux source `kind namespace/name`.
    #[must_use]
    pub fn source(&self, kind: &str, namespace: &str, name: &str) -> Option<&FluxSource> {
        self.sources.iter().find(|s| s.kind == kind && s.namespace == namespace && s.name == name)
    }
}

/// Objects per file, kept while the file's text is the same.
#[derive(Debug, Clone, Default)]
pub struct ObjectCache {
    files: VecMap<String, CachedFile>,
    /// Whether some YAML file's text names `ApplicationSet` (see
    /// [`crate::appset::may_hold_appset`]), as of the last [`read_all`].
    appsets: bool,
}

/// One file's text, its objects, and whether the text may hold an `ApplicationSet`.
#[derive(Debug, Clone)]
struct CachedFile {
    text: Arc<str>,
    objects: Arc<FileObjects>,
    appset: bool,
}

impl ObjectCache {
    /// Whether a YAML file outside Helm templates may hold an `ApplicationSet` (as of the
    /// last [`read_all`]).
    #[must_use]
    pub fn may_hold_appsets(&self) -> bool {
        self.appsets
    }
}

/// Reads every deployment object of `tree`; `parse` gives a file's parse (cached by the
/// caller). Files whose text names none of the API groups are not parsed.
///
/// An editor validates on every keystroke: the tree and the cache are walked side by side
/// (both sorted by path) and an unchanged file's entry is moved over, so a call costs no
/// allocation per file, only per file whose text changed.
pub fn read_all(
    tree: &FileTree,
    cache: &mut ObjectCache,
    mut parse: impl FnMut(&str) -> Option<Arc<Parsed>>,
) -> Objects {
    let mut old = std::mem::take(&mut cache.files).into_vec().into_iter().peekable();
    // Paths come in order: each insertion is a push.
    let mut files = VecMap::new();
    for (path, content) in tree.iter() {
        let Content::Text(text) = content else { continue };
        if !is_yaml(path) || crate::repo::in_helm_templates(tree, path) {
            continue;
        }
        while old.next_if(|(cached, _)| cached.as_str() < path).is_some() {}
        if let Some(entry) =
            old.next_if(|(cached, file)| cached.as_str() == path && Arc::ptr_eq(&file.text, text))
        {
            files.insert(entry.0, entry.1);
            continue;
        }
        let objects = if mentions_a_group(text) {
            parse(path).map(|parsed| read_file(path, &parsed)).unwrap_or_default()
        } else {
            FileObjects::default()
        };
        let appset = crate::appset::may_hold_appset(text);
        files.insert(
            path.to_string(),
            CachedFile { text: text.clone(), objects: Arc::new(objects), appset },
        );
    }
    cache.files = files;
    cache.appsets = cache.files.values().any(|file| file.appset);
    let mut out = Objects::default();
    for file in cache.files.values() {
        let objects = &file.objects;
        if objects.is_empty() {
            continue;
        }
        out.kustomizations.extend(objects.kustomizations.iter().cloned());
        out.sources.extend(objects.sources.iter().cloned());
        out.applications.extend(objects.applications.iter().cloned());
        out.diagnostics.extend(objects.diagnostics.iter().cloned());
    }
    report_duplicates(&mut out);
    out
}

fn is_yaml(path: &str) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    ext == "yaml" || ext == "yml"
}

fn mentions_a_group(text: &str) -> bool {
    text.contains(KUSTOMIZE_GROUP)
        || text.contains(SOURCE_GROUP)
        || text.contains(GENERATOR_GROUP)
        || text.contains("argoproj.io")
}

/// The deployment objects of one parsed file.
#[must_use]
pub fn read_file(path: &str, parsed: &Parsed) -> FileObjects {
    let file: Arc<str> = Arc::from(path);
    let mut out = FileObjects::default();
    for document in &parsed.documents {
        read_object(&file, &document.root, &mut out);
    }
    out
}

/// Reads one object (an `Application` an `ApplicationSet` generated can come this way too).
pub fn read_object(file: &Arc<str>, root: &Node, out: &mut FileObjects) {
    let Some(api_version) = root.get_str("apiVersion") else { return };
    let Some(kind) = root.get_str("kind") else { return };
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    match (group, kind) {
        (KUSTOMIZE_GROUP, "Kustomization") if matches!(version, "v1" | "v1beta2") => {
            let mut reader = Reader::new(file, "Kustomization");
            if let Some(k) = reader.kustomization(root, api_version) {
                out.kustomizations.push(k);
            }
            out.diagnostics.append(&mut reader.d.errors);
        }
        (SOURCE_GROUP, "GitRepository" | "OCIRepository" | "Bucket") => {
            let mut reader = Reader::new(file, kind);
            if let Some(s) = reader.source(root, kind) {
                out.sources.push(s);
            }
            out.diagnostics.append(&mut reader.d.errors);
        }
        (GENERATOR_GROUP, "ArtifactGenerator") => {
            let mut reader = Reader::new(file, "ArtifactGenerator");
            out.sources.extend(reader.generator(root));
            out.diagnostics.append(&mut reader.d.errors);
        }
        ("argoproj.io", "Application") if version == "v1alpha1" => {
            let mut reader = Reader::new(file, "Application");
            if let Some(a) = reader.application(root) {
                out.applications.push(a);
            }
            out.diagnostics.append(&mut reader.d.errors);
        }
        _ => {}
    }
}

/// Adds the Applications `ApplicationSets` generate (read from their objects, at the
/// template values they came from); one named as an Application already there is `D002`.
pub fn add_generated(out: &mut Objects, app_set: &str, file: &Arc<str>, root: &Node) {
    let mut found = FileObjects::default();
    read_object(file, root, &mut found);
    out.diagnostics.append(&mut found.diagnostics);
    for mut app in found.applications {
        app.app_set = Some(app_set.to_string());
        if let Some(first) =
            out.applications.iter().find(|a| a.namespace == app.namespace && a.name == app.name)
        {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::DeploymentDuplicate,
                    format!(
                        "ApplicationSet {app_set} generates Application {}/{}, which {} defines too; the cluster keeps one",
                        app.namespace,
                        app.name,
                        first.app_set.as_ref().map_or_else(|| first.site.file.to_string(), |s| format!("ApplicationSet {s}"))
                    ),
                )
                .at(&*app.site.file, app.site.span)
                .with_related(&*first.site.file, Some(first.site.span), "first definition"),
            );
            continue;
        }
        out.applications.push(app);
    }
}

/// Two objects of one kind, namespace and name (Flux objects: in one cluster directory;
/// clusters routinely share names such as `flux-system/flux-system`).
fn report_duplicates(out: &mut Objects) {
    let mut seen: VecMap<(&str, &str, &str, &str), &Site> = VecMap::new();
    let mut found = Vec::new();
    let all = out
        .kustomizations
        .iter()
        .map(|o| ("Kustomization", o.namespace.as_str(), o.name.as_str(), &o.site))
        .chain(out.sources.iter().map(|o| (o.kind.as_str(), &*o.namespace, &*o.name, &o.site)))
        .chain(out.applications.iter().map(|o| ("Application", &*o.namespace, &*o.name, &o.site)));
    for (kind, namespace, name, site) in all {
        let cluster = if kind == "Application" {
            ""
        } else {
            super::model::cluster_dir(&site.file).unwrap_or_default()
        };
        if let Some(first) = seen.get(&(kind, namespace, name, cluster)) {
            found.push(
                Diagnostic::new(
                    Code::DeploymentDuplicate,
                    format!("{kind} {namespace}/{name} is defined twice; the cluster keeps one"),
                )
                .at(&*site.file, site.span)
                .with_related(&*first.file, Some(first.span), "first definition"),
            );
        } else {
            seen.insert((kind, namespace, name, cluster), site);
        }
    }
    out.diagnostics.extend(found);
}

/// Typed reading of one object with the `D001` decoder (unknown fields ignored).
struct Reader<'f> {
    d: Decoder<'f>,
}

impl<'f> Reader<'f> {
    fn new(file: &'f Arc<str>, kind: &str) -> Self {
        let prefix = match kind {
            "Kustomization" => "invalid Flux Kustomization",
            "GitRepository" => "invalid GitRepository",
            "OCIRepository" => "invalid OCIRepository",
            "Bucket" => "invalid Bucket",
            "ArtifactGenerator" => "invalid ArtifactGenerator",
            _ => "invalid Argo CD Application",
        };
        let mut d = Decoder::new(file, Code::DeploymentObjectInvalid, prefix);
        d.ignore_unknown = true;
        Reader { d }
    }

    fn errors(&self) -> usize {
        self.d.errors.len()
    }

    /// `metadata`: namespace (`default_namespace` when absent), name, and the site.
    fn metadata(&mut self, root: &Node, default_namespace: &str) -> Option<(String, String, Site)> {
        let file = self.d.file.clone();
        let mut name = None;
        let mut namespace = None;
        if let Some(meta) = root.get("metadata") {
            for (field, _, value) in self.d.fields(meta, "ObjectMeta", &["name", "namespace"])? {
                match field {
                    "name" => name = self.d.string(value, "metadata.name"),
                    _ => namespace = self.d.string(value, "metadata.namespace"),
                }
            }
        }
        let span = name.as_ref().map_or(root.origin.span, Spanned::span);
        let namespace = namespace.map(|n| n.value).filter(|n| !n.is_empty());
        Some((
            namespace.unwrap_or_else(|| default_namespace.to_string()),
            name.map(|n| n.value).unwrap_or_default(),
            Site { file, span },
        ))
    }

    fn spec<'n>(
        &mut self,
        root: &'n Node,
        known: &[&'static str],
    ) -> Vec<(&'static str, &'n Node)> {
        let Some(spec) = root.get("spec") else { return Vec::new() };
        self.d
            .fields(spec, "spec", known)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, _, value)| (name, value))
            .collect()
    }

    fn optional_string(&mut self, node: &Node, field: &str) -> Option<Str> {
        optional_string(&mut self.d, node, field)
    }

    fn kustomization(&mut self, root: &Node, api_version: &str) -> Option<FluxKustomization> {
        const FIELDS: &[&str] = &[
            "path",
            "sourceRef",
            "targetNamespace",
            "namePrefix",
            "nameSuffix",
            "patches",
            "patchesStrategicMerge",
            "patchesJson6902",
            "images",
            "components",
            "ignoreMissingComponents",
            "commonMetadata",
            "postBuild",
            "dependsOn",
            "kubeConfig",
            "suspend",
            "decryption",
            "buildMetadata",
        ];
        let before = self.errors();
        let (namespace, name, site) = self.metadata(root, "default")?;
        let v1beta2 = api_version.ends_with("/v1beta2");
        let mut k = FluxKustomization {
            api_version: api_version.to_string(),
            namespace,
            name,
            site,
            path: None,
            source_ref: None,
            target_namespace: None,
            name_prefix: None,
            name_suffix: None,
            patches: Vec::new(),
            patches_strategic_merge: Vec::new(),
            patches_json6902: Vec::new(),
            images: Vec::new(),
            components: Vec::new(),
            ignore_missing_components: false,
            common_metadata: None,
            post_build: None,
            depends_on: Vec::new(),
            kube_config: None,
            suspend: false,
            decryption: None,
            build_metadata: None,
        };
        for (field, value) in self.spec(root, FIELDS) {
            let path = format!("spec.{field}");
            match field {
                "path" => k.path = self.optional_string(value, &path),
                "sourceRef" => k.source_ref = self.source_ref(value, &k.namespace),
                "targetNamespace" => k.target_namespace = self.optional_string(value, &path),
                "namePrefix" => k.name_prefix = self.optional_string(value, &path),
                "nameSuffix" => k.name_suffix = self.optional_string(value, &path),
                "patches" => {
                    k.patches = self.d.list(value, &path, decode_patch);
                    for patch in &mut k.patches {
                        // Flux's kustomize.Patch has `patch` and `target` only.
                        patch.path = None;
                        patch.allow_kind_change = false;
                        patch.allow_name_change = false;
                    }
                }
                "patchesStrategicMerge" if v1beta2 => {
                    k.patches_strategic_merge = self.objects(value, &path);
                }
                "patchesJson6902" if v1beta2 => k.patches_json6902 = self.json6902(value),
                "images" => k.images = self.d.list(value, &path, decode_image),
                "components" => k.components = self.d.strings(value, &path),
                "ignoreMissingComponents" => {
                    k.ignore_missing_components = self.d.bool(value, &path).unwrap_or_default();
                }
                "commonMetadata" => k.common_metadata = self.common_metadata(value),
                "postBuild" => k.post_build = self.post_build(value),
                "dependsOn" => k.depends_on = self.dependencies(value, &k.namespace),
                "kubeConfig" => k.kube_config = self.kube_config(value),
                "suspend" => k.suspend = self.d.bool(value, &path).unwrap_or_default(),
                "decryption" if !Decoder::is_null(value) => {
                    k.decryption = Some(value.origin.clone());
                }
                "buildMetadata" if !Decoder::is_null(value) && !is_empty_seq(value) => {
                    k.build_metadata = Some(value.origin.clone());
                }
                _ => {}
            }
        }
        (self.errors() == before).then_some(k)
    }

    fn source_ref(&mut self, node: &Node, namespace: &str) -> Option<SourceRef> {
        let mut r = SourceRef {
            kind: String::new(),
            name: String::new(),
            namespace: namespace.to_string(),
            origin: node.origin.clone(),
        };
        for (field, _, value) in
            self.d.fields(node, "spec.sourceRef", &["kind", "name", "namespace"])?
        {
            let s = self.d.string(value, &format!("spec.sourceRef.{field}"))?.value;
            match field {
                "kind" => r.kind = s,
                "name" => r.name = s,
                _ if !s.is_empty() => r.namespace = s,
                _ => {}
            }
        }
        Some(r)
    }

    /// A list of objects, each kept as written.
    fn objects(&mut self, node: &Node, field: &str) -> Vec<Node> {
        self.d.list(node, field, |d, item| {
            if item.is_map() {
                Some(item.clone())
            } else {
                d.error(item, format!("{field}[] must be an object"));
                None
            }
        })
    }

    fn json6902(&mut self, node: &Node) -> Vec<(Node, Patch)> {
        self.d.list(node, "spec.patchesJson6902", |d, item| {
            let fields = d.fields(item, "spec.patchesJson6902[]", &["patch", "target"])?;
            let mut ops = None;
            let mut target = Patch { origin: item.origin.clone(), ..Patch::default() };
            for (field, _, value) in fields {
                if field == "patch" {
                    if value.as_seq().is_none() {
                        d.error(value, "spec.patchesJson6902[].patch must be a list");
                        return None;
                    }
                    ops = Some(value.clone());
                } else {
                    target.target = decode_selector(d, value, "spec.patchesJson6902[].target");
                }
            }
            Some((ops.unwrap_or_else(|| Node::seq(Vec::new())), target))
        })
    }

    fn common_metadata(&mut self, node: &Node) -> Option<CommonMetadata> {
        let mut m = CommonMetadata { origin: node.origin.clone(), ..CommonMetadata::default() };
        for (field, _, value) in
            self.d.fields(node, "spec.commonMetadata", &["labels", "annotations"])?
        {
            let pairs = self.d.string_map(value, &format!("spec.commonMetadata.{field}"));
            if field == "labels" {
                m.labels = pairs;
            } else {
                m.annotations = pairs;
            }
        }
        Some(m)
    }

    fn post_build(&mut self, node: &Node) -> Option<PostBuild> {
        let mut p = PostBuild { origin: node.origin.clone(), ..PostBuild::default() };
        let fields = self.d.fields(
            node,
            "spec.postBuild",
            &["substitute", "substituteFrom", "substituteStrategy"],
        )?;
        for (field, _, value) in fields {
            match field {
                "substitute" => {
                    p.substitute = self.d.string_map(value, "spec.postBuild.substitute");
                }
                "substituteFrom" => {
                    p.substitute_from =
                        self.d.list(value, "spec.postBuild.substituteFrom", substitute_ref);
                }
                _ => {
                    p.always = self
                        .d
                        .string(value, "spec.postBuild.substituteStrategy")
                        .is_some_and(|s| s.value == "Always");
                }
            }
        }
        Some(p)
    }

    fn dependencies(&mut self, node: &Node, namespace: &str) -> Vec<Dependency> {
        self.d.list(node, "spec.dependsOn", |d, item| {
            let fields = d.fields(item, "spec.dependsOn[]", &["name", "namespace"])?;
            let mut dep = Dependency {
                namespace: namespace.to_string(),
                name: String::new(),
                origin: item.origin.clone(),
            };
            for (field, _, value) in fields {
                let s = d.string(value, &format!("spec.dependsOn[].{field}"))?.value;
                match field {
                    "name" => dep.name = s,
                    _ if !s.is_empty() => dep.namespace = s,
                    _ => {}
                }
            }
            Some(dep)
        })
    }

    fn kube_config(&mut self, node: &Node) -> Option<String> {
        let secret = node.get("secretRef")?;
        let name = secret.get("name")?;
        self.d.string(name, "spec.kubeConfig.secretRef.name").map(|s| s.value)
    }

    fn source(&mut self, root: &Node, kind: &str) -> Option<FluxSource> {
        let before = self.errors();
        let (namespace, name, site) = self.metadata(root, "default")?;
        let mut s = FluxSource {
            kind: kind.to_string(),
            namespace,
            name,
            site,
            url: None,
            revision: None,
            generated: None,
        };
        for (field, value) in self.spec(root, &["url", "bucketName", "ref"]) {
            match field {
                "url" | "bucketName" => s.url = self.optional_string(value, field).map(|u| u.value),
                _ => {
                    for key in ["branch", "tag", "semver", "name", "commit", "digest"] {
                        if let Some(v) = value.get(key)
                            && let Some(text) = self.optional_string(v, "spec.ref")
                        {
                            s.revision = Some(text.value);
                        }
                    }
                }
            }
        }
        (self.errors() == before).then_some(s)
    }

    /// The `ExternalArtifact`s an `ArtifactGenerator` makes (fluxcd/source-watcher
    /// `api/v1beta1/artifactgenerator_types.go`: `spec.sources[]` `{alias, kind, name,
    /// namespace}`, `spec.artifacts[]` `{name, copy[] {from, to}}`).
    fn generator(&mut self, root: &Node) -> Vec<FluxSource> {
        let before = self.errors();
        let Some((namespace, name, site)) = self.metadata(root, "default") else {
            return Vec::new();
        };
        let mut sources = Vec::new();
        let mut artifacts = Vec::new();
        for (field, value) in self.spec(root, &["sources", "artifacts"]) {
            if field == "sources" {
                sources = self.d.list(value, "spec.sources", |d, item| {
                    let mut s = (String::new(), String::new(), namespace.clone(), String::new());
                    for (f, _, v) in
                        d.fields(item, "spec.sources[]", &["alias", "kind", "name", "namespace"])?
                    {
                        let text = d.string(v, &format!("spec.sources[].{f}"))?.value;
                        match f {
                            "alias" => s.0 = text,
                            "kind" => s.1 = text,
                            "name" => s.3 = text,
                            _ if !text.is_empty() => s.2 = text,
                            _ => {}
                        }
                    }
                    Some(s)
                });
            } else {
                artifacts = self.d.list(value, "spec.artifacts", |d, item| {
                    let mut artifact = (String::new(), Vec::new());
                    for (f, _, v) in d.fields(item, "spec.artifacts[]", &["name", "copy"])? {
                        if f == "name" {
                            artifact.0 = d.string(v, "spec.artifacts[].name")?.value;
                            continue;
                        }
                        artifact.1 = d.list(v, "spec.artifacts[].copy", |d, rule| {
                            let mut copy = (String::new(), String::new());
                            for (g, _, w) in
                                d.fields(rule, "spec.artifacts[].copy[]", &["from", "to"])?
                            {
                                let text =
                                    d.string(w, &format!("spec.artifacts[].copy[].{g}"))?.value;
                                if g == "from" { copy.0 = text } else { copy.1 = text }
                            }
                            Some(copy)
                        });
                    }
                    Some(artifact)
                });
            }
        }
        if self.errors() != before {
            return Vec::new();
        }
        artifacts
            .into_iter()
            .map(|(artifact, copies)| FluxSource {
                kind: "ExternalArtifact".into(),
                namespace: namespace.clone(),
                name: artifact,
                site: site.clone(),
                url: None,
                revision: None,
                generated: Some(Generated {
                    generator: format!("{namespace}/{name}"),
                    sources: sources.clone(),
                    copies,
                }),
            })
            .collect()
    }

    fn application(&mut self, root: &Node) -> Option<Application> {
        let before = self.errors();
        let (namespace, name, site) = self.metadata(root, "argocd")?;
        let mut app = Application {
            namespace,
            name,
            site,
            project: String::new(),
            server: None,
            destination_name: None,
            destination_namespace: None,
            sources: Vec::new(),
            app_set: None,
        };
        let mut single = None;
        let mut many = Vec::new();
        for (field, value) in self.spec(root, &["project", "destination", "source", "sources"]) {
            match field {
                "project" => {
                    app.project =
                        self.d.string(value, "spec.project").map(|s| s.value).unwrap_or_default();
                }
                "destination" => {
                    let fields = self
                        .d
                        .fields(value, "spec.destination", &["server", "name", "namespace"])
                        .unwrap_or_default();
                    for (f, _, v) in fields {
                        let s = self
                            .optional_string(v, &format!("spec.destination.{f}"))
                            .map(|s| s.value);
                        match f {
                            "server" => app.server = s,
                            "name" => app.destination_name = s,
                            _ => app.destination_namespace = s,
                        }
                    }
                }
                "source" if !Decoder::is_null(value) => single = argo_source(&mut self.d, value),
                "sources" => many = self.d.list(value, "spec.sources", argo_source),
                _ => {}
            }
        }
        // Argo CD uses `sources` when it has any, else `source` (`Spec.HasMultipleSources`).
        app.sources = if many.is_empty() { single.into_iter().collect() } else { many };
        (self.errors() == before).then_some(app)
    }
}

fn argo_source(d: &mut Decoder, node: &Node) -> Option<ArgoSource> {
    const FIELDS: &[&str] = &[
        "repoURL",
        "path",
        "targetRevision",
        "chart",
        "ref",
        "kustomize",
        "helm",
        "directory",
        "plugin",
    ];
    let mut s = ArgoSource {
        repo_url: None,
        path: None,
        target_revision: None,
        chart: None,
        reference: None,
        kustomize: None,
        explicit_types: Vec::new(),
        origin: node.origin.clone(),
    };
    for (field, _, value) in d.fields(node, "ApplicationSource", FIELDS)? {
        let path = format!("spec.source.{field}");
        match field {
            "repoURL" => s.repo_url = optional_string(d, value, &path).map(|v| v.value),
            "path" => s.path = d.string(value, &path),
            "targetRevision" => {
                s.target_revision = optional_string(d, value, &path).map(|v| v.value);
            }
            "chart" => s.chart = optional_string(d, value, &path).map(|v| v.value),
            "ref" => s.reference = optional_string(d, value, &path).map(|v| v.value),
            "kustomize" if !Decoder::is_null(value) => s.kustomize = argo_kustomize(d, value),
            "helm" if !Decoder::is_null(value) => s.explicit_types.push("Helm"),
            "directory" if !Decoder::is_null(value) => s.explicit_types.push("Directory"),
            "plugin" if !Decoder::is_null(value) => s.explicit_types.push("Plugin"),
            _ => {}
        }
    }
    Some(s)
}

fn argo_kustomize(d: &mut Decoder, node: &Node) -> Option<ArgoKustomize> {
    const FIELDS: &[&str] = &[
        "namePrefix",
        "nameSuffix",
        "images",
        "replicas",
        "commonLabels",
        "commonAnnotations",
        "forceCommonLabels",
        "forceCommonAnnotations",
        "commonAnnotationsEnvsubst",
        "labelWithoutSelector",
        "labelIncludeTemplates",
        "namespace",
        "patches",
        "components",
        "ignoreMissingComponents",
    ];
    let mut k = ArgoKustomize { origin: node.origin.clone(), ..ArgoKustomize::default() };
    for (field, _, value) in d.fields(node, "ApplicationSourceKustomize", FIELDS)? {
        let path = format!("spec.source.kustomize.{field}");
        let mut flag = || d.bool(value, &path).unwrap_or_default();
        match field {
            "namePrefix" => k.name_prefix = optional_string(d, value, &path),
            "nameSuffix" => k.name_suffix = optional_string(d, value, &path),
            "images" => k.images = d.strings(value, &path),
            "replicas" => k.replicas = d.list(value, &path, replica),
            "commonLabels" => k.common_labels = d.string_map(value, &path),
            "commonAnnotations" => k.common_annotations = d.string_map(value, &path),
            "forceCommonLabels" => k.force_common_labels = flag(),
            "forceCommonAnnotations" => k.force_common_annotations = flag(),
            "commonAnnotationsEnvsubst" => k.common_annotations_envsubst = flag(),
            "labelWithoutSelector" => k.label_without_selector = flag(),
            "labelIncludeTemplates" => k.label_include_templates = flag(),
            "namespace" => k.namespace = optional_string(d, value, &path),
            "patches" => k.patches = d.list(value, &path, decode_patch),
            "components" => k.components = d.strings(value, &path),
            _ => k.ignore_missing_components = flag(),
        }
    }
    Some(k)
}

/// A string field where empty means unset (`omitempty`).
fn optional_string(d: &mut Decoder, node: &Node, field: &str) -> Option<Str> {
    d.string(node, field).filter(|s| !s.value.is_empty())
}

fn substitute_ref(d: &mut Decoder, item: &Node) -> Option<SubstituteRef> {
    let fields =
        d.fields(item, "spec.postBuild.substituteFrom[]", &["kind", "name", "optional"])?;
    let mut r = SubstituteRef {
        kind: String::new(),
        name: String::new(),
        optional: false,
        origin: item.origin.clone(),
    };
    for (field, _, value) in fields {
        let path = format!("spec.postBuild.substituteFrom[].{field}");
        match field {
            "kind" => r.kind = d.string(value, &path)?.value,
            "name" => r.name = d.string(value, &path)?.value,
            _ => r.optional = d.bool(value, &path)?,
        }
    }
    Some(r)
}

fn replica(d: &mut Decoder, item: &Node) -> Option<(Str, Spanned<ReplicaCount>)> {
    let fields = d.fields(item, "spec.source.kustomize.replicas[]", &["name", "count"])?;
    let mut name = Str::default();
    let mut count = Spanned::new(ReplicaCount::Missing, item.origin.clone());
    for (field, _, value) in fields {
        if field == "name" {
            name = d.string(value, "spec.source.kustomize.replicas[].name")?;
            continue;
        }
        let origin = value.origin.clone();
        count = match crate::yaml::decode::json_kind(value) {
            "number" => Spanned::new(
                ReplicaCount::Int(d.int(value, "spec.source.kustomize.replicas[].count")?.value),
                origin,
            ),
            "string" => Spanned::new(
                ReplicaCount::String(value.scalar().unwrap_or_default().to_string()),
                origin,
            ),
            _ => {
                d.error(
                    value,
                    "spec.source.kustomize.replicas[].count must be an integer or a string",
                );
                return None;
            }
        };
    }
    Some((name, count))
}

fn is_empty_seq(node: &Node) -> bool {
    matches!(&node.body, Body::Seq(items) if items.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn read(text: &str) -> FileObjects {
        let parsed = parse(&Arc::from("clusters/c/apps.yaml"), text, &Limits::default());
        read_file("clusters/c/apps.yaml", &parsed)
    }

    #[test]
    fn reads_a_flux_kustomization_with_every_override() {
        let o = read(
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps/staging\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  targetNamespace: shop\n  namePrefix: s-\n  images:\n  - name: nginx\n    newTag: \"1.2\"\n  components:\n  - ../comp\n  patches:\n  - patch: |\n      - op: add\n        path: /x\n        value: 1\n    target:\n      kind: Deployment\n  commonMetadata:\n    labels:\n      team: a\n  postBuild:\n    substitute:\n      REPLICAS: \"3\"\n    substituteFrom:\n    - kind: ConfigMap\n      name: vars\n      optional: true\n  dependsOn:\n  - name: infra\n",
        );
        assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
        let k = &o.kustomizations[0];
        assert_eq!((k.namespace.as_str(), k.name.as_str()), ("flux-system", "apps"));
        assert_eq!(k.path.as_ref().unwrap().value, "./apps/staging");
        let source = k.source_ref.as_ref().unwrap();
        assert_eq!(
            (source.kind.as_str(), source.namespace.as_str()),
            ("GitRepository", "flux-system")
        );
        assert_eq!(k.target_namespace.as_ref().unwrap().value, "shop");
        assert_eq!(k.images[0].new_tag.as_ref().unwrap().value, "1.2");
        assert_eq!(k.components[0].value, "../comp");
        assert!(k.patches[0].patch.as_ref().unwrap().value.starts_with("- op: add"));
        assert_eq!(k.common_metadata.as_ref().unwrap().labels[0].1.value, "a");
        let post = k.post_build.as_ref().unwrap();
        assert_eq!(post.substitute[0].1.value, "3");
        assert!(post.substitute_from[0].optional);
        assert_eq!(k.depends_on[0].namespace, "flux-system");
    }

    /// CRD types: `substitute` is `map[string]string`, so an unquoted number or `yes` makes
    /// the API server reject the object (kubectl reads YAML 1.1, as go-yaml v2 does).
    #[test]
    fn numbers_and_booleans_where_strings_belong_are_rejected() {
        let text = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  postBuild:\n    substitute:\n      REPLICAS: 3\n      ENABLED: yes\n";
        let o = read(text);
        assert!(o.kustomizations.is_empty());
        let messages: Vec<&str> = o.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("cannot unmarshal number"), "{messages:?}");
        assert!(messages[1].contains("cannot unmarshal bool"), "{messages:?}");
        assert_eq!(o.diagnostics[0].code, "D001");
        let three = text.find("3\n").unwrap();
        assert_eq!(o.diagnostics[0].span, Some(Span::new(three, three + 1)));
    }

    #[test]
    fn reads_argo_applications_with_one_or_many_sources() {
        let o = read(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: pay\nspec:\n  project: default\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: pay\n  source:\n    repoURL: https://example.com/r.git\n    path: apps/pay/prod\n    kustomize:\n      namePrefix: p-\n      images: [nginx:1.2]\n      replicas:\n      - name: web\n        count: \"4\"\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: multi\n  namespace: ops\nspec:\n  sources:\n  - repoURL: https://charts.example.com\n    chart: redis\n  - repoURL: https://example.com/r.git\n    path: apps/x\n    ref: values\n",
        );
        assert!(o.diagnostics.is_empty(), "{:?}", o.diagnostics);
        let pay = &o.applications[0];
        assert_eq!(pay.namespace, "argocd");
        assert_eq!(pay.destination_namespace.as_deref(), Some("pay"));
        let k = pay.sources[0].kustomize.as_ref().unwrap();
        assert_eq!(k.images[0].value, "nginx:1.2");
        assert_eq!(k.replicas[0].1.value, ReplicaCount::String("4".into()));
        let multi = &o.applications[1];
        assert_eq!(multi.sources.len(), 2);
        assert_eq!(multi.sources[0].chart.as_deref(), Some("redis"));
        assert_eq!(multi.sources[1].reference.as_deref(), Some("values"));
    }

    #[test]
    fn other_kinds_and_versions_are_not_read() {
        let o = read(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1beta1\nkind: Kustomization\nmetadata:\n  name: old\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  url: ssh://git@github.com/o/r\n  ref:\n    branch: main\n",
        );
        assert!(o.kustomizations.is_empty());
        assert_eq!(o.sources[0].url.as_deref(), Some("ssh://git@github.com/o/r"));
        assert_eq!(o.sources[0].revision.as_deref(), Some("main"));
    }

    #[test]
    fn duplicates_are_reported_and_the_cache_keeps_unchanged_files() {
        let mut tree = FileTree::new();
        let ks = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: a\nspec: {}\n";
        tree.insert("a.yaml", ks).unwrap();
        tree.insert("b.yaml", ks).unwrap();
        tree.insert("c.yaml", "x: 1\n").unwrap();
        let mut cache = ObjectCache::default();
        let mut parses = 0;
        let parse_with = |tree: &FileTree, parses: &mut usize, path: &str| {
            *parses += 1;
            Some(Arc::new(parse(&Arc::from(path), &tree.text(path)?, &Limits::default())))
        };
        let objects = read_all(&tree, &mut cache, |p| parse_with(&tree, &mut parses, p));
        assert_eq!(objects.kustomizations.len(), 2);
        assert_eq!(objects.diagnostics[0].code, "D002");
        assert_eq!(parses, 2, "c.yaml names no API group");
        let again = read_all(&tree, &mut cache, |p| parse_with(&tree, &mut parses, p));
        assert_eq!(again.kustomizations.len(), 2);
        assert_eq!(parses, 2, "nothing changed, nothing parsed");
    }

    /// The cache is walked beside the tree: files added, edited and removed between calls
    /// give what a fresh read gives, and only changed texts are parsed again.
    #[test]
    fn the_cache_follows_added_edited_and_removed_files() {
        let ks = |name: &str| {
            format!(
                "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: {name}\nspec: {{}}\n"
            )
        };
        let mut tree = FileTree::new();
        tree.insert("b.yaml", ks("b")).unwrap();
        tree.insert("d.yaml", ks("d")).unwrap();
        tree.insert("f.yaml", "x: 1\n").unwrap();
        let mut cache = ObjectCache::default();
        let mut parsed: Vec<String> = Vec::new();
        let read = |tree: &FileTree, cache: &mut ObjectCache, parsed: &mut Vec<String>| {
            read_all(tree, cache, |p| {
                parsed.push(p.to_string());
                Some(Arc::new(parse(&Arc::from(p), &tree.text(p)?, &Limits::default())))
            })
        };
        let names =
            |o: &Objects| o.kustomizations.iter().map(|k| k.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&read(&tree, &mut cache, &mut parsed)), ["b", "d"]);
        assert!(!cache.may_hold_appsets());
        tree.insert("a.yaml", ks("a")).unwrap();
        tree.insert("d.yaml", ks("d2")).unwrap();
        tree.remove("b.yaml");
        tree.insert("e.yaml", "kind: ApplicationSet\n").unwrap();
        parsed.clear();
        let objects = read(&tree, &mut cache, &mut parsed);
        assert_eq!(names(&objects), ["a", "d2"]);
        assert_eq!(parsed, ["a.yaml", "d.yaml"], "only the added and the edited file");
        assert!(cache.may_hold_appsets());
        let mut fresh = ObjectCache::default();
        assert_eq!(names(&read(&tree, &mut fresh, &mut parsed)), names(&objects));
        tree.remove("e.yaml");
        read(&tree, &mut cache, &mut parsed);
        assert!(!cache.may_hold_appsets());
    }
}
