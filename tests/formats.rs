//! The CI output formats: SARIF against the official 2.1.0 schema,
//! GitHub and concise output with characters that need escaping, JUnit,
//! and baselines that survive edits elsewhere in a file.

mod common;

use common::{msklint, root};

/// A pathway with no exit, so the awkward test rule fires once, plus the
/// example's BMI threshold.
const AWKWARD: &str = "pathway \"Comma, colon: 100%\" {\n  inequalities: \"x\"\n  entry gp: \"GP\" { kind: gp }\n  service s: \"S\" { kind: community  requires: bmi < 40 }\n  gp -> s\n}\n";

fn run_awkward(format: &str) -> String {
    run_awkward_with(format, &[])
}

fn run_awkward_with(format: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p, q: 1%.pathway"), AWKWARD).unwrap();
    let rules = root().join("tests/data/awkward-rules");
    let config = root().join("tests/data/only-two-rules.yaml");
    let mut args = vec![
        "check",
        "--format",
        format,
        "--rules-dir",
        rules.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    args.push(".");
    let out = msklint(&args, dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn github_commands_escape_messages_and_properties() {
    let text = run_awkward("github");
    insta::assert_snapshot!(text);
    for line in text.lines() {
        assert!(
            line.starts_with("::error ") || line.starts_with("::warning "),
            "{line}"
        );
        let (props, _message) = line.split_once("::").unwrap().1.split_once("::").unwrap();
        // every property value is free of raw separators
        for kv in props.split_once(' ').unwrap().1.split(',') {
            let (_, v) = kv.split_once('=').unwrap();
            assert!(!v.contains(':') && !v.contains('\n'), "{kv}");
        }
    }
}

#[test]
fn concise_is_one_line_per_finding() {
    let text = run_awkward("concise");
    insta::assert_snapshot!(text);
    assert_eq!(text.lines().count(), 3, "two findings and the summary");
}

/// A line break in a file name split a concise finding over two lines,
/// the second reading as a finding of a file called `b.pathway`. The name
/// is now written out on its line; GitHub's commands already escaped it
/// (`%0A`), and still do.
#[cfg(unix)]
#[test]
fn a_line_break_in_a_file_name_keeps_one_line_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a\nb.pathway"), AWKWARD).unwrap();
    let run = |format: &str| {
        let out = msklint(&["check", "--format", format, "."], dir.path());
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let concise = run("concise");
    let lines: Vec<&str> = concise.lines().collect();
    let (summary, findings) = lines.split_last().unwrap();
    assert!(!findings.is_empty(), "{concise}");
    for line in findings {
        assert!(line.starts_with("./a\\u{a}b.pathway:"), "{concise}");
    }
    assert!(summary.starts_with("1 file checked"), "{concise}");
    let github = run("github");
    assert_eq!(github.lines().count(), findings.len(), "{github}");
    for line in github.lines() {
        assert!(
            line.starts_with("::") && line.contains("file=a%0Ab.pathway,"),
            "{github}"
        );
    }
}

#[test]
fn junit_is_escaped_xml() {
    let text = run_awkward("junit");
    insta::assert_snapshot!(text);
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert_eq!(text.matches("<testcase ").count(), 2);
}

#[test]
fn junit_fails_warnings_only_with_deny_warnings() {
    // The run fails on the BMI error alone (exit 1 either way); the warning
    // fails it only with --deny-warnings, and JUnit says the same.
    let text = run_awkward("junit");
    assert_eq!(text.matches("<failure ").count(), 1, "{text}");
    assert!(text.contains("failures=\"1\""), "{text}");
    assert!(text.contains("<system-out>./p, q: 1%.pathway:1:1: warning[awkward-message]"));
    let denied = run_awkward_with("junit", &["--deny-warnings"]);
    assert_eq!(denied.matches("<failure ").count(), 2, "{denied}");
    assert!(denied.contains("<failure type=\"warning\""));
}

fn bad_configuration_sarif() -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("msklint.yaml"), "sevrity: high\n").unwrap();
    std::fs::write(dir.path().join("p.pathway"), AWKWARD).unwrap();
    let out = msklint(&["check", "--format", "sarif", "."], dir.path());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let mut schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    // The official file has a malformed `pattern` (a stray `]`, on the
    // `language` properties, which msklint never emits) that the validator
    // refuses to compile. Repair it in memory so the file stays as published.
    fn repair(v: &mut serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(map) => {
                let mut n = 0;
                if map.get("pattern").and_then(|p| p.as_str())
                    == Some("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$")
                {
                    map.insert(
                        "pattern".into(),
                        serde_json::json!("^[a-zA-Z]{2}(-[a-zA-Z]{2})?$"),
                    );
                    n += 1;
                }
                n + map.values_mut().map(repair).sum::<usize>()
            }
            serde_json::Value::Array(items) => items.iter_mut().map(repair).sum(),
            _ => 0,
        }
    }
    assert!(repair(&mut schema) >= 1);
    let validator = jsonschema::validator_for(&schema).unwrap();
    for text in [
        run_awkward("sarif"),
        String::from_utf8(msklint(&["check", "--format", "sarif", "fixtures/"], &root()).stdout)
            .unwrap(),
        // Policy documents: findings point at sentences in Markdown.
        String::from_utf8(
            msklint(
                &[
                    "check",
                    "--format",
                    "sarif",
                    "--include",
                    "*.md",
                    "fixtures/examples/",
                    "fixtures/prose/documents/holdout-policy.md",
                ],
                &root(),
            )
            .stdout,
        )
        .unwrap(),
        // A msklint.yaml that does not load: its problem is the result.
        bad_configuration_sarif(),
    ] {
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let run = &doc["runs"][0];
        if run["invocations"][0]["executionSuccessful"] == false {
            continue;
        }
        assert!(run["tool"]["driver"]["rules"].as_array().unwrap().len() >= 43);
        for result in run["results"].as_array().unwrap() {
            assert!(result["partialFingerprints"]["msklint/v1"].is_string());
            let region = &result["locations"][0]["physicalLocation"]["region"];
            assert!(region["startLine"].as_u64().unwrap() >= 1);
            let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap();
            assert!(!uri.starts_with('/') && !uri.starts_with("./"), "{uri}");
        }
        for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
            for key in ["shortDescription", "fullDescription", "help"] {
                assert!(!rule[key]["text"].as_str().unwrap().is_empty());
            }
            // msklint's own rules link to their section of docs/rules.md;
            // a rule from the user's folder is not there, so it has no link.
            if rule["id"] == "awkward-message" {
                assert!(rule.get("helpUri").is_none(), "{rule}");
            } else {
                assert!(rule["helpUri"].as_str().unwrap().contains("docs/rules.md#"));
            }
        }
    }
}

