//! `msklint fmt` as users, CI and pre-commit see it: what it writes, what
//! `--check` and `--diff` print, exit codes, and files it must not touch.

mod common;

use std::path::Path;
use std::process::Output;

use common::msklint;

const MESSY: &str = "pathway \"Back pain\" {\nentry gp:\"GP practice\"{kind:gp}\n  service physio : \"Physiotherapy\" { kind: community\n offers: [exercise,advice,] }\n gp->physio\n}\n";
const TIDY: &str = "pathway \"Back pain\" {\n  entry gp: \"GP practice\" { kind: gp }\n  service physio: \"Physiotherapy\" { kind: community  offers: [exercise, advice] }\n  gp -> physio\n}\n";
const BROKEN: &str =
    "pathway \"Back pain\" {\n  service physio \"Physiotherapy\" { kind: community }\n}\n";

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn the_constants_are_what_they_say() {
    assert_eq!(msklint::format::format(MESSY).unwrap(), TIDY);
    assert_eq!(msklint::format::format(TIDY).unwrap(), TIDY);
}

#[test]
fn writes_files_in_place_and_leaves_formatted_ones_alone() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy.pathway");
    let tidy = dir.path().join("tidy.pathway");
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    let tidy_before = std::fs::metadata(&tidy).unwrap();

    let out = msklint(&["fmt", "messy.pathway", "tidy.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "1 file reformatted, 1 file left unchanged\n");
    assert_eq!(read(&messy), TIDY);
    // An unchanged file is not rewritten at all.
    let tidy_after = std::fs::metadata(&tidy).unwrap();
    assert_eq!(
        tidy_before.modified().unwrap(),
        tidy_after.modified().unwrap()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        assert_eq!(tidy_before.ino(), tidy_after.ino());
    }

    let again = msklint(&["fmt", "messy.pathway"], dir.path());
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        stderr(&again),
        "0 files reformatted, 1 file left unchanged\n"
    );
}

