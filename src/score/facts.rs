//! What the scorers read off a pathway, and the outcome they produce.

use super::*;

pub(super) struct Outcome {
    pub(super) level: Option<u8>,
    pub(super) evidence: Vec<String>,
    pub(super) raise: Vec<String>,
}

impl Outcome {
    pub(super) fn level(level: u8) -> Self {
        Outcome {
            level: Some(level),
            evidence: Vec::new(),
            raise: Vec::new(),
        }
    }

    pub(super) fn none() -> Self {
        Outcome {
            level: None,
            evidence: Vec::new(),
            raise: Vec::new(),
        }
    }

    /// Adds each piece of evidence given (an `Option` adds one or none).
    pub(super) fn because_all<S: Into<String>>(
        mut self,
        texts: impl IntoIterator<Item = S>,
    ) -> Self {
        for text in texts {
            self = self.because(text);
        }
        self
    }

    pub(super) fn because(mut self, text: impl Into<String>) -> Self {
        self.evidence.push(text.into());
        self
    }

    /// Why a pathway file can show no more than level `cap` here, worded
    /// for the level reached: "capped" only when the cap is what holds it.
    pub(super) fn capped(self, cap: u8, why: &str) -> Self {
        let text = if self.level.is_some_and(|l| l >= cap) {
            format!("Capped at {cap}: {why}")
        } else {
            format!("A pathway file can show no more than level {cap} here: {why}")
        };
        self.because(text)
    }

    pub(super) fn raising(mut self, text: impl Into<String>) -> Self {
        self.raise.push(text.into());
        self
    }
}

/// The pathway's share of patients treated within 18 weeks, as declared.
pub(super) enum Rtt {
    Missing,
    Unusable(&'static str),
    Percent(f64),
}

/// What the scorers share about one pathway.
pub(super) struct Facts<'g, 'a> {
    pub(super) g: &'g PathwayGraph<'a>,
    pub(super) findings: Vec<&'g Diagnostic>,
    pub(super) entries: Vec<NodeIndex>,
    pub(super) reach: Vec<bool>,
    pub(super) measures: &'g Measures,
    /// The capability groups of rules/vocabulary.yaml that rules share
    /// with the score.
    pub(super) mental_health: Vec<&'g str>,
    pub(super) self_management: Vec<&'g str>,
    /// The criterion checks of the threshold rules, by rule name, so the
    /// score passes over what they pass over (a route only into weight
    /// management).
    pub(super) criteria: Vec<(String, CriterionCheck)>,
}

impl<'g, 'a> Facts<'g, 'a> {
    pub(super) fn new(
        g: &'g PathwayGraph<'a>,
        findings: &'g [Diagnostic],
        measures: &'g Measures,
        vocabulary: &'g Vocabulary,
    ) -> Self {
        let span = g.pathway.span;
        let findings = findings
            .iter()
            .filter(|d| {
                d.pathway.as_deref() == Some(g.name())
                    && d.span.start() >= span.start()
                    && d.span.end() <= span.end()
            })
            .collect();
        let entries: Vec<NodeIndex> = g
            .indices()
            .filter(|&n| g.node(n).node_kind() == NodeKind::Entry)
            .collect();
        let reach = reachable_from(g, entries.iter().copied(), |_| false);
        Facts {
            g,
            findings,
            entries,
            reach,
            measures,
            mental_health: vocabulary.group("mental_health"),
            self_management: vocabulary.group("self_management"),
            criteria: Vec::new(),
        }
    }

    /// Whether `rule`'s criterion check leaves criterion `c` on this node
    /// (or on a route into it) alone: a support service's own intake.
    pub(super) fn exempts(&self, rule: &str, n: NodeIndex, c: &ast::Criterion) -> bool {
        self.criteria
            .iter()
            .any(|(name, check)| name == rule && check.exempts(self.g.node(n), c, self.measures))
    }

