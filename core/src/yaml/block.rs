//! Block scalars (`|` and `>`) as go-yaml reads them and as kyaml re-encodes them.
//!
//! saphyr follows the YAML spec; kustomize's go-yaml follows libyaml, and the two part ways
//! in two places that real repositories hit:
//!
//! - **The end of the file.** libyaml takes a block scalar's last line break from the text:
//!   when the last content line ends the file without one, the value has none either (`|`
//!   then prints as `|-`), and whitespace-only lines at the very end are read by its rules.
//!   saphyr acts as if the file ended with a line break. [`read_at_eof`] reads such a scalar
//!   again with libyaml's algorithm (`yaml_parser_scan_block_scalar`), from its header.
//! - **Re-encoding.** Before printing, kyaml encodes each resource with go-yaml v3 and decodes
//!   the text again (`RNode.MarshalJSON`). v3's folded-scalar writer decides whether a line
//!   break needs an extra blank line by looking at the first character of the whole value
//!   instead of the next line (`yaml_emitter_write_folded_scalar`), so a line followed by a
//!   more-indented line gains an empty line on the way back. [`folded_round_trip`] gives
//!   the value that round trip produces.
//!
//! Both share [`scan`], libyaml's reading of a block scalar's lines. It is written from
//! go-yaml's `scannerc.go` (gopkg.in/yaml.v3, the mirror at `f6f7691`), not derived from saphyr.

use std::borrow::Cow;

/// How a block scalar's final line breaks are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chomp {
    /// `-`: no final line break.
    Strip,
    /// The default: one final line break.
    Clip,
    /// `+`: every final line break.
    Keep,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    literal: bool,
    chomp: Chomp,
    /// The indentation indicator (0: detect the indentation from the first lines).
    increment: usize,
}

/// libyaml's value for a block scalar whose content starts at `content` and runs to the end
/// of `text`, found by reading its header again; `saphyr` is saphyr's value for it. `None`
/// when the header cannot be read back, or the two readings disagree beyond their final line
/// breaks and spaces (then saphyr's value stands).
pub(crate) fn read_at_eof(text: &str, content: usize, saphyr: &str) -> Option<String> {
    let (header, parser_indent, body) = header_before(text, content)?;
    let (value, end) = scan(text, body, header, parser_indent)?;
    let core = |v: &str| v.trim_end_matches([' ', '\n']).len();
    (end == text.len()
        && value.len() >= core(saphyr)
        && saphyr.get(..core(saphyr)) == value.get(..core(saphyr)))
    .then_some(value)
}

/// What a folded (`>`) scalar's value becomes when go-yaml v3 writes it in folded style and
/// reads it back. Only called for folded nodes in block context, which v3 writes folded
/// unless the value cannot be a block scalar (then it writes double quotes, which round-trip).
pub(crate) fn folded_round_trip(value: &str) -> Cow<'_, str> {
    if !block_allowed(value) {
        return Cow::Borrowed(value);
    }
    // The writer: each line as it is, indented by two, plus the spurious blank line after a
    // line that is not more-indented, unless the value's first non-break character is blank.
    let first_is_blank = value.chars().find(|&c| !is_break(c)).is_none_or(is_blank);
    let mut written = String::with_capacity(value.len() + 16);
    let (mut breaks, mut leading_spaces) = (true, true);
    for c in value.chars() {
        if is_break(c) {
            if !breaks && !leading_spaces && c == '\n' && !first_is_blank {
                written.push('\n');
            }
            written.push(c);
            breaks = true;
        } else {
            if breaks {
                written.push_str("  ");
                leading_spaces = is_blank(c);
            }
            written.push(c);
            breaks = false;
        }
    }
    let header = Header { literal: false, chomp: chomp_hint(value), increment: 2 };
    match scan(&written, 0, header, -1) {
        Some((read, _)) if read != value => Cow::Owned(read),
        _ => Cow::Borrowed(value),
    }
}

/// go-yaml v3's `block_allowed` for a non-key scalar in block context
/// (`yaml_emitter_analyze_scalar`): not empty, no trailing space, no space before a line
/// break, and only printable characters (tabs allowed).
fn block_allowed(value: &str) -> bool {
    if value.is_empty() || value.ends_with(' ') {
        return false;
    }
    let mut previous_space = false;
    for c in value.chars() {
        if is_break(c) && previous_space {
            return false;
        }
        if c != '\t' && !super::emit::is_printable(c) {
            return false;
        }
        previous_space = c == ' ';
    }
    true
}

/// The chomping indicator go-yaml's writer puts in the header (`yaml_emitter_write_block_scalar_hints`).
fn chomp_hint(value: &str) -> Chomp {
    let mut rev = value.chars().rev();
    match (rev.next(), rev.next()) {
        (Some(last), _) if !is_break(last) => Chomp::Strip,
        (Some(_), None) => Chomp::Keep,
        (Some(_), Some(before)) if is_break(before) => Chomp::Keep,
        _ => Chomp::Clip,
    }
}

