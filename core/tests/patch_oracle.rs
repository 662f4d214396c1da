//! Patch engine against real kustomize: every case under `tests/data/patch-oracle/` holds a
//! resource, a patch, and what `kustomize build` v5.8.1 printed for them (or its error), as
//! written by that directory's `regen.sh`.
//!
//! Output is compared as structure, not text (the printer is tested elsewhere): scalars by
//! the value kustomize's printer would give them (numbers as numbers, timestamps as their
//! RFC 3339 strings, annotation values as strings), mappings regardless of key order, and
//! sequences in order, which is where strategic merge is subtle.

// The test reads its fixtures from disk; the engine under test does no I/O.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use baton_core::kustomize::patch::{MergeOutcome, json6902, strategic};
use baton_core::yaml::resolve::{Resolved, Schema, parse_timestamp, resolve};
use baton_core::yaml::{Body, Limits, Node, parse};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/patch-oracle")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn documents(path: &Path) -> Vec<Node> {
    let file: Arc<str> = Arc::from(path.file_name().and_then(|n| n.to_str()).unwrap_or("doc.yaml"));
    let parsed = parse(&file, &read(path), &Limits::default());
    assert!(!parsed.has_errors(), "{}: {:?}", path.display(), parsed.diagnostics);
    parsed.documents.into_iter().filter(|d| !d.is_empty()).map(|d| d.root).collect()
}

fn text_at<'a>(node: &'a Node, path: &[&str]) -> &'a str {
    node.path(path).and_then(Node::scalar).unwrap_or_default()
}

/// The outcome of running our engine on one case: the resources left, or an error message.
fn run_case(dir: &Path) -> Result<Vec<Node>, String> {
    let mut resources = documents(&dir.join("resource.yaml"));
    let patch_docs = documents(&dir.join("patch.yaml"));
    match read(&dir.join("kind")).trim() {
        "smp" => {
            for patch in &patch_docs {
                if !patch.is_map() {
                    return Err("unable to parse SM or JSON patch".into());
                }
                let (kind, name) =
                    (text_at(patch, &["kind"]), text_at(patch, &["metadata", "name"]));
                let mut deleted = Vec::new();
                for (i, r) in resources.iter_mut().enumerate() {
                    if text_at(r, &["kind"]) != kind || text_at(r, &["metadata", "name"]) != name {
                        continue;
                    }
                    if apply_sm_patch(r, patch)? == MergeOutcome::Deleted {
                        deleted.push(i);
                    }
                }
                for i in deleted.into_iter().rev() {
                    resources.remove(i);
                }
            }
        }
        "json6902" => {
            let file: Arc<str> = Arc::from("patch.yaml");
            let doc = patch_docs.first().ok_or("empty patch")?;
            let ops = json6902::parse_ops(&file, doc).map_err(|e| e.to_string())?;
            let first = resources.first().ok_or("no resources")?.clone();
            let (kind, name) = (text_at(&first, &["kind"]), text_at(&first, &["metadata", "name"]));
            for r in &mut resources {
                if text_at(r, &["kind"]) == kind && text_at(r, &["metadata", "name"]) == name {
                    let previous = previous_id_annotations(r);
                    json6902::apply_to_resource(r, &ops, &previous).map_err(|e| e.to_string())?;
                }
            }
        }
        other => panic!("{}: unknown kind {other}", dir.display()),
    }
    Ok(resources)
}

/// What `Resource.StorePreviousId` writes before a JSON patch (for a resource seen once).
fn previous_id_annotations(r: &Node) -> Vec<(String, String)> {
    let cluster_scoped =
        matches!(text_at(r, &["kind"]), "Namespace" | "ClusterRole" | "ClusterRoleBinding");
    let namespace = match text_at(r, &["metadata", "namespace"]) {
        _ if cluster_scoped => "_non_namespaceable_",
        "" => "default",
        ns => ns,
    };
    [
        ("previousNames", text_at(r, &["metadata", "name"])),
        ("previousNamespaces", namespace),
        ("previousKinds", text_at(r, &["kind"])),
    ]
    .into_iter()
    .map(|(k, v)| (format!("internal.config.kubernetes.io/{k}"), v.to_string()))
    .collect()
}

/// `Resource.ApplySmPatch`: the merge, then the target's kind, name and namespace restored.
fn apply_sm_patch(r: &mut Node, patch: &Node) -> Result<MergeOutcome, String> {
    let kind = text_at(r, &["kind"]).to_string();
    let name = text_at(r, &["metadata", "name"]).to_string();
    let namespace = text_at(r, &["metadata", "namespace"]).to_string();
    let outcome = strategic::merge(r, patch).map_err(|e| e.to_string())?;
    if outcome == MergeOutcome::Merged {
        r.set("kind", Node::string(kind));
        if let Some(meta) = r.ensure_map(&["metadata"]) {
            meta.set("name", Node::string(name));
            if namespace.is_empty() {
                meta.remove("namespace");
            } else {
                meta.set("namespace", Node::string(namespace));
            }
        }
    }
    Ok(outcome)
}

