//! Policy documents through the command line: sentence-level spans in every
//! output format, directory walks with `--include`, suppressions written as
//! HTML comments, Word documents, and reports.

mod common;

use common::{msklint, piped, root};

#[path = "common/docx.rs"]
mod docx;
use docx::docx;

const POLICY: &str = "# Knee policy\n\nReferral criteria:\n\n- BMI under 35 kg/m2\n\nPatients who do not attend\ntwice will be discharged. Inequalities and mental health are\nreviewed in shared decision making.\n";

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

fn findings(doc: &serde_json::Value) -> Vec<(String, u64, u64)> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_markdown_policy_is_checked_sentence_by_sentence() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.md"), POLICY).unwrap();
    let out = msklint(&["check", "--format", "json", "policy.md"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(
        findings(&doc),
        [
            ("bmi-threshold".to_string(), 5, 3),
            ("dna-discharge".to_string(), 7, 1)
        ]
    );
    // The span covers the whole wrapped sentence and the message quotes it.
    let dna = &doc["diagnostics"][1];
    assert_eq!(dna["end_line"], 8);
    assert!(dna["message"]
        .as_str()
        .unwrap()
        .contains("“Patients who do not attend twice will be discharged.”"));

    let human = msklint(&["check", "--color", "never", "policy.md"], dir.path());
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("policy.md:7:1"), "{text}");
    assert!(text.contains("discharged for not attending"), "{text}");

    for (format, needle) in [
        ("concise", "policy.md:5:3: error[bmi-threshold]"),
        ("github", "::error file=policy.md,line=5,endLine=5,col=3"),
        ("junit", "bmi-threshold"),
    ] {
        let out = msklint(&["check", "--format", format, "policy.md"], dir.path());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(needle), "{format}: {text}");
    }
}

