//! Preview environments per pull request, as the seed's workflow runs them: CI builds
//! `registry.example.com/payment-service:pr-42-ab1cd`, commits
//! `apps/payment-service/preview/pr-42/kustomization.yaml`, posts the preview's URL on the
//! pull request, and deletes the directory when the pull request closes.
//!
//! [`plan`] (`planPreview`) answers the first half as a verified change set: the overlay's
//! file (created, or, for a preview that exists, only its image tag moved, so a new push moves
//! the preview and hand edits stay), its namespace, URL, render and a pull request comment.
//! [`cleanup::plan_cleanup`] (`planPreviewCleanup`) answers the second: the files of every
//! preview whose pull request is closed (or that has not changed for `maxAge`), deleted, and
//! the directories under a preview root that match no pull request. [`list`] finds an app's
//! previews for `status`; [`appset`] checks that a pull-request `ApplicationSet` deploys the
//! paths previews are written to.
//!
//! Every plan is a [`ChangeSet`] verified by rendering: the new overlay must render, run the
//! pull request's image in every container of that image, and carry the host in its
//! Ingresses; anything else the change alters is collateral. The image entry names the image
//! as the render has it (`registry.example.com/payment-service`), not the seed's short
//! `payment-service`, which kustomize silently matches to nothing (see `K050`).

pub mod appset;
pub mod cleanup;
pub mod names;
mod overlay;

use serde::{Deserialize, Serialize};

use self::names::{NameKind, Values};
use self::overlay::{Ingress, Overlay};
use crate::changeset::images_entry::{self, Entry, Versions};
use crate::changeset::{ChangeSet, CollateralChange, FileEdit, Intent};
use crate::diagnostic::{Code, Diagnostic};
use crate::kustomize::kustomization::KUSTOMIZATION_FILE_NAMES;
use crate::kustomize::transform::images::split;
use crate::kustomize::{Rendered, RenderedResource};
use crate::pipeline::previews::{PreviewSettings, Template};
use crate::pipeline::{App, AppLookup, Pipeline};
use crate::repo::Repo;
use crate::tree::{self, FileTree};
use crate::yaml::Node;

/// What `planPreview` plans: the preview of pull request `number` of `app`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreviewRequest {
    /// The app's name, or its path when several apps share the name.
    pub app: String,
    /// The pull request's number (a positive integer).
    pub number: u64,
    /// The commit the image was built from (hex); the default tag uses its first 5 digits.
    #[serde(default)]
    pub sha: Option<String>,
    /// The image tag; default: the `tag` template (`pr-{number}-{sha:5}`).
    #[serde(default)]
    pub tag: Option<String>,
    /// The pull request's branch, for `{branch}` and `{branch_slug}`.
    #[serde(default)]
    pub branch: Option<String>,
    /// The image name the pull request built, when the render has several (default: the
    /// one whose last path segment is the app's name).
    #[serde(default)]
    pub image: Option<String>,
}

/// What a preview plan does to the preview's overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PreviewAction {
    /// The overlay is new.
    Create,
    /// The overlay exists; its image tag moves.
    Update,
    /// The overlay exists and already runs the tag.
    Unchanged,
}

/// The result of `planPreview`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewPlan {
    /// The app's name, or its path when another app has the same name.
    pub app: String,
    pub app_path: Option<String>,
    pub number: u64,
    /// `None` when the plan was refused (see `diagnostics`).
    pub action: Option<PreviewAction>,
    /// The preview's overlay directory.
    pub path: Option<String>,
    /// The directory it builds on.
    pub from: Option<String>,
    pub namespace: Option<String>,
    pub host: Option<String>,
    /// `https://<host>`, when a host is configured.
    pub url: Option<String>,
    /// The image the preview runs (`name:tag`).
    pub image: Option<String>,
    pub tag: Option<String>,
    pub branch_slug: Option<String>,
    pub edits: Vec<FileEdit>,
    /// The preview's render after the edits (verified before the plan is offered).
    pub render: Option<Rendered>,
    /// Rendered changes beyond the preview's own overlay.
    pub collateral: Vec<CollateralChange>,
    /// A pull request comment (markdown): URL, image, what is deployed.
    pub comment: String,
    pub message: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl PreviewPlan {
    fn refuse(mut self, diagnostic: Diagnostic) -> Self {
        self.message.clone_from(&diagnostic.message);
        self.diagnostics.push(diagnostic);
        self
    }
}

