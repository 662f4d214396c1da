//! `replacements:` — kustomize's `ReplacementTransformer`: copy a value from one resource (or
//! a literal `sourceValue`) into fields of others.
//!
//! The shape follows kustomize's filter step by step, because its quirks are visible in the
//! output:
//!
//! - Entries are loaded first (inline, or `path:` files holding one replacement or a list;
//!   unknown fields in such files are ignored, as `sigs.k8s.io/yaml` does), then run in order,
//!   each seeing the previous ones' edits.
//! - The source must be exactly one resource, matched exactly (not by regex) on its current
//!   or any earlier id. Its `fieldPath` (default `metadata.name`) is looked up with kyaml's
//!   `PathGetter` rules ([`fieldpath::lookup`]).
//! - Targets are matched by regex on any id, with label/annotation selectors on current
//!   metadata; a `reject` with a label or annotation selector rejects on that alone, and its
//!   id fields reject on their own (kustomize ORs them). Target paths follow kyaml's
//!   `PathMatcher` ([`fieldpath::find`]): `[k=v]` is an unanchored regex.
//! - Setting a scalar copies only the text: the target keeps its type, so a string `"4"`
//!   into `replicas: 1` gives the int `4`, an int into an annotation gives the string
//!   `"3"`, and a number into a boolean field is the printer's error, as in kustomize. A
//!   field created by `create: true` has no type yet and takes the one its text implies. A
//!   map or list target is replaced by a copy of the source node.
//! - kustomize 5.8 also edits JSON or YAML held in a string field when the path goes through
//!   it (`data.[config.json].a.b`). JSON is re-serialized as Go's `encoding/json` would (keys
//!   sorted, HTML-escaped, indented when the original was); YAML would need go-yaml v3's
//!   comment-preserving emitter, so Baton reports it as unsupported instead of guessing.
//!
//! Copied values keep the source node's origin: an image set through a replacement points
//! at the field it was copied from, which is where a promotion has to edit it.

use std::sync::Arc;

use super::fail_at;
use crate::diagnostic::Code;
use crate::kustomize::context::{Accumulator, Builder, Built};
use crate::kustomize::fieldpath::{self, Found, Kind};
use crate::kustomize::kustomization::{
    FieldOptions, Kustomization, Replacement, ReplacementEntry, ReplacementSource,
    ReplacementTarget, Selector, Str, decode_replacement,
};
use crate::kustomize::resid::{Gvk, ResId};
use crate::kustomize::resource::Resource;
use crate::kustomize::select::Matcher;
use crate::yaml::decode::Decoder;
use crate::yaml::json::from_node;
use crate::yaml::resolve::{Resolved, Schema, TAG_PREFIX, resolve};
use crate::yaml::{Body, Node, Origin, Style};

/// kustomize's default source and target field path.
const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// Runs the `replacements` of `k` over the accumulated resources.
pub fn run(b: &mut Builder, dir: &str, k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    if k.replacements.is_empty() {
        return Ok(());
    }
    let mut replacements = Vec::new();
    for entry in &k.replacements {
        match entry {
            ReplacementEntry::Inline(r) => replacements.push((**r).clone()),
            ReplacementEntry::Path(path) => replacements.extend(load_file(b, dir, k, path)?),
        }
    }
    for r in &replacements {
        apply(b, k, acc, r)?;
    }
    Ok(())
}

