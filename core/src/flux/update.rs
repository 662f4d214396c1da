//! `imageUpdate`: elect every policy from the given tags, then apply every automation's
//! setters to the files under its `update.path`, as Flux would on its next run.
//!
//! Flux runs each `ImageUpdateAutomation` separately (each its own commit); here they run
//! in namespace/name order, each seeing the files as the ones before it left them, and the
//! result holds each automation's changes plus the net edit of every file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::changeset::{ChangeSet, CollateralChange, Intent, RenderState};
use crate::diagnostic::suggest::edit_distance;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::kustomize::select::LabelSelector;
use crate::repo::Repo;
use crate::source::Source;

use super::goregex::GoRegex;
use super::message::{self, Changed, Commit};
use super::objects::{self, FluxObjects, ImagePolicy, ImageUpdateAutomation, PolicyChoice};
use super::policy::{self, Filter, Policer};
use super::setters::{self, FileScan, ObjectId, SetterValue};

/// The input of `imageUpdate`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageUpdateInput {
    /// Tags per image, keyed by the `ImageRepository`'s `spec.image` as written, or by its
    /// `NAMESPACE/NAME`.
    #[serde(default)]
    pub images: BTreeMap<String, Tags>,
    /// Digests of `image:tag`, for policies that reflect digests.
    #[serde(default)]
    pub digests: BTreeMap<String, String>,
    /// `NAMESPACE:NAME` → `image:tag[@digest]`: pins a policy's result (what CI knows after a
    /// build) instead of electing it.
    #[serde(default)]
    pub latest: BTreeMap<String, String>,
}

/// One image's tags, kept as one text and the span of each tag in it: 100,000 tags are one
/// allocation instead of 100,000 (their allocation and release were a fifth of an election's
/// time in wasm). Deserialized from an array of strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    text: String,
    spans: Vec<(usize, usize)>,
}

impl Tags {
    /// The tags of a text with a tag per line (`\n` or `\r\n`); empty lines are skipped.
    #[must_use]
    pub fn from_lines(text: String) -> Tags {
        let mut spans = Vec::new();
        let bytes = text.as_bytes();
        pieces(bytes, |start, mut end| {
            if end > start && bytes[end - 1] == b'\r' {
                end -= 1;
            }
            if end > start {
                spans.push((start, end));
            }
        });
        Tags { text, spans }
    }

    /// The tags of a text made by joining them with `\n`: every piece is a tag, empty ones
    /// too (a host's array crosses as one joined text; see [`Tags::len`] to check that no
    /// item held a `\n`).
    #[must_use]
    pub fn from_joined(text: String) -> Tags {
        let mut spans = Vec::new();
        pieces(text.as_bytes(), |start, end| spans.push((start, end)));
        Tags { text, spans }
    }

    /// Adds a tag at the end (any text: checking tags is [`image_update`]'s work).
    pub fn push(&mut self, tag: &str) {
        let start = self.text.len();
        self.text.push_str(tag);
        self.spans.push((start, self.text.len()));
    }

    /// How many tags.
    #[must_use]
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The tags in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.spans.iter().map(|&(start, end)| self.text.get(start..end).unwrap_or(""))
    }
}

/// Calls `piece` with the start and end of each piece of `bytes` between `\n`s (a byte loop:
/// `str::split` was 2–3 ms of 100,000 tags in wasm, twice this).
fn pieces(bytes: &[u8], mut piece: impl FnMut(usize, usize)) {
    let mut start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        if byte == b'\n' {
            piece(start, at);
            start = at + 1;
        }
    }
    piece(start, bytes.len());
}

impl<S: AsRef<str>> FromIterator<S> for Tags {
    fn from_iter<I: IntoIterator<Item = S>>(items: I) -> Tags {
        let mut tags = Tags::default();
        for item in items {
            tags.push(item.as_ref());
        }
        tags
    }
}

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Tags, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Tags;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an array of strings")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Tags, A::Error> {
                let mut tags = Tags::default();
                while let Some(tag) = seq.next_element::<String>()? {
                    tags.push(&tag);
                }
                Ok(tags)
            }
        }
        deserializer.deserialize_seq(Visitor)
    }
}

/// One policy's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyResult {
    pub namespace: String,
    pub name: String,
    /// The `ImageRepository`'s `spec.image`, when the repository is found.
    pub image: Option<String>,
    /// `semver`, `alphabetical`, `numerical` or `none`.
    pub kind: &'static str,
    /// `image:tag[@digest]` as Flux's `status.latestRef` prints it, or `null`.
    pub latest: Option<String>,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// The result came from `latest` in the input, not from an election.
    pub pinned: bool,
    /// How many tags the policy could elect.
    pub candidates: usize,
    /// The best candidates (at most ten), best first.
    pub top: Vec<String>,
    pub diagnostics: Vec<Diagnostic>,
}

