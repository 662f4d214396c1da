//! Resource identity: group, version, kind, name and namespace, as kustomize compares them.
//!
//! Two resources are "the same" for duplicate detection, patching and merging when their
//! group, version, kind, name and *effective* namespace match (an empty namespace and
//! `default` are the same; cluster-scoped kinds have none). Which kinds are cluster-scoped
//! comes from kustomize's built-in table; an unknown kind is namespaced.

use std::cmp::Ordering;

/// Group, version and kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    #[must_use]
    pub fn new(group: &str, version: &str, kind: &str) -> Self {
        Gvk { group: group.to_string(), version: version.to_string(), kind: kind.to_string() }
    }

    /// From an `apiVersion` (`group/version` or `version`) and a kind.
    #[must_use]
    pub fn from_api_version(api_version: &str, kind: &str) -> Self {
        let (group, version) = split_api_version(api_version);
        Gvk::new(group, version, kind)
    }

    #[must_use]
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether kustomize's built-in table says this kind is cluster-scoped.
    #[must_use]
    pub fn is_cluster_scoped(&self) -> bool {
        let api_version = self.api_version();
        CLUSTER_SCOPED.iter().any(|(v, k)| *v == api_version && *k == self.kind)
    }

    /// Whether a selector (empty fields match anything) selects this GVK.
    #[must_use]
    pub fn is_selected_by(&self, group: &str, version: &str, kind: &str) -> bool {
        (group.is_empty() || group == self.group)
            && (version.is_empty() || version == self.version)
            && (kind.is_empty() || kind == self.kind)
    }

    /// kustomize's `Gvk.String()`: `Kind.version.group` with placeholders.
    #[must_use]
    pub fn display(&self) -> String {
        let or = |s: &str, d: &str| if s.is_empty() { d.to_string() } else { s.to_string() };
        format!(
            "{}.{}.{}",
            or(&self.kind, "[noKind]"),
            or(&self.version, "[noVer]"),
            or(&self.group, "[noGrp]")
        )
    }

    fn legacy_sort_string(&self) -> String {
        let or = |s: &str, d: &str| if s.is_empty() { d.to_string() } else { s.to_string() };
        format!("{}_{}_{}", or(&self.group, "~G"), or(&self.version, "~V"), or(&self.kind, "~K"))
    }
}

/// Splits an `apiVersion` into group and version.
#[must_use]
pub fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.find('/') {
        Some(i) => (&api_version[..i], &api_version[i + 1..]),
        None => ("", api_version),
    }
}

/// A resource's identity.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResId {
    pub gvk: Gvk,
    pub name: String,
    pub namespace: String,
}

impl ResId {
    /// The namespace kustomize compares: `default` for empty, a marker for cluster-scoped.
    #[must_use]
    pub fn effective_namespace(&self) -> &str {
        if self.gvk.is_cluster_scoped() {
            "_non_namespaceable_"
        } else if self.namespace.is_empty() {
            "default"
        } else {
            &self.namespace
        }
    }

    /// Same group, version, kind, name and effective namespace.
    #[must_use]
    pub fn same_as(&self, other: &ResId) -> bool {
        self.gvk == other.gvk
            && self.name == other.name
            && self.effective_namespace() == other.effective_namespace()
    }

    /// kustomize's `ResId.String()`, used in its messages: `Kind.version.group/name.namespace`.
    #[must_use]
    pub fn display(&self) -> String {
        let ns = if self.namespace.is_empty() { "[noNs]" } else { &self.namespace };
        let name = if self.name.is_empty() { "[noName]" } else { &self.name };
        format!("{}/{}.{}", self.gvk.display(), name, ns)
    }

    fn legacy_sort_string(&self) -> String {
        let ns = if self.namespace.is_empty() { "~X" } else { &self.namespace };
        let name = if self.name.is_empty() { "~N" } else { &self.name };
        format!("{}|{}|{}", self.gvk.display(), ns, name)
    }
}