/// Reads a replacements file: a list of replacements, or one.
fn load_file(
    b: &mut Builder,
    dir: &str,
    k: &Kustomization,
    entry: &Str,
) -> Built<Vec<Replacement>> {
    let path = b.resolve_file(dir, k, entry)?;
    let parsed = match b.source.parse(&path, Some((k.file.as_str(), entry.span()))) {
        Ok(parsed) => parsed,
        Err(d) => return b.fail(*d),
    };
    if parsed.has_errors() {
        b.diagnostics.extend(parsed.diagnostics.iter().cloned());
        return Err(crate::kustomize::context::Failed);
    }
    // sigs.k8s.io/yaml reads the first document only.
    let root = parsed.documents.first().map(|d| &d.root);
    let file: Arc<str> = Arc::from(path.as_str());
    let mut d = Decoder::new(&file, Code::ReplacementInvalid, "invalid replacements file");
    let decoded = match root.map(|r| (r, &r.body)) {
        Some((r, Body::Seq(_))) => d.list(r, "[]types.Replacement", decode_replacement),
        Some((r, Body::Map(_))) => decode_replacement(&mut d, r).into_iter().collect(),
        _ => {
            let kind = root.map_or("invalid", go_kind);
            return fail_at(
                b,
                k,
                Code::ReplacementInvalid,
                &entry.origin,
                format!("unsupported replacement type encountered within replacement path: {kind}"),
            );
        }
    };
    // Unknown fields are not errors when kustomize reads these files.
    d.errors.retain(|e| !e.message.contains("json: unknown field"));
    if !d.errors.is_empty() {
        b.diagnostics.append(&mut d.errors);
        return Err(crate::kustomize::context::Failed);
    }
    Ok(decoded)
}

/// The `reflect.Kind` of a scalar decoded from JSON into `interface{}`.
fn go_kind(node: &Node) -> &'static str {
    match node.scalar().map(|s| resolve(Schema::V2, node.tag.as_deref(), node.style, s)) {
        Some(Ok(Resolved::Null)) | None => "invalid",
        Some(Ok(Resolved::Bool(_))) => "bool",
        Some(Ok(Resolved::Int(_) | Resolved::Uint(_) | Resolved::Float(_))) => "float64",
        Some(_) => "string",
    }
}

/// Runs one replacement: resolves its value, then writes it into every target.
fn apply(b: &mut Builder, k: &Kustomization, acc: &mut Accumulator, r: &Replacement) -> Built<()> {
    if (r.source_value.is_none() && r.source.is_none()) || r.targets.is_empty() {
        let message = "replacements must specify a source and at least one target".to_string();
        return fail_at(b, k, Code::ReplacementInvalid, &r.origin, message);
    }
    let value = match (&r.source_value, &r.source) {
        (Some(_), Some(_)) => {
            let message = "value and resource selectors are mutually exclusive".to_string();
            return fail_at(b, k, Code::ReplacementInvalid, &r.origin, message);
        }
        (Some(literal), None) => {
            Node::plain(literal.value.clone()).with_origin(literal.origin.clone())
        }
        (None, Some(source)) => source_value(b, k, acc, source)?,
        (None, None) => return Ok(()),
    };
    for target in &r.targets {
        apply_target(b, k, acc, &value, target)?;
    }
    Ok(())
}

/// The value a `source` selects (with its origin), refined by its options.
fn source_value(
    b: &mut Builder,
    k: &Kustomization,
    acc: &Accumulator,
    source: &ReplacementSource,
) -> Built<Node> {
    let index = match select_source(acc, source) {
        Ok(index) => index,
        Err(message) => return fail_at(b, k, Code::ReplacementInvalid, &source.origin, message),
    };
    let field_path = source.field_path.as_ref().map_or("", |f| f.as_str());
    let field_path = if field_path.is_empty() { DEFAULT_FIELD_PATH } else { field_path };
    let at = source.field_path.as_ref().map_or(&source.origin, |f| &f.origin);
    let node = match fieldpath::lookup(&acc.resources[index].node, &fieldpath::split(field_path)) {
        Ok(node) => node,
        Err(e) => {
            return fail_at(
                b,
                k,
                Code::ReplacementInvalid,
                at,
                format!("error looking up replacement source: {e}"),
            );
        }
    };
    let Some(node) = node.filter(|n| !is_nil_or_empty(n)) else {
        let id = source_id(source).display();
        return fail_at(
            b,
            k,
            Code::ReplacementInvalid,
            at,
            format!("fieldPath `{field_path}` is missing for replacement source {id}"),
        );
    };
    match refine(source.options.as_ref(), node) {
        Ok(value) => Ok(value),
        Err(message) => fail_at(b, k, Code::ReplacementInvalid, &source.origin, message),
    }
}

