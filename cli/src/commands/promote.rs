//! `baton promote`: plan a promotion, and with `--write`, apply its edits.
//!
//! Writing is guarded by one function, [`obstacles`]: everything that stands between a plan
//! and the disk is listed there, each with the flag that may lift it (if any). Errors are
//! never lifted; blocking gates are lifted by `--force`, which says which gates it overrides;
//! a downgrade (the target runs newer versions than the source) only by `--allow-downgrade`.

use baton_core::Workspace;
use baton_core::gates::evaluate::GateStatus;
use baton_core::promote::{PromotionPlan, PromotionRequest};
use baton_core::status::Relation;

use super::{Context, Exit, Outcome};
use crate::gate_context::{self, GateArgs};
use crate::markdown::{self, MarkdownArgs};
use crate::{disk, git, output};

/// Plan a promotion: edits, rendered diff, gates; `--write` applies the edits
///
/// Moves the images that the source environment (--from, by default the one before --to in
/// the pipeline) runs into the target environment --to, with surgical edits of the target's
/// files. The plan is verified by rendering, and the gates of baton.yaml decide whether it is
/// allowed. --write writes the edits only when the plan is allowed; --force writes past
/// blocking gates (naming each); a plan that downgrades the target (it runs newer versions than
/// the source) is written only with --allow-downgrade; nothing is written while the plan has
/// errors.
#[derive(Debug, clap::Args)]
#[command(after_help = "Exit codes: 0 allowed (or written with --force), 1 not allowed or \
                        problems found (nothing written), 2 could not run.")]
pub struct Args {
    /// The app to promote (its name)
    #[arg(long, value_name = "APP", value_parser = name)]
    app: String,
    /// The environment to promote to
    #[arg(long, value_name = "ENV", value_parser = name)]
    to: String,
    /// The environment to promote from (default: the one before --to)
    #[arg(long, value_name = "ENV", value_parser = name)]
    from: Option<String>,
    /// Output format: `json` gives the shapes of the JS API, `markdown` a pull request comment
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    markdown: MarkdownArgs,
    /// Write the edits to disk when the plan is allowed
    #[arg(long)]
    write: bool,
    /// With --write: write even when gates block the promotion (never when the plan has errors)
    #[arg(long, requires = "write")]
    force: bool,
    /// With --write: write a plan that moves the target to older versions (--force does not)
    #[arg(long, requires = "write")]
    allow_downgrade: bool,
    #[command(flatten)]
    gates: GateArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

/// An app or environment name. One that starts with `-` is a flag typed where a value was
/// expected (`--app --to prod` with the app forgotten), not a name.
pub(crate) fn name(value: &str) -> Result<String, String> {
    if value.starts_with('-') {
        Err("a name, not a flag, was expected".into())
    } else if value.is_empty() {
        Err("the name is empty".into())
    } else {
        Ok(value.to_string())
    }
}

pub fn run(args: &Args, context: &Context) -> Outcome {
    args.markdown.check(args.format == Format::Markdown)?;
    let mut gate_context = gate_context::assemble(&args.gates, gate_context::system_now())?;
    let mut repository = context.repository()?;
    let mut workspace = Workspace::new(std::mem::take(&mut repository.tree));
    let mut request = PromotionRequest {
        app: args.app.clone(),
        to: args.to.clone(),
        from: args.from.clone(),
        context: Some(gate_context.context.clone()),
    };
    let mut plan = workspace.plan_promotion(&request);
    if args.gates.since_from_git {
        // The plan says which values move out of which environment; their landing times
        // complete the context, and the plan is made again with it.
        let derived = git::since(&context.root, &mut workspace, &plan)?;
        gate_context.notes.extend(derived.notes);
        gate_context.add_since(derived.since);
        request.context = Some(gate_context.context.clone());
        plan = workspace.plan_promotion(&request);
    }
    for note in &gate_context.notes {
        context.terminal.err(&format!("baton: {note}\n"));
    }
    // A plan is made from the whole repository (app globs, baton.yaml, CODEOWNERS): an entry
    // left out of it can change the answer, so an error there blocks the plan like any other.
    plan.allowed &= !disk::report_skipped(repository.left_out(), &mut plan.diagnostics, |_| true);
    let text = match args.format {
        Format::Text => output::plan_text(&plan, output::Palette::new(context.terminal.out_color)),
        Format::Json => output::json(&plan),
        Format::Markdown => {
            let parts = markdown::report::plan(&plan, gate_context.pull_request).parts();
            if let Some(dir) = &args.markdown.comment_dir {
                markdown::write_parts(dir, &parts)?;
            }
            markdown::joined(&parts)
        }
    };
    context.terminal.out(&text)?;
    if !args.write {
        return Ok(verdict(&plan));
    }
    let found =
        obstacles(&plan, Flags { force: args.force, allow_downgrade: args.allow_downgrade });
    Ok(match write_guarded(context, &plan.edits, found)? {
        Written::Refused => Exit::Problems,
        Written::PastObstacles => Exit::Clean,
        Written::Clear => verdict(&plan),
    })
}

/// What [`write_guarded`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// An obstacle still stands: nothing written (said on stderr).
    Refused,
    /// Written past obstacles a flag lifted (each named on stderr).
    PastObstacles,
    /// Written; nothing stood in the way.
    Clear,
}

