//! What the git generator asks the repo-server for, answered from the tree.
//!
//! - Directories (`GetGitDirectories`): `filepath.WalkDir` over the checkout, depth first, each
//!   directory's entries in byte order of their names (`apps/web`, `apps/web/canary`,
//!   `apps/web-admin`), hidden directories (a name starting with `.`) skipped with everything
//!   below them, the root left out. A directory is kept when some `directories` item matches
//!   it with Go's `path.Match` (`*` stays within a segment) and no `exclude: true` item does;
//!   a malformed pattern matches nothing.
//! - Files (`GetGitFiles`): `git ls-files --full-name -- <pattern>` per pattern, git's default
//!   pathspec matching: the pattern as a literal path or leading directory, or as a `wildmatch`
//!   pattern without `WM_PATHNAME`, so `*` and `**` cross `/`.
//!
//! Both patterns compile to [`crate::glob`]'s pieces and match with its segment matcher, which
//! spends steps on the work meter.

use crate::glob::{Escapes, Piece, segment_matches};
use crate::tree::FileTree;
use crate::work::Meter;

/// The directories of the tree in `filepath.WalkDir` order, hidden ones skipped. Every
/// directory is the parent of some file; they are gathered from the paths in one pass, then
/// walked depth first with each directory's children in byte order of their names.
pub(crate) fn directories(tree: &FileTree, meter: &mut Meter) -> Vec<String> {
    let mut dirs: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for path in tree.paths() {
        meter.spend(1);
        let mut at = path;
        while let Some(i) = at.rfind('/') {
            at = &at[..i];
            if !dirs.insert(at) {
                break;
            }
        }
    }
    // Children of each directory ("" is the root), sorted by name.
    let mut children: std::collections::BTreeMap<&str, Vec<&str>> =
        std::collections::BTreeMap::new();
    for dir in &dirs {
        let (parent, name) = dir.rsplit_once('/').unwrap_or(("", dir));
        children.entry(parent).or_default().push(name);
    }
    for names in children.values_mut() {
        crate::sort::sort_by(names, |a, b| a.as_bytes().cmp(b.as_bytes()));
    }
    let mut out = Vec::with_capacity(dirs.len());
    let mut stack: Vec<String> = vec![String::new()];
    while let Some(dir) = stack.pop() {
        if let Some(names) = children.get(dir.as_str()) {
            for name in names.iter().rev().filter(|n| !n.starts_with('.')) {
                stack.push(if dir.is_empty() {
                    (*name).to_owned()
                } else {
                    format!("{dir}/{name}")
                });
            }
        }
        if !dir.is_empty() {
            out.push(dir);
        }
    }
    out
}

/// A compiled Go `path.Match` pattern: one glob per `/`-separated segment.
#[derive(Debug, Clone)]
pub(crate) struct GoPattern {
    segments: Vec<Vec<Piece>>,
}

impl GoPattern {
    /// `None` for a pattern Go's `path.Match` reports as `ErrBadPattern`.
    pub fn compile(pattern: &str) -> Option<GoPattern> {
        let segments = pattern.split('/').map(go_segment).collect::<Option<Vec<_>>>()?;
        Some(GoPattern { segments })
    }

    pub fn matches(&self, name: &str, meter: &mut Meter) -> bool {
        name.bytes().filter(|&b| b == b'/').count() + 1 == self.segments.len()
            && self.segments.iter().zip(name.split('/')).all(|(p, s)| segment_matches(p, s, meter))
    }
}

/// One segment of a `path.Match` pattern: `*`, `?`, `[^a-z]` classes, `\` escapes.
fn go_segment(segment: &str) -> Option<Vec<Piece>> {
    crate::glob::compile(segment, Escapes::Strict, go_class, false)
}

/// A `path.Match` class from its `[`: `^` negates, at least one range, every character read by
/// Go's `getEsc`; a range's ends in order.
fn go_class(chars: &[char], start: usize) -> Option<(Piece, usize)> {
    let mut i = start + 1;
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = Vec::new();
    loop {
        if chars.get(i) == Some(&']') && !ranges.is_empty() {
            return Some((Piece::Class { negated, ranges }, i + 1));
        }
        let (lo, next) = go_class_char(chars, i)?;
        let (hi, next) = if chars.get(next) == Some(&'-') {
            go_class_char(chars, next + 1)?
        } else {
            (lo, next)
        };
        if lo > hi {
            return None;
        }
        ranges.push((lo, hi));
        i = next;
    }
}

