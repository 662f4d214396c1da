//! A bounded backtracking matcher for the common subset of Go's regular expressions, used by
//! [`super::goregex::GoRegex`] instead of regex-lite's `PikeVM` when the pattern allows it.
//!
//! Flux runs `filterTags.pattern` on every tag of a registry (100,000 in the benchmark); the
//! `PikeVM` computes an epsilon closure per character, which dominated the election. This
//! matcher is a backtracker in the style of RE2's `BitState` (and regex-automata's
//! `BoundedBacktracker`): an explicit stack (no recursion) and a visited bitset over
//! (instruction, position), so each pair is explored at most once: the work is bounded by
//! program size × (text length + 1) on every input, with no exponential blow-up on `(a*)*b`.
//! The first `Match` reached in priority order is the leftmost-first match, with the same
//! captures as Go's `regexp` and regex-lite: the program has the same shape as regex-lite's
//! Thompson NFA (`nfa.rs`: `x*` over an expression that can match empty is `(x+)?`, bounded
//! repetitions share one exit) and the same priorities.
//!
//! The subset (anything else is `None` at compile time and the caller uses regex-lite):
//! literals and escaped punctuation, `\t \n \r \f \v \a`, `\d \w \s` and their negations (ASCII,
//! as Go's `perl_groups.go`: `\s` is `[\t\n\f\r ]`), `.` (any character but `\n`), bracket
//! classes whose members are ASCII (ranges, negation, Perl classes inside), groups `( )`,
//! `(?: )`, `(?P<name> )`, `(?<name> )`, alternation, the greedy and lazy quantifiers
//! `* + ? {n} {n,} {n,m}`, and `^ $ \A \z` (no flags: without `m`, `^` and `$` are the text's
//! ends). A text too long for the bitset ([`MAX_BITS`]) is also left to regex-lite.

/// The largest visited set, in bits (32 KB): program size × (text length + 1).
pub(super) const MAX_BITS: usize = 256 * 1024;
/// The largest program; bigger ones (large counted repetitions) are left to regex-lite.
const MAX_INSTS: usize = 2048;
/// The deepest group nesting the parser follows (its recursion depth).
const MAX_DEPTH: u32 = 64;
/// "No position" in a capture slot.
const UNSET: usize = usize::MAX;

/// A set of characters: the ASCII members as bits, one flag for all non-ASCII characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Class {
    ascii: u128,
    non_ascii: bool,
}

impl Class {
    const EMPTY: Class = Class { ascii: 0, non_ascii: false };

    fn range(lo: u8, hi: u8) -> Class {
        let mut ascii = 0u128;
        for b in lo..=hi {
            ascii |= 1 << b;
        }
        Class { ascii, non_ascii: false }
    }

    fn union(self, other: Class) -> Class {
        Class { ascii: self.ascii | other.ascii, non_ascii: self.non_ascii || other.non_ascii }
    }

    fn negate(self) -> Class {
        Class { ascii: !self.ascii, non_ascii: !self.non_ascii }
    }

    fn contains(self, c: char) -> bool {
        match u8::try_from(c) {
            Ok(b) if b < 0x80 => self.ascii >> b & 1 == 1,
            _ => self.non_ascii,
        }
    }

    /// `\d`, `\w`, `\s` (Go's `perl_groups.go`), negated for the capital letter.
    fn perl(letter: char) -> Option<Class> {
        let class = match letter.to_ascii_lowercase() {
            'd' => Class::range(b'0', b'9'),
            'w' => Class::range(b'0', b'9')
                .union(Class::range(b'A', b'Z'))
                .union(Class::range(b'a', b'z'))
                .union(Class::range(b'_', b'_')),
            's' => Class::range(b'\t', b'\n')
                .union(Class::range(0x0C, b'\r'))
                .union(Class::range(b' ', b' ')),
            _ => return None,
        };
        Some(if letter.is_ascii_uppercase() { class.negate() } else { class })
    }
}

