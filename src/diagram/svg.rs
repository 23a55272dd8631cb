//! A self-contained SVG with its own small layered layout, so drawing a
//! pathway needs no program outside the binary.
//!
//! Layout: a node's column is its breadth-first distance from the entries
//! (unreachable nodes get a final column), so every forward route joins
//! neighbouring columns. Routes within a column are drawn as brackets in
//! the gap to its right, and routes back to an earlier column run in a lane
//! above the drawing, so routes keep to the gaps instead of crossing boxes.
//! Order within a column comes from a few barycentre sweeps, then adjacent
//! swaps that shorten brackets. Everything is linear in nodes plus routes
//! apart from sorting each column. (The layout-rs crate, 0.1.3, was tried
//! first: it took 44 s for 100 nodes and gives no per-node groups.)

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;

use super::{escape_xml, route_lines, rule_line, severity_colour, Family, Mark, Marks, STROKE};
use crate::ast::NodeKind;
use crate::diagnostic::Severity;
use crate::graph::{Edge, Node, PathwayGraph};

const FONT: f64 = 13.0;
const CHAR: f64 = 7.2;
const SMALL: f64 = 11.0;
const SMALL_CHAR: f64 = 6.2;
const LINE: f64 = 16.0;
const SMALL_LINE: f64 = 14.0;
const PAD_X: f64 = 12.0;
const PAD_Y: f64 = 8.0;
const WRAP: usize = 28;
const WRAP_SMALL: usize = 34;
const MIN_GAP: f64 = 72.0;
const V_GAP: f64 = 26.0;
const MARGIN: f64 = 24.0;
const HEADING: f64 = 40.0;
const SWEEPS: usize = 4;
/// Distance between parallel brackets in one gap.
const LANE: f64 = 12.0;

/// One node's text and box; `x`, `y` are the box's top-left corner.
struct Shape {
    label: Vec<String>,
    kind: Option<String>,
    /// The node's `requires`, in small type under the kind.
    criteria: Vec<String>,
    rules: Vec<String>,
    w: f64,
    h: f64,
    /// Height of the rule names under the box.
    foot: f64,
    x: f64,
    y: f64,
}

impl Shape {
    fn new(node: &Node, marks: &Marks) -> Shape {
        let mark = marks.node(node.id());
        let mut label = wrap_lines(marks.label(node), WRAP);
        if label.is_empty() {
            label.push(node.id().to_string());
        }
        let kind = node.kind().map(str::to_string);
        let rules = mark.map_or_else(Vec::new, |m| wrap(&rule_line(m), WRAP_SMALL));
        let said: Vec<String> = node.requires().map(super::criterion).collect();
        // Lines break between criteria, never inside one.
        let mut criteria: Vec<String> = Vec::new();
        for (i, c) in said.iter().enumerate() {
            let part = if i + 1 < said.len() {
                format!("{c},")
            } else {
                c.clone()
            };
            match criteria.last_mut() {
                Some(line) if line.chars().count() + 1 + part.chars().count() <= WRAP_SMALL => {
                    line.push(' ');
                    line.push_str(&part);
                }
                _ if i == 0 => criteria.push(format!("requires {part}")),
                _ => criteria.push(part),
            }
        }
        let kind_w = kind.as_deref().map_or(0.0, |k| width(k, SMALL_CHAR));
        let text_w = widest(&label, CHAR)
            .max(kind_w)
            .max(widest(&criteria, SMALL_CHAR));
        let kind_h = if kind.is_some() { SMALL_LINE } else { 0.0 };
        let h =
            2.0 * PAD_Y + LINE * label.len() as f64 + kind_h + SMALL_LINE * criteria.len() as f64;
        // Stadium ends eat into the text width.
        let ends = if node.node_kind() == NodeKind::Entry {
            h / 2.0
        } else {
            0.0
        };
        let foot = match rules.len() {
            0 => 0.0,
            n => 4.0 + SMALL_LINE * n as f64,
        };
        let w = (text_w + 2.0 * PAD_X + ends).max(90.0);
        Shape {
            label,
            kind,
            criteria,
            rules,
            w,
            h,
            foot,
            x: 0.0,
            y: 0.0,
        }
    }

