//! What each cluster really applies (placeholder while the module grows).

pub mod envsubst;
pub mod objects;
