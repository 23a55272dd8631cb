//! Node IDs: where each is declared and used, for go to definition, find
//! references, rename, the outline and node hovers. The outline is read
//! from the graphs the session lends after a check, so nothing here parses.

use lsp_types::{
    DocumentSymbol, DocumentSymbolResponse, Location, Position, Range, SymbolInformation,
    SymbolKind, TextEdit, WorkspaceEdit,
};

use super::documents::{Analysis, Document};
use crate::ast::{NodeKind, PropertyValue};
use crate::graph::PathwayGraph;
use crate::span::Span;

/// What navigation needs of a file's pathways, owned so it outlives the
/// check that lent the graphs.
#[derive(Debug, Default)]
pub struct Outline {
    pub pathways: Vec<PathwayOutline>,
}

#[derive(Debug)]
pub struct PathwayOutline {
    pub name: String,
    /// `pathway "name"`.
    pub header: Span,
    pub span: Span,
    /// In the order written, duplicates included.
    pub nodes: Vec<NodeOutline>,
    pub routes: Vec<RouteOutline>,
}

#[derive(Debug)]
pub struct NodeOutline {
    pub keyword: NodeKind,
    pub id: String,
    pub id_span: Span,
    pub label: String,
    /// The first word of its `kind:` property.
    pub kind: Option<String>,
    pub span: Span,
}

#[derive(Debug)]
pub struct RouteOutline {
    pub sources: Vec<(String, Span)>,
    pub targets: Vec<(String, Span)>,
    pub when: Option<String>,
    pub span: Span,
}

impl Outline {
    pub fn of(graphs: &[PathwayGraph<'_>]) -> Outline {
        let pathways = graphs
            .iter()
            .map(|g| {
                let p = g.pathway;
                let nodes = p
                    .nodes
                    .iter()
                    .map(|n| NodeOutline {
                        keyword: n.kind,
                        id: n.id.name.to_string(),
                        id_span: n.id.span,
                        label: n.label.value.to_string(),
                        kind: n.properties.iter().find_map(|prop| match &prop.value {
                            PropertyValue::Value(v) if prop.key.name == "kind" => {
                                v.words().first().map(|(w, _)| (*w).to_string())
                            }
                            _ => None,
                        }),
                        span: n.span,
                    })
                    .collect();
                let ends = |ids: &[crate::ast::Ident<'_>]| {
                    ids.iter()
                        .map(|i| (i.name.to_string(), i.span))
                        .collect::<Vec<_>>()
                };
                let routes = p
                    .routes
                    .iter()
                    .map(|r| RouteOutline {
                        sources: ends(r.sources()),
                        targets: ends(r.targets()),
                        when: r.when().map(|w| w.value.to_string()),
                        span: r.span,
                    })
                    .collect();
                PathwayOutline {
                    name: p.name.value.to_string(),
                    header: p.header,
                    span: p.span,
                    nodes,
                    routes,
                }
            })
            .collect();
        Outline { pathways }
    }
}

/// A node ID found at a position: the pathway it is in, its name, and the
/// span of the occurrence under the cursor.
pub struct Found<'o> {
    pub pathway: &'o PathwayOutline,
    pub name: &'o str,
    pub span: Span,
    /// The declaration under the cursor, when it is one (a node declared
    /// twice has two).
    pub declaration: Option<&'o NodeOutline>,
}

impl PathwayOutline {
    /// Every place `name` is written: declarations first, then routes.
    pub fn occurrences(&self, name: &str) -> Vec<Span> {
        let mut out: Vec<Span> = self
            .nodes
            .iter()
            .filter(|n| n.id == name)
            .map(|n| n.id_span)
            .collect();
        for r in &self.routes {
            for (id, span) in r.sources.iter().chain(&r.targets) {
                if id == name {
                    out.push(*span);
                }
            }
        }
        out
    }

    /// The first declaration (the one routes use).
    pub fn node(&self, name: &str) -> Option<&NodeOutline> {
        self.nodes.iter().find(|n| n.id == name)
    }
}

/// The node ID at `offset` (a checked-text offset; the end of a word
/// counts as on it).
pub fn at(outline: &Outline, offset: usize) -> Option<Found<'_>> {
    let on = |span: Span| span.start() <= offset && offset <= span.end();
    for p in &outline.pathways {
        if !(p.span.start() <= offset && offset <= p.span.end()) {
            continue;
        }
        for n in &p.nodes {
            if on(n.id_span) {
                return Some(Found {
                    pathway: p,
                    name: &n.id,
                    span: n.id_span,
                    declaration: Some(n),
                });
            }
        }
        for r in &p.routes {
            for (id, span) in r.sources.iter().chain(&r.targets) {
                if on(*span) {
                    return Some(Found {
                        pathway: p,
                        name: id,
                        span: *span,
                        declaration: None,
                    });
                }
            }
        }
    }
    None
}

