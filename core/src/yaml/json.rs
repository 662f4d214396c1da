//! A resource as kustomize's printer sees it: the value go-yaml v2 receives in `JSONToYAML`.
//!
//! kustomize prints a resource in three hops (`Resource.AsYAML`):
//!
//! 1. `RNode.MarshalJSON` encodes the node with go-yaml v3 and decodes that text with go-yaml
//!    v3 into `map[string]interface{}`, then `encoding/json` marshals it. So scalars get v3
//!    types, timestamps become `time.Time` (printed as RFC 3339), `!!binary` becomes a Go
//!    string whose invalid UTF-8 JSON replaces byte by byte, and merge keys are merged.
//!    Top-level keys are decoded into Go strings (an int key `5` becomes `"5"`), but a nested
//!    mapping with any non-string key becomes `map[interface{}]interface{}`, which JSON refuses,
//!    as it refuses NaN and infinities.
//! 2. `sigs.k8s.io/yaml` reads the JSON text back with go-yaml v2. Numbers are typed again from
//!    their JSON spelling (the float `1.0` was written `1`, so it is now an int), and v2's
//!    scanner reads the raw characters JSON left unescaped: DEL and C1 controls are errors, and
//!    a NEL folds like a line break in a double-quoted scalar.
//! 3. go-yaml v2 marshals the result ([`super::emit`]).
//!
//! [`from_node`] performs hops 1 and 2 in one walk, so [`Json`] is exactly what hop 3 gets.
//! Errors are ranked as kustomize meets them: a v3 decoding error wins over a JSON error,
//! which wins over a v2 re-reading error.

use super::node::{Body, Node, Origin, Style};
use super::resolve::{self, Resolved, Schema};
use crate::vecmap::VecMap;

/// A JSON value with go-yaml v2's types for numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    /// Only integers above `i64::MAX`.
    Uint(u64),
    Float(f64),
    String(String),
    Array(Vec<Json>),
    /// Entries in document order; printing sorts them.
    Object(Vec<(String, Json)>),
}

/// Serialized as the JSON value it is (objects keep their entries' order).
impl serde::Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(b) => serializer.serialize_bool(*b),
            Json::Int(i) => serializer.serialize_i64(*i),
            Json::Uint(u) => serializer.serialize_u64(*u),
            Json::Float(f) => serializer.serialize_f64(*f),
            Json::String(s) => serializer.serialize_str(s),
            Json::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Why a resource cannot be printed, with kustomize's message (less the Go dump of the
/// resource that kustomize puts in front of it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct EncodeError {
    message: String,
    origin: Origin,
}

impl EncodeError {
    fn new(message: impl Into<String>, node: &Node) -> Self {
        EncodeError { message: message.into(), origin: node.origin.clone() }
    }

    /// kustomize's message (also the `Display` form).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where the offending node came from, unless the engine made it up.
    #[must_use]
    pub fn origin(&self) -> Option<&Origin> {
        (self.origin != Origin::default()).then_some(&self.origin)
    }
}

/// Deepest nesting converted (the parser already stops at 200 levels).
pub const MAX_DEPTH: usize = 512;

const UNSUPPORTED_MAP: &str = "json: unsupported type: map[interface {}]interface {}";

/// Converts one resource to the value go-yaml v2 marshals when kustomize prints it.
pub fn from_node(node: &Node) -> Result<Json, EncodeError> {
    let mut converter = Converter::default();
    let value = match &node.body {
        Body::Map(entries) => converter.mapping(node, entries, KeyMode::GoString, 0, false)?,
        Body::Seq(_) => converter.value(node, 0, false)?,
        Body::Scalar(_) if node.is_null() => Json::Null,
        Body::Scalar(text) => {
            return Err(EncodeError::new(
                format!(
                    "yaml: unmarshal errors:\n  cannot unmarshal {} `{text}` into map[string]interface {{}}",
                    scalar_tag(node)
                ),
                node,
            ));
        }
    };
    match converter.json_error.or(converter.reread_error) {
        Some(err) => Err(err),
        None => Ok(value),
    }
}

/// How mapping keys are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyMode {
    /// Into a Go `string` (the resource's top level, or a mapping merged into a string map):
    /// any scalar key is taken by its text.
    GoString,
    /// Into `interface{}` (nested mappings): non-string keys make a map JSON refuses.
    Interface,
}

