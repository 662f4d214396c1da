//! Argo Rollouts: validation exactly as `kubectl argo rollouts lint` and the controller apply
//! it, the timeline of an update, and the strategy table of `status`.
//!
//! Upstream is argoproj/argo-rollouts at 9f8d111 (see `specs/argo-rollouts.md` of the project
//! notes for the summary). The layers, bottom up:
//! - [`view`]: a Kubernetes object as Go's JSON decoder sees it, each value with its place;
//! - [`schema`]: the Rollout field set (generated from the CRD) and lint's strict decoding;
//! - [`lint`]: `ValidateRollout`, in upstream order, paths and messages;
//! - [`refs`]: lint's checks of the Services, Ingresses and `VirtualServices` in the same file,
//!   and the controller's look-ups of what a Rollout needs;
//! - [`replicas`] and [`simulate`]: the controllers' replica arithmetic and the settled states;
//! - [`strategy`]: each workload's strategy with the seed's risk and rollback;
//! - [`describe`]: a simulation in words and as a table, for plans and pull requests.
//!
//! Findings become diagnostics whose message is `<field>: <upstream detail>`: X001 for lint's
//! rules, X002 for what lint cannot decode, X003 (a warning) for a referenced object the render
//! lacks, X004 for a referenced object the controller would reject. A raw file is checked as
//! lint checks a file; a render is checked as lint checks `kustomize build`'s output, plus
//! the controller's look-ups against the render. Lint stops at the first decoding error of a
//! file; Baton reports them all, and still checks the file's other Rollouts.

pub mod describe;
mod duration;
mod lint;
mod refs;
mod replicas;
mod schema;
pub mod simulate;
pub mod strategy;
mod view;

use std::sync::Arc;

pub use describe::WorkloadRollout;
pub use duration::parse_go_duration;
pub use simulate::{RolloutSimulation, SimulateRequest, Simulation, SimulationState, StrategyKind};

use self::lint::Finding;
use self::refs::{ControllerFinding, Object};
use self::view::{Ctx, View};
use crate::diagnostic::{Code, Diagnostic};
use crate::kustomize::Rendered;
use crate::yaml::Parsed;
use crate::yaml::resolve::Schema;

/// Whether a parsed YAML file holds an Argo Rollouts `Rollout` (a look at each document's
/// `kind` and `apiVersion`).
#[must_use]
pub fn has_rollout(parsed: &Parsed) -> bool {
    parsed.documents.iter().any(|d| is_rollout_node(&d.root))
}

/// Lint's findings for the Rollouts of one YAML file (documents as parsed).
#[must_use]
pub fn lint_file(file: &Arc<str>, parsed: &Parsed) -> Vec<Diagnostic> {
    if !has_rollout(parsed) {
        return Vec::new();
    }
    let ctx = Ctx { file: file.clone(), schema: Schema::V2 };
    let mut objects = Vec::new();
    for document in &parsed.documents {
        if document.root.is_map() {
            objects.push(Object::new(View::root(&document.root, &ctx)));
        }
    }
    flatten(check(&objects, false))
}

fn flatten(checked: Vec<Checked>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in checked {
        out.extend(c.diagnostics);
    }
    out
}

/// The view context of each rendered resource: v3 typing, and its file as the place to point
/// at when a value was made up by a transformer.
fn render_files(rendered: &Rendered) -> Vec<Ctx> {
    let mut out = Vec::with_capacity(rendered.resources.len());
    for r in &rendered.resources {
        out.push(Ctx { file: Arc::from(r.file.as_str()), schema: Schema::V3 });
    }
    out
}

/// Findings for every Rollout of a render: lint's, on the render as one file, and the
/// controller's look-ups of Services, analysis templates and workloads in the render.
#[must_use]
pub fn check_render(rendered: &Rendered) -> Vec<Diagnostic> {
    if !rendered.resources.iter().any(|r| is_rollout_node(&r.node)) {
        return Vec::new();
    }
    let files = render_files(rendered);
    let objects = render_objects(rendered, &files);
    flatten(check(&objects, true))
}

/// Simulates the update of every Rollout and Deployment of a render (or only `name`).
#[must_use]
pub fn simulate(rendered: &Rendered, name: Option<&str>) -> Simulation {
    let mut out = Simulation::default();
    if !rendered.ok {
        out.diagnostics.extend(rendered.diagnostics.iter().filter(|d| d.is_error()).cloned());
        return out;
    }
    let wanted = |i: usize| {
        name.is_none_or(|n| {
            rendered.resources[i].name == n || rendered.resources[i].original_name == n
        })
    };
    for simulated in simulate_where(rendered, &wanted, false) {
        out.rollouts.push(simulated.simulation);
    }
    if let Some(name) = name
        && out.rollouts.is_empty()
    {
        out.diagnostics.push(Diagnostic::new(
            Code::RolloutNotFound,
            format!("the render has no Rollout or Deployment named {name:?}"),
        ));
    }
    out
}

