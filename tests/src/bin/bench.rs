//! Native benchmarks (a program, not a test: timings are reported, never asserted).
//!
//! `cargo run --release -p baton-tests --bin bench -- [--apps 300,1000,3000] [--edits 50]`
//! prints, in this order:
//! - corpus: the time to render the whole conformance corpus, first pass and best of 5;
//! - floor: on the 300-app fleet, the time to parse every YAML file and print each document
//!   back with the emitter (no kustomize work), and cold `validate` / floor;
//! - for each fleet size (apps × 3 environments), in a fresh child process so that its peak
//!   memory is its own: `validate` cold, peak RSS, `validate` after editing one file (median of
//!   EDITS edits), `status`, `planPromotion`, and the work counters;
//! - scaling: cold `validate` of the largest fleet over the smallest, against the app ratio;
//! - flux: `imageUpdate` electing from 100,000 tags with each policy kind.
//!
//! `bench --fleet N [--edits E]` runs one fleet (what the parent spawns); `bench --flux TAGS`
//! runs only the Flux elections, over TAGS tags (for profiling).

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use baton_core::Workspace;
use baton_core::promote::PromotionRequest;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
    };
    let edits = value("--edits").and_then(|v| v.parse().ok()).unwrap_or(50);
    if let Some(apps) = value("--fleet").and_then(|v| v.parse().ok()) {
        fleet(apps, edits);
        return;
    }
    if let Some(tags) = value("--flux").and_then(|v| v.parse().ok()) {
        flux_election(tags);
        return;
    }
    let sizes: Vec<usize> = value("--apps")
        .unwrap_or("300,1000,3000")
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    corpus();
    floor(sizes.first().copied().unwrap_or(300));
    let mut cold = Vec::new();
    for apps in &sizes {
        match run_child(*apps, edits) {
            Some(ms) => cold.push((*apps, ms)),
            None => println!("fleet: {apps} apps: the child process failed"),
        }
    }
    if let (Some((small, a)), Some((large, b))) = (cold.first(), cold.last())
        && large > small
    {
        println!(
            "scaling: validate cold {large} apps / {small} apps = {:.1}× for {:.0}× the apps (target ≤ {:.0}×), native",
            b / a,
            count(*large) / count(*small),
            1.1 * count(*large) / count(*small)
        );
    }
    flux_election(100_000);
}

fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// `imageUpdate` with one policy over `count` tags (semver, semver with a pre-release
/// opt-in, numerical with `filterTags` extraction, alphabetical): the median of 11 runs.
fn flux_election(count: usize) {
    use baton_core::flux::ImageUpdateInput;
    // Tags a busy registry holds: versions, pre-releases, CI tags, signatures.
    let tags: Vec<String> = (0..count)
        .map(|i| match i % 4 {
            0 => format!("{}.{}.{}", i % 7, (i / 7) % 100, i / 700),
            1 => format!("{}.{}.0-rc.{}", i % 5, (i / 5) % 50, i % 13),
            2 => format!("main-{:07x}-{}", i * 2_654_435_761 % 0x0fff_ffff, 1_600_000_000 + i),
            _ => format!("sha256-{i:x}.sig"),
        })
        .collect();
    let policies = [
        ("semver", "policy: {semver: {range: '>=2.0.0 <5.0.0'}}"),
        ("semver pre-releases", "policy: {semver: {range: '>=1.0.0-0'}}"),
        (
            "numerical + filterTags",
            "policy: {numerical: {order: asc}}\n  filterTags: {pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$', extract: '$ts'}",
        ),
        ("alphabetical", "policy: {alphabetical: {order: desc}}"),
    ];
    for (label, policy) in policies {
        let mut tree = baton_core::FileTree::new();
        let objects = format!(
            "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {{name: app, namespace: ns}}\nspec: {{image: registry.example.com/app}}\n---\napiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {{name: app, namespace: ns}}\nspec:\n  imageRepositoryRef: {{name: app}}\n  {policy}\n"
        );
        let _ = tree.insert("flux/objects.yaml", objects);
        let input = ImageUpdateInput {
            images: [("registry.example.com/app".to_string(), tags.iter().collect())].into(),
            ..ImageUpdateInput::default()
        };
        let mut times = Vec::new();
        let mut latest = None;
        for _ in 0..11 {
            let mut workspace = baton_core::Workspace::new(tree.clone());
            let start = Instant::now();
            let out = workspace.image_update(&input);
            times.push(ms(start));
            latest = out.policies.first().and_then(|p| p.latest.clone());
        }
        times.sort_by(f64::total_cmp);
        println!(
            "flux: imageUpdate, {label}, {count} tags: {:.1} ms median of 11 (elects {}), native",
            times[5],
            latest.as_deref().unwrap_or("nothing")
        );
    }
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// Runs one fleet in a child process, echoes its report, returns its cold validate time.
fn run_child(apps: usize, edits: usize) -> Option<f64> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe)
        .args(["--fleet", &apps.to_string(), "--edits", &edits.to_string()])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    text.lines().find_map(|l| l.strip_prefix("cold-ms "))?.trim().parse().ok()
}

