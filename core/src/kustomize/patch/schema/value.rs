//! A custom schema file as the tree of JSON values kyaml decodes, with byte spans.
//!
//! kyaml's `parse(b, JsonOrYaml)` looks at the first byte only: `{` means JSON, decoded by
//! kube-openapi's strict `jsonv2` reader; anything else goes through `sigs.k8s.io/yaml`'s
//! `YAMLToJSON` (go-yaml v2: the first document only, YAML 1.1 scalars) first. Both routes
//! end in the same [`Value`] tree, which [`super::swagger`] then decodes.
//!
//! The JSON reader is strict where `jsonv2` is: no comments, no trailing commas, nothing but
//! whitespace after the value, and no object with the same member name twice. The YAML route
//! reuses Baton's YAML parser; where it is stricter than go-yaml v2 (a key repeated in a
//! mapping: v2 keeps the last value), the schema is reported invalid rather than guessed.

use std::sync::Arc;

use crate::diagnostic::Span;
use crate::yaml::resolve::{Resolved, Schema as YamlSchema, resolve};
use crate::yaml::{Body, Limits, Node, Style, parse};

/// Deepest nesting the readers accept (kube-openapi documents nest a few dozen levels).
const MAX_DEPTH: usize = 256;

/// A JSON value and the bytes it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: Kind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Vec<Member>),
}

/// What the decoder needs to know about a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    /// The value, when it is spelled as an integer that fits an `int64`.
    pub integer: Option<i64>,
    /// Whether it fits a `float64` (no overflow to infinity).
    pub finite: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub name: String,
    pub name_span: Span,
    pub value: Value,
}

/// Why a schema file cannot be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub message: String,
    pub span: Span,
}

impl Invalid {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        Invalid { message: message.into(), span }
    }
}

impl Kind {
    /// The kind as `jsonv2` names it in its messages.
    #[must_use]
    pub fn json_name(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "boolean",
            Kind::Number(_) => "number",
            Kind::String(_) => "string",
            Kind::Array(_) => "array",
            Kind::Object(_) => "object",
        }
    }

    /// The Go type `encoding/json` gives this value inside an `interface{}`.
    #[must_use]
    pub fn go_name(&self) -> &'static str {
        match self {
            Kind::Null => "nil",
            Kind::Bool(_) => "bool",
            Kind::Number(_) => "float64",
            Kind::String(_) => "string",
            Kind::Array(_) => "[]interface {}",
            Kind::Object(_) => "map[string]interface {}",
        }
    }
}

impl Value {
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The member named `name` of an object.
    #[must_use]
    pub fn member(&self, name: &str) -> Option<&Value> {
        match &self.kind {
            Kind::Object(members) => members.iter().find(|m| m.name == name).map(|m| &m.value),
            _ => None,
        }
    }
}

/// Reads a schema file the way kyaml's `parse(b, JsonOrYaml)` does (an empty file skips the
/// YAML conversion and is empty JSON).
pub fn read(file: &Arc<str>, text: &str) -> Result<Value, Invalid> {
    match text.as_bytes().first() {
        None | Some(b'{') => read_json(text),
        Some(_) => read_yaml(file, text),
    }
}

/// Strict JSON, as kube-openapi's `jsonv2` reads it.
pub fn read_json(text: &str) -> Result<Value, Invalid> {
    let mut reader = JsonReader { text, bytes: text.as_bytes(), at: 0 };
    reader.skip_space();
    let value = reader.value(0)?;
    reader.skip_space();
    if reader.at < reader.bytes.len() {
        return Err(reader.unexpected("after top-level value"));
    }
    Ok(value)
}

