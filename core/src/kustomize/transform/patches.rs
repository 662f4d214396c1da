//! `patchesStrategicMerge`, `patches` and `patchesJson6902`: reading patches and choosing
//! what they apply to. The merge and JSON-patch algorithms live in `kustomize::patch`.
//!
//! A patch may sit in a file or inline in the kustomization. Inline patches are parsed on
//! their own, then their spans are mapped back into the kustomization file (exactly for
//! `|` block scalars, to the whole scalar otherwise), so an image set by an inline patch
//! still has a real place in a real file.

use std::sync::Arc;

use super::fail_at;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::kustomize::context::{Accumulator, Builder, Built};
use crate::kustomize::kustomization::{Kustomization, Patch, Selector, Str};
use crate::kustomize::patch::schema::OpenApi;
use crate::kustomize::patch::{MergeOutcome, json6902, strategic};
use crate::kustomize::resid::ResId;
use crate::kustomize::resource::Resource;
use crate::kustomize::select::Matcher;
use crate::yaml::{Body, Document, Limits, Node, Origin, Style, parse};

/// A patch as loaded: either strategic-merge objects or JSON 6902 operations.
enum Loaded {
    Strategic(Vec<Node>),
    Json(Vec<json6902::Op>),
}

/// `patchesStrategicMerge:` — each entry is a file path or an inline patch; each patch
/// object applies to the resource with its id.
pub fn strategic_merge_legacy(
    b: &mut Builder,
    dir: &str,
    k: &Kustomization,
    acc: &mut Accumulator,
) -> Built<()> {
    let mut loaded = Vec::new();
    for entry in &k.patches_strategic_merge {
        let docs = if let Some(docs) = inline_documents(b, k, entry) {
            docs
        } else {
            let path = b.resolve_file(dir, k, entry)?;
            file_documents(b, &path, (k.file.as_str(), entry.span()))?
        };
        for doc in docs {
            validate_patch_object(b, &doc)?;
            loaded.push((doc, entry.origin.clone()));
        }
    }
    for (patch, origin) in loaded {
        let id = patch_id(&patch);
        let target = unique_target(b, k, acc, &id, &origin)?;
        apply_strategic(b, k, acc, &[target], &patch, &origin, false, false)?;
    }
    Ok(())
}

/// `patches:` — strategic-merge or JSON 6902, with an optional target selector.
pub fn patches(b: &mut Builder, dir: &str, k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    for patch in &k.patches {
        let loaded = load_patch(b, dir, k, patch)?;
        match loaded {
            Loaded::Strategic(docs) => {
                if let Some(target) = &patch.target {
                    if docs.len() > 1 {
                        return fail_at(
                            b,
                            k,
                            Code::PatchInvalid,
                            &patch.origin,
                            "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field".into(),
                        );
                    }
                    let selected = select(b, k, acc, target)?;
                    warn_if_unmatched(b, k, patch, selected.is_empty());
                    apply_strategic(
                        b,
                        k,
                        acc,
                        &selected,
                        &docs[0],
                        &patch.origin,
                        patch.allow_name_change,
                        patch.allow_kind_change,
                    )?;
                } else {
                    for doc in &docs {
                        let id = patch_id(doc);
                        let target = unique_target(b, k, acc, &id, &patch.origin)?;
                        apply_strategic(
                            b,
                            k,
                            acc,
                            &[target],
                            doc,
                            &patch.origin,
                            patch.allow_name_change,
                            patch.allow_kind_change,
                        )?;
                    }
                }
            }
            Loaded::Json(ops) => {
                let Some(target) = &patch.target else {
                    return fail_at(
                        b,
                        k,
                        Code::PatchInvalid,
                        &patch.origin,
                        "must specify a target for JSON patch".into(),
                    );
                };
                let selected = select(b, k, acc, target)?;
                warn_if_unmatched(b, k, patch, selected.is_empty());
                for i in selected {
                    acc.resources[i].store_previous_id();
                    let annotations = acc.resources[i].build_annotations();
                    if let Err(e) =
                        json6902::apply_to_resource(&mut acc.resources[i].node, &ops, &annotations)
                    {
                        return fail_json(b, k, patch, &e.to_string());
                    }
                }
            }
        }
    }
    Ok(())
}