/// kyaml's `IsNilOrEmpty`: null, `{}` or `[]`.
fn is_nil_or_empty(node: &Node) -> bool {
    match &node.body {
        Body::Map(entries) => entries.is_empty(),
        Body::Seq(items) => items.is_empty(),
        Body::Scalar(_) => node.is_null(),
    }
}

/// The one resource a source selects, or kustomize's error.
fn select_source(acc: &Accumulator, source: &ReplacementSource) -> Result<usize, String> {
    let selector = source_id(source);
    let mut matches = acc
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| res_ids(r).iter().any(|id| is_selected_by(id, &selector)));
    match (matches.next(), matches.next()) {
        (Some((index, _)), None) => Ok(index),
        (Some(_), Some(_)) => {
            Err(format!("multiple matches for selector {}", source_display(source)))
        }
        (None, _) => Err(format!("nothing selected by {}", source_display(source))),
    }
}

/// The id a source selector names (empty fields match anything).
fn source_id(source: &ReplacementSource) -> ResId {
    let text = |s: &Option<Str>| s.as_ref().map_or(String::new(), |s| s.value.clone());
    ResId {
        gvk: Gvk {
            group: text(&source.gvk.group),
            version: text(&source.gvk.version),
            kind: text(&source.gvk.kind),
        },
        name: text(&source.name),
        namespace: text(&source.namespace),
    }
}

/// kustomize's `SourceSelector.String()`: `id[:fieldPath][:options]`.
fn source_display(source: &ReplacementSource) -> String {
    let mut out = source_id(source).display();
    if let Some(path) = source.field_path.as_ref().filter(|p| !p.value.is_empty()) {
        out.push(':');
        out.push_str(&path.value);
    }
    if let Some(options) = &source.options {
        let delimiter = options.delimiter.as_ref().map_or("", |d| d.as_str());
        if !delimiter.is_empty() || options.create {
            out.push_str(&format!(":{delimiter}({}), create={}", options.index, options.create));
        }
    }
    out
}

/// kustomize's `MakeResIds`: the current id (namespace as written) and every earlier one
/// (namespace as kustomize stores it: the effective one, `default` for none).
fn res_ids(r: &Resource) -> Vec<ResId> {
    let mut ids = vec![r.id()];
    for mut id in r.previous_ids() {
        id.namespace = id.effective_namespace().to_string();
        ids.push(id);
    }
    ids
}

/// kyaml's `ResId.IsSelectedBy` for a source: exact name, GVK fields, and namespace compared
/// as kustomize does for ids without scope information (empty means `default`).
fn is_selected_by(id: &ResId, selector: &ResId) -> bool {
    let putative = |ns: &str| if ns.is_empty() { "default".to_string() } else { ns.to_string() };
    (selector.name.is_empty() || selector.name == id.name)
        && (selector.namespace.is_empty()
            || putative(&selector.namespace) == putative(&id.namespace))
        && id.gvk.is_selected_by(&selector.gvk.group, &selector.gvk.version, &selector.gvk.kind)
}

/// The source options: with a delimiter, the value is one part of the split text, keeping
/// the source's type.
fn refine(options: Option<&FieldOptions>, node: &Node) -> Result<Node, String> {
    let Some(options) = options else { return Ok(node.clone()) };
    let delimiter = options.delimiter.as_ref().map_or("", |d| d.as_str());
    if delimiter.is_empty() {
        return Ok(node.clone());
    }
    let Body::Scalar(text) = &node.body else {
        return Err("delimiter option can only be used with scalar nodes".into());
    };
    let parts: Vec<&str> = text.split(delimiter).collect();
    let part = usize::try_from(options.index).ok().and_then(|i| parts.get(i));
    let Some(part) = part else {
        return Err(format!("options.index {} is out of bounds for value {text}", options.index));
    };
    let mut refined = node.clone();
    set_text(&mut refined, (*part).to_string(), node.origin.clone());
    Ok(refined)
}