pub use crate::changeset::FileEdit;

/// One change, as Flux's `update.Result` records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeRecord {
    /// `namespace/name` of the automation.
    pub automation: String,
    /// The file relative to the automation's `update.path` (Flux's result key).
    pub file: String,
    /// The file's repository path.
    pub path: String,
    pub object: ObjectId,
    pub old: String,
    pub new: String,
    pub setter: String,
    /// The changed scalar in the original file.
    pub span: Span,
}

/// One entry of `messageTemplateValues`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateValue {
    pub key: String,
    pub value: String,
}

/// What one automation would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AutomationResult {
    pub namespace: String,
    pub name: String,
    pub api_version: String,
    /// The repository directory it updates (`update.path`, resolved; `""` is the root).
    pub path: String,
    /// The policies whose setters it applies (`namespace:name`).
    pub policies: Vec<String>,
    pub changes: Vec<ChangeRecord>,
    /// Repository paths it would write.
    pub files: Vec<String>,
    pub author_name: String,
    pub author_email: String,
    /// `spec.git.commit.messageTemplate` (the message is rendered by the follow-up).
    pub message_template: Option<String>,
    /// `spec.git.commit.messageTemplateValues`, in written order.
    pub message_template_values: Vec<TemplateValue>,
    /// The automation cannot run (why); then it changes nothing.
    pub error: Option<String>,
    /// The commit it would make: `null` when it changes nothing or its template fails.
    pub commit: Option<Commit>,
}

/// The result of `imageUpdate`: like a promotion plan, a verified change set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageUpdate {
    pub policies: Vec<PolicyResult>,
    pub automations: Vec<AutomationResult>,
    /// Net edit of every file some automation changes (a [`ChangeSet`]'s edits).
    pub edits: Vec<FileEdit>,
    /// Every automation's changes, in order.
    pub changes: Vec<ChangeRecord>,
    /// The overlays whose render reads an edited file, rendered before and after.
    pub overlays: Vec<String>,
    /// Unified diff of those overlays' rendered manifests, resource by resource (labelled
    /// `a/<overlay>/<Kind>/[<namespace>/]<name>`).
    pub rendered_diff: String,
    /// Rendered changes that are not the marked values being replaced (each also `R009`).
    pub collateral: Vec<CollateralChange>,
    /// The commit of the first automation that changes something (each automation makes its
    /// own: see `automations`), or `null`.
    pub commit: Option<Commit>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Elects every policy, applies every automation, and verifies the edits as a change set:
/// every overlay that reads an edited file is rendered before and after.
pub fn image_update(repo: &mut Repo, input: &ImageUpdateInput) -> ImageUpdate {
    let (mut out, texts) = plan(&mut repo.source(), input);
    verify(repo, &texts, &mut out);
    repo.locate(&mut out.diagnostics);
    for policy in &mut out.policies {
        repo.locate(&mut policy.diagnostics);
    }
    out
}

