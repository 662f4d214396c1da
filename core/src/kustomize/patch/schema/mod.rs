//! The schema strategic merge consults: kustomize's embedded Kubernetes schema, and the
//! custom `OpenAPI` documents a kustomization can name with `openapi: {path: …}`.
//!
//! kyaml decides how to merge a list from the `OpenAPI` document compiled into kustomize
//! (Kubernetes v1.21.2 by default, plus kustomize's own `Kustomization` types): a list is
//! merged element by element only if its schema has `x-kubernetes-patch-strategy` containing
//! `merge`, keyed by `x-kubernetes-list-map-keys` when present and otherwise by
//! `x-kubernetes-patch-merge-key`; every other list is replaced. The schema of a resource is
//! found by its exact `(apiVersion, kind)`, and the merge descends it field by field.
//!
//! Shipping the whole document (3 MB) is out of the question, so `extract.py` (a dev-time
//! script, see `README.md`) reduces it to `table.txt`: only the definitions that lead to
//! merge lists, and every known `(apiVersion, kind)`. The table is parsed once, on first use;
//! this module's [`Schema`], [`for_type`] and [`list_strategy`] answer from it alone.
//!
//! One deliberate approximation: inside a known type, a field the table does not list has a
//! schema with nothing to merge ([`Schema::Leaf`]), even where kyaml would have none at all.
//! The difference matters only to kyaml's fallback of typing a nested mapping by its own
//! `apiVersion`/`kind`, which we therefore apply only where no schema is known (custom
//! resources), which is where it is useful.
//!
//! Custom schemas are handled by the submodules, in the order kustomize meets them:
//!
//! - [`value`] reads the file (strict JSON if it starts with `{`, else YAML via go-yaml v2's
//!   rules) into values with byte spans, for diagnostics;
//! - [`swagger`] decodes them as kube-openapi's `spec.Swagger` (with its type checks) into a
//!   [`Document`]: the definitions, the types they declare, and the scopes of `paths`;
//! - [`openapi`] layers a document with the built-in table into the [`OpenApi`] one render's
//!   merges consult ([`crate::kustomize::patch::strategic::merge_with`]);
//! - [`session`] replays kyaml's global schema state over a build (which kustomization's
//!   `openapi` wins, when the schema is parsed, whether the built-in one is kept), and
//!   [`scope`] holds kyaml's precomputed namespace scopes, which custom schemas cannot change.
//!
//! Nothing here is global: each render owns its [`session::Session`].

pub mod openapi;
pub mod scope;
pub mod session;
pub mod swagger;
pub mod value;

use std::sync::OnceLock;

pub use openapi::{At, Builtin, OpenApi};
pub use session::Session;
pub use swagger::Document;

use crate::vecmap::VecMap;

const TABLE: &str = include_str!("table.txt");

/// Where the merge stands in the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// A definition with fields that lead to merge lists.
    Def(usize),
    /// A merge list: definition index and field index.
    List(usize, usize),
    /// A known schema with nothing to merge below it.
    Leaf,
}

/// How strategic merge treats a list field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListStrategy {
    /// The patch's list replaces the target's.
    Replace,
    /// Elements are matched by these keys and merged.
    MergeByKeys(Vec<&'static str>),
    /// A list of scalars merged as a set (`merge` strategy without a key, e.g. `finalizers`).
    MergeSet,
}

/// The strategy for the list at `path` (field names from the resource root; list elements
/// are stepped into implicitly, and a `[]` segment is accepted and skipped).
#[must_use]
pub fn list_strategy(api_version: &str, kind: &str, path: &[&str]) -> ListStrategy {
    let mut schema = for_type(api_version, kind);
    for segment in path.iter().filter(|s| **s != "[]") {
        schema = schema
            .map(|s| if matches!(s, Schema::List(..)) { s.elements() } else { Some(s) })
            .and_then(|s| s?.field(segment));
    }
    match schema.and_then(Schema::merge_keys) {
        None => ListStrategy::Replace,
        Some([]) => ListStrategy::MergeSet,
        Some(keys) => ListStrategy::MergeByKeys(keys.to_vec()),
    }
}

/// The schema of a resource type, `None` for types kustomize does not know (custom resources).
#[must_use]
pub fn for_type(api_version: &str, kind: &str) -> Option<Schema> {
    let table = table();
    let def = table.types.get(&(api_version, kind))?;
    Some(def.map_or(Schema::Leaf, Schema::Def))
}

