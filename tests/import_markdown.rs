//! Mermaid flowcharts fenced in a Markdown policy (src/import/markdown.rs,
//! docs/import.md "Mermaid inside Markdown"): checked as pathways beside
//! the prose, each finding on the line of the `.md` that draws its shape;
//! other Mermaid diagrams left alone; a flowchart that cannot be read is
//! one finding while the prose is still checked; every output format runs.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use msklint::check::{FileReport, Linter};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn msklint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn linter() -> Linter {
    Linter::builtin().unwrap()
}

fn check(text: &str) -> FileReport {
    let report = linter().check_text("policy.md", text.to_string());
    assert!(report.problem().is_none(), "{:?}", report.problem());
    report
}

/// The 1-based line a finding starts on.
fn line(report: &FileReport, rule: &str) -> usize {
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.rule == rule)
        .unwrap_or_else(|| panic!("no {rule}: {:#?}", report.diagnostics));
    report.source.line_col(d.span.start()).line
}

fn rules(report: &FileReport) -> Vec<&str> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule != "import-guess")
        .map(|d| d.rule.as_str())
        .collect()
}

/// The 1-based line of the first line of `text` holding `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

const FIXTURE: &str = "fixtures/import/hip-knee-oa-policy.md";

#[test]
fn the_drawn_example_gives_the_hand_written_findings_at_its_lines() {
    let linter = linter();
    let read = |path: &str| std::fs::read(root().join(path)).unwrap();
    let example = linter.check_bytes(
        "fixtures/examples/hip-knee-oa.pathway",
        read("fixtures/examples/hip-knee-oa.pathway"),
    );
    let policy = linter.check_bytes(FIXTURE, read(FIXTURE));
    assert!(policy.problem().is_none(), "{:?}", policy.problem());
    let count = |r: &FileReport| {
        let mut m: BTreeMap<(String, String), usize> = BTreeMap::new();
        for d in r.diagnostics.iter().filter(|d| d.rule != "import-guess") {
            let key = (d.rule.to_string(), d.subject.clone().unwrap_or_default());
            *m.entry(key).or_default() += 1;
        }
        m
    };
    let want = count(&example);
    assert_eq!(want.len(), 3, "{want:?}");
    assert_eq!(count(&policy), want);
    let text = std::str::from_utf8(&read(FIXTURE)).unwrap().to_string();
    let ortho = line_of(&text, "ortho[\"Orthopaedic surgery");
    assert_eq!(line(&policy, "bmi-threshold"), ortho);
    assert_eq!(line(&policy, "smoking-restriction"), ortho);
    assert_eq!(
        line(&policy, "symptom-duration-gate"),
        line_of(&text, "escape -->|symptoms for 12 weeks")
    );
    // The findings name the shape they are about, in the Markdown itself.
    let bmi = policy
        .diagnostics
        .iter()
        .find(|d| d.rule == "bmi-threshold")
        .unwrap();
    let part = policy.source.part_at(bmi.span.start()).unwrap();
    assert_eq!(part.id, "ortho");
    assert!(part.text.starts_with("Orthopaedic surgery"), "{part:?}");
    assert_eq!(bmi.pathway.as_deref(), Some("Hip and knee osteoarthritis"));
    // Guesses too, each inside the file and on the fence.
    let guesses: Vec<_> = policy
        .diagnostics
        .iter()
        .filter(|d| d.rule == "import-guess")
        .collect();
    assert!(guesses.len() > 10);
    let (open, close) = (line_of(&text, "```mermaid"), text.lines().count());
    for g in guesses {
        let at = policy.source.line_col(g.span.start()).line;
        assert!(open <= at && at <= close, "{g:?}");
    }
}

#[test]
fn other_mermaid_diagrams_are_left_alone() {
    let r = check(
        "# Referrals\n\nPatients are seen by a physiotherapist.\n\n```mermaid\nsequenceDiagram\n  GP->>Physio: referral\n```\n",
    );
    assert!(r.source.parts().is_empty());
    assert!(
        r.diagnostics
            .iter()
            .all(|d| d.rule != "syntax-error" && d.rule != "import-guess"),
        "{:#?}",
        r.diagnostics
    );
}

