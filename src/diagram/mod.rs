//! Pathway diagrams: Mermaid (renders in GitHub Markdown), Graphviz DOT,
//! and a self-contained SVG. Each format lives in its own file; this one
//! holds what they share: which nodes and routes have findings, the colour
//! of each kind family, and text helpers.

pub mod dot;
pub mod mermaid;
pub mod svg;

use std::collections::HashMap;

use crate::ast::{Criterion, Route, Value, ValueKind};
use crate::diagnostic::{Diagnostic, Severity};
use crate::graph::{Edge, Node, PathwayGraph};
use crate::source::SourceFile;

/// The findings about one node or route: the worst severity and the rule
/// names, each once, in the order the findings came.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub severity: Severity,
    pub rules: Vec<String>,
}

impl Mark {
    /// Warnings and errors are outlined; info findings are only listed.
    pub fn outline(&self) -> Option<Severity> {
        (self.severity >= Severity::Warning).then_some(self.severity)
    }

    fn add(&mut self, d: &Diagnostic) {
        self.severity = self.severity.max(d.severity);
        if !self.rules.iter().any(|r| *r == d.rule) {
            self.rules.push(d.rule.to_string());
        }
    }
}

/// Findings of one pathway keyed by node ID, and by (source, target) for
/// route findings; for a pathway imported from a drawing, also the texts
/// its shapes and connectors carry there, so the picture reads like the
/// drawing the author knows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    pub nodes: HashMap<String, Mark>,
    pub edges: HashMap<(String, String), Mark>,
    pub shapes: HashMap<String, String>,
    pub connectors: HashMap<(String, String), String>,
}

impl Marks {
    pub fn node(&self, id: &str) -> Option<&Mark> {
        self.nodes.get(id)
    }

    pub fn edge(&self, source: &str, target: &str) -> Option<&Mark> {
        self.edges.get(&(source.to_string(), target.to_string()))
    }

    /// The same marks with the drawing's own texts for `g`, taken from
    /// the diagram parts `source` was written from (none for a pathway
    /// written as text).
    pub fn with_drawing(mut self, g: &PathwayGraph, source: &SourceFile) -> Marks {
        if source.parts().is_empty() {
            return self;
        }
        for node in &g.nodes {
            let part = source.part_at(node.ast.id.span.start());
            if let Some(p) = part.filter(|p| !p.connector && !p.text.is_empty()) {
                self.shapes.insert(node.id().to_string(), p.text.clone());
            }
        }
        for e in &g.edges {
            let part = source.part_at(e.route.span.start());
            if let Some(p) = part.filter(|p| p.connector && !p.text.is_empty()) {
                let key = (
                    e.source_ident().name.to_string(),
                    e.target_ident().name.to_string(),
                );
                self.connectors.insert(key, p.text.clone());
            }
        }
        self
    }

    /// The label to draw for `node`: the shape's text in the drawing it
    /// was imported from, else the pathway's label.
    pub fn label<'a>(&'a self, node: &'a Node) -> &'a str {
        self.shapes
            .get(node.id())
            .map_or(&node.ast.label.value, String::as_str)
    }

    /// The text lines to draw on a route: the connector's text in the
    /// drawing, else its `when` and `requires`.
    pub fn route_lines(&self, e: &Edge) -> Vec<String> {
        let key = (
            e.source_ident().name.to_string(),
            e.target_ident().name.to_string(),
        );
        match self.connectors.get(&key) {
            Some(text) => vec![text.clone()],
            None => route_lines(e.route),
        }
    }

    /// Whether any outlined finding exists, so legends can explain outlines.
    pub fn has(&self, severity: Severity) -> bool {
        let all = self.nodes.values().chain(self.edges.values());
        all.into_iter().any(|m| m.outline() == Some(severity))
    }
}

/// The marks for the findings in pathway `pathway`. A subject `a -> b`
/// (or `a, b -> c` for a whole route) marks each of its edges; a finding
/// with no subject marks nothing.
pub fn marks(findings: &[Diagnostic], pathway: &str) -> Marks {
    let mut out = Marks::default();
    // How an import read a drawing is said by `check`; on the picture of
    // that drawing it would sit on nearly every box.
    let guess = crate::rules::builtin::Builtin::ImportGuess.name();
    for d in findings {
        if d.pathway.as_deref() != Some(pathway) || d.rule == guess {
            continue;
        }
        let Some(subject) = d.subject.as_deref() else {
            continue;
        };
        let fresh = || Mark {
            severity: d.severity,
            rules: Vec::new(),
        };
        match subject.split_once("->") {
            None => out
                .nodes
                .entry(subject.trim().to_string())
                .or_insert_with(fresh)
                .add(d),
            Some((sources, targets)) => {
                for s in names(sources) {
                    for t in names(targets) {
                        let key = (s.to_string(), t.to_string());
                        out.edges.entry(key).or_insert_with(fresh).add(d);
                    }
                }
            }
        }
    }
    out
}

