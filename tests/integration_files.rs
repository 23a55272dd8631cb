//! The CI integration files parse and call commands that exist.

mod common;

use common::{msklint, root};

fn yaml(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn action_runs_real_commands() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(runs
        .iter()
        .any(|r| r.contains("cargo install --locked --path")));
    assert!(runs
        .iter()
        .any(|r| r.contains("msklint check --format sarif")));
    assert!(runs
        .iter()
        .any(|r| r.contains("msklint check --format github")));
    assert!(steps.iter().any(|s| s["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))));
    // the formats the action uses are accepted by the binary
    for format in ["sarif", "github"] {
        let out = msklint(
            &[
                "check",
                "--format",
                format,
                "fixtures/examples/hip-knee-oa-clean.pathway",
            ],
            &root(),
        );
        assert_eq!(out.status.code(), Some(0), "{format}");
    }
}

/// The hook passes pathways, flowcharts (which a folder search reads too)
/// and anything that may be a policy document;
/// `--respect-include` leaves the ones msklint.yaml does not name (what it
/// then checks is tested in skipped_documents.rs).
#[test]
fn pre_commit_hook_targets_pathways_and_policy_documents() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "msklint");
    assert_eq!(hook["entry"], "msklint check --respect-include");
    assert_eq!(hook["language"], "rust");
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    for name in [
        "a.pathway",
        "p/b.md",
        "c.markdown",
        "d.txt",
        "e.text",
        "f.docx",
        "h.pdf",
        "i.mmd",
        "j.drawio",
        "k.bpmn",
        "l.vsdx",
    ] {
        assert!(files.is_match(name), "{name}");
    }
    for name in ["msklint.yaml", "g.pathway.bak", "m.doc"] {
        assert!(!files.is_match(name), "{name}");
    }
    // Every extension msklint reads, in any case: pre-commit matches the
    // pattern as written, and a staged `Policy.PDF` must reach msklint.
    for format in msklint::input::FORMATS {
        for ext in format.extensions {
            for name in [format!("x.{ext}"), format!("X.{}", ext.to_uppercase())] {
                assert!(files.is_match(&name), "{name}");
            }
        }
    }
}

/// The formatting hook checks staged pathways only and writes nothing;
/// `fmt --check` exits 1 when a file would change, which fails the commit.
#[test]
fn pre_commit_fmt_hook_checks_pathway_layout() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = hooks
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "msklint-fmt")
        .expect("an msklint-fmt hook");
    assert_eq!(hook["entry"], "msklint fmt --check");
    assert_eq!(hook["language"], "rust");
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    assert!(files.is_match("care/a.pathway"));
    assert!(files.is_match("care/HIPS.PATHWAY"));
    for name in ["p/b.md", "c.txt", "g.pathway.bak"] {
        assert!(!files.is_match(name), "{name}");
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.pathway"),
        "pathway \"P\" {\nowner: \"ICB\"\n}\n",
    )
    .unwrap();
    let mut args: Vec<&str> = hook["entry"].as_str().unwrap().split(' ').skip(1).collect();
    args.push("a.pathway");
    let out = msklint(&args, dir.path());
    assert_eq!(out.status.code(), Some(1));
    std::fs::write(
        dir.path().join("a.pathway"),
        "pathway \"P\" {\n  owner: \"ICB\"\n}\n",
    )
    .unwrap();
    assert_eq!(msklint(&args, dir.path()).status.code(), Some(0));
}

/// The SARIF step once failed on exit status 2 (one unreadable file), so
/// the annotating step after it never ran: one bad PDF cost the pull
/// request every annotation. It passes on 1 and 2 and writes the SARIF.
#[test]
fn the_actions_sarif_step_lets_the_annotating_step_run() {
    let action = yaml("action.yml");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let sarif_step = steps
        .iter()
        .filter_map(|s| s["run"].as_str())
        .find(|r| r.contains("--format sarif"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/examples/hip-knee-oa.pathway"),
        dir.path().join("p.pathway"),
    )
    .unwrap();
    for (paths, status) in [("p.pathway", 1), ("p.pathway missing.pathway", 2)] {
        let run = sarif_step
            .replace("${{ inputs.args }}", "")
            .replace("${{ inputs.paths }}", paths)
            .replace("${{ inputs.sarif-file }}", "out.sarif")
            .replacen(
                "msklint ",
                &format!("{} ", env!("CARGO_BIN_EXE_msklint")),
                1,
            );
        // GitHub runs a step's bash with -e: the step fails on a failing command.
        let out = std::process::Command::new("bash")
            .args(["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", &run])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "exit {status}: {out:?}");
        let sarif: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("out.sarif")).unwrap()).unwrap();
        assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    }
}
