//! Deployment renders against the kustomize oracle, and the deployment model.
//!
//! `testdata/<case>.repo` is a repository; `testdata/<case>.expected.yaml` is what kustomize
//! v5.8.1 prints for the kustomization the controller writes before building, as
//! `testdata/regen.py` writes it by hand from the controller's code (fluxcd/pkg e2cfd1a
//! `kustomize/kustomize_generator.go`; argo-cd 37ee009 `util/kustomize/kustomize.go` and
//! kustomize 12f9e63 `kustomize/commands/edit`).

use super::*;
use crate::repo::Renders;
use crate::tree::FileTree;

/// A `-- path --` bundle.
pub(crate) fn bundle(text: &str) -> FileTree {
    let mut tree = FileTree::new();
    let mut rest = text;
    while let Some(start) = rest.find("-- ") {
        let after = &rest[start + 3..];
        let Some(end) = after.find(" --\n") else { break };
        let path = &after[..end];
        let body = &after[end + 4..];
        let next = body.find("\n-- ").map_or(body.len(), |i| i + 1);
        tree.insert(path, &body[..next]).unwrap();
        rest = &body[next..];
    }
    tree
}

pub(crate) fn tree(files: &[(&str, &str)]) -> FileTree {
    let mut tree = FileTree::new();
    for (path, text) in files {
        tree.insert(path, *text).unwrap();
    }
    tree
}

fn render_in(tree: &FileTree, id: &str) -> DeploymentRender {
    let mut renders = Renders::new();
    let mut repo = Repo::new(tree, &mut renders);
    render(&mut repo, &DeploymentRequest::parse(id).unwrap())
}

macro_rules! oracle_case {
    ($test:ident, $case:literal, $id:literal) => {
        #[test]
        fn $test() {
            let tree = bundle(include_str!(concat!("testdata/", $case, ".repo")));
            let rendered = render_in(&tree, $id);
            assert!(rendered.ok, "{:#?}", rendered.diagnostics);
            assert_eq!(rendered.yaml, include_str!(concat!("testdata/", $case, ".expected.yaml")));
        }
    };
}

oracle_case!(
    flux_target_namespace_replaces_the_files_namespace,
    "flux-target-namespace",
    "flux:flux-system/web"
);
oracle_case!(flux_name_prefix_and_suffix, "flux-name-affixes", "flux:flux-system/web");
oracle_case!(flux_patches_are_appended, "flux-patches", "flux:flux-system/web");
oracle_case!(flux_images_merge_by_name_or_append, "flux-images", "flux:flux-system/web");
oracle_case!(
    flux_image_tag_clears_the_files_digest,
    "flux-images-tag-clears-digest",
    "flux:flux-system/web"
);
oracle_case!(flux_components_relative_to_the_path, "flux-components", "flux:flux-system/web");
oracle_case!(
    flux_generates_a_kustomization_where_there_is_none,
    "flux-generated",
    "flux:flux-system/web"
);
oracle_case!(flux_overrides_combined, "flux-combined", "flux:flux-system/web");
oracle_case!(argo_kustomize_overrides, "argo-overrides", "argo:argocd/web-staging");
oracle_case!(argo_labels_without_selector, "argo-labels-without-selector", "argo:argocd/web");
// Argo CD kustomize overrides one by one (each the one `kustomize edit` command Build runs).
oracle_case!(argo_name_prefix, "argo-name-prefix", "argo:argocd/web");
oracle_case!(argo_name_suffix, "argo-name-suffix", "argo:argocd/web");
oracle_case!(argo_images_replace_by_name_and_sort, "argo-images", "argo:argocd/web");
oracle_case!(argo_replicas, "argo-replicas", "argo:argocd/web");
oracle_case!(argo_common_labels, "argo-common-labels", "argo:argocd/web");
oracle_case!(argo_common_annotations, "argo-common-annotations", "argo:argocd/web");
oracle_case!(argo_namespace_replaces_the_overlays, "argo-namespace", "argo:argocd/web");
oracle_case!(argo_patches_are_appended, "argo-patches", "argo:argocd/web");
oracle_case!(argo_components_are_added, "argo-components", "argo:argocd/web");

