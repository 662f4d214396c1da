//! Reading files for an operation: texts from the tree, parses from a cache, and a record
//! of every path consulted.
//!
//! The record is what makes incremental work possible: a cached render stays valid until a
//! path it consulted (a file it read, or a place where it looked for a file and found none)
//! changes. Parses are cached by the identity of the text they came from, so replacing a
//! file's text is all it takes to invalidate its parse.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::strmap::StrMap;
use crate::tree::{Content, FileTree, MAX_FILE_BYTES, MAX_LINKS, Resolved, Unresolved};
use crate::vecmap::VecSet;
use crate::yaml::{Limits, Parsed, parse};

/// Parsed files, keyed by path and checked against the text they were parsed from.
///
/// A parse tree takes ten to thirty times the memory of its text, and `validate` parses every
/// YAML file of the repository. So the cache keeps every file's syntax diagnostics (what
/// `validate` reports, and small) for as long as its text is unchanged, but holds the trees of
/// only the most recently parsed files, up to [`ParseCache::TREE_BUDGET`] bytes of their text
/// (first in, first out); a tree that was let go is parsed again when a render needs it.
/// Renders consult the files of one app at a time, so the working set stays small, and a hit
/// costs no bookkeeping. Memory then grows with the repository's text, not with its parse
/// trees (3,000 apps: see `npm run bench`).
#[derive(Debug, Clone)]
pub struct ParseCache {
    entries: StrMap<CacheEntry>,
    /// Paths whose tree is held, oldest parse first, with the parse's number; an element whose
    /// number is no longer its entry's (the file changed since) is skipped.
    held_order: VecDeque<(u64, Arc<str>)>,
    parsed_so_far: u64,
    /// Bytes of text of the files whose tree is held.
    held: usize,
    budget: usize,
    /// How many parses actually ran (for tests of incrementality).
    pub parses: usize,
}

#[derive(Debug, Clone)]
struct CacheEntry {
    text: Arc<str>,
    diagnostics: Arc<[Diagnostic]>,
    /// The tree, while held, and the number of the parse that made it.
    tree: Option<(Arc<Parsed>, u64)>,
}

impl Default for ParseCache {
    fn default() -> Self {
        ParseCache::with_budget(Self::TREE_BUDGET)
    }
}

impl ParseCache {
    /// Bytes of source text whose parse trees the cache holds at most (the rest is re-parsed
    /// on demand). 1 MiB of YAML is a few hundred apps' overlays; its trees take ~20 MB.
    pub const TREE_BUDGET: usize = 1 << 20;

    /// A cache holding the trees of at most `budget` bytes of text (always at least one tree).
    #[must_use]
    pub fn with_budget(budget: usize) -> Self {
        ParseCache {
            entries: StrMap::new(),
            held_order: VecDeque::new(),
            parsed_so_far: 0,
            held: 0,
            budget,
            parses: 0,
        }
    }

    /// A cache for a changed copy of the tree: the trees held (the parses renders of the copy
    /// reuse), without the entries of the other files, which hold only diagnostics. A copy is
    /// made for every planned change, and copying an entry per file of a large repository cost
    /// more than the plan; a file whose tree was let go is parsed again either way.
    #[must_use]
    pub fn for_copy(&self) -> ParseCache {
        let mut out = ParseCache {
            parsed_so_far: self.parsed_so_far,
            parses: self.parses,
            ..ParseCache::with_budget(self.budget)
        };
        for (number, path) in &self.held_order {
            if let Some(entry) = self.entries.get(path)
                && entry.tree.as_ref().is_some_and(|(_, n)| n == number)
            {
                out.held_order.push_back((*number, path.clone()));
                out.held += entry.text.len();
                out.entries.insert(path.to_string(), entry.clone());
            }
        }
        out
    }

