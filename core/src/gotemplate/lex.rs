//! The lexer of Go's `text/template/parse/lex.go` (Go 1.26), as a pull lexer: the parser
//! asks for one item at a time, and the lexer runs its state machine until it has one.
//! Positions are byte offsets in the template text; lines count from 1. Trim markers
//! (`{{- ` and ` -}}`) are handled here, so the parser never sees the trimmed spaces.

use crate::gostring::quote;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Error,
    Bool,
    Char,
    CharConstant,
    Comment,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords come after this marker.
    Keyword,
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

/// One token: its kind, byte offset, text (the message for an error) and starting line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item<'t> {
    pub(crate) kind: Kind,
    pub(crate) pos: usize,
    pub(crate) val: std::borrow::Cow<'t, str>,
    pub(crate) line: usize,
    /// Byte offset just past the token (for an error: where the lexer stopped).
    pub(crate) end: usize,
}

impl std::fmt::Display for Item<'_> {
    /// Go's `item.String()`, used in parse error messages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            Kind::Eof => f.write_str("EOF"),
            Kind::Error => f.write_str(&self.val),
            k if k > Kind::Keyword => write!(f, "<{}>", self.val),
            _ if self.val.len() > 10 => {
                let head: String = self.val.chars().take(10).collect();
                write!(f, "{}...", quote(&head))
            }
            _ => f.write_str(&quote(&self.val)),
        }
    }
}

fn keyword(word: &str) -> Option<Kind> {
    Some(match word {
        "." => Kind::Dot,
        "block" => Kind::Block,
        "break" => Kind::Break,
        "continue" => Kind::Continue,
        "define" => Kind::Define,
        "else" => Kind::Else,
        "end" => Kind::End,
        "if" => Kind::If,
        "range" => Kind::Range,
        "nil" => Kind::Nil,
        "template" => Kind::Template,
        "with" => Kind::With,
        _ => return None,
    })
}

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
/// A trim marker and the space beside it.
const TRIM_MARKER_LEN: usize = 2;

#[derive(Debug, Clone, Copy)]
enum State {
    Text,
    LeftDelim,
    Comment,
    RightDelim,
    InsideAction,
    Space,
    Identifier,
    Field,
    Variable,
    Char,
    Number,
    Quote,
    RawQuote,
}

enum Step<'t> {
    Go(State),
    Emit(Item<'t>),
}

#[allow(clippy::struct_excessive_bools)] // Go's lexer state, field for field
pub(crate) struct Lexer<'t> {
    input: &'t str,
    pos: usize,
    start: usize,
    at_eof: bool,
    paren_depth: usize,
    line: usize,
    start_line: usize,
    inside_action: bool,
    done: bool,
    pub(crate) break_ok: bool,
    pub(crate) continue_ok: bool,
}

fn is_space(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t' | '\r' | '\n'))
}

/// Go's `isAlphaNumeric` (`_`, `unicode.IsLetter`, `unicode.IsDigit`), with Rust's
/// alphabetic and numeric properties standing in for Go's letter and digit categories.
fn is_alphanumeric(c: Option<char>) -> bool {
    matches!(c, Some(c) if c == '_' || c.is_alphabetic() || c.is_numeric())
}

fn has_left_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(Some(char::from(b[1])))
}

fn has_right_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && is_space(Some(char::from(b[0]))) && b[1] == b'-'
}