#[test]
fn directories_include_documents_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("README.md"),
        "Smokers will not be listed.\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(dir.path().join("policies/knee.md"), POLICY).unwrap();
    std::fs::copy(
        root().join("fixtures/examples/hip-knee-oa-clean.pathway"),
        dir.path().join("clean.pathway"),
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(json(&out)["summary"]["files"], 1);
    assert_eq!(out.status.code(), Some(0));

    let out = msklint(
        &[
            "check",
            "--format",
            "json",
            "--include",
            "policies/*.md",
            ".",
        ],
        dir.path(),
    );
    assert_eq!(json(&out)["summary"]["files"], 2);
    assert_eq!(out.status.code(), Some(1));

    // A wildcard takes every policy but leaves the repository's README.
    std::fs::write(dir.path().join("msklint.yaml"), "include: ['*.md']\n").unwrap();
    let out = msklint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(json(&out)["summary"]["files"], 2);
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "include: ['*.md', README.md]\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(json(&out)["summary"]["files"], 3);

    let out = msklint(&["check", "--include", "[", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid include pattern"));
}

#[test]
fn html_comments_suppress_findings_in_documents() {
    let dir = tempfile::tempdir().unwrap();
    let text = POLICY.replace(
        "- BMI under 35 kg/m2\n",
        "<!-- msklint: allow(bmi-threshold) reason: \"agreed with the patient panel\" -->\n- BMI under 35 kg/m2\n",
    ) + "\n<!-- msklint: allow(smoking-restriction) -->\nNothing about smoking here.\n";
    std::fs::write(dir.path().join("policy.md"), text).unwrap();
    let out = msklint(&["check", "--format", "json", "policy.md"], dir.path());
    let rules: Vec<String> = findings(&json(&out)).into_iter().map(|f| f.0).collect();
    assert_eq!(
        rules,
        [
            "dna-discharge",
            "suppression-without-reason",
            "unused-suppression"
        ]
    );
}

#[test]
fn word_documents_are_read_and_broken_ones_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("policy.docx"),
        docx(&[
            "Hip policy",
            "Smokers must stop smoking for 8 weeks before listing &amp; surgery.",
        ]),
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "policy.docx"], dir.path());
    let found = findings(&json(&out));
    assert!(
        found.contains(&("smoking-restriction".to_string(), 3, 1)),
        "{found:?}"
    );

    // A damaged archive is not checked, as a damaged PDF is not (it was
    // an `invalid-encoding` finding, exit 1, a lint error CI could baseline).
    std::fs::write(dir.path().join("broken.docx"), b"PK\x03\x04 not really").unwrap();
    let out = msklint(&["check", "--format", "json", "broken.docx"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert!(findings(&doc).is_empty(), "{doc}");
    assert!(doc["not_checked"][0]["message"]
        .as_str()
        .unwrap()
        .contains("the file is damaged"));
}

#[test]
fn reports_review_documents_and_graph_skips_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.md"), POLICY).unwrap();
    let out = msklint(&["report", "policy.md"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            "<!-- @generated by msklint report: a folder check passes over this file -->\n\n# Consultation response: Knee policy\n"
        ),
        "{text}"
    );
    assert!(text.contains("- **Policy reviewed:** Knee policy"));
    assert!(text.contains("## Questions for the policy's authors"));
    assert!(text.contains("  BMI under 35 kg/m2\n"), "{text}");
    assert!(!text.contains("Maturity against"));

    let out = msklint(&["report", "--format", "html", "policy.md"], dir.path());
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(html.contains("<dt>Policy reviewed</dt><dd>Knee policy</dd>"));
    assert!(!html.contains("<svg"));

    let out = msklint(&["graph", "policy.md"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no pathway to draw"));

    // Beside a pathway, the policy is drawn from nothing and says so, as
    // `score` says it is not scored.
    std::fs::copy(
        root().join("fixtures/examples/hip-knee-oa.pathway"),
        dir.path().join("p.pathway"),
    )
    .unwrap();
    let out = msklint(&["graph", "policy.md", "p.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("%% @generated"));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("note: policy.md: not drawn"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A user's rule with a prose check: loaded from `--rules-dir`, it fires on
/// a document; a catastrophic-backtracking pattern stays linear; a pattern
/// too large to compile or with bad syntax is refused at load with exit 2.
#[test]
fn user_prose_rules_load_fire_and_are_checked_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let base =
        std::fs::read_to_string(root().join("fixtures/custom-rules/local/age-threshold.yaml"))
            .unwrap();
    let with_prose = |all: &str| {
        format!("{base}prose:\n  all:\n    - '\\bage[ds]?\\b'\n    - '{all}'\n  message: 'age used as a gate: “{{sentence}}”'\n")
    };
    // (a|aa)*$ style patterns backtrack exponentially in other engines.
    std::fs::write(rules.join("age.yaml"), with_prose("(a|aa)*(b|c)$")).unwrap();
    let long = format!("Patients aged over 65 {} c\n", "a".repeat(200_000));
    std::fs::write(dir.path().join("policy.md"), long).unwrap();
    let out = msklint(
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "--rules-dir",
            "rules",
            "policy.md",
        ],
        dir.path(),
    );
    let rules_fired: Vec<String> = findings(&json(&out)).into_iter().map(|f| f.0).collect();
    assert!(
        rules_fired.contains(&"age-threshold".to_string()),
        "{rules_fired:?}"
    );

    for (pattern, needle) in [
        (
            "(?:[a-z]{1,100}){1,100}(?:[a-z]{1,100}){1,100}",
            "too large",
        ),
        ("(unclosed", "invalid"),
        // A curly apostrophe, as a word processor types it: the message
        // says patterns are ASCII and what to write instead.
        ("patient\u{2019}s (address|postcode)", "write `'`"),
        ("patient[\u{2019}']s (address|postcode)", "write `'`"),
        // Outside a class a dash is matched as its bytes; inside, refused
        // with a way round it.
        ("[\u{2013}-] resident", "write it as an alternative"),
    ] {
        std::fs::write(rules.join("age.yaml"), with_prose(pattern)).unwrap();
        let out = msklint(
            &["check", "--no-config", "--rules-dir", "rules", "policy.md"],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{pattern}");
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            err.contains(needle) && err.contains("age.yaml"),
            "{pattern}: {err}"
        );
    }
}

/// `include:` globs match under the searched folder and under the folder
/// holding msklint.yaml; `*` stays within one folder; `./` is allowed.
#[test]
fn include_globs_are_relative_to_the_search_and_the_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies/old")).unwrap();
    std::fs::write(dir.path().join("policies/a.md"), POLICY).unwrap();
    std::fs::write(dir.path().join("policies/old/b.md"), POLICY).unwrap();
    let files = |args: &[&str]| {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        json(&msklint(&all, dir.path()))["summary"]["files"].clone()
    };
    assert_eq!(files(&["--include", "policies/*.md", "."]), 1);
    assert_eq!(files(&["--include", "./policies/**/*.md", "."]), 2);
    assert_eq!(files(&["--include", "*.md", "."]), 2);
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "include: ['policies/*.md']\n",
    )
    .unwrap();
    assert_eq!(files(&["policies"]), 1);
    // graph and score read pathways only, whatever include: says
    let out = msklint(&["score", "."], dir.path());
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `check --trace FILE:LINE` prints what docs/prose.md shows for its
/// example, word for word, and the same decisions as JSON.
#[test]
fn trace_explains_a_sentence_as_the_docs_show() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("policy.md"),
        "# Policy\n\nSmokers will not be listed for surgery until they have stopped, although BMI is not a barrier.\n",
    )
    .unwrap();
    let out = msklint(&["check", "--trace", "policy.md:3"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let printed = String::from_utf8(out.stdout).unwrap();
    let docs = std::fs::read_to_string(root().join("docs/prose.md")).unwrap();
    let start = docs
        .find("```text\npolicy.md:3:")
        .expect("docs/prose.md shows a trace of policy.md:3")
        + "```text\n".len();
    let end = start + docs[start..].find("```").unwrap();
    assert_eq!(printed, &docs[start..end]);

    let out = msklint(
        &["check", "--trace", "policy.md:3", "--format", "json"],
        dir.path(),
    );
    let traces = json(&out);
    let rules = traces[0]["rules"].as_array().unwrap();
    let fired: Vec<&str> = rules
        .iter()
        .filter(|r| r["fired"] == true)
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(fired, ["smoking-restriction"]);
    let smoking = rules
        .iter()
        .find(|r| r["rule"] == "smoking-restriction")
        .unwrap();
    assert!(smoking["steps"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s.as_str().unwrap().contains("about another rule's subject")));
}

/// A held subject and a masked number are shown, and bad requests get
/// exit 2 with a reason.
#[test]
fn trace_shows_context_and_masks_and_refuses_bad_requests() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("news.md"),
        "More than a fifth of CCGs refuse surgery to adults aged 18 or over with a BMI above 35, a survey has found.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("p.pathway"), "pathway \"x\" {}\n").unwrap();
    let out = msklint(&["check", "--trace", "news.md:1"], dir.path());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(
        printed.contains("bound to age: «aged 18 or over»"),
        "{printed}"
    );
    assert!(printed.contains("context reported"), "{printed}");
    assert!(printed.contains("bmi-threshold: silent"), "{printed}");
    for bad in [
        "news.md",
        "news.md:0",
        "missing.md:1",
        "p.pathway:1",
        "news.md:99",
    ] {
        let out = msklint(&["check", "--trace", bad], dir.path());
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(!out.stderr.is_empty(), "{bad}");
    }
    let out = msklint(&["check", "--trace", "news.md:99"], dir.path());
    assert!(String::from_utf8_lossy(&out.stderr).contains("past its end"));
    // Lines are counted as `wc -l` counts them: the final newline starts none.
    let text = std::fs::read_to_string(dir.path().join("news.md")).unwrap();
    assert!(text.ends_with('\n'));
    let lines = text.lines().count();
    let past = format!("news.md:{}", lines + 1);
    let out = msklint(&["check", "--trace", &past], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(&format!(
            "news.md has {}, so line {} is past its end",
            if lines == 1 {
                "1 line".to_string()
            } else {
                format!("{lines} lines")
            },
            lines + 1
        )),
        "{said}"
    );
}

