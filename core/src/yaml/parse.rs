//! Parsing YAML text into [`Node`] trees, with byte spans and hard limits.
//!
//! Events come from `saphyr-parser` (a libyaml-lineage parser like go-yaml's); this module
//! turns them into trees without recursion, converts its character positions to byte
//! offsets, expands aliases within a node budget (so a billion-laughs file stops early with a
//! diagnostic), bounds nesting depth, and reports duplicate keys as go-yaml v3 does. A syntax
//! error keeps the documents that parsed before it.

use std::sync::Arc;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as SaphyrSpan};

use super::lax::{Construct, Insertions};
use super::node::{Body, Node, Origin, Style};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::vecmap::VecMap;

/// Bounds that keep hostile input from exhausting time or memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of collections.
    pub max_depth: usize,
    /// Most nodes one file may produce, counting alias expansions.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // saphyr-parser refuses nesting beyond about 255 levels itself; ours is lower so the
        // message is ours.
        Limits { max_depth: 200, max_nodes: 2_000_000 }
    }
}

/// One document of a YAML stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub root: Node,
    /// Bytes of the document, from its first token to its last.
    pub span: Span,
}

impl Document {
    /// A document with no content (only comments, or nothing between `---` markers).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        matches!(&self.root.body, Body::Scalar(s) if s.is_empty())
            && self.root.tag.is_none()
            && self.root.style == Style::Plain
    }
}

/// The result of parsing one file: the documents read (all of them, or those before an
/// error) and any diagnostics.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub documents: Vec<Document>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses a YAML stream. `file` names the file in diagnostics and origins.
#[must_use]
pub fn parse(file: &Arc<str>, text: &str, limits: &Limits) -> Parsed {
    if let Some((at, len)) = control_character(text) {
        let d = Diagnostic::new(Code::YamlSyntax, "Control characters are not allowed in YAML")
            .at(&**file, Span::new(at, at + len));
        return Parsed { documents: Vec::new(), diagnostics: vec![d] };
    }
    if let Some(at) = leading_tab(text) {
        let d = Diagnostic::new(
            Code::YamlSyntax,
            "Found a tab character that cannot start any token (tabs cannot indent YAML)",
        )
        .at(&**file, Span::new(at, at + 1));
        return Parsed { documents: Vec::new(), diagnostics: vec![d] };
    }
    if let Some((at, len, message)) = directive_error(text) {
        let d = Diagnostic::new(Code::YamlSyntax, message).at(&**file, Span::new(at, at + len));
        return Parsed { documents: Vec::new(), diagnostics: vec![d] };
    }
    Lenient::new(file, text, limits).parse()
}

/// Calls `f` with the offset and text (line break excluded) of each directive line: a line
/// starting with `%` before a document (at the start of the stream or after a `...` line),
/// until `f` returns something.
fn find_directive<T>(text: &str, mut f: impl FnMut(usize, &str) -> Option<T>) -> Option<T> {
    if !text.contains('%') {
        return None;
    }
    let mut at = 0;
    let mut prelude = true;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if prelude {
            if content.starts_with('%') {
                if let Some(found) = f(at, content) {
                    return Some(found);
                }
            } else if !content.trim().is_empty() && !content.trim_start().starts_with('#') {
                prelude = false;
            }
        } else if content == "..." || content.starts_with("... ") || content.starts_with("...\t") {
            prelude = true;
        }
        at += line.len();
    }
    None
}

/// A directive go-yaml refuses (and so kustomize), where the parser would skip it: go-yaml
/// knows only `%YAML` and `%TAG`, and a name is ASCII letters, digits, `_` and `-` followed by
/// a blank (go-yaml `scannerc.go`, `yaml_parser_scan_directive` and
/// `yaml_parser_scan_directive_name`). Returns the offset and length of what is refused, and
/// go-yaml's message.
fn directive_error(text: &str) -> Option<(usize, usize, &'static str)> {
    find_directive(text, |at, line| {
        let rest = &line[1..];
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
            .count();
        let name = &rest[..name_len];
        let after = rest[name_len..].chars().next();
        let start = at + 1;
        let len = after.map_or(1, char::len_utf8);
        if name.is_empty() {
            return Some((start, len, "Could not find expected directive name"));
        }
        if after.is_some_and(|c| c != ' ' && c != '\t') {
            return Some((
                start + name_len,
                len,
                "Found unexpected non-alphabetical character in a directive name",
            ));
        }
        (name != "YAML" && name != "TAG").then_some((
            start,
            name_len,
            "Found unknown directive name",
        ))
    })
}

/// The span of a directive line (`%YAML`, `%TAG`) that kustomize's resource reader refuses.
/// It splits a file into documents at `---` lines before go-yaml reads each part (kyaml
/// `kio/byteio_reader.go`), so a directive that opens a part has no `---` after it and fails
/// ("did not find expected <document start>"). A directive after a document's content and its
/// `...` is accepted there, and kustomization files, read whole, accept directives (checked
/// with kubectl kustomize v5.8.1: `tests/conformance/cases/*directive*`).
#[must_use]
pub fn first_directive(text: &str) -> Option<Span> {
    if !text.contains('%') {
        return None;
    }
    let mut at = 0;
    let mut part_start = true;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim_end() == "---" {
            part_start = true;
        } else if part_start {
            if content.starts_with('%') {
                return Some(Span::new(at, at + content.len()));
            }
            if !content.trim().is_empty() && !content.trim_start().starts_with('#') {
                part_start = false;
            }
        }
        at += line.len();
    }
    None
}

