//! An Argo CD `Application` source rendered as Argo CD's repo server renders it.
//!
//! The repo server (argo-cd 37ee009, `reposerver/repository/repository.go`
//! `GenerateManifests` → `GetAppSourceType`, then `util/kustomize/kustomize.go` `Build`) picks
//! the source type (explicit `kustomize`/`helm`/`directory`/`plugin`, else a kustomization
//! file at the path, else a `Chart.yaml`, else plain manifests), and for a Kustomize source
//! runs `kustomize edit` on the path's kustomization file before `kustomize build`, in this
//! order: `set nameprefix`, `set namesuffix`, `set image` (each argument through
//! `Env.Envsubst`), `set replicas`, `add label` (`--force`, `--without-selector`,
//! `--include-templates`; values through `Env.Envsubst`), `add annotation` (`--force`,
//! values substituted only with `commonAnnotationsEnvsubst`), `set namespace`, then the
//! patches appended to the file's `patches` (no edit command exists for them), then
//! `add component`. The edit commands' semantics are kustomize's (kustomize 12f9e63,
//! `kustomize/commands/edit/{set,add}/*.go`): `set image` and `set replicas` replace entries
//! of the same name and sort the list by name, `add label`/`add annotation` refuse a key
//! already there unless forced, `add component` skips one already listed.
//!
//! As for Flux, the edited kustomization is assembled as a value and given to the renderer in
//! place of the file; the build keeps kustomize's default load restrictions.

use std::sync::Arc;

use super::objects::{Application, ArgoKustomize, ArgoSource, ReplicaCount};
use super::{DeploymentSource, SourceState};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::kustomize::build::join_file;
use crate::kustomize::context::Builder;
use crate::kustomize::kustomization::{
    Image, KUSTOMIZATION_FILE_NAMES, Kustomization, Label, Replica, Str,
};
use crate::kustomize::{BuildOptions, Rendered};
use crate::source::Source;
use crate::tree;
use crate::yaml::Origin;
use crate::yaml::decode::Spanned;

/// How a source is handled, with its summary.
pub(crate) fn source(
    app: &Application,
    src: &ArgoSource,
    tree: &tree::FileTree,
) -> (DeploymentSource, SourceState) {
    let mut out = DeploymentSource {
        path: None,
        repo_url: src.repo_url.clone(),
        revision: src.target_revision.clone(),
        reference: src.repo_url.clone().unwrap_or_default(),
        local: false,
        note: None,
    };
    let _ = app;
    if let Some(chart) = &src.chart {
        out.note =
            Some(format!("Helm chart '{chart}' from a chart repository: listed, not fetched"));
        return (out, SourceState::External);
    }
    let Some(path) = &src.path else {
        out.note = Some(match &src.reference {
            Some(r) => format!("`ref: {r}` source: its files serve the other sources"),
            None => "no path".into(),
        });
        return (out, SourceState::NotRendered);
    };
    let Ok(dir) = tree::normalize(&path.value) else {
        out.note = Some(format!("path '{}' leaves the repository", path.value));
        return (out, SourceState::Missing);
    };
    out.path = Some(dir.clone());
    if !dir.is_empty() && !tree.is_dir(&dir) {
        out.note = Some(format!(
            "'{dir}' is not a directory of this repository: taken to be another repository, not fetched"
        ));
        return (out, SourceState::External);
    }
    out.local = true;
    let mut explicit: Vec<&str> = Vec::new();
    if src.kustomize.is_some() {
        explicit.push("Kustomize");
    }
    explicit.extend(src.explicit_types.iter().copied());
    let kind = match explicit.as_slice() {
        [] if KUSTOMIZATION_FILE_NAMES.iter().any(|n| tree.is_file(&join_file(&dir, n))) => {
            "Kustomize"
        }
        [] if tree.is_file(&join_file(&dir, "Chart.yaml")) => "Helm",
        [] => "Directory",
        [one] => one,
        _ => {
            out.note =
                Some(format!("multiple application sources defined: {}", explicit.join(",")));
            return (out, SourceState::Invalid);
        }
    };
    if kind != "Kustomize" {
        out.note = Some(format!("a {kind} source: listed, not rendered"));
        return (out, SourceState::NotRendered);
    }
    (out, SourceState::Local)
}

