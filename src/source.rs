//! A checked file's text with a line-start index.
//!
//! Line and column lookups binary-search the index instead of rescanning the
//! text, and the `miette::SourceCode` impl hands miette only the lines around
//! a span: miette's own impl for `str` scans from byte 0 for every label,
//! which makes rendering thousands of findings quadratic.

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::import::places::{Place, Places};
use crate::span::{Span, MAX_TEXT_LEN};

#[derive(Debug)]
pub struct SourceFile {
    /// The path as given on the command line (or a label such as `<stdin>`).
    pub name: String,
    /// The path as the system gave it, kept only when it is not UTF-8
    /// (`name` then holds U+FFFD for its bad bytes), so the structured
    /// formats can name the file exactly (`crate::output::paths::spelled`,
    /// and SARIF's URIs). Set after checking, on a shared file.
    os_path: std::sync::OnceLock<std::path::PathBuf>,
    pub text: String,
    /// `u32` like spans. Text longer than spans reach is refused by the
    /// parser and only its start is reported, so it is indexed no further.
    line_starts: Vec<u32>,
    /// Characters before every [`MARK_STEP`]th byte (moved back to a char
    /// boundary), when some line is longer than that: a column on a long
    /// line is then counted from the nearest mark, not from the line start,
    /// so columns for many findings on one line cost linear time in total.
    marks: Vec<(u32, u32)>,
    /// For a Word document: where each of its paragraphs starts in the
    /// extracted text, in order. Empty for other files.
    paragraphs: Vec<Paragraph>,
    /// For a PDF: where each page starts in the extracted text (page
    /// `i + 1` at `pages[i]`). Empty for other files.
    pages: Vec<usize>,
    /// For a diagram: which shape or connector each generated node and
    /// route came from, in text order. Empty for other files.
    parts: Vec<DiagramPart>,
    /// For a drawing checked on its own: where its shapes are in its own
    /// file. `None` for every other file, Mermaid in Markdown included
    /// (its findings are placed in the Markdown already).
    drawing: Option<Places>,
}

/// Where a finding on a drawing checked on its own is in the drawing's
/// file, for outputs that annotate that file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drawn {
    /// At its shape's or connector's place.
    At(Place),
    /// On the file as a whole: about the whole pathway, or its shape has
    /// no line to point at.
    Whole,
}

/// A node or route of a pathway generated from a diagram (src/import/),
/// and the shape or connector it was drawn as: findings inside it name
/// that shape, so the author can find it in the drawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagramPart {
    /// Where the node or route is in the generated text.
    pub span: Span,
    /// The shape's or connector's ID in the diagram.
    pub id: String,
    /// Its text, with the line breaks it has in the drawing.
    pub text: String,
    /// A connector rather than a shape.
    pub connector: bool,
}

