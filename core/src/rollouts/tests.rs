//! Validation cases. Each expectation (field path and message) is read from argo-rollouts
//! 9f8d111 `pkg/apis/rollouts/validation/validation.go` (V), `validation_references.go` (R),
//! `pkg/kubectl-argo-rollouts/cmd/lint/lint.go` and `lint_test.go` (L), or `rollout/controller.go`
//! (C); the comment on each test names the function.

use super::*;
use crate::tree::FileTree;
use crate::workspace::Workspace;
use crate::yaml::{Limits, parse};

const HEAD: &str = "apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  replicas: 5
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: web:1
";

/// `text` with every non-empty line indented by `by` spaces.
pub(crate) fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    let mut out = String::with_capacity(text.len() + by * 8);
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(&pad);
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A valid Rollout with `strategy` (YAML written flush left) under `spec.strategy`.
fn rollout(strategy: &str) -> String {
    format!("{HEAD}  strategy:\n{}", indent(strategy, 4))
}

/// A canary Rollout with `body` under `spec.strategy.canary`.
fn canary(body: &str) -> String {
    rollout(&format!("canary:\n{}", indent(body, 2)))
}

/// `CODE message` of every diagnostic lint gives for one raw file.
fn lint(text: &str) -> Vec<String> {
    let file: Arc<str> = Arc::from("rollout.yaml");
    let parsed = parse(&file, text, &Limits::default());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    lint_file(&file, &parsed).into_iter().map(|d| format!("{} {}", d.code, d.message)).collect()
}

fn x001(messages: &[&str]) -> Vec<String> {
    messages.iter().map(|m| format!("X001 {m}")).collect()
}

#[test]
fn a_valid_canary_and_the_seeds_canary_pass() {
    assert_eq!(lint(&canary("steps:\n- setWeight: 20\n- pause: {}\n")), Vec::<String>::new());
    let seed = canary(
        "steps:\n- setWeight: 10\n- pause: {duration: 5m}\n- analysis:\n    templates:\n    - templateName: success-rate\n- setWeight: 50\n- pause: {duration: 10m}\n- setWeight: 100\n",
    );
    assert_eq!(lint(&seed), Vec::<String>::new());
}

#[test]
fn negative_replicas() {
    // V ValidateRolloutSpec: ValidateNonnegativeField(replicas).
    let text = canary("{}").replace("replicas: 5", "replicas: -1");
    assert_eq!(lint(&text), x001(&["spec.replicas: must be greater than or equal to 0"]));
}

#[test]
fn a_missing_selector_is_required_and_matches_nothing() {
    // V: Required(spec.selector); LabelSelectorAsSelector(nil) is labels.Nothing(), which
    // is not Empty() and matches no labels, so the template check fails too (L lint_test
    // invalid-empty-rollout-vsvc.yml reports the Required error first).
    let text = canary("{}").replace("  selector:\n    matchLabels:\n      app: web\n", "");
    assert_eq!(
        lint(&text),
        x001(&[
            "spec.selector: Rollout has missing field '.spec.selector'",
            "spec.template.metadata.labels: `selector` does not match template `labels`",
        ])
    );
}

#[test]
fn an_empty_selector_is_invalid_but_matches_everything() {
    // V: "empty selector is invalid for deployment"; labels.Everything() is Empty(), so no
    // template mismatch.
    let text =
        canary("{}").replace("  selector:\n    matchLabels:\n      app: web\n", "  selector: {}\n");
    assert_eq!(lint(&text), x001(&["spec.selector: empty selector is invalid for deployment"]));
}

#[test]
fn a_selector_that_does_not_select_the_template() {
    // V -> apps validation ValidatePodTemplateSpecForReplicaSet.
    let text = canary("{}").replace("      app: web\n  template", "      app: api\n  template");
    assert_eq!(
        lint(&text),
        x001(&["spec.template.metadata.labels: `selector` does not match template `labels`"])
    );
}

