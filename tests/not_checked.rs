//! Paths msklint could not check (missing, unreadable, a damaged PDF) end
//! the run with status 2 and a line on standard error. A CI job that reads
//! only the structured output must see them too: JSON lists them under
//! `not_checked`, SARIF as tool notifications of a run that did not
//! succeed, JUnit as errors and GitHub as file annotations. The files that
//! could be read are still checked and reported, and `report`, `graph`
//! and `score` still write what they could read.

mod common;

use std::path::Path;
use std::process::Output;

use common::{msklint, root};

/// A folder with a readable pathway that has one error, and a `.pdf` that
/// is not a PDF.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let clean = std::fs::read_to_string(root().join("fixtures/examples/hip-knee-oa-clean.pathway"))
        .unwrap();
    let error = clean.replace("  gp -> fcp\n", "  gp -> fcp\n  gp -> nowhere\n");
    assert_ne!(error, clean);
    std::fs::write(dir.path().join("err.pathway"), error).unwrap();
    std::fs::write(dir.path().join("policy.pdf"), "not a PDF at all").unwrap();
    dir
}

fn run(dir: &Path, format: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "check",
        "--format",
        format,
        "missing.pathway",
        "policy.pdf",
        "err.pathway",
    ];
    args.extend_from_slice(extra);
    let out = msklint(&args, dir);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    out
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The "error: PATH: MESSAGE" lines of standard error, as (path, message).
fn stderr_problems(o: &Output) -> Vec<(String, String)> {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("error: "))
        .filter_map(|l| l.split_once(": "))
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect()
}

#[test]
fn json_lists_them_as_standard_error_does_with_the_rest_checked() {
    let dir = folder();
    for extra in [&[][..], &["--no-cache"], &["--rules-table"]] {
        let out = run(dir.path(), "json", extra);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let listed: Vec<(String, String)> = doc["not_checked"]
            .as_array()
            .unwrap_or_else(|| panic!("no not_checked with {extra:?}: {}", stdout(&out)))
            .iter()
            .map(|p| {
                let text = |k: &str| p[k].as_str().unwrap().to_string();
                (text("path"), text("message"))
            })
            .collect();
        assert_eq!(listed, stderr_problems(&out), "{extra:?}");
        let paths: Vec<&str> = listed.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["missing.pathway", "policy.pdf"]);
        assert!(listed[1].1.contains("not a PDF"), "{:?}", listed[1]);
        assert_eq!(doc["summary"]["files"], 1);
        assert_eq!(doc["diagnostics"][0]["rule"], "undefined-node");
        // Between the findings and the summary.
        let text = stdout(&out);
        let at = |key: &str| text.find(&format!("\n  \"{key}\": ")).unwrap();
        assert!(at("diagnostics") < at("not_checked") && at("not_checked") < at("summary"));
    }
}

