//! Reading Flux's image automation objects from the repository's own files.
//!
//! Flux's controllers read these objects from the cluster, where kustomize-controller put
//! them from the repository; Baton reads the YAML files directly (raw, not rendered), as the
//! issue asks: every `.yaml`/`.yml` document whose `apiVersion` is
//! `image.toolkit.fluxcd.io/{v1beta1,v1beta2,v1}` and whose kind is `ImageRepository`,
//! `ImagePolicy` or `ImageUpdateAutomation`. Fields keep their file and span so validation
//! can point at the offending scalar. A field of the wrong type makes the object invalid, as
//! the API server would reject it; the object is then left out with an `F001` diagnostic.

use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::source::Source;
use crate::yaml::Node;

/// The API group of the image automation objects.
pub const GROUP: &str = "image.toolkit.fluxcd.io";

/// A value with the file and span it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub file: Arc<str>,
    pub span: Span,
}

/// Where an object was written: its file and the span of its `metadata.name` (or document).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectSite {
    pub file: Arc<str>,
    pub span: Span,
}

/// `ImageRepository`: the image whose tags the policies choose from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRepository {
    pub api_version: String,
    pub namespace: String,
    pub name: String,
    pub site: ObjectSite,
    /// `spec.image` as written (the `:name` setter's value).
    pub image: Option<Located<String>>,
    /// `spec.exclusionList`; empty means Flux's default `^.*\.sig$`.
    pub exclusion_list: Vec<Located<String>>,
}

/// The policy kind of an `ImagePolicy` (`spec.policy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyChoice {
    SemVer {
        range: Located<String>,
    },
    Alphabetical {
        order: Option<Located<String>>,
    },
    Numerical {
        order: Option<Located<String>>,
    },
    /// None of the three is set (Flux: "given `ImagePolicyChoice` object is invalid").
    Missing,
}

impl PolicyChoice {
    /// The kind as the result reports it.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            PolicyChoice::SemVer { .. } => "semver",
            PolicyChoice::Alphabetical { .. } => "alphabetical",
            PolicyChoice::Numerical { .. } => "numerical",
            PolicyChoice::Missing => "none",
        }
    }
}

/// `spec.filterTags`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFilter {
    pub pattern: Located<String>,
    pub extract: Located<String>,
}

/// `ImagePolicy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImagePolicy {
    pub api_version: String,
    pub namespace: String,
    pub name: String,
    pub site: ObjectSite,
    pub labels: Vec<(String, String)>,
    /// `spec.imageRepositoryRef`: name, and namespace (the policy's when empty).
    pub repository_name: Option<Located<String>>,
    pub repository_namespace: String,
    pub choice: PolicyChoice,
    /// `spec.policy` sets more than one kind (the first of semver, alphabetical, numerical
    /// wins): the span of `spec.policy`.
    pub ambiguous_choice: Option<Span>,
    pub filter: Option<TagFilter>,
    /// `spec.digestReflectionPolicy` (`Never` when absent).
    pub digest_reflection: String,
}

/// One `matchExpressions` entry of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelExpression {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
}

/// `spec.policySelector` (a `metav1.LabelSelector`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicySelector {
    pub match_labels: Vec<(String, String)>,
    pub match_expressions: Vec<LabelExpression>,
    pub span: Span,
}

/// `ImageUpdateAutomation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUpdateAutomation {
    pub api_version: String,
    pub namespace: String,
    pub name: String,
    pub site: ObjectSite,
    /// `spec.update` is present.
    pub has_update: bool,
    /// `spec.update.path` (the checkout root when absent).
    pub path: Option<Located<String>>,
    /// `spec.update.strategy` (`Setters` when absent, the CRD default).
    pub strategy: Option<Located<String>>,
    pub policy_selector: Option<PolicySelector>,
    pub author_name: String,
    pub author_email: String,
    pub message_template: Option<Located<String>>,
    /// `spec.git.commit.messageTemplateValues` (v1beta2 and v1), in written order.
    pub message_template_values: Vec<(String, String)>,
}

