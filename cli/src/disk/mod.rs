//! Reading a repository from disk into the core's in-memory tree, and writing a plan's edits
//! back.
//!
//! Two ways in. [`open_repository`] reads nothing up front: the tree asks its [`DiskHost`] for
//! each path it consults, so `baton render DIR` reads what the overlay needs and no more.
//! [`read_repository`] walks the root for the commands that look at the whole repository
//! (`validate`, `status`, `promote`): what belongs to it is decided entry by entry by [`rules`];
//! YAML files (what `validate` reads unprompted) are read up front, links recorded, and every
//! other file is left to the host, read only if a kustomization references it. Every entry left
//! out for a reason the user should know (a link leaving the repository, a name that is not
//! UTF-8, an unreadable entry, a cycle of links, a special file) comes back as a diagnostic
//! beside the tree, so commands report it instead of dropping it; so does a file the host
//! could not read. Files larger than the engine reads are recorded as too large without being
//! read.

pub mod host;
pub mod rules;

use std::fs;
use std::io::Read;
use std::path::{Component, Path};
use std::rc::Rc;

use baton_core::tree::{Content, MAX_FILE_BYTES};
use baton_core::{Diagnostic, FileTree};

use host::DiskHost;
use rules::{Entry, Rules, Skip};

/// A repository read from disk.
#[derive(Debug)]
pub struct Repository {
    pub tree: FileTree,
    /// One diagnostic per entry the walk left out for a reason (`T005`–`T009`), sorted by path.
    pub skipped: Vec<Diagnostic>,
    /// What reads the rest on demand; its problems are reported after the command ran.
    pub host: Rc<DiskHost>,
}

impl Repository {
    /// The entries left out of the walk and the files the host could not read so far.
    pub fn left_out(&mut self) -> Vec<Diagnostic> {
        let mut all = std::mem::take(&mut self.skipped);
        all.extend(self.host.take_problems());
        all
    }
}

/// The repository at `root` with nothing read yet: the tree asks the disk for what it consults.
pub fn open_repository(root: &Path) -> Result<Repository, String> {
    let rules = Rules::new(root)?;
    let host = Rc::new(DiskHost::new(rules.root_path().to_path_buf()));
    Ok(Repository { tree: FileTree::with_host(host.clone()), skipped: Vec::new(), host })
}

/// Walks the repository at `root` with the [`rules`]: every file read, links recorded; ignored
/// files are left to the host (read when a kustomization references them).
pub fn read_repository(root: &Path) -> Result<Repository, String> {
    let rules = Rules::new(root)?;
    let mut repository = open_repository(root)?;
    let mut stack = vec![rules.root()];
    while let Some(dir) = stack.pop() {
        let names = match dir.list() {
            Ok((names, failed)) => {
                if let Some(skip) = failed {
                    repository.skipped.push(skip.diagnostic(&dir.path));
                }
                names
            }
            Err(Skip::Unreadable { error }) if dir.path.is_empty() => {
                return Err(format!("cannot read root '{}': {error}", root.display()));
            }
            Err(skip) => {
                repository.skipped.push(skip.diagnostic(&dir.path));
                continue;
            }
        };
        for name in names {
            let path = dir.child(&name.to_string_lossy());
            match rules.classify(&dir, &name) {
                // Every file, not only YAML: an operation that deletes a directory (a
                // preview's cleanup) or lists one must see all of it.
                Entry::File { len } => {
                    let read = read_content(&dir.full(&name), len)
                        .and_then(|c| insert(&mut repository.tree, &path, c));
                    if let Err(skip) = read {
                        repository.skipped.push(skip.diagnostic(&path));
                    }
                }
                Entry::Ignored => {}
                Entry::Dir => stack.push(dir.enter(&name.to_string_lossy())),
                Entry::Link { target, problem } => {
                    if let Err(e) = repository.tree.insert_link(&path, &target) {
                        repository
                            .skipped
                            .push(Skip::Unreadable { error: e.to_string() }.diagnostic(&path));
                    }
                    if let Some(skip) = problem {
                        repository.skipped.push(skip.diagnostic(&path));
                    }
                }
                Entry::Skipped(skip) => repository.skipped.push(skip.diagnostic(&path)),
            }
        }
    }
    baton_core::diagnostic::sort(&mut repository.skipped);
    Ok(repository)
}

