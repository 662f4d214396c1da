//! `ValidateRollout`: the spec rules of `kubectl argo rollouts lint` and of the controller,
//! in upstream's order, with upstream's field paths and messages.
//!
//! Read from argo-rollouts 9f8d111 `pkg/apis/rollouts/validation/validation.go`. Two upstream
//! quirks are kept on purpose, because users compare our output with lint's:
//! - the strategy validators get `spec.strategy` as their base path and never add `canary`
//!   or `blueGreen`, so a step error is `spec.strategy.steps[2].setWeight`;
//! - `setMirrorRoute` match methods are checked twice (the second check was meant for
//!   `headers`), so a bad method gives the same error twice.
//!
//! Of the core Kubernetes pod-template validation that upstream also runs
//! (`ValidatePodTemplateSpecForReplicaSet`), Baton applies the selector match, the required
//! `containers`, `restartPolicy: Always` and the `activeDeadlineSeconds` ban; the rest of
//! Kubernetes' pod-spec and label-syntax checks are the API server's and are not repeated.

use super::duration::pause_seconds;
use super::view::{IntOrStr, Loc, View};

/// One rule violation: the field path upstream reports, its detail message, and where.
#[derive(Debug, Clone)]
pub(crate) struct Finding<'a> {
    pub field: String,
    pub detail: String,
    pub at: Loc<'a>,
    /// Another place that explains the finding (the Service whose selector does not match).
    pub related: Option<(Loc<'a>, String)>,
}

impl<'a> Finding<'a> {
    pub fn new(field: impl Into<String>, detail: impl Into<String>, at: Loc<'a>) -> Self {
        Finding { field: field.into(), detail: detail.into(), at, related: None }
    }
}

const MISSING_FIELD: &str = "Rollout has missing field";
const INVALID_STEP: &str = "Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause";
const MULTIPLE_MATCH: &str =
    "StringMatch match value must have exactly one of the following: exact, regex, prefix";
const PING_PONG: &str = "Ping service and Pong service must to be set to use Ping-Pong feature";
const ROUTING_SERVICES: &str =
    "Canary service and Stable service must to be set to use Traffic Routing";
const MISSED_MATCH: &str =
    "StringMatch value missed, match value must have one of the following: exact, regex, prefix";

/// `defaults.DefaultRevisionHistoryLimit`, `DefaultProgressDeadlineSeconds`.
const DEFAULT_REVISION_HISTORY_LIMIT: i64 = 10;
const DEFAULT_PROGRESS_DEADLINE_SECONDS: i64 = 600;

