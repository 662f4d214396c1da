//! An `ApplicationSet` as the controller holds it: typed values with the bytes they came from.
//!
//! The controller sees the object the API server stored: the YAML was read as
//! `sigs.k8s.io/yaml` reads it (go-yaml v2 typing: `yes` is a boolean, `012` octal), checked
//! against the CRD (a value of the wrong type refuses the object, an unknown field is
//! dropped), and decoded into Go structs. [`decode`] does all of that in one walk over our
//! YAML nodes and keeps each value's span, so that a template error, a missing path or an
//! unknown key points at its bytes. A [`Doc`] made by rendering keeps the span of the
//! template value it came from.

use crate::diagnostic::{Code, Span};
use crate::gotemplate::Value;
use crate::yaml::json::Json;
use crate::yaml::resolve::{Resolved, Schema, resolve};
use crate::yaml::{Body, Node};

use super::schema::{self, Ty};

/// A value and where it is in the `ApplicationSet`'s file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Doc {
    pub v: V,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum V {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Doc>),
    Map(Vec<Entry>),
}

/// A key and its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Doc,
}

/// Something the API server (or the controller's decoding) refuses or drops.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub code: Code,
    pub message: String,
    pub span: Span,
}

impl Doc {
    pub fn new(v: V, span: Span) -> Doc {
        Doc { v, span }
    }

    pub fn str(s: impl Into<String>, span: Span) -> Doc {
        Doc { v: V::Str(s.into()), span }
    }

    pub fn map(entries: Vec<Entry>, span: Span) -> Doc {
        Doc { v: V::Map(entries), span }
    }

