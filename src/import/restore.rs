//! A Mermaid drawing `msklint graph` made keeps the pathway it was drawn
//! from in comment lines, since a drawing shows neither the pathway's
//! fields (owner, co-production, outcomes) nor what each service offers.
//! While the drawing is unchanged, importing it gives that pathway back
//! whole. Once its shapes, labels or arrows are edited, what it still shows
//! as drawn is taken from the kept text and the rest read as any drawing
//! is ([`Kept`], used by `write_page` in src/import/mod.rs), with a guess
//! for each kept node or route that could not be carried over. Each shape
//! is matched to the kept node it was drawn for (`match_node`) and, when
//! it still shows that node, written back as written (`write_kept_node`).

use std::collections::HashMap;

use super::meaning::quote;
use super::{
    clipped, one_line, shape_named, tidy_lines, written_criteria, Diagram, Imported, Page, Role,
    Shape, Writer,
};
use crate::ast::{Node, Pathway, PropertyValue};
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

fn unchanged(page: &Page, pathway: &Pathway<'_>) -> bool {
    // Every shape is a kept node drawn with the same lines (label, kind,
    // criteria), so an edited kind or criterion is an edit too.
    let nodes: HashMap<String, &Node<'_>> = pathway
        .nodes
        .iter()
        .map(|n| (node_id(n.id.name), n))
        .collect();
    let shapes_match = page.shapes.len() == nodes.len()
        && page.shapes.iter().all(|s| {
            nodes.get(&s.id).is_some_and(|n| {
                let (mut lines, details) = drawn_lines(n);
                lines.extend(details);
                lines_of(&s.text) == lines
            })
        });
    if !shapes_match {
        return false;
    }
    // The same arrows, each with the words drawn on it.
    let mut drawn: Vec<(&str, &str, Vec<String>)> = page
        .links
        .iter()
        .map(|l| (l.from.as_str(), l.to.as_str(), lines_of(&l.text)))
        .collect();
    let kept = Kept { text: "", pathway };
    let mut written: Vec<(String, String, Vec<String>)> = kept
        .routes()
        .into_iter()
        .map(|r| {
            (
                node_id(&r.from),
                node_id(&r.to),
                lines_of(&r.drawn.join("\n")),
            )
        })
        .collect();
    drawn.sort_unstable();
    written.sort_unstable();
    drawn.len() == written.len()
        && drawn
            .iter()
            .zip(&written)
            .all(|(d, w)| d.0 == w.0 && d.1 == w.1 && d.2 == w.2)
}

/// The pathway a drawing keeps, read, for a drawing edited since
/// `msklint graph` made it: what still matches the drawing is taken from
/// it (src/import/mod.rs, `write_page`).
pub struct Kept<'t, 'a> {
    /// The kept text: the pathway and the comments around it.
    pub text: &'t str,
    pub pathway: &'t Pathway<'a>,
}

/// One route of the kept pathway between one source and one target (a
/// route `a, b -> c` is two), and what `msklint graph` drew on its arrow.
pub struct KeptRoute {
    pub from: String,
    pub to: String,
    /// The `when` and `requires` clauses as written, with a space before.
    pub clauses: String,
    /// The arrow's text as drawn, one line each.
    pub drawn: Vec<String>,
    /// The comment lines written directly above the route.
    pub comments: String,
}

impl<'t, 'a> Kept<'t, 'a> {
    /// The kept text, parsed, when it holds exactly one whole pathway.
    pub fn parse(text: &'t str) -> Option<crate::ast::File<'t>> {
        let parsed = crate::parser::parse(text).complete()?;
        (parsed.pathways.len() == 1).then_some(parsed)
    }

    /// The kept nodes by the shape ID `msklint graph` gave each, built
    /// once per page: a search per shape would grow with the square of a
    /// large drawing.
    pub fn nodes_by_shape(&self) -> HashMap<String, &'t Node<'a>> {
        self.pathway
            .nodes
            .iter()
            // Reversed, so the first node of a shape ID wins, as it did.
            .rev()
            .map(|n| (node_id(n.id.name), n))
            .collect()
    }

    /// The comments written before the pathway's block, and after it.
    pub fn outside(&self) -> (&'t str, &'t str) {
        let span = self.pathway.span;
        (
            self.text.get(..span.start()).unwrap_or(""),
            self.text.get(span.end()..).unwrap_or(""),
        )
    }

    /// The item written at `span` as its own lines: the comment lines
    /// directly above it, its indentation and its text, with the string at
    /// `label`'s span replaced by that label when given.
    pub fn item_text(&self, span: Span, label: Option<(Span, &str)>) -> String {
        let mut out = self.comments_above(span.start());
        if out.is_empty() && !self.on_own_line(span.start()) {
            out.push_str("  ");
        }
        let whole = self.slice(span);
        match label.and_then(|(at, label)| {
            let head = self.text.get(span.start()..at.start())?;
            let tail = self.text.get(at.end()..span.end())?;
            Some(format!("{head}{}{tail}", super::meaning::quote(label)))
        }) {
            Some(relabelled) => out.push_str(relabelled.trim_end()),
            None => out.push_str(whole.trim_end()),
        }
        out.push('\n');
        out
    }

    /// The kept text at `span`.
    pub fn slice_of(&self, span: Span) -> &'t str {
        self.slice(span)
    }

