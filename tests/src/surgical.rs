//! Is an edit surgical? An independent check of "every byte outside the changed scalars (and
//! inserted lines) stays as it was, comments included".
//!
//! The two texts are compared line by line (longest common subsequence). Each group of changed
//! lines must be explained by:
//! - a *modified* line: identical to its old version except for one scalar token (quotes
//!   included), which read an old version before and reads a new one after; the token may not
//!   reach into a comment;
//! - a *removed* line: a `newTag:` or `digest:` key of an `images:` entry holding an old value;
//! - an *inserted* line (or, in flow style, inserted text within a line): made only of the keys
//!   `images`, `name`, `newTag`, `digest`, the promoted names and values, and YAML punctuation.

/// The values an edit may remove and introduce.
#[derive(Debug, Clone, Default)]
pub struct Allowed {
    /// Versions (tags, digests) and full image references being replaced.
    pub old: Vec<String>,
    /// Versions and full image references being introduced.
    pub new: Vec<String>,
    /// Image names (registry/repository), which an inserted `name:` may carry and which an
    /// untagged image consists of.
    pub names: Vec<String>,
}

/// One line-level change group.
#[derive(Debug, Default)]
struct Hunk<'a> {
    removed: Vec<&'a str>,
    added: Vec<&'a str>,
}

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The groups of lines that differ, by longest common subsequence.
fn hunks<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<Hunk<'a>> {
    let (n, m) = (a.len(), b.len());
    // lcs[i][j] = LCS length of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] =
                if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    let mut current = Hunk::default();
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            if !current.removed.is_empty() || !current.added.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            current.added.push(b[j]);
            j += 1;
        } else {
            current.removed.push(a[i]);
            i += 1;
        }
    }
    if !current.removed.is_empty() || !current.added.is_empty() {
        out.push(current);
    }
    out
}

fn is_boundary(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\'' | '"' | ',' | '[' | ']' | '{' | '}' | '#')
}

fn unquote(token: &str) -> String {
    let t = token.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        t[1..t.len() - 1].replace("\\\"", "\"").replace("\\\\", "\\")
    } else if t.len() >= 2 && t.starts_with('\'') && t.ends_with('\'') {
        t[1..t.len() - 1].replace("''", "'")
    } else {
        t.to_string()
    }
}

fn matches_value(token: &str, values: &[String], names: &[String]) -> bool {
    let t = unquote(token);
    !t.is_empty()
        && (values
            .iter()
            .any(|v| t == *v || t.ends_with(&format!(":{v}")) || t.ends_with(&format!("@{v}")))
            || names.contains(&t))
}

/// Byte length of the common prefix of `a` and `b`, on a char boundary.
fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

/// Byte length of the common suffix of `a` and `b`, at most `limit` bytes, on a char boundary.
fn common_suffix(a: &str, b: &str, limit: usize) -> usize {
    let mut n = 0;
    for (x, y) in a.chars().rev().zip(b.chars().rev()) {
        if x != y || n + x.len_utf8() > limit {
            break;
        }
        n += x.len_utf8();
    }
    n
}

/// Text made only of allowed words and YAML punctuation.
fn only_allowed_words(text: &str, values: &[String], names: &[String]) -> bool {
    let mut words: Vec<String> =
        ["images", "name", "newTag", "digest"].iter().map(|s| (*s).to_string()).collect();
    for v in values.iter().chain(names) {
        words.push(format!("\"{v}\""));
        words.push(format!("'{v}'"));
        words.push(v.clone());
    }
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut rest = text.to_string();
    for w in &words {
        if !w.is_empty() {
            rest = rest.replace(w.as_str(), " ");
        }
    }
    rest.chars().all(|c| {
        c.is_whitespace() || matches!(c, '-' | ':' | '{' | '}' | '[' | ']' | ',' | '"' | '\'')
    })
}

