//! The default output: miette's graphical diagnostics with the source
//! snippet, labels, help and the rule name as the code.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::snippet::Snippet;
use super::Summary;
use crate::check::FileReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::escape::terminal;
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

impl HumanOptions {
    /// What tests pin: unicode, no colour, 80 columns.
    pub fn plain() -> Self {
        HumanOptions {
            color: false,
            width: 80,
        }
    }
}

pub fn handler(opts: HumanOptions) -> GraphicalReportHandler {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .without_syntax_highlighting()
        .with_width(opts.width)
        .with_links(false)
        // Snippet headers carry their own `path:line:column` (in
        // characters, and true on long lines shown in part).
        .without_primary_span_start()
        // Split words at ASCII spaces: the default Unicode line-break
        // segmenter made wrapping the slowest part of rendering.
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
}

/// Related places drawn per finding (rules attach at most five). The cap
/// keeps a shortened line, a window per label, far below miette's limit of
/// 65,535 columns whatever a finding carries.
const MAX_RELATED: usize = 15;

/// Renders one finding (used by tests and the full report alike).
pub fn render_one(
    handler: &GraphicalReportHandler,
    diag: &Diagnostic,
    source: &SourceFile,
) -> String {
    let mut out = String::new();
    let spans: Vec<_> = std::iter::once(diag.span)
        .chain(diag.related.iter().take(MAX_RELATED).map(|l| l.span))
        .collect();
    let view = View {
        diag,
        snippet: Snippet::new(source, &spans),
    };
    if handler.render_report(&mut out, &view).is_err() {
        // miette only fails on a broken span; fall back to a plain line.
        let at = source.line_col(diag.span.start());
        out = format!(
            "{}:{}:{}: {}[{}] {}\n",
            terminal(&source.name),
            at.line,
            at.column,
            diag.severity,
            diag.rule,
            terminal(&diag.message)
        );
    }
    out
}

pub fn render(reports: &[FileReport], opts: HumanOptions) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(reports, opts, 0, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Findings rendered at a time: enough to keep every thread busy, few
/// enough that a large run's text (47 MB for 35,000 findings) is never held
/// whole.
const BATCH: usize = 512;

/// Streams the findings to `out`, in order. Rendering is the costly part of
/// human output, so each batch is rendered in parallel. The summary line
/// also counts the paths that could not be checked.
pub fn write(
    reports: &[FileReport],
    opts: HumanOptions,
    not_checked: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let handler = handler(opts);
    let all: Vec<(&Diagnostic, &SourceFile)> = reports
        .iter()
        .flat_map(|r| {
            super::in_printed_order(r)
                .into_iter()
                .map(move |d| (d, &*r.source))
        })
        .collect();
    for batch in all.chunks(BATCH) {
        let pieces: Vec<String> =
            crate::par::map(batch, |&(d, source)| render_one(&handler, d, source));
        for piece in pieces {
            out.write_all(piece.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    writeln!(out, "{}", Summary::of(reports).line_and(not_checked))
}

/// Adapts our diagnostic to miette's trait for rendering.
struct View<'a> {
    diag: &'a Diagnostic,
    snippet: Snippet<'a>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&terminal(&self.diag.message))
    }
}

// Messages quote the file (names, sentences): its control characters are
// shown, not sent to the terminal.
impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&terminal(&self.diag.message))
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(match &self.diag.code {
            Some(code) => format!("{}({code})", self.diag.rule),
            None => self.diag.rule.to_string(),
        }))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let note = self.snippet.note();
        let Some(help) = self.diag.help.as_deref() else {
            return note.map(|n| Box::new(n) as Box<dyn fmt::Display>);
        };
        let mut text = terminal(help).into_owned();
        // Rule findings also name the guidance they rest on.
        if let Some(source) = self.diag.sources.first() {
            text.push_str(&format!(
                "\nguidance: {source} (`msklint explain {}` for more)",
                self.diag.rule
            ));
        }
        if let Some(note) = note {
            text.push('\n');
            text.push_str(&note);
        }
        Some(Box::new(text))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.snippet)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let text = |s: &str| (!s.is_empty()).then(|| terminal(s).into_owned());
        let primary = LabeledSpan::new_primary_with_span(
            text(&self.diag.label),
            self.snippet.span(self.diag.span),
        );
        let related = self
            .diag
            .related
            .iter()
            .take(MAX_RELATED)
            .map(move |l| LabeledSpan::new_with_span(text(&l.text), self.snippet.span(l.span)));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}
