//! Typed reading of YAML nodes as Go decodes them into structs, with positions.
//!
//! Every configuration file the engine reads is decoded the way its Go tool decodes it, so
//! this lives beside the parser and serves kustomizations, `baton.yaml` and gates alike (each
//! caller picks its diagnostic code and message prefix). The model is kustomize's:
//! it turns a kustomization into JSON with go-yaml v2 (YAML 1.1: `yes` is `true`,
//! `1234567` a number) and decodes that into Go structs with unknown fields disallowed and
//! Go's case-insensitive field matching. So `newTag: 1234567` is an error there ("cannot
//! unmarshal number into Go struct field Image.images.newTag of type string"), and so it is
//! here, but pointing at the offending bytes. Every decoded value keeps its node's origin so
//! later stages can report and edit precisely.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::yaml::resolve::{Resolved, Schema, resolve};
use crate::yaml::{Body, Node, Origin};

/// A decoded value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spanned<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Spanned<T> {
    pub fn new(value: T, origin: Origin) -> Self {
        Spanned { value, origin }
    }

    pub fn span(&self) -> Span {
        self.origin.span
    }
}

impl Spanned<String> {
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// Collects decoding errors for one file; decoding goes on after an error so that a user
/// sees every problem at once.
#[derive(Debug)]
pub struct Decoder<'a> {
    pub file: &'a Arc<str>,
    pub errors: Vec<Diagnostic>,
    /// Code used for type errors (e.g. K002 for kustomization files).
    pub code: Code,
    /// Prefix of messages, e.g. "invalid Kustomization".
    pub prefix: &'static str,
    /// Ignore fields no struct declares, as `sigs.k8s.io/yaml.Unmarshal` (not strict) does.
    pub ignore_unknown: bool,
}

/// What a JSON decoder would call a YAML value's type after kustomize's YAML-to-JSON step
/// (go-yaml v2, YAML 1.1 rules): `object`, `array`, `bool`, `number`, `null` or `string`.
pub(crate) fn json_kind(node: &Node) -> &'static str {
    match &node.body {
        Body::Map(_) => "object",
        Body::Seq(_) => "array",
        Body::Scalar(s) => match resolve(Schema::V2, node.tag.as_deref(), node.style, s) {
            Ok(Resolved::Bool(_)) => "bool",
            Ok(Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_)) => "number",
            Ok(Resolved::Null) => "null",
            _ => "string",
        },
    }
}

impl<'a> Decoder<'a> {
    #[must_use]
    pub fn new(file: &'a Arc<str>, code: Code, prefix: &'static str) -> Self {
        Decoder { file, errors: Vec::new(), code, prefix, ignore_unknown: false }
    }

    pub fn error(&mut self, node: &Node, message: impl Into<String>) {
        let span = node.origin.span;
        self.errors.push(
            Diagnostic::new(self.code, format!("{}: {}", self.prefix, message.into()))
                .at(&**self.file, span),
        );
    }

    /// An error at an origin (for values already decoded).
    pub fn error_at(&mut self, origin: &Origin, message: impl Into<String>) {
        self.errors.push(
            Diagnostic::new(self.code, format!("{}: {}", self.prefix, message.into()))
                .at(&**self.file, origin.span),
        );
    }

    fn type_error(&mut self, node: &Node, field: &str, want: &str) {
        let kind = json_kind(node);
        self.error(
            node,
            format!("cannot unmarshal {kind} into Go struct field {field} of type {want}"),
        );
    }

    fn origin(node: &Node) -> Origin {
        node.origin.clone()
    }

    /// Whether the node is a YAML null (v2 rules), which decodes to the zero value.
    #[must_use]
    pub fn is_null(node: &Node) -> bool {
        json_kind(node) == "null"
    }