    fn cy(&self) -> f64 {
        self.y + self.h / 2.0
    }

    fn right(&self) -> f64 {
        self.x + self.w
    }
}

/// A route's text lines (criteria, `when`, rule names) and findings.
struct Route<'m> {
    lines: Vec<String>,
    mark: Option<&'m Mark>,
}

/// How one route is drawn: a cubic Bézier (start, two control points,
/// end) or a polyline.
struct Path {
    points: Vec<(f64, f64)>,
    curve: bool,
    /// Where the first line of text goes.
    at: (f64, f64),
    /// Text centred on `at` rather than starting there.
    middle: bool,
    /// Routes back to an earlier column are dashed.
    dashed: bool,
}

impl Path {
    fn d(&self) -> String {
        let mut d = String::new();
        for (i, (x, y)) in self.points.iter().enumerate() {
            let command = match (i, self.curve) {
                (0, _) => "M",
                (1, true) => " C",
                (_, true) => " ",
                (_, false) => " L",
            };
            let _ = write!(d, "{command}{x:.1},{y:.1}");
        }
        d
    }
}

/// Column positions and widths, and how many brackets each gap holds.
struct Grid {
    x: Vec<f64>,
    w: Vec<f64>,
    flat: Vec<usize>,
}

/// Smallest box holding every point drawn, for the viewBox.
struct Bounds {
    min: (f64, f64),
    max: (f64, f64),
}

impl Bounds {
    fn add(&mut self, x: f64, y: f64) {
        self.min = (self.min.0.min(x), self.min.1.min(y));
        self.max = (self.max.0.max(x), self.max.1.max(y));
    }

    /// A block of text lines centred (or starting) at `x` with its first
    /// baseline at `y`.
    fn add_text(&mut self, x: f64, y: f64, lines: &[String], middle: bool) {
        let w = widest(lines, SMALL_CHAR);
        let left = if middle { x - w / 2.0 } else { x };
        self.add(left, y - SMALL);
        self.add(left + w, y + SMALL_LINE * lines.len() as f64);
    }
}

pub fn render(g: &PathwayGraph, marks: &Marks) -> String {
    let n = g.nodes.len();
    let mut succ = vec![Vec::new(); n];
    let mut pred = vec![Vec::new(); n];
    for e in &g.edges {
        let (s, t) = (e.source.index(), e.target.index());
        if s < n && t < n && s != t {
            succ[s].push(t);
            pred[t].push(s);
        }
    }
    let (layer, mut columns) = layers(g, &succ, &pred);
    order(&mut columns, &layer, &succ, &pred);
    tighten(&mut columns, &layer, &succ, &pred);

    let mut shapes: Vec<Shape> = g.nodes.iter().map(|node| Shape::new(node, marks)).collect();
    let routes: Vec<Route> = g
        .edges
        .iter()
        .map(|e| {
            let mark = marks.edge(e.source_ident().name, e.target_ident().name);
            let mut lines: Vec<String> = marks
                .route_lines(e)
                .iter()
                .flat_map(|l| wrap(l, WRAP_SMALL))
                .collect();
            lines.extend(mark.map_or_else(Vec::new, |m| wrap(&rule_line(m), WRAP_SMALL)));
            Route { lines, mark }
        })
        .collect();
    let grid = grid(g, &columns, &layer, &shapes, &routes);
    let mut bounds = place(&columns, &grid, &mut shapes);

    let mut body = String::from("<g id=\"edges\">\n");
    let mut lanes = vec![0usize; columns.len()];
    let mut back = 0usize;
    for (e, route) in g.edges.iter().zip(&routes) {
        let (s, t) = (e.source.index(), e.target.index());
        let (Some(a), Some(b)) = (shapes.get(s), shapes.get(t)) else {
            continue;
        };
        let span = (layer[s], layer[t]);
        let lines = route.lines.len() as f64;
        let path = if s == t {
            self_loop(a, lines)
        } else if span.1 > span.0 {
            forward(a, b, lines)
        } else if span.1 == span.0 {
            let k = lanes[span.0] % 4;
            lanes[span.0] += 1;
            bracket(a, b, &grid, span.0, k)
        } else {
            back += 1;
            backward(a, b, &grid, span, (back - 1) % 8, lines)
        };
        // Control points bound a Bézier, so the points bound every path.
        for &(x, y) in &path.points {
            bounds.add(x, y);
        }
        bounds.add_text(path.at.0, path.at.1, &route.lines, path.middle);
        edge(&mut body, e, route, &path);
    }
    body.push_str("</g>\n<g id=\"nodes\">\n");
    for (node, shape) in g.nodes.iter().zip(&shapes) {
        node_group(&mut body, node, shape, marks.node(node.id()));
    }
    body.push_str("</g>\n");
    frame(g, marks, &body, &bounds)
}