#[test]
fn a_run_that_checked_everything_has_no_not_checked_field() {
    let dir = folder();
    let out = msklint(&["check", "--format", "json", "err.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(!stdout(&out).contains("not_checked"), "{}", stdout(&out));
    let out = msklint(&["check", "--format", "sarif", "err.pathway"], dir.path());
    assert!(!stdout(&out).contains("invocations"), "{}", stdout(&out));
}

#[test]
fn sarif_says_the_run_did_not_succeed_and_names_each_path() {
    let dir = folder();
    let out = run(dir.path(), "sarif", &[]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &doc["runs"][0];
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    let uris: Vec<&str> = notes
        .iter()
        .map(|n| {
            assert_eq!(n["level"], "error");
            n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(uris, ["missing.pathway", "policy.pdf"]);
    let text = notes[0]["message"]["text"].as_str().unwrap();
    assert_eq!(text, "missing.pathway: no such file or directory");
    assert_eq!(run["results"][0]["ruleId"], "undefined-node");
}

#[test]
fn junit_counts_each_as_an_error_case() {
    let dir = folder();
    let out = run(dir.path(), "junit", &[]);
    let text = stdout(&out);
    assert!(
        text.contains("<testsuites name=\"msklint\" tests=\"3\" failures=\"1\" errors=\"2\">"),
        "{text}"
    );
    assert!(
        text.contains("<testsuite name=\"policy.pdf\" tests=\"1\" failures=\"0\" errors=\"1\">"),
        "{text}"
    );
    assert!(text.contains("<error type=\"not checked\" message=\"cannot check this PDF"));
}

#[test]
fn github_annotates_each_file() {
    let dir = folder();
    let out = run(dir.path(), "github", &[]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "::error file=missing.pathway,title=msklint%3A not checked::no such file or directory\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "::error file=policy.pdf,title=msklint%3A not checked::cannot check this PDF"
        ),
        "{text}"
    );
}

#[test]
fn human_and_concise_output_leave_them_to_standard_error() {
    let dir = folder();
    for format in ["human", "concise"] {
        let out = run(dir.path(), format, &[]);
        assert!(!stdout(&out).contains("policy.pdf"), "{}", stdout(&out));
        assert_eq!(stderr_problems(&out).len(), 2, "{format}");
    }
}

#[test]
fn report_graph_and_score_write_what_they_could_read() {
    let dir = folder();
    let args = ["missing.pathway", "policy.pdf", "err.pathway"];
    for (command, shows) in [
        ("report", "# Consultation response"),
        ("graph", "flowchart"),
        ("score", "# MSK core offer maturity"),
    ] {
        let out = msklint(&[&[command][..], &args].concat(), dir.path());
        assert_eq!(out.status.code(), Some(2), "{command}: {out:?}");
        let text = stdout(&out);
        assert!(text.contains(shows), "{command}: {text}");
        assert_eq!(stderr_problems(&out).len(), 2, "{command}");
        // Nothing could be read: nothing is written.
        let out = msklint(&[command, "missing.pathway"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(out.stdout.is_empty(), "{command}: {}", stdout(&out));
    }
    // A JSON score still says what it could not read, as `check` does: a
    // script reading it gets a document, not an empty stdout.
    let out = msklint(
        &["score", "--format", "json", "missing.pathway"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON document");
    assert_eq!(doc["scorecards"], serde_json::json!([]));
    assert_eq!(doc["not_scored"][0]["path"], "missing.pathway", "{doc}");
    // The report tells its reader which files it does not cover, and why.
    let out = msklint(&[&["report"][..], &args].concat(), dir.path());
    let text = stdout(&out);
    assert!(
        text.contains("# Not reviewed: `missing.pathway`\n\nmsklint could not check this path"),
        "{text}"
    );
    assert!(
        text.contains("- `policy.pdf` not read: cannot check this PDF"),
        "{text}"
    );
}

/// The human and concise summary lines count the paths left out, so the
/// last line of a log never reads "no problems found" alone.
#[test]
fn summary_lines_count_paths_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/examples/hip-knee-oa-clean.pathway"),
        dir.path().join("clean.pathway"),
    )
    .unwrap();
    for format in ["human", "concise"] {
        let out = msklint(
            &[
                "check",
                "--format",
                format,
                "clean.pathway",
                "missing.pathway",
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.trim_end()
                .ends_with("1 file checked: no problems found; 1 path could not be checked"),
            "{format}: {text}"
        );
    }
    let out = msklint(&["check", "clean.pathway"], dir.path());
    assert!(String::from_utf8_lossy(&out.stdout)
        .trim_end()
        .ends_with("1 file checked: no problems found"));
}

/// A link in a searched folder whose file has gone was passed over in
/// silence: "1 file checked: no problems found", exit 0, and nothing
/// under `not_checked`. A link to a folder is still not followed.
#[test]
fn a_broken_link_in_a_searched_folder_is_not_checked_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let pathways = dir.path().join("pathways");
    std::fs::create_dir(&pathways).unwrap();
    std::fs::copy(
        root().join("fixtures/examples/hip-knee-oa-clean.pathway"),
        pathways.join("clean.pathway"),
    )
    .unwrap();
    std::os::unix::fs::symlink("gone.pathway", pathways.join("hip.pathway")).unwrap();
    std::os::unix::fs::symlink("gone.md", pathways.join("policy.md")).unwrap();
    std::os::unix::fs::symlink("notes.txt", pathways.join("notes.txt")).unwrap();
    std::os::unix::fs::symlink("..", pathways.join("up")).unwrap();
    let out = msklint(
        &["check", "--format", "json", "--include", "*.md", "pathways"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = doc["not_checked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    // The two the search would have read; `notes.txt` is not included.
    assert_eq!(
        paths,
        ["pathways/hip.pathway", "pathways/policy.md"],
        "{doc}"
    );
    assert!(doc["not_checked"][0]["message"]
        .as_str()
        .unwrap()
        .contains("a link to a file that cannot be read (gone.pathway)"));
    assert_eq!(doc["summary"]["files"], 1);
    assert!(stderr_problems(&out)
        .iter()
        .any(|(p, _)| p == "pathways/hip.pathway"));
}

/// A msklint.yaml that does not load stops the run before any file is
/// read (status 2). A CI job reading only the structured output still
/// gets a whole document: the configuration's problem as a finding on its
/// line, and each path asked for as not checked.
#[test]
fn a_bad_configuration_still_gives_a_whole_document_in_every_structured_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "include: ['*.md']\nsevrity: high\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("p.md"), "Smokers will not be referred.\n").unwrap();
    for format in ["json", "sarif", "github", "junit", "human"] {
        let out = msklint(&["check", "--format", format, "."], dir.path());
        assert_eq!(out.status.code(), Some(2), "{format}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("sevrity"),
            "{format}: {out:?}"
        );
        let text = stdout(&out);
        match format {
            "json" => {
                let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
                let finding = &doc["diagnostics"][0];
                assert_eq!(finding["rule"], "invalid-config", "{doc}");
                assert_eq!(finding["line"], 2, "{doc}");
                assert!(finding["path"].as_str().unwrap().ends_with("msklint.yaml"));
                assert_eq!(doc["not_checked"][0]["path"], ".", "{doc}");
                assert!(doc["not_checked"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("msklint.yaml has problems"));
                // The configuration was read, but no file was checked.
                assert_eq!(doc["summary"]["files"], 0, "{doc}");
                assert_eq!(doc["summary"]["errors"], 1, "{doc}");
            }
            "sarif" => {
                let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
                let run = &doc["runs"][0];
                assert_eq!(run["invocations"][0]["executionSuccessful"], false);
                let at = &run["results"][0]["locations"][0]["physicalLocation"];
                assert_eq!(at["artifactLocation"]["uri"], "msklint.yaml", "{doc}");
                assert_eq!(at["region"]["startLine"], 2, "{doc}");
            }
            "github" => {
                assert!(text.contains("::error file=msklint.yaml,line=2,"), "{text}");
                assert!(text.contains("::error file=.,title=msklint%3A not checked::"));
            }
            "junit" => {
                assert!(text.contains("errors=\"1\""), "{text}");
                assert!(text.contains("name=\"invalid-config\""), "{text}");
            }
            // People read standard error; nothing is checked to print.
            _ => assert_eq!(text, ""),
        }
    }
}

/// A baseline that cannot be read stops the run before any file is
/// checked. An upload step that expects SARIF still gets a document that
/// says why, rather than an empty file it cannot parse.
#[test]
fn a_missing_baseline_still_gives_a_structured_document() {
    let dir = folder();
    for format in ["json", "sarif", "github", "junit", "human"] {
        let out = msklint(
            &[
                "check",
                "--baseline",
                "no-such-baseline.json",
                "--format",
                format,
                "err.pathway",
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{format}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("no-such-baseline.json"),
            "{format}: {out:?}"
        );
        let text = stdout(&out);
        match format {
            "json" => {
                let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(doc["not_checked"][0]["path"], "err.pathway", "{doc}");
                let why = doc["not_checked"][0]["message"].as_str().unwrap();
                assert!(why.contains("baseline could not be read"), "{doc}");
                assert!(why.contains("no-such-baseline.json"), "{doc}");
                // Nothing was checked, so the pathway's error is not reported.
                assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 0, "{doc}");
                assert_eq!(doc["summary"]["files"], 0, "{doc}");
            }
            "sarif" => {
                let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
                let invocation = &doc["runs"][0]["invocations"][0];
                assert_eq!(invocation["executionSuccessful"], false, "{doc}");
                let note = &invocation["toolExecutionNotifications"][0];
                assert!(note["message"]["text"]
                    .as_str()
                    .unwrap()
                    .contains("no-such-baseline.json"));
                assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 0);
            }
            "github" => {
                assert!(
                    text.contains("::error file=err.pathway,title=msklint%3A not checked::"),
                    "{text}"
                );
            }
            "junit" => assert!(text.contains("errors=\"1\""), "{text}"),
            _ => assert_eq!(text, ""),
        }
    }
}
