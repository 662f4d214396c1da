//! `configMapGenerator`, `secretGenerator` and `generatorOptions`, and the content-hash
//! name suffix of generated resources.
//!
//! The module follows kustomize's three steps, one submodule or function group each:
//!
//! 1. **Read pairs** ([`kv`]): env files, literals and files, in that order, with kustomize's
//!    parsing rules.
//! 2. **Build the object**: `apiVersion: v1`, the kind, `metadata` (name, namespace, the
//!    merged generator options' labels and annotations), a Secret's `type`, `data` (a
//!    `ConfigMap`'s non-UTF-8 files in `binaryData`; everything base64 in a Secret), and
//!    `immutable: true` when asked. Every node carries the origin of the kustomization entry
//!    that produced it, so provenance and diagnostics point at the kustomization.
//! 3. **Absorb** it into the accumulated resources (kustomize's `appendReplaceOrMerge`): a new
//!    id is appended, unless `behavior` is `merge`/`replace`, which need exactly one existing
//!    resource with that id (current or earlier); `merge` layers labels, annotations, `data`
//!    and `binaryData` over the existing ones, `replace` keeps only their labels and
//!    annotations; both keep the existing name, namespace and rename history.
//!
//! The hash suffix is added once, at the top level, after every transformer ran
//! ([`add_name_hashes`], kustomize's `HashTransformer`); see [`hash`] for what is hashed.

mod hash;
mod kv;

use std::sync::Arc;

use self::kv::{Pair, Value};
use super::context::{Accumulator, Builder, Built};
use super::kustomization::{GeneratorArgs, Kustomization, Str};
use super::resource::{Behavior, Resource};
use crate::diagnostic::{Code, Diagnostic};
use crate::vecmap::VecMap;
use crate::yaml::resolve::{Resolved, Schema, resolve};
use crate::yaml::{Body, Node, Origin, Style};

/// What a generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    ConfigMap,
    Secret,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
        }
    }
}

/// Runs the kustomization's generators (every `ConfigMap` entry, then every Secret entry, as
/// kustomize does) and absorbs each result into `acc` before the next one runs.
pub fn run(b: &mut Builder, dir: &str, k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    for args in &k.config_map_generator {
        let resource = generate(b, dir, k, args, Kind::ConfigMap)?;
        absorb(b, k, args, acc, resource)?;
    }
    for args in &k.secret_generator {
        let resource = generate(b, dir, k, args, Kind::Secret)?;
        absorb(b, k, args, acc, resource)?;
    }
    Ok(())
}

/// Appends `-<hash>` to the name of every resource that asks for it (kustomize's
/// `HashTransformer`), remembering the previous name for name references.
pub fn add_name_hashes(b: &mut Builder, _k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    for r in acc.resources.iter_mut().filter(|r| r.needs_hash) {
        let suffix = match hash::suffix(&r.node) {
            Ok(suffix) => suffix,
            Err(e) => {
                let origin = e.origin().cloned().unwrap_or_else(|| r.node.origin.clone());
                let file =
                    origin.file.as_deref().map_or_else(|| r.source.to_string(), str::to_string);
                return b.fail(
                    Diagnostic::new(
                        Code::YamlUnsupported,
                        format!("cannot hash {} '{}': {e}", r.kind(), r.name()),
                    )
                    .at(file, origin.span),
                );
            }
        };
        r.store_previous_id();
        let hashed = format!("{}-{suffix}", r.name());
        if let Some(name) = r.node.path_mut(&["metadata", "name"]) {
            let origin = name.origin.clone();
            name.set_scalar(hashed, origin);
        }
    }
    Ok(())
}

/// Options after kustomize's `MergeGlobalOptionsIntoLocal`: the entry's own labels and
/// annotations win over `generatorOptions`; either side can turn the booleans on.
#[derive(Debug, Default)]
struct Options {
    /// Sorted by key, one entry per key.
    labels: Vec<(String, Node)>,
    annotations: Vec<(String, Node)>,
    disable_name_suffix_hash: bool,
    immutable: bool,
}

