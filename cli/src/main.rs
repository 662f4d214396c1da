//! `baton`: Baton's engine for CI and the terminal.
//!
//! The CLI is a thin shell: it reads a directory into memory ([`disk`]), calls the core, and
//! prints the result ([`output`]). Exit codes: 0 clean, 1 problems found (or a promotion is
//! not allowed), 2 the command could not run (bad usage, unreadable root).

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod args;
mod disk;
mod output;

use std::io::Write;
use std::process::ExitCode;

use args::{Command, Format};
use baton_core::Workspace;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let command = match args::parse(&argv) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("baton: {message}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    match run(command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("baton: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Help => {
            println!("{}", args::USAGE);
            Ok(ExitCode::SUCCESS)
        }
        Command::Version => {
            println!("baton {}", baton_core::version());
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { root, format } => {
            let mut workspace = Workspace::new(disk::read_tree(&root)?);
            let validation = workspace.validate();
            let text = match format {
                Format::Json => output::json(&validation),
                Format::Sarif => output::sarif(&validation.diagnostics),
                _ => output::diagnostics_text(&validation.diagnostics),
            };
            write_stdout(&text)?;
            Ok(exit_for(&validation.diagnostics))
        }
        Command::Render { root, path, format } => {
            let mut workspace = Workspace::new(disk::read_tree(&root)?);
            let dir = disk::repo_relative(&root, &path)?;
            let rendered = workspace.render(&dir);
            if format == Format::Json {
                write_stdout(&output::json(&rendered))?;
            } else {
                eprint!("{}", output::diagnostics_text(&rendered.diagnostics));
                if rendered.ok() {
                    write_stdout(&rendered.yaml)?;
                }
            }
            Ok(exit_for(&rendered.diagnostics))
        }
        Command::Status { root, format } => {
            let mut workspace = Workspace::new(disk::read_tree(&root)?);
            let status = workspace.status();
            let text = if format == Format::Json {
                output::json(&status)
            } else {
                output::status_text(&status)
            };
            write_stdout(&text)?;
            Ok(exit_for(&status.diagnostics))
        }
        Command::Promote { root, app, to, from, context, format, write } => {
            let context = match context {
                Some(path) => Some(read_context(&path)?),
                None => None,
            };
            let mut workspace = Workspace::new(disk::read_tree(&root)?);
            let request = baton_core::promote::PromotionRequest { app, to, from, context };
            let plan = workspace.plan_promotion(&request);
            let text =
                if format == Format::Json { output::json(&plan) } else { output::plan_text(&plan) };
            write_stdout(&text)?;
            if write {
                disk::write_edits(&root, &plan.edits)?;
                if format != Format::Json && !plan.edits.is_empty() {
                    eprintln!("baton: wrote {} file(s)", plan.edits.len());
                }
            }
            Ok(if plan.allowed { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

fn read_context(path: &std::path::Path) -> Result<baton_core::gates::evaluate::Context, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read context '{}': {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("invalid context '{}': {e}", path.display()))
}

fn exit_for(diagnostics: &[baton_core::Diagnostic]) -> ExitCode {
    if diagnostics.iter().any(baton_core::Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn write_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`baton render | head`) is not an error worth reporting.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}
