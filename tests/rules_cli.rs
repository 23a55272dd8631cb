//! The rules engine through the binary: the example's findings, custom rule
//! directories, msklint.yaml, inline suppressions, `rules` and `explain`.

mod common;

use std::process::Output;

use common::{msklint, root};

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

fn findings(o: &Output) -> Vec<(String, String, u64)> {
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&o.stdout), text(&o.stderr)));
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

const CLEAN: &str = include_str!("../fixtures/examples/hip-knee-oa-clean.pathway");

/// The clean example with extra text inserted before its closing brace.
fn with(extra: &str) -> String {
    let end = CLEAN.rfind('}').unwrap();
    format!("{}{extra}{}", &CLEAN[..end], &CLEAN[end..])
}

#[test]
fn example_reports_exactly_its_three_faults() {
    let out = msklint(
        &[
            "check",
            "--color",
            "never",
            "fixtures/examples/hip-knee-oa.pathway",
        ],
        &root(),
    );
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(text(&out.stdout));
}

#[test]
fn example_json_names_the_three_rules() {
    let out = msklint(
        &["check", "--format", "json", "fixtures/examples/"],
        &root(),
    );
    let got = findings(&out);
    assert_eq!(
        got,
        [
            ("bmi-threshold".into(), "error".into(), 24),
            ("smoking-restriction".into(), "error".into(), 24),
            ("symptom-duration-gate".into(), "warning".into(), 34),
        ]
    );
}

#[test]
fn custom_rule_directory_adds_a_rule_that_fires() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.pathway"),
        CLEAN.replace(
            "  escape -> ortho\n",
            "  escape -> ortho requires age < 80\n",
        ),
    )
    .unwrap();
    let rules = root().join("fixtures/custom-rules");
    let without = msklint(&["check", "--format", "json", "p.pathway"], dir.path());
    assert_eq!(findings(&without), []);
    let with_rules = msklint(
        &[
            "check",
            "--format",
            "json",
            "--rules-dir",
            rules.to_str().unwrap(),
            "p.pathway",
        ],
        dir.path(),
    );
    assert_eq!(
        findings(&with_rules),
        [("age-threshold".into(), "warning".into(), 36)]
    );
    assert_eq!(
        with_rules.status.code(),
        Some(0),
        "a warning alone does not fail the run"
    );
    // the same directory named in msklint.yaml
    std::fs::write(
        dir.path().join("msklint.yaml"),
        format!("rule-dirs: [{:?}]\n", rules.display().to_string()),
    )
    .unwrap();
    let configured = msklint(&["check", "--format", "json", "p.pathway"], dir.path());
    assert_eq!(
        findings(&configured),
        [("age-threshold".into(), "warning".into(), 36)]
    );
    // and explained like a built-in rule
    let explained = msklint(
        &["explain", "ORG001", "--rules-dir", rules.to_str().unwrap()],
        dir.path(),
    );
    assert!(
        text(&explained.stdout).contains("age-threshold"),
        "{}",
        text(&explained.stderr)
    );
}

#[test]
fn config_changes_severity_and_switches_rules_off() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/examples/hip-knee-oa.pathway"),
        dir.path().join("p.pathway"),
    )
    .unwrap();
    std::fs::write(dir.path().join("msklint.yaml"), "rules:\n  bmi-threshold: warning\n  smoking-restriction: off\n  symptom-duration-gate: { severity: error }\n").unwrap();
    let out = msklint(&["check", "--format", "json", "p.pathway"], dir.path());
    assert_eq!(
        findings(&out),
        [
            ("bmi-threshold".into(), "warning".into(), 24),
            ("symptom-duration-gate".into(), "error".into(), 34)
        ]
    );
    // --no-config ignores the file
    let plain = msklint(
        &["check", "--format", "json", "--no-config", "p.pathway"],
        dir.path(),
    );
    assert_eq!(findings(&plain).len(), 3);
}

