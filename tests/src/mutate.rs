//! Hostile variations of real files: byte flips, truncations, duplicated, deleted and
//! re-indented lines, YAML syntax characters, control characters and huge repetition.

use baton_core::FileTree;
use baton_core::tree::Content;

use crate::rng::Rng;

/// Characters with a meaning in YAML syntax.
pub const SYNTAX: &[u8] = b":-[]{}&*!|>'\"%@`#,?\t";

/// Snippets that stress a YAML parser or the engine's limits.
const SNIPPETS: &[&str] = &[
    "\0",
    "\u{feff}",
    "\r",
    "\r\n",
    "---\n",
    "...\n",
    "&a ",
    "*a",
    "<<: *a\n",
    "!!binary ",
    "!!int ",
    "!custom ",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "? ",
    "\u{2028}",
    "\u{85}",
    "é",
    "\u{1F600}",
    "\t",
    " #",
    "|-\n",
    ">+\n",
    "- - - - - - - -",
    "[[[[[[[[",
    "{{{{{{{{",
    "'",
    "\"\\u12",
    "${VAR}",
    "$(VAR)",
    "../../../",
    "/etc/passwd",
    "https://github.com/x/y//base?ref=v1",
    "1e999",
    "0x",
    ".inf",
    "-.NaN",
    "~",
    "null",
];

/// Values a scalar can be replaced with.
const VALUES: &[&str] = &[
    "",
    "~",
    "null",
    "[]",
    "{}",
    "*x",
    "&x y",
    "!!int x",
    "1e999",
    "-",
    "? x",
    "'",
    "\"",
    "|",
    ">-",
    "[a, {b: c}]",
    "true",
    "9999999999999999999999",
    "-1",
    "0",
    "../x",
    "/abs",
    "a/../../b",
    "http://x/y",
    "${X}",
    "\"\\xff\"",
];

/// Most bytes one "huge repetition" adds by default.
pub const MAX_GROWTH: usize = 1 << 20;

/// Applies 1 to 3 random hostile operators to `data`, with `donor` lines to splice in.
pub fn bytes(rng: &mut Rng, data: &[u8], donor: &[u8]) -> Vec<u8> {
    bytes_bounded(rng, data, donor, MAX_GROWTH)
}

/// [`bytes`], with a repetition adding at most `max_growth` bytes.
pub fn bytes_bounded(rng: &mut Rng, data: &[u8], donor: &[u8], max_growth: usize) -> Vec<u8> {
    let mut out = data.to_vec();
    for _ in 0..rng.range(1, 3) {
        operator(rng, &mut out, donor, max_growth);
    }
    out
}

fn line_starts(data: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        data.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i + 1)
            .filter(|&i| i < data.len()),
    );
    starts
}

/// The byte range of a random line (without its line break).
fn random_line(rng: &mut Rng, data: &[u8]) -> (usize, usize) {
    let starts = line_starts(data);
    let s = *rng.pick(&starts);
    let e = data[s..].iter().position(|b| *b == b'\n').map_or(data.len(), |p| s + p);
    (s, e)
}