#[derive(Default)]
struct Converter {
    /// The first error `encoding/json` would report.
    json_error: Option<EncodeError>,
    /// The first error go-yaml v2 would report reading the JSON back.
    reread_error: Option<EncodeError>,
    /// Raw NELs met so far: each one is a line break to v2's scanner (for error line numbers).
    nels: usize,
}

impl Converter {
    fn value(&mut self, node: &Node, depth: usize, in_flow: bool) -> Result<Json, EncodeError> {
        if depth > MAX_DEPTH {
            return Err(EncodeError::new(
                format!("YAML nesting is deeper than {MAX_DEPTH} levels"),
                node,
            ));
        }
        let in_flow = in_flow || node.style == Style::Flow;
        match &node.body {
            Body::Scalar(text) => self.scalar(node, text, in_flow),
            Body::Seq(items) => items
                .iter()
                .map(|item| self.value(item, depth + 1, in_flow))
                .collect::<Result<_, _>>()
                .map(Json::Array),
            Body::Map(entries) => self.mapping(node, entries, KeyMode::Interface, depth, in_flow),
        }
    }

    fn mapping(
        &mut self,
        node: &Node,
        entries: &[(Node, Node)],
        mode: KeyMode,
        depth: usize,
        in_flow: bool,
    ) -> Result<Json, EncodeError> {
        let in_flow = in_flow || node.style == Style::Flow;
        let string_keys =
            mode == KeyMode::GoString || entries.iter().all(|(k, _)| key_is_string(k));
        let mut map = StringMap::default();
        self.fill(&mut map, entries, depth, in_flow)?;
        if !string_keys {
            self.json_failure(UNSUPPORTED_MAP, node);
            return Ok(Json::Null);
        }
        Ok(Json::Object(map.entries))
    }

    /// Adds a mapping's entries, then those of its merge key (`<<`) that it does not set
    /// itself, as go-yaml v3's decoder merges.
    fn fill(
        &mut self,
        map: &mut StringMap,
        entries: &[(Node, Node)],
        depth: usize,
        in_flow: bool,
    ) -> Result<(), EncodeError> {
        let outer = std::mem::take(&mut map.merging);
        let mut merge = None;
        for (key, value) in entries {
            if is_merge_key(key) {
                merge = Some(value);
                continue;
            }
            let name = self.key(key)?;
            if outer && map.index.contains_key(&name) {
                continue;
            }
            let value = self.value(value, depth + 1, in_flow)?;
            map.insert(name, value);
        }
        if let Some(source) = merge {
            map.merging = true;
            let sources = match &source.body {
                Body::Map(_) => std::slice::from_ref(source),
                Body::Seq(items) if items.iter().all(Node::is_map) => items.as_slice(),
                _ => {
                    return Err(EncodeError::new(
                        "yaml: map merge requires map or sequence of maps as the value",
                        source,
                    ));
                }
            };
            for source in sources {
                if let Body::Map(merged) = &source.body {
                    self.fill(map, merged, depth + 1, in_flow || source.style == Style::Flow)?;
                }
            }
        }
        map.merging = outer;
        Ok(())
    }

    /// A mapping key as the Go string it ends up as.
    fn key(&mut self, key: &Node) -> Result<String, EncodeError> {
        let Body::Scalar(text) = &key.body else {
            return Err(EncodeError::new(
                "yaml: invalid map key: a mapping key must be a scalar",
                key,
            ));
        };
        let mut invalid_bytes = 0;
        let text = match resolve::resolve(Schema::V3, key.tag.as_deref(), key.style, text) {
            Err(err) => return Err(decode_error(&err, key)),
            Ok(Resolved::Binary(bytes)) => {
                let (text, replaced) = go_json_string(&bytes);
                invalid_bytes = replaced;
                text
            }
            // kyaml writes an empty plain key as `''`, which reads back as the empty string;
            // other null keys make kustomize fail.
            Ok(Resolved::Null) if text.is_empty() => String::new(),
            Ok(Resolved::Null) => {
                return Err(EncodeError::new(
                    format!("yaml: unmarshal errors:\n  mapping key {text:?} already defined"),
                    key,
                ));
            }
            Ok(_) => text.clone(),
        };
        // v2 reads each JSON key as an implicit key, which must sit on one line and end within
        // 1024 characters of its start. (A replaced byte is written `\ufffd`, 6 characters.)
        let json_width = go_json_width(&text) + invalid_bytes * 5;
        if json_width > 1024 || text.contains(NEL) {
            let line = self.nels + text.matches(NEL).count();
            let at = if line == 0 { String::new() } else { format!("line {line}: ") };
            self.reread_failure(format!("yaml: {at}did not find expected ',' or '}}'"), key);
        }
        Ok(self.reread(text, key))
    }

