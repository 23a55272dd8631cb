//! Paths as GitHub reads them. Annotations and code scanning place a
//! finding by its path from the repository root, whatever folder msklint
//! ran in (a workflow step with `working-directory: policies` runs in a
//! subfolder), so those two formats name files from the root.

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// `path` (as a report names it) from the repository root: the root is
/// `$GITHUB_WORKSPACE` when set, else the nearest folder above the
/// working directory holding `.git`, else the working directory. A path
/// outside the root is given as it was.
pub fn from_root(path: &str) -> String {
    let as_given = path.trim_start_matches("./");
    // A name in angle brackets (`<stdin>`) labels text that is no file.
    if path.starts_with('<') {
        return path.to_string();
    }
    let Some((cwd, root)) = places() else {
        return as_given.to_string();
    };
    let absolute = tidy(&cwd.join(path));
    match absolute.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().replace('\\', "/"),
        _ => as_given.to_string(),
    }
}

/// [`from_root`] for a path as the system gave it, which need not be
/// UTF-8: from the repository root when it is inside it, else as given.
#[cfg(unix)]
pub fn os_from_root(path: &Path) -> PathBuf {
    let Some((cwd, root)) = places() else {
        return path.to_path_buf();
    };
    match tidy(&cwd.join(path)).strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

fn places() -> Option<&'static (PathBuf, PathBuf)> {
    static PLACES: OnceLock<Option<(PathBuf, PathBuf)>> = OnceLock::new();
    PLACES
        .get_or_init(|| {
            let cwd = std::env::current_dir().ok()?;
            let root = match std::env::var_os("GITHUB_WORKSPACE") {
                Some(dir) if !dir.is_empty() => tidy(&cwd.join(dir)),
                _ => cwd
                    .ancestors()
                    .find(|dir| dir.join(".git").exists())
                    .unwrap_or(&cwd)
                    .to_path_buf(),
            };
            Some((cwd, root))
        })
        .as_ref()
}

/// `.` and `..` taken out without asking the file system, so a path that
/// goes through a link is still compared as written.
fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidies_dots_without_the_file_system() {
        assert_eq!(
            tidy(Path::new("/repo/policies/./a/../b.md")),
            PathBuf::from("/repo/policies/b.md")
        );
        assert_eq!(tidy(Path::new("/repo/../..")), PathBuf::from("/"));
    }
}
