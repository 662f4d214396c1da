//! The Kustomization file, decoded with kustomize's rules and our positions.
//!
//! Field names, types and the "fix-ups" (legacy `bases` join `resources`, `imageTags` join
//! `images`, `commonLabels` become a `labels` entry with selectors, and so on) follow
//! kustomize's `types.Kustomization`. Fields Baton cannot honour offline (Helm, plugins)
//! are kept so the loader can name them in a diagnostic.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic};
use crate::yaml::decode::{Decoder, Spanned};
use crate::yaml::{Body, Node, Origin};

pub const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

pub type Str = Spanned<String>;

/// `group/version/kind` selector fields shared by many kustomize types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GvkFields {
    pub group: Option<Str>,
    pub version: Option<Str>,
    pub kind: Option<Str>,
}

/// A `target`/`select` selector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub gvk: GvkFields,
    pub name: Option<Str>,
    pub namespace: Option<Str>,
    pub label_selector: Option<Str>,
    pub annotation_selector: Option<Str>,
    pub origin: Origin,
}

/// A `fieldSpecs` / `fields` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSpecEntry {
    pub gvk: GvkFields,
    pub path: Str,
    pub create: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Label {
    pub pairs: Vec<(Str, Str)>,
    pub include_selectors: bool,
    pub include_templates: bool,
    pub fields: Vec<FieldSpecEntry>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patch {
    pub path: Option<Str>,
    pub patch: Option<Str>,
    pub target: Option<Selector>,
    pub allow_name_change: bool,
    pub allow_kind_change: bool,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Image {
    pub name: Str,
    pub new_name: Option<Str>,
    pub new_tag: Option<Str>,
    pub digest: Option<Str>,
    pub tag_suffix: Option<Str>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replica {
    pub name: Str,
    pub count: Spanned<i64>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldOptions {
    pub delimiter: Option<Str>,
    pub index: i64,
    pub encoding: Option<Str>,
    pub create: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplacementSource {
    pub gvk: GvkFields,
    pub name: Option<Str>,
    pub namespace: Option<Str>,
    pub field_path: Option<Str>,
    pub options: Option<FieldOptions>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplacementTarget {
    pub select: Option<Selector>,
    pub reject: Vec<Selector>,
    pub field_paths: Vec<Str>,
    pub options: Option<FieldOptions>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replacement {
    pub source: Option<ReplacementSource>,
    pub targets: Vec<ReplacementTarget>,
    pub source_value: Option<Str>,
    pub origin: Origin,
}

/// A `replacements` entry: inline, or a `path` to a file of replacements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplacementEntry {
    Inline(Box<Replacement>),
    Path(Str),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Var {
    pub name: Str,
    pub api_version: Option<Str>,
    pub gvk: GvkFields,
    pub obj_name: Str,
    pub obj_namespace: Option<Str>,
    pub field_path: Option<Str>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneratorOptions {
    pub labels: Vec<(Str, Str)>,
    pub annotations: Vec<(Str, Str)>,
    pub disable_name_suffix_hash: bool,
    pub immutable: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneratorArgs {
    pub name: Str,
    pub namespace: Option<Str>,
    pub behavior: Option<Str>,
    pub literals: Vec<Str>,
    pub files: Vec<Str>,
    pub envs: Vec<Str>,
    pub options: Option<GeneratorOptions>,
    /// Secrets only.
    pub secret_type: Option<Str>,
    pub origin: Origin,
}

/// `openapi`: kustomize's `map[string]string`, of which it reads `path` (a schema file) and
/// `version` (a built-in schema); other keys are ignored. A key written with a `null` value
/// is present with an empty value, as in Go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenApiField {
    pub path: Option<Str>,
    pub version: Option<Str>,
    /// The `openapi` key.
    pub origin: Origin,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SortOptions {
    pub order: Option<Str>,
    pub order_first: Vec<Str>,
    pub order_last: Vec<Str>,
    pub origin: Origin,
}

/// A kustomization file, after the fix-ups kustomize applies at build time
/// (`FixKustomization`: `bases` join `resources`, `imageTags` join `images`, `env` joins
/// `envs`). Legacy patch fields and `commonLabels` stay separate: kustomize runs them as
/// their own transformers, at their own place in the order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Kustomization {
    /// Repository path of the file.
    pub file: String,
    pub api_version: Option<Str>,
    pub kind: Option<Str>,
    pub name_prefix: Option<Str>,
    pub name_suffix: Option<Str>,
    pub namespace: Option<Str>,
    pub labels: Vec<Label>,
    pub common_labels: Vec<(Str, Str)>,
    pub common_annotations: Vec<(Str, Str)>,
    pub patches: Vec<Patch>,
    /// `patchesStrategicMerge`: file paths or inline patches.
    pub patches_strategic_merge: Vec<Str>,
    pub patches_json6902: Vec<Patch>,
    pub images: Vec<Image>,
    pub replacements: Vec<ReplacementEntry>,
    pub replicas: Vec<Replica>,
    pub vars: Vec<Var>,
    pub sort_options: Option<SortOptions>,
    pub resources: Vec<Str>,
    pub components: Vec<Str>,
    pub crds: Vec<Str>,
    pub config_map_generator: Vec<GeneratorArgs>,
    pub secret_generator: Vec<GeneratorArgs>,
    pub generator_options: Option<GeneratorOptions>,
    pub configurations: Vec<Str>,
    pub openapi: Option<OpenApiField>,
    /// `generators:` and `transformers:` entries: plugin configuration files, directories, or
    /// inline configurations.
    pub generators: Vec<Str>,
    pub transformers: Vec<Str>,
    /// Fields Baton does not run offline: `(field name, key node origin)`.
    pub unsupported: Vec<(&'static str, Origin)>,
    /// Deprecated fields that were set (not null), with their key's origin, in written order.
    pub deprecated: Vec<(Deprecated, Origin)>,
}

impl Kustomization {
    #[must_use]
    pub fn is_component(&self) -> bool {
        self.kind.as_ref().is_some_and(|k| k.value == "Component")
    }
}

const KUSTOMIZATION_FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "openapi",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "sortOptions",
    "resources",
    "components",
    "crds",
    "bases",
    "configMapGenerator",
    "secretGenerator",
    "helmGlobals",
    "helmCharts",
    "helmChartInflationGenerator",
    "generatorOptions",
    "configurations",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
];

/// Decodes a kustomization document. Errors are returned as diagnostics (all of them).
pub fn decode(file: &Arc<str>, root: &Node) -> Result<Kustomization, Vec<Diagnostic>> {
    let mut d = Decoder::new(file, Code::KustomizationInvalid, "invalid Kustomization");
    let mut k = Kustomization { file: file.to_string(), ..Kustomization::default() };
    let mut bases: Vec<Str> = Vec::new();
    let mut image_tags: Vec<Image> = Vec::new();
    let Some(fields) = d.fields(root, "types.Kustomization", KUSTOMIZATION_FIELDS) else {
        return Err(d.errors);
    };
    let mut any_content = false;
    for (name, key, value) in fields {
        if !matches!(name, "apiVersion" | "kind") {
            any_content |= !Decoder::is_null(value);
        }
        let path = format!("Kustomization.{name}");
        match name {
            "apiVersion" => k.api_version = d.string(value, &path),
            "kind" => k.kind = d.string(value, &path),
            "metadata" => {
                d.fields(
                    value,
                    "types.ObjectMeta",
                    &["name", "namespace", "labels", "annotations"],
                );
            }
            "openapi" => {
                let entries = d.string_map(value, &path);
                let last = |name: &str| {
                    entries.iter().rev().find(|(k, _)| k.value == name).map(|(_, v)| v.clone())
                };
                if !entries.is_empty() {
                    k.openapi = Some(OpenApiField {
                        path: last("path"),
                        version: last("version"),
                        origin: key.origin.clone(),
                    });
                }
            }
            "generators" => k.generators = d.strings(value, &path),
            "transformers" => k.transformers = d.strings(value, &path),
            "helmGlobals"
            | "helmCharts"
            | "helmChartInflationGenerator"
            | "validators"
            | "buildMetadata"
                if !Decoder::is_null(value) && !is_empty_collection(value) =>
            {
                k.unsupported.push((name, key.origin.clone()));
            }
            "namePrefix" => k.name_prefix = d.string(value, &path),
            "nameSuffix" => k.name_suffix = d.string(value, &path),
            "namespace" => k.namespace = d.string(value, &path),
            "commonLabels" => {
                k.common_labels = d.string_map(value, &path);
                deprecated(&mut k, Deprecated::CommonLabels, key, value);
            }
            "labels" => k.labels = d.list(value, &path, decode_label),
            "commonAnnotations" => k.common_annotations = d.string_map(value, &path),
            "patchesStrategicMerge" => {
                deprecated(&mut k, Deprecated::PatchesStrategicMerge, key, value);
                k.patches_strategic_merge = d.strings(value, "Kustomization.patchesStrategicMerge");
            }
            "patchesJson6902" => {
                deprecated(&mut k, Deprecated::PatchesJson6902, key, value);
                k.patches_json6902 = d.list(value, &path, decode_patch);
            }
            "patches" => k.patches = d.list(value, &path, decode_patch),
            "images" => k.images = d.list(value, &path, decode_image),
            "imageTags" => {
                deprecated(&mut k, Deprecated::ImageTags, key, value);
                image_tags = d.list(value, &path, decode_image);
            }
            "replacements" => k.replacements = d.list(value, &path, decode_replacement_entry),
            "replicas" => k.replicas = d.list(value, &path, decode_replica),
            "vars" => {
                deprecated(&mut k, Deprecated::Vars, key, value);
                k.vars = d.list(value, &path, decode_var);
            }
            "sortOptions" => k.sort_options = decode_sort_options(&mut d, value),
            "resources" => k.resources = d.strings(value, &path),
            "components" => k.components = d.strings(value, &path),
            "crds" => k.crds = d.strings(value, &path),
            "bases" => {
                deprecated(&mut k, Deprecated::Bases, key, value);
                bases = d.strings(value, &path);
            }
            "configMapGenerator" => {
                k.config_map_generator = d.list(value, &path, |d, n| decode_generator(d, n, false));
            }
            "secretGenerator" => {
                k.secret_generator = d.list(value, &path, |d, n| decode_generator(d, n, true));
            }
            "generatorOptions" => k.generator_options = decode_generator_options(&mut d, value),
            "configurations" => k.configurations = d.strings(value, &path),
            _ => {}
        }
    }
    if !d.errors.is_empty() {
        return Err(d.errors);
    }
    if !any_content {
        return Err(vec![
            Diagnostic::new(Code::KustomizationInvalid, "kustomization.yaml is empty")
                .at(file.to_string(), root.origin.span),
        ]);
    }
    enforce_type_meta(file, &k)?;
    // kustomize's FixKustomization.
    k.resources.extend(bases);
    k.images.extend(image_tags);
    Ok(k)
}

/// A deprecated field kustomize v5.8.1 warns about (`api/types/kustomization.go`,
/// `CheckDeprecatedFields`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deprecated {
    Bases,
    CommonLabels,
    ImageTags,
    PatchesJson6902,
    PatchesStrategicMerge,
    Vars,
}

impl Deprecated {
    /// The field and the one kustomize says to use instead.
    #[must_use]
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Deprecated::Bases => ("bases", "resources"),
            Deprecated::CommonLabels => ("commonLabels", "labels"),
            Deprecated::ImageTags => ("imageTags", "images"),
            Deprecated::PatchesJson6902 => ("patchesJson6902", "patches"),
            Deprecated::PatchesStrategicMerge => ("patchesStrategicMerge", "patches"),
            Deprecated::Vars => ("vars", "replacements"),
        }
    }

    /// How to migrate, beyond the replacement's name.
    #[must_use]
    pub fn help(self) -> &'static str {
        match self {
            Deprecated::Bases => "move these entries to 'resources' (`kustomize edit fix` does it)",
            Deprecated::CommonLabels => {
                "use 'labels' with `includeSelectors: true` to keep the same result, or without it to leave selectors alone (`kustomize edit fix` rewrites it)"
            }
            Deprecated::ImageTags => {
                "move these entries to 'images' (`kustomize edit fix` does it)"
            }
            Deprecated::PatchesJson6902 => {
                "make each entry a 'patches' entry with the same 'target' and 'path' or 'patch' (`kustomize edit fix` does it)"
            }
            Deprecated::PatchesStrategicMerge => {
                "make each file a 'patches' entry with 'path', each inline patch one with 'patch' (`kustomize edit fix` does it)"
            }
            Deprecated::Vars => {
                "express each var as a 'replacements' entry (`kustomize edit fix` converts them, experimentally)"
            }
        }
    }
}

/// Records a deprecated field unless its value is null (a nil slice or map in Go, which
/// kustomize does not warn about; an empty one it does).
fn deprecated(k: &mut Kustomization, field: Deprecated, key: &Node, value: &Node) {
    if !Decoder::is_null(value) {
        k.deprecated.push((field, key.origin.clone()));
    }
}

fn is_empty_collection(node: &Node) -> bool {
    match &node.body {
        Body::Map(e) => e.is_empty(),
        Body::Seq(s) => s.is_empty(),
        Body::Scalar(_) => false,
    }
}

fn enforce_type_meta(file: &Arc<str>, k: &Kustomization) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let kind = k.kind.as_ref().map_or("", |s| s.as_str());
    if !kind.is_empty() && kind != "Kustomization" && kind != "Component" {
        let span = k.kind.as_ref().map(Spanned::span).unwrap_or_default();
        errors.push(
            Diagnostic::new(
                Code::KustomizationInvalid,
                "kind should be Kustomization or Component",
            )
            .at(file.to_string(), span),
        );
    }
    let required = if kind == "Component" {
        "kustomize.config.k8s.io/v1alpha1"
    } else {
        "kustomize.config.k8s.io/v1beta1"
    };
    if let Some(v) = &k.api_version
        && !v.value.is_empty()
        && v.value != required
    {
        let kind = if kind.is_empty() { "Kustomization" } else { kind };
        errors.push(
            Diagnostic::new(
                Code::KustomizationInvalid,
                format!("apiVersion for {kind} should be {required}"),
            )
            .at(file.to_string(), v.span()),
        );
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn decode_gvk_field(
    d: &mut Decoder,
    gvk: &mut GvkFields,
    name: &str,
    value: &Node,
    path: &str,
) -> bool {
    match name {
        "group" => gvk.group = d.string(value, path),
        "version" => gvk.version = d.string(value, path),
        "kind" => gvk.kind = d.string(value, path),
        _ => return false,
    }
    true
}

pub(crate) fn decode_selector(d: &mut Decoder, node: &Node, what: &str) -> Option<Selector> {
    const FIELDS: &[&str] =
        &["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"];
    let fields = d.fields(node, what, FIELDS)?;
    let mut s = Selector { origin: node.origin.clone(), ..Selector::default() };
    for (name, _, value) in fields {
        let path = format!("{what}.{name}");
        if decode_gvk_field(d, &mut s.gvk, name, value, &path) {
            continue;
        }
        match name {
            "name" => s.name = d.string(value, &path),
            "namespace" => s.namespace = d.string(value, &path),
            "labelSelector" => s.label_selector = d.string(value, &path),
            "annotationSelector" => s.annotation_selector = d.string(value, &path),
            _ => {}
        }
    }
    Some(s)
}

fn decode_field_spec(d: &mut Decoder, node: &Node) -> Option<FieldSpecEntry> {
    let fields =
        d.fields(node, "types.FieldSpec", &["group", "version", "kind", "path", "create"])?;
    let mut f = FieldSpecEntry::default();
    for (name, _, value) in fields {
        let path = format!("FieldSpec.{name}");
        if decode_gvk_field(d, &mut f.gvk, name, value, &path) {
            continue;
        }
        match name {
            "path" => f.path = d.string(value, &path)?,
            "create" => f.create = d.bool(value, &path)?,
            _ => {}
        }
    }
    Some(f)
}

/// A list of field specs, as in a `configurations` file or a label's `fields`.
pub(crate) fn decode_field_specs(d: &mut Decoder, node: &Node, what: &str) -> Vec<FieldSpecEntry> {
    d.list(node, what, decode_field_spec)
}

fn decode_label(d: &mut Decoder, node: &Node) -> Option<Label> {
    let fields = d.fields(
        node,
        "types.Label",
        &["pairs", "includeSelectors", "includeTemplates", "fields"],
    )?;
    let mut l = Label { origin: node.origin.clone(), ..Label::default() };
    for (name, _, value) in fields {
        match name {
            "pairs" => l.pairs = d.string_map(value, "Label.labels.pairs"),
            "includeSelectors" => {
                l.include_selectors = d.bool(value, "Label.labels.includeSelectors")?;
            }
            "includeTemplates" => {
                l.include_templates = d.bool(value, "Label.labels.includeTemplates")?;
            }
            "fields" => l.fields = decode_field_specs(d, value, "Label.labels.fields"),
            _ => {}
        }
    }
    Some(l)
}

pub(crate) fn decode_patch(d: &mut Decoder, node: &Node) -> Option<Patch> {
    let fields = d.fields(node, "types.Patch", &["path", "patch", "target", "options"])?;
    let mut p = Patch { origin: node.origin.clone(), ..Patch::default() };
    for (name, _, value) in fields {
        match name {
            "path" => p.path = d.string(value, "Patch.patches.path"),
            "patch" => p.patch = d.string(value, "Patch.patches.patch"),
            "target" => {
                p.target = if Decoder::is_null(value) {
                    None
                } else {
                    decode_selector(d, value, "Selector")
                }
            }
            "options" => {
                for (option, _, v) in
                    d.fields(value, "types.PatchArgs", &["allowNameChange", "allowKindChange"])?
                {
                    match option {
                        "allowNameChange" => {
                            p.allow_name_change = d.bool(v, "PatchArgs.allowNameChange")?;
                        }
                        _ => p.allow_kind_change = d.bool(v, "PatchArgs.allowKindChange")?,
                    }
                }
            }
            _ => {}
        }
    }
    Some(p)
}

pub(crate) fn decode_image(d: &mut Decoder, node: &Node) -> Option<Image> {
    let fields =
        d.fields(node, "types.Image", &["name", "newName", "tagSuffix", "newTag", "digest"])?;
    let mut i = Image { origin: node.origin.clone(), ..Image::default() };
    for (name, _, value) in fields {
        let path = format!("Image.images.{name}");
        let s = d.string(value, &path);
        match name {
            "name" => i.name = s?,
            "newName" => i.new_name = s,
            "tagSuffix" => i.tag_suffix = s,
            "newTag" => i.new_tag = s,
            "digest" => i.digest = s,
            _ => {}
        }
    }
    Some(i)
}

pub(crate) fn decode_replica(d: &mut Decoder, node: &Node) -> Option<Replica> {
    let fields = d.fields(node, "types.Replica", &["name", "count"])?;
    let mut r = Replica { origin: node.origin.clone(), ..Replica::default() };
    for (name, _, value) in fields {
        match name {
            "name" => r.name = d.string(value, "Replica.replicas.name")?,
            _ => r.count = d.int(value, "Replica.replicas.count")?,
        }
    }
    Some(r)
}

fn decode_field_options(d: &mut Decoder, node: &Node) -> Option<FieldOptions> {
    let fields =
        d.fields(node, "types.FieldOptions", &["delimiter", "index", "encoding", "create"])?;
    let mut o = FieldOptions::default();
    for (name, _, value) in fields {
        let path = format!("FieldOptions.{name}");
        match name {
            "delimiter" => o.delimiter = d.string(value, &path),
            "index" => o.index = d.int(value, &path)?.value,
            "encoding" => o.encoding = d.string(value, &path),
            _ => o.create = d.bool(value, &path)?,
        }
    }
    Some(o)
}

pub(crate) fn decode_replacement_entry(d: &mut Decoder, node: &Node) -> Option<ReplacementEntry> {
    let fields =
        d.fields(node, "types.ReplacementField", &["path", "source", "targets", "sourceValue"])?;
    if let Some((_, _, path)) = fields.iter().find(|(n, _, _)| *n == "path") {
        if fields.len() > 1 {
            d.error(node, "cannot specify both path and inline replacement");
            return None;
        }
        return d.string(path, "ReplacementField.path").map(ReplacementEntry::Path);
    }
    decode_replacement(d, node).map(|r| ReplacementEntry::Inline(Box::new(r)))
}

/// Decodes one replacement (inline in a kustomization, or from a replacements file).
pub(crate) fn decode_replacement(d: &mut Decoder, node: &Node) -> Option<Replacement> {
    let fields =
        d.fields(node, "types.Replacement", &["path", "source", "targets", "sourceValue"])?;
    let mut r = Replacement { origin: node.origin.clone(), ..Replacement::default() };
    for (name, _, value) in fields {
        match name {
            "source" => r.source = decode_source(d, value),
            "targets" => r.targets = d.list(value, "Replacement.targets", decode_target),
            "sourceValue" => r.source_value = d.string(value, "Replacement.sourceValue"),
            _ => {}
        }
    }
    Some(r)
}

fn decode_source(d: &mut Decoder, node: &Node) -> Option<ReplacementSource> {
    const FIELDS: &[&str] =
        &["group", "version", "kind", "name", "namespace", "fieldPath", "options"];
    let fields = d.fields(node, "types.SourceSelector", FIELDS)?;
    let mut s = ReplacementSource { origin: node.origin.clone(), ..ReplacementSource::default() };
    for (name, _, value) in fields {
        let path = format!("SourceSelector.{name}");
        if decode_gvk_field(d, &mut s.gvk, name, value, &path) {
            continue;
        }
        match name {
            "name" => s.name = d.string(value, &path),
            "namespace" => s.namespace = d.string(value, &path),
            "fieldPath" => s.field_path = d.string(value, &path),
            "options" => s.options = decode_field_options(d, value),
            _ => {}
        }
    }
    Some(s)
}

fn decode_target(d: &mut Decoder, node: &Node) -> Option<ReplacementTarget> {
    let fields =
        d.fields(node, "types.TargetSelector", &["select", "reject", "fieldPaths", "options"])?;
    let mut t = ReplacementTarget { origin: node.origin.clone(), ..ReplacementTarget::default() };
    for (name, _, value) in fields {
        match name {
            "select" => t.select = decode_selector(d, value, "Selector"),
            "reject" => {
                t.reject = d
                    .list(value, "TargetSelector.reject", |d, n| decode_selector(d, n, "Selector"));
            }
            "fieldPaths" => t.field_paths = d.strings(value, "TargetSelector.fieldPaths"),
            _ => t.options = decode_field_options(d, value),
        }
    }
    Some(t)
}

fn decode_var(d: &mut Decoder, node: &Node) -> Option<Var> {
    let fields = d.fields(node, "types.Var", &["name", "objref", "fieldref"])?;
    let mut v = Var { origin: node.origin.clone(), ..Var::default() };
    for (name, _, value) in fields {
        match name {
            "name" => v.name = d.string(value, "Var.vars.name")?,
            "objref" => {
                const FIELDS: &[&str] =
                    &["apiVersion", "group", "version", "kind", "name", "namespace"];
                for (field, _, value) in d.fields(value, "types.Target", FIELDS)? {
                    let path = format!("Target.objref.{field}");
                    if decode_gvk_field(d, &mut v.gvk, field, value, &path) {
                        continue;
                    }
                    match field {
                        "apiVersion" => v.api_version = d.string(value, &path),
                        "name" => v.obj_name = d.string(value, &path)?,
                        _ => v.obj_namespace = d.string(value, &path),
                    }
                }
            }
            _ => {
                for (_, _, value) in d.fields(value, "types.FieldSelector", &["fieldPath"])? {
                    v.field_path = d.string(value, "FieldSelector.fieldref.fieldPath");
                }
            }
        }
    }
    Some(v)
}

fn decode_sort_options(d: &mut Decoder, node: &Node) -> Option<SortOptions> {
    let fields = d.fields(node, "types.SortOptions", &["order", "legacySortOptions"])?;
    let mut s = SortOptions { origin: node.origin.clone(), ..SortOptions::default() };
    for (name, _, value) in fields {
        match name {
            "order" => s.order = d.string(value, "SortOptions.order"),
            _ => {
                for (field, _, v) in
                    d.fields(value, "types.LegacySortOptions", &["orderFirst", "orderLast"])?
                {
                    let list = d.strings(v, &format!("LegacySortOptions.{field}"));
                    if field == "orderFirst" {
                        s.order_first = list;
                    } else {
                        s.order_last = list;
                    }
                }
            }
        }
    }
    Some(s)
}

pub(crate) fn decode_generator_options(d: &mut Decoder, node: &Node) -> Option<GeneratorOptions> {
    const FIELDS: &[&str] = &["labels", "annotations", "disableNameSuffixHash", "immutable"];
    let fields = d.fields(node, "types.GeneratorOptions", FIELDS)?;
    let mut o = GeneratorOptions::default();
    for (name, _, value) in fields {
        let path = format!("GeneratorOptions.{name}");
        match name {
            "labels" => o.labels = d.string_map(value, &path),
            "annotations" => o.annotations = d.string_map(value, &path),
            "disableNameSuffixHash" => o.disable_name_suffix_hash = d.bool(value, &path)?,
            _ => o.immutable = d.bool(value, &path)?,
        }
    }
    Some(o)
}

pub(crate) fn decode_generator(
    d: &mut Decoder,
    node: &Node,
    secret: bool,
) -> Option<GeneratorArgs> {
    const CONFIG_MAP: &[&str] =
        &["name", "namespace", "behavior", "literals", "files", "envs", "env", "options"];
    const SECRET: &[&str] =
        &["name", "namespace", "behavior", "literals", "files", "envs", "env", "options", "type"];
    let (what, known) =
        if secret { ("types.SecretArgs", SECRET) } else { ("types.ConfigMapArgs", CONFIG_MAP) };
    let fields = d.fields(node, what, known)?;
    let mut g = GeneratorArgs { origin: node.origin.clone(), ..GeneratorArgs::default() };
    let mut env = None;
    for (name, _, value) in fields {
        let path = format!("{}.{name}", if secret { "SecretArgs" } else { "ConfigMapArgs" });
        match name {
            "name" => g.name = d.string(value, &path)?,
            "namespace" => g.namespace = d.string(value, &path),
            "behavior" => g.behavior = d.string(value, &path),
            "literals" => g.literals = d.strings(value, &path),
            "files" => g.files = d.strings(value, &path),
            "envs" => g.envs = d.strings(value, &path),
            "env" => env = d.string(value, &path),
            "options" => g.options = decode_generator_options(d, value),
            _ => g.secret_type = d.string(value, &path),
        }
    }
    if let Some(env) = env.filter(|e| !e.value.is_empty()) {
        g.envs.push(env);
    }
    Some(g)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn load(text: &str) -> Result<Kustomization, Vec<Diagnostic>> {
        let file: Arc<str> = Arc::from("k/kustomization.yaml");
        let root = parse(&file, text, &Limits::default()).documents.remove(0).root;
        decode(&file, &root)
    }

    #[test]
    fn fields_decode_with_fixups() {
        let k = load(
            "resources: [a.yaml]\nbases: [../base]\ncommonLabels: {app: x}\nimageTags: [{name: a, newTag: v1}]\n\
             patchesStrategicMerge: [p.yaml]\npatches: [{path: q.yaml, target: {kind: Deployment}}]\n",
        )
        .unwrap();
        let resources: Vec<_> = k.resources.iter().map(|s| s.value.as_str()).collect();
        assert_eq!(resources, ["a.yaml", "../base"]);
        assert_eq!(k.common_labels.len(), 1);
        assert_eq!(k.images[0].new_tag.as_ref().unwrap().value, "v1");
        assert_eq!(k.patches.len(), 1);
        assert_eq!(k.patches_strategic_merge[0].value, "p.yaml");
        assert_eq!(
            k.patches[0].target.as_ref().unwrap().gvk.kind.as_ref().unwrap().value,
            "Deployment"
        );
        let deprecated: Vec<_> = k.deprecated.iter().map(|(d, _)| d.names().0).collect();
        assert_eq!(deprecated, ["bases", "commonLabels", "imageTags", "patchesStrategicMerge"]);
        // A null value is Go's nil: no warning. An empty list is not nil.
        let k = load("resources: [a]\nbases:\nvars: []\n").unwrap();
        let deprecated: Vec<_> = k.deprecated.iter().map(|(d, _)| d.names().0).collect();
        assert_eq!(deprecated, ["vars"]);
    }

    #[test]
    fn unquoted_numeric_tag_is_an_error_with_position() {
        let text = "images:\n- name: app\n  newTag: 1234567\n";
        let errors = load(text).unwrap_err();
        assert_eq!(errors.len(), 1);
        let span = errors[0].span.unwrap();
        assert_eq!(&text[span.range()], "1234567");
    }

    #[test]
    fn unknown_fields_and_wrong_kind() {
        let errors = load("resourcez: [a]\n").unwrap_err();
        assert!(errors[0].message.contains("unknown field \"resourcez\""));
        let errors = load("kind: Deployment\nresources: [a]\n").unwrap_err();
        assert_eq!(errors[0].message, "kind should be Kustomization or Component");
        let errors = load("apiVersion: v1\nresources: [a]\n").unwrap_err();
        assert_eq!(
            errors[0].message,
            "apiVersion for Kustomization should be kustomize.config.k8s.io/v1beta1"
        );
    }

    #[test]
    fn empty_kustomization_is_an_error() {
        assert_eq!(
            load("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n").unwrap_err()
                [0]
            .message,
            "kustomization.yaml is empty"
        );
    }

    #[test]
    fn unsupported_fields_are_kept_for_diagnostics() {
        let k = load("helmCharts: [{name: x}]\nresources: [a]\ntransformers: [t.yaml]\n").unwrap();
        assert_eq!(k.unsupported[0].0, "helmCharts");
        assert_eq!(k.unsupported.len(), 1);
        assert_eq!(k.transformers[0].value, "t.yaml");
    }

    #[test]
    fn openapi_is_a_string_map() {
        let k = load("openapi:\n  path: schema.json\n  other: x\nresources: [a]\n").unwrap();
        let field = k.openapi.expect("openapi");
        assert_eq!(field.path.map(|p| p.value), Some("schema.json".to_string()));
        assert_eq!(field.version, None);
        assert!(k.unsupported.is_empty());
        let k = load("openapi:\n  path: null\n  version: v1.21.2\n").unwrap();
        let field = k.openapi.expect("openapi");
        assert_eq!(field.path.map(|p| p.value), Some(String::new()));
        assert_eq!(field.version.map(|v| v.value), Some("v1.21.2".to_string()));
        assert_eq!(load("openapi: {}\nresources: [a]\n").unwrap().openapi, None);
        let errors = load("openapi:\n  version: 1\n").unwrap_err();
        assert!(
            errors[0].message.contains(
                "cannot unmarshal number into Go struct field Kustomization.openapi of type string"
            ),
            "{}",
            errors[0].message
        );
        let errors = load("openapi: x\n").unwrap_err();
        assert!(errors[0].message.contains("of type map[string]string"), "{}", errors[0].message);
    }
}
