//! Flux's variable substitution language: `github.com/fluxcd/pkg/envsubst` (a fork of
//! `drone/envsubst`), read at fluxcd/pkg e2cfd1a (`envsubst/parse/{scan,parse}.go`,
//! `envsubst/{template,funcs}.go`, `envsubst/path/match.go`).
//!
//! The grammar is whatever that hand-written scanner accepts, quirks included, so the scanner
//! is ported decision for decision rather than re-specified: `$${` is a literal `${` (the
//! scanner deletes the first `$` from its buffer), `\/` and `\\` are escapes inside
//! `${v/a/b}` only, `${v-x}` and `${v+x}` are errors (only `:-`, `:=`, `:?`, `:+` and `=`
//! take defaults), `${v:?x}` and `${v:+x}` behave like `${v:-x}`, and a NUL character ends
//! the text. Upstream mutates its buffer to delete escape characters; here the scanner keeps
//! the token read so far apart from the untouched rest of the text, which also keeps every
//! byte's offset in the original text for diagnostics.
//!
//! Upstream parses a text as a right-leaning list, one recursion per token; here the top level
//! is a loop and only nested `${…}` recurse, at most [`MAX_DEPTH`] deep. Evaluation works on
//! bytes (Go strings are bytes: `${v:1}` may cut a character in two) and is bounded by a
//! budget of output bytes and pattern-matching steps.

use crate::diagnostic::Span;

/// Deepest nesting of `${…}` inside `${…}` arguments.
pub const MAX_DEPTH: usize = 64;

/// A parsed text: literal runs and substitutions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(Vec<u8>),
    Func(Func),
}

/// One `${…}`: the operator (`""` for a bare `${v}`, `:=`, `:-`, `#`, `/`, `^^`, …), the
/// variable, the arguments (each a list of pieces, since they may nest substitutions) and
/// where it starts in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Func {
    pub name: String,
    pub param: String,
    pub args: Vec<Vec<Piece>>,
    /// From the `$` to past the closing `}`, in the original text.
    pub span: Span,
}

/// Why a text does not parse, and where: `at` is the `$` of the innermost `${` being read
/// (or of the text's end when none is open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Upstream's error text (`bad substitution`, `missing closing brace`, …).
    pub message: &'static str,
    pub at: usize,
    pub kind: Problem,
}

/// What kind of [`ParseError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Upstream fails to parse the text.
    Syntax,
    /// Not an upstream error: a variable name has a non-ASCII rune, which upstream classifies
    /// with Go's Unicode tables (`unicode.IsLetter`, `IsDigit`) that Baton does not carry;
    /// the result might differ, so none is given.
    NonAscii,
    /// Not an upstream error: `${` nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

const BAD_SUBSTITUTION: &str = "bad substitution";
const MISSING_CLOSING_BRACE: &str = "missing closing brace";
const PARSE_VARIABLE_NAME: &str = "unable to parse variable name";
const PARSE_FUNC_SUBSTITUTION: &str = "unable to parse substitution within function";
const PARSE_DEFAULT_FUNCTION: &str = "unable to parse default function";
const TOO_DEEP: &str = "substitutions nested too deeply";
const NON_ASCII_NAME: &str = "a variable name has a non-ASCII character";

/// Parses `text` as upstream's `parse.Parse` does.
pub fn parse(text: &str) -> Result<Vec<Piece>, ParseError> {
    let mut parser = Parser { s: Scanner::new(text), open: Vec::new() };
    let pieces = parser.parse_any()?;
    match parser.s.non_ascii_name {
        Some(at) => Err(ParseError { message: NON_ASCII_NAME, at, kind: Problem::NonAscii }),
        None => Ok(pieces),
    }
}

/// What evaluation needs from the caller: variable values, and a record of the
/// substitutions that read an unset variable without a default.
pub trait Lookup {
    /// The variable's value, `None` when unset.
    fn get(&self, name: &str) -> Option<&str>;
}

/// Why evaluation stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The output or the pattern matching went over the budget.
    Limit,
    /// Upstream panics here (the controller reports the recovered panic and fails).
    Panics(&'static str),
}

/// Evaluation limits: output bytes and steps of glob matching.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub output_bytes: usize,
    pub steps: u64,
}

