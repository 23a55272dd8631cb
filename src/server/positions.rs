//! Byte offsets in a document's text to the protocol's positions and back.
//!
//! The protocol counts a position's `character` in UTF-16 code units (the
//! only encoding every client supports, and the one this server announces),
//! while msklint's spans are byte offsets into UTF-8 text. An `é` is two
//! bytes and one unit, an emoji four bytes and two units. Lines end at
//! `\n`, `\r\n` or a lone `\r`, as the protocol says.

use lsp_types::{Position, Range};

use crate::span::Span;

/// Where each line of a text starts, to turn offsets into positions with a
/// binary search instead of a scan from the top.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the first character of each line; line 0 starts at 0.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
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
        let start = self.starts[line];
        // Inside a `\r\n` counts as the end of the line.
        let offset = offset.min(self.line_end(text, line));
        let character = text[start..offset].encode_utf16().count();
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
        if line >= self.starts.len() {
            return text.len();
        }
        let start = self.starts[line];
        let end = self.line_end(text, line);
        let want = position.character as usize;
        let mut units = 0;
        for (i, c) in text[start..end].char_indices() {
            let next = units + c.len_utf16();
            if next > want {
                return start + i;
            }
            units = next;
        }
        end
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
}
