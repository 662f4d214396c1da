//! Where output goes: standard output and error, whether each is colored, and how a closed pipe
//! ends the program.
//!
//! Color follows the common conventions through `anstream` (the crate clap uses, so clap's own
//! help and errors agree with ours): `--color always|never` decides when given; otherwise
//! `NO_COLOR` turns color off, `CLICOLOR_FORCE` on, and color is used only on a terminal.
//! Output is written in one piece per call. A closed pipe (`baton render … | head`) ends
//! output quietly: the reader has what it wanted, and that is not an error to report.

use std::ffi::OsString;
use std::io::{self, Write};

/// When to color output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// Applies the choice process-wide, so that clap's help and errors follow it too.
    pub fn apply(self) {
        let choice = match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
    }

    /// The `--color` value of raw arguments, for the moment before they are parsed (a usage
    /// error must be printed in the colors asked for). The last occurrence wins, as in clap.
    pub fn scan(args: &[OsString]) -> ColorWhen {
        let mut found = ColorWhen::Auto;
        let mut iter = args.iter().map(|a| a.to_str());
        while let Some(arg) = iter.next() {
            let value = match arg {
                Some("--") => break,
                Some("--color") => iter.next().flatten(),
                Some(a) => a.strip_prefix("--color="),
                None => None,
            };
            match value {
                Some("always") => found = ColorWhen::Always,
                Some("never") => found = ColorWhen::Never,
                Some("auto") => found = ColorWhen::Auto,
                _ => {}
            }
        }
        found
    }
}

/// The two output streams, with the color decision made once for each.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    /// Whether standard output is colored.
    pub out_color: bool,
    /// Whether standard error is colored.
    pub err_color: bool,
}

impl Terminal {
    /// Decides color for both streams under the process-wide choice ([`ColorWhen::apply`]).
    #[must_use]
    pub fn detect() -> Terminal {
        let colored = |choice: anstream::ColorChoice| choice != anstream::ColorChoice::Never;
        Terminal {
            out_color: colored(anstream::AutoStream::choice(&io::stdout())),
            err_color: colored(anstream::AutoStream::choice(&io::stderr())),
        }
    }

    /// Writes to standard output. A closed pipe is not an error.
    #[allow(clippy::unused_self)] // the streams are the process's; `terminal.out` reads well
    pub fn out(self, text: &str) -> Result<(), String> {
        let mut out = io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                Err(format!("cannot write output: {e}"))
            }
            _ => Ok(()),
        }
    }

    /// Writes to standard error; a failure to report is not itself reportable.
    #[allow(clippy::unused_self)]
    pub fn err(self, text: &str) {
        let mut err = io::stderr().lock();
        let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(args: &[&str]) -> ColorWhen {
        ColorWhen::scan(&args.iter().map(OsString::from).collect::<Vec<_>>())
    }

    #[test]
    fn scans_the_color_flag_before_parsing() {
        assert_eq!(scan(&["validate"]), ColorWhen::Auto);
        assert_eq!(scan(&["--color", "never", "valdate"]), ColorWhen::Never);
        assert_eq!(scan(&["valdate", "--color=always"]), ColorWhen::Always);
        assert_eq!(scan(&["--color=never", "--color", "always"]), ColorWhen::Always);
        assert_eq!(scan(&["--color", "purple"]), ColorWhen::Auto);
        assert_eq!(scan(&["--", "--color=never"]), ColorWhen::Auto);
        assert_eq!(scan(&["--color"]), ColorWhen::Auto);
    }
}
