//! kyaml field paths, as `replacements` and legacy `vars` use them.
//!
//! A path is dot-separated (`spec.template.spec.containers.[name=app].image`) and is split by
//! kyaml's `SmarterPathSplitter`: `\.` keeps a dot inside a field name, and a bracketed part
//! may contain dots; it keeps its brackets when it has an `=` (`[name=app]`, a list-entry
//! matcher) and loses them otherwise (`[a.b/c]` is the map key `a.b/c`). A part written
//! `containers[name=app]`, without the dot, is just a (missing) field name, as in kustomize.
//!
//! kustomize walks such paths with two different walkers, and so does this module:
//!
//! - [`lookup`] is kyaml's `PathGetter` (replacement sources, var values): numeric parts
//!   index lists (`-` is the last item), `[k=v]` picks the first item whose field `k` is
//!   exactly `v` (`[=v]` for lists of scalars), `*` is an error, blank parts are dropped.
//! - [`find`] is kyaml's `PathMatcher` (replacement targets): `[k=v]` is an *unanchored*
//!   regular expression and selects every matching item, `*` selects every item, and with
//!   `create` missing fields, list items (`[k=v]`, or the index one past the end) and leaves
//!   are made. A scalar met before the path ends is parsed as YAML and the walk goes on
//!   inside that throwaway parse: its matches count but setting them changes nothing
//!   ([`Found::Phantom`]), exactly as in kustomize.
//!
//! [`find`] returns locations (entry and item indexes) rather than references, so that the
//! caller can first see how many matches there are (kustomize fails on none) and then edit
//! them one by one.

use regex_lite::Regex;

use crate::yaml::{Body, Limits, Node, Origin};

/// A path walk failed; the message is kyaml's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PathError(pub String);

/// Splits a path on `delimiter`, where a `\` before the delimiter keeps it in the part
/// (kyaml's `PathSplitter`; a leading delimiter is ignored).
#[must_use]
pub fn split_escaped(path: &str, delimiter: char) -> Vec<String> {
    let mut parts: Vec<&str> = path.split(delimiter).collect();
    if parts.len() > 1 && parts[0].is_empty() {
        parts.remove(0);
    }
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        match out.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push(delimiter);
                last.push_str(part);
            }
            _ => out.push(part.to_string()),
        }
    }
    out
}

/// Splits a dotted field path (kyaml's `SmarterPathSplitter` with `.`).
#[must_use]
pub fn split(path: &str) -> Vec<String> {
    let parts = split_escaped(path, '.');
    let mut out = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        let part = &parts[i];
        if part.starts_with('[') && !part.ends_with(']') {
            let mut bracketed = vec![part.as_str()];
            while i + 1 < parts.len() {
                i += 1;
                bracketed.push(&parts[i]);
                if parts[i].ends_with(']') {
                    break;
                }
            }
            let joined = bracketed.join(".");
            if joined.contains('=') {
                out.push(joined);
            } else {
                out.push(joined.trim_matches(|c| c == '[' || c == ']').to_string());
            }
        } else {
            out.push(part.clone());
        }
        i += 1;
    }
    out
}

/// kyaml's `convertSliceIndex`, used for var field paths: `ports[0]` becomes `ports`, `0`.
#[must_use]
pub fn convert_slice_index(parts: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        let index = part.strip_suffix(']').and_then(|p| p.rfind('[').map(|open| (open, p)));
        match index {
            Some((open, p))
                if open + 1 < p.len() && p[open + 1..].bytes().all(|b| b.is_ascii_digit()) =>
            {
                if open > 0 {
                    out.push(p[..open].to_string());
                }
                out.push(p[open + 1..].to_string());
            }
            _ => out.push(part),
        }
    }
    out
}

/// Go's `strconv.Atoi`: an optional sign and decimal digits that fit in 64 bits.
#[must_use]
pub fn go_atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.strip_prefix('+').unwrap_or(text).parse().ok()
}

/// Whether a part is a list matcher: `[…]`.
fn is_list_matcher(part: &str) -> bool {
    part.starts_with('[') && part.ends_with(']')
}