fn merged_options(b: &Builder, k: &Kustomization, args: &GeneratorArgs) -> Options {
    let text = b.source.tree.text(&k.file).unwrap_or_default();
    let text = &*text;
    let mut options = Options::default();
    for source in [k.generator_options.as_ref(), args.options.as_ref()].into_iter().flatten() {
        // Later sources (the entry's own options) override earlier ones key by key.
        let fields = [
            (&source.labels, &mut options.labels),
            (&source.annotations, &mut options.annotations),
        ];
        for (pairs, out) in fields {
            for (key, value) in pairs {
                let node = Node::string(value.value.clone()).with_origin(value.origin.clone());
                out.push((json_key(text, key), node));
            }
        }
        options.disable_name_suffix_hash |= source.disable_name_suffix_hash;
        options.immutable |= source.immutable;
    }
    options.labels = sorted_entries(options.labels);
    options.annotations = sorted_entries(options.annotations);
    options
}

/// A map key as kustomize holds it after reading the kustomization with YAML 1.1 and
/// converting it to JSON: an unquoted `yes`, `on` or `y` is the boolean `true` there, so the
/// label key becomes `true` (which then fails to print, as in kustomize).
fn json_key(text: &str, key: &Str) -> String {
    let quoted = text
        .as_bytes()
        .get(key.origin.span.start as usize)
        .is_some_and(|c| matches!(c, b'"' | b'\''));
    if quoted || key.origin.file.is_none() {
        return key.value.clone();
    }
    match resolve(Schema::V2, None, Style::Plain, &key.value) {
        Ok(Resolved::Bool(value)) => value.to_string(),
        Ok(Resolved::Int(value)) => value.to_string(),
        Ok(Resolved::Uint(value)) => value.to_string(),
        _ => key.value.clone(),
    }
}

/// Makes one generator's resource (not yet absorbed).
fn generate(
    b: &mut Builder,
    dir: &str,
    k: &Kustomization,
    args: &GeneratorArgs,
    kind: Kind,
) -> Built<Resource> {
    if args.name.value.is_empty() {
        let list = if kind == Kind::ConfigMap { "configMapGenerator" } else { "secretGenerator" };
        return b.fail(
            Diagnostic::new(
                Code::GeneratorInvalid,
                format!("a {} generator must have a name", kind.as_str()),
            )
            .at(&k.file, args.origin.span)
            .with_help(format!(
                "add `name:` to this `{list}` entry (kustomize: \"a configmap must have a name\")"
            )),
        );
    }
    let options = merged_options(b, k, args);
    let pairs = kv::load(b, dir, k, args)?;
    check_unique_keys(b, k, args, kind, &pairs)?;
    warn_about_keys(b, k, kind, &pairs);
    let node = build_object(args, kind, &options, pairs);
    let mut resource = Resource::new(node, Arc::from(k.file.as_str()));
    resource.behavior = behavior(args);
    resource.needs_hash = !options.disable_name_suffix_hash;
    Ok(resource)
}

fn behavior(args: &GeneratorArgs) -> Behavior {
    match args.behavior.as_ref().map(Str::as_str) {
        Some("create") => Behavior::Create,
        Some("merge") => Behavior::Merge,
        Some("replace") => Behavior::Replace,
        _ => Behavior::Unspecified,
    }
}

fn behavior_name(behavior: Behavior) -> &'static str {
    match behavior {
        Behavior::Create => "create",
        Behavior::Merge => "merge",
        Behavior::Replace => "replace",
        Behavior::Unspecified => "unspecified",
    }
}

