//! What the CLI's end-to-end tests share: temporary repositories and running the binary.

#![allow(clippy::unwrap_used, dead_code)]

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh directory under the system temp dir, removed on drop.
pub struct Repo(PathBuf);

impl Repo {
    pub fn new(files: &[(&str, &[u8])]) -> Repo {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("baton-cli-test-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let repo = Repo(dir);
        for (path, bytes) in files {
            repo.write(path, bytes);
        }
        repo
    }

    /// The seed repository (an app `web` with staging and production) plus `extra` files.
    pub fn seeded(extra: &[(&str, &[u8])]) -> Repo {
        let repo = Repo::new(&seed());
        for (path, bytes) in extra {
            repo.write(path, bytes);
        }
        repo
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn write(&self, path: &str, bytes: &[u8]) {
        let full = self.0.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, bytes).unwrap();
    }

    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.0.join(path)).unwrap()
    }

    /// A symbolic link at `path` (relative to the root) pointing at `target` as written.
    #[cfg(unix)]
    pub fn link(&self, path: &str, target: impl AsRef<Path>) {
        let full = self.0.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, full).unwrap();
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_baton")
}

/// `baton ARGS` in the repository, with no color settings inherited from the environment.
pub fn command<S: AsRef<OsStr>>(repo: &Repo, args: &[S]) -> Command {
    let mut command = Command::new(bin());
    command
        .current_dir(repo.path())
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS");
    command
}

pub fn baton<S: AsRef<OsStr>>(repo: &Repo, args: &[S]) -> Output {
    command(repo, args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: reg.example.com/web:1.0.0\n";

pub fn seed() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("apps/web/base/kustomization.yaml", b"resources:\n- deployment.yaml\n"),
        ("apps/web/base/deployment.yaml", DEPLOYMENT.as_bytes()),
        ("apps/web/staging/kustomization.yaml", b"resources:\n- ../base\nimages:\n- name: reg.example.com/web\n  newTag: abc1234 # from CI\n"),
        ("apps/web/production/kustomization.yaml", b"resources:\n- ../base\nnamespace: web-prod\n"),
    ]
}

/// A copy of the playground's example repository (whose production gates are real).
pub fn example_repo() -> Repo {
    fn copy(from: &Path, to: &Path, repo: &Repo) {
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target, repo);
            } else {
                let relative = target.to_str().unwrap();
                repo.write(relative, &fs::read(entry.path()).unwrap());
            }
        }
    }
    let repo = Repo::new(&[]);
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../web-demo/example"), Path::new(""), &repo);
    repo
}

/// A recorded GitHub payload of `cli/tests/fixtures/github/`, by absolute path.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github").join(name);
    path.to_str().unwrap().to_string()
}

/// `git ARGS` in `dir` with a fixed identity and both dates set to `date` (RFC 3339), and no
/// user or system configuration; panics when git fails.
pub fn git(dir: &Path, date: &str, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The gates of a JSON plan, by name: `(status, message)`.
pub fn gates(plan: &serde_json::Value) -> std::collections::BTreeMap<String, (String, String)> {
    plan["gates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let s = |k: &str| g[k].as_str().unwrap().to_string();
            (s("name"), (s("status"), s("message")))
        })
        .collect()
}
