//! A Mermaid `flowchart LR` that GitHub renders inside Markdown.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{escape_mermaid, node_lines, rule_line, severity_colour, Family, Marks};
use super::{Mark, STROKE};
use crate::ast::NodeKind;
use crate::diagnostic::Severity;
use crate::graph::PathwayGraph;

pub fn render(g: &PathwayGraph, marks: &Marks) -> String {
    let mut out = String::from("flowchart LR\n");
    let mut families: BTreeMap<Family, Vec<String>> = BTreeMap::new();
    let mut outlined: BTreeMap<Severity, Vec<String>> = BTreeMap::new();

    for node in &g.nodes {
        let id = node_id(node.id());
        let mark = marks.node(node.id());
        let text = text(&node_lines(node, marks));
        let (open, close) = match node.node_kind() {
            NodeKind::Entry => ("([", "])"),
            NodeKind::Service => ("[", "]"),
            NodeKind::Exit => ("(((", ")))"),
        };
        let _ = writeln!(out, "  {id}{open}\"{text}\"{close}");
        if let Some(sev) = mark.and_then(Mark::outline) {
            outlined.entry(sev).or_default().push(id.clone());
        }
        families.entry(Family::of_node(node)).or_default().push(id);
    }

    let mut link_styles = Vec::new();
    for (i, edge) in g.edges.iter().enumerate() {
        let (from, to) = (&edge.source_ident().name, &edge.target_ident().name);
        let mark = marks.edge(from, to);
        let mut lines = marks.route_lines(edge);
        lines.extend(mark.map(rule_line));
        let arrow = if lines.is_empty() {
            "-->".to_string()
        } else {
            format!("-->|\"{}\"|", text(&lines))
        };
        let _ = writeln!(out, "  {} {arrow} {}", node_id(from), node_id(to));
        if let Some(colour) = mark.and_then(Mark::outline).and_then(severity_colour) {
            link_styles.push(format!("  linkStyle {i} stroke:{colour},stroke-width:3px"));
        }
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
