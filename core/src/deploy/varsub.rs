//! Flux's `postBuild` variable substitution over a render, as kustomize-controller runs it
//! (kustomize-controller 186fb3b `internal/controller/kustomization_controller.go` `build`;
//! fluxcd/pkg e2cfd1a `kustomize/kustomize_varsub.go` `SubstituteVariables`, `LoadVariables`,
//! `varSubstitution`).
//!
//! For each resource of the build, in order: skip it when its label or annotation
//! `kustomize.toolkit.fluxcd.io/substitute` is `disabled`; collect the variables
//! (`substituteFrom` `ConfigMaps` and `Secrets` in order, then `substitute`, line breaks removed);
//! when there are any (or `substituteStrategy: Always`), check every name against
//! `^[_[:alpha:]][_[:alpha:][:digit:]]*$`, run envsubst over the resource's YAML as kustomize
//! prints it (`res.AsYAML()`), read the result back with `sigs.k8s.io/yaml.YAMLToJSON`
//! (go-yaml v2: YAML 1.1 typing, so `${REPLICAS}` → `3` is a number and `${ON}` → `yes` a
//! boolean), and decode that JSON into the resource: every number becomes a `float64` there,
//! so integers beyond 2^53 lose precision exactly as in the cluster. The resource is printed
//! again as kustomize prints (`m.AsYaml()`).
//!
//! The `ConfigMaps` and `Secrets` are the cluster's in Flux; here they are the repository's own
//! YAML files (`v1` objects of that name in the Kustomization's namespace, or without one).

use std::sync::Arc;

use super::envsubst::{self, Budget, EvalError, Lookup, Problem};
use super::objects::{FluxKustomization, PostBuild};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::kustomize::{MAX_OUTPUT_BYTES, Rendered, RenderedResource, images_of};
use crate::source::Source;
use crate::tree::Content;
use crate::yaml::json::Json;
use crate::yaml::resolve::{Resolved, Schema, resolve};
use crate::yaml::{Body, Limits, Node, Origin};

/// The label or annotation that turns substitution off for one resource.
pub const SUBSTITUTE_KEY: &str = "kustomize.toolkit.fluxcd.io/substitute";

/// Steps of glob matching (`${v#pattern}`) a render may spend.
const MATCH_STEPS: u64 = 50_000_000;

/// One variable and where its value came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    pub name: String,
    pub value: String,
    /// `substitute`, `ConfigMap/<name>` or `Secret/<name>`.
    pub from: String,
    #[serde(skip)]
    pub origin: Origin,
}

struct Vars<'v>(&'v [Variable]);

impl Lookup for Vars<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|v| v.name == name).map(|v| v.value.as_str())
    }
}

/// `LoadVariables` then the inline `substitute` map: later definitions win (the list keeps
/// them all; lookups take the last).
pub(crate) fn load_variables(
    source: &mut Source,
    k: &FluxKustomization,
    post: &PostBuild,
    out: &mut Vec<Diagnostic>,
) -> Vec<Variable> {
    let mut vars = Vec::new();
    for reference in &post.substitute_from {
        let kind = reference.kind.as_str();
        if kind != "ConfigMap" && kind != "Secret" {
            continue;
        }
        let from = format!("{kind}/{}", reference.name);
        let Some((data, site)) = find_data(source, kind, &k.namespace, &reference.name) else {
            let (severity, why) = if reference.optional {
                (crate::Severity::Info, "it is optional, so Flux goes on without it")
            } else {
                (
                    crate::Severity::Warning,
                    "Flux fails the Kustomization unless the cluster has it from elsewhere",
                )
            };
            out.push(
                Diagnostic::new(
                    Code::SubstituteFromMissing,
                    format!(
                        "{kind} {}/{} is not in the repository; {why}",
                        k.namespace, reference.name
                    ),
                )
                .with_severity(severity)
                .at(file_of(&reference.origin, &k.site.file), reference.origin.span),
            );
            continue;
        };
        match data {
            Data::Values(values) => {
                for (name, value) in values {
                    vars.push(Variable {
                        name,
                        value: value.replace('\n', ""),
                        from: from.clone(),
                        origin: site.clone(),
                    });
                }
            }
            Data::Unknown(why) => out.push(
                Diagnostic::new(
                    Code::SubstituteValueUnknown,
                    format!("the values of {from} are unknown offline: {why}"),
                )
                .at(file_of(&reference.origin, &k.site.file), reference.origin.span)
                .with_related(
                    site.file.as_deref().unwrap_or_default(),
                    Some(site.span),
                    "the Secret",
                ),
            ),
        }
    }
    for (name, value) in &post.substitute {
        vars.push(Variable {
            name: name.value.clone(),
            value: value.value.replace('\n', ""),
            from: "substitute".into(),
            origin: name.origin.clone(),
        });
    }
    vars
}

