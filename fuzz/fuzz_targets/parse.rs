//! The parser on its own: any UTF-8 text must give a tree and diagnostics,
//! never a panic; every span (primary and related) must lie inside the
//! input on character boundaries, and text skipped after a syntax error
//! must come with one.
//!
//! Bytes that are not UTF-8 are skipped: decoding is the check target's job
//! (`Linter::check_bytes` turns them into `invalid-encoding`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = msklint::parser::parse(text);
    for d in &parsed.diagnostics {
        if let Some(problem) = d.span_problem(text) {
            panic!("{problem}");
        }
        assert!(!d.message.is_empty(), "{}: empty message", d.rule);
    }
    // Each stretch passed over after a syntax error lies in the text, in
    // order, and comes with an error.
    let mut last = 0;
    for s in &parsed.recovered {
        assert!(s.start() >= last && s.end() <= text.len(), "{s:?}");
        last = s.end();
    }
    // A repeated route clause is the one syntax error with nothing skipped.
    let grammar_errors = parsed
        .diagnostics
        .iter()
        .filter(|d| d.rule == "syntax-error" && !d.message.contains("at most one"))
        .count();
    assert_eq!(parsed.recovered.is_empty(), grammar_errors == 0, "{:?}", parsed.recovered);
});