#[test]
fn baseline_hides_known_findings_and_survives_edits_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let example =
        std::fs::read_to_string(root().join("fixtures/examples/hip-knee-oa.pathway")).unwrap();
    std::fs::write(dir.path().join("p.pathway"), &example).unwrap();
    let write = msklint(
        &["check", "--write-baseline", "baseline.json", "p.pathway"],
        dir.path(),
    );
    assert_eq!(write.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&write.stderr).contains("recorded 3 findings"));

    // Lines move: a comment block at the top and a new node in the middle.
    let moved = format!(
        "# new header\n# more\n\n{}",
        example.replace(
            "  exit home:",
            "  service extra: \"Extra\" { kind: community }\n  exit home:"
        )
    )
    .replace(
        "  gp -> fcp\n",
        "  gp -> fcp\n  fcp -> extra\n  extra -> home\n",
    );
    std::fs::write(dir.path().join("p.pathway"), &moved).unwrap();
    let out = msklint(
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            "p.pathway",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 findings already in the baseline"));

    // A new fault is still reported and fails the run.
    let worse = moved.replace(
        "  fcp -> extra\n",
        "  fcp -> extra requires smoker == false\n",
    );
    std::fs::write(dir.path().join("p.pathway"), &worse).unwrap();
    let out = msklint(
        &[
            "check",
            "--format",
            "concise",
            "--baseline",
            "baseline.json",
            "p.pathway",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().filter(|l| l.contains("error[")).count(),
        1,
        "{text}"
    );
    assert!(text.contains("smoking-restriction"), "{text}");

    let bad = msklint(
        &["check", "--baseline", "missing.json", "p.pathway"],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
}

/// A baseline written for an accepted policy hid a new policy's findings
/// when the new file sorted first, and reported the accepted one instead;
/// findings are now matched file by file, from the baseline's folder, so
/// the same baseline works when run from elsewhere.
#[test]
fn baseline_findings_belong_to_their_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "# Policy\n\nSmokers will not be listed for hip replacement.\n";
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(dir.path().join("policies/old.md"), policy).unwrap();
    let write = msklint(
        &[
            "check",
            "--write-baseline",
            "policies/baseline.json",
            "policies/old.md",
        ],
        dir.path(),
    );
    assert_eq!(write.status.code(), Some(0));
    let saved = std::fs::read_to_string(dir.path().join("policies/baseline.json")).unwrap();
    assert!(saved.contains("\"old.md\""), "{saved}");

    std::fs::write(dir.path().join("policies/a-new.md"), policy).unwrap();
    let out = msklint(
        &[
            "check",
            "--no-cache",
            "--format",
            "concise",
            "--baseline",
            "baseline.json",
            "a-new.md",
            "old.md",
        ],
        &dir.path().join("policies"),
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("a-new.md:3:1: error[smoking-restriction]"),
        "{text}"
    );
    assert!(!text.contains("old.md:"), "{text}");
}

/// A syntax or encoding error is never recorded in a baseline (nor hidden
/// by one written by hand; see the unit test in src/baseline.rs): hidden,
/// the broken file would look clean while nothing in it was checked.
#[test]
fn baseline_never_hides_syntax_or_encoding_errors() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "pathway \"P\" {\n  entry gp: \"GP\"\n  servce fcp: \"FCP\"\n}\n";
    std::fs::write(dir.path().join("p.pathway"), broken).unwrap();
    std::fs::write(dir.path().join("q.pathway"), b"pathway \"Q\" {\xff}\n").unwrap();
    let write = msklint(
        &[
            "check",
            "--write-baseline",
            "baseline.json",
            "p.pathway",
            "q.pathway",
        ],
        dir.path(),
    );
    assert_eq!(write.status.code(), Some(0));
    let recorded = std::fs::read_to_string(dir.path().join("baseline.json")).unwrap();
    let said = String::from_utf8_lossy(&write.stderr);
    assert!(said.contains("recorded 0 findings from 2 files"), "{said}");
    // Each is named as it is left out, not first met at the next run.
    assert!(
        said.contains("warning: p.pathway:3:3: syntax-error not recorded"),
        "{said}"
    );
    assert!(said.contains("warning: q.pathway:1:"), "{said}");
    assert!(said.contains("invalid-encoding not recorded"), "{said}");

    assert_eq!(recorded, "{\n  \"version\": 2\n}\n");
    let out = msklint(
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "baseline.json",
            "p.pathway",
            "q.pathway",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let kept: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kept: Vec<&str> = kept["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(kept.contains(&"syntax-error"), "{kept:?}");
    assert!(kept.contains(&"invalid-encoding"), "{kept:?}");
}

/// `--rules-table` moves each rule's help and sources into one `rules`
/// object: filling them back into the findings gives the default document
/// exactly, over pathways, a policy and a diagram together.
#[test]
fn json_rules_table_holds_what_it_takes_off_the_findings() {
    let paths = [
        "--no-cache",
        "fixtures/examples/",
        "fixtures/examples/hip-knee-policy.md",
        "fixtures/import/hip-knee-oa.drawio",
    ];
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&paths);
        let out = msklint(&args, &root());
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let plain = run(&[]);
    let mut tabled = run(&["--rules-table"]);
    assert!(plain.get("rules").is_none());
    let table = tabled["rules"].as_object().unwrap().clone();
    let mut taken = 0;
    for d in tabled["diagnostics"].as_array_mut().unwrap() {
        let entry = &table[d["rule"].as_str().unwrap()];
        assert_eq!(entry["code"], d["code"]);
        let d = d.as_object_mut().unwrap();
        for key in ["help", "sources"] {
            if !d.contains_key(key) {
                d.insert(key.to_string(), entry[key].clone());
                taken += 1;
            }
        }
    }
    tabled.as_object_mut().unwrap().remove("rules");
    assert_eq!(tabled, plain);
    let findings = plain["diagnostics"].as_array().unwrap().len();
    assert!(
        findings > 20 && taken > findings,
        "{findings} findings, {taken} fields taken"
    );
    let rules: Vec<&str> = plain["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(table.keys().all(|k| rules.contains(&k.as_str())));
    // It only shapes JSON.
    let out = msklint(&["check", "--rules-table", "fixtures/examples/"], &root());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--format json"));
}

/// Each `msklint check` command docs/json.md shows, followed by a JSON
/// block, prints exactly that block: the reference shows real output.
#[test]
fn json_reference_examples_are_real_output() {
    let doc = std::fs::read_to_string(root().join("docs/json.md")).unwrap();
    let mut shown = 0;
    let mut rest = doc.as_str();
    while let Some(at) = rest.find("```sh\nmsklint check") {
        rest = &rest[at + "```sh\n".len()..];
        let command = rest.lines().next().unwrap();
        let after = &rest[command.len()..];
        let Some(body) = after.strip_prefix("\n```\n\n```json\n") else {
            continue;
        };
        let expected = &body[..body.find("```").unwrap()];
        let mut args: Vec<&str> = command.split_whitespace().skip(1).collect();
        args.insert(1, "--no-cache");
        let out = msklint(&args, &root());
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{command}");
        shown += 1;
    }
    assert_eq!(
        shown, 4,
        "the default document, the rules table, paths not checked and documents passed over"
    );
}

/// `--write-baseline` naming a file being checked (named, or found in a
/// folder) is refused before anything is written: it would replace the
/// pathway with the baseline.
#[test]
fn write_baseline_never_replaces_a_file_being_checked() {
    let dir = tempfile::tempdir().unwrap();
    let example =
        std::fs::read_to_string(root().join("fixtures/examples/hip-knee-oa.pathway")).unwrap();
    std::fs::create_dir(dir.path().join("proj")).unwrap();
    std::fs::write(dir.path().join("proj/p.pathway"), &example).unwrap();
    for args in [
        &[
            "check",
            "--write-baseline",
            "proj/p.pathway",
            "proj/p.pathway",
        ][..],
        &["check", "--write-baseline", "./proj/p.pathway", "proj"][..],
    ] {
        let out = msklint(args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("one of the files being read"), "{err}");
        assert!(err.contains("--write-baseline"), "{err}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("proj/p.pathway")).unwrap(),
            example
        );
    }
    // A folder named as the baseline is a folder, not a file being read.
    let out = msklint(&["check", "--write-baseline", "proj", "proj"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("this is a folder"), "{err}");
    assert!(err.contains("msklint-baseline.json"), "{err}");
}

/// A configuration found by searching upwards is named from the current
/// folder, as the files checked are, in every format (JUnit gave its
/// absolute path).
#[test]
fn a_found_configuration_is_named_from_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  dead-end: loud\n",
    )
    .unwrap();
    let example =
        std::fs::read_to_string(root().join("fixtures/examples/hip-knee-oa.pathway")).unwrap();
    std::fs::write(dir.path().join("p.pathway"), example).unwrap();
    for format in ["junit", "json", "sarif"] {
        let out = msklint(&["check", "--format", format, "."], dir.path());
        assert_eq!(out.status.code(), Some(2), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("msklint.yaml"), "{format}: {text}");
        let absolute = dir.path().canonicalize().unwrap().display().to_string();
        assert!(!text.contains(&absolute), "{format}: {text}");
    }
}

/// A JUnit case holding several findings of one rule quotes, in its
/// `message`, the first one its body lists.
#[test]
fn junit_message_is_the_first_finding_of_the_case() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("w.pathway"),
        "pathway \"W\" {\n  entry gp: \"GP\" { kind: gp }\n  entry self: \"Self\" { kind: self_referral }\n}\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args([
            "check",
            "--no-config",
            "--format",
            "junit",
            "--deny-warnings",
            "w.pathway",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let case = text
        .split("<testcase ")
        .find(|c| c.contains("name=\"dead-end\""))
        .unwrap();
    assert!(
        case.contains("message=\"`gp` (GP) has no route onward"),
        "{case}"
    );
    let body = case.split('>').nth(2).unwrap();
    assert!(body.starts_with("w.pathway:2:"), "{case}");
}