/// The parsed pattern.
#[derive(Debug)]
enum Node {
    Empty,
    Char(char),
    Class(Class),
    /// `.`: any character but `\n`.
    Any,
    /// `^`, `\A`.
    Begin,
    /// `$`, `\z`.
    End,
    /// A capturing group (its index) or a non-capturing one.
    Group(Option<u32>, Box<Node>),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    },
}

impl Node {
    fn matches_empty(&self) -> bool {
        match self {
            Node::Empty | Node::Begin | Node::End => true,
            Node::Char(_) | Node::Class(_) | Node::Any => false,
            Node::Group(_, inner) => inner.matches_empty(),
            Node::Concat(items) => items.iter().all(Node::matches_empty),
            Node::Alt(items) => items.iter().any(Node::matches_empty),
            Node::Repeat { node, min, .. } => *min == 0 || node.matches_empty(),
        }
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    groups: u32,
    depth: u32,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        self.at += usize::from(found);
        found
    }

    fn alternation(&mut self) -> Option<Node> {
        let mut alternatives = vec![self.concat()?];
        while self.eat('|') {
            alternatives.push(self.concat()?);
        }
        Some(if alternatives.len() == 1 { alternatives.pop()? } else { Node::Alt(alternatives) })
    }

    fn concat(&mut self) -> Option<Node> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.repeat(atom)?);
        }
        Some(match items.len() {
            0 => Node::Empty,
            1 => items.pop()?,
            _ => Node::Concat(items),
        })
    }

    fn atom(&mut self) -> Option<Node> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            '(' => return self.group(),
            '[' => Node::Class(self.class()?),
            '.' => Node::Any,
            '^' => Node::Begin,
            '$' => Node::End,
            '\\' => match self.escape()? {
                Escaped::Char(c) => Node::Char(c),
                Escaped::Class(class) => Node::Class(class),
                Escaped::Begin => Node::Begin,
                Escaped::End => Node::End,
            },
            // A repetition without an operand, or a `{` Go might read literally.
            '*' | '+' | '?' | '{' | '}' | ']' => return None,
            c => Node::Char(c),
        })
    }

    fn group(&mut self) -> Option<Node> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let index = if self.eat('?') {
            if self.eat(':') {
                None
            } else {
                // `(?P<name>` or `(?<name>`; flags are not in the subset.
                self.eat('P');
                if !self.eat('<') {
                    return None;
                }
                while !self.eat('>') {
                    let c = self.peek()?;
                    if !(c.is_ascii_alphanumeric() || c == '_') {
                        return None;
                    }
                    self.at += 1;
                }
                self.groups += 1;
                Some(self.groups)
            }
        } else {
            self.groups += 1;
            Some(self.groups)
        };
        let inner = self.alternation()?;
        if !self.eat(')') {
            return None;
        }
        self.depth -= 1;
        Some(Node::Group(index, Box::new(inner)))
    }

    fn repeat(&mut self, atom: Node) -> Option<Node> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.at += 1;
                let min = self.number()?;
                let max = if self.eat(',') {
                    if self.peek() == Some('}') { None } else { Some(self.number()?) }
                } else {
                    Some(min)
                };
                if self.peek() != Some('}') || max.is_some_and(|max| max < min) {
                    return None;
                }
                (min, max)
            }
            _ => return Some(atom),
        };
        self.at += 1;
        if matches!(atom, Node::Begin | Node::End) {
            return None;
        }
        let greedy = !self.eat('?');
        if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
            return None;
        }
        Some(Node::Repeat { node: Box::new(atom), min, max, greedy })
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.at;
        let mut n: u32 = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.checked_mul(10)?.checked_add(d)?;
            self.at += 1;
        }
        (self.at > start && n <= 1000).then_some(n)
    }

    /// After `\`: a literal, a Perl class or an anchor of the subset.
    fn escape(&mut self) -> Option<Escaped> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => Escaped::Class(Class::perl(c)?),
            't' => Escaped::Char('\t'),
            'n' => Escaped::Char('\n'),
            'r' => Escaped::Char('\r'),
            'f' => Escaped::Char('\x0C'),
            'v' => Escaped::Char('\x0B'),
            'a' => Escaped::Char('\x07'),
            'A' => Escaped::Begin,
            'z' => Escaped::End,
            c if c.is_ascii_punctuation() => Escaped::Char(c),
            _ => return None,
        })
    }

    /// After `[`: a class of ASCII members (a `]` first is literal, `-` only first or last).
    fn class(&mut self) -> Option<Class> {
        let negated = self.eat('^');
        let mut class = Class::EMPTY;
        let mut first = true;
        loop {
            let c = self.peek()?;
            self.at += 1;
            if c == ']' && !first {
                break;
            }
            let lo = match c {
                '[' => return None,
                '\\' => match self.escape()? {
                    Escaped::Char(c) => c,
                    Escaped::Class(perl) => {
                        class = class.union(perl);
                        first = false;
                        continue;
                    }
                    Escaped::Begin | Escaped::End => return None,
                },
                '-' if !first && self.peek() != Some(']') => return None,
                c => c,
            };
            first = false;
            let hi = if self.peek() == Some('-') && self.chars.get(self.at + 1) != Some(&']') {
                self.at += 1;
                match self.peek()? {
                    '\\' => {
                        self.at += 1;
                        match self.escape()? {
                            Escaped::Char(c) => c,
                            _ => return None,
                        }
                    }
                    '[' | ']' => return None,
                    c => {
                        self.at += 1;
                        c
                    }
                }
            } else {
                lo
            };
            let (Ok(lo), Ok(hi)) = (u8::try_from(lo), u8::try_from(hi)) else { return None };
            if hi >= 0x80 || lo > hi {
                return None;
            }
            class = class.union(Class::range(lo, hi));
        }
        Some(if negated { class.negate() } else { class })
    }
}

