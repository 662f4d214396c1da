//! End-to-end tests of status and promotion plans on the seed's `platform-gitops` layout.

use super::*;
use crate::Workspace;
use crate::tree::FileTree;

const BASE_DEPLOYMENT: &str = "\
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
          ports:
            - containerPort: 8080
";

fn patch(tag: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payment-service\nspec:\n  template:\n    spec:\n      containers:\n        - name: payment-service\n          image: registry.example.com/payment-service:{tag}  # ← CI updates this\n"
    )
}

/// The seed layout, plus `checkout`, whose production inherits the base image.
fn seed() -> FileTree {
    let mut t = FileTree::new();
    let mut add = |p: &str, s: &str| {
        t.insert(p, s).unwrap();
    };
    add("apps/payment-service/base/kustomization.yaml", "resources:\n  - deployment.yaml\n");
    add("apps/payment-service/base/deployment.yaml", BASE_DEPLOYMENT);
    add(
        "apps/payment-service/staging/kustomization.yaml",
        "resources:\n  - ../base\nnamespace: payments-staging\npatches:\n  - path: image-patch.yaml\n",
    );
    add("apps/payment-service/staging/image-patch.yaml", &patch("abc1234"));
    add(
        "apps/payment-service/production/kustomization.yaml",
        "resources:\n  - ../base\nnamespace: payments-production\npatches:\n  - path: image-patch.yaml\n",
    );
    add("apps/payment-service/production/image-patch.yaml", &patch("9f8e7d6"));
    let checkout = BASE_DEPLOYMENT.replace("payment-service", "checkout");
    add("apps/checkout/base/kustomization.yaml", "resources:\n- deployment.yaml\n");
    add("apps/checkout/base/deployment.yaml", checkout.as_str());
    add(
        "apps/checkout/staging/kustomization.yaml",
        "resources:\n- ../base\nimages:\n- name: registry.example.com/checkout\n  newTag: 7c3f9a1\n",
    );
    add(
        "apps/checkout/production/kustomization.yaml",
        "# Production runs what the base pins until promoted.\nresources:\n- ../base\n",
    );
    t
}

fn request(app: &str, to: &str) -> PromotionRequest {
    PromotionRequest { app: app.into(), to: to.into(), ..PromotionRequest::default() }
}

fn apply(ws: &mut Workspace, plan: &PromotionPlan) {
    for e in &plan.edits {
        assert_eq!(ws.tree().text(&e.path).as_deref(), e.before.as_deref());
        if let Some(after) = &e.after {
            ws.set_file(&e.path, after).unwrap();
        } else {
            assert!(ws.remove_file(&e.path));
        }
    }
}

fn production_image(ws: &mut Workspace, app: &str) -> String {
    let rendered = ws.render(&format!("apps/{app}/production"));
    assert!(rendered.ok(), "{:?}", rendered.diagnostics);
    rendered.resources.iter().flat_map(|r| r.images.iter()).map(|i| i.image.clone()).next().unwrap()
}