/// GitHub places annotations and code-scanning results by the path from
/// the repository root, so a run from a subfolder (a workflow step with
/// `working-directory:`) names files from the root in those two formats,
/// and as given everywhere else.
#[test]
fn github_and_sarif_name_files_from_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).unwrap();
    std::fs::write(
        policies.join("p.md"),
        "Smokers will not be referred for surgery.\n",
    )
    .unwrap();
    let run = |format: &str, workspace: Option<&std::path::Path>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_msklint"));
        command
            .args(["check", "--format", format, "--include", "*.md", "."])
            .current_dir(&policies)
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_WORKSPACE");
        if let Some(workspace) = workspace {
            command.env("GITHUB_WORKSPACE", workspace);
        }
        let out = command.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let github = run("github", None);
    assert!(
        github.contains("::error file=policies/p.md,line=1,"),
        "{github}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif", None)).unwrap();
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"];
    assert_eq!(uri, "policies/p.md");
    let json: serde_json::Value = serde_json::from_str(&run("json", None)).unwrap();
    assert_eq!(json["diagnostics"][0]["path"], "./p.md");
    // The runner's own root wins over the folder holding `.git`.
    let github = run("github", Some(&policies));
    assert!(github.contains("::error file=p.md,line=1,"), "{github}");
}