/// A pattern that finds one digit (`\d`) is quoted with the whole number
/// it is in: «40», not «4».
#[test]
fn trace_quotes_a_number_whole() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("fp.md"),
        "# Notes\n\nA BMI of 40 or more is not, on its own, a reason to decline surgery.\n",
    )
    .unwrap();
    let out = msklint(&["check", "--no-config", "--trace", "fp.md:3"], dir.path());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("pattern 2: «40»"), "{printed}");
    assert!(!printed.contains("«4»"), "{printed}");
}

/// An exception pattern that ends inside a multi-byte character (a user's
/// `\W` before an en dash) does not panic, and `--trace` reads a
/// Windows-1252 policy as `check` does.
#[test]
fn hostile_exception_patterns_and_legacy_encodings_are_read_safely() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "vocabulary:\n  prose_exceptions:\n    - '\\bexempt\\W'\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("policy.md"),
        "Smokers will not be listed for surgery until they stop, exempt–for now.\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "policy.md"], dir.path());
    assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
    let latin = b"Patients with a BMI over 40 will not be listed for surgery \x96 caf\xe9.\n";
    std::fs::write(dir.path().join("latin.txt"), latin).unwrap();
    let out = msklint(
        &["check", "--no-config", "--trace", "latin.txt:1"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("bmi-threshold: FIRES"));
}