struct JsonReader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl JsonReader<'_> {
    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    fn char_span(&self) -> Span {
        let len = self.text.get(self.at..).and_then(|s| s.chars().next()).map_or(0, char::len_utf8);
        Span::new(self.at, self.at + len)
    }

    fn unexpected(&self, context: &str) -> Invalid {
        match self.text.get(self.at..).and_then(|s| s.chars().next()) {
            Some(c) => Invalid::new(format!("invalid character {c:?} {context}"), self.char_span()),
            None => Invalid::new("unexpected end of JSON input", Span::empty(self.at)),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Invalid> {
        if depth > MAX_DEPTH {
            return Err(Invalid::new(
                format!("JSON nests deeper than {MAX_DEPTH} levels"),
                self.char_span(),
            ));
        }
        let start = self.at;
        let kind = match self.bytes.get(self.at) {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Kind::String(self.string()?),
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => Kind::Number(self.number()?),
            _ => return Err(self.unexpected("at start of value")),
        };
        Ok(Value { kind, span: Span::new(start, self.at) })
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Kind, Invalid> {
        if self.bytes.get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
            self.at += word.len();
            Ok(kind)
        } else {
            Err(self.unexpected("at start of value"))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Kind, Invalid> {
        self.at += 1;
        let mut members: Vec<Member> = Vec::new();
        self.skip_space();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Ok(Kind::Object(members));
        }
        loop {
            self.skip_space();
            if self.bytes.get(self.at) != Some(&b'"') {
                return Err(self.unexpected("at start of object name"));
            }
            let name_start = self.at;
            let name = self.string()?;
            let name_span = Span::new(name_start, self.at);
            if members.iter().any(|m| m.name == name) {
                return Err(Invalid::new(
                    format!("duplicate object member name {name:?}"),
                    name_span,
                ));
            }
            self.skip_space();
            if self.bytes.get(self.at) != Some(&b':') {
                return Err(self.unexpected("after object name (expecting ':')"));
            }
            self.at += 1;
            self.skip_space();
            let value = self.value(depth + 1)?;
            members.push(Member { name, name_span, value });
            self.skip_space();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Kind::Object(members));
                }
                _ => return Err(self.unexpected("after object value (expecting ',' or '}')")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Kind, Invalid> {
        self.at += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            return Ok(Kind::Array(items));
        }
        loop {
            self.skip_space();
            items.push(self.value(depth + 1)?);
            self.skip_space();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Kind::Array(items));
                }
                _ => return Err(self.unexpected("after array element (expecting ',' or ']')")),
            }
        }
    }

    fn string(&mut self) -> Result<String, Invalid> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let run_start = self.at;
            while let Some(&b) = self.bytes.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            out.push_str(self.text.get(run_start..self.at).unwrap_or_default());
            match self.bytes.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => out.push(self.escape()?),
                Some(_) => {
                    return Err(self.unexpected("within string (expecting non-control character)"));
                }
                None => {
                    return Err(Invalid::new("unexpected end of JSON input", Span::empty(self.at)));
                }
            }
        }
    }

    /// One escape sequence (the reader is at its backslash).
    fn escape(&mut self) -> Result<char, Invalid> {
        let start = self.at;
        self.at += 1;
        let simple = match self.bytes.get(self.at) {
            Some(b'"') => Some('"'),
            Some(b'\\') => Some('\\'),
            Some(b'/') => Some('/'),
            Some(b'b') => Some('\u{8}'),
            Some(b'f') => Some('\u{c}'),
            Some(b'n') => Some('\n'),
            Some(b'r') => Some('\r'),
            Some(b't') => Some('\t'),
            Some(b'u') => None,
            _ => {
                let end = (self.at + 1).min(self.bytes.len());
                return Err(Invalid::new(
                    "invalid escape sequence within string",
                    Span::new(start, end),
                ));
            }
        };
        self.at += 1;
        if let Some(c) = simple {
            return Ok(c);
        }
        let high = self.hex4(start)?;
        if !(0xD800..0xDC00).contains(&high) {
            return Ok(char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        // A high surrogate: a low one must follow to make a character.
        if self.bytes.get(self.at..self.at + 2) == Some(b"\\u") {
            let save = self.at;
            self.at += 2;
            let low = self.hex4(save)?;
            if (0xDC00..0xE000).contains(&low) {
                let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            self.at = save;
        }
        Ok(char::REPLACEMENT_CHARACTER)
    }

    fn hex4(&mut self, start: usize) -> Result<u32, Invalid> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()));
        let Some(value) = digits.and_then(|d| u32::from_str_radix(d, 16).ok()) else {
            let end = (self.at + 4).min(self.bytes.len());
            return Err(Invalid::new(
                "invalid escape sequence within string",
                Span::new(start, end),
            ));
        };
        self.at += 4;
        Ok(value)
    }

    fn number(&mut self) -> Result<Number, Invalid> {
        let start = self.at;
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        match self.bytes.get(self.at) {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected("within number (expecting digit)")),
        }
        let mut integer = true;
        if self.bytes.get(self.at) == Some(&b'.') {
            integer = false;
            self.at += 1;
            if !self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
                return Err(self.unexpected("within number (expecting digit)"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            integer = false;
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            if !self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
                return Err(self.unexpected("within number (expecting digit)"));
            }
            self.digits();
        }
        let literal = self.text.get(start..self.at).unwrap_or_default();
        Ok(Number {
            integer: if integer { literal.parse().ok() } else { None },
            finite: crate::float::parse_f64(literal).is_some_and(f64::is_finite),
        })
    }

    fn digits(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
    }
}