/// Go's `getEsc`: a class character, `\`-escaped or plain, never a bare `-` or `]`.
fn go_class_char(chars: &[char], i: usize) -> Option<(char, usize)> {
    match chars.get(i)? {
        '-' | ']' => None,
        '\\' => Some((*chars.get(i + 1)?, i + 2)),
        c => Some((*c, i + 1)),
    }
}

/// A git pathspec in git's default (non-`:(glob)`) mode.
#[derive(Debug, Clone)]
pub(crate) struct Pathspec {
    literal: String,
    wildcard: Option<Vec<Piece>>,
}

impl Pathspec {
    pub fn compile(pattern: &str) -> Pathspec {
        let literal = pattern.trim_start_matches("./");
        let literal = if literal == "." { "" } else { literal };
        let wildcard = literal.contains(['*', '?', '[', '\\']).then(|| wildmatch(literal));
        Pathspec { literal: literal.to_owned(), wildcard }
    }

    /// git's `match_pathspec_item`: the pattern names the file or a directory above it, or
    /// matches it as a wildcard.
    pub fn matches(&self, path: &str, meter: &mut Meter) -> bool {
        let lit = self.literal.as_str();
        if lit.is_empty() {
            return true;
        }
        if let Some(rest) = path.strip_prefix(lit)
            && (rest.is_empty() || lit.ends_with('/') || rest.starts_with('/'))
        {
            return true;
        }
        self.wildcard.as_ref().is_some_and(|pieces| segment_matches(pieces, path, meter))
    }
}

/// A `wildmatch` pattern without `WM_PATHNAME`: `*` (and `**`) and `?` match `/` too;
/// classes `[...]` with `!`/`^`, ranges and `[:alpha:]`-style names; `\` escapes. An unclosed
/// class matches nothing.
fn wildmatch(pattern: &str) -> Vec<Piece> {
    crate::glob::compile(
        pattern,
        Escapes::Lenient,
        |chars, start| wild_class(chars, start + 1),
        true,
    )
    .unwrap_or_default()
}

/// A wildmatch class starting after `[`; returns it and the index after its `]`.
fn wild_class(chars: &[char], mut i: usize) -> Option<(Piece, usize)> {
    let negated = matches!(chars.get(i), Some('!' | '^'));
    if negated {
        i += 1;
    }
    let mut ranges: Vec<(char, char)> = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Piece::Class { negated, ranges }, i + 1));
        }
        first = false;
        if c == '[' && chars.get(i + 1) == Some(&':') {
            let rest: String = chars[i + 2..].iter().collect();
            let end = rest.find(":]")?;
            ranges.extend(posix_class(&rest[..end])?);
            i += 2 + rest[..end].chars().count() + 2;
            continue;
        }
        let (lo, next) = if c == '\\' { (*chars.get(i + 1)?, i + 2) } else { (c, i + 1) };
        if chars.get(next) == Some(&'-') && chars.get(next + 1).is_some_and(|&c| c != ']') {
            let hi_at = next + 1;
            let (hi, after) = if chars[hi_at] == '\\' {
                (*chars.get(hi_at + 1)?, hi_at + 2)
            } else {
                (chars[hi_at], hi_at + 1)
            };
            if lo <= hi {
                ranges.push((lo, hi));
            }
            i = after;
        } else {
            ranges.push((lo, lo));
            i = next;
        }
    }
}