/// kustomize's "illegally repeats the key" check, over all sources of one generator.
fn check_unique_keys(
    b: &mut Builder,
    k: &Kustomization,
    args: &GeneratorArgs,
    kind: Kind,
    pairs: &[Pair],
) -> Built<()> {
    let mut seen: VecMap<&str, &Pair> = VecMap::new();
    for pair in pairs {
        if let Some(first) = seen.insert(&pair.key, pair) {
            let mut d = Diagnostic::new(
                Code::GeneratorInvalid,
                format!(
                    "{} {} illegally repeats the key `{}`",
                    kind.as_str(),
                    args.name.value,
                    pair.key
                ),
            )
            .at(&k.file, pair.origin.span)
            .with_help("each key may come from one literal, file or env line only");
            if first.origin != pair.origin {
                d = d.with_related(
                    &k.file,
                    Some(first.origin.span),
                    "the key first came from here",
                );
            }
            return b.fail(d);
        }
    }
    Ok(())
}

/// kustomize accepts any key; the Kubernetes API server does not.
fn warn_about_keys(b: &mut Builder, k: &Kustomization, kind: Kind, pairs: &[Pair]) {
    for pair in pairs {
        if let Some(reason) = kv::invalid_key_reason(&pair.key) {
            b.diagnostics.push(
                Diagnostic::new(
                    Code::GeneratorSuspicious,
                    format!(
                        "key {:?} is not a valid {} key: {reason}; kustomize generates it, but the Kubernetes API server will reject the object",
                        pair.key,
                        kind.as_str()
                    ),
                )
                .at(&k.file, pair.origin.span),
            );
        }
    }
}

/// The generated object, in kustomize's field order.
fn build_object(args: &GeneratorArgs, kind: Kind, options: &Options, pairs: Vec<Pair>) -> Node {
    let at = |node: Node, origin: &Origin| node.with_origin(origin.clone());
    let mut root = at(Node::map(), &args.origin);
    root.set("apiVersion", at(Node::string("v1"), &args.origin));
    root.set("kind", at(Node::string(kind.as_str()), &args.origin));
    let mut metadata = at(Node::map(), &args.origin);
    metadata.set("name", at(Node::string(args.name.value.clone()), &args.name.origin));
    if let Some(namespace) = args.namespace.as_ref().filter(|n| !n.value.is_empty()) {
        metadata.set("namespace", at(Node::string(namespace.value.clone()), &namespace.origin));
    }
    for (field, map) in [("labels", &options.labels), ("annotations", &options.annotations)] {
        if !map.is_empty() {
            metadata.set(field, string_map(map.clone(), &args.origin));
        }
    }
    root.set("metadata", metadata);
    match kind {
        Kind::ConfigMap => add_config_map_data(&mut root, pairs, &args.origin),
        Kind::Secret => {
            let secret_type = args.secret_type.as_ref().filter(|t| !t.value.is_empty());
            let type_node = match secret_type {
                Some(t) => at(Node::string(t.value.clone()), &t.origin),
                None => at(Node::string("Opaque"), &args.origin),
            };
            root.set("type", type_node);
            add_secret_data(&mut root, pairs, &args.origin);
        }
    }
    if options.immutable {
        root.set("immutable", at(Node::plain("true"), &args.origin));
    }
    root
}

/// A `ConfigMap`'s `data` (UTF-8 values) and `binaryData` (base64 of the others); neither
/// field exists when it would be empty.
fn add_config_map_data(root: &mut Node, pairs: Vec<Pair>, origin: &Origin) {
    let mut data = Vec::new();
    let mut binary = Vec::new();
    for pair in pairs {
        match pair.value {
            Value::Text(text) => data.push((pair.key, Node::string(text).with_origin(pair.origin))),
            Value::Bytes(bytes) => {
                binary.push((pair.key, Node::string(base64(&bytes)).with_origin(pair.origin)));
            }
        }
    }
    if !data.is_empty() {
        root.set("data", string_map(sorted_entries(data), origin));
    }
    if !binary.is_empty() {
        root.set("binaryData", string_map(sorted_entries(binary), origin));
    }
}

