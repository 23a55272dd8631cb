//! Turning command-line paths into the list of files to check.

use std::fs;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::input::{self, InputFormat, PATHWAY_EXTENSION};

/// File names (before the first dot, any case, `-` read as `_`) that are a
/// repository's own paperwork rather than policies: a search passing over
/// them says nothing.
pub const NOT_POLICIES: &[&str] = &[
    "readme",
    "changelog",
    "changes",
    "history",
    "news",
    "license",
    "licence",
    "copying",
    "notice",
    "authors",
    "contributors",
    "contributing",
    "code_of_conduct",
    "security",
    "codeowners",
    "requirements",
];

/// Whether a file a search passed over looks like a policy document worth
/// mentioning: a prose extension (`.md`, `.markdown`, `.txt`, `.text`,
/// `.docx`) and not README, LICENSE and the like.
pub fn looks_like_policy(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if !InputFormat::of(&name).is_prose() {
        return false;
    }
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
        .replace('-', "_");
    !NOT_POLICIES.iter().any(|n| {
        stem == *n || (matches!(*n, "license" | "licence") && stem.starts_with(&format!("{n}_")))
    })
}

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
    /// Files named on the command line are filtered too (pre-commit passes
    /// every staged file, README included).
    named: bool,
    /// Searches pick up `.pathway` files only, not diagrams (`fmt`).
    pathways_only: bool,
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
            named: false,
            pathways_only: false,
        })
    }

    /// Also filter files named on the command line: one is checked only if
    /// a directory search would pick it up.
    pub fn for_named_files(mut self, yes: bool) -> Include {
        self.named = yes;
        self
    }

    /// Searches pick up `.pathway` files but not diagrams.
    pub fn pathways_only(mut self) -> Include {
        self.pathways_only = true;
        self
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

    /// A file named on the command line, matched as given and relative to
    /// the configuration's folder.
    fn matches_named(&self, path: &Path) -> bool {
        let given = path.strip_prefix(".").unwrap_or(path);
        if self.matches(given, None) {
            return true;
        }
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return false;
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        self.base_of(dir)
            .is_some_and(|b| self.globs.is_match(b.join(name)))
    }

    /// `relative` is the path under the folder being searched, `base` that
    /// folder under the configuration's folder.
    fn matches(&self, relative: &Path, base: Option<&Path>) -> bool {
        let searched = if self.pathways_only {
            relative.extension().is_some_and(|e| e == PATHWAY_EXTENSION)
        } else {
            input::searched(relative)
        };
        searched
            || self.globs.is_match(relative)
            || base.is_some_and(|b| self.globs.is_match(b.join(relative)))
    }

    fn describe(&self) -> String {
        let mut what = format!("no .{PATHWAY_EXTENSION} files");
        if !self.patterns.is_empty() {
            what.push_str(&format!(" or files matching {}", self.patterns.join(", ")));
        }
        what
    }
}

/// A path that could not be used, with the reason. Serialized as the
/// JSON output's `not_checked` items.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PathProblem {
    pub path: String,
    pub message: String,
}

/// What turning paths into files found.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// The files to check, sorted, each once.
    pub files: Vec<PathBuf>,
    /// Paths that could not be used, and directories with nothing to check.
    pub problems: Vec<PathProblem>,
    /// Policy documents left unchecked because no include glob took them,
    /// for the caller to mention (the library prints nothing).
    pub skipped: Vec<Skipped>,
}

/// Policy documents one directory search passed over, or (with `dir`
/// `None`) named files that [`Include::for_named_files`] filtered out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The directory as given on the command line.
    pub dir: Option<String>,
    pub documents: Vec<PathBuf>,
    /// The search found nothing to check, so `dir` is also a problem.
    pub alone: bool,
}

impl Skipped {
    /// The documents' extensions as written (`.md`, `.docx`), sorted, once each.
    pub fn extensions(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .documents
            .iter()
            .filter_map(|d| d.extension())
            .map(|e| format!(".{}", e.to_string_lossy()))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Files named directly are checked whatever their extension (`.md`,
/// `.txt` and `.docx` as policy documents, anything else as a pathway),
/// unless the include filter is set to apply to them; directories are
/// searched for `*.pathway` and the `include` globs, skipping hidden
/// folders and never following symlinked directories (so a symlink loop
/// cannot trap the walk).
/// Keeps the first of several names for one file (`p.pathway` and
/// `./p.pathway`, a folder and a link to it), so nothing is checked, or
/// counted, twice. Only needed when more than one path was given.
fn same_files_once(files: &mut Vec<PathBuf>) {
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| match fs::canonicalize(f) {
        Ok(real) => seen.insert(real),
        Err(_) => true,
    });
}

pub fn discover(paths: &[PathBuf], include: &Include) -> Discovery {
    let mut found = Discovery::default();
    let mut named_skipped = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = found.files.len();
                let base = include.base_of(path);
                let search = Search {
                    root: path,
                    base: base.as_deref(),
                    include,
                };
                let mut skipped = Vec::new();
                walk(
                    &search,
                    path,
                    &mut found.files,
                    &mut skipped,
                    &mut found.problems,
                );
                let alone = found.files.len() == before;
                if alone {
                    found.problems.push(PathProblem {
                        path: path.display().to_string(),
                        message: format!("{} found in this directory", include.describe()),
                    });
                }
                if !skipped.is_empty() {
                    skipped.sort();
                    found.skipped.push(Skipped {
                        dir: Some(path.display().to_string()),
                        documents: skipped,
                        alone,
                    });
                }
            }
            Ok(_) if include.named && !include.matches_named(path) => {
                if looks_like_policy(path) {
                    named_skipped.push(path.clone());
                }
            }
            Ok(_) => found.files.push(path.clone()),
            Err(e) => found.problems.push(PathProblem {
                path: path.display().to_string(),
                message: io_message(&e),
            }),
        }
    }
    if !named_skipped.is_empty() {
        named_skipped.sort();
        named_skipped.dedup();
        found.skipped.push(Skipped {
            dir: None,
            documents: named_skipped,
            alone: false,
        });
    }
    found.files.sort();
    found.files.dedup();
    if paths.len() > 1 {
        same_files_once(&mut found.files);
    }
    found
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
    skipped: &mut Vec<PathBuf>,
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
        let name = entry.file_name();
        let hidden = name.to_string_lossy().starts_with('.');
        if kind.is_dir() {
            // Installed JavaScript packages ship diagrams and Markdown of
            // their own, never the user's pathways or policies.
            if !hidden && name != "node_modules" {
                walk(search, &path, files, skipped, problems);
            }
            continue;
        }
        if kind.is_symlink() && !fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let relative = path.strip_prefix(search.root).unwrap_or(&path);
        if search.include.matches(relative, search.base) {
            files.push(path);
        } else if looks_like_policy(&path) {
            skipped.push(path);
        }
    }
}

pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "this is a directory, not a file".to_string(),
        _ => e.to_string(),
    }
}
