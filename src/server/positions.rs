//! Byte offsets in a document's text to the protocol's positions and back.
//!
//! The protocol counts a position's `character` in UTF-16 code units (the
//! only encoding every client supports, and the one this server announces),
//! while msklint's spans are byte offsets into UTF-8 text. An `é` is two
//! bytes and one unit, an emoji four bytes and two units. Lines end at
//! `\n`, `\r\n` or a lone `\r`, as the protocol says.
//!
//! A document can carry thousands of findings on one line, so neither
//! direction scans the line: the index remembers where the characters that
//! are longer in UTF-8 than in UTF-16 start, and the difference between
//! bytes and units up to each, and both conversions are binary searches.

use lsp_types::{Position, Range};

use crate::span::Span;

/// Where each line of a text starts and where its wide characters are, to
/// turn offsets into positions and back with binary searches.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the first character of each line; line 0 starts at 0.
    starts: Vec<usize>,
    /// Byte offset of every character with more UTF-8 bytes than UTF-16
    /// units (all but ASCII), in order.
    wide: Vec<usize>,
    /// `saved[k]`: bytes minus UTF-16 units over `wide[0..=k]`.
    saved: Vec<usize>,
}

// Counts the comparisons the conversions make, so a test can tell a
// search from a scan without timing anything.
#[cfg(test)]
thread_local! {
    static STEPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[inline]
fn step() {
    #[cfg(test)]
    STEPS.with(|s| s.set(s.get() + 1));
}

/// UTF-8 bytes minus UTF-16 units of the character whose first byte is
/// `lead` (0 for ASCII and for bytes inside a character).
fn saving(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 2, // 4 bytes, a surrogate pair
        0xE0..=0xEF => 2, // 3 bytes, 1 unit
        0xC0..=0xDF => 1, // 2 bytes, 1 unit
        _ => 0,
    }
}

/// UTF-8 length of the character whose first byte is `lead`.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut wide = Vec::new();
        let mut saved = Vec::new();
        let mut total = 0;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                b if b >= 0xC0 => {
                    total += saving(b);
                    wide.push(i);
                    saved.push(total);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            wide,
            saved,
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| {
                step();
                s <= offset
            })
            .saturating_sub(1)
    }

    /// How many wide characters start before byte `offset`.
    fn wide_before(&self, offset: usize) -> usize {
        self.wide.partition_point(|&w| {
            step();
            w < offset
        })
    }

    /// Bytes minus UTF-16 units over the first `k` wide characters.
    fn saved_by(&self, k: usize) -> usize {
        match k {
            0 => 0,
            k => self.saved.get(k - 1).copied().unwrap_or(0),
        }
    }

    /// Where `line` starts (the end of the text past the last line).
    pub fn line_start(&self, text: &str, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(text.len())
    }

    /// Where `line`'s content ends, before its line break.
    pub fn line_end(&self, text: &str, line: usize) -> usize {
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self.starts.get(line + 1).copied().unwrap_or(text.len());
        let content = &text.as_bytes()[start..end];
        let break_len = if content.ends_with(b"\r\n") {
            2
        } else if content.ends_with(b"\n") || content.ends_with(b"\r") {
            1
        } else {
            0
        };
        end - break_len
    }

    /// The text of `line` without its line break.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(text, line);
        &text[start..self.line_end(text, line).max(start)]
    }

    /// The position of byte `offset` (clamped into the text, and back to
    /// the start of a character it falls inside).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(text, line);
        // Inside a `\r\n` counts as the end of the line.
        let offset = offset.min(self.line_end(text, line));
        let saved =
            self.saved_by(self.wide_before(offset)) - self.saved_by(self.wide_before(start));
        let character = offset - start - saved;
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start()),
            self.position(text, span.end()),
        )
    }

    /// The byte offset of `position`. A line past the end is the end of
    /// the text; a character past the end of its line is the line's end;
    /// one inside a surrogate pair is the start of that character.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self.line_end(text, line);
        let want = position.character as usize;
        let first = self.wide_before(start);
        let base = self.saved_by(first);
        // UTF-16 units from the line's start to wide character `k`.
        let units_at = |k: usize| self.wide[k] - start - (self.saved_by(k) - base);
        // The first wide character on the line past `want` units.
        let (mut lo, mut hi) = (first, self.wide_before(end));
        while lo < hi {
            step();
            let mid = lo + (hi - lo) / 2;
            if units_at(mid) <= want {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo == first {
            // Only single-unit characters before `want`.
            return (start + want).min(end);
        }
        let k = lo - 1;
        let at = self.wide[k];
        let units = units_at(k);
        let lead = text.as_bytes().get(at).copied().unwrap_or(0);
        let long = utf8_len(lead);
        let width = long - saving(lead);
        if want < units + width {
            at
        } else {
            // Single-unit characters from after `k` up to the next wide one.
            (at + long + (want - units - width)).min(end)
        }
    }

    /// The byte span `range` covers (start and end ordered).
    pub fn span(&self, text: &str, range: Range) -> Span {
        let a = self.offset(text, range.start);
        let b = self.offset(text, range.end);
        Span::new(a.min(b), a.max(b))
    }
}

