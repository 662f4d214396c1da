//! The Rollout field set, and the strict decoding `kubectl argo rollouts lint` applies.
//!
//! Lint decodes each Rollout with `yaml.UnmarshalStrict(..., DisallowUnknownFields)` into the Go
//! type of `pkg/apis/rollouts/v1alpha1/types.go`: an unknown field or a value of the wrong
//! JSON type aborts it before any rule runs. `schema.txt` is that type's field set, generated
//! by `scripts/gen-rollout-schema.py` from the CRD controller-gen derives from `types.go`
//! (argo-rollouts 9f8d111), with `metav1.ObjectMeta` where Go decodes one; `status`, which the
//! controller writes and manifests do not carry, is not checked.
//!
//! Table format: `root <type>`, then one line per object type, `@<id> <field>=<type> ...`.
//! Types: `s` string, `b` bool, `f` float64, `i32`/`i64` integers, `io` int-or-string, `*`
//! anything (preserved unknown fields), `@<id>` an object, `[T]` a list of T, `{T}` a map of T.
//! Unlike lint, which stops at the first problem, every problem is reported.

use std::sync::OnceLock;

use super::view::Loc;
use crate::yaml::resolve::{Resolved, Schema, resolve};
use crate::yaml::{Body, Node};

const TABLE: &str = include_str!("schema.txt");

/// The table, split: the root type and each object type's `name=type ...` line by id. Types
/// stay as their text codes (`s`, `[@3]`, ...), read where they are used.
#[derive(Debug)]
struct Table {
    root: &'static str,
    objects: Vec<&'static str>,
}

/// A field lint cannot decode: unknown, or of the wrong JSON type.
#[derive(Debug, Clone)]
pub(crate) struct DecodeError<'a> {
    pub field: String,
    pub detail: String,
    pub at: Loc<'a>,
}

fn table() -> &'static Table {
    static CELL: OnceLock<Table> = OnceLock::new();
    CELL.get_or_init(|| {
        let mut table = Table { root: "*", objects: Vec::new() };
        for line in TABLE.lines() {
            if let Some(root) = line.strip_prefix("root ") {
                table.root = root;
            } else if line.starts_with('@') {
                table.objects.push(line.split_once(' ').map_or("", |(_, fields)| fields));
            }
        }
        table
    })
}

/// The type code of field `name` in an object type's line: Go's match, exact then
/// case-insensitive.
fn field_type(fields: &'static str, name: &str) -> Option<&'static str> {
    let mut folded = None;
    for word in fields.split(' ') {
        if let Some((field, ty)) = word.split_once('=') {
            if field == name {
                return Some(ty);
            }
            if folded.is_none() && field.eq_ignore_ascii_case(name) {
                folded = Some(ty);
            }
        }
    }
    folded
}

/// Every field of a Rollout document that lint's strict decoding refuses.
pub(crate) fn check<'a>(root: &'a Node, fallback: Loc<'a>, schema: Schema) -> Vec<DecodeError<'a>> {
    let table = table();
    let mut out = Vec::new();
    let mut path = String::new();
    walk(table, root, table.root, &mut path, fallback, schema, &mut out);
    out
}

/// What Go's JSON decoder calls a value's type.
fn json_kind(node: &Node, schema: Schema) -> (&'static str, Option<Resolved>) {
    match &node.body {
        Body::Map(_) => ("object", None),
        Body::Seq(_) => ("array", None),
        Body::Scalar(text) => match resolve(schema, node.tag.as_deref(), node.style, text) {
            Ok(r @ Resolved::Null) => ("null", Some(r)),
            Ok(r @ Resolved::Bool(_)) => ("bool", Some(r)),
            Ok(r @ (Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_))) => {
                ("number", Some(r))
            }
            _ => ("string", None),
        },
    }
}

/// The Go type a type code decodes into, for messages.
fn go_type(ty: &str) -> &'static str {
    match ty.as_bytes().first() {
        Some(b'@') => "struct",
        Some(b'[') => "slice",
        Some(b'{') => "map",
        _ => match ty {
            "s" => "string",
            "b" => "bool",
            "f" => "float64",
            "i64" => "int64",
            // int32, and IntOrString, whose int side is an int32.
            _ => "int32",
        },
    }
}

/// Whether a number fits an integer field (JSON numbers with a fraction never do).
fn fits_int(resolved: &Resolved, bits: u32) -> bool {
    let (min, max) =
        if bits == 32 { (i64::from(i32::MIN), i64::from(i32::MAX)) } else { (i64::MIN, i64::MAX) };
    match resolved {
        Resolved::Int(i) => (min..=max).contains(i),
        #[allow(clippy::float_cmp, clippy::cast_precision_loss)]
        Resolved::Float(f) => f.fract() == 0.0 && *f >= min as f64 && *f <= max as f64,
        _ => false,
    }
}

