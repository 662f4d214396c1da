//! The generators, as `applicationset/generators/*.go` (argo-cd 37ee009) run them.
//!
//! [`Expander::transform`] is `generators.Transform`: for each generator kind an entry holds
//! (in the Go struct's field order), the generator's own template merged over the
//! `ApplicationSet`'s, the entry re-rendered with the parameters of a matrix's first child (if
//! any), the parameter sets generated, then filtered by the entry's `selector`. Errors carry
//! the controller's message (wrapped as upstream wraps it), because that message is what the
//! `ApplicationSet`'s `ErrorOccurred` condition shows.
//!
//! What Baton does instead of asking a service: clusters and pull requests come from the
//! host's lists; directories and files come from the tree when the generator's `repoURL` is
//! this repository. Go map iteration order (cluster secrets, merge results) is not an order;
//! Baton keeps the host's order and the first child's order, and says so where it matters.

use crate::diagnostic::{Code, Span};
use crate::gotemplate::Value;
use crate::tree::FileTree;
use crate::work::Meter;

use super::doc::{Doc, V};
use super::funcs::{SlugOptions, make_slug, sanitize_name};
use super::git::{GoPattern, Pathspec, directories};
use super::params::{self, Params, Selector};
use super::render::{Failure, Renderer};
use super::schema::{self, Ty};
use super::{Cluster, PullRequest};

/// Generator kinds in the order of `ApplicationSetGenerator`'s fields.
pub(crate) const KINDS: &[&str] = &[
    "list",
    "clusters",
    "git",
    "scmProvider",
    "clusterDecisionResource",
    "pullRequest",
    "matrix",
    "merge",
    "plugin",
];

/// The most parameter sets one `ApplicationSet` may produce (all generators together).
pub(crate) const MAX_PARAM_SETS: usize = 10_000;

/// Why generation stopped.
#[derive(Debug, Clone)]
pub(crate) struct GenError {
    pub code: Code,
    pub message: String,
    pub at: Span,
    pub inner: Option<(String, Span)>,
}

impl GenError {
    fn argo(message: impl Into<String>, at: Span) -> GenError {
        GenError { code: Code::AppSetGeneratorError, message: message.into(), at, inner: None }
    }

    /// The same failure under Argo CD's wrapping (`prefix: message`).
    fn wrap(mut self, prefix: &str) -> GenError {
        if self.code == Code::AppSetGeneratorError || self.code == Code::AppSetTemplateError {
            self.message = format!("{prefix}: {}", self.message);
        }
        self
    }
}

impl From<Failure> for GenError {
    fn from(f: Failure) -> GenError {
        GenError { code: Code::AppSetTemplateError, message: f.message, at: f.at, inner: f.inner }
    }
}

/// A finding on the way that does not stop generation.
#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub code: Code,
    pub message: String,
    pub at: Span,
}

/// What one generator kind of an entry produced.
#[derive(Debug, Clone)]
pub(crate) struct Generated {
    pub params: Vec<Params>,
    /// The generator's template merged over the `ApplicationSet`'s (top level only).
    pub template: Option<Doc>,
}

/// The host's inputs and the repository, as the generators see them.
#[derive(Debug)]
pub(crate) struct World<'a> {
    pub tree: &'a FileTree,
    pub clusters: Option<&'a [Cluster]>,
    pub pulls: Option<&'a [PullRequest]>,
    /// This repository's URL (normalized), when known: a git generator reading another
    /// repository cannot be expanded.
    pub repo_url: Option<String>,
    /// The repository's directories in walk order, listed once per expansion.
    pub dirs: std::cell::OnceCell<Vec<String>>,
}

/// One `ApplicationSet`'s generation.
#[derive(Debug)]
pub(crate) struct Expander<'a> {
    pub world: &'a World<'a>,
    pub renderer: Renderer,
    pub go: bool,
    pub notes: Vec<Note>,
    pub meter: &'a mut Meter,
    produced: usize,
}

impl<'a> Expander<'a> {
    pub fn new(world: &'a World<'a>, go: bool, options: &[String], meter: &'a mut Meter) -> Self {
        Expander {
            world,
            renderer: Renderer::new(go, options),
            go,
            notes: Vec::new(),
            meter,
            produced: 0,
        }
    }