/// Finds the header of the block scalar whose content starts at `content`: the last line
/// before it with anything but whitespace (between a header and the first content line
/// there are only empty lines). Returns the header, the indentation of the collection the
/// scalar belongs to (libyaml's `parser.indent`; -1 at the top level), and where the body
/// starts.
fn header_before(text: &str, content: usize) -> Option<(Header, i64, usize)> {
    let content = content.min(text.len());
    let mut line_start = text[..content].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let mut limit = content;
    loop {
        if !text[line_start..limit].trim().is_empty() {
            break;
        }
        if line_start == 0 {
            return None;
        }
        limit = line_start - 1;
        if limit > 0 && text.as_bytes()[limit] == b'\n' && text.as_bytes()[limit - 1] == b'\r' {
            limit -= 1;
        }
        line_start = text[..limit].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    }
    let line_end = text[line_start..].find(['\n', '\r']).map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    // Tokens with their columns (in characters), up to a comment.
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let mut column = 0;
    let mut rest = line;
    while !rest.is_empty() {
        let blank = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        column += rest[..blank].chars().count();
        rest = &rest[blank..];
        let len = rest.find([' ', '\t']).unwrap_or(rest.len());
        let token = &rest[..len];
        if token.is_empty() {
            break;
        }
        if token.starts_with('#') {
            break;
        }
        tokens.push((column, token));
        column += token.chars().count();
        rest = &rest[len..];
    }
    let at = tokens.iter().rposition(|(_, t)| parse_indicator(t).is_some())?;
    let header = parse_indicator(tokens[at].1)?;
    let before: Vec<&(usize, &str)> =
        tokens[..at].iter().filter(|(_, t)| !t.starts_with(['&', '!'])).collect();
    let column = |c: usize| i64::try_from(c).ok();
    let parser_indent = match before.last() {
        Some((_, "---")) => -1,
        Some((c, "-")) => column(*c)?,
        Some((_, t)) if t.ends_with(':') => {
            let key = before.iter().rposition(|(_, t)| *t == "-" || *t == "?").map_or(0, |i| i + 1);
            column(before.get(key)?.0)?
        }
        // No key or `-` before the indicator: the collection's indentation is not on this line.
        _ => return None,
    };
    let body = match text.as_bytes().get(line_end) {
        Some(b'\r') if text.as_bytes().get(line_end + 1) == Some(&b'\n') => line_end + 2,
        Some(_) => line_end + 1,
        None => line_end,
    };
    Some((header, parser_indent, body))
}

/// `|` or `>` with optional chomping and indentation indicators, in either order.
fn parse_indicator(token: &str) -> Option<Header> {
    let mut chars = token.chars();
    let literal = match chars.next()? {
        '|' => true,
        '>' => false,
        _ => return None,
    };
    let mut header = Header { literal, chomp: Chomp::Clip, increment: 0 };
    let (mut chomp_seen, mut increment_seen) = (false, false);
    for c in chars {
        match c {
            '+' | '-' if !chomp_seen => {
                header.chomp = if c == '+' { Chomp::Keep } else { Chomp::Strip };
                chomp_seen = true;
            }
            '1'..='9' if !increment_seen => {
                header.increment = c as usize - '0' as usize;
                increment_seen = true;
            }
            _ => return None,
        }
    }
    Some(header)
}

/// A position in the text, with libyaml's column (characters since the line start).
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    column: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn advance(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
            self.column += 1;
        }
    }

    /// libyaml's `read_line`: consumes a line break, appending it normalized (CR LF, CR and
    /// NEL become LF; LS and PS stay as they are). Nothing at the end of the text.
    fn read_line(&mut self, out: &mut String) {
        match self.peek() {
            Some('\r') if self.text[self.pos + 1..].starts_with('\n') => {
                self.pos += 2;
                out.push('\n');
            }
            Some(c @ ('\r' | '\n' | '\u{85}')) => {
                self.pos += c.len_utf8();
                out.push('\n');
            }
            Some(c @ ('\u{2028}' | '\u{2029}')) => {
                self.pos += c.len_utf8();
                out.push(c);
            }
            _ => return,
        }
        self.column = 0;
    }

    /// `yaml_parser_scan_block_scalar_breaks`: indentation and empty lines before a content
    /// line; settles an undetected indentation. `None` for a tab where indentation is due
    /// (libyaml's error).
    fn breaks(&mut self, indent: &mut usize, parser_indent: i64, out: &mut String) -> Option<()> {
        let mut max_indent = 0;
        loop {
            while (*indent == 0 || self.column < *indent) && self.peek() == Some(' ') {
                self.advance();
            }
            max_indent = max_indent.max(self.column);
            if (*indent == 0 || self.column < *indent) && self.peek() == Some('\t') {
                return None;
            }
            if !self.peek().is_some_and(is_break) {
                break;
            }
            self.read_line(out);
        }
        if *indent == 0 {
            let floor = usize::try_from(parser_indent + 1).unwrap_or(0);
            *indent = max_indent.max(floor).max(1);
        }
        Some(())
    }
}

