//! Parameter sets and what generators do with them: Go's `map[string]any` as
//! [`crate::gotemplate::Value`] maps, flattened as `jeremywohl/flatten` does (for selectors and
//! fasttemplate git files), merged as `dario.cat/mergo` v1.0.2 does with `WithOverride`
//! (goTemplate matrix and merge), combined as `utils.CombineStringMaps` does (fasttemplate
//! matrix), and filtered by label selectors (`applicationset/utils/selector.go`: Kubernetes'
//! selector without its restrictions on values).

use crate::gotemplate::{Type, Value};

use super::doc::Doc;

/// A parameter set: a `map[string]any`.
pub(crate) type Params = Value;

/// An empty parameter set.
pub(crate) fn empty() -> Params {
    Value::any_map(Vec::<(&str, Value)>::new())
}

/// A parameter set from string keys and values of any type.
pub(crate) fn params(entries: Vec<(String, Value)>) -> Params {
    Value::any_map(entries)
}

/// `map[string]string`.
pub(crate) fn string_map(entries: &[(String, String)]) -> Value {
    Value::string_map(entries.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The entries of a map value (string keys), in key order.
pub(crate) fn entries(value: &Value) -> Vec<(String, Value)> {
    match value {
        Value::Map(map) => map
            .entries()
            .iter()
            .map(|(k, v)| {
                (k.as_str().map_or_else(|| crate::gotemplate::sprint(k), str::to_owned), v.clone())
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a parameter set has no entries (`len(params) == 0`, which leaves a template
/// unrendered).
pub(crate) fn is_empty(value: &Value) -> bool {
    match value {
        Value::Map(map) => map.is_empty(),
        _ => true,
    }
}

/// `fmt.Sprintf("%v", v)`.
pub(crate) fn sprint(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        other => crate::gotemplate::sprint(other),
    }
}

/// `flatten.Flatten(m, "", DotStyle)` with values printed `%v`: `map[string]any` and `[]any`
/// are walked (list items by index), anything else is a leaf; empty maps and lists vanish.
/// `normalize` also walks `map[string]string` values reached through maps, as Argo CD's
/// `normalizeMapForFlatten` does before matching selectors.
pub(crate) fn flatten(value: &Value, normalize: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in entries(value) {
        walk(&k, &v, normalize, &mut out);
    }
    out
}

fn walk(key: &str, value: &Value, normalize: bool, out: &mut Vec<(String, String)>) {
    match value {
        Value::Map(map) if is_any(&map.elem()) || (normalize && map.key_type() == Type::String) => {
            for (k, v) in entries(value) {
                walk(&format!("{key}.{k}"), &v, normalize && is_any(&map.elem()), out);
            }
        }
        Value::List(list) if is_any(&list.elem()) => {
            for (i, v) in list.items.iter().enumerate() {
                walk(&format!("{key}.{i}"), v, false, out);
            }
        }
        other => {
            // A later key of the same flat name wins, as assigning to the Go map does.
            out.retain(|(k, _)| k != key);
            out.push((key.to_owned(), sprint(other)));
        }
    }
}

fn is_any(ty: &Type) -> bool {
    *ty == Type::Interface
}

/// `mergo.Merge(&dst, src, mergo.WithOverride)` on `map[string]any`: `src` wins for scalars,
/// lists and nil, nested maps merge key by key, an empty or non-map `dst` value is replaced.
pub(crate) fn merge_override(dst: &Value, src: &Value) -> Value {
    let mut out = entries(dst);
    for (key, s) in entries(src) {
        let d = out.iter().position(|(k, _)| *k == key);
        let merged = match (&s, d.map(|i| &out[i].1)) {
            (Value::Map(_), Some(existing @ Value::Map(m))) if !m.is_empty() => {
                merge_override(existing, &s)
            }
            _ => s.clone(),
        };
        match d {
            Some(i) => out[i].1 = merged,
            None => out.push((key, merged)),
        }
    }
    let ty = match dst {
        Value::Map(map) => map.ty.clone(),
        _ => Type::any_map(),
    };
    Value::map_of_type(ty, out.into_iter().map(|(k, v)| (Value::from(k), v)).collect())
}

/// `utils.CombineStringMaps(a, b)`: both printed `%v`, `b` added to `a`; a key in both with
/// different values is an error.
pub(crate) fn combine_string_maps(a: &Value, b: &Value) -> Result<Value, String> {
    let mut out: Vec<(String, String)> =
        entries(a).iter().map(|(k, v)| (k.clone(), sprint(v))).collect();
    for (k, v) in entries(b) {
        let v = sprint(&v);
        match out.iter().find(|(key, _)| *key == k) {
            Some((_, current)) if *current != v => {
                return Err(format!(
                    "found duplicate key {k} with different value, a: {current} ,b: {v}"
                ));
            }
            Some(_) => {}
            None => out.push((k, v)),
        }
    }
    Ok(params(out.into_iter().map(|(k, v)| (k, Value::from(v))).collect()))
}

/// `maps.Copy(dst, src)`: `src`'s keys replace `dst`'s.
pub(crate) fn copy_over(dst: &Value, src: &Value) -> Value {
    let mut out = entries(dst);
    for (k, v) in entries(src) {
        out.retain(|(key, _)| *key != k);
        out.push((k, v));
    }
    params(out)
}

/// A label selector requirement.
#[derive(Debug, Clone)]
struct Requirement {
    key: String,
    op: Op,
    values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// A compiled `metav1.LabelSelector` (`matchLabels` and `matchExpressions`, all required).
#[derive(Debug, Clone, Default)]
pub(crate) struct Selector {
    requirements: Vec<Requirement>,
}

impl Selector {
    /// Compiles a selector as Argo CD's `LabelSelectorAsSelector` does (keys must be
    /// qualified names; values are not restricted). The error is upstream's message.
    pub fn compile(doc: &Doc) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        let mut labels = doc.get("matchLabels").map(Doc::string_map).unwrap_or_default();
        crate::sort::sort_by(&mut labels, |a, b| a.0.cmp(&b.0));
        for (key, value) in labels {
            check_key(&key)?;
            requirements.push(Requirement { key, op: Op::In, values: vec![value] });
        }
        for expression in doc.get("matchExpressions").map(Doc::items).unwrap_or_default() {
            let key = expression.get("key").and_then(Doc::as_str).unwrap_or_default().to_owned();
            let operator = expression.get("operator").and_then(Doc::as_str).unwrap_or_default();
            let values = expression.get("values").map(Doc::strings).unwrap_or_default();
            let op = match operator {
                "In" => Op::In,
                "NotIn" => Op::NotIn,
                "Exists" => Op::Exists,
                "DoesNotExist" => Op::DoesNotExist,
                other => {
                    return Err(format!(
                        "{} is not a valid pod selector operator",
                        crate::gostring::quote(other)
                    ));
                }
            };
            check_key(&key)?;
            match op {
                Op::In | Op::NotIn if values.is_empty() => {
                    return Err("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty".to_owned());
                }
                Op::Exists | Op::DoesNotExist if !values.is_empty() => {
                    return Err("values: Invalid value: []string{...}: values set must be empty for exists and does not exist".to_owned());
                }
                _ => {}
            }
            requirements.push(Requirement { key, op, values });
        }
        crate::sort::sort_by(&mut requirements, |a, b| a.key.cmp(&b.key));
        Ok(Selector { requirements })
    }

    /// Whether every requirement holds for `labels`.
    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        self.requirements.iter().all(|r| {
            let value = labels.iter().find(|(k, _)| *k == r.key).map(|(_, v)| v);
            match (r.op, value) {
                (Op::In, Some(v)) => r.values.contains(v),
                (Op::NotIn, Some(v)) => !r.values.contains(v),
                (Op::NotIn | Op::DoesNotExist, None) | (Op::Exists, Some(_)) => true,
                (Op::In | Op::Exists, None) | (Op::DoesNotExist, Some(_)) => false,
            }
        })
    }

    /// Whether the selector has any requirement.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }
}

/// `validation.IsQualifiedName`, as a selector key is checked.
fn check_key(key: &str) -> Result<(), String> {
    const NAME: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    let mut errors: Vec<String> = Vec::new();
    let parts: Vec<&str> = key.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errors.push("prefix part must be non-empty".to_owned());
            } else if !is_dns_subdomain(prefix) {
                errors.push("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".to_owned());
            }
            name
        }
        _ => {
            errors.push("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_owned());
            ""
        }
    };
    if parts.len() <= 2 {
        if name.is_empty() {
            errors.push("name part must be non-empty".to_owned());
        } else {
            if name.len() > 63 {
                errors.push("name part must be no more than 63 characters".to_owned());
            }
            let ok_inner = name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
            let ends = name.as_bytes().first().is_some_and(u8::is_ascii_alphanumeric)
                && name.as_bytes().last().is_some_and(u8::is_ascii_alphanumeric);
            if !(ok_inner && ends) {
                errors.push(NAME.to_owned());
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("key: Invalid value: {}: {}", crate::gostring::quote(key), errors.join("; ")))
    }
}

/// A lowercase RFC 1123 subdomain (at most 253 characters).
pub(crate) fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253
        && !s.is_empty()
        && s.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        })
}

/// A list of strings as Go's `[]string`.
pub(crate) fn string_list(items: &[String]) -> Value {
    Value::string_list(items.iter().map(String::as_str))
}
