//! Surgical edits: change one scalar's bytes and nothing else.
//!
//! A promotion PR must be reviewable as "this tag changed"; reformatting a file would bury
//! that. So edits work on the original text by byte span, never by re-emitting a tree:
//! comments (also on the same line), indentation, key order and quoting all stay. A new
//! value keeps the old quoting style when it can be written in it; a plain scalar becomes
//! double-quoted only if the new text would otherwise read as something else (a number, a
//! boolean, YAML syntax) under either go-yaml v2 or v3 rules.

use super::node::{Node, Style};
use super::resolve::{Resolved, Schema, resolve};
use crate::diagnostic::Span;

/// Replace the bytes of `span` with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub span: Span,
    pub replacement: String,
}

/// Why an edit cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    #[error("the value is not a scalar")]
    NotScalar,
    #[error("the value is a block scalar (`|` or `>`); edit it by hand")]
    BlockScalar,
    #[error("the value has no position in the file")]
    NoSpan,
    #[error("edits overlap at byte {0}")]
    Overlap(u32),
    #[error("edit span {0}..{1} is outside the text")]
    OutOfRange(u32, u32),
}

/// The edit that makes scalar `node` (parsed from `text`) read `value`.
pub fn replace_scalar(text: &str, node: &Node, value: &str) -> Result<TextEdit, EditError> {
    if !node.is_scalar() {
        return Err(EditError::NotScalar);
    }
    let span = node.origin.span;
    if span.end as usize > text.len() {
        return Err(EditError::OutOfRange(span.start, span.end));
    }
    let replacement = match node.style {
        Style::Literal | Style::Folded => return Err(EditError::BlockScalar),
        Style::SingleQuoted if !needs_double_quotes(value) => single_quoted(value),
        Style::SingleQuoted | Style::DoubleQuoted => double_quoted(value),
        _ if is_plain_safe(value) => value.to_string(),
        _ => double_quoted(value),
    };
    if span.is_empty() && node.style == Style::Plain && node.scalar() == Some("") {
        // `key:` with no value: insert after the colon (or `- `, or an anchor), with a
        // separating space. Anywhere else (an explicit `? key` with no `:`) is refused.
        if !insertable_empty_value(text, span.start as usize) {
            return Err(EditError::NoSpan);
        }
        return Ok(TextEdit { span, replacement: format!(" {replacement}") });
    }
    Ok(TextEdit { span, replacement })
}

/// Whether an empty value at `at` sits in a plain block context where inserting ` value`
/// is unambiguous: right after a `key:` or a `- ` (maybe after anchors or tags) on the same
/// line, with no quotes or flow brackets earlier on that line (which could mean a multi-line
/// quoted scalar or a flow collection, where positions are not reliable).
fn insertable_empty_value(text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = &text[line_start..at];
    if line.contains(['"', '\'', '{', '[', '#'])
        || line.split([' ', '\t']).any(|t| t.starts_with('?'))
    {
        return false;
    }
    let mut rest = line.trim_end_matches([' ', '\t']);
    loop {
        let token_start = rest.rfind([' ', '\t']).map_or(0, |i| i + 1);
        if rest[token_start..].starts_with(['&', '!']) {
            rest = rest[..token_start].trim_end_matches([' ', '\t']);
            continue;
        }
        break;
    }
    // `key:`, or a line of nothing but sequence indicators (`- - `).
    // (A `:` alone on its line is the value of an explicit key: not supported.)
    (rest.ends_with(':') && rest.trim_start().len() > 1)
        || (!rest.trim().is_empty() && rest.split([' ', '\t']).all(|t| t.is_empty() || t == "-"))
}

