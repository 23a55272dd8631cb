//! Running the built binary the way a user's shell would.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where the runs keep their result cache: under the build's own folder,
/// never in the repository's fixtures (where a run's working directory
/// would otherwise put it).
pub fn cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("msklint-cache")
}

/// Runs msklint in `dir` with colour and terminal width pinned.
pub fn msklint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        // GitHub's runner sets this, and GitHub output names paths from it.
        .env_remove("GITHUB_WORKSPACE")
        .env("MSKLINT_CACHE_DIR", cache_dir())
        .output()
        .unwrap()
}

/// Runs msklint like [`msklint`] with `input` piped to its standard input.
#[allow(dead_code)] // used by the tests that pipe input only
pub fn piped(args: &[&str], dir: &Path, input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        // GitHub's runner sets this, and GitHub output names paths from it.
        .env_remove("GITHUB_WORKSPACE")
        .env("MSKLINT_CACHE_DIR", cache_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Written from another thread: a large input could fill the pipe
    // while msklint's own output fills the other.
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    // A run refused for its arguments never reads its input, and the
    // write then fails with a closed pipe: that is not the caller's concern.
    let _ = writer.join().unwrap();
    out
}
