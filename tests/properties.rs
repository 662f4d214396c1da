//! Property tests of the engine's invariants (DESIGN.md, "Tests"; ARCHITECTURE.md, "Invariants"):
//!
//! - applying a promotion plan, then planning again, is a no-op; the target then runs the
//!   source's images; edits are surgical and never touch a shared base or component
//!   (`generated_repositories_*`, on repositories from `baton_tests::synth`);
//! - render is deterministic: fresh workspaces and one reused workspace give identical results
//!   on the whole conformance corpus;
//! - incremental validation equals validation from scratch, after random edit sequences;
//! - no input panics or hangs the engine, and every diagnostic is well formed (mutated
//!   conformance inputs and generated repositories, plus explicit hostile files).
//!
//! Cases come from a seeded PRNG. `BATON_PROP_CASES=N` changes the number of cases of each
//! property, `BATON_PROP_SEED=S` the base seed, and `BATON_PROP_REPLAY=S` runs only the case
//! with seed `S` (a failing property prints it); `BATON_PROP_STATS=1` prints the work counters
//! of each generated repository. Run with `--nocapture` to see case counts and timings.
//!
//! The `#[ignore = "bug: …"]` tests are minimal reproducers of engine bugs that these
//! properties and the fuzz targets (`fuzz/`) found; they fail until the bug is fixed.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::time::{Duration, Instant};

use baton_core::gates::evaluate::{Context, GateStatus};
use baton_core::pipeline::Pipeline;
use baton_core::promote::{FileEdit, PromotionPlan, PromotionRequest};
use baton_core::tree::{Content, FileTree};
use baton_core::{Code, Diagnostic, Workspace};
use baton_tests::corpus::{self, Case};
use baton_tests::env_number;
use baton_tests::mutate;
use baton_tests::rng::{Rng, case_seed};
use baton_tests::surgical::{self, Allowed};
use baton_tests::synth::{self, App, Key, Options, Repo};

const DEFAULT_SEED: u64 = 0xBA70_2026_5EED_0001;

fn cases(default: usize) -> usize {
    env_number("BATON_PROP_CASES").map_or(default, |n| n as usize)
}

/// Runs a property over `n` seeded cases. A failing case names the seed that replays it.
fn run(name: &str, n: usize, mut case: impl FnMut(&mut Rng)) {
    let started = Instant::now();
    let base = env_number("BATON_PROP_SEED").unwrap_or(DEFAULT_SEED);
    let seeds: Vec<u64> = match env_number("BATON_PROP_REPLAY") {
        Some(seed) => vec![seed],
        None => (0..n).map(|i| case_seed(base, i)).collect(),
    };
    let mut slowest = (Duration::ZERO, 0);
    for seed in &seeds {
        let mut rng = Rng::new(*seed);
        let case_started = Instant::now();
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| case(&mut rng))) {
            eprintln!("property `{name}` failed; replay with BATON_PROP_REPLAY={seed:#018x}");
            resume_unwind(panic);
        }
        slowest = slowest.max((case_started.elapsed(), *seed));
    }
    eprintln!("property `{name}`: slowest case {:.2?} (seed {:#018x})", slowest.0, slowest.1);
    eprintln!("property `{name}`: {} cases in {:.2?}", seeds.len(), started.elapsed());
}

fn load_corpus() -> Vec<Case> {
    corpus::load().expect("the conformance corpus is readable")
}

/// The corpus without the cases that hold symbolic links: for properties that rebuild a tree
/// file by file through `Workspace::set_file`, as hosts without links do.
fn load_corpus_of_files() -> Vec<Case> {
    load_corpus().into_iter().filter(|case| case.tree.links().next().is_none()).collect()
}

fn dump(files: &BTreeMap<String, String>) -> String {
    files.iter().map(|(p, t)| format!("==> {p}\n{t}")).collect::<Vec<_>>().join("\n")
}

// ---------------------------------------------------------------------------------------------
// Diagnostics are well formed
// ---------------------------------------------------------------------------------------------

fn check_span(tree: &FileTree, file: &str, span: baton_core::Span, what: &str) {
    assert!(span.start <= span.end, "{what}: span {span:?} in {file} ends before it starts");
    match tree.get(file) {
        Some(Content::Text(text)) => {
            assert!(
                span.end as usize <= text.len(),
                "{what}: span {span:?} is outside {file} ({} bytes)",
                text.len()
            );
            assert!(
                text.is_char_boundary(span.start as usize)
                    && text.is_char_boundary(span.end as usize),
                "{what}: span {span:?} splits a character in {file}"
            );
        }
        Some(Content::NotUtf8 { len, .. }) => assert!(
            span.end as usize <= len,
            "{what}: span {span:?} is outside {file} ({len} bytes)"
        ),
        _ => {}
    }
}

