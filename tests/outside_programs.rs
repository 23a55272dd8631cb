//! How tests that drive outside programs decide to run: the PATH search,
//! the CI rule, and the failure a missing program causes (the shared code
//! is tests/programs/mod.rs, which build.rs also compiles).

mod programs;

use std::ffi::OsString;
use std::path::Path;

use programs::{
    find_in, in_ci, require_in, tests_run, CHROMIUM, GRAPHVIZ, NEOVIM, NODE, NPM, PYTHON,
};

fn write(path: &Path, mode: u32) {
    std::fs::write(path, "#!/bin/sh\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = mode;
}

fn path_of(dirs: &[&Path]) -> OsString {
    std::env::join_paths(dirs).unwrap()
}

#[test]
fn the_browser_is_found_on_path_under_any_of_its_names() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    assert_eq!(
        find_in(CHROMIUM.names, &path_of(&[a.path(), b.path()])),
        None
    );

    write(&b.path().join("google-chrome"), 0o755);
    assert_eq!(
        find_in(CHROMIUM.names, &path_of(&[a.path(), b.path()])),
        Some(b.path().join("google-chrome"))
    );
    // Debian and Ubuntu names are preferred, wherever they are on PATH.
    write(&b.path().join("chromium-browser"), 0o755);
    assert_eq!(
        find_in(CHROMIUM.names, &path_of(&[a.path(), b.path()])),
        Some(b.path().join("chromium-browser"))
    );
    write(&b.path().join("chromium"), 0o755);
    write(&a.path().join("chromium"), 0o755);
    assert_eq!(
        find_in(CHROMIUM.names, &path_of(&[a.path(), b.path()])),
        Some(a.path().join("chromium")),
        "the first folder on PATH wins"
    );
}

#[cfg(unix)]
#[test]
fn a_file_without_the_execute_bit_or_a_relative_path_entry_is_not_a_program() {
    let a = tempfile::tempdir().unwrap();
    write(&a.path().join("dot"), 0o644);
    assert_eq!(find_in(GRAPHVIZ.names, &path_of(&[a.path()])), None);
    std::fs::create_dir(a.path().join("python3")).unwrap();
    assert_eq!(find_in(PYTHON.names, &path_of(&[a.path()])), None);
    // An empty or relative PATH entry means the working directory: skipped.
    assert_eq!(find_in(GRAPHVIZ.names, &OsString::from(":.:bin")), None);
}

#[test]
fn ci_means_ci_true_or_1() {
    for yes in ["true", "TRUE", "True", "1"] {
        assert!(in_ci(Some(yes)), "{yes}");
    }
    for no in ["false", "0", "", "yes please"] {
        assert!(!in_ci(Some(no)), "{no}");
    }
    assert!(!in_ci(None));
}

#[test]
fn a_missing_program_ignores_its_tests_locally_and_runs_them_in_ci() {
    assert!(tests_run(true, false));
    assert!(tests_run(true, true));
    assert!(!tests_run(false, false), "ignored locally");
    assert!(tests_run(false, true), "in CI the test runs, and fails");
}

#[test]
fn in_ci_a_missing_program_fails_the_test_that_needs_it() {
    let empty = tempfile::tempdir().unwrap();
    let path = path_of(&[empty.path()]);
    let failure = std::panic::catch_unwind(|| require_in(&CHROMIUM, &path))
        .expect_err("a missing browser must fail, not pass");
    let message = failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.starts_with(
            "Chromium is not on PATH (looked for chromium, chromium-browser, google-chrome)"
        ),
        "{message}"
    );
    write(&empty.path().join("chromium"), 0o755);
    assert_eq!(require_in(&CHROMIUM, &path), empty.path().join("chromium"));
}

/// build.rs made the same decision as the rules above, for this machine
/// and this build's CI variable.
#[test]
fn the_build_script_gated_each_program_as_the_rules_say() {
    let ci = in_ci(option_env!("CI"));
    for (program, gated) in [
        (&CHROMIUM, cfg!(run_chromium_tests)),
        (&GRAPHVIZ, cfg!(run_graphviz_tests)),
        (&PYTHON, cfg!(run_python_tests)),
        (&NEOVIM, cfg!(run_neovim_tests)),
        (&NODE, cfg!(run_node_tests)),
        (&NPM, cfg!(run_npm_tests)),
    ] {
        let found = programs::find(program).is_some();
        assert_eq!(
            gated,
            tests_run(found, ci),
            "{}: found {found}, CI {ci}; rebuild if it was installed since",
            program.what
        );
    }
}
