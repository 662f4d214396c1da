//! Transformers that stamp metadata: namespace, name prefix and suffix, labels,
//! annotations, and replica counts.
//!
//! Each walks the field specs of its section of the transformer configuration. Values set
//! here get the origin of the kustomization entry that set them, so a reader can always ask
//! "where did this come from?".

use super::fail_at;
use crate::diagnostic::Code;
use crate::kustomize::context::{Accumulator, Builder, Built};
use crate::kustomize::fieldspec::{Create, FieldSpec, WalkError, merge_specs, walk};
use crate::kustomize::kustomization::{Kustomization, Str};
use crate::kustomize::resid::Gvk;
use crate::yaml::{Body, Node, Origin};

/// Annotation kustomize uses to mark what a Helm chart generated; such resources keep
/// their namespace.
const HELM_GENERATED: &str = "kustomize.config.k8s.io/helm-generated";

/// Which `RoleBinding`/`ClusterRoleBinding` subjects get the namespace (kustomize's
/// `setRoleBindingSubjects`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectMode {
    /// Subjects named `default` (the `namespace:` field's behaviour).
    DefaultOnly,
    /// Every subject of kind `ServiceAccount`.
    AllServiceAccounts,
    /// None.
    None,
}

/// The namespace transformer's settings.
#[derive(Debug, Clone, Copy)]
pub struct NamespaceArgs<'a> {
    pub namespace: &'a Str,
    /// Only set fields that are missing or empty.
    pub unset_only: bool,
    pub subjects: SubjectMode,
}

/// `namespace:` — sets `metadata.namespace` on namespaced kinds, the name of `v1 Namespace`
/// objects, the field specs of the `namespace` section, and the namespace of `RoleBinding`
/// subjects named `default`.
pub fn namespace(b: &mut Builder, k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    let Some(ns) = k.namespace.as_ref().filter(|n| !n.value.is_empty()) else { return Ok(()) };
    let args =
        NamespaceArgs { namespace: ns, unset_only: false, subjects: SubjectMode::DefaultOnly };
    apply_namespace(b, k, acc, args)
}

/// kustomize's `NamespaceTransformer` with explicit settings (the field specs are the
/// accumulator's `namespace` section).
pub fn apply_namespace(
    b: &mut Builder,
    k: &Kustomization,
    acc: &mut Accumulator,
    args: NamespaceArgs,
) -> Built<()> {
    let ns = args.namespace;
    if ns.value.is_empty() {
        return Ok(());
    }
    let specs: Vec<FieldSpec> =
        acc.config.namespace.iter().filter(|s| s.path != "metadata/namespace").cloned().collect();
    for i in 0..acc.resources.len() {
        let r = &mut acc.resources[i];
        if r.is_empty()
            || r.string_map("annotations")
                .iter()
                .any(|(key, v)| key == HELM_GENERATED && v == "true")
        {
            continue;
        }
        r.store_previous_id();
        let gvk = r.gvk();
        let result = set_namespace(&mut r.node, &gvk, args, &specs);
        if let Err(e) = result {
            return fail_at(
                b,
                k,
                Code::TransformerInvalid,
                &ns.origin,
                format!("namespace transformation failed: {}", e.0),
            );
        }
        let id = acc.resources[i].id();
        if acc.resources.iter().filter(|o| o.id().same_as(&id)).count() != 1 {
            return fail_at(
                b,
                k,
                Code::DuplicateResource,
                &ns.origin,
                format!("namespace transformation produces ID conflict: {}", id.display()),
            );
        }
    }
    Ok(())
}