/// The node IDs a finding's subject names: the node itself, or every
/// source and target of a route (`a -> b`, `a, b -> c`), each once, in
/// the order written. A finding with no subject names none.
pub fn subject_nodes(subject: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let (sources, targets) = subject.split_once("->").unwrap_or((subject, ""));
    for id in names(sources).chain(names(targets)) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

fn names(list: &str) -> impl Iterator<Item = &str> + Clone {
    list.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// A group of kinds drawn in one colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Entry,
    Primary,
    Community,
    Specialist,
    MentalHealth,
    SelfCare,
    Rehabilitation,
    Other,
}

impl Family {
    pub const ALL: [Family; 8] = [
        Family::Entry,
        Family::Primary,
        Family::Community,
        Family::Specialist,
        Family::MentalHealth,
        Family::SelfCare,
        Family::Rehabilitation,
        Family::Other,
    ];

    /// The family of a `kind` word; unknown words and no kind are `Other`.
    pub fn of(kind: Option<&str>) -> Family {
        match kind.unwrap_or("") {
            "gp" | "self_referral" | "pharmacy" | "emergency" => Family::Entry,
            "primary" => Family::Primary,
            "community" => Family::Community,
            "secondary" | "pain" | "diagnostics" | "fracture_liaison" => Family::Specialist,
            "mental_health" => Family::MentalHealth,
            "social_prescribing"
            | "peer_support"
            | "self_management"
            | "patient_organisation"
            | "health_coaching" => Family::SelfCare,
            "rehabilitation" | "prehabilitation" => Family::Rehabilitation,
            _ => Family::Other,
        }
    }

    pub fn of_node(node: &Node) -> Family {
        Family::of(node.kind())
    }

    /// A class name, safe in CSS, Mermaid and DOT.
    pub fn class(self) -> &'static str {
        match self {
            Family::Entry => "entry",
            Family::Primary => "primary",
            Family::Community => "community",
            Family::Specialist => "specialist",
            Family::MentalHealth => "mental",
            Family::SelfCare => "selfcare",
            Family::Rehabilitation => "rehab",
            Family::Other => "other",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Family::Entry => "Ways in",
            Family::Primary => "Primary care",
            Family::Community => "Community",
            Family::Specialist => "Secondary and specialist",
            Family::MentalHealth => "Mental health",
            Family::SelfCare => "Social prescribing, peer support, self-management",
            Family::Rehabilitation => "Rehabilitation",
            Family::Other => "Other",
        }
    }

    /// Soft fills so black text stays readable on every one.
    pub fn fill(self) -> &'static str {
        match self {
            Family::Entry => "#dbeafe",
            Family::Primary => "#dcfce7",
            Family::Community => "#fef9c3",
            Family::Specialist => "#ede9fe",
            Family::MentalHealth => "#fce7f3",
            Family::SelfCare => "#ffedd5",
            Family::Rehabilitation => "#ccfbf1",
            Family::Other => "#f3f4f6",
        }
    }
}

/// Outline of unmarked shapes and edges.
pub const STROKE: &str = "#6b7280";

/// Outline colour for a finding's severity (info has none).
pub fn severity_colour(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Error => Some("#dc2626"),
        Severity::Warning => Some("#d97706"),
        Severity::Info => None,
    }
}

/// The text lines of a node: its label (split at newlines), its kind, its
/// `requires` criteria (often the very thing its findings are about), and
/// the rule names of its findings.
pub fn node_lines(node: &Node, marks: &Marks) -> Vec<String> {
    let mark = marks.node(node.id());
    let mut lines: Vec<String> = marks.label(node).lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(node.id().to_string());
    }
    if let Some(kind) = node.kind() {
        lines.push(kind.to_string());
    }
    let criteria: Vec<String> = node.requires().map(criterion).collect();
    if !criteria.is_empty() {
        lines.push(format!("requires {}", criteria.join(", ")));
    }
    lines.extend(mark.map(rule_line));
    lines
}

/// The rule names of a mark on one line.
pub fn rule_line(mark: &Mark) -> String {
    mark.rules.join(", ")
}

