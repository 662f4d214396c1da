//! Arbitrary text as an ApplicationSet file, expanded against a small repository (git
//! directories and files, an overlay) with a cluster and a pull request from the host.
//! Besides "no panic, no hang": diagnostics are well formed, every generated Application has
//! a name, and the expansion is deterministic.

#![no_main]

use baton_core::appset::{Cluster, ExpandRequest, PullRequest};
use baton_core::{FileTree, Workspace};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut tree = FileTree::new();
    tree.insert("apps/web/base/kustomization.yaml", "resources:\n- deployment.yaml\n").expect("valid path");
    tree.insert("apps/web/base/deployment.yaml", baton_fuzz::DEPLOYMENT).expect("valid path");
    tree.insert("apps/web/prod/kustomization.yaml", "resources:\n- ../base\nnamespace: prod\n").expect("valid path");
    tree.insert("config/eu/config.json", "{\"region\": \"eu\", \"replicas\": 3, \"tags\": [1, 2]}").expect("valid path");
    tree.insert("config/us/config.yaml", "- {region: us}\n- {region: ca}\n").expect("valid path");
    tree.insert_bytes("argocd/set.yaml", data.to_vec()).expect("valid path");
    let request = ExpandRequest {
        clusters: Some(vec![Cluster {
            name: "eu".into(),
            server: "https://eu.example.com".into(),
            labels: [("env".to_owned(), "prod".to_owned())].into_iter().collect(),
            ..Cluster::default()
        }]),
        pull_requests: Some(vec![PullRequest {
            number: 42,
            branch: "feat/x_y".into(),
            target_branch: "main".into(),
            head_sha: "0123456789abcdef".into(),
            labels: vec!["preview".into()],
            ..PullRequest::default()
        }]),
        repo_url: None,
    };
    let mut ws = Workspace::new(tree.clone());
    let first = ws.expand_appsets(&request);
    baton_fuzz::check_diagnostics(&tree, &first.diagnostics);
    for set in &first.app_sets {
        baton_fuzz::check_diagnostics(&tree, &set.diagnostics);
        for app in &set.applications {
            assert!(!app.name().is_empty(), "the controller skips Applications without a name");
        }
    }
    assert_eq!(first, ws.expand_appsets(&request), "expansion is deterministic");
    baton_fuzz::check_diagnostics(&tree, &ws.validate().diagnostics);
});