/// Column widths, and gaps wide enough for the labels and brackets drawn in
/// them.
fn grid(
    g: &PathwayGraph,
    columns: &[Vec<usize>],
    layer: &[usize],
    shapes: &[Shape],
    routes: &[Route],
) -> Grid {
    let count = columns.len();
    let w: Vec<f64> = columns
        .iter()
        .map(|c| c.iter().map(|&v| shapes[v].w).fold(0.0, f64::max))
        .collect();
    let mut gap = vec![MIN_GAP; count];
    let mut flat = vec![0usize; count];
    for (e, route) in g.edges.iter().zip(routes) {
        let (s, t) = (e.source.index(), e.target.index());
        let (Some(&ls), Some(&lt)) = (layer.get(s), layer.get(t)) else {
            continue;
        };
        let need = widest(&route.lines, SMALL_CHAR) + 32.0;
        if lt == ls && s != t {
            flat[ls] += 1;
            gap[ls] = gap[ls].max(need + 12.0 + LANE * flat[ls].min(4) as f64);
        } else if lt == ls + 1 {
            gap[ls] = gap[ls].max(need);
        }
    }
    let mut x = Vec::with_capacity(count);
    let mut at = 0.0;
    for l in 0..count {
        x.push(at);
        at += w[l] + gap[l];
    }
    Grid { x, w, flat }
}

/// Stacks each column from the top, centred on the tallest, and returns
/// the boxes' bounds.
fn place(columns: &[Vec<usize>], grid: &Grid, shapes: &mut [Shape]) -> Bounds {
    let heights: Vec<f64> = columns
        .iter()
        .map(|c| {
            let boxes: f64 = c.iter().map(|&v| shapes[v].h + shapes[v].foot).sum();
            boxes + V_GAP * c.len().saturating_sub(1) as f64
        })
        .collect();
    let tallest = heights.iter().copied().fold(0.0, f64::max);
    let mut bounds = Bounds {
        min: (0.0, 0.0),
        max: (0.0, 0.0),
    };
    for (l, column) in columns.iter().enumerate() {
        let mut y = (tallest - heights[l]) / 2.0;
        for &v in column {
            let s = &mut shapes[v];
            s.x = grid.x[l] + (grid.w[l] - s.w) / 2.0;
            s.y = y;
            y += s.h + s.foot + V_GAP;
            bounds.add(s.x, s.y);
            bounds.add(s.right(), s.y + s.h + s.foot);
            bounds.add_text(s.x + s.w / 2.0, s.y + s.h + 4.0 + SMALL, &s.rules, true);
        }
    }
    bounds
}

fn self_loop(a: &Shape, lines: f64) -> Path {
    let (cx, y) = (a.x + a.w / 2.0, a.y);
    Path {
        points: vec![
            (cx - 12.0, y),
            (cx - 30.0, y - 36.0),
            (cx + 30.0, y - 36.0),
            (cx + 12.0, y),
        ],
        curve: true,
        at: (cx, y - 32.0 - SMALL_LINE * lines),
        middle: true,
        dashed: false,
    }
}

/// To the next column: a smooth curve between facing sides.
fn forward(a: &Shape, b: &Shape, lines: f64) -> Path {
    let (sx, sy, tx, ty) = (a.right(), a.cy(), b.x, b.cy());
    let dx = (tx - sx) / 2.0;
    Path {
        points: vec![(sx, sy), (sx + dx, sy), (tx - dx, ty), (tx, ty)],
        curve: true,
        // Just above the curve's midpoint, so the text never sits on the line.
        at: (
            (sx + tx) / 2.0,
            (sy + ty) / 2.0 - 5.0 - SMALL_LINE * (lines - 1.0),
        ),
        middle: true,
        dashed: false,
    }
}

