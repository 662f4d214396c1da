//! Tests of the `ApplicationSet` expansion.
//!
//! Every expectation comes from Argo CD's code or tests at argo-cd 37ee009 (the upstream file
//! is named on each test), from gosimple/slug v1.15.0 or from Go's own tests.

// Upstream file and test names are cited as they are spelled; case tables are tuples.
#![allow(clippy::doc_markdown, clippy::type_complexity)]

use std::sync::Arc;

use serde_json::{Value as J, json};

use super::doc::{self, Doc};
use super::generators::{Expander, World};
use super::render::Renderer;
use super::schema::{self, Ty};
use super::*;
use crate::gotemplate::Value;
use crate::repo::{Renders, Repo};
use crate::work::Meter;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn entry_ty() -> Ty {
    match schema::at(schema::spec(), &["generators"]) {
        Some(Ty::List(item)) => schema::parse(item),
        _ => unreachable!(),
    }
}

/// A generator entry (YAML) decoded as the controller holds it.
fn entry(yaml: &str) -> Doc {
    let file: Arc<str> = Arc::from("g.yaml");
    let parsed = crate::yaml::parse(&file, yaml, &crate::yaml::Limits::default());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let mut problems = Vec::new();
    let doc = doc::decode(&parsed.documents[0].root, entry_ty(), "g", &mut problems).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    doc
}

fn json_of(v: &Value) -> J {
    serde_json::from_str(&crate::gotemplate::json_marshal(v).unwrap()).unwrap()
}

struct Gen<'a> {
    go: bool,
    files: &'a [(&'a str, &'a str)],
    clusters: Option<Vec<Cluster>>,
    pulls: Option<Vec<PullRequest>>,
}

impl Gen<'_> {
    fn fast() -> Gen<'static> {
        Gen { go: false, files: &[], clusters: None, pulls: None }
    }

    fn go() -> Gen<'static> {
        Gen { go: true, files: &[], clusters: None, pulls: None }
    }

    /// The parameter sets of one generator entry, as JSON, or the controller's error.
    fn params(&self, yaml: &str) -> Result<Vec<J>, String> {
        let tree = crate::tree::of(self.files);
        let world = World {
            tree: &tree,
            clusters: self.clusters.as_deref(),
            pulls: self.pulls.as_deref(),
            repo_url: None,
            dirs: std::cell::OnceCell::new(),
        };
        let mut meter = Meter::new();
        let mut expander = Expander::new(&world, self.go, &[], &mut meter);
        let results =
            expander.transform(&entry(yaml), entry_ty(), None, None).map_err(|e| e.message)?;
        Ok(results.iter().flat_map(|g| &g.params).map(json_of).collect())
    }
}

fn cluster(name: &str, server: &str, labels: &[(&str, &str)]) -> Cluster {
    Cluster {
        name: name.into(),
        server: server.into(),
        project: None,
        labels: labels.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect(),
        annotations: std::collections::BTreeMap::default(),
    }
}

fn pull(number: u64, branch: &str, sha: &str, labels: &[&str]) -> PullRequest {
    PullRequest {
        number,
        branch: branch.into(),
        target_branch: "main".into(),
        head_sha: sha.into(),
        labels: labels.iter().map(|l| (*l).into()).collect(),
        title: format!("PR {number}"),
        author: "dev".into(),
    }
}

fn expand_tree(files: &[(&str, &str)], request: &ExpandRequest) -> Expansion {
    let tree = crate::tree::of(files);
    let mut renders = Renders::new();
    let mut repo = Repo::new(&tree, &mut renders);
    expand(&mut repo, request)
}

/// The Applications of the only `ApplicationSet`, as `{metadata, spec}` JSON.
fn apps(expansion: &Expansion) -> J {
    assert_eq!(expansion.app_sets.len(), 1, "{expansion:#?}");
    J::Array(
        expansion.app_sets[0]
            .applications
            .iter()
            .map(|a| json!({"metadata": a.metadata, "spec": a.spec}))
            .collect(),
    )
}

fn codes(expansion: &Expansion) -> Vec<&'static str> {
    expansion.app_sets.iter().flat_map(|s| &s.diagnostics).map(|d| d.code).collect()
}

fn messages(expansion: &Expansion) -> Vec<String> {
    expansion.app_sets.iter().flat_map(|s| &s.diagnostics).map(|d| d.message.clone()).collect()
}

const OVERLAYS: &[(&str, &str)] = &[
    ("apps/payment-service/base/kustomization.yaml", "resources:\n- cm.yaml\n"),
    (
        "apps/payment-service/base/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: payment\ndata:\n  k: v\n",
    ),
    (
        "apps/payment-service/staging/kustomization.yaml",
        "resources:\n- ../base\nnamespace: payments-staging\n",
    ),
    (
        "apps/payment-service/production/kustomization.yaml",
        "resources:\n- ../base\nnamespace: payments-production\n",
    ),
];

/// The seed's ApplicationSet (`seed/gitops-application-environments.md`).
const SEED: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: payment-service-all-envs
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: staging
            cluster: https://staging.k8s.example.com
            namespace: payments-staging
          - env: production
            cluster: https://prod.k8s.example.com
            namespace: payments-production
  template:
    metadata:
      name: "payment-service-{{env}}"
    spec:
      project: payments
      source:
        repoURL: https://github.com/example/platform-gitops
        targetRevision: HEAD
        path: apps/payment-service/{{env}}
      destination:
        server: "{{cluster}}"
        namespace: "{{namespace}}"
      syncPolicy:
        automated:
          prune: true
          selfHeal: true
"#;

fn with(
    files: &[(&'static str, &'static str)],
    extra: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    files.iter().chain(extra).copied().collect()
}

// ---------------------------------------------------------------------------------------------
// The seed, end to end
// ---------------------------------------------------------------------------------------------

