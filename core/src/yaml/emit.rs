//! kustomize's YAML output: go-yaml v2's `Marshal` of the value [`super::json`] produces.
//!
//! kustomize prints every resource through `sigs.k8s.io/yaml.JSONToYAML`, i.e. go-yaml v2
//! (v2.4.2) marshalling plain Go maps, slices, strings, numbers and booleans. That narrows the
//! emitter a great deal, and this module reproduces only that part, decision for decision:
//!
//! - Mappings are block mappings with keys sorted by v2's natural order ([`key_less`]);
//!   sequences are block sequences, written without extra indentation as mapping values;
//!   empty ones are the flow forms `{}` and `[]`. Indentation is 2, the line width 80.
//! - The encoder asks for a style per scalar ([`string_style`]): literal (`|`) for strings
//!   with a line feed, double quotes for strings v2 would read back as something else, plain
//!   otherwise. The emitter then analyses the text ([`Analysis`]) and may fall back from plain
//!   to single quotes and from either to double quotes ([`select_style`]).
//! - One writer per style, each a port of libyaml's: they fold long lines at spaces once the
//!   column passes 80, and the double-quoted one escapes what libyaml finds unprintable.
//!
//! The writers keep the emitter's column/whitespace/indentation state ([`Emitter`]) because
//! libyaml's line breaking depends on it, so the output is byte-identical, quirks included:
//! a string starting with a BOM has every character escaped, characters outside the BMP are
//! always escaped (`"\U0001F600"`), and U+2028 is written raw as a line break.

use super::json::{EncodeError, Json, from_node};
use super::node::{Node, Style};
use super::resolve::{Resolved, Schema, resolve};

/// libyaml's `best_width`: lines are folded at the first space after this column.
const WIDTH: usize = 80;
/// libyaml's `best_indent`.
const INDENT: usize = 2;
/// Longest key (in bytes) written as a simple `key:`; longer ones use `? key`.
const MAX_SIMPLE_KEY: usize = 128;

/// The whole printing pipeline for one resource: `Resource.AsYAML()`.
pub fn kustomize_yaml(node: &Node) -> Result<String, EncodeError> {
    Ok(to_yaml(&from_node(node)?))
}

/// go-yaml v2 `Marshal` output for a value (recursion follows the value's depth, which
/// [`from_node`] bounds).
#[must_use]
pub fn to_yaml(value: &Json) -> String {
    let mut emitter = Emitter::default();
    emitter.node(value, Context::default());
    emitter.write_indent();
    emitter.out
}

/// Where a node sits, as far as style and layout decisions care.
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    /// A mapping key or value (block sequences as mapping values are not indented).
    mapping: bool,
    /// A simple `key:`: no line folding, no multi-line styles.
    simple_key: bool,
}

const SIMPLE_KEY: Context = Context { mapping: true, simple_key: true };
const VALUE: Context = Context { mapping: true, simple_key: false };
const ITEM: Context = Context { mapping: false, simple_key: false };

/// The emitter's state that output layout depends on.
#[derive(Debug)]
struct Emitter {
    out: String,
    /// Characters (not bytes) on the current line.
    column: usize,
    /// The last thing written was whitespace (or an indicator that counts as such).
    whitespace: bool,
    /// Only indentation has been written on the current line so far.
    indention: bool,
    /// Current indentation; `None` before the root node.
    indent: Option<usize>,
}

impl Default for Emitter {
    fn default() -> Self {
        Emitter { out: String::new(), column: 0, whitespace: true, indention: true, indent: None }
    }
}

impl Emitter {
    fn node(&mut self, value: &Json, context: Context) {
        match value {
            Json::Object(entries) if !entries.is_empty() => self.block_mapping(entries),
            Json::Array(items) if !items.is_empty() => self.block_sequence(items, context),
            Json::Object(_) => self.empty_flow("{", "}"),
            Json::Array(_) => self.empty_flow("[", "]"),
            Json::String(s) => self.scalar(s, string_style(s), Analysis::of(s), context),
            other => {
                let text = scalar_text(other);
                self.scalar(&text, ScalarStyle::Plain, Analysis::of(&text), context);
            }
        }
    }

