//! Evaluates rule checks against one pathway graph and turns what they find
//! into diagnostics. The checks are the documented vocabulary in
//! docs/rules-format.md; each is linear in nodes plus routes.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use petgraph::graph::NodeIndex;
use petgraph::Direction::{Incoming, Outgoing};

use super::analysis::{distance_to, onward_target, reachable_from, Gates};
use super::model::*;
use crate::ast::{Criterion, NodeKind, PropertyValue, ValueKind};
use crate::diagnostic::{Diagnostic, Label, Severity};
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
            rule,
        }
    }

    fn param_usize(&self, key: &str, default: usize) -> usize {
        self.params
            .get(key)
            .and_then(serde_json::Value::as_u64)
            .map_or(default, |v| v as usize)
    }

    fn param_words(&self, key: &str) -> Vec<String> {
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
struct Finding {
    span: Span,
    subject: Option<String>,
    vars: Vec<(&'static str, String)>,
    related: Vec<Label>,
    severity: Option<Severity>,
    /// A criterion in its measure's own terms, when written otherwise.
    reading: Option<String>,
}

impl Finding {
    fn at(span: Span) -> Self {
        Finding {
            span,
            subject: None,
            vars: Vec::new(),
            related: Vec::new(),
            severity: None,
            reading: None,
        }
    }

    fn var(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.vars.push((key, value.into()));
        self
    }

    fn node(self, node: &Node<'_>) -> Self {
        let mut f = self
            .var("node", node.id())
            .var("label", node.ast.label.value.clone())
            .var("kind", node.kind.unwrap_or("none"));
        f.subject = Some(node.id().to_string());
        f
    }
}

/// Shared, lazily computed facts about one pathway.
struct Ctx<'g, 'a> {
    g: &'g PathwayGraph<'a>,
    text: &'g str,
    measures: &'g Measures,
    entries: Vec<NodeIndex>,
    reachable: OnceLock<Vec<bool>>,
}

impl Ctx<'_, '_> {
    fn reachable(&self) -> &[bool] {
        self.reachable
            .get_or_init(|| reachable_from(self.g, self.entries.iter().copied(), |_| false))
    }

    fn provides_any(&self, n: NodeIndex, caps: &[String]) -> bool {
        let node = self.g.node(n);
        caps.iter().any(|c| node.provides(c))
    }

    fn any_node_provides(&self, caps: &[String]) -> bool {
        self.g.indices().any(|n| self.provides_any(n, caps))
    }

    fn header(&self) -> Finding {
        Finding::at(self.g.pathway.header)
    }

    /// Span of the word that makes `n` provide one of `caps`.
    fn capability_span(&self, n: NodeIndex, caps: &[String]) -> Span {
        let node = self.g.node(n);
        caps.iter()
            .find(|c| node.provides(c))
            .map_or(node.ast.id.span, |c| node.capability_span(c))
    }

    fn slice(&self, span: Span) -> &str {
        self.text.get(span.start()..span.end()).unwrap_or("")
    }
}

pub fn run(
    rules: &[ActiveRule],
    g: &PathwayGraph<'_>,
    source: &SourceFile,
    measures: &Measures,
    out: &mut Vec<Diagnostic>,
) {
    let ctx = Ctx {
        g,
        text: &source.text,
        measures,
        entries: g
            .indices()
            .filter(|&n| g.node(n).node_kind() == NodeKind::Entry)
            .collect(),
        reachable: OnceLock::new(),
    };
    // Part of a pathway skipped after a syntax error may hold what an
    // absence check looks for: those wait until the pathway parses.
    let partial = !g.pathway.skipped.is_empty();
    for active in rules {
        if partial && active.rule.check.needs_whole_pathway() {
            continue;
        }
        let mut findings = Vec::new();
        evaluate(&ctx, active, &active.rule.check, &mut findings);
        out.extend(findings.into_iter().map(|f| to_diagnostic(active, g, f)));
    }
}

fn to_diagnostic(active: &ActiveRule, g: &PathwayGraph<'_>, mut f: Finding) -> Diagnostic {
    let rule = &active.rule;
    f.vars.push(("pathway", g.name().to_string()));
    let message = fill(rule.message.as_deref().unwrap_or(&rule.summary), &f.vars);
    let mut label = rule
        .label
        .as_deref()
        .map(|l| fill(l, &f.vars))
        .unwrap_or_default();
    // The message quotes the criterion as written; the label says how the
    // rules read it.
    if let Some(reading) = &f.reading {
        label = if label.is_empty() {
            format!("read as `{reading}`")
        } else {
            format!("{label} (read as `{reading}`)")
        };
    }
    // A finding's own severity (e.g. dna-discharge after contact) never
    // exceeds what the user configured for the rule.
    let severity = f
        .severity
        .map_or(active.severity, |s| s.min(active.severity));
    let mut d = Diagnostic::new(&rule.name, severity, f.span, message)
        .with_label(label)
        .in_pathway(g.name());
    d.help = Some(std::sync::Arc::clone(&active.help));
    d.code = Some(rule.code.clone());
    d.sources = std::sync::Arc::clone(&active.sources);
    d.question = rule.question.as_deref().map(|q| fill(q, &f.vars));
    d.related = f.related;
    d.subject = f.subject;
    d
}

/// Fills `{name}` placeholders; unknown ones are left as written.
pub fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match vars.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
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

fn evaluate(ctx: &Ctx<'_, '_>, active: &ActiveRule, check: &Check, out: &mut Vec<Finding>) {
    match check {
        Check::Builtin => {}
        Check::Criterion(c) => criterion(ctx, c, out),
        Check::Channels(c) => channels(ctx, c, out),
        Check::DnaPolicy(c) => dna_policy(ctx, c, out),
        Check::Reachable(c) => reachable(ctx, c, out),
        Check::Exists(c) => exists(ctx, c, out),
        Check::Successor(c) => successor(ctx, c, out),
        Check::LeadsTo(c) => leads_to(ctx, c, out),
        Check::ReachableWithout(c) => reachable_without(ctx, c, out),
        Check::Covers(c) => covers(ctx, c, out),
        Check::Field(c) => field(ctx, c, out),
        Check::Shape(c) => shape(ctx, active, c.kind, out),
        Check::Condition(c) => {
            let declared = ctx
                .g
                .pathway
                .fields
                .iter()
                .find(|f| f.key.name == "condition");
            let matches = declared.is_some_and(|f| {
                f.value
                    .words()
                    .iter()
                    .any(|(w, _)| c.conditions.iter().any(|x| x.eq_ignore_ascii_case(w)))
            });
            if matches {
                evaluate(ctx, active, &c.check, out);
            }
        }
    }
}

fn join_or(words: &[String]) -> String {
    join(words, "or")
}

fn join(words: &[String], last: &str) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., end] => format!("{} {last} {end}", init.join(", ")),
    }
}

