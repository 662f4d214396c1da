//! Sprig's lists, dicts, defaults and reflection (`list.go`, `dict.go`, `defaults.go`,
//! `reflect.go`), with `dario.cat/mergo` v1.0.1 semantics for `merge` and
//! `mitchellh/copystructure` for `deepCopy`.
//!
//! Sprig's non-`must` list functions `panic` on a bad argument; Go's template engine turns
//! the panic into `error calling NAME: MSG`, which is what these return.

use std::rc::Rc;

use super::strings::list_kind;
use super::{Ctx, Value, kind_name, strval};
use crate::gotemplate::value::{MAX_DEPTH, Map, Type};

type Res = Result<Value, String>;

/// Sprig's `empty`: the zero value of its type (nil, 0, "", empty collection, false);
/// structs are never empty.
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Struct(_) => false,
        other => !other.is_true(),
    }
}

pub(super) fn default(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let given = &a[1..];
    match given.first() {
        Some(g) if !is_empty(g) => Ok(g.clone()),
        _ => Ok(a[0].clone()),
    }
}

pub(super) fn empty(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(is_empty(&a[0])))
}

pub(super) fn coalesce(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(a.iter().find(|v| !is_empty(v)).cloned().unwrap_or(Value::Nil))
}

pub(super) fn all(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
}

pub(super) fn any(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
}

pub(super) fn ternary(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(if a[2].is_true() { a[0].clone() } else { a[1].clone() })
}

/// `[]interface{}` of the arguments.
pub(super) fn list(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    ctx.step(a.len())?;
    Ok(Value::any_list(a.to_vec()))
}

fn items<'v>(v: &'v Value, what: &str) -> Result<&'v [Value], String> {
    match v {
        Value::List(l) => Ok(&l.items),
        other => Err(format!("Cannot {what} type {}", list_kind(other)?)),
    }
}

fn must<F: Fn(&[Value]) -> Value>(v: &Value, what: &str, f: F) -> Res {
    Ok(f(items(v, what)?))
}

pub(super) fn push(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_push(ctx, a)
}

pub(super) fn must_push(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let l = items(&a[0], "push on")?;
    ctx.step(l.len())?;
    let mut v = l.to_vec();
    v.push(a[1].clone());
    Ok(Value::any_list(v))
}

pub(super) fn prepend(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_prepend(ctx, a)
}

pub(super) fn must_prepend(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let l = items(&a[0], "prepend on")?;
    ctx.step(l.len())?;
    let mut v = vec![a[1].clone()];
    v.extend_from_slice(l);
    Ok(Value::any_list(v))
}

pub(super) fn chunk(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_chunk(ctx, a)
}

pub(super) fn must_chunk(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let size = match a[0] {
        Value::Int(n) => n,
        _ => 0,
    };
    let l = items(&a[1], "chunk")?;
    if size <= 0 {
        return Err("runtime error: integer divide by zero".to_owned());
    }
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    ctx.step(l.len())?;
    let chunks: Vec<Value> = l.chunks(size).map(|c| Value::any_list(c.to_vec())).collect();
    Ok(Value::list(Type::any_slice(), chunks))
}

pub(super) fn first(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_first(ctx, a)
}

pub(super) fn must_first(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    must(&a[0], "find first on", |l| l.first().cloned().unwrap_or(Value::Nil))
}

pub(super) fn last(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_last(ctx, a)
}

pub(super) fn must_last(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    must(&a[0], "find last on", |l| l.last().cloned().unwrap_or(Value::Nil))
}

pub(super) fn rest(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_rest(ctx, a)
}

pub(super) fn must_rest(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    must(&a[0], "find rest on", |l| Value::any_list(l.get(1..).unwrap_or(&[]).to_vec()))
}

pub(super) fn initial(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_initial(ctx, a)
}

pub(super) fn must_initial(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    must(&a[0], "find initial on", |l| {
        Value::any_list(l.get(..l.len().saturating_sub(1)).unwrap_or(&[]).to_vec())
    })
}

pub(super) fn reverse(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_reverse(ctx, a)
}

pub(super) fn must_reverse(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    must(&a[0], "find reverse on", |l| Value::any_list(l.iter().rev().cloned().collect()))
}

pub(super) fn compact(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_compact(ctx, a)
}