/// Writes `value` into the fields of every resource a target selects.
fn apply_target(
    b: &mut Builder,
    k: &Kustomization,
    acc: &mut Accumulator,
    value: &Node,
    target: &ReplacementTarget,
) -> Built<()> {
    let Some(select) = &target.select else {
        return fail_at(
            b,
            k,
            Code::ReplacementInvalid,
            &target.origin,
            "target must specify resources to select".into(),
        );
    };
    let chooser = match TargetChooser::new(select, &target.reject) {
        Ok(chooser) => chooser,
        Err(e) => {
            return fail_at(
                b,
                k,
                Code::ReplacementInvalid,
                &target.origin,
                format!("error creating target selector: {e}"),
            );
        }
    };
    let default_path = [Str::new(DEFAULT_FIELD_PATH.to_string(), target.origin.clone())];
    let paths =
        if target.field_paths.is_empty() { &default_path[..] } else { &target.field_paths[..] };
    for resource in &mut acc.resources {
        if !chooser.chooses(resource) {
            continue;
        }
        for path in paths {
            if let Err(message) =
                copy_to_field(&mut resource.node, value, path, target.options.as_ref())
            {
                return fail_at(b, k, Code::ReplacementInvalid, &path.origin, message);
            }
        }
    }
    Ok(())
}

/// A target's `select` and `reject` selectors, compiled.
struct TargetChooser {
    select: Matcher,
    select_metadata: Matcher,
    /// Rejects by id (those with any id field set).
    reject_ids: Vec<Matcher>,
    /// Rejects by labels/annotations (those with a label or annotation selector).
    reject_metadata: Vec<Matcher>,
}

impl TargetChooser {
    fn new(select: &Selector, reject: &[Selector]) -> Result<Self, String> {
        let metadata_only = |s: &Selector| Selector {
            label_selector: s.label_selector.clone(),
            annotation_selector: s.annotation_selector.clone(),
            ..Selector::default()
        };
        let set = |s: &Option<Str>| s.as_ref().is_some_and(|v| !v.value.is_empty());
        let mut chooser = TargetChooser {
            select: Matcher::new(select)?,
            select_metadata: Matcher::new(&metadata_only(select))?,
            reject_ids: Vec::new(),
            reject_metadata: Vec::new(),
        };
        for r in reject {
            if set(&r.gvk.group)
                || set(&r.gvk.version)
                || set(&r.gvk.kind)
                || set(&r.name)
                || set(&r.namespace)
            {
                chooser.reject_ids.push(Matcher::new(r)?);
            }
            if set(&r.label_selector) || set(&r.annotation_selector) {
                chooser.reject_metadata.push(Matcher::new(&metadata_only(r))?);
            }
        }
        Ok(chooser)
    }

    /// kustomize's order: select's label/annotation selectors, rejects by metadata, rejects
    /// by any id, then select by any id.
    fn chooses(&self, resource: &Resource) -> bool {
        if !self.select_metadata.selects(resource)
            || self.reject_metadata.iter().any(|m| m.selects(resource))
        {
            return false;
        }
        let ids = res_ids(resource);
        let by_id =
            |m: &Matcher| ids.iter().any(|id| m.selects_id(&id.gvk, &id.name, &id.namespace));
        !self.reject_ids.iter().any(by_id) && by_id(&self.select)
    }
}

