//! `baton image-update`: what Flux image automation would commit for a list of registry tags,
//! and with `--write`, the same edits applied.
//!
//! The tags come from a JSON file (or standard input) in the input shape of the JS API's
//! `imageUpdate`; a malformed file is a usage problem (exit 2) that names the JSON path of the
//! bad field. Writing is guarded as `promote --write` is ([`obstacles`]): errors are never
//! lifted; rendered changes beyond the marked values (collateral) only by `--force`.

use std::io::Read;
use std::path::Path;

use baton_core::Workspace;
use baton_core::flux::{ImageUpdate, ImageUpdateInput};

use super::promote::{Flags, Obstacle, Written, write_guarded};
use super::{Context, Exit, Outcome};
use crate::markdown::{self, MarkdownArgs};
use crate::{disk, github, output};

/// Show what Flux image automation would change for given tags; `--write` applies it
///
/// Reads the ImageRepository, ImagePolicy and ImageUpdateAutomation objects of the
/// repository, elects each policy's tag from the tags in --tags FILE (a JSON object:
/// `images` maps each image, or ImageRepository `namespace/name`, to its tags; `digests` maps
/// `image:tag` to a digest; `latest` pins a policy `namespace:name` to `image:tag`; `-` reads
/// standard input), and rewrites the values marked `# {"$imagepolicy": "namespace:policy"}`
/// as Flux would,
/// keeping every other byte. Every overlay that reads an edited file is rendered before and
/// after. --write writes the edits unless there are errors; rendered changes beyond the marked
/// values (collateral) need --force.
#[derive(Debug, clap::Args)]
#[command(after_help = "Exit codes: 0 no change or applied, 1 problems found (nothing \
                        written), 2 could not run (a malformed tags file names the bad field).")]
pub struct Args {
    /// JSON file of tags per image (`-`: standard input)
    #[arg(long, value_name = "FILE")]
    tags: String,
    /// Output format: `json` gives the shapes of the JS API, `markdown` a pull request comment
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    markdown: MarkdownArgs,
    /// Write the edits to disk (never while there are errors)
    #[arg(long)]
    write: bool,
    /// With --write: write even when the edits change rendered manifests beyond the marked values
    #[arg(long, requires = "write")]
    force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

pub fn run(args: &Args, context: &Context) -> Outcome {
    args.markdown.check(args.format == Format::Markdown)?;
    let input = read_input(&args.tags)?;
    let repository = context.repository()?;
    let mut workspace = Workspace::new(repository.tree);
    let mut update = workspace.image_update(&input);
    // Flux walks the files under each automation's path: an entry left out could hold a
    // marker or an object.
    disk::report_skipped(repository.skipped, &mut update.diagnostics, |_| true);
    let text = match args.format {
        Format::Text => {
            output::image_update_text(&update, output::Palette::new(context.terminal.out_color))
        }
        Format::Json => output::json(&update),
        Format::Markdown => {
            let parts = markdown::report::image_update(&update).parts();
            if let Some(dir) = &args.markdown.comment_dir {
                markdown::write_parts(dir, &parts)?;
            }
            markdown::joined(&parts)
        }
    };
    context.terminal.out(&text)?;
    if !args.write {
        return Ok(verdict(&update));
    }
    let found = obstacles(&update, Flags { force: args.force, allow_downgrade: false });
    Ok(match write_guarded(context, &update.edits, found)? {
        Written::Refused => Exit::Problems,
        Written::PastObstacles | Written::Clear => Exit::Clean,
    })
}

/// Problems when anything is in error: the update, or a policy's election.
fn verdict(update: &ImageUpdate) -> Exit {
    let policies = update.policies.iter().flat_map(|p| &p.diagnostics);
    if update.diagnostics.iter().chain(policies).any(baton_core::Diagnostic::is_error) {
        Exit::Problems
    } else {
        Exit::Clean
    }
}

/// Everything that stands between an image update and the disk: errors (never lifted), then
/// each collateral change (lifted by `--force`).
pub fn obstacles(update: &ImageUpdate, flags: Flags) -> Vec<Obstacle> {
    let mut found = Vec::new();
    let policies = update.policies.iter().flat_map(|p| &p.diagnostics);
    for d in update.diagnostics.iter().chain(policies).filter(|d| d.is_error()) {
        let at = d.file.as_deref().map(|f| format!(" ({f})")).unwrap_or_default();
        found.push(Obstacle::fixed(format!("error[{}]{at}: {}", d.code, d.message)));
    }
    for c in &update.collateral {
        found.push(Obstacle::liftable(
            format!("collateral: {}", c.message),
            "--force",
            flags.force,
        ));
    }
    found
}

/// The input file (or standard input for `-`), decoded strictly: an error names the JSON
/// path of the bad field.
pub(crate) fn read_input(path: &str) -> Result<ImageUpdateInput, String> {
    let (name, text) = if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read tags from standard input: {e}"))?;
        ("<stdin>".to_string(), text)
    } else {
        let text = std::fs::read_to_string(Path::new(path))
            .map_err(|e| format!("cannot read tags file '{path}': {e}"))?;
        (path.to_string(), text)
    };
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("invalid tags file {name}: not JSON: {e}"))?;
    if !value.is_object() {
        return Err(format!(
            "invalid tags file {name}: $: expected an object with `images`, `digests` or `latest`"
        ));
    }
    github::decode(&name, &value, "$").map_err(|e| format!("invalid tags file {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: &str) -> Result<ImageUpdateInput, String> {
        let dir = std::env::temp_dir().join(format!("baton-tags-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let path = dir.join(format!("t{}.json", json.len()));
        std::fs::write(&path, json).map_err(|e| e.to_string())?;
        let out = read_input(&path.display().to_string());
        let _ = std::fs::remove_file(&path);
        out
    }

    #[test]
    fn the_tags_file_is_decoded_strictly_with_the_path_of_a_bad_field() {
        let ok =
            input(r#"{"images": {"r/app": ["1.0.0", "2.0.0"]}, "latest": {"ns:app": "r/app:3"}}"#)
                .unwrap();
        assert_eq!(ok.images["r/app"].iter().collect::<Vec<_>>(), ["1.0.0", "2.0.0"]);
        assert_eq!(ok.latest["ns:app"], "r/app:3");
        let bad = input(r#"{"images": {"r/app": ["1.0.0", 2]}}"#).unwrap_err();
        assert!(bad.contains("$.images.r/app[1]"), "{bad}");
        let bad = input(r#"{"image": {}}"#).unwrap_err();
        assert!(bad.contains("unknown field `image`"), "{bad}");
        let bad = input(r#"["1.0.0"]"#).unwrap_err();
        assert!(bad.contains("$: expected an object"), "{bad}");
        let bad = input("{").unwrap_err();
        assert!(bad.contains("not JSON"), "{bad}");
        assert!(
            read_input("/nonexistent/tags.json").unwrap_err().contains("cannot read tags file")
        );
    }
}
