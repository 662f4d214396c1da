//! The command line: clap's derive types and the dispatch to one module per command.
//!
//! Each command is a module with an `Args` struct (its flags, documented for `--help`) and a
//! `run(&Args, &Context) -> Outcome`. Adding a command is three lines here — a module, a
//! variant of [`Command`] and a match arm in [`run`] — plus its module. Options every command
//! takes (`--root`, `--color`) live in [`Global`] and may come before or after the command.
//!
//! Exit codes are part of the interface: [`Exit::Clean`] (0), [`Exit::Problems`] (1: problems
//! found, or a promotion not allowed), and 2 for a command that could not run (bad usage, an
//! unreadable root): clap's usage errors exit 2, and so does an `Err` from `run`.

// Doc comments in this module and its children are the `--help` text users read, not rustdoc.
#![allow(clippy::doc_markdown)]

mod appsets;
mod completions;
mod diff;
mod image_update;
mod preview;
pub mod promote;
mod render;
mod rollout;
mod status;
mod validate;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::disk::Repository;
use crate::terminal::{ColorWhen, Terminal};

/// The heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// Help text after the options of `baton` itself.
const EXIT_CODES: &str =
    "Exit codes: 0 clean, 1 problems found (or a promotion not allowed), 2 could not run.";

/// Help text after the options of a command that reports diagnostics.
const DIAGNOSTIC_EXIT_CODES: &str = "Exit codes: 0 no errors, 1 errors found, 2 could not run.";

/// Baton: GitOps promotions and Kustomize rendering, offline.
///
/// Reads the repository at --root (honouring .gitignore and .ignore; a file a kustomization
/// references is read even when ignored, as kustomize reads it), and renders, validates and
/// promotes with the same engine as the npm package. `render` reads only what the overlay
/// needs.
#[derive(Debug, Parser)]
#[command(name = "baton", version = baton_core::version(), after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options of every command.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// Repository root
    #[arg(long, global = true, value_name = "DIR", default_value = ".", help_heading = GLOBAL)]
    pub root: PathBuf,
    /// When to color output: `auto` colors a terminal, unless NO_COLOR is set
    #[arg(
        long,
        global = true,
        value_name = "WHEN",
        value_enum,
        default_value_t = ColorWhen::Auto,
        help_heading = GLOBAL
    )]
    pub color: ColorWhen,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Validate(validate::Args),
    Render(render::Args),
    Status(status::Args),
    Promote(Box<promote::Args>),
    Diff(diff::Args),
    Rollout(rollout::Args),
    Preview(preview::Args),
    ImageUpdate(image_update::Args),
    Appsets(appsets::Args),
    Completions(completions::Args),
    /// Print the engine version
    Version,
}

/// What a command that ran reports through its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: nothing wrong.
    Clean,
    /// 1: problems found, or a promotion that is not allowed.
    Problems,
}

impl Exit {
    /// `Problems` when any diagnostic is an error.
    pub fn for_diagnostics(diagnostics: &[baton_core::Diagnostic]) -> Exit {
        if diagnostics.iter().any(baton_core::Diagnostic::is_error) {
            Exit::Problems
        } else {
            Exit::Clean
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Exit::Clean => 0,
            Exit::Problems => 1,
        }
    }
}

/// A command's result: how it exited, or why it could not run (exit 2).
pub type Outcome = Result<Exit, String>;

/// What every command gets besides its own arguments.
#[derive(Debug)]
pub struct Context {
    pub root: PathBuf,
    pub terminal: Terminal,
}

impl Context {
    /// Reads the repository at the root (its YAML files; the rest on demand).
    pub fn repository(&self) -> Result<Repository, String> {
        crate::disk::read_repository(&self.root)
    }

    /// The repository at the root, with nothing read until the engine asks.
    pub fn open_repository(&self) -> Result<Repository, String> {
        crate::disk::open_repository(&self.root)
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Outcome {
    let context = Context { root: cli.global.root, terminal: Terminal::detect() };
    match cli.command {
        None => {
            let help = <Cli as clap::CommandFactory>::command().render_help();
            context.terminal.out(&styled(&help, context.terminal.out_color))?;
            Ok(Exit::Clean)
        }
        Some(Command::Validate(args)) => validate::run(&args, &context),
        Some(Command::Render(args)) => render::run(&args, &context),
        Some(Command::Status(args)) => status::run(&args, &context),
        Some(Command::Promote(args)) => promote::run(&args, &context),
        Some(Command::Diff(args)) => diff::run(&args, &context),
        Some(Command::Rollout(args)) => rollout::run(&args, &context),
        Some(Command::Preview(args)) => preview::run(&args, &context),
        Some(Command::ImageUpdate(args)) => image_update::run(&args, &context),
        Some(Command::Appsets(args)) => appsets::run(&args, &context),
        Some(Command::Completions(args)) => completions::run(&args, &context),
        Some(Command::Version) => {
            context.terminal.out(&format!("baton {}\n", baton_core::version()))?;
            Ok(Exit::Clean)
        }
    }
}

/// clap's styled text, with or without its colors.
pub fn styled(text: &clap::builder::StyledStr, color: bool) -> String {
    if color { text.ansi().to_string() } else { text.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("baton").chain(args.iter().copied()))
    }

    #[test]
    fn global_options_go_before_or_after_the_command() {
        let cli = parse(&["--root", "r", "validate", "--color", "never"]).unwrap();
        assert_eq!(cli.global.root, PathBuf::from("r"));
        assert_eq!(cli.global.color, ColorWhen::Never);
        let cli = parse(&["status", "--root=q"]).unwrap();
        assert_eq!(cli.global.root, PathBuf::from("q"));
        assert!(parse(&[]).unwrap().command.is_none());
    }

    #[test]
    fn usage_errors_are_clap_errors() {
        use clap::error::ErrorKind;
        let kind = |args: &[&str]| parse(args).unwrap_err().kind();
        assert_eq!(kind(&["valdate"]), ErrorKind::InvalidSubcommand);
        assert_eq!(kind(&["validate", "--formt", "json"]), ErrorKind::UnknownArgument);
        assert_eq!(kind(&["validate", "--format", "yaml"]), ErrorKind::InvalidValue);
        assert_eq!(kind(&["render"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(kind(&["promote", "--app", "--to", "x"]), ErrorKind::InvalidValue);
        assert_eq!(kind(&["promote", "--to", "production"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(kind(&["status", "--app", "x"]), ErrorKind::UnknownArgument);
        assert_eq!(kind(&["validate", "--write"]), ErrorKind::UnknownArgument);
        assert_eq!(kind(&["diff", "web", "staging"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(kind(&["diff", "web", "a", "b", "--format", "sarif"]), ErrorKind::InvalidValue);
        assert_eq!(
            kind(&["preview", "create", "--app", "web", "--pr", "x"]),
            ErrorKind::ValueValidation
        );
        assert_eq!(
            kind(&["preview", "create", "--app", "web", "--pr", "-1"]),
            ErrorKind::UnknownArgument
        );
        assert_eq!(
            kind(&["preview", "create", "--app", "web"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(kind(&["preview", "gc"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(kind(&["preview", "gc", "--open", "1,x"]), ErrorKind::ValueValidation);
        assert!(parse(&["preview", "gc", "--open", ""]).is_ok(), "no pull request is open");
        assert_eq!(kind(&["preview", "close"]), ErrorKind::InvalidSubcommand);
        assert_eq!(kind(&["image-update"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(
            kind(&["image-update", "--tags", "t.json", "--force"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(kind(&["--help"]), ErrorKind::DisplayHelp);
    }
}