fn set_namespace(
    node: &mut Node,
    gvk: &Gvk,
    args: NamespaceArgs,
    specs: &[FieldSpec],
) -> Result<(), WalkError> {
    let ns = args.namespace;
    let origin = ns.origin.clone();
    let mut set = |n: &mut Node| {
        if args.unset_only && n.scalar().is_some_and(|v| !v.is_empty()) {
            return Ok(());
        }
        n.set_scalar(ns.value.clone(), origin.clone());
        n.style = string_style(&ns.value);
        Ok(())
    };
    if !gvk.is_cluster_scoped() {
        let meta =
            FieldSpec { path: "metadata/namespace".into(), create: true, ..FieldSpec::default() };
        walk(node, &meta, Some(Create::Scalar), &mut set)?;
    }
    let role_binding = gvk.kind == "RoleBinding" || gvk.kind == "ClusterRoleBinding";
    let api_version = gvk.api_version();
    for spec in specs {
        if api_version != "v1" && spec.path == "metadata/name" {
            continue;
        }
        let spec_for_bindings = spec.kind == "RoleBinding" || spec.kind == "ClusterRoleBinding";
        if role_binding && spec_for_bindings && spec.path == "subjects/namespace" {
            continue;
        }
        walk(node, spec, Some(Create::Scalar), &mut set)?;
    }
    if role_binding && let Some(Body::Seq(subjects)) = node.get_mut("subjects").map(|s| &mut s.body)
    {
        for subject in subjects.iter_mut() {
            let chosen = match args.subjects {
                SubjectMode::DefaultOnly => {
                    subject.get("name").and_then(Node::scalar) == Some("default")
                }
                SubjectMode::AllServiceAccounts => {
                    subject.get("kind").and_then(Node::scalar) == Some("ServiceAccount")
                }
                SubjectMode::None => false,
            };
            let current = subject.get("namespace").and_then(Node::scalar).unwrap_or_default();
            if !chosen || (args.unset_only && !current.is_empty()) {
                continue;
            }
            let mut value = Node::string(ns.value.clone());
            value.origin = ns.origin.clone();
            subject.set("namespace", value);
        }
    }
    Ok(())
}

/// The style a string value set by a transformer gets (kustomize tags it `!!str`).
fn string_style(value: &str) -> crate::yaml::Style {
    Node::string(value).style
}

/// Kinds whose names prefixes and suffixes never touch.
fn skips_renaming(gvk: &Gvk) -> bool {
    gvk.is_selected_by("", "", "CustomResourceDefinition")
        || gvk.is_selected_by("apiregistration.k8s.io", "", "APIService")
        || gvk.is_selected_by("", "", "Namespace")
}

/// `namePrefix:` and `nameSuffix:`.
pub fn prefix_suffix(b: &mut Builder, k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    for (affix, is_prefix) in [(k.name_prefix.as_ref(), true), (k.name_suffix.as_ref(), false)] {
        let Some(affix) = affix.filter(|a| !a.value.is_empty()) else { continue };
        let specs =
            if is_prefix { acc.config.name_prefix.clone() } else { acc.config.name_suffix.clone() };
        for r in &mut acc.resources {
            let original = r.original_id();
            if skips_renaming(&original.gvk) {
                continue;
            }
            for spec in &specs {
                if !original.gvk.is_selected_by(&spec.group, &spec.version, &spec.kind) {
                    continue;
                }
                if spec.path == "metadata/name" {
                    let applied =
                        if is_prefix { &mut r.name_prefixes } else { &mut r.name_suffixes };
                    applied.push(affix.value.clone());
                    r.store_previous_id();
                }
                let origin = affix.origin.clone();
                let result = walk(&mut r.node, spec, Some(Create::Scalar), &mut |n| {
                    let current = n.scalar().unwrap_or_default();
                    let renamed = if is_prefix {
                        format!("{}{current}", affix.value)
                    } else {
                        format!("{current}{}", affix.value)
                    };
                    n.set_scalar(renamed, origin.clone());
                    Ok(())
                });
                if let Err(e) = result {
                    return fail_at(b, k, Code::TransformerInvalid, &affix.origin, e.0);
                }
            }
        }
    }
    Ok(())
}

