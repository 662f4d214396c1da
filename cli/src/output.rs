//! Printing results: `file:line:col: severity[CODE]: message` for people, JSON for tools
//! (the same shapes the JS API returns), SARIF 2.1.0 for code-scanning UIs.
//!
//! Text for people may be colored ([`Palette`]); the words stay the same, so a colored and a
//! plain run differ only by escape codes.

use anstyle::{AnsiColor, Style};
use baton_core::envdiff::{EnvironmentDiff, ResourceDiff};
use baton_core::{Diagnostic, Severity};
use serde::Serialize;
use serde_json::{Value, json};

use crate::commands::promote::Obstacle;

/// Whether, and how, text for people is colored.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    color: bool,
}

impl Palette {
    #[must_use]
    pub fn new(color: bool) -> Palette {
        Palette { color }
    }

    fn paint(self, style: Style, text: &str) -> String {
        if self.color { format!("{style}{text}{style:#}") } else { text.to_string() }
    }

    fn severity(self, severity: Severity) -> String {
        let color = match severity {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Blue,
            Severity::Hint => AnsiColor::Cyan,
        };
        self.paint(Style::new().bold().fg_color(Some(color.into())), severity.as_str())
    }

    fn good(self, text: &str) -> String {
        self.paint(Style::new().bold().fg_color(Some(AnsiColor::Green.into())), text)
    }

    fn bad(self, text: &str) -> String {
        self.paint(Style::new().bold().fg_color(Some(AnsiColor::Red.into())), text)
    }

    fn waiting(self, text: &str) -> String {
        self.paint(Style::new().bold().fg_color(Some(AnsiColor::Yellow.into())), text)
    }
}

/// One line per diagnostic (1-based line and column), with `help:` and related lines.
pub fn diagnostics_text(diagnostics: &[Diagnostic], palette: Palette) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let location = match (&d.file, d.line_col()) {
            (Some(file), Some((line, col))) => format!("{file}:{line}:{col}: "),
            (Some(file), None) => format!("{file}: "),
            (None, _) => String::new(),
        };
        let severity = palette.severity(d.severity);
        out.push_str(&format!("{location}{severity}[{}]: {}\n", d.code, d.message));
        if let Some(help) = &d.help {
            out.push_str(&format!("  help: {help}\n"));
        }
        for related in &d.related {
            let at = related.range.map_or(String::new(), |r| {
                format!(":{}:{}", r.start.line + 1, r.start.character + 1)
            });
            out.push_str(&format!("  note: {}{at}: {}\n", related.file, related.message));
        }
    }
    out
}

