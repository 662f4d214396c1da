//! Reading files for an operation: texts from the tree, parses from a cache, and a record
//! of every path consulted.
//!
//! The record is what makes incremental work possible: a cached render stays valid until a
//! path it consulted (a file it read, or a place where it looked for a file and found none)
//! changes. Parses are cached by the identity of the text they came from, so replacing a
//! file's text is all it takes to invalidate its parse.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::tree::{Content, FileTree, MAX_FILE_BYTES};
use crate::vecmap::VecSet;
use crate::yaml::{Limits, Parsed, parse};

/// Parsed files, keyed by path and checked against the text they were parsed from.
#[derive(Debug, Default, Clone)]
pub struct ParseCache {
    entries: BTreeMap<String, (Arc<str>, Arc<Parsed>)>,
    /// How many parses actually ran (for tests of incrementality).
    pub parses: usize,
}

impl ParseCache {
    /// Drops entries for files that no longer exist or whose text changed.
    pub fn retain_valid(&mut self, tree: &FileTree) {
        self.entries.retain(|path, (text, _)| matches!(tree.get(path), Some(Content::Text(t)) if Arc::ptr_eq(t, text)));
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
                .at(path, Span::new(*valid_up_to, *valid_up_to)),
            )),
            Some(Content::Text(text)) if text.len() > MAX_FILE_BYTES => {
                Err(Box::new(too_large(path, text.len() as u64)))
            }
            Some(Content::TooLarge { len }) => Err(Box::new(too_large(path, *len))),
            Some(Content::Text(text)) => Ok(text.clone()),
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
                if *len > MAX_FILE_BYTES {
                    return Err(Box::new(too_large(path, *len as u64)));
                }
                Ok(Raw::Bytes(bytes.clone()))
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
    if let Some((cached_text, parsed)) = cache.entries.get(path)
        && Arc::ptr_eq(cached_text, text)
    {
        return parsed.clone();
    }
    cache.parses += 1;
    let parsed = Arc::new(parse(&Arc::from(path), text, &Limits::default()));
    cache.entries.insert(path.to_string(), (text.clone(), parsed.clone()));
    parsed
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
