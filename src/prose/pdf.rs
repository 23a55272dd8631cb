//! PDF files. msklint cannot read a PDF's text yet, and read as text a PDF
//! is only "not UTF-8": a PDF is recognised (by its `%PDF-` header or its
//! `.pdf` name) and refused with the command that extracts its text.

use std::path::Path;

/// Where a PDF's header may start: readers accept a little junk before it.
const HEADER_WITHIN: usize = 1024;

/// Whether `bytes` (of the file `name`) are a PDF: named `.pdf`, starting
/// with `%PDF-`, or binary with `%PDF-` near the start. (A text file that
/// merely mentions `%PDF-` is still read as text.)
pub fn is_pdf(name: &str, bytes: &[u8]) -> bool {
    let named = Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    let head = &bytes[..bytes.len().min(HEADER_WITHIN)];
    let trimmed = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let starts = trimmed.trim_ascii_start().starts_with(b"%PDF-");
    let inside = head.windows(5).any(|w| w == b"%PDF-") && std::str::from_utf8(bytes).is_err();
    named || starts || inside
}

/// Why a PDF is not checked, and what to run instead, naming the file.
pub fn refusal(name: &str) -> String {
    let text = Path::new(name).with_extension("txt");
    format!(
        "this is a PDF, which msklint cannot read yet: extract its text with `pdftotext -layout {} {}` (from poppler-utils) and check the .txt file",
        shell_word(name),
        shell_word(&text.display().to_string())
    )
}

/// `word` quoted for a POSIX shell when it needs to be.
fn shell_word(word: &str) -> String {
    let plain = word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./+:@%,".contains(c));
    if plain && !word.is_empty() {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognised_by_header_or_name() {
        assert!(is_pdf("policy.bin", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"));
        assert!(is_pdf("policy.PDF", b"anything"));
        assert!(is_pdf("x", b"\xef\xbb\xbf  %PDF-1.4"));
        assert!(is_pdf("x", b"junk\n%PDF-1.4\n\xe2\xe3"));
        assert!(!is_pdf(
            "policy.md",
            b"# Policy\n\nWe accept %PDF-1.4 files.\n"
        ));
    }

    #[test]
    fn the_way_forward_names_the_file() {
        assert!(refusal("docs/hip policy.pdf")
            .contains("`pdftotext -layout 'docs/hip policy.pdf' 'docs/hip policy.txt'`"));
        assert!(refusal("a.pdf").contains("`pdftotext -layout a.pdf a.txt`"));
    }
}