/// YAML, as `sigs.k8s.io/yaml`'s `YAMLToJSON` (go-yaml v2) turns it into JSON: the first
/// document only (an empty stream is `null`), YAML 1.1 scalar types, keys made strings.
fn read_yaml(file: &Arc<str>, text: &str) -> Result<Value, Invalid> {
    let parsed = parse(file, text, &Limits::default());
    let first = parsed.documents.first();
    if let Some(error) = parsed.diagnostics.iter().find(|d| d.is_error()) {
        let span = error.span.unwrap_or_default();
        // go-yaml v2 stops after the first document: what comes later does not matter.
        let after_first =
            first.is_some_and(|d| span.start >= d.span.end && d.span.end > d.span.start);
        if !after_first {
            return Err(Invalid::new(format!("yaml: {}", error.message), span));
        }
    }
    match first {
        None => Ok(Value { kind: Kind::Null, span: Span::empty(0) }),
        Some(document) => from_yaml(&document.root, 0),
    }
}

fn from_yaml(node: &Node, depth: usize) -> Result<Value, Invalid> {
    let span = node.origin.span;
    if depth > MAX_DEPTH {
        return Err(Invalid::new(format!("YAML nests deeper than {MAX_DEPTH} levels"), span));
    }
    let kind = match &node.body {
        Body::Scalar(text) => scalar(node, text)?,
        Body::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(from_yaml(item, depth + 1)?);
            }
            Kind::Array(out)
        }
        Body::Map(entries) => {
            let mut members: Vec<Member> = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                if is_merge_key(key) {
                    merge_into(&mut members, value, depth)?;
                    continue;
                }
                let name = key_string(key)?;
                let value = from_yaml(value, depth + 1)?;
                set_member(&mut members, Member { name, name_span: key.origin.span, value });
            }
            Kind::Object(members)
        }
    };
    Ok(Value { kind, span })
}

/// go-yaml v2 sets map entries in document order, so a later key (merged or not) replaces
/// an earlier one.
fn set_member(members: &mut Vec<Member>, member: Member) {
    match members.iter_mut().find(|m| m.name == member.name) {
        Some(existing) => existing.value = member.value,
        None => members.push(member),
    }
}

/// go-yaml v2's `isMerge`: a plain `<<`, or a key tagged `!!merge`.
fn is_merge_key(key: &Node) -> bool {
    match key.tag.as_deref() {
        Some(tag) => tag == "tag:yaml.org,2002:merge",
        None => key.style == Style::Plain && key.scalar() == Some("<<"),
    }
}

/// go-yaml v2's `merge`: a mapping's entries, or those of a sequence of mappings taken from
/// last to first (so earlier ones win), set into the mapping being decoded.
fn merge_into(members: &mut Vec<Member>, value: &Node, depth: usize) -> Result<(), Invalid> {
    let maps: Vec<&Node> = match &value.body {
        Body::Map(_) => vec![value],
        Body::Seq(items) if items.iter().all(Node::is_map) => items.iter().rev().collect(),
        _ => {
            return Err(Invalid::new(
                "yaml: map merge requires map or sequence of maps as the value",
                value.origin.span,
            ));
        }
    };
    for map in maps {
        if let Kind::Object(merged) = from_yaml(map, depth + 1)?.kind {
            for member in merged {
                set_member(members, member);
            }
        }
    }
    Ok(())
}

fn scalar(node: &Node, text: &str) -> Result<Kind, Invalid> {
    let span = node.origin.span;
    let resolved = resolve(YamlSchema::V2, node.tag.as_deref(), node.style, text)
        .map_err(|e| Invalid::new(format!("yaml: {e}"), span))?;
    Ok(match resolved {
        Resolved::Null => Kind::Null,
        Resolved::Bool(b) => Kind::Bool(b),
        Resolved::Int(i) => Kind::Number(Number { integer: Some(i), finite: true }),
        Resolved::Uint(_) => Kind::Number(Number { integer: None, finite: true }),
        Resolved::Float(f) => {
            if !f.is_finite() {
                return Err(Invalid::new(
                    format!("json: unsupported value: {}", crate::float::format_g(f)),
                    span,
                ));
            }
            // `encoding/json` writes a whole float without a fraction, so it reads back as an
            // integer.
            let whole = f.fract() == 0.0 && f.abs() < 1e21;
            #[allow(clippy::cast_possible_truncation)]
            let integer = (whole && f.abs() < 9.2e18).then_some(f as i64);
            Kind::Number(Number { integer, finite: true })
        }
        Resolved::Str
        | Resolved::Timestamp
        | Resolved::Binary(_)
        | Resolved::Merge
        | Resolved::Custom => Kind::String(text.to_string()),
    })
}

