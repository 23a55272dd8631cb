//! Smaller faults a new user hit (issue 11, item 7), one test each, named
//! for the fault. Each failed before its fix.

#[allow(dead_code)] // each test binary uses part of it
mod common;

use msklint::check::Linter;
use msklint::input::Content;

fn linter() -> Linter {
    Linter::builtin().unwrap()
}

#[test]
fn score_counts_a_first_contact_practitioner_declared_as_an_entry() {
    let text = r#"pathway "Back pain" {
  condition: back_pain
  entry fcp: "First contact practitioner" { kind: primary  offers: [assessment, triage] }
  service talking: "NHS Talking Therapies" { kind: mental_health  offers: [talking_therapies] }
  service physio: "Physiotherapy" { kind: community  offers: [physiotherapy, exercise] }
  exit home: "Self-management"
  fcp -> physio, talking
  physio, talking -> home
}
"#;
    let linter = linter();
    let (_, cards) = linter.check_viewed("t.pathway", None, Content::Text(text.into()), |r, g| {
        msklint::score::score_file(r, g, &linter)
    });
    let fcp = cards[0].requirement("first-contact-practitioner").unwrap();
    assert_eq!(fcp.level, Some(2), "{:#?}", fcp.evidence);
    assert!(fcp
        .evidence
        .iter()
        .any(|e| e.contains("`fcp` is a way into the pathway")));
    // The row that cites the same node agrees that it is there.
    let mh = cards[0].requirement("integrated-mental-health").unwrap();
    assert!(
        mh.evidence.iter().any(|e| e.contains("`fcp -> talking`")),
        "{:#?}",
        mh.evidence
    );
}

fn syntax_error(text: &str) -> msklint::diagnostic::Diagnostic {
    let report = linter().check_text("t.pathway", text.to_string());
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "syntax-error")
        .cloned()
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn syntax_errors_hint_at_a_misspelt_keyword_a_comma_and_a_chained_route() {
    let keyword = syntax_error("pathway \"p\" {\n  servce ortho: \"O\" { kind: secondary }\n}\n");
    assert_eq!(keyword.message, "unknown keyword `servce`");
    assert_eq!(keyword.label, "did you mean `service`?");

    let comma = syntax_error(
        "pathway \"p\" {\n  service o: \"O\" { kind: secondary, offers: [surgery] }\n}\n",
    );
    assert_eq!(
        comma.message,
        "a comma cannot separate properties or fields"
    );
    let comma = syntax_error("pathway \"p\" {\n  owner: \"ICB\", version: 2\n}\n");
    assert_eq!(
        comma.message,
        "a comma cannot separate properties or fields"
    );

    let chain = syntax_error(
        "pathway \"p\" {\n  entry a: \"A\"\n  service b: \"B\"\n  exit c: \"C\"\n  a -> b -> c\n}\n",
    );
    assert!(chain
        .message
        .contains("chains are written as separate routes"));
    assert!(chain.help.as_deref().unwrap().contains("`b -> c`"));
}

#[test]
fn syntax_error_hints_stay_away_from_other_mistakes() {
    // A word unlike any keyword, and a stray arrow that is no chain.
    let other = syntax_error("pathway \"p\" {\n  foo ortho: \"O\"\n}\n");
    assert!(other.message.starts_with("expected"), "{}", other.message);
    let stray = syntax_error("pathway \"p\" {\n  entry a: \"A\"\n  a, -> b\n}\n");
    assert!(!stray.message.contains("chains"), "{}", stray.message);
}

#[test]
fn a_bare_cr_ends_a_line_for_the_location_and_the_snippet_alike() {
    let dir = tempfile::tempdir().unwrap();
    let text = "pathway \"p\" {\r  # a comment\r  entry gp: \"GP\" { kind: gpp }\r  exit home: \"Home\"\r  gp -> home\r}\r";
    std::fs::write(dir.path().join("cr.pathway"), text).unwrap();
    let concise = common::msklint(&["check", "--format", "concise", "cr.pathway"], dir.path());
    let concise = String::from_utf8_lossy(&concise.stdout).into_owned();
    assert!(
        concise.contains("cr.pathway:3:26: warning[unknown-kind]"),
        "{concise}"
    );
    let human = common::msklint(&["check", "cr.pathway"], dir.path());
    let human = String::from_utf8_lossy(&human.stdout).into_owned();
    let finding = human
        .split("\n\n")
        .find(|block| block.contains("unknown kind `gpp`"))
        .unwrap_or_else(|| panic!("{human}"));
    assert!(finding.contains("[cr.pathway:3:26]"), "{finding}");
    assert!(
        finding.contains(" 3 │   entry gp: \"GP\" { kind: gpp }"),
        "{finding}"
    );
    assert!(!finding.contains('\r'), "{finding:?}");
}

