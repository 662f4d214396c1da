//! What of a directory on disk belongs to the repository: one decision per entry.
//!
//! [`Rules::classify`] looks at one entry of one directory and says what the repository makes
//! of it: a file, a directory to enter, a symbolic link (recorded for the engine, which follows
//! links itself), an entry left out by rule (silently), or an entry left out for a reason the
//! user must hear ([`Skip`], reported as a `T005`–`T009` diagnostic). The walk in
//! `disk/mod.rs` applies it to every entry.
//!
//! The rules:
//! - `.git` is never part of the repository. Files matched by `.gitignore` or `.ignore` files
//!   (in the root or any directory below it, with ripgrep's precedence: `.ignore` over
//!   `.gitignore`, deeper over shallower) and by `.git/info/exclude` are left out of the walk
//!   silently: they are not in a clone, so CI does not see them either. Ignore files outside
//!   the root and the user's global git excludes are not read, so every machine sees the same
//!   repository. (A file a kustomization references is read whether ignored or not: kustomize
//!   reads it; see `disk/host.rs`.)
//! - Symbolic links are recorded, not entered: the engine follows them as kustomize does (to
//!   their real path), so a directory reached through links is walked once, where it is. A
//!   link whose target leaves the root, a cycle of links and a broken link are recorded too
//!   (the engine refuses them where a kustomization uses them) and reported.
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
    /// Where it is on disk: below the canonical root, without links.
    full: PathBuf,
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
    /// A file to read, of `len` bytes.
    File { len: u64 },
    /// A directory to enter ([`Dir::enter`]).
    Dir,
    /// A symbolic link, with its target for the engine's tree ([`link_target`]), and why it
    /// leads nowhere, if it does not.
    Link { target: String, problem: Option<Skip> },
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
    /// A cycle of links.
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

    /// The root's canonical path.
    #[must_use]
    pub fn root_path(&self) -> &Path {
        &self.root
    }

    /// The root directory, where every walk starts.
    #[must_use]
    pub fn root(&self) -> Dir {
        Dir {
            path: String::new(),
            full: self.root.clone(),
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
        let target = if link { fs::metadata(&full) } else { Ok(meta.clone()) };
        if self.ignored(dir, &full, target.as_ref().is_ok_and(Metadata::is_dir)) {
            return Entry::Ignored;
        }
        if name.to_str().is_none() {
            return Entry::Skipped(Skip::NameNotUtf8);
        }
        if link {
            return self.link(&dir.path, &full, target.err());
        }
        if meta.is_dir() {
            Entry::Dir
        } else if meta.is_file() {
            Entry::File { len: meta.len() }
        } else {
            Entry::Skipped(Skip::NotAFile { what: special_kind(&meta).to_string() })
        }
    }

    /// A link at `full` in the directory `dir` (a repository path); `error` is why following it
    /// failed, if it did.
    fn link(&self, dir: &str, full: &Path, error: Option<io::Error>) -> Entry {
        let written = written_target(full);
        let target = link_target(&self.root, dir, &written);
        let problem = match error {
            Some(e) => Some(link_problem(full, &e)),
            None => match full.canonicalize() {
                Ok(real) if real.starts_with(&self.root) => None,
                Ok(_) => Some(Skip::LeavesRepository { target: written }),
                Err(e) => Some(Skip::Unreadable { error: e.to_string() }),
            },
        };
        Entry::Link { target, problem }
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
    pub fn enter(&self, name: &str) -> Dir {
        let full = self.full.join(name);
        let mut ignores = self.ignores.clone();
        ignores.push(Arc::new(IgnoreFiles::read(&full)));
        Dir { path: self.child(name), full, ignores }
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
}

/// A link's target as the engine's tree takes it: as written when relative; an absolute target
/// inside the root (canonical `root`) written relative to the link's directory `dir` (a
/// repository path), since the tree's paths are relative; any other absolute target as is
/// (the engine refuses it: it leaves the repository).
#[must_use]
pub fn link_target(root: &Path, dir: &str, written: &Path) -> String {
    if written.is_absolute() {
        let inside = written
            .strip_prefix(root)
            .ok()
            .map(Path::to_path_buf)
            .or_else(|| {
                let parent = written.parent()?.canonicalize().ok()?;
                let rest = parent.strip_prefix(root).ok()?.join(written.file_name()?);
                Some(rest)
            })
            .and_then(|rest| rest.to_str().map(|r| r.replace(std::path::MAIN_SEPARATOR, "/")));
        if let Some(Ok(path)) = inside.map(|r| baton_core::tree::normalize(&r)) {
            return baton_core::tree::relative(dir, &path);
        }
    }
    written.to_string_lossy().into_owned()
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
                    "'{path}' is a symbolic link to '{}', which leads in a cycle of links; it is \
                     not followed",
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
pub(super) fn special_kind(meta: &Metadata) -> &'static str {
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