    fn note(&mut self, code: Code, message: impl Into<String>, at: Span) {
        let message = message.into();
        if !self.notes.iter().any(|n| n.code == code && n.message == message && n.at == at) {
            self.notes.push(Note { code, message, at });
        }
    }

    /// Charges the renderer's work to the meter; an error once the meter's limit is passed.
    pub fn charge(&mut self, at: Span) -> Result<(), GenError> {
        let work = std::mem::take(&mut self.renderer.work);
        if self.meter.spend(work) {
            Ok(())
        } else {
            Err(GenError {
                code: Code::AppSetLimit,
                message: format!(
                    "expanding the ApplicationSet stopped at the work limit ({} steps spent)",
                    self.meter.spent()
                ),
                at,
                inner: None,
            })
        }
    }

    fn count(&mut self, n: usize, at: Span) -> Result<(), GenError> {
        self.produced = self.produced.saturating_add(n);
        if self.produced > MAX_PARAM_SETS {
            return Err(GenError {
                code: Code::AppSetLimit,
                message: format!(
                    "the generators produce more than {MAX_PARAM_SETS} parameter sets (Baton's limit)"
                ),
                at,
                inner: None,
            });
        }
        Ok(())
    }

    /// `generators.Transform` of one entry (of type `entry_ty`).
    pub fn transform(
        &mut self,
        entry: &Doc,
        entry_ty: Ty,
        base_template: Option<&Doc>,
        gen_params: Option<&Params>,
    ) -> Result<Vec<Generated>, GenError> {
        let selector = match entry.get("selector") {
            Some(doc) => Some(Selector::compile(doc).map_err(|e| {
                GenError::argo(format!("error parsing label selector: {e}"), doc.span)
            })?),
            None => None,
        };
        let mut out = Vec::new();
        for kind in KINDS {
            let Some(generator) = entry.get(kind) else { continue };
            let template = base_template.map(|base| {
                super::template::merge_generator_template(generator.get("template"), base)
            });
            let interpolated;
            let source = match gen_params {
                Some(p) if !params::is_empty(p) => {
                    interpolated = self.renderer.render_generator(entry, entry_ty, p)?;
                    self.charge(entry.span)?;
                    &interpolated
                }
                _ => entry,
            };
            let generator_ty = match entry_ty {
                Ty::Object(id, _) => schema::field(id, kind).map_or(Ty::Raw, |f| f.ty),
                _ => Ty::Raw,
            };
            let Some(spec) = source.get(kind) else { continue };
            let mut sets = self.generate(kind, spec, generator_ty)?;
            if let Some(selector) = &selector {
                sets.retain(|p| selector.matches(&params::flatten(p, true)));
            }
            self.count(sets.len(), generator.span)?;
            out.push(Generated { params: sets, template });
        }
        Ok(out)
    }

    fn generate(&mut self, kind: &str, spec: &Doc, ty: Ty) -> Result<Vec<Params>, GenError> {
        match kind {
            "list" => self.list(spec),
            "clusters" => self.clusters(spec),
            "git" => self.git(spec),
            "pullRequest" => self.pull_request(spec),
            "matrix" => self.matrix(spec, ty),
            "merge" => self.merge(spec, ty),
            other => Err(GenError {
                code: Code::AppSetNeedsService,
                message: format!(
                    "the `{other}` generator asks a live service (Argo CD's {}); Baton does not expand it offline",
                    match other {
                        "scmProvider" => "SCM provider API",
                        "clusterDecisionResource" => "cluster decision resource in the cluster",
                        _ => "plugin service",
                    }
                ),
                at: spec.span,
                inner: None,
            }),
        }
    }

