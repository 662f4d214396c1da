//! What a Rollout references: the checks lint runs on the objects in the same file, and the
//! controller's look-ups of the objects it needs.
//!
//! Lint (`pkg/kubectl-argo-rollouts/cmd/lint/lint.go`, argo-rollouts 9f8d111) ties Services,
//! Ingresses and Istio `VirtualServices` in the file to a Rollout by writing the
//! `managed-by-rollouts` annotation on them (the last Rollout naming a Service wins; the
//! ingress and virtual-service passes stop at the first Rollout that is not a routed canary,
//! upstream's `return` inside the loop), then runs `ValidateRolloutReferencedResources`
//! (`validation_references.go`) on each Rollout's matches. A referenced object missing from
//! the file is not a lint error.
//!
//! The controller (`rollout/controller.go`) looks the objects up in the cluster. Baton's
//! stand-in for the cluster is the render: a Service, `AnalysisTemplate`, `ClusterAnalysisTemplate`
//! or workload the render does not contain is reported as a warning, since it may be deployed
//! by other means; templates the render does contain are checked as the controller checks them.

use super::lint::{Finding, Resolved, report_key};
use super::view::View;

const MANAGED_BY: &str = "argo-rollouts.argoproj.io/managed-by-rollouts";

/// One object of a file or render, with the identity fields the checks use.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Object<'a> {
    pub view: View<'a>,
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    pub namespace: &'a str,
}

impl<'a> Object<'a> {
    pub fn new(view: View<'a>) -> Object<'a> {
        let api_version = view.text("apiVersion");
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        Object {
            view,
            group,
            version,
            kind: view.text("kind"),
            name: view.path(&["metadata", "name"]).string(),
            namespace: view.path(&["metadata", "namespace"]).string(),
        }
    }

    pub fn is_rollout(&self) -> bool {
        self.group == "argoproj.io" && self.kind == "Rollout"
    }

    fn annotation(&self, key: &str) -> Option<&'a str> {
        self.view
            .path(&["metadata", "annotations"])
            .string_map()
            .into_iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// The kind of service field a Service was found under (`validation.ServiceType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServiceType {
    Canary,
    Stable,
    Ping,
    Pong,
    Active,
    Preview,
}

impl ServiceType {
    /// `GetServiceWithTypeFieldPath`, and the rollout field (under `spec.strategy`) it names.
    fn field(self) -> (&'static str, &'static [&'static str]) {
        match self {
            ServiceType::Active => {
                ("spec.strategy.blueGreen.activeService", &["blueGreen", "activeService"])
            }
            ServiceType::Preview => {
                ("spec.strategy.blueGreen.previewService", &["blueGreen", "previewService"])
            }
            ServiceType::Canary => {
                ("spec.strategy.canary.canaryService", &["canary", "canaryService"])
            }
            ServiceType::Stable => {
                ("spec.strategy.canary.stableService", &["canary", "stableService"])
            }
            ServiceType::Ping => (
                "spec.strategy.canary.pingPong.pingService",
                &["canary", "pingPong", "pingService"],
            ),
            ServiceType::Pong => (
                "spec.strategy.canary.pingPong.pongService",
                &["canary", "pingPong", "pongService"],
            ),
        }
    }
}

fn strategy<'a>(rollout: &Object<'a>) -> View<'a> {
    rollout.view.path(&["spec", "strategy"])
}