#[cfg(unix)]
#[test]
fn a_rewritten_file_keeps_its_permissions_and_symlinks_stay_links() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.pathway");
    std::fs::write(&real, MESSY).unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("real.pathway", dir.path().join("link.pathway")).unwrap();

    let out = msklint(&["fmt", "link.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(read(&real), TIDY);
    let link = std::fs::symlink_metadata(dir.path().join("link.pathway")).unwrap();
    assert!(link.file_type().is_symlink());
    let mode = std::fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn check_exits_one_when_a_file_would_change_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("messy.pathway"), MESSY).unwrap();
    std::fs::write(dir.path().join("tidy.pathway"), TIDY).unwrap();

    let out = msklint(&["fmt", "--check", "."], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "would reformat ./messy.pathway\n");
    assert_eq!(
        stderr(&out),
        "1 file would be reformatted, 1 file already formatted\n"
    );
    assert_eq!(read(&dir.path().join("messy.pathway")), MESSY);

    let clean = msklint(&["fmt", "--check", "tidy.pathway"], dir.path());
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "");
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("messy.pathway"), MESSY).unwrap();
    let out = msklint(&["fmt", "--diff", "messy.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!(stdout(&out));
    assert_eq!(read(&dir.path().join("messy.pathway")), MESSY);
    // The diff turns the file into the formatted text.
    assert_eq!(patched(MESSY, &stdout(&out)), TIDY);

    let both = msklint(&["fmt", "--check", "--diff", "messy.pathway"], dir.path());
    assert_eq!(both.status.code(), Some(1));
    assert_eq!(stdout(&both), stdout(&out));
}

/// Applies a one-file unified diff (enough of `patch` for this test).
fn patched(original: &str, diff: &str) -> String {
    let old: Vec<&str> = original.lines().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for line in diff.lines().skip(2) {
        if let Some(hunk) = line.strip_prefix("@@ -") {
            let start: usize = hunk.split([',', ' ']).next().unwrap().parse().unwrap();
            while at + 1 < start {
                out.push(old[at].to_string());
                at += 1;
            }
        } else if let Some(added) = line.strip_prefix('+') {
            out.push(added.to_string());
        } else if line.starts_with('-') {
            at += 1;
        } else if let Some(same) = line.strip_prefix(' ') {
            out.push(same.to_string());
            at += 1;
        }
    }
    out.extend(old[at..].iter().map(|s| s.to_string()));
    out.join("\n") + "\n"
}

#[test]
fn a_file_with_a_syntax_error_is_reported_and_left_alone_the_rest_formatted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-broken.pathway"), BROKEN).unwrap();
    std::fs::write(dir.path().join("b-messy.pathway"), MESSY).unwrap();

    let out = msklint(&["fmt"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("syntax-error"), "{err}");
    assert!(err.contains("expected `:`, found `\"`"), "{err}");
    assert!(
        err.contains("error: ./a-broken.pathway: not formatted: fix the syntax error first"),
        "{err}"
    );
    assert!(
        err.ends_with(
            "1 file reformatted, 0 files left unchanged, 1 file could not be formatted\n"
        ),
        "{err}"
    );
    assert_eq!(read(&dir.path().join("a-broken.pathway")), BROKEN);
    assert_eq!(read(&dir.path().join("b-messy.pathway")), TIDY);

    // --check reports the trouble (2) rather than "would change" (1).
    std::fs::write(dir.path().join("b-messy.pathway"), MESSY).unwrap();
    let check = msklint(&["fmt", "--check"], dir.path());
    assert_eq!(check.status.code(), Some(2));
    assert_eq!(stdout(&check), "would reformat ./b-messy.pathway\n");
}

#[test]
fn unreadable_and_unsuitable_inputs_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = b"pathway \"Caf\xe9\" {\n}\n";
    std::fs::write(dir.path().join("latin1.pathway"), latin1).unwrap();
    std::fs::write(dir.path().join("policy.md"), "# Policy\n").unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();

    for (args, message) in [
        (
            vec!["fmt", "latin1.pathway"],
            "error: latin1.pathway: not formatted: it is not valid UTF-8",
        ),
        (
            vec!["fmt", "--check", "missing.pathway"],
            "error: missing.pathway: no such file or directory",
        ),
        (
            vec!["fmt", "policy.md"],
            "error: policy.md: a policy document, not a pathway",
        ),
        (
            vec!["fmt", "empty"],
            "error: empty: no .pathway files found in this directory",
        ),
    ] {
        let out = msklint(&args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert_eq!(
        std::fs::read(dir.path().join("latin1.pathway")).unwrap(),
        latin1
    );
}

#[test]
fn with_no_path_the_current_directory_is_searched_as_check_searches_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("nested/deeper")).unwrap();
    std::fs::create_dir(dir.path().join(".hidden")).unwrap();
    std::fs::write(dir.path().join("nested/deeper/a.pathway"), MESSY).unwrap();
    std::fs::write(dir.path().join(".hidden/b.pathway"), MESSY).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a pathway {").unwrap();

    let out = msklint(&["fmt", "--check"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "would reformat ./nested/deeper/a.pathway\n");
}

#[test]
fn the_bundled_examples_format_and_still_check_the_same() {
    let root = common::root();
    let dir = tempfile::tempdir().unwrap();
    for name in ["hip-knee-oa.pathway", "hip-knee-oa-clean.pathway"] {
        std::fs::copy(
            root.join("fixtures/examples").join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    let concise = |dir: &Path| {
        let out = msklint(&["check", "--format", "concise", "."], dir);
        let mut lines: Vec<String> = stdout(&out)
            .lines()
            .map(|l| l.split_once(": ").map_or(l, |(_, rest)| rest).to_string())
            .collect();
        lines.sort();
        (out.status.code(), lines)
    };
    let before = concise(dir.path());
    let out = msklint(&["fmt"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(concise(dir.path()), before);
    let check = msklint(&["fmt", "--check"], dir.path());
    assert_eq!(check.status.code(), Some(0));
}

/// `msklint fmt -`, as editors call a formatter: standard input in, the
/// laid-out text out; nothing written when the text does not parse.
#[test]
fn standard_input_is_formatted_to_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let messy = b"pathway \"t\" {\nentry gp:\"GP\"{kind:gp}\n}\n";
    let tidy = "pathway \"t\" {\n  entry gp: \"GP\" { kind: gp }\n}\n";
    let out = common::piped(&["fmt", "-"], dir.path(), messy);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), tidy);
    // Already tidy: the same text back.
    let out = common::piped(&["fmt", "-"], dir.path(), tidy.as_bytes());
    assert_eq!(String::from_utf8_lossy(&out.stdout), tidy);
    let out = common::piped(&["fmt", "--check", "-"], dir.path(), messy);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "would reformat <stdin>\n"
    );
    let out = common::piped(&["fmt", "--diff", "-"], dir.path(), messy);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("+  entry gp: \"GP\" { kind: gp }\n"));
    let broken = b"pathway \"t\" {\n  entry gp \"GP\" { kind: gp }\n}\n";
    let out = common::piped(&["fmt", "-"], dir.path(), broken);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("error: <stdin>: not formatted: fix the syntax error first"));
    let out = common::piped(&["fmt", "-", "x.pathway"], dir.path(), messy);
    assert_eq!(out.status.code(), Some(2));
}

