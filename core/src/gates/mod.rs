//! Promotion gates' building blocks: who owns a path, and when a change may ship.
//!
//! Both are pure: CODEOWNERS arrives as text from the [`crate::tree::FileTree`], and "now"
//! arrives as a [`time::Instant`] value from the host, never from a clock.

pub mod codeowners;
pub mod config;
pub mod evaluate;
pub mod time;
