//! The text of a new preview overlay: the seed's kustomization shape, plus what the settings
//! ask for (labels, annotations, the Ingress host patch).
//!
//! ```yaml
//! apiVersion: kustomize.config.k8s.io/v1beta1
//! kind: Kustomization
//! resources:
//!   - ../../base
//! namespace: preview-pr-42
//! images:
//!   - name: registry.example.com/payment-service
//!     newTag: pr-42-ab1cd
//! ```
//!
//! Written by hand rather than through the emitter: the file is for people, in the seed's
//! block style with indented sequences, and every scalar goes through
//! [`crate::yaml::edit::scalar`] so it reads back as the same string. The caller renders it
//! before offering it, so a mistake here cannot reach a repository.

use std::fmt::Write as _;

use crate::yaml::edit::scalar;

/// An Ingress of the render the preview builds on, and where its hosts are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingress {
    pub name: String,
    /// How many `spec.rules` it has.
    pub rules: usize,
    /// Indexes of `spec.tls` entries that list `hosts`.
    pub tls: Vec<usize>,
}

/// What a new preview overlay holds.
#[derive(Debug, Clone)]
pub struct Overlay<'a> {
    /// The `resources:` entry: the directory it builds on, relative to the preview's.
    pub resource: &'a str,
    pub namespace: &'a str,
    /// The image name the pull request built, and its tag.
    pub image: &'a str,
    pub tag: &'a str,
    pub labels: &'a [(String, String)],
    pub annotations: &'a [(String, String)],
    /// Ingresses whose hosts become `host`.
    pub ingresses: &'a [Ingress],
    pub host: Option<&'a str>,
}

/// The kustomization file of a new preview.
#[must_use]
pub fn kustomization(o: &Overlay) -> String {
    let mut out =
        String::from("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
    let _ = write!(out, "resources:\n  - {}\n", scalar(o.resource));
    let _ = writeln!(out, "namespace: {}", scalar(o.namespace));
    let _ = write!(out, "images:\n  - name: {}\n    newTag: {}\n", scalar(o.image), scalar(o.tag));
    if !o.labels.is_empty() {
        out.push_str("labels:\n  - pairs:\n");
        for (key, value) in o.labels {
            let _ = writeln!(out, "      {}: {}", scalar(key), scalar(value));
        }
    }
    if !o.annotations.is_empty() {
        out.push_str("commonAnnotations:\n");
        for (key, value) in o.annotations {
            let _ = writeln!(out, "  {}: {}", scalar(key), scalar(value));
        }
    }
    if let Some(host) = o.host.filter(|_| !o.ingresses.is_empty()) {
        out.push_str("patches:\n");
        for ingress in o.ingresses {
            let _ = write!(
                out,
                "  - target:\n      kind: Ingress\n      name: {}\n    patch: |-\n",
                scalar(&ingress.name)
            );
            let mut op = |path: &str, value: &str| {
                let _ =
                    write!(out, "      - op: add\n        path: {path}\n        value: {value}\n");
            };
            let host = scalar(host);
            if ingress.rules == 0 {
                op("/spec/rules", &format!("[{{host: {host}}}]"));
            }
            for i in 0..ingress.rules {
                op(&format!("/spec/rules/{i}/host"), &host);
            }
            for i in &ingress.tls {
                op(&format!("/spec/tls/{i}/hosts"), &format!("[{host}]"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_shape() {
        let text = kustomization(&Overlay {
            resource: "../../base",
            namespace: "preview-pr-42",
            image: "registry.example.com/payment-service",
            tag: "pr-42-ab1cd",
            labels: &[],
            annotations: &[],
            ingresses: &[],
            host: Some("pr-42.payment-service.preview.example.com"),
        });
        assert_eq!(
            text,
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../base\nnamespace: preview-pr-42\nimages:\n  - name: registry.example.com/payment-service\n    newTag: pr-42-ab1cd\n"
        );
    }

    #[test]
    fn labels_annotations_and_ingress_hosts() {
        let text = kustomization(&Overlay {
            resource: "../staging",
            namespace: "preview-7",
            image: "nginx",
            tag: "1.0",
            labels: &[("baton.dev/preview".into(), "7".into())],
            annotations: &[("note".into(), "a: b".into())],
            ingresses: &[
                Ingress { name: "web".into(), rules: 2, tls: vec![0] },
                Ingress { name: "bare".into(), rules: 0, tls: vec![] },
            ],
            host: Some("pr-7.example.com"),
        });
        assert!(text.contains("labels:\n  - pairs:\n      baton.dev/preview: \"7\"\n"), "{text}");
        assert!(text.contains("commonAnnotations:\n  note: \"a: b\"\n"), "{text}");
        assert!(text.contains(
            "      - op: add\n        path: /spec/rules/1/host\n        value: pr-7.example.com\n"
        ));
        assert!(text.contains("path: /spec/tls/0/hosts\n        value: [pr-7.example.com]\n"));
        assert!(text.contains("name: bare\n    patch: |-\n      - op: add\n        path: /spec/rules\n        value: [{host: pr-7.example.com}]\n"));
    }
}
