//! Very long lines: a Markdown or Word paragraph on one line, a route with
//! tens of thousands of targets, findings past column 65,535. The human
//! output must not panic (miette's handler does, past that column), its
//! headers must give the true line and column, and every format must cost
//! linear time in the number of findings on a line.

#[allow(dead_code)] // the shared helpers are not all used here
mod common;

use std::io::Write;
use std::time::Instant;

use common::msklint;
use msklint::check::Linter;
use msklint::output::{concise, human, json};
use msklint::source::SourceFile;

fn linter() -> Linter {
    Linter::builtin().unwrap()
}

/// `path:line:column` of every finding, from the JSON output.
fn json_positions(out: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(out).unwrap();
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}",
                d["path"].as_str().unwrap(),
                d["line"],
                d["column"]
            )
        })
        .collect()
}

/// The `[path:line:column...]` of every snippet header in human output.
fn human_headers(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.split_once("╭─[").map(|(_, rest)| rest))
        .map(|h| {
            let h = h.trim_end_matches(']');
            h.split_once(", paragraph")
                .map_or(h, |(p, _)| p)
                .to_string()
        })
        .collect()
}

/// A filler paragraph of `chars` characters with no sentence break in it.
fn filler(chars: usize) -> String {
    "the service reviews each referral and agrees a plan with the person "
        .repeat(chars / 60 + 1)
        .chars()
        .take(chars)
        .collect()
}