/// The render of one Kustomize source at `dir`.
pub(crate) fn render(
    source: &mut Source,
    app: &Application,
    src: &ArgoSource,
    dir: &str,
    out: &mut Vec<Diagnostic>,
) -> Rendered {
    source.reads.files.insert(app.site.file.to_string());
    let app_file = app.site.file.to_string();
    let overrides = src.kustomize.as_ref().filter(|k| has_overrides(k));
    let Some(overrides) = overrides else {
        // No edit runs: a plain `kustomize build`.
        let (rendered, reads) =
            crate::kustomize::render_with(source, dir, &BuildOptions::default());
        source.reads.extend(&reads);
        return rendered;
    };
    let Some(path) =
        KUSTOMIZATION_FILE_NAMES.iter().map(|n| join_file(dir, n)).find(|p| source.is_file(p))
    else {
        out.push(
            Diagnostic::new(
                Code::ArgoOverrideInvalid,
                format!("kustomize edit: Missing kustomization file 'kustomization.yaml' in '{dir}'; Argo CD cannot apply spec.source.kustomize"),
            )
            .at(app_file, overrides.origin.span),
        );
        return Rendered::default();
    };
    let mut builder = Builder::new(source);
    let loaded = builder.load_kustomization(dir, None);
    let problems = std::mem::take(&mut builder.diagnostics);
    let Ok(loaded) = loaded else {
        out.extend(problems);
        return Rendered::default();
    };
    let mut top = (*loaded).clone();
    let env = Env::new(app, src);
    let mut spans = Vec::new();
    if edit(&mut top, overrides, &env, source, dir, &app_file, &mut spans, out).is_err() {
        return Rendered::default();
    }
    let remap = super::flux::Remap::with(path, app_file, false, spans);
    let options = BuildOptions { top: Some(Arc::new(top)), load_anywhere: false };
    let (mut rendered, reads) = crate::kustomize::render_with(source, dir, &options);
    source.reads.extend(&reads);
    remap.apply(&mut rendered.diagnostics);
    rendered
}

fn has_overrides(k: &ArgoKustomize) -> bool {
    k.name_prefix.is_some()
        || k.name_suffix.is_some()
        || !k.images.is_empty()
        || !k.replicas.is_empty()
        || !k.common_labels.is_empty()
        || !k.common_annotations.is_empty()
        || k.namespace.is_some()
        || !k.patches.is_empty()
        || !k.components.is_empty()
}