#[test]
fn a_sentence_that_continues_the_one_before_takes_its_subject() {
    let dir = tempfile::tempdir().unwrap();
    // "After 14 days" continues the sentence about a missed appointment, so
    // the new-referral rule it states is read as a DNA consequence.
    let continued = "If the patient calls within 14 days of a missed appointment, the referral is reopened. After 14 days, the patient will need a new referral from their GP.\n";
    // The same second sentence after an unrelated one, or opening without a
    // carry-over, states nothing about missed appointments.
    let unrelated = "Referrals are triaged within two working days. After 14 days, the patient will need a new referral from their GP.\n";
    let no_opening = "If the patient calls within 14 days of a missed appointment, the referral is reopened. Each patient will need a new referral from their GP.\n";
    for (name, text, expected) in [
        (
            "continued.md",
            continued,
            vec![("dna-discharge".to_string(), 1, 88)],
        ),
        ("unrelated.md", unrelated, vec![]),
        ("no-opening.md", no_opening, vec![]),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
        let out = msklint(&["check", "--format", "json", name], dir.path());
        let sentence_level: Vec<_> = findings(&json(&out))
            .into_iter()
            .filter(|(rule, ..)| !rule.starts_with("missing-"))
            .collect();
        assert_eq!(sentence_level, expected, "{name}");
    }
}

#[test]
fn items_under_a_lead_in_that_states_the_restriction_are_parts_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Referral for knee surgery is accepted only after at least 3 months of conservative treatment, covering:\n\n- a course of physiotherapy;\n- advice on activity.\n\nThe conservative treatment rule does not apply where:\n\n- a course of physiotherapy cannot be reached.\n\nWe also ask about:\n\n- advice on activity.\n";
    std::fs::write(dir.path().join("policy.md"), text).unwrap();
    let out = msklint(&["check", "--format", "json", "policy.md"], dir.path());
    let lines: Vec<u64> = findings(&json(&out))
        .into_iter()
        .filter(|(rule, ..)| rule == "conservative-treatment-gate")
        .map(|(_, line, _)| line)
        .collect();
    // The lead-in and both its items; not the items of a lead-in that
    // carries an exception, nor those of one that states no restriction.
    assert_eq!(lines, [1, 3, 4]);
    // And asked about the first line, it explains the whole-document checks.
    let out = msklint(&["check", "--trace", "policy.md:1:1"], dir.path());
    let trace = String::from_utf8_lossy(&out.stdout);
    assert!(trace.contains("missing-mental-health: FIRES"), "{trace}");
    assert!(
        trace.contains("whole document: no sentence anywhere"),
        "{trace}"
    );
}