#[test]
fn promoting_payment_service_changes_exactly_the_patched_scalar() {
    let mut ws = Workspace::new(seed());
    let plan = ws.plan_promotion(&request("payment-service", "production"));
    assert!(plan.diagnostics.iter().all(|d| !d.is_error()), "{:?}", plan.diagnostics);
    assert_eq!(plan.from.as_deref(), Some("staging"));
    assert_eq!(plan.changes.len(), 1);
    let change = &plan.changes[0];
    assert_eq!(change.workload, "Deployment/payment-service");
    assert_eq!((change.from.as_deref(), change.to.as_deref()), (Some("9f8e7d6"), Some("abc1234")));
    assert_eq!(plan.edits.len(), 1);
    let edit = &plan.edits[0];
    assert_eq!(edit.path, "apps/payment-service/production/image-patch.yaml");
    assert_eq!(
        edit.after.as_deref(),
        Some(patch("abc1234").as_str()),
        "only the tag changes; the comment stays"
    );
    assert_eq!(edit.before.as_ref().map(|b| b.replace("9f8e7d6", "abc1234")), edit.after);
    assert!(edit.diff.contains(
        "-          image: registry.example.com/payment-service:9f8e7d6  # ← CI updates this"
    ));
    assert!(
        plan.rendered_diff.contains("+      - image: registry.example.com/payment-service:abc1234"),
        "{}",
        plan.rendered_diff
    );
    assert!(plan.allowed);
    let pr = plan.pull_request.as_ref().unwrap();
    assert_eq!(pr.title, "promote(payment-service): staging → production (abc1234)");
    assert_eq!(pr.branch, "promote/payment-service/production-abc1234");
    assert!(pr.body.contains("| Deployment/payment-service | payment-service | registry.example.com/payment-service | `9f8e7d6` | `abc1234` |"));

    apply(&mut ws, &plan);
    assert_eq!(
        production_image(&mut ws, "payment-service"),
        "registry.example.com/payment-service:abc1234"
    );
    let again = ws.plan_promotion(&request("payment-service", "production"));
    assert!(again.changes.is_empty() && again.edits.is_empty(), "{:?}", again.changes);
    assert!(again.allowed);
    assert!(again.message.starts_with("nothing to promote"), "{}", again.message);
}

#[test]
fn an_inherited_image_gets_an_images_entry() {
    let mut ws = Workspace::new(seed());
    let plan = ws.plan_promotion(&request("checkout", "production"));
    assert!(plan.diagnostics.iter().all(|d| !d.is_error()), "{:?}", plan.diagnostics);
    assert_eq!(plan.edits.len(), 1);
    let edit = &plan.edits[0];
    assert_eq!(edit.path, "apps/checkout/production/kustomization.yaml");
    assert_eq!(
        edit.after.as_deref(),
        Some(
            "# Production runs what the base pins until promoted.\nresources:\n- ../base\nimages:\n- name: registry.example.com/checkout\n  newTag: 7c3f9a1\n"
        )
    );
    assert_eq!(
        plan.changes[0].file.as_deref(),
        Some("apps/checkout/production/kustomization.yaml")
    );
    apply(&mut ws, &plan);
    assert_eq!(production_image(&mut ws, "checkout"), "registry.example.com/checkout:7c3f9a1");
    assert!(ws.plan_promotion(&request("checkout", "production")).edits.is_empty());
    // The shared base was never touched.
    assert_eq!(
        ws.tree().text("apps/checkout/base/deployment.yaml"),
        seed().text("apps/checkout/base/deployment.yaml")
    );
}

#[test]
fn an_image_set_in_a_shared_file_is_not_edited_there() {
    let mut t = seed();
    // Both overlays use one shared patch file outside their directories.
    t.insert("apps/payment-service/staging/kustomization.yaml", "resources:\n  - ../base\nimages:\n  - name: registry.example.com/payment-service\n    newTag: abc1234\n").unwrap();
    t.insert("apps/payment-service/production/kustomization.yaml", "resources:\n  - ../base\n")
        .unwrap();
    let mut ws = Workspace::new(t);
    let plan = ws.plan_promotion(&request("payment-service", "production"));
    assert_eq!(plan.edits.len(), 1);
    assert_eq!(plan.edits[0].path, "apps/payment-service/production/kustomization.yaml");
    let after = plan.edits[0].after.as_deref().unwrap();
    assert!(
        after.ends_with(
            "images:\n  - name: registry.example.com/payment-service\n    newTag: abc1234\n"
        ),
        "{after}"
    );
}