enum Escaped {
    Char(char),
    Class(Class),
    Begin,
    End,
}

#[derive(Debug, Clone, Copy)]
enum Inst {
    Char(char),
    Class(Class),
    Any,
    /// Try the first target, then the second.
    Split(u32, u32),
    Jmp(u32),
    Save(u32),
    Begin,
    End,
    Match,
}

/// A compiled pattern of the subset.
#[derive(Debug, Clone)]
pub(super) struct Program {
    insts: Vec<Inst>,
    /// Two per group, group 0 included.
    slots: usize,
    /// Every match starts at the text's start (the pattern begins with `^` or `\A`).
    anchored: bool,
}

impl Program {
    /// Compiles `pattern` (already accepted by Go's rules and regex-lite) when it is in the
    /// subset and has `groups` groups (group 0 included) as regex-lite counts them.
    pub(super) fn new(pattern: &str, groups: usize) -> Option<Program> {
        let mut parser = Parser { chars: pattern.chars().collect(), at: 0, groups: 0, depth: 0 };
        let node = parser.alternation()?;
        if parser.at != parser.chars.len() || parser.groups as usize + 1 != groups {
            return None;
        }
        let anchored = match &node {
            Node::Begin => true,
            Node::Concat(items) => matches!(items.first(), Some(Node::Begin)),
            _ => false,
        };
        let mut program = Program { insts: Vec::new(), slots: groups * 2, anchored };
        program.push(Inst::Save(0))?;
        program.emit(&node)?;
        program.push(Inst::Save(1))?;
        program.push(Inst::Match)?;
        Some(program)
    }

    fn next(&self) -> u32 {
        u32::try_from(self.insts.len()).unwrap_or(u32::MAX)
    }

    fn push(&mut self, inst: Inst) -> Option<u32> {
        if self.insts.len() >= MAX_INSTS {
            return None;
        }
        let at = self.next();
        self.insts.push(inst);
        Some(at)
    }

