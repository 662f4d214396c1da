//! Unified diffs of two texts, as `diff -u` and `git diff` print them.
//!
//! Promotions are reviewed as diffs, so the output has to be the one people already read:
//! `---`/`+++` headers, `@@ -l,s +l,s @@` hunks (with the `-l,0` form for an empty side and
//! the count omitted when it is 1), and `\ No newline at end of file` after a last line that
//! has no newline. A line's terminator is part of the line, so `a` and `a\n` differ, exactly as
//! in GNU diff.
//!
//! The edit script comes from Myers' O(ND) algorithm in its linear-space form (the
//! divide-and-conquer "middle snake" search), shaped after GNU diffutils' `diffseq.h`:
//!
//! - Lines are interned to integers once, and lines that occur on only one side are taken out
//!   before the search: they can never be part of a common subsequence, so removing them keeps
//!   the diff minimal while two files that "differ everywhere" cost nothing at all.
//! - Memory is linear: two diagonal vectors of `N + M + 3` entries, and an explicit work stack
//!   instead of recursion (so a deep split can't overflow a wasm stack).
//! - Time is bounded: once a middle-snake search has spent more than about `sqrt(N + M)` edit
//!   steps (at least [`MIN_COST_LIMIT`]), it stops and splits at the furthest point reached, as
//!   GNU diff does without `--minimal`. The result is still a correct edit script, just not
//!   necessarily the shortest one, and only for inputs that are pathological to begin with.
//! - Afterwards runs of changes are slid to a canonical position (GNU's `shift_boundaries`,
//!   which git's compaction also follows): as far down as they go, unless sliding up lines them
//!   up with a change on the other side. That makes our hunks agree with `diff -u` whenever the
//!   choice is the usual "which of these identical lines moved" ambiguity.
//!
//! Hunks merge when at most `2 * context` unchanged lines separate two changes, the rule both
//! GNU diff and git use.

use std::fmt::Write as _;

/// Lines of context `diff -u` and `git diff` show by default.
pub const DEFAULT_CONTEXT: usize = 3;

/// Fewest edit steps a middle-snake search may take before it settles for a good split instead
/// of the best one. Larger inputs get about `sqrt(N + M)` steps.
pub const MIN_COST_LIMIT: usize = 256;

/// A unified diff from `old` to `new`, or an empty string when the texts are equal.
///
/// `old_name` and `new_name` go into the `---` and `+++` headers as given (pass `a/path` and
/// `b/path` for git's style, or `/dev/null` for a created or deleted file). `context` is the
/// number of unchanged lines shown around each change ([`DEFAULT_CONTEXT`] is the usual 3).
#[must_use]
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str, context: usize) -> String {
    if old == new {
        return String::new();
    }
    let script = Script::compute(old, new);
    let mut out = String::new();
    let _ = writeln!(out, "--- {old_name}");
    let _ = writeln!(out, "+++ {new_name}");
    for hunk in script.hunks(context) {
        script.render(&hunk, &mut out);
    }
    out
}

/// How many lines a diff from `old` to `new` adds and removes: `(added, removed)`, the
/// numbers `git diff --numstat` reports.
#[must_use]
pub fn line_changes(old: &str, new: &str) -> (usize, usize) {
    if old == new {
        return (0, 0);
    }
    let script = Script::compute(old, new);
    let added = script.new_changed.iter().filter(|&&c| c).count();
    let removed = script.old_changed.iter().filter(|&&c| c).count();
    (added, removed)
}

/// Both texts split into lines (terminators included) and which lines the edit script changes.
struct Script<'t> {
    old: Vec<&'t str>,
    new: Vec<&'t str>,
    old_changed: Vec<bool>,
    new_changed: Vec<bool>,
}

/// One run of changes: old lines `old.0..old.1` become new lines `new.0..new.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Change {
    old: (usize, usize),
    new: (usize, usize),
}

/// Changes close enough to share a hunk, and the hunk's extent in both files.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hunk {
    changes: Vec<Change>,
    old: (usize, usize),
    new: (usize, usize),
}