fn file_of(origin: &Origin, fallback: &str) -> String {
    origin.file.as_deref().unwrap_or(fallback).to_string()
}

enum Data {
    Values(Vec<(String, String)>),
    Unknown(&'static str),
}

/// The `data` of the `ConfigMap` or `Secret` `namespace/name` among the repository's files.
fn find_data(
    source: &mut Source,
    kind: &str,
    namespace: &str,
    name: &str,
) -> Option<(Data, Origin)> {
    let candidates: Vec<String> = source
        .tree
        .iter()
        .filter(|(path, content)| {
            matches!(content, Content::Text(text) if text.contains(kind) && text.contains(name))
                && is_yaml_name(path)
        })
        .map(|(path, _)| path.to_string())
        .collect();
    for path in candidates {
        let Ok(parsed) = source.parse(&path, None) else { continue };
        for document in &parsed.documents {
            let root = &document.root;
            if root.get_str("apiVersion") != Some("v1") || root.get_str("kind") != Some(kind) {
                continue;
            }
            let Some(meta) = root.get("metadata") else { continue };
            if meta.get_str("name") != Some(name) {
                continue;
            }
            if meta.get_str("namespace").is_some_and(|ns| ns != namespace) {
                continue;
            }
            let origin = meta.get("name").map_or_else(|| root.origin.clone(), |n| n.origin.clone());
            return Some((data_of(root, kind), origin));
        }
    }
    None
}

fn data_of(root: &Node, kind: &str) -> Data {
    let strings = |field: &str| -> Vec<(String, String)> {
        root.get(field)
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .filter_map(|(k, v)| Some((k.scalar()?.to_string(), v.scalar()?.to_string())))
            .collect()
    };
    if kind == "ConfigMap" {
        return Data::Values(strings("data"));
    }
    if root.get("sops").is_some() {
        return Data::Unknown("the Secret is encrypted with SOPS");
    }
    let mut values = Vec::new();
    for (key, encoded) in strings("data") {
        let Some(bytes) = crate::yaml::resolve::decode_base64(&encoded) else {
            return Data::Unknown("a data value is not base64");
        };
        values.push((key, String::from_utf8_lossy(&bytes).into_owned()));
    }
    // The API server merges `stringData` into `data`, `stringData` winning.
    for (key, value) in strings("stringData") {
        values.retain(|(k, _)| *k != key);
        values.push((key, value));
    }
    Data::Values(values)
}

/// Runs the substitution over `rendered` (see the module documentation). Problems are added
/// to `out`; a failure (Flux fails the whole Kustomization) clears the render.
pub(crate) fn substitute(
    rendered: &mut Rendered,
    vars: &[Variable],
    post: &PostBuild,
    site_file: &str,
    tree: &crate::tree::FileTree,
    out: &mut Vec<Diagnostic>,
) {
    if vars.is_empty() && !post.always {
        return;
    }
    let mut budget = Budget { output_bytes: MAX_OUTPUT_BYTES, steps: MATCH_STEPS };
    let mut failed = false;
    let mut checked_names = false;
    for resource in &mut rendered.resources {
        if is_disabled(&resource.node) {
            continue;
        }
        if !checked_names {
            checked_names = true;
            if !names_are_valid(vars, site_file, out) {
                failed = true;
                break;
            }
        }
        if substitute_one(resource, vars, &mut budget, tree, out).is_err() {
            failed = true;
            break;
        }
    }
    if failed {
        rendered.ok = false;
        rendered.yaml.clear();
        rendered.resources.clear();
        return;
    }
    rendered.yaml = join(&rendered.resources);
}

/// The whole output: resources joined as kustomize joins them.
pub(crate) fn join(resources: &[RenderedResource]) -> String {
    let mut yaml = String::new();
    for r in resources {
        if !yaml.is_empty() {
            yaml.push_str("---\n");
        }
        yaml.push_str(&r.yaml);
    }
    yaml
}

fn is_disabled(node: &Node) -> bool {
    ["labels", "annotations"].iter().any(|field| {
        node.path(&["metadata", field]).and_then(|m| m.get_str(SUBSTITUTE_KEY)) == Some("disabled")
    })
}

/// `varsubRegex`: `^[_[:alpha:]][_[:alpha:][:digit:]]*$` (ASCII classes).
fn is_valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b == b'_' || b.is_ascii_alphabetic())
        && bytes.all(|b| b == b'_' || b.is_ascii_alphanumeric())
}