/// `ValidateRollout`: every finding of one Rollout, in upstream order.
pub(crate) fn validate_rollout(rollout: View<'_>) -> Vec<Finding<'_>> {
    let mut out = Vec::new();
    let spec = rollout.get("spec");
    let replicas = spec.get("replicas");
    if replicas.int().is_some_and(|r| r < 0) {
        out.push(Finding::new("spec.replicas", "must be greater than or equal to 0", replicas.at));
    }
    let workload_ref = spec.get("workloadRef");
    let selector = spec.get("selector");
    if !workload_ref.present() {
        if selector.present() {
            validate_label_selector(selector, &mut out);
            if selector.get("matchLabels").len() + selector.get("matchExpressions").len() == 0 {
                out.push(Finding::new(
                    "spec.selector",
                    "empty selector is invalid for deployment",
                    selector.at,
                ));
            }
        } else {
            out.push(Finding::new(
                "spec.selector",
                format!("{MISSING_FIELD} '.spec.selector'"),
                selector.at,
            ));
        }
    }
    let template = spec.get("template");
    let template_meta = template.get("metadata");
    if workload_ref.present()
        && (template_meta.get("labels").len() > 0 || template_meta.get("annotations").len() > 0)
    {
        out.push(Finding::new(
            "spec.template",
            "template must be empty for workload reference rollout",
            template.key_at,
        ));
    }
    match Selector::of(selector) {
        None => out.push(Finding::new("spec.selector", "invalid label selector", selector.at)),
        Some(parsed) if !workload_ref.present() => {
            validate_pod_template(template, &parsed, &mut out);
        }
        Some(_) => {}
    }
    let min_ready = spec.get("minReadySeconds");
    let min_ready_seconds = min_ready.int().unwrap_or(0);
    if min_ready_seconds < 0 {
        out.push(Finding::new("spec.minReadySeconds", NEGATIVE, min_ready.at));
    }
    let history = spec.get("revisionHistoryLimit");
    if history.int().unwrap_or(DEFAULT_REVISION_HISTORY_LIMIT) < 0 {
        out.push(Finding::new("spec.revisionHistoryLimit", NEGATIVE, history.at));
    }
    let deadline = spec.get("progressDeadlineSeconds");
    let deadline_seconds = deadline.int().unwrap_or(DEFAULT_PROGRESS_DEADLINE_SECONDS);
    if deadline_seconds < 0 {
        out.push(Finding::new("spec.progressDeadlineSeconds", NEGATIVE, deadline.at));
    }
    if deadline_seconds <= min_ready_seconds {
        out.push(Finding::new(
            "spec.progressDeadlineSeconds",
            "must be greater than minReadySeconds",
            deadline.at,
        ));
    }
    validate_strategy(spec, &mut out);
    out
}

/// `apivalidation.ValidateNonnegativeField`.
const NEGATIVE: &str = "must be greater than or equal to 0";

/// The requirement checks of `ValidateLabelSelector` (label key and value syntax are the
/// API server's and not repeated).
fn validate_label_selector<'a>(selector: View<'a>, out: &mut Vec<Finding<'a>>) {
    for (i, expr) in selector.get("matchExpressions").items().into_iter().enumerate() {
        let base = format!("spec.selector.matchExpressions[{i}]");
        let values = expr.get("values");
        match expr.get("operator").string() {
            "In" | "NotIn" if values.len() == 0 => out.push(Finding::new(
                format!("{base}.values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
                values.at,
            )),
            "Exists" | "DoesNotExist" if values.len() > 0 => out.push(Finding::new(
                format!("{base}.values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                values.at,
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            _ => out.push(Finding::new(
                format!("{base}.operator"),
                "not a valid selector operator",
                expr.get("operator").at,
            )),
        }
    }
}

/// A label selector as `metav1.LabelSelectorAsSelector` builds it.
#[derive(Debug)]
pub(crate) enum Selector<'a> {
    /// No selector at all: `labels.Nothing()`, which matches nothing and is not "empty".
    Nothing,
    /// `{}`: `labels.Everything()`.
    Everything,
    Requirements(Vec<Requirement<'a>>),
}

#[derive(Debug)]
pub(crate) struct Requirement<'a> {
    key: &'a str,
    op: &'a str,
    values: Vec<&'a str>,
}

impl<'a> Selector<'a> {
    /// `None` when the selector cannot be built (an unknown operator, or values that do not
    /// fit the operator): upstream's "invalid label selector".
    pub fn of(selector: View<'a>) -> Option<Selector<'a>> {
        if !selector.present() {
            return Some(Selector::Nothing);
        }
        let labels = selector.get("matchLabels").string_map();
        let exprs = selector.get("matchExpressions").items();
        if labels.is_empty() && exprs.is_empty() {
            return Some(Selector::Everything);
        }
        let mut out: Vec<Requirement<'a>> = labels
            .into_iter()
            .map(|(key, value)| Requirement { key, op: "=", values: vec![value] })
            .collect();
        for expr in exprs {
            let op = expr.get("operator").string();
            let values: Vec<&str> = expr.get("values").items().iter().map(|v| v.string()).collect();
            let ok = match op {
                "In" | "NotIn" => !values.is_empty(),
                "Exists" | "DoesNotExist" => values.is_empty(),
                _ => false,
            };
            if !ok {
                return None;
            }
            out.push(Requirement { key: expr.get("key").string(), op, values });
        }
        Some(Selector::Requirements(out))
    }

    /// `Selector.Empty()`.
    pub fn is_empty(&self) -> bool {
        matches!(self, Selector::Everything)
    }

    /// `Selector.Matches(labels)`.
    pub fn matches(&self, labels: &[(&str, &str)]) -> bool {
        let get = |key: &str| labels.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| *v);
        match self {
            Selector::Nothing => false,
            Selector::Everything => true,
            Selector::Requirements(reqs) => reqs.iter().all(|r| match r.op {
                "=" => get(r.key) == r.values.first().copied(),
                "In" => get(r.key).is_some_and(|v| r.values.contains(&v)),
                "NotIn" => get(r.key).is_none_or(|v| !r.values.contains(&v)),
                "Exists" => get(r.key).is_some(),
                _ => get(r.key).is_none(),
            }),
        }
    }
}

/// The parts of `ValidatePodTemplateSpecForReplicaSet` Baton repeats (see the module docs).
fn validate_pod_template<'a>(
    template: View<'a>,
    selector: &Selector<'a>,
    out: &mut Vec<Finding<'a>>,
) {
    let labels = template.path(&["metadata", "labels"]);
    if !selector.is_empty() && !selector.matches(&labels.string_map()) {
        out.push(Finding::new(
            "spec.template.metadata.labels",
            "`selector` does not match template `labels`",
            labels.at,
        ));
    }
    let pod = template.get("spec");
    let containers = pod.get("containers");
    if containers.len() == 0 {
        out.push(Finding::new("spec.template.spec.containers", "Required value", containers.at));
    }
    // `SetObjectDefaults_PodTemplate` defaults an empty restart policy to Always first.
    let restart = pod.get("restartPolicy");
    let policy = restart.string();
    if !policy.is_empty() && policy != "Always" {
        out.push(Finding::new(
            "spec.template.spec.restartPolicy",
            "supported values: \"Always\"",
            restart.at,
        ));
    }
    let deadline = pod.get("activeDeadlineSeconds");
    if deadline.present() {
        out.push(Finding::new(
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in ReplicaSet is not Supported",
            deadline.at,
        ));
    }
}

/// `ValidateRolloutStrategy`.
fn validate_strategy<'a>(spec: View<'a>, out: &mut Vec<Finding<'a>>) {
    let strategy = spec.get("strategy");
    let blue_green = strategy.get("blueGreen");
    let canary = strategy.get("canary");
    match (blue_green.present(), canary.present()) {
        (false, false) => out.push(Finding::new(
            "spec.strategy.strategy",
            format!("{MISSING_FIELD} '.spec.strategy.canary or .spec.strategy.blueGreen'"),
            strategy.at,
        )),
        (true, true) => out.push(Finding::new(
            "spec.strategy.strategy",
            "Multiple Strategies can not be listed",
            strategy.key_at,
        )),
        (true, false) => validate_blue_green(spec, blue_green, out),
        (false, true) => validate_canary(canary, out),
    }
}

fn validate_blue_green<'a>(spec: View<'a>, bg: View<'a>, out: &mut Vec<Finding<'a>>) {
    let active = bg.get("activeService");
    if active.string() == bg.get("previewService").string() {
        out.push(Finding::new(
            "spec.strategy.activeService",
            "This rollout uses the same service for the active and preview services, but two different services are required.",
            active.at,
        ));
    }
    let history = spec.get("revisionHistoryLimit").int().unwrap_or(DEFAULT_REVISION_HISTORY_LIMIT);
    let limit = bg.get("scaleDownDelayRevisionLimit");
    if limit.int().is_some_and(|l| history < l) {
        out.push(Finding::new(
            "spec.strategy.scaleDownDelayRevisionLimit",
            "This rollout's revision history limit can not be smaller than the rollout's scale down limit",
            limit.at,
        ));
    }
    validate_anti_affinity(bg.get("antiAffinity"), out);
}

