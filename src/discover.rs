//! Turning command-line paths into the list of files to check.

use std::fs;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

pub const EXTENSION: &str = "pathway";

/// Which files a directory walk picks up: `*.pathway`, plus whatever the
/// `--include` flags and `include:` in msklint.yaml add (policy documents
/// such as `*.md` are left out unless asked for, so a repository's README
/// is not linted as a policy).
#[derive(Debug, Clone, Default)]
pub struct Include {
    globs: GlobSet,
    patterns: Vec<String>,
    /// The directory holding msklint.yaml: paths are also matched relative
    /// to it, as `overrides` are, so `policies/*.md` there works whichever
    /// folder is checked.
    root: Option<PathBuf>,
}

impl Include {
    pub fn new(patterns: &[String]) -> Result<Include, String> {
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            // A pattern without a slash matches the file name anywhere; one
            // with a slash is a path under the searched directory, where
            // `*` stays within one folder.
            let bare = p.strip_prefix("./").unwrap_or(p);
            let full = if bare.contains('/') {
                bare.to_string()
            } else {
                format!("**/{bare}")
            };
            let glob = GlobBuilder::new(&full)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("invalid include pattern `{p}`: {e}"))?;
            builder.add(glob);
        }
        let globs = builder
            .build()
            .map_err(|e| format!("invalid include patterns: {e}"))?;
        Ok(Include {
            globs,
            patterns: patterns.to_vec(),
            root: None,
        })
    }

    /// Also match paths relative to `root` (the configuration's folder).
    pub fn relative_to(mut self, root: &Path) -> Include {
        let root = if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        };
        self.root = fs::canonicalize(root).ok();
        self
    }

    /// Where a searched folder lies under the configuration's folder, if
    /// it does: found once per search, not per file.
    fn base_of(&self, dir: &Path) -> Option<PathBuf> {
        let root = self.root.as_deref().filter(|_| !self.patterns.is_empty())?;
        let dir = fs::canonicalize(dir).ok()?;
        dir.strip_prefix(root).ok().map(Path::to_path_buf)
    }

    /// `relative` is the path under the folder being searched, `base` that
    /// folder under the configuration's folder.
    fn matches(&self, relative: &Path, base: Option<&Path>) -> bool {
        relative.extension().is_some_and(|e| e == EXTENSION)
            || self.globs.is_match(relative)
            || base.is_some_and(|b| self.globs.is_match(b.join(relative)))
    }

    fn describe(&self) -> String {
        let mut what = format!("no .{EXTENSION} files");
        if !self.patterns.is_empty() {
            what.push_str(&format!(" or files matching {}", self.patterns.join(", ")));
        }
        what
    }
}

/// A path that could not be used, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathProblem {
    pub path: String,
    pub message: String,
}

/// Files named directly are checked whatever their extension (`.md`,
/// `.txt` and `.docx` as policy documents, anything else as a pathway);
/// directories are searched for `*.pathway` and the `include` globs,
/// skipping hidden folders and never following symlinked directories (so a
/// symlink loop cannot trap the walk).
pub fn discover(paths: &[PathBuf], include: &Include) -> (Vec<PathBuf>, Vec<PathProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = files.len();
                let base = include.base_of(path);
                let search = Search {
                    root: path,
                    base: base.as_deref(),
                    include,
                };
                walk(&search, path, &mut files, &mut problems);
                if files.len() == before {
                    problems.push(PathProblem {
                        path: path.display().to_string(),
                        message: format!("{} found in this directory", include.describe()),
                    });
                }
            }
            Ok(_) => files.push(path.clone()),
            Err(e) => problems.push(PathProblem {
                path: path.display().to_string(),
                message: io_message(&e),
            }),
        }
    }
    files.sort();
    files.dedup();
    (files, problems)
}

/// One directory search: the folder named, where it lies under the
/// configuration's folder, and which files it picks up.
struct Search<'a> {
    root: &'a Path,
    base: Option<&'a Path>,
    include: &'a Include,
}

fn walk(
    search: &Search<'_>,
    dir: &Path,
    files: &mut Vec<PathBuf>,
    problems: &mut Vec<PathProblem>,
) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(PathProblem {
                path: dir.display().to_string(),
                message: io_message(&e),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if kind.is_dir() {
            if !hidden {
                walk(search, &path, files, problems);
            }
            continue;
        }
        let relative = path.strip_prefix(search.root).unwrap_or(&path);
        if search.include.matches(relative, search.base)
            && (!kind.is_symlink() || fs::metadata(&path).is_ok_and(|m| m.is_file()))
        {
            files.push(path);
        }
    }
}

pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
