//! CODEOWNERS parsing and matching: rules against fixed paths and against paths made from the
//! input's own patterns; owners against approvers.

#![no_main]

use std::collections::BTreeMap;

use baton_core::gates::codeowners::{self, is_satisfied_by};
use libfuzzer_sys::fuzz_target;

const PATHS: &[&str] = &[
    "README.md",
    "apps/payment-service/production/image-patch.yaml",
    "apps/checkout/production/kustomization.yaml",
    "docs/a.md",
    "docs/sub/b.md",
    "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p",
    ".github/CODEOWNERS",
    "x y/z",
    "é/ü.txt",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (owners, diagnostics) = codeowners::parse("CODEOWNERS", text);
    baton_fuzz::check_text_diagnostics("CODEOWNERS", text, &diagnostics);
    let mut teams = BTreeMap::new();
    teams.insert("acme/platform".to_string(), vec!["bob".to_string(), "Carol".to_string()]);
    let patterns: Vec<String> =
        owners.rules().iter().map(|r| r.pattern.trim_matches('/').replace('*', "x")).collect();
    for path in PATHS.iter().map(|p| (*p).to_string()).chain(patterns) {
        let decided = owners.rule_for(&path);
        if let Some(rule) = decided {
            assert!(rule.matches(&path));
            assert!(rule.span.end as usize <= text.len());
        }
        for owner in owners.owners_of(&path).unwrap_or_default() {
            for approver in ["bob", "@BOB", "alice@example.com", "", "@acme/platform"] {
                let _ = is_satisfied_by(owner, approver, &teams);
            }
        }
    }
});