/// Within a column: a bracket in the gap to its right.
fn bracket(a: &Shape, b: &Shape, grid: &Grid, l: usize, k: usize) -> Path {
    let lane = grid.x[l] + grid.w[l] + 12.0 + LANE * k as f64;
    let (sy, ty) = (a.cy(), b.cy());
    Path {
        points: vec![(a.right(), sy), (lane, sy), (lane, ty), (b.right(), ty)],
        curve: false,
        at: (lane + 6.0, (sy + ty) / 2.0),
        middle: false,
        dashed: false,
    }
}

/// Back to an earlier column: out to the right, along a lane above the
/// drawing, and down into the target's left side.
fn backward(
    a: &Shape,
    b: &Shape,
    grid: &Grid,
    (ls, lt): (usize, usize),
    k: usize,
    lines: f64,
) -> Path {
    // Outside this gap's brackets, so the two never share a line.
    let brackets = LANE * grid.flat[ls].min(4) as f64;
    let x1 = grid.x[ls] + grid.w[ls] + 12.0 + brackets + 6.0 * (k % 4) as f64;
    let x2 = grid.x[lt] - 12.0 - 6.0 * (k % 4) as f64;
    let lane = -24.0 - 14.0 * k as f64;
    let (sy, ty) = (a.cy(), b.cy());
    Path {
        points: vec![
            (a.right(), sy),
            (x1, sy),
            (x1, lane),
            (x2, lane),
            (x2, ty),
            (b.x, ty),
        ],
        curve: false,
        at: ((x1 + x2) / 2.0, lane - 6.0 - SMALL_LINE * (lines - 1.0)),
        middle: true,
        dashed: true,
    }
}

/// The heading above the drawing and the legend below it.
fn frame(g: &PathwayGraph, marks: &Marks, body: &str, bounds: &Bounds) -> String {
    let (ox, oy) = (MARGIN - bounds.min.0, MARGIN + HEADING - bounds.min.1);
    let legend_y = MARGIN + HEADING + (bounds.max.1 - bounds.min.1) + 28.0;
    let (legend, legend_w, legend_h) = legend(g, marks, MARGIN, legend_y);
    let name = g.name().replace('\n', " ");
    let width = (bounds.max.0 - bounds.min.0)
        .max(width(&name, 10.0))
        .max(legend_w)
        + 2.0 * MARGIN;
    let height = legend_y + legend_h + MARGIN;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"{FONT}\">"
    );
    out.push_str(&defs());
    out.push_str("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    let _ = writeln!(
        out,
        "<text class=\"heading\" x=\"{MARGIN}\" y=\"{:.0}\" font-size=\"18\" font-weight=\"bold\" fill=\"#111827\">{}</text>",
        MARGIN + 18.0,
        escape_xml(&name)
    );
    let _ = writeln!(out, "<g transform=\"translate({ox:.1},{oy:.1})\">");
    out.push_str(body);
    out.push_str("</g>\n");
    out.push_str(&legend);
    out.push_str("</svg>\n");
    out
}

/// Column of each node and the columns' members in breadth-first order.
/// The search starts at the entries, or at nodes nothing routes to when
/// there are none, so a pathway without entries still spreads out.
fn layers(
    g: &PathwayGraph,
    succ: &[Vec<usize>],
    pred: &[Vec<usize>],
) -> (Vec<usize>, Vec<Vec<usize>>) {
    let n = g.nodes.len();
    let mut seeds: Vec<usize> = (0..n)
        .filter(|&v| g.nodes[v].node_kind() == NodeKind::Entry)
        .collect();
    if seeds.is_empty() {
        seeds = (0..n).filter(|&v| pred[v].is_empty()).collect();
    }
    if seeds.is_empty() && n > 0 {
        seeds.push(0);
    }
    let mut layer = vec![usize::MAX; n];
    let mut queue = VecDeque::new();
    for &s in &seeds {
        layer[s] = 0;
        queue.push_back(s);
    }
    let mut seen = Vec::with_capacity(n);
    while let Some(v) = queue.pop_front() {
        seen.push(v);
        for &w in &succ[v] {
            if layer[w] == usize::MAX {
                layer[w] = layer[v] + 1;
                queue.push_back(w);
            }
        }
    }
    let last = seen.iter().map(|&v| layer[v] + 1).max().unwrap_or(0);
    for (v, l) in layer.iter_mut().enumerate() {
        if *l == usize::MAX {
            *l = last;
            seen.push(v);
        }
    }
    let count = layer.iter().map(|&l| l + 1).max().unwrap_or(0);
    let mut columns = vec![Vec::new(); count];
    for v in seen {
        columns[layer[v]].push(v);
    }
    (layer, columns)
}

