//! Hovers: on a rule name in a suppression comment, the rule's
//! explanation; on a node ID, its label, kind and routes; on a finding,
//! the finding and its rule's explanation (the text of `msklint explain`).

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::documents::{Analysis, Document};
use super::navigation;
use crate::explain::explain_text;
use crate::span::Span;
use crate::suppress;

/// Findings explained in full in one hover; more are listed by name.
const EXPLAINED: usize = 3;

pub fn hover(
    doc: &Document,
    analysis: &Analysis,
    position: Position,
    markdown: bool,
) -> Option<Hover> {
    let offset = analysis.to_report(doc.lines.offset(&doc.text, position));
    let on = |span: Span| span.start() <= offset && offset <= span.end();
    let mut parts: Vec<String> = Vec::new();
    let mut range = None;

    // A rule named in a suppression comment.
    let source = &analysis.report.source;
    let (found, _) = suppress::scan(source, analysis.report.kind.comment_style());
    let named = found
        .iter()
        .flat_map(|s| s.rules.iter())
        .find(|(_, span)| on(*span));
    if let Some((name, span)) = named {
        range = Some(*span);
        parts.push(match analysis.session.rules().find(name) {
            Some(rule) => fenced(&explain_text(&rule.rule), markdown),
            None => format!("no rule is called `{name}` (`msklint rules` lists them all)"),
        });
    } else if let Some(found) = navigation::at(&analysis.outline, offset) {
        range = Some(found.span);
        parts.push(navigation::describe(&found));
    }

    // The findings under the cursor, each rule explained once.
    let findings: Vec<_> = analysis
        .report
        .diagnostics
        .iter()
        .filter(|d| on(d.span))
        .collect();
    let mut explained: Vec<&str> = Vec::new();
    let mut also: Vec<String> = Vec::new();
    for d in &findings {
        range.get_or_insert(d.span);
        let code = super::diagnostics::code(d);
        let mut text = format!("**{code}** ({}): {}", d.severity, d.message);
        if !d.label.is_empty() {
            text.push_str(&format!(" — {}", d.label));
        }
        if let Some(help) = &d.help {
            text.push_str(&format!("\n\n{help}"));
        }
        if explained.contains(&d.rule.as_str()) {
            parts.push(text);
            continue;
        }
        if explained.len() == EXPLAINED {
            also.push(format!("`{}`", d.rule));
            continue;
        }
        explained.push(&d.rule);
        if let Some(rule) = analysis.session.rules().find(&d.rule) {
            text.push_str("\n\n");
            text.push_str(&fenced(&explain_text(&rule.rule), markdown));
        }
        parts.push(text);
    }
    if !also.is_empty() {
        also.dedup();
        parts.push(format!(
            "Also here: {} (`msklint explain RULE` tells more)",
            also.join(", ")
        ));
    }
    if parts.is_empty() {
        return None;
    }
    let separator = if markdown { "\n\n---\n\n" } else { "\n\n" };
    let mut value = parts.join(separator);
    if !markdown {
        value = value.replace("**", "").replace('`', "");
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: if markdown {
                MarkupKind::Markdown
            } else {
                MarkupKind::PlainText
            },
            value,
        }),
        range: range.map(|s| doc.lines.range(&doc.text, analysis.to_document(s))),
    })
}

/// `msklint explain`'s text, kept as it is printed: in a code block for a
/// client that renders Markdown.
fn fenced(text: &str, markdown: bool) -> String {
    if markdown {
        format!("```text\n{}\n```", text.trim_end())
    } else {
        text.trim_end().to_string()
    }
}