#[test]
fn status_lists_images_with_their_sources_and_pending_promotions() {
    let mut ws = Workspace::new(seed());
    let status = ws.status();
    assert_eq!(status.environments, ["staging", "production"]);
    let pay = status.apps.iter().find(|a| a.name == "payment-service").unwrap();
    let prod = pay.environments.iter().find(|e| e.name == "production").unwrap();
    let image = &prod.images[0];
    assert_eq!(image.workload, "Deployment/payment-service");
    assert_eq!(image.tag.as_deref(), Some("9f8e7d6"));
    let source = image.source.as_ref().unwrap();
    assert_eq!(
        (source.file.as_str(), source.line),
        ("apps/payment-service/production/image-patch.yaml", 10)
    );
    assert_eq!(pay.pending.len(), 1);
    assert_eq!(pay.pending[0].from, "staging");
    assert_eq!(pay.pending[0].changes[0].from.as_deref(), Some("9f8e7d6"));
    assert_eq!(pay.pending[0].changes[0].to.as_deref(), Some("abc1234"));
    let checkout = status.apps.iter().find(|a| a.name == "checkout").unwrap();
    let staging = checkout.environments.iter().find(|e| e.name == "staging").unwrap();
    let source = staging.images[0].source.as_ref().unwrap();
    assert_eq!(
        (source.file.as_str(), source.line),
        ("apps/checkout/staging/kustomization.yaml", 5)
    );
}

#[test]
fn unknown_app_and_environment_list_the_known_ones() {
    let mut ws = Workspace::new(seed());
    let plan = ws.plan_promotion(&request("payments", "production"));
    assert_eq!(plan.diagnostics[0].code, "R001");
    assert!(plan.diagnostics[0].help.as_deref().unwrap().contains("checkout, payment-service"));
    assert!(!plan.allowed);
    let plan = ws.plan_promotion(&request("checkout", "prod"));
    assert_eq!(plan.diagnostics[0].code, "R002");
    assert!(plan.diagnostics[0].help.as_deref().unwrap().contains("staging, production"));
    let plan = ws.plan_promotion(&request("checkout", "staging"));
    assert_eq!(plan.diagnostics[0].code, "R003");
}

#[test]
fn an_overlay_that_does_not_render_gives_its_diagnostics_and_no_plan() {
    let mut t = seed();
    t.insert("apps/payment-service/production/image-patch.yaml", "kind: [\n").unwrap();
    let mut ws = Workspace::new(t);
    let plan = ws.plan_promotion(&request("payment-service", "production"));
    assert!(plan.edits.is_empty());
    assert!(!plan.allowed);
    assert!(plan.diagnostics.iter().any(|d| d.code == "Y001"));
    assert!(plan.diagnostics.iter().any(|d| d.code == "R008"));
}

#[test]
fn two_containers_needing_different_tags_in_one_place_are_refused() {
    let mut t = seed();
    let two = BASE_DEPLOYMENT.replace(
        "          ports:\n            - containerPort: 8080\n",
        "        - name: worker\n          image: registry.example.com/payment-service:1.0.0\n",
    );
    t.insert("apps/payment-service/base/deployment.yaml", two.as_str()).unwrap();
    t.insert(
        "apps/payment-service/staging/image-patch.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payment-service\nspec:\n  template:\n    spec:\n      containers:\n        - name: payment-service\n          image: registry.example.com/payment-service:aaa1111\n        - name: worker\n          image: registry.example.com/payment-service:bbb2222\n",
    )
    .unwrap();
    t.insert("apps/payment-service/production/kustomization.yaml", "resources:\n  - ../base\n")
        .unwrap();
    let mut ws = Workspace::new(t);
    let plan = ws.plan_promotion(&request("payment-service", "production"));
    assert!(plan.edits.is_empty(), "{:?}", plan.edits);
    assert!(plan.diagnostics.iter().any(|d| d.code == "R005"), "{:?}", plan.diagnostics);
    assert!(!plan.allowed);
}

#[test]
fn a_differing_image_name_is_reported_not_promoted() {
    let mut t = seed();
    t.insert("apps/checkout/staging/kustomization.yaml", "resources:\n- ../base\nimages:\n- name: registry.example.com/checkout\n  newName: mirror.example.com/checkout\n  newTag: v9\n").unwrap();
    let mut ws = Workspace::new(t);
    let plan = ws.plan_promotion(&request("checkout", "production"));
    assert!(plan.changes.is_empty());
    assert!(plan.diagnostics.iter().any(|d| d.code == "R006"));
}

