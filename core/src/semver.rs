//! Semantic versions and version constraints exactly as Masterminds/semver v3 reads them.
//!
//! Flux's `ImagePolicy` (semver policy), Sprig's `semverCompare` and Baton's own ahead/behind
//! classification must agree with the Go library the real tools link, Masterminds/semver v3
//! (read at commit 71f2b39, v3.4.0+; `version.go`, `constraints.go`). Its rules differ from
//! the `semver` crate's (Cargo's) in ways users see, so this module reproduces the Go library
//! instead of wrapping the crate; `tests::semver_crate_disagrees` lists the differences:
//! - parsing: `NewVersion` coerces `v1`, `1.2`, `01.02.03` and `1.2-rc.1`; the crate rejects them;
//! - a bare `1.2.3` constraint is *exactly* 1.2.3 (the crate reads it as `^1.2.3`);
//! - `||` OR groups, hyphen ranges `1 - 2`, `=>`/`=<`, space-separated AND, `x`/`*` in any
//!   part: the crate rejects or reads them otherwise;
//! - pre-releases: a pre-release version satisfies an AND group only if some constraint of
//!   that group carries a pre-release, and then any pre-release in range counts
//!   (`>=1.0.0-0 <2.0.0` admits `1.5.0-rc.1`); the crate admits one only when a comparator has
//!   a pre-release on the same `major.minor.patch`;
//! - pre-release identifiers of more than 20 digits do not fit `uint64` and compare as text.
//!
//! The constraint grammar is upstream's regular expressions, compiled with `regex-lite`
//! (leftmost-first like Go's RE2; Go's `\s` is spelled out as `[\t\n\f\r ]` because
//! regex-lite's `\s` also matches `\v`). Matching the grammar with the same expressions is the
//! surest way to accept and split exactly the strings upstream does, odd corners included
//! (`|` is a member of the version-part class, the operator list has an empty alternative).
//! Versions, parsed once per registry tag, are read by hand: the loose expression upstream
//! uses is anchored and deterministic, so a direct scan is equivalent and much faster.

use std::cmp::Ordering;
use std::fmt;
use std::sync::OnceLock;

use regex_lite::Regex;

/// A version as Masterminds/semver's `Version`: three `uint64` parts, a pre-release and build
/// metadata, and the text it was parsed from.
///
/// Equality and order are by precedence (metadata ignored): `v1.0.0 == 1.0.0+build`.
#[derive(Debug, Clone)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

/// Why a version did not parse; the messages are upstream's error strings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VersionError {
    /// `ErrInvalidSemVer`.
    #[error("invalid semantic version")]
    Invalid,
    /// `ErrEmptyString` (strict parsing only).
    #[error("version string empty")]
    Empty,
    /// `ErrInvalidCharacters` (strict parsing only).
    #[error("invalid characters in version")]
    InvalidCharacters,
    /// `ErrSegmentStartsZero`.
    #[error("version segment starts with 0")]
    SegmentStartsZero,
    /// `ErrInvalidPrerelease`.
    #[error("invalid prerelease string")]
    InvalidPrerelease,
    /// `ErrInvalidMetadata`.
    #[error("invalid metadata string")]
    InvalidMetadata,
    /// A numeric part that `strconv.ParseUint` refuses, with Go's message
    /// (`error parsing version segment: strconv.ParseUint: parsing "…": value out of range`).
    #[error("{0}")]
    Number(String),
}

impl Version {
    /// `semver.NewVersion` with `CoerceNewVersion` on (the default, and what Flux and Sprig
    /// use): an optional lower-case `v`, one to three numeric parts (missing ones are 0,
    /// leading zeros allowed), then `-pre-release` and `+metadata`.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        Version::read(text, true)
    }

    /// [`Version::parse`] without keeping the text ([`Version::original`] is empty): an
    /// election over 100,000 tags keeps the index of each tag instead, one allocation fewer
    /// per tag.
    pub(crate) fn parse_unkept(text: &str) -> Result<Version, VersionError> {
        Version::read(text, false)
    }

    fn read(text: &str, keep: bool) -> Result<Version, VersionError> {
        let loose = Loose::scan(text).ok_or(VersionError::Invalid)?;
        let number = |digits: &str| {
            parse_uint(digits)
                .map_err(|e| VersionError::Number(format!("error parsing version segment: {e}")))
        };
        let major = number(loose.major)?;
        let minor = loose.minor.map_or(Ok(0), number)?;
        let patch = loose.patch.map_or(Ok(0), number)?;
        if !loose.pre.is_empty() {
            validate_prerelease(loose.pre)?;
        }
        if !loose.metadata.is_empty() {
            validate_metadata(loose.metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre: loose.pre.to_string(),
            metadata: loose.metadata.to_string(),
            original: if keep { text.to_string() } else { String::new() },
        })
    }

    /// `semver.StrictNewVersion`: exactly `MAJOR.MINOR.PATCH[-pre][+meta]`, no `v`, no
    /// leading zeros.
    pub fn parse_strict(text: &str) -> Result<Version, VersionError> {
        if text.is_empty() {
            return Err(VersionError::Empty);
        }
        let mut parts = text.splitn(3, '.');
        let (Some(major), Some(minor), Some(rest)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(VersionError::Invalid);
        };
        let (rest, metadata) = match rest.split_once('+') {
            Some((rest, metadata)) => {
                validate_metadata(metadata)?;
                (rest, metadata)
            }
            None => (rest, ""),
        };
        let (patch, pre) = match rest.split_once('-') {
            Some((patch, pre)) => {
                validate_prerelease(pre)?;
                (patch, pre)
            }
            None => (rest, ""),
        };
        for part in [major, minor, patch] {
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(VersionError::InvalidCharacters);
            }
            if part.len() > 1 && part.starts_with('0') {
                return Err(VersionError::SegmentStartsZero);
            }
        }
        let number = |digits: &str| parse_uint(digits).map_err(VersionError::Number);
        Ok(Version {
            major: number(major)?,
            minor: number(minor)?,
            patch: number(patch)?,
            pre: pre.to_string(),
            metadata: metadata.to_string(),
            original: text.to_string(),
        })
    }

    /// The major part.
    #[must_use]
    pub fn major(&self) -> u64 {
        self.major
    }

    /// The minor part.
    #[must_use]
    pub fn minor(&self) -> u64 {
        self.minor
    }

    /// The patch part.
    #[must_use]
    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// The pre-release, without its `-` (empty for a release).
    #[must_use]
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// The build metadata, without its `+`.
    #[must_use]
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// The text the version was parsed from (`Original()`): `v1.2`, where `Display` gives
    /// `1.2.0`.
    #[must_use]
    pub fn original(&self) -> &str {
        &self.original
    }

    /// `Version.Compare`: parts numerically, a release above its pre-releases, pre-releases
    /// identifier by identifier; metadata is ignored.
    #[must_use]
    pub fn compare(&self, other: &Version) -> Ordering {
        self.major
            .cmp(&other.major)
            .then(self.minor.cmp(&other.minor))
            .then(self.patch.cmp(&other.patch))
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &other.pre),
            })
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.compare(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        self.compare(other)
    }
}

