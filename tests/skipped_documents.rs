//! Policy documents that a directory search passes over are mentioned, not
//! skipped in silence; a missing path prints no clean summary; and the CI
//! recipes in docs/ci.md and .pre-commit-hooks.yaml check the documents
//! that `include:` in msklint.yaml names.

mod common;

use std::path::Path;
use std::process::Output;

use common::{msklint, root};

#[path = "common/docx.rs"]
mod docx;
use docx::docx;

/// A policy with errors for bmi-threshold and dna-discharge.
const POLICY: &str = "# Knee policy\n\nReferral criteria:\n\n- BMI under 35 kg/m2\n\nPatients who do not attend\ntwice will be discharged. Inequalities and mental health are\nreviewed in shared decision making.\n";

const CLEAN: &str = include_str!("../fixtures/examples/hip-knee-oa-clean.pathway");

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn files_checked(o: &Output) -> u64 {
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)));
    doc["summary"]["files"].as_u64().unwrap()
}

/// policies/ with a clean pathway, a Markdown policy and a Word policy.
fn mixed_folder(dir: &Path) {
    std::fs::create_dir(dir.join("policies")).unwrap();
    std::fs::write(dir.join("policies/hip.pathway"), CLEAN).unwrap();
    std::fs::write(dir.join("policies/knee.md"), POLICY).unwrap();
    std::fs::write(
        dir.join("policies/hip.docx"),
        docx(&["Patients with a BMI over 40 will not be referred for surgery."]),
    )
    .unwrap();
}

#[test]
fn a_search_that_passes_over_policies_says_so_and_how_to_include_them() {
    let dir = tempfile::tempdir().unwrap();
    mixed_folder(dir.path());
    let out = msklint(&["check", "policies/"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("1 file checked"), "{}", stdout(&out));
    assert_eq!(
        stderr(&out).trim_end(),
        "note: skipped 2 policy documents (.docx, .md) in policies/; add --include '*.docx' \
         --include '*.md' or include: ['*.docx', '*.md'] in msklint.yaml to check them"
    );

    // Following the advice checks them; the findings decide the exit code.
    let out = msklint(
        &[
            "check",
            "--format",
            "json",
            "--include",
            "*.docx",
            "--include",
            "*.md",
            "policies/",
        ],
        dir.path(),
    );
    assert_eq!(files_checked(&out), 3);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "", "nothing left to mention");

    // Including one kind leaves a note about the other only.
    let out = msklint(&["check", "--include", "*.md", "policies/"], dir.path());
    assert!(
        stderr(&out).contains("note: skipped 1 policy document (.docx) in policies/;"),
        "{}",
        stderr(&out)
    );

    // report reads documents too, so it gives the same note.
    let out = msklint(&["report", "policies/"], dir.path());
    assert!(
        stderr(&out).contains("note: skipped 2 policy documents"),
        "{}",
        stderr(&out)
    );
}