    /// Drops entries for files that no longer exist or whose text changed.
    pub fn retain_valid(&mut self, tree: &FileTree) {
        let held = &mut self.held;
        self.entries.retain(|path, entry| {
            let valid =
                matches!(tree.get(path), Some(Content::Text(t)) if Arc::ptr_eq(&t, &entry.text));
            if !valid && entry.tree.take().is_some() {
                *held -= entry.text.len();
            }
            valid
        });
    }

    /// Forgets `path` (its text changed or it was removed).
    pub fn forget(&mut self, path: &str) {
        if let Some(entry) = self.entries.remove(path)
            && entry.tree.is_some()
        {
            self.held -= entry.text.len();
        }
    }

    /// The entry of `path` if it was parsed from this very text.
    fn current(&mut self, path: &str, text: &Arc<str>) -> Option<&mut CacheEntry> {
        self.entries.get_mut(path).filter(|e| Arc::ptr_eq(&e.text, text))
    }

    /// Lets go of the oldest trees until the held text fits the budget, keeping the newest
    /// one whatever its size.
    fn trim(&mut self) {
        while self.held > self.budget && self.held_order.len() > 1 {
            let Some((number, path)) = self.held_order.pop_front() else { break };
            if let Some(entry) = self.entries.get_mut(&path)
                && entry.tree.as_ref().is_some_and(|(_, n)| *n == number)
            {
                entry.tree = None;
                self.held -= entry.text.len();
            }
        }
        // Elements of files that changed since are dead weight: drop them when they pile up.
        if self.held_order.len() > 2 * self.entries.len() + 64 {
            let entries = &self.entries;
            self.held_order.retain(|(number, path)| {
                entries.get(path).and_then(|e| e.tree.as_ref()).is_some_and(|(_, n)| n == number)
            });
        }
    }

    /// Parses `text` as `path` and records it, holding its tree.
    fn parse_and_hold(&mut self, path: &str, text: &Arc<str>) -> Arc<Parsed> {
        self.parses += 1;
        let parsed = Arc::new(parse(&Arc::from(path), text, &Limits::default()));
        self.forget(path);
        self.parsed_so_far += 1;
        let number = self.parsed_so_far;
        self.held_order.push_back((number, Arc::from(path)));
        self.held += text.len();
        let diagnostics = parsed.diagnostics.clone().into();
        self.entries.insert(
            path.to_string(),
            CacheEntry { text: text.clone(), diagnostics, tree: Some((parsed.clone(), number)) },
        );
        self.trim();
        parsed
    }
}

/// Paths an operation consulted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReadSet {
    /// Files read or probed (existing or not).
    pub files: VecSet<String>,
    /// Directories whose listing (or existence) mattered.
    pub dirs: VecSet<String>,
}

impl ReadSet {
    /// Whether a change to `path` (created, edited or removed) can affect the result.
    #[must_use]
    pub fn touches(&self, path: &str) -> bool {
        self.files.contains(path) || self.dirs.iter().any(|d| crate::tree::is_within(path, d))
    }

    /// Drops spare capacity (the workspace keeps a read set per cached render).
    pub fn shrink_to_fit(&mut self) {
        self.files.shrink_to_fit();
        self.dirs.shrink_to_fit();
    }

    pub fn extend(&mut self, other: &ReadSet) {
        self.files.extend(other.files.iter().cloned());
        self.dirs.extend(other.dirs.iter().cloned());
    }
}

/// A file's content when it need not be text (generator inputs may be binary).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raw {
    Text(Arc<str>),
    /// Bytes that are not valid UTF-8.
    Bytes(Arc<[u8]>),
}

/// File access for one operation.
#[derive(Debug)]
pub struct Source<'a> {
    pub tree: &'a FileTree,
    cache: &'a mut ParseCache,
    pub reads: ReadSet,
}

impl<'a> Source<'a> {
    pub fn new(tree: &'a FileTree, cache: &'a mut ParseCache) -> Self {
        Source { tree, cache, reads: ReadSet::default() }
    }