    fn scalar(&mut self, node: &Node, text: &str, in_flow: bool) -> Result<Json, EncodeError> {
        // kyaml writes an untagged empty plain scalar inside a flow collection as `''`.
        if in_flow && text.is_empty() && node.style == Style::Plain && is_untagged(node) {
            return Ok(Json::String(String::new()));
        }
        let resolved = resolve::resolve(Schema::V3, node.tag.as_deref(), node.style, text);
        Ok(match resolved.map_err(|err| decode_error(&err, node))? {
            Resolved::Null => Json::Null,
            Resolved::Bool(b) => Json::Bool(b),
            Resolved::Int(i) => Json::Int(i),
            Resolved::Uint(u) => Json::Uint(u),
            Resolved::Float(f) => self.float(f, node),
            Resolved::Timestamp => self.timestamp(text, node),
            Resolved::Binary(bytes) => Json::String(self.reread(go_json_string(&bytes).0, node)),
            // kyaml encodes the node with go-yaml v3 and decodes it again first; a folded
            // scalar may not survive that unchanged.
            Resolved::Str | Resolved::Custom | Resolved::Merge
                if node.style == Style::Folded && !in_flow =>
            {
                Json::String(self.reread(super::block::folded_round_trip(text).into_owned(), node))
            }
            Resolved::Str | Resolved::Custom | Resolved::Merge => {
                Json::String(self.reread(text.to_owned(), node))
            }
        })
    }

    /// A float through `encoding/json` and back through go-yaml v2: integral values below
    /// 1e21 are written without fraction or exponent, so they come back as integers when they
    /// fit.
    fn float(&mut self, f: f64, node: &Node) -> Json {
        if !f.is_finite() {
            let shown = crate::float::format_g(f);
            self.json_failure(format!("json: unsupported value: {shown}"), node);
            return Json::Null;
        }
        if f.fract() == 0.0 && f.abs() < 1e21 {
            let text = crate::float::format_f(f);
            if let Ok(i) = text.parse::<i64>() {
                return Json::Int(i);
            }
            if let Ok(u) = text.parse::<u64>() {
                return Json::Uint(u);
            }
        }
        Json::Float(f)
    }

    /// A timestamp as `time.Time.MarshalJSON` writes it.
    fn timestamp(&mut self, text: &str, node: &Node) -> Json {
        let Some(ts) = resolve::parse_timestamp(text) else {
            return Json::String(text.to_owned());
        };
        if ts.offset_minutes.is_some_and(|m| m.unsigned_abs() >= 24 * 60) {
            self.json_failure(
                "json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: timezone hour outside of range [0,23]",
                node,
            );
            return Json::Null;
        }
        Json::String(ts.rfc3339())
    }

    fn json_failure(&mut self, message: impl Into<String>, node: &Node) {
        if self.json_error.is_none() {
            self.json_error = Some(EncodeError::new(message, node));
        }
    }

    /// A string as go-yaml v2 reads it back from the double-quoted JSON string. JSON escapes
    /// control characters below 0x20, line breaks, U+2028 and U+2029, but leaves DEL, the C1
    /// controls and U+FFFE/U+FFFF raw: v2's reader refuses those (except NEL), and its scanner
    /// treats a raw NEL as a line break and folds it.
    fn reread(&mut self, text: String, node: &Node) -> String {
        if text.chars().any(is_refused_by_v2_reader) {
            self.reread_failure("yaml: control characters are not allowed", node);
            return text;
        }
        if !text.contains(NEL) {
            return text;
        }
        match fold_nels(&text) {
            Ok(folded) => {
                self.nels += text.matches(NEL).count();
                folded
            }
            Err(breaks_before) => {
                let line = self.nels + breaks_before + 1;
                self.reread_failure(
                    format!("yaml: line {line}: found unexpected document indicator"),
                    node,
                );
                text
            }
        }
    }

    fn reread_failure(&mut self, message: impl Into<String>, node: &Node) {
        if self.reread_error.is_none() {
            self.reread_error = Some(EncodeError::new(message, node));
        }
    }
}