    fn slice(&self, span: Span) -> &'t str {
        self.text.get(span.start()..span.end()).unwrap_or("")
    }

    /// Whether only blanks come before `at` on its line.
    fn on_own_line(&self, at: usize) -> bool {
        let before = self.text.get(..at).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        before[line_start..].trim().is_empty()
    }

    /// The whole comment lines just above the line `at` is on, and that
    /// line's indentation, when only blanks come before `at` on it.
    fn comments_above(&self, at: usize) -> String {
        let before = self.text.get(..at).unwrap_or("");
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        if !self.on_own_line(at) {
            return String::new();
        }
        let mut start = line_start;
        // Split at `\n` alone, so a line's `\r` is counted in its length.
        let above = before[..line_start].strip_suffix('\n').unwrap_or("");
        for line in above.rsplit('\n') {
            if line_start == 0 || !line.trim_start().starts_with('#') {
                break;
            }
            start -= line.len() + 1;
        }
        self.text.get(start..at).unwrap_or("").to_string()
    }

    /// Every route of the kept pathway, one per source and target.
    pub fn routes(&self) -> Vec<KeptRoute> {
        let mut out = Vec::new();
        for r in &self.pathway.routes {
            let Some(last) = r.ends.last() else { continue };
            let clauses = self
                .text
                .get(last.span.end()..r.span.end())
                .unwrap_or("")
                .trim_end()
                .to_string();
            let drawn = crate::diagram::route_lines(r);
            // Whole comment lines only: the route is written anew.
            let above = self.comments_above(r.span.start());
            let comments = above[..above.rfind('\n').map_or(0, |i| i + 1)].to_string();
            for s in r.sources() {
                for t in r.targets() {
                    out.push(KeptRoute {
                        from: s.name.to_string(),
                        to: t.name.to_string(),
                        clauses: clauses.clone(),
                        drawn: drawn.clone(),
                        comments: comments.clone(),
                    });
                }
            }
        }
        out
    }
}

/// The lines `msklint graph` draws in a node's shape (findings aside): its
/// label's lines (its ID when it has no label), then the detail lines, its
/// kind and its criteria.
pub fn drawn_lines(node: &Node<'_>) -> (Vec<String>, Vec<String>) {
    let mut label: Vec<String> = node.label.value.lines().map(super::one_line).collect();
    if label.is_empty() {
        label.push(node.id.name.to_string());
    }
    let mut details = Vec::new();
    let kind = node
        .properties
        .iter()
        .find_map(|p| match (&p.value, p.key.name) {
            (PropertyValue::Value(v), "kind") => v.first_word(),
            _ => None,
        });
    if let Some(kind) = kind {
        details.push(kind.to_string());
    }
    let criteria: Vec<String> = node
        .properties
        .iter()
        .flat_map(|p| match &p.value {
            PropertyValue::Criteria(c) => &c[..],
            _ => &[],
        })
        .map(crate::diagram::criterion)
        .collect();
    if !criteria.is_empty() {
        details.push(super::one_line(&format!(
            "requires {}",
            criteria.join(", ")
        )));
    }
    (label, details)
}

/// A shape's or arrow's text as lines, each tidied as [`super::one_line`].
pub fn lines_of(text: &str) -> Vec<String> {
    text.lines()
        .map(super::one_line)
        .filter(|l| !l.is_empty())
        .collect()
}