/// A file name that is not UTF-8 was written into SARIF's URI as the
/// U+FFFD it is shown with (`%EF%BF%BD`), naming no file in the
/// repository. Its own bytes are written now, checked afresh and again
/// from the result cache.
#[cfg(unix)]
#[test]
fn sarif_writes_the_bytes_of_a_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"p\xff q.md");
    std::fs::write(
        dir.path().join(name),
        "Smokers will not be referred for surgery.\n",
    )
    .unwrap();
    for run in ["fresh", "cached"] {
        let out = msklint(
            &["check", "--format", "sarif", "--include", "*.md", "."],
            dir.path(),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{run}: {stderr}");
        let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        assert!(!results.is_empty(), "{run}");
        for r in results {
            let uri = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
            assert_eq!(uri, "p%FF%20q.md", "{run}");
        }
    }
}

/// A pathway whose node sets a BMI limit: one `bmi-threshold` error.
const BMI_LIMIT: &str = "pathway \"Knee\" {\n  entry gp: \"GP practice\" { kind: gp }\n  service hip: \"Hip surgery\" {\n    kind: secondary  offers: [surgery]\n    max_bmi: 40\n  }\n  exit home: \"Home\"\n  gp -> hip\n  hip -> home\n}\n";

/// A folder holding a pathway whose name is not UTF-8, a pathway named
/// with a `%` (which stays as it is), and a folder whose name is not
/// UTF-8 with a policy document a search passes over; the paths to name
/// besides, one of them missing. JSON, GitHub, JUnit and concise output
/// once wrote U+FFFD for the bad bytes, and SARIF's notices too.
#[cfg(unix)]
fn names_not_utf8() -> (tempfile::TempDir, Vec<&'static [u8]>) {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let at = |bytes: &[u8]| dir.path().join(std::ffi::OsStr::from_bytes(bytes));
    std::fs::create_dir(at(b"d")).unwrap();
    std::fs::write(at(b"d/bad\xffname.pathway"), BMI_LIMIT).unwrap();
    std::fs::write(at(b"d/100%ok.pathway"), BMI_LIMIT).unwrap();
    std::fs::create_dir(at(b"docs\xfc")).unwrap();
    std::fs::write(at(b"docs\xfc/p.pathway"), BMI_LIMIT).unwrap();
    std::fs::write(at(b"docs\xfc/knee.md"), "Smokers are not referred.\n").unwrap();
    let paths: Vec<&'static [u8]> = vec![b"d", b"docs\xfc", b"miss\xfa.pathway"];
    (dir, paths)
}

