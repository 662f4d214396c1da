//! A custom `OpenAPI` document decoded as kyaml decodes it, and reduced to what strategic
//! merge and the namespace-scope check consult.
//!
//! kyaml unmarshals the file into kube-openapi's `spec.Swagger` with the strict `jsonv2`
//! decoder: every known field must have its Go type (a number where a string belongs fails
//! the whole document), unknown fields are ignored, and `$ref`s must parse as URLs. Then
//! `AddDefinitions` indexes each definition by its `x-kubernetes-group-version-kind` entries
//! (an entry without a string `version` or `kind` makes kyaml panic) and
//! `findNamespaceability` reads which kinds have a `GET` path under `namespaces/{namespace}`.
//! [`decode`] checks the same types (the [`Ty`] tables below transcribe kube-openapi's
//! structs) and keeps, for every schema, only what kyaml's merge reads: properties,
//! `additionalProperties`, whether `type` is exactly `array`, `items`, `$ref`, and the three
//! `x-kubernetes-*` merge extensions, as written (their types are checked where kyaml
//! asserts them, during the merge, see [`super::openapi`]).
//!
//! One kube-openapi quirk is not reproduced: a `responses` member that is neither
//! `default`, a status code nor an extension derails its decoder in ways that depend on
//! what follows; Baton reports the document invalid instead.

use std::sync::Arc;

use super::value::{Invalid, Kind, Member, Value};
use crate::diagnostic::Span;
use crate::vecmap::VecMap;

/// A custom schema document, reduced for strategic merge (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Repository path of the schema file (for the origins of faults).
    pub file: Arc<str>,
    pub(crate) nodes: Vec<SchemaNode>,
    /// Top-level `definitions` by name.
    pub(crate) definitions: VecMap<String, u32>,
    /// `(apiVersion, kind)` → definition, from `x-kubernetes-group-version-kind`.
    pub(crate) types: VecMap<(String, String), u32>,
    /// `(apiVersion, kind)` → namespaced, from the `GET` operations of `paths`, with the
    /// path that made it cluster-scoped (the last one seen when none is namespaced).
    pub(crate) scopes: VecMap<(String, String), (bool, Span)>,
}

/// Node 0 of every document: a schema with nothing in it (what a `$ref` to the document's
/// root resolves to).
pub(crate) const EMPTY: u32 = 0;

/// One `spec.Schema`, as far as kyaml's merge reads it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct SchemaNode {
    /// `properties`, sorted by name.
    pub properties: Vec<(String, u32)>,
    /// `additionalProperties` when it is a schema.
    pub additional: Option<u32>,
    /// `type` is exactly `["array"]` (kyaml's `Elements` requires it).
    pub array: bool,
    pub items: Items,
    pub reference: Option<Reference>,
    /// `x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`,
    /// `x-kubernetes-list-map-keys`, whatever their JSON type.
    pub strategy: Option<Value>,
    pub merge_key: Option<Value>,
    pub map_keys: Option<Value>,
    pub span: Span,
}

/// `items`: kube-openapi's `SchemaOrArray`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Items {
    /// Absent or `null`.
    #[default]
    Absent,
    /// One schema.
    One(u32),
    /// An array of schemas, or any other non-object value: kyaml's `Elements` dereferences a
    /// nil schema there and crashes.
    Other(Span),
}

/// A parsed `$ref`: the JSON pointer of its fragment (empty: the document root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reference {
    pub tokens: Vec<String>,
    pub span: Span,
}

/// Decodes a schema file's value (see the module docs).
pub fn decode(file: &Arc<str>, root: &Value) -> Result<Document, Invalid> {
    let mut d = Decoder {
        nodes: vec![SchemaNode::default()],
        path: Vec::new(),
        definitions: VecMap::new(),
        types: VecMap::new(),
        scopes: VecMap::new(),
    };
    d.value(root, Ty::Struct(&SWAGGER))?;
    for node in &mut d.nodes {
        crate::sort::sort_by(&mut node.properties, |a, b| a.0.cmp(&b.0));
    }
    Ok(Document {
        file: file.clone(),
        nodes: d.nodes,
        definitions: d.definitions,
        types: d.types,
        scopes: d.scopes,
    })
}

