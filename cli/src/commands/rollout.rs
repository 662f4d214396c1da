//! `baton rollout OVERLAY`: how the updates of an overlay's Rollouts and Deployments unfold,
//! state by state (the engine's `simulateRollout`).

use std::path::PathBuf;

use baton_core::Workspace;
use baton_core::rollouts::describe::{self, COLUMNS};
use baton_core::rollouts::{RolloutSimulation, SimulateRequest, Simulation, StrategyKind};

use super::{Context, Exit, Outcome};
use crate::{disk, output};

/// Simulate how an overlay's Rollouts and Deployments roll out an update, state by state
///
/// For each Argo Rollout (canary or blue-green) and Deployment (RollingUpdate or Recreate) that
/// OVERLAY renders, the states the controller settles on from the update to full promotion:
/// the new version's share of traffic, the old and new ReplicaSets' replicas, pauses, analyses
/// and scale-down delays, assuming pods become ready, analyses succeed, timed pauses run out
/// and a person promotes each indefinite pause once. Rollouts are validated as `kubectl argo
/// rollouts lint` and the controller validate them; an invalid one is not simulated.
#[derive(Debug, clap::Args)]
#[command(after_help = "Exit codes: 0 no errors, 1 errors found (an invalid Rollout, an overlay \
                        that does not render, no workload named NAME), 2 could not run.")]
pub struct Args {
    /// The kustomization directory whose render holds the workloads
    #[arg(value_name = "OVERLAY")]
    overlay: PathBuf,
    /// Only this Rollout or Deployment (its rendered name, or its name before prefixes and
    /// suffixes)
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Output format: `text` a table and a traffic bar per state, `json` the shapes of the JS
    /// API (with each state's startSeconds and holdSeconds)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: &Args, context: &Context) -> Outcome {
    // Nothing is read up front: the simulation reads what the overlay's render consults.
    let mut repository = context.open_repository()?;
    let overlay = disk::repo_relative(&context.root, &args.overlay)?;
    let mut workspace = Workspace::new(std::mem::take(&mut repository.tree));
    let mut simulation = workspace
        .simulate_rollout(&SimulateRequest { overlay: overlay.clone(), name: args.name.clone() });
    // What could not be read was asked for by this render, so it matters to it.
    disk::report_skipped(repository.left_out(), &mut simulation.diagnostics, |_| true);
    let text = match args.format {
        Format::Json => output::json(&simulation),
        Format::Text => text(&simulation, output::Palette::new(context.terminal.out_color)),
    };
    context.terminal.out(&text)?;
    let errors = simulation
        .diagnostics
        .iter()
        .chain(simulation.rollouts.iter().flat_map(|r| &r.diagnostics));
    Ok(if errors.into_iter().any(baton_core::Diagnostic::is_error) {
        Exit::Problems
    } else {
        Exit::Clean
    })
}

/// Width of the traffic bar.
const BAR: usize = 20;

/// Every workload's table, its summary and its diagnostics; then the overlay's diagnostics.
fn text(simulation: &Simulation, palette: output::Palette) -> String {
    let mut out = String::new();
    for (i, sim) in simulation.rollouts.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&workload(sim));
        out.push_str(&output::diagnostics_text(&sim.diagnostics, palette));
    }
    if simulation.rollouts.is_empty() && simulation.diagnostics.is_empty() {
        out.push_str("no Rollout or Deployment in this render\n");
    }
    out.push_str(&output::diagnostics_text(&simulation.diagnostics, palette));
    out
}

fn workload(sim: &RolloutSimulation) -> String {
    let strategy = sim.strategy.seed();
    let (_, risk, rollback) = strategy.traits();
    let routing = match sim.strategy {
        StrategyKind::Canary if sim.traffic_routing => ", traffic routing",
        StrategyKind::Canary => ", no traffic routing (weights by pod counts)",
        _ => "",
    };
    let mut out = format!(
        "{}/{}: {}, {} replicas{routing}; risk {risk}, rollback: {rollback}\n",
        sim.kind,
        sim.name,
        strategy.label(),
        sim.replicas
    );
    if sim.states.is_empty() {
        out.push_str(&format!("  {}\n", describe::summary(sim)));
        return out;
    }
    // Every state: the table's columns, with the traffic bar beside the traffic.
    let rows = describe::rows(sim, usize::MAX);
    let mut table: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 1);
    let mut header: Vec<String> = COLUMNS.iter().map(|c| (*c).to_string()).collect();
    header.insert(3, String::new());
    table.push(header);
    for (row, state) in rows.into_iter().zip(&sim.states) {
        let [at, step, traffic, old, new, then] = row;
        let bar = bar(state.canary_weight, sim.max_weight);
        table.push(vec![at, step, traffic, bar, old, new, then]);
    }
    let widths: Vec<usize> = (0..table[0].len())
        .map(|i| table.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for row in &table {
        let mut line = String::from(" ");
        for (cell, width) in row.iter().zip(&widths) {
            line.push_str(&format!(" {cell:width$}"));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&format!("  {}\n", describe::totals(sim)));
    out
}

/// `[####................]`: the new version's share of traffic in [`BAR`] cells, rounded.
fn bar(weight: i64, max_weight: i64) -> String {
    let max = i128::from(max_weight.max(1));
    let cells = i128::try_from(BAR).unwrap_or(20);
    let filled = (i128::from(weight).clamp(0, max) * cells * 2 + max) / (2 * max);
    let filled = usize::try_from(filled).unwrap_or(0).min(BAR);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(BAR - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_round_to_the_nearest_cell() {
        assert_eq!(bar(0, 100), "[....................]");
        assert_eq!(bar(10, 100), "[##..................]");
        assert_eq!(bar(50, 100), "[##########..........]");
        assert_eq!(bar(100, 100), "[####################]");
        assert_eq!(bar(500, 1000), "[##########..........]");
        // Out of range (a Deployment's share is never, but a hostile weight may be): clamped.
        assert_eq!(bar(-5, 100), "[....................]");
        assert_eq!(bar(i64::MAX, 0), "[####################]");
    }
}
