//! A pathway as a directed graph: nodes are entries, services and exits;
//! edges are routes. Name resolution happens here, so `undefined-node` and
//! `duplicate-node` come from this stage.

use std::collections::HashSet;
use std::hash::BuildHasher;

use petgraph::graph::{DiGraph, NodeIndex};

use crate::ast::{self, Criterion, DnaPolicy, NodeKind, PropertyValue, Value};
use crate::diagnostic::{suggest, Diagnostic};
use crate::rules::builtin::Builtin;
use crate::span::Span;

/// What the rules need to know about one declared node.
#[derive(Debug)]
pub struct Node<'a> {
    pub ast: &'a ast::Node<'a>,
}

impl<'a> Node<'a> {
    pub fn id(&self) -> &str {
        self.ast.id.name
    }

    pub fn node_kind(&self) -> NodeKind {
        self.ast.kind
    }

    /// The first word of its first `kind` property, if it has one. Read
    /// from the tree, not kept: a graph can have 100,000 nodes.
    pub fn kind(&self) -> Option<&'a str> {
        let ast: &'a ast::Node<'a> = self.ast;
        ast.properties
            .iter()
            .find_map(|p| match (&p.value, p.key.name) {
                (PropertyValue::Value(v), "kind") => v.first_word(),
                _ => None,
            })
    }

    /// The values of its properties named `key`.
    fn values(&self, key: &'static str) -> impl Iterator<Item = &'a Value<'a>> + use<'a> {
        let ast: &'a ast::Node<'a> = self.ast;
        ast.properties
            .iter()
            .filter(move |p| p.key.name == key)
            .filter_map(|p| match &p.value {
                PropertyValue::Value(v) => Some(v),
                _ => None,
            })
    }

    /// The words of its `offers` properties. Like everything else a node
    /// says, read from the tree when asked: a graph can have 100,000 nodes.
    pub fn offers(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.values("offers")
            .flat_map(|v| v.each_word().map(|(w, _)| w))
    }

    /// Where the first `key` property's value is written.
    pub fn value_span(&self, key: &'static str) -> Option<Span> {
        self.values(key).next().map(|v| v.span)
    }

    /// The words of its `channels` properties, with where each is written.
    pub fn channels(&self) -> impl Iterator<Item = (&'a str, Span)> + use<'a> {
        self.values("channels").flat_map(Value::each_word)
    }

    /// Its `requires` criteria, in order.
    pub fn requires(&self) -> impl Iterator<Item = &'a Criterion<'a>> + use<'a> {
        let ast: &'a ast::Node<'a> = self.ast;
        ast.properties.iter().flat_map(|p| match &p.value {
            PropertyValue::Criteria(c) => &c[..],
            _ => &[],
        })
    }

    /// Its first `on_dna` policy, if it has one.
    pub fn on_dna(&self) -> Option<&'a DnaPolicy<'a>> {
        let ast: &'a ast::Node<'a> = self.ast;
        ast.properties.iter().find_map(|p| match &p.value {
            PropertyValue::Dna(d) => Some(d),
            _ => None,
        })
    }

    /// A node provides a capability when its `kind` is it or it `offers` it.
    pub fn provides(&self, capability: &str) -> bool {
        self.kind() == Some(capability) || self.offers().any(|o| o == capability)
    }

    /// Span of the `kind`/`offers` word that makes it provide `capability`,
    /// or the node's ID if neither names it.
    pub fn capability_span(&self, capability: &str) -> Span {
        for prop in &self.ast.properties {
            if let PropertyValue::Value(v) = &prop.value {
                if prop.key.name == "kind" || prop.key.name == "offers" {
                    if let Some((_, span)) = v.each_word().find(|(w, _)| *w == capability) {
                        return span;
                    }
                }
            }
        }
        self.ast.id.span
    }
}

/// One source-to-target pair of a route (a route `a, b -> c` makes two).
#[derive(Debug)]
pub struct Edge<'a> {
    pub route: &'a ast::Route<'a>,
    pub source: NodeIndex,
    pub target: NodeIndex,
    // Where the two names are in the route's `ends`: positions, not
    // references, as a graph can have 200,000 edges.
    source_at: u32,
    target_at: u32,
}

impl<'a> Edge<'a> {
    /// The source's name as the route writes it.
    pub fn source_ident(&self) -> &'a ast::Ident<'a> {
        let route: &'a ast::Route<'a> = self.route;
        &route.ends[self.source_at as usize]
    }

    /// The target's name as the route writes it.
    pub fn target_ident(&self) -> &'a ast::Ident<'a> {
        let route: &'a ast::Route<'a> = self.route;
        &route.ends[self.target_at as usize]
    }
}