    /// A split whose targets are set by [`Program::patch_split`].
    fn split(&mut self) -> Option<u32> {
        self.push(Inst::Split(0, 0))
    }

    /// Sets a split's targets: `then` is the repetition's body, `exit` leaves it; a lazy
    /// repetition prefers the exit.
    fn patch_split(&mut self, at: u32, then: u32, exit: u32, greedy: bool) {
        if let Some(inst) = self.insts.get_mut(at as usize) {
            *inst = if greedy { Inst::Split(then, exit) } else { Inst::Split(exit, then) };
        }
    }

    fn emit(&mut self, node: &Node) -> Option<()> {
        match node {
            Node::Empty => {}
            Node::Char(c) => _ = self.push(Inst::Char(*c))?,
            Node::Class(class) => _ = self.push(Inst::Class(*class))?,
            Node::Any => _ = self.push(Inst::Any)?,
            Node::Begin => _ = self.push(Inst::Begin)?,
            Node::End => _ = self.push(Inst::End)?,
            Node::Group(None, inner) => self.emit(inner)?,
            Node::Group(Some(index), inner) => {
                self.push(Inst::Save(index * 2))?;
                self.emit(inner)?;
                self.push(Inst::Save(index * 2 + 1))?;
            }
            Node::Concat(items) => {
                for item in items {
                    self.emit(item)?;
                }
            }
            Node::Alt(alternatives) => {
                let mut jumps = Vec::new();
                let last = alternatives.len().saturating_sub(1);
                for (i, alternative) in alternatives.iter().enumerate() {
                    if i == last {
                        self.emit(alternative)?;
                    } else {
                        let split = self.split()?;
                        self.emit(alternative)?;
                        jumps.push(self.push(Inst::Jmp(0))?);
                        let next = self.next();
                        self.patch_split(split, split + 1, next, true);
                    }
                }
                let end = self.next();
                for jump in jumps {
                    self.insts[jump as usize] = Inst::Jmp(end);
                }
            }
            Node::Repeat { node, min, max, greedy } => self.repeat(node, *min, *max, *greedy)?,
        }
        Some(())
    }

    /// The shapes of regex-lite's `c_repetition` (so that priorities, hence captures, agree).
    fn repeat(&mut self, node: &Node, min: u32, max: Option<u32>, greedy: bool) -> Option<()> {
        match max {
            None if min == 0 && !node.matches_empty() => {
                // L: split(body, exit); body; jmp L
                let split = self.split()?;
                self.emit(node)?;
                self.push(Inst::Jmp(split))?;
                let exit = self.next();
                self.patch_split(split, split + 1, exit, greedy);
            }
            None if min == 0 => {
                // (x+)?: split(body, exit); body; split(body, exit)
                let question = self.split()?;
                let body = self.next();
                self.emit(node)?;
                let plus = self.split()?;
                let exit = self.next();
                self.patch_split(question, body, exit, greedy);
                self.patch_split(plus, body, exit, greedy);
            }
            None => {
                for _ in 1..min {
                    self.emit(node)?;
                }
                let body = self.next();
                self.emit(node)?;
                let plus = self.split()?;
                let exit = self.next();
                self.patch_split(plus, body, exit, greedy);
            }
            Some(max) => {
                for _ in 0..min {
                    self.emit(node)?;
                }
                let mut splits = Vec::new();
                for _ in min..max {
                    let split = self.split()?;
                    splits.push(split);
                    self.emit(node)?;
                }
                let exit = self.next();
                for split in splits {
                    self.patch_split(split, split + 1, exit, greedy);
                }
            }
        }
        Some(())
    }

    /// Whether the visited set for `text` stays within [`MAX_BITS`].
    fn fits(&self, text: &str) -> bool {
        self.insts.len().saturating_mul(text.len().saturating_add(1)) <= MAX_BITS
    }

