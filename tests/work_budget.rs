//! No input hangs the engine (issue 14), checked without a clock: every public operation runs
//! on generated hostile repositories under a work budget counted in steps.
//!
//! The engine counts its work on a meter (`baton_core::work`): glob and CODEOWNERS matching
//! per table cell and character, app discovery per directory, renders by files and bytes read
//! and printed, rendered comparisons per node. `Workspace::set_work_limit` bounds the steps of
//! what follows; past it, metered loops stop and the result carries `R013`. So an operation
//! that would run away (the `**/**/…/zz` app glob ran 90 s on the old recursive matcher) ends
//! at the budget and this test fails with the seed, instead of hanging.
//!
//! Each case starts from a generated repository (`baton_tests::synth`) and adds hostile
//! features: app globs with many `**` and stars, a deep directory tree, a CODEOWNERS file of
//! hostile patterns with the codeowners gate on, apps sharing a name under `teams/*/apps/*`,
//! an overlay that includes every environment (so promotions have collateral changes), a
//! patch matching every Deployment, and byte-level mutations of a few files. Then it runs
//! `validate`, `render` of every kustomization directory, `kustomizationDirs`, `status`, and
//! `planPromotion` for every app (by name and by path) × environment, `planPreview` for every app
//! and `planPreviewCleanup`.
//!
//! The budget of one operation is linear in the repository's size (`BASE_STEPS` plus
//! `STEPS_PER_BYTE` per byte of its files), several times what the slowest generated case
//! needs (`BATON_PROP_STATS=1` prints the ratio), and far below what a super-linear
//! blow-up would take. `BATON_PROP_CASES`, `BATON_PROP_SEED` and `BATON_PROP_REPLAY` work
//! as in `properties.rs`.

#![allow(clippy::unwrap_used)]

use baton_core::envdiff::EnvDiffRequest;
use baton_core::pipeline::Pipeline;
use baton_core::preview::PreviewRequest;
use baton_core::preview::cleanup::CleanupRequest;
use baton_core::promote::PromotionRequest;
use baton_core::tree::{self, Content, FileTree};
use baton_core::{Diagnostic, Workspace};
use baton_tests::env_number;
use baton_tests::mutate;
use baton_tests::rng::{Rng, case_seed};
use baton_tests::synth::{self, Options};

const DEFAULT_SEED: u64 = 0xBA70_2026_B0D6_E701;

/// Steps every operation may take whatever the repository's size.
const BASE_STEPS: u64 = 400_000;
/// Further steps per byte of the repository's files.
const STEPS_PER_BYTE: u64 = 40;

fn size(tree: &FileTree) -> u64 {
    tree.iter()
        .map(|(path, content)| {
            path.len() as u64
                + match content {
                    Content::Text(text) => text.len() as u64,
                    Content::NotUtf8 { len, .. } => *len as u64,
                    Content::TooLarge { .. } => 0,
                }
        })
        .sum()
}

/// Runs operations on one workspace, each under the budget.
struct Budgeted {
    ws: Workspace,
    budget: u64,
    /// The largest share of the budget an operation used, and which.
    peak: (u64, String),
    seed: u64,
}

impl Budgeted {
    fn new(tree: FileTree, seed: u64) -> Self {
        let budget = BASE_STEPS + STEPS_PER_BYTE * size(&tree);
        Budgeted { ws: Workspace::new(tree), budget, peak: (0, String::new()), seed }
    }

    /// Runs `op` with a fresh budget; fails when it ran out (R013) or spent more.
    fn run<T>(
        &mut self,
        what: &str,
        op: impl FnOnce(&mut Workspace) -> T,
        diagnostics: impl Fn(&T) -> &[Diagnostic],
    ) -> T {
        self.ws.set_work_limit(Some(self.budget));
        let before = self.ws.stats().steps;
        let result = op(&mut self.ws);
        let spent = self.ws.stats().steps - before;
        let stopped = diagnostics(&result).iter().find(|d| d.code == "R013");
        assert!(
            stopped.is_none() && spent <= self.budget,
            "{what} did not finish within its budget of {} steps (spent {spent}): {:?}\nreplay with BATON_PROP_REPLAY={:#018x}",
            self.budget,
            stopped.map(|d| &d.message),
            self.seed
        );
        if spent > self.peak.0 {
            self.peak = (spent, what.to_string());
        }
        result
    }
}

/// What the cases exercised, so the generator keeps reaching the hostile paths.
#[derive(Debug, Default)]
struct Coverage {
    plans: usize,
    collateral: usize,
    codeowners_gate: usize,
    ambiguous: usize,
    shared_names: usize,
    deployment_renders: usize,
}