/// Every diagnostic has a registered code, and its spans lie within their files.
fn check_diagnostics(tree: &FileTree, diagnostics: &[Diagnostic], what: &str) {
    for d in diagnostics {
        let code = Code::parse(d.code);
        assert!(
            code.is_some_and(|c| Code::ALL.contains(&c)),
            "{what}: unregistered code {:?} in {d:?}",
            d.code
        );
        assert!(!d.message.is_empty(), "{what}: empty message in {d:?}");
        if let (Some(file), Some(span)) = (&d.file, d.span) {
            check_span(tree, file, span, &format!("{what}: {} {}", d.code, d.message));
        }
        for related in &d.related {
            if let Some(span) = related.span {
                check_span(
                    tree,
                    &related.file,
                    span,
                    &format!("{what}: related of {} {}", d.code, d.message),
                );
            }
        }
    }
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {:?}: {}", d.code, d.file, d.message))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Generated repositories: plan, apply, plan again
// ---------------------------------------------------------------------------------------------

/// What a render runs: (workload id, container) → image.
fn runs(ws: &mut Workspace, dir: &str) -> BTreeMap<Key, String> {
    let rendered = ws.render(dir);
    assert!(rendered.ok(), "{dir} does not render: {:#?}", errors(&rendered.diagnostics));
    let mut out = BTreeMap::new();
    for r in &rendered.resources {
        for image in &r.images {
            out.insert(
                (format!("{}/{}", r.kind, r.original_name), image.container.clone()),
                image.image.clone(),
            );
        }
    }
    out
}

fn assert_runs_model(ws: &mut Workspace, app: &App, env: usize, when: &str) {
    let want: BTreeMap<Key, String> =
        app.keys().into_iter().map(|k| (k.clone(), app.image(env, &k))).collect();
    let got = runs(ws, &app.envs[env].dir);
    assert_eq!(
        got,
        want,
        "{when}: {} does not run what the model says\n{}",
        app.envs[env].dir,
        dump_tree(ws.tree())
    );
}

fn dump_tree(tree: &FileTree) -> String {
    let files: BTreeMap<String, String> = tree
        .iter()
        .map(|(p, c)| {
            (p.to_string(), tree.text(p).map_or_else(|| format!("{c:?}"), |t| t.to_string()))
        })
        .collect();
    dump(&files)
}

/// Writes one edit of a change set into a workspace (creating, changing or deleting the file).
fn apply_edit(ws: &mut Workspace, edit: &FileEdit) {
    match &edit.after {
        Some(text) => {
            ws.set_file(&edit.path, text).unwrap();
        }
        None => assert!(ws.remove_file(&edit.path), "{} is deleted but does not exist", edit.path),
    }
}

fn request(app: &str, to: &str) -> PromotionRequest {
    PromotionRequest { app: app.to_string(), to: to.to_string(), ..PromotionRequest::default() }
}

/// The values an edit for `changes` in `path` may remove and introduce.
fn allowed_for(plan: &PromotionPlan, path: &str) -> Allowed {
    let mut allowed = Allowed::default();
    for c in plan.changes.iter().filter(|c| c.file.as_deref() == Some(path)) {
        let (_, old_tag, old_digest) = split(&c.from_image);
        let (_, new_tag, new_digest) = split(&c.to_image);
        allowed.old.extend(
            [c.from_image.clone(), old_tag, old_digest].into_iter().filter(|s| !s.is_empty()),
        );
        allowed.new.extend(
            [c.to_image.clone(), new_tag, new_digest].into_iter().filter(|s| !s.is_empty()),
        );
        allowed.names.push(c.name.clone());
    }
    allowed
}

/// Name, tag and digest of an image reference (a `:` before the first `/` is a port).
fn split(image: &str) -> (String, String, String) {
    let (rest, digest) = image.split_once('@').map_or((image, ""), |(r, d)| (r, d));
    let slash = rest.find('/').unwrap_or(0);
    match rest[slash..].rfind(':') {
        Some(c) => {
            (rest[..slash + c].to_string(), rest[slash + c + 1..].to_string(), digest.to_string())
        }
        None => (rest.to_string(), String::new(), digest.to_string()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Nothing,
    Promoted,
    /// Refused (only accepted for an untagged source image).
    Refused,
}

/// Plans `app`'s promotion into environment `to`, checks the plan, applies it, checks the
/// result and plans again.
fn promote_and_check(
    ws: &mut Workspace,
    repo: &Repo,
    model: &mut [App],
    a: usize,
    to: usize,
) -> Outcome {
    let app = model[a].clone();
    let from = to - 1;
    let (target, source) = (&app.envs[to], &app.envs[from]);
    let expected: BTreeSet<Key> = app.differences(from, to).into_iter().collect();
    // Every overlay that does not build on the target must render the same after the promotion.
    let affected: BTreeSet<usize> = std::iter::once(to).chain(app.descendants(to)).collect();
    let mut unaffected: BTreeMap<String, String> = BTreeMap::new();
    for (b, other) in model.iter().enumerate() {
        for (i, env) in other.envs.iter().enumerate() {
            if b != a || !affected.contains(&i) {
                unaffected.insert(env.dir.clone(), ws.render(&env.dir).yaml);
            }
        }
    }
    let req = request(&app.name, &target.name);
    let plan = ws.plan_promotion(&req);
    let context = || {
        format!(
            "promoting {} from {} to {}\n{}",
            app.name,
            source.name,
            target.name,
            dump_tree(ws.tree())
        )
    };
    check_diagnostics(ws.tree(), &plan.diagnostics, "plan");
    assert_eq!(plan.from.as_deref(), Some(source.name.as_str()), "{}", context());
    // Removing a tag is impossible with an `images:` entry, so a promotion of an untagged
    // image into a tag set outside the target overlay is refused after verification.
    let untagged_source =
        expected.iter().any(|k| app.version(from, k) == &synth::Version::Untagged);
    if untagged_source && plan.diagnostics.iter().any(Diagnostic::is_error) {
        assert!(
            plan.diagnostics
                .iter()
                .filter(|d| d.is_error())
                .all(|d| d.code == Code::PromotionUnverified.as_str()),
            "{:#?}",
            plan.diagnostics
        );
        assert!(plan.edits.is_empty() && !plan.allowed && plan.pull_request.is_none());
        return Outcome::Refused;
    }
    assert!(
        errors(&plan.diagnostics).is_empty(),
        "the plan has errors: {:#?}\n{}",
        errors(&plan.diagnostics),
        context()
    );
    assert_eq!(
        plan.allowed,
        plan.gates.iter().all(|g| g.status == GateStatus::Pass),
        "allowed disagrees with the gates"
    );
    let got: BTreeSet<Key> =
        plan.changes.iter().map(|c| (c.workload.clone(), c.container.clone())).collect();
    assert_eq!(
        got,
        expected,
        "planned changes differ from the model\n{:#?}\n{}",
        plan.changes,
        context()
    );
    if expected.is_empty() {
        assert!(plan.edits.is_empty() && plan.pull_request.is_none(), "{:#?}", plan.edits);
        assert!(plan.message.starts_with("nothing to promote"), "{}", plan.message);
        return Outcome::Nothing;
    }
    for c in &plan.changes {
        let key = (c.workload.clone(), c.container.clone());
        assert_eq!(c.from.as_deref(), app.version(to, &key).promoted(), "{c:?}");
        assert_eq!(c.to.as_deref(), app.version(from, &key).promoted(), "{c:?}");
        assert_eq!(c.from_image, app.image(to, &key), "{c:?}");
        assert_eq!(
            c.to_image,
            format!("{}{}", app.container(&key).image, app.version(from, &key).suffix()),
            "{c:?}"
        );
        let file = c.file.as_deref().unwrap_or_else(|| panic!("change without a file: {c:?}"));
        assert!(
            plan.edits.iter().any(|e| e.path == file),
            "change {c:?} names a file that is not edited"
        );
    }
    assert!(!plan.edits.is_empty(), "changes but no edits\n{}", context());
    assert!(plan.pull_request.is_some(), "changes but no pull request");
    assert!(!plan.rendered_diff.is_empty(), "changes but no rendered diff");
    let paths: BTreeSet<&str> = plan.edits.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths.len(), plan.edits.len(), "a file is edited twice");
    for e in &plan.edits {
        assert!(
            !repo.shared.contains(&e.path),
            "a shared file is edited: {}\n{}",
            e.path,
            context()
        );
        assert!(
            baton_core::tree::is_within(&e.path, &target.dir),
            "{} is outside the target overlay {}",
            e.path,
            target.dir
        );
        assert_eq!(
            ws.tree().text(&e.path).as_deref(),
            e.before.as_deref(),
            "`before` is not the file's text"
        );
        let (Some(before), Some(after)) = (&e.before, &e.after) else {
            panic!("a promotion creates or deletes {}; it only edits files\n{}", e.path, context());
        };
        if let Err(why) = surgical::check(before, after, &allowed_for(&plan, &e.path)) {
            panic!(
                "the edit of {} is not surgical: {why}\n--- before\n{before}\n--- after\n{after}\n{}",
                e.path,
                context()
            );
        }
        assert!(e.diff.starts_with(&format!("--- a/{}\n+++ b/{}\n", e.path, e.path)), "{}", e.diff);
        if before.ends_with('\n') {
            assert!(after.ends_with('\n'), "the final line break of {} was lost", e.path);
        }
    }
    for e in &plan.edits {
        apply_edit(ws, e);
    }
    model[a].promote(from, to);
    let app = model[a].clone();
    for &i in &affected {
        assert_runs_model(ws, &app, i, "after the promotion");
    }
    for (dir, before) in &unaffected {
        assert_eq!(
            &ws.render(dir).yaml,
            before,
            "promoting {} into {} changed {dir}",
            app.name,
            app.envs[to].name
        );
    }
    let again = ws.plan_promotion(&req);
    check_diagnostics(ws.tree(), &again.diagnostics, "second plan");
    assert!(
        errors(&again.diagnostics).is_empty(),
        "the second plan has errors: {:#?}",
        errors(&again.diagnostics)
    );
    assert!(
        again.changes.is_empty() && again.edits.is_empty(),
        "planning again after applying is not a no-op: {:#?}\n{:#?}\n{}",
        again.changes,
        again.edits,
        dump_tree(ws.tree())
    );
    assert!(again.message.starts_with("nothing to promote"), "{}", again.message);
    Outcome::Promoted
}

#[derive(Debug, Default)]
struct Counts {
    promoted: usize,
    nothing: usize,
    refused: usize,
}

/// Checks a generated repository end to end.
fn check_repo(rng: &mut Rng, repo: &Repo) -> Counts {
    let mut ws = Workspace::new(repo.tree());
    let mut model = repo.apps.clone();
    // Every overlay renders what the model says.
    for app in &model {
        for i in 0..app.envs.len() {
            assert_runs_model(&mut ws, app, i, "as generated");
        }
    }
    let validation = ws.validate();
    check_diagnostics(ws.tree(), &validation.diagnostics, "validate");
    assert!(
        errors(&validation.diagnostics).is_empty(),
        "{:#?}\n{}",
        errors(&validation.diagnostics),
        dump(&repo.files)
    );
    // Status lists exactly the model's pending promotions.
    let status = ws.status();
    check_diagnostics(ws.tree(), &status.diagnostics, "status");
    for app in &model {
        let st = status
            .apps
            .iter()
            .find(|s| s.name == app.name)
            .unwrap_or_else(|| panic!("status lacks app {}\n{}", app.name, dump(&repo.files)));
        let names: Vec<&str> = st.environments.iter().map(|e| e.name.as_str()).collect();
        let want: Vec<&str> = app.envs.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, want, "environments of {}", app.name);
        for i in 1..app.envs.len() {
            let expected: BTreeSet<Key> = app.differences(i - 1, i).into_iter().collect();
            let pending = st.pending.iter().find(|p| p.to == app.envs[i].name);
            let got: BTreeSet<Key> = pending
                .map(|p| {
                    p.changes.iter().map(|c| (c.workload.clone(), c.container.clone())).collect()
                })
                .unwrap_or_default();
            assert_eq!(
                got,
                expected,
                "pending {} → {} of {}",
                app.envs[i - 1].name,
                app.envs[i].name,
                app.name
            );
            if let Some(p) = pending {
                assert_eq!(p.from, app.envs[i - 1].name);
            }
        }
    }
    // Promote in a random order, then down the chain, until nothing is pending.
    let mut counts = Counts::default();
    for a in 0..model.len() {
        let n = model[a].envs.len();
        let mut order: Vec<usize> = (1..n).collect();
        rng.shuffle(&mut order);
        order.extend(1..n);
        let mut refused = false;
        for to in order {
            match promote_and_check(&mut ws, repo, &mut model, a, to) {
                Outcome::Nothing => counts.nothing += 1,
                Outcome::Promoted => counts.promoted += 1,
                Outcome::Refused => {
                    counts.refused += 1;
                    refused = true;
                }
            }
        }
        if !refused {
            let st = ws.status();
            let st = st.apps.iter().find(|s| s.name == model[a].name).unwrap();
            assert!(
                st.pending.is_empty(),
                "still pending after promoting everything: {:#?}",
                st.pending
            );
            for i in 1..n {
                assert!(model[a].differences(0, i).is_empty());
            }
        }
    }
    if std::env::var("BATON_PROP_STATS").is_ok() {
        let dirs: usize = model.iter().map(|a| a.envs.len()).sum();
        eprintln!("stats: {:?}, {} env dirs, {:?}", ws.stats(), dirs, counts);
    }
    // The workspace reached this state incrementally; a fresh one must agree.
    let mut fresh = Workspace::new(ws.tree().clone());
    assert_eq!(ws.validate(), fresh.validate(), "incremental validation differs from a fresh one");
    assert_eq!(ws.status(), fresh.status(), "incremental status differs from a fresh one");
    counts
}

#[test]
fn generated_repositories_render_as_modelled_and_promote_to_a_fixed_point() {
    // CRLF files too: promotions must still be surgical there (lines they insert end in LF:
    // see `promotion_inserts_lines_with_the_files_line_endings`).
    let opts = Options { crlf_percent: 10, ..Options::default() };
    let mut features: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut total = Counts::default();
    run("generated-repositories", cases(64), |rng| {
        let repo = synth::repo(rng, &opts);
        for f in &repo.features {
            *features.entry(f).or_default() += 1;
        }
        let counts = check_repo(rng, &repo);
        total.promoted += counts.promoted;
        total.nothing += counts.nothing;
        total.refused += counts.refused;
    });
    eprintln!("plans: {total:?}; features used (repositories): {features:?}");
}

// ---------------------------------------------------------------------------------------------
// Determinism and incremental validation
// ---------------------------------------------------------------------------------------------

/// Makes `ws` hold exactly `tree`, through `set_file`/`remove_file`.
fn converge(rng: &mut Rng, ws: &mut Workspace, tree: &FileTree) {
    let current: Vec<String> = ws.tree().paths().map(str::to_string).collect();
    for path in current {
        if !tree.is_file(&path) {
            assert!(ws.remove_file(&path));
        }
    }
    let mut paths: Vec<&str> = tree.paths().collect();
    rng.shuffle(&mut paths);
    for path in paths {
        set_content(ws, path, &tree.get(path).unwrap());
    }
}

fn set_content(ws: &mut Workspace, path: &str, content: &Content) {
    match content {
        Content::Text(text) => {
            ws.set_file(path, text).unwrap();
        }
        Content::NotUtf8 { bytes, .. } => {
            ws.set_file_bytes(path, bytes.to_vec()).unwrap();
        }
        Content::TooLarge { .. } => panic!("no test tree holds a too-large marker"),
    }
}

#[test]
fn render_is_deterministic_in_fresh_and_reused_workspaces() {
    let corpus = load_corpus_of_files();
    let mut rng = Rng::new(env_number("BATON_PROP_SEED").unwrap_or(DEFAULT_SEED));
    let started = Instant::now();
    let mut reused = Workspace::default();
    let mut order: Vec<usize> = (0..corpus.len()).collect();
    let mut checked = 0;
    for pass in 0..2 {
        rng.shuffle(&mut order);
        for &i in &order {
            let case = &corpus[i];
            let first = Workspace::new(case.tree.clone()).render(&case.target);
            let second = Workspace::new(case.tree.clone()).render(&case.target);
            assert_eq!(first, second, "{}: two fresh renders differ", case.name);
            converge(&mut rng, &mut reused, &case.tree);
            let third = reused.render(&case.target);
            assert_eq!(
                first, third,
                "{} (pass {pass}): the reused workspace renders differently",
                case.name
            );
            assert_eq!(
                third,
                reused.render(&case.target),
                "{}: a cached render differs",
                case.name
            );
            let mut fresh = Workspace::new(case.tree.clone());
            assert_eq!(
                fresh.validate(),
                reused.validate(),
                "{} (pass {pass}): validate differs in the reused workspace",
                case.name
            );
            assert_eq!(
                fresh.status(),
                reused.status(),
                "{}: status differs in the reused workspace",
                case.name
            );
            checked += 1;
        }
    }
    eprintln!(
        "property `deterministic-render`: {checked} case renders in {:.2?}",
        started.elapsed()
    );
}

/// Mutations in the incremental property stay small: it is about caches, not size (and many
/// diagnostics in one big file are slow to locate; see `many_diagnostics_in_one_file_*`).
const INCREMENTAL_GROWTH: usize = 4 * 1024;

/// A random tree to start from, a target tree, and a kustomization directory to render.
fn incremental_target(rng: &mut Rng, corpus: &[Case]) -> (FileTree, String) {
    if rng.chance(60) {
        let case = rng.pick(corpus);
        let tree = if rng.chance(30) {
            mutate::tree_bounded(rng, &case.tree, INCREMENTAL_GROWTH)
        } else {
            case.tree.clone()
        };
        (tree, case.target.clone())
    } else {
        let repo = synth::repo(rng, &Options::default());
        let app = rng.pick(&repo.apps);
        let dir = rng.pick(&app.envs).dir.clone();
        (repo.tree(), dir)
    }
}

#[test]
fn incremental_validation_equals_validation_from_scratch() {
    let corpus = load_corpus_of_files();
    run("incremental-validation", cases(150), |rng| {
        let (target, dir) = incremental_target(rng, &corpus);
        let (start, _) = incremental_target(rng, &corpus);
        let mut ws = Workspace::new(start);
        ws.validate();
        let target_paths: Vec<String> = target.paths().map(str::to_string).collect();
        for _ in 0..rng.range(3, 14) {
            // A mutated target may hold no file at all: then there is nothing to copy from it.
            match rng.below(8) {
                0..=2 if target_paths.is_empty() => {}
                0 | 1 => {
                    let path = rng.pick(&target_paths);
                    set_content(&mut ws, path, &target.get(path).unwrap());
                }
                2 => {
                    let path = rng.pick(&target_paths).clone();
                    let donor =
                        mutate::file_bytes(&target, rng.pick(target_paths.as_slice()).as_str());
                    let bytes = mutate::bytes_bounded(
                        rng,
                        &mutate::file_bytes(&target, &path),
                        &donor,
                        INCREMENTAL_GROWTH,
                    );
                    ws.set_file_bytes(&path, bytes).unwrap();
                }
                3 => {
                    let paths: Vec<String> = ws.tree().paths().map(str::to_string).collect();
                    if !paths.is_empty() {
                        ws.remove_file(rng.pick(paths.as_slice()).as_str());
                    }
                }
                4 => {
                    let case = rng.pick(&corpus);
                    let paths: Vec<&str> = case.tree.paths().collect();
                    let path = *rng.pick(&paths);
                    set_content(&mut ws, path, &case.tree.get(path).unwrap());
                }
                5 => {
                    let dirs = ws.kustomization_dirs();
                    if !dirs.is_empty() {
                        let d = rng.pick(&dirs).clone();
                        ws.render(&d);
                    }
                }
                6 => {
                    ws.status();
                }
                _ => {
                    ws.validate();
                }
            }
        }
        converge(rng, &mut ws, &target);
        let mut fresh = Workspace::new(target.clone());
        let (incremental, scratch) = (ws.validate(), fresh.validate());
        assert_eq!(
            incremental, scratch,
            "incremental validation differs from validation from scratch"
        );
        assert_eq!(ws.render(&dir), fresh.render(&dir), "incremental render of {dir} differs");
        assert_eq!(ws.status(), fresh.status(), "incremental status differs");
    });
}

// ---------------------------------------------------------------------------------------------
// Hostile inputs
// ---------------------------------------------------------------------------------------------

const TIMES: &[&str] = &[
    "2026-11-26T09:30:00Z",
    "2026-11-26t11:30:00.25+02:00",
    "2026-02-30T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "2026-11-26T24:00:00Z",
    "2026-11-26T09:30:60Z",
    "2026-11-26 09:30:00z",
    "-2026-11-26T09:30:00Z",
    "2026-11-26T09:30:00.9999999999999999999Z",
    "2026-11-26T09:30:00+99:99",
    "",
    "now",
    "\u{0}",
];

fn random_context(rng: &mut Rng, envs: &[String]) -> Option<Context> {
    if rng.chance(40) {
        return None;
    }
    let mut ctx = Context::default();
    if rng.chance(70) {
        ctx.now = Some((*rng.pick(TIMES)).to_string());
    }
    if rng.chance(50) {
        ctx.author = Some((*rng.pick(&["alice", "", "@alice", "bob@example.com"])).to_string());
    }
    for _ in 0..rng.below(3) {
        ctx.approvals.push((*rng.pick(&["bob", "@carol", "ALICE", "", "x@y.z"])).to_string());
    }
    if rng.chance(50) {
        ctx.checks.insert(
            "ci/build".into(),
            (*rng.pick(&["success", "failure", "pending", "SUCCESS", "neutral", ""])).to_string(),
        );
    }
    for env in envs {
        if rng.chance(30) {
            ctx.since.insert(env.clone(), (*rng.pick(TIMES)).to_string());
        }
    }
    if rng.chance(30) {
        ctx.teams.insert("@acme/platform".into(), vec!["bob".into(), "carol".into()]);
    }
    Some(ctx)
}

/// Runs every operation on `tree` and checks that results are well formed.
fn exercise(rng: &mut Rng, tree: &FileTree, target: &str) {
    let mut ws = Workspace::new(tree.clone());
    let validation = ws.validate();
    check_diagnostics(tree, &validation.diagnostics, "validate");
    let rendered = ws.render(target);
    check_diagnostics(tree, &rendered.diagnostics, "render");
    if !rendered.ok() {
        assert!(rendered.yaml.is_empty(), "a failed render printed output");
    }
    assert_eq!(
        rendered,
        Workspace::new(tree.clone()).render(target),
        "render of {target:?} is not deterministic"
    );
    let status = ws.status();
    check_diagnostics(tree, &status.diagnostics, "status");
    let pipeline = Pipeline::load(tree);
    check_diagnostics(tree, &pipeline.diagnostics, "pipeline");
    let env_names: Vec<String> = pipeline.environments.iter().map(|e| e.name.clone()).collect();
    let mut requests: Vec<PromotionRequest> = Vec::new();
    for app in pipeline.apps.iter().take(3) {
        for env in app.environments.iter().take(4) {
            requests.push(request(&app.name, &env.name));
        }
    }
    let junk = ["", "..", "../..", "apps", "a/b", "\u{0}", "prod", "payments", "é"];
    requests.push(request(rng.pick::<&str>(&junk), rng.pick::<&str>(&junk)));
    if let Some(app) = pipeline.apps.first() {
        let mut r = request(&app.name, rng.pick::<&str>(&junk));
        r.from = Some((*rng.pick::<&str>(&junk)).to_string());
        requests.push(r);
        if let (Some(first), Some(last)) = (app.environments.first(), app.environments.last()) {
            // Backwards, and from an environment to itself.
            let mut r = request(&app.name, &first.name);
            r.from = Some(last.name.clone());
            requests.push(r);
            let mut r = request(&app.name, &last.name);
            r.from = Some(last.name.clone());
            requests.push(r);
        }
    }
    for mut req in requests {
        req.context = random_context(rng, &env_names);
        let plan = ws.plan_promotion(&req);
        check_plan(tree, &req, &plan);
    }
}

fn check_plan(tree: &FileTree, req: &PromotionRequest, plan: &PromotionPlan) {
    check_diagnostics(tree, &plan.diagnostics, "plan");
    let has_errors = plan.diagnostics.iter().any(Diagnostic::is_error);
    if plan.allowed {
        assert!(!has_errors, "an allowed plan has errors: {:#?}", errors(&plan.diagnostics));
    }
    assert_eq!(
        plan.pull_request.is_some(),
        !plan.changes.is_empty() && !has_errors,
        "a pull request exactly when there are changes and no errors"
    );
    if !plan.edits.is_empty() {
        // Edits are computed before the gates; only gate and context errors may come with them.
        let blocking: Vec<&Diagnostic> =
            plan.diagnostics.iter().filter(|d| d.is_error() && !d.code.starts_with('G')).collect();
        assert!(
            blocking.is_empty(),
            "edits offered with errors: {blocking:#?}\n{}",
            dump_tree(tree)
        );
        for e in &plan.edits {
            assert_eq!(
                tree.text(&e.path).as_deref(),
                e.before.as_deref(),
                "`before` of {} is not the file's text",
                e.path
            );
        }
        // Apply, then plan again: nothing left to do.
        let mut applied = Workspace::new(tree.clone());
        for e in &plan.edits {
            apply_edit(&mut applied, e);
        }
        let mut again_req = req.clone();
        again_req.context = None;
        let again = applied.plan_promotion(&again_req);
        assert!(
            again.edits.is_empty(),
            "planning again after applying is not a no-op: {:#?}",
            again.edits
        );
    }
}

#[test]
fn hostile_mutations_never_panic_and_give_well_formed_diagnostics() {
    let corpus = load_corpus();
    let opts = Options { crlf_percent: 10, ..Options::default() };
    let mut slowest = (Duration::ZERO, String::new());
    run("hostile-mutations", cases(200), |rng| {
        let (tree, target, origin) = if rng.chance(60) {
            let case = rng.pick(&corpus);
            (case.tree.clone(), case.target.clone(), case.name.clone())
        } else {
            let repo = synth::repo(rng, &opts);
            let app = rng.pick(&repo.apps);
            let env = rng.pick(&app.envs).dir.clone();
            (repo.tree(), env, "generated".to_string())
        };
        let mutated = mutate::tree(rng, &tree);
        let started = Instant::now();
        exercise(rng, &mutated, &target);
        let took = started.elapsed();
        if took > slowest.0 {
            slowest = (took, origin);
        }
    });
    eprintln!("slowest hostile case: {:.2?} ({})", slowest.0, slowest.1);
}

/// The seed layout from the design notes: two apps, staging and production.
fn seed_tree() -> FileTree {
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payment-service\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: payment-service\n  template:\n    metadata:\n      labels:\n        app: payment-service\n    spec:\n      containers:\n        - name: payment-service\n          image: registry.example.com/payment-service:1.0.0\n          ports:\n            - containerPort: 8080\n";
    let patch = |tag: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payment-service\nspec:\n  template:\n    spec:\n      containers:\n        - name: payment-service\n          image: registry.example.com/payment-service:{tag}  # ← CI updates this\n"
        )
    };
    let mut t = FileTree::new();
    let mut add = |p: &str, s: &str| {
        t.insert(p, s).unwrap();
    };
    add("apps/payment-service/base/kustomization.yaml", "resources:\n  - deployment.yaml\n");
    add("apps/payment-service/base/deployment.yaml", deployment);
    add(
        "apps/payment-service/staging/kustomization.yaml",
        "resources:\n  - ../base\nnamespace: payments-staging\npatches:\n  - path: image-patch.yaml\n",
    );
    add("apps/payment-service/staging/image-patch.yaml", &patch("abc1234"));
    add(
        "apps/payment-service/production/kustomization.yaml",
        "resources:\n  - ../base\nnamespace: payments-production\npatches:\n  - path: image-patch.yaml\n",
    );
    add("apps/payment-service/production/image-patch.yaml", &patch("9f8e7d6"));
    add("apps/checkout/base/kustomization.yaml", "resources:\n- deployment.yaml\n");
    add("apps/checkout/base/deployment.yaml", &deployment.replace("payment-service", "checkout"));
    add(
        "apps/checkout/staging/kustomization.yaml",
        "resources:\n- ../base\nimages:\n- name: registry.example.com/checkout\n  newTag: 7c3f9a1\n",
    );
    add(
        "apps/checkout/production/kustomization.yaml",
        "# Production runs what the base pins until promoted.\nresources:\n- ../base\n",
    );
    t
}

