//! The repository on disk, read on demand: what the engine's tree asks about and was not given.
//!
//! `baton render DIR` gives the engine an empty tree with this host, so a render reads exactly
//! the files and directories it consults, however large the repository; the other commands
//! give it the walked repository's YAML files up front and this host for the rest (the files
//! kustomizations reference: generator inputs, and files `.gitignore` leaves out of the walk,
//! which kustomize reads all the same). Answers are kept, so every question costs one system
//! call and a file's content is the same `Arc` each time (the engine caches parses by it).
//!
//! The host answers about a path without following links (the engine follows them itself) and
//! never about `.git`. What it cannot read it answers as missing, keeping the reason as a
//! diagnostic for the command to report.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::PathBuf;

use baton_core::Diagnostic;
use baton_core::tree::{Content, Host, Kind};

use super::rules::{Skip, link_target};

/// The disk below a canonical root, asked path by path.
#[derive(Debug)]
pub struct DiskHost {
    root: PathBuf,
    kinds: RefCell<BTreeMap<String, Kind>>,
    contents: RefCell<BTreeMap<String, Option<Content>>>,
    problems: RefCell<Vec<Diagnostic>>,
}

impl DiskHost {
    /// A host for the repository at `root`, a canonical directory path.
    #[must_use]
    pub fn new(root: PathBuf) -> DiskHost {
        DiskHost {
            root,
            kinds: RefCell::default(),
            contents: RefCell::default(),
            problems: RefCell::default(),
        }
    }

    /// What could not be read so far (each once), taken out of the host.
    pub fn take_problems(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut *self.problems.borrow_mut())
    }

    /// How many paths the host was asked about and how many files it read.
    #[cfg(test)]
    fn counts(&self) -> (usize, usize) {
        (self.kinds.borrow().len(), self.contents.borrow().len())
    }

    fn report(&self, path: &str, skip: &Skip) {
        self.problems.borrow_mut().push(skip.diagnostic(path));
    }

    fn look(&self, path: &str) -> Kind {
        if path.is_empty() {
            return Kind::Dir;
        }
        if path.split('/').any(|c| c == ".git") {
            return Kind::Missing;
        }
        let full = self.root.join(path);
        let meta = match fs::symlink_metadata(&full) {
            Ok(meta) => meta,
            Err(e) if gone(&e) => return Kind::Missing,
            Err(e) => {
                self.report(path, &Skip::Unreadable { error: e.to_string() });
                return Kind::Missing;
            }
        };
        if meta.file_type().is_symlink() {
            let written = fs::read_link(&full).unwrap_or_default();
            let dir = baton_core::tree::parent(path);
            return Kind::Link(link_target(&self.root, dir, &written).into());
        }
        if meta.is_dir() {
            Kind::Dir
        } else if meta.is_file() {
            Kind::File
        } else {
            self.report(path, &Skip::NotAFile { what: super::rules::special_kind(&meta).into() });
            Kind::Missing
        }
    }
}

impl Host for DiskHost {
    fn kind(&self, path: &str) -> Kind {
        if let Some(kind) = self.kinds.borrow().get(path) {
            return kind.clone();
        }
        let kind = self.look(path);
        self.kinds.borrow_mut().insert(path.to_string(), kind.clone());
        kind
    }

    fn read(&self, path: &str) -> Option<Content> {
        if let Some(content) = self.contents.borrow().get(path) {
            return content.clone();
        }
        let full = self.root.join(path);
        let content = fs::metadata(&full)
            .map_err(|e| Skip::Unreadable { error: e.to_string() })
            .and_then(|meta| super::read_content(&full, meta.len()));
        let content = match content {
            Ok(content) => Some(content),
            Err(skip) => {
                self.report(path, &skip);
                None
            }
        };
        self.contents.borrow_mut().insert(path.to_string(), content.clone());
        content
    }
}

/// Whether an error says there is nothing at the path (or a file where a directory should be).
fn gone(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory)
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use baton_core::Workspace;
    use baton_core::tree::{FileTree, Host, Kind};

    use super::DiskHost;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("baton-host-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.canonicalize().unwrap()
    }

    fn write(root: &std::path::Path, path: &str, text: &str) {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    /// A render asks about the paths it consults: a big repository around a small overlay
    /// costs nothing.
    #[test]
    fn a_render_asks_only_about_what_it_consults() {
        let root = temp("render");
        for i in 0..300 {
            write(&root, &format!("apps/a{i}/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\n");
            write(&root, &format!("apps/a{i}/kustomization.yaml"), "resources:\n- cm.yaml\n");
        }
        write(&root, "one/kustomization.yaml", "resources:\n- cm.yaml\nnamePrefix: p-\n");
        write(&root, "one/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n");
        let host = Rc::new(DiskHost::new(root.clone()));
        let mut workspace = Workspace::new(FileTree::with_host(host.clone()));
        let rendered = workspace.render("one");
        assert!(rendered.ok(), "{:?}", rendered.diagnostics);
        assert!(rendered.yaml.contains("name: p-c"));
        let (asked, read) = host.counts();
        assert!(asked <= 6 && read == 2, "asked about {asked} paths, read {read} files");
        assert!(host.take_problems().is_empty());
        std::fs::remove_dir_all(root).unwrap();
    }

    /// Answers are kept (one system call per path; the same text each time, which the
    /// engine's parse cache relies on); `.git` is never part of the repository; links are
    /// answered as written, absolute ones inside the root made relative.
    #[test]
    fn answers_are_kept_and_links_are_given_as_written() {
        let root = temp("answers");
        write(&root, "a/f.yaml", "x: 1\n");
        write(&root, ".git/config", "[core]\n");
        std::os::unix::fs::symlink("../a/f.yaml", root.join("rel")).unwrap();
        std::os::unix::fs::symlink(root.join("a/f.yaml"), root.join("abs")).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", root.join("out")).unwrap();
        let host = DiskHost::new(root.clone());
        assert_eq!(host.kind("a"), Kind::Dir);
        assert_eq!(host.kind("a/f.yaml"), Kind::File);
        assert_eq!(host.kind("a/f.yaml/x"), Kind::Missing);
        assert_eq!(host.kind(".git/config"), Kind::Missing);
        assert_eq!(host.kind("rel"), Kind::Link("../a/f.yaml".into()));
        assert_eq!(host.kind("abs"), Kind::Link("a/f.yaml".into()));
        assert_eq!(host.kind("out"), Kind::Link("/etc/hostname".into()));
        let first = host.read("a/f.yaml").unwrap();
        std::fs::write(root.join("a/f.yaml"), "x: 2\n").unwrap();
        assert_eq!(host.read("a/f.yaml"), Some(first));
        assert_eq!(host.read("nope"), None);
        assert_eq!(host.take_problems()[0].code, "T007");
        std::fs::remove_dir_all(root).unwrap();
    }
}
