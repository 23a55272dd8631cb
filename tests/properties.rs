//! Property tests: no input can panic the checker or produce a span outside
//! the file (read as a pathway, a Markdown policy or a Word document), the
//! sentence splitter's spans are ordered and trimmed, every pathway the
//! generator writes parses cleanly, and findings on very long lines render
//! in the human output with true positions.

use msklint::check::Linter;
use proptest::prelude::*;
use std::sync::OnceLock;

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| Linter::builtin().unwrap())
}

/// Every finding's span lies inside the text and on character boundaries,
/// and its line and column can be computed.
fn check_invariants(bytes: Vec<u8>) {
    check_as("input", bytes);
}

fn check_as(name: &str, bytes: Vec<u8>) {
    let report = linter().check_bytes(name, bytes);
    if let Some(problem) = report.problem() {
        panic!("{problem}");
    }
}

fn fixtures() -> &'static Vec<Vec<u8>> {
    static F: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    F.get_or_init(|| {
        let mut out = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures"
        ))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path
                    .extension()
                    .is_some_and(|e| e == "pathway" || e == "md")
                {
                    out.push(std::fs::read(path).unwrap());
                }
            }
        }
        out.sort();
        out
    })
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Duplicate(usize, usize),
}

fn apply(mut bytes: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    for e in edits {
        let n = bytes.len().max(1);
        match e {
            Edit::Delete(at, len) => {
                let s = at % n;
                let end = (s + len % 40).min(bytes.len());
                if s < end {
                    bytes.drain(s..end);
                }
            }
            Edit::Insert(at, what) => {
                let s = (at % n).min(bytes.len());
                bytes.splice(s..s, what.iter().copied());
            }
            Edit::Duplicate(at, len) => {
                let s = (at % n).min(bytes.len());
                let end = (s + len % 200).min(bytes.len());
                let piece = bytes[s..end].to_vec();
                bytes.splice(s..s, piece);
            }
        }
    }
    bytes
}

fn edit() -> impl Strategy<Value = Edit> {
    let tokens = prop::sample::select(vec![
        b"{".to_vec(),
        b"}".to_vec(),
        b"[".to_vec(),
        b"]".to_vec(),
        b"\"".to_vec(),
        b"->".to_vec(),
        b",".to_vec(),
        b":".to_vec(),
        b"#".to_vec(),
        b"\n".to_vec(),
        b"\r\n".to_vec(),
        b" requires ".to_vec(),
        b" when ".to_vec(),
        b"then".to_vec(),
        b"\xff".to_vec(),
        b"\0".to_vec(),
        "é—".as_bytes().to_vec(),
        b"# msklint: allow(dead-end)".to_vec(),
        b"100%".to_vec(),
        b"-1".to_vec(),
        b"99999999999999999999999".to_vec(),
    ]);
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Edit::Delete(a, l)),
        (any::<usize>(), tokens).prop_map(|(a, t)| Edit::Insert(a, t)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(a, b)| Edit::Insert(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, l)| Edit::Duplicate(a, l)),
    ]
}

/// A valid pathway: random nodes with vocabulary words, routes between
/// declared IDs (loops included), criteria and DNA policies.
fn pathway() -> impl Strategy<Value = String> {
    let kinds = [
        "gp",
        "self_referral",
        "primary",
        "community",
        "secondary",
        "mental_health",
        "rehabilitation",
        "pain",
    ];
    let offers = [
        "surgery",
        "exercise",
        "shared_decision_making",
        "opioids",
        "self_management",
        "peer_support",
    ];
    let node = (
        0..3usize,
        prop::sample::select(kinds.to_vec()),
        prop::collection::vec(prop::sample::select(offers.to_vec()), 0..3),
        any::<bool>(),
        0..4usize,
    );
    (prop::collection::vec(node, 1..25), prop::collection::vec((any::<usize>(), any::<usize>(), 0..3usize), 0..40), any::<bool>()).prop_map(
        move |(nodes, routes, crlf)| {
            let mut s = String::from("# generated\npathway \"Generated — ü\" {\n  inequalities: \"monitored\"\n  outcomes: [proms]\n");
            for (i, (role, kind, offers, criterion, dna)) in nodes.iter().enumerate() {
                let word = ["entry", "service", "exit"][*role];
                s.push_str(&format!("  {word} n{i}: \"Node {i}\" {{ kind: {kind}"));
                if !offers.is_empty() {
                    s.push_str(&format!("  offers: [{}]", offers.join(", ")));
                }
                if *criterion {
                    s.push_str("\n    requires: bmi < 40, smoking == false");
                }
                let policy = ["", " on_dna: discharge after 2", " on_dna: contact then rebook", " on_dna: contact then discharge after 3"][*dna];
                s.push_str(policy);
                s.push_str(" }\n");
            }
            let n = nodes.len();
            for (a, b, clause) in routes {
                let clause = ["", " when \"clinical need\"", " requires symptom_weeks >= 6"][clause];
                s.push_str(&format!("  n{} -> n{}{clause}\n", a % n, b % n));
            }
            s.push_str("}\n");
            if crlf {
                s = s.replace('\n', "\r\n");
            }
            s
        },
    )
}

