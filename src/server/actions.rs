//! Quick fixes: the replacement a finding suggests, and a suppression
//! comment for a finding, written with a reason to fill in.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Position, Range, TextEdit, WorkspaceEdit,
};

use super::diagnostics;
use super::documents::{Analysis, Document};
use super::positions::touches;
use crate::config::LOCKED;
use crate::diagnostic::Diagnostic;
use crate::suppress::{self, CommentStyle};

/// What a new suppression says until its author writes the reason.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this is acceptable here";

pub fn actions(
    doc: &Document,
    analysis: &Analysis,
    range: Range,
    only: Option<&[CodeActionKind]>,
) -> Vec<CodeActionOrCommand> {
    let wanted = only.is_none_or(|kinds| {
        kinds
            .iter()
            .any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()))
    });
    if !wanted {
        return Vec::new();
    }
    let lsp = diagnostics::of_document(doc, analysis);
    let mut fixes = Vec::new();
    let mut suppressions = Vec::new();
    let mut suppressed: Vec<(String, usize)> = Vec::new();
    for (d, shown) in analysis.report.diagnostics.iter().zip(&lsp) {
        if !touches(shown.range, range) {
            continue;
        }
        if let Some(fix) = &d.suggestion {
            let at = doc.lines.range(&doc.text, analysis.to_document(fix.span));
            let was = &analysis.report.source.text[fix.span.start()..fix.span.end()];
            fixes.push(action(
                format!("Replace `{was}` with `{}`", fix.replacement),
                doc,
                vec![TextEdit {
                    range: at,
                    new_text: fix.replacement.clone(),
                }],
                shown,
                true,
            ));
        }
        if !can_suppress(d) {
            continue;
        }
        let line = doc.lines.line_of(analysis.to_document(d.span).start());
        if suppressed.contains(&(d.rule.to_string(), line)) {
            continue;
        }
        suppressed.push((d.rule.to_string(), line));
        if let Some(edit) = suppression(doc, analysis, d) {
            suppressions.push(action(
                format!("Suppress `{}` here, with a reason", d.rule),
                doc,
                vec![edit],
                shown,
                false,
            ));
        }
    }
    fixes.extend(suppressions);
    fixes
}

/// Findings a comment may silence: not the ones that say the file was not
/// checked, nor those about suppressions themselves.
fn can_suppress(d: &Diagnostic) -> bool {
    !LOCKED.contains(&d.rule.as_str())
        && d.rule != suppress::UNUSED
        && d.rule != suppress::WITHOUT_REASON
}

fn action(
    title: String,
    doc: &Document,
    edits: Vec<TextEdit>,
    shown: &lsp_types::Diagnostic,
    preferred: bool,
) -> CodeActionOrCommand {
    // `Uri` hashes and compares by its text, which never changes; clippy
    // cannot see that through its parsed form.
    #[allow(clippy::mutable_key_type)]
    let mut changes = HashMap::new();
    changes.insert(doc.uri.clone(), edits);
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![shown.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    })
}