/// A simulated workload: the resource it is, and the Deployment a Rollout takes its template
/// from (`workloadRef`), as indexes into the render's resources.
struct Simulated {
    index: usize,
    via: Option<usize>,
    simulation: RolloutSimulation,
}

/// Simulates the Rollouts and Deployments `wanted` picks by resource index; with `through`, a
/// Rollout is also picked when the Deployment it references is.
fn simulate_where(
    rendered: &Rendered,
    wanted: &dyn Fn(usize) -> bool,
    through: bool,
) -> Vec<Simulated> {
    let mut out = Vec::new();
    let files = render_files(rendered);
    let objects = render_objects(rendered, &files);
    let checked = check(&objects, true);
    // A Deployment a Rollout takes its template from is the Rollout's, not a workload of its own.
    let mut referenced: Vec<(usize, usize)> = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        if object.is_rollout()
            && let Some(workload) = refs::referenced_workload(object, &objects)
            && let Some(at) = objects.iter().position(|o| {
                o.group == workload.group
                    && o.kind == workload.kind
                    && o.name == workload.name
                    && o.namespace == workload.namespace
            })
        {
            referenced.push((i, at));
        }
    }
    for (i, object) in objects.iter().enumerate() {
        let via = referenced.iter().find(|(r, _)| *r == i).map(|(_, d)| *d);
        let picked = wanted(i) || (through && via.is_some_and(wanted));
        if !picked {
            continue;
        }
        let simulation = if object.is_rollout() {
            let Some(checks) = checked.iter().find(|c| c.index == i) else { continue };
            let strategy = object.view.path(&["spec", "strategy"]);
            let mut sim = if checks.blocking {
                blocked(object, &strategy)
            } else {
                simulate::simulate_rollout(object).unwrap_or_else(|why| not_simulated(object, &why))
            };
            let mut diagnostics = checks.diagnostics.clone();
            diagnostics.append(&mut sim.diagnostics);
            sim.diagnostics = diagnostics;
            sim
        } else if object.group == "apps"
            && object.kind == "Deployment"
            && !referenced.iter().any(|(_, d)| *d == i)
        {
            simulate::simulate_deployment(object).unwrap_or_else(|why| not_simulated(object, &why))
        } else {
            continue;
        };
        out.push(Simulated { index: i, via, simulation });
    }
    out
}

/// How each of `workloads` (`Kind/name`, the name as written before prefixes and suffixes)
/// rolls out in a render: its strategy from the seed's table and, for a Rollout or Deployment,
/// the simulation (a Deployment a Rollout references rolls out as that Rollout). Workloads the
/// strategy table does not cover are left out.
#[must_use]
pub fn workload_rollouts(rendered: &Rendered, workloads: &[String]) -> Vec<WorkloadRollout> {
    if !rendered.ok {
        return Vec::new();
    }
    let label = |i: usize| {
        let r = &rendered.resources[i];
        format!("{}/{}", r.kind, r.original_name)
    };
    let wanted = |i: usize| workloads.contains(&label(i));
    let mut simulated = simulate_where(rendered, &wanted, true);
    let mut out = Vec::new();
    for workload in workloads {
        if out.iter().any(|w: &WorkloadRollout| w.workload == *workload) {
            continue;
        }
        let found = simulated.iter().position(|s| {
            label(s.index) == *workload || s.via.is_some_and(|d| label(d) == *workload)
        });
        let (index, simulation) = match found {
            Some(at) => {
                let s = simulated.swap_remove(at);
                (s.index, Some(s.simulation))
            }
            None => match (0..rendered.resources.len()).find(|i| label(*i) == *workload) {
                Some(i) => (i, None),
                None => continue,
            },
        };
        let strategy = match &simulation {
            Some(sim) => sim.strategy.seed(),
            None => match strategy::strategy_of(&rendered.resources[index]) {
                Some(strategy) => strategy,
                None => continue,
            },
        };
        out.push(WorkloadRollout::new(workload.clone(), label(index), strategy, simulation));
    }
    out
}

fn is_rollout_node(node: &crate::yaml::Node) -> bool {
    node.get("kind").and_then(crate::yaml::Node::scalar) == Some("Rollout")
        && node
            .get("apiVersion")
            .and_then(crate::yaml::Node::scalar)
            .is_some_and(|v| v.split('/').next() == Some("argoproj.io"))
}

