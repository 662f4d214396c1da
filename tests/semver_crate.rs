//! Where the `semver` crate (Cargo's rules) disagrees with Masterminds/semver v3, which Flux
//! and Sprig use and `baton_core::semver` reproduces. Each case runs both and asserts that
//! they answer differently, so the engine cannot silently switch to the crate: the crate
//! could only serve where these cases do not arise, which is not the case for registry tags.
//! Masterminds' answers: Masterminds/semver 71f2b39 `version_test.go`, `constraints_test.go`.

#![allow(clippy::unwrap_used)]

use baton_core::semver::{Constraints, Version};

/// Versions Masterminds' `NewVersion` accepts (coercing) and the crate rejects.
#[test]
fn the_crate_rejects_coerced_versions() {
    for text in ["v1.2.3", "1.2", "1", "01.02.03", "1.2-rc.1", "2024.01.05"] {
        assert!(Version::parse(text).is_ok(), "Masterminds accepts {text}");
        assert!(semver::Version::parse(text).is_err(), "the crate rejects {text}");
    }
    // Both accept a strict version and agree on its order.
    let (a, b) = ("1.0.0-rc.2", "1.0.0-rc.10");
    assert!(Version::parse(a).unwrap() < Version::parse(b).unwrap());
    assert!(semver::Version::parse(a).unwrap() < semver::Version::parse(b).unwrap());
}

/// Constraints both parse but read differently, or only Masterminds parses.
#[test]
fn the_crate_reads_ranges_otherwise() {
    // (range, version, Masterminds' answer); the crate answers the opposite or fails to parse.
    let cases: &[(&str, &str, bool)] = &[
        // A bare version is exact in Masterminds, `^1.2.3` in the crate.
        ("1.2.3", "1.4.0", false),
        // A pre-release inside an opted-in range: Masterminds admits any.
        (">=1.0.0-0, <2.0.0", "1.5.0-rc.1", true),
        (">=1.1.0-rc.0", "1.2.0-alpha.1", true),
        // Space-separated ANDs only parse in Masterminds.
        (">=1.0.0 <2.0.0", "1.5.0", true),
        // OR groups, hyphen ranges and `=>` only parse in Masterminds.
        ("<1.0.0 || >=2.0.0", "2.1.0", true),
        ("1.0.0 - 2.0.0", "2.0.0", true),
        ("=>1.0.0", "1.0.0", true),
    ];
    for (range, version, masterminds) in cases {
        let ours = Constraints::parse(range).unwrap().check(&Version::parse(version).unwrap());
        assert_eq!(ours, *masterminds, "Masterminds: {range} with {version}");
        let crate_answer = semver::VersionReq::parse(range)
            .ok()
            .map(|req| req.matches(&semver::Version::parse(version).unwrap()));
        assert_ne!(crate_answer, Some(*masterminds), "the crate agrees on {range} with {version}");
    }
}

/// A numeric pre-release identifier beyond `u64`: Masterminds compares it as text (above
/// every number), the crate compares it numerically.
#[test]
fn oversized_numeric_identifiers() {
    let (big, small) = ("1.0.0-99999999999999999999", "1.0.0-100000000000000000000");
    // As text "9…" > "1…"; as numbers the second is larger.
    assert!(Version::parse(big).unwrap() > Version::parse(small).unwrap());
    assert!(semver::Version::parse(big).unwrap() < semver::Version::parse(small).unwrap());
}
