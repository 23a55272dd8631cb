//! A Mermaid `flowchart LR` that GitHub renders inside Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{escape_mermaid, node_lines, rule_line, severity_colour, Family, Marks};
use super::{Mark, STROKE};
use crate::ast::NodeKind;
use crate::diagnostic::Severity;
use crate::graph::PathwayGraph;

pub fn render(g: &PathwayGraph, marks: &Marks) -> String {
    assemble(vec![Piece::of(g, marks, None)])
}

/// One pathway's part of a flowchart, kept apart from the rest so that
/// several pathways, drawn one file at a time, join into one flowchart.
pub struct Piece {
    /// With a title the pathway is drawn as a subgraph.
    title: Option<String>,
    /// The pathway's text as written, kept below a drawing of it alone.
    source: Option<String>,
    /// ID (before numbering), shape opening, text, shape closing.
    nodes: Vec<(String, &'static str, String, &'static str)>,
    /// From, label (empty for none), to.
    edges: Vec<(String, String, String)>,
    families: BTreeMap<Family, Vec<String>>,
    outlined: BTreeMap<Severity, Vec<String>>,
    /// Links to draw in a severity's colour, by index in `edges`.
    styles: Vec<(usize, &'static str)>,
}

impl Piece {
    /// Takes the title away, so the piece is drawn on its own rather than
    /// as a subgraph.
    pub fn take_title(&mut self) -> Option<String> {
        self.title.take()
    }

    /// With the pathway's text as written.
    pub fn with_source(mut self, text: &str) -> Piece {
        self.source = Some(text.to_string());
        self
    }

    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }

    pub fn of(g: &PathwayGraph, marks: &Marks, title: Option<String>) -> Piece {
        let mut piece = Piece {
            title,
            source: None,
            nodes: Vec::with_capacity(g.nodes.len()),
            edges: Vec::with_capacity(g.edges.len()),
            families: BTreeMap::new(),
            outlined: BTreeMap::new(),
            styles: Vec::new(),
        };
        for node in &g.nodes {
            let id = node_id(node.id());
            let mark = marks.node(node.id());
            let (open, close) = match node.node_kind() {
                NodeKind::Entry => ("([", "])"),
                NodeKind::Service => ("[", "]"),
                NodeKind::Exit => ("(((", ")))"),
            };
            piece
                .nodes
                .push((id.clone(), open, text(&node_lines(node, marks)), close));
            if let Some(sev) = mark.and_then(Mark::outline) {
                piece.outlined.entry(sev).or_default().push(id.clone());
            }
            piece
                .families
                .entry(Family::of_node(node))
                .or_default()
                .push(id);
        }
        for (i, edge) in g.edges.iter().enumerate() {
            let (from, to) = (&edge.source_ident().name, &edge.target_ident().name);
            let mark = marks.edge(from, to);
            let mut lines = marks.route_lines(edge);
            lines.extend(mark.map(rule_line));
            piece.edges.push((node_id(from), text(&lines), node_id(to)));
            if let Some(colour) = mark.and_then(Mark::outline).and_then(severity_colour) {
                piece.styles.push((i, colour));
            }
        }
        piece
    }
}

/// The pieces as one `flowchart LR`. IDs in the second and later pieces
/// are numbered, so the same ID in two pathways names two nodes; links are
/// numbered across all pieces, as Mermaid's `linkStyle` counts them.
pub fn assemble(pieces: Vec<Piece>) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut families: BTreeMap<Family, Vec<String>> = BTreeMap::new();
    let mut outlined: BTreeMap<Severity, Vec<String>> = BTreeMap::new();
    let mut link_styles = Vec::new();
    let mut links = 0;
    for (k, piece) in pieces.into_iter().enumerate() {
        let id = |id: &str| match k {
            0 => id.to_string(),
            _ => format!("p{}_{id}", k + 1),
        };
        let indent = if piece.title.is_some() { "    " } else { "  " };
        if let Some(title) = &piece.title {
            let _ = writeln!(out, "  subgraph s{}[\"{}\"]", k + 1, escape_mermaid(title));
        }
        for (node, open, text, close) in &piece.nodes {
            let _ = writeln!(out, "{indent}{}{open}\"{text}\"{close}", id(node));
        }
        for (from, label, to) in &piece.edges {
            let arrow = if label.is_empty() {
                "-->".to_string()
            } else {
                format!("-->|\"{label}\"|")
            };
            let _ = writeln!(out, "{indent}{} {arrow} {}", id(from), id(to));
        }
        if piece.title.is_some() {
            out.push_str("  end\n");
        }
        for (family, ids) in piece.families {
            families
                .entry(family)
                .or_default()
                .extend(ids.iter().map(|i| id(i)));
        }
        for (sev, ids) in piece.outlined {
            outlined
                .entry(sev)
                .or_default()
                .extend(ids.iter().map(|i| id(i)));
        }
        for (i, colour) in piece.styles {
            link_styles.push(format!(
                "  linkStyle {} stroke:{colour},stroke-width:3px",
                links + i
            ));
        }
        links += piece.edges.len();
    }

    // Severity classes come after the family ones so their stroke wins.
    for (family, ids) in &families {
        let _ = writeln!(
            out,
            "  classDef {} fill:{},stroke:{STROKE},color:#111827",
            family.class(),
            family.fill()
        );
        let _ = writeln!(out, "  class {} {}", ids.join(","), family.class());
    }
    for (sev, ids) in &outlined {
        if let Some(colour) = severity_colour(*sev) {
            let _ = writeln!(
                out,
                "  classDef mark_{sev} stroke:{colour},stroke-width:3px,color:#111827"
            );
            let _ = writeln!(out, "  class {} mark_{sev}", ids.join(","));
        }
    }
    for style in link_styles {
        out.push_str(&style);
        out.push('\n');
    }
    out
}

/// A Mermaid node ID: prefixed so words such as `end` or `graph` cannot
/// clash with keywords, and limited to letters, digits and `_`.
pub fn node_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 2);
    out.push_str("n_");
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else {
            let _ = write!(out, "_{:x}_", c as u32);
        }
    }
    out
}

fn text(lines: &[String]) -> String {
    let escaped: Vec<String> = lines.iter().map(|l| escape_mermaid(l)).collect();
    escaped.join("<br/>")
}
