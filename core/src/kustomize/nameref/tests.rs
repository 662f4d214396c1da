//! Name-reference behaviour, checked against outputs of kustomize v5.8.1 (`kubectl
//! kustomize` from kubectl v1.37.1) for the same inputs.

use crate::diagnostic::Diagnostic;
use crate::kustomize::{Rendered, render};
use crate::source::{ParseCache, Source};
use crate::tree::FileTree;

fn render_files(files: &[(&str, &str)]) -> Rendered {
    let mut tree = FileTree::new();
    for (path, content) in files {
        tree.insert(path, *content).unwrap();
    }
    let mut cache = ParseCache::default();
    let mut source = Source::new(&tree, &mut cache);
    render(&mut source, "").0
}

fn assert_renders(files: &[(&str, &str)], expected: &str) {
    let rendered = render_files(files);
    let errors: Vec<&Diagnostic> = rendered.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "errors: {errors:#?}");
    assert_eq!(rendered.yaml, expected);
}

#[test]
fn ambiguous_references_are_errors_at_the_field() {
    let role = "apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
- apiGroups: [\"\"]
  resources: [configmaps]
  resourceNames: [cfg, other]
";
    let files: &[(&str, &str)] = &[
        (
            "a/kustomization.yaml",
            "namespace: a\nconfigMapGenerator:\n- name: cfg\n  literals: [X=a]\n",
        ),
        (
            "b/kustomization.yaml",
            "namespace: b\nconfigMapGenerator:\n- name: cfg\n  literals: [X=b]\n",
        ),
        ("kustomization.yaml", "resources: [a, b, role.yaml]\n"),
        ("role.yaml", role),
    ];
    let rendered = render_files(files);
    let errors: Vec<&Diagnostic> = rendered.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1);
    let d = errors[0];
    assert_eq!(d.code, "K019");
    assert_eq!(
        d.message,
        "updating name reference in 'rules/resourceNames' field of 'ClusterRole.v1.rbac.authorization.k8s.io/reader.[noNs]': found multiple possible referrals for 'cfg': ConfigMap.v1.[noGrp]/cfg-5dh86htgf8.a, ConfigMap.v1.[noGrp]/cfg-ff96tkg7m7.b"
    );
    assert_eq!(d.file.as_deref(), Some("role.yaml"));
    assert_eq!(&role[d.span.unwrap().range()], "cfg");
    assert_eq!(d.related.len(), 2);
}

#[test]
fn a_scalar_where_an_object_is_expected() {
    let schema = r#"{
  "example.com/v1.CronTab": {"Schema": {"properties": {
    "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {},
    "spec": {"$ref": "example.com/v1.CronTabSpec"}}}},
  "example.com/v1.CronTabSpec": {"Schema": {"properties": {
    "configRef": {"x-kubernetes-object-ref-api-version": "v1", "x-kubernetes-object-ref-kind": "ConfigMap"}}}}
}"#;
    let crontab = "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: nightly\nspec:\n  configRef: settings\n";
    let files: &[(&str, &str)] = &[
        (
            "kustomization.yaml",
            "crds: [crd.json]\nresources: [crontab.yaml, cm.yaml]\nnamePrefix: x-\n",
        ),
        ("crd.json", schema),
        ("crontab.yaml", crontab),
        ("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"),
    ];
    let rendered = render_files(files);
    let d = rendered.diagnostics.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(
        d.message,
        "updating name reference in 'spec/configRef/name' field of 'CronTab.v1.stable.example.com/x-nightly.[noNs]': expected sequence or mapping node"
    );
    assert_eq!(&crontab[d.span.unwrap().range()], "settings");
}

#[test]
fn affix_lists_compare_by_their_endings() {
    let s = |v: &[&str]| v.iter().map(|s| (*s).to_string()).collect::<Vec<_>>();
    assert!(super::same_ending(&s(&["a-", "b-"]), &s(&["b-"])));
    assert!(!super::same_ending(&s(&["a-", "b-"]), &s(&["a-"])));
    assert!(super::same_ending(&[], &[]));
    assert!(!super::same_ending(&[], &s(&["a-"])));
}

/// Two kustomizations generate `cfg` under different prefixes; each Deployment gets its own.
#[test]
fn prefixes_pick_the_candidate_from_the_same_kustomization() {
    let files: &[(&str, &str)] = &[
        (
            "a/deploy.yaml",
            r"apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: app
        image: app
        envFrom:
        - configMapRef:
            name: cfg
",
        ),
        (
            "a/kustomization.yaml",
            r"namePrefix: a-
resources: [deploy.yaml]
configMapGenerator:
- name: cfg
  literals: [X=a]
",
        ),
        (
            "b/kustomization.yaml",
            r"namePrefix: b-
resources: [deploy.yaml]
configMapGenerator:
- name: cfg
  literals: [X=b]
",
        ),
        (
            "b/deploy.yaml",
            r"apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
      - name: app
        image: app
        envFrom:
        - configMapRef:
            name: cfg
",
        ),
        (
            "kustomization.yaml",
            r"namePrefix: top-
resources: [a, b]
",
        ),
    ];
    assert_renders(
        files,
        r"apiVersion: v1
data:
  X: a
kind: ConfigMap
metadata:
  name: top-a-cfg-5dh86htgf8
---
apiVersion: v1
data:
  X: b
kind: ConfigMap
metadata:
  name: top-b-cfg-ff96tkg7m7
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: top-a-app
spec:
  template:
    spec:
      containers:
      - envFrom:
        - configMapRef:
            name: top-a-cfg-5dh86htgf8
        image: app
        name: app
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: top-b-app
spec:
  template:
    spec:
      containers:
      - envFrom:
        - configMapRef:
            name: top-b-cfg-ff96tkg7m7
        image: app
        name: app
",
    );
}