impl<'t> Script<'t> {
    fn compute(old: &'t str, new: &'t str) -> Self {
        let old: Vec<&str> = old.split_inclusive('\n').collect();
        let new: Vec<&str> = new.split_inclusive('\n').collect();
        let (a, b) = intern(&old, &new);
        let (mut old_changed, mut new_changed) = edit_script(&a, &b);
        shift_boundaries(&a, &mut old_changed, &new_changed);
        shift_boundaries(&b, &mut new_changed, &old_changed);
        Script { old, new, old_changed, new_changed }
    }

    /// The runs of changes, in order.
    fn changes(&self) -> Vec<Change> {
        let (n, m) = (self.old.len(), self.new.len());
        let (mut i, mut j) = (0, 0);
        let mut changes = Vec::new();
        while i < n || j < m {
            let old_start = i;
            let new_start = j;
            while i < n && self.old_changed[i] {
                i += 1;
            }
            while j < m && self.new_changed[j] {
                j += 1;
            }
            if i == old_start && j == new_start {
                // An unchanged line on both sides (the two are equal).
                i += 1;
                j += 1;
            } else {
                changes.push(Change { old: (old_start, i), new: (new_start, j) });
            }
        }
        changes
    }

    /// Groups changes into hunks with `context` lines around them.
    fn hunks(&self, context: usize) -> Vec<Hunk> {
        let mut hunks: Vec<Hunk> = Vec::new();
        for change in self.changes() {
            if let Some(last) = hunks.last_mut()
                && let Some(prev) = last.changes.last()
                && change.old.0 - prev.old.1 <= context.saturating_mul(2)
            {
                last.changes.push(change);
                continue;
            }
            hunks.push(Hunk { changes: vec![change], old: (0, 0), new: (0, 0) });
        }
        for hunk in &mut hunks {
            let (Some(first), Some(last)) = (hunk.changes.first(), hunk.changes.last()) else {
                continue;
            };
            let before = context.min(first.old.0);
            let after = context.min(self.old.len() - last.old.1);
            hunk.old = (first.old.0 - before, last.old.1 + after);
            hunk.new = (first.new.0 - before, last.new.1 + after);
        }
        hunks
    }

    fn render(&self, hunk: &Hunk, out: &mut String) {
        let _ = writeln!(out, "@@ -{} +{} @@", range(hunk.old), range(hunk.new));
        let mut i = hunk.old.0;
        for change in &hunk.changes {
            for line in &self.old[i..change.old.0] {
                push_line(out, ' ', line);
            }
            for line in &self.old[change.old.0..change.old.1] {
                push_line(out, '-', line);
            }
            for line in &self.new[change.new.0..change.new.1] {
                push_line(out, '+', line);
            }
            i = change.old.1;
        }
        for line in &self.old[i..hunk.old.1] {
            push_line(out, ' ', line);
        }
    }
}

/// A hunk header range: `start,count` (1-based), `start` alone when the count is 1, and the
/// line *before* the hunk when the count is 0 (`0,0` for an empty file).
fn range((start, end): (usize, usize)) -> String {
    match end - start {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        count => format!("{},{count}", start + 1),
    }
}