/// kustomize's `copyValueToTarget` for one field path.
fn copy_to_field(
    object: &mut Node,
    value: &Node,
    path: &Str,
    options: Option<&FieldOptions>,
) -> Result<(), String> {
    let create = options.is_some_and(|o| o.create).then(|| Kind::of(value));
    let parts = fieldpath::split(&path.value);
    if set_in_structured_data(object, value, &parts, create)? {
        return Ok(());
    }
    let not_found = if create.is_some() {
        format!(
            "unable to find or create field {} in replacement target",
            crate::gostring::quote(&path.value)
        )
    } else {
        format!(
            "unable to find field {} in replacement target",
            crate::gostring::quote(&path.value)
        )
    };
    let found = fieldpath::find(object, &parts, create, &path.origin)
        .map_err(|e| format!("{not_found}: {e}"))?;
    if found.is_empty() {
        return Err(not_found);
    }
    for f in found {
        if let Found::At { steps, created } = f
            && let Some(field) = fieldpath::node_at_mut(object, &steps)
        {
            set_field(options, field, created, value)?;
        }
    }
    Ok(())
}

/// kustomize's `setFieldValue`: an optional delimiter join, then the text into a scalar or
/// the whole value in place of a collection.
fn set_field(
    options: Option<&FieldOptions>,
    field: &mut Node,
    created: bool,
    value: &Node,
) -> Result<(), String> {
    let mut text = value.scalar().unwrap_or_default().to_string();
    let delimiter = options.and_then(|o| o.delimiter.as_ref()).map_or("", |d| d.as_str());
    if let Some(options) = options.filter(|_| !delimiter.is_empty()) {
        let Body::Scalar(current) = &field.body else {
            return Err("delimiter option can only be used with scalar nodes".into());
        };
        let inserted = if value.is_null() { String::new() } else { text };
        text = join_at(current, delimiter, options.index, inserted);
    }
    match &field.body {
        Body::Scalar(_) if created => *field = Node::plain(text).with_origin(value.origin.clone()),
        Body::Scalar(_) => set_text(field, text, value.origin.clone()),
        // A delimiter needs a scalar target (checked above), so this is a plain copy.
        _ => *field = value.clone(),
    }
    Ok(())
}

/// Splits `current` on `delimiter` and puts `part` at `index`: before everything when
/// negative, after everything when past the end.
fn join_at(current: &str, delimiter: &str, index: i64, part: String) -> String {
    let mut parts: Vec<String> = current.split(delimiter).map(str::to_string).collect();
    match usize::try_from(index) {
        Err(_) => parts.insert(0, part),
        Ok(i) if i >= parts.len() => parts.push(part),
        Ok(i) => parts[i] = part,
    }
    parts.join(delimiter)
}

/// Replaces a scalar's text as go-yaml does when only `Value` changes: the node keeps the
/// tag it had (explicit, or the one its old plain text implied), so a string stays a string
/// and a number stays a number (or becomes the printer's error, as in kustomize).
pub(crate) fn set_text(node: &mut Node, text: String, origin: Origin) {
    if node.tag.is_none()
        && node.style == Style::Plain
        && let Body::Scalar(old) = &node.body
    {
        let (old_tag, new_tag) =
            (crate::yaml::resolve::plain_tag(old), crate::yaml::resolve::plain_tag(&text));
        if old_tag != new_tag {
            if old_tag == "str" {
                node.style = Style::DoubleQuoted;
            } else {
                node.tag = Some(Arc::from(format!("{TAG_PREFIX}{old_tag}")));
            }
        }
    }
    node.body = Body::Scalar(text);
    node.origin = origin;
}

