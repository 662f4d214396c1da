//! Environment diffs on the seed's layout: staging and production of `payment-service`, which
//! differ by namespace, a `prod-` prefix, a promoted image and generated `ConfigMap` hashes (all
//! expected), and by replicas, a CPU limit, a config value, an annotation and an autoscaler
//! that only production has (drift).

use super::*;
use crate::Workspace;
use crate::tree::FileTree;

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payment-service
spec:
  replicas: 2
  selector:
    matchLabels:
      app: payment-service
  template:
    metadata:
      labels:
        app: payment-service
    spec:
      containers:
        - name: payment-service
          image: registry.example.com/payment-service:1.0.0
          envFrom:
            - configMapRef:
                name: payment-config
          resources:
            limits:
              cpu: 500m
";

const SERVICE: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: payment-service
spec:
  selector:
    app: payment-service
  ports:
    - port: 80
";

const HPA: &str = "\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: payment-service
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: payment-service
  minReplicas: 5
  maxReplicas: 10
";

const PRODUCTION_PATCH: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payment-service
spec:
  replicas: 5
  template:
    spec:
      containers:
        - name: payment-service
          resources:
            limits:
              cpu: \"1\"
";

fn seed() -> FileTree {
    let mut t = FileTree::new();
    let mut add = |p: &str, s: &str| {
        t.insert(p, s).unwrap();
    };
    add(
        "apps/payment-service/base/kustomization.yaml",
        "resources:\n  - deployment.yaml\n  - service.yaml\nconfigMapGenerator:\n  - name: payment-config\n    literals:\n      - LOG_LEVEL=info\n      - REGION=eu\n",
    );
    add("apps/payment-service/base/deployment.yaml", DEPLOYMENT);
    add("apps/payment-service/base/service.yaml", SERVICE);
    add(
        "apps/payment-service/staging/kustomization.yaml",
        "resources:\n  - ../base\nnamespace: payments-staging\nimages:\n  - name: registry.example.com/payment-service\n    newTag: abc1234\n",
    );
    add(
        "apps/payment-service/production/kustomization.yaml",
        "resources:\n  - ../base\n  - hpa.yaml\nnamespace: payments-production\nnamePrefix: prod-\ncommonAnnotations:\n  team: payments\nimages:\n  - name: registry.example.com/payment-service\n    newTag: 9f8e7d6\npatches:\n  - path: patch.yaml\nconfigMapGenerator:\n  - name: payment-config\n    behavior: merge\n    literals:\n      - LOG_LEVEL=warn\n",
    );
    add("apps/payment-service/production/patch.yaml", PRODUCTION_PATCH);
    add("apps/payment-service/production/hpa.yaml", HPA);
    t
}

fn request(app: &str, from: &str, to: &str) -> EnvDiffRequest {
    EnvDiffRequest { app: app.into(), from: from.into(), to: to.into() }
}

fn diff(tree: FileTree, from: &str, to: &str) -> EnvironmentDiff {
    Workspace::new(tree).diff_environments(&request("payment-service", from, to))
}

fn resource<'a>(out: &'a EnvironmentDiff, kind: &str) -> &'a ResourceDiff {
    out.resources.iter().find(|r| r.kind == kind).unwrap()
}

fn field<'a>(resource: &'a ResourceDiff, path: &str) -> &'a Difference {
    resource.differences.iter().find(|d| d.path == path).unwrap_or_else(|| {
        let paths: Vec<&str> = resource.differences.iter().map(|d| d.path.as_str()).collect();
        panic!("no difference at {path}; differences: {paths:?}")
    })
}

#[test]
fn pairs_resources_across_prefix_namespace_and_hash() {
    let out = diff(seed(), "staging", "production");
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    assert_eq!(out.from_path.as_deref(), Some("apps/payment-service/staging"));
    assert_eq!(out.to_path.as_deref(), Some("apps/payment-service/production"));
    let kinds: Vec<(&str, bool, bool)> =
        out.resources.iter().map(|r| (r.kind.as_str(), r.from.is_some(), r.to.is_some())).collect();
    // kustomize's legacy order: ConfigMap, Service, Deployment, then the autoscaler.
    assert_eq!(
        kinds,
        [
            ("ConfigMap", true, true),
            ("Service", true, true),
            ("Deployment", true, true),
            ("HorizontalPodAutoscaler", false, true),
        ]
    );
    let deployment = resource(&out, "Deployment");
    assert_eq!(deployment.name, "payment-service");
    assert_eq!(deployment.to.as_ref().unwrap().name, "prod-payment-service");
    assert_eq!(deployment.to.as_ref().unwrap().namespace.as_deref(), Some("payments-production"));
    let cm = resource(&out, "ConfigMap");
    assert!(cm.from.as_ref().unwrap().name.starts_with("payment-config-"));
    assert!(cm.to.as_ref().unwrap().name.starts_with("prod-payment-config-"));
}

