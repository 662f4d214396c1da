//! Reports as [`Comment`]s: a promotion plan, a validation, and the sections they share —
//! the gates table, file edits and diagnostics — for the reports of commands to come (an
//! image update and a preview are change sets with diagnostics too).

use baton_core::flux::ImageUpdate;
use baton_core::gates::evaluate::{GateResult, GateStatus};
use baton_core::promote::{FileEdit, PromotionPlan};
use baton_core::rollouts::WorkloadRollout;
use baton_core::rollouts::describe;
use baton_core::{Diagnostic, Severity};

use super::{Block, Comment, cell, code_span, text};

/// The mark of a gate's status.
#[must_use]
pub fn gate_icon(status: GateStatus) -> &'static str {
    match status {
        GateStatus::Pass => "✅",
        GateStatus::Pending => "⏳",
        GateStatus::Fail => "❌",
    }
}

fn severity_icon(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Info => "ℹ️",
        Severity::Hint => "💡",
    }
}

/// The gates as a table: status mark, gate, what it says.
#[must_use]
pub fn gates(gates: &[GateResult]) -> Block {
    Block::Table {
        header: vec![String::new(), "Gate".into(), "Result".into()],
        rows: gates
            .iter()
            .map(|g| vec![gate_icon(g.status).into(), code_span(&g.name), cell(&g.message)])
            .collect(),
    }
}

/// Each edit's unified diff, as a diff block.
#[must_use]
pub fn edits(edits: &[FileEdit]) -> Vec<Block> {
    edits.iter().map(|e| Block::Code { lang: "diff".into(), text: e.diff.clone() }).collect()
}

/// A collapsed diff, its summary counting its lines.
#[must_use]
pub fn collapsed_diff(what: &str, diff: &str) -> Block {
    let lines = diff.lines().count();
    Block::Details {
        summary: format!("{what} ({lines} lines)"),
        blocks: vec![Block::Code { lang: "diff".into(), text: diff.to_string() }],
    }
}

/// Diagnostics as a table: severity mark, code, location, message (and help).
#[must_use]
pub fn diagnostics(diagnostics: &[Diagnostic]) -> Block {
    let rows = diagnostics
        .iter()
        .map(|d| {
            let location = match (&d.file, d.line_col()) {
                (Some(file), Some((line, col))) => code_span(&format!("{file}:{line}:{col}")),
                (Some(file), None) => code_span(file),
                (None, _) => String::new(),
            };
            let mut message = cell(&d.message);
            if let Some(help) = &d.help {
                message.push_str(&format!(" — _{}_", cell(help)));
            }
            vec![severity_icon(d.severity).into(), d.code.to_string(), location, message]
        })
        .collect();
    Block::Table {
        header: vec![String::new(), "Code".into(), "Where".into(), "Problem".into()],
        rows,
    }
}

/// "2 errors, 1 warning"; empty when there is nothing.
fn counts(diagnostics: &[Diagnostic]) -> String {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    for (severity, word) in [(Severity::Error, "error"), (Severity::Warning, "warning")] {
        let n = count(severity);
        if n > 0 {
            parts.push(plural(n, word));
        }
    }
    let notes = count(Severity::Info) + count(Severity::Hint);
    if notes > 0 {
        parts.push(plural(notes, "note"));
    }
    parts.join(", ")
}

fn footer() -> Block {
    Block::Text(format!("<sub>Baton {}</sub>", baton_core::version()))
}