/// The elections and every automation's setters; the new text of each changed file.
fn plan(
    source: &mut Source<'_>,
    input: &ImageUpdateInput,
) -> (ImageUpdate, BTreeMap<String, String>) {
    let objects = objects::read(source);
    let mut out =
        ImageUpdate { diagnostics: objects.diagnostics.clone(), ..ImageUpdate::default() };
    let (policies, latest, mut problems) = elect_all(&objects, input);
    out.policies = policies;
    out.diagnostics.append(&mut problems);
    let mut automations: Vec<&ImageUpdateAutomation> = objects.automations.iter().collect();
    crate::sort::sort_by(&mut automations, |a, b| {
        (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
    });
    // Current text of every file an automation changed.
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for automation in automations {
        let result =
            run_automation(source, &objects, automation, &latest, &mut texts, &mut out.diagnostics);
        out.changes.extend(result.changes.iter().cloned());
        if out.commit.is_none() {
            out.commit.clone_from(&result.commit);
        }
        out.automations.push(result);
    }
    if objects.automations.is_empty() && !marker_files(source).is_empty() {
        out.diagnostics.push(Diagnostic::new(
            Code::NoImageUpdateAutomation,
            "files carry setter markers but the repository defines no ImageUpdateAutomation; Flux changes nothing",
        ));
    }
    (out, texts)
}

/// Makes the new texts a [`ChangeSet`] and verifies it. A rendered change is intended when
/// it is a marked value's old text replaced by its new one (wherever the value is rendered:
/// a whole image, the tag in `name:tag`, a Helm value); anything else is collateral.
fn verify(repo: &mut Repo, texts: &BTreeMap<String, String>, out: &mut ImageUpdate) {
    let mut change = ChangeSet::new();
    for (path, text) in texts {
        if let Err(e) = change.write(repo.tree(), path, text.as_str()) {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::ImageUpdateUnverified,
                    format!("cannot verify the edit of '{path}': {e}"),
                )
                .in_file(path.clone()),
            );
            return;
        }
    }
    if change.is_empty() {
        return;
    }
    let mut intents: Vec<Intent> = Vec::new();
    for c in &out.changes {
        let intent = Intent::substitution(&c.old, &c.new);
        if !intents.contains(&intent) {
            intents.push(intent);
        }
    }
    let verification = match change.verify(repo, &intents) {
        Ok(v) => v,
        Err(e) => {
            out.diagnostics.push(Diagnostic::new(
                Code::ImageUpdateUnverified,
                format!("cannot verify the image update: {e}"),
            ));
            return;
        }
    };
    for overlay in &verification.overlays {
        out.overlays.push(overlay.dir.clone());
        out.rendered_diff.push_str(&overlay.diff);
    }
    let unchanged = verification
        .overlays
        .iter()
        .all(|o| o.resources.is_empty() && o.after == RenderState::Renders);
    if !verification.overlays.is_empty() && unchanged {
        let overlays = out.overlays.join(", ");
        for c in &out.changes {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::ImageUpdateNoRenderedChange,
                    format!(
                        "'{}' changes to '{}' here, but the render of {overlays} does not change: another value overrides it (an `images:` entry or a later patch)",
                        c.old, c.new
                    ),
                )
                .at(c.path.clone(), c.span),
            );
        }
    }
    out.collateral = verification.collateral;
    out.diagnostics.extend(verification.diagnostics);
    out.edits = change.into_edits();
}

/// Each policy's election (or pin), in namespace/name order; the elected images by policy;
/// and the input's problems.
pub(crate) fn elect_all(
    objects: &FluxObjects,
    input: &ImageUpdateInput,
) -> (Vec<PolicyResult>, Elected, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let (tags, pins) = check_input(input, &mut diagnostics);
    for key in pins.keys() {
        let known =
            key.split_once(':').is_some_and(|(ns, name)| objects.policy(ns, name).is_some());
        if !known {
            diagnostics.push(Diagnostic::new(
                Code::ImageUpdateInputInvalid,
                format!("latest[\"{key}\"] names an ImagePolicy that no file of the repository defines; it is ignored"),
            ));
        }
    }
    for key in tags.keys() {
        let known = objects.repositories.iter().any(|r| {
            r.image.as_ref().is_some_and(|i| i.value == *key)
                || key.split_once('/').is_some_and(|(ns, name)| r.namespace == ns && r.name == name)
        });
        if !known {
            diagnostics.push(
                Diagnostic::new(
                    Code::ImageUpdateInputInvalid,
                    format!("images[\"{key}\"] is neither the spec.image nor the NAMESPACE/NAME of an ImageRepository of the repository; its tags are not used"),
                )
                .with_severity(crate::Severity::Warning),
            );
        }
    }
    let mut policies: Vec<&ImagePolicy> = objects.policies.iter().collect();
    crate::sort::sort_by(&mut policies, |a, b| {
        (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
    });
    let mut latest: Elected = BTreeMap::new();
    let mut results = Vec::new();
    for policy in policies {
        let (result, elected) = elect_policy(objects, policy, &tags, &pins, input);
        if let Some(elected) = elected {
            latest.insert((policy.namespace.clone(), policy.name.clone()), elected);
        }
        results.push(result);
    }
    (results, latest, diagnostics)
}

/// The elected image of each policy, by (namespace, name).
pub(crate) type Elected = BTreeMap<(String, String), Latest>;

/// A policy's elected image (`status.latestRef`).
#[derive(Debug, Clone)]
pub(crate) struct Latest {
    name: String,
    tag: String,
    /// `None`: the policy reflects digests but the input gives none for this image.
    digest: Option<String>,
}

impl Latest {
    /// `name:tag[@digest]` (the policy's `status.latestRef` printed).
    fn reference(&self) -> String {
        match self.digest.as_deref() {
            Some(digest) if !digest.is_empty() => format!("{}:{}@{digest}", self.name, self.tag),
            _ => format!("{}:{}", self.name, self.tag),
        }
    }
}

/// OCI tag grammar (distribution/reference): `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. Every tag
/// of the input goes through here (100,000 per image in busy registries): one table look-up
/// per byte (a chain of range tests per byte was 4% of an election's time in wasm).
fn valid_tag(tag: &str) -> bool {
    /// 1: a byte that may start a tag; 2: a byte that may follow.
    const CLASS: [u8; 256] = {
        let mut table = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            let byte = b as u8;
            if byte.is_ascii_alphanumeric() || byte == b'_' {
                table[b] = 3;
            } else if byte == b'.' || byte == b'-' {
                table[b] = 2;
            }
            b += 1;
        }
        table
    };
    let b = tag.as_bytes();
    b.len() <= 128
        && b.first().is_some_and(|&c| CLASS[usize::from(c)] & 1 != 0)
        && b.iter().all(|&c| CLASS[usize::from(c)] != 0)
}

