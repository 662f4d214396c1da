//! `images:` — kustomize's image tag transformer.
//!
//! Two passes per entry, as in kustomize: first every `containers`/`initContainers` list
//! found anywhere in an object (so custom resources such as an Argo Rollout are covered
//! without configuration), then the `images` field specs. An image matches an entry when
//! it is the entry's name followed by an optional `:tag` and `@sha256:digest` — with the
//! name used as a regular expression, exactly as kustomize does.
//!
//! The new value gets the origin of the entry field that decides the tag (`newTag`,
//! `digest` or `tagSuffix`); an entry that only renames keeps the origin of the value it
//! renames, since that is still where the tag is written. The promotion planner relies on
//! this.
//!
//! An entry that matches no image of the render is not an error in kustomize: every image is
//! left as it was, silently. The seed's preview writes `name: payment-service` for an image
//! `registry.example.com/payment-service`, and its new tag never lands. Baton warns (`K050`)
//! and names the closest image the render has.

use regex_lite::Regex;

use super::fail_at;
use crate::diagnostic::{Code, Diagnostic};
use crate::kustomize::context::{Accumulator, Builder, Built};
use crate::kustomize::fieldspec::{WalkError, walk};
use crate::kustomize::kustomization::{Image, Kustomization};
use crate::yaml::{Body, Node};

/// Runs every `images` entry.
pub fn run(b: &mut Builder, k: &Kustomization, acc: &mut Accumulator) -> Built<()> {
    for image in &k.images {
        let pattern =
            format!("^{}(:[a-zA-Z0-9_.{{}}-]*)?(@sha256:[a-zA-Z0-9_.{{}}-]*)?$", image.name.value);
        let Ok(matcher) = Regex::new(&pattern) else {
            return fail_at(
                b,
                k,
                Code::TransformerInvalid,
                &image.name.origin,
                format!("image name '{}' is not a valid regular expression", image.name.value),
            );
        };
        let specs = acc.config.images.clone();
        let mut seen = Seen::default();
        for r in &mut acc.resources {
            if r.kind() == "CustomResourceDefinition" {
                continue;
            }
            update_container_lists(&mut r.node, image, &matcher, &mut seen);
            for spec in &specs {
                let result = walk(&mut r.node, spec, None, &mut |n| {
                    if !n.is_scalar() {
                        return Err(WalkError("wrong node kind: expected ScalarNode".into()));
                    }
                    update(n, image, &matcher, &mut seen);
                    Ok(())
                });
                if let Err(e) = result {
                    return fail_at(b, k, Code::TransformerInvalid, &image.origin, e.0);
                }
            }
        }
        if !seen.matched {
            let file = image.name.origin.file.as_deref().unwrap_or(&k.file).to_string();
            b.diagnostics.push(no_match(image, &seen.names).at(file, image.name.origin.span));
        }
    }
    Ok(())
}

/// What one entry's pass saw: whether it matched an image, and the image names it looked at.
#[derive(Default)]
struct Seen {
    matched: bool,
    names: Vec<String>,
}

/// Most image names a `K050` message lists when none is close to the entry's name.
const MAX_LISTED: usize = 5;

/// The `K050` warning for an entry that matched nothing, naming the image it most likely
/// meant: one whose name ends with `/<entry name>` (the registry left out), else the nearest
/// by edit distance, else the images there are.
fn no_match(image: &Image, names: &[String]) -> Diagnostic {
    let name = &image.name.value;
    let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
    crate::sort::sort(&mut names);
    names.dedup();
    let suffixed = names.iter().find(|n| n.rsplit_once('/').is_some_and(|(_, last)| last == name));
    let max = (name.chars().count() / 3).max(2);
    let nearest = names
        .iter()
        .map(|n| (crate::diagnostic::suggest::edit_distance(n, name, max), *n))
        .filter(|(d, _)| *d <= max)
        .min();
    let message = format!("images entry '{name}' matches no image of this render");
    let d = Diagnostic::new(
        Code::ImageEntryNoMatch,
        match suffixed.copied().or(nearest.map(|(_, n)| n)) {
            Some(closest) => format!("{message}; did you mean {closest}?"),
            None => message,
        },
    );
    let help = "kustomize leaves every image unchanged when `name` matches none: it must be the \
                image's whole name as the resources write it (registry and repository), \
                without tag or digest";
    match names.len() {
        0 => d.with_help(format!("{help}; this render has no container images")),
        n if suffixed.is_none() && nearest.is_none() => {
            let listed = names[..n.min(MAX_LISTED)].join(", ");
            let more = if n > MAX_LISTED {
                format!(" and {} more", n - MAX_LISTED)
            } else {
                String::new()
            };
            d.with_help(format!("{help}; the render's images: {listed}{more}"))
        }
        _ => d.with_help(help),
    }
}

