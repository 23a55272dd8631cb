//! What the human output hands miette of a file for one finding.
//!
//! miette's graphical handler panics ("Formatting argument out of range")
//! when a label sits past column 65,535, and it walks every character of
//! each line it shows. A finding on a very long line (a Markdown or Word
//! paragraph on one line, a route with 100,000 targets) is therefore drawn
//! from a small stand-in text: the lines around the labels, with each long
//! line cut down to windows around the labels' ends and [`MARKER`] where
//! text is left out. Labels are moved into the stand-in, and every header
//! names the true path, line and column (counted in characters, as the
//! other formats count them).

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::{floor_boundary, SourceFile};
use crate::span::Span;

/// Lines longer than this many bytes are shown in windows.
pub const LONG_LINE: usize = 1000;

/// Stands for text left out of a long line.
pub const MARKER: &str = "⋯";

/// Characters kept on either side of a label's start and end.
const CONTEXT: usize = 40;

/// A label up to this many characters long is shown whole; a longer one
/// shows its first [`HEAD`] and last [`TAIL`] characters.
const WHOLE_LABEL: usize = 240;
const HEAD: usize = 120;
const TAIL: usize = 40;

/// Lines shown around each label: miette's one line of context, plus one
/// so that snippets miette joins never reach past what is kept.
const MARGIN: usize = 2;

/// The source as miette sees it for one finding.
pub struct Snippet<'a> {
    source: &'a SourceFile,
    clipped: Option<Clipped>,
}

/// The stand-in text for a finding that touches a long line.
struct Clipped {
    text: SourceFile,
    /// One per stand-in line, in order.
    lines: Vec<ShownLine>,
    /// The long lines that were cut: (1-based line, characters).
    cut: Vec<(usize, usize)>,
}

struct ShownLine {
    /// 0-based line in the real file.
    line: usize,
    /// Stretches of the real text kept on this line, in order.
    pieces: Vec<Piece>,
}

/// `len` bytes copied from `real` in the file to `shown` in the stand-in.
#[derive(Clone, Copy)]
struct Piece {
    shown: usize,
    real: usize,
    len: usize,
}

impl<'a> Snippet<'a> {
    /// The snippet for labels at `spans` (the primary first).
    pub fn new(source: &'a SourceFile, spans: &[Span]) -> Self {
        let long = spans.iter().any(|&span| {
            let (first, last) = lines_of(source, span);
            (first.saturating_sub(1)..=last + 1).any(|line| {
                let (start, end, _) = source.line_bounds(line);
                end - start > LONG_LINE
            })
        });
        // Lines holding terminal controls are shown from a stand-in too,
        // with each control replaced in place (escape::terminal_in_place).
        let controls = || {
            spans.iter().any(|&span| {
                let (first, last) = lines_of(source, span);
                let (start, _, _) = source.line_bounds(first.saturating_sub(1));
                let (_, end, _) =
                    source.line_bounds((last + 1).min(source.line_count().saturating_sub(1)));
                source.text[start..end]
                    .chars()
                    .any(crate::escape::is_terminal_control)
            })
        };
        Snippet {
            source,
            clipped: (long || controls()).then(|| Clipped::new(source, spans)),
        }
    }

    /// Where miette should draw a label at `span`.
    pub fn span(&self, span: Span) -> SourceSpan {
        match &self.clipped {
            None => span.into(),
            Some(c) => {
                let start = c.to_shown(span.start());
                let end = c.to_shown(span.end()).max(start);
                SourceSpan::new(start.into(), end - start)
            }
        }
    }

    /// What to tell the reader when long lines were cut, if any were.
    pub fn note(&self) -> Option<String> {
        let c = self.clipped.as_ref()?;
        let lines = match c.cut.as_slice() {
            [] => return None,
            [(line, chars)] => format!("line {line} ({chars} characters) is"),
            [(a, _), (b, _)] => format!("lines {a} and {b} are"),
            many => format!("{} lines are", many.len()),
        };
        Some(format!(
            "{lines} long: only the text around the finding is shown, and {MARKER} marks what is left out"
        ))
    }

    /// Where a real offset is, for a snippet's header.
    fn header(&self, offset: usize) -> String {
        // The file's name and a paragraph's quote are the file's own text.
        crate::escape::terminal(&self.source.place(offset)).into_owned()
    }
}