/// Every public operation, each under the budget.
fn exercise(tree: &FileTree, seed: u64, seen: &mut Coverage) -> (u64, u64, String) {
    let mut b = Budgeted::new(tree.clone(), seed);
    b.run("validate", Workspace::validate, |v| &v.diagnostics);
    let dirs = b.run("kustomizationDirs", |ws| ws.kustomization_dirs(), |_| &[]);
    for dir in &dirs {
        b.run(&format!("render {dir}"), |ws| ws.render(dir), |r| &r.diagnostics);
    }
    let status = b.run("status", Workspace::status, |s| &s.diagnostics);
    seen.shared_names += usize::from(status.diagnostics.iter().any(|d| d.code == "P007"));
    let pipeline = Pipeline::load(tree);
    for app in &pipeline.apps {
        for env in &app.environments {
            for name in [&app.name, &app.path] {
                let request = PromotionRequest {
                    app: name.clone(),
                    to: env.name.clone(),
                    ..PromotionRequest::default()
                };
                let what = format!("planPromotion {name} → {}", env.name);
                let plan = b.run(&what, |ws| ws.plan_promotion(&request), |p| &p.diagnostics);
                seen.plans += 1;
                seen.collateral += usize::from(!plan.collateral.is_empty());
                seen.codeowners_gate +=
                    usize::from(plan.gates.iter().any(|g| g.name == "codeowners"));
                seen.ambiguous += usize::from(plan.diagnostics.iter().any(|d| d.code == "R012"));
            }
            // Every environment against the first: the environment diff of the same app.
            let diff = EnvDiffRequest {
                app: app.path.clone(),
                from: app.environments[0].name.clone(),
                to: env.name.clone(),
            };
            let what = format!("diffEnvironments {} {} → {}", app.path, diff.from, diff.to);
            b.run(&what, |ws| ws.diff_environments(&diff), |d| &d.diagnostics);
        }
        let request = PreviewRequest {
            app: app.path.clone(),
            number: 42,
            sha: Some("ab1cd2e".into()),
            branch: Some("feature/x".into()),
            ..PreviewRequest::default()
        };
        let what = format!("planPreview {}", app.path);
        b.run(&what, |ws| ws.plan_preview(&request), |p| &p.diagnostics);
    }
    let cleanup = CleanupRequest { open: Some(vec![1]), ..CleanupRequest::default() };
    b.run("planPreviewCleanup", |ws| ws.plan_preview_cleanup(&cleanup), |p| &p.diagnostics);
    let listed = b.run("deployments", Workspace::deployments, |d| &d.diagnostics);
    for deployment in listed.deployments.iter().take(12) {
        let Ok(request) = baton_core::deploy::DeploymentRequest::parse(&deployment.id) else {
            continue;
        };
        let what = format!("renderDeployment {}", deployment.id);
        let rendered = b.run(&what, |ws| ws.render_deployment(&request), |r| &r.diagnostics);
        seen.deployment_renders += usize::from(rendered.ok);
    }
    (b.peak.0, b.budget, b.peak.1)
}

/// The environments of the generated apps, in promotion order.
fn chain(repo: &synth::Repo) -> Vec<String> {
    let mut chain: Vec<String> = Vec::new();
    for app in &repo.apps {
        let mut at = 0;
        for env in &app.envs {
            if let Some(i) = chain.iter().position(|e| *e == env.name) {
                at = i + 1;
            } else {
                chain.insert(at, env.name.clone());
                at += 1;
            }
        }
    }
    chain
}

/// A `baton.yaml` with hostile app globs and the codeowners gate on the last environment.
fn hostile_pipeline(rng: &mut Rng, repo: &synth::Repo) -> String {
    let root = repo.apps[0].dir.rsplit_once('/').map_or("apps", |(r, _)| r);
    let overlays = repo.apps.iter().any(|a| a.envs.iter().any(|e| e.dir.contains("/overlays/")));
    let stars = rng.range(8, 16);
    let mut globs = vec![
        format!("{root}/*"),
        "teams/*/apps/*".to_string(),
        format!("{}zz", "**/".repeat(stars)),
        format!("{}/{}b", root, "*a".repeat(rng.range(10, 40))),
        "[!.]*/**/[a-z]*[0-9]".to_string(),
    ];
    rng.shuffle(&mut globs);
    let mut s = String::from("apiVersion: baton.dev/v1alpha1\nkind: Pipeline\nspec:\n  apps:\n");
    for glob in &globs {
        s.push_str(&format!("  - \"{glob}\"\n"));
    }
    s.push_str("  environments:\n");
    let chain = chain(repo);
    for (i, env) in chain.iter().enumerate() {
        s.push_str(&format!("  - name: {env}\n"));
        if overlays {
            s.push_str("    path: \"{app}/overlays/{env}\"\n");
        }
        if i + 1 == chain.len() {
            s.push_str("    gates:\n      codeowners: true\n      approvals: 1\n");
        }
    }
    s
}

