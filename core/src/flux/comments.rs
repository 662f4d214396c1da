//! Which comment go-yaml v3 attaches to a scalar, found from the source bytes.
//!
//! Flux reads a setter marker from a scalar node's `LineComment`, else its `HeadComment`
//! (kyaml `fieldmeta.Read`), as go-yaml v3 (f6f7691, `scannerc.go`/`parserc.go`) attaches
//! them. Baton's parser does not keep comments, so this module reproduces the attachment from
//! the text around each node's span:
//! - line comment: the `#…` after the scalar on its last line (after spaces, and in flow
//!   context after a `,`); a comment after `]`/`}` or after `key:` with no value belongs to
//!   the collection or the key, never to a scalar;
//! - head comment: only a scalar that starts its line (after indentation and at most one
//!   `- `; under `- - ` the comment goes to the inner sequence) has one. It is the block of
//!   comment lines between the previous token and the scalar, minus what go-yaml makes a
//!   foot comment: the part before a comment line (or the scalar's own line) that is
//!   dedented below the current block and starts at another column; a first comment entry right below the previous token, or
//!   dedented, that is followed by a blank line; and everything up to a comment entry that
//!   starts at the indentation of a block collection that ends before the scalar (go-yaml
//!   moves the block end before such a comment). Blank lines inside a head comment are kept
//!   (`# a\n\n# b`). A `- # c` line with no value gives its comment to the item below it.
//!
//! The rules were checked against go-yaml itself on generated files (see the tests).

/// A token before a scalar: where it ends and the indentation of every block collection open
/// at it (outermost first).
#[derive(Debug, Clone)]
pub struct Token {
    pub end: usize,
    pub indents: Vec<usize>,
}

/// Byte offsets of line starts of a text.
#[derive(Debug)]
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// 0-based line of a byte offset.
    #[must_use]
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).saturating_sub(1)
    }

    /// 0-based column (in bytes) of an offset.
    #[must_use]
    pub fn column(&self, offset: usize) -> usize {
        offset - self.starts[self.line(offset)]
    }

    fn start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// The text of a line, without its line break.
    fn text_of(&self, line: usize) -> &'a str {
        let start = self.starts[line];
        let end = self.starts.get(line + 1).map_or(self.text.len(), |&s| s - 1);
        &self.text[start..end.max(start)]
    }
}

/// A comment found for a scalar: its text as go-yaml gives it (lines joined by `\n`, each
/// starting with `#`) and the span of its last line's comment (where a marker is reported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// The line comment of a scalar ending at `end` (`in_flow`: inside `[…]` or `{…}`).
#[must_use]
pub fn line_comment(text: &str, end: usize, in_flow: bool) -> Option<Found> {
    let bytes = text.as_bytes();
    let mut at = end;
    let blanks = |at: &mut usize| {
        while matches!(bytes.get(*at), Some(b' ' | b'\t')) {
            *at += 1;
        }
    };
    blanks(&mut at);
    if in_flow && bytes.get(at) == Some(&b',') {
        at += 1;
        blanks(&mut at);
    }
    if bytes.get(at) != Some(&b'#') || (at == end && end > 0) {
        return None;
    }
    let stop = text[at..].find('\n').map_or(text.len(), |i| at + i);
    Some(Found { text: text[at..stop].to_string(), start: at, end: stop })
}