/// `patchesJson6902:` — JSON patches (YAML or JSON text) with a target that names a resource.
pub fn json6902_legacy(
    b: &mut Builder,
    dir: &str,
    k: &Kustomization,
    acc: &mut Accumulator,
) -> Built<()> {
    for patch in &k.patches_json6902 {
        let Some(target) = &patch.target else {
            return fail_at(
                b,
                k,
                Code::PatchInvalid,
                &patch.origin,
                "must specify a target for patch".into(),
            );
        };
        if target.name.as_ref().is_none_or(|n| n.value.is_empty()) {
            return fail_at(
                b,
                k,
                Code::PatchInvalid,
                &patch.origin,
                "must specify the target name".into(),
            );
        }
        let ops = match (&patch.path, &patch.patch) {
            (Some(_), Some(_)) => {
                return fail_at(
                    b,
                    k,
                    Code::PatchInvalid,
                    &patch.origin,
                    "must specify a file path or jsonOp, not both".into(),
                );
            }
            (None, None) => {
                return fail_at(
                    b,
                    k,
                    Code::PatchInvalid,
                    &patch.origin,
                    "empty file path and empty jsonOp".into(),
                );
            }
            (Some(path), None) => {
                let file = b.resolve_file(dir, k, path)?;
                let docs = file_documents(b, &file, (k.file.as_str(), path.span()))?;
                json_ops(b, &file, &docs)?
            }
            (None, Some(text)) => {
                let docs = inline_documents(b, k, text).unwrap_or_default();
                json_ops(b, &k.file, &docs)?
            }
        };
        if ops.is_empty() {
            return fail_at(
                b,
                k,
                Code::PatchInvalid,
                &patch.origin,
                "patch appears to be empty".into(),
            );
        }
        let selected = select(b, k, acc, target)?;
        warn_if_unmatched(b, k, patch, selected.is_empty());
        for i in selected {
            let annotations = acc.resources[i].build_annotations();
            if let Err(e) =
                json6902::apply_to_resource(&mut acc.resources[i].node, &ops, &annotations)
            {
                return fail_json(b, k, patch, &e.to_string());
            }
        }
    }
    Ok(())
}

fn fail_json<T>(b: &mut Builder, k: &Kustomization, patch: &Patch, error: &str) -> Built<T> {
    fail_at(b, k, Code::PatchInvalid, &patch.origin, format!("JSON patch failed: {error}"))
}

fn warn_if_unmatched(b: &mut Builder, k: &Kustomization, patch: &Patch, unmatched: bool) {
    if unmatched {
        b.diagnostics.push(
            Diagnostic::new(
                Code::PatchNoMatch,
                "patch target matches no resource; the patch does nothing",
            )
            .at(k.file.clone(), patch.target.as_ref().map_or(patch.origin.span, |t| t.origin.span)),
        );
    }
}

/// Reads a `patches` entry and decides whether it is a strategic-merge or a JSON patch.
fn load_patch(b: &mut Builder, dir: &str, k: &Kustomization, patch: &Patch) -> Built<Loaded> {
    let inline = patch.patch.as_ref().filter(|p| !p.value.trim().is_empty());
    let path = patch.path.as_ref().filter(|p| !p.value.is_empty());
    let (docs, file) = match (inline, path) {
        (None, None) => {
            return fail_at(
                b,
                k,
                Code::PatchInvalid,
                &patch.origin,
                "must specify one of patch and path".into(),
            );
        }
        (Some(_), Some(_)) => {
            return fail_at(
                b,
                k,
                Code::PatchInvalid,
                &patch.origin,
                "patch and path can't be set at the same time".into(),
            );
        }
        (Some(text), None) => (inline_documents(b, k, text).unwrap_or_default(), k.file.clone()),
        (None, Some(path)) => {
            let file = b.resolve_file(dir, k, path)?;
            (file_documents(b, &file, (k.file.as_str(), path.span()))?, file)
        }
    };
    let is_ops = docs.len() == 1 && docs[0].is_seq();
    if is_ops {
        return json_ops(b, &file, &docs).map(Loaded::Json);
    }
    if docs.is_empty() {
        return fail_at(
            b,
            k,
            Code::PatchInvalid,
            &patch.origin,
            "unable to parse SM or JSON patch: the patch is empty".into(),
        );
    }
    for doc in &docs {
        validate_patch_object(b, doc)?;
    }
    Ok(Loaded::Strategic(docs))
}

