//! go-yaml's lax indentation, accepted by re-indenting what saphyr refuses.
//!
//! libyaml (go-yaml's scanner) never checks indentation inside a quoted scalar or a flow
//! collection, so files like
//!
//! ```yaml
//! description: 'APIVersion defines the versioned schema of this representation
//! of an object.'
//! args: [--verbose,
//! --port=8080]
//! ```
//!
//! load in kustomize (and are what older code generators wrote into CRDs), while saphyr, which
//! follows the YAML 1.2 spec, refuses them ("invalid indentation in quoted scalar", "... in
//! flow construct"). Users cannot change such upstream files, so Baton accepts them, with a
//! warning.
//!
//! **How.** Three ways were weighed: a patched fork of saphyr vendored as our own code (about
//! 5,000 lines to own and lint, for a two-line change of behaviour), a scanner of our own (a
//! second YAML tokenizer beside the parser's), or re-indenting the refused construct and
//! parsing again. The last is chosen: the construct to re-indent is the one saphyr itself
//! names when it refuses (a quoted scalar starts at the reported mark; a flow collection is
//! the outermost one open when the error came), so nothing is guessed from raw text; leading
//! whitespace on a continuation line of a quoted scalar or inside a flow collection carries
//! no meaning, so padding those lines changes no value; and every span is mapped back to the
//! original text ([`Insertions`]), so diagnostics and edits stay exact. The cost is one more
//! parse per refused construct, bounded by the caller's work budget. Lines that libyaml
//! itself would refuse there (a `---` or `...` document marker at column 0) are left alone,
//! so the error stands as it does in kustomize.

use super::Node;
use crate::diagnostic::Span;

/// Spaces inserted into a text, in the original text's offsets (sorted, one per line).
#[derive(Debug, Default, Clone)]
pub(super) struct Insertions {
    at: Vec<(usize, usize)>,
}

impl Insertions {
    pub(super) fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// The original offset of working offset `w` (an offset inside inserted spaces maps to
    /// where they were inserted).
    pub(super) fn original(&self, w: usize) -> usize {
        let mut shift = 0;
        for &(at, n) in &self.at {
            let start = at + shift;
            if w < start {
                break;
            }
            if w < start + n {
                return at;
            }
            shift += n;
        }
        w - shift
    }

    pub(super) fn span(&self, span: Span) -> Span {
        let start = self.original(span.start as usize);
        let end = self.original(span.end as usize).max(start);
        Span::new(start, end)
    }

    /// Inserts `n` spaces at working offset `w` of `text`.
    fn insert(&mut self, text: &mut String, w: usize, n: usize) {
        let at = self.original(w);
        text.insert_str(w, &" ".repeat(n));
        let i = self.at.partition_point(|&(o, _)| o < at);
        self.at.insert(i, (at, n));
    }

    /// Maps every span of a node tree back to the original text.
    pub(super) fn remap(&self, node: &mut Node) {
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            n.origin.span = self.span(n.origin.span);
            match &mut n.body {
                super::Body::Scalar(_) => {}
                super::Body::Seq(items) => stack.extend(items.iter_mut()),
                super::Body::Map(entries) => {
                    for (k, v) in entries {
                        stack.push(k);
                        stack.push(v);
                    }
                }
            }
        }
    }
}

/// What was re-indented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Construct {
    QuotedScalar,
    FlowCollection,
}

/// Re-indents the continuation lines of the construct that starts at working offset `start`
/// and ends at `end`, so each is indented at least as far as the construct's first character.
/// Returns `false` (and changes nothing) when a line is one libyaml refuses too.
pub(super) fn pad(
    text: &mut String,
    insertions: &mut Insertions,
    start: usize,
    end: usize,
) -> bool {
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count();
    let mut lines = Vec::new();
    let mut at = start;
    while let Some(i) = text[at..end.min(text.len())].find(['\n', '\r']) {
        let next = at + i + 1;
        if next >= end {
            break;
        }
        if text.as_bytes()[at + i] == b'\r' && text.as_bytes().get(next) == Some(&b'\n') {
            at = next;
            continue;
        }
        let rest = &text[next..];
        if is_document_marker(rest) {
            return false;
        }
        let indent = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        if indent < column && !rest[indent..].starts_with(['\n', '\r']) {
            lines.push((next, column - indent));
        }
        at = next;
    }
    if lines.is_empty() {
        return false;
    }
    // From the end, so earlier working offsets stay valid.
    for &(line, n) in lines.iter().rev() {
        insertions.insert(text, line, n);
    }
    true
}

/// `---` or `...` at the start of a line, followed by a blank or the end of the line:
/// libyaml reads a document marker there even inside a quoted scalar or a flow collection.
fn is_document_marker(line: &str) -> bool {
    (line.starts_with("---") || line.starts_with("..."))
        && line[3..].chars().next().is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

/// The offset just after the bracket that closes the flow collection opened at `open`, read
/// with flow-context rules: quotes open a quoted scalar only at the start of a token, `#`
/// opens a comment only after whitespace, and brackets inside quotes or comments do not count.
pub(super) fn flow_end(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    // The closing brackets expected, innermost last; a bracket of the other kind ends nothing.
    let mut expected: Vec<u8> = Vec::new();
    let mut token_start = true;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => {
                expected.push(b']');
                token_start = true;
            }
            b'{' => {
                expected.push(b'}');
                token_start = true;
            }
            close @ (b']' | b'}') => {
                if expected.pop() != Some(close) {
                    return None;
                }
                if expected.is_empty() {
                    return Some(i + 1);
                }
                token_start = false;
            }
            b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' => token_start = true,
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\n' | b'\r') => {
                while i < bytes.len() && !matches!(bytes[i], b'\n' | b'\r') {
                    i += 1;
                }
                token_start = true;
                continue;
            }
            b'"' | b'\'' if token_start => {
                i = super::parse::quoted_end(text, i)?;
                token_start = false;
                continue;
            }
            _ => token_start = false,
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_back_through_insertions() {
        let mut text = String::from("k: \"a\nb\"\nj: [1,\n2]\n");
        let mut ins = Insertions::default();
        assert!(pad(&mut text, &mut ins, 3, 8));
        assert_eq!(text, "k: \"a\n   b\"\nj: [1,\n2]\n");
        let open = text.find('[').unwrap();
        let end = flow_end(&text, open).unwrap();
        assert!(pad(&mut text, &mut ins, open, end));
        assert_eq!(text, "k: \"a\n   b\"\nj: [1,\n   2]\n");
        let original = "k: \"a\nb\"\nj: [1,\n2]\n";
        for (w, c) in text.char_indices().filter(|(_, c)| !c.is_whitespace()) {
            assert_eq!(original.as_bytes()[ins.original(w)], c as u8, "at {w}");
        }
        // Inside inserted spaces: the insertion point.
        assert_eq!(ins.original(7), 6);
    }

    #[test]
    fn flow_ends_skip_quotes_and_comments() {
        let text = "[a, \"]\", 'it''s]', b'c, # x]\n {k: v}] tail";
        assert_eq!(flow_end(text, 0), Some(text.find(" tail").unwrap()));
        assert_eq!(flow_end("[a, [b]", 0), None);
        assert_eq!(flow_end("[1, 2}", 0), None);
    }

    #[test]
    fn document_markers_are_not_padded() {
        let mut text = String::from("k: \"a\n---\nb\"\n");
        assert!(!pad(&mut text, &mut Insertions::default(), 3, 12));
        assert_eq!(text, "k: \"a\n---\nb\"\n");
    }
}
