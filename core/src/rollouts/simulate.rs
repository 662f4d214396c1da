//! How an update unfolds: the settled states of a Rollout (or Deployment) from the moment its
//! pod template changes until the new version has all the traffic and the old pods are gone.
//!
//! Assumptions, as the issue states them: pods become ready, analyses and experiments
//! succeed, timed pauses run out, and an indefinite pause (or a blue-green rollout without
//! auto-promotion) is promoted once by a person. Each state is what the controller settles
//! on at that point, by its own formulas ([`super::replicas`]):
//!
//! - canary: one state per step while the rollout sits on it, then the end states (basic:
//!   the new `ReplicaSet` at N, the old at 0; traffic-routed: both at N while the old one waits
//!   `scaleDownDelaySeconds`, then the old at 0; with `dynamicStableScale` the old is already 0);
//! - blue-green: the preview phase (pre-promotion analysis, then the pause), the scale-up to
//!   N when `previewReplicaCount` is smaller, the switch (with post-promotion analysis), the
//!   scale-down delay, the end;
//! - Deployment `RollingUpdate`: one state per scaling action of the Deployment controller
//!   (`NewRSNewReplicas`, `scaleDownOldReplicaSetsForRollingUpdate`); `Recreate`: one state with
//!   no pod at all (the downtime), then the end.
//!
//! `stableReplicas` and `canaryReplicas` are the `spec.replicas` of the old and the new
//! `ReplicaSet`. A state lasts `holdSeconds`: a timed pause, an experiment's duration,
//! blue-green `autoPromotionSeconds`, the old `ReplicaSet`'s scale-down delay, `null` for a
//! pause a person ends, 0 for anything else (analyses count as instant); `startSeconds` adds up
//! the holds before it (a person's promotion counts as instant), so a timeline chart has its
//! x axis. `minDuration` is the time to full promotion: the holds without the scale-down
//! delays. Work is bounded: at most [`MAX_STATES`] states per workload.

use serde::{Deserialize, Serialize};

use super::duration::{parse_go_duration, pause_seconds, seconds_text};
use super::lint::max_traffic_weight;
use super::refs::Object;
use super::replicas::{
    basic_canary_counts, deployment_fenceposts, min_pods, rollout_fenceposts,
    traffic_weight_to_replicas,
};
use super::view::{IntOrStr, View};
use crate::diagnostic::{Code, Diagnostic};

/// Most states reported for one workload; the rest are summarized by a diagnostic.
pub const MAX_STATES: usize = 1000;

/// What to simulate: the Rollouts and Deployments of an overlay's render, or only the named one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SimulateRequest {
    /// The overlay directory (repository-relative).
    pub overlay: String,
    /// A Rollout or Deployment name (as rendered, or as written before prefixes and suffixes).
    #[serde(default)]
    pub name: Option<String>,
}

/// The update strategy being simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StrategyKind {
    Canary,
    BlueGreen,
    RollingUpdate,
    Recreate,
}

/// One settled state of an update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SimulationState {
    /// The canary step the rollout sits on (`null` after the steps, without steps, and for
    /// blue-green and Deployments).
    pub step: Option<usize>,
    /// Traffic on the new version: the last `setWeight` at or before the step (0 before any);
    /// the maximum weight after the steps; blue-green 0 until the switch, then 100; for a
    /// Deployment, the new pods' share of all pods, in whole percent rounded down.
    pub canary_weight: i64,
    /// `spec.replicas` of the old `ReplicaSet`.
    pub stable_replicas: i64,
    /// `spec.replicas` of the new `ReplicaSet`.
    pub canary_replicas: i64,
    /// `"<seconds>s"`, `"indefinite"` (a person promotes), or `null`.
    pub pause: Option<String>,
    /// Analysis templates run here (step, pre- or post-promotion), joined with `,`.
    pub analysis: Option<String>,
    /// `"<seconds>s"` on the state where the old `ReplicaSet` waits before scaling down.
    pub scale_down_delay: Option<String>,
    /// When the update reaches this state at the earliest, in seconds from its start: the
    /// holds of the states before it added up (a person's promotion counted as instant).
    pub start_seconds: i64,
    /// How long the state lasts at least, in seconds (pause, experiment, auto-promotion delay,
    /// scale-down delay; 0 when it moves on once settled); `null` until a person promotes.
    pub hold_seconds: Option<i64>,
}