/// `getIntOrPercentValue`: `"N%"` is N, other strings go through `IntValue()` (`Atoi`, 0 on
/// error), ints are themselves.
pub(crate) fn int_or_percent_value(value: &IntOrStr) -> i64 {
    match value {
        IntOrStr::Int(i) => *i,
        IntOrStr::Str(s) => {
            if let Some(digits) = s.strip_suffix('%')
                && !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
            {
                return digits.parse().unwrap_or(0);
            }
            go_atoi(s)
        }
    }
}

/// Go's `strconv.Atoi`, 0 on error (as `IntOrString.IntValue` uses it).
pub(crate) fn go_atoi(s: &str) -> i64 {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    s.strip_prefix('+').unwrap_or(s).parse().unwrap_or(0)
}

/// Whether a traffic router is configured.
fn has(routing: View<'_>, router: &str) -> bool {
    routing.get(router).present()
}

/// `requireCanaryStableServices`.
fn requires_canary_and_stable_services(canary: View<'_>) -> bool {
    let routing = canary.get("trafficRouting");
    if !routing.present() {
        return false;
    }
    let ping_pong = canary.get("pingPong").present();
    (has(routing, "alb") && !ping_pong)
        || (has(routing, "istio")
            && !routing.path(&["istio", "destinationRule"]).present()
            && !ping_pong)
        || ["smi", "apisix", "ambassador", "nginx", "appMesh", "traefik"]
            .iter()
            .any(|r| has(routing, r))
}