    /// `ListGenerator.GenerateParams`.
    fn list(&mut self, spec: &Doc) -> Result<Vec<Params>, GenError> {
        let mut out = Vec::new();
        for element in spec.get("elements").map(Doc::items).unwrap_or_default() {
            let V::Map(entries) = &element.v else {
                if matches!(element.v, V::Null) {
                    out.push(params::empty());
                    continue;
                }
                return Err(GenError::argo(
                    format!(
                        "error unmarshling list element json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                        element.json_kind()
                    ),
                    element.span,
                ));
            };
            if self.go {
                out.push(element.to_value());
                continue;
            }
            let mut flat: Vec<(String, Value)> = Vec::new();
            for e in entries {
                if e.key == "values" {
                    let V::Map(values) = &e.value.v else {
                        return Err(GenError::argo("error parsing values map", e.value.span));
                    };
                    for v in values {
                        let Some(s) = v.value.as_str() else {
                            return Err(not_a_string(&v.value));
                        };
                        flat.push((format!("values.{}", v.key), Value::from(s)));
                    }
                } else {
                    let Some(s) = e.value.as_str() else { return Err(not_a_string(&e.value)) };
                    flat.push((e.key.clone(), Value::from(s)));
                }
            }
            out.push(params::params(flat));
        }
        if let Some(yaml) = spec.get("elementsYaml").and_then(Doc::as_str).filter(|s| !s.is_empty())
        {
            let at = spec.get("elementsYaml").map_or(spec.span, |d| d.span);
            let json = super::funcs::yaml_to_json(yaml).map_err(|e| {
                GenError::argo(
                    format!(
                        "error unmarshling decoded ElementsYaml error converting YAML to JSON: {e}"
                    ),
                    at,
                )
            })?;
            match json {
                crate::yaml::json::Json::Null => {}
                crate::yaml::json::Json::Array(items) => {
                    for item in items {
                        match item {
                            crate::yaml::json::Json::Object(_) | crate::yaml::json::Json::Null => {
                                out.push(Value::from_json(&item));
                            }
                            other => {
                                return Err(GenError::argo(
                                    format!(
                                        "error unmarshling decoded ElementsYaml error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                                        Doc::from_json(&other, at).json_kind()
                                    ),
                                    at,
                                ));
                            }
                        }
                    }
                }
                other => {
                    return Err(GenError::argo(
                        format!(
                            "error unmarshling decoded ElementsYaml error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []map[string]interface {{}}",
                            Doc::from_json(&other, at).json_kind()
                        ),
                        at,
                    ));
                }
            }
        }
        Ok(out)
    }

    /// `ClusterGenerator.GenerateParams`, over the host's cluster list.
    fn clusters(&mut self, spec: &Doc) -> Result<Vec<Params>, GenError> {
        let selector_doc = spec.get("selector");
        let selector = match selector_doc {
            Some(doc) => Selector::compile(doc).map_err(|e| {
                GenError::argo(
                    format!("error getting cluster secrets: error converting label selector: {e}"),
                    doc.span,
                )
            })?,
            None => Selector::default(),
        };
        let ignore_local = !selector.is_empty();
        let clusters = self.world.clusters.unwrap_or_else(|| {
            self.note(
                Code::AppSetInputMissing,
                "no cluster list was given: the clusters generator sees only Argo CD's local cluster (in-cluster)",
                spec.span,
            );
            &[]
        });
        // Secrets are keyed by cluster name: a later one of the same name wins.
        let mut selected: Vec<&Cluster> = Vec::new();
        for cluster in clusters {
            if selector.matches(&cluster.secret_labels()) {
                selected.retain(|c| c.name != cluster.name);
                selected.push(cluster);
            }
        }
        let values = spec.get("values");
        let mut out = Vec::new();
        for cluster in &selected {
            let mut p = cluster_params(cluster, self.go);
            p = self
                .append_values(values, p)
                .map_err(|e| e.wrap("error appending templated values for cluster"))?;
            out.push(p);
        }
        if !ignore_local && !selected.iter().any(|c| c.server == super::IN_CLUSTER_SERVER) {
            let p = params::params(vec![
                ("name".into(), Value::from("in-cluster")),
                ("nameNormalized".into(), Value::from("in-cluster")),
                ("server".into(), Value::from(super::IN_CLUSTER_SERVER)),
                ("project".into(), Value::from("")),
            ]);
            let p = self
                .append_values(values, p)
                .map_err(|e| e.wrap("error appending templated values for local cluster"))?;
            out.push(p);
        }
        if spec.get("flatList").is_some_and(Doc::as_bool) {
            let list = Value::any_list(out);
            return Ok(vec![params::params(vec![("clusters".into(), list)])]);
        }
        Ok(out)
    }