/// The apps × environments matrix, with pending promotions under each app.
pub fn status_text(status: &baton_core::status::Status, palette: Palette) -> String {
    let mut out = String::new();
    for app in &status.apps {
        out.push_str(&format!("{} ({})\n", app.name, app.path));
        let envs: Vec<&str> = status
            .environments
            .iter()
            .map(String::as_str)
            .filter(|e| app.environments.iter().any(|x| x.name == *e))
            .collect();
        let mut rows: Vec<(String, Vec<String>)> = Vec::new();
        for env in &app.environments {
            for image in &env.images {
                let key = format!("{} {}", image.workload, image.container);
                let column = envs.iter().position(|e| *e == env.name).unwrap_or(0);
                let index = if let Some(i) = rows.iter().position(|(k, _)| *k == key) {
                    i
                } else {
                    rows.push((key, vec!["-".to_string(); envs.len()]));
                    rows.len() - 1
                };
                rows[index].1[column] =
                    image.version().map_or_else(|| "(untagged)".to_string(), short);
            }
            if !env.ok {
                rows.push((
                    format!("({} does not render)", env.name),
                    vec![String::new(); envs.len()],
                ));
            }
        }
        // Which clusters apply each environment (Flux Kustomizations, Argo CD Applications).
        if app.environments.iter().any(|e| !e.deployments.is_empty()) {
            let mut cells = vec!["-".to_string(); envs.len()];
            for env in &app.environments {
                let column = envs.iter().position(|e| *e == env.name).unwrap_or(0);
                let clusters: Vec<&str> = env
                    .deployments
                    .iter()
                    .map(|d| d.cluster.as_deref().unwrap_or("(no cluster)"))
                    .collect();
                if !clusters.is_empty() {
                    cells[column] = clusters.join(",");
                }
            }
            rows.push(("(deployed to)".to_string(), cells));
        }
        let first = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0).max(9);
        let widths: Vec<usize> = envs
            .iter()
            .enumerate()
            .map(|(i, e)| {
                rows.iter()
                    .map(|(_, v)| v[i].chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(e.chars().count())
            })
            .collect();
        let line = |key: &str, cells: &[String]| {
            let mut l = format!("  {key:first$}");
            for (v, w) in cells.iter().zip(&widths) {
                l.push_str(&format!("  {v:w$}"));
            }
            format!("{}\n", l.trim_end())
        };
        let header: Vec<String> = envs.iter().map(|e| (*e).to_string()).collect();
        out.push_str(&line("CONTAINER", &header));
        for (key, values) in &rows {
            out.push_str(&line(key, values));
        }
        for env in &app.environments {
            for d in &env.applications {
                let via = d
                    .app_set
                    .as_ref()
                    .map_or_else(String::new, |s| format!(" (ApplicationSet {s})"));
                out.push_str(&format!(
                    "  argo cd  {}: Application {}{via} → {} {}\n",
                    env.name,
                    d.application,
                    d.cluster.as_deref().unwrap_or("-"),
                    d.namespace.as_deref().unwrap_or("-")
                ));
            }
            let Some(flux) = &env.flux else { continue };
            for p in &flux.policies {
                let pick = p.latest.as_deref().map(|l| format!(" → {l}")).unwrap_or_default();
                out.push_str(&format!(
                    "  flux     {} follows ImagePolicy {}/{} ({}){pick} via {}\n",
                    env.name,
                    p.namespace,
                    p.name,
                    p.rule,
                    flux.automations.join(", ")
                ));
            }
        }
        for pending in &app.pending {
            for c in &pending.changes {
                let v = |s: &Option<String>| {
                    s.as_deref().map_or_else(|| "(untagged)".to_string(), short)
                };
                let relation = match c.relation {
                    baton_core::status::Relation::Behind => "behind  ",
                    baton_core::status::Relation::Ahead => "ahead   ",
                    baton_core::status::Relation::Diverged => "diverged",
                };
                out.push_str(&format!(
                    "  {relation} {} → {}: {} {} {} → {} ({})\n",
                    pending.from,
                    pending.to,
                    c.workload,
                    c.container,
                    v(&c.from),
                    v(&c.to),
                    c.note
                ));
            }
        }
        for p in &app.previews {
            let or_dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
            let broken =
                if p.ok { String::new() } else { format!(" {}", palette.bad("(does not render)")) };
            out.push_str(&format!(
                "  preview  #{} {} {} {} ({}){broken}\n",
                p.number,
                or_dash(&p.tag),
                or_dash(&p.namespace),
                or_dash(&p.url),
                p.path
            ));
        }
        out.push('\n');
    }
    out.push_str(&diagnostics_text(&status.diagnostics, palette));
    out
}

/// One line per drifting difference: `Kind/name path: from → to`, or `Kind/name: only in env`.
fn drift_lines(resources: &[ResourceDiff], from: &str, to: &str) -> Vec<String> {
    let mut out = Vec::new();
    for r in resources {
        let what = format!("{}/{}", r.kind, r.name);
        match (&r.from, &r.to) {
            (None, _) => out.push(format!("{what}: only in {to}")),
            (_, None) => out.push(format!("{what}: only in {from}")),
            _ => {}
        }
        for d in r.differences.iter().filter(|d| d.expected.is_none()) {
            out.push(format!("{what} {}", difference(d)));
        }
        if r.more_differences > 0 {
            out.push(format!("{what}: {} more differences", r.more_differences));
        }
    }
    out
}

/// `path: from → to`, with `∅` for an absent side.
fn difference(d: &baton_core::envdiff::Difference) -> String {
    let v = |s: &Option<String>| s.as_deref().unwrap_or("∅").to_string();
    format!("{}: {} → {}", d.path, v(&d.from), v(&d.to))
}

