//! Lines `RANGE<TAB>VERSION`: Masterminds/semver parsing and checking never panics, and a
//! parsed constraint prints to text that parses again.

#![no_main]

use baton_core::semver::{Constraints, Version};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.lines().take(64) {
        let (range, version) = line.split_once('\t').unwrap_or((line, line));
        let parsed = Version::parse(version);
        let _ = Version::parse_strict(version);
        if let Ok(constraints) = Constraints::parse(range) {
            if let Ok(v) = &parsed {
                let _ = constraints.check(v);
            }
            let _ = Constraints::parse(&constraints.to_string());
        }
        if let Ok(v) = parsed {
            assert_eq!(Version::parse(&v.to_string()).ok().map(|w| w == v), Some(true));
        }
    }
});
