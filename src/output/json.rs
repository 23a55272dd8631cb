//! `--format json`: one document with every finding and a summary. The field
//! names are a documented, stable schema (docs/json.md); add, never rename.

use serde::Serialize;

use super::Summary;
use crate::check::FileReport;
use crate::diagnostic::Severity;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<Finding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    code: Option<&'a str>,
    severity: Severity,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    pathway: Option<&'a str>,
    subject: Option<&'a str>,
    /// The source text under the span, so a reader need not open the file.
    snippet: &'a str,
    /// The guidance the rule rests on (empty for language diagnostics).
    sources: &'a [String],
    /// The question to put to the pathway's authors (rule findings only).
    question: Option<&'a str>,
    /// In a Word document, the paragraph the finding starts in (Word shows
    /// no line numbers).
    paragraph: Option<ParagraphRef>,
    /// In a PDF, the 1-based page the finding starts on. Absent (not
    /// `null`) for every other file, so their output is unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<usize>,
    /// In a diagram, the shape or connector the finding is about (its ID
    /// and text in the drawing); line and column are in the pathway
    /// written from it (`msklint import`). Absent for every other file.
    #[serde(skip_serializing_if = "Option::is_none")]
    shape: Option<ShapeRef<'a>>,
}

#[derive(Serialize)]
struct ShapeRef<'a> {
    id: &'a str,
    text: &'a str,
    /// A connector (arrow) rather than a shape.
    connector: bool,
}

#[derive(Serialize)]
struct ParagraphRef {
    /// 1-based, counting the document's non-empty paragraphs (a table row
    /// counts as one).
    number: usize,
    /// The paragraph's opening words, to search for in Word.
    quote: String,
}

pub fn render(reports: &[FileReport]) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(reports, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Streams the document to `out`, so a run with many findings never holds
/// the whole text in memory.
pub fn write(reports: &[FileReport], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let diagnostics = reports
        .iter()
        .flat_map(|r| {
            let src = &r.source;
            r.diagnostics.iter().map(move |d| {
                let start = src.line_col(d.span.start());
                let end = src.line_col(d.span.end());
                Finding {
                    rule: &d.rule,
                    code: d.code.as_deref(),
                    severity: d.severity,
                    path: &src.name,
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    message: &d.message,
                    help: d.help.as_deref(),
                    pathway: d.pathway.as_deref(),
                    subject: d.subject.as_deref(),
                    snippet: src.slice(d.span),
                    sources: &d.sources,
                    question: d.question.as_deref(),
                    paragraph: src.paragraph_at(d.span.start()).map(|p| ParagraphRef {
                        number: p.number,
                        quote: src.quote(p),
                    }),
                    page: src.page_at(d.span.start()),
                    shape: src.part_at(d.span.start()).map(|p| ShapeRef {
                        id: &p.id,
                        text: &p.text,
                        connector: p.connector,
                    }),
                }
            })
        })
        .collect();
    let doc = Document {
        version: SCHEMA_VERSION,
        diagnostics,
        summary: Summary::of(reports),
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}
