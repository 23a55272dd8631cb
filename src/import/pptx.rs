//! PowerPoint decks (`.pptx`): a zip package whose slides are
//! `ppt/slides/slideN.xml`, in the order `ppt/presentation.xml` lists them
//! (through its relationships), or by their numbers when it lists none.
//! Each slide holding a flowchart, at least one connector joining two
//! shapes, is a page named after the slide's title; other slides (a title
//! slide, a list of bullets) are passed over.
//!
//! On a slide, `p:sp` elements are shapes: the text of their runs (`a:t`),
//! paragraph by paragraph, and their preset geometry (`a:prstGeom`) read
//! as a [`Form`]. `p:cxnSp` elements are connectors, from the shape their
//! `a:stCxn` names to the one their `a:endCxn` names (turned round when
//! only the start end has an arrowhead); so are `p:sp` elements of a line
//! or connector geometry with no text, as LibreOffice saves a line drawn
//! with Impress's line tool, though glued to nothing. A connector not
//! glued at both ends is a link from or to nothing, which the pathway
//! leaves out with a comment. PowerPoint connectors carry no text, so a
//! label is a text box drawn on one: a text box joined to nothing that
//! lies on a connector glued at both ends becomes its text: on its path,
//! for a straight or elbow connector (`bentConnector2` to `5`, flipped and
//! turned as its `a:xfrm` says, its bends where its `adj` guides put them,
//! outside its box when they are negative or over 100%, as LibreOffice
//! writes them), or within the box its control points span, for a curved
//! one. Other unjoined text boxes are notes. Shapes inside groups are read
//! as if ungrouped (but their text boxes are not matched to connectors,
//! their positions being in the group's own coordinates); the title, date,
//! footer and slide number placeholders are not shapes.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::package::{attribute, number_in, relationships, Package};
use super::{Form, Link, Page, Shape};

/// Reads every slide that holds a flowchart.
pub fn read(bytes: &[u8]) -> Result<Vec<Page>, String> {
    let mut package = Package::open(bytes, "a PowerPoint file")?;
    let slides = slide_parts(&mut package)?;
    if slides.is_empty() {
        return Err(
            "it is not a PowerPoint file: it has no slides (no ppt/slides/slideN.xml)".to_string(),
        );
    }
    let mut pages = Vec::new();
    let mut count = 0;
    for (n, name) in slides.iter().enumerate() {
        let Some(xml) = package.text(name)? else {
            continue;
        };
        let page = slide(&xml, &mut count).map_err(|why| format!("slide {} {why}", n + 1))?;
        if holds_flowchart(&page) {
            pages.push(page);
        }
    }
    if pages.is_empty() {
        return Err(format!(
            "{} a flowchart (shapes joined by connectors that are glued to them at both ends)",
            match slides.len() {
                1 => "its one slide does not hold".to_string(),
                n => format!("none of its {n} slides holds"),
            }
        ));
    }
    Ok(pages)
}

/// The slide parts in presentation order.
fn slide_parts(package: &mut Package<'_>) -> Result<Vec<String>, String> {
    let names = package.names();
    let listed = match package.text("ppt/presentation.xml")? {
        Some(xml) => {
            let ids = slide_ids(&xml)?;
            let rels = relationships(package, "ppt/presentation.xml")?;
            ids.iter()
                .filter_map(|id| rels.iter().find(|(r, _)| r == id).map(|(_, t)| t.clone()))
                .filter(|t| names.contains(t))
                .collect()
        }
        None => Vec::new(),
    };
    if !listed.is_empty() {
        return Ok(listed);
    }
    let mut numbered: Vec<(u64, String)> = names
        .into_iter()
        .filter(|n| n.starts_with("ppt/slides/slide") && n.ends_with(".xml"))
        .filter_map(|n| number_in(&n).map(|k| (k, n)))
        .collect();
    numbered.sort();
    Ok(numbered.into_iter().map(|(_, n)| n).collect())
}