/// `algorithm:hex` (e.g. `sha256:…`).
fn valid_digest(digest: &str) -> bool {
    digest.split_once(':').is_some_and(|(a, h)| {
        !a.is_empty()
            && a.bytes().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || matches!(c, b'+' | b'.' | b'_' | b'-')
            })
            && !h.is_empty()
            && h.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'=' | b'_' | b'-'))
    })
}

/// Splits `name:tag[@digest]`; the tag is after the last `:` that follows the last `/` (a
/// registry port is not a tag).
fn split_reference(reference: &str) -> Option<(String, String, Option<String>)> {
    let (rest, digest) = match reference.rsplit_once('@') {
        Some((rest, digest)) => (rest, Some(digest.to_string())),
        None => (reference, None),
    };
    let slash = rest.rfind('/').map_or(0, |i| i + 1);
    let colon = rest[slash..].rfind(':').map(|i| i + slash)?;
    let (name, tag) = (&rest[..colon], &rest[colon + 1..]);
    (!name.is_empty() && valid_tag(tag) && digest.as_deref().is_none_or(valid_digest))
        .then(|| (name.to_string(), tag.to_string(), digest))
}

type Pins = BTreeMap<String, (String, String, Option<String>)>;

/// Checks the input's shapes; bad entries are reported (`F018`) and left out.
fn check_input<'a>(
    input: &'a ImageUpdateInput,
    diagnostics: &mut Vec<Diagnostic>,
) -> (BTreeMap<&'a str, Vec<&'a str>>, Pins) {
    let mut tags = BTreeMap::new();
    for (image, list) in &input.images {
        let mut good = Vec::with_capacity(list.len());
        let mut bad = Vec::new();
        for tag in list.iter() {
            if valid_tag(tag) { good.push(tag) } else { bad.push(tag) }
        }
        if let Some(first) = bad.first() {
            diagnostics.push(Diagnostic::new(
                Code::ImageUpdateInputInvalid,
                format!(
                    "images[\"{image}\"]: {} tag(s) are not valid image tags and are ignored (a registry cannot hold them), e.g. '{}'",
                    bad.len(),
                    first.escape_debug()
                ),
            ));
        }
        tags.insert(image.as_str(), good);
    }
    for (key, digest) in &input.digests {
        if !valid_digest(digest) || split_reference(key).is_none() {
            diagnostics.push(Diagnostic::new(
                Code::ImageUpdateInputInvalid,
                format!(
                    "digests[\"{key}\"]: expected \"image:tag\": \"algorithm:hex\", got '{}'",
                    digest.escape_debug()
                ),
            ));
        }
    }
    let mut pins = Pins::new();
    for (key, reference) in &input.latest {
        let policy_ok = key
            .split_once(':')
            .is_some_and(|(ns, name)| !ns.is_empty() && !name.is_empty() && !name.contains(':'));
        match split_reference(reference) {
            Some(parts) if policy_ok => {
                pins.insert(key.clone(), parts);
            }
            _ => diagnostics.push(Diagnostic::new(
                Code::ImageUpdateInputInvalid,
                format!("latest[\"{key}\"]: expected \"NAMESPACE:NAME\": \"image:tag[@digest]\", got '{}'", reference.escape_debug()),
            )),
        }
    }
    (tags, pins)
}

