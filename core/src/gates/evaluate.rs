//! Evaluating an environment's gates for one promotion, offline.
//!
//! Each gate answers `pass`, `pending` (more approvals, a check finishing, or time passing
//! could still satisfy it) or `fail` (it cannot pass without changing the promotion). A
//! missing input is never a pass: it is `pending`, with a message saying what is missing.
//! Messages name the people, checks and times involved, because they are read on a PR card.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::codeowners::{self, Owner};
use super::config::{GateConfig, TagRule};
use super::time::{self, Instant};
use crate::diagnostic::{Code, Diagnostic};
use crate::tree::FileTree;
use crate::vecmap::VecSet;

/// What the host knows about the promotion's review and timing (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Context {
    pub author: Option<String>,
    #[serde(default)]
    pub approvals: Vec<String>,
    /// Check name → `success`, `failure` or `pending` (other CI words are understood too).
    #[serde(default)]
    pub checks: BTreeMap<String, String>,
    /// RFC 3339 "now".
    pub now: Option<String>,
    /// Environment → RFC 3339 time its current artifact landed there.
    #[serde(default)]
    pub since: BTreeMap<String, String>,
    /// `@org/team` → members.
    #[serde(default)]
    pub teams: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum GateStatus {
    Pass,
    Pending,
    Fail,
}

/// One gate's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GateResult {
    pub name: String,
    pub status: GateStatus,
    pub message: String,
}

impl GateResult {
    fn new(name: &str, status: GateStatus, message: impl Into<String>) -> Self {
        GateResult { name: name.to_string(), status, message: message.into() }
    }
}

/// The promotion being judged.
#[derive(Debug, Clone)]
pub struct Promotion<'a> {
    pub from: &'a str,
    pub to: &'a str,
    /// The environment `to` should promote from, if it has one.
    pub upstream: Option<&'a str>,
    /// Files the promotion edits.
    pub changed_files: &'a [String],
    /// New tags or digests the promotion introduces.
    pub new_versions: &'a [String],
}

/// Evaluates `order` and every configured gate. Diagnostics report unusable inputs.
#[must_use]
pub fn evaluate(
    config: &GateConfig,
    promotion: &Promotion,
    context: &Context,
    tree: &FileTree,
) -> (Vec<GateResult>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let now = parse_time(context.now.as_deref(), "now", &mut diagnostics);
    let mut results = vec![order(promotion)];
    if !config.required_checks.is_empty() {
        let names: Vec<&str> = config.required_checks.iter().map(|c| c.value.as_str()).collect();
        results.push(checks(&names, &context.checks));
    }
    if let Some(required) = &config.approvals {
        results.push(approvals(usize::try_from(required.value).unwrap_or(0), context));
    }
    if config.codeowners.as_ref().is_some_and(|c| c.value) {
        results.push(code_owners(promotion.changed_files, context, tree, &mut diagnostics));
    }
    if let Some(rule) = &config.immutable_tags {
        results.push(immutable_tags(&rule.value, promotion.new_versions));
    }
    if let Some(soak) = &config.soak {
        let since = parse_time(
            context.since.get(promotion.from).map(String::as_str),
            &format!("since.{}", promotion.from),
            &mut diagnostics,
        );
        results.push(soak_gate(soak.value, promotion.from, since, now));
    }
    if !config.windows.is_empty() {
        let windows: Vec<time::Window> = config.windows.iter().map(|w| w.value).collect();
        results.push(window_gate(&windows, now));
    }
    (results, diagnostics)
}

