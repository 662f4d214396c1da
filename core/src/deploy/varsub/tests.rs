//! Post-build substitution as kustomize-controller runs it. Expectations are read off the
//! code: fluxcd/pkg e2cfd1a `kustomize/kustomize_varsub.go` (which variables, in which order,
//! the `disabled` label/annotation, name validation, `res.AsYAML()` → envsubst →
//! `yaml.YAMLToJSON` → `res.UnmarshalJSON`), `envsubst/` (the language), and go-yaml v2's
//! `resolve.go` (YAML 1.1 typing of the substituted text: `yes` is a boolean, `0755` an
//! octal integer, an empty value null); kustomize-controller 186fb3b
//! `internal/controller/kustomization_controller.go` (`build` substitutes, `apply` sets
//! common metadata afterwards).

use crate::deploy::tests::tree;
use crate::deploy::{DeploymentRender, DeploymentRequest, render};
use crate::repo::{Renders, Repo};
use crate::tree::FileTree;

const KS: &str = "apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: sub
  namespace: flux-system
spec:
  interval: 5m
  path: ./apps/sub
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
";

fn render_with(files: &[(&str, &str)], flux_spec_tail: &str) -> DeploymentRender {
    let ks = format!("{KS}{flux_spec_tail}");
    let mut all: Vec<(&str, &str)> = files.to_vec();
    all.push(("clusters/c/sub.yaml", &ks));
    let tree: FileTree = tree(&all);
    let mut renders = Renders::new();
    let mut repo = Repo::new(&tree, &mut renders);
    render(&mut repo, &DeploymentRequest::parse("flux:flux-system/sub").unwrap())
}

const CM: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  region: ${REGION}
  tier: ${TIER:=gold}
  escaped: $${REGION}
  missing: ${NOPE}
  greeting: \"${GREETING:-hi} there\"
  mode: ${MODE}
  big: ${BIG}
  self: ${SELF}
";

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${REPLICAS}
  paused: ${PAUSED}
  template:
    spec:
      containers:
      - name: web
        image: nginx:${TAG:=1.25}
        env:
        - name: PORT
          value: \"${PORT}\"
";

const OFF: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: off
  annotations:
    kustomize.toolkit.fluxcd.io/substitute: disabled
data:
  x: ${REGION}
";

const KUSTOMIZATION: &str = "resources:\n- cm.yaml\n- deploy.yaml\n- off.yaml\n";

const VARS: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-vars
  namespace: flux-system
data:
  TIER: silver
  REGION: us-east-1
";

/// `hello` in base64.
const SECRET: &str = "apiVersion: v1
kind: Secret
metadata:
  name: cluster-secrets
  namespace: flux-system
data:
  GREETING: aGVsbG8=
";

const POST: &str = "  postBuild:
    substitute:
      REGION: eu-west-1
      REPLICAS: \"3\"
      PAUSED: \"yes\"
      MODE: \"0755\"
      PORT: \"8080\"
      BIG: \"12345678901234567891\"
      SELF: \"${SELF}\"
    substituteFrom:
    - kind: ConfigMap
      name: cluster-vars
    - kind: Secret
      name: cluster-secrets
";

fn files() -> Vec<(&'static str, &'static str)> {
    vec![
        ("apps/sub/kustomization.yaml", KUSTOMIZATION),
        ("apps/sub/cm.yaml", CM),
        ("apps/sub/deploy.yaml", DEPLOY),
        ("apps/sub/off.yaml", OFF),
        ("clusters/c/vars.yaml", VARS),
        ("clusters/c/secret.yaml", SECRET),
    ]
}