/// Plans the preview of a pull request.
pub fn plan(repo: &mut Repo, request: &PreviewRequest) -> PreviewPlan {
    let mut out = PreviewPlan {
        app: request.app.clone(),
        app_path: None,
        number: request.number,
        action: None,
        path: None,
        from: None,
        namespace: None,
        host: None,
        url: None,
        image: None,
        tag: None,
        branch_slug: None,
        edits: Vec::new(),
        render: None,
        collateral: Vec::new(),
        comment: String::new(),
        message: String::new(),
        diagnostics: Vec::new(),
    };
    if let Err(refusal) = build(repo, request, &mut out) {
        out = out.refuse(*refusal);
        out.edits.clear();
        out.action = None;
    }
    if repo.meter().exhausted() && !out.diagnostics.iter().any(|d| d.code == "R013") {
        out.diagnostics.push(repo.meter().exhausted_diagnostic("planning the preview"));
        out.edits.clear();
    }
    repo.locate(&mut out.diagnostics);
    crate::diagnostic::sort(&mut out.diagnostics);
    out
}

/// The app a request names. A shared name is refused with the paths that tell them apart.
pub(crate) fn lookup_app(pipeline: &Pipeline, name: &str) -> Result<App, Box<Diagnostic>> {
    match pipeline.find_app(name) {
        Ok(app) => Ok(app.clone()),
        Err(AppLookup::Unknown) => {
            let mut known: Vec<&str> = pipeline.apps.iter().map(|a| a.name.as_str()).collect();
            known.dedup();
            let known = if known.is_empty() { "(none)".to_string() } else { known.join(", ") };
            Err(Box::new(
                Diagnostic::new(
                    Code::PreviewRequestInvalid,
                    format!("there is no app named '{name}'"),
                )
                .with_help(format!("known apps: {known}")),
            ))
        }
        Err(AppLookup::Ambiguous(paths)) => Err(Box::new(
            Diagnostic::new(
                Code::PreviewRequestInvalid,
                format!("{} apps are named '{name}': {}", paths.len(), paths.join(", ")),
            )
            .with_help(format!("name the app by its path, e.g. `{}`", paths[0])),
        )),
    }
}

fn invalid(message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(Code::PreviewRequestInvalid, message)
}

/// Checks what the request says about the pull request itself.
fn check_request(request: &PreviewRequest) -> Result<(), Box<Diagnostic>> {
    if request.number == 0 {
        return Err(Box::new(invalid("the pull request number must be a positive integer, not 0")));
    }
    if let Some(sha) = &request.sha
        && (!(4..=64).contains(&sha.len()) || !sha.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Err(Box::new(invalid(format!(
            "sha {sha:?} is not a commit sha (4 to 64 hex digits)"
        ))));
    }
    if let Some(branch) = &request.branch {
        if branch.trim().is_empty() {
            return Err(Box::new(invalid("the branch name is empty")));
        }
        if branch.chars().any(char::is_control) || branch.len() > 1024 {
            return Err(Box::new(invalid(
                "the branch name has control characters or is over 1024 bytes; git refuses such names",
            )));
        }
    }
    if let Some(tag) = &request.tag {
        names::check(tag, NameKind::Tag).map_err(invalid)?;
    }
    Ok(())
}

/// The names of one preview.
struct Named {
    dir: String,
    namespace: String,
    host: Option<String>,
    tag: String,
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
}