/// `weightutil.MaxTrafficWeight`.
pub(crate) fn max_traffic_weight(canary: View<'_>) -> i64 {
    let routing = canary.get("trafficRouting");
    if routing.present() { routing.get("maxTrafficWeight").int().unwrap_or(100) } else { 100 }
}

fn validate_canary<'a>(canary: View<'a>, out: &mut Vec<Finding<'a>>) {
    const BASE: &str = "spec.strategy";
    let surge = canary.get("maxSurge");
    let surge_value = surge.int_or_str().unwrap_or(IntOrStr::Str("25".into()));
    let unavailable =
        canary.get("maxUnavailable").int_or_str().unwrap_or(IntOrStr::Str("25".into()));
    if int_or_percent_value(&surge_value) == 0 && int_or_percent_value(&unavailable) == 0 {
        out.push(Finding::new(
            format!("{BASE}.maxSurge"),
            "MaxSurge and MaxUnavailable both can not be zero",
            surge.at,
        ));
    }
    let stable = canary.get("stableService");
    let canary_service = canary.get("canaryService");
    if !stable.string().is_empty() && stable.string() == canary_service.string() {
        out.push(Finding::new(
            format!("{BASE}.stableService"),
            "This rollout uses the same service for the stable and canary services, but two different services are required.",
            stable.at,
        ));
    }
    let routing = canary.get("trafficRouting");
    let plugins = routing.get("plugins").len();
    let ping_pong = canary.get("pingPong");
    if ping_pong.present() {
        if routing.present() && !has(routing, "alb") && !has(routing, "istio") && plugins == 0 {
            out.push(Finding::new(
                format!("{BASE}.trafficRouting.alb"),
                "Ping-pong feature works with the ALB, Istio, and plugin-based traffic routers only",
                routing.get("alb").at,
            ));
        }
        let ping = ping_pong.get("pingService");
        let pong = ping_pong.get("pongService");
        if ping.string().is_empty() {
            out.push(Finding::new(format!("{BASE}.pingPong.pingService"), PING_PONG, ping.at));
        }
        if pong.string().is_empty() {
            out.push(Finding::new(format!("{BASE}.pingPong.pongService"), PING_PONG, pong.at));
        }
        if ping.string() == pong.string() {
            out.push(Finding::new(
                format!("{BASE}.pingPong.pingService"),
                "This rollout uses the same service for the ping and pong services, but two different services are required.",
                ping.at,
            ));
        }
        let root = routing.path(&["alb", "rootService"]);
        if has(routing, "alb") && root.string().is_empty() {
            out.push(Finding::new(
                format!("{BASE}.trafficRouting.alb.rootService"),
                "Root service field is required for the configuration with ALB and ping-pong feature enabled",
                root.at,
            ));
        }
    }
    if requires_canary_and_stable_services(canary) {
        if stable.string().is_empty() {
            out.push(Finding::new(format!("{BASE}.stableService"), ROUTING_SERVICES, stable.at));
        }
        if canary_service.string().is_empty() {
            out.push(Finding::new(
                format!("{BASE}.canaryService"),
                ROUTING_SERVICES,
                canary_service.at,
            ));
        }
    }
    let delay = canary.get("scaleDownDelaySeconds");
    let dynamic = canary.get("dynamicStableScale");
    if routing.present() {
        if delay.present() && dynamic.bool() {
            out.push(Finding::new(
                format!("{BASE}.dynamicStableScale"),
                "Canary dynamicStableScale cannot be used with scaleDownDelaySeconds",
                dynamic.at,
            ));
        }
        let max = routing.get("maxTrafficWeight");
        if max.present() && !has(routing, "nginx") && plugins == 0 {
            out.push(Finding::new(
                format!("{BASE}.trafficRouting.maxTrafficWeight"),
                "Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins",
                max.at,
            ));
        }
    } else {
        if delay.present() {
            out.push(Finding::new(
                format!("{BASE}.scaleDownDelaySeconds"),
                "Canary scaleDownDelaySeconds can only be used with traffic routing",
                delay.at,
            ));
        }
        if dynamic.bool() {
            out.push(Finding::new(
                format!("{BASE}.dynamicStableScale"),
                "Canary dynamicStableScale can only be used with traffic routing",
                dynamic.at,
            ));
        }
    }
    let max_weight = max_traffic_weight(canary);
    let managed = routing.get("managedRoutes");
    let managed_names: Vec<&str> = managed.items().iter().map(|r| r.get("name").string()).collect();
    for (i, step) in canary.get("steps").items().into_iter().enumerate() {
        let at = format!("{BASE}.steps[{i}]");
        validate_step(step, &at, canary, max_weight, out);
        let header = step.get("setHeaderRoute");
        let mirror = step.get("setMirrorRoute");
        if routing.present() && (header.present() || mirror.present()) && !managed.present() {
            out.push(Finding::new(
                format!("{BASE}.trafficRouting.managedRoutes"),
                format!("{MISSING_FIELD} 'spec.strategy.canary.trafficRouting.managedRoutes'"),
                managed.at,
            ));
        }
        if routing.present() && managed.present() {
            for (route, name) in [(header, "setHeaderRoute"), (mirror, "setMirrorRoute")] {
                if route.present() && !managed_names.contains(&route.get("name").string()) {
                    out.push(Finding::new(
                        format!("{at}.{name}"),
                        "Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes",
                        route.get("name").at,
                    ));
                }
            }
        }
        validate_step_experiment_and_args(step, &at, canary, out);
    }
    validate_anti_affinity(canary.get("antiAffinity"), out);
}