fn hostile_codeowners(rng: &mut Rng) -> String {
    let mut s = String::from("* @acme/platform\n");
    for i in 0..rng.range(20, 200) {
        let line = match rng.below(6) {
            0 => format!("{}zz @a{i}\n", "**/".repeat(rng.range(5, 30))),
            1 => format!("/{}b @b{i}\n", "*a".repeat(rng.range(5, 60))),
            2 => format!("**/{}/ @c{i}\n", "?".repeat(rng.range(1, 20))),
            3 => format!("!negated/{i} @d\n"),
            4 => format!("apps/**/**/**/*.yaml @e{i}\n"),
            _ => format!("/teams/*/apps/*/ @org/team-{i}\n"),
        };
        s.push_str(&line);
    }
    s
}

/// A generated repository with hostile additions.
fn hostile_repo(rng: &mut Rng) -> FileTree {
    let opts = Options { crlf_percent: 5, ..Options::default() };
    let repo = synth::repo(rng, &opts);
    let mut tree = repo.tree();
    tree.insert("baton.yaml", hostile_pipeline(rng, &repo)).unwrap();
    if rng.chance(70) {
        tree.insert(".github/CODEOWNERS", hostile_codeowners(rng)).unwrap();
    }
    if rng.chance(60) {
        // A deep tree, with a kustomization at the bottom.
        let deep = vec!["d"; rng.range(30, 120)].join("/");
        tree.insert(&format!("{deep}/kustomization.yaml"), "resources: []\n").unwrap();
        tree.insert(&format!("{deep}/zz/notes.txt"), "deep\n").unwrap();
    }
    if rng.chance(60) {
        // Apps sharing a name: copies of the first app under two teams.
        let app = &repo.apps[0];
        let name = app.dir.rsplit('/').next().unwrap_or("web");
        for team in ["a", "b"] {
            for (path, text) in
                repo.files.iter().filter(|(p, _)| p.starts_with(&format!("{}/", app.dir)))
            {
                let copy = format!("teams/{team}/apps/{name}{}", &path[app.dir.len()..]);
                tree.insert(&copy, text.as_str()).unwrap();
            }
        }
    }
    if rng.chance(50) {
        // One overlay that includes every environment: every promotion touches it too.
        let mut s = String::from("resources:\n");
        for app in &repo.apps {
            for env in &app.envs {
                s.push_str(&format!("- ../../{}\n", env.dir));
            }
        }
        tree.insert("clusters/all/kustomization.yaml", s).unwrap();
    }
    if rng.chance(40) {
        // A patch that matches every Deployment of an environment.
        let env = &rng.pick(&repo.apps).envs.last().unwrap().kustomization;
        if let Some(text) = tree.text(env).map(|t| t.to_string()) {
            let patch = "patches:\n- target: {kind: Deployment}\n  patch: |-\n    - op: add\n      path: /metadata/annotations\n      value: {team: platform}\n";
            let text = if text.contains("\npatches:") || text.starts_with("patches:") {
                text
            } else {
                format!(
                    "{}{patch}",
                    if text.ends_with('\n') { text.clone() } else { format!("{text}\n") }
                )
            };
            tree.insert(env, text).unwrap();
        }
    }
    if rng.chance(60) {
        // An extra workload in the last environment only, running one of the app's images: an
        // `images:` edit there moves it too (a collateral change).
        let app = rng.pick(&repo.apps);
        let env = app.envs.last().unwrap();
        let image = &app.workloads[0].containers[0].image;
        let extra = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: extra-worker\nspec:\n  template:\n    spec:\n      containers:\n      - name: extra\n        image: {image}:0.0.1\n"
        );
        let dir = tree::parent(&env.kustomization).to_string();
        tree.insert(&format!("{dir}/extra-worker.yaml"), extra).unwrap();
        if let Some(text) = tree.text(&env.kustomization).map(|t| t.to_string())
            && let Some(at) = text.find("resources:\n").map(|i| i + "resources:\n".len())
        {
            // The new item takes the indentation of the list's first item.
            let indent: String = text[at..].chars().take_while(|c| *c == ' ').collect();
            let text = format!("{}{indent}- extra-worker.yaml\n{}", &text[..at], &text[at..]);
            tree.insert(&env.kustomization, text).unwrap();
        }
    }
    if rng.chance(50) {
        // A Flux cluster: bootstrap applying its own directory, Kustomizations applying every
        // environment (some substituting variables, one applying the cluster again).
        let head = |name: &str, path: &str| {
            format!(
                "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: {name}\n  namespace: flux-system\nspec:\n  path: ./{path}\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n"
            )
        };
        let mut text = head("flux-system", "clusters/flux");
        text.push_str("---\n");
        text.push_str(&head("again", "clusters/flux"));
        for (i, app) in repo.apps.iter().enumerate() {
            for (j, env) in app.envs.iter().enumerate() {
                text.push_str("---\n");
                text.push_str(&head(&format!("k{i}-{j}"), tree::parent(&env.kustomization)));
                if rng.chance(50) {
                    text.push_str("  postBuild:\n    substitute:\n      A: \"${A}${A}\"\n    substituteStrategy: Always\n");
                }
            }
        }
        tree.insert("clusters/flux/ks.yaml", text).unwrap();
    }
    if rng.chance(40) {
        tree = mutate::tree_bounded(rng, &tree, 4096);
    }
    tree
}