/// Expands every template of `settings` for this preview; a name that comes out invalid is
/// an error at its template. A shortened or lossy branch slug is noted in `notes`.
fn name(
    settings: &PreviewSettings,
    values: &Values,
    request: &PreviewRequest,
    notes: &mut Vec<Diagnostic>,
) -> Result<Named, Box<Diagnostic>> {
    let pattern = names::path_pattern(&settings.path.text, values).map_err(|e| match e {
        names::PathError::Template(m) => {
            settings.path.diagnostic(Code::PreviewConfigInvalid, "path", &m)
        }
        names::PathError::Escapes(m) => {
            settings.path.diagnostic(Code::PreviewPathEscapes, "path", &m)
        }
    })?;
    let mut shortened = false;
    let mut expand = |template: &Template, what: &str, kind: NameKind| {
        let code = if template.origin.is_some() {
            Code::PreviewConfigInvalid
        } else {
            Code::PreviewRequestInvalid
        };
        names::expand(&template.text, kind, values)
            .map(|e| {
                shortened |= e.shortened;
                e.value
            })
            .map_err(|e| Box::new(template.diagnostic(code, what, &e)))
    };
    let namespace = expand(&settings.namespace, "namespace", NameKind::Label)?;
    let host = match &settings.host {
        Some(host) => Some(expand(host, "host", NameKind::Host)?),
        None => None,
    };
    let tag = match &request.tag {
        Some(tag) => tag.clone(),
        None => expand(&settings.tag, "tag", NameKind::Tag)?,
    };
    let mut labels = Vec::new();
    for (key, template) in &settings.labels {
        labels
            .push((key.clone(), expand(template, &format!("labels.{key}"), NameKind::LabelValue)?));
    }
    let mut annotations = Vec::new();
    for (key, template) in &settings.annotations {
        annotations
            .push((key.clone(), expand(template, &format!("annotations.{key}"), NameKind::Text)?));
    }
    if let Some(branch) = values.branch {
        let slug = names::branch_slug(branch);
        if slug.lossy {
            notes.push(Diagnostic::new(
                Code::PreviewNameAdjusted,
                format!("branch {branch:?} has characters outside ASCII: its slug is {:?} (Argo CD's branch_slug transliterates them, e.g. é → e, and may differ)", slug.value),
            ));
        }
        if shortened {
            notes.push(Diagnostic::new(
                Code::PreviewNameAdjusted,
                format!(
                    "the slug of branch {:?} was shortened to fit a 63-character name",
                    truncate(branch, 60)
                ),
            ));
        }
    }
    Ok(Named { dir: pattern.dir(values.number), namespace, host, tag, labels, annotations })
}

/// The first `max` characters of `text`, with `…` when cut (for messages).
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

/// The directory a preview builds on: `base`, an environment's overlay, or a directory.
fn from_dir(
    repo: &Repo,
    settings: &PreviewSettings,
    app: &App,
    values: &Values,
) -> Result<String, Box<Diagnostic>> {
    let from = &settings.from;
    let missing = |message: String| from.diagnostic(Code::PreviewBaseMissing, "from", &message);
    let dir = if from.text == "base" {
        format!("{}/base", app.path)
    } else if let Some(env) = app.environment(&from.text) {
        env.path.clone()
    } else if from.text.contains('/') || from.text.contains('{') {
        let expanded = names::expand(&from.text, NameKind::Text, values).map_err(&missing)?;
        tree::normalize(&expanded.value)
            .map_err(|_| missing(format!("{:?} leads outside the repository", expanded.value)))?
    } else {
        let envs: Vec<&str> = app.environments.iter().map(|e| e.name.as_str()).collect();
        return Err(Box::new(missing(format!(
            "{:?} is neither `base`, an environment of '{}' ({}), nor a directory",
            from.text,
            app.name,
            envs.join(", ")
        ))));
    };
    if !has_kustomization(repo.tree(), &dir) {
        return Err(Box::new(missing(format!(
            "previews of '{}' build on {dir}, which holds no kustomization; set previews.from to an environment or a directory",
            app.name
        ))));
    }
    Ok(dir)
}

