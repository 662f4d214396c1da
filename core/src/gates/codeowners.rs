//! GitHub CODEOWNERS: who must approve a change to a path.
//!
//! A promotion gate can require that the owners of every file a promotion touches approve it,
//! exactly as GitHub's branch protection would. So this module follows GitHub's documented
//! behaviour ("About code owners") rather than gitignore's, where the two differ:
//!
//! - The file is the first of `.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS` that exists
//!   ([`locate`]); GitHub ignores a file over 3 MB ([`MAX_BYTES`], diagnostic `G002`).
//! - Each line is `pattern owner...`. Owners are `@login`, `@org/team` or an email address. A
//!   pattern with no owners is valid: it *un-owns* what it matches, which is why
//!   [`CodeOwners::owners_of`] tells "no line matches" (`None`) apart from "the last matching line
//!   has no owners" (`Some(&[])`).
//! - `#` starts a comment at the start of a line or of a token (GitHub's own example has an
//!   inline comment after the owners). Inside a token it is an ordinary character.
//! - GitHub documents three gitignore features as not working: `!` negation, `[ ]` character
//!   ranges, and `\#` to escape a leading `#`. A line using one is reported (`G001`, with the
//!   byte span of the offending token) and skipped, like every other invalid line, which is what
//!   GitHub does ("that line will be skipped"). An invalid owner skips its whole line too: a
//!   line that half-applies would silently hand its paths to fewer people than written. The
//!   rest of the file still applies.
//! - Matching is gitignore-style, as GitHub applies it: a leading `/` anchors to the root; a
//!   pattern with no `/` except a trailing one matches at any depth; a trailing `/` matches only a
//!   directory (and so everything below it); `*` and `?` stay within one path segment; `**`
//!   spans segments (`**/x`, `a/**`, `a/**/b`); a pattern that names a directory covers all of
//!   it. One documented exception to gitignore: `docs/*` matches `docs/a.md` but not
//!   `docs/sub/b.md`, so a pattern whose last segment is a bare `*` matches files only. Paths are
//!   case-sensitive. A backslash escapes the next character (`\ ` for a space in a path).
//! - The LAST matching line wins.
//!
//! Matching compiles each pattern once to the engine's one glob matcher ([`crate::glob`]),
//! which runs a table over (pattern segment, path segment): any number of `**` costs at most
//! the product of the two lengths, counted in steps, with no backtracking blow-up.

use std::collections::BTreeMap;
use std::fmt;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::glob::{Glob, Piece, Segment};
use crate::tree::FileTree;
use crate::work::Meter;

/// Where GitHub looks for the file, in the order it looks.
pub const LOCATIONS: [&str; 3] = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// GitHub does not load a CODEOWNERS file larger than this.
pub const MAX_BYTES: usize = 3 * 1024 * 1024;

/// The CODEOWNERS file GitHub would use: the first of [`LOCATIONS`] present in the tree.
#[must_use]
pub fn locate(tree: &FileTree) -> Option<&'static str> {
    LOCATIONS.into_iter().find(|path| tree.is_file(path))
}

/// One owner named on a line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Owner {
    /// `@login`, kept without the `@`.
    User(String),
    /// `@org/team`, kept as `org/team`.
    Team(String),
    /// An email address of a GitHub account.
    Email(String),
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::User(login) => write!(f, "@{login}"),
            Owner::Team(team) => write!(f, "@{team}"),
            Owner::Email(email) => f.write_str(email),
        }
    }
}

/// One valid line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// 1-based line number.
    pub line: u32,
    /// Byte span of the pattern token in the file.
    pub span: Span,
    /// The pattern as written.
    pub pattern: String,
    /// The owners; empty for a line that un-owns its paths.
    pub owners: Vec<Owner>,
    matcher: Pattern,
}

impl Rule {
    /// Whether this line's pattern matches a repository-relative file path.
    #[must_use]
    pub fn matches(&self, path: &str) -> bool {
        self.matcher.matches(path, &mut Meter::new())
    }

