//! Paths as the structured formats write them. A name that is not UTF-8
//! is spelled so its bytes can be read back ([`spelled`]). Annotations and
//! code scanning place a finding by its path from the repository root,
//! whatever folder msklint ran in (a workflow step with
//! `working-directory: policies` runs in a subfolder), so those two
//! formats name files from the root.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

/// `path` as the structured formats (JSON, SARIF, GitHub, JUnit, concise)
/// write a file's name: as it is when it is UTF-8, as every name made on
/// Windows or macOS is. On Linux a name is bytes; one that is not UTF-8
/// has each byte that does not decode written as `%` and two upper-case
/// hex digits (`bad%FFname.pathway`), and each `%` of it written `%25`, so
/// percent-decoding gives back its bytes exactly (docs/json.md, "File
/// names that are not UTF-8"). Human output shows U+FFFD instead.
pub fn spelled(path: &Path) -> Cow<'_, str> {
    if let Some(text) = path.to_str() {
        return Cow::Borrowed(text);
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(&chunk.valid().replace('%', "%25"));
        for byte in chunk.invalid() {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    Cow::Owned(out)
}

/// The name the structured formats give a file shown as `name`: `os`, the
/// path as the system gave it, [`spelled`] when it was kept (only a path
/// that is not UTF-8 is kept), else `name` itself.
pub fn named<'a>(name: &'a str, os: Option<&'a Path>) -> Cow<'a, str> {
    match os {
        Some(path) => spelled(path),
        None => Cow::Borrowed(name),
    }
}

/// [`named`], from the repository root as [`from_root`] gives it.
pub fn named_from_root(name: &str, os: Option<&Path>) -> String {
    match os {
        Some(path) => spelled(&os_from_root(path))
            .trim_start_matches("./")
            .to_string(),
        None => from_root(name),
    }
}
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
    fn a_name_that_is_not_utf8_is_spelled_byte_by_byte() {
        assert_eq!(spelled(Path::new("d/100% ok.pathway")), "d/100% ok.pathway");
        #[cfg(unix)]
        {
            use std::ffi::OsStr;
            use std::os::unix::ffi::OsStrExt;
            let bad = Path::new(OsStr::from_bytes(b"d/50%\xff\xfe caf\xc3\xa9.pathway"));
            assert_eq!(spelled(bad), "d/50%25%FF%FE caf\u{e9}.pathway");
        }
    }

    #[test]
    fn tidies_dots_without_the_file_system() {
        assert_eq!(
            tidy(Path::new("/repo/policies/./a/../b.md")),
            PathBuf::from("/repo/policies/b.md")
        );
        assert_eq!(tidy(Path::new("/repo/../..")), PathBuf::from("/"));
    }
}
