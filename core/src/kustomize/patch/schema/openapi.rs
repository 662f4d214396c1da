//! The schema strategic merge consults during one render: kustomize's built-in table, a
//! custom document, or both, layered the way kyaml's global schema ends up layered.
//!
//! kyaml keeps one global map of definitions (and one of types, by `apiVersion` and `kind`)
//! and adds documents to it in the order it parses them; a later document replaces entries
//! of the same name. Which documents it parsed, and in what order, depends on what the build
//! did before the custom schema was set ([`super::session`] works that out): [`Builtin`]
//! records the outcome. kustomize's own `Kustomization` types are always parsed last.
//!
//! [`At`] is a place in that layered schema: a node of the built-in table ([`Schema`]) or of
//! the custom [`Document`]. `$ref`s are followed as kyaml follows them, against the global
//! definitions (so a custom schema may refer to a built-in definition when the built-in
//! schema is loaded, and a custom definition of the same name may stand in for a built-in
//! one). Two approximations come from the table keeping only definitions that lead to merge
//! lists: a reference to a built-in definition the table lacks finds nothing (kyaml finds a
//! schema with nothing to merge, which differs only for a typed object nested in an untyped
//! one), and a custom definition can only stand in for a built-in definition the table has.
//!
//! kyaml asserts the types of the merge extensions when it reads them, and dereferences
//! `items` without checking it is a single schema; where its merge would panic, the lookups
//! here return a [`PatchError`] pointing at the bytes of the schema file.

use std::sync::Arc;

use super::swagger::{Document, EMPTY, Items, SchemaNode};
use super::value::{Kind, Value};
use super::{Schema, table};
use crate::kustomize::patch::PatchError;
use crate::vecmap::VecMap;
use crate::yaml::Origin;

/// The `apiVersion` of kustomize's own types (`kustomizationapi/swagger.json`).
const KUSTOMIZE_API_VERSION: &str = "kustomize.config.k8s.io/v1beta1";

/// The definitions of `kustomizationapi/swagger.json`, parsed after every other document.
const KUSTOMIZE_DEFINITIONS: [&str; 5] = [
    "io.k8s.api.apps.v1.ConfigMapArgs",
    "io.k8s.api.apps.v1.GeneratorArgs",
    "io.k8s.api.apps.v1.Kustomization",
    "io.k8s.api.apps.v1.KvPairSources",
    "io.k8s.api.apps.v1.SecretArgs",
];

/// Most `$ref`s followed in a row (kyaml loops forever on a cycle).
const MAX_REFS: usize = 64;

/// How the built-in Kubernetes schema is layered with a custom one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// Not loaded at all: only the custom document and kustomize's own types.
    Absent,
    /// Loaded first: custom definitions and types replace built-in ones.
    Below,
    /// Loaded after the custom document: built-in definitions and types win.
    Above,
}

/// A place in the schema during a merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    Table(Schema),
    Custom(u32),
}

/// The schema one render's strategic merges use.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenApi {
    custom: Option<(Arc<Document>, Builtin)>,
    /// Built-in table definitions that a custom definition of the same name replaces.
    shadowed: VecMap<usize, u32>,
}

/// What a `$ref` points at.
enum Target {
    Table(Schema),
    Custom(u32),
}

static BUILTIN: OpenApi = OpenApi { custom: None, shadowed: VecMap::new() };