/// `controllers/template/template.go` + `utils.RenderTemplateParams`: fasttemplate fields, the
/// default finalizer, the ApplicationSet's namespace; `list.go` string elements.
#[test]
fn the_seed_expands_to_staging_and_production_and_both_render() {
    let files = with(OVERLAYS, &[("argocd/appset.yaml", SEED)]);
    let e = expand_tree(&files, &ExpandRequest::default());
    assert_eq!(
        apps(&e),
        json!([
            {
                "metadata": {
                    "finalizers": ["resources-finalizer.argocd.argoproj.io"],
                    "name": "payment-service-staging",
                    "namespace": "argocd"
                },
                "spec": {
                    "destination": {"namespace": "payments-staging", "server": "https://staging.k8s.example.com"},
                    "project": "payments",
                    "source": {
                        "path": "apps/payment-service/staging",
                        "repoURL": "https://github.com/example/platform-gitops",
                        "targetRevision": "HEAD"
                    },
                    "syncPolicy": {"automated": {"prune": true, "selfHeal": true}}
                }
            },
            {
                "metadata": {
                    "finalizers": ["resources-finalizer.argocd.argoproj.io"],
                    "name": "payment-service-production",
                    "namespace": "argocd"
                },
                "spec": {
                    "destination": {"namespace": "payments-production", "server": "https://prod.k8s.example.com"},
                    "project": "payments",
                    "source": {
                        "path": "apps/payment-service/production",
                        "repoURL": "https://github.com/example/platform-gitops",
                        "targetRevision": "HEAD"
                    },
                    "syncPolicy": {"automated": {"prune": true, "selfHeal": true}}
                }
            }
        ])
    );
    let set = &e.app_sets[0];
    assert_eq!(set.name, "payment-service-all-envs");
    assert_eq!(set.namespace.as_deref(), Some("argocd"));
    assert!(set.diagnostics.is_empty(), "{:#?}", set.diagnostics);
    for app in &set.applications {
        assert_eq!(app.sources.len(), 1);
        assert_eq!(app.sources[0].status, SourceStatus::Renders);
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering: fasttemplate and goTemplate (applicationset/utils/utils_test.go)
// ---------------------------------------------------------------------------------------------

fn string_params(pairs: &[(&str, &str)]) -> Value {
    Value::any_map(pairs.iter().map(|(k, v)| (*k, Value::from(*v))))
}

/// `TestRenderTemplateParams` (utils_test.go): fasttemplate's cases.
#[test]
fn fasttemplate_substitutes_string_parameters_and_writes_other_tags_back() {
    let cases: &[(&str, &[(&str, &str)], &str)] = &[
        ("{{one}}", &[("one", "two")], "two"),
        ("{{ one }}", &[("one", "two")], "two"),
        ("}} {{", &[("one", "two")], "}} {{"),
        ("{{ }}", &[("one", "{{ }}")], "{{ }}"),
        ("{{ }}", &[(" ", "two"), ("", "three")], "{{ }}"),
        ("{{one}}", &[("{{one}}", "{{one}}")], "{{one}}"),
        ("{{one}}", &[("{{one}}", "{{two}}")], "{{one}}"),
        ("{{ONE}}", &[("{{one}}", "two")], "{{ONE}}"),
        ("{{one}}{{one}}", &[("one", "two")], "twotwo"),
        ("{{one}}{{three}}", &[("one", "two"), ("three", "four")], "twofour"),
        (
            "{{one}} {{three}}",
            &[("one", "\"hello\" world"), ("three", "four")],
            "\"hello\" world four",
        ),
        // Spaces inside an unknown tag are kept (Argo writes `{{%s}}` of the raw tag).
        ("x-{{ region }}-y", &[("one", "two")], "x-{{ region }}-y"),
        // No `{{…}}` on one line: untouched, even with a `{{` and a `}}` on different lines.
        ("{{\n}}", &[("one", "two")], "{{\n}}"),
    ];
    let mut r = Renderer::new(false, &[]);
    for (text, params, want) in cases {
        assert_eq!(r.replace(text, &string_params(params), None).unwrap(), *want, "{text:?}");
    }
    // A non-string parameter is not substituted (`replaceMap[tag].(string)`).
    let p = Value::any_map([("n", Value::from(3.0))]);
    assert_eq!(r.replace("{{n}}", &p, None).unwrap(), "{{n}}");
}

/// `Test_Render_Replace_no_panic_on_missing_closing_brace` (utils_test.go) and fasttemplate's
/// `NewTemplate` error text (template.go).
#[test]
fn fasttemplate_without_an_end_tag_is_an_error() {
    let mut r = Renderer::new(false, &[]);
    let err = r
        .replace("{{properly.closed}} {{improperly.closed}", &string_params(&[]), None)
        .unwrap_err();
    assert_eq!(
        err.0,
        r#"invalid template: Cannot find end tag="}}" in the template="{{properly.closed}} {{improperly.closed}" starting from "improperly.closed}""#
    );
}

/// `TestRenderTemplateParamsGoTemplate` (utils_test.go).
#[test]
fn go_template_renders_as_argo_cd_with_sprig_and_its_own_functions() {
    let nested = Value::from_json(&crate::yaml::json::Json::Object(vec![]));
    drop(nested);
    let json = |text: &str| Value::from_json(&super::funcs::yaml_to_json(text).unwrap());
    let cases: Vec<(&str, Value, &str)> = vec![
        ("{{ .one }}", string_params(&[("one", "two")]), "two"),
        ("{{ .one }}", string_params(&[("one", "{{one}}")]), "{{one}}"),
        (
            "{{.one}} {{.three}}",
            string_params(&[("one", "\"hello\" world"), ("three", "four")]),
            "\"hello\" world four",
        ),
        (
            "{{ .image.name }}:{{ .image.version }}",
            json("{replicas: 3, image: {name: busybox, version: latest}}"),
            "busybox:latest",
        ),
        (
            "{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}",
            json("{replicas: 3, hpa: {enabled: true, minReplicas: 1, maxReplicas: 5}}"),
            "5",
        ),
        (
            "{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}",
            json("{replicas: 3, hpa: {enabled: false, minReplicas: 1, maxReplicas: 5}}"),
            "3",
        ),
        (
            "{{ range .volumes }}[{{ .name }}]{{ end }}",
            json("{volumes: [{name: volume-one}, {name: volume-two}]}"),
            "[volume-one][volume-two]",
        ),
        (
            r#"{{ index .admin "admin-ca" }}, {{ index .admin "admin-jks" }}"#,
            json(r#"{admin: {admin-ca: "value admin ca", admin-jks: "value admin jks"}}"#),
            "value admin ca, value admin jks",
        ),
        (
            "--> {{.doesnotexist}} <--",
            string_params(&[("unused", "this is not used")]),
            "--> <no value> <--",
        ),
        (
            "{{ toYaml . | indent 2 }}",
            json("{foo: {bar: {bool: true, number: 2, str: Hello world}}}"),
            "  foo:\n    bar:\n      bool: true\n      number: 2\n      str: Hello world",
        ),
        (
            r#"{{ get (fromYaml .value) "hello" }}"#,
            string_params(&[("value", "hello: world")]),
            "world",
        ),
        (
            "{{ fromYamlArray .value | last }}",
            string_params(&[("value", "- hello world\n- bonjour tout le monde")]),
            "bonjour tout le monde",
        ),
        // Argo CD's own functions (template_functions.go, utils.go SlugifyName).
        ("{{ normalize .n }}", string_params(&[("n", "My_App.Name--")]), "my-app.name"),
        // Numbers from JSON are float64: `%v` of 1000000 is 1e+06.
        ("{{ .big }}", json("{big: 1000000}"), "1e+06"),
        // sigs.k8s.io/yaml reads YAML 1.1: the key `n` is the boolean false.
        ("{{ .false }}", json("{n: x}"), "x"),
    ];
    let mut r = Renderer::new(true, &[]);
    for (text, params, want) in &cases {
        assert_eq!(r.replace(text, params, None).unwrap(), *want, "{text:?}");
    }
}

/// `TestRenderTemplateParamsGoTemplate` error cases (utils_test.go): Argo CD's wrapping of Go's
/// messages.
#[test]
fn go_template_errors_are_argo_cd_messages() {
    let data = string_params(&[("data", "a data string")]);
    let mut r = Renderer::new(true, &[]);
    assert_eq!(
        r.replace("{{functiondoesnotexist}}", &data, None).unwrap_err().0,
        r#"failed to parse template {{functiondoesnotexist}}: template: base:1: function "functiondoesnotexist" not defined"#
    );
    assert_eq!(
        r.replace("{{.data.test}}", &data, None).unwrap_err().0,
        r#"failed to execute go template {{.data.test}}: template: base:1:7: executing "base" at <.data.test>: can't evaluate field test in type interface {}"#
    );
    let yaml = string_params(&[("value", "non\n compliant\n yaml")]);
    assert_eq!(
        r.replace(r#"{{ get (fromYaml .value) "hello" }}"#, &yaml, None).unwrap_err().0,
        r#"failed to execute go template {{ get (fromYaml .value) "hello" }}: template: base:1:8: executing "base" at <fromYaml .value>: error calling fromYaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}"#
    );
    assert_eq!(
        r.replace("{{ fromYamlArray .value | last }}", &yaml, None).unwrap_err().0,
        r#"failed to execute go template {{ fromYamlArray .value | last }}: template: base:1:3: executing "base" at <fromYamlArray .value>: error calling fromYamlArray: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type []interface {}"#
    );
    // `env`, `expandenv` and `getHostByName` are removed from Sprig's map (utils.go init).
    assert!(
        r.replace("{{ env \"HOME\" }}", &data, None)
            .unwrap_err()
            .0
            .contains(r#"function "env" not defined"#)
    );
    let mut strict = Renderer::new(true, &["missingkey=error".into()]);
    assert_eq!(
        strict
            .replace("--> {{.doesnotexist}} <--", &string_params(&[("unused", "x")]), None)
            .unwrap_err()
            .0,
        r#"failed to execute go template --> {{.doesnotexist}} <--: template: base:1:6: executing "base" at <.doesnotexist>: map has no entry for key "doesnotexist""#
    );
    // `missingkey=zero` on map[string]interface{} still prints `<no value>` (nil interface).
    let mut zero = Renderer::new(true, &["missingkey=zero".into()]);
    assert_eq!(
        zero.replace("{{.nope}}", &string_params(&[("a", "b")]), None).unwrap(),
        "<no value>"
    );
    let mut bad = Renderer::new(true, &["missingkey=maybe".into()]);
    assert!(
        bad.replace("x", &data, None)
            .unwrap_err()
            .0
            .contains("unrecognized option: missingkey=maybe")
    );
}

/// `SlugifyName` (utils.go) and `TestSlugify` (utils_test.go); gosimple/slug `smartTruncate`.
#[test]
fn slugify_and_normalize_follow_argo_cd_and_gosimple_slug() {
    use super::funcs::{SlugOptions, make_slug, sanitize_name};
    let mut r = Renderer::new(true, &[]);
    // `TestSlugify` (utils_test.go).
    let branch = "feat/a_really+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature";
    let single =
        "feat/areallylongpullrequestnametotestargoslugificationandbranchnameshorteningfeature";
    let cases: &[(usize, bool, &str, &str)] = &[
        (50, false, branch, "feat-a-really-long-pull-request-name-to-test-argo"),
        (53, true, branch, "feat-a-really-long-pull-request-name-to-test-argo"),
        (50, true, single, "feat"),
        (50, false, single, "feat-areallylongpullrequestnametotestargoslugifica"),
    ];
    for (length, smart, name, want) in cases {
        let text = format!("{{{{ slugify {length} {smart} \"{name}\" }}}}");
        assert_eq!(r.replace(&text, &string_params(&[("a", "b")]), None).unwrap(), *want, "{text}");
    }
    assert_eq!(
        r.replace("{{ slugify .x }}", &string_params(&[("x", "Hello World! It's me")]), None)
            .unwrap(),
        "hello-world-it-s-me"
    );
    assert!(
        r.replace("{{ slugify \"x\" 3 }}", &string_params(&[("a", "b")]), None)
            .unwrap_err()
            .0
            .ends_with(
                "error calling slugify: interface conversion: interface {} is string, not int"
            )
    );
    assert_eq!(sanitize_name("Prod_EU/West.1."), "prod-eu-west.1");
    assert_eq!(sanitize_name(&"a".repeat(300)).len(), 253);
    // The pull request generator's branch slug (pull_request.go: MaxLength 50, `_` → `-`).
    let pr = SlugOptions { max_length: 50, smart: true, underscore_to_dash: true };
    assert_eq!(make_slug("feat/new_thing & more@home", &pr).text, "feat-new-thing-and-moreathome");
    assert_eq!(
        make_slug("fix/areally+long_branch_name_that_goes_on_and_on_past_the_limit_of_fifty", &pr)
            .text,
        "fix-areally-long-branch-name-that-goes-on-and-on"
    );
    let accented = make_slug("Crème-Brûlée", &pr);
    assert_eq!(accented.text, "creme-brulee");
    assert!(!accented.approximated);
    assert!(make_slug("修复", &pr).approximated);
}

/// `TestRenderTemplateKeys` and `TestRenderHelmValuesObjectYaml` (utils_test.go): map keys are
/// templates too; raw values (Helm `valuesObject`) are walked key by key.
#[test]
fn map_keys_and_raw_values_are_rendered() {
    let set = |go: bool, annotation: &str, value: &str, inner: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {{name: keys}}\nspec:\n  goTemplate: {go}\n  generators:\n  - list:\n      elements:\n      - {{key: some-key, value: some-value, test: Hello world}}\n  template:\n    metadata:\n      name: app\n      annotations:\n        \"{annotation}\": \"{value}\"\n    spec:\n      project: default\n      destination: {{}}\n      source:\n        repoURL: https://example.com/charts\n        chart: c\n        helm:\n          valuesObject:\n            some:\n              string: \"{inner}\"\n"
        )
    };
    for (go, annotation, value, inner) in [
        (false, "annotation-{{key}}", "annotation-{{value}}", "{{test}}"),
        (true, "annotation-{{ .key }}", "annotation-{{ .value }}", "{{.test}}"),
    ] {
        let text = set(go, annotation, value, inner);
        let e = expand_tree(&[("a.yaml", text.as_str())], &ExpandRequest::default());
        let a = &apps(&e)[0];
        assert_eq!(
            a["metadata"]["annotations"],
            json!({"annotation-some-key": "annotation-some-value"})
        );
        assert_eq!(
            a["spec"]["source"]["helm"]["valuesObject"],
            json!({"some": {"string": "Hello world"}})
        );
    }
}

/// `TestRenderTemplateParamsFinalizers` (utils_test.go).
#[test]
fn the_resources_finalizer_is_added_unless_the_template_has_one_or_resources_are_preserved() {
    let cases: &[(&str, &str, J)] = &[
        ("", "", json!(["resources-finalizer.argocd.argoproj.io"])),
        ("finalizers: [existing-finalizer]", "", json!(["existing-finalizer"])),
        ("finalizers: []", "", json!(["resources-finalizer.argocd.argoproj.io"])),
        ("", "syncPolicy: {}", json!(["resources-finalizer.argocd.argoproj.io"])),
        ("", "syncPolicy: {preserveResourcesOnDeletion: true}", J::Null),
        (
            "finalizers: [resources-finalizer.argocd.argoproj.io/background]",
            "syncPolicy: {preserveResourcesOnDeletion: true}",
            json!(["resources-finalizer.argocd.argoproj.io/background"]),
        ),
    ];
    for (finalizers, policy, want) in cases {
        let text = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {{name: f}}\nspec:\n  {policy}\n  generators:\n  - list: {{elements: [{{one: two}}]}}\n  template:\n    metadata:\n      name: app\n      {finalizers}\n    spec: {{project: default, destination: {{}}}}\n"
        );
        let e = expand_tree(&[("a.yaml", text.as_str())], &ExpandRequest::default());
        let got = apps(&e)[0]["metadata"].get("finalizers").cloned().unwrap_or(J::Null);
        assert_eq!(got, *want, "{finalizers} {policy}");
    }
}

/// `RenderTemplateParams` (utils.go): an empty parameter set returns the template untouched,
/// without rendering and without the finalizer.
#[test]
fn an_empty_list_element_leaves_the_template_unrendered() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: e}\nspec:\n  generators:\n  - list: {elements: [{}]}\n  template:\n    metadata: {name: 'app-{{x}}'}\n    spec: {project: default, destination: {}}\n";
    let e = expand_tree(&[("a.yaml", text)], &ExpandRequest::default());
    assert_eq!(apps(&e), json!([]));
    // The name keeps its tag, which is not a valid name: the API server refuses it.
    assert_eq!(codes(&e), ["A012"]);
}