    /// Whether `rule`'s check counts this node as a support service.
    pub(super) fn supports(&self, rule: &str, n: NodeIndex) -> bool {
        self.criteria
            .iter()
            .any(|(name, check)| name == rule && check.supports(self.g.node(n)))
    }

    pub(super) fn provides_any(&self, n: NodeIndex, caps: &[&str]) -> bool {
        let node = self.g.node(n);
        caps.iter().any(|c| node.provides(c))
    }

    pub(super) fn kind_in(&self, n: NodeIndex, kinds: &[&str]) -> bool {
        self.g.node(n).kind().is_some_and(|k| kinds.contains(&k))
    }

    pub(super) fn is_service(&self, n: NodeIndex) -> bool {
        self.g.node(n).node_kind() == NodeKind::Service
    }

    pub(super) fn is_entry(&self, n: NodeIndex) -> bool {
        self.g.node(n).node_kind() == NodeKind::Entry
    }

    pub(super) fn is_exit(&self, n: NodeIndex) -> bool {
        self.g.node(n).node_kind() == NodeKind::Exit
    }

    /// Nodes providing any of `caps` that a route from an entry reaches.
    pub(super) fn reached(&self, caps: &[&str]) -> Vec<NodeIndex> {
        self.g
            .indices()
            .filter(|&n| self.reach[n.index()] && self.provides_any(n, caps))
            .collect()
    }

    /// Nodes providing any of `caps`, reached or not.
    pub(super) fn declared(&self, caps: &[&str]) -> Vec<NodeIndex> {
        self.g
            .indices()
            .filter(|&n| self.provides_any(n, caps))
            .collect()
    }

    /// Evidence that providers exist but no route from an entry reaches them.
    pub(super) fn stranded(&self, caps: &[&str]) -> Option<String> {
        let lost: Vec<NodeIndex> = self
            .declared(caps)
            .into_iter()
            .filter(|n| !self.reach[n.index()])
            .collect();
        (!lost.is_empty()).then(|| {
            format!(
                "{} {} declared, but no route from an entry leads there, so it does not count.",
                self.list(&lost),
                if lost.len() == 1 { "is" } else { "are" }
            )
        })
    }

    /// "`id` (label)".
    pub(super) fn name(&self, n: NodeIndex) -> String {
        let node = self.g.node(n);
        format!("`{}` ({})", node.id(), node.ast.label.value)
    }

