//! A small repository assembled from the input (see `baton_fuzz::decode`) whose files may hold
//! Flux Kustomizations, Flux sources and Argo CD Applications; the header is a deployment id
//! (`flux:ns/name[@cluster]`, `argo:ns/name`) → the deployments, that one's render, each
//! listed one's render, validate. Besides "no panic, no hang": diagnostics well formed, a
//! failed render prints nothing, renders are deterministic.

#![no_main]

use baton_core::deploy::DeploymentRequest;
use baton_core::{FileTree, Workspace};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (id, files) = baton_fuzz::decode(data);
    let mut tree = FileTree::new();
    baton_fuzz::insert_all(&mut tree, files);
    let mut ws = Workspace::new(tree.clone());
    let listed = ws.deployments();
    baton_fuzz::check_diagnostics(&tree, &listed.diagnostics);
    let mut requests: Vec<DeploymentRequest> =
        listed.deployments.iter().filter_map(|d| DeploymentRequest::parse(&d.id).ok()).collect();
    requests.extend(DeploymentRequest::parse(&id));
    for request in requests.iter().take(8) {
        let rendered = ws.render_deployment(request);
        baton_fuzz::check_diagnostics(&tree, &rendered.diagnostics);
        if !rendered.ok {
            assert!(rendered.yaml.is_empty(), "a failed deployment render printed output");
        }
        assert_eq!(
            rendered,
            Workspace::new(tree.clone()).render_deployment(request),
            "a deployment render is not deterministic"
        );
    }
    baton_fuzz::check_diagnostics(&tree, &ws.validate().diagnostics);
});
