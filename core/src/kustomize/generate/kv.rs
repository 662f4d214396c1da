//! Key/value pairs for a generator, read the way kustomize's `kv.loader` reads them.
//!
//! Sources are read in kustomize's order — every `envs` file, then `literals`, then `files` —
//! because that order decides which entry is "the repeat" when a key appears twice. The
//! parsing rules are kustomize's, quirks included, each pinned by a test:
//!
//! - a literal is `key=value` split at the first `=`; one pair of matching surrounding quotes
//!   is removed from the value;
//! - a file entry is `path` (key: the file name) or `key=path`; a file that is not UTF-8
//!   stays bytes (the `ConfigMap` puts it in `binaryData`);
//! - an env file is read line by line (`\r\n` accepted, a UTF-8 byte-order mark skipped on
//!   the first line); leading whitespace is trimmed, blank lines and `#` comments are skipped,
//!   the key is everything before the first `=` (trailing spaces included), a line without
//!   `=` has an empty value, and quotes are kept.
//!
//! kustomize v5.8.1 validates no keys (its validator is a stub), so neither do we; keys the
//! Kubernetes API will refuse, and lines kustomize silently drops, get a warning instead.

use crate::diagnostic::{Code, Diagnostic};
use crate::kustomize::context::{Builder, Built};
use crate::kustomize::kustomization::{GeneratorArgs, Kustomization, Str};
use crate::source::Raw;
use crate::yaml::Origin;

/// One generated entry: its key, its content, and the kustomization entry it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Pair {
    pub key: String,
    pub value: Value,
    pub origin: Origin,
}

/// A value: text, or bytes that are not UTF-8 (only file contents can be).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    Text(String),
    Bytes(Vec<u8>),
}

/// Longest env-file line Go's `bufio.Scanner` reads (its token limit of 65 536 bytes,
/// newline included); kustomize stops reading the file, without an error, at a longer one.
const MAX_ENV_LINE: usize = 64 * 1024 - 1;

/// Every pair of a generator, in kustomize's order: env files, literals, files.
pub(super) fn load(
    b: &mut Builder,
    dir: &str,
    k: &Kustomization,
    args: &GeneratorArgs,
) -> Built<Vec<Pair>> {
    let mut pairs = Vec::new();
    for entry in &args.envs {
        pairs.extend(env_file_pairs(b, dir, k, entry)?);
    }
    for entry in &args.literals {
        pairs.push(literal_pair(b, k, entry)?);
    }
    for entry in &args.files {
        pairs.push(file_pair(b, dir, k, entry)?);
    }
    Ok(pairs)
}

fn literal_pair(b: &mut Builder, k: &Kustomization, entry: &Str) -> Built<Pair> {
    match parse_literal(&entry.value) {
        Some((key, value)) => {
            Ok(Pair { key, value: Value::Text(value), origin: entry.origin.clone() })
        }
        None => b.fail(
            Diagnostic::new(
                Code::GeneratorInvalid,
                format!("invalid literal source {}, expected key=value", entry.value),
            )
            .at(&k.file, entry.span())
            .with_help("a literal is `KEY=value`; the key must not be empty"),
        ),
    }
}

/// kustomize's `parseLiteralSource`: split at the first `=`, which must not come first.
pub(super) fn parse_literal(source: &str) -> Option<(String, String)> {
    let (key, value) = source.split_once('=')?;
    if key.is_empty() {
        return None;
    }
    Some((key.to_string(), remove_quotes(value).to_string()))
}

/// Removes one pair of quotes (`"…"` or `'…'`) surrounding the whole value.
fn remove_quotes(value: &str) -> &str {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last))
            if bytes.len() >= 2 && first == last && (first == b'"' || first == b'\'') =>
        {
            &value[1..value.len() - 1]
        }
        _ => value,
    }
}

fn file_pair(b: &mut Builder, dir: &str, k: &Kustomization, entry: &Str) -> Built<Pair> {
    let (key, path) = match parse_file_source(&entry.value) {
        Ok(parsed) => parsed,
        Err(message) => {
            return b.fail(
                Diagnostic::new(Code::GeneratorInvalid, message)
                    .at(&k.file, entry.span())
                    .with_help("a file source is `path` (the key is the file name) or `key=path`"),
            );
        }
    };
    let value = match read(b, dir, k, entry, &path)? {
        Raw::Text(text) => Value::Text(text.to_string()),
        Raw::Bytes(bytes) => Value::Bytes(bytes.to_vec()),
    };
    Ok(Pair { key, value, origin: entry.origin.clone() })
}