fn json_ops(b: &mut Builder, file: &str, docs: &[Node]) -> Built<Vec<json6902::Op>> {
    let Some(doc) = docs.first() else { return Ok(Vec::new()) };
    match json6902::parse_ops(&Arc::from(file), doc) {
        Ok(ops) => Ok(ops),
        Err(e) => {
            let span = e.origin().map_or(doc.origin.span, |o| o.span);
            let file = e.origin().and_then(|o| o.file.as_deref()).unwrap_or(file).to_string();
            b.fail(
                Diagnostic::new(Code::PatchInvalid, format!("invalid JSON patch: {e}"))
                    .at(file, span),
            )
        }
    }
}

/// kustomize requires a strategic-merge patch to name its kind and `metadata.name`.
fn validate_patch_object(b: &mut Builder, doc: &Node) -> Built<()> {
    let file = doc.origin.file.as_deref().unwrap_or_default().to_string();
    if !doc.is_map() {
        return b.fail(
            Diagnostic::new(
                Code::PatchInvalid,
                "unable to parse SM or JSON patch: not an object or a list of operations",
            )
            .at(file, doc.origin.span),
        );
    }
    if doc.get("kind").and_then(Node::scalar).is_none_or(str::is_empty) {
        return b.fail(
            Diagnostic::new(Code::PatchInvalid, "missing kind in strategic-merge patch")
                .at(file, doc.origin.span),
        );
    }
    if doc.path(&["metadata", "name"]).and_then(Node::scalar).is_none_or(str::is_empty) {
        return b.fail(
            Diagnostic::new(Code::PatchInvalid, "missing metadata.name in strategic-merge patch")
                .at(file, doc.origin.span),
        );
    }
    Ok(())
}

fn patch_id(doc: &Node) -> ResId {
    let scalar =
        |path: &[&str]| doc.path(path).and_then(Node::scalar).unwrap_or_default().to_string();
    ResId {
        gvk: crate::kustomize::resid::Gvk::from_api_version(
            &scalar(&["apiVersion"]),
            &scalar(&["kind"]),
        ),
        name: scalar(&["metadata", "name"]),
        namespace: scalar(&["metadata", "namespace"]),
    }
}

/// The one resource whose current or earlier id equals `id` (kustomize's `GetById`).
fn unique_target(
    b: &mut Builder,
    k: &Kustomization,
    acc: &Accumulator,
    id: &ResId,
    origin: &Origin,
) -> Built<usize> {
    let matches = acc.matching(id);
    match matches[..] {
        [one] => Ok(one),
        [] => fail_at(
            b,
            k,
            Code::PatchTargetMissing,
            origin,
            format!(
                "no matches for Id {}; failed to find unique target for patch {}",
                id.display(),
                id.display()
            ),
        ),
        _ => fail_at(
            b,
            k,
            Code::PatchInvalid,
            origin,
            format!(
                "multiple matches for Id {}; failed to find unique target for patch {}",
                id.display(),
                id.display()
            ),
        ),
    }
}

fn select(
    b: &mut Builder,
    k: &Kustomization,
    acc: &Accumulator,
    target: &Selector,
) -> Built<Vec<usize>> {
    let matcher = match Matcher::new(target) {
        Ok(m) => m,
        Err(e) => return fail_at(b, k, Code::PatchInvalid, &target.origin, e),
    };
    let mut selected = Vec::new();
    for (i, r) in acc.resources.iter().enumerate() {
        if matcher.selects(r) {
            selected.push(i);
        }
    }
    Ok(selected)
}

