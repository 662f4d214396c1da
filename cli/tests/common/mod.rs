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