/// The head comment of a scalar starting at `start`, given the token before it.
#[must_use]
pub fn head_comment(lines: &Lines<'_>, start: usize, previous: Option<&Token>) -> Option<Found> {
    let line = lines.line(start);
    let prefix = &lines.text[lines.start(line)..start];
    let (dashes, only_indicators) = indicators(prefix);
    if !only_indicators || dashes >= 2 {
        return None;
    }
    let previous = previous?;
    let previous_line = lines.line(previous.end.saturating_sub(1));
    if previous_line >= line {
        return None;
    }
    let first_col = lines.column(start) - prefix.trim_start_matches([' ', '\t']).len();
    // `- # c` on the line above a scalar that has no dash: go-yaml gives a sequence indicator
    // no line comment; its comment is scanned after the `-` token as the start of the
    // scalar's head comment, and the comments above the `-` line are scanned before it.
    let dash_line =
        (dashes == 0 && line > previous_line + 1).then(|| lines.text_of(line - 1)).and_then(|t| {
            let at = t.find('#')?;
            let (d, only) = indicators(&t[..at]);
            (d == 1 && only).then(|| (t.find('-').unwrap_or(0), at))
        });
    let next_indent = previous.indents.last().copied().unwrap_or(0);
    let after_value = lines.text
        [previous.end..lines.start(previous_line + 1).saturating_sub(1).max(previous.end)]
        .trim_start_matches([' ', '\t'])
        .starts_with(':');
    let (last_line, content_col) = match dash_line {
        Some((dash, _)) => (line - 1, dash),
        None => (line, first_col),
    };
    let before =
        scan_comments(lines, previous_line, last_line, next_indent, after_value, content_col);
    let mut found = before.filter(|(_, start_col, _)| {
        // Block collections that end before the content line take a comment that starts at
        // their indentation (go-yaml moves the block end before it).
        !previous.indents.iter().any(|&indent| indent > content_col && indent == *start_col)
    });
    if let Some((dash, at)) = dash_line {
        let t = lines.text_of(line - 1);
        let comment = t[at..].trim_end_matches('\r');
        // Scanned after the `-` token: the scalar's line starts left of the sequence and
        // elsewhere than the comment only in malformed input; go-yaml would make it a foot.
        if first_col < dash && first_col != at {
            return found.map(|(f, _, _)| f);
        }
        let offset = lines.start(line - 1) + at;
        let piece = Found { text: comment.to_string(), start: offset, end: offset + comment.len() };
        found = Some(match found {
            Some((mut f, c, l)) => {
                f.text.push('\n');
                f.text.push_str(&piece.text);
                f.start = piece.start;
                f.end = piece.end;
                (f, c, l)
            }
            None => (piece, at, line - 1),
        });
    }
    found.map(|(f, _, _)| f)
}

/// go-yaml's `yaml_parser_scan_comments` over the lines strictly between `previous_line`
/// and `content_line`, whose first token is at `content_col`: the head comment left for
/// the next token (text, its first column, its first line), after foot comments are split off.
fn scan_comments(
    lines: &Lines<'_>,
    previous_line: usize,
    content_line: usize,
    next_indent: usize,
    after_value: bool,
    content_col: usize,
) -> Option<(Found, usize, usize)> {
    let foot_line = previous_line + 1;
    let mut text = String::new();
    let mut entry: Option<(usize, usize)> = None; // (line, column)
    let mut last: Option<(usize, usize)> = None;
    let mut first_empty = true;
    let mut recent_empty = false;
    for l in previous_line + 1..content_line {
        let t = lines.text_of(l);
        let trimmed = t.trim_start_matches([' ', '\t']);
        if trimmed.trim_end_matches('\r').is_empty() {
            if !recent_empty && !text.is_empty() {
                let (start_line, start_col) = entry.unwrap_or((l, 0));
                if first_empty
                    && ((start_line == foot_line && !after_value) || start_col < next_indent)
                {
                    text.clear();
                    entry = None;
                } else {
                    text.push('\n');
                }
            }
            first_empty = false;
            recent_empty = true;
            continue;
        }
        if !trimmed.starts_with('#') {
            return None;
        }
        let column = t.len() - trimmed.len();
        if !text.is_empty() && column < next_indent && entry.is_some_and(|(_, c)| c != column) {
            text.clear();
            entry = None;
        }
        if text.is_empty() {
            entry = Some((l, column));
        } else {
            text.push('\n');
        }
        let comment = trimmed.trim_end_matches('\r');
        text.push_str(comment);
        let offset = lines.start(l) + column;
        last = Some((offset, offset + comment.len()));
        recent_empty = false;
    }
    // The content line is scanned like one more line: starting left of the current block at
    // another column than the comment makes the comment a foot of what came before.
    if !text.is_empty() && content_col < next_indent && entry.is_some_and(|(_, c)| c != content_col)
    {
        return None;
    }
    while text.ends_with('\n') {
        text.pop();
    }
    if text.is_empty() {
        return None;
    }
    let (start_line, start_col) = entry?;
    let (start, end) = last?;
    Some((Found { text, start, end }, start_col, start_line))
}

/// Counts `- ` indicators in the text before a scalar on its line, and whether nothing else
/// (but spaces, anchors and tags) is there.
fn indicators(prefix: &str) -> (usize, bool) {
    let mut dashes = 0;
    for word in prefix.split([' ', '\t']).filter(|w| !w.is_empty()) {
        if word == "-" {
            dashes += 1;
        } else if !(word.starts_with('&') || word.starts_with('!')) {
            return (dashes, false);
        }
    }
    (dashes, true)
}