    /// `appendTemplatedValues`: each value rendered against the generator's own parameters.
    fn append_values(&mut self, values: Option<&Doc>, p: Params) -> Result<Params, GenError> {
        let Some(values) = values else { return Ok(p) };
        let mut rendered: Vec<(String, String)> = Vec::new();
        for e in values.entries() {
            let Some(text) = e.value.as_str() else { continue };
            let r = self.renderer.replace_at(text, e.value.span, &p).map_err(|f| {
                GenError::from(f).wrap(
                    "failed to replace templated string: failed to replace templated string with rendered values",
                )
            })?;
            rendered.push((e.key.clone(), r));
        }
        self.charge(values.span)?;
        let extra = if self.go {
            params::params(vec![("values".into(), params::string_map(&rendered))])
        } else {
            params::params(
                rendered
                    .into_iter()
                    .map(|(k, v)| (format!("values.{k}"), Value::from(v)))
                    .collect(),
            )
        };
        Ok(params::copy_over(&p, &extra))
    }

    /// `GitGenerator.GenerateParams`, from the tree.
    fn git(&mut self, spec: &Doc) -> Result<Vec<Params>, GenError> {
        let repo_url = spec.get("repoURL").and_then(Doc::as_str).unwrap_or_default();
        if let Some(ours) = &self.world.repo_url
            && super::normalize_repo_url(repo_url) != *ours
        {
            return Err(GenError {
                code: Code::AppSetOtherRepository,
                message: format!(
                    "the git generator reads {repo_url}, not this repository ({ours}); Baton expands it only from this repository"
                ),
                at: spec.get("repoURL").map_or(spec.span, |d| d.span),
                inner: None,
            });
        }
        let prefix =
            spec.get("pathParamPrefix").and_then(Doc::as_str).unwrap_or_default().to_owned();
        let values = spec.get("values");
        let directories = spec.get("directories").map(Doc::items).unwrap_or_default();
        let files = spec.get("files").map(Doc::items).unwrap_or_default();
        if !directories.is_empty() {
            let found = self.git_directories(directories);
            let mut out = Vec::with_capacity(found.len());
            for dir in found {
                let p = directory_params(&dir, &prefix, self.go);
                let p = self.append_values(values, p).map_err(|e| {
                    e.wrap("error generating params from git: error generating params from apps: failed to append templated values")
                })?;
                out.push(p);
            }
            return Ok(out);
        }
        if !files.is_empty() {
            return self.git_files(files, repo_url, &prefix, values);
        }
        Err(GenError::argo("ApplicationSet is empty", spec.span))
    }

    fn git_directories(&mut self, items: &[Doc]) -> Vec<String> {
        let world = self.world;
        let dirs = world.dirs.get_or_init(|| directories(world.tree, self.meter));
        let mut patterns = Vec::new();
        for item in items {
            let text = item.get("path").and_then(Doc::as_str).unwrap_or_default();
            let at = item.get("path").map_or(item.span, |d| d.span);
            let exclude = item.get("exclude").is_some_and(Doc::as_bool);
            match GoPattern::compile(text) {
                Some(p) => patterns.push((p, exclude, at, false)),
                None => self.note(
                    Code::AppSetPatternMatchesNothing,
                    format!("{text:?} is not a valid path.Match pattern (syntax error): Argo CD skips it"),
                    at,
                ),
            }
        }
        let mut out = Vec::new();
        for dir in dirs {
            let mut include = false;
            let mut exclude = false;
            for (pattern, is_exclude, _, matched) in &mut patterns {
                if pattern.matches(dir, self.meter) {
                    *matched = true;
                    if *is_exclude {
                        exclude = true;
                    } else {
                        include = true;
                    }
                }
            }
            if include && !exclude {
                out.push(dir.clone());
            }
        }
        for (_, exclude, at, matched) in &patterns {
            if !exclude && !matched {
                self.note(
                    Code::AppSetPatternMatchesNothing,
                    "this path matches no directory of the repository",
                    *at,
                );
            }
        }
        out
    }

