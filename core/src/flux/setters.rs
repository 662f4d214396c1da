//! Setter markers and the edits they cause, as image-automation-controller + kyaml do it.
//!
//! Upstream (fluxcd/image-automation-controller d36e2ea, `internal/update/`):
//! `filereader.go` picks the files (names ending `.yaml`/`.yml`, or `Kustomization`, whose
//! bytes contain `"$imagepolicy"`) and reads them with kyaml's `kio.ByteReader`
//! (kustomize kyaml/v0.21.1 `kio/byteio_reader.go`: CRLF to LF, documents split at lines
//! matching `\n---.*\n`, a separator line carrying anything but a comment fails the file,
//! only the first document of each piece is decoded, empty and null documents dropped);
//! `filter.go` walks every mapping value and sequence item of each document, and at each
//! scalar reads the marker with kyaml `fieldmeta.Read` (`fieldmeta/fieldmeta.go`); `setters.go`
//! defines the four setters per policy and records a change when the value differs.
//! kyaml `yaml/compatibility.go` (`FormatNonStringStyle`) and go-yaml v3's encoder decide
//! the quoting of the new value.
//!
//! Baton does not re-serialise the file (Flux does, with go-yaml's formatting); it replaces
//! the scalar's bytes only (`yaml::edit`). Offsets are kept in the original text: CRLF files
//! are read through an LF view whose offsets map back.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::yaml::edit::{TextEdit, replace_scalar};
use crate::yaml::parse::{Limits, parse};
use crate::yaml::{Node, Style};

use super::comments::{self, Lines, Token};

/// The token Flux screens files for.
pub const TOKEN: &str = "\"$imagepolicy\"";

/// The kyaml long-form reference prefix of a setter.
const REF_PREFIX: &str = "#/definitions/io.k8s.cli.setters.";

/// Whether Flux reads a file of this name at all.
#[must_use]
pub fn is_candidate_name(path: &str) -> bool {
    let name = crate::tree::file_name(path);
    // filepath.Ext: the suffix from the last dot of the base name.
    let ext = name.rfind('.').map_or("", |i| &name[i..]);
    ext == ".yaml" || ext == ".yml" || name == "Kustomization"
}

/// The identity of the object a change is in (`ObjectIdentifier`): empty strings where absent.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectId {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

/// A marked scalar.
#[derive(Debug, Clone)]
pub struct Marker {
    /// The setter name (`ns:name`, `ns:name:tag`, …) as written.
    pub setter: String,
    /// Span of the marker comment in the original text.
    pub comment: Span,
    /// The marked scalar: its span in the original text, its text, and its node.
    pub span: Span,
    pub value: String,
    node: Node,
    /// The document the scalar is in.
    pub object: ObjectId,
    /// Index of the document (for ordering).
    pub document: usize,
}

/// A comment that names `$imagepolicy` but is not a marker on a scalar.
#[derive(Debug, Clone)]
pub struct Stray {
    pub span: Span,
    pub code: Code,
    pub message: String,
}

/// What Flux sees in one file.
#[derive(Debug, Clone, Default)]
pub struct FileScan {
    /// Flux does not read the file (the reason), e.g. its YAML does not parse.
    pub skipped: Option<String>,
    /// Flux unwraps a `kind: List` file: its markers are not handled here.
    pub list_file: bool,
    /// Markers in visit order.
    pub markers: Vec<Marker>,
    /// Marker-like comments that Flux does not read as markers.
    pub strays: Vec<Stray>,
}

/// Reads the markers of one file as Flux would. The caller has checked the name and the
/// token; `text` is the whole file.
#[must_use]
pub fn scan(path: &str, text: &str) -> FileScan {
    let view = LfView::new(text);
    let mut out = FileScan::default();
    let pieces = match split_documents(&view.text) {
        Ok(pieces) => pieces,
        Err(message) => {
            out.skipped = Some(message);
            return out;
        }
    };
    let file: Arc<str> = Arc::from(path);
    let mut roots: Vec<(usize, Node, usize)> = Vec::new();
    for (offset, piece) in &pieces {
        let parsed = parse(&file, piece, &Limits::default());
        if let Some(d) = parsed
            .diagnostics
            .iter()
            .find(|d| d.is_error() && d.code != Code::YamlDuplicateKey.as_str())
        {
            out.skipped = Some(format!(
                "its YAML does not parse ({}); where go-yaml is more lenient than Baton's parser (under-indented quoted or flow continuation lines), Flux may still update it",
                d.message
            ));
            return out;
        }
        // go-yaml decodes only the first document of each piece.
        let Some(document) = parsed.documents.into_iter().next() else { continue };
        if document.is_empty() || document.root.is_null() {
            continue;
        }
        if !document.root.is_map() {
            out.skipped = Some("a document is not a mapping".to_string());
            return out;
        }
        if let Some(meta) = document.root.get("metadata")
            && !meta.is_map()
            && !meta.is_null()
        {
            out.skipped = Some("a document's metadata is not a mapping".to_string());
            return out;
        }
        roots.push((*offset, document.root, roots.len()));
    }
    if pieces.len() == 1
        && let Some((_, root, _)) = roots.first()
        && matches!(root.get_str("kind"), Some("List" | "ResourceList"))
        && (root.get("items").is_some() || root.get("functionConfig").is_some())
    {
        out.list_file = true;
    }
    let mut used_comments: Vec<usize> = Vec::new();
    for (offset, root, document) in &roots {
        let piece = &view.text[*offset..];
        let piece = &piece
            [..pieces.iter().find(|(o, _)| o == offset).map_or(piece.len(), |(_, p)| p.len())];
        let object = identity(root);
        let mut walker = Walker {
            lines: Lines::new(piece),
            text: piece,
            tokens: Vec::new(),
            stack: Vec::new(),
            visits: Vec::new(),
            max_start: 0,
        };
        walker.walk(root, false, false);
        for visit in walker.visits {
            let Some(found) = visit.comment else { continue };
            used_comments.push(offset + found.start);
            let comment = view.span(offset + found.start, offset + found.end);
            match read_marker(&found.text) {
                MarkerText::Marker(setter) => out.markers.push(Marker {
                    setter,
                    comment,
                    span: view.span(
                        offset + visit.node.origin.span.start as usize,
                        offset + visit.node.origin.span.end as usize,
                    ),
                    value: visit.node.scalar().unwrap_or("").to_string(),
                    node: visit.node,
                    object: object.clone(),
                    document: *document,
                }),
                MarkerText::Malformed(why)
                    if found.text.to_ascii_lowercase().contains("$imagepolicy") =>
                {
                    out.strays.push(Stray {
                        span: comment,
                        code: Code::MarkerMalformed,
                        message: why,
                    });
                }
                _ => {}
            }
        }
    }
    report_unused_comments(&view, &pieces, &roots, &used_comments, &mut out);
    out
}

