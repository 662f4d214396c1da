//! Check states from GitHub's check runs and commit statuses.
//!
//! Both name a check the way branch protection's "required status checks" do: a check run by
//! its `name`, a commit status by its `context`. The engine's `requiredChecks` gate reads one
//! word per name; this module chooses that word:
//!
//! - **Check runs** ("List check runs for a Git reference"): a `completed` run gives its
//!   `conclusion` (`success`, `neutral` and `skipped` pass, as they do for branch protection;
//!   `failure`, `cancelled`, `timed_out` and `action_required` fail; `stale` — never finished —
//!   waits), any other `status` (`queued`, `in_progress`, `waiting`, `requested`, `pending`)
//!   waits and is shown as is. A name run several times (a re-run, or a run per event) is
//!   decided by its latest run: the greatest `started_at`, then `id`; a run not started yet is
//!   the latest.
//! - **Commit statuses** (the combined status, or the list of statuses): the latest status
//!   per `context` by `updated_at`, then `id`; `success` passes, `failure` and `error` fail,
//!   `pending` waits.
//! - A name reported both ways takes the less favourable of the two: a failing status is not
//!   hidden by a passing check run of the same name, or the other way round.

use std::collections::BTreeMap;

use baton_core::gates::time::Instant;
use serde::Deserialize;

use super::{JsonFile, Page, Timestamp};

/// One page of "List check runs for a Git reference".
#[derive(Debug, Clone, Deserialize)]
pub struct CheckRuns {
    pub total_count: u64,
    pub check_runs: Vec<CheckRun>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckRun {
    pub id: u64,
    pub name: String,
    pub status: RunStatus,
    pub conclusion: Option<Conclusion>,
    #[serde(default)]
    pub started_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    InProgress,
    Completed,
    Waiting,
    Requested,
    Pending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    Success,
    Failure,
    Neutral,
    Cancelled,
    Skipped,
    TimedOut,
    ActionRequired,
    Stale,
}

/// "Get the combined status for a specific reference".
#[derive(Debug, Clone, Deserialize)]
pub struct CombinedStatus {
    pub statuses: Vec<CommitStatus>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommitStatus {
    pub id: u64,
    pub context: String,
    pub state: StatusState,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusState {
    Error,
    Failure,
    Pending,
    Success,
}

/// The check runs of a file: one page, pages concatenated, or slurped.
pub fn read_runs(file: &JsonFile) -> Result<Vec<Page<CheckRuns>>, String> {
    file.object_pages()
}

/// The commit statuses of a file holding either the combined status (pages of it) or the list
/// of statuses (pages of it).
pub fn read_statuses(file: &JsonFile) -> Result<Vec<Page<CommitStatus>>, String> {
    if !file.has_key("statuses") {
        return file.list();
    }
    let pages: Vec<Page<CombinedStatus>> = file.object_pages()?;
    Ok(pages
        .into_iter()
        .flat_map(|page| {
            let at = page.at;
            page.value
                .statuses
                .into_iter()
                .enumerate()
                .map(move |(i, value)| Page { value, at: format!("{at}.statuses[{i}]") })
        })
        .collect())
}

/// How a state weighs when two sources name the same check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Weight {
    Pass,
    Wait,
    Fail,
}

/// A check's state: the word the engine reads, and its weight.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    word: &'static str,
    weight: Weight,
}

fn run_state(run: &CheckRun) -> State {
    let (word, weight) = match (run.status, run.conclusion) {
        (RunStatus::Completed, Some(c)) => match c {
            Conclusion::Success => ("success", Weight::Pass),
            Conclusion::Neutral => ("neutral", Weight::Pass),
            Conclusion::Skipped => ("skipped", Weight::Pass),
            Conclusion::Failure => ("failure", Weight::Fail),
            Conclusion::Cancelled => ("cancelled", Weight::Fail),
            Conclusion::TimedOut => ("timed_out", Weight::Fail),
            Conclusion::ActionRequired => ("action_required", Weight::Fail),
            Conclusion::Stale => ("stale", Weight::Wait),
        },
        (RunStatus::Completed, None) => ("completed without a conclusion", Weight::Wait),
        (RunStatus::Queued, _) => ("queued", Weight::Wait),
        (RunStatus::InProgress, _) => ("in_progress", Weight::Wait),
        (RunStatus::Waiting, _) => ("waiting", Weight::Wait),
        (RunStatus::Requested, _) => ("requested", Weight::Wait),
        (RunStatus::Pending, _) => ("pending", Weight::Wait),
    };
    State { word, weight }
}

fn status_state(status: &CommitStatus) -> State {
    let (word, weight) = match status.state {
        StatusState::Success => ("success", Weight::Pass),
        StatusState::Failure => ("failure", Weight::Fail),
        StatusState::Error => ("error", Weight::Fail),
        StatusState::Pending => ("pending", Weight::Wait),
    };
    State { word, weight }
}

/// Check states, and notes about the files (an incomplete pagination).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checks {
    /// Check name → the word for the engine (`success`, `failure`, `in_progress`, ...).
    pub states: BTreeMap<String, String>,
    pub notes: Vec<String>,
}

