//! Surgical edits of a kustomization's `images:` list.
//!
//! A promotion or a preview often lands as "set `newTag` on this entry" or "add an entry for this
//! image". These functions change only the lines involved: an existing value is replaced in
//! place, a missing key becomes one new line with the entry's indentation, a new entry is
//! appended in the list's own style (block or flow, indented or not), and a missing
//! `images:` key is appended at the end of the file. Each edit re-parses the text, so
//! several edits to one file compose safely.

use std::sync::Arc;

use crate::diagnostic::Span;
use crate::yaml::edit::{self, TextEdit, scalar};
use crate::yaml::{Body, Limits, Node, Style, parse};

/// Which entry to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// The entry at this index of `images:`.
    Index(usize),
    /// A new entry for this image name.
    New(String),
}

/// What the entry's tag and digest must become (`None` removes the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versions {
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// Why an edit could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryError {
    #[error("the kustomization does not parse: {0}")]
    Unparsable(String),
    #[error("`images` is not a list")]
    NotAList,
    #[error("images entry {0} is not a mapping")]
    NotAMapping(usize),
    #[error("{0}")]
    Edit(#[from] edit::EditError),
}

/// Finds the `images:` entry a kustomization uses for `name`: one named `name` without
/// `newName`, or one whose `newName` is `name`.
#[must_use]
pub fn find_entry(text: &str, name: &str) -> Option<usize> {
    let root = root(text).ok()?;
    let items = root.get("images")?.as_seq()?;
    let by_new_name = items.iter().position(|i| i.get_str("newName") == Some(name));
    let by_name =
        items.iter().position(|i| i.get_str("name") == Some(name) && i.get("newName").is_none());
    by_new_name.or(by_name)
}

/// Index of the entry whose span contains `at`, if `at` lies inside `images:`.
#[must_use]
pub fn entry_at(text: &str, at: Span) -> Option<usize> {
    let root = root(text).ok()?;
    let items = root.get("images")?.as_seq()?;
    items.iter().position(|i| i.origin.span.start <= at.start && at.end <= i.origin.span.end)
}

/// Applies `versions` to an entry (creating it, or the `images:` list, as needed).
pub fn set_versions(text: &str, entry: &Entry, versions: &Versions) -> Result<String, EntryError> {
    match entry {
        Entry::Index(i) => {
            let mut text = text.to_string();
            for (key, value) in
                [("newTag", versions.tag.as_deref()), ("digest", versions.digest.as_deref())]
            {
                text = set_key(&text, *i, key, value)?;
            }
            Ok(text)
        }
        Entry::New(name) => {
            let mut lines = vec![("name", name.as_str())];
            if let Some(tag) = &versions.tag {
                lines.push(("newTag", tag));
            }
            if let Some(digest) = &versions.digest {
                lines.push(("digest", digest));
            }
            append_entry(text, &lines)
        }
    }
}

fn root(text: &str) -> Result<Node, EntryError> {
    let parsed = parse(&Arc::from("kustomization.yaml"), text, &Limits::default());
    if let Some(d) = parsed.diagnostics.first() {
        return Err(EntryError::Unparsable(d.message.clone()));
    }
    parsed
        .documents
        .into_iter()
        .find(|d| !d.is_empty())
        .map(|d| d.root)
        .ok_or_else(|| EntryError::Unparsable("empty file".into()))
}

/// Sets (or removes, for `None`) one key of entry `index`.
fn set_key(text: &str, index: usize, key: &str, value: Option<&str>) -> Result<String, EntryError> {
    let root = root(text)?;
    let items = root.get("images").and_then(Node::as_seq).ok_or(EntryError::NotAList)?;
    let item = items.get(index).filter(|i| i.is_map()).ok_or(EntryError::NotAMapping(index))?;
    let existing = item.entry(key);
    let edit = match (existing, value) {
        (Some((_, v)), Some(value)) if v.scalar() == Some(value) => return Ok(text.to_string()),
        (Some((_, v)), Some(value)) => edit::replace_scalar(text, v, value)?,
        (None, None) => return Ok(text.to_string()),
        (None, Some(value)) => with_line_endings(text, insert_key(text, item, key, value)),
        (Some((k, v)), None) => remove_key(text, item, k, v),
    };
    Ok(edit::apply(text, &[edit])?)
}