/// How one Rollout or Deployment unfolds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutSimulation {
    /// `Rollout` or `Deployment`.
    pub kind: String,
    /// The name as rendered.
    pub name: String,
    pub strategy: StrategyKind,
    /// `spec.replicas` (default 1).
    pub replicas: i64,
    pub traffic_routing: bool,
    /// The weight that means all traffic: 100, or the canary's `maxTrafficWeight`.
    pub max_weight: i64,
    /// Empty when the spec is invalid (see `diagnostics`): the controller would not start.
    pub states: Vec<SimulationState>,
    /// `"<seconds>s"`: the least time from the update to full promotion.
    pub min_duration: String,
    /// How many times a person must promote (indefinite pauses, blue-green without auto-promotion).
    pub manual_promotions: u32,
    /// Validation findings for this workload, and why a simulation is missing or cut short.
    pub diagnostics: Vec<Diagnostic>,
}

/// The result of `simulateRollout`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Simulation {
    pub rollouts: Vec<RolloutSimulation>,
    /// Problems not tied to one workload: the overlay does not render, the name matches nothing.
    pub diagnostics: Vec<Diagnostic>,
}

/// Accumulates states under the bound, with the totals that do not depend on it.
struct Timeline {
    states: Vec<SimulationState>,
    /// Whether states were left out because of [`MAX_STATES`].
    truncated: bool,
    /// The start of the next state: every hold so far.
    clock: i64,
    /// The holds so far without scale-down delays: the time to full promotion.
    min_seconds: i64,
    manual: u32,
}

impl Timeline {
    fn new() -> Self {
        Timeline { states: Vec::new(), truncated: false, clock: 0, min_seconds: 0, manual: 0 }
    }

    /// Times the state (its start, and its hold on the clock) and keeps it under the bound.
    fn push(&mut self, mut state: SimulationState) {
        state.start_seconds = self.clock;
        let hold = state.hold_seconds.unwrap_or(0);
        self.clock = self.clock.saturating_add(hold);
        if state.scale_down_delay.is_none() {
            self.min_seconds = self.min_seconds.saturating_add(hold);
        }
        if self.states.len() < MAX_STATES {
            self.states.push(state);
        } else {
            self.truncated = true;
        }
    }

    /// Keeps the final state even when the bound was hit, so the end is always shown.
    fn push_last(&mut self, state: SimulationState) {
        if self.states.len() >= MAX_STATES {
            self.states.pop();
            self.truncated = true;
        }
        self.push(state);
    }

    /// Makes `state` a pause of `seconds`, or an indefinite one (a person promotes, counted).
    fn pause(&mut self, state: &mut SimulationState, seconds: Option<i64>) {
        state.hold_seconds = seconds;
        state.pause = Some(match seconds {
            None => {
                self.manual += 1;
                "indefinite".into()
            }
            Some(s) => seconds_text(s),
        });
    }
}

fn state(step: Option<usize>, weight: i64, stable: i64, canary: i64) -> SimulationState {
    SimulationState {
        step,
        canary_weight: weight,
        stable_replicas: stable,
        canary_replicas: canary,
        pause: None,
        analysis: None,
        scale_down_delay: None,
        start_seconds: 0,
        hold_seconds: Some(0),
    }
}

