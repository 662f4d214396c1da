//! Loading a kustomization tree: resources, bases, components, in kustomize's order.
//!
//! This is kustomize's `KustTarget` accumulation: a directory's kustomization is decoded, its
//! `resources` are read (files, or directories holding another kustomization, built first
//! and merged in), then generators run, then `components` act on everything gathered so far,
//! then the transformers run. Load restrictions are kustomize's defaults: files a
//! kustomization reads must lie in or below its directory; other kustomizations may be
//! anywhere in the repository but never an ancestor of one being built (that is a cycle).
//! Like kustomize, the first error ends the build; unlike it, the error is a diagnostic that
//! points at the entry that caused it. What Baton refuses to do offline (a remote base, a
//! Helm chart, an external plugin) does not end it: each is reported and the build goes on
//! looking for the others (without transforming, so nothing else echoes a refusal), so a user
//! sees the whole list at once.
//!
//! The `openapi` field is kustomize's one piece of global state: every kustomization's
//! `openapi` is offered, in build order, to the render's [`Session`](super::patch::schema::Session), which decides which one
//! wins and what the strategic merges of the rest of the build see; the builder tells it
//! about every resource type it registers and every merge (see `patch::schema::session`).

use std::sync::Arc;

use super::context::{
    Accumulator, Builder, Built, Failed, is_remote, remote_diagnostic, unreadable_schema,
};
use super::kustomization::{self, KUSTOMIZATION_FILE_NAMES, Kustomization, Str};
use super::patch::schema::session::{BUILTIN_VERSION, SetError, TypeProblem};
use super::patch::schema::value::Invalid;
use super::patch::schema::{swagger, value};
use super::resource::Resource;
use super::{generate, plugin, transform};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::source::Raw;
use crate::tree::{self, Resolved};
use crate::yaml::{Body, Node};

impl Builder<'_, '_> {
    /// Finds and decodes the kustomization file of `dir`.
    pub fn load_kustomization(
        &mut self,
        dir: &str,
        referrer: Option<(&str, Span)>,
    ) -> Built<Arc<Kustomization>> {
        if self.chain.is_empty()
            && let Some(k) = self.top.take()
        {
            self.report_deprecated(&k);
            self.refuse_unsupported(&k, &["buildMetadata"]);
            self.kustomizations.push(k.clone());
            return Ok(k);
        }
        // kustomize loads each name through the load restriction and ignores the failures: a
        // name that is a link to a file outside `dir` is not a kustomization here.
        let mut found = Vec::new();
        for name in KUSTOMIZATION_FILE_NAMES {
            if let Ok(Resolved::File(real)) = self.source.resolve(&join_file(dir, name))
                && tree::is_within(tree::parent(&real), dir)
            {
                found.push(real);
            }
        }
        let at = |d: Diagnostic| match referrer {
            Some((file, span)) => d.at(file, span),
            None => d,
        };
        let path = match found.len() {
            0 => {
                let shown = if dir.is_empty() { "." } else { dir };
                return self.fail(at(Diagnostic::new(
                    Code::KustomizationMissing,
                    format!(
                        "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{shown}'"
                    ),
                )));
            }
            1 => found.remove(0),
            _ => {
                let shown = if dir.is_empty() { "." } else { dir };
                return self.fail(
                    Diagnostic::new(
                        Code::MultipleKustomizations,
                        format!("found multiple kustomization files under '{shown}'"),
                    )
                    .in_file(found[1].clone())
                    .with_related(
                        found[0].clone(),
                        None,
                        "also a kustomization file",
                    ),
                );
            }
        };
        let parsed = match self.source.parse(&path, referrer) {
            Ok(parsed) => parsed,
            Err(d) => return self.fail(*d),
        };
        if parsed.has_errors() {
            self.diagnostics.extend(parsed.diagnostics.iter().cloned());
            return Err(Failed);
        }
        let file: Arc<str> = Arc::from(path.as_str());
        let Some(document) = parsed.documents.iter().find(|d| !d.is_empty()) else {
            return self.fail(
                Diagnostic::new(Code::KustomizationInvalid, "kustomization.yaml is empty")
                    .in_file(path),
            );
        };
        match kustomization::decode(&file, &document.root) {
            Ok(k) => {
                let k = Arc::new(k);
                self.report_deprecated(&k);
                self.refuse_unsupported(&k, &["buildMetadata"]);
                self.kustomizations.push(k.clone());
                Ok(k)
            }
            Err(errors) => {
                self.diagnostics.extend(errors);
                Err(Failed)
            }
        }
    }

