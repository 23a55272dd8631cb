//! PDF input: the test PDFs in fixtures/pdf/ (made by Chromium and
//! LibreOffice from the Markdown beside them, see fixtures/pdf/src/make.sh)
//! give the same findings as their Markdown, on the right pages, never on
//! a running header, footer or page number; unreadable PDFs are refused
//! with exit 2 and the rest of the run kept; no bytes make the reader
//! panic.

use std::path::{Path, PathBuf};
use std::process::Command;

use msklint::check::{FileReport, Linter};
use msklint::prose::pdf;
use proptest::prelude::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap()
}

/// Each policy's Markdown, the PDFs made from it, and its running header
/// (as fixtures/pdf/src/make.sh writes it).
const POLICIES: &[(&str, &str, &str)] = &[
    (
        "fixtures/examples/hip-knee-policy.md",
        "hip-knee-policy",
        "Example ICB - hip and knee policy - draft v0.3",
    ),
    (
        "fixtures/pdf/src/spinal-physio-policy.md",
        "spinal-physio-policy",
        "Example North ICB | MSK-07 | version 2.1",
    ),
    (
        "fixtures/pdf/src/shoulder-surgery-policy.md",
        "shoulder-surgery-policy",
        "Example South and West ICB | CT-22",
    ),
    (
        "fixtures/pdf/src/knee-arthroscopy-policy.md",
        "knee-arthroscopy-policy",
        "Example Riverside ICB | RV-031 | version 1.4",
    ),
    (
        "fixtures/pdf/src/hand-surgery-policy.md",
        "hand-surgery-policy",
        "Example Eastmoor ICB | HS-12 | version 3.0",
    ),
    (
        "fixtures/pdf/src/physio-access-policy.md",
        "physio-access-policy",
        "Westfield Community Health NHS Trust | OP-44",
    ),
];

/// How each PDF was made: Chromium, LibreOffice, and Chromium at about
/// Word's "1.5 lines" (a new paragraph and a wrapped line then drop alike).
const TOOLS: &[&str] = &["chromium", "libreoffice", "chromium-spaced"];

