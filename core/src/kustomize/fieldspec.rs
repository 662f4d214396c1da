//! Field specs: where in which kinds a transformer acts, and the walker that visits them.
//!
//! A field spec is a GVK selector plus a `/`-separated path (`spec/template/metadata/labels`,
//! with `[]` marking a list and `\/` a literal slash). kustomize's defaults live in
//! `builtin_config.txt` (data, one section per transformer); `configurations` files and CRDs
//! add to them. The walker mirrors kustomize's: lists are entered element by element even
//! without `[]`, missing fields end the walk unless the spec says `create`, and nulls are
//! skipped.

use std::sync::OnceLock;

use super::resid::{Gvk, split_api_version};
use crate::yaml::{Body, Node, Origin};

/// One field spec.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSpec {
    pub group: String,
    pub version: String,
    pub kind: String,
    /// The path as written.
    pub path: String,
    pub create: bool,
}

impl FieldSpec {
    /// Whether the spec applies to an object of this apiVersion and kind.
    #[must_use]
    pub fn selects(&self, api_version: &str, kind: &str) -> bool {
        let (group, version) = split_api_version(api_version);
        (self.kind.is_empty() || self.kind == kind)
            && (self.group.is_empty() || self.group == group)
            && (self.version.is_empty() || self.version == version)
    }

    /// The path split into fields, honouring `\/` escapes.
    #[must_use]
    pub fn segments(&self) -> Vec<String> {
        split_path(&self.path)
    }

    fn effectively_equals(&self, other: &FieldSpec) -> bool {
        // `Gvk::is_selected_by` on this spec's group, version and kind, without building a
        // `Gvk` (three strings) per comparison: merges compare every pair of two lists.
        self.path == other.path
            && (other.group.is_empty() || other.group == self.group)
            && (other.version.is_empty() || other.version == self.version)
            && (other.kind.is_empty() || other.kind == self.kind)
    }
}

/// Splits a field path on `/`, where a `\` before `/` keeps the slash in the field name.
#[must_use]
pub fn split_path(path: &str) -> Vec<String> {
    super::fieldpath::split_escaped(path, '/')
}

/// Field specs pointing at names of one kind of resource (`nameReference`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameReference {
    pub target: Gvk,
    pub referrers: Vec<FieldSpec>,
}

/// Where each transformer acts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TransformerConfig {
    pub name_prefix: Vec<FieldSpec>,
    pub name_suffix: Vec<FieldSpec>,
    pub common_labels: Vec<FieldSpec>,
    pub template_labels: Vec<FieldSpec>,
    pub labels: Vec<FieldSpec>,
    pub common_annotations: Vec<FieldSpec>,
    pub namespace: Vec<FieldSpec>,
    pub var_reference: Vec<FieldSpec>,
    pub images: Vec<FieldSpec>,
    pub replicas: Vec<FieldSpec>,
    pub name_reference: Vec<NameReference>,
}

/// Two field specs for the same place disagree about `create`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("conflicting fieldspecs for path '{0}'")]
pub struct ConflictError(pub String);

