//! Sprig's string functions (`strings.go`, `functions.go`), with the helpers they call from
//! `Masterminds/goutils` v1.1.1 (`Abbreviate`, `Initials`, `Wrap`, `SwapCase`,
//! `DeleteWhiteSpace`, `Uncapitalize`), `huandu/xstrings` (`ToSnakeCase`, `ToKebabCase`, and
//! the upper-camel `ToPascalCase` that `camelcase` calls) and Go's `strings`/`path`.
//!
//! Go strings are bytes; Baton's are UTF-8. Where Go would cut a multi-byte character
//! (`trunc`, `substr` by byte counts), the function fails with an error instead of
//! producing bytes Baton cannot hold.

use super::{Ctx, NIL_DEREF, Value, kind_name, strval};
use crate::gotemplate::value::Type;

type Res = Result<Value, String>;

fn s(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

fn int(args: &[Value], i: usize) -> i64 {
    match args.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        _ => 0,
    }
}

fn out(ctx: &Ctx<'_>, text: String) -> Res {
    ctx.check_len(text.len())?;
    Ok(Value::from(text))
}

/// Go's byte slicing `s[a:b]`, refusing a cut inside a character.
fn byte_slice(s: &str, a: usize, b: usize) -> Result<&str, String> {
    if a > b || b > s.len() {
        return Err(format!(
            "runtime error: slice bounds out of range [{a}:{b}] with length {}",
            s.len()
        ));
    }
    s.get(a..b).ok_or_else(|| {
        format!("the byte range [{a}:{b}] cuts a multi-byte character: Baton's strings are UTF-8")
    })
}

/// Go's `unicode.IsSpace`.
pub(crate) fn is_go_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}')
        || (!c.is_ascii() && c.is_whitespace())
}

pub(super) fn hello(_: &mut Ctx<'_>, _: &[Value]) -> Res {
    Ok(Value::from("Hello!"))
}

/// goutils `AbbreviateFull` (byte offsets, as in Go).
fn abbreviate_full(s: &str, mut offset: i64, max_width: i64) -> Result<String, String> {
    if s.is_empty() {
        return Ok(String::new());
    }
    if max_width < 4 {
        return Err("stringutils illegal argument: Minimum abbreviation width is 4".to_owned());
    }
    let len = i64::try_from(s.len()).unwrap_or(i64::MAX);
    if len <= max_width {
        return Ok(s.to_owned());
    }
    offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    let at = |n: i64| usize::try_from(n).unwrap_or(0);
    if offset <= 4 {
        return Ok(format!("{}...", byte_slice(s, 0, at(max_width - 3))?));
    }
    if max_width < 7 {
        return Err(
            "stringutils illegal argument: Minimum abbreviation width with offset is 7".to_owned()
        );
    }
    if offset + max_width - 3 < len {
        let rest = byte_slice(s, at(offset), s.len())?;
        return Ok(format!("...{}", abbreviate_full(rest, 0, max_width - 3)?));
    }
    Ok(format!("...{}", byte_slice(s, at(len - (max_width - 3)), s.len())?))
}

pub(super) fn abbrev(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let (width, text) = (int(a, 0), s(a, 1));
    if width < 4 {
        return Ok(Value::from(text));
    }
    // Sprig ignores the error, which cannot happen here (width ≥ 4).
    Ok(Value::from(abbreviate_full(text, 0, width).unwrap_or_default()))
}

pub(super) fn abbrevboth(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let (left, right, text) = (int(a, 0), int(a, 1), s(a, 2));
    if right < 4 || left > 0 && right < 7 {
        return Ok(Value::from(text));
    }
    Ok(Value::from(abbreviate_full(text, left, right).unwrap_or_default()))
}

pub(super) fn trunc(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let (c, text) = (int(a, 0), s(a, 1));
    let len = i64::try_from(text.len()).unwrap_or(i64::MAX);
    let at = |n: i64| usize::try_from(n).unwrap_or(0);
    if c < 0 && len + c > 0 {
        return Ok(Value::from(byte_slice(text, at(len + c), text.len())?));
    }
    if c >= 0 && len > c {
        return Ok(Value::from(byte_slice(text, 0, at(c))?));
    }
    Ok(Value::from(text))
}

pub(super) fn trim(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(s(a, 0).trim_matches(is_go_space)))
}

pub(super) fn upper(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(s(a, 0).to_uppercase()))
}

pub(super) fn lower(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(s(a, 0).to_lowercase()))
}