fn operator(rng: &mut Rng, data: &mut Vec<u8>, donor: &[u8], max_growth: usize) {
    let len = data.len();
    match rng.below(12) {
        0 if len > 0 => {
            let i = rng.below(len);
            if rng.chance(50) {
                data[i] ^= 1 << rng.below(8);
            } else {
                data[i] = rng.below(256) as u8;
            }
        }
        1 => data.truncate(rng.below(len + 1)),
        2 if len > 0 => {
            let (s, e) = random_line(rng, data);
            let line: Vec<u8> = data[s..e].iter().copied().chain(std::iter::once(b'\n')).collect();
            for _ in 0..rng.range(1, 3) {
                data.splice(s..s, line.iter().copied());
            }
        }
        3 if len > 0 => {
            let (s, e) = random_line(rng, data);
            let e = (e + 1).min(data.len());
            data.drain(s..e);
        }
        4 => {
            let at = rng.below(len + 1);
            let n = rng.range(1, 4);
            let chars: Vec<u8> = (0..n).map(|_| *rng.pick(SYNTAX)).collect();
            data.splice(at..at, chars);
        }
        5 if len > 0 => {
            let (s, _) = random_line(rng, data);
            match rng.below(3) {
                0 => {
                    let n = rng.range(1, 5);
                    data.splice(s..s, std::iter::repeat_n(b' ', n));
                }
                1 => {
                    let n =
                        data[s..].iter().take_while(|b| **b == b' ').count().min(rng.range(1, 4));
                    data.drain(s..s + n);
                }
                _ => {
                    data.insert(s, b'\t');
                }
            }
        }
        6 if len > 0 => {
            // Huge repetition of a line or a slice, bounded by `max_growth`.
            let (s, e) = if rng.chance(50) {
                random_line(rng, data)
            } else {
                let s = rng.below(len);
                (s, (s + rng.range(1, 64)).min(len))
            };
            let mut unit = data[s..e].to_vec();
            if rng.chance(70) {
                unit.push(b'\n');
            }
            let times = rng.range(2, 5000).min(max_growth / unit.len().max(1)).max(1);
            let block: Vec<u8> = unit.iter().copied().cycle().take(unit.len() * times).collect();
            data.splice(e..e, block);
        }
        7 => {
            let at = rng.below(len + 1);
            let snippet = rng.pick(SNIPPETS).as_bytes().to_vec();
            data.splice(at..at, snippet);
        }
        8 if !donor.is_empty() => {
            let (ds, de) = random_line(rng, donor);
            let line: Vec<u8> =
                donor[ds..de].iter().copied().chain(std::iter::once(b'\n')).collect();
            let (s, _) = if data.is_empty() { (0, 0) } else { random_line(rng, data) };
            data.splice(s..s, line);
        }
        9 if len > 0 => {
            // Replace the value after a `: ` with a hostile one.
            let positions: Vec<usize> = data
                .windows(2)
                .enumerate()
                .filter(|(_, w)| w == b": ")
                .map(|(i, _)| i + 2)
                .collect();
            if let Some(&at) = positions.get(rng.below(positions.len().max(1))) {
                let end =
                    data[at..].iter().position(|b| *b == b'\n').map_or(data.len(), |p| at + p);
                data.splice(at..end, rng.pick(VALUES).bytes());
            }
        }
        10 if len > 0 => {
            // Swap two lines.
            let (s1, e1) = random_line(rng, data);
            let (s2, e2) = random_line(rng, data);
            if e1 < s2 {
                let (l1, l2) = (data[s1..e1].to_vec(), data[s2..e2].to_vec());
                data.splice(s2..e2, l1);
                data.splice(s1..e1, l2);
            }
        }
        _ => {
            // Line endings: all CRLF, or a BOM in front.
            if rng.chance(50) {
                let text: Vec<u8> = data
                    .iter()
                    .flat_map(|b| if *b == b'\n' { vec![b'\r', b'\n'] } else { vec![*b] })
                    .collect();
                *data = text;
            } else {
                data.splice(0..0, "\u{feff}".bytes());
            }
        }
    }
}

/// The bytes of a file in a tree (text or not).
#[must_use]
pub fn file_bytes(tree: &FileTree, path: &str) -> Vec<u8> {
    tree.get(path).and_then(|c| c.bytes().map(<[u8]>::to_vec)).unwrap_or_default()
}

/// A copy of `tree` with 1 to 3 files mutated, and sometimes a file removed, copied to a new
/// place, or a kustomization added that includes its parent (a cycle).
pub fn tree(rng: &mut Rng, tree: &FileTree) -> FileTree {
    tree_bounded(rng, tree, MAX_GROWTH)
}

/// [`tree`], with each repetition adding at most `max_growth` bytes.
pub fn tree_bounded(rng: &mut Rng, tree: &FileTree, max_growth: usize) -> FileTree {
    let mut out = tree.clone();
    let paths: Vec<String> = tree.paths().map(str::to_string).collect();
    if paths.is_empty() {
        return out;
    }
    for _ in 0..rng.range(1, 3) {
        let path = rng.pick(&paths).clone();
        let donor = file_bytes(tree, rng.pick(paths.as_slice()).as_str());
        let mutated = bytes_bounded(rng, &file_bytes(tree, &path), &donor, max_growth);
        out.insert_bytes(&path, mutated).expect("existing path");
    }
    match rng.below(8) {
        0 => {
            out.remove(rng.pick(paths.as_slice()).as_str());
        }
        1 => {
            let from = rng.pick(&paths).clone();
            let dir = baton_core::tree::parent(rng.pick(paths.as_slice()).as_str()).to_string();
            let name = *rng.pick(&[
                "kustomization.yaml",
                "kustomization.yml",
                "Kustomization",
                "x.yaml",
                "baton.yaml",
                "CODEOWNERS",
            ]);
            let to = if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") };
            out.insert_bytes(&to, file_bytes(tree, &from)).expect("valid path");
        }
        2 => {
            let dir = baton_core::tree::parent(rng.pick(paths.as_slice()).as_str()).to_string();
            let sub = if dir.is_empty() { "loop".to_string() } else { format!("{dir}/loop") };
            out.insert(&format!("{sub}/kustomization.yaml"), "resources:\n- ..\n")
                .expect("valid path");
            let parent_k = if dir.is_empty() {
                "kustomization.yaml".to_string()
            } else {
                format!("{dir}/kustomization.yaml")
            };
            if let Some(Content::Text(t)) = out.get(&parent_k) {
                let t = format!("{t}\nresources:\n- loop\n");
                out.insert(&parent_k, t).expect("valid path");
            }
        }
        _ => {}
    }
    out
}