/// The policer of a policy, or the diagnostic at the offending scalar (Flux stalls it).
pub(crate) fn policer(policy: &ImagePolicy) -> Result<Policer, Box<Diagnostic>> {
    let name = format!("{}/{}", policy.namespace, policy.name);
    let order = |order: Option<&objects::Located<String>>| {
        policy::order(order.map(|o| o.value.as_str())).map_err(|message| {
            let (file, span) =
                order.map_or((&policy.site.file, policy.site.span), |o| (&o.file, o.span));
            Box::new(
                Diagnostic::new(
                    Code::PolicyOrderInvalid,
                    format!("ImagePolicy {name}: invalid policy: {message}"),
                )
                .at(&**file, span),
            )
        })
    };
    match &policy.choice {
        PolicyChoice::SemVer { range } => crate::semver::Constraints::parse(&range.value).map(Policer::SemVer).map_err(|message| {
            Box::new(
                Diagnostic::new(Code::PolicyRangeInvalid, format!("ImagePolicy {name}: invalid policy: {message}"))
                    .at(&*range.file, range.span)
                    .with_help("Flux reads ranges with Masterminds/semver: e.g. `>=1.0.0 <2.0.0`, `~1.2`, `^1`, `1.x`, `1.0 - 2.0`, `>=1.0.0-0` to include pre-releases"),
            )
        }),
        PolicyChoice::Alphabetical { order: o } => order(o.as_ref()).map(|descending| Policer::Alphabetical { descending }),
        PolicyChoice::Numerical { order: o } => order(o.as_ref()).map(|descending| Policer::Numerical { descending }),
        PolicyChoice::Missing => Err(Box::new(
            Diagnostic::new(
                Code::PolicyKindMissing,
                format!("ImagePolicy {name}: invalid policy: given ImagePolicyChoice object is invalid (set spec.policy.semver, alphabetical or numerical)"),
            )
            .at(&*policy.site.file, policy.site.span),
        )),
    }
}

fn elect_policy(
    objects: &FluxObjects,
    policy: &ImagePolicy,
    tags: &BTreeMap<&str, Vec<&str>>,
    pins: &Pins,
    input: &ImageUpdateInput,
) -> (PolicyResult, Option<Latest>) {
    let repository = objects.repository_of(policy);
    let image = repository.and_then(|r| r.image.as_ref()).map(|i| i.value.clone());
    let mut result = PolicyResult {
        namespace: policy.namespace.clone(),
        name: policy.name.clone(),
        image: image.clone(),
        kind: policy.choice.kind(),
        latest: None,
        tag: None,
        digest: None,
        pinned: false,
        candidates: 0,
        top: Vec::new(),
        diagnostics: Vec::new(),
    };
    let key = format!("{}:{}", policy.namespace, policy.name);
    let site = (&*policy.site.file, policy.site.span);
    let nothing = |result: &mut PolicyResult, reason: String| {
        result.diagnostics.push(
            Diagnostic::new(
                Code::PolicyElectsNothing,
                format!(
                    "ImagePolicy {}/{} elects nothing: {reason}",
                    policy.namespace, policy.name
                ),
            )
            .at(site.0, site.1),
        );
    };
    if let Some((name, tag, digest)) = pins.get(&key) {
        if image.as_deref().is_some_and(|i| i != name) {
            result.diagnostics.push(
                Diagnostic::new(
                    Code::ImageUpdateInputInvalid,
                    format!("latest[\"{key}\"] names image '{name}' but the policy's ImageRepository has '{}'", image.as_deref().unwrap_or("")),
                )
                .with_severity(crate::Severity::Warning),
            );
        }
        result.pinned = true;
        let latest = Latest {
            name: name.clone(),
            tag: tag.clone(),
            digest: Some(digest.clone().unwrap_or_default()),
        };
        fill(&mut result, &latest);
        return (result, Some(latest));
    }
    result.diagnostics.extend(super::policy_problems(objects, policy));
    let Some(repository) = repository else {
        nothing(
            &mut result,
            "failed to get the referred ImageRepository: it is not defined in the repository"
                .to_string(),
        );
        return (result, None);
    };
    let Some(image) = image else {
        nothing(
            &mut result,
            format!(
                "ImageRepository {}/{} has no spec.image",
                repository.namespace, repository.name
            ),
        );
        return (result, None);
    };
    let Ok(policer) = policer(policy) else { return (result, None) };
    let filter = match &policy.filter {
        Some(f) => match GoRegex::compile(&f.pattern.value) {
            Ok(regex) => Some(Filter { regex, extract: f.extract.value.clone() }),
            Err(_) => return (result, None),
        },
        None => None,
    };
    let mut exclusions = Vec::new();
    let defaults = [objects::Located {
        value: "^.*\\.sig$".to_string(),
        file: policy.site.file.clone(),
        span: Span::default(),
    }];
    let list = if repository.exclusion_list.is_empty() {
        &defaults[..]
    } else {
        &repository.exclusion_list[..]
    };
    for pattern in list {
        match GoRegex::compile(&pattern.value) {
            Ok(regex) => exclusions.push(regex),
            Err(problem) => {
                result.diagnostics.push(
                    super::regex_diagnostic(&problem, "exclusionList entry")
                        .at(&*pattern.file, pattern.span),
                );
                return (result, None);
            }
        }
    }
    let by_name = format!("{}/{}", repository.namespace, repository.name);
    let Some(all) = tags.get(image.as_str()).or_else(|| tags.get(by_name.as_str())) else {
        nothing(
            &mut result,
            format!(
                "no tags given for image '{image}' (add it under `images` in the input, by image or as '{by_name}')"
            ),
        );
        return (result, None);
    };
    let mut buffers: Vec<_> = exclusions.iter().map(GoRegex::locations).collect();
    let kept: Vec<&str> = all
        .iter()
        .copied()
        .filter(|t| !exclusions.iter().zip(&mut buffers).any(|(r, b)| r.is_match_with(b, t)))
        .collect();
    let outcome = policy::elect(&policer, filter.as_ref(), &kept);
    result.candidates = outcome.candidates;
    result.top = outcome.top;
    let Some(tag) = outcome.latest else {
        nothing(&mut result, outcome.reason.unwrap_or_default());
        return (result, None);
    };
    let digest = if policy.digest_reflection == "Never" {
        Some(String::new())
    } else {
        input.digests.get(&format!("{image}:{tag}")).cloned()
    };
    let latest = Latest { name: image, tag, digest };
    fill(&mut result, &latest);
    (result, Some(latest))
}

