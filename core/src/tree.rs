//! The repository as the engine sees it: normalized relative paths → file contents, the
//! symbolic links among them, and, for a host that reads its files lazily, a [`Host`] asked for
//! whatever the tree was not given.
//!
//! The core never touches a disk. Hosts fill a [`FileTree`] and the engine reads it. Paths are
//! `/`-separated and relative to the repository root, with no `.` or `..` segments; [`join`]
//! resolves a reference from inside one directory and refuses to leave the root, which is how
//! "paths never escape the repository" is enforced once, here.
//!
//! Links: a host that knows them records each with its target as written
//! ([`FileTree::insert_link`]); reads follow them ([`FileTree::get`], [`FileTree::is_file`],
//! [`FileTree::is_dir`]) as a file system does, and [`FileTree::resolve`] gives the real path
//! a path leads to, one component at a time as Go's `filepath.EvalSymlinks` does (kustomize
//! applies it to every root and file it loads, so its load restrictions and cycle checks are
//! about real paths). A link whose target leaves the repository is never followed; more than
//! 255 links on one path is a loop, as for Go.
//!
//! Lazy hosts: the CLI does not read a whole repository to render one overlay. It gives the
//! tree a [`Host`] instead (typst's `World` is the model), which the tree asks about every path
//! it was not given: what kind of entry is there, and a file's content when it is read. A tree
//! given every file (the wasm binding, tests) has no host. Listings ([`FileTree::paths`],
//! [`FileTree::list_dir`], [`FileTree::files_under`]) cover what the tree was given: whatever
//! walks the repository (validate, app discovery) works on what the host gave up front.

use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

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

/// The in-memory repository, and the host it asks for what it was not given.
#[derive(Debug, Clone, Default)]
pub struct FileTree {
    files: BTreeMap<String, Content>,
    /// Symbolic links: path → target as written, held as `Content::Text` so that the tree
    /// uses one map type (each `BTreeMap` instantiation costs kilobytes of wasm).
    links: BTreeMap<String, Content>,
    host: Option<Rc<dyn Host>>,
}

/// What is at one path, links not followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    /// A symbolic link, with its target as written: relative to the link's directory, or
    /// absolute (which leaves the repository: hosts write targets inside the root relative).
    Link(Arc<str>),
    Missing,
}

/// A host that provides files on demand (the CLI's disk reader).
///
/// The tree asks about paths whose directories are real (no link among them: the tree follows
/// links itself). A host gives the same answer, and for a file the same `Arc`, every time it
/// is asked about a path: parses are cached by the identity of their text.
pub trait Host: fmt::Debug {
    /// What is at `path` (links not followed).
    fn kind(&self, path: &str) -> Kind;
    /// The content of the file at `path`, which [`Host::kind`] said is a file; `None` when it
    /// cannot be read (the host reports why to its user).
    fn read(&self, path: &str) -> Option<Content>;
}

/// Where a path leads once its links are followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A file, at this real path.
    File(String),
    /// A directory, at this real path.
    Dir(String),
}

/// Why a path leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// Nothing is there (or a file stands where a directory should); `path` is where it would
    /// be once the links before it are followed.
    Missing { path: String },
    /// The link at `link` leads out of the repository (to `target`, as written).
    LeavesRepository { link: String, target: Arc<str> },
    /// More than [`MAX_LINKS`] links were followed: they lead in a loop. `link` is the last.
    TooManyLinks { link: String },
}

/// Most links one path may go through (Go's `filepath.EvalSymlinks` gives up after 255).
pub const MAX_LINKS: usize = 255;

impl Resolved {
    /// The real path.
    #[must_use]
    pub fn path(&self) -> &str {
        match self {
            Resolved::File(p) | Resolved::Dir(p) => p,
        }
    }
}