fn render_objects<'a>(rendered: &'a Rendered, contexts: &'a [Ctx]) -> Vec<Object<'a>> {
    let mut out = Vec::with_capacity(contexts.len());
    for (r, ctx) in rendered.resources.iter().zip(contexts) {
        out.push(Object::new(View::root(&r.node, ctx)));
    }
    out
}

/// The diagnostics of one Rollout, and whether they keep the controller from starting.
struct Checked {
    index: usize,
    diagnostics: Vec<Diagnostic>,
    blocking: bool,
}

fn to_diagnostic(code: Code, finding: Finding<'_>) -> Diagnostic {
    let mut d = Diagnostic::new(code, format!("{}: {}", finding.field, finding.detail))
        .at(&**finding.at.file, finding.at.span);
    if let Some((at, message)) = finding.related {
        d = d.with_related(&**at.file, Some(at.span), message);
    }
    d
}

/// Checks every Rollout among `objects` (one file, or one render with `controller` look-ups).
fn check(objects: &[Object<'_>], controller: bool) -> Vec<Checked> {
    let mut out: Vec<Checked> = Vec::new();
    // Rollouts that decode, with the index of their entry in `out`.
    let mut decodable: Vec<Object<'_>> = Vec::new();
    let mut slots: Vec<usize> = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        let Some(node) = object.view.node.filter(|_| object.is_rollout()) else { continue };
        let mut diagnostics = Vec::new();
        for e in schema::check(node, object.view.at(), object.view.schema()) {
            diagnostics.push(to_diagnostic(
                Code::RolloutUndecodable,
                Finding::new(e.field, e.detail, e.at),
            ));
        }
        let blocking = !diagnostics.is_empty();
        if !blocking {
            decodable.push(*object);
            slots.push(out.len());
        }
        out.push(Checked { index, diagnostics, blocking });
    }
    // The controller validates a Rollout with the template its workloadRef resolves to; lint
    // (a raw file) never resolves it.
    let mut resolved = Vec::with_capacity(decodable.len());
    let mut templates = Vec::with_capacity(decodable.len());
    for rollout in &decodable {
        let r = if controller { refs::resolve_workload(rollout, objects) } else { None };
        templates.push(r.map_or_else(|| rollout.view.path(&["spec", "template"]), |r| r.template));
        resolved.push(r);
    }
    let in_file = refs::lint_file_references(&decodable, &templates, objects);
    for (((rollout, slot), references), resolved) in
        decodable.iter().zip(slots).zip(in_file).zip(resolved)
    {
        let checked = &mut out[slot];
        for finding in lint::validate_rollout(rollout.view, resolved) {
            checked.diagnostics.push(to_diagnostic(Code::RolloutInvalid, finding));
        }
        for finding in references {
            checked.diagnostics.push(to_diagnostic(Code::RolloutInvalid, finding));
        }
        if controller {
            for finding in refs::controller_references(rollout, objects) {
                checked.diagnostics.push(match finding {
                    ControllerFinding::Missing(f) => {
                        to_diagnostic(Code::RolloutReferenceMissing, f)
                    }
                    ControllerFinding::Invalid(f) => {
                        to_diagnostic(Code::RolloutReferenceInvalid, f)
                    }
                });
            }
        }
        checked.blocking = checked.diagnostics.iter().any(Diagnostic::is_error);
    }
    out
}

/// A Rollout the controller would not start (its diagnostics say why): no states.
fn blocked(object: &Object<'_>, strategy: &View<'_>) -> RolloutSimulation {
    let kind = if strategy.has("blueGreen") && !strategy.has("canary") {
        StrategyKind::BlueGreen
    } else {
        StrategyKind::Canary
    };
    let replicas = object.view.path(&["spec", "replicas"]).int().unwrap_or(1);
    let routing = strategy.path(&["canary", "trafficRouting"]).present();
    simulate::not_started(object, kind, replicas, routing)
}

/// A workload whose update cannot be simulated, with the reason as a diagnostic.
fn not_simulated(object: &Object<'_>, why: &str) -> RolloutSimulation {
    let strategy = object.view.path(&["spec", "strategy"]);
    let mut sim = blocked(object, &strategy);
    if object.kind == "Deployment" {
        sim.strategy = if strategy.text("type") == "Recreate" {
            StrategyKind::Recreate
        } else {
            StrategyKind::RollingUpdate
        };
        sim.traffic_routing = false;
    }
    let at = object.view.key_at();
    sim.diagnostics.push(
        Diagnostic::new(
            Code::RolloutNotSimulated,
            format!("{} {:?}: {why}", object.kind, object.name),
        )
        .at(&**at.file, at.span),
    );
    sim
}

#[cfg(test)]
mod tests;
