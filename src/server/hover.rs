//! Hovers: on a finding, the finding and a short account of its rule; on
//! a rule name in a suppression comment, that account alone; on a node
//! ID, its label, kind and routes.
//!
//! A rule's account is what an editor can show in a small pop-up: its
//! summary, why it matters and how to fix it as paragraphs the editor
//! wraps, a link to its documentation, and a pointer to `msklint
//! explain`, which prints everything else (examples, prose patterns).

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::diagnostics;
use super::documents::{Analysis, Document};
use super::navigation;
use crate::diagnostic::Diagnostic;
use crate::rules::model::Rule;
use crate::span::Span;
use crate::suppress;

/// Findings whose rule is described in one hover; more are listed by name.
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
    let policy = analysis.report.kind.is_prose();

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
            Some(loaded) => {
                let fix = match (&loaded.rule.prose, policy) {
                    (Some(prose), true) => prose.help.as_deref(),
                    _ => None,
                };
                let fix = fix.unwrap_or(&loaded.rule.help);
                about(analysis, &loaded.rule, fix, true)
            }
            None => format!("no rule is called `{name}` (`msklint rules` lists them all)"),
        });
    } else if let Some(found) = navigation::at(&analysis.outline, offset) {
        range = Some(found.span);
        parts.push(navigation::describe(&found));
    }

    // The findings under the cursor, each rule described once.
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
        let mut text = headline(d);
        if explained.contains(&d.rule.as_str()) {
            parts.push(text);
            continue;
        }
        if explained.len() == EXPLAINED {
            also.push(format!("`{}`", d.rule));
            continue;
        }
        explained.push(&d.rule);
        match analysis.session.rules().find(&d.rule) {
            // The finding's own help is the fix for where it is: a policy's
            // wording, or a pathway (a Mermaid drawing in a policy too).
            Some(loaded) => {
                let fix = d.help.as_deref().unwrap_or(&loaded.rule.help);
                text.push_str("\n\n");
                text.push_str(&about(analysis, &loaded.rule, fix, false));
            }
            None => {
                if let Some(help) = &d.help {
                    text.push_str(&format!("\n\n{}", paragraphs(help)));
                }
            }
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
        value = plain(&value);
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

/// `**MSK101 bmi-threshold** (error): message — label`.
fn headline(d: &Diagnostic) -> String {
    let mut text = format!(
        "**{}** ({}): {}",
        diagnostics::code(d),
        d.severity,
        d.message
    );
    if !d.label.is_empty() {
        text.push_str(&format!(" — {}", d.label));
    }
    text
}

/// A rule in a few paragraphs: its summary (under its code and name when
/// no finding has named them already), why it matters, how to fix it,
/// and where to read the rest.
fn about(analysis: &Analysis, rule: &Rule, fix: &str, named: bool) -> String {
    let mut out = if named {
        format!("**{} {}**: {}", rule.code, rule.name, rule.summary.trim())
    } else {
        rule.summary.trim().to_string()
    };
    out.push_str(&format!(
        "\n\n**Why it matters:** {}",
        paragraphs(&rule.rationale)
    ));
    out.push_str(&format!("\n\n**How to fix it:** {}", paragraphs(fix)));
    let more = format!(
        "`msklint explain {}` prints the whole text, with examples",
        rule.name
    );
    match diagnostics::docs_link(&analysis.session, &rule.name) {
        Some(link) => out.push_str(&format!(
            "\n\n[{} {} documentation]({}) · {more}",
            rule.code,
            rule.name,
            link.as_str()
        )),
        None => out.push_str(&format!("\n\n{more}")),
    }
    out
}

/// Text written with hard line breaks (YAML block scalars) as Markdown
/// paragraphs, so the editor wraps them to its pop-up.
fn paragraphs(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Markdown as plain text: no emphasis or code marks, and a link as its
/// words followed by its address.
fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(open) = rest.find("](") {
        let Some(start) = rest[..open].rfind('[') else {
            break;
        };
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&format!(
            "{}: {}",
            &rest[start + 1..open],
            &rest[open + 2..open + close]
        ));
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.replace("**", "").replace('`', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_a_links_address() {
        assert_eq!(
            plain("**A** [MSK101 x documentation](https://e.org/r#a) · `msklint explain x`"),
            "A MSK101 x documentation: https://e.org/r#a · msklint explain x"
        );
    }

    #[test]
    fn paragraphs_are_joined_lines() {
        assert_eq!(paragraphs("a\nb\n\nc  d\n"), "a b\n\nc d");
    }
}
