//! YAML merge keys (`<<`), resolved when a file is loaded, as kustomize's reader does.
//!
//! kustomize "de-anchors" every resource and patch right after reading it: aliases are
//! expanded (our parser already does that) and merge keys are applied, so transformers and
//! patches never see a `<<`. The rules are kyaml's: a key is a merge key when it is a plain
//! `<<` or tagged `!!merge`; its value is a mapping or a sequence of mappings (earlier ones
//! win over later ones, and the mapping's own keys win over all); a second merge key is an
//! error; and any remaining key whose text is `<<` (quoted, say) is dropped.

use super::node::{Body, Node, Origin, Style};
use super::resolve::TAG_PREFIX;

/// A merge that kustomize refuses, with the node at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct MergeError {
    pub message: String,
    pub origin: Origin,
}

/// Applies every merge key in `node` and below.
pub fn resolve_merge_keys(node: &mut Node) -> Result<(), MergeError> {
    if let Body::Map(_) = node.body {
        merge_one(node)?;
    }
    match &mut node.body {
        Body::Scalar(_) => Ok(()),
        Body::Seq(items) => items.iter_mut().try_for_each(resolve_merge_keys),
        Body::Map(entries) => entries.iter_mut().try_for_each(|(_, v)| resolve_merge_keys(v)),
    }
}

fn is_merge_key(key: &Node) -> bool {
    match key.tag.as_deref() {
        Some(tag) => tag == format!("{TAG_PREFIX}merge") || tag == "!!merge",
        None => key.style == Style::Plain && key.scalar() == Some("<<"),
    }
}

fn merge_one(node: &mut Node) -> Result<(), MergeError> {
    let Body::Map(entries) = &mut node.body else { return Ok(()) };
    let mut merge_value: Option<Node> = None;
    for (key, value) in entries.iter() {
        if is_merge_key(key) {
            if merge_value.is_some() {
                return Err(MergeError {
                    message: "duplicate merge key".into(),
                    origin: key.origin.clone(),
                });
            }
            merge_value = Some(value.clone());
        }
    }
    let sources = match &merge_value {
        None => Vec::new(),
        Some(value) => merge_sources(value)?,
    };
    entries.retain(|(k, _)| k.scalar() != Some("<<"));
    if sources.is_empty() {
        return Ok(());
    }
    // Earlier sources win over later ones; the mapping's own keys win over all.
    let own: Vec<(Node, Node)> = entries.clone();
    let mut merged = own.clone();
    for source in sources.iter().rev().chain(std::iter::once(&own)) {
        for (key, value) in source {
            match merged.iter_mut().find(|(k, _)| k.scalar() == key.scalar() && k.is_scalar()) {
                Some((_, v)) => *v = value.clone(),
                None => merged.push((key.clone(), value.clone())),
            }
        }
    }
    *entries = merged;
    Ok(())
}

/// The mappings a merge key's value contributes, in the order written.
fn merge_sources(value: &Node) -> Result<Vec<Vec<(Node, Node)>>, MergeError> {
    let fail =
        |message: &str, n: &Node| MergeError { message: message.into(), origin: n.origin.clone() };
    match &value.body {
        Body::Map(entries) => Ok(vec![entries.clone()]),
        Body::Seq(items) => {
            let mut sources = Vec::with_capacity(items.len());
            for item in items {
                sources.push(match &item.body {
                    Body::Map(entries) => entries.clone(),
                    Body::Seq(_) => {
                        return Err(fail("invalid map merge: received a nested sequence", item));
                    }
                    Body::Scalar(_) => {
                        return Err(fail(
                            "map merge requires map or sequence of maps as the value",
                            item,
                        ));
                    }
                });
            }
            Ok(sources)
        }
        Body::Scalar(_) if value.is_null() => Ok(Vec::new()),
        Body::Scalar(_) => {
            Err(fail("map merge requires map or sequence of maps as the value", value))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::{Limits, parse};

    fn merged(text: &str) -> Result<Node, MergeError> {
        let mut root =
            parse(&Arc::from("r.yaml"), text, &Limits::default()).documents.remove(0).root;
        resolve_merge_keys(&mut root).map(|()| root)
    }

    fn get<'a>(n: &'a Node, path: &[&str]) -> Option<&'a str> {
        n.path(path).and_then(Node::scalar)
    }

    #[test]
    fn merges_with_kyaml_precedence() {
        let n =
            merged("base: &b {x: 1, y: 1}\nother: &o {y: 2, z: 2}\nm:\n  <<: [*b, *o]\n  x: own\n")
                .unwrap();
        assert_eq!(get(&n, &["m", "x"]), Some("own"));
        assert_eq!(get(&n, &["m", "y"]), Some("1"), "earlier sources win");
        assert_eq!(get(&n, &["m", "z"]), Some("2"));
        assert!(n.path(&["m", "<<"]).is_none());
    }

    #[test]
    fn quoted_merge_words_are_dropped_and_bad_values_fail() {
        let n = merged("a:\n  \"<<\": 1\n  b: 2\n").unwrap();
        assert!(n.path(&["a", "<<"]).is_none());
        assert_eq!(get(&n, &["a", "b"]), Some("2"));
        assert!(merged("a:\n  <<: 3\n").is_err());
        assert!(merged("a:\n  <<: {x: 1}\n  !!merge m: {y: 1}\n").is_err());
        assert!(merged("a:\n  <<: [[{x: 1}]]\n").is_err());
    }
}