/// The `kustomize edit` commands of `Build`, in its order. `Err` when one fails (reported).
#[allow(clippy::too_many_arguments)]
fn edit(
    top: &mut Kustomization,
    k: &ArgoKustomize,
    env: &Env,
    source: &mut Source,
    dir: &str,
    app_file: &str,
    spans: &mut Vec<Span>,
    out: &mut Vec<Diagnostic>,
) -> Result<(), ()> {
    if let Some(prefix) = &k.name_prefix {
        spans.push(prefix.span());
        top.name_prefix = Some(prefix.clone());
    }
    if let Some(suffix) = &k.name_suffix {
        spans.push(suffix.span());
        top.name_suffix = Some(suffix.clone());
    }
    if !k.images.is_empty() {
        let mut args: Vec<Image> = Vec::new();
        for arg in &k.images {
            let text = env.expand(&arg.value, &arg.origin, app_file, out);
            let Some(image) = parse_image(&text, &arg.origin) else {
                invalid(
                    out,
                    app_file,
                    &arg.origin,
                    format!("kustomize edit set image {text}: invalid format of image"),
                );
                return Err(());
            };
            spans.push(arg.span());
            args.retain(|i| i.name.value != image.name.value);
            args.push(image);
        }
        top.images = set_images(std::mem::take(&mut top.images), &args);
    }
    if !k.replicas.is_empty() {
        let mut args: Vec<Replica> = Vec::new();
        for (name, count) in &k.replicas {
            let n = match &count.value {
                ReplicaCount::Int(n) => *n,
                ReplicaCount::String(s) => match s.parse::<i64>() {
                    Ok(n) if s.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b'+') => n,
                    _ => {
                        invalid(
                            out,
                            app_file,
                            &count.origin,
                            format!("replicas count '{s}' is not an integer (strconv.Atoi)"),
                        );
                        return Err(());
                    }
                },
                ReplicaCount::Missing => 0,
            };
            if name.value.contains('=') {
                invalid(
                    out,
                    app_file,
                    &name.origin,
                    format!(
                        "kustomize edit set replicas {}={n}: invalid format of replicas",
                        name.value
                    ),
                );
                return Err(());
            }
            spans.push(name.span());
            args.retain(|r| r.name.value != name.value);
            args.push(Replica {
                name: name.clone(),
                count: Spanned::new(n, count.origin.clone()),
                origin: name.origin.clone(),
            });
        }
        let mut replicas: Vec<Replica> = Vec::new();
        for existing in std::mem::take(&mut top.replicas) {
            if args.iter().any(|a| a.name.value == existing.name.value) {
                continue;
            }
            replicas.retain(|r| r.name.value != existing.name.value);
            replicas.push(existing);
        }
        replicas.extend(args);
        crate::sort::sort_by(&mut replicas, |a, b| a.name.value.cmp(&b.name.value));
        top.replicas = replicas;
    }
    if !k.common_labels.is_empty() {
        if !k.label_without_selector && k.label_include_templates {
            invalid(out, app_file, &k.origin, "kustomize edit add label: --without-selector flag must be specified for --include-templates to work".into());
            return Err(());
        }
        let mut labels = Vec::new();
        for (key, value) in &k.common_labels {
            let value = Spanned::new(
                env.expand(&value.value, &value.origin, app_file, out),
                value.origin.clone(),
            );
            if let Some(problem) = label_problem(&key.value, &value.value) {
                invalid(
                    out,
                    app_file,
                    &key.origin,
                    format!("kustomize edit add label {}: {problem}", key.value),
                );
                return Err(());
            }
            spans.push(key.span());
            labels.push((key.clone(), value));
        }
        add_labels(top, labels, k, app_file, out)?;
    }
    if !k.common_annotations.is_empty() {
        for (key, value) in &k.common_annotations {
            let value = if k.common_annotations_envsubst {
                Spanned::new(
                    env.expand(&value.value, &value.origin, app_file, out),
                    value.origin.clone(),
                )
            } else {
                value.clone()
            };
            if let Some(problem) = qualified_name_problem(&key.value) {
                invalid(
                    out,
                    app_file,
                    &key.origin,
                    format!("kustomize edit add annotation {}: {problem}", key.value),
                );
                return Err(());
            }
            if let Some(existing) =
                top.common_annotations.iter_mut().find(|(k, _)| k.value == key.value)
            {
                if !k.force_common_annotations {
                    invalid(
                        out,
                        app_file,
                        &key.origin,
                        format!(
                            "kustomize edit add annotation: annotation {} already in kustomization file. Use --force to override.",
                            key.value
                        ),
                    );
                    return Err(());
                }
                existing.1 = value;
            } else {
                top.common_annotations.push((key.clone(), value));
            }
            spans.push(key.span());
        }
    }
    if let Some(ns) = &k.namespace {
        if !is_dns_label(&ns.value) {
            invalid(
                out,
                app_file,
                &ns.origin,
                format!(
                    "kustomize edit set namespace: \"{}\" is not a valid namespace name",
                    ns.value
                ),
            );
            return Err(());
        }
        spans.push(ns.span());
        top.namespace = Some(ns.clone());
    }
    for patch in &k.patches {
        spans.push(patch.origin.span);
        if let Some(t) = &patch.target {
            spans.push(t.origin.span);
        }
        if let Some(p) = patch.path.as_ref().or(patch.patch.as_ref()) {
            spans.push(p.span());
        }
        top.patches.push(patch.clone());
    }
    for component in &k.components {
        if component.value.contains(['*', '?', '[']) {
            out.push(
                Diagnostic::new(
                    Code::DeploymentUnsupported,
                    format!("component '{}' is a glob; Baton does not expand `kustomize edit add component` globs", component.value),
                )
                .at(app_file, component.span()),
            );
            return Err(());
        }
        let exists = tree::join(dir, &component.value)
            .is_ok_and(|p| source.is_dir(&p) || source.is_file(&p));
        if !exists {
            if k.ignore_missing_components {
                continue;
            }
            invalid(
                out,
                app_file,
                &component.origin,
                format!(
                    "kustomize edit add component {}: {} has no match",
                    component.value, component.value
                ),
            );
            return Err(());
        }
        spans.push(component.span());
        if !top.components.iter().any(|c| c.value == component.value) {
            top.components.push(component.clone());
        }
    }
    Ok(())
}