/// Writes `edits` unless an obstacle in `found` still stands; says on stderr what stood,
/// what a flag overrode, and what was written. The one `--write` of every command.
pub fn write_guarded(
    context: &Context,
    edits: &[baton_core::changeset::FileEdit],
    found: Vec<Obstacle>,
) -> Result<Written, String> {
    let (lifted, standing): (Vec<_>, Vec<_>) = found.into_iter().partition(|o| o.lifted);
    let palette = output::Palette::new(context.terminal.err_color);
    if !standing.is_empty() {
        context.terminal.err(&output::refusal_text(&standing, palette));
        return Ok(Written::Refused);
    }
    if !lifted.is_empty() {
        context.terminal.err(&output::override_text(&lifted, palette));
    }
    disk::write_edits(&context.root, edits)?;
    context.terminal.err(&match edits.len() {
        0 => "baton: nothing to write\n".to_string(),
        n => format!("baton: wrote {n} file(s)\n"),
    });
    Ok(if lifted.is_empty() { Written::Clear } else { Written::PastObstacles })
}

fn verdict(plan: &PromotionPlan) -> Exit {
    if plan.allowed { Exit::Clean } else { Exit::Problems }
}

/// The flags that may lift an obstacle to writing.
#[derive(Debug, Clone, Copy)]
pub struct Flags {
    pub force: bool,
    pub allow_downgrade: bool,
}

/// One thing that stands between a plan and the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obstacle {
    /// What it is, for a person: "gate approvals (pending): 0 of 1 approvals".
    pub what: String,
    /// The flag that lifts it, if any (errors have none).
    pub lifted_by: Option<&'static str>,
    /// Whether that flag was given.
    pub lifted: bool,
}

impl Obstacle {
    pub(crate) fn fixed(what: String) -> Obstacle {
        Obstacle { what, lifted_by: None, lifted: false }
    }

    pub(crate) fn liftable(what: String, flag: &'static str, given: bool) -> Obstacle {
        Obstacle { what, lifted_by: Some(flag), lifted: given }
    }
}

/// Everything that stands between `plan` and the disk, in the order a person should read it.
/// The plan's edits are written only when every obstacle is lifted. A new condition is one
/// more push here.
pub fn obstacles(plan: &PromotionPlan, flags: Flags) -> Vec<Obstacle> {
    let mut found = Vec::new();
    for d in plan.diagnostics.iter().filter(|d| d.is_error()) {
        let at = d.file.as_deref().map(|f| format!(" ({f})")).unwrap_or_default();
        found.push(Obstacle::fixed(format!("error[{}]{at}: {}", d.code, d.message)));
    }
    let errors = found.len();
    for gate in plan.gates.iter().filter(|g| g.status != GateStatus::Pass) {
        let status = if gate.status == GateStatus::Fail { "failed" } else { "pending" };
        let what = format!("gate {} ({status}): {}", gate.name, gate.message);
        found.push(Obstacle::liftable(what, "--force", flags.force));
    }
    // The engine's verdict is the last word: a reason not listed above (a future rule of the
    // core) still blocks the write, and only --force lifts it. A downgrade does not make a
    // plan disallowed (the gates decide that), so it neither explains nor hides this reason.
    if !plan.allowed && found.is_empty() {
        found.push(Obstacle::liftable(
            format!("the plan is not allowed: {}", plan.message),
            "--force",
            flags.force,
        ));
    }
    if plan.downgrade {
        found.insert(errors, downgrade(plan, flags.allow_downgrade));
    }
    found
}