impl Content {
    /// The raw bytes, whether or not they are UTF-8 (`None` for a file too large to load).
    #[must_use]
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Content::Text(text) => Some(text.as_bytes()),
            Content::NotUtf8 { bytes, .. } => Some(bytes),
            Content::TooLarge { .. } => None,
        }
    }

    /// Content from raw bytes, keeping the fact that they are not UTF-8 if they are not.
    #[must_use]
    pub fn from_bytes(bytes: Vec<u8>) -> Content {
        match String::from_utf8(bytes) {
            Ok(text) => Content::Text(text.into()),
            Err(err) => Content::NotUtf8 {
                valid_up_to: err.utf8_error().valid_up_to(),
                len: err.as_bytes().len(),
                bytes: err.into_bytes().into(),
            },
        }
    }
}

impl FileTree {
    #[must_use]
    pub fn new() -> Self {
        FileTree::default()
    }

    /// An empty tree that asks `host` for every path (files may still be given up front).
    #[must_use]
    pub fn with_host(host: Rc<dyn Host>) -> Self {
        FileTree { host: Some(host), ..FileTree::default() }
    }

    /// Adds or replaces a text file. The path is normalized; an invalid path is refused.
    pub fn insert(&mut self, path: &str, text: impl Into<Arc<str>>) -> Result<String, PathError> {
        self.put(path, Content::Text(text.into()))
    }

    /// Adds a file from raw bytes, keeping the fact that it is not UTF-8 if it is not.
    pub fn insert_bytes(&mut self, path: &str, bytes: Vec<u8>) -> Result<String, PathError> {
        self.put(path, Content::from_bytes(bytes))
    }

    /// Records a file too large to load, so that references to it get a clear diagnostic.
    pub fn insert_too_large(&mut self, path: &str, len: u64) -> Result<String, PathError> {
        self.put(path, Content::TooLarge { len })
    }

    /// Adds or replaces the file at `path` (a link there is replaced too).
    fn put(&mut self, path: &str, content: Content) -> Result<String, PathError> {
        let path = file_path(path)?;
        if !self.links.is_empty() {
            self.links.remove(&path);
        }
        self.files.insert(path.clone(), content);
        Ok(path)
    }

    /// Records a symbolic link at `path` to `target`, as written in the link (relative to the
    /// link's directory; an absolute target leaves the repository).
    pub fn insert_link(&mut self, path: &str, target: &str) -> Result<String, PathError> {
        let path = file_path(path)?;
        self.files.remove(&path);
        self.links.insert(path.clone(), Content::Text(Arc::from(target)));
        Ok(path)
    }

    /// Removes a file or link; returns whether it was there.
    pub fn remove(&mut self, path: &str) -> bool {
        normalize(path)
            .is_ok_and(|p| self.files.remove(&p).is_some() || self.links.remove(&p).is_some())
    }