/// Lint's `ValidateRolloutReferencedResources` for every Rollout of one file: findings per
/// Rollout, in the order of `rollouts`.
/// `templates` holds each Rollout's pod template: its own, or the one its `workloadRef`
/// resolves to.
pub(crate) fn lint_file_references<'a>(
    rollouts: &[Object<'a>],
    templates: &[View<'a>],
    others: &[Object<'a>],
) -> Vec<Vec<Finding<'a>>> {
    let (mut services, mut ingresses, mut virtual_services): (
        Vec<&Object<'a>>,
        Vec<&Object<'a>>,
        Vec<&Object<'a>>,
    ) = (Vec::new(), Vec::new(), Vec::new());
    for o in others {
        match (o.group, o.kind) {
            ("", "Service") => services.push(o),
            ("networking.k8s.io" | "extensions", "Ingress")
                if matches!(o.version, "v1" | "v1beta1") =>
            {
                ingresses.push(o);
            }
            ("networking.istio.io", "VirtualService") => virtual_services.push(o),
            _ => {}
        }
    }

    // setServiceTypeAndManagedAnnotation: (owner name, type) per Service.
    let mut service_owner: Vec<(Option<&str>, Option<ServiceType>)> = Vec::new();
    for service in &services {
        service_owner.push((service.annotation(MANAGED_BY), None));
    }
    for rollout in rollouts {
        let strategy = strategy(rollout);
        let canary = strategy.get("canary");
        let blue_green = strategy.get("blueGreen");
        for (i, service) in services.iter().enumerate() {
            let mut set = |t: ServiceType| service_owner[i] = (Some(rollout.name), Some(t));
            if canary.present() {
                if canary.text("canaryService") == service.name {
                    set(ServiceType::Canary);
                }
                if canary.text("stableService") == service.name {
                    set(ServiceType::Stable);
                }
                let ping_pong = canary.get("pingPong");
                if ping_pong.present() {
                    if ping_pong.text("pingService") == service.name {
                        set(ServiceType::Ping);
                    }
                    if ping_pong.text("pongService") == service.name {
                        set(ServiceType::Pong);
                    }
                }
            }
            if blue_green.present() {
                if blue_green.text("activeService") == service.name {
                    set(ServiceType::Active);
                }
                if blue_green.text("previewService") == service.name {
                    set(ServiceType::Preview);
                }
            }
        }
    }
    let ingress_owner = tie_ingresses(rollouts, &ingresses);
    let vs_owner = tie_virtual_services(rollouts, &virtual_services);

    let mut all = Vec::with_capacity(rollouts.len());
    for (rollout, template) in rollouts.iter().zip(templates) {
        let mut out = Vec::new();
        for (service, (owner, ty)) in services.iter().zip(&service_owner) {
            if *owner == Some(rollout.name)
                && let Some(ty) = ty
            {
                validate_service(rollout, *template, service, *ty, &mut out);
            }
        }
        for (ingress, owner) in ingresses.iter().zip(&ingress_owner) {
            if *owner == Some(rollout.name) {
                validate_ingress(rollout, ingress, &mut out);
            }
        }
        for (vs, owner) in virtual_services.iter().zip(&vs_owner) {
            if *owner == Some(rollout.name) {
                validate_virtual_service(rollout, vs, &mut out);
            }
        }
        all.push(out);
    }
    all
}

/// The `managed-by-rollouts` annotation of each object.
fn owners<'a>(objects: &[&Object<'a>]) -> Vec<Option<&'a str>> {
    let mut out = Vec::with_capacity(objects.len());
    for object in objects {
        out.push(object.annotation(MANAGED_BY));
    }
    out
}

/// `ValidateService`: every selector key of the Service (but the pod-template hash) must be a
/// label of the Rollout's `template` with the same value.
fn validate_service<'a>(
    rollout: &Object<'a>,
    template: View<'a>,
    service: &Object<'a>,
    ty: ServiceType,
    out: &mut Vec<Finding<'a>>,
) {
    let labels = template.path(&["metadata", "labels"]).string_map();
    let (field, path) = ty.field();
    let at = strategy(rollout).path(path).at();
    for (key, value) in service.view.path(&["spec", "selector"]).entries() {
        if key == "rollouts-pod-template-hash" {
            continue;
        }
        let value = value.string();
        let label = labels.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| *v);
        if label != Some(value) {
            let mut finding = Finding::new(
                field,
                format!("Service {:?} has unmatch label {key:?} in rollout", service.name),
                at,
            );
            let selector = service.view.path(&["spec", "selector", key]);
            finding.related =
                Some((selector.key_at(), format!("the selector of Service {:?}", service.name)));
            out.push(finding);
        }
    }
}

/// The backend service names of an Ingress's rules (`networking.k8s.io/v1` or the legacy shape).
fn ingress_backends<'a>(ingress: &Object<'a>) -> Vec<&'a str> {
    let mut out = Vec::new();
    for rule in ingress.view.path(&["spec", "rules"]).items() {
        for path in rule.path(&["http", "paths"]).items() {
            let backend = path.get("backend");
            let name = if ingress.version == "v1" && ingress.group == "networking.k8s.io" {
                backend.path(&["service", "name"])
            } else {
                backend.get("serviceName")
            };
            if name.present() {
                out.push(name.string());
            }
        }
    }
    out
}

