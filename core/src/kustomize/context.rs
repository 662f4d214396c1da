//! The state every step of a build shares: kustomize's `ResAccumulator` and our `Builder`.
//!
//! The accumulation ([`super::build`]), the generators ([`super::generate`]), the transformers
//! ([`super::transform`]) and the top-level steps ([`super::finish`]) all work on a
//! [`Builder`] (file access, diagnostics, the `OpenAPI` session) and an [`Accumulator`] (the
//! resources gathered so far). Keeping both here, as ruff keeps its `Checker` apart from the
//! rules that use it, means the build calls the transformers and generators without their
//! depending on it back: each step sees only this context, so none imports another.

use std::sync::Arc;

use super::fieldspec::TransformerConfig;
use super::kustomization::Var;
use super::kustomization::{Kustomization, Str};
use super::patch::schema::OpenApi;
use super::patch::schema::Session;
use super::patch::schema::session::Unreadable;
use super::resource::Resource;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Source;
use crate::tree::{self, PathError, Resolved};
use crate::yaml::Origin;

/// Marker: the build failed and the reason is in the diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed;

pub type Built<T> = Result<T, Failed>;

/// Everything gathered while building one kustomization (kustomize's `ResAccumulator`).
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    pub resources: Vec<Resource>,
    /// Shared with the built-in configuration until a `configurations` file or CRD adds to it.
    pub config: Arc<TransformerConfig>,
    /// Whether `config` holds more than the built-in configuration.
    pub custom_config: bool,
    pub vars: Vec<VarDecl>,
}

impl Accumulator {
    #[must_use]
    pub fn new() -> Self {
        static BUILTIN: std::sync::OnceLock<Arc<TransformerConfig>> = std::sync::OnceLock::new();
        Accumulator {
            resources: Vec::new(),
            config: BUILTIN.get_or_init(|| Arc::new(TransformerConfig::builtin().clone())).clone(),
            custom_config: false,
            vars: Vec::new(),
        }
    }

    /// Indexes of the resources (not emptied) that `id` names, by any of their current or
    /// previous ids (kustomize's `GetMatchingResourcesByAnyId` with `SameAs`).
    #[must_use]
    pub fn matching(&self, id: &super::resid::ResId) -> Vec<usize> {
        let mut out = Vec::new();
        for (i, r) in self.resources.iter().enumerate() {
            if !r.is_empty() && r.any_id(|other| other.same_as(id)) {
                out.push(i);
            }
        }
        out
    }

    /// Adds field specs from `configurations`, a CRD, or a sub-build's custom configuration.
    pub fn merge_config(
        &mut self,
        other: &TransformerConfig,
    ) -> Result<(), super::fieldspec::ConflictError> {
        Arc::make_mut(&mut self.config).merge(other)?;
        self.custom_config = true;
        Ok(())
    }
}

/// A var as accumulated: its declaration and the resource its objref matched.
#[derive(Debug, Clone)]
pub struct VarDecl {
    pub var: Var,
    /// The kustomization file that declared it.
    pub file: String,
    pub(crate) target: Option<Tracked>,
}

/// A resource as it was when a var matched it: how many renames it had been through, and
/// its name, namespace and kind then. That state stays in the resource's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tracked {
    depth: usize,
    name: String,
    namespace: String,
    kind: String,
}

impl Tracked {
    pub(crate) fn of(r: &Resource) -> Self {
        Tracked {
            depth: r.previous.len(),
            name: r.name().to_string(),
            namespace: r.namespace().to_string(),
            kind: r.kind().to_string(),
        }
    }

    pub(crate) fn is(&self, r: &Resource) -> bool {
        let state = match r.previous.get(self.depth) {
            Some((name, namespace, kind)) => (name.as_str(), namespace.as_str(), kind.as_str()),
            None if self.depth == r.previous.len() => (r.name(), r.namespace(), r.kind()),
            None => return false,
        };
        state == (self.name.as_str(), self.namespace.as_str(), self.kind.as_str())
    }
}

