//! `planPreviewCleanup`: the change set that removes previews nobody needs any more.
//!
//! Stale previews pile up when a CI delete step fails; the cure is to compute what should
//! exist from what is open, not to trust that every close ran its step. A preview goes when
//! its pull request is listed in `closed`, or is missing from `open` (the host lists every
//! open pull request), or, with `maxAge` set for its app, when it has not changed for longer
//! (`lastChanged` per preview directory, against `now`: the core has no clock and no git).
//! Every file of a removed preview is deleted; the deletion is verified like any change set,
//! so a preview that some other overlay includes breaks that render and nothing is offered.
//! Directories under a preview root that match no pull request are listed (`P016`), never
//! deleted: they are someone's, not Baton's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Found, find, lookup_app};
use crate::changeset::{ChangeSet, CollateralChange, FileEdit, Intent};
use crate::diagnostic::{Code, Diagnostic};
use crate::gates::time::{Instant, format_duration};
use crate::pipeline::App;
use crate::repo::Repo;
use crate::tree;

/// What `planPreviewCleanup` plans.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CleanupRequest {
    /// Only this app's previews (its name or path); default: every app's.
    #[serde(default)]
    pub app: Option<String>,
    /// The open pull requests: every other preview is removed. `None`: not known.
    #[serde(default)]
    pub open: Option<Vec<u64>>,
    /// Pull requests known to be closed: their previews are removed.
    #[serde(default)]
    pub closed: Vec<u64>,
    /// RFC 3339 "now", for `maxAge`.
    #[serde(default)]
    pub now: Option<String>,
    /// Preview directory (or a file in it) → RFC 3339 time it last changed, for `maxAge`.
    #[serde(default)]
    pub last_changed: BTreeMap<String, String>,
}

/// What happens to a preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Fate {
    /// Its pull request is open (or not known to be closed) and it is fresh: kept.
    Kept,
    /// Its pull request is closed: removed.
    Closed,
    /// Unchanged for longer than `maxAge`: removed.
    Stale,
}

/// One preview found, and what the plan does with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewFate {
    pub app: String,
    pub number: u64,
    pub path: String,
    pub fate: Fate,
    /// When it last changed (from `lastChanged`), RFC 3339.
    pub last_changed: Option<String>,
    /// How long it has been unchanged (`9d2h`), when `now` and `lastChanged` say.
    pub age: Option<String>,
    /// The app's `maxAge` (`7d`), if any.
    pub max_age: Option<String>,
}

/// A directory under a preview root that is no pull request's preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnknownEntry {
    pub app: String,
    pub path: String,
}

/// The result of `planPreviewCleanup`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CleanupPlan {
    /// Every preview found, with its fate, by app then number.
    pub previews: Vec<PreviewFate>,
    pub unknown: Vec<UnknownEntry>,
    /// Deletions of every file of each removed preview.
    pub edits: Vec<FileEdit>,
    /// Rendered changes beyond the removed previews (another overlay that included one).
    pub collateral: Vec<CollateralChange>,
    /// A pull request comment (markdown) listing what is removed.
    pub comment: String,
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

fn invalid(message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::PreviewRequestInvalid, message)
}

/// Plans the removal of closed and stale previews.
pub fn plan_cleanup(repo: &mut Repo, request: &CleanupRequest) -> CleanupPlan {
    let mut out = CleanupPlan {
        previews: Vec::new(),
        unknown: Vec::new(),
        edits: Vec::new(),
        collateral: Vec::new(),
        comment: String::new(),
        message: String::new(),
        diagnostics: Vec::new(),
    };
    if let Err(refusal) = build(repo, request, &mut out) {
        out.message.clone_from(&refusal.message);
        out.diagnostics.push(*refusal);
    }
    if out.diagnostics.iter().any(Diagnostic::is_error) {
        out.edits.clear();
    }
    if repo.meter().exhausted() && !out.diagnostics.iter().any(|d| d.code == "R013") {
        out.diagnostics.push(repo.meter().exhausted_diagnostic("planning the preview cleanup"));
        out.edits.clear();
    }
    repo.locate(&mut out.diagnostics);
    crate::diagnostic::sort(&mut out.diagnostics);
    out
}

/// `now` and `lastChanged` parsed.
struct Clock {
    now: Option<Instant>,
    changed: Vec<(String, Instant, String)>,
}

fn clock(request: &CleanupRequest) -> Result<Clock, Box<Diagnostic>> {
    let parse = |what: &str, text: &str| {
        Instant::parse_rfc3339(text).map_err(|e| Box::new(invalid(format!("{what}: {e}"))))
    };
    let now = request.now.as_deref().map(|t| parse("now", t)).transpose()?;
    let mut changed = Vec::new();
    for (path, time) in &request.last_changed {
        let normalized =
            tree::normalize(path).map_err(|e| invalid(format!("lastChanged: {path:?}: {e}")))?;
        changed.push((normalized, parse(&format!("lastChanged[{path:?}]"), time)?, time.clone()));
    }
    Ok(Clock { now, changed })
}