#[test]
fn expected_differences_are_marked() {
    let out = diff(seed(), "staging", "production");
    let deployment = resource(&out, "Deployment");
    let name = field(deployment, "metadata.name");
    assert_eq!((name.category, name.expected), (Category::Name, Some(Expected::NameAffix)));
    let ns = field(deployment, "metadata.namespace");
    assert_eq!((ns.category, ns.expected), (Category::Namespace, Some(Expected::Namespace)));
    let image = field(deployment, "spec.template.spec.containers.[name=payment-service].image");
    assert_eq!(image.category, Category::Image);
    assert_eq!(image.expected, Some(Expected::PromotedImage));
    assert_eq!(image.from.as_deref(), Some("registry.example.com/payment-service:abc1234"));
    assert_eq!(image.to.as_deref(), Some("registry.example.com/payment-service:9f8e7d6"));
    // The reference to the generated ConfigMap differs by prefix and hash: the same object.
    let reference = field(
        deployment,
        "spec.template.spec.containers.[name=payment-service].envFrom.0.configMapRef.name",
    );
    assert_eq!(
        (reference.category, reference.expected),
        (Category::Other, Some(Expected::NameAffix))
    );
}

#[test]
fn drift_is_classified() {
    let out = diff(seed(), "staging", "production");
    let deployment = resource(&out, "Deployment");
    assert!(deployment.drift);
    let replicas = field(deployment, "spec.replicas");
    assert_eq!(replicas.category, Category::Replicas);
    assert_eq!((replicas.from.as_deref(), replicas.to.as_deref()), (Some("2"), Some("5")));
    assert_eq!(replicas.expected, None);
    let cpu = field(
        deployment,
        "spec.template.spec.containers.[name=payment-service].resources.limits.cpu",
    );
    assert_eq!(cpu.category, Category::Resources);
    assert_eq!((cpu.from.as_deref(), cpu.to.as_deref()), (Some("500m"), Some("\"1\"")));
    let annotation = field(deployment, "metadata.annotations");
    assert_eq!((annotation.category, annotation.expected), (Category::Labels, None));
    let cm = resource(&out, "ConfigMap");
    let level = field(cm, "data.LOG_LEVEL");
    assert_eq!(level.category, Category::Config);
    assert_eq!((level.from.as_deref(), level.to.as_deref()), (Some("info"), Some("warn")));
    // A value both sides share is not a difference.
    assert!(cm.differences.iter().all(|d| d.path != "data.REGION"));
    assert_eq!(out.drift.only_in_to, 1);
    assert_eq!(out.drift.only_in_from, 0);
    assert_eq!((out.drift.replicas, out.drift.resources, out.drift.config), (1, 1, 1));
    assert_eq!(out.drift.image, 0);
    assert!(out.message.starts_with("production differs from staging in "), "{}", out.message);
    assert!(out.message.contains("1 only in production"), "{}", out.message);
}

#[test]
fn reversed_direction_swaps_sides() {
    let out = diff(seed(), "production", "staging");
    assert_eq!(out.drift.only_in_from, 1);
    assert_eq!(out.drift.only_in_to, 0);
    let replicas = field(resource(&out, "Deployment"), "spec.replicas");
    assert_eq!((replicas.from.as_deref(), replicas.to.as_deref()), (Some("5"), Some("2")));
}

#[test]
fn only_expected_differences_is_no_drift() {
    let mut tree = seed();
    tree.insert(
        "apps/payment-service/production/kustomization.yaml",
        "resources:\n  - ../base\nnamespace: payments-production\nnamePrefix: prod-\nimages:\n  - name: registry.example.com/payment-service\n    newTag: 9f8e7d6\n",
    )
    .unwrap();
    let out = diff(tree, "staging", "production");
    assert_eq!(out.drift_total(), 0, "{:#?}", out.resources);
    assert!(out.resources.iter().all(|r| !r.drift));
    assert!(out.expected >= 6, "{}", out.expected);
    assert_eq!(
        out.message,
        format!(
            "staging and production differ only as expected; {} expected (namespace, names, promoted images)",
            out.expected
        )
    );
}