/// `Version.String()`: `MAJOR.MINOR.PATCH[-pre][+metadata]`, without the `v`.
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

/// The parts of `looseSemVerRegex`
/// (`^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-ID(\.ID)*)?(\+ID(\.ID)*)?$`, ID = `[0-9A-Za-z-]+`).
struct Loose<'a> {
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    pre: &'a str,
    metadata: &'a str,
}

impl<'a> Loose<'a> {
    /// Every optional group starts with a distinct byte (`.`, `-`, `+`) that no earlier group
    /// can consume, so a single greedy scan finds the regex's only match.
    fn scan(text: &'a str) -> Option<Loose<'a>> {
        let bytes = text.as_bytes();
        let mut at = usize::from(bytes.first() == Some(&b'v'));
        let digits =
            |from: usize| from + bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
        let major_end = digits(at);
        if major_end == at {
            return None;
        }
        let major = &text[at..major_end];
        at = major_end;
        let mut numeric = [None, None];
        for slot in &mut numeric {
            if bytes.get(at) == Some(&b'.') {
                let end = digits(at + 1);
                if end > at + 1 {
                    *slot = Some(&text[at + 1..end]);
                    at = end;
                    continue;
                }
            }
            break;
        }
        let mut identifiers = |lead: u8| -> Option<&'a str> {
            if bytes.get(at) != Some(&lead) {
                return Some("");
            }
            let start = at + 1;
            let mut end = start;
            loop {
                let id_end =
                    end + bytes[end..].iter().take_while(|&&b| is_identifier_byte(b)).count();
                if id_end == end {
                    return None;
                }
                end = id_end;
                if bytes.get(end) == Some(&b'.')
                    && bytes.get(end + 1).is_some_and(|&b| is_identifier_byte(b))
                {
                    end += 1;
                } else {
                    break;
                }
            }
            at = end;
            Some(&text[start..end])
        };
        let pre = identifiers(b'-')?;
        let metadata = identifiers(b'+')?;
        (at == bytes.len()).then_some(Loose {
            major,
            minor: numeric[0],
            patch: numeric[1],
            pre,
            metadata,
        })
    }
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// `strconv.ParseUint(digits, 10, 64)` on text that holds only ASCII digits, with Go's error
/// message.
fn parse_uint(digits: &str) -> Result<u64, String> {
    if digits.is_empty() {
        return Err("strconv.ParseUint: parsing \"\": invalid syntax".to_string());
    }
    digits.parse::<u64>().map_err(|_| {
        format!("strconv.ParseUint: parsing {}: value out of range", crate::gostring::quote(digits))
    })
}

/// `validatePrerelease`: no empty identifier (an empty string is one), numeric ones without a
/// leading zero.
fn validate_prerelease(pre: &str) -> Result<(), VersionError> {
    for id in pre.split('.') {
        if id.is_empty() {
            return Err(VersionError::InvalidPrerelease);
        }
        if id.bytes().all(|b| b.is_ascii_digit()) {
            if id.len() > 1 && id.starts_with('0') {
                return Err(VersionError::SegmentStartsZero);
            }
        } else if !id.bytes().all(is_identifier_byte) {
            return Err(VersionError::InvalidPrerelease);
        }
    }
    Ok(())
}

/// `validateMetadata`: dot-separated non-empty identifiers (an empty string is one empty
/// identifier).
fn validate_metadata(metadata: &str) -> Result<(), VersionError> {
    if metadata.split('.').all(|id| !id.is_empty() && id.bytes().all(is_identifier_byte)) {
        Ok(())
    } else {
        Err(VersionError::InvalidMetadata)
    }
}

/// `comparePrerelease`: identifier by identifier, a missing one lowest.
fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let mut left = a.split('.');
    let mut right = b.split('.');
    loop {
        let (x, y) = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (x, y) => (x.unwrap_or(""), y.unwrap_or("")),
        };
        let order = compare_prerelease_part(x, y);
        if order != Ordering::Equal {
            return order;
        }
    }
}

