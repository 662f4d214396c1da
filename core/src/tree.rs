//! The repository as the engine sees it: an in-memory map from normalized relative paths to
//! file contents.
//!
//! The core never touches a disk. Hosts (the CLI, the wasm binding) fill a [`FileTree`] and the
//! engine reads it. Paths are `/`-separated and relative to the repository root, with no `.`
//! or `..` segments; [`join`] resolves a reference from inside one directory and refuses to
//! leave the root, which is how "paths never escape the repository" is enforced once, here.

use std::sync::Arc;

use crate::strmap::StrMap;

/// Largest file the engine reads. Larger files are reported, never parsed.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// What a file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Text(Arc<str>),
    /// Bytes that are not UTF-8; `valid_up_to` is the offset of the first bad byte. The bytes
    /// are kept because generators put binary files into `binaryData` and Secrets.
    NotUtf8 {
        valid_up_to: usize,
        len: usize,
        bytes: Arc<[u8]>,
    },
    /// A file the host did not load because it is larger than [`MAX_FILE_BYTES`].
    TooLarge {
        len: u64,
    },
}

/// Why a path is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    #[error("path `{0}` leaves the repository root")]
    EscapesRoot(String),
    #[error("path `{0}` is absolute; paths must be relative to the repository")]
    Absolute(String),
    #[error("path is empty")]
    Empty,
}

/// The in-memory repository.
#[derive(Debug, Clone, Default)]
pub struct FileTree {
    files: StrMap<Content>,
}

impl FileTree {
    #[must_use]
    pub fn new() -> Self {
        FileTree::default()
    }

    /// Adds or replaces a text file. The path is normalized; an invalid path is refused.
    pub fn insert(&mut self, path: &str, text: impl Into<Arc<str>>) -> Result<String, PathError> {
        let path = file_path(path)?;
        self.files.insert(path.clone(), Content::Text(text.into()));
        Ok(path)
    }

    /// Adds a file from raw bytes, keeping the fact that it is not UTF-8 if it is not.
    pub fn insert_bytes(&mut self, path: &str, bytes: Vec<u8>) -> Result<String, PathError> {
        let path = file_path(path)?;
        let content = match String::from_utf8(bytes) {
            Ok(text) => Content::Text(text.into()),
            Err(err) => Content::NotUtf8 {
                valid_up_to: err.utf8_error().valid_up_to(),
                len: err.as_bytes().len(),
                bytes: err.into_bytes().into(),
            },
        };
        self.files.insert(path.clone(), content);
        Ok(path)
    }

    /// Records a file too large to load, so that references to it get a clear diagnostic.
    pub fn insert_too_large(&mut self, path: &str, len: u64) -> Result<String, PathError> {
        let path = file_path(path)?;
        self.files.insert(path.clone(), Content::TooLarge { len });
        Ok(path)
    }

    /// Removes a file; returns whether it was there.
    pub fn remove(&mut self, path: &str) -> bool {
        normalize(path).is_ok_and(|p| self.files.remove(&p).is_some())
    }

    #[must_use]
    pub fn get(&self, path: &str) -> Option<&Content> {
        self.files.get(path)
    }

    /// The raw bytes of a file, whether or not they are UTF-8 (`None` for a missing file or
    /// one too large to load).
    #[must_use]
    pub fn bytes(&self, path: &str) -> Option<&[u8]> {
        match self.files.get(path) {
            Some(Content::Text(text)) => Some(text.as_bytes()),
            Some(Content::NotUtf8 { bytes, .. }) => Some(bytes),
            _ => None,
        }
    }

    /// The text of a file, if it exists and is UTF-8.
    #[must_use]
    pub fn text(&self, path: &str) -> Option<&str> {
        match self.files.get(path) {
            Some(Content::Text(text)) => Some(text),
            _ => None,
        }
    }

    #[must_use]
    pub fn is_file(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// A directory exists when some file lies below it. The root always exists.
    #[must_use]
    pub fn is_dir(&self, path: &str) -> bool {
        if path.is_empty() {
            return true;
        }
        let prefix = format!("{path}/");
        self.files.range_from(&prefix).next().is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    /// Every file path, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys()
    }

    /// Files and their contents, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Content)> {
        self.files.iter()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The direct children of a directory: `(name, is_dir)`, sorted by name, each once.
    #[must_use]
    pub fn list_dir(&self, dir: &str) -> Vec<(String, bool)> {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let mut out: Vec<(String, bool)> = Vec::new();
        for (path, _) in self.files.range_from(&prefix) {
            let Some(rest) = path.strip_prefix(&prefix) else { break };
            let (name, is_dir) = match rest.find('/') {
                Some(i) => (&rest[..i], true),
                None => (rest, false),
            };
            match out.last_mut() {
                Some((last, last_is_dir)) if last == name => *last_is_dir |= is_dir,
                _ => out.push((name.to_string(), is_dir)),
            }
        }
        out
    }

    /// All files below a directory (recursively), sorted.
    pub fn files_under<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        self.files.range_from(&prefix).map(|(k, _)| k).take_while(move |k| k.starts_with(&prefix))
    }
}

/// A normalized path that can name a file (not the root itself).
pub fn file_path(path: &str) -> Result<String, PathError> {
    let normalized = normalize(path)?;
    if normalized.is_empty() { Err(PathError::Empty) } else { Ok(normalized) }
}