/// A Word or PDF finding's line is one of the extracted text, which no
/// viewer shows: the one-line formats name the paragraph or page too, as
/// human, JSON and SARIF output do.
#[test]
fn one_line_formats_name_the_paragraph_or_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("policy.docx"),
        docx(&[
            "Knee policy",
            "Patients with a BMI over 40 will not be referred for knee replacement.",
        ]),
    )
    .unwrap();
    std::fs::copy(
        root().join("fixtures/pdf/hip-knee-policy.chromium.pdf"),
        dir.path().join("policy.pdf"),
    )
    .unwrap();
    let run = |format: &str, file: &str| {
        let out = msklint(
            &["check", "--no-config", "--format", format, file],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let concise = run("concise", "policy.docx");
    let bmi = concise
        .lines()
        .find(|l| l.contains("[bmi-threshold]"))
        .unwrap();
    assert!(bmi.ends_with("knee replacement.” (paragraph 2)"), "{bmi}");
    let concise = run("concise", "policy.pdf");
    let dna = concise
        .lines()
        .find(|l| l.contains("[dna-discharge]"))
        .unwrap();
    assert!(dna.ends_with("(page 2)"), "{dna}");
    let github = run("github", "policy.pdf");
    let dna = github
        .lines()
        .find(|l| l.contains("title=dna-discharge"))
        .unwrap();
    assert!(dna.contains("GP.” (page 2)%0A%0A"), "{dna}");
    let junit = run("junit", "policy.docx");
    assert!(
        junit.contains("knee replacement.” (paragraph 2)\">"),
        "{junit}"
    );
    // A Markdown policy's lines are the reader's own: nothing is added.
    std::fs::write(dir.path().join("policy.md"), POLICY).unwrap();
    assert!(!run("concise", "policy.md").contains("(paragraph"));
}

/// An empty policy is named, with advice that fits it (PDFs are read
/// directly now, so it no longer says to convert one).
#[test]
fn an_empty_policy_says_it_has_no_text() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.md"), "\n\n").unwrap();
    let out = msklint(
        &["check", "--no-config", "--format", "json", "empty.md"],
        dir.path(),
    );
    let doc = json(&out);
    let found = &doc["diagnostics"][0];
    assert_eq!(found["rule"], "empty-file");
    assert_eq!(found["message"], "this document has no text");
    let help = found["help"].as_str().unwrap();
    assert!(help.contains("the policy you meant"), "{help}");
    assert!(!help.contains("PDF"), "{help}");
}