/// Combines check runs and commit statuses by the rules of the module documentation.
pub fn combine(
    runs: &[(String, Vec<Page<CheckRuns>>)],
    statuses: &[(String, Vec<Page<CommitStatus>>)],
) -> Checks {
    let mut notes = Vec::new();
    let mut latest_runs: BTreeMap<&str, &CheckRun> = BTreeMap::new();
    let key = |r: &CheckRun| (r.started_at.map_or(Instant::from_unix(i64::MAX), |t| t.0), r.id);
    for (file, pages) in runs {
        let listed: usize = pages.iter().map(|p| p.value.check_runs.len()).sum();
        let total = pages.iter().map(|p| p.value.total_count).max().unwrap_or(0);
        if (listed as u64) < total {
            notes.push(format!(
                "{file} lists {listed} of {total} check runs: fetch every page (gh api --paginate --slurp); the missing ones count as not reported"
            ));
        }
        for run in pages.iter().flat_map(|p| &p.value.check_runs) {
            match latest_runs.get(run.name.as_str()) {
                Some(seen) if key(seen) >= key(run) => {}
                _ => {
                    latest_runs.insert(&run.name, run);
                }
            }
        }
    }
    let mut latest_statuses: BTreeMap<&str, &CommitStatus> = BTreeMap::new();
    for status in statuses.iter().flat_map(|(_, pages)| pages).map(|p| &p.value) {
        match latest_statuses.get(status.context.as_str()) {
            Some(seen) if (seen.updated_at, seen.id) >= (status.updated_at, status.id) => {}
            _ => {
                latest_statuses.insert(&status.context, status);
            }
        }
    }
    let mut states: BTreeMap<String, State> = BTreeMap::new();
    let found = latest_runs
        .into_iter()
        .map(|(name, run)| (name, run_state(run)))
        .chain(latest_statuses.into_iter().map(|(name, s)| (name, status_state(s))));
    for (name, state) in found {
        match states.get(name) {
            Some(seen) if seen.weight >= state.weight => {}
            _ => {
                states.insert(name.to_string(), state);
            }
        }
    }
    Checks {
        states: states.into_iter().map(|(name, s)| (name, s.word.to_string())).collect(),
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn runs(list: &serde_json::Value) -> Vec<(String, Vec<Page<CheckRuns>>)> {
        let count = list.as_array().unwrap().len();
        let page = json!({"total_count": count, "check_runs": list});
        vec![(
            "c.json".into(),
            vec![Page { value: serde_json::from_value(page).unwrap(), at: "$".into() }],
        )]
    }

    fn run(
        id: u64,
        name: &str,
        status: &str,
        conclusion: Option<&str>,
        started: Option<&str>,
    ) -> serde_json::Value {
        json!({"id": id, "name": name, "status": status, "conclusion": conclusion, "started_at": started})
    }

    fn statuses(list: &serde_json::Value) -> Vec<(String, Vec<Page<CommitStatus>>)> {
        let pages = list
            .as_array()
            .unwrap()
            .iter()
            .map(|s| Page { value: serde_json::from_value(s.clone()).unwrap(), at: "$".into() })
            .collect();
        vec![("s.json".into(), pages)]
    }

    #[test]
    fn a_completed_run_gives_its_conclusion_and_others_their_status() {
        let c = combine(
            &runs(&json!([
                run(1, "build", "completed", Some("success"), Some("2026-11-25T08:00:00Z")),
                run(2, "lint", "in_progress", None, Some("2026-11-25T08:00:00Z")),
                run(3, "e2e", "completed", Some("timed_out"), Some("2026-11-25T08:00:00Z")),
                run(4, "docs", "completed", Some("skipped"), Some("2026-11-25T08:00:00Z")),
            ])),
            &[],
        );
        let words: Vec<(&str, &str)> =
            c.states.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            words,
            [
                ("build", "success"),
                ("docs", "skipped"),
                ("e2e", "timed_out"),
                ("lint", "in_progress")
            ]
        );
    }

    #[test]
    fn the_latest_run_of_a_name_decides() {
        let c = combine(
            &runs(&json!([
                run(7, "e2e", "completed", Some("success"), Some("2026-11-25T09:00:00Z")),
                run(5, "e2e", "completed", Some("failure"), Some("2026-11-25T08:00:00Z")),
            ])),
            &[],
        );
        assert_eq!(c.states["e2e"], "success");
        // Same start: the greater id; not started yet: the latest.
        let c = combine(
            &runs(&json!([
                run(5, "e2e", "completed", Some("failure"), Some("2026-11-25T08:00:00Z")),
                run(6, "e2e", "completed", Some("success"), Some("2026-11-25T08:00:00Z")),
                run(4, "x", "completed", Some("success"), Some("2026-11-25T08:00:00Z")),
                run(3, "x", "queued", None, None),
            ])),
            &[],
        );
        assert_eq!(c.states["e2e"], "success");
        assert_eq!(c.states["x"], "queued");
    }

    #[test]
    fn statuses_take_the_latest_per_context_and_the_worse_of_two_sources() {
        let s = statuses(&json!([
            {"id": 2, "context": "ci/deploy", "state": "success", "updated_at": "2026-11-25T09:00:00Z"},
            {"id": 1, "context": "ci/deploy", "state": "pending", "updated_at": "2026-11-25T08:00:00Z"},
            {"id": 3, "context": "e2e", "state": "error", "updated_at": "2026-11-25T08:00:00Z"},
        ]));
        let r = runs(&json!([run(
            9,
            "e2e",
            "completed",
            Some("success"),
            Some("2026-11-25T10:00:00Z")
        )]));
        let c = combine(&r, &s);
        assert_eq!(c.states["ci/deploy"], "success");
        assert_eq!(c.states["e2e"], "error");
    }

    #[test]
    fn a_short_pagination_is_noted() {
        let page = json!({"total_count": 45, "check_runs": [run(1, "a", "queued", None, None)]});
        let r = vec![(
            "c.json".to_string(),
            vec![Page { value: serde_json::from_value(page).unwrap(), at: "$".into() }],
        )];
        let c = combine(&r, &[]);
        assert!(c.notes[0].contains("1 of 45"), "{:?}", c.notes);
    }
}
