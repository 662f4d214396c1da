//! Baton's engine: environments, promotions and `Kustomize` rendering for `GitOps` repositories.
//!
//! The core does no I/O. Hosts hand it a [`tree::FileTree`] (and the time, where an operation
//! needs it) and get back plain data: rendered YAML, plans, and [`diagnostic::Diagnostic`]s.
//! The same inputs give byte-identical outputs natively and in WebAssembly.

#![forbid(unsafe_code)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod appset;
pub mod changeset;
pub mod deploy;
pub mod diagnostic;
pub mod diff;
pub mod envdiff;
mod float;
pub mod flux;
pub mod gates;
pub mod glob;
pub mod gostring;
pub mod gotemplate;
pub mod kustomize;
pub mod pipeline;
pub mod preview;
pub mod promote;
pub mod repo;
pub mod rollouts;
pub mod semver;
pub mod sort;
pub mod source;
pub mod status;
#[cfg(test)]
mod test_rng;
pub mod tree;
pub mod vecmap;
pub mod work;
pub mod workspace;
pub mod yaml;

pub use diagnostic::{Code, Diagnostic, Severity, Span};
pub use tree::FileTree;
pub use workspace::Workspace;

/// The engine's version, as hosts report it.
#[must_use]
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