/// A sentence as both formats show it: words only, lower case.
fn words(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// (rule, sentence words) of each finding on a sentence; document-level
/// findings (at offset 0 with no snippet) by rule alone.
fn findings(report: &FileReport) -> Vec<(String, String)> {
    report
        .diagnostics
        .iter()
        .map(|d| (d.rule.to_string(), words(report.source.slice(d.span))))
        .collect()
}

#[test]
fn pdfs_give_the_markdown_findings_on_the_right_pages() {
    let linter = Linter::builtin().unwrap();
    let (mut matched, mut total) = (0, 0);
    let mut misses = Vec::new();
    for (md, stem, header) in POLICIES {
        let expected = findings(&linter.check_bytes(md, read(md)));
        assert!(expected.len() >= 4, "{md}: {expected:?}");
        for tool in TOOLS {
            let name = format!("fixtures/pdf/{stem}.{tool}.pdf");
            let bytes = read(&name);
            let report = linter.check_bytes(&name, bytes.clone());
            assert!(report.problem().is_none(), "{name}: {:?}", report.problem());
            let got = findings(&report);
            for f in &expected {
                total += 1;
                // The same rule on the same sentence (a PDF may join a
                // heading or a section number to it); a document-level
                // finding by its rule alone, since it sits on whatever
                // the first sentence is.
                let document = f.0.starts_with("missing-");
                let same = |g: &(String, String)| {
                    g.0 == f.0
                        && (document
                            || g.1.contains(&f.1)
                            || (g.1.len() > 20 && f.1.contains(&g.1)))
                };
                if got.iter().any(same) {
                    matched += 1;
                } else {
                    misses.push(format!("{name}: {f:?}"));
                }
            }
            // Nothing from the running header, footer or page numbers.
            for (rule, sentence) in &got {
                for furniture in [words(header), "official".into(), "page".into()] {
                    assert!(
                        !sentence.contains(&furniture),
                        "{name}: {rule} on furniture: {sentence}"
                    );
                }
            }
            // Each finding's page holds the start of its sentence, as the
            // PDF reader extracted that page.
            let doc = lopdf::Document::load_mem(&bytes).unwrap();
            for d in &report.diagnostics {
                let page = report.source.page_at(d.span.start()).expect("a page");
                let snippet = words(report.source.slice(d.span));
                let opening: String = snippet
                    .split(' ')
                    .skip(2)
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut text = String::new();
                let mut out = pdf_extract::PlainTextOutput::new(&mut text);
                pdf_extract::output_doc_page(&doc, &mut out, page as u32).unwrap();
                // Without spaces: msklint judges the gaps between words
                // more strictly than the crate's plain text does.
                let squeezed = |s: &str| s.replace(' ', "");
                assert!(
                    squeezed(&words(&text)).contains(&squeezed(&opening)),
                    "{name}: {} said page {page}, which lacks {opening:?}",
                    d.rule
                );
            }
        }
    }
    // Issue 14 asks for 0.95. First measured: 42 of 54 (0.78). Since
    // then: numbered items in two columns and joined paragraphs (LibreOffice),
    // words split after their capital ("B MI", from too small a gap taken
    // for a space) and a browser's list with a margin under its lead-in
    // (Chromium): 52 of 54 (0.96). The two left are table rows read without
    // their header row. Three more policies (knee arthroscopy, hand
    // surgery in two columns, physiotherapy access) add 57 of 58, measured
    // with the release binary: the one left is a list item that Chromium
    // put over a page break, away from its lead-in. All six: 109 of 112
    // (0.97). The same six at 1.5 line spacing (December 2026): the
    // reader took every wrapped line for a paragraph, so sentences came
    // out in pieces, one placed on the wrong page; reading the page's
    // usual line pitch as wrapping gives 58 of 60, and all three makers
    // together 174 of 180 (0.97). The floor sits just below what is
    // measured.
    let share = f64::from(matched) / f64::from(total);
    println!("{matched} of {total} findings matched ({share:.2}); missed: {misses:#?}");
    assert!(share >= 0.95, "{matched} of {total} matched: {misses:#?}");
}

#[test]
fn findings_carry_their_page_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = "shoulder-surgery-policy.chromium.pdf";
    std::fs::copy(root().join("fixtures/pdf").join(pdf), dir.path().join(pdf)).unwrap();
    let run = |format: &str| {
        let out = msklint(&["check", "--format", format, pdf], dir.path());
        assert_eq!(out.status.code(), Some(1), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let pages: Vec<u64> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["page"].as_u64().expect("page"))
        .collect();
    assert!(pages.contains(&1) && pages.contains(&2), "{pages:?}");
    assert!(run("human").contains(", page 2]"));
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .all(|r| r["message"]["text"].as_str().unwrap().contains("(page ")));
    // The consultation report cites the page beside each piece of
    // evidence, in both of its formats.
    for format in ["markdown", "html"] {
        let out = msklint(&["report", "--format", format, pdf], dir.path());
        assert_eq!(out.status.code(), Some(0), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        let cited = |page: &str| text.matches(&format!(":1, page {page}")).count();
        assert_eq!(
            cited("1") + cited("2"),
            pages.len(),
            "{format}: every finding cites its page"
        );
    }
    // Markdown output gains no page.
    let md = msklint::check::Linter::builtin()
        .unwrap()
        .check_bytes("p.md", read("fixtures/examples/hip-knee-policy.md"));
    assert!(!msklint::output::json::render(&[md]).contains("\"page\""));
}

/// SARIF gave the scanned page's warning an empty region (start and end
/// the same), which a viewer has nothing to mark on; it now covers the
/// page's blank line and still names page 2.
#[test]
fn a_scanned_page_has_a_region_in_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = "partly-scanned.pdf";
    std::fs::copy(root().join("fixtures/pdf").join(pdf), dir.path().join(pdf)).unwrap();
    let out = msklint(&["check", "--format", "sarif", pdf], dir.path());
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let Some(unread) = results.iter().find(|r| r["ruleId"] == "unread-pages") else {
        panic!("no unread-pages: {results:#?}");
    };
    assert_eq!(unread["properties"]["page"], 2);
    let region = &unread["locations"][0]["physicalLocation"]["region"];
    let at = |key: &str| region[key].as_u64().unwrap();
    assert!(
        (at("endLine"), at("endColumn")) > (at("startLine"), at("startColumn")),
        "{region}"
    );
}