    /// Whether a file exists (recorded as consulted).
    pub fn is_file(&mut self, path: &str) -> bool {
        self.reads.files.insert(path.to_string());
        self.tree.is_file(path)
    }

    /// Whether a directory exists (recorded as consulted).
    pub fn is_dir(&mut self, path: &str) -> bool {
        self.reads.dirs.insert(path.to_string());
        self.tree.is_dir(path)
    }

    /// Where `path` leads once its links are followed (see [`FileTree::resolve`]), recorded
    /// as consulted: the path, every link on the way, and where it led.
    pub fn resolve(&mut self, path: &str) -> Result<Resolved, Unresolved> {
        let reads = &mut self.reads;
        reads.files.insert(path.to_string());
        let result = self.tree.resolve_noting(path, &mut |link| {
            reads.files.insert(link.to_string());
        });
        // A directory's listing matters, and so does anything created at or below a path
        // where nothing was.
        match &result {
            Ok(Resolved::File(real)) => {
                reads.files.insert(real.clone());
            }
            Ok(Resolved::Dir(real)) | Err(Unresolved::Missing { path: real }) => {
                reads.dirs.insert(real.clone());
            }
            Err(_) => {}
        }
        result
    }

    /// The text of a file, or a diagnostic saying why it cannot be read. `referrer` is the
    /// file and span that named it, for the diagnostic.
    pub fn text(
        &mut self,
        path: &str,
        referrer: Option<(&str, Span)>,
    ) -> Result<Arc<str>, Box<Diagnostic>> {
        self.reads.files.insert(path.to_string());
        let at = |d: Diagnostic| match referrer {
            Some((file, span)) => d.at(file, span),
            None => d.in_file(path),
        };
        match self.tree.get(path) {
            None => Err(Box::new(at(Diagnostic::new(
                Code::FileNotFound,
                format!("file '{path}' does not exist"),
            )))),
            Some(Content::NotUtf8 { valid_up_to, .. }) => Err(Box::new(
                Diagnostic::new(
                    Code::InvalidUtf8,
                    format!("'{path}' is not UTF-8 text (invalid byte at offset {valid_up_to})"),
                )
                .at(path, Span::new(valid_up_to, valid_up_to)),
            )),
            Some(Content::Text(text)) if text.len() > MAX_FILE_BYTES => {
                Err(Box::new(too_large(path, text.len() as u64)))
            }
            Some(Content::TooLarge { len }) => Err(Box::new(too_large(path, len))),
            Some(Content::Text(text)) => Ok(text),
        }
    }

    /// The content of a file, text or not (recorded as consulted). Used where kustomize reads
    /// bytes rather than YAML: generator inputs.
    pub fn raw(
        &mut self,
        path: &str,
        referrer: Option<(&str, Span)>,
    ) -> Result<Raw, Box<Diagnostic>> {
        match self.tree.get(path) {
            Some(Content::NotUtf8 { len, bytes, .. }) => {
                self.reads.files.insert(path.to_string());
                if len > MAX_FILE_BYTES {
                    return Err(Box::new(too_large(path, len as u64)));
                }
                Ok(Raw::Bytes(bytes))
            }
            _ => self.text(path, referrer).map(Raw::Text),
        }
    }

    /// The parsed YAML of a file (cached). Syntax errors are in the result's diagnostics.
    pub fn parse(
        &mut self,
        path: &str,
        referrer: Option<(&str, Span)>,
    ) -> Result<Arc<Parsed>, Box<Diagnostic>> {
        let text = self.text(path, referrer)?;
        Ok(parse_cached(self.cache, path, &text))
    }
}

