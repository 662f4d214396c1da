//! Go regular expressions (RE2 syntax, Go's `regexp` package) evaluated with `regex-lite`.
//!
//! `filterTags.pattern` and `exclusionList` are compiled by Go's `regexp.Compile`. Both Go and
//! regex-lite match leftmost-first with the same capture semantics, so for the patterns they
//! both accept the answers agree; regex-lite costs ~30 KB of WebAssembly where the full
//! `regex` crate costs ~280 KB. Their syntaxes differ at the edges, so every pattern is first
//! checked here against Go's parser rules (`regexp/syntax`):
//! - Go rejects, regex-lite would accept: `(?x)` and other flags than `imsU`, group names with
//!   characters other than letters, digits and `_`, repeat counts above 1000 (also nested:
//!   `(a{100}){100}`), a repetition of a repetition (`a**`, `a{2}{3}`). These are reported as
//!   invalid (`F004`), as Flux would stall the policy.
//! - Go accepts, regex-lite rejects or reads otherwise: `\Q…\E`, Unicode classes `\pL`,
//!   octal escapes `\12`, `[` and `&&`/`--`/`~~` inside a class (literal in Go, set syntax in
//!   regex-lite), `{` that does not start a repetition (literal in Go), group names starting
//!   with a digit, duplicate group names, and case-insensitive matching of non-ASCII letters
//!   (Go folds `ſ` to `s`, regex-lite only ASCII). These are reported as unsupported
//!   (`F005`) instead of giving an answer that might differ.
//!
//! Matching: a pattern in the subset of `backtrack.rs` (the usual tag filters) runs on
//! that bounded backtracker, faster than regex-lite's `PikeVM` on short texts;
//! any other pattern, or a text too long for the backtracker's bitset, runs on regex-lite.
//! Both give Go's leftmost-first match and captures (checked against each other by a
//! differential test), with one known exception: regex-lite's `\s` also matches `\v`, Go's
//! does not (`perl_groups.go`); the backtracker follows Go, so only a pattern outside the
//! subset or a text of several KB can still see regex-lite's reading (OCI tags cannot hold
//! `\v`). Two shortcuts come first: a literal prefix that every match of an
//! anchored pattern starts with, and patterns of the form `^.*LITERAL$`.
//!
//! `expand` is Go's `Regexp.ExpandString` (the `extract` template).

use std::borrow::Cow;

use regex_lite::Regex;

use super::backtrack::{Cache, Program};

/// A compiled Go regular expression.
#[derive(Debug, Clone)]
pub struct GoRegex {
    regex: Regex,
    /// The same pattern for the backtracker, when it is in its subset.
    program: Option<Program>,
    /// A literal every match must start the text with (`^main-…`), checked before the
    /// regex: regex-lite has no literal optimizations and registries hold 100,000 tags.
    prefix: Option<String>,
    /// The pattern is exactly `^.*LITERAL$` (Flux's default exclusion `^.*\.sig$`): a match is
    /// a text that ends with the literal and has no line break.
    suffix_only: Option<String>,
    /// The name of each group (`None` for unnamed ones and group 0), read once.
    names: Vec<Option<String>>,
}

/// The positions of a match's groups, reused from one text to the next.
#[derive(Debug, Clone)]
pub struct Locations {
    /// regex-lite's, made on first use (patterns outside the backtracker's subset).
    lite: Option<regex_lite::CaptureLocations>,
    cache: Cache,
    /// Each group's span in the last match.
    spans: Vec<Option<(usize, usize)>>,
}

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegexProblem {
    /// Go's `regexp.Compile` rejects it (the message names the construct).
    Invalid(String),
    /// Go accepts it but Baton cannot evaluate it the same way.
    Unsupported(String),
}

impl GoRegex {
    /// Checks `pattern` against Go's syntax and compiles it.
    pub fn compile(pattern: &str) -> Result<GoRegex, RegexProblem> {
        check_go_syntax(pattern)?;
        match Regex::new(pattern) {
            Ok(regex) => Ok(GoRegex {
                names: regex.capture_names().map(|n| n.map(str::to_string)).collect(),
                program: Program::new(pattern, regex.captures_len()),
                regex,
                prefix: literal_prefix(pattern),
                suffix_only: suffix_only(pattern),
            }),
            Err(e) => {
                let reason = e.to_string();
                let reason = reason.lines().last().unwrap_or("").trim().to_string();
                Err(RegexProblem::Unsupported(format!(
                    "Baton's regular expression engine cannot read it ({reason})"
                )))
            }
        }
    }

