//! `ImagePolicy` election exactly as image-reflector-controller does it.
//!
//! Upstream (fluxcd/image-reflector-controller debe2aa): `internal/policy/factory.go` picks
//! the policer (semver, else alphabetical, else numerical), `semver.go`, `alphabetical.go`,
//! `numerical.go` elect, `filter.go` applies `filterTags`, and
//! `internal/controller/imagepolicy_controller.go` (`applyPolicy`) chains them; the
//! `ImageRepository`'s `exclusionList` (default `^.*\.sig$`) has already removed tags at scan
//! time (`imagerepository_controller.go`, `filterOutTags`).
//!
//! Two upstream behaviours are nondeterministic and are made deterministic here: the
//! filtered keys come out of a Go map (random order), so with `filterTags` Baton keeps the
//! keys in the order their first tag appears; ties after extraction (equal versions, equal
//! numbers) may therefore elect a different original tag than a given Flux run would.

use std::borrow::Cow;

use crate::semver::{Constraints, Version};

use super::goregex::GoRegex;

/// How many of the best candidates a result lists.
pub const TOP: usize = 10;

/// A policy ready to elect (upstream's `Policer`).
#[derive(Debug, Clone)]
pub enum Policer {
    SemVer(Constraints),
    /// `descending`: DESC elects the smallest.
    Alphabetical {
        descending: bool,
    },
    Numerical {
        descending: bool,
    },
}

/// `NewAlphabetical`/`NewNumerical`: the order upper-cased, empty meaning ASC.
pub fn order(written: Option<&str>) -> Result<bool, String> {
    match written.unwrap_or("").to_uppercase().as_str() {
        "" | "ASC" => Ok(false),
        "DESC" => Ok(true),
        other => {
            Err(format!("invalid order argument provided: '{other}', must be one of: ASC, DESC"))
        }
    }
}

/// `filterTags`: the compiled pattern and the `extract` template.
#[derive(Debug, Clone)]
pub struct Filter {
    pub regex: GoRegex,
    pub extract: String,
}

/// What a policy elects from a tag list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The elected tag (the original tag, not an extracted key), or `None` with `reason`.
    pub latest: Option<String>,
    /// How many tags the policy could elect: tags after exclusion and filtering that parse
    /// (and, for semver, satisfy the range).
    pub candidates: usize,
    /// Up to [`TOP`] of them, best first.
    pub top: Vec<String>,
    /// Flux's message when nothing is elected.
    pub reason: Option<String>,
}

impl Outcome {
    fn none(reason: &str) -> Outcome {
        Outcome { latest: None, candidates: 0, top: Vec::new(), reason: Some(reason.to_string()) }
    }
}

/// Elects from `tags` (already without excluded tags): `applyPolicy` after reading tags.
#[must_use]
pub fn elect(policer: &Policer, filter: Option<&Filter>, tags: &[&str]) -> Outcome {
    if tags.is_empty() {
        return Outcome::none("no tags in database");
    }
    let Some(filter) = filter else { return elect_keys(policer, tags) };
    // Keys map to the last tag that produced them; keys keep their first position. A key is
    // the tag itself, or the extracted text (borrowed from the tag when `extract` is one group
    // reference, as `$ts` is; allocated once otherwise), then the keys are listed in order of
    // first position. The map's order is never shown, so keys are ordered by a hash first: one
    // integer comparison instead of comparing strings that often share a long prefix
    // (timestamps).
    let mut index: std::collections::BTreeMap<Key<'_>, (usize, &str)> =
        std::collections::BTreeMap::new();
    let mut locations = filter.regex.locations();
    for &tag in tags {
        let key = if filter.extract.is_empty() {
            if !filter.regex.is_match_with(&mut locations, tag) {
                continue;
            }
            Cow::Borrowed(tag)
        } else {
            let Some(key) = filter.regex.match_expand_with(&mut locations, tag, &filter.extract)
            else {
                continue;
            };
            key
        };
        let next = index.len();
        index
            .entry((key_hash(&key), key))
            .and_modify(|(_, original)| *original = tag)
            .or_insert((next, tag));
    }
    if index.is_empty() {
        return Outcome::none("version list argument cannot be empty");
    }
    // The keys in key order (the map's); the policers read them in order of first position.
    let keys: Vec<(Key<'_>, usize, &str)> =
        index.into_iter().map(|(key, (at, original))| (key, at, original)).collect();
    let mut key_refs: Vec<&str> = vec![""; keys.len()];
    for ((_, key), at, _) in &keys {
        if let Some(slot) = key_refs.get_mut(*at) {
            *slot = key;
        }
    }
    let mut outcome = elect_keys(policer, &key_refs);
    // The policers return keys as `&str` copies: map them back to their tags.
    let original = |key: &str| {
        let hash = key_hash(key);
        keys.binary_search_by(|((h, k), _, _)| (*h, &**k).cmp(&(hash, key)))
            .map_or("", |i| keys[i].2)
            .to_string()
    };
    outcome.latest = outcome.latest.map(|key| original(&key));
    outcome.top = outcome.top.iter().map(|key| original(key)).collect();
    outcome
}

/// A `filterTags` key in [`elect`]'s map: its [`key_hash`], then the key.
type Key<'a> = (u64, Cow<'a, str>);