impl SourceCode for Snippet<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let (inner, real_start, line) = match &self.clipped {
            None => {
                let inner =
                    self.source
                        .read_span(span, context_lines_before, context_lines_after)?;
                let line = inner.line();
                (inner, span.offset(), line)
            }
            Some(c) => {
                let inner = c
                    .text
                    .read_span(span, context_lines_before, context_lines_after)?;
                let shown_line = c.text.line_index(inner.span().offset());
                let line = c.lines.get(shown_line).map_or(0, |l| l.line);
                (inner, c.to_real(span.offset()), line)
            }
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.header(real_start),
            inner.data(),
            *inner.span(),
            line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// The line a finding starts on, for quoting it elsewhere (the
/// consultation report): whole when short, otherwise the windows a snippet
/// would show, so a report on 100,000 findings on one line stays linear.
pub fn line_excerpt(source: &SourceFile, span: Span) -> String {
    let text = &source.text;
    let (start, end, _) = source.line_bounds(source.line_index(span.start()));
    if end - start <= LONG_LINE {
        return text[start..end].trim().to_string();
    }
    let mut out = String::new();
    let keep = windows(text, &[span], start, end);
    if keep.first().is_some_and(|&(a, _)| a > start) {
        out.push_str(MARKER);
        out.push(' ');
    }
    for (i, &(a, b)) in keep.iter().enumerate() {
        if i > 0 {
            out.push(' ');
            out.push_str(MARKER);
            out.push(' ');
        }
        out.push_str(text[a..b].trim());
    }
    if keep.last().is_some_and(|&(_, b)| b < end) {
        out.push(' ');
        out.push_str(MARKER);
    }
    out.trim().to_string()
}

/// The text under a span on one line (runs of whitespace as one space),
/// for quoting: whole up to [`WHOLE_LABEL`] characters, otherwise its first
/// [`HEAD`] and last [`TAIL`] with [`MARKER`] between.
pub fn span_excerpt(source: &SourceFile, span: Span) -> String {
    let text = source.slice(span);
    let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().take(WHOLE_LABEL + 1).count() <= WHOLE_LABEL {
        return one_line(text);
    }
    let head = forward(text, 0, HEAD, text.len());
    let tail = back(text, text.len(), TAIL, head);
    format!(
        "{} {MARKER} {}",
        one_line(&text[..head]),
        one_line(&text[tail..])
    )
}

/// 0-based first and last line a span touches (its last character's line).
fn lines_of(source: &SourceFile, span: Span) -> (usize, usize) {
    let first = source.line_index(span.start());
    let last = source.line_index(span.end().saturating_sub(1).max(span.start()));
    (first, last)
}

/// The offset `n` characters before `offset`, not before `floor`.
fn back(text: &str, offset: usize, n: usize, floor: usize) -> usize {
    text[floor..offset]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(floor, |(i, _)| floor + i)
        .min(offset)
}

/// The offset `n` characters after `offset`, not past `ceiling`.
fn forward(text: &str, offset: usize, n: usize, ceiling: usize) -> usize {
    text[offset..ceiling]
        .char_indices()
        .nth(n)
        .map_or(ceiling, |(i, _)| offset + i)
}

impl Clipped {
    fn new(source: &SourceFile, spans: &[Span]) -> Clipped {
        let text = &source.text;
        let last_line = source.line_count() - 1;
        // The real lines to show, as sorted, joined ranges.
        let mut ranges: Vec<(usize, usize)> = spans
            .iter()
            .map(|&span| {
                let (first, last) = lines_of(source, span);
                (first.saturating_sub(MARGIN), (last + MARGIN).min(last_line))
            })
            .collect();
        ranges.sort_unstable();
        let mut joined: Vec<(usize, usize)> = Vec::new();
        for (a, b) in ranges {
            match joined.last_mut() {
                Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                _ => joined.push((a, b)),
            }
        }
        let mut shown = String::new();
        let mut lines = Vec::new();
        let mut cut = Vec::new();
        for line in joined.into_iter().flat_map(|(a, b)| a..=b) {
            let (start, end, next) = source.line_bounds(line);
            let mut pieces = Vec::new();
            let mut copy = |shown: &mut String, real: usize, to: usize| {
                pieces.push(Piece {
                    shown: shown.len(),
                    real,
                    len: to - real,
                });
                shown.push_str(&text[real..to]);
            };
            if end - start <= LONG_LINE {
                copy(&mut shown, start, next);
            } else {
                let keep = windows(text, spans, start, end);
                if keep.first().is_some_and(|&(a, _)| a > start) {
                    shown.push_str(MARKER);
                    shown.push(' ');
                }
                for (i, &(a, b)) in keep.iter().enumerate() {
                    if i > 0 {
                        shown.push(' ');
                        shown.push_str(MARKER);
                        shown.push(' ');
                    }
                    copy(&mut shown, a, b);
                }
                if keep.last().is_some_and(|&(_, b)| b < end) {
                    shown.push(' ');
                    shown.push_str(MARKER);
                }
                copy(&mut shown, end, next);
                let chars = source.line_col(end).column - 1;
                cut.push((line + 1, chars));
            }
            lines.push(ShownLine { line, pieces });
        }
        crate::escape::terminal_in_place(&mut shown);
        Clipped {
            text: SourceFile::new("", shown),
            lines,
            cut,
        }
    }

    /// The stand-in offset for a real one. Offsets in text left out (which
    /// no label has) go to the end of the piece before them.
    fn to_shown(&self, real: usize) -> usize {
        let after = self
            .lines
            .partition_point(|l| l.pieces.first().is_some_and(|p| p.real <= real));
        let Some(line) = after.checked_sub(1).map(|i| &self.lines[i]) else {
            return 0;
        };
        let i = line.pieces.partition_point(|p| p.real <= real);
        match i.checked_sub(1).map(|i| line.pieces[i]) {
            Some(p) => p.shown + (real - p.real).min(p.len),
            None => 0,
        }
    }