/// The action checks of one step: kinds, weight, pause, canary scale, header and mirror routes.
fn validate_step<'a>(
    step: View<'a>,
    at: &str,
    canary: View<'a>,
    max_weight: i64,
    out: &mut Vec<Finding<'a>>,
) {
    let routing = canary.get("trafficRouting");
    let set_weight = step.get("setWeight");
    let pause = step.get("pause");
    let kinds = ["setWeight", "pause", "experiment", "analysis"];
    if kinds.iter().filter(|k| step.get(k).present()).count() > 1 {
        out.push(Finding::new(at, INVALID_STEP, step.at));
    }
    let actions = [
        "experiment",
        "pause",
        "setWeight",
        "analysis",
        "setCanaryScale",
        "setHeaderRoute",
        "setMirrorRoute",
        "plugin",
    ];
    if !actions.iter().any(|k| step.get(k).present()) {
        out.push(Finding::new(at, INVALID_STEP, step.at));
    }
    if let Some(weight) = set_weight.int()
        && (weight < 0 || weight > max_weight)
    {
        out.push(Finding::new(
            format!("{at}.setWeight"),
            format!("SetWeight needs to be between 0 and {max_weight}"),
            set_weight.at,
        ));
    }
    if pause.present() {
        let duration = pause.get("duration");
        if pause_seconds(duration.int_or_str().as_ref()) < 0 {
            out.push(Finding::new(
                format!("{at}.pause.duration"),
                "Duration needs to be greater than 0",
                duration.at,
            ));
        }
    }
    let scale = step.get("setCanaryScale");
    if scale.present() && !routing.present() {
        out.push(Finding::new(
            "spec.strategy.trafficRouting",
            "SetCanaryScale requires TrafficRouting to be set",
            scale.key_at,
        ));
    }
    let plugins = routing.get("plugins").len();
    let header = step.get("setHeaderRoute");
    if header.present() {
        if !routing.present()
            || (!has(routing, "istio")
                && !has(routing, "alb")
                && !has(routing, "apisix")
                && plugins == 0)
        {
            out.push(Finding::new(
                format!("{at}.setHeaderRoute"),
                "SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix",
                header.key_at,
            ));
        } else {
            for (j, m) in header.get("match").items().into_iter().enumerate() {
                let field = format!("{at}.setHeaderRoute.match[{j}]");
                let value = m.get("headerValue");
                if has(routing, "alb") {
                    alb_match(value, &field, m.at, out);
                } else {
                    string_match(value, &field, m.at, out);
                }
            }
        }
    }
    let mirror = step.get("setMirrorRoute");
    if mirror.present() {
        if !routing.present() || (!has(routing, "istio") && plugins == 0) {
            out.push(Finding::new(
                format!("{at}.setMirrorRoute"),
                "SetMirrorRoute requires TrafficRouting, supports Istio and Plugins",
                mirror.key_at,
            ));
        }
        for (j, m) in mirror.get("match").items().into_iter().enumerate() {
            let field = format!("{at}.setMirrorRoute.match[{j}]");
            // Upstream checks `method` twice and `headers` never (a typo kept for parity).
            for name in ["method", "path", "method"] {
                let value = m.get(name);
                if value.present() {
                    string_match(value, &field, m.at, out);
                }
            }
        }
    }
}

