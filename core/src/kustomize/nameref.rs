//! Name references: after prefixes, suffixes, hashes and namespaces renamed resources, the
//! fields that name them (`configMapRef.name`, `roleRef.name`, `subjects`, `scaleTargetRef`, …)
//! follow. This is kustomize's `nameReferenceTransformer` and `filters/nameref`.
//!
//! The configuration is a list of *back references* (`acc.config.name_reference`): a target
//! kind plus the field specs of referrers that name it. A referrer is chosen by its original
//! kind; for each of its fields, the value is the *old* name and the new name is that of the
//! one candidate that
//!
//! 1. once had that name (a previous id — a resource never renamed is never a referral),
//! 2. once had the target's kind (and, for `roleRef/name`, the roleRef's group and kind),
//! 3. lives in the referrer's namespace (cluster-scoped kinds and any `ServiceAccount` anywhere;
//!    a `RoleBinding` also sees the namespaces its `ServiceAccount` subjects name),
//! 4. and, if several remain, got the same name prefixes and suffixes as the referrer.
//!
//! Several survivors that all have the same new name are fine; otherwise it is kustomize's
//! "found multiple possible referrals" error. A field holding an object (`subjects` items,
//! webhook `clientConfig.service`) gets its `name` and, if the referral has one, its
//! `namespace` set; candidates are then narrowed by the object's `namespace`.
//!
//! Candidates are read from a snapshot taken before any field changes: this transformer only
//! rewrites referring fields, never the names it reads, so the snapshot is what kustomize
//! sees too. Back references run in kustomize's order (sorted by target kind), which decides
//! the outcome when two targets could rename the same field (`rules/resourceNames`).

use std::sync::Arc;

use super::context::{Accumulator, Builder, Built};
use super::fieldspec::{FieldSpec, NameReference, split_path};
use super::kustomization::Kustomization;
use super::resid::{DEFAULT_ORDER_FIRST, DEFAULT_ORDER_LAST, Gvk, ResId};
use super::resource::Resource;
use crate::diagnostic::{Code, Diagnostic};
use crate::yaml::{Body, Node, Origin};

/// What the transformer knows about a possible referral.
#[derive(Debug, Clone)]
struct Candidate {
    current: ResId,
    previous: Vec<ResId>,
    /// The original id's effective namespace; `None` for a cluster-scoped original kind.
    original_namespace: Option<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    source: Arc<str>,
    /// Where the current name was set; a rewritten reference gets this origin.
    name_origin: Origin,
}

impl Candidate {
    fn of(r: &Resource) -> Self {
        Candidate {
            current: r.id(),
            previous: r.previous_ids(),
            original_namespace: {
                let original = r.original_id();
                (!original.gvk.is_cluster_scoped())
                    .then(|| original.effective_namespace().to_string())
            },
            prefixes: r.name_prefixes.clone(),
            suffixes: r.name_suffixes.clone(),
            source: r.source.clone(),
            name_origin: r
                .node
                .path(&["metadata", "name"])
                .map(|n| n.origin.clone())
                .unwrap_or_default(),
        }
    }

    fn name(&self) -> &str {
        &self.current.name
    }

    fn namespace(&self) -> &str {
        &self.current.namespace
    }
}

/// The referring resource, as the filters see it.
#[derive(Debug)]
struct Referrer {
    id: ResId,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    /// `roleRef`'s group and kind, when it has both.
    role_ref: Option<Gvk>,
    source: Arc<str>,
}

/// A failure while updating one field, with the node it is about.
#[derive(Debug)]
struct Failure {
    code: Code,
    message: String,
    origin: Origin,
    help: Option<String>,
    related: Vec<(String, String)>,
}

impl Failure {
    fn at(node: &Node, message: impl Into<String>) -> Self {
        Failure {
            code: Code::TransformerInvalid,
            message: message.into(),
            origin: node.origin.clone(),
            help: None,
            related: Vec::new(),
        }
    }
}

/// Fixes every name reference in the accumulated resources.
pub fn fix(b: &mut Builder, _k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    let back_references = in_kustomize_order(&acc.config.name_reference);
    let mut snapshot: Vec<Candidate> = Vec::with_capacity(acc.resources.len());
    let mut plans: Vec<Vec<(&FieldSpec, &Gvk)>> = Vec::with_capacity(acc.resources.len());
    for r in &acc.resources {
        snapshot.push(Candidate::of(r));
        plans.push(filters_for(r, &back_references));
    }
    for (i, plan) in plans.iter().enumerate() {
        if plan.is_empty() {
            continue;
        }
        let resource = &mut acc.resources[i];
        let referrer = Referrer {
            id: resource.id(),
            prefixes: resource.name_prefixes.clone(),
            suffixes: resource.name_suffixes.clone(),
            role_ref: role_ref_gvk(&resource.node),
            source: resource.source.clone(),
        };
        let candidates = match referenceable_by(&resource.node, &referrer.id, &snapshot) {
            Ok(candidates) => candidates,
            Err(failure) => return fail(b, &referrer, failure),
        };
        for (spec, target) in plan {
            let filter = Filter { spec, target, referrer: &referrer, candidates: &candidates };
            if let Err(failure) = filter.apply(&mut resource.node) {
                return fail(b, &referrer, failure);
            }
        }
    }
    Ok(())
}