#[test]
fn dead_end_help_names_no_other_pathway_nodes() {
    let text = "pathway \"Back pain\" {\n  entry gp: \"GP\" { kind: gp }\n  service physio: \"Physiotherapy\" { kind: community }\n  gp -> physio\n}\n";
    let report = linter().check_text("t.pathway", text.to_string());
    let dead = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "dead-end")
        .expect("physio is a dead end");
    let help = dead.help.as_deref().unwrap();
    // The rule's own example pathway had `talking` and `link`; this one
    // does not.
    for foreign in ["talking", "link"] {
        assert!(!help.contains(&format!("`{foreign}")), "{help}");
    }
}

#[test]
fn report_summary_names_policies_as_policies_and_counts_infos() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("policy.md"),
        "# Hip policy\n\nPatients who do not attend two appointments will be discharged back to their GP.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  dna-discharge: info\n",
    )
    .unwrap();
    let out = common::msklint(&["report", "-o", "r.md", "policy.md"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("wrote r.md (1 policy: "), "{stderr}");
    assert!(stderr.contains("1 for information"), "{stderr}");
    assert!(!stderr.contains("pathways"), "{stderr}");
}

#[test]
fn score_on_a_policy_says_it_scores_pathways_only() {
    let dir = tempfile::tempdir().unwrap();
    let policy = "# Hip policy\n\nPatients with a BMI over 40 will not be listed for surgery.\n";
    std::fs::write(dir.path().join("policy.md"), policy).unwrap();
    let out = common::msklint(&["score", "policy.md"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr.contains("`score` rates pathways only"), "{stderr}");
    // Beside a pathway, the policy is noted and the pathway scored.
    let example = common::root().join("fixtures/examples/hip-knee-oa.pathway");
    std::fs::copy(example, dir.path().join("hip.pathway")).unwrap();
    let out = common::msklint(&["score", "policy.md", "hip.pathway"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("policy.md: not scored"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("| First contact practitioner"));
}

#[test]
fn the_html_report_prints_on_a4() {
    let example = common::root().join("fixtures/examples/hip-knee-oa.pathway");
    let out = common::msklint(
        &["report", "--format", "html", example.to_str().unwrap()],
        &common::root(),
    );
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(html.contains("@page { size: A4;"), "no A4 page size");
}

#[test]
fn a_suppression_above_a_node_covers_its_requires_line() {
    let text = r#"pathway "Hip" {
  entry gp: "GP practice" { kind: gp }
  # msklint: allow(bmi-threshold) reason: "kept while the panel reviews it"
  service ortho: "Orthopaedics" {
    kind: secondary
    requires: bmi < 40
  }
  gp -> ortho
}
"#;
    let report = linter().check_text("t.pathway", text.to_string());
    let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert!(!rules.contains(&"bmi-threshold"), "{rules:?}");
    assert!(!rules.contains(&"unused-suppression"), "{rules:?}");
}

/// A reason whose quotation mark is never closed (the comment cut short or
/// mistyped) was taken as a whole reason in silence. It is not read as a
/// suppression: the finding stays, and a warning says why, in a pathway
/// and in a Markdown policy alike. A closed reason still suppresses.
#[test]
fn a_suppression_reason_with_an_unclosed_quote_is_named_not_obeyed() {
    let pathway = |comment: &str| {
        format!(
            "pathway \"Hip\" {{\n  entry gp: \"GP practice\" {{ kind: gp }}\n  {comment}\n  service ortho: \"Orthopaedics\" {{ kind: secondary requires: bmi < 40 }}\n  gp -> ortho\n}}\n"
        )
    };
    let unclosed = linter().check_text(
        "t.pathway",
        pathway("# msklint: allow(bmi-threshold) reason: \"kept while the panel"),
    );
    let rules: Vec<&str> = unclosed
        .diagnostics
        .iter()
        .map(|d| d.rule.as_str())
        .collect();
    assert!(rules.contains(&"bmi-threshold"), "{rules:?}");
    let warning = unclosed
        .diagnostics
        .iter()
        .find(|d| d.rule == "unused-suppression")
        .expect("a warning on the comment");
    assert!(
        warning.message.contains("never closed"),
        "{}",
        warning.message
    );
    assert_eq!(unclosed.source.line_col(warning.span.start()).line, 3);
    // Closed, the same comment suppresses as before.
    let closed = linter().check_text(
        "t.pathway",
        pathway("# msklint: allow(bmi-threshold) reason: \"kept while the panel reviews it\""),
    );
    let rules: Vec<&str> = closed.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert!(!rules.contains(&"bmi-threshold"), "{rules:?}");
    assert!(!rules.contains(&"unused-suppression"), "{rules:?}");
    // A lone quotation mark is no reason either.
    let lone = linter().check_text(
        "t.pathway",
        pathway("# msklint: allow(bmi-threshold) reason: \""),
    );
    assert!(lone.diagnostics.iter().any(|d| d.rule == "bmi-threshold"));
    let policy = linter().check_text(
        "p.md",
        "# Hips\n\n<!-- msklint: allow(bmi-threshold) reason: \"agreed at the March board -->\nPeople with a BMI over 40 will not be referred for surgery.\n".to_string(),
    );
    let rules: Vec<&str> = policy.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert!(rules.contains(&"bmi-threshold"), "{rules:?}");
    assert!(
        policy
            .diagnostics
            .iter()
            .any(|d| d.rule == "unused-suppression" && d.message.contains("never closed")),
        "{rules:?}"
    );
}

/// A node with no `{ }` (or a route with no clause) ran on over the blank
/// space after it, so a suppression above it reached the next line's
/// threshold as well.
#[test]
fn a_suppression_above_a_one_line_item_stops_at_that_line() {
    let above = r#"pathway "Hip" {
  entry gp: "GP practice" { kind: gp }
  # msklint: allow(bmi-threshold) reason: "about the exit only"
  exit home: "Home"
  service s: "S" { kind: secondary  requires: bmi < 40 }
  gp -> s
  s -> home
}
"#;
    let after = r#"pathway "Hip" {
  entry gp: "GP practice" { kind: gp }
  service s: "S" { kind: secondary }
  exit home: "Home"
  gp -> home  # msklint: allow(bmi-threshold) reason: "about this route only"

  # a comment between
  gp -> s requires bmi < 40
  s -> home
}
"#;
    for text in [above, after] {
        let report = linter().check_text("t.pathway", text.to_string());
        let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.as_str()).collect();
        assert!(rules.contains(&"bmi-threshold"), "{text}\n{rules:?}");
        assert!(rules.contains(&"unused-suppression"), "{text}\n{rules:?}");
    }
}

