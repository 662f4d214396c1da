//! Which environments Flux image automation updates: the marked values that an
//! `ImageUpdateAutomation` would rewrite, each with the policy it follows, for `status`.
//!
//! A marked value counts when Flux would act on it: the file is one Flux reads, the setter
//! names an existing policy, and an automation in the policy's namespace selects the policy
//! and has the file under its `update.path`. An environment is automated by the policies of
//! the marked values its render reads.

use serde::Serialize;

use crate::source::Source;

use super::objects::{self, FluxObjects, ImagePolicy, PolicyChoice};
use super::setters;
use super::update::{self, ImageUpdateInput, PolicyResult};

/// A marked value Flux would update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkedValue {
    pub path: String,
    /// 1-based line of the marked scalar.
    pub line: u32,
    /// The setter as written (`ns:name`, `ns:name:tag`, …).
    pub setter: String,
    pub policy_namespace: String,
    pub policy_name: String,
    /// `namespace/name` of each automation that would update it.
    pub automations: Vec<String>,
}

/// A marked value, as `status` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkerRef {
    pub file: String,
    pub line: u32,
    pub setter: String,
}

/// One policy that automates an environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AutomatedPolicy {
    pub namespace: String,
    pub name: String,
    /// `semver`, `alphabetical`, `numerical` or `none`.
    pub kind: &'static str,
    /// The rule in words: `semver >=2.0.0 <3.0.0`, `alphabetical asc`, `numerical desc`.
    pub rule: String,
    /// The `ImageRepository`'s `spec.image`.
    pub image: Option<String>,
    /// The policy's pick from the tags given to `status` (`null` without tags, or when it
    /// elects nothing).
    pub latest: Option<String>,
    /// The marked values it updates that the environment's render reads.
    pub markers: Vec<MarkerRef>,
}

/// How Flux automates one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FluxAutomation {
    /// `namespace/name` of the `ImageUpdateAutomation`s that update its files.
    pub automations: Vec<String>,
    pub policies: Vec<AutomatedPolicy>,
}

/// The repository's automation: every marked value Flux would update, and, given tags, each
/// policy's pick.
#[derive(Debug, Clone, Default)]
pub struct Automation {
    objects: FluxObjects,
    values: Vec<MarkedValue>,
    picks: Vec<PolicyResult>,
}

impl Automation {
    /// Reads the objects and markers (and elects from `tags`, when given).
    pub fn read(source: &mut Source<'_>, tags: Option<&ImageUpdateInput>) -> Automation {
        let objects = objects::read(source);
        if objects.automations.is_empty() {
            return Automation::default();
        }
        let mut values = Vec::new();
        let paths: Vec<String> = source
            .tree
            .paths()
            .filter(|p| setters::is_candidate_name(p))
            .filter(|p| source.tree.text(p).is_some_and(|t| t.contains(setters::TOKEN)))
            .map(str::to_string)
            .collect();
        for path in paths {
            let Ok(text) = source.text(&path, None) else { continue };
            let scan = setters::scan(&path, &text);
            if scan.skipped.is_some() || scan.list_file {
                continue;
            }
            for marker in &scan.markers {
                if let Some(value) = marked_value(&objects, &path, &text, marker) {
                    values.push(value);
                }
            }
        }
        let picks = match tags {
            Some(input) if !values.is_empty() => update::elect_all(&objects, input).0,
            _ => Vec::new(),
        };
        Automation { objects, values, picks }
    }

    /// How Flux automates the environment whose render read `files`, if it does.
    pub fn environment(&self, reads: impl Fn(&str) -> bool) -> Option<FluxAutomation> {
        let mut out = FluxAutomation { automations: Vec::new(), policies: Vec::new() };
        for value in self.values.iter().filter(|v| reads(&v.path)) {
            for automation in &value.automations {
                if !out.automations.contains(automation) {
                    out.automations.push(automation.clone());
                }
            }
            let marker = MarkerRef {
                file: value.path.clone(),
                line: value.line,
                setter: value.setter.clone(),
            };
            if let Some(policy) = out
                .policies
                .iter_mut()
                .find(|p| p.namespace == value.policy_namespace && p.name == value.policy_name)
            {
                policy.markers.push(marker);
                continue;
            }
            let Some(policy) = self.objects.policy(&value.policy_namespace, &value.policy_name)
            else {
                continue;
            };
            let pick = self
                .picks
                .iter()
                .find(|p| p.namespace == policy.namespace && p.name == policy.name)
                .and_then(|p| p.latest.clone());
            out.policies.push(AutomatedPolicy {
                namespace: policy.namespace.clone(),
                name: policy.name.clone(),
                kind: policy.choice.kind(),
                rule: rule(policy),
                image: self
                    .objects
                    .repository_of(policy)
                    .and_then(|r| r.image.as_ref())
                    .map(|i| i.value.clone()),
                latest: pick,
                markers: vec![marker],
            });
        }
        (!out.policies.is_empty()).then_some(out)
    }
}

/// The marker's policy and the automations that would update it, when Flux would act on it.
fn marked_value(
    objects: &FluxObjects,
    path: &str,
    text: &str,
    marker: &setters::Marker,
) -> Option<MarkedValue> {
    let mut parts = marker.setter.splitn(3, ':');
    let (namespace, name) = (parts.next()?, parts.next()?);
    if parts.next().is_some_and(|suffix| !matches!(suffix, "tag" | "name" | "digest")) {
        return None;
    }
    let policy = objects.policy(namespace, name)?;
    let automations: Vec<String> = objects
        .automations
        .iter()
        .filter(|a| a.namespace == namespace)
        .filter(|a| update::automation_scope(a).is_ok_and(|dir| crate::tree::is_within(path, &dir)))
        .filter(|a| update::selected(objects, a).iter().any(|p| std::ptr::eq(*p, policy)))
        .map(|a| format!("{}/{}", a.namespace, a.name))
        .collect();
    if automations.is_empty() {
        return None;
    }
    let line = text.get(..marker.span.start as usize).map_or(0, |t| t.matches('\n').count()) + 1;
    Some(MarkedValue {
        path: path.to_string(),
        line: u32::try_from(line).unwrap_or(u32::MAX),
        setter: marker.setter.clone(),
        policy_namespace: namespace.to_string(),
        policy_name: name.to_string(),
        automations,
    })
}

/// A policy's rule in words.
fn rule(policy: &ImagePolicy) -> String {
    let order = |o: &Option<objects::Located<String>>| {
        o.as_ref().map_or_else(|| "asc".to_string(), |o| o.value.to_ascii_lowercase())
    };
    match &policy.choice {
        PolicyChoice::SemVer { range } => format!("semver {}", range.value.trim()),
        PolicyChoice::Alphabetical { order: o } => format!("alphabetical {}", order(o)),
        PolicyChoice::Numerical { order: o } => format!("numerical {}", order(o)),
        PolicyChoice::Missing => "no policy".to_string(),
    }
}