/// Go's deprecated `strings.Title`: the first letter of each word to title case, words
/// being separated by anything but letters, digits, `_` and (non-space) Unicode.
pub(super) fn title(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut prev = ' ';
    let mut outp = String::new();
    for c in s(a, 0).chars() {
        let separator = if prev.is_ascii() {
            !(prev.is_ascii_alphanumeric() || prev == '_')
        } else if prev.is_alphanumeric() {
            false
        } else {
            is_go_space(prev)
        };
        if separator {
            outp.extend(c.to_uppercase());
        } else {
            outp.push(c);
        }
        prev = c;
    }
    Ok(Value::from(outp))
}

/// goutils `Uncapitalize`: the first letter of each space-separated word to lower case.
pub(super) fn untitle(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut next = true;
    let mut outp = String::new();
    for c in s(a, 0).chars() {
        if is_go_space(c) {
            next = true;
            outp.push(c);
        } else if next {
            outp.extend(c.to_lowercase());
            next = false;
        } else {
            outp.push(c);
        }
    }
    Ok(Value::from(outp))
}

pub(super) fn substr(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let (start, end, text) = (int(a, 0), int(a, 1), s(a, 2));
    let len = text.len();
    let at = |n: i64| usize::try_from(n).ok();
    if start < 0 {
        let Some(end) = at(end) else {
            return Err(format!("runtime error: slice bounds out of range [:{end}]"));
        };
        return Ok(Value::from(byte_slice(text, 0, end)?));
    }
    let start = at(start).unwrap_or(0);
    match at(end) {
        Some(end) if end <= len => Ok(Value::from(byte_slice(text, start, end)?)),
        _ => {
            if start > len {
                return Err(format!("runtime error: slice bounds out of range [{start}:{len}]"));
            }
            Ok(Value::from(byte_slice(text, start, len)?))
        }
    }
}

pub(super) fn repeat(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let (count, text) = (int(a, 0), s(a, 1));
    let Ok(count) = usize::try_from(count) else {
        return Err("strings: negative Repeat count".to_owned());
    };
    ctx.check_len(text.len().saturating_mul(count))?;
    Ok(Value::from(text.repeat(count)))
}

pub(super) fn trim_all(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let cutset = s(a, 0);
    Ok(Value::from(s(a, 1).trim_matches(|c| cutset.contains(c))))
}

pub(super) fn trim_suffix(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let text = s(a, 1);
    Ok(Value::from(text.strip_suffix(s(a, 0)).unwrap_or(text)))
}

pub(super) fn trim_prefix(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let text = s(a, 1);
    Ok(Value::from(text.strip_prefix(s(a, 0)).unwrap_or(text)))
}

/// goutils `DeleteWhiteSpace`, which walks bytes: when it removes anything, every byte of a
/// multi-byte character becomes the Latin-1 character of that value (and the bytes 0x85 and
/// 0xA0, spaces in Latin-1, vanish), exactly as Go's version does.
pub(super) fn nospace(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let text = s(a, 0);
    let kept: String = text.bytes().map(char::from).filter(|&c| !is_go_space(c)).collect();
    if kept.chars().count() == text.len() {
        return Ok(Value::from(text));
    }
    Ok(Value::from(kept))
}

/// goutils `Initials`, byte-wise like Go's.
pub(super) fn initials(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut gap = true;
    let mut outp = String::new();
    for c in s(a, 0).bytes().map(char::from) {
        if is_go_space(c) {
            gap = true;
        } else if gap {
            outp.push(c);
            gap = false;
        }
    }
    Ok(Value::from(outp))
}

/// goutils `SwapCase`: upper to lower; lower to title case after a space, else upper.
pub(super) fn swapcase(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut whitespace = true;
    let mut outp = String::new();
    for c in s(a, 0).chars() {
        if c.is_uppercase() {
            outp.extend(c.to_lowercase());
            whitespace = false;
        } else if c.is_lowercase() {
            outp.extend(c.to_uppercase());
            whitespace = false;
        } else {
            outp.push(c);
            whitespace = is_go_space(c);
        }
    }
    let _ = whitespace;
    Ok(Value::from(outp))
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || is_go_space(c)
}