/// `labels:` entries, then `commonLabels:`.
pub fn labels(b: &mut Builder, k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    for label in &k.labels {
        let mut specs: Vec<FieldSpec> =
            label.fields.iter().map(super::config_file::to_spec).collect();
        let mut merged = merge_specs(&mut specs, &acc.config.labels);
        if label.include_selectors {
            merged = merged.and_then(|()| merge_specs(&mut specs, &acc.config.common_labels));
        } else {
            if label.include_templates {
                merged = merged.and_then(|()| merge_specs(&mut specs, &acc.config.template_labels));
            }
            let meta =
                FieldSpec { path: "metadata/labels".into(), create: true, ..FieldSpec::default() };
            merged = merged.and_then(|()| merge_specs(&mut specs, &[meta]));
        }
        if let Err(e) = merged {
            return fail_at(
                b,
                k,
                Code::TransformerInvalid,
                &label.origin,
                format!("failed to merge labels: {e}"),
            );
        }
        set_pairs(b, k, acc, &label.pairs, &specs, &label.origin)?;
    }
    if !k.common_labels.is_empty() {
        let specs = acc.config.common_labels.clone();
        let origin = k.common_labels[0].0.origin.clone();
        set_pairs(b, k, acc, &k.common_labels, &specs, &origin)?;
    }
    Ok(())
}

/// `commonAnnotations:`.
pub fn annotations(b: &mut Builder, k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    if k.common_annotations.is_empty() {
        return Ok(());
    }
    let specs = acc.config.common_annotations.clone();
    let origin = k.common_annotations[0].0.origin.clone();
    set_pairs(b, k, acc, &k.common_annotations, &specs, &origin)
}

/// Sets every pair (in key order, as kustomize does) into the maps at `specs`.
fn set_pairs(
    b: &mut Builder,
    k: &Kustomization,
    acc: &mut Accumulator,
    pairs: &[(Str, Str)],
    specs: &[FieldSpec],
    origin: &Origin,
) -> Built<()> {
    let mut sorted: Vec<&(Str, Str)> = pairs.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| a.0.value.cmp(&b.0.value));
    sorted.dedup_by(|a, b| a.0.value == b.0.value);
    for r in &mut acc.resources {
        for (key, value) in &sorted {
            for spec in specs {
                let result = walk(&mut r.node, spec, Some(Create::Map), &mut |n| {
                    if !n.is_map() {
                        if n.is_null() {
                            *n = Node::map();
                        } else {
                            return Err(WalkError(format!(
                                "wrong node kind: expected MappingNode at '{}'",
                                spec.path
                            )));
                        }
                    }
                    let mut v = Node::string(value.value.clone());
                    v.origin = value.origin.clone();
                    n.set(&key.value, v);
                    Ok(())
                });
                if let Err(e) = result {
                    return fail_at(b, k, Code::TransformerInvalid, origin, e.0);
                }
            }
        }
    }
    Ok(())
}

/// `replicas:` — sets the count on resources of that name whose kind has a replicas spec.
pub fn replicas(b: &mut Builder, k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    for replica in &k.replicas {
        let specs = acc.config.replicas.clone();
        let mut found = false;
        for spec in &specs {
            for r in &mut acc.resources {
                let matches = r.any_id(|id| {
                    id.name == replica.name.value
                        && id.gvk.is_selected_by(&spec.group, &spec.version, &spec.kind)
                });
                if !matches {
                    continue;
                }
                found = true;
                let count = replica.count.value.to_string();
                let origin = replica.count.origin.clone();
                let result = walk(&mut r.node, spec, Some(Create::Scalar), &mut |n| {
                    *n = Node::plain(count.clone()).with_origin(origin.clone());
                    Ok(())
                });
                if let Err(e) = result {
                    return fail_at(b, k, Code::TransformerInvalid, &replica.origin, e.0);
                }
            }
        }
        if !found {
            let gvks: Vec<String> =
                specs.iter().map(|s| Gvk::new(&s.group, &s.version, &s.kind).display()).collect();
            return fail_at(
                b,
                k,
                Code::TransformerInvalid,
                &replica.name.origin,
                format!(
                    "resource with name {} does not match a config with the following GVK [{}]",
                    replica.name.value,
                    gvks.join(" ")
                ),
            );
        }
    }
    Ok(())
}
