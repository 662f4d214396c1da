//! The YAML layer: one parse path for diagnostics, rendering and edits.
//!
//! - [`parse`]: text → [`Node`] trees with byte spans, under limits.
//! - [`resolve`]: what a scalar means under go-yaml v2 or v3 rules.
//! - [`decode`]: typed reading of nodes as Go's `encoding/json` decodes them, with positions.
//! - [`edit`]: span-based scalar replacement that keeps every other byte.
//! - [`json`] and [`emit`]: how kustomize prints a resource (v3 decode, JSON, v2 marshal).

pub(crate) mod block;
pub mod decode;
pub mod edit;
pub mod emit;
pub mod json;
mod lax;
pub mod merge;
pub mod node;
pub mod parse;
pub mod resolve;

pub use node::{Body, Node, Origin, Style};
pub use parse::{Document, Limits, Parsed, parse};