/// FNV-1a (64 bits): the order of [`elect`]'s key map, which nothing shows.
fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The policer's `Latest` on `keys`.
fn elect_keys(policer: &Policer, keys: &[&str]) -> Outcome {
    match policer {
        Policer::SemVer(constraints) => semver(constraints, keys),
        Policer::Alphabetical { descending } => alphabetical(*descending, keys),
        Policer::Numerical { descending } => numerical(*descending, keys),
    }
}

/// `SemVer.Latest`: tags of three dot-separated parts that Masterminds parses and the range
/// admits; a later tag replaces the best only if strictly greater.
fn semver(constraints: &Constraints, keys: &[&str]) -> Outcome {
    let mut admitted: Vec<(Version, usize)> = Vec::new();
    let mut best: Option<usize> = None;
    for (i, tag) in keys.iter().enumerate() {
        // fluxcd/pkg version.ParseVersion: strings.SplitN(tag, ".", 3) must give 3 parts.
        if tag.splitn(3, '.').count() != 3 {
            continue;
        }
        let Ok(version) = Version::parse_unkept(tag) else { continue };
        if !constraints.check(&version) {
            continue;
        }
        if best.is_none_or(|b| version > admitted[b].0) {
            best = Some(admitted.len());
        }
        admitted.push((version, i));
    }
    let Some(best) = best else {
        return Outcome::none("unable to determine latest version from provided list");
    };
    let latest = keys[admitted[best].1].to_string();
    let candidates = admitted.len();
    // Best first; among equal versions the earlier tag first (the one upstream keeps).
    let top = top_by(&admitted, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)))
        .into_iter()
        .map(|i| keys[admitted[i].1].to_string())
        .collect();
    Outcome { latest: Some(latest), candidates, top, reason: None }
}

/// `Alphabetical.Latest`: byte order; ASC elects the greatest, DESC the smallest.
fn alphabetical(descending: bool, keys: &[&str]) -> Outcome {
    let indexed: Vec<(&str, usize)> = keys.iter().copied().zip(0..).collect();
    let order = |a: &(&str, usize), b: &(&str, usize)| {
        let o = a.0.cmp(b.0);
        if descending { o } else { o.reverse() }
    };
    let top: Vec<String> =
        top_by(&indexed, order).into_iter().map(|i| indexed[i].0.to_string()).collect();
    Outcome { latest: top.first().cloned(), candidates: keys.len(), top, reason: None }
}