fn push_line(out: &mut String, prefix: char, line: &str) {
    out.push(prefix);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

/// Maps each distinct line to a small integer (`0..distinct`), so the search compares
/// integers: equal lines get equal numbers, found by sorting the lines.
fn intern(old: &[&str], new: &[&str]) -> (Vec<u32>, Vec<u32>) {
    let lines: Vec<&str> = old.iter().chain(new).copied().collect();
    let mut order: Vec<usize> = (0..lines.len()).collect();
    crate::sort::sort_by(&mut order, |&x, &y| lines[x].cmp(lines[y]));
    let mut ids = vec![0; lines.len()];
    let mut id = 0;
    for (k, &i) in order.iter().enumerate() {
        if k > 0 && lines[order[k - 1]] != lines[i] {
            id += 1;
        }
        ids[i] = id;
    }
    let b = ids.split_off(old.len());
    (ids, b)
}

/// Which lines of `a` are deleted and which of `b` inserted by a (near-)shortest edit script.
fn edit_script(a: &[u32], b: &[u32]) -> (Vec<bool>, Vec<bool>) {
    let len = a.iter().chain(b).map(|&id| id as usize + 1).max().unwrap_or(0);
    let (mut in_a, mut in_b) = (vec![false; len], vec![false; len]);
    for &id in a {
        in_a[id as usize] = true;
    }
    for &id in b {
        in_b[id as usize] = true;
    }
    // Lines with no partner on the other side are changes whatever the search finds.
    let (keep_a, ra) = partnered(a, &in_b);
    let (keep_b, rb) = partnered(b, &in_a);

    let mut search = Myers::new(&ra, &rb);
    search.run();

    let mut a_changed = vec![true; a.len()];
    let mut b_changed = vec![true; b.len()];
    for (k, &i) in keep_a.iter().enumerate() {
        a_changed[i] = search.a_changed[k];
    }
    for (k, &j) in keep_b.iter().enumerate() {
        b_changed[j] = search.b_changed[k];
    }
    (a_changed, b_changed)
}

/// The positions of the lines of `lines` whose id is `in_other`, and those ids.
fn partnered(lines: &[u32], in_other: &[bool]) -> (Vec<usize>, Vec<u32>) {
    let (mut keep, mut ids) = (Vec::new(), Vec::new());
    for (i, &id) in lines.iter().enumerate() {
        if in_other[id as usize] {
            keep.push(i);
            ids.push(id);
        }
    }
    (keep, ids)
}

/// Where a middle-snake search splits a sub-problem, and whether each half must be solved
/// exactly (it must when the split came from a real middle snake: then each half costs at most
/// half as much, so the bound can't be hit there anyway).
#[derive(Debug, Clone, Copy)]
struct Partition {
    xmid: isize,
    ymid: isize,
    lo_minimal: bool,
    hi_minimal: bool,
}

/// The linear-space Myers search over two integer sequences.
struct Myers<'s> {
    a: &'s [u32],
    b: &'s [u32],
    /// Furthest-reaching x per diagonal `x - y` of the forward search, offset by `b.len() + 1`.
    fd: Vec<isize>,
    /// Same for the backward search (smallest x reached).
    bd: Vec<isize>,
    offset: isize,
    cost_limit: isize,
    a_changed: Vec<bool>,
    b_changed: Vec<bool>,
}

impl<'s> Myers<'s> {
    fn new(a: &'s [u32], b: &'s [u32]) -> Self {
        let diagonals = a.len() + b.len() + 3;
        // About twice the square root of the number of diagonals, as GNU diff computes it.
        let mut cost_limit = 1usize;
        let mut rest = diagonals;
        while rest != 0 {
            rest >>= 2;
            cost_limit <<= 1;
        }
        Myers {
            a,
            b,
            fd: vec![0; diagonals],
            bd: vec![0; diagonals],
            offset: signed(b.len()) + 1,
            cost_limit: signed(cost_limit.max(MIN_COST_LIMIT)),
            a_changed: vec![false; a.len()],
            b_changed: vec![false; b.len()],
        }
    }

    /// Solves the whole problem with a work stack of sub-problems `(xoff, xlim, yoff, ylim)`.
    fn run(&mut self) {
        let mut stack = vec![(0, signed(self.a.len()), 0, signed(self.b.len()), false)];
        while let Some((mut xoff, mut xlim, mut yoff, mut ylim, minimal)) = stack.pop() {
            while xoff < xlim && yoff < ylim && self.same(xoff, yoff) {
                xoff += 1;
                yoff += 1;
            }
            while xoff < xlim && yoff < ylim && self.same(xlim - 1, ylim - 1) {
                xlim -= 1;
                ylim -= 1;
            }
            if xoff == xlim || yoff == ylim {
                self.mark(xoff, xlim, yoff, ylim);
                continue;
            }
            let part = self.diag(xoff, xlim, yoff, ylim, minimal);
            let at_start = part.xmid == xoff && part.ymid == yoff;
            let at_end = part.xmid == xlim && part.ymid == ylim;
            if at_start || at_end || part.xmid < xoff || part.xmid > xlim {
                // Cannot happen (the search always makes progress); if it did, calling the
                // whole sub-problem changed is still a correct edit script.
                self.mark(xoff, xlim, yoff, ylim);
                continue;
            }
            stack.push((part.xmid, xlim, part.ymid, ylim, part.hi_minimal));
            stack.push((xoff, part.xmid, yoff, part.ymid, part.lo_minimal));
        }
    }

    fn mark(&mut self, xoff: isize, xlim: isize, yoff: isize, ylim: isize) {
        for x in xoff..xlim {
            self.a_changed[at(x)] = true;
        }
        for y in yoff..ylim {
            self.b_changed[at(y)] = true;
        }
    }