/// `[name=value]` into `(name, value)` (kyaml's `SplitIndexNameValue`).
fn split_matcher(part: &str) -> Result<(&str, &str), PathError> {
    let inner = part.strip_suffix(']').unwrap_or(part);
    let inner = inner.strip_prefix('[').unwrap_or(inner);
    inner.split_once('=').ok_or_else(|| {
        PathError("list path element must contain fieldName=fieldValue for element to match".into())
    })
}

/// kyaml's name for a node kind, as its "wrong node kind" errors print it.
fn kind_name(node: &Node) -> &'static str {
    match node.body {
        Body::Map(_) => "MappingNode",
        Body::Seq(_) => "SequenceNode",
        Body::Scalar(_) => "ScalarNode",
    }
}

fn wrong_kind(expected: &str, node: &Node) -> PathError {
    PathError(format!("wrong node kind: expected {expected} but got {}", kind_name(node)))
}

/// The items of a list; a null counts as an empty list (kyaml's `Elements`).
fn items(node: &Node) -> Result<&[Node], PathError> {
    match &node.body {
        Body::Seq(items) => Ok(items),
        _ if node.is_null() => Ok(&[]),
        _ => Err(wrong_kind("SequenceNode", node)),
    }
}

/// The value of a mapping field (kyaml's `Get`): nothing on a null, an error on a list or
/// scalar. With duplicate keys the last one wins.
fn field<'n>(node: &'n Node, name: &str) -> Result<Option<&'n Node>, PathError> {
    match &node.body {
        Body::Map(entries) => {
            Ok(entries.iter().rev().find(|(k, _)| k.scalar() == Some(name)).map(|(_, v)| v))
        }
        _ if node.is_null() => Ok(None),
        _ => Err(wrong_kind("MappingNode", node)),
    }
}

fn field_index(node: &Node, name: &str) -> Option<usize> {
    node.as_map()?.iter().rposition(|(k, _)| k.scalar() == Some(name))
}

/// Follows a path as kyaml's `PathGetter` (without `create`). `Ok(None)` when a part is
/// missing.
pub fn lookup<'n>(root: &'n Node, parts: &[String]) -> Result<Option<&'n Node>, PathError> {
    Ok(locate(root, parts)?.and_then(|steps| node_at(root, &steps)))
}

/// Like [`lookup`], but returns the steps to the node.
pub fn locate(root: &Node, parts: &[String]) -> Result<Option<Vec<Step>>, PathError> {
    let mut trimmed: Vec<&str> = Vec::with_capacity(parts.len());
    for part in parts {
        let part = part.trim();
        if !part.is_empty() {
            trimmed.push(part);
        }
    }
    let parts = trimmed;
    let mut node = root;
    let mut steps = Vec::with_capacity(parts.len());
    for part in parts {
        let next = if let Some(index) = go_atoi(part) {
            let index = usize::try_from(index)
                .map_err(|_| PathError(format!("array index {index} cannot be negative")))?;
            items(node)?.get(index).map(|n| (Step::Item(index), n))
        } else if part == "-" {
            let list = items(node)?;
            list.last().map(|n| (Step::Item(list.len() - 1), n))
        } else if part == "*" {
            return Err(PathError("wildcard is not supported in PathGetter".into()));
        } else if is_list_matcher(part) {
            let (key, value) = split_matcher(part)?;
            items(node)?
                .iter()
                .enumerate()
                .find(|(_, item)| item_equals(item, key, value))
                .map(|(i, n)| (Step::Item(i), n))
        } else {
            field(node, part)?;
            field_index(node, part).and_then(|i| node.as_map().map(|e| (Step::Entry(i), &e[i].1)))
        };
        match next {
            Some((step, n)) => {
                steps.push(step);
                node = n;
            }
            None => return Ok(None),
        }
    }
    Ok(Some(steps))
}