    pub(super) fn list(&self, ns: &[NodeIndex]) -> String {
        ns.iter()
            .map(|&n| self.name(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(super) fn ids(&self, ns: &[NodeIndex]) -> String {
        ns.iter()
            .map(|&n| format!("`{}`", self.g.node(n).id()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(super) fn of_rule(&self, rule: &str) -> Vec<&'g Diagnostic> {
        self.findings
            .iter()
            .copied()
            .filter(|d| d.rule == rule)
            .collect()
    }

    /// The nodes a finding is about: its node, or the targets of its route.
    pub(super) fn subject_nodes(&self, d: &Diagnostic) -> Vec<NodeIndex> {
        let Some(subject) = d.subject.as_deref() else {
            return Vec::new();
        };
        let names = match subject.split_once("->") {
            Some((_, targets)) => targets,
            None => subject,
        };
        names
            .split(',')
            .filter_map(|n| self.g.find(n.trim()))
            .collect()
    }

    /// The words of the `condition` field, if it is declared.
    pub(super) fn condition(&self) -> Option<Vec<String>> {
        self.g
            .pathway
            .fields
            .iter()
            .find(|f| f.key.name == "condition")
            .map(|f| {
                f.value
                    .words()
                    .iter()
                    .map(|(w, _)| w.to_ascii_lowercase())
                    .collect()
            })
    }

    pub(super) fn condition_text(&self) -> String {
        match self.condition() {
            Some(words) if !words.is_empty() => words
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", "),
            _ => "not given".to_string(),
        }
    }

    pub(super) fn condition_in(&self, list: &[&str]) -> bool {
        self.condition().is_some_and(|ws| {
            ws.iter().any(|w| {
                list.iter()
                    .any(|l| crate::rules::checks::condition::names(w, l))
            })
        })
    }

    pub(super) fn rtt(&self) -> Rtt {
        let Some(field) = self
            .g
            .pathway
            .fields
            .iter()
            .find(|f| f.key.name == "rtt_within_18_weeks")
        else {
            return Rtt::Missing;
        };
        match field.value.kind {
            ValueKind::Percent(p) if (0.0..=100.0).contains(&p) => Rtt::Percent(p),
            ValueKind::Percent(_) => Rtt::Unusable("a percentage outside 0% to 100%"),
            _ => Rtt::Unusable(field.value.describe()),
        }
    }

    /// Nodes providing `target` that a route from an entry reaches without
    /// passing a node providing `through` (a target that itself provides
    /// `through` is never counted).
    pub(super) fn open_without(&self, target: &[&str], through: &[&str]) -> Vec<NodeIndex> {
        let open = reachable_from(self.g, self.entries.iter().copied(), |n| {
            self.provides_any(n, through)
        });
        self.g
            .indices()
            .filter(|&n| open[n.index()] && self.provides_any(n, target))
            .collect()
    }

    /// A free boolean property on a node, e.g. `enhanced_recovery: true`.
    pub(super) fn flag(&self, n: NodeIndex, key: &str) -> Option<Result<bool, &'static str>> {
        self.g.node(n).ast.properties.iter().find_map(|p| {
            if p.key.name != key {
                return None;
            }
            Some(match &p.value {
                PropertyValue::Value(v) => match v.kind {
                    ValueKind::Bool(b) => Ok(b),
                    _ => Err(v.describe()),
                },
                _ => Err("not a plain value"),
            })
        })
    }

    /// Direct neighbours of `n` (routes either way), without `n` itself.
    pub(super) fn neighbours(&self, n: NodeIndex) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = self
            .g
            .graph
            .neighbors_directed(n, Outgoing)
            .chain(self.g.graph.neighbors_directed(n, Incoming))
            .filter(|&m| m != n)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub(super) fn successors(&self, n: NodeIndex) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = self.g.graph.neighbors_directed(n, Outgoing).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub(super) fn predecessors(&self, n: NodeIndex) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = self.g.graph.neighbors_directed(n, Incoming).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// "`rule` (CODE) on `subject`: message".
pub(super) fn quote(d: &Diagnostic) -> String {
    let code = d
        .code
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let subject = d
        .subject
        .as_deref()
        .map(|s| format!(" on `{s}`"))
        .unwrap_or_default();
    format!("`{}`{code}{subject}: {}", d.rule, d.message)
}

/// "a, b and c".
pub(super) fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub(super) fn pct(p: f64) -> String {
    format!("{p}%")
}

pub(super) fn value_text(v: &ast::Value) -> String {
    match &v.kind {
        ValueKind::String(s) => format!("\"{s}\""),
        ValueKind::Number(n) => format!("{n}"),
        ValueKind::Percent(p) => pct(*p),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Ident(s) => s.to_string(),
        ValueKind::List(items) => format!(
            "[{}]",
            items.iter().map(value_text).collect::<Vec<_>>().join(", ")
        ),
    }
}

pub(super) fn criterion_text(c: &ast::Criterion) -> String {
    format!(
        "{} {} {}",
        c.attribute.name,
        c.op.value.as_str(),
        value_text(&c.value)
    )
}

pub(super) fn route_text(r: &ast::Route) -> String {
    let names = |ids: &[ast::Ident]| ids.iter().map(|i| i.name).collect::<Vec<_>>().join(", ");
    format!("{} -> {}", names(r.sources()), names(r.targets()))
}
