//! The one path-glob matcher: `spec.apps` globs and CODEOWNERS patterns both compile to it.
//!
//! A pattern is a list of segments, each `**` (any number of whole path segments) or a glob
//! of one segment (`*`, `?`, literal characters and, for `spec.apps`, `[...]` classes). The two
//! syntaxes differ in how text becomes segments (CODEOWNERS has escapes, anchoring and
//! directory rules; see [`crate::gates::codeowners`]), not in how segments match, so they
//! share this matcher.
//!
//! Matching never backtracks over segments: [`Glob::match_ends`] fills one row of booleans per
//! pattern segment ("the pattern so far matches the first `k` path segments"), so any number of
//! `**` costs at most (pattern segments + 1) × (path segments + 1) cells. Within a segment,
//! [`segment_matches`] is the greedy matcher with one backtrack point (the last `*`), quadratic
//! at worst in the segment's length. Both spend steps on a [`Meter`], so tests bound the work
//! by counting instead of timing, and a meter's limit stops a match (answering "no match").
//!
//! Hand-written rather than a crate: `globset` costs ~180 KB of wasm, and neither it nor
//! `wildmatch` has CODEOWNERS' directory rules or a step counter.

use crate::work::Meter;

/// A compiled glob over `/`-separated paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    segments: Vec<Segment>,
    /// Whether a `**` that ends the pattern must take at least one segment (CODEOWNERS' `a/**`
    /// is what is inside `a`, not `a` itself; a `spec.apps` `apps/**` also matches `apps`).
    trailing_any_takes_one: bool,
}

/// One segment of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// `**`: any number of whole segments.
    Any,
    /// A glob of one path segment.
    Pieces(Vec<Piece>),
}

/// One element of a segment glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Char(char),
    /// `?`: one character.
    One,
    /// `*`: any run of characters (consecutive stars are compiled to one).
    Many,
    /// `[...]`: one character in (or, negated, not in) the ranges.
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
    /// An unclosed `[`: matches no character.
    Never,
}

impl Glob {
    /// Compiles a `spec.apps` glob: `*` and `?` within a segment, `**` across segments,
    /// `[abc]`, `[a-z]` and negated `[!x]`/`[^x]` classes. Leading, trailing and doubled `/` and
    /// `.` segments are ignored; there are no escapes.
    #[must_use]
    pub fn apps(pattern: &str) -> Glob {
        let segments = pattern
            .split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .map(|s| if s == "**" { Segment::Any } else { Segment::Pieces(apps_pieces(s)) })
            .collect();
        Glob { segments, trailing_any_takes_one: false }
    }

    /// A glob from compiled segments (for syntaxes other than `spec.apps`).
    #[must_use]
    pub fn from_segments(segments: Vec<Segment>, trailing_any_takes_one: bool) -> Glob {
        let segments = segments
            .into_iter()
            .map(|s| match s {
                Segment::Pieces(pieces) => Segment::Pieces(collapse_stars(pieces)),
                any @ Segment::Any => any,
            })
            .collect();
        Glob { segments, trailing_any_takes_one }
    }

    #[must_use]
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Whether the whole of `path` matches.
    #[must_use]
    pub fn matches(&self, path: &str, meter: &mut Meter) -> bool {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.match_ends(&segments, meter).last().copied().unwrap_or(false)
    }

    /// `ends[k]`: whether the pattern matches the first `k` of `path`'s segments (so
    /// `ends[path.len()]` is a whole match). All false once the meter's limit is passed.
    #[must_use]
    pub fn match_ends(&self, path: &[&str], meter: &mut Meter) -> Vec<bool> {
        let mut row = vec![false; path.len() + 1];
        row[0] = true;
        let last = self.segments.len().saturating_sub(1);
        for (index, segment) in self.segments.iter().enumerate() {
            let mut next = vec![false; path.len() + 1];
            if !meter.spend(path.len() as u64 + 1) {
                return next;
            }
            match segment {
                Segment::Any => {
                    let zero_ok = !(self.trailing_any_takes_one && index == last);
                    let mut reachable = false;
                    for k in 0..=path.len() {
                        next[k] = reachable || (zero_ok && row[k]);
                        reachable |= row[k];
                    }
                }
                Segment::Pieces(pieces) => {
                    for k in 0..path.len() {
                        next[k + 1] = row[k] && segment_matches(pieces, path[k], meter);
                    }
                }
            }
            if !next.contains(&true) {
                return next;
            }
            row = next;
        }
        row
    }
}