/// `comparePrePart`: numbers (what `strconv.ParseUint` accepts, so at most `u64::MAX`)
/// numerically and below any text; text as bytes; an empty identifier lowest.
fn compare_prerelease_part(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    if a.is_empty() {
        return Ordering::Less;
    }
    if b.is_empty() {
        return Ordering::Greater;
    }
    let number =
        |s: &str| if s.bytes().all(|c| c.is_ascii_digit()) { s.parse::<u64>().ok() } else { None };
    match (number(a), number(b)) {
        (None, None) => a.cmp(b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        // Upstream answers "less" for equal numbers written differently (`01` vs `1`), which
        // validation makes unreachable; comparing the values keeps `Ord` consistent.
        (Some(x), Some(y)) => x.cmp(&y),
    }
}

/// A set of constraints as Masterminds/semver's `Constraints`: OR groups of AND-ed
/// constraints.
#[derive(Debug, Clone)]
pub struct Constraints {
    groups: Vec<Group>,
}

#[derive(Debug, Clone)]
struct Group {
    constraints: Vec<Constraint>,
    /// Some constraint of the group carries a pre-release: pre-release versions may satisfy it.
    has_prerelease: bool,
}

#[derive(Debug, Clone)]
struct Constraint {
    op: Op,
    /// The operator as written (`=>` and `>=` are one operator but print as written).
    op_text: String,
    /// The version part as written (`1.x`, `v2`).
    written: String,
    version: Version,
    /// `x`, `X`, `*` or a missing part somewhere.
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
    Tilde,
    Caret,
}

impl Constraints {
    /// `semver.NewConstraint`. Errors are upstream's messages (`improper constraint: "foo"`).
    pub fn parse(text: &str) -> Result<Constraints, String> {
        let grammar = grammar();
        let rewritten = rewrite_ranges(grammar, text);
        let mut groups = Vec::new();
        for segment in rewritten.split("||") {
            if !grammar.valid.is_match(segment) {
                return Err(format!("improper constraint: {}", crate::gostring::quote(segment)));
            }
            let mut found: Vec<&str> =
                grammar.find.find_iter(segment).map(|m| m.as_str()).collect();
            if found.is_empty() {
                found.push(segment);
            }
            let mut constraints = Vec::with_capacity(found.len());
            for item in found {
                constraints.push(Constraint::parse(grammar, item)?);
            }
            let has_prerelease = constraints.iter().any(|c| !c.version.pre.is_empty());
            groups.push(Group { constraints, has_prerelease });
        }
        Ok(Constraints { groups })
    }

    /// `Constraints.Check`: some OR group whose every constraint admits `version`.
    #[must_use]
    pub fn check(&self, version: &Version) -> bool {
        self.groups
            .iter()
            .any(|group| group.constraints.iter().all(|c| c.admits(version, group.has_prerelease)))
    }
}

/// `Constraints.String()`: groups joined by ` || `, constraints by a space, each as written
/// without inner spaces (`>= 1.2` prints `>=1.2`).
impl fmt::Display for Constraints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (g, group) in self.groups.iter().enumerate() {
            if g > 0 {
                f.write_str(" || ")?;
            }
            for (i, c) in group.constraints.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                write!(f, "{}{}", c.op_text, c.written)?;
            }
        }
        Ok(())
    }
}

impl Constraint {
    /// `parseConstraint` on one string the finder returned.
    fn parse(grammar: &Grammar, text: &str) -> Result<Constraint, String> {
        let Some(m) = grammar.single.captures(text) else {
            return Err(format!("improper constraint: {}", crate::gostring::quote(text)));
        };
        let group = |i: usize| m.get(i).map_or("", |g| g.as_str());
        let (op_text, written) = (group(1), group(2));
        let (major, minor, patch, pre) = (group(3), group(4), group(5), group(6));
        let is_x = |part: &str| matches!(part, "x" | "X" | "*");
        let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
        let text = if is_x(major) || major.is_empty() {
            dirty = true;
            format!("0.0.0{pre}")
        } else if is_x(without_dot(minor)) || minor.is_empty() {
            (dirty, minor_dirty) = (true, true);
            format!("{major}.0.0{pre}")
        } else if is_x(without_dot(patch)) || patch.is_empty() {
            (dirty, patch_dirty) = (true, true);
            format!("{major}{minor}.0{pre}")
        } else {
            written.to_string()
        };
        let version = Version::parse(&text).map_err(|_| "constraint parser error".to_string())?;
        let op = match op_text {
            "" | "=" => Op::TildeOrEqual,
            "!=" => Op::NotEqual,
            ">" => Op::Greater,
            "<" => Op::Less,
            ">=" | "=>" => Op::GreaterOrEqual,
            "<=" | "=<" => Op::LessOrEqual,
            "~" | "~>" => Op::Tilde,
            "^" => Op::Caret,
            other => return Err(format!("improper constraint: {}", crate::gostring::quote(other))),
        };
        Ok(Constraint {
            op,
            op_text: op_text.to_string(),
            written: written.to_string(),
            version,
            dirty,
            minor_dirty,
            patch_dirty,
        })
    }