/// The trace reads its file under the configuration `check FILE` would
/// use (the msklint.yaml in the file's folder, not the current folder's),
/// and names the prose rules that configuration turns off.
#[test]
fn trace_uses_the_configuration_beside_the_traced_file() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("proj");
    std::fs::create_dir(&proj).unwrap();
    std::fs::write(
        proj.join("msklint.yaml"),
        "rules:\n  smoking-restriction: off\nsecond-opinion: false\n",
    )
    .unwrap();
    std::fs::write(
        proj.join("tr.md"),
        "# Policy\n\nSmokers will not be listed for surgery until they have stopped.\n",
    )
    .unwrap();
    let check = msklint(&["check", "--format", "concise", "proj/tr.md"], dir.path());
    assert!(!String::from_utf8_lossy(&check.stdout).contains("smoking-restriction"));
    let out = msklint(&["check", "--trace", "proj/tr.md:3"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(!printed.contains("smoking-restriction: FIRES"), "{printed}");
    assert!(!printed.contains("second opinion"), "{printed}");
    assert!(
        printed.contains("off in the configuration: smoking-restriction"),
        "{printed}"
    );
    let out = msklint(
        &["check", "--trace", "proj/tr.md:3", "--format", "json"],
        dir.path(),
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value[0]["off"], serde_json::json!(["smoking-restriction"]));
}

/// The document's first sentence, where the whole-document rules report,
/// names those the configuration turns off, as it names the sentence
/// rules; a later sentence does not, since they would never report there.
#[test]
fn trace_of_the_first_line_names_whole_document_rules_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  missing-mental-health: off\n  missing-inequalities: off\nsecond-opinion: false\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("knee.md"),
        "# Knee replacement\n\nPeople are seen by a physiotherapist first.\n",
    )
    .unwrap();
    let out = msklint(&["check", "--trace", "knee.md:1"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let printed = String::from_utf8_lossy(&out.stdout);
    let off = printed
        .lines()
        .find(|l| l.contains("off in the configuration"))
        .unwrap_or_default();
    assert!(off.contains("missing-mental-health"), "{printed}");
    assert!(off.contains("missing-inequalities"), "{printed}");
    // A whole-document rule left on is still traced as before.
    assert!(
        printed.contains("missing-shared-decision-making: FIRES"),
        "{printed}"
    );
    let out = msklint(
        &["check", "--trace", "knee.md:1", "--format", "json"],
        dir.path(),
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let listed: Vec<&str> = value[0]["off"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(listed.contains(&"missing-mental-health"), "{listed:?}");
    let out = msklint(&["check", "--trace", "knee.md:3"], dir.path());
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(!printed.contains("missing-mental-health"), "{printed}");
}

/// A sentence whose finding a comment or a sidecar entry suppresses is
/// traced as firing and suppressed, matching what `check` reports; paths
/// besides FILE:LINE and formats other than text and JSON are refused.
#[test]
fn trace_names_the_suppression_that_hides_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("policy.md"),
        "# Access\n\n<!-- msklint: allow(smoking-restriction) reason: \"agreed with the panel\" -->\nSmokers will not be listed for surgery until they have stopped.\n\nPatients with a BMI over 40 will not be listed for surgery.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("policy.md.msklint.yaml"),
        "allow:\n  - rule: bmi-threshold\n    sentence: \"BMI over 40\"\n    reason: \"under review\"\n",
    )
    .unwrap();
    let check = msklint(
        &["check", "--no-config", "--format", "concise", "policy.md"],
        dir.path(),
    );
    let found = String::from_utf8_lossy(&check.stdout);
    assert!(!found.contains("smoking-restriction"), "{found}");
    assert!(!found.contains("bmi-threshold"), "{found}");
    assert!(!found.contains("unused-suppression"), "{found}");
    let out = msklint(
        &["check", "--no-config", "--trace", "policy.md:4"],
        dir.path(),
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("smoking-restriction: FIRES, but the finding is suppressed by the comment on line 3 (reason: agreed with the panel)"),
        "{printed}"
    );
    let out = msklint(
        &["check", "--no-config", "--trace", "policy.md:6"],
        dir.path(),
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("bmi-threshold: FIRES, but the finding is suppressed by entry 1 of policy.md.msklint.yaml (reason: under review)"),
        "{printed}"
    );
    let json = msklint(
        &[
            "check",
            "--no-config",
            "--trace",
            "policy.md:4",
            "--format",
            "json",
        ],
        dir.path(),
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(
        value[0]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == "smoking-restriction")
            .unwrap()["suppressed"],
        "the comment on line 3 (reason: agreed with the panel)"
    );
    for extra in [
        vec!["check", "--trace", "policy.md:4", "other.md"],
        vec!["check", "--trace", "policy.md:4", "--format", "sarif"],
    ] {
        let out = msklint(&extra, dir.path());
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--trace"),
            "{extra:?}"
        );
    }
}

