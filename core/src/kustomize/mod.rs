//! Kustomize rendering, byte for byte as `kustomize build` v5.8.1 prints it.
//!
//! The pipeline is kustomize's: accumulate the kustomization tree ([`build`]), then at the
//! top level add generator name hashes, fix name references, resolve legacy vars, drop
//! local-config resources, sort, and print each resource through the go-yaml pipeline
//! ([`crate::yaml::emit`]). Rendering never stops at a panic or loops: every failure is a
//! diagnostic, and resource and output sizes are bounded.

pub mod build;
pub mod context;
pub mod fieldpath;
pub mod fieldspec;
pub mod finish;
pub mod generate;
pub mod kustomization;
pub mod nameref;
pub mod patch;
pub mod plugin;
pub mod resid;
pub mod resource;
pub mod select;
pub mod transform;

use std::sync::Arc;

use serde::Serialize;

use self::context::Builder;
use self::resource::Resource;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::source::{ReadSet, Source};

/// Largest rendered output, in bytes.
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024 * 1024;

/// Where a container's image value was set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageSource {
    pub file: String,
    pub span: Span,
}

/// One container image in a rendered resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderedImage {
    /// `containers` or `initContainers` (or another list name kustomize recognizes).
    pub list: String,
    pub container: String,
    pub image: String,
    pub source: Option<ImageSource>,
}

/// One rendered resource and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderedResource {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// The file the resource was read from, or the kustomization that generated it.
    pub file: String,
    /// Name and kind before prefixes, suffixes and hashes.
    pub original_name: String,
    pub images: Vec<RenderedImage>,
    /// This resource's YAML as printed.
    pub yaml: String,
    /// The resource as rendered, every value with the file and span that set it (not
    /// serialized: hosts get `yaml`; engine features read provenance from here).
    #[serde(skip)]
    pub node: Arc<crate::yaml::Node>,
}

/// The result of rendering one overlay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rendered {
    /// Whether the render succeeded (no error diagnostics).
    pub ok: bool,
    /// The full output (resources joined by `---`); empty when the render failed.
    pub yaml: String,
    pub resources: Vec<RenderedResource>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Rendered {
    #[must_use]
    pub fn ok(&self) -> bool {
        self.ok
    }
}

/// How a build differs from `kustomize build DIR` when a deployment controller runs it.
///
/// kustomize-controller and Argo CD's repo server both write a kustomization file in memory
/// (the user's, with the controller's overrides) and build that; Flux also builds with
/// `LoadRestrictionsNone`. Callers pass the kustomization they assembled as `top`: it stands
/// for the file of the top directory, which is then not read.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The top directory's kustomization, already decoded and overridden.
    pub top: Option<Arc<kustomization::Kustomization>>,
    /// Files may be loaded from anywhere in the repository (`LoadRestrictionsNone`).
    pub load_anywhere: bool,
}

/// Renders the kustomization in `dir`. Returns the result and the paths it consulted.
pub fn render(source: &mut Source, dir: &str) -> (Rendered, ReadSet) {
    render_with(source, dir, &BuildOptions::default())
}