fn walk<'a>(
    table: &Table,
    node: &'a Node,
    ty: &'static str,
    path: &mut String,
    parent: Loc<'a>,
    schema: Schema,
    out: &mut Vec<DecodeError<'a>>,
) {
    let at = match &node.origin.file {
        Some(file) => Loc { file, span: node.origin.span },
        None => parent,
    };
    let (kind, resolved) = json_kind(node, schema);
    if kind == "null" || ty == "*" {
        return;
    }
    let int = |bits| resolved.as_ref().is_some_and(|r| fits_int(r, bits));
    // What the container codes hold: `@id` an object, `[T]` a list, `{T}` a map.
    let inner = ty.get(1..ty.len().saturating_sub(1)).unwrap_or_default();
    let ok = match ty.as_bytes().first() {
        Some(b'@' | b'{') => kind == "object",
        Some(b'[') => kind == "array",
        _ => match ty {
            "s" => kind == "string",
            "b" => kind == "bool",
            "f" => kind == "number",
            "i64" => int(64),
            "io" => kind == "string" || int(32),
            _ => int(32),
        },
    };
    if !ok {
        let value = match (&node.body, kind) {
            (Body::Scalar(text), "number") => format!("number {text}"),
            _ => kind.to_string(),
        };
        out.push(DecodeError {
            field: path.clone(),
            detail: format!("json: cannot unmarshal {value} into Go value of type {}", go_type(ty)),
            at,
        });
        return;
    }
    match &node.body {
        Body::Map(entries) if ty.starts_with('@') => {
            let fields = ty[1..].parse().ok().and_then(|id: usize| table.objects.get(id)).copied();
            for (key, value) in entries {
                let name = key.scalar().unwrap_or_default();
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
                if let Some(field_ty) = field_type(fields.unwrap_or_default(), name) {
                    walk(table, value, field_ty, path, at, schema, out);
                } else {
                    let key_at = match &key.origin.file {
                        Some(file) => Loc { file, span: key.origin.span },
                        None => at,
                    };
                    out.push(DecodeError {
                        field: path.clone(),
                        detail: format!("json: unknown field {name:?}"),
                        at: key_at,
                    });
                }
                path.truncate(len);
            }
        }
        Body::Map(entries) => {
            for (key, value) in entries {
                let len = path.len();
                path.push('.');
                path.push_str(key.scalar().unwrap_or_default());
                walk(table, value, inner, path, at, schema, out);
                path.truncate(len);
            }
        }
        Body::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(table, item, inner, path, at, schema, out);
                path.truncate(len);
            }
        }
        Body::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::Span;
    use crate::yaml::{Limits, parse};

    fn errors(text: &str) -> Vec<(String, String)> {
        let file: Arc<str> = Arc::from("r.yaml");
        let node = parse(&file, text, &Limits::default()).documents.remove(0).root;
        let fallback = Loc { file: &file, span: Span::default() };
        check(&node, fallback, Schema::V2).into_iter().map(|e| (e.field, e.detail)).collect()
    }

    #[test]
    fn the_table_covers_the_rollout_type() {
        let t = table();
        assert!(t.root.starts_with('@'));
        assert!(t.objects.len() > 100, "{}", t.objects.len());
        assert_eq!(
            field_type(t.objects[t.root[1..].parse::<usize>().unwrap()], "SPEC").map(|s| &s[..1]),
            Some("@")
        );
    }

    #[test]
    fn unknown_fields_are_reported_where_they_are() {
        // argo-rollouts 9f8d111 pkg/kubectl-argo-rollouts/cmd/lint/lint_test.go: an unknown
        // field aborts lint with `json: unknown field "unknown-strategy"`.
        let e = errors(
            "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: a}\nspec:\n  strategy:\n    unknown-strategy: {}\n    canary:\n      steps:\n      - setWeight: 10\n        bogus: 1\n",
        );
        assert_eq!(
            e,
            vec![
                (
                    "spec.strategy.unknown-strategy".into(),
                    "json: unknown field \"unknown-strategy\"".into()
                ),
                (
                    "spec.strategy.canary.steps[0].bogus".into(),
                    "json: unknown field \"bogus\"".into()
                ),
            ]
        );
    }

    #[test]
    fn wrong_types_and_out_of_range_integers_are_refused() {
        let e = errors(
            "kind: Rollout\nspec:\n  replicas: 3000000000\n  paused: maybe\n  minReadySeconds: 1.5\n  strategy:\n    canary:\n      maxSurge: true\n      steps: {}\n",
        );
        assert_eq!(
            e,
            vec![
                (
                    "spec.replicas".into(),
                    "json: cannot unmarshal number 3000000000 into Go value of type int32".into()
                ),
                (
                    "spec.paused".into(),
                    "json: cannot unmarshal string into Go value of type bool".into()
                ),
                (
                    "spec.minReadySeconds".into(),
                    "json: cannot unmarshal number 1.5 into Go value of type int32".into()
                ),
                (
                    "spec.strategy.canary.maxSurge".into(),
                    "json: cannot unmarshal bool into Go value of type int32".into()
                ),
                (
                    "spec.strategy.canary.steps".into(),
                    "json: cannot unmarshal object into Go value of type slice".into()
                ),
            ]
        );
    }

    #[test]
    fn metadata_is_object_meta_and_preserved_fields_take_anything() {
        let e = errors(
            "kind: Rollout\nmetadata:\n  name: a\n  labels: {x: z}\n  creationTimestamp: null\n  nickname: b\nspec:\n  template:\n    metadata: {name: t, annotations: {a: b}}\n    spec:\n      containers: [{name: c, resources: {limits: {cpu: 1}}}]\n      volumes: [{anything: {goes: here}}]\n  strategy:\n    canary:\n      trafficRouting:\n        plugins: {my/plugin: {x: 1}}\n",
        );
        assert_eq!(
            e,
            vec![("metadata.nickname".into(), "json: unknown field \"nickname\"".into())]
        );
    }

    #[test]
    fn field_names_match_case_insensitively_as_in_go() {
        assert!(
            errors("kind: Rollout\nspec:\n  Replicas: 2\n  STRATEGY: {canary: {}}\n").is_empty()
        );
    }
}