/// `--trace -:LINE` reads standard input, as `check -` does: shown as
/// `<stdin>` or by the name `--stdin-filename` gives, whose extension
/// picks the format and whose folder the configuration is found from.
#[test]
fn trace_reads_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let text = b"# Access\n\nSmokers will not be listed for surgery until they have stopped.\n";
    let out = piped(&["check", "--trace", "-:3"], dir.path(), text);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.starts_with("<stdin>:3: «Smokers"), "{printed}");
    assert!(printed.contains("smoking-restriction: FIRES"), "{printed}");

    let proj = dir.path().join("proj");
    std::fs::create_dir(&proj).unwrap();
    std::fs::write(
        proj.join("msklint.yaml"),
        "rules:\n  smoking-restriction: off\n",
    )
    .unwrap();
    let out = piped(
        &[
            "check",
            "--trace",
            "-:3",
            "--stdin-filename",
            "proj/draft.md",
            "--format",
            "json",
        ],
        dir.path(),
        text,
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value[0]["off"], serde_json::json!(["smoking-restriction"]));

    // A pathway piped in is still not a policy, and a path besides the
    // piped text is refused.
    let out = piped(
        &["check", "--trace", "-:1", "--stdin-filename", "p.pathway"],
        dir.path(),
        b"pathway \"x\" {}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let out = piped(&["check", "--trace", "-:1", "-"], dir.path(), text);
    assert_eq!(out.status.code(), Some(2));
}

/// A question answered with a bare "No." states its rule: the second
/// opinion, which reads only a few words, dropped "Can I have surgery if
/// I smoke? No." while keeping the same question about BMI. It is not
/// asked about such answers; a "Yes." still lets people in.
#[test]
fn a_question_answered_no_keeps_its_finding() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("faq.txt"),
        "Questions about your operation\n\nCan I have surgery if I smoke?\nNo.\n\nCan I be seen in clinic if I smoke?\nNo.\n\nCan I have surgery if I vape?\nYes.\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "faq.txt"], dir.path());
    let found: Vec<(String, u64, u64)> = findings(&json(&out))
        .into_iter()
        .filter(|f| !f.0.starts_with("missing-"))
        .collect();
    assert_eq!(
        found,
        [
            ("smoking-restriction".to_string(), 4, 1),
            ("smoking-restriction".to_string(), 7, 1)
        ]
    );
}

/// "mental-health support" is a mention of mental health: the policy was
/// told it never mentions it.
#[test]
fn a_hyphenated_mental_health_is_a_mention() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("policy.txt"),
        "Knee policy\n\nEveryone referred is offered mental-health support.\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "policy.txt"], dir.path());
    let rules: Vec<String> = findings(&json(&out)).into_iter().map(|f| f.0).collect();
    assert!(
        !rules.contains(&"missing-mental-health".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"missing-inequalities".to_string()),
        "{rules:?}"
    );
}

