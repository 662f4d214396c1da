//! The README shows `--help` of `baton` and of each of its commands; this test keeps every such
//! block equal to what the binary prints, and requires a block for every command.
//!
//! A block is a fenced `text` block whose first line is `$ baton ... --help`; the lines after it
//! are the output (trailing spaces aside, which editors strip). After changing the command
//! line, `UPDATE_EXPECT=1 cargo test -p baton-cli --test readme` rewrites the blocks; a new
//! command's block must first be added by hand (copy another command's).

#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use common::{Repo, baton, stdout};

fn readme_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md")
}

/// A help block of the README: where its output lies, and the command line it shows.
struct Block {
    args: Vec<String>,
    /// Byte range of the output (after the `$` line, up to the closing fence).
    output: std::ops::Range<usize>,
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = readme[at..].find("```text\n$ baton ") {
        let command_start = at + start + "```text\n$ ".len();
        let command_end = command_start + readme[command_start..].find('\n').unwrap();
        let output_start = command_end + 1;
        let output_end = output_start + readme[output_start..].find("```").unwrap();
        let args: Vec<String> = readme[command_start..command_end]
            .split_whitespace()
            .skip(1)
            .map(String::from)
            .collect();
        if args.last().is_some_and(|a| a == "--help") {
            found.push(Block { args, output: output_start..output_end });
        }
        at = output_end;
    }
    found
}

fn trimmed(text: &str) -> String {
    text.lines().map(str::trim_end).collect::<Vec<_>>().join("\n")
}

/// The commands `baton --help` lists (its `Commands:` section), `help` aside.
fn commands(help: &str) -> Vec<String> {
    help.split("Commands:\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("  "))
        // A long description wraps onto lines indented past the names.
        .filter(|l| !l.starts_with("   "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .filter(|c| c != "help")
        .collect()
}

#[test]
fn readme_shows_the_real_help_of_every_command() {
    let repo = Repo::new(&[]);
    let mut readme = std::fs::read_to_string(readme_path()).unwrap();
    let found = blocks(&readme);
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut problems = Vec::new();
    for block in found.iter().rev() {
        let out = baton(&repo, &block.args);
        assert_eq!(out.status.code(), Some(0), "baton {}", block.args.join(" "));
        let real = stdout(&out);
        if trimmed(&readme[block.output.clone()]) != trimmed(&real) {
            if update {
                readme.replace_range(block.output.clone(), &(trimmed(&real) + "\n"));
            } else {
                problems.push(format!(
                    "README block `baton {}` differs from the binary's output:\n{real}",
                    block.args.join(" ")
                ));
            }
        }
    }
    if update {
        std::fs::write(readme_path(), &readme).unwrap();
    }
    let shown: Vec<String> = found.iter().map(|b| b.args.join(" ")).collect();
    assert!(shown.contains(&"--help".to_string()), "no `baton --help` block");
    for command in commands(&stdout(&baton(&repo, &["--help"]))) {
        let wanted = format!("{command} --help");
        if !shown.contains(&wanted) {
            problems.push(format!("the README has no `baton {wanted}` block"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(UPDATE_EXPECT=1 rewrites the blocks)",
        problems.join("\n\n")
    );
}
