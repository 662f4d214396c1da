//! `spec.previews` of `baton.yaml`: where preview environments go and what they are called.
//!
//! One section for the whole pipeline, with per-app overrides under `apps:` (keyed by app
//! name or path); every field falls back to the pipeline's setting, then to the default, so a
//! repository without `baton.yaml` gets the seed's previews: `apps/<app>/preview/pr-<n>` on
//! the app's `base`, namespace `preview-pr-<n>`, tag `pr-<n>-<sha:5>`. The section is decoded
//! strictly like the rest of the file, and its templates are checked against every app when
//! the pipeline loads (`P010`, `P011` at the template's bytes), so an editor shows a template
//! that cannot make a valid name before anyone plans a preview.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic};
use crate::gates::time::parse_duration;
use crate::preview::names::{self, NameKind, Values};
use crate::yaml::decode::{Decoder, Spanned};
use crate::yaml::{Node, Origin};

use super::App;
use super::config::PIPELINE_FILE;

/// The fields of `spec.previews`.
pub(crate) const FIELDS: &[&str] = &[
    "path",
    "namespace",
    "host",
    "from",
    "tag",
    "labels",
    "annotations",
    "ingress",
    "maxAge",
    "apps",
];

/// The fields of one app's override (all but `apps`).
pub(crate) const APP_FIELDS: &[&str] = FIELDS.split_at(FIELDS.len() - 1).0;

pub const DEFAULT_PATH: &str = "{app_path}/preview/pr-{number}";
pub const DEFAULT_NAMESPACE: &str = "preview-pr-{number}";
pub const DEFAULT_TAG: &str = "pr-{number}-{sha:5}";
pub const DEFAULT_FROM: &str = "base";

type Pairs = Vec<(Spanned<String>, Spanned<String>)>;

/// One `previews` block as written (the pipeline's, or an app's override).
#[derive(Debug, Clone, Default)]
pub struct PreviewDecl {
    pub path: Option<Spanned<String>>,
    pub namespace: Option<Spanned<String>>,
    pub host: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub tag: Option<Spanned<String>>,
    pub labels: Option<Pairs>,
    pub annotations: Option<Pairs>,
    pub ingress: Option<bool>,
    /// Seconds.
    pub max_age: Option<Spanned<u64>>,
}

/// `spec.previews`.
#[derive(Debug, Clone, Default)]
pub struct PreviewsConfig {
    pub common: PreviewDecl,
    /// Overrides by app name or path.
    pub apps: Vec<(Spanned<String>, PreviewDecl)>,
}

/// A template and where it was written (`None`: a default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub text: String,
    pub origin: Option<Origin>,
}

impl Template {
    fn of(decl: Option<&Spanned<String>>, default: &str) -> Template {
        match decl {
            Some(s) => Template { text: s.value.clone(), origin: Some(s.origin.clone()) },
            None => Template { text: default.to_string(), origin: None },
        }
    }

    /// A diagnostic about this template: at its bytes in `baton.yaml`, or about the default.
    #[must_use]
    pub fn diagnostic(&self, code: Code, what: &str, message: &str) -> Diagnostic {
        match &self.origin {
            Some(origin) => Diagnostic::new(code, format!("previews.{what}: {message}"))
                .at(PIPELINE_FILE, origin.span),
            None => Diagnostic::new(
                code,
                format!("previews.{what} (default {:?}): {message}", self.text),
            ),
        }
    }
}

/// The settings of one app's previews: its override, else the pipeline's, else the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewSettings {
    pub path: Template,
    pub namespace: Template,
    pub host: Option<Template>,
    /// `base`, an environment's name, or a directory template.
    pub from: Template,
    pub tag: Template,
    pub labels: Vec<(String, Template)>,
    pub annotations: Vec<(String, Template)>,
    /// Patch the host into the app's Ingresses (when there is a host).
    pub ingress: bool,
    /// Seconds.
    pub max_age: Option<u64>,
}

impl PreviewsConfig {
    /// The settings for `app` (overrides are keyed by its name or path).
    #[must_use]
    pub fn settings(&self, app: &App) -> PreviewSettings {
        self.settings_for(&app.name, &app.path)
    }

    /// The settings for the app named `name` at `path`.
    #[must_use]
    pub fn settings_for(&self, name: &str, path: &str) -> PreviewSettings {
        let own = self
            .apps
            .iter()
            .find(|(key, _)| key.value == path || key.value == name)
            .map(|(_, decl)| decl);
        let pick = |f: fn(&PreviewDecl) -> Option<&Spanned<String>>| {
            own.and_then(f).or_else(|| f(&self.common))
        };
        let pairs = |f: fn(&PreviewDecl) -> Option<&Pairs>| -> Vec<(String, Template)> {
            own.and_then(f)
                .or_else(|| f(&self.common))
                .map(|pairs| {
                    pairs
                        .iter()
                        .map(|(k, v)| (k.value.clone(), Template::of(Some(v), "")))
                        .collect()
                })
                .unwrap_or_default()
        };
        PreviewSettings {
            path: Template::of(pick(|d| d.path.as_ref()), DEFAULT_PATH),
            namespace: Template::of(pick(|d| d.namespace.as_ref()), DEFAULT_NAMESPACE),
            host: pick(|d| d.host.as_ref()).map(|h| Template::of(Some(h), "")),
            from: Template::of(pick(|d| d.from.as_ref()), DEFAULT_FROM),
            tag: Template::of(pick(|d| d.tag.as_ref()), DEFAULT_TAG),
            labels: pairs(|d| d.labels.as_ref()),
            annotations: pairs(|d| d.annotations.as_ref()),
            ingress: own.and_then(|d| d.ingress).or(self.common.ingress).unwrap_or(true),
            max_age: own
                .and_then(|d| d.max_age.as_ref())
                .or(self.common.max_age.as_ref())
                .map(|m| m.value),
        }
    }
}

