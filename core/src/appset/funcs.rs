//! What Argo CD adds to Sprig for `goTemplate` (`applicationset/utils/utils.go` `init`,
//! `template_functions.go`): `normalize`, `slugify`, `toYaml`, `fromYaml`, `fromYamlArray`,
//! and the two name functions the generators use, `SanitizeName` and gosimple/slug's `Make`
//! (v1.15.0, `slug.go`).
//!
//! gosimple/slug transliterates non-ASCII text with `unidecode` tables (tens of kilobytes);
//! Baton carries the Latin letters with diacritics and reports anything else it drops (the
//! caller turns that into an `A020` warning), rather than guess.

use crate::gotemplate::{Ctx, Funcs, Function, Param, Type, Value};
use crate::yaml::json::Json;

/// Sprig's generic functions less `env`, `expandenv`, `getHostByName`, plus Argo CD's.
pub(crate) fn argo_funcs() -> Funcs {
    thread_local! {
        static FUNCS: Funcs = build();
    }
    FUNCS.with(Funcs::clone)
}

fn build() -> Funcs {
    let mut funcs = Funcs::generic();
    funcs.insert("normalize", Function::new(vec![Param::string()], normalize));
    funcs.insert("slugify", Function::variadic(vec![], Param::Any, slugify));
    funcs.insert("toYaml", Function::new(vec![Param::Any], to_yaml));
    funcs.insert("fromYaml", Function::new(vec![Param::string()], from_yaml));
    funcs.insert("fromYamlArray", Function::new(vec![Param::string()], from_yaml_array));
    funcs
}

#[allow(clippy::unnecessary_wraps)]
fn normalize(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(sanitize_name(a[0].as_str().unwrap_or_default())))
}

/// `SlugifyName(args ...any)`: `[maxSize int] [smartTruncate bool] name string`. A wrong
/// argument type is Go's failed type assertion, which `text/template` reports as an error.
fn slugify(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, String> {
    let mut max = 50_i64;
    let mut smart = true;
    let mut name = String::new();
    let last = a.len().wrapping_sub(1);
    for (i, arg) in a.iter().enumerate() {
        if i == last {
            match arg {
                Value::String(s) => name = s.to_string(),
                other => return Err(assertion(other, "string")),
            }
        } else if i == 0 {
            match arg {
                Value::Int(n) => max = *n,
                other => return Err(assertion(other, "int")),
            }
        } else if i == 1 {
            match arg {
                Value::Bool(b) => smart = *b,
                other => return Err(assertion(other, "bool")),
            }
        }
    }
    let sanitized = sanitize_name(&name);
    let max = usize::try_from(max)
        .map_err(|_| format!("runtime error: slice bounds out of range [:{max}]"))?;
    Ok(Value::from(
        make_slug(&sanitized, &SlugOptions { max_length: max, smart, underscore_to_dash: false })
            .text,
    ))
}

/// Go's message for a failed `arg.(T)` on an `interface{}`.
fn assertion(value: &Value, want: &str) -> String {
    let have = match value {
        Value::Invalid | Value::Nil => {
            return format!("interface conversion: interface {{}} is nil, not {want}");
        }
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Int64(_) => "int64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
        Value::Struct(_) => "struct",
    };
    format!("interface conversion: interface {{}} is {have}, not {want}")
}

/// `toYaml`: `sigs.k8s.io/yaml.Marshal` (JSON, then go-yaml v2's printer), without the final
/// line break.
fn to_yaml(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, String> {
    let json = crate::gotemplate::json_marshal_in(ctx, &a[0])
        .map_err(|e| format!("error marshaling into JSON: {e}"))?;
    let value = yaml_to_json(&json).map_err(|e| format!("error converting JSON to YAML: {e}"))?;
    let text = crate::yaml::emit::to_yaml(&value);
    ctx.check_len(text.len())?;
    Ok(Value::from(text.strip_suffix('\n').unwrap_or(&text)))
}

fn from_yaml(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, String> {
    match unmarshal(a[0].as_str().unwrap_or_default())? {
        Json::Null => Ok(Value::any_map(Vec::<(&str, Value)>::new())),
        json @ Json::Object(_) => Ok(Value::from_json(&json)),
        other => Err(cannot_unmarshal(&other, "map[string]interface {}")),
    }
}

fn from_yaml_array(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, String> {
    match unmarshal(a[0].as_str().unwrap_or_default())? {
        Json::Null => Ok(Value::list(Type::any_slice(), Vec::new())),
        json @ Json::Array(_) => Ok(Value::from_json(&json)),
        other => Err(cannot_unmarshal(&other, "[]interface {}")),
    }
}

fn cannot_unmarshal(json: &Json, into: &str) -> String {
    let what = match json {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Int(_) | Json::Uint(_) | Json::Float(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    };
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {what} into Go value of type {into}"
    )
}

/// `yaml.Unmarshal` through JSON: the first document, typed as go-yaml v2 types it.
fn unmarshal(text: &str) -> Result<Json, String> {
    yaml_to_json(text).map_err(|e| format!("error converting YAML to JSON: {e}"))
}

/// The first YAML document of `text` as `sigs.k8s.io/yaml` converts it to JSON (`null` for
/// an empty text).
pub(crate) fn yaml_to_json(text: &str) -> Result<Json, String> {
    let file: std::sync::Arc<str> = std::sync::Arc::from("");
    let parsed = crate::yaml::parse(&file, text, &crate::yaml::Limits::default());
    if let Some(d) = parsed.diagnostics.iter().find(|d| d.is_error()) {
        return Err(format!("yaml: {}", d.message));
    }
    let Some(doc) = parsed.documents.into_iter().next() else { return Ok(Json::Null) };
    if doc.is_empty() {
        return Ok(Json::Null);
    }
    let mut root = doc.root;
    crate::yaml::merge::resolve_merge_keys(&mut root).map_err(|e| format!("yaml: {e}"))?;
    super::doc::yaml_json(&root)
}

/// `SanitizeName`: lower case, every character other than `-a-z0-9.` replaced by `-`, at
/// most 253 bytes, `-` and `.` trimmed from both ends.
pub(crate) fn sanitize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.to_lowercase().chars() {
        out.push(if c == '-' || c == '.' || c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        });
    }
    out.truncate(253);
    out.trim_matches(|c| c == '-' || c == '.').to_owned()
}

/// gosimple/slug's package settings that Argo CD sets.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SlugOptions {
    /// `slug.MaxLength` (0: no limit).
    pub max_length: usize,
    /// `slug.EnableSmartTruncate`.
    pub smart: bool,
    /// `slug.CustomSub = {"_": "-"}` (the pull request generator's).
    pub underscore_to_dash: bool,
}

/// A slug, and whether characters were dropped that gosimple/slug would transliterate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Slug {
    pub text: String,
    pub approximated: bool,
}

