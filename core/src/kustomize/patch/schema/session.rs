//! kyaml's global `OpenAPI` state over one `kustomize build`, replayed for one render.
//!
//! kustomize keeps the schema in package-level variables of kyaml's `openapi` package, so
//! what a merge sees depends on what happened earlier in the build, in build order:
//!
//! - `SetSchema(openapi, bytes, reset)` runs for the kustomization being built (`reset`) and
//!   then for every base and component as the build reaches it (no `reset`). The first call
//!   that sets something wins for the rest of the build, the whole tree included: a later
//!   `openapi` field is ignored (its file is still read, so it must exist), an earlier build
//!   step keeps what it saw. A base's schema therefore leaks into its overlay and into every
//!   base built after it. A `version` (only `v1.21.2` is built in) also counts as set.
//! - The schema is parsed lazily (`initSchema`), on the first strategic merge or the first
//!   namespace-scope question about a type missing from kyaml's precomputed table (every
//!   resource id asks). A custom schema that does not parse makes kustomize panic at that
//!   moment, and only then: a broken schema nobody needs goes unnoticed.
//! - Whether the built-in Kubernetes schema joins a custom one depends on what happened before
//!   the custom schema was set: if a merge had parsed the built-in schema, it stays, under the
//!   custom definitions; if a scope question about an unlisted type had been asked (which
//!   only flags the built-in schema for parsing), it is parsed after the custom one, over it;
//!   otherwise it is never parsed, and built-in kinds have no merge keys at all.
//!
//! [`Session`] follows those rules: the builder reports each `SetSchema` ([`Session::set`]),
//! each resource type it registers ([`Session::saw_type`]) and each merge
//! ([`Session::merge`]), and gets the [`OpenApi`] to merge with.

use std::sync::Arc;

use super::openapi::{Builtin, OpenApi};
use super::scope;
use super::swagger::Document;
use super::value::Invalid;
use crate::diagnostic::Span;
use crate::yaml::Origin;

/// The only built-in schema version kustomize v5.8.1 embeds.
pub const BUILTIN_VERSION: &str = "v1.21.2";

/// kyaml's global schema state for one build.
#[derive(Debug, Clone)]
pub struct Session {
    choice: Choice,
    builtin: Status,
    current: Arc<OpenApi>,
}

#[derive(Debug, Clone)]
enum Choice {
    /// Nothing set: the built-in schema.
    Unset,
    /// `openapi.version` (necessarily the built-in one).
    Version,
    /// `openapi.path`: the document (or why it cannot be read), and whether kyaml has
    /// parsed it yet.
    Custom { schema: Result<Arc<Document>, Arc<Unreadable>>, ready: bool },
}

/// `defaultBuiltInSchemaParseStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    NotParsed,
    /// A scope question flagged it to be parsed with the next schema.
    Delayed,
    Parsed,
}

/// A custom schema kyaml would panic on when it parses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The schema file.
    pub file: Arc<str>,
    pub invalid: Invalid,
    /// The `openapi.path` entry that named it.
    pub named_at: Origin,
}

/// kustomize's `SetSchema` errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SetError {
    #[error("builtin version and custom schema provided, cannot use both")]
    Both,
    #[error("the specified OpenAPI version is not built in")]
    UnknownVersion,
}

/// Why registering a type fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeProblem {
    /// This is where kyaml parses the custom schema, and it cannot.
    Unreadable(Arc<Unreadable>),
    /// The custom schema makes this type cluster-scoped (see [`Session::saw_type`]): the
    /// schema file and the bytes of the path that does.
    ClusterScoped { schema: Arc<str>, path: Span },
}

impl Default for Session {
    fn default() -> Self {
        Session {
            choice: Choice::Unset,
            builtin: Status::NotParsed,
            current: Arc::new(OpenApi::builtin().clone()),
        }
    }
}

impl Session {
    #[must_use]
    pub fn new() -> Self {
        Session::default()
    }

    /// Whether a schema (version or file) is set; a later `SetSchema` without `reset`
    /// changes nothing.
    #[must_use]
    pub fn is_set(&self) -> bool {
        !matches!(self.choice, Choice::Unset)
    }