/// kustomize's `ParseFileSource`: `path` or `key=path`, with at most one `=`.
pub(super) fn parse_file_source(source: &str) -> Result<(String, String), String> {
    match source.matches('=').count() {
        0 => Ok((go_path_base(source), source.to_string())),
        1 if source.starts_with('=') => {
            let path = &source[1..];
            Err(format!("missing key name for file path {path:?} in source {source:?}"))
        }
        1 if source.ends_with('=') => {
            let key = &source[..source.len() - 1];
            Err(format!("missing file path for key name {key:?} in source {source:?}"))
        }
        1 => {
            let (key, path) = source.split_once('=').unwrap_or_default();
            Ok((key.to_string(), path.to_string()))
        }
        _ => Err(format!("source {source:?} key name or file path contains '='")),
    }
}

/// Go's `path.Base`: the last element, trailing slashes ignored.
fn go_path_base(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Reads a generator input file, which must lie in or below the kustomization's directory.
fn read(b: &mut Builder, dir: &str, k: &Kustomization, entry: &Str, path: &str) -> Built<Raw> {
    let target = Str::new(path.to_string(), entry.origin.clone());
    let resolved = b.resolve(dir, k, &target)?;
    if b.source.is_dir(&resolved) && !b.source.is_file(&resolved) {
        return b.fail(
            Diagnostic::new(
                Code::GeneratorInvalid,
                format!("'{path}' must resolve to a file, not a directory"),
            )
            .at(&k.file, entry.span())
            .with_help("kustomize reads one file per entry; list each file of the directory"),
        );
    }
    let resolved = b.resolve_file(dir, k, &target)?;
    match b.source.raw(&resolved, Some((&k.file, entry.span()))) {
        Ok(raw) => Ok(raw),
        Err(d) => b.fail(*d),
    }
}

fn env_file_pairs(b: &mut Builder, dir: &str, k: &Kustomization, entry: &Str) -> Built<Vec<Pair>> {
    let bytes = match read(b, dir, k, entry, &entry.value)? {
        Raw::Text(text) => text.as_bytes().to_vec(),
        Raw::Bytes(bytes) => bytes.to_vec(),
    };
    let parsed = parse_env(&bytes);
    if let Some(line) = parsed.invalid_utf8_line {
        return b.fail(
            Diagnostic::new(
                Code::GeneratorInvalid,
                format!("line {line} of env file '{}' is not valid UTF-8", entry.value),
            )
            .at(&k.file, entry.span())
            .with_help("env files are text: one KEY=value per line"),
        );
    }
    for line in &parsed.empty_keys {
        b.diagnostics.push(
            Diagnostic::new(
                Code::GeneratorSuspicious,
                format!(
                    "line {line} of env file '{}' has no key before '='; kustomize ignores it",
                    entry.value
                ),
            )
            .at(&k.file, entry.span()),
        );
    }
    if let Some(line) = parsed.stopped_at {
        b.diagnostics.push(
            Diagnostic::new(
                Code::GeneratorSuspicious,
                format!(
                    "line {line} of env file '{}' is longer than {MAX_ENV_LINE} bytes; kustomize stops reading the file there and ignores the rest",
                    entry.value
                ),
            )
            .at(&k.file, entry.span()),
        );
    }
    Ok(parsed
        .pairs
        .into_iter()
        .map(|(key, value)| Pair { key, value: Value::Text(value), origin: entry.origin.clone() })
        .collect())
}

/// What an env file holds, as kustomize reads it. Line numbers are 1-based.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct EnvFile {
    pub pairs: Vec<(String, String)>,
    /// Lines like `=value`, which kustomize skips as if they were comments.
    pub empty_keys: Vec<usize>,
    /// The first line with invalid UTF-8 (an error in kustomize).
    pub invalid_utf8_line: Option<usize>,
    /// A line too long for Go's line scanner, where kustomize silently stops.
    pub stopped_at: Option<usize>,
}

