//! Timeline cases. Each expectation is derived from the controller code it names (argo-rollouts
//! 9f8d111 unless said otherwise): `utils/replicaset/canary.go` (CANARY), `rollout/canary.go`
//! and `rollout/pause.go` (STEPS), `rollout/bluegreen.go` + `utils/defaults/defaults.go` (BG),
//! `utils/replicaset/replicaset.go` (FENCE), Kubernetes `pkg/controller/deployment/rolling.go`
//! and `recreate.go` (DEPLOY).
//!
//! A state is written `step|weight|stable|canary|pause|analysis|scaleDownDelay`, `-` for null;
//! its timing `start+hold` (seconds; `-` for a hold that waits for a person).

use crate::rollouts::tests::indent;
use crate::rollouts::{RolloutSimulation, Simulation, simulate};
use crate::tree::FileTree;
use crate::workspace::Workspace;

const HEAD: &str = "apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: REPLICAS
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: web:1}]
  strategy:
";

fn rollout(replicas: u64, strategy: &str) -> String {
    format!("{}{}", HEAD.replace("REPLICAS", &replicas.to_string()), indent(strategy, 4))
}

fn simulate_files(files: &[(&str, &str)], name: Option<&str>) -> Simulation {
    let mut tree = FileTree::new();
    for (path, text) in files {
        tree.insert(path, *text).unwrap();
    }
    let mut ws = Workspace::new(tree);
    let rendered = ws.render("app");
    simulate(&rendered, name)
}

/// The simulation of one workload file in a kustomization of its own.
fn one(text: &str) -> RolloutSimulation {
    let mut sim = simulate_files(
        &[("app/kustomization.yaml", "resources:\n- w.yaml\n"), ("app/w.yaml", text)],
        None,
    );
    assert!(sim.diagnostics.is_empty(), "{:?}", sim.diagnostics);
    assert_eq!(sim.rollouts.len(), 1);
    sim.rollouts.remove(0)
}

fn rows(sim: &RolloutSimulation) -> Vec<String> {
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    sim.states
        .iter()
        .map(|s| {
            format!(
                "{}|{}|{}|{}|{}|{}|{}",
                s.step.map_or_else(|| "-".into(), |i| i.to_string()),
                s.canary_weight,
                s.stable_replicas,
                s.canary_replicas,
                opt(&s.pause),
                opt(&s.analysis),
                opt(&s.scale_down_delay)
            )
        })
        .collect()
}

/// `start+hold` of each state.
fn times(sim: &RolloutSimulation) -> Vec<String> {
    sim.states
        .iter()
        .map(|s| {
            let hold = s.hold_seconds.map_or_else(|| "-".into(), |h| h.to_string());
            format!("{}+{hold}", s.start_seconds)
        })
        .collect()
}

const ROUTED: &str = "stableService: web-stable\ncanaryService: web-canary\ntrafficRouting:\n  nginx: {stableIngress: web}\n";

fn routed(replicas: u64, extra: &str, steps: &str) -> String {
    let body = format!("{ROUTED}{extra}steps:\n{steps}");
    rollout(replicas, &format!("canary:\n{}", indent(&body, 2)))
}

fn basic(replicas: u64, extra: &str, steps: &str) -> String {
    rollout(replicas, &format!("canary:\n{}", indent(&format!("{extra}steps:\n{steps}"), 2)))
}

#[test]
fn the_seeds_canary_with_five_replicas() {
    // CANARY approximateWeightedCanaryStableReplicaCounts with maxSurge "25" -> 2 (FENCE):
    // 10% -> 1 canary beside 5 stable; 50% -> 3 and 3. STEPS: pauses of 5m and 10m.
    let text = basic(
        5,
        "",
        "- setWeight: 10\n- pause: {duration: 5m}\n- analysis:\n    templates:\n    - templateName: success-rate\n- setWeight: 50\n- pause: {duration: 10m}\n- setWeight: 100\n",
    );
    let sim = one(&text);
    assert_eq!(
        rows(&sim),
        [
            "0|10|5|1|-|-|-",
            "1|10|5|1|300s|-|-",
            "2|10|5|1|-|success-rate|-",
            "3|50|3|3|-|-|-",
            "4|50|3|3|600s|-|-",
            "5|100|0|5|-|-|-",
            "-|100|0|5|-|-|-",
        ]
    );
    assert_eq!(sim.min_duration, "900s");
    // STEPS: a setWeight and an analysis step move on once settled (analyses count as
    // instant), a pause holds its duration: the x axis of a timeline chart.
    assert_eq!(times(&sim), ["0+0", "0+300", "300+0", "300+0", "300+600", "900+0", "900+0"]);
    assert_eq!(sim.manual_promotions, 0);
    assert!(!sim.traffic_routing);
    // The template is not in the render: a warning, and the simulation still runs.
    let codes: Vec<&str> = sim.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["X003"]);
}