    fn git_files(
        &mut self,
        items: &[Doc],
        repo_url: &str,
        prefix: &str,
        values: Option<&Doc>,
    ) -> Result<Vec<Params>, GenError> {
        let mut included: Vec<&str> = Vec::new();
        let tree = self.world.tree;
        let mut excludes = Vec::new();
        for item in items {
            let text = item.get("path").and_then(Doc::as_str).unwrap_or_default();
            let at = item.get("path").map_or(item.span, |d| d.span);
            let spec = Pathspec::compile(text);
            if item.get("exclude").is_some_and(Doc::as_bool) {
                excludes.push(spec);
                continue;
            }
            let before = included.len();
            for path in tree.paths() {
                if spec.matches(path, self.meter) && !included.contains(&path) {
                    included.push(path);
                }
            }
            if included.len() == before && !tree.paths().any(|p| spec.matches(p, self.meter)) {
                self.note(
                    Code::AppSetPatternMatchesNothing,
                    "this path matches no file of the repository",
                    at,
                );
            }
        }
        included.retain(|path| !excludes.iter().any(|e| e.matches(path, self.meter)));
        crate::sort::sort_by(&mut included, |a, b| a.as_bytes().cmp(b.as_bytes()));
        let mut out = Vec::new();
        let at = items.first().map_or(Span::default(), |d| d.span);
        for path in included {
            let text = tree.text(path).unwrap_or_default();
            self.meter.spend(1 + text.len() as u64 / 64);
            let fail = |e: String| {
                GenError::argo(
                    format!(
                        "error generating params from git: unable to process file '{path}' from repository '{repo_url}': {e}"
                    ),
                    at,
                )
            };
            let objects =
                file_objects(&text).map_err(|e| fail(format!("unable to parse file: {e}")))?;
            for object in objects {
                let p = file_params(path, &object, prefix, self.go);
                let p = self.append_values(values, p).map_err(|e| {
                    if e.code == Code::AppSetLimit {
                        e
                    } else {
                        let mut e = e;
                        e.message = format!(
                            "error generating params from git: unable to process file '{path}' from repository '{repo_url}': failed to append templated values: {}",
                            e.message
                        );
                        e
                    }
                })?;
                out.push(p);
            }
        }
        Ok(out)
    }

    /// `PullRequestGenerator.GenerateParams`, over the host's pull request list.
    fn pull_request(&mut self, spec: &Doc) -> Result<Vec<Params>, GenError> {
        const PROVIDERS: &[&str] =
            &["github", "gitlab", "gitea", "bitbucketServer", "bitbucket", "azuredevops"];
        let Some(provider) = PROVIDERS.iter().find_map(|p| spec.get(p)) else {
            return Err(GenError::argo(
                "failed to select pull request service provider: no Pull Request provider implementation configured",
                spec.span,
            ));
        };
        let required_labels = provider.get("labels").map(Doc::strings).unwrap_or_default();
        let mut filters = Vec::new();
        for filter in spec.get("filters").map(Doc::items).unwrap_or_default() {
            let mut compiled: [Option<crate::flux::goregex::GoRegex>; 3] = [None, None, None];
            for (i, (field, name)) in [
                ("branchMatch", "BranchMatch"),
                ("targetBranchMatch", "TargetBranchMatch"),
                ("titleMatch", "TitleMatch"),
            ]
            .into_iter()
            .enumerate()
            {
                let Some(doc) = filter.get(field) else { continue };
                let pattern = doc.as_str().unwrap_or_default();
                match crate::flux::goregex::GoRegex::compile(pattern) {
                    Ok(r) => compiled[i] = Some(r),
                    Err(crate::flux::goregex::RegexProblem::Invalid(e)) => {
                        return Err(GenError::argo(
                            format!(
                                "error listing repos: error compiling {name} regexp {}: error parsing regexp: {e}",
                                crate::gostring::quote(pattern)
                            ),
                            doc.span,
                        ));
                    }
                    Err(crate::flux::goregex::RegexProblem::Unsupported(e)) => {
                        return Err(GenError {
                            code: Code::AppSetNotApproximated,
                            message: format!("{name} {}: {e}", crate::gostring::quote(pattern)),
                            at: doc.span,
                            inner: None,
                        });
                    }
                }
            }
            filters.push(compiled);
        }
        let pulls = self.world.pulls.unwrap_or_else(|| {
            self.note(
                Code::AppSetInputMissing,
                "no pull request list was given: the pullRequest generator produces no Application",
                spec.span,
            );
            &[]
        });
        let values = spec.get("values");
        let mut out = Vec::new();
        for pull in pulls {
            if !required_labels.iter().all(|l| pull.labels.contains(l)) {
                continue;
            }
            let keep = filters.is_empty()
                || filters.iter().any(|[branch, target, title]| {
                    branch.as_ref().is_none_or(|r| r.is_match(&pull.branch))
                        && target.as_ref().is_none_or(|r| r.is_match(&pull.target_branch))
                        && title.as_ref().is_none_or(|r| r.is_match(&pull.title))
                });
            if !keep {
                continue;
            }
            let options = SlugOptions { max_length: 50, smart: true, underscore_to_dash: true };
            let branch_slug = make_slug(&pull.branch, &options);
            let target_slug = make_slug(&pull.target_branch, &options);
            if branch_slug.approximated || target_slug.approximated {
                self.note(
                    Code::AppSetNotApproximated,
                    format!(
                        "pull request {}'s branch names have characters gosimple/slug transliterates and Baton does not: branch_slug may differ",
                        pull.number
                    ),
                    spec.span,
                );
            }
            let sha = pull.head_sha.as_str();
            let short = |n: usize| sha.get(..n.min(sha.len())).unwrap_or(sha).to_owned();
            let mut entries: Vec<(String, Value)> = vec![
                ("number".into(), Value::from(pull.number.to_string())),
                ("title".into(), Value::from(pull.title.as_str())),
                ("branch".into(), Value::from(pull.branch.as_str())),
                ("branch_slug".into(), Value::from(branch_slug.text)),
                ("target_branch".into(), Value::from(pull.target_branch.as_str())),
                ("target_branch_slug".into(), Value::from(target_slug.text)),
                ("head_sha".into(), Value::from(sha)),
                ("head_short_sha".into(), Value::from(short(8))),
                ("head_short_sha_7".into(), Value::from(short(7))),
                ("author".into(), Value::from(pull.author.as_str())),
            ];
            if self.go {
                entries.push(("labels".into(), params::string_list(&pull.labels)));
            }
            let p = self
                .append_values(values, params::params(entries))
                .map_err(|e| e.wrap("failed to append templated values"))?;
            out.push(p);
        }
        Ok(out)
    }

