//! GitHub's own data, read as its REST API and Actions give it, for the gates' context.
//!
//! A workflow's glue is `gh api ... > file.json`; this module reads those files without any
//! reshaping by the user:
//!
//! | flag | GitHub response | what it gives |
//! | --- | --- | --- |
//! | `--github-event` | the `pull_request` (or `pull_request_review`, `pull_request_target`) event payload at `$GITHUB_EVENT_PATH` | author, PR number |
//! | `--reviews` | "List reviews for a pull request" (`GET /repos/{o}/{r}/pulls/{n}/reviews`) | approvals ([`reviews`]) |
//! | `--checks` | "List check runs for a Git reference" (`GET /repos/{o}/{r}/commits/{ref}/check-runs`) | check states ([`checks`]) |
//! | `--statuses` | "Get the combined status for a specific reference" (`.../commits/{ref}/status`), or "List commit statuses for a reference" (`.../statuses`) | check states |
//! | `--teams @org/team=FILE` | "List team members" (`GET /orgs/{org}/teams/{slug}/members`) | team members for CODEOWNERS |
//!
//! Paginated responses are accepted in the three forms `gh api` writes them: one page, pages
//! concatenated (`--paginate`), or an array of pages (`--paginate --slurp`). Every file is
//! decoded into typed shapes (fields GitHub documents as always present are required, extra
//! fields are ignored, enumerations are checked), so a file that is not what it claims to be
//! stops the command (exit 2) with the file and the JSON path of the bad field —
//! `checks.json: $.check_runs[2].status: unknown variant ...` — rather than silently counting
//! nothing.

pub mod checks;
pub mod event;
pub mod reviews;
pub mod teams;

use std::fmt::Write as _;
use std::path::Path;

use baton_core::gates::time::Instant;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A JSON file read from disk: every top-level value in it (a `--paginate` file holds one per
/// page), each with the JSON path prefix that locates it in the file.
#[derive(Debug)]
pub struct JsonFile {
    /// The path as the user gave it, for messages.
    pub name: String,
    values: Vec<Value>,
}

/// One decoded page of a paginated response, and where it sits in its file.
#[derive(Debug)]
pub struct Page<T> {
    pub value: T,
    /// `$` for a single page, `$[1]` for the second page of a slurped array, ...
    pub at: String,
}

impl JsonFile {
    /// Reads `path`: one JSON value, or several written one after another.
    pub fn read(path: &Path) -> Result<JsonFile, String> {
        let name = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("cannot read '{name}': {e}"))?;
        let mut values = Vec::new();
        for value in serde_json::Deserializer::from_str(&text).into_iter::<Value>() {
            values.push(value.map_err(|e| format!("{name}: not JSON: {e}"))?);
        }
        if values.is_empty() {
            return Err(format!("{name}: empty file (expected GitHub's JSON)"));
        }
        Ok(JsonFile { name, values })
    }

    /// The file as one object (an event payload, a single response).
    pub fn object<T: DeserializeOwned>(&self) -> Result<T, String> {
        match self.values.as_slice() {
            [one] => decode(&self.name, one, "$"),
            many => Err(format!("{}: {} JSON values, expected one object", self.name, many.len())),
        }
    }

    /// Pages of an endpoint that returns an array of `T`: one array, arrays concatenated, or
    /// an array of arrays. Items come out in file order.
    pub fn list<T: DeserializeOwned>(&self) -> Result<Vec<Page<T>>, String> {
        let mut items = Vec::new();
        for (at, value) in self.pages(Value::is_array) {
            let Value::Array(elements) = value else {
                return Err(format!(
                    "{}: {at}: expected an array, found {}",
                    self.name,
                    kind(value)
                ));
            };
            for (i, element) in elements.iter().enumerate() {
                let at = format!("{at}[{i}]");
                items.push(Page { value: decode(&self.name, element, &at)?, at });
            }
        }
        Ok(items)
    }

    /// Pages of an endpoint that returns an object per page: one object, objects
    /// concatenated, or an array of objects.
    pub fn object_pages<T: DeserializeOwned>(&self) -> Result<Vec<Page<T>>, String> {
        self.pages(Value::is_object)
            .into_iter()
            .map(|(at, value)| Ok(Page { value: decode(&self.name, value, &at)?, at }))
            .collect()
    }

    /// Whether a top-level object of the file, or an object in a top-level array, has `key`:
    /// tells apart two responses a file may hold (a combined status has `statuses`).
    pub fn has_key(&self, key: &str) -> bool {
        self.values.iter().any(|v| match v {
            Value::Object(map) => map.contains_key(key),
            Value::Array(elements) => {
                elements.iter().any(|e| e.as_object().is_some_and(|m| m.contains_key(key)))
            }
            _ => false,
        })
    }

    /// The pages of the file with their paths. A single top-level array whose elements are
    /// all pages (`is_page`) is a slurped file; otherwise each top-level value is a page.
    fn pages(&self, is_page: impl Fn(&Value) -> bool) -> Vec<(String, &Value)> {
        // A slurped file: one array whose elements are the pages (objects of an object
        // endpoint, or arrays of an array endpoint).
        if let [Value::Array(elements)] = self.values.as_slice()
            && !elements.is_empty()
            && (elements.iter().all(Value::is_array)
                || (!is_page(&self.values[0]) && elements.iter().all(&is_page)))
        {
            return elements.iter().enumerate().map(|(i, v)| (format!("$[{i}]"), v)).collect();
        }
        if self.values.len() == 1 {
            return vec![("$".to_string(), &self.values[0])];
        }
        self.values.iter().enumerate().map(|(i, v)| (format!("(value {}) $", i + 1), v)).collect()
    }
}

