//! Arbitrary text as a Rollout file: linted raw (a standalone file) and through an overlay's
//! render (beside a Service, an AnalysisTemplate and a Deployment), then simulated and described.

#![no_main]

use baton_core::rollouts::{SimulateRequest, describe, simulate::MAX_STATES};
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
        // The timeline's x axis only moves forward, and the words for it stay bounded.
        for pair in rollout.states.windows(2) {
            assert!(pair[0].start_seconds <= pair[1].start_seconds);
        }
        assert!(rollout.states.iter().all(|s| s.hold_seconds.is_none_or(|h| h >= 0)));
        assert!(describe::rows(rollout, 25).len() <= 26);
        let _ = describe::summary(rollout);
    }
    assert_eq!(first, ws.simulate_rollout(&request), "simulation is deterministic");
});