/// Barycentre sweeps, alternately forwards (by predecessors in earlier
/// columns) and backwards (by successors in later ones). Nodes with no such
/// neighbour keep their place.
fn order(columns: &mut [Vec<usize>], layer: &[usize], succ: &[Vec<usize>], pred: &[Vec<usize>]) {
    let mut centre = vec![0.0; layer.len()];
    for c in columns.iter() {
        centre_of(c, &mut centre);
    }
    for sweep in 0..SWEEPS {
        let forward = sweep % 2 == 0;
        let (near, range): (&[Vec<usize>], Vec<usize>) = if forward {
            (pred, (1..columns.len()).collect())
        } else {
            (succ, (0..columns.len().saturating_sub(1)).rev().collect())
        };
        for l in range {
            let mut keyed: Vec<(f64, usize)> = columns[l]
                .iter()
                .map(|&v| {
                    let (sum, n) = near[v]
                        .iter()
                        .filter(|&&u| if forward { layer[u] < l } else { layer[u] > l })
                        .fold((0.0, 0usize), |(s, n), &u| (s + centre[u], n + 1));
                    (if n > 0 { sum / n as f64 } else { centre[v] }, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            columns[l] = keyed.into_iter().map(|(_, v)| v).collect();
            centre_of(&columns[l], &mut centre);
        }
    }
}

/// Routes within a column are drawn as brackets; adjacent swaps that
/// shorten them keep those brackets short. Nodes with many such routes stay
/// put so each pass stays linear.
fn tighten(columns: &mut [Vec<usize>], layer: &[usize], succ: &[Vec<usize>], pred: &[Vec<usize>]) {
    const BUSY: usize = 16;
    let flat: Vec<Vec<usize>> = (0..layer.len())
        .map(|v| {
            let mates = succ[v]
                .iter()
                .chain(&pred[v])
                .filter(|&&u| layer[u] == layer[v]);
            mates.take(BUSY + 1).copied().collect()
        })
        .collect();
    let mut pos = vec![0usize; layer.len()];
    for c in columns.iter() {
        for (i, &v) in c.iter().enumerate() {
            pos[v] = i;
        }
    }
    // Bracket length from `v`, placed at `at`, to its mates other than `skip`.
    let cost = |pos: &[usize], v: usize, at: usize, skip: usize| -> usize {
        flat[v]
            .iter()
            .filter(|&&u| u != skip)
            .map(|&u| at.abs_diff(pos[u]))
            .sum()
    };
    for _ in 0..2 {
        for column in columns.iter_mut() {
            for i in 1..column.len() {
                let (a, b) = (column[i - 1], column[i]);
                if flat[a].len() > BUSY
                    || flat[b].len() > BUSY
                    || flat[a].len() + flat[b].len() == 0
                {
                    continue;
                }
                let now = cost(&pos, a, i - 1, b) + cost(&pos, b, i, a);
                let swapped = cost(&pos, a, i, b) + cost(&pos, b, i - 1, a);
                if swapped < now {
                    column.swap(i - 1, i);
                    (pos[a], pos[b]) = (i, i - 1);
                }
            }
        }
    }
}

/// Positions relative to the column's middle, so columns of different
/// sizes compare.
fn centre_of(column: &[usize], centre: &mut [f64]) {
    let mid = (column.len() as f64 - 1.0) / 2.0;
    for (i, &v) in column.iter().enumerate() {
        centre[v] = i as f64 - mid;
    }
}

fn node_group(out: &mut String, node: &Node, s: &Shape, mark: Option<&Mark>) {
    let family = Family::of_node(node);
    let stroke = mark.and_then(Mark::outline).and_then(severity_colour);
    let (colour, stroke_w) = stroke.map_or((STROKE, 1.2), |c| (c, 3.0));
    let _ = writeln!(
        out,
        "<g class=\"node\" id=\"node-{}\">",
        escape_xml(node.id())
    );

    let mut title = node.ast.label.value.to_string();
    let _ = write!(title, "\nkind: {}", node.kind().unwrap_or("none"));
    let criteria: Vec<String> = node.requires().map(super::criterion).collect();
    if !criteria.is_empty() {
        let _ = write!(title, "\nrequires: {}", criteria.join(", "));
    }
    if let Some(m) = mark {
        let _ = write!(title, "\nfindings ({}): {}", m.severity, rule_line(m));
    }
    let _ = writeln!(out, "<title>{}</title>", escape_xml(&title));

    let rx = match node.node_kind() {
        NodeKind::Entry => s.h / 2.0,
        NodeKind::Service | NodeKind::Exit => 6.0,
    };
    let _ = writeln!(
        out,
        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"{rx:.1}\" fill=\"{}\" stroke=\"{colour}\" stroke-width=\"{stroke_w}\"/>",
        s.x, s.y, s.w, s.h, family.fill()
    );
    if node.node_kind() == NodeKind::Exit {
        // A second outline marks the way out, as a double circle would.
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"4\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1\"/>",
            s.x + 4.0, s.y + 4.0, s.w - 8.0, s.h - 8.0
        );
    }
    let cx = s.x + s.w / 2.0;
    for (i, line) in s.label.iter().enumerate() {
        let y = s.y + PAD_Y + LINE * i as f64 + 12.0;
        let _ = writeln!(
            out,
            "<text x=\"{cx:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" fill=\"#111827\">{}</text>",
            escape_xml(line)
        );
    }
    if let Some(kind) = &s.kind {
        let y = s.y + PAD_Y + LINE * s.label.len() as f64 + 10.0;
        let _ = writeln!(out, "<text x=\"{cx:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" font-size=\"{SMALL}\" font-style=\"italic\" fill=\"#4b5563\">{}</text>", escape_xml(kind));
    }
    let below_kind =
        s.y + PAD_Y + LINE * s.label.len() as f64 + if s.kind.is_some() { SMALL_LINE } else { 0.0 };
    for (i, line) in s.criteria.iter().enumerate() {
        let y = below_kind + SMALL_LINE * i as f64 + 10.0;
        let _ = writeln!(out, "<text class=\"requires\" x=\"{cx:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" font-size=\"{SMALL}\" fill=\"#4b5563\">{}</text>", escape_xml(line));
    }
    let rule_colour = stroke.unwrap_or("#4b5563");
    for (i, line) in s.rules.iter().enumerate() {
        let y = s.y + s.h + 4.0 + SMALL + SMALL_LINE * i as f64;
        let _ = writeln!(out, "<text class=\"rules\" x=\"{cx:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" font-size=\"{SMALL}\" font-weight=\"bold\" fill=\"{rule_colour}\">{}</text>", escape_xml(line));
    }
    out.push_str("</g>\n");
}

fn edge(out: &mut String, e: &Edge, route: &Route, path: &Path) {
    let sev = route.mark.and_then(Mark::outline);
    let colour = sev.and_then(severity_colour).unwrap_or(STROKE);
    let arrow = match sev {
        Some(Severity::Error) => "arrow-error",
        Some(Severity::Warning) => "arrow-warning",
        _ => "arrow",
    };
    let width = if sev.is_some() { 2.5 } else { 1.3 };
    let dash = if path.dashed {
        " stroke-dasharray=\"6 4\""
    } else {
        ""
    };
    out.push_str("<g class=\"edge\">\n");
    let mut title = format!("{} → {}", e.source_ident().name, e.target_ident().name);
    for l in route_lines(e.route) {
        title.push('\n');
        title.push_str(&l);
    }
    if let Some(m) = route.mark {
        let _ = write!(title, "\nfindings ({}): {}", m.severity, rule_line(m));
    }
    let _ = writeln!(out, "<title>{}</title>", escape_xml(&title));
    let _ = writeln!(
        out,
        "<path d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash} marker-end=\"url(#{arrow})\"/>",
        path.d()
    );
    let anchor = if path.middle { "middle" } else { "start" };
    let text_colour = if sev.is_some() { colour } else { "#374151" };
    for (k, line) in route.lines.iter().enumerate() {
        let y = path.at.1 + SMALL_LINE * k as f64;
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\" font-size=\"{SMALL}\" fill=\"{text_colour}\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
            path.at.0,
            escape_xml(line)
        );
    }
    out.push_str("</g>\n");
}

fn defs() -> String {
    let mut out = String::from("<defs>\n");
    for (id, colour) in [
        ("arrow", STROKE),
        ("arrow-error", "#dc2626"),
        ("arrow-warning", "#d97706"),
    ] {
        let _ = writeln!(
            out,
            "<marker id=\"{id}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"10\" markerHeight=\"10\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    out
}

/// The families in this pathway with the kinds used, the shapes, and the
/// outline colours in use. Returns the markup, its width and height.
fn legend(g: &PathwayGraph, marks: &Marks, x: f64, y: f64) -> (String, f64, f64) {
    let mut used: BTreeMap<Family, BTreeSet<&str>> = BTreeMap::new();
    for node in &g.nodes {
        let kinds = used.entry(Family::of_node(node)).or_default();
        kinds.insert(node.kind().unwrap_or("no kind"));
    }
    let mut rows: Vec<(String, String, f64)> = used
        .iter()
        .map(|(f, kinds)| {
            let kinds: Vec<&str> = kinds.iter().copied().collect();
            (
                format!("{}: {}", f.title(), kinds.join(", ")),
                f.fill().to_string(),
                1.0,
            )
        })
        .collect();
    for sev in [Severity::Error, Severity::Warning] {
        if let (true, Some(colour)) = (marks.has(sev), severity_colour(sev)) {
            let text = format!("{sev} finding (rule names under the node or on the route)");
            rows.push((text, colour.to_string(), 3.0));
        }
    }
    let mut out = String::from("<g id=\"legend\">\n");
    let shapes = "rounded ends: entry · box: service · double outline: exit · dashed: route back";
    let _ = writeln!(
        out,
        "<text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"{SMALL}\" fill=\"#374151\">{}</text>",
        y + 10.0,
        escape_xml(shapes)
    );
    let mut w = width(shapes, SMALL_CHAR);
    for (i, (text, colour, stroke_w)) in rows.iter().enumerate() {
        let top = y + 18.0 * (i + 1) as f64;
        let (fill, stroke) = if *stroke_w > 1.0 {
            ("#ffffff", colour.as_str())
        } else {
            (colour.as_str(), STROKE)
        };
        let _ = writeln!(
            out,
            "<rect x=\"{x:.1}\" y=\"{top:.1}\" width=\"14\" height=\"12\" rx=\"2\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{stroke_w}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{SMALL}\" fill=\"#111827\">{}</text>",
            x + 22.0,
            top + 10.0,
            escape_xml(text)
        );
        w = w.max(22.0 + width(text, SMALL_CHAR));
    }
    out.push_str("</g>\n");
    (out, w, 18.0 * (rows.len() + 1) as f64)
}

fn width(text: &str, per_char: f64) -> f64 {
    text.chars().count() as f64 * per_char
}

fn widest(lines: &[String], per_char: f64) -> f64 {
    lines.iter().map(|l| width(l, per_char)).fold(0.0, f64::max)
}

/// Each line of `text` wrapped to `max` characters.
fn wrap_lines(text: &str, max: usize) -> Vec<String> {
    text.lines().flat_map(|l| wrap(l, max)).collect()
}

/// Greedy word wrap; words longer than a line are split by characters.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split_whitespace() {
        let chars: Vec<char> = word.chars().collect();
        for piece in chars.chunks(max.max(1)) {
            if len > 0 && len + 1 + piece.len() > max {
                lines.push(std::mem::take(&mut line));
                len = 0;
            }
            if len > 0 {
                line.push(' ');
                len += 1;
            }
            line.extend(piece);
            len += piece.len();
        }
    }
    if len > 0 {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_words_and_splits_long_ones() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("abcdefg", 3), ["abc", "def", "g"]);
        assert!(wrap("   ", 3).is_empty());
    }
}