/// The result of [`eval`]: the text, and the spans of substitutions of unset variables that
/// have no default (Flux writes an empty string for them; its strict mode fails).
#[derive(Debug, Default)]
pub struct Evaluated {
    pub text: Vec<u8>,
    pub unset: Vec<(String, Span)>,
}

/// Evaluates parsed pieces as `Template.Execute` does in Flux's default (non-strict) mode.
pub fn eval(
    pieces: &[Piece],
    vars: &dyn Lookup,
    budget: &mut Budget,
) -> Result<Evaluated, EvalError> {
    let mut out = Evaluated::default();
    let mut text = Vec::new();
    eval_into(pieces, vars, budget, &mut out.unset, &mut text)?;
    out.text = text;
    Ok(out)
}

fn eval_into(
    pieces: &[Piece],
    vars: &dyn Lookup,
    budget: &mut Budget,
    unset: &mut Vec<(String, Span)>,
    out: &mut Vec<u8>,
) -> Result<(), EvalError> {
    for piece in pieces {
        match piece {
            Piece::Text(t) => push(out, t, budget)?,
            Piece::Func(f) => {
                let mut args = Vec::with_capacity(f.args.len());
                for arg in &f.args {
                    let mut value = Vec::new();
                    eval_into(arg, vars, budget, unset, &mut value)?;
                    args.push(value);
                }
                let value = vars.get(&f.param);
                if value.is_none() && !is_default_op(&f.name) {
                    unset.push((f.param.clone(), f.span));
                }
                let value = value.unwrap_or_default().as_bytes();
                let result = apply(&f.name, value, &args, budget)?;
                push(out, &result, budget)?;
            }
        }
    }
    Ok(())
}

fn push(out: &mut Vec<u8>, bytes: &[u8], budget: &mut Budget) -> Result<(), EvalError> {
    if bytes.len() > budget.output_bytes {
        return Err(EvalError::Limit);
    }
    budget.output_bytes -= bytes.len();
    out.extend_from_slice(bytes);
    Ok(())
}

/// `isDefaultOp`: operators whose contract covers an unset variable.
fn is_default_op(name: &str) -> bool {
    matches!(name, "-" | "+" | "=" | "?" | ":-" | ":+" | ":=" | ":?")
}

/// `lookupFunc(name, len(args))(value, args...)`.
fn apply(
    name: &str,
    s: &[u8],
    args: &[Vec<u8>],
    budget: &mut Budget,
) -> Result<Vec<u8>, EvalError> {
    let arg = |i: usize| args.get(i).map(Vec::as_slice);
    Ok(match name {
        "," => map_first(s, Case::Lower),
        ",," => map_all(s, Case::Lower),
        "^" => map_first(s, Case::Upper),
        "^^" => map_all(s, Case::Upper),
        "#" if args.is_empty() => s.len().to_string().into_bytes(),
        "#" => match arg(0) {
            Some(pattern) => trim_shortest(s, pattern, budget)?,
            None => s.to_vec(),
        },
        "##" => match arg(0) {
            Some(pattern) => trim_longest(s, pattern, budget)?,
            None => s.to_vec(),
        },
        "%" => match arg(0) {
            Some(pattern) => reverse(&trim_shortest(&reverse(s), &reverse(pattern), budget)?),
            None => s.to_vec(),
        },
        "%%" => match arg(0) {
            Some(pattern) => reverse(&trim_longest(&reverse(s), &reverse(pattern), budget)?),
            None => s.to_vec(),
        },
        ":" => substring(s, args)?,
        "/#" => match args {
            [from, to] if s.starts_with(from) => [to.as_slice(), &s[from.len()..]].concat(),
            _ => s.to_vec(),
        },
        "/%" => match args {
            [from, to] if s.ends_with(from) => [&s[..s.len() - from.len()], to.as_slice()].concat(),
            _ => s.to_vec(),
        },
        "/" => replace(s, args, Some(1), budget)?,
        "//" => replace(s, args, None, budget)?,
        // `toDefault` for `=`, `:=`, `:-`, `:?`, `:+`, `-`, `+` and anything else.
        _ if s.is_empty() && !args.is_empty() => args.concat(),
        _ => s.to_vec(),
    })
}

