//! JSON values with origins, and the three conversions kustomize's JSON patch goes through.
//!
//! - A resource becomes JSON as kyaml's `RNode.MarshalJSON` makes it ([`Value::from_resource`]):
//!   go-yaml v3 types each scalar (timestamps become RFC 3339 strings, `1.0` the number `1`),
//!   and `encoding/json` refuses NaN, infinities and nested mappings with non-string keys.
//! - A patch written in YAML becomes JSON as `sigs.k8s.io/yaml.YAMLToJSON` makes it
//!   ([`Value::from_yaml_patch`]): go-yaml v2 types each scalar, so `yes` is `true` and `010`
//!   is `8`. A patch written in JSON keeps its numbers as written ([`Value::from_json_patch`]).
//! - The patched JSON becomes YAML again as kyaml's `UnmarshalJSON` makes it
//!   ([`Value::into_node`]): every number is a Go `float64` printed by go-yaml (`1e+06`,
//!   `1.2345678901234567e+19`), and mapping keys are sorted.
//!
//! Values keep the origin of the node they were made from, so the patched resource still
//! knows which file wrote each value.

use crate::kustomize::patch::PatchError;
use crate::yaml::resolve::{Resolved, Schema as Rules, resolve};
use crate::yaml::{Body, Node, Origin, Style};

/// Deepest value converted or built: above the parser's limit (200), and low enough for
/// recursion (conversion, comparison, cloning) to fit a WebAssembly stack.
pub const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: Kind,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// A number as JSON text (Go's canonical form, or as written in a JSON patch).
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(Key, Value)>),
}

/// An object key, with the origin of the node (or path) that named it.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub origin: Origin,
}

/// Which go-yaml reads a YAML scalar, and how non-string mapping keys are treated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reader {
    /// kyaml's `MarshalJSON` (go-yaml v3 into `map[string]interface{}`).
    Resource,
    /// `sigs.k8s.io/yaml.YAMLToJSON` (go-yaml v2, keys converted to strings).
    YamlPatch,
}

impl Value {
    #[must_use]
    pub fn new(kind: Kind, origin: Origin) -> Self {
        Value { kind, origin }
    }

    pub fn from_resource(node: &Node) -> Result<Value, PatchError> {
        convert(node, Reader::Resource, 0)
    }

    pub fn from_yaml_patch(node: &Node) -> Result<Value, PatchError> {
        convert(node, Reader::YamlPatch, 0)
    }

    /// A node parsed from JSON text; `None` when the text was not strict JSON.
    #[must_use]
    pub fn from_json_patch(node: &Node) -> Option<Value> {
        from_json_node(node, 0)
    }

    #[must_use]
    pub fn is_null(&self) -> bool {
        self.kind == Kind::Null
    }

    /// The YAML node kyaml builds from this value after the patch.
    pub fn into_node(self) -> Result<Node, PatchError> {
        into_node_at(self, 0)
    }

    /// The JSON type name Go's decoder uses in its messages.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "bool",
            Kind::Number(_) => "number",
            Kind::String(_) => "string",
            Kind::Array(_) => "array",
            Kind::Object(_) => "object",
        }
    }
}

fn convert(node: &Node, reader: Reader, depth: usize) -> Result<Value, PatchError> {
    if depth > MAX_DEPTH {
        return Err(PatchError::new("document nests too deeply for a JSON patch").at(&node.origin));
    }
    let kind = match &node.body {
        Body::Scalar(text) => scalar(node, text, reader)?,
        Body::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(convert(item, reader, depth + 1)?);
            }
            Kind::Array(out)
        }
        Body::Map(entries) => {
            let mut out: Vec<(Key, Value)> = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                let name = key_name(key, reader, depth)?;
                let value = convert(value, reader, depth + 1)?;
                // Keys that differ in YAML can be equal as strings (`yes` and `on` are both
                // `true` in YAML 1.1); Go's maps keep the later value.
                out.retain(|(k, _)| k.name != name);
                out.push((Key { name, origin: key.origin.clone() }, value));
            }
            Kind::Object(out)
        }
    };
    Ok(Value::new(kind, node.origin.clone()))
}