fn names_are_valid(vars: &[Variable], site_file: &str, out: &mut Vec<Diagnostic>) -> bool {
    let mut ok = true;
    for var in vars.iter().filter(|v| !is_valid_name(&v.name)) {
        ok = false;
        out.push(
            Diagnostic::new(
                Code::SubstituteNameInvalid,
                format!(
                    "'{}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$' (from {})",
                    var.name, var.from
                ),
            )
            .at(file_of(&var.origin, site_file), var.origin.span),
        );
    }
    ok
}

fn substitute_one(
    resource: &mut RenderedResource,
    vars: &[Variable],
    budget: &mut Budget,
    tree: &crate::tree::FileTree,
    out: &mut Vec<Diagnostic>,
) -> Result<(), ()> {
    let label = format!("{}/{}", resource.kind, resource.name);
    let pieces = match envsubst::parse(&resource.yaml) {
        Ok(pieces) => pieces,
        Err(e) => {
            let (code, message) = match e.kind {
                Problem::Syntax => (
                    Code::SubstituteSyntax,
                    format!(
                        "post build failed for '{label}': envsubst error: variable substitution failed: {}",
                        e.message
                    ),
                ),
                Problem::TooDeep => (Code::SubstituteLimit, format!("in {label}: {}", e.message)),
                Problem::NonAscii => (
                    Code::DeploymentUnsupported,
                    format!(
                        "in {label}: {}; Baton does not classify it as Go's unicode tables do",
                        e.message
                    ),
                ),
            };
            let snippet = line_from(&resource.yaml, e.at);
            out.push(locate(Diagnostic::new(code, message), resource, snippet, tree));
            return Err(());
        }
    };
    let evaluated = match envsubst::eval(&pieces, &Vars(vars), budget) {
        Ok(evaluated) => evaluated,
        Err(EvalError::Limit) => {
            out.push(
                Diagnostic::new(
                    Code::SubstituteLimit,
                    format!("variable substitution in {label} expands beyond {MAX_OUTPUT_BYTES} bytes of output or its pattern-matching budget"),
                )
                .in_file(resource.file.clone()),
            );
            return Err(());
        }
        Err(EvalError::Panics(why)) => {
            out.push(
                Diagnostic::new(
                    Code::SubstituteSyntax,
                    format!("post build failed for '{label}': Flux's substitution panics on {why}"),
                )
                .in_file(resource.file.clone()),
            );
            return Err(());
        }
    };
    report_unset(&evaluated.unset, resource, tree, out);
    let Ok(text) = String::from_utf8(evaluated.text) else {
        out.push(
            Diagnostic::new(
                Code::SubstituteBreaksResource,
                format!("after variable substitution, {label} is not UTF-8 text"),
            )
            .in_file(resource.file.clone()),
        );
        return Err(());
    };
    match reread(&text) {
        Ok(json) => {
            let yaml = crate::yaml::emit::to_yaml(&json);
            replace(resource, yaml);
            Ok(())
        }
        Err(why) => {
            out.push(
                Diagnostic::new(
                    Code::SubstituteBreaksResource,
                    format!("post build failed for '{label}': after variable substitution {why}"),
                )
                .in_file(resource.file.clone()),
            );
            Err(())
        }
    }
}

/// A D008 for each substitution of an unset variable without a default, at the `${…}` in the
/// file that wrote it when it can be found there.
fn report_unset(
    unset: &[(String, Span)],
    resource: &RenderedResource,
    tree: &crate::tree::FileTree,
    out: &mut Vec<Diagnostic>,
) {
    for (name, span) in unset {
        let snippet = resource.yaml.get(span.range()).unwrap_or_default();
        let message = format!(
            "${{{name}}} in {}/{} has no value and no default: Flux substitutes an empty string (and fails under its StrictPostBuildSubstitutions feature gate)",
            resource.kind, resource.name
        );
        let d = locate(Diagnostic::new(Code::SubstituteVariableUnset, message), resource, snippet, tree)
            .with_help(format!(
                "define {name} in postBuild.substitute or a substituteFrom ConfigMap, or give it a default: ${{{name}:=value}}"
            ));
        if !out.contains(&d) {
            out.push(d);
        }
    }
}