pub(super) fn must_compact(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let l = items(&a[0], "compact on")?;
    Ok(Value::any_list(l.iter().filter(|v| !is_empty(v)).cloned().collect()))
}

pub(super) fn uniq(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_uniq(ctx, a)
}

pub(super) fn must_uniq(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let l = items(&a[0], "find uniq on")?;
    let mut dest: Vec<Value> = Vec::new();
    for item in l {
        ctx.step(dest.len())?;
        if !in_list(&dest, item)? {
            dest.push(item.clone());
        }
    }
    Ok(Value::any_list(dest))
}

fn in_list(haystack: &[Value], needle: &Value) -> Result<bool, String> {
    for h in haystack {
        if deep_equal_values(needle, h, 0)? {
            return Ok(true);
        }
    }
    Ok(false)
}

pub(super) fn without(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_without(ctx, a)
}

pub(super) fn must_without(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let l = items(&a[0], "find without on")?;
    let omit = &a[1..];
    ctx.step(l.len().saturating_mul(omit.len()))?;
    let mut res = Vec::new();
    for item in l {
        if !in_list(omit, item)? {
            res.push(item.clone());
        }
    }
    Ok(Value::any_list(res))
}

pub(super) fn has(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_has(ctx, a)
}

pub(super) fn must_has(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    if matches!(a[1], Value::Nil | Value::Invalid) {
        return Ok(Value::Bool(false));
    }
    let l = items(&a[1], "find has on")?;
    ctx.step(l.len())?;
    Ok(Value::Bool(in_list(l, &a[0])?))
}

pub(super) fn slice(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    must_slice(ctx, a)
}

/// Sprig's `slice`: `list[start:end]` with `cast.ToInt` indexes; Go panics out of bounds.
pub(super) fn must_slice(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let l = match &a[0] {
        Value::List(l) => l,
        other => {
            return Err(format!("list should be type of slice or array but {}", list_kind(other)?));
        }
    };
    if l.items.is_empty() {
        return Ok(Value::Nil);
    }
    let len = l.items.len();
    let start = match a.get(1) {
        Some(v) => super::numbers::to_int64(ctx, v),
        None => 0,
    };
    let end = match a.get(2) {
        Some(v) => super::numbers::to_int64(ctx, v),
        None => i64::try_from(len).unwrap_or(i64::MAX),
    };
    let (Ok(s), Ok(e)) = (usize::try_from(start), usize::try_from(end)) else {
        return Err("reflect: slice index out of range".to_owned());
    };
    if s > e || e > len {
        return Err("reflect.Value.Slice: slice index out of bounds".to_owned());
    }
    Ok(Value::list_of_type(l.ty.clone(), l.items[s..e].to_vec()))
}

pub(super) fn concat(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut res = Vec::new();
    for list in a {
        match list {
            Value::List(l) => {
                ctx.step(l.items.len())?;
                res.extend(l.items.iter().cloned());
            }
            other => return Err(format!("Cannot concat type {} as list", list_kind(other)?)),
        }
    }
    if res.is_empty() {
        return Ok(Value::list(Type::Interface, Vec::new()));
    }
    Ok(Value::any_list(res))
}

// Dicts. Go maps are references: `set`, `unset` and `merge` change the map they are given.

fn map_arg(v: &Value) -> Option<&Rc<Map>> {
    match v {
        Value::Map(m) => Some(m),
        _ => None,
    }
}

fn key(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

pub(super) fn dict(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    ctx.step(a.len())?;
    let mut entries = Vec::new();
    for pair in a.chunks(2) {
        let k = strval(ctx, &pair[0])?;
        let v = pair.get(1).cloned().unwrap_or_else(|| Value::from(""));
        entries.push((k, v));
    }
    Ok(Value::any_map(entries))
}

pub(super) fn get(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let found = map_arg(&a[0]).and_then(|m| m.get(key(a, 1)));
    Ok(found.unwrap_or_else(|| Value::from("")))
}

pub(super) fn set(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let Some(m) = map_arg(&a[0]) else {
        return Err("assignment to entry in nil map".to_owned());
    };
    if a[2].depth() >= MAX_DEPTH {
        return Err(format!("value nested more than {MAX_DEPTH} deep (Baton's limit)"));
    }
    m.insert(Value::from(key(a, 1)), a[2].clone());
    Ok(a[0].clone())
}

pub(super) fn unset(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    if let Some(m) = map_arg(&a[0]) {
        m.remove(&Value::from(key(a, 1)));
    }
    Ok(a[0].clone())
}

pub(super) fn has_key(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(map_arg(&a[0]).is_some_and(|m| m.get(key(a, 1)).is_some())))
}