#[test]
fn gates_from_the_pipeline_decide_allowed() {
    let mut t = seed();
    t.insert(
        "baton.yaml",
        "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  environments:\n  - name: staging\n  - name: production\n    gates:\n      approvals: 1\n      immutableTags: true\n",
    )
    .unwrap();
    let mut ws = Workspace::new(t);
    let plan = ws.plan_promotion(&request("payment-service", "production"));
    assert!(!plan.allowed);
    let approvals = plan.gates.iter().find(|g| g.name == "approvals").unwrap();
    assert_eq!(approvals.status, GateStatus::Pending);
    assert!(
        plan.pull_request
            .as_ref()
            .unwrap()
            .body
            .contains("| approvals | ⏳ pending | 0 of 1 approvals |")
    );
    let mut req = request("payment-service", "production");
    req.context = Some(Context {
        author: Some("alice".into()),
        approvals: vec!["bob".into()],
        ..Context::default()
    });
    let plan = ws.plan_promotion(&req);
    assert!(plan.allowed, "{:?}", plan.gates);
    req.from = Some("staging".into());
    req.to = "staging".into();
    let plan = ws.plan_promotion(&req);
    assert!(plan.changes.is_empty());
    assert_eq!(plan.gates[0].status, GateStatus::Fail);
}

/// Issue 14: an environment overlay shared by several apps (`envs/{env}`, declared in
/// `baton.yaml`), where two apps run the same image. Promoting `web` adds an `images:` entry
/// to the shared overlay, which moves `api` too: the plan lists that as a collateral change,
/// with a warning, in the PR body and the summary. On main the plan said "1 image" and only
/// its rendered diff showed the rest.
#[test]
fn an_edit_that_also_moves_another_apps_workload_is_collateral() {
    let mut t = FileTree::new();
    let deployment = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: {name}\n        image: registry.example.com/platform:1.0.0\n"
        )
    };
    for app in ["web", "api"] {
        t.insert(&format!("apps/{app}/base/kustomization.yaml"), "resources: [deployment.yaml]\n")
            .unwrap();
        t.insert(&format!("apps/{app}/base/deployment.yaml"), deployment(app).as_str()).unwrap();
    }
    t.insert(
        "envs/staging/kustomization.yaml",
        "resources:\n- ../../apps/web/base\n- ../../apps/api/base\npatches:\n- target: {kind: Deployment, name: web}\n  patch: |-\n    - op: replace\n      path: /spec/template/spec/containers/0/image\n      value: registry.example.com/platform:2.0.0\n",
    )
    .unwrap();
    t.insert(
        "envs/production/kustomization.yaml",
        "resources:\n- ../../apps/web/base\n- ../../apps/api/base\n",
    )
    .unwrap();
    t.insert(
        "baton.yaml",
        "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  environments:\n  - name: staging\n    path: envs/staging\n  - name: production\n    path: envs/production\n",
    )
    .unwrap();
    let mut ws = Workspace::new(t);
    let plan = ws.plan_promotion(&request("web", "production"));
    assert_eq!(plan.changes.len(), 1, "only web's own workload is promoted: {:?}", plan.changes);
    assert_eq!(plan.changes[0].workload, "Deployment/web");
    assert_eq!(plan.edits.len(), 1);
    assert_eq!(plan.collateral.len(), 1, "{:?}", plan.collateral);
    let c = &plan.collateral[0];
    assert_eq!(
        (c.overlay.as_str(), c.resource.kind.as_str(), c.resource.name.as_str()),
        ("envs/production", "Deployment", "api")
    );
    assert_eq!(c.fields[0].path, "spec.template.spec.containers.[name=api].image");
    assert_eq!(c.fields[0].after.as_deref(), Some("registry.example.com/platform:2.0.0"));
    let warning = plan.diagnostics.iter().find(|d| d.code == "R009").expect("a collateral warning");
    assert_eq!(warning.file.as_deref(), Some("envs/production/kustomization.yaml"));
    assert!(plan.message.contains("1 collateral change"), "{}", plan.message);
    let body = &plan.pull_request.as_ref().unwrap().body;
    assert!(body.contains("### Collateral changes"), "{body}");
    assert!(body.contains("Deployment/api"), "{body}");
    // Status shows each app its own workloads in the shared overlay.
    let status = ws.status();
    let web = status.apps.iter().find(|a| a.name == "web").unwrap();
    assert!(
        web.environments.iter().all(|e| e.images.iter().all(|i| i.workload == "Deployment/web"))
    );
}

