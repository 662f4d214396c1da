//! Generator behaviour, checked against outputs of kustomize v5.8.1 (`kubectl kustomize`
//! from kubectl v1.37.1) for the same inputs.

use crate::diagnostic::{Code, Diagnostic};
use crate::kustomize::{Rendered, render};
use crate::source::{ParseCache, Source};
use crate::tree::FileTree;

fn render_files(files: &[(&str, &[u8])], dir: &str) -> Rendered {
    let mut tree = FileTree::new();
    for (path, content) in files {
        tree.insert_bytes(path, content.to_vec()).unwrap();
    }
    let mut cache = ParseCache::default();
    let mut source = Source::new(&tree, &mut cache);
    render(&mut source, dir).0
}

fn errors(rendered: &Rendered) -> Vec<&Diagnostic> {
    rendered.diagnostics.iter().filter(|d| d.is_error()).collect()
}

fn assert_renders(files: &[(&str, &[u8])], dir: &str, expected: &str) {
    let rendered = render_files(files, dir);
    assert!(rendered.ok(), "errors: {:#?}", errors(&rendered));
    assert_eq!(rendered.yaml, expected);
}

/// The one error of a failed render, with the text its span covers.
fn single_error(files: &[(&str, &[u8])], dir: &str) -> (Diagnostic, String) {
    let rendered = render_files(files, dir);
    let errors = errors(&rendered);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(rendered.yaml.is_empty());
    let d = errors[0].clone();
    let file = d.file.clone().unwrap_or_default();
    let text = files
        .iter()
        .find(|(p, _)| *p == file)
        .map(|(_, c)| String::from_utf8_lossy(c).into_owned())
        .unwrap_or_default();
    let covered = d.span.map(|s| text[s.range()].to_string()).unwrap_or_default();
    (d, covered)
}

#[test]
fn literals_envs_files_and_options() {
    let kustomization = b"generatorOptions:
  labels:
    global: g
    shared: from-global
  annotations:
    note: global
  immutable: true
configMapGenerator:
- name: cm
  namespace: ns1
  envs: [a.env]
  literals: [B=2]
  files: [t.txt, bin=bin.dat]
  options:
    labels:
      shared: from-local
    disableNameSuffixHash: true
secretGenerator:
- name: sec
  type: kubernetes.io/tls
  literals: [tls.crt=abc, tls.key=def]
  files: [bin.dat]
";
    let files: &[(&str, &[u8])] = &[
        ("kustomization.yaml", kustomization),
        ("a.env", b"A=1\n"),
        ("bin.dat", b"\x89PNG\r\n"),
        ("t.txt", b"hello\n"),
    ];
    assert_renders(
        files,
        "",
        "apiVersion: v1
binaryData:
  bin: iVBORw0K
data:
  A: \"1\"
  B: \"2\"
  t.txt: |
    hello
immutable: true
kind: ConfigMap
metadata:
  annotations:
    note: global
  labels:
    global: g
    shared: from-local
  name: cm
  namespace: ns1
---
apiVersion: v1
data:
  bin.dat: iVBORw0K
  tls.crt: YWJj
  tls.key: ZGVm
immutable: true
kind: Secret
metadata:
  annotations:
    note: global
  labels:
    global: g
    shared: from-global
  name: sec-bct7cbh572
type: kubernetes.io/tls
",
    );
}

#[test]
fn binary_files_and_long_base64() {
    let kustomization = b"configMapGenerator:
- name: assets
  files:
  - logo=logo.bin
  - notes.txt
secretGenerator:
- name: blob
  files:
  - logo.bin
  literals:
  - long=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
";
    let files: &[(&str, &[u8])] = &[
        ("kustomization.yaml", kustomization),
        ("notes.txt", b"line one\nline two\n"),
        ("logo.bin", &[0x89, 0x50, 0x4e, 0x47, 0xff, 0x00, 0x01]),
    ];
    assert_renders(
        files,
        "",
        "apiVersion: v1
binaryData:
  logo: iVBOR/8AAQ==
data:
  notes.txt: |
    line one
    line two
kind: ConfigMap
metadata:
  name: assets-6k9kcmh9gt
---
apiVersion: v1
data:
  logo.bin: iVBOR/8AAQ==
  long: |
    YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYW
    FhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh
kind: Secret
metadata:
  name: blob-m8fhftb22k
type: Opaque
",
    );
}

