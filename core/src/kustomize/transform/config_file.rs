//! `configurations:` files and `crds:` — extra field specs for the built-in transformers.
//!
//! A `configurations` file is a kustomize `TransformerConfig`: one list of field specs per
//! transformer (`namePrefix`, `commonLabels`, `images`, …) plus `nameReference` entries. It is
//! decoded strictly, as kustomize's `yaml.UnmarshalStrict` does, with the same [`Decoder`] the
//! kustomization uses, so a typo is an error at its position.
//!
//! A `crds` file is not a `CustomResourceDefinition` but an `OpenAPI` definitions map (what
//! `openapi-gen` writes): `{"<go type name>": {"Schema": {...}}}`. kustomize's
//! `LoadConfigFromCRDs` walks every type that looks like a Kubernetes object (its properties
//! include `kind`, `apiVersion` and `metadata`) through its properties and `$ref`s, and turns
//! these string-valued extensions into field specs for that kind (the type name after its
//! last `.`):
//!
//! | extension | adds |
//! | --- | --- |
//! | `x-kubernetes-annotation` | a `commonAnnotations` spec at the property |
//! | `x-kubernetes-label-selector` | a `commonLabels` spec at the property |
//! | `x-kubernetes-identity` | a `namePrefix` spec at the property |
//! | `x-kubernetes-object-ref-api-version` + `-kind` | a `nameReference` to that version and kind, at `<property>/<x-kubernetes-object-ref-name-key or "name">` |
//!
//! As in kustomize, the definition's `Schema` key matches case-insensitively (Go's JSON
//! decoder), but inside a schema every name matches exactly (kube-openapi's JSON v2
//! decoder): `properties`, `$ref`, and the extensions in lower case; an extension counts
//! only when its value is a string. kustomize follows `$ref`s without a cycle check (a self-referencing
//! schema makes it recurse until it crashes); here a cycle is an error.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::kustomize::context::{Builder, Built, Failed};
use crate::kustomize::fieldspec::{FieldSpec, NameReference, TransformerConfig, merge_specs};
use crate::kustomize::kustomization::{FieldSpecEntry, decode_field_specs};
use crate::kustomize::resid::Gvk;
use crate::yaml::decode::{Decoder, json_kind};
use crate::yaml::resolve::{Resolved, Schema, resolve};
use crate::yaml::{Body, Node};

/// A decoded `fields` entry as a field spec.
#[must_use]
pub fn to_spec(entry: &FieldSpecEntry) -> FieldSpec {
    let value = |s: &Option<crate::kustomize::kustomization::Str>| {
        s.as_ref().map(|s| s.value.clone()).unwrap_or_default()
    };
    FieldSpec {
        group: value(&entry.gvk.group),
        version: value(&entry.gvk.version),
        kind: value(&entry.gvk.kind),
        path: entry.path.value.clone(),
        create: entry.create,
    }
}

/// The sections of a `TransformerConfig` holding plain field-spec lists.
const SPEC_SECTIONS: &[&str] = &[
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "templateLabels",
    "commonAnnotations",
    "varReference",
    "images",
    "replicas",
];

/// Reads a `configurations` file.
pub fn read(b: &mut Builder, path: &str) -> Built<TransformerConfig> {
    let Some(root) = first_document(b, path)? else { return Ok(TransformerConfig::default()) };
    let file: Arc<str> = Arc::from(path);
    let mut d = Decoder::new(&file, Code::TransformerInvalid, "invalid transformer configuration");
    let mut known: Vec<&'static str> = SPEC_SECTIONS.to_vec();
    known.push("nameReference");
    let mut config = TransformerConfig::default();
    if let Some(fields) = d.fields(&root, "builtinconfig.TransformerConfig", &known) {
        for (name, _, value) in fields {
            if name == "nameReference" {
                config.name_reference =
                    d.list(value, "TransformerConfig.nameReference", decode_name_reference);
            } else if let Some(section) = config.section_mut(name) {
                *section = decode_field_specs(&mut d, value, &format!("TransformerConfig.{name}"))
                    .iter()
                    .map(to_spec)
                    .collect();
            }
        }
    }
    if !d.errors.is_empty() {
        b.diagnostics.extend(d.errors);
        return Err(Failed);
    }
    Ok(config)
}