/// Issue 14: a patch whose target matches more than the promoted workload. The inline JSON
/// patch of production sets the image of every Deployment; promoting `web` rewrites it, which
/// changes `worker` too.
#[test]
fn a_patch_matching_more_than_intended_is_collateral() {
    let mut t = FileTree::new();
    let base = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: registry.example.com/web:1.0.0\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  template:\n    spec:\n      containers:\n      - name: worker\n        image: registry.example.com/worker:3.0.0\n";
    t.insert("apps/web/base/kustomization.yaml", "resources: [deployments.yaml]\n").unwrap();
    t.insert("apps/web/base/deployments.yaml", base).unwrap();
    t.insert(
        "apps/web/staging/kustomization.yaml",
        "resources: [../base]\nimages:\n- name: registry.example.com/web\n  newTag: 2.0.0\n",
    )
    .unwrap();
    t.insert(
        "apps/web/production/kustomization.yaml",
        "resources: [../base]\npatches:\n- target: {kind: Deployment}\n  patch: |-\n    - op: replace\n      path: /spec/template/spec/containers/0/image\n      value: registry.example.com/web:1.0.0\n",
    )
    .unwrap();
    let mut ws = Workspace::new(t);
    let plan = ws.plan_promotion(&request("web", "production"));
    assert_eq!(plan.changes.len(), 1, "{:?}", plan.changes);
    assert_eq!(plan.edits.len(), 1, "{:?}", plan.diagnostics);
    assert_eq!(plan.collateral.len(), 1, "{:?}", plan.collateral);
    assert_eq!(plan.collateral[0].resource.name, "worker");
    assert_eq!(
        plan.collateral[0].message,
        "apps/web/production: the change also alters Deployment/worker: spec.template.spec.containers.[name=worker].image registry.example.com/web:1.0.0 → registry.example.com/web:2.0.0"
    );
    assert!(plan.diagnostics.iter().any(|d| d.code == "R009"));
}