/// A scalar as the reader types it, then as `encoding/json` writes it.
fn scalar(node: &Node, text: &str, reader: Reader) -> Result<Kind, PatchError> {
    let rules = if reader == Reader::Resource { Rules::V3 } else { Rules::V2 };
    let resolved = resolve(rules, node.tag.as_deref(), node.style, text)
        .map_err(|e| PatchError::new(format!("yaml: {e}")).at(&node.origin))?;
    Ok(match resolved {
        Resolved::Null => Kind::Null,
        Resolved::Bool(b) => Kind::Bool(b),
        Resolved::Int(i) => Kind::Number(i.to_string()),
        Resolved::Uint(u) => Kind::Number(u.to_string()),
        Resolved::Float(f) => Kind::Number(crate::float::format_json(f).ok_or_else(|| {
            PatchError::new(format!("json: unsupported value: {}", crate::float::format_g(f)))
                .at(&node.origin)
        })?),
        Resolved::Timestamp if reader == Reader::Resource => Kind::String(
            crate::yaml::resolve::parse_timestamp(text)
                .map_or_else(|| text.to_string(), |t| t.rfc3339()),
        ),
        Resolved::Binary(bytes) => Kind::String(String::from_utf8_lossy(&bytes).into_owned()),
        // kyaml's `MarshalJSON` re-encodes the node with go-yaml v3 first (see `yaml::block`).
        Resolved::Str | Resolved::Custom | Resolved::Merge
            if reader == Reader::Resource && node.style == Style::Folded =>
        {
            Kind::String(crate::yaml::block::folded_round_trip(text).into_owned())
        }
        Resolved::Str | Resolved::Custom | Resolved::Merge | Resolved::Timestamp => {
            Kind::String(text.to_string())
        }
    })
}

/// A mapping key as a JSON object key. kyaml's decoder stringifies top-level keys but gives
/// up on nested mappings with non-string keys; `YAMLToJSON` stringifies numbers and booleans.
fn key_name(key: &Node, reader: Reader, depth: usize) -> Result<String, PatchError> {
    let Body::Scalar(text) = &key.body else {
        return Err(unsupported_key(key, reader));
    };
    if reader == Reader::Resource {
        let is_string = matches!(
            resolve(Rules::V3, key.tag.as_deref(), key.style, text),
            Ok(Resolved::Str | Resolved::Merge) | Err(_)
        );
        if !is_string && depth > 0 {
            return Err(unsupported_key(key, reader));
        }
        return Ok(text.clone());
    }
    Ok(match resolve(Rules::V2, key.tag.as_deref(), key.style, text) {
        Ok(Resolved::Int(i)) => i.to_string(),
        Ok(Resolved::Uint(u)) => u.to_string(),
        // `FormatFloat(f, 'g', -1, 32)`, with YAML's names for infinities and NaN.
        #[allow(clippy::cast_possible_truncation)]
        Ok(Resolved::Float(f)) => match f as f32 {
            narrow if narrow.is_finite() => crate::float::format_g32(narrow),
            narrow => crate::float::format_yaml(f64::from(narrow)),
        },
        Ok(Resolved::Bool(b)) => b.to_string(),
        Ok(Resolved::Null | Resolved::Binary(_)) => return Err(unsupported_key(key, reader)),
        _ => text.clone(),
    })
}

fn unsupported_key(key: &Node, reader: Reader) -> PatchError {
    let message = match reader {
        Reader::Resource => "json: unsupported type: map[interface {}]interface {}".to_string(),
        Reader::YamlPatch => {
            format!(
                "error converting YAML to JSON: unsupported map key: {}",
                key.scalar().unwrap_or("(a collection)")
            )
        }
    };
    PatchError::new(message).at(&key.origin)
}