/// A new `key: value` in a mapping: a new line with the mapping's indentation (block), or
/// `, key: value` before the closing brace (flow).
fn insert_key(text: &str, map: &Node, key: &str, value: &str) -> TextEdit {
    let end = map.origin.span.end as usize;
    if map.style == Style::Flow {
        let close = end.saturating_sub(1);
        let empty = map.as_map().is_none_or(<[_]>::is_empty);
        let sep = if empty { "" } else { ", " };
        return TextEdit {
            span: Span::empty(close),
            replacement: format!("{sep}{key}: {}", scalar(value)),
        };
    }
    let first_key = map
        .as_map()
        .and_then(|e| e.first())
        .map_or(map.origin.span.start, |(k, _)| k.origin.span.start) as usize;
    let indent = column(text, first_key);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let (at, prefix) = if line_end < text.len() {
        (line_end + 1, String::new())
    } else {
        (text.len(), "\n".to_string())
    };
    TextEdit {
        span: Span::empty(at),
        replacement: format!("{prefix}{}{key}: {}\n", " ".repeat(indent), scalar(value)),
    }
}

/// Removes `key: value` from a mapping: its whole line(s) in block style, the entry and
/// its comma in flow style.
fn remove_key(text: &str, map: &Node, key: &Node, value: &Node) -> TextEdit {
    let (start, end) =
        (key.origin.span.start as usize, value.origin.span.end.max(key.origin.span.end) as usize);
    if map.style == Style::Flow {
        let after = &text[end..];
        let comma_after = after.len() - after.trim_start().len();
        if after.trim_start().starts_with(',') {
            let skip = comma_after + 1;
            let spaces = after[skip..].len() - after[skip..].trim_start_matches(' ').len();
            return TextEdit {
                span: Span::new(start, end + skip + spaces),
                replacement: String::new(),
            };
        }
        let before = text[..start].trim_end();
        let comma = before.strip_suffix(',').map_or(start, str::len);
        return TextEdit { span: Span::new(comma, end), replacement: String::new() };
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    TextEdit { span: Span::new(line_start, line_end), replacement: String::new() }
}

/// Appends an entry to `images:` (creating the key at the end of the file if needed).
fn append_entry(text: &str, fields: &[(&str, &str)]) -> Result<String, EntryError> {
    let root = root(text).unwrap_or_else(|_| Node::map());
    let edit = match root.entry("images") {
        None => {
            let indent = if indented_sequences(&root, text) { "  " } else { "" };
            let prefix = if text.is_empty() || text.ends_with('\n') { "" } else { "\n" };
            TextEdit {
                span: Span::empty(text.len()),
                replacement: format!("{prefix}images:\n{}", block_item(indent, fields)),
            }
        }
        Some((key, value)) => match &value.body {
            Body::Seq(items) if value.style == Style::Flow => {
                let close = (value.origin.span.end as usize).saturating_sub(1);
                let sep = if items.is_empty() { "" } else { ", " };
                let inner: Vec<String> =
                    fields.iter().map(|(k, v)| format!("{k}: {}", scalar(v))).collect();
                TextEdit {
                    span: Span::empty(close),
                    replacement: format!("{sep}{{{}}}", inner.join(", ")),
                }
            }
            Body::Seq(items) => {
                let last = items.last().ok_or(EntryError::NotAList)?;
                let dash = dash_column(text, last.origin.span.start as usize);
                let end = last.origin.span.end as usize;
                let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
                let (at, prefix) = if line_end < text.len() {
                    (line_end + 1, String::new())
                } else {
                    (text.len(), "\n".to_string())
                };
                TextEdit {
                    span: Span::empty(at),
                    replacement: format!("{prefix}{}", block_item(&" ".repeat(dash), fields)),
                }
            }
            _ if value.is_null() => {
                let indent = if indented_sequences(&root, text) {
                    " ".repeat(column(text, key.origin.span.start as usize) + 2)
                } else {
                    " ".repeat(column(text, key.origin.span.start as usize))
                };
                let item = block_item(&indent, fields);
                let at = value.origin.span.start as usize;
                let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                TextEdit {
                    span: Span::new(at, line_end),
                    replacement: format!("\n{}", item.trim_end_matches('\n')),
                }
            }
            _ => return Err(EntryError::NotAList),
        },
    };
    Ok(edit::apply(text, &[with_line_endings(text, edit)])?)
}

/// Inserted lines take the file's line endings (CRLF files stay CRLF).
fn with_line_endings(text: &str, mut edit: TextEdit) -> TextEdit {
    if text.contains("\r\n") {
        edit.replacement = edit.replacement.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    edit
}

fn block_item(indent: &str, fields: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (key, value)) in fields.iter().enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        out.push_str(&format!("{indent}{lead}{key}: {}\n", scalar(value)));
    }
    out
}

/// Whether the file indents block sequences under their key (`key:\n  - a`).
fn indented_sequences(root: &Node, text: &str) -> bool {
    let Some(entries) = root.as_map() else { return false };
    entries.iter().find_map(|(key, value)| match &value.body {
        Body::Seq(items) if value.style == Style::Block && !items.is_empty() => Some(
            dash_column(text, items[0].origin.span.start as usize)
                > column(text, key.origin.span.start as usize),
        ),
        _ => None,
    }) == Some(true)
}

