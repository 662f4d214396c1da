//! `--since-from-git`: when a promoted value landed in its environment, read from the
//! repository's history with the `git` binary.
//!
//! The engine's soak gate needs `since[env]`, the time the source environment's artifact
//! landed there. In a repository that environments are deployed from, that is the time of
//! the commit that put the value on the line that sets it — the file and line `status` reports as the value's source. So, for
//! each value a promotion moves out of an environment:
//!
//! - `git log --first-parent -L<line>,<line>:<file>` lists the commits that changed that line,
//!   newest first, following the line as it moves. First-parent history is the branch's own:
//!   a change merged from a feature branch lands at the *merge*, not at the older commit on the
//!   branch (whose committer time may be days earlier — a soak measured from it would pass too
//!   soon). Squash and rebase merges get a fresh committer time and need nothing special.
//! - Walking back, the landing commit is the first one whose previous version of the line did
//!   not hold the value: a later edit of the same line that kept the value (a comment, the
//!   indentation) does not move `since`. Git prints no diff for a merge on the line; its
//!   previous version is then the next older commit's, and when that is unknown too the merge
//!   itself is taken — the later time, so a soak is never measured too long.
//! - The value must be on the line as written in a committed file: a modified or untracked
//!   file has no landing time yet, and leaves `since` unset (the soak gate then waits).
//! - A shallow clone cuts history: if the landing would be its boundary commit, the real one
//!   is unknown, and the command stops (exit 2) asking for the full history (`fetch-depth: 0`).
//!
//! An environment from which several values move gets the latest of their landing times.
//! The environments are the promotion's source and every other environment of the app that
//! has a pending promotion downstream; only the source's is read by the soak gate today.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use baton_core::Workspace;
use baton_core::gates::time::Instant;
use baton_core::promote::PromotionPlan;
use baton_core::status::AppStatus;

/// `since` per environment, and what to tell the user about it.
#[derive(Debug, Default)]
pub struct Derived {
    pub since: BTreeMap<String, String>,
    pub notes: Vec<String>,
}

/// One commit that changed the line, as `git log -L` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    commit: String,
    time: i64,
    parents: usize,
    /// Whether git printed the line's diff (it does not for merges).
    has_hunk: bool,
    before: Vec<String>,
    after: Vec<String>,
}

/// A container whose value moves: workload, container, image name.
type Moved = (String, String, String);

/// Where a value's landing was looked for, and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    Landed { commit: String, time: Instant },
    NotCommitted,
    NotOnLine,
}

/// Derives `since` for the environments values are promoted from (see the module doc).
pub fn since(
    root: &Path,
    workspace: &mut Workspace,
    plan: &PromotionPlan,
) -> Result<Derived, String> {
    let shallow = git(root, &["rev-parse", "--is-shallow-repository"])
        .map_err(|e| format!("--since-from-git: {e}"))?
        .trim()
        == "true";
    let status = workspace.status();
    let Some(app) = status.apps.iter().find(|a| a.name == plan.app) else {
        return Ok(Derived::default());
    };
    let mut derived = Derived::default();
    let mut looked_up: BTreeMap<(String, u32, String), Found> = BTreeMap::new();
    for (env, moved) in sources(app, plan) {
        let Some(env_status) = app.environments.iter().find(|e| e.name == env) else { continue };
        let mut latest: Option<(Instant, String)> = None;
        for (workload, container, name) in moved {
            let Some(image) = env_status
                .images
                .iter()
                .find(|i| i.workload == workload && i.container == container && i.name == name)
            else {
                continue;
            };
            let (Some(source), Some(value)) = (&image.source, image.version()) else { continue };
            let key = (source.file.clone(), source.line, value.to_string());
            let found = if let Some(found) = looked_up.get(&key) {
                found.clone()
            } else {
                let text = workspace.tree().text(&source.file).unwrap_or_default();
                let found = landing(root, &source.file, source.line, value, &text, shallow)?;
                looked_up.insert(key, found.clone());
                found
            };
            let at = format!("{}:{}", source.file, source.line);
            match found {
                Found::Landed { commit, time } => {
                    let short: String = commit.chars().take(12).collect();
                    let why = format!("commit {short} put {value} on {at}");
                    if latest.as_ref().is_none_or(|(t, _)| time > *t) {
                        latest = Some((time, why));
                    }
                }
                Found::NotCommitted => derived.notes.push(format!(
                    "since.{env}: {at} has changes not committed; its value has not landed yet"
                )),
                Found::NotOnLine => derived.notes.push(format!(
                    "since.{env}: {value} is not written on {at}; its landing is unknown"
                )),
            }
        }
        if let Some((time, why)) = latest {
            derived.notes.push(format!("since.{env} = {time} ({why})"));
            derived.since.insert(env, time.to_rfc3339());
        }
    }
    Ok(derived)
}