#[test]
fn substitutes_as_flux_does_with_yaml_1_1_typing() {
    let rendered = render_with(&files(), POST);
    assert!(rendered.ok, "{:#?}", rendered.diagnostics);
    // `region`: the inline value wins over the ConfigMap's. `tier`: the ConfigMap's value,
    // not the default. `escaped`: `$${` is a literal `${`. `missing`: unset, no default: an
    // empty value, which go-yaml v2 reads as null. `mode`: `0755` is an octal integer in
    // YAML 1.1. `big`: every number goes through a float64 (12345678901234567891 is
    // 12345678901234567168 there, written with the fewest digits that read back the same).
    // `self`: a value is never substituted again. kustomize quotes the name `off` (a YAML
    // 1.1 boolean).
    let expected = "apiVersion: v1
data:
  x: ${REGION}
kind: ConfigMap
metadata:
  annotations:
    kustomize.toolkit.fluxcd.io/substitute: disabled
  name: \"off\"
---
apiVersion: v1
data:
  big: 12345678901234567000
  escaped: ${REGION}
  greeting: hello there
  missing: null
  mode: 493
  region: eu-west-1
  self: ${SELF}
  tier: silver
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  paused: true
  replicas: 3
  template:
    spec:
      containers:
      - env:
        - name: PORT
          value: 8080
        image: nginx:1.25
        name: web
";
    assert_eq!(rendered.yaml, expected);
    let names: Vec<(&str, &str)> =
        rendered.variables.iter().map(|v| (v.name.as_str(), v.from.as_str())).collect();
    assert!(names.contains(&("TIER", "ConfigMap/cluster-vars")), "{names:?}");
    assert!(names.contains(&("GREETING", "Secret/cluster-secrets")), "{names:?}");
    // The unset variable is a warning at its `${…}` in the file that wrote it.
    let unset: Vec<_> = rendered.diagnostics.iter().filter(|d| d.code == "D008").collect();
    assert_eq!(unset.len(), 1, "{:#?}", rendered.diagnostics);
    assert_eq!(unset[0].file.as_deref(), Some("apps/sub/cm.yaml"));
    let at = CM.find("${NOPE}").unwrap();
    assert_eq!(unset[0].span, Some(crate::Span::new(at, at + 7)));
    // The substituted image still points at the file that wrote it.
    let image = &rendered.resources[2].images[0];
    assert_eq!(image.image, "nginx:1.25");
    assert_eq!(image.source.as_ref().unwrap().file, "apps/sub/deploy.yaml");
}

#[test]
fn without_variables_nothing_is_substituted_unless_always() {
    let files = [
        ("apps/sub/kustomization.yaml", "resources:\n- cm.yaml\n"),
        (
            "apps/sub/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${A:=x}\n  b: ${B}\n",
        ),
    ];
    let none = render_with(&files, "  postBuild: {}\n");
    assert!(none.yaml.contains("a: ${A:=x}\n  b: ${B}\n"), "{}", none.yaml);
    let always = render_with(&files, "  postBuild:\n    substituteStrategy: Always\n");
    assert!(always.yaml.contains("a: x\n  b: null\n"), "{}", always.yaml);
}

#[test]
fn the_disabled_label_also_turns_substitution_off() {
    let files = [
        ("apps/sub/kustomization.yaml", "resources:\n- cm.yaml\n"),
        (
            "apps/sub/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\ndata:\n  a: ${A}\n",
        ),
    ];
    let r = render_with(&files, "  postBuild:\n    substitute:\n      A: x\n");
    assert!(r.ok);
    assert!(r.yaml.contains("a: ${A}"), "{}", r.yaml);
}

#[test]
fn an_invalid_variable_name_fails_the_build() {
    let files = [
        ("apps/sub/kustomization.yaml", "resources:\n- cm.yaml\n"),
        (
            "apps/sub/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${A}\n",
        ),
        (
            "clusters/c/vars.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: vars\ndata:\n  my-key: v\n",
        ),
    ];
    let r = render_with(
        &files,
        "  postBuild:\n    substituteFrom:\n    - kind: ConfigMap\n      name: vars\n",
    );
    assert!(!r.ok);
    assert!(r.yaml.is_empty());
    let d = r.diagnostics.iter().find(|d| d.code == "D011").unwrap();
    assert!(d.message.starts_with("'my-key' var name is invalid"), "{}", d.message);
    assert_eq!(d.file.as_deref(), Some("clusters/c/vars.yaml"));
}