/// The relationship IDs of `p:sldIdLst`, in order.
fn slide_ids(xml: &str) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader
            .read_event()
            .map_err(|e| format!("its ppt/presentation.xml is malformed XML: {e}"))?
        {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"sldId" => {
                // `r:id`: the namespaced attribute, not the numeric `id`.
                let rid = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.as_ref().ends_with(b":id"))
                    .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                if let Some(rid) = rid {
                    out.push(rid);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Whether a page has a connector joining two of its shapes.
fn holds_flowchart(page: &Page) -> bool {
    let ids: std::collections::HashSet<&str> = page
        .shapes
        .iter()
        .filter(|s| s.form != Form::Note)
        .map(|s| s.id.as_str())
        .collect();
    page.links
        .iter()
        .any(|l| ids.contains(l.from.as_str()) && ids.contains(l.to.as_str()))
}

/// A position in EMUs: offset, extent, flips and rotation (in 60,000ths
/// of a degree), as `a:xfrm` gives it.
#[derive(Debug, Clone, Copy, Default)]
struct Place {
    x: f64,
    y: f64,
    cx: f64,
    cy: f64,
    flip_h: bool,
    flip_v: bool,
    rot: f64,
}

/// A `p:sp` or `p:cxnSp` as read.
#[derive(Default)]
struct Item {
    connector: bool,
    id: String,
    text_box: bool,
    placeholder: Option<String>,
    geometry: String,
    paragraphs: Vec<String>,
    start: Option<String>,
    end: Option<String>,
    head_arrow: bool,
    tail_arrow: bool,
    place: Option<Place>,
    /// The preset geometry's adjust values (`a:gd name="adj1" fmla="val
    /// 50000"`), in 100,000ths of the box.
    adjust: Vec<(String, f64)>,
    grouped: bool,
    in_text: bool,
}

/// The shapes and connectors of one slide; `count` is the running total
/// of the file's, held to [`super::MAX_SHAPES`].
fn slide(xml: &str, count: &mut usize) -> Result<Page, String> {
    let mut reader = Reader::from_str(xml);
    let mut seen_root = false;
    let mut groups = 0usize;
    let mut fallback = 0usize;
    let mut item: Option<Item> = None;
    let mut items: Vec<Item> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("is malformed XML: {e}"))?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) if !seen_root => {
                seen_root = true;
                if e.local_name().as_ref() != b"sld" {
                    return Err(format!(
                        "is not a slide: it starts with <{}>, not <p:sld>",
                        String::from_utf8_lossy(e.local_name().as_ref())
                    ));
                }
            }
            // A copy for programs that do not know the content before it.
            Event::Start(e) if e.local_name().as_ref() == b"Fallback" => fallback += 1,
            Event::End(e) if e.local_name().as_ref() == b"Fallback" => {
                fallback = fallback.saturating_sub(1);
            }
            _ if fallback > 0 => {}
            Event::Start(e) if e.local_name().as_ref() == b"grpSp" => groups += 1,
            Event::End(e) if e.local_name().as_ref() == b"grpSp" => {
                groups = groups.saturating_sub(1);
            }
            Event::Start(e) if matches!(e.local_name().as_ref(), b"sp" | b"cxnSp") => {
                item = Some(Item {
                    connector: e.local_name().as_ref() == b"cxnSp",
                    grouped: groups > 0,
                    ..Item::default()
                });
            }
            Event::End(e) if matches!(e.local_name().as_ref(), b"sp" | b"cxnSp") => {
                if let Some(it) = item.take() {
                    items.push(it);
                    *count += 1;
                    super::too_many(*count)?;
                }
            }
            Event::Start(e) | Event::Empty(e) => {
                if let Some(it) = item.as_mut() {
                    element(it, &e, empty);
                }
            }
            Event::End(e) => {
                if let Some(it) = item.as_mut() {
                    if e.local_name().as_ref() == b"t" {
                        it.in_text = false;
                    }
                }
            }
            Event::Text(t) => {
                if let Some(it) = item.as_mut().filter(|it| it.in_text) {
                    let t = t.decode().map_err(|e| format!("is malformed XML: {e}"))?;
                    push_text(it, &t);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(it) = item.as_mut().filter(|it| it.in_text) {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        push_text(it, &c.to_string());
                    } else if let Ok(name) = r.decode() {
                        let s = quick_xml::escape::resolve_predefined_entity(&name).unwrap_or("");
                        push_text(it, s);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err("holds no XML".to_string());
    }
    Ok(page_of(items))
}

fn push_text(it: &mut Item, t: &str) {
    match it.paragraphs.last_mut() {
        Some(p) => p.push_str(t),
        None => it.paragraphs.push(t.to_string()),
    }
}

/// What an element inside a shape or connector says about it.
fn element(it: &mut Item, e: &BytesStart<'_>, empty: bool) {
    let num = |k: &[u8]| {
        attribute(e, k)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    match e.local_name().as_ref() {
        b"cNvPr" if it.id.is_empty() => it.id = attribute(e, b"id").unwrap_or_default(),
        b"cNvSpPr" => it.text_box = attribute(e, b"txBox").as_deref() == Some("1"),
        b"ph" => it.placeholder = Some(attribute(e, b"type").unwrap_or_default()),
        b"prstGeom" => it.geometry = attribute(e, b"prst").unwrap_or_default(),
        b"custGeom" => it.geometry = "custom".to_string(),
        b"gd" => {
            let value = attribute(e, b"fmla")
                .and_then(|f| f.strip_prefix("val ").and_then(|v| v.trim().parse().ok()));
            if let (Some(name), Some(value)) = (attribute(e, b"name"), value) {
                it.adjust.push((name, value));
            }
        }
        b"stCxn" => it.start = attribute(e, b"id"),
        b"endCxn" => it.end = attribute(e, b"id"),
        b"headEnd" => it.head_arrow = attribute(e, b"type").is_some_and(|t| t != "none"),
        b"tailEnd" => it.tail_arrow = attribute(e, b"type").is_some_and(|t| t != "none"),
        b"xfrm" if it.place.is_none() => {
            it.place = Some(Place {
                flip_h: attribute(e, b"flipH").as_deref() == Some("1"),
                flip_v: attribute(e, b"flipV").as_deref() == Some("1"),
                rot: num(b"rot"),
                ..Place::default()
            });
        }
        b"off" => {
            if let Some(p) = it.place.as_mut() {
                p.x = num(b"x");
                p.y = num(b"y");
            }
        }
        b"ext" => {
            if let Some(p) = it.place.as_mut() {
                if attribute(e, b"cx").is_some() {
                    p.cx = num(b"cx");
                    p.cy = num(b"cy");
                }
            }
        }
        b"p" => it.paragraphs.push(String::new()),
        b"br" => push_text(it, "\n"),
        b"t" if !empty => it.in_text = true,
        _ => {}
    }
}

/// Placeholders that are the slide's furniture, not its drawing.
fn furniture(kind: &str) -> bool {
    matches!(kind, "dt" | "ftr" | "sldNum" | "hdr")
}

fn is_title(kind: &str) -> bool {
    matches!(kind, "title" | "ctrTitle")
}

/// Whether a preset geometry is a line or connector, however the shape
/// holding it is written.
fn line_geometry(geometry: &str) -> bool {
    geometry == "line"
        || geometry.starts_with("straightConnector")
        || geometry.starts_with("bentConnector")
        || geometry.starts_with("curvedConnector")
}

/// A shape's form by its preset geometry.
fn form_of(geometry: &str) -> Form {
    match geometry {
        "flowChartDecision" | "diamond" => Form::Decision,
        "flowChartTerminator" | "ellipse" | "flowChartConnector" | "flowChartOffpageConnector" => {
            Form::Terminal
        }
        g if g.ends_with("Callout") || g.starts_with("wedge") || g == "foldedCorner" => Form::Note,
        _ => Form::Process,
    }
}

fn page_of(items: Vec<Item>) -> Page {
    let mut page = Page::default();
    let text = |it: &Item| {
        it.paragraphs
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    // Connectors, and lines drawn as shapes: LibreOffice saves a line
    // drawn with Impress's line tool as a `p:sp` of `line` geometry.
    let is_line = |it: &Item| {
        it.connector
            || (it.placeholder.is_none() && line_geometry(&it.geometry) && text(it).is_empty())
    };
    let joined: std::collections::HashSet<&str> = items
        .iter()
        .filter(|it| is_line(it))
        .flat_map(|it| it.start.iter().chain(it.end.iter()))
        .map(String::as_str)
        .collect();
    // Connectors: their links, and their line on the slide for labels. One
    // glued at one end or none is a link from or to nothing, left out of
    // the pathway with a comment saying so; labels are matched only to
    // those glued at both ends.
    let mut lines: Vec<Option<Line>> = Vec::new();
    for it in items.iter().filter(|it| is_line(it)) {
        let (a, b) = (
            it.start.clone().unwrap_or_default(),
            it.end.clone().unwrap_or_default(),
        );
        let glued = !a.is_empty() && !b.is_empty();
        let (from, to) = if it.head_arrow && !it.tail_arrow {
            (b, a)
        } else {
            (a, b)
        };
        page.links.push(Link {
            id: it.id.clone(),
            from,
            to,
            text: String::new(),
        });
        lines.push(
            it.place
                .filter(|_| !it.grouped && glued)
                .map(|p| path(&p, &it.geometry, &it.adjust)),
        );
    }
    for it in items.iter().filter(|it| !is_line(it)) {
        let kind = it.placeholder.as_deref().unwrap_or("");
        let body = text(it);
        if is_title(kind) {
            if page.name.is_empty() {
                page.name = body;
            }
            continue;
        }
        if furniture(kind) || it.id.is_empty() {
            continue;
        }
        let form = form_of(&it.geometry);
        // Without text, only a shape a connector joins is part of the flow.
        if body.is_empty() && form != Form::Decision && !joined.contains(it.id.as_str()) {
            continue;
        }
        if it.text_box && !joined.contains(it.id.as_str()) {
            // A label drawn on a connector, or a note.
            if let Some(k) = it
                .place
                .filter(|_| !it.grouped)
                .and_then(|p| on_line(&p, &lines))
            {
                let l = &mut page.links[k];
                if l.text.is_empty() {
                    l.text = body;
                } else {
                    l.text = format!("{}\n{body}", l.text);
                }
                continue;
            }
            page.shapes.push(Shape {
                id: it.id.clone(),
                text: body,
                form: Form::Note,
            });
            continue;
        }
        page.shapes.push(Shape {
            id: it.id.clone(),
            text: body,
            form,
        });
    }
    page
}

/// A point of a connector's box, given from its top left corner before
/// flipping, where it lies on the slide: flipped and rotated about the
/// box's centre as `a:xfrm` says.
fn on_slide(p: &Place, (lx, ly): (f64, f64)) -> (f64, f64) {
    let x = p.x + if p.flip_h { p.cx - lx } else { lx };
    let y = p.y + if p.flip_v { p.cy - ly } else { ly };
    if p.rot == 0.0 {
        return (x, y);
    }
    let (cx, cy) = (p.x + p.cx / 2.0, p.y + p.cy / 2.0);
    let a = (p.rot / 60_000.0).to_radians();
    let (dx, dy) = (x - cx, y - cy);
    (
        cx + dx * a.cos() - dy * a.sin(),
        cy + dx * a.sin() + dy * a.cos(),
    )
}

/// A connector's line on the slide, from its start to its end: through
/// the bends of an elbow connector (the path DrawingML's preset
/// `bentConnectorN` defines, its bends at its `adjN` guides, 50% when
/// not given), or along the control points of a curved one, which the
/// curve stays within the box of.
fn path(p: &Place, geometry: &str, adjust: &[(String, f64)]) -> Line {
    let (w, h) = (p.cx, p.cy);
    let adj = |n: &str| {
        adjust
            .iter()
            .find(|(k, _)| k == n)
            .map_or(50_000.0, |(_, v)| *v)
            / 100_000.0
    };
    let (x1, y2, x3) = (w * adj("adj1"), h * adj("adj2"), w * adj("adj3"));
    let kind = geometry
        .strip_prefix("bentConnector")
        .map(|n| (n, true))
        .or_else(|| geometry.strip_prefix("curvedConnector").map(|n| (n, false)));
    let (local, exact) = match kind {
        Some(("2", exact)) => (vec![(0.0, 0.0), (w, 0.0), (w, h)], exact),
        Some(("3", exact)) => (vec![(0.0, 0.0), (x1, 0.0), (x1, h), (w, h)], exact),
        Some(("4", exact)) => (
            vec![(0.0, 0.0), (x1, 0.0), (x1, y2), (w, y2), (w, h)],
            exact,
        ),
        Some(("5", exact)) => (
            vec![(0.0, 0.0), (x1, 0.0), (x1, y2), (x3, y2), (x3, h), (w, h)],
            exact,
        ),
        // Straight connectors and lines, and shapes of other geometry
        // joined as connectors: from one corner of the box to the other.
        _ => (vec![(0.0, 0.0), (w, h)], true),
    };
    Line {
        points: local.into_iter().map(|q| on_slide(p, q)).collect(),
        exact,
    }
}

/// A connector's line on the slide: the points it passes through, and
/// whether it runs straight from each to the next (a curve only stays
/// within the box they span).
#[derive(Debug, Clone)]
struct Line {
    points: Vec<(f64, f64)>,
    exact: bool,
}

/// How near a label must be to a connector to be its label: a tenth of an
/// inch, in EMUs.
const NEAR: f64 = 91_440.0;

/// The point halfway along a line, where a label is put on it.
fn middle(points: &[(f64, f64)]) -> (f64, f64) {
    let length = |(a, b): ((f64, f64), (f64, f64))| (b.0 - a.0).hypot(b.1 - a.1);
    let segments = || points.windows(2).map(|w| (w[0], w[1]));
    let mut left = segments().map(length).sum::<f64>() / 2.0;
    for (a, b) in segments() {
        let l = length((a, b));
        if l > 0.0 && left <= l {
            let t = left / l;
            return (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        }
        left -= l;
    }
    points.first().copied().unwrap_or_default()
}

/// The connector a text box at `p` lies on, if any: of those whose line
/// (or, for a curve, whose box) comes within [`NEAR`] of the text box, the
/// one whose middle is nearest the text box's centre.
fn on_line(p: &Place, lines: &[Option<Line>]) -> Option<usize> {
    let (left, top, right, bottom) = (p.x - NEAR, p.y - NEAR, p.x + p.cx + NEAR, p.y + p.cy + NEAR);
    let inside = |(x, y): (f64, f64)| x >= left && x <= right && y >= top && y <= bottom;
    let centre = (p.x + p.cx / 2.0, p.y + p.cy / 2.0);
    let mut best: Option<(f64, usize)> = None;
    for (k, line) in lines.iter().enumerate() {
        let Some(Line { points, exact }) = line else {
            continue;
        };
        let segments = || points.windows(2).map(|w| (w[0], w[1]));
        let touches = if *exact {
            segments().any(|(a, b)| {
                (0..=64).any(|i| {
                    let t = f64::from(i) / 64.0;
                    inside((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t))
                })
            })
        } else {
            let xs = points.iter().map(|q| q.0);
            let ys = points.iter().map(|q| q.1);
            xs.clone().fold(f64::INFINITY, f64::min) <= right
                && xs.fold(f64::NEG_INFINITY, f64::max) >= left
                && ys.clone().fold(f64::INFINITY, f64::min) <= bottom
                && ys.fold(f64::NEG_INFINITY, f64::max) >= top
        };
        if !touches {
            continue;
        }
        let mid = middle(points);
        let d = (mid.0 - centre.0).hypot(mid.1 - centre.1);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLIDE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree>
<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>
<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:p><a:r><a:t>Knees</a:t></a:r></a:p></p:txBody></p:sp>
<p:sp><p:nvSpPr><p:cNvPr id="3" name="GP"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="100" cy="100"/></a:xfrm><a:prstGeom prst="flowChartTerminator"/></p:spPr><p:txBody><a:p><a:r><a:t>GP </a:t></a:r><a:r><a:t>practice</a:t></a:r></a:p></p:txBody></p:sp>
<p:sp><p:nvSpPr><p:cNvPr id="4" name="D"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:prstGeom prst="flowChartDecision"/></p:spPr><p:txBody><a:p><a:r><a:t>BMI &lt; 40?</a:t></a:r></a:p><a:p><a:r><a:t>second</a:t></a:r><a:br/><a:r><a:t>line</a:t></a:r></a:p></p:txBody></p:sp>
<p:cxnSp><p:nvCxnSpPr><p:cNvPr id="5" name="C"/><p:cNvCxnSpPr><a:stCxn id="3" idx="2"/><a:endCxn id="4" idx="0"/></p:cNvCxnSpPr><p:nvPr/></p:nvCxnSpPr><p:spPr><a:xfrm flipV="1"><a:off x="1000000" y="1000000"/><a:ext cx="2000000" cy="1000000"/></a:xfrm><a:prstGeom prst="straightConnector1"/></p:spPr></p:cxnSp>
<p:sp><p:nvSpPr><p:cNvPr id="6" name="L"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="1900000" y="1400000"/><a:ext cx="300000" cy="200000"/></a:xfrm><a:prstGeom prst="rect"/></p:spPr><p:txBody><a:p><a:r><a:t>after 6 weeks</a:t></a:r></a:p></p:txBody></p:sp>
<p:sp><p:nvSpPr><p:cNvPr id="7" name="N"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="9000000" y="9000000"/><a:ext cx="300000" cy="200000"/></a:xfrm><a:prstGeom prst="rect"/></p:spPr><p:txBody><a:p><a:r><a:t>Owner: Example ICB</a:t></a:r></a:p></p:txBody></p:sp>
<p:sp><p:nvSpPr><p:cNvPr id="8" name="N"/><p:cNvSpPr/><p:nvPr><p:ph type="sldNum"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:p><a:r><a:t>3</a:t></a:r></a:p></p:txBody></p:sp>
</p:spTree></p:cSld></p:sld>"#;

    #[test]
    fn a_slide_of_shapes_connectors_and_labels() {
        let mut count = 0;
        let page = slide(SLIDE, &mut count).unwrap();
        assert_eq!(page.name, "Knees");
        let shapes: Vec<(&str, &str, Form)> = page
            .shapes
            .iter()
            .map(|s| (s.id.as_str(), s.text.as_str(), s.form))
            .collect();
        assert_eq!(
            shapes,
            [
                ("3", "GP practice", Form::Terminal),
                ("4", "BMI < 40?\nsecond\nline", Form::Decision),
                ("7", "Owner: Example ICB", Form::Note),
            ]
        );
        assert_eq!(
            page.links,
            [Link {
                id: "5".into(),
                from: "3".into(),
                to: "4".into(),
                text: "after 6 weeks".into()
            }]
        );
        assert!(holds_flowchart(&page));
    }

    #[test]
    fn an_arrowhead_at_the_start_turns_a_connector_round() {
        let xml = SLIDE.replace(
            "<a:prstGeom prst=\"straightConnector1\"/>",
            "<a:prstGeom prst=\"straightConnector1\"/><a:ln><a:headEnd type=\"triangle\"/></a:ln>",
        );
        let page = slide(&xml, &mut 0).unwrap();
        assert_eq!(
            (page.links[0].from.as_str(), page.links[0].to.as_str()),
            ("4", "3")
        );
    }

    /// A connector glued at one end, and a line drawn as a shape (as
    /// LibreOffice saves Impress's line tool), glued at neither: each a
    /// link from or to nothing, which the pathway leaves out with a
    /// comment; a text box on them stays a note.
    #[test]
    fn loose_connectors_and_lines_are_links_to_nothing() {
        let loose = r#"<p:cxnSp><p:nvCxnSpPr><p:cNvPr id="9" name="C2"/><p:cNvCxnSpPr><a:stCxn id="3" idx="2"/></p:cNvCxnSpPr><p:nvPr/></p:nvCxnSpPr><p:spPr><a:xfrm><a:off x="5000000" y="5000000"/><a:ext cx="100" cy="100"/></a:xfrm><a:prstGeom prst="straightConnector1"/></p:spPr></p:cxnSp>
<p:sp><p:nvSpPr><p:cNvPr id="10" name="Line"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="8900000" y="9000000"/><a:ext cx="100000" cy="100000"/></a:xfrm><a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln><a:tailEnd type="triangle"/></a:ln></p:spPr><p:txBody><a:bodyPr/><a:p><a:endParaRPr/></a:p></p:txBody></p:sp>
</p:spTree>"#;
        let xml = SLIDE.replace("</p:spTree>", loose);
        let page = slide(&xml, &mut 0).unwrap();
        let links: Vec<(&str, &str, &str)> = page
            .links
            .iter()
            .map(|l| (l.id.as_str(), l.from.as_str(), l.to.as_str()))
            .collect();
        assert_eq!(links, [("5", "3", "4"), ("9", "3", ""), ("10", "", "")]);
        assert_eq!(page.links[0].text, "after 6 weeks");
        // The note lies on the line, which is glued to nothing.
        assert!(page
            .shapes
            .iter()
            .any(|s| s.id == "7" && s.form == Form::Note));
        assert!(page.shapes.iter().all(|s| s.id != "10"));
        assert!(holds_flowchart(&page));
    }

    #[test]
    fn not_a_slide() {
        assert!(slide("<html/>", &mut 0)
            .unwrap_err()
            .contains("not a slide"));
        assert!(slide("<p:sld><p:cSld>", &mut 0).is_ok_and(|p| p.shapes.is_empty()));
        assert!(read(b"PK\x03\x04 broken")
            .unwrap_err()
            .contains("not a readable zip"));
    }

    #[test]
    fn a_label_is_matched_to_the_nearest_line_it_touches() {
        let label = Place {
            x: 900_000.0,
            y: 400_000.0,
            cx: 200_000.0,
            cy: 200_000.0,
            ..Place::default()
        };
        let line = |points: &[(f64, f64)], exact| {
            Some(Line {
                points: points.to_vec(),
                exact,
            })
        };
        // A diagonal through the label's box, and one that passes by.
        let lines = [
            line(&[(0.0, 2_000_000.0), (2_000_000.0, 2_000_000.0)], true),
            line(&[(0.0, 0.0), (2_000_000.0, 1_000_000.0)], true),
            None,
        ];
        assert_eq!(on_line(&label, &lines), Some(1));
        // A curve is known by the box its control points span.
        let curve = [line(
            &[(1_150_000.0, 0.0), (3_000_000.0, 3_000_000.0)],
            false,
        )];
        assert_eq!(on_line(&label, &curve), Some(0));
        let far = [line(
            &[(2_000_000.0, 0.0), (3_000_000.0, 3_000_000.0)],
            false,
        )];
        assert_eq!(on_line(&label, &far), None);
        // An elbow by its path: its box holds the label, its path does not
        // come near it; then one whose bend runs through the label.
        let elbow = [line(
            &[(0.0, 0.0), (3_000_000.0, 0.0), (3_000_000.0, 3_000_000.0)],
            true,
        )];
        assert_eq!(on_line(&label, &elbow), None);
        let bent = [line(
            &[(0.0, 0.0), (1_000_000.0, 0.0), (1_000_000.0, 3_000_000.0)],
            true,
        )];
        assert_eq!(on_line(&label, &bent), Some(0));
    }

    fn near(a: (f64, f64), b: (f64, f64)) -> bool {
        (a.0 - b.0).abs() < 1.0 && (a.1 - b.1).abs() < 1.0
    }

    #[test]
    fn rotated_connectors_turn_about_their_centre() {
        let p = Place {
            x: 0.0,
            y: 0.0,
            cx: 2.0,
            cy: 0.0,
            rot: 5_400_000.0,
            ..Place::default()
        };
        let points = path(&p, "straightConnector1", &[]).points;
        assert!(near(points[0], (1.0, -1.0)), "{points:?}");
        assert!(near(points[1], (1.0, 1.0)), "{points:?}");
    }

    /// An elbow connector as LibreOffice Impress saves one (from
    /// fixtures/import/hip-knee-oa-libreoffice.pptx): from the bottom of
    /// one box to the bottom of another, turned a quarter, flipped both
    /// ways, its bend a negative adjust that takes it below both boxes,
    /// outside its own.
    #[test]
    fn an_elbow_connector_follows_its_bends_outside_its_box() {
        let p = Place {
            x: 6_372_000.0,
            y: 2_628_000.0,
            cx: 216_360.0,
            cy: 3_600_360.0,
            flip_h: true,
            flip_v: true,
            rot: 5_400_000.0,
        };
        let line = path(&p, "bentConnector3", &[("adj1".to_string(), -85_833.0)]);
        let want = [
            (4_680_000.0, 4_536_360.0),
            (4_680_000.0, 4_722_068.0),
            (8_280_360.0, 4_722_068.0),
            (8_280_360.0, 4_320_000.0),
        ];
        assert!(line.exact);
        assert_eq!(line.points.len(), 4);
        for (got, want) in line.points.iter().zip(want) {
            assert!(near(*got, want), "{:?}", line.points);
        }
        // A label under the bend, outside the connector's box, is its.
        let label = Place {
            x: 6_000_000.0,
            y: 4_750_000.0,
            cx: 600_000.0,
            cy: 150_000.0,
            ..Place::default()
        };
        assert_eq!(on_line(&label, &[Some(line)]), Some(0));
    }

    #[test]
    fn elbow_paths_by_their_presets() {
        let p = Place {
            cx: 100.0,
            cy: 50.0,
            ..Place::default()
        };
        let points = |g: &str, adj: &[(&str, f64)]| {
            let adjust: Vec<(String, f64)> =
                adj.iter().map(|(k, v)| ((*k).to_string(), *v)).collect();
            path(&p, g, &adjust).points
        };
        assert_eq!(
            points("bentConnector2", &[]),
            [(0.0, 0.0), (100.0, 0.0), (100.0, 50.0)]
        );
        assert_eq!(
            points("bentConnector3", &[]),
            [(0.0, 0.0), (50.0, 0.0), (50.0, 50.0), (100.0, 50.0)]
        );
        assert_eq!(
            points(
                "bentConnector4",
                &[("adj1", 120_000.0), ("adj2", -20_000.0)]
            ),
            [
                (0.0, 0.0),
                (120.0, 0.0),
                (120.0, -10.0),
                (100.0, -10.0),
                (100.0, 50.0)
            ]
        );
        assert_eq!(points("bentConnector5", &[]).len(), 6);
        let curve = path(&p, "curvedConnector3", &[]);
        assert!(!curve.exact);
        assert_eq!(curve.points.len(), 4);
        assert_eq!(
            points("straightConnector1", &[]),
            [(0.0, 0.0), (100.0, 50.0)]
        );
    }

    #[test]
    fn adjust_values_are_read_from_the_preset_geometry() {
        let xml = SLIDE.replace(
            "<a:prstGeom prst=\"straightConnector1\"/>",
            "<a:prstGeom prst=\"bentConnector3\"><a:avLst><a:gd name=\"adj1\" fmla=\"val -85833\"/></a:avLst></a:prstGeom>",
        );
        let mut reader = Reader::from_str(&xml);
        let mut it = Item::default();
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) | Event::Empty(e) => element(&mut it, &e, false),
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(it.adjust, [("adj1".to_string(), -85_833.0)]);
        // Its bend now lies left of its box, and its legs run along the
        // box's top and bottom: the text box in the middle of the box, off
        // its path, is a note, not its label (the box alone would have
        // said label).
        let page = slide(&xml, &mut 0).unwrap();
        assert_eq!(page.links[0].text, "");
        assert!(page
            .shapes
            .iter()
            .any(|s| s.id == "6" && s.text == "after 6 weeks" && s.form == Form::Note));
    }
}
