//! The binary as users and CI scripts see it: exit codes, output formats,
//! and never losing a file.

mod common;

use std::process::Output;

use common::{msklint, root};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

const CLEAN: &str = include_str!("../fixtures/examples/hip-knee-oa-clean.pathway");

/// The clean example with one misspelt kind: exactly one warning.
fn warning_only() -> String {
    let out = CLEAN.replace("{ kind: gp }", "{ kind: gpp }");
    assert_ne!(out, CLEAN);
    out
}

/// The clean example with one route to an undeclared node: exactly one error.
fn error() -> String {
    CLEAN.replace("  gp -> fcp\n", "  gp -> fcp\n  gp -> nowhere\n")
}

fn rules_of(doc: &serde_json::Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn clean_example_exits_zero() {
    let out = msklint(
        &["check", "fixtures/examples/hip-knee-oa-clean.pathway"],
        &root(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 file checked: no problems found"));
}

/// `--format` takes its value in any case (`JSON`, `Markdown`), as people
/// write the names of formats; a misspelt one is still refused.
#[test]
fn format_names_are_read_in_any_case() {
    let out = msklint(
        &[
            "check",
            "--no-cache",
            "--format",
            "JSON",
            "fixtures/examples/hip-knee-oa-clean.pathway",
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["summary"]["files"], 1);
    let out = msklint(&["rules", "--format", "Markdown"], &root());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("# Rules"), "{}", stdout(&out));
    let out = msklint(
        &[
            "check",
            "--format",
            "JSN",
            "fixtures/examples/hip-knee-oa-clean.pathway",
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn errors_exit_one_and_warnings_only_with_deny_warnings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("warn.pathway"), warning_only()).unwrap();
    std::fs::write(dir.path().join("err.pathway"), error()).unwrap();

    let warn = msklint(&["check", "warn.pathway"], dir.path());
    assert_eq!(warn.status.code(), Some(0), "{}", stdout(&warn));
    assert!(stdout(&warn).contains("unknown-kind"));
    assert!(
        stdout(&warn).contains("1 file checked: 1 warning"),
        "{}",
        stdout(&warn)
    );

    let denied = msklint(&["check", "--deny-warnings", "warn.pathway"], dir.path());
    assert_eq!(denied.status.code(), Some(1));

    let err = msklint(&["check", "err.pathway"], dir.path());
    assert_eq!(err.status.code(), Some(1));
    assert!(stdout(&err).contains("undefined-node"));
    assert!(
        stdout(&err).contains("1 file checked: 1 error"),
        "{}",
        stdout(&err)
    );
}

#[test]
fn syntax_errors_count_as_errors() {
    let out = msklint(&["check", "fixtures/invalid/syntax-error.pathway"], &root());
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn missing_file_exits_two_but_other_files_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("err.pathway"), error()).unwrap();
    let out = msklint(
        &[
            "check",
            "--format",
            "json",
            "missing.pathway",
            "err.pathway",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("missing.pathway: no such file or directory"),
        "{}",
        stderr(&out)
    );
    let doc = json(&out);
    assert_eq!(doc["summary"]["files"], 1);
    assert_eq!(rules_of(&doc), ["undefined-node"]);
}

#[test]
fn directory_without_pathways_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a pathway").unwrap();
    let out = msklint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(
            "no .pathway files or diagrams (.mmd, .mermaid, .drawio, .bpmn, .pptx, .vsdx) found"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn directories_are_searched_recursively_and_hidden_folders_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("tools/node_modules/pkg")).unwrap();
    std::fs::write(dir.path().join("a/b/deep.pathway"), error()).unwrap();
    std::fs::write(dir.path().join("top.pathway"), warning_only()).unwrap();
    std::fs::write(dir.path().join(".git/skip.pathway"), error()).unwrap();
    // Installed packages are not the user's files.
    std::fs::write(
        dir.path().join("tools/node_modules/pkg/example.pathway"),
        error(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("tools/node_modules/pkg/demo.mmd"),
        "flowchart TD\n  A[GP] --> B[Physio]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a/readme.md"), "ignored").unwrap();
    let out = msklint(&["check", "--format", "json", "."], dir.path());
    let doc = json(&out);
    assert_eq!(doc["summary"]["files"], 2, "{doc}");
    let paths: Vec<_> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, vec!["./a/b/deep.pathway", "./top.pathway"]);
    assert_eq!(rules_of(&doc), ["undefined-node", "unknown-kind"]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_trap_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("d")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("d/up")).unwrap();
    std::fs::write(dir.path().join("d/p.pathway"), warning_only()).unwrap();
    let out = msklint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(json(&out)["summary"]["files"], 1);
    // The link is said, not passed over in silence.
    let said = &json(&out)["skipped_documents"][0];
    assert_eq!(said["linked_folders"][0], "./d/up", "{}", stdout(&out));
    assert!(
        said["note"]
            .as_str()
            .unwrap()
            .contains("did not follow 1 linked folder"),
        "{said}"
    );
    assert!(stderr(&out).contains("note: did not follow 1 linked folder (./d/up)"));
    // A folder holding only a link says so in its error.
    std::fs::create_dir(dir.path().join("e")).unwrap();
    std::os::unix::fs::symlink("../d", dir.path().join("e/d")).unwrap();
    let out = msklint(&["check", "e"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did not follow 1 linked folder (e/d)"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_a_folder_is_reported_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.pathway"), warning_only()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("b.pathway"))
        .status()
        .unwrap();
    assert!(made.success());
    for args in [
        &["check", "--format", "json", "."][..],
        &["fmt", "--check", "."],
        &["score", "."],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_msklint"))
            .args(args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Reading the pipe would wait for a writer that never comes.
        let start = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if start.elapsed() > std::time::Duration::from_secs(60) {
                child.kill().unwrap();
                panic!("{args:?} waited on the named pipe");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("b.pathway: not a regular file (a named pipe, socket or device)"),
            "{args:?}: {err}"
        );
        if args[0] == "check" {
            // The rest of the run is kept.
            assert_eq!(json(&out)["summary"]["files"], 1);
        }
    }
    // A folder whose only candidate is the pipe: reported once, without a
    // "nothing found" that would contradict it.
    let lone = tempfile::tempdir().unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(lone.path().join("p.pathway"))
        .status()
        .unwrap();
    assert!(made.success());
    let out = msklint(&["check", "."], lone.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a regular file"), "{err}");
    assert!(!err.contains("found in this directory"), "{err}");
}

#[test]
fn json_has_the_documented_fields_and_one_based_positions() {
    let out = msklint(
        &[
            "check",
            "--format",
            "json",
            "fixtures/invalid/undefined-node.pathway",
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(doc["version"], 1);
    let all = doc["diagnostics"].as_array().unwrap();
    let d = all.iter().find(|d| d["rule"] == "undefined-node").unwrap();
    assert_eq!(d["code"], "MSK004");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["path"], "fixtures/invalid/undefined-node.pathway");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(7), Some(9))
    );
    // end_column is exclusive: `phsyio` is six characters
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(7), Some(15))
    );
    assert_eq!(d["snippet"], "phsyio");
    assert!(d["message"].as_str().unwrap().contains("phsyio"));
    assert_eq!(d["help"], "did you mean `physio`?");
    assert_eq!(d["pathway"], "Back pain");
    let count = |sev: &str| all.iter().filter(|d| d["severity"] == sev).count();
    assert_eq!(doc["summary"]["files"], 1);
    assert_eq!(doc["summary"]["errors"], count("error"));
    assert_eq!(doc["summary"]["warnings"], count("warning"));
    assert_eq!(doc["summary"]["infos"], count("info"));
}

#[test]
fn output_is_ordered_by_path_then_position_whatever_the_argument_order() {
    let dir = root().join("fixtures/invalid");
    let a = msklint(
        &[
            "check",
            "--format",
            "json",
            "unknown-property.pathway",
            "invalid-value.pathway",
        ],
        &dir,
    );
    let b = msklint(
        &[
            "check",
            "--format",
            "json",
            "invalid-value.pathway",
            "unknown-property.pathway",
        ],
        &dir,
    );
    assert_eq!(stdout(&a), stdout(&b));
    let doc = json(&a);
    let keys: Vec<(String, u64, u64)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn hostile_inputs_give_diagnostics_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("empty.pathway"), "").unwrap();
    std::fs::write(p.join("nul.pathway"), vec![0u8; 4096]).unwrap();
    std::fs::write(p.join("latin1.pathway"), b"pathway \"caf\xe9\" {}\n").unwrap();
    let brackets = format!("pathway \"p\" {{ x: {} }}", "[".repeat(100_000));
    std::fs::write(p.join("brackets.pathway"), brackets).unwrap();
    let braces = format!("pathway \"p\" {}", "{".repeat(100_000));
    std::fs::write(p.join("braces.pathway"), braces).unwrap();
    std::fs::write(
        p.join("crlf.pathway"),
        "\u{feff}pathway \"p\" {\r\n  entry a: \"A\" { kind: gpx }\r\n}\r\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "."], p);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json(&out);
    assert_eq!(doc["summary"]["files"], 6);
    let found: Vec<(String, String, u64, u64)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("./")
                    .to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = |path: &str, rule: &str, line: u64, col: u64| {
        assert!(
            found.contains(&(path.to_string(), rule.to_string(), line, col)),
            "missing {path} {rule} {line}:{col} in {found:?}"
        );
    };
    expect("empty.pathway", "empty-file", 1, 1);
    expect("nul.pathway", "invalid-encoding", 1, 1);
    expect("latin1.pathway", "invalid-encoding", 1, 13);
    expect("brackets.pathway", "syntax-error", 1, 19);
    expect("braces.pathway", "syntax-error", 1, 14);
    // CRLF and a byte-order mark do not shift positions
    expect("crlf.pathway", "unknown-kind", 2, 24);
}

#[test]
fn usage_errors_exit_two_and_help_exits_zero() {
    let bad = msklint(&["check", "--format", "yaml"], &root());
    assert_eq!(bad.status.code(), Some(2));
    let none = msklint(&["frobnicate"], &root());
    assert_eq!(none.status.code(), Some(2));
    let help = msklint(&["--help"], &root());
    assert_eq!(help.status.code(), Some(0));
    assert!(stdout(&help).contains("check"));
}

#[test]
fn human_output_shows_snippet_rule_and_summary() {
    let out = msklint(
        &[
            "check",
            "--color",
            "never",
            "fixtures/invalid/unknown-kind.pathway",
        ],
        &root(),
    );
    let text = stdout(&out);
    assert!(text.contains("unknown-kind"), "{text}");
    assert!(text.contains("help: did you mean `secondary`?"), "{text}");
    assert!(text.contains("unknown-kind.pathway:6:44"), "{text}");
    assert!(!text.contains('\u{1b}'), "colour codes with --color never");
    assert!(
        text.trim_end()
            .lines()
            .last()
            .unwrap()
            .starts_with("1 file checked: "),
        "{text}"
    );
}

/// One file named two ways, or inside a folder named twice (once through a
/// link), is checked and counted once.
#[test]
fn a_file_named_two_ways_is_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("paths")).unwrap();
    std::fs::write(dir.path().join("paths/p.pathway"), error()).unwrap();
    let out = msklint(
        &[
            "check",
            "paths/p.pathway",
            "./paths/p.pathway",
            "paths/../paths/p.pathway",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("1 file checked: 1 error"),
        "{}",
        stdout(&out)
    );

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("paths"), dir.path().join("link")).unwrap();
        let out = msklint(&["check", "--format", "json", "paths", "link"], dir.path());
        assert_eq!(json(&out)["summary"]["files"], 1, "{}", stdout(&out));
    }
}