fn location(doc: &Document, analysis: &Analysis, span: Span) -> Location {
    Location::new(
        doc.uri.clone(),
        doc.lines.range(&doc.text, analysis.to_document(span)),
    )
}

fn offset_of(doc: &Document, analysis: &Analysis, position: Position) -> usize {
    analysis.to_report(doc.lines.offset(&doc.text, position))
}

/// Where the node under the cursor is declared.
pub fn definition(doc: &Document, analysis: &Analysis, position: Position) -> Option<Location> {
    let found = at(&analysis.outline, offset_of(doc, analysis, position))?;
    let node = found.pathway.node(found.name)?;
    Some(location(doc, analysis, node.id_span))
}

/// Every use of the node under the cursor in its pathway.
pub fn references(
    doc: &Document,
    analysis: &Analysis,
    position: Position,
    declaration: bool,
) -> Vec<Location> {
    let Some(found) = at(&analysis.outline, offset_of(doc, analysis, position)) else {
        return Vec::new();
    };
    let declared: Vec<Span> = found
        .pathway
        .nodes
        .iter()
        .filter(|n| n.id == found.name)
        .map(|n| n.id_span)
        .collect();
    found
        .pathway
        .occurrences(found.name)
        .into_iter()
        .filter(|s| declaration || !declared.contains(s))
        .map(|s| location(doc, analysis, s))
        .collect()
}

/// The range a rename would change, if the cursor is on a node ID.
pub fn prepare_rename(doc: &Document, analysis: &Analysis, position: Position) -> Option<Range> {
    let found = at(&analysis.outline, offset_of(doc, analysis, position))?;
    Some(doc.lines.range(&doc.text, analysis.to_document(found.span)))
}

/// Words the grammar reads as keywords or values, which cannot be node IDs.
const RESERVED: &[&str] = &[
    "pathway", "entry", "service", "exit", "when", "requires", "on_dna", "then", "after", "true",
    "false",
];

/// Why `name` cannot be a node ID, if it cannot.
pub fn invalid_id(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Some(format!(
            "`{name}` is not a node ID: use ASCII letters (a to z, A to Z, without accents), digits and `_`, starting with a letter or `_`"
        ));
    }
    RESERVED
        .contains(&name)
        .then(|| format!("`{name}` is a keyword of the pathway language"))
}

/// The edits renaming the node under the cursor everywhere in its pathway.
pub fn rename(
    doc: &Document,
    analysis: &Analysis,
    position: Position,
    new_name: &str,
) -> Result<Option<WorkspaceEdit>, String> {
    let Some(found) = at(&analysis.outline, offset_of(doc, analysis, position)) else {
        return Ok(None);
    };
    if let Some(why) = invalid_id(new_name) {
        return Err(why);
    }
    if new_name != found.name && found.pathway.node(new_name).is_some() {
        return Err(format!(
            "pathway `{}` already has a node `{new_name}`",
            found.pathway.name
        ));
    }
    let edits = found
        .pathway
        .occurrences(found.name)
        .into_iter()
        .map(|s| TextEdit {
            range: doc.lines.range(&doc.text, analysis.to_document(s)),
            new_text: new_name.to_string(),
        })
        .collect();
    // `Uri` hashes and compares by its text, which never changes; clippy
    // cannot see that through its parsed form.
    #[allow(clippy::mutable_key_type)]
    let mut changes = std::collections::HashMap::new();
    changes.insert(doc.uri.clone(), edits);
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }))
}

/// A node's span without what the parser took in after it: the blank
/// lines and comments before the next item. A node without a `{…}` block
/// would otherwise run down to the next item.
fn written(text: &str, span: Span) -> Span {
    let Some(slice) = text.get(span.start()..span.end()) else {
        return span;
    };
    let mut end = slice.len();
    loop {
        let kept = slice[..end].trim_end();
        let line_start = kept.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let cut = comment_start(&kept[line_start..]).map_or(kept.len(), |c| line_start + c);
        if cut == end || cut == 0 {
            break;
        }
        end = cut;
    }
    let end = slice[..end].trim_end().len();
    if end == 0 {
        return span;
    }
    Span::new(span.start(), span.start() + end)
}

/// Byte index of a `#` that starts a comment (not one inside a string).
fn comment_start(line: &str) -> Option<usize> {
    let (mut in_string, mut escaped) = (false, false);
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(i),
            _ => {}
        }
    }
    None
}

fn symbol_kind(kind: NodeKind) -> SymbolKind {
    match kind {
        NodeKind::Entry => SymbolKind::EVENT,
        NodeKind::Service => SymbolKind::CLASS,
        NodeKind::Exit => SymbolKind::CONSTANT,
    }
}