fn corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance/cases");
    let Ok(dirs) = baton_tests::subdirectories(&root) else {
        println!("corpus: cannot read {}", root.display());
        return;
    };
    let mut cases = Vec::new();
    for dir in &dirs {
        let target = std::fs::read_to_string(dir.join("target")).unwrap_or_default();
        let target = target.trim().trim_start_matches("./").trim_end_matches('/').to_string();
        let target = if target == "." { String::new() } else { target };
        if let Ok(tree) = baton_tests::read_tree(&dir.join("input")) {
            cases.push((tree, target));
        }
    }
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..5 {
        let start = Instant::now();
        bytes = 0;
        for (tree, target) in &cases {
            bytes += Workspace::new(tree.clone()).render(target).yaml.len();
        }
        times.push(ms(start));
    }
    let best = times.iter().copied().fold(f64::INFINITY, f64::min);
    println!(
        "corpus: {} cases rendered: first pass {:.1} ms, best of {} {best:.1} ms ({bytes} bytes of YAML), native",
        cases.len(),
        times[0],
        times.len()
    );
}

/// The floor: parse every YAML file of the fleet and print each document with the emitter.
fn floor(apps: usize) {
    let files = baton_tests::fleet::fleet(apps);
    let yaml: Vec<(Arc<str>, Arc<str>)> = files
        .iter()
        .filter(|(p, _)| std::path::Path::new(p.as_str()).extension().is_some_and(|e| e == "yaml"))
        .map(|(p, t)| (Arc::from(p.as_str()), Arc::from(t.as_str())))
        .collect();
    let mut best = f64::INFINITY;
    let mut bytes = 0;
    for _ in 0..3 {
        let start = Instant::now();
        bytes = 0;
        for (path, text) in &yaml {
            let parsed = baton_core::yaml::parse(path, text, &baton_core::yaml::Limits::default());
            for doc in &parsed.documents {
                bytes += baton_core::yaml::emit::kustomize_yaml(&doc.root).map_or(0, |y| y.len());
            }
        }
        best = best.min(ms(start));
    }
    let start = Instant::now();
    let cold = Workspace::new(baton_tests::fleet::tree(apps)).validate();
    let validate = ms(start);
    println!(
        "floor: {apps} apps: parse + emit every YAML file ({} files, {bytes} bytes out): best of 3 {best:.1} ms; validate cold {validate:.1} ms = {:.1}× the floor (target ≤ 3×; {} diagnostics), native",
        yaml.len(),
        validate / best,
        cold.diagnostics.len()
    );
}

/// Peak resident set size of this process, from Linux's `/proc/self/status` (`VmHWM`).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

fn mb(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".into(), |v| format!("{v:.1} MB"))
}

fn fleet(apps: usize, edits: usize) {
    let tree = baton_tests::fleet::tree(apps);
    let files = tree.len();
    let start = Instant::now();
    let mut ws = Workspace::new(tree);
    let cold = ws.validate();
    let cold_ms = ms(start);
    println!(
        "fleet: {apps} apps × 3 environments ({files} files): validate cold {cold_ms:.1} ms ({} diagnostics), peak RSS {}, native",
        cold.diagnostics.len(),
        mb(peak_rss_mb())
    );
    println!("cold-ms {cold_ms}");
    let mut times = Vec::with_capacity(edits);
    for n in 0..edits {
        let path = format!("apps/app-{:03}/staging/image-patch.yaml", n % apps.max(1));
        // Every edit changes the file's text (a text set again unchanged costs nothing).
        let now = ws.tree().text(&path).unwrap_or_default();
        let text = if now.contains("CI updates") {
            now.replace("CI updates", "CI updated")
        } else {
            now.replace("CI updated", "CI updates")
        };
        let start = Instant::now();
        let _ = ws.set_file(&path, &text);
        let _ = ws.validate();
        times.push(ms(start));
    }
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(0.0);
    let worst = times.last().copied().unwrap_or(0.0);
    println!(
        "fleet: {apps} apps: validate after editing one file: median {median:.2} ms, worst {worst:.2} ms over {edits} edits, native"
    );
    let start = Instant::now();
    let status = ws.status();
    let pending: usize = status.apps.iter().map(|a| a.pending.len()).sum();
    let status_ms = ms(start);
    let start = Instant::now();
    let plan = ws.plan_promotion(&PromotionRequest {
        app: "app-000".into(),
        to: "production".into(),
        ..Default::default()
    });
    println!(
        "fleet: {apps} apps: status {status_ms:.1} ms ({pending} pending promotions), planPromotion {:.1} ms ({} edits), native",
        ms(start),
        plan.edits.len()
    );
    let stats = ws.stats();
    println!(
        "fleet: {apps} apps: work done: {} parses, {} renders; peak RSS after every operation {}, native",
        stats.parses,
        stats.renders,
        mb(peak_rss_mb())
    );
}