/// A Go map with string keys: a key set again keeps its first place and takes the new value.
#[derive(Default)]
struct StringMap {
    entries: Vec<(String, Json)>,
    index: VecMap<String, usize>,
    /// Whether entries being added come from a merge (and so never replace existing ones).
    merging: bool,
}

impl StringMap {
    fn insert(&mut self, key: String, value: Json) {
        if let Some(&i) = self.index.get(&key) {
            self.entries[i].1 = value;
        } else {
            self.index.insert(key.clone(), self.entries.len());
            self.entries.push((key, value));
        }
    }
}

const NEL: char = '\u{85}';

fn is_refused_by_v2_reader(c: char) -> bool {
    matches!(c, '\u{7f}' | '\u{80}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// go-yaml v2's double-quoted scalar folding where spaces are the only raw blanks and NEL the
/// only raw break: a run of blanks holding one break becomes a space, one holding n > 1
/// breaks becomes n − 1 newlines, and spaces at either side of the breaks go. A line that
/// then starts with `---` or `...` and a blank is a document marker, an error; `Err` carries
/// the number of breaks before it.
fn fold_nels(text: &str) -> Result<String, usize> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut breaks_seen = 0;
    let mut line_start = false;
    loop {
        if line_start && is_document_marker(rest) {
            return Err(breaks_seen);
        }
        let content = rest.find([' ', NEL]).unwrap_or(rest.len());
        out.push_str(&rest[..content]);
        rest = &rest[content..];
        if rest.is_empty() {
            return Ok(out);
        }
        let blanks = rest.find(|c| c != ' ' && c != NEL).unwrap_or(rest.len());
        let run = &rest[..blanks];
        let breaks = run.matches(NEL).count();
        match breaks {
            0 => out.push_str(run),
            1 => out.push(' '),
            n => out.extend(std::iter::repeat_n('\n', n - 1)),
        }
        breaks_seen += breaks;
        line_start = run.ends_with(NEL);
        rest = &rest[blanks..];
    }
}

fn is_document_marker(s: &str) -> bool {
    (s.starts_with("---") || s.starts_with("...")) && s[3..].starts_with([' ', NEL])
}

/// The bytes of a `!!binary` scalar as the JSON string Go writes for them: each byte that is
/// not part of valid UTF-8 becomes U+FFFD. Also returns how many bytes were replaced.
fn go_json_string(mut bytes: &[u8]) -> (String, usize) {
    let mut out = String::with_capacity(bytes.len());
    let mut replaced = 0;
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return (out, replaced);
            }
            Err(err) => {
                let (valid, rest) = bytes.split_at(err.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = err.error_len().unwrap_or(rest.len());
                out.extend(std::iter::repeat_n('\u{FFFD}', bad));
                replaced += bad;
                bytes = &rest[bad..];
            }
        }
    }
}

/// Characters `encoding/json` writes for a string, quotes included (it escapes HTML
/// characters and the JavaScript line separators; `\b` and `\f` have short escapes since Go
/// 1.22).
fn go_json_width(s: &str) -> usize {
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            '\0'..='\u{1f}' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            _ => 1,
        })
        .sum::<usize>()
}

fn decode_error(err: &resolve::ResolveError, node: &Node) -> EncodeError {
    if err.tag == "!!binary" {
        EncodeError::new("yaml: !!binary value contains invalid base64 data", node)
    } else {
        EncodeError::new(format!("yaml: {err}"), node)
    }
}

/// No tag, or the non-specific `!` (which go-yaml v3 ignores).
fn is_untagged(node: &Node) -> bool {
    matches!(node.tag.as_deref(), None | Some("!"))
}

/// go-yaml v3's merge key: a plain `<<` without tag, or tagged `!!merge`.
fn is_merge_key(key: &Node) -> bool {
    let merge_tag = key.tag.as_deref().is_some_and(|t| resolve::short_tag(t) == "!!merge");
    key.scalar() == Some("<<") && ((is_untagged(key) && key.style == Style::Plain) || merge_tag)
}

/// Whether go-yaml v3 decodes this key into a string-keyed map (its tag is `!!str`, or
/// `!!merge`).
fn key_is_string(key: &Node) -> bool {
    if is_merge_key(key) {
        return true;
    }
    match &key.body {
        Body::Scalar(text) if text.is_empty() && key.style == Style::Plain && is_untagged(key) => {
            true
        }
        Body::Scalar(_) => matches!(scalar_tag(key).as_str(), "!!str" | "!!merge"),
        _ => false,
    }
}