/// Whether `after` is `before` with one scalar token changed from an old to a new value.
fn modification_ok(before: &str, after: &str, allowed: &Allowed) -> Result<(), String> {
    // The last line of a file without a final line break may gain one (lines were appended).
    let after =
        if before.ends_with('\n') { after } else { after.strip_suffix('\n').unwrap_or(after) };
    if before == after {
        return Ok(());
    }
    let p = common_prefix(before, after);
    let s = common_suffix(&before[p..], &after[p..], (before.len() - p).min(after.len() - p));
    let (mid_b, mid_a) = (&before[p..before.len() - s], &after[p..after.len() - s]);
    if mid_b.contains('#') || mid_a.contains('#') {
        return Err(format!("the change reaches a comment: {before:?} -> {after:?}"));
    }
    if before.contains('{') || before.contains('[') {
        return flow_ok(before, after, allowed);
    }
    if mid_b.trim().is_empty() && mid_a.trim().is_empty() {
        return Err(format!("whitespace changed: {before:?} -> {after:?}"));
    }
    // Expand the changed region to whole tokens.
    let start = before[..p]
        .char_indices()
        .rev()
        .find(|(_, c)| is_boundary(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end_b = before.len() - s + before[before.len() - s..].find(is_boundary).unwrap_or(s);
    let end_a = after.len() - s + after[after.len() - s..].find(is_boundary).unwrap_or(s);
    let (tok_b, tok_a) = (&before[start..end_b], &after[start..end_a]);
    if tok_b.contains(char::is_whitespace) || tok_a.contains(char::is_whitespace) {
        return Err(format!("whitespace changed around a value: {before:?} -> {after:?}"));
    }
    if !matches_value(tok_b, &allowed.old, &allowed.names) {
        return Err(format!(
            "replaced text {tok_b:?} is not an old value ({:?}) in {before:?}",
            allowed.old
        ));
    }
    if !matches_value(tok_a, &allowed.new, &allowed.names) {
        return Err(format!(
            "new text {tok_a:?} is not a promoted value ({:?}) in {after:?}",
            allowed.new
        ));
    }
    Ok(())
}

/// Words (runs of non-boundary characters) and single boundary characters.
fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if is_boundary(c) {
            if let Some(s) = start.take() {
                out.push(&line[s..i]);
            }
            out.push(&line[i..i + c.len_utf8()]);
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(&line[s..]);
    }
    out
}

/// A flow-style line: a token-level diff whose removed tokens are old values, keys or
/// punctuation, and whose added tokens are new values, names, keys or punctuation.
fn flow_ok(before: &str, after: &str, allowed: &Allowed) -> Result<(), String> {
    let (a, b) = (tokens(before), tokens(after));
    let keys = ["images", "name:", "newTag:", "digest:", "name", "newTag", "digest"];
    let ok = |t: &str, values: &[String]| {
        t.chars().all(|c| {
            c.is_whitespace() || matches!(c, '-' | ':' | '{' | '}' | '[' | ']' | ',' | '"' | '\'')
        }) || keys.contains(&t)
            || values.iter().any(|v| v == t)
            || allowed.names.iter().any(|n| n == t)
    };
    let (mut removed, mut added): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    for hunk in hunks(&a, &b) {
        removed.extend(hunk.removed);
        added.extend(hunk.added);
    }
    // A token the alignment reports as both removed and added did not change.
    removed.retain(|t| match added.iter().position(|u| u == t) {
        Some(i) => {
            added.remove(i);
            false
        }
        None => true,
    });
    if let Some(t) = removed.iter().find(|t| !ok(t, &allowed.old)) {
        return Err(format!("flow-style change removes {t:?}: {before:?} -> {after:?}"));
    }
    if let Some(t) = added.iter().find(|t| !ok(t, &allowed.new)) {
        return Err(format!("flow-style change adds {t:?}: {before:?} -> {after:?}"));
    }
    Ok(())
}

fn removal_ok(line: &str, allowed: &Allowed) -> bool {
    let t = line.trim().trim_start_matches("- ");
    ["newTag:", "digest:"]
        .iter()
        .any(|k| t.starts_with(k) && matches_value(t[k.len()..].trim(), &allowed.old, &[]))
}

fn insertion_ok(line: &str, allowed: &Allowed) -> bool {
    only_allowed_words(line, &allowed.new, &allowed.names)
}

/// Checks that `after` differs from `before` only as an image promotion may.
pub fn check(before: &str, after: &str, allowed: &Allowed) -> Result<(), String> {
    if before == after {
        return Err("the edit changes nothing".into());
    }
    let (a, b) = (lines(before), lines(after));
    for hunk in hunks(&a, &b) {
        let mut used = vec![false; hunk.added.len()];
        for removed in &hunk.removed {
            let mut why = None;
            let mut matched = false;
            for (k, added) in hunk.added.iter().enumerate() {
                if used[k] {
                    continue;
                }
                match modification_ok(removed, added, allowed) {
                    Ok(()) => {
                        used[k] = true;
                        matched = true;
                        break;
                    }
                    Err(e) => {
                        why.get_or_insert(e);
                    }
                }
            }
            if !matched && !removal_ok(removed, allowed) {
                return Err(why.unwrap_or_else(|| format!("line removed: {removed:?}")));
            }
        }
        for (k, added) in hunk.added.iter().enumerate() {
            if !used[k] && !insertion_ok(added, allowed) {
                return Err(format!("inserted line is not part of an images entry: {added:?}"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Allowed {
        Allowed {
            old: vec!["9f8e7d6".into(), "v1".into()],
            new: vec!["abc1234".into(), "1234567".into()],
            names: vec!["reg.io/app".into()],
        }
    }

    #[test]
    fn accepts_a_scalar_change_that_keeps_the_comment() {
        let before = "a: 1\nimage: reg.io/app:9f8e7d6  # CI\nb: 2\n";
        let after = "a: 1\nimage: reg.io/app:abc1234  # CI\nb: 2\n";
        check(before, after, &allowed()).unwrap();
        check("newTag: v1\n", "newTag: \"1234567\"\n", &allowed()).unwrap();
    }

    #[test]
    fn accepts_a_change_on_a_last_line_that_gains_a_line_break() {
        let before = "a: 1\nimage: reg.io/app:9f8e7d6  # CI";
        let after = "a: 1\nimage: reg.io/app:abc1234  # CI\nimages:\n- name: reg.io/app\n  newTag: abc1234\n";
        check(before, after, &allowed()).unwrap();
    }

    #[test]
    fn accepts_inserted_entries() {
        let before = "resources:\n- ../base";
        let after = "resources:\n- ../base\nimages:\n- name: reg.io/app\n  newTag: abc1234\n";
        check(before, after, &allowed()).unwrap();
    }

    #[test]
    fn rejects_a_lost_comment_or_reindent() {
        let before = "image: reg.io/app:9f8e7d6  # CI\n";
        assert!(check(before, "image: reg.io/app:abc1234\n", &allowed()).is_err());
        assert!(
            check(
                "x:\n  image: reg.io/app:9f8e7d6\n",
                "x:\n   image: reg.io/app:abc1234\n",
                &allowed()
            )
            .is_err()
        );
        assert!(
            check(
                "a: 1\nimage: reg.io/app:9f8e7d6\n",
                "a: 2\nimage: reg.io/app:abc1234\n",
                &allowed()
            )
            .is_err()
        );
    }
}