/// Whether one path segment matches a segment glob. Greedy, with a single backtrack point
/// (the last `*` seen): a later `*` makes earlier choices final, so the cost is at most the
/// product of the two lengths. Spends one step per character comparison. ASCII text (paths
/// nearly always are) is matched on its bytes, without collecting its characters.
#[must_use]
pub fn segment_matches(pieces: &[Piece], text: &str, meter: &mut Meter) -> bool {
    if text.is_ascii() {
        return matches_units(pieces, text.as_bytes(), |b| char::from(*b), meter);
    }
    let chars: Vec<char> = text.chars().collect();
    matches_units(pieces, &chars, |c| *c, meter)
}

fn matches_units<T>(
    pieces: &[Piece],
    text: &[T],
    at: impl Fn(&T) -> char,
    meter: &mut Meter,
) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if !meter.spend(1) {
            return false;
        }
        let c = at(&text[t]);
        let advanced = match pieces.get(p) {
            Some(Piece::Many) => {
                star = Some((p, t));
                p += 1;
                continue;
            }
            Some(Piece::One) => true,
            Some(Piece::Char(want)) => *want == c,
            Some(Piece::Class { negated, ranges }) => {
                ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != *negated
            }
            Some(Piece::Never) | None => false,
        };
        if advanced {
            p += 1;
            t += 1;
            continue;
        }
        match star {
            Some((sp, st)) => {
                p = sp + 1;
                t = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    pieces[p..].iter().all(|piece| *piece == Piece::Many)
}

fn collapse_stars(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        if piece == Piece::Many && out.last() == Some(&Piece::Many) {
            continue;
        }
        out.push(piece);
    }
    out
}

/// One `spec.apps` segment: `*`, `?`, `[...]`, everything else literal.
fn apps_pieces(segment: &str) -> Vec<Piece> {
    compile(segment, Escapes::None, class, true).unwrap_or_default()
}

/// How a glob syntax reads `\`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escapes {
    /// `\` is a literal character.
    None,
    /// `\` makes the next character literal; a trailing `\` is itself (git's wildmatch).
    Lenient,
    /// `\` makes the next character literal; a trailing `\` is malformed (Go's `path.Match`).
    Strict,
}

/// Compiles glob text to pieces: `*` (runs of stars are one), `?`, `\` as `escapes` says, a
/// class read by `class` (given the index of its `[`, it returns the piece and the index after
/// its `]`, or `None` when malformed), everything else literal. A malformed class matches
/// nothing when `bad_class_matches_nothing`, else the whole pattern is malformed (`None`).
/// The glob syntaxes differ only in escapes and classes, so they all compile here.
pub fn compile(
    pattern: &str,
    escapes: Escapes,
    class: impl Fn(&[char], usize) -> Option<(Piece, usize)>,
    bad_class_matches_nothing: bool,
) -> Option<Vec<Piece>> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '*' => {
                if pieces.last() != Some(&Piece::Many) {
                    pieces.push(Piece::Many);
                }
                i += 1;
            }
            '?' => {
                pieces.push(Piece::One);
                i += 1;
            }
            '\\' if escapes != Escapes::None => match chars.get(i + 1) {
                Some(&c) => {
                    pieces.push(Piece::Char(c));
                    i += 2;
                }
                None if escapes == Escapes::Strict => return None,
                None => {
                    pieces.push(Piece::Char('\\'));
                    i += 1;
                }
            },
            '[' => match class(&chars, i) {
                Some((piece, next)) => {
                    pieces.push(piece);
                    i = next;
                }
                None if bad_class_matches_nothing => {
                    pieces.push(Piece::Never);
                    i += 1;
                }
                None => return None,
            },
            c => {
                pieces.push(Piece::Char(c));
                i += 1;
            }
        }
    }
    Some(pieces)
}

