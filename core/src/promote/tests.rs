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
        assert_eq!(ws.tree().text(&e.path), Some(e.before.as_str()));
        ws.set_file(&e.path, &e.after).unwrap();
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
    assert_eq!(edit.after, patch("abc1234"), "only the tag changes; the comment stays");
    assert_eq!(edit.before.replace("9f8e7d6", "abc1234"), edit.after);
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
        edit.after,
        "# Production runs what the base pins until promoted.\nresources:\n- ../base\nimages:\n- name: registry.example.com/checkout\n  newTag: 7c3f9a1\n"
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
    assert!(
        plan.edits[0].after.ends_with(
            "images:\n  - name: registry.example.com/payment-service\n    newTag: abc1234\n"
        ),
        "{}",
        plan.edits[0].after
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