/// The environments values move out of, each with the containers (workload, container, image
/// name) that move: the plan's source first, then the app's other pending promotions.
fn sources(app: &AppStatus, plan: &PromotionPlan) -> Vec<(String, Vec<Moved>)> {
    let mut out: Vec<(String, Vec<Moved>)> = Vec::new();
    if let Some(from) = &plan.from {
        let moved = plan
            .changes
            .iter()
            .map(|c| (c.workload.clone(), c.container.clone(), c.name.clone()))
            .collect();
        out.push((from.clone(), moved));
    }
    for pending in &app.pending {
        if out.iter().any(|(env, _)| *env == pending.from) {
            continue;
        }
        let moved = pending
            .changes
            .iter()
            .map(|c| (c.workload.clone(), c.container.clone(), c.name.clone()))
            .collect();
        out.push((pending.from.clone(), moved));
    }
    out
}

/// When `value`, on 1-based `line` of `file` (whose current text is `text`), landed.
fn landing(
    root: &Path,
    file: &str,
    line: u32,
    value: &str,
    text: &str,
    shallow: bool,
) -> Result<Found, String> {
    let current = text.lines().nth(line.saturating_sub(1) as usize).unwrap_or("");
    if line == 0 || !holds(current, value) {
        return Ok(Found::NotOnLine);
    }
    let changed = git(root, &["status", "--porcelain", "--untracked-files=all", "--", file])?;
    if !changed.trim().is_empty() {
        return Ok(Found::NotCommitted);
    }
    let range = format!("-L{line},{line}:{file}");
    let log = git(
        root,
        &["log", "--first-parent", "--no-color", "--no-ext-diff", "--format=%x00%H %ct %P", &range],
    )?;
    let entries = parse_log(&log)?;
    let Some(index) = landing_index(&entries, value) else {
        return Ok(Found::NotCommitted);
    };
    let entry = &entries[index];
    if shallow && entry.parents == 0 {
        return Err(format!(
            "--since-from-git: the history of {file}:{line} ends at the shallow clone's boundary \
             (commit {}); fetch the full history (actions/checkout with fetch-depth: 0)",
            &entry.commit
        ));
    }
    Ok(Found::Landed { commit: entry.commit.clone(), time: Instant::from_unix(entry.time) })
}

/// The entry that put `value` on the line: the first, newest first, whose previous version
/// of the line did not hold it (see the module doc for merges).
fn landing_index(entries: &[Entry], value: &str) -> Option<usize> {
    for (i, entry) in entries.iter().enumerate() {
        let before = if entry.has_hunk {
            Some(&entry.before)
        } else {
            entries.get(i + 1).filter(|older| older.has_hunk).map(|older| &older.after)
        };
        match before {
            Some(lines) if lines.iter().any(|l| holds(l, value)) => {}
            _ => return Some(i),
        }
    }
    entries.len().checked_sub(1)
}