/// Runs `msklint check --format FORMAT` on [`names_not_utf8`]'s paths.
#[cfg(unix)]
fn run_not_utf8(dir: &std::path::Path, paths: &[&[u8]], format: &str, extra: &[&str]) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_msklint"));
    command
        .args(["check", "--format", format])
        .args(extra)
        .args(paths.iter().map(|p| std::ffi::OsStr::from_bytes(p)))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_WORKSPACE")
        .env("MSKLINT_CACHE_DIR", common::cache_dir());
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The missing path makes the run exit 2.
    assert_eq!(out.status.code(), Some(2), "{format}: {stderr}");
    // The output is text, with no byte lost to U+FFFD.
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{fffd}'), "{format}: {text}");
    text
}

/// Each byte of a file name that is not UTF-8 is written `%FF` (and a `%`
/// of that name `%25`) in every structured format, in findings, paths not
/// checked and documents passed over, checked afresh and from the result
/// cache; a name that is UTF-8 is written as it is, `%` and all.
#[cfg(unix)]
#[test]
fn a_name_that_is_not_utf8_is_spelled_alike_in_every_structured_format() {
    let (dir, paths) = names_not_utf8();
    for extra in [&["--no-cache"][..], &[], &[], &["--rules-table"]] {
        let json: serde_json::Value =
            serde_json::from_str(&run_not_utf8(dir.path(), &paths, "json", extra)).unwrap();
        let bmi = |path: &str| {
            json["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["path"] == path && d["rule"] == "bmi-threshold")
                .count()
        };
        assert_eq!(bmi("d/bad%FFname.pathway"), 1, "{extra:?}: {json}");
        assert_eq!(bmi("d/100%ok.pathway"), 1, "{extra:?}: {json}");
        assert_eq!(bmi("docs%FC/p.pathway"), 1, "{extra:?}: {json}");
        assert_eq!(json["not_checked"][0]["path"], "miss%FA.pathway", "{json}");
        let skipped = &json["skipped_documents"][0];
        assert_eq!(skipped["folder"], "docs%FC", "{json}");
        assert_eq!(skipped["documents"][0], "docs%FC/knee.md", "{json}");
        assert!(skipped["note"].as_str().unwrap().contains(" in docs%FC;"));
    }

    let sarif: serde_json::Value =
        serde_json::from_str(&run_not_utf8(dir.path(), &paths, "sarif", &[])).unwrap();
    let run = &sarif["runs"][0];
    let uris: std::collections::BTreeSet<&str> = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains("d/bad%FFname.pathway"), "{uris:?}");
    assert!(uris.contains("d/100%25ok.pathway"), "{uris:?}");
    let notices = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let uri = |n: &serde_json::Value| {
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone()
    };
    assert_eq!(notices.len(), 2, "{notices:?}");
    assert_eq!(uri(&notices[0]), "miss%FA.pathway");
    assert_eq!(
        notices[0]["message"]["text"],
        "miss%FA.pathway: no such file or directory"
    );
    assert_eq!(uri(&notices[1]), "docs%FC");
    let note = notices[1]["message"]["text"].as_str().unwrap();
    assert!(note.contains(" in docs%FC;"), "{note}");

    // GitHub escapes `%` itself as `%25`, which the runner reads back.
    let github = run_not_utf8(dir.path(), &paths, "github", &[]);
    assert!(
        github.contains("::error file=d/bad%25FFname.pathway,line=5,"),
        "{github}"
    );
    assert!(
        github.contains("::error file=d/100%25ok.pathway,line=5,"),
        "{github}"
    );
    assert!(
        github.contains("::error file=miss%25FA.pathway,title="),
        "{github}"
    );
    assert!(github.contains(" in docs%25FC;"), "{github}");

    let junit = run_not_utf8(dir.path(), &paths, "junit", &[]);
    assert!(
        junit.contains("<testsuite name=\"d/bad%FFname.pathway\""),
        "{junit}"
    );
    assert!(
        junit.contains("d/bad%FFname.pathway:5:5: error[bmi-threshold]"),
        "{junit}"
    );
    assert!(
        junit.contains("<testsuite name=\"miss%FA.pathway\""),
        "{junit}"
    );
    assert!(junit.contains("<testsuite name=\"docs%FC\""), "{junit}");

    let concise = run_not_utf8(dir.path(), &paths, "concise", &[]);
    assert!(
        concise.contains("d/bad%FFname.pathway:5:5: error[bmi-threshold]"),
        "{concise}"
    );
    assert!(
        concise.contains("d/100%ok.pathway:5:5: error[bmi-threshold]"),
        "{concise}"
    );
}