#[test]
fn empty_generators_and_unvalidated_keys() {
    let kustomization = b"configMapGenerator:
- name: a
  literals:
  - \"bad key!=x\"
  - k=v
- name: b
secretGenerator:
- name: s
";
    let rendered = render_files(&[("kustomization.yaml", kustomization)], "");
    assert!(rendered.ok());
    assert_eq!(
        rendered.yaml,
        "apiVersion: v1
data:
  bad key!: x
  k: v
kind: ConfigMap
metadata:
  name: a-t8kcb8f2h6
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b-6ct58987ht
---
apiVersion: v1
data: {}
kind: Secret
metadata:
  name: s-46f8b28mk5
type: Opaque
"
    );
    let warnings: Vec<&Diagnostic> =
        rendered.diagnostics.iter().filter(|d| d.code == "K018").collect();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].message.contains("\"bad key!\""));
}

const MERGE_BASE: &[u8] = b"namePrefix: p-
resources: [cm.yaml]
configMapGenerator:
- name: gen
  literals: [A=1, B=1]
  options:
    labels: {keep: base, over: base}
    annotations: {a: base}
- name: nohash
  literals: [A=1]
  options:
    disableNameSuffixHash: true
secretGenerator:
- name: s
";

const MERGE_PLAIN: &[u8] = b"apiVersion: v1
kind: ConfigMap
metadata:
  name: plain
  labels:
    flag: true
data:
  n: 1
  x: \"y\"
immutable: true
";

#[test]
fn merge_layers_data_and_metadata_over_the_existing_resource() {
    let overlay = b"resources: [../base]
configMapGenerator:
- name: gen
  behavior: merge
  literals: [B=2, C=3]
  options:
    labels: {over: overlay}
- name: nohash
  behavior: merge
  literals: [Z=9]
- name: plain
  behavior: merge
  literals: [x=z]
secretGenerator:
- name: s
  behavior: merge
";
    let files: &[(&str, &[u8])] = &[
        ("base/kustomization.yaml", MERGE_BASE),
        ("base/cm.yaml", MERGE_PLAIN),
        ("overlay/kustomization.yaml", overlay),
    ];
    // The hash suffix survives only where both sides asked for one; the plain ConfigMap's
    // values become strings and its `immutable` is gone; a Secret merged from nothing loses
    // even its empty `data`.
    assert_renders(
        files,
        "overlay",
        "apiVersion: v1
data:
  A: \"1\"
  B: \"2\"
  C: \"3\"
kind: ConfigMap
metadata:
  annotations:
    a: base
  labels:
    keep: base
    over: overlay
  name: p-gen-9kbc4chkmf
---
apiVersion: v1
data:
  A: \"1\"
  Z: \"9\"
kind: ConfigMap
metadata:
  name: p-nohash
---
apiVersion: v1
data:
  \"n\": \"1\"
  x: z
kind: ConfigMap
metadata:
  labels:
    flag: \"true\"
  name: p-plain
---
apiVersion: v1
kind: Secret
metadata:
  name: p-s-8226t8dd99
type: Opaque
",
    );
}

