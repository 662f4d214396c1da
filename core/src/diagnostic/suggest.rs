//! "Did you mean …?": the one measure of how close two names are, for diagnostics that
//! suggest the name the user probably meant (a Flux policy, a kustomize image).

/// Longest name compared, in characters: names past it are never "close" (the distance is
/// quadratic in the length, and a user's typo is in a short name).
const MAX_CHARS: usize = 253;

/// Levenshtein distance between `a` and `b` in characters, or `usize::MAX` when either is
/// longer than [`MAX_CHARS`] or their lengths differ by more than `max` (then the distance
/// exceeds `max` anyway, and is not computed).
#[must_use]
pub fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > max || a.len() > MAX_CHARS || b.len() > MAX_CHARS {
        return usize::MAX;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("range", "range", 2), 0);
        assert_eq!(edit_distance("range", "rnge", 2), 1);
        assert_eq!(edit_distance("range", "ranges", 2), 1);
        assert_eq!(edit_distance("range", "rangX", 2), 1);
        assert_eq!(edit_distance("kitten", "sitting", 3), 3);
        assert_eq!(edit_distance("é", "e", 1), 1, "characters, not bytes");
        assert_eq!(edit_distance("a", "abcd", 2), usize::MAX, "lengths too far apart");
        assert_eq!(edit_distance(&"x".repeat(300), &"x".repeat(300), 2), usize::MAX);
    }
}