/// One build: file access, diagnostics, and the chain of kustomization roots being built.
#[derive(Debug)]
pub struct Builder<'s, 't> {
    pub source: &'s mut Source<'t>,
    pub diagnostics: Vec<Diagnostic>,
    /// Directories of the kustomizations being built, outermost first.
    pub(super) chain: Vec<String>,
    /// Every kustomization file read, for callers that report on them.
    pub kustomizations: Vec<Arc<Kustomization>>,
    /// kyaml's global `OpenAPI` state, replayed for this render.
    pub openapi: Session,
    /// Something Baton does not do offline was refused (a remote base, a plugin, Helm), or a
    /// resource could not be loaded. The build goes on looking for every other problem, but
    /// stops transforming: the result would not be what kustomize makes, and its errors would
    /// only echo the first one.
    pub refused: bool,
    /// The top directory's kustomization, given instead of read (see
    /// [`super::BuildOptions`]).
    pub top: Option<Arc<Kustomization>>,
    /// `LoadRestrictionsNone`: files outside a kustomization's directory may be read.
    pub load_anywhere: bool,
}

impl<'s, 't> Builder<'s, 't> {
    pub fn new(source: &'s mut Source<'t>) -> Self {
        Builder {
            source,
            diagnostics: Vec::new(),
            chain: Vec::new(),
            kustomizations: Vec::new(),
            openapi: Session::new(),
            refused: false,
            top: None,
            load_anywhere: false,
        }
    }

    /// Records a refusal (an error diagnostic) and lets the build go on finding the others.
    pub fn refuse(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
        self.refused = true;
    }

    /// Records a diagnostic and fails.
    pub fn fail<T>(&mut self, diagnostic: Diagnostic) -> Built<T> {
        self.diagnostics.push(diagnostic);
        Err(Failed)
    }

    /// The schema a strategic merge uses (kustomize parses a custom schema at its first merge);
    /// `origin` is the patch, for the diagnostic of a schema that cannot be read.
    pub fn merge_schema(&mut self, origin: &Origin) -> Built<Arc<OpenApi>> {
        match self.openapi.merge() {
            Ok(schema) => Ok(schema),
            Err(unreadable) => {
                let mut d =
                    unreadable_schema(&unreadable, "when it first merged a strategic-merge patch");
                if let Some(file) = &origin.file {
                    d = d.with_related(file.to_string(), Some(origin.span), "this patch");
                }
                self.fail(d)
            }
        }
    }

    /// Resolves an entry of `k` (in `dir`) to a repository path.
    pub fn resolve(&mut self, dir: &str, k: &Kustomization, entry: &Str) -> Built<String> {
        match tree::join(dir, &entry.value) {
            Ok(path) => Ok(path),
            Err(PathError::EscapesRoot(_) | PathError::Absolute(_)) => self.fail(
                Diagnostic::new(
                    Code::PathEscapesRoot,
                    format!("'{}' points outside the repository", entry.value),
                )
                .at(&k.file, entry.span()),
            ),
            Err(PathError::Empty) => self.fail(
                Diagnostic::new(Code::ResourceNotFound, "empty path").at(&k.file, entry.span()),
            ),
        }
    }

    /// Where an entry of `k` (in `dir`, a real directory) leads as kustomize's loader finds
    /// it: joined to `dir`, then every symbolic link followed (`filepath.EvalSymlinks`). Gives
    /// the joined path and what is there (`None`: nothing); a link that leaves the repository
    /// or loops fails the build.
    pub fn follow(
        &mut self,
        dir: &str,
        k: &Kustomization,
        entry: &Str,
    ) -> Built<(String, Option<Resolved>)> {
        let path = self.resolve(dir, k, entry)?;
        match self.source.resolve(&path) {
            Ok(found) => Ok((path, Some(found))),
            Err(problem) => match crate::source::unresolved(&problem, &entry.value) {
                Some(d) => self.fail(d.at(&k.file, entry.span())),
                None => Ok((path, None)),
            },
        }
    }