/// kyaml's `ElementMatcher` test for one item: `[=v]` compares a scalar item's text, `[k=v]`
/// the text of a mapping item's field `k`.
fn item_equals(item: &Node, key: &str, value: &str) -> bool {
    if key.is_empty() {
        return scalar_text(item) == value;
    }
    item.as_map().is_some_and(|entries| {
        entries.iter().any(|(k, v)| k.scalar() == Some(key) && scalar_text(v) == value)
    })
}

/// A node's `Value` in go-yaml terms: a scalar's text, empty for collections.
fn scalar_text(node: &Node) -> &str {
    node.scalar().unwrap_or_default()
}

/// What kyaml's `RNode.String()` (trimmed) gives for a node when a list matcher compares it
/// with a regular expression: a scalar with its quotes, a collection as rough YAML.
fn matcher_text(node: &Node) -> String {
    use crate::yaml::Style;
    match (&node.body, node.style) {
        (Body::Scalar(s), Style::SingleQuoted) => format!("'{}'", s.replace('\'', "''")),
        (Body::Scalar(s), Style::DoubleQuoted) => crate::yaml::edit::double_quoted(s),
        (Body::Scalar(s), _) => s.trim().to_string(),
        (Body::Map(entries), _) => {
            let mut out = String::new();
            for (k, v) in entries {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&format!("{}: {}", scalar_text(k), matcher_text(v)));
            }
            out
        }
        (Body::Seq(items), _) => {
            let mut out = String::new();
            for item in items {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&format!("- {}", matcher_text(item)));
            }
            out
        }
    }
}

/// One step from a node to a child: the value of the mapping entry at this index, or the
/// list item at this index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Entry(usize),
    Item(usize),
}

/// A match of [`find`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A node of the object, reached by these steps from the root.
    At {
        steps: Vec<Step>,
        /// The node is a scalar leaf `find` just created: it has no type yet, so the value
        /// set into it takes the type its text implies.
        created: bool,
    },
    /// A match inside a scalar parsed as YAML, or below a null that `create` "filled": kyaml
    /// finds it but setting it changes nothing.
    Phantom,
}