#[test]
fn config_parameters_and_per_path_overrides_apply() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("legacy")).unwrap();
    let gated = with("  service imaging: \"Imaging\" { kind: diagnostics }\n  fcp -> imaging\n  imaging -> home\n");
    std::fs::write(dir.path().join("new.pathway"), &gated).unwrap();
    std::fs::write(dir.path().join("legacy/old.pathway"), &gated).unwrap();
    // imaging sits behind one mandatory service (fcp): silent at the default depth of 2
    let default = msklint(&["check", "--format", "json", "."], dir.path());
    assert_eq!(findings(&default), []);
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  stage-gate: { min-services: 1 }\noverrides:\n  - paths: [\"legacy/**\"]\n    rules:\n      stage-gate: off\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "."], dir.path());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hits: Vec<(&str, &str)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["rule"].as_str().unwrap()))
        .collect();
    assert!(hits.contains(&("./new.pathway", "stage-gate")), "{hits:?}");
    assert!(!hits.iter().any(|(p, _)| p.contains("legacy")), "{hits:?}");
}

#[test]
fn bad_config_is_a_diagnostic_pointing_into_the_yaml_with_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.pathway"), CLEAN).unwrap();
    for (yaml, needle) in [
        (
            "rules:\n  bmi-treshold: off\n",
            "did you mean `bmi-threshold`?",
        ),
        ("rules:\n  dead-end: loud\n", "not a severity"),
        ("rules:\n  syntax-error: off\n", "cannot be switched off"),
        (
            "rules:\n  dead-end: { depth: 3 }\n",
            "unknown parameter `depth`",
        ),
        ("rulez: {}\n", "unknown field `rulez`"),
        ("rules:\n  MSK403: off\n", "is the code of `dead-end`"),
        (
            "rules:\n  Dead-End: off\n",
            "written in lower case, `dead-end`",
        ),
        (
            "rules:\n  stage-gate: { min-services: \"three\" }\n",
            "must be like its default",
        ),
        (
            "rules:\n  stage-gate: { min-services: -1 }\n",
            "must be like its default",
        ),
        (
            "rules:\n  dead-end:\n",
            "set to something other than a severity",
        ),
        ("rules:\n\tdead-end: off\n", "a tab indents this line"),
    ] {
        std::fs::write(dir.path().join("msklint.yaml"), yaml).unwrap();
        let out = msklint(&["check", "p.pathway"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{yaml}");
        let err = text(&out.stderr);
        assert!(err.contains(needle), "{yaml}: {err}");
        assert!(err.contains("msklint.yaml:"), "points into the file: {err}");
    }
    let missing = msklint(&["check", "--config", "nope.yaml", "p.pathway"], dir.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("nope.yaml"));
    let folder = msklint(&["check", "--config", ".", "p.pathway"], dir.path());
    assert_eq!(folder.status.code(), Some(2));
    assert!(text(&folder.stderr).contains("this is a directory, not a file"));
    assert!(!text(&folder.stderr).contains("os error"));
}

#[test]
fn malformed_rule_file_points_at_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    let good =
        std::fs::read_to_string(root().join("fixtures/custom-rules/local/age-threshold.yaml"))
            .unwrap();
    std::fs::write(
        rules.join("bad.yaml"),
        good.replace("  criterion:\n", "  criterrion:\n"),
    )
    .unwrap();
    std::fs::write(dir.path().join("p.pathway"), CLEAN).unwrap();
    let out = msklint(&["check", "--rules-dir", "rules", "p.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("unknown variant `criterrion`"), "{err}");
    assert!(err.contains("bad.yaml:26:3"), "{err}");

    std::fs::write(
        rules.join("bad.yaml"),
        good.replace("code: ORG001", "code: MSK101"),
    )
    .unwrap();
    let clash = msklint(&["check", "--rules-dir", "rules", "p.pathway"], dir.path());
    assert!(
        text(&clash.stderr).contains("rule code `MSK101` is already used"),
        "{}",
        text(&clash.stderr)
    );

    std::fs::write(
        rules.join("bad.yaml"),
        good.replace("attributes: [age]", "attributes: [age]\n    any: [surgery]"),
    )
    .unwrap();
    let unknown = msklint(&["check", "--rules-dir", "rules", "p.pathway"], dir.path());
    assert!(
        text(&unknown.stderr).contains("unknown field `any`"),
        "{}",
        text(&unknown.stderr)
    );

    // a billion-laughs alias bomb is refused, not expanded
    let bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";
    std::fs::write(rules.join("bad.yaml"), bomb).unwrap();
    let bombed = msklint(&["check", "--rules-dir", "rules", "p.pathway"], dir.path());
    assert_eq!(bombed.status.code(), Some(2));
}

#[test]
fn suppressions_silence_findings_and_are_themselves_checked() {
    let dir = tempfile::tempdir().unwrap();
    let src = CLEAN
        .replace(
            "  service rehab:",
            "  # msklint: allow(dead-end) reason: \"people leave rehab through the ICB-wide discharge pathway\"\n  service rehab:",
        )
        .replace("  escape, talking, link, rehab -> home\n", "  escape, talking, link -> home\n");
    std::fs::write(dir.path().join("p.pathway"), &src).unwrap();
    let out = msklint(&["check", "--format", "json", "p.pathway"], dir.path());
    assert_eq!(
        findings(&out),
        [],
        "the dead end is suppressed with a reason"
    );

    let no_reason = src.replace(
        " reason: \"people leave rehab through the ICB-wide discharge pathway\"",
        "",
    );
    std::fs::write(dir.path().join("p.pathway"), &no_reason).unwrap();
    let out = msklint(&["check", "--format", "json", "p.pathway"], dir.path());
    assert_eq!(
        findings(&out),
        [("suppression-without-reason".into(), "warning".into(), 29)]
    );

    // In a file that does not parse, the broken items were not read and
    // some checks held back, so suppressions are not judged; a suppression
    // of the syntax error itself is refused.
    let broken = "pathway \"x\" {\n  # msklint: allow(dead-end, syntax-error) reason: \"x\"\n  entry a \"A\"\n}\n";
    std::fs::write(dir.path().join("p.pathway"), broken).unwrap();
    let out = msklint(&["check", "--format", "json", "p.pathway"], dir.path());
    assert_eq!(
        findings(&out),
        [
            ("unused-suppression".into(), "warning".into(), 2),
            ("syntax-error".into(), "error".into(), 3)
        ]
    );

    let unused = CLEAN.replace(
        "  service rehab:",
        "  # msklint: allow(dead-end) reason: \"x\"\n  service rehab:",
    );
    std::fs::write(dir.path().join("p.pathway"), &unused).unwrap();
    let out = msklint(&["check", "--format", "json", "p.pathway"], dir.path());
    assert_eq!(
        findings(&out),
        [("unused-suppression".into(), "warning".into(), 29)]
    );
}

#[test]
fn rules_lists_every_rule_and_explain_prints_everything() {
    let out = msklint(&["rules"], &root());
    assert_eq!(out.status.code(), Some(0));
    let list = text(&out.stdout);
    assert!(list.contains("MSK101  bmi-threshold"), "{list}");
    assert!(list.contains("48 rules"), "{list}");

    for key in [
        "bmi-threshold",
        "MSK101",
        "msk101",
        "bmi_threshold",
        "BMI_Threshold",
    ] {
        let e = msklint(&["explain", key], &root());
        assert_eq!(e.status.code(), Some(0));
        let t = text(&e.stdout);
        for part in [
            "MSK101 bmi-threshold",
            "Why it matters:",
            "How to fix it:",
            "What it checks:",
            "Sources:",
            "ARMA key messages 2023, section 6",
            "Example that fires:",
            "Example that passes:",
            "allow(bmi-threshold)",
        ] {
            assert!(t.contains(part), "explain {key} lacks {part:?}:\n{t}");
        }
        // The regular expressions come last, for rule authors: a lay
        // reader meets the fix, the sources and the examples first.
        let patterns = t
            .find("\nProse patterns (for rule authors")
            .expect("patterns");
        for part in ["Sources:", "Example that fires:", "allow(bmi-threshold)"] {
            assert!(
                t.find(part).unwrap() < patterns,
                "{part} after the patterns"
            );
        }
        assert!(
            !t[..patterns].contains("\\b("),
            "a regex before the patterns:\n{t}"
        );
    }
    let unknown = msklint(&["explain", "bmi-treshold"], &root());
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("did you mean `bmi-threshold`?"));
    // A word of a rule's name points at the rules that have it.
    for (word, hint) in [
        ("bmi", "rules with `bmi` in their name: `bmi-threshold`"),
        (
            "mental",
            "rules with `mental` in their name: `missing-mental-health`",
        ),
    ] {
        let out = msklint(&["explain", word], &root());
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out.stderr).contains(hint), "{}", text(&out.stderr));
    }
    // Too many to be a hint ("missing" is in a dozen names): none.
    let out = msklint(&["explain", "missing"], &root());
    assert!(
        !text(&out.stderr).contains("in their name"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn rules_and_explain_say_what_msklint_yaml_changes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  stage-gate: error\n  dead-end: off\n  bmi-threshold: error\noverrides:\n  - paths: [\"legacy/**\"]\n    rules: { stage-gate: off }\n",
    )
    .unwrap();
    let table = text(&msklint(&["rules"], dir.path()).stdout);
    let line = |name: &str| {
        table
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(name))
            .unwrap_or_else(|| panic!("no {name} in:\n{table}"))
            .split_whitespace()
            .nth(2)
            .unwrap()
            .to_string()
    };
    assert_eq!(line("stage-gate"), "error*");
    assert_eq!(line("dead-end"), "off*");
    assert_eq!(line("bmi-threshold"), "error*");
    assert_eq!(line("missing-mental-health"), "warning");
    assert!(table.contains("* set in msklint.yaml;"), "{table}");
    // --no-config: the defaults, unmarked.
    let plain = text(&msklint(&["rules", "--no-config"], dir.path()).stdout);
    assert!(!plain.contains('*'), "{plain}");

    let e = text(&msklint(&["explain", "stage-gate"], dir.path()).stdout);
    assert!(
        e.starts_with("MSK402 stage-gate  (warning by default, shape)\n"),
        "{e}"
    );
    assert!(
        e.contains("msklint.yaml sets this rule to `error` (its default is `warning`); `off` for files matching `legacy/**`."),
        "{e}"
    );
    let same = text(&msklint(&["explain", "bmi-threshold"], dir.path()).stdout);
    assert!(same.contains("to `error` (its default too)."), "{same}");
    let untouched = text(&msklint(&["explain", "dead-end", "--no-config"], dir.path()).stdout);
    assert!(
        untouched.starts_with("MSK403 dead-end  (warning, shape)\n"),
        "{untouched}"
    );
    assert!(!untouched.contains("sets this rule"), "{untouched}");

    let json: serde_json::Value =
        serde_json::from_slice(&msklint(&["rules", "--format", "json"], dir.path()).stdout)
            .unwrap();
    let row = |name: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row("stage-gate")["severity"],
        "warning",
        "the default stays"
    );
    assert_eq!(
        row("stage-gate")["configured"],
        serde_json::json!({"severity": "error", "params": {}, "overrides": [{"paths": ["legacy/**"], "severity": "off"}]})
    );
    assert_eq!(row("dead-end")["configured"]["severity"], "off");
    assert!(row("missing-mental-health")["configured"].is_null());
    // Parameters count as a change too.
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  stage-gate:\n    min-services: 5\n",
    )
    .unwrap();
    let e = text(&msklint(&["explain", "stage-gate"], dir.path()).stdout);
    assert!(e.contains("msklint.yaml sets `min-services: 5`."), "{e}");
    let table = text(&msklint(&["rules"], dir.path()).stdout);
    assert!(table.contains("warning*"), "{table}");
    // docs/rules.md is the reference: the Markdown ignores the configuration.
    let md = msklint(&["rules", "--format", "markdown"], dir.path());
    let committed = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    assert!(text(&md.stdout) == committed);
}