/// `setIngressManagedAnnotation`: the Rollout each Ingress is tied to.
fn tie_ingresses<'a>(rollouts: &[Object<'a>], ingresses: &[&Object<'a>]) -> Vec<Option<&'a str>> {
    let mut owner = owners(ingresses);
    'rollouts: for rollout in rollouts {
        for (i, ingress) in ingresses.iter().enumerate() {
            let canary = strategy(rollout).get("canary");
            let routing = canary.get("trafficRouting");
            if !canary.present() || !routing.present() {
                // Upstream returns from the whole pass here.
                break 'rollouts;
            }
            let service = if routing.has("nginx") {
                canary.text("stableService")
            } else if routing.has("alb") {
                let root = routing.path(&["alb", "rootService"]).string();
                if root.is_empty() { canary.text("stableService") } else { root }
            } else if routing.has("smi") {
                routing.path(&["smi", "rootService"]).string()
            } else {
                ""
            };
            if ingress_backends(ingress).contains(&service) {
                owner[i] = Some(rollout.name);
            }
        }
    }
    owner
}

/// `ValidateIngress`.
fn validate_ingress<'a>(rollout: &Object<'a>, ingress: &Object<'a>, out: &mut Vec<Finding<'a>>) {
    let canary = strategy(rollout).get("canary");
    let routing = canary.get("trafficRouting");
    let contains = |list: View<'a>| list.items().iter().any(|i| i.string() == ingress.name);
    let (base, stable_field, list_field, single_field) = if routing.has("nginx")
        && (routing.path(&["nginx", "stableIngress"]).string() == ingress.name
            || contains(routing.path(&["nginx", "stableIngresses"])))
    {
        ("nginx", canary.text("stableService"), "stableIngresses", "stableIngress")
    } else if routing.has("alb")
        && (routing.path(&["alb", "ingress"]).string() == ingress.name
            || contains(routing.path(&["alb", "ingresses"])))
    {
        let root = routing.path(&["alb", "rootService"]).string();
        let service = if root.is_empty() { canary.text("stableService") } else { root };
        ("alb", service, "ingresses", "ingress")
    } else {
        return;
    };
    let (field, at) = if contains(routing.path(&[base, list_field])) {
        (list_field, routing.path(&[base, list_field]).at())
    } else {
        (single_field, routing.path(&[base, single_field]).at())
    };
    if !ingress_backends(ingress).contains(&stable_field) {
        let mut finding = Finding::new(
            format!("spec.strategy.canary.trafficRouting.{base}.{field}"),
            format!("ingress `{}` has no rules using service {stable_field} backend", ingress.name),
            at,
        );
        finding.related = Some((ingress.view.key_at(), format!("Ingress {:?}", ingress.name)));
        out.push(finding);
    }
}

/// `setVirtualServiceManagedAnnotation`: the Rollout each `VirtualService` is tied to.
fn tie_virtual_services<'a>(
    rollouts: &[Object<'a>],
    services: &[&Object<'a>],
) -> Vec<Option<&'a str>> {
    let mut owner = owners(services);
    'rollouts: for rollout in rollouts {
        for (i, vs) in services.iter().enumerate() {
            let istio = strategy(rollout).path(&["canary", "trafficRouting", "istio"]);
            if !istio.present() {
                break 'rollouts;
            }
            let single = istio.get("virtualService");
            if single.present() && single.text("name") == vs.name {
                owner[i] = Some(rollout.name);
            }
            if istio.get("virtualServices").items().iter().any(|v| v.text("name") == vs.name) {
                owner[i] = Some(rollout.name);
            }
        }
    }
    owner
}

/// `istioutil.GetVirtualServiceNamespaceName`: the name part of `name[.namespace]`.
fn virtual_service_name(reference: &str) -> &str {
    let reference = reference.strip_suffix(".cluster.local").unwrap_or(reference);
    reference.rsplit_once('.').map_or(reference, |(name, _)| name)
}

