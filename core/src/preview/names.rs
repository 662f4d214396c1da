//! Names of preview environments: placeholder templates, branch slugs and the Kubernetes name
//! rules every expanded name must meet.
//!
//! A preview's path, namespace, host, image tag, labels and annotations are templates over
//! the same placeholders: `{app}` (the app's name), `{app_path}` (its directory), `{number}`,
//! `{branch}`, `{branch_slug}`, `{sha}` and `{sha:N}` (its first N characters). A template is
//! checked when `baton.yaml` is read (an unknown placeholder is an error at its bytes) and
//! again when a preview is planned, with the real values: a namespace must be a DNS-1123
//! label, a host a DNS-1123 subdomain, a tag a tag a registry accepts, a label value a label
//! value. Nothing is silently cut to fit except `{branch_slug}`, which exists to be a name
//! part: it is Argo CD's `branch_slug` (gosimple/slug, at most 50 characters, so paths and
//! names agree with a pull-request `ApplicationSet`), shortened further at a `-` when the name
//! it is part of would exceed its limit. Other values that break a rule are diagnostics.

use std::fmt::Write as _;

/// One piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'t> {
    Text(&'t str),
    App,
    AppPath,
    Number,
    Branch,
    BranchSlug,
    /// `{sha}` (`None`) or `{sha:N}`.
    Sha(Option<usize>),
}

/// The placeholders, as messages list them.
pub const PLACEHOLDERS: &str =
    "{app}, {app_path}, {number}, {branch}, {branch_slug}, {sha}, {sha:N}";

/// Reads a template. `Err` says what is wrong (an unclosed `{`, an unknown placeholder).
pub fn parse(template: &str) -> Result<Vec<Part<'_>>, String> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(Part::Text(&rest[..open]));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(format!("an unclosed `{{` in {template:?}"));
        };
        let name = &after[..close];
        parts.push(match name {
            "app" => Part::App,
            "app_path" => Part::AppPath,
            "number" => Part::Number,
            "branch" => Part::Branch,
            "branch_slug" => Part::BranchSlug,
            "sha" => Part::Sha(None),
            _ => match name.strip_prefix("sha:").map(str::parse::<usize>) {
                Some(Ok(n)) if (1..=64).contains(&n) => Part::Sha(Some(n)),
                Some(_) => return Err(format!("`{{{name}}}`: N must be a number from 1 to 64")),
                None => {
                    return Err(format!(
                        "unknown placeholder `{{{name}}}` (known: {PLACEHOLDERS})"
                    ));
                }
            },
        });
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest));
    }
    Ok(parts)
}

/// What the placeholders stand for in one preview.
#[derive(Debug, Clone, Copy)]
pub struct Values<'a> {
    pub app: &'a str,
    pub app_path: &'a str,
    pub number: u64,
    pub branch: Option<&'a str>,
    pub sha: Option<&'a str>,
}

/// What an expanded template must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// A DNS-1123 label (a namespace): at most 63 characters.
    Label,
    /// A DNS-1123 subdomain (a host): labels joined by `.`, at most 253 characters.
    Host,
    /// An image tag: at most 128 characters.
    Tag,
    /// A Kubernetes label value: at most 63 characters, may be empty.
    LabelValue,
    /// Any text (an annotation value).
    Text,
}

impl NameKind {
    /// Longest value (per DNS label for a host).
    fn limit(self) -> usize {
        match self {
            NameKind::Label | NameKind::Host | NameKind::LabelValue => 63,
            NameKind::Tag => 128,
            NameKind::Text => usize::MAX,
        }
    }
}

/// An expanded name, and how `{branch_slug}` was fitted into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    pub value: String,
    /// `{branch_slug}` was shortened below Argo CD's 50 characters to fit the name's limit.
    pub shortened: bool,
}