/// A CI job may read only the structured output (SARIF uploaded to code
/// scanning, annotations, a JUnit dashboard): each says which documents
/// went unread, and the exit status is still the findings'.
#[test]
fn the_structured_formats_name_the_documents_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    mixed_folder(dir.path());
    let note = "skipped 2 policy documents (.docx, .md) in policies/";
    let run = |format: &str| {
        let out = msklint(&["check", "--format", format, "policies/"], dir.path());
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        stdout(&out)
    };

    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let skipped = &json["skipped_documents"];
    assert_eq!(skipped.as_array().map(Vec::len), Some(1), "{json:#}");
    assert_eq!(skipped[0]["folder"], "policies/");
    let mut documents: Vec<&str> = skipped[0]["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.as_str())
        .map(|d| d.rsplit(['/', '\\']).next().unwrap_or(d))
        .collect();
    documents.sort_unstable();
    assert_eq!(documents, ["hip.docx", "knee.md"]);
    assert!(skipped[0]["note"].as_str().unwrap().starts_with(note));
    assert!(json.get("not_checked").is_none(), "{json:#}");

    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true, "{invocation:#}");
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{invocation:#}");
    assert_eq!(notes[0]["level"], "note");
    assert!(notes[0]["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with(note));

    let github = run("github");
    let notices: Vec<&str> = github
        .lines()
        .filter(|l| l.starts_with("::notice"))
        .collect();
    assert_eq!(notices.len(), 1, "{github}");
    assert!(notices[0].contains(note), "{github}");

    let junit = run("junit");
    assert!(
        junit.contains("<skipped message=\"skipped 2 policy documents"),
        "{junit}"
    );
    assert!(junit.contains("failures=\"0\" errors=\"0\">"), "{junit}");

    // With everything included there is nothing to list.
    let out = msklint(
        &[
            "check",
            "--format",
            "json",
            "--include",
            "*.docx",
            "--include",
            "*.md",
            "policies/",
        ],
        dir.path(),
    );
    assert!(
        !stdout(&out).contains("skipped_documents"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_folder_of_only_policies_gets_the_hint_in_its_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(dir.path().join("policies/knee.md"), POLICY).unwrap();
    std::fs::write(dir.path().join("policies/hip.txt"), POLICY).unwrap();
    let out = msklint(&["check", "policies"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out).trim_end(),
        "error: policies: no .pathway files or diagrams (.mmd, .mermaid, .drawio, .bpmn, .pptx, .vsdx) \
         found in this directory; it holds 2 policy \
         documents (.md, .txt): add --include '*.md' --include '*.txt' or \
         include: ['*.md', '*.txt'] in msklint.yaml to check them"
    );

    // graph and score read pathways only: they say so instead.
    let out = msklint(&["score", "policies"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("it holds 2 policy documents (.md, .txt), which graph and score do not read"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn readme_licence_and_changelog_are_not_counted_as_policies() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "README.md",
        "readme.txt",
        "LICENSE.txt",
        "LICENSE-MIT.md",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        "code-of-conduct.md",
        "notes.yaml",
    ] {
        std::fs::write(dir.path().join(name), "Smokers will not be listed.\n").unwrap();
    }
    std::fs::write(dir.path().join("hip.pathway"), CLEAN).unwrap();
    let out = msklint(&["check", "."], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "", "no note for a repository's paperwork");

    std::fs::write(dir.path().join("README-policy.md"), POLICY).unwrap();
    let out = msklint(&["check", "."], dir.path());
    assert!(
        stderr(&out).contains("skipped 1 policy document (.md) in ."),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_missing_path_prints_no_clean_summary() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["human", "concise"] {
        let out = msklint(
            &["check", "--format", format, "missing.pathway"],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stdout(&out), "", "{format}");
        assert_eq!(
            stderr(&out).trim_end(),
            "error: missing.pathway: no such file or directory"
        );
    }
    // A file that was checked still gets its summary beside the error.
    std::fs::write(dir.path().join("hip.pathway"), CLEAN).unwrap();
    let out = msklint(&["check", "hip.pathway", "missing.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("1 file checked"));
}

#[test]
fn respect_include_filters_named_files_as_a_search_would() {
    let dir = tempfile::tempdir().unwrap();
    mixed_folder(dir.path());
    std::fs::write(
        dir.path().join("README.md"),
        "Smokers will not be listed.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "include: ['policies/*.md']\n",
    )
    .unwrap();
    let named = [
        "README.md",
        "policies/hip.pathway",
        "policies/knee.md",
        "policies/hip.docx",
    ];
    let mut args = vec!["check", "--format", "json", "--respect-include"];
    args.extend(named);
    let out = msklint(&args, dir.path());
    // The pathway and the included policy; README and the Word file are not.
    assert_eq!(files_checked(&out), 2);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out).trim_end(),
        "note: skipped 1 policy document (.docx) named on the command line; add \
         --include '*.docx' or include: ['*.docx'] in msklint.yaml to check them"
    );

    // Without the flag every named file is checked.
    let mut args = vec!["check", "--format", "json"];
    args.extend(named);
    assert_eq!(files_checked(&msklint(&args, dir.path())), 4);

    // Nothing left to check is not a failure: a commit touching only the
    // README must pass the hook.
    let out = msklint(&["check", "--respect-include", "README.md"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// The text between "```yaml\n# msklint.yaml" and the closing fence in
/// docs/ci.md: the configuration the CI recipes rely on.
fn ci_config() -> String {
    let ci = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let start = ci
        .find("```yaml\n# msklint.yaml")
        .expect("docs/ci.md shows the msklint.yaml its recipes rely on");
    let body = &ci[start + "```yaml\n".len()..];
    body[..body.find("```").unwrap()].to_string()
}

/// A repository laid out as docs/ci.md describes, with the policies in
/// Markdown, plain text and Word, and a README that is not a policy.
fn ci_repository(dir: &Path) {
    std::fs::write(dir.join("msklint.yaml"), ci_config()).unwrap();
    std::fs::create_dir_all(dir.join("policies/msk")).unwrap();
    std::fs::write(dir.join("policies/hip.pathway"), CLEAN).unwrap();
    std::fs::write(dir.join("policies/msk/knee.md"), POLICY).unwrap();
    std::fs::write(dir.join("policies/back.txt"), POLICY).unwrap();
    std::fs::write(
        dir.join("policies/msk/hip.docx"),
        docx(&["Patients with a BMI over 40 will not be referred for surgery."]),
    )
    .unwrap();
    std::fs::write(dir.join("README.md"), "Smokers will not be listed.\n").unwrap();
}

/// The paths the CI commands in docs/ci.md and action.yml check.
#[test]
fn ci_recipes_check_every_policy_msklint_yaml_includes() {
    let dir = tempfile::tempdir().unwrap();
    ci_repository(dir.path());
    let ci = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    for command in [
        "msklint check --format github .",
        "msklint check --format junit . > msklint-junit.xml",
    ] {
        assert!(
            ci.contains(command),
            "docs/ci.md no longer runs `{command}`"
        );
    }
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert!(
        action.contains("default: \".\""),
        "action.yml checks `.` by default"
    );

    let out = msklint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(files_checked(&out), 4, "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "");
}

/// pre-commit runs `entry` with the staged files that match `files`.
#[test]
fn pre_commit_hook_checks_staged_policies_that_msklint_yaml_includes() {
    let hooks: serde_json::Value = serde_norway::from_str(
        &std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let hook = &hooks[0];
    let pattern = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(entry[..2], ["msklint", "check"]);

    let dir = tempfile::tempdir().unwrap();
    ci_repository(dir.path());
    let staged = [
        "README.md",
        "msklint.yaml",
        "policies/hip.pathway",
        "policies/msk/knee.md",
        "policies/back.txt",
        "policies/msk/hip.docx",
    ];
    let mut args: Vec<&str> = entry[1..].to_vec();
    args.extend(["--format", "json"]);
    args.extend(staged.iter().filter(|f| pattern.is_match(f)));
    let out = msklint(&args, dir.path());
    assert_eq!(files_checked(&out), 4, "{args:?}: {}", stderr(&out));
    assert_eq!(out.status.code(), Some(1));

    // A commit that stages only the README runs the hook, which passes.
    assert!(pattern.is_match("README.md"));
    let mut args: Vec<&str> = entry[1..].to_vec();
    args.push("README.md");
    assert_eq!(msklint(&args, dir.path()).status.code(), Some(0));
}

/// Office and phone exports name files in capitals (`POLICY.MD`,
/// `Hip.DOCX`): `*.md` and `*.docx` take them, with no note of skipping.
#[test]
fn include_patterns_match_names_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("POLICY.MD"), POLICY).unwrap();
    std::fs::write(
        dir.path().join("Hip.DOCX"),
        docx(&["Patients with a BMI over 40 will not be referred for surgery."]),
    )
    .unwrap();
    let out = msklint(
        &[
            "check",
            "--format",
            "json",
            "--include",
            "*.md",
            "--include",
            "*.docx",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(files_checked(&out), 2, "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "nothing left to mention");
    assert_eq!(out.status.code(), Some(1));
}

/// The note suggests each glob once, in lower case: `*.md` takes
/// `policy.MD` as well as `x.md` (globs ignore case), so `*.MD` beside it
/// would say the same thing twice.
#[test]
fn the_note_suggests_each_pattern_once_whatever_the_case() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.MD"), POLICY).unwrap();
    std::fs::write(dir.path().join("x.md"), POLICY).unwrap();
    std::fs::write(
        dir.path().join("p.pathway"),
        "pathway \"x\" {\n  entry gp: \"GP\" { kind: gp }\n}\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "concise", "."], dir.path());
    assert_eq!(
        stderr(&out),
        "note: skipped 2 policy documents (.md) in .; add --include '*.md' or include: ['*.md'] in msklint.yaml to check them\n"
    );
}

/// A pathway Notepad saved as `hips.pathway.txt` is checked by a folder
/// search as the pathway it holds, as docs/ci.md says; a plain `notes.txt`
/// beside it is still only mentioned.
#[test]
fn a_pathway_saved_as_pathway_txt_is_found_by_a_folder_search() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("pathways")).unwrap();
    std::fs::write(
        dir.path().join("pathways/hips.pathway.txt"),
        "pathway \"x\" {\r\n  entry gp: \"GP\" { requires: smoking == false }\r\n}\r\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("pathways/notes.txt"), POLICY).unwrap();
    let out = msklint(&["check", "--format", "json", "pathways"], dir.path());
    assert_eq!(files_checked(&out), 1, "{}", stdout(&out));
    assert!(
        stdout(&out).contains("smoking-restriction"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("skipped 1 policy document (.txt)"),
        "{}",
        stderr(&out)
    );
}

/// An include glob takes policies, not the repository's own paperwork:
/// `*.md` and `policies/**/*.md` leave README and CONTRIBUTING alone, as
/// docs/ci.md promises; a glob naming the file itself still takes it.
#[test]
fn include_globs_leave_readme_and_contributing_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    for name in ["README.md", "CONTRIBUTING.md", "policies/README.md"] {
        std::fs::write(dir.path().join(name), "Smokers will not be listed.\n").unwrap();
    }
    std::fs::write(dir.path().join("policies/knee.md"), POLICY).unwrap();
    for glob in ["*.md", "policies/**/*.md"] {
        let out = msklint(
            &["check", "--format", "json", "--include", glob, "."],
            dir.path(),
        );
        assert_eq!(files_checked(&out), 1, "{glob}: {}", stdout(&out));
        assert!(!stdout(&out).contains("README"), "{glob}: {}", stdout(&out));
        assert!(
            !stdout(&out).contains("CONTRIBUTING"),
            "{glob}: {}",
            stdout(&out)
        );
    }
    let out = msklint(
        &[
            "check",
            "--format",
            "json",
            "--include",
            "policies/README.md",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(files_checked(&out), 1, "{}", stdout(&out));
    assert!(
        stdout(&out).contains("policies/README.md"),
        "{}",
        stdout(&out)
    );
    // The pre-commit hook passes a staged README: it is left alone.
    let out = msklint(
        &[
            "check",
            "--format",
            "json",
            "--respect-include",
            "--include",
            "*.md",
            "README.md",
        ],
        dir.path(),
    );
    assert!(
        !stdout(&out).contains("smoking-restriction"),
        "{}",
        stdout(&out)
    );
    // Named on the command line without the filter, it is checked.
    let out = msklint(&["check", "--format", "json", "README.md"], dir.path());
    assert!(
        stdout(&out).contains("smoking-restriction"),
        "{}",
        stdout(&out)
    );
}

/// A folder of old Word, OpenDocument and Rich Text policies: no include
/// would take them, as msklint cannot read them, but a search that passed
/// them over in silence would let a CI job report a clean folder of
/// policies it never read. Web pages and pictures are not counted.
#[test]
fn documents_msklint_cannot_read_are_named_not_skipped_in_silence() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("policies");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("hip.pathway"), CLEAN).unwrap();
    std::fs::write(folder.join("knee.DOC"), "old Word bytes").unwrap();
    std::fs::write(folder.join("spine.rtf"), "{\\rtf1 text}").unwrap();
    std::fs::write(folder.join("LICENSE.rtf"), "{\\rtf1 text}").unwrap();
    std::fs::write(folder.join("site.html"), "<p>a page</p>").unwrap();
    std::fs::write(folder.join("logo.png"), "not a picture").unwrap();

    let out = msklint(&["check", "policies"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).trim_end(),
        "note: passed over 2 documents msklint does not read (.DOC, .rtf) in policies; \
         save each as a Word document (.docx), PDF or plain text (.txt) to check it \
         (`msklint check FILE` says what a file is)"
    );

    let out = msklint(&["check", "--format", "json", "policies"], dir.path());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entry = &doc["skipped_documents"][0];
    assert_eq!(entry["folder"], "policies", "{doc}");
    assert_eq!(entry["documents"], serde_json::json!([]), "{doc}");
    let unreadable: Vec<&str> = entry["unreadable_documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(unreadable.len(), 2, "{doc}");
    assert!(unreadable[0].ends_with("knee.DOC") && unreadable[1].ends_with("spine.rtf"));

    // Alone in a folder, they are named in its error.
    std::fs::remove_file(folder.join("hip.pathway")).unwrap();
    let out = msklint(&["check", "policies"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("it holds 2 documents msklint does not read (.DOC, .rtf): save each"),
        "{}",
        stderr(&out)
    );
    // graph reads pathways only, so it does not send people to convert them.
    let out = msklint(&["graph", "policies"], dir.path());
    assert!(!stderr(&out).contains("does not read"), "{}", stderr(&out));
}

fn files_named(o: &Output) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)));
    let mut paths: Vec<String> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().replace('\\', "/"))
        .collect();
    paths.dedup();
    paths
}

/// Drafts and archived policies kept beside the live ones: `exclude:` in
/// msklint.yaml, or `--exclude`, leaves them out of every folder search
/// (folders by name at any depth, or by path from msklint.yaml's folder),
/// without a note, and `--respect-include` leaves out a named file in
/// them as a search would. A file named without it is still checked.
#[test]
fn exclude_leaves_out_drafts_and_archives() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for folder in ["policies/archive", "policies/live", "drafts"] {
        std::fs::create_dir_all(p.join(folder)).unwrap();
    }
    let example =
        std::fs::read_to_string(root().join("fixtures/examples/hip-knee-oa.pathway")).unwrap();
    for file in [
        "policies/live/hip.pathway",
        "policies/archive/hip.pathway",
        "drafts/hip.pathway",
    ] {
        std::fs::write(p.join(file), &example).unwrap();
    }
    std::fs::write(p.join("policies/archive/knee.md"), POLICY).unwrap();
    std::fs::write(p.join("policies/live/knee.md"), POLICY).unwrap();
    std::fs::write(
        p.join("msklint.yaml"),
        "include: ['*.md']\nexclude: [policies/archive]\n",
    )
    .unwrap();

    let json = |args: &[&str], at: &Path| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        msklint(&all, at)
    };
    let out = json(&["."], p);
    assert_eq!(
        files_named(&out),
        [
            "./drafts/hip.pathway",
            "./policies/live/hip.pathway",
            "./policies/live/knee.md"
        ]
    );
    assert!(!stderr(&out).contains("archive"), "{}", stderr(&out));
    // Searched from inside a subfolder, the path still counts from msklint.yaml.
    let out = json(&["."], &p.join("policies"));
    assert_eq!(files_checked(&out), 2, "{}", stdout(&out));
    // A bare name matches a folder at any depth; flags add to the file.
    let out = json(&["--exclude", "DRAFTS", "--exclude", "*.md", "."], p);
    assert_eq!(files_named(&out), ["./policies/live/hip.pathway"]);
    // graph and score read pathways only, and leave out the same folders.
    let out = msklint(&["score", "--format", "json", "."], p);
    let score = String::from_utf8_lossy(&out.stdout);
    assert!(!score.contains("archive"), "{score}");
    assert!(score.contains("live"), "{score}");
    // Named: checked, unless a pre-commit hook asks for a search's choice.
    let out = json(&["policies/archive/hip.pathway"], p);
    assert_eq!(files_checked(&out), 1);
    let out = json(&["--respect-include", "policies/archive/hip.pathway"], p);
    assert_eq!(files_checked(&out), 0);
    // --show-files lists what a check would read, and checks nothing.
    let out = msklint(&["check", "--show-files", "--exclude", "drafts", "."], p);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        stdout(&out).replace('\\', "/"),
        "./policies/live/hip.pathway\n./policies/live/knee.md\n"
    );
    // A pattern that cannot be read is a configuration error.
    let out = json(&["--exclude", "[", "."], p);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid exclude pattern `[`"),
        "{}",
        stderr(&out)
    );
}