/// `ValidateVirtualService`.
fn validate_virtual_service<'a>(rollout: &Object<'a>, vs: &Object<'a>, out: &mut Vec<Finding<'a>>) {
    let canary = strategy(rollout).get("canary");
    let istio = canary.path(&["trafficRouting", "istio"]);
    if !istio.present() {
        report_key(
            out,
            "spec.strategy.canary.trafficRouting.istio",
            "Rollout object is not configured with Istio traffic routing",
            strategy(rollout),
        );
        return;
    }
    let multiple = istio.has("virtualServices");
    let (field, configured) = if multiple {
        (
            "spec.strategy.canary.trafficRouting.istio.virtualServices.name",
            istio.get("virtualServices").items(),
        )
    } else {
        (
            "spec.strategy.canary.trafficRouting.istio.virtualService.name",
            vec![istio.get("virtualService")],
        )
    };
    let Some(config) =
        configured.into_iter().find(|c| virtual_service_name(c.text("name")) == vs.name)
    else {
        return;
    };
    let at = config.get("name").at();
    let mut push = |detail: String| {
        let mut finding = Finding::new(field, detail, at);
        finding.related = Some((vs.view.key_at(), format!("VirtualService {:?}", vs.name)));
        out.push(finding);
    };
    let spec = vs.view.get("spec");
    let list = |name: &str| {
        let v = spec.get(name);
        v.node.filter(|n| n.is_seq()).map(|_| v.items())
    };
    let (http, tls, tcp) = (list("http"), list("tls"), list("tcp"));
    if http.is_none() && tls.is_none() && tcp.is_none() {
        push(
            "Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService".into(),
        );
    }
    let (stable, canary_service) = stable_and_canary_services(canary);
    let destination_rule = istio.get("destinationRule");
    let check = |routes: &[View<'a>]| -> Result<(), String> {
        for route in routes {
            destinations_ok(route.get("route"), stable, canary_service, destination_rule)?;
        }
        Ok(())
    };
    if let Some(http) = http {
        let names = config.get("routes").names("");
        let managed = canary.path(&["trafficRouting", "managedRoutes"]).names("name");
        let result = http_routes_to_patch(&names, &http).and_then(|routes| {
            check(&routes)?;
            let mut unmanaged = 0;
            for route in &http {
                unmanaged += usize::from(!managed.contains(&route.text("name")));
            }
            if names.is_empty() && unmanaged > 1 {
                return Err("spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes".into());
            }
            Ok(())
        });
        if let Err(e) = result {
            push(format!("Istio VirtualService has invalid HTTP routes. Error: {e}"));
        }
    }
    for (routes, key, label) in [(tls, "tlsRoutes", "TLS"), (tcp, "tcpRoutes", "TCP")] {
        let Some(routes) = routes else { continue };
        let wanted = config.get(key).items();
        let result = l4_routes_to_patch(&wanted, &routes, label == "TLS").and_then(|picked| {
            check(&picked)?;
            if wanted.is_empty() && routes.len() > 1 {
                let lower = label.to_ascii_lowercase();
                return Err(format!(
                    "spec.{lower}[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.{key}"
                ));
            }
            Ok(())
        });
        if let Err(e) = result {
            push(format!("Istio VirtualService has invalid {label} routes. Error: {e}"));
        }
    }
}

/// `trafficrouting.GetStableAndCanaryServices(ro, false)` before any ping-pong status exists.
fn stable_and_canary_services(canary: View<'_>) -> (&str, &str) {
    let stable = canary.text("stableService");
    let canary_service = canary.text("canaryService");
    let ping_pong = canary.get("pingPong");
    if ping_pong.present() && stable.is_empty() && canary_service.is_empty() {
        // No status yet: `IsStablePing` is false, so pong is stable.
        return (ping_pong.text("pongService"), ping_pong.text("pingService"));
    }
    (stable, canary_service)
}

/// `getHttpRouteIndexesToPatch`.
fn http_routes_to_patch<'a>(names: &[&str], routes: &[View<'a>]) -> Result<Vec<View<'a>>, String> {
    let mut out = Vec::new();
    if names.is_empty() {
        if routes.len() == 1 {
            out.push(routes[0]);
        } else if let Some(unnamed) = routes.iter().find(|r| r.text("name").is_empty()) {
            out.push(*unnamed);
        }
        return Ok(out);
    }
    for name in names {
        let Some(route) = routes.iter().find(|r| r.text("name") == *name) else {
            return Err(format!(
                "HTTP Route '{name}' is not found in the defined Virtual Service."
            ));
        };
        out.push(*route);
    }
    Ok(out)
}