/// The node at `steps` from `root`.
#[must_use]
pub fn node_at<'n>(root: &'n Node, steps: &[Step]) -> Option<&'n Node> {
    let mut node = root;
    for step in steps {
        node = match (step, &node.body) {
            (Step::Entry(i), Body::Map(entries)) => &entries.get(*i)?.1,
            (Step::Item(i), Body::Seq(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The node at `steps` from `root`, for editing.
pub fn node_at_mut<'n>(root: &'n mut Node, steps: &[Step]) -> Option<&'n mut Node> {
    let mut node = root;
    for step in steps {
        node = match (step, &mut node.body) {
            (Step::Entry(i), Body::Map(entries)) => &mut entries.get_mut(*i)?.1,
            (Step::Item(i), Body::Seq(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The kind of node `create` makes at the end of a path (the kind of the value to set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scalar,
    Map,
    Seq,
}

impl Kind {
    #[must_use]
    pub fn of(node: &Node) -> Kind {
        match node.body {
            Body::Map(_) => Kind::Map,
            Body::Seq(_) => Kind::Seq,
            Body::Scalar(_) => Kind::Scalar,
        }
    }

    fn empty(self, origin: &Origin) -> Node {
        let node = match self {
            Kind::Scalar => Node::plain(""),
            Kind::Map => Node::map(),
            Kind::Seq => Node::seq(Vec::new()),
        };
        node.with_origin(origin.clone())
    }
}

/// Deepest path [`find`] follows into YAML parsed out of a scalar, as a guard against
/// recursion (kyaml has none; a path is short in practice).
const MAX_PARSE_DEPTH: usize = 8;

/// Longest path [`find`] walks (it recurses once per part).
pub const MAX_PARTS: usize = 512;

/// Finds every node a path selects, as kyaml's `PathMatcher` does, creating what is missing
/// when `create` is given (new nodes get `origin`). An empty result means "not found".
pub fn find(
    root: &mut Node,
    parts: &[String],
    create: Option<Kind>,
    origin: &Origin,
) -> Result<Vec<Found>, PathError> {
    if parts.len() > MAX_PARTS {
        return Err(PathError(format!("field path has more than {MAX_PARTS} parts")));
    }
    let mut walker = Walker { create, origin, found: Vec::new(), steps: Vec::new(), depth: 0 };
    walker.walk(root, parts)?;
    Ok(walker.found)
}

struct Walker<'o> {
    create: Option<Kind>,
    origin: &'o Origin,
    found: Vec<Found>,
    steps: Vec<Step>,
    /// How many scalars parsed as YAML we are inside (then every match is a phantom).
    depth: usize,
}

impl Walker<'_> {
    fn record(&mut self, created: bool) {
        if self.depth > 0 {
            self.found.push(Found::Phantom);
        } else {
            self.found.push(Found::At { steps: self.steps.clone(), created });
        }
    }

    fn walk(&mut self, node: &mut Node, parts: &[String]) -> Result<(), PathError> {
        self.walk_created(node, parts, false)
    }

    fn walk_created(
        &mut self,
        node: &mut Node,
        parts: &[String],
        created: bool,
    ) -> Result<(), PathError> {
        let Some((part, rest)) = parts.split_first() else {
            self.record(created && node.is_scalar());
            return Ok(());
        };
        if let Some(index) = go_atoi(part).and_then(|i| usize::try_from(i).ok()) {
            self.index(node, index, rest)
        } else if is_list_matcher(part) {
            self.matching_items(node, part, rest)
        } else if part == "*" {
            self.every_item(node, rest)
        } else {
            self.field(node, part, rest)
        }
    }

    fn descend(
        &mut self,
        step: Step,
        node: &mut Node,
        rest: &[String],
        created: bool,
    ) -> Result<(), PathError> {
        self.steps.push(step);
        let result = self.walk_created(node, rest, created);
        self.steps.pop();
        result
    }

    /// kyaml's `doField`.
    fn field(&mut self, node: &mut Node, name: &str, rest: &[String]) -> Result<(), PathError> {
        field(node, name)?;
        let mut created = false;
        if field_index(node, name).is_none() {
            let Some(kind) = self.create else { return Ok(()) };
            if !node.is_map() {
                // kyaml appends the field to a null scalar, where nobody sees it.
                return self.phantom(rest);
            }
            let fresh = part_kind(rest.first().map(String::as_str), kind).empty(self.origin);
            let key = Node::plain(name).with_origin(self.origin.clone());
            if let Some(entries) = node.as_map_mut() {
                entries.push((key, fresh));
            }
            created = true;
        }
        let Some(index) = field_index(node, name) else { return Ok(()) };
        let Some(entries) = node.as_map_mut() else { return Ok(()) };
        let child = &mut entries[index].1;
        if child.is_scalar() && !rest.is_empty() {
            return self.inside_scalar(child, rest);
        }
        self.descend(Step::Entry(index), child, rest, created)
    }

    /// kyaml's `doIndexSeq`: the item at an index; with `create`, one past the end appends.
    fn index(&mut self, node: &mut Node, index: usize, rest: &[String]) -> Result<(), PathError> {
        let len = items(node)?.len();
        let mut created = false;
        if len == index
            && let Some(kind) = self.create
        {
            let fresh = part_kind(rest.first().map(String::as_str), kind).empty(self.origin);
            match node.as_seq_mut() {
                Some(list) => list.push(fresh),
                None => return self.phantom(rest),
            }
            created = true;
        }
        let Some(list) = node.as_seq_mut() else {
            return Err(PathError(format!("index {index} specified but only 0 elements found")));
        };
        let found = list.len();
        match list.get_mut(index) {
            Some(item) => self.descend(Step::Item(index), item, rest, created),
            None => {
                Err(PathError(format!("index {index} specified but only {found} elements found")))
            }
        }
    }

    /// kyaml's `doSeq`: every item whose field (or, for `[=re]`, whose own text) matches an
    /// unanchored regular expression; with `create` and no match, an item is appended (once:
    /// kyaml retries forever when the new item does not match its own pattern).
    fn matching_items(
        &mut self,
        node: &mut Node,
        part: &str,
        rest: &[String],
    ) -> Result<(), PathError> {
        let (key, pattern) = split_matcher(part)?;
        let re =
            Regex::new(pattern).map_err(|e| PathError(format!("error parsing regexp: {e}")))?;
        if self.visit_matching(node, key, &re, rest, None)? || self.create.is_none() {
            return Ok(());
        }
        if !node.is_seq() {
            // A null "list": kyaml appends to a scalar, where nobody sees it.
            return self.phantom(rest);
        }
        let value = Node::plain(pattern).with_origin(self.origin.clone());
        let item = if key.is_empty() {
            value
        } else {
            let mut map = Node::map().with_origin(self.origin.clone());
            if let Some(entries) = map.as_map_mut() {
                entries.push((Node::plain(key).with_origin(self.origin.clone()), value));
            }
            map
        };
        let Some(list) = node.as_seq_mut() else { return Ok(()) };
        list.push(item);
        let fresh = list.len() - 1;
        self.visit_matching(node, key, &re, rest, Some(fresh)).map(|_| ())
    }

    /// Visits the matching items; returns whether anything was found. `fresh` is the index
    /// of an item just created.
    fn visit_matching(
        &mut self,
        node: &mut Node,
        key: &str,
        re: &Regex,
        rest: &[String],
        fresh: Option<usize>,
    ) -> Result<bool, PathError> {
        let before = self.found.len();
        let count = items(node)?.len();
        for i in 0..count {
            let Some(item) = node.as_seq_mut().and_then(|l| l.get_mut(i)) else { break };
            let text = if key.is_empty() {
                Some(matcher_text(item))
            } else {
                item.as_map()
                    .and_then(|entries| entries.iter().find(|(k, _)| k.scalar() == Some(key)))
                    .map(|(_, v)| matcher_text(v))
            };
            if !text.is_some_and(|t| re.is_match(&t)) {
                continue;
            }
            if key.is_empty() {
                // kyaml takes the item itself and ignores the rest of the path.
                self.steps.push(Step::Item(i));
                self.record(fresh == Some(i));
                self.steps.pop();
            } else {
                self.descend(Step::Item(i), item, rest, false)?;
            }
        }
        Ok(self.found.len() > before)
    }

    /// kyaml's `doMatchEvery` (`*`): every item of a list.
    fn every_item(&mut self, node: &mut Node, rest: &[String]) -> Result<(), PathError> {
        let count = items(node)?.len();
        for i in 0..count {
            let Some(item) = node.as_seq_mut().and_then(|l| l.get_mut(i)) else { break };
            self.descend(Step::Item(i), item, rest, false)?;
        }
        Ok(())
    }

    /// The rest of the path below something invisible: whatever it finds is a phantom.
    fn phantom(&mut self, rest: &[String]) -> Result<(), PathError> {
        let mut scratch = Node::null();
        self.depth += 1;
        let result = self.walk(&mut scratch, rest);
        self.depth -= 1;
        result
    }

    /// kyaml's `handleStructuredDataInScalar`: the scalar's text parsed as YAML, walked, and
    /// thrown away.
    fn inside_scalar(&mut self, scalar: &Node, rest: &[String]) -> Result<(), PathError> {
        if self.depth >= MAX_PARSE_DEPTH {
            return Err(PathError("structured data nested too deeply".into()));
        }
        let mut parsed = parse_scalar(scalar)?;
        self.depth += 1;
        let result = self.walk(&mut parsed, rest);
        self.depth -= 1;
        result
    }
}

/// The kind of node to create for a path part, given the part after it (kyaml's
/// `getPathPartKind`).
fn part_kind(next: Option<&str>, leaf: Kind) -> Kind {
    match next {
        None | Some("") => leaf,
        Some(p) if is_list_matcher(p) || go_atoi(p).is_some_and(|i| i >= 0) => Kind::Seq,
        Some(_) => Kind::Map,
    }
}

/// A scalar's text parsed as one YAML document (go-yaml's `Unmarshal` into a node): the
/// first document's root. Text with no document (empty, comments only) gives a node kyaml
/// cannot walk, which is an error here.
pub fn parse_scalar(scalar: &Node) -> Result<Node, PathError> {
    let text = scalar_text(scalar);
    let file: std::sync::Arc<str> =
        std::sync::Arc::from(scalar.origin.file.as_deref().unwrap_or_default());
    let parsed = crate::yaml::parse(&file, text, &Limits::default());
    if let Some(error) = parsed.diagnostics.iter().find(|d| d.is_error()) {
        return Err(PathError(format!("yaml: {}", error.message)));
    }
    match parsed.documents.first() {
        Some(doc) if !doc.is_empty() => Ok(doc.root.clone()),
        _ => {
            Err(PathError("wrong node kind: expected MappingNode but got an empty document".into()))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::parse;

    fn doc(text: &str) -> Node {
        parse(&Arc::from("r.yaml"), text, &Limits::default()).documents.remove(0).root
    }

    fn s(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|p| (*p).to_string()).collect()
    }

    #[test]
    fn splitting_keeps_matchers_and_bracketed_keys() {
        assert_eq!(
            split("spec.template.spec.containers.[name=app].image"),
            s(&["spec", "template", "spec", "containers", "[name=app]", "image"])
        );
        assert_eq!(split("metadata.annotations.[a.b/c]"), s(&["metadata", "annotations", "a.b/c"]));
        assert_eq!(split("a.[name=x.y].b"), s(&["a", "[name=x.y]", "b"]));
        assert_eq!(split("metadata.annotations.x\\.y"), s(&["metadata", "annotations", "x.y"]));
        assert_eq!(split("a.[abc]"), s(&["a", "[abc]"]));
        assert_eq!(split(".a.b"), s(&["a", "b"]));
        assert_eq!(split("containers[name=app]"), s(&["containers[name=app]"]));
    }

    #[test]
    fn slice_indexes_for_vars() {
        assert_eq!(
            convert_slice_index(s(&["spec", "ports[0]", "port"])),
            s(&["spec", "ports", "0", "port"])
        );
        assert_eq!(convert_slice_index(s(&["[12]"])), s(&["12"]));
        assert_eq!(convert_slice_index(s(&["a[x]", "[name=b]"])), s(&["a[x]", "[name=b]"]));
    }

    #[test]
    fn go_atoi_is_strict() {
        assert_eq!(go_atoi("12"), Some(12));
        assert_eq!(go_atoi("+3"), Some(3));
        assert_eq!(go_atoi("-1"), Some(-1));
        assert_eq!(go_atoi("0x10"), None);
        assert_eq!(go_atoi("1_0"), None);
        assert_eq!(go_atoi(""), None);
        assert_eq!(go_atoi("-"), None);
    }

    #[test]
    fn lookup_follows_path_getter_rules() {
        let d = doc(
            "spec:\n  containers:\n  - name: app\n    image: a:1\n  - name: myapp\n    image: b:1\n  args: [x, y]\n",
        );
        let get =
            |p: &str| lookup(&d, &split(p)).map(|n| n.and_then(Node::scalar).map(str::to_string));
        assert_eq!(get("spec.containers.[name=myapp].image"), Ok(Some("b:1".into())));
        // Exact match, not a regular expression.
        assert_eq!(get("spec.containers.[name=ap].image"), Ok(None));
        assert_eq!(get("spec.containers.-.name"), Ok(Some("myapp".into())));
        assert_eq!(get("spec.containers.1.name"), Ok(Some("myapp".into())));
        assert_eq!(get("spec.containers.5.name"), Ok(None));
        assert_eq!(get("spec.args.[=y]"), Ok(Some("y".into())));
        assert_eq!(get(" spec. args.0"), Ok(Some("x".into())));
        assert_eq!(get("spec.missing.deeper"), Ok(None));
        assert_eq!(
            get("spec.containers.*.name").unwrap_err().0,
            "wildcard is not supported in PathGetter"
        );
        assert_eq!(get("spec.containers.-1").unwrap_err().0, "array index -1 cannot be negative");
        assert!(
            get("spec.containers.name")
                .unwrap_err()
                .0
                .starts_with("wrong node kind: expected MappingNode but got SequenceNode")
        );
        assert!(get("spec.containers.[abc]").unwrap_err().0.contains("fieldName=fieldValue"));
    }

    fn texts(root: &mut Node, found: &[Found]) -> Vec<String> {
        found
            .iter()
            .map(|f| match f {
                Found::At { steps, .. } => node_at_mut(root, steps)
                    .and_then(|n| n.scalar().map(str::to_string))
                    .unwrap_or_default(),
                Found::Phantom => "<phantom>".into(),
            })
            .collect()
    }

    #[test]
    fn find_matches_with_unanchored_regexes_and_wildcards() {
        let mut d = doc(
            "c:\n- name: app\n  image: a\n- name: myapp\n  image: b\n- name: other\n  image: c\nargs: [x, yy, xz]\n",
        );
        let o = Origin::default();
        let found = find(&mut d, &split("c.[name=app].image"), None, &o).unwrap();
        assert_eq!(texts(&mut d, &found), ["a", "b"]);
        let found = find(&mut d, &split("c.*.name"), None, &o).unwrap();
        assert_eq!(texts(&mut d, &found), ["app", "myapp", "other"]);
        let found = find(&mut d, &split("args.[=x]"), None, &o).unwrap();
        assert_eq!(texts(&mut d, &found), ["x", "xz"]);
        assert!(find(&mut d, &split("c.[name=zzz].image"), None, &o).unwrap().is_empty());
        assert!(find(&mut d, &split("missing.x"), None, &o).unwrap().is_empty());
        assert_eq!(
            find(&mut d, &split("c.7"), None, &o).unwrap_err().0,
            "index 7 specified but only 3 elements found"
        );
    }

    #[test]
    fn find_creates_fields_items_and_leaves() {
        let mut d = doc("spec:\n  rules: [a]\n");
        let o = Origin::default();
        let found = find(&mut d, &split("spec.tls.0.secretName"), Some(Kind::Scalar), &o).unwrap();
        assert!(matches!(&found[..], [Found::At { created: true, .. }]));
        assert!(
            d.path(&["spec", "tls"])
                .and_then(Node::as_seq)
                .is_some_and(|l| l.len() == 1 && l[0].is_map())
        );
        let found = find(&mut d, &split("spec.rules.[=b]"), Some(Kind::Scalar), &o).unwrap();
        assert_eq!(texts(&mut d, &found), ["b"]);
        let found =
            find(&mut d, &split("spec.list.[name=x].value"), Some(Kind::Scalar), &o).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(
            d.path(&["spec", "list"])
                .and_then(Node::as_seq)
                .map(|l| l[0].get("name").and_then(Node::scalar)),
            Some(Some("x"))
        );
        // Only the index one past the end is created.
        assert!(find(&mut d, &split("spec.rules.5"), Some(Kind::Scalar), &o).is_err());
    }

    #[test]
    fn scalars_in_the_middle_are_parsed_and_nulls_are_phantoms() {
        let mut d = doc("data:\n  j: '{\"a\": {\"b\": 1}}'\n  k: v\n  n: ~\n");
        let o = Origin::default();
        assert_eq!(find(&mut d, &split("data.j.a.b"), None, &o).unwrap(), vec![Found::Phantom]);
        assert!(
            find(&mut d, &split("data.k.sub"), None, &o)
                .unwrap_err()
                .0
                .contains("expected MappingNode but got ScalarNode")
        );
        assert_eq!(
            find(&mut d, &split("data.n.x"), Some(Kind::Scalar), &o).unwrap(),
            vec![Found::Phantom]
        );
        assert!(find(&mut d, &split("data.n.x"), None, &o).unwrap().is_empty());
        assert_eq!(d.path(&["data", "n"]).map(Node::is_null), Some(true));
    }
}