    /// `openapi.SetSchema(field, bytes, reset)`: `version` is the field's `version` entry
    /// (present even if empty), `custom` the schema file (its path, who named it, and how to
    /// read it) when the field has a `path`. The file is only read if it is used.
    pub fn set(
        &mut self,
        version: Option<&str>,
        custom: Option<(Arc<str>, Origin, impl FnOnce() -> Result<Document, Invalid>)>,
        reset: bool,
    ) -> Result<(), SetError> {
        if self.is_set() && !reset {
            return Ok(());
        }
        if let Some((file, named_at, read)) = custom {
            if version.is_some() {
                return Err(SetError::Both);
            }
            let schema = read()
                .map(Arc::new)
                .map_err(|invalid| Arc::new(Unreadable { file, invalid, named_at }));
            if let Ok(document) = &schema {
                let builtin = match self.builtin {
                    Status::NotParsed => Builtin::Absent,
                    Status::Delayed => Builtin::Above,
                    Status::Parsed => Builtin::Below,
                };
                self.current = Arc::new(OpenApi::with_custom(document.clone(), builtin));
            }
            self.choice = Choice::Custom { schema, ready: false };
            return Ok(());
        }
        match version.unwrap_or_default() {
            // kyaml records the empty version and returns; a custom schema already set stays.
            "" => Ok(()),
            BUILTIN_VERSION => {
                self.choice = Choice::Version;
                Ok(())
            }
            _ => Err(SetError::UnknownVersion),
        }
    }

    /// Whether [`Session::saw_type`] can still change anything or fail.
    #[must_use]
    pub fn wants_types(&self) -> bool {
        match &self.choice {
            Choice::Unset | Choice::Version => self.builtin == Status::NotParsed,
            Choice::Custom { ready: false, .. } => true,
            Choice::Custom { schema: Ok(document), ready: true } => {
                document.cluster_scoped_types().next().is_some()
            }
            Choice::Custom { schema: Err(_), ready: true } => false,
        }
    }

    /// kustomize made the id of a resource of this type (`resid.NewGvk` asks kyaml whether it
    /// is namespace-scoped). For a type kyaml has no precomputed answer for, that parses a
    /// custom schema (failing if it cannot be parsed), or flags the built-in one.
    ///
    /// A custom schema whose `paths` make the type cluster-scoped is refused: kustomize would
    /// then treat the type as cluster-scoped (no namespace, ids without one), which Baton's
    /// resource model does not do.
    pub fn saw_type(&mut self, api_version: &str, kind: &str) -> Result<(), TypeProblem> {
        if scope::precomputed(api_version, kind).is_some() {
            return Ok(());
        }
        match &mut self.choice {
            Choice::Unset | Choice::Version => {
                if self.builtin == Status::NotParsed {
                    self.builtin = Status::Delayed;
                }
                Ok(())
            }
            Choice::Custom { schema, ready } => {
                *ready = true;
                match schema {
                    Err(unreadable) => Err(TypeProblem::Unreadable(unreadable.clone())),
                    Ok(document) => match document.declares_cluster_scoped(api_version, kind) {
                        Some(path) => {
                            Err(TypeProblem::ClusterScoped { schema: document.file.clone(), path })
                        }
                        None => Ok(()),
                    },
                }
            }
        }
    }