/// `getTlsRouteIndexesToPatch` / `getTcpRouteIndexesToPatch`: routes whose matches name
/// exactly one port equal to the configured one (and, for TLS, the same set of SNI hosts).
fn l4_routes_to_patch<'a>(
    wanted: &[View<'a>],
    routes: &[View<'a>],
    tls: bool,
) -> Result<Vec<View<'a>>, String> {
    if wanted.is_empty() {
        // Upstream patches route 0 (and would index out of range on an empty list).
        return Ok(routes.get(..1).unwrap_or_default().to_vec());
    }
    let mut out = Vec::new();
    for want in wanted {
        let port = want.get("port").int().unwrap_or(0);
        let hosts = want.get("sniHosts").names("");
        let mut found = false;
        for route in routes {
            // The distinct ports and SNI hosts of the route's matches (upstream's map keys).
            let mut ports: Vec<i64> = Vec::new();
            let mut sni: Vec<&str> = Vec::new();
            for m in route.get("match").items() {
                let port = m.get("port").int().unwrap_or(0);
                if !ports.contains(&port) {
                    ports.push(port);
                }
                for host in m.get("sniHosts").items() {
                    if !sni.contains(&host.string()) {
                        sni.push(host.string());
                    }
                }
            }
            if ports.len() > 1 {
                continue;
            }
            let route_port = ports.first().copied().unwrap_or(0);
            // evaluate.Equal: same length, and every route host among the wanted ones.
            let same_hosts =
                !tls || (hosts.len() == sni.len() && sni.iter().all(|h| hosts.contains(h)));
            if route_port == port && same_hosts {
                out.push(*route);
                found = true;
            }
        }
        if !found {
            let label = if tls { "TLS" } else { "TCP" };
            return Err(format!(
                "No matching {label} routes found in the defined Virtual Service."
            ));
        }
    }
    Ok(out)
}

/// `validateVirtualServiceRouteDestinations` + `validateDestinationRule`.
fn destinations_ok(
    route: View<'_>,
    stable: &str,
    canary: &str,
    rule: View<'_>,
) -> Result<(), String> {
    let (mut stable_svc, mut canary_svc, mut stable_subset, mut canary_subset) =
        (false, false, false, false);
    let stable_name = rule.text("stableSubsetName");
    let canary_name = rule.text("canarySubsetName");
    for destination in route.items() {
        let full = destination.path(&["destination", "host"]).string();
        // getHost: the part before the first dot (a host starting with a dot has none).
        let host = match full.find('.') {
            Some(0) => "",
            Some(i) => &full[..i],
            None => full,
        };
        stable_svc |= !stable.is_empty() && host == stable;
        canary_svc |= !canary.is_empty() && host == canary;
        if rule.present() {
            let subset = destination.path(&["destination", "subset"]).string();
            stable_subset |= !stable_name.is_empty() && subset == stable_name;
            canary_subset |= !canary_name.is_empty() && subset == canary_name;
        }
    }
    if rule.present() {
        if !canary_subset {
            return Err(format!(
                "Canary DestinationRule subset '{canary_name}' not found in route"
            ));
        }
        if !stable_subset {
            return Err(format!(
                "Stable DestinationRule subset '{stable_name}' not found in route"
            ));
        }
    } else {
        if !canary_svc {
            return Err(format!("Canary Service '{canary}' not found in route"));
        }
        if !stable_svc {
            return Err(format!("Stable Service '{stable}' not found in route"));
        }
    }
    Ok(())
}

