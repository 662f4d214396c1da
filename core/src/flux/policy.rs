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
    // Keys map to the last tag that produced them; keys keep their first position.
    let mut keys: Vec<String> = Vec::new();
    let mut originals: Vec<&str> = Vec::new();
    let mut index: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for &tag in tags {
        let key = if filter.extract.is_empty() {
            if !filter.regex.is_match(tag) {
                continue;
            }
            tag.to_string()
        } else {
            let Some(key) = filter.regex.match_expand(tag, &filter.extract) else { continue };
            key
        };
        if let Some(&i) = index.get(&key) {
            originals[i] = tag;
        } else {
            index.insert(key.clone(), keys.len());
            keys.push(key);
            originals.push(tag);
        }
    }
    if keys.is_empty() {
        return Outcome::none("version list argument cannot be empty");
    }
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let position = |key: &str| index.get(key).copied().unwrap_or(0);
    let mut outcome = elect_keys(policer, &key_refs);
    outcome.latest = outcome.latest.map(|key| originals[position(&key)].to_string());
    outcome.top = outcome.top.iter().map(|key| originals[position(key)].to_string()).collect();
    outcome
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
        let Ok(version) = Version::parse(tag) else { continue };
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
        .map(|(_, i)| keys[i].to_string())
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
        top_by(&indexed, order).into_iter().map(|(k, _)| k.to_string()).collect();
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
    let top = top_by(&values, |a, b| {
        let o = a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal);
        // Best first; among equal values the later key first (the one upstream keeps).
        (if descending { o } else { o.reverse() }).then(b.1.cmp(&a.1))
    })
    .into_iter()
    .map(|(_, i)| keys[i].to_string())
    .collect();
    Outcome { latest: Some(keys[at].to_string()), candidates: keys.len(), top, reason: None }
}

/// The first [`TOP`] items under `order`, without sorting everything (100,000 tags are
/// common in busy registries).
fn top_by<T: Clone>(items: &[T], order: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<T> {
    let mut top: Vec<T> = Vec::with_capacity(TOP + 1);
    for item in items {
        if top.len() == TOP
            && top.last().is_some_and(|last| order(item, last) != std::cmp::Ordering::Less)
        {
            continue;
        }
        let at = top.partition_point(|t| order(t, item) != std::cmp::Ordering::Greater);
        top.insert(at, item.clone());
        top.truncate(TOP);
    }
    top
}