/// What kustomize's printer makes of a value.
#[derive(Debug, PartialEq)]
enum Printed {
    Null,
    Bool(bool),
    Number(f64),
    Str(String),
    Seq(Vec<Printed>),
    Map(Vec<(String, Printed)>),
}

fn printed(node: &Node, as_strings: bool) -> Printed {
    match &node.body {
        Body::Scalar(s) if as_strings => Printed::Str(s.clone()),
        // Numbers compare as the float64 kustomize's JSON round trips can make of them.
        #[allow(clippy::cast_precision_loss)]
        Body::Scalar(s) => match resolve(Schema::V3, node.tag.as_deref(), node.style, s) {
            Ok(Resolved::Null) => Printed::Null,
            Ok(Resolved::Bool(b)) => Printed::Bool(b),
            Ok(Resolved::Int(i)) => Printed::Number(i as f64),
            Ok(Resolved::Uint(u)) => Printed::Number(u as f64),
            Ok(Resolved::Float(f)) => Printed::Number(f),
            Ok(Resolved::Timestamp) => {
                Printed::Str(parse_timestamp(s).map_or_else(|| s.clone(), |t| t.rfc3339()))
            }
            _ => Printed::Str(s.clone()),
        },
        Body::Seq(items) => Printed::Seq(items.iter().map(|i| printed(i, false)).collect()),
        Body::Map(entries) => {
            let mut out: Vec<(String, Printed)> = entries
                .iter()
                .map(|(k, v)| (k.scalar().unwrap_or_default().to_string(), printed(v, false)))
                .collect();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            Printed::Map(out)
        }
    }
}

/// A resource as printed: kustomize rewrites `metadata.annotations` as a map of strings.
fn printed_resource(node: &Node) -> Printed {
    let mut p = printed(node, false);
    if let (Printed::Map(entries), Some(annotations)) =
        (&mut p, node.path(&["metadata", "annotations"]))
        && let Some((_, Printed::Map(meta))) = entries.iter_mut().find(|(k, _)| k == "metadata")
        && let Some((_, slot)) = meta.iter_mut().find(|(k, _)| k == "annotations")
    {
        *slot = match &annotations.body {
            Body::Map(items) if items.is_empty() => Printed::Map(Vec::new()),
            Body::Map(items) => Printed::Map({
                let mut v: Vec<_> = items
                    .iter()
                    .map(|(k, v)| (k.scalar().unwrap_or_default().to_string(), printed(v, true)))
                    .collect();
                v.sort_by(|a, b| a.0.cmp(&b.0));
                v
            }),
            _ => printed(annotations, false),
        };
    }
    p
}

fn identity(node: &Node) -> (String, String) {
    (text_at(node, &["kind"]).to_string(), text_at(node, &["metadata", "name"]).to_string())
}

fn check_case(dir: &Path) -> Result<(), String> {
    let ours = run_case(dir);
    let error_file = dir.join("expected-error.txt");
    if error_file.exists() {
        let expected = read(&error_file);
        return match ours {
            Ok(_) => Err(format!("expected an error, got success; kustomize said: {expected}")),
            Err(_) if expected.contains("unable to parse SM or JSON patch") => Ok(()),
            Err(message) if expected.contains(&message) => Ok(()),
            Err(message) => {
                Err(format!("error differs:\n  ours:       {message}\n  kustomize:  {expected}"))
            }
        };
    }
    let ours = ours.map_err(|e| format!("unexpected error: {e}"))?;
    let expected = documents(&dir.join("expected.yaml"));
    let mut ours: Vec<_> = ours.iter().map(|n| (identity(n), printed_resource(n))).collect();
    let mut expected: Vec<_> =
        expected.iter().map(|n| (identity(n), printed_resource(n))).collect();
    ours.sort_by(|a, b| a.0.cmp(&b.0));
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    if ours != expected {
        return Err(format!("output differs:\n  ours:     {ours:?}\n  expected: {expected:?}"));
    }
    Ok(())
}

#[test]
fn patch_engine_matches_kustomize() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("cases dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("kind").exists())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 80, "only {} cases", dirs.len());
    let failures: Vec<String> = dirs
        .iter()
        .filter_map(|d| {
            check_case(d)
                .err()
                .map(|e| format!("{}: {e}", d.file_name().and_then(|n| n.to_str()).unwrap_or("?")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}
