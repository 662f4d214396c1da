//! RFC 6902 JSON patch as kustomize applies it: `evanphx/json-patch` v4 on the JSON form of
//! the resource (kustomize's `patchjson6902` filter), then back to YAML.
//!
//! The library's behaviour is followed, not the RFC's where they differ:
//!
//! - `replace` of a missing object key adds it; `test` of a missing (or null) value against
//!   `null` passes; a path that does not start with `/` has its first segment ignored.
//! - Array indices may be negative (`-1` is the last element; for `add`, `-1` appends) and may
//!   have leading zeros or a `+`; `-` appends for `add`; an index past the end is an error,
//!   except `add` at exactly the length.
//! - A missing `value` is `null`.
//! - Error messages are the library's, word for word (`add operation does not apply: doc is
//!   missing path: "/a/b": missing value`).
//!
//! The JSON round trip has visible effects, which [`value`] reproduces: every number of the
//! patched resource becomes a Go `float64` (`1000000` is stored as `1e+06`, and integers past
//! 2^53 lose digits), timestamps become RFC 3339 strings, keys are sorted. A patch written in
//! YAML is typed by YAML 1.1 (`value: yes` adds `true`); one written in JSON is strict JSON.
//!
//! Values inserted by the patch keep the origins of the patch's nodes, and untouched values
//! keep the resource's, so provenance survives the round trip.

pub mod value;

use std::sync::Arc;

use self::value::{Key, Kind, Value, json_equal};
use super::PatchError;
use crate::yaml::{Node, Origin, Style};

/// Largest document (in values) a patch may build, against `copy` loops that double it.
const MAX_VALUES: usize = 2_000_000;

/// One operation, decoded as lazily and as leniently as json-patch does.
#[derive(Debug, Clone, PartialEq)]
pub struct Op {
    /// The `op` string, or `unknown` when missing or not a string.
    kind: String,
    path: Field,
    from: Field,
    /// `None` when the operation has no `value` key (which json-patch treats as `null`).
    value: Option<Value>,
    origin: Origin,
}

/// A `path` or `from` member.
#[derive(Debug, Clone, PartialEq)]
enum Field {
    Missing,
    /// Present but not a string: the JSON type it has.
    NotString(&'static str),
    Text(String, Origin),
}

/// How the patch text was written: kustomize decodes text starting with `[` as JSON and
/// anything else as YAML (then converts it to JSON with YAML 1.1 typing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Json,
    Yaml,
}

impl Op {
    #[must_use]
    pub fn kind(&self) -> &str {
        &self.kind
    }

    #[must_use]
    pub fn origin(&self) -> &Origin {
        &self.origin
    }
}

/// Reads the operations of a patch document. A flow-style sequence (`[...]`) is read as JSON
/// when it is strict JSON and as YAML otherwise; use [`parse_ops_as`] when the text is at
/// hand, to decide as kustomize does.
pub fn parse_ops(file: &Arc<str>, doc: &Node) -> Result<Vec<Op>, PatchError> {
    if doc.style == Style::Flow
        && let Some(value) = Value::from_json_patch(doc)
    {
        return ops_of(file, value);
    }
    parse_ops_as(file, doc, Syntax::Yaml)
}

/// Reads the operations of a patch document written in the given syntax.
pub fn parse_ops_as(file: &Arc<str>, doc: &Node, syntax: Syntax) -> Result<Vec<Op>, PatchError> {
    let value = match syntax {
        Syntax::Json => Value::from_json_patch(doc).ok_or_else(|| {
            PatchError::new("the JSON patch is not valid JSON").at(&origin_in(file, &doc.origin))
        })?,
        Syntax::Yaml => Value::from_yaml_patch(doc)?,
    };
    ops_of(file, value)
}

fn origin_in(file: &Arc<str>, origin: &Origin) -> Origin {
    if origin.file.is_some() { origin.clone() } else { Origin::new(file, origin.span) }
}

