//! Arbitrary text as a Rollout file: linted raw (a standalone file) and through an overlay's
//! render (beside a Service, an AnalysisTemplate and a Deployment), then simulated.

#![no_main]

use baton_core::rollouts::{SimulateRequest, simulate::MAX_STATES};
use baton_core::{FileTree, Workspace};
use libfuzzer_sys::fuzz_target;

const OTHERS: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-canary\nspec:\n  selector: {app: web}\n---\napiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata:\n  name: success-rate\nspec:\n  metrics:\n  - name: rate\n    interval: 1m\n    provider: {prometheus: {query: up}}\n";

fuzz_target!(|data: &[u8]| {
    let mut tree = FileTree::new();
    tree.insert("app/kustomization.yaml", "resources:\n- rollout.yaml\n- others.yaml\n- deployment.yaml\n").expect("valid path");
    tree.insert("app/others.yaml", OTHERS).expect("valid path");
    tree.insert("app/deployment.yaml", baton_fuzz::DEPLOYMENT).expect("valid path");
    tree.insert_bytes("app/rollout.yaml", data.to_vec()).expect("valid path");
    tree.insert_bytes("raw/rollout.yaml", data.to_vec()).expect("valid path");
    let mut ws = Workspace::new(tree.clone());
    baton_fuzz::check_diagnostics(&tree, &ws.validate().diagnostics);
    let request = SimulateRequest { overlay: "app".into(), name: None };
    let first = ws.simulate_rollout(&request);
    baton_fuzz::check_diagnostics(&tree, &first.diagnostics);
    for rollout in &first.rollouts {
        baton_fuzz::check_diagnostics(&tree, &rollout.diagnostics);
        assert!(rollout.states.len() <= MAX_STATES);
    }
    assert_eq!(first, ws.simulate_rollout(&request), "simulation is deterministic");
});
