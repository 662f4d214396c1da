//! Path globs for `spec.apps`: `*` and `?` within one segment, `**` across segments,
//! `[abc]` character classes. Small on purpose: a glob crate costs ~180 KB of wasm.

/// Whether `path` (a `/`-separated repository path) matches `pattern`.
#[must_use]
pub fn matches(pattern: &str, path: &str) -> bool {
    let pattern: Vec<&str> =
        pattern.trim_matches('/').split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    let path: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match_segments(&pattern, &path)
}

fn match_segments(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| match_segments(rest, &path[skip..])),
        Some((first, rest)) => path.split_first().is_some_and(|(p, path_rest)| {
            match_segment(first, p) && match_segments(rest, path_rest)
        }),
    }
}

/// Matches one segment against `*`, `?` and `[...]` wildcards (iteratively, with
/// backtracking on the last `*`, so hostile patterns stay linear-ish).
fn match_segment(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '[' => {
                    if let Some((matched, next)) = class(&p, pi, t[ti])
                        && matched
                    {
                        pi = next;
                        ti += 1;
                        continue;
                    }
                }
                c if c == t[ti] => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Evaluates a `[...]` class at `p[start]`: `(matched, index after the class)`.
fn class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let first = i;
    while i < p.len() && (p[i] != ']' || i == first) {
        if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|&e| e != ']') {
            matched |= p[i] <= c && c <= p[i + 2];
            i += 3;
        } else {
            matched |= p[i] == c;
            i += 1;
        }
    }
    (i < p.len()).then_some((matched != negate, i + 1))
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn globs() {
        assert!(matches("apps/*", "apps/payment-service"));
        assert!(!matches("apps/*", "apps/payment-service/base"));
        assert!(matches("apps/**", "apps/a/b"));
        assert!(matches("**/apps/*", "teams/x/apps/web"));
        assert!(matches("apps/pay*", "apps/payment"));
        assert!(!matches("apps/pay*", "apps/web"));
        assert!(matches("apps/?eb", "apps/web"));
        assert!(matches("apps/[a-w]eb", "apps/web"));
        assert!(!matches("apps/[!w]eb", "apps/web"));
        assert!(matches("./apps/*/", "apps/web"));
        assert!(!matches("a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    }
}