#[test]
fn basic_canary_surge_decides_the_total() {
    // CANARY: with surge the pair may add up to N + 1; without, never.
    assert_eq!(rows(&one(&basic(10, "", "- setWeight: 25\n")))[0], "0|25|8|3|-|-|-");
    assert_eq!(
        rows(&one(&basic(10, "maxSurge: 0\nmaxUnavailable: 1\n", "- setWeight: 25\n")))[0],
        "0|25|7|3|-|-|-"
    );
    assert_eq!(
        rows(&one(&basic(10, "maxSurge: 0\nmaxUnavailable: 1\n", "- setWeight: 75\n")))[0],
        "0|75|2|8|-|-|-"
    );
    // N = 1 without surge may leave the canary at 0 (zeroAllowed).
    assert_eq!(
        rows(&one(&basic(1, "maxSurge: 0\nmaxUnavailable: 1\n", "- setWeight: 20\n")))[0],
        "0|20|1|0|-|-|-"
    );
}

#[test]
fn a_canary_without_steps_goes_straight_to_full_weight() {
    // STEPS: no steps, GetCurrentSetWeight is the max weight.
    assert_eq!(rows(&one(&rollout(4, "canary: {}\n"))), ["-|100|0|4|-|-|-"]);
}

#[test]
fn indefinite_pauses_need_a_person() {
    // pause.go CompletedCanaryPauseStep: no duration completes only on promote.
    let sim = one(&basic(3, "", "- setWeight: 50\n- pause: {}\n- pause: {duration: 0}\n"));
    assert_eq!(rows(&sim)[1], "1|50|2|2|indefinite|-|-");
    assert_eq!(rows(&sim)[2], "2|50|2|2|0s|-|-");
    assert_eq!(sim.manual_promotions, 1);
    assert_eq!(sim.min_duration, "0s");
    // The indefinite pause holds until a person promotes, which counts as instant.
    assert_eq!(times(&sim), ["0+0", "0+-", "0+0", "0+0"]);
}

#[test]
fn routed_canary_rounds_up_and_keeps_stable_full() {
    // CANARY CalculateReplicaCountsForTrafficRoutedCanary: ceil(w * N / 100), stable = N;
    // then the old ReplicaSet waits the default 30 s scale-down delay (defaults.go).
    let sim = one(&routed(10, "", "- setWeight: 5\n- setWeight: 33\n- setWeight: 60\n"));
    assert!(sim.traffic_routing);
    assert_eq!(
        rows(&sim),
        [
            "0|5|10|1|-|-|-",
            "1|33|10|4|-|-|-",
            "2|60|10|6|-|-|-",
            "-|100|10|10|-|-|30s",
            "-|100|0|10|-|-|-"
        ]
    );
    // The scale-down delay holds the old ReplicaSet, but full promotion came before it.
    assert_eq!(times(&sim)[3..], ["0+30", "30+0"]);
    assert_eq!(sim.min_duration, "0s");
}

#[test]
fn routed_scale_down_delay_is_configurable() {
    // defaults.GetScaleDownDelaySecondsOrDefault: an explicit 0 means no wait.
    assert_eq!(
        rows(&one(&routed(2, "scaleDownDelaySeconds: 0\n", "- setWeight: 50\n"))),
        ["0|50|2|1|-|-|-", "-|100|0|2|-|-|-"]
    );
    assert_eq!(
        rows(&one(&routed(2, "scaleDownDelaySeconds: 120\n", "- setWeight: 50\n")))[1],
        "-|100|2|2|-|-|120s"
    );
}