/// `jsonpatch.DecodePatch`: an array of objects (`null` is an empty patch).
fn ops_of(file: &Arc<str>, doc: Value) -> Result<Vec<Op>, PatchError> {
    let at = origin_in(file, &doc.origin);
    let items = match doc.kind {
        Kind::Array(items) => items,
        Kind::Null => return Ok(Vec::new()),
        _ => {
            let message = format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
                doc.type_name()
            );
            return Err(PatchError::new(message).at(&at));
        }
    };
    let mut ops = Vec::with_capacity(items.len());
    for item in items {
        ops.push(op_of(file, item)?);
    }
    Ok(ops)
}

fn op_of(file: &Arc<str>, item: Value) -> Result<Op, PatchError> {
    let origin = origin_in(file, &item.origin);
    let members = match item.kind {
        Kind::Object(members) => members,
        Kind::Null => Vec::new(),
        _ => {
            let message = format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                item.type_name()
            );
            return Err(PatchError::new(message).at(&origin));
        }
    };
    let member = |name: &str| members.iter().rev().find(|(k, _)| k.name == name).map(|(_, v)| v);
    let kind = match member("op").map(|v| &v.kind) {
        Some(Kind::String(s)) => s.clone(),
        _ => "unknown".to_string(),
    };
    let field = |name: &str| match member(name) {
        None => Field::Missing,
        Some(v) => match &v.kind {
            Kind::Null => Field::Missing,
            Kind::String(s) => Field::Text(s.clone(), origin_in(file, &v.origin)),
            _ => Field::NotString(v.type_name()),
        },
    };
    Ok(Op {
        kind,
        path: field("path"),
        from: field("from"),
        value: member("value").cloned(),
        origin,
    })
}

/// Applies the operations to a resource, as kustomize does (all or nothing: on error the
/// resource is unchanged).
pub fn apply(target: &mut Node, ops: &[Op]) -> Result<(), PatchError> {
    let mut doc = Value::from_resource(target)?;
    let mut size = count(&doc);
    for op in ops {
        apply_op(&mut doc, op, &mut size)
            .map_err(|e| if e.origin.is_some() { e } else { e.at(&op.origin) })?;
    }
    if !matches!(doc.kind, Kind::Object(_)) {
        let message = format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            doc.type_name()
        );
        return Err(PatchError::new(message));
    }
    *target = doc.into_node()?;
    Ok(())
}

/// Applies the operations as kustomize's patch transformers do to a resource in a build.
///
/// kustomize keeps build annotations in `metadata.annotations` while it works, and a JSON
/// patch sees them: before a `patches:` JSON patch it stores the resource's previous ids there
/// (`internal.config.kubernetes.io/previousNames`, `.../previousNamespaces` and
/// `.../previousKinds`, comma-separated histories, the namespace being `default` when unset and
/// `_non_namespaceable_` for cluster-scoped kinds), so `add /metadata/annotations/x` works on a
/// resource that has no annotations. Pass those (and any other build annotations the resource
/// carries) as `build_annotations`.
///
/// Afterwards kustomize rewrites `metadata.annotations` as a map of strings (a number added by
/// the patch becomes its text) and, once the build annotations are gone, drops the field if it
/// is empty. This does the same, so the result is what later transformers see.
pub fn apply_to_resource(
    target: &mut Node,
    ops: &[Op],
    build_annotations: &[(String, String)],
) -> Result<(), PatchError> {
    let mut working = target.clone();
    if !build_annotations.is_empty()
        && let Some(annotations) = working.ensure_map(&["metadata", "annotations"])
    {
        for (key, value) in build_annotations {
            annotations.set(key, Node::string(value.clone()));
        }
    }
    apply(&mut working, ops)?;
    rewrite_annotations(&mut working, build_annotations);
    *target = working;
    Ok(())
}