/// `set image`: entries of the same name are replaced (`*` keeps a field), the others kept,
/// the list sorted by name.
fn set_images(existing: Vec<Image>, args: &[Image]) -> Vec<Image> {
    let mut by_name: Vec<Image> = Vec::new();
    for arg in args {
        by_name.retain(|i| i.name.value != arg.name.value);
        by_name.push(arg.clone());
    }
    for old in existing {
        if let Some(arg) = by_name.iter_mut().find(|a| a.name.value == old.name.value) {
            if arg.new_name.as_ref().is_some_and(|n| n.value == "*") {
                arg.new_name.clone_from(&old.new_name);
            }
            if arg.new_tag.as_ref().is_some_and(|n| n.value == "*") {
                arg.new_tag.clone_from(&old.new_tag);
            }
            if arg.digest.as_ref().is_some_and(|n| n.value == "*") {
                arg.digest.clone_from(&old.digest);
            }
            if args.iter().all(|a| a.name.value != old.name.value) {
                *arg = old;
            }
            continue;
        }
        by_name.push(old);
    }
    for image in &mut by_name {
        for field in [&mut image.new_name, &mut image.new_tag, &mut image.digest] {
            if field.as_ref().is_some_and(|v| v.value == "*" || v.value.is_empty()) {
                *field = None;
            }
        }
    }
    crate::sort::sort_by(&mut by_name, |a, b| a.name.value.cmp(&b.name.value));
    by_name
}

/// `parse` of `setimage.go`: `[<image>=]<newimage>[:<tag>][@<digest>]`.
fn parse_image(arg: &str, origin: &Origin) -> Option<Image> {
    let (key, value) = match arg.split_once('=') {
        Some((k, v)) => (k, v),
        None => ("", arg),
    };
    let (name, tag, digest) = crate::kustomize::transform::images::split(value);
    if name == arg {
        return None;
    }
    let (name, tag, digest) = (name.as_str(), tag.as_str(), digest.as_str());
    let s = |v: &str| (!v.is_empty()).then(|| Spanned::new(v.to_string(), origin.clone()));
    let mut image =
        Image { new_tag: s(tag), digest: s(digest), origin: origin.clone(), ..Image::default() };
    if key.is_empty() {
        image.name = Spanned::new(name.to_string(), origin.clone());
    } else {
        image.name = Spanned::new(key.to_string(), origin.clone());
        image.new_name = s(name);
    }
    Some(image)
}

/// A `D021`: the edit command Argo CD runs fails.
fn invalid(out: &mut Vec<Diagnostic>, file: &str, origin: &Origin, message: String) {
    out.push(Diagnostic::new(Code::ArgoOverrideInvalid, message).at(file, origin.span));
}