/// A promotion plan: verdict, gates, changes, edits, the rendered diff (collapsed) and
/// diagnostics. `pull_request` is the PR the comment is for, when known.
#[must_use]
pub fn plan(plan: &PromotionPlan, pull_request: Option<u64>) -> Comment {
    let from = plan.from.as_deref().unwrap_or("?");
    let errors = plan.diagnostics.iter().any(Diagnostic::is_error);
    let failed = plan.gates.iter().any(|g| g.status == GateStatus::Fail);
    let (icon, verdict) = if plan.allowed {
        ("✅", "allowed".to_string())
    } else if errors || failed {
        ("❌", "not allowed".to_string())
    } else {
        let waiting: Vec<String> = plan
            .gates
            .iter()
            .filter(|g| g.status == GateStatus::Pending)
            .map(|g| code_span(&g.name))
            .collect();
        ("⏳", format!("waiting on {}", waiting.join(", ")))
    };
    let title = format!("Promote {}: {from} → {}", plan.app, plan.to);
    let mut blocks = vec![
        Block::Text(format!("### {icon} {}: {verdict}", text(&title))),
        Block::Text(text(&plan.message)),
    ];
    if let Some(number) = pull_request {
        blocks.push(Block::Text(format!("Gates evaluated for pull request #{number}.")));
    }
    if !plan.gates.is_empty() {
        blocks.push(gates(&plan.gates));
    }
    if !plan.changes.is_empty() {
        let version = |v: &Option<String>| v.as_deref().map_or_else(|| "—".into(), code_span);
        blocks.push(Block::Text("#### Changes".into()));
        blocks.push(Block::Table {
            header: ["Workload", "Container", "From", "To", "File"].map(String::from).to_vec(),
            rows: plan
                .changes
                .iter()
                .map(|c| {
                    vec![
                        cell(&c.workload),
                        cell(&c.container),
                        version(&c.from),
                        version(&c.to),
                        c.file.as_deref().map_or_else(String::new, code_span),
                    ]
                })
                .collect(),
        });
    }
    if !plan.rollouts.is_empty() {
        blocks.push(Block::Text(format!("#### Rollout in {}", code_span(&plan.to))));
        for r in &plan.rollouts {
            blocks.extend(rollout(r));
        }
    }
    if !plan.edits.is_empty() {
        blocks.push(Block::Text("#### Edits".into()));
        blocks.extend(edits(&plan.edits));
    }
    if !plan.rendered_diff.is_empty() {
        blocks.push(collapsed_diff(&format!("Rendered diff of {}", plan.to), &plan.rendered_diff));
    }
    if !plan.diagnostics.is_empty() {
        blocks.push(Block::Text(format!("#### Diagnostics: {}", counts(&plan.diagnostics))));
        blocks.push(diagnostics(&plan.diagnostics));
    }
    blocks.push(footer());
    Comment { key: format!("promote:{}:{}", plan.app, plan.to), title, blocks }
}

/// Most states in a rollout's table; the rest are counted in one row.
const MAX_ROLLOUT_ROWS: usize = 25;

/// How one changed workload rolls out: strategy, risk, rollback, the update in one line, and
/// its states as a table.
#[must_use]
pub fn rollout(r: &WorkloadRollout) -> Vec<Block> {
    let via = if r.rolled_out_by == r.workload {
        String::new()
    } else {
        format!(" (rolls out {})", text(&r.workload))
    };
    let mut blocks = vec![
        Block::Text(format!(
            "**{}**{via}: {}, risk {}, rollback: {}",
            text(&r.rolled_out_by),
            r.strategy.label(),
            text(r.risk),
            text(r.rollback)
        )),
        Block::Text(cell(&r.summary)),
    ];
    if let Some(sim) = r.simulation.as_ref().filter(|s| !s.states.is_empty()) {
        blocks.push(Block::Table {
            header: describe::COLUMNS.map(String::from).to_vec(),
            rows: describe::rows(sim, MAX_ROLLOUT_ROWS)
                .into_iter()
                .map(|row| row.iter().map(|c| cell(c)).collect())
                .collect(),
        });
    }
    blocks
}

/// A preview's (or a cleanup's) comment, as the engine wrote it, with its diagnostics.
#[must_use]
pub fn preview(key: &str, comment: &str, found: &[Diagnostic]) -> Comment {
    let mut blocks = vec![Block::Text(comment.trim_end().to_string())];
    if !found.is_empty() {
        blocks.push(Block::Text(format!("#### Diagnostics: {}", counts(found))));
        blocks.push(diagnostics(found));
    }
    blocks.push(footer());
    Comment { key: key.to_string(), title: key.to_string(), blocks }
}

