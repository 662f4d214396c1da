//! Change sets: edits, creations and deletions, verification and collateral changes.

use super::*;
use crate::repo::Renders;

use crate::tree::of as tree;

fn cm(name: &str, namespace: Option<&str>, value: &str) -> String {
    let ns = namespace.map(|n| format!("  namespace: {n}\n")).unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{ns}data:\n  key: {value}\n"
    )
}

fn deployment(name: &str, image: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: {name}\n        image: {image}\n      - name: sidecar\n        image: proxy:1\n"
    )
}

fn verify(t: &FileTree, change: &ChangeSet, intents: &[Intent]) -> Verification {
    let mut renders = Renders::new();
    change.verify(&mut Repo::new(t, &mut renders), intents).unwrap()
}

#[test]
fn edits_creations_and_deletions() {
    let t = tree(&[("a.yaml", "x: 1\n"), ("b.yaml", "y: 1\n")]);
    let mut change = ChangeSet::new();
    change.write(&t, "a.yaml", "x: 2\n").unwrap();
    change.write(&t, "new/c.yaml", "z: 1\n").unwrap();
    change.delete(&t, "b.yaml").unwrap();
    let edits: Vec<&FileEdit> = change.edits().collect();
    assert_eq!(
        edits.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(),
        ["a.yaml", "b.yaml", "new/c.yaml"]
    );
    assert_eq!(
        edits.iter().map(|e| e.kind()).collect::<Vec<_>>(),
        [EditKind::Modify, EditKind::Delete, EditKind::Create]
    );
    assert_eq!(edits[0].diff, "--- a/a.yaml\n+++ b/a.yaml\n@@ -1 +1 @@\n-x: 1\n+x: 2\n");
    assert_eq!(edits[1].diff, "--- a/b.yaml\n+++ /dev/null\n@@ -1 +0,0 @@\n-y: 1\n");
    assert_eq!(edits[2].diff, "--- /dev/null\n+++ b/new/c.yaml\n@@ -0,0 +1 @@\n+z: 1\n");
    assert_eq!((edits[1].before.as_deref(), edits[1].after.as_deref()), (Some("y: 1\n"), None));
    assert_eq!((edits[2].before.as_deref(), edits[2].after.as_deref()), (None, Some("z: 1\n")));

    let after = change.apply(&t).unwrap();
    assert_eq!(after.text("a.yaml").as_deref(), Some("x: 2\n"));
    assert!(!after.is_file("b.yaml"));
    assert_eq!(after.text("new/c.yaml").as_deref(), Some("z: 1\n"));
    assert_eq!(t.text("a.yaml").as_deref(), Some("x: 1\n"), "the original tree is untouched");

    // Writing a file's current text drops its edit.
    change.write(&t, "./a.yaml", "x: 1\n").unwrap();
    assert_eq!(change.len(), 2);
}

#[test]
fn misuse_is_an_error() {
    let mut t = tree(&[("a.yaml", "x: 1\n")]);
    t.insert_bytes("bin", vec![0xff]).unwrap();
    let mut change = ChangeSet::new();
    assert!(matches!(change.write(&t, "../x", "a"), Err(ChangeError::Path(_))));
    assert!(matches!(change.write(&t, "bin", "a"), Err(ChangeError::NotText(_))));
    assert!(matches!(change.delete(&t, "nope"), Err(ChangeError::NothingToDelete(_))));
    change.write(&t, "a.yaml", "x: 2\n").unwrap();
    let other = tree(&[("a.yaml", "x: 9\n")]);
    assert_eq!(change.apply(&other).unwrap_err(), ChangeError::Stale("a.yaml".into()));
    let mut renders = Renders::new();
    assert!(change.verify(&mut Repo::new(&other, &mut renders), &[]).is_err());
}

