//! `status`: what every app runs in every environment, and which promotions are pending.
//!
//! Each environment's overlay is rendered (renders are cached by the workspace), and every
//! container of every workload is listed with its image, tag, digest and the file and line
//! that set it. Workloads are identified by kind and the name they were written with, so a
//! `prod-` prefix in one environment does not hide that it is the same Deployment. Where a
//! container's tag or digest differs between an environment and its upstream, the difference
//! is classified: `behind` (a promotion is pending), `ahead` (the environment runs something
//! newer: a hotfix, or a rollback to undo) or `diverged` (no order), by semver precedence
//! when both tags parse as Masterminds/semver versions, as Flux reads them. Each app's preview
//! environments are listed too (number, tag, namespace, URL; see [`crate::preview::list`]).

use serde::Serialize;

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::kustomize::{Rendered, RenderedResource};
use crate::pipeline::{App, Pipeline};
use crate::repo::Repo;
use crate::tree::FileTree;

/// A file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceRef {
    pub file: String,
    pub line: u32,
}

/// One container's image in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStatus {
    /// `Kind/name`, with the name as written before prefixes and suffixes.
    pub workload: String,
    pub container: String,
    /// The full image reference as rendered.
    pub image: String,
    /// The image name (registry and repository) without tag or digest.
    pub name: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    pub source: Option<SourceRef>,
}

impl ImageStatus {
    /// The version a promotion moves: the digest when one is set, else the tag.
    #[must_use]
    pub fn version(&self) -> Option<&str> {
        self.digest.as_deref().or(self.tag.as_deref())
    }
}

/// One app in one environment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentStatus {
    pub name: String,
    pub path: String,
    /// Whether the overlay rendered without errors.
    pub ok: bool,
    pub images: Vec<ImageStatus>,
    /// Each workload's deployment strategy, with the seed's risk and rollback.
    pub workloads: Vec<crate::rollouts::strategy::WorkloadStrategy>,
    /// How Flux image automation updates this environment (the policies of the marked
    /// values its render reads), or `None` when it does not.
    pub flux: Option<crate::flux::automated::FluxAutomation>,
    /// The Argo CD Applications that an `ApplicationSet` of the repository generates for this
    /// overlay (expanded without host inputs), with their destinations. Applications written
    /// as `Application` objects are in `deployments`.
    pub applications: Vec<crate::appset::Deployment>,
    /// The Flux Kustomizations and Argo CD Applications that apply this overlay: cluster,
    /// namespaces, whether their render succeeds.
    pub deployments: Vec<crate::deploy::DeploymentRef>,
}

/// A container whose version differs between an environment and its upstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingChange {
    pub workload: String,
    pub container: String,
    pub name: String,
    /// The target's tag or digest.
    pub from: Option<String>,
    /// The upstream's tag or digest.
    pub to: Option<String>,
    /// How the target's version relates to the upstream's.
    pub relation: Relation,
    /// How the two were compared.
    pub comparison: Comparison,
    /// Why, in words (which versions, and what did not parse).
    pub note: String,
}

/// How an environment's version relates to its upstream's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Relation {
    /// The target runs an older version: a promotion is pending.
    Behind,
    /// The target runs a newer version than its upstream (a hotfix, or a rollback to undo):
    /// promoting would downgrade it.
    Ahead,
    /// The versions differ but have no order (tags that are not semantic versions, digests,
    /// equal precedence).
    Diverged,
}

/// How two versions were compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Comparison {
    /// Both tags parse as semantic versions (Masterminds/semver, as Flux reads them) and were
    /// compared by precedence.
    Semver,
    /// They could not be ordered; `note` says why.
    None,
}

/// The relation of a target's version to its upstream's, as [`PendingChange`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub relation: Relation,
    pub comparison: Comparison,
    pub note: String,
}

