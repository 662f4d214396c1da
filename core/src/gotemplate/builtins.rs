//! Go's builtin template functions (`text/template/funcs.go`, Go 1.26). `and`, `or` and
//! `call` are handled by the evaluator (they short-circuit or need the call site); they are
//! listed here for their signatures.

use super::value::{Type, Value};
use super::{Ctx, Function, Param};

type Res = Result<Value, String>;

/// The names of Go's builtins.
pub(crate) const NAMES: &[&str] = &[
    "and", "call", "eq", "ge", "gt", "html", "index", "js", "le", "len", "lt", "ne", "not", "or",
    "print", "printf", "println", "slice", "urlquery",
];

/// The builtin of that name.
pub(crate) fn get(name: &str) -> Option<Function> {
    let r = || Param::Reflect;
    let any = || Param::Any;
    Some(match name {
        "and" | "or" | "call" => Function::variadic(vec![r()], r(), unreachable_special),
        "eq" => Function::variadic(vec![r()], r(), eq),
        "ge" => Function::new(vec![r(), r()], ge),
        "gt" => Function::new(vec![r(), r()], gt),
        "html" => Function::variadic(vec![], any(), html),
        "index" => Function::variadic(vec![r()], r(), index),
        "js" => Function::variadic(vec![], any(), js),
        "le" => Function::new(vec![r(), r()], le),
        "len" => Function::new(vec![r()], len),
        "lt" => Function::new(vec![r(), r()], lt),
        "ne" => Function::new(vec![r(), r()], ne),
        "not" => Function::new(vec![r()], not),
        "print" => Function::variadic(vec![], any(), print),
        "printf" => Function::variadic(vec![Param::string()], any(), printf),
        "println" => Function::variadic(vec![], any(), println),
        "slice" => Function::variadic(vec![r()], r(), slice),
        "urlquery" => Function::variadic(vec![], any(), urlquery),
        _ => return None,
    })
}

fn unreachable_special(_: &mut Ctx<'_>, _: &[Value]) -> Res {
    Err("internal error: special builtin called directly".to_owned())
}

/// Go's `indirectInterface`: a nil interface is no value at all.
fn concrete(v: &Value) -> &Value {
    match v {
        Value::Nil => &Value::Invalid,
        other => other,
    }
}

fn type_name(v: &Value) -> String {
    v.type_of().to_string()
}

const ZERO_VALUE_TYPE: &str = "reflect: call of reflect.Value.Type on zero Value";

fn index_arg(index: &Value, cap: usize) -> Result<usize, String> {
    let x = match concrete(index) {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Invalid => return Err("cannot index slice/array with nil".to_owned()),
        other => return Err(format!("cannot index slice/array with type {}", type_name(other))),
    };
    match usize::try_from(x) {
        Ok(i) if i <= cap => Ok(i),
        _ => Err(format!("index out of range: {x}")),
    }
}

fn index(_: &mut Ctx<'_>, args: &[Value]) -> Res {
    let mut item = concrete(&args[0]).clone();
    if matches!(item, Value::Invalid) {
        return Err("index of untyped nil".to_owned());
    }
    for index in &args[1..] {
        item = match &item {
            Value::Nil => return Err("index of nil pointer".to_owned()),
            Value::List(l) => {
                let i = index_arg(index, l.items.len())?;
                l.items.get(i).cloned().ok_or("reflect: slice index out of range")?
            }
            Value::String(s) => {
                let i = index_arg(index, s.len())?;
                Value::Int(i64::from(
                    *s.as_bytes().get(i).ok_or("reflect: string index out of range")?,
                ))
            }
            Value::Map(m) => {
                let key = prepare_arg(index, &m.key_type())?;
                m.find(&key).unwrap_or_else(|| m.elem().zero())
            }
            other => return Err(format!("can't index item of type {}", type_name(other))),
        };
    }
    Ok(item)
}

/// Go's `prepareArg` for a map key.
fn prepare_arg(value: &Value, ty: &Type) -> Result<Value, String> {
    let value = concrete(value);
    if matches!(value, Value::Invalid) {
        return match ty.underlying() {
            Type::Interface | Type::Map(..) | Type::Slice(_) => Ok(ty.zero()),
            _ => Err(format!("value is nil; should be of type {ty}")),
        };
    }
    let vt = value.type_of();
    if ty.is_interface() || vt == *ty {
        return Ok(value.clone());
    }
    match (value, ty.underlying()) {
        (Value::Int(i) | Value::Int64(i), Type::Int) => Ok(Value::Int(*i)),
        (Value::Int(i) | Value::Int64(i), Type::Int64) => Ok(Value::Int64(*i)),
        _ => Err(format!("value has type {vt}; should be {ty}")),
    }
}

