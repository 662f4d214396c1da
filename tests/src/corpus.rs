//! The conformance corpus (`tests/conformance/cases`) as trees, for properties that reuse it.

use std::fs;
use std::path::{Path, PathBuf};

use baton_core::FileTree;

/// One conformance case: its input tree and the directory it renders.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub target: String,
    pub tree: FileTree,
}

/// The corpus directory.
#[must_use]
pub fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance").join("cases")
}

/// The case's target as the conformance runner reads it (`.` and `./x/` normalized).
#[must_use]
pub fn normalize_target(raw: &str) -> String {
    let t = raw.trim().trim_start_matches("./").trim_end_matches('/');
    if t == "." { String::new() } else { t.to_string() }
}

/// Every case, sorted by name.
pub fn load() -> std::io::Result<Vec<Case>> {
    let mut out = Vec::new();
    for dir in crate::subdirectories(&cases_dir())? {
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let target = normalize_target(&fs::read_to_string(dir.join("target"))?);
        let tree = crate::read_tree(&dir.join("input"))?;
        out.push(Case { name, target, tree });
    }
    Ok(out)
}
