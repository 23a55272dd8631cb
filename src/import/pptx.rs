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
//! only the start end has an arrowhead). PowerPoint connectors carry no
//! text, so a label is a text box drawn on one: a text box joined to
//! nothing that lies on a connector becomes its text. Other unjoined text
//! boxes are notes. Shapes inside groups are read as if ungrouped (but
//! their text boxes are not matched to connectors, their positions being
//! in the group's own coordinates); the title, date, footer and slide
//! number placeholders are not shapes.

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
            "none of its {} slides holds a flowchart (shapes joined by connectors that are glued to them at both ends)",
            slides.len()
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
    let joined: std::collections::HashSet<&str> = items
        .iter()
        .filter(|it| it.connector)
        .flat_map(|it| it.start.iter().chain(it.end.iter()))
        .map(String::as_str)
        .collect();
    // Connectors: their links, and their line on the slide for labels.
    let mut lines: Vec<Option<Line>> = Vec::new();
    for it in items.iter().filter(|it| it.connector) {
        let (Some(a), Some(b)) = (&it.start, &it.end) else {
            continue;
        };
        let (from, to) = if it.head_arrow && !it.tail_arrow {
            (b.clone(), a.clone())
        } else {
            (a.clone(), b.clone())
        };
        page.links.push(Link {
            id: it.id.clone(),
            from,
            to,
            text: String::new(),
        });
        let straight = matches!(it.geometry.as_str(), "straightConnector1" | "line" | "");
        lines.push(it.place.filter(|_| !it.grouped).map(|p| {
            let (a, b) = ends(&p);
            Line { a, b, straight }
        }));
    }
    for it in items.iter().filter(|it| !it.connector) {
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
        if body.is_empty() && form != Form::Decision {
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

/// A connector's two ends on the slide: its box's corners, flipped and
/// rotated about the box's centre as `a:xfrm` says.
fn ends(p: &Place) -> ((f64, f64), (f64, f64)) {
    let (mut x0, mut x1) = (p.x, p.x + p.cx);
    let (mut y0, mut y1) = (p.y, p.y + p.cy);
    if p.flip_h {
        std::mem::swap(&mut x0, &mut x1);
    }
    if p.flip_v {
        std::mem::swap(&mut y0, &mut y1);
    }
    if p.rot == 0.0 {
        return ((x0, y0), (x1, y1));
    }
    let (cx, cy) = (p.x + p.cx / 2.0, p.y + p.cy / 2.0);
    let a = (p.rot / 60_000.0).to_radians();
    let turn = |(x, y): (f64, f64)| {
        let (dx, dy) = (x - cx, y - cy);
        (
            cx + dx * a.cos() - dy * a.sin(),
            cy + dx * a.sin() + dy * a.cos(),
        )
    };
    (turn((x0, y0)), turn((x1, y1)))
}

/// A connector's line on the slide: its two ends, and whether it is
/// drawn straight between them (an elbow or curve only stays within the
/// box they span).
#[derive(Debug, Clone, Copy)]
struct Line {
    a: (f64, f64),
    b: (f64, f64),
    straight: bool,
}

/// How near a label must be to a connector to be its label: a tenth of an
/// inch, in EMUs.
const NEAR: f64 = 91_440.0;

/// The connector a text box at `p` lies on, if any: the nearest whose
/// line (or, for an elbow or curve, whose box) comes within [`NEAR`] of
/// the text box.
fn on_line(p: &Place, lines: &[Option<Line>]) -> Option<usize> {
    let (left, top, right, bottom) = (p.x - NEAR, p.y - NEAR, p.x + p.cx + NEAR, p.y + p.cy + NEAR);
    let inside = |(x, y): (f64, f64)| x >= left && x <= right && y >= top && y <= bottom;
    let centre = (p.x + p.cx / 2.0, p.y + p.cy / 2.0);
    let mut best: Option<(f64, usize)> = None;
    for (k, line) in lines.iter().enumerate() {
        let Some(Line { a, b, straight }) = *line else {
            continue;
        };
        let touches = if straight {
            (0..=64).any(|i| {
                let t = f64::from(i) / 64.0;
                inside((a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t))
            })
        } else {
            a.0.min(b.0) <= right
                && a.0.max(b.0) >= left
                && a.1.min(b.1) <= bottom
                && a.1.max(b.1) >= top
        };
        if !touches {
            continue;
        }
        let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
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
        let straight = |a, b| {
            Some(Line {
                a,
                b,
                straight: true,
            })
        };
        // A diagonal through the label's box, and one that passes by.
        let lines = [
            straight((0.0, 2_000_000.0), (2_000_000.0, 2_000_000.0)),
            straight((0.0, 0.0), (2_000_000.0, 1_000_000.0)),
            None,
        ];
        assert_eq!(on_line(&label, &lines), Some(1));
        // An elbow connector is known only by the box it spans.
        let elbow = [Some(Line {
            a: (1_150_000.0, 0.0),
            b: (3_000_000.0, 3_000_000.0),
            straight: false,
        })];
        assert_eq!(on_line(&label, &elbow), Some(0));
        let far = [Some(Line {
            a: (2_000_000.0, 0.0),
            b: (3_000_000.0, 3_000_000.0),
            straight: false,
        })];
        assert_eq!(on_line(&label, &far), None);
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
        let ((x0, y0), (x1, y1)) = ends(&p);
        assert!(
            (x0 - 1.0).abs() < 1e-9 && (y0 + 1.0).abs() < 1e-9,
            "{x0} {y0}"
        );
        assert!(
            (x1 - 1.0).abs() < 1e-9 && (y1 - 1.0).abs() < 1e-9,
            "{x1} {y1}"
        );
    }
}