/// How a shape of an edited drawing matches the kept node it was drawn for.
pub(super) enum Matched<'t, 'a> {
    /// The same node, its label changed when one is given, and its kind
    /// and criteria when they were drawn anew in the lines `msklint graph`
    /// draws them in: the node as written, with those changes.
    Same(&'t crate::ast::Node<'a>, Option<String>, Option<Drawn>),
    /// Drawn as something else, and why: read from the drawing.
    Redrawn(&'t crate::ast::Node<'a>, String),
}

/// A node's kind and criteria as the lines under its label now give them.
pub(super) struct Drawn {
    kind: Option<String>,
    requires: Option<String>,
}

impl<'t, 'a> Matched<'t, 'a> {
    pub(super) fn node(&self) -> &'t crate::ast::Node<'a> {
        match self {
            Matched::Same(n, ..) | Matched::Redrawn(n, _) => n,
        }
    }
}

/// Whether shape `s`, read as `role`, still shows kept node `node` as
/// `msklint graph` drew it: the same kind of node, with the same lines
/// under its label (kind, criteria) and a label of as many lines.
pub(super) fn match_node<'t, 'a>(
    s: &Shape,
    node: &'t crate::ast::Node<'a>,
    role: Role,
    kinds: &[String],
) -> Matched<'t, 'a> {
    let was = match node.kind {
        crate::ast::NodeKind::Entry => Role::Entry,
        crate::ast::NodeKind::Service => Role::Service,
        crate::ast::NodeKind::Exit => Role::Exit,
    };
    if role != was {
        let what = |r: Role| match r {
            Role::Entry => "an entry",
            Role::Service => "a service",
            Role::Exit => "an exit",
        };
        return Matched::Redrawn(
            node,
            format!(
                "the drawing now makes it {}, where it was {}",
                what(role),
                what(was)
            ),
        );
    }
    let (label, details) = drawn_lines(node);
    let lines = lines_of(&s.text);
    let split = lines.len().checked_sub(details.len());
    let relabelled = |at: usize| (lines[..at] != label[..]).then(|| lines[..at].join(" "));
    match split {
        Some(at) if at == label.len() && lines[at..] == details[..] => {
            return Matched::Same(node, relabelled(at), None);
        }
        _ => {}
    }
    // The lines under the label changed: still a kind and a `requires`
    // line, each at most once, as `msklint graph` draws them?
    let at = label.len();
    let mut drawn = Drawn {
        kind: None,
        requires: None,
    };
    let fits = lines.len() >= at
        && lines[at..].iter().all(|line| {
            if kinds.iter().any(|k| k == line) && drawn.kind.is_none() {
                drawn.kind = Some(line.clone());
                true
            } else if let (Some(list), None) = (written_criteria(line), &drawn.requires) {
                drawn.requires = Some(list.join(", "));
                true
            } else {
                false
            }
        });
    if fits {
        Matched::Same(node, relabelled(at), Some(drawn))
    } else {
        Matched::Redrawn(
            node,
            "the lines under its label say more than the kind and criteria `msklint graph` drew there".to_string(),
        )
    }
}

/// The end of a message about a kept node not taken as written: the
/// fields it had that the pathway now lacks.
pub(super) fn fields_left_out(node: &crate::ast::Node<'_>) -> String {
    let keys: Vec<String> = node
        .properties
        .iter()
        .map(|p| format!("`{}`", p.key.name))
        .collect();
    if keys.is_empty() {
        "it had no fields of its own to lose".to_string()
    } else {
        format!(
            "its written fields ({}) were not carried over: add back any that still apply",
            keys.join(", ")
        )
    }
}