/// Most bytes parsed again, in all, while accepting what go-yaml accepts and saphyr refuses
/// (a file of 8 MiB, the largest read, gets four extra passes; a small file many more).
const RETRY_BUDGET: usize = 32 * 1024 * 1024;

/// Parsing with go-yaml's leniency: where saphyr refuses something go-yaml accepts, the text
/// is adjusted without changing any value and parsed again, within [`RETRY_BUDGET`].
///
/// - A tab after a mapping colon (`key:\tvalue`) is go-yaml's separating space; it is read as
///   a space (same length, so spans stay exact).
/// - Quoted scalars and flow collections continued at their key's indentation are
///   re-indented (see [`super::lax`]); spans are mapped back and a warning names each one.
struct Lenient<'a> {
    file: &'a Arc<str>,
    text: &'a str,
    limits: &'a Limits,
    working: std::borrow::Cow<'a, str>,
    insertions: Insertions,
    /// Re-indented constructs: what, and the span of their first line in the original text.
    padded: Vec<(Construct, Span)>,
}

enum Fix {
    Tab(usize),
    Pad(Construct, usize, usize),
}

impl<'a> Lenient<'a> {
    fn new(file: &'a Arc<str>, text: &'a str, limits: &'a Limits) -> Self {
        Lenient {
            file,
            text,
            limits,
            working: std::borrow::Cow::Borrowed(text),
            insertions: Insertions::default(),
            padded: Vec::new(),
        }
    }

    fn parse(mut self) -> Parsed {
        let mut work = 0usize;
        loop {
            let run = run(self.file, &self.working, self.limits);
            work = work.saturating_add(self.working.len());
            let fix = if work > RETRY_BUDGET + self.text.len() { None } else { self.fix(&run) };
            match fix {
                Some(Fix::Tab(at)) => self.working.to_mut().replace_range(at..=at, " "),
                Some(Fix::Pad(construct, start, end)) => {
                    let line_end =
                        self.working[start..].find(['\n', '\r']).map_or(end, |i| start + i);
                    let first_line = self.insertions.span(Span::new(start, line_end.min(end)));
                    if !super::lax::pad(self.working.to_mut(), &mut self.insertions, start, end) {
                        return self.finish(run);
                    }
                    self.padded.push((construct, first_line));
                }
                None => return self.finish(run),
            }
        }
    }

    /// What to adjust for the error saphyr reported, if go-yaml accepts the text there.
    fn fix(&self, run: &Run) -> Option<Fix> {
        let error = run.error.as_ref()?;
        let text: &str = &self.working;
        if let Some(at) = separating_tab(text, error) {
            return Some(Fix::Tab(at));
        }
        if error.info == "invalid indentation in quoted scalar" {
            let start = error.at;
            let end = quoted_end(text, start)?;
            return Some(Fix::Pad(Construct::QuotedScalar, start, end));
        }
        let in_flow = error.info == "invalid indentation in flow construct"
            || (error.info == "invalid indentation" && !run.open_flows.is_empty());
        if in_flow {
            let start = *run.open_flows.first()?;
            let end = super::lax::flow_end(text, start)?;
            return Some(Fix::Pad(Construct::FlowCollection, start, end));
        }
        None
    }

    fn finish(self, run: Run) -> Parsed {
        let Run { mut parsed, open_flows, error } = run;
        if let Some(error) = &error {
            locate_unclosed(&self.working, error, &open_flows, &mut parsed);
        }
        if !self.insertions.is_empty() {
            for document in &mut parsed.documents {
                self.insertions.remap(&mut document.root);
                document.span = self.insertions.span(document.span);
            }
            for d in &mut parsed.diagnostics {
                d.span = d.span.map(|s| self.insertions.span(s));
                for related in &mut d.related {
                    related.span = related.span.map(|s| self.insertions.span(s));
                }
            }
        }
        if !parsed.has_errors() {
            for (construct, span) in self.padded {
                parsed.diagnostics.push(lax_indentation(self.file, construct, span));
            }
        }
        parsed
    }
}

/// The warning for a construct go-yaml accepts only because it does not check indentation.
fn lax_indentation(file: &Arc<str>, construct: Construct, span: Span) -> Diagnostic {
    let what = match construct {
        Construct::QuotedScalar => "quoted scalar",
        Construct::FlowCollection => "flow collection",
    };
    Diagnostic::new(
        Code::YamlLaxIndentation,
        format!(
            "This {what} continues on lines indented no more than its key; kustomize (go-yaml) reads it, YAML 1.2 parsers refuse it"
        ),
    )
    .at(&**file, span)
    .with_help(format!("indent the continuation lines of the {what} past its key"))
}