/// Every `#` comment naming `$imagepolicy` that no scalar took.
fn report_unused_comments(
    view: &LfView,
    pieces: &[(usize, &str)],
    roots: &[(usize, Node, usize)],
    used: &[usize],
    out: &mut FileScan,
) {
    for (offset, piece) in pieces {
        // Scalar spans (quoted and block scalars may hold `#`).
        let mut spans: Vec<(usize, usize)> = Vec::new();
        if let Some((_, root, _)) = roots.iter().find(|(o, _, _)| o == offset) {
            collect_scalar_spans(root, &mut spans);
        }
        for (line_start, line) in line_iter(piece) {
            let bytes = line.as_bytes();
            let mut search = 0;
            while let Some(i) = line[search..].find('#').map(|i| i + search) {
                search = i + 1;
                let at = line_start + i;
                if (i > 0 && !matches!(bytes[i - 1], b' ' | b'\t'))
                    || spans.iter().any(|&(s, e)| s <= at && at < e)
                {
                    continue;
                }
                let comment = &line[i..];
                if comment.to_ascii_lowercase().contains("$imagepolicy")
                    && !used.contains(&(offset + at))
                {
                    let span = view.span(offset + at, offset + line_start + line.len());
                    let (code, message) = match read_marker(comment) {
                        MarkerText::Marker(name) => (
                            Code::MarkerNotOnScalar,
                            format!(
                                "the marker for '{name}' is not on a scalar value; Flux ignores it (markers go on the line of a value, or alone on the line above a list item)"
                            ),
                        ),
                        MarkerText::Malformed(why) | MarkerText::Other(why) => {
                            (Code::MarkerMalformed, why)
                        }
                    };
                    if !out.strays.iter().any(|s| s.span == span) {
                        out.strays.push(Stray { span, code, message });
                    }
                }
                break;
            }
        }
    }
}

fn line_iter(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split('\n').map(move |line| {
        let start = at;
        at += line.len() + 1;
        (start, line)
    })
}

fn collect_scalar_spans(node: &Node, out: &mut Vec<(usize, usize)>) {
    match &node.body {
        crate::yaml::node::Body::Scalar(_) => {
            if node.style != Style::Plain {
                out.push((node.origin.span.start as usize, node.origin.span.end as usize));
            }
        }
        crate::yaml::node::Body::Seq(items) => {
            for item in items {
                collect_scalar_spans(item, out);
            }
        }
        crate::yaml::node::Body::Map(entries) => {
            for (key, value) in entries {
                collect_scalar_spans(key, out);
                collect_scalar_spans(value, out);
            }
        }
    }
}

/// kyaml `GetMeta`/`GetIdentifier`: scalar texts, empty where absent or not a scalar.
fn identity(root: &Node) -> ObjectId {
    let text = |node: Option<&Node>| -> String {
        node.filter(|n| !n.is_null()).and_then(Node::scalar).unwrap_or("").to_string()
    };
    let meta = root.get("metadata");
    ObjectId {
        api_version: text(root.get("apiVersion")),
        kind: text(root.get("kind")),
        name: text(meta.and_then(|m| m.get("name"))),
        namespace: text(meta.and_then(|m| m.get("namespace"))),
    }
}

/// One scalar the walk visited, with the comment Flux reads for it.
struct Visit {
    node: Node,
    comment: Option<comments::Found>,
}

/// kyaml's `accept` walk: mapping values and sequence items in document order, scalars only;
/// aliases (copies of earlier nodes) are not visited, as go-yaml's alias nodes are not.
struct Walker<'a> {
    lines: Lines<'a>,
    text: &'a str,
    tokens: Vec<Token>,
    /// Indentation of the open block collections.
    stack: Vec<usize>,
    visits: Vec<Visit>,
    max_start: usize,
}

impl Walker<'_> {
    fn walk(&mut self, node: &Node, is_value: bool, in_flow: bool) {
        let start = node.origin.span.start as usize;
        if start < self.max_start {
            // An alias: its spans are those of the anchored node, earlier in the text.
            return;
        }
        match &node.body {
            crate::yaml::node::Body::Scalar(_) => {
                let span = node.origin.span;
                if span.is_empty() {
                    return;
                }
                self.max_start = start;
                if is_value {
                    let comment = comments::line_comment(self.text, span.end as usize, in_flow)
                        .or_else(|| {
                            if in_flow {
                                None
                            } else {
                                comments::head_comment(&self.lines, start, self.tokens.last())
                            }
                        });
                    self.visits.push(Visit { node: node.clone(), comment });
                }
                self.tokens.push(Token { end: span.end as usize, indents: self.stack.clone() });
            }
            crate::yaml::node::Body::Seq(items) => {
                self.max_start = start;
                let flow = node.style == Style::Flow;
                if !flow {
                    let dash = dash_of(self.text, node);
                    self.stack.push(self.lines.column(dash));
                }
                for item in items {
                    self.walk(item, true, in_flow || flow);
                }
                self.close(node, flow);
            }
            crate::yaml::node::Body::Map(entries) => {
                self.max_start = start;
                let flow = node.style == Style::Flow;
                if !flow {
                    self.stack.push(self.lines.column(start));
                }
                for (key, value) in entries {
                    self.walk(key, false, in_flow || flow);
                    self.walk(value, true, in_flow || flow);
                }
                self.close(node, flow);
            }
        }
    }

    fn close(&mut self, node: &Node, flow: bool) {
        if flow {
            self.tokens
                .push(Token { end: node.origin.span.end as usize, indents: self.stack.clone() });
        } else {
            self.stack.pop();
        }
    }
}