#[test]
fn a_broken_flowchart_is_one_finding_and_the_prose_is_still_checked() {
    let text = "# Knee policy\n\nPatients with a BMI over 40 will not be referred for surgery.\n\n```mermaid\nflowchart TD\n  gp([GP practice]) --> ortho[Orthopaedic surgery\n```\n";
    let r = check(text);
    let broken: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "syntax-error")
        .collect();
    assert_eq!(broken.len(), 1, "{:#?}", r.diagnostics);
    assert_eq!(line(&r, "syntax-error"), 7);
    assert!(
        broken[0].message.contains("never closed"),
        "{}",
        broken[0].message
    );
    assert_eq!(line(&r, "bmi-threshold"), 3);
    let out = msklint_on(text, &["--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn two_fences_are_two_pathways_named_by_their_headings() {
    let text = "# Policy\n\nEveryone can refer themselves.\n\n## Knees\n\n```mermaid\nflowchart TD\n  gp([GP practice]) --> ortho[\"Orthopaedic surgery<br>BMI < 40\"]\n```\n\n## Backs\n\n~~~mermaid\ngraph LR\n  gp([GP practice]) --> pain[Pain clinic]\n  pain -->|non-smoker| spine[Spinal surgery]\n~~~\n";
    let r = check(text);
    let pathways: Vec<&str> = r
        .diagnostics
        .iter()
        .filter_map(|d| d.pathway.as_deref())
        .collect();
    assert!(pathways.contains(&"Knees"), "{pathways:?}");
    assert!(pathways.contains(&"Backs"), "{pathways:?}");
    assert_eq!(line(&r, "bmi-threshold"), 9);
    assert_eq!(line(&r, "smoking-restriction"), 17);
}

#[test]
fn tilde_and_indented_fences_are_read() {
    let text = "# Hips\n\n   ~~~~ mermaid\n   flowchart TD\n     gp([GP practice]) --> ortho[\"Orthopaedic surgery<br>BMI < 40\"]\n   ~~~~\n";
    let r = check(text);
    assert_eq!(line(&r, "bmi-threshold"), 5);
    // Four spaces in is indented code, not a fence: not read.
    let r = check("# Hips\n\nSome text.\n\n    ```mermaid\n    flowchart TD\n      gp([GP practice]) --> ortho[\"Orthopaedic surgery<br>BMI < 40\"]\n    ```\n");
    assert!(r.source.parts().is_empty());
}

#[test]
fn a_fence_never_closed_runs_to_the_end_of_the_file() {
    let text = "# Hips\n\nEveryone is assessed.\n\n```mermaid\nflowchart TD\n  gp([GP practice]) --> ortho[\"Orthopaedic surgery<br>BMI < 40\"]\n";
    let r = check(text);
    assert_eq!(line(&r, "bmi-threshold"), 7);
}

#[test]
fn sentences_inside_the_fence_are_not_read_as_prose() {
    // Read as prose, this label would be a smoking restriction sentence
    // at line 8; read as a route label it is a criterion on the link.
    let text = "# Hips\n\nEveryone is assessed by a physiotherapist.\n\n```mermaid\nflowchart TD\n  gp([GP practice]) --> physio[Physiotherapy]\n  physio -->|Smokers will not be referred until they have stopped smoking| ortho[Orthopaedic surgery]\n```\n";
    let r = check(text);
    let prose_at_fence = r
        .diagnostics
        .iter()
        .any(|d| d.rule == "smoking-restriction" && d.pathway.is_none());
    assert!(!prose_at_fence, "{:#?}", r.diagnostics);
    // What is found there is the drawn pathway's: its route and its
    // `when` text, as in a `.mmd` file.
    for d in r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "smoking-restriction")
    {
        assert_eq!(d.pathway.as_deref(), Some("Hips"));
        assert_eq!(r.source.line_col(d.span.start()).line, 8);
    }
    assert_eq!(line(&r, "smoking-restriction"), 8);
}

#[test]
fn a_gap_is_reported_once() {
    // The words never mention mental health and nor does the drawing:
    // the drawn pathway's finding says so, the prose one is not repeated.
    let text = "# Knee policy\n\nPatients are seen by a physiotherapist.\n\n```mermaid\nflowchart TD\n  gp([GP practice]) --> physio[Physiotherapy]\n  physio --> home([Discharged])\n```\n";
    let r = check(text);
    let found: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "missing-mental-health")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].pathway.as_deref(), Some("Knee policy"));
    assert_eq!(line(&r, "missing-mental-health"), 5);
    // Without the drawing, the words are told.
    let words = check("# Knee policy\n\nPatients are seen by a physiotherapist.\n");
    assert!(rules(&words).contains(&"missing-mental-health"));
    // The drawing's words count as the policy's: no "never mentions
    // shared decision making" when the drawing names it.
    let text = "# Knee policy\n\nPatients are seen by a physiotherapist.\n\n```mermaid\nflowchart TD\n  gp([GP practice]) --> physio[\"Physiotherapy<br>shared decision-making\"]\n```\n";
    assert!(!rules(&check(text)).contains(&"missing-shared-decision-making"));
}