// ---------------------------------------------------------------------------------------------
// The list generator (list.go, list_test.go)
// ---------------------------------------------------------------------------------------------

/// `TestGenerateListParams` (list_test.go): fasttemplate flattens `values`, goTemplate keeps
/// the element; `elementsYaml` comes after `elements`.
#[test]
fn list_elements_and_values() {
    let yaml = "list:\n  elements:\n  - {cluster: production, url: https://production.example.com, values: {foo: bar}}\n  elementsYaml: |\n    - cluster: staging\n      replicas: 3\n";
    assert_eq!(
        Gen::fast().params(yaml).unwrap(),
        [
            json!({"cluster": "production", "url": "https://production.example.com", "values.foo": "bar"}),
            json!({"cluster": "staging", "replicas": 3})
        ]
    );
    assert_eq!(
        Gen::go().params(yaml).unwrap(),
        [
            json!({"cluster": "production", "url": "https://production.example.com", "values": {"foo": "bar"}}),
            json!({"cluster": "staging", "replicas": 3})
        ]
    );
}

/// list.go: in fasttemplate mode every element value must be a string (`error parsing value
/// as string` with Go's `%w` of a nil error).
#[test]
fn a_non_string_list_value_refuses_the_set_in_fasttemplate() {
    assert_eq!(
        Gen::fast().params("list: {elements: [{replicas: 3}]}").unwrap_err(),
        "error parsing value as string %!w(<nil>)"
    );
    assert_eq!(
        Gen::go().params("list: {elements: [{replicas: 3}]}").unwrap(),
        [json!({"replicas": 3})]
    );
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: bad}\nspec:\n  generators:\n  - list: {elements: [{replicas: 3}]}\n  template:\n    metadata: {name: 'app-{{replicas}}'}\n    spec: {project: default, destination: {}}\n";
    let e = expand_tree(&[("a.yaml", text)], &ExpandRequest::default());
    assert_eq!(apps(&e), json!([]));
    assert_eq!(codes(&e), ["A006"]);
    assert!(
        messages(&e)[0]
            .ends_with("the controller reports: error parsing value as string %!w(<nil>)")
    );
}

// ---------------------------------------------------------------------------------------------
// The clusters generator (cluster.go, cluster_test.go)
// ---------------------------------------------------------------------------------------------

/// `TestGenerateParams` (cluster_test.go): secrets' parameters, the local cluster appended
/// unless a selector is set or a secret already points at it; values rendered per cluster.
#[test]
fn clusters_with_values_and_the_local_cluster() {
    let g = Gen {
        clusters: Some(vec![cluster(
            "production_01/west",
            "https://production-01.example.com",
            &[("environment", "production")],
        )]),
        ..Gen::fast()
    };
    assert_eq!(
        g.params("clusters:\n  values: {lol1: lol, lol2: '{{values.lol1}}{{values.lol1}}', foo: bar, aaa: '{{server}}'}\n").unwrap(),
        [
            json!({
                "name": "production_01/west", "nameNormalized": "production-01-west",
                "server": "https://production-01.example.com", "project": "",
                "metadata.labels.environment": "production",
                "metadata.labels.argocd.argoproj.io/secret-type": "cluster",
                "values.lol1": "lol", "values.lol2": "{{values.lol1}}{{values.lol1}}",
                "values.foo": "bar", "values.aaa": "https://production-01.example.com"
            }),
            json!({
                "name": "in-cluster", "nameNormalized": "in-cluster",
                "server": "https://kubernetes.default.svc", "project": "",
                "values.lol1": "lol", "values.lol2": "{{values.lol1}}{{values.lol1}}",
                "values.foo": "bar", "values.aaa": "https://kubernetes.default.svc"
            })
        ]
    );
    // A selector (any label, even the secret type) drops the local cluster.
    assert_eq!(
        g.params("clusters: {selector: {matchLabels: {environment: production}}}").unwrap().len(),
        1
    );
    assert_eq!(
        g.params("clusters: {selector: {matchLabels: {environment: staging}}}").unwrap(),
        Vec::<J>::new()
    );
}

