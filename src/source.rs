//! A checked file's text with a line-start index.
//!
//! Line and column lookups binary-search the index instead of rescanning the
//! text, and the `miette::SourceCode` impl hands miette only the lines around
//! a span: miette's own impl for `str` scans from byte 0 for every label,
//! which makes rendering thousands of findings quadratic.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::span::{Span, MAX_TEXT_LEN};

#[derive(Debug)]
pub struct SourceFile {
    /// The path as given on the command line (or a label such as `<stdin>`).
    pub name: String,
    pub text: String,
    /// `u32` like spans. Text longer than spans reach is refused by the
    /// parser and only its start is reported, so it is indexed no further.
    line_starts: Vec<u32>,
}

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: String) -> Self {
        let indexed = &text.as_bytes()[..text.len().min(MAX_TEXT_LEN)];
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(indexed));
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// 0-based index of the line holding byte `offset`.
    fn line_index(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Line and column of a byte offset (clamped to the text, and to a char
    /// boundary so a bad span can never panic here).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_index(offset);
        let start = self.line_starts[line] as usize;
        let column = self.text[start..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&end| end as usize);
        let start = start as usize;
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The source text under a span (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start()..span.end()).unwrap_or("")
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .filter_map(|(i, _)| u32::try_from(i + 1).ok())
}

impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_index(start).saturating_sub(context_lines_before);
        let last = self.line_index(end.saturating_sub(1).max(start)) + context_lines_after + 2;
        let window_start = self.line_starts[first] as usize;
        let window_end = self
            .line_starts
            .get(last)
            .map_or(self.text.len(), |&end| end as usize);
        let window = &self.text[window_start..window_end];
        let local = SourceSpan::new((start - window_start).into(), span.len());
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let data = inner.data();
        let data_offset = data.as_ptr() as usize - window.as_ptr() as usize;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::new((window_start + data_offset).into(), data.len()),
            first + inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("t", "ab\n— x\r\ny".to_string());
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // the em dash is three bytes but one column
        assert_eq!(f.line_col(7), LineCol { line: 2, column: 3 });
        assert_eq!(f.line_col(10), LineCol { line: 3, column: 1 });
        assert_eq!(f.line_text(2), "— x");
        // offsets inside a character or past the end clamp instead of panicking
        assert_eq!(f.line_col(4), LineCol { line: 2, column: 1 });
        assert_eq!(f.line_col(999), LineCol { line: 3, column: 2 });
    }

    #[test]
    fn windowed_read_span_matches_miette_str_impl() {
        let text: String = (0..50).map(|i| format!("line {i} text\r\n")).collect();
        let f = SourceFile::new("t", text.clone());
        for (off, len) in [(0, 4), (30, 3), (200, 20), (text.len() - 5, 3), (64, 0)] {
            let span = SourceSpan::new(off.into(), len);
            for ctx in [0, 1, 2] {
                let ours = f.read_span(&span, ctx, ctx).unwrap();
                let theirs = text.as_str().read_span(&span, ctx, ctx).unwrap();
                assert_eq!(ours.data(), theirs.data(), "data at {off} ctx {ctx}");
                assert_eq!(ours.span(), theirs.span());
                assert_eq!(ours.line(), theirs.line());
                assert_eq!(ours.column(), theirs.column());
                // line_count differs on purpose: miette's str impl counts
                // from byte 0, ours counts the lines of the window.
            }
        }
    }
}