    /// A child of a matrix or merge (`getParams`): exactly one generator, nested matrix and
    /// merge decoded as terminal ones.
    fn child(
        &mut self,
        child: &Doc,
        child_ty: Ty,
        params: Option<&Params>,
    ) -> Result<Vec<Params>, GenError> {
        let results = self
            .transform(child, child_ty, None, params)
            .map_err(|e| e.wrap("child generator returned an error on parameter generation"))?;
        match results.len() {
            0 => Err(GenError::argo("child generator generated no parameters", child.span)),
            1 => Ok(results.into_iter().next().map(|g| g.params).unwrap_or_default()),
            _ => Err(GenError::argo(
                "found more than one generator in matrix.Generators",
                child.span,
            )),
        }
    }

    /// `MatrixGenerator.GenerateParams`.
    fn matrix(&mut self, spec: &Doc, ty: Ty) -> Result<Vec<Params>, GenError> {
        let children = spec.get("generators").map(Doc::items).unwrap_or_default();
        let child_ty = schema::at(ty, &["generators"])
            .and_then(|t| match t {
                Ty::List(item) => Some(schema::parse(item)),
                _ => None,
            })
            .unwrap_or(Ty::Raw);
        let (first, second) = match children {
            [a, b] => (a, b),
            [_, _, _, ..] => {
                return Err(GenError::argo(
                    "found more than two generators, Matrix support only two",
                    spec.span,
                ));
            }
            _ => {
                return Err(GenError::argo(
                    "found less than two generators, Matrix support only two",
                    spec.span,
                ));
            }
        };
        let g0 = self.child(first, child_ty, None).map_err(|e| {
            e.wrap("error failed to get params for first generator in matrix generator")
        })?;
        let mut out = Vec::new();
        for a in &g0 {
            let g1 = self.child(second, child_ty, Some(a)).map_err(|e| {
                e.wrap("failed to get params for the second generator in the matrix generator")
            })?;
            self.count(g1.len(), spec.span)?;
            for b in g1 {
                if self.go {
                    let tmp = params::merge_override(&params::empty(), &b);
                    out.push(params::merge_override(&tmp, a));
                } else {
                    let combined = params::combine_string_maps(a, &b).map_err(|e| {
                        GenError::argo(
                            format!("failed to combine string maps with merging params for the matrix generator: {e}"),
                            spec.span,
                        )
                    })?;
                    out.push(combined);
                }
            }
        }
        Ok(out)
    }

