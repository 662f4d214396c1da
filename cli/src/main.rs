//! `baton`: Baton's engine for CI and the terminal.
//!
//! The CLI is a thin shell: it parses the command line ([`commands`], with clap), reads a
//! directory into memory ([`disk`]), calls the core, and prints the result ([`output`]) on
//! the terminal ([`terminal`]). Exit codes: 0 clean, 1 problems found (or a promotion is not
//! allowed), 2 the command could not run (bad usage, unreadable root).

#![cfg_attr(test, allow(clippy::unwrap_used))]

mod commands;
mod disk;
mod gate_context;
mod git;
mod github;
mod markdown;
mod output;
mod terminal;

use std::process::ExitCode;

use clap::Parser;

use commands::Cli;
use terminal::{ColorWhen, Terminal};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The color choice comes first: clap's own help and errors are printed in it.
    ColorWhen::scan(args.get(1..).unwrap_or_default()).apply();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to stdout (exit 0), usage errors to stderr (exit 2): only
            // the short usage line, never the whole help. A closed pipe is not an error.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    cli.global.color.apply();
    match commands::run(cli) {
        Ok(exit) => ExitCode::from(exit.code()),
        Err(message) => {
            Terminal::detect().err(&format!("baton: {message}\n"));
            ExitCode::from(2)
        }
    }
}
