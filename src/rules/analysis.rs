//! Graph analyses the checks share. Each is one linear pass (BFS over
//! routes, forwards or backwards) or petgraph's dominators; nothing recurses,
//! and cycles are ordinary input.

use std::collections::VecDeque;

use petgraph::graph::NodeIndex;
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
        let routes = g
            .graph
            .edge_indices()
            .filter_map(|e| g.graph.edge_endpoints(e));
        let from_root = entries.iter().map(|e| (root, e.index()));
        let succ = Lists::new(
            n + 1,
            routes.map(|(a, b)| (a.index(), b.index())).chain(from_root),
        );
        let all = immediate_dominators(&succ, root);
        let idom: Vec<Option<usize>> = all[..n].to_vec();

        // Count in dominator-tree order (parents first) so each node costs
        // O(1): count = parent's count + 1 if the parent is a service.
        let children = Lists::new(
            n + 1,
            idom.iter()
                .enumerate()
                .filter_map(|(i, d)| d.map(|d| (d, i))),
        );
        let is_service = |i: usize| i < n && g.nodes[i].node_kind() == NodeKind::Service;
        let mut count = vec![0; n];
        let mut stack = vec![root];
        while let Some(p) = stack.pop() {
            for c in children.of(p) {
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

/// Adjacency lists of nodes `0..n` in one flat array (compressed rows): a
/// `Vec` per node cost 24 bytes plus an allocation each, which on a
/// 100,000-node pathway was most of the dominator analysis's memory.
pub struct Lists {
    /// `items[start[v]..start[v + 1]]` is `v`'s list.
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Lists {
    /// From `(v, item)` pairs, each list in the order of the pairs. Indices
    /// fit `u32` because they are petgraph node indices, which are `u32`.
    pub fn new(n: usize, pairs: impl Iterator<Item = (usize, usize)> + Clone) -> Lists {
        let mut start = vec![0u32; n + 1];
        for (v, _) in pairs.clone() {
            start[v + 1] += 1;
        }
        for v in 0..n {
            start[v + 1] += start[v];
        }
        let mut next = start.clone();
        let mut items = vec![0u32; start[n] as usize];
        for (v, item) in pairs {
            items[next[v] as usize] = item as u32;
            next[v] += 1;
        }
        Lists { start, items }
    }

    /// How many nodes the lists are for.
    pub fn nodes(&self) -> usize {
        self.start.len() - 1
    }

    pub fn of(&self, v: usize) -> impl DoubleEndedIterator<Item = usize> + Clone + '_ {
        let range = self.start[v] as usize..self.start[v + 1] as usize;
        self.items[range].iter().map(|&i| i as usize)
    }
}

/// Immediate dominators of a graph given as successor lists, from `root`
/// (`None` for the root and for nodes it does not reach).
///
/// Lengauer and Tarjan's algorithm with path compression, written without
/// recursion: O(E log V) on any shape. petgraph's `simple_fast` is quadratic
/// on long chains with back edges, which pathways with re-referral loops are.
pub fn immediate_dominators(succ: &Lists, root: usize) -> Vec<Option<usize>> {
    const NONE: usize = usize::MAX;
    let n = succ.nodes();
    // Depth-first numbering (iterative; preorder).
    let mut dfnum = vec![NONE; n];
    let mut vertex = Vec::with_capacity(n);
    let mut parent = vec![NONE; n];
    let mut stack = vec![(root, NONE)];
    while let Some((v, p)) = stack.pop() {
        if dfnum[v] != NONE {
            continue;
        }
        dfnum[v] = vertex.len();
        vertex.push(v);
        parent[v] = p;
        for w in succ.of(v).rev() {
            if dfnum[w] == NONE {
                stack.push((w, v));
            }
        }
    }
    let reached = (0..n).filter(|&v| dfnum[v] != NONE);
    let pred = Lists::new(n, reached.flat_map(|v| succ.of(v).map(move |w| (w, v))));
    // semi and label hold DFS numbers; ancestor is the forest of `link`.
    let mut semi: Vec<usize> = dfnum.clone();
    let mut label: Vec<usize> = (0..n).collect();
    let mut ancestor = vec![NONE; n];
    let mut idom = vec![NONE; n];
    // Buckets as linked lists: `bucket[v]` heads v's, `next_in_bucket`
    // links the rest (each node is in at most one bucket).
    let mut bucket = vec![NONE; n];
    let mut next_in_bucket = vec![NONE; n];
    let mut path = Vec::new();

    let eval = |v: usize,
                ancestor: &mut [usize],
                label: &mut [usize],
                semi: &[usize],
                path: &mut Vec<usize>|
     -> usize {
        if ancestor[v] == NONE {
            return v;
        }
        // Compress the path from v up to the root of its tree, top down.
        path.clear();
        let mut x = v;
        while ancestor[x] != NONE && ancestor[ancestor[x]] != NONE {
            path.push(x);
            x = ancestor[x];
        }
        while let Some(y) = path.pop() {
            let a = ancestor[y];
            if semi[label[a]] < semi[label[y]] {
                label[y] = label[a];
            }
            ancestor[y] = ancestor[a];
        }
        label[v]
    };

    for i in (1..vertex.len()).rev() {
        let w = vertex[i];
        for v in pred.of(w) {
            let u = eval(v, &mut ancestor, &mut label, &semi, &mut path);
            if semi[u] < semi[w] {
                semi[w] = semi[u];
            }
        }
        let s = vertex[semi[w]];
        next_in_bucket[w] = bucket[s];
        bucket[s] = w;
        let p = parent[w];
        ancestor[w] = p;
        let mut v = std::mem::replace(&mut bucket[p], NONE);
        while v != NONE {
            let u = eval(v, &mut ancestor, &mut label, &semi, &mut path);
            idom[v] = if semi[u] < semi[v] { u } else { p };
            v = next_in_bucket[v];
        }
    }
    for &w in vertex.iter().skip(1) {
        if idom[w] != vertex[semi[w]] {
            idom[w] = idom[idom[w]];
        }
    }
    idom.into_iter()
        .enumerate()
        .map(|(v, d)| (v != root && d != NONE).then_some(d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{immediate_dominators, Lists};
    use petgraph::algo::dominators::simple_fast;
    use petgraph::graph::{DiGraph, NodeIndex};

    /// A small deterministic generator, so the test needs no extra crate.
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn agrees_with_petgraph_on_random_graphs() {
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        for case in 0..500 {
            let n = 1 + (next(&mut seed) % 40) as usize;
            let edges = (next(&mut seed) % (3 * n as u64 + 1)) as usize;
            let mut succ = vec![Vec::new(); n];
            let mut g: DiGraph<(), ()> = DiGraph::new();
            for _ in 0..n {
                g.add_node(());
            }
            for _ in 0..edges {
                let a = (next(&mut seed) % n as u64) as usize;
                let b = (next(&mut seed) % n as u64) as usize;
                succ[a].push(b);
                g.add_edge(NodeIndex::new(a), NodeIndex::new(b), ());
            }
            let pairs = succ
                .iter()
                .enumerate()
                .flat_map(|(a, list): (usize, &Vec<usize>)| list.iter().map(move |&b| (a, b)));
            let ours = immediate_dominators(&Lists::new(n, pairs), 0);
            let theirs = simple_fast(&g, NodeIndex::new(0));
            for (v, got) in ours.iter().enumerate() {
                let expected = theirs
                    .immediate_dominator(NodeIndex::new(v))
                    .map(|d| d.index());
                assert_eq!(*got, expected, "case {case}, node {v}, succ {succ:?}");
            }
        }
    }

    #[test]
    fn long_chain_with_back_edges_is_fast_and_right() {
        let n = 200_000;
        let mut succ: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![] })
            .collect();
        for i in (10..n).step_by(5) {
            succ[i].push(i / 2);
        }
        let pairs = succ
            .iter()
            .enumerate()
            .flat_map(|(a, list)| list.iter().map(move |&b| (a, b)));
        let idom = immediate_dominators(&Lists::new(n, pairs), 0);
        assert_eq!(idom[0], None);
        assert!((1..n).all(|i| idom[i] == Some(i - 1)));
    }
}