/// go-yaml v3's `Node.ShortTag` for a scalar.
fn scalar_tag(node: &Node) -> String {
    let text = node.scalar().unwrap_or_default();
    if !is_untagged(node) {
        return resolve::short_tag(node.tag.as_deref().unwrap_or_default());
    }
    match resolve::resolve(Schema::V3, None, node.style, text) {
        Ok(Resolved::Null) => "!!null",
        Ok(Resolved::Bool(_)) => "!!bool",
        Ok(Resolved::Int(_) | Resolved::Uint(_)) => "!!int",
        Ok(Resolved::Float(_)) => "!!float",
        Ok(Resolved::Timestamp) => "!!timestamp",
        _ => "!!str",
    }
    .to_owned()
}

/// How Go's `encoding/json` writes a [`Json`] value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GoJson {
    /// `json.MarshalIndent(v, "", "  ")` instead of `json.Marshal`.
    pub indent: bool,
    /// Numbers were decoded into `interface{}`, so every one is a `float64` (`1e+21`, not
    /// `1000000000000000000000`).
    pub float64: bool,
}

/// Appends `value` as Go's `encoding/json` marshals it: objects are Go maps (keys in byte
/// order, the last value of a repeated key), strings HTML-safe. This is the engine's one
/// JSON writer (hashes, JSON held in strings, anything printed as Go would).
pub fn write_go_json(value: &Json, options: GoJson, out: &mut String) {
    write_at(value, options, 0, out);
}

#[allow(clippy::cast_precision_loss)]
fn write_at(value: &Json, options: GoJson, level: usize, out: &mut String) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Int(i) if options.float64 => write_float(*i as f64, out),
        Json::Uint(u) if options.float64 => write_float(*u as f64, out),
        Json::Int(i) => out.push_str(&i.to_string()),
        Json::Uint(u) => out.push_str(&u.to_string()),
        Json::Float(f) => write_float(*f, out),
        Json::String(s) => write_go_json_string(s, out),
        Json::Array(items) => {
            let items: Vec<(Option<&str>, &Json)> = items.iter().map(|v| (None, v)).collect();
            write_container(&items, ('[', ']'), options, level, out);
        }
        Json::Object(entries) => {
            let mut sorted: Vec<&(String, Json)> = entries.iter().collect();
            crate::sort::sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
            let items: Vec<(Option<&str>, &Json)> = sorted
                .iter()
                .enumerate()
                .filter(|(i, (key, _))| sorted.get(i + 1).is_none_or(|next| next.0 != *key))
                .map(|(_, (key, v))| (Some(key.as_str()), v))
                .collect();
            write_container(&items, ('{', '}'), options, level, out);
        }
    }
}

/// A float the converter let through is finite (JSON refuses the others, see
/// `Converter::float`); `null` stands in should one arrive.
fn write_float(f: f64, out: &mut String) {
    out.push_str(crate::float::format_json(f).as_deref().unwrap_or("null"));
}

fn write_container(
    items: &[(Option<&str>, &Json)],
    brackets: (char, char),
    options: GoJson,
    level: usize,
    out: &mut String,
) {
    out.push(brackets.0);
    if items.is_empty() {
        out.push(brackets.1);
        return;
    }
    for (n, (key, value)) in items.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        if options.indent {
            out.push('\n');
            out.push_str(&"  ".repeat(level + 1));
        }
        if let Some(key) = key {
            write_go_json_string(key, out);
            out.push_str(if options.indent { ": " } else { ":" });
        }
        write_at(value, options, level + 1, out);
    }
    if options.indent {
        out.push('\n');
        out.push_str(&"  ".repeat(level));
    }
    out.push(brackets.1);
}

/// Appends `s` as Go's `encoding/json` writes a string: quoted, HTML-safe (`<`, `>`, `&`,
/// U+2028 and U+2029 as `\u` escapes), control characters escaped.
pub fn write_go_json_string(s: &str, out: &mut String) {
    write_go_json_string_with(s, true, out);
}