fn seed_with(files: &[(&str, &[u8])]) -> FileTree {
    let mut t = seed_tree();
    for (path, bytes) in files {
        t.insert_bytes(path, bytes.to_vec()).unwrap();
    }
    t
}

fn codes(diagnostics: &[Diagnostic]) -> BTreeSet<&'static str> {
    diagnostics.iter().map(|d| d.code).collect()
}

/// Runs everything on `tree` (rendering each of `targets`) and returns validate's codes.
fn hostile(tree: &FileTree, targets: &[&str]) -> BTreeSet<&'static str> {
    let mut rng = Rng::new(DEFAULT_SEED);
    for target in targets {
        exercise(&mut rng, tree, target);
    }
    codes(&Workspace::new(tree.clone()).validate().diagnostics)
}

const PROD: &str = "apps/payment-service/production";

#[test]
fn hostile_ten_megabyte_files() {
    let big = "a: b\n".repeat(2 * 1024 * 1024);
    let tree = seed_with(&[
        ("apps/payment-service/production/big.yaml", big.as_bytes()),
        ("apps/payment-service/production/kustomization.yaml", b"resources:\n  - ../base\n  - big.yaml\n"),
        ("CODEOWNERS", "* @acme/platform\n".repeat(250_000).as_bytes()),
        ("baton.yaml", b"apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  environments:\n  - name: staging\n  - name: production\n    gates:\n      codeowners: true\n"),
    ]);
    let found = hostile(&tree, &[PROD]);
    assert!(found.contains(Code::FileTooLarge.as_str()), "{found:?}");
    // GitHub ignores a CODEOWNERS over 3 MB; validation says so.
    assert!(found.contains(Code::CodeOwnersTooLarge.as_str()), "{found:?}");
}