/// A reference the controller resolves that the render lacks (a warning), or a referenced
/// object the controller would reject (an error).
#[derive(Debug)]
pub(crate) enum ControllerFinding<'a> {
    Missing(Finding<'a>),
    Invalid(Finding<'a>),
}

/// The controller's look-ups for one Rollout, against the objects of its render.
pub(crate) fn controller_references<'a>(
    rollout: &Object<'a>,
    render: &[Object<'a>],
) -> Vec<ControllerFinding<'a>> {
    let mut out = Vec::new();
    workload_reference(rollout, render, &mut out);
    let strategy = strategy(rollout);
    let blue_green = strategy.get("blueGreen");
    let canary = strategy.get("canary");
    let mut services = Vec::new();
    if blue_green.present() {
        services.extend([ServiceType::Active, ServiceType::Preview]);
    } else if canary.present() {
        services.extend([ServiceType::Stable, ServiceType::Canary]);
        if canary.has("pingPong") {
            services.extend([ServiceType::Ping, ServiceType::Pong]);
        }
    }
    for ty in services {
        let (field, path) = ty.field();
        let name = strategy.path(path);
        let wanted = name.string();
        if wanted.is_empty() {
            continue;
        }
        let found = render.iter().any(|o| {
            o.group.is_empty()
                && o.kind == "Service"
                && o.name == wanted
                && o.namespace == rollout.namespace
        });
        if !found {
            out.push(ControllerFinding::Missing(Finding::new(
                field,
                format!("service {wanted:?} not found"),
                name.at(),
            )));
        }
    }
    let mut analyses: Vec<(String, View<'a>, Kind)> = Vec::new();
    if blue_green.present() {
        for (key, kind) in [
            ("prePromotionAnalysis", Kind::PrePromotion),
            ("postPromotionAnalysis", Kind::PostPromotion),
        ] {
            let analysis = blue_green.get(key);
            if analysis.present() {
                analyses.push((format!("spec.strategy.blueGreen.{key}.templates"), analysis, kind));
            }
        }
    } else if canary.present() {
        for (i, step) in canary.get("steps").items().into_iter().enumerate() {
            let analysis = step.get("analysis");
            if analysis.present() {
                analyses.push((
                    format!("spec.strategy.canary.steps[{i}].analysis.templates"),
                    analysis,
                    Kind::Inline,
                ));
            }
        }
        let background = canary.get("analysis");
        if background.present() {
            analyses.push((
                "spec.strategy.canary.analysis.templates".into(),
                background,
                Kind::Background,
            ));
        }
    }
    for (field, analysis, kind) in analyses {
        let mut found = Vec::new();
        resolve_templates(
            rollout,
            render,
            &field,
            analysis.get("templates"),
            0,
            &mut found,
            &mut out,
        );
        for template in found {
            check_template(rollout, &field, analysis.get("templates"), &template, kind, &mut out);
        }
    }
    out
}

/// Which analysis a template serves (`validation.AnalysisTemplateType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    PrePromotion,
    PostPromotion,
    Inline,
    Background,
}

/// Nested template references deeper than this are not followed (the controller would loop
/// forever on a cycle; Baton stops).
const MAX_TEMPLATE_DEPTH: usize = 8;

/// `getReferencedAnalysisTemplatesFromRef`: each reference found in the render (following
/// nested `spec.templates`), or a missing-reference finding.
fn resolve_templates<'a>(
    rollout: &Object<'a>,
    render: &[Object<'a>],
    field: &str,
    refs: View<'a>,
    depth: usize,
    found: &mut Vec<Object<'a>>,
    out: &mut Vec<ControllerFinding<'a>>,
) {
    if depth > MAX_TEMPLATE_DEPTH {
        return;
    }
    for reference in refs.items() {
        let name = reference.text("templateName");
        let cluster = reference.get("clusterScope").bool();
        let kind = if cluster { "ClusterAnalysisTemplate" } else { "AnalysisTemplate" };
        let template = render.iter().find(|o| {
            o.group == "argoproj.io"
                && o.kind == kind
                && o.name == name
                && (cluster || o.namespace == rollout.namespace)
        });
        match template {
            None => out.push(ControllerFinding::Missing(Finding::new(
                field.to_string(),
                format!("{kind} '{name}' not found"),
                reference.get("templateName").at(),
            ))),
            Some(template) => {
                if !found.iter().any(|f| f.kind == template.kind && f.name == template.name) {
                    found.push(*template);
                }
                let nested = template.view.path(&["spec", "templates"]);
                if nested.present() {
                    resolve_templates(
                        rollout,
                        render,
                        "spec.templates",
                        nested,
                        depth + 1,
                        found,
                        out,
                    );
                }
            }
        }
    }
}