/// The whole text as a range, for edits that replace all of it.
pub fn whole(text: &str) -> Range {
    let index = LineIndex::new(text);
    Range::new(Position::new(0, 0), index.position(text, text.len()))
}

/// Whether two ranges share a position (touching counts: a cursor at the
/// end of a word is on it).
pub fn touches(a: Range, b: Range) -> bool {
    let key = |p: Position| (p.line, p.character);
    key(a.start) <= key(b.end) && key(b.start) <= key(a.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_utf16_units_not_bytes_or_chars() {
        // `é` is 2 bytes and 1 unit; `😀` is 4 bytes and 2 units.
        let text = "é😀x\nsecond";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(x, 6);
        assert_eq!(index.position(text, x), Position::new(0, 3));
        assert_eq!(index.offset(text, Position::new(0, 3)), x);
        assert_eq!(index.position(text, x + 2), Position::new(1, 0));
        // Inside the emoji's surrogate pair: the start of the emoji.
        assert_eq!(index.offset(text, Position::new(0, 2)), 2);
        // Inside a character's bytes: back to its start.
        assert_eq!(index.position(text, 1), Position::new(0, 0));
    }

    #[test]
    fn every_line_break_the_protocol_knows() {
        let text = "a\r\nb\rc\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        for (line, ch) in ["a", "b", "c", "d"].iter().enumerate() {
            let at = text.find(ch).unwrap();
            assert_eq!(index.position(text, at), Position::new(line as u32, 0));
            assert_eq!(index.line_text(text, line), *ch);
        }
        // Between `\r` and `\n` is the end of the line.
        assert_eq!(index.position(text, 2), Position::new(0, 1));
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let text = "ab\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, Position::new(0, 99)), 2);
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
        assert_eq!(index.position(text, 99), Position::new(1, 2));
        assert_eq!(
            whole(text),
            Range::new(Position::new(0, 0), Position::new(1, 2))
        );
        assert_eq!(
            whole("x\n"),
            Range::new(Position::new(0, 0), Position::new(1, 0))
        );
    }

    #[test]
    fn round_trips_every_boundary() {
        let text = "pathway \"Ünïcödé 🦴\" {\r\n  # 👩‍⚕️ notes\n\r}\n";
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices() {
            let p = index.position(text, offset);
            let back = index.offset(text, p);
            // A line break's bytes all map to the line's end.
            let line_end = index.line_end(text, index.line_of(offset));
            assert_eq!(back, offset.min(line_end), "offset {offset}");
        }
    }

    /// The position by the definition: count the units from the line's
    /// start, the way the index did before it searched.
    fn slow_position(text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let index = LineIndex::new(text);
        let line = index.line_of(offset);
        let start = index.line_start(text, line);
        let offset = offset.min(index.line_end(text, line));
        Position::new(
            line as u32,
            text[start..offset].encode_utf16().count() as u32,
        )
    }

    /// The offset by the definition: walk the line's characters.
    fn slow_offset(text: &str, position: Position) -> usize {
        let index = LineIndex::new(text);
        let line = position.line as usize;
        if line >= index.line_count() {
            return text.len();
        }
        let start = index.line_start(text, line);
        let end = index.line_end(text, line);
        let mut units = 0;
        for (i, c) in text[start..end].char_indices() {
            units += c.len_utf16();
            if units > position.character as usize {
                return start + i;
            }
        }
        end
    }

    fn steps() -> usize {
        STEPS.with(|s| s.get())
    }

    /// One long line like a policy pasted without breaks: `n` findings
    /// (`BMI`) with accents, CJK and emoji around each.
    fn long_line(n: usize) -> String {
        let mut text = String::from("# Politique 🦴\n");
        for i in 0..n {
            text.push_str(if i % 2 == 0 { "Café 😀 " } else { "骨 é " });
            text.push_str("BMI over 40 ");
            text.push_str(if i % 3 == 0 {
                "👩‍⚕️ naïve. "
            } else {
                "ok. "
            });
        }
        text.push_str("\nend é\n");
        text
    }

    #[test]
    fn findings_on_a_long_mixed_line_get_exact_positions() {
        let text = long_line(300);
        let index = LineIndex::new(&text);
        let mut seen = 0;
        for (at, _) in text.match_indices("BMI") {
            let span = Span::new(at, at + 3);
            let range = index.range(&text, span);
            assert_eq!(range.start, slow_position(&text, at), "offset {at}");
            assert_eq!(range.end, slow_position(&text, at + 3));
            assert_eq!(range.start.line, 1);
            assert_eq!(range.end.character - range.start.character, 3);
            assert_eq!(index.span(&text, range), span);
            seen += 1;
        }
        assert_eq!(seen, 300);
        // The end of the long line and the line after it.
        let last = text.rfind("end").unwrap();
        assert_eq!(index.position(&text, last), Position::new(2, 0));
        assert_eq!(index.position(&text, text.len() - 1), Position::new(2, 5));
        // Every character boundary and every unit, both ways.
        for (offset, _) in text.char_indices() {
            let p = slow_position(&text, offset);
            assert_eq!(index.position(&text, offset), p, "offset {offset}");
            assert_eq!(index.offset(&text, p), slow_offset(&text, p));
        }
        for character in 0..text.len() as u32 + 3 {
            let p = Position::new(1, character);
            assert_eq!(index.offset(&text, p), slow_offset(&text, p), "{p:?}");
        }
    }

    #[test]
    fn converting_a_line_of_findings_searches_rather_than_scans() {
        // Positions of every finding on one line: a scan from the line's
        // start per finding looks at n * n / 2 characters; a search at
        // about log2 of the text's size per finding.
        for n in [1_000, 8_000] {
            let text = long_line(n);
            let index = LineIndex::new(&text);
            let offsets: Vec<usize> = text.match_indices("BMI").map(|(at, _)| at).collect();
            let before = steps();
            for &at in &offsets {
                let p = index.position(&text, at);
                assert_eq!(index.offset(&text, p), at);
            }
            let per_finding = (steps() - before) / offsets.len();
            let log = (text.len() as f64).log2().ceil() as usize;
            // position: one search of the lines, two of the wide
            // characters; offset: three more.
            assert!(
                per_finding <= 6 * (log + 1),
                "{per_finding} steps a finding for {n} findings on a line of {} bytes",
                text.len()
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_counting_from_the_line_start(
            text in "([a-z \u{e9}\u{9aa8}\u{1f600}\r\n]|\r\n){0,40}",
            offset in 0usize..200,
            line in 0u32..6,
            character in 0u32..60,
        ) {
            let index = LineIndex::new(&text);
            proptest::prop_assert_eq!(index.position(&text, offset), slow_position(&text, offset));
            let p = Position::new(line, character);
            proptest::prop_assert_eq!(index.offset(&text, p), slow_offset(&text, p));
        }
    }
}
