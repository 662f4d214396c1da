//! Command-line parsing, by hand: the grammar is small and a dependency would not pay.

use std::path::PathBuf;

pub const USAGE: &str = "\
usage: baton <command> [options]

commands:
  validate [--root DIR] [--format text|json|sarif]
      Check every YAML file and render every kustomization; report problems.
  render [--root DIR] [--format yaml|json] PATH
      Print what `kustomize build PATH` prints (PATH is relative to the current directory).
  status [--root DIR] [--format text|json]
      Show what every app runs in every environment, and pending promotions.
  promote [--root DIR] --app APP --to ENV [--from ENV] [--context FILE] [--format text|json] [--write]
      Plan a promotion: edits, rendered diff, gates. --write applies the edits to disk.
      Exit 0 when the gates allow it, 1 when blocked or on errors.
  version
      Print the engine version.

options:
  --root DIR     repository root (default: the current directory)
  --format F     output format

exit codes: 0 clean, 1 problems found, 2 could not run";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Yaml,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Validate {
        root: PathBuf,
        format: Format,
    },
    Render {
        root: PathBuf,
        path: PathBuf,
        format: Format,
    },
    Status {
        root: PathBuf,
        format: Format,
    },
    Promote {
        root: PathBuf,
        app: String,
        to: String,
        from: Option<String>,
        context: Option<PathBuf>,
        format: Format,
        write: bool,
    },
}

/// Parses arguments (without the program name).
pub fn parse(argv: &[String]) -> Result<Command, String> {
    let Some((name, rest)) = argv.split_first() else { return Ok(Command::Help) };
    let mut root = PathBuf::from(".");
    let mut format: Option<Format> = None;
    let mut named: std::collections::BTreeMap<&'static str, String> =
        std::collections::BTreeMap::new();
    let mut write = false;
    let mut positional = Vec::new();
    let mut iter = rest.iter();
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |what: &str| {
            inline.clone().or_else(|| iter.next().cloned()).ok_or(format!("{what} needs a value"))
        };
        match flag {
            "--root" => root = PathBuf::from(value("--root")?),
            "--format" => format = Some(parse_format(&value("--format")?)?),
            "--app" => {
                named.insert("app", value("--app")?);
            }
            "--to" => {
                named.insert("to", value("--to")?);
            }
            "--from" => {
                named.insert("from", value("--from")?);
            }
            "--context" => {
                named.insert("context", value("--context")?);
            }
            "--write" => write = true,
            "-h" | "--help" => return Ok(Command::Help),
            f if f.starts_with('-') && f.len() > 1 => return Err(format!("unknown option '{f}'")),
            _ => positional.push(arg.clone()),
        }
    }
    let command = match name.as_str() {
        "help" | "-h" | "--help" => Command::Help,
        "version" | "--version" => Command::Version,
        "validate" => {
            no_positional(&positional)?;
            let format = allowed(
                format.unwrap_or(Format::Text),
                &[Format::Text, Format::Json, Format::Sarif],
            )?;
            Command::Validate { root, format }
        }
        "render" => {
            let [path] = &positional[..] else {
                return Err("render takes exactly one PATH".into());
            };
            let format = allowed(format.unwrap_or(Format::Yaml), &[Format::Yaml, Format::Json])?;
            Command::Render { root, path: PathBuf::from(path), format }
        }
        "status" => {
            no_positional(&positional)?;
            let format = allowed(format.unwrap_or(Format::Text), &[Format::Text, Format::Json])?;
            Command::Status { root, format }
        }
        "promote" => {
            no_positional(&positional)?;
            let format = allowed(format.unwrap_or(Format::Text), &[Format::Text, Format::Json])?;
            let app = named.remove("app").ok_or("promote needs --app APP")?;
            let to = named.remove("to").ok_or("promote needs --to ENV")?;
            Command::Promote {
                root,
                app,
                to,
                from: named.remove("from"),
                context: named.remove("context").map(PathBuf::from),
                format,
                write,
            }
        }
        other => return Err(format!("unknown command '{other}'")),
    };
    if let Some(flag) = named.keys().next() {
        return Err(format!("--{flag} is not an option of this command"));
    }
    if write && !matches!(command, Command::Promote { .. }) {
        return Err("--write is only an option of promote".into());
    }
    Ok(command)
}

fn parse_format(value: &str) -> Result<Format, String> {
    match value {
        "text" => Ok(Format::Text),
        "json" => Ok(Format::Json),
        "sarif" => Ok(Format::Sarif),
        "yaml" => Ok(Format::Yaml),
        other => Err(format!("unknown format '{other}'")),
    }
}

fn allowed(format: Format, formats: &[Format]) -> Result<Format, String> {
    if formats.contains(&format) {
        Ok(format)
    } else {
        Err(format!("format {format:?} is not available for this command"))
    }
}

fn no_positional(positional: &[String]) -> Result<(), String> {
    match positional.first() {
        Some(extra) => Err(format!("unexpected argument '{extra}'")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Command, String> {
        parse(&args.iter().map(|s| (*s).to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn parses_commands() {
        assert_eq!(
            p(&["validate", "--root", "r", "--format=json"]),
            Ok(Command::Validate { root: "r".into(), format: Format::Json })
        );
        assert_eq!(
            p(&["render", "apps/x/prod"]),
            Ok(Command::Render {
                root: ".".into(),
                path: "apps/x/prod".into(),
                format: Format::Yaml
            })
        );
        assert!(p(&["render"]).is_err());
        assert!(p(&["validate", "--bogus"]).is_err());
        assert!(p(&["validate", "--format", "yaml"]).is_err());
        assert!(p(&["frobnicate"]).is_err());
        assert_eq!(p(&[]), Ok(Command::Help));
        assert_eq!(
            p(&["promote", "--app", "pay", "--to=production", "--write"]),
            Ok(Command::Promote {
                root: ".".into(),
                app: "pay".into(),
                to: "production".into(),
                from: None,
                context: None,
                format: Format::Text,
                write: true
            })
        );
        assert!(p(&["promote", "--to", "production"]).is_err());
        assert!(p(&["status", "--app", "x"]).is_err());
        assert!(p(&["validate", "--write"]).is_err());
    }
}