/// Strict JSON as our YAML parser reads it: double-quoted strings and keys, and plain
/// `true`, `false`, `null` or numbers.
fn from_json_node(node: &Node, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH || node.tag.is_some() {
        return None;
    }
    let kind = match &node.body {
        Body::Scalar(text) => match (node.style, text.as_str()) {
            (Style::DoubleQuoted, _) => Kind::String(text.clone()),
            (Style::Plain, "true") => Kind::Bool(true),
            (Style::Plain, "false") => Kind::Bool(false),
            (Style::Plain, "null") => Kind::Null,
            (Style::Plain, t) if is_json_number(t) => Kind::Number(t.to_string()),
            _ => return None,
        },
        Body::Seq(items) if node.style == Style::Flow => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(from_json_node(item, depth + 1)?);
            }
            Kind::Array(out)
        }
        Body::Map(entries) if node.style == Style::Flow => {
            let mut out = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                if key.style != Style::DoubleQuoted || key.tag.is_some() {
                    return None;
                }
                let name = key.scalar()?.to_string();
                out.push((
                    Key { name, origin: key.origin.clone() },
                    from_json_node(value, depth + 1)?,
                ));
            }
            Kind::Object(out)
        }
        Body::Seq(_) | Body::Map(_) => return None,
    };
    Some(Value::new(kind, node.origin.clone()))
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let int = digits(i);
    if int == 0 || (int > 1 && b[i] == b'0') {
        return false;
    }
    i += int;
    if b.get(i) == Some(&b'.') {
        let frac = digits(i + 1);
        if frac == 0 {
            return false;
        }
        i += 1 + frac;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = digits(i);
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

fn into_node_at(value: Value, depth: usize) -> Result<Node, PatchError> {
    if depth > MAX_DEPTH {
        return Err(PatchError::new("JSON patch result nests too deeply").at(&value.origin));
    }
    let Value { kind, origin } = value;
    let node = match kind {
        Kind::Null => Node::null(),
        Kind::Bool(b) => Node::plain(if b { "true" } else { "false" }),
        Kind::Number(text) => Node::plain(go_float_text(&text).ok_or_else(|| {
            PatchError::new(format!(
                "json: cannot unmarshal number {text} into Go value of type float64"
            ))
            .at(&origin)
        })?),
        Kind::String(s) => Node::string(s),
        Kind::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(into_node_at(item, depth + 1)?);
            }
            Node::seq(out)
        }
        Kind::Object(mut entries) => {
            crate::sort::sort_by(&mut entries, |(a, _), (b, _)| a.name.cmp(&b.name));
            let mut map = Node::map();
            if let Body::Map(out) = &mut map.body {
                for (key, value) in entries {
                    out.push((
                        Node::string(key.name).with_origin(key.origin),
                        into_node_at(value, depth + 1)?,
                    ));
                }
            }
            map
        }
    };
    Ok(node.with_origin(origin))
}

/// A JSON number decoded into a Go `float64` and printed by go-yaml v3; `None` when it does
/// not fit a `float64`.
fn go_float_text(json: &str) -> Option<String> {
    let f = crate::float::parse_f64(json)?;
    f.is_finite().then(|| crate::float::format_g(f))
}

/// `lazyNode.equal` as json-patch v4's `test` uses it: objects by keys (nulls must agree),
/// arrays element by element, anything else by its JSON text. A null inside an array makes
/// the library panic; we call that unequal.
#[must_use]
pub fn json_equal(doc: &Value, op: &Value) -> bool {
    match (&doc.kind, &op.kind) {
        (Kind::Object(a), Kind::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, v)| match b.iter().find(|(bk, _)| bk.name == k.name) {
                    None => false,
                    Some((_, ov)) => match (v.is_null(), ov.is_null()) {
                        (true, true) => true,
                        (false, false) => json_equal(v, ov),
                        _ => false,
                    },
                })
        }
        (Kind::Array(a), Kind::Array(b)) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|(x, y)| !x.is_null() && !y.is_null() && json_equal(x, y))
        }
        (Kind::Bool(a), Kind::Bool(b)) => a == b,
        (Kind::Number(a), Kind::Number(b)) | (Kind::String(a), Kind::String(b)) => a == b,
        (Kind::Null, Kind::Null) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers() {
        for ok in ["0", "-0", "1.5", "1e3", "-1.0E+2", "10"] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in ["01", "1.", ".5", "+1", "1e", "0x10", "", "-"] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }
}
