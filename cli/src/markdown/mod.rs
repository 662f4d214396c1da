//! Markdown for pull request comments: one writer for every command that reports to a PR.
//!
//! A command builds a [`Comment`] — a title and [`Block`]s: text, tables, code blocks and
//! collapsed `<details>` sections — and [`Comment::parts`] writes it as one or more comment
//! bodies, each within GitHub's limit of 65,536 characters per comment. A long comment is cut
//! only between lines, and each part stands alone: a cut inside a code block closes its fence
//! and opens it again (with the same fence and language) in the next part, a cut inside
//! `<details>` closes and reopens it with its summary marked "(continued)", and a cut inside a
//! table repeats the header row. Every part begins with a hidden marker,
//! `<!-- baton:KEY part I of N -->`, by which a workflow can find (and replace) the comments of
//! an earlier run.
//!
//! Sizes are counted in UTF-8 bytes, which is never less than GitHub's count of characters
//! (whether it counts code points or UTF-16 units), so a part that fits here fits there.
//! Output is bounded: at most [`MAX_PARTS`] parts; what does not fit is left out with a note
//! saying how much, and that the job log has all of it.
//!
//! Builders for reports live in [`report`]: promotion plans and diagnostics today, and the
//! sections (gates, edits, diagnostics) later reports reuse.

pub mod report;

use std::path::{Path, PathBuf};

/// GitHub's limit on a comment body.
pub const COMMENT_LIMIT: usize = 65_536;

/// The most comments one report becomes.
pub const MAX_PARTS: usize = 10;

/// Room kept free in every part for the closing of open sections and the truncation note.
const RESERVE: usize = 400;

/// A piece of a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// Markdown written as is (a heading, a paragraph), then a blank line. Build it with
    /// [`text`] and [`code_span`] so that user data cannot change its structure.
    Text(String),
    /// A table; cells are markdown (use [`cell`]).
    Table { header: Vec<String>, rows: Vec<Vec<String>> },
    /// A fenced code block, `lang` being its info string (`diff`, `yaml`, or empty).
    Code { lang: String, text: String },
    /// A collapsed section; the summary is plain text (it is escaped for HTML).
    Details { summary: String, blocks: Vec<Block> },
}

/// A report for a pull request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Names the report in the parts' hidden markers (`promote:web:production`).
    pub key: String,
    /// Plain text, shown at the head of every part after the first.
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Comment {
    /// The comment as bodies within GitHub's limit.
    #[must_use]
    pub fn parts(&self) -> Vec<String> {
        self.parts_within(COMMENT_LIMIT, MAX_PARTS)
    }

    /// The comment as bodies of at most `limit` bytes, at most `max_parts` of them.
    #[must_use]
    pub fn parts_within(&self, limit: usize, max_parts: usize) -> Vec<String> {
        let mut writer = Writer::new(self, limit, max_parts.max(1));
        writer.blocks(&self.blocks);
        writer.finish()
    }
}

/// A section open at the point the writer has reached.
#[derive(Debug, Clone)]
enum Open {
    Details { summary: String },
    Code { fence: String, lang: String },
    Table { header: String },
}

impl Open {
    fn opening(&self, continued: bool) -> String {
        match self {
            Open::Details { summary } => {
                let more = if continued { " (continued)" } else { "" };
                format!("<details><summary>{}{more}</summary>\n\n", html(summary))
            }
            Open::Code { fence, lang } => format!("{fence}{lang}\n"),
            Open::Table { header } => header.clone(),
        }
    }

    fn closing(&self) -> String {
        match self {
            Open::Details { .. } => "</details>\n\n".into(),
            Open::Code { fence, .. } => format!("{fence}\n\n"),
            Open::Table { .. } => "\n".into(),
        }
    }
}

struct Writer<'c> {
    comment: &'c Comment,
    limit: usize,
    max_parts: usize,
    parts: Vec<String>,
    current: String,
    open: Vec<Open>,
    /// Whether `max_parts` is reached: the last part is closed, and lines are only counted.
    dropping: bool,
    /// Lines left out.
    dropped: usize,
}