/// The offset of a block sequence's first dash (its indentation). The node's span starts at
/// its first item, which for `- - x` is also where the inner sequence starts.
fn dash_of(text: &str, seq: &Node) -> usize {
    let start = seq.origin.span.start as usize;
    let inner = seq.as_seq().and_then(|items| items.first()).filter(|first| {
        first.is_seq() && first.style != Style::Flow && first.origin.span.start as usize == start
    });
    let from = inner.map_or(start, |first| dash_of(text, first));
    if inner.is_none() && text.as_bytes().get(start) == Some(&b'-') {
        return start;
    }
    // The dash is before the item on its line, or ends an earlier line (`- # comment`).
    let mut end = from;
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let mut content = &text[line_start..end];
        if let Some(hash) = content.find(" #").or_else(|| content.starts_with('#').then_some(0)) {
            content = &content[..hash];
        }
        let trimmed = content.trim_end_matches([' ', '\t', '\r']);
        if trimmed.ends_with('-') {
            return line_start + trimmed.len() - 1;
        }
        if !trimmed.trim_start().is_empty() || line_start == 0 {
            return from;
        }
        end = line_start - 1;
    }
}

/// What a comment says.
enum MarkerText {
    Marker(String),
    /// Looks like a marker attempt but Flux does not read it (why).
    Malformed(String),
    Other(String),
}

/// kyaml `fieldmeta.Read` on one comment: all leading `#` removed, then either a JSON object
/// of strings with a non-empty `"$imagepolicy"` (the short hand), or a JSON object whose
/// `"$ref"` is `#/definitions/io.k8s.cli.setters.NAME`.
fn read_marker(comment: &str) -> MarkerText {
    let body = comment.trim_start_matches('#');
    let Some(object) = json::object(body) else {
        return MarkerText::Malformed(
            "this comment is not one JSON object (Flux reads `# {\"$imagepolicy\": \"NAMESPACE:NAME\"}` with nothing after it)".to_string(),
        );
    };
    let all_strings = object.iter().all(|(_, v)| !matches!(v, json::Value::Other));
    let get = |key: &str| object.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v);
    if all_strings
        && let Some(json::Value::Str(name)) = get("$imagepolicy")
        && !name.is_empty()
    {
        return MarkerText::Marker(name.clone());
    }
    if let Some(json::Value::Str(reference)) = get("$ref")
        && let Some(name) = reference.strip_prefix(REF_PREFIX)
    {
        return MarkerText::Marker(name.to_string());
    }
    if object.iter().any(|(k, _)| k.eq_ignore_ascii_case("$imagepolicy") && k != "$imagepolicy") {
        return MarkerText::Malformed(
            "the key must be spelled exactly \"$imagepolicy\" (lower case)".to_string(),
        );
    }
    if get("$imagepolicy").is_some() {
        return MarkerText::Malformed(
            "\"$imagepolicy\" must name a setter as a non-empty string".to_string(),
        );
    }
    MarkerText::Other("this comment does not name a setter".to_string())
}

/// A value for one setter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetterValue {
    Known(String),
    /// The value needs a digest nobody gave (the policy reflects digests).
    DigestUnknown,
}

/// One change Flux would record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub object: ObjectId,
    pub old: String,
    pub new: String,
    pub setter: String,
    pub span: Span,
}

/// The edits and changes of one file under a setter table; `setters` returns `None` for a
/// name that is not a setter (unknown names change nothing, as in Flux).
pub fn apply(
    path: &str,
    text: &str,
    scan: &FileScan,
    setters: &dyn Fn(&str) -> Option<SetterValue>,
) -> (Vec<TextEdit>, Vec<Applied>, Vec<Diagnostic>) {
    let mut edits = Vec::new();
    let mut applied = Vec::new();
    let mut diagnostics = Vec::new();
    let mut unchanged_to_requote = Vec::new();
    for marker in &scan.markers {
        let Some(value) = setters(&marker.setter) else { continue };
        let SetterValue::Known(new) = value else {
            diagnostics.push(
                Diagnostic::new(
                    Code::ImageUpdateInputInvalid,
                    format!("setter '{}' needs the digest of the elected image, which the input does not give", marker.setter),
                )
                .at(path, marker.comment)
                .with_help("add the digest under `digests` in the input (\"image:tag\": \"sha256:…\")"),
            );
            continue;
        };
        if new == marker.value {
            unchanged_to_requote.push(marker);
            continue;
        }
        match edit_for(text, marker, &new) {
            Ok(edit) => {
                if let Some(tag) = explicit_tag(marker, &new) {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::SetterWritesTag,
                            format!("the old value was a YAML {tag}; Flux would write `!!{tag} {new}` here (a value Kubernetes rejects). Quote the old value to avoid it"),
                        )
                        .at(path, marker.span),
                    );
                }
                edits.push(edit);
                applied.push(Applied {
                    object: marker.object.clone(),
                    old: marker.value.clone(),
                    new,
                    setter: marker.setter.clone(),
                    span: marker.span,
                });
            }
            Err(message) => diagnostics
                .push(Diagnostic::new(Code::SetterNotEditable, message).at(path, marker.span)),
        }
    }
    // Flux re-serialises a written file: a marked plain value it did not change but that
    // reads as a non-string in YAML 1.1 comes out double-quoted (FormatNonStringStyle).
    if !applied.is_empty() {
        for marker in unchanged_to_requote {
            if marker.node.style == Style::Plain && yaml11_non_string(&marker.value) {
                edits.push(TextEdit {
                    span: marker.span,
                    replacement: crate::yaml::edit::double_quoted(&marker.value),
                });
            }
        }
    }
    (edits, applied, diagnostics)
}

