//! The YAML node tree: ordered mappings, sequences and scalars, each with its origin.
//!
//! Every node remembers the file and byte span it came from. That single fact serves three
//! features: diagnostics point at the offending bytes, provenance says which file set an
//! image, and promotion edits replace exactly one scalar's bytes. Transformers that create
//! nodes give them the origin of the kustomization entry that caused them.

use std::sync::Arc;

use crate::diagnostic::Span;

/// How a node was written. Scalars have one of the first five; collections `Block` or `Flow`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Style {
    #[default]
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
    Block,
    Flow,
}

/// Where a node came from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// Repository path of the file; `None` for nodes the engine made up.
    pub file: Option<Arc<str>>,
    /// Byte span of the node's token(s) in that file (for a scalar: the value, without tag or
    /// anchor, with quotes).
    pub span: Span,
}

impl Origin {
    #[must_use]
    pub fn new(file: &Arc<str>, span: Span) -> Self {
        Origin { file: Some(file.clone()), span }
    }
}

/// The content of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// One YAML node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub body: Body,
    /// Explicit tag in long form (`tag:yaml.org,2002:str`, or a local tag like `!foo`).
    pub tag: Option<Arc<str>>,
    pub style: Style,
    pub origin: Origin,
}

impl Node {
    /// A plain string scalar (double-quoted if its text would otherwise mean something else).
    #[must_use]
    pub fn string(value: impl Into<String>) -> Self {
        let value = value.into();
        let style =
            if super::resolve::resolve(super::resolve::Schema::V3, None, Style::Plain, &value)
                == Ok(super::resolve::Resolved::Str)
            {
                Style::Plain
            } else {
                Style::DoubleQuoted
            };
        Node { body: Body::Scalar(value), tag: None, style, origin: Origin::default() }
    }

    /// A plain scalar whose type is resolved from its text (`3` is an int, `true` a bool).
    #[must_use]
    pub fn plain(value: impl Into<String>) -> Self {
        Node {
            body: Body::Scalar(value.into()),
            tag: None,
            style: Style::Plain,
            origin: Origin::default(),
        }
    }

    #[must_use]
    pub fn null() -> Self {
        Node::plain("null")
    }

    #[must_use]
    pub fn map() -> Self {
        Node {
            body: Body::Map(Vec::new()),
            tag: None,
            style: Style::Block,
            origin: Origin::default(),
        }
    }

    #[must_use]
    pub fn seq(items: Vec<Node>) -> Self {
        Node { body: Body::Seq(items), tag: None, style: Style::Block, origin: Origin::default() }
    }

    #[must_use]
    pub fn with_origin(mut self, origin: Origin) -> Self {
        self.origin = origin;
        self
    }