/// `Numerical.Latest`: every key must parse as Go's `ParseFloat`; each later key replaces
/// the current one unless strictly worse (so equal values, and NaN, go to the later key).
fn numerical(descending: bool, keys: &[&str]) -> Outcome {
    let mut values: Vec<(f64, usize)> = Vec::with_capacity(keys.len());
    let mut latest: Option<(f64, usize)> = None;
    for (i, key) in keys.iter().enumerate() {
        let Some(value) = crate::float::parse_go_f64(key) else {
            return Outcome::none(&format!("failed to parse invalid numeric value '{key}'"));
        };
        let worse = latest
            .is_some_and(|(current, _)| if descending { value > current } else { value < current });
        if !worse {
            latest = Some((value, i));
        }
        values.push((value, i));
    }
    let Some((_, at)) = latest else {
        return Outcome::none("version list argument cannot be empty");
    };
    let mut top: Vec<usize> = top_by(&values, |a, b| {
        let o = a.0.total_cmp(&b.0);
        // Best first; among equal values the later key first (the one upstream keeps).
        (if descending { o } else { o.reverse() }).then(b.1.cmp(&a.1))
    })
    .into_iter()
    .map(|i| values[i].1)
    .collect();
    // NaN has no place in an order; the elected key is listed first whatever it is.
    top.retain(|&i| i != at);
    top.insert(0, at);
    top.truncate(TOP);
    let top = top.into_iter().map(|i| keys[i].to_string()).collect();
    Outcome { latest: Some(keys[at].to_string()), candidates: keys.len(), top, reason: None }
}