fn decode_name_reference(d: &mut Decoder, node: &Node) -> Option<NameReference> {
    let fields = d.fields(
        node,
        "builtinconfig.NameBackReferences",
        &["group", "version", "kind", "fieldSpecs"],
    )?;
    let mut reference = NameReference::default();
    for (name, _, value) in fields {
        let path = format!("NameBackReferences.{name}");
        match name {
            "group" => reference.target.group = d.string(value, &path)?.value,
            "version" => reference.target.version = d.string(value, &path)?.value,
            "kind" => reference.target.kind = d.string(value, &path)?.value,
            _ => {
                reference.referrers =
                    decode_field_specs(d, value, &path).iter().map(to_spec).collect();
            }
        }
    }
    Some(reference)
}

/// The first document of a YAML file (kustomize's YAML-to-JSON step reads only that one).
fn first_document(b: &mut Builder, path: &str) -> Built<Option<Node>> {
    let parsed = match b.source.parse(path, None) {
        Ok(parsed) => parsed,
        Err(d) => return b.fail(*d),
    };
    if parsed.has_errors() {
        b.diagnostics.extend(parsed.diagnostics.iter().cloned());
        return Err(Failed);
    }
    Ok(parsed.documents.first().map(|d| d.root.clone()))
}

/// Most `$ref` steps followed in one `crds` file before giving up (kustomize has no limit;
/// a schema with many shared types could otherwise take exponential time).
const MAX_REF_VISITS: usize = 100_000;

/// Reads a `crds` file (kustomize's `LoadConfigFromCRDs`).
pub fn from_crd(b: &mut Builder, path: &str) -> Built<TransformerConfig> {
    let text = match b.source.text(path, None) {
        Ok(text) => text,
        Err(d) => return b.fail(*d),
    };
    if text.is_empty() {
        return b.fail(
            Diagnostic::new(Code::TransformerInvalid, format!("'{path}' is empty; expected OpenAPI definitions"))
                .in_file(path)
                .with_help("kustomize crashes on an empty crds file; give it a map of OpenAPI type definitions"),
        );
    }
    let Some(root) = first_document(b, path)? else { return Ok(TransformerConfig::default()) };
    let definitions = match decode_definitions(&root) {
        Ok(definitions) => definitions,
        Err((node, message)) => {
            let help = if root.get("kind").is_some() && root.get("apiVersion").is_some() {
                "a crds file maps Go type names to `{Schema: {properties: …}}` (OpenAPI definitions, as openapi-gen writes them); a CustomResourceDefinition object belongs in `resources`"
            } else {
                "kustomize decodes the whole file as OpenAPI definitions, so every schema field must have its OpenAPI type"
            };
            return b.fail(
                Diagnostic::new(
                    Code::TransformerInvalid,
                    format!("unable to parse open API definition from '{path}': {message}"),
                )
                .at(path, node.origin.span)
                .with_help(help),
            );
        }
    };
    let mut loader = CrdLoader {
        definitions: &definitions,
        config: TransformerConfig::default(),
        visits: 0,
        stack: Vec::new(),
    };
    for definition in &definitions {
        if !definition.looks_like_an_object() {
            continue;
        }
        let gvk = Gvk::new("", "", definition.name.rsplit('.').next().unwrap_or_default());
        if let Err(error) = loader.load(&gvk, &definition.name, &[]) {
            return b.fail(
                Diagnostic::new(Code::TransformerInvalid, error.message).at(path, error.span),
            );
        }
    }
    Ok(loader.config)
}