/// kustomize's `keyValuesFromLines`.
pub(super) fn parse_env(content: &[u8]) -> EnvFile {
    let mut out = EnvFile::default();
    for (index, raw_line) in scan_lines(content).enumerate() {
        let number = index + 1;
        if raw_line.len() > MAX_ENV_LINE {
            out.stopped_at = Some(number);
            break;
        }
        let line = raw_line.strip_suffix(b"\r").unwrap_or(raw_line);
        let Ok(mut line) = std::str::from_utf8(line) else {
            out.invalid_utf8_line = Some(number);
            break;
        };
        if index == 0 {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        let line = line.trim_start_matches(char::is_whitespace);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        if key.is_empty() {
            out.empty_keys.push(number);
            continue;
        }
        out.pairs.push((key.to_string(), value.to_string()));
    }
    out
}

/// Lines as Go's `bufio.ScanLines` yields them (before its `\r` removal): split at `\n`,
/// with no empty line after a final newline.
fn scan_lines(content: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = content.strip_suffix(b"\n").unwrap_or(content);
    let empty = content.is_empty();
    body.split(|&b| b == b'\n').filter(move |_| !empty)
}

/// Kubernetes' `IsConfigMapKey`: why the API server would refuse this key, if it would.
pub(super) fn invalid_key_reason(key: &str) -> Option<&'static str> {
    if key.len() > 253 {
        return Some("it is longer than 253 characters");
    }
    if key.is_empty()
        || !key.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    {
        return Some("a key must consist of alphanumeric characters, '-', '_' or '.'");
    }
    if key == "." || key == ".." || key.starts_with("..") {
        return Some("a key must not be '.' or '..' or start with '..'");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_split_at_the_first_equals_and_lose_one_pair_of_quotes() {
        let p = |s: &str| parse_literal(s).map(|(k, v)| format!("{k}|{v}"));
        assert_eq!(p("A=b=c").as_deref(), Some("A|b=c"));
        assert_eq!(p("A=\"quoted value\"").as_deref(), Some("A|quoted value"));
        assert_eq!(p("A='single'").as_deref(), Some("A|single"));
        assert_eq!(p("A=\"mismatched'").as_deref(), Some("A|\"mismatched'"));
        assert_eq!(p("A=\"").as_deref(), Some("A|\""));
        assert_eq!(p("A=\"\"").as_deref(), Some("A|"));
        assert_eq!(p("A= padded").as_deref(), Some("A| padded"));
        assert_eq!(p("A=").as_deref(), Some("A|"));
        assert_eq!(p("bad key!=x").as_deref(), Some("bad key!|x"));
        assert_eq!(p("novalue"), None);
        assert_eq!(p("=x"), None);
    }

    #[test]
    fn file_sources_like_kustomize() {
        assert_eq!(parse_file_source("d/a.txt").unwrap(), ("a.txt".into(), "d/a.txt".into()));
        assert_eq!(parse_file_source("k=d/a.txt").unwrap(), ("k".into(), "d/a.txt".into()));
        assert_eq!(parse_file_source("dir/").unwrap(), ("dir".into(), "dir/".into()));
        assert_eq!(
            parse_file_source("=d/a.txt").unwrap_err(),
            "missing key name for file path \"d/a.txt\" in source \"=d/a.txt\""
        );
        assert_eq!(
            parse_file_source("k=").unwrap_err(),
            "missing file path for key name \"k\" in source \"k=\""
        );
        assert_eq!(
            parse_file_source("a=b=c").unwrap_err(),
            "source \"a=b=c\" key name or file path contains '='"
        );
        assert_eq!(go_path_base(""), ".");
        assert_eq!(go_path_base("///"), "/");
    }

    #[test]
    fn env_files_like_kustomize() {
        let text = "\u{feff}A=1\r\nB=2\r\n=skipped\n  C = 3 \n#c\n   # indented\n\nD\n\tE=tab\nQ=\"kept\"\nX=y=z";
        let env = parse_env(text.as_bytes());
        let pairs: Vec<String> = env.pairs.iter().map(|(k, v)| format!("{k}|{v}")).collect();
        assert_eq!(pairs, ["A|1", "B|2", "C | 3 ", "D|", "E|tab", "Q|\"kept\"", "X|y=z"]);
        assert_eq!(env.empty_keys, [3]);
        assert_eq!(env.invalid_utf8_line, None);
    }

    #[test]
    fn env_byte_order_mark_only_on_the_first_line() {
        let env = parse_env("A=1\n\u{feff}B=2\n".as_bytes());
        assert_eq!(env.pairs[1].0, "\u{feff}B");
    }

    #[test]
    fn env_invalid_utf8_and_long_lines() {
        let env = parse_env(b"A=1\nB=\xff\nC=3\n");
        assert_eq!(env.invalid_utf8_line, Some(2));
        let mut long = b"A=1\nB=".to_vec();
        long.extend(std::iter::repeat_n(b'x', MAX_ENV_LINE));
        long.extend(b"\nC=3\n");
        let env = parse_env(&long);
        assert_eq!(env.pairs.len(), 1);
        assert_eq!(env.stopped_at, Some(2));
        let mut fits = b"B=".to_vec();
        fits.extend(std::iter::repeat_n(b'x', MAX_ENV_LINE - 2));
        assert_eq!(parse_env(&fits).pairs.len(), 1);
    }

    #[test]
    fn empty_env_file_and_trailing_newlines() {
        assert!(parse_env(b"").pairs.is_empty());
        assert_eq!(parse_env(b"A=1\n\n").pairs.len(), 1);
        assert_eq!(parse_env(b"\n").pairs.len(), 0);
    }

    #[test]
    fn kubernetes_key_rules() {
        assert_eq!(invalid_key_reason("app.properties"), None);
        assert_eq!(invalid_key_reason("KEY_1-x"), None);
        assert!(invalid_key_reason("bad key!").is_some());
        assert!(invalid_key_reason("SPACES ").is_some());
        assert!(invalid_key_reason("..x").is_some());
        assert!(invalid_key_reason(".").is_some());
        assert_eq!(invalid_key_reason(".hidden"), None);
        assert!(invalid_key_reason(&"a".repeat(254)).is_some());
    }
}