/// Expands `template` as a name of `kind` and checks it. `Err` says why no valid name comes
/// out (a value the template needs is missing, or the result breaks the name's rules).
pub fn expand(template: &str, kind: NameKind, values: &Values) -> Result<Expanded, String> {
    let slug = values.branch.map(|b| branch_slug(b).value);
    let pieces: Vec<&str> =
        if kind == NameKind::Host { template.split('.').collect() } else { vec![template] };
    let mut out = Expanded { value: String::new(), shortened: false };
    for (i, piece) in pieces.into_iter().enumerate() {
        if i > 0 {
            out.value.push('.');
        }
        let parts = parse(piece)?;
        let slugs = parts.iter().filter(|p| **p == Part::BranchSlug).count();
        let mut slug = slug.clone().unwrap_or_default();
        // What the rest of the name takes, when the slug is in it.
        let fixed = if slugs > 0 { fill(&parts, values, "")?.chars().count() } else { 0 };
        if let Some(room) = kind.limit().saturating_sub(fixed).checked_div(slugs)
            && slug.len() > room
        {
            if room == 0 {
                return Err(format!(
                    "{template:?} leaves no room for {{branch_slug}} within {} characters",
                    kind.limit()
                ));
            }
            slug = truncate_at_dash(&slug, room);
            out.shortened = true;
        }
        out.value.push_str(&fill(&parts, values, &slug)?);
    }
    check(&out.value, kind)?;
    Ok(out)
}

/// The parts filled in, `{branch_slug}` with `slug`.
fn fill(parts: &[Part], values: &Values, slug: &str) -> Result<String, String> {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::App => out.push_str(values.app),
            Part::AppPath => out.push_str(values.app_path),
            Part::Number => {
                let _ = write!(out, "{}", values.number);
            }
            Part::Branch | Part::BranchSlug => {
                let Some(branch) = values.branch else {
                    return Err("it uses the branch, and no branch was given".into());
                };
                out.push_str(if *part == Part::Branch { branch } else { slug });
            }
            Part::Sha(n) => {
                let Some(sha) = values.sha else {
                    return Err("it uses the commit sha, and no sha was given".into());
                };
                // `{sha:N}` of a shorter sha is the whole sha, as Argo CD's short shas are.
                let end = n.map_or(sha.len(), |n| sha.len().min(n));
                out.push_str(sha.get(..end).unwrap_or(sha));
            }
        }
    }
    Ok(out)
}

/// Checks an expanded value against the rules of its kind.
pub fn check(value: &str, kind: NameKind) -> Result<(), String> {
    match kind {
        NameKind::Label => check_label(value, "a namespace (DNS-1123 label)"),
        NameKind::Host => {
            if value.len() > 253 {
                return Err(format!("host {value:?} is longer than 253 characters"));
            }
            value.split('.').try_for_each(|label| {
                check_label(label, "a DNS-1123 label").map_err(|e| format!("host {value:?}: {e}"))
            })
        }
        NameKind::Tag => {
            let ok = value.len() <= 128
                && value.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "{value:?} is not an image tag (letters, digits, '_', '.' and '-', not starting with '.' or '-', at most 128 characters)"
                ))
            }
        }
        NameKind::LabelValue => {
            let inner = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
            let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
            let ok = value.is_empty()
                || (value.len() <= 63
                    && value.chars().all(inner)
                    && edge(value.chars().next())
                    && edge(value.chars().last()));
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "{value:?} is not a label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)"
                ))
            }
        }
        NameKind::Text => Ok(()),
    }
}

/// A DNS-1123 label: lowercase letters, digits and `-`, starting and ending with a letter or
/// digit, 1 to 63 characters.
fn check_label(value: &str, what: &str) -> Result<(), String> {
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let ok = !value.is_empty()
        && value.len() <= 63
        && value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && edge(value.chars().next())
        && edge(value.chars().last());
    if ok {
        return Ok(());
    }
    let why = if value.is_empty() {
        "it is empty".to_string()
    } else if value.len() > 63 {
        format!("it has {} characters, more than 63", value.len())
    } else {
        "only lowercase letters, digits and '-' are allowed, starting and ending with a letter or digit".to_string()
    };
    Err(format!("{value:?} is not {what}: {why}"))
}