#[test]
fn changed_spans_point_at_the_edit() {
    let edit = FileEdit::new(
        "f".into(),
        Some("image: a:1 # c\n".into()),
        Some("image: a:22 # c\n".into()),
    );
    let span = edit.changed_span().unwrap();
    assert_eq!(&edit.before.as_deref().unwrap()[span.range()], "1");
    let created = FileEdit::new("f".into(), None, Some("x".into()));
    assert_eq!(created.changed_span(), None);
    let deleted = FileEdit::new("f".into(), Some("abc".into()), None);
    assert_eq!(deleted.changed_span(), Some(Span::new(0, 3)));
    let multibyte = FileEdit::new("f".into(), Some("é1é".into()), Some("é2é".into()));
    let span = multibyte.changed_span().unwrap();
    assert_eq!(&multibyte.before.as_deref().unwrap()[span.range()], "1");
}

/// Issue 14: resources pair by group, kind, namespace and name. Two `ConfigMap/cfg` in
/// namespaces `a` and `b` are two objects; the old pairing by kind and name diffed one against
/// the other.
#[test]
fn rendered_diffs_pair_resources_by_namespace() {
    let t = tree(&[
        ("o/kustomization.yaml", "resources: [a.yaml, b.yaml]\n"),
        ("o/a.yaml", &cm("cfg", Some("a"), "one")),
        ("o/b.yaml", &cm("cfg", Some("b"), "two")),
    ]);
    let mut change = ChangeSet::new();
    change.write(&t, "o/b.yaml", cm("cfg", Some("b"), "three")).unwrap();
    let v = verify(&t, &change, &[Intent::overlay("o")]);
    let overlay = v.overlay("o").unwrap();
    assert_eq!(
        overlay.diff,
        "--- a/o/ConfigMap/b/cfg\n+++ b/o/ConfigMap/b/cfg\n@@ -1,6 +1,6 @@\n apiVersion: v1\n data:\n-  key: two\n+  key: three\n kind: ConfigMap\n metadata:\n   name: cfg\n"
    );
    assert_eq!(overlay.resources.len(), 1);
    assert_eq!(overlay.resources[0].resource.namespace.as_deref(), Some("b"));
    assert!(v.collateral.is_empty() && v.diagnostics.is_empty(), "{:?}", v.diagnostics);
}

#[test]
fn undeclared_changes_are_collateral_with_a_warning_at_the_edit() {
    let t = tree(&[
        (
            "o/kustomization.yaml",
            "resources: [web.yaml, api.yaml]\nimages:\n- name: shared\n  newTag: \"1\"\n",
        ),
        ("o/web.yaml", &deployment("web", "shared:0")),
        ("o/api.yaml", &deployment("api", "shared:0")),
    ]);
    let mut change = ChangeSet::new();
    let text = t.text("o/kustomization.yaml").unwrap().replace("\"1\"", "\"2\"");
    change.write(&t, "o/kustomization.yaml", text).unwrap();
    let v = verify(&t, &change, &[Intent::image("Deployment", "web", "web", "shared:2")]);
    let overlay = v.overlay("o").unwrap();
    assert_eq!(overlay.resources.len(), 2);
    assert!(overlay.resources.iter().any(|r| r.resource.name == "web" && r.intended));
    assert_eq!(v.collateral.len(), 1, "{:?}", v.collateral);
    let c = &v.collateral[0];
    assert_eq!(
        (c.overlay.as_str(), c.resource.name.as_str(), c.change),
        ("o", "api", Change::Modified)
    );
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].path, "spec.template.spec.containers.[name=api].image");
    assert_eq!(
        (c.fields[0].before.as_deref(), c.fields[0].after.as_deref()),
        (Some("shared:1"), Some("shared:2"))
    );
    assert_eq!(
        c.message,
        "o: the change also alters Deployment/api: spec.template.spec.containers.[name=api].image shared:1 → shared:2"
    );
    assert_eq!(v.diagnostics.len(), 1);
    let d = &v.diagnostics[0];
    assert_eq!((d.code, d.severity), ("R009", crate::Severity::Warning));
    assert_eq!(d.file.as_deref(), Some("o/kustomization.yaml"));
    assert_eq!(&t.text("o/kustomization.yaml").unwrap()[d.span.unwrap().range()], "1");
    assert!(d.range.is_some(), "located in the tree");
    // The sidecar's image did not change and is not listed.
    assert!(overlay.resources.iter().all(|r| r.fields.iter().all(|f| !f.path.contains("sidecar"))));
    // Declaring both is no collateral.
    let both = [
        Intent::image("Deployment", "web", "web", "shared:2"),
        Intent::image("Deployment", "api", "api", "shared:2"),
    ];
    assert!(verify(&t, &change, &both).collateral.is_empty());
    // The wrong image is not what was declared.
    let wrong = [Intent::image("Deployment", "web", "web", "shared:3")];
    assert_eq!(verify(&t, &change, &wrong).collateral.len(), 2);
}

