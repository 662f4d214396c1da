//! `baton.yaml`: the pipeline declaration, decoded strictly with positions.
//!
//! The file is optional. When present it is the single place that says which directories
//! are apps, which environments exist in which order, where each environment's overlay
//! lives, which environment feeds which, and what gates guard each one. Every mistake is a
//! diagnostic on the exact bytes, because this file is edited by hand in an editor that
//! shows them.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic};
use crate::gates::config::{GateConfig, decode_gates};
use crate::yaml::decode::{Decoder, Spanned};
use crate::yaml::{Node, Origin};

pub const PIPELINE_FILE: &str = "baton.yaml";
pub const API_VERSION: &str = "baton.dev/v1alpha1";
pub const KIND: &str = "Pipeline";
pub const DEFAULT_APPS: &str = "apps/*";

pub(crate) const TOP_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec"];
pub(crate) const SPEC_FIELDS: &[&str] = &["apps", "environments", "previews", "repository"];
pub(crate) const ENVIRONMENT_FIELDS: &[&str] = &["name", "path", "from", "gates"];

/// One declared environment.
#[derive(Debug, Clone, Default)]
pub struct EnvironmentDecl {
    pub name: Spanned<String>,
    /// Overlay path template with `{app}`; default `{app}/<name>`.
    pub path: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub gates: GateConfig,
    pub origin: Origin,
}

/// The decoded `baton.yaml`.
#[derive(Debug, Clone, Default)]
pub struct PipelineConfig {
    pub name: Option<Spanned<String>>,
    pub apps: Vec<Spanned<String>>,
    pub environments: Vec<EnvironmentDecl>,
    /// Whether `spec.environments` was given (else environments are discovered).
    pub declared: bool,
    /// `spec.previews` (defaults when absent).
    pub previews: super::previews::PreviewsConfig,
    /// `spec.repository.url`: the URL Argo CD reads this repository from.
    pub repository_url: Option<Spanned<String>>,
}

/// Decodes `baton.yaml`; problems are diagnostics, and what could be decoded is kept.
#[must_use]
pub fn decode(file: &Arc<str>, root: &Node) -> (PipelineConfig, Vec<Diagnostic>) {
    let mut d = Decoder::new(file, Code::PipelineInvalid, "invalid baton.yaml");
    let mut config = PipelineConfig::default();
    let Some(fields) = d.fields(root, "Pipeline", TOP_FIELDS) else {
        return (config, d.errors);
    };
    let mut saw = (false, false);
    for (name, _, value) in fields {
        match name {
            "apiVersion" => {
                saw.0 = true;
                if let Some(v) = d.string(value, "Pipeline.apiVersion")
                    && v.value != API_VERSION
                {
                    d.error(value, format!("apiVersion must be {API_VERSION}"));
                }
            }
            "kind" => {
                saw.1 = true;
                if let Some(v) = d.string(value, "Pipeline.kind")
                    && v.value != KIND
                {
                    d.error(value, format!("kind must be {KIND}"));
                }
            }
            "metadata" => {
                for (field, _, v) in
                    d.fields(value, "Pipeline.metadata", &["name"]).unwrap_or_default()
                {
                    if field == "name" {
                        config.name = d.string(v, "Pipeline.metadata.name");
                    }
                }
            }
            _ => decode_spec(&mut d, value, &mut config),
        }
    }
    if !saw.0 || !saw.1 {
        d.error(root, format!("baton.yaml needs `apiVersion: {API_VERSION}` and `kind: {KIND}`"));
    }
    check_environments(&mut d, &config);
    (config, d.errors)
}

fn decode_spec(d: &mut Decoder, node: &Node, config: &mut PipelineConfig) {
    for (field, _, value) in d.fields(node, "Pipeline.spec", SPEC_FIELDS).unwrap_or_default() {
        match field {
            "apps" => config.apps = d.strings(value, "Pipeline.spec.apps"),
            "previews" => config.previews = super::previews::decode(d, value),
            "repository" => {
                for (name, _, v) in
                    d.fields(value, "Pipeline.spec.repository", &["url"]).unwrap_or_default()
                {
                    if name == "url" {
                        config.repository_url = d.string(v, "Pipeline.spec.repository.url");
                    }
                }
            }
            _ => {
                config.declared = true;
                config.environments =
                    d.list(value, "Pipeline.spec.environments", decode_environment);
            }
        }
    }
}

