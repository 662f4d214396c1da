//! A synthetic fleet: N apps × dev/staging/production, deterministic, for benchmarks.
//!
//! Each app looks like a real one: a base with a `Deployment`, a `Service`, a `ConfigMap` generator
//! and an HPA; overlays that set the namespace, labels, replicas, and the image — by a
//! strategic-merge patch file in staging (with the CI comment), by an `images:` entry in dev,
//! and inherited or pinned in production. Every fourth app's staging is one tag ahead of
//! production, so `status` has pending promotions. The same `apps` value always gives the
//! same bytes.

use std::collections::BTreeMap;

/// The files of a fleet of `apps` apps, as `path → text`.
#[must_use]
pub fn fleet(apps: usize) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for i in 0..apps {
        add_app(&mut files, i);
    }
    files.insert(
        "baton.yaml".into(),
        "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nmetadata:\n  name: fleet\nspec:\n  apps: [\"apps/*\"]\n  environments:\n  - name: dev\n  - name: staging\n  - name: production\n    gates:\n      approvals: 1\n      immutableTags: true\n".into(),
    );
    files
}

fn tag(i: usize, bump: usize) -> String {
    // Short hex git SHAs, stable per app and version.
    // splitmix64 of (app, version).
    let mut x = (i as u64) * 8 + bump as u64;
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    format!("{:07x}", (x ^ (x >> 31)) >> 36)
}

fn add_app(files: &mut BTreeMap<String, String>, i: usize) {
    let name = format!("app-{i:03}");
    let dir = format!("apps/{name}");
    let image = format!("registry.example.com/team-{}/{name}", i % 7);
    let mut put = |path: &str, text: String| {
        files.insert(format!("{dir}/{path}"), text);
    };
    put(
        "base/kustomization.yaml",
        format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n- service.yaml\n- hpa.yaml\nlabels:\n- pairs:\n    app.kubernetes.io/name: {name}\n  includeSelectors: true\nconfigMapGenerator:\n- name: {name}-config\n  literals:\n  - LOG_LEVEL=info\n  - FEATURE_FLAGS=a,b,c\n"
        ),
    );
    put(
        "base/deployment.yaml",
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - name: {name}\n        image: {image}:{}\n        envFrom:\n        - configMapRef:\n            name: {name}-config\n        ports:\n        - containerPort: 8080\n        resources:\n          requests: {{cpu: 100m, memory: 128Mi}}\n      - name: proxy\n        image: envoyproxy/envoy:v1.31.0\n",
            tag(i, 0)
        ),
    );
    put(
        "base/service.yaml",
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  ports:\n  - port: 80\n    targetPort: 8080\n"
        ),
    );
    put(
        "base/hpa.yaml",
        format!(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {name}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {name}\n  minReplicas: 2\n  maxReplicas: 10\n"
        ),
    );
    let staging_tag = tag(i, usize::from(i.is_multiple_of(4)));
    put(
        "dev/kustomization.yaml",
        format!(
            "resources:\n- ../base\nnamespace: {name}-dev\nnamePrefix: dev-\nimages:\n- name: {image}\n  newTag: \"{}\"\n",
            tag(i, 2)
        ),
    );
    put(
        "staging/kustomization.yaml",
        format!(
            "resources:\n- ../base\nnamespace: {name}-staging\npatches:\n- path: image-patch.yaml\nreplicas:\n- name: {name}\n  count: 3\n"
        ),
    );
    put(
        "staging/image-patch.yaml",
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: {name}\n        image: {image}:{staging_tag}  # ← CI updates this\n"
        ),
    );
    let production = if i.is_multiple_of(2) {
        format!(
            "resources:\n- ../base\nnamespace: {name}-prod\nreplicas:\n- name: {name}\n  count: 5\n"
        )
    } else {
        format!(
            "resources:\n- ../base\nnamespace: {name}-prod\nimages:\n- name: {image}\n  newTag: \"{}\"\n",
            tag(i, 0)
        )
    };
    put("production/kustomization.yaml", production);
}

/// The fleet as a `FileTree`.
#[must_use]
pub fn tree(apps: usize) -> baton_core::FileTree {
    let mut tree = baton_core::FileTree::new();
    for (path, text) in fleet(apps) {
        // Generated paths are always valid.
        let _ = tree.insert(&path, text);
    }
    tree
}

#[cfg(test)]
mod tests {
    use baton_core::Workspace;

    #[test]
    fn fleets_are_deterministic_and_sized_by_app_count() {
        let a = super::fleet(3);
        assert_eq!(a, super::fleet(3));
        assert_eq!(a.keys().filter(|k| k.ends_with("production/kustomization.yaml")).count(), 3);
        assert_eq!(super::fleet(10).len(), 10 * 8 + 1);
    }

    #[test]
    fn a_fleet_validates_cleanly_and_has_pending_promotions() {
        let mut ws = Workspace::new(super::tree(8));
        let v = ws.validate();
        assert!(v.diagnostics.iter().all(|d| !d.is_error()), "{:?}", v.diagnostics);
        let status = ws.status();
        assert_eq!(status.environments, ["dev", "staging", "production"]);
        let pending: usize = status
            .apps
            .iter()
            .map(|a| a.pending.iter().filter(|p| p.to == "production").count())
            .sum();
        assert_eq!(pending, 2, "apps 0 and 4 have staging ahead of production");
        let plan = ws.plan_promotion(&baton_core::promote::PromotionRequest {
            app: "app-004".into(),
            to: "production".into(),
            ..Default::default()
        });
        assert_eq!(plan.edits.len(), 1, "{:?}", plan.diagnostics);
    }
}
