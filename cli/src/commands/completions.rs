//! `baton completions SHELL`: a completion script generated from the command definitions.

use clap::CommandFactory;

use super::{Cli, Context, Exit, Outcome};

/// Print a shell completion script
///
/// bash: `source <(baton completions bash)`; zsh: `baton completions zsh > "${fpath[1]}/_baton"`;
/// fish: `baton completions fish > ~/.config/fish/completions/baton.fish`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete in
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn run(args: &Args, context: &Context) -> Outcome {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "baton", &mut script);
    let script = String::from_utf8(script).map_err(|e| format!("completion script: {e}"))?;
    context.terminal.out(&script)?;
    Ok(Exit::Clean)
}