impl Schema {
    /// The schema of a mapping field.
    #[must_use]
    pub fn field(self, name: &str) -> Option<Schema> {
        let Schema::Def(def) = self else { return Some(Schema::Leaf) };
        let Some(fields) = table().defs.get(def).map(|d| &d.fields) else {
            return Some(Schema::Leaf);
        };
        let Ok(i) = fields.binary_search_by(|f| f.name.cmp(name)) else {
            return Some(Schema::Leaf);
        };
        Some(match &fields[i].kind {
            FieldKind::Object(target) => Schema::Def(*target),
            FieldKind::List { .. } => Schema::List(def, i),
        })
    }

    /// The schema of a merge list's elements (`None` where kyaml has none).
    #[must_use]
    pub fn elements(self) -> Option<Schema> {
        let Some(FieldKind::List { elements, .. }) = self.list_kind() else {
            return Some(Schema::Leaf);
        };
        match elements {
            Elements::Def(def) => Some(Schema::Def(*def)),
            Elements::Leaf => Some(Schema::Leaf),
            Elements::Absent => None,
        }
    }

    /// For a merge list, its keys (empty for a list merged as a set of scalars).
    #[must_use]
    pub fn merge_keys(self) -> Option<&'static [&'static str]> {
        match self.list_kind()? {
            FieldKind::List { keys, .. } => Some(keys),
            FieldKind::Object(_) => None,
        }
    }

    fn list_kind(self) -> Option<&'static FieldKind> {
        let Schema::List(def, field) = self else { return None };
        Some(&table().defs.get(def)?.fields.get(field)?.kind)
    }
}

struct Table {
    defs: Vec<Def>,
    types: VecMap<(&'static str, &'static str), Option<usize>>,
    /// Definition indices by full name (`io.k8s.api.core.v1.PodSpec`).
    by_name: VecMap<String, usize>,
}

struct Def {
    fields: Vec<Field>,
}

struct Field {
    name: &'static str,
    kind: FieldKind,
}

enum FieldKind {
    Object(usize),
    List { keys: Vec<&'static str>, elements: Elements },
}

enum Elements {
    Def(usize),
    Leaf,
    Absent,
}

fn table() -> &'static Table {
    static TABLE_CELL: OnceLock<Table> = OnceLock::new();
    TABLE_CELL.get_or_init(|| parse_table(TABLE).0)
}

/// Parses `table.txt`; also returns how many lines did not parse (zero for a good table).
fn parse_table(text: &'static str) -> (Table, usize) {
    let names = definition_names(text);
    let mut defs: Vec<Def> = Vec::with_capacity(names.len());
    defs.resize_with(names.len(), || Def { fields: Vec::new() });
    let mut types = VecMap::new();
    let mut bad = 0;
    let mut section = Section::None;
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if let Some(name) = line.strip_prefix("D ") {
            section = names.get(name).map_or(Section::None, |&i| Section::Def(i));
        } else if let Some(api_version) = line.strip_prefix("V ") {
            section = Section::Version(api_version);
        } else if let Some(row) = line.strip_prefix(' ') {
            let parsed = match section {
                Section::Def(i) => parse_field(row, &names).map(|f| defs[i].fields.push(f)),
                Section::Version(api_version) => parse_type(row, &names).map(|(kind, def)| {
                    types.insert((api_version, kind), def);
                }),
                Section::None => None,
            };
            bad += usize::from(parsed.is_none());
        } else {
            bad += 1;
        }
    }
    for def in &mut defs {
        crate::sort::sort_by(&mut def.fields, |a, b| a.name.cmp(b.name));
    }
    let by_name = names.iter().map(|(name, &i)| (full_name(name), i)).collect();
    (Table { defs, types, by_name }, bad)
}

/// The prefixes `table.txt` abbreviates (see `README.md`).
const PREFIXES: [(char, &str); 3] = [
    ('~', "io.k8s.api."),
    ('^', "io.k8s.apimachinery.pkg.apis."),
    ('%', "io.k8s.kube-aggregator.pkg.apis."),
];

/// A definition name of `table.txt` with its prefix spelled out.
fn full_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next().and_then(|c| PREFIXES.iter().find(|(p, _)| *p == c)) {
        Some((_, long)) => format!("{long}{}", chars.as_str()),
        None => name.to_string(),
    }
}