/// A branch's slug, and whether characters were replaced that Argo CD would transliterate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug {
    pub value: String,
    /// The branch has non-ASCII characters: Argo CD transliterates them (`é` → `e`, with
    /// gosimple/unidecode's tables, which Baton does not carry); Baton writes `-`.
    pub lossy: bool,
}

/// Argo CD's `branch_slug` (`applicationset/generators/pull_request.go`: gosimple/slug with
/// `MaxLength` 50 and `_` → `-`): trimmed, `&` → `and`, `@` → `at`, lowercase, every character
/// but `a-z`, `0-9` and `-` → `-`, runs of `-` made one, `-` trimmed from both ends, then cut
/// at the last `-` at or before index 50 (`slug.go` `smartTruncate`).
#[must_use]
pub fn branch_slug(branch: &str) -> Slug {
    let mut lossy = false;
    let mut out = String::new();
    for c in branch.trim().chars() {
        match c {
            '&' => out.push_str("and"),
            '@' => out.push_str("at"),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            c => {
                lossy |= !c.is_ascii();
                if !out.ends_with('-') {
                    out.push('-');
                }
            }
        }
    }
    let trimmed = out.trim_matches('-');
    Slug { value: truncate_at_dash(trimmed, 50), lossy }
}

/// gosimple/slug's `smartTruncate`: at most `max` bytes (ASCII here), cut at the last `-` at
/// or before index `max` when there is one, else at `max`.
fn truncate_at_dash(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let cut = (0..=max).rev().find(|&i| bytes[i] == b'-').unwrap_or(max);
    text[..cut].trim_end_matches('-').to_string()
}

/// Where the previews of one app live: `<root>/<prefix><number><suffix>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern {
    /// The directory holding the previews (normalized).
    pub root: String,
    pub prefix: String,
    pub suffix: String,
}

impl PathPattern {
    /// The directory of the preview of PR `number`.
    #[must_use]
    pub fn dir(&self, number: u64) -> String {
        let name = format!("{}{number}{}", self.prefix, self.suffix);
        if self.root.is_empty() { name } else { format!("{}/{name}", self.root) }
    }

    /// The PR number of a directory named `name` directly under the root, if it is a preview's.
    #[must_use]
    pub fn number_of(&self, name: &str) -> Option<u64> {
        let digits = name.strip_prefix(&self.prefix)?.strip_suffix(&self.suffix)?;
        let number: u64 = digits.parse().ok()?;
        (number > 0 && number.to_string() == digits).then_some(number)
    }
}

/// Why a path template cannot place previews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// The template itself is wrong (placeholders, `{number}`).
    Template(String),
    /// It leads outside the app's directory or the repository.
    Escapes(String),
}