fn fill(result: &mut PolicyResult, latest: &Latest) {
    let digest = latest.digest.clone().unwrap_or_default();
    let mut full = format!("{}:{}", latest.name, latest.tag);
    if !digest.is_empty() {
        full.push('@');
        full.push_str(&digest);
    }
    result.latest = Some(full);
    result.tag = Some(latest.tag.clone());
    result.digest = (!digest.is_empty()).then_some(digest);
}

/// The directory an automation updates, or why it cannot run (`F014`).
pub(crate) fn automation_scope(
    automation: &ImageUpdateAutomation,
) -> Result<String, Box<Diagnostic>> {
    let name = format!("{}/{}", automation.namespace, automation.name);
    let site = &automation.site;
    if !automation.has_update {
        return Err(Box::new(
            Diagnostic::new(
                Code::AutomationInvalid,
                format!("ImageUpdateAutomation {name} has no spec.update: no update strategy"),
            )
            .at(&*site.file, site.span),
        ));
    }
    if let Some(strategy) = &automation.strategy
        && !strategy.value.is_empty()
        && strategy.value != "Setters"
    {
        return Err(Box::new(
            Diagnostic::new(
                Code::AutomationInvalid,
                format!(
                    "ImageUpdateAutomation {name}: unsupported update strategy: {}",
                    strategy.value
                ),
            )
            .at(&*strategy.file, strategy.span),
        ));
    }
    if let Some(selector) = &automation.policy_selector
        && let Err(message) = label_selector(selector)
    {
        return Err(Box::new(
            Diagnostic::new(
                Code::AutomationInvalid,
                format!("ImageUpdateAutomation {name}: failed to parse policy selector: {message}"),
            )
            .at(&*site.file, selector.span),
        ));
    }
    Ok(crate::tree::join_clamped(automation.path.as_ref().map_or("", |p| p.value.as_str())))
}

fn label_selector(selector: &objects::PolicySelector) -> Result<LabelSelector, String> {
    let expressions: Vec<(String, String, Vec<String>)> = selector
        .match_expressions
        .iter()
        .map(|e| (e.key.clone(), e.operator.clone(), e.values.clone()))
        .collect();
    LabelSelector::from_match(&selector.match_labels, &expressions)
}

/// The policies an automation applies: its namespace, matching its selector.
pub(crate) fn selected<'a>(
    objects: &'a FluxObjects,
    automation: &ImageUpdateAutomation,
) -> Vec<&'a ImagePolicy> {
    let selector = automation.policy_selector.as_ref().and_then(|s| label_selector(s).ok());
    objects
        .policies
        .iter()
        .filter(|p| p.namespace == automation.namespace)
        .filter(|p| selector.as_ref().is_none_or(|s| s.matches(&p.labels)))
        .collect()
}

