//! `baton validate`: every YAML file and every kustomization of the repository, checked.

use baton_core::Workspace;

use super::{Context, Exit, Outcome};
use crate::markdown::{self, MarkdownArgs};
use crate::{disk, output};

/// Check every YAML file and render every kustomization; report every problem
///
/// Diagnostics are printed as `file:line:col: severity[CODE]: message`, with `help:` and
/// `note:` lines; codes are listed in docs/diagnostics.md. Entries of the repository that
/// cannot be read (a link leaving the repository, an unreadable file, ...) are reported too.
#[derive(Debug, clap::Args)]
#[command(after_help = super::DIAGNOSTIC_EXIT_CODES)]
pub struct Args {
    /// Output format: `json` gives the shapes of the JS API, `sarif` a SARIF 2.1.0 log,
    /// `markdown` a pull request comment
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    markdown: MarkdownArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
    Markdown,
}

pub fn run(args: &Args, context: &Context) -> Outcome {
    args.markdown.check(args.format == Format::Markdown)?;
    let mut repository = context.repository()?;
    let mut workspace = Workspace::new(std::mem::take(&mut repository.tree));
    let mut validation = workspace.validate();
    disk::report_skipped(repository.left_out(), &mut validation.diagnostics, |_| true);
    let text = match args.format {
        Format::Text => output::diagnostics_text(
            &validation.diagnostics,
            output::Palette::new(context.terminal.out_color),
        ),
        Format::Json => output::json(&validation),
        Format::Sarif => output::sarif(&validation.diagnostics),
        Format::Markdown => {
            let parts = markdown::report::validation(&validation.diagnostics).parts();
            if let Some(dir) = &args.markdown.comment_dir {
                markdown::write_parts(dir, &parts)?;
            }
            markdown::joined(&parts)
        }
    };
    context.terminal.out(&text)?;
    Ok(Exit::for_diagnostics(&validation.diagnostics))
}
