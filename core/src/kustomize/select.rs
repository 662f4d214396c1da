//! Choosing resources: patch and replacement targets, label and annotation selectors.
//!
//! Target fields are Go regular expressions anchored at both ends; a resource is selected
//! when its original *or* current name and namespace match (so a patch written against the
//! base name still finds the resource after a prefix). Label selectors use the Kubernetes
//! syntax (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`).

use regex_lite::Regex;

use super::kustomization::Selector;
use super::resid::Gvk;
use super::resource::Resource;

/// A compiled selector.
#[derive(Debug, Clone)]
pub struct Matcher {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Option<LabelSelector>,
    annotations: Option<LabelSelector>,
}

impl Matcher {
    /// Compiles a selector; the error names the field whose pattern or selector is invalid.
    pub fn new(selector: &Selector) -> Result<Self, String> {
        let anchored = |field: &str,
                        value: Option<&super::kustomization::Str>|
         -> Result<Option<Regex>, String> {
            match value.map(|s| s.value.as_str()).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(pattern) => Regex::new(&format!("^(?:{pattern})$"))
                    .map(Some)
                    .map_err(|e| format!("invalid regular expression in {field} '{pattern}': {e}")),
            }
        };
        let labels =
            |value: Option<&super::kustomization::Str>| -> Result<Option<LabelSelector>, String> {
                match value.map(|s| s.value.as_str()).filter(|s| !s.trim().is_empty()) {
                    None => Ok(None),
                    Some(text) => LabelSelector::parse(text).map(Some),
                }
            };
        Ok(Matcher {
            group: anchored("group", selector.gvk.group.as_ref())?,
            version: anchored("version", selector.gvk.version.as_ref())?,
            kind: anchored("kind", selector.gvk.kind.as_ref())?,
            name: anchored("name", selector.name.as_ref())?,
            namespace: anchored("namespace", selector.namespace.as_ref())?,
            labels: labels(selector.label_selector.as_ref())?,
            annotations: labels(selector.annotation_selector.as_ref())?,
        })
    }

    /// Whether the GVK matches.
    #[must_use]
    pub fn matches_gvk(&self, gvk: &Gvk) -> bool {
        let ok = |re: &Option<Regex>, s: &str| re.as_ref().is_none_or(|re| re.is_match(s));
        ok(&self.group, &gvk.group) && ok(&self.version, &gvk.version) && ok(&self.kind, &gvk.kind)
    }

    /// kustomize's `ResMap.Select`: original or current namespace and name, GVK, labels and
    /// annotations.
    #[must_use]
    pub fn selects(&self, resource: &Resource) -> bool {
        let original = resource.original_id();
        let current = resource.id();
        let ok = |re: &Option<Regex>, a: &str, b: &str| {
            re.as_ref().is_none_or(|re| re.is_match(a) || re.is_match(b))
        };
        ok(&self.namespace, original.effective_namespace(), current.effective_namespace())
            && ok(&self.name, &original.name, &current.name)
            && self.matches_gvk(&current.gvk)
            && self.labels.as_ref().is_none_or(|s| s.matches(&resource.string_map("labels")))
            && self
                .annotations
                .as_ref()
                .is_none_or(|s| s.matches(&resource.string_map("annotations")))
    }

    /// Matching on an id only (name/namespace as given), for replacement targets.
    #[must_use]
    pub fn selects_id(&self, gvk: &Gvk, name: &str, namespace: &str) -> bool {
        let ok = |re: &Option<Regex>, s: &str| re.as_ref().is_none_or(|re| re.is_match(s));
        self.matches_gvk(gvk) && ok(&self.name, name) && ok(&self.namespace, namespace)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Exists(String),
    NotExists(String),
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    GreaterThan(String, i64),
    LessThan(String, i64),
}