    /// Go's leftmost-first search: `Some(true)` with the positions in `cache.slots`,
    /// `Some(false)` when nothing matches, `None` when `text` is too long for the bitset.
    pub(super) fn search(&self, cache: &mut Cache, text: &str) -> Option<bool> {
        if !self.fits(text) {
            return None;
        }
        let width = text.len() + 1;
        let words = (self.insts.len() * width).div_ceil(64);
        cache.visited.clear();
        cache.visited.resize(words, 0);
        cache.slots.clear();
        cache.slots.resize(self.slots, UNSET);
        // A state that failed from one start fails from every later start (failure does not
        // depend on the captures), so the visited set is kept across starts, as in BitState.
        let mut start = 0;
        loop {
            if self.run(cache, text, start, width) {
                return Some(true);
            }
            if self.anchored || start >= text.len() {
                return Some(false);
            }
            start += text[start..].chars().next().map_or(1, char::len_utf8);
        }
    }

    fn run(&self, cache: &mut Cache, text: &str, start: usize, width: usize) -> bool {
        let bytes = text.as_bytes();
        cache.stack.clear();
        cache.stack.push(Job::Explore(0, start));
        while let Some(job) = cache.stack.pop() {
            let (mut pc, mut at) = match job {
                Job::Restore(slot, value) => {
                    cache.slots[slot as usize] = value;
                    continue;
                }
                Job::Explore(pc, at) => (pc as usize, at),
            };
            loop {
                let bit = pc * width + at;
                let word = &mut cache.visited[bit / 64];
                if *word >> (bit % 64) & 1 == 1 {
                    break;
                }
                *word |= 1 << (bit % 64);
                #[cfg(test)]
                {
                    cache.steps += 1;
                }
                match self.insts[pc] {
                    Inst::Char(c) => match next_char(text, bytes, at) {
                        Some((got, len)) if got == c => {
                            pc += 1;
                            at += len;
                        }
                        _ => break,
                    },
                    Inst::Class(class) => match next_char(text, bytes, at) {
                        Some((got, len)) if class.contains(got) => {
                            pc += 1;
                            at += len;
                        }
                        _ => break,
                    },
                    Inst::Any => match next_char(text, bytes, at) {
                        Some((got, len)) if got != '\n' => {
                            pc += 1;
                            at += len;
                        }
                        _ => break,
                    },
                    Inst::Split(first, second) => {
                        cache.stack.push(Job::Explore(second, at));
                        pc = first as usize;
                    }
                    Inst::Jmp(to) => pc = to as usize,
                    Inst::Save(slot) => {
                        let old = std::mem::replace(&mut cache.slots[slot as usize], at);
                        cache.stack.push(Job::Restore(slot, old));
                        pc += 1;
                    }
                    Inst::Begin if at == 0 => pc += 1,
                    Inst::End if at == text.len() => pc += 1,
                    Inst::Begin | Inst::End => break,
                    Inst::Match => return true,
                }
            }
        }
        false
    }
}

/// The character at byte `at` and its length (ASCII without decoding).
#[inline]
fn next_char(text: &str, bytes: &[u8], at: usize) -> Option<(char, usize)> {
    match bytes.get(at) {
        Some(&b) if b < 0x80 => Some((char::from(b), 1)),
        Some(_) => text.get(at..)?.chars().next().map(|c| (c, c.len_utf8())),
        None => None,
    }
}

#[derive(Debug, Clone, Copy)]
enum Job {
    Explore(u32, usize),
    Restore(u32, usize),
}

/// The matcher's buffers, reused from one text to the next.
#[derive(Debug, Clone, Default)]
pub(super) struct Cache {
    visited: Vec<u64>,
    stack: Vec<Job>,
    slots: Vec<usize>,
    /// Instructions executed since the cache was made (tests only: the work done).
    #[cfg(test)]
    steps: u64,
}

impl Cache {
    /// The span of group `index` after a successful [`Program::search`].
    pub(super) fn group(&self, index: usize) -> Option<(usize, usize)> {
        match (self.slots.get(index * 2), self.slots.get(index * 2 + 1)) {
            (Some(&start), Some(&end)) if start != UNSET && end != UNSET => Some((start, end)),
            _ => None,
        }
    }