    /// A strategic merge is about to run: the schema it uses (parsing a custom schema now if
    /// nothing did before).
    pub fn merge(&mut self) -> Result<Arc<OpenApi>, Arc<Unreadable>> {
        match &mut self.choice {
            Choice::Unset | Choice::Version => {
                self.builtin = Status::Parsed;
                Ok(self.current.clone())
            }
            Choice::Custom { schema, ready } => {
                *ready = true;
                match schema {
                    Ok(_) => Ok(self.current.clone()),
                    Err(unreadable) => Err(unreadable.clone()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::swagger::decode;
    use super::super::value::read_json;
    use super::*;

    const SCHEMA: &str = r#"{"definitions": {"w": {
        "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Widget"}],
        "properties": {"parts": {"type": "array", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name"}}
      }},
      "paths": {"/apis/example.com/v1/clusterthings/{name}": {"get": {
        "x-kubernetes-group-version-kind": {"group": "example.com", "version": "v1", "kind": "ClusterThing"}}}}}"#;

    type Reader = fn() -> Result<Document, Invalid>;

    fn good() -> Result<Document, Invalid> {
        let file: Arc<str> = Arc::from("schema.json");
        decode(&file, &read_json(SCHEMA)?)
    }

    fn bad() -> Result<Document, Invalid> {
        Err(Invalid::new("broken", Span::new(0, 1)))
    }

    fn custom(read: Reader) -> (Arc<str>, Origin, Reader) {
        (Arc::from("schema.json"), Origin::default(), read)
    }

    fn containers_merge(o: &OpenApi) -> bool {
        let mut at = o.for_type("apps/v1", "Deployment");
        for f in ["spec", "template", "spec", "containers"] {
            at = at.and_then(|a| o.field(a, f).ok().flatten());
        }
        at.and_then(|a| o.merge_keys(a).ok().flatten()).is_some()
    }

    #[test]
    fn first_setting_wins_and_the_builtin_schema_depends_on_history() {
        // Set at the start: custom only.
        let mut s = Session::new();
        assert_eq!(s.set(None, Some(custom(good)), true), Ok(()));
        let o = s.merge().expect("readable");
        assert!(!containers_merge(&o));
        assert!(o.for_type("example.com/v1", "Widget").is_some());
        // A later setting is ignored, even a bad one.
        assert_eq!(s.set(Some("v9"), None::<(Arc<str>, Origin, Reader)>, false), Ok(()));

        // A merge before the schema is set: the built-in schema stays.
        let mut s = Session::new();
        assert!(containers_merge(&s.merge().expect("default")));
        assert_eq!(s.set(None, Some(custom(good)), false), Ok(()));
        assert!(containers_merge(&s.merge().expect("readable")));

        // A custom resource registered before: the built-in schema is parsed after the custom one.
        let mut s = Session::new();
        assert!(s.wants_types());
        assert_eq!(s.saw_type("example.com/v1", "Gadget"), Ok(()));
        assert_eq!(s.set(None, Some(custom(good)), false), Ok(()));
        assert!(containers_merge(&s.merge().expect("readable")));

        // Only built-in kinds registered before: nothing flagged.
        let mut s = Session::new();
        assert_eq!(s.saw_type("apps/v1", "Deployment"), Ok(()));
        assert_eq!(s.set(None, Some(custom(good)), false), Ok(()));
        assert!(!containers_merge(&s.merge().expect("readable")));
    }

    #[test]
    fn versions() {
        let none = || None::<(Arc<str>, Origin, Reader)>;
        assert_eq!(
            Session::new().set(Some("v1.20.0"), none(), true),
            Err(SetError::UnknownVersion)
        );
        assert_eq!(
            Session::new().set(Some("v1.21.2"), Some(custom(good)), true),
            Err(SetError::Both)
        );
        assert_eq!(Session::new().set(Some(""), Some(custom(good)), true), Err(SetError::Both));
        let mut s = Session::new();
        assert_eq!(s.set(Some(""), none(), true), Ok(()));
        assert!(!s.is_set());
        assert_eq!(s.set(None, none(), false), Ok(()));
        assert!(!s.is_set());
        assert_eq!(s.set(Some("v1.21.2"), none(), false), Ok(()));
        assert!(s.is_set());
        assert_eq!(s.set(None, Some(custom(bad)), false), Ok(()));
        assert!(s.merge().is_ok());
    }

    #[test]
    fn a_broken_schema_fails_only_when_read() {
        let mut s = Session::new();
        assert_eq!(s.set(None, Some(custom(bad)), true), Ok(()));
        assert_eq!(s.saw_type("v1", "ConfigMap"), Ok(()));
        assert!(matches!(s.saw_type("example.com/v1", "Widget"), Err(TypeProblem::Unreadable(_))));
        let mut s = Session::new();
        assert_eq!(s.set(None, Some(custom(bad)), true), Ok(()));
        assert_eq!(
            s.merge().map(|_| ()).map_err(|u| u.invalid.message.clone()),
            Err("broken".to_string())
        );
    }

    #[test]
    fn cluster_scope_from_paths_is_refused() {
        let mut s = Session::new();
        assert_eq!(s.set(None, Some(custom(good)), true), Ok(()));
        assert!(s.wants_types());
        assert_eq!(s.saw_type("example.com/v1", "Widget"), Ok(()));
        assert!(matches!(
            s.saw_type("example.com/v1", "ClusterThing"),
            Err(TypeProblem::ClusterScoped { .. })
        ));
        // The precomputed table answers first.
        assert_eq!(s.saw_type("v1", "Namespace"), Ok(()));
    }
}
