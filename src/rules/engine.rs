//! Runs rule checks on one pathway graph and turns what they find into
//! diagnostics: the context a check reads ([`Ctx`]), what it finds
//! ([`Finding`]) and the rule's wording applied to it. The checks
//! themselves, one file per kind, are in `checks/`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use petgraph::graph::NodeIndex;

use super::analysis::reachable_from;
use super::model::Rule;
use crate::ast::NodeKind;
use crate::diagnostic::{Diagnostic, Label, Name, Severity};
use crate::graph::{Node, PathwayGraph};
use crate::measures::Measures;
use crate::source::SourceFile;
use crate::span::Span;

/// A rule as configured for a run: its severity and parameters may differ
/// from the file's defaults.
#[derive(Debug, Clone)]
pub struct ActiveRule {
    pub rule: std::sync::Arc<Rule>,
    pub severity: Severity,
    pub params: BTreeMap<String, serde_json::Value>,
    /// Help and sources as every finding shares them, made once.
    pub(crate) help: std::sync::Arc<str>,
    pub(crate) sources: std::sync::Arc<[String]>,
    /// Help for findings in prose documents, when the rule words it apart.
    pub(crate) prose_help: Option<std::sync::Arc<str>>,
    /// Help for findings on a node's own property, when the rule words it
    /// apart (`property-help`).
    pub(crate) property_help: Option<std::sync::Arc<str>>,
    /// The rule's name and code, and its label when it has nothing to
    /// fill in, as every finding shares them.
    pub(crate) name: Name,
    pub(crate) code: Name,
    pub(crate) label: Option<Name>,
}

impl ActiveRule {
    pub fn new(rule: std::sync::Arc<Rule>) -> Self {
        ActiveRule {
            severity: rule.severity,
            params: rule.parameters.clone(),
            help: std::sync::Arc::from(paragraph(&rule.help)),
            sources: std::sync::Arc::from(rule.sources.clone()),
            prose_help: rule
                .prose
                .as_ref()
                .and_then(|p| p.help.as_deref())
                .map(|h| std::sync::Arc::from(paragraph(h))),
            property_help: rule
                .property_help
                .as_deref()
                .map(|h| std::sync::Arc::from(paragraph(h))),
            name: Name::from(&rule.name),
            code: Name::from(&rule.code),
            label: rule
                .label
                .as_deref()
                .filter(|l| !l.contains('{'))
                .map(Name::from),
            rule,
        }
    }

    pub(crate) fn param_usize(&self, key: &str, default: usize) -> usize {
        self.params
            .get(key)
            .and_then(serde_json::Value::as_u64)
            .map_or(default, |v| v as usize)
    }