/// Raw HTML and Markdown markup as web-copied policies carry it: each
/// case once lost a restriction (from the review of the ninth sweep's
/// fixes), and each says which rules it must fire on which line.
#[test]
fn markup_copied_from_web_pages_keeps_every_restriction() {
    let dir = tempfile::tempdir().unwrap();
    // (file name, text, the rules it fires and on which line)
    type Case<'a> = (&'a str, &'a str, &'a [(&'a str, u64)]);
    let cases: &[Case] = &[
        // A row never closed does not swallow what follows.
        (
            "open-row.md",
            "<table>\n<tr>\n<td>Referral route</td>\n\n## Missed appointments\n\nPatients who miss two appointments in a row will be discharged to their GP.\n",
            &[("dna-discharge", 7)],
        ),
        // Rows without `</tr>`, and a whole table on one line.
        (
            "no-end-tags.md",
            "Listing criteria:\n\n<table>\n<tr><th>Criterion<th>Requirement\n<tr><td>Body mass index<td>Below 35 at referral\n<tr><td>Smoking<td>Smoke-free for eight weeks before listing\n</table>\n",
            &[("bmi-threshold", 5), ("smoking-restriction", 6)],
        ),
        // A cell holding two sentences is read sentence by sentence.
        (
            "two-sentences.md",
            "<table>\n<tr><td>Smoking</td><td>Help to stop is offered to everyone. Those who still smoke will not be listed for surgery.</td></tr>\n</table>\n",
            &[("smoking-restriction", 2)],
        ),
        // Short criteria after line breaks stay with their lead line.
        (
            "br-criteria.md",
            "<p>To be referred for a knee replacement, all of these must apply.<br>BMI under 35.<br>Not smoked for eight weeks.</p>\n",
            &[("bmi-threshold", 1), ("smoking-restriction", 1)],
        ),
        // Form fields in brackets are no link definitions.
        (
            "fields.txt",
            "Referrals outside these limits will be returned to the GP:\n\n[Maximum BMI]: 35\n[Smoking status]: non-smoker\n",
            &[("smoking-restriction", 3)],
        ),
        // A summary stating a rule is a sentence, not a heading.
        (
            "summary.md",
            "<details><summary>Smokers will not be listed for a joint replacement until they have stopped for eight weeks</summary>\nMore detail here.\n</details>\n",
            &[("smoking-restriction", 1)],
        ),
    ];
    for (name, text, expected) in cases {
        std::fs::write(dir.path().join(name), text).unwrap();
        let out = msklint(
            &["check", "--no-config", "--format", "json", name],
            dir.path(),
        );
        let found: Vec<(String, u64)> = findings(&json(&out))
            .into_iter()
            .filter(|(rule, ..)| !rule.starts_with("missing-"))
            .map(|(rule, line, _)| (rule, line))
            .collect();
        let expected: Vec<(String, u64)> =
            expected.iter().map(|(r, l)| (r.to_string(), *l)).collect();
        assert_eq!(found, expected, "{name}");
    }
}

/// Policies put emphasis on the word that matters ("will **not** be
/// listed"): a restriction so written is as much one as it is plain, and
/// the finding quotes it without the marks.
#[test]
fn emphasis_does_not_hide_a_restriction() {
    let dir = tempfile::tempdir().unwrap();
    for (sentence, rule) in [
        (
            "Smokers will **not** be listed for surgery.",
            "smoking-restriction",
        ),
        (
            "Patients with a BMI _over 40_ will not be referred.",
            "bmi-threshold",
        ),
        (
            "Patients who *did not attend* will be **discharged**.",
            "dna-discharge",
        ),
    ] {
        std::fs::write(dir.path().join("p.md"), format!("{sentence}\n")).unwrap();
        let out = msklint(&["check", "--format", "json", "p.md"], dir.path());
        let doc = json(&out);
        let hit = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == rule)
            .unwrap_or_else(|| panic!("{sentence}: no {rule}: {doc}"));
        let message = hit["message"].as_str().unwrap();
        assert!(
            !message.contains('*') && !message.contains('_'),
            "{message}"
        );
    }
}

/// An FAQ whose question is in bold on the answer's line ("**Can I…?**
/// No.") is quoted with its question: "No." alone said nothing of what
/// was refused.
#[test]
fn a_bold_question_is_quoted_with_its_answer() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("faq.md"),
        "# Questions\n\n**Can I be referred if my BMI is over 40?** No.\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "faq.md"], dir.path());
    let doc = json(&out);
    let hit = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "bmi-threshold")
        .unwrap_or_else(|| panic!("{doc}"));
    assert!(
        hit["message"]
            .as_str()
            .unwrap()
            .ends_with("“Can I be referred if my BMI is over 40? No.”"),
        "{hit}"
    );
}
