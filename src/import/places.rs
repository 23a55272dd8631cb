//! Where each shape and connector sits in the drawing's own file. A
//! drawing's findings carry lines of the pathway written from it, which
//! mean nothing to an annotation on the drawing itself: GitHub and SARIF
//! point at these places instead, or at the file as a whole.

use std::collections::HashMap;

use crate::source::{LineCol, SourceFile};

/// A shape's or connector's place in the drawing's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub start: LineCol,
    pub end: LineCol,
}

/// Shapes' and connectors' places by ID. Empty for drawings without
/// lines (PowerPoint, Visio) and for compressed draw.io pages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Places {
    shapes: HashMap<String, Place>,
    links: HashMap<String, Place>,
}

impl Places {
    /// From byte ranges in `text` (a Mermaid flowchart's statements).
    pub fn of_ranges(
        text: &str,
        shapes: &HashMap<String, (usize, usize)>,
        links: &HashMap<String, (usize, usize)>,
    ) -> Places {
        let file = SourceFile::new("", text.to_string());
        let place = |&(start, end): &(usize, usize)| Place {
            start: file.line_col(start),
            end: file.line_col(end),
        };
        Places {
            shapes: shapes
                .iter()
                .map(|(id, r)| (id.clone(), place(r)))
                .collect(),
            links: links.iter().map(|(id, r)| (id.clone(), place(r))).collect(),
        }
    }

    /// From the `id="…"` attributes of XML text (draw.io, BPMN), where
    /// shapes and connectors share one set of IDs: each at its first.
    pub fn of_xml_ids(text: &str) -> Places {
        let mut ranges = HashMap::new();
        let mut from = 0;
        while let Some(at) = text[from..].find("id=").map(|i| from + i) {
            from = at + 3;
            let before = text[..at].chars().next_back();
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            let Some(quote) = text[from..]
                .chars()
                .next()
                .filter(|c| matches!(c, '"' | '\''))
            else {
                continue;
            };
            let value = from + 1;
            let Some(close) = text[value..].find(quote) else {
                break;
            };
            let id = unescape(&text[value..value + close]);
            ranges.entry(id).or_insert((at, value + close + 1));
            from = value + close + 1;
        }
        let places = Places::of_ranges(text, &ranges, &HashMap::new());
        Places {
            links: places.shapes.clone(),
            shapes: places.shapes,
        }
    }

    /// Every place, as the result cache stores them: connector or not,
    /// ID, start line and column, end line and column.
    pub fn entries(&self) -> Vec<(bool, String, [usize; 4])> {
        let flat = |connector: bool, (id, p): (&String, &Place)| {
            let at = [p.start.line, p.start.column, p.end.line, p.end.column];
            (connector, id.clone(), at)
        };
        let mut all: Vec<_> = (self.shapes.iter().map(|e| flat(false, e)))
            .chain(self.links.iter().map(|e| flat(true, e)))
            .collect();
        all.sort();
        all
    }

    /// The places [`Places::entries`] gave.
    pub fn from_entries(entries: Vec<(bool, String, [usize; 4])>) -> Places {
        let mut places = Places::default();
        for (connector, id, [line, column, end_line, end_column]) in entries {
            let place = Place {
                start: LineCol { line, column },
                end: LineCol {
                    line: end_line,
                    column: end_column,
                },
            };
            let table = if connector {
                &mut places.links
            } else {
                &mut places.shapes
            };
            table.insert(id, place);
        }
        places
    }

    /// The place of a shape or (`connector`) a connector, if known.
    pub fn get(&self, connector: bool, id: &str) -> Option<Place> {
        let table = if connector { &self.links } else { &self.shapes };
        table.get(id).copied()
    }
}

/// An attribute value as the XML readers give IDs: the five named
/// entities replaced (draw.io writes IDs without any).
fn unescape(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
    quick_xml::escape::unescape(raw).map_or_else(|_| raw.to_string(), |s| s.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_ids_at_their_attribute() {
        let text = "<mxfile>\n  <mxCell id=\"a\" value=\"GP\"/>\n  <mxCell\n    id='b-&amp;' edge=\"1\" source=\"a\"/>\n  <x grid=\"1\" id=\"a\"/>\n</mxfile>\n";
        let places = Places::of_xml_ids(text);
        let a = places.get(false, "a").unwrap();
        assert_eq!((a.start.line, a.start.column), (2, 11));
        assert_eq!((a.end.line, a.end.column), (2, 17));
        let b = places.get(true, "b-&").unwrap();
        assert_eq!((b.start.line, b.start.column), (4, 5));
        // `grid=` is not `id=`, and an ID seen twice keeps its first place.
        assert!(places.get(false, "1").is_none());
        assert_eq!(places.get(true, "a"), Some(a));
    }

    #[test]
    fn entries_give_the_places_back() {
        let places = Places::of_xml_ids("<a id=\"x\"/>\n<b id=\"y\"/>");
        assert_eq!(Places::from_entries(places.entries()), places);
    }

    #[test]
    fn an_id_never_closed_ends_the_search() {
        assert_eq!(Places::of_xml_ids("<a id=\"x"), Places::default());
    }
}
