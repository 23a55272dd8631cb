//! The check of a policy document on arbitrary bytes, read as Markdown and
//! as a Word file: decoding, sentence splitting, every prose check,
//! HTML-comment suppressions, then JSON and human rendering. Spans must lie
//! inside the text on character boundaries, and sentences must come in
//! order without overlapping. Inputs can ask to be stretched into one very
//! long line (see `stretch`).

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use msklint::check::Linter;
use msklint::output::{human, json};

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::builtin().expect("built-in rules load"))
}

/// Inputs starting with `\xfeLONG` are stretched into one very long line,
/// past the 65,535 columns where miette's own rendering gives up:
/// `head \xfe piece \xfe tail` becomes `head`, `piece` repeated to at least
/// 66,000 bytes, then `tail` (without separators, all of the rest is the
/// piece). libFuzzer's length limit keeps inputs small; this reaches the
/// long-line paths anyway.
fn stretch(data: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    const LONG: usize = 66_000;
    let Some(rest) = data.strip_prefix(b"\xfeLONG") else {
        return std::borrow::Cow::Borrowed(data);
    };
    let mut parts = rest.splitn(3, |&b| b == 0xfe);
    let (head, piece, tail) = match (parts.next(), parts.next(), parts.next()) {
        (Some(h), Some(p), t) => (h, p, t.unwrap_or(b"")),
        (Some(p), None, _) => (&b""[..], p, &b""[..]),
        _ => return std::borrow::Cow::Borrowed(data),
    };
    let mut out = head.to_vec();
    if !piece.is_empty() {
        while out.len() < LONG {
            out.extend_from_slice(piece);
        }
    }
    out.extend_from_slice(tail);
    std::borrow::Cow::Owned(out)
}

fuzz_target!(|data: &[u8]| {
    let stretched = stretch(data);
    let data = &*stretched;
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