/// A syntax error inside a flow collection that never closes, or a quoted scalar that never
/// ends, is reported at the construct, with where the parser gave up as related information
/// (as `PyYAML` and yaml-language-server do), instead of only at the end of the file.
fn locate_unclosed(text: &str, error: &RunError, open_flows: &[usize], parsed: &mut Parsed) {
    let Some(d) = parsed.diagnostics.iter_mut().find(|d| d.code == Code::YamlSyntax.as_str())
    else {
        return;
    };
    let file = d.file.clone().unwrap_or_default();
    let gave_up = Span::new(error.at, next_char_boundary(text, error.at));
    if error.info.starts_with("while scanning a quoted scalar, found unexpected end of stream") {
        *d = Diagnostic::new(
            Code::YamlSyntax,
            "Unclosed quoted scalar: the file ends before its closing quote",
        )
        .at(file.clone(), gave_up)
        .with_related(file, Some(Span::empty(text.len())), "the file ends here");
        return;
    }
    // The innermost collection still open, if no bracket of its kind ever closes it.
    let Some(&open) = open_flows.last() else { return };
    if super::lax::flow_end(text, open).is_some() || error.at <= open {
        return;
    }
    let bracket = &text[open..=open];
    let closing = if bracket == "[" { "]" } else { "}" };
    *d = Diagnostic::new(
        Code::YamlSyntax,
        format!(
            "Unclosed `{bracket}`: no `{closing}` closes this flow collection ({})",
            error.info
        ),
    )
    .at(file.clone(), Span::new(open, open + 1))
    .with_related(file, Some(gave_up), "the parser gave up here");
}

/// One parse of the (possibly adjusted) text.
struct Run {
    parsed: Parsed,
    /// Offsets of the flow collections still open when the parser failed, outermost first.
    open_flows: Vec<usize>,
    error: Option<RunError>,
}

/// saphyr's error: its message (as saphyr words it) and the byte offset of its mark.
struct RunError {
    info: String,
    at: usize,
}

fn run(file: &Arc<str>, text: &str, limits: &Limits) -> Run {
    let mut builder = Builder {
        file: file.clone(),
        text,
        offsets: CharOffsets::new(text),
        limits: *limits,
        nodes: 0,
        anchors: VecMap::new(),
        stack: Vec::new(),
        out: Parsed::default(),
        doc_start: 0,
        error: None,
    };
    builder.run();
    let open_flows = if builder.error.is_some() {
        builder
            .stack
            .iter()
            .filter_map(|frame| match frame {
                Frame::Seq { start, flow: true, .. } | Frame::Map { start, flow: true, .. } => {
                    text.as_bytes().get(*start).filter(|b| matches!(b, b'[' | b'{')).map(|_| *start)
                }
                _ => None,
            })
            .collect()
    } else {
        Vec::new()
    };
    Run { parsed: builder.out, open_flows, error: builder.error }
}

/// The offset of a tab the parser refused where go-yaml reads it as separation: right after
/// a `:` (maybe after other spaces and tabs) on the same line.
fn separating_tab(text: &str, error: &RunError) -> Option<usize> {
    if !error.info.contains("tabs disallowed")
        && !error.info.contains("must be followed by a valid YAML whitespace")
    {
        return None;
    }
    let at = error.at.min(text.len());
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    (line_start..line_end)
        .filter(|&i| text.as_bytes()[i] == b'\t')
        .find(|&tab| text[..tab].trim_end_matches([' ', '\t']).ends_with(':'))
}

/// The first character YAML does not allow in a stream (go-yaml: "control characters are
/// not allowed"): C0 controls other than tab and line breaks, DEL, C1 controls other than
/// NEL, and U+FFFE/U+FFFF. Returns its offset and byte length.
fn control_character(text: &str) -> Option<(usize, usize)> {
    text.char_indices().find_map(|(i, c)| {
        let bad = matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}' | '\u{fffe}' | '\u{ffff}')
            || (('\u{80}'..='\u{9f}').contains(&c) && c != '\u{85}');
        bad.then(|| (i, c.len_utf8()))
    })
}

/// A tab indenting the first content line of a document (saphyr accepts it; go-yaml, and
/// so kustomize, does not). Later lines are checked by the parser itself.
fn leading_tab(text: &str) -> Option<usize> {
    let mut at = 0;
    let mut expect_first = true;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '\t']);
        let content = trimmed.trim_end();
        if content.starts_with("---") {
            expect_first = content == "---" || content.starts_with("--- #");
        } else if expect_first
            && !content.is_empty()
            && !content.starts_with('#')
            && !content.starts_with('%')
        {
            let indent = &line[..line.len() - trimmed.len()];
            if let Some(tab) = indent.find('\t') {
                return Some(at + tab);
            }
            expect_first = false;
        }
        at += line.len();
    }
    None
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        tag: Option<Arc<str>>,
        flow: bool,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        tag: Option<Arc<str>>,
        flow: bool,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