    /// The fields of a mapping, matched to `known` names as Go's JSON decoder does (exact
    /// match first, then case-insensitive); unknown fields are errors. Returns
    /// `(canonical name, key, value)`; `None` when the node is not a mapping (reported).
    pub fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[&'static str],
    ) -> Option<Vec<(&'static str, &'n Node, &'n Node)>> {
        let entries = match &node.body {
            Body::Map(entries) => entries,
            _ if Self::is_null(node) => return Some(Vec::new()),
            _ => {
                let kind = json_kind(node);
                self.error(node, format!("cannot unmarshal {kind} into Go value of type {what}"));
                return None;
            }
        };
        let mut out = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            let name = key.scalar().unwrap_or_default();
            let found = known
                .iter()
                .find(|k| **k == name)
                .or_else(|| known.iter().find(|k| k.eq_ignore_ascii_case(name)));
            match found {
                Some(canonical) => out.push((*canonical, key, value)),
                None if self.ignore_unknown => {}
                None => self.error(key, format!("json: unknown field {name:?}")),
            }
        }
        Some(out)
    }

    pub fn string(&mut self, node: &Node, field: &str) -> Option<Spanned<String>> {
        if let Body::Scalar(s) = &node.body {
            match json_kind(node) {
                "string" => return Some(Spanned::new(s.clone(), Self::origin(node))),
                "null" => return Some(Spanned::new(String::new(), Self::origin(node))),
                _ => {}
            }
        }
        self.type_error(node, field, "string");
        None
    }

    pub fn bool(&mut self, node: &Node, field: &str) -> Option<bool> {
        if let Body::Scalar(s) = &node.body {
            match resolve(Schema::V2, node.tag.as_deref(), node.style, s) {
                Ok(Resolved::Bool(b)) => return Some(b),
                Ok(Resolved::Null) => return Some(false),
                _ => {}
            }
        }
        self.type_error(node, field, "bool");
        None
    }

    pub fn int(&mut self, node: &Node, field: &str) -> Option<Spanned<i64>> {
        if let Body::Scalar(s) = &node.body {
            match resolve(Schema::V2, node.tag.as_deref(), node.style, s) {
                Ok(Resolved::Int(i)) => return Some(Spanned::new(i, Self::origin(node))),
                Ok(Resolved::Null) => return Some(Spanned::new(0, Self::origin(node))),
                #[allow(clippy::float_cmp)]
                Ok(Resolved::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                    return Some(Spanned::new(f as i64, Self::origin(node)));
                }
                Ok(Resolved::Float(_)) => {
                    let text = s.clone();
                    self.error(node, format!("cannot unmarshal number {text} into Go struct field {field} of type int64"));
                    return None;
                }
                _ => {}
            }
        }
        self.type_error(node, field, "int64");
        None
    }

    /// A list of strings (`null` is an empty list).
    pub fn strings(&mut self, node: &Node, field: &str) -> Vec<Spanned<String>> {
        match &node.body {
            Body::Seq(items) => items.iter().filter_map(|item| self.string(item, field)).collect(),
            _ if Self::is_null(node) => Vec::new(),
            _ => {
                self.type_error(node, field, "[]string");
                Vec::new()
            }
        }
    }

    /// A `map[string]string`, in written order (keys are always strings in JSON).
    pub fn string_map(
        &mut self,
        node: &Node,
        field: &str,
    ) -> Vec<(Spanned<String>, Spanned<String>)> {
        match &node.body {
            Body::Map(entries) => entries
                .iter()
                .filter_map(|(k, v)| {
                    let key = Spanned::new(k.scalar().unwrap_or_default().to_string(), Self::origin(k));
                    match &v.body {
                        Body::Scalar(s) if json_kind(v) == "string" => Some((key, Spanned::new(s.clone(), Self::origin(v)))),
                        Body::Scalar(_) if json_kind(v) == "null" => Some((key, Spanned::new(String::new(), Self::origin(v)))),
                        _ => {
                            let kind = json_kind(v);
                            self.error(v, format!("cannot unmarshal {kind} into Go struct field {field} of type string"));
                            None
                        }
                    }
                })
                .collect(),
            _ if Self::is_null(node) => Vec::new(),
            _ => {
                self.type_error(node, field, "map[string]string");
                Vec::new()
            }
        }
    }

    /// A list whose items are decoded by `item`.
    pub fn list<T>(
        &mut self,
        node: &Node,
        field: &str,
        mut item: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Vec<T> {
        // A plain loop over a non-generic check: this function is instantiated per item type
        // (iterator adapters would be too, in the wasm build).
        let items = self.items(node, field);
        let mut out = Vec::with_capacity(items.len());
        for n in items {
            if let Some(value) = item(self, n) {
                out.push(value);
            }
        }
        out
    }

    /// The items of a sequence; none for null, or a type error for anything else.
    fn items<'n>(&mut self, node: &'n Node, field: &str) -> &'n [Node] {
        if let Body::Seq(items) = &node.body {
            return items;
        }
        if !Self::is_null(node) {
            self.type_error(node, field, "[]object");
        }
        &[]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn doc(text: &str) -> Node {
        parse(&Arc::from("k.yaml"), text, &Limits::default()).documents.remove(0).root
    }

    #[test]
    fn numbers_are_not_strings_under_yaml_1_1() {
        let file: Arc<str> = Arc::from("k.yaml");
        let node = doc("newTag: 1234567\nname: yes\nok: abc\n");
        let mut d = Decoder::new(&file, Code::KustomizationInvalid, "invalid Kustomization");
        assert!(d.string(node.get("newTag").unwrap(), "Image.images.newTag").is_none());
        assert!(d.string(node.get("name").unwrap(), "Image.images.name").is_none());
        assert_eq!(d.string(node.get("ok").unwrap(), "x").unwrap().value, "abc");
        assert_eq!(
            d.errors[0].message,
            "invalid Kustomization: cannot unmarshal number into Go struct field Image.images.newTag of type string"
        );
        assert_eq!(
            d.errors[1].message,
            "invalid Kustomization: cannot unmarshal bool into Go struct field Image.images.name of type string"
        );
        assert_eq!(d.errors[0].span, Some(Span::new(8, 15)));
    }

    #[test]
    fn field_names_match_case_insensitively_and_unknown_fields_fail() {
        let file: Arc<str> = Arc::from("k.yaml");
        let node = doc("NamePrefix: a-\nbogus: 1\n");
        let mut d = Decoder::new(&file, Code::KustomizationInvalid, "invalid Kustomization");
        let fields = d.fields(&node, "Kustomization", &["namePrefix"]).unwrap();
        assert_eq!(fields.len(), 1);
        assert_eq!(fields[0].0, "namePrefix");
        assert_eq!(d.errors[0].message, "invalid Kustomization: json: unknown field \"bogus\"");
    }

    #[test]
    fn nulls_decode_to_zero_values() {
        let file: Arc<str> = Arc::from("k.yaml");
        let node = doc("a:\nb: ~\n");
        let mut d = Decoder::new(&file, Code::KustomizationInvalid, "x");
        assert_eq!(d.string(node.get("a").unwrap(), "f").unwrap().value, "");
        assert!(d.strings(node.get("b").unwrap(), "f").is_empty());
        assert!(d.errors.is_empty());
    }
}