    /// The real offset for a stand-in one (a marker maps to the end of the
    /// piece before it).
    fn to_real(&self, shown: usize) -> usize {
        let all = self.lines.iter().flat_map(|l| &l.pieces);
        let mut best = 0;
        for p in all {
            if p.shown > shown {
                break;
            }
            best = p.real + (shown - p.shown).min(p.len);
        }
        best
    }
}

/// The stretches of long line `start..end` to keep: around each label's
/// start and end on it, or its opening when no label is on it. Sorted and
/// joined where they meet.
fn windows(text: &str, spans: &[Span], start: usize, end: usize) -> Vec<(usize, usize)> {
    let on_line = |offset: usize| (start..=end).contains(&offset);
    let mut keep = Vec::new();
    for span in spans {
        let s = floor_boundary(text, span.start());
        let e = floor_boundary(text, span.end()).max(s);
        let short = on_line(s)
            && on_line(e)
            && text[s..e].chars().take(WHOLE_LABEL + 1).count() <= WHOLE_LABEL;
        if short {
            keep.push((
                back(text, s, CONTEXT, start),
                forward(text, e, CONTEXT, end),
            ));
            continue;
        }
        if on_line(s) {
            keep.push((back(text, s, CONTEXT, start), forward(text, s, HEAD, end)));
        }
        if on_line(e) {
            keep.push((back(text, e, TAIL, start), forward(text, e, CONTEXT, end)));
        }
    }
    if keep.is_empty() {
        keep.push((start, forward(text, start, 2 * CONTEXT, end)));
    }
    keep.sort_unstable();
    let mut joined: Vec<(usize, usize)> = Vec::new();
    for (a, b) in keep {
        match joined.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => joined.push((a, b)),
        }
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_passed_through() {
        let f = SourceFile::new("t", "a\nbmi < 40\n".to_string());
        let s = Snippet::new(&f, &[Span::new(2, 5)]);
        assert!(s.clipped.is_none());
        assert_eq!(s.span(Span::new(2, 5)), SourceSpan::new(2.into(), 3));
        assert_eq!(s.note(), None);
    }

    #[test]
    fn long_lines_keep_windows_around_labels() {
        let long = format!("{}bmi < 40{}", "x ".repeat(40_000), " y".repeat(40_000));
        let text = format!("first\n{long}\nlast\n");
        let f = SourceFile::new("t", text.clone());
        let at = text.find("bmi").unwrap();
        let label = Span::new(at, at + 8);
        let s = Snippet::new(&f, &[label]);
        let c = s.clipped.as_ref().unwrap();
        let shown = &c.text.text;
        assert!(shown.len() < 400, "{shown}");
        assert!(shown.starts_with("first\n⋯ x x"), "{shown}");
        assert!(shown.ends_with("y y ⋯\nlast\n"), "{shown}");
        let mapped = s.span(label);
        let (a, n) = (mapped.offset(), mapped.len());
        assert_eq!(&shown[a..a + n], "bmi < 40");
        assert_eq!(c.to_real(a), at);
        assert_eq!(c.lines[1].line, 1);
        assert_eq!(c.cut, [(2, long.chars().count())]);
    }

    #[test]
    fn excerpts_quote_short_text_whole_and_long_text_in_part() {
        let f = SourceFile::new("t", "a\n  gp -> zz\n".to_string());
        assert_eq!(line_excerpt(&f, Span::new(10, 12)), "gp -> zz");
        assert_eq!(span_excerpt(&f, Span::new(0, 12)), "a gp -> zz");
        let long = format!("gp -> {}zz", "t, ".repeat(10_000));
        let f = SourceFile::new("t", long.clone());
        let at = long.len() - 2;
        let quote = line_excerpt(&f, Span::new(at, at + 2));
        assert!(
            quote.starts_with("⋯ t, t,") && quote.ends_with("t, zz"),
            "{quote}"
        );
        let quote = span_excerpt(&f, Span::new(0, long.len()));
        assert!(
            quote.starts_with("gp -> t, t,") && quote.ends_with("t, t, zz"),
            "{quote}"
        );
        assert!(quote.contains(" ⋯ "), "{quote}");
        assert!(quote.chars().count() < HEAD + TAIL + 5);
    }

    #[test]
    fn long_labels_show_their_head_and_tail() {
        let sentence = format!("Patients {} must stop smoking.", "very ".repeat(20_000));
        let f = SourceFile::new("t.md", sentence.clone());
        let s = Snippet::new(&f, &[Span::new(0, sentence.len())]);
        let c = s.clipped.as_ref().unwrap();
        let mapped = s.span(Span::new(0, sentence.len()));
        let under = &c.text.text[mapped.offset()..mapped.offset() + mapped.len()];
        assert!(under.starts_with("Patients very"), "{under}");
        assert!(under.ends_with("must stop smoking."), "{under}");
        assert!(under.contains(" ⋯ "), "{under}");
        assert!(under.chars().count() < HEAD + TAIL + 10);
    }
}