pub(super) fn pluck(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let k = key(a, 0);
    Ok(Value::any_list(a[1..].iter().filter_map(|d| map_arg(d)?.get(k)).collect()))
}

/// `keys`: each map's keys in Go's (random) map order; Baton gives them sorted per map, one
/// of the orders Go can produce. Templates that need an order pipe them to `sortAlpha`.
pub(super) fn keys(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut k = Vec::new();
    for d in a {
        if let Some(m) = map_arg(d) {
            ctx.step(m.len())?;
            k.extend(m.entries().iter().filter_map(|(k, _)| k.as_str().map(str::to_owned)));
        }
    }
    Ok(Value::string_list(k))
}

pub(super) fn pick(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let m = map_arg(&a[0]);
    let entries: Vec<(String, Value)> = a[1..]
        .iter()
        .filter_map(|k| {
            let k = k.as_str()?;
            Some((k.to_owned(), m?.get(k)?))
        })
        .collect();
    Ok(Value::any_map(entries))
}

pub(super) fn omit(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let drop: Vec<&str> = a[1..].iter().filter_map(Value::as_str).collect();
    let entries: Vec<(Value, Value)> = map_arg(&a[0])
        .map(|m| {
            m.entries()
                .iter()
                .filter(|(k, _)| !k.as_str().is_some_and(|k| drop.contains(&k)))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    Ok(Value::map(Type::String, Type::Interface, entries))
}

/// `values`: in Go's random map order; Baton gives key order.
pub(super) fn values(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let vals = map_arg(&a[0]).map(|m| m.entries().iter().map(|(_, v)| v.clone()).collect());
    Ok(Value::any_list(vals.unwrap_or_default()))
}

/// mergo's deep merge of `src` into `dst` (both `map[string]interface{}`), as
/// `dario.cat/mergo` v1.0.1 `deepMerge` does for maps: when both sides hold maps they merge
/// recursively (a non-empty `dst` map is kept); otherwise `src`'s value is set when `dst`
/// lacks the key or holds an empty value, or always with `overwrite` (even an empty value:
/// Sprig's `mergeOverwrite` example overwrites `true` with `false`). A nil `src` value is
/// copied only with `overwrite`.
fn merge_into(
    ctx: &mut Ctx<'_>,
    dst: &Map,
    src: &Map,
    overwrite: bool,
    depth: u32,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("maps nested more than {MAX_DEPTH} deep (Baton's limit)"));
    }
    let src_entries = src.entries().clone();
    ctx.step(src_entries.len())?;
    for (k, sv) in src_entries {
        let dv = dst.find(&k);
        if matches!(sv, Value::Nil) {
            if overwrite {
                dst.insert(k, sv);
            }
            continue;
        }
        if let (Some(Value::Map(dm)), Value::Map(sm)) = (&dv, &sv) {
            merge_into(ctx, dm, sm, overwrite, depth + 1)?;
            if !dm.is_empty() {
                continue;
            }
        }
        if overwrite || dv.as_ref().is_none_or(is_empty) {
            dst.insert(k, sv);
        }
    }
    Ok(())
}

pub(super) fn merge(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    merge_all(ctx, a, false)
}

pub(super) fn merge_overwrite(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    merge_all(ctx, a, true)
}

fn merge_all(ctx: &mut Ctx<'_>, a: &[Value], overwrite: bool) -> Res {
    let dst = match &a[0] {
        Value::Map(m) => m.clone(),
        _ => return Ok(a[0].clone()),
    };
    for src in &a[1..] {
        if let Value::Map(s) = src {
            merge_into(ctx, &dst, s, overwrite, 0)?;
        }
    }
    Ok(Value::Map(dst))
}

/// `copystructure.Copy`: maps are copied (so later `set`s do not show through); other
/// values are immutable here and shared.
pub(super) fn deep_copy(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    copy_value(ctx, &a[0], 0)
}