#[test]
fn hostile_billion_laughs() {
    let mut bomb = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a0: &a0 \"lol\"\n",
    );
    for i in 1..=12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    let kustomization =
        "resources:\n  - ../base\n  - bomb.yaml\nimages:\n  - name: x\n    newTag: &t [*t]\n";
    let tree = seed_with(&[
        ("apps/payment-service/production/bomb.yaml", bomb.as_bytes()),
        ("apps/payment-service/production/kustomization.yaml", kustomization.as_bytes()),
        ("baton.yaml", format!("{bomb}\nspec: *a12\n").as_bytes()),
        ("apps/checkout/production/kustomization.yaml", b"resources: &r\n- ../base\n- *r\n"),
    ]);
    let found = hostile(&tree, &[PROD, "apps/checkout/production"]);
    assert!(
        found.contains(Code::YamlTooManyNodes.as_str())
            || found.contains(Code::YamlSyntax.as_str()),
        "{found:?}"
    );
}

#[test]
fn hostile_ten_thousand_levels_of_nesting() {
    let n = 10_000;
    let flow_seq = format!("{}{}", "[".repeat(n), "]".repeat(n));
    let flow_map = format!("{}x{}", "{a: ".repeat(n), "}".repeat(n));
    let block_seq = format!("{}x\n", "- ".repeat(n));
    let block_map: String = (0..2_000).flat_map(|i| [" ".repeat(i), format!("k{i}:\n")]).collect();
    let unclosed = "[".repeat(n);
    let tree = seed_with(&[
        ("apps/payment-service/production/a.yaml", flow_seq.as_bytes()),
        ("apps/payment-service/production/b.yaml", flow_map.as_bytes()),
        ("apps/payment-service/production/c.yaml", block_seq.as_bytes()),
        ("apps/payment-service/production/d.yaml", block_map.as_bytes()),
        (
            "apps/payment-service/production/kustomization.yaml",
            format!("resources:\n  - ../base\n  - a.yaml\npatches:\n  - patch: {unclosed}\n")
                .as_bytes(),
        ),
        (
            "apps/checkout/production/kustomization.yaml",
            format!("resources: {flow_seq}\n").as_bytes(),
        ),
        ("baton.yaml", flow_map.as_bytes()),
    ]);
    let found = hostile(&tree, &[PROD, "apps/checkout/production"]);
    assert!(
        found.contains(Code::YamlTooDeep.as_str()) || found.contains(Code::YamlSyntax.as_str()),
        "{found:?}"
    );
}

