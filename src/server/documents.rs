//! The documents the editor has open: their text as the editor holds it
//! (changed in place by full or incremental edits), what kind of input
//! each is, and the result of its latest check.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::navigation::Outline;
use super::positions::LineIndex;
use super::uris;
use crate::check::FileReport;
use crate::input::{InputFormat, FORMATS};
use crate::session::Session;
use crate::span::Span;

/// One open document.
pub struct Document {
    pub uri: Uri,
    pub version: i32,
    pub text: String,
    pub lines: LineIndex,
    /// Pathway, Markdown or plain text.
    pub format: InputFormat,
    /// The name the document is checked under: its path, or for a buffer
    /// whose name does not say what it is, a name with the extension its
    /// language calls for (the extension is what picks the input format).
    pub name: String,
    /// On disk, for finding `msklint.yaml` and per-path overrides.
    pub path: Option<PathBuf>,
    /// The latest check, if the text has not changed since.
    pub analysis: Option<Analysis>,
    /// When the next check is due, if one is waiting.
    pub due: Option<Instant>,
    /// When the text last changed.
    pub changed: Option<Instant>,
}

/// A document's check: the report, the outline of its pathways for
/// navigation, and the session that checked it (for rule explanations).
pub struct Analysis {
    pub version: i32,
    pub report: FileReport,
    /// Bytes the editor's text has in front of the checked text: a
    /// byte-order mark, which checking drops. Report spans plus this are
    /// offsets into [`Document::text`].
    pub shift: usize,
    pub outline: Outline,
    pub session: Arc<Session>,
}

impl Analysis {
    /// A report span as a span of the editor's text.
    pub fn to_document(&self, span: Span) -> Span {
        Span::new(span.start() + self.shift, span.end() + self.shift)
    }

    /// An offset into the editor's text as one into the checked text.
    pub fn to_report(&self, offset: usize) -> usize {
        offset.saturating_sub(self.shift)
    }
}