fn criterion(ctx: &Ctx<'_, '_>, c: &CriterionCheck, out: &mut Vec<Finding>) {
    // Rules name measures; a criterion may use any name of one
    // (`non_smoker` for `smoking`), in any case.
    let wanted: Vec<String> = c.attributes.iter().map(|a| ctx.measures.key(a)).collect();
    let hit = |cr: &Criterion| {
        wanted.contains(&ctx.measures.key(cr.attribute.name))
            && (c.ops.is_empty() || c.ops.iter().any(|o| o == cr.op.value.as_str()))
    };
    let finding = |cr: &Criterion| {
        let mut f = Finding::at(cr.span)
            .var("criterion", ctx.slice(cr.span))
            .var("attribute", cr.attribute.name)
            .var("measure", ctx.measures.called(cr.attribute.name));
        f.reading = ctx.measures.reading(cr);
        f
    };
    if c.on != Placement::Routes {
        for node in &ctx.g.nodes {
            for cr in node.requires.iter().filter(|cr| hit(cr)) {
                out.push(finding(cr).node(node));
            }
        }
    }
    if c.on != Placement::Nodes {
        for route in &ctx.g.pathway.routes {
            for cr in route.requires.iter().filter(|cr| hit(cr)) {
                let targets: Vec<&str> = route.targets().iter().map(|t| t.name).collect();
                let mut f = finding(cr).var("node", targets.join(", "));
                f.subject = Some(route_text(route));
                out.push(f);
            }
        }
    }
}

pub(crate) fn route_text(route: &crate::ast::Route) -> String {
    let names =
        |ids: &[crate::ast::Ident]| ids.iter().map(|i| i.name).collect::<Vec<_>>().join(", ");
    format!("{} -> {}", names(route.sources()), names(route.targets()))
}