#[test]
fn match_expressions_are_checked_and_matched() {
    // V: ValidateLabelSelector requirement checks; a selector LabelSelectorAsSelector cannot
    // build is "invalid label selector" and skips the template check.
    let exprs = |e: &str| {
        canary("{}").replace(
            "    matchLabels:\n      app: web\n",
            &format!("    matchExpressions:\n{}", indent(e, 4)),
        )
    };
    assert_eq!(
        lint(&exprs("- {key: app, operator: In}\n")),
        x001(&[
            "spec.selector.matchExpressions[0].values: must be specified when `operator` is 'In' or 'NotIn'",
            "spec.selector: invalid label selector",
        ])
    );
    assert_eq!(
        lint(&exprs("- {key: app, operator: Equals, values: [web]}\n")),
        x001(&[
            "spec.selector.matchExpressions[0].operator: not a valid selector operator",
            "spec.selector: invalid label selector"
        ])
    );
    assert_eq!(
        lint(&exprs("- {key: app, operator: Exists, values: [web]}\n")),
        x001(&[
            "spec.selector.matchExpressions[0].values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            "spec.selector: invalid label selector",
        ])
    );
    assert_eq!(
        lint(&exprs(
            "- {key: app, operator: In, values: [web, api]}\n- {key: tier, operator: DoesNotExist}\n"
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        lint(&exprs("- {key: app, operator: NotIn, values: [web]}\n")),
        x001(&["spec.template.metadata.labels: `selector` does not match template `labels`"])
    );
}

#[test]
fn a_workload_ref_needs_an_empty_template() {
    // V: InternalError(spec.template); EmptyTemplate() looks at labels and annotations only.
    let base = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  strategy:\n    canary: {}\n";
    assert_eq!(lint(base), Vec::<String>::new());
    let with_containers =
        format!("{base}  template:\n    spec:\n      containers: [{{name: web, image: web:2}}]\n");
    assert_eq!(lint(&with_containers), Vec::<String>::new());
    let with_labels = format!("{base}  template:\n    metadata:\n      labels: {{app: web}}\n");
    assert_eq!(
        lint(&with_labels),
        x001(&["spec.template: template must be empty for workload reference rollout"])
    );
}

#[test]
fn pod_template_rules_for_replica_sets() {
    // apps validation ValidatePodTemplateSpecForReplicaSet: containers required, restartPolicy
    // Always (after defaulting), no activeDeadlineSeconds.
    let no_containers = canary("{}").replace(
        "      containers:\n      - name: web\n        image: web:1\n",
        "      containers: []\n",
    );
    assert_eq!(lint(&no_containers), x001(&["spec.template.spec.containers: Required value"]));
    let never = canary("{}").replace(
        "      containers:",
        "      restartPolicy: Never\n      activeDeadlineSeconds: 30\n      containers:",
    );
    assert_eq!(
        lint(&never),
        x001(&[
            "spec.template.spec.restartPolicy: supported values: \"Always\"",
            "spec.template.spec.activeDeadlineSeconds: activeDeadlineSeconds in ReplicaSet is not Supported",
        ])
    );
    let always =
        canary("{}").replace("      containers:", "      restartPolicy: Always\n      containers:");
    assert_eq!(lint(&always), Vec::<String>::new());
}

#[test]
fn timing_fields() {
    // V: ValidateNonnegativeField for minReadySeconds, revisionHistoryLimit (default 10),
    // progressDeadlineSeconds (default 600), then deadline > minReadySeconds.
    let spec =
        |extra: &str| canary("{}").replace("  replicas: 5\n", &format!("  replicas: 5\n{extra}"));
    assert_eq!(
        lint(&spec("  minReadySeconds: -1\n")),
        x001(&["spec.minReadySeconds: must be greater than or equal to 0"])
    );
    assert_eq!(
        lint(&spec("  revisionHistoryLimit: -1\n")),
        x001(&["spec.revisionHistoryLimit: must be greater than or equal to 0"])
    );
    assert_eq!(
        lint(&spec("  minReadySeconds: 600\n")),
        x001(&["spec.progressDeadlineSeconds: must be greater than minReadySeconds"])
    );
    assert_eq!(
        lint(&spec("  progressDeadlineSeconds: -5\n")),
        x001(&[
            "spec.progressDeadlineSeconds: must be greater than or equal to 0",
            "spec.progressDeadlineSeconds: must be greater than minReadySeconds",
        ])
    );
    assert_eq!(
        lint(&spec("  minReadySeconds: 30\n  progressDeadlineSeconds: 60\n")),
        Vec::<String>::new()
    );
}

#[test]
fn exactly_one_strategy() {
    // V ValidateRolloutStrategy: the paths are `spec.strategy.strategy`.
    assert_eq!(
        lint(&rollout("{}")),
        x001(&[
            "spec.strategy.strategy: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'"
        ])
    );
    // Both: only this error, neither strategy is checked (their own errors are not reported).
    assert_eq!(
        lint(&rollout("canary: {maxSurge: 0, maxUnavailable: 0}\nblueGreen: {}\n")),
        x001(&["spec.strategy.strategy: Multiple Strategies can not be listed"])
    );
}

#[test]
fn blue_green_services() {
    // V ValidateRolloutStrategyBlueGreen: active == preview, even when both are empty;
    // preview-only is valid.
    const SAME: &str = "spec.strategy.activeService: This rollout uses the same service for the active and preview services, but two different services are required.";
    assert_eq!(lint(&rollout("blueGreen: {}\n")), x001(&[SAME]));
    assert_eq!(
        lint(&rollout("blueGreen: {activeService: web, previewService: web}\n")),
        x001(&[SAME])
    );
    assert_eq!(lint(&rollout("blueGreen: {previewService: web-preview}\n")), Vec::<String>::new());
    assert_eq!(
        lint(&rollout("blueGreen: {activeService: web, previewService: web-preview}\n")),
        Vec::<String>::new()
    );
}

#[test]
fn blue_green_scale_down_revision_limit() {
    // V: scaleDownDelayRevisionLimit > revisionHistoryLimit (default 10).
    let bg = "blueGreen: {activeService: a, previewService: b, scaleDownDelayRevisionLimit: 11}\n";
    assert_eq!(
        lint(&rollout(bg)),
        x001(&[
            "spec.strategy.scaleDownDelayRevisionLimit: This rollout's revision history limit can not be smaller than the rollout's scale down limit"
        ])
    );
    let higher =
        rollout(bg).replace("  replicas: 5\n", "  replicas: 5\n  revisionHistoryLimit: 20\n");
    assert_eq!(lint(&higher), Vec::<String>::new());
    // The canary field of the same name is not checked.
    assert_eq!(lint(&canary("scaleDownDelayRevisionLimit: 11\n")), Vec::<String>::new());
}

#[test]
fn max_surge_and_max_unavailable_both_zero() {
    // V invalidMaxSurgeMaxUnavailable / getIntOrPercentValue; L lint_test invalid.yml.
    const BOTH: &str = "spec.strategy.maxSurge: MaxSurge and MaxUnavailable both can not be zero";
    assert_eq!(lint(&canary("maxSurge: 0\nmaxUnavailable: 0\n")), x001(&[BOTH]));
    assert_eq!(lint(&canary("maxSurge: \"0%\"\nmaxUnavailable: abc\n")), x001(&[BOTH]));
    assert_eq!(lint(&canary("maxSurge: \"0\"\nmaxUnavailable: \"0%\"\n")), x001(&[BOTH]));
    assert_eq!(lint(&canary("maxSurge: \"300%\"\nmaxUnavailable: 0\n")), Vec::<String>::new());
    // Routing exempts nothing.
    assert_eq!(
        lint(&canary(
            "maxSurge: 0\nmaxUnavailable: 0\nstableService: s\ncanaryService: c\ntrafficRouting: {nginx: {stableIngress: i}}\n"
        )),
        x001(&[BOTH])
    );
}

#[test]
fn canary_services() {
    // V: stable == canary (both set); requireCanaryStableServices.
    assert_eq!(
        lint(&canary("stableService: web\ncanaryService: web\n")),
        x001(&[
            "spec.strategy.stableService: This rollout uses the same service for the stable and canary services, but two different services are required."
        ])
    );
    let need = "Canary service and Stable service must to be set to use Traffic Routing";
    assert_eq!(
        lint(&canary("trafficRouting: {nginx: {stableIngress: web}}\n")),
        x001(&[
            &format!("spec.strategy.stableService: {need}"),
            &format!("spec.strategy.canaryService: {need}")
        ])
    );
    assert_eq!(
        lint(&canary("trafficRouting: {smi: {}}\nstableService: s\n")),
        x001(&[&format!("spec.strategy.canaryService: {need}")])
    );
    // Istio with a DestinationRule, and plugins alone, need no services.
    assert_eq!(
        lint(&canary(
            "trafficRouting:\n  istio:\n    virtualService: {name: vs}\n    destinationRule: {name: dr, canarySubsetName: c, stableSubsetName: s}\n"
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        lint(&canary("trafficRouting: {plugins: {example/plugin: {}}}\n")),
        Vec::<String>::new()
    );
}

#[test]
fn ping_pong() {
    // V ValidateRolloutStrategyCanary, the pingPong block.
    assert_eq!(
        lint(&canary(
            "pingPong: {pingService: ping, pongService: pong}\nstableService: s\ncanaryService: c\ntrafficRouting: {nginx: {stableIngress: i}}\n"
        )),
        x001(&[
            "spec.strategy.trafficRouting.alb: Ping-pong feature works with the ALB, Istio, and plugin-based traffic routers only"
        ])
    );
    let need = "Ping service and Pong service must to be set to use Ping-Pong feature";
    assert_eq!(
        lint(&canary("pingPong: {}\ntrafficRouting: {alb: {ingress: i, rootService: root}}\n")),
        x001(&[
            &format!("spec.strategy.pingPong.pingService: {need}"),
            &format!("spec.strategy.pingPong.pongService: {need}"),
            "spec.strategy.pingPong.pingService: This rollout uses the same service for the ping and pong services, but two different services are required.",
        ])
    );
    assert_eq!(
        lint(&canary(
            "pingPong: {pingService: ping, pongService: pong}\ntrafficRouting: {alb: {ingress: i}}\n"
        )),
        x001(&[
            "spec.strategy.trafficRouting.alb.rootService: Root service field is required for the configuration with ALB and ping-pong feature enabled"
        ])
    );
    assert_eq!(
        lint(&canary(
            "pingPong: {pingService: ping, pongService: pong}\ntrafficRouting: {alb: {ingress: i, rootService: root}}\n"
        )),
        Vec::<String>::new()
    );
}

#[test]
fn scale_down_delay_dynamic_stable_scale_and_max_weight() {
    // V: TestCanaryScaleDownDelaySeconds, TestCanaryDynamicStableScale, maxTrafficWeight.
    assert_eq!(
        lint(&canary("scaleDownDelaySeconds: 30\n")),
        x001(&[
            "spec.strategy.scaleDownDelaySeconds: Canary scaleDownDelaySeconds can only be used with traffic routing"
        ])
    );
    assert_eq!(
        lint(&canary("dynamicStableScale: true\n")),
        x001(&[
            "spec.strategy.dynamicStableScale: Canary dynamicStableScale can only be used with traffic routing"
        ])
    );
    let routed =
        "stableService: s\ncanaryService: c\ntrafficRouting: {nginx: {stableIngress: i}}\n";
    assert_eq!(
        lint(&canary(&format!("{routed}dynamicStableScale: true\nscaleDownDelaySeconds: 5\n"))),
        x001(&[
            "spec.strategy.dynamicStableScale: Canary dynamicStableScale cannot be used with scaleDownDelaySeconds"
        ])
    );
    assert_eq!(
        lint(&canary(
            "stableService: s\ncanaryService: c\ntrafficRouting: {smi: {}, maxTrafficWeight: 1000}\n"
        )),
        x001(&[
            "spec.strategy.trafficRouting.maxTrafficWeight: Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins"
        ])
    );
    assert_eq!(
        lint(&canary(
            "stableService: s\ncanaryService: c\ntrafficRouting: {nginx: {stableIngress: i}, maxTrafficWeight: 1000}\nsteps:\n- setWeight: 500\n"
        )),
        Vec::<String>::new()
    );
}

#[test]
fn step_kinds() {
    // V hasMultipleStepsType (setWeight, pause, experiment, analysis only) and the empty step.
    const STEP: &str = "Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause";
    assert_eq!(
        lint(&canary("steps:\n- setWeight: 10\n  pause: {}\n")),
        x001(&[&format!("spec.strategy.steps[0]: {STEP}")])
    );
    assert_eq!(
        lint(&canary("steps:\n- setWeight: 10\n- {}\n")),
        x001(&[&format!("spec.strategy.steps[1]: {STEP}")])
    );
    // setWeight beside setCanaryScale is accepted.
    assert_eq!(
        lint(&canary(
            "stableService: s\ncanaryService: c\ntrafficRouting: {nginx: {stableIngress: i}}\nsteps:\n- setWeight: 10\n  setCanaryScale: {replicas: 2}\n"
        )),
        Vec::<String>::new()
    );
}

#[test]
fn set_weight_range() {
    // V InvalidSetWeightMessage with weightutil.MaxTrafficWeight.
    assert_eq!(
        lint(&canary("steps:\n- setWeight: 150\n- setWeight: -1\n- setWeight: 100\n")),
        x001(&[
            "spec.strategy.steps[0].setWeight: SetWeight needs to be between 0 and 100",
            "spec.strategy.steps[1].setWeight: SetWeight needs to be between 0 and 100",
        ])
    );
    // The maximum comes from maxTrafficWeight even where that field is itself refused.
    assert_eq!(
        lint(&canary(
            "stableService: s\ncanaryService: c\ntrafficRouting: {istio: {virtualService: {name: vs}}, maxTrafficWeight: 50}\nsteps:\n- setWeight: 60\n"
        )),
        x001(&[
            "spec.strategy.trafficRouting.maxTrafficWeight: Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins",
            "spec.strategy.steps[0].setWeight: SetWeight needs to be between 0 and 50",
        ])
    );
}

#[test]
fn pause_durations() {
    // V: Pause.DurationSeconds() < 0 (types.go): unparsable is -1, `0` passes.
    let steps = |d: &str| canary(&format!("steps:\n- pause: {{duration: {d}}}\n"));
    for bad in ["1d", "10x", "-2m", "-5", "\"-5\"", "\"99999999999\""] {
        assert_eq!(
            lint(&steps(bad)),
            x001(&["spec.strategy.steps[0].pause.duration: Duration needs to be greater than 0"]),
            "{bad}"
        );
    }
    for good in ["0", "\"45\"", "45", "500ms", "1h30m", "5m"] {
        assert_eq!(lint(&steps(good)), Vec::<String>::new(), "{good}");
    }
    assert_eq!(lint(&canary("steps:\n- pause: {}\n")), Vec::<String>::new());
    // A number with a fraction does not even decode into IntOrString.
    assert_eq!(
        lint(&steps("1.5")),
        vec!["X002 spec.strategy.canary.steps[0].pause.duration: json: cannot unmarshal number 1.5 into Go value of type int32".to_string()]
    );
}

#[test]
fn set_canary_scale_requires_routing_once_per_step() {
    // V: Required(spec.strategy.trafficRouting) for each setCanaryScale step.
    let msg = "spec.strategy.trafficRouting: SetCanaryScale requires TrafficRouting to be set";
    assert_eq!(
        lint(&canary(
            "steps:\n- setCanaryScale: {replicas: 1}\n- setWeight: 10\n- setCanaryScale: {weight: 20}\n"
        )),
        x001(&[msg, msg])
    );
}

#[test]
fn header_routes() {
    // V: SetHeaderRoute needs Istio, ALB, Apisix or plugins; hasALBInvalidValues;
    // hasMultipleMatchValues; managedRoutes.
    assert_eq!(
        lint(&canary("steps:\n- setHeaderRoute: {name: h}\n")),
        x001(&[
            "spec.strategy.steps[0].setHeaderRoute: SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix"
        ])
    );
    let alb = "stableService: s\ncanaryService: c\ntrafficRouting:\n  alb: {ingress: i}\n  managedRoutes: [{name: h}]\n";
    assert_eq!(
        lint(&canary(&format!(
            "{alb}steps:\n- setHeaderRoute:\n    name: h\n    match:\n    - headerName: x-a\n      headerValue: {{regex: a.*}}\n    - headerName: x-b\n"
        ))),
        x001(&[
            "spec.strategy.steps[0].setHeaderRoute.match[0]: SetHeaderRoute match value invalid. ALB supports 'exact' value only",
            "spec.strategy.steps[0].setHeaderRoute.match[1]: StringMatch value missed, match value must have one of the following: exact, regex, prefix",
        ])
    );
    let istio = "stableService: s\ncanaryService: c\ntrafficRouting:\n  istio: {virtualService: {name: vs}}\n";
    assert_eq!(
        lint(&canary(&format!(
            "{istio}  managedRoutes: [{{name: h}}]\nsteps:\n- setHeaderRoute:\n    name: h\n    match:\n    - headerName: x-a\n      headerValue: {{exact: a, prefix: b}}\n    - headerName: x-b\n      headerValue: {{}}\n"
        ))),
        x001(&[
            "spec.strategy.steps[0].setHeaderRoute.match[0]: StringMatch match value must have exactly one of the following: exact, regex, prefix",
            "spec.strategy.steps[0].setHeaderRoute.match[1]: StringMatch value missed, match value must have one of the following: exact, regex, prefix",
        ])
    );
    assert_eq!(
        lint(&canary(&format!("{istio}steps:\n- setHeaderRoute: {{name: h}}\n"))),
        x001(&[
            "spec.strategy.trafficRouting.managedRoutes: Rollout has missing field 'spec.strategy.canary.trafficRouting.managedRoutes'"
        ])
    );
    assert_eq!(
        lint(&canary(&format!(
            "{istio}  managedRoutes: [{{name: other}}]\nsteps:\n- setHeaderRoute: {{name: h}}\n"
        ))),
        x001(&[
            "spec.strategy.steps[0].setHeaderRoute: Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes"
        ])
    );
}

#[test]
fn mirror_routes_check_the_method_twice() {
    // V: SetMirrorRoute needs Istio or plugins; match.method is checked twice (upstream typo).
    assert_eq!(
        lint(&canary(
            "stableService: s\ncanaryService: c\ntrafficRouting:\n  nginx: {stableIngress: i}\n  managedRoutes: [{name: m}]\nsteps:\n- setMirrorRoute: {name: m}\n"
        )),
        x001(&[
            "spec.strategy.steps[0].setMirrorRoute: SetMirrorRoute requires TrafficRouting, supports Istio and Plugins"
        ])
    );
    let multiple = "spec.strategy.steps[0].setMirrorRoute.match[0]: StringMatch match value must have exactly one of the following: exact, regex, prefix";
    assert_eq!(
        lint(&canary(
            "stableService: s\ncanaryService: c\ntrafficRouting:\n  istio: {virtualService: {name: vs}}\n  managedRoutes: [{name: m}]\nsteps:\n- setMirrorRoute:\n    name: m\n    match:\n    - method: {exact: GET, regex: P.*}\n      path: {prefix: /}\n"
        )),
        x001(&[multiple, multiple])
    );
}

#[test]
fn experiment_template_weights() {
    // V TestCanaryExperimentStepWithWeight; L lint_test invalid-nginx-canary.yml.
    let step =
        "steps:\n- experiment:\n    templates:\n    - {name: a, specRef: canary, weight: 20}\n";
    assert_eq!(
        lint(&canary(step)),
        x001(&[
            "spec.strategy.steps[0].experiment.templates[0].weight: Experiment template weight cannot be set unless TrafficRouting is enabled"
        ])
    );
    assert_eq!(
        lint(&canary(&format!(
            "stableService: s\ncanaryService: c\ntrafficRouting: {{nginx: {{stableIngress: i}}}}\n{step}"
        ))),
        x001(&[
            "spec.strategy.steps[0].experiment.templates[0].weight: Experiment template weight is only available for TrafficRouting with SMI, ALB, Istio and Plugins at this time"
        ])
    );
    assert_eq!(
        lint(&canary(&format!(
            "stableService: s\ncanaryService: c\ntrafficRouting: {{smi: {{}}}}\n{step}"
        ))),
        Vec::<String>::new()
    );
}

#[test]
fn analysis_arguments_must_be_downward_api_paths() {
    // V: fieldpath.ExtractFieldPathAsString on `metadata...` paths, one error per argument.
    let arg = |path: &str| {
        canary(&format!(
            "steps:\n- analysis:\n    templates: [{{templateName: t}}]\n    args:\n    - name: a\n      valueFrom: {{fieldRef: {{fieldPath: \"{path}\"}}}}\n"
        ))
    };
    let msg = "spec.strategy.steps[0].analyses: Analyses arguments must refer to valid object metadata supported by downwardAPI";
    assert_eq!(lint(&arg("metadata.creationTimestamp")), x001(&[msg]));
    assert_eq!(lint(&arg("metadata.labels['bad key!']")), x001(&[msg]));
    for ok in [
        "metadata.name",
        "metadata.labels['app']",
        "metadata.annotations['Example.com/Key']",
        "spec.replicas",
    ] {
        assert_eq!(lint(&arg(ok)), Vec::<String>::new(), "{ok}");
    }
}

#[test]
fn anti_affinity() {
    // V ValidateRolloutStrategyAntiAffinity.
    assert_eq!(
        lint(&canary("antiAffinity: {}\n")),
        x001(&["spec.strategy.antiAffinity: AntiAffinity must have exactly one strategy listed"])
    );
    assert_eq!(
        lint(&canary(
            "antiAffinity:\n  requiredDuringSchedulingIgnoredDuringExecution: {}\n  preferredDuringSchedulingIgnoredDuringExecution: {weight: 0}\n"
        )),
        x001(&[
            "spec.strategy.antiAffinity: AntiAffinity must have exactly one strategy listed",
            "spec.strategy.antiAffinity.weight: AntiAffinity weight must be between 1-100",
        ])
    );
    assert_eq!(
        lint(&rollout(
            "blueGreen: {activeService: a, previewService: b, antiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: {weight: 50}}}\n"
        )),
        Vec::<String>::new()
    );
}

#[test]
fn services_in_the_same_file_must_select_the_template() {
    // R ValidateService via L setServiceTypeAndManagedAnnotation; the pod-template hash is
    // skipped. L lint_test invalid-service-labels.yml.
    let text = format!(
        "{}---\napiVersion: v1\nkind: Service\nmetadata: {{name: web-canary}}\nspec:\n  selector: {{app: api, rollouts-pod-template-hash: abc}}\n",
        canary("canaryService: web-canary\nstableService: web-stable\n")
    );
    assert_eq!(
        lint(&text),
        x001(&[
            "spec.strategy.canary.canaryService: Service \"web-canary\" has unmatch label \"app\" in rollout"
        ])
    );
    let file: Arc<str> = Arc::from("rollout.yaml");
    let d = lint_file(&file, &parse(&file, &text, &Limits::default()));
    assert_eq!(&text[d[0].span.unwrap().range()], "web-canary");
    assert_eq!(d[0].related.len(), 1);
    // A referenced Service missing from the file is not a lint error.
    assert_eq!(
        lint(&canary("canaryService: web-canary\nstableService: web-stable\n")),
        Vec::<String>::new()
    );
}

#[test]
fn ingresses_tied_to_a_rollout_need_a_stable_backend() {
    // R validateNginxIngress / reportErrors; an Ingress is tied by a backend on the stable
    // Service or by an existing managed-by annotation (L setIngressManagedAnnotation).
    let ingress = "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  annotations: {argo-rollouts.argoproj.io/managed-by-rollouts: web}\nspec:\n  rules:\n  - http:\n      paths:\n      - backend: {service: {name: other, port: {number: 80}}}\n";
    let text = format!(
        "{}{ingress}",
        canary(
            "stableService: s\ncanaryService: c\ntrafficRouting: {nginx: {stableIngress: web}}\n"
        )
    );
    assert_eq!(
        lint(&text),
        x001(&[
            "spec.strategy.canary.trafficRouting.nginx.stableIngress: ingress `web` has no rules using service s backend"
        ])
    );
    let fixed = text.replace("name: other", "name: s");
    assert_eq!(lint(&fixed), Vec::<String>::new());
}

#[test]
fn virtual_services_need_both_destinations() {
    // R ValidateVirtualService + istio.ValidateHTTPRoutes / validateVirtualServiceRouteDestinations.
    let rollout = canary(
        "stableService: web-stable\ncanaryService: web-canary\ntrafficRouting:\n  istio:\n    virtualService: {name: web-vs, routes: [primary]}\n",
    );
    let vs = |routes: &str| {
        format!(
            "{rollout}---\napiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: {{name: web-vs}}\nspec:\n  http:\n{}",
            indent(routes, 2)
        )
    };
    assert_eq!(
        lint(&vs("- name: primary\n  route:\n  - destination: {host: web-stable}\n")),
        x001(&[
            "spec.strategy.canary.trafficRouting.istio.virtualService.name: Istio VirtualService has invalid HTTP routes. Error: Canary Service 'web-canary' not found in route"
        ])
    );
    assert_eq!(
        lint(&vs("- name: other\n  route: []\n")),
        x001(&[
            "spec.strategy.canary.trafficRouting.istio.virtualService.name: Istio VirtualService has invalid HTTP routes. Error: HTTP Route 'primary' is not found in the defined Virtual Service."
        ])
    );
    assert_eq!(
        lint(&vs(
            "- name: primary\n  route:\n  - destination: {host: web-stable.default.svc.cluster.local}\n  - destination: {host: web-canary}\n"
        )),
        Vec::<String>::new()
    );
}

#[test]
fn unknown_fields_and_wrong_types_stop_the_rules() {
    // L lint_test invalid-unknown-field.yml: decoding fails before any rule runs.
    assert_eq!(
        lint(&canary("maxSurge: 0\nmaxUnavailable: 0\nsteps:\n- setWeight: ten\n- sleep: 5\n")),
        vec![
            "X002 spec.strategy.canary.steps[0].setWeight: json: cannot unmarshal string into Go value of type int32".to_string(),
            "X002 spec.strategy.canary.steps[1].sleep: json: unknown field \"sleep\"".to_string(),
        ]
    );
}

#[test]
fn raw_files_read_yaml_1_1_words_as_lint_does() {
    // Lint decodes with go-yaml v2, where `yes` is true.
    assert_eq!(
        lint(&canary("dynamicStableScale: yes\n")),
        x001(&[
            "spec.strategy.dynamicStableScale: Canary dynamicStableScale can only be used with traffic routing"
        ])
    );
}

#[test]
fn rollouts_of_one_file_are_reported_in_file_order() {
    // L lintResource: each Rollout's errors in file order (invalid-multiple-docs.yml).
    let first = canary("maxSurge: 0\nmaxUnavailable: 0\n");
    let second = rollout("{}").replace("name: web", "name: api");
    assert_eq!(
        lint(&format!("{first}---\n{second}")),
        x001(&[
            "spec.strategy.maxSurge: MaxSurge and MaxUnavailable both can not be zero",
            "spec.strategy.strategy: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'",
        ])
    );
}

#[test]
fn findings_point_at_the_offending_value() {
    let text = canary("steps:\n- setWeight: 150\n");
    let file: Arc<str> = Arc::from("rollout.yaml");
    let d = lint_file(&file, &parse(&file, &text, &Limits::default()));
    assert_eq!(&text[d[0].span.unwrap().range()], "150");
    // An absent field points at its nearest present ancestor's key.
    let text = rollout("{}");
    let d = lint_file(&file, &parse(&file, &text, &Limits::default()));
    assert_eq!(&text[d[0].span.unwrap().range()], "{}");
}

fn workspace(files: &[(&str, &str)]) -> Workspace {
    let mut tree = FileTree::new();
    for (path, text) in files {
        tree.insert(path, *text).unwrap();
    }
    Workspace::new(tree)
}

fn render_checks(files: &[(&str, &str)], dir: &str) -> Vec<String> {
    let mut ws = workspace(files);
    let rendered = ws.render(dir);
    assert!(rendered.ok, "{:?}", rendered.diagnostics);
    check_render(&rendered)
        .into_iter()
        .map(|d| format!("{} {} {}", d.code, d.severity.as_str(), d.message))
        .collect()
}

const KUSTOMIZATION: &str = "resources:\n- rollout.yaml\n";

#[test]
fn the_controller_looks_up_services_and_templates_in_the_render() {
    // C getReferencedServices / getReferencedAnalysisTemplatesFromRef: missing objects are
    // warnings (they may be deployed by other means).
    let text = canary(
        "stableService: web-stable\ncanaryService: web-canary\ntrafficRouting: {nginx: {stableIngress: web}}\nsteps:\n- analysis:\n    templates:\n    - templateName: success-rate\n    - {templateName: latency, clusterScope: true}\n",
    );
    assert_eq!(
        render_checks(
            &[("app/kustomization.yaml", KUSTOMIZATION), ("app/rollout.yaml", &text)],
            "app"
        ),
        vec![
            "X003 warning spec.strategy.canary.stableService: service \"web-stable\" not found",
            "X003 warning spec.strategy.canary.canaryService: service \"web-canary\" not found",
            "X003 warning spec.strategy.canary.steps[0].analysis.templates: AnalysisTemplate 'success-rate' not found",
            "X003 warning spec.strategy.canary.steps[0].analysis.templates: ClusterAnalysisTemplate 'latency' not found",
        ]
    );
}

#[test]
fn templates_in_the_render_are_checked_like_the_controller() {
    // R ValidateAnalysisTemplateWithType: a metric with an interval and no count runs forever.
    let text = canary("steps:\n- analysis:\n    templates:\n    - templateName: success-rate\n");
    let template = "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: success-rate}\nspec:\n  metrics:\n  - name: rate\n    interval: 1m\n    provider: {prometheus: {query: up}}\n  - name: once\n    provider: {prometheus: {query: up}}\n";
    assert_eq!(
        render_checks(
            &[
                ("app/kustomization.yaml", "resources:\n- rollout.yaml\n- template.yaml\n"),
                ("app/rollout.yaml", &text),
                ("app/template.yaml", template),
            ],
            "app"
        ),
        vec![
            "X004 error spec.strategy.canary.steps[0].analysis.templates: AnalysisTemplate success-rate has metric rate which runs indefinitely. Invalid value for count: <nil>"
        ]
    );
}

#[test]
fn a_workload_ref_resolves_in_the_render() {
    // C refResolver.Resolve: the workload must exist and be of a supported kind.
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  strategy:\n    canary: {}\n";
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: web:1}]}\n";
    assert_eq!(
        render_checks(
            &[("app/kustomization.yaml", KUSTOMIZATION), ("app/rollout.yaml", text)],
            "app"
        ),
        vec!["X003 warning spec.workloadRef: deployments.apps \"web\" not found"]
    );
    assert_eq!(
        render_checks(
            &[
                ("app/kustomization.yaml", "resources:\n- rollout.yaml\n- deployment.yaml\n"),
                ("app/rollout.yaml", text),
                ("app/deployment.yaml", deployment),
            ],
            "app"
        ),
        Vec::<String>::new()
    );
    let stateful = text.replace("kind: Deployment", "kind: StatefulSet");
    assert_eq!(
        render_checks(
            &[("app/kustomization.yaml", KUSTOMIZATION), ("app/rollout.yaml", &stateful)],
            "app"
        ),
        vec!["X004 error spec.workloadRef: workload of type apps/StatefulSet is not supported"]
    );
}

#[test]
fn a_resolved_workload_ref_is_validated_with_the_workloads_template() {
    // C newRolloutContext: refResolver.Resolve (rollout/templateref.go) copies the Deployment's
    // spec.template (and spec.selector when the Rollout has none) into the Rollout, then
    // getRolloutValidationErrors runs ValidateRollout with TemplateResolvedFromRef (V: the pod
    // template is validated against the selector) and ValidateService against the resolved
    // labels (R). Lint never resolves (L lint.go): in one raw file the Services fail.
    let rollout = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  strategy:\n    blueGreen: {activeService: web, previewService: web-preview}\n";
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: web:1}]}\n";
    let services = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web-preview}\nspec:\n  selector: {app: web}\n";
    let files = |deployment: &str| {
        render_checks(
            &[
                (
                    "app/kustomization.yaml",
                    "resources:\n- rollout.yaml\n- deployment.yaml\n- services.yaml\n",
                ),
                ("app/rollout.yaml", rollout),
                ("app/deployment.yaml", deployment),
                ("app/services.yaml", services),
            ],
            "app",
        )
    };
    assert_eq!(files(deployment), Vec::<String>::new());
    // The Deployment's template does not carry the Rollout's selector: the pod-template rule
    // and both Services fail, against the resolved labels.
    let other = deployment.replace("labels: {app: web}", "labels: {app: api}");
    assert_eq!(
        files(&other),
        [
            "X001 error spec.template.metadata.labels: `selector` does not match template `labels`",
            "X001 error spec.strategy.blueGreen.activeService: Service \"web\" has unmatch label \"app\" in rollout",
            "X001 error spec.strategy.blueGreen.previewService: Service \"web-preview\" has unmatch label \"app\" in rollout",
        ]
    );
    // The same objects as one raw file, as lint reads it: the Rollout's own (empty) template.
    assert_eq!(
        lint(&format!("{rollout}---\n{services}")),
        x001(&[
            "spec.strategy.blueGreen.activeService: Service \"web\" has unmatch label \"app\" in rollout",
            "spec.strategy.blueGreen.previewService: Service \"web-preview\" has unmatch label \"app\" in rollout",
        ])
    );
}

