//! Deployment renders against the kustomize oracle, and the deployment model.
//!
//! `testdata/<case>.repo` is a repository; `testdata/<case>.expected.yaml` is what kustomize
//! v5.8.1 prints for the kustomization the controller writes before building, as
//! `testdata/regen.py` writes it by hand from the controller's code (fluxcd/pkg e2cfd1a
//! `kustomize/kustomize_generator.go`; argo-cd 37ee009 `util/kustomize/kustomize.go` and
//! kustomize 12f9e63 `kustomize/commands/edit`).

use super::*;
use crate::repo::Renders;
use crate::tree::FileTree;

/// A `-- path --` bundle.
pub(crate) fn bundle(text: &str) -> FileTree {
    let mut tree = FileTree::new();
    let mut rest = text;
    while let Some(start) = rest.find("-- ") {
        let after = &rest[start + 3..];
        let Some(end) = after.find(" --\n") else { break };
        let path = &after[..end];
        let body = &after[end + 4..];
        let next = body.find("\n-- ").map_or(body.len(), |i| i + 1);
        tree.insert(path, &body[..next]).unwrap();
        rest = &body[next..];
    }
    tree
}

pub(crate) fn tree(files: &[(&str, &str)]) -> FileTree {
    let mut tree = FileTree::new();
    for (path, text) in files {
        tree.insert(path, *text).unwrap();
    }
    tree
}

fn render_in(tree: &FileTree, id: &str) -> DeploymentRender {
    let mut renders = Renders::new();
    let mut repo = Repo::new(tree, &mut renders);
    render(&mut repo, &DeploymentRequest::parse(id).unwrap())
}

macro_rules! oracle_case {
    ($test:ident, $case:literal, $id:literal) => {
        #[test]
        fn $test() {
            let tree = bundle(include_str!(concat!("testdata/", $case, ".repo")));
            let rendered = render_in(&tree, $id);
            assert!(rendered.ok, "{:#?}", rendered.diagnostics);
            assert_eq!(rendered.yaml, include_str!(concat!("testdata/", $case, ".expected.yaml")));
        }
    };
}

oracle_case!(
    flux_target_namespace_replaces_the_files_namespace,
    "flux-target-namespace",
    "flux:flux-system/web"
);
oracle_case!(flux_name_prefix_and_suffix, "flux-name-affixes", "flux:flux-system/web");
oracle_case!(flux_patches_are_appended, "flux-patches", "flux:flux-system/web");
oracle_case!(flux_images_merge_by_name_or_append, "flux-images", "flux:flux-system/web");
oracle_case!(
    flux_image_tag_clears_the_files_digest,
    "flux-images-tag-clears-digest",
    "flux:flux-system/web"
);
oracle_case!(flux_components_relative_to_the_path, "flux-components", "flux:flux-system/web");
oracle_case!(
    flux_generates_a_kustomization_where_there_is_none,
    "flux-generated",
    "flux:flux-system/web"
);
oracle_case!(flux_overrides_combined, "flux-combined", "flux:flux-system/web");
oracle_case!(argo_kustomize_overrides, "argo-overrides", "argo:argocd/web-staging");
oracle_case!(argo_labels_without_selector, "argo-labels-without-selector", "argo:argocd/web");

#[test]
fn requests_parse_and_name_the_deployment() {
    let r = DeploymentRequest::parse("flux:flux-system/apps").unwrap();
    assert_eq!(
        (r.controller, r.namespace.as_str(), r.name.as_str()),
        (Controller::Flux, "flux-system", "apps")
    );
    assert_eq!(r.id(), "flux:flux-system/apps");
    for bad in ["apps", "helm:a/b", "flux:a", "flux:/b", "flux:a/b/c", "argo:a/"] {
        assert!(DeploymentRequest::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn an_unknown_deployment_is_d003() {
    let t = bundle(include_str!("testdata/flux-patches.repo"));
    let rendered = render_in(&t, "flux:flux-system/nope");
    assert!(!rendered.ok);
    assert_eq!(rendered.diagnostics[0].code, "D003");
}
