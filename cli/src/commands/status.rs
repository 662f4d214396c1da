//! `baton status`: the apps × environments matrix and pending promotions.

use baton_core::Workspace;

use super::{Context, Exit, Outcome};
use crate::{disk, output};

/// Show what every app runs in every environment, and pending promotions
#[derive(Debug, clap::Args)]
#[command(after_help = super::DIAGNOSTIC_EXIT_CODES)]
pub struct Args {
    /// Output format: `json` gives the shapes of the JS API
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// JSON file of registry tags (as `image-update --tags`): shows each Flux policy's pick
    #[arg(long, value_name = "FILE")]
    tags: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(args: &Args, context: &Context) -> Outcome {
    let tags = args.tags.as_deref().map(super::image_update::read_input).transpose()?;
    let mut repository = context.repository()?;
    let mut workspace = Workspace::new(std::mem::take(&mut repository.tree));
    let mut status = match &tags {
        Some(tags) => workspace.status_with_tags(tags),
        None => workspace.status(),
    };
    // Status reads the whole repository (app globs, baton.yaml, CODEOWNERS): every entry left
    // out of it can change the answer.
    disk::report_skipped(repository.left_out(), &mut status.diagnostics, |_| true);
    let text = match args.format {
        Format::Text => {
            output::status_text(&status, output::Palette::new(context.terminal.out_color))
        }
        Format::Json => output::json(&status),
    };
    context.terminal.out(&text)?;
    Ok(Exit::for_diagnostics(&status.diagnostics))
}
