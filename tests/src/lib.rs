//! Helpers shared by the cross-cutting test suites: reading fixture trees from disk.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod corpus;
pub mod fleet;
pub mod mutate;
pub mod rng;
pub mod surgical;
pub mod synth;

use std::fs;
use std::path::Path;

use baton_core::FileTree;

/// A number from the environment (decimal, or hex with `0x`), for the property tests' knobs
/// (`BATON_PROP_CASES`, `BATON_PROP_SEED`, `BATON_PROP_REPLAY`).
#[must_use]
pub fn env_number(name: &str) -> Option<u64> {
    let raw = std::env::var(name).ok()?;
    let raw = raw.trim();
    match raw.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => raw.parse().ok(),
    }
}

/// Reads every file below `dir` into a tree (paths relative to `dir`); symbolic links are
/// recorded as links, with their targets as written, for the engine to follow.
pub fn read_tree(dir: &Path) -> std::io::Result<FileTree> {
    let invalid = |e: baton_core::tree::PathError| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string())
    };
    let mut tree = FileTree::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let mut entries: Vec<_> = fs::read_dir(&current)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(fs::DirEntry::file_name);
        for entry in entries {
            let path = entry.path();
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let key: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let file_type = entry.file_type()?;
            if file_type.is_symlink() {
                let target = fs::read_link(&path)?;
                tree.insert_link(&key.join("/"), &target.to_string_lossy()).map_err(invalid)?;
            } else if file_type.is_dir() {
                stack.push(path);
            } else {
                tree.insert_bytes(&key.join("/"), fs::read(&path)?).map_err(invalid)?;
            }
        }
    }
    Ok(tree)
}

/// The directories directly below `dir`, sorted by name.
pub fn subdirectories(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut dirs: Vec<_> = fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    Ok(dirs)
}