struct Builder<'a> {
    file: Arc<str>,
    text: &'a str,
    offsets: CharOffsets,
    limits: Limits,
    nodes: usize,
    anchors: VecMap<usize, (Node, usize)>,
    stack: Vec<Frame>,
    out: Parsed,
    doc_start: usize,
    /// saphyr's error, as it worded it.
    error: Option<RunError>,
}

impl Builder<'_> {
    fn run(&mut self) {
        let mut parser = Parser::new_from_str(self.text);
        loop {
            match parser.next_event() {
                None | Some(Ok((Event::StreamEnd, _))) => return,
                Some(Ok((event, span))) => {
                    if let Err(diagnostic) = self.event(event, span) {
                        self.out.diagnostics.push(*diagnostic);
                        return;
                    }
                }
                Some(Err(err)) => {
                    let at = self.offsets.byte(err.marker().index());
                    self.error = Some(RunError { info: err.info().to_owned(), at });
                    let end = next_char_boundary(self.text, at);
                    let code = if err.info().contains("recursion limit") {
                        Code::YamlTooDeep
                    } else {
                        Code::YamlSyntax
                    };
                    self.out.diagnostics.push(
                        Diagnostic::new(code, capitalize(err.info()))
                            .at(&*self.file, Span::new(at, end)),
                    );
                    return;
                }
            }
        }
    }

    fn event(&mut self, event: Event<'_>, span: SaphyrSpan) -> Result<(), Box<Diagnostic>> {
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index());
        match event {
            Event::DocumentStart(_) => {
                self.doc_start = start;
                self.anchors.clear();
            }
            Event::Scalar(value, style, anchor, tag) => {
                let tag = tag.map(|t| Arc::from(format!("{}{}", t.handle, t.suffix)));
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let span = if value.is_empty() && style == Style::Plain && tag.is_none() {
                    Span::empty(empty_value_at(self.text, start))
                } else {
                    // For a property on an implicit key (`! a: r`) the reported span ends
                    // at the property; skip it and any whitespace to the scalar itself.
                    let token_start = if end <= start + 1
                        || matches!(self.text.as_bytes().get(start), Some(b'&' | b'!'))
                    {
                        skip_properties(self.text, start, self.text.len())
                    } else {
                        skip_properties(self.text, start, end)
                    };
                    let end = if style == Style::Plain
                        && end <= token_start
                        && self.text[token_start..].starts_with(value.as_ref())
                    {
                        token_start + value.len()
                    } else {
                        end
                    };
                    match style {
                        // saphyr's end marker for quoted scalars is off after multibyte text;
                        // the closing quote is found here instead.
                        Style::SingleQuoted | Style::DoubleQuoted => Span::new(
                            token_start,
                            quoted_end(self.text, token_start).unwrap_or(end),
                        ),
                        _ => Span::new(token_start, end),
                    }
                };
                // Parses stay in the workspace's cache for as long as the file is unchanged:
                // keep no spare capacity (the scanner grows strings as it reads).
                let mut value = value.into_owned();
                if matches!(style, Style::Literal | Style::Folded)
                    && self.text[end.min(self.text.len())..].trim().is_empty()
                    && let Some(libyaml) = super::block::read_at_eof(self.text, start, &value)
                {
                    value = libyaml;
                }
                value.shrink_to_fit();
                let node = Node {
                    body: Body::Scalar(value),
                    tag,
                    style,
                    origin: Origin::new(&self.file, span),
                };
                self.count(1, start)?;
                self.complete(node, anchor)?;
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id).cloned() else {
                    return Err(Box::new(
                        Diagnostic::new(Code::YamlSyntax, "Unknown anchor")
                            .at(&*self.file, Span::new(start, end)),
                    ));
                };
                self.count(size, start)?;
                self.complete(node, 0)?;
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)
                if self.stack.len() >= self.limits.max_depth =>
            {
                let _ = (anchor, tag);
                return Err(Box::new(
                    Diagnostic::new(
                        Code::YamlTooDeep,
                        format!("YAML nesting is deeper than {} levels", self.limits.max_depth),
                    )
                    .at(&*self.file, Span::new(start, next_char_boundary(self.text, start))),
                ));
            }
            Event::SequenceStart(anchor, tag) => {
                let flow = self.text[start..end].trim_end().ends_with('[');
                let tag = tag.map(|t| Arc::from(format!("{}{}", t.handle, t.suffix)));
                self.count(1, start)?;
                self.stack.push(Frame::Seq {
                    start: skip_properties(self.text, start, end),
                    anchor,
                    tag,
                    flow,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                let flow = self.text[start..end].trim_end().ends_with('{');
                let tag = tag.map(|t| Arc::from(format!("{}{}", t.handle, t.suffix)));
                self.count(1, start)?;
                self.stack.push(Frame::Map {
                    start: skip_properties(self.text, start, end),
                    anchor,
                    tag,
                    flow,
                    entries: Vec::new(),
                    key: None,
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { start: s, anchor, tag, flow, mut items }) =
                    self.stack.pop()
                {
                    items.shrink_to_fit();
                    let node_end = if flow {
                        end
                    } else {
                        items.last().map_or(s, |n| n.origin.span.end as usize)
                    };
                    let node = Node {
                        body: Body::Seq(items),
                        tag,
                        style: if flow { Style::Flow } else { Style::Block },
                        origin: Origin::new(&self.file, Span::new(s, node_end)),
                    };
                    self.complete(node, anchor)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map { start: s, anchor, tag, flow, mut entries, .. }) =
                    self.stack.pop()
                {
                    entries.shrink_to_fit();
                    let node_end = if flow {
                        end
                    } else {
                        entries.last().map_or(s, |(_, v)| v.origin.span.end as usize)
                    };
                    let node = Node {
                        body: Body::Map(entries),
                        tag,
                        style: if flow { Style::Flow } else { Style::Block },
                        origin: Origin::new(&self.file, Span::new(s, node_end)),
                    };
                    self.complete(node, anchor)?;
                }
            }
            Event::DocumentEnd | Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    fn count(&mut self, n: usize, at: usize) -> Result<(), Box<Diagnostic>> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(Box::new(
                Diagnostic::new(
                    Code::YamlTooManyNodes,
                    format!(
                        "YAML expands to more than {} nodes; aliases may be nested to blow up",
                        self.limits.max_nodes
                    ),
                )
                .at(&*self.file, Span::new(at, next_char_boundary(self.text, at))),
            ));
        }
        Ok(())
    }

    /// A node is finished: remember its anchor and hand it to its parent (or the document).
    fn complete(&mut self, node: Node, anchor: usize) -> Result<(), Box<Diagnostic>> {
        if anchor != 0 {
            let size = node.count();
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => {
                let end = if node.origin.span.end as usize >= self.doc_start {
                    node.origin.span.end as usize
                } else {
                    self.doc_start
                };
                self.out
                    .documents
                    .push(Document { root: node, span: Span::new(self.doc_start, end) });
            }
            Some(Frame::Seq { items, .. }) => {
                let mut node = node;
                if let Some(previous) = items.last() {
                    not_before(&mut node, previous.origin.span.end);
                }
                items.push(node);
            }
            Some(Frame::Map { key: key @ None, .. }) => *key = Some(node),
            Some(Frame::Map { key, entries, .. }) => {
                let Some(k) = key.take() else { return Ok(()) };
                if let Some(name) = k.scalar()
                    && k.is_scalar()
                    && let Some((first, _)) =
                        entries.iter().find(|(e, _)| e.scalar() == Some(name) && e.is_scalar())
                {
                    let first_span = first.origin.span;
                    return Err(Box::new(
                        Diagnostic::new(
                            Code::YamlDuplicateKey,
                            format!("mapping key {name:?} already defined"),
                        )
                        .at(&*self.file, k.origin.span)
                        .with_related(
                            &*self.file,
                            Some(first_span),
                            "first defined here",
                        ),
                    ));
                }
                let mut node = node;
                not_before(&mut node, k.origin.span.end);
                entries.push((k, node));
            }
        }
        Ok(())
    }
}