    /// kustomize's deprecation warnings, once per kustomization file however often the build
    /// loads it.
    fn report_deprecated(&mut self, k: &Kustomization) {
        if k.deprecated.is_empty() || self.kustomizations.iter().any(|seen| seen.file == k.file) {
            return;
        }
        for (field, origin) in &k.deprecated {
            let (name, replacement) = field.names();
            self.diagnostics.push(
                Diagnostic::new(
                    Code::DeprecatedField,
                    format!("'{name}' is deprecated. Please use '{replacement}' instead."),
                )
                .at(&k.file, origin.span)
                .with_help(field.help()),
            );
        }
    }

    /// Refuses the fields among `fields` that `k` sets, each with why Baton cannot honour it.
    /// The build goes on, to find every other refusal.
    fn refuse_unsupported(&mut self, k: &Kustomization, fields: &[&str]) {
        for (field, origin) in k.unsupported.iter().filter(|(f, _)| fields.contains(f)) {
            let why = match *field {
                "helmCharts" | "helmChartInflationGenerator" => {
                    "Helm charts are pulled and inflated by the helm binary; Baton renders offline and runs no programs"
                }
                "validators" => {
                    "validators are plugins (exec, KRM functions, containers), which Baton does not run; render with kustomize to use them"
                }
                _ => "build metadata annotations are not supported",
            };
            self.refuse(
                Diagnostic::new(
                    Code::UnsupportedField,
                    format!("'{field}' is not supported: {why}"),
                )
                .at(&k.file, origin.span),
            );
        }
    }

    /// Builds the kustomization in `dir` from scratch (kustomize's `AccumulateTarget`).
    pub fn accumulate_dir(
        &mut self,
        dir: &str,
        referrer: Option<(&str, Span)>,
    ) -> Built<(Arc<Kustomization>, Accumulator)> {
        let k = self.load_kustomization(dir, referrer)?;
        self.set_openapi(dir, &k, true)?;
        self.chain.push(dir.to_string());
        let result = self.accumulate_target(dir, &k, Accumulator::new());
        self.chain.pop();
        let acc = result?;
        // kustomize computes every resource's id again at the end (name references, sorting).
        self.register_types(acc.resources.iter())?;
        Ok((k, acc))
    }

    /// kustomize's `openapi.SetSchema` for a kustomization about to be built (`top`: the one
    /// the build was asked for, which resets the schema). The schema file is read even when
    /// another kustomization's setting wins, as kustomize reads it, but parsed only if used.
    fn set_openapi(&mut self, dir: &str, k: &Kustomization, top: bool) -> Built<()> {
        let Some(field) = &k.openapi else { return Ok(()) };
        let custom = match &field.path {
            Some(entry) => {
                let path = self.resolve_file(dir, k, entry)?;
                let content = match self.source.raw(&path, Some((k.file.as_str(), entry.span()))) {
                    Ok(Raw::Text(text)) => Ok(text),
                    Ok(Raw::Bytes(_)) => {
                        Err(Invalid::new("the file is not UTF-8 text", Span::empty(0)))
                    }
                    Err(d) => return self.fail(*d),
                };
                let file: Arc<str> = Arc::from(path.as_str());
                let read = {
                    let file = file.clone();
                    move || swagger::decode(&file, &value::read(&file, &content?)?)
                };
                Some((file, entry.origin.clone(), read))
            }
            None => None,
        };
        let version = field.version.as_ref().map(Str::as_str);
        self.openapi.set(version, custom, top).or_else(|e| {
            let span = field.version.as_ref().map_or(field.origin.span, Str::span);
            let d = Diagnostic::new(Code::OpenApiInvalid, e.to_string()).at(&k.file, span);
            let d = match e {
                SetError::UnknownVersion => d.with_help(format!(
                    "kustomize v5.8.1 has one built-in schema, version {BUILTIN_VERSION}"
                )),
                SetError::Both => d.with_help("keep either `path` or `version`"),
            };
            self.fail(d)
        })
    }

