//! A Mermaid drawing `msklint graph` made keeps the pathway it was drawn
//! from in comment lines, since a drawing shows neither the pathway's
//! fields (owner, co-production, outcomes) nor what each service offers.
//! While the drawing is unchanged, importing it gives that pathway back
//! whole; once its shapes, labels or arrows are edited, it is read as any
//! drawing is (the kept text no longer says what the drawing does).

use std::collections::HashMap;

use super::{Diagram, Imported, Page};
use crate::diagram::mermaid::node_id;
use crate::source::DiagramPart;
use crate::span::Span;

/// The line above the kept pathway in a drawing `msklint graph` made.
pub const MARK: &str =
    "%% msklint: the pathway this was drawn from; `msklint import` restores it while the drawing is unchanged";
/// What each kept line starts with.
const PREFIX: &str = "%% |";

/// `text` (one pathway's source) as the comment lines a drawing keeps.
pub fn kept(text: &str) -> String {
    let mut out = format!("{MARK}\n");
    for line in text.lines() {
        out.push_str(PREFIX);
        if !line.is_empty() {
            out.push(' ');
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The pathway text a drawing keeps, when it keeps exactly one.
pub fn read_kept(text: &str) -> Option<String> {
    let mut blocks = 0;
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line == MARK {
            blocks += 1;
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        match line.strip_prefix(PREFIX) {
            Some(rest) => {
                out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
                out.push('\n');
            }
            None => inside = false,
        }
    }
    (blocks == 1 && !out.trim().is_empty()).then_some(out)
}

/// The kept pathway, when the drawing still shows exactly it: the same
/// shapes with the same labels, and the same arrows.
pub fn restored(diagram: &Diagram, file: &str) -> Option<Imported> {
    let kept = diagram.kept.as_deref()?;
    let [page] = diagram.pages.as_slice() else {
        return None;
    };
    let parsed = crate::parser::parse(kept).complete()?;
    let [pathway] = parsed.pathways.as_slice() else {
        return None;
    };
    if !unchanged(page, pathway) {
        return None;
    }
    let header = format!(
        "# Restored by msklint import from the pathway `msklint graph` kept in {}.\n",
        super::one_line(file)
    );
    let at = header.len();
    let mut parts: Vec<DiagramPart> = pathway
        .nodes
        .iter()
        .map(|n| DiagramPart {
            span: Span::new(at + n.span.start(), at + n.span.end()),
            id: node_id(n.id.name),
            text: n.label.value.to_string(),
            connector: false,
        })
        .collect();
    // A route is placed at its first arrow, as the reader names arrows.
    parts.extend(pathway.routes.iter().filter_map(|r| {
        let (from, to) = (r.sources().first()?, r.targets().first()?);
        Some(DiagramPart {
            span: Span::new(at + r.span.start(), at + r.span.end()),
            id: format!("L_{}_{}_0", node_id(from.name), node_id(to.name)),
            text: String::new(),
            connector: true,
        })
    }));
    parts.sort_by_key(|p| p.span.start());
    Some(Imported {
        text: format!("{header}{kept}"),
        parts,
        guesses: Vec::new(),
        restored: true,
    })
}

fn unchanged(page: &Page, pathway: &crate::ast::Pathway<'_>) -> bool {
    let labels: HashMap<String, &str> = pathway
        .nodes
        .iter()
        .map(|n| (node_id(n.id.name), n.label.value.as_ref()))
        .collect();
    let shapes_match = page.shapes.len() == labels.len()
        && page.shapes.iter().all(|s| {
            let first = s.text.lines().next().unwrap_or("").trim();
            labels.get(&s.id).is_some_and(|label| {
                // A node with no label is drawn with its ID.
                first == label.trim() || (label.trim().is_empty() && s.id.ends_with(first))
            })
        });
    if !shapes_match {
        return false;
    }
    let mut drawn: Vec<(&str, &str)> = page
        .links
        .iter()
        .map(|l| (l.from.as_str(), l.to.as_str()))
        .collect();
    let mut written: Vec<(String, String)> = pathway
        .routes
        .iter()
        .flat_map(|r| {
            r.sources().iter().flat_map(move |s| {
                r.targets()
                    .iter()
                    .map(move |t| (node_id(s.name), node_id(t.name)))
            })
        })
        .collect();
    drawn.sort_unstable();
    written.sort_unstable();
    drawn.len() == written.len()
        && drawn
            .iter()
            .zip(&written)
            .all(|(d, w)| d.0 == w.0 && d.1 == w.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_text_reads_back_once() {
        let text = "pathway \"p\" {\n\n  entry gp: \"GP\"\n}\n";
        let drawing = format!("flowchart LR\n  n_gp([\"GP\"])\n{}", kept(text));
        assert_eq!(read_kept(&drawing).as_deref(), Some(text));
        // Two kept pathways: neither is restored.
        let two = format!("{drawing}{}", kept(text));
        assert_eq!(read_kept(&two), None);
    }
}