    /// The scalar text, for any scalar (whatever it resolves to).
    #[must_use]
    pub fn scalar(&self) -> Option<&str> {
        match &self.body {
            Body::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The text of a scalar that resolves to a string (quoted, or plain and not a number,
    /// boolean or null).
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.body {
            Body::Scalar(s) if self.is_string() => Some(s),
            _ => None,
        }
    }

    /// Whether this is a scalar that go-yaml v3 reads as a string.
    #[must_use]
    pub fn is_string(&self) -> bool {
        use super::resolve::{Resolved, Schema, resolve};
        match &self.body {
            Body::Scalar(s) => matches!(
                resolve(Schema::V3, self.tag.as_deref(), self.style, s),
                Ok(Resolved::Str | Resolved::Custom | Resolved::Timestamp)
            ),
            _ => false,
        }
    }

    /// Whether this is a null scalar (`~`, `null`, empty).
    #[must_use]
    pub fn is_null(&self) -> bool {
        use super::resolve::{Resolved, Schema, resolve};
        match &self.body {
            Body::Scalar(s) => matches!(
                resolve(Schema::V3, self.tag.as_deref(), self.style, s),
                Ok(Resolved::Null)
            ),
            _ => false,
        }
    }

    #[must_use]
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.body {
            Body::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_seq_mut(&mut self) -> Option<&mut Vec<Node>> {
        match &mut self.body {
            Body::Seq(items) => Some(items),
            _ => None,
        }
    }

    #[must_use]
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.body {
            Body::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Vec<(Node, Node)>> {
        match &mut self.body {
            Body::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// Drops the spare capacity of every list and string of the tree (a render keeps its
    /// resources' trees while it is cached; transformers build them by appending).
    pub fn shrink_to_fit(&mut self) {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            match &mut node.body {
                Body::Scalar(text) => text.shrink_to_fit(),
                Body::Seq(items) => {
                    items.shrink_to_fit();
                    stack.extend(items.iter_mut());
                }
                Body::Map(entries) => {
                    entries.shrink_to_fit();
                    for (key, value) in entries.iter_mut() {
                        stack.push(key);
                        stack.push(value);
                    }
                }
            }
        }
    }

    #[must_use]
    pub fn is_map(&self) -> bool {
        matches!(self.body, Body::Map(_))
    }

    #[must_use]
    pub fn is_seq(&self) -> bool {
        matches!(self.body, Body::Seq(_))
    }

    #[must_use]
    pub fn is_scalar(&self) -> bool {
        matches!(self.body, Body::Scalar(_))
    }

    /// The entry of a mapping with this key (compared as scalar text).
    #[must_use]
    pub fn entry(&self, key: &str) -> Option<&(Node, Node)> {
        self.as_map()?.iter().find(|(k, _)| k.scalar() == Some(key))
    }

    /// The value of a mapping key.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.as_map_mut()?.iter_mut().find(|(k, _)| k.scalar() == Some(key)).map(|(_, v)| v)
    }

    /// The string value of a mapping key, if it is a string.
    #[must_use]
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_str)
    }

    /// Follows a path of mapping keys.
    #[must_use]
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn path_mut(&mut self, keys: &[&str]) -> Option<&mut Node> {
        let mut node = self;
        for key in keys {
            node = node.get_mut(key)?;
        }
        Some(node)
    }

    /// Sets a mapping key (replacing the value in place, or appending the entry). Does
    /// nothing on a non-mapping.
    pub fn set(&mut self, key: &str, value: Node) {
        let Some(entries) = self.as_map_mut() else { return };
        if let Some((_, v)) = entries.iter_mut().find(|(k, _)| k.scalar() == Some(key)) {
            *v = value;
        } else {
            entries.push((Node::string(key), value));
        }
    }

    /// Removes a mapping key, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        let entries = self.as_map_mut()?;
        let i = entries.iter().position(|(k, _)| k.scalar() == Some(key))?;
        Some(entries.remove(i).1)
    }

    /// The mapping at `keys`, created (as empty mappings) where missing. `None` when a
    /// non-mapping is in the way.
    pub fn ensure_map(&mut self, keys: &[&str]) -> Option<&mut Node> {
        let mut node = self;
        for key in keys {
            if !node.is_map() {
                return None;
            }
            if node.get(key).is_none_or(Node::is_null) {
                node.set(key, Node::map());
            }
            node = node.get_mut(key)?;
        }
        node.is_map().then_some(node)
    }

    /// Replaces a scalar's text, keeping its style when that still reads back as the same
    /// string, and recording the new origin.
    pub fn set_scalar(&mut self, value: impl Into<String>, origin: Origin) {
        let value = value.into();
        let mut fresh = Node::string(value);
        if matches!(self.style, Style::SingleQuoted | Style::DoubleQuoted) {
            fresh.style = self.style;
        }
        fresh.origin = origin;
        *self = fresh;
    }

    /// Number of nodes in this subtree (itself included).
    #[must_use]
    pub fn count(&self) -> usize {
        let mut total = 0;
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            total += 1;
            match &node.body {
                Body::Scalar(_) => {}
                Body::Seq(items) => stack.extend(items),
                Body::Map(entries) => {
                    for (k, v) in entries {
                        stack.push(k);
                        stack.push(v);
                    }
                }
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_nodes_quote_what_would_resolve_otherwise() {
        assert_eq!(Node::string("abc").style, Style::Plain);
        assert_eq!(Node::string("123").style, Style::DoubleQuoted);
        assert_eq!(Node::string("true").style, Style::DoubleQuoted);
        assert_eq!(Node::string("").style, Style::DoubleQuoted);
        assert!(Node::string("123").is_string());
        assert!(!Node::plain("123").is_string());
    }

    #[test]
    fn shrink_to_fit_leaves_no_spare_capacity_and_the_same_tree() {
        let mut scalar = String::with_capacity(64);
        scalar.push('v');
        let mut items = Vec::with_capacity(16);
        items.push(Node { body: Body::Scalar(scalar), ..Node::string("") });
        let mut entries = Vec::with_capacity(16);
        entries.push((Node::string("k"), Node { body: Body::Seq(items), ..Node::string("") }));
        let mut node = Node { body: Body::Map(entries), ..Node::string("") };
        let before = node.clone();
        node.shrink_to_fit();
        assert_eq!(node, before);
        let Body::Map(entries) = &node.body else { panic!("a map") };
        assert_eq!(entries.capacity(), 1);
        let Body::Seq(items) = &entries[0].1.body else { panic!("a list") };
        assert_eq!(items.capacity(), 1);
        let Body::Scalar(text) = &items[0].body else { panic!("a scalar") };
        assert_eq!(text.capacity(), 1);
    }

    #[test]
    fn map_helpers() {
        let mut m = Node::map();
        m.set("a", Node::string("x"));
        m.ensure_map(&["b", "c"]).unwrap().set("d", Node::plain("1"));
        assert_eq!(m.get_str("a"), Some("x"));
        assert_eq!(m.path(&["b", "c", "d"]).and_then(Node::scalar), Some("1"));
        assert!(m.remove("a").is_some());
        assert!(m.get("a").is_none());
        assert_eq!(m.count(), 7);
    }
}