fn run_automation(
    source: &mut Source<'_>,
    objects: &FluxObjects,
    automation: &ImageUpdateAutomation,
    latest: &Elected,
    texts: &mut BTreeMap<String, String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> AutomationResult {
    let id = format!("{}/{}", automation.namespace, automation.name);
    let mut result = AutomationResult {
        namespace: automation.namespace.clone(),
        name: automation.name.clone(),
        api_version: automation.api_version.clone(),
        path: String::new(),
        policies: Vec::new(),
        changes: Vec::new(),
        files: Vec::new(),
        author_name: automation.author_name.clone(),
        author_email: automation.author_email.clone(),
        message_template: automation.message_template.as_ref().map(|t| t.value.clone()),
        message_template_values: automation
            .message_template_values
            .iter()
            .map(|(key, value)| TemplateValue { key: key.clone(), value: value.clone() })
            .collect(),
        error: None,
        commit: None,
    };
    let dir = match automation_scope(automation) {
        Ok(dir) => dir,
        Err(d) => {
            result.error = Some(d.message.clone());
            diagnostics.push(*d);
            return result;
        }
    };
    result.path.clone_from(&dir);
    // The setter table: four setters per policy with a result.
    let mut table: BTreeMap<String, SetterValue> = BTreeMap::new();
    for policy in selected(objects, automation) {
        let Some(l) = latest.get(&(policy.namespace.clone(), policy.name.clone())) else {
            continue;
        };
        let base = format!("{}:{}", policy.namespace, policy.name);
        result.policies.push(base.clone());
        let full = match &l.digest {
            Some(d) if d.is_empty() => SetterValue::Known(format!("{}:{}", l.name, l.tag)),
            Some(d) => SetterValue::Known(format!("{}:{}@{d}", l.name, l.tag)),
            None => SetterValue::DigestUnknown,
        };
        table.insert(base.clone(), full);
        table.insert(format!("{base}:tag"), SetterValue::Known(l.tag.clone()));
        table.insert(format!("{base}:name"), SetterValue::Known(l.name.clone()));
        table.insert(
            format!("{base}:digest"),
            l.digest.clone().map_or(SetterValue::DigestUnknown, SetterValue::Known),
        );
    }
    if table.is_empty() {
        return result;
    }
    let lookup = |name: &str| table.get(name).cloned();
    // `filepath.Walk` of `update.path`: a directory recursively, or one file (whose result
    // keys are then relative to its directory).
    let (paths, base): (Vec<String>, String) = if source.tree.is_file(&dir) {
        (vec![dir.clone()], crate::tree::parent(&dir).to_string())
    } else if dir.is_empty() || source.tree.is_dir(&dir) {
        let paths = source.tree.files_under(&dir).map(str::to_string).collect();
        (paths, dir.clone())
    } else {
        let message = format!(
            "ImageUpdateAutomation {id}: update.path '{dir}' does not exist in the repository (Flux fails: walking path for files)"
        );
        let d = Diagnostic::new(Code::AutomationInvalid, message.clone());
        let d = match &automation.path {
            Some(p) => d.at(&*p.file, p.span),
            None => d.at(&*automation.site.file, automation.site.span),
        };
        result.error = Some(message);
        diagnostics.push(d);
        return result;
    };
    for path in paths.into_iter().filter(|p| setters::is_candidate_name(p)) {
        let text = match texts.get(&path) {
            Some(t) => t.clone(),
            None => match source.text(&path, None) {
                Ok(t) => t.to_string(),
                Err(_) => continue,
            },
        };
        if !text.contains(setters::TOKEN) {
            continue;
        }
        let scan = setters::scan(&path, &text);
        if let Some(reason) = &scan.skipped {
            diagnostics.push(
                Diagnostic::new(
                    Code::FileSkippedByFlux,
                    format!("Flux skips '{path}' and its markers: {reason}"),
                )
                .in_file(&path),
            );
            continue;
        }
        if scan.list_file {
            continue;
        }
        let (edits, applied, mut problems) = setters::apply(&path, &text, &scan, &lookup);
        diagnostics.append(&mut problems);
        if applied.is_empty() {
            continue;
        }
        let Ok(after) = crate::yaml::edit::apply(&text, &edits) else { continue };
        let file = crate::tree::relative(&base, &path);
        for change in applied {
            result.changes.push(ChangeRecord {
                automation: id.clone(),
                file: file.clone(),
                path: path.clone(),
                object: change.object,
                old: change.old,
                new: change.new,
                setter: change.setter,
                span: change.span,
            });
        }
        result.files.push(path.clone());
        texts.insert(path, after);
    }
    if !result.changes.is_empty() {
        let changed: Vec<Changed<'_>> = result
            .changes
            .iter()
            .map(|change| {
                let mut parts = change.setter.splitn(3, ':');
                let key = (
                    parts.next().unwrap_or("").to_string(),
                    parts.next().unwrap_or("").to_string(),
                );
                let image = latest.get(&key).map_or_else(String::new, Latest::reference);
                Changed { change, image }
            })
            .collect();
        result.commit = message::commit(automation, &changed, diagnostics);
    }
    result
}

/// Repository files Flux would screen for markers (by name and token).
fn marker_files(source: &Source<'_>) -> Vec<String> {
    source
        .tree
        .paths()
        .filter(|p| setters::is_candidate_name(p))
        .filter(|p| source.tree.text(p).is_some_and(|t| t.contains(setters::TOKEN)))
        .map(str::to_string)
        .collect()
}

/// Markers that Flux would ignore, and files it would skip: `F008`–`F013`, `F020`, `F021`.
pub(crate) fn marker_problems(
    source: &mut Source<'_>,
    objects: &FluxObjects,
    paths: &[String],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let scopes: Vec<(&ImageUpdateAutomation, String)> = objects
        .automations
        .iter()
        .filter_map(|a| automation_scope(a).ok().map(|dir| (a, dir)))
        .collect();
    let mut any_marker = false;
    for path in paths.iter().filter(|p| setters::is_candidate_name(p)).map(String::as_str) {
        let Ok(text) = source.text(path, None) else { continue };
        if !super::mentions_imagepolicy(&text) {
            continue;
        }
        let scan: FileScan = setters::scan(path, &text);
        if let Some(reason) = &scan.skipped {
            if text.contains(setters::TOKEN) {
                out.push(
                    Diagnostic::new(
                        Code::FileSkippedByFlux,
                        format!("Flux skips '{path}' and its markers: {reason}"),
                    )
                    .in_file(path),
                );
            }
            continue;
        }
        if scan.list_file && !scan.markers.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::MarkerInListFile,
                    format!("'{path}' is a `kind: List`: Flux unwraps its items and writes them to new files; Baton does not update it"),
                )
                .in_file(path),
            );
        }
        for stray in &scan.strays {
            out.push(Diagnostic::new(stray.code, stray.message.clone()).at(path, stray.span));
        }
        let exact_token = text.contains(setters::TOKEN);
        for marker in &scan.markers {
            any_marker = true;
            if !exact_token {
                continue;
            }
            if let Some(d) = marker_problem(objects, &scopes, path, marker) {
                out.push(d);
            }
        }
    }
    if any_marker && objects.automations.is_empty() {
        out.push(Diagnostic::new(
            Code::NoImageUpdateAutomation,
            "files carry setter markers but the repository defines no ImageUpdateAutomation; Flux changes nothing",
        ));
    }
    out
}