fn slice(_: &mut Ctx<'_>, args: &[Value]) -> Res {
    let item = concrete(&args[0]);
    if matches!(item, Value::Invalid) {
        return Err("slice of untyped nil".to_owned());
    }
    let indexes = &args[1..];
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match item {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".to_owned());
            }
            s.len()
        }
        Value::List(l) => l.items.len(),
        other => return Err(format!("can't slice item of type {}", type_name(other))),
    };
    let mut idx = [0, len, len];
    for (i, index) in indexes.iter().enumerate() {
        idx[i] = index_arg(index, len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(format!("invalid slice index: {} > {}", idx[1], idx[2]));
    }
    Ok(match item {
        Value::String(s) => {
            let bytes = &s.as_bytes()[idx[0]..idx[1]];
            match std::str::from_utf8(bytes) {
                Ok(text) => Value::string(text),
                Err(_) => {
                    return Err(format!(
                        "slice [{}:{}] cuts a multi-byte character: Baton's strings are UTF-8",
                        idx[0], idx[1]
                    ));
                }
            }
        }
        Value::List(l) => Value::list_of_type(l.ty.clone(), l.items[idx[0]..idx[1]].to_vec()),
        _ => Value::Invalid,
    })
}

fn len(_: &mut Ctx<'_>, args: &[Value]) -> Res {
    Ok(Value::Int(match &args[0] {
        Value::Nil => return Err("len of nil pointer".to_owned()),
        Value::Invalid => return Err(ZERO_VALUE_TYPE.to_owned()),
        Value::String(s) => count(s.len()),
        Value::List(l) => count(l.items.len()),
        Value::Map(m) => count(m.len()),
        other => return Err(format!("len of type {}", type_name(other))),
    }))
}

/// A length as Go's `int`.
pub(crate) fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[allow(clippy::unnecessary_wraps)] // every function has the same signature
fn not(_: &mut Ctx<'_>, args: &[Value]) -> Res {
    Ok(Value::Bool(!args[0].is_true()))
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::String(_) => Kind::String,
        _ => Kind::Invalid,
    }
}