#[test]
fn hostile_invalid_utf8() {
    let tree = seed_with(&[
        (
            "apps/payment-service/production/image-patch.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \xff\xfe\n",
        ),
        (
            "apps/checkout/production/kustomization.yaml",
            b"resources:\n- ../base\n- \xc3\x28.yaml\n",
        ),
        ("baton.yaml", b"apiVersion: baton.dev/v1alpha1\nkind: \xe2\x82\n"),
        ("CODEOWNERS", b"* @\xff\n"),
        ("apps/checkout/base/binary.bin", b"\x00\x01\x02\xff"),
    ]);
    let found = hostile(&tree, &[PROD, "apps/checkout/production"]);
    assert!(found.contains(Code::InvalidUtf8.as_str()), "{found:?}");
}

#[test]
fn hostile_cycles_of_bases() {
    let tree = seed_with(&[
        (
            "apps/payment-service/production/kustomization.yaml",
            b"resources:\n  - ../base\n  - ../staging\n",
        ),
        ("apps/payment-service/staging/kustomization.yaml", b"resources:\n  - ../production\n"),
        ("apps/checkout/production/kustomization.yaml", b"resources:\n- .\n"),
        ("apps/checkout/staging/kustomization.yaml", b"components:\n- ../staging\n"),
        ("loop/a/kustomization.yaml", b"resources: [../b]\n"),
        ("loop/b/kustomization.yaml", b"resources: [../c]\n"),
        ("loop/c/kustomization.yaml", b"resources: [../a]\n"),
    ]);
    let found =
        hostile(&tree, &[PROD, "apps/checkout/production", "apps/checkout/staging", "loop/a"]);
    assert!(found.contains(Code::KustomizationCycle.as_str()), "{found:?}");
}