fn insert(tree: &mut FileTree, path: &str, content: Content) -> Result<(), Skip> {
    let inserted = match content {
        Content::TooLarge { len } => tree.insert_too_large(path, len),
        Content::Text(text) => tree.insert(path, text),
        Content::NotUtf8 { bytes, .. } => tree.insert_bytes(path, bytes.to_vec()),
    };
    inserted.map(drop).map_err(|e| Skip::Unreadable { error: e.to_string() })
}

/// Adds to an operation's `diagnostics` the entries left out of the repository that `matter`
/// to it, keeping them sorted. Returns whether any of those is an error.
pub fn report_skipped(
    skipped: Vec<Diagnostic>,
    diagnostics: &mut Vec<Diagnostic>,
    matter: impl Fn(&Diagnostic) -> bool,
) -> bool {
    let before = diagnostics.len();
    diagnostics.extend(skipped.into_iter().filter(|d| matter(d)));
    let errors = diagnostics[before..].iter().any(Diagnostic::is_error);
    baton_core::diagnostic::sort(diagnostics);
    errors
}

/// A file's content: its bytes, or only its size when it is too large to read.
pub(crate) fn read_content(full: &Path, len: u64) -> Result<Content, Skip> {
    let unreadable = |e: &dyn std::fmt::Display| Skip::Unreadable { error: e.to_string() };
    if len > MAX_FILE_BYTES as u64 {
        return Ok(Content::TooLarge { len });
    }
    let file = fs::File::open(full).map_err(|e| unreadable(&e))?;
    let mut bytes = Vec::with_capacity(len as usize);
    // The length was read before the file was opened; a file that grew since is cut at the
    // limit plus one byte, which the engine reports as too large.
    file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(|e| unreadable(&e))?;
    Ok(Content::from_bytes(bytes))
}

/// A relative path as a repository path (`/`-separated). A component that is not UTF-8 cannot
/// be in the repository.
fn slash_path(path: &Path) -> Result<String, String> {
    let mut parts = Vec::new();
    for component in path.components() {
        if let Component::Normal(name) = component {
            let name = name.to_str().ok_or_else(|| {
                format!(
                    "'{}' is not UTF-8; repository paths are UTF-8 (the walk leaves such names out)",
                    path.display()
                )
            })?;
            parts.push(name);
        }
    }
    Ok(parts.join("/"))
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
            baton_core::tree::normalize(&slash_path(path)?).map_err(|e| e.to_string())
        }
        Err(e) => Err(format!("cannot resolve '{}': {e}", path.display())),
    }
}

fn inside(root: &Path, full: &Path, shown: &Path) -> Result<String, String> {
    let relative = full
        .strip_prefix(root)
        .map_err(|_| format!("'{}' is outside the root '{}'", shown.display(), root.display()))?;
    slash_path(relative)
}

/// Writes a change set's edits below `root` (creating, changing and deleting files), refusing
/// every file if any changed since it was read. Each file is written beside itself and renamed
/// into place, so a failure leaves whole files (old or new), never a half-written one; a file
/// reached through a link is written where the link points, keeping the link. Deletions come
/// last, once every write has landed.
pub fn write_edits(root: &Path, edits: &[baton_core::promote::FileEdit]) -> Result<(), String> {
    let mut writes = Vec::new();
    let mut deletes = Vec::new();
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
        match (&edit.before, &edit.after) {
            (_, None) => deletes.push(path),
            (Some(_), Some(after)) => {
                let real = path
                    .canonicalize()
                    .map_err(|e| format!("cannot resolve '{}': {e}", path.display()))?;
                writes.push((real, after.as_str()));
            }
            (None, Some(after)) => writes.push((path, after.as_str())),
        }
    }
    let mut staged = Vec::new();
    for (real, text) in &writes {
        let created = real.parent().map_or(Ok(()), fs::create_dir_all);
        match created
            .map_err(|e| format!("cannot create '{}': {e}", real.display()))
            .and_then(|()| stage(real, text))
        {
            Ok(temporary) => staged.push((temporary, real)),
            Err(e) => {
                for (temporary, _) in &staged {
                    let _ = fs::remove_file(temporary);
                }
                return Err(e);
            }
        }
    }
    for (temporary, real) in staged {
        fs::rename(&temporary, real)
            .map_err(|e| format!("cannot write '{}': {e}", real.display()))?;
    }
    for path in &deletes {
        fs::remove_file(path).map_err(|e| format!("cannot delete '{}': {e}", path.display()))?;
    }
    // Directories a deletion left empty go too (a removed preview leaves nothing behind);
    // the root, and a directory that still holds anything, stay.
    for path in &deletes {
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != root && d.starts_with(root)) {
            if fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    Ok(())
}

