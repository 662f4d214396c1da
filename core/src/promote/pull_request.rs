//! The pull request a promotion becomes: title, a branch name git accepts, and a markdown
//! body with the change table, the gate verdicts and the rendered diff.

use super::{PromotionPlan, PullRequest};
use crate::changeset::Change;
use crate::gates::evaluate::GateStatus;
use crate::pipeline::App;

/// Largest rendered diff embedded in a PR body; GitHub rejects bodies over 65536 chars.
const MAX_DIFF_IN_BODY: usize = 40_000;

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
        let mut diff = plan.rendered_diff.clone();
        if diff.len() > MAX_DIFF_IN_BODY {
            let mut cut = MAX_DIFF_IN_BODY;
            while !diff.is_char_boundary(cut) {
                cut -= 1;
            }
            diff.truncate(cut);
            diff.push_str("\n… (truncated)\n");
        }
        b.push_str(&format!("\n<details><summary>Rendered diff of {}</summary>\n\n```diff\n{diff}```\n\n</details>\n", plan.to));
    }
    b.push_str(&format!("\n_Planned by Baton {}._\n", crate::version()));
    b
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