/// One misspelt ID in a route made the node before it a dead end and the
/// exit unreachable: findings that sent the author after the wrong
/// problem. A route written to or from an unknown name still counts for
/// those two; everything else is checked as usual.
#[test]
fn an_undeclared_node_makes_no_dead_end_or_unreachable_node() {
    let text = r#"pathway "x" {
  entry gp: "GP" { kind: gp }
  service physio: "Physio" { kind: community }
  service ortho: "Ortho" { kind: secondary }
  exit home: "Home"
  gp -> phsyio
  phsyio -> ortho
  ortho -> home
}
"#;
    let report = linter().check_text("t.pathway", text.to_string());
    let found = |rule: &str, id: &str| {
        report
            .diagnostics
            .iter()
            .any(|d| d.rule == rule && d.subject.as_deref() == Some(id))
    };
    assert!(found("undefined-node", "phsyio"));
    assert!(!found("dead-end", "gp"));
    assert!(!found("unreachable-node", "ortho") && !found("unreachable-node", "home"));
    // A node unreachable whatever the misspelling is still reported.
    assert!(found("unreachable-node", "physio"));
    assert!(found("dead-end", "physio"));
    // What a route says is still checked.
    let said = text.replace("gp -> phsyio", "gp -> phsyio requires bmi < 40");
    let report = linter().check_text("t.pathway", said);
    assert!(report.diagnostics.iter().any(|d| d.rule == "bmi-threshold"));
}