/// `hasALBInvalidValues`.
fn alb_match<'a>(value: View<'a>, field: &str, at: Loc<'a>, out: &mut Vec<Finding<'a>>) {
    if !value.present() {
        out.push(Finding::new(field, MISSED_MATCH, at));
    } else if value.get("exact").string().is_empty()
        || !value.get("regex").string().is_empty()
        || !value.get("prefix").string().is_empty()
    {
        out.push(Finding::new(
            field,
            "SetHeaderRoute match value invalid. ALB supports 'exact' value only",
            value.at,
        ));
    }
}

/// `hasMultipleMatchValues`.
fn string_match<'a>(value: View<'a>, field: &str, at: Loc<'a>, out: &mut Vec<Finding<'a>>) {
    if !value.present() {
        out.push(Finding::new(field, MISSED_MATCH, at));
        return;
    }
    let set =
        ["exact", "regex", "prefix"].iter().filter(|k| !value.get(k).string().is_empty()).count();
    if set > 1 {
        out.push(Finding::new(field, MULTIPLE_MATCH, value.at));
    } else if set == 0 {
        out.push(Finding::new(field, MISSED_MATCH, value.at));
    }
}

/// Experiment template weights and the analysis arguments' downward-API field paths.
fn validate_step_experiment_and_args<'a>(
    step: View<'a>,
    at: &str,
    canary: View<'a>,
    out: &mut Vec<Finding<'a>>,
) {
    let routing = canary.get("trafficRouting");
    let experiment = step.get("experiment");
    let mut args = Vec::new();
    if experiment.present() {
        for (j, template) in experiment.get("templates").items().into_iter().enumerate() {
            let weight = template.get("weight");
            if !weight.present() {
                continue;
            }
            let field = format!("{at}.experiment.templates[{j}].weight");
            if !routing.present() {
                out.push(Finding::new(
                    field,
                    "Experiment template weight cannot be set unless TrafficRouting is enabled",
                    weight.at,
                ));
            } else if !["alb", "smi", "istio"].iter().any(|r| has(routing, r))
                && routing.get("plugins").len() == 0
            {
                out.push(Finding::new(
                    field,
                    "Experiment template weight is only available for TrafficRouting with SMI, ALB, Istio and Plugins at this time",
                    weight.at,
                ));
            }
        }
        for analysis in experiment.get("analyses").items() {
            args.extend(analysis.get("args").items());
        }
    }
    args.extend(step.path(&["analysis", "args"]).items());
    for arg in args {
        let path = arg.path(&["valueFrom", "fieldRef", "fieldPath"]);
        let text = path.string();
        if path.present() && text.starts_with("metadata") && !downward_api_resolves(text) {
            out.push(Finding::new(
                format!("{at}.analyses"),
                "Analyses arguments must refer to valid object metadata supported by downwardAPI",
                path.at,
            ));
        }
    }
}

