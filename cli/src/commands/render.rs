//! `baton render PATH`: what `kustomize build PATH` prints; `baton render --deployment ID`:
//! what a cluster applies for a Flux Kustomization or an Argo CD Application.

use std::path::PathBuf;

use baton_core::Workspace;
use baton_core::deploy::DeploymentRequest;

use super::{Context, Exit, Outcome};
use crate::{disk, output};

/// Print what `kustomize build PATH` prints, or what a cluster applies (`--deployment`)
///
/// PATH is a directory holding a kustomization, relative to the repository root (or to the
/// current directory). Diagnostics go to standard error; the YAML is printed only when the
/// render succeeds.
///
/// With `--deployment`, the path of a Flux Kustomization or an Argo CD Application is rendered
/// as its controller builds it: with its overrides (target namespace, patches, images,
/// components, name prefix and suffix, common metadata or labels) and, for Flux, the
/// post-build variable substitution.
#[derive(Debug, clap::Args)]
#[command(after_help = super::DIAGNOSTIC_EXIT_CODES)]
pub struct Args {
    /// The kustomization directory to render
    #[arg(value_name = "PATH", required_unless_present = "deployment")]
    path: Option<PathBuf>,
    /// A deployment to render instead: `flux:NAMESPACE/NAME[@CLUSTER]` or
    /// `argo:NAMESPACE/NAME` (`@CLUSTER` when several clusters' directories define that
    /// Kustomization)
    #[arg(long, value_name = "ID", conflicts_with = "path")]
    deployment: Option<String>,
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
    if let Some(id) = &args.deployment {
        return run_deployment(args, id, context);
    }
    // Nothing is read up front: the render reads what it consults.
    let mut repository = context.open_repository()?;
    let path = args.path.clone().unwrap_or_default();
    let dir = disk::repo_relative(&context.root, &path)?;
    let mut workspace = Workspace::new(std::mem::take(&mut repository.tree));
    let mut rendered = workspace.render(&dir);
    // What could not be read was asked for by this render, so it matters to it.
    if disk::report_skipped(repository.left_out(), &mut rendered.diagnostics, |_| true) {
        rendered.ok = false;
        rendered.yaml.clear();
    }
    print(args, context, &rendered, rendered.ok, &rendered.yaml, &rendered.diagnostics)
}

fn run_deployment(args: &Args, id: &str, context: &Context) -> Outcome {
    let request = DeploymentRequest::parse(id).map_err(|e| format!("--deployment: {e}"))?;
    let repository = context.repository()?;
    let mut workspace = Workspace::new(repository.tree);
    let mut rendered = workspace.render_deployment(&request);
    // An entry left out of the repository may be one the render needed: say so, as a failure.
    if disk::report_skipped(repository.skipped, &mut rendered.diagnostics, |_| true) {
        rendered.ok = false;
        rendered.yaml.clear();
    }
    print(args, context, &rendered, rendered.ok, &rendered.yaml, &rendered.diagnostics)
}

fn print<T: serde::Serialize>(
    args: &Args,
    context: &Context,
    result: &T,
    ok: bool,
    yaml: &str,
    diagnostics: &[baton_core::Diagnostic],
) -> Outcome {
    match args.format {
        Format::Json => context.terminal.out(&output::json(result))?,
        Format::Yaml => {
            let palette = output::Palette::new(context.terminal.err_color);
            context.terminal.err(&output::diagnostics_text(diagnostics, palette));
            if ok {
                context.terminal.out(yaml)?;
            }
        }
    }
    if !ok && !diagnostics.iter().any(baton_core::Diagnostic::is_error) {
        // Nothing was rendered (a source listed, not fetched): not a success.
        return Ok(Exit::Problems);
    }
    Ok(Exit::for_diagnostics(diagnostics))
}