#[test]
fn rendered_findings_point_at_the_file_that_set_the_value() {
    // Provenance: the overlay's patch set the bad weight, so the finding is in the patch.
    let base = canary("steps:\n- setWeight: 10\n");
    let patch = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  strategy:\n    canary:\n      steps:\n      - setWeight: 150\n";
    let mut ws = workspace(&[
        ("base/kustomization.yaml", KUSTOMIZATION),
        ("base/rollout.yaml", &base),
        ("prod/kustomization.yaml", "resources:\n- ../base\npatches:\n- path: patch.yaml\n"),
        ("prod/patch.yaml", patch),
    ]);
    let rendered = ws.render("prod");
    let d = check_render(&rendered);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        d[0].message,
        "spec.strategy.steps[0].setWeight: SetWeight needs to be between 0 and 100"
    );
    assert_eq!(d[0].file.as_deref(), Some("prod/patch.yaml"));
    assert_eq!(&patch[d[0].span.unwrap().range()], "150");
}

#[test]
fn validate_checks_rollouts_in_renders_and_in_files_no_render_reads() {
    // A patch file is a partial object: it is checked only through the render that uses it.
    let bad = canary("steps:\n- setWeight: 150\n");
    let patch = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  replicas: 2\n";
    let mut ws = workspace(&[
        ("app/kustomization.yaml", "resources:\n- rollout.yaml\npatches:\n- path: patch.yaml\n"),
        ("app/rollout.yaml", &canary("{}")),
        ("app/patch.yaml", patch),
        ("standalone/rollout.yaml", &bad),
    ]);
    let messages: Vec<(String, String)> = ws
        .validate()
        .diagnostics
        .into_iter()
        .map(|d| (d.file.unwrap_or_default(), d.message))
        .collect();
    assert_eq!(
        messages,
        vec![(
            "standalone/rollout.yaml".to_string(),
            "spec.strategy.steps[0].setWeight: SetWeight needs to be between 0 and 100".to_string()
        )]
    );
    assert!(ws.validate().diagnostics[0].range.is_some());
}

#[test]
fn hostile_rollouts_are_bounded() {
    // 10,000 steps, 10^9 replicas, weights out of range: diagnostics, no panic.
    let mut steps = String::from("steps:\n");
    for i in 0..10_000 {
        steps.push_str(&format!("- setWeight: {}\n", i % 150));
    }
    let text = canary(&steps).replace("replicas: 5", "replicas: 1000000000");
    let messages = lint(&text);
    assert_eq!(messages.len(), (0..10_000).filter(|i| i % 150 > 100).count());
    assert!(messages[0].ends_with("SetWeight needs to be between 0 and 100"));
}