/// An empty value can only sit after the node before it; if its reported position is earlier
/// (inside a multi-line quoted key, say), it moves to the end of that node.
fn not_before(node: &mut Node, end: u32) {
    let empty =
        node.scalar() == Some("") && node.style == Style::Plain && node.origin.span.is_empty();
    if empty && node.origin.span.start < end {
        node.origin.span = Span { start: end, end };
    }
}

/// Character index → byte offset, cheap for ASCII text.
struct CharOffsets {
    /// `None` when the text is ASCII and indices are offsets.
    table: Option<Vec<u32>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharOffsets { table: None, len: text.len() };
        }
        let mut table: Vec<u32> = text.char_indices().map(|(i, _)| i as u32).collect();
        table.push(text.len() as u32);
        CharOffsets { table: Some(table), len: text.len() }
    }

    fn byte(&self, index: usize) -> usize {
        match &self.table {
            None => index.min(self.len),
            Some(table) => table.get(index).map_or(self.len, |&b| b as usize),
        }
    }
}

/// Skips `&anchor` and `!tag` properties (and the space and comments after them) at the
/// start of a token.
fn skip_properties(text: &str, start: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start;
    while i < end && matches!(bytes[i], b'&' | b'!') {
        while i < end && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        loop {
            while i < end && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < end && bytes[i] == b'#' {
                // A comment ends at any line break (a lone CR is one too).
                while i < end && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            } else {
                break;
            }
        }
    }
    i
}