    /// Whether the pattern matches anywhere in `text` (Go's `MatchString`).
    #[must_use]
    pub fn is_match(&self, text: &str) -> bool {
        self.is_match_with(&mut self.locations(), text)
    }

    /// The literal shortcuts' answer, when they have one.
    fn shortcut(&self, text: &str) -> Option<bool> {
        if let Some(suffix) = &self.suffix_only {
            return Some(text.ends_with(suffix.as_str()) && !text.contains('\n'));
        }
        self.prefix.as_ref().is_some_and(|p| !text.starts_with(p.as_str())).then_some(false)
    }

    /// [`GoRegex::is_match`] with the matcher's buffers kept in `locations`.
    #[must_use]
    pub fn is_match_with(&self, locations: &mut Locations, text: &str) -> bool {
        if let Some(answer) = self.shortcut(text) {
            return answer;
        }
        if let Some(found) =
            self.program.as_ref().and_then(|program| program.search(&mut locations.cache, text))
        {
            return found;
        }
        self.regex.is_match(text)
    }

    /// Go's `FindStringSubmatchIndex` followed by `ExpandString(template)`; `None` when the
    /// pattern does not match.
    #[must_use]
    pub fn match_expand(&self, text: &str, template: &str) -> Option<String> {
        self.match_expand_with(&mut self.locations(), text, template).map(Cow::into_owned)
    }

    /// Room for the groups' positions, for [`GoRegex::match_expand_with`].
    #[must_use]
    pub fn locations(&self) -> Locations {
        Locations { lite: None, cache: Cache::default(), spans: Vec::new() }
    }

    /// [`GoRegex::match_expand`] with the positions kept in `locations` (made once for a
    /// list of tags, not once per tag). A template that is one group reference (`$ts`,
    /// `${1}`) borrows the group's text instead of allocating a copy.
    #[must_use]
    pub fn match_expand_with<'t>(
        &self,
        locations: &mut Locations,
        text: &'t str,
        template: &str,
    ) -> Option<Cow<'t, str>> {
        if self.shortcut(text) == Some(false) {
            return None;
        }
        let Locations { lite, cache, spans } = locations;
        spans.clear();
        match self.program.as_ref().and_then(|program| program.search(cache, text)) {
            Some(false) => return None,
            Some(true) => spans.extend((0..cache.groups()).map(|i| cache.group(i))),
            None => {
                let lite = lite.get_or_insert_with(|| self.regex.capture_locations());
                self.regex.captures_read(lite, text)?;
                spans.extend((0..lite.len()).map(|i| lite.get(i)));
            }
        }
        let group = |i: usize| spans.get(i).copied().flatten().and_then(|(s, e)| text.get(s..e));
        Some(expand(template, &group, &self.names))
    }
}

/// Characters that are not literal in a pattern.
const META: &[char] = &['.', '[', ']', '(', ')', '\\', '|', '?', '*', '+', '{', '}', '^', '$'];

/// The literal a pattern anchored with `^` requires at the start of every match: the plain
/// characters after `^`, without the last one when a `?`, `*` or `{` makes it optional.
/// Patterns with `|` or flags get none (an alternative or case folding could escape it).
fn literal_prefix(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    if pattern.contains('|') || pattern.contains("(?") {
        return None;
    }
    let mut literal: String = rest.chars().take_while(|c| !META.contains(c)).collect();
    if rest[literal.len()..].starts_with(['?', '*', '{']) {
        literal.pop();
    }
    (!literal.is_empty()).then_some(literal)
}

/// `LITERAL` when the pattern is exactly `^.*LITERAL$` (with `\.` allowed in the literal).
fn suffix_only(pattern: &str) -> Option<String> {
    let body = pattern.strip_prefix("^.*")?.strip_suffix('$')?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                e @ ('.' | '-' | '_' | '/' | ':' | '@') => out.push(e),
                _ => return None,
            },
            c if META.contains(&c) => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Go's `Regexp.expand`: `$name`, `${name}`, `$1`, `$$`; the name is the longest run of
