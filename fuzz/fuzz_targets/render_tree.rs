//! A small repository assembled from the input (see `baton_fuzz::decode`): the header names
//! the directory to render → render, validate and status.

#![no_main]

use baton_core::{FileTree, Workspace};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (target, files) = baton_fuzz::decode(data);
    let mut tree = FileTree::new();
    baton_fuzz::insert_all(&mut tree, files);
    let mut ws = Workspace::new(tree.clone());
    let rendered = ws.render(&target);
    baton_fuzz::check_diagnostics(&tree, &rendered.diagnostics);
    if !rendered.ok() {
        assert!(rendered.yaml.is_empty(), "a failed render printed output");
    }
    assert_eq!(
        rendered,
        Workspace::new(tree.clone()).render(&target),
        "render is not deterministic"
    );
    baton_fuzz::check_diagnostics(&tree, &ws.validate().diagnostics);
    baton_fuzz::check_diagnostics(&tree, &ws.status().diagnostics);
});