/// xstrings `ToPascalCase` (the former `ToCamelCase`): connectors dropped, the letter after
/// one upper-cased, leading connectors kept.
pub(super) fn camelcase(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let text = s(a, 0);
    let mut outp = String::new();
    let mut chars = text.chars();
    let mut r0 = None;
    for c in chars.by_ref() {
        if !is_connector(c) {
            r0 = Some(c.to_uppercase().next().unwrap_or(c));
            break;
        }
        outp.push(c);
    }
    let Some(mut r0) = r0 else { return Ok(Value::from(outp)) };
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            outp.push(r1);
            continue;
        }
        if is_connector(r1) {
            r0 = r0.to_uppercase().next().unwrap_or(r0);
        } else {
            outp.push(r1);
        }
    }
    outp.push(r0);
    Ok(Value::from(outp))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Word {
    Invalid,
    Number,
    Upper,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings `isAlphabet`: letters that are not CJK ideographs.
fn is_alphabet(c: char) -> bool {
    c.is_alphabetic()
        && !matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{2A6DF}' | '\u{F900}'..='\u{FAFF}')
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() && !matches!(c, '$' | '+' | '<' | '=' | '>' | '^' | '`' | '|' | '~')
        || (!c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control())
}

/// xstrings `nextWord`: the next run of one kind, and the rest.
fn next_word(text: &str) -> (Word, &str, &str) {
    let mut chars = text.char_indices().peekable();
    let Some((_, r)) = chars.next() else { return (Word::Invalid, "", "") };
    let end_of = |pred: &dyn Fn(char) -> bool, from: usize| -> usize {
        text[from..].char_indices().find(|&(_, c)| !pred(c)).map_or(text.len(), |(i, _)| from + i)
    };
    let first = r.len_utf8();
    let (kind, end) = if is_connector(r) {
        (Word::Connector, end_of(&is_connector, first))
    } else if is_punct(r) {
        (Word::Punct, end_of(&is_punct, first))
    } else if r.is_uppercase() {
        let rest = &text[first..];
        match rest.chars().next() {
            Some(c) if c.is_uppercase() => {
                let mut end = end_of(&char::is_uppercase, first);
                // "HTTPStatus": the last capital starts the next word.
                if end < text.len() && text[end..].chars().next().is_some_and(is_alphabet) {
                    end -= text[..end].chars().next_back().map_or(0, char::len_utf8);
                }
                (Word::Upper, end)
            }
            Some(c) if is_alphabet(c) => {
                (Word::Upper, end_of(&|c: char| is_alphabet(c) && !c.is_uppercase(), first))
            }
            _ => (Word::Upper, first),
        }
    } else if is_alphabet(r) {
        (Word::Alphabet, end_of(&|c: char| is_alphabet(c) && !c.is_uppercase(), first))
    } else if r.is_numeric() {
        (Word::Number, end_of(&char::is_numeric, first))
    } else {
        let other = |c: char| !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c));
        (Word::Other, end_of(&other, first))
    };
    (kind, &text[..end], &text[end..])
}

fn to_lower(outp: &mut String, kind: Word, word: &str, connector: char) {
    if kind != Word::Upper && kind != Word::Connector {
        outp.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            outp.push(connector);
        } else if c.is_uppercase() {
            outp.extend(c.to_lowercase());
        } else {
            outp.push(c);
        }
    }
}