/// The state where the old `ReplicaSet` waits `delay` seconds before scaling down.
fn scale_down(weight: i64, n: i64, delay: i64) -> SimulationState {
    let mut s = state(None, weight, n, n);
    s.scale_down_delay = Some(seconds_text(delay));
    s.hold_seconds = Some(delay);
    s
}

/// `spec.replicas` (default 1), as the int32 the decoder accepted.
fn replicas_of(spec: View<'_>) -> i32 {
    spec.get("replicas").int().and_then(|r| i32::try_from(r).ok()).unwrap_or(1)
}

/// Template names of an analysis, joined with `,`.
fn template_names(analysis: View<'_>) -> Option<String> {
    if !analysis.present() {
        return None;
    }
    Some(analysis.get("templates").names("templateName").join(","))
}

/// Simulates one Rollout whose spec is valid; `Err` says why it cannot be simulated.
pub(crate) fn simulate_rollout(rollout: &Object<'_>) -> Result<RolloutSimulation, String> {
    let spec = rollout.view.get("spec");
    let strategy = spec.get("strategy");
    let replicas = replicas_of(spec);
    let canary = strategy.get("canary");
    let (kind, routing, max_weight, timeline) = if canary.present() {
        let routing = canary.has("trafficRouting");
        let max = max_traffic_weight(canary);
        let max = i32::try_from(max).ok().filter(|m| *m > 0).ok_or_else(|| {
            format!(
                "maxTrafficWeight {max} leaves no traffic to shift (the controller divides by it)"
            )
        })?;
        (StrategyKind::Canary, routing, max, canary_timeline(canary, replicas, max))
    } else {
        (
            StrategyKind::BlueGreen,
            false,
            100,
            blue_green_timeline(strategy.get("blueGreen"), replicas),
        )
    };
    Ok(finish(rollout, kind, i64::from(replicas), routing, i64::from(max_weight), timeline))
}

/// A workload that is not simulated (no states): the caller says why.
pub(crate) fn not_started(
    object: &Object<'_>,
    strategy: StrategyKind,
    replicas: i64,
    routing: bool,
) -> RolloutSimulation {
    finish(object, strategy, replicas, routing, 100, Timeline::new())
}

fn finish(
    object: &Object<'_>,
    strategy: StrategyKind,
    replicas: i64,
    traffic_routing: bool,
    max_weight: i64,
    timeline: Timeline,
) -> RolloutSimulation {
    let mut diagnostics = Vec::new();
    if timeline.truncated {
        let at = object.view.key_at();
        diagnostics.push(
            Diagnostic::new(
                Code::RolloutSimulationLimit,
                format!(
                    "{} {:?}: the update has more than {MAX_STATES} states; the simulation lists the first {} and the last",
                    object.kind,
                    object.name,
                    MAX_STATES - 1,
                ),
            )
            .at(&**at.file, at.span),
        );
    }
    RolloutSimulation {
        kind: object.kind.to_string(),
        name: object.name.to_string(),
        strategy,
        replicas,
        traffic_routing,
        max_weight,
        states: timeline.states,
        min_duration: seconds_text(timeline.min_seconds),
        manual_promotions: timeline.manual,
        diagnostics,
    }
}