/// The diagnostic for a path whose links lead out of the repository or in a loop (`None` for
/// a path that leads nowhere: callers say what they looked for). `shown` is the path as the
/// user wrote it.
#[must_use]
pub fn unresolved(problem: &Unresolved, shown: &str) -> Option<Diagnostic> {
    match problem {
        Unresolved::Missing { .. } => None,
        Unresolved::LeavesRepository { link, target } => Some(
            Diagnostic::new(
                Code::LinkLeavesRepository,
                format!(
                    "'{shown}' leads through the symbolic link '{link}' to '{target}', which \
                     leaves the repository; it is not read"
                ),
            )
            .with_help(
                "kustomize refuses files outside the kustomization root and Argo CD refuses \
                 repositories with such links: copy the target into the repository",
            ),
        ),
        Unresolved::TooManyLinks { link } => Some(
            Diagnostic::new(
                Code::LinkLoop,
                format!(
                    "'{shown}' leads through more than {MAX_LINKS} symbolic links (the last \
                     '{link}'): they lead in a loop"
                ),
            )
            .with_severity(crate::diagnostic::Severity::Error),
        ),
    }
}

/// The diagnostic for a file over [`MAX_FILE_BYTES`].
#[must_use]
pub fn too_large(path: &str, len: u64) -> Diagnostic {
    Diagnostic::new(
        Code::FileTooLarge,
        format!(
            "'{path}' is {len} bytes; the engine reads files of at most {MAX_FILE_BYTES} bytes"
        ),
    )
    .in_file(path)
}

/// The parse of `text` as file `path`, from the cache when it holds this very text.
pub fn parse_cached(cache: &mut ParseCache, path: &str, text: &Arc<str>) -> Arc<Parsed> {
    if let Some(entry) = cache.current(path, text)
        && let Some((parsed, _)) = &entry.tree
    {
        return parsed.clone();
    }
    cache.parse_and_hold(path, text)
}