/// Every image automation object of a repository.
#[derive(Debug, Clone, Default)]
pub struct FluxObjects {
    pub repositories: Vec<ImageRepository>,
    pub policies: Vec<ImagePolicy>,
    pub automations: Vec<ImageUpdateAutomation>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FluxObjects {
    /// The `ImageRepository` an `ImagePolicy` refers to.
    #[must_use]
    pub fn repository_of(&self, policy: &ImagePolicy) -> Option<&ImageRepository> {
        let name = policy.repository_name.as_ref()?;
        self.repositories
            .iter()
            .find(|r| r.name == name.value && r.namespace == policy.repository_namespace)
    }

    /// The policy `namespace/name`.
    #[must_use]
    pub fn policy(&self, namespace: &str, name: &str) -> Option<&ImagePolicy> {
        self.policies.iter().find(|p| p.namespace == namespace && p.name == name)
    }
}

/// Reads every image automation object in the repository's YAML files.
pub fn read(source: &mut Source<'_>) -> FluxObjects {
    let paths: Vec<String> = source.tree.paths().map(str::to_string).collect();
    read_files(source, &paths)
}

/// Whether a file can hold an image automation object: its name ends `.yaml` or `.yml`
/// (case-sensitive, as Flux's readers compare extensions) and its text names the API group.
#[must_use]
pub fn may_hold_objects(path: &str, text: &str) -> bool {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    (ext == "yaml" || ext == "yml") && text.contains(GROUP)
}

/// Reads the image automation objects of `paths` (others than YAML files naming the API
/// group are passed over without a parse).
pub fn read_files(source: &mut Source<'_>, paths: &[String]) -> FluxObjects {
    let mut out = FluxObjects::default();
    for path in paths {
        let relevant = source.tree.text(path).is_some_and(|text| may_hold_objects(path, &text));
        if !relevant {
            continue;
        }
        // Files that do not parse are reported by `validate` already (`Y` codes).
        let Ok(parsed) = source.parse(path, None) else { continue };
        let file: Arc<str> = Arc::from(path.as_str());
        for document in &parsed.documents {
            let root = &document.root;
            let Some(api_version) = root.get_str("apiVersion") else { continue };
            let Some(version) = api_version.strip_prefix(GROUP).and_then(|v| v.strip_prefix('/'))
            else {
                continue;
            };
            if !matches!(version, "v1beta1" | "v1beta2" | "v1") {
                continue;
            }
            let mut reader = Reader { file: &file, diagnostics: Vec::new() };
            match root.get_str("kind") {
                Some("ImageRepository") => {
                    if let Some(o) = reader.repository(root, api_version) {
                        out.repositories.push(o);
                    }
                }
                Some("ImagePolicy") => {
                    if let Some(o) = reader.policy(root, api_version) {
                        out.policies.push(o);
                    }
                }
                Some("ImageUpdateAutomation") => {
                    if let Some(o) = reader.automation(root, api_version) {
                        out.automations.push(o);
                    }
                }
                _ => {}
            }
            out.diagnostics.append(&mut reader.diagnostics);
        }
    }
    report_duplicates(&mut out);
    out
}

fn report_duplicates(out: &mut FluxObjects) {
    let mut seen: Vec<(&str, &str, &str, &ObjectSite)> = Vec::new();
    let mut found = Vec::new();
    let all = out
        .repositories
        .iter()
        .map(|o| ("ImageRepository", o.namespace.as_str(), o.name.as_str(), &o.site))
        .chain(out.policies.iter().map(|o| ("ImagePolicy", &*o.namespace, &*o.name, &o.site)))
        .chain(
            out.automations
                .iter()
                .map(|o| ("ImageUpdateAutomation", &*o.namespace, &*o.name, &o.site)),
        );
    for (kind, namespace, name, site) in all {
        if let Some((_, _, _, first)) =
            seen.iter().find(|(k, ns, n, _)| *k == kind && *ns == namespace && *n == name)
        {
            found.push(
                Diagnostic::new(
                    Code::FluxObjectDuplicate,
                    format!("{kind} {namespace}/{name} is defined twice; the cluster keeps one"),
                )
                .at(&*site.file, site.span)
                .with_related(&*first.file, Some(first.span), "first definition"),
            );
        } else {
            seen.push((kind, namespace, name, site));
        }
    }
    out.diagnostics.extend(found);
}

/// Namespace, name, site of the name, labels.
type Metadata = (String, String, ObjectSite, Vec<(String, String)>);

struct Reader<'a> {
    file: &'a Arc<str>,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn located(&self, node: &Node, value: String) -> Located<String> {
        Located { value, file: self.file.clone(), span: node.origin.span }
    }

    fn wrong_type(&mut self, node: &Node, field: &str, expected: &str) {
        self.diagnostics.push(
            Diagnostic::new(Code::FluxObjectInvalid, format!("{field} must be {expected}"))
                .at(&**self.file, node.origin.span),
        );
    }

    /// A string field: absent or null is `Ok(None)`; a number, boolean or collection is an
    /// error (the API server rejects the object).
    fn string(
        &mut self,
        parent: &Node,
        key: &str,
        field: &str,
    ) -> Result<Option<Located<String>>, ()> {
        let Some(node) = parent.get(key) else { return Ok(None) };
        if node.is_null() {
            return Ok(None);
        }
        if let Some(s) = node.as_str() {
            Ok(Some(self.located(node, s.to_string())))
        } else {
            self.wrong_type(node, field, "a string");
            Err(())
        }
    }

    /// A mapping field: absent or null is `Ok(None)`.
    fn mapping<'n>(
        &mut self,
        parent: &'n Node,
        key: &str,
        field: &str,
    ) -> Result<Option<&'n Node>, ()> {
        let Some(node) = parent.get(key) else { return Ok(None) };
        if node.is_null() {
            return Ok(None);
        }
        if node.is_map() {
            Ok(Some(node))
        } else {
            self.wrong_type(node, field, "a mapping");
            Err(())
        }
    }

    /// A `map[string]string` field, in written order.
    fn string_map(
        &mut self,
        parent: &Node,
        key: &str,
        field: &str,
    ) -> Result<Vec<(String, String)>, ()> {
        let Some(node) = self.mapping(parent, key, field)? else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for (k, v) in node.as_map().unwrap_or_default() {
            let (Some(k), Some(v)) = (k.as_str(), v.as_str().or(v.is_null().then_some(""))) else {
                self.wrong_type(v, &format!("{field}.{}", k.scalar().unwrap_or("?")), "a string");
                return Err(());
            };
            out.push((k.to_string(), v.to_string()));
        }
        Ok(out)
    }

    /// `metadata`: namespace (`default` when absent, as `kubectl apply` would place it),
    /// name, labels, and the site of the name.
    fn metadata(&mut self, root: &Node) -> Result<Metadata, ()> {
        let meta = self.mapping(root, "metadata", "metadata")?;
        let empty = Node::map();
        let meta = meta.unwrap_or(&empty);
        let name = self.string(meta, "name", "metadata.name")?;
        let namespace = self.string(meta, "namespace", "metadata.namespace")?;
        let labels = self.string_map(meta, "labels", "metadata.labels")?;
        let span = name.as_ref().map_or(root.origin.span, |n| n.span);
        let site = ObjectSite { file: self.file.clone(), span };
        let namespace = namespace.map_or_else(|| "default".to_string(), |n| n.value);
        Ok((namespace, name.map(|n| n.value).unwrap_or_default(), site, labels))
    }

    fn repository(&mut self, root: &Node, api_version: &str) -> Option<ImageRepository> {
        let (namespace, name, site, _) = self.metadata(root).ok()?;
        let empty = Node::map();
        let spec = self.mapping(root, "spec", "spec").ok()?.unwrap_or(&empty);
        let image = self.string(spec, "image", "spec.image").ok()?;
        let mut exclusion_list = Vec::new();
        if let Some(list) = spec.get("exclusionList").filter(|n| !n.is_null()) {
            let Some(items) = list.as_seq() else {
                self.wrong_type(list, "spec.exclusionList", "a list of strings");
                return None;
            };
            for item in items {
                let Some(s) = item.as_str() else {
                    self.wrong_type(item, "spec.exclusionList[]", "a string");
                    return None;
                };
                exclusion_list.push(self.located(item, s.to_string()));
            }
        }
        Some(ImageRepository {
            api_version: api_version.to_string(),
            namespace,
            name,
            site,
            image,
            exclusion_list,
        })
    }

    fn policy(&mut self, root: &Node, api_version: &str) -> Option<ImagePolicy> {
        let (namespace, name, site, labels) = self.metadata(root).ok()?;
        let empty = Node::map();
        let spec = self.mapping(root, "spec", "spec").ok()?.unwrap_or(&empty);
        let reference = self.mapping(spec, "imageRepositoryRef", "spec.imageRepositoryRef").ok()?;
        let (repository_name, repository_namespace) = match reference {
            Some(r) => {
                let n = self.string(r, "name", "spec.imageRepositoryRef.name").ok()?;
                let ns = self.string(r, "namespace", "spec.imageRepositoryRef.namespace").ok()?;
                (n, ns.map(|ns| ns.value).filter(|ns| !ns.is_empty()))
            }
            None => (None, None),
        };
        let choice_node = self.mapping(spec, "policy", "spec.policy").ok()?;
        let mut kinds = Vec::new();
        let mut choice = PolicyChoice::Missing;
        if let Some(p) = choice_node {
            if let Some(semver) = self.mapping(p, "semver", "spec.policy.semver").ok()? {
                kinds.push("semver");
                let range = self.string(semver, "range", "spec.policy.semver.range").ok()?;
                let range = range.unwrap_or_else(|| self.located(semver, String::new()));
                choice = PolicyChoice::SemVer { range };
            }
            for (key, numerical) in [("alphabetical", false), ("numerical", true)] {
                if let Some(node) = self.mapping(p, key, &format!("spec.policy.{key}")).ok()? {
                    kinds.push(key);
                    let order =
                        self.string(node, "order", &format!("spec.policy.{key}.order")).ok()?;
                    if matches!(choice, PolicyChoice::Missing) {
                        choice = if numerical {
                            PolicyChoice::Numerical { order }
                        } else {
                            PolicyChoice::Alphabetical { order }
                        };
                    }
                }
            }
        }
        let ambiguous_choice =
            (kinds.len() > 1).then(|| choice_node.map_or(site.span, |n| n.origin.span));
        let filter = match self.mapping(spec, "filterTags", "spec.filterTags").ok()? {
            Some(f) => {
                let pattern = self.string(f, "pattern", "spec.filterTags.pattern").ok()?;
                let extract = self.string(f, "extract", "spec.filterTags.extract").ok()?;
                Some(TagFilter {
                    pattern: pattern.unwrap_or_else(|| self.located(f, String::new())),
                    extract: extract.unwrap_or_else(|| self.located(f, String::new())),
                })
            }
            None => None,
        };
        let digest_reflection = self
            .string(spec, "digestReflectionPolicy", "spec.digestReflectionPolicy")
            .ok()?
            .map_or_else(|| "Never".to_string(), |d| d.value);
        Some(ImagePolicy {
            api_version: api_version.to_string(),
            repository_namespace: repository_namespace.unwrap_or_else(|| namespace.clone()),
            namespace,
            name,
            site,
            labels,
            repository_name,
            choice,
            ambiguous_choice,
            filter,
            digest_reflection,
        })
    }

    fn automation(&mut self, root: &Node, api_version: &str) -> Option<ImageUpdateAutomation> {
        let (namespace, name, site, _) = self.metadata(root).ok()?;
        let empty = Node::map();
        let spec = self.mapping(root, "spec", "spec").ok()?.unwrap_or(&empty);
        let update = self.mapping(spec, "update", "spec.update").ok()?;
        let (path, strategy) = match update {
            Some(u) => (
                self.string(u, "path", "spec.update.path").ok()?,
                self.string(u, "strategy", "spec.update.strategy").ok()?,
            ),
            None => (None, None),
        };
        let policy_selector =
            match self.mapping(spec, "policySelector", "spec.policySelector").ok()? {
                Some(node) => Some(self.selector(node)?),
                None => None,
            };
        let git = self.mapping(spec, "git", "spec.git").ok()?.unwrap_or(&empty);
        let commit = self.mapping(git, "commit", "spec.git.commit").ok()?.unwrap_or(&empty);
        let author =
            self.mapping(commit, "author", "spec.git.commit.author").ok()?.unwrap_or(&empty);
        let author_name = self.string(author, "name", "spec.git.commit.author.name").ok()?;
        let author_email = self.string(author, "email", "spec.git.commit.author.email").ok()?;
        let message_template =
            self.string(commit, "messageTemplate", "spec.git.commit.messageTemplate").ok()?;
        let message_template_values = if api_version.ends_with("/v1beta1") {
            Vec::new()
        } else {
            self.string_map(
                commit,
                "messageTemplateValues",
                "spec.git.commit.messageTemplateValues",
            )
            .ok()?
        };
        Some(ImageUpdateAutomation {
            api_version: api_version.to_string(),
            namespace,
            name,
            site,
            has_update: update.is_some(),
            path,
            strategy,
            policy_selector,
            author_name: author_name.map(|a| a.value).unwrap_or_default(),
            author_email: author_email.map(|a| a.value).unwrap_or_default(),
            message_template,
            message_template_values,
        })
    }

    fn selector(&mut self, node: &Node) -> Option<PolicySelector> {
        let match_labels =
            self.string_map(node, "matchLabels", "spec.policySelector.matchLabels").ok()?;
        let mut match_expressions = Vec::new();
        if let Some(list) = node.get("matchExpressions").filter(|n| !n.is_null()) {
            let Some(items) = list.as_seq() else {
                self.wrong_type(list, "spec.policySelector.matchExpressions", "a list");
                return None;
            };
            for item in items {
                if !item.is_map() {
                    self.wrong_type(item, "spec.policySelector.matchExpressions[]", "a mapping");
                    return None;
                }
                let field = "spec.policySelector.matchExpressions[]";
                let key = self.string(item, "key", &format!("{field}.key")).ok()?;
                let operator = self.string(item, "operator", &format!("{field}.operator")).ok()?;
                let mut values = Vec::new();
                if let Some(vs) = item.get("values").filter(|n| !n.is_null()) {
                    let Some(vs) = vs.as_seq() else {
                        self.wrong_type(vs, &format!("{field}.values"), "a list of strings");
                        return None;
                    };
                    for v in vs {
                        let Some(s) = v.as_str() else {
                            self.wrong_type(v, &format!("{field}.values[]"), "a string");
                            return None;
                        };
                        values.push(s.to_string());
                    }
                }
                match_expressions.push(LabelExpression {
                    key: key.map(|k| k.value).unwrap_or_default(),
                    operator: operator.map(|o| o.value).unwrap_or_default(),
                    values,
                });
            }
        }
        Some(PolicySelector { match_labels, match_expressions, span: node.origin.span })
    }
}
