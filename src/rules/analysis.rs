//! Graph analyses the checks share. Each is one linear pass (BFS over
//! routes, forwards or backwards) or petgraph's dominators; nothing recurses,
//! and cycles are ordinary input.

use std::collections::VecDeque;

use petgraph::algo::dominators;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction::{Incoming, Outgoing};

use crate::ast::NodeKind;
use crate::graph::PathwayGraph;

/// Nodes reached from `starts` along routes, never entering a node for
/// which `blocked` holds (blocked starts are not entered either).
pub fn reachable_from(
    g: &PathwayGraph<'_>,
    starts: impl IntoIterator<Item = NodeIndex>,
    blocked: impl Fn(NodeIndex) -> bool,
) -> Vec<bool> {
    let mut seen = vec![false; g.nodes.len()];
    let mut queue = VecDeque::new();
    for s in starts {
        if !seen[s.index()] && !blocked(s) {
            seen[s.index()] = true;
            queue.push_back(s);
        }
    }
    while let Some(n) = queue.pop_front() {
        for m in g.graph.neighbors_directed(n, Outgoing) {
            if !seen[m.index()] && !blocked(m) {
                seen[m.index()] = true;
                queue.push_back(m);
            }
        }
    }
    seen
}

/// For every node, the fewest routes from it to a node where `is_target`
/// holds (0 for targets themselves; `usize::MAX` when none is reachable).
pub fn distance_to(g: &PathwayGraph<'_>, is_target: impl Fn(NodeIndex) -> bool) -> Vec<usize> {
    let mut dist = vec![usize::MAX; g.nodes.len()];
    let mut queue = VecDeque::new();
    for n in g.indices() {
        if is_target(n) {
            dist[n.index()] = 0;
            queue.push_back(n);
        }
    }
    while let Some(n) = queue.pop_front() {
        let d = dist[n.index()] + 1;
        for p in g.graph.neighbors_directed(n, Incoming) {
            if dist[p.index()] == usize::MAX {
                dist[p.index()] = d;
                queue.push_back(p);
            }
        }
    }
    dist
}

/// For every node, some target it reaches by one route or more (a target
/// only counts itself if a cycle leads back to it).
pub fn onward_target(
    g: &PathwayGraph<'_>,
    is_target: impl Fn(NodeIndex) -> bool,
) -> Vec<Option<NodeIndex>> {
    let mut via: Vec<Option<NodeIndex>> = vec![None; g.nodes.len()];
    let mut queue = VecDeque::new();
    for t in g.indices().filter(|&n| is_target(n)) {
        for p in g.graph.neighbors_directed(t, Incoming) {
            if via[p.index()].is_none() {
                via[p.index()] = Some(t);
                queue.push_back(p);
            }
        }
    }
    while let Some(n) = queue.pop_front() {
        let target = via[n.index()];
        for p in g.graph.neighbors_directed(n, Incoming) {
            if via[p.index()].is_none() {
                via[p.index()] = target;
                queue.push_back(p);
            }
        }
    }
    via
}

/// Immediate dominators from a virtual root joined to every entry, and for
/// each node the number of services that strictly dominate it: the
/// services every path from every entry must pass first.
pub struct Gates {
    idom: Vec<Option<usize>>,
    pub count: Vec<usize>,
}

impl Gates {
    pub fn compute(g: &PathwayGraph<'_>, entries: &[NodeIndex]) -> Gates {
        let n = g.nodes.len();
        let root = n;
        let mut dg: DiGraph<(), ()> =
            DiGraph::with_capacity(n + 1, g.graph.edge_count() + entries.len());
        for _ in 0..=n {
            dg.add_node(());
        }
        for e in g.graph.edge_indices() {
            if let Some((a, b)) = g.graph.edge_endpoints(e) {
                dg.add_edge(a, b, ());
            }
        }
        for &e in entries {
            dg.add_edge(NodeIndex::new(root), e, ());
        }
        let doms = dominators::simple_fast(&dg, NodeIndex::new(root));
        let idom: Vec<Option<usize>> = (0..n)
            .map(|i| {
                doms.immediate_dominator(NodeIndex::new(i))
                    .map(|d| d.index())
            })
            .collect();

        // Count in dominator-tree order (parents first) so each node costs
        // O(1): count = parent's count + 1 if the parent is a service.
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
        for (i, d) in idom.iter().enumerate() {
            if let Some(d) = d {
                children[*d].push(i);
            }
        }
        let is_service = |i: usize| i < n && g.nodes[i].node_kind() == NodeKind::Service;
        let mut count = vec![0; n];
        let mut stack = vec![root];
        while let Some(p) = stack.pop() {
            for &c in &children[p] {
                count[c] = if p == root {
                    0
                } else {
                    count[p] + usize::from(is_service(p))
                };
                stack.push(c);
            }
        }
        Gates { idom, count }
    }

    /// The nearest `limit` gating services of `node`, nearest last-to-first
    /// reversed into path order (earliest first).
    pub fn gates(&self, g: &PathwayGraph<'_>, node: NodeIndex, limit: usize) -> Vec<NodeIndex> {
        let mut out = Vec::new();
        let mut cur = self.idom.get(node.index()).copied().flatten();
        while let Some(d) = cur {
            if d >= g.nodes.len() || out.len() >= limit {
                break;
            }
            if g.nodes[d].node_kind() == NodeKind::Service {
                out.push(NodeIndex::new(d));
            }
            cur = self.idom[d];
        }
        out.reverse();
        out
    }
}