impl Document {
    pub(crate) fn node(&self, id: u32) -> Option<&SchemaNode> {
        self.nodes.get(id as usize)
    }

    /// Whether the document's `paths` make this type cluster-scoped (found, and no path of
    /// it is namespaced): the span of the path that does.
    #[must_use]
    pub fn declares_cluster_scoped(&self, api_version: &str, kind: &str) -> Option<Span> {
        match self.scopes.get(&(api_version.to_string(), kind.to_string())) {
            Some((false, span)) => Some(*span),
            _ => None,
        }
    }

    /// The `(apiVersion, kind)`s the document's `paths` make cluster-scoped.
    pub fn cluster_scoped_types(&self) -> impl Iterator<Item = (&str, &str)> {
        self.scopes
            .iter()
            .filter(|(_, (namespaced, _))| !namespaced)
            .map(|((v, k), _)| (v.as_str(), k.as_str()))
    }
}

/// The Go types of kube-openapi's `spec` package, as far as decoding can fail on them.
#[derive(Debug, Clone, Copy)]
enum Ty {
    Str,
    Bool,
    F64,
    I64,
    Any,
    List(&'static Ty),
    Map(&'static Ty),
    Struct(&'static Struct),
    Schema,
    /// Top-level `definitions`: schemas, indexed by name and kind.
    Definitions,
    SchemaOrBool,
    StringOrArray,
    SchemaOrStringArray,
    Paths,
    Responses,
}

/// A struct: its fields by JSON name (in groups, for embedded structs); unknown members go
/// to its `Extensions` and are not checked. `refable` structs read a `$ref` from them.
#[derive(Debug)]
struct Struct {
    name: &'static str,
    refable: bool,
    groups: &'static [&'static [(&'static str, Ty)]],
}

const STRS: Ty = Ty::List(&Ty::Str);

static EXTERNAL_DOCS: Struct = Struct {
    name: "spec.ExternalDocumentation",
    refable: false,
    groups: &[&[("description", Ty::Str), ("url", Ty::Str)]],
};
static CONTACT: Struct = Struct {
    name: "spec.ContactInfo",
    refable: false,
    groups: &[&[("name", Ty::Str), ("url", Ty::Str), ("email", Ty::Str)]],
};
static LICENSE: Struct = Struct {
    name: "spec.License",
    refable: false,
    groups: &[&[("name", Ty::Str), ("url", Ty::Str)]],
};
static INFO: Struct = Struct {
    name: "spec.Info",
    refable: false,
    groups: &[&[
        ("description", Ty::Str),
        ("title", Ty::Str),
        ("termsOfService", Ty::Str),
        ("contact", Ty::Struct(&CONTACT)),
        ("license", Ty::Struct(&LICENSE)),
        ("version", Ty::Str),
    ]],
};
static TAG: Struct = Struct {
    name: "spec.Tag",
    refable: false,
    groups: &[&[
        ("description", Ty::Str),
        ("name", Ty::Str),
        ("externalDocs", Ty::Struct(&EXTERNAL_DOCS)),
    ]],
};
const STR_MAP: Ty = Ty::Map(&Ty::Str);
static SECURITY_SCHEME: Struct = Struct {
    name: "spec.SecurityScheme",
    refable: false,
    groups: &[&[
        ("description", Ty::Str),
        ("type", Ty::Str),
        ("name", Ty::Str),
        ("in", Ty::Str),
        ("flow", Ty::Str),
        ("authorizationUrl", Ty::Str),
        ("tokenUrl", Ty::Str),
        ("scopes", STR_MAP),
    ]],
};
static COMMON_VALIDATIONS: [(&str, Ty); 12] = [
    ("maximum", Ty::F64),
    ("exclusiveMaximum", Ty::Bool),
    ("minimum", Ty::F64),
    ("exclusiveMinimum", Ty::Bool),
    ("maxLength", Ty::I64),
    ("minLength", Ty::I64),
    ("pattern", Ty::Str),
    ("maxItems", Ty::I64),
    ("minItems", Ty::I64),
    ("uniqueItems", Ty::Bool),
    ("multipleOf", Ty::F64),
    ("enum", Ty::List(&Ty::Any)),
];
static SIMPLE_SCHEMA: [(&str, Ty); 7] = [
    ("type", Ty::Str),
    ("nullable", Ty::Bool),
    ("format", Ty::Str),
    ("items", Ty::Struct(&ITEMS)),
    ("collectionFormat", Ty::Str),
    ("default", Ty::Any),
    ("example", Ty::Any),
];
static ITEMS: Struct =
    Struct { name: "spec.Items", refable: true, groups: &[&COMMON_VALIDATIONS, &SIMPLE_SCHEMA] };
static HEADER: Struct = Struct {
    name: "spec.Header",
    refable: false,
    groups: &[&COMMON_VALIDATIONS, &SIMPLE_SCHEMA, &[("description", Ty::Str)]],
};
static HEADER_TY: Ty = Ty::Struct(&HEADER);
static RESPONSE: Struct = Struct {
    name: "spec.Response",
    refable: true,
    groups: &[&[
        ("description", Ty::Str),
        ("schema", Ty::Schema),
        ("headers", Ty::Map(&HEADER_TY)),
        ("examples", Ty::Map(&Ty::Any)),
    ]],
};
static PARAMETER: Struct = Struct {
    name: "spec.Parameter",
    refable: true,
    groups: &[
        &COMMON_VALIDATIONS,
        &SIMPLE_SCHEMA,
        &[
            ("description", Ty::Str),
            ("name", Ty::Str),
            ("in", Ty::Str),
            ("required", Ty::Bool),
            ("schema", Ty::Schema),
            ("allowEmptyValue", Ty::Bool),
        ],
    ],
};
static PARAMETER_TY: Ty = Ty::Struct(&PARAMETER);
static RESPONSE_TY: Ty = Ty::Struct(&RESPONSE);
static SECURITY_SCHEME_TY: Ty = Ty::Struct(&SECURITY_SCHEME);
static TAG_TY: Ty = Ty::Struct(&TAG);
static SECURITY_REQUIREMENT: Ty = Ty::Map(&STRS);
static OPERATION: Struct = Struct {
    name: "spec.Operation",
    refable: false,
    groups: &[&[
        ("description", Ty::Str),
        ("consumes", STRS),
        ("produces", STRS),
        ("schemes", STRS),
        ("tags", STRS),
        ("summary", Ty::Str),
        ("externalDocs", Ty::Struct(&EXTERNAL_DOCS)),
        ("operationId", Ty::Str),
        ("deprecated", Ty::Bool),
        ("security", Ty::List(&SECURITY_REQUIREMENT)),
        ("parameters", Ty::List(&PARAMETER_TY)),
        ("responses", Ty::Responses),
    ]],
};
static PATH_ITEM: Struct = Struct {
    name: "spec.PathItem",
    refable: true,
    groups: &[&[
        ("get", Ty::Struct(&OPERATION)),
        ("put", Ty::Struct(&OPERATION)),
        ("post", Ty::Struct(&OPERATION)),
        ("delete", Ty::Struct(&OPERATION)),
        ("options", Ty::Struct(&OPERATION)),
        ("head", Ty::Struct(&OPERATION)),
        ("patch", Ty::Struct(&OPERATION)),
        ("parameters", Ty::List(&PARAMETER_TY)),
    ]],
};
static SWAGGER: Struct = Struct {
    name: "spec.Swagger",
    refable: false,
    groups: &[&[
        ("id", Ty::Str),
        ("consumes", STRS),
        ("produces", STRS),
        ("schemes", STRS),
        ("swagger", Ty::Str),
        ("info", Ty::Struct(&INFO)),
        ("host", Ty::Str),
        ("basePath", Ty::Str),
        ("paths", Ty::Paths),
        ("definitions", Ty::Definitions),
        ("parameters", Ty::Map(&PARAMETER_TY)),
        ("responses", Ty::Map(&RESPONSE_TY)),
        ("securityDefinitions", Ty::Map(&SECURITY_SCHEME_TY)),
        ("security", Ty::List(&SECURITY_REQUIREMENT)),
        ("tags", Ty::List(&TAG_TY)),
        ("externalDocs", Ty::Struct(&EXTERNAL_DOCS)),
    ]],
};

/// The fields of `spec.Schema` (`SchemaProps` and `SwaggerSchemaProps`) that are only
/// checked; the ones merge reads are handled in [`Decoder::schema`].
static SCHEMA_FIELDS: [(&str, Ty); 27] = [
    ("id", Ty::Str),
    ("description", Ty::Str),
    ("nullable", Ty::Bool),
    ("format", Ty::Str),
    ("title", Ty::Str),
    ("default", Ty::Any),
    ("maximum", Ty::F64),
    ("exclusiveMaximum", Ty::Bool),
    ("minimum", Ty::F64),
    ("exclusiveMinimum", Ty::Bool),
    ("maxLength", Ty::I64),
    ("minLength", Ty::I64),
    ("pattern", Ty::Str),
    ("maxItems", Ty::I64),
    ("minItems", Ty::I64),
    ("uniqueItems", Ty::Bool),
    ("multipleOf", Ty::F64),
    ("enum", Ty::List(&Ty::Any)),
    ("maxProperties", Ty::I64),
    ("minProperties", Ty::I64),
    ("required", STRS),
    ("patternProperties", Ty::Map(&Ty::Schema)),
    ("dependencies", Ty::Map(&Ty::SchemaOrStringArray)),
    ("additionalItems", Ty::SchemaOrBool),
    ("discriminator", Ty::Str),
    ("readOnly", Ty::Bool),
    ("externalDocs", Ty::Struct(&EXTERNAL_DOCS)),
];
static SCHEMA_LISTS: [&str; 3] = ["allOf", "oneOf", "anyOf"];

const GVK_EXTENSION: &str = "x-kubernetes-group-version-kind";

impl Ty {
    fn go_name(self) -> String {
        match self {
            Ty::Str => "string".into(),
            Ty::Bool => "bool".into(),
            Ty::F64 => "float64".into(),
            Ty::I64 => "int64".into(),
            Ty::Any => "interface {}".into(),
            Ty::List(t) => format!("[]{}", t.go_name()),
            Ty::Map(t) => format!("map[string]{}", t.go_name()),
            Ty::Struct(s) => s.name.into(),
            Ty::Schema => "spec.Schema".into(),
            Ty::Definitions => "spec.Definitions".into(),
            Ty::SchemaOrBool => "spec.SchemaOrBool".into(),
            Ty::StringOrArray => "spec.StringOrArray".into(),
            Ty::SchemaOrStringArray => "spec.SchemaOrStringArray".into(),
            Ty::Paths => "spec.Paths".into(),
            Ty::Responses => "spec.Responses".into(),
        }
    }
}

struct Decoder {
    nodes: Vec<SchemaNode>,
    /// JSON pointer tokens of the value being decoded (for messages).
    path: Vec<String>,
    definitions: VecMap<String, u32>,
    types: VecMap<(String, String), u32>,
    scopes: VecMap<(String, String), (bool, Span)>,
}

impl Decoder {
    fn pointer(&self) -> String {
        self.path.iter().fold(String::new(), |mut pointer, token| {
            pointer.push('/');
            pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
            pointer
        })
    }

    fn mismatch(&self, value: &Value, ty: Ty) -> Invalid {
        let within = if self.path.is_empty() {
            String::new()
        } else {
            format!(" within {:?}", self.pointer())
        };
        Invalid::new(
            format!(
                "json: cannot unmarshal JSON {} into Go {}{within}",
                value.kind.json_name(),
                ty.go_name()
            ),
            value.span,
        )
    }

    fn with<T>(
        &mut self,
        token: &str,
        f: impl FnOnce(&mut Self) -> Result<T, Invalid>,
    ) -> Result<T, Invalid> {
        self.path.push(token.to_string());
        let result = f(self);
        self.path.pop();
        result
    }

    /// Checks `value` against `ty` (`null` fits every type).
    fn value(&mut self, value: &Value, ty: Ty) -> Result<(), Invalid> {
        match (&value.kind, ty) {
            (Kind::Null, _)
            | (_, Ty::Any)
            | (Kind::String(_), Ty::Str | Ty::StringOrArray)
            | (Kind::Bool(_), Ty::Bool | Ty::SchemaOrBool) => Ok(()),
            // kube-openapi decodes an object or an array, and reads and drops anything else.
            (kind, Ty::SchemaOrStringArray) => match kind {
                Kind::Object(_) => self.schema(value).map(drop),
                Kind::Array(items) => self.list(items, &Ty::Str),
                _ => Ok(()),
            },
            (Kind::Number(n), Ty::F64 | Ty::I64) => {
                let fits = if matches!(ty, Ty::F64) { n.finite } else { n.integer.is_some() };
                if fits {
                    Ok(())
                } else {
                    Err(Invalid::new(
                        format!(
                            "json: cannot unmarshal JSON number into Go {} within {:?}",
                            ty.go_name(),
                            self.pointer()
                        ),
                        value.span,
                    ))
                }
            }
            (Kind::Array(items), Ty::StringOrArray) => self.list(items, &Ty::Str),
            (Kind::Array(items), Ty::List(item)) => self.list(items, item),
            (Kind::Object(members), Ty::Map(item)) => {
                members.iter().try_for_each(|m| self.with(&m.name, |d| d.value(&m.value, *item)))
            }
            (Kind::Object(_), Ty::Struct(s)) => self.fields(value, s),
            (Kind::Object(_), Ty::Schema | Ty::SchemaOrBool) => self.schema(value).map(drop),
            (Kind::Object(members), Ty::Definitions) => self.definitions(members),
            (Kind::Object(members), Ty::Paths) => self.paths(members),
            (Kind::Object(members), Ty::Responses) => self.responses(members),
            _ => Err(self.mismatch(value, ty)),
        }
    }

    fn list(&mut self, items: &[Value], ty: &Ty) -> Result<(), Invalid> {
        for (i, item) in items.iter().enumerate() {
            self.with(&i.to_string(), |d| d.value(item, *ty))?;
        }
        Ok(())
    }

    fn fields(&mut self, value: &Value, s: &Struct) -> Result<(), Invalid> {
        let Kind::Object(members) = &value.kind else { return Ok(()) };
        for m in members {
            if s.refable && m.name == "$ref" {
                if let Some(text) = m.value.as_str() {
                    parse_reference(text, m.value.span)?;
                }
                continue;
            }
            let known = s.groups.iter().flat_map(|g| g.iter()).find(|(name, _)| *name == m.name);
            if let Some((_, ty)) = known {
                self.with(&m.name, |d| d.value(&m.value, *ty))?;
            }
        }
        Ok(())
    }

    /// A `spec.Schema`, compiled into a node.
    fn schema(&mut self, value: &Value) -> Result<u32, Invalid> {
        let id = u32::try_from(self.nodes.len())
            .map_err(|_| Invalid::new("schema too large", value.span))?;
        self.nodes.push(SchemaNode { span: value.span, ..SchemaNode::default() });
        let members = match &value.kind {
            Kind::Object(members) => members,
            Kind::Null => return Ok(id),
            _ => return Err(self.mismatch(value, Ty::Schema)),
        };
        let mut node = SchemaNode { span: value.span, ..SchemaNode::default() };
        for m in members {
            let v = &m.value;
            match m.name.as_str() {
                "properties" => match &v.kind {
                    Kind::Object(props) => {
                        for p in props {
                            let child = self
                                .with("properties", |d| d.with(&p.name, |d| d.schema(&p.value)))?;
                            node.properties.push((p.name.clone(), child));
                        }
                    }
                    Kind::Null => {}
                    _ => {
                        self.path.push("properties".into());
                        let error = self.mismatch(v, Ty::Map(&Ty::Schema));
                        self.path.pop();
                        return Err(error);
                    }
                },
                "additionalProperties" => match &v.kind {
                    Kind::Object(_) => {
                        node.additional = Some(self.with("additionalProperties", |d| d.schema(v))?);
                    }
                    Kind::Bool(_) | Kind::Null => {}
                    _ => {
                        return Err(Invalid::new(
                            format!(
                                "json: expected object or bool, not '{}' within {:?}",
                                v.kind.json_name(),
                                format!("{}/additionalProperties", self.pointer())
                            ),
                            v.span,
                        ));
                    }
                },
                "items" => {
                    node.items = match &v.kind {
                        Kind::Object(_) => Items::One(self.with("items", |d| d.schema(v))?),
                        Kind::Null => Items::Absent,
                        Kind::Array(items) => {
                            self.with("items", |d| d.list(items, &Ty::Schema))?;
                            Items::Other(v.span)
                        }
                        _ => Items::Other(v.span),
                    };
                }
                "type" => {
                    self.with("type", |d| d.value(v, Ty::StringOrArray))?;
                    node.array = match &v.kind {
                        Kind::String(s) => s == "array",
                        Kind::Array(items) => {
                            matches!(items.as_slice(), [only] if only.as_str() == Some("array"))
                        }
                        _ => false,
                    };
                }
                "not" | "definitions" => {
                    let ty = if m.name == "not" { Ty::Schema } else { Ty::Map(&Ty::Schema) };
                    self.with(&m.name, |d| d.value(v, ty))?;
                }
                "$ref" => {
                    if let Some(text) = v.as_str() {
                        node.reference = parse_reference(text, v.span)?;
                    }
                }
                "$schema" => {
                    if let Some(text) = v.as_str() {
                        parse_reference(text, v.span)?;
                    }
                }
                "x-kubernetes-patch-strategy" => node.strategy = Some(v.clone()),
                "x-kubernetes-patch-merge-key" => node.merge_key = Some(v.clone()),
                "x-kubernetes-list-map-keys" => node.map_keys = Some(v.clone()),
                name if SCHEMA_LISTS.contains(&name) => {
                    self.with(name, |d| d.value(v, Ty::List(&Ty::Schema)))?;
                }
                name => {
                    if let Some((_, ty)) = SCHEMA_FIELDS.iter().find(|(n, _)| *n == name) {
                        self.with(name, |d| d.value(v, *ty))?;
                    }
                }
            }
        }
        if let Some(slot) = self.nodes.get_mut(id as usize) {
            *slot = node;
        }
        Ok(id)
    }

    /// Top-level `definitions`: each one compiled and indexed by its kinds.
    fn definitions(&mut self, members: &[Member]) -> Result<(), Invalid> {
        for m in members {
            let id = self.with(&m.name, |d| d.schema(&m.value))?;
            self.definitions.insert(m.name.clone(), id);
            let Some(Value { kind: Kind::Array(entries), .. }) = m.value.member(GVK_EXTENSION)
            else {
                continue;
            };
            for entry in entries {
                if let Some(type_meta) = type_meta(entry)? {
                    self.types.insert(type_meta, id);
                }
            }
        }
        Ok(())
    }

    /// `spec.Paths`: `/…` members are path items, `x-…` extensions, the rest skipped.
    fn paths(&mut self, members: &[Member]) -> Result<(), Invalid> {
        for m in members {
            if !m.name.starts_with('/') {
                continue;
            }
            self.with(&m.name, |d| d.value(&m.value, Ty::Struct(&PATH_ITEM)))?;
            let Some(gvk) = m.value.member("get").and_then(|get| get.member(GVK_EXTENSION)) else {
                continue;
            };
            if let Some(type_meta) = type_meta(gvk)? {
                let namespaced = m.name.contains("namespaces/{namespace}");
                let entry = self.scopes.get_or_insert_with(type_meta, || (namespaced, m.name_span));
                if namespaced && !entry.0 {
                    *entry = (true, m.name_span);
                }
            }
        }
        Ok(())
    }

    /// `spec.Responses`: `default`, status codes and extensions.
    fn responses(&mut self, members: &[Member]) -> Result<(), Invalid> {
        for m in members {
            if is_extension_key(&m.name) {
                continue;
            }
            let status = m.name.strip_prefix(['+', '-']).unwrap_or(&m.name);
            let numeric = !status.is_empty()
                && status.len() < 19
                && status.bytes().all(|b| b.is_ascii_digit());
            if m.name != "default" && !numeric {
                return Err(Invalid::new(
                    format!(
                        "responses member {:?} within {:?} is neither \"default\", a status code nor an extension: \
                         kube-openapi's decoder loses its place here",
                        m.name,
                        self.pointer()
                    ),
                    m.name_span,
                ));
            }
            self.with(&m.name, |d| d.value(&m.value, Ty::Struct(&RESPONSE)))?;
        }
        Ok(())
    }
}

fn is_extension_key(name: &str) -> bool {
    matches!(name.as_bytes(), [b'x' | b'X', b'-', ..])
}

/// kyaml's `toTypeMeta`: a mapping with string `version` and `kind` (kyaml panics on any other
/// mapping) and an optional string `group`; anything but a mapping is skipped.
fn type_meta(entry: &Value) -> Result<Option<(String, String)>, Invalid> {
    if !matches!(entry.kind, Kind::Object(_)) {
        return Ok(None);
    }
    let field = |name: &str| -> Result<String, Invalid> {
        match entry.member(name) {
            Some(Value { kind: Kind::String(s), .. }) => Ok(s.clone()),
            found => {
                let (go, span) = found.map_or(("nil", entry.span), |v| (v.kind.go_name(), v.span));
                Err(Invalid::new(
                    format!(
                        "{GVK_EXTENSION} entry: {name}: interface conversion: interface {{}} is {go}, not string"
                    ),
                    span,
                ))
            }
        }
    };
    let version = field("version")?;
    let kind = field("kind")?;
    let api_version = match entry.member("group").and_then(Value::as_str) {
        Some(group) if !group.is_empty() => format!("{group}/{version}"),
        _ => version,
    };
    Ok(Some((api_version, kind)))
}

/// A `$ref` (or `$schema`) as `jsonreference.New` parses it: a URL whose fragment is a JSON
/// pointer. An empty string is no reference; a URL `url.Parse` refuses fails the document.
fn parse_reference(text: &str, span: Span) -> Result<Option<Reference>, Invalid> {
    if text.is_empty() {
        return Ok(None);
    }
    let bad = |why: &str| Err(Invalid::new(format!("parse {text:?}: {why}"), span));
    if text.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return bad("net/url: invalid control character in URL");
    }
    let (before, fragment) = text.split_once('#').unwrap_or((text, ""));
    if let Some(escape) = invalid_escape(text) {
        return bad(&format!("invalid URL escape {escape:?}"));
    }
    if before.starts_with(':') {
        return bad("missing protocol scheme");
    }
    if let Some((scheme, _)) = before.split_once(':') {
        let first_segment = !scheme.contains('/');
        let valid_scheme = scheme.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.');
        if first_segment && !valid_scheme {
            return bad("first path segment in URL cannot contain colon");
        }
    }
    let fragment = percent_decode(fragment);
    let tokens = match fragment.strip_prefix('/') {
        Some(pointer) => {
            pointer.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
        }
        // No fragment, or one that is not a pointer: jsonreference keeps an empty pointer.
        None => Vec::new(),
    };
    Ok(Some(Reference { tokens, span }))
}

fn invalid_escape(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let ok = bytes.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if !ok {
                return text.get(i..(i + 3).min(text.len())).or(Some("%"));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    None
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::super::value::read_json;
    use super::*;

    fn doc(text: &str) -> Result<Document, Invalid> {
        let file: Arc<str> = Arc::from("schema.json");
        decode(
            &file,
            &read_json(text).map_err(|e| Invalid::new(format!("syntax: {}", e.message), e.span))?,
        )
    }

    const WIDGET: &str = r##"{
      "definitions": {
        "com.example.v1.Widget": {
          "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "Widget", "version": "v1"}],
          "properties": {
            "spec": {"$ref": "#/definitions/com.example.v1.WidgetSpec"}
          }
        },
        "com.example.v1.WidgetSpec": {
          "properties": {
            "parts": {
              "type": "array",
              "items": {"type": "object"},
              "x-kubernetes-patch-strategy": "merge",
              "x-kubernetes-patch-merge-key": "name"
            },
            "tags": {"type": ["array"], "items": [{"type": "string"}]}
          }
        }
      },
      "paths": {
        "/apis/example.com/v1/widgets/{name}": {
          "get": {"x-kubernetes-group-version-kind": {"group": "example.com", "version": "v1", "kind": "Widget"}}
        },
        "/apis/example.com/v1/namespaces/{namespace}/gadgets/{name}": {
          "get": {"x-kubernetes-group-version-kind": {"group": "example.com", "version": "v1", "kind": "Gadget"},
                  "responses": {"200": {"description": "OK"}}}
        },
        "x-extension": 1,
        "skipped": [1, 2]
      }
    }"##;

    #[test]
    fn definitions_kinds_and_scopes() {
        let d = doc(WIDGET).expect("valid");
        let widget = d.types[&("example.com/v1".to_string(), "Widget".to_string())];
        assert_eq!(d.definitions["com.example.v1.Widget"], widget);
        let spec_ref = d.nodes[widget as usize].properties[0].1;
        let reference = d.nodes[spec_ref as usize].reference.clone().expect("a $ref");
        assert_eq!(reference.tokens, ["definitions", "com.example.v1.WidgetSpec"]);
        let spec = &d.nodes[d.definitions["com.example.v1.WidgetSpec"] as usize];
        let parts = &d.nodes[spec.properties[0].1 as usize];
        assert!(parts.array);
        assert!(matches!(parts.items, Items::One(_)));
        assert_eq!(parts.strategy.as_ref().and_then(Value::as_str), Some("merge"));
        let tags = &d.nodes[spec.properties[1].1 as usize];
        assert!(tags.array);
        assert!(matches!(tags.items, Items::Other(_)));
        let span = d.declares_cluster_scoped("example.com/v1", "Widget").expect("cluster-scoped");
        assert_eq!(&WIDGET[span.range()], "\"/apis/example.com/v1/widgets/{name}\"");
        assert_eq!(d.declares_cluster_scoped("example.com/v1", "Gadget"), None);
        assert_eq!(d.cluster_scoped_types().collect::<Vec<_>>(), [("example.com/v1", "Widget")]);
    }

    #[test]
    fn type_errors_name_the_place() {
        let err =
            doc(r#"{"definitions": {"a": {"description": 5}}}"#).expect_err("number for string");
        assert_eq!(
            err.message,
            "json: cannot unmarshal JSON number into Go string within \"/definitions/a/description\""
        );
        let err = doc(r#"{"definitions": []}"#).expect_err("array for map");
        assert_eq!(
            err.message,
            "json: cannot unmarshal JSON array into Go spec.Definitions within \"/definitions\""
        );
        assert!(doc(r#"{"swagger": 2}"#).is_err());
        assert!(doc(r#"{"paths": {"/x": {"get": {"responses": 5}}}}"#).is_err());
        assert!(doc(r#"{"definitions": {"a": {"required": "x"}}}"#).is_err());
        assert!(doc(r#"{"definitions": {"a": {"maxLength": 1.5}}}"#).is_err());
        assert!(doc(r#"{"definitions": {"a": {"additionalProperties": 1}}}"#).is_err());
        assert!(doc(r#"{"definitions": {"a": {"type": 1}}}"#).is_err());
        assert!(doc(r#"{"definitions": {"a": {"$ref": "%zz"}}}"#).is_err());
        let err =
            doc(r#"{"definitions": {"a": {"x-kubernetes-group-version-kind": [{"kind": "A"}]}}}"#)
                .expect_err("gvk without version");
        assert!(err.message.contains("is nil, not string"));
    }

    #[test]
    fn what_kyaml_tolerates() {
        assert!(doc(r#"{"foo": 2, "definitions": null, "paths": null}"#).is_ok());
        assert!(doc(r#"{"definitions": {"a": {"items": 5, "$ref": 3, "x-anything": [1], "Properties": 7}}}"#).is_ok());
        let d = doc(r#"{"definitions": {"a": {"x-kubernetes-group-version-kind": [{"group": 5, "version": "v1", "kind": "A"}, "x"]}}}"#)
            .expect("group that is not a string is dropped");
        assert!(d.types.contains_key(&("v1".to_string(), "A".to_string())));
    }

    #[test]
    fn references() {
        let r = |t: &str| parse_reference(t, Span::default()).map(|r| r.map(|r| r.tokens));
        assert_eq!(
            r("#/definitions/a~1b%20c"),
            Ok(Some(vec!["definitions".into(), "a/b c".into()]))
        );
        assert_eq!(r("other.json"), Ok(Some(vec![])));
        assert_eq!(r(""), Ok(None));
        assert!(r(":x").is_err());
        assert!(r("1a:b").is_err());
        assert!(r("http://example.com/s.json#/definitions/x").is_ok());
    }
}