/// A Secret's `data`: every value base64-encoded; `data: {}` even when there are none.
fn add_secret_data(root: &mut Node, pairs: Vec<Pair>, origin: &Origin) {
    let mut data = Vec::with_capacity(pairs.len());
    for pair in pairs {
        let bytes = match &pair.value {
            Value::Text(text) => text.as_bytes(),
            Value::Bytes(bytes) => bytes.as_slice(),
        };
        data.push((pair.key, Node::string(base64(bytes)).with_origin(pair.origin)));
    }
    root.set("data", string_map(sorted_entries(data), origin));
}

/// The entries sorted by key, one per key (the last one given), as a Go map holds them.
fn sorted_entries(mut entries: Vec<(String, Node)>) -> Vec<(String, Node)> {
    crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
    let mut out: Vec<(String, Node)> = Vec::with_capacity(entries.len());
    for entry in entries {
        match out.last_mut() {
            Some(last) if last.0 == entry.0 => *last = entry,
            _ => out.push(entry),
        }
    }
    out
}

/// A mapping with the given entries, in order. Keys are plain and untagged, as kyaml makes
/// them, so a key like `true` or `123` is typed when printed (and fails, as in kustomize).
fn string_map(entries: Vec<(String, Node)>, origin: &Origin) -> Node {
    let mut map = Node::map().with_origin(origin.clone());
    if let Some(items) = map.as_map_mut() {
        for (key, value) in entries {
            items.push((Node::plain(key).with_origin(value.origin.clone()), value));
        }
    }
    map
}

/// Standard base64 with padding, broken into lines of 70 characters, each ending in a
/// newline, when the encoding is 70 characters or longer (kyaml's `encodeBase64`).
fn base64(bytes: &[u8]) -> String {
    const LINE: usize = 70;
    let encoded = base64_std(bytes);
    if encoded.len() < LINE {
        return encoded;
    }
    let mut out = String::with_capacity(encoded.len() + encoded.len() / LINE + 1);
    for chunk in encoded.as_bytes().chunks(LINE) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out
}