/// A criterion written over two lines with a comment was quoted with its
/// line break, blanks and comment, which each output format escaped its own
/// way.
#[test]
fn a_criterion_is_quoted_on_one_line_without_its_comment() {
    let text = "pathway \"x\" {\n  entry gp: \"GP\" { kind: gp }\n  service s: \"S\" { kind: secondary\n    requires: bmi   # weight\n      < 40 }\n  gp -> s\n}\n";
    let report = linter().check_text("t.pathway", text.to_string());
    let bmi = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "bmi-threshold")
        .expect("a BMI threshold");
    assert!(bmi.message.contains("(`bmi < 40`)"), "{}", bmi.message);
}

/// `service: "Orthopaedics"` is a pathway field to the grammar: the node
/// vanished without a word. Now a warning, whose fix declares the node.
#[test]
fn a_node_written_without_its_id_is_named_and_fixed() {
    let text =
        "pathway \"x\" {\n  entry gp: \"GP\" { kind: gp }\n  exit: \"Home\"\n  gp -> home\n}\n";
    let report = linter().check_text("t.pathway", text.to_string());
    let warning = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "unknown-property")
        .expect("the missing ID is named");
    assert!(
        warning
            .message
            .contains("`exit:` is read as a pathway field"),
        "{}",
        warning.message
    );
    let fix = warning.suggestion.clone().expect("a fix");
    let mut fixed = text.to_string();
    fixed.replace_range(fix.span.start()..fix.span.end(), &fix.replacement);
    assert!(fixed.contains("exit home: \"Home\""), "{fixed}");
    let report = linter().check_text("t.pathway", fixed);
    let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert!(
        !rules.contains(&"unknown-property") && !rules.contains(&"undefined-node"),
        "{rules:?}"
    );
    // The ID the fix gives is one no node has yet.
    let taken = text.replace(
        "  exit: \"Home\"",
        "  exit home: \"Home\"\n  exit: \"Home\"",
    );
    let report = linter().check_text("t.pathway", taken);
    let fix = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "unknown-property")
        .and_then(|d| d.suggestion.clone())
        .expect("a fix");
    assert_eq!(fix.replacement, "exit home_2");
}

#[test]
fn an_unused_suppression_says_where_the_nearest_matching_finding_is() {
    let text = r#"pathway "Hip" {
  entry gp: "GP practice" { kind: gp }
  # msklint: allow(bmi-threshold) reason: "kept while the panel reviews it"
  service spinal: "Spinal" { kind: secondary }
  service ortho: "Orthopaedics" { kind: secondary  requires: bmi < 40 }
  gp -> ortho, spinal
}
"#;
    let report = linter().check_text("t.pathway", text.to_string());
    let unused = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "unused-suppression")
        .expect("the suppression is on the wrong node");
    let help = unused.help.as_deref().unwrap();
    assert!(
        help.contains("nearest `bmi-threshold` finding is on line 5"),
        "{help}"
    );
    assert_eq!(unused.related.len(), 1);
    assert_eq!(report.source.slice(unused.related[0].span), "bmi < 40");
}

/// A configuration spelt `msklint.yml` was skipped without a word, so the
/// rule it turned off still fired; it is read where no `msklint.yaml` is,
/// and `msklint.yaml` wins where both are.
#[test]
fn a_configuration_spelt_msklint_yml_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let pathway = "pathway \"Hips\" {\n  entry gp: \"GP\" { kind: gp }\n  exit ortho: \"Orthopaedics\" { kind: secondary }\n  gp -> ortho requires bmi < 35\n}\n";
    std::fs::write(dir.path().join("hips.pathway"), pathway).unwrap();
    let fired = |dir: &std::path::Path| {
        let out = common::msklint(&["check", "--format", "concise", "hips.pathway"], dir);
        String::from_utf8_lossy(&out.stdout).contains("bmi-threshold")
    };
    assert!(fired(dir.path()));
    std::fs::write(
        dir.path().join("msklint.yml"),
        "rules:\n  bmi-threshold: off\n",
    )
    .unwrap();
    assert!(!fired(dir.path()));
    std::fs::write(dir.path().join("msklint.yaml"), "rules: {}\n").unwrap();
    assert!(fired(dir.path()));
}

