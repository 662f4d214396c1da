//! End-to-end tests of `image_update` and `validate` on small repositories.

use crate::source::{ParseCache, Source};
use crate::tree::FileTree;

use super::*;

const OBJECTS: &str = "\
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata:
  name: payment-service
  namespace: flux-system
spec:
  image: registry.example.com/payment-service
  interval: 1m
---
# Image policy: track semver tags
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: payment-service
  namespace: flux-system
spec:
  imageRepositoryRef:
    name: payment-service
  policy:
    semver:
      range: \">=2.0.0 <3.0.0\"
---
# Image automation: commit new tags to Git
apiVersion: image.toolkit.fluxcd.io/v1beta1
kind: ImageUpdateAutomation
metadata:
  name: flux-image-update
  namespace: flux-system
spec:
  interval: 5m
  sourceRef:
    kind: GitRepository
    name: platform-gitops
  git:
    checkout:
      ref:
        branch: main
    commit:
      author:
        name: Flux Bot
        email: flux@example.com
      messageTemplate: |
        chore: update {{range .Updated.Images}}{{println .}}{{end}}
    push:
      branch: main
  update:
    strategy: Setters
";

const DEV_PATCH: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payment-service
spec:
  template:
    spec:
      containers:
        - name: payment-service
          image: registry.example.com/payment-service:2.0.0 # {\"$imagepolicy\": \"flux-system:payment-service\"}
";

fn tree(files: &[(&str, &str)]) -> FileTree {
    let mut tree = FileTree::new();
    for (path, text) in files {
        tree.insert(path, *text).unwrap();
    }
    tree
}

fn update(tree: &FileTree, input: &ImageUpdateInput) -> ImageUpdate {
    crate::Workspace::new(tree.clone()).image_update(input)
}

fn check(tree: &FileTree) -> Vec<crate::Diagnostic> {
    let mut cache = ParseCache::default();
    let mut source = Source::new(tree, &mut cache);
    validate(&mut source)
}

fn tags(image: &str, list: &[&str]) -> ImageUpdateInput {
    ImageUpdateInput {
        images: [(image.to_string(), list.iter().map(|t| (*t).to_string()).collect())].into(),
        ..ImageUpdateInput::default()
    }
}

