//! Sprig's encodings, hashes, JSON, regular expressions and semantic versions.
//!
//! - Base64 and base32 are Go's `StdEncoding` (padded). They are a few lines each, smaller
//!   than a crate; decoding errors are returned as text, as Sprig does.
//! - Hashes: `sha2` and `sha1_smol` crates; Adler-32 is six lines.
//! - JSON follows `encoding/json`: `toJson` sorts map keys, escapes HTML, and fails (as the
//!   empty string, or the error for `must…`) on NaN, infinities and maps with non-string
//!   keys; `fromJson` reads numbers as `float64`, with Go's syntax error messages.
//! - Regular expressions use `regex-lite`, which accepts RE2's syntax except Unicode classes
//!   (`\pL`, `\p{Greek}`): those fail to compile, with the error. Compile errors carry
//!   `regex-lite`'s wording after Go's `error parsing regexp: ` prefix.
//! - `semver`/`semverCompare` use the engine's Masterminds semver ([`crate::semver`]).

use std::rc::Rc;

use super::{Ctx, Value};
use crate::gotemplate::value::{Field, MAX_DEPTH, StructType, Type};
use crate::gotemplate::{Function, Param};

type Res = Result<Value, String>;

fn s(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Encodes `bytes` in groups of `bits`-bit digits, padded to `block` characters.
fn encode(bytes: &[u8], alphabet: &[u8], bits: u32, block: usize) -> String {
    let mut out = String::new();
    let mut acc: u64 = 0;
    let mut n: u32 = 0;
    for &b in bytes {
        acc = (acc << 8) | u64::from(b);
        n += 8;
        while n >= bits {
            n -= bits;
            out.push(char::from(alphabet[((acc >> n) & ((1 << bits) - 1)) as usize]));
        }
    }
    if n > 0 {
        out.push(char::from(alphabet[((acc << (bits - n)) & ((1 << bits) - 1)) as usize]));
    }
    while !out.len().is_multiple_of(block) {
        out.push('=');
    }
    out
}

/// Decodes Go's padded `StdEncoding`; the error is Go's `illegal base64 data at input byte N`.
fn decode(
    text: &str,
    alphabet: &[u8],
    bits: u32,
    block: usize,
    name: &str,
) -> Result<Vec<u8>, String> {
    // Go ignores newlines in the input.
    let clean: Vec<(usize, u8)> =
        text.bytes().enumerate().filter(|&(_, b)| b != b'\n' && b != b'\r').collect();
    let illegal = |at: usize| format!("illegal {name} data at input byte {at}");
    if !clean.len().is_multiple_of(block) {
        // Go reports the first byte of the incomplete final quantum (or where padding breaks).
        let at = clean.len() - clean.len() % block;
        for &(i, b) in &clean[..at] {
            if !alphabet.contains(&b) && b != b'=' {
                return Err(illegal(i));
            }
        }
        return Err(illegal(clean.get(at).map_or(text.len(), |&(i, _)| i)));
    }
    let mut out = Vec::new();
    let mut acc: u64 = 0;
    let mut n: u32 = 0;
    let mut padding_from = None;
    for (k, &(i, b)) in clean.iter().enumerate() {
        if b == b'=' {
            padding_from.get_or_insert(k);
            continue;
        }
        if padding_from.is_some() {
            return Err(illegal(i));
        }
        let Some(v) = alphabet.iter().position(|&x| x == b) else { return Err(illegal(i)) };
        acc = (acc << bits) | v as u64;
        n += bits;
        if n >= 8 {
            n -= 8;
            out.push(((acc >> n) & 0xff) as u8);
        }
    }
    if let Some(p) = padding_from {
        // Padding must fill the final block, and only complete bytes may precede it.
        let in_block = p % block;
        let valid = if bits == 6 { in_block >= 2 } else { matches!(in_block, 2 | 4 | 5 | 7) };
        if !valid {
            return Err(illegal(clean[p].0));
        }
    }
    Ok(out)
}

fn bytes_to_string(bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|_| {
        "the decoded bytes are not UTF-8: Baton's template strings must be UTF-8".to_owned()
    })
}

pub(super) fn b64enc(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(encode(s(a, 0).as_bytes(), B64, 6, 4)))
}

pub(super) fn b64dec(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    match decode(s(a, 0), B64, 6, 4, "base64") {
        Ok(bytes) => Ok(Value::from(bytes_to_string(bytes)?)),
        Err(e) => Ok(Value::from(e)),
    }
}

pub(super) fn b32enc(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(encode(s(a, 0).as_bytes(), B32, 5, 8)))
}