/// xstrings `camelCaseToLowerCase`, behind `snakecase` and `kebabcase`.
fn camel_to_lower(text: &str, connector: char) -> String {
    let mut outp = String::new();
    if text.is_empty() {
        return outp;
    }
    let (mut wt, mut word, mut remaining) = next_word(text);
    while !remaining.is_empty() {
        if wt != Word::Connector {
            to_lower(&mut outp, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Word::Number => {
                while wt == Word::Alphabet || wt == Word::Number {
                    to_lower(&mut outp, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Invalid && wt != Word::Punct && wt != Word::Connector {
                    outp.push(connector);
                }
            }
            Word::Connector => to_lower(&mut outp, prev, last, connector),
            Word::Punct => {}
            _ => {
                if wt != Word::Number {
                    if wt != Word::Connector && wt != Word::Punct {
                        outp.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, remaining) = next_word(remaining);
                if wt != Word::Alphabet {
                    to_lower(&mut outp, Word::Number, last, connector);
                    if wt != Word::Connector && wt != Word::Punct {
                        outp.push(connector);
                    }
                    continue;
                }
                outp.push(connector);
                to_lower(&mut outp, Word::Number, last, connector);
                while wt == Word::Alphabet || wt == Word::Number {
                    to_lower(&mut outp, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Word::Invalid && wt != Word::Connector && wt != Word::Punct {
                    outp.push(connector);
                }
            }
        }
    }
    to_lower(&mut outp, wt, word, connector);
    outp
}

pub(super) fn snakecase(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(camel_to_lower(s(a, 0), '_')))
}

pub(super) fn kebabcase(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(camel_to_lower(s(a, 0), '-')))
}

/// goutils `WrapCustom` (byte offsets, as in Go).
fn wrap_custom(text: &str, width: i64, newline: &str, long_words: bool) -> Result<String, String> {
    if text.is_empty() {
        return Ok(String::new());
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = usize::try_from(width.max(1)).unwrap_or(1);
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut offset = 0;
    let mut outp = String::new();
    while len - offset > width {
        if bytes[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = (width + offset + 1).min(len);
        let space = bytes[offset..end].iter().rposition(|&b| b == b' ');
        if let Some(space) = space.map(|i| i + offset) {
            outp.push_str(byte_slice(text, offset, space)?);
            outp.push_str(newline);
            offset = space + 1;
        } else if long_words {
            outp.push_str(byte_slice(text, offset, width + offset)?);
            outp.push_str(newline);
            offset += width;
        } else {
            let end = width + offset;
            match bytes[end..].iter().position(|&b| b == b' ') {
                None => {
                    outp.push_str(byte_slice(text, offset, len)?);
                    offset = len;
                }
                Some(i) => {
                    let space = i + end;
                    outp.push_str(byte_slice(text, offset, space)?);
                    outp.push_str(newline);
                    offset = space + 1;
                }
            }
        }
    }
    outp.push_str(byte_slice(text, offset, len)?);
    Ok(outp)
}

pub(super) fn wrap(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let text = wrap_custom(s(a, 1), int(a, 0), "", false)?;
    out(ctx, text)
}

pub(super) fn wrap_with(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let text = wrap_custom(s(a, 2), int(a, 0), s(a, 1), true)?;
    out(ctx, text)
}

pub(super) fn contains(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(s(a, 1).contains(s(a, 0))))
}

pub(super) fn has_prefix(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(s(a, 1).starts_with(s(a, 0))))
}

pub(super) fn has_suffix(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(s(a, 1).ends_with(s(a, 0))))
}

pub(super) fn quote(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut parts = Vec::new();
    for v in a.iter().filter(|v| !matches!(v, Value::Nil | Value::Invalid)) {
        let text = strval(ctx, v)?;
        parts.push(crate::gostring::quote(&text));
    }
    out(ctx, parts.join(" "))
}

pub(super) fn squote(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let mut parts = Vec::new();
    for v in a.iter().filter(|v| !matches!(v, Value::Nil | Value::Invalid)) {
        let text = ctx.sprint(std::slice::from_ref(v))?;
        parts.push(format!("'{text}'"));
    }
    out(ctx, parts.join(" "))
}

/// `cat`: the non-nil arguments, each as `%v`, separated by spaces.
pub(super) fn cat(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let kept: Vec<Value> =
        a.iter().filter(|v| !matches!(v, Value::Nil | Value::Invalid)).cloned().collect();
    let format = vec!["%v"; kept.len()].join(" ");
    let text = ctx.sprintf(&format, &kept)?;
    out(ctx, text)
}

fn indent_text(spaces: i64, text: &str) -> Result<String, String> {
    let Ok(spaces) = usize::try_from(spaces) else {
        return Err("strings: negative Repeat count".to_owned());
    };
    let pad = " ".repeat(spaces);
    Ok(format!("{pad}{}", text.replace('\n', &format!("\n{pad}"))))
}

pub(super) fn indent(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let (spaces, text) = (int(a, 0), s(a, 1));
    let lines = text.matches('\n').count() + 1;
    ctx.check_len(usize::try_from(spaces).unwrap_or(0).saturating_mul(lines) + text.len())?;
    let text = indent_text(spaces, text)?;
    out(ctx, text)
}

pub(super) fn nindent(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let (spaces, text) = (int(a, 0), s(a, 1));
    let lines = text.matches('\n').count() + 1;
    ctx.check_len(usize::try_from(spaces).unwrap_or(0).saturating_mul(lines) + text.len())?;
    let text = indent_text(spaces, text)?;
    out(ctx, format!("\n{text}"))
}

/// `strings.Replace(src, old, new, -1)`: an empty `old` matches before every character.
pub(super) fn replace(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let (old, new, src) = (s(a, 0), s(a, 1), s(a, 2));
    let text = if old.is_empty() {
        ctx.check_len(src.len() + (src.chars().count() + 1).saturating_mul(new.len()))?;
        let mut t = String::from(new);
        for c in src.chars() {
            t.push(c);
            t.push_str(new);
        }
        t
    } else {
        let n = src.matches(old).count();
        ctx.check_len(src.len() + n.saturating_mul(new.len()))?;
        src.replace(old, new)
    };
    out(ctx, text)
}

pub(super) fn plural(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(if int(a, 2) == 1 { s(a, 0) } else { s(a, 1) }))
}

pub(super) fn to_string(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let text = strval(ctx, &a[0])?;
    Ok(Value::from(text))
}

/// `strings.Split`: an empty separator splits into characters.
fn go_split<'a>(text: &'a str, sep: &str, n: Option<usize>) -> Vec<&'a str> {
    if n == Some(0) {
        return Vec::new();
    }
    if sep.is_empty() {
        let mut parts: Vec<&str> = Vec::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if n.is_some_and(|n| parts.len() + 1 == n) {
                break;
            }
            parts.push(&rest[..c.len_utf8()]);
            rest = &rest[c.len_utf8()..];
        }
        if !rest.is_empty() {
            parts.push(rest);
        }
        return parts;
    }
    match n {
        Some(n) => text.splitn(n, sep).collect(),
        None => text.split(sep).collect(),
    }
}