/// `res.SetAnnotations(res.GetAnnotations())` without the build annotations: string values,
/// sorted keys, no field at all when empty.
fn rewrite_annotations(node: &mut Node, build_annotations: &[(String, String)]) {
    let Some(meta) = node.get_mut("metadata").filter(|m| m.is_map()) else { return };
    let Some(old) = meta.remove("annotations") else { return };
    let mut entries: Vec<(Node, Node)> = Vec::new();
    for (k, v) in old.as_map().unwrap_or_default() {
        if build_annotations.iter().any(|(b, _)| k.scalar() == Some(b.as_str())) {
            continue;
        }
        let key = Node::string(k.scalar().unwrap_or_default()).with_origin(k.origin.clone());
        let value = Node::string(v.scalar().unwrap_or_default()).with_origin(v.origin.clone());
        entries.push((key, value));
    }
    if entries.is_empty() {
        return;
    }
    crate::sort::sort_by(&mut entries, |(a, _), (b, _)| a.scalar().cmp(&b.scalar()));
    let mut annotations = Node::map().with_origin(old.origin);
    if let Some(out) = annotations.as_map_mut() {
        *out = entries;
    }
    meta.set("annotations", annotations);
}

fn apply_op(doc: &mut Value, op: &Op, size: &mut usize) -> Result<(), PatchError> {
    match op.kind.as_str() {
        "add" => add(doc, op),
        "remove" => remove(doc, op),
        "replace" => replace(doc, op),
        "move" => move_op(doc, op),
        "test" => test(doc, op),
        "copy" => copy(doc, op, size),
        other => Err(PatchError::new(format!("Unexpected kind: {other}"))),
    }
}

/// The operation's value as the library inserts it (`null` when missing).
fn value_of(op: &Op) -> Value {
    op.value.clone().unwrap_or_else(|| Value::new(Kind::Null, op.origin.clone()))
}

/// `Operation.Path()` / `From()`: the string, or the library's error text.
fn text_of<'a>(field: &'a Field, name: &str) -> Result<(&'a str, &'a Origin), String> {
    match field {
        Field::Text(s, origin) => Ok((s, origin)),
        Field::Missing if name == "path" => {
            Err("operation missing path field: missing value".into())
        }
        Field::Missing => Err("operation, missing from field: missing value".into()),
        Field::NotString(t) => {
            Err(format!("json: cannot unmarshal {t} into Go value of type string"))
        }
    }
}

fn fail(message: String, origin: &Origin) -> PatchError {
    PatchError::new(message).at(origin)
}

fn add(doc: &mut Value, op: &Op) -> Result<(), PatchError> {
    let (path, at) = text_of(&op.path, "path")
        .map_err(|_| PatchError::new("add operation failed to decode path: missing value"))?;
    let Some((con, key)) = find_object(doc, path) else {
        return Err(fail(
            format!("add operation does not apply: doc is missing path: \"{path}\": missing value"),
            at,
        ));
    };
    let value = value_of(op);
    let depth = depth_of(&value);
    container_add(con, &key, value, at)
        .map_err(|e| fail(format!("error in add for path: '{path}': {e}"), at))?;
    check_depth(path, depth, at)
}

fn remove(doc: &mut Value, op: &Op) -> Result<(), PatchError> {
    let (path, at) = text_of(&op.path, "path")
        .map_err(|_| PatchError::new("remove operation failed to decode path: missing value"))?;
    let Some((con, key)) = find_object(doc, path) else {
        return Err(fail(
            format!(
                "remove operation does not apply: doc is missing path: \"{path}\": missing value"
            ),
            at,
        ));
    };
    container_remove(con, &key)
        .map(drop)
        .map_err(|e| fail(format!("error in remove for path: '{path}': {e}"), at))
}

