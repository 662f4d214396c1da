//! Reading a Kubernetes object the way Go's JSON decoder sees it, keeping where each value is.
//!
//! The rules of `kubectl argo rollouts lint` and of the controller are written against Go
//! structs decoded from JSON. A [`View`] is one field of such a struct over our YAML nodes:
//! keys match Go field names exactly or case-insensitively (the last matching key wins, as
//! the decoder assigns fields in document order), a YAML null is an absent pointer, and
//! scalars are typed by go-yaml v2 (raw files, which lint reads with v2) or v3 (rendered
//! resources, which kustomize printed after a v3 decode).
//!
//! Every view also knows where to point a finding: the value's own bytes when the value is
//! in a file, else the nearest ancestor that is (a rendered value made up by a transformer
//! has no file; an absent field points at its parent's key).

use std::sync::Arc;

use crate::diagnostic::Span;
use crate::yaml::resolve::{Resolved, Schema, resolve};
use crate::yaml::{Body, Node};

/// A place in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Loc<'a> {
    pub file: &'a Arc<str>,
    pub span: Span,
}

/// What the views of one object share: how scalars are typed, and where to point when no
/// node has a file (the file the resource came from).
#[derive(Debug)]
pub(crate) struct Ctx {
    pub file: Arc<str>,
    pub schema: Schema,
}

/// One field of a decoded object: present (with its node) or absent. Four words, because
/// the rules pass views around by the hundred and the wasm build pays for every copied byte.
#[derive(Debug, Clone, Copy)]
pub(crate) struct View<'a> {
    pub node: Option<&'a Node>,
    /// The node a finding about the value points at: the value, else its key, else the
    /// nearest ancestor in a file (or the root).
    at_node: &'a Node,
    /// The node a finding about the field points at: its key (for an absent field, the
    /// nearest present ancestor's key).
    key_node: &'a Node,
    ctx: &'a Ctx,
}

/// A scalar as Go's `intstr.IntOrString` holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IntOrStr {
    Int(i64),
    Str(String),
}