/// `TestGenerateParamsGoTemplate` (cluster_test.go): `metadata` maps only when non-empty; the
/// local cluster has none; `flatList` wraps everything in `clusters`.
#[test]
fn clusters_in_go_template_mode_and_flat_list() {
    let mut annotated = cluster("staging", "https://staging.example.com", &[]);
    annotated.annotations.insert("team".into(), "payments".into());
    annotated.project = Some("payments".into());
    let g = Gen {
        clusters: Some(vec![annotated, cluster("local", IN_CLUSTER_SERVER, &[])]),
        ..Gen::go()
    };
    assert_eq!(
        g.params("clusters: {}").unwrap(),
        [
            json!({
                "name": "staging", "nameNormalized": "staging", "server": "https://staging.example.com", "project": "payments",
                "metadata": {"annotations": {"team": "payments"}, "labels": {"argocd.argoproj.io/secret-type": "cluster"}}
            }),
            json!({
                "name": "local", "nameNormalized": "local", "server": "https://kubernetes.default.svc", "project": "",
                "metadata": {"labels": {"argocd.argoproj.io/secret-type": "cluster"}}
            })
        ],
        "a secret pointing at the local server replaces in-cluster"
    );
    let flat = g.params("clusters: {flatList: true}").unwrap();
    assert_eq!(flat.len(), 1);
    assert_eq!(flat[0]["clusters"].as_array().unwrap().len(), 2);
    let none = Gen::go();
    assert_eq!(
        none.params("clusters: {}").unwrap(),
        [
            json!({"name": "in-cluster", "nameNormalized": "in-cluster", "server": "https://kubernetes.default.svc", "project": ""})
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// The git generator (git.go, git_test.go, repository.go)
// ---------------------------------------------------------------------------------------------

const DIRS: &[(&str, &str)] = &[
    ("app1/k.yaml", ""),
    ("app2/k.yaml", ""),
    ("app_3/k.yaml", ""),
    ("p1/app4/k.yaml", ""),
    (".github/ci.yaml", ""),
];

/// `TestGitGenerateParamsFromDirectories` (git_test.go): `path.Match`, `path[N]` segments,
/// normalized basenames, `pathParamPrefix`; hidden directories are not listed
/// (repository.go `GetGitDirectories`).
#[test]
fn git_directories() {
    let g = Gen { files: DIRS, ..Gen::fast() };
    assert_eq!(
        g.params("git: {repoURL: r, revision: HEAD, directories: [{path: '*'}]}").unwrap(),
        [
            json!({"path": "app1", "path.basename": "app1", "path.basenameNormalized": "app1", "path[0]": "app1"}),
            json!({"path": "app2", "path.basename": "app2", "path.basenameNormalized": "app2", "path[0]": "app2"}),
            json!({"path": "app_3", "path.basename": "app_3", "path.basenameNormalized": "app-3", "path[0]": "app_3"}),
            json!({"path": "p1", "path.basename": "p1", "path.basenameNormalized": "p1", "path[0]": "p1"}),
        ]
    );
    assert_eq!(
        g.params("git: {repoURL: r, revision: HEAD, pathParamPrefix: myRepo, directories: [{path: 'p1/*'}]}").unwrap(),
        [json!({"myRepo.path": "p1/app4", "myRepo.path.basename": "app4", "myRepo.path.basenameNormalized": "app4", "myRepo.path[0]": "p1", "myRepo.path[1]": "app4"})]
    );
    // An exclude wins whatever the order.
    assert_eq!(
        g.params("git: {repoURL: r, revision: HEAD, directories: [{path: 'app*', exclude: true}, {path: '*'}]}").unwrap(),
        [json!({"path": "p1", "path.basename": "p1", "path.basenameNormalized": "p1", "path[0]": "p1"})]
    );
    let go = Gen { files: DIRS, ..Gen::go() };
    assert_eq!(
        go.params("git: {repoURL: r, revision: HEAD, directories: [{path: 'p1/*'}], values: {x: '{{ .path.basename }}'}}").unwrap(),
        [json!({"path": {"path": "p1/app4", "basename": "app4", "basenameNormalized": "app4", "segments": ["p1", "app4"]}, "values": {"x": "app4"}})]
    );
}

/// repository.go `GetGitDirectories`: `filepath.WalkDir` order (`web` before `web-admin`,
/// children right after their parent).
#[test]
fn git_directories_come_in_walk_order() {
    let files =
        [("apps/web/canary/k.yaml", ""), ("apps/web-admin/k.yaml", ""), ("apps/web/k.yaml", "")];
    let g = Gen { files: &files, ..Gen::fast() };
    let paths: Vec<J> = g
        .params("git: {repoURL: r, revision: HEAD, directories: [{path: 'apps/*'}, {path: 'apps/*/*'}]}")
        .unwrap()
        .into_iter()
        .map(|p| p["path"].clone())
        .collect();
    assert_eq!(paths, [json!("apps/web"), json!("apps/web/canary"), json!("apps/web-admin")]);
}

const CONFIGS: &[(&str, &str)] = &[
    (
        "cluster-config/production/config.json",
        r#"{"cluster": {"owner": "john.doe@example.com", "name": "production", "address": "https://kubernetes.default.svc"}, "key1": "val1", "key2": {"key2_1": "val2_1", "key2_2": {"key2_2_1": "val2_2_1"}}, "key3": 123}"#,
    ),
    (
        "cluster-config/staging/config.json",
        r#"{"cluster": {"owner": "foo.bar@example.com", "name": "staging", "address": "https://kubernetes.default.svc"}}"#,
    ),
];

/// `TestGitGenerateParamsFromFiles` (git_test.go): contents flattened with dots, values `%v`.
#[test]
fn git_files_flattened() {
    let g = Gen { files: CONFIGS, ..Gen::fast() };
    assert_eq!(
        g.params("git: {repoURL: r, revision: HEAD, files: [{path: '**/config.json'}]}").unwrap(),
        [
            json!({
                "cluster.owner": "john.doe@example.com", "cluster.name": "production", "cluster.address": "https://kubernetes.default.svc",
                "key1": "val1", "key2.key2_1": "val2_1", "key2.key2_2.key2_2_1": "val2_2_1", "key3": "123",
                "path": "cluster-config/production", "path.basename": "production", "path[0]": "cluster-config", "path[1]": "production",
                "path.basenameNormalized": "production", "path.filename": "config.json", "path.filenameNormalized": "config.json"
            }),
            json!({
                "cluster.owner": "foo.bar@example.com", "cluster.name": "staging", "cluster.address": "https://kubernetes.default.svc",
                "path": "cluster-config/staging", "path.basename": "staging", "path[0]": "cluster-config", "path[1]": "staging",
                "path.basenameNormalized": "staging", "path.filename": "config.json", "path.filenameNormalized": "config.json"
            })
        ]
    );
}

/// `TestGitGenerateParamsFromFilesGoTemplate` (git_test.go): contents kept nested (numbers
/// are float64), `path` a map with `segments`.
#[test]
fn git_files_nested_in_go_template() {
    let g = Gen { files: CONFIGS, ..Gen::go() };
    let params =
        g.params("git: {repoURL: r, revision: HEAD, files: [{path: '**/config.json'}]}").unwrap();
    assert_eq!(
        params[0],
        json!({
            "cluster": {"owner": "john.doe@example.com", "name": "production", "address": "https://kubernetes.default.svc"},
            "key1": "val1", "key2": {"key2_1": "val2_1", "key2_2": {"key2_2_1": "val2_2_1"}}, "key3": 123,
            "path": {"path": "cluster-config/production", "basename": "production", "filename": "config.json",
                     "basenameNormalized": "production", "filenameNormalized": "config.json",
                     "segments": ["cluster-config", "production"]}
        })
    );
}

/// `Test_generateParamsFromGitFile` (git_test.go): an empty file gives path parameters only;
/// a YAML list gives one set per object; `%v` of float64 and of nil (`<nil>`); Go's float
/// formatting (`1e+06`); YAML 1.1 booleans (`sigs.k8s.io/yaml`).
#[test]
fn git_files_empty_lists_and_go_values() {
    let files = [
        ("path/dir/file_name.yaml", ""),
        (
            "list/a.yaml",
            "- {name: one, big: 1000000, small: 0.5, enabled: yes, on: x, none: null}\n- {name: two}\n",
        ),
    ];
    let g = Gen { files: &files, ..Gen::fast() };
    assert_eq!(
        g.params("git: {repoURL: r, revision: HEAD, files: [{path: path/dir/file_name.yaml}]}")
            .unwrap(),
        [json!({
            "path": "path/dir", "path.basename": "dir", "path.filename": "file_name.yaml",
            "path.basenameNormalized": "dir", "path.filenameNormalized": "file-name.yaml",
            "path[0]": "path", "path[1]": "dir"
        })]
    );
    let listed =
        g.params("git: {repoURL: r, revision: HEAD, files: [{path: 'list/*.yaml'}]}").unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["big"], "1e+06");
    assert_eq!(listed[0]["small"], "0.5");
    assert_eq!(listed[0]["enabled"], "true");
    assert_eq!(listed[0]["true"], "x", "the YAML 1.1 key `on` is the boolean true");
    assert_eq!(listed[0]["none"], "<nil>");
    assert_eq!(listed[1]["name"], "two");
}

/// `Test_generateParamsFromGitFile` "invalid json/yaml file returns error" (git_test.go) and
/// the wrapping of git.go.
#[test]
fn an_unreadable_git_file_refuses_the_set() {
    let files = [("path/dir/file_name.yaml", "this is not json or yaml")];
    let g = Gen { files: &files, ..Gen::fast() };
    let err = g
        .params(
            "git: {repoURL: https://git.example.com/r, revision: HEAD, files: [{path: 'path/**'}]}",
        )
        .unwrap_err();
    assert_eq!(
        err,
        "error generating params from git: unable to process file 'path/dir/file_name.yaml' from repository 'https://git.example.com/r': unable to parse file: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type []map[string]interface {}"
    );
}

/// `TestGitGeneratorParamsFromFilesWithExcludeOptionWithOldGlobbing` (git_test.go): without
/// the new globbing, `*` crosses `/`; exclude patterns remove files.
#[test]
fn git_files_old_globbing_and_excludes() {
    let files = [
        ("cluster-config/engineering/prod/config.json", "{name: prod}"),
        ("cluster-config/engineering/dev/config.json", "{name: dev}"),
        ("cluster-config/config.json", "{name: top}"),
    ];
    let g = Gen { files: &files, ..Gen::fast() };
    let names = |yaml: &str| -> Vec<J> {
        g.params(yaml).unwrap().into_iter().map(|p| p["name"].clone()).collect()
    };
    assert_eq!(
        names("git: {repoURL: r, revision: HEAD, files: [{path: 'cluster-config/*/config.json'}]}"),
        [json!("dev"), json!("prod")]
    );
    assert_eq!(
        names(
            "git: {repoURL: r, revision: HEAD, files: [{path: 'cluster-config/**/config.json'}, {path: 'cluster-config/*/dev/*', exclude: true}]}"
        ),
        [json!("prod")]
    );
}

/// git.go: a generator with neither directories nor files is `ErrEmptyAppSetGenerator`.
#[test]
fn a_git_generator_without_directories_or_files_is_empty() {
    assert_eq!(
        Gen::fast().params("git: {repoURL: r, revision: HEAD}").unwrap_err(),
        "ApplicationSet is empty"
    );
}

// ---------------------------------------------------------------------------------------------
// The pull request generator (pull_request.go, pull_request_test.go, services/pull_request)
// ---------------------------------------------------------------------------------------------

/// `TestPullRequestGithubGenerateParams` (pull_request_test.go): parameters, short SHAs, the
/// branch slug; labels only in goTemplate mode.
#[test]
fn pull_request_parameters() {
    let pulls = vec![pull(1, "branch1", "089d92cbf9ff857a39e6feccd32798ca700fb958", &["preview"])];
    let g = Gen { pulls: Some(pulls.clone()), ..Gen::fast() };
    assert_eq!(
        g.params("pullRequest: {github: {owner: o, repo: r}}").unwrap(),
        [json!({
            "number": "1", "title": "PR 1", "branch": "branch1", "branch_slug": "branch1",
            "target_branch": "main", "target_branch_slug": "main",
            "head_sha": "089d92cbf9ff857a39e6feccd32798ca700fb958", "head_short_sha": "089d92cb",
            "head_short_sha_7": "089d92c", "author": "dev"
        })]
    );
    let go = Gen { pulls: Some(pulls), ..Gen::go() };
    assert_eq!(
        go.params("pullRequest: {github: {owner: o, repo: r}}").unwrap()[0]["labels"],
        json!(["preview"])
    );
    // A SHA shorter than 8 is taken whole.
    let short = Gen { pulls: Some(vec![pull(2, "b", "abc", &[])]), ..Gen::fast() };
    assert_eq!(
        short.params("pullRequest: {gitea: {owner: o, repo: r, api: a}}").unwrap()[0]["head_short_sha"],
        "abc"
    );
}

/// github.go `containLabels` (all listed labels required) and utils.go `ListPullRequests`
/// (any filter; within one, every regexp must match, unanchored).
#[test]
fn pull_requests_filtered_by_labels_and_filters() {
    let pulls = vec![
        pull(1, "feature/a", "aaaaaaaa1", &["preview", "team-a"]),
        pull(2, "fix/b", "bbbbbbbb2", &["preview"]),
        pull(3, "feature/c", "cccccccc3", &[]),
    ];
    let g = Gen { pulls: Some(pulls), ..Gen::fast() };
    let numbers = |yaml: &str| -> Vec<J> {
        g.params(yaml).unwrap().into_iter().map(|p| p["number"].clone()).collect()
    };
    assert_eq!(
        numbers("pullRequest: {github: {owner: o, repo: r, labels: [preview]}}"),
        [json!("1"), json!("2")]
    );
    assert_eq!(
        numbers("pullRequest: {github: {owner: o, repo: r, labels: [preview, team-a]}}"),
        [json!("1")]
    );
    assert_eq!(
        numbers("pullRequest: {github: {owner: o, repo: r}, filters: [{branchMatch: 'feature'}]}"),
        [json!("1"), json!("3")]
    );
    assert_eq!(
        numbers(
            "pullRequest: {github: {owner: o, repo: r}, filters: [{branchMatch: '^feature', titleMatch: '3$'}, {branchMatch: '^fix'}]}"
        ),
        [json!("2"), json!("3")]
    );
    assert_eq!(
        g.params("pullRequest: {github: {owner: o, repo: r}, filters: [{branchMatch: '('}]}")
            .unwrap_err(),
        "error listing repos: error compiling BranchMatch regexp \"(\": error parsing regexp: missing closing ): `(`"
    );
    assert_eq!(
        g.params("pullRequest: {filters: []}").unwrap_err(),
        "failed to select pull request service provider: no Pull Request provider implementation configured"
    );
}

// ---------------------------------------------------------------------------------------------
// Matrix (matrix.go, matrix_test.go) and merge (merge.go, merge_test.go)
// ---------------------------------------------------------------------------------------------

/// `TestMatrixGenerate` "happy flow - generate params from two lists" (matrix_test.go).
#[test]
fn matrix_of_two_lists() {
    let yaml = "matrix:\n  generators:\n  - list: {elements: [{a: '1'}, {a: '2'}]}\n  - list: {elements: [{b: '1'}, {b: '2'}]}\n";
    assert_eq!(
        Gen::fast().params(yaml).unwrap(),
        [
            json!({"a": "1", "b": "1"}),
            json!({"a": "1", "b": "2"}),
            json!({"a": "2", "b": "1"}),
            json!({"a": "2", "b": "2"})
        ]
    );
}

/// `TestMatrixGenerateGoTemplate` "parameter override: first list elements take precedence"
/// (matrix_test.go): mergo with override, b then a.
#[test]
fn matrix_go_template_first_child_wins() {
    let yaml = "matrix:\n  generators:\n  - list: {elements: [{booleanFalse: false, booleanTrue: true, stringFalse: 'false', stringTrue: 'true'}]}\n  - list: {elements: [{booleanFalse: true, booleanTrue: false, stringFalse: 'true', stringTrue: 'false'}]}\n";
    assert_eq!(
        Gen::go().params(yaml).unwrap(),
        [
            json!({"booleanFalse": false, "booleanTrue": true, "stringFalse": "false", "stringTrue": "true"})
        ]
    );
}

/// matrix.go: the second child is re-rendered with each parameter set of the first
/// (`TestInterpolatedMatrixGenerate`, matrix_test.go).
#[test]
fn matrix_interpolates_the_second_child_with_each_first_set() {
    let files = [("apps/a/k.yaml", ""), ("apps/b/k.yaml", ""), ("other/c/k.yaml", "")];
    let g = Gen { files: &files, ..Gen::fast() };
    let yaml = "matrix:\n  generators:\n  - list: {elements: [{root: apps}, {root: other}]}\n  - git: {repoURL: r, revision: HEAD, directories: [{path: '{{root}}/*'}]}\n";
    let paths: Vec<J> = g.params(yaml).unwrap().into_iter().map(|p| p["path"].clone()).collect();
    assert_eq!(paths, [json!("apps/a"), json!("apps/b"), json!("other/c")]);
}

/// matrix.go errors (matrix_test.go): fewer or more than two children; two generators in
/// one child; fasttemplate keys that differ (`CombineStringMaps`, map_test.go).
#[test]
fn matrix_refusals() {
    assert_eq!(
        Gen::fast().params("matrix: {generators: [{list: {elements: [{a: '1'}]}}]}").unwrap_err(),
        "found less than two generators, Matrix support only two"
    );
    assert_eq!(
        Gen::fast().params("matrix: {generators: [{list: {elements: []}}, {list: {elements: []}}, {list: {elements: []}}]}").unwrap_err(),
        "found more than two generators, Matrix support only two"
    );
    let g = Gen { files: DIRS, ..Gen::fast() };
    assert_eq!(
        g.params("matrix: {generators: [{list: {elements: [{a: '1'}]}, git: {repoURL: r, revision: HEAD, directories: [{path: '*'}]}}, {list: {elements: [{b: '1'}]}}]}").unwrap_err(),
        "error failed to get params for first generator in matrix generator: found more than one generator in matrix.Generators"
    );
    assert_eq!(
        Gen::fast().params("matrix: {generators: [{list: {elements: [{a: '1'}]}}, {list: {elements: [{a: '2'}]}}]}").unwrap_err(),
        "failed to combine string maps with merging params for the matrix generator: found duplicate key a with different value, a: 1 ,b: 2"
    );
    // Equal values are fine.
    assert_eq!(
        Gen::fast().params("matrix: {generators: [{list: {elements: [{a: '1'}]}}, {list: {elements: [{a: '1'}]}}]}").unwrap(),
        [json!({"a": "1"})]
    );
}

/// `GetGenerators` (utils.go) nests matrix/merge children as terminal generators: a third
/// level disappears and the level above fails with "child generator generated no parameters".
#[test]
fn a_third_level_of_nesting_is_dropped() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: deep}\nspec:\n  generators:\n  - matrix:\n      generators:\n      - list: {elements: [{a: '1'}]}\n      - matrix:\n          generators:\n          - matrix: {generators: [{list: {elements: [{b: '1'}]}}, {list: {elements: [{c: '1'}]}}]}\n          - list: {elements: [{d: '1'}]}\n  template:\n    metadata: {name: 'x-{{a}}'}\n    spec: {project: default, destination: {}}\n";
    let e = expand_tree(&[("a.yaml", text)], &ExpandRequest::default());
    assert_eq!(apps(&e), json!([]));
    assert_eq!(codes(&e), ["A018", "A006"], "{:?}", messages(&e));
    assert!(messages(&e)[1].ends_with(
        "failed to get params for the second generator in the matrix generator: child generator returned an error on parameter generation: error failed to get params for first generator in matrix generator: child generator generated no parameters"
    ));
}