/// Classifies a difference: by semver precedence when both tags parse, otherwise
/// [`Relation::Diverged`] with the reason. `target` and `source` are `(tag, digest)`.
#[must_use]
pub fn classify(
    target: (Option<&str>, Option<&str>),
    source: (Option<&str>, Option<&str>),
) -> Classification {
    use crate::semver::Version;
    let diverged = |note: String| Classification {
        relation: Relation::Diverged,
        comparison: Comparison::None,
        note,
    };
    let (Some(t), Some(s)) = (target.0, source.0) else {
        let missing = if target.0.is_none() { "the target" } else { "the upstream" };
        return diverged(format!(
            "{missing} has no tag; digests and untagged images have no order"
        ));
    };
    if t == s {
        return diverged(format!("both run tag {t} with different digests; digests have no order"));
    }
    match (Version::parse(t), Version::parse(s)) {
        (Ok(tv), Ok(sv)) => {
            let (relation, how) = match tv.cmp(&sv) {
                std::cmp::Ordering::Less => (Relation::Behind, "older than"),
                std::cmp::Ordering::Greater => (Relation::Ahead, "newer than"),
                std::cmp::Ordering::Equal => (Relation::Diverged, "the same precedence as"),
            };
            Classification {
                relation,
                comparison: Comparison::Semver,
                note: format!("semver: {t} is {how} {s}"),
            }
        }
        (t_parsed, s_parsed) => {
            let bad: Vec<String> = [(t, t_parsed.is_err()), (s, s_parsed.is_err())]
                .into_iter()
                .filter(|(_, bad)| *bad)
                .map(|(tag, _)| format!("'{tag}'"))
                .collect();
            let what = if bad.len() == 1 {
                "is not a semantic version"
            } else {
                "are not semantic versions"
            };
            diverged(format!("not ordered: {} {what}", bad.join(" and ")))
        }
    }
}

/// A pending promotion from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    pub from: String,
    pub to: String,
    pub changes: Vec<PendingChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub name: String,
    pub path: String,
    pub environments: Vec<EnvironmentStatus>,
    pub pending: Vec<Pending>,
    /// The app's preview environments, by pull request number.
    pub previews: Vec<crate::preview::PreviewStatus>,
}

/// The result of `status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Environment names in promotion order.
    pub environments: Vec<String>,
    pub apps: Vec<AppStatus>,
    /// The clusters the repository's deployments go to, each with its deployments in the
    /// order it applies them.
    pub clusters: Vec<crate::deploy::Cluster>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Computes the status of every app.
pub fn status(repo: &mut Repo) -> Status {
    status_with(repo, None)
}

/// [`status`], with each Flux policy's pick from `tags` (the input of `imageUpdate`).
pub fn status_with(repo: &mut Repo, tags: Option<&crate::flux::ImageUpdateInput>) -> Status {
    let automation = crate::flux::automated::Automation::read(&mut repo.source(), tags);
    let pipeline = repo.pipeline();
    let tree = repo.tree();
    let mut diagnostics = pipeline.diagnostics.clone();
    // Applications written as objects are the deploy index's; generated ones are listed here.
    let generated: Vec<crate::appset::Deployment> =
        crate::appset::deployments(repo).into_iter().filter(|d| d.app_set.is_some()).collect();
    let index = crate::deploy::Index::new(repo);
    let mut apps = Vec::new();
    for app in &pipeline.apps {
        let mut envs = Vec::new();
        for env in &app.environments {
            let reads = repo.consulted(&env.path);
            let flux = automation.environment(|path| reads.files.contains(path));
            let deployments = index.deploying(&env.path);
            let applications: Vec<crate::appset::Deployment> =
                generated.iter().filter(|d| d.path == env.path).cloned().collect();
            if deployments.is_empty() && applications.is_empty() && !index.is_empty() {
                diagnostics.push(not_deployed(repo, &app.name, &env.name, &env.path));
            }
            let rendered = repo.render(&env.path);
            diagnostics.extend(rendered.diagnostics.iter().filter(|d| d.is_error()).cloned());
            envs.push(EnvironmentStatus {
                name: env.name.clone(),
                path: env.path.clone(),
                ok: rendered.ok(),
                images: app
                    .resources(&env.path, rendered)
                    .into_iter()
                    .flat_map(|r| resource_images(tree, r))
                    .collect(),
                workloads: crate::rollouts::strategy::workload_strategies(&rendered.resources),
                flux,
                applications,
                deployments,
            });
        }
        let pending = pending(&pipeline, app, &envs);
        let previews = crate::preview::list(repo, &pipeline, app);
        apps.push(AppStatus {
            name: app.name.clone(),
            path: app.path.clone(),
            environments: envs,
            pending,
            previews,
        });
    }
    if repo.meter().exhausted() {
        diagnostics.push(repo.meter().exhausted_diagnostic("status"));
    }
    repo.locate(&mut diagnostics);
    crate::diagnostic::sort(&mut diagnostics);
    diagnostics.dedup();
    Status {
        environments: pipeline.environments.iter().map(|e| e.name.clone()).collect(),
        apps,
        clusters: index.listed.clusters,
        diagnostics,
    }
}