    /// Resolves a file entry, which must lead to a file in or below the kustomization's
    /// directory (kustomize's `RestrictionRootOnly`: where a link leads is what is checked).
    /// Returns the file's real path.
    pub fn resolve_file(&mut self, dir: &str, k: &Kustomization, entry: &Str) -> Built<String> {
        if is_remote(&entry.value) {
            return self.fail(remote_diagnostic(&k.file, entry));
        }
        let (path, found) = self.follow(dir, k, entry)?;
        if let Some(Resolved::File(real)) = found {
            return self.restrict(dir, k, entry, &path, real);
        }
        self.fail(
            Diagnostic::new(Code::ResourceNotFound, format!("file '{}' not found", entry.value))
                .at(&k.file, entry.span())
                .with_help(format!("looked for '{path}'")),
        )
    }

    /// `real`, the file an entry of `k` leads to, if it lies in or below `dir`; else the load
    /// restriction's error (`path` is where the entry pointed, before links).
    pub fn restrict(
        &mut self,
        dir: &str,
        k: &Kustomization,
        entry: &Str,
        path: &str,
        real: String,
    ) -> Built<String> {
        if self.load_anywhere || tree::is_within(tree::parent(&real), dir) {
            return Ok(real);
        }
        let mut d = load_restriction(&k.file, entry, dir);
        if real != path {
            d = d.with_related(
                real.clone(),
                None,
                format!(
                    "'{path}' leads here through a symbolic link; kustomize checks where links lead"
                ),
            );
        }
        self.fail(d)
    }
}

/// Whether a resource entry names something remote (a URL or a git repository).
#[must_use]
pub fn is_remote(entry: &str) -> bool {
    let lower = entry.to_ascii_lowercase();
    if ["http://", "https://", "ssh://", "git::", "git@", "file://", "s3::", "gcs::"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        return true;
    }
    let first = entry.split('/').next().unwrap_or_default();
    let looks_like_host =
        first.contains('.') && first != "." && first != ".." && !first.starts_with('.');
    looks_like_host
        && (entry.contains("//")
            || entry.contains("?ref=")
            || entry.contains("?version=")
            || KNOWN_HOSTS.contains(&first))
}

const KNOWN_HOSTS: &[&str] =
    &["github.com", "gitlab.com", "bitbucket.org", "dev.azure.com", "ssh.dev.azure.com"];

/// The diagnostic for a custom schema kyaml cannot parse; `when` says what made kustomize read it.
pub(super) fn unreadable_schema(unreadable: &Unreadable, when: &str) -> Diagnostic {
    let mut d = Diagnostic::new(
        Code::OpenApiInvalid,
        format!("invalid schema file: {}", unreadable.invalid.message),
    )
    .at(unreadable.file.to_string(), unreadable.invalid.span);
    if let Some(file) = &unreadable.named_at.file {
        d = d.with_related(
            file.to_string(),
            Some(unreadable.named_at.span),
            "named by this `openapi` path",
        );
    }
    d.with_help(format!(
        "kustomize reads a custom schema only when it needs it, here {when}, and then crashes on it"
    ))
}

pub(super) fn remote_diagnostic(file: &str, entry: &Str) -> Diagnostic {
    Diagnostic::new(
        Code::RemoteNotFetched,
        format!(
            "'{}' is a remote resource; Baton renders offline and does not fetch it",
            entry.value
        ),
    )
    .at(file, entry.span())
    .with_help("vendor the remote base into the repository, or render this overlay with kustomize")
}

pub(super) fn load_restriction(file: &str, entry: &Str, dir: &str) -> Diagnostic {
    let shown = if dir.is_empty() { "." } else { dir };
    Diagnostic::new(
        Code::LoadRestriction,
        format!("security; file '{}' is not in or below '{shown}'", entry.value),
    )
    .at(file, entry.span())
    .with_help("kustomize only reads files inside the kustomization's directory; reference a directory with its own kustomization instead")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_detection() {
        assert!(is_remote("https://github.com/org/repo//base?ref=v1"));
        assert!(is_remote("github.com/org/repo/base?ref=v1"));
        assert!(is_remote("git@github.com:org/repo.git//base"));
        assert!(is_remote("example.com/org/repo//base"));
        assert!(!is_remote("../base"));
        assert!(!is_remote("deployment.yaml"));
        assert!(!is_remote("configs.d/app.yaml"));
    }
}