/// The syntax diagnostics of `text` as file `path`: from the cache when it has seen this very
/// text (even if it let the tree go), else by parsing it.
pub fn diagnostics_cached(
    cache: &mut ParseCache,
    path: &str,
    text: &Arc<str>,
) -> Arc<[Diagnostic]> {
    if let Some(entry) = cache.current(path, text) {
        return entry.diagnostics.clone();
    }
    cache.parse_and_hold(path, text);
    cache.current(path, text).map(|e| e.diagnostics.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_are_cached_by_text_identity() {
        let mut tree = FileTree::new();
        tree.insert("a.yaml", "x: 1\n").unwrap();
        let mut cache = ParseCache::default();
        {
            let mut source = Source::new(&tree, &mut cache);
            source.parse("a.yaml", None).unwrap();
            source.parse("a.yaml", None).unwrap();
        }
        assert_eq!(cache.parses, 1);
        tree.insert("a.yaml", "x: 2\n").unwrap();
        cache.retain_valid(&tree);
        let mut source = Source::new(&tree, &mut cache);
        let parsed = source.parse("a.yaml", None).unwrap();
        assert_eq!(
            parsed.documents[0].root.get("x").and_then(crate::yaml::Node::scalar),
            Some("2")
        );
        assert_eq!(cache.parses, 2);
    }

    fn text_of(tree: &FileTree, p: &str) -> Arc<str> {
        match tree.get(p) {
            Some(Content::Text(t)) => t.clone(),
            _ => Arc::from(""),
        }
    }

    /// `a.yaml`, `b.yaml`, `c.yaml`: 21 bytes each, a syntax error in each.
    fn three_files_with_an_error() -> FileTree {
        let mut tree = FileTree::new();
        for name in ["a", "b", "c"] {
            tree.insert(&format!("{name}.yaml"), format!("{name}: [1, 2]\n---\nbad: [\n")).unwrap();
        }
        tree
    }

    #[test]
    fn a_copy_keeps_the_trees_held_and_nothing_else() {
        let tree = three_files_with_an_error();
        let text = |p: &str| text_of(&tree, p);
        // Room for the trees of two 21-byte files: a.yaml's is let go.
        let mut cache = ParseCache::with_budget(45);
        for p in ["a.yaml", "b.yaml", "c.yaml"] {
            parse_cached(&mut cache, p, &text(p));
        }
        let mut copy = cache.for_copy();
        assert_eq!((copy.entries.len(), copy.held, copy.parses), (2, 42, 3));
        parse_cached(&mut copy, "b.yaml", &text("b.yaml"));
        parse_cached(&mut copy, "c.yaml", &text("c.yaml"));
        assert_eq!(copy.parses, 3, "the trees held came along");
        assert_eq!(diagnostics_cached(&mut copy, "a.yaml", &text("a.yaml")).len(), 1);
        assert_eq!(copy.parses, 4, "a.yaml, whose tree was let go, is parsed again");
        // The budget and the order of letting go carry over: b.yaml, the oldest, goes first.
        assert_eq!(copy.held, 42);
        assert!(copy.entries.get("b.yaml").is_some_and(|e| e.tree.is_none()));
        assert_eq!(cache.parses, 3, "the original is untouched");
    }

    #[test]
    fn trees_beyond_the_budget_are_let_go_and_parsed_again_but_diagnostics_stay() {
        let mut tree = three_files_with_an_error();
        let text = |p: &str| text_of(&tree, p);
        // Room for the trees of two 21-byte files.
        let mut cache = ParseCache::with_budget(45);
        for p in ["a.yaml", "b.yaml", "c.yaml"] {
            assert_eq!(diagnostics_cached(&mut cache, p, &text(p)).len(), 1);
        }
        assert_eq!(cache.parses, 3);
        assert_eq!(cache.held, 42, "a.yaml's tree was let go");
        // Diagnostics of every file are still known without parsing.
        assert_eq!(diagnostics_cached(&mut cache, "a.yaml", &text("a.yaml")).len(), 1);
        assert_eq!(cache.parses, 3);
        // b and c are held; a is parsed again (and b, the oldest parse, let go).
        parse_cached(&mut cache, "c.yaml", &text("c.yaml"));
        assert_eq!(cache.parses, 3);
        let a = parse_cached(&mut cache, "a.yaml", &text("a.yaml"));
        assert_eq!(cache.parses, 4);
        assert_eq!(a.documents.len(), 1);
        assert_eq!(a.diagnostics.len(), 1);
        parse_cached(&mut cache, "c.yaml", &text("c.yaml"));
        assert_eq!(cache.parses, 4, "c is still held");
        parse_cached(&mut cache, "b.yaml", &text("b.yaml"));
        assert_eq!(cache.parses, 5);
        // An edit drops the old entry and its share of the budget.
        tree.insert("b.yaml", "b: 2\n").unwrap();
        cache.retain_valid(&tree);
        assert!(cache.held <= 45);
        assert_eq!(diagnostics_cached(&mut cache, "b.yaml", &text_of(&tree, "b.yaml")).len(), 0);
        let held: usize =
            cache.entries.values().filter(|e| e.tree.is_some()).map(|e| e.text.len()).sum();
        assert_eq!(cache.held, held);
    }

    #[test]
    fn missing_and_binary_files_are_diagnostics() {
        let mut tree = FileTree::new();
        tree.insert_bytes("b.yaml", vec![0xff]).unwrap();
        let mut cache = ParseCache::default();
        let mut source = Source::new(&tree, &mut cache);
        assert_eq!(
            source.text("nope.yaml", Some(("k.yaml", Span::new(1, 2)))).unwrap_err().code,
            "T002"
        );
        assert_eq!(source.text("b.yaml", None).unwrap_err().code, "T003");
        assert!(source.reads.touches("nope.yaml"));
        assert_eq!(source.raw("b.yaml", None).unwrap(), Raw::Bytes(vec![0xff].into()));
        assert!(source.raw("nope.yaml", None).is_err());
    }

    #[test]
    fn read_sets_cover_directories() {
        let mut reads = ReadSet::default();
        reads.dirs.insert("apps/a".into());
        assert!(reads.touches("apps/a/new.yaml"));
        assert!(!reads.touches("apps/ab/new.yaml"));
    }
}
