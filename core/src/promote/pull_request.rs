//! The pull request a promotion becomes: title, a branch name git accepts, and a markdown
//! body with the change table, how each changed workload rolls out, the gate verdicts and the
//! rendered diff.

use super::{PromotionPlan, PullRequest};
use crate::changeset::Change;
use crate::gates::evaluate::GateStatus;
use crate::pipeline::App;
use crate::rollouts::describe;

/// Largest rendered diff embedded in a PR body; GitHub rejects bodies over 65536 chars.
const MAX_DIFF_IN_BODY: usize = 40_000;
/// Most states shown in a rollout's table; the rest are counted.
const MAX_STATES_IN_BODY: usize = 25;
/// Longest summary or table cell of a rollout (a step may name thousands of templates).
const MAX_TEXT_IN_BODY: usize = 500;
/// Past this many characters of rollout tables, further workloads get their summary only.
const MAX_ROLLOUTS_IN_BODY: usize = 12_000;

/// Composes the pull request of a plan with changes.
#[must_use]
pub fn compose(plan: &PromotionPlan, app: &App) -> PullRequest {
    let from = plan.from.as_deref().unwrap_or("?");
    let versions = distinct_versions(plan);
    let label = match versions.as_slice() {
        [one] => short_version(one),
        many => format!("{} images", many.len().max(plan.changes.len())),
    };
    let title = format!("promote({}): {from} → {} ({label})", plan.app, plan.to);
    let branch = branch_name(&format!(
        "promote/{}/{}-{}",
        plan.app,
        plan.to,
        versions.first().map_or("update".into(), |v| short_version(v))
    ));
    PullRequest { title, branch, body: body(plan, app) }
}

fn distinct_versions(plan: &PromotionPlan) -> Vec<String> {
    let mut versions: Vec<String> = plan.changes.iter().filter_map(|c| c.to.clone()).collect();
    crate::sort::sort(&mut versions);
    versions.dedup();
    versions
}

/// A tag as is; a digest as `sha256:` plus its first 12 hex digits.
#[must_use]
pub fn short_version(version: &str) -> String {
    match version.split_once(':') {
        Some((algo, hex)) if algo.starts_with("sha") && hex.len() > 12 => {
            format!("{algo}:{}", &hex[..12])
        }
        _ => version.to_string(),
    }
}

/// Makes a string a valid git branch name (`git check-ref-format --branch`).
#[must_use]
pub fn branch_name(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let bad = c.is_control()
            || c.is_whitespace()
            || matches!(c, '~' | '^' | ':' | '?' | '*' | '[' | '\\' | '@' | '{' | '}');
        out.push(if bad { '-' } else { c });
    }
    while out.contains("..") {
        out = out.replace("..", ".");
    }
    while out.contains("//") {
        out = out.replace("//", "/");
    }
    let parts: Vec<String> = out
        .split('/')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let p = p.trim_start_matches('.').trim_end_matches(".lock").trim_end_matches('.');
            if p.is_empty() { "x".to_string() } else { p.to_string() }
        })
        .collect();
    let joined = parts.join("/");
    if joined.is_empty() { "promote".into() } else { joined }
}

