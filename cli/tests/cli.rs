//! The `baton` binary end to end: real directories, real exit codes, real output.

#![allow(clippy::unwrap_used)]

mod common;

use std::fs;

use common::{Repo, baton, stderr, stdout};

fn repo_with(extra: &[(&'static str, &[u8])]) -> Repo {
    Repo::seeded(extra)
}

#[test]
fn validate_clean_repo_exits_zero() {
    let repo = repo_with(&[]);
    let out = baton(&repo, &["validate"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out), "");
}

#[test]
fn render_prints_what_kustomize_prints() {
    let repo = repo_with(&[]);
    let out = baton(&repo, &["render", "apps/web/production"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: web-prod\nspec:\n  template:\n    spec:\n      containers:\n      - image: reg.example.com/web:1.0.0\n        name: web\n"
    );
    let json: serde_json::Value = serde_json::from_slice(
        &baton(&repo, &["render", "--format", "json", "apps/web/staging"]).stdout,
    )
    .unwrap();
    assert_eq!(json["resources"][0]["images"][0]["image"], "reg.example.com/web:abc1234");
    assert_eq!(
        json["resources"][0]["images"][0]["source"]["file"],
        "apps/web/staging/kustomization.yaml"
    );
    assert!(json["diagnostics"].as_array().unwrap().is_empty());
}

/// What a bad-input case is: a name, the files to add, the code and location expected.
type Case = (&'static str, Vec<(&'static str, Vec<u8>)>, &'static str, &'static str);

/// Each bad input gives a diagnostic with file and position, exit 1, and no panic.
#[test]
fn bad_inputs_are_diagnostics_with_positions() {
    let bomb = {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            s.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        s
    };
    let huge = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: \"{}\"\n",
        "x".repeat(10 * 1024 * 1024)
    );
    let cases: Vec<Case> = vec![
        (
            "malformed YAML",
            vec![("apps/web/base/deployment.yaml", b"kind: Deployment\nmetadata: [\n".to_vec())],
            "Y001",
            // The unclosed `[`, not the end of the file where the parser gave up.
            "apps/web/base/deployment.yaml:2:11",
        ),
        (
            "missing resource",
            vec![(
                "apps/web/base/kustomization.yaml",
                b"resources:\n- deployment.yaml\n- service.yaml\n".to_vec(),
            )],
            "K003",
            "apps/web/base/kustomization.yaml:3:3",
        ),
        (
            "path escaping the root",
            vec![(
                "apps/web/base/kustomization.yaml",
                b"resources:\n- ../../../../outside\n".to_vec(),
            )],
            "T001",
            "apps/web/base/kustomization.yaml:2:3",
        ),
        (
            "cycle of bases",
            vec![(
                "apps/web/base/kustomization.yaml",
                b"resources:\n- deployment.yaml\n- ../staging\n".to_vec(),
            )],
            "K004",
            "apps/web/base/kustomization.yaml:3:3",
        ),
        (
            "10 MB file",
            vec![("apps/web/base/big.yaml", huge.into_bytes())],
            "T004",
            "apps/web/base/big.yaml",
        ),
        (
            "alias bomb",
            vec![("apps/web/base/bomb.yaml", bomb.into_bytes())],
            "Y003",
            "apps/web/base/bomb.yaml:",
        ),
        (
            "invalid UTF-8",
            vec![("apps/web/base/deployment.yaml", b"kind: Deployment\nname: \xff\xfe\n".to_vec())],
            "T003",
            "apps/web/base/deployment.yaml:2:7",
        ),
    ];
    for (what, files, code, location) in cases {
        let extra: Vec<(&'static str, &[u8])> =
            files.iter().map(|(p, b)| (*p, b.as_slice())).collect();
        let repo = repo_with(&extra);
        let out = baton(&repo, &["validate"]);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {text}{}", stderr(&out));
        let line = text
            .lines()
            .find(|l| l.contains(&format!("[{code}]")))
            .unwrap_or_else(|| panic!("{what}: no {code} in\n{text}"));
        assert!(line.starts_with(location), "{what}: {line}");
        assert!(!stderr(&out).contains("panicked"), "{what}");
    }
}

#[test]
fn usage_and_unreadable_roots_exit_two() {
    let repo = repo_with(&[]);
    assert_eq!(baton(&repo, &["frobnicate"]).status.code(), Some(2));
    assert_eq!(baton(&repo, &["render"]).status.code(), Some(2));
    let out = baton(&repo, &["validate", "--root", "no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read root"), "{}", stderr(&out));
}

#[test]
fn json_and_sarif_outputs() {
    let repo = repo_with(&[("apps/web/base/deployment.yaml", b"kind: [\n")]);
    let json: serde_json::Value =
        serde_json::from_slice(&baton(&repo, &["validate", "--format", "json"]).stdout).unwrap();
    let first = &json["diagnostics"][0];
    assert_eq!(first["code"], "Y001");
    assert!(first["range"]["start"]["line"].is_u64());
    assert!(first["span"]["start"].is_u64());
    let sarif: serde_json::Value =
        serde_json::from_slice(&baton(&repo, &["validate", "--format", "sarif"]).stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "Y001");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "apps/web/base/deployment.yaml"
    );
}

#[test]
fn status_and_promote_write_round_trip() {
    let repo = repo_with(&[]);
    let status: serde_json::Value =
        serde_json::from_slice(&baton(&repo, &["status", "--format", "json"]).stdout).unwrap();
    assert_eq!(status["environments"], serde_json::json!(["staging", "production"]));
    assert_eq!(status["apps"][0]["pending"][0]["changes"][0]["to"], "abc1234");
    let text = stdout(&baton(&repo, &["status"]));
    assert!(
        text.contains("diverged staging → production: Deployment/web web 1.0.0 → abc1234 (not ordered: 'abc1234' is not a semantic version)"),
        "{text}"
    );

    let out = baton(&repo, &["promote", "--app", "web", "--to", "production", "--write"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("allowed: yes"));
    assert_eq!(
        repo.read("apps/web/production/kustomization.yaml"),
        "resources:\n- ../base\nnamespace: web-prod\nimages:\n- name: reg.example.com/web\n  newTag: abc1234\n"
    );
    let again: serde_json::Value = serde_json::from_slice(
        &baton(&repo, &["promote", "--app", "web", "--to", "production", "--format", "json"])
            .stdout,
    )
    .unwrap();
    assert_eq!(again["changes"], serde_json::json!([]));
    assert_eq!(again["allowed"], true);
}

#[test]
fn blocked_promotions_exit_one_and_context_is_read() {
    let pipeline = b"apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  environments:\n  - name: staging\n  - name: production\n    gates:\n      approvals: 1\n";
    let repo = repo_with(&[("baton.yaml", pipeline)]);
    let out = baton(&repo, &["promote", "--app", "web", "--to", "production"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("pending  approvals"), "{}", stdout(&out));
    fs::write(repo.path().join("ctx.json"), br#"{"author": "alice", "approvals": ["bob"]}"#)
        .unwrap();
    let out =
        baton(&repo, &["promote", "--app", "web", "--to", "production", "--context", "ctx.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    fs::write(repo.path().join("bad.json"), br#"{"approvers": []}"#).unwrap();
    let out =
        baton(&repo, &["promote", "--app", "web", "--to", "production", "--context", "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown field"), "{}", stderr(&out));
}

/// Issue 14: a promotion whose edit also changes another workload says so in the terminal.
#[test]
fn promote_lists_collateral_changes() {
    let deployment = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n      - name: {name}\n        image: reg.example.com/platform:1.0.0\n"
        )
    };
    let (web, api) = (deployment("web"), deployment("api"));
    let repo = Repo::new(&[
        ("apps/web/base/kustomization.yaml", b"resources: [deployment.yaml]\n"),
        ("apps/web/base/deployment.yaml", web.as_bytes()),
        ("apps/api/base/kustomization.yaml", b"resources: [deployment.yaml]\n"),
        ("apps/api/base/deployment.yaml", api.as_bytes()),
        ("envs/staging/kustomization.yaml", b"resources: [../../apps/web/base, ../../apps/api/base]\nimages:\n- name: reg.example.com/platform\n  newTag: 2.0.0\n"),
        ("envs/production/kustomization.yaml", b"resources: [../../apps/web/base, ../../apps/api/base]\n"),
        ("baton.yaml", b"apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  environments:\n  - name: staging\n    path: envs/staging\n  - name: production\n    path: envs/production\n"),
    ]);
    let out = baton(&repo, &["promote", "--app", "web", "--to", "production"]);
    let text = stdout(&out);
    assert!(
        text.contains("  collateral: envs/production: the change also alters Deployment/api: spec.template.spec.containers.[name=api].image reg.example.com/platform:1.0.0 → reg.example.com/platform:2.0.0\n"),
        "{text}"
    );
    assert!(text.contains("warning[R009]"), "{text}");
}

/// SARIF `artifactLocation.uri` is a URI reference: spaces, `#`, `%` and non-ASCII characters
/// of a path are percent-encoded (RFC 3986), or viewers cut the path at `#` or mis-decode it.
#[test]
fn sarif_uris_are_percent_encoded() {
    let repo = repo_with(&[("apps/web/base/my file #1 100% é.yaml", b"kind: [\n")]);
    let out = baton(&repo, &["validate", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, ["apps/web/base/my%20file%20%231%20100%25%20%C3%A9.yaml"]);
}

/// `baton appsets` on the playground's example: the seed's `ApplicationSet` in text, JSON and
/// YAML; the preview `ApplicationSet` from a pulls file; malformed inputs exit 2 naming the field.
#[test]
fn appsets_expand_the_example_repository() {
    let repo = common::example_repo();
    let out = baton(&repo, &["appsets"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with(
        "payment-service-all-envs (argocd/payment-service-appset.yaml): 2 Applications\n  payment-service-staging     https://staging.k8s.example.com ns=payments-staging  apps/payment-service/staging     renders\n  payment-service-production  https://prod.k8s.example.com ns=payments-production  apps/payment-service/production  renders\n"
    ), "{text}");
    assert!(text.contains("info[A005]: no pull request list was given"), "{text}");

    repo.write(
        "pulls.json",
        br#"{"pullRequests": [{"number": 42, "branch": "feat/x", "targetBranch": "main", "headSha": "ab1cd234567", "labels": ["preview"]}]}"#,
    );
    let out = baton(&repo, &["appsets", "--pulls", "pulls.json", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let previews = &json["appSets"][1];
    assert_eq!(previews["name"], "payment-service-previews");
    assert_eq!(previews["applications"][0]["metadata"]["name"], "payment-service-pr-42");
    assert_eq!(previews["applications"][0]["sources"][0]["status"], "renders");

    let out = baton(&repo, &["appsets", "--format", "yaml"]);
    let yaml = stdout(&out);
    assert!(yaml.starts_with("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  finalizers:\n  - resources-finalizer.argocd.argoproj.io\n  name: payment-service-staging\n"), "{yaml}");
    assert_eq!(yaml.matches("\n---\n").count(), 1);
    assert!(stderr(&out).contains("A005"));

    repo.write("clusters.json", br#"[{"name": "eu"}]"#);
    let out = baton(&repo, &["appsets", "--clusters", "clusters.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--clusters clusters.json: [0]: missing field `server`"),
        "{}",
        stderr(&out)
    );
    repo.write("bad.json", b"{not json");
    let out = baton(&repo, &["appsets", "--pulls", "bad.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--pulls bad.json: not JSON"), "{}", stderr(&out));
    let out = baton(&repo, &["appsets", "--pulls", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
}

/// An `ApplicationSet` whose generated path does not render exits 1 with the A015 diagnostic.
#[test]
fn appsets_with_a_broken_path_exit_one() {
    let repo = repo_with(&[
        ("apps/web/broken/kustomization.yaml", b"resources:\n- gone.yaml\n"),
        (
            "argocd/web.yaml",
            b"apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: web}\nspec:\n  generators: [{list: {elements: [{env: production}, {env: broken}]}}]\n  template:\n    metadata: {name: 'web-{{env}}'}\n    spec: {project: default, destination: {}, source: {repoURL: r, path: 'apps/web/{{env}}'}}\n",
        ),
    ]);
    let out = baton(&repo, &["appsets"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("  web-broken      -  apps/web/broken      does not render\n"), "{text}");
    assert!(text.contains("argocd/web.yaml:8:74: error[A015]: Application web-broken: apps/web/broken does not render"), "{text}");
    let out = baton(&repo, &["validate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("error[A015]"));
}

/// Issue 18: `baton diff` sets the expected differences aside and exits 1 on drift.
#[test]
fn diff_shows_drift_between_environments() {
    let repo = repo_with(&[]);
    let out = baton(&repo, &["diff", "web", "staging", "production"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("  2 expected (namespace, promoted image)\n"), "{text}");
    assert!(text.ends_with("staging and production differ only as expected; 2 expected (namespace, names, promoted images)\n"), "{text}");

    repo.write(
        "apps/web/production/kustomization.yaml",
        b"resources:\n- ../base\nnamespace: web-prod\nreplicas:\n- name: web\n  count: 3\n",
    );
    let out = baton(&repo, &["diff", "web", "staging", "production"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("  drift replicas   spec.replicas: ∅ → 3\n"), "{text}");
    let json: serde_json::Value = serde_json::from_slice(
        &baton(&repo, &["diff", "web", "staging", "production", "--format", "json"]).stdout,
    )
    .unwrap();
    assert_eq!(json["drift"]["replicas"], 1);
    assert_eq!(json["resources"][0]["differences"][0]["category"], "namespace");
    assert_eq!(json["resources"][0]["differences"][0]["expected"], "namespace");

    // The promotion plan lists what it does not carry.
    let out = baton(&repo, &["promote", "--app", "web", "--to", "production"]);
    assert!(
        stdout(&out)
            .contains("  also differs (not promoted): Deployment/web spec.replicas: ∅ → 3\n"),
        "{}",
        stdout(&out)
    );

    let out = baton(&repo, &["diff", "web", "staging", "qa"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("error[R002]: app 'web' has no environment 'qa'"),
        "{}",
        stdout(&out)
    );
}
