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
//! - [`strategy`]: each workload's strategy with the seed's risk and rollback.
//!
//! Findings become diagnostics whose message is `<field>: <upstream detail>`: X001 for lint's
//! rules, X002 for what lint cannot decode, X003 (a warning) for a referenced object the render
//! lacks, X004 for a referenced object the controller would reject. A raw file is checked as
//! lint checks a file; a render is checked as lint checks `kustomize build`'s output, plus
//! the controller's look-ups against the render. Lint stops at the first decoding error of a
//! file; Baton reports them all, and still checks the file's other Rollouts.

mod duration;
mod lint;
mod refs;
mod replicas;
mod schema;
pub mod simulate;
pub mod strategy;
mod view;

use std::sync::Arc;

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
    let files = render_files(rendered);
    let objects = render_objects(rendered, &files);
    let wanted = |i: usize| {
        name.is_none_or(|n| {
            rendered.resources[i].name == n || rendered.resources[i].original_name == n
        })
    };
    let checked = check(&objects, true);
    // A Deployment a Rollout takes its template from is the Rollout's, not a workload of its own.
    let mut referenced: Vec<(&str, &str)> = Vec::new();
    for object in &objects {
        if object.is_rollout()
            && let Some(workload) = refs::referenced_workload(object, &objects)
        {
            referenced.push((workload.namespace, workload.name));
        }
    }
    for (i, object) in objects.iter().enumerate() {
        if !wanted(i) {
            continue;
        }
        let result = if object.is_rollout() {
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
            && !referenced.contains(&(object.namespace, object.name))
        {
            simulate::simulate_deployment(object).unwrap_or_else(|why| not_simulated(object, &why))
        } else {
            continue;
        };
        out.rollouts.push(result);
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
    let in_file = refs::lint_file_references(&decodable, objects);
    for ((rollout, slot), references) in decodable.iter().zip(slots).zip(in_file) {
        let checked = &mut out[slot];
        for finding in lint::validate_rollout(rollout.view) {
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