fn marker_problem(
    objects: &FluxObjects,
    scopes: &[(&ImageUpdateAutomation, String)],
    path: &str,
    marker: &setters::Marker,
) -> Option<Diagnostic> {
    let setter = &marker.setter;
    let mut parts = setter.splitn(3, ':');
    let (namespace, name, suffix) = (parts.next().unwrap_or(""), parts.next(), parts.next());
    let unknown = |message: String| {
        Some(Diagnostic::new(Code::MarkerUnknownPolicy, message).at(path, marker.comment))
    };
    let Some(name) = name else {
        return unknown(format!(
            "marker '{setter}' names no namespace: Flux setters are 'NAMESPACE:NAME' (optionally ':tag', ':name' or ':digest'); Flux ignores it"
        ));
    };
    if let Some(suffix) = suffix
        && !matches!(suffix, "tag" | "name" | "digest")
    {
        return unknown(format!(
            "marker '{setter}': unknown setter suffix ':{suffix}' (use ':tag', ':name' or ':digest'); Flux ignores it"
        ));
    }
    if objects.policy(namespace, name).is_none() {
        let similar: Vec<String> = objects
            .policies
            .iter()
            .filter(|p| {
                p.name == name || (p.namespace == namespace && edit_distance(&p.name, name, 2) <= 2)
            })
            .map(|p| format!("{}:{}", p.namespace, p.name))
            .collect();
        let mut d = Diagnostic::new(
            Code::MarkerUnknownPolicy,
            format!("marker '{setter}' names ImagePolicy {namespace}/{name}, which no file defines; Flux leaves this value unchanged without a word"),
        )
        .at(path, marker.comment);
        if !similar.is_empty() {
            d = d.with_help(format!("did you mean {}?", similar.join(" or ")));
        }
        return Some(d);
    }
    let in_scope = scopes.iter().any(|(automation, dir)| {
        automation.namespace == namespace
            && crate::tree::is_within(path, dir)
            && selected(objects, automation).iter().any(|p| p.name == name)
    });
    (!in_scope && !scopes.is_empty()).then(|| {
        Diagnostic::new(
            Code::MarkerOutOfScope,
            format!(
                "marker '{setter}': no ImageUpdateAutomation in namespace '{namespace}' selects ImagePolicy {namespace}/{name} with this file under its update.path; Flux leaves this value unchanged"
            ),
        )
        .at(path, marker.comment)
    })
}