/// The canary controller's settled states (`rollout/canary.go`, `utils/replicaset/canary.go`).
fn canary_timeline(canary: View<'_>, replicas: i32, max_weight: i32) -> Timeline {
    let routing = canary.has("trafficRouting");
    let dynamic = routing && canary.get("dynamicStableScale").bool();
    let min_pods_per_rs = if routing {
        canary.get("minPodsPerReplicaSet").int().and_then(|m| i32::try_from(m).ok())
    } else {
        None
    };
    let surge_value = canary.get("maxSurge").int_or_str().unwrap_or(IntOrStr::Str("25".into()));
    let unavailable_value =
        canary.get("maxUnavailable").int_or_str().unwrap_or(IntOrStr::Str("25".into()));
    let (surge, _) = rollout_fenceposts(&surge_value, &unavailable_value, replicas);
    // `GetCanaryReplicasOrWeight` for the step in force: (explicit canary replicas, weight
    // sizing the canary). Traffic always follows the last setWeight.
    let counts = |weight: i32, scale: Option<(Option<i32>, Option<i32>)>| -> (i32, i32) {
        if !routing {
            let (canary, stable) = basic_canary_counts(replicas, weight, max_weight, surge);
            return (canary, stable);
        }
        let (explicit, sizing) = match scale {
            Some((Some(r), _)) => (Some(r), 0),
            Some((None, Some(w))) => (None, w),
            _ => (None, weight),
        };
        let canary = match explicit {
            Some(r) => r,
            None => min_pods(
                traffic_weight_to_replicas(replicas, sizing, max_weight),
                min_pods_per_rs,
                replicas,
            ),
        };
        if !dynamic {
            return (canary, replicas);
        }
        let desired =
            traffic_weight_to_replicas(replicas, max_weight.wrapping_sub(sizing), max_weight);
        let actual =
            traffic_weight_to_replicas(replicas, max_weight.wrapping_sub(weight), max_weight);
        (
            min_pods(canary, min_pods_per_rs, replicas),
            min_pods(desired.max(actual), min_pods_per_rs, replicas),
        )
    };
    let mut timeline = Timeline::new();
    let mut weight: i32 = 0;
    let mut scale: Option<(Option<i32>, Option<i32>)> = None;
    for (i, step) in canary.get("steps").items().into_iter().enumerate() {
        if let Some(w) = step.get("setWeight").int().and_then(|w| i32::try_from(w).ok()) {
            weight = w;
        }
        let set_scale = step.get("setCanaryScale");
        if routing && set_scale.present() {
            scale = if set_scale.get("matchTrafficWeight").bool() {
                None
            } else {
                let int =
                    |name: &str| set_scale.get(name).int().and_then(|v| i32::try_from(v).ok());
                Some((int("replicas"), int("weight")))
            };
        }
        let (new, old) = counts(weight, scale);
        let mut s = state(Some(i), i64::from(weight), i64::from(old), i64::from(new));
        let pause = step.get("pause");
        if pause.present() {
            let duration = pause.get("duration");
            let seconds = duration
                .present()
                .then(|| i64::from(pause_seconds(duration.int_or_str().as_ref())));
            timeline.pause(&mut s, seconds);
        }
        s.analysis = template_names(step.get("analysis"));
        let experiment = step.get("experiment");
        if experiment.present() {
            let names = experiment.get("analyses").names("templateName");
            s.analysis = (!names.is_empty()).then(|| names.join(","));
            if let Ok(nanos) = parse_go_duration(experiment.text("duration")) {
                s.hold_seconds = Some(nanos.max(0) / 1_000_000_000);
            }
        }
        timeline.push(s);
    }
    let n = i64::from(replicas);
    let max = i64::from(max_weight);
    if routing && !dynamic {
        let delay = canary.get("scaleDownDelaySeconds").int().unwrap_or(30);
        if delay > 0 {
            timeline.push(scale_down(max, n, delay));
        }
    }
    timeline.push_last(state(None, max, 0, n));
    timeline
}