/// `ValidateAnalysisTemplateWithType` for a template the render contains.
fn check_template<'a>(
    rollout: &Object<'a>,
    field: &str,
    refs: View<'a>,
    template: &Object<'a>,
    kind: Kind,
    out: &mut Vec<ControllerFinding<'a>>,
) {
    let spec = template.view.get("spec");
    let name = template.name;
    let mut push = |detail: String, related: View<'a>| {
        let mut finding = Finding::new(field.to_string(), detail, refs.at());
        finding.related = Some((related.at(), format!("{} {name:?}", template.kind)));
        out.push(ControllerFinding::Invalid(finding));
    };
    let args = spec.get("args").items();
    if kind == Kind::Background {
        let given = rollout.view.path(&["spec", "strategy", "canary", "analysis", "args"]);
        for arg in &args {
            if arg.has("value") || arg.has("valueFrom") {
                continue;
            }
            if !given.present() {
                push("missing analysis arguments in rollout spec".into(), *arg);
                continue;
            }
            let arg_name = arg.text("name");
            if !given.items().iter().any(|g| g.text("name") == arg_name) {
                push(arg_name.to_string(), *arg);
            }
        }
        return;
    }
    if let Some(arg) = args.iter().find(|a| a.has("value") && a.has("valueFrom")) {
        push(
            format!(
                "AnalysisTemplate {name}: arg '{}' has both Value and ValueFrom fields",
                arg.text("name")
            ),
            *arg,
        );
        return;
    }
    for metric in spec.get("metrics").items() {
        let count = metric.get("count");
        let count_value = count.int_or_str();
        let zero = count_value.as_ref().is_none_or(|c| match c {
            super::view::IntOrStr::Int(i) => *i == 0,
            super::view::IntOrStr::Str(s) => super::lint::go_atoi(s) == 0,
        });
        if zero && !metric.text("interval").is_empty() {
            let shown = match count_value {
                None => "<nil>".to_string(),
                Some(super::view::IntOrStr::Int(i)) => i.to_string(),
                Some(super::view::IntOrStr::Str(s)) => s,
            };
            push(
                format!(
                    "AnalysisTemplate {name} has metric {} which runs indefinitely. Invalid value for count: {shown}",
                    metric.text("name")
                ),
                metric,
            );
        }
    }
}

/// `refResolver.Resolve`: a `workloadRef` must name a supported kind the render contains.
fn workload_reference<'a>(
    rollout: &Object<'a>,
    render: &[Object<'a>],
    out: &mut Vec<ControllerFinding<'a>>,
) {
    let reference = rollout.view.path(&["spec", "workloadRef"]);
    if !reference.present() {
        return;
    }
    let api_version = reference.text("apiVersion");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let kind = reference.text("kind");
    let name = reference.text("name");
    let resource = match (group, kind) {
        ("", "PodTemplate") => "podtemplates",
        ("apps", "Deployment") => "deployments.apps",
        ("apps", "ReplicaSet") => "replicasets.apps",
        _ => {
            out.push(ControllerFinding::Invalid(Finding::new(
                "spec.workloadRef",
                format!("workload of type {group}/{kind} is not supported"),
                reference.get("kind").at(),
            )));
            return;
        }
    };
    let found = render.iter().any(|o| {
        o.group == group && o.kind == kind && o.name == name && o.namespace == rollout.namespace
    });
    if !found {
        out.push(ControllerFinding::Missing(Finding::new(
            "spec.workloadRef",
            format!("{resource} {name:?} not found"),
            reference.get("name").at(),
        )));
    }
}

/// What the controller's `refResolver.Resolve` takes from the workload a Rollout's
/// `workloadRef` names in the render (`infoByGroupKind`: a Deployment's or `ReplicaSet`'s
/// `spec.template` and `spec.selector`, a `PodTemplate`'s `template`).
pub(crate) fn resolve_workload<'a>(
    rollout: &Object<'a>,
    render: &[Object<'a>],
) -> Option<Resolved<'a>> {
    let workload = referenced_workload(rollout, render)?;
    match (workload.group, workload.kind) {
        ("apps", "Deployment" | "ReplicaSet") => {
            let spec = workload.view.get("spec");
            Some(Resolved { template: spec.get("template"), selector: spec.get("selector") })
        }
        // A PodTemplate has no selector: the Rollout's own (here absent) stays.
        ("", "PodTemplate") => Some(Resolved {
            template: workload.view.get("template"),
            selector: rollout.view.path(&["spec", "selector"]),
        }),
        _ => None,
    }
}

/// The object a Rollout's `workloadRef` names, if the render has it.
pub(crate) fn referenced_workload<'a>(
    rollout: &Object<'a>,
    render: &[Object<'a>],
) -> Option<Object<'a>> {
    let reference = rollout.view.path(&["spec", "workloadRef"]);
    if !reference.present() {
        return None;
    }
    let group = reference.text("apiVersion").rsplit_once('/').map_or("", |(g, _)| g);
    let kind = reference.text("kind");
    let name = reference.text("name");
    render
        .iter()
        .find(|o| {
            o.group == group && o.kind == kind && o.name == name && o.namespace == rollout.namespace
        })
        .copied()
}