fn has_kustomization(tree: &FileTree, dir: &str) -> bool {
    kustomization_file(tree, dir).is_some()
}

/// The kustomization file in `dir`, if there is one.
fn kustomization_file(tree: &FileTree, dir: &str) -> Option<String> {
    KUSTOMIZATION_FILE_NAMES
        .iter()
        .map(|n| crate::kustomize::build::join_file(dir, n))
        .find(|p| tree.is_file(p))
}

/// A preview may not take the place of the app's environments or of what it builds on.
fn check_place(dir: &str, from: &str, app: &App) -> Result<(), Box<Diagnostic>> {
    let taken = app
        .environments
        .iter()
        .map(|e| (e.path.as_str(), format!("environment {}", e.name)))
        .chain([
            (from, "what previews build on".to_string()),
            (app.path.as_str(), "the app".into()),
        ])
        .find(|(path, _)| {
            tree::is_within(path, dir) || (tree::is_within(dir, path) && *path != app.path)
        });
    match taken {
        Some((path, what)) => Err(Box::new(Diagnostic::new(
            Code::PreviewPathEscapes,
            format!("the preview directory {dir} would overlap {path} ({what})"),
        ))),
        None => Ok(()),
    }
}

/// The image name of the app that a pull request builds: `wanted`, or the one whose last path
/// segment is the app's name, or the only one there is.
pub(crate) fn app_image(
    resources: &[&RenderedResource],
    app: &App,
    wanted: Option<&str>,
) -> Result<String, Box<Diagnostic>> {
    let mut names: Vec<String> = Vec::new();
    for r in resources {
        for image in &r.images {
            let name = split(&image.image).0;
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    let listed = || if names.is_empty() { "none".to_string() } else { names.join(", ") };
    if let Some(wanted) = wanted {
        return if names.iter().any(|n| n == wanted) {
            Ok(wanted.to_string())
        } else {
            Err(Box::new(Diagnostic::new(
                Code::PreviewImageUnknown,
                format!(
                    "no container of '{}' runs an image named {wanted}; its images: {}",
                    app.name,
                    listed()
                ),
            )))
        };
    }
    let named: Vec<&String> =
        names.iter().filter(|n| n.rsplit('/').next() == Some(app.name.as_str())).collect();
    match (named.as_slice(), names.as_slice()) {
        ([one], _) => Ok((*one).clone()),
        ([], [one]) => Ok(one.clone()),
        _ => Err(Box::new(
            Diagnostic::new(
                Code::PreviewImageUnknown,
                format!(
                    "cannot tell which image pull requests of '{}' build: its images are {}",
                    app.name,
                    listed()
                ),
            )
            .with_help("name it in the request (`image`, or `--image` on the command line)"),
        )),
    }
}

/// The Ingresses of a render, with the places their hosts are written.
fn ingresses(resources: &[&RenderedResource]) -> Vec<Ingress> {
    let count = |node: Option<&Node>| node.and_then(Node::as_seq).map_or(0, <[Node]>::len);
    resources
        .iter()
        .filter(|r| r.kind == "Ingress")
        .map(|r| {
            let spec = r.node.get("spec");
            let tls = spec.and_then(|s| s.get("tls")).and_then(Node::as_seq).unwrap_or_default();
            Ingress {
                name: r.name.clone(),
                rules: count(spec.and_then(|s| s.get("rules"))),
                tls: (0..tls.len()).filter(|i| tls[*i].get("hosts").is_some()).collect(),
            }
        })
        .collect()
}

fn build(
    repo: &mut Repo,
    request: &PreviewRequest,
    out: &mut PreviewPlan,
) -> Result<(), Box<Diagnostic>> {
    let pipeline = repo.pipeline();
    let app = lookup_app(&pipeline, &request.app)?;
    out.app = if pipeline.name_is_shared(&app) { app.path.clone() } else { app.name.clone() };
    out.app_path = Some(app.path.clone());
    check_request(request)?;
    let settings = pipeline.preview_settings(&app);
    let values = Values {
        app: &app.name,
        app_path: &app.path,
        number: request.number,
        branch: request.branch.as_deref(),
        sha: request.sha.as_deref(),
    };
    let named = name(&settings, &values, request, &mut out.diagnostics)?;
    out.branch_slug = request.branch.as_deref().map(|b| names::branch_slug(b).value);
    let from = from_dir(repo, &settings, &app, &values)?;
    check_place(&named.dir, &from, &app)?;
    out.path = Some(named.dir.clone());
    out.from = Some(from.clone());
    out.namespace = Some(named.namespace.clone());
    out.url = named.host.as_ref().map(|h| format!("https://{h}"));
    out.host.clone_from(&named.host);
    out.tag = Some(named.tag.clone());
    let base = repo.render(&from).clone();
    if !base.ok() {
        out.diagnostics.extend(base.diagnostics.iter().filter(|d| d.is_error()).cloned());
        return Err(Box::new(Diagnostic::new(
            Code::PreviewBaseMissing,
            format!("{from}, which previews of '{}' build on, does not render", app.name),
        )));
    }
    let resources = app.resources(&from, &base);
    let image = app_image(&resources, &app, request.image.as_deref())?;
    out.image = Some(format!("{image}:{}", named.tag));
    let ingresses = if settings.ingress { ingresses(&resources) } else { Vec::new() };
    let existing = kustomization_file(repo.tree(), &named.dir);
    let (file, text) = if let Some(file) = &existing {
        (file.clone(), retag(repo.tree(), file, &image, &named.tag)?)
    } else {
        {
            let file = format!("{}/kustomization.yaml", named.dir);
            let text = overlay::kustomization(&Overlay {
                resource: &tree::relative(&named.dir, &from),
                namespace: &named.namespace,
                image: &image,
                tag: &named.tag,
                labels: &named.labels,
                annotations: &named.annotations,
                ingresses: &ingresses,
                host: named.host.as_deref(),
            });
            (file, text)
        }
    };
    let mut change = ChangeSet::new();
    change.write(repo.tree(), &file, text).map_err(|e| unverified(e.to_string()))?;
    out.action = Some(match (&existing, change.is_empty()) {
        (None, _) => PreviewAction::Create,
        (Some(_), false) => PreviewAction::Update,
        (Some(_), true) => PreviewAction::Unchanged,
    });
    if existing.is_some() {
        out.diagnostics.push(
            Diagnostic::new(
                Code::PreviewExists,
                format!("the preview of PR {} exists: only its image tag is set, the rest of {file} is kept as it is", request.number),
            )
            .in_file(file.clone()),
        );
    }
    let verification = change
        .verify(repo, &[Intent::overlay(&named.dir)])
        .map_err(|e| unverified(e.to_string()))?;
    let after = match verification.rendered_after(&named.dir) {
        Some(after) => after.clone(),
        None => repo.render(&named.dir).clone(),
    };
    out.diagnostics.extend(verification.diagnostics.iter().cloned());
    out.diagnostics.extend(after.diagnostics.iter().filter(|d| !d.is_error()).cloned());
    check_render(&after, &image, &named, &ingresses)?;
    out.collateral.clone_from(&verification.collateral);
    out.edits = change.into_edits();
    out.comment = comment(out, &after);
    out.message = match out.action {
        Some(PreviewAction::Create) => {
            format!("create the preview of {} for PR {} in {}", out.app, out.number, named.dir)
        }
        Some(PreviewAction::Update) => format!(
            "move the preview of {} for PR {} to {image}:{}",
            out.app, out.number, named.tag
        ),
        _ => format!(
            "the preview of {} for PR {} already runs {image}:{}",
            out.app, out.number, named.tag
        ),
    };
    out.render = Some(after);
    Ok(())
}

fn unverified(message: String) -> Diagnostic {
    Diagnostic::new(Code::PreviewUnverified, message)
}

/// The text of an existing preview's kustomization with the image's tag set (its entry, or a
/// new one): nothing else changes.
fn retag(tree: &FileTree, file: &str, image: &str, tag: &str) -> Result<String, Box<Diagnostic>> {
    let text = tree.text(file).unwrap_or_default();
    let entry = match images_entry::find_entry(&text, image) {
        Some(index) => Entry::Index(index),
        None => Entry::New(image.to_string()),
    };
    let versions = Versions { tag: Some(tag.to_string()), digest: None };
    images_entry::set_versions(&text, &entry, &versions).map_err(|e| {
        Box::new(
            unverified(format!("cannot set the image tag in {file}: {e}"))
                .in_file(file.to_string()),
        )
    })
}

/// The preview's render must succeed, run `image:tag` in every container of `image` (at
/// least one), and carry the host in the Ingresses it patched.
fn check_render(
    after: &Rendered,
    image: &str,
    named: &Named,
    ingresses: &[Ingress],
) -> Result<(), Box<Diagnostic>> {
    if !after.ok() {
        let first = after
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .map_or(String::new(), |d| format!(": {}", d.message));
        return Err(Box::new(unverified(format!(
            "the preview {} does not render{first}",
            named.dir
        ))));
    }
    let want = format!("{image}:{}", named.tag);
    let mut runs = 0;
    for r in &after.resources {
        for c in r.images.iter().filter(|c| split(&c.image).0 == image) {
            if c.image != want {
                return Err(Box::new(unverified(format!(
                    "after the edit, {}/{} container '{}' runs {} instead of {want}; nothing is offered",
                    r.kind, r.name, c.container, c.image
                ))));
            }
            runs += 1;
        }
    }
    if runs == 0 {
        return Err(Box::new(unverified(format!(
            "no container of the preview runs {image}; nothing is offered"
        ))));
    }
    let Some(host) = &named.host else { return Ok(()) };
    for ingress in ingresses {
        let mut hosts = Vec::new();
        for r in &after.resources {
            if r.kind == "Ingress" && r.name == ingress.name {
                hosts.extend(ingress_hosts(r));
            }
        }
        if hosts.is_empty() || hosts.iter().any(|h| h != host) {
            return Err(Box::new(unverified(format!(
                "after the edit, Ingress {} serves {} instead of {host}; nothing is offered",
                ingress.name,
                hosts.join(", ")
            ))));
        }
    }
    Ok(())
}

/// The pull request comment of a preview: URL, image, and what the preview deploys.
fn comment(plan: &PreviewPlan, rendered: &Rendered) -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = format!(
        "<!-- baton-preview {}#{} -->\n### Preview of {} for #{}\n\n",
        plan.app, plan.number, plan.app, plan.number
    );
    if let Some(url) = &plan.url {
        out.push_str(&format!("**{url}**\n\n"));
    }
    out.push_str("| | |\n| --- | --- |\n");
    let rows = [
        ("Image", plan.image.as_deref()),
        ("Namespace", plan.namespace.as_deref()),
        ("Overlay", plan.path.as_deref()),
        ("Builds on", plan.from.as_deref()),
    ];
    for (what, value) in rows {
        if let Some(value) = value {
            out.push_str(&format!("| {what} | `{}` |\n", cell(value)));
        }
    }
    out.push_str("\nWhat is deployed:\n\n| kind | name | images |\n| --- | --- | --- |\n");
    for r in &rendered.resources {
        let images: Vec<String> =
            r.images.iter().map(|i| format!("`{}`", cell(&i.image))).collect();
        out.push_str(&format!("| {} | {} | {} |\n", r.kind, cell(&r.name), images.join("<br>")));
    }
    out.push_str("\nThe preview is removed when the pull request is closed.\n");
    out
}

/// One preview found in the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewStatus {
    pub number: u64,
    /// Its overlay directory.
    pub path: String,
    /// Whether it renders without errors.
    pub ok: bool,
    pub namespace: Option<String>,
    /// The app's image as the preview runs it (`name:tag`), and its tag.
    pub image: Option<String>,
    pub tag: Option<String>,
    /// `https://` and the host its Ingress serves, else the configured host.
    pub url: Option<String>,
}