/// Normalizes a repository-relative path: `/` separators, no empty, `.` or `..` segments.
pub fn normalize(path: &str) -> Result<String, PathError> {
    if path.starts_with('/') {
        return Err(PathError::Absolute(path.to_string()));
    }
    join("", path)
}

/// Resolves `reference` relative to directory `dir` (already normalized). `..` may climb up
/// to the root and no further.
pub fn join(dir: &str, reference: &str) -> Result<String, PathError> {
    if reference.starts_with('/') {
        return Err(PathError::Absolute(reference.to_string()));
    }
    let mut parts: Vec<&str> = if dir.is_empty() { Vec::new() } else { dir.split('/').collect() };
    for segment in reference.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(PathError::EscapesRoot(reference.to_string()));
                }
            }
            s => parts.push(s),
        }
    }
    Ok(parts.join("/"))
}

/// Resolves `reference` inside the root the way `securejoin.SecureJoin(root, reference)` does
/// (Flux's `update.path`): `..` at the root stays at the root and a leading `/` means the
/// root, so the result never leaves it. Symlinks do not exist in a `FileTree`.
#[must_use]
pub fn join_clamped(reference: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for segment in reference.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The directory part of a normalized path (`""` for a file at the root).
#[must_use]
pub fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// The last segment of a normalized path.
#[must_use]
pub fn file_name(path: &str) -> &str {
    path.rfind('/').map_or(path, |i| &path[i + 1..])
}

/// Whether `path` is `dir` or lies below it.
#[must_use]
pub fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path == dir
        || (path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/'))
}

/// `path` relative to directory `from`, with `..` segments as needed (both normalized).
#[must_use]
pub fn relative(from: &str, path: &str) -> String {
    let from_parts: Vec<&str> =
        if from.is_empty() { Vec::new() } else { from.split('/').collect() };
    let path_parts: Vec<&str> =
        if path.is_empty() { Vec::new() } else { path.split('/').collect() };
    let common = from_parts.iter().zip(&path_parts).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; from_parts.len() - common];
    out.extend(&path_parts[common..]);
    if out.is_empty() { ".".to_string() } else { out.join("/") }
}

/// A tree of text files, for tests.
#[cfg(test)]
pub(crate) fn of(files: &[(&str, &str)]) -> FileTree {
    let mut tree = FileTree::new();
    for (path, text) in files {
        tree.insert(path, *text).unwrap();
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_and_join() {
        assert_eq!(normalize("./a//b/./c").unwrap(), "a/b/c");
        assert_eq!(join("apps/x/prod", "../base").unwrap(), "apps/x/base");
        assert_eq!(join("apps", "../..").unwrap_err(), PathError::EscapesRoot("../..".into()));
        assert_eq!(join("", "..").unwrap_err(), PathError::EscapesRoot("..".into()));
        assert!(matches!(normalize("/etc/passwd"), Err(PathError::Absolute(_))));
        assert_eq!(join("a", "b/../../c").unwrap(), "c");
        assert_eq!(file_path("./"), Err(PathError::Empty));
        assert_eq!(join_clamped("../../clusters/./dev/"), "clusters/dev");
        assert_eq!(join_clamped("/abs/../x"), "x");
        assert_eq!(join_clamped("./"), "");
        assert!(FileTree::new().insert("", "x").is_err());
    }

    #[test]
    fn directories_are_derived_from_files() {
        let mut tree = FileTree::new();
        tree.insert("apps/a/base/k.yaml", "x").unwrap();
        tree.insert("apps/a/prod/k.yaml", "x").unwrap();
        tree.insert("apps/ab.yaml", "x").unwrap();
        assert!(tree.is_dir("apps/a"));
        assert!(!tree.is_dir("apps/ab.yaml"));
        assert!(!tree.is_dir("app"));
        assert_eq!(
            tree.list_dir("apps"),
            vec![("a".to_string(), true), ("ab.yaml".to_string(), false)]
        );
        assert_eq!(tree.list_dir("apps/a"), vec![("base".into(), true), ("prod".into(), true)]);
        assert_eq!(tree.files_under("apps/a").count(), 2);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_kept_as_such() {
        let mut tree = FileTree::new();
        tree.insert_bytes("bad.yaml", vec![b'a', 0xff, b'b']).unwrap();
        assert_eq!(
            tree.get("bad.yaml"),
            Some(&Content::NotUtf8 {
                valid_up_to: 1,
                len: 3,
                bytes: vec![b'a', 0xff, b'b'].into()
            })
        );
        assert_eq!(tree.text("bad.yaml"), None);
        assert_eq!(tree.bytes("bad.yaml"), Some(&[b'a', 0xff, b'b'][..]));
        tree.insert("ok.txt", "hé").unwrap();
        assert_eq!(tree.bytes("ok.txt"), Some("hé".as_bytes()));
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative("apps/a/prod", "apps/a/base"), "../base");
        assert_eq!(relative("", "a/b"), "a/b");
        assert_eq!(relative("a/b", "a/b"), ".");
        assert!(is_within("a/b/c", "a/b"));
        assert!(!is_within("a/bc", "a/b"));
    }
}