/// The text lines of a route: its `when` text and its `requires` criteria.
pub fn route_lines(route: &Route) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(when) = route.when() {
        lines.extend(when.value.lines().map(str::to_string));
    }
    if !route.requires().is_empty() {
        let criteria: Vec<String> = route.requires().iter().map(criterion).collect();
        lines.push(format!("requires {}", criteria.join(", ")));
    }
    lines
}

/// A criterion as it would be written: `bmi < 40`.
pub fn criterion(c: &Criterion) -> String {
    format!(
        "{} {} {}",
        c.attribute.name,
        c.op.value.as_str(),
        value(&c.value)
    )
}

fn value(v: &Value) -> String {
    match &v.kind {
        ValueKind::String(s) => format!("{s:?}"),
        ValueKind::Number(n) => n.to_string(),
        ValueKind::Percent(p) => format!("{p}%"),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Ident(s) => s.to_string(),
        ValueKind::List(items) => {
            let items: Vec<String> = items.iter().map(value).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// Control characters other than newline break every format's syntax (and
/// are not allowed in XML at all), so they become spaces.
fn printable(c: char) -> char {
    if c.is_control() && c != '\n' {
        ' '
    } else {
        c
    }
}

/// Text for a quoted Mermaid label: entity codes for the characters
/// Mermaid's parser or HTML labels treat specially.
pub fn escape_mermaid(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(printable) {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            // Mermaid turns `\n` into a line break even after decoding an
            // entity, so an invisible word joiner keeps `\` and `n` apart.
            '\\' => out.push_str("#92;\u{2060}"),
            '\n' => out.push_str("<br/>"),
            c => out.push(c),
        }
    }
    out
}

/// Text for a DOT quoted string used as a label: backslashes and quotes
/// escaped, `&` as an entity (Graphviz decodes entities in labels), and
/// newlines as `\n`.
pub fn escape_dot(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().map(printable) {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Text for XML content and attribute values.
pub fn escape_xml(text: &str) -> String {
    crate::escape::xml(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn finding(rule: &str, severity: Severity, subject: Option<&str>) -> Diagnostic {
        let mut d = Diagnostic::new(rule, severity, Span::new(0, 0), "m").in_pathway("P");
        d.subject = subject.map(str::to_string);
        d
    }

    #[test]
    fn marks_take_the_worst_severity_and_each_rule_once() {
        let findings = [
            finding("a", Severity::Warning, Some("x")),
            finding("b", Severity::Error, Some("x")),
            finding("a", Severity::Info, Some("x")),
            finding("c", Severity::Warning, Some("s, t -> u")),
            finding("d", Severity::Error, None),
            finding("e", Severity::Error, Some("x")).in_pathway("Other"),
        ];
        let m = marks(&findings, "P");
        let x = m.node("x").unwrap();
        assert_eq!(x.severity, Severity::Error);
        assert_eq!(x.rules, ["a", "b"]);
        assert_eq!(m.nodes.len(), 1);
        assert!(m.edge("s", "u").is_some() && m.edge("t", "u").is_some());
        assert_eq!(m.edges.len(), 2);
    }

    #[test]
    fn how_an_import_read_a_drawing_is_not_drawn_on_it() {
        let findings = [
            finding("import-guess", Severity::Info, Some("x")),
            finding("import-guess", Severity::Info, Some("x -> y")),
            finding("bmi-threshold", Severity::Error, Some("y")),
        ];
        let m = marks(&findings, "P");
        assert!(m.node("x").is_none() && m.edge("x", "y").is_none());
        assert_eq!(m.node("y").unwrap().rules, ["bmi-threshold"]);
    }

    #[test]
    fn a_subject_names_its_node_or_its_routes_ends() {
        assert_eq!(subject_nodes(" x "), ["x"]);
        assert_eq!(subject_nodes("s, t -> u"), ["s", "t", "u"]);
        assert_eq!(subject_nodes("a -> a"), ["a"]);
        assert!(subject_nodes("").is_empty());
    }

    #[test]
    fn escapes_per_format() {
        let s = "a\"b<c>&#d\\e\nf\u{7}";
        assert_eq!(
            escape_mermaid(s),
            "a#quot;b#lt;c#gt;#amp;#35;d#92;\u{2060}e<br/>f "
        );
        assert_eq!(escape_dot(s), "a\\\"b<c>&amp;#d\\\\e\\nf ");
        assert_eq!(escape_xml(s), "a&quot;b&lt;c&gt;&amp;#d\\e&#10;f ");
    }
}