#[test]
fn set_canary_scale_persists_until_match_traffic_weight() {
    // CANARY UseSetCanaryScale: the latest setCanaryScale at or before the step applies
    // until one with matchTrafficWeight; traffic still follows setWeight.
    let sim = one(&routed(
        10,
        "",
        "- setCanaryScale: {replicas: 3}\n- setWeight: 10\n- setWeight: 20\n- setCanaryScale: {matchTrafficWeight: true}\n- setWeight: 40\n",
    ));
    assert_eq!(
        rows(&sim)[..5],
        [
            "0|0|10|3|-|-|-",
            "1|10|10|3|-|-|-",
            "2|20|10|3|-|-|-",
            "3|20|10|2|-|-|-",
            "4|40|10|4|-|-|-"
        ]
    );
}

#[test]
fn set_canary_scale_weight_and_replicas() {
    // CANARY GetCanaryReplicasOrWeight: replicas win over weight and are used as is (above
    // N too); weight sizes the canary as ceil(weight * N / max).
    assert_eq!(
        rows(&one(&routed(10, "", "- setWeight: 10\n  setCanaryScale: {weight: 25}\n")))[0],
        "0|10|10|3|-|-|-"
    );
    assert_eq!(
        rows(&one(&routed(10, "", "- setCanaryScale: {replicas: 15, weight: 25}\n")))[0],
        "0|0|10|15|-|-|-"
    );
}

#[test]
fn dynamic_stable_scale_shrinks_the_stable_side() {
    // CANARY: stable = max(ceil((100-w)N/100), replicas for the current stable traffic);
    // after the steps the stable is already 0, so there is no scale-down delay.
    let sim = one(&routed(
        10,
        "dynamicStableScale: true\n",
        "- setWeight: 33\n- setCanaryScale: {replicas: 2}\n",
    ));
    // With setCanaryScale.replicas the sizing weight is 0, so stable stays at N.
    assert_eq!(rows(&sim), ["0|33|7|4|-|-|-", "1|33|10|2|-|-|-", "-|100|0|10|-|-|-"]);
}

#[test]
fn min_pods_per_replica_set() {
    // CANARY CheckMinPodsPerReplicaSet: a non-zero count is raised (capped at N); with
    // dynamicStableScale it applies to both sides.
    let sim = one(&routed(10, "minPodsPerReplicaSet: 2\n", "- setWeight: 0\n- setWeight: 5\n"));
    assert_eq!(rows(&sim)[..2], ["0|0|10|0|-|-|-", "1|5|10|2|-|-|-"]);
    let dynamic = one(&routed(
        10,
        "minPodsPerReplicaSet: 2\ndynamicStableScale: true\n",
        "- setWeight: 95\n",
    ));
    assert_eq!(rows(&dynamic)[0], "0|95|2|10|-|-|-");
}

#[test]
fn max_traffic_weight_scales_weights() {
    // weightutil.MaxTrafficWeight: weights are out of maxTrafficWeight, the end is at it.
    let text = routed(10, "", "- setWeight: 500\n").replace(
        "nginx: {stableIngress: web}\n",
        "nginx: {stableIngress: web}\n        maxTrafficWeight: 1000\n",
    );
    let sim = one(&text);
    assert_eq!(sim.max_weight, 1000);
    assert_eq!(rows(&sim), ["0|500|10|5|-|-|-", "-|1000|10|10|-|-|30s", "-|1000|0|10|-|-|-"]);
}

#[test]
fn analyses_and_experiments() {
    // STEPS: an analysis step names its templates; an experiment's duration must elapse.
    let sim = one(&routed(
        4,
        "",
        "- analysis:\n    templates: [{templateName: a}, {templateName: b}]\n- experiment:\n    duration: 1h\n    templates: [{name: c, specRef: canary}]\n    analyses: [{name: x, templateName: smoke}]\n",
    ));
    assert_eq!(rows(&sim)[..2], ["0|0|4|0|-|a,b|-", "1|0|4|0|-|smoke|-"]);
    assert_eq!(sim.min_duration, "3600s");
    assert_eq!(times(&sim), ["0+0", "0+3600", "3600+30", "3630+0"]);
}

