//! Visio drawings (`.vsdx`): a zip package whose pages are
//! `visio/pages/pageN.xml`, in the order `visio/pages/pages.xml` lists
//! them (through its relationships), or by their numbers. Background pages
//! are passed over, and so is any page without a flowchart (a connector
//! glued to two shapes). A page is named after its title shape (one joined
//! to nothing whose name or master's name starts with "Title"), or else
//! after the page's own name.
//!
//! A shape's text is its `<Text>`; its form comes from its master's name
//! ("Decision", "Terminator", "Start/End", "Circle", "Note" …) or, for a
//! shape with no master, from its geometry: an ellipse (elliptical arcs
//! and no straight sides) is a terminator, four corners at the middles of
//! its box's sides a decision, a shape with no geometry (a text block)
//! joined to nothing a note. Connectors are the 1-D shapes (and those of
//! a master named as a connector); the `Connects` part says what their
//! ends are glued to: the shape glued to `BeginX` to the one glued to
//! `EndX` (turned round when only the begin end has an arrowhead, a route
//! each way when both ends have one), with
//! the connector's own text as its label.

use std::collections::{HashMap, HashSet};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::package::{attribute, number_in, relationships, Package};
use super::{Form, Link, Page, Shape};

/// Reads every page that holds a flowchart.
pub fn read(bytes: &[u8]) -> Result<Vec<Page>, String> {
    let mut package = Package::open(bytes, "a Visio drawing")?;
    let listed = page_parts(&mut package)?;
    if listed.is_empty() {
        return Err(
            "it is not a Visio drawing: it has no pages (no visio/pages/pageN.xml)".to_string(),
        );
    }
    let masters = masters(&mut package)?;
    let mut pages = Vec::new();
    let mut count = 0;
    for (n, (part, name)) in listed.iter().enumerate() {
        let Some(xml) = package.text(part)? else {
            continue;
        };
        let page = page(&xml, name, &masters, &mut count)
            .map_err(|why| format!("page {} {why}", n + 1))?;
        if holds_flowchart(&page) {
            pages.push(page);
        }
    }
    if pages.is_empty() {
        return Err(format!(
            "{} a flowchart (shapes joined by connectors glued to them at both ends)",
            match listed.len() {
                1 => "its one page does not hold".to_string(),
                n => format!("none of its {n} pages holds"),
            }
        ));
    }
    Ok(pages)
}