/// A case mapping, lower or upper, rune by rune as Go's `unicode.ToLower`/`ToUpper`: those
/// map one rune to one rune, so where Rust's full mapping makes several characters (`ß` →
/// `SS`) Go has no simple mapping and keeps the rune.
#[derive(Clone, Copy)]
enum Case {
    Lower,
    Upper,
}

impl Case {
    fn apply(self, c: char) -> char {
        let mut lower;
        let mut upper;
        let mapped: &mut dyn Iterator<Item = char> = match self {
            Case::Lower => {
                lower = c.to_lowercase();
                &mut lower
            }
            Case::Upper => {
                upper = c.to_uppercase();
                &mut upper
            }
        };
        match (mapped.next(), mapped.next()) {
            (Some(m), None) => m,
            _ => c,
        }
    }
}

/// `toLowerFirst` / `toUpperFirst`.
fn map_first(s: &[u8], case: Case) -> Vec<u8> {
    let Some((c, width)) = decode(s) else { return s.to_vec() };
    let mut out = Vec::with_capacity(s.len());
    if c == char::REPLACEMENT_CHARACTER && width == 1 {
        out.push(s[0]);
    } else {
        let mut buf = [0; 4];
        out.extend_from_slice(case.apply(c).encode_utf8(&mut buf).as_bytes());
    }
    out.extend_from_slice(&s[width..]);
    out
}

/// `strings.ToLower` / `ToUpper`.
fn map_all(s: &[u8], case: Case) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s;
    while let Some((c, width)) = decode(rest) {
        if c == char::REPLACEMENT_CHARACTER && width == 1 {
            out.push(rest[0]);
        } else {
            let mut buf = [0; 4];
            out.extend_from_slice(case.apply(c).encode_utf8(&mut buf).as_bytes());
        }
        rest = &rest[width..];
    }
    out
}

/// `utf8.DecodeRune`: the first rune and its width; an invalid byte is U+FFFD of width 1.
fn decode(s: &[u8]) -> Option<(char, usize)> {
    let first = *s.first()?;
    let width = match first {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Some((char::REPLACEMENT_CHARACTER, 1)),
    };
    match s.get(..width).and_then(|b| std::str::from_utf8(b).ok()) {
        Some(text) => text.chars().next().map(|c| (c, width)),
        None => Some((char::REPLACEMENT_CHARACTER, 1)),
    }
}

/// `reverse`: by runes (invalid bytes are runes of their own, written back as U+FFFD, as Go's
/// `[]rune` conversion does).
fn reverse(s: &[u8]) -> Vec<u8> {
    let mut chars = Vec::new();
    let mut rest = s;
    while let Some((c, width)) = decode(rest) {
        chars.push(c);
        rest = &rest[width..];
    }
    chars.iter().rev().collect::<String>().into_bytes()
}

/// `toSubstr`: byte offsets, `strconv.Atoi` arguments, bash's forgiving bounds.
fn substring(s: &[u8], args: &[Vec<u8>]) -> Result<Vec<u8>, EvalError> {
    let Some(first) = args.first() else { return Ok(s.to_vec()) };
    let Some(mut pos) = atoi(first) else { return Ok(s.to_vec()) };
    let len = i64::try_from(s.len()).unwrap_or(i64::MAX);
    if pos < 0 {
        pos = (len + pos).max(0);
    }
    let tail = |pos: i64| {
        usize::try_from(pos)
            .ok()
            .filter(|&p| p < s.len())
            .map_or_else(Vec::new, |p| s[p..].to_vec())
    };
    let Some(second) = args.get(1) else { return Ok(tail(pos)) };
    let Some(length) = atoi(second) else { return Ok(s.to_vec()) };
    if pos.saturating_add(length) >= len {
        return Ok(tail(pos));
    }
    // Here pos + length < len; a negative length makes Go's slice expression panic.
    match (usize::try_from(pos), usize::try_from(pos + length)) {
        (Ok(start), Ok(end)) if start <= end => Ok(s[start..end].to_vec()),
        _ => {
            Err(EvalError::Panics("a substring with a negative length (slice bounds out of range)"))
        }
    }
}