fn posix_class(name: &str) -> Option<Vec<(char, char)>> {
    Some(match name {
        "alnum" => vec![('0', '9'), ('A', 'Z'), ('a', 'z')],
        "alpha" => vec![('A', 'Z'), ('a', 'z')],
        "blank" => vec![(' ', ' '), ('\t', '\t')],
        "cntrl" => vec![('\0', '\u{1f}'), ('\u{7f}', '\u{7f}')],
        "digit" => vec![('0', '9')],
        "graph" => vec![('!', '~')],
        "lower" => vec![('a', 'z')],
        "print" => vec![(' ', '~')],
        "punct" => vec![('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "space" => vec![('\t', '\r'), (' ', ' ')],
        "upper" => vec![('A', 'Z')],
        "xdigit" => vec![('0', '9'), ('A', 'F'), ('a', 'f')],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Go's `path.Match` cases (`src/path/match_test.go`, Go 1.26).
    #[test]
    fn go_path_match() {
        let mut meter = Meter::new();
        let cases: &[(&str, &str, Option<bool>)] = &[
            ("abc", "abc", Some(true)),
            ("*", "abc", Some(true)),
            ("*c", "abc", Some(true)),
            ("a*", "a", Some(true)),
            ("a*", "abc", Some(true)),
            ("a*", "ab/c", Some(false)),
            ("a*/b", "abc/b", Some(true)),
            ("a*/b", "a/c/b", Some(false)),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", Some(true)),
            ("ab[c]", "abc", Some(true)),
            ("ab[b-d]", "abc", Some(true)),
            ("ab[e-g]", "abc", Some(false)),
            ("ab[^c]", "abc", Some(false)),
            ("ab[^b-d]", "abc", Some(false)),
            ("ab[^e-g]", "abc", Some(true)),
            ("a\\*b", "a*b", Some(true)),
            ("a\\*b", "ab", Some(false)),
            ("a?b", "a☺b", Some(true)),
            ("a[^a]b", "a☺b", Some(true)),
            ("[a-ζ]*", "α", Some(true)),
            ("*[a-ζ]", "A", Some(false)),
            ("a?b", "a/b", Some(false)),
            ("a*b", "a/b", Some(false)),
            ("[\\]a]", "]", Some(true)),
            ("[\\-]", "-", Some(true)),
            ("[x\\-]", "x", Some(true)),
            ("[]a]", "]", None),
            ("[-]", "-", None),
            ("[x-]", "x", None),
            ("[a-b-c]", "a", None),
            ("[", "a", None),
            ("[^", "a", None),
            ("a[", "a", None),
            ("*x", "xxx", Some(true)),
        ];
        for &(pattern, name, want) in cases {
            let got = GoPattern::compile(pattern).map(|p| p.matches(name, &mut meter));
            assert_eq!(got, want, "path.Match({pattern:?}, {name:?})");
        }
    }

    #[test]
    fn git_pathspecs() {
        let mut meter = Meter::new();
        let cases: &[(&str, &str, bool)] = &[
            ("envs/*/config.json", "envs/eu/config.json", true),
            // Without `:(glob)`, `*` crosses `/` (Argo CD's "old" globbing).
            ("envs/*/config.json", "envs/eu/west/config.json", true),
            ("envs/**/config.json", "envs/config.json", false),
            ("envs", "envs/a/b.json", true),
            ("envs/", "envs/a.json", true),
            ("env", "envs/a.json", false),
            ("cluster-config/**/config.json", "cluster-config/engineering/dev/config.json", true),
            ("*.json", "a/b/c.json", true),
            ("a/[!x]y", "a/zy", true),
            ("a/[[:digit:]]", "a/7", true),
            ("a/[", "a/[", true),
            ("", "anything", true),
            (".", "x/y", true),
        ];
        for &(pattern, path, want) in cases {
            assert_eq!(
                Pathspec::compile(pattern).matches(path, &mut meter),
                want,
                "{pattern} {path}"
            );
        }
    }

    #[test]
    fn directories_in_walk_order_without_hidden_ones() {
        let tree = crate::tree::of(&[
            ("apps/web/canary/k.yaml", ""),
            ("apps/web-admin/k.yaml", ""),
            ("apps/web/k.yaml", ""),
            (".github/workflows/ci.yaml", ""),
            ("apps/.hidden/x/k.yaml", ""),
            ("README.md", ""),
        ]);
        assert_eq!(
            directories(&tree, &mut Meter::new()),
            ["apps", "apps/web", "apps/web/canary", "apps/web-admin"]
        );
    }
}