impl TransformerConfig {
    /// kustomize's default configuration.
    #[must_use]
    pub fn builtin() -> &'static TransformerConfig {
        static CONFIG: OnceLock<TransformerConfig> = OnceLock::new();
        CONFIG.get_or_init(|| parse_config_text(include_str!("builtin_config.txt")))
    }

    /// The specs of a section by its kustomize name; none for an unknown name.
    fn section(&self, name: &str) -> &[FieldSpec] {
        match name {
            "namePrefix" => &self.name_prefix,
            "nameSuffix" => &self.name_suffix,
            "commonLabels" => &self.common_labels,
            "templateLabels" => &self.template_labels,
            "labels" => &self.labels,
            "commonAnnotations" => &self.common_annotations,
            "namespace" => &self.namespace,
            "varReference" => &self.var_reference,
            "images" => &self.images,
            "replicas" => &self.replicas,
            _ => &[],
        }
    }

    /// The specs of a section by its kustomize name (`commonLabels`, `images`, …).
    pub fn section_mut(&mut self, name: &str) -> Option<&mut Vec<FieldSpec>> {
        Some(match name {
            "namePrefix" => &mut self.name_prefix,
            "nameSuffix" => &mut self.name_suffix,
            "commonLabels" => &mut self.common_labels,
            "templateLabels" => &mut self.template_labels,
            "labels" => &mut self.labels,
            "commonAnnotations" => &mut self.common_annotations,
            "namespace" => &mut self.namespace,
            "varReference" => &mut self.var_reference,
            "images" => &mut self.images,
            "replicas" => &mut self.replicas,
            _ => return None,
        })
    }

    /// Merges another configuration into this one (kustomize's `TransformerConfig.Merge`).
    pub fn merge(&mut self, other: &TransformerConfig) -> Result<(), ConflictError> {
        for name in [
            "namePrefix",
            "nameSuffix",
            "commonLabels",
            "templateLabels",
            "labels",
            "commonAnnotations",
            "namespace",
            "varReference",
            "images",
            "replicas",
        ] {
            // The other configuration's section, read in place (a clone of the whole
            // configuration per section cost ten clones per merge).
            let incoming = other.section(name);
            if let Some(mine) = self.section_mut(name) {
                merge_specs(mine, incoming)?;
            }
        }
        for reference in &other.name_reference {
            match self.name_reference.iter_mut().find(|r| r.target == reference.target) {
                Some(existing) => merge_specs(&mut existing.referrers, &reference.referrers)?,
                None => self.name_reference.push(reference.clone()),
            }
        }
        Ok(())
    }
}

/// Adds specs not already present (kustomize's `FsSlice.MergeAll`).
pub fn merge_specs(into: &mut Vec<FieldSpec>, incoming: &[FieldSpec]) -> Result<(), ConflictError> {
    for spec in incoming {
        match into.iter().find(|s| s.effectively_equals(spec)) {
            Some(existing) if existing.create != spec.create => {
                return Err(ConflictError(spec.path.clone()));
            }
            Some(_) => {}
            None => into.push(spec.clone()),
        }
    }
    Ok(())
}

fn parse_config_text(text: &str) -> TransformerConfig {
    let mut config = TransformerConfig::default();
    let mut section = String::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = header.to_string();
            if let Some(target) = header.strip_prefix("nameReference ") {
                let f: Vec<&str> =
                    target.split(' ').map(|s| if s == "-" { "" } else { s }).collect();
                if let [group, version, kind] = f[..] {
                    config.name_reference.push(NameReference {
                        target: Gvk::new(group, version, kind),
                        referrers: Vec::new(),
                    });
                }
            }
            continue;
        }
        let f: Vec<&str> = line.split(' ').collect();
        let dash = |s: &str| if s == "-" { String::new() } else { s.to_string() };
        let spec = FieldSpec {
            group: dash(f[0]),
            version: dash(f.get(1).copied().unwrap_or("-")),
            kind: dash(f.get(2).copied().unwrap_or("-")),
            path: f.get(3).copied().unwrap_or_default().to_string(),
            create: f.get(4) == Some(&"create"),
        };
        if section.starts_with("nameReference ") {
            if let Some(last) = config.name_reference.last_mut() {
                last.referrers.push(spec);
            }
        } else if let Some(specs) = config.section_mut(&section) {
            specs.push(spec);
        }
    }
    config
}

/// What to create at the end of a path when it is missing (and the spec says `create`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Create {
    Map,
    Scalar,
}

/// An error while walking a field spec (kustomize's message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WalkError(pub String);

/// Visits the node(s) at `spec`'s path in `object` and calls `set` on each.
pub fn walk(
    object: &mut Node,
    spec: &FieldSpec,
    create: Option<Create>,
    set: &mut dyn FnMut(&mut Node) -> Result<(), WalkError>,
) -> Result<(), WalkError> {
    let api_version =
        object.get("apiVersion").and_then(Node::scalar).unwrap_or_default().to_string();
    let kind = object.get("kind").and_then(Node::scalar).unwrap_or_default().to_string();
    if !spec.selects(&api_version, &kind) {
        return Ok(());
    }
    let segments = spec.segments();
    let create = if spec.create { create } else { None };
    walk_path(object, &segments, create, set)
        .map_err(|e| WalkError(format!("considering field '{}' of object: {}", spec.path, e.0)))
}