/// A mapping key as `YAMLToJSON` writes it: scalars become their string form.
fn key_string(key: &Node) -> Result<String, Invalid> {
    let Body::Scalar(text) = &key.body else {
        return Err(Invalid::new("yaml: a mapping key must be a scalar", key.origin.span));
    };
    Ok(match scalar(key, text)? {
        Kind::Null => "null".to_string(),
        Kind::Bool(b) => b.to_string(),
        _ => text.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Result<Value, Invalid> {
        read_json(text)
    }

    #[test]
    fn json_values_and_spans() {
        let text = r#"{"a": [1, -2.5e3, "x\u00e9\n"], "b": {"c": null, "d": true}}"#;
        let v = json(text).expect("valid");
        let a = v.member("a").expect("a");
        let Kind::Array(items) = &a.kind else { panic!("array") };
        assert_eq!(items[0].kind, Kind::Number(Number { integer: Some(1), finite: true }));
        assert_eq!(items[1].kind, Kind::Number(Number { integer: None, finite: true }));
        assert_eq!(items[2].as_str(), Some("xé\n"));
        assert_eq!(&text[items[2].span.range()], r#""x\u00e9\n""#);
        assert_eq!(
            v.member("b").and_then(|b| b.member("d")).map(|d| &d.kind),
            Some(&Kind::Bool(true))
        );
    }

    #[test]
    fn json_is_strict() {
        let err = |t: &str| json(t).expect_err(t);
        assert_eq!(err("{\"a\": 1,}").message, "invalid character '}' at start of object name");
        assert_eq!(err("{\"a\": 1} x").span, Span::new(9, 10));
        assert!(err("{\"a\": 1, \"a\": 2}").message.contains("duplicate object member name \"a\""));
        assert_eq!(err("").message, "unexpected end of JSON input");
        assert!(err("{\"a\": 01}").message.contains("after object value"));
        assert!(err("{\"a\": \"\t\"}").message.contains("control"));
        assert!(err("{// no\n}").message.contains("object name"));
        assert_eq!(
            json("{\"n\": 1e999}").map(|v| v.member("n").cloned().map(|n| n.kind)).ok().flatten(),
            Some(Kind::Number(Number { integer: None, finite: false }))
        );
    }

    #[test]
    fn surrogate_pairs_make_one_character() {
        let v = json(r#"{"s": "\ud83d\ude00 \ud800"}"#).expect("valid");
        assert_eq!(v.member("s").and_then(Value::as_str), Some("😀 \u{fffd}"));
    }

    #[test]
    fn yaml_uses_v2_types_and_the_first_document() {
        let file: Arc<str> = Arc::from("s.yaml");
        let v = read(&file, "a: yes\nb: 0x10\n1: one\nc: 1.0\n---\nbroken: [\n")
            .expect("first document only");
        assert_eq!(v.member("a").map(|a| &a.kind), Some(&Kind::Bool(true)));
        assert_eq!(
            v.member("b").map(|b| &b.kind),
            Some(&Kind::Number(Number { integer: Some(16), finite: true }))
        );
        assert_eq!(v.member("1").and_then(Value::as_str), Some("one"));
        assert_eq!(
            v.member("c").map(|c| &c.kind),
            Some(&Kind::Number(Number { integer: Some(1), finite: true }))
        );
        assert_eq!(read(&file, "# only a comment\n").map(|v| v.kind), Ok(Kind::Null));
        assert_eq!(
            read(&file, "").map_err(|e| e.message),
            Err("unexpected end of JSON input".to_string())
        );
        let bad = read(&file, "definitions: [\n").expect_err("syntax error");
        assert!(bad.message.starts_with("yaml: "));
        assert!(read(&file, "a: .inf\n").is_err());
        let merged = read(&file, "base: &b {a: 1, b: 2}\nm:\n  a: 0\n  <<: *b\n  b: 3\n  y: 4\n")
            .expect("merge keys");
        let m = merged.member("m").expect("m");
        // v2 sets entries in order: the merge replaces the earlier `a`, the later `b` wins.
        assert_eq!(
            m.member("a").map(|v| &v.kind),
            Some(&Kind::Number(Number { integer: Some(1), finite: true }))
        );
        assert_eq!(
            m.member("b").map(|v| &v.kind),
            Some(&Kind::Number(Number { integer: Some(3), finite: true }))
        );
        // YAML 1.1: a plain `y` key is the boolean true, which JSON spells "true".
        assert!(m.member("true").is_some() && m.member("y").is_none());
        assert!(read(&file, "m:\n  <<: 5\n").is_err());
    }
}