#[test]
fn what_the_page_says_in_words_counts_for_its_drawing() {
    // A drawing cannot declare `inequalities` or show every link, but the
    // page around it can: the drawn pathway is not told it lacks what
    // the page's own words supply.
    let drawing = "```mermaid\nflowchart TD\n  gp([GP practice]) --> physio[Physiotherapy]\n  physio --> home([Discharged])\n```\n";
    let said = format!(
        "# Knee pathway\n\nWe report waits by deprivation and ethnicity to narrow health inequalities.\nAnyone on the pathway can reach NHS Talking Therapies for psychological support.\n\n{drawing}"
    );
    let r = check(&said);
    let found = rules(&r);
    assert!(!found.contains(&"missing-inequalities"), "{found:?}");
    assert!(!found.contains(&"missing-mental-health"), "{found:?}");
    // What neither the words nor the drawing supply is still reported,
    // once, by the drawn pathway.
    assert!(found.contains(&"missing-social-prescribing"), "{found:?}");
    // The words of the drawing itself do not excuse it: a label naming
    // talking therapies on an unreached box is not the page saying so.
    let unreached = drawing.replace(
        "```\n",
        "  tt[Talking therapies for health inequalities] --> home\n```\n",
    );
    assert!(unreached.contains("tt[Talking"));
    let silent =
        format!("# Knee pathway\n\nPatients are seen by a physiotherapist.\n\n{unreached}");
    let found = rules(&check(&silent)).join(" ");
    assert!(found.contains("missing-inequalities"), "{found}");
    assert!(found.contains("missing-mental-health"), "{found}");
}

#[test]
fn json_names_the_shape() {
    let dir = root();
    let out = msklint(
        dir,
        &[
            "check",
            "--no-config",
            "--no-cache",
            "--format",
            "json",
            FIXTURE,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    assert!(text.contains("\"shape\""), "{text}");
    let findings = json["files"][0]["diagnostics"]
        .as_array()
        .or_else(|| json["diagnostics"].as_array())
        .cloned()
        .unwrap_or_default();
    let bmi = findings
        .iter()
        .find(|d| d["rule"] == "bmi-threshold")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(bmi["shape"].to_string().contains("ortho"), "{bmi}");
}

/// Runs `msklint check` on `text` saved as `policy.md` in a fresh folder.
fn msklint_on(text: &str, extra: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.md"), text).unwrap();
    let mut args = vec!["check", "--no-config", "--no-cache"];
    args.extend_from_slice(extra);
    args.push("policy.md");
    msklint(dir.path(), &args)
}

#[test]
fn every_output_format_runs_and_exit_codes_hold() {
    let fixture = std::fs::read_to_string(root().join(FIXTURE)).unwrap();
    let texts = [
        fixture.as_str(),
        "# P\n\nPatients with a BMI over 40 will not be referred.\n\n```mermaid\nflowchart TD\n  a --> b[open\n```\n",
        "# P\n\n```mermaid\nsequenceDiagram\n A->>B: hi\n```\n",
        "# P\n\n~~~mermaid\ngraph TD\n gp([GP]) --> x[Physio]\n~~~\n```mermaid\nflowchart LR\n y([GP]) --> z[Pain clinic]\n",
    ];
    for text in texts {
        for format in ["human", "concise", "json", "sarif", "github", "junit"] {
            let out = msklint_on(text, &["--format", format]);
            let code = out.status.code();
            assert!(
                code == Some(0) || code == Some(1),
                "{format}: {code:?} {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    // Findings: 1; a clean policy with a clean flowchart: 0.
    assert_eq!(msklint_on(&fixture, &[]).status.code(), Some(1));
}

#[test]
fn a_clean_policy_with_a_flowchart_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "# Knees\n\n```mermaid\nflowchart TD\n gp([GP practice]) --> physio[Physiotherapy]\n```\n";
    std::fs::write(dir.path().join("policy.md"), text).unwrap();
    // Every rule that finds something here switched off: nothing left.
    let report = check(text);
    let mut yaml = String::from("rules:\n");
    for rule in report.diagnostics.iter().map(|d| d.rule.as_str()) {
        let line = format!("  {rule}: off\n");
        if !yaml.contains(&line) {
            yaml.push_str(&line);
        }
    }
    std::fs::write(dir.path().join("msklint.yaml"), yaml).unwrap();
    let out = msklint(dir.path(), &["check", "--no-cache", "policy.md"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn import_writes_the_fences_pathways_or_says_there_are_none() {
    let out = msklint(root(), &["import", FIXTURE]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("pathway \"Hip and knee osteoarthritis\" {"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("none.md"),
        "# Nothing drawn\n\nJust words.\n",
    )
    .unwrap();
    let out = msklint(dir.path(), &["import", "none.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Mermaid flowchart"));
}

/// `graph` on a page with a fenced flowchart draws nothing, and says how
/// to draw it: write the pathway out with `import`, then draw that.
#[test]
fn graph_on_a_page_says_how_to_draw_its_flowchart() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("knee.md"),
        "# Knee\n\n```mermaid\nflowchart TD\n  gp([GP practice]) --> ortho[Orthopaedic surgery]\n```\n",
    )
    .unwrap();
    let out = msklint(dir.path(), &["graph", "knee.md"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("msklint import knee.md -o FILE.pathway"),
        "{err}"
    );
    let written = msklint(dir.path(), &["import", "knee.md", "-o", "knee.pathway"]);
    assert_eq!(written.status.code(), Some(0), "{written:?}");
    let drawn = msklint(dir.path(), &["graph", "knee.pathway"]);
    assert!(String::from_utf8_lossy(&drawn.stdout).contains("flowchart LR"));
}
