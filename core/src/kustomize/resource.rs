//! A resource being rendered: its YAML object plus the bookkeeping kustomize keeps about it.
//!
//! kustomize records earlier names of a resource (before prefixes, suffixes, hashes and
//! namespace changes) in build annotations; we keep them as fields instead, so they never
//! leak into output. Those earlier ids let patches and name references find a resource by
//! the name it was written with.

use std::sync::Arc;

use super::resid::{Gvk, ResId};
use crate::yaml::{Body, Node};

/// How a generated resource combines with an existing one of the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behavior {
    #[default]
    Unspecified,
    Create,
    Merge,
    Replace,
}

/// One resource in a render.
#[derive(Debug, Clone)]
pub struct Resource {
    pub node: Node,
    /// File the resource was read from, or the kustomization that generated it.
    pub source: Arc<str>,
    /// Earlier `(name, namespace, kind)`s, oldest first.
    pub previous: Vec<(String, String, String)>,
    pub behavior: Behavior,
    /// A generated ConfigMap/Secret whose name gets a content hash suffix.
    pub needs_hash: bool,
    /// Made by a generator (not read from a file).
    pub generated: bool,
    /// `namePrefix` values applied to the name, innermost kustomization first. Name
    /// references use them to tell apart resources that share an original name.
    pub name_prefixes: Vec<String>,
    /// `nameSuffix` values applied to the name, innermost kustomization first.
    pub name_suffixes: Vec<String>,
}

impl Resource {
    #[must_use]
    pub fn new(node: Node, source: Arc<str>) -> Self {
        Resource {
            node,
            source,
            previous: Vec::new(),
            behavior: Behavior::Unspecified,
            needs_hash: false,
            generated: false,
            name_prefixes: Vec::new(),
            name_suffixes: Vec::new(),
        }
    }

    fn meta(&self, key: &str) -> &str {
        self.node.path(&["metadata", key]).and_then(Node::scalar).unwrap_or_default()
    }

    #[must_use]
    pub fn api_version(&self) -> &str {
        self.node.get("apiVersion").and_then(Node::scalar).unwrap_or_default()
    }

    #[must_use]
    pub fn kind(&self) -> &str {
        self.node.get("kind").and_then(Node::scalar).unwrap_or_default()
    }

    #[must_use]
    pub fn name(&self) -> &str {
        self.meta("name")
    }

    #[must_use]
    pub fn namespace(&self) -> &str {
        self.meta("namespace")
    }

    #[must_use]
    pub fn gvk(&self) -> Gvk {
        Gvk::from_api_version(self.api_version(), self.kind())
    }

    /// The current id.
    #[must_use]
    pub fn id(&self) -> ResId {
        ResId {
            gvk: self.gvk(),
            name: self.name().to_string(),
            namespace: self.namespace().to_string(),
        }
    }

    /// Earlier ids (oldest first), with the current group and version as kustomize does.
    #[must_use]
    pub fn previous_ids(&self) -> Vec<ResId> {
        let gvk = self.gvk();
        self.previous
            .iter()
            .map(|(name, namespace, kind)| ResId {
                gvk: Gvk { kind: kind.clone(), ..gvk.clone() },
                name: name.clone(),
                namespace: namespace.clone(),
            })
            .collect()
    }

    /// The id the resource was first written with.
    #[must_use]
    pub fn original_id(&self) -> ResId {
        self.previous_ids().into_iter().next().unwrap_or_else(|| self.id())
    }

    /// Remembers the current name, namespace and kind before a change.
    pub fn store_previous_id(&mut self) {
        let entry =
            (self.name().to_string(), self.namespace().to_string(), self.kind().to_string());
        self.previous.push(entry);
    }

    /// The build annotations kustomize would carry in the object for its earlier ids
    /// (JSON patches see them; they never reach the output).
    #[must_use]
    pub fn build_annotations(&self) -> Vec<(String, String)> {
        if self.previous.is_empty() {
            return Vec::new();
        }
        let cluster_scoped = self.gvk().is_cluster_scoped();
        let join = |f: &dyn Fn(&(String, String, String)) -> String| {
            self.previous.iter().map(f).collect::<Vec<_>>().join(",")
        };
        vec![
            ("internal.config.kubernetes.io/previousKinds".into(), join(&|p| p.2.clone())),
            ("internal.config.kubernetes.io/previousNames".into(), join(&|p| p.0.clone())),
            (
                "internal.config.kubernetes.io/previousNamespaces".into(),
                join(&|p| match (cluster_scoped, p.1.as_str()) {
                    (true, _) => "_non_namespaceable_".into(),
                    (false, "") => "default".into(),
                    (false, ns) => ns.to_string(),
                }),
            ),
        ]
    }

    /// Whether any id it ever had satisfies `matches`.
    pub fn any_id(&self, mut matches: impl FnMut(&ResId) -> bool) -> bool {
        matches(&self.id()) || self.previous_ids().iter().any(matches)
    }

    /// `metadata.labels` (or `annotations`) as pairs of strings.
    #[must_use]
    pub fn string_map(&self, field: &str) -> Vec<(String, String)> {
        match self.node.path(&["metadata", field]).map(|n| &n.body) {
            Some(Body::Map(entries)) => entries
                .iter()
                .map(|(k, v)| {
                    (
                        k.scalar().unwrap_or_default().to_string(),
                        v.scalar().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Sets `metadata.name`.
    pub fn set_name(&mut self, name: &str) {
        if let Some(meta) = self.node.ensure_map(&["metadata"]) {
            meta.set("name", Node::string(name));
        }
    }

    /// Whether the object is empty (a patch deleted it, or it was never more than `{}`).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        match &self.node.body {
            Body::Map(entries) => entries.is_empty(),
            _ => self.node.is_null(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    #[test]
    fn ids_and_previous_ids() {
        let text =
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\n";
        let node = parse(&Arc::from("d.yaml"), text, &Limits::default()).documents.remove(0).root;
        let mut r = Resource::new(node, Arc::from("d.yaml"));
        assert_eq!(r.id().display(), "Deployment.v1.apps/web.prod");
        r.store_previous_id();
        r.set_name("x-web");
        assert_eq!(r.name(), "x-web");
        assert_eq!(r.original_id().name, "web");
        assert!(r.any_id(|id| id.name == "web"));
    }
}