/// Applies non-overlapping edits (in any order) to `text`.
pub fn apply(text: &str, edits: &[TextEdit]) -> Result<String, EditError> {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    crate::sort::sort_by_key(&mut sorted, |e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    for edit in sorted {
        let (start, end) = (edit.span.start as usize, edit.span.end as usize);
        if end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err(EditError::OutOfRange(edit.span.start, edit.span.end));
        }
        if start < at {
            return Err(EditError::Overlap(edit.span.start));
        }
        out.push_str(&text[at..start]);
        out.push_str(&edit.replacement);
        at = end;
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Whether `value` can be written as a plain scalar in block or flow context and still read
/// back as the same string under go-yaml v2 and v3.
#[must_use]
pub fn is_plain_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else { return false };
    let first_ok = first.is_ascii_alphanumeric()
        || matches!(first, '.' | '/' | '_' | '+' | '$' | '(' | '~' | '=');
    let first_ok = first_ok || (first == '-' && value.len() > 1 && !value[1..].starts_with(' '));
    let rest_ok = value.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '.' | '/' | '_' | '-' | ':' | '@' | '+' | '=' | '$' | '(' | ')' | '~' | '%'
            )
    });
    first_ok
        && rest_ok
        && !value.ends_with(':')
        && resolve(Schema::V3, None, Style::Plain, value) == Ok(Resolved::Str)
        && resolve(Schema::V2, None, Style::Plain, value) == Ok(Resolved::Str)
}

fn needs_double_quotes(value: &str) -> bool {
    value.chars().any(char::is_control)
}

fn single_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// `value` as a YAML scalar that reads back as the same string: plain when it safely can be,
/// else double-quoted.
#[must_use]
pub fn scalar(value: &str) -> String {
    if is_plain_safe(value) { value.to_string() } else { double_quoted(value) }
}

/// A double-quoted YAML scalar for `value`, escaping what YAML requires.
#[must_use]
pub fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::parse::{Limits, parse};

    fn edit(text: &str, key: &str, value: &str) -> String {
        let parsed = parse(&Arc::from("f"), text, &Limits::default());
        let node = parsed.documents[0].root.get(key).unwrap().clone();
        let e = replace_scalar(text, &node, value).unwrap();
        apply(text, &[e]).unwrap()
    }

    #[test]
    fn plain_value_keeps_trailing_comment() {
        let text =
            "image: registry.example.com/payment-service:9f8e7d6  # ← CI updates this\nx: 1\n";
        assert_eq!(
            edit(text, "image", "registry.example.com/payment-service:abc1234"),
            "image: registry.example.com/payment-service:abc1234  # ← CI updates this\nx: 1\n"
        );
    }

    #[test]
    fn quoting_style_is_kept() {
        assert_eq!(edit("t: 'a'\n", "t", "it's"), "t: 'it''s'\n");
        assert_eq!(edit("t: \"a\"\n", "t", "b\"c"), "t: \"b\\\"c\"\n");
    }

    #[test]
    fn plain_values_that_would_change_type_get_quoted() {
        assert_eq!(edit("newTag: v1\n", "newTag", "1234567"), "newTag: \"1234567\"\n");
        assert_eq!(edit("newTag: v1\n", "newTag", "yes"), "newTag: \"yes\"\n");
        assert_eq!(edit("newTag: v1\n", "newTag", "1e10"), "newTag: \"1e10\"\n");
        assert_eq!(edit("newTag: v1\n", "newTag", "abc1234"), "newTag: abc1234\n");
        assert_eq!(edit("d: x\n", "d", "sha256:abc"), "d: sha256:abc\n");
    }

    #[test]
    fn empty_value_gets_a_space() {
        assert_eq!(edit("newTag:\nx: 1\n", "newTag", "v2"), "newTag: v2\nx: 1\n");
    }

    #[test]
    fn block_scalars_are_refused() {
        let text = "t: |\n  a\n";
        let parsed = parse(&Arc::from("f"), text, &Limits::default());
        let node = parsed.documents[0].root.get("t").unwrap();
        assert_eq!(replace_scalar(text, node, "b"), Err(EditError::BlockScalar));
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let a = TextEdit { span: Span::new(0, 3), replacement: "x".into() };
        let b = TextEdit { span: Span::new(2, 4), replacement: "y".into() };
        assert_eq!(apply("abcdef", &[a, b]), Err(EditError::Overlap(2)));
    }

    #[test]
    fn plain_safety() {
        assert!(is_plain_safe("localhost:5000/app"));
        assert!(!is_plain_safe("a: b"));
        assert!(!is_plain_safe("- x"));
        assert!(!is_plain_safe("@x"));
        assert!(!is_plain_safe("on"));
        assert!(!is_plain_safe(""));
        assert!(!is_plain_safe("a,b"));
    }
}