/// A Kubernetes label selector (all requirements must hold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// Parses `a=b,c in (x, y),!d`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut requirements = Vec::new();
        for part in split_top_level(text) {
            let part = part.trim();
            if part.is_empty() {
                return Err(format!("invalid label selector '{text}': empty requirement"));
            }
            requirements.push(
                parse_requirement(part)
                    .map_err(|e| format!("invalid label selector '{text}': {e}"))?,
            );
        }
        Ok(LabelSelector { requirements })
    }

    /// A `metav1.LabelSelector` (`matchLabels` and `matchExpressions` with operators `In`,
    /// `NotIn`, `Exists`, `DoesNotExist`), checked as `LabelSelectorAsSelector` checks it.
    pub fn from_match(
        match_labels: &[(String, String)],
        expressions: &[(String, String, Vec<String>)],
    ) -> Result<Self, String> {
        let mut requirements = Vec::new();
        for (key, value) in match_labels {
            requirements.push(Requirement::Equals(valid_key(key)?, value.clone()));
        }
        for (key, operator, values) in expressions {
            let key = valid_key(key)?;
            let requirement = match operator.as_str() {
                "In" | "NotIn" if values.is_empty() => {
                    return Err(format!(
                        "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty (key '{key}')"
                    ));
                }
                "Exists" | "DoesNotExist" if !values.is_empty() => {
                    return Err(format!(
                        "values: Invalid value: {values:?}: values set must be empty for exists and does not exist (key '{key}')"
                    ));
                }
                "In" => Requirement::In(key, values.clone()),
                "NotIn" => Requirement::NotIn(key, values.clone()),
                "Exists" => Requirement::Exists(key),
                "DoesNotExist" => Requirement::NotExists(key),
                other => return Err(format!("\"{other}\" is not a valid label selector operator")),
            };
            requirements.push(requirement);
        }
        Ok(LabelSelector { requirements })
    }

    #[must_use]
    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        let get = |k: &str| labels.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        self.requirements.iter().all(|r| match r {
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::NotExists(k) => get(k).is_none(),
            Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|x| vs.iter().all(|v| v != x)),
            Requirement::GreaterThan(k, n) => {
                get(k).and_then(|x| x.parse::<i64>().ok()).is_some_and(|x| x > *n)
            }
            Requirement::LessThan(k, n) => {
                get(k).and_then(|x| x.parse::<i64>().ok()).is_some_and(|x| x < *n)
            }
        })
    }
}

/// Splits on commas that are not inside parentheses.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn parse_requirement(part: &str) -> Result<Requirement, String> {
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Requirement::NotExists(valid_key(key.trim())?));
    }
    for (op, make) in [("!=", 0), ("==", 1), ("=", 1), (">", 2), ("<", 3)] {
        if let Some(i) = part.find(op) {
            let key = valid_key(part[..i].trim())?;
            let value = part[i + op.len()..].trim().to_string();
            return Ok(match make {
                0 => Requirement::NotEquals(key, value),
                1 => Requirement::Equals(key, value),
                2 => Requirement::GreaterThan(
                    key,
                    value.parse().map_err(|_| format!("'{value}' is not an integer"))?,
                ),
                _ => Requirement::LessThan(
                    key,
                    value.parse().map_err(|_| format!("'{value}' is not an integer"))?,
                ),
            });
        }
    }
    let words: Vec<&str> = part.splitn(2, char::is_whitespace).collect();
    if let [key, rest] = words[..] {
        let rest = rest.trim();
        let (negated, list) = if let Some(l) = rest.strip_prefix("notin") {
            (true, l)
        } else if let Some(l) = rest.strip_prefix("in") {
            (false, l)
        } else {
            return Err(format!("unexpected '{rest}'"));
        };
        let list = list.trim();
        let inner = list
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .ok_or("expected a parenthesized list")?;
        let values: Vec<String> = inner.split(',').map(|v| v.trim().to_string()).collect();
        let key = valid_key(key)?;
        return Ok(if negated {
            Requirement::NotIn(key, values)
        } else {
            Requirement::In(key, values)
        });
    }
    Ok(Requirement::Exists(valid_key(part)?))
}

fn valid_key(key: &str) -> Result<String, String> {
    if key.is_empty() || key.chars().any(|c| c.is_whitespace() || "()!=<>,".contains(c)) {
        return Err(format!("invalid label key '{key}'"));
    }
    Ok(key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
    }

    #[test]
    fn label_selectors() {
        let l = labels(&[("app", "web"), ("tier", "front")]);
        for (selector, expected) in [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app=web,tier=front", true),
            ("app=web,tier=back", false),
            ("tier in (front, back)", true),
            ("tier notin (front)", false),
            ("missing notin (x)", true),
            ("app", true),
            ("!app", false),
            ("!missing", true),
        ] {
            assert_eq!(LabelSelector::parse(selector).unwrap().matches(&l), expected, "{selector}");
        }
        assert!(LabelSelector::parse("app in web").is_err());
        assert!(LabelSelector::parse("a=b,,c").is_err());
    }
}