/// One `OpenAPI` definition, reduced to what kustomize reads.
#[derive(Debug)]
struct Definition {
    name: String,
    schema: SchemaInfo,
}

impl Definition {
    fn looks_like_an_object(&self) -> bool {
        ["kind", "apiVersion", "metadata"]
            .iter()
            .all(|p| self.schema.properties.iter().any(|(name, _)| name == p))
    }
}

/// A schema: its properties (in order), its `$ref`, and its string-valued extensions.
#[derive(Debug, Default)]
struct SchemaInfo {
    properties: Vec<(String, SchemaInfo)>,
    reference: Option<String>,
    /// Extensions as written; the value is `None` when it is not a string.
    extensions: Vec<(String, Option<String>)>,
    span: Span,
}

impl SchemaInfo {
    /// A string-valued extension (kube-openapi's `Extensions.GetString`; the last of
    /// duplicate keys wins, as in a Go map).
    fn extension(&self, name: &str) -> Option<&str> {
        self.extensions.iter().rev().find(|(k, _)| k == name).and_then(|(_, v)| v.as_deref())
    }
}

type DecodeError<'n> = (&'n Node, String);

fn decode_definitions(root: &Node) -> Result<Vec<Definition>, DecodeError<'_>> {
    let entries = match &root.body {
        Body::Map(entries) => entries,
        _ if root.is_null() => return Ok(Vec::new()),
        _ => {
            return Err((
                root,
                format!("cannot unmarshal {} into a map of OpenAPI definitions", json_kind(root)),
            ));
        }
    };
    let mut out: Vec<Definition> = Vec::new();
    for (key, value) in entries {
        let name = key.scalar().unwrap_or_default().to_string();
        let schema = decode_definition(value)?;
        out.retain(|d| d.name != name);
        out.push(Definition { name, schema });
    }
    Ok(out)
}

/// An `OpenAPIDefinition` (`Schema`, `Dependencies`; other fields are ignored).
fn decode_definition(node: &Node) -> Result<SchemaInfo, DecodeError<'_>> {
    let entries = match &node.body {
        Body::Map(entries) => entries,
        _ if node.is_null() => return Ok(SchemaInfo::default()),
        _ => {
            return Err((
                node,
                format!(
                    "cannot unmarshal {} into Go value of type accumulator.OpenAPIDefinition",
                    json_kind(node)
                ),
            ));
        }
    };
    let mut schema = SchemaInfo::default();
    for (key, value) in entries {
        match key.scalar().unwrap_or_default().to_ascii_lowercase().as_str() {
            "schema" => schema = decode_schema(value, 0)?,
            "dependencies" => check_strings(value, "OpenAPIDefinition.Dependencies")?,
            _ => {}
        }
    }
    Ok(schema)
}

/// Deepest schema nesting decoded (the YAML parser bounds nesting already).
const MAX_SCHEMA_DEPTH: usize = 200;

/// A `spec.Schema`. kube-openapi decodes schemas with its fork of the experimental JSON v2
/// package: field names match exactly (a `Properties` key is just an unknown key), unknown
/// keys are kept only when they start with `x-`/`X-`, and mistyped known fields are errors.
fn decode_schema(node: &Node, depth: usize) -> Result<SchemaInfo, DecodeError<'_>> {
    let entries = match &node.body {
        Body::Map(entries) => entries,
        _ if node.is_null() => return Ok(SchemaInfo::default()),
        _ => {
            return Err((
                node,
                format!("cannot unmarshal {} into Go value of type spec.Schema", json_kind(node)),
            ));
        }
    };
    if depth > MAX_SCHEMA_DEPTH {
        return Err((node, format!("schemas are nested deeper than {MAX_SCHEMA_DEPTH} levels")));
    }
    let mut schema = SchemaInfo { span: node.origin.span, ..SchemaInfo::default() };
    for (key, value) in entries {
        let name = key.scalar().unwrap_or_default();
        match name {
            "$ref" => schema.reference = string_value(value).map(normalize_ref),
            "properties" => schema.properties = decode_schema_map(value, depth)?,
            _ if name.starts_with("x-") || name.starts_with("X-") => {
                schema.extensions.push((name.to_string(), string_value(value).map(str::to_string)));
            }
            _ => check_schema_field(name, value, depth)?,
        }
    }
    Ok(schema)
}