fn base64_std(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Adds a generated resource to the accumulated ones (kustomize's `appendReplaceOrMerge`).
fn absorb(
    b: &mut Builder,
    k: &Kustomization,
    args: &GeneratorArgs,
    acc: &mut Accumulator,
    incoming: Resource,
) -> Built<()> {
    let id = incoming.id();
    let matches = acc.matching(&id);
    let behavior = incoming.behavior;
    let behavior_origin = args.behavior.as_ref().map_or(&args.name.origin, |s| &s.origin);
    match (matches.as_slice(), behavior) {
        ([], Behavior::Merge | Behavior::Replace) => b.fail(
            Diagnostic::new(Code::GeneratorInvalid, format!("id {} does not exist; cannot merge or replace", id.display()))
                .at(&k.file, behavior_origin.span)
                .with_help(format!(
                    "`behavior: {}` changes a {} that already exists (from `resources`, a base, a component or an earlier generator) with the same name and namespace; the kustomization's own `namespace:` is applied only after generators run",
                    behavior_name(behavior),
                    id.gvk.kind
                )),
        ),
        ([], _) => {
            acc.resources.push(incoming);
            Ok(())
        }
        (&[i], Behavior::Merge | Behavior::Replace) => {
            let merged = merge_into_existing(incoming, &acc.resources[i], behavior == Behavior::Merge);
            acc.resources[i] = merged;
            Ok(())
        }
        (&[i], _) => {
            let existing = acc.resources[i].source.to_string();
            b.fail(
                Diagnostic::new(
                    Code::GeneratorInvalid,
                    format!(
                        "id {} exists; can not use behavior: '{}', behavior must be merge or replace",
                        id.display(),
                        behavior_name(behavior)
                    ),
                )
                .at(&k.file, behavior_origin.span)
                .with_related(existing, None, "the existing resource comes from here")
                .with_help("add `behavior: merge` or `behavior: replace` to change it, or give the generator another name"),
            )
        }
        (many, _) => {
            let ids: Vec<String> = many.iter().map(|&i| acc.resources[i].id().display()).collect();
            b.fail(
                Diagnostic::new(
                    Code::GeneratorInvalid,
                    format!("found multiple objects [{}] that could accept merge of {}", ids.join(" "), id.display()),
                )
                .at(&k.file, behavior_origin.span),
            )
        }
    }
}

/// The incoming resource, taking over the existing one's identity (kustomize's
/// `CopyMergeMetaDataFieldsFrom`) and, for `merge`, its data.
fn merge_into_existing(mut incoming: Resource, existing: &Resource, merge_data: bool) -> Resource {
    for field in ["labels", "annotations"] {
        let merged = merged_strings(metadata_map(existing, field), metadata_map(&incoming, field));
        set_string_map(&mut incoming.node, &["metadata"], field, merged);
    }
    copy_identity(&mut incoming, existing);
    if merge_data {
        for field in ["data", "binaryData"] {
            let merged = merged_strings(top_map(existing, field), top_map(&incoming, field));
            set_string_map(&mut incoming.node, &[], field, merged);
        }
    }
    incoming
}

/// Name, namespace and the kustomize bookkeeping come from the existing resource; the
/// hash suffix stays only if both sides asked for it.
fn copy_identity(incoming: &mut Resource, existing: &Resource) {
    let name = existing.node.path(&["metadata", "name"]).map(as_string_node);
    let namespace = existing
        .node
        .path(&["metadata", "namespace"])
        .filter(|n| !n.scalar().unwrap_or_default().is_empty());
    if let Some(meta) = incoming.node.ensure_map(&["metadata"]) {
        if let Some(name) = name {
            meta.set("name", name);
        }
        match namespace {
            Some(ns) => meta.set("namespace", as_string_node(ns)),
            None => {
                meta.remove("namespace");
            }
        }
    }
    incoming.previous.clone_from(&existing.previous);
    incoming.name_prefixes.clone_from(&existing.name_prefixes);
    incoming.name_suffixes.clone_from(&existing.name_suffixes);
    incoming.behavior = existing.behavior;
    incoming.needs_hash = incoming.needs_hash && existing.needs_hash;
}

/// A scalar as a string node (kyaml's `GetValue`: a collection's "value" is empty).
fn as_string_node(node: &Node) -> Node {
    Node::string(node.scalar().unwrap_or_default()).with_origin(node.origin.clone())
}

fn metadata_map<'a>(r: &'a Resource, field: &str) -> Vec<(String, &'a Node)> {
    entries_of(r.node.path(&["metadata", field]))
}

fn top_map<'a>(r: &'a Resource, field: &str) -> Vec<(String, &'a Node)> {
    entries_of(r.node.get(field))
}

fn entries_of(node: Option<&Node>) -> Vec<(String, &Node)> {
    match node.map(|n| &n.body) {
        Some(Body::Map(entries)) => {
            entries.iter().map(|(k, v)| (k.scalar().unwrap_or_default().to_string(), v)).collect()
        }
        _ => Vec::new(),
    }
}

/// `base` overlaid with `over` (kustomize's `mergeStringMaps`), values as strings, sorted.
fn merged_strings(base: Vec<(String, &Node)>, over: Vec<(String, &Node)>) -> Vec<(String, Node)> {
    let mut merged = Vec::with_capacity(base.len() + over.len());
    for (key, value) in base.into_iter().chain(over) {
        merged.push((key, as_string_node(value)));
    }
    sorted_entries(merged)
}

/// Replaces the map `field` under `parent` with `entries`, or removes it when empty.
fn set_string_map(root: &mut Node, parent: &[&str], field: &str, entries: Vec<(String, Node)>) {
    let Some(parent) = root.ensure_map(parent) else { return };
    let origin = parent.get(field).map_or_else(|| parent.origin.clone(), |n| n.origin.clone());
    parent.remove(field);
    if !entries.is_empty() {
        parent.set(field, string_map(entries, &origin));
    }
}

#[cfg(test)]
mod tests;