/// Writes `text` to a new file beside `real`, with `real`'s permissions.
fn stage(real: &Path, text: &str) -> Result<std::path::PathBuf, String> {
    let mut name = real.file_name().unwrap_or_default().to_os_string();
    name.push(".baton-write");
    let temporary = real.with_file_name(name);
    let fail = |e: std::io::Error| format!("cannot write '{}': {e}", temporary.display());
    fs::write(&temporary, text).map_err(fail)?;
    if let Ok(meta) = fs::metadata(real) {
        fs::set_permissions(&temporary, meta.permissions()).map_err(fail)?;
    }
    Ok(temporary)
}

#[cfg(test)]
mod write_tests {
    use baton_core::changeset::ChangeSet;
    use baton_core::tree::FileTree;

    use super::write_edits;

    /// A change set writes creations, edits and deletions, and refuses them all when a file
    /// changed since it was read.
    #[test]
    fn writes_creations_edits_and_deletions() {
        let root = std::env::temp_dir().join(format!("baton-write-edits-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(root.join("a/keep.yaml"), "x: 1\n").unwrap();
        std::fs::write(root.join("a/gone.yaml"), "y: 1\n").unwrap();
        let mut tree = FileTree::new();
        tree.insert("a/keep.yaml", "x: 1\n").unwrap();
        tree.insert("a/gone.yaml", "y: 1\n").unwrap();
        let mut change = ChangeSet::new();
        change.write(&tree, "a/keep.yaml", "x: 2\n").unwrap();
        change.write(&tree, "b/c/new.yaml", "z: 1\n").unwrap();
        change.delete(&tree, "a/gone.yaml").unwrap();
        let edits = change.into_edits();

        std::fs::write(root.join("a/gone.yaml"), "y: 2\n").unwrap();
        let refused = write_edits(&root, &edits).unwrap_err();
        assert!(refused.contains("a/gone.yaml"), "{refused}");
        assert_eq!(std::fs::read_to_string(root.join("a/keep.yaml")).unwrap(), "x: 1\n");
        assert!(!root.join("b").exists());

        std::fs::write(root.join("a/gone.yaml"), "y: 1\n").unwrap();
        write_edits(&root, &edits).unwrap();
        assert_eq!(std::fs::read_to_string(root.join("a/keep.yaml")).unwrap(), "x: 2\n");
        assert_eq!(std::fs::read_to_string(root.join("b/c/new.yaml")).unwrap(), "z: 1\n");
        assert!(!root.join("a/gone.yaml").exists());
        assert!(root.join("a").is_dir(), "a directory that still holds a file stays");

        // Deleting the last files of a directory tree removes the directories they leave empty.
        let mut tree = FileTree::new();
        tree.insert("b/c/new.yaml", "z: 1\n").unwrap();
        tree.insert("a/keep.yaml", "x: 2\n").unwrap();
        let mut change = ChangeSet::new();
        change.delete(&tree, "b/c/new.yaml").unwrap();
        write_edits(&root, &change.into_edits()).unwrap();
        assert!(!root.join("b").exists(), "b/c and b were left empty");
        assert!(root.is_dir(), "the root stays");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
