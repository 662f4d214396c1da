//! `baton preview create|delete|gc`: preview environments per pull request.
//!
//! Each subcommand plans a change set with the engine (`planPreview`, `planPreviewCleanup`),
//! prints it (text, the JSON of the JS API, or the pull request comment as markdown) and,
//! with `--write`, applies it: files created, edited and deleted, and directories left empty
//! by a deletion removed. Nothing is written while the plan has errors. `gc` reads each
//! preview's last change from git when the previews have a `maxAge`.

use baton_core::preview::cleanup::{CleanupPlan, CleanupRequest, Fate};
use baton_core::preview::{PreviewPlan, PreviewRequest};
use baton_core::{Diagnostic, Workspace};
use clap::Subcommand;

use super::promote::Obstacle;
use super::{Context, Exit, Outcome};
use crate::markdown::{self, MarkdownArgs};
use crate::{disk, git, output};

/// Plan preview environments per pull request: create, delete, gc
///
/// A preview is an overlay per pull request (by default apps/APP/preview/pr-N on the app's
/// base, namespace preview-pr-N, image tag pr-N-SHA5; see `previews` in baton.yaml). Every plan
/// is verified by rendering before it is printed; --write applies it.
#[derive(Debug, clap::Args)]
#[command(after_help = "Exit codes: 0 planned (and written with --write), 1 problems found \
                        (nothing written), 2 could not run.")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    Create(CreateArgs),
    Delete(DeleteArgs),
    Gc(GcArgs),
}

/// Create a pull request's preview, or move an existing one to a new image tag
///
/// A new preview gets an overlay in the seed's shape (resources, namespace, images) plus the
/// labels, annotations and Ingress host of baton.yaml. For an existing preview only the image
/// tag changes: hand edits stay.
#[derive(Debug, clap::Args)]
#[command(after_help = "Exit codes: 0 planned (and written with --write), 1 problems found \
                        (nothing written), 2 could not run.")]
struct CreateArgs {
    /// The app (its name, or its path when names are shared)
    #[arg(long, value_name = "APP", value_parser = super::promote::name)]
    app: String,
    /// The pull request number
    #[arg(long, value_name = "N")]
    pr: u64,
    /// The commit the image was built from (the default tag is pr-N-<first 5 hex digits>)
    #[arg(long, value_name = "SHA")]
    sha: Option<String>,
    /// The image tag (default: the `tag` template of baton.yaml)
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
    /// The pull request's branch (for {branch} and {branch_slug})
    #[arg(long, value_name = "BRANCH")]
    branch: Option<String>,
    /// The image the pull request built, when the app runs several
    #[arg(long, value_name = "NAME")]
    image: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Delete a pull request's preview (every file of its directory)
#[derive(Debug, clap::Args)]
#[command(after_help = "Exit codes: 0 planned (and written with --write), 1 problems found \
                        (nothing written), 2 could not run.")]
struct DeleteArgs {
    /// The app (its name, or its path when names are shared)
    #[arg(long, value_name = "APP", value_parser = super::promote::name)]
    app: String,
    /// The pull request number
    #[arg(long, value_name = "N")]
    pr: u64,
    #[command(flatten)]
    output: OutputArgs,
}

/// Delete the previews of closed pull requests, and stale ones
///
/// Every preview whose number is not in --open is deleted, and, for apps with a `maxAge`, every
/// preview unchanged for longer (its last commit, read from git). Directories under a preview
/// root that match no pull request are reported, never deleted.
#[derive(Debug, clap::Args)]
#[command(after_help = "Exit codes: 0 planned (and written with --write), 1 problems found \
                        (nothing written), 2 could not run.")]
struct GcArgs {
    /// The open pull requests, comma-separated (12,15; "" when none is open); every other
    /// preview is deleted
    #[arg(long, value_name = "N,...", value_parser = numbers)]
    open: Numbers,
    /// Only this app's previews
    #[arg(long, value_name = "APP", value_parser = super::promote::name)]
    app: Option<String>,
    /// The current time, RFC 3339, for maxAge (default: the system clock)
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

/// A comma-separated list of pull request numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Numbers(Vec<u64>);

/// Reads `12,15` (spaces allowed; `""` is no number at all).
fn numbers(text: &str) -> Result<Numbers, String> {
    text.split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.parse().map_err(|_| format!("{n:?} is not a pull request number")))
        .collect::<Result<Vec<u64>, String>>()
        .map(Numbers)
}

#[derive(Debug, clap::Args)]
struct OutputArgs {
    /// Output format: `json` gives the shapes of the JS API, `markdown` the pull request comment
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    markdown: MarkdownArgs,
    /// Write the change: create and edit files, delete files and the directories left empty
    #[arg(long)]
    write: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

pub fn run(args: &Args, context: &Context) -> Outcome {
    match &args.action {
        Action::Create(create) => {
            let request = PreviewRequest {
                app: create.app.clone(),
                number: create.pr,
                sha: create.sha.clone(),
                tag: create.tag.clone(),
                branch: create.branch.clone(),
                image: create.image.clone(),
            };
            create.output.markdown.check(create.output.format == Format::Markdown)?;
            let repository = context.repository()?;
            let mut workspace = Workspace::new(repository.tree);
            let mut plan = workspace.plan_preview(&request);
            disk::report_skipped(repository.skipped, &mut plan.diagnostics, |_| true);
            finish(context, &create.output, Planned::Create(&plan))
        }
        Action::Delete(delete) => {
            let request = CleanupRequest {
                app: Some(delete.app.clone()),
                closed: vec![delete.pr],
                ..CleanupRequest::default()
            };
            cleanup(context, &delete.output, &request)
        }
        Action::Gc(gc) => {
            let now = match &gc.now {
                Some(now) => now.clone(),
                None => crate::gate_context::system_now().to_rfc3339(),
            };
            let request = CleanupRequest {
                app: gc.app.clone(),
                open: Some(gc.open.0.clone()),
                now: Some(now),
                ..CleanupRequest::default()
            };
            cleanup(context, &gc.output, &request)
        }
    }
}

/// Plans a cleanup; when previews have a `maxAge` and no known age, their last commits are
/// read from git and the cleanup is planned again with them.
fn cleanup(context: &Context, args: &OutputArgs, request: &CleanupRequest) -> Outcome {
    args.markdown.check(args.format == Format::Markdown)?;
    let repository = context.repository()?;
    let mut workspace = Workspace::new(repository.tree);
    let mut plan = workspace.plan_preview_cleanup(request);
    let unknown_ages: Vec<String> = plan
        .previews
        .iter()
        .filter(|p| p.max_age.is_some() && p.last_changed.is_none() && p.fate == Fate::Kept)
        .map(|p| p.path.clone())
        .collect();
    if !unknown_ages.is_empty() && request.now.is_some() {
        match git::last_changed(&context.root, &unknown_ages) {
            Ok(last_changed) => {
                let mut again = request.clone();
                again.last_changed = last_changed;
                plan = workspace.plan_preview_cleanup(&again);
            }
            Err(e) => context.terminal.err(&format!("baton: ages of previews unknown: {e}\n")),
        }
    }
    disk::report_skipped(repository.skipped, &mut plan.diagnostics, |_| true);
    finish(context, args, Planned::Cleanup(&plan))
}

/// A plan of either kind.
#[derive(Clone, Copy)]
enum Planned<'a> {
    Create(&'a PreviewPlan),
    Cleanup(&'a CleanupPlan),
}

impl Planned<'_> {
    fn edits(&self) -> &[baton_core::changeset::FileEdit] {
        match self {
            Planned::Create(p) => &p.edits,
            Planned::Cleanup(p) => &p.edits,
        }
    }

    fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Planned::Create(p) => &p.diagnostics,
            Planned::Cleanup(p) => &p.diagnostics,
        }
    }
}