/// Decodes `spec.previews`.
pub(crate) fn decode(d: &mut Decoder, node: &Node) -> PreviewsConfig {
    let mut config = PreviewsConfig::default();
    for (field, _, value) in d.fields(node, "Previews", FIELDS).unwrap_or_default() {
        if field == "apps" {
            config.apps = decode_apps(d, value);
        } else {
            decode_field(d, field, value, &mut config.common);
        }
    }
    config
}

fn decode_apps(d: &mut Decoder, node: &Node) -> Vec<(Spanned<String>, PreviewDecl)> {
    let Some(entries) = node.as_map() else {
        if !Decoder::is_null(node) {
            d.error(node, "previews.apps must map app names (or paths) to preview settings");
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let name = Spanned::new(key.scalar().unwrap_or_default().to_string(), key.origin.clone());
        let mut decl = PreviewDecl::default();
        for (field, _, v) in d.fields(value, "PreviewSettings", APP_FIELDS).unwrap_or_default() {
            decode_field(d, field, v, &mut decl);
        }
        out.push((name, decl));
    }
    out
}

fn decode_field(d: &mut Decoder, field: &str, value: &Node, decl: &mut PreviewDecl) {
    let what = |f: &str| format!("Previews.{f}");
    match field {
        "path" => decl.path = d.string(value, &what(field)),
        "namespace" => decl.namespace = d.string(value, &what(field)),
        "host" => decl.host = d.string(value, &what(field)),
        "from" => decl.from = d.string(value, &what(field)),
        "tag" => decl.tag = d.string(value, &what(field)),
        "labels" => decl.labels = Some(d.string_map(value, &what(field))),
        "annotations" => decl.annotations = Some(d.string_map(value, &what(field))),
        "ingress" => decl.ingress = d.bool(value, &what(field)),
        _ => {
            let Some(text) = d.string(value, &what(field)) else { return };
            match parse_duration(&text.value) {
                Ok(seconds) => decl.max_age = Some(Spanned::new(seconds, text.origin)),
                Err(e) => d.error(value, format!("previews.maxAge: {e}")),
            }
        }
    }
}

/// A PR number, branch and sha that stand for every real one when templates are checked
/// before any preview is planned.
const SAMPLE_SHA: &str = "0123456789abcdef0123456789abcdef01234567";
const SAMPLE_BRANCH: &str = "feature/sample";

/// Checks every template against every app with sample values; each problem is reported
/// once per template (for the first app it shows in). Apps an override names that do not
/// exist are reported too.
pub(crate) fn check(
    config: &PreviewsConfig,
    apps: &[App],
    file: &Arc<str>,
    out: &mut Vec<Diagnostic>,
) {
    for (key, _) in &config.apps {
        if !apps.iter().any(|a| a.name == key.value || a.path == key.value) {
            out.push(
                Diagnostic::new(
                    Code::PreviewConfigInvalid,
                    format!("previews.apps: there is no app '{}'", key.value),
                )
                .with_severity(crate::Severity::Warning)
                .at(&**file, key.span()),
            );
        }
    }
    let mut reported: Vec<(Option<crate::Span>, String)> = Vec::new();
    for app in apps {
        let settings = config.settings(app);
        problems(&settings, app, &mut |template, what, code, message| {
            let place = (template.origin.as_ref().map(|o| o.span), what.to_string());
            if !reported.contains(&place) {
                reported.push(place);
                let mut d = template.diagnostic(code, what, message);
                if message.starts_with("for app '") {
                    d = d.with_severity(crate::Severity::Warning);
                }
                out.push(d);
            }
        });
    }
}

/// Reports what cannot work in `settings` for `app`: the template, the setting's name, the
/// code and the message.
fn problems(
    settings: &PreviewSettings,
    app: &App,
    report: &mut dyn FnMut(&Template, &str, Code, &str),
) {
    let values = Values {
        app: &app.name,
        app_path: &app.path,
        number: 1,
        branch: Some(SAMPLE_BRANCH),
        sha: Some(SAMPLE_SHA),
    };
    match names::path_pattern(&settings.path.text, &values) {
        Err(names::PathError::Template(e)) => {
            report(&settings.path, "path", Code::PreviewConfigInvalid, &e);
        }
        Err(names::PathError::Escapes(e)) => {
            report(&settings.path, "path", Code::PreviewPathEscapes, &e);
        }
        Ok(_) => {}
    }
    // A template that makes no valid name even for a plain app name is wrong (an error); one
    // that fails only for this app's name (`{app}` in a host, say) is a warning: that app's
    // previews will be refused, the others' work.
    let plain = Values { app: "app", app_path: "apps/app", ..values };
    let mut name = |what: &str, template: &Template, kind: NameKind| {
        if let Err(e) = names::expand(&template.text, kind, &plain) {
            report(template, what, Code::PreviewConfigInvalid, &e);
        } else if let Err(e) = names::expand(&template.text, kind, &values) {
            let message = format!("for app '{}': {e}", app.name);
            report(template, what, Code::PreviewConfigInvalid, &message);
        }
    };
    name("namespace", &settings.namespace, NameKind::Label);
    name("tag", &settings.tag, NameKind::Tag);
    if let Some(host) = &settings.host {
        name("host", host, NameKind::Host);
    }
    name("from", &settings.from, NameKind::Text);
    for (key, template) in &settings.labels {
        name(&format!("labels.{key}"), template, NameKind::LabelValue);
    }
    for (key, template) in &settings.annotations {
        name(&format!("annotations.{key}"), template, NameKind::Text);
    }
}
