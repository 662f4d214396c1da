//! Writes a synthetic fleet (see `baton_tests::fleet`) to a directory, for benchmarks of the
//! CLI and of the wasm package: `cargo run -p baton-tests --bin synth -- 300 target/fleet-300`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(apps), Some(out)) = (args.first().and_then(|a| a.parse::<usize>().ok()), args.get(1))
    else {
        eprintln!("usage: synth APPS OUT_DIR");
        return ExitCode::from(2);
    };
    let out = PathBuf::from(out);
    if out.exists() && std::fs::remove_dir_all(&out).is_err() {
        eprintln!("synth: cannot clear {}", out.display());
        return ExitCode::from(2);
    }
    let files = baton_tests::fleet::fleet(apps);
    for (path, text) in &files {
        let full = out.join(path);
        if let Some(parent) = full.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            eprintln!("synth: {e}");
            return ExitCode::from(2);
        }
        if let Err(e) = std::fs::write(&full, text) {
            eprintln!("synth: {e}");
            return ExitCode::from(2);
        }
    }
    println!("synth: {} files for {apps} apps in {}", files.len(), out.display());
    ExitCode::SUCCESS
}
