//! `baton.yaml` text over a fixed set of apps → pipeline model, validation, status, and a
//! plan into the first three environments of the first app (gates evaluated with a full
//! context).

#![no_main]

use baton_core::Workspace;
use baton_core::gates::evaluate::Context;
use baton_core::pipeline::Pipeline;
use baton_core::promote::PromotionRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut tree = baton_fuzz::seed_tree();
    tree.insert_bytes("baton.yaml", data.to_vec()).expect("valid path");
    let pipeline = Pipeline::load(&tree);
    baton_fuzz::check_diagnostics(&tree, &pipeline.diagnostics);
    let mut ws = Workspace::new(tree.clone());
    baton_fuzz::check_diagnostics(&tree, &ws.validate().diagnostics);
    baton_fuzz::check_diagnostics(&tree, &ws.status().diagnostics);
    let context = Context {
        author: Some("alice".into()),
        approvals: vec!["bob".into()],
        now: Some("2026-11-26T10:00:00Z".into()),
        since: pipeline
            .environments
            .iter()
            .map(|e| (e.name.clone(), "2026-11-20T00:00:00Z".to_string()))
            .collect(),
        ..Context::default()
    };
    for app in pipeline.apps.iter().take(1) {
        for env in app.environments.iter().take(3) {
            let request = PromotionRequest {
                app: app.name.clone(),
                to: env.name.clone(),
                from: None,
                context: Some(context.clone()),
            };
            let plan = ws.plan_promotion(&request);
            baton_fuzz::check_diagnostics(&tree, &plan.diagnostics);
            assert!(
                !(plan.allowed && plan.diagnostics.iter().any(baton_core::Diagnostic::is_error))
            );
        }
    }
});
