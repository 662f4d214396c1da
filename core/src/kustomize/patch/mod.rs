//! kustomize's two patch engines, as `kustomize build` v5.8.1 runs them.
//!
//! - [`strategic`]: the strategic-merge patch of kyaml's `merge2` (not apimachinery's), driven
//!   by the merge keys of kustomize's embedded Kubernetes schema ([`schema`]).
//! - [`json6902`]: RFC 6902 operations as `evanphx/json-patch` v4 applies them to the JSON
//!   form of a resource, with the JSON round trip's effects on the result.
//!
//! Both work on [`crate::yaml::Node`] trees and never drop an origin: a value that comes from
//! a patch keeps the file and span it was written at, which is how Baton knows which file set
//! an image. Failures are [`PatchError`]s whose messages follow kustomize's wording.

pub mod json6902;
pub mod schema;
pub mod strategic;

pub use strategic::MergeOutcome;

use crate::yaml::Origin;

/// A patch that kustomize would refuse (or that would make it fail), with where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{message}")]
pub struct PatchError {
    /// kustomize's message (without the YAML dump of a node that some messages append).
    pub message: String,
    /// The node of the patch (or of the resource) the error is about, when known.
    pub origin: Option<Origin>,
}

impl PatchError {
    #[must_use]
    pub fn new(message: impl Into<String>) -> Self {
        PatchError { message: message.into(), origin: None }
    }

    /// Attaches the origin of the node at fault (an origin without a file is ignored).
    #[must_use]
    pub fn at(mut self, origin: &Origin) -> Self {
        if origin.file.is_some() {
            self.origin = Some(origin.clone());
        }
        self
    }

    #[must_use]
    pub fn origin(&self) -> Option<&Origin> {
        self.origin.as_ref()
    }
}