    /// The number of groups (group 0 included) of the last search.
    pub(super) fn groups(&self) -> usize {
        self.slots.len() / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flux::goregex::GoRegex;

    /// Every group's span (group 0 first), `None` when there is no match.
    type Spans = Option<Vec<Option<(usize, usize)>>>;

    /// Runs `pattern` (which must be in the subset) on `text`: every group's span, or `None`.
    fn find(pattern: &str, text: &str) -> Spans {
        let lite = regex_lite::Regex::new(pattern).unwrap();
        let program = Program::new(pattern, lite.captures_len()).unwrap();
        let mut cache = Cache::default();
        program
            .search(&mut cache, text)
            .unwrap()
            .then(|| (0..cache.groups()).map(|i| cache.group(i)).collect())
    }

    /// regex-lite's answer, the reference of the differential test.
    fn find_lite(lite: &regex_lite::Regex, text: &str) -> Spans {
        let mut locations = lite.capture_locations();
        lite.captures_read(&mut locations, text)?;
        Some((0..locations.len()).map(|i| locations.get(i)).collect())
    }

    /// Go's `regexp` semantics, hand-written: leftmost-first (Perl-like) choice among
    /// alternatives and repetitions (`src/regexp/regexp.go`, "leftmost-first"; the
    /// `(a|ab)(c|bcd)(d*)` example is RE2's and `src/regexp/exec_test.go`'s point about
    /// leftmost-first vs leftmost-longest), lazy repetitions, groups that do not participate
    /// are unset (-1 in `FindStringSubmatchIndex`), a group repeated keeps its last
    /// iteration, `$` without `m` is the end of the text, `.` is a whole character but not
    /// `\n`, `\s` is `[\t\n\f\r ]` (`src/regexp/syntax/perl_groups.go`: no `\v`), a negated
    /// class matches `\n` (`parse.go`, `ClassNL` is part of `syntax.Perl`).
    #[test]
    fn go_semantics() {
        let some = |spans: &[(usize, usize)]| Some(spans.iter().map(|&s| Some(s)).collect());
        let cases: &[(&str, &str, Spans)] = &[
            ("(a|ab)(c|bcd)(d*)", "abcd", some(&[(0, 4), (0, 1), (1, 4), (4, 4)])),
            ("(a+)(b+)?", "aab", some(&[(0, 3), (0, 2), (2, 3)])),
            ("a*?", "aaa", some(&[(0, 0)])),
            ("a+?", "aaa", some(&[(0, 1)])),
            ("(a+?)(a*)", "aaa", some(&[(0, 3), (0, 1), (1, 3)])),
            ("(a{1,3}?)(a*)", "aaa", some(&[(0, 3), (0, 1), (1, 3)])),
            ("b+", "abbbc", some(&[(1, 4)])),
            ("x*", "abc", some(&[(0, 0)])),
            ("(a)|(b)", "b", Some(vec![Some((0, 1)), None, Some((0, 1))])),
            ("(a(b)?)+", "aba", some(&[(0, 3), (2, 3), (1, 2)])),
            ("(a*)+", "b", some(&[(0, 0), (0, 0)])),
            ("(a|)+b", "aab", some(&[(0, 3), (1, 2)])),
            ("a|", "b", some(&[(0, 0)])),
            ("|a", "a", some(&[(0, 0)])),
            ("a$", "a\n", None),
            ("^a", "ba", None),
            ("\\Aa\\z", "a", some(&[(0, 1)])),
            ("a.c", "a\nc", None),
            ("a.c", "aéc", some(&[(0, 4)])),
            ("[^a]", "\n", some(&[(0, 1)])),
            ("\\s", "\x0B", None),
            ("\\S", "\x0B", some(&[(0, 1)])),
            ("\\w+", "é_a1-", some(&[(2, 5)])),
            ("[\\d-]+", "a1-2", some(&[(1, 4)])),
            ("[]a]+", "b]a", some(&[(1, 3)])),
            ("(?:ab){2}", "abab", some(&[(0, 4)])),
            ("(a){0}(b)", "ab", Some(vec![Some((1, 2)), None, Some((1, 2))])),
            (
                "^main-[a-f0-9]+-(?P<ts>[0-9]+)$",
                "main-9afd7e0-1600099998",
                some(&[(0, 23), (13, 23)]),
            ),
            ("^main-[a-f0-9]+-(?P<ts>[0-9]+)$", "main-9afd7e0-16000x", None),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(&find(pattern, text), expected, "{pattern} on {text:?}");
            // regex-lite agrees, but for `\v` (its `\s` has it).
            if !text.contains('\x0B') {
                let lite = regex_lite::Regex::new(pattern).unwrap();
                assert_eq!(&find_lite(&lite, text), expected, "regex-lite: {pattern} on {text:?}");
            }
        }
        let lite = regex_lite::Regex::new("\\s").unwrap();
        assert!(lite.is_match("\x0B"), "regex-lite's `\\s` differs from Go's");
    }

    #[test]
    fn outside_the_subset_is_left_to_regex_lite() {
        for pattern in
            ["(?i)a", "(?s:.)", "\\x41", "[é]", "\\bx", "[[:alpha:]]", "(abc){1000}", "a]", "a{,2}"]
        {
            let groups = regex_lite::Regex::new(pattern).map_or(1, |r| r.captures_len());
            assert!(Program::new(pattern, groups).is_none(), "{pattern}");
        }
        // The GoRegex answers anyway (from regex-lite).
        let re = GoRegex::compile("(?i)A(b)").unwrap();
        assert_eq!(re.match_expand("xab", "$1").as_deref(), Some("b"));
        let re = GoRegex::compile("(abc){1000}").unwrap();
        assert!(re.is_match(&"abc".repeat(1000)));
        assert!(!re.is_match(&"abc".repeat(999)));
    }

    /// A text too long for the bitset is matched by regex-lite, with the same answer.
    #[test]
    fn long_texts_fall_back() {
        let text = format!("{}b", "a".repeat(MAX_BITS));
        let program = Program::new("(a+)b", 2).unwrap();
        assert_eq!(program.search(&mut Cache::default(), &text), None);
        let re = GoRegex::compile("(a+)b").unwrap();
        assert_eq!(re.match_expand(&text, "$1").map(|g| g.len()), Some(MAX_BITS));
        let short = "aab";
        assert_eq!(program.search(&mut Cache::default(), short), Some(true));
    }

    /// Patterns that make naive backtrackers exponential: each (instruction, position) pair is
    /// explored at most once, every start position included.
    #[test]
    fn hostile_patterns_do_bounded_work() {
        let text = "a".repeat(10_000);
        for (pattern, text, expected) in [
            ("(a*)*$", format!("{text}b"), true),
            ("(a*)*b$", format!("{text}c"), false),
            ("(a|aa)*c", text.clone(), false),
            ("(?:a+a+)+b", text.clone(), false),
            ("(a?){30}a{30}", "a".repeat(30), true),
        ] {
            let lite = regex_lite::Regex::new(pattern).unwrap();
            let program = Program::new(pattern, lite.captures_len()).unwrap();
            let mut cache = Cache::default();
            assert_eq!(program.search(&mut cache, &text), Some(expected), "{pattern}");
            let bound = (program.insts.len() * (text.len() + 1)) as u64;
            let explored = cache.steps;
            assert!(explored <= bound, "{pattern}: {explored} steps > {bound}");
            // The text is long and the pattern busy: the bound is what keeps the work small.
            assert!(explored > text.len() as u64, "{pattern}: {explored} steps");
            assert_eq!(find_lite(&lite, &text).is_some(), expected, "{pattern}");
        }
    }

    /// xorshift64*: a fixed, portable sequence.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    const ATOMS: &[&str] = &[
        "a",
        "b",
        "c",
        "1",
        "é",
        "-",
        "\\-",
        "\\n",
        ".",
        "[ab]",
        "[^a]",
        "[a-c]",
        "[^\\d]",
        "[-a]",
        "[a-]",
        "[é-]",
        "\\d",
        "\\D",
        "\\w",
        "\\W",
        "\\s",
        "\\S",
        "[\\s1]",
        "[^\\S\\n]",
    ];
    const ANCHORS: &[&str] = &["^", "$", "\\A", "\\z"];
    const REPEATS: &[&str] = &[
        "*", "+", "?", "{0}", "{1}", "{2}", "{0,2}", "{1,}", "{2,3}", "*?", "+?", "??", "{1,3}?",
        "{2,}?",
    ];

