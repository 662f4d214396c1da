//! `baton appsets`: every Argo CD ApplicationSet of the repository expanded, and each
//! generated Application's path checked.

use std::path::{Path, PathBuf};

use baton_core::Workspace;
use baton_core::appset::{Cluster, ExpandRequest, Expansion, PullRequest, SourceStatus};
use baton_core::yaml::json::Json;
use serde::de::DeserializeOwned;

use super::{Context, Exit, Outcome};
use crate::{disk, output};

/// Expand every ApplicationSet as Argo CD would, and check each Application's path
///
/// Generators run offline: clusters and pull requests come from --clusters and --pulls,
/// git directories and files from the repository. Each generated Application whose source is
/// this repository is checked: its path must exist, and a kustomization there must render.
/// Text prints one line per Application (name, destination, path, verdict) and the
/// diagnostics; `yaml` prints the Applications as manifests (diagnostics on standard error);
/// `json` gives the shapes of the JS API.
#[derive(Debug, clap::Args)]
#[command(after_help = super::DIAGNOSTIC_EXIT_CODES)]
pub struct Args {
    /// Argo CD's clusters: a JSON array of {name, server, project?, labels?, annotations?}
    /// (or {"clusters": [...]})
    #[arg(long, value_name = "FILE")]
    clusters: Option<PathBuf>,
    /// Open pull requests: a JSON array of {number, branch, targetBranch, headSha, labels?,
    /// title?, author?} (or {"pullRequests": [...]})
    #[arg(long, value_name = "FILE")]
    pulls: Option<PathBuf>,
    /// This repository's URL as Argo CD reads it (default: baton.yaml's spec.repository.url)
    #[arg(long, value_name = "URL")]
    repo_url: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Yaml,
    Json,
}

pub fn run(args: &Args, context: &Context) -> Outcome {
    let clusters = args
        .clusters
        .as_deref()
        .map(|path| read_list::<Cluster>(path, "--clusters", "clusters"))
        .transpose()?;
    let pull_requests = args
        .pulls
        .as_deref()
        .map(|path| read_list::<PullRequest>(path, "--pulls", "pullRequests"))
        .transpose()?;
    let mut repository = context.repository()?;
    let mut workspace = Workspace::new(std::mem::take(&mut repository.tree));
    let request = ExpandRequest { clusters, pull_requests, repo_url: args.repo_url.clone() };
    let mut expansion = workspace.expand_appsets(&request);
    // Generators list directories and files anywhere: every entry left out can change them.
    disk::report_skipped(repository.left_out(), &mut expansion.diagnostics, |_| true);
    let diagnostics: Vec<baton_core::Diagnostic> = expansion
        .diagnostics
        .iter()
        .chain(expansion.app_sets.iter().flat_map(|s| &s.diagnostics))
        .cloned()
        .collect();
    match args.format {
        Format::Json => context.terminal.out(&output::json(&expansion))?,
        Format::Text => {
            let palette = output::Palette::new(context.terminal.out_color);
            let mut text = table(&expansion);
            text.push_str(&output::diagnostics_text(&diagnostics, palette));
            context.terminal.out(&text)?;
        }
        Format::Yaml => {
            let palette = output::Palette::new(context.terminal.err_color);
            context.terminal.err(&output::diagnostics_text(&diagnostics, palette));
            context.terminal.out(&manifests(&expansion))?;
        }
    }
    Ok(Exit::for_diagnostics(&diagnostics))
}

/// Reads a JSON array of `T` (or `{"<key>": [...]}`); any problem names the flag and field.
fn read_list<T: DeserializeOwned>(path: &Path, flag: &str, key: &str) -> Result<Vec<T>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{flag} {}: cannot read: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{flag} {}: not JSON: {e}", path.display()))?;
    let list = match value {
        serde_json::Value::Object(mut object) if object.len() == 1 && object.contains_key(key) => {
            object.remove(key).unwrap_or_default()
        }
        other => other,
    };
    serde_path_to_error::deserialize(list).map_err(|e| {
        let at = e.path().to_string();
        let at = if at == "." { String::new() } else { format!("{at}: ") };
        format!(
            "{flag} {}: {at}{} (expected a JSON array, or {{\"{key}\": [...]}})",
            path.display(),
            e.into_inner()
        )
    })
}

/// One line per Application: name, destination, path, verdict.
fn table(expansion: &Expansion) -> String {
    let mut out = String::new();
    for set in &expansion.app_sets {
        let count = set.applications.len();
        out.push_str(&format!(
            "{} ({}): {count} Application{}\n",
            set.name,
            set.file,
            if count == 1 { "" } else { "s" }
        ));
        let rows: Vec<[String; 4]> = set
            .applications
            .iter()
            .map(|app| {
                let (server, name, namespace) = app.destination();
                let cluster = server.or(name).unwrap_or("-");
                let destination = match namespace {
                    Some(ns) => format!("{cluster} ns={ns}"),
                    None => cluster.to_owned(),
                };
                let (paths, verdicts): (Vec<String>, Vec<&str>) = app
                    .sources
                    .iter()
                    .map(|s| {
                        let path = s.path.clone().unwrap_or_else(|| s.repo_url.clone());
                        let verdict = match s.status {
                            SourceStatus::Renders => "renders",
                            SourceStatus::Fails => "does not render",
                            SourceStatus::Missing => "missing",
                            SourceStatus::Listed => "not rendered (Helm or plain directory)",
                            SourceStatus::External => "another repository",
                        };
                        (if path.is_empty() { ".".to_owned() } else { path }, verdict)
                    })
                    .unzip();
                [app.name().to_owned(), destination, paths.join(", "), verdicts.join(", ")]
            })
            .collect();
        let widths: Vec<usize> =
            (0..3).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
        for row in rows {
            out.push_str("  ");
            for (i, cell) in row.iter().enumerate() {
                out.push_str(cell);
                if i < 3 {
                    out.extend(std::iter::repeat_n(' ', widths[i] - cell.chars().count() + 2));
                }
            }
            while out.ends_with(' ') {
                out.pop();
            }
            out.push('\n');
        }
    }
    out
}

/// The Applications as YAML manifests, one document each.
fn manifests(expansion: &Expansion) -> String {
    let mut documents = Vec::new();
    for app in expansion.app_sets.iter().flat_map(|s| &s.applications) {
        let object = Json::Object(vec![
            ("apiVersion".into(), Json::String("argoproj.io/v1alpha1".into())),
            ("kind".into(), Json::String("Application".into())),
            ("metadata".into(), app.metadata.clone()),
            ("spec".into(), app.spec.clone()),
        ]);
        documents.push(baton_core::yaml::emit::to_yaml(&object));
    }
    documents.join("---\n")
}
