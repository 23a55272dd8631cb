//! Graphviz DOT, for `dot -Tsvg` or `dot -Tpng`.

use std::fmt::Write as _;

use super::{escape_dot, node_lines, rule_line, severity_colour, Family, Marks};
use super::{Mark, STROKE};
use crate::ast::NodeKind;
use crate::graph::PathwayGraph;

pub fn render(g: &PathwayGraph, marks: &Marks) -> String {
    let name = escape_dot(g.name());
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{name}\" {{");
    let _ = writeln!(out, "  rankdir=LR;");
    let _ = writeln!(
        out,
        "  label=\"{name}\"; labelloc=t; fontname=\"Helvetica\";"
    );
    let _ = writeln!(
        out,
        "  node [fontname=\"Helvetica\", fontsize=11, style=filled, color=\"{STROKE}\"];"
    );
    let _ = writeln!(
        out,
        "  edge [fontname=\"Helvetica\", fontsize=9, color=\"{STROKE}\"];"
    );

    for node in &g.nodes {
        let mark = marks.node(node.id());
        let lines = node_lines(node, marks);
        let shape = match node.node_kind() {
            NodeKind::Entry => "shape=oval",
            NodeKind::Service => "shape=box, style=\"rounded,filled\"",
            NodeKind::Exit => "shape=Msquare",
        };
        let mut attrs = format!(
            "label=\"{}\", {shape}, fillcolor=\"{}\"",
            label(&lines),
            Family::of_node(node).fill(),
        );
        if let Some(colour) = outline(mark) {
            let _ = write!(attrs, ", color=\"{colour}\", penwidth=3");
        }
        let _ = writeln!(out, "  \"{}\" [{attrs}];", escape_dot(node.id()));
    }

    for edge in &g.edges {
        let (from, to) = (&edge.source_ident().name, &edge.target_ident().name);
        let mark = marks.edge(from, to);
        let mut lines = marks.route_lines(edge);
        lines.extend(mark.map(rule_line));
        let mut attrs = Vec::new();
        if !lines.is_empty() {
            attrs.push(format!("label=\"{}\"", label(&lines)));
        }
        if let Some(colour) = outline(mark) {
            attrs.push(format!(
                "color=\"{colour}\", fontcolor=\"{colour}\", penwidth=3"
            ));
        }
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" [{}]", attrs.join(", "))
        };
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\"{attrs};",
            escape_dot(from),
            escape_dot(to)
        );
    }
    out.push_str("}\n");
    out
}

fn label(lines: &[String]) -> String {
    let escaped: Vec<String> = lines.iter().map(|l| escape_dot(l)).collect();
    escaped.join("\\n")
}

fn outline(mark: Option<&Mark>) -> Option<&'static str> {
    mark.and_then(Mark::outline).and_then(severity_colour)
}