    /// `MergeGenerator.GenerateParams`. The result's order is the first child's (upstream's
    /// comes from a Go map: no order).
    fn merge(&mut self, spec: &Doc, ty: Ty) -> Result<Vec<Params>, GenError> {
        let children = spec.get("generators").map(Doc::items).unwrap_or_default();
        if children.len() < 2 {
            return Err(GenError::argo(
                "found less than two generators, Merge requires two or more",
                spec.span,
            ));
        }
        let child_ty = schema::at(ty, &["generators"])
            .and_then(|t| match t {
                Ty::List(item) => Some(schema::parse(item)),
                _ => None,
            })
            .unwrap_or(Ty::Raw);
        let mut sets = Vec::with_capacity(children.len());
        for (i, child) in children.iter().enumerate() {
            let p = self.child(child, child_ty, Some(&params::empty())).map_err(|e| {
                e.wrap(&format!(
                    "error getting param sets from generators: error getting params from generator {} of {}",
                    i + 1,
                    children.len()
                ))
            })?;
            sets.push(p);
        }
        let mut keys = spec.get("mergeKeys").map(Doc::strings).unwrap_or_default();
        keys.sort();
        keys.dedup();
        let keyed = |sets: &[Params]| -> Result<Vec<(String, Params)>, GenError> {
            if keys.is_empty() {
                return Err(GenError::argo(
                    "error getting param sets by merge key: no merge keys were specified, Merge requires at least one",
                    spec.span,
                ));
            }
            let mut out: Vec<(String, Params)> = Vec::with_capacity(sets.len());
            for p in sets {
                let key = merge_key(p, &keys);
                if out.iter().any(|(k, _)| *k == key) {
                    return Err(GenError::argo(
                        format!(
                            "error getting param sets by merge key: the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was {key}"
                        ),
                        spec.span,
                    ));
                }
                out.push((key, p.clone()));
            }
            Ok(out)
        };
        let mut base = keyed(&sets[0])?;
        for other in &sets[1..] {
            let overrides = keyed(other)?;
            for (key, set) in &mut base {
                if let Some((_, o)) = overrides.iter().find(|(k, _)| k == key) {
                    *set = if self.go {
                        params::merge_override(set, o)
                    } else {
                        params::copy_over(set, o)
                    };
                }
            }
        }
        if base.len() > 1 {
            self.note(
                Code::AppSetNotApproximated,
                "the merge generator's result has no order in Argo CD (a Go map); Baton lists it in the first generator's order",
                spec.span,
            );
        }
        Ok(base.into_iter().map(|(_, p)| p).collect())
    }
}

/// `json.Marshal` of `{key: params[key]}` for the merge keys (absent keys are `null`).
fn merge_key(p: &Params, keys: &[String]) -> String {
    let entries: Vec<(String, Value)> = keys
        .iter()
        .map(|k| {
            let v = match p {
                Value::Map(m) => m.get(k).unwrap_or(Value::Nil),
                _ => Value::Nil,
            };
            (k.clone(), v)
        })
        .collect();
    crate::gotemplate::json_marshal(&params::params(entries)).unwrap_or_default()
}

fn not_a_string(value: &Doc) -> GenError {
    GenError::argo("error parsing value as string %!w(<nil>)", value.span)
}

/// A cluster's parameters (`getClusterParameters`).
fn cluster_params(cluster: &Cluster, go: bool) -> Params {
    let mut entries: Vec<(String, Value)> = vec![
        ("name".into(), Value::from(cluster.name.as_str())),
        ("nameNormalized".into(), Value::from(sanitize_name(&cluster.name))),
        ("server".into(), Value::from(cluster.server.as_str())),
        ("project".into(), Value::from(cluster.project.as_deref().unwrap_or_default())),
    ];
    let labels = cluster.secret_labels();
    if go {
        let mut meta: Vec<(String, Value)> = Vec::new();
        if !cluster.annotations.is_empty() {
            meta.push(("annotations".into(), params::string_map(&cluster.annotation_pairs())));
        }
        if !labels.is_empty() {
            meta.push(("labels".into(), params::string_map(&labels)));
        }
        entries.push(("metadata".into(), params::params(meta)));
    } else {
        for (k, v) in &cluster.annotation_pairs() {
            entries.push((format!("metadata.annotations.{k}"), Value::from(v.as_str())));
        }
        for (k, v) in &labels {
            entries.push((format!("metadata.labels.{k}"), Value::from(v.as_str())));
        }
    }
    params::params(entries)
}