#[test]
fn identical_environments() {
    let mut tree = seed();
    let staging = tree.text("apps/payment-service/staging/kustomization.yaml").unwrap().to_string();
    tree.insert("apps/payment-service/dev/kustomization.yaml", staging).unwrap();
    let out = diff(tree, "dev", "staging");
    assert!(out.resources.is_empty());
    assert_eq!(out.identical, 3);
    assert_eq!(out.expected, 0);
    assert_eq!(out.message, "dev and staging differ only as expected");
}

#[test]
fn another_image_repository_is_drift() {
    let mut tree = seed();
    tree.insert(
        "apps/payment-service/staging/kustomization.yaml",
        "resources:\n  - ../base\nnamespace: payments-staging\nimages:\n  - name: registry.example.com/payment-service\n    newName: mirror.example.com/payment-service\n    newTag: abc1234\n",
    )
    .unwrap();
    let out = diff(tree, "staging", "production");
    let image = field(
        resource(&out, "Deployment"),
        "spec.template.spec.containers.[name=payment-service].image",
    );
    assert_eq!((image.category, image.expected), (Category::Image, None));
    assert_eq!(out.drift.image, 1);
}

#[test]
fn repeated_identities_pair_by_namespace() {
    let mut t = FileTree::new();
    let cm = |ns: &str, v: &str| {
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: {ns}\ndata:\n  k: {v}\n"
        )
    };
    t.insert("apps/web/staging/kustomization.yaml", "resources: [a.yaml, b.yaml]\n").unwrap();
    t.insert("apps/web/staging/a.yaml", cm("a", "1")).unwrap();
    t.insert("apps/web/staging/b.yaml", cm("b", "2")).unwrap();
    t.insert("apps/web/production/kustomization.yaml", "resources: [b.yaml, a.yaml]\n").unwrap();
    t.insert("apps/web/production/a.yaml", cm("a", "1")).unwrap();
    t.insert("apps/web/production/b.yaml", cm("b", "3")).unwrap();
    let out = Workspace::new(t).diff_environments(&request("web", "staging", "production"));
    assert_eq!(out.identical, 1);
    assert_eq!(out.resources.len(), 1);
    let b = &out.resources[0];
    assert_eq!(b.to.as_ref().unwrap().namespace.as_deref(), Some("b"));
    assert_eq!(b.differences.len(), 1);
    assert_eq!(b.differences[0].path, "data.k");
    assert!(b.diff.contains("-  k: \"2\"") || b.diff.contains("-  k: 2"), "{}", b.diff);
}

#[test]
fn bad_requests_are_diagnostics() {
    let mut ws = Workspace::new(seed());
    let out = ws.diff_environments(&request("nope", "staging", "production"));
    assert_eq!(out.diagnostics[0].code, "R001");
    assert!(out.resources.is_empty());
    let out = ws.diff_environments(&request("payment-service", "staging", "qa"));
    assert_eq!(out.diagnostics[0].code, "R002");
    assert_eq!(out.message, "app 'payment-service' has no environment 'qa'");
    assert_eq!(out.diagnostics[0].help.as_deref(), Some("its environments: staging, production"));
    ws.set_file("apps/payment-service/production/patch.yaml", "kind: [\n").unwrap();
    let out = ws.diff_environments(&request("payment-service", "staging", "production"));
    let codes: Vec<&str> = out.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes.last(), Some(&"R008"), "{codes:?}");
    assert!(out.diagnostics.iter().any(|d| d.code == "Y001"), "{codes:?}");
}

#[test]
fn shared_names_need_a_path() {
    let mut t = FileTree::new();
    for team in ["a", "b"] {
        t.insert(&format!("teams/{team}/apps/web/dev/kustomization.yaml"), "resources: []\n")
            .unwrap();
        t.insert(&format!("teams/{team}/apps/web/prod/kustomization.yaml"), "resources: []\n")
            .unwrap();
    }
    t.insert(
        "baton.yaml",
        "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  apps: [\"teams/*/apps/*\"]\n",
    )
    .unwrap();
    let mut ws = Workspace::new(t);
    let out = ws.diff_environments(&request("web", "dev", "prod"));
    assert_eq!(out.diagnostics.first().map(|d| d.code), Some("R012"), "{:?}", out.diagnostics);
    let out = ws.diff_environments(&request("teams/b/apps/web", "dev", "prod"));
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
    assert_eq!(out.app, "teams/b/apps/web");
}

#[test]
fn work_limit_stops_the_comparison() {
    let mut ws = Workspace::new(seed());
    ws.set_work_limit(Some(5));
    let out = ws.diff_environments(&request("payment-service", "staging", "production"));
    assert!(out.diagnostics.iter().any(|d| d.code == "R013"), "{:?}", out.diagnostics);
}