impl Clock {
    /// The latest time something in `dir` changed.
    fn last_changed(&self, dir: &str) -> Option<(Instant, &str)> {
        self.changed
            .iter()
            .filter(|(path, _, _)| tree::is_within(path, dir))
            .map(|(_, at, text)| (*at, text.as_str()))
            .max_by_key(|(at, _)| *at)
    }
}

fn build(
    repo: &mut Repo,
    request: &CleanupRequest,
    out: &mut CleanupPlan,
) -> Result<(), Box<Diagnostic>> {
    if request.open.iter().flatten().chain(&request.closed).any(|n| *n == 0) {
        return Err(Box::new(invalid("pull request numbers must be positive integers, not 0")));
    }
    let clock = clock(request)?;
    let pipeline = repo.pipeline();
    let apps: Vec<App> = match &request.app {
        Some(name) => vec![lookup_app(&pipeline, name)?],
        None => pipeline.apps.clone(),
    };
    let mut warned_no_clock = false;
    let mut change = ChangeSet::new();
    let mut intents = Vec::new();
    for app in &apps {
        let Found { previews, unknown } = find(repo.tree(), &pipeline, app);
        let max_age = pipeline.preview_settings(app).max_age;
        let name = if pipeline.name_is_shared(app) { &app.path } else { &app.name };
        for (number, dir) in previews {
            let last = clock.last_changed(&dir);
            let age = clock.now.zip(last).and_then(|(now, (at, _))| now.seconds_since(at));
            let closed = request.closed.contains(&number)
                || request.open.as_ref().is_some_and(|open| !open.contains(&number));
            if max_age.is_some() && age.is_none() && !closed && !warned_no_clock {
                warned_no_clock = true;
                let missing = if clock.now.is_none() { "`now`" } else { "a lastChanged time" };
                out.diagnostics.push(
                    invalid(format!(
                        "previews of '{}' have a maxAge, but without {missing} the age of {dir} (and of any other such preview) is unknown: it is kept",
                        app.name
                    ))
                    .with_severity(crate::Severity::Warning),
                );
            }
            let fate = if closed {
                Fate::Closed
            } else if age.zip(max_age).is_some_and(|(age, max)| age > max) {
                Fate::Stale
            } else {
                Fate::Kept
            };
            if fate != Fate::Kept {
                let tree = repo.tree();
                for path in tree.files_under(&dir) {
                    change.delete(tree, path).map_err(|e| {
                        Diagnostic::new(
                            Code::PreviewUnverified,
                            format!("cannot remove {dir}: {e}"),
                        )
                        .in_file(path)
                    })?;
                }
                intents.push(Intent::overlay(&dir));
            }
            out.previews.push(PreviewFate {
                app: name.clone(),
                number,
                path: dir,
                fate,
                last_changed: last.map(|(_, text)| text.to_string()),
                age: age.map(format_duration),
                max_age: max_age.map(format_duration),
            });
        }
        for path in unknown {
            out.diagnostics.push(
                Diagnostic::new(
                    Code::PreviewUnknownEntry,
                    format!("{path} is under the preview root of '{}' but matches no pull request's preview path; it is left alone", app.name),
                )
                .in_file(path.clone()),
            );
            out.unknown.push(UnknownEntry { app: name.clone(), path });
        }
    }
    for number in &request.closed {
        if !out.previews.iter().any(|p| p.number == *number) {
            let whose = request.app.as_deref().map_or(String::new(), |a| format!(" of '{a}'"));
            return Err(Box::new(invalid(format!("there is no preview{whose} for PR {number}"))));
        }
    }
    let verification = change.verify(repo, &intents).map_err(|e| invalid(e.to_string()))?;
    out.diagnostics.extend(verification.diagnostics.iter().cloned());
    out.collateral.clone_from(&verification.collateral);
    out.edits = change.into_edits();
    let removed: Vec<&PreviewFate> = out.previews.iter().filter(|p| p.fate != Fate::Kept).collect();
    out.message = match removed.len() {
        0 => format!("nothing to remove: {} preview(s) kept", out.previews.len()),
        n => format!(
            "remove {n} preview(s) ({} file(s)), keep {}",
            out.edits.len(),
            out.previews.len() - n
        ),
    };
    out.comment = comment(&removed);
    Ok(())
}

/// The comment posted when previews go: which, and why.
fn comment(removed: &[&PreviewFate]) -> String {
    if removed.is_empty() {
        return "No preview to remove.\n".to_string();
    }
    let mut out = String::from(
        "### Previews removed\n\n| app | PR | directory | why |\n| --- | --- | --- | --- |\n",
    );
    for p in removed {
        let why = match (p.fate, &p.age, &p.max_age) {
            (Fate::Stale, Some(age), Some(max)) => format!("unchanged for {age} (maxAge {max})"),
            (Fate::Stale, _, _) => "stale".to_string(),
            _ => "pull request closed".to_string(),
        };
        out.push_str(&format!("| {} | #{} | `{}` | {why} |\n", p.app, p.number, p.path));
    }
    out
}