/// Applies a strategic-merge patch to the selected resources, dropping any it deletes.
#[allow(clippy::too_many_arguments)]
fn apply_strategic(
    b: &mut Builder,
    k: &Kustomization,
    acc: &mut Accumulator,
    selected: &[usize],
    patch: &Node,
    origin: &Origin,
    allow_name_change: bool,
    allow_kind_change: bool,
) -> Built<()> {
    // The render's schema (kustomize parses a custom `openapi` schema at its first merge).
    let schema = if selected.is_empty() { None } else { Some(b.merge_schema(origin)?) };
    let schema = schema.as_deref().unwrap_or_else(|| OpenApi::builtin());
    for &i in selected {
        let r = &mut acc.resources[i];
        let mut copy = patch.clone();
        // The patch takes the target's group and version (and keeps its own kind).
        copy.set("apiVersion", Node::string(r.api_version()));
        let (name, namespace, kind) =
            (r.name().to_string(), r.namespace().to_string(), r.kind().to_string());
        if allow_name_change || allow_kind_change {
            r.store_previous_id();
        }
        match strategic::merge_with(&mut r.node, &copy, schema) {
            Ok(MergeOutcome::Deleted) => r.node = Node::map(),
            Ok(MergeOutcome::Merged) => {
                if r.is_empty() {
                    continue;
                }
                if !allow_kind_change {
                    r.node.set("kind", Node::string(kind));
                }
                if !allow_name_change {
                    r.set_name(&name);
                }
                restore_namespace(r, &namespace);
            }
            Err(e) => {
                let span = e.origin().map_or(origin.span, |o| o.span);
                let file = e
                    .origin()
                    .and_then(|o| o.file.as_deref())
                    .map_or_else(|| k.file.clone(), str::to_string);
                return b.fail(
                    Diagnostic::new(
                        Code::PatchInvalid,
                        format!("strategic merge patch failed: {e}"),
                    )
                    .at(file, span),
                );
            }
        }
    }
    acc.resources.retain(|r| !r.is_empty());
    Ok(())
}

fn restore_namespace(r: &mut Resource, namespace: &str) {
    if namespace.is_empty() {
        if let Some(meta) = r.node.get_mut("metadata") {
            meta.remove("namespace");
        }
    } else if let Some(meta) = r.node.ensure_map(&["metadata"]) {
        meta.set("namespace", Node::string(namespace));
    }
}

/// Documents of a patch file (non-empty ones).
fn file_documents(b: &mut Builder, path: &str, referrer: (&str, Span)) -> Built<Vec<Node>> {
    let parsed = match b.source.parse(path, Some(referrer)) {
        Ok(parsed) => parsed,
        Err(d) => return b.fail(*d),
    };
    if parsed.has_errors() {
        b.diagnostics.extend(parsed.diagnostics.iter().cloned());
        return Err(crate::kustomize::context::Failed);
    }
    b.refuse_directive(path, Some(referrer))?;
    Ok(non_empty(&parsed.documents))
}

/// Non-empty documents with their merge keys applied (as kustomize's reader does; a merge
/// it refuses leaves the document as written, and the printer reports it).
fn non_empty(documents: &[Document]) -> Vec<Node> {
    let mut out = Vec::new();
    for d in documents {
        if d.is_empty() || matches!(&d.root.body, Body::Map(e) if e.is_empty()) {
            continue;
        }
        let mut root = d.root.clone();
        if crate::yaml::merge::resolve_merge_keys(&mut root).is_err() {
            root.clone_from(&d.root);
        }
        out.push(root);
    }
    out
}

/// Parses an inline patch. `None` when the text does not look like YAML content (for
/// `patchesStrategicMerge`, where an entry is then taken as a file path).
fn inline_documents(b: &mut Builder, k: &Kustomization, text: &Str) -> Option<Vec<Node>> {
    inline(b, &k.file, text)
}

/// Parses YAML written inline in a file (a patch, or a plugin configuration in `transformers:`)
/// with spans in that file. `None` when the text does not look like YAML content (a single
/// line that is not a flow collection: a path). Syntax errors are reported, and give no
/// documents.
pub(crate) fn inline(b: &mut Builder, default_file: &str, text: &Str) -> Option<Vec<Node>> {
    if !text.value.contains('\n') && !text.value.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let file_name = text.origin.file.as_deref().unwrap_or(default_file);
    let file: Arc<str> = Arc::from(file_name);
    let parsed = parse(&file, &text.value, &Limits::default());
    let source = b.source.tree.text(file_name).unwrap_or_default().to_string();
    let map = OffsetMap::new(&source, text);
    if parsed.has_errors() {
        for mut d in parsed.diagnostics {
            if let Some(span) = d.span {
                d.span = Some(map.span(span));
            }
            b.diagnostics.push(d);
        }
        return Some(Vec::new());
    }
    let mut docs = non_empty(&parsed.documents);
    for doc in &mut docs {
        remap(doc, &map);
    }
    Some(docs)
}

