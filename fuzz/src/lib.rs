//! Shared pieces of the fuzz targets: a plain-text encoding of a repository tree (so corpora
//! can be seeded from the conformance cases and read by people), checks that every
//! diagnostic is well formed, and the seed repository of the promotion tests.
//!
//! Tree encoding (`render_tree`, `plan`): the first line is a header (the directory to render,
//! or the promotion request); each file starts with a line `=== <path>` and runs to the next
//! such line. File contents are bytes: they need not be UTF-8.

use baton_core::tree::Content;
use baton_core::{Code, Diagnostic, FileTree, Span};

/// Most files one input may hold.
pub const MAX_FILES: usize = 64;

/// Splits an encoded tree into its header line and `(path, bytes)` files.
#[must_use]
pub fn decode(data: &[u8]) -> (String, Vec<(String, Vec<u8>)>) {
    let (header, mut rest) = match data.iter().position(|b| *b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &data[data.len()..]),
    };
    let header = String::from_utf8_lossy(header).trim().to_string();
    let mut files = Vec::new();
    while let Some(body) = rest.strip_prefix(b"=== ") {
        let eol = body.iter().position(|b| *b == b'\n').unwrap_or(body.len());
        let path = String::from_utf8_lossy(&body[..eol]).trim().to_string();
        let after = &body[(eol + 1).min(body.len())..];
        let end = find(after, b"\n=== ").map_or(after.len(), |i| i + 1);
        files.push((path, after[..end].to_vec()));
        rest = &after[end..];
        if files.len() == MAX_FILES {
            break;
        }
    }
    (header, files)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Inserts decoded files into `tree` (paths the tree refuses are skipped).
pub fn insert_all(tree: &mut FileTree, files: Vec<(String, Vec<u8>)>) {
    for (path, bytes) in files {
        let _ = tree.insert_bytes(&path, bytes);
    }
}

fn check_span(tree: &FileTree, file: &str, span: Span, d: &Diagnostic) {
    assert!(span.start <= span.end, "span ends before it starts: {d:?}");
    match tree.get(file) {
        Some(Content::Text(text)) => {
            assert!(
                span.end as usize <= text.len(),
                "span outside {file} ({} bytes): {d:?}",
                text.len()
            );
            assert!(
                text.is_char_boundary(span.start as usize)
                    && text.is_char_boundary(span.end as usize),
                "span splits a character of {file}: {d:?}"
            );
        }
        Some(Content::NotUtf8 { len, .. }) => {
            assert!(span.end as usize <= len, "span outside {file}: {d:?}");
        }
        _ => {}
    }
}

/// Every diagnostic has a registered code, a message, and spans within their files.
pub fn check_diagnostics(tree: &FileTree, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        assert!(
            Code::parse(d.code).is_some_and(|c| Code::ALL.contains(&c)),
            "unregistered code: {d:?}"
        );
        assert!(!d.message.is_empty(), "empty message: {d:?}");
        if let (Some(file), Some(span)) = (&d.file, d.span) {
            check_span(tree, file, span, d);
        }
        for r in &d.related {
            if let Some(span) = r.span {
                check_span(tree, &r.file, span, d);
            }
        }
    }
}

/// Diagnostics about text that is not in a tree (one file's text).
pub fn check_text_diagnostics(file: &str, text: &str, diagnostics: &[Diagnostic]) {
    let mut tree = FileTree::new();
    if tree.insert(file, text).is_ok() {
        check_diagnostics(&tree, diagnostics);
    }
}

pub const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: payment-service
spec:
  replicas: 2
  selector:
    matchLabels:
      app: payment-service
  template:
    metadata:
      labels:
        app: payment-service
    spec:
      containers:
        - name: payment-service
          image: registry.example.com/payment-service:1.0.0
          ports:
            - containerPort: 8080
";

fn patch(tag: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payment-service\nspec:\n  template:\n    spec:\n      containers:\n        - name: payment-service\n          image: registry.example.com/payment-service:{tag}  # ← CI updates this\n"
    )
}

/// The seed layout of the promotion tests: `payment-service` (image patches in both overlays)
/// and `checkout` (an `images:` entry in staging; production inherits the base), with a
/// pipeline whose production has gates, and a CODEOWNERS file.
#[must_use]
pub fn seed_tree() -> FileTree {
    let mut t = FileTree::new();
    let checkout = DEPLOYMENT.replace("payment-service", "checkout");
    let files: [(&str, String); 12] = [
        ("apps/payment-service/base/kustomization.yaml", "resources:\n  - deployment.yaml\n".into()),
        ("apps/payment-service/base/deployment.yaml", DEPLOYMENT.into()),
        (
            "apps/payment-service/staging/kustomization.yaml",
            "resources:\n  - ../base\nnamespace: payments-staging\npatches:\n  - path: image-patch.yaml\n".into(),
        ),
        ("apps/payment-service/staging/image-patch.yaml", patch("abc1234")),
        (
            "apps/payment-service/production/kustomization.yaml",
            "resources:\n  - ../base\nnamespace: payments-production\npatches:\n  - path: image-patch.yaml\n".into(),
        ),
        ("apps/payment-service/production/image-patch.yaml", patch("9f8e7d6")),
        ("apps/checkout/base/kustomization.yaml", "resources:\n- deployment.yaml\n".into()),
        ("apps/checkout/base/deployment.yaml", checkout),
        (
            "apps/checkout/staging/kustomization.yaml",
            "resources:\n- ../base\nimages:\n- name: registry.example.com/checkout\n  newTag: 7c3f9a1\n".into(),
        ),
        (
            "apps/checkout/production/kustomization.yaml",
            "# Production runs what the base pins until promoted.\nresources:\n- ../base\n".into(),
        ),
        (
            "baton.yaml",
            "apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nmetadata:\n  name: platform\nspec:\n  environments:\n  - name: staging\n  - name: production\n    gates:\n      approvals: 1\n      codeowners: true\n      immutableTags: true\n      soak: 1h\n      requiredChecks: [ci/build]\n      windows:\n      - days: [Mon, Tue, Wed, Thu]\n        start: \"09:00\"\n        end: \"16:00\"\n".into(),
        ),
        ("CODEOWNERS", "* @acme/platform\n/apps/payment-service/ @acme/payments alice@example.com\n".into()),
    ];
    for (path, text) in files {
        t.insert(path, text).expect("valid path");
    }
    t
}
