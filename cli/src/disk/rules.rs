//! What of a directory on disk belongs to the repository: one decision per entry.
//!
//! [`Rules::classify`] looks at one entry of one directory and says what the repository makes
//! of it: a file to read, a directory to enter, an entry left out by rule (silently), or an
//! entry left out for a reason the user must hear ([`Skip`], reported as a `T005`–`T009`
//! diagnostic). The walk in `disk/mod.rs` applies it to every entry; a reader that loads files
//! on demand applies it to each component of the paths it is asked for, from [`Rules::root`]
//! down through [`Dir::enter`], and so sees exactly the repository the walk sees.
//!
//! The rules:
//! - `.git` is never part of the repository. Files matched by `.gitignore` or `.ignore` files
//!   (in the root or any directory below it, with ripgrep's precedence: `.ignore` over
//!   `.gitignore`, deeper over shallower) and by `.git/info/exclude` are left out silently:
//!   they are not in a clone, so CI does not see them either. Ignore files outside the root and
//!   the user's global git excludes are not read, so every machine sees the same repository.
//! - Symbolic links are followed, files and directories alike, as kustomize follows them, when
//!   their target lies inside the root. A link whose target leaves the root is not followed
//!   (kustomize's load restrictor and Argo CD's repo server refuse those too); a link to a
//!   directory that contains it would repeat forever and is not followed.
//! - A name that is not UTF-8 cannot be a repository path; a FIFO, socket or device is not
//!   read (opening a FIFO waits for a writer); an entry that cannot be read is reported.

use std::ffi::{OsStr, OsString};
use std::fs::{self, Metadata};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use baton_core::{Code, Diagnostic};
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The rules of one repository root.
#[derive(Debug)]
pub struct Rules {
    /// The root's canonical path: links are judged against it.
    root: PathBuf,
    /// `.git/info/exclude`, the lowest-precedence ignore rules.
    exclude: Gitignore,
}

/// A directory of the repository, as the walk entered it.
#[derive(Debug, Clone)]
pub struct Dir {
    /// Repository path (`""` for the root).
    pub path: String,
    /// Where it is on disk as walked: under the canonical root, through links.
    full: PathBuf,
    /// Canonical paths of this directory and each directory above it, root first. A link to
    /// one of them is a loop.
    chain: Vec<PathBuf>,
    /// The ignore files of this directory and those above it, root first.
    ignores: Vec<Arc<IgnoreFiles>>,
}

/// The ignore files of one directory.
#[derive(Debug)]
struct IgnoreFiles {
    dot_ignore: Gitignore,
    gitignore: Gitignore,
}

/// What the repository makes of one directory entry.
#[derive(Debug)]
pub enum Entry {
    /// A file to read, of `len` bytes (a link's target's length).
    File { len: u64 },
    /// A directory to enter ([`Dir::enter`]); `real` is its canonical path.
    Dir { real: PathBuf },
    /// Not part of the repository (`.git`, or ignored): left out silently.
    Ignored,
    /// Left out for a reason the user is told.
    Skipped(Skip),
}

/// Why an entry was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// A symbolic link whose target (as written) resolves outside the root.
    LeavesRepository { target: PathBuf },
    /// The name is not UTF-8.
    NameNotUtf8,
    /// Reading the entry (its metadata, listing or content) failed.
    Unreadable { error: String },
    /// A symbolic link to a directory that contains it, or a cycle of links.
    Loop { target: PathBuf },
    /// A broken link, a FIFO, a socket or a device; `what` says which.
    NotAFile { what: String },
}

impl Rules {
    /// The rules for the repository at `root`, which must be a directory.
    pub fn new(root: &Path) -> Result<Rules, String> {
        let meta = fs::metadata(root)
            .map_err(|e| format!("cannot read root '{}': {e}", root.display()))?;
        if !meta.is_dir() {
            return Err(format!("root '{}' is not a directory", root.display()));
        }
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot resolve root '{}': {e}", root.display()))?;
        let exclude = ignore_file(&root, &root.join(".git/info/exclude"));
        Ok(Rules { root, exclude })
    }

