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
use crate::work::Meter;

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
    let fail = |message: String| GateResult::new("order", GateStatus::Fail, message);
    match p.upstream {
        _ if p.from == p.to => fail(format!("{} cannot be promoted into itself", p.to)),
        Some(up) if up == p.from => {
            GateResult::new("order", GateStatus::Pass, format!("{} promotes from {up}", p.to))
        }
        Some(up) => fail(format!("{} promotes from {up}, not from {}", p.to, p.from)),
        None => fail(format!("{} is the first environment; nothing promotes into it", p.to)),
    }
}

/// Check states that count as passed (GitHub: a skipped or neutral required check passes).
const PASSED: &[&str] = &["success", "neutral", "skipped"];
/// States that cannot turn into a pass.
const FAILED: &[&str] = &[
    "failure",
    "failed",
    "error",
    "cancelled",
    "canceled",
    "timed_out",
    "action_required",
    "startup_failure",
];
/// States of a check that has not finished.
const RUNNING: &[&str] =
    &["pending", "queued", "in_progress", "waiting", "requested", "expected", "stale"];

fn checks(required: &[&str], states: &BTreeMap<String, String>) -> GateResult {
    let mut passed = Vec::new();
    let mut failed = Vec::new();
    let mut waiting = Vec::new();
    for name in required {
        let Some(state) = states.get(*name) else {
            waiting.push(format!("{name} (not reported)"));
            continue;
        };
        let lower = state.trim().to_ascii_lowercase();
        if PASSED.contains(&lower.as_str()) {
            passed.push(if lower == "success" {
                (*name).to_string()
            } else {
                format!("{name} ({lower})")
            });
        } else if FAILED.contains(&lower.as_str()) {
            failed.push(format!("{name} ({lower})"));
        } else if RUNNING.contains(&lower.as_str()) {
            waiting.push(format!("{name} ({lower})"));
        } else {
            waiting.push(format!("{name} (unknown state {state:?})"));
        }
    }
    if !failed.is_empty() {
        let also = if waiting.is_empty() {
            String::new()
        } else {
            format!("; still waiting for {}", waiting.join(", "))
        };
        GateResult::new(
            "requiredChecks",
            GateStatus::Fail,
            format!("failed: {}{also}", failed.join(", ")),
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
            format!("all passed: {}", passed.join(", ")),
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
    if required == 0 {
        return GateResult::new("approvals", GateStatus::Pass, "no approvals are required");
    }
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
    let result = |status, message: String| GateResult::new("codeowners", status, message);
    let Some(path) = codeowners::locate(tree) else {
        diagnostics.push(
            Diagnostic::new(
                Code::CodeOwnersMissing,
                "the codeowners gate is on, but there is no CODEOWNERS file",
            )
            .with_help("add .github/CODEOWNERS (or CODEOWNERS, or docs/CODEOWNERS)"),
        );
        return result(
            GateStatus::Fail,
            "no CODEOWNERS file (.github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS)".into(),
        );
    };
    let Some(text) = tree.text(path) else {
        diagnostics.push(
            Diagnostic::new(Code::InvalidUtf8, format!("{path} is not UTF-8 text")).in_file(path),
        );
        return result(
            GateStatus::Fail,
            format!("{path} is not UTF-8 text, so no code owner can be read from it"),
        );
    };
    let (owners, problems) = codeowners::parse(path, &text);
    diagnostics.extend(problems);
    if text.len() > codeowners::MAX_BYTES {
        return result(
            GateStatus::Fail,
            format!(
                "{path} is over GitHub's 3 MB limit, so GitHub ignores it and no code owner can be required"
            ),
        );
    }
    if files.is_empty() {
        return result(
            GateStatus::Pass,
            "no file changes, so no code-owner approval is needed".into(),
        );
    }
    let approvers = valid_approvers(context);
    let mut meter = Meter::new();
    let (mut missing, mut approved, mut unowned, mut uncovered) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for file in files {
        let Some(rule) = owners.rule_for_metered(file, &mut meter) else {
            uncovered.push(file.as_str());
            continue;
        };
        if rule.owners.is_empty() {
            unowned.push(format!("{file} (line {})", rule.line));
            continue;
        }
        let by = rule.owners.iter().find_map(|o| {
            approvers
                .iter()
                .find(|a| codeowners::is_satisfied_by(o, a, &context.teams))
                .map(|a| (o, a))
        });
        match by {
            Some((owner @ Owner::User(_), _)) => approved.push(format!("{file} by {owner}")),
            Some((owner, approver)) => approved.push(format!("{file} by {approver} for {owner}")),
            None => {
                let names: Vec<String> = rule.owners.iter().map(Owner::to_string).collect();
                missing.push(format!("{file} needs {} (line {})", names.join(" or "), rule.line));
            }
        }
    }
    let mut notes = Vec::new();
    if !unowned.is_empty() {
        notes.push(format!("unowned by the last matching line of {path}: {}", unowned.join(", ")));
    }
    if !uncovered.is_empty() {
        notes.push(format!("no rule of {path} covers {}", uncovered.join(", ")));
    }
    if !missing.is_empty() {
        let mut message = format!("missing code-owner approval: {}", missing.join("; "));
        if !approved.is_empty() {
            message.push_str(&format!("; approved: {}", approved.join(", ")));
        }
        return result(GateStatus::Pending, message);
    }
    if approved.is_empty() {
        notes.push("no code-owner approval is required".into());
        return result(GateStatus::Pass, notes.join("; "));
    }
    notes.insert(0, format!("approved by code owners: {}", approved.join(", ")));
    result(GateStatus::Pass, notes.join("; "))
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
    if versions.is_empty() {
        GateResult::new("immutableTags", GateStatus::Pass, "no new tags or digests")
    } else if bad.is_empty() {
        let each = if versions.len() == 1 { "the new version is" } else { "every new version is" };
        GateResult::new("immutableTags", GateStatus::Pass, format!("{each} {expectation}"))
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
        let mut missing = Vec::new();
        if since.is_none() {
            missing.push(format!("when the artifact landed in {from} (context.since.{from})"));
        }
        if now.is_none() {
            missing.push("the current time (context.now)".into());
        }
        return GateResult::new(
            "soak",
            GateStatus::Pending,
            format!("needs {need} in {from}; unknown: {}", missing.join(" and ")),
        );
    };
    let Some(elapsed) = now.seconds_since(since) else {
        return GateResult::new(
            "soak",
            GateStatus::Pending,
            format!("needs {need} in {from}; context.since.{from} is later than context.now"),
        );
    };
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
    let when = time::describe(windows, now);
    if time::is_open(windows, now) {
        GateResult::new("windows", GateStatus::Pass, format!("inside a deployment window ({when})"))
    } else {
        GateResult::new(
            "windows",
            GateStatus::Pending,
            format!("outside the deployment windows ({when})"),
        )
    }
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

    /// Check states, verdict, message.
    type ChecksCase<'a> = (&'a [(&'a str, &'a str)], GateStatus, &'a str);
    /// CODEOWNERS text, changed files, approvers, verdict, message.
    type OwnersCase<'a> = (&'a str, &'a [&'a str], &'a [&'a str], GateStatus, &'a str);

    fn gate<'a>(results: &'a [GateResult], name: &str) -> &'a GateResult {
        results.iter().find(|g| g.name == name).unwrap()
    }

    /// Every order message, true to its case (issue 14: a failed gate's message must not
    /// give advice that can be false, like "promote dev → staging first" for any source).
    #[test]
    fn order_gate_messages() {
        let cases: &[(&str, &str, Option<&str>, GateStatus, &str)] = &[
            (
                "staging",
                "production",
                Some("staging"),
                GateStatus::Pass,
                "production promotes from staging",
            ),
            (
                "dev",
                "production",
                Some("staging"),
                GateStatus::Fail,
                "production promotes from staging, not from dev",
            ),
            (
                "qa",
                "dev",
                None,
                GateStatus::Fail,
                "dev is the first environment; nothing promotes into it",
            ),
            (
                "production",
                "production",
                Some("staging"),
                GateStatus::Fail,
                "production cannot be promoted into itself",
            ),
        ];
        for &(from, to, upstream, status, message) in cases {
            let p = Promotion { from, to, upstream, changed_files: &[], new_versions: &[] };
            let g = order(&p);
            assert_eq!((g.status, g.message.as_str()), (status, message), "{from} → {to}");
        }
    }

    #[test]
    fn checks_gate_table() {
        let tree = FileTree::new();
        let cases: &[ChecksCase] = &[
            (
                &[("e2e", "success"), ("lint", "skipped")],
                GateStatus::Pass,
                "all passed: e2e, lint (skipped)",
            ),
            (
                &[("e2e", "SUCCESS"), ("lint", "neutral")],
                GateStatus::Pass,
                "all passed: e2e, lint (neutral)",
            ),
            (&[("e2e", "failure"), ("lint", "success")], GateStatus::Fail, "failed: e2e (failure)"),
            (
                &[("e2e", "timed_out")],
                GateStatus::Fail,
                "failed: e2e (timed_out); still waiting for lint (not reported)",
            ),
            (
                &[("e2e", "pending"), ("lint", "in_progress")],
                GateStatus::Pending,
                "waiting for e2e (pending), lint (in_progress)",
            ),
            (&[("e2e", "success")], GateStatus::Pending, "waiting for lint (not reported)"),
            (
                &[("e2e", "success"), ("lint", "green")],
                GateStatus::Pending,
                "waiting for lint (unknown state \"green\")",
            ),
        ];
        for &(states, status, message) in cases {
            let mut ctx = Context::default();
            for (name, state) in states {
                ctx.checks.insert((*name).into(), (*state).into());
            }
            let r = run("requiredChecks: [e2e, lint]\n", &ctx, &tree);
            let g = gate(&r, "requiredChecks");
            assert_eq!((g.status, g.message.as_str()), (status, message), "{states:?}");
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

    /// Every codeowners message, true to its case. Issue 14: on main a CODEOWNERS file whose
    /// rules cover none of the changed files, with nobody approving, gave "every changed file
    /// is approved by a code owner"; and the file's own problems were dropped from plans.
    #[test]
    fn codeowners_gate_messages() {
        let file = "apps/pay/production/image-patch.yaml";
        let cases: &[OwnersCase] = &[
            (
                "/docs/ @writers\n",
                &[file],
                &[],
                GateStatus::Pass,
                "no rule of CODEOWNERS covers apps/pay/production/image-patch.yaml; no code-owner approval is required",
            ),
            (
                "* @platform\n/apps/pay/\n",
                &[file],
                &[],
                GateStatus::Pass,
                "unowned by the last matching line of CODEOWNERS: apps/pay/production/image-patch.yaml (line 2); no code-owner approval is required",
            ),
            (
                "/apps/ @sre @platform\n",
                &[file],
                &[],
                GateStatus::Pending,
                "missing code-owner approval: apps/pay/production/image-patch.yaml needs @sre or @platform (line 1)",
            ),
            (
                "/apps/ @sre\n",
                &[file],
                &["SRE"],
                GateStatus::Pass,
                "approved by code owners: apps/pay/production/image-patch.yaml by @sre",
            ),
            (
                "/apps/ @org/sre\n/apps/web/ @web\n",
                &[file, "apps/web/k.yaml", "README.md"],
                &["dana"],
                GateStatus::Pending,
                "missing code-owner approval: apps/web/k.yaml needs @web (line 2); approved: apps/pay/production/image-patch.yaml by dana for @org/sre",
            ),
            (
                "/apps/ @org/sre\n",
                &[file, "README.md"],
                &["dana"],
                GateStatus::Pass,
                "approved by code owners: apps/pay/production/image-patch.yaml by dana for @org/sre; no rule of CODEOWNERS covers README.md",
            ),
            (
                "/apps/ @sre\n",
                &[],
                &[],
                GateStatus::Pass,
                "no file changes, so no code-owner approval is needed",
            ),
        ];
        for &(text, files, approvals, status, message) in cases {
            let mut tree = FileTree::new();
            tree.insert("CODEOWNERS", text).unwrap();
            let ctx = Context {
                approvals: approvals.iter().map(|a| (*a).to_string()).collect(),
                teams: BTreeMap::from([("org/sre".to_string(), vec!["dana".to_string()])]),
                ..Context::default()
            };
            let files: Vec<String> = files.iter().map(|f| (*f).to_string()).collect();
            let (r, d) =
                evaluate(&config("codeowners: true\n"), &promotion(&files, &[]), &ctx, &tree);
            let g = gate(&r, "codeowners");
            assert_eq!((g.status, g.message.as_str()), (status, message), "{text}");
            assert!(d.is_empty(), "{d:?}");
        }
    }

    /// The codeowners gate and the diagnostics for `files` with this CODEOWNERS content.
    fn owners_gate(content: Vec<u8>, files: &[String]) -> (GateResult, Vec<Diagnostic>) {
        let mut tree = FileTree::new();
        tree.insert_bytes("CODEOWNERS", content).unwrap();
        let (r, d) = evaluate(
            &config("codeowners: true\n"),
            &promotion(files, &[]),
            &Context::default(),
            &tree,
        );
        (gate(&r, "codeowners").clone(), d)
    }

    #[test]
    fn codeowners_problems_are_reported_and_unusable_files_fail() {
        let files = vec!["apps/x.yaml".to_string()];
        let (g, d) = owners_gate(b"!x @a\n/apps/ @sre\n".to_vec(), &files);
        assert_eq!(g.status, GateStatus::Pending);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].code, d[0].file.as_deref()), ("G001", Some("CODEOWNERS")));

        let big = format!("/apps/ @sre\n{}", "#".repeat(codeowners::MAX_BYTES));
        let (g, d) = owners_gate(big.into_bytes(), &files);
        assert_eq!(
            (g.status, g.message.as_str()),
            (
                GateStatus::Fail,
                "CODEOWNERS is over GitHub's 3 MB limit, so GitHub ignores it and no code owner can be required"
            )
        );
        assert_eq!(d[0].code, "G002");

        let (g, d) = owners_gate(vec![b'*', b' ', 0xff], &files);
        assert_eq!(
            (g.status, g.message.as_str()),
            (
                GateStatus::Fail,
                "CODEOWNERS is not UTF-8 text, so no code owner can be read from it"
            )
        );
        assert_eq!(d[0].code, "T003");
    }

    #[test]
    fn approvals_messages() {
        let tree = FileTree::new();
        let g = gate(&run("approvals: 0\n", &Context::default(), &tree), "approvals").clone();
        assert_eq!((g.status, g.message.as_str()), (GateStatus::Pass, "no approvals are required"));
        let g = gate(&run("approvals: 1\n", &Context::default(), &tree), "approvals").clone();
        assert_eq!((g.status, g.message.as_str()), (GateStatus::Pending, "0 of 1 approvals"));
    }

    #[test]
    fn immutable_tags() {
        let tree = FileTree::new();
        let g = gate(&run("immutableTags: true\n", &Context::default(), &tree), "immutableTags")
            .clone();
        assert_eq!(
            (g.status, g.message.as_str()),
            (GateStatus::Pass, "the new version is a digest or a git SHA (7-40 hex characters)")
        );
        let (r, _) = evaluate(
            &config("immutableTags: true\n"),
            &promotion(&[], &[]),
            &Context::default(),
            &tree,
        );
        assert_eq!(gate(&r, "immutableTags").message, "no new tags or digests");
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
        let g = gate(&run("soak: 2h\n", &ctx, &tree), "soak").clone();
        assert_eq!(g.status, GateStatus::Pending);
        assert_eq!(
            g.message,
            "needs 2h in staging; unknown: when the artifact landed in staging (context.since.staging)"
        );
        let g = gate(&run("soak: 2h\n", &Context::default(), &tree), "soak").clone();
        assert_eq!(
            g.message,
            "needs 2h in staging; unknown: when the artifact landed in staging (context.since.staging) and the current time (context.now)"
        );
        let ctx = Context {
            now: Some("2026-11-26T10:00:00Z".into()),
            since: since("2026-11-27T08:35:00Z"),
            ..Context::default()
        };
        let g = gate(&run("soak: 2h\n", &ctx, &tree), "soak").clone();
        assert_eq!(
            (g.status, g.message.as_str()),
            (
                GateStatus::Pending,
                "needs 2h in staging; context.since.staging is later than context.now"
            )
        );
        let ctx = Context {
            now: Some("2026-11-26T10:35:00Z".into()),
            since: since("2026-11-26T08:35:00Z"),
            ..Context::default()
        };
        assert_eq!(
            gate(&run("soak: 2h\n", &ctx, &tree), "soak").message,
            "soaked 2h in staging (needs 2h)"
        );
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
        assert_eq!(
            gate(&run(cfg, &ctx, &tree), "windows").message,
            "outside the deployment windows (window opens Mon 09:00 UTC)"
        );
        let ctx = Context { now: Some("2026-11-26T10:00:00Z".into()), ..Context::default() };
        assert_eq!(
            gate(&run(cfg, &ctx, &tree), "windows").message,
            "inside a deployment window (window closes 16:00 UTC)"
        );
        assert_eq!(
            gate(&run(cfg, &Context::default(), &tree), "windows").message,
            "the current time is unknown (context.now)"
        );
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
