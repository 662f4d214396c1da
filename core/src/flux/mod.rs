//! Flux image automation, offline: which tag each `ImagePolicy` elects, which marked values
//! an `ImageUpdateAutomation` would change, and why a marker does nothing.
//!
//! The answers are image-reflector-controller's and image-automation-controller's, read from
//! their code (commits in `specs/flux-image-automation.md`); each submodule names its upstream
//! files. The registry is not contacted: the caller gives the tags (and digests) it knows.
//! - [`objects`] reads `ImageRepository`, `ImagePolicy` and `ImageUpdateAutomation` from the
//!   repository's raw YAML files;
//! - [`policy`] elects (semver with [`crate::semver`], alphabetical, numerical, `filterTags`
//!   through [`goregex`]);
//! - [`setters`] finds markers as kyaml does (with [`comments`] standing in for go-yaml's
//!   comment attachment) and edits only the marked scalars;
//! - [`update`] ties them into [`image_update`], whose edits are a
//!   [`crate::changeset::ChangeSet`] verified by rendering every overlay that reads an edited
//!   file (the marked values' replacements are the intent; anything else is collateral);
//!   [`validate`] reports the `F` diagnostics.
//!
//! - [`message`] renders each automation's commit message with [`crate::gotemplate`].

pub mod automated;
mod backtrack;
pub mod comments;
pub mod goregex;
pub mod message;
pub mod objects;
pub mod policy;
pub mod setters;
pub mod update;

pub use update::{
    AutomationResult, ChangeRecord, FileEdit, ImageUpdate, ImageUpdateInput, PolicyResult, Tags,
    image_update,
};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::Source;

use objects::{FluxObjects, ImagePolicy};

/// The `F` diagnostics of a repository: invalid policies and automations, references to
/// missing objects, and markers that Flux would ignore.
pub fn validate(source: &mut Source<'_>) -> Vec<Diagnostic> {
    let paths: Vec<String> = source
        .tree
        .paths()
        .filter(|p| source.tree.text(p).is_some_and(|text| is_flux_file(p, &text)))
        .map(str::to_string)
        .collect();
    validate_files(source, &paths)
}

/// Whether `validate` must read a file: it may hold an image automation object, or a
/// comment that mentions `$imagepolicy` (in any case: a marker Flux would not read is
/// reported too). Only these files' edits can change the `F` diagnostics.
#[must_use]
pub fn is_flux_file(path: &str, text: &str) -> bool {
    objects::may_hold_objects(path, text)
        || (setters::is_candidate_name(path) && mentions_imagepolicy(text))
}

/// Whether `text` holds `$imagepolicy` in any letter case.
fn mentions_imagepolicy(text: &str) -> bool {
    const WORD: &[u8] = b"$imagepolicy";
    text.match_indices('$').any(|(at, _)| {
        text.as_bytes()[at..].get(..WORD.len()).is_some_and(|w| w.eq_ignore_ascii_case(WORD))
    })
}

/// [`validate`] of the files `paths` (the repository's files for which [`is_flux_file`]
/// holds; others are passed over).
pub fn validate_files(source: &mut Source<'_>, paths: &[String]) -> Vec<Diagnostic> {
    let objects = objects::read_files(source, paths);
    let mut out = objects.diagnostics.clone();
    for repository in &objects.repositories {
        for pattern in &repository.exclusion_list {
            if let Err(problem) = goregex::GoRegex::compile(&pattern.value) {
                out.push(
                    regex_diagnostic(&problem, "exclusionList entry")
                        .at(&*pattern.file, pattern.span),
                );
            }
        }
    }
    for policy in &objects.policies {
        out.extend(policy_problems(&objects, policy));
    }
    for automation in &objects.automations {
        if let Err(d) = update::automation_scope(automation) {
            out.push(*d);
        }
        out.extend(message::check(automation));
    }
    out.extend(update::marker_problems(source, &objects, paths));
    out
}

/// What makes a policy invalid or unable to elect, at the offending scalar.
pub(crate) fn policy_problems(objects: &FluxObjects, policy: &ImagePolicy) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let site = &policy.site;
    let name = format!("{}/{}", policy.namespace, policy.name);
    if let Some(span) = policy.ambiguous_choice {
        out.push(
            Diagnostic::new(
                Code::PolicyChoiceAmbiguous,
                format!(
                    "ImagePolicy {name} sets more than one policy kind; Flux uses {}",
                    policy.choice.kind()
                ),
            )
            .at(&*site.file, span),
        );
    }
    if let Err(d) = update::policer(policy) {
        out.push(*d);
    }
    if let Some(filter) = &policy.filter
        && let Err(problem) = goregex::GoRegex::compile(&filter.pattern.value)
    {
        out.push(
            regex_diagnostic(&problem, "filterTags.pattern")
                .at(&*filter.pattern.file, filter.pattern.span),
        );
    }
    match &policy.repository_name {
        None => out.push(
            Diagnostic::new(Code::ImageRepositoryMissing, format!("ImagePolicy {name} has no spec.imageRepositoryRef.name"))
                .at(&*site.file, site.span),
        ),
        Some(reference) if objects.repository_of(policy).is_none() => out.push(
            Diagnostic::new(
                Code::ImageRepositoryMissing,
                format!(
                    "ImagePolicy {name} refers to ImageRepository {}/{}, which no file of the repository defines",
                    policy.repository_namespace, reference.value
                ),
            )
            .at(&*reference.file, reference.span),
        ),
        Some(_) => {}
    }
    out
}

/// The diagnostic for a Go regular expression problem (`what` names the field).
pub(crate) fn regex_diagnostic(problem: &goregex::RegexProblem, what: &str) -> Diagnostic {
    match problem {
        goregex::RegexProblem::Invalid(message) => Diagnostic::new(
            Code::PolicyRegexInvalid,
            format!("{what} is not a valid Go regular expression: error parsing regexp: {message}"),
        ),
        goregex::RegexProblem::Unsupported(message) => Diagnostic::new(
            Code::PolicyRegexUnsupported,
            format!("{what} uses {message}; Baton cannot evaluate it exactly as Go does"),
        ),
    }
}

#[cfg(test)]
mod tests;
