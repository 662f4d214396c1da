//! Problems are data: every finding in the user's files is a [`Diagnostic`].
//!
//! The engine keeps byte spans; the LSP range (0-based line, UTF-16 character) is filled in
//! at the edge by [`LineIndex`], once per file, because editors speak UTF-16 and the engine
//! speaks bytes. Every diagnostic has a stable code from the registry in [`codes`], and is
//! built by that registry's constructor so that messages live in one place.

pub mod codes;
pub mod suggest;

use serde::Serialize;
use std::sync::Arc;

pub use codes::Code;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// A half-open byte range `[start, end)` in one file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        Span { start: start as u32, end: end.max(start) as u32 }
    }

    #[must_use]
    pub fn empty(at: usize) -> Self {
        Span::new(at, at)
    }

    #[must_use]
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    #[must_use]
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// An LSP position: 0-based line and 0-based UTF-16 code unit offset in that line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

/// An LSP range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

/// Another place that explains a diagnostic (the other side of a duplicate, a cycle's edge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Related {
    pub file: String,
    pub span: Option<Span>,
    pub range: Option<Range>,
    pub message: String,
}

/// One finding about the user's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostic {
    /// Stable code, e.g. `K012`; documented in `docs/diagnostics.md`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Repository-relative path of the file the finding is about, if any.
    pub file: Option<String>,
    /// Byte span in `file`.
    pub span: Option<Span>,
    /// LSP range of `span`, filled in by [`Diagnostic::locate`].
    pub range: Option<Range>,
    pub help: Option<String>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic with the severity its code is registered with.
    #[must_use]
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.as_str(),
            severity: code.severity(),
            message: message.into(),
            file: None,
            span: None,
            range: None,
            help: None,
            related: Vec::new(),
        }
    }

    #[must_use]
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    #[must_use]
    pub fn at(mut self, file: impl Into<String>, span: Span) -> Self {
        self.file = Some(file.into());
        self.span = Some(span);
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_related(
        mut self,
        file: impl Into<String>,
        span: Option<Span>,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file: file.into(),
            span,
            range: None,
            message: message.into(),
        });
        self
    }

    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Fills in `range` (and related ranges) from spans, using `text_of` to find file texts.
    pub fn locate<'a>(&mut self, mut text_of: impl FnMut(&str) -> Option<&'a str>) {
        if let (Some(file), Some(span)) = (&self.file, self.span)
            && let Some(text) = text_of(file)
        {
            self.range = Some(LineIndex::new(text).range(text, span));
        }
        for related in &mut self.related {
            if let Some(span) = related.span
                && let Some(text) = text_of(&related.file)
            {
                related.range = Some(LineIndex::new(text).range(text, span));
            }
        }
    }

    /// Fills in ranges with line indexes the caller already has (`lookup` gives a file's
    /// text and its index), so many diagnostics in one file cost one index, not one each.
    pub fn locate_indexed<'a>(
        &mut self,
        mut lookup: impl FnMut(&str) -> Option<(&'a str, &'a LineIndex)>,
    ) {
        if let (Some(file), Some(span)) = (&self.file, self.span)
            && let Some((text, index)) = lookup(file)
        {
            self.range = Some(index.range(text, span));
        }
        for related in &mut self.related {
            if let Some(span) = related.span
                && let Some((text, index)) = lookup(&related.file)
            {
                related.range = Some(index.range(text, span));
            }
        }
    }

    /// 1-based line and column (in characters) of the start, for terminal output.
    #[must_use]
    pub fn line_col(&self) -> Option<(u32, u32)> {
        self.range.map(|r| (r.start.line + 1, r.start.character + 1))
    }
}

/// Sorts diagnostics into a stable, reader-friendly order: by file, position, then code.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    crate::sort::sort_by(diagnostics, |a, b| {
        (&a.file, a.span.map(|s| s.start), a.code, &a.message).cmp(&(
            &b.file,
            b.span.map(|s| s.start),
            b.code,
            &b.message,
        ))
    });
}

/// Fills in LSP ranges for diagnostics whose files are in the tree (one line index per file,
/// however many diagnostics point into it).
pub fn locate_all(tree: &crate::tree::FileTree, diagnostics: &mut [Diagnostic]) {
    use crate::tree::Content;
    let text_of = |f: &str| -> Option<Arc<str>> {
        match tree.get(f)? {
            Content::Text(text) => Some(text),
            // The valid prefix of a file that is not UTF-8 still positions the bad byte.
            Content::NotUtf8 { bytes, valid_up_to, .. } => {
                std::str::from_utf8(&bytes[..valid_up_to]).ok().map(Arc::from)
            }
            Content::TooLarge { .. } => None,
        }
    };
    let mut indexes: std::collections::BTreeMap<String, (Arc<str>, LineIndex)> =
        std::collections::BTreeMap::new();
    for d in diagnostics.iter() {
        for file in d.file.iter().chain(d.related.iter().map(|r| &r.file)) {
            if !indexes.contains_key(file.as_str())
                && let Some(text) = text_of(file)
            {
                let index = LineIndex::new(&text);
                indexes.insert(file.clone(), (text, index));
            }
        }
    }
    for d in diagnostics {
        d.locate_indexed(|f| indexes.get(f).map(|(text, index)| (&**text, index)));
    }
}

/// Line starts of one text, for converting byte offsets to LSP positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    #[must_use]
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i as u32 + 1);
            }
        }
        LineIndex { starts }
    }

    /// The LSP position of a byte offset (clamped to the text, and to a char boundary).
    #[must_use]
    pub fn position(&self, text: &str, offset: u32) -> Position {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let line_start = self.starts[line] as usize;
        let character = text[line_start..offset].encode_utf16().count();
        Position { line: line as u32, character: character as u32 }
    }

    #[must_use]
    pub fn range(&self, text: &str, span: Span) -> Range {
        Range { start: self.position(text, span.start), end: self.position(text, span.end) }
    }

    /// 0-based line number of a byte offset.
    #[must_use]
    pub fn line_of(&self, offset: u32) -> u32 {
        (self.starts.partition_point(|&s| s <= offset) - 1) as u32
    }

    /// [`LineIndex::line_of`] for one offset, without building the index (no allocation).
    #[must_use]
    pub fn line_of_in(text: &str, offset: u32) -> u32 {
        let end = (offset as usize).min(text.len());
        (text.as_bytes()[..end].split(|&b| b == b'\n').count() - 1) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_in_agrees_with_the_index() {
        let text = "a\nbb\r\n\nc\u{e9}\n";
        let index = LineIndex::new(text);
        for offset in 0..=(text.len() as u32 + 2) {
            assert_eq!(
                LineIndex::line_of_in(text, offset),
                index.line_of(offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn positions_count_utf16_units() {
        // "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 UTF-16 units.
        let text = "a: é😀x\nb: 1\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(index.position(text, x), Position { line: 0, character: 6 });
        let b = text.find('b').unwrap() as u32;
        assert_eq!(index.position(text, b), Position { line: 1, character: 0 });
        assert_eq!(index.position(text, 1000), Position { line: 2, character: 0 });
    }

    #[test]
    fn position_inside_a_char_snaps_back() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 1), Position { line: 0, character: 0 });
    }

    #[test]
    fn locate_fills_ranges() {
        let text = "x\nyz\n";
        let mut d = Diagnostic::new(Code::YamlSyntax, "bad").at("f.yaml", Span::new(3, 4));
        d.locate(|f| (f == "f.yaml").then_some(text));
        assert_eq!(d.line_col(), Some((2, 2)));
    }
}
