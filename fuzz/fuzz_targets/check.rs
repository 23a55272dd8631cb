//! The whole check on arbitrary bytes, as `msklint check` runs it on a file:
//! decoding, parsing, name checks, graph, built-in rules, suppressions,
//! then JSON and human rendering. Every span (primary and related) must lie
//! inside the checked text on character boundaries, and line/column lookups
//! must succeed.

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
    let report = linter().check_bytes("fuzz", data.to_vec());
    let text = &report.source.text;
    for d in &report.diagnostics {
        if let Some(problem) = d.span_problem(text) {
            panic!("{problem}");
        }
        let at = report.source.line_col(d.span.start());
        assert!(at.line >= 1 && at.column >= 1);
        assert!(!d.message.is_empty(), "{}: empty message", d.rule);
    }
    let reports = [report];
    let out = json::render(&reports);
    assert!(!out.is_empty());
    let out = human::render(&reports, human::HumanOptions::plain());
    assert!(!out.is_empty());
});