/// The pattern of a path template for the app `values.app` at `values.app_path`. A path may
/// use `{app}`, `{app_path}` and, once, in its last segment, `{number}`: a preview's directory
/// must follow from the PR number alone, or cleanup could not find it.
pub fn path_pattern(template: &str, values: &Values) -> Result<PathPattern, PathError> {
    let parts = parse(template).map_err(PathError::Template)?;
    let mut head = String::new();
    let mut tail: Option<String> = None;
    for part in &parts {
        let text = match part {
            Part::Text(text) => *text,
            Part::App => values.app,
            Part::AppPath => values.app_path,
            Part::Number if tail.is_none() => {
                tail = Some(String::new());
                continue;
            }
            Part::Number => {
                return Err(PathError::Template("`{number}` may appear only once".into()));
            }
            _ => {
                return Err(PathError::Template(
                    "a preview path may use only {app}, {app_path} and {number}: a preview's directory must follow from the PR number alone".into(),
                ));
            }
        };
        tail.as_mut().unwrap_or(&mut head).push_str(text);
    }
    let Some(suffix) = tail else {
        return Err(PathError::Template(
            "a preview path needs `{number}`, or every pull request would share one directory"
                .into(),
        ));
    };
    if suffix.contains('/') {
        return Err(PathError::Template("`{number}` must be in the path's last segment".into()));
    }
    let (root, prefix) = head.rsplit_once('/').unwrap_or(("", head.as_str()));
    let root = crate::tree::normalize(root)
        .map_err(|_| PathError::Escapes(format!("{template:?} leads outside the repository")))?;
    let pattern = PathPattern { root, prefix: prefix.to_string(), suffix };
    if !crate::tree::is_within(&pattern.root, values.app_path) {
        return Err(PathError::Escapes(format!(
            "{template:?} puts previews in {}, outside the app's directory {}",
            pattern.root, values.app_path
        )));
    }
    Ok(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: Values = Values {
        app: "payment-service",
        app_path: "apps/payment-service",
        number: 42,
        branch: None,
        sha: Some("ab1cd2345"),
    };

    fn name(template: &str, kind: NameKind, values: &Values) -> Result<String, String> {
        expand(template, kind, values).map(|e| e.value)
    }

    /// The seed's workflow: tag `pr-42-ab1cd`, namespace `preview-pr-42`, host
    /// `pr-42.payment-service.preview.example.com`, path `apps/payment-service/preview/pr-42`.
    #[test]
    fn the_seeds_names() {
        assert_eq!(name("pr-{number}-{sha:5}", NameKind::Tag, &SEED).unwrap(), "pr-42-ab1cd");
        assert_eq!(name("preview-pr-{number}", NameKind::Label, &SEED).unwrap(), "preview-pr-42");
        assert_eq!(
            name("pr-{number}.{app}.preview.example.com", NameKind::Host, &SEED).unwrap(),
            "pr-42.payment-service.preview.example.com"
        );
        let pattern = path_pattern("{app_path}/preview/pr-{number}", &SEED).unwrap();
        assert_eq!(pattern.dir(42), "apps/payment-service/preview/pr-42");
        let literal = path_pattern("apps/{app}/preview/pr-{number}", &SEED).unwrap();
        assert_eq!(literal, pattern);
        assert_eq!(pattern.number_of("pr-42"), Some(42));
        for other in
            ["pr-042", "pr-0", "pr-", "pr-4x", "pr-42-old", "x-42", "pr-99999999999999999999"]
        {
            assert_eq!(pattern.number_of(other), None, "{other}");
        }
    }

    #[test]
    fn bad_templates_say_why() {
        assert_eq!(
            parse("pr-{numbr}").unwrap_err(),
            format!("unknown placeholder `{{numbr}}` (known: {PLACEHOLDERS})")
        );
        assert!(parse("pr-{number").unwrap_err().contains("unclosed"));
        assert!(parse("{sha:0}").unwrap_err().contains("from 1 to 64"));
        assert!(parse("{sha:x}").unwrap_err().contains("from 1 to 64"));
        assert_eq!(parse("{sha:7}}").unwrap(), [Part::Sha(Some(7)), Part::Text("}")]);
        let e = name("Preview_{number}", NameKind::Label, &SEED).unwrap_err();
        assert!(e.starts_with("\"Preview_42\" is not a namespace (DNS-1123 label)"), "{e}");
        let e = name("{sha}-{branch_slug}", NameKind::Label, &SEED).unwrap_err();
        assert_eq!(e, "it uses the branch, and no branch was given");
        let none = Values { sha: None, ..SEED };
        assert_eq!(
            name("pr-{number}-{sha:5}", NameKind::Tag, &none).unwrap_err(),
            "it uses the commit sha, and no sha was given"
        );
        assert!(name("-pr-{number}", NameKind::Tag, &SEED).is_err());
        assert!(name("pr_{number}", NameKind::Host, &SEED).unwrap_err().starts_with("host"));
        let long = "x".repeat(60);
        assert!(name(&format!("{long}-{{number}}-{{sha}}"), NameKind::Label, &SEED).is_err());
    }

    #[test]
    fn a_path_must_stay_in_the_app_and_name_the_number_once_at_its_end() {
        let escapes = |t: &str| matches!(path_pattern(t, &SEED), Err(PathError::Escapes(_)));
        let template = |t: &str| matches!(path_pattern(t, &SEED), Err(PathError::Template(_)));
        assert!(escapes("previews/{app}/pr-{number}"));
        assert!(escapes("{app_path}/../other/pr-{number}"));
        assert!(escapes("../../../pr-{number}"));
        assert!(escapes("/abs/pr-{number}"));
        assert!(template("{app_path}/preview"));
        assert!(template("{app_path}/pr-{number}/x"));
        assert!(template("{app_path}/{number}-{number}"));
        assert!(template("{app_path}/{branch_slug}-{number}"));
        let overlays = path_pattern("{app_path}/overlays/preview-{number}-x", &SEED).unwrap();
        assert_eq!(overlays.dir(7), "apps/payment-service/overlays/preview-7-x");
        assert_eq!(overlays.number_of("preview-7-x"), Some(7));
    }

    /// Expected slugs from argo-cd `applicationset/generators/pull_request_test.go`
    /// (`TestPullRequestGithubGenerateParams`) and gosimple/slug `slug.go`.
    #[test]
    fn branch_slugs_are_argo_cds() {
        let slug = |b: &str| branch_slug(b).value;
        assert_eq!(slug("branch1"), "branch1");
        assert_eq!(slug("a-very-short-sha"), "a-very-short-sha");
        assert_eq!(
            slug(
                "feat/areally+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature"
            ),
            "feat-areally-long-pull-request-name-to-test-argo"
        );
        assert_eq!(slug("  Fix/Login__Page  "), "fix-login-page");
        assert_eq!(slug("tom&jerry@home"), "tomandjerryathome");
        assert_eq!(slug("--//--"), "");
        let unicode = branch_slug("feature/café-menü");
        assert_eq!(unicode, Slug { value: "feature-caf-men".into(), lossy: true });
        assert_eq!(slug(&"a".repeat(400)), "a".repeat(50), "one word is cut at 50");
    }

    /// A namespace `preview-{branch_slug}` for a 400-character branch: the slug (already cut
    /// to 50 by Argo's rule) fits; in a 63-character label with a long fixed part it is cut
    /// again at a `-`.
    #[test]
    fn the_slug_is_shortened_to_fit_its_name() {
        let branch = format!("feature/{}", "very-long-words/".repeat(25));
        let v = Values { branch: Some(&branch), ..SEED };
        let e = expand("preview-{branch_slug}", NameKind::Label, &v).unwrap();
        assert_eq!(e.value, "preview-feature-very-long-words-very-long-words-very-long");
        assert!(!e.shortened);
        let e = expand("preview-pr-{number}-of-payment-service-{branch_slug}", NameKind::Label, &v)
            .unwrap();
        assert_eq!(e.value, "preview-pr-42-of-payment-service-feature-very-long-words-very");
        assert!(e.shortened && e.value.len() <= 63);
        let e = expand("{branch_slug}.{branch_slug}.example.com", NameKind::Host, &v).unwrap();
        assert!(e.value.split('.').all(|l| l.len() <= 63));
        let crowded = format!("{}-{{branch_slug}}", "x".repeat(63));
        assert!(expand(&crowded, NameKind::Label, &v).unwrap_err().contains("no room"));
    }

    #[test]
    fn label_values_and_tags() {
        assert!(check("", NameKind::LabelValue).is_ok());
        assert!(check("feature_x.1", NameKind::LabelValue).is_ok());
        assert!(check("feature/x", NameKind::LabelValue).is_err());
        assert!(check(&"v".repeat(64), NameKind::LabelValue).is_err());
        assert!(check("_v1.2-rc", NameKind::Tag).is_ok());
        assert!(check(&"v".repeat(129), NameKind::Tag).is_err());
        assert!(check("anything / at all", NameKind::Text).is_ok());
    }
}