#[test]
fn a_71000_character_markdown_paragraph_renders_in_part() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "# Knee policy\n\n{}. Patients with a BMI over 40 will not be referred for surgery. {}\n",
        filler(71_000),
        filler(500)
    );
    std::fs::write(dir.path().join("long.md"), &text).unwrap();
    let out = msklint(&["check", "long.md"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let human = String::from_utf8(out.stdout).unwrap();
    // The BMI sentence starts past column 65,535.
    assert!(human.contains("╭─[long.md:3:71003]"), "{human}");
    assert!(human.contains("⋯ "), "{human}");
    assert!(
        human.contains("line 3 (71564 characters) is long"),
        "{human}"
    );
    assert!(human.len() < 12_000, "{} bytes", human.len());
    let json = msklint(&["check", "--format", "json", "long.md"], dir.path());
    let json = String::from_utf8(json.stdout).unwrap();
    assert_eq!(human_headers(&human), json_positions(&json));
}

/// A Word document with the given paragraphs (only `word/document.xml`).
fn docx(paragraphs: &[String]) -> Vec<u8> {
    let mut body = String::from("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>");
    for p in paragraphs {
        body.push_str(&format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"));
    }
    body.push_str("</w:body></w:document>");
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(body.as_bytes()).unwrap();
    zip.finish().unwrap();
    buf.into_inner()
}

#[test]
fn a_word_document_with_one_long_paragraph_renders_in_part() {
    let dir = tempfile::tempdir().unwrap();
    let paragraph = format!(
        "{}. Smokers must stop smoking for 8 weeks before listing for surgery.",
        filler(80_000)
    );
    std::fs::write(
        dir.path().join("policy.docx"),
        docx(&["Hip policy".to_string(), paragraph]),
    )
    .unwrap();
    let out = msklint(&["check", "policy.docx"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(human.contains("smoking-restriction"), "{human}");
    assert!(human.contains("╭─[policy.docx:3:80003"), "{human}");
    let json = msklint(&["check", "--format", "json", "policy.docx"], dir.path());
    let json = String::from_utf8(json.stdout).unwrap();
    assert_eq!(human_headers(&human), json_positions(&json));
}

/// `gp -> t0, t1, ...`: every target undeclared, all on line 3.
fn many_targets(n: usize) -> String {
    let targets: Vec<String> = (0..n).map(|i| format!("t{i}")).collect();
    format!(
        "pathway \"p\" {{\n  entry gp: \"GP\" {{ kind: gp }}\n  gp -> {}\n}}\n",
        targets.join(", ")
    )
}

#[test]
fn twenty_thousand_undefined_targets_on_one_line_render() {
    let report = linter().check_text("targets.pathway", many_targets(20_000));
    let reports = [report];
    let human = human::render(&reports, human::HumanOptions::plain());
    let concise = concise::render(&reports);
    let json = json::render(&reports);
    assert_eq!(human_headers(&human), json_positions(&json));
    let headers = human_headers(&human);
    let lines: Vec<String> = concise
        .lines()
        .filter_map(|l| l.split(": ").next())
        .filter(|p| p.starts_with("targets.pathway:"))
        .map(str::to_string)
        .collect();
    assert_eq!(headers, lines);
    let last = headers.last().unwrap();
    assert_eq!(last, "targets.pathway:3:148891");
    assert!(human.contains("route names `t19999`"));
}

#[test]
fn labels_far_apart_on_one_line_show_true_positions() {
    let pad = " ".repeat(70_000);
    let text = format!(
        "pathway \"p\" {{\r\n  entry gp: \"GP\" {{ kind: gp }}{pad}entry gp: \"Again\" {{ kind: gp }}  gp -> {pad}zz\r\n}}\r\n"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("far.pathway"), &text).unwrap();
    let out = msklint(&["check", "far.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(human.contains("╭─[far.pathway:2:70036]"), "{human}");
    assert!(human.contains("╭─[far.pathway:2:140068]"), "{human}");
    assert!(human.contains("first declared here"), "{human}");
    assert!(human.contains("declared again here"), "{human}");
    let json = msklint(&["check", "--format", "json", "far.pathway"], dir.path());
    let json = String::from_utf8(json.stdout).unwrap();
    assert_eq!(human_headers(&human), json_positions(&json));
}

/// Each column on a long line used to be counted from the line's start,
/// so N findings on one line cost N times the line: 200,000 undefined
/// targets took 11 s in concise output. Counting from the nearest mark makes
/// a lookup cost the same on any line, which is what this measures: the
/// same number of lookups on a line eight times longer must not take eight
/// times as long (best of three runs, so other work on the machine does not
/// decide the result).
#[test]
fn columns_on_a_long_line_cost_the_same_whatever_its_length() {
    const LOOKUPS: usize = 20_000;
    let time = |repeats: usize| {
        let line = "é, ".repeat(repeats);
        let file = SourceFile::new("t", format!("x\n{line}\n"));
        let step = repeats / LOOKUPS;
        (0..3)
            .map(|_| {
                let started = Instant::now();
                for i in (0..repeats).step_by(step) {
                    let at = file.line_col(2 + i * 4);
                    assert_eq!((at.line, at.column), (2, i * 3 + 1));
                }
                started.elapsed()
            })
            .min()
            .unwrap()
    };
    let short = time(100_000);
    let long = time(800_000);
    let ratio = long.as_secs_f64() / short.as_secs_f64().max(1e-9);
    assert!(ratio < 4.0, "{short:?} on 400 kB, {long:?} on 3.2 MB");
}

/// The consultation report quoted each finding's whole line: 50,000
/// undefined targets on one line made 20 GB of report (the run was killed).
/// Long lines are now quoted in part, as the human output shows them, and
/// these findings, the tool's own, are notes that quote no line.
#[test]
fn the_report_quotes_long_lines_in_part() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("targets.pathway"), many_targets(5_000)).unwrap();
    for format in ["markdown", "html"] {
        let out = msklint(
            &["report", "--format", format, "targets.pathway"],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        // Quoting the 34 kB line 5,000 times took 170 MB.
        assert!(text.len() < 5_000_000, "{format}: {} bytes", text.len());
        // Undefined targets are notes for the reviewer, one line each,
        // quoting no line at all.
        assert!(text.contains("Notes for the reviewer"), "{format}");
        assert!(text.contains("t4999"), "{format}");
        assert!(!text.contains("t4998, t4999"), "{format}");
    }
}

/// A finding pointing at a thousand places along one line: each label gets
/// a window, so without a cap the shortened line could itself pass column
/// 65,535.
#[test]
fn a_finding_with_a_thousand_labels_on_a_long_line_renders() {
    use msklint::diagnostic::Diagnostic;
    use msklint::span::Span;
    let text = "word ".repeat(100_000);
    let source = SourceFile::new("many.md", text);
    let mut d = Diagnostic::error("test", Span::new(0, 4), "many places");
    for i in 0..1000 {
        let at = i * 500;
        d = d.with_related(Span::new(at, at + 4), "here");
    }
    let handler = human::handler(human::HumanOptions::plain());
    let out = human::render_one(&handler, &d, &source);
    assert!(out.contains("╭─[many.md:1:1]"), "{out}");
    assert!(out.len() < 200_000, "{} bytes", out.len());
}