impl<'c> Writer<'c> {
    fn new(comment: &'c Comment, limit: usize, max_parts: usize) -> Writer<'c> {
        let mut writer = Writer {
            comment,
            limit,
            max_parts,
            parts: Vec::new(),
            current: String::new(),
            open: Vec::new(),
            dropping: false,
            dropped: 0,
        };
        writer.current = writer.header(1);
        writer
    }

    /// The first lines of part `number`. `NN` stands for the count, filled in at the end.
    fn header(&self, number: usize) -> String {
        let marker = format!("<!-- baton:{} part {number} of NN -->\n", self.comment.key);
        if number == 1 {
            marker
        } else {
            format!("{marker}**{}** (continued)\n\n", text(&self.comment.title))
        }
    }

    fn closing(&self) -> String {
        self.open.iter().rev().map(Open::closing).collect()
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Text(t) => {
                for line in t.trim_end_matches('\n').split_inclusive('\n') {
                    self.line(line.trim_end_matches('\n'), false);
                }
                self.line("", false);
            }
            Block::Table { header, rows } => {
                let row = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
                let rule = vec!["---".to_string(); header.len()];
                let head = format!("{}{}", row(header), row(&rule));
                self.enter(Open::Table { header: head });
                for r in rows {
                    self.line(row(r).trim_end_matches('\n'), false);
                }
                self.leave();
            }
            Block::Code { lang, text } => {
                self.enter(Open::Code { fence: fence(text), lang: lang.clone() });
                for line in text.lines() {
                    self.line(line, true);
                }
                self.leave();
            }
            Block::Details { summary, blocks } => {
                self.enter(Open::Details { summary: summary.clone() });
                self.blocks(blocks);
                self.leave();
            }
        }
    }

    /// Opens a section.
    fn enter(&mut self, open: Open) {
        let opening = open.opening(false);
        let closing = format!("{}{}", open.closing(), self.closing());
        if !self.dropping && !self.fits(&opening, &closing) {
            self.break_part();
        }
        if !self.dropping {
            self.current.push_str(&opening);
        }
        self.open.push(open);
    }

    /// Closes the innermost section.
    fn leave(&mut self) {
        if let Some(open) = self.open.pop()
            && !self.dropping
        {
            self.current.push_str(&open.closing());
        }
    }

    fn fits(&self, text: &str, closing: &str) -> bool {
        self.current.len() + text.len() + closing.len() + RESERVE <= self.limit
    }

    /// Room for one line in a part that holds only its header and the reopened sections.
    fn room(&self) -> usize {
        let reopened: usize = self.open.iter().map(|o| o.opening(true).len()).sum();
        let used = self.header(self.max_parts).len() + reopened + self.closing().len() + RESERVE;
        self.limit.saturating_sub(used).max(16)
    }

    /// Writes one line (without its newline). A line too long for any part is cut: code into
    /// several lines, anything else short with `…`.
    fn line(&mut self, line: &str, code: bool) {
        let room = self.room();
        if line.len() + 1 > room {
            if code {
                let mut rest = line;
                while !rest.is_empty() {
                    let cut = floor_char_boundary(rest, room - 1);
                    let cut =
                        if cut == 0 { rest.chars().next().map_or(1, char::len_utf8) } else { cut };
                    self.line(&rest[..cut], true);
                    rest = &rest[cut..];
                }
            } else {
                let cut = floor_char_boundary(line, room.saturating_sub(4));
                self.line(&format!("{}…", &line[..cut]), false);
            }
            return;
        }
        let text = format!("{line}\n");
        if !self.dropping && !self.fits(&text, &self.closing()) {
            self.break_part();
        }
        if self.dropping {
            self.dropped += 1;
            return;
        }
        self.current.push_str(&text);
    }

    /// Ends the current part and starts the next, reopening the open sections; at the last
    /// part allowed, closes it for good and starts dropping.
    fn break_part(&mut self) {
        let closing = self.closing();
        if self.parts.len() + 1 >= self.max_parts {
            self.current.push_str(&closing);
            self.dropping = true;
            return;
        }
        let next = self.header(self.parts.len() + 2);
        let mut done = std::mem::replace(&mut self.current, next);
        done.push_str(&closing);
        self.parts.push(done);
        let reopened: String = self.open.iter().map(|o| o.opening(true)).collect();
        self.current.push_str(&reopened);
    }