/// D020: an overlay no deployment applies, at its kustomization file.
fn not_deployed(repo: &Repo, app: &str, env: &str, dir: &str) -> Diagnostic {
    let file = crate::kustomize::kustomization::KUSTOMIZATION_FILE_NAMES
        .iter()
        .map(|n| crate::kustomize::build::join_file(dir, n))
        .find(|p| repo.tree().is_file(p))
        .unwrap_or_else(|| dir.to_string());
    Diagnostic::new(
        crate::diagnostic::Code::OverlayNotDeployed,
        format!("{app} in {env} ({dir}) is deployed by no Flux Kustomization or Argo CD Application of the repository"),
    )
    .in_file(file)
    .with_help("point a Kustomization's spec.path (or an Application's source.path) at it, or at a kustomization that includes it")
}

/// Every container image of a render.
#[must_use]
pub fn images(tree: &FileTree, rendered: &Rendered) -> Vec<ImageStatus> {
    rendered.resources.iter().flat_map(|r| resource_images(tree, r)).collect()
}

fn resource_images(tree: &FileTree, resource: &RenderedResource) -> Vec<ImageStatus> {
    if resource.images.is_empty() {
        return Vec::new();
    }
    let workload = format!("{}/{}", resource.kind, resource.original_name);
    resource
        .images
        .iter()
        .map(|image| {
            let (name, tag, digest) = crate::kustomize::transform::images::split(&image.image);
            let source = image.source.as_ref().map(|s| {
                let line = tree
                    .text(&s.file)
                    .map_or(0, |text| LineIndex::line_of_in(&text, s.span.start) + 1);
                SourceRef { file: s.file.clone(), line }
            });
            ImageStatus {
                workload: workload.clone(),
                container: image.container.clone(),
                image: image.image.clone(),
                name,
                tag: (!tag.is_empty()).then_some(tag),
                digest: (!digest.is_empty()).then_some(digest),
                source,
            }
        })
        .collect()
}

fn pending(pipeline: &Pipeline, app: &App, envs: &[EnvironmentStatus]) -> Vec<Pending> {
    let mut out = Vec::new();
    for target in envs {
        let Some(from) = pipeline.upstream(app, &target.name) else { continue };
        let Some(source) = envs.iter().find(|e| e.name == from) else { continue };
        let changes = differences(&source.images, &target.images);
        if !changes.is_empty() {
            out.push(Pending { from: source.name.clone(), to: target.name.clone(), changes });
        }
    }
    out
}