/// Two names that are not UTF-8 but show alike (each bad byte as U+FFFD)
/// are two files: the result cache kept them under one key, so a re-run
/// could name one file's findings after the other.
#[cfg(unix)]
#[test]
fn names_that_show_alike_are_cached_apart() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    for name in [&b"a\xffb.pathway"[..], b"a\xfeb.pathway"] {
        std::fs::write(
            dir.path().join(std::ffi::OsStr::from_bytes(name)),
            BMI_LIMIT,
        )
        .unwrap();
    }
    let cache = tempfile::tempdir().unwrap();
    let cache = cache.path().to_str().unwrap();
    for run in ["fresh", "cached"] {
        let out = msklint(
            &["check", "--format", "json", "--cache-dir", cache, "."],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1), "{run}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let paths: std::collections::BTreeSet<&str> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["path"].as_str().unwrap())
            .collect();
        assert_eq!(
            paths.into_iter().collect::<Vec<_>>(),
            ["./a%FEb.pathway", "./a%FFb.pathway"],
            "{run}"
        );
    }
}

/// Code scanning shows each rule at its descriptor's level: the list must
/// say what msklint.yaml made of a rule, not what msklint ships.
#[test]
fn sarif_rule_list_follows_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  bmi-threshold: info\n  dna-discharge: off\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("p.pathway"), AWKWARD).unwrap();
    let out = msklint(&["check", "--format", "sarif", "."], dir.path());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let rule = |name: &str| rules.iter().find(|r| r["id"] == name).unwrap().clone();
    assert_eq!(
        rule("bmi-threshold")["defaultConfiguration"]["level"],
        "note"
    );
    assert_eq!(
        rule("bmi-threshold")["defaultConfiguration"].get("enabled"),
        None
    );
    let off = rule("dna-discharge");
    assert_eq!(off["defaultConfiguration"]["enabled"], false, "{off}");
    // Untouched rules keep their shipped level.
    assert_eq!(
        rule("smoking-restriction")["defaultConfiguration"]["level"],
        "error"
    );
    // The result of the softened rule agrees with its descriptor.
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let bmi = results
        .iter()
        .find(|r| r["ruleId"] == "bmi-threshold")
        .unwrap();
    assert_eq!(bmi["level"], "note");
    assert!(!results.iter().any(|r| r["ruleId"] == "dna-discharge"));
    // Switched back on by an override for some files: enabled.
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  dna-discharge: off\noverrides:\n  - paths: [\"*.pathway\"]\n    rules:\n      dna-discharge: warning\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "sarif", "."], dir.path());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let dna = rules.iter().find(|r| r["id"] == "dna-discharge").unwrap();
    assert_eq!(dna["defaultConfiguration"].get("enabled"), None, "{dna}");
}