/// A path that does not exist is a file not formatted, and the summary
/// says so, not only the error above it.
#[test]
fn a_missing_file_is_counted_as_not_formatted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("messy.pathway"), MESSY).unwrap();

    let out = msklint(&["fmt", "nope.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "error: nope.pathway: no such file or directory\n\
         0 files reformatted, 0 files left unchanged, 1 file could not be formatted\n"
    );

    let out = msklint(
        &["fmt", "--check", "nope.pathway", "messy.pathway"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).ends_with(
            "1 file would be reformatted, 0 files already formatted, 1 file could not be formatted\n"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(read(&dir.path().join("messy.pathway")), MESSY);
}

/// A folder that cannot be read is an error, as it is for `check`, not
/// passed over in silence.
#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_reported_as_check_reports_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("a.pathway"), MESSY).unwrap();
    std::fs::write(dir.path().join("b.pathway"), TIDY).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let unlock = || std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755));
    // Root reads a folder whatever its mode, so there is nothing to test.
    if std::fs::read_dir(&locked).is_ok() {
        unlock().unwrap();
        return;
    }
    let fmt = msklint(&["fmt", "--check", "."], dir.path());
    let check = msklint(&["check", "--no-cache", "."], dir.path());
    unlock().unwrap();

    let line = "error: ./locked: permission denied\n";
    assert!(stderr(&check).contains(line), "{}", stderr(&check));
    assert_eq!(fmt.status.code(), Some(2), "{}", stderr(&fmt));
    assert_eq!(
        stderr(&fmt),
        format!("{line}0 files would be reformatted, 1 file already formatted, 1 folder could not be read\n")
    );
}

/// Runs a program in `dir`, `None` if it is not installed.
fn run(program: &str, args: &[&str], dir: &Path) -> Option<Output> {
    match std::process::Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
    {
        Ok(out) => Some(out),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("{program}: {e}"),
    }
}

/// The diff's paths are ones `git apply -p0` and `patch -p0` take: no
/// leading `./` (git calls it an invalid path), and a name with a space
/// ended by a tab (else patch reads only up to the space).
#[test]
fn diff_output_applies_with_git_and_patch() {
    let dir = tempfile::tempdir().unwrap();
    let files = ["sub/a.pathway", "with space/b c.pathway"];
    for f in files {
        let path = dir.path().join(f);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, MESSY).unwrap();
    }
    let out = msklint(&["fmt", "--diff", "."], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(
        diff.contains("--- sub/a.pathway\n+++ sub/a.pathway\n"),
        "{diff}"
    );
    assert!(
        diff.contains("--- with space/b c.pathway\t\n+++ with space/b c.pathway\t\n"),
        "{diff}"
    );
    let patch_file = dir.path().join("fmt.diff");
    std::fs::write(&patch_file, &diff).unwrap();
    let patch_file = patch_file.to_str().unwrap();

    let git = run("git", &["apply", "-p0", "--check", patch_file], dir.path())
        .expect("git is needed to test that the diff applies");
    assert!(git.status.success(), "git apply: {}", stderr(&git));
    // `patch` is not installed everywhere; git alone then vouches for it.
    if let Some(patch) = run("patch", &["-p0", "--dry-run", "-i", patch_file], dir.path()) {
        assert!(
            patch.status.success(),
            "patch: {}{}",
            stdout(&patch),
            stderr(&patch)
        );
    }
    let git = run("git", &["apply", "-p0", patch_file], dir.path()).unwrap();
    assert!(git.status.success(), "git apply: {}", stderr(&git));
    for f in files {
        assert_eq!(read(&dir.path().join(f)), TIDY, "{f}");
    }
}

/// A syntax error reads as `check` shows it, code and all.
#[test]
fn a_syntax_error_is_shown_as_check_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.pathway"), BROKEN).unwrap();
    let fmt = msklint(&["fmt", "broken.pathway"], dir.path());
    assert_eq!(fmt.status.code(), Some(2));
    let err = stderr(&fmt);
    assert!(err.contains("syntax-error(MSK001)"), "{err}");
    let check = msklint(
        &["check", "--no-cache", "--no-config", "broken.pathway"],
        dir.path(),
    );
    let shown = stdout(&check);
    let finding = shown.split("\n\n").next().unwrap();
    assert!(finding.contains("syntax-error(MSK001)"), "{shown}");
    assert!(err.starts_with(finding), "fmt:\n{err}\ncheck:\n{shown}");
}

/// The examples shipped with msklint are in its own layout.
#[test]
fn the_bundled_examples_are_formatted() {
    let examples = common::root().join("fixtures/examples");
    let out = msklint(&["fmt", "--check", "."], &examples);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stderr(&out).starts_with("0 files would be reformatted, "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_folder_with_no_pathway_is_one_error_line_without_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = msklint(&["fmt", "empty"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: empty: no .pathway files found in this directory\n"
    );
}

#[test]
fn a_txt_file_holding_a_pathway_is_formatted_as_check_reads_it() {
    // Notepad saves an unknown name as `.txt`; check and the editor read
    // such a file as the pathway it holds, and fmt refused it.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("back.txt"), MESSY).unwrap();
    std::fs::write(dir.path().join("policy.txt"), "Smokers are not referred.\n").unwrap();
    let out = msklint(&["fmt", "back.txt"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("back.txt")).unwrap(),
        TIDY
    );
    let out = msklint(&["fmt", "policy.txt"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a policy document, not a pathway"),
        "{}",
        stderr(&out)
    );
}