    /// The root directory, where every walk starts.
    #[must_use]
    pub fn root(&self) -> Dir {
        Dir {
            path: String::new(),
            full: self.root.clone(),
            chain: vec![self.root.clone()],
            ignores: vec![Arc::new(IgnoreFiles::read(&self.root))],
        }
    }

    /// What the repository makes of the entry `name` of `dir`.
    #[must_use]
    pub fn classify(&self, dir: &Dir, name: &OsStr) -> Entry {
        if name == ".git" {
            return Entry::Ignored;
        }
        let full = dir.full.join(name);
        let meta = match fs::symlink_metadata(&full) {
            Ok(meta) => meta,
            Err(e) => return Entry::Skipped(Skip::Unreadable { error: e.to_string() }),
        };
        let link = meta.file_type().is_symlink();
        let target = if link { fs::metadata(&full) } else { Ok(meta) };
        if self.ignored(dir, &full, target.as_ref().is_ok_and(Metadata::is_dir)) {
            return Entry::Ignored;
        }
        let Some(name) = name.to_str() else { return Entry::Skipped(Skip::NameNotUtf8) };
        let meta = match target {
            Ok(meta) => meta,
            Err(e) => return Entry::Skipped(link_problem(&full, &e)),
        };
        let real = if link {
            match full.canonicalize() {
                Ok(real) => real,
                Err(e) => return Entry::Skipped(Skip::Unreadable { error: e.to_string() }),
            }
        } else {
            dir.real().join(name)
        };
        if link && !real.starts_with(&self.root) {
            return Entry::Skipped(Skip::LeavesRepository { target: written_target(&full) });
        }
        if meta.is_dir() {
            if dir.chain.contains(&real) {
                return Entry::Skipped(Skip::Loop { target: written_target(&full) });
            }
            Entry::Dir { real }
        } else if meta.is_file() {
            Entry::File { len: meta.len() }
        } else {
            Entry::Skipped(Skip::NotAFile { what: special_kind(&meta).to_string() })
        }
    }