/// Emphasis is not wording: a reviewer who bolds the words of an accepted
/// restriction, or takes the bold away, has not made a new finding, and a
/// baseline recorded either way still hides it. A change of wording is
/// still new.
#[test]
fn baseline_survives_emphasis_added_or_removed() {
    let dir = tempfile::tempdir().unwrap();
    let policy = |sentence: &str| {
        format!("# Knee surgery\n\nShared decisions, mental health and inequalities are covered.\n\n{sentence}\n")
    };
    let plain = "Patients with a BMI over 40 will not be referred for surgery.";
    std::fs::write(dir.path().join("p.md"), policy(plain)).unwrap();
    let write = msklint(&["check", "--write-baseline", "b.json", "p.md"], dir.path());
    assert_eq!(write.status.code(), Some(0), "{write:?}");
    let check = || msklint(&["check", "--baseline", "b.json", "p.md"], dir.path());
    let first = msklint(&["check", "--format", "concise", "p.md"], dir.path());
    assert!(
        String::from_utf8_lossy(&first.stdout).contains("bmi-threshold"),
        "{first:?}"
    );
    for emphasised in [
        "Patients with a BMI over 40 will **not** be referred for surgery.",
        "Patients with a BMI _over 40_ will <strong>not</strong> be referred for surgery.",
    ] {
        std::fs::write(dir.path().join("p.md"), policy(emphasised)).unwrap();
        let out = check();
        assert_eq!(out.status.code(), Some(0), "{emphasised}: {out:?}");
    }
    let reworded = "Patients with a BMI over 35 will not be referred for surgery.";
    std::fs::write(dir.path().join("p.md"), policy(reworded)).unwrap();
    assert_eq!(check().status.code(), Some(1));
}