/// gosimple/slug's `Make` (language `en`).
pub(crate) fn make_slug(s: &str, options: &SlugOptions) -> Slug {
    let mut text = s.trim().to_owned();
    if options.underscore_to_dash {
        text = text.replace('_', "-");
    }
    let mut ascii = String::with_capacity(text.len());
    let mut approximated = false;
    for c in text.chars() {
        match c {
            '&' => ascii.push_str("and"),
            '@' => ascii.push_str("at"),
            c if c.is_ascii() => ascii.push(c),
            c => match transliterate(c) {
                Some(t) => ascii.push_str(t),
                None => approximated = true,
            },
        }
    }
    let mut slug = ascii.to_ascii_lowercase();
    if !options.smart && slug.len() >= options.max_length {
        slug.truncate(options.max_length);
    }
    let mut collapsed = String::with_capacity(slug.len());
    for c in slug.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' };
        if c == '-' && collapsed.ends_with('-') {
            continue;
        }
        collapsed.push(c);
    }
    let mut slug = collapsed.trim_matches(|c| c == '-' || c == '_').to_owned();
    if options.max_length > 0 && options.smart && slug.len() > options.max_length {
        let bytes = slug.as_bytes();
        let cut = (0..=options.max_length).rev().find(|&i| bytes[i] == b'-');
        slug.truncate(cut.unwrap_or(options.max_length));
    }
    Slug { text: slug, approximated }
}

/// unidecode for Latin letters with diacritics (Latin-1 Supplement and Latin Extended-A);
/// `?` marks the characters whose transliteration Baton does not carry.
fn transliterate(c: char) -> Option<&'static str> {
    const LATIN1: &str = "AAAAAA?CEEEEIIIIDNOOOOOxOUUUUY??aaaaaa?ceeeeiiiidnooooo/ouuuuy?y";
    const EXT_A: &str = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi??JjKk?LlLlLlLlLlNnNnNn???OoOoOo??RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    let code = c as u32;
    let special = match code {
        0xC6 => Some("AE"),
        0xE6 => Some("ae"),
        0xDE => Some("Th"),
        0xFE => Some("th"),
        0xDF => Some("ss"),
        0x132 => Some("IJ"),
        0x133 => Some("ij"),
        0x152 => Some("OE"),
        0x153 => Some("oe"),
        _ => None,
    };
    if special.is_some() {
        return special;
    }
    let (table, start) = match code {
        0xC0..=0xFF => (LATIN1, 0xC0),
        0x100..=0x17F => (EXT_A, 0x100),
        _ => return None,
    };
    let i = (code - start) as usize;
    table.get(i..=i).filter(|t| *t != "?")
}