    /// [`Rule::matches`], spending steps on `meter` (no match once its limit is passed).
    #[must_use]
    pub fn matches_metered(&self, path: &str, meter: &mut Meter) -> bool {
        self.matcher.matches(path, meter)
    }
}

/// A parsed CODEOWNERS file: its valid lines, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeOwners {
    rules: Vec<Rule>,
}

impl CodeOwners {
    /// The valid lines, in file order.
    #[must_use]
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The line that decides a path's owners: the last one whose pattern matches.
    #[must_use]
    pub fn rule_for(&self, path: &str) -> Option<&Rule> {
        self.rule_for_metered(path, &mut Meter::new())
    }

    /// [`CodeOwners::rule_for`], spending steps on `meter`.
    #[must_use]
    pub fn rule_for_metered(&self, path: &str, meter: &mut Meter) -> Option<&Rule> {
        self.rules.iter().rev().find(|rule| rule.matches_metered(path, meter))
    }

    /// The owners of a path: `None` when no line matches, `Some(&[])` when the deciding line
    /// names no owners (the path is deliberately unowned).
    #[must_use]
    pub fn owners_of(&self, path: &str) -> Option<&[Owner]> {
        self.rule_for(path).map(|rule| rule.owners.as_slice())
    }
}

/// Parses a CODEOWNERS file. Invalid lines are reported and skipped; the rest apply.
#[must_use]
pub fn parse(path: &str, text: &str) -> (CodeOwners, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    if text.len() > MAX_BYTES {
        let message = format!(
            "CODEOWNERS is {} bytes; GitHub ignores files over {MAX_BYTES} bytes",
            text.len()
        );
        diagnostics.push(Diagnostic::new(Code::CodeOwnersTooLarge, message).in_file(path));
        return (CodeOwners::default(), diagnostics);
    }
    let mut rules = Vec::new();
    let mut start = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        // A byte-order mark is not part of the first pattern.
        let skip =
            if start == 0 { line.len() - line.trim_start_matches('\u{feff}').len() } else { 0 };
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        if let Some(rule) = parse_line(path, &line[skip..], start + skip, number, &mut diagnostics)
        {
            rules.push(rule);
        }
        start += raw.len();
    }
    (CodeOwners { rules }, diagnostics)
}

/// Whether `approver` (a login with or without `@`, or an email) counts as `owner`. Logins and
/// team names compare case-insensitively, as GitHub treats them; so do emails, because GitHub
/// matches account emails that way. `teams` maps `org/team` (with or without `@`) to member
/// logins.
#[must_use]
pub fn is_satisfied_by(
    owner: &Owner,
    approver: &str,
    teams: &BTreeMap<String, Vec<String>>,
) -> bool {
    let approver = approver.trim();
    match owner {
        Owner::User(login) => same_login(login, approver),
        Owner::Team(team) => teams
            .iter()
            .filter(|(name, _)| same_login(team, name))
            .any(|(_, members)| members.iter().any(|member| same_login(member, approver))),
        Owner::Email(email) => !approver.is_empty() && email.eq_ignore_ascii_case(approver),
    }
}

fn same_login(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim().trim_start_matches('@'), b.trim().trim_start_matches('@'));
    !a.is_empty() && a.eq_ignore_ascii_case(b)
}

/// A whitespace-separated token and its byte span in the file.
#[derive(Debug, Clone, Copy)]
struct Token<'t> {
    text: &'t str,
    span: Span,
}