fn fail(b: &mut Builder, referrer: &Referrer, failure: Failure) -> Built<()> {
    let file =
        failure.origin.file.as_deref().map_or_else(|| referrer.source.to_string(), str::to_string);
    let mut d = Diagnostic::new(failure.code, failure.message).at(file, failure.origin.span);
    if let Some(help) = failure.help {
        d = d.with_help(help);
    }
    for (file, message) in failure.related {
        d = d.with_related(file, None, message);
    }
    b.fail(d)
}

/// Back references sorted as kustomize sorts its configuration (`Gvk.IsLessThan`: known
/// kinds in their legacy order first, then by `group_version_kind` text), stably.
fn in_kustomize_order(references: &[NameReference]) -> Vec<&NameReference> {
    let mut sorted: Vec<&NameReference> = references.iter().collect();
    crate::sort::sort_by_key(&mut sorted, |r| gvk_sort_key(&r.target));
    sorted
}

fn gvk_sort_key(gvk: &Gvk) -> (i64, String) {
    let index = |list: &[&str]| {
        list.iter().position(|k| *k == gvk.kind).and_then(|i| i64::try_from(i).ok())
    };
    let first_len = i64::try_from(DEFAULT_ORDER_FIRST.len()).unwrap_or(i64::MAX);
    let rank = match (index(DEFAULT_ORDER_FIRST), index(DEFAULT_ORDER_LAST)) {
        (Some(i), _) => i - first_len,
        (None, Some(i)) => 1 + i,
        (None, None) => 0,
    };
    let or = |s: &str, d: &str| if s.is_empty() { d.to_string() } else { s.to_string() };
    (rank, format!("{}_{}_{}", or(&gvk.group, "~G"), or(&gvk.version, "~V"), or(&gvk.kind, "~K")))
}

/// The (field spec, target kind) pairs that apply to a resource, chosen by its original
/// kind and current group and version (kustomize's `determineFilters`).
fn filters_for<'a>(
    r: &Resource,
    back_references: &[&'a NameReference],
) -> Vec<(&'a FieldSpec, &'a Gvk)> {
    let original = r.original_id().gvk;
    let mut out = Vec::new();
    for reference in back_references {
        for spec in &reference.referrers {
            if original.is_selected_by(&spec.group, &spec.version, &spec.kind) {
                out.push((spec, &reference.target));
            }
        }
    }
    out
}

/// `roleRef`'s `apiGroup` and `kind`, when the object has a roleRef with both.
fn role_ref_gvk(node: &Node) -> Option<Gvk> {
    let role_ref = node.get("roleRef").filter(|r| r.is_map())?;
    let group = role_ref.get("apiGroup")?.scalar().unwrap_or_default();
    let kind = role_ref.get("kind")?.scalar().unwrap_or_default();
    Some(Gvk::new(group, "", kind))
}

/// The resources the referrer may name (kustomize's `SubsetThatCouldBeReferencedByResource`).
fn referenceable_by<'s>(
    node: &Node,
    referrer: &ResId,
    snapshot: &'s [Candidate],
) -> Result<Vec<&'s Candidate>, Failure> {
    let cluster_scoped = referrer.gvk.is_cluster_scoped();
    let subject_namespaces = if cluster_scoped {
        Vec::new()
    } else {
        service_account_subject_namespaces(node, referrer)?
    };
    let mut out = Vec::with_capacity(snapshot.len());
    for c in snapshot {
        if cluster_scoped
            || c.current.gvk.is_cluster_scoped()
            || c.current.effective_namespace() == referrer.effective_namespace()
            || subject_namespaces.iter().any(|ns| ns == c.namespace())
        {
            out.push(c);
        }
    }
    Ok(out)
}

/// For a `RoleBinding`, the namespaces named by its `ServiceAccount` subjects.
fn service_account_subject_namespaces(
    node: &Node,
    referrer: &ResId,
) -> Result<Vec<String>, Failure> {
    if referrer.gvk.kind != "RoleBinding" {
        return Ok(Vec::new());
    }
    let Some(subjects) = node.get("subjects").and_then(Node::as_seq) else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for subject in subjects {
        let (Some(namespace), Some(kind)) = (subject.get("namespace"), subject.get("kind")) else {
            continue;
        };
        if kind.as_str() != Some("ServiceAccount") {
            continue;
        }
        let Some(ns) = namespace.as_str() else {
            let mut failure = Failure::at(
                namespace,
                format!(
                    "Invalid Input: namespace is blank for resource \"{}\"",
                    referrer.display()
                ),
            );
            failure.help = Some("a ServiceAccount subject's namespace must be a string".into());
            return Err(failure);
        };
        out.push(ns.to_string());
    }
    Ok(out)
}