/// Maps offsets in an inline scalar's value to offsets in the kustomization file.
struct OffsetMap {
    /// For each byte offset of the value, the file offset; empty when only the whole-scalar
    /// span is known.
    table: Vec<u32>,
    whole: Span,
}

impl OffsetMap {
    /// For a `|` block scalar, value line `n` is file line `n` of the block with the block's
    /// indentation removed; anything else (or any mismatch) falls back to the whole span.
    fn new(source: &str, text: &Str) -> Self {
        let whole = text.origin.span;
        let table = if text_style(source, whole) == Some(Style::Literal) {
            literal_table(source, whole.start as usize, &text.value).unwrap_or_default()
        } else {
            Vec::new()
        };
        OffsetMap { table, whole }
    }

    fn span(&self, span: Span) -> Span {
        if self.table.is_empty() {
            return self.whole;
        }
        let at = |o: u32| self.table.get(o as usize).copied().unwrap_or(self.whole.end);
        Span { start: at(span.start), end: at(span.end) }
    }
}

/// Offsets in the file of every byte of a literal block's value (plus one past the end).
fn literal_table(source: &str, content_start: usize, value: &str) -> Option<Vec<u32>> {
    let line_start = source[..content_start].rfind('\n').map_or(0, |i| i + 1);
    let indent = content_start - line_start;
    let bytes = source.as_bytes();
    let mut table = Vec::with_capacity(value.len() + 1);
    let mut file_line = line_start;
    for line in value.split_inclusive('\n') {
        let blank = line.trim_end_matches('\n').is_empty();
        let content = if blank {
            // A blank line may carry fewer spaces than the indentation.
            file_line + bytes[file_line..].iter().take_while(|&&b| b == b' ').count()
        } else {
            file_line + indent
        };
        if !source.get(content..)?.starts_with(line.trim_end_matches('\n')) {
            return None;
        }
        table.extend((0..line.len()).map(|i| (content + i) as u32));
        file_line = content + line.len();
    }
    table.push(file_line as u32);
    Some(table)
}

fn text_style(source: &str, whole: Span) -> Option<Style> {
    // The scalar's span starts at its content; the indicator is on an earlier line.
    let before = &source[..(whole.start as usize).min(source.len())];
    let header = before.trim_end_matches([' ', '\n']).rsplit('\n').next()?;
    let indicator = header.trim_end().rsplit(':').next()?.trim();
    if indicator.starts_with('|') { Some(Style::Literal) } else { None }
}

fn remap(node: &mut Node, map: &OffsetMap) {
    node.origin.span = map.span(node.origin.span);
    match &mut node.body {
        Body::Scalar(_) => {}
        Body::Seq(items) => items.iter_mut().for_each(|n| remap(n, map)),
        Body::Map(entries) => {
            for (key, value) in entries {
                remap(key, map);
                remap(value, map);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Limits;

    #[test]
    fn inline_block_patch_spans_map_into_the_kustomization() {
        let source = "patches:\n- patch: |-\n    kind: Deployment\n    image: app:v2 # x\n";
        let root = parse(&Arc::from("k.yaml"), source, &Limits::default()).documents.remove(0).root;
        let scalar = &root.get("patches").unwrap().as_seq().unwrap()[0].get("patch").unwrap();
        let text = Str::new(scalar.scalar().unwrap().to_string(), scalar.origin.clone());
        let map = OffsetMap::new(source, &text);
        let inline =
            parse(&Arc::from("k.yaml"), &text.value, &Limits::default()).documents.remove(0).root;
        let mut image = inline.get("image").unwrap().clone();
        remap(&mut image, &map);
        assert_eq!(&source[image.origin.span.range()], "app:v2");
    }
}