    /// Tells the `OpenAPI` session about resource types kustomize computes ids for (which may
    /// be where it first parses a custom schema).
    fn register_types<'r>(&mut self, resources: impl Iterator<Item = &'r Resource>) -> Built<()> {
        if !self.openapi.wants_types() {
            return Ok(());
        }
        for r in resources {
            match self.openapi.saw_type(r.api_version(), r.kind()) {
                Ok(()) => {}
                Err(TypeProblem::Unreadable(unreadable)) => {
                    let why =
                        format!("when it first registered a {} ({})", r.kind(), r.api_version());
                    return self.fail(unreadable_schema(&unreadable, &why));
                }
                Err(TypeProblem::ClusterScoped { schema, path }) => {
                    return self.fail(
                        Diagnostic::new(
                            Code::OpenApiScopeUnsupported,
                            format!(
                                "the custom OpenAPI schema '{schema}' makes {} ({}) cluster-scoped; Baton does not apply scopes from custom schemas",
                                r.kind(),
                                r.api_version()
                            ),
                        )
                        .at(r.source.to_string(), r.node.origin.span)
                        .with_related(schema.to_string(), Some(path), "this GET path without namespaces/{namespace} declares it")
                        .with_help("kustomize would treat it as cluster-scoped (no namespace); render this with kustomize, or drop that path from the schema"),
                    );
                }
            }
        }
        Ok(())
    }

    fn accumulate_target(
        &mut self,
        dir: &str,
        k: &Arc<Kustomization>,
        mut acc: Accumulator,
    ) -> Built<Accumulator> {
        for entry in &k.resources {
            // kustomize stops at its first error; Baton goes on through the other resources,
            // so an overlay's missing and invalid files are all reported, and (as after a
            // refusal) builds nothing further that would only echo them.
            if self.accumulate_resource(dir, k, entry, &mut acc).is_err() {
                self.refused = true;
            }
        }
        for entry in &k.configurations {
            self.merge_field_specs(dir, k, entry, &mut acc, false)?;
        }
        for entry in &k.crds {
            self.merge_field_specs(dir, k, entry, &mut acc, true)?;
        }
        // Once something was refused, the build only looks for further refusals: running
        // generators and transformers on an incomplete set would report echoes of the first.
        if !self.refused {
            generate::run(self, dir, k, &mut acc)?;
        }
        self.refuse_unsupported(k, &["helmCharts", "helmChartInflationGenerator"]);
        let generators = self.plugin_configs(dir, k, &k.generators)?;
        plugin::generate(self, dir, &mut acc, &generators)?;
        for entry in &k.components {
            acc = self.accumulate_component(dir, k, entry, acc)?;
        }
        if !self.refused {
            transform::run(self, dir, k, &mut acc)?;
        }
        let transformers = self.plugin_configs(dir, k, &k.transformers)?;
        plugin::transform(self, dir, &mut acc, &transformers)?;
        self.refuse_unsupported(k, &["validators"]);
        if !self.refused {
            transform::vars::merge(self, k, &mut acc)?;
        }
        Ok(acc)
    }

    /// The configurations of `generators:` or `transformers:` entries, as kustomize gathers
    /// them (`configureExternalTransformers`): first every entry written inline, then the
    /// others, each a file of configurations or a directory whose kustomization builds them.
    fn plugin_configs(
        &mut self,
        dir: &str,
        k: &Kustomization,
        entries: &[Str],
    ) -> Built<Vec<Resource>> {
        let mut acc = Accumulator::new();
        let mut paths = Vec::new();
        for entry in entries {
            let Some(documents) = transform::patches::inline(self, &k.file, entry) else {
                paths.push(entry);
                continue;
            };
            let file: Arc<str> = Arc::from(entry.origin.file.as_deref().unwrap_or(&k.file));
            let mut configs = Vec::new();
            for node in documents {
                self.validate_object(&file, &node)?;
                configs.push(Resource::new(node, file.clone()));
            }
            self.append_all(&mut acc, configs, k, entry)?;
        }
        for entry in paths {
            self.accumulate_resource(dir, k, entry, &mut acc)?;
        }
        Ok(acc.resources)
    }

    /// A `resources` entry: a file of resources, else a directory with a kustomization.
    fn accumulate_resource(
        &mut self,
        dir: &str,
        k: &Kustomization,
        entry: &Str,
        acc: &mut Accumulator,
    ) -> Built<()> {
        let referrer = (k.file.as_str(), entry.span());
        if is_remote(&entry.value) {
            self.refuse(remote_diagnostic(&k.file, entry));
            return Ok(());
        }
        let (path, found) = self.follow(dir, k, entry)?;
        let real_dir = match found {
            Some(Resolved::File(real)) => {
                let real = self.restrict(dir, k, entry, &path, real)?;
                let resources = self.read_resources(&real, Some(referrer))?;
                return self.append_all(acc, resources, k, entry);
            }
            Some(Resolved::Dir(real)) => real,
            None => {
                return self.fail(
                    Diagnostic::new(
                        Code::ResourceNotFound,
                        format!("resource '{}' not found: no such file or directory", entry.value),
                    )
                    .at(&k.file, entry.span())
                    .with_help(format!("looked for '{path}'")),
                );
            }
        };
        let sub = self.accumulate_subdirectory(&real_dir, k, entry, false, None)?;
        self.append_all(acc, sub.resources, k, entry)?;
        // A sub-build that only has the built-in configuration adds nothing (every
        // accumulator starts from it), so the merge is skipped.
        if sub.custom_config {
            acc.merge_config(&sub.config).map_err(|e| {
                self.diagnostics.push(
                    Diagnostic::new(Code::TransformerInvalid, e.to_string())
                        .at(&k.file, entry.span()),
                );
                Failed
            })?;
        }
        for var in sub.vars {
            if let Some(existing) = acc.vars.iter().find(|v| v.var.name.value == var.var.name.value)
            {
                let first = existing.file.clone();
                return self.fail(
                    Diagnostic::new(
                        Code::ReplacementInvalid,
                        format!("var '{}' already encountered", var.var.name.value),
                    )
                    .at(var.file.clone(), var.var.name.span())
                    .with_related(first, None, "also declared here"),
                );
            }
            acc.vars.push(var);
        }
        Ok(())
    }

    fn accumulate_component(
        &mut self,
        dir: &str,
        k: &Kustomization,
        entry: &Str,
        acc: Accumulator,
    ) -> Built<Accumulator> {
        if is_remote(&entry.value) {
            self.refuse(remote_diagnostic(&k.file, entry));
            return Ok(acc);
        }
        let Some(Resolved::Dir(path)) = self.follow(dir, k, entry)?.1 else {
            return self.fail(
                Diagnostic::new(
                    Code::ResourceNotFound,
                    format!("component '{}' is not a directory", entry.value),
                )
                .at(&k.file, entry.span()),
            );
        };
        self.accumulate_subdirectory(&path, k, entry, true, Some(acc))
    }

    /// Builds another kustomization directory, checking for cycles and the kind it must be.
    fn accumulate_subdirectory(
        &mut self,
        path: &str,
        k: &Kustomization,
        entry: &Str,
        component: bool,
        parent: Option<Accumulator>,
    ) -> Built<Accumulator> {
        let referrer = (k.file.as_str(), entry.span());
        if let Some(visited) = self.chain.iter().find(|root| tree::is_within(root, path)) {
            let visited = visited.clone();
            let shown = |d: &str| if d.is_empty() { ".".to_string() } else { d.to_string() };
            return self.fail(
                Diagnostic::new(
                    Code::KustomizationCycle,
                    format!(
                        "cycle detected: '{}' contains '{}', which is being built",
                        shown(path),
                        shown(&visited)
                    ),
                )
                .at(&k.file, entry.span())
                .with_help(format!(
                    "kustomizations being built: {}",
                    self.chain.iter().map(|d| shown(d)).collect::<Vec<_>>().join(" → ")
                )),
            );
        }
        let sub = self.load_kustomization(path, Some(referrer))?;
        self.set_openapi(path, &sub, false)?;
        if component && !sub.is_component() {
            let kind = sub.kind.as_ref().map_or("Kustomization", |k| k.as_str());
            return self.fail(
                Diagnostic::new(
                    Code::KustomizationInvalid,
                    format!("expected kind 'Component' for path '{path}' but got '{kind}'"),
                )
                .at(&k.file, entry.span()),
            );
        }
        if !component && sub.is_component() {
            return self.fail(
                Diagnostic::new(
                    Code::KustomizationInvalid,
                    format!("expected kind != 'Component' for path '{path}'"),
                )
                .at(&k.file, entry.span())
                .with_help("list components under `components:`, not `resources:`"),
            );
        }
        self.chain.push(path.to_string());
        let result = match parent {
            Some(acc) => self.accumulate_target(path, &sub, acc),
            None => self.accumulate_target(path, &sub, Accumulator::new()),
        };
        self.chain.pop();
        result
    }

    /// Fails on a YAML directive in a file kustomize reads document by document (resources,
    /// patches): see [`crate::yaml::parse::first_directive`].
    pub fn refuse_directive(&mut self, path: &str, referrer: Option<(&str, Span)>) -> Built<()> {
        let Ok(text) = self.source.text(path, referrer) else { return Ok(()) };
        match crate::yaml::parse::first_directive(&text) {
            None => Ok(()),
            Some(span) => self.fail(
                Diagnostic::new(
                    Code::YamlSyntax,
                    "did not find expected <document start>: kustomize splits this file into \
                     documents at `---` lines before reading them, so a YAML directive is a \
                     document of its own",
                )
                .at(path, span)
                .with_help("remove the directive line (and its `---` if nothing precedes it)"),
            ),
        }
    }

    /// Reads the resources of a YAML file: documents (empty ones skipped), with `List`
    /// kinds expanded after the file's other resources, as kustomize does.
    pub fn read_resources(
        &mut self,
        path: &str,
        referrer: Option<(&str, Span)>,
    ) -> Built<Vec<Resource>> {
        let parsed = match self.source.parse(path, referrer) {
            Ok(parsed) => parsed,
            Err(d) => return self.fail(*d),
        };
        if parsed.has_errors() {
            self.diagnostics.extend(parsed.diagnostics.iter().cloned());
            return Err(Failed);
        }
        self.refuse_directive(path, referrer)?;
        let file: Arc<str> = Arc::from(path);
        let mut nodes: std::collections::VecDeque<Node> = parsed
            .documents
            .iter()
            .filter(|d| !is_nil_or_empty(&d.root))
            .map(|d| d.root.clone())
            .collect();
        for node in &mut nodes {
            if let Err(e) = crate::yaml::merge::resolve_merge_keys(node) {
                let file = e.origin.file.as_deref().unwrap_or(path).to_string();
                return self.fail(
                    Diagnostic::new(Code::ResourceInvalid, e.message).at(file, e.origin.span),
                );
            }
        }
        let mut out = Vec::new();
        while let Some(node) = nodes.pop_front() {
            self.validate_object(path, &node)?;
            let kind = node.get("kind").and_then(Node::scalar).unwrap_or_default();
            if kind.ends_with("List")
                && let Some(items) = node.get("items")
            {
                match &items.body {
                    Body::Seq(items) => {
                        for item in items.iter().filter(|i| !is_nil_or_empty(i)) {
                            nodes.push_back(item.clone());
                        }
                    }
                    _ if items.is_null() => {}
                    _ => {
                        return self.fail(
                            Diagnostic::new(
                                Code::ResourceInvalid,
                                format!("expected array in {kind}/items"),
                            )
                            .at(path, items.origin.span),
                        );
                    }
                }
                continue;
            }
            out.push(Resource::new(node, file.clone()));
        }
        Ok(out)
    }

    /// kustomize's checks on a loaded object: a mapping with a kind, a name (unless it is a
    /// list), and string maps for labels and annotations.
    fn validate_object(&mut self, path: &str, node: &Node) -> Built<()> {
        if !node.is_map() {
            return self.fail(
                Diagnostic::new(
                    Code::ResourceInvalid,
                    "a resource must be a YAML mapping (an object)",
                )
                .at(path, node.origin.span),
            );
        }
        let kind = node.get("kind").and_then(Node::scalar).unwrap_or_default();
        if kind.is_empty() {
            return self.fail(
                Diagnostic::new(Code::ResourceInvalid, "missing kind in object")
                    .at(path, node.origin.span),
            );
        }
        let name = node.path(&["metadata", "name"]).and_then(Node::scalar).unwrap_or_default();
        if name.is_empty() && !kind.ends_with("List") {
            let span = node.get("metadata").map_or(node.origin.span, |m| m.origin.span);
            return self.fail(
                Diagnostic::new(Code::ResourceInvalid, "missing metadata.name in object")
                    .at(path, span),
            );
        }
        for field in ["labels", "annotations"] {
            if let Some(map) = node.path(&["metadata", field]) {
                let bad = match &map.body {
                    Body::Map(entries) => {
                        entries.iter().find(|(_, v)| !v.is_scalar()).map(|(_, v)| v.origin.span)
                    }
                    Body::Seq(_) => Some(map.origin.span),
                    Body::Scalar(_) => (!map.is_null()).then_some(map.origin.span),
                };
                if let Some(span) = bad {
                    return self.fail(
                        Diagnostic::new(
                            Code::ResourceInvalid,
                            format!("metadata.{field} must be a map of strings"),
                        )
                        .at(path, span),
                    );
                }
            }
        }
        Ok(())
    }

    fn append_all(
        &mut self,
        acc: &mut Accumulator,
        resources: Vec<Resource>,
        k: &Kustomization,
        entry: &Str,
    ) -> Built<()> {
        // Each `Append` computes the new resource's id and compares it with every id already there.
        if !resources.is_empty() {
            self.register_types(resources.iter().chain(acc.resources.iter()))?;
        }
        for resource in resources {
            let id = resource.id();
            if let Some(existing) = acc.resources.iter().find(|r| r.id().same_as(&id)) {
                let existing_source = existing.source.to_string();
                return self.fail(
                    Diagnostic::new(
                        Code::DuplicateResource,
                        format!(
                            "may not add resource with an already registered id: {}",
                            id.display()
                        ),
                    )
                    .at(&k.file, entry.span())
                    .with_related(
                        resource.source.to_string(),
                        Some(resource.node.origin.span),
                        "this resource",
                    )
                    .with_related(
                        existing_source,
                        None,
                        "was already added from here",
                    ),
                );
            }
            acc.resources.push(resource);
        }
        Ok(())
    }

    /// Merges the field specs of a `configurations` file or (`crd`) a CRD file.
    fn merge_field_specs(
        &mut self,
        dir: &str,
        k: &Kustomization,
        entry: &Str,
        acc: &mut Accumulator,
        crd: bool,
    ) -> Built<()> {
        let path = self.resolve_file(dir, k, entry)?;
        let config = if crd {
            transform::config_file::from_crd(self, &path)?
        } else {
            transform::config_file::read(self, &path)?
        };
        acc.merge_config(&config).map_err(|e| {
            self.diagnostics.push(
                Diagnostic::new(Code::TransformerInvalid, e.to_string()).at(&k.file, entry.span()),
            );
            Failed
        })
    }
}

