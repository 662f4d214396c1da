//! The command line as a Unix user meets it: help per command, suggestions for typos, short
//! usage errors, completions, arguments that are not UTF-8, closed pipes and color.

#![allow(clippy::unwrap_used)]

mod common;

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::{Output, Stdio};

use common::{Repo, baton, command, stderr, stdout};

const COMMANDS: &[&str] = &["validate", "render", "status", "promote", "completions", "version"];

#[test]
fn every_command_has_its_own_help() {
    let repo = Repo::seeded(&[]);
    for name in COMMANDS {
        for flag in ["--help", "-h"] {
            let out = baton(&repo, &[name, flag]);
            assert_eq!(out.status.code(), Some(0), "{name} {flag}: {}", stderr(&out));
            assert_eq!(stderr(&out), "", "{name} {flag}");
            let text = stdout(&out);
            assert!(text.contains(&format!("Usage: baton {name}")), "{name} {flag}:\n{text}");
            // Another command's options are not this command's help.
            if *name != "promote" {
                assert!(!text.contains("--app"), "{name} {flag}:\n{text}");
            }
        }
        let out = baton(&repo, &["help", name]);
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains(&format!("Usage: baton {name}")), "help {name}");
    }
    let text = stdout(&baton(&repo, &["promote", "--help"]));
    for flag in ["--app", "--to", "--from", "--context", "--format", "--write", "--force"] {
        assert!(text.contains(flag), "promote --help lacks {flag}:\n{text}");
    }
    // No command: the overview, on stdout, exit 0.
    let out = baton::<&str>(&repo, &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Usage: baton [OPTIONS] [COMMAND]"), "{}", stdout(&out));
}