/// The downgrade a plan makes, naming each container moved back.
fn downgrade(plan: &PromotionPlan, allowed: bool) -> Obstacle {
    let version = |v: &Option<String>| v.as_deref().unwrap_or("none").to_string();
    let older: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.relation == Relation::Ahead)
        .map(|c| {
            format!("{} '{}' {} → {}", c.workload, c.container, version(&c.from), version(&c.to))
        })
        .collect();
    let what = format!(
        "downgrade: {} runs newer versions than {} ({})",
        plan.to,
        plan.from.as_deref().unwrap_or("the source"),
        older.join(", ")
    );
    Obstacle::liftable(what, "--allow-downgrade", allowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_core::gates::evaluate::GateResult;
    use baton_core::promote::PlannedChange;
    use baton_core::status::Comparison;

    const NONE: Flags = Flags { force: false, allow_downgrade: false };
    const FORCE: Flags = Flags { force: true, allow_downgrade: false };
    const DOWNGRADE: Flags = Flags { force: false, allow_downgrade: true };

    fn plan(allowed: bool, gates: &[(&str, GateStatus)], errors: usize) -> PromotionPlan {
        let mut workspace = Workspace::new(baton_core::FileTree::new());
        let mut plan = workspace.plan_promotion(&PromotionRequest {
            app: "web".into(),
            to: "prod".into(),
            from: None,
            context: None,
        });
        plan.diagnostics.truncate(errors.min(plan.diagnostics.len()));
        plan.allowed = allowed;
        plan.gates = gates
            .iter()
            .map(|(name, status)| GateResult {
                name: (*name).to_string(),
                status: *status,
                message: format!("{name} says so"),
            })
            .collect();
        plan
    }

    #[test]
    fn an_allowed_plan_has_no_obstacle() {
        let p = plan(true, &[("approvals", GateStatus::Pass)], 0);
        assert_eq!(obstacles(&p, NONE), vec![]);
    }

    #[test]
    fn blocking_gates_are_lifted_only_by_force_and_named() {
        let p = plan(false, &[("approvals", GateStatus::Pending), ("soak", GateStatus::Fail)], 0);
        let found = obstacles(&p, NONE);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|o| !o.lifted && o.lifted_by == Some("--force")));
        assert_eq!(found[0].what, "gate approvals (pending): approvals says so");
        assert_eq!(found[1].what, "gate soak (failed): soak says so");
        assert!(obstacles(&p, FORCE).iter().all(|o| o.lifted));
    }

    #[test]
    fn errors_are_never_lifted() {
        // An empty repository: the plan refuses with R001 (no such app).
        let p = plan(false, &[("approvals", GateStatus::Pending)], 1);
        let found = obstacles(&p, FORCE);
        assert!(found[0].what.starts_with("error[R001]"), "{found:?}");
        assert!(!found[0].lifted && found[0].lifted_by.is_none());
        assert!(found[1].lifted);
    }

    #[test]
    fn a_plan_not_allowed_for_an_unlisted_reason_still_blocks() {
        let p = plan(false, &[], 0);
        let found = obstacles(&p, NONE);
        assert_eq!(found.len(), 1);
        assert!(found[0].what.starts_with("the plan is not allowed"), "{found:?}");
    }

    /// `p` as a plan moving `web` back from 1.3.0 to 1.2.0 (as `report_downgrades` marks it).
    fn downgrading(mut p: PromotionPlan) -> PromotionPlan {
        p.from = Some("staging".into());
        p.downgrade = true;
        p.changes.push(PlannedChange {
            workload: "Deployment/web".into(),
            container: "web".into(),
            name: "reg/web".into(),
            from: Some("1.3.0".into()),
            to: Some("1.2.0".into()),
            from_image: "reg/web:1.3.0".into(),
            to_image: "reg/web:1.2.0".into(),
            file: None,
            relation: Relation::Ahead,
            comparison: Comparison::Semver,
            note: String::new(),
        });
        p
    }

    #[test]
    fn a_downgrade_is_lifted_only_by_allow_downgrade() {
        // An allowed plan (gates pass): the downgrade alone stands, and --force does not lift it.
        let p = downgrading(plan(true, &[("approvals", GateStatus::Pass)], 0));
        let found = obstacles(&p, FORCE);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].what,
            "downgrade: prod runs newer versions than staging (Deployment/web 'web' 1.3.0 → 1.2.0)"
        );
        assert_eq!(found[0].lifted_by, Some("--allow-downgrade"));
        assert!(!found[0].lifted);
        // --allow-downgrade lifts it without --force, and asks for nothing else.
        assert!(obstacles(&p, DOWNGRADE).iter().all(|o| o.lifted));
    }

    #[test]
    fn a_downgrade_and_a_blocking_gate_need_both_flags() {
        let p = downgrading(plan(false, &[("approvals", GateStatus::Pending)], 0));
        let found = obstacles(&p, DOWNGRADE);
        let flags: Vec<_> = found.iter().map(|o| (o.lifted_by, o.lifted)).collect();
        assert_eq!(flags, [(Some("--allow-downgrade"), true), (Some("--force"), false)]);
        let both = Flags { force: true, allow_downgrade: true };
        assert!(obstacles(&p, both).iter().all(|o| o.lifted));
    }

    #[test]
    fn a_downgrade_does_not_hide_an_unlisted_reason() {
        // Not allowed for a reason neither errors nor gates explain: the generic obstacle
        // stands beside the downgrade, and --allow-downgrade alone does not write.
        let p = downgrading(plan(false, &[], 0));
        let found = obstacles(&p, DOWNGRADE);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[1].what.starts_with("the plan is not allowed") && !found[1].lifted);
    }

    #[test]
    fn names_that_look_like_flags_are_refused() {
        assert!(name("--to").is_err());
        assert!(name("-x").is_err());
        assert!(name("").is_err());
        assert_eq!(name("production"), Ok("production".into()));
    }
}