/// letters, digits and `_`; unknown or unmatched groups expand to nothing; a `$` that starts
/// no valid reference is kept as text.
fn expand<'t>(
    template: &str,
    group: &dyn Fn(usize) -> Option<&'t str>,
    names: &[Option<String>],
) -> Cow<'t, str> {
    let index = |name: &str, number: Option<usize>| {
        // Go: the first group of that name (names are unique here).
        number.or_else(|| names.iter().position(|n| n.as_deref() == Some(name)))
    };
    // One reference and nothing else (`$ts`, `${1}`): the group's text as it is.
    if let Some((name, number, "")) =
        template.strip_prefix('$').filter(|t| !t.starts_with('$')).and_then(reference)
    {
        return Cow::Borrowed(index(name, number).and_then(group).unwrap_or(""));
    }
    let mut out = String::new();
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let Some((name, number, after)) = reference(rest) else {
            out.push('$');
            continue;
        };
        rest = after;
        if let Some(text) = index(name, number).and_then(group) {
            out.push_str(text);
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Go's `extract`: the reference after a `$`: its name, its number when the name is a number
/// without a leading zero (below 10⁸), and the text after it.
fn reference(text: &str) -> Option<(&str, Option<usize>, &str)> {
    let (braced, body) = match text.strip_prefix('{') {
        Some(body) => (true, body),
        None => (false, text),
    };
    // Go: unicode.IsLetter, unicode.IsDigit or `_` (Rust's alphanumeric is slightly wider for
    // a few exotic characters; templates are ASCII in practice).
    let len: usize =
        body.chars().take_while(|c| c.is_alphanumeric() || *c == '_').map(char::len_utf8).sum();
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    let mut after = &body[len..];
    if braced {
        after = after.strip_prefix('}')?;
    }
    let mut number: Option<usize> = Some(0);
    for b in name.bytes() {
        number = match number {
            Some(n) if b.is_ascii_digit() && n < 100_000_000 => {
                Some(n * 10 + usize::from(b - b'0'))
            }
            _ => None,
        };
    }
    if name.len() > 1 && name.starts_with('0') {
        number = None;
    }
    Some((name, number, after))
}

/// The checks described in the module documentation, in one pass over the pattern.
fn check_go_syntax(pattern: &str) -> Result<(), RegexProblem> {
    let invalid = |what: &str| Err(RegexProblem::Invalid(what.to_string()));
    let unsupported = |what: &str| Err(RegexProblem::Unsupported(what.to_string()));
    let chars: Vec<char> = pattern.chars().collect();
    let mut names: Vec<String> = Vec::new();
    // Per open group: the largest repeat product inside it so far.
    let mut groups: Vec<u64> = vec![1];
    // The repeat product of the last atom (a group's inner product, or 1).
    let mut last_atom: u64 = 1;
    let mut after_repeat = false;
    let mut case_insensitive = false;
    let mut non_ascii = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        non_ascii |= !c.is_ascii();
        match c {
            '\\' => {
                let Some(&e) = chars.get(i + 1) else {
                    return invalid("trailing backslash at end of expression");
                };
                match e {
                    'Q' => {
                        return unsupported(
                            "`\\Q…\\E` literal text (write the characters escaped instead)",
                        );
                    }
                    'p' | 'P' => return unsupported("Unicode character classes (`\\p…`)"),
                    '0'..='7'
                        if chars.get(i + 2).is_some_and(|d| ('0'..='7').contains(d))
                            || e == '0' =>
                    {
                        return unsupported("octal escapes (write `\\x..` instead)");
                    }
                    '1'..='9' => return invalid(&format!("invalid escape sequence: `\\{e}`")),
                    _ => {}
                }
                i += 2;
                last_atom = 1;
                after_repeat = false;
                continue;
            }
            '[' => {
                i = check_class(&chars, i)?;
                last_atom = 1;
                after_repeat = false;
                continue;
            }
            '(' => {
                let mut body_start = i + 1;
                if chars.get(i + 1) == Some(&'?') {
                    let rest: String = chars[i + 2..].iter().collect();
                    if let Some(name_and_rest) =
                        rest.strip_prefix("P<").or_else(|| rest.strip_prefix('<'))
                    {
                        let Some(end) = name_and_rest.find('>') else {
                            return invalid(&format!("invalid named capture: `(?{rest}`"));
                        };
                        let name = &name_and_rest[..end];
                        if name.is_empty()
                            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        {
                            return invalid(&format!("invalid named capture: `(?<{name}>`"));
                        }
                        if name.starts_with(|c: char| c.is_ascii_digit()) {
                            return unsupported(&format!(
                                "a group name starting with a digit (`{name}`)"
                            ));
                        }
                        if names.iter().any(|n| n == name) {
                            return unsupported(&format!("two groups named `{name}`"));
                        }
                        names.push(name.to_string());
                        let prefix = if rest.starts_with('P') { 3 } else { 2 };
                        body_start = i + 2 + prefix + name.chars().count();
                    } else {
                        // Flags: `(?flags)` or `(?flags:`.
                        let mut j = i + 2;
                        let mut negated = false;
                        loop {
                            match chars.get(j) {
                                Some('i') => {
                                    case_insensitive |= !negated;
                                }
                                Some('m' | 's' | 'U') => {}
                                Some('-') if !negated => negated = true,
                                Some(':' | ')') => break,
                                _ => {
                                    let text: String =
                                        chars[i..=j.min(chars.len() - 1)].iter().collect();
                                    return invalid(&format!(
                                        "invalid or unsupported Perl syntax: `{text}`"
                                    ));
                                }
                            }
                            j += 1;
                        }
                        if chars.get(j) == Some(&')') {
                            i = j + 1;
                            after_repeat = false;
                            continue;
                        }
                        body_start = j + 1;
                    }
                }
                groups.push(1);
                i = body_start;
                after_repeat = false;
                continue;
            }
            ')' => {
                if groups.len() < 2 {
                    return invalid("unexpected ): `)`");
                }
                let inner = groups.pop().unwrap_or(1);
                last_atom = inner;
                after_repeat = false;
                i += 1;
                continue;
            }
            '*' | '+' | '?' | '{' => {
                let (count, len) = if c == '{' {
                    match repeat_count(&chars[i..]) {
                        Some((count, len)) => {
                            if count > 1000 {
                                let text: String = chars[i..i + len].iter().collect();
                                return invalid(&format!("invalid repeat count: `{text}`"));
                            }
                            (count, len)
                        }
                        None if chars.get(i + 1).is_some_and(char::is_ascii_digit)
                            || chars.get(i + 1) == Some(&',') =>
                        {
                            return unsupported("a `{` that Go reads literally (write `\\{`)");
                        }
                        None => {
                            return unsupported("a `{` that Go reads literally (write `\\{`)");
                        }
                    }
                } else {
                    (u64::from(c == '?'), 1)
                };
                if after_repeat {
                    let text: String = chars[i.saturating_sub(1)..i + len].iter().collect();
                    return invalid(&format!("invalid nested repetition operator: `{text}`"));
                }
                // Go's repeatIsValid: nested counts multiply (max, or min when unbounded).
                if count >= 2 {
                    let product = last_atom.saturating_mul(count);
                    if product > 1000 {
                        let text: String = chars[i..i + len].iter().collect();
                        return invalid(&format!("invalid repeat count: `{text}`"));
                    }
                    if let Some(top) = groups.last_mut() {
                        *top = (*top).max(product);
                    }
                }
                i += len;
                // A lazy marker belongs to the repetition.
                if chars.get(i) == Some(&'?') {
                    i += 1;
                }
                after_repeat = true;
                continue;
            }
            _ => {}
        }
        last_atom = 1;
        after_repeat = false;
        i += 1;
    }
    if groups.len() > 1 {
        return invalid("missing closing ): `(`");
    }
    if case_insensitive && non_ascii {
        return unsupported("case-insensitive matching of non-ASCII characters");
    }
    Ok(())
}