/// kustomize's default legacy order: these kinds first, in this order …
pub const DEFAULT_ORDER_FIRST: &[&str] = &[
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// … and these last.
pub const DEFAULT_ORDER_LAST: &[&str] =
    &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

/// kustomize's legacy resource order with the given first/last kind lists.
#[derive(Debug, Clone)]
pub struct LegacyOrder {
    ranks: Vec<(String, i64)>,
}

impl LegacyOrder {
    #[must_use]
    pub fn new(first: &[&str], last: &[&str]) -> Self {
        let mut ranks = Vec::new();
        let count = i64::try_from(first.len()).unwrap_or(i64::MAX);
        for (i, kind) in (0i64..).zip(first) {
            ranks.push(((*kind).to_string(), i - count));
        }
        for (i, kind) in (1i64..).zip(last) {
            ranks.push(((*kind).to_string(), i));
        }
        LegacyOrder { ranks }
    }

    fn rank(&self, kind: &str) -> i64 {
        // A kind listed twice takes its last rank, as a Go map assignment would.
        self.ranks.iter().rev().find(|(k, _)| k == kind).map_or(0, |(_, r)| *r)
    }

    /// Compares two ids in legacy order.
    #[must_use]
    pub fn compare(&self, a: &ResId, b: &ResId) -> Ordering {
        if a.gvk != b.gvk {
            let (ra, rb) = (self.rank(&a.gvk.kind), self.rank(&b.gvk.kind));
            if ra != rb {
                return ra.cmp(&rb);
            }
            let (sa, sb) = (a.gvk.legacy_sort_string(), b.gvk.legacy_sort_string());
            if a.gvk.kind == "Namespace"
                && b.gvk.kind == "Namespace"
                && (a.gvk.group.is_empty() || b.gvk.group.is_empty())
            {
                return sb.cmp(&sa);
            }
            return sa.cmp(&sb);
        }
        a.legacy_sort_string().cmp(&b.legacy_sort_string())
    }
}

impl Default for LegacyOrder {
    fn default() -> Self {
        LegacyOrder::new(DEFAULT_ORDER_FIRST, DEFAULT_ORDER_LAST)
    }
}

/// Kinds kustomize knows to be cluster-scoped (its precomputed table of built-in kinds).
const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
    ("apiregistration.k8s.io/v1", "APIService"),
    ("apiregistration.k8s.io/v1beta1", "APIService"),
    ("certificates.k8s.io/v1", "CertificateSigningRequest"),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"),
    ("networking.k8s.io/v1", "IngressClass"),
    ("networking.k8s.io/v1beta1", "IngressClass"),
    ("node.k8s.io/v1", "RuntimeClass"),
    ("node.k8s.io/v1beta1", "RuntimeClass"),
    ("policy/v1beta1", "PodSecurityPolicy"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
    ("scheduling.k8s.io/v1", "PriorityClass"),
    ("scheduling.k8s.io/v1beta1", "PriorityClass"),
    ("storage.k8s.io/v1", "CSIDriver"),
    ("storage.k8s.io/v1", "CSINode"),
    ("storage.k8s.io/v1", "StorageClass"),
    ("storage.k8s.io/v1", "VolumeAttachment"),
    ("storage.k8s.io/v1beta1", "CSIDriver"),
    ("storage.k8s.io/v1beta1", "CSINode"),
    ("storage.k8s.io/v1beta1", "StorageClass"),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"),
    ("v1", "ComponentStatus"),
    ("v1", "Namespace"),
    ("v1", "Node"),
    ("v1", "NodeProxyOptions"),
    ("v1", "PersistentVolume"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn id(api: &str, kind: &str, name: &str, ns: &str) -> ResId {
        ResId { gvk: Gvk::from_api_version(api, kind), name: name.into(), namespace: ns.into() }
    }

    #[test]
    fn effective_namespaces() {
        assert!(id("v1", "ConfigMap", "a", "").same_as(&id("v1", "ConfigMap", "a", "default")));
        assert!(!id("v1", "ConfigMap", "a", "x").same_as(&id("v1", "ConfigMap", "a", "")));
        assert!(id("v1", "Namespace", "a", "x").same_as(&id("v1", "Namespace", "a", "")));
        assert!(!Gvk::from_api_version("v2", "Namespace",).is_cluster_scoped());
    }

    #[test]
    fn legacy_order_puts_known_kinds_first() {
        let order = LegacyOrder::default();
        let mut ids = [
            id("apps/v1", "Deployment", "b", ""),
            id("example.com/v1", "Widget", "a", ""),
            id("v1", "Service", "z", ""),
            id("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "w", ""),
            id("v1", "Namespace", "n", ""),
            id("apps/v1", "Deployment", "a", ""),
        ];
        ids.sort_by(|a, b| order.compare(a, b));
        let names: Vec<_> = ids.iter().map(|i| format!("{}/{}", i.gvk.kind, i.name)).collect();
        assert_eq!(
            names,
            [
                "Namespace/n",
                "Service/z",
                "Deployment/a",
                "Deployment/b",
                "Widget/a",
                "ValidatingWebhookConfiguration/w"
            ]
        );
    }

    #[test]
    fn display_matches_kustomize() {
        assert_eq!(id("apps/v1", "Deployment", "a", "").display(), "Deployment.v1.apps/a.[noNs]");
        assert_eq!(id("v1", "ConfigMap", "a", "x").display(), "ConfigMap.v1.[noGrp]/a.x");
    }
}