proptest! {
    // 256 cases in the normal run; set PROPTEST_CASES for a deeper search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check_invariants(bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        check_invariants(text.into_bytes());
    }

    #[test]
    fn mutated_fixtures_never_panic(which in any::<usize>(), edits in prop::collection::vec(edit(), 1..6)) {
        let files = fixtures();
        let original = files[which % files.len()].clone();
        check_invariants(apply(original, &edits));
    }

    #[test]
    fn arbitrary_documents_never_panic(text in "([-*#|>0-9.:;!?()<!\\-\\- \n]|[a-zA-Z]{1,8}|\\PC){0,200}") {
        check_as("input.md", text.clone().into_bytes());
        check_as("input.docx", text.into_bytes());
    }

    #[test]
    fn mutated_policies_never_panic(which in any::<usize>(), edits in prop::collection::vec(edit(), 1..6)) {
        let files = fixtures();
        let original = files[which % files.len()].clone();
        check_as("policy.md", apply(original, &edits));
    }

    #[test]
    fn sentences_are_ordered_trimmed_and_inside_the_text(text in "([-*#|>0-9.:;!?() \n]|[a-zA-Z]{1,8}|\\PC){0,200}") {
        let mut last_end = 0;
        for s in msklint::prose::sentences::split(&text) {
            let (a, b) = (s.span.start(), s.span.end());
            prop_assert!(a < b && b <= text.len(), "{a}..{b}");
            prop_assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
            prop_assert!(a >= last_end, "overlap at {a}");
            let body = &text[a..b];
            prop_assert_eq!(body, body.trim());
            if let Some(l) = s.lead_in {
                prop_assert!(l.end() <= a && text.is_char_boundary(l.start()));
            }
            last_end = b;
        }
    }

    #[test]
    fn generated_pathways_have_no_syntax_or_name_errors(text in pathway()) {
        let report = linter().check_text("generated", text.clone());
        for d in &report.diagnostics {
            prop_assert!(
                !matches!(d.rule.as_str(), "syntax-error" | "undefined-node" | "duplicate-node" | "invalid-value" | "unknown-kind" | "unknown-offer"),
                "{} {} in\n{}", d.rule, d.message, text
            );
        }
    }
}

/// A Word document whose paragraphs are the lines of `text`.
fn docx(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut body = String::from("<w:document xmlns:w=\"w\"><w:body>");
    for line in text.lines() {
        let escaped = line
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        body.push_str(&format!(
            "<w:p><w:r><w:t xml:space=\"preserve\">{escaped}</w:t></w:r></w:p>"
        ));
    }
    body.push_str("</w:body></w:document>");
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(body.as_bytes()).unwrap();
    zip.finish().unwrap();
    buf.into_inner()
}

/// Pieces a long line is built from: route targets, prose, a finding's
/// trigger, wide and multi-byte characters, tabs, comments.
fn long_line_piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "t, ",
        "gp, ",
        "zz ",
        "the person agrees a plan with the service ",
        "Patients with a BMI over 40 are not referred for surgery. ",
        "Smokers must stop smoking before listing. ",
        "é—ü ",
        "\u{1F600}\u{4E2D} ",
        "\t",
        "\r",
        "# msklint: allow(undefined-node) ",
        "<!-- msklint: allow(bmi-threshold) reason: \"x\" --> ",
        "\"",
        " ",
    ])
}

/// A pathway, Markdown policy or Word document with one line of `len`
/// characters made of `piece` repeated, `other` inserted at `at`.
fn long_line_file() -> impl Strategy<Value = (&'static str, String)> {
    (
        0..3usize,
        long_line_piece(),
        long_line_piece(),
        900..140_000usize,
        any::<prop::sample::Index>(),
    )
        .prop_map(|(kind, piece, other, len, at)| {
            let mut line: String = piece.chars().cycle().take(len).collect();
            let mut at = at.index(line.len() + 1);
            while !line.is_char_boundary(at) {
                at -= 1;
            }
            line.insert_str(at, other);
            match kind {
                0 => (
                    "long.pathway",
                    format!(
                        "pathway \"p\" {{\n  entry gp: \"GP\" {{ kind: gp }}\n  gp -> {line}\n}}\n"
                    ),
                ),
                1 => ("long.md", format!("# Policy\n\n{line}\n\nLast line.\n")),
                _ => ("long.docx", format!("Policy\n{line}\nLast line.")),
            }
        })
}

proptest! {
    // Each case is up to 140,000 characters on one line: a few dozen cases.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse::<u32>().ok()).map_or(24, |n| (n / 10).max(1)),
        ..ProptestConfig::default()
    })]

    #[test]
    fn long_lines_render_with_true_positions((name, text) in long_line_file()) {
        use msklint::output::human;
        let bytes = if name.ends_with(".docx") { docx(&text) } else { text.into_bytes() };
        let report = linter().check_bytes(name, bytes);
        if let Some(problem) = report.problem() {
            panic!("{problem}");
        }
        let handler = human::handler(human::HumanOptions::plain());
        let src = &report.source;
        // The first and last findings: there can be tens of thousands.
        let n = report.diagnostics.len();
        for d in report.diagnostics.iter().take(20).chain(report.diagnostics.iter().skip(n.saturating_sub(20))) {
            let out = human::render_one(&handler, d, src);
            prop_assert!(out.len() < 20_000, "{} bytes for {}", out.len(), d.rule);
            let starts: Vec<String> = std::iter::once(d.span)
                .chain(d.related.iter().map(|l| l.span))
                .map(|s| {
                    let at = src.line_col(s.start());
                    format!("{}:{}:{}", src.name, at.line, at.column)
                })
                .collect();
            let headers: Vec<&str> = out
                .lines()
                .filter_map(|l| l.split_once("╭─[").map(|(_, h)| h.trim_end_matches(']')))
                .map(|h| h.split_once(", paragraph").map_or(h, |(p, _)| p))
                .collect();
            prop_assert!(!headers.is_empty(), "no snippet for {}:\n{out}", d.rule);
            for h in headers {
                prop_assert!(starts.iter().any(|s| s == h), "header {h} is not at a label of {} ({starts:?}):\n{out}", d.rule);
            }
        }
    }
}