#[test]
fn replace_keeps_only_identity_labels_and_annotations() {
    let base = b"resources: [cm.yaml]
configMapGenerator:
- name: gen
  namespace: team
  literals: [A=1]
  options:
    labels: {keep: base}
";
    let plain = b"apiVersion: v1
kind: ConfigMap
metadata:
  name: plain
  namespace: default
  annotations: {x: \"1\"}
data:
  n: \"1\"
";
    let overlay = b"resources: [../base]
configMapGenerator:
- name: gen
  namespace: team
  behavior: replace
  literals: [B=2]
- name: plain
  behavior: replace
  literals: [x=z]
  options:
    annotations: {why: \"2\"}
";
    let files: &[(&str, &[u8])] = &[
        ("base/kustomization.yaml", base),
        ("base/cm.yaml", plain),
        ("overlay/kustomization.yaml", overlay),
    ];
    assert_renders(
        files,
        "overlay",
        "apiVersion: v1
data:
  x: z
kind: ConfigMap
metadata:
  annotations:
    why: \"2\"
    x: \"1\"
  name: plain
  namespace: default
---
apiVersion: v1
data:
  B: \"2\"
kind: ConfigMap
metadata:
  labels:
    keep: base
  name: gen-588tk542k9
  namespace: team
",
    );
}

#[test]
fn behavior_errors_point_at_the_entry() {
    let base = b"configMapGenerator:\n- name: settings\n  literals: [A=1]\n";
    let overlay =
        b"resources: [../base]\nconfigMapGenerator:\n- name: settings\n  literals: [B=2]\n";
    let (d, covered) = single_error(
        &[("base/kustomization.yaml", base), ("overlay/kustomization.yaml", overlay)],
        "overlay",
    );
    assert_eq!(d.code, Code::GeneratorInvalid.as_str());
    assert_eq!(
        d.message,
        "id ConfigMap.v1.[noGrp]/settings.[noNs] exists; can not use behavior: 'unspecified', behavior must be merge or replace"
    );
    assert_eq!(d.file.as_deref(), Some("overlay/kustomization.yaml"));
    assert_eq!(covered, "settings");
    assert_eq!(d.related[0].file, "base/kustomization.yaml");

    let lonely = b"configMapGenerator:\n- name: settings\n  behavior: merge\n  literals: [A=1]\n";
    let (d, covered) = single_error(&[("kustomization.yaml", lonely)], "");
    assert_eq!(
        d.message,
        "id ConfigMap.v1.[noGrp]/settings.[noNs] does not exist; cannot merge or replace"
    );
    assert_eq!(covered, "merge");
}

#[test]
fn merge_matches_the_namespace_before_the_namespace_transformer() {
    let base = b"configMapGenerator:\n- name: settings\n  literals: [A=1]\n";
    let overlay = b"namespace: prod\nresources: [../base]\nconfigMapGenerator:\n- name: settings\n  namespace: prod\n  behavior: merge\n  literals: [B=2]\n";
    let (d, _) = single_error(
        &[("base/kustomization.yaml", base), ("overlay/kustomization.yaml", overlay)],
        "overlay",
    );
    assert_eq!(
        d.message,
        "id ConfigMap.v1.[noGrp]/settings.prod does not exist; cannot merge or replace"
    );
}

#[test]
fn repeated_keys_across_sources() {
    let kustomization =
        b"configMapGenerator:\n- name: app-env\n  envs:\n  - app.env\n  literals:\n  - DB_PORT=1\n";
    let (d, covered) =
        single_error(&[("kustomization.yaml", kustomization), ("app.env", b"DB_PORT=5432\n")], "");
    assert_eq!(d.message, "ConfigMap app-env illegally repeats the key `DB_PORT`");
    assert_eq!(covered, "DB_PORT=1");
    assert_eq!(d.related.len(), 1);
}

#[test]
fn invalid_sources() {
    let cases: &[(&[u8], &str, &str)] = &[
        (
            b"configMapGenerator:\n- name: x\n  literals: [novalue]\n",
            "invalid literal source novalue, expected key=value",
            "novalue",
        ),
        (
            b"configMapGenerator:\n- name: x\n  files: [\"=a.txt\"]\n",
            "missing key name for file path \"a.txt\" in source \"=a.txt\"",
            "\"=a.txt\"",
        ),
        (
            b"configMapGenerator:\n- name: x\n  files: [d]\n",
            "'d' must resolve to a file, not a directory",
            "d",
        ),
        (
            b"secretGenerator:\n- literals: [a=b]\n",
            "a Secret generator must have a name",
            "literals: [a=b]",
        ),
        (
            b"configMapGenerator:\n- name: x\n  envs: [bad.env]\n",
            "line 2 of env file 'bad.env' is not valid UTF-8",
            "bad.env",
        ),
    ];
    for (kustomization, message, span) in cases {
        let files: &[(&str, &[u8])] = &[
            ("kustomization.yaml", kustomization),
            ("d/a.txt", b"x"),
            ("bad.env", b"A=1\nB=\xff\n"),
        ];
        let (d, covered) = single_error(files, "");
        assert_eq!(d.message, *message);
        assert_eq!(covered, *span, "{message}");
    }
}

#[test]
fn files_must_stay_inside_the_kustomization() {
    let overlay = b"secretGenerator:\n- name: db\n  envs:\n  - ../secrets/db.env\n";
    let files: &[(&str, &[u8])] =
        &[("overlay/kustomization.yaml", overlay), ("secrets/db.env", b"A=1\n")];
    let (d, covered) = single_error(files, "overlay");
    assert_eq!(d.code, Code::LoadRestriction.as_str());
    assert_eq!(covered, "../secrets/db.env");
    let missing = b"configMapGenerator:\n- name: x\n  files: [nginx.conf]\n";
    let (d, _) = single_error(&[("kustomization.yaml", missing)], "");
    assert_eq!(d.code, Code::ResourceNotFound.as_str());
}

#[test]
fn ignored_env_lines_are_warnings() {
    let kustomization = b"configMapGenerator:\n- name: x\n  envs: [a.env]\n";
    let rendered =
        render_files(&[("kustomization.yaml", kustomization), ("a.env", b"=skipped\nA=1\n")], "");
    assert!(rendered.ok());
    assert!(rendered.yaml.contains("  A: \"1\"\n"));
    assert!(rendered.diagnostics.iter().any(|d| d.code == "K018" && d.message.contains("line 1")));
}

#[test]
fn generated_nodes_point_at_the_kustomization() {
    let kustomization = b"configMapGenerator:\n- name: app\n  literals:\n  - A=1\n";
    let mut tree = FileTree::new();
    tree.insert_bytes("kustomization.yaml", kustomization.to_vec()).unwrap();
    let mut cache = ParseCache::default();
    let mut source = Source::new(&tree, &mut cache);
    let mut b = crate::kustomize::context::Builder::new(&mut source);
    let (_, acc) = b.accumulate_dir("", None).unwrap();
    let r = &acc.resources[0];
    assert_eq!(&*r.source, "kustomization.yaml");
    assert!(r.needs_hash);
    let text = std::str::from_utf8(kustomization).unwrap();
    let value = r.node.path(&["data", "A"]).unwrap();
    assert_eq!(&text[value.origin.span.range()], "A=1");
    let name = r.node.path(&["metadata", "name"]).unwrap();
    assert_eq!(&text[name.origin.span.range()], "app");
}

#[test]
fn keys_are_typed_when_printed_as_in_kustomize() {
    // kyaml writes generated keys plain and untagged, so kustomize fails to print a key
    // that reads as a boolean or number; and an unquoted `on` in the kustomization is YAML
    // 1.1's `true` before it becomes a label key.
    for kustomization in [
        &b"configMapGenerator:\n- name: gen\n  literals: [\"true=1\"]\n"[..],
        b"configMapGenerator:\n- name: gen\n  literals: [\"123=1\"]\n",
        b"configMapGenerator:\n- name: gen\n  literals: [A=1]\n  options:\n    labels: {on: x}\n",
    ] {
        let rendered = render_files(&[("kustomization.yaml", kustomization)], "");
        assert!(!rendered.ok(), "{}", String::from_utf8_lossy(kustomization));
    }
    let quoted = b"configMapGenerator:\n- name: gen\n  literals: [\"yes=1\"]\n  options:\n    labels: {\"on\": x}\n";
    let rendered = render_files(&[("kustomization.yaml", quoted)], "");
    assert!(rendered.ok());
    assert_eq!(
        rendered.yaml,
        "apiVersion: v1\ndata:\n  \"yes\": \"1\"\nkind: ConfigMap\nmetadata:\n  labels:\n    \"on\": x\n  name: gen-c777t2hfg2\n"
    );
}
