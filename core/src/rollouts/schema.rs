//! The Rollout field set, and the strict decoding `kubectl argo rollouts lint` applies.
//!
//! Lint decodes each Rollout with `yaml.UnmarshalStrict(..., DisallowUnknownFields)` into the Go
//! type of `pkg/apis/rollouts/v1alpha1/types.go`: an unknown field or a value of the wrong
//! JSON type aborts it before any rule runs. `schema.txt` is that type's field set, generated
//! by `scripts/gen-rollout-schema.py` from the CRD controller-gen derives from `types.go`
//! (argo-rollouts 9f8d111), with `metav1.ObjectMeta` where Go decodes one.
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

/// A field type of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ty {
    Str,
    Bool,
    Float,
    Int32,
    Int64,
    IntOrStr,
    Any,
    Obj(usize),
    List(Box<Ty>),
    Map(Box<Ty>),
}

#[derive(Debug)]
struct Table {
    root: Ty,
    /// Fields of each object type, sorted by name.
    objects: Vec<Vec<(&'static str, Ty)>>,
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
    CELL.get_or_init(|| parse_table(TABLE))
}

fn parse_table(text: &'static str) -> Table {
    let mut root = Ty::Any;
    let mut objects = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
        let mut words = line.split(' ');
        let head = words.next().unwrap_or_default();
        if head == "root" {
            root = parse_ty(words.next().unwrap_or("*"));
            continue;
        }
        let mut fields = Vec::new();
        for word in words {
            if let Some((name, ty)) = word.split_once('=') {
                fields.push((name, parse_ty(ty)));
            }
        }
        objects.push(fields);
    }
    Table { root, objects }
}

fn parse_ty(code: &str) -> Ty {
    match code {
        "s" => Ty::Str,
        "b" => Ty::Bool,
        "f" => Ty::Float,
        "i32" => Ty::Int32,
        "i64" => Ty::Int64,
        "io" => Ty::IntOrStr,
        _ => {
            if let Some(id) = code.strip_prefix('@') {
                return id.parse().map_or(Ty::Any, Ty::Obj);
            }
            if let Some(inner) = code.strip_prefix('[').and_then(|c| c.strip_suffix(']')) {
                return Ty::List(Box::new(parse_ty(inner)));
            }
            if let Some(inner) = code.strip_prefix('{').and_then(|c| c.strip_suffix('}')) {
                return Ty::Map(Box::new(parse_ty(inner)));
            }
            Ty::Any
        }
    }
}

/// Every field of a Rollout document that lint's strict decoding refuses.
pub(crate) fn check<'a>(root: &'a Node, fallback: Loc<'a>, schema: Schema) -> Vec<DecodeError<'a>> {
    let table = table();
    let mut out = Vec::new();
    let mut path = String::new();
    walk(table, root, &table.root, &mut path, fallback, schema, &mut out);
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

fn go_type(ty: &Ty) -> &'static str {
    match ty {
        Ty::Str => "string",
        Ty::Bool => "bool",
        Ty::Float => "float64",
        Ty::Int32 => "int32",
        Ty::Int64 => "int64",
        Ty::IntOrStr => "intstr.IntOrString",
        Ty::Any => "interface {}",
        Ty::Obj(_) => "struct",
        Ty::List(_) => "slice",
        Ty::Map(_) => "map",
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
    ty: &Ty,
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
    if kind == "null" || *ty == Ty::Any {
        return;
    }
    let ok = match ty {
        Ty::Str => kind == "string",
        Ty::Bool => kind == "bool",
        Ty::Float => kind == "number",
        Ty::Int32 => resolved.as_ref().is_some_and(|r| fits_int(r, 32)),
        Ty::Int64 => resolved.as_ref().is_some_and(|r| fits_int(r, 64)),
        Ty::IntOrStr => kind == "string" || resolved.as_ref().is_some_and(|r| fits_int(r, 32)),
        Ty::Obj(_) | Ty::Map(_) => kind == "object",
        Ty::List(_) => kind == "array",
        Ty::Any => true,
    };
    if !ok {
        let value = match (&node.body, kind) {
            (Body::Scalar(text), "number") => format!("number {text}"),
            _ => kind.to_string(),
        };
        let want = if *ty == Ty::IntOrStr { "int32" } else { go_type(ty) };
        out.push(DecodeError {
            field: path.clone(),
            detail: format!("json: cannot unmarshal {value} into Go value of type {want}"),
            at,
        });
        return;
    }
    match (ty, &node.body) {
        (Ty::Obj(id), Body::Map(entries)) => {
            let fields = table.objects.get(*id).map_or(&[][..], Vec::as_slice);
            for (key, value) in entries {
                let name = key.scalar().unwrap_or_default();
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
                let found = fields
                    .iter()
                    .find(|(f, _)| *f == name)
                    .or_else(|| fields.iter().find(|(f, _)| f.eq_ignore_ascii_case(name)));
                if let Some((_, field_ty)) = found {
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
        (Ty::Map(inner), Body::Map(entries)) => {
            for (key, value) in entries {
                let len = path.len();
                path.push('.');
                path.push_str(key.scalar().unwrap_or_default());
                walk(table, value, inner, path, at, schema, out);
                path.truncate(len);
            }
        }
        (Ty::List(inner), Body::Seq(items)) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(table, item, inner, path, at, schema, out);
                path.truncate(len);
            }
        }
        _ => {}
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
        assert!(matches!(t.root, Ty::Obj(_)));
        assert!(t.objects.len() > 100, "{}", t.objects.len());
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