    /// The constraint functions of `constraints.go`. Every one first refuses a pre-release
    /// unless the AND group opted in.
    fn admits(&self, v: &Version, include_prerelease: bool) -> bool {
        if !v.pre.is_empty() && !include_prerelease {
            return false;
        }
        let c = &self.version;
        match self.op {
            Op::TildeOrEqual if self.dirty => self.tilde(v),
            Op::TildeOrEqual => v == c,
            Op::Tilde => self.tilde(v),
            Op::NotEqual => self.not_equal(v),
            Op::Greater => self.greater(v),
            Op::Less => v < c,
            Op::GreaterOrEqual => v >= c,
            Op::LessOrEqual => {
                if self.dirty {
                    // `<=1.2` admits every 1.2.x; `<=1` every 1.x.y.
                    !(v.major > c.major
                        || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
                } else {
                    v <= c
                }
            }
            Op::Caret => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.version;
        if self.dirty {
            if c.major != v.major {
                return true;
            }
            if c.minor != v.minor && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch != v.patch && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                return (!v.pre.is_empty() || !c.pre.is_empty())
                    && compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
            }
        }
        v != c
    }

    fn greater(&self, v: &Version) -> bool {
        let c = &self.version;
        if !self.dirty {
            return v > c;
        }
        match v.major.cmp(&c.major) {
            Ordering::Greater => true,
            Ordering::Less => false,
            // `>11` needs 12 or more; `>11.1` needs 11.2 or more.
            Ordering::Equal if self.minor_dirty => false,
            Ordering::Equal if self.patch_dirty => v.minor > c.minor,
            Ordering::Equal => v > c,
        }
    }

    /// `~1.2.3` is `>=1.2.3 <1.3.0`, `~1` is `>=1.0.0 <2.0.0`, `~*` is anything.
    fn tilde(&self, v: &Version) -> bool {
        let c = &self.version;
        if v < c {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        v.major == c.major && (v.minor == c.minor || self.minor_dirty)
    }

    /// `^1.2.3` is `<2.0.0`, `^0.2.3` is `<0.3.0`, `^0.0.3` is exactly 0.0.3.
    fn caret(&self, v: &Version) -> bool {
        let c = &self.version;
        if v < c {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        v.patch == c.patch
    }
}

/// `strings.TrimPrefix(part, ".")`.
fn without_dot(part: &str) -> &str {
    part.strip_prefix('.').unwrap_or(part)
}

/// Upstream's constraint expressions, compiled once.
struct Grammar {
    /// `validConstraintRegex`: one OR segment is a list of constraints.
    valid: Regex,
    /// `findConstraintRegex`: the constraints of a segment.
    find: Regex,
    /// `constraintRegex`: one constraint, with its parts captured.
    single: Regex,
    /// `constraintRangeRegex`: `A - B`.
    range: Regex,
}

fn grammar() -> &'static Grammar {
    static GRAMMAR: OnceLock<Grammar> = OnceLock::new();
    GRAMMAR.get_or_init(|| {
        // Go's `\s`.
        let s = r"[\t\n\f\r ]";
        // The operators, with upstream's empty alternative after `=` (no operator).
        let ops = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
        // A version with `x`, `X` or `*` allowed in its numeric parts (and, as upstream's
        // class is written, `|`): 9 groups.
        let part = r"[0-9|x|X|\*]";
        let id = r"[0-9A-Za-z\-]+";
        let cv =
            format!(r"v?({part}+)(\.{part}+)?(\.{part}+)?(-({id}(\.{id})*))?(\+({id}(\.{id})*))?");
        let compile =
            |pattern: String| Regex::new(&pattern).expect("the constraint grammar compiles");
        Grammar {
            valid: compile(format!(
                r"^({s}*({ops}){s}*({cv}){s}*)((?:{s}+|,{s}*)({ops}){s}*({cv}){s}*)*$"
            )),
            find: compile(format!(r"({ops}){s}*({cv})")),
            single: compile(format!(r"^{s}*({ops}){s}*({cv}){s}*$")),
            range: compile(format!(r"{s}*({cv}){s}+-{s}+({cv}){s}*")),
        }
    })
}

/// `rewriteRange`: each `A - B` found in the original text becomes `>= A, <= B ` (the first
/// occurrence of the matched text is replaced, as upstream's `strings.Replace(.., 1)`).
fn rewrite_ranges(grammar: &Grammar, text: &str) -> String {
    let mut out = text.to_string();
    for m in grammar.range.captures_iter(text) {
        let whole = m.get(0).map_or("", |g| g.as_str());
        let low = m.get(1).map_or("", |g| g.as_str());
        let high = m.get(11).map_or("", |g| g.as_str());
        out = out.replacen(whole, &format!(">= {low}, <= {high} "), 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    fn check(range: &str, version: &str) -> bool {
        Constraints::parse(range).unwrap().check(&v(version))
    }

    /// `NewVersion` (coercing): Masterminds/semver 71f2b39 `version_test.go` `TestNewVersion`
    /// ("With loose `NewVersion`") and `TestCoerceString`.
    #[test]
    fn parse_coerces_like_new_version() {
        let cases: &[(&str, Option<&str>)] = &[
            ("1.2.3", Some("1.2.3")),
            ("1.2.3-alpha.01", None),
            ("1.2.3+test.01", Some("1.2.3+test.01")),
            ("1.2.3-alpha.-1", Some("1.2.3-alpha.-1")),
            ("v1.2.3", Some("1.2.3")),
            ("1.0", Some("1.0.0")),
            ("v1.0", Some("1.0.0")),
            ("1", Some("1.0.0")),
            ("v1", Some("1.0.0")),
            ("1.2.beta", None),
            ("v1.2.beta", None),
            ("foo", None),
            ("1.2-5", Some("1.2.0-5")),
            ("v1.2-5", Some("1.2.0-5")),
            ("1.2-beta.5", Some("1.2.0-beta.5")),
            ("\n1.2", None),
            ("1.2.0-x.Y.0+metadata", Some("1.2.0-x.Y.0+metadata")),
            ("v1.2.0-x.Y.0+metadata-width-hypen", Some("1.2.0-x.Y.0+metadata-width-hypen")),
            ("1.2.3-rc1-with-hypen", Some("1.2.3-rc1-with-hypen")),
            ("1.2.3-0abc123", Some("1.2.3-0abc123")),
            ("1.2.3-beta.01", None),
            ("1.2.3.4", None),
            ("v1.2.3.4", None),
            ("1.2.2147483648", Some("1.2.2147483648")),
            ("2147483648.3.0", Some("2147483648.3.0")),
            ("12.3.4.1234", None),
            ("20221209-update-renovatejson-v4", Some("20221209.0.0-update-renovatejson-v4")),
            ("1.1.2+.123", None),
            ("1.0.0-alpha_beta", None),
            ("1.0.0-alpha..", None),
            ("1.0.0-alpha..1", None),
            ("9.8.7+meta+meta", None),
            ("1.2.31----RC-SNAPSHOT.12.09.1--.12+788", None),
            ("01.1.1", Some("1.1.1")),
            ("1.01.1", Some("1.1.1")),
            ("1.1.01", Some("1.1.1")),
            // Beyond upstream's table: what the coercing scan must also refuse or accept.
            ("", None),
            ("v", None),
            ("V1.2.3", None),
            ("1.2.3-", None),
            ("1.2.3+", None),
            ("1.2.3-a.", None),
            ("1.2.", None),
            (".1.2", None),
            ("1.2.3 ", None),
            ("2024.01.05", Some("2024.1.5")),
            ("18446744073709551615.0.0", Some("18446744073709551615.0.0")),
            ("1.0.0+build.5", Some("1.0.0+build.5")),
            ("1.0+build.5", Some("1.0.0+build.5")),
            ("1.2.3-rc.1+b.2", Some("1.2.3-rc.1+b.2")),
            ("1.2.3+b-1.x", Some("1.2.3+b-1.x")),
            ("1.2.3-é", None),
        ];
        for (text, expected) in cases {
            let got = Version::parse(text).ok().map(|v| v.to_string());
            assert_eq!(got.as_deref(), *expected, "{text:?}");
        }
        assert_eq!(v("v1.2").original(), "v1.2");
    }

    /// Error values and messages are upstream's (`version.go` errors, `TestNewVersionCheckError`).
    #[test]
    fn parse_errors_are_upstreams() {
        assert_eq!(Version::parse("1.2.3-dev.01"), Err(VersionError::SegmentStartsZero));
        assert_eq!(Version::parse("1.2.3-023658"), Err(VersionError::SegmentStartsZero));
        assert_eq!(Version::parse("1.2.3-dev..1"), Err(VersionError::Invalid));
        assert_eq!(Version::parse("foo").unwrap_err().to_string(), "invalid semantic version");
        assert_eq!(
            Version::parse("18446744073709551616.0.0").unwrap_err().to_string(),
            "error parsing version segment: strconv.ParseUint: parsing \"18446744073709551616\": value out of range"
        );
        assert_eq!(
            Version::parse_strict("1.99999999999999999999.0").unwrap_err().to_string(),
            "strconv.ParseUint: parsing \"99999999999999999999\": value out of range"
        );
        assert_eq!(
            Version::parse_strict("1..3").unwrap_err().to_string(),
            "strconv.ParseUint: parsing \"\": invalid syntax"
        );
        // An empty pre-release or metadata after its marker is an error in strict mode.
        assert_eq!(Version::parse_strict("1.10.01+"), Err(VersionError::InvalidMetadata));
        assert_eq!(Version::parse_strict("1.0.-+01"), Err(VersionError::InvalidPrerelease));
    }

    /// `StrictNewVersion`: `version_test.go` `TestStrictNewVersion`.
    #[test]
    fn strict_parse_is_strict_new_version() {
        let cases: &[(&str, bool)] = &[
            ("1.2.3", true),
            ("1.2.3-alpha.01", false),
            ("1.2.3+test.01", true),
            ("1.2.3-alpha.-1", true),
            ("v1.2.3", false),
            ("1.0", false),
            ("1", false),
            ("1.2.beta", false),
            ("1.2-5", false),
            ("1.2-beta.5", false),
            ("\n1.2", false),
            ("1.2.0-x.Y.0+metadata", true),
            ("1.2.0-x.Y.0+metadata-width-hypen", true),
            ("1.2.3-rc1-with-hypen", true),
            ("1.2.3-0abc123", true),
            ("1.2.3-beta.01", false),
            ("1.2.3.4", false),
            ("1.2.2147483648", true),
            ("20221209-update-renovatejson-v4", false),
            ("1.1.2+.123", false),
            ("1.0.0-alpha_beta", false),
            ("01.1.1", false),
            ("1.1.01", false),
            ("9.8.7+meta+meta", false),
            ("1.2.3-0123.0123", false),
            ("+invalid", false),
            ("-invalid", false),
            ("alpha+beta", false),
            ("", false),
            ("1..3", false),
        ];
        for (text, ok) in cases {
            assert_eq!(Version::parse_strict(text).is_ok(), *ok, "{text:?}");
        }
        assert_eq!(Version::parse_strict(""), Err(VersionError::Empty));
        assert_eq!(Version::parse_strict("1.2.x"), Err(VersionError::InvalidCharacters));
    }

    /// `Compare`: `version_test.go` `TestCompare` and `TestGreaterThan`.
    #[test]
    fn order_is_semver_precedence() {
        let cases: &[(&str, &str, Ordering)] = &[
            ("1.2.3", "1.5.1", Ordering::Less),
            ("2.2.3", "1.5.1", Ordering::Greater),
            ("2.2.3", "2.2.2", Ordering::Greater),
            ("3.2-beta", "3.2-beta", Ordering::Equal),
            ("1.3", "1.1.4", Ordering::Greater),
            ("4.2", "4.2-beta", Ordering::Greater),
            ("4.2-beta", "4.2", Ordering::Less),
            ("4.2-alpha", "4.2-beta", Ordering::Less),
            ("4.2-beta.2", "4.2-beta.1", Ordering::Greater),
            ("4.2-beta2", "4.2-beta1", Ordering::Greater),
            ("4.2-beta", "4.2-beta.2", Ordering::Less),
            ("4.2-beta", "4.2-beta.foo", Ordering::Less),
            ("4.2-beta.2", "4.2-beta", Ordering::Greater),
            ("1.2+bar", "1.2+baz", Ordering::Equal),
            ("1.0.0-beta.4", "1.0.0-beta.-2", Ordering::Less),
            ("1.0.0-beta.-2", "1.0.0-beta.-3", Ordering::Less),
            ("1.0.0-beta.-3", "1.0.0-beta.5", Ordering::Greater),
            ("3.2.0-beta.1", "3.2.0-beta.5", Ordering::Less),
            ("7.43.0-SNAPSHOT.99", "7.43.0-SNAPSHOT.103", Ordering::Less),
            ("7.43.0-SNAPSHOT.FOO", "7.43.0-SNAPSHOT.103", Ordering::Greater),
            ("v1.0.0", "1.0.0", Ordering::Equal),
            ("1.0.0-Z", "1.0.0-a", Ordering::Less),
            // Past `uint64` a numeric identifier is text, so above any number (ParseUint fails).
            ("1.0.0-99999999999999999999", "1.0.0-5", Ordering::Greater),
            ("1.0.0-99999999999999999999", "1.0.0-a", Ordering::Less),
        ];
        for (a, b, expected) in cases {
            assert_eq!(v(a).cmp(&v(b)), *expected, "{a} vs {b}");
            assert_eq!(v(b).cmp(&v(a)), expected.reverse(), "{b} vs {a}");
        }
        assert_eq!(v("1.0.0+a"), v("v1.0.0+b"));
    }

    /// `Constraints.Check`: `constraints_test.go` `TestConstraintsCheck` and
    /// `TestConstraintCheck` (single constraints with the group's pre-release opt-in).
    #[test]
    fn check_matches_upstream_table() {
        let cases: &[(&str, &str, bool)] = &[
            ("=2.0.0", "1.2.3", false),
            ("=2.0.0", "2.0.0", true),
            ("=2.0", "2.0.1", true),
            ("!=4.1.0", "4.1.0", false),
            ("!=4.1.0", "4.1.1", true),
            ("!=4.1", "4.1.1", false),
            ("!=4.1", "5.1.0-alpha.1", false),
            ("!=4.1-alpha", "4.1.0", true),
            ("<11", "0.1.0", true),
            ("<11", "11.1.0", false),
            ("<=11", "11.2.3", true),
            ("<=1.1", "1.1.1", true),
            (">0", "0", false),
            (">0", "1", true),
            (">0", "0.0.1-alpha", false),
            (">0-0", "0.0.1-alpha", false),
            (">0.0.0-0", "0.0.0-alpha", true),
            (">1.2.3-alpha.1", "1.3.3-alpha.2", true),
            (">11", "11.1.0", false),
            (">11.1", "11.1.1", false),
            (">11.1", "11.2.1", true),
            (">=0-0", "0.0.1-alpha", true),
            (">=0", "0.0.0-alpha", false),
            (">=0.0.0-0", "3.4.5-beta.1", true),
            ("<0-z", "0.0.0-alpha", true),
            ("*", "4.5.6", true),
            ("*", "1.2.3-alpha.1", false),
            ("*-0", "1.2.3-alpha.1", true),
            ("2.*", "3.4.5", false),
            ("2.*", "2.1.1", true),
            ("2.1.*", "2.2.1", false),
            ("2", "2.1.1", true),
            ("~1.2.3", "1.2.4", true),
            ("~1.2.3", "1.3.4", false),
            ("~1", "2.3.4", false),
            ("~1.2.3-beta.2", "1.2.4-beta.2", true),
            ("~1.2.3-beta.2", "1.3.4-beta.2", false),
            ("^1.2.3", "1.8.9", true),
            ("^1.2.3", "2.8.9", false),
            ("^1.2.0", "1.2.1-alpha.1", false),
            ("^1.2.0-alpha.0", "1.2.1-alpha.1", true),
            ("^1.2.0-alpha.2", "1.2.0-alpha.1", false),
            ("^0.2.3", "0.5.6", false),
            ("^0.0.3", "0.0.3", true),
            ("^0.0.3", "0.0.4", false),
            ("^0.0", "0.0.3", true),
            ("^0.0", "0.1.4", false),
            ("^0", "0.2.3", true),
            ("^0", "1.1.4", false),
            ("^0.2.3-beta.2", "0.2.4-beta.2", true),
            ("^0.2.3-beta.2", "0.3.4-beta.2", false),
            ("~0.0.0", "1.2.3", true),
            ("0.x.x", "1.2.3", false),
            ("0.0.x", "1.2.3", false),
            ("^0.0.0", "1.2.3", false),
            ("= 2.0", "2.0.0", true),
            ("4.1.x", "4.1.3", true),
            ("1.x", "1.4", true),
            ("!=4.1-alpha", "4.1.0-alpha", false),
            ("!=4.1-alpha", "4.1.1-alpha", false),
            ("!=4.x", "5.1.0", true),
            ("!=4.x", "4.1.0", false),
            ("!=4.1.x", "4.2.0", true),
            ("!=4.2.x", "4.2.3", false),
            ("<1.x", "1.1.1", false),
            ("<1.x", "0.1.1", true),
            ("<1.1.x", "1.1.500", false),
            ("<1.2.x", "1.1.1", true),
            (">=1.1", "4.1.0-beta", false),
            ("<=1.1-a", "0.1.0-alpha", true),
            ("<=1.x", "1.1.0", true),
            ("<=2.x", "3.0.0", false),
            ("<=1.1.x", "1.2.500", false),
            ("<=4.5", "3.7.0", true),
            ("<=4.5", "4.6.3", false),
            (">1.1, <2", "1.2.1", true),
            (">1.1, <3", "4.3.2", false),
            (">=1.1, <2, !=1.2.3", "1.2.3", false),
            (">1.1    <3", "4.3.2", false),
            (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
            (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
            (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
            (">= 1.1 <2 != 1.2.3 || > 3", "1.2.3", false),
            ("> 1.1, <     2", "1.1.1", false),
            (">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true),
            (">= 1.0.0  <= 2.0.0-beta", "1.0.1", true),
            (">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", false),
            (">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3", "1.0.1-beta", false),
            (">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", true),
            ("1.1 - 2", "1.1.1", true),
            ("1.5.0 - 4.5", "3.7.0", true),
            ("1.1-3", "4.3.2", false),
            ("^1.x", "1.1.1", true),
            ("^2.x", "1.1.1", false),
            ("^1.x", "2.1.1", false),
            ("^1.x", "1.1.1-beta1", false),
            ("^1.1.2-alpha", "1.2.1-beta1", true),
            ("^1.2.x-alpha", "1.1.1-beta1", false),
            ("^0.0.1", "0.3.1", false),
            ("~*", "2.1.1", true),
            ("~1.x", "1.3.5", true),
            ("~1.1", "1.1.1-alpha", false),
            ("~1.1-alpha", "1.1.1-beta", true),
            ("~1.1.1-beta", "1.1.1-alpha", false),
            ("~1.1.1-beta", "1.1.1", true),
            ("~1.2.3", "1.2.2", false),
            ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true),
            ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
            // The seed's range and the pre-release opt-in rules of the Flux spec.
            (">=2.0.0 <3.0.0", "2.9.1", true),
            (">=2.0.0 <3.0.0", "3.0.0", false),
            (">=2.0.0 <3.0.0", "2.5.0-rc.1", false),
            (">=1.1.0-rc.0", "1.2.0-alpha.1", true),
            (">=1.0.0-0 <2.0.0", "2.0.0-rc.1", true),
            (">=1.0.0-0 <2.0.0 || >=3.0.0", "3.1.0-rc.1", false),
            ("  v1.2.x  ", "1.2.9", true),
            ("=>1.2, =<1.3", "1.3.7", true),
            ("~>1.2", "1.2.7", true),
        ];
        for (range, version, expected) in cases {
            assert_eq!(check(range, version), *expected, "{range:?} with {version}");
        }
    }

    /// `NewConstraint`: `constraints_test.go` `TestNewConstraint` (ORs and AND counts) and
    /// `TestParseConstraint`; the empty and malformed ranges of the Flux spec.
    #[test]
    fn parse_accepts_and_rejects_like_new_constraint() {
        let cases: &[(&str, Option<(usize, usize)>)] = &[
            (">= 1.1", Some((1, 1))),
            (">40.50.60, < 50.70", Some((1, 2))),
            ("2.0", Some((1, 1))),
            ("v2.3.5-20161202202307-sha.e8fc5e5", Some((1, 1))),
            ("v1.2.3-0abc", Some((1, 1))),
            ("v1.2.3-beta.01", None),
            (">= bar", None),
            ("BAR >= 1.2.3", None),
            (">= 1.2.3 < 2.0", Some((1, 2))),
            (">= 1.2.3 < 2.0 || => 3.0 < 4", Some((2, 2))),
            (">= 1.2.3, < 2.0 || => 3.0, < 4", Some((2, 2))),
            ("3 - 4 || => 3.0, < 4", Some((2, 2))),
            ("12.3.4.1234", None),
            ("12.3.34 ~1.2.3", Some((1, 2))),
            ("12.3.34~ 1.2.3", None),
            ("1.0.0 - 2.0.0, <=2.0.0", Some((1, 3))),
            ("foo", None),
            ("", None),
            ("1.0.0p", None),
            ("*-*", None),
            (">=1.0.0 latest", None),
            ("1.2.3 ||", None),
            ("|| 1.2.3", None),
            ("1x.2", None),
            ("1|2.0.0", None),
            (">= 1.2 , <2", Some((1, 2))),
        ];
        for (range, expected) in cases {
            let got = Constraints::parse(range)
                .ok()
                .map(|c| (c.groups.len(), c.groups[0].constraints.len()));
            assert_eq!(got, *expected, "{range:?}");
        }
        assert_eq!(Constraints::parse("foo").unwrap_err(), "improper constraint: \"foo\"");
        assert_eq!(Constraints::parse("a\"\tb").unwrap_err(), "improper constraint: \"a\\\"\\tb\"");
        assert_eq!(Constraints::parse("1x.2").unwrap_err(), "constraint parser error");
        // Go's %q escapes what it does not print (output of the Go library on these inputs).
        assert_eq!(
            Constraints::parse("1.0.0\u{a0}- 2\u{b}é").unwrap_err(),
            "improper constraint: \"1.0.0\\u00a0- 2\\vé\""
        );
    }

    /// `Constraints.String()` and `rewriteRange`: `TestConstraintString`, `TestRewriteRange`.
    #[test]
    fn display_and_range_rewriting() {
        let cases: &[(&str, &str)] = &[
            ("*", "*"),
            (">= 1.2.3", ">=1.2.3"),
            ("2.x,   >=1.2.3 || >4.5.6, < 5.7", "2.x >=1.2.3 || >4.5.6 <5.7"),
            ("1.2", "1.2"),
            ("=> v1.0", "=>v1.0"),
            ("2 - 3, 4.0.0 - 5.1", ">=2 <=3 >=4.0.0 <=5.1"),
        ];
        for (range, expected) in cases {
            assert_eq!(Constraints::parse(range).unwrap().to_string(), *expected, "{range:?}");
        }
        let g = grammar();
        assert_eq!(rewrite_ranges(g, "2 - 3, 2 - 3"), ">= 2, <= 3 ,>= 2, <= 3 ");
        assert_eq!(rewrite_ranges(g, "2 - 3 4.0.0 - 5.1"), ">= 2, <= 3 >= 4.0.0, <= 5.1 ");
        assert_eq!(rewrite_ranges(g, "1.0.0 - 2.0.0 <=2.0.0"), ">= 1.0.0, <= 2.0.0 <=2.0.0");
        assert_eq!(v("v1.2-rc.1+b").to_string(), "1.2.0-rc.1+b");
    }

    /// Where the `semver` crate (1.0, Cargo's rules) answers otherwise. Each line states the
    /// Masterminds answer this module gives; the comment is the crate's. The crate is not a
    /// dependency of the core for that reason; `tests/semver_crate.rs` runs the crate on these
    /// inputs to show it really disagrees.
    #[test]
    fn semver_crate_disagrees() {
        // crate: `Version::parse` rejects all four.
        for text in ["v1.2.3", "1.2", "01.02.03", "1.2-rc.1"] {
            assert!(Version::parse(text).is_ok(), "{text}");
        }
        // crate: "1.2.3" is `^1.2.3`, so 1.4.0 matches.
        assert!(!check("1.2.3", "1.4.0"));
        // crate: rejects `||`, hyphen ranges, `=>`, and space-separated comparators.
        assert!(check("<1.0.0 || >=2.0.0", "2.1.0"));
        assert!(check("1.0.0 - 2.0.0", "2.0.0"));
        assert!(check("=>1.0.0", "1.0.0"));
        assert!(check(">=1.0.0 <2.0.0", "1.5.0"));
        // crate: a pre-release matches only a comparator with a pre-release on the same
        // major.minor.patch, so 1.5.0-rc.1 does not match `>=1.0.0-0, <2.0.0`.
        assert!(check(">=1.0.0-0, <2.0.0", "1.5.0-rc.1"));
        // crate: `>1.2` is `>=1.3.0` there too, but `<=1.2` is `<1.3.0`; both agree here, while
        // `>11` is `>=12.0.0` in both: shown to guard the dirty-minor rule.
        assert!(!check(">11", "11.9.9"));
        // crate: numeric identifiers must fit u64 and compare numerically or the parse fails;
        // upstream compares an oversized one as text.
        assert!(v("1.0.0-99999999999999999999") > v("1.0.0-5"));
    }

    /// Hostile input never panics and stays cheap (regex-lite is linear in the input).
    #[test]
    fn hostile_inputs_do_not_panic() {
        let long = "1.".repeat(50_000);
        assert!(Version::parse(&long).is_err());
        assert!(Constraints::parse(&long).is_err());
        let many = ">=1.0.0 ".repeat(5_000);
        assert!(Constraints::parse(&many).unwrap().check(&v("1.0.0")));
        let mut rng = crate::test_rng::Rng(9);
        let alphabet = b"0123456789.-+vxX*|^~<>=!, abz\t";
        for _ in 0..3_000 {
            let len = rng.below(16) as usize;
            let text: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize] as char)
                .collect();
            let _ = Version::parse(&text);
            let _ = Version::parse_strict(&text);
            if let Ok(c) = Constraints::parse(&text) {
                let _ = c.check(&v("1.2.3-rc.1"));
                assert!(Constraints::parse(&c.to_string()).is_ok(), "{text:?} -> {c}");
            }
        }
    }
}