/// `TestMergeGenerate` (merge_test.go).
#[test]
fn merge_by_keys() {
    let g = Gen::fast();
    assert_eq!(
        g.params("merge:\n  mergeKeys: [b]\n  generators:\n  - list: {elements: [{a: '1_1', b: same, c: '1_3'}]}\n  - list: {elements: [{a: '2_1', b: same}]}\n  - list: {elements: [{a: '3_1', b: different, c: '3_3'}]}\n").unwrap(),
        [json!({"a": "2_1", "b": "same", "c": "1_3"})]
    );
    assert_eq!(
        g.params("merge:\n  mergeKeys: [a, b]\n  generators:\n  - matrix: {generators: [{list: {elements: [{a: '1'}, {a: '2'}]}}, {list: {elements: [{b: '1'}, {b: '2'}]}}]}\n  - list: {elements: [{a: '1', b: '1', c: added}]}\n").unwrap(),
        [json!({"a": "1", "b": "1", "c": "added"}), json!({"a": "1", "b": "2"}), json!({"a": "2", "b": "1"}), json!({"a": "2", "b": "2"})]
    );
    assert_eq!(
        g.params("merge: {mergeKeys: [b], generators: [{list: {elements: [{a: a}]}}, {list: {elements: [{b: b}]}}]}").unwrap(),
        [json!({"a": "a"})]
    );
}

/// `TestGetParamSetsByMergeKey` and `TestMergeGenerate` errors (merge_test.go).
#[test]
fn merge_refusals() {
    let g = Gen::fast();
    assert_eq!(
        g.params("merge: {mergeKeys: [b], generators: [{list: {elements: [{b: x}]}}]}")
            .unwrap_err(),
        "found less than two generators, Merge requires two or more"
    );
    assert_eq!(
        g.params("merge: {mergeKeys: [key], generators: [{list: {elements: [{key: b}, {key: b}]}}, {list: {elements: []}}]}").unwrap_err(),
        r#"error getting param sets by merge key: the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was {"key":"b"}"#
    );
    assert_eq!(
        g.params("merge: {mergeKeys: [], generators: [{list: {elements: [{b: x}]}}, {list: {elements: []}}]}").unwrap_err(),
        "error getting param sets by merge key: no merge keys were specified, Merge requires at least one"
    );
}