/// Where an empty value sits, for inserting one: right after its `:` (`key:`), after the
/// `- ` of an empty sequence item, and after an anchor it carries (`key: &a`), never inside
/// a comment. The parser reports empty values at the next token, which may be lines later.
fn empty_value_at(text: &str, at: usize) -> usize {
    let at = at.min(text.len());
    let rest = &text.as_bytes()[at..];
    let spaces = rest.iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    if rest.get(spaces) == Some(&b':') {
        // Only properties on the same line belong to this empty value.
        let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
        return after_properties(text, at + spaces + 1, line_end);
    }
    // Walk back over whitespace, comments and the value's own properties to the indicator
    // that opened the value; then forward over those properties.
    let mut before = &text[..at];
    loop {
        let trimmed = before.trim_end_matches([' ', '\t', '\r', '\n']);
        let line_start = trimmed.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = &trimmed[line_start..];
        if let Some(c) = comment_start(line) {
            before = &trimmed[..line_start + c];
            continue;
        }
        let token_start = trimmed.rfind([' ', '\t', '\n', '\r']).map_or(0, |i| i + 1);
        if trimmed[token_start..].starts_with(['&', '!']) {
            before = &trimmed[..token_start];
            continue;
        }
        // The value's properties lie between its indicator and the end of the line where the
        // parser reported it (which may be at, or just after, those properties).
        let line_end = text[at..].find(['\n', '\r']).map_or(text.len(), |i| at + i);
        return if trimmed.ends_with(['-', ':']) {
            after_properties(text, trimmed.len(), line_end)
        } else {
            at
        };
    }
}

/// Skips anchors and tags that follow an indicator (`: &a !t`), up to `limit`, returning
/// the offset right after the last one (or `at` when there is none).
fn after_properties(text: &str, at: usize, limit: usize) -> usize {
    let bytes = &text.as_bytes()[..limit.min(text.len())];
    let (mut result, mut i) = (at, at);
    loop {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
            i += 1;
        }
        if !matches!(bytes.get(i), Some(b'&' | b'!')) {
            return result;
        }
        // Anchor and tag names end at whitespace or a flow indicator.
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && !matches!(bytes[i], b',' | b'[' | b']' | b'{' | b'}')
        {
            i += 1;
        }
        result = i;
    }
}

/// Where a `#` comment starts on a line (at the start or after whitespace, outside quotes).
fn comment_start(line: &str) -> Option<usize> {
    let (mut single, mut double) = (false, false);
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single
                && !double
                && (i == 0 || bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') =>
            {
                return Some(i);
            }
            _ => {}
        }
    }
    None
}

/// The offset after the closing quote of a quoted scalar starting at `start`.
pub(super) fn quoted_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.get(start)?;
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn next_char_boundary(text: &str, at: usize) -> usize {
    let mut end = (at + 1).min(text.len());
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    end.max(at)
}

