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

use std::borrow::Cow;

use super::duration::pause_seconds;
use super::view::{IntOrStr, Loc, View};

/// One rule violation: the field path upstream reports, its detail message, and where.
/// Fixed texts are borrowed, so a rule costs no allocation until it fires.
#[derive(Debug, Clone)]
pub(crate) struct Finding<'a> {
    pub field: Cow<'static, str>,
    pub detail: Cow<'static, str>,
    pub at: Loc<'a>,
    /// Another place that explains the finding (the Service whose selector does not match).
    pub related: Option<(Loc<'a>, String)>,
}

impl<'a> Finding<'a> {
    // Not inlined: the rules call it from many places, and the engine's wasm size matters.
    #[inline(never)]
    pub fn new(
        field: impl Into<Cow<'static, str>>,
        detail: impl Into<Cow<'static, str>>,
        at: Loc<'a>,
    ) -> Self {
        Finding { field: field.into(), detail: detail.into(), at, related: None }
    }
}

/// Records a finding about `view`'s value (not inlined, for the same reason as
/// [`Finding::new`]).
#[inline(never)]
pub(crate) fn report<'a>(
    out: &mut Vec<Finding<'a>>,
    field: impl Into<Cow<'static, str>>,
    detail: impl Into<Cow<'static, str>>,
    view: View<'a>,
) {
    out.push(Finding { field: field.into(), detail: detail.into(), at: view.at(), related: None });
}

/// Records a finding about `view`'s key (a field that should not be there at all).
#[inline(never)]
pub(crate) fn report_key<'a>(
    out: &mut Vec<Finding<'a>>,
    field: impl Into<Cow<'static, str>>,
    detail: impl Into<Cow<'static, str>>,
    view: View<'a>,
) {
    out.push(Finding {
        field: field.into(),
        detail: detail.into(),
        at: view.key_at(),
        related: None,
    });
}

/// `base` + `suffix`, for field paths under an indexed step.
fn join(base: &str, suffix: &str) -> String {
    [base, suffix].concat()
}

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

/// What the controller's `refResolver.Resolve` takes from the workload a `workloadRef` names:
/// its pod template, and its selector for a Rollout without one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved<'a> {
    pub template: View<'a>,
    pub selector: View<'a>,
}

/// `ValidateRollout`: every finding of one Rollout, in upstream order. With `resolved`, the
/// Rollout is validated as the controller validates it once its `workloadRef` is resolved
/// (`TemplateResolvedFromRef`): the workload's template and (without its own) selector.
pub(crate) fn validate_rollout<'a>(
    rollout: View<'a>,
    resolved: Option<Resolved<'a>>,
) -> Vec<Finding<'a>> {
    let mut findings = Vec::new();
    let out = &mut findings;
    let spec = rollout.get("spec");
    let replicas = spec.get("replicas");
    if replicas.int().is_some_and(|r| r < 0) {
        report(out, "spec.replicas", "must be greater than or equal to 0", replicas);
    }
    let workload_ref = spec.get("workloadRef");
    let selector = spec.get("selector");
    if !workload_ref.present() {
        if selector.present() {
            validate_label_selector(selector, out);
            if selector.get("matchLabels").len() + selector.get("matchExpressions").len() == 0 {
                report(out, "spec.selector", "empty selector is invalid for deployment", selector);
            }
        } else {
            report(out, "spec.selector", "Rollout has missing field '.spec.selector'", selector);
        }
    }
    // The Rollout's own template must be empty either way (the controller's resolver refuses
    // it too, before resolving).
    let own = spec.get("template");
    let meta = own.get("metadata");
    if workload_ref.present() && (meta.get("labels").len() > 0 || meta.get("annotations").len() > 0)
    {
        report_key(
            out,
            "spec.template",
            "template must be empty for workload reference rollout",
            own,
        );
    }
    let (template, selector) = match resolved {
        Some(r) => (r.template, if selector.present() { selector } else { r.selector }),
        None => (spec.get("template"), selector),
    };
    match Selector::of(selector) {
        None => report(out, "spec.selector", "invalid label selector", selector),
        Some(parsed) if resolved.is_some() || !workload_ref.present() => {
            validate_pod_template(template, &parsed, out);
        }
        Some(_) => {}
    }
    let min_ready = spec.get("minReadySeconds");
    let min_ready_seconds = min_ready.int().unwrap_or(0);
    if min_ready_seconds < 0 {
        report(out, "spec.minReadySeconds", NEGATIVE, min_ready);
    }
    let history = spec.get("revisionHistoryLimit");
    if history.int().unwrap_or(DEFAULT_REVISION_HISTORY_LIMIT) < 0 {
        report(out, "spec.revisionHistoryLimit", NEGATIVE, history);
    }
    let deadline = spec.get("progressDeadlineSeconds");
    let deadline_seconds = deadline.int().unwrap_or(DEFAULT_PROGRESS_DEADLINE_SECONDS);
    if deadline_seconds < 0 {
        report(out, "spec.progressDeadlineSeconds", NEGATIVE, deadline);
    }
    if deadline_seconds <= min_ready_seconds {
        report(
            out,
            "spec.progressDeadlineSeconds",
            "must be greater than minReadySeconds",
            deadline,
        );
    }
    validate_strategy(spec, out);
    findings
}