/// What lies under an app's preview root: previews (number, directory) and other directories.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub previews: Vec<(u64, String)>,
    pub unknown: Vec<String>,
}

/// The previews of `app` (directories matching its preview path), and the directories
/// under the preview root that match no pull request (environments, the base and what
/// previews build on aside).
#[must_use]
pub fn find(tree: &FileTree, pipeline: &Pipeline, app: &App) -> Found {
    let settings = pipeline.preview_settings(app);
    let values = Values { app: &app.name, app_path: &app.path, number: 1, branch: None, sha: None };
    let Ok(pattern) = names::path_pattern(&settings.path.text, &values) else {
        return Found::default();
    };
    let mut found = Found::default();
    for (name, is_dir) in tree.list_dir(&pattern.root) {
        if !is_dir {
            continue;
        }
        let dir =
            if pattern.root.is_empty() { name.clone() } else { format!("{}/{name}", pattern.root) };
        if let Some(number) = pattern.number_of(&name) {
            found.previews.push((number, dir));
            continue;
        }
        let known = app.environments.iter().any(|e| tree::is_within(&e.path, &dir))
            || ["base", "bases", "components"].contains(&name.as_str())
            || dir == format!("{}/{}", app.path, settings.from.text);
        if !known && pattern.root != app.path {
            found.unknown.push(dir);
        }
    }
    crate::sort::sort(&mut found.previews);
    found
}