    /// The content of the file `path` leads to (links followed), if any.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<Content> {
        if let Some(content) = self.files.get(path) {
            return Some(content.clone());
        }
        match self.resolve(path) {
            Ok(Resolved::File(real)) => match self.files.get(&real) {
                Some(content) => Some(content.clone()),
                None => self.host.as_ref()?.read(&real),
            },
            _ => None,
        }
    }

    /// The text of a file, if it exists and is UTF-8.
    #[must_use]
    pub fn text(&self, path: &str) -> Option<Arc<str>> {
        match self.get(path)? {
            Content::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Whether `path` leads to a file.
    #[must_use]
    pub fn is_file(&self, path: &str) -> bool {
        self.files.contains_key(path) || matches!(self.resolve(path), Ok(Resolved::File(_)))
    }

    /// Whether `path` leads to a directory. A directory of the tree exists when something
    /// lies below it; the root always exists.
    #[must_use]
    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.resolve(path), Ok(Resolved::Dir(_)))
    }

    /// The symbolic links the tree was given: path and target as written, sorted by path.
    pub fn links(&self) -> impl Iterator<Item = (&str, &str)> {
        self.links.iter().map(|(k, v)| (k.as_str(), link_text(v)))
    }

    /// The target of the link the tree was given at `path`.
    fn link_at(&self, path: &str) -> Option<Arc<str>> {
        match self.links.get(path)? {
            Content::Text(target) => Some(target.clone()),
            _ => None,
        }
    }

    /// Where `path` (normalized) leads: its real path, every link on it followed, component by
    /// component as Go's `filepath.EvalSymlinks` does (a `..` in a link's target goes up from
    /// the link's real directory).
    pub fn resolve(&self, path: &str) -> Result<Resolved, Unresolved> {
        self.resolve_noting(path, &mut |_| {})
    }

    /// [`FileTree::resolve`], telling `link` the path of every link it follows.
    pub fn resolve_noting(
        &self,
        path: &str,
        link: &mut dyn FnMut(&str),
    ) -> Result<Resolved, Unresolved> {
        if self.links.is_empty() && self.host.is_none() {
            return if self.files.contains_key(path) {
                Ok(Resolved::File(path.to_string()))
            } else if self.has_below(path) {
                Ok(Resolved::Dir(path.to_string()))
            } else {
                Err(Unresolved::Missing { path: path.to_string() })
            };
        }
        // Components still to walk, last first; the real directory reached so far.
        let mut pending: Vec<String> = Vec::new();
        push_components(&mut pending, path);
        let mut real = String::new();
        let mut followed = 0usize;
        let mut last_link = String::new();
        while let Some(component) = pending.pop() {
            match component.as_str() {
                "" | "." => continue,
                ".." => {
                    if real.is_empty() {
                        let target = self.link_at(&last_link);
                        return Err(Unresolved::LeavesRepository {
                            target: target.unwrap_or_else(|| self.link_target(&last_link)),
                            link: last_link,
                        });
                    }
                    real.truncate(real.rfind('/').unwrap_or(0));
                    continue;
                }
                _ => {}
            }
            let candidate = if real.is_empty() { component } else { format!("{real}/{component}") };
            match self.kind(&candidate) {
                Kind::Dir => real = candidate,
                Kind::File if pending.iter().all(|c| c.is_empty() || c == ".") => {
                    return Ok(Resolved::File(candidate));
                }
                Kind::File | Kind::Missing => {
                    let mut rest = String::new();
                    for c in pending.iter().rev() {
                        rest.push_str(c);
                        rest.push('/');
                    }
                    let path = join(&candidate, &rest).unwrap_or(candidate);
                    return Err(Unresolved::Missing { path });
                }
                Kind::Link(target) => {
                    link(&candidate);
                    followed += 1;
                    if followed > MAX_LINKS {
                        return Err(Unresolved::TooManyLinks { link: candidate });
                    }
                    if target.starts_with('/') {
                        return Err(Unresolved::LeavesRepository { link: candidate, target });
                    }
                    push_components(&mut pending, &target);
                    last_link = candidate;
                }
            }
        }
        Ok(Resolved::Dir(real))
    }

    /// What is at the real path `path`, links not followed: what the tree was given, else
    /// what the host says.
    fn kind(&self, path: &str) -> Kind {
        if self.files.contains_key(path) {
            return Kind::File;
        }
        if let Some(target) = self.link_at(path) {
            return Kind::Link(target);
        }
        if self.has_below(path) {
            return Kind::Dir;
        }
        self.host.as_ref().map_or(Kind::Missing, |host| host.kind(path))
    }

    /// The target of a link the host knows (for messages).
    fn link_target(&self, path: &str) -> Arc<str> {
        match self.host.as_ref().map(|host| host.kind(path)) {
            Some(Kind::Link(target)) => target,
            _ => Arc::from(""),
        }
    }

    /// Whether a given file or link lies below `dir` (the root always exists).
    fn has_below(&self, dir: &str) -> bool {
        if dir.is_empty() {
            return true;
        }
        let prefix = format!("{dir}/");
        let below = |keys: Option<&String>| keys.is_some_and(|k| k.starts_with(&prefix));
        below(self.files.range(prefix.clone()..).next().map(|(k, _)| k))
            || below(self.links.range(prefix.clone()..).next().map(|(k, _)| k))
    }

    /// Every file path the tree was given, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Files the tree was given and their contents, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Content)> {
        self.files.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many files the tree was given.
    #[must_use]
    pub fn len(&self) -> usize {
        self.files.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.links.is_empty()
    }

    /// The direct children of a directory among the files and links the tree was given:
    /// `(name, is_dir)`, sorted by name, each once (a link is a directory when it leads to one).
    #[must_use]
    pub fn list_dir(&self, dir: &str) -> Vec<(String, bool)> {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let child = |path: &str| {
            let rest = path.strip_prefix(&prefix)?;
            Some(match rest.find('/') {
                Some(i) => (rest[..i].to_string(), true),
                None => (rest.to_string(), false),
            })
        };
        let mut out: Vec<(String, bool)> = Vec::new();
        for (path, _) in self.files.range(prefix.clone()..) {
            let Some((name, is_dir)) = child(path) else { break };
            match out.last_mut() {
                Some((last, last_is_dir)) if *last == name => *last_is_dir |= is_dir,
                _ => out.push((name, is_dir)),
            }
        }
        let mut added = false;
        for (path, _) in self.links.range(prefix.clone()..) {
            let Some((name, below)) = child(path) else { break };
            let is_dir = below || self.is_dir(path);
            if let Some((_, known_dir)) = out.iter_mut().find(|(n, _)| *n == name) {
                *known_dir |= is_dir;
            } else {
                out.push((name, is_dir));
                added = true;
            }
        }
        if added {
            crate::sort::sort(&mut out);
        }
        out
    }

    /// All files the tree was given below a directory (recursively), sorted.
    pub fn files_under<'a>(&'a self, dir: &str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        self.files
            .range(prefix.clone()..)
            .map(|(k, _)| k.as_str())
            .take_while(move |k| k.starts_with(&prefix))
    }
}

