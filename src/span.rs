//! Byte-offset spans into a source file.

use serde::Serialize;

/// The largest text spans can point into. Offsets are `u32`, which halves
/// every span in the tree; the parser refuses longer text with a
/// `syntax-error`, so no offset is ever cut short.
pub const MAX_TEXT_LEN: usize = u32::MAX as usize;

/// A half-open byte range `start..end` into the file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// Offsets past [`MAX_TEXT_LEN`] become `MAX_TEXT_LEN` rather than
    /// wrapping (only text the parser refused could have them).
    pub fn new(start: usize, end: usize) -> Self {
        let cap = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: cap(start),
            end: cap(end),
        }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl From<pest::Span<'_>> for Span {
    fn from(s: pest::Span<'_>) -> Self {
        Span::new(s.start(), s.end())
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start(), s.len()).into()
    }
}

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}