/// kustomize's `setValueInStructuredData`: when the path goes through a string field that
/// parses as YAML or JSON, edit that text. `Ok(false)` lets the caller go on the ordinary way
/// (kustomize ignores this step's errors).
fn set_in_structured_data(
    object: &mut Node,
    value: &Node,
    parts: &[String],
    create: Option<Kind>,
) -> Result<bool, String> {
    let Some((steps, inner_path, mut parsed)) = structured_field(object, parts) else {
        return Ok(false);
    };
    let Ok(found) = fieldpath::find(&mut parsed, inner_path, create, &value.origin) else {
        return Ok(false);
    };
    if found.is_empty() {
        return Ok(false);
    }
    for f in found {
        if let Found::At { steps, created } = f
            && let Some(field) = fieldpath::node_at_mut(&mut parsed, &steps)
        {
            set_field(None, field, created, value)?;
        }
    }
    if parsed.is_null() {
        // Only invisible nodes were "created" under a null; kustomize writes the text back
        // unchanged.
        return Ok(true);
    }
    let Some(field) = fieldpath::node_at_mut(object, &steps) else { return Ok(false) };
    let original = field.scalar().unwrap_or_default();
    if !original.trim_start().starts_with(['{', '[']) {
        return Err("editing YAML held in a string field is not supported: kustomize rewrites it with go-yaml v3, \
                    keeping comments and styles, which Baton cannot reproduce exactly"
            .into());
    }
    let Ok(json) = from_node(&parsed) else { return Ok(false) };
    let pretty = original.contains('\n') && original.contains("  ");
    let mut text = String::new();
    crate::yaml::json::write_go_json(
        &json,
        crate::yaml::json::GoJson { indent: pretty, float64: false },
        &mut text,
    );
    let origin = field.origin.clone();
    if let Body::Scalar(s) = &mut field.body {
        *s = text;
    }
    field.origin = origin;
    Ok(true)
}

