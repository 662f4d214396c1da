//! The seed repository, with files replaced or added from the input (see `baton_fuzz::decode`;
//! the header is `app to [from [now]]`) → status and planPromotion; a plan that offers edits
//! is applied and planned again, which must offer none.

#![no_main]

use baton_core::Workspace;
use baton_core::gates::evaluate::Context;
use baton_core::promote::PromotionRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (header, files) = baton_fuzz::decode(data);
    let mut tree = baton_fuzz::seed_tree();
    baton_fuzz::insert_all(&mut tree, files);
    let mut words = header.split_whitespace();
    let app = words.next().unwrap_or("payment-service").to_string();
    let to = words.next().unwrap_or("production").to_string();
    let from = words.next().map(str::to_string);
    let now = words.next().map(str::to_string);
    let context = Context {
        author: Some("alice".into()),
        approvals: vec!["bob".into(), "@acme/payments".into()],
        checks: [("ci/build".to_string(), "success".to_string())].into_iter().collect(),
        since: [("staging".to_string(), "2026-11-25T09:00:00Z".to_string())].into_iter().collect(),
        teams: [("acme/platform".to_string(), vec!["bob".to_string()])].into_iter().collect(),
        now: Some(now.unwrap_or_else(|| "2026-11-26T10:00:00Z".into())),
    };
    let request = PromotionRequest { app, to, from, context: Some(context) };
    let mut ws = Workspace::new(tree.clone());
    baton_fuzz::check_diagnostics(&tree, &ws.status().diagnostics);
    let plan = ws.plan_promotion(&request);
    baton_fuzz::check_diagnostics(&tree, &plan.diagnostics);
    let errors = plan.diagnostics.iter().any(baton_core::Diagnostic::is_error);
    assert!(!(plan.allowed && errors), "an allowed plan has errors: {:?}", plan.diagnostics);
    if plan.edits.is_empty()
        || plan.diagnostics.iter().any(|d| d.is_error() && !d.code.starts_with('G'))
    {
        return;
    }
    for edit in &plan.edits {
        assert_eq!(tree.text(&edit.path), edit.before.as_deref(), "`before` is not the file");
        match &edit.after {
            Some(after) => {
                ws.set_file(&edit.path, after).expect("edited paths are valid");
            }
            None => assert!(ws.remove_file(&edit.path), "a deleted file exists"),
        }
    }
    let again = ws.plan_promotion(&request);
    assert!(
        again.edits.is_empty(),
        "planning again after applying the edits is not a no-op: {:?}",
        again.edits
    );
});