/// Parses one line (without its terminator) starting at byte `offset` of the file.
fn parse_line(
    file: &str,
    line: &str,
    offset: usize,
    number: u32,
    out: &mut Vec<Diagnostic>,
) -> Option<Rule> {
    let tokens = tokenize(line, offset);
    let (first, rest) = tokens.split_first()?;
    let invalid = |token: &Token, message: String, help: &str| {
        Diagnostic::new(Code::CodeOwnersInvalid, message).at(file, token.span).with_help(help)
    };
    let before = out.len();
    let matcher = match Pattern::compile(first.text) {
        Ok(matcher) => Some(matcher),
        Err(why) => {
            let message = format!("line {number}: pattern `{}` {why}", first.text);
            out.push(invalid(
                first,
                message,
                "GitHub skips this line; the rest of the file still applies",
            ));
            None
        }
    };
    let mut owners = Vec::new();
    for token in rest {
        if let Some(owner) = parse_owner(token.text) {
            owners.push(owner);
        } else {
            let message = format!("line {number}: `{}` is not a valid owner", token.text);
            let help =
                "owners are `@login`, `@org/team-name` or an email address; GitHub skips this line";
            out.push(invalid(token, message, help));
        }
    }
    let matcher = matcher?;
    if out.len() > before {
        return None;
    }
    Some(Rule { line: number, span: first.span, pattern: first.text.to_string(), owners, matcher })
}

/// Splits a line into tokens at unescaped spaces and tabs, stopping at a `#` that starts a
/// token (a comment). A backslash keeps the next character in the token.
fn tokenize(line: &str, offset: usize) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c == ' ' || c == '\t' {
            chars.next();
            continue;
        }
        if c == '#' {
            break;
        }
        let mut end = line.len();
        while let Some((i, c)) = chars.next() {
            if c == '\\' {
                chars.next();
            } else if c == ' ' || c == '\t' {
                end = i;
                break;
            }
        }
        let text = &line[start..end];
        tokens.push(Token { text, span: Span::new(offset + start, offset + end) });
    }
    tokens
}

fn parse_owner(token: &str) -> Option<Owner> {
    if let Some(name) = token.strip_prefix('@') {
        return match name.split_once('/') {
            None => is_login(name).then(|| Owner::User(name.to_string())),
            Some((org, team)) => {
                (is_login(org) && is_team_slug(team)).then(|| Owner::Team(name.to_string()))
            }
        };
    }
    is_email(token).then(|| Owner::Email(token.to_string()))
}