/// `apivalidation.ValidateNonnegativeField`.
const NEGATIVE: &str = "must be greater than or equal to 0";

/// The requirement checks of `ValidateLabelSelector` (label key and value syntax are the
/// API server's and not repeated).
fn validate_label_selector<'a>(selector: View<'a>, out: &mut Vec<Finding<'a>>) {
    for (i, expr) in selector.get("matchExpressions").items().into_iter().enumerate() {
        let base = format!("spec.selector.matchExpressions[{i}]");
        let values = expr.get("values");
        match expr.text("operator") {
            "In" | "NotIn" if values.len() == 0 => report(
                out,
                join(&base, ".values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
                values,
            ),
            "Exists" | "DoesNotExist" if values.len() > 0 => report(
                out,
                join(&base, ".values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                values,
            ),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            _ => report(
                out,
                join(&base, ".operator"),
                "not a valid selector operator",
                expr.get("operator"),
            ),
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
        let mut out: Vec<Requirement<'a>> = Vec::new();
        for (key, value) in labels {
            out.push(Requirement { key, op: "=", values: vec![value] });
        }
        for expr in exprs {
            let op = expr.text("operator");
            let values = expr.get("values").names("");
            let ok = match op {
                "In" | "NotIn" => !values.is_empty(),
                "Exists" | "DoesNotExist" => values.is_empty(),
                _ => false,
            };
            if !ok {
                return None;
            }
            out.push(Requirement { key: expr.text("key"), op, values });
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
        report(
            out,
            "spec.template.metadata.labels",
            "`selector` does not match template `labels`",
            labels,
        );
    }
    let pod = template.get("spec");
    let containers = pod.get("containers");
    if containers.len() == 0 {
        report(out, "spec.template.spec.containers", "Required value", containers);
    }
    // `SetObjectDefaults_PodTemplate` defaults an empty restart policy to Always first.
    let restart = pod.get("restartPolicy");
    let policy = restart.string();
    if !policy.is_empty() && policy != "Always" {
        report(out, "spec.template.spec.restartPolicy", "supported values: \"Always\"", restart);
    }
    let deadline = pod.get("activeDeadlineSeconds");
    if deadline.present() {
        report(
            out,
            "spec.template.spec.activeDeadlineSeconds",
            "activeDeadlineSeconds in ReplicaSet is not Supported",
            deadline,
        );
    }
}

/// `ValidateRolloutStrategy`.
fn validate_strategy<'a>(spec: View<'a>, out: &mut Vec<Finding<'a>>) {
    let strategy = spec.get("strategy");
    let blue_green = strategy.get("blueGreen");
    let canary = strategy.get("canary");
    match (blue_green.present(), canary.present()) {
        (false, false) => report(
            out,
            "spec.strategy.strategy",
            "Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'",
            strategy,
        ),
        (true, true) => report_key(
            out,
            "spec.strategy.strategy",
            "Multiple Strategies can not be listed",
            strategy,
        ),
        (true, false) => validate_blue_green(spec, blue_green, out),
        (false, true) => validate_canary(canary, out),
    }
}

fn validate_blue_green<'a>(spec: View<'a>, bg: View<'a>, out: &mut Vec<Finding<'a>>) {
    let active = bg.get("activeService");
    if active.string() == bg.text("previewService") {
        report(
            out,
            "spec.strategy.activeService",
            "This rollout uses the same service for the active and preview services, but two different services are required.",
            active,
        );
    }
    let history = spec.get("revisionHistoryLimit").int().unwrap_or(DEFAULT_REVISION_HISTORY_LIMIT);
    let limit = bg.get("scaleDownDelayRevisionLimit");
    if limit.int().is_some_and(|l| history < l) {
        report(
            out,
            "spec.strategy.scaleDownDelayRevisionLimit",
            "This rollout's revision history limit can not be smaller than the rollout's scale down limit",
            limit,
        );
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
    routing.has(router)
}

/// `requireCanaryStableServices`.
fn requires_canary_and_stable_services(canary: View<'_>) -> bool {
    let routing = canary.get("trafficRouting");
    if !routing.present() {
        return false;
    }
    let ping_pong = canary.has("pingPong");
    (has(routing, "alb") && !ping_pong)
        || (has(routing, "istio")
            && !routing.path(&["istio", "destinationRule"]).present()
            && !ping_pong)
        || count_present(routing, &["smi", "apisix", "ambassador", "nginx", "appMesh", "traefik"])
            > 0
}

/// How many of `fields` are set.
fn count_present(view: View<'_>, fields: &[&str]) -> usize {
    let mut n = 0;
    for field in fields {
        n += usize::from(view.has(field));
    }
    n
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
        report(
            out,
            "spec.strategy.maxSurge",
            "MaxSurge and MaxUnavailable both can not be zero",
            surge,
        );
    }
    let stable = canary.get("stableService");
    let canary_service = canary.get("canaryService");
    if !stable.string().is_empty() && stable.string() == canary_service.string() {
        report(
            out,
            "spec.strategy.stableService",
            "This rollout uses the same service for the stable and canary services, but two different services are required.",
            stable,
        );
    }
    let routing = canary.get("trafficRouting");
    let plugins = routing.get("plugins").len();
    let ping_pong = canary.get("pingPong");
    if ping_pong.present() {
        if routing.present() && !has(routing, "alb") && !has(routing, "istio") && plugins == 0 {
            report(
                out,
                "spec.strategy.trafficRouting.alb",
                "Ping-pong feature works with the ALB, Istio, and plugin-based traffic routers only",
                routing.get("alb"),
            );
        }
        let ping = ping_pong.get("pingService");
        let pong = ping_pong.get("pongService");
        if ping.string().is_empty() {
            report(out, "spec.strategy.pingPong.pingService", PING_PONG, ping);
        }
        if pong.string().is_empty() {
            report(out, "spec.strategy.pingPong.pongService", PING_PONG, pong);
        }
        if ping.string() == pong.string() {
            report(
                out,
                "spec.strategy.pingPong.pingService",
                "This rollout uses the same service for the ping and pong services, but two different services are required.",
                ping,
            );
        }
        let root = routing.path(&["alb", "rootService"]);
        if has(routing, "alb") && root.string().is_empty() {
            report(
                out,
                "spec.strategy.trafficRouting.alb.rootService",
                "Root service field is required for the configuration with ALB and ping-pong feature enabled",
                root,
            );
        }
    }
    if requires_canary_and_stable_services(canary) {
        if stable.string().is_empty() {
            report(out, "spec.strategy.stableService", ROUTING_SERVICES, stable);
        }
        if canary_service.string().is_empty() {
            report(out, "spec.strategy.canaryService", ROUTING_SERVICES, canary_service);
        }
    }
    let delay = canary.get("scaleDownDelaySeconds");
    let dynamic = canary.get("dynamicStableScale");
    if routing.present() {
        if delay.present() && dynamic.bool() {
            report(
                out,
                "spec.strategy.dynamicStableScale",
                "Canary dynamicStableScale cannot be used with scaleDownDelaySeconds",
                dynamic,
            );
        }
        let max = routing.get("maxTrafficWeight");
        if max.present() && !has(routing, "nginx") && plugins == 0 {
            report(
                out,
                "spec.strategy.trafficRouting.maxTrafficWeight",
                "Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins",
                max,
            );
        }
    } else {
        if delay.present() {
            report(
                out,
                "spec.strategy.scaleDownDelaySeconds",
                "Canary scaleDownDelaySeconds can only be used with traffic routing",
                delay,
            );
        }
        if dynamic.bool() {
            report(
                out,
                "spec.strategy.dynamicStableScale",
                "Canary dynamicStableScale can only be used with traffic routing",
                dynamic,
            );
        }
    }
    let max_weight = max_traffic_weight(canary);
    let managed = routing.get("managedRoutes");
    let managed_names = managed.names("name");
    for (i, step) in canary.get("steps").items().into_iter().enumerate() {
        let at = format!("{BASE}.steps[{i}]");
        validate_step(step, &at, canary, max_weight, out);
        let header = step.get("setHeaderRoute");
        let mirror = step.get("setMirrorRoute");
        if routing.present() && (header.present() || mirror.present()) && !managed.present() {
            report(
                out,
                "spec.strategy.trafficRouting.managedRoutes",
                "Rollout has missing field 'spec.strategy.canary.trafficRouting.managedRoutes'",
                managed,
            );
        }
        if routing.present() && managed.present() {
            for (route, name) in [(header, "setHeaderRoute"), (mirror, "setMirrorRoute")] {
                if route.present() && !managed_names.contains(&route.text("name")) {
                    report(
                        out,
                        format!("{at}.{name}"),
                        "Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes",
                        route.get("name"),
                    );
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
    if count_present(step, &kinds) > 1 {
        report(out, at.to_string(), INVALID_STEP, step);
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
    if count_present(step, &actions) == 0 {
        report(out, at.to_string(), INVALID_STEP, step);
    }
    if let Some(weight) = set_weight.int()
        && (weight < 0 || weight > max_weight)
    {
        report(
            out,
            join(at, ".setWeight"),
            format!("SetWeight needs to be between 0 and {max_weight}"),
            set_weight,
        );
    }
    if pause.present() {
        let duration = pause.get("duration");
        if pause_seconds(duration.int_or_str().as_ref()) < 0 {
            report(
                out,
                join(at, ".pause.duration"),
                "Duration needs to be greater than 0",
                duration,
            );
        }
    }
    let scale = step.get("setCanaryScale");
    if scale.present() && !routing.present() {
        report_key(
            out,
            "spec.strategy.trafficRouting",
            "SetCanaryScale requires TrafficRouting to be set",
            scale,
        );
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
            report_key(
                out,
                join(at, ".setHeaderRoute"),
                "SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix",
                header,
            );
        } else {
            for (j, m) in header.get("match").items().into_iter().enumerate() {
                let field = format!("{at}.setHeaderRoute.match[{j}]");
                let value = m.get("headerValue");
                if has(routing, "alb") {
                    alb_match(value, &field, m, out);
                } else {
                    string_match(value, &field, m, out);
                }
            }
        }
    }
    let mirror = step.get("setMirrorRoute");
    if mirror.present() {
        if !routing.present() || (!has(routing, "istio") && plugins == 0) {
            report_key(
                out,
                join(at, ".setMirrorRoute"),
                "SetMirrorRoute requires TrafficRouting, supports Istio and Plugins",
                mirror,
            );
        }
        for (j, m) in mirror.get("match").items().into_iter().enumerate() {
            let field = format!("{at}.setMirrorRoute.match[{j}]");
            // Upstream checks `method` twice and `headers` never (a typo kept for parity).
            for name in ["method", "path", "method"] {
                let value = m.get(name);
                if value.present() {
                    string_match(value, &field, m, out);
                }
            }
        }
    }
}

/// `hasALBInvalidValues`.
fn alb_match<'a>(value: View<'a>, field: &str, at: View<'a>, out: &mut Vec<Finding<'a>>) {
    if !value.present() {
        report(out, field.to_string(), MISSED_MATCH, at);
    } else if value.text("exact").is_empty()
        || !value.text("regex").is_empty()
        || !value.text("prefix").is_empty()
    {
        report(
            out,
            field.to_string(),
            "SetHeaderRoute match value invalid. ALB supports 'exact' value only",
            value,
        );
    }
}

/// `hasMultipleMatchValues`.
fn string_match<'a>(value: View<'a>, field: &str, at: View<'a>, out: &mut Vec<Finding<'a>>) {
    if !value.present() {
        report(out, field.to_string(), MISSED_MATCH, at);
        return;
    }
    let mut set = 0;
    for key in ["exact", "regex", "prefix"] {
        set += usize::from(!value.text(key).is_empty());
    }
    if set > 1 {
        report(out, field.to_string(), MULTIPLE_MATCH, value);
    } else if set == 0 {
        report(out, field.to_string(), MISSED_MATCH, value);
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
                report(
                    out,
                    field,
                    "Experiment template weight cannot be set unless TrafficRouting is enabled",
                    weight,
                );
            } else if count_present(routing, &["alb", "smi", "istio"]) == 0
                && routing.get("plugins").len() == 0
            {
                report(
                    out,
                    field,
                    "Experiment template weight is only available for TrafficRouting with SMI, ALB, Istio and Plugins at this time",
                    weight,
                );
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
            report(
                out,
                join(at, ".analyses"),
                "Analyses arguments must refer to valid object metadata supported by downwardAPI",
                path,
            );
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
        report(
            out,
            "spec.strategy.antiAffinity",
            "AntiAffinity must have exactly one strategy listed",
            anti,
        );
    }
    if preferred.present() {
        let weight = preferred.get("weight");
        if !(1..=100).contains(&weight.int().unwrap_or(0)) {
            report(
                out,
                "spec.strategy.antiAffinity.weight",
                "AntiAffinity weight must be between 1-100",
                weight,
            );
        }
    }
}