fn decode_schema_map(
    node: &Node,
    depth: usize,
) -> Result<Vec<(String, SchemaInfo)>, DecodeError<'_>> {
    match &node.body {
        Body::Map(entries) => {
            let mut out: Vec<(String, SchemaInfo)> = Vec::new();
            for (key, value) in entries {
                let name = key.scalar().unwrap_or_default().to_string();
                let schema = decode_schema(value, depth + 1)?;
                out.retain(|(n, _)| *n != name);
                out.push((name, schema));
            }
            Ok(out)
        }
        _ if node.is_null() => Ok(Vec::new()),
        _ => Err((
            node,
            format!(
                "cannot unmarshal {} into Go value of type map[string]spec.Schema",
                json_kind(node)
            ),
        )),
    }
}

/// Type checks for the other `SchemaProps`/`SwaggerSchemaProps` fields.
fn check_schema_field<'n>(
    name: &str,
    value: &'n Node,
    depth: usize,
) -> Result<(), DecodeError<'n>> {
    let kind = json_kind(value);
    let want = |ok: bool, ty: &str| {
        if ok {
            Ok(())
        } else {
            Err((
                value,
                format!("cannot unmarshal JSON {kind} into Go value of type {ty} (field {name:?})"),
            ))
        }
    };
    let schemas = |items: &'n [Node]| {
        items.iter().try_for_each(|item| decode_schema(item, depth + 1).map(|_| ()))
    };
    match name {
        "id" | "description" | "format" | "title" | "pattern" | "discriminator" => {
            want(matches!(kind, "string" | "null"), "string")
        }
        "nullable" | "exclusiveMaximum" | "exclusiveMinimum" | "uniqueItems" | "readOnly" => {
            want(matches!(kind, "bool" | "null"), "bool")
        }
        "maximum" | "minimum" | "multipleOf" => want(matches!(kind, "number" | "null"), "float64"),
        "maxLength" | "minLength" | "maxItems" | "minItems" | "maxProperties" | "minProperties" => {
            want(kind == "null" || is_integer(value), "int64")
        }
        "required" => check_strings(value, "required"),
        "type" => match &value.body {
            Body::Seq(_) => check_strings(value, "type"),
            _ => want(matches!(kind, "string" | "null"), "spec.StringOrArray"),
        },
        "enum" => want(matches!(kind, "array" | "null"), "[]interface {}"),
        "allOf" | "oneOf" | "anyOf" => match &value.body {
            Body::Seq(items) => schemas(items),
            _ => want(kind == "null", "[]spec.Schema"),
        },
        "not" => decode_schema(value, depth + 1).map(|_| ()),
        "patternProperties" | "definitions" => decode_schema_map(value, depth).map(|_| ()),
        "items" => match &value.body {
            Body::Map(_) => decode_schema(value, depth + 1).map(|_| ()),
            Body::Seq(items) => schemas(items),
            Body::Scalar(_) => Ok(()),
        },
        "additionalProperties" | "additionalItems" => match &value.body {
            Body::Map(_) => decode_schema(value, depth + 1).map(|_| ()),
            _ => want(kind == "bool", "spec.SchemaOrBool"),
        },
        "dependencies" => match &value.body {
            Body::Map(entries) => {
                entries.iter().try_for_each(|(_, dependency)| match &dependency.body {
                    Body::Map(_) => decode_schema(dependency, depth + 1).map(|_| ()),
                    Body::Seq(_) => check_strings(dependency, "dependencies"),
                    Body::Scalar(_) => Ok(()),
                })
            }
            _ => want(kind == "null", "spec.Dependencies"),
        },
        "externalDocs" => want(matches!(kind, "object" | "null"), "spec.ExternalDocumentation"),
        _ => Ok(()),
    }
}

