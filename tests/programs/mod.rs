//! The outside programs some tests drive (headless Chromium, Graphviz,
//! Python, Neovim, Node.js and npm), shared by build.rs and the tests.
//!
//! build.rs looks for each program on PATH and sets `cfg(run_..._tests)`
//! when it is found or when `CI=true`. Tests that need a program carry
//! `#[cfg_attr(not(run_..._tests), ignore = "...")]`, so elsewhere cargo
//! reports them as ignored with the reason, and in CI they run and fail,
//! through [`require`], when the program is missing: a test that did not
//! run is never counted as passed.

// build.rs uses only the detection half of this file.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// An outside program, the names it goes by, and the cfg that runs its tests.
pub struct Program {
    pub what: &'static str,
    pub names: &'static [&'static str],
    pub cfg: &'static str,
    pub install: &'static str,
}

pub const CHROMIUM: Program = Program {
    what: "Chromium",
    names: &["chromium", "chromium-browser", "google-chrome"],
    cfg: "run_chromium_tests",
    install: "apt-get install chromium",
};

pub const GRAPHVIZ: Program = Program {
    what: "Graphviz",
    names: &["dot"],
    cfg: "run_graphviz_tests",
    install: "apt-get install graphviz",
};

pub const PYTHON: Program = Program {
    what: "Python 3",
    names: &["python3"],
    cfg: "run_python_tests",
    install: "apt-get install python3",
};

pub const NEOVIM: Program = Program {
    what: "Neovim",
    names: &["nvim"],
    cfg: "run_neovim_tests",
    install: "apt-get install neovim",
};

/// Node.js and npm build and test the VS Code extension in editors/vscode.
pub const NODE: Program = Program {
    what: "Node.js",
    names: &["node"],
    cfg: "run_node_tests",
    install: "apt-get install nodejs npm",
};

pub const NPM: Program = Program {
    what: "npm",
    names: &["npm"],
    cfg: "run_npm_tests",
    install: "apt-get install npm",
};

pub const ALL: [&Program; 6] = [&CHROMIUM, &GRAPHVIZ, &PYTHON, &NEOVIM, &NODE, &NPM];

/// The first of `names` (in that order of preference) that is an executable
/// file in one of the directories of `path`, a PATH value. Empty and
/// relative entries are passed over: they would depend on the working
/// directory.
pub fn find_in(names: &[&str], path: &OsStr) -> Option<PathBuf> {
    let dirs: Vec<PathBuf> = std::env::split_paths(path)
        .filter(|d| d.is_absolute())
        .collect();
    names.iter().find_map(|name| {
        dirs.iter()
            .map(|dir| dir.join(name))
            .find(|candidate| executable(candidate))
    })
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(path: &Path) -> bool {
    path.is_file() || path.with_extension("exe").is_file()
}

/// The program on this process's PATH.
pub fn find(program: &Program) -> Option<PathBuf> {
    find_in(program.names, &std::env::var_os("PATH").unwrap_or_default())
}

/// Whether `value` (of the CI variable) means a CI run: GitHub Actions,
/// GitLab and most other services set `CI=true`.
pub fn in_ci(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// Whether a program's tests run (rather than being ignored): when the
/// program is there, and always in CI, where a missing one must fail.
pub fn tests_run(found: bool, ci: bool) -> bool {
    found || ci
}

/// The program's path, or a panic saying what is missing.
pub fn require(program: &Program) -> PathBuf {
    require_in(program, &std::env::var_os("PATH").unwrap_or_default())
}

pub fn require_in(program: &Program, path: &OsStr) -> PathBuf {
    find_in(program.names, path).unwrap_or_else(|| {
        panic!(
            "{} is not on PATH (looked for {}); install it ({}). This test runs \
             without it only under CI=true, where a test that cannot run fails",
            program.what,
            program.names.join(", "),
            program.install
        )
    })
}

/// Runs this test binary's `test` again with an empty PATH, and with
/// `--include-ignored` when `include_ignored`: what cargo would report for
/// it on a machine without the program.
pub fn rerun_without_programs(test: &str, include_ignored: bool) -> std::process::Output {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([test, "--exact", "--test-threads=1"]);
    if include_ignored {
        cmd.arg("--include-ignored");
    }
    cmd.env("PATH", "/nonexistent/msklint-test")
        .output()
        .unwrap()
}