    fn finish(mut self) -> Vec<String> {
        if self.dropping {
            self.current.push_str(&format!(
                "> [!WARNING]\n> {} more lines did not fit in {} comments; the job log has the complete report.\n",
                self.dropped, self.max_parts
            ));
        } else {
            let closing = self.closing();
            self.current.push_str(&closing);
        }
        self.parts.push(self.current);
        let count = self.parts.len().to_string();
        let marker = format!("<!-- baton:{} part ", self.comment.key);
        self.parts
            .into_iter()
            .map(|part| match part.find(" of NN -->") {
                Some(at) if part.starts_with(&marker) => {
                    format!("{}{count}{}", &part[..at + 4], &part[at + 6..])
                }
                _ => part,
            })
            .collect()
    }
}

/// The largest char boundary of `s` at or below `at`.
fn floor_char_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// A code fence longer than any run of backticks in `text`, so the text cannot close it.
fn fence(text: &str) -> String {
    "`".repeat((longest_backticks(text) + 1).max(3))
}

fn longest_backticks(text: &str) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// `s` for HTML text (a `<summary>`).
#[must_use]
pub fn html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Plain text as markdown that reads the same: markdown's punctuation is escaped, and HTML
/// cannot open.
#[must_use]
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The most characters a table cell shows.
const MAX_CELL: usize = 1_000;

/// Plain text as a table cell: [`text`] on one line, at most 1,000 characters.
#[must_use]
pub fn cell(s: &str) -> String {
    let cut = floor_char_boundary(s, MAX_CELL);
    let more = if cut < s.len() { "…" } else { "" };
    format!("{}{more}", text(&s[..cut]))
}

