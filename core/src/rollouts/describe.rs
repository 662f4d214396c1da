//! Simulations in words, for people reading a promotion: what the update of each changed
//! workload will do (a one-line summary), and a table of its states. The pull request body, the
//! CLI's text and markdown, and `baton rollout` all print these, so they read the same
//! everywhere.

use serde::Serialize;

use super::simulate::{RolloutSimulation, SimulationState, StrategyKind};
use super::strategy::Strategy;

/// How a workload that a promotion changes rolls out in the target environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadRollout {
    /// The changed workload, `Kind/name` as the plan's changes name it.
    pub workload: String,
    /// What rolls the change out: the workload itself, or the Rollout whose `workloadRef`
    /// names it (`Kind/name`).
    pub rolled_out_by: String,
    /// The seed's strategy, with how it replaces pods, its risk and its rollback.
    pub strategy: Strategy,
    pub how: &'static str,
    pub risk: &'static str,
    pub rollback: &'static str,
    /// The update state by state; `null` for a workload that is not simulated (a
    /// `StatefulSet` or `DaemonSet`).
    pub simulation: Option<RolloutSimulation>,
    /// What the update does with the change, in one line.
    pub summary: String,
}

impl WorkloadRollout {
    pub(crate) fn new(
        workload: String,
        rolled_out_by: String,
        strategy: Strategy,
        simulation: Option<RolloutSimulation>,
    ) -> Self {
        let (how, risk, rollback) = strategy.traits();
        let summary = match &simulation {
            Some(sim) => summary(sim),
            None => format!("{how}; only Deployments and Rollouts are simulated"),
        };
        WorkloadRollout {
            workload,
            rolled_out_by,
            strategy,
            how,
            risk,
            rollback,
            simulation,
            summary,
        }
    }
}

impl StrategyKind {
    /// The row of the seed's strategy table this update follows.
    #[must_use]
    pub fn seed(self) -> Strategy {
        match self {
            StrategyKind::Canary => Strategy::Canary,
            StrategyKind::BlueGreen => Strategy::BlueGreen,
            StrategyKind::RollingUpdate => Strategy::RollingUpdate,
            StrategyKind::Recreate => Strategy::Recreate,
        }
    }
}

/// Most parts of a summary; a longer update keeps its first and last parts.
const MAX_PARTS: usize = 12;

/// The update in one line: each change of traffic and pods, each wait, then the least time to
/// full promotion and the promotions a person must make.
#[must_use]
pub fn summary(sim: &RolloutSimulation) -> String {
    if sim.states.is_empty() {
        return match sim.diagnostics.iter().find(|d| d.is_error()).or(sim.diagnostics.first()) {
            Some(d) => format!("not simulated: {}", d.message),
            None => "not simulated".to_string(),
        };
    }
    let mut parts: Vec<String> = Vec::new();
    let mut last = (0, sim.replicas, 0);
    for state in &sim.states {
        let now = (state.canary_weight, state.stable_replicas, state.canary_replicas);
        if now != last {
            parts.push(pods(state, sim.max_weight));
            last = now;
        }
        parts.extend(waits(state));
    }
    // A long update reads as its start and its end.
    if parts.len() > MAX_PARTS {
        let skipped = parts.len() - MAX_PARTS + 1;
        parts.splice(MAX_PARTS - 4..parts.len() - 3, [format!("… {skipped} more …")]);
    }
    format!("{}; {}", parts.join(" → "), totals(sim))
}

/// The least time to full promotion and the promotions a person must make.
#[must_use]
pub fn totals(sim: &RolloutSimulation) -> String {
    let manual = match sim.manual_promotions {
        0 => "no manual promotion".to_string(),
        1 => "1 manual promotion".to_string(),
        n => format!("{n} manual promotions"),
    };
    format!("full promotion after at least {}, {manual}", sim.min_duration)
}

/// The columns of [`rows`].
pub const COLUMNS: [&str; 6] = ["at", "step", "traffic", "old pods", "new pods", "then"];

/// One row per state: when it starts at the earliest, the step, the new version's traffic,
/// the old and new `ReplicaSet`s' replicas, and what the state waits for. Past `max` rows
/// (at least 2), the first `max - 1` and the last are kept, with a row counting the others
/// between them.
#[must_use]
pub fn rows(sim: &RolloutSimulation, max: usize) -> Vec<[String; 6]> {
    let max = max.max(2);
    let skip = sim.states.len().saturating_sub(max);
    let mut out = Vec::with_capacity(sim.states.len().min(max) + 1);
    for (i, s) in sim.states.iter().enumerate() {
        if skip > 0 && i + 1 == max {
            out.push([
                "…".into(),
                format!("{skip} more states"),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        if skip > 0 && i + 1 >= max && i + 1 < sim.states.len() {
            continue;
        }
        out.push([
            format!("{}s", s.start_seconds),
            s.step.map_or_else(|| "-".to_string(), |i| i.to_string()),
            traffic(s.canary_weight, sim.max_weight),
            s.stable_replicas.to_string(),
            s.canary_replicas.to_string(),
            waits(s).join(", "),
        ]);
    }
    out
}

/// A weight as a share of all traffic: `10%`, or `500/1000` when the maximum is not 100.
#[must_use]
pub fn traffic(weight: i64, max_weight: i64) -> String {
    if max_weight == 100 { format!("{weight}%") } else { format!("{weight}/{max_weight}") }
}

fn pods(state: &SimulationState, max_weight: i64) -> String {
    if state.stable_replicas == 0 && state.canary_replicas == 0 {
        return "no pods (downtime)".to_string();
    }
    let plural = if state.canary_replicas == 1 { "" } else { "s" };
    format!(
        "{} ({} new pod{plural}, {} old)",
        traffic(state.canary_weight, max_weight),
        state.canary_replicas,
        state.stable_replicas
    )
}

/// What a state waits for before the next: a pause, an analysis, the old pods' scale-down delay.
fn waits(state: &SimulationState) -> Vec<String> {
    let mut out = Vec::new();
    match state.pause.as_deref() {
        Some("indefinite") => out.push("wait for a person to promote".to_string()),
        Some(pause) => out.push(format!("pause {pause}")),
        None => {}
    }
    if let Some(analysis) = &state.analysis {
        out.push(format!("analysis {analysis}"));
    }
    // A hold that is neither a pause nor a scale-down delay is an experiment's duration.
    if let (None, None, Some(seconds @ 1..)) =
        (&state.pause, &state.scale_down_delay, state.hold_seconds)
    {
        out.push(format!("experiment {seconds}s"));
    }
    if let Some(delay) = &state.scale_down_delay {
        out.push(format!("old pods kept {delay}"));
    }
    out
}