    /// The value of key `key` of a map.
    pub fn get(&self, key: &str) -> Option<&Doc> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.v {
            V::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Doc> {
        match &mut self.v {
            V::Map(entries) => entries.iter_mut().find(|e| e.key == key).map(|e| &mut e.value),
            _ => None,
        }
    }

    /// Sets `key` (replacing its value, or adding it at the end).
    pub fn set(&mut self, key: &str, value: Doc) {
        if let V::Map(entries) = &mut self.v {
            if let Some(entry) = entries.iter_mut().find(|e| e.key == key) {
                entry.value = value;
            } else {
                let key_span = value.span;
                entries.push(Entry { key: key.to_owned(), key_span, value });
            }
        }
    }

    pub fn remove(&mut self, key: &str) {
        if let V::Map(entries) = &mut self.v {
            entries.retain(|e| e.key != key);
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> bool {
        matches!(self.v, V::Bool(true))
    }

    pub fn items(&self) -> &[Doc] {
        match &self.v {
            V::List(items) => items,
            _ => &[],
        }
    }

    pub fn entries(&self) -> &[Entry] {
        match &self.v {
            V::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The strings of a list of strings.
    pub fn strings(&self) -> Vec<String> {
        self.items().iter().filter_map(|d| d.as_str().map(str::to_owned)).collect()
    }

    /// A `map[string]string` field, in key order (Go's maps have none; ours is the file's).
    pub fn string_map(&self) -> Vec<(String, String)> {
        self.entries()
            .iter()
            .filter_map(|e| Some((e.key.clone(), e.value.as_str()?.to_owned())))
            .collect()
    }

    /// Go's zero value test (`omitempty`, mergo's "empty"): `""`, `false`, `0`, null, and empty
    /// lists and maps.
    pub fn is_empty(&self) -> bool {
        match &self.v {
            V::Null => true,
            V::Bool(b) => !b,
            V::Int(i) => *i == 0,
            V::Float(f) => *f == 0.0,
            V::Str(s) => s.is_empty(),
            V::List(items) => items.is_empty(),
            V::Map(entries) => entries.is_empty(),
        }
    }

    /// `encoding/json`'s word for the value's JSON type (`cannot unmarshal object into …`).
    pub fn json_kind(&self) -> &'static str {
        match self.v {
            V::Null => "null",
            V::Bool(_) => "bool",
            V::Int(_) | V::Float(_) => "number",
            V::Str(_) => "string",
            V::List(_) => "array",
            V::Map(_) => "object",
        }
    }

    /// The value as JSON (maps keep their order).
    pub fn to_json(&self) -> Json {
        match &self.v {
            V::Null => Json::Null,
            V::Bool(b) => Json::Bool(*b),
            V::Int(i) => Json::Int(*i),
            V::Float(f) => Json::Float(*f),
            V::Str(s) => Json::String(s.clone()),
            V::List(items) => Json::Array(items.iter().map(Doc::to_json).collect()),
            V::Map(entries) => {
                Json::Object(entries.iter().map(|e| (e.key.clone(), e.value.to_json())).collect())
            }
        }
    }

    /// What `encoding/json` decodes this value into as `interface{}` (numbers are `float64`).
    pub fn to_value(&self) -> Value {
        Value::from_json(&self.to_json())
    }

    /// A value from JSON, every part at `span`.
    pub fn from_json(json: &Json, span: Span) -> Doc {
        let v = match json {
            Json::Null => V::Null,
            Json::Bool(b) => V::Bool(*b),
            Json::Int(i) => V::Int(*i),
            #[allow(clippy::cast_precision_loss)]
            Json::Uint(u) => V::Float(*u as f64),
            Json::Float(f) => V::Float(*f),
            Json::String(s) => V::Str(s.clone()),
            Json::Array(items) => V::List(items.iter().map(|j| Doc::from_json(j, span)).collect()),
            Json::Object(entries) => V::Map(
                entries
                    .iter()
                    .map(|(k, v)| Entry {
                        key: k.clone(),
                        key_span: span,
                        value: Doc::from_json(v, span),
                    })
                    .collect(),
            ),
        };
        Doc { v, span }
    }
}

/// Go's JSON of a value of type `ty`, as the controller's structs print it: fields in the
/// table's order, `omitempty` fields left out when empty, required fields always there (an
/// absent one as its zero value), fields the type does not have dropped.
pub(crate) fn print(doc: Option<&Doc>, ty: Ty) -> Json {
    match (ty, doc) {
        (Ty::Object(id, _), _) => {
            let mut out = Vec::new();
            for field in schema::fields(id) {
                let value = doc.and_then(|d| d.get(field.name));
                let keep = match value {
                    None => field.required,
                    Some(v) => {
                        field.required
                            || matches!(field.ty, Ty::Object(..))
                            || !(v.is_empty() || matches!(v.v, V::Null))
                    }
                };
                if keep {
                    out.push((field.name.to_owned(), print(value, field.ty)));
                }
            }
            Json::Object(out)
        }
        (Ty::List(item), Some(d)) => {
            if let V::List(items) = &d.v {
                let ty = schema::parse(item);
                Json::Array(items.iter().map(|i| print(Some(i), ty)).collect())
            } else {
                Json::Null
            }
        }
        (Ty::Map(item), Some(d)) => {
            if let V::Map(entries) = &d.v {
                let ty = schema::parse(item);
                let mut out: Vec<(String, Json)> =
                    entries.iter().map(|e| (e.key.clone(), print(Some(&e.value), ty))).collect();
                crate::sort::sort_by(&mut out, |a, b| a.0.cmp(&b.0));
                Json::Object(out)
            } else {
                Json::Null
            }
        }
        (_, Some(d)) => d.to_json(),
        (Ty::Str, None) => Json::String(String::new()),
        (Ty::Bool, None) => Json::Bool(false),
        (Ty::Int | Ty::IntOrStr, None) => Json::Int(0),
        (Ty::Float, None) => Json::Float(0.0),
        (_, None) => Json::Null,
    }
}

/// Reads `node` as a value of type `ty`, reporting what the API server refuses or drops.
/// `None` for a null or refused value (the field is then absent).
pub(crate) fn decode(node: &Node, ty: Ty, path: &str, problems: &mut Vec<Problem>) -> Option<Doc> {
    decode_in(node, ty, &At::Root(path), false, problems)
}

/// Where a value is in the object (`spec.generators[0].list`), spelled out only for a message.
#[derive(Debug, Clone, Copy)]
enum At<'a> {
    Root(&'a str),
    Field(&'a At<'a>, &'a str),
    Index(&'a At<'a>, usize),
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            At::Root(name) | At::Field(At::Root(""), name) => f.write_str(name),
            At::Field(parent, name) => write!(f, "{parent}.{name}"),
            At::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// [`decode`] inside a value the controller decodes leniently (`lenient`: unknown fields are
/// ignored there, not dropped by the API server).
fn decode_in(
    node: &Node,
    ty: Ty,
    path: &At<'_>,
    lenient: bool,
    problems: &mut Vec<Problem>,
) -> Option<Doc> {
    let span = node.origin.span;
    if ty == Ty::Raw {
        return match raw(node) {
            Ok(doc) => Some(doc),
            Err(message) => {
                problems.push(Problem { code: Code::AppSetInvalid, message, span });
                None
            }
        };
    }
    let refuse = |problems: &mut Vec<Problem>, found: &str| {
        problems.push(Problem {
            code: Code::AppSetInvalid,
            message: format!(
                "{path} must be of type {}, not {found} (the API server refuses the ApplicationSet)",
                json_type(ty)
            ),
            span,
        });
        None
    };
    match &node.body {
        Body::Scalar(text) => {
            let resolved =
                resolve(Schema::V2, node.tag.as_deref(), node.style, text).unwrap_or(Resolved::Str);
            let v = match resolved {
                Resolved::Null => return None,
                Resolved::Bool(b) => V::Bool(b),
                Resolved::Int(i) => V::Int(i),
                #[allow(clippy::cast_precision_loss)]
                Resolved::Uint(u) => V::Float(u as f64),
                Resolved::Float(f) => V::Float(f),
                _ => V::Str(text.clone()),
            };
            let fits = match (&v, ty) {
                (V::Str(_), Ty::Str | Ty::IntOrStr)
                | (V::Bool(_), Ty::Bool)
                | (V::Int(_), Ty::Int | Ty::IntOrStr | Ty::Float)
                | (V::Float(_), Ty::Float) => true,
                #[allow(clippy::float_cmp, clippy::cast_possible_truncation)]
                (V::Float(f), Ty::Int) => f.fract() == 0.0 && f.abs() < 9.0e15,
                _ => false,
            };
            if !fits {
                return refuse(problems, value_type(&v));
            }
            #[allow(clippy::cast_possible_truncation)]
            let v = match (v, ty) {
                (V::Float(f), Ty::Int) => V::Int(f as i64),
                (v, _) => v,
            };
            Some(Doc { v, span })
        }
        Body::Seq(items) => {
            let Ty::List(item) = ty else { return refuse(problems, "array") };
            let item = schema::parse(item);
            let mut out = Vec::with_capacity(items.len());
            for (i, node) in items.iter().enumerate() {
                let path = At::Index(path, i);
                match decode_in(node, item, &path, lenient, problems) {
                    Some(doc) => out.push(doc),
                    None if node.is_null() => {
                        refuse_null(problems, &path.to_string(), item, node.origin.span);
                    }
                    None => {}
                }
            }
            Some(Doc { v: V::List(out), span })
        }
        Body::Map(pairs) => match ty {
            Ty::Object(id, own) => {
                Some(decode_object(pairs, id, lenient || own, path, span, problems))
            }
            Ty::Map(item) => {
                let item = schema::parse(item);
                let mut out = Vec::with_capacity(pairs.len());
                for (key, value) in pairs {
                    let name = key_text(key);
                    let path = At::Field(path, &name);
                    if let Some(doc) = decode_in(value, item, &path, lenient, problems) {
                        out.push(Entry { key: name, key_span: key.origin.span, value: doc });
                    }
                }
                Some(Doc { v: V::Map(out), span })
            }
            _ => refuse(problems, "object"),
        },
    }
}

fn refuse_null(problems: &mut Vec<Problem>, path: &str, ty: Ty, span: Span) {
    problems.push(Problem {
        code: Code::AppSetInvalid,
        message: format!(
            "{path} must be of type {}, not null (the API server refuses the ApplicationSet)",
            json_type(ty)
        ),
        span,
    });
}

fn decode_object(
    pairs: &[(Node, Node)],
    id: usize,
    lenient: bool,
    path: &At<'_>,
    span: Span,
    problems: &mut Vec<Problem>,
) -> Doc {
    let mut out = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        let name = key_text(key);
        let Some(field) = schema::field(id, &name) else {
            let (code, what) = if lenient {
                (Code::AppSetNestingDropped, "the controller ignores it")
            } else {
                (Code::AppSetUnknownField, "the API server drops it")
            };
            let message = if lenient && (name == "matrix" || name == "merge") {
                format!(
                    "`{name}` nested here is a third level of generators, which Argo CD does not \
                     read: {what}, and the generator above produces nothing"
                )
            } else {
                format!("unknown field `{name}` in {path}: {what}")
            };
            problems.push(Problem { code, message, span: key.origin.span });
            continue;
        };
        let child = At::Field(path, &name);
        if let Some(doc) = decode_in(value, field.ty, &child, lenient, problems) {
            out.push(Entry { key: name, key_span: key.origin.span, value: doc });
        }
    }
    for field in schema::fields(id) {
        if field.required
            && !matches!(field.ty, Ty::Bool)
            && !out.iter().any(|e| e.key == field.name)
        {
            let child = At::Field(path, field.name);
            problems.push(Problem {
                code: Code::AppSetInvalid,
                message: format!("{child} is required (the API server refuses the ApplicationSet)"),
                span,
            });
        }
    }
    Doc { v: V::Map(out), span }
}

/// A mapping key as `sigs.k8s.io/yaml` turns it into a JSON key.
fn key_text(key: &Node) -> String {
    let text = key.scalar().unwrap_or_default();
    match resolve(Schema::V2, key.tag.as_deref(), key.style, text) {
        Ok(Resolved::Int(i)) => i.to_string(),
        Ok(Resolved::Bool(b)) => b.to_string(),
        Ok(Resolved::Float(f)) => crate::float::format_g(f),
        _ => text.to_owned(),
    }
}

/// Raw JSON (an element of a list generator, Helm's `valuesObject`): any YAML value, typed as
/// `sigs.k8s.io/yaml` types it.
pub(crate) fn raw(node: &Node) -> Result<Doc, String> {
    let span = node.origin.span;
    let v = match &node.body {
        Body::Scalar(text) => {
            match resolve(Schema::V2, node.tag.as_deref(), node.style, text)
                .map_err(|e| e.to_string())?
            {
                Resolved::Null => V::Null,
                Resolved::Bool(b) => V::Bool(b),
                Resolved::Int(i) => V::Int(i),
                #[allow(clippy::cast_precision_loss)]
                Resolved::Uint(u) => V::Float(u as f64),
                Resolved::Float(f) if f.is_finite() => V::Float(f),
                Resolved::Float(_) => {
                    return Err(format!("{text} is not a number JSON can hold"));
                }
                _ => V::Str(text.clone()),
            }
        }
        Body::Seq(items) => V::List(items.iter().map(raw).collect::<Result<_, _>>()?),
        Body::Map(pairs) => {
            let mut out: Vec<Entry> = Vec::with_capacity(pairs.len());
            for (key, value) in pairs {
                let entry =
                    Entry { key: key_text(key), key_span: key.origin.span, value: raw(value)? };
                // A later duplicate wins, as decoding into a Go map does.
                out.retain(|e| e.key != entry.key);
                out.push(entry);
            }
            V::Map(out)
        }
    };
    Ok(Doc { v, span })
}

/// A YAML value as `sigs.k8s.io/yaml` converts it to JSON.
pub(crate) fn yaml_json(node: &Node) -> Result<Json, String> {
    raw(node).map(|d| d.to_json())
}

/// JSON's name for the type of a value of a field type.
fn json_type(ty: Ty) -> &'static str {
    match ty {
        Ty::Str => "string",
        Ty::Bool => "boolean",
        Ty::Int => "integer",
        Ty::Float => "number",
        Ty::IntOrStr => "integer or string",
        Ty::Raw => "any",
        Ty::Object(..) | Ty::Map(_) => "object",
        Ty::List(_) => "array",
    }
}

fn value_type(v: &V) -> &'static str {
    match v {
        V::Null => "null",
        V::Bool(_) => "boolean",
        V::Int(_) => "integer",
        V::Float(_) => "number",
        V::Str(_) => "string",
        V::List(_) => "array",
        V::Map(_) => "object",
    }
}