/// The previews of `app`, rendered, for `status`.
pub fn list(repo: &mut Repo, pipeline: &Pipeline, app: &App) -> Vec<PreviewStatus> {
    let settings = pipeline.preview_settings(app);
    let mut out = Vec::new();
    for (number, dir) in find(repo.tree(), pipeline, app).previews {
        let rendered = repo.render(&dir);
        let resources: Vec<&RenderedResource> = rendered.resources.iter().collect();
        let name = app_image(&resources, app, None).ok();
        let (mut image, mut host, mut namespace) = (None, None, None);
        for r in &resources {
            for i in &r.images {
                if image.is_none() && name.as_deref() == Some(split(&i.image).0.as_str()) {
                    image = Some(i.image.clone());
                }
            }
            if host.is_none() && r.kind == "Ingress" {
                host = ingress_hosts(r).first().map(|h| (*h).to_string());
            }
            if namespace.is_none() {
                namespace.clone_from(&r.namespace);
            }
        }
        if host.is_none()
            && let Some(template) = &settings.host
        {
            let values =
                Values { app: &app.name, app_path: &app.path, number, branch: None, sha: None };
            host = names::expand(&template.text, NameKind::Host, &values).ok().map(|e| e.value);
        }
        let tag = image.as_deref().map(|i| split(i).1).filter(|t| !t.is_empty());
        out.push(PreviewStatus {
            number,
            path: dir,
            ok: rendered.ok(),
            namespace,
            image,
            tag,
            url: host.map(|h| format!("https://{h}")),
        });
    }
    out
}

/// The hosts of an Ingress's rules.
fn ingress_hosts(resource: &RenderedResource) -> Vec<&str> {
    let mut hosts = Vec::new();
    let rules = resource.node.get("spec").and_then(|s| s.get("rules")).and_then(Node::as_seq);
    for rule in rules.unwrap_or_default() {
        if let Some(host) = rule.get_str("host") {
            hosts.push(host);
        }
    }
    hosts
}

#[cfg(test)]
mod tests;