/// `add label`: into `commonLabels`, or with `--without-selector` into a `labels` entry whose
/// settings match (`includeSelectors: false`, `includeTemplates` as asked).
fn add_labels(
    top: &mut Kustomization,
    labels: Vec<(Str, Str)>,
    k: &ArgoKustomize,
    file: &str,
    out: &mut Vec<Diagnostic>,
) -> Result<(), ()> {
    let force = k.force_common_labels;
    let conflict = |key: &Str, out: &mut Vec<Diagnostic>| {
        invalid(
            out,
            file,
            &key.origin,
            format!(
                "kustomize edit add label: label {} already in kustomization file. Use --force to override.",
                key.value
            ),
        );
    };
    if !k.label_without_selector {
        for (key, value) in labels {
            if let Some(existing) = top.common_labels.iter_mut().find(|(k, _)| k.value == key.value)
            {
                if !force {
                    conflict(&key, out);
                    return Err(());
                }
                existing.1 = value;
            } else {
                top.common_labels.push((key, value));
            }
        }
        return Ok(());
    }
    let matches =
        |l: &Label| !l.include_selectors && l.include_templates == k.label_include_templates;
    let index = if let Some(i) = top.labels.iter().position(matches) {
        i
    } else {
        top.labels.push(Label {
            include_selectors: false,
            include_templates: k.label_include_templates,
            origin: k.origin.clone(),
            ..Label::default()
        });
        top.labels.len() - 1
    };
    for (key, value) in labels {
        let pairs = &mut top.labels[index].pairs;
        if let Some(existing) = pairs.iter_mut().find(|(k, _)| k.value == key.value) {
            if !force {
                conflict(&key, out);
                return Err(());
            }
            existing.1 = value;
        } else {
            pairs.push((key, value));
        }
    }
    Ok(())
}