/// `strconv.Atoi`: an optional sign and decimal digits that fit an `int`.
fn atoi(s: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(s).ok()?;
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// `strings.Replace(s, old, new, n)` (n = `None` for all), with Go's rule for an empty `old`:
/// it matches before every rune and at the end.
fn replace(
    s: &[u8],
    args: &[Vec<u8>],
    limit: Option<usize>,
    budget: &mut Budget,
) -> Result<Vec<u8>, EvalError> {
    let (from, to): (&[u8], &[u8]) = match args {
        [] => return Ok(s.to_vec()),
        [from] => (from, &[]),
        [from, to, ..] => (from, to),
    };
    let mut out = Vec::with_capacity(s.len());
    let mut done = 0;
    let mut i = 0;
    let mut last = 0;
    if from.is_empty() {
        loop {
            if limit.is_some_and(|l| done >= l) {
                break;
            }
            out.extend_from_slice(&s[last..i]);
            out.extend_from_slice(to);
            done += 1;
            last = i;
            if out.len() > budget.output_bytes {
                return Err(EvalError::Limit);
            }
            match decode(&s[i..]) {
                Some((_, width)) => {
                    out.extend_from_slice(&s[i..i + width]);
                    i += width;
                    last = i;
                }
                None => break,
            }
        }
        out.extend_from_slice(&s[last..]);
        return Ok(out);
    }
    while i + from.len() <= s.len() {
        if limit.is_some_and(|l| done >= l) {
            break;
        }
        if s[i..].starts_with(from) {
            out.extend_from_slice(&s[last..i]);
            out.extend_from_slice(to);
            i += from.len();
            last = i;
            done += 1;
            if out.len() > budget.output_bytes {
                return Err(EvalError::Limit);
            }
        } else {
            i += 1;
        }
    }
    out.extend_from_slice(&s[last..]);
    Ok(out)
}

/// `trimShortest`: the shortest prefix matching the pattern is removed (the loop keeps the
/// last match found from the longest candidate down, so the shortest; a pattern error keeps
/// `s`).
fn trim_shortest(s: &[u8], pattern: &[u8], budget: &mut Budget) -> Result<Vec<u8>, EvalError> {
    let mut shortest: Option<usize> = None;
    for i in 0..s.len() {
        match glob_match(pattern, &s[..s.len() - i], budget)? {
            Err(()) => return Ok(s.to_vec()),
            Ok(true) => shortest = Some(s.len() - i),
            Ok(false) => {}
        }
    }
    Ok(match shortest {
        Some(n) if n > 0 => s[n..].to_vec(),
        _ => s.to_vec(),
    })
}

/// `trimLongest`: the longest prefix matching the pattern is removed.
fn trim_longest(s: &[u8], pattern: &[u8], budget: &mut Budget) -> Result<Vec<u8>, EvalError> {
    for i in 0..s.len() {
        match glob_match(pattern, &s[..s.len() - i], budget)? {
            Err(()) => return Ok(s.to_vec()),
            Ok(true) => return Ok(s[s.len() - i..].to_vec()),
            Ok(false) => {}
        }
    }
    Ok(s.to_vec())
}

/// `path.Match` of the fork: Go's `path.Match`, except that a trailing `*` matches the rest of
/// the name, slashes included. `Err(())` is `ErrBadPattern`. Each call costs the budget the
/// name's length.
fn glob_match(
    pattern: &[u8],
    name: &[u8],
    budget: &mut Budget,
) -> Result<Result<bool, ()>, EvalError> {
    let cost = 1 + (pattern.len() as u64) * (name.len() as u64 + 1);
    if cost > budget.steps {
        return Err(EvalError::Limit);
    }
    budget.steps -= cost;
    Ok(path_match(pattern, name))
}

fn path_match(mut pattern: &[u8], mut name: &[u8]) -> Result<bool, ()> {
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(true);
        }
        let (t, ok, err) = match_chunk(chunk, name);
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if err {
            return Err(());
        }
        if star {
            for i in 0..name.len() {
                let (t, ok, err) = match_chunk(chunk, &name[i + 1..]);
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                if err {
                    return Err(());
                }
            }
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while pattern.first() == Some(&b'*') {
        pattern = &pattern[1..];
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// `matchChunk`: `(rest, ok, bad pattern)`.
fn match_chunk<'n>(mut chunk: &[u8], mut s: &'n [u8]) -> (&'n [u8], bool, bool) {
    while !chunk.is_empty() {
        if s.is_empty() {
            return (s, false, false);
        }
        match chunk[0] {
            b'[' => {
                let Some((r, n)) = decode(s) else { return (s, false, false) };
                s = &s[n..];
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.first() == Some(&b'^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let Some((lo, rest)) = get_esc(chunk) else { return (s, false, true) };
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&b'-') {
                        let Some((h, rest)) = get_esc(&chunk[1..]) else {
                            return (s, false, true);
                        };
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    return (s, false, false);
                }
            }
            b'?' => {
                let width = decode(s).map_or(1, |(_, w)| w);
                s = &s[width..];
                chunk = &chunk[1..];
            }
            first => {
                let mut c = first;
                if first == b'\\' {
                    chunk = &chunk[1..];
                    let Some(&escaped) = chunk.first() else { return (s, false, true) };
                    c = escaped;
                }
                if c != s[0] {
                    return (s, false, false);
                }
                s = &s[1..];
                chunk = &chunk[1..];
            }
        }
    }
    (s, true, false)
}

/// `getEsc`: one (possibly escaped) rune of a character class; `None` is `ErrBadPattern`
/// (including upstream's check that something follows it).
fn get_esc(mut chunk: &[u8]) -> Option<(char, &[u8])> {
    if chunk.is_empty() || chunk[0] == b'-' || chunk[0] == b']' {
        return None;
    }
    if chunk[0] == b'\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return None;
        }
    }
    let (r, n) = decode(chunk)?;
    if r == char::REPLACEMENT_CHARACTER && n == 1 && chunk[0] != 0xef {
        return None;
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return None;
    }
    Some((r, rest))
}