/// The blue-green controller's settled states (`rollout/bluegreen.go`, `docs/features/bluegreen.md`).
fn blue_green_timeline(bg: View<'_>, replicas: i32) -> Timeline {
    let n = i64::from(replicas);
    let preview = bg.get("previewReplicaCount").int().unwrap_or(n);
    let mut timeline = Timeline::new();
    let pre = template_names(bg.get("prePromotionAnalysis"));
    let auto_promotion = bg.get("autoPromotionEnabled");
    let manual = auto_promotion.present() && !auto_promotion.bool();
    let seconds = bg.get("autoPromotionSeconds").int().unwrap_or(0);
    let pause = if manual {
        Some(None)
    } else if seconds > 0 {
        Some(Some(seconds))
    } else {
        None
    };
    if pre.is_none() && pause.is_none() {
        timeline.push(state(None, 0, n, preview));
    }
    if let Some(names) = pre {
        let mut s = state(None, 0, n, preview);
        s.analysis = Some(names);
        timeline.push(s);
    }
    if let Some(seconds) = pause {
        let mut s = state(None, 0, n, preview);
        timeline.pause(&mut s, seconds);
        timeline.push(s);
    }
    if preview != n {
        timeline.push(state(None, 0, n, n));
    }
    let mut switch = state(None, 100, n, n);
    switch.analysis = template_names(bg.get("postPromotionAnalysis"));
    timeline.push(switch);
    let delay = bg.get("scaleDownDelaySeconds").int().unwrap_or(30);
    if delay > 0 {
        timeline.push(scale_down(100, n, delay));
    }
    timeline.push_last(state(None, 100, 0, n));
    timeline
}

/// Simulates a Deployment's update (`pkg/controller/deployment/rolling.go` and `recreate.go`).
pub(crate) fn simulate_deployment(deployment: &Object<'_>) -> Result<RolloutSimulation, String> {
    let spec = deployment.view.get("spec");
    let replicas = replicas_of(spec);
    let n = i64::from(replicas);
    let strategy = spec.get("strategy");
    let mut timeline = Timeline::new();
    let kind = match strategy.get("type").str().unwrap_or("RollingUpdate") {
        "Recreate" => {
            timeline.push(state(None, 0, 0, 0));
            timeline.push_last(state(None, 100, 0, n));
            StrategyKind::Recreate
        }
        "RollingUpdate" => {
            let rolling = strategy.get("rollingUpdate");
            let default = IntOrStr::Str("25%".into());
            let surge_value =
                rolling.get("maxSurge").int_or_str().unwrap_or_else(|| default.clone());
            let unavailable_value = rolling.get("maxUnavailable").int_or_str().unwrap_or(default);
            let Some((surge, unavailable)) =
                deployment_fenceposts(&surge_value, &unavailable_value, replicas)
            else {
                return Err(
                    "maxSurge and maxUnavailable must be integers or percentages like \"25%\""
                        .into(),
                );
            };
            if surge < 0 || unavailable < 0 {
                return Err("maxSurge and maxUnavailable cannot be negative".into());
            }
            rolling_waves(&mut timeline, n, surge, unavailable);
            StrategyKind::RollingUpdate
        }
        other => return Err(format!("unknown Deployment strategy type {other:?}")),
    };
    Ok(finish(deployment, kind, n, false, 100, timeline))
}

/// The Deployment controller's alternating scale-up of the new `ReplicaSet` and scale-down of
/// the old one, with every pod ready before the next sync.
fn rolling_waves(timeline: &mut Timeline, n: i64, surge: i64, unavailable: i64) {
    let share = |old: i64, new: i64| if old + new == 0 { 0 } else { new * 100 / (old + new) };
    let (mut old, mut new) = (n, 0_i64);
    let min_available = n - unavailable;
    // Each action moves at least one pod (surge or unavailability is at least 1), so there
    // are at most 2n + 2 actions; past the state bound the end is computed directly.
    loop {
        if timeline.states.len() >= MAX_STATES {
            timeline.truncated = true;
            break;
        }
        let total = old + new;
        if new < n && total < n + surge {
            new += (n + surge - total).min(n - new);
            timeline.push(state(None, share(old, new), old, new));
            continue;
        }
        if old == 0 {
            break;
        }
        let scale_down = (old + new - min_available).min(old);
        if scale_down <= 0 {
            break;
        }
        old -= scale_down;
        timeline.push(state(None, share(old, new), old, new));
    }
    let end = state(None, 100, 0, n);
    if timeline.states.last() != Some(&end) {
        timeline.push_last(end);
    }
}

#[cfg(test)]
mod tests;