/// The rest of the line of the printed resource from `at` (what a malformed `${` starts).
fn line_from(text: &str, at: usize) -> &str {
    let rest = text.get(at..).unwrap_or_default();
    rest.split('\n').next().unwrap_or_default()
}

/// Points `d` at `snippet` in the file that wrote it: the first scalar (key or value) of the
/// resource whose text holds it, and within that scalar's source bytes when they hold it
/// verbatim; else the resource's file.
fn locate(
    d: Diagnostic,
    resource: &RenderedResource,
    snippet: &str,
    tree: &crate::tree::FileTree,
) -> Diagnostic {
    let snippet = snippet.trim_end();
    if !snippet.is_empty() {
        let mut stack = vec![resource.node.as_ref()];
        while let Some(node) = stack.pop() {
            match &node.body {
                Body::Scalar(text) => {
                    if let Some(at) = find_in_scalar(node, text, snippet, tree) {
                        return d.at(at.0, at.1);
                    }
                }
                Body::Seq(items) => stack.extend(items.iter().rev()),
                Body::Map(entries) => {
                    for (k, v) in entries.iter().rev() {
                        stack.push(v);
                        stack.push(k);
                    }
                }
            }
        }
    }
    d.in_file(resource.file.clone())
}

/// Where `snippet` (up to its first `}`: a malformed `${` runs to the line's end) sits in the
/// file that wrote `node`: within the scalar's source bytes when they hold it verbatim, else
/// the whole scalar.
fn find_in_scalar(
    node: &Node,
    text: &str,
    snippet: &str,
    tree: &crate::tree::FileTree,
) -> Option<(String, Span)> {
    let file = node.origin.file.as_deref()?;
    let head = snippet.get(..snippet.find('}').map_or(snippet.len(), |i| i + 1))?;
    if !text.contains(head) {
        return None;
    }
    let span = node.origin.span;
    let text = tree.text(file);
    let written = text.as_deref().and_then(|t| t.get(span.range()));
    let span = match written.and_then(|w| w.find(head)) {
        Some(i) => {
            let start = span.start as usize + i;
            Span::new(start, start + head.len())
        }
        None => span,
    };
    Some((file.to_string(), span))
}

/// `YAMLToJSON` (go-yaml v2) then `json.Unmarshal` into `map[string]interface{}` (numbers as
/// `float64`), as the value kustomize prints next.
fn reread(text: &str) -> Result<Json, String> {
    let parsed = crate::yaml::parse(&Arc::from("substituted.yaml"), text, &Limits::default());
    if let Some(d) = parsed.diagnostics.iter().find(|d| d.is_error()) {
        return Err(format!("the YAML does not parse: {}", d.message));
    }
    let mut documents = parsed.documents.iter().filter(|d| !d.is_empty());
    let Some(document) = documents.next() else {
        return Err("the resource is empty".into());
    };
    let json = to_json(&document.root, 0)?;
    if !matches!(json, Json::Object(_)) {
        return Err(
            "it is not a mapping (json: cannot unmarshal into map[string]interface {})".into()
        );
    }
    Ok(json)
}

fn to_json(node: &Node, depth: usize) -> Result<Json, String> {
    if depth > crate::yaml::json::MAX_DEPTH {
        return Err("it nests too deeply".into());
    }
    match &node.body {
        Body::Seq(items) => items
            .iter()
            .map(|item| to_json(item, depth + 1))
            .collect::<Result<_, _>>()
            .map(Json::Array),
        Body::Map(entries) => {
            let mut out: Vec<(String, Json)> = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                let key = key_string(key)?;
                let value = to_json(value, depth + 1)?;
                // go-yaml v2 keeps the last of duplicate keys when decoding into a map.
                out.retain(|(k, _)| *k != key);
                out.push((key, value));
            }
            Ok(Json::Object(out))
        }
        Body::Scalar(text) => scalar_json(node, text),
    }
}