/// Kubernetes' label rules (`validation.IsQualifiedName`, `IsValidLabelValue`), which
/// kustomize's edit validator applies.
fn label_problem(key: &str, value: &str) -> Option<String> {
    if let Some(problem) = qualified_name_problem(key) {
        return Some(problem);
    }
    if value.len() > 63 || (!value.is_empty() && !is_name_part(value)) {
        return Some(format!(
            "invalid label value: \"{value}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        ));
    }
    None
}

fn qualified_name_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let bad_prefix =
        prefix.is_some_and(|p| p.is_empty() || p.len() > 253 || !p.split('.').all(is_dns_label));
    if bad_prefix || name.is_empty() || name.len() > 63 || !is_name_part(name) {
        return Some(format!(
            "invalid key \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (an optional DNS subdomain prefix and '/')"
        ));
    }
    None
}

fn is_name_part(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// An RFC 1123 label: lower-case alphanumerics and `-`, at most 63, alphanumeric at both ends.
fn is_dns_label(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// The build environment of `newEnv` (`repository.go`), with what Baton cannot know offline
/// (the revision) left empty and reported.
struct Env {
    vars: Vec<(&'static str, String)>,
}

impl Env {
    fn new(app: &Application, src: &ArgoSource) -> Self {
        let path = src.path.as_ref().map(|p| p.value.clone()).unwrap_or_default();
        Env {
            vars: vec![
                ("ARGOCD_APP_NAME", app.name.clone()),
                ("ARGOCD_APP_NAMESPACE", app.destination_namespace.clone().unwrap_or_default()),
                ("ARGOCD_APP_PROJECT_NAME", app.project.clone()),
                ("ARGOCD_APP_SOURCE_REPO_URL", src.repo_url.clone().unwrap_or_default()),
                ("ARGOCD_APP_SOURCE_PATH", path),
                (
                    "ARGOCD_APP_SOURCE_TARGET_REVISION",
                    src.target_revision.clone().unwrap_or_default(),
                ),
            ],
        }
    }

    /// `Env.Envsubst`: Go's `os.Expand` with `$$` as `$`.
    fn expand(&self, s: &str, origin: &Origin, file: &str, out: &mut Vec<Diagnostic>) -> String {
        os_expand(s, |name| {
            if name == "$" {
                return "$".to_string();
            }
            if name.starts_with("ARGOCD_APP_REVISION") {
                let d = Diagnostic::new(
                    Code::ArgoValueUnknown,
                    format!("${name} is the commit Argo CD checks out; Baton renders it as an empty string"),
                )
                .at(file, origin.span);
                if !out.contains(&d) {
                    out.push(d);
                }
            }
            self.vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()).unwrap_or_default()
        })
    }
}

/// Go's `os.Expand`.
fn os_expand(s: &str, mut mapping: impl FnMut(&str) -> String) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut j = 0;
    while j < bytes.len() {
        if bytes[j] == b'$' && j + 1 < bytes.len() {
            out.push_str(&s[i..j]);
            let (name, width) = shell_name(&s[j + 1..]);
            if name.is_empty() && width > 0 {
                // Invalid syntax: the characters are eaten.
            } else if name.is_empty() {
                out.push('$');
            } else {
                out.push_str(&mapping(name));
            }
            j += width;
            i = j + 1;
        }
        j += 1;
    }
    out.push_str(s.get(i..).unwrap_or_default());
    out
}

/// `getShellName`.
fn shell_name(s: &str) -> (&str, usize) {
    let bytes = s.as_bytes();
    let special = |c: u8| matches!(c, b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-' | b'0'..=b'9');
    if bytes[0] == b'{' {
        if bytes.len() > 2 && special(bytes[1]) && bytes[2] == b'}' {
            return (&s[1..2], 3);
        }
        for (i, &b) in bytes.iter().enumerate().skip(1) {
            if b == b'}' {
                if i == 1 {
                    return ("", 2);
                }
                return (&s[1..i], i + 1);
            }
        }
        return ("", 1);
    }
    if special(bytes[0]) {
        return (&s[0..1], 1);
    }
    let n = bytes.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
    (&s[..n], n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// kustomize 12f9e63 `setimage.go`'s examples (names split as `api/internal/image/image.go`
    /// `Split`, which `kustomize::transform::images::split` is).
    #[test]
    fn image_arguments_parse_as_kustomize_edit_set_image() {
        let o = Origin::default();
        let img = parse_image("postgres=eu.gcr.io/my-project/postgres:latest", &o).unwrap();
        assert_eq!(
            (
                img.name.value.as_str(),
                img.new_name.unwrap().value.as_str(),
                img.new_tag.unwrap().value.as_str()
            ),
            ("postgres", "eu.gcr.io/my-project/postgres", "latest")
        );
        let img = parse_image("mysql=mariadb", &o).unwrap();
        assert_eq!(img.new_name.unwrap().value, "mariadb");
        assert!(parse_image("nginx", &o).is_none(), "errImageInvalidArgs");
        let img = parse_image("localhost:5000/app:v1@sha256:d", &o).unwrap();
        assert_eq!(img.name.value, "localhost:5000/app");
        assert_eq!(
            (img.new_tag.unwrap().value, img.digest.unwrap().value),
            ("v1".into(), "sha256:d".into())
        );
    }

    #[test]
    fn set_image_replaces_by_name_and_sorts() {
        let o = Origin::default();
        let img = |name: &str, tag: &str| Image {
            name: Spanned::new(name.into(), o.clone()),
            new_tag: Some(Spanned::new(tag.into(), o.clone())),
            ..Image::default()
        };
        let out = set_images(
            vec![img("zeta", "1"), img("alpha", "1")],
            &[img("zeta", "2"), img("mid", "*")],
        );
        let names: Vec<(&str, Option<&str>)> = out
            .iter()
            .map(|i| (i.name.value.as_str(), i.new_tag.as_ref().map(|t| t.value.as_str())))
            .collect();
        assert_eq!(names, [("alpha", Some("1")), ("mid", None), ("zeta", Some("2"))]);
    }

    /// Go's `os.Expand` (src/os/env.go) as `Env.Envsubst` calls it.
    #[test]
    fn expands_as_go_os_expand() {
        let map = |n: &str| match n {
            "A" => "x".to_string(),
            "$" => "$".to_string(),
            _ => String::new(),
        };
        assert_eq!(os_expand("img:$A-${A}", map), "img:x-x");
        assert_eq!(os_expand("$$A", map), "$A");
        assert_eq!(os_expand("a${}b", map), "ab");
        assert_eq!(os_expand("a${b", map), "ab");
        assert_eq!(os_expand("cost $", map), "cost $");
        assert_eq!(os_expand("$1x", map), "x");
    }

    #[test]
    fn label_and_namespace_rules() {
        assert!(label_problem("app.kubernetes.io/name", "web").is_none());
        assert!(label_problem("bad key", "v").is_some());
        assert!(label_problem("k", "-bad").is_some());
        assert!(is_dns_label("shop-1"));
        assert!(!is_dns_label("Shop"));
    }
}