/// libyaml's block scalar body, from `body` (the line after the header): the value and the
/// offset where the scalar ends.
fn scan(text: &str, body: usize, header: Header, parser_indent: i64) -> Option<(String, usize)> {
    // An indentation indicator counts from the collection's indentation (from 0 at the top).
    let mut indent = match header.increment {
        0 => 0,
        n => usize::try_from(parser_indent).unwrap_or(0) + n,
    };
    let mut c = Cursor { text, pos: body, column: 0 };
    let (mut value, mut leading_break, mut trailing_breaks) =
        (String::new(), String::new(), String::new());
    c.breaks(&mut indent, parser_indent, &mut trailing_breaks)?;
    let mut leading_blank = false;
    while c.column == indent && c.peek().is_some() {
        let trailing_blank = c.peek().is_some_and(is_blank);
        if !header.literal && !leading_blank && !trailing_blank && leading_break.starts_with('\n') {
            if trailing_breaks.is_empty() {
                value.push(' ');
            }
        } else {
            value.push_str(&leading_break);
        }
        leading_break.clear();
        value.push_str(&trailing_breaks);
        trailing_breaks.clear();
        leading_blank = c.peek().is_some_and(is_blank);
        while let Some(ch) = c.peek().filter(|&ch| !is_break(ch)) {
            value.push(ch);
            c.advance();
        }
        c.read_line(&mut leading_break);
        c.breaks(&mut indent, parser_indent, &mut trailing_breaks)?;
    }
    if header.chomp != Chomp::Strip {
        value.push_str(&leading_break);
    }
    if header.chomp == Chomp::Keep {
        value.push_str(&trailing_breaks);
    }
    Some((value, c.pos))
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_last_line_without_a_break_has_none() {
        // What kustomize v5.8.1 makes of each (see the corpus cases `format-block-scalar-at-eof*`).
        assert_eq!(read_at_eof("a: |\n  x\n  y", 7, "x\ny\n").as_deref(), Some("x\ny"));
        assert_eq!(read_at_eof("a: |+\n  x", 8, "x\n").as_deref(), Some("x"));
        assert_eq!(read_at_eof("a: >\n  x\n  y", 7, "x y\n").as_deref(), Some("x y"));
        assert_eq!(read_at_eof("a: |\n  x\n\n  ", 7, "x\n\n").as_deref(), Some("x\n"));
        assert_eq!(read_at_eof("a: |\n  x\n\n   ", 7, "x\n\n \n").as_deref(), Some("x\n\n "));
        assert_eq!(read_at_eof("- k: |-\n    x", 10, "x").as_deref(), Some("x"));
        assert_eq!(read_at_eof("k:\n- |2\n   x", 10, " x\n").as_deref(), Some(" x"));
    }

    #[test]
    fn unreadable_headers_leave_saphyr_s_value() {
        // A header on its own line after the key: the collection's indentation is unknown.
        assert_eq!(read_at_eof("a:\n  |\n  x", 9, "x\n"), None);
        // The readings disagree on more than the end.
        assert_eq!(read_at_eof("a: |\n  x", 7, "y\n"), None);
    }

    #[test]
    fn folded_lines_before_more_indented_lines_gain_a_blank_line() {
        assert_eq!(folded_round_trip("x\n  y\nz\n"), "x\n\n  y\nz\n");
        assert_eq!(folded_round_trip("x\n\n  y\nz\n"), "x\n\n\n  y\nz\n");
        assert_eq!(folded_round_trip("x\n  y\n  w\nz\n"), "x\n\n  y\n  w\nz\n");
        assert_eq!(folded_round_trip("x\n y\nz"), "x\n\n y\nz");
        // Unchanged: no more-indented line, a value v3 writes quoted, a first line that is blank.
        assert_eq!(folded_round_trip("x y\n"), "x y\n");
        assert_eq!(folded_round_trip("x\n\ny\n"), "x\n\ny\n");
        assert_eq!(folded_round_trip("x \n  y\n"), "x \n  y\n");
        assert_eq!(folded_round_trip("x\n\t y\n\u{7}"), "x\n\t y\n\u{7}");
        assert_eq!(folded_round_trip(" x\ny\n"), " x\ny\n");
        assert_eq!(folded_round_trip(""), "");
    }

    #[test]
    fn non_eof_scalars_read_as_saphyr_reads_them() {
        // Away from the end of the file the two readers agree; this keeps `scan` honest.
        use crate::yaml::{Limits, parse};
        for (text, at) in [
            ("a: |\n  x\n   y\n\n  z\nb: 1\n", 5),
            ("a: >\n  x\n  y\n\n   z\n  w\nb: 1\n", 5),
            ("- k: |+\n    x\n\n- 2\n", 8),
            ("a: >-\n  x\n\n  y\nb: 1\n", 6),
        ] {
            let file = std::sync::Arc::from("f.yaml");
            let parsed = parse(&file, text, &Limits::default());
            let root = &parsed.documents[0].root;
            let node = root.get("a").or_else(|| root.as_seq()?.first()?.get("k")).unwrap();
            let (header, indent, body) =
                header_before(text, node.origin.span.start as usize).unwrap();
            let (value, _) = scan(text, body, header, indent).unwrap();
            assert_eq!(Some(value.as_str()), node.scalar(), "{text:?} (body at {at})");
        }
    }
}