impl OpenApi {
    /// kustomize's default: the built-in Kubernetes v1.21.2 schema and its own types.
    #[must_use]
    pub fn builtin() -> &'static OpenApi {
        &BUILTIN
    }

    /// A custom document layered with the built-in schema as `builtin` says.
    #[must_use]
    pub fn with_custom(document: Arc<Document>, builtin: Builtin) -> OpenApi {
        let mut shadowed = VecMap::new();
        if builtin == Builtin::Below {
            for (name, &def) in &table().by_name {
                if let Some(&node) = document.definitions.get(name.as_str())
                    && !KUSTOMIZE_DEFINITIONS.contains(&name.as_str())
                {
                    shadowed.insert(def, node);
                }
            }
        }
        OpenApi { custom: Some((document, builtin)), shadowed }
    }

    /// The custom document, if any.
    #[must_use]
    pub fn custom(&self) -> Option<&Arc<Document>> {
        self.custom.as_ref().map(|(d, _)| d)
    }

    /// kyaml's `SchemaForResourceType`: the definition registered for a type (not followed
    /// through its own `$ref`).
    #[must_use]
    pub fn for_type(&self, api_version: &str, kind: &str) -> Option<At> {
        let table_type = || {
            table()
                .types
                .get(&(api_version, kind))
                .map(|d| At::Table(d.map_or(Schema::Leaf, Schema::Def)))
        };
        let Some((document, builtin)) = &self.custom else { return table_type() };
        if api_version == KUSTOMIZE_API_VERSION {
            return table_type();
        }
        let custom = document
            .types
            .get(&(api_version.to_string(), kind.to_string()))
            .map(|&n| At::Custom(n));
        match builtin {
            Builtin::Absent => custom,
            Builtin::Below => custom.or_else(table_type),
            Builtin::Above => table_type().or(custom),
        }
    }

    /// `ResourceSchema.Field`: a property, else `additionalProperties`, followed through `$ref`s.
    pub fn field(&self, at: At, name: &str) -> Result<Option<At>, PatchError> {
        match at {
            At::Table(schema) => self.shadow(schema.field(name)),
            At::Custom(id) => {
                let Some((document, node)) = self.node(id) else { return Ok(None) };
                let found = node
                    .properties
                    .binary_search_by(|(n, _)| n.as_str().cmp(name))
                    .ok()
                    .and_then(|i| node.properties.get(i))
                    .map(|(_, child)| *child)
                    .or(node.additional);
                match found {
                    Some(child) => self.follow(document, child),
                    None => Ok(None),
                }
            }
        }
    }

    /// `ResourceSchema.Elements`: the schema of a list's items, only for a schema whose type
    /// is exactly `array`.
    pub fn elements(&self, at: At) -> Result<Option<At>, PatchError> {
        match at {
            At::Table(schema) => self.shadow(schema.elements()),
            At::Custom(id) => {
                let Some((document, node)) = self.node(id) else { return Ok(None) };
                if !node.array {
                    return Ok(None);
                }
                match node.items {
                    Items::Absent => Ok(None),
                    Items::One(child) => self.follow(document, child),
                    Items::Other(span) => Err(crash(
                        document,
                        span,
                        "'items' is not a single schema: kustomize v5.8.1 dereferences a nil schema here and crashes",
                    )),
                }
            }
        }
    }

    /// kyaml's `IsAssociative` and `PatchStrategyAndKeyList`: for a list merged element by
    /// element, its merge keys (empty for a list of scalars merged as a set); `None` for a
    /// list that is replaced.
    pub fn merge_keys(&self, at: At) -> Result<Option<Vec<String>>, PatchError> {
        let id = match at {
            At::Table(schema) => {
                return Ok(schema
                    .merge_keys()
                    .map(|keys| keys.iter().map(|k| (*k).to_string()).collect()));
            }
            At::Custom(id) => id,
        };
        let Some((document, node)) = self.node(id) else { return Ok(None) };
        let Some(strategy) = &node.strategy else { return Ok(None) };
        let strategy = string(document, strategy, "x-kubernetes-patch-strategy")?;
        let merge_key = node
            .merge_key
            .as_ref()
            .map(|v| string(document, v, "x-kubernetes-patch-merge-key"))
            .transpose()?;
        if !strategy.split(',').any(|s| s == "merge") {
            return Ok(None);
        }
        if let Some(list) = &node.map_keys {
            let Kind::Array(items) = &list.kind else {
                return Err(not_a(document, list, "x-kubernetes-list-map-keys", "[]interface {}"));
            };
            let mut keys = Vec::with_capacity(items.len());
            for k in items {
                keys.push(string(document, k, "x-kubernetes-list-map-keys")?.to_string());
            }
            return Ok(Some(keys));
        }
        Ok(Some(merge_key.map(|k| vec![k.to_string()]).unwrap_or_default()))
    }

    fn node(&self, id: u32) -> Option<(&Document, &SchemaNode)> {
        let document = self.custom()?;
        Some((document, document.node(id)?))
    }

    /// A table place, unless a custom definition of the same name replaces its definition.
    fn shadow(&self, schema: Option<Schema>) -> Result<Option<At>, PatchError> {
        match (schema, self.custom()) {
            (Some(Schema::Def(def)), Some(document)) => match self.shadowed.get(&def) {
                Some(&node) => self.follow(document, node),
                None => Ok(Some(At::Table(Schema::Def(def)))),
            },
            (schema, _) => Ok(schema.map(At::Table)),
        }
    }

    /// Follows a node's `$ref`s (kyaml's `for s.Ref.String() != ""` loop); an unresolvable
    /// reference gives no schema.
    fn follow(&self, document: &Document, mut id: u32) -> Result<Option<At>, PatchError> {
        for _ in 0..MAX_REFS {
            let Some(node) = document.node(id) else { return Ok(None) };
            let Some(reference) = &node.reference else { return Ok(Some(At::Custom(id))) };
            match self.pointer(document, &reference.tokens) {
                None => return Ok(None),
                Some(Target::Table(schema)) => return self.shadow(Some(schema)),
                Some(Target::Custom(next)) => id = next,
            }
        }
        let span = document
            .node(id)
            .and_then(|n| n.reference.as_ref())
            .map(|r| r.span)
            .unwrap_or_default();
        Err(crash(document, span, "'$ref's form a cycle: kustomize v5.8.1 follows them forever"))
    }

    /// A JSON pointer into the global schema: its root, a definition, or a property of one.
    fn pointer(&self, document: &Document, tokens: &[String]) -> Option<Target> {
        let Some((first, rest)) = tokens.split_first() else { return Some(Target::Custom(EMPTY)) };
        let (name, rest) = rest.split_first()?;
        if first != "definitions" {
            return None;
        }
        let mut target = self.definition(document, name)?;
        let mut rest = rest;
        while let Some((field, tail)) = rest.split_first() {
            let (property, tail) = tail.split_first()?;
            let Target::Custom(id) = target else { return None };
            let node = document.node(id)?;
            if field != "properties" {
                return None;
            }
            let i = node.properties.binary_search_by(|(n, _)| n.as_str().cmp(property)).ok()?;
            target = Target::Custom(node.properties.get(i)?.1);
            rest = tail;
        }
        Some(target)
    }

    /// A definition by name, from the layer that wins it.
    fn definition(&self, document: &Document, name: &str) -> Option<Target> {
        let table_def = || table().by_name.get(name).map(|&i| Target::Table(Schema::Def(i)));
        if KUSTOMIZE_DEFINITIONS.contains(&name) {
            return Some(table_def().unwrap_or(Target::Table(Schema::Leaf)));
        }
        let custom = document.definitions.get(name).map(|&n| Target::Custom(n));
        match self.custom.as_ref().map_or(Builtin::Below, |(_, b)| *b) {
            Builtin::Absent => custom,
            Builtin::Below => custom.or_else(table_def),
            Builtin::Above => table_def().or(custom),
        }
    }
}