#[derive(Debug)]
pub struct PathwayGraph<'a> {
    pub pathway: &'a ast::Pathway<'a>,
    /// Indexed by `NodeIndex::index()`.
    pub nodes: Vec<Node<'a>>,
    /// Indexed like the graph's edges (`EdgeIndex::index()`): edges are
    /// added to both in the same order and never removed.
    pub edges: Vec<Edge<'a>>,
    pub graph: DiGraph<(), ()>,
    /// Second and later declarations of an ID already taken: no route
    /// reaches them, but what they require and do on a missed appointment
    /// is still checked ([`PathwayGraph::declared`]).
    pub duplicates: Vec<Node<'a>>,
    /// Nodes with a route written to a name that is not declared
    /// (`undefined-node`, or a node lost in skipped text): the route joins
    /// nothing, but the node is no dead end.
    pub routed_to_unknown: Vec<NodeIndex>,
    /// Nodes with a route written from a name that is not declared: people
    /// may reach them that way, so they are not called unreachable.
    pub routed_from_unknown: Vec<NodeIndex>,
    /// Each node's index, found by its ID ([`PathwayGraph::find`]). The
    /// table holds only the indices (the IDs are the nodes'): a tenth of
    /// a map keyed by ID, on graphs of 100,000 nodes.
    ids: NodeIds,
}

/// Node indices looked up by the IDs of the nodes they index.
#[derive(Debug, Default)]
struct NodeIds(hashbrown::HashTable<NodeIndex>);

fn id_hash(id: &str) -> u64 {
    foldhash::fast::FixedState::with_seed(0).hash_one(id)
}

impl NodeIds {
    fn with_capacity(n: usize) -> Self {
        NodeIds(hashbrown::HashTable::with_capacity(n))
    }

    fn get(&self, id: &str, nodes: &[Node<'_>]) -> Option<NodeIndex> {
        let found = self.0.find(id_hash(id), |&n| nodes[n.index()].id() == id);
        found.copied()
    }

    fn insert(&mut self, idx: NodeIndex, nodes: &[Node<'_>]) {
        let id = nodes[idx.index()].id();
        self.0
            .insert_unique(id_hash(id), idx, |&n| id_hash(nodes[n.index()].id()));
    }
}

impl<'a> PathwayGraph<'a> {
    pub fn build(pathway: &'a ast::Pathway<'a>, diags: &mut Vec<Diagnostic>) -> Self {
        // Room for every edge a route can make (each source to each
        // target), so the two edge lists never double past it.
        let most_edges = pathway
            .routes
            .iter()
            .map(|r| r.sources().len() * r.targets().len())
            .sum();
        let mut graph = DiGraph::with_capacity(pathway.nodes.len(), most_edges);
        let mut nodes = Vec::with_capacity(pathway.nodes.len());
        let mut ids = NodeIds::with_capacity(pathway.nodes.len());
        let mut duplicates = Vec::new();
        let name = pathway.name.value.as_ref();

        for node in &pathway.nodes {
            if let Some(first) = ids.get(node.id.name, &nodes) {
                let first: &Node = &nodes[first.index()];
                diags.push(
                    Diagnostic::error(
                        Builtin::DuplicateNode.name(),
                        node.id.span,
                        format!("node `{}` is declared more than once", node.id.name),
                    )
                    .with_label("declared again here")
                    .with_related(first.ast.id.span, "first declared here")
                    .with_help("give each node its own ID; routes use the first declaration")
                    .in_pathway(name)
                    .about(node.id.name),
                );
                duplicates.push(Node { ast: node });
                continue;
            }
            let idx = graph.add_node(());
            nodes.push(Node { ast: node });
            ids.insert(idx, &nodes);
        }

        // Names written in text skipped after a syntax error: a node with
        // one of them may be declared there, so a route naming it is not
        // reported undefined (it still joins nothing).
        let skipped: HashSet<&str> = pathway
            .skipped
            .iter()
            .flat_map(|s| identifiers(s.value))
            .collect();
        let mut edges = Vec::with_capacity(most_edges);
        let (mut routed_to_unknown, mut routed_from_unknown) = (Vec::new(), Vec::new());
        for route in &pathway.routes {
            // Each name resolved, with its position in the route's `ends`
            // (spans are u32, so a route's ends number fewer than 2^32).
            let mut resolved =
                |from: usize, names: &'a [ast::Ident<'a>]| -> Vec<(NodeIndex, u32)> {
                    let mut found = Vec::new();
                    for (k, name) in names.iter().enumerate() {
                        if let Some(n) = resolve(name, (&ids, &nodes), &skipped, pathway, diags) {
                            found.push((n, u32::try_from(from + k).unwrap_or(u32::MAX)));
                        }
                    }
                    found
                };
            let sources = resolved(0, route.sources());
            let targets = resolved(route.sources().len(), route.targets());
            if targets.len() < route.targets().len() {
                routed_to_unknown.extend(sources.iter().map(|&(n, _)| n));
            }
            if sources.len() < route.sources().len() {
                routed_from_unknown.extend(targets.iter().map(|&(n, _)| n));
            }
            for &(source, source_at) in &sources {
                for &(target, target_at) in &targets {
                    graph.add_edge(source, target, ());
                    edges.push(Edge {
                        route,
                        source,
                        target,
                        source_at,
                        target_at,
                    });
                }
            }
        }

        PathwayGraph {
            pathway,
            nodes,
            edges,
            graph,
            duplicates,
            routed_to_unknown,
            routed_from_unknown,
            ids,
        }
    }

    /// Every node declaration, the graph's nodes and then any declared
    /// again under a taken ID: the properties of both are checked
    /// (docs/language.md, `duplicate-node`).
    pub fn declared(&self) -> impl Iterator<Item = &Node<'a>> + '_ {
        self.nodes.iter().chain(&self.duplicates)
    }

    pub fn node(&self, idx: NodeIndex) -> &Node<'a> {
        &self.nodes[idx.index()]
    }