pub(super) fn b32dec(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    match decode(s(a, 0), B32, 5, 8, "base32") {
        Ok(bytes) => Ok(Value::from(bytes_to_string(bytes)?)),
        Err(e) => Ok(Value::from(e)),
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

pub(super) fn sha1sum(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(sha1_smol::Sha1::from(s(a, 0)).digest().to_string()))
}

pub(super) fn sha256sum(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    use sha2::Digest;
    Ok(Value::from(hex(&sha2::Sha256::digest(s(a, 0).as_bytes()))))
}

pub(super) fn sha512sum(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    use sha2::Digest;
    Ok(Value::from(hex(&sha2::Sha512::digest(s(a, 0).as_bytes()))))
}

/// Adler-32 (RFC 1950), printed in decimal as Sprig does.
pub(super) fn adler32sum(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let (mut x, mut y) = (1u32, 0u32);
    for &b in s(a, 0).as_bytes() {
        x = (x + u32::from(b)) % 65_521;
        y = (y + x) % 65_521;
    }
    Ok(Value::from(((y << 16) | x).to_string()))
}

// JSON.

struct JsonWriter<'c, 'b> {
    ctx: &'c mut Ctx<'b>,
    out: String,
    escape_html: bool,
    indent: bool,
}

impl JsonWriter<'_, '_> {
    fn newline(&mut self, depth: usize) {
        if self.indent {
            self.out.push('\n');
            self.out.push_str(&"  ".repeat(depth));
        }
    }

    fn write(&mut self, v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH as usize {
            return Err(format!("json: value nested more than {MAX_DEPTH} deep (Baton's limit)"));
        }
        self.ctx.step(1)?;
        self.ctx.check_len(self.out.len())?;
        match v {
            Value::Invalid | Value::Nil => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(n) | Value::Int64(n) => self.out.push_str(&n.to_string()),
            Value::Float(f) => {
                let Some(text) = crate::float::format_json(*f) else {
                    let shown = crate::float::format_g(*f);
                    return Err(format!("json: unsupported value: {shown}"));
                };
                self.out.push_str(&text);
            }
            Value::String(text) => {
                crate::yaml::json::write_go_json_string_with(text, self.escape_html, &mut self.out);
            }
            Value::List(l) => {
                if l.items.is_empty() {
                    self.out.push_str("[]");
                    return Ok(());
                }
                self.out.push('[');
                for (i, item) in l.items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(depth + 1);
                    self.write(item, depth + 1)?;
                }
                self.newline(depth);
                self.out.push(']');
            }
            Value::Map(m) => {
                if !matches!(m.key_type().underlying(), Type::String) {
                    return Err(format!("json: unsupported type: {}", m.ty));
                }
                let entries = m.entries().clone();
                if entries.is_empty() {
                    self.out.push_str("{}");
                    return Ok(());
                }
                self.out.push('{');
                for (i, (k, val)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(depth + 1);
                    self.key(k.as_str().unwrap_or(""));
                    self.write(val, depth + 1)?;
                }
                self.newline(depth);
                self.out.push('}');
            }
            Value::Struct(st) => {
                let mut fields = Vec::new();
                collect_json_fields(st, &mut fields);
                if fields.is_empty() {
                    self.out.push_str("{}");
                    return Ok(());
                }
                self.out.push('{');
                for (i, (name, val)) in fields.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.newline(depth + 1);
                    self.key(name);
                    self.write(val, depth + 1)?;
                }
                self.newline(depth);
                self.out.push('}');
            }
        }
        Ok(())
    }

    fn key(&mut self, k: &str) {
        crate::yaml::json::write_go_json_string_with(k, self.escape_html, &mut self.out);
        self.out.push(':');
        if self.indent {
            self.out.push(' ');
        }
    }
}

/// Exported fields by name; embedded structs' fields are promoted, as `encoding/json` does.
fn collect_json_fields(st: &crate::gotemplate::value::Struct, out: &mut Vec<(String, Value)>) {
    for (def, v) in st.ty.fields.iter().zip(&st.fields) {
        match (def.embedded, v) {
            (true, Value::Struct(inner)) => collect_json_fields(inner, out),
            _ => out.push((def.name.clone(), v.clone())),
        }
    }
}

pub(crate) fn json_text(
    ctx: &mut Ctx<'_>,
    v: &Value,
    escape_html: bool,
    indent: bool,
) -> Result<String, String> {
    let mut w = JsonWriter { ctx, out: String::new(), escape_html, indent };
    w.write(v, 0)?;
    Ok(w.out)
}