fn check_strings<'n>(node: &'n Node, field: &str) -> Result<(), DecodeError<'n>> {
    match &node.body {
        Body::Seq(items) => match items.iter().find(|item| json_kind(item) != "string") {
            Some(item) => Err((
                item,
                format!(
                    "cannot unmarshal {} into Go struct field {field} of type string",
                    json_kind(item)
                ),
            )),
            None => Ok(()),
        },
        _ if node.is_null() => Ok(()),
        _ => Err((
            node,
            format!(
                "cannot unmarshal {} into Go struct field {field} of type []string",
                json_kind(node)
            ),
        )),
    }
}

fn is_integer(node: &Node) -> bool {
    match &node.body {
        Body::Scalar(text) => matches!(
            resolve(Schema::V2, node.tag.as_deref(), node.style, text),
            Ok(Resolved::Int(_))
        ),
        _ => false,
    }
}

fn string_value(node: &Node) -> Option<&str> {
    (json_kind(node) == "string").then(|| node.scalar()).flatten()
}

/// The `$ref` text as go-openapi's `jsonreference` prints it back: duplicate slashes in the
/// path are removed (the other URL normalizations do not apply to Go type names).
fn normalize_ref(reference: &str) -> String {
    let (path, fragment) = match reference.find('#') {
        Some(i) => reference.split_at(i),
        None => (reference, ""),
    };
    let mut out = String::with_capacity(reference.len());
    for c in path.chars() {
        if c == '/' && out.ends_with('/') && !out.ends_with("://") {
            continue;
        }
        out.push(c);
    }
    out.push_str(fragment);
    out
}

/// An error found while following `$ref`s.
#[derive(Debug)]
struct LoadError {
    message: String,
    span: Span,
}

/// kustomize's `loadCrdIntoConfig`, with cycle detection and a work budget.
struct CrdLoader<'d> {
    definitions: &'d [Definition],
    config: TransformerConfig,
    visits: usize,
    /// Type names being loaded, outermost first.
    stack: Vec<String>,
}

