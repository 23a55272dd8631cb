//! `shape`: faults in the form of the graph itself (one chain, a stage
//! gate, a dead end, an unreachable node, a route written twice).

use std::collections::HashMap;

use petgraph::graph::NodeIndex;
use petgraph::Direction::{Incoming, Outgoing};
use serde::Deserialize;

use super::Kind;
use crate::ast::NodeKind;
use crate::diagnostic::Label;
use crate::rules::analysis::Gates;
use crate::rules::engine::{ActiveRule, Ctx, Finding};
use crate::span::Span;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ShapeCheck {
    pub kind: ShapeKind,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ShapeKind {
    /// The whole pathway is one chain.
    Linear,
    /// A specialist service every path reaches only through at least
    /// `min-services` other services (rule parameters `min-services`,
    /// `specialist-kinds`, `specialist-offers`).
    StageGate,
    /// A non-exit node with no onward route.
    DeadEnd,
    /// Services that route only among themselves, so no path from them
    /// reaches an exit.
    NoWayOut,
    /// A node no entry leads to.
    Unreachable,
    /// The same route (same conditions) declared twice.
    DuplicateRoute,
}

impl Kind for ShapeCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, active: &ActiveRule, out: &mut Vec<Finding>) {
        let g = ctx.g;
        match self.kind {
            ShapeKind::Linear => {
                if is_linear(ctx) {
                    out.push(ctx.header().var("count", g.nodes.len().to_string()));
                }
            }
            ShapeKind::DeadEnd => {
                // Looked up per node, so kept by index (a list searched for
                // each node would grow with the square of a large pathway).
                let mut to_unknown = vec![false; g.nodes.len()];
                for n in &g.routed_to_unknown {
                    to_unknown[n.index()] = true;
                }
                for n in g.indices() {
                    let node = g.node(n);
                    if node.node_kind() != NodeKind::Exit
                        && g.graph.neighbors_directed(n, Outgoing).next().is_none()
                        && !to_unknown[n.index()]
                    {
                        out.push(Finding::at(node.ast.id.span).node(node));
                    }
                }
            }
            ShapeKind::NoWayOut => no_way_out(ctx, out),
            ShapeKind::Unreachable => {
                if ctx.entries.is_empty() {
                    return;
                }
                let reach = ctx.reachable();
                // Nodes after a route from an undeclared name may be
                // reached through it: the misspelt name is the finding.
                let through_unknown = crate::rules::analysis::reachable_from(
                    g,
                    g.routed_from_unknown.iter().copied(),
                    |_| false,
                );
                for n in g
                    .indices()
                    .filter(|n| !reach[n.index()] && !through_unknown[n.index()])
                {
                    let node = g.node(n);
                    out.push(Finding::at(node.ast.id.span).node(node));
                }
            }
            ShapeKind::DuplicateRoute => duplicate_routes(ctx, out),
            ShapeKind::StageGate => stage_gate(ctx, active, out),
        }
    }

    fn describe(&self) -> String {
        match self.kind {
            ShapeKind::Linear => {
                "Reported when the whole pathway is one chain: a single entry, \
                at least three nodes, and every node with at most one route in and one route out."
            }
            ShapeKind::StageGate => {
                "Each specialist service (by the `specialist-kinds` and \
                `specialist-offers` parameters) that every path from every entry reaches only \
                after passing at least `min-services` other services. Computed with dominators, \
                so a single bypass route clears it; rehabilitation after surgery is not a \
                specialist service and so is never a gate."
            }
            ShapeKind::DeadEnd => {
                "Each entry or service with no onward route. Exits are meant to \
                end the pathway and are not reported; loops back to earlier services count as \
                onward routes."
            }
            ShapeKind::NoWayOut => {
                "Each loop of services that people can reach but not leave: every \
                route out of it leads back into it, so no path from it ends at an exit. \
                Reported once per loop, at the node declared first, whether or not the \
                pathway declares any exit; a node with no routes out at all is left to \
                `dead-end`, and a loop no entry reaches to `unreachable-node`."
            }
            ShapeKind::Unreachable => {
                "Each node that no path from any entry reaches. Pathways \
                without entries are left to `no-entry`."
            }
            ShapeKind::DuplicateRoute => {
                "Each route from a source to a target declared again \
                with the same `when` text and the same `requires` criteria, including through \
                list routes such as `a -> b, c`."
            }
        }
        .to_string()
    }

    /// A route written twice is there whatever else was lost; the other
    /// shapes judge the whole graph.
    fn needs_whole_pathway(&self) -> bool {
        self.kind != ShapeKind::DuplicateRoute
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
                .requires()
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
            let key = (edge.route.when().map(|w| w.value.as_ref()), requires);
            let here = edge.target_ident().span;
            if let Some(&first) = seen.get(&key) {
                let route = format!(
                    "{} -> {}",
                    edge.source_ident().name,
                    edge.target_ident().name
                );
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

/// Loops nobody can leave: strongly connected sets of nodes, reached from
/// an entry, whose every route stays inside the set and none of which is
/// an exit or an entry (a loop back to the GP is a way out). Linear in
/// the size of the graph: Kosaraju's algorithm, whose searches keep their
/// own stack (petgraph's Tarjan recurses, and a 22,000-service chain
/// overflowed the thread's stack).
fn no_way_out(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let g = ctx.g;
    if ctx.entries.is_empty() {
        return;
    }
    let reach = ctx.reachable();
    let mut component = vec![usize::MAX; g.nodes.len()];
    let sccs = petgraph::algo::kosaraju_scc(&g.graph);
    for (i, scc) in sccs.iter().enumerate() {
        for n in scc {
            component[n.index()] = i;
        }
    }
    let mut found: Vec<(NodeIndex, Finding)> = Vec::new();
    for (i, scc) in sccs.iter().enumerate() {
        let looped = scc.len() > 1 || g.graph.contains_edge(scc[0], scc[0]);
        let closed = scc.iter().all(|&n| {
            g.graph
                .neighbors_directed(n, Outgoing)
                .all(|m| component[m.index()] == i)
        });
        let trapped = scc
            .iter()
            .all(|&n| !matches!(g.node(n).node_kind(), NodeKind::Exit | NodeKind::Entry));
        if !looped || !closed || !trapped || !scc.iter().any(|n| reach[n.index()]) {
            continue;
        }
        let mut members = scc.clone();
        members.sort_unstable();
        let first = g.node(members[0]);
        let mut names = vec![format!("`{}` ({})", first.id(), first.ast.label.value)];
        names.extend(
            members
                .iter()
                .skip(1)
                .take(4)
                .map(|&n| format!("`{}`", g.node(n).id())),
        );
        if members.len() > 5 {
            names.push(format!("{} more", members.len() - 5));
        }
        let (loop_text, them) = match names.len() {
            1 => (format!("{} routes only back to itself", names[0]), "it"),
            2 => (
                format!("{} and {} route only to each other", names[0], names[1]),
                "them",
            ),
            k => (
                format!(
                    "{} and {} route only among themselves",
                    names[..k - 1].join(", "),
                    names[k - 1]
                ),
                "them",
            ),
        };
        let mut f = Finding::at(first.ast.id.span)
            .node(first)
            .var("loop", loop_text)
            .var("them", them);
        for &m in members.iter().skip(1).take(4) {
            f.related.push(Label {
                span: g.node(m).ast.id.span,
                text: "in the same loop".to_string(),
            });
        }
        found.push((members[0], f));
    }
    // Report in declaration order.
    found.sort_unstable_by_key(|(n, _)| *n);
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
            && (node.kind().is_some_and(|k| kinds.iter().any(|s| s == k))
                || node.offers().any(|o| offers.iter().any(|w| w == o)))
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
        let mut names: Vec<String> = chain
            .iter()
            .map(|&d| format!("`{}`", ctx.g.node(d).id()))
            .collect();
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