#[test]
fn blue_green_with_automatic_promotion() {
    // BG: the preview ReplicaSet at N behind the preview Service, the switch, the default
    // 30 s scale-down delay, then the old ReplicaSet at 0.
    let sim = one(&rollout(3, "blueGreen: {activeService: web, previewService: web-preview}\n"));
    assert_eq!(sim.strategy, super::StrategyKind::BlueGreen);
    assert_eq!(
        rows(&sim),
        ["-|0|3|3|-|-|-", "-|100|3|3|-|-|-", "-|100|3|3|-|-|30s", "-|100|0|3|-|-|-"]
    );
    assert_eq!((sim.min_duration.as_str(), sim.manual_promotions), ("0s", 0));
}

#[test]
fn blue_green_with_preview_replicas_analyses_and_manual_promotion() {
    // BG: pre-promotion analysis first, then the pause (autoPromotionEnabled: false, so
    // autoPromotionSeconds is ignored), then the scale-up from previewReplicaCount to N, the
    // switch carrying the post-promotion analysis.
    let sim = one(&rollout(
        3,
        "blueGreen:\n  activeService: web\n  previewService: web-preview\n  previewReplicaCount: 1\n  autoPromotionEnabled: false\n  autoPromotionSeconds: 600\n  prePromotionAnalysis: {templates: [{templateName: smoke}]}\n  postPromotionAnalysis: {templates: [{templateName: soak}]}\n  scaleDownDelaySeconds: 60\n",
    ));
    assert_eq!(
        rows(&sim),
        [
            "-|0|3|1|-|smoke|-",
            "-|0|3|1|indefinite|-|-",
            "-|0|3|3|-|-|-",
            "-|100|3|3|-|soak|-",
            "-|100|3|3|-|-|60s",
            "-|100|0|3|-|-|-",
        ]
    );
    assert_eq!((sim.min_duration.as_str(), sim.manual_promotions), ("0s", 1));
    assert_eq!(times(&sim), ["0+0", "0+-", "0+0", "0+0", "0+60", "60+0"]);
}

#[test]
fn blue_green_auto_promotion_seconds() {
    // BG needsBlueGreenControllerPause: autoPromotionSeconds > 0 pauses that long.
    let sim = one(&rollout(
        2,
        "blueGreen: {activeService: a, previewService: b, autoPromotionSeconds: 600, scaleDownDelaySeconds: 0}\n",
    ));
    assert_eq!(rows(&sim), ["-|0|2|2|600s|-|-", "-|100|2|2|-|-|-", "-|100|0|2|-|-|-"]);
    assert_eq!((sim.min_duration.as_str(), sim.manual_promotions), ("600s", 0));
    assert_eq!(times(&sim), ["0+600", "600+0", "600+0"]);
}

#[test]
fn deployment_rolling_update_waves() {
    // DEPLOY: NewRSNewReplicas scales up to N + maxSurge, scaleDownOldReplicaSetsForRollingUpdate
    // scales down to N - maxUnavailable; 25% of 4 is 1 each way.
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 4\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: api:1}]}\n";
    let sim = one(deployment);
    assert_eq!(sim.strategy, super::StrategyKind::RollingUpdate);
    assert_eq!(
        rows(&sim),
        [
            "-|20|4|1|-|-|-",
            "-|33|2|1|-|-|-",
            "-|60|2|3|-|-|-",
            "-|100|0|3|-|-|-",
            "-|100|0|4|-|-|-"
        ]
    );
    // maxSurge 0: the old side goes first.
    let no_surge = deployment.replace(
        "  replicas: 4\n",
        "  replicas: 3\n  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}\n",
    );
    assert_eq!(
        rows(&one(&no_surge)),
        [
            "-|0|2|0|-|-|-",
            "-|33|2|1|-|-|-",
            "-|50|1|1|-|-|-",
            "-|66|1|2|-|-|-",
            "-|100|0|2|-|-|-",
            "-|100|0|3|-|-|-"
        ]
    );
}

#[test]
fn deployment_recreate_has_downtime() {
    // DEPLOY recreate.go: old scaled to 0 before the new is created.
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 2\n  strategy: {type: Recreate}\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: api:1}]}\n";
    let sim = one(text);
    assert_eq!(sim.strategy, super::StrategyKind::Recreate);
    assert_eq!(rows(&sim), ["-|0|0|0|-|-|-", "-|100|0|2|-|-|-"]);
}