fn replace(doc: &mut Value, op: &Op) -> Result<(), PatchError> {
    let (path, at) = text_of(&op.path, "path")
        .map_err(|e| PatchError::new(format!("replace operation failed to decode path: {e}")))?;
    if path.is_empty() {
        return replace_document(doc, op, at);
    }
    let Some((con, key)) = find_object(doc, path) else {
        return Err(fail(
            format!("replace operation does not apply: doc is missing path: {path}: missing value"),
            at,
        ));
    };
    if container_get(con, &key).is_err() {
        return Err(fail(
            format!("replace operation does not apply: doc is missing key: {path}: missing value"),
            at,
        ));
    }
    let value = value_of(op);
    let depth = depth_of(&value);
    container_set(con, &key, value, at)
        .map_err(|e| fail(format!("error in remove for path: '{path}': {e}"), at))?;
    check_depth(path, depth, at)
}

/// `replace` at the empty path swaps the whole document for an object or array.
fn replace_document(doc: &mut Value, op: &Op, at: &Origin) -> Result<(), PatchError> {
    match &op.value {
        Some(v) if matches!(v.kind, Kind::Object(_) | Kind::Array(_)) => {
            *doc = v.clone();
            Ok(())
        }
        _ => Err(fail("replace operation value must be object or array: %!w(<nil>)".into(), at)),
    }
}

fn move_op(doc: &mut Value, op: &Op) -> Result<(), PatchError> {
    let (from, from_at) = text_of(&op.from, "from")
        .map_err(|e| PatchError::new(format!("move operation failed to decode from: {e}")))?;
    let Some((con, key)) = find_object(doc, from) else {
        return Err(fail(
            format!(
                "move operation does not apply: doc is missing from path: {from}: missing value"
            ),
            from_at,
        ));
    };
    container_get(con, &key)
        .map_err(|e| fail(format!("error in move for path: '{key}': {e}"), from_at))?;
    let moved = container_remove(con, &key)
        .map_err(|e| fail(format!("error in move for path: '{key}': {e}"), from_at))?;
    let (path, at) = text_of(&op.path, "path")
        .map_err(|e| PatchError::new(format!("move operation failed to decode path: {e}")))?;
    let Some((con, key)) = find_object(doc, path) else {
        return Err(fail(
            format!(
                "move operation does not apply: doc is missing destination path: {path}: missing value"
            ),
            at,
        ));
    };
    let depth = depth_of(&moved);
    container_add(con, &key, moved, at)
        .map_err(|e| fail(format!("error in move for path: '{path}': {e}"), at))?;
    check_depth(path, depth, at)
}

fn test(doc: &mut Value, op: &Op) -> Result<(), PatchError> {
    let (path, at) = text_of(&op.path, "path")
        .map_err(|e| PatchError::new(format!("test operation failed to decode path: {e}")))?;
    let failed = || fail(format!("testing value {path} failed: test failed"), at);
    if path.is_empty() {
        return match &op.value {
            Some(v) if json_equal(doc, v) => Ok(()),
            _ => Err(failed()),
        };
    }
    let Some((con, key)) = find_object(doc, path) else {
        return Err(fail(
            format!("test operation does not apply: is missing path: {path}: missing value"),
            at,
        ));
    };
    let found = container_get(con, &key)
        .map_err(|e| fail(format!("error in test for path: '{path}': {e}"), at))?;
    match (found.filter(|v| !v.is_null()), &op.value) {
        (None, None) => Ok(()),
        (None, Some(v)) if v.is_null() => Ok(()),
        (Some(found), Some(v)) if json_equal(found, v) => Ok(()),
        _ => Err(failed()),
    }
}