/// `toJson`: Go's `json.Marshal`; on an error (NaN, a map with non-string keys) Sprig
/// returns the empty string, as this does. Budget errors still stop the execution.
pub(super) fn to_json(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    swallow(json_text(ctx, &a[0], true, false))
}

pub(super) fn must_to_json(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    json_text(ctx, &a[0], true, false).map(Value::from)
}

pub(super) fn to_pretty_json(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    swallow(json_text(ctx, &a[0], true, true))
}

pub(super) fn must_to_pretty_json(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    json_text(ctx, &a[0], true, true).map(Value::from)
}

fn swallow(result: Result<String, String>) -> Res {
    match result {
        Ok(text) => Ok(Value::from(text)),
        Err(e) if e.starts_with("json: ") => Ok(Value::from("")),
        Err(e) => Err(e),
    }
}

pub(super) fn to_raw_json(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    json_text(ctx, &a[0], false, false).map(Value::from)
}

/// `fromJson`: Go ignores the error and yields nil (printed `<no value>`).
pub(super) fn from_json(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(parse_json(ctx, s(a, 0)).unwrap_or(Value::Nil))
}

pub(super) fn must_from_json(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    parse_json(ctx, s(a, 0))
}

/// `json.Unmarshal` into `interface{}`, with `encoding/json`'s syntax error messages.
pub(crate) fn parse_json(ctx: &mut Ctx<'_>, text: &str) -> Res {
    let mut p = JsonParser { b: text.as_bytes(), i: 0 };
    p.ws();
    let v = p.value(ctx, 0)?;
    p.ws();
    if p.i < p.b.len() {
        return Err(p.invalid("after top-level value"));
    }
    Ok(v)
}

struct JsonParser<'t> {
    b: &'t [u8],
    i: usize,
}

const JSON_EOF: &str = "unexpected end of JSON input";