/// The class opening at `chars[start]` and the index after it, or `None` when it is not
/// closed. A `]` right after `[` (or `[!`) is a member; `a-z` is a range unless the `-` is
/// last.
fn class(chars: &[char], start: usize) -> Option<(Piece, usize)> {
    let mut i = start + 1;
    let negated = matches!(chars.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let first = i;
    let mut ranges = Vec::new();
    while i < chars.len() && (chars[i] != ']' || i == first) {
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&e| e != ']') {
            ranges.push((chars[i], chars[i + 2]));
            i += 3;
        } else {
            ranges.push((chars[i], chars[i]));
            i += 1;
        }
    }
    (i < chars.len()).then_some((Piece::Class { negated, ranges }, i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apps(pattern: &str, path: &str) -> bool {
        Glob::apps(pattern).matches(path, &mut Meter::new())
    }

    #[test]
    fn apps_globs() {
        let cases: &[(&str, &str, bool)] = &[
            ("apps/*", "apps/payment-service", true),
            ("apps/*", "apps/payment-service/base", false),
            ("apps/*", "apps", false),
            ("apps/**", "apps/a/b", true),
            ("apps/**", "apps", true),
            ("**/apps/*", "teams/x/apps/web", true),
            ("**/apps/*", "apps/web", true),
            ("teams/*/apps/*", "teams/a/apps/web", true),
            ("teams/*/apps/*", "teams/a/b/apps/web", false),
            ("apps/pay*", "apps/payment", true),
            ("apps/pay*", "apps/web", false),
            ("apps/?eb", "apps/web", true),
            ("apps/?eb", "apps/eb", false),
            ("apps/[a-w]eb", "apps/web", true),
            ("apps/[!w]eb", "apps/web", false),
            ("apps/[^w]eb", "apps/deb", true),
            ("apps/[]]x", "apps/]x", true),
            ("apps/[a-]", "apps/-", true),
            ("apps/[ab", "apps/[ab", false),
            ("apps/x[ab", "apps/xa", false),
            ("./apps/*/", "apps/web", true),
            ("apps//*", "apps/web", true),
            ("apps/./*", "apps/web", true),
            ("apps\\*", "apps\\x", true),
            ("a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
            ("", "", true),
            ("**", "", true),
        ];
        for &(pattern, path, expected) in cases {
            assert_eq!(apps(pattern, path), expected, "{pattern} vs {path}");
        }
    }

    #[test]
    fn segment_globs() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "", true),
            ("*", "abc", true),
            ("a*", "a", true),
            ("a*c", "abbbc", true),
            ("a*c", "abbbd", false),
            ("*a*a*a", "aaaa", true),
            ("*a*a*a", "aa", false),
            ("?", "é", true),
            ("??", "é", false),
            ("ab", "abc", false),
            ("a**b", "ab", true),
        ];
        for &(pattern, text, expected) in cases {
            let pieces = apps_pieces(pattern);
            assert_eq!(segment_matches(&pieces, text, &mut Meter::new()), expected, "{pattern}");
        }
    }

    /// The issue-14 case: `**/**/…(12×)/zz` against a deep tree took 90 s with the old
    /// recursive matcher (each `**` tried every split). Here the work is counted: it must stay
    /// within the (pattern segments + 1) × (path segments + 1) table, plus one comparison per
    /// character of each segment tried.
    #[test]
    fn repeated_double_stars_cost_a_table_not_an_exponential() {
        let pattern = format!("{}zz", "**/".repeat(12));
        let glob = Glob::apps(&pattern);
        for depth in [10_usize, 40, 160] {
            let path = vec!["dir"; depth].join("/");
            let mut meter = Meter::new();
            assert!(!glob.matches(&path, &mut meter));
            let cells = (13 + 1) * (depth as u64 + 1);
            let chars = 4 * (depth as u64 + 1);
            assert!(meter.spent() <= cells + chars, "depth {depth}: {} steps", meter.spent());
            assert!(glob.matches(&format!("{path}/zz"), &mut Meter::new()));
        }
        let hostile = Glob::apps(&format!("{}b", "*a".repeat(100)));
        let mut meter = Meter::new();
        assert!(!hostile.matches(&"a".repeat(2000), &mut meter));
        assert!(meter.spent() <= 201 * 2001, "{} steps", meter.spent());
    }

    #[test]
    fn a_limit_stops_matching() {
        let glob = Glob::apps(&format!("{}zz", "**/".repeat(12)));
        let path = vec!["dir"; 100].join("/") + "/zz";
        let mut meter = Meter::with_limit(50);
        assert!(!glob.matches(&path, &mut meter));
        assert!(meter.exhausted());
    }
}
