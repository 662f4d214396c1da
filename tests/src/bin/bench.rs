//! Native benchmarks (a program, not a test: timings are reported, never asserted).
//!
//! `cargo run --release -p baton-tests --bin bench -- [APPS] [EDITS]` prints:
//! the time to render the whole conformance corpus; and on a synthetic fleet of APPS apps ×
//! 3 environments (default 300): `validate` cold, `validate` after editing one file (median
//! of EDITS edits, default 50), `status`, and `planPromotion`.

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
