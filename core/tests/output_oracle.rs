//! kustomize's printing of single resources, checked against real kustomize output.
//!
//! Each case in `tests/data/output-oracle/` is `NAME.in.yaml` (one resource) with either
//! `NAME.out.yaml`, what `kubectl kustomize` printed for it, or `NAME.err.txt`, kustomize's
//! error (where we only require an error). `regen.sh` there rebuilds the expectations from the
//! oracle.

// The test reads its fixtures from disk; the engine under test does no I/O.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use baton_core::yaml::emit::kustomize_yaml;
use baton_core::yaml::{Limits, parse};

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/output-oracle");
    let mut inputs: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("case directory")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.to_string_lossy().ends_with(".in.yaml"))
        .collect();
    inputs.sort();
    inputs
}

fn sibling(input: &Path, suffix: &str) -> PathBuf {
    let name = input.file_name().and_then(|n| n.to_str()).expect("utf-8 file name");
    input.with_file_name(name.replace(".in.yaml", suffix))
}

#[test]
fn printing_matches_kustomize() {
    let inputs = cases();
    let mut failures = Vec::new();
    for input in &inputs {
        let name = input
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .trim_end_matches(".in.yaml");
        let text = fs::read_to_string(input).expect("case input");
        let parsed = parse(&Arc::from(name), &text, &Limits::default());
        assert!(parsed.diagnostics.is_empty(), "{name}: {:?}", parsed.diagnostics);
        let root = &parsed.documents[0].root;
        let ours = kustomize_yaml(root);
        let expected_out = sibling(input, ".out.yaml");
        let expected_err = sibling(input, ".err.txt");
        match (fs::read_to_string(&expected_out), ours) {
            (Ok(expected), Ok(actual)) if expected == actual => {}
            (Ok(expected), Ok(actual)) => {
                failures.push(format!("{name}: output differs\n{}", diff(&expected, &actual)));
            }
            (Ok(_), Err(err)) => failures.push(format!("{name}: unexpected error: {err}")),
            (Err(_), Err(_)) if expected_err.exists() => {}
            (Err(_), Ok(actual)) if expected_err.exists() => {
                let kustomize = fs::read_to_string(&expected_err).unwrap_or_default();
                failures.push(format!(
                    "{name}: kustomize fails ({}) but we printed:\n{actual}",
                    kustomize.trim()
                ));
            }
            (Err(_), _) => failures.push(format!("{name}: no expected output; run regen.sh")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n\n")
    );
    assert!(inputs.len() >= 150, "only {} cases", inputs.len());
}

/// The first differing line, with its neighbours.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.split_inclusive('\n').collect();
    let a: Vec<&str> = actual.split_inclusive('\n').collect();
    let at = e.iter().zip(&a).position(|(x, y)| x != y).unwrap_or(e.len().min(a.len()));
    let from = at.saturating_sub(2);
    let show = |lines: &[&str]| {
        let mut out = String::new();
        for line in lines.iter().skip(from).take(5) {
            out.push_str(&format!("    {line:?}\n"));
        }
        out
    };
    format!("  line {}:\n  kustomize:\n{}  baton:\n{}", at + 1, show(&e), show(&a))
}
