//! Turning command-line paths into the list of files to check.

use std::fs;
use std::path::{Path, PathBuf};

pub const EXTENSION: &str = "pathway";

/// A path that could not be used, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathProblem {
    pub path: String,
    pub message: String,
}

/// Files named directly are checked whatever their extension; directories
/// are searched for `*.pathway`, skipping hidden folders and never following
/// symlinked directories (so a symlink loop cannot trap the walk).
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = files.len();
                walk(path, &mut files, &mut problems);
                if files.len() == before {
                    problems.push(PathProblem {
                        path: path.display().to_string(),
                        message: format!("no .{EXTENSION} files found in this directory"),
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

fn walk(dir: &Path, files: &mut Vec<PathBuf>, problems: &mut Vec<PathProblem>) {
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
                walk(&path, files, problems);
            }
        } else if path.extension().is_some_and(|e| e == EXTENSION) && !kind.is_symlink()
            || is_file_link(&path, kind)
        {
            files.push(path);
        }
    }
}

fn is_file_link(path: &Path, kind: fs::FileType) -> bool {
    kind.is_symlink()
        && path.extension().is_some_and(|e| e == EXTENSION)
        && fs::metadata(path).is_ok_and(|m| m.is_file())
}

pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}
