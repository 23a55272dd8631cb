//! The parser on its own: any UTF-8 text must give a tree or diagnostics,
//! never a panic, and every span (primary and related) must lie inside the
//! input on character boundaries.
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
});