#[test]
fn every_overlay_that_reads_a_touched_path_is_verified() {
    let t = tree(&[
        ("base/kustomization.yaml", "resources: [cm.yaml]\n"),
        ("base/cm.yaml", &cm("cfg", None, "one")),
        ("dev/kustomization.yaml", "resources: [../base]\nnamespace: dev\n"),
        ("prod/kustomization.yaml", "resources: [../base]\nnamespace: prod\n"),
        ("other/kustomization.yaml", "resources: [cm.yaml]\n"),
        ("other/cm.yaml", &cm("x", None, "one")),
        (
            "comp/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
        ),
    ]);
    let mut change = ChangeSet::new();
    change.write(&t, "base/cm.yaml", cm("cfg", None, "two")).unwrap();
    let v = verify(&t, &change, &[Intent { overlay: Some("dev".into()), ..Intent::default() }]);
    let dirs: Vec<&str> = v.overlays.iter().map(|o| o.dir.as_str()).collect();
    assert_eq!(dirs, ["base", "dev", "prod"]);
    let collateral: Vec<(&str, Option<&str>)> = v
        .collateral
        .iter()
        .map(|c| (c.overlay.as_str(), c.resource.namespace.as_deref()))
        .collect();
    assert_eq!(collateral, [("base", None), ("prod", Some("prod"))]);
    assert!(v.rendered_after("prod").unwrap().yaml.contains("key: two"));
    assert!(v.rendered_after("other").is_none());
}

#[test]
fn created_and_deleted_overlays() {
    let t = tree(&[
        ("base/kustomization.yaml", "resources: [cm.yaml]\n"),
        ("base/cm.yaml", &cm("cfg", None, "one")),
        ("old/kustomization.yaml", "resources: [../base]\nnamePrefix: old-\n"),
    ]);
    // A preview environment: a new overlay, declared as intended.
    let mut create = ChangeSet::new();
    create
        .write(&t, "pr-42/kustomization.yaml", "resources: [../base]\nnamePrefix: pr-42-\n")
        .unwrap();
    let v = verify(&t, &create, &[Intent::overlay("pr-42")]);
    let overlay = v.overlay("pr-42").unwrap();
    assert_eq!((overlay.before, overlay.after), (RenderState::Absent, RenderState::Renders));
    assert_eq!(overlay.resources[0].change, Change::Added);
    assert!(
        overlay.diff.starts_with(
            "--- a/pr-42/ConfigMap/pr-42-cfg\n+++ b/pr-42/ConfigMap/pr-42-cfg\n@@ -0,0 +1,6 @@\n"
        ),
        "{}",
        overlay.diff
    );
    assert!(v.collateral.is_empty() && v.diagnostics.is_empty(), "{:?}", v.diagnostics);
    // Undeclared, the same creation is collateral.
    let v = verify(&t, &create, &[]);
    assert_eq!(v.collateral[0].message, "pr-42: the change also adds ConfigMap/pr-42-cfg");
    assert_eq!(v.diagnostics[0].file.as_deref(), Some("pr-42/kustomization.yaml"));
    // Its removal.
    let mut delete = ChangeSet::new();
    delete.delete(&t, "old/kustomization.yaml").unwrap();
    let v = verify(&t, &delete, &[Intent::overlay("old")]);
    let overlay = v.overlay("old").unwrap();
    assert_eq!((overlay.before, overlay.after), (RenderState::Renders, RenderState::Absent));
    assert_eq!(overlay.resources[0].change, Change::Removed);
    assert!(v.ok() && v.collateral.is_empty());
}