/// Whether `line` holds `value` as a whole token: `1.0` is not in `1.0.1`.
fn holds(line: &str, value: &str) -> bool {
    if value.is_empty() {
        return false;
    }
    let word = |c: char| c.is_ascii_alphanumeric() || "._-+".contains(c);
    line.match_indices(value).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + value.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// Parses `git log -L` output written with `--format=%x00%H %ct %P`.
fn parse_log(log: &str) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    for chunk in log.split('\0').skip(1) {
        let mut lines = chunk.lines();
        let header = lines.next().unwrap_or("");
        let mut fields = header.split_whitespace();
        let (Some(commit), Some(time)) = (fields.next(), fields.next()) else {
            return Err(format!("--since-from-git: unexpected `git log` output: {header}"));
        };
        let time = time.parse::<i64>().map_err(|_| {
            format!("--since-from-git: unexpected commit time in `git log`: {header}")
        })?;
        let mut entry = Entry {
            commit: commit.to_string(),
            time,
            parents: fields.count(),
            has_hunk: false,
            before: Vec::new(),
            after: Vec::new(),
        };
        for line in lines {
            if line.starts_with("@@") {
                entry.has_hunk = true;
            } else if !entry.has_hunk {
                // `diff --git`, `---`, `+++` headers before the hunk.
            } else if let Some(old) = line.strip_prefix('-') {
                entry.before.push(old.to_string());
            } else if let Some(new) = line.strip_prefix('+') {
                entry.after.push(new.to_string());
            }
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// When each of `paths` (directories of the repository) last changed: the committer time of
/// the last commit touching it, RFC 3339. A path no commit touches is left out.
pub fn last_changed(root: &Path, paths: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for path in paths {
        let time = git(root, &["log", "-1", "--format=%cI", "--", path])?;
        let time = time.trim();
        if !time.is_empty() {
            out.insert(path.clone(), time.to_string());
        }
    }
    Ok(out)
}

/// Runs `git ARGS` in `root` and returns its standard output.
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!("`git {}` failed: {}", args.join(" "), err.trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_whole_tokens() {
        assert!(holds("          image: reg/x:abc1234  # CI", "abc1234"));
        assert!(holds("  newTag: \"1.0\"", "1.0"));
        assert!(!holds("  newTag: 1.0.1", "1.0"));
        assert!(!holds("  newTag: v1.0", "1.0"));
        assert!(holds("image: x@sha256:0a1b", "sha256:0a1b"));
        assert!(!holds("anything", ""));
    }

    fn entry(commit: &str, hunk: Option<(&str, &str)>) -> Entry {
        Entry {
            commit: commit.into(),
            time: 0,
            parents: 1,
            has_hunk: hunk.is_some(),
            before: hunk.iter().filter(|h| !h.0.is_empty()).map(|h| h.0.to_string()).collect(),
            after: hunk.iter().map(|h| h.1.to_string()).collect(),
        }
    }

    #[test]
    fn the_landing_is_the_commit_that_brought_the_value() {
        let log = [
            entry("comment", Some(("tag: b # x", "tag: b # y"))),
            entry("bump", Some(("tag: a", "tag: b # x"))),
            entry("root", Some(("", "tag: a"))),
        ];
        assert_eq!(landing_index(&log, "b"), Some(1));
        assert_eq!(landing_index(&log, "a"), Some(0), "a is no longer on the line");
        // A merge (no hunk) whose older neighbour shows the previous value: the merge.
        let log = [entry("merge", None), entry("root", Some(("", "tag: a")))];
        assert_eq!(landing_index(&log, "b"), Some(0));
        // ... and one whose older neighbour already had the value: further back.
        let log = [entry("merge", None), entry("root", Some(("", "tag: b")))];
        assert_eq!(landing_index(&log, "b"), Some(1));
        // Two merges in a row: the later is taken.
        let log = [entry("m2", None), entry("m1", None), entry("root", Some(("", "tag: b")))];
        assert_eq!(landing_index(&log, "b"), Some(0));
        assert_eq!(landing_index(&[], "b"), None);
    }

    #[test]
    fn log_output_is_parsed() {
        let log = "\0aaa 100 p1\n\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -2,1 +2,1 @@\n-x: 1\n+x: 2\n\0bbb 50 \n\n\0ccc 10 \n\ndiff --git a/f b/f\n--- /dev/null\n+++ b/f\n@@ -0,0 +2,1 @@\n+x: 1\n";
        let entries = parse_log(log).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!((entries[0].time, entries[0].parents), (100, 1));
        assert_eq!(entries[0].before, ["x: 1"]);
        assert_eq!(entries[0].after, ["x: 2"]);
        assert!(!entries[1].has_hunk);
        assert_eq!(entries[2].parents, 0);
        assert!(entries[2].before.is_empty());
        assert!(parse_log("\0zzz\n").is_err());
    }
}
