//! `status`: what every app runs in every environment, and which promotions are pending.
//!
//! Each environment's overlay is rendered (renders are cached by the workspace), and every
//! container of every workload is listed with its image, tag, digest and the file and line
//! that set it. Workloads are identified by kind and the name they were written with, so a
//! `prod-` prefix in one environment does not hide that it is the same Deployment. A
//! promotion is pending between an environment and its upstream when a container's tag or
//! digest differs.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::kustomize::{Rendered, RenderedResource};
use crate::pipeline::{App, Pipeline};
use crate::tree::FileTree;
use crate::workspace::Workspace;

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
}

/// A container whose version differs between an environment and its upstream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingChange {
    pub workload: String,
    pub container: String,
    pub name: String,
    pub from: Option<String>,
    pub to: Option<String>,
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
}

/// The result of `status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Environment names in promotion order.
    pub environments: Vec<String>,
    pub apps: Vec<AppStatus>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Computes the status of every app.
pub fn status(workspace: &mut Workspace) -> Status {
    let pipeline = workspace.pipeline();
    let mut diagnostics = pipeline.diagnostics.clone();
    let mut apps = Vec::new();
    for app in &pipeline.apps {
        let mut envs = Vec::new();
        for env in &app.environments {
            // The cached render itself, not a copy: status reads every environment of every app.
            let (rendered, tree) = workspace.render_with_tree(&env.path);
            diagnostics.extend(rendered.diagnostics.iter().filter(|d| d.is_error()).cloned());
            envs.push(EnvironmentStatus {
                name: env.name.clone(),
                path: env.path.clone(),
                ok: rendered.ok(),
                images: images_in(tree, rendered),
            });
        }
        let pending = pending(&pipeline, app, &envs);
        apps.push(AppStatus {
            name: app.name.clone(),
            path: app.path.clone(),
            environments: envs,
            pending,
        });
    }
    crate::workspace::locate_all(workspace.tree(), &mut diagnostics);
    crate::diagnostic::sort(&mut diagnostics);
    diagnostics.dedup();
    Status {
        environments: pipeline.environments.iter().map(|e| e.name.clone()).collect(),
        apps,
        diagnostics,
    }
}

/// Every container image of a render.
#[must_use]
pub fn images(workspace: &Workspace, rendered: &Rendered) -> Vec<ImageStatus> {
    images_in(workspace.tree(), rendered)
}

fn images_in(tree: &FileTree, rendered: &Rendered) -> Vec<ImageStatus> {
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
                    .map_or(0, |text| LineIndex::line_of_in(text, s.span.start) + 1);
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
            (s.version() != t.version()).then(|| PendingChange {
                workload: t.workload.clone(),
                container: t.container.clone(),
                name: t.name.clone(),
                from: t.version().map(str::to_string),
                to: s.version().map(str::to_string),
            })
        })
        .collect()
}