#[test]
fn a_malformed_substitution_is_an_error_at_its_dollar() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ok\n  b: x ${A-default} y\n";
    let files =
        [("apps/sub/kustomization.yaml", "resources:\n- cm.yaml\n"), ("apps/sub/cm.yaml", cm)];
    let r = render_with(&files, "  postBuild:\n    substitute:\n      A: x\n");
    assert!(!r.ok);
    let d = r.diagnostics.iter().find(|d| d.code == "D009").unwrap();
    assert!(d.message.ends_with("missing closing brace"), "{}", d.message);
    assert_eq!(d.file.as_deref(), Some("apps/sub/cm.yaml"));
    let at = cm.find("${A-").unwrap();
    assert_eq!(d.span.unwrap().start as usize, at);
}

#[test]
fn missing_and_optional_sources_of_variables() {
    let files = [
        ("apps/sub/kustomization.yaml", "resources:\n- cm.yaml\n"),
        (
            "apps/sub/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${A:=d}\n",
        ),
    ];
    let r = render_with(
        &files,
        "  postBuild:\n    substituteFrom:\n    - kind: ConfigMap\n      name: absent\n    - kind: Secret\n      name: maybe\n      optional: true\n",
    );
    assert!(r.ok, "{:#?}", r.diagnostics);
    let found: Vec<(&str, crate::Severity)> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "D010")
        .map(|d| (d.file.as_deref().unwrap(), d.severity))
        .collect();
    assert_eq!(
        found,
        [
            ("clusters/c/sub.yaml", crate::Severity::Warning),
            ("clusters/c/sub.yaml", crate::Severity::Info)
        ]
    );
    // No variables were found: Flux does not substitute at all.
    assert!(r.yaml.contains("a: ${A:=d}"), "{}", r.yaml);
}

#[test]
fn sops_secrets_are_unknown_values() {
    let files = [
        ("apps/sub/kustomization.yaml", "resources:\n- cm.yaml\n"),
        (
            "apps/sub/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: ${A:=d}\n",
        ),
        (
            "clusters/c/s.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: enc\ndata:\n  A: ENC[AES256_GCM,data:xx]\nsops:\n  version: 3.8.1\n",
        ),
    ];
    let r = render_with(
        &files,
        "  postBuild:\n    substituteFrom:\n    - kind: Secret\n      name: enc\n",
    );
    assert!(r.diagnostics.iter().any(|d| d.code == "D014"), "{:#?}", r.diagnostics);
}

#[test]
fn huge_expansions_are_bounded() {
    let refs = "${BIG}".repeat(2000);
    let cm = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: {refs}\n");
    let big = "x".repeat(60_000);
    let files = [
        ("apps/sub/kustomization.yaml", "resources:\n- cm.yaml\n"),
        ("apps/sub/cm.yaml", cm.as_str()),
    ];
    let r = render_with(&files, &format!("  postBuild:\n    substitute:\n      BIG: {big}\n"));
    assert!(!r.ok);
    assert!(r.diagnostics.iter().any(|d| d.code == "D012"), "{:#?}", r.diagnostics);
}

#[test]
fn common_metadata_comes_after_substitution() {
    let files = [
        ("apps/sub/kustomization.yaml", "resources:\n- cm.yaml\n"),
        (
            "apps/sub/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    team: old\ndata:\n  a: ${A}\n",
        ),
    ];
    let r = render_with(
        &files,
        "  postBuild:\n    substitute:\n      A: x\n  commonMetadata:\n    labels:\n      team: new\n      region: ${A}\n    annotations:\n      owner: \"true\"\n",
    );
    assert!(r.ok, "{:#?}", r.diagnostics);
    let expected = "apiVersion: v1
data:
  a: x
kind: ConfigMap
metadata:
  annotations:
    owner: \"true\"
  labels:
    region: ${A}
    team: new
  name: c
";
    assert_eq!(r.yaml, expected);
}