/// Containers present in both whose image name matches and whose version differs.
#[must_use]
pub fn differences(source: &[ImageStatus], target: &[ImageStatus]) -> Vec<PendingChange> {
    target
        .iter()
        .filter_map(|t| {
            let s = source.iter().find(|s| {
                s.workload == t.workload && s.container == t.container && s.name == t.name
            })?;
            (s.version() != t.version()).then(|| {
                let Classification { relation, comparison, note } = classify(
                    (t.tag.as_deref(), t.digest.as_deref()),
                    (s.tag.as_deref(), s.digest.as_deref()),
                );
                PendingChange {
                    workload: t.workload.clone(),
                    container: t.container.clone(),
                    name: t.name.clone(),
                    from: t.version().map(str::to_string),
                    to: s.version().map(str::to_string),
                    relation,
                    comparison,
                    note,
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relation(target: &str, source: &str) -> (Relation, Comparison, String) {
        let c = classify((Some(target), None), (Some(source), None));
        (c.relation, c.comparison, c.note)
    }

    /// Issue 14: staging runs v0.26.0 and production v0.26.1. On main status reported a pending
    /// promotion; production is ahead of its upstream.
    #[test]
    fn differences_are_classified_by_semver_when_tags_parse() {
        let cases: &[(&str, &str, Relation, Comparison, &str)] = &[
            (
                "v0.26.0",
                "v0.26.1",
                Relation::Behind,
                Comparison::Semver,
                "semver: v0.26.0 is older than v0.26.1",
            ),
            (
                "v0.26.1",
                "v0.26.0",
                Relation::Ahead,
                Comparison::Semver,
                "semver: v0.26.1 is newer than v0.26.0",
            ),
            (
                "1.10.0",
                "1.9.0",
                Relation::Ahead,
                Comparison::Semver,
                "semver: 1.10.0 is newer than 1.9.0",
            ),
            (
                "1.0.0-rc.1",
                "1.0.0",
                Relation::Behind,
                Comparison::Semver,
                "semver: 1.0.0-rc.1 is older than 1.0.0",
            ),
            (
                "1.2",
                "1.2.1",
                Relation::Behind,
                Comparison::Semver,
                "semver: 1.2 is older than 1.2.1",
            ),
            (
                "v1.0.0",
                "1.0.0",
                Relation::Diverged,
                Comparison::Semver,
                "semver: v1.0.0 is the same precedence as 1.0.0",
            ),
            (
                "1.0.0+a",
                "1.0.0+b",
                Relation::Diverged,
                Comparison::Semver,
                "semver: 1.0.0+a is the same precedence as 1.0.0+b",
            ),
            (
                "9f8e7d6",
                "abc1234",
                Relation::Diverged,
                Comparison::None,
                "not ordered: '9f8e7d6' and 'abc1234' are not semantic versions",
            ),
            (
                "1.0.0",
                "abc1234",
                Relation::Diverged,
                Comparison::None,
                "not ordered: 'abc1234' is not a semantic version",
            ),
            (
                "latest",
                "1.0.0",
                Relation::Diverged,
                Comparison::None,
                "not ordered: 'latest' is not a semantic version",
            ),
        ];
        for &(target, source, rel, comparison, note) in cases {
            assert_eq!(
                relation(target, source),
                (rel, comparison, note.to_string()),
                "{target} vs {source}"
            );
        }
        let digest = |c: char| format!("sha256:{}", c.to_string().repeat(64));
        let (a, b) = (digest('a'), digest('b'));
        let c = classify((Some("1.0.0"), Some(&a)), (Some("1.0.0"), Some(&b)));
        assert_eq!(c.relation, Relation::Diverged);
        assert_eq!(c.note, "both run tag 1.0.0 with different digests; digests have no order");
        let c = classify((None, Some(&a)), (None, Some(&b)));
        assert_eq!((c.relation, c.comparison), (Relation::Diverged, Comparison::None));
        assert_eq!(c.note, "the target has no tag; digests and untagged images have no order");
        // Tags decide even when digests are pinned too.
        let c = classify((Some("1.0.0"), Some(&a)), (Some("1.1.0"), Some(&b)));
        assert_eq!(c.relation, Relation::Behind);
    }
}