/// Decodes `value` as `T`; an error names the file and the JSON path of the bad field.
pub fn decode<T: DeserializeOwned>(file: &str, value: &Value, at: &str) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut path = at.to_string();
        for segment in e.path() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => {
                    let _ = write!(path, "[{index}]");
                }
                serde_path_to_error::Segment::Map { key } => {
                    let _ = write!(path, ".{key}");
                }
                serde_path_to_error::Segment::Enum { variant } => {
                    let _ = write!(path, ".{variant}");
                }
                serde_path_to_error::Segment::Unknown => path.push_str(".?"),
            }
        }
        format!("{file}: {path}: {}", e.inner())
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A GitHub account as it appears in reviews, events and team listings.
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub login: String,
}

/// An ISO 8601 timestamp as GitHub writes them (`2026-11-25T07:12:09Z`), read as an instant
/// so that pages and sources compare by time, not by text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub Instant);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Instant::parse_rfc3339(&text).map(Timestamp).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> JsonFile {
        let values = serde_json::Deserializer::from_str(text)
            .into_iter::<Value>()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        JsonFile { name: "f.json".into(), values }
    }

    #[test]
    fn lists_come_as_one_page_concatenated_pages_or_slurped_pages() {
        for text in [
            r#"[{"login":"a"},{"login":"b"}]"#,
            r#"[{"login":"a"}] [{"login":"b"}]"#,
            r#"[[{"login":"a"}],[{"login":"b"}]]"#,
        ] {
            let users: Vec<Page<User>> = file(text).list().unwrap();
            let logins: Vec<&str> = users.iter().map(|u| u.value.login.as_str()).collect();
            assert_eq!(logins, ["a", "b"], "{text}");
        }
        assert_eq!(file("[]").list::<User>().unwrap().len(), 0);
    }

    #[test]
    fn errors_name_the_json_path() {
        let err =
            file(r#"[[{"login":"a"}],[{"login":"b"},{"login":7}]]"#).list::<User>().unwrap_err();
        assert!(err.starts_with("f.json: $[1][1].login: invalid type: integer `7`"), "{err}");
        let err = file(r#"{"login":"a"}"#).list::<User>().unwrap_err();
        assert_eq!(err, "f.json: $: expected an array, found an object");
        let err = file(r#"{"x": 1}"#).object::<User>().unwrap_err();
        assert_eq!(err, "f.json: $: missing field `login`");
        let err = file(r#"{"login":"a"} {"login":"b"}"#).object::<User>().unwrap_err();
        assert!(err.contains("2 JSON values"), "{err}");
    }

    #[test]
    fn object_pages_come_single_concatenated_or_slurped() {
        for text in [r#"{"login":"a"}"#, r#"[{"login":"a"}]"#] {
            let pages: Vec<Page<User>> = file(text).object_pages().unwrap();
            assert_eq!(pages.len(), 1, "{text}");
        }
        let pages: Vec<Page<User>> = file(r#"{"login":"a"}{"login":"b"}"#).object_pages().unwrap();
        assert_eq!(pages[1].at, "(value 2) $");
    }

    #[test]
    fn timestamps_are_instants() {
        let t: Timestamp = serde_json::from_str(r#""2026-11-25T07:12:09Z""#).unwrap();
        assert_eq!(t.0.to_rfc3339(), "2026-11-25T07:12:09Z");
        assert!(serde_json::from_str::<Timestamp>(r#""yesterday""#).is_err());
    }
}