impl JsonParser<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// `invalid character 'x' CONTEXT`, or the end-of-input error.
    fn invalid(&self, context: &str) -> String {
        let Some(rest) = std::str::from_utf8(&self.b[self.i..]).ok().and_then(|r| r.chars().next())
        else {
            return JSON_EOF.to_owned();
        };
        let shown = match rest {
            '\'' => "'\\''".to_owned(),
            '"' => "'\"'".to_owned(),
            c => {
                let q = crate::gostring::quote(&c.to_string());
                format!("'{}'", &q[1..q.len() - 1])
            }
        };
        format!("invalid character {shown} {context}")
    }

    fn value(&mut self, ctx: &mut Ctx<'_>, depth: u32) -> Res {
        if depth > MAX_DEPTH {
            return Err(format!("json: nested more than {MAX_DEPTH} deep (Baton's limit)"));
        }
        ctx.step(1)?;
        match self.b.get(self.i) {
            None => Err(JSON_EOF.to_owned()),
            Some(b'{') => {
                self.i += 1;
                let mut entries = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Value::any_map(entries));
                }
                loop {
                    self.ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return Err(self.invalid("looking for beginning of object key string"));
                    }
                    let k = self.string()?;
                    self.ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return Err(self.invalid("after object key"));
                    }
                    self.i += 1;
                    self.ws();
                    let v = self.value(ctx, depth + 1)?;
                    entries.push((k, v));
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Value::any_map(entries));
                        }
                        _ => return Err(self.invalid("after object key:value pair")),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Value::any_list(items));
                }
                loop {
                    self.ws();
                    items.push(self.value(ctx, depth + 1)?);
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Value::any_list(items));
                        }
                        _ => return Err(self.invalid("after array element")),
                    }
                }
            }
            Some(b'"') => Ok(Value::from(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Nil),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.invalid("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Res {
        for (k, expected) in word.bytes().enumerate() {
            match self.b.get(self.i) {
                None => return Err(JSON_EOF.to_owned()),
                Some(&c) if c == expected => self.i += 1,
                Some(_) => {
                    let context =
                        format!("in literal {word} (expecting '{}')", char::from(expected));
                    let _ = k;
                    return Err(self.invalid(&context));
                }
            }
        }
        Ok(v)
    }

    fn number(&mut self) -> Res {
        let start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
            if !matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                return Err(self.invalid("in numeric literal"));
            }
        }
        if self.b.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else {
            while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                return Err(self.invalid("after decimal point in numeric literal"));
            }
            while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                return Err(self.invalid("in exponent of numeric literal"));
            }
            while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("0");
        match crate::float::parse_f64(text) {
            Some(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(format!("json: cannot unmarshal number {text} into Go value of type float64")),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1; // the opening quote
        let mut out = String::new();
        loop {
            let Some(&c) = self.b.get(self.i) else { return Err(JSON_EOF.to_owned()) };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.i += 1;
                    let Some(&e) = self.b.get(self.i) else { return Err(JSON_EOF.to_owned()) };
                    let simple = match e {
                        b'"' => Some('"'),
                        b'\\' => Some('\\'),
                        b'/' => Some('/'),
                        b'b' => Some('\u{8}'),
                        b'f' => Some('\u{c}'),
                        b'n' => Some('\n'),
                        b'r' => Some('\r'),
                        b't' => Some('\t'),
                        _ => None,
                    };
                    if let Some(ch) = simple {
                        out.push(ch);
                        self.i += 1;
                        continue;
                    }
                    if e != b'u' {
                        return Err(self.invalid("in string escape code"));
                    }
                    self.i += 1;
                    let first = self.hex4()?;
                    let code = if (0xD800..0xDC00).contains(&first)
                        && self.b.get(self.i) == Some(&b'\\')
                        && self.b.get(self.i + 1) == Some(&b'u')
                    {
                        let save = self.i;
                        self.i += 2;
                        let second = self.hex4()?;
                        if (0xDC00..0xE000).contains(&second) {
                            0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                        } else {
                            self.i = save;
                            0xFFFD
                        }
                    } else {
                        first
                    };
                    out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                }
                c if c < 0x20 => return Err(self.invalid("in string literal")),
                _ => {
                    let rest = std::str::from_utf8(&self.b[self.i..]).unwrap_or("");
                    let ch = rest.chars().next().unwrap_or('\u{FFFD}');
                    out.push(ch);
                    self.i += ch.len_utf8().max(1);
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0;
        for _ in 0..4 {
            match self.b.get(self.i).and_then(|&c| char::from(c).to_digit(16)) {
                Some(d) => v = v * 16 + d,
                None if self.i >= self.b.len() => return Err(JSON_EOF.to_owned()),
                None => return Err(self.invalid("in \\u hexadecimal character escape")),
            }
            self.i += 1;
        }
        Ok(v)
    }
}

// Regular expressions.

/// Go's `regexp.Compile` over `regex-lite`: the error reads `error parsing regexp: …`.
fn compile(re: &str) -> Result<regex_lite::Regex, String> {
    regex_lite::Regex::new(re).map_err(|e| format!("error parsing regexp: {e}"))
}

/// `regexp.MustCompile`'s panic message.
fn must_compile(re: &str) -> Result<regex_lite::Regex, String> {
    compile(re).map_err(|e| {
        let shown = if re.chars().all(|c| c == '\t' || (c >= ' ' && c != '`' && c != '\u{7f}')) {
            format!("`{re}`")
        } else {
            crate::gostring::quote(re)
        };
        format!("regexp: Compile({shown}): {e}")
    })
}

pub(super) fn regex_match(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(compile(s(a, 0)).is_ok_and(|r| r.is_match(s(a, 1)))))
}

pub(super) fn must_regex_match(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(compile(s(a, 0))?.is_match(s(a, 1))))
}

fn find_all(r: &regex_lite::Regex, text: &str, n: i64) -> Vec<String> {
    let limit = usize::try_from(n).unwrap_or(usize::MAX);
    r.find_iter(text).take(limit).map(|m| m.as_str().to_owned()).collect()
}

pub(super) fn regex_find_all(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let r = must_compile(s(a, 0))?;
    Ok(Value::string_list(find_all(&r, s(a, 1), int(a, 2))))
}

pub(super) fn must_regex_find_all(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let r = compile(s(a, 0))?;
    Ok(Value::string_list(find_all(&r, s(a, 1), int(a, 2))))
}

pub(super) fn regex_find(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let r = must_compile(s(a, 0))?;
    Ok(Value::from(r.find(s(a, 1)).map_or("", |m| m.as_str())))
}

pub(super) fn must_regex_find(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let r = compile(s(a, 0))?;
    Ok(Value::from(r.find(s(a, 1)).map_or("", |m| m.as_str())))
}

fn replace_all(ctx: &Ctx<'_>, r: &regex_lite::Regex, text: &str, repl: &str, literal: bool) -> Res {
    let out = if literal {
        r.replace_all(text, regex_lite::NoExpand(repl)).into_owned()
    } else {
        r.replace_all(text, repl).into_owned()
    };
    ctx.check_len(out.len())?;
    Ok(Value::from(out))
}