/// Whether `fieldpath.ExtractFieldPathAsString` resolves a path on an object.
fn downward_api_resolves(path: &str) -> bool {
    if let Some(rest) = path.strip_suffix("']")
        && let Some((field, key)) = rest.split_once("['")
        && !field.is_empty()
    {
        return match field {
            "metadata.annotations" => is_qualified_name(&key.to_ascii_lowercase()),
            "metadata.labels" => is_qualified_name(key),
            _ => false,
        };
    }
    matches!(
        path,
        "metadata.annotations"
            | "metadata.labels"
            | "metadata.name"
            | "metadata.namespace"
            | "metadata.uid"
    )
}

/// `validation.IsQualifiedName`: `[prefix/]name`, the prefix a DNS-1123 subdomain, the name
/// at most 63 characters of `[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]`.
pub(crate) fn is_qualified_name(value: &str) -> bool {
    let (prefix, name) = match value.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, value),
    };
    if name.contains('/') {
        return false;
    }
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name.as_bytes()[name.len() - 1].is_ascii_alphanumeric();
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|label| {
                !label.is_empty()
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && label.as_bytes()[0].is_ascii_alphanumeric()
                    && label.as_bytes()[label.len() - 1].is_ascii_alphanumeric()
            })
    });
    name_ok && prefix_ok
}

/// `ValidateRolloutStrategyAntiAffinity`.
fn validate_anti_affinity<'a>(anti: View<'a>, out: &mut Vec<Finding<'a>>) {
    if !anti.present() {
        return;
    }
    let preferred = anti.get("preferredDuringSchedulingIgnoredDuringExecution");
    let required = anti.get("requiredDuringSchedulingIgnoredDuringExecution");
    if preferred.present() == required.present() {
        out.push(Finding::new(
            "spec.strategy.antiAffinity",
            "AntiAffinity must have exactly one strategy listed",
            anti.at,
        ));
    }
    if preferred.present() {
        let weight = preferred.get("weight");
        if !(1..=100).contains(&weight.int().unwrap_or(0)) {
            out.push(Finding::new(
                "spec.strategy.antiAffinity.weight",
                "AntiAffinity weight must be between 1-100",
                weight.at,
            ));
        }
    }
}
