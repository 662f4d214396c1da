//! The kustomize conformance corpus: every case in `tests/conformance/cases` rendered by
//! Baton and compared byte for byte with what kustomize v5.8.1 printed.
//!
//! A case whose Baton output deliberately differs has a folder in
//! `tests/conformance/overrides/<case>/` with `reason.md` and Baton's expected output
//! (`expected.yaml` or `expected-error.txt`), which then replaces the oracle's. Error cases
//! pass when Baton reports at least one error and prints nothing. Set `CONFORMANCE_FILTER`
//! to run only cases whose name contains it. The summary line is `conformance: N passed,
//! M failed`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use baton_core::Workspace;

struct Case {
    name: String,
    dir: PathBuf,
}

enum Expected {
    Output(String),
    Error(String),
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance");
    let filter = std::env::var("CONFORMANCE_FILTER").unwrap_or_default();
    let cases: Vec<Case> = match baton_tests::subdirectories(&root.join("cases")) {
        Ok(dirs) => dirs
            .into_iter()
            .filter_map(|dir| {
                let name = dir.file_name()?.to_string_lossy().into_owned();
                name.contains(&filter).then_some(Case { name, dir })
            })
            .collect(),
        Err(e) => {
            eprintln!("cannot read the corpus: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut failures = Vec::new();
    for case in &cases {
        if let Err(why) = run_case(&root, case) {
            failures.push(format!("--- {}\n{why}", case.name));
        }
    }
    for failure in &failures {
        eprintln!("{failure}\n");
    }
    let passed = cases.len() - failures.len();
    println!("conformance: {passed} passed, {} failed", failures.len());
    if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn run_case(root: &Path, case: &Case) -> Result<(), String> {
    let target =
        fs::read_to_string(case.dir.join("target")).map_err(|e| format!("no target file: {e}"))?;
    let target = target.trim().trim_start_matches("./").trim_end_matches('/');
    let target = if target == "." { "" } else { target };
    let tree = baton_tests::read_tree(&case.dir.join("input"))
        .map_err(|e| format!("cannot read input: {e}"))?;
    let expected = expected_for(root, case)?;
    let mut workspace = Workspace::new(tree.clone());
    let rendered = workspace.render(target);
    let again = Workspace::new(tree).render(target);
    if again.yaml != rendered.yaml {
        return Err("render is not deterministic: two renders differ".into());
    }
    match expected {
        Expected::Output(want) => {
            if !rendered.ok() {
                let errors: Vec<String> = rendered
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| format!("{} {:?}: {}", d.code, d.file, d.message))
                    .collect();
                return Err(format!("expected output, got errors:\n  {}", errors.join("\n  ")));
            }
            if rendered.yaml != want {
                return Err(first_difference(&want, &rendered.yaml));
            }
            Ok(())
        }
        Expected::Error(oracle) => {
            if rendered.ok() {
                return Err(format!(
                    "kustomize fails here, Baton rendered instead.\nkustomize said: {}",
                    oracle.trim()
                ));
            }
            if !rendered.yaml.is_empty() {
                return Err("an error case must print nothing".into());
            }
            Ok(())
        }
    }
}

fn expected_for(root: &Path, case: &Case) -> Result<Expected, String> {
    let over = root.join("overrides").join(&case.name);
    for dir in [&over, &case.dir] {
        if let Ok(text) = fs::read_to_string(dir.join("expected.yaml")) {
            return Ok(Expected::Output(text));
        }
        if let Ok(text) = fs::read_to_string(dir.join("expected-error.txt")) {
            return Ok(Expected::Error(text));
        }
    }
    Err("the case has neither expected.yaml nor expected-error.txt".into())
}

/// A short report of where two outputs start to differ.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let line = w.iter().zip(&g).position(|(a, b)| a != b).unwrap_or(w.len().min(g.len()));
    let from = line.saturating_sub(3);
    let show = |lines: &[&str]| {
        lines.iter().skip(from).take(7).map(|l| format!("    |{l}")).collect::<Vec<_>>().join("\n")
    };
    format!(
        "output differs at line {}:\n  kustomize:\n{}\n  baton:\n{}",
        line + 1,
        show(&w),
        show(&g)
    )
}