    /// Whether ignore files leave `full` (an entry of `dir`) out. `.ignore` files decide
    /// first, then `.gitignore` files, each from the deepest directory up, then
    /// `.git/info/exclude`; the first file with a matching line decides (a `!` line keeps).
    fn ignored(&self, dir: &Dir, full: &Path, is_dir: bool) -> bool {
        let kinds: [fn(&IgnoreFiles) -> &Gitignore; 2] = [|f| &f.dot_ignore, |f| &f.gitignore];
        for kind in kinds {
            for files in dir.ignores.iter().rev() {
                match kind(files).matched(full, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
        }
        self.exclude.matched(full, is_dir).is_ignore()
    }
}

impl Dir {
    /// The directory `name` of this one, which [`Rules::classify`] found to be `Entry::Dir`.
    #[must_use]
    pub fn enter(&self, name: &str, real: PathBuf) -> Dir {
        let full = self.full.join(name);
        let mut chain = self.chain.clone();
        chain.push(real);
        let mut ignores = self.ignores.clone();
        ignores.push(Arc::new(IgnoreFiles::read(&full)));
        Dir { path: self.child(name), full, chain, ignores }
    }

    /// The names in this directory, sorted, and the error of an entry that could not even be
    /// named (reported for the directory).
    pub fn list(&self) -> Result<(Vec<OsString>, Option<Skip>), Skip> {
        let unreadable = |e: io::Error| Skip::Unreadable { error: e.to_string() };
        let mut names = Vec::new();
        let mut failed = None;
        for entry in fs::read_dir(&self.full).map_err(unreadable)? {
            match entry {
                Ok(entry) => names.push(entry.file_name()),
                Err(e) => failed = Some(unreadable(e)),
            }
        }
        names.sort();
        Ok((names, failed))
    }

    /// The repository path of an entry of this directory (a name that is not UTF-8 is shown
    /// with replacement characters, for messages only).
    #[must_use]
    pub fn child(&self, name: &str) -> String {
        if self.path.is_empty() { name.to_string() } else { format!("{}/{name}", self.path) }
    }

    /// Where an entry of this directory is on disk.
    #[must_use]
    pub fn full(&self, name: &OsStr) -> PathBuf {
        self.full.join(name)
    }

    fn real(&self) -> &Path {
        self.chain.last().map_or(&self.full, PathBuf::as_path)
    }
}

impl IgnoreFiles {
    fn read(dir: &Path) -> IgnoreFiles {
        IgnoreFiles {
            dot_ignore: ignore_file(dir, &dir.join(".ignore")),
            gitignore: ignore_file(dir, &dir.join(".gitignore")),
        }
    }
}

/// The rules of one ignore file, relative to `dir`. A missing file has none; lines that are
/// not valid globs are skipped, as git skips them.
fn ignore_file(dir: &Path, file: &Path) -> Gitignore {
    if !file.is_file() {
        return Gitignore::empty();
    }
    let mut builder = GitignoreBuilder::new(dir);
    let _ = builder.add(file);
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

impl Skip {
    /// The diagnostic reporting this skip of the entry at repository path `path`.
    #[must_use]
    pub fn diagnostic(&self, path: &str) -> Diagnostic {
        let d = match self {
            Skip::LeavesRepository { target } => Diagnostic::new(
                Code::LinkLeavesRepository,
                format!(
                    "'{path}' is a symbolic link to '{}', which leaves the repository; it is not read",
                    target.display()
                ),
            )
            .with_help(
                "kustomize refuses files outside the kustomization root and Argo CD refuses \
                 repositories with such links: copy the target into the repository",
            ),
            Skip::NameNotUtf8 => Diagnostic::new(
                Code::NameNotUtf8,
                format!("the name of '{path}' is not UTF-8; it is not read"),
            )
            .with_help("rename it, or list it in a .gitignore or .ignore file"),
            Skip::Unreadable { error } => Diagnostic::new(
                Code::EntryUnreadable,
                format!("'{path}' cannot be read: {error}"),
            ),
            Skip::Loop { target } => Diagnostic::new(
                Code::LinkLoop,
                format!(
                    "'{path}' is a symbolic link to '{}', which leads in a loop (to itself or to a \
                     directory containing it); it is not followed",
                    target.display()
                ),
            ),
            Skip::NotAFile { what } => {
                Diagnostic::new(Code::NotAFile, format!("'{path}' is {what}; it is not read"))
            }
        };
        d.in_file(path)
    }
}

/// The target of a link as written in it (for messages).
fn written_target(link: &Path) -> PathBuf {
    fs::read_link(link).unwrap_or_default()
}

/// Why following a link failed: its target is missing, the links form a cycle, or neither.
fn link_problem(link: &Path, error: &io::Error) -> Skip {
    if error.kind() == io::ErrorKind::NotFound {
        return Skip::NotAFile {
            what: format!("a broken link (to '{}')", written_target(link).display()),
        };
    }
    // Follow the chain by hand: a cycle of links fails with ELOOP, which std does not name.
    let mut seen = vec![link.to_path_buf()];
    let mut at = link.to_path_buf();
    while let Ok(target) = fs::read_link(&at) {
        at = at.parent().map_or_else(|| target.clone(), |p| p.join(&target));
        if seen.contains(&at) || seen.len() > 64 {
            return Skip::Loop { target: written_target(link) };
        }
        seen.push(at.clone());
    }
    Skip::Unreadable { error: error.to_string() }
}

/// What kind of special file `meta` describes.
fn special_kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "neither a file nor a directory"
}