/// `ServiceAccount` subjects follow across namespaces (even a `User` subject named like a `ServiceAccount`, a kustomize quirk); roleRef follows the kind it names.
#[test]
fn rbac_subjects_and_role_refs() {
    let files: &[(&str, &str)] = &[
        (
            "other/kustomization.yaml",
            r"namespace: other
namePrefix: o-
resources: [sa.yaml]
",
        ),
        (
            "other/sa.yaml",
            r"apiVersion: v1
kind: ServiceAccount
metadata:
  name: robot
",
        ),
        (
            "app/kustomization.yaml",
            r"namespace: app
namePrefix: x-
resources: [rbac.yaml]
",
        ),
        (
            "app/rbac.yaml",
            r"apiVersion: v1
kind: ServiceAccount
metadata:
  name: local
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: bind-role
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
subjects:
- kind: ServiceAccount
  name: local
- kind: ServiceAccount
  name: local
  namespace: app
- kind: User
  name: local
- kind: ServiceAccount
  name: robot
  namespace: other
- kind: ServiceAccount
  name: default
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: bind-cluster
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: reader
subjects:
- kind: Group
  name: devs
",
        ),
        (
            "kustomization.yaml",
            r"resources: [other, app]
",
        ),
    ];
    assert_renders(
        files,
        r"apiVersion: v1
kind: ServiceAccount
metadata:
  name: x-local
  namespace: app
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: o-robot
  namespace: other
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: x-reader
  namespace: app
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: x-reader
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: x-bind-cluster
  namespace: app
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: x-reader
subjects:
- kind: Group
  name: devs
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: x-bind-role
  namespace: app
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: x-reader
subjects:
- kind: ServiceAccount
  name: x-local
  namespace: app
- kind: ServiceAccount
  name: x-local
  namespace: app
- kind: User
  name: x-local
  namespace: app
- kind: ServiceAccount
  name: o-robot
  namespace: other
- kind: ServiceAccount
  name: default
  namespace: app
",
    );
}

/// Webhook services get name and namespace; `resourceNames` follows the `ConfigMap` (sorted first) not the Secret; annotation keys with `/` work.
#[test]
fn webhooks_role_resource_names_and_ingress() {
    let files: &[(&str, &str)] = &[
        (
            "kustomization.yaml",
            r"namespace: sys
nameSuffix: -v2
resources: [res.yaml]
configMapGenerator:
- name: shared
  literals: [A=1]
secretGenerator:
- name: shared
  literals: [A=1]
- name: basic-auth
  literals: [auth=x]
",
        ),
        (
            "res.yaml",
            r#"apiVersion: v1
kind: Service
metadata:
  name: hook
spec:
  ports:
  - port: 443
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: validator
webhooks:
- name: v.example.com
  clientConfig:
    service:
      name: hook
      namespace: wrong
- name: w.example.com
  clientConfig:
    service:
      name: hook
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
rules:
- resources: [configmaps, secrets]
  resourceNames: [shared, "shared", missing]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing
  annotations:
    nginx.ingress.kubernetes.io/auth-secret: basic-auth
    ingress.kubernetes.io/auth-secret: "basic-auth"
spec:
  tls:
  - secretName: basic-auth
  defaultBackend:
    service:
      name: hook
      port: {number: 443}
"#,
        ),
    ];
    assert_renders(
        files,
        r#"apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r-v2
  namespace: sys
rules:
- resourceNames:
  - shared-v2-89g4tffbfk
  - shared-v2-89g4tffbfk
  - missing
  resources:
  - configmaps
  - secrets
---
apiVersion: v1
data:
  A: "1"
kind: ConfigMap
metadata:
  name: shared-v2-89g4tffbfk
  namespace: sys
---
apiVersion: v1
data:
  auth: eA==
kind: Secret
metadata:
  name: basic-auth-v2-g99f82c4tb
  namespace: sys
type: Opaque
---
apiVersion: v1
data:
  A: MQ==
kind: Secret
metadata:
  name: shared-v2-526mcbf5c2
  namespace: sys
type: Opaque
---
apiVersion: v1
kind: Service
metadata:
  name: hook-v2
  namespace: sys
spec:
  ports:
  - port: 443
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  annotations:
    ingress.kubernetes.io/auth-secret: basic-auth-v2-g99f82c4tb
    nginx.ingress.kubernetes.io/auth-secret: basic-auth-v2-g99f82c4tb
  name: ing-v2
  namespace: sys
spec:
  defaultBackend:
    service:
      name: hook-v2
      port:
        number: 443
  tls:
  - secretName: basic-auth-v2-g99f82c4tb
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: validator-v2
webhooks:
- clientConfig:
    service:
      name: hook
      namespace: wrong
  name: v.example.com
- clientConfig:
    service:
      name: hook-v2
      namespace: sys
  name: w.example.com
"#,
    );
}

/// Two renamed candidates with the same new name are fine.
#[test]
fn identical_new_names_are_not_ambiguous() {
    let files: &[(&str, &str)] = &[
        (
            "kustomization.yaml",
            r"namePrefix: p-
resources: [res.yaml]
",
        ),
        (
            "res.yaml",
            r"apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
  namespace: b
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
- resources: [configmaps]
  resourceNames: [cfg]
",
        ),
    ];
    assert_renders(
        files,
        r"apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: p-reader
rules:
- resourceNames:
  - p-cfg
  resources:
  - configmaps
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: p-cfg
  namespace: a
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: p-cfg
  namespace: b
",
    );
}