/// The legacy pass: `image` of every item of every `containers`/`initContainers` list.
fn update_container_lists(node: &mut Node, image: &Image, matcher: &Regex, seen: &mut Seen) {
    match &mut node.body {
        Body::Map(entries) => {
            for (key, value) in entries {
                update_container_lists(value, image, matcher, seen);
                if matches!(key.scalar(), Some("containers" | "initContainers"))
                    && let Body::Seq(items) = &mut value.body
                {
                    for item in items {
                        if let Some(field) = item.get_mut("image")
                            && field.is_scalar()
                        {
                            update(field, image, matcher, seen);
                        }
                    }
                }
            }
        }
        Body::Seq(items) => {
            for item in items {
                update_container_lists(item, image, matcher, seen);
            }
        }
        Body::Scalar(_) => {}
    }
}

/// Rewrites one image value if it matches the entry.
fn update(node: &mut Node, image: &Image, matcher: &Regex, seen: &mut Seen) {
    let Some(value) = node.scalar() else { return };
    if !matcher.is_match(value) {
        if !seen.matched {
            seen.names.push(split(value).0);
        }
        return;
    }
    seen.matched = true;
    let (mut name, mut tag, mut digest) = split(value);
    let non_empty = |s: &Option<crate::kustomize::kustomization::Str>| {
        s.as_ref().filter(|v| !v.value.is_empty()).cloned()
    };
    let (new_name, new_tag, new_digest, suffix) = (
        non_empty(&image.new_name),
        non_empty(&image.new_tag),
        non_empty(&image.digest),
        non_empty(&image.tag_suffix),
    );
    if let Some(n) = &new_name {
        name.clone_from(&n.value);
    }
    let mut origin = None;
    match (&new_tag, &new_digest) {
        (Some(t), Some(d)) => {
            tag.clone_from(&t.value);
            digest.clone_from(&d.value);
            origin = Some(t.origin.clone());
        }
        (Some(t), None) => {
            tag.clone_from(&t.value);
            digest.clear();
            origin = Some(t.origin.clone());
        }
        (None, Some(d)) => {
            tag.clear();
            digest.clone_from(&d.value);
            origin = Some(d.origin.clone());
        }
        (None, None) => {
            if let Some(s) = &suffix {
                tag.push_str(&s.value);
                digest.clear();
                origin = Some(s.origin.clone());
            }
        }
    }
    let mut result = name;
    if !tag.is_empty() {
        result.push(':');
        result.push_str(&tag);
    }
    if !digest.is_empty() {
        result.push('@');
        result.push_str(&digest);
    }
    let origin = origin.unwrap_or_else(|| node.origin.clone());
    node.set_scalar(result, origin);
}