// --- The scanner (envsubst/parse/scan.go) ---

const EOF: char = '\0';

const SCAN_IDENT: u8 = 1;
const SCAN_LBRACK: u8 = 2;
const SCAN_RBRACK: u8 = 4;
const SCAN_ESCAPE: u8 = 8;

const ESCAPE_DOLLAR: u8 = 1;
const ESCAPE_ALL: u8 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Illegal,
    Eof,
    Ident,
    Lbrack,
    Rbrack,
}

/// Which runes a token may hold (upstream's `accept*` functions); `i` is the byte length of
/// the token with the rune.
#[derive(Debug, Clone, Copy)]
enum Accept {
    Rune,
    Ident,
    Colon,
    OneHash,
    NotClosing,
    HashFunc,
    PercentFunc,
    DefaultFunc,
    ReplaceFunc,
    OneEqual,
    OneColon,
    RejectColonClose,
    Slash,
    NotSlash,
    CasingFunc,
}

impl Accept {
    fn accepts(self, r: char, i: usize) -> bool {
        match self {
            Accept::Rune => true,
            // Go's unicode.IsLetter / IsDigit; non-ASCII runes are flagged by the scanner.
            Accept::Ident => r.is_alphanumeric() || r == '_',
            Accept::Colon => r == ':',
            Accept::OneHash => r == '#' && i == 1,
            Accept::NotClosing => r != '}',
            Accept::HashFunc => r == '#' && i < 3,
            Accept::PercentFunc => r == '%' && i < 3,
            Accept::DefaultFunc => {
                (i == 1 && r == ':') || (i == 2 && matches!(r, '=' | '-' | '?' | '+'))
            }
            Accept::ReplaceFunc => (i == 1 && r == '/') || (i == 2 && matches!(r, '/' | '#' | '%')),
            Accept::OneEqual => i == 1 && r == '=',
            Accept::OneColon => i == 1 && r == ':',
            Accept::RejectColonClose => r != ':' && r != '}',
            Accept::Slash => r == '/',
            Accept::NotSlash => r != '/',
            Accept::CasingFunc => (r == ',' || r == '^') && i < 3,
        }
    }
}