fn key_string(key: &Node) -> Result<String, String> {
    let Body::Scalar(text) = &key.body else {
        return Err("a mapping key is not a scalar".into());
    };
    match resolve(Schema::V2, key.tag.as_deref(), key.style, text) {
        Ok(Resolved::Int(i)) => Ok(i.to_string()),
        Ok(Resolved::Uint(u)) => Ok(u.to_string()),
        Ok(Resolved::Bool(b)) => Ok(b.to_string()),
        Ok(Resolved::Float(_) | Resolved::Null | Resolved::Merge | Resolved::Binary(_))
        | Err(_) => Err(format!("the mapping key {text:?} has no JSON form Baton reproduces")),
        Ok(_) => Ok(text.clone()),
    }
}

fn scalar_json(node: &Node, text: &str) -> Result<Json, String> {
    let resolved = resolve(Schema::V2, node.tag.as_deref(), node.style, text)
        .map_err(|e| format!("yaml: {e}"))?;
    Ok(match resolved {
        Resolved::Null => Json::Null,
        Resolved::Bool(b) => Json::Bool(b),
        // json.Unmarshal into interface{} makes every number a float64.
        #[allow(clippy::cast_precision_loss)]
        Resolved::Int(i) => number(i as f64)?,
        #[allow(clippy::cast_precision_loss)]
        Resolved::Uint(u) => number(u as f64)?,
        Resolved::Float(f) => number(f)?,
        Resolved::Binary(_) => {
            return Err("a !!binary value has no JSON form Baton reproduces".into());
        }
        Resolved::Str | Resolved::Timestamp | Resolved::Custom | Resolved::Merge => {
            Json::String(text.to_string())
        }
    })
}

/// A `float64` as the printer meets it (through `encoding/json`, then read back by go-yaml
/// v2): integral values below 1e21 come back as integers.
fn number(f: f64) -> Result<Json, String> {
    if !f.is_finite() {
        return Err(format!("json: unsupported value: {}", crate::float::format_g(f)));
    }
    #[allow(clippy::float_cmp)]
    if f.fract() == 0.0 && f.abs() < 1e21 {
        let text = crate::float::format_f(f);
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Json::Int(i));
        }
        if let Ok(u) = text.parse::<u64>() {
            return Ok(Json::Uint(u));
        }
    }
    Ok(Json::Float(f))
}

/// Puts the substituted YAML into the resource, and a node tree parsed from it whose values
/// keep the origins of the values they replaced (so a substituted image still points at the
/// file that wrote `${…}`).
pub(crate) fn replace(resource: &mut RenderedResource, yaml: String) {
    let parsed = crate::yaml::parse(&Arc::from(""), &yaml, &Limits::default());
    let Some(document) = parsed.documents.into_iter().next() else { return };
    let mut node = document.root;
    clear_origins(&mut node);
    carry_origins(&resource.node, &mut node);
    resource.api_version = node.get_str("apiVersion").unwrap_or_default().to_string();
    resource.kind = node.get_str("kind").unwrap_or_default().to_string();
    resource.name =
        node.path(&["metadata", "name"]).and_then(Node::scalar).unwrap_or_default().to_string();
    resource.namespace = node
        .path(&["metadata", "namespace"])
        .and_then(Node::scalar)
        .filter(|ns| !ns.is_empty())
        .map(str::to_string);
    resource.images = images_of(&node);
    resource.yaml = yaml;
    resource.node = Arc::new(node);
}

fn clear_origins(node: &mut Node) {
    node.origin = Origin::default();
    match &mut node.body {
        Body::Scalar(_) => {}
        Body::Seq(items) => items.iter_mut().for_each(clear_origins),
        Body::Map(entries) => {
            for (k, v) in entries {
                clear_origins(k);
                clear_origins(v);
            }
        }
    }
}

fn carry_origins(old: &Node, new: &mut Node) {
    new.origin = old.origin.clone();
    match (&old.body, &mut new.body) {
        (Body::Seq(a), Body::Seq(b)) => {
            for (o, n) in a.iter().zip(b.iter_mut()) {
                carry_origins(o, n);
            }
        }
        (Body::Map(a), Body::Map(b)) => {
            for (key, value) in b.iter_mut() {
                let Some(name) = key.scalar() else { continue };
                if let Some((ok, ov)) = a.iter().find(|(k, _)| k.scalar() == Some(name)) {
                    key.origin = ok.origin.clone();
                    carry_origins(ov, value);
                }
            }
        }
        _ => {}
    }
}

/// Flux reads `.yaml` and `.yml` files, extensions compared as written (case-sensitive).
#[allow(clippy::case_sensitive_file_extension_comparisons)]
pub(crate) fn is_yaml_name(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml")
}

#[cfg(test)]
mod tests;