/// `Tags`: one text and a span per tag, from lines (the wasm string form: `\n` or `\r\n`,
/// empty lines skipped), pushed one by one (the array form), or deserialized from an array
/// of strings (the CLI's tags file).
#[test]
fn tags_keep_one_text_and_a_span_per_tag() {
    let lines = Tags::from_lines("1.0.0\r\n\n2.0.0\n\r\nv3é\n\n".to_string());
    assert_eq!(lines.iter().collect::<Vec<_>>(), ["1.0.0", "2.0.0", "v3é"]);
    assert_eq!(lines.len(), 3);
    assert!(Tags::from_lines(String::new()).is_empty());
    assert!(Tags::from_lines("\n\r\n\n".to_string()).is_empty());
    assert_eq!(Tags::from_lines("a\rb".to_string()).iter().collect::<Vec<_>>(), ["a\rb"]);
    let joined = Tags::from_joined("1.0.0\n\n\r\n2.0.0".to_string());
    assert_eq!(joined.iter().collect::<Vec<_>>(), ["1.0.0", "", "\r", "2.0.0"]);
    assert_eq!(Tags::from_joined(String::new()).iter().collect::<Vec<_>>(), [""]);
    // Pushed items stay whole, empty or holding a line break.
    let mut pushed = Tags::default();
    for tag in ["1.0.0", "", "a\nb", "x\r"] {
        pushed.push(tag);
    }
    assert_eq!(pushed.iter().collect::<Vec<_>>(), ["1.0.0", "", "a\nb", "x\r"]);
    assert_eq!(pushed, ["1.0.0", "", "a\nb", "x\r"].into_iter().collect::<Tags>());
    let read: Tags = serde_json::from_str(r#"["1.0.0", "", "a\nb"]"#).unwrap();
    assert_eq!(read.iter().collect::<Vec<_>>(), ["1.0.0", "", "a\nb"]);
    let bad = serde_json::from_str::<Tags>(r#"["1.0.0", 2]"#).unwrap_err().to_string();
    assert!(bad.contains("invalid type: integer `2`, expected a string"), "{bad}");
    let bad = serde_json::from_str::<Tags>(r#""1.0.0""#).unwrap_err().to_string();
    assert!(bad.contains("expected an array of strings"), "{bad}");
}

/// The seed's example (`gitops-application-environments.md`): semver `>=2.0.0 <3.0.0`, the
/// v1beta1 automation, a marker on the dev overlay.
#[test]
fn the_seed_example_end_to_end() {
    let t = tree(&[
        ("clusters/dev/image-automation.yaml", OBJECTS),
        ("apps/payment-service/dev/image-patch.yaml", DEV_PATCH),
        (
            "apps/payment-service/staging/image-patch.yaml",
            &DEV_PATCH.replace(" # {\"$imagepolicy\": \"flux-system:payment-service\"}", ""),
        ),
    ]);
    let input = tags(
        "registry.example.com/payment-service",
        &["1.9.0", "2.0.0", "2.1.0", "2.1.1-rc.1", "3.0.0", "abc1234", "2.1.0.sig"],
    );
    let out = update(&t, &input);
    assert!(
        out.diagnostics.iter().all(|d| d.code == "F026"),
        "only the v1beta1 template warning: {:?}",
        out.diagnostics
    );
    let policy = &out.policies[0];
    assert_eq!(
        (policy.namespace.as_str(), policy.name.as_str(), policy.kind),
        ("flux-system", "payment-service", "semver")
    );
    assert_eq!(policy.latest.as_deref(), Some("registry.example.com/payment-service:2.1.0"));
    assert_eq!(policy.candidates, 2);
    assert_eq!(policy.top, vec!["2.1.0", "2.0.0"]);
    assert_eq!(out.edits.len(), 1);
    let edit = &out.edits[0];
    assert_eq!(edit.path, "apps/payment-service/dev/image-patch.yaml");
    assert_eq!(edit.after.as_deref(), Some(&*DEV_PATCH.replace(":2.0.0 #", ":2.1.0 #")));
    assert!(
        edit.diff.contains("-          image: registry.example.com/payment-service:2.0.0"),
        "{}",
        edit.diff
    );
    assert_eq!(out.changes.len(), 1);
    let change = &out.changes[0];
    assert_eq!(change.file, "apps/payment-service/dev/image-patch.yaml");
    assert_eq!(change.object.kind, "Deployment");
    assert_eq!(
        (change.old.as_str(), change.new.as_str()),
        (
            "registry.example.com/payment-service:2.0.0",
            "registry.example.com/payment-service:2.1.0"
        )
    );
    let automation = &out.automations[0];
    assert_eq!(automation.api_version, "image.toolkit.fluxcd.io/v1beta1");
    assert_eq!(
        automation.message_template.as_deref(),
        Some("chore: update {{range .Updated.Images}}{{println .}}{{end}}\n")
    );
    assert_eq!(
        (automation.author_name.as_str(), automation.author_email.as_str()),
        ("Flux Bot", "flux@example.com")
    );
    assert_eq!(automation.policies, vec!["flux-system:payment-service"]);
    // Nothing newer: no edit.
    let out = update(&t, &tags("registry.example.com/payment-service", &["2.0.0", "1.0.0"]));
    assert!(out.edits.is_empty() && out.changes.is_empty());
    assert!(check(&t).is_empty(), "{:?}", check(&t));
}

/// image-automation-controller d36e2ea `internal/update/update_test.go`
/// (`TestUpdateWithSetters`): the results per file and object, and the files it writes.
#[test]
fn upstream_update_with_setters() {
    let policies = "\
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: policy, namespace: automation-ns}
spec: {imageRepositoryRef: {name: r}, policy: {alphabetical: {}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: unchanged, namespace: automation-ns}
spec: {imageRepositoryRef: {name: r}, policy: {alphabetical: {}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: policy-with-digest, namespace: automation-ns}
spec: {imageRepositoryRef: {name: r}, policy: {alphabetical: {}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: r, namespace: automation-ns}
spec: {image: image}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: a, namespace: automation-ns}
spec: {update: {path: ./setters, strategy: Setters}}
";
    let marked = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: foo\n  namespace: bar\nspec:\n  containers:\n  - name: c\n    image: image:v1.0.0 # {\"$imagepolicy\": \"automation-ns:policy\"}\n  - name: d\n    image: image:v1.0.0 # {\"$imagepolicy\": \"automation-ns:unchanged\"}\n";
    let kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n  - name: container\n    newName: replaced # {\"$imagepolicy\": \"automation-ns:policy:name\"}\n    newTag: v1 # {\"$imagepolicy\": \"automation-ns:policy:tag\"}\n";
    let t = tree(&[
        ("flux/policies.yaml", policies),
        ("setters/marked.yaml", marked),
        ("setters/Kustomization", kustomization),
        (
            "setters/kustomization.yml",
            &format!(
                "{kustomization}    newDigest: sha256:1234567890abcdef # {{\"$imagepolicy\": \"automation-ns:policy-with-digest:digest\"}}\n"
            ),
        ),
        (
            "setters/otherns.yaml",
            "kind: Deployment\nimage: user:v1.0.0 # {\"$imagepolicy\": \"other-namespace:policy\"}\n",
        ),
        ("setters/unmarked.yaml", "kind: Deployment\nimage: image:v1.0.0\n"),
        ("outside/marked.yaml", marked),
    ]);
    let digest = "sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be";
    let input = ImageUpdateInput {
        latest: [
            ("automation-ns:policy".to_string(), "index.repo.fake/updated:v1.0.1".to_string()),
            ("automation-ns:unchanged".to_string(), "image:v1.0.0".to_string()),
            ("automation-ns:policy-with-digest".to_string(), format!("image:v1.0.0@{digest}")),
        ]
        .into(),
        ..ImageUpdateInput::default()
    };
    let out = update(&t, &input);
    let files: Vec<&str> = out.edits.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        files,
        vec!["setters/Kustomization", "setters/kustomization.yml", "setters/marked.yaml"]
    );
    let summary: Vec<(String, String, String, String)> = out
        .changes
        .iter()
        .map(|c| (c.file.clone(), c.object.name.clone(), c.new.clone(), c.setter.clone()))
        .collect();
    let row = |f: &str, n: &str, v: &str, s: &str| {
        (f.to_string(), n.to_string(), v.to_string(), s.to_string())
    };
    assert_eq!(
        summary,
        vec![
            row("Kustomization", "", "index.repo.fake/updated", "automation-ns:policy:name"),
            row("Kustomization", "", "v1.0.1", "automation-ns:policy:tag"),
            row("kustomization.yml", "", "index.repo.fake/updated", "automation-ns:policy:name"),
            row("kustomization.yml", "", "v1.0.1", "automation-ns:policy:tag"),
            row("kustomization.yml", "", digest, "automation-ns:policy-with-digest:digest"),
            row("marked.yaml", "foo", "index.repo.fake/updated:v1.0.1", "automation-ns:policy"),
        ]
    );
    assert!(out.policies.iter().all(|p| p.pinned));
    assert_eq!(out.automations[0].path, "setters");
}

#[test]
fn selectors_namespaces_and_digests() {
    let objects = "\
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: app, namespace: apps}
spec: {image: ghcr.io/x/app}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: app, namespace: apps, labels: {tier: web}}
spec:
  imageRepositoryRef: {name: app}
  policy: {numerical: {order: asc}}
  digestReflectionPolicy: Always
  filterTags: {pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$', extract: '$ts'}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: other, namespace: apps}
spec: {imageRepositoryRef: {name: app}, policy: {alphabetical: {order: desc}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: web, namespace: apps}
spec:
  update: {path: deploy}
  policySelector: {matchLabels: {tier: web}}
";
    let deploy = "image: ghcr.io/x/app:main-0-1 # {\"$imagepolicy\": \"apps:app\"}\ntag: main-0-1 # {\"$imagepolicy\": \"apps:app:tag\"}\ndigest: none # {\"$imagepolicy\": \"apps:app:digest\"}\nother: x # {\"$imagepolicy\": \"apps:other:tag\"}\n";
    let t = tree(&[("flux.yaml", objects), ("deploy/app.yaml", deploy)]);
    let mut input = tags("ghcr.io/x/app", &["main-abc-100", "main-def-200", "v1", "main-0-1"]);
    let out = update(&t, &input);
    assert_eq!(out.policies[0].latest.as_deref(), Some("ghcr.io/x/app:main-def-200"));
    // No digest given: the full and digest setters report it, the tag setter applies.
    assert_eq!(out.changes.len(), 1, "{:?}", out.changes);
    assert_eq!(out.changes[0].setter, "apps:app:tag");
    assert!(
        out.diagnostics.iter().filter(|d| d.code == "F018").count() == 2,
        "{:?}",
        out.diagnostics
    );
    input.digests.insert("ghcr.io/x/app:main-def-200".into(), "sha256:abc".into());
    let out = update(&t, &input);
    assert_eq!(out.policies[0].latest.as_deref(), Some("ghcr.io/x/app:main-def-200@sha256:abc"));
    assert_eq!(
        out.edits[0].after.as_deref().unwrap(),
        "image: ghcr.io/x/app:main-def-200@sha256:abc # {\"$imagepolicy\": \"apps:app\"}\ntag: main-def-200 # {\"$imagepolicy\": \"apps:app:tag\"}\ndigest: sha256:abc # {\"$imagepolicy\": \"apps:app:digest\"}\nother: x # {\"$imagepolicy\": \"apps:other:tag\"}\n"
    );
    // The other policy is not selected: its marker is out of scope.
    let diagnostics = check(&t);
    assert!(
        diagnostics.iter().any(|d| d.code == "F011" && d.message.contains("apps:other:tag")),
        "{diagnostics:?}"
    );
}

#[test]
fn elections_that_fail_are_results_with_reasons() {
    let objects = "\
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: bad-range, namespace: ns}
spec: {imageRepositoryRef: {name: r}, policy: {semver: {range: '1.0.0p'}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: no-repo, namespace: ns}
spec: {imageRepositoryRef: {name: missing}, policy: {semver: {range: '*'}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: no-tags, namespace: ns}
spec: {imageRepositoryRef: {name: r2}, policy: {semver: {range: '*'}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: numbers, namespace: ns}
spec: {imageRepositoryRef: {name: r}, policy: {numerical: {}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: r, namespace: ns}
spec: {image: img}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: r2, namespace: ns}
spec: {image: img2}
";
    let t = tree(&[("flux.yaml", objects)]);
    let out = update(&t, &tags("img", &["1.0.0", "latest"]));
    let reasons: Vec<(&str, Option<&str>, Vec<&str>)> = out
        .policies
        .iter()
        .map(|p| {
            (p.name.as_str(), p.latest.as_deref(), p.diagnostics.iter().map(|d| d.code).collect())
        })
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("bad-range", None, vec!["F002"]),
            ("no-repo", None, vec!["F007", "F012"]),
            ("no-tags", None, vec!["F012"]),
            ("numbers", None, vec!["F012"]),
        ]
    );
    assert!(
        out.policies[3].diagnostics[0]
            .message
            .contains("failed to parse invalid numeric value '1.0.0'")
    );
    assert!(out.policies[2].diagnostics[0].message.contains("no tags given for image 'img2'"));
}

#[test]
fn bad_input_is_reported_not_fatal() {
    let t = tree(&[
        ("clusters/dev/image-automation.yaml", OBJECTS),
        ("apps/payment-service/dev/image-patch.yaml", DEV_PATCH),
    ]);
    let mut input = tags(
        "registry.example.com/payment-service",
        &["2.2.0", "bad tag", "", "-x", &"a".repeat(200)],
    );
    input.digests.insert("nonsense".into(), "sha256:abc".into());
    input.latest.insert("no-colon".into(), "x:1".into());
    input.latest.insert("flux-system:other".into(), "registry:5000/app".into());
    let out = update(&t, &input);
    let f018: Vec<&str> =
        out.diagnostics.iter().filter(|d| d.code == "F018").map(|d| d.message.as_str()).collect();
    assert_eq!(f018.len(), 4, "{f018:?}");
    assert!(f018[0].contains("4 tag(s) are not valid image tags"));
    assert_eq!(
        out.policies[0].latest.as_deref(),
        Some("registry.example.com/payment-service:2.2.0")
    );
    // A pin with a registry port and a digest.
    let mut input = ImageUpdateInput::default();
    input.latest.insert(
        "flux-system:payment-service".into(),
        "registry.local:5000/payment-service:2.5.0@sha256:ab12".into(),
    );
    let out = update(&t, &input);
    assert_eq!(out.policies[0].tag.as_deref(), Some("2.5.0"));
    assert_eq!(out.policies[0].digest.as_deref(), Some("sha256:ab12"));
    assert!(
        out.edits[0]
            .after
            .as_deref()
            .unwrap()
            .contains("image: registry.local:5000/payment-service:2.5.0@sha256:ab12 #")
    );
    assert_eq!(out.policies[0].diagnostics[0].code, "F018");
}

#[test]
fn hostile_repositories_do_not_panic() {
    let mut rng = crate::test_rng::Rng(42);
    let pieces = [
        "apiVersion: image.toolkit.fluxcd.io/v1\n",
        "kind: ImagePolicy\n",
        "kind: ImageUpdateAutomation\n",
        "metadata: {name: p, namespace: ns}\n",
        "spec:\n",
        "  policy: {semver: {range: ",
        "'>=1'}}\n",
        "  update: {path: ../..}\n",
        "# {\"$imagepolicy\": \"ns:p\"}\n",
        "- x # {\"$imagepolicy\": \"ns:p:tag\"}\n",
        "a: b # {\"$imagepolicy\": \"ns:p\"}\n",
        "---\n",
        "--- x\n",
        "  filterTags: {pattern: '(', extract: $1}\n",
        "\t",
        "[",
        "{",
        "&a ",
        "*a\n",
        "'",
        "\"",
        "|\n",
        "  ",
        "\r\n",
        "é",
        "spec: 5\n",
        "metadata: []\n",
    ];
    for round in 0..300 {
        let mut text = String::new();
        for _ in 0..rng.below(25) {
            text.push_str(pieces[rng.below(pieces.len() as u64) as usize]);
        }
        let t = tree(&[("f.yaml", text.as_str()), ("Kustomization", text.as_str())]);
        let input = tags("img", &["1.0.0", "2.0.0"]);
        let _ = update(&t, &input);
        let _ = check(&t);
        let _ = round;
    }
}

#[test]
fn validate_reports_f_codes_at_the_offending_scalar() {
    let objects = "\
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: range, namespace: ns}
spec: {imageRepositoryRef: {name: r}, policy: {semver: {range: '>=1.0.0 latest'}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: order, namespace: ns}
spec: {imageRepositoryRef: {name: r}, policy: {alphabetical: {order: newest}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: regex, namespace: ns}
spec: {imageRepositoryRef: {name: r}, policy: {numerical: {}}, filterTags: {pattern: '(?=x)'}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: unsupported, namespace: ns}
spec: {imageRepositoryRef: {name: r}, policy: {numerical: {}}, filterTags: {pattern: '\\pL+'}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: kind, namespace: ns}
spec: {imageRepositoryRef: {name: r}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: repo, namespace: ns}
spec: {imageRepositoryRef: {name: nope}, policy: {semver: {range: '*'}, numerical: {}}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: r, namespace: ns}
spec: {image: img, exclusionList: ['[']}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: a, namespace: ns}
spec: {update: {strategy: Regex}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata: {name: b, namespace: ns}
spec: {update: {path: deploy}, policySelector: {matchExpressions: [{key: k, operator: In}]}}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: wrong, namespace: ns}
spec: {image: [a]}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: r, namespace: ns}
spec: {image: img}
";
    let markers = "\
a: x # {\"$imagepolicy\": \"ns:rnage\"}
b: [x] # {\"$imagepolicy\": \"ns:range\"}
c: x # {\"$imagePolicy\": \"ns:range\"}
d: x # {\"$imagepolicy\": \"range\"}
e: x # {\"$imagepolicy\": \"ns:range:version\"}
";
    let t = tree(&[
        ("flux.yaml", objects),
        ("deploy/app.yaml", markers),
        ("bad.yaml", "x: 1\n--- junk\ny: 2 # {\"$imagepolicy\": \"ns:range\"}\n"),
    ]);
    let diagnostics = check(&t);
    let at = |code: &str| -> Vec<(String, String)> {
        diagnostics
            .iter()
            .filter(|d| d.code == code)
            .map(|d| {
                let file = d.file.clone().unwrap_or_default();
                let text = t.text(&file).unwrap_or_default();
                let snippet = d.span.map_or(String::new(), |s| text[s.range()].to_string());
                (file, snippet)
            })
            .collect()
    };
    let one = |code: &str| -> String {
        let found = at(code);
        assert_eq!(found.len(), 1, "{code}: {found:?} in {diagnostics:?}");
        found[0].1.clone()
    };
    assert_eq!(one("F002"), "'>=1.0.0 latest'");
    assert_eq!(one("F003"), "newest");
    assert_eq!(
        at("F004").iter().map(|(_, s)| s.as_str()).collect::<Vec<_>>(),
        vec!["'['", "'(?=x)'"]
    );
    assert_eq!(one("F005"), "'\\pL+'");
    assert_eq!(one("F006"), "kind");
    assert_eq!(one("F007"), "nope");
    assert_eq!(one("F017"), "{semver: {range: '*'}, numerical: {}}");
    assert_eq!(one("F001"), "[a]");
    assert_eq!(one("F019"), "r");
    assert_eq!(at("F014").len(), 2);
    assert_eq!(one("F013"), "");
    let f008 = at("F008");
    assert_eq!(f008.len(), 3, "{f008:?}");
    assert_eq!(f008[0].1, "# {\"$imagepolicy\": \"ns:rnage\"}");
    assert!(
        diagnostics
            .iter()
            .any(|d| d.code == "F008" && d.help.as_deref() == Some("did you mean ns:range?"))
    );
    assert_eq!(one("F009"), "# {\"$imagepolicy\": \"ns:range\"}");
    assert_eq!(one("F010"), "# {\"$imagePolicy\": \"ns:range\"}");
}

#[test]
fn no_automation_means_no_change() {
    let objects = OBJECTS.split("---\n# Image automation").next().unwrap_or_default();
    let t = tree(&[("flux.yaml", objects), ("apps/dev/patch.yaml", DEV_PATCH)]);
    let out = update(&t, &tags("registry.example.com/payment-service", &["2.5.0"]));
    assert!(out.edits.is_empty());
    assert_eq!(out.policies[0].tag.as_deref(), Some("2.5.0"));
    assert!(out.diagnostics.iter().any(|d| d.code == "F020"));
    assert!(check(&t).iter().any(|d| d.code == "F020"));
}

#[test]
fn automations_chain_on_shared_files_and_paths_are_relative() {
    let objects = format!(
        "{OBJECTS}---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageUpdateAutomation\nmetadata: {{name: second, namespace: flux-system}}\nspec: {{update: {{path: ./apps/payment-service}}}}\n"
    );
    let patch = format!(
        "{DEV_PATCH}        - name: sidecar\n          image: x:1 # {{\"$imagepolicy\": \"flux-system:payment-service:tag\"}}\n"
    );
    let t = tree(&[("flux.yaml", &objects), ("apps/payment-service/dev/image-patch.yaml", &patch)]);
    let out = update(&t, &tags("registry.example.com/payment-service", &["2.3.0"]));
    // The first automation (flux-image-update, root path) changes both; the second finds
    // nothing left to change.
    assert_eq!(out.automations[0].changes.len(), 2);
    assert_eq!(out.automations[0].changes[0].file, "apps/payment-service/dev/image-patch.yaml");
    assert!(out.automations[1].changes.is_empty());
    assert_eq!(out.edits.len(), 1);
    let t = tree(&[
        ("flux.yaml", &objects.replace("name: flux-image-update", "name: z-last")),
        ("apps/payment-service/dev/image-patch.yaml", &patch),
    ]);
    let out = update(&t, &tags("registry.example.com/payment-service", &["2.3.0"]));
    assert_eq!(out.automations[0].name, "second");
    assert_eq!(out.automations[0].changes[0].file, "dev/image-patch.yaml");
}

#[test]
fn update_path_file_missing_and_unknown_pins() {
    let with_path = |path: &str| {
        OBJECTS
            .replace("    strategy: Setters", &format!("    strategy: Setters\n    path: {path}"))
    };
    let patch = ("apps/payment-service/dev/image-patch.yaml", DEV_PATCH);
    let input = tags("registry.example.com/payment-service", &["2.4.0"]);
    // A file as update.path: keys are relative to its directory.
    let t =
        tree(&[("flux.yaml", &with_path("./apps/payment-service/dev/image-patch.yaml")), patch]);
    let out = update(&t, &input);
    assert_eq!(out.changes[0].file, "image-patch.yaml");
    // A path that does not exist: Flux fails the automation.
    let t = tree(&[("flux.yaml", &with_path("clusters/nowhere")), patch]);
    let out = update(&t, &input);
    assert!(out.edits.is_empty());
    assert!(
        out.automations[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("'clusters/nowhere' does not exist"))
    );
    assert!(out.diagnostics.iter().any(|d| d.code == "F014"));
    // A pin for a policy nobody defines.
    let t = tree(&[("flux.yaml", OBJECTS), patch]);
    let mut input = tags("registry.example.com/payment-service", &["2.4.0"]);
    input.latest.insert("flux-system:ghost".into(), "x:1".into());
    let out = update(&t, &input);
    assert!(
        out.diagnostics.iter().any(|d| d.code == "F018" && d.message.contains("flux-system:ghost"))
    );
    assert_eq!(out.edits.len(), 1);
}

/// The seed's layout: a base and a dev overlay whose image patch carries the marker.
fn seed_repo(dev_kustomization: &str, patch: &str) -> FileTree {
    tree(&[
        ("clusters/dev/image-automation.yaml", OBJECTS),
        ("apps/payment-service/base/kustomization.yaml", "resources:\n- deployment.yaml\n"),
        (
            "apps/payment-service/base/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payment-service\nspec:\n  template:\n    spec:\n      containers:\n      - name: payment-service\n        image: registry.example.com/payment-service:latest\n",
        ),
        ("apps/payment-service/dev/kustomization.yaml", dev_kustomization),
        ("apps/payment-service/dev/image-patch.yaml", patch),
    ])
}

/// An image update is a verified change set, as a promotion plan is: the overlay that reads
/// the edited patch is rendered before and after, and the container's image change is the
/// marked value's replacement (intended), so nothing is collateral.
#[test]
fn edits_are_verified_by_rendering_the_overlays_that_read_them() {
    let t = seed_repo(
        "namespace: payments-dev\nresources:\n- ../base\npatches:\n- path: image-patch.yaml\n",
        DEV_PATCH,
    );
    let out = update(&t, &tags("registry.example.com/payment-service", &["2.0.0", "2.2.0"]));
    assert!(
        out.diagnostics.iter().all(|d| d.code == "F026"),
        "only the v1beta1 template warning: {:?}",
        out.diagnostics
    );
    assert_eq!(out.overlays, ["apps/payment-service/dev"]);
    assert!(out.collateral.is_empty());
    assert!(
        out.rendered_diff.starts_with(
            "--- a/apps/payment-service/dev/Deployment/payments-dev/payment-service\n"
        ),
        "{}",
        out.rendered_diff
    );
    assert!(
        out.rendered_diff.contains(
            "-      - image: registry.example.com/payment-service:2.0.0\n+      - image: registry.example.com/payment-service:2.2.0\n"
        ),
        "{}",
        out.rendered_diff
    );
    assert_eq!(out.edits[0].kind(), crate::changeset::EditKind::Modify);
    assert_eq!(out.edits[0].before.as_deref(), Some(DEV_PATCH));
    assert!(out.edits[0].diff.starts_with("--- a/apps/payment-service/dev/image-patch.yaml\n"));
}

/// A `:tag` setter on a kustomization's `images:` entry: the rendered image is `name:tag`,
/// and the tag inside it is the substitution (intended).
#[test]
fn a_tag_setter_in_an_images_entry_is_intended_in_the_render() {
    let kustomization = "resources:\n- ../base\nimages:\n- name: registry.example.com/payment-service\n  newTag: 2.0.0 # {\"$imagepolicy\": \"flux-system:payment-service:tag\"}\n";
    let mut t = seed_repo(kustomization, "");
    t.remove("apps/payment-service/dev/image-patch.yaml");
    let out = update(&t, &tags("registry.example.com/payment-service", &["2.1.0"]));
    assert!(
        out.diagnostics.iter().all(|d| d.code == "F026"),
        "only the v1beta1 template warning: {:?}",
        out.diagnostics
    );
    assert_eq!(out.changes[0].setter, "flux-system:payment-service:tag");
    assert_eq!(out.edits[0].path, "apps/payment-service/dev/kustomization.yaml");
    assert!(
        out.rendered_diff.contains("+      - image: registry.example.com/payment-service:2.1.0\n"),
        "{}",
        out.rendered_diff
    );
    assert!(out.collateral.is_empty());
}

/// The patch's value is overridden by an `images:` entry of the same overlay: Flux's edit
/// changes nothing that is deployed (F022 at the marked value).
#[test]
fn an_overridden_marker_changes_no_render() {
    let kustomization = "resources:\n- ../base\npatches:\n- path: image-patch.yaml\nimages:\n- name: registry.example.com/payment-service\n  newTag: 1.0.0\n";
    let t = seed_repo(kustomization, DEV_PATCH);
    let out = update(&t, &tags("registry.example.com/payment-service", &["2.1.0"]));
    assert_eq!(out.edits.len(), 1, "Flux still commits the edit");
    assert_eq!(out.rendered_diff, "");
    let f022: Vec<_> = out.diagnostics.iter().filter(|d| d.code == "F022").collect();
    assert_eq!(f022.len(), 1, "{:?}", out.diagnostics);
    assert_eq!(f022[0].file.as_deref(), Some("apps/payment-service/dev/image-patch.yaml"));
    let text = t.text("apps/payment-service/dev/image-patch.yaml").unwrap();
    let span = f022[0].span.unwrap();
    assert_eq!(&text[span.range()], "registry.example.com/payment-service:2.0.0");
    assert!(f022[0].range.is_some(), "located for editors");
}

/// A file Flux edits is also a generator's input: its `ConfigMap`'s data changes as intended
/// (the marked value replaced), but its name hash changes too, and so does the Deployment's
/// reference to it: collateral (R009), listed as a promotion plan lists it.
#[test]
fn rendered_changes_beyond_the_marked_values_are_collateral() {
    let kustomization = "resources:\n- ../base\nconfigMapGenerator:\n- name: version\n  files:\n  - release.yaml\npatches:\n- patch: |\n    - op: add\n      path: /spec/template/spec/volumes\n      value: [{name: v, configMap: {name: version}}]\n  target: {kind: Deployment}\n";
    let mut t = seed_repo(kustomization, "");
    t.remove("apps/payment-service/dev/image-patch.yaml");
    t.insert(
        "apps/payment-service/dev/release.yaml",
        "image: registry.example.com/payment-service:2.0.0 # {\"$imagepolicy\": \"flux-system:payment-service\"}\n",
    )
    .unwrap();
    let out = update(&t, &tags("registry.example.com/payment-service", &["2.1.0"]));
    assert_eq!(out.changes[0].new, "registry.example.com/payment-service:2.1.0");
    let messages: Vec<&str> = out.collateral.iter().map(|c| c.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("adds ConfigMap/version-")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("removes ConfigMap/version-")), "{messages:?}");
    assert!(
        messages.iter().any(|m| m.contains("alters Deployment/payment-service")
            && m.contains("volumes.[name=v].configMap.name")),
        "{messages:?}"
    );
    assert_eq!(out.diagnostics.iter().filter(|d| d.code == "R009").count(), out.collateral.len());
    assert!(out.diagnostics.iter().all(|d| !d.is_error()), "collateral is a warning");
}

/// A setter that breaks the overlay (the marked value is a file name): R010, an error.
#[test]
fn an_edit_that_breaks_a_render_is_an_error() {
    let kustomization = "resources:\n- ../base\n- extra-2.0.0.yaml # {\"$imagepolicy\": \"flux-system:payment-service:tag\"}\n";
    let mut t = seed_repo(kustomization, "");
    t.remove("apps/payment-service/dev/image-patch.yaml");
    t.insert(
        "apps/payment-service/dev/extra-2.0.0.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
    )
    .unwrap();
    let out = update(&t, &tags("registry.example.com/payment-service", &["2.1.0"]));
    assert_eq!(out.changes[0].new, "2.1.0");
    assert!(
        out.diagnostics.iter().any(|d| d.code == "R010" && d.is_error()),
        "{:?}",
        out.diagnostics
    );
}

/// Tags may be keyed by the `ImageRepository`'s `NAMESPACE/NAME` instead of its image; a key
/// that is neither is a warning.
#[test]
fn tags_keyed_by_image_repository_name() {
    let t = seed_repo("resources:\n- ../base\npatches:\n- path: image-patch.yaml\n", DEV_PATCH);
    let out = update(&t, &tags("flux-system/payment-service", &["2.3.0"]));
    assert_eq!(out.policies[0].tag.as_deref(), Some("2.3.0"));
    let out = update(&t, &tags("registry.example.com/payment-servic", &["2.3.0"]));
    assert_eq!(out.policies[0].latest, None);
    assert!(
        out.diagnostics.iter().any(|d| d.code == "F018"
            && d.severity == crate::Severity::Warning
            && d.message.contains("payment-servic\"]")),
        "{:?}",
        out.diagnostics
    );
    assert!(out.policies[0].diagnostics[0].message.contains("as 'flux-system/payment-service'"));
}

/// `status` says which environments Flux automates (the seed: dev follows the `ImagePolicy`;
/// staging and production are promoted by pull request), with the policy's rule, and its
/// pick when tags are given.
#[test]
fn status_shows_the_environments_flux_automates() {
    let mut t = seed_repo(
        "namespace: payments-dev\nresources:\n- ../base\npatches:\n- path: image-patch.yaml\n",
        DEV_PATCH,
    );
    for env in ["staging", "production"] {
        t.insert(
            &format!("apps/payment-service/{env}/kustomization.yaml"),
            format!("namespace: payments-{env}\nresources:\n- ../base\nimages:\n- name: registry.example.com/payment-service\n  newTag: 1.0.0\n"),
        )
        .unwrap();
    }
    let mut ws = crate::Workspace::new(t.clone());
    let status = ws.status();
    let app = &status.apps[0];
    let names: Vec<&str> = app.environments.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["dev", "staging", "production"]);
    let dev = app.environments[0].flux.as_ref().expect("dev follows Flux");
    assert_eq!(dev.automations, ["flux-system/flux-image-update"]);
    let policy = &dev.policies[0];
    assert_eq!(
        (policy.namespace.as_str(), policy.name.as_str()),
        ("flux-system", "payment-service")
    );
    assert_eq!((policy.kind, policy.rule.as_str()), ("semver", "semver >=2.0.0 <3.0.0"));
    assert_eq!(policy.image.as_deref(), Some("registry.example.com/payment-service"));
    assert_eq!(policy.latest, None, "no tags given");
    assert_eq!(policy.markers[0].file, "apps/payment-service/dev/image-patch.yaml");
    assert_eq!(policy.markers[0].line, 10);
    assert_eq!(policy.markers[0].setter, "flux-system:payment-service");
    assert!(app.environments[1].flux.is_none() && app.environments[2].flux.is_none());
    let status = ws.status_with_tags(&tags(
        "registry.example.com/payment-service",
        &["2.0.0", "2.4.1", "3.0.0"],
    ));
    let dev = status.apps[0].environments[0].flux.as_ref().unwrap();
    assert_eq!(
        dev.policies[0].latest.as_deref(),
        Some("registry.example.com/payment-service:2.4.1")
    );
    // A marker naming a policy no automation selects does not automate its environment.
    t.insert(
        "apps/payment-service/dev/image-patch.yaml",
        DEV_PATCH.replace("flux-system:payment-service", "other-ns:payment-service"),
    )
    .unwrap();
    assert!(crate::Workspace::new(t).status().apps[0].environments[0].flux.is_none());
}

/// A repository for commit-message cases: the upstream fixture `deploy.yaml` (image-automation-
/// controller d36e2ea `internal/source/testdata/appconfig/deploy.yaml`) with a marker for
/// policy `test-ns:policy1`, and an automation `test-ns/test-update` of `api_version` with
/// `template` and `values` (YAML flow map text).
fn message_repo(api_version: &str, template: Option<&str>, values: &str) -> FileTree {
    let mut automation = format!(
        "apiVersion: image.toolkit.fluxcd.io/{api_version}\nkind: ImageUpdateAutomation\nmetadata: {{name: test-update, namespace: test-ns}}\nspec:\n  git:\n    commit:\n      author: {{name: Flux B Ot, email: fluxbot@example.com}}\n"
    );
    if let Some(template) = template {
        automation.push_str("      messageTemplate: |\n");
        for line in template.lines() {
            automation.push_str(&format!("        {line}\n").replace("        \n", "\n"));
        }
    }
    if !values.is_empty() {
        automation.push_str(&format!("      messageTemplateValues: {values}\n"));
    }
    automation.push_str("  update: {strategy: Setters}\n");
    let objects = format!(
        "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {{name: hello, namespace: test-ns}}\nspec: {{image: helloworld}}\n---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {{name: policy1, namespace: test-ns}}\nspec:\n  imageRepositoryRef: {{name: hello}}\n  policy: {{semver: {{range: '>=1.0.0'}}}}\n---\n{automation}"
    );
    tree(&[
        ("flux.yaml", &objects),
        (
            "deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: test\nspec:\n  template:\n    spec:\n      containers:\n      - name: hello\n        image: helloworld:1.0.0 # {\"$imagepolicy\": \"test-ns:policy1\"}\n",
        ),
    ])
}

fn pinned(image: &str) -> ImageUpdateInput {
    ImageUpdateInput {
        latest: [("test-ns:policy1".to_string(), image.to_string())].into(),
        ..ImageUpdateInput::default()
    }
}

/// The message and the template diagnostics of one case.
fn message(t: &FileTree, image: &str) -> (Option<String>, Vec<(&'static str, String)>) {
    let out = update(t, &pinned(image));
    let diagnostics = out
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, "F024" | "F025" | "F026"))
        .map(|d| (d.code, d.message.clone()))
        .collect();
    assert_eq!(out.automations[0].commit, out.commit);
    (out.commit.map(|c| c.message), diagnostics)
}

/// image-automation-controller d36e2ea `internal/source/source_test.go`
/// (`test_sourceManager_CommitAndPush`): the `testCommitTemplateResultV2`,
/// `testCommitTemplateWithValues` and default-message cases, exact.
#[test]
fn commit_messages_of_the_current_api_as_upstream() {
    let result_v2 = "Commit summary with ResultV2\n\nAutomation: {{ .AutomationObject }}\n\n{{ range $filename, $objchange := .Changed.FileChanges -}}\n- File: {{ $filename }}\n{{- range $obj, $changes := $objchange }}\n  - Object: {{ $obj.Kind }}/{{ $obj.Namespace }}/{{ $obj.Name }}\n    Changes:\n{{- range $_ , $change := $changes }}\n    - {{ $change.OldValue }} -> {{ $change.NewValue }}\n{{ end -}}\n{{ end -}}\n{{ end -}}\n";
    let t = message_repo("v1", Some(result_v2), "");
    let (msg, problems) = message(&t, "helloworld:1.0.1");
    assert_eq!(
        msg.as_deref(),
        Some(
            "Commit summary with ResultV2\n\nAutomation: test-ns/test-update\n\n- File: deploy.yaml\n  - Object: Deployment//test\n    Changes:\n    - helloworld:1.0.0 -> helloworld:1.0.1\n"
        )
    );
    assert!(problems.is_empty(), "{problems:?}");
    let with_values = "Commit summary\n\nAutomation: {{ .AutomationObject }}\n\nCluster: {{ index .Values \"cluster\" }}\nTesting: {{ .Values.testing }}\n";
    let t = message_repo("v1beta2", Some(with_values), "{cluster: prod, testing: value}");
    assert_eq!(
        message(&t, "helloworld:1.0.1").0.as_deref(),
        Some(
            "Commit summary\n\nAutomation: test-ns/test-update\n\nCluster: prod\nTesting: value\n"
        )
    );
    // No template: Flux's default message (`defaultMessageTemplate`), and the author.
    let t = message_repo("v1", None, "");
    let out = update(&t, &pinned("helloworld:1.0.1"));
    let commit = out.commit.unwrap();
    assert_eq!(commit.message, "Update from image update automation");
    assert_eq!(
        (commit.author.name.as_str(), commit.author.email.as_str()),
        ("Flux B Ot", "fluxbot@example.com")
    );
    // Nothing changes: no commit at all (`CommitAndPush` returns early).
    let out = update(&t, &pinned("helloworld:1.0.0"));
    assert!(out.changes.is_empty() && out.commit.is_none() && out.automations[0].commit.is_none());
}

/// `checkRemovedTemplateField` (d36e2ea `internal/source/source.go`): `.Updated` and
/// `.Changed.ImageResult` in a v1beta2/v1 template stall the automation with these words;
/// `source_test.go` "push to cloned branch with removed template field" expects an error.
#[test]
fn removed_fields_fail_the_current_api() {
    let removed = "Commit summary\n\nAutomation: {{ .AutomationObject }}\n\nImages:\n{{ range .Updated.Images -}}\n- {{.}} ({{.Policy.Name}})\n{{ end -}}\n";
    let (msg, problems) = message(&message_repo("v1", Some(removed), ""), "helloworld:1.0.1");
    assert_eq!(msg, None);
    assert_eq!(
        problems,
        [("F025", "ImageUpdateAutomation test-ns/test-update: template uses removed '.Updated' field. Please use '.Changed' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template".to_string())]
    );
    let image_result =
        "{{ range $filename, $_ := .Changed.ImageResult.Files -}}{{ $filename }}{{ end -}}";
    let (msg, problems) =
        message(&message_repo("v1beta2", Some(image_result), ""), "helloworld:1.0.1");
    assert_eq!(msg, None);
    assert!(problems[0].1.contains("template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead."), "{problems:?}");
    // Any other execution error: Go's message behind Flux's prefix.
    let (_, problems) =
        message(&message_repo("v1", Some("{{ .Changed.Nope }}"), ""), "helloworld:1.0.1");
    assert_eq!(
        problems[0].1,
        "ImageUpdateAutomation test-ns/test-update: failed to run template from spec: template: commit message:1:11: executing \"commit message\" at <.Changed.Nope>: can't evaluate field Nope in type update.Result"
    );
}

/// The seed's v1beta1 template, and the v1beta1 controller's own test (image-automation-
/// controller 5789c00^ `internal/controller/update_test.go`, `testCommitTemplate` /
/// `testCommitMessageFmt`): `.Updated.Files`, `.Updated.Objects` with Sprig's `lower`,
/// `.Updated.Images` printing the policy's latest image and `.Policy.Name`. A warning says
/// newer API versions removed `.Updated`.
#[test]
fn the_legacy_updated_model_of_v1beta1() {
    let legacy = "Commit summary\n\nAutomation: {{ .AutomationObject }}\n\nFiles:\n{{ range $filename, $_ := .Updated.Files -}}\n- {{ $filename }}\n{{ end -}}\n\nObjects:\n{{ range $resource, $_ := .Updated.Objects -}}\n{{ if eq $resource.Kind \"Deployment\" -}}\n- {{ $resource.Kind | lower }} {{ $resource.Name | lower }}\n{{ else -}}\n- {{ $resource.Kind }} {{ $resource.Name }}\n{{ end -}}\n{{ end -}}\n\nImages:\n{{ range .Updated.Images -}}\n- {{.}} ({{.Policy.Name}})\n{{ end -}}\n";
    let t = message_repo("v1beta1", Some(legacy), "");
    let (msg, problems) = message(&t, "helloworld:v1.0.0");
    assert_eq!(
        msg.as_deref(),
        Some(
            "Commit summary\n\nAutomation: test-ns/test-update\n\nFiles:\n- deploy.yaml\nObjects:\n- deployment test\nImages:\n- helloworld:v1.0.0 (policy1)\n"
        )
    );
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].0, "F026");
    // The seed's template (`gitops-application-environments.md`): `println` of each image.
    let t = tree(&[
        ("clusters/dev/image-automation.yaml", OBJECTS),
        ("apps/payment-service/dev/image-patch.yaml", DEV_PATCH),
    ]);
    let out = update(&t, &tags("registry.example.com/payment-service", &["2.0.0", "2.1.0"]));
    let commit = out.commit.unwrap();
    assert_eq!(commit.message, "chore: update registry.example.com/payment-service:2.1.0\n\n");
    assert_eq!(
        (commit.author.name.as_str(), commit.author.email.as_str()),
        ("Flux Bot", "flux@example.com")
    );
    assert!(
        out.diagnostics.iter().any(|d| d.code == "F026" && d.severity == crate::Severity::Warning)
    );
    // Image references: tag, registry parts (explicit registry), digest.
    let refs = "{{ range .Updated.Images }}{{ .Identifier }}|{{ .Name }}|{{ .Repository }}|{{ .Registry }}|{{ .Policy }}{{ end }}";
    let mut t = message_repo("v1beta1", Some(refs), "");
    t.insert(
        "deploy.yaml",
        "image: reg.io:5000/team/hello:1 # {\"$imagepolicy\": \"test-ns:policy1\"}\n",
    )
    .unwrap();
    assert_eq!(
        message(&t, "reg.io:5000/team/hello:2").0.as_deref(),
        Some("2|reg.io:5000/team/hello:2|team/hello|reg.io:5000|test-ns/policy1\n")
    );
    // `.Changed` did not exist for v1beta1.
    let (msg, problems) =
        message(&message_repo("v1beta1", Some("{{ .Changed }}"), ""), "helloworld:2");
    assert_eq!(msg, None);
    assert!(
        problems[0].1.ends_with("can't evaluate field Changed in type controller.TemplateData"),
        "{problems:?}"
    );
}

/// `.Changed.Objects` appends an object's changes from every file (d36e2ea
/// `source_test.go` `TestTemplateMsgAggregatesObjectChangesAcrossFiles`); `.Changed.Changes`
/// lists each distinct change once; the hermetic Sprig set is there, clock functions are not.
#[test]
fn objects_changes_and_sprig_in_messages() {
    let across = "{{ range $obj, $changes := .Changed.Objects }}{{ $obj.Kind }}/{{ $obj.Name }}:{{ range $changes }} {{ .OldValue }} -> {{ .NewValue }};{{ end }}{{ end }}|{{ len .Changed.Changes }}|{{ .AutomationObject.Name | upper | replace \"-\" \"_\" }}";
    let mut t = message_repo("v1", Some(across), "");
    t.insert(
        "overlays/prod/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: test\nspec:\n  template:\n    spec:\n      containers:\n      - name: hello\n        image: helloworld:1.0.0 # {\"$imagepolicy\": \"test-ns:policy1\"}\n      - name: tag\n        image: x:1.0.0 # {\"$imagepolicy\": \"test-ns:policy1:tag\"}\n",
    )
    .unwrap();
    let (msg, problems) = message(&t, "helloworld:1.0.1");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        msg.as_deref(),
        Some(
            "Deployment/test: helloworld:1.0.0 -> helloworld:1.0.1; helloworld:1.0.0 -> helloworld:1.0.1; x:1.0.0 -> 1.0.1;|2|TEST_UPDATE\n"
        )
    );
    let (msg, problems) = message(&message_repo("v1", Some("{{ now }}"), ""), "helloworld:2");
    assert_eq!(msg, None);
    assert_eq!(problems[0].0, "F024");
    assert!(problems[0].1.contains("unable to create commit message template from spec: template: commit message:1: function \"now\" not defined"), "{problems:?}");
}

/// `validate` reports a template that does not parse (F024) at the `messageTemplate` scalar.
#[test]
fn validate_reports_templates_that_do_not_parse() {
    let t = message_repo("v1", Some("{{ range .Changed.Changes }}"), "");
    let found = check(&t);
    let f024: Vec<_> = found.iter().filter(|d| d.code == "F024").collect();
    assert_eq!(f024.len(), 1, "{found:?}");
    assert_eq!(f024[0].file.as_deref(), Some("flux.yaml"));
    let text = t.text("flux.yaml").unwrap();
    assert!(text[f024[0].span.unwrap().range()].contains("{{ range .Changed.Changes }}"));
    assert!(
        check(&message_repo("v1", Some("{{ .Changed }}"), "")).iter().all(|d| d.code != "F024")
    );
}