/// Upstream's scanner over a buffer it edits in place. The buffer up to the read position is
/// `done` (with each byte's offset in the original text); the rest is always the original
/// text from `rest` on, because upstream only ever deletes the byte just before its position.
struct Scanner<'a> {
    src: &'a [u8],
    rest: usize,
    done: Vec<u8>,
    offsets: Vec<usize>,
    start: usize,
    width: usize,
    mode: u8,
    escape: u8,
    accept: Accept,
    /// Where a variable name first took a non-ASCII rune.
    non_ascii_name: Option<usize>,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            src: text.as_bytes(),
            rest: 0,
            done: Vec::new(),
            offsets: Vec::new(),
            start: 0,
            width: 0,
            mode: 0,
            escape: 0,
            accept: Accept::Rune,
            non_ascii_name: None,
        }
    }

    /// The original offset of the read position.
    fn offset(&self) -> usize {
        self.rest
    }

    fn read(&mut self) -> char {
        let Some((r, width)) = decode(&self.src[self.rest..]) else {
            self.width = 0;
            return EOF;
        };
        self.done.extend_from_slice(&self.src[self.rest..self.rest + width]);
        self.offsets.extend(self.rest..self.rest + width);
        self.rest += width;
        self.width = width;
        r
    }

    fn unread(&mut self) {
        let keep = self.done.len().saturating_sub(self.width);
        if let Some(&first) = self.offsets.get(keep) {
            self.rest = first;
        }
        self.done.truncate(keep);
        self.offsets.truncate(keep);
    }

    /// Deletes the byte before the position; the byte after it moves in (always one byte: an
    /// escaped `$`, `/` or `\`).
    fn skip(&mut self) {
        self.done.pop();
        self.offsets.pop();
        if let Some(&b) = self.src.get(self.rest) {
            self.done.push(b);
            self.offsets.push(self.rest);
            self.rest += 1;
        }
    }

    fn peek(&mut self) -> char {
        let r = self.read();
        self.unread();
        r
    }

    fn string(&self) -> String {
        String::from_utf8_lossy(&self.done[self.start..]).into_owned()
    }

    fn string_bytes(&self) -> Vec<u8> {
        self.done[self.start..].to_vec()
    }

    fn scan(&mut self) -> Token {
        // What came before the token is never looked at again.
        if self.done.len() > 64 {
            let drop = self.done.len() - 8;
            self.done.drain(..drop);
            self.offsets.drain(..drop);
        }
        self.start = self.done.len();
        let r = self.read();
        if r == EOF {
            return Token::Eof;
        }
        if self.scan_lbrack(r) {
            return Token::Lbrack;
        }
        if self.scan_rbrack(r) {
            return Token::Rbrack;
        }
        if self.scan_ident(r) {
            return Token::Ident;
        }
        Token::Illegal
    }

    fn len(&self) -> usize {
        self.done.len() - self.start
    }

    fn accepts(&mut self, r: char) -> bool {
        let ok = self.accept.accepts(r, self.len());
        if ok && !r.is_ascii() && matches!(self.accept, Accept::Ident) {
            self.non_ascii_name.get_or_insert(self.rest - r.len_utf8());
        }
        ok
    }

    fn scan_ident(&mut self, r: char) -> bool {
        if self.mode & SCAN_IDENT == 0 {
            return false;
        }
        if self.scan_escaped(r) {
            self.skip();
        } else if !self.accepts(r) {
            return false;
        }
        loop {
            let r = self.read();
            if r == EOF {
                self.unread();
                break;
            }
            if self.scan_lbrack(r) {
                self.unread();
                self.unread();
                break;
            }
            if self.scan_escaped(r) {
                self.skip();
                continue;
            }
            if !self.accepts(r) {
                self.unread();
                break;
            }
        }
        true
    }

    fn scan_lbrack(&mut self, r: char) -> bool {
        if self.mode & SCAN_LBRACK == 0 {
            return false;
        }
        if r == '$' {
            if self.read() == '{' {
                return true;
            }
            self.unread();
        }
        false
    }

    fn scan_rbrack(&self, r: char) -> bool {
        self.mode & SCAN_RBRACK != 0 && r == '}'
    }

    fn scan_escaped(&mut self, r: char) -> bool {
        if self.mode & SCAN_ESCAPE == 0 {
            return false;
        }
        if r == '$' && self.escape & ESCAPE_DOLLAR != 0 && self.peek() == '$' {
            return true;
        }
        if r == '\\' && self.escape & (ESCAPE_ALL & !ESCAPE_DOLLAR) != 0 {
            return matches!(self.peek(), '/' | '\\');
        }
        false
    }
}

// --- The parser (envsubst/parse/parse.go) ---

struct Parser<'a> {
    s: Scanner<'a>,
    /// Offsets of the `$` of each `${` being read, outermost first.
    open: Vec<usize>,
}

