//! `baton diff`: what differs between two environments of an app, beyond what a pipeline
//! makes differ by design.

use baton_core::Workspace;
use baton_core::envdiff::EnvDiffRequest;

use super::{Context, Exit, Outcome};
use crate::{disk, output};

/// Compare two environments of an app: the drift, expected differences set apart
///
/// Resources are paired by kind and the name they were written with. Differences a pipeline
/// makes by design (namespace, name prefix/suffix and hashes, promoted images) are counted as
/// expected; the rest (replicas, resources/limits, config data, labels/annotations, resources
/// in one environment only) is drift.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 only expected differences, 1 drift or errors, 2 could not run."
)]
pub struct Args {
    /// The app, by name or path
    app: String,
    /// The environment to compare from (e.g. staging)
    from: String,
    /// The environment to compare to (e.g. production)
    to: String,
    /// Output format: `json` gives the shapes of the JS API
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: &Args, context: &Context) -> Outcome {
    let repository = context.repository()?;
    let mut workspace = Workspace::new(repository.tree);
    let request =
        EnvDiffRequest { app: args.app.clone(), from: args.from.clone(), to: args.to.clone() };
    let mut diff = workspace.diff_environments(&request);
    disk::report_skipped(repository.skipped, &mut diff.diagnostics, |_| true);
    let text = match args.format {
        Format::Text => output::diff_text(&diff, output::Palette::new(context.terminal.out_color)),
        Format::Json => output::json(&diff),
    };
    context.terminal.out(&text)?;
    let errors = Exit::for_diagnostics(&diff.diagnostics) == Exit::Problems;
    Ok(if errors || diff.drift_total() > 0 { Exit::Problems } else { Exit::Clean })
}
