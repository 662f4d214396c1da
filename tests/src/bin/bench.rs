//! Native benchmarks (a program, not a test: timings are reported, never asserted).
//!
//! `cargo run --release -p baton-tests --bin bench -- [APPS] [EDITS]` prints:
//! the time to render the whole conformance corpus; and on a synthetic fleet of APPS apps ×
//! 3 environments (default 300): `validate` cold, `validate` after editing one file (median
//! of EDITS edits, default 50), `status`, and `planPromotion`; and Flux image automation:
//! `imageUpdate` electing from 100,000 tags with each policy kind.

use std::path::Path;
use std::time::Instant;

use baton_core::Workspace;
use baton_core::promote::PromotionRequest;

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let apps = args.first().copied().unwrap_or(300);
    let edits = args.get(1).copied().unwrap_or(50);
    corpus();
    fleet(apps, edits);
    flux_election(100_000);
}

/// `imageUpdate` with one policy over `count` tags (semver, semver with a pre-release
/// opt-in, numerical with `filterTags` extraction, alphabetical): the median of 11 runs.
fn flux_election(count: usize) {
    use baton_core::flux::{ImageUpdateInput, image_update};
    use baton_core::source::{ParseCache, Source};
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
            images: [("registry.example.com/app".to_string(), tags.clone())].into(),
            ..ImageUpdateInput::default()
        };
        let mut times = Vec::new();
        let mut latest = None;
        for _ in 0..11 {
            let mut cache = ParseCache::default();
            let mut source = Source::new(&tree, &mut cache);
            let start = Instant::now();
            let out = image_update(&mut source, &input);
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
    let start = Instant::now();
    let mut bytes = 0;
    for (tree, target) in &cases {
        bytes += Workspace::new(tree.clone()).render(target).yaml.len();
    }
    println!(
        "corpus: {} cases rendered in {:.1} ms ({bytes} bytes of YAML), native",
        cases.len(),
        ms(start)
    );
}

fn fleet(apps: usize, edits: usize) {
    let tree = baton_tests::fleet::tree(apps);
    let files = tree.len();
    let start = Instant::now();
    let mut ws = Workspace::new(tree);
    let cold = ws.validate();
    println!(
        "fleet: {apps} apps × 3 environments ({files} files): validate cold {:.1} ms ({} diagnostics)",
        ms(start),
        cold.diagnostics.len()
    );
    let mut times = Vec::with_capacity(edits);
    for n in 0..edits {
        let path = format!("apps/app-{:03}/staging/image-patch.yaml", n % apps.max(1));
        let text = ws.tree().text(&path).unwrap_or_default().replace("CI updates", "CI updated");
        let text = if n % 2 == 0 { text } else { text.replace("CI updated", "CI updates") };
        let start = Instant::now();
        let _ = ws.set_file(&path, &text);
        let _ = ws.validate();
        times.push(ms(start));
    }
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(0.0);
    let worst = times.last().copied().unwrap_or(0.0);
    println!(
        "fleet: validate after editing one file: median {median:.2} ms, worst {worst:.2} ms over {edits} edits"
    );
    let start = Instant::now();
    let status = ws.status();
    let pending: usize = status.apps.iter().map(|a| a.pending.len()).sum();
    println!("fleet: status {:.1} ms ({pending} pending promotions)", ms(start));
    let start = Instant::now();
    let plan = ws.plan_promotion(&PromotionRequest {
        app: "app-000".into(),
        to: "production".into(),
        ..Default::default()
    });
    println!("fleet: planPromotion {:.1} ms ({} edits)", ms(start), plan.edits.len());
    let stats = ws.stats();
    println!("fleet: work done: {} parses, {} renders", stats.parses, stats.renders);
}