fn walk_path(
    node: &mut Node,
    path: &[String],
    create: Option<Create>,
    set: &mut dyn FnMut(&mut Node) -> Result<(), WalkError>,
) -> Result<(), WalkError> {
    let Some((first, rest)) = path.split_first() else { return set(node) };
    if node.is_null() {
        return Ok(());
    }
    match &mut node.body {
        Body::Seq(items) => {
            for item in items {
                walk_path(item, path, create, set)?;
            }
            Ok(())
        }
        Body::Map(_) => {
            let (field, is_seq) = match first.strip_suffix("[]") {
                Some(f) => (f, true),
                None => (first.as_str(), false),
            };
            if field.is_empty() {
                return Err(WalkError("cannot set or create an empty field name".into()));
            }
            let make = match create {
                Some(_) if is_seq => None,
                Some(kind) if rest.is_empty() => Some(kind),
                Some(_) => Some(Create::Map),
                None => None,
            };
            if let Some(kind) = make
                && node.get(field).is_none_or(Node::is_null)
            {
                let fresh = match kind {
                    Create::Map => Node::map(),
                    Create::Scalar => Node::string(""),
                };
                node.set(field, fresh.with_origin(Origin::default()));
            }
            match node.get_mut(field) {
                Some(child) => walk_path(child, rest, create, set),
                None => Ok(()),
            }
        }
        Body::Scalar(_) => Err(WalkError("expected sequence or mapping node".into())),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::{Limits, parse};

    fn doc(text: &str) -> Node {
        parse(&Arc::from("r.yaml"), text, &Limits::default()).documents.remove(0).root
    }

    #[test]
    fn builtin_config_loads_every_section() {
        let c = TransformerConfig::builtin();
        assert_eq!(c.name_prefix.len(), 1);
        assert!(
            c.common_labels
                .iter()
                .any(|s| s.kind == "Service" && s.path == "spec/selector" && s.create)
        );
        assert!(c.images.iter().any(|s| s.path == "spec/template/spec/containers[]/image"));
        let cm = c.name_reference.iter().find(|r| r.target.kind == "ConfigMap").unwrap();
        assert!(
            cm.referrers
                .iter()
                .any(|s| s.kind == "Deployment" && s.path.ends_with("envFrom/configMapRef/name"))
        );
        let secret = c.name_reference.iter().find(|r| r.target.kind == "Secret").unwrap();
        assert!(
            secret
                .referrers
                .iter()
                .any(|s| s.segments().last().unwrap() == "nginx.ingress.kubernetes.io/auth-secret")
        );
    }

    #[test]
    fn walk_enters_lists_and_creates_when_asked() {
        let mut d = doc(
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: x\n      - name: b\n        image: y\n",
        );
        let spec = FieldSpec {
            path: "spec/template/spec/containers/image".into(),
            ..FieldSpec::default()
        };
        let mut seen = Vec::new();
        walk(&mut d, &spec, None, &mut |n| {
            seen.push(n.scalar().unwrap_or_default().to_string());
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, ["x", "y"]);

        let spec =
            FieldSpec { path: "metadata/labels".into(), create: true, ..FieldSpec::default() };
        walk(&mut d, &spec, Some(Create::Map), &mut |n| {
            n.set("app", Node::string("web"));
            Ok(())
        })
        .unwrap();
        assert_eq!(d.path(&["metadata", "labels", "app"]).and_then(Node::scalar), Some("web"));
    }

    #[test]
    fn walk_respects_gvk_and_reports_scalars_in_the_way() {
        let mut d = doc("apiVersion: v1\nkind: Service\nspec: 3\n");
        let spec =
            FieldSpec { kind: "Deployment".into(), path: "spec/x".into(), ..FieldSpec::default() };
        walk(&mut d, &spec, None, &mut |_| panic!("must not visit")).unwrap();
        let spec = FieldSpec { path: "spec/x".into(), ..FieldSpec::default() };
        assert!(walk(&mut d, &spec, None, &mut |_| Ok(())).is_err());
    }

    #[test]
    fn merge_detects_conflicts() {
        let a =
            FieldSpec { kind: "X".into(), path: "p".into(), create: true, ..FieldSpec::default() };
        let b = FieldSpec { create: false, ..a.clone() };
        let mut into = vec![a.clone()];
        assert!(merge_specs(&mut into, std::slice::from_ref(&a)).is_ok());
        assert_eq!(into.len(), 1);
        assert!(merge_specs(&mut into, &[b]).is_err());
        assert_eq!(split_path("a/b\\/c/d"), ["a", "b/c", "d"]);
    }
}