#[test]
fn a_change_that_breaks_a_render_is_an_error() {
    let t = tree(&[
        ("o/kustomization.yaml", "resources: [cm.yaml]\n"),
        ("o/cm.yaml", &cm("cfg", None, "one")),
    ]);
    let mut change = ChangeSet::new();
    change.write(&t, "o/cm.yaml", "kind: [\n").unwrap();
    let v = verify(&t, &change, &[Intent::overlay("o")]);
    assert!(!v.ok());
    let d = &v.diagnostics[0];
    assert_eq!(d.code, "R010");
    assert!(d.message.starts_with("after the change, o no longer renders: "), "{}", d.message);
    assert_eq!(d.file.as_deref(), Some("o/cm.yaml"));
    assert_eq!(v.overlay("o").unwrap().after, RenderState::Fails);
}

#[test]
fn field_paths_and_values() {
    let before = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    app.kubernetes.io/v: \"1\"\ndata:\n  n: \"1\"\n  list: x\nspec:\n  ports:\n  - 80\n  - 81\n";
    let after = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    app.kubernetes.io/v: \"2\"\ndata:\n  n: 1\n  list: [a, {b: c}]\nspec:\n  ports:\n  - 80\n";
    let t = tree(&[("o/kustomization.yaml", "resources: [c.yaml]\n"), ("o/c.yaml", before)]);
    let mut change = ChangeSet::new();
    change.write(&t, "o/c.yaml", after).unwrap();
    let v = verify(&t, &change, &[]);
    let fields: Vec<String> = v.collateral[0].fields.iter().map(FieldChange::describe).collect();
    assert_eq!(
        fields,
        [
            "data.list x → [a, {b: c}]",
            "data.n \"1\" → 1",
            "metadata.annotations.[app.kubernetes.io/v] \"1\" → \"2\"",
            "spec.ports.1 81 → ∅",
        ]
    );
    let field = Intent {
        expect: Expect::Field {
            path: "metadata.annotations.[app.kubernetes.io/v]".into(),
            value: Some("2".into()),
        },
        ..Intent::default()
    };
    let v = verify(&t, &change, &[field]);
    assert_eq!(v.collateral[0].fields.len(), 3);
}

#[test]
fn work_is_metered() {
    let t = tree(&[
        ("o/kustomization.yaml", "resources: [c.yaml]\n"),
        ("o/c.yaml", &cm("cfg", None, "one")),
    ]);
    let mut change = ChangeSet::new();
    change.write(&t, "o/c.yaml", cm("cfg", None, "two")).unwrap();
    let mut renders = Renders::new();
    let before = renders.stats().steps;
    change.verify(&mut Repo::new(&t, &mut renders), &[]).unwrap();
    assert!(renders.stats().steps > before);
    renders.set_work_limit(Some(renders.stats().steps));
    let v = change.verify(&mut Repo::new(&t, &mut renders), &[]).unwrap();
    assert!(v.diagnostics.iter().any(|d| d.code == "R013"), "{:?}", v.diagnostics);
}

/// `Intent::substitution` explains a value that is its old text with `old` replaced by `new`
/// (once, anywhere in it), and nothing else.
#[test]
fn substitution_intents_explain_exactly_the_replaced_text() {
    let intent = Intent::substitution("2.0.0", "2.1.0");
    let explains =
        |before: Option<&str>, after: Option<&str>| intent.explains("x", &[], before, after);
    assert!(explains(Some("app:2.0.0"), Some("app:2.1.0")));
    assert!(explains(Some("2.0.0"), Some("2.1.0")));
    assert!(explains(Some("2.0.0-2.0.0"), Some("2.0.0-2.1.0")), "any one occurrence");
    assert!(!explains(Some("app:2.0.0"), Some("app:2.1.0-x")), "more than the replacement");
    assert!(!explains(Some("app:2.0.0"), Some("other:2.1.0")));
    assert!(!explains(Some("app:1"), Some("app:2.1.0")), "old is not in the value");
    assert!(!explains(None, Some("2.1.0")), "an added field");
    assert!(!explains(Some("2.0.0"), None), "a removed field");
    assert!(!Intent::substitution("", "x").explains("x", &[], Some("a"), Some("xa")));
    assert!(explains(Some("é2.0.0é"), Some("é2.1.0é")), "multi-byte text around it");
    assert!(!explains(Some("é2.0.0é"), Some("é")), "a shorter value");
}