/// Splits an image reference into name, tag and digest as kustomize does (a `:` before the
/// first `/` is a registry port, not a tag).
#[must_use]
pub fn split(image: &str) -> (String, String, String) {
    let slash = image.find('/').filter(|&i| i > 0).unwrap_or(0);
    let search = &image[slash..];
    let at = search.find('@');
    let colon = search.find(':');
    match (colon, at) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (Some(c), Some(d)) if c < d => {
            let (c, d) = (c + slash, d + slash);
            (image[..c].to_string(), image[c + 1..d].to_string(), image[d + 1..].to_string())
        }
        (_, Some(d)) => {
            let d = d + slash;
            (image[..d].to_string(), String::new(), image[d + 1..].to_string())
        }
        (Some(c), None) => {
            let c = c + slash;
            (image[..c].to_string(), image[c + 1..].to_string(), String::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_like_kustomize() {
        let s = |i: &str| {
            let (n, t, d) = split(i);
            format!("{n}|{t}|{d}")
        };
        assert_eq!(s("nginx"), "nginx||");
        assert_eq!(s("nginx:1.2"), "nginx|1.2|");
        assert_eq!(s("localhost:5000/app:1.0"), "localhost:5000/app|1.0|");
        assert_eq!(s("localhost:5000/app"), "localhost:5000/app||");
        assert_eq!(s("app@sha256:abc"), "app||sha256:abc");
        assert_eq!(s("reg.io/app:v1@sha256:abc"), "reg.io/app|v1|sha256:abc");
        assert_eq!(s("localhost:5000"), "localhost|5000|");
    }

    /// The seed's preview overlay, verbatim: kustomize (expected.yaml, from the oracle)
    /// leaves the tag at `abc1234`; Baton renders the same bytes and says why (K050).
    #[test]
    fn the_seeds_preview_entry_matches_nothing_and_is_reported() {
        let base = "apps/payment-service/base";
        let preview = "apps/payment-service/preview/pr-42/kustomization.yaml";
        let tree = crate::tree::of(&[
            (
                &format!("{base}/kustomization.yaml"),
                include_str!(
                    "../../../../tests/conformance/cases/images-entry-short-name-matches-nothing/input/apps/payment-service/base/kustomization.yaml"
                ),
            ),
            (
                &format!("{base}/deployment.yaml"),
                include_str!(
                    "../../../../tests/conformance/cases/images-entry-short-name-matches-nothing/input/apps/payment-service/base/deployment.yaml"
                ),
            ),
            (
                preview,
                include_str!(
                    "../../../../tests/conformance/cases/images-entry-short-name-matches-nothing/input/apps/payment-service/preview/pr-42/kustomization.yaml"
                ),
            ),
        ]);
        let rendered =
            crate::Workspace::new(tree.clone()).render("apps/payment-service/preview/pr-42");
        assert_eq!(
            rendered.yaml,
            include_str!(
                "../../../../tests/conformance/cases/images-entry-short-name-matches-nothing/expected.yaml"
            )
        );
        assert!(rendered.ok());
        let [d] = rendered.diagnostics.as_slice() else { panic!("{:?}", rendered.diagnostics) };
        assert_eq!(d.code, "K050");
        assert_eq!(
            d.message,
            "images entry 'payment-service' matches no image of this render; did you mean registry.example.com/payment-service?"
        );
        assert_eq!(d.file.as_deref(), Some(preview));
        let text = tree.text(preview).unwrap();
        assert_eq!(&text[d.span.unwrap().range()], "payment-service");
        assert_eq!(d.range.unwrap().start.line, 7, "0-based: the `- name:` line");
    }

    fn warnings(kustomization: &str, images: &[&str]) -> Vec<Diagnostic> {
        let mut deployment = String::from(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n",
        );
        for (i, image) in images.iter().enumerate() {
            deployment.push_str(&format!("      - name: c{i}\n        image: {image}\n"));
        }
        let tree =
            crate::tree::of(&[("k/kustomization.yaml", kustomization), ("k/d.yaml", &deployment)]);
        crate::Workspace::new(tree).render("k").diagnostics
    }

    #[test]
    fn an_entry_that_matches_is_silent_and_one_that_does_not_names_the_nearest_image() {
        let k =
            |name: &str| format!("resources: [d.yaml]\nimages:\n- name: {name}\n  newTag: v2\n");
        assert_eq!(warnings(&k("nginx"), &["nginx:1.0", "redis"]), []);
        assert_eq!(warnings(&k("ngin.*"), &["nginx:1.0"]), [], "the name is a regular expression");
        let typo = warnings(&k("ngnix"), &["nginx:1.0", "redis:7"]);
        assert_eq!(
            typo[0].message,
            "images entry 'ngnix' matches no image of this render; did you mean nginx?"
        );
        let far = warnings(&k("postgres"), &["nginx:1.0", "redis:7", "nginx:1.1"]);
        assert_eq!(far[0].message, "images entry 'postgres' matches no image of this render");
        assert!(
            far[0].help.as_deref().unwrap().ends_with("the render's images: nginx, redis"),
            "{:?}",
            far[0].help
        );
        let none = warnings(&k("nginx"), &[]);
        assert!(none[0].help.as_deref().unwrap().ends_with("this render has no container images"));
        assert_eq!(none[0].severity, crate::Severity::Warning);
    }
}