/// `path.Base` of a clean relative path (`.` for the empty path).
pub(crate) fn base(path: &str) -> &str {
    match path.rsplit('/').next() {
        Some(name) if !name.is_empty() => name,
        _ => ".",
    }
}

/// `path.Dir` of a clean relative path.
fn dir(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => ".",
    }
}

/// A directory's parameters (`generateParamsFromApps`).
fn directory_params(path: &str, prefix: &str, go: bool) -> Params {
    let name = base(path);
    if go {
        let inner = params::params(vec![
            ("path".into(), Value::from(path)),
            ("basename".into(), Value::from(name)),
            ("basenameNormalized".into(), Value::from(sanitize_name(name))),
            ("segments".into(), Value::string_list(path.split('/'))),
        ]);
        return prefixed(prefix, inner);
    }
    let key = if prefix.is_empty() { "path".to_owned() } else { format!("{prefix}.path") };
    let mut entries = vec![
        (key.clone(), Value::from(path)),
        (format!("{key}.basename"), Value::from(name)),
        (format!("{key}.basenameNormalized"), Value::from(sanitize_name(name))),
    ];
    for (i, segment) in path.split('/').enumerate() {
        if !segment.is_empty() {
            entries.push((format!("{key}[{i}]"), Value::from(segment)));
        }
    }
    params::params(entries)
}

/// `{prefix: {path: inner}}` or `{path: inner}`.
fn prefixed(prefix: &str, inner: Params) -> Params {
    if prefix.is_empty() {
        params::params(vec![("path".into(), inner)])
    } else {
        let wrapped = params::params(vec![("path".into(), inner)]);
        params::params(vec![(prefix.to_owned(), wrapped)])
    }
}

/// A git file's parameters (`generateParamsFromGitFile`) for one object of it.
fn file_params(path: &str, object: &Value, prefix: &str, go: bool) -> Params {
    let directory = dir(path);
    let filename = base(path);
    let dir_name = base(directory);
    if go {
        let inner = params::params(vec![
            ("path".into(), Value::from(directory)),
            ("basename".into(), Value::from(dir_name)),
            ("filename".into(), Value::from(filename)),
            ("basenameNormalized".into(), Value::from(sanitize_name(dir_name))),
            ("filenameNormalized".into(), Value::from(sanitize_name(filename))),
            ("segments".into(), Value::string_list(directory.split('/'))),
        ]);
        let path_params = prefixed(prefix, inner);
        return params::copy_over(&params::params(params::entries(object)), &path_params);
    }
    let mut entries: Vec<(String, Value)> =
        params::flatten(object, false).into_iter().map(|(k, v)| (k, Value::from(v))).collect();
    let key = if prefix.is_empty() { "path".to_owned() } else { format!("{prefix}.path") };
    let mut path_entries = vec![
        (key.clone(), Value::from(directory)),
        (format!("{key}.basename"), Value::from(dir_name)),
        (format!("{key}.filename"), Value::from(filename)),
        (format!("{key}.basenameNormalized"), Value::from(sanitize_name(dir_name))),
        (format!("{key}.filenameNormalized"), Value::from(sanitize_name(filename))),
    ];
    for (i, segment) in directory.split('/').enumerate() {
        if !segment.is_empty() {
            path_entries.push((format!("{key}[{i}]"), Value::from(segment)));
        }
    }
    for (k, v) in path_entries {
        entries.retain(|(e, _)| *e != k);
        entries.push((k, v));
    }
    params::params(entries)
}

/// The objects of a git file: one object (an empty file is `{}`), else a list of objects.
fn file_objects(text: &str) -> Result<Vec<Value>, String> {
    use crate::yaml::json::Json;
    let json = super::funcs::yaml_to_json(text)
        .map_err(|e| format!("error converting YAML to JSON: {e}"))?;
    match json {
        Json::Null => Ok(vec![params::empty()]),
        json @ Json::Object(_) => Ok(vec![Value::from_json(&json)]),
        Json::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Json::Null => Ok(params::empty()),
                json @ Json::Object(_) => Ok(Value::from_json(&json)),
                other => Err(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    Doc::from_json(&other, Span::default()).json_kind()
                )),
            })
            .collect(),
        other => Err(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []map[string]interface {{}}",
            Doc::from_json(&other, Span::default()).json_kind()
        )),
    }
}
