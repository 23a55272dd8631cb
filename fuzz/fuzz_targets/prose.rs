//! The check of a policy document on arbitrary bytes, read as Markdown and
//! as a Word file: decoding, sentence splitting, every prose check,
//! HTML-comment suppressions, then JSON and human rendering. Spans must lie
//! inside the text on character boundaries, and sentences must come in
//! order without overlapping.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use msklint::check::Linter;
use msklint::output::{human, json};

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::builtin().expect("built-in rules load"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut last = 0;
        for s in msklint::prose::sentences::split(text) {
            assert!(s.span.start() >= last && s.span.start() < s.span.end());
            assert!(text.is_char_boundary(s.span.start()) && text.is_char_boundary(s.span.end()));
            last = s.span.end();
        }
    }
    for name in ["fuzz.md", "fuzz.docx"] {
        let report = linter().check_bytes(name, data.to_vec());
        if let Some(problem) = report.problem() {
            panic!("{problem}");
        }
        let reports = [report];
        assert!(!json::render(&reports).is_empty());
        assert!(!human::render(&reports, human::HumanOptions::plain()).is_empty());
    }
});