    fn block_mapping(&mut self, entries: &[(String, Json)]) {
        let outer = self.indent;
        self.indent = Some(outer.map_or(0, |i| i + INDENT));
        for (key, value) in sorted(entries) {
            self.write_indent();
            let analysis = Analysis::of(key);
            if !analysis.multiline && key.len() <= MAX_SIMPLE_KEY {
                self.scalar(key, string_style(key), analysis, SIMPLE_KEY);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.scalar(key, string_style(key), analysis, VALUE);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(value, VALUE);
        }
        self.indent = outer;
    }

    fn block_sequence(&mut self, items: &[Json], context: Context) {
        let outer = self.indent;
        let indentless = context.mapping && !self.indention;
        self.indent = Some(match outer {
            None => 0,
            Some(i) if indentless => i,
            Some(i) => i + INDENT,
        });
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, ITEM);
        }
        self.indent = outer;
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn scalar(&mut self, text: &str, requested: ScalarStyle, analysis: Analysis, context: Context) {
        let style = select_style(requested, analysis, context.simple_key);
        let outer = self.indent;
        self.indent = Some(outer.map_or(INDENT, |i| i + INDENT));
        let allow_breaks = !context.simple_key;
        match style {
            ScalarStyle::Plain => self.write_plain(text, allow_breaks),
            ScalarStyle::SingleQuoted => self.write_single_quoted(text, allow_breaks),
            ScalarStyle::DoubleQuoted => self.write_double_quoted(text, allow_breaks),
            ScalarStyle::Literal => self.write_literal(text),
        }
        self.indent = outer;
    }

    // --- Low-level output (libyaml's put/write/write_indent/write_indicator) ---

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// A line break taken from the text: a line feed is written as the emitter's break,
    /// anything else (CR, NEL, LS, PS) as itself, and either way the line starts over.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        indicator.chars().for_each(|c| self.put(c));
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    // --- Scalar writers ---