/// An extension kyaml asserts to be a string.
fn string<'v>(document: &Document, value: &'v Value, name: &str) -> Result<&'v str, PatchError> {
    value.as_str().ok_or_else(|| not_a(document, value, name, "string"))
}

fn not_a(document: &Document, value: &Value, name: &str, want: &str) -> PatchError {
    crash(
        document,
        value.span,
        &format!(
            "'{name}' is a JSON {}: kustomize v5.8.1 panics (interface conversion: interface {{}} is {}, not {want})",
            value.kind.json_name(),
            value.kind.go_name()
        ),
    )
}

fn crash(document: &Document, span: crate::diagnostic::Span, what: &str) -> PatchError {
    PatchError::new(format!("custom OpenAPI schema {}: {what}", document.file))
        .at(&Origin { file: Some(document.file.clone()), span })
}

#[cfg(test)]
mod tests {
    use super::super::swagger::decode;
    use super::super::value::read_json;
    use super::*;

    fn document(text: &str) -> Arc<Document> {
        let file: Arc<str> = Arc::from("schema.json");
        Arc::new(decode(&file, &read_json(text).expect("json")).expect("schema"))
    }

    fn walk(
        o: &OpenApi,
        api_version: &str,
        kind: &str,
        path: &[&str],
    ) -> Result<Option<At>, PatchError> {
        let mut at = o.for_type(api_version, kind);
        for segment in path {
            at = match (at, *segment) {
                (Some(a), "[]") => o.elements(a)?,
                (Some(a), name) => o.field(a, name)?,
                (None, _) => None,
            };
        }
        Ok(at)
    }

    fn keys(o: &OpenApi, api_version: &str, kind: &str, path: &[&str]) -> Option<Vec<String>> {
        let at = walk(o, api_version, kind, path).expect("no fault")?;
        o.merge_keys(at).expect("no fault")
    }

