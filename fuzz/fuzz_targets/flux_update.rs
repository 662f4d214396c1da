//! A repository in the tree encoding; the header is `IMAGE TAG…` (the tags the registry
//! holds). Flux image update and validation: elections, markers, surgical edits.

#![no_main]

use baton_core::flux::{ImageUpdateInput, validate};
use baton_core::source::{ParseCache, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (header, files) = baton_fuzz::decode(data);
    let mut tree = baton_core::FileTree::new();
    baton_fuzz::insert_all(&mut tree, files);
    let mut words = header.split_whitespace();
    let image = words.next().unwrap_or("img").to_string();
    let input = ImageUpdateInput {
        images: [(image, words.map(str::to_string).collect())].into(),
        ..ImageUpdateInput::default()
    };
    let out = baton_core::Workspace::new(tree.clone()).image_update(&input);
    baton_fuzz::check_diagnostics(&tree, &out.diagnostics);
    for policy in &out.policies {
        baton_fuzz::check_diagnostics(&tree, &policy.diagnostics);
    }
    for edit in &out.edits {
        assert_eq!(tree.text(&edit.path), edit.before.as_deref(), "before is the file");
        assert_ne!(edit.before, edit.after);
    }
    // Every change's span lies in its file and held the old value.
    for change in &out.changes {
        let text = tree.text(&change.path).expect("changed files are text");
        let old = &text[change.span.range()];
        assert!(old.contains(change.old.as_str()) || old.starts_with(['"', '\'']), "{old:?} vs {:?}", change.old);
    }
    let mut cache = ParseCache::default();
    let mut source = Source::new(&tree, &mut cache);
    baton_fuzz::check_diagnostics(&tree, &validate(&mut source));
});