    fn same(&self, x: isize, y: isize) -> bool {
        self.a[at(x)] == self.b[at(y)]
    }

    fn f(&self, d: isize) -> isize {
        self.fd[at(d + self.offset)]
    }

    fn set_f(&mut self, d: isize, x: isize) {
        let i = at(d + self.offset);
        self.fd[i] = x;
    }

    fn b(&self, d: isize) -> isize {
        self.bd[at(d + self.offset)]
    }

    fn set_b(&mut self, d: isize, x: isize) {
        let i = at(d + self.offset);
        self.bd[i] = x;
    }

    /// Finds the midpoint of a shortest edit script for `a[xoff..xlim]` → `b[yoff..ylim]`,
    /// searching from both corners at once until the two searches meet. Diagonals are
    /// numbered `x - y`, which stays within `[-len(b), len(a)]`, and the vectors hold one
    /// sentinel more on each side.
    fn diag(
        &mut self,
        xoff: isize,
        xlim: isize,
        yoff: isize,
        ylim: isize,
        minimal: bool,
    ) -> Partition {
        let dmin = xoff - ylim;
        let dmax = xlim - yoff;
        // The diagonals the two searches start on.
        let forward_start = xoff - yoff;
        let backward_start = xlim - ylim;
        let (mut fmin, mut fmax) = (forward_start, forward_start);
        let (mut bmin, mut bmax) = (backward_start, backward_start);
        let odd = (forward_start - backward_start) & 1 != 0;
        self.set_f(forward_start, xoff);
        self.set_b(backward_start, xlim);
        let mut cost = 1;
        loop {
            // Extend the forward search by one edit on every diagonal.
            if fmin > dmin {
                fmin -= 1;
                self.set_f(fmin - 1, -1);
            } else {
                fmin += 1;
            }
            if fmax < dmax {
                fmax += 1;
                self.set_f(fmax + 1, -1);
            } else {
                fmax -= 1;
            }
            let mut d = fmax;
            while d >= fmin {
                let (lo, hi) = (self.f(d - 1), self.f(d + 1));
                let x0 = if lo < hi { hi } else { lo + 1 };
                let (mut x, mut y) = (x0, x0 - d);
                while x < xlim && y < ylim && self.same(x, y) {
                    x += 1;
                    y += 1;
                }
                self.set_f(d, x);
                if odd && bmin <= d && d <= bmax && self.b(d) <= x {
                    return Partition { xmid: x, ymid: y, lo_minimal: true, hi_minimal: true };
                }
                d -= 2;
            }

            // And the backward search.
            if bmin > dmin {
                bmin -= 1;
                self.set_b(bmin - 1, isize::MAX);
            } else {
                bmin += 1;
            }
            if bmax < dmax {
                bmax += 1;
                self.set_b(bmax + 1, isize::MAX);
            } else {
                bmax -= 1;
            }
            let mut d = bmax;
            while d >= bmin {
                let (lo, hi) = (self.b(d - 1), self.b(d + 1));
                let x0 = if lo < hi { lo } else { hi - 1 };
                let (mut x, mut y) = (x0, x0 - d);
                while xoff < x && yoff < y && self.same(x - 1, y - 1) {
                    x -= 1;
                    y -= 1;
                }
                self.set_b(d, x);
                if !odd && fmin <= d && d <= fmax && x <= self.f(d) {
                    return Partition { xmid: x, ymid: y, lo_minimal: true, hi_minimal: true };
                }
                d -= 2;
            }

            if !minimal && cost >= self.cost_limit {
                let bounds = Bounds { xoff, xlim, yoff, ylim, fmin, fmax, bmin, bmax };
                return self.give_up(bounds);
            }
            cost += 1;
        }
    }