    const CUSTOM: &str = r##"{"definitions": {
      "w.Widget": {
        "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Widget"}],
        "properties": {
          "spec": {"$ref": "#/definitions/w.Spec"},
          "pod": {"$ref": "#/definitions/io.k8s.api.core.v1.PodSpec"},
          "labels": {"additionalProperties": {"$ref": "#/definitions/w.Spec"}}
        }
      },
      "w.Spec": {"properties": {
        "parts": {"type": "array", "items": {"$ref": "#/definitions/w.Part"},
                  "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name"},
        "ports": {"type": "array", "x-kubernetes-patch-strategy": "retainKeys,merge",
                  "x-kubernetes-list-map-keys": ["port", "protocol"], "x-kubernetes-patch-merge-key": "port"},
        "loop": {"$ref": "#/definitions/w.Loop"},
        "bad": {"type": "array", "x-kubernetes-patch-strategy": 1},
        "many": {"type": "array", "items": [], "x-kubernetes-patch-strategy": "merge"}
      }},
      "w.Part": {"properties": {"tags": {"type": "array", "x-kubernetes-patch-strategy": "merge"}}},
      "w.Loop": {"$ref": "#/definitions/w.Loop"},
      "io.k8s.api.core.v1.Container": {"properties": {
        "env": {"type": "array", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "value"}
      }}
    }}"##;

    #[test]
    fn builtin_only_is_the_table() {
        let o = OpenApi::builtin();
        assert_eq!(
            keys(o, "apps/v1", "Deployment", &["spec", "template", "spec", "containers"]),
            Some(vec!["name".into()])
        );
        assert_eq!(o.for_type("example.com/v1", "Widget"), None);
    }

    #[test]
    fn custom_merge_keys_refs_and_elements() {
        let o = OpenApi::with_custom(document(CUSTOM), Builtin::Absent);
        assert_eq!(
            keys(&o, "example.com/v1", "Widget", &["spec", "parts"]),
            Some(vec!["name".into()])
        );
        assert_eq!(
            keys(&o, "example.com/v1", "Widget", &["spec", "parts", "[]", "tags"]),
            Some(vec![])
        );
        assert_eq!(
            keys(&o, "example.com/v1", "Widget", &["spec", "ports"]),
            Some(vec!["port".into(), "protocol".into()])
        );
        assert_eq!(
            keys(&o, "example.com/v1", "Widget", &["labels", "anything", "parts"]),
            Some(vec!["name".into()])
        );
        assert_eq!(keys(&o, "example.com/v1", "Widget", &["spec", "missing"]), None);
        // Without the built-in schema there is no PodSpec, and Deployment is unknown.
        assert_eq!(walk(&o, "example.com/v1", "Widget", &["pod"]).ok(), Some(None));
        assert_eq!(o.for_type("apps/v1", "Deployment"), None);
        // kustomize's own types are always there.
        assert!(o.for_type("kustomize.config.k8s.io/v1beta1", "Kustomization").is_some());
    }

    #[test]
    fn faults_point_into_the_schema() {
        let o = OpenApi::with_custom(document(CUSTOM), Builtin::Absent);
        let bad =
            walk(&o, "example.com/v1", "Widget", &["spec", "bad"]).expect("found").expect("some");
        let err = o.merge_keys(bad).expect_err("number strategy");
        assert!(err.message.contains("is float64, not string"), "{}", err.message);
        assert_eq!(err.origin().and_then(|o| o.file.as_deref()), Some("schema.json"));
        let many =
            walk(&o, "example.com/v1", "Widget", &["spec", "many"]).expect("found").expect("some");
        assert!(o.elements(many).is_err());
        assert!(walk(&o, "example.com/v1", "Widget", &["spec", "loop"]).is_err());
    }

    #[test]
    fn layering_with_the_builtin_schema() {
        let containers = ["spec", "template", "spec", "containers"];
        let env = ["spec", "template", "spec", "containers", "[]", "env"];
        // Built-in loaded first: the custom Container replaces the built-in one.
        let below = OpenApi::with_custom(document(CUSTOM), Builtin::Below);
        assert_eq!(keys(&below, "apps/v1", "Deployment", &containers), Some(vec!["name".into()]));
        assert_eq!(keys(&below, "apps/v1", "Deployment", &env), Some(vec!["value".into()]));
        assert!(walk(&below, "example.com/v1", "Widget", &["pod"]).expect("no fault").is_some());
        // Built-in loaded after: its Container wins.
        let above = OpenApi::with_custom(document(CUSTOM), Builtin::Above);
        assert_eq!(keys(&above, "apps/v1", "Deployment", &env), Some(vec!["name".into()]));
        assert_eq!(
            keys(&above, "example.com/v1", "Widget", &["pod", "containers"]),
            Some(vec!["name".into()])
        );
    }
}