/// Go's `==` on two values of one non-basic kind (structs compare field by field; slices
/// and maps cannot be compared).
fn deep_equal_comparable(a: &Value, b: &Value) -> Result<bool, ()> {
    match (a, b) {
        (Value::Struct(x), Value::Struct(y)) => {
            if x.ty != y.ty {
                return Ok(false);
            }
            for (fa, fb) in x.fields.iter().zip(&y.fields) {
                if !equal_any(fa, fb)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (Value::List(_) | Value::Map(_), _) | (_, Value::List(_) | Value::Map(_)) => Err(()),
        _ => Ok(false),
    }
}

#[allow(clippy::float_cmp)] // Go's == on float64
fn equal_any(a: &Value, b: &Value) -> Result<bool, ()> {
    match (a, b) {
        (Value::Nil, Value::Nil) => Ok(true),
        (Value::Bool(x), Value::Bool(y)) => Ok(x == y),
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => Ok(x == y),
        (Value::Float(x), Value::Float(y)) => Ok(x == y),
        (Value::String(x), Value::String(y)) => Ok(x == y),
        _ if std::mem::discriminant(a) != std::mem::discriminant(b) => Ok(false),
        _ => deep_equal_comparable(a, b),
    }
}

#[allow(clippy::float_cmp)] // Go's == on float64
fn eq(ctx: &mut Ctx<'_>, args: &[Value]) -> Res {
    let arg1 = concrete(&args[0]);
    if args.len() < 2 {
        return Err("missing argument for comparison".to_owned());
    }
    let k1 = basic_kind(arg1);
    for arg in &args[1..] {
        let arg = concrete(arg);
        let k2 = basic_kind(arg);
        let truth = if k1 == k2 {
            match (arg1, arg) {
                (Value::Bool(a), Value::Bool(b)) => a == b,
                (Value::Int(a) | Value::Int64(a), Value::Int(b) | Value::Int64(b)) => a == b,
                (Value::Float(a), Value::Float(b)) => a == b,
                (Value::String(a), Value::String(b)) => a == b,
                (Value::Invalid, _) | (_, Value::Invalid) => {
                    matches!(arg1, Value::Invalid) == matches!(arg, Value::Invalid)
                }
                _ => {
                    let same_kind = std::mem::discriminant(arg1) == std::mem::discriminant(arg);
                    if !same_kind {
                        let a = ctx.sprint(std::slice::from_ref(arg1))?;
                        let b = ctx.sprint(std::slice::from_ref(arg))?;
                        return Err(format!(
                            "non-comparable types {a}: {}, {}: {b}",
                            type_name(arg1),
                            type_name(arg)
                        ));
                    }
                    if let Ok(t) = deep_equal_comparable(arg1, arg) {
                        t
                    } else {
                        let b = ctx.sprint(std::slice::from_ref(arg))?;
                        return Err(format!("non-comparable type {b}: {}", type_name(arg)));
                    }
                }
            }
        } else {
            if !matches!(arg1, Value::Invalid) && !matches!(arg, Value::Invalid) {
                return Err(format!(
                    "incompatible types for comparison: {} and {}",
                    type_name(arg1),
                    type_name(arg)
                ));
            }
            false
        };
        if truth {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn ne(ctx: &mut Ctx<'_>, args: &[Value]) -> Res {
    let equal = eq(ctx, args)?;
    Ok(Value::Bool(!equal.is_true()))
}

fn less(args: &[Value]) -> Result<bool, String> {
    let (a, b) = (concrete(&args[0]), concrete(&args[1]));
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    if k1 == Kind::Invalid || k2 == Kind::Invalid {
        return Err("invalid type for comparison".to_owned());
    }
    if k1 != k2 {
        return Err(format!(
            "incompatible types for comparison: {} and {}",
            type_name(a),
            type_name(b)
        ));
    }
    Ok(match (a, b) {
        (Value::Int(x) | Value::Int64(x), Value::Int(y) | Value::Int64(y)) => x < y,
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::String(x), Value::String(y)) => x.as_bytes() < y.as_bytes(),
        _ => return Err("invalid type for comparison".to_owned()),
    })
}

fn lt(_: &mut Ctx<'_>, args: &[Value]) -> Res {
    Ok(Value::Bool(less(args)?))
}

fn le(ctx: &mut Ctx<'_>, args: &[Value]) -> Res {
    if less(args)? {
        return Ok(Value::Bool(true));
    }
    eq(ctx, args)
}

fn gt(ctx: &mut Ctx<'_>, args: &[Value]) -> Res {
    let le = le(ctx, args)?;
    Ok(Value::Bool(!le.is_true()))
}

fn ge(_: &mut Ctx<'_>, args: &[Value]) -> Res {
    Ok(Value::Bool(!less(args)?))
}

/// Go's `evalArgs`: one string as it is, anything else through `fmt.Sprint`.
fn eval_args(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<String, String> {
    if let [Value::String(s)] = args {
        return Ok(s.to_string());
    }
    ctx.sprint(args)
}

fn html(ctx: &mut Ctx<'_>, args: &[Value]) -> Res {
    let s = eval_args(ctx, args)?;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{FFFD}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    Ok(Value::from(out))
}

fn js(ctx: &mut Ctx<'_>, args: &[Value]) -> Res {
    let s = eval_args(ctx, args)?;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u00{:02X}", c as u32)),
            c if c.is_ascii() || crate::gostring::is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    Ok(Value::from(out))
}

/// Go's `url.QueryEscape`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b' ' => out.push('+'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn urlquery(ctx: &mut Ctx<'_>, args: &[Value]) -> Res {
    let s = eval_args(ctx, args)?;
    Ok(Value::from(query_escape(&s)))
}

fn print(ctx: &mut Ctx<'_>, args: &[Value]) -> Res {
    ctx.sprint(args).map(Value::from)
}

fn printf(ctx: &mut Ctx<'_>, args: &[Value]) -> Res {
    let format = args[0].as_str().unwrap_or_default().to_owned();
    ctx.sprintf(&format, &args[1..]).map(Value::from)
}

fn println(ctx: &mut Ctx<'_>, args: &[Value]) -> Res {
    let mut p = super::fmt::Printer::new(ctx.budget);
    p.sprintln(args)?;
    Ok(Value::from(p.buf))
}