/// saphyr's messages with a capital first letter. They are English and start with an ASCII
/// letter (or a quote), so ASCII case mapping is all they need (and it keeps the Unicode case
/// tables, 13 KB, out of the WebAssembly build).
fn capitalize(message: &str) -> String {
    let mut out = message.to_owned();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Parsed {
        parse(&Arc::from("f.yaml"), text, &Limits::default())
    }

    fn slice<'a>(text: &'a str, node: &Node) -> &'a str {
        &text[node.origin.span.range()]
    }

    /// Directives as go-yaml scans them (`scannerc.go` `yaml_parser_scan_directive`; messages
    /// and refusals checked with kubectl kustomize v5.8.1): only `%YAML` and `%TAG`, names of
    /// ASCII letters, digits, `_` and `-`, and only before a document.
    #[test]
    fn directives_go_yaml_refuses() {
        for (text, range, message) in [
            ("%FOO bar\n---\na: 1\n", 1..4, "Found unknown directive name"),
            ("%\n---\na: 1\n", 1..2, "Could not find expected directive name"),
            ("%é\n---\na: 1\n", 1..3, "Could not find expected directive name"),
            (
                "%YAMLé 1.1\n---\na: 1\n",
                5..7,
                "Found unexpected non-alphabetical character in a directive name",
            ),
            ("a: 1\n...\n# next\n%X\n---\nb: 2\n", 17..18, "Found unknown directive name"),
        ] {
            let parsed = parse_str(text);
            assert!(parsed.documents.is_empty(), "{text:?}");
            let d = &parsed.diagnostics[0];
            assert_eq!((d.code, d.message.as_str()), ("Y001", message), "{text:?}");
            assert_eq!(d.span.map(crate::diagnostic::Span::range), Some(range), "{text:?}");
        }
        for text in [
            "%YAML 1.1\n---\na: 1\n",
            "# c\n%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
            "a: |\n  %not a directive\n",
            "a:\n- x\n%b: 1\n",
        ] {
            let parsed = parse_str(text);
            assert!(
                !parsed.diagnostics.iter().any(|d| d.message.contains("directive name")),
                "{text:?}"
            );
        }
    }

    /// Where kustomize's resource reader meets a directive: at the start of a `---` part
    /// (refused), never after a document's content (tests/conformance/cases/*directive*).
    #[test]
    fn first_directive_opens_a_part() {
        assert_eq!(first_directive("%YAML 1.1\n---\na: 1\n").map(Span::range), Some(0..9));
        assert_eq!(first_directive("# c\n\n%TAG ! x:\n---\na: 1\n").map(Span::range), Some(5..14));
        assert_eq!(
            first_directive("a: 1\n---\n%YAML 1.1\n---\nb: 2\n").map(Span::range),
            Some(9..18)
        );
        for text in ["a: 1\n...\n%YAML 1.1\n---\nb: 2\n", "a: |\n  %x\n", "a: 1\n", "a: '%'\n"] {
            assert_eq!(first_directive(text), None, "{text:?}");
        }
    }

    #[test]
    fn spans_are_bytes_and_cover_the_token() {
        let text =
            "# c\nname: \"é x\"   # trailing\nimage: &a reg/app:1.0\ntag: !!str 5\nlist: [a, b]\n";
        let parsed = parse_str(text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let root = &parsed.documents[0].root;
        assert_eq!(slice(text, root.get("name").unwrap()), "\"é x\"");
        assert_eq!(slice(text, root.get("image").unwrap()), "reg/app:1.0");
        assert_eq!(slice(text, root.get("tag").unwrap()), "5");
        assert_eq!(root.get("tag").unwrap().tag.as_deref(), Some("tag:yaml.org,2002:str"));
        assert_eq!(slice(text, root.get("list").unwrap()), "[a, b]");
        assert_eq!(root.get("list").unwrap().style, Style::Flow);
        assert_eq!(slice(text, &root.entry("image").unwrap().0), "image");
    }

    #[test]
    fn multi_document_streams_and_empty_documents() {
        let text = "---\n---\n# only a comment\n---\nx: 1\n...\n";
        let parsed = parse_str(text);
        assert_eq!(parsed.documents.len(), 3);
        assert!(parsed.documents[0].is_empty());
        assert!(parsed.documents[1].is_empty());
        assert_eq!(parsed.documents[2].root.get("x").and_then(Node::scalar), Some("1"));
        assert!(parse_str("").documents.is_empty());
    }

    #[test]
    fn aliases_are_expanded() {
        let parsed = parse_str("a: &x {k: v}\nb: *x\n");
        let root = &parsed.documents[0].root;
        assert_eq!(root.get("b"), root.get("a"));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let text = "a: b\n  c: d\n";
        let parsed = parse_str(text);
        let d = &parsed.diagnostics[0];
        assert_eq!(d.code, "Y001");
        assert_eq!(d.span, Some(Span::new(8, 9)));
        assert!(d.message.contains("apping values are not allowed"), "{}", d.message);
    }

    #[test]
    fn error_positions_are_bytes_after_multibyte_text() {
        let text = "a: \"日本\"\nb: [\n";
        let parsed = parse_str(text);
        let d = &parsed.diagnostics[0];
        let span = d.span.unwrap();
        assert!(text.is_char_boundary(span.start as usize));
        assert!(span.start as usize >= text.find('b').unwrap());
    }

    #[test]
    fn duplicate_keys_are_reported() {
        let parsed = parse_str("a: 1\nb: 2\na: 3\n");
        assert_eq!(parsed.diagnostics[0].code, "Y004");
        assert_eq!(parsed.diagnostics[0].span, Some(Span::new(10, 11)));
        assert_eq!(parsed.diagnostics[0].related[0].span, Some(Span::new(0, 1)));
    }

    #[test]
    fn alias_bombs_stop_at_the_node_budget() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let parsed =
            parse(&Arc::from("bomb.yaml"), &text, &Limits { max_depth: 64, max_nodes: 100_000 });
        assert_eq!(parsed.diagnostics[0].code, "Y003");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(1000) + &"]".repeat(1000);
        let parsed = parse_str(&text);
        assert_eq!(parsed.diagnostics[0].code, "Y002");
    }

    #[test]
    fn an_anchor_ends_at_a_flow_indicator() {
        let text = "{\"a\": &v1\", \"b\": c}";
        let root = &parse_str(text).documents[0].root;
        assert_eq!(root.get("a").unwrap().origin.span, Span::empty(text.find(',').unwrap()));
    }

    #[test]
    fn an_empty_anchored_value_with_multibyte_anchor_name() {
        let text = "a: &(ia-x\u{1f680}";
        let root = &parse_str(text).documents[0].root;
        assert_eq!(root.get("a").unwrap().origin.span, Span::empty(text.len()));
    }

    #[test]
    fn an_empty_value_does_not_take_the_next_keys_tag() {
        let text = "rq:\n!   a: r\n";
        let root = &parse_str(text).documents[0].root;
        assert_eq!(root.get("rq").unwrap().origin.span, Span::empty(3));
        assert_eq!(&text[root.entry("a").unwrap().0.origin.span.range()], "a");
    }

    #[test]
    fn a_comment_after_an_anchor_ends_at_a_lone_carriage_return() {
        let text = "a: &W- #\r  )o";
        let root = &parse_str(text).documents[0].root;
        assert_eq!(&text[root.get("a").unwrap().origin.span.range()], ")o");
    }

    #[test]
    fn a_tab_indenting_the_first_line_is_an_error() {
        assert_eq!(parse_str("\t- tab\n").diagnostics[0].span, Some(Span::new(0, 1)));
        assert_eq!(parse_str("# c\n---\n \ta: 1\n").diagnostics[0].span, Some(Span::new(9, 10)));
        assert!(parse_str("a: \"x\ty\"\n").diagnostics.is_empty());
        assert!(parse_str("a: |\n  x\n").diagnostics.is_empty());
    }

    #[test]
    fn unknown_alias_is_a_syntax_error() {
        let parsed = parse_str("a: *nope\n");
        assert_eq!(parsed.diagnostics[0].code, "Y001");
    }

    #[test]
    fn continuations_at_the_key_s_indentation_are_read_as_go_yaml_reads_them() {
        // kustomize v5.8.1 reads these (see the corpus case `format-lax-indentation`).
        let text = "a:\n  k: \"one\n  two\"\n  l: [x,\n  y]\nz: 'p\nq'\n";
        let parsed = parse_str(text);
        let root = &parsed.documents[0].root;
        let a = root.get("a").unwrap();
        assert_eq!(a.get("k").and_then(Node::scalar), Some("one two"));
        assert_eq!(slice(text, a.get("k").unwrap()), "\"one\n  two\"");
        let l = a.get("l").unwrap();
        assert_eq!(slice(text, l), "[x,\n  y]");
        assert_eq!(slice(text, &l.as_seq().unwrap()[1]), "y");
        assert_eq!(slice(text, root.get("z").unwrap()), "'p\nq'");
        assert_eq!(slice(text, &root.entry("z").unwrap().0), "z");
        let warnings: Vec<_> = parsed.diagnostics.iter().map(|d| (d.code, d.span)).collect();
        assert_eq!(
            warnings,
            [
                ("Y006", Some(Span::new(8, 12))),
                ("Y006", Some(Span::new(25, 28))),
                ("Y006", Some(Span::new(37, 39))),
            ]
        );
        assert!(!parsed.has_errors());
    }

    #[test]
    fn a_document_marker_inside_a_quoted_scalar_stays_an_error() {
        let parsed = parse_str("x: \"a\n---\nb\"\n");
        assert!(parsed.has_errors());
        assert!(parsed.diagnostics.iter().all(|d| d.code != "Y006"));
    }

    #[test]
    fn many_lax_constructs_stay_within_the_work_budget() {
        // Each refused construct costs a parse; past the budget the error is reported.
        let mut text = String::new();
        for i in 0..3_000 {
            text.push_str(&format!("k{i}: \"a\nb\"\n"));
        }
        let parsed = parse_str(&text);
        let d = &parsed.diagnostics[0];
        assert_eq!(d.code, "Y001", "{d:?}");
        assert!(d.span.unwrap().start > 1_000, "some constructs were accepted first: {d:?}");
    }

    #[test]
    fn unclosed_constructs_are_reported_where_they_open() {
        let text = "resources:\n- a.yaml\nimages:\n- name: [x\n";
        let d = &parse_str(text).diagnostics[0];
        assert_eq!((d.code, d.span), ("Y001", Some(Span::new(36, 37))));
        assert_eq!(d.related[0].span, Some(Span::new(39, 39)));
        assert!(d.message.starts_with("Unclosed `[`"), "{}", d.message);
        let text = "a: {b: [1, 2}\n";
        let d = &parse_str(text).diagnostics[0];
        assert_eq!(d.span, Some(Span::new(7, 8)));
        let text = "k: \"abc\n";
        let d = &parse_str(text).diagnostics[0];
        assert_eq!(d.span, Some(Span::new(3, 4)));
        assert_eq!(d.related[0].span, Some(Span::empty(text.len())));
        // A collection closed later keeps the error where the parser met it.
        let text = "a: [1,\n b: c: d]\n";
        let d = &parse_str(text).diagnostics[0];
        assert!(d.span.unwrap().start > 7, "{d:?}");
    }

    #[test]
    fn random_texts_give_spans_inside_the_text() {
        // Quotes, brackets, breaks and indentation in random order: whatever the lenient
        // passes do, every span must be a valid range of the original text.
        let pieces = [
            "\"", "'", "[", "]", "{", "}", ",", ": ", "\n", "\n  ", "\n ", "a", "é", "#", "- ",
            "|", ">", "\t", "---",
        ];
        let mut rng = crate::test_rng::Rng(0x0dd_ba11_5eed);
        for _ in 0..3_000 {
            let text: String = (0..rng.below(24))
                .map(|_| pieces[rng.below(pieces.len() as u64) as usize])
                .collect();
            let parsed = parse_str(&text);
            let check = |span: Span| {
                let r = span.range();
                assert!(r.start <= r.end && r.end <= text.len(), "{text:?}: {span:?}");
                assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "{text:?}");
            };
            for d in &parsed.diagnostics {
                d.span.into_iter().for_each(check);
                d.related.iter().filter_map(|r| r.span).for_each(check);
            }
            for doc in &parsed.documents {
                let mut stack = vec![&doc.root];
                while let Some(n) = stack.pop() {
                    check(n.origin.span);
                    match &n.body {
                        Body::Scalar(_) => {}
                        Body::Seq(items) => stack.extend(items),
                        Body::Map(entries) => {
                            for (k, v) in entries {
                                stack.extend([k, v]);
                            }
                        }
                    }
                }
            }
        }
    }
}
