//! Strategic merge patch as kustomize applies it: kyaml's `merge2.Merge(patch, resource)`
//! with the options of the `patchstrategicmerge` filter.
//!
//! This is not the Kubernetes API server's strategic merge (apimachinery). kyaml walks the
//! target and the patch together and follows its own rules, which this module reproduces
//! rather than corrects, because the point is to print what `kustomize build` prints:
//!
//! - Mappings merge key by key; a `null` in the patch removes the key. The target's `null`s
//!   (`~`, `null`) survive, but an empty value (`key:`) is dropped.
//! - Scalars are replaced, but the new value takes the old value's style: replacing the
//!   quoted `"3"` with `5` gives the string `"5"`.
//! - Lists are replaced unless the schema gives them the `merge` strategy ([`super::schema`]:
//!   kustomize's built-in one, or a custom `openapi` document, see [`merge_with`]). Merge
//!   lists are matched by their keys; the result lists the patch's elements first, in patch
//!   order, then the target's other elements. Custom resources have no built-in schema, so
//!   all their lists are replaced (kyaml's key inference is off in kustomize).
//! - Directives: `$patch: delete|replace|merge` on a mapping, and as a lone `{$patch: …}`
//!   element of a merge list; `$patch: delete` at the top deletes the resource. A
//!   `$patch: replace` on a list element changes nothing (kyaml puts the old element back),
//!   nor does one at the top (kustomize keeps the resource's node, see [`merge`]).
//!   `$setElementOrder/…`, `$retainKeys` and `$deleteFromPrimitiveList/…` are not directives
//!   to kyaml: they are copied into the result as ordinary fields ([`literal_directives`]
//!   finds them, for a warning).
//!
//! The port is line for line ([`walk`] and [`filters`] name the Go functions) on an arena
//! that keeps Go's node sharing ([`arena`]). Every node of the result is a node of the target
//! or of the patch, or is made from one and carries its origin.

mod arena;
mod filters;
mod walk;

use self::arena::Arena;
use self::walk::Walker;
use super::PatchError;
use super::schema::OpenApi;
use crate::yaml::{Body, Node};

/// What a strategic merge did to the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeOutcome {
    /// The resource was merged (possibly into something quite different, with `$patch: replace`).
    Merged,
    /// The patch deleted the resource (`$patch: delete` at its top); the target is left as it
    /// was and should be dropped.
    Deleted,
}

/// Merges `patch` into `target` as kustomize's `Resource.ApplySmPatch` runs
/// `merge2.Merge(patch, target)`, with kustomize's default schema. The schema is chosen by
/// the target's `apiVersion` and `kind` (else the patch's). On error the target is unchanged.
///
/// kustomize keeps the resource's own node and ignores the node the merge returns, so only
/// changes made in place count: a top-level `$patch: replace` changes nothing. (Restoring the
/// resource's kind, name and namespace afterwards, as `ApplySmPatch` does, is the caller's.)
pub fn merge(target: &mut Node, patch: &Node) -> Result<MergeOutcome, PatchError> {
    merge_with(target, patch, OpenApi::builtin())
}

/// [`merge`] with the schema of a render that set `openapi` (see
/// [`super::schema::Session`]). A custom schema kyaml would crash on while merging (an
/// extension of the wrong type, say) is an error pointing into the schema file.
pub fn merge_with(
    target: &mut Node,
    patch: &Node,
    openapi: &OpenApi,
) -> Result<MergeOutcome, PatchError> {
    let mut arena = Arena::default();
    let dest = arena.import(target)?;
    let origin = arena.import(patch)?;
    let result = Walker { arena: &mut arena, openapi }.walk([Some(dest), Some(origin)], None, 0)?;
    if result.is_none() {
        return Ok(MergeOutcome::Deleted);
    }
    *target = arena.export(dest)?;
    Ok(MergeOutcome::Merged)
}

/// Keys of a patch that look like apimachinery directives kyaml does not implement
/// (`$setElementOrder/<list>`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`): kustomize
/// copies them into the output as ordinary fields. Returned as the key nodes, in order.
#[must_use]
pub fn literal_directives(patch: &Node) -> Vec<&Node> {
    let mut found = Vec::new();
    let mut stack = vec![patch];
    while let Some(node) = stack.pop() {
        match &node.body {
            Body::Map(entries) => {
                found.extend(
                    entries
                        .iter()
                        .map(|(k, _)| k)
                        .filter(|k| k.scalar().is_some_and(is_literal_directive)),
                );
                stack.extend(entries.iter().rev().map(|(_, v)| v));
            }
            Body::Seq(items) => stack.extend(items.iter().rev()),
            Body::Scalar(_) => {}
        }
    }
    found
}