fn copy(doc: &mut Value, op: &Op, size: &mut usize) -> Result<(), PatchError> {
    let (from, from_at) = text_of(&op.from, "from")
        .map_err(|e| PatchError::new(format!("copy operation failed to decode from: {e}")))?;
    let Some((con, key)) = find_object(doc, from) else {
        return Err(fail(
            format!(
                "copy operation does not apply: doc is missing from path: {from}: missing value"
            ),
            from_at,
        ));
    };
    let copied = container_get(con, &key)
        .map_err(|e| fail(format!("error in copy for from: '{from}': {e}"), from_at))?
        .cloned()
        .unwrap_or_else(|| Value::new(Kind::Null, op.origin.clone()));
    *size += count(&copied);
    if *size > MAX_VALUES {
        return Err(fail(
            format!("JSON patch makes the document larger than {MAX_VALUES} values"),
            from_at,
        ));
    }
    let (path, at) = text_of(&op.path, "path")
        .map_err(|_| PatchError::new("copy operation failed to decode path: missing value"))?;
    let Some((con, key)) = find_object(doc, path) else {
        return Err(fail(
            format!(
                "copy operation does not apply: doc is missing destination path: {path}: missing value"
            ),
            at,
        ));
    };
    let depth = depth_of(&copied);
    container_add(con, &key, copied, at)
        .map_err(|e| fail(format!("error while adding value during copy: {e}"), at))?;
    check_depth(path, depth, at)
}

/// `findObject`: the container holding the path's last segment, and that segment decoded.
/// Every segment before the last must name an existing object or array.
fn find_object<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    let (last, parents) = split.split_last()?;
    let parents = parents.get(1..)?;
    let mut current = doc;
    for part in parents {
        let next = container_get_mut(current, &decode_key(part))?;
        if !matches!(next.kind, Kind::Object(_) | Kind::Array(_)) {
            return None;
        }
        current = next;
    }
    Some((current, decode_key(last)))
}

/// RFC 6901 unescaping: `~1` is `/`, `~0` is `~`, in one left-to-right pass.
fn decode_key(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    let mut chars = part.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// `container.get` for traversal: `None` for a missing, null or unreachable child.
fn container_get_mut<'a>(con: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    let child = match &mut con.kind {
        Kind::Object(members) => members.iter_mut().find(|(k, _)| k.name == key).map(|(_, v)| v),
        Kind::Array(items) => {
            let len = items.len();
            let i = array_index(key, len).ok()?;
            items.get_mut(i)
        }
        _ => None,
    }?;
    (!child.is_null()).then_some(child)
}

/// `container.get`: an object's member (`None` if absent), or an array's element.
fn container_get<'a>(con: &'a Value, key: &str) -> Result<Option<&'a Value>, String> {
    match &con.kind {
        Kind::Object(members) => Ok(members.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)),
        Kind::Array(items) => {
            let i = array_index(key, items.len())?;
            Ok(items.get(i))
        }
        _ => Ok(None),
    }
}

/// `partialArray.get`'s index rules: negative counts from the end; past the end is an error.
fn array_index(key: &str, len: usize) -> Result<usize, String> {
    let idx = go_atoi(key)?;
    let adjusted = if idx < 0 { checked_from_end(idx, len)? } else { idx };
    usize::try_from(adjusted).ok().filter(|&i| i < len).ok_or_else(|| invalid_index(adjusted))
}

fn checked_from_end(idx: i64, len: usize) -> Result<i64, String> {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    if idx < -len { Err(invalid_index(idx)) } else { Ok(idx + len) }
}

fn invalid_index(idx: i64) -> String {
    format!("Unable to access invalid index: {idx}: invalid index referenced")
}

/// Go's `strconv.Atoi`, with its error text.
fn go_atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {s:?}: invalid syntax"));
    }
    s.strip_prefix('+')
        .unwrap_or(s)
        .parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {s:?}: value out of range"))
}