/// An environment diff for a terminal: per resource the drift, then how many expected
/// differences were set aside, and a one-line summary.
pub fn diff_text(diff: &EnvironmentDiff, palette: Palette) -> String {
    use baton_core::envdiff::{Category, Expected};
    let mut out = format!("diff {}: {} → {}\n", diff.app, diff.from, diff.to);
    if let (Some(a), Some(b)) = (&diff.from_path, &diff.to_path) {
        out.push_str(&format!("  {a} → {b}\n"));
    }
    for r in &diff.resources {
        out.push('\n');
        let what = format!("{}/{}", r.kind, r.name);
        let at = |r: &baton_core::changeset::ResourceRef| match &r.namespace {
            Some(ns) => format!("{ns}/{}", r.name),
            None => r.name.clone(),
        };
        let line = match (&r.from, &r.to) {
            (None, _) => palette.bad(&format!("only in {}", diff.to)),
            (_, None) => palette.bad(&format!("only in {}", diff.from)),
            (Some(a), Some(b)) => format!("{} → {}", at(a), at(b)),
        };
        out.push_str(&format!("{what}: {line}\n"));
        let mut expected = Vec::new();
        for d in &r.differences {
            let Some(why) = d.expected else {
                let category = match d.category {
                    Category::Image => "image",
                    Category::Replicas => "replicas",
                    Category::Resources => "resources",
                    Category::Config => "config",
                    Category::Labels => "labels",
                    Category::Namespace => "namespace",
                    Category::Name => "name",
                    Category::Other => "other",
                };
                out.push_str(&format!(
                    "  {} {category:9}  {}\n",
                    palette.bad("drift"),
                    difference(d)
                ));
                continue;
            };
            let why = match why {
                Expected::Namespace => "namespace",
                Expected::NameAffix => "name prefix/suffix",
                Expected::PromotedImage => "promoted image",
            };
            if !expected.contains(&why) {
                expected.push(why);
            }
        }
        if r.more_differences > 0 {
            out.push_str(&format!("  … and {} more differences\n", r.more_differences));
        }
        let n = r.differences.iter().filter(|d| d.expected.is_some()).count();
        if n > 0 {
            out.push_str(&format!("  {n} expected ({})\n", expected.join(", ")));
        }
    }
    if diff.identical > 0 {
        out.push_str(&format!("\n{} resources render the same in both\n", diff.identical));
    }
    out.push_str(&diagnostics_text(&diff.diagnostics, palette));
    let message = if diff.drift_total() > 0 {
        palette.waiting(&diff.message)
    } else {
        palette.good(&diff.message)
    };
    out.push_str(&format!("\n{message}\n"));
    out
}

/// A promotion plan for a terminal: changes, file diffs, gates, verdict.
pub fn plan_text(plan: &baton_core::promote::PromotionPlan, palette: Palette) -> String {
    use baton_core::gates::evaluate::GateStatus;
    let mut out =
        format!("promote {}: {} → {}\n", plan.app, plan.from.as_deref().unwrap_or("?"), plan.to);
    for c in &plan.changes {
        let v = |s: &Option<String>| s.as_deref().map_or_else(|| "(untagged)".to_string(), short);
        let file = c.file.as_deref().map(|f| format!("  ({f})")).unwrap_or_default();
        out.push_str(&format!(
            "  {} {}: {} → {}{file}\n",
            c.workload,
            c.container,
            v(&c.from),
            v(&c.to)
        ));
    }
    for c in &plan.collateral {
        out.push_str(&format!("  collateral: {}\n", c.message));
    }
    for line in drift_lines(&plan.drift, plan.from.as_deref().unwrap_or("?"), &plan.to) {
        out.push_str(&format!("  also differs (not promoted): {line}\n"));
    }
    if !plan.rollouts.is_empty() {
        out.push_str(&format!("\nrollout in {}:\n", plan.to));
        for r in &plan.rollouts {
            out.push_str(&format!("  {}\n    {}\n", rollout_heading(r), r.summary));
        }
    }
    for e in &plan.edits {
        out.push('\n');
        out.push_str(&e.diff);
    }
    if !plan.gates.is_empty() {
        out.push_str("\ngates:\n");
        let width = plan.gates.iter().map(|g| g.name.len()).max().unwrap_or(0);
        for g in &plan.gates {
            let mark = match g.status {
                GateStatus::Pass => palette.good("pass   "),
                GateStatus::Pending => palette.waiting("pending"),
                GateStatus::Fail => palette.bad("FAIL   "),
            };
            out.push_str(&format!("  {mark}  {:width$}  {}\n", g.name, g.message));
        }
    }
    out.push_str(&diagnostics_text(&plan.diagnostics, palette));
    out.push_str(&format!(
        "\n{}\nallowed: {}\n",
        plan.message,
        if plan.allowed { palette.good("yes") } else { palette.bad("no") }
    ));
    out
}

/// `Rollout/web (rolls out Deployment/web): Canary, risk Very Low, rollback: Reduce canary to 0%`.
pub fn rollout_heading(r: &baton_core::rollouts::WorkloadRollout) -> String {
    let via = if r.rolled_out_by == r.workload {
        String::new()
    } else {
        format!(" (rolls out {})", r.workload)
    };
    format!(
        "{}{via}: {}, risk {}, rollback: {}",
        r.rolled_out_by,
        r.strategy.label(),
        r.risk,
        r.rollback
    )
}