#[test]
fn every_operation_finishes_within_a_work_budget_on_hostile_repositories() {
    let base = env_number("BATON_PROP_SEED").unwrap_or(DEFAULT_SEED);
    let seeds: Vec<u64> = if let Some(seed) = env_number("BATON_PROP_REPLAY") {
        vec![seed]
    } else {
        let n = env_number("BATON_PROP_CASES").map_or(40, |n| usize::try_from(n).unwrap_or(40));
        (0..n).map(|i| case_seed(base, i)).collect()
    };
    let replay = seeds.len() == 1;
    let mut worst = (0.0_f64, String::new());
    let mut seen = Coverage::default();
    for seed in seeds {
        let mut rng = Rng::new(seed);
        let tree = hostile_repo(&mut rng);
        let (peak, budget, what) = exercise(&tree, seed, &mut seen);
        #[allow(clippy::cast_precision_loss)]
        let share = peak as f64 / budget as f64;
        if share > worst.0 {
            worst = (share, format!("{what} (seed {seed:#018x}: {peak} of {budget} steps)"));
        }
    }
    if std::env::var_os("BATON_PROP_STATS").is_some() {
        eprintln!("largest share of a budget: {:.3} — {}", worst.0, worst.1);
        eprintln!("{seen:?}");
    }
    if !replay {
        assert!(
            seen.collateral > 0
                && seen.codeowners_gate > 0
                && seen.ambiguous > 0
                && seen.shared_names > 0
                && seen.deployment_renders > 0,
            "the hostile features were not all exercised: {seen:?}"
        );
    }
}

/// The budget can fail: with a tiny limit every operation stops and says so (`R013`), so a
/// runaway operation ends the property above instead of hanging it.
#[test]
fn a_tiny_budget_stops_every_operation() {
    let mut rng = Rng::new(DEFAULT_SEED);
    let repo = synth::repo(&mut rng, &Options::default());
    let tree = repo.tree();
    let app = &repo.apps[0];
    let has = |d: &[Diagnostic]| d.iter().any(|d| d.code == "R013");
    let fresh = || {
        let mut ws = Workspace::new(tree.clone());
        ws.set_work_limit(Some(3));
        ws
    };
    assert!(has(&fresh().validate().diagnostics));
    assert!(has(&fresh().status().diagnostics));
    // A render is not cut in the middle: the one that passes the limit completes, the next
    // one stops before it starts.
    let mut ws = fresh();
    assert!(!has(&ws.render(&app.envs[0].dir).diagnostics));
    assert!(ws.stats().steps > 3);
    assert!(has(&ws.render(&app.envs[1].dir).diagnostics));
    let request = PromotionRequest {
        app: app.name.clone(),
        to: app.envs.last().unwrap().name.clone(),
        ..PromotionRequest::default()
    };
    assert!(has(&fresh().plan_promotion(&request).diagnostics));
    let diff = EnvDiffRequest {
        app: app.name.clone(),
        from: app.envs[0].name.clone(),
        to: request.to.clone(),
    };
    assert!(has(&fresh().diff_environments(&diff).diagnostics));
    // And without a limit the same operations finish cleanly.
    let mut ws = Workspace::new(tree.clone());
    assert!(!has(&ws.validate().diagnostics));
    assert!(!has(&ws.plan_promotion(&request).diagnostics));
}
