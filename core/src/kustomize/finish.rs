//! The steps kustomize runs once, on the top-level kustomization, after accumulation:
//! generator name hashes, name-reference fixes, legacy var substitution, dropping
//! `config.kubernetes.io/local-config` resources, and the output order.

use super::context::{Accumulator, Builder, Built};
use super::kustomization::Kustomization;
use super::resid::{DEFAULT_ORDER_FIRST, DEFAULT_ORDER_LAST, LegacyOrder};
use super::resource::Resource;
use super::transform::fail_at;
use super::{generate, nameref, transform};
use crate::diagnostic::Code;
use crate::yaml::{Body, Node};

const LOCAL_CONFIG: &str = "config.kubernetes.io/local-config";

/// The annotations kustomize deletes from every resource it prints, whoever wrote them
/// (kustomize v5.8.1 `api/krusty/kustomizer.go` `Run`: `RemoveBuildAnnotations` with
/// `BuildAnnotations` of `api/resource/resource.go`, then `RemoveOriginAnnotations` and
/// `RemoveTransformerAnnotations`, since Baton refuses `buildMetadata`). Files written by kpt or
/// `kustomize cfg` carry the path and index ones.
const STRIPPED: [&str; 21] = [
    "internal.config.kubernetes.io/previousKinds",
    "internal.config.kubernetes.io/previousNames",
    "internal.config.kubernetes.io/prefixes",
    "internal.config.kubernetes.io/suffixes",
    "internal.config.kubernetes.io/previousNamespaces",
    "internal.config.kubernetes.io/allowNameChange",
    "internal.config.kubernetes.io/allowKindChange",
    "internal.config.kubernetes.io/refBy",
    "internal.config.kubernetes.io/generatorBehavior",
    "internal.config.kubernetes.io/needsHashSuffix",
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/seqindent",
    "internal.config.kubernetes.io/id",
    "internal.config.kubernetes.io/annotations-migration-resource-id",
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
    "config.k8s.io/id",
    "internal.config.kubernetes.io/helm-generated",
    "config.kubernetes.io/origin",
    "alpha.config.kubernetes.io/transformations",
];

/// Finishes a top-level build: returns the resources to print, in order.
pub fn finish(b: &mut Builder, k: &Kustomization, mut acc: Accumulator) -> Built<Vec<Resource>> {
    generate::add_name_hashes(b, k, &mut acc)?;
    nameref::fix(b, k, &mut acc)?;
    transform::vars::resolve(b, k, &mut acc)?;
    acc.resources.retain(|r| {
        !r.string_map("annotations").iter().any(|(key, v)| key == LOCAL_CONFIG && v != "false")
    });
    for r in &mut acc.resources {
        normalize_annotations(&mut r.node);
    }
    sort(b, k, &mut acc.resources)?;
    Ok(acc.resources)
}

/// kustomize rewrites every resource's annotations when it strips its build annotations
/// (`STRIPPED`, whoever wrote them): values become strings of their source text (`0.50` stays `"0.50"`, `~` stays `"~"`; only an
/// empty value becomes `""`),
/// keys are sorted, and an empty or null `annotations` disappears. Labels are left alone.
fn normalize_annotations(node: &mut Node) {
    let Some(meta) = node.get_mut("metadata").filter(|m| m.is_map()) else { return };
    let Some(annotations) = meta.get("annotations") else { return };
    let mut pairs: Vec<(String, Node)> = Vec::new();
    if let Body::Map(entries) = &annotations.body {
        for (k, v) in entries {
            if STRIPPED.contains(&k.scalar().unwrap_or_default()) {
                continue;
            }
            // kyaml's `GetAnnotations` takes each value's text whatever it resolves to:
            // `~` and `null` stay "~" and "null"; only an empty value is "".
            let mut value = Node::string(v.scalar().unwrap_or_default());
            value.origin = v.origin.clone();
            pairs.push((k.scalar().unwrap_or_default().to_string(), value));
        }
    }
    if pairs.is_empty() {
        meta.remove("annotations");
        return;
    }
    crate::sort::sort_by(&mut pairs, |a, b| a.0.cmp(&b.0));
    // Keys are re-created untagged, as kustomize does: a key like `"true"` then reads as a
    // boolean and fails to print, exactly as in kustomize.
    let mut entries = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        entries.push((Node::plain(key), value));
    }
    meta.set("annotations", Node { body: Body::Map(entries), ..Node::map() });
}

/// kustomize's sort: `legacy` (the default) orders by kind then id; `fifo` keeps load order.
fn sort(b: &mut Builder, k: &Kustomization, resources: &mut Vec<Resource>) -> Built<()> {
    let order = match &k.sort_options {
        None => LegacyOrder::default(),
        Some(options) => {
            let mode = options.order.as_ref().map_or("", |o| o.as_str());
            let has_legacy_options =
                !options.order_first.is_empty() || !options.order_last.is_empty();
            match mode {
                "fifo" if has_legacy_options => {
                    return fail_at(b, k, Code::TransformerInvalid, &options.origin, "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'".into());
                }
                "fifo" => return Ok(()),
                "legacy" if has_legacy_options => {
                    let first: Vec<&str> = options
                        .order_first
                        .iter()
                        .map(crate::yaml::decode::Spanned::as_str)
                        .collect();
                    let last: Vec<&str> = options
                        .order_last
                        .iter()
                        .map(crate::yaml::decode::Spanned::as_str)
                        .collect();
                    LegacyOrder::new(&first, &last)
                }
                "legacy" => LegacyOrder::new(DEFAULT_ORDER_FIRST, DEFAULT_ORDER_LAST),
                other => {
                    return fail_at(
                        b,
                        k,
                        Code::TransformerInvalid,
                        &options.origin,
                        format!(
                            "the field 'sortOptions.order' must be one of [legacy, fifo], got '{other}'"
                        ),
                    );
                }
            }
        }
    };
    let ids: Vec<_> = resources.iter().map(Resource::id).collect();
    let mut index: Vec<usize> = (0..resources.len()).collect();
    crate::sort::sort_by(&mut index, |&a, &b| order.compare(&ids[a], &ids[b]));
    // Moved into their places, not copied (a resource is a whole tree).
    let mut slots: Vec<Option<Resource>> =
        std::mem::take(resources).into_iter().map(Some).collect();
    resources.extend(index.iter().filter_map(|&i| slots[i].take()));
    Ok(())
}