fn parse_time(
    value: Option<&str>,
    field: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Instant> {
    let value = value?;
    match Instant::parse_rfc3339(value) {
        Ok(instant) => Some(instant),
        Err(e) => {
            diagnostics
                .push(Diagnostic::new(Code::ContextInvalid, format!("context.{field}: {e}")));
            None
        }
    }
}

fn order(p: &Promotion) -> GateResult {
    match p.upstream {
        Some(up) if up == p.from => {
            GateResult::new("order", GateStatus::Pass, format!("{} promotes from {up}", p.to))
        }
        Some(up) => GateResult::new(
            "order",
            GateStatus::Fail,
            format!("{} promotes from {up}, not {}; promote {} → {up} first", p.to, p.from, p.from),
        ),
        None => GateResult::new(
            "order",
            GateStatus::Fail,
            format!("{} is the first environment; nothing promotes into it", p.to),
        ),
    }
}

fn checks(required: &[&str], states: &BTreeMap<String, String>) -> GateResult {
    let mut failed = Vec::new();
    let mut waiting = Vec::new();
    for name in required {
        match states.get(*name).map(|s| s.to_ascii_lowercase()) {
            Some(s) if s == "success" || s == "neutral" || s == "skipped" => {}
            Some(s)
                if [
                    "failure",
                    "failed",
                    "error",
                    "cancelled",
                    "canceled",
                    "timed_out",
                    "action_required",
                ]
                .contains(&s.as_str()) =>
            {
                failed.push(format!("{name} ({s})"));
            }
            Some(s) => waiting.push(format!("{name} ({s})")),
            None => waiting.push(format!("{name} (not reported)")),
        }
    }
    if !failed.is_empty() {
        GateResult::new(
            "requiredChecks",
            GateStatus::Fail,
            format!("failed: {}", failed.join(", ")),
        )
    } else if !waiting.is_empty() {
        GateResult::new(
            "requiredChecks",
            GateStatus::Pending,
            format!("waiting for {}", waiting.join(", ")),
        )
    } else {
        GateResult::new(
            "requiredChecks",
            GateStatus::Pass,
            format!("all passed: {}", required.join(", ")),
        )
    }
}

/// Distinct approvers other than the author, compared case-insensitively.
fn valid_approvers(context: &Context) -> Vec<String> {
    let author = context.author.as_deref().map(normalize_login);
    let mut seen = VecSet::new();
    context
        .approvals
        .iter()
        .filter(|a| Some(normalize_login(a)) != author && seen.insert(normalize_login(a)))
        .cloned()
        .collect()
}

fn normalize_login(login: &str) -> String {
    login.trim().trim_start_matches('@').to_ascii_lowercase()
}

fn approvals(required: usize, context: &Context) -> GateResult {
    let approvers = valid_approvers(context);
    let author_note = context
        .author
        .as_deref()
        .filter(|a| context.approvals.iter().any(|x| normalize_login(x) == normalize_login(a)))
        .map(|a| format!("; author {a}'s approval does not count"))
        .unwrap_or_default();
    let who =
        if approvers.is_empty() { String::new() } else { format!(" ({})", approvers.join(", ")) };
    let message = format!("{} of {required} approvals{who}{author_note}", approvers.len());
    let status = if approvers.len() >= required { GateStatus::Pass } else { GateStatus::Pending };
    GateResult::new("approvals", status, message)
}

fn code_owners(
    files: &[String],
    context: &Context,
    tree: &FileTree,
    diagnostics: &mut Vec<Diagnostic>,
) -> GateResult {
    let Some(path) = codeowners::locate(tree) else {
        diagnostics.push(
            Diagnostic::new(
                Code::CodeOwnersMissing,
                "the codeowners gate is on, but there is no CODEOWNERS file",
            )
            .with_help("add .github/CODEOWNERS (or CODEOWNERS, or docs/CODEOWNERS)"),
        );
        return GateResult::new(
            "codeowners",
            GateStatus::Fail,
            "no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS)",
        );
    };
    let (owners, _) = codeowners::parse(path, tree.text(path).unwrap_or_default());
    let approvers = valid_approvers(context);
    let mut missing = Vec::new();
    for file in files {
        let Some(file_owners) = owners.owners_of(file).filter(|o| !o.is_empty()) else { continue };
        let satisfied = file_owners
            .iter()
            .any(|o| approvers.iter().any(|a| codeowners::is_satisfied_by(o, a, &context.teams)));
        if !satisfied {
            let names: Vec<String> = file_owners.iter().map(Owner::to_string).collect();
            missing.push(format!("{file} needs {}", names.join(" or ")));
        }
    }
    if missing.is_empty() {
        GateResult::new(
            "codeowners",
            GateStatus::Pass,
            format!("every changed file is approved by a code owner ({path})"),
        )
    } else {
        GateResult::new(
            "codeowners",
            GateStatus::Pending,
            format!("missing code-owner approval: {}", missing.join("; ")),
        )
    }
}

/// A digest (`sha256:` + 64 hex) or a hex git SHA of 7 to 40 characters.
#[must_use]
pub fn is_immutable(version: &str) -> bool {
    let hex = |s: &str| s.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
    match version.strip_prefix("sha256:") {
        Some(d) => d.len() == 64 && hex(d),
        None => (7..=40).contains(&version.len()) && hex(version),
    }
}

fn immutable_tags(rule: &TagRule, versions: &[String]) -> GateResult {
    let bad: Vec<&String> = versions
        .iter()
        .filter(|v| match rule {
            TagRule::Sha => !is_immutable(v),
            TagRule::Pattern(re, _) => !re.is_match(v),
        })
        .collect();
    let expectation = match rule {
        TagRule::Sha => "a digest or a git SHA (7-40 hex characters)".to_string(),
        TagRule::Pattern(_, p) => format!("matching /{p}/"),
    };
    if bad.is_empty() {
        GateResult::new(
            "immutableTags",
            GateStatus::Pass,
            format!("every new tag is {expectation}"),
        )
    } else {
        let list: Vec<String> = bad.iter().map(|v| format!("'{v}'")).collect();
        GateResult::new(
            "immutableTags",
            GateStatus::Fail,
            format!("not immutable: {} (expected {expectation})", list.join(", ")),
        )
    }
}

fn soak_gate(
    required: u64,
    from: &str,
    since: Option<Instant>,
    now: Option<Instant>,
) -> GateResult {
    let need = time::format_duration(required);
    let (Some(since), Some(now)) = (since, now) else {
        let missing = if since.is_none() {
            format!("when the artifact landed in {from} (context.since.{from})")
        } else {
            "the current time (context.now)".into()
        };
        return GateResult::new(
            "soak",
            GateStatus::Pending,
            format!("needs {need} in {from}; unknown: {missing}"),
        );
    };
    let elapsed = now.seconds_since(since).unwrap_or(0);
    if elapsed >= required {
        GateResult::new(
            "soak",
            GateStatus::Pass,
            format!("soaked {} in {from} (needs {need})", time::format_duration(elapsed)),
        )
    } else {
        GateResult::new(
            "soak",
            GateStatus::Pending,
            format!(
                "soaking: {} left (needs {need} in {from})",
                time::format_duration(required - elapsed)
            ),
        )
    }
}

fn window_gate(windows: &[time::Window], now: Option<Instant>) -> GateResult {
    let Some(now) = now else {
        return GateResult::new(
            "windows",
            GateStatus::Pending,
            "the current time is unknown (context.now)",
        );
    };
    let message = time::describe(windows, now);
    let status = if time::is_open(windows, now) { GateStatus::Pass } else { GateStatus::Pending };
    GateResult::new("windows", status, message)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::yaml::decode::Decoder;
    use crate::yaml::{Limits, parse};

    fn config(text: &str) -> GateConfig {
        let file: Arc<str> = Arc::from("baton.yaml");
        let root = parse(&file, text, &Limits::default()).documents.remove(0).root;
        let mut d = Decoder::new(&file, Code::PipelineInvalid, "x");
        let g = super::super::config::decode_gates(&mut d, &root);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        g
    }

    fn promotion<'a>(files: &'a [String], versions: &'a [String]) -> Promotion<'a> {
        Promotion {
            from: "staging",
            to: "production",
            upstream: Some("staging"),
            changed_files: files,
            new_versions: versions,
        }
    }

    fn run(cfg: &str, context: &Context, tree: &FileTree) -> Vec<GateResult> {
        let files = vec!["apps/pay/production/image-patch.yaml".to_string()];
        let versions = vec!["abc1234".to_string()];
        evaluate(&config(cfg), &promotion(&files, &versions), context, tree).0
    }

    fn gate<'a>(results: &'a [GateResult], name: &str) -> &'a GateResult {
        results.iter().find(|g| g.name == name).unwrap()
    }

    #[test]
    fn order_gate() {
        let files = vec![];
        let versions = vec![];
        let mut p = promotion(&files, &versions);
        assert_eq!(order(&p).status, GateStatus::Pass);
        p.from = "dev";
        let g = order(&p);
        assert_eq!(g.status, GateStatus::Fail);
        assert!(g.message.contains("promotes from staging, not dev"), "{}", g.message);
    }

    #[test]
    fn checks_gate_table() {
        let tree = FileTree::new();
        for (state, expected) in [
            (Some("success"), GateStatus::Pass),
            (Some("failure"), GateStatus::Fail),
            (Some("pending"), GateStatus::Pending),
            (None, GateStatus::Pending),
        ] {
            let mut ctx = Context::default();
            if let Some(s) = state {
                ctx.checks.insert("e2e-staging".into(), s.into());
            }
            let r = run("requiredChecks: [e2e-staging]\n", &ctx, &tree);
            assert_eq!(gate(&r, "requiredChecks").status, expected, "{state:?}");
        }
    }

    #[test]
    fn approvals_exclude_the_author_and_duplicates() {
        let tree = FileTree::new();
        let ctx = Context {
            author: Some("alice".into()),
            approvals: vec!["alice".into(), "bob".into(), "Bob".into()],
            ..Context::default()
        };
        let g = gate(&run("approvals: 2\n", &ctx, &tree), "approvals").clone();
        assert_eq!(g.status, GateStatus::Pending);
        assert_eq!(g.message, "1 of 2 approvals (bob); author alice's approval does not count");
        let ctx = Context {
            author: Some("alice".into()),
            approvals: vec!["bob".into(), "carol".into()],
            ..Context::default()
        };
        assert_eq!(gate(&run("approvals: 2\n", &ctx, &tree), "approvals").status, GateStatus::Pass);
    }

    #[test]
    fn codeowners_with_teams_and_last_match_wins() {
        let mut tree = FileTree::new();
        tree.insert(".github/CODEOWNERS", "* @platform\napps/pay/production/ @org/sre\n").unwrap();
        let mut ctx = Context {
            author: Some("alice".into()),
            approvals: vec!["platform".into()],
            ..Context::default()
        };
        let g = gate(&run("codeowners: true\n", &ctx, &tree), "codeowners").clone();
        assert_eq!(g.status, GateStatus::Pending, "{}", g.message);
        assert!(g.message.contains("@org/sre"));
        ctx.approvals.push("dana".into());
        ctx.teams.insert("@org/sre".into(), vec!["dana".into()]);
        assert_eq!(
            gate(&run("codeowners: true\n", &ctx, &tree), "codeowners").status,
            GateStatus::Pass
        );
        let empty = FileTree::new();
        let files = vec!["x".to_string()];
        let (r, d) = evaluate(&config("codeowners: true\n"), &promotion(&files, &[]), &ctx, &empty);
        assert_eq!(gate(&r, "codeowners").status, GateStatus::Fail);
        assert_eq!(d[0].code, "G004");
    }

    #[test]
    fn immutable_tags() {
        let tree = FileTree::new();
        assert_eq!(
            gate(&run("immutableTags: true\n", &Context::default(), &tree), "immutableTags").status,
            GateStatus::Pass
        );
        let files = vec![];
        for (version, ok) in [
            ("latest", false),
            ("v1.2", false),
            ("abc1234", true),
            ("ABC1234", false),
            (&format!("sha256:{}", "a".repeat(64)) as &str, true),
            ("abc12", false),
        ] {
            let versions = vec![version.to_string()];
            let (r, _) = evaluate(
                &config("immutableTags: true\n"),
                &promotion(&files, &versions),
                &Context::default(),
                &tree,
            );
            assert_eq!(gate(&r, "immutableTags").status == GateStatus::Pass, ok, "{version}");
        }
        let versions = vec!["v1.2.3".to_string()];
        let (r, _) = evaluate(
            &config("immutableTags: \"v\\\\d+\\\\.\\\\d+\\\\.\\\\d+\"\n"),
            &promotion(&files, &versions),
            &Context::default(),
            &tree,
        );
        assert_eq!(gate(&r, "immutableTags").status, GateStatus::Pass);
    }

    #[test]
    fn soak_gate_table() {
        let tree = FileTree::new();
        let since = |s: &str| BTreeMap::from([("staging".to_string(), s.to_string())]);
        let ctx = Context {
            now: Some("2026-11-26T10:00:00Z".into()),
            since: since("2026-11-26T08:35:00Z"),
            ..Context::default()
        };
        let g = gate(&run("soak: 2h\n", &ctx, &tree), "soak").clone();
        assert_eq!(g.status, GateStatus::Pending);
        assert!(g.message.starts_with("soaking: 35m left"), "{}", g.message);
        let ctx = Context {
            now: Some("2026-11-26T10:35:00Z".into()),
            since: since("2026-11-26T08:35:00Z"),
            ..Context::default()
        };
        assert_eq!(gate(&run("soak: 2h\n", &ctx, &tree), "soak").status, GateStatus::Pass);
        let ctx = Context { now: Some("2026-11-26T10:35:00Z".into()), ..Context::default() };
        assert_eq!(gate(&run("soak: 2h\n", &ctx, &tree), "soak").status, GateStatus::Pending);
    }

    #[test]
    fn window_gate_both_sides_of_the_boundary() {
        let tree = FileTree::new();
        let cfg = "windows:\n- {days: [Mon, Tue, Wed, Thu], start: \"09:00\", end: \"16:00\"}\n";
        // 2026-11-26 is a Thursday.
        for (now, expected) in [
            ("2026-11-26T08:59:59Z", GateStatus::Pending),
            ("2026-11-26T09:00:00Z", GateStatus::Pass),
            ("2026-11-26T15:59:59Z", GateStatus::Pass),
            ("2026-11-26T16:00:00Z", GateStatus::Pending),
            ("2026-11-27T10:00:00Z", GateStatus::Pending),
        ] {
            let ctx = Context { now: Some(now.into()), ..Context::default() };
            let g = gate(&run(cfg, &ctx, &tree), "windows").clone();
            assert_eq!(g.status, expected, "{now}: {}", g.message);
        }
        let ctx = Context { now: Some("2026-11-27T10:00:00Z".into()), ..Context::default() };
        assert_eq!(gate(&run(cfg, &ctx, &tree), "windows").message, "window opens Mon 09:00 UTC");
        assert_eq!(
            gate(&run(cfg, &Context::default(), &tree), "windows").status,
            GateStatus::Pending
        );
    }

    #[test]
    fn bad_times_in_the_context_are_diagnostics() {
        let tree = FileTree::new();
        let files = vec![];
        let ctx = Context { now: Some("yesterday".into()), ..Context::default() };
        let (r, d) = evaluate(&config("soak: 1h\n"), &promotion(&files, &[]), &ctx, &tree);
        assert_eq!(gate(&r, "soak").status, GateStatus::Pending);
        assert_eq!(d[0].code, "G005");
    }
}