/// Issue 14: the rendered diff pairs resources by group, kind, namespace and name. The target
/// renders `Deployment/web` twice, in namespaces a and b; on main each diffed against the
/// first, inventing a namespace change.
#[test]
fn the_rendered_diff_pairs_resources_by_namespace() {
    let mut t = seed();
    let two = |tag: &str| {
        ["a", "b"]
            .iter()
            .map(|ns| format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: {ns}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: registry.example.com/web:{tag}\n"))
            .collect::<Vec<_>>()
            .join("---\n")
    };
    t.insert("apps/web/staging/kustomization.yaml", "resources: [d.yaml]\n").unwrap();
    t.insert("apps/web/staging/d.yaml", two("2.0.0").as_str()).unwrap();
    t.insert("apps/web/production/kustomization.yaml", "resources: [d.yaml]\n").unwrap();
    t.insert("apps/web/production/d.yaml", two("1.0.0").as_str()).unwrap();
    let mut ws = Workspace::new(t);
    let plan = ws.plan_promotion(&request("web", "production"));
    assert_eq!(plan.changes.len(), 2, "{:?}", plan.diagnostics);
    assert!(plan.collateral.is_empty(), "{:?}", plan.collateral);
    let diff = &plan.rendered_diff;
    assert!(!diff.contains("namespace: a\n+") && !diff.contains("-  namespace: a"), "{diff}");
    assert!(diff.contains("--- a/production/Deployment/a/web\n"), "{diff}");
    assert!(diff.contains("--- a/production/Deployment/b/web\n"), "{diff}");
    assert_eq!(diff.matches("+      - image: registry.example.com/web:2.0.0").count(), 2, "{diff}");
}

/// Issue 14: two apps named `web` under `teams/*/apps/*`. On main `app: web` silently planned
/// the first; now it is refused with the candidates, and the path names each.
#[test]
fn an_app_name_two_apps_share_is_refused_and_a_path_accepted() {
    let mut t = FileTree::new();
    for team in ["a", "b"] {
        let dir = format!("teams/{team}/apps/web");
        t.insert(&format!("{dir}/base/kustomization.yaml"), "resources: [deployment.yaml]\n")
            .unwrap();
        t.insert(
            &format!("{dir}/base/deployment.yaml"),
            BASE_DEPLOYMENT.replace("payment-service", "web").as_str(),
        )
        .unwrap();
        t.insert(&format!("{dir}/staging/kustomization.yaml"), format!("resources: [../base]\nimages:\n- name: registry.example.com/web\n  newTag: {team}-2\n").as_str()).unwrap();
        t.insert(&format!("{dir}/production/kustomization.yaml"), "resources: [../base]\n")
            .unwrap();
    }
    t.insert(
        "baton.yaml",
        "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  apps: [\"teams/*/apps/*\"]\n",
    )
    .unwrap();
    let mut ws = Workspace::new(t);
    let plan = ws.plan_promotion(&request("web", "production"));
    assert!(plan.edits.is_empty() && !plan.allowed);
    assert_eq!(plan.app_path, None);
    let d = &plan.diagnostics[0];
    assert_eq!(d.code, "R012");
    assert_eq!(d.message, "2 apps are named 'web': teams/a/apps/web, teams/b/apps/web");
    assert_eq!(d.help.as_deref(), Some("name the app by its path, e.g. `app: teams/a/apps/web`"));
    let plan = ws.plan_promotion(&request("teams/b/apps/web", "production"));
    assert!(plan.allowed, "{:?}", plan.diagnostics);
    assert_eq!(
        (plan.app.as_str(), plan.app_path.as_deref()),
        ("teams/b/apps/web", Some("teams/b/apps/web"))
    );
    assert_eq!(plan.edits[0].path, "teams/b/apps/web/production/kustomization.yaml");
    assert_eq!(plan.changes[0].to.as_deref(), Some("b-2"));
    assert_eq!(
        plan.pull_request.as_ref().unwrap().branch,
        "promote/teams/b/apps/web/production-b-2"
    );
    // Status warns that the name is shared.
    assert!(ws.status().diagnostics.iter().any(|d| d.code == "P007"));
}

/// Issue 14: staging runs v0.26.0, production v0.26.1. On main status called that a pending
/// promotion and the plan said nothing; now status says production is ahead (semver) and the
/// plan is marked a downgrade, with a warning, for the host to confirm before writing.
#[test]
fn a_target_newer_than_its_source_is_ahead_and_promoting_it_is_a_downgrade() {
    let mut t = seed();
    t.insert("apps/payment-service/staging/image-patch.yaml", patch("v0.26.0").as_str()).unwrap();
    t.insert("apps/payment-service/production/image-patch.yaml", patch("v0.26.1").as_str())
        .unwrap();
    let mut ws = Workspace::new(t);
    let status = ws.status();
    let pay = status.apps.iter().find(|a| a.name == "payment-service").unwrap();
    let change = &pay.pending[0].changes[0];
    assert_eq!((change.from.as_deref(), change.to.as_deref()), (Some("v0.26.1"), Some("v0.26.0")));
    assert_eq!((change.relation, change.comparison), (Relation::Ahead, Comparison::Semver));
    assert_eq!(change.note, "semver: v0.26.1 is newer than v0.26.0");
    let plan = ws.plan_promotion(&request("payment-service", "production"));
    assert!(plan.downgrade);
    assert_eq!(plan.changes[0].relation, Relation::Ahead);
    let warning = plan.diagnostics.iter().find(|d| d.code == "R011").expect("a downgrade warning");
    assert_eq!(
        warning.message,
        "production runs newer versions than staging (semver); this promotion downgrades Deployment/payment-service 'payment-service' from v0.26.1 to v0.26.0"
    );
    assert!(plan.message.starts_with("1 image (a downgrade) to promote"), "{}", plan.message);
    assert!(plan.allowed, "the gates decide `allowed`; the host decides about downgrades");
    assert!(plan.pull_request.unwrap().body.contains("**downgrades** `production`"));
    // The other way round is an upgrade: behind, no warning.
    let mut t = seed();
    t.insert("apps/payment-service/staging/image-patch.yaml", patch("v0.27.0").as_str()).unwrap();
    t.insert("apps/payment-service/production/image-patch.yaml", patch("v0.26.1").as_str())
        .unwrap();
    let mut ws = Workspace::new(t);
    let plan = ws.plan_promotion(&request("payment-service", "production"));
    assert!(!plan.downgrade && plan.diagnostics.iter().all(|d| d.code != "R011"));
    assert_eq!(plan.changes[0].relation, Relation::Behind);
    // Git SHAs have no order: diverged, and said so.
    let plan = Workspace::new(seed()).plan_promotion(&request("payment-service", "production"));
    assert_eq!(
        (plan.changes[0].relation, plan.changes[0].comparison),
        (Relation::Diverged, Comparison::None)
    );
    assert_eq!(
        plan.changes[0].note,
        "not ordered: '9f8e7d6' and 'abc1234' are not semantic versions"
    );
    assert!(!plan.downgrade);
}

/// Issue 14: a failed gate is not "waiting on"; CODEOWNERS problems reach the plan; the
/// codeowners gate says what is true when no rule covers the changed file.
#[test]
fn plan_messages_are_true_to_the_gates() {
    let mut t = seed();
    t.insert(
        "baton.yaml",
        "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  environments:\n  - name: staging\n  - name: production\n    gates:\n      requiredChecks: [e2e]\n      approvals: 1\n      codeowners: true\n",
    )
    .unwrap();
    t.insert(".github/CODEOWNERS", "/docs/ @writers\n!secret @a\n").unwrap();
    let mut ws = Workspace::new(t);
    let mut req = request("payment-service", "production");
    req.context = Some(Context {
        checks: BTreeMap::from([("e2e".to_string(), "failure".to_string())]),
        ..Context::default()
    });
    let plan = ws.plan_promotion(&req);
    assert_eq!(
        plan.message,
        "1 image to promote from staging to production; blocked by failed gates: requiredChecks; waiting on: approvals"
    );
    let codeowners = plan.gates.iter().find(|g| g.name == "codeowners").unwrap();
    assert_eq!(codeowners.status, GateStatus::Pass);
    assert_eq!(
        codeowners.message,
        "no rule of .github/CODEOWNERS covers apps/payment-service/production/image-patch.yaml; no code-owner approval is required"
    );
    let g001 = plan
        .diagnostics
        .iter()
        .find(|d| d.code == "G001")
        .expect("CODEOWNERS problems reach the plan");
    assert_eq!(g001.file.as_deref(), Some(".github/CODEOWNERS"));
    assert!(g001.range.is_some());
    assert!(!plan.allowed);
}

/// The seed's canary, taking its pods from the Deployment the promotion edits (`workloadRef`).
const SEED_CANARY: &str = "\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: payment-service
spec:
  replicas: 5
  workloadRef:
    apiVersion: apps/v1
    kind: Deployment
    name: payment-service
  strategy:
    canary:
      steps:
        - setWeight: 10
        - pause: {duration: 5m}
        - analysis:
            templates:
              - templateName: success-rate
        - setWeight: 50
        - pause: {duration: 10m}
        - setWeight: 100
";

const SUCCESS_RATE: &str = "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: success-rate\nspec:\n  metrics:\n    - name: success-rate\n      count: 1\n      successCondition: result[0] >= 0.95\n      provider: {prometheus: {address: http://prometheus:9090, query: up}}\n";

/// Issue 11: a plan says, for each workload it changes, how the change rolls out in the
/// target: the seed's canary of 5 replicas (`rollouts::simulate`'s expectations, from
/// argo-rollouts 9f8d111 `utils/replicaset/canary.go` and `rollout/pause.go`), with the seed's
/// strategy, risk and rollback, in the plan and in the pull request body.
#[test]
fn a_plan_says_how_each_change_rolls_out() {
    let mut t = seed();
    t.insert(
        "apps/payment-service/production/kustomization.yaml",
        "resources:\n  - ../base\n  - rollout.yaml\n  - analysis.yaml\nnamespace: payments-production\npatches:\n  - path: image-patch.yaml\n",
    )
    .unwrap();
    t.insert("apps/payment-service/production/rollout.yaml", SEED_CANARY).unwrap();
    t.insert("apps/payment-service/production/analysis.yaml", SUCCESS_RATE).unwrap();
    let mut ws = Workspace::new(t);
    let plan = ws.plan_promotion(&request("payment-service", "production"));
    assert_eq!(plan.changes.len(), 1, "{:?}", plan.diagnostics);
    assert_eq!(plan.rollouts.len(), 1);
    let r = &plan.rollouts[0];
    assert_eq!(
        (r.workload.as_str(), r.rolled_out_by.as_str()),
        ("Deployment/payment-service", "Rollout/payment-service")
    );
    assert_eq!(
        (r.strategy, r.how, r.risk, r.rollback),
        (
            crate::rollouts::strategy::Strategy::Canary,
            "Route % of traffic to new version",
            "Very Low",
            "Reduce canary to 0%"
        )
    );
    assert_eq!(
        r.summary,
        "10% (1 new pod, 5 old) → pause 300s → analysis success-rate → 50% (3 new pods, 3 old) → pause 600s → 100% (5 new pods, 0 old); full promotion after at least 900s, no manual promotion"
    );
    let sim = r.simulation.as_ref().unwrap();
    assert_eq!((sim.min_duration.as_str(), sim.manual_promotions), ("900s", 0));
    assert!(sim.diagnostics.is_empty(), "{:?}", sim.diagnostics);
    let weights: Vec<(i64, i64, i64)> = sim
        .states
        .iter()
        .map(|s| (s.canary_weight, s.stable_replicas, s.canary_replicas))
        .collect();
    assert_eq!(weights[..4], [(10, 5, 1), (10, 5, 1), (10, 5, 1), (50, 3, 3)]);
    let body = &plan.pull_request.as_ref().unwrap().body;
    for line in [
        "### Rollout in `production`",
        "**Rollout/payment-service** (rolls out Deployment/payment-service): Canary (Route % of traffic to new version). Risk: Very Low. Rollback: Reduce canary to 0%.",
        "| at | step | traffic | old pods | new pods | then |",
        "| 0s | 1 | 10% | 5 | 1 | pause 300s |",
        "| 300s | 2 | 10% | 5 | 1 | analysis success-rate |",
        "| 900s | 5 | 100% | 0 | 5 |  |",
    ] {
        assert!(body.lines().any(|l| l == line), "{line:?} not in\n{body}");
    }
    // A Deployment without a Rollout rolls out by its own strategy: RollingUpdate, 25% surge
    // and unavailability of 2 replicas (Kubernetes `rolling.go`: 1 up, then 1 down, ...).
    let plan = ws.plan_promotion(&request("checkout", "production"));
    let r = &plan.rollouts[0];
    assert_eq!(
        (r.workload.as_str(), r.rolled_out_by.as_str()),
        ("Deployment/checkout", "Deployment/checkout")
    );
    assert_eq!(
        (r.strategy.label(), r.risk, r.rollback),
        ("Rolling Update", "Low", "kubectl rollout undo")
    );
    assert_eq!(
        r.summary,
        "33% (1 new pod, 2 old) → 50% (1 new pod, 1 old) → 66% (2 new pods, 1 old) → 100% (2 new pods, 0 old); full promotion after at least 0s, no manual promotion"
    );
    assert!(
        plan.pull_request.unwrap().body.contains(
            "**Deployment/checkout**: Rolling Update (Replace pods gradually). Risk: Low."
        )
    );
}
