//! Nodes with Go's pointer semantics: kyaml's merge shares and overwrites `*yaml.Node`s.
//!
//! kyaml's walker returns the patch's own nodes into the result, walks a node against itself
//! when the target lacks a field, strips `$patch` directives from nodes that the result
//! already holds, and overwrites a target node in place with a patch node's content
//! (`SetYNode`). Its output depends on that sharing, so the port keeps it: nodes live in an
//! arena and are referred to by index, exactly as Go refers to them by pointer.
//!
//! A node also keeps its go-yaml tag apart from its style, as go-yaml does: kyaml moves
//! styles from one node to another (a quoted target value makes the patch's value quoted),
//! and what that does to the value's type is decided only when the tree is turned back into
//! a [`Node`] ([`Arena::export`]), following go-yaml's encoder.

use std::sync::Arc;

use crate::kustomize::patch::PatchError;
use crate::yaml::resolve::{Resolved, Schema as Rules, resolve};
use crate::yaml::{Body, Node, Origin, Style};

/// Index of a node in the arena (a Go `*yaml.Node`).
pub type Id = usize;

/// Deepest tree the merge reads or builds: above the parser's limit (200), and low enough
/// for the recursion to fit a WebAssembly stack.
const MAX_DEPTH: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Scalar,
    Seq,
    Map,
}

/// What go-yaml's `Node.Tag` says about a node, as far as the merge asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    /// `!!null`.
    Null,
    /// `!!str`.
    Str,
    /// No tag at all: a node kyaml made up (`NewScalarRNode`); typed by its text when printed.
    Untagged,
    /// Anything else (`!!int`, `!!map`, a custom tag, …).
    Other,
}

/// One node: a `yaml.Node` with our origin.
#[derive(Debug, Clone)]
pub struct YNode {
    pub kind: Kind,
    /// Scalar text (go-yaml's `Value`); empty for collections.
    pub text: String,
    pub tag: Tag,
    /// The explicit tag written in the source, kept for the way back.
    pub explicit_tag: Option<Arc<str>>,
    pub style: Style,
    pub origin: Origin,
    /// Sequence items, or mapping keys and values interleaved (go-yaml's `Content`).
    pub content: Vec<Id>,
    /// kyaml's `ShouldKeep`: a `null` the target wrote, kept through the merge.
    pub keep: bool,
}

#[derive(Debug, Default)]
pub struct Arena {
    nodes: Vec<YNode>,
}

impl Arena {
    pub fn get(&self, id: Id) -> &YNode {
        &self.nodes[id]
    }

    pub fn get_mut(&mut self, id: Id) -> &mut YNode {
        &mut self.nodes[id]
    }