    fn write_plain(&mut self, text: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let mut spaces = false;
        let mut breaks = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == ' ' {
                if allow_breaks && !spaces && self.column > WIDTH && chars.peek() != Some(&' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, text: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c == ' ' {
                let inside = at > 0 && at + 1 < text.len();
                let next_is_space = chars.peek().is_some_and(|&(_, n)| n == ' ');
                if allow_breaks && !spaces && self.column > WIDTH && inside && !next_is_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, text: &str, allow_breaks: bool) {
        // libyaml tests for a BOM at the start of the value, not at the character, so a
        // value starting with one has every character escaped.
        let escape_all = text.starts_with('\u{FEFF}');
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let mut chars = text.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if escape_all || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.write_escape(c);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > WIDTH && at > 0 && at + 1 < text.len() {
                    self.write_indent();
                    if chars.peek().is_some_and(|&(_, n)| n == ' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => '0',
            '\u{7}' => 'a',
            '\u{8}' => 'b',
            '\t' => 't',
            '\n' => 'n',
            '\u{b}' => 'v',
            '\u{c}' => 'f',
            '\r' => 'r',
            '\u{1b}' => 'e',
            '"' => '"',
            '\\' => '\\',
            '\u{85}' => 'N',
            '\u{a0}' => '_',
            '\u{2028}' => 'L',
            '\u{2029}' => 'P',
            _ => {
                let code = u32::from(c);
                let (letter, digits) = match code {
                    0..=0xFF => ('x', 2),
                    0x100..=0xFFFF => ('u', 4),
                    _ => ('U', 8),
                };
                self.put(letter);
                for shift in (0..digits).rev() {
                    let digit = (code >> (shift * 4)) & 0xF;
                    self.put(char::from_digit(digit, 16).map_or('0', |d| d.to_ascii_uppercase()));
                }
                return;
            }
        };
        self.put(short);
    }

    fn write_literal(&mut self, text: &str) {
        self.write_indicator("|", true, false, false);
        if text.starts_with(|c| c == ' ' || is_break(c)) {
            self.write_indicator(&INDENT.to_string(), false, false, false);
        }
        if let Some(chomp) = chomping_indicator(text) {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in text.chars() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// `-` strips a missing final break, `+` keeps several, none keeps exactly one.
fn chomping_indicator(text: &str) -> Option<&'static str> {
    let mut last = text.chars().rev();
    match (last.next(), last.next()) {
        (None, _) => Some("-"),
        (Some(c), _) if !is_break(c) => Some("-"),
        (Some(_), None) => Some("+"),
        (Some(_), Some(c)) if is_break(c) => Some("+"),
        _ => None,
    }
}

/// The scalar styles go-yaml v2 produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// The text go-yaml v2's encoder writes for a non-string scalar (always asking for plain).
fn scalar_text(value: &Json) -> String {
    match value {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Int(i) => i.to_string(),
        Json::Uint(u) => u.to_string(),
        Json::Float(f) => crate::float::format_yaml(*f),
        Json::String(s) => s.clone(),
        // Collections never get here; their empty flow forms are the closest scalars.
        Json::Array(_) => "[]".to_owned(),
        Json::Object(_) => "{}".to_owned(),
    }
}

/// The style go-yaml v2's `stringv` asks for: literal if there is a line feed, plain if v2
/// would read the text back as this string, else double-quoted.
fn string_style(s: &str) -> ScalarStyle {
    if s.contains('\n') {
        ScalarStyle::Literal
    } else if resolve(Schema::V2, None, Style::Plain, s) == Ok(Resolved::Str) && !is_base60_float(s)
    {
        ScalarStyle::Plain
    } else {
        ScalarStyle::DoubleQuoted
    }
}

/// YAML 1.1 sexagesimal numbers (`1:20`, `-3:25:45.5`), which v2 quotes for other parsers:
/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.trim_start_matches(['-', '+']);
    if b.len() + 1 < s.len() || !b.starts_with(|c: char| c.is_ascii_digit()) || !b.contains(':') {
        return false;
    }
    let (body, fraction) = b.split_once('.').unwrap_or((b, ""));
    if !fraction.bytes().all(|c| c.is_ascii_digit() || c == b'_') {
        return false;
    }
    let mut groups = body.split(':');
    let head = groups.next().unwrap_or_default();
    head.bytes().all(|c| c.is_ascii_digit() || c == b'_')
        && groups.all(|g| matches!(g.as_bytes(), [b'0'..=b'9'] | [b'0'..=b'5', b'0'..=b'9']))
}

/// What libyaml's `yaml_emitter_analyze_scalar` concludes about a text, for block context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // libyaml's own set of flags, kept as they are
struct Analysis {
    empty: bool,
    multiline: bool,
    plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

impl Analysis {
    fn of(text: &str) -> Analysis {
        if text.is_empty() {
            return Analysis {
                empty: true,
                multiline: false,
                plain_allowed: true,
                single_quoted_allowed: true,
                block_allowed: false,
            };
        }
        let mut indicators = text.starts_with("---") || text.starts_with("...");
        let mut line_breaks = false;
        let mut special_characters = false;
        let (mut leading, mut trailing_space, mut trailing_break) = (false, false, false);
        let (mut break_space, mut space_break) = (false, false);
        let (mut previous_space, mut previous_break) = (false, false);
        let mut preceded_by_whitespace = true;
        let mut chars = text.chars().peekable();
        let mut first = true;
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            let followed_by_whitespace = next.is_none_or(|n| n == ' ' || n == '\t');
            indicators |= if first {
                is_leading_block_indicator(c, followed_by_whitespace)
            } else {
                c == ':' && followed_by_whitespace || c == '#' && preceded_by_whitespace
            };
            special_characters |= !is_printable(c);
            let last = next.is_none();
            if c == ' ' {
                leading |= first;
                trailing_space |= last;
                break_space |= previous_break;
                (previous_space, previous_break) = (true, false);
            } else if is_break(c) {
                line_breaks = true;
                leading |= first;
                trailing_break |= last;
                space_break |= previous_space;
                (previous_space, previous_break) = (false, true);
            } else {
                (previous_space, previous_break) = (false, false);
            }
            preceded_by_whitespace = is_blankz(c);
            first = false;
        }
        let hard = space_break || special_characters;
        Analysis {
            empty: false,
            multiline: line_breaks,
            plain_allowed: !(leading
                || trailing_space
                || trailing_break
                || break_space
                || hard
                || line_breaks
                || indicators),
            single_quoted_allowed: !(break_space || hard),
            block_allowed: !(trailing_space || hard),
        }
    }
}

/// Whether a first character makes a plain scalar impossible in block context.
fn is_leading_block_indicator(c: char, followed_by_whitespace: bool) -> bool {
    match c {
        '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
        | '@' | '`' => true,
        '?' | ':' | '-' => followed_by_whitespace,
        _ => false,
    }
}

/// libyaml's `yaml_emitter_select_scalar_style`, for block context and implicit tags.
fn select_style(requested: ScalarStyle, analysis: Analysis, simple_key: bool) -> ScalarStyle {
    let mut style = requested;
    if simple_key && analysis.multiline {
        style = ScalarStyle::DoubleQuoted;
    }
    if style == ScalarStyle::Plain && (!analysis.plain_allowed || analysis.empty && simple_key) {
        style = ScalarStyle::SingleQuoted;
    }
    if style == ScalarStyle::SingleQuoted && !analysis.single_quoted_allowed {
        style = ScalarStyle::DoubleQuoted;
    }
    if style == ScalarStyle::Literal && (!analysis.block_allowed || simple_key) {
        style = ScalarStyle::DoubleQuoted;
    }
    style
}

/// libyaml's printable set: LF, printable ASCII, and the BMP outside surrogates, C1
/// controls, the BOM and U+FFFE/U+FFFF. Nothing beyond the BMP.
pub(super) fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blankz(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\0') || is_break(c)
}

/// Mapping entries in go-yaml v2's key order.
fn sorted(entries: &[(String, Json)]) -> Vec<&(String, Json)> {
    let keys: Vec<Vec<char>> = entries.iter().map(|(k, _)| k.chars().collect()).collect();
    let mut order: Vec<usize> = (0..entries.len()).collect();
    merge_sort(&mut order, |&a, &b| key_less(&keys[a], &keys[b]));
    order.into_iter().map(|i| &entries[i]).collect()
}

/// A stable merge sort that, unlike the standard library's, cannot panic whatever the
/// comparison does (v2's key order is not guaranteed to be a total order).
fn merge_sort<T: Copy>(items: &mut [T], less: impl Fn(&T, &T) -> bool + Copy) {
    if items.len() < 2 {
        return;
    }
    let mid = items.len() / 2;
    merge_sort(&mut items[..mid], less);
    merge_sort(&mut items[mid..], less);
    let mut merged = Vec::with_capacity(items.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < items.len() {
        if less(&items[j], &items[i]) {
            merged.push(items[j]);
            j += 1;
        } else {
            merged.push(items[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&items[i..mid]);
    merged.extend_from_slice(&items[j..]);
    items.copy_from_slice(&merged);
}

/// go-yaml v2's `keyList.Less` for two string keys: at the first differing character, two
/// letters compare by code point, a non-letter sorts before a letter, and otherwise the
/// digit runs starting there compare as numbers (a run continuing a non-zero number counts
/// its leading zeros), then by length, then by code point.
fn key_less(a: &[char], b: &[char]) -> bool {
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
        return a.len() < b.len();
    };
    let (al, bl) = (is_letter(a[i]), is_letter(b[i]));
    if al && bl {
        return a[i] < b[i];
    }
    if al || bl {
        return bl;
    }
    let continues_number = (a[i] == '0' || b[i] == '0')
        && a[..i].iter().rev().take_while(|&&c| is_digit(c)).any(|&c| c != '0');
    let start = i64::from(continues_number);
    let (an, ae) = digit_run(a, i, start);
    let (bn, be) = digit_run(b, i, start);
    if an != bn {
        return an < bn;
    }
    if ae != be {
        return ae < be;
    }
    a[i] < b[i]
}

/// The value of the digit run at `from` (Go's wrapping int64 arithmetic) and where it ends.
fn digit_run(s: &[char], from: usize, start: i64) -> (i64, usize) {
    let mut n = start;
    let mut end = from;
    while end < s.len() && is_digit(s[end]) {
        n = n.wrapping_mul(10).wrapping_add(i64::from(u32::from(s[end])) - i64::from(b'0'));
        end += 1;
    }
    (n, end)
}

/// Go's `unicode.IsLetter`. Exact for ASCII; beyond it, Rust's `Alphabetic` property minus
/// numerals, which also counts a few combining marks (a difference only when two keys first
/// differ at such a mark).
fn is_letter(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphabetic() } else { c.is_alphabetic() && !c.is_numeric() }
}

/// Go's `unicode.IsDigit` (general category Nd, Unicode 15).
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    let c = u32::from(c);
    let at = DECIMAL_DIGITS.partition_point(|&(_, end)| end < c);
    DECIMAL_DIGITS.get(at).is_some_and(|&(start, _)| start <= c)
}

/// Non-ASCII ranges of general category Nd (Unicode 15.0).
const DECIMAL_DIGITS: &[(u32, u32)] = &[
    (0x660, 0x669),
    (0x6F0, 0x6F9),
    (0x7C0, 0x7C9),
    (0x966, 0x96F),
    (0x9E6, 0x9EF),
    (0xA66, 0xA6F),
    (0xAE6, 0xAEF),
    (0xB66, 0xB6F),
    (0xBE6, 0xBEF),
    (0xC66, 0xC6F),
    (0xCE6, 0xCEF),
    (0xD66, 0xD6F),
    (0xDE6, 0xDEF),
    (0xE50, 0xE59),
    (0xED0, 0xED9),
    (0xF20, 0xF29),
    (0x1040, 0x1049),
    (0x1090, 0x1099),
    (0x17E0, 0x17E9),
    (0x1810, 0x1819),
    (0x1946, 0x194F),
    (0x19D0, 0x19D9),
    (0x1A80, 0x1A89),
    (0x1A90, 0x1A99),
    (0x1B50, 0x1B59),
    (0x1BB0, 0x1BB9),
    (0x1C40, 0x1C49),
    (0x1C50, 0x1C59),
    (0xA620, 0xA629),
    (0xA8D0, 0xA8D9),
    (0xA900, 0xA909),
    (0xA9D0, 0xA9D9),
    (0xA9F0, 0xA9F9),
    (0xAA50, 0xAA59),
    (0xABF0, 0xABF9),
    (0xFF10, 0xFF19),
    (0x104A0, 0x104A9),
    (0x10D30, 0x10D39),
    (0x11066, 0x1106F),
    (0x110F0, 0x110F9),
    (0x11136, 0x1113F),
    (0x111D0, 0x111D9),
    (0x112F0, 0x112F9),
    (0x11450, 0x11459),
    (0x114D0, 0x114D9),
    (0x11650, 0x11659),
    (0x116C0, 0x116C9),
    (0x11730, 0x11739),
    (0x118E0, 0x118E9),
    (0x11950, 0x11959),
    (0x11C50, 0x11C59),
    (0x11D50, 0x11D59),
    (0x11DA0, 0x11DA9),
    (0x11F50, 0x11F59),
    (0x16A60, 0x16A69),
    (0x16AC0, 0x16AC9),
    (0x16B50, 0x16B59),
    (0x1D7CE, 0x1D7FF),
    (0x1E140, 0x1E149),
    (0x1E2F0, 0x1E2F9),
    (0x1E4F0, 0x1E4F9),
    (0x1E950, 0x1E959),
    (0x1FBF0, 0x1FBF9),
];

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::parse::{Limits, parse};

    fn object(entries: &[(&str, Json)]) -> Json {
        Json::Object(entries.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect())
    }

    fn s(text: &str) -> Json {
        Json::String(text.to_owned())
    }

    fn field(value: Json) -> String {
        to_yaml(&object(&[("k", value)]))
    }

    #[test]
    fn layout_of_collections() {
        let value = object(&[
            (
                "seq",
                Json::Array(vec![
                    s("a"),
                    Json::Array(vec![s("b"), s("c")]),
                    object(&[("x", Json::Int(1)), ("y", Json::Null)]),
                ]),
            ),
            ("map", object(&[("inner", object(&[("deep", Json::Bool(true))]))])),
            (
                "empty",
                object(&[
                    ("m", Json::Object(vec![])),
                    ("l", Json::Array(vec![Json::Array(vec![])])),
                ]),
            ),
        ]);
        assert_eq!(
            to_yaml(&value),
            "empty:\n  l:\n  - []\n  m: {}\nmap:\n  inner:\n    deep: true\nseq:\n- a\n- - b\n  - c\n- x: 1\n  \"y\": null\n"
        );
        assert_eq!(to_yaml(&Json::Object(vec![])), "{}\n");
        assert_eq!(to_yaml(&Json::Array(vec![s("x")])), "- x\n");
    }

    #[test]
    fn numbers_use_go_formatting() {
        let cases = [
            (Json::Int(-5), "-5"),
            (Json::Uint(u64::MAX), "18446744073709551615"),
            (Json::Float(1.5), "1.5"),
            (Json::Float(123_456.5), "123456.5"),
            (Json::Float(1_234_567.5), "1.2345675e+06"),
            (Json::Float(1e20), "1e+20"),
            (Json::Float(1e-7), "1e-07"),
            (Json::Float(0.0001), "0.0001"),
            (Json::Float(0.000_012_5), "1.25e-05"),
            (Json::Float(-2.5e-300), "-2.5e-300"),
            (Json::Float(0.0), "0"),
            (Json::Float(-0.0), "-0"),
            (Json::Float(1.0), "1"),
            (Json::Float(f64::INFINITY), ".inf"),
            (Json::Float(f64::NAN), ".nan"),
        ];
        for (value, text) in cases {
            assert_eq!(field(value.clone()), format!("k: {text}\n"), "{value:?}");
        }
    }

    #[test]
    fn strings_are_quoted_when_v2_would_misread_them() {
        for (text, shown) in [
            ("yes", "\"yes\""),
            ("Off", "\"Off\""),
            ("123", "\"123\""),
            ("1e3", "\"1e3\""),
            ("", "\"\""),
            ("~", "\"~\""),
            ("1:20", "\"1:20\""),
            ("2024-01-01", "\"2024-01-01\""),
            ("0o+3", "0o+3"),
            ("<<", "<<"),
            ("- x", "'- x'"),
            ("#x", "'#x'"),
            ("a: b", "'a: b'"),
            ("it's", "it's"),
            ("'q'", "'''q'''"),
            (" lead", "' lead'"),
            ("a\tb", "\"a\\tb\""),
            ("😀", "\"\\U0001F600\""),
            ("\u{feff}ab", "\"\\uFEFF\\x61\\x62\""),
            ("x\u{85}y", "\"x\\Ny\""),
            ("a\u{2028}b", "'a\u{2028}  b'"),
            ("\u{a0}", "\u{a0}"),
        ] {
            assert_eq!(field(s(text)), format!("k: {shown}\n"), "{text:?}");
        }
    }

    #[test]
    fn multi_line_strings() {
        assert_eq!(field(s("a\nb")), "k: |-\n  a\n  b\n");
        assert_eq!(field(s("a\nb\n")), "k: |\n  a\n  b\n");
        assert_eq!(field(s("a\n\n")), "k: |+\n  a\n\n");
        assert_eq!(field(s("\n")), "k: |2+\n\n");
        assert_eq!(field(s(" a\nb")), "k: |2-\n   a\n  b\n");
        assert_eq!(field(s("a \nb")), "k: \"a \\nb\"\n");
        assert_eq!(field(s("a\nb ")), "k: \"a\\nb \"\n");
        assert_eq!(to_yaml(&object(&[("a\nb", s("v"))])), "? |-\n  a\n  b\n: v\n");
    }

    #[test]
    fn long_strings_fold_after_column_80() {
        let words = ["word"; 30].join(" ");
        let folded = field(s(&words));
        assert!(folded.lines().all(|l| l.chars().count() <= 86), "{folded}");
        assert_eq!(folded.lines().count(), 2);
        let quoted = field(s(&format!("\t{words}")));
        assert!(quoted.lines().nth(1).is_some_and(|l| l.starts_with("  word")), "{quoted}");
        let key = "k".repeat(129);
        assert_eq!(to_yaml(&object(&[(&key, s("v"))])), format!("? {key}\n: v\n"));
    }

    #[test]
    fn key_order_is_v2_natural_order() {
        let keys = ["b", "a10", "a2", "A", "_", "a01", "a1", "1", "z"];
        let value = Json::Object(keys.iter().map(|k| ((*k).to_owned(), Json::Null)).collect());
        let order: Vec<String> = to_yaml(&value)
            .lines()
            .map(|l| l.split(':').next().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(order, ["_", "\"1\"", "A", "a1", "a01", "a2", "a10", "b", "z"]);
    }

    #[test]
    fn base60() {
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("-190:20:30.15"));
        assert!(is_base60_float("1_0:5"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("1:"));
        assert!(!is_base60_float("a1:20"));
        assert!(!is_base60_float("+-1:20"));
    }

    #[test]
    fn odd_input_never_panics() {
        let huge = "x ".repeat(200_000);
        let deep = "[".repeat(190) + &"]".repeat(190);
        let texts = [
            format!("a: \"{huge}\"\n"),
            format!("a: {deep}\n"),
            "a: !!binary gICAgP/+/f7/\nb: !!binary 7aCA\n".to_owned(),
            "a: \"\\x00\\x01\\u2028\\u2029\\uFEFF\\U0010FFFF\"\n".to_owned(),
            format!("? \"{}\"\n: x\n", "é".repeat(5000)),
            "a: {b: [{c: }, ~, \"\", !custom , ! ]}\n".to_owned(),
            "a: \"\\N\\N\\N\"\nb: \" \\N \"\nc: \"\\N---\\N\"\n".to_owned(),
            "a: 99999999999999999999999999999e999\nb: -0.0e-999\n".to_owned(),
        ];
        for text in &texts {
            let parsed = parse(&Arc::from("odd.yaml"), text, &Limits::default());
            if let Some(document) = parsed.documents.first() {
                let _ = kustomize_yaml(&document.root);
            }
        }
        let nested = (0..300).fold(s("leaf"), |inner, _| Json::Array(vec![inner]));
        assert!(to_yaml(&nested).ends_with("- leaf\n"));
    }
}