/// A preview plan for a terminal: what it does, its names, the file diffs, diagnostics.
pub fn preview_text(plan: &baton_core::preview::PreviewPlan, palette: Palette) -> String {
    use baton_core::preview::PreviewAction;
    let action = match plan.action {
        Some(PreviewAction::Create) => palette.good("create"),
        Some(PreviewAction::Update) => palette.good("update"),
        Some(PreviewAction::Unchanged) => "unchanged".to_string(),
        None => palette.bad("refused"),
    };
    let mut out = format!(
        "preview {} #{}: {action}
",
        plan.app, plan.number
    );
    let rows = [
        ("path", &plan.path),
        ("builds on", &plan.from),
        ("namespace", &plan.namespace),
        ("image", &plan.image),
        ("url", &plan.url),
    ];
    for (what, value) in rows {
        if let Some(value) = value {
            out.push_str(&format!("  {what:<10} {value}\n"));
        }
    }
    for c in &plan.collateral {
        out.push_str(&format!("  collateral: {}\n", c.message));
    }
    for e in &plan.edits {
        out.push('\n');
        out.push_str(&e.diff);
    }
    out.push_str(&diagnostics_text(&plan.diagnostics, palette));
    out.push_str(&format!("\n{}\n", plan.message));
    out
}

/// A preview cleanup for a terminal: every preview and its fate, unknown directories, the
/// deletions, diagnostics.
pub fn cleanup_text(plan: &baton_core::preview::cleanup::CleanupPlan, palette: Palette) -> String {
    use baton_core::preview::cleanup::Fate;
    let mut out = String::new();
    for p in &plan.previews {
        let fate = match p.fate {
            Fate::Kept => "kept".to_string(),
            Fate::Closed => palette.bad("remove (closed)"),
            Fate::Stale => palette.bad("remove (stale)"),
        };
        let age = match (&p.age, &p.max_age) {
            (Some(age), Some(max)) => format!("  unchanged for {age}, maxAge {max}"),
            (Some(age), None) => format!("  unchanged for {age}"),
            _ => String::new(),
        };
        out.push_str(&format!("{} #{}  {}  {fate}{age}\n", p.app, p.number, p.path));
    }
    for u in &plan.unknown {
        out.push_str(&format!("{}: {} is no preview (left alone)\n", u.app, u.path));
    }
    for e in &plan.edits {
        out.push_str(&format!("delete {}\n", e.path));
    }
    out.push_str(&diagnostics_text(&plan.diagnostics, palette));
    out.push_str(&format!("\n{}\n", plan.message));
    out
}

/// An image update for a terminal: each policy's pick, the changes, collateral, the file
/// diffs, the overlays verified, diagnostics (the policies' first).
pub fn image_update_text(update: &baton_core::flux::ImageUpdate, palette: Palette) -> String {
    let mut out = String::from("policies:\n");
    if update.policies.is_empty() {
        out.push_str("  (no ImagePolicy in the repository)\n");
    }
    for p in &update.policies {
        let pick = match &p.latest {
            Some(latest) if p.pinned => format!("{} (pinned)", palette.good(latest)),
            Some(latest) => {
                format!("{} ({} candidate(s))", palette.good(latest), p.candidates)
            }
            None => palette.waiting("nothing"),
        };
        out.push_str(&format!("  {}/{} ({}): {pick}\n", p.namespace, p.name, p.kind));
    }
    for a in &update.automations {
        let what = match (&a.error, a.changes.len()) {
            (Some(error), _) => palette.bad(&format!("cannot run: {error}")),
            (None, 0) => "no change".to_string(),
            (None, n) => format!("{n} change(s)"),
        };
        out.push_str(&format!("automation {}/{}: {what}\n", a.namespace, a.name));
        for c in &a.changes {
            let object = if c.object.kind.is_empty() {
                String::new()
            } else {
                format!(" {}/{}", c.object.kind, c.object.name)
            };
            out.push_str(&format!("  {}{object}: {} → {}  [{}]\n", c.path, c.old, c.new, c.setter));
        }
    }
    for a in &update.automations {
        let Some(commit) = &a.commit else { continue };
        out.push_str(&format!(
            "\ncommit by {} <{}> ({}/{}):\n",
            commit.author.name, commit.author.email, a.namespace, a.name
        ));
        for line in commit.message.lines() {
            out.push_str(&format!("    {line}\n").replace("    \n", "\n"));
        }
    }
    for c in &update.collateral {
        out.push_str(&format!("  collateral: {}\n", c.message));
    }
    for e in &update.edits {
        out.push('\n');
        out.push_str(&e.diff);
    }
    if !update.overlays.is_empty() {
        out.push_str(&format!("\nrendered before and after: {}\n", update.overlays.join(", ")));
    }
    let mut diagnostics: Vec<Diagnostic> =
        update.policies.iter().flat_map(|p| p.diagnostics.iter().cloned()).collect();
    diagnostics.extend(update.diagnostics.iter().cloned());
    out.push_str(&diagnostics_text(&diagnostics, palette));
    out
}