impl DiagramPart {
    /// Its text on one line, as messages and reports quote it.
    pub fn one_line(&self) -> String {
        self.text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// A paragraph of a Word document: Word shows neither our extracted lines
/// nor line numbers, so findings also name the paragraph and quote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte offset of its first character in the extracted text.
    pub start: usize,
    /// 1-based, counting the document's non-empty paragraphs from the top
    /// (headings and list items included; a table row counts as one).
    pub number: usize,
}

/// The most characters of a paragraph quoted to identify it.
const QUOTE_CHARS: usize = 40;

/// Bytes between column marks.
const MARK_STEP: usize = 1024;

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
        // The index lives as long as the text, and a large file has
        // hundreds of thousands of lines: no unused room.
        line_starts.shrink_to_fit();
        let long_line = line_starts
            .windows(2)
            .map(|w| w[1] - w[0])
            .chain(std::iter::once(
                (indexed.len() as u32).saturating_sub(*line_starts.last().unwrap_or(&0)),
            ))
            .any(|len| len as usize > MARK_STEP);
        let marks = if long_line {
            char_marks(&text[..floor_boundary(&text, indexed.len())])
        } else {
            Vec::new()
        };
        SourceFile {
            name: name.into(),
            os_path: std::sync::OnceLock::new(),
            text,
            line_starts,
            marks,
            paragraphs: Vec::new(),
            pages: Vec::new(),
            parts: Vec::new(),
            drawing: None,
        }
    }

    /// The same file, written from a drawing whose shapes are at `places`
    /// in its own file.
    pub fn with_drawing(mut self, places: Option<Places>) -> Self {
        self.drawing = places;
        self
    }

    /// For a drawing checked on its own, where its shapes are in its file.
    pub fn drawing(&self) -> Option<&Places> {
        self.drawing.as_ref()
    }

    /// Where a reader of the file finds byte `offset`: its line and column,
    /// or, for a drawing checked on its own, those of the shape or arrow
    /// in the drawing's file (its lines are not those of the pathway
    /// written from it; line 1 for a drawing with no lines, PowerPoint or
    /// Visio). For the one-line formats (concise, JUnit).
    pub fn seen_at(&self, offset: usize) -> LineCol {
        match self.drawn_at(offset) {
            None => self.line_col(offset),
            Some(Drawn::At(place)) => place.start,
            Some(Drawn::Whole) => LineCol { line: 1, column: 1 },
        }
    }

    /// For a drawing checked on its own, where byte `offset` of the
    /// pathway written from it is in the drawing's file; `None` for every
    /// other file.
    pub fn drawn_at(&self, offset: usize) -> Option<Drawn> {
        let places = self.drawing.as_ref()?;
        let place = self
            .part_at(offset)
            .and_then(|p| places.get(p.connector, &p.id));
        Some(place.map_or(Drawn::Whole, Drawn::At))
    }

    /// The same file, knowing the diagram parts its text was written from.
    pub fn with_parts(mut self, mut parts: Vec<DiagramPart>) -> Self {
        parts.sort_by_key(|p| p.span.start());
        self.parts = parts;
        self
    }

    /// The diagram parts its text was written from (empty for other
    /// files).
    pub fn parts(&self) -> &[DiagramPart] {
        &self.parts
    }

    /// The diagram's shape or connector that byte `offset` of the
    /// generated text was written from; `None` outside diagrams, and in
    /// the generated text between nodes and routes.
    pub fn part_at(&self, offset: usize) -> Option<&DiagramPart> {
        let after = self.parts.partition_point(|p| p.span.start() <= offset);
        let part = self.parts.get(after.checked_sub(1)?)?;
        (offset <= part.span.end()).then_some(part)
    }

    /// The same file, knowing where its PDF pages start.
    pub fn with_pages(mut self, pages: Vec<usize>) -> Self {
        self.pages = pages;
        self
    }

    /// Keeps `path`, the file's path as the system gave it, when it is not
    /// UTF-8 and so `name` could not hold it exactly. A second call keeps
    /// the first path.
    pub fn keep_os_path(&self, path: &std::path::Path) {
        if path.to_str().is_none() {
            let _ = self.os_path.set(path.to_path_buf());
        }
    }

    /// The file's path as the system gave it, when it is not UTF-8 and was
    /// kept with [`SourceFile::keep_os_path`].
    pub fn os_path(&self) -> Option<&std::path::Path> {
        self.os_path.get().map(std::path::PathBuf::as_path)
    }

    /// `path:line:column` of `offset`, with what a reader of the original
    /// needs to find it: the Word paragraph and its opening words, the PDF
    /// page, the diagram's shape or connector.
    pub fn place(&self, offset: usize) -> String {
        // A drawing's own place: the snippet under it shows the pathway
        // written from the drawing, whose lines are not the file's.
        let mut name = match self.drawn_at(offset) {
            None => {
                let at = self.line_col(offset);
                format!("{}:{}:{}", self.name, at.line, at.column)
            }
            Some(Drawn::At(place)) => {
                format!("{}:{}:{}", self.name, place.start.line, place.start.column)
            }
            Some(Drawn::Whole) => self.name.clone(),
        };
        if let Some(p) = self.paragraph_at(offset) {
            let quote = self.quote(p);
            name.push_str(&format!(", paragraph {} “{quote}”", p.number));
        }
        if let Some(page) = self.page_at(offset) {
            name.push_str(&format!(", page {page}"));
        }
        if let Some(part) = self.part_at(offset) {
            let what = if part.connector { "connector" } else { "shape" };
            name.push_str(&format!(", {what} `{}`", part.id));
            if !part.text.is_empty() {
                name.push_str(&format!(" “{}”", part.one_line()));
            }
        }
        name
    }

    /// In a few words, where `offset` is in a Word or PDF original, whose
    /// line numbers are those of its extracted text: `paragraph 5`,
    /// `page 2`. `None` for other files (a diagram's findings name their
    /// shapes already). For one-line formats (concise, github, junit);
    /// [`SourceFile::place`] quotes as well.
    pub fn found_at(&self, offset: usize) -> Option<String> {
        if let Some(p) = self.paragraph_at(offset) {
            return Some(format!("paragraph {}", p.number));
        }
        self.page_at(offset).map(|page| format!("page {page}"))
    }

    /// `message` with [`SourceFile::found_at`] after it in brackets,
    /// unless the message already names that place ("paragraph 2", not
    /// within "paragraph 25").
    pub fn placed(&self, message: &str, offset: usize) -> String {
        let Some(found) = self.found_at(offset) else {
            return message.to_string();
        };
        let named = message.match_indices(&found).any(|(at, _)| {
            !message[at + found.len()..].starts_with(|c: char| c.is_ascii_digit() || c == '.')
        });
        if named {
            message.to_string()
        } else {
            format!("{message} ({found})")
        }
    }

    /// Where each PDF page starts in the text (empty for other files).
    pub fn pages(&self) -> &[usize] {
        &self.pages
    }

    /// The 1-based PDF page holding byte `offset`; `None` outside PDFs.
    pub fn page_at(&self, offset: usize) -> Option<usize> {
        let after = self.pages.partition_point(|&p| p <= offset);
        // A page with no text starts where the next one does: the last
        // page starting at or before the offset holds it.
        (!self.pages.is_empty()).then_some(after.max(1))
    }

    /// The same file, knowing where its Word paragraphs start.
    pub fn with_paragraphs(mut self, paragraphs: Vec<Paragraph>) -> Self {
        self.paragraphs = paragraphs;
        self
    }

    /// The Word paragraphs, in order (empty for other files).
    pub fn paragraphs(&self) -> &[Paragraph] {
        &self.paragraphs
    }

    /// The Word paragraph holding byte `offset` (the one before, for the
    /// blank line after a paragraph); `None` outside Word documents.
    pub fn paragraph_at(&self, offset: usize) -> Option<Paragraph> {
        let after = self.paragraphs.partition_point(|p| p.start <= offset);
        after.checked_sub(1).map(|i| self.paragraphs[i])
    }

    /// The opening words of a paragraph as Word shows them (without the
    /// `# `, `- ` or `| ` msklint adds when extracting), to search for.
    pub fn quote(&self, paragraph: Paragraph) -> String {
        let line = self.line_text(self.line_col(paragraph.start).line);
        let body = ["# ", "- ", "| "]
            .iter()
            .find_map(|m| line.strip_prefix(m))
            .unwrap_or(line)
            .trim_start_matches('\u{2060}');
        // Only the opening is looked at: a paragraph can be very long.
        let end = body
            .char_indices()
            .nth(QUOTE_CHARS)
            .map_or(body.len(), |(i, _)| i);
        let (head, whole) = match body[..end].find(" | ") {
            Some(cell) => (&body[..cell], true),
            None => (&body[..end], end == body.len()),
        };
        let head = head.trim();
        if whole {
            return head.to_string();
        }
        // End at a word, not inside one.
        let cut = head.rfind(' ').filter(|&i| i > 0).unwrap_or(head.len());
        format!("{}…", head[..cut].trim_end())
    }

    /// How many characters come before byte `offset` (a char boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let (at, count) = self
            .marks
            .get(offset / MARK_STEP)
            .map_or((0, 0), |&(b, c)| (b as usize, c as usize));
        count + self.text[at..offset].chars().count()
    }

    /// 0-based index of the line holding byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Line and column of a byte offset (clamped to the text, and to a char
    /// boundary so a bad span can never panic here).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_boundary(&self.text, offset);
        let line = self.line_index(offset);
        let start = self.line_starts[line] as usize;
        let column = if offset - start > 2 * MARK_STEP && !self.marks.is_empty() {
            self.chars_before(offset) - self.chars_before(start) + 1
        } else {
            self.text[start..offset].chars().count() + 1
        };
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

    /// How many lines the text has (at least one).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Where 0-based line `line` starts, where its text ends (before `\r\n`
    /// or `\n`), and where the next line starts.
    pub fn line_bounds(&self, line: usize) -> (usize, usize, usize) {
        let Some(&start) = self.line_starts.get(line) else {
            return (self.text.len(), self.text.len(), self.text.len());
        };
        let next = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&n| n as usize);
        let start = start as usize;
        let body = self.text[start..next].trim_end_matches(['\n', '\r']);
        (start, start + body.len(), next)
    }

    /// The source text under a span (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start()..span.end()).unwrap_or("")
    }
}