/// The first scalar met along the path before its end that parses as YAML: its steps, the
/// rest of the path, and the parse.
fn structured_field<'p>(
    object: &Node,
    parts: &'p [String],
) -> Option<(Vec<fieldpath::Step>, &'p [String], Node)> {
    if parts.len() < 2 {
        return None;
    }
    for i in 1..parts.len() {
        let Ok(Some(steps)) = fieldpath::locate(object, &parts[..i]) else { continue };
        let Some(node) = fieldpath::node_at(object, &steps).filter(|n| n.is_scalar()) else {
            continue;
        };
        if let Ok(parsed) = fieldpath::parse_scalar(node) {
            return Some((steps, &parts[i..], parsed));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomize::resid::Gvk;

    fn plain(text: &str) -> Node {
        Node::plain(text)
    }

    #[test]
    fn set_text_keeps_the_target_type() {
        let mut n = plain("x");
        set_text(&mut n, "3".into(), Origin::default());
        assert!(n.is_string());
        assert_eq!(n.scalar(), Some("3"));
        let mut n = plain("1");
        set_text(&mut n, "4".into(), Origin::default());
        assert_eq!((n.tag.clone(), n.style), (None, Style::Plain));
        let mut n = plain("true");
        set_text(&mut n, "abc".into(), Origin::default());
        assert_eq!(n.tag.as_deref(), Some("tag:yaml.org,2002:bool"));
        let mut n = Node::string("q");
        n.style = Style::SingleQuoted;
        set_text(&mut n, "5".into(), Origin::default());
        assert!(n.is_string());
    }

    #[test]
    fn join_at_prefixes_replaces_and_appends() {
        assert_eq!(join_at("a:b", ":", 1, "x".into()), "a:x");
        assert_eq!(join_at("a:b", ":", -1, "x".into()), "x:a:b");
        assert_eq!(join_at("a:b", ":", 5, "x".into()), "a:b:x");
        assert_eq!(join_at("", ".", 1, "x".into()), ".x");
    }

    #[test]
    fn refine_splits_and_checks_bounds() {
        let options = FieldOptions {
            delimiter: Some(Str::new(".".into(), Origin::default())),
            index: 1,
            ..FieldOptions::default()
        };
        assert_eq!(refine(Some(&options), &Node::string("a.b.c")).unwrap().scalar(), Some("b"));
        let far = FieldOptions { index: 3, ..options.clone() };
        assert_eq!(
            refine(Some(&far), &Node::string("a.b.c")).unwrap_err(),
            "options.index 3 is out of bounds for value a.b.c"
        );
        let negative = FieldOptions { index: -1, ..options.clone() };
        assert!(refine(Some(&negative), &Node::string("a.b")).is_err());
        assert_eq!(
            refine(Some(&options), &Node::map()).unwrap_err(),
            "delimiter option can only be used with scalar nodes"
        );
        // The part keeps the source's type: "5.6" split gives the string "6".
        let refined = refine(Some(&options), &Node::string("5.6")).unwrap();
        assert!(refined.is_string());
    }

    #[test]
    fn source_display_matches_kustomize() {
        let s = |v: &str| Some(Str::new(v.to_string(), Origin::default()));
        let mut source = ReplacementSource {
            name: s("nope"),
            field_path: s("data.token"),
            ..ReplacementSource::default()
        };
        source.gvk.kind = s("Secret");
        assert_eq!(source_display(&source), "Secret.[noVer].[noGrp]/nope.[noNs]:data.token");
        source.options =
            Some(FieldOptions { delimiter: s("-"), index: 2, ..FieldOptions::default() });
        assert_eq!(
            source_display(&source),
            "Secret.[noVer].[noGrp]/nope.[noNs]:data.token:-(2), create=false"
        );
        source.field_path = None;
        source.options = Some(FieldOptions { create: true, ..FieldOptions::default() });
        assert_eq!(source_display(&source), "Secret.[noVer].[noGrp]/nope.[noNs]:(0), create=true");
    }

    #[test]
    fn sources_match_namespaces_putatively() {
        let id = |ns: &str| ResId {
            gvk: Gvk::new("", "v1", "ConfigMap"),
            name: "a".into(),
            namespace: ns.into(),
        };
        let sel = |ns: &str| ResId {
            gvk: Gvk::new("", "", "ConfigMap"),
            name: "a".into(),
            namespace: ns.into(),
        };
        assert!(is_selected_by(&id(""), &sel("default")));
        assert!(is_selected_by(&id("x"), &sel("")));
        assert!(!is_selected_by(&id("x"), &sel("y")));
        assert!(!is_selected_by(&id(""), &ResId { gvk: Gvk::new("", "v2", ""), ..sel("") }));
    }

    fn render(files: &[(&str, &str)], dir: &str) -> crate::kustomize::Rendered {
        let mut tree = crate::tree::FileTree::new();
        for (path, text) in files {
            tree.insert(path, *text).unwrap();
        }
        let mut cache = crate::source::ParseCache::default();
        let mut source = crate::source::Source::new(&tree, &mut cache);
        crate::kustomize::render(&mut source, dir).0
    }

    const RESOURCES: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: release\ndata:\n  image: acme/app:2.0\n  \
        replicas: \"4\"\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  annotations:\n    note: x\n\
        spec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: app\n        image: acme/app:1.0\n";

    #[test]
    fn copied_values_keep_the_source_origin_and_the_target_type() {
        let k = "resources: [res.yaml]\nreplacements:\n- source: {kind: ConfigMap, name: release, fieldPath: data.image}\n  \
                 targets:\n  - select: {kind: Deployment}\n    fieldPaths: [\"spec.template.spec.containers.[name=app].image\"]\n\
                 - source: {kind: ConfigMap, name: release, fieldPath: data.replicas}\n  targets:\n  - select: {kind: Deployment}\n    \
                 fieldPaths: [spec.replicas]\n- source: {kind: Deployment, fieldPath: spec.replicas}\n  targets:\n  \
                 - select: {kind: Deployment}\n    fieldPaths: [metadata.annotations.note]\n";
        let out = render(&[("kustomization.yaml", k), ("res.yaml", RESOURCES)], "");
        assert!(out.ok(), "{:?}", out.diagnostics);
        let deployment = &out.resources[1];
        assert!(deployment.yaml.contains("replicas: 4\n"), "{}", deployment.yaml);
        assert!(deployment.yaml.contains("note: \"4\"\n"), "{}", deployment.yaml);
        let image = &deployment.images[0];
        assert_eq!(image.image, "acme/app:2.0");
        let source = image.source.as_ref().unwrap();
        assert_eq!(source.file, "res.yaml");
        assert_eq!(&RESOURCES[source.span.range()], "acme/app:2.0");
    }

    #[test]
    fn errors_use_kustomize_wording_and_point_at_the_entry() {
        let k = "resources: [res.yaml]\nreplacements:\n- source: {kind: Secret, name: nope, fieldPath: data.token}\n  \
                 targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.image]\n";
        let out = render(&[("kustomization.yaml", k), ("res.yaml", RESOURCES)], "");
        let d = &out.diagnostics[0];
        assert_eq!(d.message, "nothing selected by Secret.[noVer].[noGrp]/nope.[noNs]:data.token");
        assert_eq!(d.code, "K014");
        assert!(k[d.span.unwrap().range()].starts_with("{kind: Secret"));

        let k = "resources: [res.yaml]\nreplacements:\n- sourceValue: x\n  targets:\n  - select: {kind: Deployment}\n    \
                 fieldPaths: [spec.template.spec.containers.0.resources]\n";
        let out = render(&[("kustomization.yaml", k), ("res.yaml", RESOURCES)], "");
        let d = &out.diagnostics[0];
        assert_eq!(
            d.message,
            "unable to find field \"spec.template.spec.containers.0.resources\" in replacement target"
        );
        assert_eq!(&k[d.span.unwrap().range()], "spec.template.spec.containers.0.resources");
        assert!(out.yaml.is_empty());
    }

    #[test]
    fn replacement_files_ignore_unknown_fields_and_respect_the_load_restriction() {
        let file = "- sourceValue: \"7\"\n  bogus: 1\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.replicas]\n";
        let k = "resources: [res.yaml]\nreplacements:\n- path: r/one.yaml\n";
        let out = render(
            &[("app/kustomization.yaml", k), ("app/res.yaml", RESOURCES), ("app/r/one.yaml", file)],
            "app",
        );
        assert!(out.ok(), "{:?}", out.diagnostics);
        assert!(out.resources[1].yaml.contains("replicas: 7\n"));

        let k = "resources: [res.yaml]\nreplacements:\n- path: ../r/one.yaml\n";
        let out = render(
            &[("app/kustomization.yaml", k), ("app/res.yaml", RESOURCES), ("r/one.yaml", file)],
            "app",
        );
        assert_eq!(out.diagnostics[0].code, "K007");

        let out = render(
            &[
                ("kustomization.yaml", "resources: [res.yaml]\nreplacements:\n- path: r.yaml\n"),
                ("res.yaml", RESOURCES),
                ("r.yaml", "foo\n"),
            ],
            "",
        );
        assert_eq!(
            out.diagnostics[0].message,
            "unsupported replacement type encountered within replacement path: string"
        );
    }

    #[test]
    fn json_held_in_a_string_is_edited_and_yaml_is_refused() {
        let res = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  j: '{\"b\": {\"c\": \"<x>\"}, \"a\": 1}'\n  y: |\n    a: 1\n";
        let k = "resources: [res.yaml]\nreplacements:\n- sourceValue: new\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.j.b.c]\n";
        let out = render(&[("kustomization.yaml", k), ("res.yaml", res)], "");
        assert!(out.ok(), "{:?}", out.diagnostics);
        assert!(out.yaml.contains(r#"j: '{"a":1,"b":{"c":"new"}}'"#), "{}", out.yaml);
        let k = k.replace("data.j.b.c", "data.y.a");
        let out = render(&[("kustomization.yaml", &k), ("res.yaml", res)], "");
        assert!(!out.ok());
        assert!(out.diagnostics[0].message.contains("not supported"));
    }

    #[test]
    fn go_quote_escapes() {
        assert_eq!(crate::gostring::quote("a.\"b\""), r#""a.\"b\"""#);
    }
}