fn msklint(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn unreadable_pdfs_exit_two_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "encrypted.pdf",
        "image-only.pdf",
        "damaged.pdf",
        "truncated.pdf",
    ] {
        std::fs::copy(root().join("fixtures/pdf").join(f), dir.path().join(f)).unwrap();
    }
    std::fs::copy(
        root().join("fixtures/examples/hip-knee-policy.md"),
        dir.path().join("policy.md"),
    )
    .unwrap();
    for format in ["human", "json", "sarif"] {
        let out = msklint(
            &[
                "check",
                "--format",
                format,
                "encrypted.pdf",
                "image-only.pdf",
                "damaged.pdf",
                "truncated.pdf",
                "policy.md",
            ],
            dir.path(),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{format}: {stderr}");
        assert!(
            stderr.contains("error: encrypted.pdf: cannot check this PDF: the PDF is encrypted")
        );
        assert!(stderr.contains(
            "error: image-only.pdf: cannot check this PDF: no text to check: the PDF holds only images; run it through OCR first"
        ));
        assert!(stderr.contains("error: damaged.pdf: cannot check this PDF: the PDF is damaged"));
        assert!(stderr.contains("error: truncated.pdf: cannot check this PDF: the PDF is damaged"));
        assert!(stdout.contains("dna-discharge"), "{format}: {stdout}");
    }
}

#[test]
fn the_library_reports_an_unreadable_pdf_as_a_finding() {
    let linter = Linter::builtin().unwrap();
    let report = linter.check_bytes("scan.pdf", read("fixtures/pdf/image-only.pdf"));
    assert_eq!(report.diagnostics.len(), 1);
    assert_eq!(report.diagnostics[0].rule, "invalid-encoding");
    assert!(report.diagnostics[0]
        .message
        .contains("run it through OCR first"));
}

/// A PDF whose second page is a picture of a page (a scan) passed clean:
/// its first page was read and its second said nothing. The scanned page
/// is named; the text pages of every other fixture raise no such warning.
#[test]
fn a_scanned_page_in_a_pdf_is_named() {
    let linter = Linter::builtin().unwrap();
    let report = linter.check_bytes(
        "partly-scanned.pdf",
        read("fixtures/pdf/partly-scanned.pdf"),
    );
    let unread: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unread-pages")
        .collect();
    assert_eq!(unread.len(), 1, "{:#?}", report.diagnostics);
    assert!(
        unread[0]
            .message
            .starts_with("page 2 of this PDF shows a picture"),
        "{}",
        unread[0].message
    );
    assert_eq!(report.source.page_at(unread[0].span.start()), Some(2));
    // Not an empty place: the page's own blank line, which every output
    // can show (SARIF gives a region that is not empty).
    assert!(!unread[0].span.is_empty(), "{:?}", unread[0].span);
    for (_, stem, _) in POLICIES {
        for tool in TOOLS {
            let name = format!("fixtures/pdf/{stem}.{tool}.pdf");
            let report = linter.check_bytes(&name, read(&name));
            assert!(
                !report.diagnostics.iter().any(|d| d.rule == "unread-pages"),
                "{name}"
            );
        }
    }
}