fn edit_for(text: &str, marker: &Marker, new: &str) -> Result<TextEdit, String> {
    let mut node = marker.node.clone();
    node.origin.span = marker.span;
    replace_scalar(text, &node, new).map_err(|e| match e {
        crate::yaml::edit::EditError::BlockScalar => {
            "the marked value is a block scalar (`|` or `>`); Baton does not edit it in place (Flux would rewrite it)".to_string()
        }
        other => format!("the marked value cannot be edited in place: {other}"),
    })
}

/// The YAML tag Flux would print before a plain value whose old text resolved to a
/// non-string (go-yaml v3 keeps the node's tag when the new text resolves otherwise).
fn explicit_tag(marker: &Marker, new: &str) -> Option<&'static str> {
    if marker.node.style != Style::Plain || marker.node.tag.is_some() || yaml11_non_string(new) {
        return None;
    }
    let old = crate::yaml::resolve::plain_tag(&marker.value);
    (old != "str" && crate::yaml::resolve::plain_tag(new) != old).then_some(old)
}

/// kyaml `IsValueNonString`: go-yaml v2 decodes the plain text as something else than a
/// string (dates stay strings there).
fn yaml11_non_string(value: &str) -> bool {
    use crate::yaml::resolve::{Resolved, Schema, resolve};
    if value.is_empty() || value.contains('\n') {
        return false;
    }
    !matches!(
        resolve(Schema::V2, None, Style::Plain, value),
        Ok(Resolved::Str | Resolved::Timestamp | Resolved::Custom) | Err(_)
    )
}

/// kio `splitDocuments` on the LF text: pieces with their offsets. A separator line with
/// anything but a comment after `---` fails the file.
fn split_documents(text: &str) -> Result<Vec<(usize, &str)>, String> {
    let mut pieces = Vec::new();
    if text.is_empty() {
        return Ok(pieces);
    }
    let mut previous = 0;
    let mut search = 0;
    // Matches of `\n---.*\n`, non-overlapping, left to right.
    while let Some(i) = text[search..].find("\n---").map(|i| i + search) {
        let Some(line_end) = text[i + 1..].find('\n').map(|j| i + 1 + j) else { break };
        let rest = text[i + 4..line_end]
            .trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{85}' || c == '\u{a0}');
        if !rest.is_empty() && !rest.starts_with('#') {
            return Err(format!("invalid document separator: {}", text[i + 1..line_end].trim()));
        }
        // kyaml gives every piece but the last its line break back.
        pieces.push((previous, &text[previous..=i]));
        previous = line_end + 1;
        search = line_end + 1;
    }
    pieces.push((previous, &text[previous..]));
    Ok(pieces)
}

/// The file with CRLF line ends read as LF, with offsets mapping back.
struct LfView {
    text: String,
    /// Offsets (in the LF text) where a `\r` was removed before.
    removed: Vec<usize>,
}

impl LfView {
    fn new(original: &str) -> Self {
        if !original.contains("\r\n") {
            return LfView { text: original.to_string(), removed: Vec::new() };
        }
        let mut text = String::with_capacity(original.len());
        let mut removed = Vec::new();
        let mut rest = original;
        while let Some(i) = rest.find("\r\n") {
            text.push_str(&rest[..i]);
            removed.push(text.len());
            text.push('\n');
            rest = &rest[i + 2..];
        }
        text.push_str(rest);
        LfView { text, removed }
    }

    fn original(&self, offset: usize) -> usize {
        offset + self.removed.partition_point(|&r| r < offset)
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.original(start), self.original(end))
    }
}

/// Go's `encoding/json` reading a comment into `map[string]string` (or a schema object):
/// strict JSON, whitespace around, duplicate keys (the last wins).
mod json {
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Value {
        Str(String),
        Null,
        /// A number, boolean, array or object (not a string for `map[string]string`).
        Other,
    }

    /// The members of a JSON object; `None` if the text is not exactly one JSON object (or
    /// `null`, which Go reads as an empty map).
    pub fn object(text: &str) -> Option<Vec<(String, Value)>> {
        let mut p = Parser { b: text.as_bytes(), at: 0, depth: 0 };
        p.ws();
        let members = if p.literal(b"null") {
            Vec::new()
        } else {
            p.expect(b'{')?;
            let mut members = Vec::new();
            p.ws();
            if !p.eat(b'}') {
                loop {
                    p.ws();
                    let key = p.string()?;
                    p.ws();
                    p.expect(b':')?;
                    p.ws();
                    let value = p.value()?;
                    members.push((key, value));
                    p.ws();
                    if p.eat(b',') {
                        continue;
                    }
                    p.expect(b'}')?;
                    break;
                }
            }
            members
        };
        p.ws();
        (p.at == p.b.len()).then_some(members)
    }

