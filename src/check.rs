//! The pipeline for one file: bytes → text → AST → graph → checks →
//! sorted diagnostics. Each stage lives in its own module; this one only
//! strings them together.

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::graph::PathwayGraph;
use crate::source::SourceFile;
use crate::span::Span;
use crate::vocabulary::Vocabulary;
use crate::{parser, validate};

/// Everything that stays the same across the files of one run.
#[derive(Debug, Clone)]
pub struct Linter {
    pub vocabulary: Vocabulary,
}

/// The findings for one file, with its text for rendering.
#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Linter {
    pub fn new(vocabulary: Vocabulary) -> Self {
        Linter { vocabulary }
    }

    /// Checks a file's raw bytes. Never fails: undecodable input becomes an
    /// `invalid-encoding` finding.
    pub fn check_bytes(&self, name: &str, bytes: Vec<u8>) -> FileReport {
        match decode(bytes) {
            Ok(text) => self.check_text(name, text),
            Err(bad) => FileReport {
                source: Arc::new(SourceFile::new(name, bad.0)),
                diagnostics: vec![bad.1],
            },
        }
    }

    pub fn check_text(&self, name: &str, mut text: String) -> FileReport {
        // Editors hide a byte-order mark; drop it so line-1 columns agree.
        if text.starts_with('\u{FEFF}') {
            text.drain(..'\u{FEFF}'.len_utf8());
        }
        let source = SourceFile::new(name, text);
        let mut diagnostics = Vec::new();
        let parsed = parser::parse(&source.text);
        diagnostics.extend(parsed.diagnostics);
        if let Some(file) = &parsed.file {
            if file.pathways.is_empty() {
                diagnostics.push(
                    Diagnostic::warning(
                        "empty-file",
                        Span::new(0, 0),
                        "this file declares no pathway",
                    )
                    .with_label("nothing to check")
                    .with_help("write a `pathway \"name\" { ... }` block, or remove the file"),
                );
            }
            for pathway in &file.pathways {
                validate::validate(pathway, &self.vocabulary, &mut diagnostics);
                let _graph = PathwayGraph::build(pathway, &mut diagnostics);
            }
        }
        sort(&mut diagnostics);
        FileReport {
            source: Arc::new(source),
            diagnostics,
        }
    }
}

/// Position first, then rule name, so output never depends on the order the
/// checks happened to run in.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.rule, &a.message).cmp(&(
            b.span.start,
            b.span.end,
            &b.rule,
            &b.message,
        ))
    });
}

/// UTF-8 text, or a printable stand-in plus the finding that explains why
/// the file cannot be checked.
fn decode(bytes: Vec<u8>) -> Result<String, Box<(String, Diagnostic)>> {
    let bad = match String::from_utf8(bytes) {
        Ok(text) => match text.find('\0') {
            None => return Ok(text),
            Some(at) => (
                text.into_bytes(),
                at,
                "it contains a NUL byte, so it looks like a binary file",
            ),
        },
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (e.into_bytes(), at, "it is not valid UTF-8")
        }
    };
    let (bytes, at, why) = bad;
    // Keep byte offsets stable: invalid bytes and control characters become
    // one-byte `?`s so the snippet is printable and the span still lines up.
    let shown: String = bytes
        .iter()
        .map(|&b| match b {
            b'\n' | b'\t' => b as char,
            b'\r' => '\r',
            0x20..=0x7e => b as char,
            _ => '?',
        })
        .collect();
    let diag = Diagnostic::error(
        "invalid-encoding",
        Span::new(at, (at + 1).min(shown.len())),
        format!("cannot check this file: {why}"),
    )
    .with_label("first bad byte")
    .with_help("save the pathway as UTF-8 text; if it is not a pathway, leave it out of the check");
    Err(Box::new((shown, diag)))
}
