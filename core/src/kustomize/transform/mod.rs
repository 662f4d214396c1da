//! The built-in transformers, run in kustomize's order for each kustomization:
//! `patchesStrategicMerge` → `patches` → `namespace` → `namePrefix` → `nameSuffix` →
//! `labels`/`commonLabels` → `commonAnnotations` → `patchesJson6902` → `replicas` →
//! `images` → `replacements`.
//!
//! Each transformer is a function over the accumulated resources. Failures are diagnostics
//! on the kustomization entry that configured the transformer.

pub mod config_file;
pub mod images;
pub mod metadata;
pub mod patches;
pub mod replacements;
pub mod vars;

use super::context::{Accumulator, Builder, Built};
use super::kustomization::Kustomization;
use crate::diagnostic::{Code, Diagnostic};

/// Runs every built-in transformer configured by `k` over `acc`.
pub fn run(b: &mut Builder, dir: &str, k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    patches::strategic_merge_legacy(b, dir, k, acc)?;
    patches::patches(b, dir, k, acc)?;
    metadata::namespace(b, k, acc)?;
    metadata::prefix_suffix(b, k, acc)?;
    metadata::labels(b, k, acc)?;
    metadata::annotations(b, k, acc)?;
    patches::json6902_legacy(b, dir, k, acc)?;
    metadata::replicas(b, k, acc)?;
    images::run(b, k, acc)?;
    replacements::run(b, dir, k, acc)?;
    Ok(())
}

/// A transformer failure at the kustomization entry `origin`.
pub(crate) fn fail_at<T>(
    b: &mut Builder,
    k: &Kustomization,
    code: Code,
    origin: &crate::yaml::Origin,
    message: String,
) -> Built<T> {
    let file = origin.file.as_deref().unwrap_or(&k.file).to_string();
    b.fail(Diagnostic::new(code, message).at(file, origin.span))
}