/// Walks a field spec's path like kustomize's `fieldspec.Filter` (without creating
/// anything): lists are entered item by item, a missing or null field ends the walk, a
/// scalar in the way is an error.
fn visit(
    node: &mut Node,
    path: &[String],
    set: &mut dyn FnMut(&mut Node) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let Some((first, rest)) = path.split_first() else { return set(node) };
    if node.is_null() {
        return Ok(());
    }
    match &mut node.body {
        Body::Seq(items) => items.iter_mut().try_for_each(|item| visit(item, path, set)),
        Body::Map(_) => {
            let field = first.strip_suffix("[]").unwrap_or(first);
            if field.is_empty() {
                return Err(Failure::at(node, "cannot set or create an empty field name"));
            }
            match node.get_mut(field) {
                Some(child) => visit(child, rest, set),
                None => Ok(()),
            }
        }
        Body::Scalar(_) => Err(Failure::at(node, "expected sequence or mapping node")),
    }
}

/// One (field spec, target kind) applied to one referrer.
struct Filter<'a> {
    spec: &'a FieldSpec,
    target: &'a Gvk,
    referrer: &'a Referrer,
    candidates: &'a [&'a Candidate],
}

impl Filter<'_> {
    fn apply(&self, node: &mut Node) -> Result<(), Failure> {
        let segments = split_path(&self.spec.path);
        visit(node, &segments, &mut |field| self.set(field)).map_err(|mut failure| {
            failure.message = format!(
                "updating name reference in '{}' field of '{}': {}",
                self.spec.path,
                self.referrer.id.display(),
                failure.message
            );
            failure
        })
    }

    /// kustomize's `Filter.set`: a name, an object with a name, or a list of either.
    fn set(&self, node: &mut Node) -> Result<(), Failure> {
        if node.is_null() {
            return Ok(());
        }
        match &mut node.body {
            Body::Scalar(_) => self.set_scalar(node),
            Body::Map(_) => self.set_mapping(node),
            Body::Seq(items) => {
                for item in items.iter_mut().filter(|item| !item.is_null()) {
                    match item.body {
                        Body::Scalar(_) => self.set_scalar(item)?,
                        Body::Map(_) => self.set_mapping(item)?,
                        Body::Seq(_) => {
                            return Err(Failure::at(
                                item,
                                "a list item is expected to be either a string or a map of string",
                            ));
                        }
                    }
                }
                Ok(())
            }
        }
    }

    fn set_scalar(&self, node: &mut Node) -> Result<(), Failure> {
        let old = node.scalar().unwrap_or_default().to_string();
        let Some(referral) = self.select(node, &old, self.candidates.to_vec(), same_names)? else {
            return Ok(());
        };
        if referral.name() != old {
            replace_scalar(node, referral.name(), &referral.name_origin);
        }
        Ok(())
    }

    fn set_mapping(&self, node: &mut Node) -> Result<(), Failure> {
        let Some(name_node) = node.get("name") else {
            let mut failure = Failure::at(node, "path config error; no 'name' field in node");
            failure.help = Some(format!(
                "the nameReference field spec '{}' points at an object here, so kustomize expects the object to have a `name` field",
                self.spec.path
            ));
            return Err(failure);
        };
        let old = name_node.scalar().unwrap_or_default().to_string();
        let candidates = self.by_namespace_field(node);
        let Some(referral) = self.select(name_node, &old, candidates, same_names_and_namespaces)?
        else {
            return Ok(());
        };
        if referral.name() == old && referral.namespace().is_empty() {
            return Ok(());
        }
        if let Some(name) = node.get_mut("name")
            && referral.name() != old
        {
            replace_scalar(name, referral.name(), &referral.name_origin);
        }
        if referral.namespace().is_empty() {
            return Ok(());
        }
        match node.get_mut("namespace") {
            Some(namespace) if namespace.scalar() == Some(referral.namespace()) => {}
            Some(namespace) => {
                replace_scalar(namespace, referral.namespace(), &referral.name_origin);
            }
            None => node.set(
                "namespace",
                Node::string(referral.namespace()).with_origin(referral.name_origin.clone()),
            ),
        }
        Ok(())
    }

    /// An object's own `namespace` narrows the candidates: those originally in it, else
    /// those now in it (cluster-scoped ones are in no namespace).
    fn by_namespace_field(&self, node: &Node) -> Vec<&Candidate> {
        let Some(namespace) = node.get("namespace") else { return self.candidates.to_vec() };
        let namespace = namespace.scalar().unwrap_or_default();
        let original: Vec<&Candidate> = self
            .candidates
            .iter()
            .copied()
            .filter(|c| c.original_namespace.as_deref() == Some(namespace))
            .collect();
        if !original.is_empty() {
            return original;
        }
        self.candidates
            .iter()
            .copied()
            .filter(|c| {
                !c.current.gvk.is_cluster_scoped() && c.current.effective_namespace() == namespace
            })
            .collect()
    }

    /// kustomize's `selectReferral`.
    fn select<'c>(
        &self,
        node: &Node,
        old: &str,
        mut candidates: Vec<&'c Candidate>,
        identical: fn(&[&Candidate]) -> bool,
    ) -> Result<Option<&'c Candidate>, Failure> {
        candidates.retain(|c| c.previous.iter().any(|id| id.name == old));
        candidates.retain(|c| c.previous.iter().any(|id| selects(self.target, &id.gvk)));
        if self.spec.path.ends_with("roleRef/name")
            && let Some(role_ref) = &self.referrer.role_ref
        {
            candidates.retain(|c| c.previous.iter().any(|id| selects(role_ref, &id.gvk)));
        }
        if !self.referrer.id.gvk.is_cluster_scoped() {
            let namespace = self.referrer.id.effective_namespace();
            candidates.retain(|c| {
                c.current.gvk.is_cluster_scoped()
                    || c.current.gvk.kind == "ServiceAccount"
                    || c.current.effective_namespace() == namespace
            });
        }
        if candidates.len() == 1 {
            return Ok(candidates.pop());
        }
        candidates.retain(|c| self.same_affixes(c, true));
        if candidates.len() > 1 {
            candidates.retain(|c| self.same_affixes(c, false));
        }
        match candidates.len() {
            0 => Ok(None),
            1 => Ok(candidates.pop()),
            _ if identical(&candidates) => Ok(candidates.first().copied()),
            _ => Err(self.ambiguity(node, old, &candidates)),
        }
    }

    /// kustomize's `PrefixesSuffixesEquals`: the prefix and suffix lists end alike; with
    /// `allow_empty`, an empty list on either side matches anything.
    fn same_affixes(&self, c: &Candidate, allow_empty: bool) -> bool {
        let matches = |mine: &[String], theirs: &[String]| {
            (allow_empty && (mine.is_empty() || theirs.is_empty())) || same_ending(mine, theirs)
        };
        matches(&c.prefixes, &self.referrer.prefixes)
            && matches(&c.suffixes, &self.referrer.suffixes)
    }

    fn ambiguity(&self, node: &Node, old: &str, candidates: &[&Candidate]) -> Failure {
        let ids: Vec<String> = candidates.iter().map(|c| c.current.display()).collect();
        let mut failure = Failure::at(
            node,
            format!("found multiple possible referrals for '{old}': {}", ids.join(", ")),
        );
        failure.code = Code::NameReferenceAmbiguous;
        failure.help = Some(format!(
            "'{old}' was the name of each of these {}s; kustomize cannot tell which one is meant. Give them different names, or put the referrer in the same namespace (or under the same namePrefix/nameSuffix) as the one it means",
            self.target.kind
        ));
        failure.related = candidates
            .iter()
            .map(|c| (c.source.to_string(), format!("candidate {}", c.current.display())))
            .collect();
        failure
    }
}

/// `Gvk.IsSelected`: empty selector fields match anything.
fn selects(selector: &Gvk, gvk: &Gvk) -> bool {
    gvk.is_selected_by(&selector.group, &selector.version, &selector.kind)
}

/// kustomize's `SameEndingSubSlice`: the shorter list is the tail of the longer one (two
/// empty lists match; an empty and a non-empty one do not).
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long.ends_with(short)
}

fn same_names(candidates: &[&Candidate]) -> bool {
    candidates.windows(2).all(|w| w[0].name() == w[1].name())
}

fn same_names_and_namespaces(candidates: &[&Candidate]) -> bool {
    candidates
        .windows(2)
        .all(|w| w[0].name() == w[1].name() && w[0].namespace() == w[1].namespace())
}

/// Sets a scalar's text as kyaml's `FieldSetter` does: the node's style is kept, its tag
/// dropped (so a plain `123` reads back as a number, as in kustomize).
fn replace_scalar(node: &mut Node, value: &str, origin: &Origin) {
    let style = if node.is_scalar() { node.style } else { crate::yaml::Style::Plain };
    *node = Node::plain(value).with_origin(origin.clone());
    node.style = style;
}

#[cfg(test)]
mod tests;