/// `container.add`: sets an object member, or inserts into an array (`-` appends).
fn container_add(con: &mut Value, key: &str, value: Value, at: &Origin) -> Result<(), String> {
    match &mut con.kind {
        Kind::Object(members) => {
            set_member(members, key, value, at);
            Ok(())
        }
        Kind::Array(items) => {
            if key == "-" {
                items.push(value);
                return Ok(());
            }
            let idx = go_atoi(key)
                .map_err(|e| format!("value was not a proper array index: '{key}': {e}"))?;
            let size = items.len() + 1;
            let adjusted = if idx < 0 { checked_from_end(idx, size)? } else { idx };
            let i = usize::try_from(adjusted)
                .ok()
                .filter(|&i| i < size)
                .ok_or_else(|| invalid_index(idx))?;
            items.insert(i, value);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// `container.set` (for `replace`, after `get` succeeded).
fn container_set(con: &mut Value, key: &str, value: Value, at: &Origin) -> Result<(), String> {
    match &mut con.kind {
        Kind::Object(members) => {
            set_member(members, key, value, at);
            Ok(())
        }
        Kind::Array(items) => {
            let i = array_index(key, items.len())?;
            if let Some(slot) = items.get_mut(i) {
                *slot = value;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// `container.remove`, returning what was removed.
fn container_remove(con: &mut Value, key: &str) -> Result<Value, String> {
    match &mut con.kind {
        Kind::Object(members) => match members.iter().position(|(k, _)| k.name == key) {
            Some(i) => Ok(members.remove(i).1),
            None => Err(format!("Unable to remove nonexistent key: {key}: missing value")),
        },
        Kind::Array(items) => {
            let idx = go_atoi(key)?;
            let adjusted = if idx < 0 { checked_from_end(idx, items.len())? } else { idx };
            let i = usize::try_from(adjusted)
                .ok()
                .filter(|&i| i < items.len())
                .ok_or_else(|| invalid_index(idx))?;
            Ok(items.remove(i))
        }
        _ => Err(format!("Unable to remove nonexistent key: {key}: missing value")),
    }
}

/// Sets an object member in place, or adds it with the path as the key's origin.
fn set_member(members: &mut Vec<(Key, Value)>, key: &str, value: Value, at: &Origin) {
    match members.iter_mut().find(|(k, _)| k.name == key) {
        Some((_, slot)) => *slot = value,
        None => members.push((Key { name: key.to_string(), origin: at.clone() }, value)),
    }
}

/// Refuses a document that an insertion made deeper than [`value::MAX_DEPTH`] (json-patch has
/// no limit, but the recursion in cloning and comparing values needs one).
fn check_depth(path: &str, value_depth: usize, at: &Origin) -> Result<(), PatchError> {
    if path.split('/').count() + value_depth > value::MAX_DEPTH {
        return Err(fail(
            format!("JSON patch nests the document deeper than {} levels", value::MAX_DEPTH),
            at,
        ));
    }
    Ok(())
}

/// Nesting depth of a value (1 for a scalar), without recursion.
fn depth_of(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 1)];
    while let Some((v, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        match &v.kind {
            Kind::Array(items) => {
                for item in items {
                    stack.push((item, depth + 1));
                }
            }
            Kind::Object(members) => {
                for (_, member) in members {
                    stack.push((member, depth + 1));
                }
            }
            _ => {}
        }
    }
    deepest
}

/// Number of values in a tree.
fn count(value: &Value) -> usize {
    let mut total = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        total += 1;
        match &v.kind {
            Kind::Array(items) => {
                for item in items {
                    stack.push(item);
                }
            }
            Kind::Object(members) => {
                for (_, member) in members {
                    stack.push(member);
                }
            }
            _ => {}
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_keys_unescape_once() {
        assert_eq!(decode_key("a~1b"), "a/b");
        assert_eq!(decode_key("a~0b"), "a~b");
        assert_eq!(decode_key("~01"), "~1");
        assert_eq!(decode_key("~"), "~");
    }

    #[test]
    fn atoi_follows_go() {
        assert_eq!(go_atoi("01"), Ok(1));
        assert_eq!(go_atoi("+2"), Ok(2));
        assert_eq!(go_atoi("-1"), Ok(-1));
        assert_eq!(go_atoi("x"), Err("strconv.Atoi: parsing \"x\": invalid syntax".into()));
        assert_eq!(go_atoi("-"), Err("strconv.Atoi: parsing \"-\": invalid syntax".into()));
        assert!(
            go_atoi("99999999999999999999").expect_err("too big").ends_with("value out of range")
        );
    }

    #[test]
    fn array_indices() {
        assert_eq!(array_index("-1", 3), Ok(2));
        assert!(array_index("-4", 3).is_err());
        assert!(array_index("3", 3).is_err());
    }
}

#[cfg(test)]
mod origin_tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn doc(file: &str, text: &str) -> Node {
        let file: Arc<str> = Arc::from(file);
        let parsed = parse(&file, text, &Limits::default());
        assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
        parsed.documents.into_iter().next().map_or_else(Node::null, |d| d.root)
    }

    const TARGET: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: x\nspec:\n  big: 1000000\n  when: 2021-03-04\n";

    #[test]
    fn values_keep_origins_and_numbers_become_go_floats() {
        let mut target = doc("base/cm.yaml", TARGET);
        let patch_text = "- op: add\n  path: /data/b\n  value: hello\n";
        let file: Arc<str> = Arc::from("overlay/patch.yaml");
        let ops = parse_ops(&file, &doc("overlay/patch.yaml", patch_text)).expect("ops");
        apply(&mut target, &ops).expect("applies");
        let b = target.path(&["data", "b"]).cloned().unwrap_or_else(Node::null);
        assert_eq!(b.as_str(), Some("hello"));
        assert_eq!(b.origin.file.as_deref(), Some("overlay/patch.yaml"));
        assert_eq!(&patch_text[b.origin.span.range()], "hello");
        let a = target.path(&["data", "a"]).cloned().unwrap_or_else(Node::null);
        assert_eq!(a.origin.file.as_deref(), Some("base/cm.yaml"));
        assert_eq!(target.path(&["spec", "big"]).and_then(Node::scalar), Some("1e+06"));
        assert_eq!(
            target.path(&["spec", "when"]).and_then(Node::as_str),
            Some("2021-03-04T00:00:00Z")
        );
    }

    #[test]
    fn json_text_keeps_its_number_spelling_for_test() {
        let file: Arc<str> = Arc::from("p.json");
        let json = doc("p.json", r#"[{"op": "test", "path": "/spec/big", "value": 1000000.0}]"#);
        let ops = parse_ops(&file, &json).expect("ops");
        let mut target = doc("t.yaml", TARGET);
        let err = apply(&mut target, &ops).expect_err("1000000.0 is not 1000000 as JSON text");
        assert_eq!(err.to_string(), "testing value /spec/big failed: test failed");
        let yaml = doc("p.yaml", "- {op: test, path: /spec/big, value: 1000000.0}\n");
        let ops = parse_ops(&file, &yaml).expect("ops");
        assert_eq!(apply(&mut target, &ops), Ok(()));
    }

    #[test]
    fn errors_name_the_operation_and_leave_the_target_alone() {
        let mut target = doc("t.yaml", TARGET);
        let before = target.clone();
        let file: Arc<str> = Arc::from("p.yaml");
        let ops = parse_ops(
            &file,
            &doc("p.yaml", "- op: add\n  path: /data/b\n  value: 1\n- op: remove\n  path: /nope\n"),
        )
        .expect("ops");
        let err = apply(&mut target, &ops).expect_err("remove of a missing key");
        assert_eq!(
            err.to_string(),
            "error in remove for path: '/nope': Unable to remove nonexistent key: nope: missing value"
        );
        assert_eq!(err.origin().and_then(|o| o.file.as_deref()), Some("p.yaml"));
        assert_eq!(target, before);
        let not_ops = parse_ops(&file, &doc("p.yaml", "op: add\n"));
        assert_eq!(
            not_ops.map_err(|e| e.message),
            Err("json: cannot unmarshal object into Go value of type jsonpatch.Patch".to_string())
        );
    }
}