/// Why `promote --write` wrote nothing: every obstacle still standing, and the flag that would
/// lift it when one would.
pub fn refusal_text(standing: &[Obstacle], palette: Palette) -> String {
    let mut out = format!("baton: {} nothing written:\n", palette.bad("not allowed;"));
    for o in standing {
        out.push_str(&format!("  {}\n", o.what));
    }
    // The flags that would write, each once, when every obstacle has one.
    let mut flags: Vec<&str> = Vec::new();
    for o in standing {
        match o.lifted_by {
            None => return out,
            Some(flag) if !flags.contains(&flag) => flags.push(flag),
            Some(_) => {}
        }
    }

    let mut flags: Vec<&str> = standing.iter().filter_map(|o| o.lifted_by).collect();
    let all_liftable = flags.len() == standing.len();
    flags.sort_unstable();
    flags.dedup();
    if all_liftable {
        out.push_str(&format!("  ({} writes anyway)\n", flags.join(", ")));
    }
    let verb = if flags.len() == 1 { "writes" } else { "write" };
    out.push_str(&format!("  ({} {verb} anyway)\n", flags.join(" and ")));
    out
}

/// What `promote --write --force` overrode, by name and message.
pub fn override_text(lifted: &[Obstacle], palette: Palette) -> String {
    let mut out = String::new();
    for o in lifted {
        let flag = o.lifted_by.unwrap_or("a flag");
        out.push_str(&format!(
            "baton: {} {}\n",
            palette.waiting(&format!("{flag} overrides")),
            o.what
        ));
    }
    out
}

fn short(version: &str) -> String {
    baton_core::promote::pull_request::short_version(version)
}

/// Pretty JSON of any result, with a trailing newline.
pub fn json<T: Serialize>(value: &T) -> String {
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// A SARIF 2.1.0 log with one run.
pub fn sarif(diagnostics: &[Diagnostic]) -> String {
    let mut codes: Vec<&'static str> = diagnostics.iter().map(|d| d.code).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<Value> = codes
        .iter()
        .map(|code| {
            let title = baton_core::Code::parse(code).map_or("", baton_core::Code::title);
            json!({"id": code, "shortDescription": {"text": title}})
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let level = match d.severity {
                baton_core::Severity::Error => "error",
                baton_core::Severity::Warning => "warning",
                _ => "note",
            };
            let mut result =
                json!({"ruleId": d.code, "level": level, "message": {"text": d.message}});
            if let Some(file) = &d.file {
                let mut location = json!({"artifactLocation": {"uri": uri_path(file)}});
                if let Some(range) = d.range {
                    location["region"] = json!({
                        "startLine": range.start.line + 1,
                        "startColumn": range.start.character + 1,
                        "endLine": range.end.line + 1,
                        "endColumn": range.end.character + 1,
                    });
                }
                result["locations"] = json!([{"physicalLocation": location}]);
            }
            result
        })
        .collect();
    json(&json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "baton", "version": baton_core::version(), "rules": rules}},
            "results": results,
        }],
    }))
}

/// The characters a URI path segment may hold as they are (RFC 3986 `unreserved`); every
/// other byte of the UTF-8 path, `/` aside, is percent-encoded. A repository path becomes a
/// relative URI reference that SARIF viewers resolve against the checkout.
const URI_PATH_ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A repository path as a SARIF `artifactLocation.uri`: `a b#%.yaml` → `a%20b%23%25.yaml`.
fn uri_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, URI_PATH_ESCAPED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path("apps/web/base/deployment.yaml"), "apps/web/base/deployment.yaml");
        assert_eq!(uri_path("a b/c#d%e.yaml"), "a%20b/c%23d%25e.yaml");
        assert_eq!(uri_path("é/日.yaml"), "%C3%A9/%E6%97%A5.yaml");
        assert_eq!(
            uri_path("x?y=[1]:@!$&'()*+,;"),
            "x%3Fy%3D%5B1%5D%3A%40%21%24%26%27%28%29%2A%2B%2C%3B"
        );
        assert_eq!(uri_path("~a-b_c.d"), "~a-b_c.d");
    }
}