/// [`write_go_json_string`], or with `escape_html` false as an `Encoder` with
/// `SetEscapeHTML(false)` writes it (`<`, `>`, `&` kept; U+2028 and U+2029 still escaped).
pub fn write_go_json_string_with(s: &str, escape_html: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (escape_html && matches!(c, '<' | '>' | '&'))
                || matches!(c, '\u{2028}' | '\u{2029}')
                || u32::from(c) < 0x20 =>
            {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::parse::{Limits, parse};

    fn convert(text: &str) -> Result<Json, EncodeError> {
        let parsed = parse(&Arc::from("r.yaml"), text, &Limits::default());
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        from_node(&parsed.documents[0].root)
    }

    fn field(text: &str) -> Json {
        match convert(&format!("a: {text}\n")) {
            Ok(Json::Object(mut entries)) => entries.remove(0).1,
            other => panic!("{other:?}"),
        }
    }

    fn s(text: &str) -> Json {
        Json::String(text.into())
    }

    #[test]
    fn numbers_are_retyped_through_json() {
        assert_eq!(field("1.0"), Json::Int(1));
        assert_eq!(field("-0.0"), Json::Int(0));
        assert_eq!(field("1e3"), Json::Int(1000));
        assert_eq!(field("0x1F"), Json::Int(31));
        assert_eq!(field("08"), Json::Int(8));
        assert_eq!(field("1e19"), Json::Uint(10_000_000_000_000_000_000));
        assert_eq!(field("1e20"), Json::Float(1e20));
        assert_eq!(field("-1e19"), Json::Float(-1e19));
        assert_eq!(field("1.5"), Json::Float(1.5));
        assert_eq!(field("18446744073709551615"), Json::Uint(u64::MAX));
        assert_eq!(field("!!float 3"), Json::Int(3));
    }

    #[test]
    fn scalars_take_go_yaml_v3_types() {
        assert_eq!(field("yes"), s("yes"));
        assert_eq!(field("true"), Json::Bool(true));
        assert_eq!(field("~"), Json::Null);
        assert_eq!(field(""), Json::Null);
        assert_eq!(field("\"5\""), s("5"));
        assert_eq!(field("!!str 5"), s("5"));
        assert_eq!(field("!!int \"7\""), Json::Int(7));
        assert_eq!(field("! 5"), Json::Int(5));
        assert_eq!(field("!foo bar"), s("bar"));
        assert_eq!(field("2024-01-01"), s("2024-01-01T00:00:00Z"));
        assert_eq!(field("2001-12-14t21:59:43.10-05:00"), s("2001-12-14T21:59:43.1-05:00"));
        assert_eq!(field("!!binary aGVsbG8="), s("hello"));
        assert_eq!(field("!!binary /w=="), s("\u{FFFD}"));
        assert_eq!(field("!!binary 4oI="), s("\u{FFFD}\u{FFFD}"));
    }

    #[test]
    fn empty_plain_scalars_in_flow_collections_become_strings() {
        assert_eq!(field("{b: }"), Json::Object(vec![("b".into(), s(""))]));
        assert_eq!(field("[~, !!null ]"), Json::Array(vec![Json::Null, Json::Null]));
        assert_eq!(field("[a, ]"), Json::Array(vec![s("a")]));
    }

    #[test]
    fn keys() {
        let top = convert("5: a\ntrue: b\n\"x\": c\n").unwrap();
        assert_eq!(
            top,
            Json::Object(vec![("5".into(), s("a")), ("true".into(), s("b")), ("x".into(), s("c"))])
        );
        assert_eq!(
            field("{!!str 2: y, ? : z}"),
            Json::Object(vec![("2".into(), s("y")), (String::new(), s("z"))])
        );
        for bad in
            ["{1: x}", "{true: x}", "{2024-01-01: x}", "{~: x}", "{[a]: x}", "{!!binary aGk=: x}"]
        {
            assert!(convert(&format!("a: {bad}\n")).is_err(), "{bad}");
        }
    }

    #[test]
    fn merge_keys() {
        let merged = field("{<<: [{c: 1, d: 2}, {d: 5, e: 6}], e: 3}");
        let Json::Object(mut entries) = merged else { panic!() };
        crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        assert_eq!(
            entries,
            vec![
                ("c".into(), Json::Int(1)),
                ("d".into(), Json::Int(2)),
                ("e".into(), Json::Int(3))
            ]
        );
        assert_eq!(field("{\"<<\": 1}"), Json::Object(vec![("<<".into(), Json::Int(1))]));
        assert!(convert("a: {<<: 1}\n").is_err());
    }

    #[test]
    fn errors() {
        let err = convert("a: .inf\n").unwrap_err();
        assert_eq!(err.message(), "json: unsupported value: +Inf");
        assert_eq!(err.origin().unwrap().span.range(), 3..7);
        assert_eq!(convert("a: .nan\n").unwrap_err().message(), "json: unsupported value: NaN");
        assert_eq!(
            convert("a: !!null x\n").unwrap_err().message(),
            "yaml: cannot decode !!str `x` as a !!null"
        );
        assert_eq!(
            convert("a: !!binary aGVsbG8\n").unwrap_err().message(),
            "yaml: !!binary value contains invalid base64 data"
        );
        assert_eq!(
            convert("a: \"\\x7f\"\n").unwrap_err().message(),
            "yaml: control characters are not allowed"
        );
        assert!(convert("a: 2001-12-14T21:59:43+24:00\n").is_err());
        // A decoding error outranks a JSON error met earlier.
        assert!(
            convert("a: .inf\nb: !!int x\n")
                .unwrap_err()
                .message()
                .starts_with("yaml: cannot decode")
        );
    }

    #[test]
    fn nel_folds_as_v2_reads_it() {
        assert_eq!(field("\"x\\Ny\""), s("x y"));
        assert_eq!(field("\"x\\N\\Ny\""), s("x\ny"));
        assert_eq!(field("\"x \\N y \\N\""), s("x y "));
        assert_eq!(
            convert("a: \"x\\N--- y\"\n").unwrap_err().message(),
            "yaml: line 2: found unexpected document indicator"
        );
        assert_eq!(field("\"x\\N---\""), s("x ---"));
    }

    #[test]
    fn keys_longer_than_v2_reads_are_errors() {
        let key = |k: &str| convert(&format!("a:\n  ? \"{k}\"\n  : x\n"));
        assert!(key(&"k".repeat(1022)).is_ok());
        assert!(key(&"k".repeat(1023)).is_err());
        assert!(key(&"<".repeat(170)).is_ok());
        assert!(key(&"<".repeat(171)).is_err());
        assert!(key(&"\\t".repeat(511)).is_ok());
        assert!(key(&"\\t".repeat(512)).is_err());
        assert!(key("a\\Nb").is_err());
    }

    #[test]
    fn go_json_replaces_each_invalid_byte() {
        assert_eq!(go_json_string(b"a\xE2\x82b"), ("a\u{FFFD}\u{FFFD}b".into(), 2));
        assert_eq!(go_json_string(b"\xF0\x9F\x98"), ("\u{FFFD}\u{FFFD}\u{FFFD}".into(), 3));
        assert_eq!(go_json_string(b"\xE0\x80"), ("\u{FFFD}\u{FFFD}".into(), 2));
        assert_eq!(go_json_string("é€😀\u{FFFD}".as_bytes()), ("é€😀\u{FFFD}".into(), 0));
    }

    #[test]
    fn go_json_output() {
        let value = Json::Object(vec![
            (
                "b".into(),
                Json::Object(vec![
                    ("c".into(), Json::Int(1)),
                    ("a".into(), Json::String("<x>".into())),
                    ("c".into(), Json::Int(2)),
                ]),
            ),
            ("arr".into(), Json::Array(vec![Json::Int(1), Json::Float(2.5), Json::Array(vec![])])),
            ("big".into(), Json::Uint(u64::MAX)),
            ("tiny".into(), Json::Float(1.5e-7)),
        ]);
        let mut compact = String::new();
        write_go_json(&value, GoJson::default(), &mut compact);
        assert_eq!(
            compact,
            r#"{"arr":[1,2.5,[]],"b":{"a":"\u003cx\u003e","c":2},"big":18446744073709551615,"tiny":1.5e-7}"#
        );
        let mut floats = String::new();
        write_go_json(&value, GoJson { float64: true, ..GoJson::default() }, &mut floats);
        assert!(floats.contains(r#""big":18446744073709552000"#), "{floats}");
        let mut pretty = String::new();
        write_go_json(
            &Json::Object(vec![("k".into(), Json::Object(vec![("z".into(), Json::Null)]))]),
            GoJson { indent: true, ..GoJson::default() },
            &mut pretty,
        );
        assert_eq!(pretty, "{\n  \"k\": {\n    \"z\": null\n  }\n}");
    }
}