#[test]
fn invalid_rollouts_are_not_simulated() {
    let sim = one(&basic(3, "maxSurge: 0\nmaxUnavailable: 0\n", "- setWeight: 10\n"));
    assert!(sim.states.is_empty());
    assert_eq!(
        sim.diagnostics[0].message,
        "spec.strategy.maxSurge: MaxSurge and MaxUnavailable both can not be zero"
    );
}

#[test]
fn names_select_one_workload() {
    let files = [
        ("app/kustomization.yaml", "namePrefix: prod-\nresources:\n- w.yaml\n"),
        ("app/w.yaml", &rollout(2, "canary: {}\n")),
    ];
    let by_original = simulate_files(&files, Some("web"));
    assert_eq!(by_original.rollouts.len(), 1);
    assert_eq!(by_original.rollouts[0].name, "prod-web");
    assert_eq!(simulate_files(&files, Some("prod-web")).rollouts.len(), 1);
    let missing = simulate_files(&files, Some("api"));
    assert!(missing.rollouts.is_empty());
    assert_eq!(missing.diagnostics[0].code, "X005");
    assert_eq!(
        missing.diagnostics[0].message,
        "the render has no Rollout or Deployment named \"api\""
    );
}

#[test]
fn a_deployment_behind_a_workload_ref_is_the_rollouts() {
    let rollout = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: web}\nspec:\n  replicas: 2\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  strategy: {canary: {steps: [{setWeight: 50}]}}\n";
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: web:1}]}\n";
    let sim = simulate_files(
        &[
            ("app/kustomization.yaml", "resources:\n- r.yaml\n- d.yaml\n"),
            ("app/r.yaml", rollout),
            ("app/d.yaml", deployment),
        ],
        None,
    );
    assert_eq!(sim.rollouts.len(), 1);
    assert_eq!(sim.rollouts[0].kind, "Rollout");
    assert!(sim.rollouts[0].diagnostics.is_empty(), "{:?}", sim.rollouts[0].diagnostics);
}

#[test]
fn absurd_inputs_are_bounded() {
    // 10,000 steps: at most MAX_STATES states (the last is the end), the totals over all.
    let mut steps = String::new();
    for _ in 0..5_000 {
        steps.push_str("- setWeight: 10\n- pause: {duration: 1s}\n");
    }
    let sim = one(&basic(5, "", &steps));
    assert_eq!(sim.states.len(), super::MAX_STATES);
    assert_eq!(rows(&sim).last().unwrap(), "-|100|0|5|-|-|-");
    assert_eq!(sim.min_duration, "5000s");
    assert!(sim.diagnostics.iter().any(|d| d.code == "X006"));
    // In words, for plans and pull requests: the start, the end, and a count between.
    let table = crate::rollouts::describe::rows(&sim, 25);
    assert_eq!(table.len(), 26);
    assert_eq!(table[24][..2], ["…".to_string(), "975 more states".to_string()]);
    assert_eq!(table[25][..3], ["5000s".to_string(), "-".to_string(), "100%".to_string()]);
    // The summary reads the listed states: 10%, 499 pauses (steps 1, 3, ... 997), the end.
    let summary = crate::rollouts::describe::summary(&sim);
    assert_eq!(
        summary,
        "10% (1 new pod, 5 old) → pause 1s → pause 1s → pause 1s → pause 1s → pause 1s → pause 1s → pause 1s → … 490 more … → pause 1s → pause 1s → 100% (5 new pods, 0 old); full promotion after at least 5000s, no manual promotion"
    );
    // 10^9 replicas: the controller's int32 arithmetic, and a bounded Deployment rollout.
    let huge = one(&basic(1_000_000_000, "", "- setWeight: 10\n"));
    assert_eq!(rows(&huge)[0], "0|10|985899345|14100655|-|-|-");
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 1000000000\n  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: api:1}]}\n";
    let sim = one(deployment);
    assert_eq!(sim.states.len(), super::MAX_STATES);
    assert_eq!(rows(&sim).last().unwrap(), "-|100|0|1000000000|-|-|-");
}