    pub(crate) fn param_words(&self, key: &str) -> Vec<String> {
        match self.params.get(key) {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// What a check found, before the rule's wording is applied.
pub(crate) struct Finding {
    pub span: Span,
    pub subject: Option<String>,
    pub vars: Vec<(&'static str, String)>,
    pub related: Vec<Label>,
    pub severity: Option<Severity>,
    /// A criterion in its measure's own terms, when written otherwise.
    pub reading: Option<String>,
    /// On one route into a node other routes reach without it: worded by
    /// the rule's `route-message`.
    pub open_elsewhere: bool,
    /// On a condition written as a node's own property, not under
    /// `requires`: helped by the rule's `property-help`.
    pub on_property: bool,
}

impl Finding {
    pub fn at(span: Span) -> Self {
        Finding {
            span,
            subject: None,
            vars: Vec::new(),
            related: Vec::new(),
            severity: None,
            reading: None,
            open_elsewhere: false,
            on_property: false,
        }
    }

    pub fn var(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.vars.push((key, value.into()));
        self
    }

    pub fn node(self, node: &Node<'_>) -> Self {
        let mut f = self
            .var("node", node.id())
            .var("label", node.ast.label.value.clone())
            .var("kind", node.kind().unwrap_or("none"));
        f.subject = Some(node.id().to_string());
        f
    }
}

/// Shared, lazily computed facts about one pathway.
pub(crate) struct Ctx<'g, 'a> {
    pub g: &'g PathwayGraph<'a>,
    text: &'g str,
    pub measures: &'g Measures,
    /// Conditions written as nodes' own properties (`validate::property_gates`).
    pub gates: &'g [crate::validate::PropertyGate<'a>],
    /// Missed-appointment policies written as free node properties
    /// (`validate::dna_properties`).
    pub dna: &'g [crate::validate::DnaProperty<'a>],
    pub entries: Vec<NodeIndex>,
    reachable: OnceLock<Vec<bool>>,
}

impl Ctx<'_, '_> {
    pub fn reachable(&self) -> &[bool] {
        self.reachable
            .get_or_init(|| reachable_from(self.g, self.entries.iter().copied(), |_| false))
    }

    pub fn provides_any(&self, n: NodeIndex, caps: &[String]) -> bool {
        let node = self.g.node(n);
        caps.iter().any(|c| node.provides(c))
    }

    pub fn any_node_provides(&self, caps: &[String]) -> bool {
        self.g.indices().any(|n| self.provides_any(n, caps))
    }

    pub fn header(&self) -> Finding {
        Finding::at(self.g.pathway.header)
    }

    /// Span of the word that makes `n` provide one of `caps`.
    pub fn capability_span(&self, n: NodeIndex, caps: &[String]) -> Span {
        let node = self.g.node(n);
        caps.iter()
            .find(|c| node.provides(c))
            .map_or(node.ast.id.span, |c| node.capability_span(c))
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start()..span.end()).unwrap_or("")
    }

    /// The code at `span` as a message quotes it (no comments, one line).
    pub fn code(&self, span: Span) -> String {
        crate::fingerprint::quoted_code(self.slice(span))
    }
}

pub fn run(
    rules: &[ActiveRule],
    g: &PathwayGraph<'_>,
    source: &SourceFile,
    measures: &Measures,
    out: &mut Vec<Diagnostic>,
) {
    run_with_gates(rules, g, source, measures, &[], &[], out);
}

/// [`run`], with the conditions the pathway writes as node properties
/// (`validate::property_gates`), which criterion checks read too, and the
/// missed-appointment policies it writes so (`validate::dna_properties`),
/// which DNA checks read.
pub fn run_with_gates<'a>(
    rules: &[ActiveRule],
    g: &PathwayGraph<'a>,
    source: &SourceFile,
    measures: &Measures,
    gates: &[crate::validate::PropertyGate<'a>],
    dna: &[crate::validate::DnaProperty<'a>],
    out: &mut Vec<Diagnostic>,
) {
    let ctx = Ctx {
        g,
        text: &source.text,
        measures,
        gates,
        dna,
        entries: g
            .indices()
            .filter(|&n| g.node(n).node_kind() == NodeKind::Entry)
            .collect(),
        reachable: OnceLock::new(),
    };
    // Part of a pathway skipped after a syntax error may hold what an
    // absence check looks for: those wait until the pathway parses.
    let partial = !g.pathway.skipped.is_empty();
    let pathway = Name::from(g.name());
    for active in rules {
        if partial && active.rule.check.needs_whole_pathway() {
            continue;
        }
        let mut findings = Vec::new();
        active.rule.check.evaluate(&ctx, active, &mut findings);
        crate::diagnostic::make_room(out, findings.len());
        out.extend(
            findings
                .into_iter()
                .map(|f| to_diagnostic(active, &pathway, f)),
        );
    }
}

fn to_diagnostic(active: &ActiveRule, pathway: &Name, mut f: Finding) -> Diagnostic {
    let rule = &active.rule;
    f.vars.push(("pathway", pathway.to_string()));
    let template = match &rule.route_message {
        Some(route) if f.open_elsewhere => route,
        _ => rule.message.as_deref().unwrap_or(&rule.summary),
    };
    let message = fill(&unnamed(pathway, template), &f.vars);
    // The message quotes the criterion as written; the label says how the
    // rules read it.
    let label = match (&f.reading, &active.label) {
        (None, Some(shared)) => shared.clone(),
        (reading, _) => {
            let label = rule
                .label
                .as_deref()
                .map(|l| fill(l, &f.vars))
                .unwrap_or_default();
            match reading {
                None => Name::from(label),
                Some(reading) if label.is_empty() => Name::from(format!("read as `{reading}`")),
                Some(reading) => Name::from(format!("{label} (read as `{reading}`)")),
            }
        }
    };
    // A finding's own severity (e.g. dna-discharge after contact) never
    // exceeds what the user configured for the rule.
    let severity = f
        .severity
        .map_or(active.severity, |s| s.min(active.severity));
    let mut d = Diagnostic::new(active.name.clone(), severity, f.span, message)
        .with_label(label)
        .in_pathway(pathway);
    let help = match &active.property_help {
        Some(property) if f.on_property => property,
        _ => &active.help,
    };
    d.help = Some(std::sync::Arc::clone(help));
    d.code = Some(active.code.clone());
    d.sources = std::sync::Arc::clone(&active.sources);
    d.question = rule
        .question
        .as_deref()
        .map(|q| fill(&unnamed(pathway, q), &f.vars));
    d.related = f.related;
    d.subject = f.subject;
    d
}

/// A template for a pathway whose name is blank (`pathway "" {`, reported
/// by validation): "this pathway" stands where "`{pathway}`" would quote
/// nothing.
fn unnamed<'t>(pathway: &str, template: &'t str) -> std::borrow::Cow<'t, str> {
    if pathway.trim().is_empty() && template.contains("`{pathway}`") {
        template.replace("`{pathway}`", "this pathway").into()
    } else {
        template.into()
    }
}