#[test]
fn every_rule_is_documented_and_cites_a_source() {
    let out = msklint(&["rules", "--format", "json"], &root());
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for r in rules.as_array().unwrap() {
        let name = r["name"].as_str().unwrap();
        for field in ["summary", "rationale", "help", "check"] {
            assert!(
                r[field].as_str().is_some_and(|s| s.len() > 20),
                "{name}: thin {field}"
            );
        }
        assert!(
            !r["sources"].as_array().unwrap().is_empty(),
            "{name}: no sources"
        );
        if r["category"] != "language" {
            let question = r["question"].as_str().unwrap_or("");
            assert!(
                question.ends_with('?') || question.ends_with('.'),
                "{name}: no question for the report"
            );
            assert!(r["theme"].is_string(), "{name}: no report theme");
        }
    }
}

#[test]
fn docs_rules_md_is_generated_from_the_rule_files() {
    let out = msklint(&["rules", "--format", "markdown"], &root());
    let generated = text(&out.stdout);
    let committed = std::fs::read_to_string(root().join("docs/rules.md")).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn cycles_are_ordinary_input_for_every_rule() {
    // Self-loops, a two-node loop and a re-referral loop back to the start.
    let looped = with(
        "  service review: \"Review clinic\" { kind: community }\n  fcp -> review\n  review -> review\n  review -> fcp\n  rehab -> fcp\n  talking -> link\n  link -> talking\n",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.pathway"), looped).unwrap();
    let out = msklint(&["check", "--format", "json", "p.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    // review has onward routes (even if one is to itself), so no dead end;
    // nothing is unreachable; loops are not findings.
    assert_eq!(findings(&out), []);

    // A pathway that is one big loop with no exit still terminates and
    // reports what is actually wrong with it.
    let ring = "pathway \"Ring\" {\n  entry gp: \"GP\" { kind: gp }\n  service a: \"A\" { kind: community }\n  service b: \"B\" { kind: secondary  offers: [surgery] }\n  gp -> a\n  a -> b\n  b -> a\n}\n";
    std::fs::write(dir.path().join("p.pathway"), ring).unwrap();
    let out = msklint(&["check", "--format", "json", "p.pathway"], dir.path());
    let rules: Vec<String> = findings(&out).into_iter().map(|f| f.0).collect();
    assert!(
        rules.contains(&"missing-rehabilitation".to_string()),
        "{rules:?}"
    );
    assert!(!rules.contains(&"dead-end".to_string()), "{rules:?}");
    assert!(!rules.contains(&"linear-pathway".to_string()), "{rules:?}");
}

/// `explain` offers a way to silence a finding only where one works: none
/// for the findings that cannot be suppressed, a setting or a baseline for
/// guesses read from a diagram, and a sidecar file for PDFs and Word.
#[test]
fn explain_offers_only_suppressions_that_work() {
    for locked in ["syntax-error", "invalid-encoding"] {
        let out = text(&msklint(&["explain", locked], &root()).stdout);
        assert!(!out.contains("allow("), "{out}");
        assert!(out.contains("cannot be suppressed"), "{out}");
    }
    let out = text(&msklint(&["explain", "import-guess"], &root()).stdout);
    assert!(!out.contains("allow("), "{out}");
    assert!(
        out.contains("import-guess: off") && out.contains("--write-baseline"),
        "{out}"
    );
    let out = text(&msklint(&["explain", "bmi-threshold"], &root()).stdout);
    assert!(out.contains("# msklint: allow(bmi-threshold)"), "{out}");
    assert!(out.contains("<!-- msklint: allow(bmi-threshold)"), "{out}");
    assert!(out.contains("sidecar file"), "{out}");
    assert!(out.contains("`.docx`, `.pdf`"), "{out}");
}

/// The rule names a setup problem carries in JSON and SARIF
/// (`invalid-config`, `invalid-rule`) are explained like any rule's:
/// `explain` said no rule had the name a finding showed.
#[test]
fn explain_knows_the_setup_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  bmi-treshold: off\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("p.pathway"), "pathway \"P\" { }\n").unwrap();
    let out = msklint(&["check", "--format", "json", "p.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let json = text(&out.stdout);
    assert!(json.contains("\"invalid-config\""), "{json}");
    // Asked in the folder whose msklint.yaml does not load, in capitals too.
    for name in ["invalid-config", "invalid-rule", "Invalid-Config"] {
        let out = msklint(&["explain", name], dir.path());
        assert_eq!(out.status.code(), Some(0), "{name}");
        let said = text(&out.stdout);
        assert!(
            said.starts_with(&name.to_ascii_lowercase()) && said.contains("How to fix it"),
            "{said}"
        );
    }
}

/// `explain` shows a question's stand-ins as `<node>`, not as template
/// text, for every rule; and counts two patterns as "both".
#[test]
fn explain_shows_stand_ins_not_templates() {
    let listed = text(&msklint(&["rules", "--format", "json"], &root()).stdout);
    let rules: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let names: Vec<&str> = rules
        .as_array()
        .or_else(|| rules["rules"].as_array())
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(names.len() > 40);
    for name in names {
        let out = text(&msklint(&["explain", name], &root()).stdout);
        let question = out
            .split("Question for the pathway's authors:")
            .nth(1)
            .map(|q| q.split("\n\n").next().unwrap_or_default())
            .unwrap_or_default();
        assert!(!question.contains('{'), "{name}: {question}");
        assert!(!out.contains("all 2 patterns"), "{name}");
    }
    let out = text(&msklint(&["explain", "bmi-threshold"], &root()).stdout);
    assert!(
        out.contains("requires `<criterion>` before people can reach `<node>`"),
        "{out}"
    );
    assert!(
        out.contains("each <...> is filled in from the finding"),
        "{out}"
    );
}

/// What a newcomer writing a policy-only rule meets: `check: builtin` with
/// a `prose:` section reads policies; a pattern in double quotes (where
/// YAML turns `\b` into a backspace) is refused at the pattern with the
/// fix; a bad pattern is shown where it is written, not at its list; an
/// unknown escape says to use single quotes; a byte-order mark is read
/// past and a file in another encoding is named as such.
#[test]
fn a_policy_only_rule_and_its_mistakes() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        dir.path().join("p.md"),
        "Patients must have tried physiotherapy for 12 weeks before referral.\n",
    )
    .unwrap();
    let head = "name: physio-trial\ncode: ICB001\ncategory: access\nseverity: error\n\
                summary: Referral waits on a set period of physiotherapy.\n\
                message: \"a set period of physiotherapy first\"\nlabel: physiotherapy first\n\
                rationale: A fixed trial delays care.\nhelp: Decide together when to refer.\n\
                sources:\n  - \"Example ICB strategy\"\n\
                examples:\n  fail: \"gp -> ortho\"\n  pass: \"gp -> ortho\"\n\
                check: builtin\nprose:\n  all:\n";
    let rule = |patterns: &str| format!("{head}{patterns}");
    let run = |file: &[u8]| {
        std::fs::write(rules.join("physio.yaml"), file).unwrap();
        msklint(
            &[
                "check",
                "--no-config",
                "--format",
                "json",
                "--rules-dir",
                "rules",
                "p.md",
            ],
            dir.path(),
        )
    };

    let good = rule("    - '\\bphysio(therapy)?\\b'\n    - '\\b\\d+ weeks\\b'\n");
    let out = run(good.as_bytes());
    let fired: Vec<String> = findings(&out).into_iter().map(|f| f.0).collect();
    assert!(
        fired.contains(&"physio-trial".to_string()),
        "{fired:?} {}",
        text(&out.stderr)
    );
    // The same, saved by Notepad with a byte-order mark.
    let out = run(format!("\u{feff}{good}").as_bytes());
    let fired: Vec<String> = findings(&out).into_iter().map(|f| f.0).collect();
    assert!(fired.contains(&"physio-trial".to_string()), "{fired:?}");

    let cases: [(&str, &str, &[&str]); 4] = [
        (
            "    - '\\bphysio'\n    - '.*'\n",
            "physio.yaml:19:8",
            &["matches every sentence"],
        ),
        (
            "    - \"\\bphysio(therapy)?\\b\"\n",
            "physio.yaml:18:8",
            &["backspace", "single quotes"],
        ),
        (
            "    - '\\bphysio'\n    - '\\b\\d+ (weeks?|months?\\b'\n",
            "physio.yaml:19:8",
            &["unclosed group"],
        ),
        (
            "    - \"\\d+ weeks\"\n",
            "physio.yaml",
            &["unknown escape", "single quotes"],
        ),
    ];
    for (patterns, place, words) in cases {
        let out = run(rule(patterns).as_bytes());
        assert_eq!(out.status.code(), Some(2), "{patterns}");
        let err = text(&out.stderr);
        assert!(err.contains(place), "{patterns}: {err}");
        for w in words {
            assert!(err.contains(w), "{patterns}: {w}: {err}");
        }
    }
    // A misspelt field is named with the one meant.
    let out = run(good.replace("rationale:", "rational:").as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did you mean `rationale`?"),
        "{}",
        text(&out.stderr)
    );
    // Windows-1252 (a pound sign as one byte) is not UTF-8.
    let mut latin = good.clone().into_bytes();
    latin.extend(b"# \xa3 cost\n");
    let out = run(&latin);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("save it as UTF-8"),
        "{}",
        text(&out.stderr)
    );
}