/// The edit that silences `d`. A suppression that already covers the
/// finding's line gets the rule added to its list; otherwise a new one is
/// written: in a pathway on its own line just above the finding (above a
/// node's first line it covers the whole node), in a policy document at
/// the end of the finding's line, where it changes no paragraph.
fn suppression(doc: &Document, analysis: &Analysis, d: &Diagnostic) -> Option<TextEdit> {
    let source = &analysis.report.source;
    let style = analysis.report.kind.comment_style();
    let finding_line = source.line_col(d.span.start()).line;
    let (found, _) = suppress::scan(source, style);
    let covering = found
        .iter()
        .find(|s| s.word.is_none() && (s.target_line..=s.last_line).contains(&finding_line));
    if let Some(s) = covering {
        let (_, last) = s.rules.last()?;
        let at = doc
            .lines
            .position(&doc.text, analysis.to_document(*last).end());
        return Some(TextEdit {
            range: Range::new(at, at),
            new_text: format!(", {}", d.rule),
        });
    }
    let line = doc.lines.line_of(analysis.to_document(d.span).start());
    let text = doc.lines.line_text(&doc.text, line);
    // A finding about a whole Mermaid drawing sits on its opening fence,
    // which holds no comment: a `%%` comment at the top of the drawing
    // covers it (src/suppress.rs).
    if style == CommentStyle::Html {
        if let Some(after) = drawing_top(&doc.text, analysis.to_document(d.span).start()) {
            let indent: String = text.chars().take_while(|c| c.is_whitespace()).collect();
            let newline = newline_of(doc, line);
            let at = doc.lines.position(&doc.text, after);
            return Some(TextEdit {
                range: Range::new(at, at),
                new_text: format!(
                    "{newline}{indent}%% msklint: allow({}) reason: \"{REASON_PLACEHOLDER}\"",
                    d.rule
                ),
            });
        }
    }
    // An HTML comment would break a Mermaid drawing: its own `%%` comment,
    // on a line of its own, is what suppresses a finding in it.
    let in_drawing = style == CommentStyle::Html
        && in_mermaid_fence(&doc.text, analysis.to_document(d.span).start());
    match style {
        _ if in_drawing => {
            let indent: String = text.chars().take_while(|c| c.is_whitespace()).collect();
            let newline = newline_of(doc, line);
            let at = Position::new(line as u32, 0);
            Some(TextEdit {
                range: Range::new(at, at),
                new_text: format!(
                    "{indent}%% msklint: allow({}) reason: \"{REASON_PLACEHOLDER}\"{newline}",
                    d.rule
                ),
            })
        }
        CommentStyle::Hash => {
            let indent: String = text.chars().take_while(|c| c.is_whitespace()).collect();
            let newline = newline_of(doc, line);
            let at = Position::new(line as u32, 0);
            Some(TextEdit {
                range: Range::new(at, at),
                new_text: format!(
                    "{indent}# msklint: allow({}) reason: \"{REASON_PLACEHOLDER}\"{newline}",
                    d.rule
                ),
            })
        }
        CommentStyle::Html => {
            let end = doc.lines.line_end(&doc.text, line);
            let at = doc.lines.position(&doc.text, end);
            let space = if text.ends_with(char::is_whitespace) || text.is_empty() {
                ""
            } else {
                " "
            };
            Some(TextEdit {
                range: Range::new(at, at),
                new_text: format!(
                    "{space}<!-- msklint: allow({}) reason: \"{REASON_PLACEHOLDER}\" -->",
                    d.rule
                ),
            })
        }
    }
}

/// Whether byte `at` of a Markdown `text` is inside a Mermaid fence.
fn in_mermaid_fence(text: &str, at: usize) -> bool {
    crate::import::markdown::fences(text).iter().any(|f| {
        let mermaid = f
            .info
            .split_whitespace()
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("mermaid"));
        mermaid && (f.body_start..=f.body_start + f.body.len()).contains(&at)
    })
}

/// If byte `at` of a Markdown `text` is on the opening line of a Mermaid
/// fence, where the top of the drawing ends: the end of that line, or of
/// the drawing's front matter (`---` to `---`), which must come first.
fn drawing_top(text: &str, at: usize) -> Option<usize> {
    let fence = crate::import::markdown::fences(text)
        .into_iter()
        .find(|f| {
            f.info
                .split_whitespace()
                .next()
                .is_some_and(|w| w.eq_ignore_ascii_case("mermaid"))
                && (f.open.start()..=f.open.end()).contains(&at)
        })?;
    let mut lines = fence.body.split_inclusive('\n').scan(0, |end, l| {
        *end += l.len();
        Some((
            l.trim(),
            *end - l.len() + l.trim_end_matches(['\n', '\r']).len(),
        ))
    });
    let front = lines.by_ref().find(|(l, _)| !l.is_empty());
    match front {
        Some(("---", _)) => lines
            .find(|(l, _)| *l == "---")
            .map(|(_, end)| fence.body_start + end)
            .or(Some(fence.open.end())),
        _ => Some(fence.open.end()),
    }
}

/// The line break the document uses at `line` (or its first one).
fn newline_of(doc: &Document, line: usize) -> &'static str {
    let end = doc.lines.line_end(&doc.text, line);
    let rest = &doc.text[end..];
    let first = if rest.is_empty() {
        doc.text.find(['\n', '\r']).map(|i| &doc.text[i..])
    } else {
        Some(rest)
    };
    match first {
        Some(r) if r.starts_with("\r\n") => "\r\n",
        Some(r) if r.starts_with('\r') => "\r",
        _ => "\n",
    }
}