fn numbered(parts: &[&str]) -> Value {
    Value::string_map(parts.iter().enumerate().map(|(i, p)| (format!("_{i}"), *p)))
}

pub(super) fn split(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(numbered(&go_split(s(a, 1), s(a, 0), None)))
}

pub(super) fn splitn(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let n = usize::try_from(int(a, 1)).ok();
    Ok(numbered(&go_split(s(a, 2), s(a, 0), n)))
}

pub(super) fn split_list(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let parts = go_split(s(a, 1), s(a, 0), None);
    ctx.step(parts.len())?;
    Ok(Value::string_list(parts))
}

/// Sprig's `strslice`: a list's non-nil items as strings; another value as one string.
pub(crate) fn strslice(ctx: &mut Ctx<'_>, v: &Value) -> Result<Vec<String>, String> {
    match v {
        Value::List(l) => {
            let mut outp = Vec::with_capacity(l.items.len());
            for item in l.items.iter().filter(|i| !matches!(i, Value::Nil | Value::Invalid)) {
                outp.push(strval(ctx, item)?);
            }
            Ok(outp)
        }
        Value::Nil | Value::Invalid => Ok(Vec::new()),
        other => Ok(vec![strval(ctx, other)?]),
    }
}

pub(super) fn to_strings(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let items = strslice(ctx, &a[0])?;
    Ok(Value::string_list(items))
}

pub(super) fn join(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    let items = strslice(ctx, &a[1])?;
    out(ctx, items.join(s(a, 0)))
}

pub(super) fn sort_alpha(ctx: &mut Ctx<'_>, a: &[Value]) -> Res {
    if let Value::List(_) = &a[0] {
        let mut items = strslice(ctx, &a[0])?;
        crate::sort::sort_by(&mut items, |x, y| x.as_bytes().cmp(y.as_bytes()));
        return Ok(Value::string_list(items));
    }
    let one = strval(ctx, &a[0])?;
    Ok(Value::list(Type::String, vec![Value::from(one)]))
}

pub(super) fn fail(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Err(s(a, 0).to_owned())
}

// Paths: Go's `path` package (slash-separated).

/// `path.Clean`.
pub(crate) fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return ".".to_owned();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            other => parts.push(other),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_owned(),
        (false, false) => body,
    }
}

pub(super) fn base(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let p = s(a, 0);
    if p.is_empty() {
        return Ok(Value::from("."));
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(Value::from("/"));
    }
    Ok(Value::from(trimmed.rsplit('/').next().unwrap_or(trimmed)))
}

pub(super) fn dir(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let p = s(a, 0);
    let cut = p.rfind('/').map_or(0, |i| i + 1);
    Ok(Value::from(clean_path(&p[..cut])))
}

pub(super) fn clean(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::from(clean_path(s(a, 0))))
}

pub(super) fn ext(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    let p = s(a, 0);
    for (i, c) in p.char_indices().rev() {
        match c {
            '/' => break,
            '.' => return Ok(Value::from(&p[i..])),
            _ => {}
        }
    }
    Ok(Value::from(""))
}

pub(super) fn is_abs(_: &mut Ctx<'_>, a: &[Value]) -> Res {
    Ok(Value::Bool(s(a, 0).starts_with('/')))
}

/// `reflect.TypeOf(v).Kind()` for Sprig's list functions: nil panics in Go.
pub(crate) fn list_kind(v: &Value) -> Result<&'static str, String> {
    match v {
        Value::Nil | Value::Invalid => Err(NIL_DEREF.to_owned()),
        other => Ok(kind_name(other)),
    }
}
