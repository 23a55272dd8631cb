//! Plain-text and Markdown policies that are not UTF-8.
//!
//! Word's "Plain Text" export and older Windows editors save in
//! Windows-1252 (Latin-1 plus Word's curly quotes, dashes and bullets in
//! 0x80-0x9F) unless told otherwise, or in UTF-16 ("Unicode"). Such a
//! document is decoded rather than refused: UTF-16 when a byte-order mark
//! says so, otherwise every run of valid UTF-8 is kept and each other byte
//! is read as Windows-1252, with a `legacy-encoding` warning at the first
//! such byte so the guess is never silent. All spans are byte offsets into
//! the decoded text, which is what every later stage sees.
//!
//! Pathways are not decoded this way: see docs/language.md.

use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// The rule name of the warning.
pub const LEGACY: &str = crate::rules::builtin::Builtin::LegacyEncoding.name();

/// Windows-1252 for 0x80-0x9F. The five bytes it leaves undefined become
/// U+FFFD, visibly, rather than invisible control characters.
const CP1252_HIGH: [char; 32] = [
    '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
    '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{FFFD}',
    'ž', 'Ÿ',
];

/// One byte read as Windows-1252 (Latin-1 outside 0x80-0x9F).
pub fn cp1252(byte: u8) -> char {
    match byte {
        0x80..=0x9f => CP1252_HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// A document decoded from a legacy encoding, with the warning that says
/// so (`None` when nothing was guessed).
pub struct Decoded {
    pub text: String,
    pub note: Option<Diagnostic>,
}

/// Decodes a text document that is not valid UTF-8. `Err` gives the bytes
/// back when they look binary (a NUL byte outside UTF-16), for the
/// `invalid-encoding` finding.
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, Vec<u8>> {
    if let Some(decoded) = utf16(&bytes) {
        return Ok(decoded);
    }
    if bytes.contains(&0) {
        return Err(bytes);
    }
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    let mut first: Option<(usize, char)> = None;
    let mut count = 0usize;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for &b in chunk.invalid() {
            let c = cp1252(b);
            first.get_or_insert((text.len(), c));
            count += 1;
            text.push(c);
        }
    }
    let note = first.map(|(at, c)| {
        let bytes = if count == 1 {
            "1 byte was".to_string()
        } else {
            format!("{count} bytes were")
        };
        Diagnostic::warning(
            LEGACY,
            Span::new(at, at + c.len_utf8()),
            format!("this document is not UTF-8: {bytes} read as Windows-1252 (Latin-1 with Word's quotes and dashes)"),
        )
        .with_label(format!("read as `{c}`"))
        .with_help("Check that the quoted characters look right. Save the file as UTF-8 to be sure it is read as written (in Word: Save As, Plain Text, then Unicode (UTF-8); most editors have an encoding menu). If characters look wrong, the file uses another encoding and must be saved as UTF-8 before it can be checked reliably.")
    });
    Ok(Decoded { text, note })
}

/// The text of a settings file (`msklint.yaml`, a baseline): UTF-8 with or
/// without the byte-order mark Notepad writes, or UTF-16 as PowerShell 5's
/// `>` writes it. `None` for anything else, which such a file cannot be.
pub fn settings_text(bytes: Vec<u8>) -> Option<String> {
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => utf16(e.as_bytes()).map(|d| d.text)?,
    };
    Some(match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// UTF-16 text with a byte-order mark, decoded whole: every unit a
/// character and none of them NUL. `None` for anything else, which is not
/// read as UTF-16 at all (UTF-32 and binary files also start `FF FE`).
pub fn clean_utf16(bytes: &[u8]) -> Option<String> {
    whole_utf16(bytes)?.ok()
}

/// Why UTF-16 text cannot be read whole: the text decoded (U+FFFD for
/// what is not a character), where in it the first fault is, and what
/// the fault is.
#[derive(Debug)]
pub struct Utf16Fault {
    pub text: String,
    pub at: usize,
    pub why: String,
    pub label: &'static str,
}

/// A file opening with UTF-16's byte-order mark, read as a pathway must
/// be, whole: `Ok` with its text when every unit is a character and none
/// is NUL, `Err` with the first fault when not. `None` for anything
/// without the mark, and for UTF-32 (whose little-endian mark starts with
/// UTF-16's), which are not UTF-16 at all.
pub fn whole_utf16(bytes: &[u8]) -> Option<Result<String, Utf16Fault>> {
    if bytes.starts_with(&[0xff, 0xfe, 0, 0]) {
        return None;
    }
    let (units, odd) = utf16_units(bytes)?;
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut fault: Option<(usize, String, &'static str)> = None;
    // Byte offset in the file of the unit being read.
    let mut offset = 2;
    for c in char::decode_utf16(units) {
        let width = c.as_ref().map_or(2, |c| c.len_utf16() * 2);
        match c {
            Ok('\0') => {
                fault.get_or_insert((
                    text.len(),
                    format!("it opens with UTF-16's byte-order mark but holds a NUL character (at byte {offset}), so it looks like a binary file"),
                    "NUL character",
                ));
                text.push('\0');
            }
            Ok(c) => text.push(c),
            Err(e) => {
                fault.get_or_insert((
                    text.len(),
                    format!(
                        "it opens with UTF-16's byte-order mark, but the unit {:#06X} at byte {offset} is not a character: it is half of a pair with no other half (an unpaired surrogate)",
                        e.unpaired_surrogate()
                    ),
                    "not a UTF-16 character",
                ));
                text.push('\u{FFFD}');
            }
        }
        offset += width;
    }
    if odd {
        fault.get_or_insert((
            text.len(),
            format!(
                "it opens with UTF-16's byte-order mark, but ends in a lone byte (byte {}), half of a character",
                bytes.len() - 1
            ),
            "a lone byte",
        ));
        text.push('\u{FFFD}');
    }
    let Some((at, why, label)) = fault else {
        return Some(Ok(text));
    };
    Some(Err(Utf16Fault {
        text,
        at,
        why,
        label,
    }))
}

/// UTF-16 text with a byte-order mark (Word's and Notepad's "Unicode").
/// Unpaired surrogates become U+FFFD, with the warning.
fn utf16(bytes: &[u8]) -> Option<Decoded> {
    let (units, odd) = utf16_units(bytes)?;
    // An odd last byte cannot be a character.
    let units = units.chain(odd.then_some(0xfffd));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut first = None;
    for c in char::decode_utf16(units) {
        let c = c.unwrap_or('\u{FFFD}');
        if c == '\u{FFFD}' && first.is_none() {
            first = Some(text.len());
        }
        text.push(c);
    }
    let note = first.map(|at| {
        Diagnostic::warning(
            LEGACY,
            Span::new(at, at + '\u{FFFD}'.len_utf8()),
            "this UTF-16 document has characters that cannot be decoded; they are shown as `\u{FFFD}`",
        )
        .with_label("not a character")
        .with_help("Save the file again as UTF-8 (in Word: Save As, Plain Text, then Unicode (UTF-8)).")
    });
    Some(Decoded { text, note })
}

/// The 16-bit units after UTF-16's byte-order mark, in the mark's byte
/// order, and whether an odd byte is left at the end. `None` without the
/// mark.
fn utf16_units(bytes: &[u8]) -> Option<(impl Iterator<Item = u16> + '_, bool)> {
    let little = match bytes {
        [0xff, 0xfe, ..] => true,
        [0xfe, 0xff, ..] => false,
        _ => return None,
    };
    let body = &bytes[2..];
    let units = body.chunks_exact(2).map(move |pair| {
        if little {
            u16::from_le_bytes([pair[0], pair[1]])
        } else {
            u16::from_be_bytes([pair[0], pair[1]])
        }
    });
    Some((units, body.len() % 2 == 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real U+FFFD in UTF-16 text is a character like any other; only
    /// units that are not characters, NUL and an odd last byte refuse it.
    #[test]
    fn clean_utf16_takes_a_written_replacement_character() {
        let le = |text: &str| -> Vec<u8> {
            let mut bytes = vec![0xff, 0xfe];
            bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            bytes
        };
        assert_eq!(
            clean_utf16(&le("a\u{FFFD}b")).as_deref(),
            Some("a\u{FFFD}b")
        );
        assert_eq!(clean_utf16(&le("a\0b")), None);
        let mut odd = le("ab");
        odd.push(b'c');
        assert_eq!(clean_utf16(&odd), None);
        let mut unpaired = le("a");
        unpaired.extend(0xdc00u16.to_le_bytes());
        assert_eq!(clean_utf16(&unpaired), None);
        assert_eq!(clean_utf16(&[0xff, 0xfe, 0, 0, b'a', 0, 0, 0]), None);
    }

    #[test]
    fn word_quotes_dashes_and_latin1_letters_decode() {
        let bytes = b"Caf\xe9 \x93BMI\x94 \x96 41\x80 \x92s".to_vec();
        let d = decode(bytes).ok().unwrap();
        assert_eq!(d.text, "Café “BMI” – 41€ ’s");
        let note = d.note.unwrap();
        assert_eq!(note.rule, LEGACY);
        assert_eq!(&d.text[note.span.start()..note.span.end()], "é");
        assert!(note.message.contains("6 bytes"), "{}", note.message);
    }

    #[test]
    fn valid_utf8_runs_are_kept_and_undefined_bytes_are_visible() {
        let mut bytes = "naïve — ".as_bytes().to_vec();
        bytes.extend_from_slice(b"\x81\xe9");
        let d = decode(bytes).ok().unwrap();
        assert_eq!(d.text, "naïve — \u{FFFD}é");
    }

    #[test]
    fn settings_files_are_read_with_a_bom_or_in_utf16() {
        let mut wide = vec![0xff, 0xfe];
        for u in "rules:\n  dead-end: off\n".encode_utf16() {
            wide.extend_from_slice(&u.to_le_bytes());
        }
        for bytes in [
            b"rules:\n  dead-end: off\n".to_vec(),
            b"\xef\xbb\xbfrules:\n  dead-end: off\n".to_vec(),
            wide,
        ] {
            assert_eq!(
                settings_text(bytes).as_deref(),
                Some("rules:\n  dead-end: off\n")
            );
        }
        assert_eq!(settings_text(b"caf\xe9".to_vec()), None);
    }

    #[test]
    fn utf16_with_a_bom_decodes_without_a_warning() {
        let mut bytes = vec![0xff, 0xfe];
        for u in "BMI ≥ 40".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(bytes).ok().unwrap();
        assert_eq!(d.text, "BMI ≥ 40");
        assert!(d.note.is_none());
        let mut be = vec![0xfe, 0xff, 0xd8, 0x00, 0x00, 0x41];
        be.push(0x00);
        let d = decode(be).ok().unwrap();
        assert_eq!(d.text, "\u{FFFD}A\u{FFFD}");
        assert!(d.note.is_some());
    }

    #[test]
    fn nul_bytes_are_binary() {
        assert!(decode(b"ab\0\xe9".to_vec()).is_err());
    }
}