/// A usage error names the problem, suggests the near miss, and shows one usage line, not
/// the whole help.
#[test]
fn typos_get_suggestions_and_short_errors() {
    let repo = Repo::seeded(&[]);
    let cases: &[(&[&str], &str)] = &[
        (&["valdate"], "a similar subcommand exists: 'validate'"),
        (&["promte", "--app", "web"], "a similar subcommand exists: 'promote'"),
        (&["validate", "--formt", "json"], "a similar argument exists: '--format'"),
        (&["promote", "--app", "web", "--too", "production"], "a similar argument exists: '--to'"),
        (&["validate", "--format", "sarf"], "possible values: text, json, sarif"),
    ];
    for (args, tip) in cases {
        let out = baton(&repo, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(stdout(&out), "", "{args:?}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(err.contains(tip), "{args:?}: {err}");
        assert!(err.lines().filter(|l| l.starts_with("Usage: ")).count() <= 1, "{args:?}: {err}");
        assert!(err.lines().count() <= 8, "{args:?}: the whole usage is printed:\n{err}");
        assert!(!err.contains("Exit codes"), "{args:?}: {err}");
    }
}

/// `--app --to production` forgot the app: `--to` is not an app name.
#[test]
fn a_flag_is_not_a_value() {
    let repo = Repo::seeded(&[]);
    for args in [
        &["promote", "--app", "--to", "production"][..],
        &["promote", "--app=--to", "--to", "production"],
        &["promote", "--app", "web", "--to", "-x"],
        &["validate", "--root", "--format", "json"],
    ] {
        let out = baton(&repo, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stdout(&out));
        assert!(stderr(&out).starts_with("error: "), "{args:?}: {}", stderr(&out));
    }
    let err = stderr(&baton(&repo, &["promote", "--app", "--to", "production"]));
    assert!(err.contains("a value is required for '--app <APP>'"), "{err}");
}

fn bytes(b: &[u8]) -> OsString {
    OsString::from_vec(b.to_vec())
}

/// Arguments are `OsString`s: one that is not UTF-8 is a usage error where a name is needed,
/// and a working path where a path is.
#[test]
fn arguments_that_are_not_utf8_never_panic() {
    let repo = Repo::seeded(&[]);
    // (arguments, what the error says)
    let cases: Vec<(Vec<OsString>, &str)> = vec![
        (vec![bytes(b"valid\xffate")], "unrecognized subcommand"),
        (vec!["validate".into(), bytes(b"--format=\xff")], "invalid value"),
        (
            vec!["promote".into(), "--app".into(), bytes(b"w\xffb"), "--to".into(), "prod".into()],
            "invalid UTF-8",
        ),
        (vec!["render".into(), bytes(b"apps/\xff/production")], "not UTF-8"),
        (vec!["completions".into(), bytes(b"\xff")], "invalid value"),
    ];
    for (args, says) in &cases {
        let out = baton(&repo, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    // A root whose name is not UTF-8 is just a directory.
    let outer = Repo::new(&[]);
    let root = outer.path().join(bytes(b"repo-\xff"));
    for (path, content) in common::seed() {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, content).unwrap();
    }
    let out = baton(&outer, &[OsString::from("validate"), "--root".into(), root.into()]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
}

/// Runs `baton ARGS` with standard output a pipe whose reader is already gone, as in
/// `baton ... | head -1` once head has exited.
fn into_closed_pipe(repo: &Repo, args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let child = command(repo, args).stdout(writer).stderr(Stdio::piped()).spawn().unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_ends_output_quietly() {
    let repo = Repo::seeded(&[("apps/web/base/broken.yaml", b"kind: [\n")]);
    let cases: &[(&[&str], i32)] = &[
        (&["--help"], 0),
        (&[], 0),
        (&["validate", "--help"], 0),
        (&["--version"], 0),
        (&["version"], 0),
        (&["completions", "bash"], 0),
        (&["render", "apps/web/production"], 0),
        (&["status"], 0),
        (&["validate"], 1),
        (&["validate", "--format", "sarif"], 1),
        (&["promote", "--app", "web", "--to", "production"], 0),
    ];
    for (args, code) in cases {
        let out = into_closed_pipe(&repo, args);
        assert_eq!(stderr(&out), "", "{args:?}");
        assert_eq!(out.status.code(), Some(*code), "{args:?}");
    }
}

/// The same through a shell, as a person types it.
#[test]
fn help_piped_to_head_exits_quietly() {
    let repo = Repo::seeded(&[]);
    let out = std::process::Command::new("bash")
        .current_dir(repo.path())
        .args(["-c", "set -o pipefail; \"$0\" --help | head -1", common::bin()])
        .output()
        .unwrap();
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out), "Baton: GitOps promotions and Kustomize rendering, offline.\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn completion_scripts_for_bash_zsh_and_fish() {
    let repo = Repo::seeded(&[]);
    let script = |shell: &str| {
        let out = baton(&repo, &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        stdout(&out)
    };
    let zsh = script("zsh");
    assert!(zsh.starts_with("#compdef baton"), "{zsh}");
    let fish = script("fish");
    assert!(fish.contains("complete -c baton") && fish.contains("promote"), "{fish}");
    // bash loads the script and registers the completion.
    let bash = script("bash");
    repo.write("baton.bash", bash.as_bytes());
    let out = std::process::Command::new("bash")
        .current_dir(repo.path())
        .args(["-c", "source ./baton.bash && complete -p baton"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("baton"), "{}", stdout(&out));
    assert!(bash.contains("--allow") || bash.contains("--force"), "{bash}");
    assert_eq!(baton(&repo, &["completions", "tcsh"]).status.code(), Some(2));
}

const ESC: &str = "\x1b[";

/// Runs `baton ARGS` on a pseudo-terminal (util-linux `script`), with `env` set.
fn on_a_terminal(repo: &Repo, args: &str, env: &[(&str, &str)]) -> String {
    let mut cmd = std::process::Command::new("script");
    cmd.current_dir(repo.path())
        .args(["-q", "-e", "-c", &format!("'{}' {args}", common::bin()), "/dev/null"])
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn color_only_on_a_terminal_and_never_with_no_color() {
    let repo = Repo::seeded(&[("apps/web/base/broken.yaml", b"kind: [\n")]);
    // A pipe: plain text, whatever the terminal would have had.
    let piped = stdout(&baton(&repo, &["validate"]));
    assert!(piped.contains("error[Y001]") && !piped.contains(ESC), "{piped:?}");
    // A terminal: the severity is colored.
    let tty = on_a_terminal(&repo, "validate", &[]);
    assert!(tty.contains(ESC) && tty.contains("error"), "{tty:?}");
    assert!(!tty.contains("error[Y001]"), "the severity is not colored: {tty:?}");
    // NO_COLOR wins over the terminal; --color never too; --color always wins over both.
    let no_color = on_a_terminal(&repo, "validate", &[("NO_COLOR", "1")]);
    assert!(no_color.contains("error[Y001]") && !no_color.contains(ESC), "{no_color:?}");
    let never = on_a_terminal(&repo, "validate --color never", &[]);
    assert!(never.contains("error[Y001]") && !never.contains(ESC), "{never:?}");
    let always = stdout(&baton(&repo, &["validate", "--color", "always"]));
    assert!(always.contains(ESC), "{always:?}");
    let forced = command(&repo, &["validate", "--color=always"]).env("NO_COLOR", "1").output();
    assert!(stdout(&forced.unwrap()).contains(ESC));
    // Without color the words are exactly the plain ones.
    assert_eq!(stdout(&baton(&repo, &["validate", "--color", "never"])), piped);
}