fn body(plan: &PromotionPlan, app: &App) -> String {
    let from = plan.from.as_deref().unwrap_or("?");
    let mut b =
        format!("Promotes **{}** from `{from}` to `{}` (`{}`).\n\n", plan.app, plan.to, app.path);
    if plan.downgrade {
        b.push_str(&format!(
            "> [!WARNING]\n> This promotion **downgrades** `{}`: it runs newer versions than `{from}` (semver).\n\n",
            plan.to
        ));
    }
    b.push_str("| workload | container | image | from | to |\n| --- | --- | --- | --- | --- |\n");
    for c in &plan.changes {
        let v = |s: &Option<String>| s.as_deref().map_or("—".to_string(), |v| format!("`{v}`"));
        b.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            c.workload,
            c.container,
            c.name,
            v(&c.from),
            v(&c.to)
        ));
    }
    rollouts(&mut b, plan);
    b.push_str("\n### Gates\n\n| gate | status | details |\n| --- | --- | --- |\n");
    for g in &plan.gates {
        let status = match g.status {
            GateStatus::Pass => "✅ pass",
            GateStatus::Pending => "⏳ pending",
            GateStatus::Fail => "❌ fail",
        };
        b.push_str(&format!("| {} | {status} | {} |\n", g.name, g.message.replace('|', "\\|")));
    }
    if !plan.collateral.is_empty() {
        b.push_str("\n### Collateral changes\n\nThe edits also change what these render, beyond the images above:\n\n");
        b.push_str("| overlay | resource | change |\n| --- | --- | --- |\n");
        for c in &plan.collateral {
            let what = match c.change {
                Change::Added => "added".to_string(),
                Change::Removed => "removed".to_string(),
                Change::Modified => {
                    let fields: Vec<String> = c
                        .fields
                        .iter()
                        .map(|f| format!("`{}`", f.describe().replace('`', "'")))
                        .collect();
                    fields.join("<br>")
                }
            };
            b.push_str(&format!(
                "| `{}` | {} | {} |\n",
                c.overlay,
                c.resource.label(),
                what.replace('|', "\\|")
            ));
        }
    }
    if !plan.drift.is_empty() {
        let from = plan.from.as_deref().unwrap_or("the source");
        b.push_str(&format!(
            "\n### What else differs between {from} and {}\n\nNot carried by this promotion (namespaces, name prefixes and promoted images left aside):\n\n",
            plan.to
        ));
        b.push_str(&format!(
            "| resource | field | {from} | {} |\n| --- | --- | --- | --- |\n",
            plan.to
        ));
        let cell = |s: &Option<String>| {
            s.as_deref().map_or_else(|| "—".to_string(), |v| format!("`{}`", v.replace('`', "'")))
        };
        for r in &plan.drift {
            let what = format!("{}/{}", r.kind, r.name);
            if r.from.is_none() || r.to.is_none() {
                let side = if r.from.is_none() { plan.to.as_str() } else { from };
                b.push_str(&format!("| {what} | only in {side} | | |\n"));
            }
            for d in &r.differences {
                b.push_str(&format!(
                    "| {what} | `{}` | {} | {} |\n",
                    d.path,
                    cell(&d.from).replace('|', "\\|"),
                    cell(&d.to).replace('|', "\\|")
                ));
            }
        }
    }
    if !plan.edits.is_empty() {
        b.push_str("\n### Files\n\n");
        for e in &plan.edits {
            b.push_str(&format!("- `{}`\n", e.path));
        }
    }
    if !plan.rendered_diff.is_empty() {
        let mut diff = clip(&plan.rendered_diff, MAX_DIFF_IN_BODY);
        if diff.len() < plan.rendered_diff.len() {
            diff.push_str("\n… (truncated)\n");
        }
        b.push_str(&format!("\n<details><summary>Rendered diff of {}</summary>\n\n```diff\n{diff}```\n\n</details>\n", plan.to));
    }
    b.push_str(&format!("\n_Planned by Baton {}._\n", crate::version()));
    b
}

/// How each changed workload rolls out in the target: strategy, risk and rollback from the
/// seed's table, the update in one line, and its states.
fn rollouts(b: &mut String, plan: &PromotionPlan) {
    if plan.rollouts.is_empty() {
        return;
    }
    let start = b.len();
    b.push_str(&format!("\n### Rollout in `{}`\n", plan.to));
    for r in &plan.rollouts {
        let via = if r.rolled_out_by == r.workload {
            String::new()
        } else {
            format!(" (rolls out {})", r.workload)
        };
        b.push_str(&format!(
            "\n**{}**{via}: {} ({}). Risk: {}. Rollback: {}.\n\n{}\n",
            r.rolled_out_by,
            r.strategy.label(),
            r.how,
            r.risk,
            r.rollback,
            clip(&r.summary, MAX_TEXT_IN_BODY).replace('|', "\\|")
        ));
        let Some(sim) = &r.simulation else { continue };
        if sim.states.is_empty() || b.len() - start > MAX_ROLLOUTS_IN_BODY {
            continue;
        }
        b.push_str(&format!("\n| {} |\n|{}\n", describe::COLUMNS.join(" | "), " --- |".repeat(6)));
        for row in describe::rows(sim, MAX_STATES_IN_BODY) {
            b.push('|');
            for cell in row {
                b.push_str(&format!(" {} |", clip(&cell, MAX_TEXT_IN_BODY).replace('|', "\\|")));
            }
            b.push('\n');
        }
    }
}

/// `text` cut to at most `max` bytes, at a character boundary.
fn clip(text: &str, max: usize) -> String {
    let mut cut = max.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[..cut].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_names_are_git_safe() {
        assert_eq!(branch_name("promote/pay/production-abc1234"), "promote/pay/production-abc1234");
        assert_eq!(branch_name("promote/pay/prod-sha256:abc"), "promote/pay/prod-sha256-abc");
        assert_eq!(branch_name("a..b//c/.d/e.lock/f."), "a.b/c/d/e/f");
        assert_eq!(branch_name("x y~z^"), "x-y-z-");
    }

    #[test]
    fn digests_are_shortened() {
        assert_eq!(short_version(&format!("sha256:{}", "ab".repeat(32))), "sha256:abababababab");
        assert_eq!(short_version("abc1234"), "abc1234");
    }
}
