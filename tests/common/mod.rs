//! Running the built binary the way a user's shell would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs msklint in `dir` with colour and terminal width pinned.
pub fn msklint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .output()
        .unwrap()
}