/// [`render`] as a controller builds (see [`BuildOptions`]).
pub fn render_with(source: &mut Source, dir: &str, options: &BuildOptions) -> (Rendered, ReadSet) {
    let dir = match crate::tree::normalize(dir) {
        Ok(d) => d,
        Err(e) => {
            let d = Diagnostic::new(Code::PathEscapesRoot, e.to_string());
            return (
                Rendered { ok: false, diagnostics: vec![d], ..Rendered::default() },
                ReadSet::default(),
            );
        }
    };
    // kustomize builds at the directory's real path (`ConfirmDir` follows links): bases and
    // files are found from there. (A directory that leads nowhere has no kustomization.)
    let dir = match source.resolve(&dir) {
        Ok(crate::tree::Resolved::Dir(real)) => real,
        _ => dir,
    };
    let mut builder = Builder::new(source);
    builder.top.clone_from(&options.top);
    builder.load_anywhere = options.load_anywhere;
    let resources = builder.accumulate_dir(&dir, None).and_then(|(k, acc)| {
        if builder.refused {
            return Err(context::Failed);
        }
        finish::finish(&mut builder, &k, acc)
    });
    let mut diagnostics = std::mem::take(&mut builder.diagnostics);
    let mut rendered = match resources {
        Ok(resources) => print(resources, &mut diagnostics),
        Err(_) => Rendered::default(),
    };
    rendered.ok = !diagnostics.iter().any(Diagnostic::is_error);
    rendered.diagnostics = diagnostics;
    if !rendered.ok {
        rendered.yaml.clear();
        rendered.resources.clear();
    }
    let reads = std::mem::take(&mut source.reads);
    (rendered, reads)
}

/// Prints resources as kustomize does and records their provenance.
fn print(resources: Vec<Resource>, diagnostics: &mut Vec<Diagnostic>) -> Rendered {
    let mut out = Rendered::default();
    for r in resources {
        let yaml = match crate::yaml::emit::kustomize_yaml(&r.node) {
            Ok(yaml) => yaml,
            Err(e) => {
                let origin = e.origin().cloned().unwrap_or_default();
                let file =
                    origin.file.as_deref().map_or_else(|| r.source.to_string(), str::to_string);
                diagnostics.push(
                    Diagnostic::new(Code::YamlUnsupported, e.to_string()).at(file, origin.span),
                );
                continue;
            }
        };
        if out.yaml.len() + yaml.len() > MAX_OUTPUT_BYTES {
            diagnostics.push(Diagnostic::new(
                Code::RenderLimit,
                format!("rendered output exceeds {MAX_OUTPUT_BYTES} bytes; stopping"),
            ));
            break;
        }
        if !out.yaml.is_empty() {
            out.yaml.push_str("---\n");
        }
        out.yaml.push_str(&yaml);
        out.resources.push(describe(r, yaml));
    }
    out
}

fn describe(mut r: Resource, mut yaml: String) -> RenderedResource {
    // Kept as long as the render is cached: no spare capacity.
    r.node.shrink_to_fit();
    yaml.shrink_to_fit();
    let namespace = r.namespace();
    RenderedResource {
        api_version: r.api_version().to_string(),
        kind: r.kind().to_string(),
        name: r.name().to_string(),
        namespace: (!namespace.is_empty()).then(|| namespace.to_string()),
        file: r.source.to_string(),
        original_name: r.original_id().name,
        images: images_of(&r.node),
        yaml,
        node: Arc::new(r.node),
    }
}

/// Every `image` of every item in `containers`/`initContainers` lists, anywhere in the
/// object, with where its value was set.
#[must_use]
pub fn images_of(node: &crate::yaml::Node) -> Vec<RenderedImage> {
    use crate::yaml::{Body, Node};
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.body {
            Body::Map(entries) => {
                for (key, value) in entries {
                    if let (Some(list @ ("containers" | "initContainers")), Body::Seq(items)) =
                        (key.scalar(), &value.body)
                    {
                        for item in items {
                            if let Some(image) = item.get("image").filter(|i| i.is_scalar()) {
                                out.push(RenderedImage {
                                    list: list.to_string(),
                                    container: item
                                        .get("name")
                                        .and_then(Node::scalar)
                                        .unwrap_or_default()
                                        .to_string(),
                                    image: image.scalar().unwrap_or_default().to_string(),
                                    source: image.origin.file.as_ref().map(|f: &Arc<str>| {
                                        ImageSource { file: f.to_string(), span: image.origin.span }
                                    }),
                                });
                            }
                        }
                    }
                }
                stack.extend(entries.iter().rev().map(|(_, v)| v));
            }
            Body::Seq(items) => stack.extend(items.iter().rev()),
            Body::Scalar(_) => {}
        }
    }
    out
}