/// A repetition `{n}`, `{n,}` or `{n,m}` at the start of `chars`: the count that bounds it
/// (max, or min when unbounded) and its length; `None` when Go reads the `{` literally.
fn repeat_count(chars: &[char]) -> Option<(u64, usize)> {
    let text: String = chars.iter().take(32).collect();
    let end = text.find('}')?;
    let body = &text[1..end];
    let number = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.len() <= 8 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let count = match body.split_once(',') {
        None => number(body)?,
        Some((min, "")) => number(min)?,
        Some((min, max)) => {
            let (min, max) = (number(min)?, number(max)?);
            if min > max {
                return Some((1001, end + 1));
            }
            min.max(max)
        }
    };
    Some((count, body.chars().count() + 2))
}

/// Checks a bracket class starting at `chars[start] == '['`; returns the index after it.
fn check_class(chars: &[char], start: usize) -> Result<usize, RegexProblem> {
    let mut i = start + 1;
    if chars.get(i) == Some(&'^') {
        i += 1;
    }
    // A `]` first in the class is literal.
    if chars.get(i) == Some(&']') {
        i += 1;
    }
    while let Some(&c) = chars.get(i) {
        match c {
            ']' => return Ok(i + 1),
            '\\' => {
                match chars.get(i + 1) {
                    Some('p' | 'P') => {
                        return Err(RegexProblem::Unsupported(
                            "Unicode character classes (`\\p…`)".into(),
                        ));
                    }
                    Some('Q') => {
                        return Err(RegexProblem::Unsupported("`\\Q…\\E` literal text".into()));
                    }
                    Some(d) if d.is_ascii_digit() => {
                        return Err(RegexProblem::Unsupported(
                            "octal escapes (write `\\x..` instead)".into(),
                        ));
                    }
                    _ => {}
                }
                i += 2;
            }
            '[' if chars.get(i + 1) == Some(&':') => {
                // `[:alpha:]`
                let close = (i + 2..chars.len().saturating_sub(1))
                    .find(|&j| chars[j] == ':' && chars[j + 1] == ']');
                match close {
                    Some(j) => i = j + 2,
                    None => {
                        return Err(RegexProblem::Unsupported(
                            "a `[` inside a class (literal in Go; write `\\[`)".into(),
                        ));
                    }
                }
            }
            '[' => {
                return Err(RegexProblem::Unsupported(
                    "a `[` inside a class (literal in Go; write `\\[`)".into(),
                ));
            }
            '&' | '-' | '~' if chars.get(i + 1) == Some(&c) => {
                return Err(RegexProblem::Unsupported(format!(
                    "`{c}{c}` inside a class (literal in Go, a set operation in Baton's engine)"
                )));
            }
            _ => i += 1,
        }
    }
    Err(RegexProblem::Invalid("missing closing ]".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's answers from `regexp.Compile` (Go 1.19 and the rules of `regexp/syntax` since
    /// Go 1.22 for `(?<name>…)`), observed with the Go toolchain.
    #[test]
    fn go_syntax_is_checked_before_compiling() {
        let cases: &[(&str, &str)] = &[
            ("^v(\\d+)\\.(\\d+)$", "ok"),
            ("(?P<ts>[0-9]+)", "ok"),
            ("(?<ts>[0-9]+)", "ok"),
            ("[[:alpha:]]+", "ok"),
            ("(?i)rc", "ok"),
            ("a+?", "ok"),
            ("x{1000}", "ok"),
            ("[]a]", "ok"),
            ("[^]a]", "ok"),
            ("\\x{41}\\-\\_", "ok"),
            ("a**", "invalid"),
            ("a{2}{3}", "invalid"),
            ("a{1001}", "invalid"),
            ("(a{100}){100}", "invalid"),
            ("(?x)a", "invalid"),
            ("(?R)a", "invalid"),
            ("(?P<a.b>a)", "invalid"),
            ("\\1", "invalid"),
            ("\\8", "invalid"),
            ("(?=a)", "invalid"),
            ("(?!a)", "invalid"),
            ("(?<=a)b", "invalid"),
            ("(a", "invalid"),
            ("a)", "invalid"),
            ("[a", "invalid"),
            ("\\Qa.b\\E", "unsupported"),
            ("\\pL", "unsupported"),
            ("\\12", "unsupported"),
            ("[[]", "unsupported"),
            ("[a&&b]", "unsupported"),
            ("a{,5}", "unsupported"),
            ("(?P<1x>a)", "unsupported"),
            ("(?P<n>a)(?P<n>b)", "unsupported"),
            ("(?i)ſ", "unsupported"),
        ];
        for (pattern, expected) in cases {
            let got = match GoRegex::compile(pattern) {
                Ok(_) => "ok",
                Err(RegexProblem::Invalid(_)) => "invalid",
                Err(RegexProblem::Unsupported(_)) => "unsupported",
            };
            if *expected == "invalid-or-unsupported" {
                assert_ne!(got, "ok", "{pattern}");
            } else {
                assert_eq!(got, *expected, "{pattern}");
            }
        }
        assert_eq!(
            GoRegex::compile("a**").unwrap_err(),
            RegexProblem::Invalid("invalid nested repetition operator: `**`".into())
        );
    }

    #[test]
    fn literal_shortcuts_agree_with_the_regex() {
        assert_eq!(literal_prefix("^main-[a-f0-9]+"), Some("main-".into()));
        assert_eq!(literal_prefix("^main-?x"), Some("main".into()));
        assert_eq!(literal_prefix("^a|b"), None);
        assert_eq!(literal_prefix("(?i)^main"), None);
        assert_eq!(literal_prefix("main"), None);
        assert_eq!(suffix_only("^.*\\.sig$"), Some(".sig".into()));
        assert_eq!(suffix_only("^.*\\.sig"), None);
        assert_eq!(suffix_only("^.*(a|b)$"), None);
        let texts = [
            "main-abc", "mainabc", "x.sig", "a.sig.x", "sig", ".sig", "main-", "Main-1", "a\n.sig",
        ];
        for pattern in ["^main-[a-f0-9]+", "^main-?a", "^.*\\.sig$", "^m(ain)-", "^main-.*$"] {
            let fast = GoRegex::compile(pattern).unwrap();
            let slow = Regex::new(pattern).unwrap();
            for text in texts {
                assert_eq!(fast.is_match(text), slow.is_match(text), "{pattern} on {text:?}");
                assert_eq!(
                    fast.match_expand(text, "$0").is_some(),
                    slow.is_match(text),
                    "{pattern} on {text:?}"
                );
            }
        }
    }

    /// `Regexp.ExpandString`: Go's `regexp` documentation and `exec_test.go` cases for
    /// `Expand` (`$1x` is group "1x", `${1}x`, `$$`, unknown names expand to nothing).
    #[test]
    fn expand_is_go_expand_string() {
        let re = GoRegex::compile("(?P<first>\\w+)-(?P<second>\\w+)").unwrap();
        let cases: &[(&str, &str)] = &[
            ("$1", "a"),
            ("${1}x", "ax"),
            ("$1x", ""),
            ("$first.$second", "a.b"),
            ("${second}$first", "ba"),
            ("$$1", "$1"),
            ("$", "$"),
            ("$ x", "$ x"),
            ("${1", "${1"),
            ("$missing!", "!"),
            ("$3", ""),
            ("$01", ""),
            ("$0", "a-b"),
            ("plain", "plain"),
            ("$second", "b"),
            ("${first}", "a"),
            ("$missing", ""),
            ("${9}", ""),
            ("$$", "$"),
        ];
        for (template, expected) in cases {
            assert_eq!(re.match_expand("a-b", template).as_deref(), Some(*expected), "{template}");
        }
        assert_eq!(re.match_expand("nope", "$1"), None);
        // One reference and nothing else borrows the group's text (no copy per tag).
        let mut locations = re.locations();
        for template in ["$second", "${1}", "$0", "$missing"] {
            let key = re.match_expand_with(&mut locations, "a-b", template);
            assert!(matches!(key, Some(Cow::Borrowed(_))), "{template}: {key:?}");
        }
        let key = re.match_expand_with(&mut locations, "a-b", "$1.");
        assert!(matches!(key, Some(Cow::Owned(_))), "{key:?}");
    }
}
