//! draw.io / diagrams.net files (`.drawio`, and `.xml` holding one): an
//! `<mxfile>` of `<diagram>` pages, each an `<mxGraphModel>` written out
//! or compressed (base64, then raw deflate, then URL-encoding, as draw.io
//! saves it by default), or a bare `<mxGraphModel>`. Vertices are shapes
//! (their style says start, decision, note), edges connectors; a label
//! drawn on an edge (a child cell of it) is the edge's text. Labels in
//! HTML (`html=1`) are read as text.

use std::io::Read;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{from_html, Form, Link, Page, Shape, MAX_INFLATED_BYTES};

/// Reads every page.
pub fn read(bytes: &[u8]) -> Result<Vec<Page>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
    let mut reader = Reader::from_str(text);
    let mut pages = Vec::new();
    let mut seen_root = false;
    // Inside a `<diagram>`: its name and any compressed text.
    let mut diagram: Option<(String, String)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("its XML is malformed: {e}"))?;
        match event {
            Event::Start(e) | Event::Empty(e) if !seen_root => {
                seen_root = true;
                match e.local_name().as_ref() {
                    b"mxfile" => {}
                    b"mxGraphModel" => {
                        // A bare model: read it whole from the start.
                        return Ok(vec![model(text, String::new())?]);
                    }
                    other => {
                        return Err(format!(
                            "it is not a draw.io file: it starts with <{}>, not <mxfile> or <mxGraphModel>",
                            String::from_utf8_lossy(other)
                        ))
                    }
                }
            }
            Event::Start(e) if e.local_name().as_ref() == b"diagram" => {
                let name = attribute(&e, b"name").unwrap_or_default();
                diagram = Some((name, String::new()));
            }
            Event::Empty(e) if e.local_name().as_ref() == b"diagram" => {
                let name = attribute(&e, b"name").unwrap_or_default();
                pages.push(Page {
                    name,
                    ..Page::default()
                });
            }
            Event::Start(e) if e.local_name().as_ref() == b"mxGraphModel" => {
                // A page written out: read its model from here to its end.
                let start = reader.buffer_position() as usize;
                let open = text[..start].rfind("<mxGraphModel").unwrap_or(0);
                let end = reader
                    .read_to_end(e.name())
                    .map_err(|e| format!("its XML is malformed: {e}"))?
                    .end as usize;
                let whole = text.get(open..end).unwrap_or("");
                let close = text[end..].find('>').map_or(end, |i| end + i + 1);
                let whole = text.get(open..close).unwrap_or(whole);
                let name = diagram.as_ref().map(|(n, _)| n.clone()).unwrap_or_default();
                pages.push(model(whole, name)?);
                diagram = None;
            }
            Event::Text(t) => {
                if let Some((_, content)) = diagram.as_mut() {
                    let t = t
                        .decode()
                        .map_err(|e| format!("its XML is malformed: {e}"))?;
                    content.push_str(&t);
                }
            }
            Event::End(e) if e.local_name().as_ref() == b"diagram" => {
                if let Some((name, content)) = diagram.take() {
                    let content = content.trim();
                    if content.is_empty() {
                        pages.push(Page {
                            name,
                            ..Page::default()
                        });
                    } else {
                        let xml = inflate(content)
                            .map_err(|why| format!("page “{name}” cannot be read: {why}"))?;
                        pages.push(model(&xml, name)?);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_root {
        return Err("it holds no XML".to_string());
    }
    Ok(pages)
}

/// A compressed page: base64, raw deflate (at most
/// [`MAX_INFLATED_BYTES`]), URL-encoded text.
pub fn inflate(content: &str) -> Result<String, String> {
    let packed = base64(content).ok_or("its compressed content is not base64")?;
    let mut inflated = Vec::new();
    flate2::read::DeflateDecoder::new(packed.as_slice())
        .take(MAX_INFLATED_BYTES as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(|e| format!("its compressed content does not inflate ({e})"))?;
    if inflated.len() > MAX_INFLATED_BYTES {
        return Err(format!(
            "it inflates to more than {} MB, over the limit",
            MAX_INFLATED_BYTES / (1024 * 1024)
        ));
    }
    let decoded = url_decode(&inflated);
    String::from_utf8(decoded).map_err(|_| "its compressed content is not UTF-8".to_string())
}

/// Standard base64, whitespace ignored, padding optional.
pub(crate) fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// `%XX` escapes decoded (as JavaScript's `decodeURIComponent`); a `%`
/// not followed by two hex digits is kept.
fn url_decode(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn attribute(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            quick_xml::escape::unescape(&raw)
                .map(|c| c.into_owned())
                .unwrap_or(raw)
        })
}

/// One cell as written.
#[derive(Default)]
struct Cell {
    id: String,
    parent: String,
    value: String,
    style: String,
    vertex: bool,
    edge: bool,
    source: String,
    target: String,
}

/// The shapes and connectors of one `<mxGraphModel>`.
fn model(xml: &str, name: String) -> Result<Page, String> {
    let mut reader = Reader::from_str(xml);
    let mut cells: Vec<Cell> = Vec::new();
    // An `<object>` or `<UserObject>` wrapper: its id and label, for the
    // `<mxCell>` inside.
    let mut wrapper: Option<(String, String)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("its XML is malformed: {e}"))?;
        match event {
            Event::Start(e) | Event::Empty(e)
                if matches!(e.local_name().as_ref(), b"object" | b"UserObject") =>
            {
                let id = attribute(&e, b"id").unwrap_or_default();
                let label = attribute(&e, b"label").unwrap_or_default();
                wrapper = Some((id, label));
            }
            Event::End(e) if matches!(e.local_name().as_ref(), b"object" | b"UserObject") => {
                wrapper = None;
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"mxCell" => {
                let mut cell = Cell {
                    id: attribute(&e, b"id").unwrap_or_default(),
                    parent: attribute(&e, b"parent").unwrap_or_default(),
                    value: attribute(&e, b"value").unwrap_or_default(),
                    style: attribute(&e, b"style").unwrap_or_default(),
                    vertex: attribute(&e, b"vertex").as_deref() == Some("1"),
                    edge: attribute(&e, b"edge").as_deref() == Some("1"),
                    source: attribute(&e, b"source").unwrap_or_default(),
                    target: attribute(&e, b"target").unwrap_or_default(),
                };
                if let Some((id, label)) = &wrapper {
                    if cell.id.is_empty() {
                        cell.id = id.clone();
                    }
                    if cell.value.is_empty() {
                        cell.value = label.clone();
                    }
                }
                cells.push(cell);
                // Cells 0 and 1 are the root and the layer.
                super::too_many(cells.len().saturating_sub(2))?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let edges: std::collections::HashSet<&str> = cells
        .iter()
        .filter(|c| c.edge)
        .map(|c| c.id.as_str())
        .collect();
    // Shapes a connector joins are part of the flow even without text; other
    // textless shapes are decoration.
    let joined: std::collections::HashSet<&str> = cells
        .iter()
        .filter(|c| c.edge)
        .flat_map(|c| [c.source.as_str(), c.target.as_str()])
        .collect();
    let mut page = Page {
        name,
        ..Page::default()
    };
    let mut edge_labels: Vec<(String, String)> = Vec::new();
    for c in &cells {
        let html = c.style.contains("html=1");
        let text = if html {
            from_html(&c.value)
        } else {
            c.value.trim().to_string()
        };
        if c.edge {
            let (from, to) = match heads(&c.style) {
                (true, false) => (&c.target, &c.source),
                _ => (&c.source, &c.target),
            };
            page.links.push(Link {
                id: c.id.clone(),
                from: from.clone(),
                to: to.clone(),
                text,
            });
        } else if c.vertex && edges.contains(c.parent.as_str()) {
            // A label placed on a connector.
            edge_labels.push((c.parent.clone(), text));
        } else if c.vertex {
            let form = form_of(&c.style);
            let container = c.style.contains("swimlane")
                || c.style.contains("container=1")
                || c.style.starts_with("group");
            let decoration =
                text.is_empty() && form != Form::Decision && !joined.contains(c.id.as_str());
            if container || decoration {
                continue;
            }
            page.shapes.push(Shape {
                id: c.id.clone(),
                text,
                form,
            });
        }
    }
    let by_id: std::collections::HashMap<String, usize> = page
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.clone(), i))
        .collect();
    for (edge, text) in edge_labels {
        if let Some(l) = by_id.get(&edge).and_then(|&i| page.links.get_mut(i)) {
            if l.text.is_empty() {
                l.text = text;
            } else {
                l.text = format!("{}\n{text}", l.text);
            }
        }
    }
    // A head at each end: a route each way, as Mermaid's `<-->`. The
    // second keeps the connector's ID, so findings on it point at it too.
    let both: Vec<Link> = cells
        .iter()
        .filter(|c| c.edge && heads(&c.style) == (true, true))
        .filter_map(|c| by_id.get(&c.id).map(|&i| &page.links[i]))
        .map(|l| Link {
            from: l.to.clone(),
            to: l.from.clone(),
            ..l.clone()
        })
        .collect();
    page.links.extend(both);
    Ok(page)
}

/// Whether a connector's style draws a head at its start and at its end:
/// draw.io draws one at the end (`endArrow`, `classic` unless set) and
/// none at the start (`startArrow`) unless told otherwise. With none at
/// either end, the line is read from source to target, the way it was
/// drawn, as Mermaid reads `---`.
fn heads(style: &str) -> (bool, bool) {
    let value = |key: &str| {
        style
            .split(';')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_string())
    };
    let drawn = |v: Option<String>, default: bool| match v {
        Some(v) => !v.is_empty() && v != "none",
        None => default,
    };
    (
        drawn(value("startArrow"), false),
        drawn(value("endArrow"), true),
    )
}

/// What a style draws.
fn form_of(style: &str) -> Form {
    let has = |k: &str| {
        style
            .split(';')
            .any(|p| p == k || p.ends_with(&format!("={k}")))
    };
    let shape = style
        .split(';')
        .find_map(|p| p.strip_prefix("shape="))
        .unwrap_or("");
    if has("rhombus") || shape.ends_with("decision") {
        Form::Decision
    } else if has("ellipse")
        || shape.ends_with("terminator")
        || shape.ends_with("start_1")
        || shape.ends_with("start_2")
        || shape.ends_with("flowchart.start")
        || style.contains("arcSize=50")
    {
        Form::Terminal
    } else if style.starts_with("text;")
        || has("text")
        || shape == "note"
        || shape.ends_with("annotation_1")
        || shape.ends_with("annotation_2")
        || shape.ends_with("note")
    {
        Form::Note
    } else {
        Form::Process
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = r#"<mxfile><diagram name="Knees" id="p1"><mxGraphModel><root>
<mxCell id="0"/><mxCell id="1" parent="0"/>
<mxCell id="gp" value="GP practice" style="ellipse;whiteSpace=wrap;html=1;" vertex="1" parent="1"/>
<mxCell id="d" value="&lt;div&gt;Surgery?&lt;/div&gt;" style="rhombus;html=1;" vertex="1" parent="1"/>
<mxCell id="e1" value="" style="edgeStyle=orthogonalEdgeStyle;" edge="1" parent="1" source="gp" target="d"/>
<mxCell id="e1l" value="BMI &amp;lt; 40" style="edgeLabel;html=1;" vertex="1" connectable="0" parent="e1"/>
<mxCell id="n" value="Owner: Example ICB" style="text;html=1;" vertex="1" parent="1"/>
</root></mxGraphModel></diagram></mxfile>"#;

    #[test]
    fn a_plain_page() {
        let pages = read(PLAIN.as_bytes()).unwrap();
        assert_eq!(pages.len(), 1);
        let p = &pages[0];
        assert_eq!(p.name, "Knees");
        assert_eq!(p.shapes.len(), 3);
        assert_eq!(p.shapes[0].form, Form::Terminal);
        assert_eq!(p.shapes[1].form, Form::Decision);
        assert_eq!(p.shapes[1].text, "Surgery?");
        assert_eq!(p.shapes[2].form, Form::Note);
        assert_eq!(p.links[0].text, "BMI < 40");
    }

    /// A shape with no text that a connector joins is kept (its connector
    /// would otherwise have a loose end); one nothing joins is decoration.
    #[test]
    fn textless_shapes_are_kept_only_when_joined() {
        let xml = r#"<mxfile><diagram name="P"><mxGraphModel><root>
<mxCell id="0"/><mxCell id="1" parent="0"/>
<mxCell id="gp" value="GP" style="ellipse;" vertex="1" parent="1"/>
<mxCell id="blank" value="" style="rounded=0;" vertex="1" parent="1"/>
<mxCell id="frame" value="" style="rounded=0;" vertex="1" parent="1"/>
<mxCell id="e1" value="" edge="1" parent="1" source="gp" target="blank"/>
</root></mxGraphModel></diagram></mxfile>"#;
        let pages = read(xml.as_bytes()).unwrap();
        let ids: Vec<&str> = pages[0].shapes.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["gp", "blank"]);
    }

    #[test]
    fn base64_and_url_decoding() {
        assert_eq!(base64("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64("aGk").unwrap(), b"hi");
        assert!(base64("a*b").is_none());
        assert_eq!(url_decode(b"a%20b%3Cc%zz"), b"a b<c%zz");
    }

    #[test]
    fn not_draw_io() {
        assert!(read(b"<html></html>")
            .unwrap_err()
            .contains("not a draw.io file"));
        assert!(read(b"<mxfile><diagram name=\"x\">!!!</diagram></mxfile>")
            .unwrap_err()
            .contains("base64"));
        assert!(read(b"").is_err());
    }
}