#[test]
fn hostile_paths_escaping_the_root() {
    let tree = seed_with(&[
        ("apps/payment-service/production/kustomization.yaml", b"resources:\n  - ../../../../../../etc\n  - /etc/passwd\npatches:\n  - path: ../../../../x.yaml\n"),
        ("apps/checkout/production/kustomization.yaml", b"components:\n- ../../../..\nconfigMapGenerator:\n- name: x\n  files:\n  - ../../../../../secret\n"),
        ("baton.yaml", b"apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  apps: [\"../*\", \"/*\"]\n  environments:\n  - name: production\n    path: \"../../{app}\"\n  - name: staging\n    path: \"/{app}/{env}\"\n"),
    ]);
    let found = hostile(&tree, &[PROD, "apps/checkout/production", "..", "../x", "/etc"]);
    assert!(
        found.contains(Code::PathEscapesRoot.as_str())
            || found.contains(Code::LoadRestriction.as_str()),
        "{found:?}"
    );
}

#[test]
fn hostile_empty_and_marker_only_files() {
    for text in [
        "",
        "---",
        "---\n",
        "---\n---\n---\n",
        "...\n",
        "--- |\n",
        "# only a comment\n",
        "\n\n\n",
        "~\n",
        "--- !!null\n",
    ] {
        let bytes = text.as_bytes();
        let tree = seed_with(&[
            ("apps/payment-service/production/kustomization.yaml", bytes),
            ("apps/payment-service/staging/image-patch.yaml", bytes),
            ("apps/checkout/base/deployment.yaml", bytes),
            ("baton.yaml", bytes),
            ("CODEOWNERS", bytes),
            ("kustomization.yaml", bytes),
        ]);
        hostile(&tree, &[PROD, "apps/payment-service/staging", "apps/checkout/production", ""]);
    }
}