fn node_detail(n: &NodeOutline) -> String {
    match &n.kind {
        Some(kind) => format!("{} · {kind} · {}", n.keyword.keyword(), n.label),
        None => format!("{} · {}", n.keyword.keyword(), n.label),
    }
}

/// The outline: each pathway with its nodes, nested when the client can
/// show a tree, flat with the pathway as container otherwise.
#[allow(deprecated)] // `deprecated` is a required field of the protocol's types
pub fn symbols(doc: &Document, analysis: &Analysis, nested: bool) -> DocumentSymbolResponse {
    let range = |span: Span| doc.lines.range(&doc.text, analysis.to_document(span));
    let text = &analysis.report.source.text;
    let node_range = |n: &NodeOutline| range(written(text, n.span));
    if nested {
        let tree = analysis
            .outline
            .pathways
            .iter()
            .map(|p| DocumentSymbol {
                name: p.name.clone(),
                detail: Some("pathway".to_string()),
                kind: SymbolKind::NAMESPACE,
                tags: None,
                deprecated: None,
                range: range(p.span),
                selection_range: range(p.header),
                children: Some(
                    p.nodes
                        .iter()
                        .map(|n| DocumentSymbol {
                            name: n.id.clone(),
                            detail: Some(node_detail(n)),
                            kind: symbol_kind(n.keyword),
                            tags: None,
                            deprecated: None,
                            range: node_range(n),
                            selection_range: range(n.id_span),
                            children: None,
                        })
                        .collect(),
                ),
            })
            .collect();
        return DocumentSymbolResponse::Nested(tree);
    }
    let mut flat = Vec::new();
    for p in &analysis.outline.pathways {
        flat.push(SymbolInformation {
            name: p.name.clone(),
            kind: SymbolKind::NAMESPACE,
            tags: None,
            deprecated: None,
            location: Location::new(doc.uri.clone(), range(p.span)),
            container_name: None,
        });
        for n in &p.nodes {
            flat.push(SymbolInformation {
                name: n.id.clone(),
                kind: symbol_kind(n.keyword),
                tags: None,
                deprecated: None,
                location: Location::new(doc.uri.clone(), node_range(n)),
                container_name: Some(p.name.clone()),
            });
        }
    }
    DocumentSymbolResponse::Flat(flat)
}

/// A node's label, kind and routes in and out, as Markdown.
pub fn describe(found: &Found<'_>) -> String {
    let p = found.pathway;
    let first = p.node(found.name);
    let Some(node) = found.declaration.or(first) else {
        return format!(
            "`{}` is not declared in pathway \"{}\": routes to or from it join nothing",
            found.name, p.name
        );
    };
    let mut out = format!(
        "**{} `{}`**: {}\n\n",
        node.keyword.keyword(),
        node.id,
        node.label
    );
    match &node.kind {
        Some(kind) => out.push_str(&format!("kind: `{kind}`\n\n")),
        None => out.push_str("no `kind`\n\n"),
    }
    let route = |r: &RouteOutline, from: &str, to: &str| {
        let mut s = format!("`{from}` → `{to}`");
        if let Some(when) = &r.when {
            s.push_str(&format!(" when \"{when}\""));
        }
        s
    };
    let (mut inward, mut outward) = (Vec::new(), Vec::new());
    for r in &p.routes {
        for (s, _) in &r.sources {
            for (t, _) in &r.targets {
                if t == &node.id {
                    inward.push(route(r, s, t));
                }
                if s == &node.id {
                    outward.push(route(r, s, t));
                }
            }
        }
    }
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_string()
        } else {
            items.join(", ")
        }
    };
    out.push_str(&format!("routes in: {}\n\n", list(&inward)));
    out.push_str(&format!("routes out: {}", list(&outward)));
    out.push_str(&format!("\n\nin pathway \"{}\"", p.name));
    if let Some(first) = first.filter(|f| !std::ptr::eq(*f, node)) {
        out.push_str(&format!(
            "\n\n`{}` is declared twice: routes use the first declaration, \"{}\"",
            node.id, first.label
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nodes_span_ends_where_it_is_written() {
        let text =
            "  exit h: \"Home # not a comment\"   # trailing comment\n\n  # another\n\n  gp -> h";
        let end = text.find("   #").unwrap();
        let got = written(text, Span::new(2, text.find("  gp").unwrap()));
        assert_eq!(got, Span::new(2, end));
        let block = "service a: \"A\" {\n  kind: gp # k\n}\n";
        assert_eq!(
            written(block, Span::new(0, block.len())).end(),
            block.len() - 1
        );
    }
}
