//! Arbitrary kustomization text over a fixed base (with a patch, a generator input and a
//! component beside it) → render and validate.

#![no_main]

use baton_core::{FileTree, Workspace};
use libfuzzer_sys::fuzz_target;

fn base() -> FileTree {
    let mut t = FileTree::new();
    let files = [
        (
            "base/kustomization.yaml",
            "resources:\n- deployment.yaml\n- service.yaml\nconfigMapGenerator:\n- name: settings\n  literals: [A=1]\n",
        ),
        ("base/deployment.yaml", baton_fuzz::DEPLOYMENT),
        (
            "base/service.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: payment-service\nspec:\n  selector:\n    app: payment-service\n  ports:\n  - port: 80\n",
        ),
        (
            "overlay/patch.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payment-service\nspec:\n  replicas: 3\n",
        ),
        ("overlay/json-patch.yaml", "- op: replace\n  path: /spec/replicas\n  value: 5\n"),
        ("overlay/app.env", "LOG_LEVEL=debug\nFEATURE=on\n"),
        ("overlay/config.json", "{\"a\": 1}\n"),
        (
            "components/debug/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n- name: registry.example.com/payment-service\n  newTag: debug\n",
        ),
    ];
    for (path, text) in files {
        t.insert(path, text).expect("valid path");
    }
    t
}

fuzz_target!(|data: &[u8]| {
    let mut tree = base();
    tree.insert_bytes("overlay/kustomization.yaml", data.to_vec()).expect("valid path");
    let mut ws = Workspace::new(tree.clone());
    let rendered = ws.render("overlay");
    baton_fuzz::check_diagnostics(&tree, &rendered.diagnostics);
    if !rendered.ok() {
        assert!(rendered.yaml.is_empty(), "a failed render printed output");
    }
    assert_eq!(
        rendered,
        Workspace::new(tree.clone()).render("overlay"),
        "render is not deterministic"
    );
    baton_fuzz::check_diagnostics(&tree, &ws.validate().diagnostics);
});