/// The indices of the first [`TOP`] items under `order`, without sorting everything
/// (100,000 tags are common in busy registries).
fn top_by<T>(items: &[T], order: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<usize> {
    let mut top: Vec<usize> = Vec::with_capacity(TOP + 1);
    for (i, item) in items.iter().enumerate() {
        if top.len() == TOP
            && top.last().is_some_and(|&last| order(item, &items[last]) != std::cmp::Ordering::Less)
        {
            continue;
        }
        let at = top.partition_point(|&t| order(&items[t], item) != std::cmp::Ordering::Greater);
        top.insert(at, i);
        top.truncate(TOP);
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy)]
    enum P {
        SemVer(&'static str),
        Alpha(bool),
        Num(bool),
    }

    struct Case {
        note: &'static str,
        policy: P,
        /// `filterTags`: pattern and extract.
        filter: Option<(&'static str, &'static str)>,
        tags: &'static [&'static str],
        /// The elected tag, or Flux's reason for electing nothing.
        expect: Result<&'static str, &'static str>,
    }

    const NONE_IN_RANGE: &str = "unable to determine latest version from provided list";
    const NO_TAGS: &str = "no tags in database";
    const NO_KEYS: &str = "version list argument cannot be empty";

    fn case(
        note: &'static str,
        policy: P,
        tags: &'static [&'static str],
        expect: Result<&'static str, &'static str>,
    ) -> Case {
        Case { note, policy, filter: None, tags, expect }
    }

    fn filtered(
        note: &'static str,
        policy: P,
        filter: (&'static str, &'static str),
        tags: &'static [&'static str],
        expect: Result<&'static str, &'static str>,
    ) -> Case {
        Case { note, policy, filter: Some(filter), tags, expect }
    }

    const UBUNTU: &[&str] = &["16.04", "16.04.1", "16.10", "20.04", "20.10"];
    const NAMES: &[&str] = &["xenial", "yakkety", "zesty", "artful", "bionic"];
    const STAMPS: &[&str] = &["1606234201", "1606364286", "1606334092", "1606334284", "1606334201"];
    const RFC3339: &[&str] = &[
        "2021-01-08T21-18-21Z",
        "2020-05-08T21-18-21Z",
        "2021-01-08T19-20-00Z",
        "1990-01-08T00-20-00Z",
        "2023-05-08T00-20-00Z",
    ];

    /// Expectations: image-reflector-controller debe2aa `internal/policy/semver_test.go`,
    /// `alphabetical_test.go`, `numerical_test.go`, `filter_test.go` (cases marked "upstream"),
    /// and the rules of `semver.go`/`numerical.go`/`filter.go` with Masterminds/semver and Go's
    /// `strconv.ParseFloat` (the others; see `specs/flux-image-automation.md`).
    fn cases() -> Vec<Case> {
        use P::{Alpha, Num, SemVer};
        vec![
            // semver_test.go (upstream).
            case(
                "upstream: valid format",
                SemVer("1.0.x"),
                &["1.0.0", "1.0.0.1", "1.0.0p", "1.0.1", "1.2.0", "0.1.0"],
                Ok("1.0.1"),
            ),
            case(
                "upstream: v prefix kept",
                SemVer("1.0.x"),
                &["v1.2.3", "v1.0.0", "v0.1.0"],
                Ok("v1.0.0"),
            ),
            case(
                "upstream: invalid prefix",
                SemVer("1.0.x"),
                &["b1.2.3", "b1.0.0", "b0.1.0"],
                Err(NONE_IN_RANGE),
            ),
            case("upstream: empty list", SemVer("1.0.x"), &[], Err(NO_TAGS)),
            case("upstream: nothing in range", SemVer("1.0.x"), &["1.2.0"], Err(NONE_IN_RANGE)),
            // semver rules.
            case(
                "the seed's range",
                SemVer(">=2.0.0 <3.0.0"),
                &["1.9.0", "2.0.0", "2.3.1", "2.10.0", "3.0.0", "2.11.0-rc.1"],
                Ok("2.10.0"),
            ),
            case(
                "fewer than three parts are skipped",
                SemVer(">=1.0.0"),
                &["1.2", "v1", "1.0.0"],
                Ok("1.0.0"),
            ),
            case("1.2-rc.1 has three parts", SemVer(">=1.0.0-0"), &["1.2-rc.1"], Ok("1.2-rc.1")),
            case("1.0+build.5 has three parts", SemVer("*"), &["1.0+build.5"], Ok("1.0+build.5")),
            case(
                "equal versions: the first stays",
                SemVer(">=1.0.0"),
                &["v1.0.0", "1.0.0"],
                Ok("v1.0.0"),
            ),
            case(
                "metadata is ignored: the first stays",
                SemVer("*"),
                &["1.0.0+b", "1.0.0+a"],
                Ok("1.0.0+b"),
            ),
            case(
                "leading zeros (CalVer)",
                SemVer(">=2024.1.0"),
                &["2024.01.05", "2024.01.10", "2023.12.31"],
                Ok("2024.01.10"),
            ),
            case(
                "past uint64 is skipped",
                SemVer("*"),
                &["99999999999999999999.0.0", "1.0.0"],
                Ok("1.0.0"),
            ),
            case(
                "numeric pre-release with leading zero is skipped",
                SemVer(">=0.0.0-0"),
                &["1.0.0-01", "0.9.0"],
                Ok("0.9.0"),
            ),
            case("four parts do not parse", SemVer(">=1.0.0"), &["1.0.0.0"], Err(NONE_IN_RANGE)),
            case(
                "upper-case V is not a prefix",
                SemVer(">=0.0.0"),
                &["V1.0.0", "0.5.0"],
                Ok("0.5.0"),
            ),
            case(
                "non-versions are skipped",
                SemVer(">=1.0.0"),
                &["latest", "main", "1.0.0", "sha-abc123"],
                Ok("1.0.0"),
            ),
            case(
                "pre-release opt-in admits any pre-release",
                SemVer(">=1.1.0-rc.0"),
                &["1.2.0-alpha.1", "1.1.0"],
                Ok("1.2.0-alpha.1"),
            ),
            case(
                "pre-release below the upper bound",
                SemVer(">=1.0.0-0 <2.0.0"),
                &["1.9.0", "2.0.0-rc.1"],
                Ok("2.0.0-rc.1"),
            ),
            case(
                "opt-in is per OR group",
                SemVer(">=1.0.0-0 <2.0.0 || >=3.0.0"),
                &["3.1.0-rc.1", "1.5.0"],
                Ok("1.5.0"),
            ),
            case(
                "no opt-in: pre-releases skipped",
                SemVer("*"),
                &["1.0.0-rc.1", "0.9.0"],
                Ok("0.9.0"),
            ),
            case("only pre-releases, no opt-in", SemVer("*"), &["1.0.0-rc.1"], Err(NONE_IN_RANGE)),
            case(
                "pre-release numbers compare numerically",
                SemVer(">=1.0.0-0"),
                &["1.0.0-rc.2", "1.0.0-rc.10", "1.0.0-rc.9"],
                Ok("1.0.0-rc.10"),
            ),
            case(
                "pre-release identifiers compare as text",
                SemVer(">=1.0.0-0"),
                &["1.0.0-alpha.1", "1.0.0-alpha", "1.0.0-beta"],
                Ok("1.0.0-beta"),
            ),
            case("caret", SemVer("^1.2.3"), &["1.2.2", "1.9.9", "2.0.0"], Ok("1.9.9")),
            case("tilde", SemVer("~1.2.3"), &["1.2.9", "1.3.0"], Ok("1.2.9")),
            case("caret on 0.x", SemVer("^0.2.3"), &["0.2.9", "0.3.0"], Ok("0.2.9")),
            case("caret on 0.0.x is exact", SemVer("^0.0.3"), &["0.0.3", "0.0.4"], Ok("0.0.3")),
            case(">1.2 needs minor 3", SemVer(">1.2"), &["1.2.9"], Err(NONE_IN_RANGE)),
            case("<=1.2 admits 1.2.x", SemVer("<=1.2"), &["1.2.9", "1.3.0"], Ok("1.2.9")),
            case(
                "hyphen range, dirty upper bound",
                SemVer("1.0 - 2.0"),
                &["2.0.5", "2.0.0", "1.5.0", "2.1.0"],
                Ok("2.0.5"),
            ),
            case(
                "OR groups",
                SemVer("<1.0.0 || >=2.0.0"),
                &["1.5.0", "0.9.0", "2.1.0"],
                Ok("2.1.0"),
            ),
            case("commas and spaces", SemVer(">= 1.2.3, < 2.0"), &["1.9.9", "2.0.0"], Ok("1.9.9")),
            case("exact", SemVer("=1.2.3"), &["1.2.3", "1.2.4"], Ok("1.2.3")),
            case("not equal", SemVer("!=1.2.3"), &["1.2.3"], Err(NONE_IN_RANGE)),
            case("wildcard minor", SemVer("1.x"), &["1.9.0", "2.0.0"], Ok("1.9.0")),
            // alphabetical_test.go (upstream).
            case("upstream: Ubuntu CalVer", Alpha(false), UBUNTU, Ok("20.10")),
            case("upstream: Ubuntu CalVer desc", Alpha(true), UBUNTU, Ok("16.04")),
            case("upstream: code names", Alpha(false), NAMES, Ok("zesty")),
            case("upstream: code names desc", Alpha(true), NAMES, Ok("artful")),
            case("upstream: timestamps", Alpha(false), STAMPS, Ok("1606364286")),
            case("upstream: timestamps desc", Alpha(true), STAMPS, Ok("1606234201")),
            case(
                "upstream: timestamps with prefix",
                Alpha(false),
                &[
                    "rel-1606234201",
                    "rel-1606364286",
                    "rel-1606334092",
                    "rel-1606334284",
                    "rel-1606334201",
                ],
                Ok("rel-1606364286"),
            ),
            case("upstream: RFC3339", Alpha(false), RFC3339, Ok("2023-05-08T00-20-00Z")),
            case("upstream: RFC3339 desc", Alpha(true), RFC3339, Ok("1990-01-08T00-20-00Z")),
            case("upstream: empty list", Alpha(false), &[], Err(NO_TAGS)),
            case("byte order: lower case after upper case", Alpha(false), &["a", "Z"], Ok("a")),
            case("byte order: digits before letters", Alpha(true), &["a1", "9z"], Ok("9z")),
            // numerical_test.go (upstream; its lists are shuffled, the answer does not depend on order).
            case(
                "upstream: integers",
                Num(false),
                &["-62", "-88", "73", "72", "15", "16", "15", "29", "-33", "-91"],
                Ok("73"),
            ),
            case(
                "upstream: integers desc",
                Num(true),
                &["5", "-8", "-78", "25", "70", "-4", "80", "92", "-20", "-24"],
                Ok("-78"),
            ),
            case(
                "upstream: floats",
                Num(false),
                &[
                    "47.40896403322944",
                    "-27.8520927455902",
                    "-31.352485948094568",
                    "24.71884721436865",
                    "53.47333823144817",
                    "3.2008658570411086",
                ],
                Ok("53.47333823144817"),
            ),
            case(
                "upstream: floats desc",
                Num(true),
                &[
                    "-65.27202780220686",
                    "57.82948329142309",
                    "-90.29082099756083",
                    "-12.041712603564264",
                    "77.70488240399305",
                ],
                Ok("-90.29082099756083"),
            ),
            case("upstream: timestamps", Num(false), STAMPS, Ok("1606364286")),
            case("upstream: timestamps desc", Num(true), STAMPS, Ok("1606234201")),
            case("upstream: single value", Num(false), &["1"], Ok("1")),
            case("upstream: single value desc", Num(true), &["1"], Ok("1")),
            case(
                "upstream: invalid value fails the policy",
                Num(false),
                &["0", "1a", "b"],
                Err("failed to parse invalid numeric value '1a'"),
            ),
            case("upstream: empty list", Num(false), &[], Err(NO_TAGS)),
            case("equal values: the later tag wins", Num(false), &["1.0", "1"], Ok("1")),
            case("equal values desc: the later tag wins", Num(true), &["2", "2.0", "3"], Ok("2.0")),
            case("underscores between digits", Num(false), &["1_000", "999"], Ok("1_000")),
            case("hexadecimal with exponent", Num(false), &["0x1p4", "15"], Ok("0x1p4")),
            case(
                "hexadecimal without exponent fails",
                Num(false),
                &["0x10", "1"],
                Err("failed to parse invalid numeric value '0x10'"),
            ),
            case("NaN replaces and is replaced", Num(false), &["1", "NaN", "0"], Ok("0")),
            case("infinity", Num(false), &["inf", "1e308"], Ok("inf")),
            case(
                "out of range fails",
                Num(false),
                &["1e400"],
                Err("failed to parse invalid numeric value '1e400'"),
            ),
            case("desc: -Infinity", Num(true), &["-1", "-Infinity"], Ok("-Infinity")),
            case(
                "a leading underscore fails",
                Num(false),
                &["_1000"],
                Err("failed to parse invalid numeric value '_1000'"),
            ),
            // filter_test.go (upstream) and filter.go.
            filtered(
                "upstream: pattern",
                Alpha(false),
                ("^ver", ""),
                &["ver1", "ver2", "ver3", "rel1"],
                Ok("ver3"),
            ),
            filtered(
                "upstream: capture group",
                Num(false),
                ("ver(\\d+)", "$1"),
                &["ver1", "ver2", "ver3", "rel1"],
                Ok("ver3"),
            ),
            filtered(
                "upstream: named group",
                Alpha(false),
                ("^(?P<tag>123-[0-9]+\\.[0-9]+\\.[a-z0-9]+$)", "$tag"),
                &["123-123.123.abc-debug", "123-123.123.abc", "123-123.123.def"],
                Ok("123-123.123.def"),
            ),
            filtered(
                "timestamps extracted from main-<sha>-<ts>",
                Num(false),
                ("^main-[a-f0-9]+-(?P<ts>[0-9]+)", "$ts"),
                &[
                    "main-abc123-1606364286",
                    "main-def456-1606234201",
                    "feature-x-1706234201",
                    "latest",
                ],
                Ok("main-abc123-1606364286"),
            ),
            filtered(
                "Go 1.22 group syntax",
                Num(false),
                ("^b-(?<n>[0-9]+)$", "$n"),
                &["b-9", "b-10"],
                Ok("b-10"),
            ),
            filtered(
                "nothing matches",
                SemVer("*"),
                ("^release-", ""),
                &["1.0.0", "2.0.0"],
                Err(NO_KEYS),
            ),
            filtered(
                "an empty pattern matches every tag",
                Alpha(false),
                ("", ""),
                &["a", "c", "b"],
                Ok("c"),
            ),
            filtered(
                "same key: the later tag wins",
                Num(false),
                ("^(\\d+)-", "$1"),
                &["1-a", "1-b", "0-c"],
                Ok("1-b"),
            ),
            filtered(
                "semver on extracted keys",
                SemVer("*"),
                ("^v?(?P<v>[0-9.]+)-rc$", "$v"),
                &["1.2.3-rc", "v1.2.4-rc", "1.2.5"],
                Ok("v1.2.4-rc"),
            ),
            filtered(
                "unanchored, leftmost match",
                Num(false),
                ("[0-9]+", "$0"),
                &["a12b99", "x13"],
                Ok("x13"),
            ),
            filtered(
                "`$1x` is group \"1x\": empty keys",
                Alpha(false),
                ("^(a)(b)$", "$1x"),
                &["ab"],
                Ok("ab"),
            ),
            filtered("`${1}x`", Alpha(false), ("^(.)(.)$", "${2}x"), &["ab", "ba"], Ok("ab")),
            filtered(
                "semver after extraction with a filter that drops non-versions",
                SemVer(">=1.0.0"),
                ("^app-(.*)$", "$1"),
                &["app-1.0.0", "lib-9.0.0", "app-1.1.0"],
                Ok("app-1.1.0"),
            ),
        ]
    }

    #[test]
    fn policies_elect_as_image_reflector_controller() {
        let cases = cases();
        assert!(cases.len() >= 60, "{} cases", cases.len());
        for c in &cases {
            let policer = match c.policy {
                P::SemVer(range) => Policer::SemVer(Constraints::parse(range).unwrap()),
                P::Alpha(descending) => Policer::Alphabetical { descending },
                P::Num(descending) => Policer::Numerical { descending },
            };
            let filter = c.filter.map(|(pattern, extract)| Filter {
                regex: GoRegex::compile(pattern).unwrap(),
                extract: extract.to_string(),
            });
            let outcome = elect(&policer, filter.as_ref(), c.tags);
            let got = match (&outcome.latest, &outcome.reason) {
                (Some(tag), _) => Ok(tag.as_str()),
                (None, Some(reason)) => Err(reason.as_str()),
                (None, None) => panic!("{}: neither a tag nor a reason", c.note),
            };
            assert_eq!(got, c.expect, "{}", c.note);
            if let Ok(latest) = c.expect {
                assert_eq!(
                    outcome.top.first().map(String::as_str),
                    Some(latest),
                    "{}: top",
                    c.note
                );
            }
        }
    }

    /// `NewAlphabetical`/`NewNumerical` (`alphabetical_test.go`, `numerical_test.go`) after
    /// `factory.go` upper-cases the order.
    #[test]
    fn order_is_upper_cased_and_checked() {
        assert_eq!(order(None), Ok(false));
        assert_eq!(order(Some("")), Ok(false));
        assert_eq!(order(Some("asc")), Ok(false));
        assert_eq!(order(Some("Desc")), Ok(true));
        assert_eq!(
            order(Some("invalid")),
            Err("invalid order argument provided: 'INVALID', must be one of: ASC, DESC".to_string())
        );
    }

    /// Each `filterTags` key stands for its last tag (image-reflector-controller d6db893
    /// `internal/policy/filter.go`: `filtered[tag] = item`); upstream lists the keys in Go's
    /// map order (random), Baton in the order of their first tag (module documentation), so
    /// a numerical tie goes to the key listed later; `top` names tags, not keys.
    #[test]
    fn filtered_keys_keep_their_first_position_and_name_their_last_tag() {
        let policer = Policer::Numerical { descending: false };
        let filter = Filter { regex: GoRegex::compile("^(\\d+)-").unwrap(), extract: "$1".into() };
        let outcome = elect(&policer, Some(&filter), &["7-a", "3-b", "07-c", "x", "3-d"]);
        assert_eq!(outcome.latest.as_deref(), Some("07-c"));
        assert_eq!(outcome.candidates, 3);
        assert_eq!(outcome.top, ["07-c", "7-a", "3-d"]);
    }

    #[test]
    fn candidates_and_top_list_the_best_first() {
        let policer = Policer::SemVer(Constraints::parse(">=1.0.0").unwrap());
        let tags: Vec<String> = (0..30).map(|i| format!("1.{i}.0")).collect();
        let refs: Vec<&str> = tags.iter().map(String::as_str).collect();
        let outcome = elect(&policer, None, &refs);
        assert_eq!(outcome.candidates, 30);
        assert_eq!(outcome.top.len(), TOP);
        assert_eq!(outcome.top[0], "1.29.0");
        assert_eq!(outcome.top[9], "1.20.0");
    }
}