    /// The search went on too long: split where either search got furthest.
    fn give_up(&self, s: Bounds) -> Partition {
        // Forward diagonal that maximizes x + y.
        let (mut fxy, mut fx) = (-1, s.xoff);
        let mut d = s.fmax;
        while d >= s.fmin {
            let mut x = self.f(d).min(s.xlim);
            let mut y = x - d;
            if s.ylim < y {
                x = s.ylim + d;
                y = s.ylim;
            }
            if fxy < x + y {
                fxy = x + y;
                fx = x;
            }
            d -= 2;
        }
        // Backward diagonal that minimizes x + y.
        let (mut bxy, mut bx) = (isize::MAX, s.xlim);
        let mut d = s.bmax;
        while d >= s.bmin {
            let mut x = self.b(d).max(s.xoff);
            let mut y = x - d;
            if y < s.yoff {
                x = s.yoff + d;
                y = s.yoff;
            }
            if x + y < bxy {
                bxy = x + y;
                bx = x;
            }
            d -= 2;
        }
        if (s.xlim + s.ylim) - bxy < fxy - (s.xoff + s.yoff) {
            Partition { xmid: fx, ymid: fxy - fx, lo_minimal: true, hi_minimal: false }
        } else {
            Partition { xmid: bx, ymid: bxy - bx, lo_minimal: false, hi_minimal: true }
        }
    }
}

/// The corners of a sub-problem and the diagonal ranges its two searches reached.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    xoff: isize,
    xlim: isize,
    yoff: isize,
    ylim: isize,
    fmin: isize,
    fmax: isize,
    bmin: isize,
    bmax: isize,
}

/// A length as a signed coordinate (texts are far below `isize::MAX` lines).
fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

/// An index the search has already kept within bounds (so non-negative).
#[allow(clippy::cast_sign_loss)]
fn at(i: isize) -> usize {
    i as usize
}