pub(super) fn regex_replace_all(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let r = must_compile(s(a, 0))?;
    replace_all(ctx, &r, s(a, 1), s(a, 2), false)
}

pub(super) fn must_regex_replace_all(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let r = compile(s(a, 0))?;
    replace_all(ctx, &r, s(a, 1), s(a, 2), false)
}

pub(super) fn regex_replace_all_literal(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let r = must_compile(s(a, 0))?;
    replace_all(ctx, &r, s(a, 1), s(a, 2), true)
}

pub(super) fn must_regex_replace_all_literal(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let r = compile(s(a, 0))?;
    replace_all(ctx, &r, s(a, 1), s(a, 2), true)
}

/// Go's `Regexp.Split`.
fn split(r: &regex_lite::Regex, expr: &str, text: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if !expr.is_empty() && text.is_empty() {
        return vec![String::new()];
    }
    let mut parts = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for m in r.find_iter(text) {
        if n > 0 && parts.len() == usize::try_from(n - 1).unwrap_or(0) {
            break;
        }
        end = m.start();
        if m.end() != 0 {
            parts.push(text[beg..end].to_owned());
        }
        beg = m.end();
    }
    if end != text.len() {
        parts.push(text[beg..].to_owned());
    }
    parts
}

pub(super) fn regex_split(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let r = must_compile(s(a, 0))?;
    Ok(Value::string_list(split(&r, s(a, 0), s(a, 1), int(a, 2))))
}

pub(super) fn must_regex_split(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let r = compile(s(a, 0))?;
    Ok(Value::string_list(split(&r, s(a, 0), s(a, 1), int(a, 2))))
}

pub(super) fn regex_quote_meta(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut out = String::new();
    for c in s(a, 0).chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(Value::from(out))
}

fn int(a: &[Value], i: usize) -> i64 {
    match a.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        _ => 0,
    }
}

// Semantic versions.

fn version_type() -> Rc<StructType> {
    let mut t = StructType::new("*semver.Version", Vec::<Field>::new())
        .with_method("Major", Type::Int64)
        .with_method("Minor", Type::Int64)
        .with_method("Patch", Type::Int64)
        .with_method("Prerelease", Type::String)
        .with_method("Metadata", Type::String)
        .with_method("Original", Type::String)
        .with_method("String", Type::String);
    // The comparison methods take another `*semver.Version`.
    let other = Param::Of(Type::Struct(Rc::new(t.clone())));
    for (name, imp) in [
        ("Compare", version_compare as crate::gotemplate::NativeFn),
        ("LessThan", version_less),
        ("GreaterThan", version_greater),
        ("Equal", version_equal),
    ] {
        t.calls.push((name.to_owned(), Function::new(vec![other.clone()], imp)));
    }
    Rc::new(t)
}

/// The version inside a `*semver.Version` value (parsed again from its original text).
fn version_of(v: &Value) -> Result<crate::semver::Version, String> {
    let Value::Struct(s) = v else { return Err("not a *semver.Version".to_owned()) };
    let original = s.method("Original").map(|(v, _)| v).unwrap_or_default();
    crate::semver::Version::parse(original.as_str().unwrap_or("")).map_err(|e| e.to_string())
}

fn version_cmp(a: &[Value]) -> Result<std::cmp::Ordering, String> {
    Ok(version_of(&a[0])?.compare(&version_of(&a[1])?))
}

fn version_compare(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Int(match version_cmp(a)? {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }))
}

fn version_less(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(version_cmp(a)?.is_lt()))
}

fn version_greater(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(version_cmp(a)?.is_gt()))
}

fn version_equal(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(version_cmp(a)?.is_eq()))
}

/// `semver`: a `*semver.Version`, printed as its `String()`, with its niladic methods.
pub(super) fn semver(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let v = crate::semver::Version::parse(s(a, 0)).map_err(|e| e.to_string())?;
    let to_i = |n: u64| Value::Int64(i64::try_from(n).unwrap_or(i64::MAX));
    let text = v.to_string();
    let methods = vec![
        to_i(v.major()),
        to_i(v.minor()),
        to_i(v.patch()),
        Value::from(v.prerelease()),
        Value::from(v.metadata()),
        Value::from(v.original()),
        Value::from(text.as_str()),
    ];
    Ok(Value::structure(&version_type(), Vec::new(), methods, Some(&text)))
}

pub(super) fn semver_compare(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let c = crate::semver::Constraints::parse(s(a, 0))?;
    let v = crate::semver::Version::parse(s(a, 1)).map_err(|e| e.to_string())?;
    Ok(Value::Bool(c.check(&v)))
}