fn copy_value(ctx: &mut Ctx<'_>, v: &Value, depth: u32) -> Res {
    if depth > MAX_DEPTH {
        return Err(format!("value nested more than {MAX_DEPTH} deep (Baton's limit)"));
    }
    ctx.step(1)?;
    Ok(match v {
        Value::Map(m) => {
            let mut entries = Vec::new();
            for (k, v) in m.entries().iter() {
                entries.push((k.clone(), copy_value(ctx, v, depth + 1)?));
            }
            Value::map_of_type(m.ty.clone(), entries)
        }
        Value::List(l) => {
            let mut items = Vec::new();
            for v in &l.items {
                items.push(copy_value(ctx, v, depth + 1)?);
            }
            Value::list_of_type(l.ty.clone(), items)
        }
        other => other.clone(),
    })
}

/// Sprig's `dig`: keys, a default, then a `map[string]interface{}`.
pub(super) fn dig(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    if a.len() < 3 {
        return Err("dig needs at least three arguments".to_owned());
    }
    let dict = &a[a.len() - 1];
    let default = &a[a.len() - 2];
    let mut current = dict.clone();
    let keys = &a[..a.len() - 2];
    for (i, k) in keys.iter().enumerate() {
        let Some(k) = k.as_str() else {
            return Err(format!(
                "interface conversion: interface {{}} is {}, not string",
                type_string(k)
            ));
        };
        let Value::Map(m) = &current else {
            return Err(format!(
                "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                type_string(&current)
            ));
        };
        match m.get(k) {
            None => return Ok(default.clone()),
            Some(next) if i + 1 == keys.len() => return Ok(next),
            Some(next) => current = next,
        }
    }
    Ok(default.clone())
}

fn type_string(v: &Value) -> String {
    match v {
        Value::Nil | Value::Invalid => "nil".to_owned(),
        other => other.type_of().to_string(),
    }
}

// Reflection.

pub(super) fn type_of(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(match &a[0] {
        Value::Nil | Value::Invalid => "<nil>".to_owned(),
        other => other.type_of().to_string(),
    }))
}

pub(super) fn type_is(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let t = type_of(ctx, &a[1..])?;
    Ok(Value::Bool(t.as_str() == a[0].as_str()))
}

pub(super) fn type_is_like(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let t = type_of(ctx, &a[1..])?;
    let target = a[0].as_str().unwrap_or("");
    let t = t.as_str().unwrap_or("");
    Ok(Value::Bool(t == target || t.strip_prefix('*') == Some(target)))
}

pub(super) fn kind_of(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(kind_name(&a[0])))
}

pub(super) fn kind_is(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(a[0].as_str() == Some(kind_name(&a[1]))))
}

pub(super) fn deep_equal(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(deep_equal_values(&a[0], &a[1], 0)?))
}

/// `reflect.DeepEqual` on two `interface{}` values: same type, then same contents.
#[allow(clippy::float_cmp)] // Go's == on float64
pub(crate) fn deep_equal_values(a: &Value, b: &Value, depth: u32) -> Result<bool, String> {
    if depth > MAX_DEPTH {
        return Err(format!("value nested more than {MAX_DEPTH} deep (Baton's limit)"));
    }
    Ok(match (a, b) {
        (Value::Nil | Value::Invalid, Value::Nil | Value::Invalid) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            if x.ty != y.ty || x.items.len() != y.items.len() {
                return Ok(false);
            }
            for (p, q) in x.items.iter().zip(&y.items) {
                if !deep_equal_values(p, q, depth + 1)? {
                    return Ok(false);
                }
            }
            true
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.ty != y.ty || x.len() != y.len() {
                return Ok(false);
            }
            let (xe, ye) = (x.entries().clone(), y.entries().clone());
            for ((k1, v1), (k2, v2)) in xe.iter().zip(&ye) {
                if !deep_equal_values(k1, k2, depth + 1)? || !deep_equal_values(v1, v2, depth + 1)?
                {
                    return Ok(false);
                }
            }
            true
        }
        (Value::Struct(x), Value::Struct(y)) => {
            if x.ty != y.ty {
                return Ok(false);
            }
            for (p, q) in x.fields.iter().zip(&y.fields) {
                if !deep_equal_values(p, q, depth + 1)? {
                    return Ok(false);
                }
            }
            true
        }
        _ => false,
    })
}