fn decode_environment(d: &mut Decoder, node: &Node) -> Option<EnvironmentDecl> {
    let fields = d.fields(node, "Environment", ENVIRONMENT_FIELDS)?;
    let mut env = EnvironmentDecl { origin: node.origin.clone(), ..EnvironmentDecl::default() };
    let mut named = false;
    for (field, _, value) in fields {
        match field {
            "name" => {
                env.name = d.string(value, "Environment.name")?;
                named = true;
            }
            "path" => env.path = d.string(value, "Environment.path"),
            "from" => env.from = d.string(value, "Environment.from"),
            _ => env.gates = decode_gates(d, value),
        }
    }
    if !named || env.name.value.is_empty() {
        d.error(node, "an environment needs a `name`");
        return None;
    }
    if !is_valid_name(&env.name.value) {
        let name = env.name.value.clone();
        d.error_at(
            &env.name.origin,
            format!("environment name {name:?} must be lowercase letters, digits and '-'"),
        );
    }
    Some(env)
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// Duplicate names, unknown `from`, and cycles of `from`.
fn check_environments(d: &mut Decoder, config: &PipelineConfig) {
    let envs = &config.environments;
    for (i, env) in envs.iter().enumerate() {
        if let Some(first) = envs[..i].iter().find(|e| e.name.value == env.name.value) {
            let line = first.name.origin.span;
            d.errors.push(
                Diagnostic::new(
                    Code::PipelineDuplicateEnvironment,
                    format!("environment {:?} is declared twice", env.name.value),
                )
                .at(&**d.file, env.name.span())
                .with_related(&**d.file, Some(line), "first declared here"),
            );
        }
        if let Some(from) = &env.from {
            if !envs.iter().any(|e| e.name.value == from.value) {
                let known: Vec<&str> = envs.iter().map(|e| e.name.value.as_str()).collect();
                d.errors.push(
                    Diagnostic::new(
                        Code::PipelineUnknownEnvironment,
                        format!("`from: {}` names no environment", from.value),
                    )
                    .at(&**d.file, from.span())
                    .with_help(format!("known environments: {}", known.join(", "))),
                );
            } else if from.value == env.name.value {
                d.errors.push(
                    Diagnostic::new(
                        Code::PipelineCycle,
                        format!("environment {:?} promotes from itself", env.name.value),
                    )
                    .at(&**d.file, from.span()),
                );
            }
        }
    }
    report_cycles(d, envs);
}

fn report_cycles(d: &mut Decoder, envs: &[EnvironmentDecl]) {
    for start in envs {
        let mut seen = vec![start.name.value.as_str()];
        let mut current = start;
        while let Some(from) = current.from.as_ref() {
            let Some(next) = envs.iter().find(|e| e.name.value == from.value) else { break };
            if next.name.value == start.name.value {
                if seen.len() > 1 && seen.iter().min() == Some(&start.name.value.as_str()) {
                    seen.push(&start.name.value);
                    d.errors.push(
                        Diagnostic::new(
                            Code::PipelineCycle,
                            format!("environments promote in a cycle: {}", seen.join(" ← ")),
                        )
                        .at(
                            &**d.file,
                            start.from.as_ref().map_or(start.name.span(), Spanned::span),
                        ),
                    );
                }
                break;
            }
            if seen.contains(&next.name.value.as_str()) {
                break;
            }
            seen.push(&next.name.value);
            current = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    fn load(text: &str) -> (PipelineConfig, Vec<Diagnostic>) {
        let file: Arc<str> = Arc::from(PIPELINE_FILE);
        let root = parse(&file, text, &Limits::default()).documents.remove(0).root;
        decode(&file, &root)
    }

    const HEAD: &str =
        "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nmetadata: {name: platform}\n";

    #[test]
    fn decodes_a_pipeline() {
        let (config, errors) = load(&format!(
            "{HEAD}spec:\n  apps: [\"apps/*\"]\n  environments:\n  - name: staging\n  - name: production\n    path: \"{{app}}/prod\"\n    from: staging\n"
        ));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config.environments.len(), 2);
        assert_eq!(config.environments[1].path.as_ref().unwrap().value, "{app}/prod");
        assert_eq!(config.environments[1].from.as_ref().unwrap().value, "staging");
    }

    #[test]
    fn reports_unknown_keys_duplicates_unknown_from_and_cycles() {
        let text = format!(
            "{HEAD}spec:\n  environments:\n  - name: a\n    from: c\n  - name: b\n    from: a\n  - name: c\n    from: b\n  - name: a\n  - name: d\n    from: nowhere\n    colour: red\n"
        );
        let (_, errors) = load(&text);
        let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
        assert!(codes.contains(&"P001"), "{codes:?}");
        assert!(codes.contains(&"P002"), "{codes:?}");
        assert!(codes.contains(&"P003"), "{codes:?}");
        assert!(codes.contains(&"P004"), "{codes:?}");
        let unknown = errors.iter().find(|e| e.code == "P003").unwrap();
        assert_eq!(&text[unknown.span.unwrap().range()], "nowhere");
        assert_eq!(errors.iter().filter(|e| e.code == "P004").count(), 1);
    }

    /// The JSON Schema shipped for editors must describe exactly what the decoder accepts.
    #[test]
    fn json_schema_matches_the_decoder() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../schemas/baton.schema.json")).unwrap();
        let keys = |v: &serde_json::Value| -> Vec<String> {
            let mut k: Vec<String> = v["properties"].as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        let sorted = |f: &[&str]| {
            let mut v: Vec<String> = f.iter().map(|s| (*s).to_string()).collect();
            v.sort();
            v
        };
        assert_eq!(keys(&schema), sorted(TOP_FIELDS));
        assert_eq!(keys(&schema["properties"]["spec"]), sorted(SPEC_FIELDS));
        assert_eq!(keys(&schema["definitions"]["environment"]), sorted(ENVIRONMENT_FIELDS));
        assert_eq!(keys(&schema["definitions"]["gates"]), sorted(crate::gates::config::FIELDS));
        assert_eq!(
            keys(&schema["definitions"]["previews"]),
            sorted(super::super::previews::FIELDS)
        );
        assert_eq!(
            keys(&schema["definitions"]["previewSettings"]),
            sorted(super::super::previews::APP_FIELDS)
        );
        assert_eq!(schema["properties"]["apiVersion"]["const"], API_VERSION);
        assert_eq!(schema["properties"]["kind"]["const"], KIND);
    }

    #[test]
    fn requires_type_meta() {
        let (_, errors) = load("spec: {apps: [x]}\n");
        assert!(errors.iter().any(|e| e.message.contains("apiVersion")));
    }
}