/// A scanned cover has no text, so it started where page 2 did and its
/// warning was reported on page 2; it now has a line of its own.
#[test]
fn a_scanned_cover_is_reported_on_its_own_page() {
    let linter = Linter::builtin().unwrap();
    let report = linter.check_bytes("cover.pdf", read("fixtures/pdf/scanned-cover.pdf"));
    let page_of = |rule: &str| {
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.rule == rule)
            .unwrap_or_else(|| panic!("no {rule}: {:#?}", report.diagnostics));
        report.source.page_at(d.span.start())
    };
    assert_eq!(page_of("unread-pages"), Some(1));
    assert_eq!(page_of("smoking-restriction"), Some(2));
    let unread = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "unread-pages")
        .map(|d| d.span);
    assert!(unread.is_some_and(|s| !s.is_empty()), "{unread:?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Cut anywhere, or with bytes overwritten, a real PDF is read or
    /// refused, never a panic that escapes.
    #[test]
    fn truncated_or_mutated_pdfs_never_panic(
        which in 0usize..POLICIES.len() * TOOLS.len(),
        cut in 0.0f64..1.0,
        edits in prop::collection::vec((0.0f64..1.0, any::<u8>()), 0..12),
    ) {
        let (_, stem, _) = POLICIES[which % POLICIES.len()];
        let tool = TOOLS[which / POLICIES.len()];
        let mut bytes = read(&format!("fixtures/pdf/{stem}.{tool}.pdf"));
        for (at, b) in edits {
            let i = (at * bytes.len() as f64) as usize % bytes.len();
            bytes[i] = b;
        }
        if cut < 0.5 {
            bytes.truncate((cut * 2.0 * bytes.len() as f64) as usize);
        }
        let _ = pdf::read(&bytes);
    }
}

#[test]
fn soft_hyphens_do_not_split_words() {
    // Chromium draws a soft hyphen inside a line as nothing and at a
    // line's end as a hyphen; the reader gave both back as a space
    // ("Smo kers", "dis ‐ charged"), and no rule saw the words.
    let linter = Linter::builtin().unwrap();
    let name = "fixtures/pdf/soft-hyphens.pdf";
    let report = linter.check_bytes(name, read(name));
    let got = findings(&report);
    for (rule, said) in [
        (
            "smoking-restriction",
            "smokers will not be referred for hip or knee replacement",
        ),
        (
            "dna-discharge",
            "will be discharged to their general practitioner and patients",
        ),
    ] {
        assert!(
            got.iter().any(|(r, s)| r == rule && s.contains(said)),
            "{rule}: {got:?}"
        );
    }
    // Real spaces, stretched in a justified line or after a comma, stay.
    assert!(report.source.text.contains("practitioner, and patients"));
}

/// A page of one short paragraph set at about 1.5 line spacing has a
/// single wide drop, too few to show the page's usual pitch: the wrapped
/// line was read as a new paragraph, so "shared / decision making" was
/// missed and a quote stopped at "Smokers will not be". (Both files were
/// written with fpdf2: 11 pt Helvetica on a 6 mm line pitch.)
#[test]
fn one_wrapped_line_at_wide_spacing_stays_in_its_paragraph() {
    let linter = Linter::builtin().unwrap();
    let name = "fixtures/pdf/one-wrap-wide-spacing.pdf";
    let report = linter.check_bytes(name, read(name));
    let got = findings(&report);
    assert!(
        !got.iter()
            .any(|(r, _)| r == "missing-shared-decision-making"),
        "{got:?}"
    );
    let name = "fixtures/pdf/one-wrap-wide-spacing-smoking.pdf";
    let report = linter.check_bytes(name, read(name));
    let got = findings(&report);
    assert!(
        got.iter().any(|(r, s)| r == "smoking-restriction"
            && s.contains("smokers will not be listed for knee replacement surgery")),
        "{got:?}"
    );
}

#[test]
fn reference_marks_do_not_stick_to_words() {
    // A footnote mark is set small and raised; read as text it joined the
    // word before it ("six months4", "BMI1"), and a symptom-length rule
    // never saw "months".
    let linter = Linter::builtin().unwrap();
    let name = "fixtures/pdf/superscripts.pdf";
    let report = linter.check_bytes(name, read(name));
    let text = &report.source.text;
    for read_as in [
        "Patients with a BMI over 40 will not",
        "Smokers must stop smoking",
        "lasted six months.",
        "measured in kg/m at triage",
    ] {
        assert!(text.contains(read_as), "{read_as}: {text}");
    }
    let got = findings(&report);
    for rule in [
        "bmi-threshold",
        "smoking-restriction",
        "symptom-duration-gate",
    ] {
        assert!(got.iter().any(|(r, _)| r == rule), "{rule}: {got:?}");
    }
    // A number on the line itself is kept.
    assert!(text.contains("for 8 weeks before listing"));
}