/// The input format a document is read as: by its file name's extension
/// when that is one msklint knows, otherwise by the editor's language ID
/// (`pathway`, `markdown`, `plaintext`). `None` for anything else, and
/// for Word files, which editors do not hand over as text.
pub fn format_of(path_name: Option<&str>, language_id: &str) -> Option<InputFormat> {
    let by_extension = path_name
        .and_then(|name| Path::new(name).extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .and_then(|ext| {
            FORMATS
                .iter()
                .find(|f| f.extensions.contains(&ext.as_str()))
                .map(|f| f.format)
        });
    let format = by_extension.or(match language_id {
        "pathway" => Some(InputFormat::Pathway),
        "markdown" => Some(InputFormat::Markdown),
        "plaintext" => Some(InputFormat::Text),
        _ => None,
    })?;
    // A diagram is checked as the pathway written from it, whose positions
    // are not the editor's: editors are left to `msklint check`.
    (format != InputFormat::Docx && !format.is_diagram()).then_some(format)
}

impl Document {
    /// A document as the editor opened it, or `None` if msklint does not
    /// read its kind.
    pub fn open(uri: Uri, version: i32, language_id: &str, text: String) -> Option<Document> {
        let path = uris::to_path(&uri);
        let shown = match &path {
            Some(p) => p.display().to_string(),
            None => uris::last_segment(&uri),
        };
        let format = format_of(Some(&shown), language_id)?;
        // The name must carry an extension that picks the same format.
        let name = if format_of(Some(&shown), "") == Some(format) {
            shown
        } else {
            let ext = FORMATS
                .iter()
                .find(|f| f.format == format)
                .and_then(|f| f.extensions.first())
                .copied()
                .unwrap_or("pathway");
            format!("{shown}.{ext}")
        };
        Some(Document {
            uri,
            version,
            lines: LineIndex::new(&text),
            text,
            format,
            name,
            path,
            analysis: None,
            due: None,
            changed: None,
        })
    }

    /// Applies the editor's changes in order: each replaces a range, or
    /// the whole text when it has none. Returns what was wrong with them,
    /// for the log: a range that ends before it starts is taken as the
    /// text between its two positions, as editors order a range.
    pub fn change(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> Vec<String> {
        let mut problems = Vec::new();
        for change in changes {
            match change.range {
                Some(mut range) => {
                    let (start, end) = (range.start, range.end);
                    if (end.line, end.character) < (start.line, start.character) {
                        problems.push(format!(
                            "a change runs backwards, from line {}, character {} to line {}, character {}; it was applied to the text between the two",
                            start.line + 1,
                            start.character + 1,
                            end.line + 1,
                            end.character + 1
                        ));
                        std::mem::swap(&mut range.start, &mut range.end);
                    }
                    let span = self.lines.span(&self.text, range);
                    self.text
                        .replace_range(span.start()..span.end(), &change.text);
                }
                None => self.text = change.text,
            }
            self.lines = LineIndex::new(&self.text);
        }
        self.version = version;
        self.analysis = None;
        problems
    }

    /// The latest check, if it is of the current text.
    pub fn current(&self) -> Option<&Analysis> {
        self.analysis.as_ref().filter(|a| a.version == self.version)
    }

    pub fn is_pathway(&self) -> bool {
        self.format == InputFormat::Pathway
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};
    use std::str::FromStr;

    fn uri(s: &str) -> Uri {
        Uri::from_str(s).unwrap()
    }

    #[test]
    fn the_extension_decides_before_the_language() {
        assert_eq!(
            format_of(Some("/a/p.pathway"), "plaintext"),
            Some(InputFormat::Pathway)
        );
        assert_eq!(
            format_of(Some("/a/NOTES.MD"), "plaintext"),
            Some(InputFormat::Markdown)
        );
        assert_eq!(
            format_of(Some("/a/policy"), "markdown"),
            Some(InputFormat::Markdown)
        );
        assert_eq!(format_of(Some("/a/x.yaml"), "yaml"), None);
        assert_eq!(format_of(Some("/a/x.docx"), "plaintext"), None);
        assert_eq!(format_of(Some("/a/flow.mmd"), "mermaid"), None);
    }

    #[test]
    fn unsaved_buffers_are_named_by_their_language() {
        let doc = Document::open(uri("untitled:Untitled-1"), 1, "pathway", String::new()).unwrap();
        assert_eq!(doc.name, "Untitled-1.pathway");
        assert_eq!(doc.path, None);
        let doc = Document::open(uri("file:///a/README"), 1, "markdown", String::new()).unwrap();
        assert_eq!(doc.name, "/a/README.md");
        assert_eq!(doc.path.as_deref(), Some(Path::new("/a/README")));
        assert!(Document::open(uri("untitled:Untitled-2"), 1, "rust", String::new()).is_none());
    }

    #[test]
    fn incremental_changes_count_utf16_units() {
        let mut doc = Document::open(
            uri("file:///a/p.pathway"),
            1,
            "pathway",
            "# 😀 é\nab\n".into(),
        )
        .unwrap();
        // Replace `é` (after a 2-unit emoji) with `e`, then insert on line 1.
        doc.change(
            2,
            vec![
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(Position::new(0, 5), Position::new(0, 6))),
                    range_length: None,
                    text: "e".into(),
                },
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(Position::new(1, 1), Position::new(1, 1))),
                    range_length: None,
                    text: "X".into(),
                },
            ],
        );
        assert_eq!(doc.text, "# 😀 e\naXb\n");
        assert_eq!(doc.version, 2);
    }

    #[test]
    fn a_range_that_runs_backwards_is_the_text_between_and_is_reported() {
        let mut doc = Document::open(
            uri("file:///a/p.pathway"),
            1,
            "pathway",
            "a\nb\nc\nd\n".into(),
        )
        .unwrap();
        let problems = doc.change(
            2,
            vec![TextDocumentContentChangeEvent {
                range: Some(Range::new(Position::new(3, 0), Position::new(1, 0))),
                range_length: None,
                text: "X".into(),
            }],
        );
        assert_eq!(doc.text, "a\nXd\n");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].contains("from line 4, character 1 to line 2"),
            "{problems:?}"
        );
    }
}