impl CrdLoader<'_> {
    fn load(&mut self, gvk: &Gvk, type_name: &str, path: &[String]) -> Result<(), LoadError> {
        let Some(definition) = self.definitions.iter().find(|d| d.name == type_name) else {
            return Ok(());
        };
        if self.stack.iter().any(|t| t == type_name) {
            let chain = self
                .stack
                .iter()
                .chain(std::iter::once(&type_name.to_string()))
                .cloned()
                .collect::<Vec<_>>()
                .join(" → ");
            return Err(LoadError {
                message: format!(
                    "the OpenAPI definitions refer to themselves ({chain}); kustomize follows such `$ref`s forever and crashes"
                ),
                span: definition.schema.span,
            });
        }
        self.visits += 1;
        if self.visits > MAX_REF_VISITS {
            return Err(LoadError {
                message: format!(
                    "following the `$ref`s of the OpenAPI definitions takes more than {MAX_REF_VISITS} steps"
                ),
                span: definition.schema.span,
            });
        }
        self.stack.push(type_name.to_string());
        let result = self.load_properties(gvk, &definition.schema, path);
        self.stack.pop();
        result
    }

    fn load_properties(
        &mut self,
        gvk: &Gvk,
        schema: &SchemaInfo,
        path: &[String],
    ) -> Result<(), LoadError> {
        for (name, property) in &schema.properties {
            let mut here = path.to_vec();
            here.push(name.clone());
            self.add_specs(gvk, property, &here);
            if let Some(reference) = &property.reference {
                self.load(gvk, reference, &here)?;
            }
        }
        Ok(())
    }

    fn add_specs(&mut self, gvk: &Gvk, property: &SchemaInfo, path: &[String]) {
        let spec = |path: &[String]| FieldSpec {
            kind: gvk.kind.clone(),
            path: path.join("/"),
            ..FieldSpec::default()
        };
        // Specs made here never conflict (none has `create`), so merging cannot fail.
        if property.extension("x-kubernetes-annotation").is_some() {
            let _ = merge_specs(&mut self.config.common_annotations, &[spec(path)]);
        }
        if property.extension("x-kubernetes-label-selector").is_some() {
            let _ = merge_specs(&mut self.config.common_labels, &[spec(path)]);
        }
        if property.extension("x-kubernetes-identity").is_some() {
            let _ = merge_specs(&mut self.config.name_prefix, &[spec(path)]);
        }
        if let (Some(version), Some(kind)) = (
            property.extension("x-kubernetes-object-ref-api-version"),
            property.extension("x-kubernetes-object-ref-kind"),
        ) {
            let name_key = property.extension("x-kubernetes-object-ref-name-key").unwrap_or("name");
            let mut referrer_path = path.to_vec();
            referrer_path.push(name_key.to_string());
            let reference = NameReference {
                target: Gvk::new("", version, kind),
                referrers: vec![spec(&referrer_path)],
            };
            let incoming = TransformerConfig {
                name_reference: vec![reference],
                ..TransformerConfig::default()
            };
            let _ = self.config.merge(&incoming);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{ParseCache, Source};
    use crate::tree::FileTree;

    fn with_file<T>(
        path: &str,
        text: &str,
        f: impl FnOnce(&mut Builder) -> T,
    ) -> (T, Vec<Diagnostic>) {
        let mut tree = FileTree::new();
        tree.insert(path, text).unwrap();
        let mut cache = ParseCache::default();
        let mut source = Source::new(&tree, &mut cache);
        let mut b = Builder::new(&mut source);
        let out = f(&mut b);
        (out, b.diagnostics)
    }

    #[test]
    fn configuration_sections_and_name_references() {
        let text = "images:\n- kind: InferenceService\n  path: spec/predictor/image\nnamePrefix:\n- path: spec/alias\n  kind: Thing\n  create: true\nnameReference:\n- kind: Secret\n  version: v1\n  fieldSpecs:\n  - kind: Thing\n    path: spec/secretRef/name\n";
        let (config, diagnostics) = with_file("c.yaml", text, |b| read(b, "c.yaml"));
        let config = config.unwrap();
        assert!(diagnostics.is_empty());
        assert_eq!(config.images[0].kind, "InferenceService");
        assert_eq!(config.images[0].path, "spec/predictor/image");
        assert!(config.name_prefix[0].create);
        assert_eq!(config.name_reference[0].target, Gvk::new("", "v1", "Secret"));
        assert_eq!(config.name_reference[0].referrers[0].path, "spec/secretRef/name");
    }

    #[test]
    fn configuration_is_strict() {
        let text = "images:\n- kind: X\n  paht: spec/image\nbogus: []\n";
        let (config, diagnostics) = with_file("c.yaml", text, |b| read(b, "c.yaml"));
        assert!(config.is_err());
        assert_eq!(diagnostics.len(), 2);
        let paht =
            diagnostics.iter().find(|d| d.message.contains("unknown field \"paht\"")).unwrap();
        assert_eq!(&text[paht.span.unwrap().range()], "paht");
        assert!(diagnostics.iter().any(|d| d.message.contains("unknown field \"bogus\"")));
        let (config, _) = with_file("c.yaml", "", |b| read(b, "c.yaml"));
        assert_eq!(config.unwrap(), TransformerConfig::default());
    }

    const CRONTAB: &str = r#"{
  "example.com/v1.CronTab": {
    "Schema": {
      "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"$ref": "meta/v1.ObjectMeta"},
        "spec": {"$ref": "example.com/v1.CronTabSpec"}
      }
    }
  },
  "example.com/v1.CronTabSpec": {
    "Schema": {
      "properties": {
        "configRef": {"x-kubernetes-object-ref-api-version": "v1", "x-kubernetes-object-ref-kind": "ConfigMap"},
        "secret": {"x-kubernetes-object-ref-api-version": "v1", "x-kubernetes-object-ref-kind": "Secret", "x-kubernetes-object-ref-name-key": "secretName"},
        "selector": {"x-kubernetes-label-selector": ""},
        "notes": {"x-kubernetes-annotation": ""},
        "alias": {"x-kubernetes-identity": ""},
        "ignored": {"x-kubernetes-annotation": true, "X-Kubernetes-Identity": ""}
      }
    }
  }
}"#;

    #[test]
    fn crd_extensions_become_field_specs() {
        let (config, diagnostics) = with_file("crd.json", CRONTAB, |b| from_crd(b, "crd.json"));
        let config = config.unwrap();
        assert!(diagnostics.is_empty());
        let refs: Vec<String> = config
            .name_reference
            .iter()
            .map(|r| format!("{}:{}:{}", r.target.version, r.target.kind, r.referrers[0].path))
            .collect();
        assert_eq!(refs, ["v1:ConfigMap:spec/configRef/name", "v1:Secret:spec/secret/secretName"]);
        assert_eq!(config.name_reference[0].referrers[0].kind, "CronTab");
        assert_eq!(config.common_labels[0].path, "spec/selector");
        assert_eq!(config.common_annotations.len(), 1);
        assert_eq!(
            config.name_prefix.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(),
            ["spec/alias"]
        );
    }

    #[test]
    fn crd_files_that_are_not_definitions() {
        let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n";
        let (config, diagnostics) = with_file("crd.yaml", crd, |b| from_crd(b, "crd.yaml"));
        assert!(config.is_err());
        assert!(
            diagnostics[0].message.contains("unable to parse open API definition from 'crd.yaml'")
        );
        let (config, _) = with_file("crd.yaml", "", |b| from_crd(b, "crd.yaml"));
        assert!(config.is_err());
        let (config, _) = with_file("crd.yaml", "a.B:\n  schema:\n    properties: [1]\n", |b| {
            from_crd(b, "crd.yaml")
        });
        assert!(config.is_err());
    }

    #[test]
    fn schema_field_names_match_exactly() {
        // Oracle: kustomize ignores `Properties`, but takes `schema` for `Schema`.
        let text = "x.W:\n  schema:\n    properties:\n      kind: {}\n      apiVersion: {}\n      metadata: {}\n      a: {x-kubernetes-identity: ''}\n      b:\n        Properties:\n          c: {x-kubernetes-identity: ''}\n";
        let (config, _) = with_file("crd.yaml", text, |b| from_crd(b, "crd.yaml"));
        let paths: Vec<String> =
            config.unwrap().name_prefix.iter().map(|s| s.path.clone()).collect();
        assert_eq!(paths, ["a"]);
        let (config, _) =
            with_file("crd.yaml", "x.W:\n  Schema:\n    additionalProperties: 3\n", |b| {
                from_crd(b, "crd.yaml")
            });
        assert!(config.is_err());
    }

    #[test]
    fn crd_ref_cycles_are_errors() {
        let text = "x.T:\n  Schema:\n    properties:\n      kind: {}\n      apiVersion: {}\n      metadata: {}\n      spec: {$ref: x.T}\n";
        let (config, diagnostics) = with_file("crd.yaml", text, |b| from_crd(b, "crd.yaml"));
        assert!(config.is_err());
        assert!(diagnostics[0].message.contains("x.T → x.T"), "{}", diagnostics[0].message);
    }

    #[test]
    fn ref_normalization() {
        assert_eq!(normalize_ref("a//b/c"), "a/b/c");
        assert_eq!(normalize_ref("#/definitions//x"), "#/definitions//x");
        assert_eq!(normalize_ref("io.k8s.api.core.v1.PodSpec"), "io.k8s.api.core.v1.PodSpec");
    }
}