/// `exit café:` said "expected `:`, found `é`"; it now names the identifier
/// and offers the ASCII spelling, keeping the accent for the label.
#[test]
fn a_letter_outside_ascii_in_an_identifier_is_named() {
    let d = syntax_error("pathway \"p\" {\n  exit café: \"Café\"\n}\n");
    assert_eq!(
        d.message,
        "`café` is not an identifier: identifiers use ASCII letters only"
    );
    assert!(
        d.help
            .as_deref()
            .unwrap_or_default()
            .contains("write `cafe`"),
        "{d:?}"
    );
    // Text in quotes may hold any letter.
    let linter = linter();
    let report = linter.check_bytes(
        "p.pathway",
        b"pathway \"Caf\xc3\xa9\" {\n  exit cafe: \"Caf\xc3\xa9\"\n}\n".to_vec(),
    );
    assert!(!report.diagnostics.iter().any(|d| d.rule == "syntax-error"));
}

/// `dna_policy:` left without its value took the next line's `entry` as
/// one and read `n0: "..."` as a field: no error, and a node lost.
#[test]
fn a_key_left_without_its_value_is_an_error_not_the_next_line() {
    let text = "pathway \"p\" {\n  dna_policy:\n  entry n0: \"Self-referral\" { kind: self_referral }\n  exit home: \"Home\"\n  n0 -> home\n}\n";
    let d = syntax_error(text);
    assert_eq!(d.message, "`dna_policy:` has no value");
    assert_eq!(&text[d.span.start()..d.span.end()], "dna_policy:");
    // The node on the next line is read, so its route is not a dangling one.
    let report = linter().check_text("t.pathway", text.to_string());
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.rule == "undefined-node"),
        "{:#?}",
        report.diagnostics
    );
}

/// `on_dna: discharge after 2 DNAs` said "expected `:`, found `}`".
#[test]
fn a_word_after_a_dna_count_is_named() {
    let d = syntax_error(
        "pathway \"p\" {\n  service o: \"O\" {\n    on_dna: discharge after 2 DNAs\n  }\n}\n",
    );
    assert_eq!(d.message, "`after 2` is followed by `DNAs`");
    assert!(d.suggestion.is_some(), "{d:?}");
}

/// `pathway "" {` drew findings about "``" and no word about the name.
#[test]
fn a_pathway_without_a_name_is_told_so_and_called_this_pathway() {
    let report = linter().check_text(
        "t.pathway",
        "pathway \"\" {\n  entry gp: \"GP\" { kind: gp }\n  exit home: \"Home\"\n  gp -> home\n}\n"
            .to_string(),
    );
    let named = report
        .diagnostics
        .iter()
        .find(|d| d.message == "this pathway has no name")
        .expect("the empty name is reported");
    assert_eq!(named.span.len(), 2);
    assert!(report.diagnostics.iter().all(|d| !d.message.contains("``")));
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.message.contains("this pathway") && d.rule != "invalid-value"));
}

/// `on_dna: discharge` read "responds … with `discharge` (`discharge`)".
#[test]
fn a_dna_finding_quotes_the_policy_once() {
    let report = linter().check_text(
        "t.pathway",
        "pathway \"p\" {\n  service o: \"O\" { on_dna: discharge }\n}\n".to_string(),
    );
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "dna-discharge")
        .unwrap();
    assert_eq!(
        d.message,
        "`o` responds to missed appointments with `discharge`"
    );
}