fn channels(ctx: &Ctx<'_, '_>, c: &ChannelsCheck, out: &mut Vec<Finding>) {
    for node in ctx
        .g
        .nodes
        .iter()
        .filter(|n| n.node_kind() == NodeKind::Entry)
    {
        if node.channels.is_empty()
            || !node
                .channels
                .iter()
                .all(|(ch, _)| c.only.iter().any(|o| o == ch))
        {
            continue;
        }
        let span = node
            .ast
            .properties
            .iter()
            .find(|p| p.key.name == "channels")
            .and_then(|p| match &p.value {
                PropertyValue::Value(v) => Some(v.span),
                _ => None,
            })
            .unwrap_or(node.ast.id.span);
        let list: Vec<&str> = node.channels.iter().map(|(ch, _)| *ch).collect();
        out.push(
            Finding::at(span)
                .node(node)
                .var("channels", list.join(", ")),
        );
    }
}

fn dna_policy(ctx: &Ctx<'_, '_>, c: &DnaPolicyCheck, out: &mut Vec<Finding>) {
    for node in &ctx.g.nodes {
        let Some(policy) = node.on_dna else { continue };
        let mut contacted = false;
        for step in &policy.steps {
            let action = step.action.name;
            if action == "contact" {
                contacted = true;
            }
            if !c.actions.iter().any(|a| a == action) {
                continue;
            }
            let severity = if contacted {
                match c.after_contact {
                    Some(s) => Some(s),
                    None => continue,
                }
            } else {
                None
            };
            let mut f = Finding::at(step.action.span)
                .node(node)
                .var("policy", ctx.slice(policy.span))
                .var("action", action);
            f.severity = severity;
            out.push(f);
            break;
        }
    }
}

fn reachable(ctx: &Ctx<'_, '_>, c: &ReachableCheck, out: &mut Vec<Finding>) {
    if ctx.entries.is_empty() || (!c.if_present.is_empty() && !ctx.any_node_provides(&c.if_present))
    {
        return;
    }
    let reach = ctx.reachable();
    if !ctx
        .g
        .indices()
        .any(|n| reach[n.index()] && ctx.provides_any(n, &c.any))
    {
        let mut f = ctx.header().var("capabilities", join_or(&c.any));
        // Point at declared-but-unreachable providers: the likely fix.
        for n in ctx
            .g
            .indices()
            .filter(|&n| ctx.provides_any(n, &c.any))
            .take(3)
        {
            f.related.push(Label {
                span: ctx.g.node(n).ast.id.span,
                text: "declared here, but no entry leads to it".to_string(),
            });
        }
        out.push(f);
    }
}

fn exists(ctx: &Ctx<'_, '_>, c: &ExistsCheck, out: &mut Vec<Finding>) {
    if !c.if_present.is_empty() && !ctx.any_node_provides(&c.if_present) {
        return;
    }
    let kind_ok = |n: NodeIndex| match c.node {
        NodeFilter::Any => true,
        NodeFilter::Entry => ctx.g.node(n).node_kind() == NodeKind::Entry,
        NodeFilter::Service => ctx.g.node(n).node_kind() == NodeKind::Service,
        NodeFilter::Exit => ctx.g.node(n).node_kind() == NodeKind::Exit,
    };
    let found = ctx
        .g
        .indices()
        .any(|n| kind_ok(n) && (c.any.is_empty() || ctx.provides_any(n, &c.any)));
    if !found {
        out.push(ctx.header().var("capabilities", join_or(&c.any)));
    }
}

fn successor(ctx: &Ctx<'_, '_>, c: &SuccessorCheck, out: &mut Vec<Finding>) {
    let froms: Vec<NodeIndex> = ctx
        .g
        .indices()
        .filter(|&n| ctx.provides_any(n, &c.from))
        .collect();
    if froms.is_empty() {
        return;
    }
    let dist = distance_to(ctx.g, |n| ctx.provides_any(n, &c.to));
    let limit = c.within.unwrap_or(usize::MAX - 1);
    let ok = |n: NodeIndex| dist[n.index()] <= limit;
    let finding = |n: NodeIndex| {
        Finding::at(ctx.capability_span(n, &c.from))
            .node(ctx.g.node(n))
            .var("to", join_or(&c.to))
            .var(
                "within",
                c.within
                    .map_or("any number of".to_string(), |w| w.to_string()),
            )
    };
    match c.require {
        Require::Every => out.extend(froms.iter().copied().filter(|&n| !ok(n)).map(finding)),
        Require::Any => {
            if !froms.iter().any(|&n| ok(n)) {
                let mut f = finding(froms[0]);
                for &n in froms.iter().skip(1).take(3) {
                    f.related.push(Label {
                        span: ctx.capability_span(n, &c.from),
                        text: "nor from here".to_string(),
                    });
                }
                out.push(f);
            }
        }
    }
}