#[test]
fn requests_parse_and_name_the_deployment() {
    let r = DeploymentRequest::parse("flux:flux-system/apps").unwrap();
    assert_eq!(
        (r.controller, r.namespace.as_str(), r.name.as_str()),
        (Controller::Flux, "flux-system", "apps")
    );
    assert_eq!(r.id(), "flux:flux-system/apps");
    for bad in ["apps", "helm:a/b", "flux:a", "flux:/b", "flux:a/b/c", "argo:a/"] {
        assert!(DeploymentRequest::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn an_unknown_deployment_is_d003() {
    let t = bundle(include_str!("testdata/flux-patches.repo"));
    let rendered = render_in(&t, "flux:flux-system/nope");
    assert!(!rendered.ok);
    assert_eq!(rendered.diagnostics[0].code, "D003");
}

/// Two clusters as flux bootstrap lays them out, the seed's app with two environments, and
/// an infrastructure Kustomization that applies a tenant from another repository.
fn fleet() -> FileTree {
    let sync = |cluster: &str| {
        format!(
            "apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  ref:
    branch: main
  url: ssh://git@github.com/acme/platform-gitops
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./clusters/{cluster}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
"
        )
    };
    let apps = |env: &str, extra: &str| {
        format!(
            "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  dependsOn:
  - name: infrastructure
  path: ./apps/payment-service/{env}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  targetNamespace: payments
{extra}"
        )
    };
    let infra = "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infrastructure
  namespace: flux-system
spec:
  interval: 1h
  path: ./infrastructure
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
";
    let files: Vec<(String, String)> = vec![
        ("clusters/staging-cluster/flux-system/gotk-sync.yaml".into(), sync("staging-cluster")),
        ("clusters/staging-cluster/flux-system/kustomization.yaml".into(), "resources:\n- gotk-sync.yaml\n".into()),
        ("clusters/staging-cluster/apps.yaml".into(), apps("staging", "")),
        ("clusters/staging-cluster/infrastructure.yaml".into(), infra.into()),
        ("clusters/production-cluster/flux-system/gotk-sync.yaml".into(), sync("production-cluster")),
        ("clusters/production-cluster/flux-system/kustomization.yaml".into(), "resources:\n- gotk-sync.yaml\n".into()),
        (
            "clusters/production-cluster/apps.yaml".into(),
            apps("production", "  postBuild:\n    substitute:\n      REGION: eu-west-1\n"),
        ),
        ("clusters/production-cluster/infrastructure.yaml".into(), infra.into()),
        ("infrastructure/kustomization.yaml".into(), "resources:\n- tenant.yaml\n".into()),
        (
            "infrastructure/tenant.yaml".into(),
            "apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: tenant-a
  namespace: flux-system
spec:
  url: https://github.com/acme/tenant-a
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: tenant-a
  namespace: flux-system
spec:
  interval: 5m
  path: ./deploy
  prune: true
  sourceRef:
    kind: GitRepository
    name: tenant-a
"
            .into(),
        ),
        ("apps/payment-service/base/kustomization.yaml".into(), "resources:\n- deployment.yaml\n".into()),
        (
            "apps/payment-service/base/deployment.yaml".into(),
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: payment-service
spec:
  template:
    metadata:
      labels:
        region: ${REGION:=local}
    spec:
      containers:
      - name: payment-service
        image: registry.example.com/payment-service:abc1234
"
            .into(),
        ),
        ("apps/payment-service/staging/kustomization.yaml".into(), "resources:\n- ../base\n".into()),
        (
            "apps/payment-service/production/kustomization.yaml".into(),
            "resources:\n- ../base\nimages:\n- name: registry.example.com/payment-service\n  newTag: 9f8e7d6\n".into(),
        ),
        ("apps/ledger/base/kustomization.yaml".into(), "resources:\n- cm.yaml\n".into()),
        ("apps/ledger/base/cm.yaml".into(), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ledger\n".into()),
        ("apps/ledger/staging/kustomization.yaml".into(), "resources:\n- ../base\n".into()),
    ];
    let mut tree = FileTree::new();
    for (path, text) in files {
        tree.insert(&path, text).unwrap();
    }
    tree
}

#[test]
fn clusters_are_walked_from_their_bootstrap_kustomization() {
    let t = fleet();
    let mut renders = Renders::new();
    let listed = deployments(&mut Repo::new(&t, &mut renders));
    let ids: Vec<(&str, Option<&str>)> =
        listed.deployments.iter().map(|d| (d.id.as_str(), d.cluster.as_deref())).collect();
    assert_eq!(
        ids,
        [
            ("flux:flux-system/apps@production-cluster", Some("production-cluster")),
            ("flux:flux-system/apps@staging-cluster", Some("staging-cluster")),
            ("flux:flux-system/flux-system@production-cluster", Some("production-cluster")),
            ("flux:flux-system/flux-system@staging-cluster", Some("staging-cluster")),
            ("flux:flux-system/infrastructure@production-cluster", Some("production-cluster")),
            ("flux:flux-system/infrastructure@staging-cluster", Some("staging-cluster")),
            ("flux:flux-system/tenant-a@production-cluster", Some("production-cluster")),
            ("flux:flux-system/tenant-a@staging-cluster", Some("staging-cluster")),
        ]
    );
    // The bootstrap Kustomization first (its render creates the others' objects), then
    // dependsOn: infrastructure before apps; the rest by id.
    let staging = listed.clusters.iter().find(|c| c.name == "staging-cluster").unwrap();
    assert_eq!(
        staging.deployments,
        [
            "flux:flux-system/flux-system@staging-cluster",
            "flux:flux-system/infrastructure@staging-cluster",
            "flux:flux-system/apps@staging-cluster",
            "flux:flux-system/tenant-a@staging-cluster",
        ]
    );
    assert!(listed.diagnostics.is_empty(), "{:#?}", listed.diagnostics);
    // The tenant comes from another repository: listed, not rendered.
    let tenant = listed.deployments.iter().find(|d| d.name == "tenant-a").unwrap();
    assert!(!tenant.sources[0].local);
    let mut repo = Repo::new(&t, &mut renders);
    let r = render(
        &mut repo,
        &DeploymentRequest::parse("flux:flux-system/tenant-a@staging-cluster").unwrap(),
    );
    assert!(!r.ok);
    assert_eq!(r.diagnostics[0].code, "D007");
}

#[test]
fn a_shared_name_needs_its_cluster() {
    let t = fleet();
    let mut renders = Renders::new();
    let mut repo = Repo::new(&t, &mut renders);
    let r = render(&mut repo, &DeploymentRequest::parse("flux:flux-system/apps").unwrap());
    assert!(!r.ok);
    assert_eq!(r.diagnostics[0].code, "D003");
    assert!(
        r.diagnostics[0].help.as_deref().unwrap().contains("flux:flux-system/apps@staging-cluster")
    );
    let prod = render(
        &mut repo,
        &DeploymentRequest::parse("flux:flux-system/apps@production-cluster").unwrap(),
    );
    assert!(prod.ok, "{:#?}", prod.diagnostics);
    assert!(prod.yaml.contains("namespace: payments"));
    assert!(prod.yaml.contains("region: eu-west-1"), "{}", prod.yaml);
    assert!(prod.yaml.contains("payment-service:9f8e7d6"));
    assert_eq!(prod.namespaces, ["payments"]);
    let staging = render(
        &mut repo,
        &DeploymentRequest::parse("flux:flux-system/apps@staging-cluster").unwrap(),
    );
    // No variables in staging: Flux leaves `${REGION:=local}` as written.
    assert!(staging.yaml.contains("region: ${REGION:=local}"), "{}", staging.yaml);
}

/// An environment and its deployments' ids and clusters.
type Row<'a> = (&'a str, Vec<(&'a str, Option<&'a str>)>);

#[test]
fn status_shows_who_deploys_each_environment() {
    let t = fleet();
    let mut renders = Renders::new();
    let status = crate::status::status(&mut Repo::new(&t, &mut renders));
    let payment = status.apps.iter().find(|a| a.name == "payment-service").unwrap();
    let per_env: Vec<Row> = payment
        .environments
        .iter()
        .map(|e| {
            (
                e.name.as_str(),
                e.deployments.iter().map(|d| (d.id.as_str(), d.cluster.as_deref())).collect(),
            )
        })
        .collect();
    assert_eq!(
        per_env,
        [
            ("staging", vec![("flux:flux-system/apps@staging-cluster", Some("staging-cluster"))]),
            (
                "production",
                vec![("flux:flux-system/apps@production-cluster", Some("production-cluster"))]
            ),
        ]
    );
    assert_eq!(payment.environments[0].deployments[0].namespaces, ["payments"]);
    let clusters: Vec<&str> = status.clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(clusters, ["production-cluster", "staging-cluster"]);
    // ledger/staging is deployed by nothing.
    let d20: Vec<&Diagnostic> = status.diagnostics.iter().filter(|d| d.code == "D020").collect();
    assert_eq!(d20.len(), 1, "{:#?}", status.diagnostics);
    assert_eq!(d20[0].file.as_deref(), Some("apps/ledger/staging/kustomization.yaml"));
}

#[test]
fn a_repository_without_deployments_has_no_deployment_warnings() {
    let t = tree(&[
        ("apps/a/base/kustomization.yaml", "resources: []\nnamespace: x\n"),
        ("apps/a/dev/kustomization.yaml", "resources:\n- ../base\n"),
    ]);
    let mut renders = Renders::new();
    let status = crate::status::status(&mut Repo::new(&t, &mut renders));
    assert!(
        status.diagnostics.iter().all(|d| !d.code.starts_with('D')),
        "{:#?}",
        status.diagnostics
    );
    assert!(status.clusters.is_empty());
}

#[test]
fn validate_reports_the_deployments_problems_where_they_are_written() {
    let mut t = fleet();
    // A missing path, a dependency on nothing, a cycle, a missing source, an image override
    // no container runs.
    t.insert(
        "clusters/staging-cluster/broken.yaml",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: broken
  namespace: flux-system
spec:
  dependsOn:
  - name: nothing
  path: ./apps/nowhere
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: loop-a
  namespace: flux-system
spec:
  dependsOn:
  - name: loop-b
  path: ./apps/ledger/staging
  sourceRef:
    kind: GitRepository
    name: flux-system
  images:
  - name: postgres
    newTag: \"16\"
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: loop-b
  namespace: flux-system
spec:
  dependsOn:
  - name: loop-a
  path: ./apps/ledger/staging
  sourceRef:
    kind: GitRepository
    name: elsewhere
",
    )
    .unwrap();
    let mut renders = Renders::new();
    let found = validate(&mut Repo::new(&t, &mut renders));
    let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
    for code in ["D004", "D016", "D017", "D006", "D015"] {
        assert!(codes.contains(&code), "{code} missing from {found:#?}");
    }
    let text = t.text("clusters/staging-cluster/broken.yaml").unwrap();
    let d4 = found.iter().find(|d| d.code == "D004").unwrap();
    let at = text.find("./apps/nowhere").unwrap();
    assert_eq!(d4.span, Some(Span::new(at, at + "./apps/nowhere".len())));
    assert!(d4.range.is_some(), "diagnostics carry LSP ranges");
    let d15 = found.iter().find(|d| d.code == "D015").unwrap();
    assert_eq!(d15.file.as_deref(), Some("clusters/staging-cluster/broken.yaml"));
}

#[test]
fn an_edit_renders_again_only_the_deployments_it_touches() {
    let t = fleet();
    let mut ws = crate::Workspace::new(t);
    let first = ws.validate();
    let before = ws.stats().renders;
    let cached = ws.cached_deployments();
    assert_eq!(cached.len(), 8, "{cached:?}");
    ws.set_file(
        "apps/payment-service/production/kustomization.yaml",
        "resources:\n- ../base\nimages:\n- name: registry.example.com/payment-service\n  newTag: \"1111111\"\n",
    )
    .unwrap();
    // The production overlay is read by production's apps only: that render is dropped, the
    // others kept.
    let kept = ws.cached_deployments();
    assert_eq!(kept.len(), 7);
    assert!(!kept.contains(&"flux:flux-system/apps@production-cluster".to_string()));
    let again = ws.validate();
    assert_eq!(first, again);
    // `stats().renders` counts overlay renders: validate renders the overlay again.
    assert_eq!(ws.stats().renders - before, 1, "renders redone");
    assert_eq!(ws.cached_deployments(), cached);
    let r = ws.render_deployment(
        &DeploymentRequest::parse("flux:flux-system/apps@production-cluster").unwrap(),
    );
    assert!(r.yaml.contains("payment-service:1111111"));
}

/// The plan of promoting `app` to `to` (from the environment before it).
fn plan_promotion(t: &FileTree, app: &str, to: &str) -> crate::promote::PromotionPlan {
    let request = crate::promote::PromotionRequest {
        app: app.into(),
        to: to.into(),
        ..crate::promote::PromotionRequest::default()
    };
    crate::promote::plan(&mut Repo::new(t, &mut Renders::new()), &request)
}

#[test]
fn a_promotions_rendered_diff_is_what_the_cluster_applies() {
    let plan = plan_promotion(&fleet(), "payment-service", "production");
    assert!(plan.diagnostics.iter().all(|d| !d.is_error()), "{:#?}", plan.diagnostics);
    // The production cluster's Kustomization sets `targetNamespace: payments` and substitutes
    // REGION: the diff is of what it applies, not of the overlay alone.
    assert!(
        plan.rendered_diff.starts_with("--- a/production/Deployment/payments/payment-service\n"),
        "{}",
        plan.rendered_diff
    );
    assert!(
        plan.rendered_diff
            .contains("-      - image: registry.example.com/payment-service:9f8e7d6\n")
    );
    assert!(
        plan.rendered_diff
            .contains("+      - image: registry.example.com/payment-service:abc1234\n")
    );
    assert!(plan.rendered_diff.contains("         region: eu-west-1\n"), "{}", plan.rendered_diff);
}

/// Flux 2.7's source-watcher: an `ExternalArtifact` an `ArtifactGenerator` copies from this
/// repository is rendered from the directories it copies, when the copy keeps their layout
/// (fluxcd/flux2-kustomize-helm-example 4f1a5b1 `clusters/staging/artifacts.yaml`).
#[test]
fn artifacts_generated_from_this_repository_are_rendered() {
    let generator = "apiVersion: source.extensions.fluxcd.io/v1beta1
kind: ArtifactGenerator
metadata:
  name: flux-system
  namespace: flux-system
spec:
  sources:
    - alias: monorepo
      kind: GitRepository
      name: flux-system
  artifacts:
    - name: apps
      copy:
        - from: \"@monorepo/apps/base/**\"
          to: \"@artifact/base/\"
        - from: \"@monorepo/apps/staging/**\"
          to: \"@artifact/staging/\"
    - name: flat
      copy:
        - from: \"@monorepo/apps/staging/*.yaml\"
          to: \"@artifact/\"
";
    let ks = |name: &str, artifact: &str| {
        format!(
            "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: {name}
  namespace: flux-system
spec:
  path: ./staging
  sourceRef:
    kind: ExternalArtifact
    name: {artifact}
"
        )
    };
    let (apps, flat) = (ks("apps", "apps"), ks("flat", "flat"));
    let t = tree(&[
        ("clusters/staging/artifacts.yaml", generator),
        ("clusters/staging/apps.yaml", &apps),
        ("clusters/staging/flat.yaml", &flat),
        ("apps/base/kustomization.yaml", "resources: [cm.yaml]\n"),
        ("apps/base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"),
        ("apps/staging/kustomization.yaml", "resources: [../base]\nnamespace: s\n"),
    ]);
    let r = render_in(&t, "flux:flux-system/apps@staging");
    assert!(r.ok, "{:#?}", r.diagnostics);
    assert_eq!(r.yaml, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: s\n");
    let source = &r.deployment.as_ref().unwrap().sources[0];
    assert_eq!(source.path.as_deref(), Some("apps/staging"));
    let flat = render_in(&t, "flux:flux-system/flat@staging");
    assert!(!flat.ok);
    assert_eq!(flat.diagnostics[0].code, "D007");
    assert!(
        flat.diagnostics[0].message.contains("not a whole-directory copy"),
        "{}",
        flat.diagnostics[0].message
    );
}

/// fluxcd/flux2-multi-tenancy 192da05: the tenant's `GitRepository` is this repository's URL on
/// another branch, so its files are not these.
#[test]
fn another_branch_of_this_repository_is_another_source() {
    let t = tree(&[
        (
            "clusters/c/flux-system/gotk-sync.yaml",
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  url: https://github.com/o/r\n  ref:\n    branch: main\n",
        ),
        (
            "clusters/c/tenant.yaml",
            "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: t\n  namespace: flux-system\nspec:\n  url: https://github.com/o/r.git\n  ref:\n    branch: tenant\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: t\n  namespace: flux-system\nspec:\n  path: ./apps\n  sourceRef:\n    kind: GitRepository\n    name: t\n",
        ),
        ("apps/kustomization.yaml", "resources: []\nnamespace: x\n"),
    ]);
    let r = render_in(&t, "flux:flux-system/t@c");
    assert_eq!(r.diagnostics[0].code, "D007", "{:#?}", r.diagnostics);
}

/// A Kustomization whose path is its own cluster directory applies itself: the walk visits
/// each name once per cluster and ends.
#[test]
fn a_kustomization_that_applies_itself_is_walked_once() {
    let t = tree(&[(
        "clusters/c/self.yaml",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: self\n  namespace: flux-system\nspec:\n  path: ./clusters/c\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
    )]);
    let mut renders = Renders::new();
    let listed = deployments(&mut Repo::new(&t, &mut renders));
    let ids: Vec<&str> = listed.deployments.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["flux:flux-system/self@c"]);
}

/// fluxcd/flux2-multi-tenancy's layout: a cluster applies a tenant's Kustomization through a
/// patch that sets its path. The cluster runs the patched object; the patch file is an input,
/// not a second object.
#[test]
fn a_parents_patch_reaches_the_child_and_is_no_object_of_its_own() {
    let t = tree(&[
        (
            "clusters/c/tenants.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: tenants\n  namespace: flux-system\nspec:\n  path: ./tenants/staging\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
        ),
        ("tenants/base/kustomization.yaml", "resources: [sync.yaml]\n"),
        (
            "tenants/base/sync.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: dev-team\n  namespace: apps\nspec:\n  path: ./nowhere\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n    namespace: flux-system\n",
        ),
        (
            "tenants/staging/kustomization.yaml",
            "resources: [../base]\npatches:\n- path: dev-team-patch.yaml\n",
        ),
        (
            "tenants/staging/dev-team-patch.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: dev-team\n  namespace: apps\nspec:\n  path: ./apps/staging\n",
        ),
        ("apps/staging/kustomization.yaml", "resources: [cm.yaml]\n"),
        ("apps/staging/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team\n"),
    ]);
    let r = render_in(&t, "flux:apps/dev-team@c");
    assert!(r.ok, "{:#?}", r.diagnostics);
    assert_eq!(r.deployment.as_ref().unwrap().sources[0].path.as_deref(), Some("apps/staging"));
    let mut renders = Renders::new();
    let found = validate(&mut Repo::new(&t, &mut renders));
    assert!(found.iter().all(|d| !d.code.starts_with('D')), "{found:#?}");
}

/// The argo-overrides case with its Application generated by an `ApplicationSet` (list
/// generator, the overrides in the template, one of them from a parameter): the render is the
/// same oracle output. The template's `metadata.namespace` is ignored; the Application lives in
/// the `ApplicationSet`'s namespace (argo-cd 37ee009
/// `applicationset/controllers/template/template.go`: `app.Namespace = applicationSetInfo.Namespace`).
const WEB_APPSET: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: web
  namespace: argocd
spec:
  generators:
  - list:
      elements:
      - env: staging
        tag: "1.27"
  template:
    metadata:
      name: "web-{{env}}"
      namespace: elsewhere
    spec:
      project: default
      destination:
        name: "{{env}}"
        namespace: shop
      source:
        repoURL: https://example.com/fleet.git
        path: "apps/web/{{env}}"
        kustomize:
          namePrefix: a-
          nameSuffix: -z
          images:
          - "nginx=registry.example.com/nginx:{{tag}}"
          - busybox:1.37
          replicas:
          - name: web
            count: 4
          commonLabels:
            team: payments
          commonAnnotations:
            owner: ops
          namespace: shop
          patches:
          - target:
              kind: Service
            patch: |-
              - op: replace
                path: /spec/ports/0/port
                value: 8443
          components:
          - ../../../components/debug
"#;

fn web_appset_tree() -> FileTree {
    appset_tree(WEB_APPSET)
}

/// The argo-overrides case with its Application replaced by `appset` (`argocd/web-appset.yaml`).
fn appset_tree(appset: &str) -> FileTree {
    let mut t = bundle(include_str!("testdata/argo-overrides.repo"));
    t.remove("argocd/web.yaml");
    t.insert("argocd/web-appset.yaml", appset).unwrap();
    t
}

#[test]
fn an_application_an_appset_generates_renders_with_its_kustomize_overrides() {
    let t = web_appset_tree();
    let rendered = render_in(&t, "argo:argocd/web-staging");
    assert!(rendered.ok, "{:#?}", rendered.diagnostics);
    assert_eq!(rendered.yaml, include_str!("testdata/argo-overrides.expected.yaml"));
    let d = rendered.deployment.unwrap();
    assert_eq!(d.app_set.as_deref(), Some("web"));
    assert_eq!(d.file, "argocd/web-appset.yaml");
    // The span is the template's name.
    assert_eq!(&WEB_APPSET[d.span.range()], "\"web-{{env}}\"");
    assert_eq!(d.cluster.as_deref(), Some("staging"));
    assert_eq!(d.destination.namespace.as_deref(), Some("shop"));
    assert_eq!(
        d.overrides,
        [
            "namePrefix",
            "nameSuffix",
            "images",
            "replicas",
            "commonLabels",
            "commonAnnotations",
            "namespace",
            "patches",
            "components"
        ]
    );
    // Not in the template's namespace.
    let elsewhere = render_in(&t, "argo:elsewhere/web-staging");
    assert_eq!(elsewhere.diagnostics[0].code, "D003");
}

#[test]
fn generated_applications_are_listed_with_their_appset_and_clusters() {
    let t = web_appset_tree();
    let mut renders = Renders::new();
    let listed = deployments(&mut Repo::new(&t, &mut renders));
    let ids: Vec<(&str, Option<&str>)> =
        listed.deployments.iter().map(|d| (d.id.as_str(), d.app_set.as_deref())).collect();
    assert_eq!(ids, [("argo:argocd/web-staging", Some("web"))]);
    assert_eq!(listed.clusters.len(), 1);
    assert_eq!(listed.clusters[0].name, "staging");
    assert_eq!(listed.clusters[0].deployments, ["argo:argocd/web-staging"]);
}

/// An override that matches nothing is reported in the `ApplicationSet`, at the template value
/// it came from.
#[test]
fn a_generated_applications_problems_point_into_the_appset_template() {
    let mut t = web_appset_tree();
    t.insert("argocd/web-appset.yaml", WEB_APPSET.replace("busybox:1.37", "redis:7")).unwrap();
    let mut renders = Renders::new();
    let found = validate(&mut Repo::new(&t, &mut renders));
    let d15: Vec<&Diagnostic> = found.iter().filter(|d| d.code == "D015").collect();
    assert_eq!(d15.len(), 1, "{found:#?}");
    assert_eq!(d15[0].file.as_deref(), Some("argocd/web-appset.yaml"));
    let text = t.text("argocd/web-appset.yaml").unwrap();
    assert_eq!(&text[d15[0].span.unwrap().range()], "redis:7");
}

/// A generated Application and a written one of the same name: D002, the written one kept.
#[test]
fn a_generated_application_named_as_a_written_one_is_d002() {
    let mut t = bundle(include_str!("testdata/argo-overrides.repo"));
    t.insert("argocd/web-appset.yaml", WEB_APPSET).unwrap();
    let mut renders = Renders::new();
    let mut repo = Repo::new(&t, &mut renders);
    let listed = deployments(&mut repo);
    assert_eq!(listed.deployments.len(), 1);
    assert_eq!(listed.deployments[0].app_set, None);
    let found = validate(&mut repo);
    let d2 = found.iter().find(|d| d.code == "D002").unwrap();
    assert_eq!(d2.file.as_deref(), Some("argocd/web-appset.yaml"));
    assert!(d2.message.contains("ApplicationSet web generates Application argocd/web-staging"));
}

/// A git files generator's parameters come from a file the render does not read: editing it
/// gives the new Application's render, not the cached one.
#[test]
fn a_generated_application_follows_its_generators_files() {
    let appset = r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: web, namespace: argocd}
spec:
  generators:
  - git:
      repoURL: https://example.com/fleet.git
      revision: HEAD
      files:
      - path: "config/*.json"
  template:
    metadata: {name: "web-{{env}}"}
    spec:
      project: default
      destination: {name: "{{env}}", namespace: shop}
      source:
        repoURL: https://example.com/fleet.git
        path: "apps/web/{{env}}"
        kustomize:
          images: ["nginx:{{tag}}"]
"#;
    let mut t = appset_tree(appset);
    t.insert("config/staging.json", r#"{"env": "staging", "tag": "1.28"}"#).unwrap();
    let mut ws = crate::Workspace::new(t);
    let id = DeploymentRequest::parse("argo:argocd/web-staging").unwrap();
    let first = ws.render_deployment(&id);
    assert!(first.ok, "{:#?}", first.diagnostics);
    assert!(first.yaml.contains("image: nginx:1.28\n"), "{}", first.yaml);
    ws.set_file("config/staging.json", r#"{"env": "staging", "tag": "1.29"}"#).unwrap();
    let second = ws.render_deployment(&id);
    assert!(second.yaml.contains("image: nginx:1.29\n"), "{}", second.yaml);
}

/// A promotion into an overlay a generated Application deploys: the rendered diff is that
/// Application's render (its template's `namePrefix` and `commonLabels` included).
#[test]
fn a_promotions_rendered_diff_uses_the_generated_application() {
    let appset = r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: web, namespace: argocd}
spec:
  generators:
  - list:
      elements:
      - env: production
  template:
    metadata: {name: "web-{{env}}"}
    spec:
      project: default
      destination: {server: https://prod.example.com, namespace: web}
      source:
        repoURL: https://example.com/fleet.git
        path: "apps/web/{{env}}"
        kustomize:
          namePrefix: prod-
          commonLabels: {tier: gold}
"#;
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n";
    let t = tree(&[
        ("apps/web/base/kustomization.yaml", "resources:\n- deployment.yaml\n"),
        ("apps/web/base/deployment.yaml", deployment),
        (
            "apps/web/staging/kustomization.yaml",
            "resources:\n- ../base\nimages:\n- name: nginx\n  newTag: \"1.27\"\n",
        ),
        (
            "apps/web/production/kustomization.yaml",
            "resources:\n- ../base\nimages:\n- name: nginx\n  newTag: \"1.26\"\n",
        ),
        ("argocd/web.yaml", appset),
    ]);
    let plan = plan_promotion(&t, "web", "production");
    assert!(plan.diagnostics.iter().all(|d| !d.is_error()), "{:#?}", plan.diagnostics);
    assert!(
        plan.rendered_diff.starts_with("--- a/production/Deployment/prod-web\n"),
        "{}",
        plan.rendered_diff
    );
    assert!(
        plan.rendered_diff.contains("-      - image: nginx:1.26\n+      - image: nginx:1.27\n"),
        "{}",
        plan.rendered_diff
    );
    assert!(plan.rendered_diff.contains("         tier: gold\n"), "{}", plan.rendered_diff);
}

/// Remote Argo CD sources are listed, never fetched: a Helm chart from a chart repository and
/// a path this repository does not have (another repository) are D007 (info), a `ref`-only
/// source D018; none is an error, and the local source still renders.
#[test]
fn remote_argo_sources_are_listed_not_fetched() {
    let app = r"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: mixed, namespace: argocd}
spec:
  destination: {server: https://kubernetes.default.svc, namespace: web}
  sources:
  - repoURL: https://charts.bitnami.com/bitnami
    chart: redis
    targetRevision: 18.0.0
  - repoURL: https://github.com/other/config.git
    path: envs/prod
  - repoURL: https://github.com/other/values.git
    ref: values
  - repoURL: https://example.com/fleet.git
    path: apps/web/staging
";
    let mut t = bundle(include_str!("testdata/argo-overrides.repo"));
    t.insert("argocd/web.yaml", app).unwrap();
    let mut renders = Renders::new();
    let mut repo = Repo::new(&t, &mut renders);
    let r = render(&mut repo, &DeploymentRequest::parse("argo:argocd/mixed").unwrap());
    assert!(r.ok, "{:#?}", r.diagnostics);
    let codes: Vec<(&str, bool)> = r.diagnostics.iter().map(|d| (d.code, d.is_error())).collect();
    assert_eq!(codes, [("D007", false), ("D007", false), ("D018", false)], "{:#?}", r.diagnostics);
    assert!(r.yaml.contains("namespace: web-staging\n"));
    let sources = &r.deployment.unwrap().sources;
    let local: Vec<bool> = sources.iter().map(|s| s.local).collect();
    assert_eq!(local, [false, false, false, true]);
    assert!(validate(&mut repo).iter().all(|d| !d.is_error()));
}

fn member(id: &str, depends_on: &[&str]) -> Deployment {
    Deployment {
        id: id.to_string(),
        controller: Controller::Flux,
        namespace: "flux-system".into(),
        name: id.to_string(),
        file: "clusters/c/apps.yaml".into(),
        span: crate::diagnostic::Span::new(0, 0),
        cluster: Some("c".into()),
        destination: Destination::default(),
        sources: Vec::new(),
        depends_on: depends_on.iter().map(|d| (*d).to_string()).collect(),
        suspended: false,
        overrides: Vec::new(),
        app_set: None,
        applied_by: None,
    }
}

/// A cluster's apply order: dependencies first, else in the given order; the members of a
/// cycle and what waits on them last; an id given twice listed once (the earlier loop never
/// ended on one, though the index does not pass duplicates today); a chain of 20,000 Kustomizations ordered in linear-logarithmic time (it was
/// cubic: a work budget cannot be shown by a timing test, so the size is the check).
#[test]
fn cluster_order_is_a_topological_sort_that_always_ends() {
    let deployments = [
        member("d", &["b"]),
        member("a", &[]),
        member("x", &["y"]),
        member("y", &["x"]),
        member("b", &["a", "a", "missing"]),
        member("w", &["x"]),
        member("a", &[]),
    ];
    let order = model::clusters(&deployments);
    assert_eq!(order[0].deployments, ["a", "b", "d", "x", "y", "w"]);

    let n = 20_000;
    let chain: Vec<Deployment> = (0..n)
        .map(|i| {
            let deps = if i + 1 < n { vec![format!("k{}", i + 1)] } else { Vec::new() };
            let mut d = member(&format!("k{i}"), &[]);
            d.depends_on = deps;
            d
        })
        .collect();
    let order = model::clusters(&chain);
    assert_eq!(order[0].deployments.len(), n);
    assert_eq!(order[0].deployments.first().map(String::as_str), Some("k19999"));
    assert_eq!(order[0].deployments.last().map(String::as_str), Some("k0"));
}

/// D017's cycle finder: members of a cycle, and a self-dependency, are on one; what only waits
/// on a cycle, or sits between two, is not; a chain of 20,000 ends (the earlier search was
/// cubic, and recursion would exhaust the stack).
#[test]
fn only_deployments_on_a_cycle_are_cyclic() {
    // 0 → 1 → 2 → 1 (cycle 1-2); 3 → 0 (waits); 4 → 4 (self); 5 → 6 → 5 and 6 → 7 → 8 → 7
    // (7 between nothing: 5-6 is one cycle, 7-8 another, the edge 6 → 7 joins neither).
    let edges =
        vec![vec![1], vec![2], vec![1], vec![0], vec![4], vec![6], vec![5, 7], vec![8], vec![7]];
    assert_eq!(model::on_cycle(&edges), [false, true, true, false, true, true, true, true, true]);
    // A node between two cycles is on neither.
    let between = vec![vec![1], vec![0, 2], vec![3], vec![4], vec![3]];
    assert_eq!(model::on_cycle(&between), [true, true, false, true, true]);

    let n = 20_000;
    let mut chain: Vec<Vec<usize>> =
        (0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![] }).collect();
    assert!(model::on_cycle(&chain).iter().all(|c| !c));
    chain[n - 1].push(n - 2);
    let cyclic = model::on_cycle(&chain);
    assert_eq!(cyclic.iter().filter(|c| **c).count(), 2);
    assert!(cyclic[n - 1] && cyclic[n - 2]);
}