/// A kept node drawn as before, written as it was written (with `label`
/// when the drawing gives it a new one), pointing at its shape.
pub(super) fn write_kept_node(
    w: &mut Writer,
    k: &Kept<'_, '_>,
    s: &Shape,
    node: &crate::ast::Node<'_>,
    label: Option<&str>,
    drawn: Option<&Drawn>,
) {
    let mut text = k.item_text(node.span, label.map(|l| (node.label.span, l)));
    let mut changes = Vec::new();
    if let Some(drawn) = drawn {
        (text, changes) = redrawn_node(k, node, label, drawn);
    }
    let start = w.text.len();
    w.text.push_str(&text);
    // The node itself, after the comments above it and its indentation.
    let own = text
        .lines()
        .position(|l| !l.trim_start().starts_with('#'))
        .map_or(0, |n| {
            text.split_inclusive('\n').take(n).map(str::len).sum()
        });
    let indent = text[own..].len() - text[own..].trim_start().len();
    let span = Span::new(start + own + indent, w.text.len() - 1);
    w.parts.push(DiagramPart {
        span,
        id: s.id.clone(),
        text: tidy_lines(&s.text),
        connector: false,
    });
    // The node's ID, after its keyword and the blanks that follow it.
    let id = node.id.name;
    let after = w
        .text
        .get(span.start() + node.kind.keyword().len()..)
        .unwrap_or("");
    let at = w.text.len() - after.trim_start().len();
    if let Some(label) = label {
        w.guess(
            Span::new(at, at + id.len()),
            Some(id),
            "kept node relabelled",
            format!(
                "{} is relabelled from “{}”: node `{id}` keeps the fields of the kept pathway under its new label “{}”; check they still fit it",
                shape_named(s),
                clipped(&one_line(&node.label.value)),
                clipped(label)
            ),
        );
    }
    if !changes.is_empty() {
        w.guess(
            Span::new(at, at + id.len()),
            Some(id),
            "kept node's kind or criteria redrawn",
            format!(
                "{} is drawn with other lines under its label: {} taken from the drawing; node `{id}` keeps its other fields as written",
                shape_named(s),
                changes.join(" and ")
            ),
        );
    }
}

/// A kept node whose kind or criteria the drawing now gives otherwise:
/// written anew with those, its other properties as written, and the
/// changes in words.
fn redrawn_node(
    k: &Kept<'_, '_>,
    node: &crate::ast::Node<'_>,
    label: Option<&str>,
    drawn: &Drawn,
) -> (String, Vec<String>) {
    let text = k.item_text(node.span, None);
    // The comment lines above and the indentation, as written.
    let head_lines: String = text
        .split_inclusive('\n')
        .take_while(|l| l.trim_start().starts_with('#'))
        .collect();
    let own = &text[head_lines.len()..];
    let indent = &own[..own.len() - own.trim_start().len()];
    let mut props: Vec<String> = Vec::new();
    let mut changes = Vec::new();
    let was_kind = node
        .properties
        .iter()
        .find_map(|p| match (&p.value, p.key.name) {
            (PropertyValue::Value(v), "kind") => Some(k.slice_of(v.span).to_string()),
            _ => None,
        });
    let was_requires: Vec<&str> = node
        .properties
        .iter()
        .filter(|p| matches!(p.value, PropertyValue::Criteria(_)))
        .map(|p| k.slice_of(p.span))
        .collect();
    if drawn.kind != was_kind {
        changes.push(match (&drawn.kind, &was_kind) {
            (Some(now), Some(was)) => format!("`kind: {now}` (it was `{was}`)"),
            (Some(now), None) => format!("`kind: {now}` (it had no kind)"),
            (None, _) => "no kind (the kind line was taken out)".to_string(),
        });
    }
    let now_requires = drawn.requires.as_ref().map(|r| format!("requires: {r}"));
    let same_requires = match (&now_requires, was_requires.as_slice()) {
        (Some(now), [was]) => lines_of(now) == lines_of(was),
        (None, []) => true,
        _ => false,
    };
    if !same_requires {
        changes.push(match &now_requires {
            Some(now) => format!("`{now}`"),
            None => "no criteria (the `requires` line was taken out)".to_string(),
        });
    }
    if let Some(kind) = &drawn.kind {
        props.push(format!("kind: {kind}"));
    }
    for p in node.properties.iter() {
        let is_kind = p.key.name == "kind" && matches!(p.value, PropertyValue::Value(_));
        let is_criteria = matches!(p.value, PropertyValue::Criteria(_));
        if is_kind || (is_criteria && !same_requires) {
            continue;
        }
        props.push(k.slice_of(p.span).trim_end().to_string());
    }
    if let (Some(now), false) = (&now_requires, same_requires) {
        props.push(now.clone());
    }
    let label = match label {
        Some(l) => quote(l),
        None => k.slice_of(node.label.span).to_string(),
    };
    let mut out = format!(
        "{head_lines}{indent}{} {}: {label}",
        node.kind.keyword(),
        node.id.name
    );
    if props.is_empty() {
        out.push('\n');
    } else {
        out.push_str(" {\n");
        for p in props {
            out.push_str(&format!("{indent}  {p}\n"));
        }
        out.push_str(&format!("{indent}}}\n"));
    }
    (out, changes)
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