#[derive(Clone, Copy)]
enum Section {
    None,
    Def(usize),
    Version(&'static str),
}

fn definition_names(text: &'static str) -> VecMap<&'static str, usize> {
    let mut names = VecMap::new();
    for (i, name) in text.lines().filter_map(|l| l.strip_prefix("D ")).enumerate() {
        names.insert(name, i);
    }
    names
}

/// ` field Target` or ` field [k1,k2] Elements`.
fn parse_field(row: &'static str, names: &VecMap<&'static str, usize>) -> Option<Field> {
    let mut parts = row.split(' ');
    let name = parts.next()?;
    let second = parts.next()?;
    let kind = if let Some(keys) = second.strip_prefix('[').and_then(|k| k.strip_suffix(']')) {
        let keys = keys.split(',').filter(|k| !k.is_empty()).collect();
        let elements = match parts.next()? {
            "-" => Elements::Leaf,
            "!" => Elements::Absent,
            def => Elements::Def(*names.get(def)?),
        };
        FieldKind::List { keys, elements }
    } else {
        FieldKind::Object(*names.get(second)?)
    };
    parts.next().is_none().then_some(Field { name, kind })
}

/// ` Kind Definition` (or `-` for a type with nothing to merge).
fn parse_type(
    row: &'static str,
    names: &VecMap<&'static str, usize>,
) -> Option<(&'static str, Option<usize>)> {
    let (kind, def) = row.split_once(' ')?;
    if def == "-" {
        return Some((kind, None));
    }
    Some((kind, Some(*names.get(def)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_cleanly() {
        let (table, bad) = parse_table(TABLE);
        assert_eq!(bad, 0);
        assert!(table.defs.len() > 50);
        assert!(table.types.len() > 200);
    }

    #[test]
    fn pod_lists() {
        let keys = |p: &[&str]| list_strategy("apps/v1", "Deployment", p);
        assert_eq!(
            keys(&["spec", "template", "spec", "containers"]),
            ListStrategy::MergeByKeys(vec!["name"])
        );
        assert_eq!(
            keys(&["spec", "template", "spec", "containers", "ports"]),
            ListStrategy::MergeByKeys(vec!["containerPort", "protocol"])
        );
        assert_eq!(
            keys(&["spec", "template", "spec", "containers", "[]", "env"]),
            ListStrategy::MergeByKeys(vec!["name"])
        );
        assert_eq!(
            keys(&["spec", "template", "spec", "volumes"]),
            ListStrategy::MergeByKeys(vec!["name"])
        );
        assert_eq!(keys(&["spec", "template", "spec", "tolerations"]), ListStrategy::Replace);
        assert_eq!(
            keys(&["spec", "template", "spec", "containers", "args"]),
            ListStrategy::Replace
        );
        assert_eq!(keys(&["metadata", "finalizers"]), ListStrategy::MergeSet);
        assert_eq!(
            list_strategy("v1", "Service", &["spec", "ports"]),
            ListStrategy::MergeByKeys(vec!["port", "protocol"])
        );
        assert_eq!(
            list_strategy(
                "batch/v1",
                "CronJob",
                &["spec", "jobTemplate", "spec", "template", "spec", "initContainers"]
            ),
            ListStrategy::MergeByKeys(vec!["name"])
        );
    }

    #[test]
    fn definitions_are_known_by_full_name() {
        let table = table();
        let pod_spec = table.by_name.get("io.k8s.api.core.v1.PodSpec").copied();
        assert!(pod_spec.is_some());
        assert_eq!(for_type("v1", "Pod").and_then(|s| s.field("spec")), pod_spec.map(Schema::Def));
        assert!(table.by_name.contains_key("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
        assert_eq!(full_name("plain.Name"), "plain.Name");
    }

    #[test]
    fn unknown_types_have_no_schema() {
        assert_eq!(for_type("example.com/v1", "Widget"), None);
        assert_eq!(for_type("apps/v1beta2", "Deployment"), None);
        assert_eq!(for_type("v1", "ConfigMap").map(|s| s.field("data")), Some(Some(Schema::Leaf)));
        assert_eq!(
            list_strategy("example.com/v1", "Widget", &["spec", "containers"]),
            ListStrategy::Replace
        );
    }
}