#[test]
fn hostile_nul_bytes() {
    let tree = seed_with(&[
        (
            "apps/payment-service/production/kustomization.yaml",
            b"resources:\n  - ../base\n  - a\x00.yaml\nnamespace: \x00\n",
        ),
        ("apps/payment-service/staging/image-patch.yaml", b"\x00\x00\x00"),
        (
            "apps/checkout/base/deployment.yaml",
            b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\x00y\ndata:\n  k: \"\\0\"\n",
        ),
        ("baton.yaml", b"apiVersion: baton.dev/v1alpha1\x00\n"),
        ("CODEOWNERS", b"*\x00 @a\n/x\x00y @b\n"),
    ]);
    hostile(&tree, &[PROD, "apps/payment-service/staging", "apps/checkout/production"]);
}

/// The seed repository with every file rewritten by `f`.
fn seed_rewritten(f: impl Fn(&str) -> String) -> FileTree {
    let seed = seed_tree();
    let mut t = FileTree::new();
    for (path, _) in seed.iter() {
        t.insert(path, f(&seed.text(path).unwrap())).unwrap();
    }
    t
}

/// Renders every environment of the seed and plans both promotions.
fn seed_outcomes(tree: &FileTree) -> (Vec<String>, Vec<(Vec<String>, bool)>) {
    let mut ws = Workspace::new(tree.clone());
    let mut renders = Vec::new();
    for app in ["payment-service", "checkout"] {
        for env in ["staging", "production"] {
            renders.push(ws.render(&format!("apps/{app}/{env}")).yaml);
        }
    }
    let plans = ["payment-service", "checkout"]
        .iter()
        .map(|app| {
            let plan = ws.plan_promotion(&request(app, "production"));
            (plan.changes.iter().map(|c| c.to_image.clone()).collect(), plan.allowed)
        })
        .collect();
    (renders, plans)
}

/// Plans and applies every promotion of the seed, then plans again.
fn promote_seed(tree: &FileTree) -> FileTree {
    let mut ws = Workspace::new(tree.clone());
    for app in ["payment-service", "checkout"] {
        let plan = ws.plan_promotion(&request(app, "production"));
        assert!(plan.allowed && !plan.edits.is_empty(), "{app}: {:#?}", plan.diagnostics);
        for e in &plan.edits {
            apply_edit(&mut ws, e);
        }
        let again = ws.plan_promotion(&request(app, "production"));
        assert!(again.edits.is_empty() && again.changes.is_empty(), "{app}: {:#?}", again.changes);
    }
    ws.tree().clone()
}

#[test]
fn hostile_crlf_line_endings_render_and_promote_like_lf() {
    let crlf = seed_rewritten(|t| t.replace('\n', "\r\n"));
    hostile(&crlf, &[PROD]);
    assert_eq!(seed_outcomes(&crlf), seed_outcomes(&seed_tree()));
    let promoted = promote_seed(&crlf);
    // The replaced scalar keeps its line's CRLF ending.
    let patch = promoted.text("apps/payment-service/production/image-patch.yaml").unwrap();
    assert!(patch.contains(":abc1234  # ← CI updates this\r\n"), "{patch:?}");
}

#[test]
fn promotion_inserts_lines_with_the_files_line_endings() {
    let crlf = seed_rewritten(|t| t.replace('\n', "\r\n"));
    let promoted = promote_seed(&crlf);
    for (path, _) in promoted.iter() {
        let text = promoted.text(path).unwrap();
        let bare_lf = text.replace("\r\n", "").contains('\n');
        assert!(!bare_lf, "{path} mixes CRLF and LF after the promotion:\n{text:?}");
    }
}