/// `graph` answers a name that matches nothing with the names there are,
/// a name shared by two files with the files, and a file that could not
/// be parsed with exit 1, as `score` and `report` do.
#[test]
fn graph_names_what_it_could_draw() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.pathway"), CLEAN).unwrap();
    std::fs::write(dir.path().join("b.pathway"), CLEAN).unwrap();
    std::fs::write(
        dir.path().join("typo.pathway"),
        "pathway \"P\" {\n  entry gp: \"GP\"\n  servce fcp: \"FCP\"\n}\n",
    )
    .unwrap();
    let name = "Hip and knee osteoarthritis";
    assert!(CLEAN.contains(&format!("pathway \"{name}\"")));

    let out = msklint(&["graph", "--pathway", "Hip", "a.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("the pathways read are `{name}`")),
        "{}",
        stderr(&out)
    );

    let out = msklint(
        &[
            "graph",
            "--format",
            "svg",
            "--pathway",
            name,
            "a.pathway",
            "b.pathway",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a.pathway, b.pathway"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("choose it with --pathway"),
        "{}",
        stderr(&out)
    );
    // A name two files share is listed once, with both files.
    let out = msklint(
        &["graph", "--pathway", "Hip", "a.pathway", "b.pathway"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "the pathways read are `{name}` (a.pathway, b.pathway)\n"
        )),
        "{}",
        stderr(&out)
    );

    let out = msklint(&["graph", "typo.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("syntax-error"), "{}", stderr(&out));

    // The name in another case draws the pathway, and says which it drew.
    let lower = name.to_lowercase();
    let out = msklint(&["graph", "--pathway", &lower, "a.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("flowchart"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains(&format!(
            "note: no pathway is called exactly `{lower}`; drawing `{name}`, the same name in another case"
        )),
        "{}",
        stderr(&out)
    );

    // A name a letter or two off is not drawn; the error names what is
    // near, and exits 2.
    let typo = name.replace("knee", "kne");
    let out = msklint(&["graph", "--pathway", &typo, "a.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("no pathway to draw is called `{typo}`")),
        "{err}"
    );
    assert!(err.contains(&format!("did you mean `{name}`?")), "{err}");

    // Many pathways: a few names and a count, not every name.
    let many: String = (0..40)
        .map(|i| format!("pathway \"P{i}\" {{\n  entry gp: \"GP\"\n}}\n"))
        .collect();
    std::fs::write(dir.path().join("many.pathway"), many).unwrap();
    let out = msklint(&["graph", "--format", "svg", "many.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("40 pathways found"), "{err}");
    assert!(err.contains("`P7`, and 32 more"), "{err}");
    assert!(!err.contains("`P8`"), "{err}");
}

/// `graph --pathway` prefers the name as written; two names that differ
/// from it only in case, spelt differently, are ambiguous (exit 2, both
/// named), and a name in another case is never drawn beside an exact one.
#[test]
fn graph_pathway_name_in_another_case() {
    let dir = tempfile::tempdir().unwrap();
    let pathway = |name: &str, node: &str| {
        format!("pathway \"{name}\" {{\n  entry {node}: \"Entry {node}\" {{ kind: gp }}\n}}\n")
    };
    std::fs::write(
        dir.path().join("two.pathway"),
        pathway("Back Pain", "upper") + &pathway("back pain", "lower"),
    )
    .unwrap();

    let out = msklint(
        &["graph", "--pathway", "BACK PAIN", "two.pathway"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no pathway is called exactly `BACK PAIN`"),
        "{err}"
    );
    assert!(err.contains("`Back Pain`, `back pain`"), "{err}");

    // Written exactly as one of them: that one alone.
    let out = msklint(
        &["graph", "--pathway", "back pain", "two.pathway"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let drawn = stdout(&out);
    assert!(
        drawn.contains("lower") && !drawn.contains("upper"),
        "{drawn}"
    );
    assert!(!stderr(&out).contains("another case"), "{}", stderr(&out));

    // Names outside ASCII are compared in lower case too.
    std::fs::write(
        dir.path().join("accent.pathway"),
        pathway("Épaule", "shoulder"),
    )
    .unwrap();
    let out = msklint(
        &["graph", "--pathway", "épaule", "accent.pathway"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("shoulder"), "{}", stdout(&out));
}

/// With standard error a pipe nobody reads (`2>&1 >/dev/null | true` in a
/// CI step), notes and errors are dropped and the exit code keeps its
/// meaning; it was 101, a panic.
#[test]
fn a_closed_standard_error_keeps_the_exit_code() {
    let run = |args: &[&str]| {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        std::process::Command::new(env!("CARGO_BIN_EXE_msklint"))
            .args(args)
            .current_dir(root())
            .stdout(std::process::Stdio::null())
            .stderr(writer)
            .status()
            .unwrap()
            .code()
    };
    // The folder's skipped policy documents make a note on standard error.
    assert_eq!(run(&["check", "--no-cache", "fixtures/examples"]), Some(1));
    assert_eq!(
        run(&[
            "check",
            "--no-cache",
            "fixtures/examples/hip-knee-oa-clean.pathway"
        ]),
        Some(0)
    );
    assert_eq!(
        run(&["check", "--no-cache", "no-such-file.pathway"]),
        Some(2)
    );
    assert_eq!(run(&["explain", "no-such-rule"]), Some(2));
}

/// A control character or a bidirectional override in a file (a pathway
/// name, a policy sentence) is shown as `\u{…}` in the text formats, never
/// sent to the terminal, where it could clear the screen or reorder a line.
#[test]
fn terminal_controls_in_a_file_are_shown_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("e.pathway"),
        "pathway \"X\u{1b}[31mRED\" {\n  entry gp: \"GP\u{1b}]0;title\u{7}\" { kind: gp }\n  exit home: \"Home \u{202e}olleh\"\n  gp -> home\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("p.md"),
        "Patients with a BMI over 40 \u{1b}[2J will not be referred.\n",
    )
    .unwrap();
    for format in ["human", "concise", "github"] {
        let out = msklint(
            &[
                "check",
                "--no-cache",
                "--format",
                format,
                "e.pathway",
                "p.md",
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = stdout(&out);
        assert!(!text.contains('\u{1b}'), "{format}: {text}");
        assert!(!text.contains('\u{7}'), "{format}: {text}");
        assert!(!text.contains('\u{202e}'), "{format}: {text}");
        assert!(text.contains("X\\u{1b}[31mRED"), "{format}: {text}");
        assert!(text.contains("bmi-threshold"), "{format}: {text}");
    }
}

/// A suppression naming a rule by its code or in other letter case is
/// told which, and offered the rule's name as the fix.
#[test]
fn suppressions_by_code_or_in_other_case_are_told_which() {
    let dir = tempfile::tempdir().unwrap();
    let clean = std::fs::read_to_string(root().join("fixtures/examples/hip-knee-oa-clean.pathway"))
        .unwrap();
    let text = clean.replacen(
        "  entry gp:",
        "  # msklint: allow(Dead-End, MSK101) reason: \"testing\"\n  entry gp:",
        1,
    );
    std::fs::write(dir.path().join("p.pathway"), text).unwrap();
    let out = msklint(&["check", "--format", "json", "p.pathway"], dir.path());
    let doc = json(&out);
    let helps: Vec<(String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "unused-suppression")
        .map(|d| {
            (
                d["message"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(helps.len(), 2, "{doc}");
    assert!(
        helps[0].1.contains("written in lower case: `dead-end`"),
        "{helps:?}"
    );
    assert!(!helps[0].1.contains("is the code of"), "{helps:?}");
    assert!(
        helps[1]
            .1
            .contains("`MSK101` is the code of `bmi-threshold`"),
        "{helps:?}"
    );
}

/// An `overrides` entry whose paths match none of the files a search of
/// the whole configured folder checks (a misspelt folder) is named in a
/// note; one that matches, or a search of part of the folder, says nothing.
#[test]
fn an_override_that_matches_nothing_is_pointed_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies/archive")).unwrap();
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "include: [\"policies/**/*.md\"]\noverrides:\n  - paths: [\"policy/archive/**\"]\n    rules: { bmi-threshold: off }\n  - paths: [\"policies/**\"]\n    rules: { dead-end: off }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("policies/archive/old.md"),
        "Patients with a BMI over 35 will not be referred.\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "concise", "."], dir.path());
    let err = stderr(&out);
    assert!(
        err.contains(
            "overrides entry 1 (paths: policy/archive/**) matched none of the one file checked"
        ),
        "{err}"
    );
    assert!(!err.contains("overrides entry 2"), "{err}");
    let out = msklint(&["check", "--format", "concise", "policies"], dir.path());
    assert!(
        !stderr(&out).contains("overrides entry"),
        "{}",
        stderr(&out)
    );
}