fn is_literal_directive(key: &str) -> bool {
    key == "$retainKeys"
        || key.starts_with("$setElementOrder/")
        || key.starts_with("$deleteFromPrimitiveList/")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::{Limits, parse};

    fn doc(file: &str, text: &str) -> Node {
        let file: Arc<str> = Arc::from(file);
        let parsed = parse(&file, text, &Limits::default());
        assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
        parsed.documents.into_iter().next().map_or_else(Node::null, |d| d.root)
    }

    const TARGET: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: \"3\"\n  template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n      - name: side\n        image: side:1\n";

    fn containers(node: &Node) -> &[Node] {
        node.path(&["spec", "template", "spec", "containers"])
            .and_then(Node::as_seq)
            .unwrap_or_default()
    }

    #[test]
    fn patch_values_keep_their_origin() {
        let mut target = doc("base/deploy.yaml", TARGET);
        let patch_text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: side\n        image: side:2\n      - name: new\n        image: new:1\n";
        let patch = doc("overlay/patch.yaml", patch_text);
        assert_eq!(merge(&mut target, &patch), Ok(MergeOutcome::Merged));
        let names: Vec<_> =
            containers(&target).iter().map(|c| c.get_str("name").unwrap_or_default()).collect();
        assert_eq!(names, ["side", "new", "app"]);
        let image =
            |i: usize| containers(&target)[i].get("image").cloned().unwrap_or_else(Node::null);
        let side = image(0);
        assert_eq!(side.scalar(), Some("side:2"));
        assert_eq!(side.origin.file.as_deref(), Some("overlay/patch.yaml"));
        assert_eq!(&patch_text[side.origin.span.range()], "side:2");
        assert_eq!(image(1).origin.file.as_deref(), Some("overlay/patch.yaml"));
        let app = image(2);
        assert_eq!(app.origin.file.as_deref(), Some("base/deploy.yaml"));
        assert_eq!(&TARGET[app.origin.span.range()], "app:1");
    }

    #[test]
    fn a_new_value_takes_the_old_style_and_so_its_type() {
        let mut target = doc("t.yaml", TARGET);
        let patch = doc(
            "p.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 5\n",
        );
        merge(&mut target, &patch).expect("merges");
        let replicas = target.path(&["spec", "replicas"]).cloned().unwrap_or_else(Node::null);
        assert_eq!(replicas.as_str(), Some("5"));
        assert_eq!(replicas.origin.file.as_deref(), Some("p.yaml"));
    }

    #[test]
    fn top_level_delete_deletes_and_errors_leave_the_target_alone() {
        let mut target = doc("t.yaml", TARGET);
        let before = target.clone();
        let delete = doc(
            "p.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n$patch: delete\n",
        );
        assert_eq!(merge(&mut target, &delete), Ok(MergeOutcome::Deleted));
        assert_eq!(target, before);
        let bad = doc(
            "p.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas:\n    a: 1\n",
        );
        let err = merge(&mut target, &bad).expect_err("kind mismatch");
        assert_eq!(err.message, "wrong node kind: expected ScalarNode but got MappingNode");
        assert_eq!(err.origin().and_then(|o| o.file.as_deref()), Some("p.yaml"));
        assert_eq!(target, before);
    }

    #[test]
    fn unknown_directives_are_errors_with_their_place() {
        let mut target = doc("t.yaml", TARGET);
        let patch = doc(
            "p.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  $patch: nope\n",
        );
        let err = merge(&mut target, &patch).expect_err("unknown directive");
        assert_eq!(err.to_string(), "unknown patch strategy 'nope'");
        assert!(err.origin().is_some());
    }

    #[test]
    fn a_custom_schema_gives_merge_keys_and_its_faults_point_into_it() {
        use crate::kustomize::patch::schema::{Builtin, OpenApi, swagger, value};
        let file: Arc<str> = Arc::from("schemas/widget.json");
        let text = r#"{"definitions": {"w": {
            "x-kubernetes-group-version-kind": [{"group": "example.com", "version": "v1", "kind": "Widget"}],
            "properties": {"spec": {"properties": {
              "parts": {"type": "array", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name"},
              "bad": {"type": "array", "x-kubernetes-patch-strategy": ["merge"]}
            }}}}}}"#;
        let parsed = value::read(&file, text).expect("json");
        let document = Arc::new(swagger::decode(&file, &parsed).expect("schema"));
        let openapi = OpenApi::with_custom(document, Builtin::Absent);
        let target_text = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  parts:\n  - name: a\n    n: 1\n  - name: b\n    n: 2\n";
        let patch_text = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  parts:\n  - name: b\n    n: 3\n";
        let mut target = doc("w.yaml", target_text);
        assert_eq!(
            merge_with(&mut target, &doc("p.yaml", patch_text), &openapi),
            Ok(MergeOutcome::Merged)
        );
        let parts = target.path(&["spec", "parts"]).and_then(Node::as_seq).unwrap_or_default();
        let names: Vec<_> = parts.iter().map(|p| p.get_str("name").unwrap_or_default()).collect();
        assert_eq!(names, ["b", "a"]);
        // The default schema knows nothing of Widgets: the list is replaced.
        let mut plain = doc("w.yaml", target_text);
        merge(&mut plain, &doc("p.yaml", patch_text)).expect("merges");
        assert_eq!(
            plain.path(&["spec", "parts"]).and_then(Node::as_seq).map(<[Node]>::len),
            Some(1)
        );
        // A strategy that is not a string is where kustomize panics.
        let bad =
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  bad: [x]\n";
        let err = merge_with(&mut target, &doc("p.yaml", bad), &openapi).expect_err("fault");
        let origin = err.origin().cloned().unwrap_or_default();
        assert_eq!(origin.file.as_deref(), Some("schemas/widget.json"));
        assert_eq!(&text[origin.span.range()], r#"["merge"]"#);
    }

    #[test]
    fn literal_directive_keys_are_found() {
        let patch = doc(
            "p.yaml",
            "spec:\n  $retainKeys: [a]\n  list:\n  - $setElementOrder/x: []\n    $deleteFromPrimitiveList/y: [1]\n  $patch: delete\n",
        );
        let keys: Vec<_> = literal_directives(&patch).iter().filter_map(|k| k.scalar()).collect();
        assert_eq!(keys, ["$retainKeys", "$setElementOrder/x", "$deleteFromPrimitiveList/y"]);
    }
}