fn leads_to(ctx: &Ctx<'_, '_>, c: &LeadsToCheck, out: &mut Vec<Finding>) {
    if !ctx.any_node_provides(&c.from) {
        return;
    }
    let via = onward_target(ctx.g, |n| ctx.provides_any(n, &c.to));
    for n in ctx.g.indices().filter(|&n| ctx.provides_any(n, &c.from)) {
        if let Some(t) = via[n.index()] {
            let target = ctx.g.node(t);
            let mut f = Finding::at(ctx.capability_span(n, &c.from))
                .node(ctx.g.node(n))
                .var("target", target.id());
            f.related.push(Label {
                span: target.ast.id.span,
                text: "leads on to this".to_string(),
            });
            out.push(f);
        }
    }
}

fn reachable_without(ctx: &Ctx<'_, '_>, c: &ReachableWithoutCheck, out: &mut Vec<Finding>) {
    if ctx.entries.is_empty() || !ctx.any_node_provides(&c.target) {
        return;
    }
    let open = reachable_from(ctx.g, ctx.entries.iter().copied(), |n| {
        ctx.provides_any(n, &c.through)
    });
    for n in ctx.g.indices() {
        if open[n.index()] && ctx.provides_any(n, &c.target) {
            out.push(
                Finding::at(ctx.capability_span(n, &c.target))
                    .node(ctx.g.node(n))
                    .var("through", join_or(&c.through)),
            );
        }
    }
}

fn covers(ctx: &Ctx<'_, '_>, c: &CoversCheck, out: &mut Vec<Finding>) {
    if ctx.entries.is_empty() {
        return;
    }
    let reach = ctx.reachable();
    let missing: Vec<String> = c
        .groups
        .iter()
        .filter(|grp| {
            !ctx.g
                .indices()
                .any(|n| reach[n.index()] && ctx.provides_any(n, &grp.any))
        })
        .map(|grp| grp.name.clone())
        .collect();
    if !missing.is_empty() {
        out.push(ctx.header().var("missing", join(&missing, "and")));
    }
}

fn field(ctx: &Ctx<'_, '_>, c: &FieldCheck, out: &mut Vec<Finding>) {
    let declared = ctx.g.pathway.fields.iter().find(|f| f.key.name == c.name);
    let ok = declared.is_some_and(|f| {
        let present = match &f.value.kind {
            ValueKind::String(s) => !s.trim().is_empty(),
            ValueKind::List(items) => !items.is_empty(),
            _ => true,
        };
        present
            && (c.values.is_empty()
                || f.value
                    .words()
                    .iter()
                    .any(|(w, _)| c.values.iter().any(|v| v.eq_ignore_ascii_case(w))))
    });
    if !ok {
        let mut finding = ctx.header().var("field", c.name.clone());
        if let Some(f) = declared {
            finding.related.push(Label {
                span: f.value.span,
                text: "declared, but says nothing the rule can use".to_string(),
            });
        }
        out.push(finding);
    }
}

fn shape(ctx: &Ctx<'_, '_>, active: &ActiveRule, kind: ShapeKind, out: &mut Vec<Finding>) {
    let g = ctx.g;
    match kind {
        ShapeKind::Linear => {
            if is_linear(ctx) {
                out.push(ctx.header().var("count", g.nodes.len().to_string()));
            }
        }
        ShapeKind::DeadEnd => {
            for n in g.indices() {
                let node = g.node(n);
                if node.node_kind() != NodeKind::Exit
                    && g.graph.neighbors_directed(n, Outgoing).next().is_none()
                {
                    out.push(Finding::at(node.ast.id.span).node(node));
                }
            }
        }
        ShapeKind::Unreachable => {
            if ctx.entries.is_empty() {
                return;
            }
            let reach = ctx.reachable();
            for n in g.indices().filter(|n| !reach[n.index()]) {
                let node = g.node(n);
                out.push(Finding::at(node.ast.id.span).node(node));
            }
        }
        ShapeKind::DuplicateRoute => duplicate_routes(ctx, out),
        ShapeKind::StageGate => stage_gate(ctx, active, out),
    }
}