impl<'a> View<'a> {
    /// The view of a whole object.
    pub fn root(node: &'a Node, ctx: &'a Ctx) -> View<'a> {
        // Findings about the object as a whole point at its `kind`, which says what it is.
        let key_node = node.get("kind").filter(|k| located(k)).unwrap_or(node);
        View { node: Some(node), at_node: node, key_node, ctx }
    }

    /// Where the value is, or the nearest ancestor in a file.
    pub fn at(self) -> Loc<'a> {
        self.loc(self.at_node)
    }

    /// Where the field's key is (for an absent field: the nearest present ancestor's key).
    pub fn key_at(self) -> Loc<'a> {
        self.loc(self.key_node)
    }

    pub fn schema(self) -> Schema {
        self.ctx.schema
    }

    fn loc(self, node: &'a Node) -> Loc<'a> {
        match &node.origin.file {
            Some(file) => Loc { file, span: node.origin.span },
            None => Loc { file: &self.ctx.file, span: Span::default() },
        }
    }

    /// The view of a map entry or list item `value` (with its `key`, if any).
    fn child(self, key: Option<&'a Node>, value: &'a Node) -> View<'a> {
        let key_node = key.filter(|k| located(k)).unwrap_or(self.at_node);
        if is_null(value, self.ctx.schema) {
            return View { node: None, at_node: key_node, key_node, ctx: self.ctx };
        }
        let at_node = if located(value) { value } else { key_node };
        let key_node = if key.is_some() { key_node } else { at_node };
        View { node: Some(value), at_node, key_node, ctx: self.ctx }
    }

    /// Whether the field is set (and not null).
    pub fn present(self) -> bool {
        self.node.is_some()
    }

    /// A field of this object, matched as Go's JSON decoder matches struct fields.
    pub fn get(self, name: &str) -> View<'a> {
        let absent =
            View { node: None, at_node: self.key_node, key_node: self.key_node, ctx: self.ctx };
        let Some(Body::Map(entries)) = self.node.map(|n| &n.body) else { return absent };
        let Some((key, value)) = entries
            .iter()
            .rev()
            .find(|(k, _)| k.scalar().is_some_and(|k| k.eq_ignore_ascii_case(name)))
        else {
            return absent;
        };
        self.child(Some(key), value)
    }

    /// The string field `name` (empty when absent): `get(name).string()` in one call.
    pub fn text(self, name: &str) -> &'a str {
        self.get(name).string()
    }

    /// Whether the field `name` is set: `get(name).present()` in one call.
    pub fn has(self, name: &str) -> bool {
        self.get(name).present()
    }

    /// Follows a path of fields.
    pub fn path(self, names: &[&str]) -> View<'a> {
        names.iter().fold(self, |view, name| view.get(name))
    }

    /// The items of a list (none when absent or not a list).
    // Loops rather than iterator chains here and in the rules: each chain with its own
    // closure is one more generic instantiation in the wasm build.
    pub fn items(self) -> Vec<View<'a>> {
        let mut out = Vec::new();
        if let Some(Body::Seq(items)) = self.node.map(|n| &n.body) {
            out.reserve(items.len());
            for item in items {
                out.push(self.child(None, item));
            }
        }
        out
    }

    /// The strings of a list: each item's `field` (or the item itself when `field` is empty).
    pub fn names(self, field: &str) -> Vec<&'a str> {
        let mut out = Vec::new();
        for item in self.items() {
            out.push(if field.is_empty() { item.string() } else { item.get(field).string() });
        }
        out
    }

    /// The entries of a map (a `map[string]T`), in written order; later duplicates of a key
    /// replace earlier ones, as in a Go map.
    pub fn entries(self) -> Vec<(&'a str, View<'a>)> {
        let Some(Body::Map(entries)) = self.node.map(|n| &n.body) else { return Vec::new() };
        let mut out: Vec<(&'a str, View<'a>)> = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let name = key.scalar().unwrap_or_default();
            let view = self.child(Some(key), value);
            match out.iter_mut().find(|(k, _)| *k == name) {
                Some(slot) => slot.1 = view,
                None => out.push((name, view)),
            }
        }
        out
    }

    /// The entries of a `map[string]string` (null values are empty strings).
    pub fn string_map(self) -> Vec<(&'a str, &'a str)> {
        let mut out = Vec::new();
        for (key, value) in self.entries() {
            out.push((key, value.string()));
        }
        out
    }

    fn resolved(self) -> Option<Resolved> {
        let node = self.node?;
        let Body::Scalar(text) = &node.body else { return None };
        resolve(self.ctx.schema, node.tag.as_deref(), node.style, text).ok()
    }

    /// A string field's text (`None` when absent or not a string).
    pub fn str(self) -> Option<&'a str> {
        let node = self.node?;
        match (&node.body, self.resolved()?) {
            (Body::Scalar(text), Resolved::Str | Resolved::Custom | Resolved::Timestamp) => {
                Some(text)
            }
            _ => None,
        }
    }

    /// A string field, empty when absent (Go's zero value).
    pub fn string(self) -> &'a str {
        self.str().unwrap_or_default()
    }

    /// An integer field (a float with no fraction counts, as JSON numbers do).
    pub fn int(self) -> Option<i64> {
        match self.resolved()? {
            Resolved::Int(i) => Some(i),
            Resolved::Uint(u) => i64::try_from(u).ok(),
            #[allow(clippy::float_cmp, clippy::cast_possible_truncation)]
            Resolved::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    /// A boolean field, false when absent.
    pub fn bool(self) -> bool {
        matches!(self.resolved(), Some(Resolved::Bool(true)))
    }

    /// An `intstr.IntOrString` field.
    pub fn int_or_str(self) -> Option<IntOrStr> {
        if let Some(i) = self.int() {
            return Some(IntOrStr::Int(i));
        }
        self.str().map(|s| IntOrStr::Str(s.to_string()))
    }

    /// How many keys a map has (0 when absent or not a map).
    pub fn len(self) -> usize {
        match self.node.map(|n| &n.body) {
            Some(Body::Map(entries)) => entries.len(),
            Some(Body::Seq(items)) => items.len(),
            _ => 0,
        }
    }
}

/// Whether a node is in a file (the engine makes up nodes without one).
fn located(node: &Node) -> bool {
    node.origin.file.is_some()
}

fn is_null(node: &Node, schema: Schema) -> bool {
    match &node.body {
        Body::Scalar(text) => {
            matches!(resolve(schema, node.tag.as_deref(), node.style, text), Ok(Resolved::Null))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn doc(text: &str) -> Node {
        parse(&Arc::from("r.yaml"), text, &Limits::default()).documents.remove(0).root
    }

    #[test]
    fn fields_match_case_insensitively_and_the_last_key_wins() {
        let node = doc("kind: Rollout\nspec:\n  replicas: 2\n  Replicas: 3\n");
        let ctx = Ctx { file: Arc::from("r.yaml"), schema: Schema::V2 };
        let root = View::root(&node, &ctx);
        assert_eq!(root.path(&["spec", "replicas"]).int(), Some(3));
    }

    #[test]
    fn absent_fields_point_at_the_nearest_present_key() {
        let text = "kind: Rollout\nspec:\n  strategy: {}\n";
        let node = doc(text);
        let ctx = Ctx { file: Arc::from("r.yaml"), schema: Schema::V2 };
        let root = View::root(&node, &ctx);
        let missing = root.path(&["spec", "strategy", "canary", "steps"]);
        assert!(!missing.present());
        assert_eq!(&text[missing.at().span.range()], "strategy");
        let kind = root.path(&["spec", "selector"]);
        assert_eq!(&text[kind.at().span.range()], "spec");
        assert_eq!(&text[root.get("metadata").at().span.range()], "Rollout");
    }

    #[test]
    fn nulls_are_absent_and_yaml_1_1_words_follow_the_schema() {
        let node = doc("kind: x\na: ~\nb: yes\n");
        let v2 = Ctx { file: Arc::from("r.yaml"), schema: Schema::V2 };
        let v3 = Ctx { file: Arc::from("r.yaml"), schema: Schema::V3 };
        assert!(!View::root(&node, &v2).get("a").present());
        assert!(View::root(&node, &v2).get("b").bool());
        assert_eq!(View::root(&node, &v3).get("b").str(), Some("yes"));
    }
}