/// GitHub logins: letters, digits and hyphens, not starting with a hyphen (underscores appear
/// in managed-user logins such as `octocat_acme`).
fn is_login(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn is_team_slug(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A plain `local@domain.tld` address: one `@`, a local part of the usual atom characters, and
/// a dotted domain of letters, digits and hyphens.
fn is_email(token: &str) -> bool {
    let Some((local, domain)) = token.split_once('@') else { return false };
    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// A compiled pattern: the shared [`Glob`] plus CODEOWNERS' directory rules.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    glob: Glob,
    /// A trailing `/`: only a directory matches, so a path matches when it lies below.
    dir_only: bool,
    /// A last segment that is a bare `*` matches files only (GitHub's `docs/*` example).
    files_only: bool,
}

impl Pattern {
    /// Compiles a pattern, or says why GitHub would not accept it.
    fn compile(text: &str) -> Result<Pattern, String> {
        if text.starts_with('!') {
            return Err("uses `!` negation, which CODEOWNERS does not support".into());
        }
        if text.starts_with("\\#") {
            return Err("escapes a leading `#`, which CODEOWNERS does not support".into());
        }
        if text.contains(['[', ']']) {
            return Err("uses a `[ ]` character range, which CODEOWNERS does not support".into());
        }
        let anchored = text.starts_with('/');
        let body = text.strip_prefix('/').unwrap_or(text);
        let dir_only = body.ends_with('/') && !body.ends_with("\\/");
        let body = if dir_only { &body[..body.len() - 1] } else { body };
        if body.is_empty() {
            return Err("matches nothing".into());
        }
        let mut segments = Vec::new();
        if !anchored && !body.contains('/') {
            // No slash but a trailing one: the name may sit at any depth.
            segments.push(Segment::Any);
        }
        for part in body.split('/') {
            segments.push(compile_segment(part)?);
        }
        let glob = Glob::from_segments(segments, true);
        let files_only =
            matches!(glob.segments().last(), Some(Segment::Pieces(p)) if p == &[Piece::Many]);
        Ok(Pattern { glob, dir_only, files_only })
    }

    /// Whether the pattern covers `path`: it matches the path, or (for a directory pattern)
    /// a directory the path lies in.
    fn matches(&self, path: &str, meter: &mut Meter) -> bool {
        let path: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let ends = self.glob.match_ends(&path, meter);
        (1..=path.len()).any(|k| {
            ends[k]
                && if self.dir_only { k < path.len() } else { !self.files_only || k == path.len() }
        })
    }
}

/// One `/`-separated part of a pattern: `**`, or a glob with `*`, `?` and `\` escapes.
fn compile_segment(part: &str) -> Result<Segment, String> {
    if part.is_empty() {
        return Err("has an empty path segment (`//`)".into());
    }
    if part == "**" {
        return Ok(Segment::Any);
    }
    let mut pieces = Vec::new();
    let mut chars = part.chars();
    while let Some(c) = chars.next() {
        pieces.push(match c {
            '\\' => Piece::Char(chars.next().ok_or("ends with a lone `\\`")?),
            '?' => Piece::One,
            '*' => Piece::Many,
            c => Piece::Char(c),
        });
    }
    Ok(Segment::Pieces(pieces))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;

    fn owners(text: &str) -> CodeOwners {
        let (owners, diagnostics) = parse("CODEOWNERS", text);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        owners
    }

    fn names(co: &CodeOwners, path: &str) -> Option<Vec<String>> {
        co.owners_of(path).map(|o| o.iter().map(ToString::to_string).collect())
    }

    fn pattern_matches(pattern: &str, path: &str) -> bool {
        Pattern::compile(pattern).expect("valid pattern").matches(path, &mut Meter::new())
    }

    #[test]
    fn locate_takes_the_first_location_github_checks() {
        let mut tree = FileTree::new();
        assert_eq!(locate(&tree), None);
        tree.insert("docs/CODEOWNERS", "* @a").expect("valid path");
        assert_eq!(locate(&tree), Some("docs/CODEOWNERS"));
        tree.insert("CODEOWNERS", "* @b").expect("valid path");
        assert_eq!(locate(&tree), Some("CODEOWNERS"));
        tree.insert(".github/CODEOWNERS", "* @c").expect("valid path");
        assert_eq!(locate(&tree), Some(".github/CODEOWNERS"));
        let mut other = FileTree::new();
        other.insert("sub/CODEOWNERS", "* @a").expect("valid path");
        other.insert(".github/codeowners", "* @a").expect("valid path");
        assert_eq!(locate(&other), None);
    }

    /// The example file from GitHub's "About code owners", with the behaviour it documents.
    #[test]
    fn githubs_documented_example() {
        let text = "\
# This is a comment.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
";
        let co = owners(text);
        let cases: &[(&str, Option<&[&str]>)] = &[
            ("README.md", Some(&["@global-owner1", "@global-owner2"])),
            ("src/app.js", Some(&["@js-owner"])),
            ("main.go", Some(&["docs@example.com"])),
            ("notes/a.txt", Some(&["@octo-org/octocats"])),
            ("build/logs/x.log", Some(&["@octocat"])), // `**/logs` comes later
            ("build/logs/deep/x.bin", Some(&["@octocat"])),
            ("docs/getting-started.md", Some(&["@doctocat"])), // `/docs/` is later than `docs/*`
            ("apps/main/index.js", Some(&["@octocat"])),
            ("lib/apps/x.rs", Some(&["@octocat"])),
            ("scripts/deploy.sh", Some(&["@doctocat", "@octocat"])),
            ("deeply/nested/logs/a", Some(&["@octocat"])),
            ("apps/github/index.js", Some(&[])),
            ("apps/github", Some(&[])),
        ];
        for &(path, expected) in cases {
            let expected = expected.map(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>());
            assert_eq!(names(&co, path), expected, "{path}");
        }
        assert_eq!(co.rules().len(), 12);
        let rule = co.rule_for("apps/github/x").expect("a rule matches");
        assert_eq!((rule.line, rule.pattern.as_str()), (13, "/apps/github"));
        assert_eq!(&text[rule.span.range()], "/apps/github");
    }

    #[test]
    fn unmatched_is_not_unowned() {
        let co = owners("/apps/ @octocat\n/apps/github\n");
        assert_eq!(names(&co, "apps/main/index.js"), Some(vec!["@octocat".into()]));
        assert_eq!(co.owners_of("apps/github/index.js"), Some(&[][..]));
        assert_eq!(co.owners_of("README.md"), None);
        assert_eq!(co.rule_for("README.md"), None);
    }

    #[test]
    fn last_matching_line_wins() {
        let co = owners("apps/ @a\n*.yaml @b\n/apps/prod/ @c\n");
        assert_eq!(names(&co, "apps/dev/k.yaml"), Some(vec!["@b".into()]));
        assert_eq!(names(&co, "apps/prod/k.yaml"), Some(vec!["@c".into()]));
        assert_eq!(names(&co, "apps/dev/README"), Some(vec!["@a".into()]));
        assert_eq!(co.rule_for("apps/prod/k.yaml").map(|r| r.line), Some(3));
    }

    #[test]
    fn pattern_semantics() {
        let cases: &[(&str, &str, bool)] = &[
            // No slash: any depth, file or directory.
            ("*", "a", true),
            ("*", "a/b/c", true),
            ("*.js", "x.js", true),
            ("*.js", "a/b/x.js", true),
            ("*.js", "x.jsx", false),
            ("*.js", "a/x.js/inner", true),
            ("apps", "apps", true),
            ("apps", "apps/x", true),
            ("apps", "a/apps/x", true),
            ("apps", "myapps/x", false),
            // Trailing slash: directories only, at any depth.
            ("apps/", "apps", false),
            ("apps/", "apps/x", true),
            ("apps/", "a/b/apps/c/d", true),
            ("apps/", "apps.txt", false),
            // Leading slash: anchored.
            ("/apps", "apps", true),
            ("/apps", "apps/x/y", true),
            ("/apps", "a/apps/x", false),
            ("/apps/", "apps/x", true),
            ("/apps/", "apps", false),
            // A middle slash anchors too.
            ("apps/web", "apps/web/k.yaml", true),
            ("apps/web", "x/apps/web/k.yaml", false),
            // A final bare `*` matches files directly inside only (GitHub's `docs/*` example).
            ("docs/*", "docs/a.md", true),
            ("docs/*", "docs/sub/b.md", false),
            ("docs/*", "docs", false),
            ("docs/*/", "docs/sub/b.md", true),
            ("docs/*.md", "docs/a.md", true),
            ("docs/*.md", "docs/sub/a.md", false),
            // `?` is one character within a segment.
            ("v?.yaml", "v1.yaml", true),
            ("v?.yaml", "v10.yaml", false),
            ("a?b", "a/b", false),
            // `*` stays in a segment.
            ("/a*b", "axxb", true),
            ("/a*b", "ax/xb", false),
            ("/a/*/c", "a/b/c", true),
            ("/a/*/c", "a/b/x/c", false),
            // `**`
            ("**/logs", "logs", true),
            ("**/logs", "logs/a", true),
            ("**/logs", "build/logs/a", true),
            ("**/logs", "a/b/c/logs", true),
            ("**/logs", "mylogs/a", false),
            ("a/**", "a/b", true),
            ("a/**", "a/b/c", true),
            ("a/**", "a", false),
            ("a/**", "b/a/c", false),
            ("a/**/b", "a/b", true),
            ("a/**/b", "a/x/b", true),
            ("a/**/b", "a/x/y/b/z", true),
            ("a/**/b", "a/x/y/c", false),
            ("**", "anything/at/all", true),
            ("/**", "x", true),
            ("**/*.yaml", "a/b.yaml", true),
            ("a/**/**/b", "a/b", true),
            // Case-sensitive, escapes.
            ("README.md", "readme.md", false),
            ("my\\ dir/", "my dir/x", true),
            ("\\*.md", "*.md", true),
            ("\\*.md", "a.md", false),
            ("a\\?", "a?", true),
            ("a\\?", "ab", false),
            // Paths with a leading slash are tolerated.
            ("/apps/", "/apps/x", true),
        ];
        for &(pattern, path, expected) in cases {
            assert_eq!(pattern_matches(pattern, path), expected, "{pattern} vs {path}");
        }
    }

    #[test]
    fn hostile_patterns_stay_cheap() {
        let pattern = Pattern::compile(&format!("{}x", "**/".repeat(200))).expect("valid");
        let path = ["a"; 300].join("/");
        let mut meter = Meter::new();
        assert!(!pattern.matches(&path, &mut meter));
        assert!(meter.spent() <= 202 * 301 * 2, "{} steps", meter.spent());
        let pattern = Pattern::compile(&format!("/{}b", "*a".repeat(100))).expect("valid");
        let mut meter = Meter::new();
        assert!(!pattern.matches(&"a".repeat(2000), &mut meter));
        assert!(meter.spent() <= 202 * 2001 + 4, "{} steps", meter.spent());
        // The issue-14 shape: repeated `**` against a deep path.
        let pattern = Pattern::compile(&format!("{}zz", "**/".repeat(12))).expect("valid");
        let mut meter = Meter::new();
        assert!(!pattern.matches(&["dir"; 160].join("/"), &mut meter));
        assert!(meter.spent() <= 14 * 161 + 4 * 161, "{} steps", meter.spent());
    }

    #[test]
    fn comments_and_whitespace() {
        let text = "# header\n\n   \n\t*.md\t@docs   # trailing\r\n  /ci/ @ops #@ignored\n";
        let co = owners(text);
        assert_eq!(co.rules().len(), 2);
        assert_eq!(names(&co, "a/b.md"), Some(vec!["@docs".into()]));
        assert_eq!(names(&co, "ci/x"), Some(vec!["@ops".into()]));
        // A `#` inside a token is not a comment: `@ops#x` is one (invalid) owner.
        let (co, diagnostics) = parse("CODEOWNERS", "/ci/ @ops#x\n");
        assert_eq!(diagnostics.len(), 1);
        assert!(co.rules().is_empty());
    }

    #[test]
    fn invalid_lines_are_reported_with_spans_and_skipped() {
        let text = "\
* @everyone
!secret.txt @a
src/*.[ch] @c-owners
\\#notes @b
/prod/ user-without-at
/stage/ @
/qa/ @good bad@ @also-good
/docs/ @org/
/x/ @a/b/c
/y/ me@localhost
/ok/ @org/team-1 ops@example.com
/trailing\\
";
        let (co, diagnostics) = parse("CODEOWNERS", text);
        let bad: Vec<(&str, &str)> = diagnostics
            .iter()
            .map(|d| (d.code, &text[d.span.expect("diagnostics have spans").range()]))
            .collect();
        assert_eq!(
            bad,
            vec![
                ("G001", "!secret.txt"),
                ("G001", "src/*.[ch]"),
                ("G001", "\\#notes"),
                ("G001", "user-without-at"),
                ("G001", "@"),
                ("G001", "bad@"),
                ("G001", "@org/"),
                ("G001", "@a/b/c"),
                ("G001", "me@localhost"),
                ("G001", "/trailing\\"),
            ]
        );
        assert!(diagnostics.iter().all(|d| d.severity == Severity::Warning && d.file.as_deref() == Some("CODEOWNERS")));
        assert!(diagnostics[0].message.contains("negation"), "{}", diagnostics[0].message);
        assert!(diagnostics[1].message.contains("character range"));
        assert!(diagnostics[3].message.starts_with("line 5:"));
        // Only the valid lines apply; skipped lines fall back to earlier rules.
        let lines: Vec<u32> = co.rules().iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![1, 11]);
        assert_eq!(names(&co, "prod/app.yaml"), Some(vec!["@everyone".into()]));
        assert_eq!(names(&co, "ok/x"), Some(vec!["@org/team-1".into(), "ops@example.com".into()]));
    }

    #[test]
    fn owner_syntax() {
        let cases: &[(&str, Option<Owner>)] = &[
            ("@octocat", Some(Owner::User("octocat".into()))),
            ("@Octo-Cat", Some(Owner::User("Octo-Cat".into()))),
            ("@octocat_acme", Some(Owner::User("octocat_acme".into()))),
            ("@octo-org/octocats", Some(Owner::Team("octo-org/octocats".into()))),
            ("@org/team.name", Some(Owner::Team("org/team.name".into()))),
            ("docs@example.com", Some(Owner::Email("docs@example.com".into()))),
            (
                "first.last+tag@sub.example.co.uk",
                Some(Owner::Email("first.last+tag@sub.example.co.uk".into())),
            ),
            ("@", None),
            ("@-leading", None),
            ("@org/", None),
            ("@/team", None),
            ("@a/b/c", None),
            ("@user!", None),
            ("octocat", None),
            ("a@b", None),
            ("@example.com", None),
            ("a@@example.com", None),
            ("a@-x.com", None),
            ("a@x..com", None),
            (".a@x.com", None),
        ];
        for (token, expected) in cases {
            assert_eq!(parse_owner(token).as_ref(), expected.as_ref(), "{token}");
        }
    }

    #[test]
    fn owners_display_as_written() {
        for token in ["@octocat", "@org/team", "a@example.com"] {
            assert_eq!(parse_owner(token).expect("valid owner").to_string(), token);
        }
    }

    #[test]
    fn approvals() {
        let mut teams = BTreeMap::new();
        teams.insert(
            "octo-org/octocats".to_string(),
            vec!["Mona".to_string(), "@hubot".to_string()],
        );
        teams.insert("@org/empty".to_string(), vec![]);
        let user = Owner::User("OctoCat".into());
        let team = Owner::Team("Octo-Org/Octocats".into());
        let empty = Owner::Team("org/empty".into());
        let missing = Owner::Team("org/none".into());
        let email = Owner::Email("Docs@Example.com".into());
        let cases: &[(&Owner, &str, bool)] = &[
            (&user, "octocat", true),
            (&user, "@OCTOCAT", true),
            (&user, "octocat2", false),
            (&user, "", false),
            (&team, "mona", true),
            (&team, "@Hubot", true),
            (&team, "octocat", false),
            (&empty, "mona", false),
            (&missing, "mona", false),
            (&email, "docs@example.com", true),
            (&email, "other@example.com", false),
            (&email, "docs", false),
        ];
        for &(owner, approver, expected) in cases {
            assert_eq!(
                is_satisfied_by(owner, approver, &teams),
                expected,
                "{owner} by {approver:?}"
            );
        }
    }

    #[test]
    fn oversized_files_are_ignored_like_github_does() {
        let text = format!("* @a\n{}", "#".repeat(MAX_BYTES));
        let (co, diagnostics) = parse(".github/CODEOWNERS", &text);
        assert!(co.rules().is_empty());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "G002");
        assert_eq!(diagnostics[0].file.as_deref(), Some(".github/CODEOWNERS"));
    }

    #[test]
    fn spans_account_for_bom_and_crlf() {
        let text = "\u{feff}*.md @a\r\n/x/ @b\r\n";
        let co = owners(text);
        let spans: Vec<&str> = co.rules().iter().map(|r| &text[r.span.range()]).collect();
        assert_eq!(spans, vec!["*.md", "/x/"]);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for pattern in ["/", "//", "a//b", "!x", "\\#x", "[ab]", "x]", "a\\"] {
            assert!(Pattern::compile(pattern).is_err(), "{pattern}");
        }
        for text in [
            "",
            "\n",
            "\\",
            "@",
            "/",
            "//",
            "a//b @x",
            "* \\",
            "é @é",
            "\u{feff}",
            "*\t\t@a\t",
            "**/",
        ] {
            let _ = parse("CODEOWNERS", text);
        }
        let co = owners("**/ @a\n");
        assert_eq!(names(&co, "x"), None);
        assert_eq!(names(&co, "x/y"), Some(vec!["@a".into()]));
    }
}