// ---------------------------------------------------------------------------------------------
// Selectors (generator_spec_processor.go, generator_spec_processor_test.go, selector.go)
// ---------------------------------------------------------------------------------------------

/// `TestTransForm` (generator_spec_processor_test.go): the post selector matches flattened
/// parameters with any label value (URLs included); `NotIn` passes when the key is absent.
#[test]
fn post_selectors_filter_parameter_sets() {
    let g = Gen::fast();
    let yaml = "list: {elements: [{name: production, url: 'https://production.example.com'}, {name: staging, url: 'https://staging.example.com'}]}\n";
    assert_eq!(
        g.params(&format!(
            "{yaml}selector: {{matchLabels: {{url: 'https://production.example.com'}}}}"
        ))
        .unwrap(),
        [json!({"name": "production", "url": "https://production.example.com"})]
    );
    assert_eq!(
        g.params(&format!("{yaml}selector: {{matchExpressions: [{{key: name, operator: NotIn, values: [production]}}]}}")).unwrap(),
        [json!({"name": "staging", "url": "https://staging.example.com"})]
    );
    assert_eq!(
        g.params(&format!(
            "{yaml}selector: {{matchExpressions: [{{key: other, operator: DoesNotExist}}]}}"
        ))
        .unwrap()
        .len(),
        2
    );
    // goTemplate: nested maps flattened, `map[string]string` too (normalizeMapForFlatten).
    let go = Gen {
        clusters: Some(vec![
            cluster("a", "https://a", &[("env", "prod")]),
            cluster("b", "https://b", &[]),
        ]),
        ..Gen::go()
    };
    let names: Vec<J> = go
        .params("clusters: {}\nselector: {matchLabels: {metadata.labels.env: prod}}")
        .unwrap()
        .into_iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(names, [json!("a")]);
    // Keys must be qualified names (LabelSelectorAsSelector → validateLabelKey).
    let err = g.params(&format!("{yaml}selector: {{matchLabels: {{'path[0]': x}}}}")).unwrap_err();
    assert!(err.starts_with("error parsing label selector: key: Invalid value: \"path[0]\": name part must consist of"), "{err}");
    assert_eq!(
        g.params(&format!(
            "{yaml}selector: {{matchExpressions: [{{key: a, operator: Gt, values: ['1']}}]}}"
        ))
        .unwrap_err(),
        "error parsing label selector: \"Gt\" is not a valid pod selector operator"
    );
}

// ---------------------------------------------------------------------------------------------
// Templates: generator overrides, templatePatch, goTemplate sets
// ---------------------------------------------------------------------------------------------

/// `TestGenerateApplications` / `mergeGeneratorTemplate` (generator_spec_processor_test.go):
/// a generator's template wins where it is non-empty; the rest comes from `spec.template`.
#[test]
fn a_generator_template_overrides_the_set_template() {
    let text = r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: override}
spec:
  generators:
  - list:
      elements: [{cluster: engineering-dev, url: "https://kubernetes.default.svc"}]
      template:
        metadata: {labels: {team: b}}
        spec:
          project: "override-{{cluster}}"
          destination: {}
          source: {repoURL: "https://github.com/argoproj/argo-cd.git", path: "applicationset/examples/template-override/{{cluster}}-override"}
  template:
    metadata:
      name: "{{cluster}}-guestbook"
      labels: {team: a, tier: web}
    spec:
      project: "default"
      source: {repoURL: "https://github.com/argoproj/argo-cd.git", targetRevision: HEAD, path: "applicationset/examples/template-override/{{cluster}}"}
      destination: {server: "{{url}}", namespace: guestbook}
"#;
    let e = expand_tree(
        &[("a.yaml", text)],
        &ExpandRequest {
            repo_url: Some("https://github.com/example/other".into()),
            ..Default::default()
        },
    );
    assert_eq!(
        apps(&e),
        json!([{
            "metadata": {"finalizers": ["resources-finalizer.argocd.argoproj.io"], "labels": {"team": "b", "tier": "web"}, "name": "engineering-dev-guestbook"},
            "spec": {
                "destination": {"namespace": "guestbook", "server": "https://kubernetes.default.svc"},
                "project": "override-engineering-dev",
                "source": {"path": "applicationset/examples/template-override/engineering-dev-override", "repoURL": "https://github.com/argoproj/argo-cd.git", "targetRevision": "HEAD"}
            }
        }])
    );
    assert_eq!(e.app_sets[0].applications[0].sources[0].status, SourceStatus::External);
}

/// `TestApplyTemplatePatch` (controllers/template/patch_test.go) and template.go: the patch
/// is rendered per parameter set, merged (maps merge, lists replaced), and cannot change the
/// project.
#[test]
fn template_patch_is_rendered_merged_and_keeps_the_project() {
    let text = r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: patched, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - list:
      elements:
      - {name: a, autoSync: true, prune: true}
      - {name: b, autoSync: false}
  template:
    metadata:
      name: "app-{{ .name }}"
      annotations: {keep: me}
    spec:
      project: default
      destination: {server: "https://kubernetes.default.svc", namespace: "{{ .name }}"}
      source: {repoURL: r, path: ".", directory: {recurse: true}}
  templatePatch: |
    metadata:
      annotations:
        patched: "{{ .name }}"
    spec:
      project: hacked
      {{- if .autoSync }}
      syncPolicy:
        automated:
          prune: {{ .prune }}
      {{- end }}
      source:
        directory: null
"#;
    let e = expand_tree(&[("a.yaml", text), ("x.txt", "")], &ExpandRequest::default());
    assert_eq!(
        apps(&e),
        json!([
            {
                "metadata": {"annotations": {"keep": "me", "patched": "a"}, "finalizers": ["resources-finalizer.argocd.argoproj.io"], "name": "app-a", "namespace": "argocd"},
                "spec": {
                    "destination": {"namespace": "a", "server": "https://kubernetes.default.svc"},
                    "project": "default",
                    "source": {"path": ".", "repoURL": "r"},
                    "syncPolicy": {"automated": {"prune": true}}
                }
            },
            {
                "metadata": {"annotations": {"keep": "me", "patched": "b"}, "finalizers": ["resources-finalizer.argocd.argoproj.io"], "name": "app-b", "namespace": "argocd"},
                "spec": {
                    "destination": {"namespace": "b", "server": "https://kubernetes.default.svc"},
                    "project": "default",
                    "source": {"path": ".", "repoURL": "r"}
                }
            }
        ])
    );
}

/// patch.go: a patch that is not an Application refuses the set with `invalid templatePatch`.
#[test]
fn a_template_patch_of_the_wrong_shape_refuses_the_set() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: p}\nspec:\n  goTemplate: true\n  generators: [{list: {elements: [{app: a}]}}]\n  template:\n    metadata: {name: '{{ .app }}'}\n    spec: {project: default, destination: {}}\n  templatePatch: |\n    spec:\n      project: [not, a, string]\n";
    let e = expand_tree(&[("a.yaml", text)], &ExpandRequest::default());
    assert_eq!(apps(&e), json!([]));
    assert_eq!(codes(&e), ["A007"]);
    assert!(messages(&e)[0].contains(r#"invalid templatePatch "{\"spec\":{\"project\":[\"not\",\"a\",\"string\"]}}": json: cannot unmarshal array into Go struct field Application.spec.project of type string"#), "{:?}", messages(&e));
}

/// A goTemplate error points at the failing action inside the template string.
#[test]
fn a_template_error_points_into_the_template_string() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: p}\nspec:\n  goTemplate: true\n  goTemplateOptions: [missingkey=error]\n  generators: [{list: {elements: [{app: a}]}}]\n  template:\n    metadata: {name: 'app-{{ .nope }}'}\n    spec: {project: default, destination: {}}\n";
    let e = expand_tree(&[("a.yaml", text)], &ExpandRequest::default());
    let d = &e.app_sets[0].diagnostics[0];
    assert_eq!(d.code, "A007");
    let span = d.span.unwrap();
    assert_eq!(&text[span.range()], ".nope");
    assert!(d.message.ends_with(r#"map has no entry for key "nope""#), "{}", d.message);
    assert!(d.range.is_some());
}

// ---------------------------------------------------------------------------------------------
// validateGeneratedApplications and Baton's checks
// ---------------------------------------------------------------------------------------------

/// applicationset_controller.go `validateGeneratedApplications`: errors are keyed by
/// namespace/name, so every Application of a duplicated name is left out; an empty name too.
#[test]
fn duplicate_and_empty_names_are_reported_and_left_out() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: dup, namespace: argocd}\nspec:\n  generators: [{list: {elements: [{app: a, env: e1}, {app: a, env: e2}, {app: b, env: e3}, {app: '', env: e4}]}}]\n  template:\n    metadata: {name: '{{app}}'}\n    spec: {project: default, destination: {namespace: '{{env}}'}}\n";
    let e = expand_tree(&[("a.yaml", text)], &ExpandRequest::default());
    let names: Vec<&str> =
        e.app_sets[0].applications.iter().map(GeneratedApplication::name).collect();
    assert_eq!(names, ["b"]);
    let mut c = codes(&e);
    c.sort_unstable();
    assert_eq!(c, ["A010", "A011"]);
    let m = messages(&e);
    assert!(m.iter().any(|m| m.starts_with(
        "ApplicationSet dup contains applications with duplicate name: a (2 Applications"
    )));
    assert!(
        m.iter().any(|m| m.starts_with("ApplicationSet dup contains an application with no name"))
    );
}