/// Fills `{name}` placeholders; unknown ones are left as written.
pub fn fill(template: &str, vars: &[(&str, String)]) -> String {
    // Measured first, so the text has exactly its room: findings keep
    // their filled texts, and a large pathway has hundreds of thousands.
    let mut len = 0;
    pieces(template, vars, |p| len += p.len());
    let mut out = String::with_capacity(len);
    pieces(template, vars, |p| out.push_str(p));
    out
}

/// The filled text of `template`, piece by piece.
fn pieces<'t>(template: &'t str, vars: &'t [(&str, String)], mut emit: impl FnMut(&'t str)) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        emit(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match vars.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => emit(v),
                    None => emit(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                emit(&rest[open..]);
                rest = "";
            }
        }
    }
    emit(rest);
}

/// YAML block text as one paragraph per blank-line-separated block, so the
/// renderer can wrap it to the terminal.
pub fn paragraph(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Names for a message: all of them when few, else the first few and how
/// many more (a route from 3,000 sources is not 3,000 names long).
pub(crate) fn brief(names: &[&str]) -> String {
    const SHOWN: usize = 8;
    if names.len() <= SHOWN {
        return names.join(", ");
    }
    let more = names.len() - (SHOWN - 2);
    format!("{}, … and {more} more", names[..SHOWN - 2].join(", "))
}

/// A route as a message shows it, its ends cut short by [`brief`].
pub(crate) fn route_shown(route: &crate::ast::Route) -> String {
    let names = |ids: &[crate::ast::Ident]| brief(&ids.iter().map(|i| i.name).collect::<Vec<_>>());
    format!("{} -> {}", names(route.sources()), names(route.targets()))
}

pub(crate) fn route_text(route: &crate::ast::Route) -> String {
    let names =
        |ids: &[crate::ast::Ident]| ids.iter().map(|i| i.name).collect::<Vec<_>>().join(", ");
    format!("{} -> {}", names(route.sources()), names(route.targets()))
}

#[cfg(test)]
mod tests {
    use super::fill;

    #[test]
    fn long_lists_of_names_are_cut_short() {
        assert_eq!(super::brief(&["a", "b"]), "a, b");
        let many: Vec<String> = (0..3000).map(|i| format!("s{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            super::brief(&many),
            "s0, s1, s2, s3, s4, s5, … and 2994 more"
        );
    }

    /// Findings of one rule hold one copy of its name, code and label, and
    /// of their pathway's name, not one each: large pathways have
    /// hundreds of thousands of findings.
    #[test]
    fn findings_share_their_names() {
        let linter = crate::check::Linter::builtin().unwrap();
        let text = "pathway \"P\" {\n  entry a: \"A\" { kind: self_referral  channels: [online] }\n  entry b: \"B\" { kind: self_referral  channels: [app] }\n  service s: \"S\" { kind: physiotherapy }\n  a, b -> s\n}\n";
        let report = linter.check_text("p.pathway", text.into());
        let found: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == "digital-only-access")
            .collect();
        assert_eq!(found.len(), 2, "{:#?}", report.diagnostics);
        let same = |a: &str, b: &str| std::ptr::eq(a.as_ptr(), b.as_ptr());
        let (x, y) = (found[0], found[1]);
        assert!(same(&x.rule, &y.rule));
        assert!(same(x.code.as_deref().unwrap(), y.code.as_deref().unwrap()));
        assert!(same(&x.label, &y.label) && !x.label.is_empty());
        assert!(same(
            x.pathway.as_deref().unwrap(),
            y.pathway.as_deref().unwrap()
        ));
    }

    #[test]
    fn fill_puts_values_in_and_leaves_unknown_or_open_braces() {
        let vars = [("node", "triage".to_string()), ("n", "30".to_string())];
        let cases = [
            (
                "`{node}` needs BMI under {n}",
                "`triage` needs BMI under 30",
            ),
            ("{missing} and {node}", "{missing} and triage"),
            ("an open { brace", "an open { brace"),
            ("{node}{n}{", "triage30{"),
            ("", ""),
        ];
        for (template, want) in cases {
            let text = fill(template, &vars);
            assert_eq!(text, want);
            // Exactly its room, as findings keep it.
            assert_eq!(text.capacity(), text.len(), "{template}");
        }
    }
}