/// Prints the plan and, with `--write` and no error, writes it.
fn finish(context: &Context, args: &OutputArgs, plan: Planned) -> Outcome {
    let palette = output::Palette::new(context.terminal.out_color);
    let text = match (args.format, &plan) {
        (Format::Json, Planned::Create(p)) => output::json(p),
        (Format::Json, Planned::Cleanup(p)) => output::json(p),
        (Format::Text, Planned::Create(p)) => output::preview_text(p, palette),
        (Format::Text, Planned::Cleanup(p)) => output::cleanup_text(p, palette),
        (Format::Markdown, _) => {
            let (key, comment) = match &plan {
                Planned::Create(p) => (format!("preview:{}:{}", p.app, p.number), &p.comment),
                Planned::Cleanup(p) => ("preview-cleanup".to_string(), &p.comment),
            };
            let parts = markdown::report::preview(&key, comment, plan.diagnostics()).parts();
            if let Some(dir) = &args.markdown.comment_dir {
                markdown::write_parts(dir, &parts)?;
            }
            markdown::joined(&parts)
        }
    };
    context.terminal.out(&text)?;
    let exit = Exit::for_diagnostics(plan.diagnostics());
    if !args.write {
        return Ok(exit);
    }
    let errors: Vec<Obstacle> = plan
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let at = d.file.as_deref().map(|f| format!(" ({f})")).unwrap_or_default();
            Obstacle::fixed(format!("error[{}]{at}: {}", d.code, d.message))
        })
        .collect();
    let err_palette = output::Palette::new(context.terminal.err_color);
    if !errors.is_empty() {
        context.terminal.err(&output::refusal_text(&errors, err_palette));
        return Ok(Exit::Problems);
    }
    disk::write_edits(&context.root, plan.edits())?;
    let (written, deleted) = plan
        .edits()
        .iter()
        .fold((0, 0), |(w, d), e| if e.after.is_some() { (w + 1, d) } else { (w, d + 1) });
    context.terminal.err(&match (written, deleted) {
        (0, 0) => "baton: nothing to write\n".to_string(),
        (w, 0) => format!("baton: wrote {w} file(s)\n"),
        (0, d) => format!("baton: deleted {d} file(s)\n"),
        (w, d) => format!("baton: wrote {w} file(s), deleted {d} file(s)\n"),
    });
    Ok(exit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_pull_requests_are_a_comma_separated_list() {
        assert_eq!(numbers("12,15"), Ok(Numbers(vec![12, 15])));
        assert_eq!(numbers(" 12 , 15 ,"), Ok(Numbers(vec![12, 15])));
        assert_eq!(numbers(""), Ok(Numbers(vec![])));
        assert_eq!(numbers("12,x"), Err("\"x\" is not a pull request number".into()));
        assert!(numbers("-1").is_err());
    }

    #[test]
    fn a_plan_of_either_kind_lends_its_edits_and_diagnostics() {
        let mut ws = Workspace::new(baton_core::FileTree::new());
        let create = ws.plan_preview(&PreviewRequest {
            app: "web".into(),
            number: 1,
            ..PreviewRequest::default()
        });
        let planned = Planned::Create(&create);
        assert!(planned.edits().is_empty());
        assert_eq!(planned.diagnostics()[0].code, "P012");
        let cleanup = ws.plan_preview_cleanup(&CleanupRequest {
            open: Some(vec![]),
            ..CleanupRequest::default()
        });
        let planned = Planned::Cleanup(&cleanup);
        assert!(planned.edits().is_empty() && planned.diagnostics().is_empty());
    }
}
