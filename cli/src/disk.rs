//! Reading a repository from disk into the core's in-memory tree.
//!
//! `.git`, `node_modules` and `target` are skipped. Files larger than the engine's limit are
//! recorded as too large without being read; symlinks are followed only when they stay
//! inside the root (directories never, so a link loop cannot hang the walk).

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use baton_core::FileTree;
use baton_core::tree::MAX_FILE_BYTES;

const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target"];

/// Reads every file below `root`.
pub fn read_tree(root: &Path) -> Result<FileTree, String> {
    let meta =
        fs::metadata(root).map_err(|e| format!("cannot read root '{}': {e}", root.display()))?;
    if !meta.is_dir() {
        return Err(format!("root '{}' is not a directory", root.display()));
    }
    let canonical_root = root
        .canonicalize()
        .map_err(|e| format!("cannot resolve root '{}': {e}", root.display()))?;
    let mut tree = FileTree::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(relative) = stack.pop() {
        let dir = root.join(&relative);
        let entries =
            fs::read_dir(&dir).map_err(|e| format!("cannot list '{}': {e}", dir.display()))?;
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(fs::DirEntry::file_name);
        for entry in entries {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let child = relative.join(name);
            let Ok(file_type) = entry.file_type() else { continue };
            if file_type.is_dir() {
                if !SKIPPED_DIRS.contains(&name) {
                    stack.push(child);
                }
            } else if file_type.is_file()
                || (file_type.is_symlink() && link_stays_inside(&entry.path(), &canonical_root))
            {
                add_file(&mut tree, &entry.path(), &child)?;
            }
        }
    }
    Ok(tree)
}

fn link_stays_inside(path: &Path, root: &Path) -> bool {
    path.canonicalize().is_ok_and(|target| target.starts_with(root) && target.is_file())
}

fn add_file(tree: &mut FileTree, path: &Path, relative: &Path) -> Result<(), String> {
    let key = slash_path(relative);
    let file =
        fs::File::open(path).map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    let len = file.metadata().map_or(0, |m| m.len());
    if len > MAX_FILE_BYTES as u64 {
        tree.insert_too_large(&key, len).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    tree.insert_bytes(&key, bytes).map_err(|e| e.to_string())?;
    Ok(())
}

fn slash_path(path: &Path) -> String {
    path.components()
        .filter_map(|c| if let Component::Normal(s) = c { s.to_str() } else { None })
        .collect::<Vec<_>>()
        .join("/")
}

/// The repository path of `path`: a relative `path` is taken from the root when it exists
/// there, else from the current directory; the result must lie inside the root.
pub fn repo_relative(root: &Path, path: &Path) -> Result<String, String> {
    let canonical_root = root
        .canonicalize()
        .map_err(|e| format!("cannot resolve root '{}': {e}", root.display()))?;
    if path.is_relative() && root.join(path).exists() {
        let full = root
            .join(path)
            .canonicalize()
            .map_err(|e| format!("cannot resolve '{}': {e}", path.display()))?;
        return inside(&canonical_root, &full, path);
    }
    let full = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| e.to_string())?.join(path)
    };
    match full.canonicalize() {
        Ok(full) => inside(&canonical_root, &full, path),
        // A path that does not exist goes to the engine as written, which reports it.
        Err(_) if path.is_relative() => {
            baton_core::tree::normalize(&path.to_string_lossy().replace('\\', "/"))
                .map_err(|e| e.to_string())
        }
        Err(e) => Err(format!("cannot resolve '{}': {e}", path.display())),
    }
}

fn inside(root: &Path, full: &Path, shown: &Path) -> Result<String, String> {
    full.strip_prefix(root)
        .map(slash_path)
        .map_err(|_| format!("'{}' is outside the root '{}'", shown.display(), root.display()))
}

/// Writes a change set's edits below `root` (creating, changing or deleting files), refusing
/// all of them if any file changed since it was read.
pub fn write_edits(root: &Path, edits: &[baton_core::changeset::FileEdit]) -> Result<(), String> {
    for edit in edits {
        let path = root.join(&edit.path);
        let current = match fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("cannot read '{}': {e}", path.display())),
        };
        if current != edit.before {
            return Err(format!("'{}' changed since it was read; nothing written", edit.path));
        }
    }
    for edit in edits {
        let path = root.join(&edit.path);
        let written = match &edit.after {
            Some(text) => path
                .parent()
                .map_or(Ok(()), fs::create_dir_all)
                .and_then(|()| fs::write(&path, text)),
            None => fs::remove_file(&path),
        };
        written.map_err(|e| format!("cannot write '{}': {e}", path.display()))?;
    }
    Ok(())
}