/// Baton's render check: a missing path is reported at the template's `path`; an overlay that
/// does not render is reported with the overlay as related location; Helm charts are listed.
#[test]
fn each_application_path_is_checked_against_the_repository() {
    let files = with(
        OVERLAYS,
        &[
            ("apps/broken/kustomization.yaml", "resources:\n- missing.yaml\n"),
            ("charts/web/Chart.yaml", "name: web\nversion: 1.0.0\n"),
            (
                "appset.yaml",
                "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: checks}\nspec:\n  generators: [{list: {elements: [{app: s, p: apps/payment-service/staging}, {app: b, p: apps/broken}, {app: c, p: charts/web}, {app: m, p: apps/nowhere}]}}]\n  template:\n    metadata: {name: 'app-{{app}}'}\n    spec:\n      project: default\n      destination: {}\n      source: {repoURL: https://github.com/example/platform-gitops, path: '{{p}}'}\n",
            ),
        ],
    );
    let e = expand_tree(&files, &ExpandRequest::default());
    let set = &e.app_sets[0];
    let statuses: Vec<(&str, SourceStatus)> =
        set.applications.iter().map(|a| (a.name(), a.sources[0].status)).collect();
    assert_eq!(
        statuses,
        [
            ("app-s", SourceStatus::Renders),
            ("app-b", SourceStatus::Fails),
            ("app-c", SourceStatus::Listed),
            ("app-m", SourceStatus::Missing)
        ]
    );
    let text = files.iter().find(|(p, _)| *p == "appset.yaml").unwrap().1;
    let by_code = |code: &str| set.diagnostics.iter().find(|d| d.code == code).unwrap();
    let fails = by_code("A015");
    assert!(
        fails.message.starts_with("Application app-b: apps/broken does not render:"),
        "{}",
        fails.message
    );
    assert_eq!(fails.related[0].file, "apps/broken/kustomization.yaml");
    assert_eq!(&text[fails.span.unwrap().range()], "'{{p}}'");
    let missing = by_code("A014");
    assert_eq!(
        missing.message,
        "Application app-m: source path apps/nowhere does not exist in the repository"
    );
    assert_eq!(by_code("A016").severity, crate::Severity::Info);
}

/// Parameters left unresolved: fasttemplate writes unknown tags back; goTemplate prints
/// `<no value>` for a missing key (utils.go `Replace`).
#[test]
fn unresolved_parameters_are_warned_about() {
    for (go, name) in [(false, "app-{{nope}}"), (true, "app-{{ .nope }}")] {
        let text = format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {{name: u}}\nspec:\n  goTemplate: {go}\n  generators: [{{list: {{elements: [{{app: a}}]}}}}]\n  template:\n    metadata: {{name: app}}\n    spec: {{project: default, destination: {{namespace: '{name}'}}}}\n"
        );
        let e = expand_tree(&[("a.yaml", text.as_str())], &ExpandRequest::default());
        assert_eq!(codes(&e), ["A013"], "{go}");
        assert_eq!(e.app_sets[0].applications.len(), 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the object (the CRD), generators that need a service, bounds
// ---------------------------------------------------------------------------------------------

/// The CRD (manifests/crds/applicationset-crd.yaml): unknown fields are dropped (warning at
/// the key), wrong types and missing required fields refuse the object.
#[test]
fn the_object_is_read_as_the_api_server_reads_it() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: crd}\nspec:\n  generators:\n  - list: {elements: [{app: a}]}\n    lists: {}\n  template:\n    metadata: {name: '{{app}}'}\n    spec: {project: default, destination: {}, sourcez: {}}\n";
    let e = expand_tree(&[("a.yaml", text)], &ExpandRequest::default());
    assert_eq!(codes(&e), ["A002", "A002"]);
    let d = &e.app_sets[0].diagnostics[0];
    assert_eq!(&text[d.span.unwrap().range()], "lists");
    assert_eq!(e.app_sets[0].applications.len(), 1);
    let wrong = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: crd}\nspec:\n  goTemplate: 'yes please'\n  generators: [{git: {repoURL: r, directories: [{path: '*'}]}}]\n  template:\n    metadata: {name: x}\n    spec: {project: default}\n";
    let e = expand_tree(&[("a.yaml", wrong)], &ExpandRequest::default());
    let m = messages(&e);
    assert_eq!(codes(&e), ["A001", "A001", "A001"], "{m:?}");
    assert!(m.contains(&"spec.goTemplate must be of type boolean, not string (the API server refuses the ApplicationSet)".to_owned()));
    assert!(m.contains(&"spec.generators[0].git.revision is required (the API server refuses the ApplicationSet)".to_owned()));
    assert!(m.contains(&"spec.template.spec.destination is required (the API server refuses the ApplicationSet)".to_owned()));
    assert!(e.app_sets[0].applications.is_empty());
}

/// utils.go `CheckInvalidGenerators`: an entry without a known generator generates nothing;
/// scmProvider/clusterDecisionResource/plugin need a live service.
#[test]
fn unknown_and_live_generators_are_reported() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: live}\nspec:\n  generators:\n  - {}\n  - scmProvider: {github: {organization: o}}\n  - list: {elements: [{app: a}]}\n  template:\n    metadata: {name: '{{app}}'}\n    spec: {project: default, destination: {}}\n";
    let e = expand_tree(&[("a.yaml", text)], &ExpandRequest::default());
    assert_eq!(codes(&e), ["A003", "A004"]);
    assert_eq!(e.app_sets[0].applications.len(), 1, "the list generator still expands");
}

/// A git generator reading another repository than the one declared is not expanded.
#[test]
fn a_git_generator_on_another_repository_is_skipped() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: other}\nspec:\n  generators: [{git: {repoURL: 'git@github.com:someone/else.git', revision: HEAD, directories: [{path: '*'}]}}]\n  template:\n    metadata: {name: '{{path.basename}}'}\n    spec: {project: default, destination: {}}\n";
    let request = ExpandRequest {
        repo_url: Some("https://github.com/example/platform-gitops.git".into()),
        ..Default::default()
    };
    let e = expand_tree(&[("a.yaml", text), ("x/y.yaml", "")], &request);
    assert_eq!(codes(&e), ["A008"]);
    assert_eq!(
        normalize_repo_url("git@github.com:Example/Platform-GitOps.git"),
        "github.com/example/platform-gitops"
    );
    assert_eq!(
        normalize_repo_url("https://github.com/example/platform-gitops/"),
        "github.com/example/platform-gitops"
    );
    // The same repository in another spelling is expanded.
    let same = text
        .replace("git@github.com:someone/else.git", "git@github.com:example/platform-gitops.git");
    let e = expand_tree(&[("a.yaml", same.as_str()), ("x/y.yaml", "")], &request);
    assert_eq!(e.app_sets[0].applications.len(), 1);
}

/// Bounds: a matrix that multiplies past the parameter-set limit and a runaway template stop
/// with a diagnostic, not a hang.
#[test]
fn pathological_sets_hit_the_limits() {
    let many: Vec<String> = (0..120).map(|i| format!("{{a: '{i}'}}")).collect();
    let list = many.join(", ");
    let text = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {{name: big}}\nspec:\n  generators:\n  - matrix: {{generators: [{{list: {{elements: [{list}]}}}}, {{list: {{elements: [{}]}}}}]}}\n  template:\n    metadata: {{name: 'x-{{{{a}}}}-{{{{b}}}}'}}\n    spec: {{project: default, destination: {{}}}}\n",
        (0..120).map(|i| format!("{{b: '{i}'}}")).collect::<Vec<_>>().join(", ")
    );
    let e = expand_tree(&[("a.yaml", text.as_str())], &ExpandRequest::default());
    assert_eq!(codes(&e), ["A017"]);
    let runaway = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: loop}\nspec:\n  goTemplate: true\n  generators: [{list: {elements: [{app: a}]}}]\n  template:\n    metadata: {name: '{{ range until 10000000 }}x{{ end }}'}\n    spec: {project: default, destination: {}}\n";
    let e = expand_tree(&[("a.yaml", runaway)], &ExpandRequest::default());
    assert_eq!(codes(&e), ["A007"]);
    assert!(messages(&e)[0].contains("Baton's limit"), "{:?}", messages(&e));
}

/// The work meter bounds an expansion: past the limit it stops and says so.
#[test]
fn the_work_limit_stops_an_expansion() {
    let files = with(OVERLAYS, &[("argocd/appset.yaml", SEED)]);
    let tree = crate::tree::of(&files);
    let mut renders = Renders::new();
    renders.set_work_limit(Some(3));
    let mut repo = Repo::new(&tree, &mut renders);
    let e = expand(&mut repo, &ExpandRequest::default());
    let all: Vec<&str> = e
        .diagnostics
        .iter()
        .chain(e.app_sets.iter().flat_map(|s| &s.diagnostics))
        .map(|d| d.code)
        .collect();
    assert!(all.contains(&"R013") || all.contains(&"A017"), "{all:?}");
}

/// Two ApplicationSets with one namespace and name.
#[test]
fn duplicate_application_sets_are_reported() {
    let files = [("a.yaml", SEED), ("b.yaml", SEED)];
    let e = expand_tree(&files, &ExpandRequest::default());
    assert_eq!(e.app_sets.len(), 2);
    let all: Vec<&str> = e.app_sets.iter().flat_map(|s| &s.diagnostics).map(|d| d.code).collect();
    assert!(all.contains(&"A019"), "{all:?}");
}

