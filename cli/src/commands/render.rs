//! `baton render PATH`: what `kustomize build PATH` prints.

use std::path::PathBuf;

use baton_core::Workspace;

use super::{Context, Exit, Outcome};
use crate::{disk, output};

/// Print what `kustomize build PATH` prints
///
/// PATH is a directory holding a kustomization, relative to the repository root (or to the
/// current directory). Diagnostics go to standard error; the YAML is printed only when the
/// render succeeds.
#[derive(Debug, clap::Args)]
#[command(after_help = super::DIAGNOSTIC_EXIT_CODES)]
pub struct Args {
    /// The kustomization directory to render
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// Output format: `json` adds every resource's provenance and the diagnostics
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Yaml,
    Json,
}

pub fn run(args: &Args, context: &Context) -> Outcome {
    // Nothing is read up front: the render reads what it consults.
    let mut repository = context.open_repository()?;
    let dir = disk::repo_relative(&context.root, &args.path)?;
    let mut workspace = Workspace::new(std::mem::take(&mut repository.tree));
    let mut rendered = workspace.render(&dir);
    // What could not be read was asked for by this render, so it matters to it.
    if disk::report_skipped(repository.left_out(), &mut rendered.diagnostics, |_| true) {
        rendered.ok = false;
        rendered.yaml.clear();
    }
    match args.format {
        Format::Json => context.terminal.out(&output::json(&rendered))?,
        Format::Yaml => {
            let palette = output::Palette::new(context.terminal.err_color);
            context.terminal.err(&output::diagnostics_text(&rendered.diagnostics, palette));
            if rendered.ok() {
                context.terminal.out(&rendered.yaml)?;
            }
        }
    }
    Ok(Exit::for_diagnostics(&rendered.diagnostics))
}
