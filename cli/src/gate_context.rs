//! The gates' context of `baton promote`, assembled from what CI has: a context file, GitHub's
//! own JSON ([`crate::github`]), the repository's history ([`crate::git`]) and the clock.
//!
//! The engine takes the context as one value and never reads a clock or a file; this module is
//! where the CLI gathers it. Precedence is field by field, the explicit over the derived:
//!
//! - `author`, `approvals`: the `--context` file's field when it has one, else GitHub's
//!   (`--github-event`, `--reviews`);
//! - `checks`, `since`, `teams`: merged by key; a key in the `--context` file wins over the same
//!   key derived from `--checks`/`--statuses`, `--since-from-git` or `--teams`;
//! - `now`: `--now`, else the file's `now`, else the system clock — so soak and window gates
//!   decide in CI instead of waiting for a time nobody gave.

#![allow(clippy::doc_markdown)] // the doc comments of `GateArgs` are `--help` text

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use baton_core::gates::evaluate::Context;
use baton_core::gates::time::Instant;
use serde_json::Value;

use crate::github::{self, JsonFile, checks, event, reviews, teams};

const HEADING: &str = "Gate context (GitHub's JSON as `gh api` writes it)";

/// The flags that make the gates' context.
#[derive(Debug, Clone, clap::Args)]
pub struct GateArgs {
    /// JSON file with the gates' context: author, approvals, checks, now, since, teams; its
    /// fields win over those derived from the flags below (maps key by key)
    #[arg(long, value_name = "FILE", help_heading = HEADING)]
    pub context: Option<PathBuf>,
    /// The pull request event ($GITHUB_EVENT_PATH): the author and the PR number
    #[arg(long, value_name = "FILE", help_heading = HEADING)]
    pub github_event: Option<PathBuf>,
    /// GitHub's "list reviews for a pull request" response: each user's latest approving or
    /// change-requesting review decides; only OWNER, MEMBER and COLLABORATOR approvals count
    #[arg(long, value_name = "FILE", help_heading = HEADING)]
    pub reviews: Option<PathBuf>,
    /// GitHub's "list check runs for a Git reference" response (repeatable): the latest run of
    /// each name gives its state
    #[arg(long, value_name = "FILE", help_heading = HEADING)]
    pub checks: Vec<PathBuf>,
    /// GitHub's combined status, or "list commit statuses", of a reference (repeatable)
    #[arg(long, value_name = "FILE", help_heading = HEADING)]
    pub statuses: Vec<PathBuf>,
    /// A team's members for CODEOWNERS: @org/team=FILE, FILE being GitHub's "list team
    /// members" response (repeatable)
    #[arg(long, value_name = "TEAM=FILE", value_parser = teams::parse, help_heading = HEADING)]
    pub teams: Vec<teams::TeamFile>,
    /// Each environment's `since` from git: the commit time of the last commit (first-parent
    /// history) that changed the promoted value on the line that sets it
    #[arg(long, help_heading = HEADING)]
    pub since_from_git: bool,
    /// The current time, RFC 3339, for soak and windows; wins over the context file's `now`
    /// (default: the system clock)
    #[arg(long, value_name = "TIME", value_parser = parse_now, help_heading = HEADING)]
    pub now: Option<Instant>,
}

fn parse_now(value: &str) -> Result<Instant, String> {
    Instant::parse_rfc3339(value).map_err(|e| e.to_string())
}

/// The context before `--since-from-git`, what it was made from, and what to tell the user.
#[derive(Debug)]
pub struct Assembled {
    pub context: Context,
    /// What the `--context` file set that later sources must not override.
    explicit: Explicit,
    /// Remarks for standard error (approvals left out, short paginations, derived `since`).
    pub notes: Vec<String>,
    /// The pull request of `--github-event`.
    pub pull_request: Option<u64>,
}

#[derive(Debug, Default)]
struct Explicit {
    /// The environments whose `since` the context file sets.
    since: Vec<String>,
}

impl Assembled {
    /// Adds `since` values derived from git, unless the context file set the environment's.
    pub fn add_since(&mut self, since: BTreeMap<String, String>) {
        for (env, time) in since {
            if !self.explicit.since.contains(&env) {
                self.context.since.insert(env, time);
            }
        }
    }
}

/// Reads every file the flags name and assembles the context. A file that cannot be read or
/// is not what its flag expects is an `Err` (exit 2) naming the file and the JSON path.
pub fn assemble(args: &GateArgs, clock: Instant) -> Result<Assembled, String> {
    let mut derived = Context::default();
    let mut notes = Vec::new();
    let mut pull_request = None;
    if let Some(path) = &args.github_event {
        let pr = event::read(&JsonFile::read(path)?)?;
        derived.author = Some(pr.author.clone());
        pull_request = Some(pr.number);
    }
    if let Some(path) = &args.reviews {
        let file = JsonFile::read(path)?;
        let found = reviews::approvals(&file.name, &file.list()?, pull_request)?;
        derived.approvals = found.approvers;
        notes.extend(found.notes);
    }
    let mut runs = Vec::new();
    for path in &args.checks {
        let file = JsonFile::read(path)?;
        runs.push((file.name.clone(), checks::read_runs(&file)?));
    }
    let mut statuses = Vec::new();
    for path in &args.statuses {
        let file = JsonFile::read(path)?;
        statuses.push((file.name.clone(), checks::read_statuses(&file)?));
    }
    let found = checks::combine(&runs, &statuses);
    derived.checks = found.states;
    notes.extend(found.notes);
    for team in &args.teams {
        let members = teams::members(&JsonFile::read(&team.file)?)?;
        derived.teams.entry(team.team.clone()).or_default().extend(members);
    }
    derived.now = Some(clock.to_rfc3339());
    let (mut context, explicit) = match &args.context {
        Some(path) => merge(derived, path)?,
        None => (derived, Explicit::default()),
    };
    if let Some(now) = args.now {
        context.now = Some(now.to_rfc3339());
    }
    Ok(Assembled { context, explicit, notes, pull_request })
}

/// `derived` with the fields of the context file at `path` laid over it.
fn merge(mut derived: Context, path: &Path) -> Result<(Context, Explicit), String> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read context '{name}': {e}"))?;
    let value: Value =
        serde_json::from_str(&text).map_err(|e| format!("invalid context '{name}': {e}"))?;
    let Value::Object(map) = &value else {
        return Err(format!("invalid context '{name}': $: expected an object"));
    };
    let file: Context =
        github::decode(&name, &value, "$").map_err(|e| format!("invalid context {e}"))?;
    let has = |field: &str| map.contains_key(field);
    if has("author") {
        derived.author = file.author;
    }
    if has("approvals") {
        derived.approvals = file.approvals;
    }
    if has("now") {
        derived.now = file.now;
    }
    derived.checks.extend(file.checks);
    derived.teams.extend(file.teams);
    let explicit = Explicit { since: file.since.keys().cloned().collect() };
    derived.since.extend(file.since);
    Ok((derived, explicit))
}

/// The system clock, to the second.
pub fn system_now() -> Instant {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    Instant::from_unix(secs)
}