/// A link's target as the tree holds it.
fn link_text(content: &Content) -> &str {
    match content {
        Content::Text(target) => target,
        _ => "",
    }
}

/// Pushes the components of `path` onto `stack`, last first (so the first pops first).
fn push_components(stack: &mut Vec<String>, path: &str) {
    for component in path.rsplit('/') {
        stack.push(component.to_string());
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
/// root, so the result never leaves it. Links are not followed here: this is the lexical
/// part of the join.
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
            Some(Content::NotUtf8 { valid_up_to: 1, len: 3, bytes: vec![b'a', 0xff, b'b'].into() })
        );
        assert_eq!(tree.text("bad.yaml"), None);
        assert_eq!(tree.get("bad.yaml").unwrap().bytes(), Some(&[b'a', 0xff, b'b'][..]));
        tree.insert("ok.txt", "hé").unwrap();
        assert_eq!(tree.get("ok.txt").unwrap().bytes(), Some("hé".as_bytes()));
        tree.insert_too_large("big.bin", 1 << 30).unwrap();
        assert_eq!(tree.get("big.bin").unwrap().bytes(), None);
    }

    #[test]
    fn links_are_followed_component_by_component() {
        let mut tree = FileTree::new();
        tree.insert("shared/base/k.yaml", "x").unwrap();
        tree.insert("shared/common/c.yaml", "c").unwrap();
        tree.insert_link("app/base", "../shared/base").unwrap();
        tree.insert_link("app/chain", "base").unwrap();
        tree.insert_link("app/up", "base/../common").unwrap();
        let file = |p: &str| Ok(Resolved::File(p.to_string()));
        assert_eq!(tree.resolve("app/base/k.yaml"), file("shared/base/k.yaml"));
        assert_eq!(tree.resolve("app/chain/k.yaml"), file("shared/base/k.yaml"));
        // `..` in a target goes up from where the link before it led (shared/base → shared).
        assert_eq!(tree.resolve("app/up/c.yaml"), file("shared/common/c.yaml"));
        assert_eq!(tree.resolve("app/base"), Ok(Resolved::Dir("shared/base".into())));
        assert_eq!(tree.text("app/chain/k.yaml").as_deref(), Some("x"));
        assert!(tree.is_dir("app/chain") && tree.is_file("app/base/k.yaml"));
        assert_eq!(
            tree.resolve("app/base/nope.yaml"),
            Err(Unresolved::Missing { path: "shared/base/nope.yaml".into() })
        );
        // A file where a directory should be is nothing.
        assert_eq!(
            tree.resolve("shared/base/k.yaml/x"),
            Err(Unresolved::Missing { path: "shared/base/k.yaml/x".into() })
        );
        let mut noted = Vec::new();
        let _ = tree.resolve_noting("app/up/c.yaml", &mut |l| noted.push(l.to_string()));
        assert_eq!(noted, ["app/up", "app/base"]);
        assert_eq!(tree.links().count(), 3);
        assert!(!tree.is_empty());
        // Listings show links, as directories when they lead to one.
        tree.insert_link("app/file.yaml", "base/k.yaml").unwrap();
        assert_eq!(
            tree.list_dir("app"),
            [("base", true), ("chain", true), ("file.yaml", false), ("up", true)]
                .map(|(n, d)| (n.to_string(), d))
        );
        assert_eq!(tree.list_dir(""), [("app".to_string(), true), ("shared".to_string(), true)]);
    }

    #[test]
    fn links_out_of_the_repository_or_in_a_loop_lead_nowhere() {
        let mut tree = FileTree::new();
        tree.insert_link("a/out", "../../x").unwrap();
        tree.insert_link("a/abs", "/etc").unwrap();
        tree.insert_link("a/p", "q").unwrap();
        tree.insert_link("a/q", "p").unwrap();
        tree.insert_link("a/me", "me").unwrap();
        assert_eq!(
            tree.resolve("a/out/f"),
            Err(Unresolved::LeavesRepository { link: "a/out".into(), target: "../../x".into() })
        );
        assert_eq!(
            tree.resolve("a/abs/passwd"),
            Err(Unresolved::LeavesRepository { link: "a/abs".into(), target: "/etc".into() })
        );
        assert!(matches!(tree.resolve("a/p/f"), Err(Unresolved::TooManyLinks { .. })));
        assert!(matches!(tree.resolve("a/me"), Err(Unresolved::TooManyLinks { .. })));
        assert_eq!(tree.get("a/abs/passwd"), None);
        // A file replaces a link and the other way round.
        tree.insert("a/me", "now a file").unwrap();
        assert_eq!(tree.resolve("a/me"), Ok(Resolved::File("a/me".into())));
        tree.insert_link("a/me", "p").unwrap();
        assert!(!tree.is_file("a/me"));
        assert!(tree.remove("a/me"));
        assert_eq!(tree.links().count(), 4);
    }

    /// A host that knows a few files and counts what it is asked.
    #[derive(Debug, Default)]
    struct Counting {
        files: BTreeMap<String, Content>,
        links: BTreeMap<String, Arc<str>>,
        asked: std::cell::RefCell<Vec<String>>,
    }

    impl Host for Counting {
        fn kind(&self, path: &str) -> Kind {
            self.asked.borrow_mut().push(path.to_string());
            if self.files.contains_key(path) {
                Kind::File
            } else if let Some(target) = self.links.get(path) {
                Kind::Link(target.clone())
            } else if self.files.keys().any(|f| is_within(f, path)) {
                Kind::Dir
            } else {
                Kind::Missing
            }
        }

        fn read(&self, path: &str) -> Option<Content> {
            self.files.get(path).cloned()
        }
    }

    #[test]
    fn a_host_is_asked_only_for_what_the_tree_was_not_given() {
        let mut host = Counting::default();
        host.files.insert("lazy/a.yaml".into(), Content::Text("from host".into()));
        host.files.insert("given/b.yaml".into(), Content::Text("host's copy".into()));
        host.links.insert("lazy/l".into(), "a.yaml".into());
        let host = Rc::new(host);
        let mut tree = FileTree::with_host(host.clone());
        tree.insert("given/b.yaml", "given").unwrap();
        assert_eq!(tree.text("given/b.yaml").as_deref(), Some("given"));
        assert!(tree.is_dir("given"));
        assert!(host.asked.borrow().is_empty(), "{:?}", host.asked.borrow());
        assert_eq!(tree.text("lazy/l").as_deref(), Some("from host"));
        assert_eq!(*host.asked.borrow(), ["lazy", "lazy/l", "lazy/a.yaml"]);
        assert!(!tree.is_file("lazy/none.yaml"));
        // Listings cover what the tree was given.
        assert_eq!(tree.paths().collect::<Vec<_>>(), ["given/b.yaml"]);
        assert_eq!(tree.len(), 1);
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