/// One entry, every node on a single chain from it, at least three nodes.
fn is_linear(ctx: &Ctx<'_, '_>) -> bool {
    let g = ctx.g;
    let n = g.nodes.len();
    if n < 3 || ctx.entries.len() != 1 {
        return false;
    }
    let distinct = |node: NodeIndex, dir| {
        let mut v: Vec<NodeIndex> = g.graph.neighbors_directed(node, dir).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut edges = 0;
    for node in g.indices() {
        let outs = distinct(node, Outgoing);
        if outs.len() > 1 || distinct(node, Incoming).len() > 1 || outs.contains(&node) {
            return false;
        }
        edges += outs.len();
    }
    edges == n - 1 && ctx.reachable().iter().all(|&r| r)
}

fn duplicate_routes(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    // Only edges between the same two nodes can repeat a route: sort edge
    // numbers by their endpoints and compare the full key within each run.
    // A map holding a key for every edge took 17 MB on a 100,000-service
    // pathway.
    let edges = &ctx.g.edges;
    let ends = |i: usize| (edges[i].source, edges[i].target);
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_unstable_by_key(|&i| (ends(i), i));
    let mut found: Vec<(usize, Finding)> = Vec::new();
    for run in order.chunk_by(|&a, &b| ends(a) == ends(b)) {
        if run.len() < 2 {
            continue;
        }
        let mut seen: HashMap<(Option<&str>, Vec<String>), Span> = HashMap::new();
        for &i in run {
            let edge = &edges[i];
            let mut requires: Vec<String> = edge
                .route
                .requires
                .iter()
                .map(|c| {
                    // The same gate written with another name of its
                    // measure (`non_smoker == true`, `smoking == false`)
                    // is the same route.
                    let text = ctx.measures.reading(c);
                    let text = text.as_deref().unwrap_or_else(|| ctx.slice(c.span));
                    text.split_whitespace().collect::<String>()
                })
                .collect();
            requires.sort();
            let key = (edge.route.when.as_ref().map(|w| w.value.as_ref()), requires);
            let here = edge.target_ident.span;
            if let Some(&first) = seen.get(&key) {
                let route = format!("{} -> {}", edge.source_ident.name, edge.target_ident.name);
                let mut f = Finding::at(here).var("route", route.clone());
                f.subject = Some(route);
                f.related.push(Label {
                    span: first,
                    text: "first declared here".to_string(),
                });
                found.push((i, f));
            } else {
                seen.insert(key, here);
            }
        }
    }
    // Report in route order, as a single pass over the edges would.
    found.sort_unstable_by_key(|&(i, _)| i);
    out.extend(found.into_iter().map(|(_, f)| f));
}

fn stage_gate(ctx: &Ctx<'_, '_>, active: &ActiveRule, out: &mut Vec<Finding>) {
    if ctx.entries.is_empty() {
        return;
    }
    let min = active.param_usize("min-services", 2).max(1);
    let kinds = active.param_words("specialist-kinds");
    let offers = active.param_words("specialist-offers");
    let specialist = |n: NodeIndex| {
        let node = ctx.g.node(n);
        node.node_kind() == NodeKind::Service
            && (node.kind.is_some_and(|k| kinds.iter().any(|s| s == k))
                || offers.iter().any(|o| node.offers.contains(&o.as_str())))
    };
    let candidates: Vec<NodeIndex> = ctx.g.indices().filter(|&n| specialist(n)).collect();
    if candidates.is_empty() {
        return;
    }
    let gates = Gates::compute(ctx.g, &ctx.entries);
    for n in candidates {
        let count = gates.count[n.index()];
        if count < min {
            continue;
        }
        let chain = gates.gates(ctx.g, n, 5);
        let names: Vec<String> = chain
            .iter()
            .map(|&d| format!("`{}`", ctx.g.node(d).id()))
            .collect();
        let mut names = names;
        if count > chain.len() {
            names.insert(0, format!("{} more", count - chain.len()));
        }
        let node = ctx.g.node(n);
        let mut f = Finding::at(node.ast.id.span)
            .node(node)
            .var("gates", names.join(", "))
            .var("count", count.to_string());
        for (i, &d) in chain.iter().enumerate() {
            f.related.push(Label {
                span: ctx.g.node(d).ast.id.span,
                text: format!("mandatory step {}", i + 1 + count - chain.len()),
            });
        }
        out.push(f);
    }
}