    pub fn add(&mut self, node: YNode) -> Id {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// `rn.SetYNode(other)`: this node takes a shallow copy of the other's content.
    pub fn overwrite(&mut self, id: Id, from: Id) {
        if id != from {
            self.nodes[id] = self.nodes[from].clone();
        }
    }

    /// A new empty sequence (`yaml.NewListRNode()`).
    pub fn new_seq(&mut self, origin: Origin) -> Id {
        self.add(YNode {
            kind: Kind::Seq,
            text: String::new(),
            tag: Tag::Untagged,
            explicit_tag: None,
            style: Style::Block,
            origin,
            content: Vec::new(),
            keep: false,
        })
    }

    /// A new untagged plain scalar (`yaml.NewScalarRNode(text)`).
    pub fn new_scalar(&mut self, text: &str, origin: Origin) -> Id {
        self.add(YNode {
            kind: Kind::Scalar,
            text: text.to_string(),
            tag: Tag::Untagged,
            explicit_tag: None,
            style: Style::Plain,
            origin,
            content: Vec::new(),
            keep: false,
        })
    }

    /// `yaml.IsMissingOrNull`.
    pub fn missing_or_null(&self, node: Option<Id>) -> bool {
        node.is_none_or(|id| self.nodes[id].tag == Tag::Null)
    }

    /// `RNode.IsTaggedNull`.
    pub fn tagged_null(&self, node: Option<Id>) -> bool {
        node.is_some_and(|id| self.nodes[id].tag == Tag::Null)
    }

    /// `yaml.IsEmptyMap`: missing, null, or a mapping without entries.
    pub fn empty_map(&self, node: Option<Id>) -> bool {
        self.missing_or_null(node)
            || node
                .is_some_and(|id| self.is_kind(id, Kind::Map) && self.nodes[id].content.is_empty())
    }

    /// `RNode.IsNilOrEmpty`: missing, null, or an empty collection.
    pub fn nil_or_empty(&self, node: Option<Id>) -> bool {
        match node {
            None => true,
            Some(id) => {
                let n = &self.nodes[id];
                n.tag == Tag::Null || (n.kind != Kind::Scalar && n.content.is_empty())
            }
        }
    }

    pub fn is_kind(&self, id: Id, kind: Kind) -> bool {
        self.nodes[id].kind == kind
    }

    /// go-yaml's `Value`: the scalar text, empty for collections.
    pub fn text(&self, id: Id) -> &str {
        &self.nodes[id].text
    }

    /// `yaml.GetValue`: the text, or empty for a missing or null node.
    pub fn value(&self, node: Option<Id>) -> &str {
        match node {
            Some(id) if !self.missing_or_null(node) => &self.nodes[id].text,
            _ => "",
        }
    }

    pub fn content(&self, id: Id) -> &[Id] {
        &self.nodes[id].content
    }

    /// `RNode.Field(name)`: the first entry with this key, as (key, value); `None` for a
    /// non-mapping.
    pub fn field(&self, node: Option<Id>, name: &str) -> Option<(Id, Id)> {
        let id = node?;
        if !self.is_kind(id, Kind::Map) {
            return None;
        }
        self.nodes[id]
            .content
            .chunks_exact(2)
            .find(|kv| self.nodes[kv[0]].text == name)
            .map(|kv| (kv[0], kv[1]))
    }

    /// The value of a field (`rn.Pipe(yaml.Get(name))` without the error).
    pub fn field_value(&self, node: Option<Id>, name: &str) -> Option<Id> {
        self.field(node, name).map(|(_, v)| v)
    }

    /// `RNode.Fields()`: the keys of a mapping, in order; empty for anything else.
    pub fn field_names(&self, id: Id) -> Vec<&str> {
        if !self.is_kind(id, Kind::Map) {
            return Vec::new();
        }
        self.nodes[id].content.chunks_exact(2).map(|kv| self.nodes[kv[0]].text.as_str()).collect()
    }

    /// `yaml.ErrorIfInvalid(rn, kind)`: a missing or null node passes.
    pub fn check_kind(&self, node: Option<Id>, kind: Kind) -> Result<(), PatchError> {
        match node {
            Some(id) if !self.missing_or_null(node) && self.nodes[id].kind != kind => {
                let n = &self.nodes[id];
                Err(PatchError::new(format!(
                    "wrong node kind: expected {} but got {}",
                    kind_name(kind),
                    kind_name(n.kind)
                ))
                .at(&n.origin))
            }
            _ => Ok(()),
        }
    }

    /// `IsStringValue() && IsYaml1_1NonString()`: a plain string that YAML 1.1 would read as
    /// something else (`yes`, `on`, …), which kyaml's `FieldSetter` double-quotes.
    pub fn is_yaml11_non_string(&self, id: Id) -> bool {
        let n = &self.nodes[id];
        n.kind == Kind::Scalar
            && matches!(n.tag, Tag::Str | Tag::Untagged)
            && !n.text.is_empty()
            && !n.text.contains('\n')
            && !matches!(
                resolve(Rules::V2, None, Style::Plain, &n.text),
                Ok(Resolved::Str | Resolved::Custom | Resolved::Timestamp) | Err(_)
            )
    }

    /// Gives a node the style of another node, as go-yaml would carry it over (`Style` is one
    /// field for every kind there; flow/block make no sense on scalars and quoting none on
    /// collections, so those map to the plain forms).
    pub fn take_style(&mut self, id: Id, style: Style) {
        let node = &mut self.nodes[id];
        node.style = match (node.kind, style) {
            (Kind::Scalar, Style::Block | Style::Flow | Style::Plain) => Style::Plain,
            (Kind::Scalar, s) => s,
            (_, Style::Flow) => Style::Flow,
            _ => Style::Block,
        };
    }

    /// Copies a [`Node`] tree in.
    pub fn import(&mut self, node: &Node) -> Result<Id, PatchError> {
        self.import_at(node, 0)
    }

    fn import_at(&mut self, node: &Node, depth: usize) -> Result<Id, PatchError> {
        if depth > MAX_DEPTH {
            return Err(PatchError::new("document nests too deeply to patch").at(&node.origin));
        }
        let (kind, text, children): (Kind, &str, Vec<&Node>) = match &node.body {
            Body::Scalar(s) => (Kind::Scalar, s, Vec::new()),
            Body::Seq(items) => (Kind::Seq, "", items.iter().collect()),
            Body::Map(entries) => {
                (Kind::Map, "", entries.iter().flat_map(|(k, v)| [k, v]).collect())
            }
        };
        let mut content = Vec::with_capacity(children.len());
        for child in children {
            content.push(self.import_at(child, depth + 1)?);
        }
        Ok(self.add(YNode {
            kind,
            text: text.to_string(),
            tag: go_tag(node),
            explicit_tag: node.tag.clone(),
            style: node.style,
            origin: node.origin.clone(),
            content,
            keep: false,
        }))
    }

    /// Builds the [`Node`] tree of a node, with each scalar written so that it reads back as
    /// go-yaml's encoder would print it (a string whose quotes were traded for a plain style
    /// stays a string; a number that took a quoted style becomes one).
    pub fn export(&self, id: Id) -> Result<Node, PatchError> {
        self.export_at(id, 0)
    }

    fn export_at(&self, id: Id, depth: usize) -> Result<Node, PatchError> {
        let n = &self.nodes[id];
        if depth > MAX_DEPTH {
            return Err(PatchError::new("patch result nests too deeply").at(&n.origin));
        }
        let body = match n.kind {
            Kind::Scalar => Body::Scalar(n.text.clone()),
            Kind::Seq => {
                let mut items = Vec::with_capacity(n.content.len());
                for &c in &n.content {
                    items.push(self.export_at(c, depth + 1)?);
                }
                Body::Seq(items)
            }
            Kind::Map => {
                let mut entries = Vec::with_capacity(n.content.len() / 2);
                for kv in n.content.chunks_exact(2) {
                    entries.push((
                        self.export_at(kv[0], depth + 1)?,
                        self.export_at(kv[1], depth + 1)?,
                    ));
                }
                Body::Map(entries)
            }
        };
        let style = match (n.kind, n.tag, n.style) {
            (Kind::Scalar, Tag::Str, Style::Plain)
                if n.explicit_tag.is_none() && !plain_is_string(&n.text) =>
            {
                Style::DoubleQuoted
            }
            (_, _, style) => style,
        };
        Ok(Node { body, tag: n.explicit_tag.clone(), style, origin: n.origin.clone() })
    }
}

/// go-yaml v3's resolved tag of a parsed node.
fn go_tag(node: &Node) -> Tag {
    match &node.body {
        Body::Scalar(text) => match resolve(Rules::V3, node.tag.as_deref(), node.style, text) {
            Ok(Resolved::Null) => Tag::Null,
            Ok(Resolved::Str) | Err(_) => Tag::Str,
            Ok(_) => Tag::Other,
        },
        Body::Seq(_) | Body::Map(_) => Tag::Other,
    }
}

/// Whether a plain scalar with this text reads as a string under go-yaml v3.
fn plain_is_string(text: &str) -> bool {
    matches!(resolve(Rules::V3, None, Style::Plain, text), Ok(Resolved::Str))
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Scalar => "ScalarNode",
        Kind::Seq => "SequenceNode",
        Kind::Map => "MappingNode",
    }
}
