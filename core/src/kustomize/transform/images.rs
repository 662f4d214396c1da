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

use regex_lite::Regex;

use super::fail_at;
use crate::diagnostic::Code;
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
        for r in &mut acc.resources {
            if r.kind() == "CustomResourceDefinition" {
                continue;
            }
            update_container_lists(&mut r.node, image, &matcher);
            for spec in &specs {
                let result = walk(&mut r.node, spec, None, &mut |n| {
                    if !n.is_scalar() {
                        return Err(WalkError("wrong node kind: expected ScalarNode".into()));
                    }
                    update(n, image, &matcher);
                    Ok(())
                });
                if let Err(e) = result {
                    return fail_at(b, k, Code::TransformerInvalid, &image.origin, e.0);
                }
            }
        }
    }
    Ok(())
}

/// The legacy pass: `image` of every item of every `containers`/`initContainers` list.
fn update_container_lists(node: &mut Node, image: &Image, matcher: &Regex) {
    match &mut node.body {
        Body::Map(entries) => {
            for (key, value) in entries {
                update_container_lists(value, image, matcher);
                if matches!(key.scalar(), Some("containers" | "initContainers"))
                    && let Body::Seq(items) = &mut value.body
                {
                    for item in items {
                        if let Some(field) = item.get_mut("image")
                            && field.is_scalar()
                        {
                            update(field, image, matcher);
                        }
                    }
                }
            }
        }
        Body::Seq(items) => {
            for item in items {
                update_container_lists(item, image, matcher);
            }
        }
        Body::Scalar(_) => {}
    }
}

/// Rewrites one image value if it matches the entry.
fn update(node: &mut Node, image: &Image, matcher: &Regex) {
    let Some(value) = node.scalar() else { return };
    if !matcher.is_match(value) {
        return;
    }
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
}