/// Slides each run of changed lines in `changed` to its canonical place (GNU diff's
/// `shift_boundaries`): up as far as identical lines allow, merging with runs above; then down
/// as far as possible, merging with runs below; and finally back up to the last place where it
/// lines up with a run of changes in `other` (the other file's flags), if there is one.
///
/// Sliding only moves a run past lines equal to its own edge lines, so the edit script stays
/// correct and the same length. Out-of-range reads see "unchanged", GNU's sentinels.
fn shift_boundaries(lines: &[u32], changed: &mut [bool], other: &[bool]) {
    let end = signed(lines.len());
    let get = |flags: &[bool], i: isize| {
        usize::try_from(i).ok().and_then(|i| flags.get(i)).copied().unwrap_or(false)
    };
    let same = |i: isize, j: isize| {
        let line = |k: isize| usize::try_from(k).ok().and_then(|k| lines.get(k));
        matches!((line(i), line(j)), (Some(x), Some(y)) if x == y)
    };
    let set = |flags: &mut [bool], i: isize, value: bool| {
        if let Some(flag) = usize::try_from(i).ok().and_then(|i| flags.get_mut(i)) {
            *flag = value;
        }
    };
    let (mut i, mut j): (isize, isize) = (0, 0);
    loop {
        // Find the next run of changes, keeping `j` at the matching point of `other`.
        while i < end && !get(changed, i) {
            loop {
                j += 1;
                if !get(other, j - 1) {
                    break;
                }
            }
            i += 1;
        }
        if i == end {
            break;
        }
        let mut start = i;
        loop {
            i += 1;
            if !get(changed, i) {
                break;
            }
        }
        while get(other, j) {
            j += 1;
        }
        let mut corresponding;
        loop {
            let run = i - start;
            // Up, merging with runs above.
            while start > 0 && same(start - 1, i - 1) {
                start -= 1;
                set(changed, start, true);
                i -= 1;
                set(changed, i, false);
                while get(changed, start - 1) {
                    start -= 1;
                }
                loop {
                    j -= 1;
                    if !get(other, j) {
                        break;
                    }
                }
            }
            corresponding = if get(other, j - 1) { i } else { end };
            // Down, merging with runs below.
            while i != end && same(start, i) {
                set(changed, start, false);
                start += 1;
                set(changed, i, true);
                i += 1;
                while get(changed, i) {
                    i += 1;
                }
                loop {
                    j += 1;
                    if !get(other, j) {
                        break;
                    }
                    corresponding = i;
                }
            }
            if run == i - start {
                break;
            }
        }
        // Back up to line up with a change in the other file.
        while corresponding < i {
            start -= 1;
            set(changed, start, true);
            i -= 1;
            set(changed, i, false);
            loop {
                j -= 1;
                if !get(other, j) {
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies a unified diff to `old`, checking every context and removed line and every
    /// hunk count; the test-side proof that a diff says what it should.
    fn apply(old: &str, diff: &str) -> Result<String, String> {
        let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
        let mut out = String::new();
        let mut next = 0usize; // next old line to copy
        let mut lines = diff.split_inclusive('\n').peekable();
        if diff.is_empty() {
            return Ok(old.to_string());
        }
        let header_old = lines.next().ok_or("no --- header")?;
        let header_new = lines.next().ok_or("no +++ header")?;
        if !header_old.starts_with("--- ") || !header_new.starts_with("+++ ") {
            return Err(format!("bad headers {header_old:?} {header_new:?}"));
        }
        while let Some(header) = lines.next() {
            let (old_start, old_count, new_count) = parse_hunk_header(header)?;
            // Body: (kind, text with its newline as it is in the file).
            let mut body: Vec<(char, String)> = Vec::new();
            let (mut seen_old, mut seen_new) = (0, 0);
            while seen_old < old_count
                || seen_new < new_count
                || lines.peek().is_some_and(|l| l.starts_with('\\'))
            {
                let line = lines.next().ok_or("hunk ends early")?;
                let (kind, text) = line.split_at(1);
                match kind {
                    " " => {
                        seen_old += 1;
                        seen_new += 1;
                    }
                    "-" => seen_old += 1,
                    "+" => seen_new += 1,
                    "\\" => {
                        let last = body.last_mut().ok_or("marker first")?;
                        if last.1.pop() != Some('\n') {
                            return Err("double marker".into());
                        }
                        continue;
                    }
                    _ => return Err(format!("bad hunk line {line:?}")),
                }
                let kind = kind.chars().next().ok_or("empty")?;
                body.push((kind, text.to_string()));
            }
            if seen_old != old_count || seen_new != new_count {
                return Err(format!("counts differ in {header:?}"));
            }
            // `-l,0` names the line before the hunk; otherwise `l` is the first line.
            let first = if old_count == 0 { old_start } else { old_start - 1 };
            if first < next || first > old_lines.len() {
                return Err(format!("hunk {header:?} out of order"));
            }
            for line in &old_lines[next..first] {
                out.push_str(line);
            }
            next = first;
            for (kind, text) in body {
                if kind != '+' {
                    if old_lines.get(next) != Some(&text.as_str()) {
                        return Err(format!(
                            "line {} is {:?}, diff says {text:?}",
                            next + 1,
                            old_lines.get(next)
                        ));
                    }
                    next += 1;
                }
                if kind != '-' {
                    out.push_str(&text);
                }
            }
        }
        for line in &old_lines[next..] {
            out.push_str(line);
        }
        Ok(out)
    }

    fn parse_hunk_header(header: &str) -> Result<(usize, usize, usize), String> {
        let inner = header
            .strip_prefix("@@ -")
            .and_then(|h| h.strip_suffix(" @@\n"))
            .ok_or_else(|| format!("bad hunk header {header:?}"))?;
        let (old, new) = inner.split_once(" +").ok_or("no +")?;
        let parse = |r: &str| -> Result<(usize, usize), String> {
            let (start, count) = r.split_once(',').unwrap_or((r, "1"));
            let start = start.parse().map_err(|_| format!("bad start in {header:?}"))?;
            let count = count.parse().map_err(|_| format!("bad count in {header:?}"))?;
            Ok((start, count))
        };
        let (old_start, old_count) = parse(old)?;
        let (_, new_count) = parse(new)?;
        Ok((old_start, old_count, new_count))
    }

    /// Length of a longest common subsequence of lines, by the O(NM) table.
    fn lcs(old: &str, new: &str) -> usize {
        let a: Vec<&str> = old.split_inclusive('\n').collect();
        let b: Vec<&str> = new.split_inclusive('\n').collect();
        let mut row = vec![0usize; b.len() + 1];
        for x in &a {
            let mut diag = 0;
            for (j, y) in b.iter().enumerate() {
                let up = row[j + 1];
                row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
                diag = up;
            }
        }
        row[b.len()]
    }

    use crate::test_rng::Rng;

    fn text_from(rng: &mut Rng, lines: u64, alphabet: u64) -> String {
        let mut s = String::new();
        for _ in 0..lines {
            let _ = writeln!(s, "l{}", rng.below(alphabet));
        }
        if rng.below(4) == 0 {
            s.pop();
        }
        s
    }

    /// One line per item.
    fn lines<T: std::fmt::Display>(items: impl Iterator<Item = T>) -> String {
        let mut s = String::new();
        for item in items {
            let _ = writeln!(s, "{item}");
        }
        s
    }

    fn check(old: &str, new: &str) {
        for context in [0, 1, 3, 10] {
            let diff = unified(old, new, "a/f", "b/f", context);
            assert_eq!(
                apply(old, &diff).as_deref(),
                Ok(new),
                "context {context}\n{old:?}\n{new:?}\n{diff}"
            );
        }
    }

    #[test]
    fn equal_texts_give_no_diff() {
        assert_eq!(unified("", "", "a", "b", 3), "");
        assert_eq!(unified("x\ny\n", "x\ny\n", "a", "b", 3), "");
        assert_eq!(line_changes("x\n", "x\n"), (0, 0));
    }

    /// Expected outputs are byte-for-byte what GNU `diff -u` (3.8) prints, headers aside.
    #[test]
    fn output_matches_gnu_diff() {
        let cases: &[(&str, &str, usize, &str)] = &[
            ("", "a\n", 3, "@@ -0,0 +1 @@\n+a\n"),
            ("a\n", "", 3, "@@ -1 +0,0 @@\n-a\n"),
            ("", "a\nb\n", 3, "@@ -0,0 +1,2 @@\n+a\n+b\n"),
            ("a\n", "b\n", 3, "@@ -1 +1 @@\n-a\n+b\n"),
            (
                "a",
                "b",
                3,
                "@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n",
            ),
            ("a\n", "a", 3, "@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n"),
            ("a", "a\n", 3, "@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n"),
            ("x\na", "y\na", 3, "@@ -1,2 +1,2 @@\n-x\n+y\n a\n\\ No newline at end of file\n"),
            ("", "a", 3, "@@ -0,0 +1 @@\n+a\n\\ No newline at end of file\n"),
            ("a\nb\nc\n", "a\nc\n", 3, "@@ -1,3 +1,2 @@\n a\n-b\n c\n"),
            ("a\nb\nc\n", "a\nb\nx\nc\n", 0, "@@ -2,0 +3 @@\n+x\n"),
            ("a\nb\nc\n", "x\na\nb\nc\n", 0, "@@ -0,0 +1 @@\n+x\n"),
            ("a\nb\nc\n", "a\nc\n", 0, "@@ -2 +1,0 @@\n-b\n"),
            ("a\nb\nc\n", "b\nc\n", 0, "@@ -1 +0,0 @@\n-a\n"),
            (
                "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
                "1\nx\n3\n4\n5\n6\n7\n8\ny\n10\n",
                2,
                "@@ -1,4 +1,4 @@\n 1\n-2\n+x\n 3\n 4\n@@ -7,4 +7,4 @@\n 7\n 8\n-9\n+y\n 10\n",
            ),
            (
                "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n",
                "1\nx\n3\n4\n5\n6\n7\n8\ny\n10\n",
                3,
                "@@ -1,10 +1,10 @@\n 1\n-2\n+x\n 3\n 4\n 5\n 6\n 7\n 8\n-9\n+y\n 10\n",
            ),
            // Identical lines: the run slides down, as in diff and git.
            ("a\nb\nb\nc\n", "a\nb\nc\n", 3, "@@ -1,4 +1,3 @@\n a\n b\n-b\n c\n"),
            ("a\nb\nc\n", "a\nb\nb\nc\n", 3, "@@ -1,3 +1,4 @@\n a\n b\n+b\n c\n"),
            ("a\r\nb\r\n", "a\r\nc\r\n", 3, "@@ -1,2 +1,2 @@\n a\r\n-b\r\n+c\r\n"),
        ];
        for &(old, new, context, hunks) in cases {
            let expected = format!("--- a/f\n+++ b/f\n{hunks}");
            assert_eq!(unified(old, new, "a/f", "b/f", context), expected, "{old:?} -> {new:?}");
            check(old, new);
        }
    }

    #[test]
    fn names_go_into_the_headers_as_given() {
        let diff = unified("", "x\n", "/dev/null", "b/apps/web/prod/kustomization.yaml", 3);
        assert!(
            diff.starts_with(
                "--- /dev/null\n+++ b/apps/web/prod/kustomization.yaml\n@@ -0,0 +1 @@\n"
            )
        );
    }

    #[test]
    fn huge_context_does_not_overflow() {
        let diff = unified("a\nb\nc\n", "a\nx\nc\n", "a", "b", usize::MAX);
        assert_eq!(diff, "--- a\n+++ b\n@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n");
    }

    #[test]
    fn counts_added_and_removed_lines() {
        let cases = [
            ("", "a\nb\n", (2, 0)),
            ("a\nb\n", "", (0, 2)),
            ("a\nb\nc\n", "a\nx\nc\ny\n", (2, 1)),
            ("a", "a\n", (1, 1)),
            ("a\nb\n", "b\na\n", (1, 1)),
        ];
        for (old, new, expected) in cases {
            assert_eq!(line_changes(old, new), expected, "{old:?} -> {new:?}");
        }
    }

    #[test]
    fn random_pairs_apply_and_are_minimal() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..600 {
            let alphabet = 1 + rng.below(8);
            let len = rng.below(25);
            let old = text_from(&mut rng, len, alphabet);
            let new = if round % 3 == 0 {
                // Small edits of the old text.
                let mut lines: Vec<String> =
                    old.split_inclusive('\n').map(str::to_string).collect();
                for _ in 0..=rng.below(4) {
                    let at = rng.below(lines.len() as u64 + 1) as usize;
                    match rng.below(3) {
                        0 => lines.insert(at, format!("n{}\n", rng.below(alphabet))),
                        1 if at < lines.len() => drop(lines.remove(at)),
                        _ if at < lines.len() => lines[at] = format!("m{}\n", rng.below(3)),
                        _ => {}
                    }
                }
                lines.concat()
            } else {
                let len = rng.below(25);
                text_from(&mut rng, len, alphabet)
            };
            check(&old, &new);
            let (added, removed) = line_changes(&old, &new);
            let common = lcs(&old, &new);
            let (n, m) = (old.split_inclusive('\n').count(), new.split_inclusive('\n').count());
            assert_eq!(
                (added, removed),
                (m - common, n - common),
                "not minimal: {old:?} -> {new:?}"
            );
        }
    }

    #[test]
    fn fifty_thousand_lines_that_differ_everywhere() {
        let old = lines((0..50_000).map(|i| format!("old {i}")));
        let new = lines((0..50_000).map(|i| format!("new {i}")));
        let diff = unified(&old, &new, "a", "b", 3);
        assert!(diff.starts_with("--- a\n+++ b\n@@ -1,50000 +1,50000 @@\n-old 0\n"));
        assert_eq!(apply(&old, &diff).as_deref(), Ok(new.as_str()));
        assert_eq!(line_changes(&old, &new), (50_000, 50_000));
    }

    #[test]
    fn pathological_inputs_stay_bounded_and_correct() {
        // Two long random texts over a two-line alphabet: a huge edit distance among lines
        // that all have partners, which is where an unbounded O(ND) search goes quadratic.
        let mut rng = Rng(42);
        let old = text_from(&mut rng, 20_000, 2);
        let new = text_from(&mut rng, 20_000, 2);
        let diff = unified(&old, &new, "a", "b", 3);
        assert_eq!(apply(&old, &diff).as_deref(), Ok(new.as_str()));
        // Reversed texts share little order.
        let old = lines((0..30_000).map(|i| i % 97));
        let new = lines((0..30_000).rev().map(|i| i % 89));
        let diff = unified(&old, &new, "a", "b", 3);
        assert_eq!(apply(&old, &diff).as_deref(), Ok(new.as_str()));
    }

    #[test]
    fn moved_blocks_and_repeats_apply() {
        let block = "x\ny\nz\n";
        let old = format!("{block}a\nb\n{block}c\n");
        let new = format!("a\n{block}b\nc\n{block}{block}");
        check(&old, &new);
        check("a\na\na\na\n", "a\n");
        check("a\n", "a\na\na\na\n");
        check("\n\n\n", "\n");
        check("x", "");
        check("", "x");
    }

    #[test]
    fn applier_rejects_wrong_diffs() {
        let diff = unified("a\nb\n", "a\nc\n", "a", "b", 3);
        assert!(apply("a\nx\n", &diff).is_err());
        assert!(apply("a\nb\n", "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n").is_err());
    }
}