#[test]
fn hostile_byte_order_marks_render_and_promote_like_without() {
    let bom = seed_rewritten(|t| format!("\u{feff}{t}"));
    hostile(&bom, &[PROD]);
    assert_eq!(seed_outcomes(&bom), seed_outcomes(&seed_tree()));
    let promoted = promote_seed(&bom);
    for (path, _) in promoted.iter() {
        assert!(
            promoted.text(path).unwrap().starts_with('\u{feff}'),
            "{path} lost its byte-order mark"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Bugs found by these properties (ignored until fixed; each is a minimal reproducer)
// ---------------------------------------------------------------------------------------------

/// Time to validate a kustomization whose `resources` has `n` invalid entries (one K002 each).
fn validate_many_bad_entries(n: usize) -> (usize, Duration) {
    let text = format!("resources:\n{}", "- {a: b}\n".repeat(n));
    let mut tree = FileTree::new();
    tree.insert("kustomization.yaml", text).unwrap();
    let started = Instant::now();
    let found = Workspace::new(tree).validate().diagnostics.len();
    (found, started.elapsed())
}

/// A scaling check, not a timing budget: four times the input may cost about four times the
/// time (eight is allowed for noise), not sixteen.
#[test]
fn many_diagnostics_in_one_file_are_located_in_linear_time() {
    let (small_found, small) = validate_many_bad_entries(2_500);
    let (large_found, large) = validate_many_bad_entries(10_000);
    assert!(small_found >= 2_500 && large_found >= 10_000);
    assert!(
        large < small * 8,
        "4x the diagnostics took {:.1}x the time ({small:.2?} -> {large:.2?})",
        large.as_secs_f64() / small.as_secs_f64()
    );
}

#[test]
fn replacing_a_tagged_scalar_keeps_its_value() {
    use baton_core::yaml::edit::{apply, replace_scalar};
    use baton_core::yaml::{Limits, parse};
    let file: std::sync::Arc<str> = std::sync::Arc::from("f.yaml");
    for value in ["#x", "x: y", "a #b", "[a]", "- a", "'q", ""] {
        let text = "a: !!str 5\n";
        let node =
            parse(&file, text, &Limits::default()).documents[0].root.get("a").unwrap().clone();
        let after = apply(text, &[replace_scalar(text, &node, value).unwrap()]).unwrap();
        let reparsed = parse(&file, &after, &Limits::default());
        let got = reparsed
            .documents
            .first()
            .and_then(|d| d.root.get("a"))
            .and_then(|n| n.scalar().map(str::to_string));
        assert_eq!(got.as_deref(), Some(value), "set to {value:?}, the file reads {after:?}");
    }
}

#[test]
fn replacing_an_empty_anchored_scalar_keeps_the_anchor() {
    use baton_core::yaml::edit::{apply, replace_scalar};
    use baton_core::yaml::{Limits, parse};
    let file: std::sync::Arc<str> = std::sync::Arc::from("f.yaml");
    let text = "a: &x\nb: *x\n";
    let node = parse(&file, text, &Limits::default()).documents[0].root.get("a").unwrap().clone();
    let after = apply(text, &[replace_scalar(text, &node, "v").unwrap()]).unwrap();
    let reparsed = parse(&file, &after, &Limits::default());
    let got = reparsed
        .documents
        .first()
        .and_then(|d| d.root.get("a"))
        .and_then(|n| n.scalar().map(str::to_string));
    assert_eq!(got.as_deref(), Some("v"), "the file reads {after:?}");
}

#[test]
fn replacing_an_empty_sequence_item_before_a_comment() {
    use baton_core::yaml::edit::{apply, replace_scalar};
    use baton_core::yaml::{Limits, parse};
    let file: std::sync::Arc<str> = std::sync::Arc::from("f.yaml");
    let text = "- # c\n";
    let node =
        parse(&file, text, &Limits::default()).documents[0].root.as_seq().unwrap()[0].clone();
    let after = apply(text, &[replace_scalar(text, &node, "v").unwrap()]).unwrap();
    let reparsed = parse(&file, &after, &Limits::default());
    let got = reparsed
        .documents
        .first()
        .and_then(|d| d.root.as_seq())
        .and_then(|s| s.first())
        .and_then(|n| n.scalar().map(str::to_string));
    assert_eq!(got.as_deref(), Some("v"), "the file reads {after:?}");
}

#[test]
fn replacing_the_empty_value_of_an_explicit_key() {
    use baton_core::yaml::edit::{apply, replace_scalar};
    use baton_core::yaml::{Limits, parse};
    let file: std::sync::Arc<str> = std::sync::Arc::from("f.yaml");
    let text = "? a\nb: 1\n";
    let node = parse(&file, text, &Limits::default()).documents[0].root.get("a").unwrap().clone();
    // Refusing the edit is fine; a corrupt file is not.
    if let Ok(edit) = replace_scalar(text, &node, "v") {
        let after = apply(text, &[edit]).unwrap();
        let reparsed = parse(&file, &after, &Limits::default());
        assert!(!reparsed.has_errors(), "the edited file does not parse: {after:?}");
        let root = &reparsed.documents[0].root;
        assert_eq!(
            (root.get_str("a"), root.get_str("b")),
            (Some("v"), Some("1")),
            "the file reads {after:?}"
        );
    }
}

#[test]
fn a_tab_after_a_colon_is_whitespace() {
    let mut tree = FileTree::new();
    tree.insert("kustomization.yaml", "resources:\n- cm.yaml\nnamePrefix:\tx-\n").unwrap();
    tree.insert(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name:\tc\ndata:\n  k:\tv\n",
    )
    .unwrap();
    let rendered = Workspace::new(tree).render("");
    assert!(rendered.ok(), "{:#?}", errors(&rendered.diagnostics));
    // What `kubectl kustomize` v1.37.1 (kustomize v5.8.1) prints for this tree.
    assert_eq!(
        rendered.yaml,
        "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: x-c\n"
    );
}

#[test]
fn control_characters_are_a_yaml_error() {
    let mut tree = FileTree::new();
    tree.insert("kustomization.yaml", "resources:\n- cm.yaml\n").unwrap();
    tree.insert(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: a\u{13}b\n",
    )
    .unwrap();
    let rendered = Workspace::new(tree).render("");
    // The conformance rule for an error case: at least one error, and no output.
    assert!(!rendered.ok() && rendered.yaml.is_empty(), "rendered: {:?}", rendered.yaml);
}

#[test]
fn quoted_scalars_follow_go_yaml_indentation_rules() {
    let head = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    // Each input and what `kubectl kustomize` v1.37.1 (kustomize v5.8.1) prints for it.
    let cases = [
        (
            "data:\n  k: \"a\n  b\"\n",
            "apiVersion: v1\ndata:\n  k: a b\nkind: ConfigMap\nmetadata:\n  name: c\n",
        ),
        ("it: [\"x\"\n]\n", "apiVersion: v1\nit:\n- x\nkind: ConfigMap\nmetadata:\n  name: c\n"),
    ];
    for (body, want) in cases {
        let mut tree = FileTree::new();
        tree.insert("kustomization.yaml", "resources:\n- cm.yaml\n").unwrap();
        tree.insert("cm.yaml", format!("{head}{body}")).unwrap();
        let rendered = Workspace::new(tree).render("");
        assert!(rendered.ok(), "{body:?}: {:#?}", errors(&rendered.diagnostics));
        assert_eq!(rendered.yaml, want);
    }
}

#[test]
fn replacing_a_scalar_after_a_property_and_a_comment_keeps_the_comment() {
    use baton_core::yaml::edit::{apply, replace_scalar};
    use baton_core::yaml::{Limits, parse};
    let file: std::sync::Arc<str> = std::sync::Arc::from("f.yaml");
    for text in ["a: &k # c\n  x\n", "a: !!str # c\n  x\n"] {
        let node =
            parse(&file, text, &Limits::default()).documents[0].root.get("a").unwrap().clone();
        let after = apply(text, &[replace_scalar(text, &node, "v").unwrap()]).unwrap();
        assert_eq!(after, text.replace("  x", "  v"), "the comment must stay");
    }
}

/// A directive with non-ASCII text: go-yaml refuses the name (kustomize: "could not find
/// expected directive name", checked with kubectl kustomize v5.8.1), so the file is refused at
/// the name's byte; a `%YAML` directive with non-ASCII text in its comment keeps every later
/// span exact.
#[test]
fn spans_after_a_directive_with_non_ascii_text() {
    use baton_core::yaml::{Limits, parse};
    let file: std::sync::Arc<str> = std::sync::Arc::from("f.yaml");
    let refused = parse(&file, "%é\n---\na: C\n", &Limits::default());
    assert!(refused.documents.is_empty());
    let d = &refused.diagnostics[0];
    assert_eq!((d.code, d.span.map(baton_core::Span::range)), ("Y001", Some(1..3)), "{d:?}");
    let text = "%YAML 1.1 # é\n---\na: C\n";
    let parsed = parse(&file, text, &Limits::default());
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let node = parsed.documents[0].root.get("a").unwrap();
    assert_eq!(text.get(node.origin.span.range()), Some("C"), "span {:?}", node.origin.span);
}