    struct Parser<'a> {
        b: &'a [u8],
        at: usize,
        depth: usize,
    }

    impl Parser<'_> {
        fn ws(&mut self) {
            while matches!(self.b.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.at += 1;
            }
        }
        fn eat(&mut self, c: u8) -> bool {
            if self.b.get(self.at) == Some(&c) {
                self.at += 1;
                true
            } else {
                false
            }
        }
        fn expect(&mut self, c: u8) -> Option<()> {
            self.eat(c).then_some(())
        }
        fn literal(&mut self, word: &[u8]) -> bool {
            if self.b[self.at..].starts_with(word) {
                self.at += word.len();
                true
            } else {
                false
            }
        }
        fn value(&mut self) -> Option<Value> {
            match self.b.get(self.at)? {
                b'"' => self.string().map(Value::Str),
                b'n' => self.literal(b"null").then_some(Value::Null),
                b't' => self.literal(b"true").then_some(Value::Other),
                b'f' => self.literal(b"false").then_some(Value::Other),
                b'{' | b'[' => {
                    self.depth += 1;
                    if self.depth > 100 {
                        return None;
                    }
                    let close = if self.b[self.at] == b'{' { b'}' } else { b']' };
                    let object = close == b'}';
                    self.at += 1;
                    self.ws();
                    if !self.eat(close) {
                        loop {
                            self.ws();
                            if object {
                                self.string()?;
                                self.ws();
                                self.expect(b':')?;
                                self.ws();
                            }
                            self.value()?;
                            self.ws();
                            if self.eat(b',') {
                                continue;
                            }
                            self.expect(close)?;
                            break;
                        }
                    }
                    self.depth -= 1;
                    Some(Value::Other)
                }
                _ => self.number().then_some(Value::Other),
            }
        }
        fn number(&mut self) -> bool {
            let start = self.at;
            self.eat(b'-');
            let digits = |p: &mut Self| {
                let s = p.at;
                while p.b.get(p.at).is_some_and(u8::is_ascii_digit) {
                    p.at += 1;
                }
                p.at - s
            };
            match self.b.get(self.at) {
                Some(b'0') => self.at += 1,
                Some(b'1'..=b'9') => {
                    digits(self);
                }
                _ => return false,
            }
            if self.eat(b'.') && digits(self) == 0 {
                return false;
            }
            if matches!(self.b.get(self.at), Some(b'e' | b'E')) {
                self.at += 1;
                if matches!(self.b.get(self.at), Some(b'+' | b'-')) {
                    self.at += 1;
                }
                if digits(self) == 0 {
                    return false;
                }
            }
            self.at > start
        }
        fn string(&mut self) -> Option<String> {
            self.expect(b'"')?;
            let mut out = String::new();
            loop {
                let c = *self.b.get(self.at)?;
                match c {
                    b'"' => {
                        self.at += 1;
                        return Some(out);
                    }
                    b'\\' => {
                        self.at += 1;
                        let e = *self.b.get(self.at)?;
                        self.at += 1;
                        match e {
                            b'"' => out.push('"'),
                            b'\\' => out.push('\\'),
                            b'/' => out.push('/'),
                            b'b' => out.push('\u{8}'),
                            b'f' => out.push('\u{c}'),
                            b'n' => out.push('\n'),
                            b'r' => out.push('\r'),
                            b't' => out.push('\t'),
                            b'u' => {
                                let first = self.hex4()?;
                                let c = if (0xD800..0xDC00).contains(&first) {
                                    // A surrogate pair, or U+FFFD as Go decodes a lone half.
                                    let save = self.at;
                                    if self.literal(b"\\u") {
                                        match self.hex4() {
                                            Some(second) if (0xDC00..0xE000).contains(&second) => {
                                                char::from_u32(
                                                    0x10000
                                                        + ((first - 0xD800) << 10)
                                                        + (second - 0xDC00),
                                                )
                                            }
                                            _ => {
                                                self.at = save;
                                                None
                                            }
                                        }
                                    } else {
                                        None
                                    }
                                } else {
                                    char::from_u32(first)
                                };
                                out.push(c.unwrap_or('\u{FFFD}'));
                            }
                            _ => return None,
                        }
                    }
                    0..=0x1f => return None,
                    _ => {
                        let len = utf8_len(c);
                        let s = std::str::from_utf8(self.b.get(self.at..self.at + len)?).ok()?;
                        out.push_str(s);
                        self.at += len;
                    }
                }
            }
        }
        fn hex4(&mut self) -> Option<u32> {
            let digits = std::str::from_utf8(self.b.get(self.at..self.at + 4)?).ok()?;
            let v = u32::from_str_radix(digits, 16).ok()?;
            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            self.at += 4;
            Some(v)
        }
    }

    fn utf8_len(first: u8) -> usize {
        match first {
            0xF0..=0xFF => 4,
            0xE0..=0xEF => 3,
            0xC0..=0xDF => 2,
            _ => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be";

    /// The setters of image-automation-controller d36e2ea `internal/update/update_test.go`:
    /// policy → `index.repo.fake/updated:v1.0.1`, unchanged → `image:v1.0.0`,
    /// policy-with-digest → `image:v1.0.0@sha256:6745…`, plus a few of ours.
    fn table(name: &str) -> Option<SetterValue> {
        let known = |s: &str| Some(SetterValue::Known(s.to_string()));
        match name {
            "automation-ns:policy" => known("index.repo.fake/updated:v1.0.1"),
            "automation-ns:policy:tag" => known("v1.0.1"),
            "automation-ns:policy:name" => known("index.repo.fake/updated"),
            "automation-ns:policy:digest" => known(""),
            "automation-ns:unchanged" => known("image:v1.0.0"),
            "automation-ns:unchanged:tag" => known("v1.0.0"),
            "automation-ns:policy-with-digest" => known(&format!("image:v1.0.0@{DIGEST}")),
            "automation-ns:policy-with-digest:digest" => known(DIGEST),
            "flux-system:app" => known("registry.local:5000/team/app:1.1.0"),
            "flux-system:app:tag" => known("1.1.0"),
            "flux-system:app:name" => known("registry.local:5000/team/app"),
            "flux-system:ts:tag" => known("1606364300"),
            "flux-system:float:tag" | "flux-system:same:tag" => known("1.10"),
            "flux-system:needs-digest" => Some(SetterValue::DigestUnknown),
            _ => None,
        }
    }

    /// Object, old, new, setter.
    type Change = (ObjectId, String, String, String);

    fn run(text: &str) -> (String, Vec<Change>, Vec<Diagnostic>) {
        let scan = scan("f.yaml", text);
        assert!(scan.skipped.is_none(), "skipped: {:?}", scan.skipped);
        let (edits, applied, diagnostics) = apply("f.yaml", text, &scan, &table);
        let out = crate::yaml::edit::apply(text, &edits).unwrap();
        let changes = applied.into_iter().map(|a| (a.object, a.old, a.new, a.setter)).collect();
        (out, changes, diagnostics)
    }

    fn id(api_version: &str, kind: &str, name: &str, namespace: &str) -> ObjectId {
        ObjectId {
            api_version: api_version.into(),
            kind: kind.into(),
            name: name.into(),
            namespace: namespace.into(),
        }
    }

    /// Each case: input, expected bytes, number of changes. Files already in go-yaml's form
    /// come out as Flux writes them; for the others only the marked scalar differs.
    /// Sources: `internal/update/testdata/setters` (upstream, exact), kyaml `fieldmeta.go`
    /// (where a marker counts), `compatibility.go` and go-yaml v3 `encode.go` (quoting).
    #[test]
    fn setters_edit_exact_bytes() {
        let cases: &[(&str, &str, &str, usize)] = &[
            (
                "upstream testdata/setters marked.yaml (one changes, one is already current)",
                "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: foo\n  namespace: bar\nspec:\n  schedule: \"*/1 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            image: image:v1.0.0 # {\"$imagepolicy\": \"automation-ns:policy\"}\n          - name: d\n            image: image:v1.0.0 # {\"$imagepolicy\": \"automation-ns:unchanged\"}\n",
                "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: foo\n  namespace: bar\nspec:\n  schedule: \"*/1 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n            image: index.repo.fake/updated:v1.0.1 # {\"$imagepolicy\": \"automation-ns:policy\"}\n          - name: d\n            image: image:v1.0.0 # {\"$imagepolicy\": \"automation-ns:unchanged\"}\n",
                1,
            ),
            (
                "upstream testdata/setters Kustomization (:name and :tag)",
                "# This is not intended to be a working kustomization\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - irrelevant.yaml\nimages:\n  - name: container\n    newName: replaced # {\"$imagepolicy\": \"automation-ns:policy:name\"}\n    newTag: v1 # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n",
                "# This is not intended to be a working kustomization\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - irrelevant.yaml\nimages:\n  - name: container\n    newName: index.repo.fake/updated # {\"$imagepolicy\": \"automation-ns:policy:name\"}\n    newTag: v1.0.1 # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n",
                2,
            ),
            (
                "upstream testdata/setters kustomization.yml (digest setters, block scalar kept)",
                "images:\n  - name: container\n    newDigest: sha256:1234567890abcdef # {\"$imagepolicy\": \"automation-ns:policy-with-digest:digest\"}\npatches:\n  - patch: |\n      - op: replace\n        value: x # {\"$imagepolicy\": \"automation-ns:policy\"}\n    target:\n      image: image # {\"$imagepolicy\": \"automation-ns:policy-with-digest\"}\n",
                "images:\n  - name: container\n    newDigest: sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be # {\"$imagepolicy\": \"automation-ns:policy-with-digest:digest\"}\npatches:\n  - patch: |\n      - op: replace\n        value: x # {\"$imagepolicy\": \"automation-ns:policy\"}\n    target:\n      image: image:v1.0.0@sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be # {\"$imagepolicy\": \"automation-ns:policy-with-digest\"}\n",
                2,
            ),
            (
                "CRLF line ends are kept",
                "kind: Deployment\r\nspec:\r\n  image: a:1 # {\"$imagepolicy\": \"automation-ns:policy\"}\r\n  x: 1\r\n",
                "kind: Deployment\r\nspec:\r\n  image: index.repo.fake/updated:v1.0.1 # {\"$imagepolicy\": \"automation-ns:policy\"}\r\n  x: 1\r\n",
                1,
            ),
            (
                "multi-document file with a commented separator",
                "kind: A\nmetadata:\n  name: a\nimage: a:1 # {\"$imagepolicy\": \"automation-ns:policy\"}\n--- # second\nkind: B\nmetadata:\n  name: b\nimage: b:1 # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n---\n",
                "kind: A\nmetadata:\n  name: a\nimage: index.repo.fake/updated:v1.0.1 # {\"$imagepolicy\": \"automation-ns:policy\"}\n--- # second\nkind: B\nmetadata:\n  name: b\nimage: v1.0.1 # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n---\n",
                2,
            ),
            (
                "a marker after a flow sequence is not on a scalar",
                "args: [\"--image=a:1\"] # {\"$imagepolicy\": \"automation-ns:policy\"}\n",
                "args: [\"--image=a:1\"] # {\"$imagepolicy\": \"automation-ns:policy\"}\n",
                0,
            ),
            (
                "a flow item followed by a comma takes the comment; quotes kept",
                "args: [\"a:1\", # {\"$imagepolicy\": \"automation-ns:policy\"}\n  'b']\n",
                "args: [\"index.repo.fake/updated:v1.0.1\", # {\"$imagepolicy\": \"automation-ns:policy\"}\n  'b']\n",
                1,
            ),
            (
                "quoted scalars keep their quote character",
                "a: \"a:1\" # {\"$imagepolicy\": \"automation-ns:policy\"}\nb: 'v1' # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n",
                "a: \"index.repo.fake/updated:v1.0.1\" # {\"$imagepolicy\": \"automation-ns:policy\"}\nb: 'v1.0.1' # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n",
                2,
            ),
            (
                "registry with a port; the whole scalar is replaced",
                "containers:\n- name: app\n  image: registry.local:5000/team/app:1.0.0   # {\"$imagepolicy\": \"flux-system:app\"}\n- args:\n  - --image=old:1 # {\"$imagepolicy\": \"flux-system:app\"}\n",
                "containers:\n- name: app\n  image: registry.local:5000/team/app:1.1.0   # {\"$imagepolicy\": \"flux-system:app\"}\n- args:\n  - registry.local:5000/team/app:1.1.0 # {\"$imagepolicy\": \"flux-system:app\"}\n",
                2,
            ),
            (
                "unknown setters change nothing (other namespace, no namespace, unknown suffix)",
                "a: x:1 # {\"$imagepolicy\": \"other-namespace:policy\"}\nb: x:1 # {\"$imagepolicy\": \"policy\"}\nc: x:1 # {\"$imagepolicy\": \"automation-ns:policy:version\"}\n",
                "a: x:1 # {\"$imagepolicy\": \"other-namespace:policy\"}\nb: x:1 # {\"$imagepolicy\": \"policy\"}\nc: x:1 # {\"$imagepolicy\": \"automation-ns:policy:version\"}\n",
                0,
            ),
            (
                "HelmRelease values with :name and :tag",
                "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: apps\nspec:\n  values:\n    image:\n      repository: ghcr.io/x/app # {\"$imagepolicy\": \"flux-system:app:name\"}\n      tag: 1.0.0 # {\"$imagepolicy\": \"flux-system:app:tag\"}\n",
                "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\n  namespace: apps\nspec:\n  values:\n    image:\n      repository: registry.local:5000/team/app # {\"$imagepolicy\": \"flux-system:app:name\"}\n      tag: 1.1.0 # {\"$imagepolicy\": \"flux-system:app:tag\"}\n",
                2,
            ),
            (
                "YAML 1.1 quoting of the new value: numbers are quoted, versions are not",
                "a: v1 # {\"$imagepolicy\": \"flux-system:ts:tag\"}\nb: v1 # {\"$imagepolicy\": \"flux-system:float:tag\"}\nc: v1 # {\"$imagepolicy\": \"flux-system:app:tag\"}\n",
                "a: \"1606364300\" # {\"$imagepolicy\": \"flux-system:ts:tag\"}\nb: \"1.10\" # {\"$imagepolicy\": \"flux-system:float:tag\"}\nc: 1.1.0 # {\"$imagepolicy\": \"flux-system:app:tag\"}\n",
                3,
            ),
            (
                "a head comment counts on a list item, not above `key: value`",
                "args:\n  # {\"$imagepolicy\": \"automation-ns:policy\"}\n  - a:1\n# {\"$imagepolicy\": \"automation-ns:policy\"}\nimage: b:1\n",
                "args:\n  # {\"$imagepolicy\": \"automation-ns:policy\"}\n  - index.repo.fake/updated:v1.0.1\n# {\"$imagepolicy\": \"automation-ns:policy\"}\nimage: b:1\n",
                1,
            ),
            (
                "a line comment that is not a marker hides the head comment",
                "args:\n  # {\"$imagepolicy\": \"automation-ns:policy\"}\n  - a:1 # keep\n",
                "args:\n  # {\"$imagepolicy\": \"automation-ns:policy\"}\n  - a:1 # keep\n",
                0,
            ),
            (
                "`key: # marker` has no scalar; the value below takes no head comment",
                "image: # {\"$imagepolicy\": \"automation-ns:policy\"}\n  a:1\n",
                "image: # {\"$imagepolicy\": \"automation-ns:policy\"}\n  a:1\n",
                0,
            ),
            (
                "a marked value Flux leaves as it is is re-quoted when the file is written",
                "a: 1.10 # {\"$imagepolicy\": \"flux-system:same:tag\"}\nb: v1 # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n",
                "a: \"1.10\" # {\"$imagepolicy\": \"flux-system:same:tag\"}\nb: v1.0.1 # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n",
                1,
            ),
            (
                "an empty digest is written \"\"",
                "newDigest: sha256:abc # {\"$imagepolicy\": \"automation-ns:policy:digest\"}\n",
                "newDigest: \"\" # {\"$imagepolicy\": \"automation-ns:policy:digest\"}\n",
                1,
            ),
            (
                "an alias is not visited; its anchor is",
                "a: &img x:1 # {\"$imagepolicy\": \"automation-ns:policy\"}\nb: *img\n",
                "a: &img index.repo.fake/updated:v1.0.1 # {\"$imagepolicy\": \"automation-ns:policy\"}\nb: *img\n",
                1,
            ),
            (
                "the long $ref form",
                "image: a:1 # {\"$ref\": \"#/definitions/io.k8s.cli.setters.automation-ns:policy\"}\n",
                "image: index.repo.fake/updated:v1.0.1 # {\"$ref\": \"#/definitions/io.k8s.cli.setters.automation-ns:policy\"}\n",
                1,
            ),
            (
                "several `#` and spaces inside the object are fine; text after it is not",
                "a: x:1 ## { \"$imagepolicy\" : \"automation-ns:policy\" }\nb: x:1 # {\"$imagepolicy\": \"automation-ns:policy\"} note\n",
                "a: index.repo.fake/updated:v1.0.1 ## { \"$imagepolicy\" : \"automation-ns:policy\" }\nb: x:1 # {\"$imagepolicy\": \"automation-ns:policy\"} note\n",
                1,
            ),
        ];
        for (note, input, expected, count) in cases {
            let (out, changes, _) = run(input);
            assert_eq!(out, *expected, "{note}");
            assert_eq!(changes.len(), *count, "{note}");
        }
    }

    /// The change records of upstream's `update_test.go` for `kustomization.yml` and
    /// `marked.yaml`: identity of the document, old and new values, setter, in visit order.
    #[test]
    fn changes_record_object_identity_in_visit_order() {
        let (_, changes, _) = run(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: container\n    newName: replaced # {\"$imagepolicy\": \"automation-ns:policy:name\"}\n    newTag: v1 # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n",
        );
        let k = id("kustomize.config.k8s.io/v1beta1", "Kustomization", "", "");
        assert_eq!(
            changes,
            vec![
                (
                    k.clone(),
                    "replaced".into(),
                    "index.repo.fake/updated".into(),
                    "automation-ns:policy:name".into()
                ),
                (k, "v1".into(), "v1.0.1".into(), "automation-ns:policy:tag".into()),
            ]
        );
        let (_, changes, _) = run(
            "kind: CronJob\napiVersion: batch/v1beta1\nmetadata:\n  namespace: bar\n  name: foo\nimage: image:v1.0.0 # {\"$imagepolicy\": \"automation-ns:policy\"}\n",
        );
        assert_eq!(changes[0].0, id("batch/v1beta1", "CronJob", "foo", "bar"));
    }

    #[test]
    fn files_flux_skips() {
        for (text, why) in [
            (
                "a: 1\n--- x\nb: 2 # {\"$imagepolicy\": \"automation-ns:policy\"}\n",
                "invalid document separator",
            ),
            ("- a:1 # {\"$imagepolicy\": \"automation-ns:policy\"}\n", "not a mapping"),
            ("a: [1\n", "does not parse"),
            (
                "metadata: x\nimage: a:1 # {\"$imagepolicy\": \"automation-ns:policy\"}\n",
                "metadata",
            ),
        ] {
            let scan = scan("f.yaml", text);
            assert!(
                scan.skipped.as_deref().is_some_and(|s| s.contains(why)),
                "{text:?}: {:?}",
                scan.skipped
            );
        }
        let list = scan(
            "f.yaml",
            "apiVersion: v1\nkind: List\nitems:\n- kind: A\n  image: a:1 # {\"$imagepolicy\": \"automation-ns:policy\"}\n",
        );
        assert!(list.list_file);
        assert!(is_candidate_name("a/b/Kustomization"));
        assert!(is_candidate_name("x.yml"));
        assert!(!is_candidate_name("x.YAML"));
        assert!(!is_candidate_name("kustomization"));
    }

    #[test]
    fn problems_are_diagnostics() {
        let (out, changes, diagnostics) =
            run("replicas: 3 # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n");
        assert_eq!(out, "replicas: v1.0.1 # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n");
        assert_eq!(changes.len(), 1);
        assert_eq!(diagnostics[0].code, "F015");
        assert!(diagnostics[0].message.contains("`!!int v1.0.1`"), "{}", diagnostics[0].message);
        let (out, changes, diagnostics) = run(
            "script: |\n  a:1\n# {\"$imagepolicy\": \"automation-ns:policy\"}\nx: |-\n  a:1 # not a comment\nimage: >- # {\"$imagepolicy\": \"automation-ns:policy\"}\n  a:1\n",
        );
        assert!(changes.is_empty(), "{out}");
        assert!(diagnostics.iter().all(|d| d.code == "F016"), "{diagnostics:?}");
        let (_, changes, diagnostics) =
            run("image: a:1 # {\"$imagepolicy\": \"flux-system:needs-digest\"}\n");
        assert!(changes.is_empty());
        assert_eq!(diagnostics[0].code, "F018");
    }

    #[test]
    fn strays_are_reported() {
        let scan = scan(
            "f.yaml",
            "a: [x] # {\"$imagepolicy\": \"ns:p\"}\nb: x # {\"$imagePolicy\": \"ns:p\"}\nc: x # {\"$imagepolicy\": \"ns:p\"} trailing\n# {\"$imagepolicy\": \"ns:p\"}\nd: x\ne: \"# {\\\"$imagepolicy\\\": 1}\"\n",
        );
        let codes: Vec<(&str, u32)> =
            scan.strays.iter().map(|s| (s.code.as_str(), s.span.start)).collect();
        assert_eq!(codes.len(), 4, "{codes:?} {:?}", scan.strays);
        assert_eq!(codes[0].0, "F010");
        assert!(codes.iter().any(|(c, _)| *c == "F009"));
    }

    #[test]
    fn json_reading_is_go_encoding_json() {
        use json::{Value, object};
        assert_eq!(object(" {\"a\": \"b\"} "), Some(vec![("a".into(), Value::Str("b".into()))]));
        assert_eq!(object("null"), Some(vec![]));
        assert_eq!(object("{\"\\u0024imagepolicy\": \"x\"}").unwrap()[0].0, "$imagepolicy");
        assert_eq!(object("{\"a\": 1, \"b\": [true, {\"c\": null}]}").unwrap()[1].1, Value::Other);
        assert_eq!(object("{\"a\": \"\\ud83d\\ude00\"}").unwrap()[0].1, Value::Str("😀".into()));
        assert_eq!(object("{\"a\": \"\\ud83d\"}").unwrap()[0].1, Value::Str("\u{FFFD}".into()));
        for bad in [
            "{a: 1}",
            "{\"a\": 'b'}",
            "{\"a\": \"b\",}",
            "{\"a\": \"b\"} x",
            "",
            "{\"a\": 01}",
            "{\"a\": \"\t\"}",
            "[1]",
        ] {
            assert_eq!(object(bad).filter(|_| bad != "[1]"), None, "{bad}");
        }
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(500), "]".repeat(500));
        assert_eq!(object(&deep), None);
    }
}