/// `dir/name`, or `name` at the root.
#[must_use]
pub fn join_file(dir: &str, name: &str) -> String {
    if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") }
}

/// kustomize's `IsNilOrEmpty`: null, or an empty mapping or sequence.
fn is_nil_or_empty(node: &Node) -> bool {
    match &node.body {
        Body::Map(e) => e.is_empty(),
        Body::Seq(s) => s.is_empty(),
        Body::Scalar(_) => node.is_null(),
    }
}

#[cfg(test)]
mod tests {
    mod openapi {
        use crate::Workspace;
        use crate::kustomize::Rendered;
        use crate::tree::FileTree;

        const WIDGET: &str = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  parts:\n  - name: a\n";
        const SCOPED: &str = r#"{"paths": {"/apis/example.com/v1/widgets/{name}": {"get":
            {"x-kubernetes-group-version-kind": {"group": "example.com", "version": "v1", "kind": "Widget"}}}}}"#;

        fn render(files: &[(&str, &[u8])], dir: &str) -> Rendered {
            let mut tree = FileTree::new();
            for (path, content) in files {
                match std::str::from_utf8(content) {
                    Ok(text) => tree.insert(path, text).expect("path"),
                    Err(_) => tree.insert_bytes(path, content.to_vec()).expect("path"),
                };
            }
            Workspace::new(tree).render(dir)
        }

        fn error(r: &Rendered) -> (&'static str, Option<&str>, String) {
            let d = r.diagnostics.iter().find(|d| d.is_error()).expect("an error");
            (d.code, d.file.as_deref(), d.message.clone())
        }

        #[test]
        fn version_errors_point_at_the_version() {
            let r = render(&[("k/kustomization.yaml", b"openapi:\n  version: v1.30.0\n")], "k");
            assert_eq!(error(&r).0, "K022");
            let d = r.diagnostics.iter().find(|d| d.is_error()).expect("error");
            assert_eq!(d.span.map(|s| (s.start, s.end)), Some((20, 27)));
            let r = render(
                &[
                    ("kustomization.yaml", b"openapi:\n  version: v1.21.2\n  path: s.json\n"),
                    ("s.json", b"{}"),
                ],
                "",
            );
            assert_eq!(
                error(&r),
                (
                    "K022",
                    Some("kustomization.yaml"),
                    "builtin version and custom schema provided, cannot use both".into()
                )
            );
        }

        #[test]
        fn an_unreadable_schema_fails_where_kustomize_reads_it() {
            let files: [(&str, &[u8]); 3] = [
                ("kustomization.yaml", b"openapi:\n  path: s.json\nresources:\n- w.yaml\n"),
                ("s.json", b"{\"definitions\": \xff}"),
                ("w.yaml", WIDGET.as_bytes()),
            ];
            let r = render(&files, "");
            assert_eq!(error(&r).0, "K022");
            assert!(r.yaml.is_empty());
            // Without a custom resource or a patch, kustomize never reads it.
            let files: [(&str, &[u8]); 3] = [
                ("kustomization.yaml", b"openapi:\n  path: s.json\nresources:\n- cm.yaml\n"),
                ("s.json", b"{\"definitions\": \xff}"),
                ("cm.yaml", b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"),
            ];
            assert!(render(&files, "").ok());
        }

        #[test]
        fn a_schema_that_scopes_a_custom_kind_is_refused() {
            let files: [(&str, &[u8]); 3] = [
                (
                    "kustomization.yaml",
                    b"namespace: prod\nopenapi:\n  path: s.json\nresources:\n- w.yaml\n",
                ),
                ("s.json", SCOPED.as_bytes()),
                ("w.yaml", WIDGET.as_bytes()),
            ];
            let r = render(&files, "");
            let (code, file, message) = error(&r);
            assert_eq!((code, file), ("K023", Some("w.yaml")));
            assert!(message.contains("makes Widget (example.com/v1) cluster-scoped"), "{message}");
        }
    }

    mod deprecated {
        use crate::Workspace;
        use crate::tree::FileTree;

        #[test]
        fn deprecated_fields_are_warnings_at_the_field_once_per_file() {
            let mut tree = FileTree::new();
            let files = [
                ("base/kustomization.yaml", "commonLabels:\n  app: web\nresources:\n- cm.yaml\n"),
                ("base/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"),
                ("a/kustomization.yaml", "namePrefix: a-\nresources:\n- ../base\n"),
                ("b/kustomization.yaml", "namePrefix: b-\nresources:\n- ../base\n"),
                (
                    "ov/kustomization.yaml",
                    "vars: []\nimageTags:\n- {name: x, newTag: \"1\"}\npatchesStrategicMerge:\nbases:\n- ../a\n- ../b\n",
                ),
            ];
            for (path, text) in files {
                tree.insert(path, text).unwrap();
            }
            let rendered = Workspace::new(tree).render("ov");
            assert!(rendered.ok(), "{:?}", rendered.diagnostics);
            // (`imageTags` names an image no resource runs: that is K050's, not asserted here.)
            let found: Vec<(&str, &str, String)> = rendered
                .diagnostics
                .iter()
                .filter(|d| d.code != "K050")
                .map(|d| (d.code, d.file.as_deref().unwrap_or(""), d.message.clone()))
                .collect();
            // What kustomize v5.8.1 warns about (once per load; here once per file), in the
            // order of their places; a null field (`patchesStrategicMerge:`) is Go's nil and
            // gets no warning.
            assert_eq!(
                found,
                [
                    (
                        "K016",
                        "base/kustomization.yaml",
                        "'commonLabels' is deprecated. Please use 'labels' instead.".into()
                    ),
                    (
                        "K016",
                        "ov/kustomization.yaml",
                        "'vars' is deprecated. Please use 'replacements' instead.".into()
                    ),
                    (
                        "K016",
                        "ov/kustomization.yaml",
                        "'imageTags' is deprecated. Please use 'images' instead.".into()
                    ),
                    (
                        "K016",
                        "ov/kustomization.yaml",
                        "'bases' is deprecated. Please use 'resources' instead.".into()
                    ),
                ]
            );
            let bases = rendered
                .diagnostics
                .iter()
                .find(|d| d.code == "K016" && d.message.starts_with("'bases'"))
                .expect("the 'bases' warning");
            assert_eq!(bases.severity, crate::Severity::Warning);
            assert_eq!(bases.span.map(|s| (s.start, s.end)), Some((68, 73)));
            assert!(bases.help.as_deref().unwrap_or("").contains("'resources'"));
        }
    }

    /// Symbolic links as kustomize v5.8.1 treats them (api/internal/loader/fileloader.go and
    /// loadrestrictions.go, kyaml/filesys/fsondisk.go `CleanedAbs` at tag kustomize/v5.8.1):
    /// every root and file is taken at its real path. The corpus has the oracle's outputs for
    /// the same shapes (`tests/conformance/cases/links-*`); these pin the diagnostics.
    mod links {
        use crate::Workspace;
        use crate::kustomize::Rendered;
        use crate::tree::FileTree;

        const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";

        pub(super) fn render(
            files: &[(&str, &str)],
            links: &[(&str, &str)],
            dir: &str,
        ) -> Rendered {
            let mut tree = FileTree::new();
            for (path, text) in files {
                tree.insert(path, *text).unwrap();
            }
            for (path, target) in links {
                tree.insert_link(path, target).unwrap();
            }
            Workspace::new(tree).render(dir)
        }

        fn errors(r: &Rendered) -> Vec<(&'static str, String)> {
            r.diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| (d.code, d.message.clone()))
                .collect()
        }

        #[test]
        fn a_file_is_checked_where_its_link_leads() {
            let r = render(
                &[("shared/cm.yaml", CM), ("app/kustomization.yaml", "resources:\n- cm.yaml\n")],
                &[("app/cm.yaml", "../shared/cm.yaml")],
                "app",
            );
            let found = errors(&r);
            assert_eq!(found[0].0, "K007", "{found:?}");
            let d = r.diagnostics.iter().find(|d| d.is_error()).unwrap();
            assert_eq!(d.related[0].file, "shared/cm.yaml");
            // Below the directory, the same link is read.
            let r = render(
                &[("app/sub/real.yaml", CM), ("app/kustomization.yaml", "resources:\n- cm.yaml\n")],
                &[("app/cm.yaml", "sub/real.yaml")],
                "app",
            );
            assert!(r.ok(), "{:?}", r.diagnostics);
            assert_eq!(r.resources[0].file, "app/sub/real.yaml", "provenance is the real file");
        }

        #[test]
        fn a_base_through_a_directory_link_is_built_where_it_leads() {
            let r = render(
                &[
                    ("shared/base/kustomization.yaml", "resources:\n- ../common\n"),
                    ("shared/common/kustomization.yaml", "resources:\n- cm.yaml\n"),
                    ("shared/common/cm.yaml", CM),
                    ("app/overlay/kustomization.yaml", "resources:\n- base\nnamePrefix: p-\n"),
                ],
                &[("app/overlay/base", "../../shared/base")],
                "app/overlay",
            );
            assert!(r.ok(), "{:?}", r.diagnostics);
            assert!(r.yaml.contains("name: p-a"));
            // Building the link itself builds its target.
            let r = render(
                &[
                    ("shared/common/kustomization.yaml", "resources:\n- cm.yaml\n"),
                    ("shared/common/cm.yaml", CM),
                ],
                &[("env", "shared/common")],
                "env",
            );
            assert!(r.ok(), "{:?}", r.diagnostics);
        }

        #[test]
        fn a_kustomization_file_linked_from_elsewhere_is_not_one() {
            let r = render(
                &[
                    ("a/kustomization.yaml", "resources:\n- cm.yaml\n"),
                    ("a/cm.yaml", CM),
                    ("b/cm.yaml", CM),
                ],
                &[("b/kustomization.yaml", "../a/kustomization.yaml")],
                "b",
            );
            assert_eq!(errors(&r)[0].0, "K001", "{:?}", r.diagnostics);
        }

        #[test]
        fn cycles_loops_and_links_out_of_the_repository() {
            let cycle = render(
                &[("app/kustomization.yaml", "resources:\n- again\n")],
                &[("app/again", ".")],
                "app",
            );
            assert_eq!(errors(&cycle)[0].0, "K004", "{:?}", cycle.diagnostics);
            let looped = render(
                &[("app/kustomization.yaml", "resources:\n- a/cm.yaml\n")],
                &[("app/a", "b"), ("app/b", "a")],
                "app",
            );
            let found = errors(&looped);
            assert_eq!(found[0].0, "T008", "{found:?}");
            assert!(found[0].1.contains("more than 255 symbolic links"), "{found:?}");
            let out = render(
                &[("app/kustomization.yaml", "resources:\n- ext\n")],
                &[("app/ext", "../../elsewhere")],
                "app",
            );
            assert_eq!(errors(&out)[0].0, "T005", "{:?}", out.diagnostics);
            let absolute = render(
                &[("app/kustomization.yaml", "resources:\n- ext/cm.yaml\n")],
                &[("app/ext", "/etc")],
                "app",
            );
            assert_eq!(errors(&absolute)[0].0, "T005", "{:?}", absolute.diagnostics);
            let dangling = render(
                &[("app/kustomization.yaml", "resources:\n- cm.yaml\n")],
                &[("app/cm.yaml", "gone.yaml")],
                "app",
            );
            assert_eq!(errors(&dangling)[0].0, "K003", "{:?}", dangling.diagnostics);
        }

        #[test]
        fn the_read_set_names_the_links_followed() {
            let mut tree = FileTree::new();
            tree.insert("shared/cm.yaml", CM).unwrap();
            tree.insert("shared/kustomization.yaml", "resources:\n- cm.yaml\n").unwrap();
            tree.insert_link("env", "shared").unwrap();
            let mut ws = Workspace::new(tree);
            assert!(ws.render("env").ok());
            let reads = ws.repo().consulted("env").clone();
            assert!(reads.touches("env"), "{reads:?}");
            assert!(reads.touches("shared/cm.yaml"), "{reads:?}");
        }
    }

    /// kustomize stops at its first error; Baton reports every resource that cannot be
    /// loaded (seen in fluxcd/flux2 `cmd/flux/testdata/diff-kustomization`: a template label
    /// and a missing file), and nothing that would only echo them.
    mod every_resource_problem {

        fn codes(files: &[(&str, &str)], dir: &str) -> Vec<(&'static str, Option<String>)> {
            let r = super::links::render(files, &[], dir);
            assert!(!r.ok() && r.yaml.is_empty(), "{:?}", r.diagnostics);
            r.diagnostics
                .iter()
                .filter(|d| d.is_error())
                .map(|d| (d.code, d.file.clone()))
                .collect()
        }

        #[test]
        fn an_invalid_resource_and_a_missing_one_are_both_reported() {
            let bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    x: {{ .ns }}\n";
            let found = codes(
                &[
                    (
                        "k/kustomization.yaml",
                        "resources:\n- bad.yaml\n- missing.yaml\n- base\npatches:\n- path: nowhere.yaml\n",
                    ),
                    ("k/bad.yaml", bad),
                    ("k/base/kustomization.yaml", "resources:\n- gone.yaml\n- ok.yaml\n"),
                    ("k/base/ok.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"),
                ],
                "k",
            );
            // (Diagnostics come sorted by file.)
            let want = [
                ("K010", Some("k/bad.yaml".to_string())),
                ("K003", Some("k/base/kustomization.yaml".to_string())),
                ("K003", Some("k/kustomization.yaml".to_string())),
            ];
            // The patch file is missing too, but patches are not applied to a partial set.
            assert_eq!(found, want);
        }

        #[test]
        fn one_problem_is_reported_once() {
            let found = codes(&[("k/kustomization.yaml", "resources:\n- missing.yaml\n")], "k");
            assert_eq!(found, [("K003", Some("k/kustomization.yaml".to_string()))]);
        }
    }
}
