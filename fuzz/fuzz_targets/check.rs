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
    if let Some(problem) = report.problem() {
        panic!("{problem}");
    }
    let reports = [report];
    let out = json::render(&reports);
    assert!(!out.is_empty());
    let out = human::render(&reports, human::HumanOptions::plain());
    assert!(!out.is_empty());
});