/// The foreground pages as (part, page name), in the drawing's order.
fn page_parts(package: &mut Package<'_>) -> Result<Vec<(String, String)>, String> {
    let names = package.names();
    let mut listed = Vec::new();
    if let Some(xml) = package.text("visio/pages/pages.xml")? {
        let rels = relationships(package, "visio/pages/pages.xml")?;
        let mut reader = Reader::from_str(&xml);
        // The page being read: its name, and whether it is a background.
        let mut current: Option<(String, bool)> = None;
        loop {
            match reader
                .read_event()
                .map_err(|e| format!("its visio/pages/pages.xml is malformed XML: {e}"))?
            {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Page" => {
                    let name = attribute(&e, b"Name")
                        .or_else(|| attribute(&e, b"NameU"))
                        .unwrap_or_default();
                    current = Some((name, attribute(&e, b"Background").as_deref() == Some("1")));
                }
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Rel" => {
                    let rid = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref().ends_with(b":id"))
                        .map(|a| String::from_utf8_lossy(&a.value).into_owned());
                    if let (Some(rid), Some((name, false))) = (rid, &current) {
                        if let Some((_, part)) = rels.iter().find(|(r, _)| *r == rid) {
                            if names.contains(part) {
                                listed.push((part.clone(), name.clone()));
                            }
                        }
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
    }
    if !listed.is_empty() {
        return Ok(listed);
    }
    let mut numbered: Vec<(u64, String)> = names
        .into_iter()
        .filter(|n| n.starts_with("visio/pages/page") && n.ends_with(".xml"))
        .filter_map(|n| number_in(&n).map(|k| (k, n)))
        .collect();
    numbered.sort();
    Ok(numbered
        .into_iter()
        .map(|(_, n)| (n, String::new()))
        .collect())
}

/// Master names by master ID (`visio/masters/masters.xml`).
fn masters(package: &mut Package<'_>) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    let Some(xml) = package.text("visio/masters/masters.xml")? else {
        return Ok(out);
    };
    let mut reader = Reader::from_str(&xml);
    loop {
        match reader
            .read_event()
            .map_err(|e| format!("its visio/masters/masters.xml is malformed XML: {e}"))?
        {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Master" => {
                if let (Some(id), Some(name)) = (
                    attribute(&e, b"ID"),
                    attribute(&e, b"NameU").or_else(|| attribute(&e, b"Name")),
                ) {
                    out.insert(id, name);
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
    let ids: HashSet<&str> = page
        .shapes
        .iter()
        .filter(|s| s.form != Form::Note)
        .map(|s| s.id.as_str())
        .collect();
    page.links
        .iter()
        .any(|l| ids.contains(l.from.as_str()) && ids.contains(l.to.as_str()))
}

/// A `<Shape>` as read.
#[derive(Default)]
struct Item {
    id: String,
    name: String,
    master: String,
    text: String,
    one_d: bool,
    width: f64,
    height: f64,
    /// Geometry rows: their type and X, Y.
    rows: Vec<(String, f64, f64)>,
    begin_arrow: bool,
    end_arrow: bool,
}

/// Where the reader is inside the innermost shape.
#[derive(Default)]
struct Inside {
    text: usize,
    geometry: usize,
    row: Option<usize>,
}

fn page(
    xml: &str,
    name: &str,
    masters: &HashMap<String, String>,
    count: &mut usize,
) -> Result<Page, String> {
    let mut reader = Reader::from_str(xml);
    let mut seen_root = false;
    let mut items: Vec<Item> = Vec::new();
    // Open shapes, innermost last, as indices into `items`.
    let mut open: Vec<(usize, Inside)> = Vec::new();
    // (connector, end is BeginX, shape glued to).
    let mut glued: Vec<(String, bool, String)> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("is malformed XML: {e}"))?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) if !seen_root => {
                seen_root = true;
                if e.local_name().as_ref() != b"PageContents" {
                    return Err(format!(
                        "is not a Visio page: it starts with <{}>, not <PageContents>",
                        String::from_utf8_lossy(e.local_name().as_ref())
                    ));
                }
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Shape" => {
                let master = attribute(&e, b"Master")
                    .and_then(|m| masters.get(&m).cloned())
                    .or_else(|| open.last().map(|(i, _)| items[*i].master.clone()))
                    .unwrap_or_default();
                items.push(Item {
                    id: attribute(&e, b"ID").unwrap_or_default(),
                    name: attribute(&e, b"NameU")
                        .or_else(|| attribute(&e, b"Name"))
                        .unwrap_or_default(),
                    master,
                    ..Item::default()
                });
                *count += 1;
                super::too_many(*count)?;
                if !empty {
                    open.push((items.len() - 1, Inside::default()));
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"Shape" => {
                open.pop();
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Connect" => {
                let from = attribute(&e, b"FromSheet").unwrap_or_default();
                let to = attribute(&e, b"ToSheet").unwrap_or_default();
                match attribute(&e, b"FromCell").as_deref() {
                    Some("BeginX") => glued.push((from, true, to)),
                    Some("EndX") => glued.push((from, false, to)),
                    _ => {}
                }
            }
            Event::Start(e) | Event::Empty(e) => {
                if let Some((i, inside)) = open.last_mut() {
                    element(&mut items[*i], inside, &e, empty);
                }
            }
            Event::End(e) => {
                if let Some((_, inside)) = open.last_mut() {
                    match e.local_name().as_ref() {
                        b"Text" => inside.text = inside.text.saturating_sub(1),
                        b"Section" => inside.geometry = inside.geometry.saturating_sub(1),
                        b"Row" => inside.row = None,
                        _ => {}
                    }
                }
            }
            Event::Text(t) => {
                if let Some((i, inside)) = open.last() {
                    if inside.text > 0 {
                        let t = t.decode().map_err(|e| format!("is malformed XML: {e}"))?;
                        items[*i].text.push_str(&t);
                    }
                }
            }
            Event::GeneralRef(r) => {
                if let Some((i, inside)) = open.last() {
                    if inside.text > 0 {
                        if let Ok(Some(c)) = r.resolve_char_ref() {
                            items[*i].text.push(c);
                        } else if let Ok(n) = r.decode() {
                            let s = quick_xml::escape::resolve_predefined_entity(&n).unwrap_or("");
                            items[*i].text.push_str(s);
                        }
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
    Ok(page_of(items, glued, name))
}

/// What an element inside a shape says about it.
fn element(it: &mut Item, inside: &mut Inside, e: &BytesStart<'_>, empty: bool) {
    match e.local_name().as_ref() {
        b"Text" if !empty => inside.text += 1,
        // Paragraph and line marks inside text.
        b"pp" | b"tp" | b"cp" => {}
        // Geometry sections: counted, so their rows are read as outline.
        b"Section"
            if !empty
                && (inside.geometry > 0 || attribute(e, b"N").as_deref() == Some("Geometry")) =>
        {
            inside.geometry += 1;
        }
        b"Row" if inside.geometry > 0 => {
            let kind = attribute(e, b"T").unwrap_or_default();
            it.rows.push((kind, 0.0, 0.0));
            if !empty {
                inside.row = Some(it.rows.len() - 1);
            }
        }
        b"Cell" => {
            let n = attribute(e, b"N").unwrap_or_default();
            let v = attribute(e, b"V").unwrap_or_default();
            let num = v.parse::<f64>().unwrap_or(0.0);
            if let Some(r) = inside.row.and_then(|r| it.rows.get_mut(r)) {
                match n.as_str() {
                    "X" => r.1 = num,
                    "Y" => r.2 = num,
                    _ => {}
                }
                return;
            }
            if inside.geometry > 0 {
                return;
            }
            match n.as_str() {
                "BeginX" | "EndX" => it.one_d = true,
                "ObjType" => it.one_d |= v == "2",
                "Width" => it.width = num,
                "Height" => it.height = num,
                "BeginArrow" => it.begin_arrow = num > 0.0,
                "EndArrow" => it.end_arrow = num > 0.0,
                _ => {}
            }
        }
        _ => {}
    }
}

/// A shape's form by its master's name, or else by its geometry.
fn form_of(it: &Item) -> Form {
    let master = it.master.to_ascii_lowercase();
    // "Process.12" is a copy of the master "Process".
    let master = master.split('.').next().unwrap_or("");
    let words: Vec<&str> = master
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &[&str]| words.iter().any(|x| w.contains(x));
    if !master.is_empty() {
        if has(&["decision", "diamond"]) {
            return Form::Decision;
        }
        if has(&["terminator", "start", "end", "circle", "ellipse", "oval"]) {
            return Form::Terminal;
        }
        if has(&["note", "annotation", "callout", "text"]) {
            return Form::Note;
        }
        return Form::Process;
    }
    let kinds: Vec<&str> = it.rows.iter().map(|(k, _, _)| k.as_str()).collect();
    if kinds.contains(&"Ellipse")
        || (kinds.contains(&"EllipticalArcTo") && !kinds.contains(&"LineTo"))
    {
        return Form::Terminal;
    }
    if diamond(it) {
        return Form::Decision;
    }
    Form::Process
}

/// Whether the outline is four corners at the middles of the box's sides.
fn diamond(it: &Item) -> bool {
    if it.width <= 0.0 || it.height <= 0.0 {
        return false;
    }
    let mut corners: Vec<(f64, f64)> = Vec::new();
    for (kind, x, y) in &it.rows {
        if !matches!(
            kind.as_str(),
            "MoveTo" | "LineTo" | "RelMoveTo" | "RelLineTo"
        ) {
            return false;
        }
        let (x, y) = if kind.starts_with("Rel") {
            (*x, *y)
        } else {
            (x / it.width, y / it.height)
        };
        if !corners
            .iter()
            .any(|(a, b)| (a - x).abs() < 0.05 && (b - y).abs() < 0.05)
        {
            corners.push((x, y));
        }
    }
    let at = |x: f64, y: f64| {
        corners
            .iter()
            .any(|(a, b)| (a - x).abs() < 0.05 && (b - y).abs() < 0.05)
    };
    corners.len() == 4 && at(0.5, 1.0) && at(1.0, 0.5) && at(0.5, 0.0) && at(0.0, 0.5)
}

fn page_of(items: Vec<Item>, glued: Vec<(String, bool, String)>, name: &str) -> Page {
    let mut ends: HashMap<&str, (Option<&str>, Option<&str>)> = HashMap::new();
    for (connector, begin, to) in &glued {
        let e = ends.entry(connector.as_str()).or_default();
        if *begin {
            e.0 = Some(to.as_str());
        } else {
            e.1 = Some(to.as_str());
        }
    }
    let joined: HashSet<&str> = glued.iter().map(|(_, _, to)| to.as_str()).collect();
    let text = |it: &Item| {
        it.text
            .replace(['\u{2028}', '\u{2029}', '\r'], "\n")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut page = Page {
        name: name.to_string(),
        ..Page::default()
    };
    let mut title: Option<String> = None;
    for it in &items {
        let body = text(it);
        // A connector's cells may all come from its master, so its master's
        // name also says what it is.
        let connector = it.one_d
            || ends.contains_key(it.id.as_str())
            || it.master.to_ascii_lowercase().contains("connector");
        if connector {
            if let Some((Some(a), Some(b))) = ends.get(it.id.as_str()) {
                let (from, to) = if it.begin_arrow && !it.end_arrow {
                    (b, a)
                } else {
                    (a, b)
                };
                let link = Link {
                    id: it.id.clone(),
                    from: (*from).to_string(),
                    to: (*to).to_string(),
                    text: body,
                };
                // A head at each end: a route each way.
                if it.begin_arrow && it.end_arrow {
                    page.links.push(Link {
                        from: link.to.clone(),
                        to: link.from.clone(),
                        ..link.clone()
                    });
                }
                page.links.push(link);
            }
            continue;
        }
        let unjoined = !joined.contains(it.id.as_str());
        // Without text, only a shape a connector joins is part of the flow.
        if body.is_empty() && unjoined {
            continue;
        }
        let titled = it.name.starts_with("Title") || it.master.starts_with("Title");
        if unjoined && titled && title.is_none() {
            title = Some(body);
            continue;
        }
        let mut form = form_of(it);
        if unjoined && it.rows.is_empty() && it.master.is_empty() {
            form = Form::Note;
        }
        page.shapes.push(Shape {
            id: it.id.clone(),
            text: body,
            form,
        });
    }
    if let Some(t) = title {
        page.name = t;
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<PageContents xmlns="http://schemas.microsoft.com/office/visio/2012/main"><Shapes>
<Shape ID="1" NameU="Start/End" Master="5"><Text><cp IX="0"/>GP practice</Text></Shape>
<Shape ID="2" NameU="Box"><Cell N="Width" V="2"/><Cell N="Height" V="1"/><Section N="Geometry" IX="0"><Row T="MoveTo" IX="1"><Cell N="X" V="1"/><Cell N="Y" V="1"/></Row><Row T="LineTo" IX="2"><Cell N="X" V="2"/><Cell N="Y" V="0.5"/></Row><Row T="LineTo" IX="3"><Cell N="X" V="1"/><Cell N="Y" V="0"/></Row><Row T="LineTo" IX="4"><Cell N="X" V="0"/><Cell N="Y" V="0.5"/></Row><Row T="LineTo" IX="5"><Cell N="X" V="1"/><Cell N="Y" V="1"/></Row></Section><Text>BMI &lt; 40?</Text></Shape>
<Shape ID="3" NameU="Round"><Section N="Geometry" IX="0"><Row T="MoveTo" IX="1"/><Row T="EllipticalArcTo" IX="2"/><Row T="EllipticalArcTo" IX="3"/></Section><Text>Discharged</Text></Shape>
<Shape ID="4" NameU="Dynamic connector" Master="6"><Cell N="BeginX" V="0"/><Cell N="EndArrow" V="13"/><Text>after 6 weeks</Text></Shape>
<Shape ID="5" NameU="Dynamic connector.5" Master="6"><Text>unglued</Text></Shape>
<Shape ID="6" NameU="Title"><Text>Knees</Text></Shape>
<Shape ID="7" NameU="Sheet.7"><Text>Owner: Example ICB</Text></Shape>
</Shapes><Connects>
<Connect FromSheet="4" FromCell="BeginX" ToSheet="1"/><Connect FromSheet="4" FromCell="EndX" ToSheet="2"/>
<Connect FromSheet="5" FromCell="BeginX" ToSheet="2"/>
</Connects></PageContents>"#;

    #[test]
    fn a_page_of_shapes_glued_connectors_and_a_title() {
        let masters: HashMap<String, String> = [
            ("5".to_string(), "Start/End".to_string()),
            ("6".to_string(), "Dynamic connector".to_string()),
        ]
        .into_iter()
        .collect();
        let page = page(PAGE, "Page-1", &masters, &mut 0).unwrap();
        assert_eq!(page.name, "Knees");
        let shapes: Vec<(&str, &str, Form)> = page
            .shapes
            .iter()
            .map(|s| (s.id.as_str(), s.text.as_str(), s.form))
            .collect();
        assert_eq!(
            shapes,
            [
                ("1", "GP practice", Form::Terminal),
                ("2", "BMI < 40?", Form::Decision),
                ("3", "Discharged", Form::Terminal),
                ("7", "Owner: Example ICB", Form::Note),
            ]
        );
        // The connector glued at one end only joins nothing.
        assert_eq!(
            page.links,
            [Link {
                id: "4".into(),
                from: "1".into(),
                to: "2".into(),
                text: "after 6 weeks".into()
            }]
        );
        assert!(holds_flowchart(&page));
    }

    #[test]
    fn an_arrowhead_at_the_begin_end_turns_a_connector_round() {
        let xml = PAGE.replace(
            "<Cell N=\"EndArrow\" V=\"13\"/>",
            "<Cell N=\"BeginArrow\" V=\"13\"/>",
        );
        let page = page(&xml, "", &HashMap::new(), &mut 0).unwrap();
        assert_eq!(
            (page.links[0].from.as_str(), page.links[0].to.as_str()),
            ("2", "1")
        );
    }

    #[test]
    fn arrowheads_at_both_ends_are_a_route_each_way() {
        let xml = PAGE.replace(
            "<Cell N=\"EndArrow\" V=\"13\"/>",
            "<Cell N=\"BeginArrow\" V=\"13\"/><Cell N=\"EndArrow\" V=\"13\"/>",
        );
        let page = page(&xml, "", &HashMap::new(), &mut 0).unwrap();
        let ends: Vec<(&str, &str, &str)> = page
            .links
            .iter()
            .map(|l| (l.id.as_str(), l.from.as_str(), l.to.as_str()))
            .collect();
        assert_eq!(ends, [("4", "2", "1"), ("4", "1", "2")]);
    }

    #[test]
    fn not_a_page() {
        assert!(page("<html/>", "", &HashMap::new(), &mut 0)
            .unwrap_err()
            .contains("not a Visio page"));
        assert!(read(b"PK\x03\x04 broken")
            .unwrap_err()
            .contains("not a readable zip"));
    }
}
