//! The deployment strategy table of the seed document, made live: each workload's strategy,
//! how it replaces pods, its risk and its rollback.
//!
//! | strategy | how | risk | rollback |
//! | --- | --- | --- | --- |
//! | Recreate | Stop old, start new | Downtime | New deploy |
//! | `RollingUpdate` | Replace pods gradually | Low | kubectl rollout undo |
//! | `BlueGreen` | Run both versions, switch traffic | Low | Switch back instantly |
//! | Canary | Route % of traffic to new version | Very Low | Reduce canary to 0% |
//!
//! A Deployment's `spec.strategy.type` (default `RollingUpdate`), a `StatefulSet`'s or
//! `DaemonSet`'s `spec.updateStrategy.type` (default `RollingUpdate`; `OnDelete` is not in the
//! table and is not listed), and a Rollout's `canary` or `blueGreen` (a Rollout with both or
//! neither is invalid and not listed).

use std::sync::Arc;

use serde::Serialize;

use super::view::View;
use crate::kustomize::RenderedResource;
use crate::yaml::resolve::Schema;

/// One of the seed's four strategies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Strategy {
    Recreate,
    RollingUpdate,
    BlueGreen,
    Canary,
}

impl Strategy {
    /// How the strategy replaces pods, its risk and its rollback, as the seed puts them.
    #[must_use]
    pub fn traits(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Strategy::Recreate => ("Stop old, start new", "Downtime", "New deploy"),
            Strategy::RollingUpdate => ("Replace pods gradually", "Low", "kubectl rollout undo"),
            Strategy::BlueGreen => {
                ("Run both versions, switch traffic", "Low", "Switch back instantly")
            }
            Strategy::Canary => {
                ("Route % of traffic to new version", "Very Low", "Reduce canary to 0%")
            }
        }
    }
}

/// A workload's strategy in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadStrategy {
    /// `Kind/name`, the name as written before prefixes and suffixes.
    pub workload: String,
    pub strategy: Strategy,
    pub how: &'static str,
    pub risk: &'static str,
    pub rollback: &'static str,
}

/// The strategy of a rendered workload, if it is one the table covers.
#[must_use]
pub fn strategy_of(resource: &RenderedResource) -> Option<Strategy> {
    let file: Arc<str> = Arc::from(resource.file.as_str());
    let root = View::root(&resource.node, &file, Schema::V3);
    let group = resource.api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let spec = root.get("spec");
    match (group, resource.kind.as_str()) {
        ("apps" | "extensions", "Deployment") => match spec.path(&["strategy", "type"]).str() {
            None | Some("RollingUpdate") => Some(Strategy::RollingUpdate),
            Some("Recreate") => Some(Strategy::Recreate),
            Some(_) => None,
        },
        ("apps", "StatefulSet" | "DaemonSet") => match spec.path(&["updateStrategy", "type"]).str()
        {
            None | Some("RollingUpdate") => Some(Strategy::RollingUpdate),
            Some(_) => None,
        },
        ("argoproj.io", "Rollout") => {
            let strategy = spec.get("strategy");
            match (strategy.get("canary").present(), strategy.get("blueGreen").present()) {
                (true, false) => Some(Strategy::Canary),
                (false, true) => Some(Strategy::BlueGreen),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Every workload of a render with its strategy, in render order.
#[must_use]
pub fn workload_strategies(resources: &[RenderedResource]) -> Vec<WorkloadStrategy> {
    resources
        .iter()
        .filter_map(|r| {
            let strategy = strategy_of(r)?;
            let (how, risk, rollback) = strategy.traits();
            Some(WorkloadStrategy {
                workload: format!("{}/{}", r.kind, r.original_name),
                strategy,
                how,
                risk,
                rollback,
            })
        })
        .collect()
}