/// Notepad's "UTF-8 with BOM" made a two-key msklint.yaml "more than one
/// YAML document"; PowerShell 5's UTF-16 gave a bare decoding error; a
/// baseline saved again with a BOM was "not a msklint baseline".
#[test]
fn settings_files_saved_with_a_bom_or_in_utf16_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let pathway = "pathway \"p\" {\n  entry gp: \"GP\" { kind: gp }\n  service a: \"A\" { kind: community }\n  gp -> a\n}\n";
    std::fs::write(dir.path().join("p.pathway"), pathway).unwrap();
    let yaml = "rules:\n  dead-end: off\ninclude: [\"*.pathway\"]\n";
    let mut wide = vec![0xff, 0xfe];
    for u in yaml.encode_utf16() {
        wide.extend_from_slice(&u.to_le_bytes());
    }
    for bytes in [[&b"\xef\xbb\xbf"[..], yaml.as_bytes()].concat(), wide] {
        std::fs::write(dir.path().join("msklint.yaml"), bytes).unwrap();
        let out = common::msklint(&["check", "--format", "json", "p.pathway"], dir.path());
        assert_ne!(out.status.code(), Some(2), "{out:?}");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let rules: Vec<&str> = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap())
            .collect();
        assert!(!rules.contains(&"dead-end"), "{rules:?}");
    }
    std::fs::remove_file(dir.path().join("msklint.yaml")).unwrap();
    let written = common::msklint(
        &["check", "--write-baseline", "base.json", "p.pathway"],
        dir.path(),
    );
    // Writing a baseline succeeds, with the findings it records.
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    assert!(String::from_utf8_lossy(&written.stderr).contains("recorded"));
    let base = std::fs::read(dir.path().join("base.json")).unwrap();
    std::fs::write(
        dir.path().join("base.json"),
        [&b"\xef\xbb\xbf"[..], &base].concat(),
    )
    .unwrap();
    let out = common::msklint(
        &["check", "--baseline", "base.json", "p.pathway"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

/// `--format gitlab` drew clap's "a similar value exists: 'github'";
/// GitLab reads JUnit. A quoted `*.pathway` (as Windows' cmd passes it)
/// said only "no such file or directory".
#[test]
fn a_gitlab_format_and_an_unexpanded_wildcard_get_a_useful_hint() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::msklint(&["check", "--format", "gitlab", "."], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("--format junit"), "{said}");
    assert!(!said.contains("similar value"), "{said}");
    assert!(said.contains("invalid value 'gitlab'"), "{said}");

    let out = common::msklint(&["check", "pathways/*.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("no such file or directory"), "{said}");
    assert!(said.contains("does not expand"), "{said}");
}

/// An error found at a line's end spanned the line break with LF ("to line
/// 3, column 1") but only the `\r` with CRLF ("to line 2, column 20"), so
/// the same file saved on Windows gave editors a different range.
#[test]
fn an_error_at_a_line_end_has_the_same_span_with_crlf_as_with_lf() {
    let lf = "pathway \"x\" {\n  entry gp: \"GP\" x\n  exit d: \"D\"\n}\n";
    let crlf = lf.replace('\n', "\r\n");
    let (a, b) = (syntax_error(lf), syntax_error(&crlf));
    assert!(a.message.ends_with("found end of line"), "{}", a.message);
    let source = |t: &str| msklint::source::SourceFile::new("t.pathway", t.to_string());
    let ends = |d: &msklint::diagnostic::Diagnostic, t: &str| {
        let s = source(t);
        let (x, y) = (s.line_col(d.span.start()), s.line_col(d.span.end()));
        (x.line, x.column, y.line, y.column)
    };
    assert_eq!(ends(&a, lf), (2, 19, 3, 1));
    assert_eq!(ends(&b, &crlf), ends(&a, lf));
}

/// A numbered run-in heading ("4. Missed appointments.") was fired on by
/// the second opinion alone, as a discharge rule, from its two words.
#[test]
fn a_run_in_heading_is_not_a_rule() {
    let text = "4. Missed appointments. We contact every patient who misses an appointment and offer another time.\n";
    let report = linter().check_text("policy.txt", text.to_string());
    let dna: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "dna-discharge")
        .collect();
    assert!(dna.is_empty(), "{dna:#?}");
}

/// A policy exported from a web page keeps HTML character references;
/// "don&rsquo;t attend" and "six&nbsp;months" went unread and quotes
/// showed the raw `&gt;`.
#[test]
fn html_character_references_are_read_as_their_characters() {
    let text = "Patients who don&rsquo;t attend twice are discharged.\n\nPatients must complete six&nbsp;months of physiotherapy before referral.\n\nA BMI &gt; 40 means the referral is declined.\n";
    let report = linter().check_text("policy.md", text.to_string());
    let found: Vec<(&str, &str)> = report
        .diagnostics
        .iter()
        .filter(|d| !d.rule.starts_with("missing-"))
        .map(|d| (d.rule.as_str(), d.message.as_str()))
        .collect();
    let rules: Vec<&str> = found.iter().map(|(r, _)| *r).collect();
    assert_eq!(
        rules,
        [
            "dna-discharge",
            "conservative-treatment-gate",
            "bmi-threshold"
        ],
        "{found:#?}"
    );
    assert!(found[0].1.contains("who don't attend"), "{found:#?}");
    assert!(found[2].1.contains("BMI > 40"), "{found:#?}");
}

/// `contact after 3 then discharge after 1` discharges at the first missed
/// appointment, before any contact: it was a warning, as if the contact
/// came first, because steps were judged by their written order.
#[test]
fn a_contact_at_a_later_missed_appointment_does_not_soften_a_discharge() {
    use msklint::diagnostic::Severity;
    let severity = |policy: &str| {
        let text = format!(
            "pathway \"P\" {{\n  entry gp: \"GP\" {{ kind: gp }}\n  service s: \"Physio\" {{ kind: community  on_dna: {policy} }}\n  gp -> s\n}}\n"
        );
        let report = linter().check_text("p.pathway", text);
        let found: Vec<Severity> = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == "dna-discharge")
            .map(|d| d.severity)
            .collect();
        assert_eq!(found.len(), 1, "{policy}: {:#?}", report.diagnostics);
        found[0]
    };
    assert_eq!(
        severity("contact after 3 then discharge after 1"),
        Severity::Error
    );
    assert_eq!(severity("discharge after 1"), Severity::Error);
    assert_eq!(
        severity("contact after 1 then discharge after 3"),
        Severity::Warning
    );
    assert_eq!(
        severity("contact then discharge after 2"),
        Severity::Warning
    );
    assert_eq!(
        severity("contact after 2 then discharge"),
        Severity::Warning
    );
}

/// `msklint fmt` respaces criteria (`bmi<40` to `bmi < 40`); a baseline
/// written before formatting then no longer matched, and CI failed on the
/// findings it had accepted.
#[test]
fn formatting_a_pathway_keeps_its_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hip.pathway");
    std::fs::write(
        &path,
        "pathway \"Hip\" {\n  entry gp: \"GP\" { kind: gp }\n  service ortho: \"Ortho\" { kind: secondary  channels: [online,]  requires: bmi<40 ,symptom_weeks>=12 }\n  gp->ortho\n}\n",
    )
    .unwrap();
    let run = |args: &[&str]| common::msklint(args, dir.path());
    let wrote = run(&[
        "check",
        "--no-cache",
        "--write-baseline",
        "base.json",
        "hip.pathway",
    ]);
    assert_eq!(wrote.status.code(), Some(0), "{wrote:?}");
    let fmt = run(&["fmt", "hip.pathway"]);
    assert_eq!(fmt.status.code(), Some(0), "{fmt:?}");
    let formatted = std::fs::read_to_string(&path).unwrap();
    assert!(formatted.contains("bmi < 40"), "{formatted}");
    let again = run(&[
        "check",
        "--no-cache",
        "--baseline",
        "base.json",
        "hip.pathway",
    ]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}

/// A name in curly quotes is a syntax error, and was also "this pathway
/// has no name", an error under the keyword, as if none had been written.
#[test]
fn an_unreadable_pathway_name_is_not_also_a_missing_one() {
    let report = linter().check_text(
        "t.pathway",
        "pathway \u{201c}Hip\u{201d} {\n  entry gp: \"GP\" { kind: gp }\n  exit home: \"Home\"\n  gp -> home\n}\n"
            .to_string(),
    );
    assert!(report.diagnostics.iter().any(|d| d.rule == "syntax-error"));
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.message != "this pathway has no name"),
        "{:#?}",
        report.diagnostics
    );
}

/// A pathway of one long chain of services: the loop search of
/// `no-way-out` used petgraph's recursive Tarjan, and a 22,000-service
/// chain overflowed the stack and aborted the whole run.
#[test]
fn a_very_long_chain_of_services_does_not_overflow_the_stack() {
    let mut text = String::from(
        "pathway \"Chain\" {\n  entry gp: \"GP\" { kind: gp }\n  exit home: \"Home\"\n",
    );
    let n = 40_000;
    for i in 0..n {
        text.push_str(&format!(
            "  service s{i}: \"Step {i}\" {{ kind: community }}\n"
        ));
    }
    text.push_str("  gp -> s0\n");
    for i in 1..n {
        text.push_str(&format!("  s{} -> s{i}\n", i - 1));
    }
    text.push_str(&format!("  s{} -> home\n}}\n", n - 1));
    let report = msklint::check::Linter::builtin()
        .unwrap()
        .check_text("chain.pathway", text);
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.rule == "linear-pathway"));
    assert!(!report.diagnostics.iter().any(|d| d.rule == "no-way-out"));
}