fn is_space_byte(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Go's `%#U`: `U+0041 'A'`.
pub(crate) fn sharp_u(c: Option<char>) -> String {
    match c {
        None => "U+FFFFFFFFFFFFFFFF".to_owned(),
        Some(c) if crate::gostring::is_print(c) => format!("U+{:04X} '{c}'", c as u32),
        Some(c) => format!("U+{:04X}", c as u32),
    }
}

impl<'t> Lexer<'t> {
    pub(crate) fn new(input: &'t str) -> Lexer<'t> {
        Lexer {
            input,
            pos: 0,
            start: 0,
            at_eof: false,
            paren_depth: 0,
            line: 1,
            start_line: 1,
            inside_action: false,
            done: false,
            break_ok: true,
            continue_ok: true,
        }
    }

    /// The next item; after an error or the end, `EOF` forever.
    pub(crate) fn next_item(&mut self) -> Item<'t> {
        if self.done {
            return Item {
                kind: Kind::Eof,
                pos: self.pos,
                val: "".into(),
                line: self.start_line,
                end: self.pos,
            };
        }
        let mut state = if self.inside_action { State::InsideAction } else { State::Text };
        loop {
            let step = match state {
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::Comment => self.lex_comment(),
                State::RightDelim => self.lex_right_delim(),
                State::InsideAction => self.lex_inside_action(),
                State::Space => self.lex_space(),
                State::Identifier => self.lex_identifier(),
                State::Field => self.lex_field_or_variable(Kind::Field),
                State::Variable => self.lex_variable(),
                State::Char => self.lex_char(),
                State::Number => self.lex_number(),
                State::Quote => self.lex_quote(),
                State::RawQuote => self.lex_raw_quote(),
            };
            match step {
                Step::Go(next) => state = next,
                Step::Emit(item) => {
                    if item.kind == Kind::Eof || item.kind == Kind::Error {
                        self.done = true;
                    }
                    return item;
                }
            }
        }
    }

    fn rest(&self) -> &'t str {
        &self.input[self.pos.min(self.input.len())..]
    }

    fn next(&mut self) -> Option<char> {
        let Some(c) = self.rest().chars().next() else {
            self.at_eof = true;
            return None;
        };
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn peek(&mut self) -> Option<char> {
        self.rest().chars().next()
    }

    fn backup(&mut self) {
        if !self.at_eof
            && let Some(c) = self.input[..self.pos].chars().next_back()
        {
            self.pos -= c.len_utf8();
            if c == '\n' {
                self.line -= 1;
            }
        }
    }

    fn this_item(&mut self, kind: Kind) -> Item<'t> {
        let input: &'t str = self.input;
        let item = Item {
            kind,
            pos: self.start,
            val: input[self.start..self.pos].into(),
            line: self.start_line,
            end: self.pos,
        };
        self.start = self.pos;
        self.start_line = self.line;
        item
    }

    fn emit(&mut self, kind: Kind) -> Step<'t> {
        Step::Emit(self.this_item(kind))
    }

    fn ignore(&mut self) {
        self.line += self.input[self.start..self.pos].matches('\n').count();
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.next() {
            Some(c) if valid.contains(c) => true,
            _ => {
                self.backup();
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while matches!(self.next(), Some(c) if valid.contains(c)) {}
        self.backup();
    }

    fn errorf(&mut self, message: String) -> Step<'t> {
        let item = Item {
            kind: Kind::Error,
            pos: self.start,
            val: message.into(),
            line: self.start_line,
            end: self.pos.max(self.start),
        };
        Step::Emit(item)
    }

    fn lex_text(&mut self) -> Step<'t> {
        if let Some(x) = self.rest().find(LEFT_DELIM) {
            if x > 0 {
                self.pos += x;
                let delim_end = self.pos + LEFT_DELIM.len();
                let trim = if has_left_trim_marker(&self.input[delim_end..]) {
                    let text = &self.input[self.start..self.pos];
                    text.len() - text.trim_end_matches(is_space_byte).len()
                } else {
                    0
                };
                self.pos -= trim;
                self.line += self.input[self.start..self.pos].matches('\n').count();
                let item = self.this_item(Kind::Text);
                self.pos += trim;
                self.ignore();
                if !item.val.is_empty() {
                    return Step::Emit(item);
                }
            }
            return Step::Go(State::LeftDelim);
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.line += self.input[self.start..self.pos].matches('\n').count();
            return self.emit(Kind::Text);
        }
        self.emit(Kind::Eof)
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        if has_right_trim_marker(rest) && rest[TRIM_MARKER_LEN..].starts_with(RIGHT_DELIM) {
            return (true, true);
        }
        (rest.starts_with(RIGHT_DELIM), false)
    }

    fn left_trim_length(&self) -> usize {
        let rest = self.rest();
        rest.len() - rest.trim_start_matches(is_space_byte).len()
    }

    fn lex_left_delim(&mut self) -> Step<'t> {
        self.pos += LEFT_DELIM.len();
        let trim = has_left_trim_marker(self.rest());
        let after_marker = if trim { TRIM_MARKER_LEN } else { 0 };
        if self.input[self.pos + after_marker..].starts_with(LEFT_COMMENT) {
            self.pos += after_marker;
            self.ignore();
            return Step::Go(State::Comment);
        }
        let item = self.this_item(Kind::LeftDelim);
        self.inside_action = true;
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        Step::Emit(item)
    }

    fn lex_comment(&mut self) -> Step<'t> {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = self.rest().find(RIGHT_COMMENT) else {
            return self.errorf("unclosed comment".to_owned());
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.errorf("comment ends before closing delimiter".to_owned());
        }
        self.line += self.input[self.start..self.pos].matches('\n').count();
        self.this_item(Kind::Comment);
        if trim {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.pos += self.left_trim_length();
        }
        self.ignore();
        Step::Go(State::Text)
    }

    fn lex_right_delim(&mut self) -> Step<'t> {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += RIGHT_DELIM.len();
        let item = self.this_item(Kind::RightDelim);
        if trim {
            self.pos += self.left_trim_length();
            self.ignore();
        }
        self.inside_action = false;
        Step::Emit(item)
    }

    fn lex_inside_action(&mut self) -> Step<'t> {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return Step::Go(State::RightDelim);
            }
            return self.errorf("unclosed left paren".to_owned());
        }
        let c = self.next();
        match c {
            None => self.errorf("unclosed action".to_owned()),
            Some(' ' | '\t' | '\r' | '\n') => {
                self.backup();
                Step::Go(State::Space)
            }
            Some('=') => self.emit(Kind::Assign),
            Some(':') => {
                if self.next() != Some('=') {
                    return self.errorf("expected :=".to_owned());
                }
                self.emit(Kind::Declare)
            }
            Some('|') => self.emit(Kind::Pipe),
            Some('"') => Step::Go(State::Quote),
            Some('`') => Step::Go(State::RawQuote),
            Some('$') => Step::Go(State::Variable),
            Some('\'') => Step::Go(State::Char),
            Some('.') if !matches!(self.rest().as_bytes().first(), Some(b'0'..=b'9')) => {
                Step::Go(State::Field)
            }
            Some('.' | '+' | '-' | '0'..='9') => {
                self.backup();
                Step::Go(State::Number)
            }
            Some(c) if is_alphanumeric(Some(c)) => {
                self.backup();
                Step::Go(State::Identifier)
            }
            Some('(') => {
                self.paren_depth += 1;
                self.emit(Kind::LeftParen)
            }
            Some(')') => {
                if self.paren_depth == 0 {
                    return self.errorf("unexpected right paren".to_owned());
                }
                self.paren_depth -= 1;
                self.emit(Kind::RightParen)
            }
            Some(c) if c.is_ascii() && (' '..='~').contains(&c) => self.emit(Kind::Char),
            Some(c) => {
                self.errorf(format!("unrecognized character in action: {}", sharp_u(Some(c))))
            }
        }
    }

    fn lex_space(&mut self) -> Step<'t> {
        let mut spaces = 0;
        while is_space(self.peek()) {
            self.next();
            spaces += 1;
        }
        let before = &self.input[self.pos - 1..];
        if has_right_trim_marker(before) && before[TRIM_MARKER_LEN..].starts_with(RIGHT_DELIM) {
            self.backup();
            if spaces == 1 {
                return Step::Go(State::RightDelim);
            }
        }
        self.emit(Kind::Space)
    }

    fn lex_identifier(&mut self) -> Step<'t> {
        loop {
            let c = self.next();
            if is_alphanumeric(c) {
                continue;
            }
            self.backup();
            if !self.at_terminator() {
                return self.errorf(format!("bad character {}", sharp_u(c)));
            }
            let word = &self.input[self.start..self.pos];
            return match keyword(word) {
                Some(Kind::Break) if !self.break_ok => self.emit(Kind::Identifier),
                Some(Kind::Continue) if !self.continue_ok => self.emit(Kind::Identifier),
                Some(k) => self.emit(k),
                None if word == "true" || word == "false" => self.emit(Kind::Bool),
                None => self.emit(Kind::Identifier),
            };
        }
    }

    fn lex_variable(&mut self) -> Step<'t> {
        if self.at_terminator() {
            return self.emit(Kind::Variable);
        }
        self.lex_field_or_variable(Kind::Variable)
    }

    fn lex_field_or_variable(&mut self, kind: Kind) -> Step<'t> {
        if self.at_terminator() {
            return self.emit(if kind == Kind::Variable { Kind::Variable } else { Kind::Dot });
        }
        let mut c;
        loop {
            c = self.next();
            if !is_alphanumeric(c) {
                self.backup();
                break;
            }
        }
        if !self.at_terminator() {
            return self.errorf(format!("bad character {}", sharp_u(c)));
        }
        self.emit(kind)
    }

    fn at_terminator(&mut self) -> bool {
        let c = self.peek();
        if is_space(c) {
            return true;
        }
        match c {
            None | Some('.' | ',' | '|' | ':' | ')' | '(') => true,
            _ => self.rest().starts_with(RIGHT_DELIM),
        }
    }

    fn lex_char(&mut self) -> Step<'t> {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    None | Some('\n') => {
                        return self.errorf("unterminated character constant".to_owned());
                    }
                    _ => {}
                },
                None | Some('\n') => {
                    return self.errorf("unterminated character constant".to_owned());
                }
                Some('\'') => break,
                _ => {}
            }
        }
        self.emit(Kind::CharConstant)
    }

    fn lex_number(&mut self) -> Step<'t> {
        if !self.scan_number() {
            let text = quote(&self.input[self.start..self.pos]);
            return self.errorf(format!("bad number syntax: {text}"));
        }
        if matches!(self.peek(), Some('+' | '-')) {
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let text = quote(&self.input[self.start..self.pos]);
                return self.errorf(format!("bad number syntax: {text}"));
            }
            return self.emit(Kind::Complex);
        }
        self.emit(Kind::Number)
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if is_alphanumeric(self.peek()) {
            self.next();
            return false;
        }
        true
    }

    fn lex_quote(&mut self) -> Step<'t> {
        loop {
            match self.next() {
                Some('\\') => match self.next() {
                    None | Some('\n') => {
                        return self.errorf("unterminated quoted string".to_owned());
                    }
                    _ => {}
                },
                None | Some('\n') => return self.errorf("unterminated quoted string".to_owned()),
                Some('"') => break,
                _ => {}
            }
        }
        self.emit(Kind::String)
    }

    fn lex_raw_quote(&mut self) -> Step<'t> {
        loop {
            match self.next() {
                None => return self.errorf("unterminated raw quoted string".to_owned()),
                Some('`') => break,
                _ => {}
            }
        }
        self.emit(Kind::RawString)
    }
}
