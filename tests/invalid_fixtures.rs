//! Every file in fixtures/invalid/ names the diagnostics it must produce in
//! `# expect: RULE LINE:COL` comments. This test checks the exact set, and
//! snapshots the rendered output so message quality is reviewed by eye.

use std::path::Path;

use msklint::check::{FileReport, Linter};
use msklint::diagnostic::Diagnostic;
use msklint::output::human::{self, HumanOptions};

fn linter() -> Linter {
    Linter::builtin().unwrap()
}

/// The language-stage findings: these fixtures are tiny pathways that the
/// guidance rules would also comment on, which is not what they test.
fn language(linter: &Linter, report: &FileReport) -> Vec<Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| {
            linter
                .rules
                .find(&d.rule)
                .is_some_and(|r| r.rule.category == "language")
        })
        .cloned()
        .collect()
}

fn expectations(bytes: &[u8]) -> Vec<(String, usize, usize)> {
    let text = String::from_utf8_lossy(bytes);
    let mut out: Vec<_> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("# expect: "))
        .map(|e| {
            let (rule, pos) = e.split_once(' ').unwrap();
            let (line, col) = pos.trim().split_once(':').unwrap();
            (
                rule.to_string(),
                line.parse().unwrap(),
                col.parse().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pathway"))
        .collect();
    files.sort();
    files
}

#[test]
fn each_invalid_fixture_yields_exactly_its_diagnostics() {
    let files = fixtures();
    assert!(files.len() >= 15, "fixtures/invalid/ lost files");
    let linter = linter();
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let expected = expectations(&bytes);
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        assert!(!expected.is_empty(), "{stem}: no `# expect:` lines");
        // The file is named after the diagnostic it demonstrates.
        assert!(
            expected
                .iter()
                .all(|(rule, _, _)| stem.starts_with(rule.as_str())),
            "{stem}: expects a rule its name does not mention"
        );
        let report = linter.check_bytes(&stem, bytes);
        let mut actual: Vec<_> = language(&linter, &report)
            .iter()
            .map(|d| {
                let at = report.source.line_col(d.span.start());
                (d.rule.to_string(), at.line, at.column)
            })
            .collect();
        actual.sort();
        assert_eq!(actual, expected, "{stem}");
    }
}

#[test]
fn rendered_diagnostics() {
    let linter = linter();
    let handler = human::handler(HumanOptions::plain());
    insta::glob!("../fixtures", "invalid/*.pathway", |path| {
        let bytes = std::fs::read(path).unwrap();
        let name = format!("invalid/{}", path.file_name().unwrap().to_string_lossy());
        let report = linter.check_bytes(&name, bytes);
        let rendered: String = language(&linter, &report)
            .iter()
            .map(|d| human::render_one(&handler, d, &report.source))
            .collect::<Vec<_>>()
            .join("\n");
        insta::assert_snapshot!(rendered);
    });
}