/// `s` as inline code, whatever backticks it holds.
#[must_use]
pub fn code_span(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let ticks = "`".repeat(longest_backticks(&s) + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{s}{pad}{ticks}")
}

/// Where a command's markdown goes besides standard output.
#[derive(Debug, Clone, clap::Args)]
pub struct MarkdownArgs {
    /// With --format markdown: also write the comment to DIR/part-01.md, DIR/part-02.md, ...,
    /// each under GitHub's 65,536-character limit, to post one by one
    #[arg(long, value_name = "DIR")]
    pub comment_dir: Option<PathBuf>,
}

impl MarkdownArgs {
    /// Refuses `--comment-dir` with another format than markdown.
    pub fn check(&self, markdown: bool) -> Result<(), String> {
        if self.comment_dir.is_some() && !markdown {
            return Err("--comment-dir needs --format markdown".into());
        }
        Ok(())
    }
}

/// The parts one after another, for standard output.
#[must_use]
pub fn joined(parts: &[String]) -> String {
    parts.join("\n")
}

/// Writes the parts to `dir` as `part-01.md`, ..., after removing the parts of an earlier run.
pub fn write_parts(dir: &Path, parts: &[String]) -> Result<(), String> {
    let fail =
        |e: std::io::Error| format!("cannot write comment parts to '{}': {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(fail)?;
    for entry in std::fs::read_dir(dir).map_err(fail)? {
        let path = entry.map_err(fail)?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("part-") && path.extension().is_some_and(|e| e == "md") {
            std::fs::remove_file(&path).map_err(fail)?;
        }
    }
    for (i, part) in parts.iter().enumerate() {
        std::fs::write(dir.join(format!("part-{:02}.md", i + 1)), part).map_err(fail)?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::format_collect)] // building large inputs
mod tests {
    use super::*;

    fn comment(blocks: Vec<Block>) -> Comment {
        Comment { key: "test".into(), title: "A report".into(), blocks }
    }

    /// Every fence opened in `part` is closed, and `<details>` tags pair up.
    fn balanced(part: &str) -> bool {
        let mut fence: Option<&str> = None;
        for line in part.lines() {
            match fence {
                Some(f) if line == f => fence = None,
                None if line.starts_with("```") => {
                    let ticks = line.len() - line.trim_start_matches('`').len();
                    fence = Some(&line[..ticks]);
                }
                _ => {}
            }
        }
        fence.is_none() && part.matches("<details>").count() == part.matches("</details>").count()
    }

    #[test]
    fn a_short_comment_is_one_part() {
        let c = comment(vec![
            Block::Text("### Title".into()),
            Block::Table {
                header: vec!["a".into(), "b".into()],
                rows: vec![vec!["1".into(), "2".into()]],
            },
            Block::Details {
                summary: "diff <x>".into(),
                blocks: vec![Block::Code { lang: "diff".into(), text: "-a\n+b\n".into() }],
            },
        ]);
        let parts = c.parts();
        assert_eq!(parts.len(), 1);
        assert_eq!(
            parts[0],
            "<!-- baton:test part 1 of 1 -->\n### Title\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n<details><summary>diff &lt;x&gt;</summary>\n\n```diff\n-a\n+b\n```\n\n</details>\n\n"
        );
    }

    #[test]
    fn a_huge_code_block_is_split_into_self_contained_parts() {
        let diff: String =
            (0..40_000).map(|i| format!("+line {i} of a very large rendered diff\n")).collect();
        let c = comment(vec![
            Block::Text("### Plan".into()),
            Block::Details {
                summary: "Rendered diff".into(),
                blocks: vec![Block::Code { lang: "diff".into(), text: diff.clone() }],
            },
            Block::Text("after".into()),
        ]);
        let parts = c.parts_within(COMMENT_LIMIT, 100);
        assert!(parts.len() >= 25, "{}", parts.len());
        let n = parts.len();
        let mut lines = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            assert!(part.len() <= COMMENT_LIMIT, "part {i}: {}", part.len());
            assert!(
                part.starts_with(&format!("<!-- baton:test part {} of {n} -->\n", i + 1)),
                "{i}"
            );
            assert!(balanced(part), "part {i} is not self-contained");
            if i > 0 {
                assert!(part.contains("**A report** (continued)"));
                assert!(part.contains(
                    "<details><summary>Rendered diff (continued)</summary>\n\n```diff\n"
                ));
            }
            lines.extend(part.lines().filter(|l| l.starts_with("+line")).map(str::to_string));
        }
        // Nothing lost, nothing repeated, in order.
        assert_eq!(lines.join("\n") + "\n", diff);
        assert!(parts[n - 1].ends_with("after\n\n"));
    }

    #[test]
    fn tables_repeat_their_header_in_each_part() {
        let rows: Vec<Vec<String>> =
            (0..3_000).map(|i| vec![format!("r{i}"), "x".repeat(40)]).collect();
        let c = comment(vec![Block::Table { header: vec!["name".into(), "value".into()], rows }]);
        let parts = c.parts_within(20_000, 100);
        assert!(parts.len() > 3);
        for part in &parts {
            assert!(part.len() <= 20_000);
            assert!(part.contains("| name | value |\n| --- | --- |\n"), "{part}");
        }
        let count: usize = parts.iter().map(|p| p.matches("| r").count()).sum();
        assert_eq!(count, 3_000);
    }

    #[test]
    fn output_is_bounded_and_says_what_it_left_out() {
        let diff: String = (0..100_000).map(|i| format!("+{i}\n")).collect();
        let c = comment(vec![Block::Code { lang: "diff".into(), text: diff }]);
        let parts = c.parts_within(10_000, 3);
        assert_eq!(parts.len(), 3);
        let last = &parts[2];
        assert!(balanced(last));
        assert!(last.contains("more lines did not fit in 3 comments"), "{last}");
        let shown: usize =
            parts.iter().map(|p| p.lines().filter(|l| l.starts_with('+')).count()).sum();
        let dropped: usize =
            last.split("> ").nth(2).unwrap().split(' ').next().unwrap().parse().unwrap();
        assert_eq!(shown + dropped, 100_000);
    }

    #[test]
    fn a_line_longer_than_a_part_is_cut() {
        let long = "é".repeat(30_000);
        let c = comment(vec![Block::Code { lang: String::new(), text: format!("{long}\n") }]);
        let parts = c.parts_within(10_000, 20);
        assert!(parts.len() > 1);
        let mut joined = String::new();
        for part in &parts {
            assert!(part.len() <= 10_000);
            assert!(balanced(part));
            joined.extend(part.lines().filter(|l| l.starts_with('é')));
        }
        assert_eq!(joined, long);
    }

    #[test]
    fn fences_outgrow_the_backticks_of_the_text() {
        let c = comment(vec![Block::Code {
            lang: "yaml".into(),
            text: "a: |\n  ```\n  x\n  ````\n".into(),
        }]);
        let part = &c.parts()[0];
        assert!(part.contains("\n`````yaml\na: |\n"), "{part}");
        assert!(part.contains("  ````\n`````\n"), "{part}");
    }

    #[test]
    fn user_text_is_escaped() {
        assert_eq!(text("a|b <img> *x* `y`\nz"), "a\\|b &lt;img&gt; \\*x\\* \\`y\\` z");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(cell(&"x".repeat(1_500)).chars().count(), 1_001);
        assert_eq!(html("<a & b>"), "&lt;a &amp; b&gt;");
    }
}