/// `(byte, characters before it)` at every [`MARK_STEP`]th byte, each moved
/// back to a char boundary; the first is `(0, 0)`.
fn char_marks(text: &str) -> Vec<(u32, u32)> {
    let mut marks = Vec::with_capacity(text.len() / MARK_STEP + 1);
    let (mut at, mut count) = (0usize, 0usize);
    let mut step = 0;
    while step <= text.len() {
        let next = floor_boundary(text, step);
        count += text[at..next].chars().count();
        at = next;
        marks.push((
            u32::try_from(at).unwrap_or(u32::MAX),
            u32::try_from(count).unwrap_or(u32::MAX),
        ));
        step += MARK_STEP;
    }
    marks
}

/// The nearest char boundary at or before `offset` (clamped to the text).
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
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

    /// A Word place is added to a message once: not again when the
    /// message names it, but still when it names only a longer number.
    #[test]
    fn a_message_is_placed_once() {
        let f = SourceFile::new("t.docx", "one\ntwo\n".to_string()).with_paragraphs(vec![
            Paragraph {
                start: 0,
                number: 1,
            },
            Paragraph {
                start: 4,
                number: 2,
            },
        ]);
        assert_eq!(f.placed("found", 5), "found (paragraph 2)");
        assert_eq!(
            f.placed("in paragraph 2, where", 5),
            "in paragraph 2, where"
        );
        assert_eq!(
            f.placed("see paragraph 25", 5),
            "see paragraph 25 (paragraph 2)"
        );
        assert_eq!(
            f.placed("see paragraph 2.1", 5),
            "see paragraph 2.1 (paragraph 2)"
        );
    }

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
