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
        let spans = std::iter::once(d.span).chain(d.related.iter().map(|l| l.span));
        for span in spans {
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "{}: span {:?} outside input of {} bytes",
                d.rule,
                span,
                text.len()
            );
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{}: span {:?} not on a char boundary",
                d.rule,
                span
            );
        }
        assert!(!d.message.is_empty(), "{}: empty message", d.rule);
    }
});