/// An image update: each policy's pick, the changes, edits, the rendered diff (collapsed) and
/// diagnostics (the policies' first).
#[must_use]
pub fn image_update(update: &ImageUpdate) -> Comment {
    let title = "Flux image update".to_string();
    let mut found: Vec<Diagnostic> =
        update.policies.iter().flat_map(|p| p.diagnostics.iter().cloned()).collect();
    found.extend(update.diagnostics.iter().cloned());
    let icon = if found.iter().any(Diagnostic::is_error) {
        "❌"
    } else if !update.collateral.is_empty() {
        "⚠️"
    } else {
        "✅"
    };
    let verdict = match update.changes.len() {
        0 => "no change".to_string(),
        1 => "1 change".to_string(),
        n => format!("{n} changes"),
    };
    let mut blocks = vec![Block::Text(format!("### {icon} {title}: {verdict}"))];
    if !update.policies.is_empty() {
        let pick = |p: &baton_core::flux::PolicyResult| {
            p.latest.as_deref().map_or_else(|| "—".into(), code_span)
        };
        blocks.push(Block::Table {
            header: ["Policy", "Kind", "Elected", "Candidates"].map(String::from).to_vec(),
            rows: update
                .policies
                .iter()
                .map(|p| {
                    vec![
                        code_span(&format!("{}/{}", p.namespace, p.name)),
                        p.kind.to_string(),
                        pick(p),
                        if p.pinned { "pinned".into() } else { p.candidates.to_string() },
                    ]
                })
                .collect(),
        });
    }
    if !update.changes.is_empty() {
        blocks.push(Block::Text("#### Changes".into()));
        blocks.push(Block::Table {
            header: ["File", "Object", "From", "To", "Setter"].map(String::from).to_vec(),
            rows: update
                .changes
                .iter()
                .map(|c| {
                    vec![
                        code_span(&c.path),
                        if c.object.kind.is_empty() {
                            String::new()
                        } else {
                            cell(&format!("{}/{}", c.object.kind, c.object.name))
                        },
                        code_span(&c.old),
                        code_span(&c.new),
                        code_span(&c.setter),
                    ]
                })
                .collect(),
        });
    }
    for c in &update.collateral {
        blocks.push(Block::Text(format!("⚠️ {}", text(&c.message))));
    }
    for a in &update.automations {
        let Some(commit) = &a.commit else { continue };
        blocks.push(Block::Text(format!(
            "#### Commit by {} ({})",
            text(&commit.author.name),
            code_span(&format!("{}/{}", a.namespace, a.name))
        )));
        blocks.push(Block::Code { lang: "text".into(), text: commit.message.clone() });
    }
    if !update.edits.is_empty() {
        blocks.push(Block::Text("#### Edits".into()));
        blocks.extend(edits(&update.edits));
    }
    if !update.rendered_diff.is_empty() {
        let what = format!("Rendered diff of {}", update.overlays.join(", "));
        blocks.push(collapsed_diff(&what, &update.rendered_diff));
    }
    if !found.is_empty() {
        blocks.push(Block::Text(format!("#### Diagnostics: {}", counts(&found))));
        blocks.push(diagnostics(&found));
    }
    blocks.push(footer());
    Comment { key: "image-update".into(), title, blocks }
}

/// A validation: a verdict line and every diagnostic.
#[must_use]
pub fn validation(found: &[Diagnostic]) -> Comment {
    let title = "Baton validate".to_string();
    let summary = counts(found);
    let icon = if found.iter().any(Diagnostic::is_error) {
        "❌"
    } else if found.iter().any(|d| d.severity == Severity::Warning) {
        "⚠️"
    } else {
        "✅"
    };
    let verdict = if summary.is_empty() { "no problems".to_string() } else { summary };
    let mut blocks = vec![Block::Text(format!("### {icon} {title}: {verdict}"))];
    if !found.is_empty() {
        blocks.push(diagnostics(found));
    }
    blocks.push(footer());
    Comment { key: "validate".into(), title, blocks }
}