impl Parser<'_> {
    fn error(&self, message: &'static str) -> ParseError {
        ParseError {
            message,
            at: self.open.last().copied().unwrap_or(self.s.offset()),
            kind: Problem::Syntax,
        }
    }

    fn parse_any(&mut self) -> Result<Vec<Piece>, ParseError> {
        let mut pieces = Vec::new();
        loop {
            self.s.accept = Accept::Rune;
            self.s.mode = SCAN_IDENT | SCAN_LBRACK | SCAN_ESCAPE;
            self.s.escape = ESCAPE_DOLLAR;
            match self.s.scan() {
                Token::Ident => pieces.push(Piece::Text(self.s.string_bytes())),
                Token::Eof => return Ok(pieces),
                Token::Lbrack => {
                    let func = self.parse_func()?;
                    pieces.push(Piece::Func(func));
                }
                _ => return Err(self.error(BAD_SUBSTITUTION)),
            }
        }
    }

    /// After a `${` token.
    fn parse_func(&mut self) -> Result<Func, ParseError> {
        let start = self.s.offsets.get(self.s.start).copied().unwrap_or(self.s.offset());
        if self.open.len() >= MAX_DEPTH {
            return Err(ParseError { message: TOO_DEEP, at: start, kind: Problem::TooDeep });
        }
        self.open.push(start);
        let func = self.parse_func_body();
        self.open.pop();
        let mut func = func?;
        func.span = Span::new(start, self.s.offset());
        Ok(func)
    }

    fn parse_func_body(&mut self) -> Result<Func, ParseError> {
        self.s.escape = ESCAPE_ALL;
        if self.s.peek() == '#' {
            return self.parse_len_func();
        }
        self.s.accept = Accept::Ident;
        self.s.mode = SCAN_IDENT;
        let name = match self.s.scan() {
            Token::Ident => self.s.string(),
            _ => return Err(self.error(PARSE_VARIABLE_NAME)),
        };
        match self.s.peek() {
            ':' => return self.parse_default_or_substr(name),
            '=' => return self.parse_default_func(name),
            ',' | '^' => return self.parse_casing_func(name),
            '/' => return self.parse_replace_func(name),
            '#' => return self.parse_remove_func(name, Accept::HashFunc),
            '%' => return self.parse_remove_func(name, Accept::PercentFunc),
            _ => {}
        }
        self.s.accept = Accept::Ident;
        self.s.mode = SCAN_RBRACK;
        match self.s.scan() {
            Token::Rbrack => Ok(func(String::new(), name)),
            _ => Err(self.error(MISSING_CLOSING_BRACE)),
        }
    }

    fn parse_param(&mut self, accept: Accept, mode: u8) -> Result<Vec<Piece>, ParseError> {
        self.s.accept = accept;
        self.s.mode = mode | SCAN_LBRACK;
        match self.s.scan() {
            Token::Lbrack => Ok(vec![Piece::Func(self.parse_func()?)]),
            Token::Ident | Token::Rbrack => Ok(vec![Piece::Text(self.s.string_bytes())]),
            _ => Err(self.error(PARSE_FUNC_SUBSTITUTION)),
        }
    }

    fn parse_default_or_substr(&mut self, name: String) -> Result<Func, ParseError> {
        self.s.read();
        let r = self.s.peek();
        // Upstream unreads with the width of the rune it peeked: for a multi-byte rune it
        // steps back into the name, whose last rune is never `:`, so the substring function
        // that follows always fails with "bad substitution".
        if r.len_utf8() > 1 && r != EOF {
            return Err(self.error(BAD_SUBSTITUTION));
        }
        self.s.unread();
        match r {
            '=' | '-' | '?' | '+' => self.parse_default_func(name),
            _ => self.parse_substr_func(name),
        }
    }

    fn parse_substr_func(&mut self, name: String) -> Result<Func, ParseError> {
        let mut node = func(String::new(), name);
        self.s.accept = Accept::OneColon;
        self.s.mode = SCAN_IDENT;
        match self.s.scan() {
            Token::Ident => node.name = self.s.string(),
            _ => return Err(self.error(BAD_SUBSTITUTION)),
        }
        let first = self.parse_param(Accept::RejectColonClose, SCAN_IDENT)?;
        node.args.push(first);
        self.s.accept = Accept::Colon;
        self.s.mode = SCAN_IDENT | SCAN_RBRACK;
        match self.s.scan() {
            Token::Rbrack => return Ok(node),
            Token::Ident => {}
            _ => return Err(self.error(BAD_SUBSTITUTION)),
        }
        let second = self.parse_param(Accept::NotClosing, SCAN_IDENT)?;
        node.args.push(second);
        self.consume_rbrack()?;
        Ok(node)
    }

    fn parse_remove_func(&mut self, name: String, accept: Accept) -> Result<Func, ParseError> {
        let mut node = func(String::new(), name);
        self.s.accept = accept;
        self.s.mode = SCAN_IDENT;
        match self.s.scan() {
            Token::Ident => node.name = self.s.string(),
            _ => return Err(self.error(BAD_SUBSTITUTION)),
        }
        let arg = self.parse_param(Accept::NotClosing, SCAN_IDENT)?;
        node.args.push(arg);
        self.consume_rbrack()?;
        Ok(node)
    }

    fn parse_replace_func(&mut self, name: String) -> Result<Func, ParseError> {
        let mut node = func(String::new(), name);
        self.s.accept = Accept::ReplaceFunc;
        self.s.mode = SCAN_IDENT;
        match self.s.scan() {
            Token::Ident => node.name = self.s.string(),
            _ => return Err(self.error(BAD_SUBSTITUTION)),
        }
        let first = self.parse_param(Accept::NotSlash, SCAN_IDENT | SCAN_ESCAPE)?;
        node.args.push(first);
        self.s.accept = Accept::Slash;
        self.s.mode = SCAN_IDENT;
        if self.s.scan() != Token::Ident {
            return Err(self.error(BAD_SUBSTITUTION));
        }
        if self.s.peek() == '}' {
            self.consume_rbrack()?;
            return Ok(node);
        }
        let second = self.parse_param(Accept::NotClosing, SCAN_IDENT | SCAN_ESCAPE)?;
        node.args.push(second);
        self.consume_rbrack()?;
        Ok(node)
    }

    fn parse_default_func(&mut self, name: String) -> Result<Func, ParseError> {
        let mut node = func(String::new(), name);
        self.s.accept = if self.s.peek() == '=' { Accept::OneEqual } else { Accept::DefaultFunc };
        self.s.mode = SCAN_IDENT;
        match self.s.scan() {
            Token::Ident => node.name = self.s.string(),
            _ => return Err(self.error(PARSE_DEFAULT_FUNCTION)),
        }
        loop {
            if self.s.peek() == '}' {
                self.consume_rbrack()?;
                return Ok(node);
            }
            let arg = self.parse_param(Accept::NotClosing, SCAN_IDENT)?;
            node.args.push(arg);
        }
    }

    fn parse_casing_func(&mut self, name: String) -> Result<Func, ParseError> {
        let mut node = func(String::new(), name);
        self.s.accept = Accept::CasingFunc;
        self.s.mode = SCAN_IDENT;
        match self.s.scan() {
            Token::Ident => node.name = self.s.string(),
            _ => return Err(self.error(BAD_SUBSTITUTION)),
        }
        self.consume_rbrack()?;
        Ok(node)
    }

    fn parse_len_func(&mut self) -> Result<Func, ParseError> {
        let mut node = func(String::new(), String::new());
        self.s.accept = Accept::OneHash;
        self.s.mode = SCAN_IDENT;
        match self.s.scan() {
            Token::Ident => node.name = self.s.string(),
            _ => return Err(self.error(BAD_SUBSTITUTION)),
        }
        self.s.accept = Accept::Ident;
        self.s.mode = SCAN_IDENT;
        match self.s.scan() {
            Token::Ident => node.param = self.s.string(),
            _ => return Err(self.error(BAD_SUBSTITUTION)),
        }
        self.consume_rbrack()?;
        Ok(node)
    }

    fn consume_rbrack(&mut self) -> Result<(), ParseError> {
        self.s.mode = SCAN_RBRACK;
        if self.s.scan() == Token::Rbrack { Ok(()) } else { Err(self.error(BAD_SUBSTITUTION)) }
    }
}

fn func(name: String, param: String) -> Func {
    Func { name, param, args: Vec::new(), span: Span::empty(0) }
}

#[cfg(test)]
mod tests;