    /// A random pattern of the subset (`[é-]` is outside it: regex-lite answers for it).
    fn pattern(random: &mut Random, depth: u32, names: &mut u32) -> String {
        let alternatives = 1 + random.below(if depth > 0 { 3 } else { 2 });
        let mut out = Vec::new();
        for _ in 0..alternatives {
            let mut concat = String::new();
            for _ in 0..random.below(4) {
                let atom = match random.below(10) {
                    0 => random.pick(ANCHORS).to_string(),
                    1..=3 if depth > 0 => {
                        let inner = pattern(random, depth - 1, names);
                        match random.below(3) {
                            0 => format!("({inner})"),
                            1 => format!("(?:{inner})"),
                            _ => {
                                *names += 1;
                                format!("(?P<n{names}>{inner})")
                            }
                        }
                    }
                    _ => random.pick(ATOMS).to_string(),
                };
                concat.push_str(&atom);
                if !ANCHORS.contains(&atom.as_str()) && random.below(2) == 0 {
                    concat.push_str(random.pick(REPEATS));
                }
            }
            out.push(concat);
        }
        out.join("|")
    }

    /// Thousands of random patterns and texts (small alphabet with a multi-byte character and
    /// `\n`): the backtracker and regex-lite agree on every match and every group's span.
    /// `\v` is left out of the texts: Go's `\s` excludes it, regex-lite's includes it.
    #[test]
    fn differential_against_regex_lite() {
        let mut random = Random(0x9E37_79B9_7F4A_7C15);
        let alphabet = ["a", "b", "c", "1", "é", "-", "\n", " ", "ab"];
        let (mut patterns, mut compared, mut matched) = (0, 0, 0);
        for _ in 0..4000 {
            let mut names = 0;
            let pattern = pattern(&mut random, 2, &mut names);
            let Ok(lite) = regex_lite::Regex::new(&pattern) else { continue };
            if GoRegex::compile(&pattern).is_err() {
                continue;
            }
            let Some(program) = Program::new(&pattern, lite.captures_len()) else {
                // regex-lite drops a last group repeated `{0}` from its count (Go counts it).
                assert!(
                    pattern.contains("[é-]") || pattern.contains("{0}"),
                    "{pattern} should be in the subset"
                );
                continue;
            };
            patterns += 1;
            let mut cache = Cache::default();
            for _ in 0..16 {
                let text: String = (0..random.below(9)).map(|_| random.pick(&alphabet)).collect();
                let expected = find_lite(&lite, &text);
                let found = program.search(&mut cache, &text).unwrap();
                let got = found.then(|| (0..cache.groups()).map(|i| cache.group(i)).collect());
                assert_eq!(got, expected, "{pattern:?} on {text:?}");
                compared += 1;
                matched += usize::from(found);
            }
        }
        assert!(patterns > 3000, "{patterns} patterns");
        // Both answers are frequent (an unanchored pattern often matches the empty text).
        assert!(
            matched > compared / 10 && compared - matched > compared / 10,
            "{matched}/{compared}"
        );
    }
}
