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

use super::view::{Ctx, View};
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
    /// The strategy's name in the seed's table.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Strategy::Recreate => "Recreate",
            Strategy::RollingUpdate => "Rolling Update",
            Strategy::BlueGreen => "Blue/Green",
            Strategy::Canary => "Canary",
        }
    }

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
    let ctx = Ctx { file: Arc::from(resource.file.as_str()), schema: Schema::V3 };
    let root = View::root(&resource.node, &ctx);
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
            match (strategy.has("canary"), strategy.has("blueGreen")) {
                (true, false) => Some(Strategy::Canary),
                (false, true) => Some(Strategy::BlueGreen),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Every workload of a render with its strategy, in render order. A workload a Rollout's
/// `workloadRef` names is rolled out by that Rollout, not by its own strategy: it is left out.
#[must_use]
pub fn workload_strategies(resources: &[RenderedResource]) -> Vec<WorkloadStrategy> {
    let mut referenced: Vec<(&str, &str, Option<&str>)> = Vec::new();
    for r in resources {
        let reference = r.node.get("spec").and_then(|s| s.get("workloadRef"));
        if r.kind == "Rollout"
            && r.api_version.starts_with("argoproj.io/")
            && let Some(reference) = reference
        {
            let text = |key: &str| reference.get(key).and_then(crate::yaml::Node::scalar);
            if let (Some(kind), Some(name)) = (text("kind"), text("name")) {
                referenced.push((kind, name, r.namespace.as_deref()));
            }
        }
    }
    let mut out = Vec::new();
    for r in resources {
        if referenced.contains(&(r.kind.as_str(), r.name.as_str(), r.namespace.as_deref())) {
            continue;
        }
        if let Some(strategy) = strategy_of(r) {
            let (how, risk, rollback) = strategy.traits();
            let workload = format!("{}/{}", r.kind, r.original_name);
            out.push(WorkloadStrategy { workload, strategy, how, risk, rollback });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::FileTree;
    use crate::workspace::Workspace;

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: api, image: api:1}]}\n";
    const ROLLOUT: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: payment-service}\nspec:\n  replicas: 5\n  strategy:\n    canary:\n      steps: [{setWeight: 10}]\n";

    #[test]
    fn status_lists_each_workloads_strategy_per_environment() {
        // The seed's table: staging runs a plain Deployment (RollingUpdate by default),
        // production a canary Rollout and a Recreate worker; prefixes do not hide identity.
        let mut tree = FileTree::new();
        let files = [
            ("apps/payment-service/base/kustomization.yaml", "resources:\n- deployment.yaml\n"),
            ("apps/payment-service/base/deployment.yaml", DEPLOYMENT),
            ("apps/payment-service/staging/kustomization.yaml", "resources:\n- ../base\n"),
            (
                "apps/payment-service/production/kustomization.yaml",
                "namePrefix: prod-\nresources:\n- ../base\n- rollout.yaml\n- worker.yaml\n",
            ),
            ("apps/payment-service/production/rollout.yaml", ROLLOUT),
            (
                "apps/payment-service/production/worker.yaml",
                &DEPLOYMENT.replace("name: api}", "name: worker}").replace(
                    "spec:\n  selector",
                    "spec:\n  strategy: {type: Recreate}\n  selector",
                ),
            ),
        ];
        for (path, text) in files {
            tree.insert(path, text).unwrap();
        }
        let status = Workspace::new(tree).status();
        let app = &status.apps[0];
        let table = |env: usize| -> Vec<(String, Strategy, &str, &str)> {
            app.environments[env]
                .workloads
                .iter()
                .map(|w| (w.workload.clone(), w.strategy, w.risk, w.rollback))
                .collect()
        };
        assert_eq!(app.environments[0].name, "staging");
        assert_eq!(
            table(0),
            [(
                "Deployment/api".to_string(),
                Strategy::RollingUpdate,
                "Low",
                "kubectl rollout undo"
            )]
        );
        assert_eq!(
            table(1),
            [
                (
                    "Deployment/api".to_string(),
                    Strategy::RollingUpdate,
                    "Low",
                    "kubectl rollout undo"
                ),
                ("Deployment/worker".to_string(), Strategy::Recreate, "Downtime", "New deploy"),
                (
                    "Rollout/payment-service".to_string(),
                    Strategy::Canary,
                    "Very Low",
                    "Reduce canary to 0%"
                ),
            ]
        );
        assert_eq!(app.environments[1].workloads[2].how, "Route % of traffic to new version");
    }

    /// The strategies of the render of `k` in a tree of `files`.
    fn strategies_of(files: &[(&str, &str)]) -> Vec<(String, Strategy)> {
        let mut tree = FileTree::new();
        for (path, text) in files {
            tree.insert(path, *text).unwrap();
        }
        let rendered = Workspace::new(tree).render("k");
        workload_strategies(&rendered.resources)
            .into_iter()
            .map(|w| (w.workload, w.strategy))
            .collect()
    }

    #[test]
    fn a_deployment_behind_a_workload_ref_rolls_out_as_its_rollout() {
        // The Rollout runs the Deployment's template (argo-rollouts 9f8d111 `rollout/templateref.go`):
        // the Deployment's own RollingUpdate never runs, so only the Rollout is listed.
        let strategies = strategies_of(&[
            ("k/kustomization.yaml", "namespace: prod\nresources:\n- d.yaml\n- r.yaml\n"),
            ("k/d.yaml", DEPLOYMENT),
            (
                "k/r.yaml",
                "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: api}\nspec:\n  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: api}\n  strategy:\n    canary: {}\n",
            ),
        ]);
        assert_eq!(strategies, [("Rollout/api".to_string(), Strategy::Canary)]);
    }

    #[test]
    fn blue_green_and_unlisted_strategies() {
        let strategies = strategies_of(&[
            ("k/kustomization.yaml", "resources:\n- r.yaml\n- s.yaml\n"),
            (
                "k/r.yaml",
                "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: a}\nspec:\n  strategy:\n    blueGreen: {activeService: a}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: b}\nspec:\n  strategy: {}\n",
            ),
            (
                "k/s.yaml",
                "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  updateStrategy: {type: OnDelete}\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec: {}\n",
            ),
        ]);
        assert_eq!(
            strategies,
            [
                ("DaemonSet/agent".to_string(), Strategy::RollingUpdate),
                ("Rollout/a".to_string(), Strategy::BlueGreen)
            ]
        );
        assert_eq!(
            Strategy::BlueGreen.traits(),
            ("Run both versions, switch traffic", "Low", "Switch back instantly")
        );
    }
}