    pub fn indices(&self) -> impl Iterator<Item = NodeIndex> + '_ {
        self.graph.node_indices()
    }

    pub fn name(&self) -> &str {
        &self.pathway.name.value
    }

    /// The node declared with `id` (the first, if it is declared twice).
    pub fn find(&self, id: &str) -> Option<NodeIndex> {
        self.ids.get(id, &self.nodes)
    }
}

fn resolve<'a>(
    id: &'a ast::Ident<'a>,
    (ids, nodes): (&NodeIds, &[Node<'_>]),
    skipped: &HashSet<&str>,
    pathway: &ast::Pathway<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<NodeIndex> {
    if let Some(idx) = ids.get(id.name, nodes) {
        return Some(idx);
    }
    if skipped.contains(id.name) {
        return None;
    }
    let mut diag = Diagnostic::error(
        Builtin::UndefinedNode.name(),
        id.span,
        format!(
            "route names `{}`, which is not declared in this pathway",
            id.name
        ),
    )
    .with_label("not declared")
    .in_pathway(pathway.name.value.as_ref())
    .about(id.name);
    let declared = pathway.nodes.iter().map(|n| n.id.name);
    diag = match suggest(id.name, declared) {
        Some(near) => {
            let decl = pathway
                .nodes
                .iter()
                .find(|n| n.id.name == near)
                .map(|n| n.id.span);
            let d = diag
                .with_help(format!("did you mean `{near}`?"))
                .with_suggestion(id.span, near);
            match decl {
                Some(span) => d.with_related(span, format!("`{near}` is declared here")),
                None => d,
            }
        }
        None => diag.with_help(format!(
            "declare it in this pathway, e.g. `service {}: \"...\"`, or correct the route",
            id.name
        )),
    };
    diags.push(diag);
    None
}

/// The identifiers in `text`, as the grammar reads them.
fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_reads_its_properties_from_the_tree() {
        let text = "pathway \"p\" {\n\
            entry gp: \"GP\" { kind: gp  channels: [phone, online] }\n\
            service physio: \"Physio\" {\n\
              kind: community\n\
              offers: [exercise, education]\n\
              requires: bmi < 40, smoking == false\n\
              on_dna: contact then rebook\n\
            }\n\
            exit home: \"Home\"\n\
            gp -> physio\n\
            physio -> home\n\
            }\n";
        let parsed = crate::parser::parse(text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let graph = PathwayGraph::build(&parsed.file.pathways[0], &mut Vec::new());
        let gp = graph.node(graph.find("gp").unwrap());
        let physio = graph.node(graph.find("physio").unwrap());
        let channels: Vec<&str> = gp.channels().map(|(c, _)| c).collect();
        assert_eq!(channels, ["phone", "online"]);
        assert_eq!(gp.offers().count(), 0);
        assert!(gp.requires().next().is_none() && gp.on_dna().is_none());
        let offers: Vec<&str> = physio.offers().collect();
        assert_eq!(offers, ["exercise", "education"]);
        assert!(physio.provides("education") && physio.provides("community"));
        assert!(!physio.provides("surgery"));
        let requires: Vec<&str> = physio.requires().map(|c| c.attribute.name).collect();
        assert_eq!(requires, ["bmi", "smoking"]);
        assert_eq!(physio.on_dna().map(|d| d.steps.len()), Some(2));
        // Only the reference into the tree: a graph can have 100,000 nodes.
        assert_eq!(std::mem::size_of::<Node>(), std::mem::size_of::<usize>());
    }
}