/// Pull request preview environments, end to end (Generators-Pull-Request.md's example).
#[test]
fn pull_request_previews_end_to_end() {
    let text = r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: previews, namespace: argocd}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - pullRequest:
      github: {owner: example, repo: payment-service, labels: [preview]}
  template:
    metadata:
      name: 'payment-service-pr-{{ .number }}'
    spec:
      project: payments
      source:
        repoURL: https://github.com/example/platform-gitops
        targetRevision: HEAD
        path: apps/payment-service/staging
        kustomize:
          images: ['registry.example.com/payment-service:pr-{{ .number }}-{{ .head_short_sha_7 }}']
      destination:
        server: https://staging.k8s.example.com
        namespace: 'preview-pr-{{ .number }}'
"#;
    let files = with(OVERLAYS, &[("argocd/previews.yaml", text)]);
    let request = ExpandRequest {
        pull_requests: Some(vec![
            pull(42, "feat/x", "ab1cd234567", &["preview"]),
            pull(43, "chore", "ffffffff", &[]),
        ]),
        ..Default::default()
    };
    let e = expand_tree(&files, &request);
    assert_eq!(
        apps(&e),
        json!([{
            "metadata": {"finalizers": ["resources-finalizer.argocd.argoproj.io"], "name": "payment-service-pr-42", "namespace": "argocd"},
            "spec": {
                "destination": {"namespace": "preview-pr-42", "server": "https://staging.k8s.example.com"},
                "project": "payments",
                "source": {
                    "kustomize": {"images": ["registry.example.com/payment-service:pr-42-ab1cd23"]},
                    "path": "apps/payment-service/staging",
                    "repoURL": "https://github.com/example/platform-gitops",
                    "targetRevision": "HEAD"
                }
            }
        }])
    );
    // Without a list, the generator yields nothing and says why.
    let e = expand_tree(&files, &ExpandRequest::default());
    assert_eq!(codes(&e), ["A005"]);
}

/// Expanding is deterministic, and `validate` reports the same diagnostics.
#[test]
fn validate_reports_the_expansion_diagnostics() {
    let files = with(
        OVERLAYS,
        &[("apps/broken/kustomization.yaml", "resources:\n- gone.yaml\n"), ("x.yaml", SEED_BROKEN)],
    );
    let tree = crate::tree::of(&files);
    let mut renders = Renders::new();
    let mut repo = Repo::new(&tree, &mut renders);
    let diagnostics = validate(&mut repo);
    let a: Vec<&str> = diagnostics.iter().map(|d| d.code).filter(|c| c.starts_with('A')).collect();
    assert_eq!(a, ["A015"]);
    let mut ws = crate::Workspace::new(tree.clone());
    let codes: Vec<&str> = ws.validate().diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"A015"), "{codes:?}");
}

const SEED_BROKEN: &str = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: b}\nspec:\n  generators: [{list: {elements: [{env: broken}]}}]\n  template:\n    metadata: {name: 'x-{{env}}'}\n    spec: {project: default, destination: {}, source: {repoURL: r, path: 'apps/{{env}}'}}\n";

/// `status` lists, per app and environment, the Applications that deploy the overlay: from the
/// seed's ApplicationSet under `applications`, and a plain `Application` under `deployments`.
#[test]
fn status_shows_the_applications_deploying_each_environment() {
    let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: payments-prod-manual, namespace: argocd}\nspec:\n  project: payments\n  source: {repoURL: https://github.com/example/platform-gitops, path: ./apps/payment-service/production}\n  destination: {name: prod-eu, namespace: payments}\n";
    let files = with(OVERLAYS, &[("argocd/appset.yaml", SEED), ("argocd/manual.yaml", app)]);
    let mut ws = crate::Workspace::new(crate::tree::of(&files));
    let status = ws.status();
    let envs = &status.apps[0].environments;
    let staging = envs.iter().find(|e| e.name == "staging").unwrap();
    assert_eq!(
        serde_json::to_value(&staging.applications).unwrap(),
        json!([{"application": "payment-service-staging", "appSet": "payment-service-all-envs", "file": "argocd/appset.yaml", "cluster": "https://staging.k8s.example.com", "namespace": "payments-staging"}])
    );
    let production = envs.iter().find(|e| e.name == "production").unwrap();
    let names: Vec<&str> = production.applications.iter().map(|d| d.application.as_str()).collect();
    assert_eq!(names, ["payment-service-production"]);
    // A written Application is the deploy index's: listed once, under `deployments`.
    let written: Vec<(&str, Option<&str>)> =
        production.deployments.iter().map(|d| (d.id.as_str(), d.cluster.as_deref())).collect();
    assert_eq!(written, [("argo:argocd/payments-prod-manual", Some("prod-eu"))]);
}

/// A kustomization that needs the network (a remote base) is listed, not judged broken.
#[test]
fn a_path_that_needs_the_network_is_listed_not_failed() {
    let files = [
        (
            "apps/remote/kustomization.yaml",
            "resources:\n- https://github.com/argoproj/argo-workflows/releases/download/v3.0.0/install.yaml\n",
        ),
        (
            "set.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: r}\nspec:\n  generators: [{list: {elements: [{app: remote}]}}]\n  template:\n    metadata: {name: '{{app}}'}\n    spec: {project: default, destination: {}, source: {repoURL: r, path: 'apps/{{app}}'}}\n",
        ),
    ];
    let e = expand_tree(&files, &ExpandRequest::default());
    assert_eq!(e.app_sets[0].applications[0].sources[0].status, SourceStatus::Listed);
    assert_eq!(codes(&e), ["A016"]);
    assert!(messages(&e)[0].contains("K005"), "{:?}", messages(&e));
}

/// Hostile input: every prefix (every 5th byte) of three ApplicationSets, a recursive
/// template and a pattern Go rejects, expanded without a panic, deterministically, with every
/// diagnostic inside its file.
#[test]
fn truncated_and_hostile_application_sets_never_panic() {
    let matrix = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: m, namespace: argocd}\nspec:\n  goTemplate: true\n  generators:\n  - matrix:\n      generators:\n      - clusters: {selector: {matchLabels: {env: prod}}}\n      - git: {repoURL: r, revision: HEAD, files: [{path: 'config/**'}], values: {cluster: '{{ .name }}'}}\n    selector: {matchExpressions: [{key: region, operator: NotIn, values: [ca]}]}\n  template:\n    metadata: {name: '{{ .name }}-{{ .region | default \"x\" }}'}\n    spec: {project: default, destination: {server: '{{ .server }}'}, source: {repoURL: r, path: apps/payment-service/staging}}\n  templatePatch: |\n    metadata:\n      labels: {region: '{{ .region }}'}\n";
    let recursive = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: r}\nspec:\n  goTemplate: true\n  generators: [{list: {elements: [{app: a}]}}, {git: {repoURL: r, revision: HEAD, directories: [{path: '[', exclude: false}, {path: 'apps/**'}]}}]\n  template:\n    metadata: {name: '{{ define \"x\" }}{{ template \"x\" . }}{{ end }}{{ template \"x\" . }}'}\n    spec: {project: default, destination: {}}\n";
    let request = ExpandRequest {
        clusters: Some(vec![cluster("eu", "https://eu.example.com", &[("env", "prod")])]),
        pull_requests: Some(vec![pull(42, "feat/x", "0123456789", &["preview"])]),
        repo_url: None,
    };
    for text in [SEED, matrix, recursive] {
        let cuts: Vec<usize> =
            (0..=text.len()).step_by(5).filter(|&i| text.is_char_boundary(i)).collect();
        for cut in cuts {
            let files = with(
                OVERLAYS,
                &[
                    ("config/eu/config.json", "{\"region\": \"eu\", \"replicas\": 3}"),
                    ("config/us/config.yaml", "- {region: us}\n- {region: ca}\n"),
                ],
            );
            let mut tree = crate::tree::of(&files);
            tree.insert("argocd/set.yaml", &text[..cut]).unwrap();
            let mut ws = crate::Workspace::new(tree.clone());
            let first = ws.expand_appsets(&request);
            assert_eq!(first, ws.expand_appsets(&request), "deterministic at {cut}");
            for d in first.app_sets.iter().flat_map(|s| &s.diagnostics) {
                let len = tree.text(d.file.as_deref().unwrap()).unwrap().len();
                let span = d.span.unwrap();
                assert!(span.start <= span.end && span.end as usize <= len, "{d:?}");
            }
        }
    }
    let e = expand_tree(&[("r.yaml", recursive)], &ExpandRequest::default());
    let m = messages(&e);
    assert!(m.iter().any(|m| m.contains("exceeded maximum template depth")), "{m:?}");
}

/// `baton.yaml`'s `spec.repository.url` says which `repoURL` is this repository: sources
/// elsewhere are not rendered from this tree, git generators elsewhere are not expanded.
#[test]
fn the_repository_url_comes_from_baton_yaml() {
    let pipeline = "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  repository:\n    url: git@github.com:example/platform-gitops.git\n";
    let other = SEED.replace(
        "https://github.com/example/platform-gitops",
        "https://github.com/example/elsewhere",
    );
    let files = with(OVERLAYS, &[("baton.yaml", pipeline), ("argocd/ours.yaml", SEED)]);
    let mut files: Vec<(&str, &str)> = files;
    let other_set = other.replace("payment-service-all-envs", "elsewhere");
    files.push(("argocd/other.yaml", &other_set));
    let e = expand_tree(&files, &ExpandRequest::default());
    let statuses: Vec<(&str, SourceStatus)> = e
        .app_sets
        .iter()
        .flat_map(|s| s.applications.iter().map(move |a| (s.name.as_str(), a.sources[0].status)))
        .collect();
    assert_eq!(
        statuses,
        [
            ("elsewhere", SourceStatus::External),
            ("elsewhere", SourceStatus::External),
            ("payment-service-all-envs", SourceStatus::Renders),
            ("payment-service-all-envs", SourceStatus::Renders)
        ]
    );
}
