//! The seed repository, with files replaced or added from the input (see `baton_fuzz::decode`;
//! the header is `app number [branch [sha]]`, and a `baton.yaml` file may set `spec.previews`)
//! → planPreview and planPreviewCleanup. A preview plan that offers edits, once applied, plans
//! to no edits; a plan with errors offers none; every deletion a cleanup offers is of a file
//! under a preview directory it removes.

#![no_main]

use baton_core::Workspace;
use baton_core::preview::cleanup::{CleanupRequest, Fate};
use baton_core::preview::{PreviewAction, PreviewRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (header, files) = baton_fuzz::decode(data);
    let mut tree = baton_fuzz::seed_tree();
    baton_fuzz::insert_all(&mut tree, files);
    let mut words = header.split_whitespace();
    let request = PreviewRequest {
        app: words.next().unwrap_or("payment-service").to_string(),
        number: words.next().and_then(|n| n.parse().ok()).unwrap_or(42),
        branch: words.next().map(str::to_string),
        sha: Some(words.next().unwrap_or("ab1cd2e").to_string()),
        ..PreviewRequest::default()
    };
    let mut ws = Workspace::new(tree.clone());
    let plan = ws.plan_preview(&request);
    baton_fuzz::check_diagnostics(&tree, &plan.diagnostics);
    let errors = plan.diagnostics.iter().any(baton_core::Diagnostic::is_error);
    assert!(!(errors && !plan.edits.is_empty()), "a refused plan offers edits");
    if !plan.edits.is_empty() {
        let mut applied = tree.clone();
        for edit in &plan.edits {
            if let Some(text) = &edit.after {
                applied.insert(&edit.path, text.as_str()).expect("a path of the tree");
            } else {
                assert!(applied.remove(&edit.path));
            }
        }
        let again = Workspace::new(applied).plan_preview(&request);
        assert_eq!(again.action, Some(PreviewAction::Unchanged), "{:?}", again.diagnostics);
        assert!(again.edits.is_empty());
    }
    let cleanup = ws.plan_preview_cleanup(&CleanupRequest {
        open: Some(vec![request.number]),
        now: Some("2026-11-26T10:00:00Z".into()),
        ..CleanupRequest::default()
    });
    baton_fuzz::check_diagnostics(&tree, &cleanup.diagnostics);
    for edit in &cleanup.edits {
        assert!(edit.after.is_none(), "a cleanup only deletes");
        assert!(
            cleanup.previews.iter().any(|p| p.fate != Fate::Kept
                && baton_core::tree::is_within(&edit.path, &p.path)),
            "{} is in no removed preview",
            edit.path
        );
    }
});