/// The column of the `-` that introduces the item whose content starts at `content`.
fn dash_column(text: &str, content: usize) -> usize {
    let line_start = text[..content].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..content].find('-').unwrap_or(0)
}

fn column(text: &str, at: usize) -> usize {
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    at - line_start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(tag: Option<&str>, digest: Option<&str>) -> Versions {
        Versions { tag: tag.map(str::to_string), digest: digest.map(str::to_string) }
    }

    #[test]
    fn updates_an_existing_entry_in_place() {
        let text = "resources:\n- ../base\nimages:\n- name: app # the app\n  newTag: v1 # pinned\n";
        let out = set_versions(text, &Entry::Index(0), &versions(Some("v2"), None)).unwrap();
        assert_eq!(
            out,
            "resources:\n- ../base\nimages:\n- name: app # the app\n  newTag: v2 # pinned\n"
        );
    }

    #[test]
    fn adds_and_removes_keys() {
        let text = "images:\n  - name: app\n    newTag: v1\nresources: [../base]\n";
        let out =
            set_versions(text, &Entry::Index(0), &versions(None, Some("sha256:abc"))).unwrap();
        assert_eq!(out, "images:\n  - name: app\n    digest: sha256:abc\nresources: [../base]\n");
        let flow = "images: [{name: app, newTag: v1}]\n";
        let out = set_versions(flow, &Entry::Index(0), &versions(Some("v1"), Some("sha256:abc")))
            .unwrap();
        assert_eq!(out, "images: [{name: app, newTag: v1, digest: sha256:abc}]\n");
        let out =
            set_versions(&out, &Entry::Index(0), &versions(None, Some("sha256:abc"))).unwrap();
        assert_eq!(out, "images: [{name: app, digest: sha256:abc}]\n");
    }

    #[test]
    fn appends_entries_in_the_file_style() {
        let text = "resources:\n  - ../base\n";
        let out =
            set_versions(text, &Entry::New("reg/app".into()), &versions(Some("abc1234"), None))
                .unwrap();
        assert_eq!(
            out,
            "resources:\n  - ../base\nimages:\n  - name: reg/app\n    newTag: abc1234\n"
        );
        let text = "resources:\n- ../base";
        let out =
            set_versions(text, &Entry::New("reg/app".into()), &versions(Some("1234567"), None))
                .unwrap();
        assert_eq!(out, "resources:\n- ../base\nimages:\n- name: reg/app\n  newTag: \"1234567\"\n");
        let text = "images:\n- name: other\n  newTag: x\nresources:\n- ../base\n";
        let out =
            set_versions(text, &Entry::New("reg/app".into()), &versions(Some("v2"), None)).unwrap();
        assert_eq!(
            out,
            "images:\n- name: other\n  newTag: x\n- name: reg/app\n  newTag: v2\nresources:\n- ../base\n"
        );
        let out =
            set_versions("images: []\n", &Entry::New("a".into()), &versions(Some("v2"), None))
                .unwrap();
        assert_eq!(out, "images: [{name: a, newTag: v2}]\n");
        let out = set_versions(
            "images:\nresources: [x]\n",
            &Entry::New("a".into()),
            &versions(Some("v2"), None),
        )
        .unwrap();
        assert_eq!(out, "images:\n- name: a\n  newTag: v2\nresources: [x]\n");
    }

    #[test]
    fn crlf_files_get_crlf_lines() {
        let text = "resources:\r\n- ../base\r\n";
        let out = set_versions(text, &Entry::New("a".into()), &versions(Some("v2"), None)).unwrap();
        assert_eq!(out, "resources:\r\n- ../base\r\nimages:\r\n- name: a\r\n  newTag: v2\r\n");
        let out = set_versions(&out, &Entry::Index(0), &versions(Some("v2"), Some("sha256:abc")))
            .unwrap();
        assert!(!out.replace("\r\n", "").contains('\n'), "{out:?}");
    }

    #[test]
    fn finds_entries_by_name_or_new_name() {
        let text = "images:\n- name: a\n  newTag: v1\n- name: b\n  newName: reg/b\n";
        assert_eq!(find_entry(text, "a"), Some(0));
        assert_eq!(find_entry(text, "reg/b"), Some(1));
        assert_eq!(find_entry(text, "b"), None);
        let at = Span::new(text.find("v1").unwrap(), text.find("v1").unwrap() + 2);
        assert_eq!(entry_at(text, at), Some(0));
    }
}
