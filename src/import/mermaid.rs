//! Mermaid `flowchart` and `graph` text (`.mmd`, `.mermaid`): nodes with
//! their shapes and text, links with their labels, chains (`a --> b -->
//! c`) and groups (`a & b --> c`). Styling (`classDef`, `style`,
//! `linkStyle`, `class`, `click`), subgraph lines and comments are passed
//! over. A front-matter `title:` names the pathway. Any other kind of
//! Mermaid diagram, or a statement this reader cannot follow, is an error
//! naming the line, so nothing is silently left out.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use regex::Regex;

use super::{from_html, Form, Link, Page, Shape};

/// Reads the flowchart.
pub fn read(bytes: &[u8]) -> Result<Vec<Page>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
    read_located(text)
        .map(|(page, _)| vec![page])
        .map_err(|broken| broken.why)
}

/// Where in the text given to [`read_located`] each shape and link was
/// written, as byte ranges: a shape at the statement that gives its text
/// (or first names it, if none does), from its ID to the end of its shape;
/// a link at its arrow and label. Mermaid in Markdown places findings with
/// these (src/import/markdown.rs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Located {
    pub shapes: HashMap<String, (usize, usize)>,
    pub links: HashMap<String, (usize, usize)>,
}

/// Why a flowchart cannot be read, and the byte offset of the line at
/// fault in the text given (the start when no one line is).
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    pub at: usize,
    pub why: String,
}

/// Reads the flowchart, remembering where each shape and link is.
pub fn read_located(text: &str) -> Result<(Page, Located), Broken> {
    let base = text.as_ptr() as usize;
    let off = |s: &str| s.as_ptr() as usize - base;
    let broken = |at: usize, why: String| Broken { at, why };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut lines = text.lines().enumerate().peekable();
    let mut page = Page::default();
    // Front matter: `---`, YAML, `---`.
    while let Some((_, l)) = lines.peek() {
        if l.trim().is_empty() || l.trim_start().starts_with("%%") {
            lines.next();
        } else {
            break;
        }
    }
    if let Some(&(_, open)) = lines.peek().filter(|(_, l)| l.trim() == "---") {
        lines.next();
        let mut closed = false;
        for (_, l) in lines.by_ref() {
            if l.trim() == "---" {
                closed = true;
                break;
            }
            if let Some(title) = l.trim().strip_prefix("title:") {
                page.name = title.trim().trim_matches(['"', '\'']).to_string();
            }
        }
        if !closed {
            return Err(broken(
                off(open),
                "its front matter (`---`) is never closed".to_string(),
            ));
        }
    }
    let mut header = None;
    for (n, l) in lines.by_ref() {
        let t = l.trim();
        if t.is_empty() || t.starts_with("%%") {
            continue;
        }
        header = Some((n, t));
        break;
    }
    let Some((_, head)) = header else {
        return Err(broken(0, "it holds no Mermaid diagram".to_string()));
    };
    let keyword = head
        .split(|c: char| c.is_whitespace() || c == ';')
        .next()
        .unwrap_or("");
    if keyword != "flowchart" && keyword != "graph" && keyword != "flowchart-elk" {
        return Err(broken(off(head), format!(
            "it is a Mermaid `{keyword}` diagram; msklint reads only flowcharts (`flowchart` or `graph`)"
        )));
    }
    // The rest of the header line may hold statements after a `;`.
    let mut reader = Reader {
        page,
        index: HashMap::new(),
        pairs: HashMap::new(),
        depth: 0,
        base,
        located: Located::default(),
        defined: HashSet::new(),
        edge_ids: HashSet::new(),
    };
    if let Some((_, rest)) = head.split_once(';') {
        reader.line(rest, 1).map_err(|why| broken(off(head), why))?;
    }
    for (n, l) in lines {
        reader.line(l, n + 1).map_err(|why| broken(off(l), why))?;
    }
    Ok((reader.page, reader.located))
}

struct Reader {
    page: Page,
    /// Shapes by ID, and links so far between two IDs.
    index: HashMap<String, usize>,
    pairs: HashMap<(String, String), usize>,
    /// Open subgraphs.
    depth: usize,
    /// Where the text read starts in memory, to turn the statements
    /// (slices of it) into offsets.
    base: usize,
    located: Located,
    /// Shapes whose text has been given.
    defined: HashSet<String>,
    /// Mermaid 11 edge IDs (`a e1@--> b`), so that `e1@{ animate: true }`
    /// is read as styling an edge, not as a shape.
    edge_ids: HashSet<String>,
}

/// Statement keywords passed over: styling, interaction, layout.
const PASSED_OVER: &[&str] = &[
    "classDef",
    "class",
    "style",
    "linkStyle",
    "click",
    "direction",
    "accTitle",
    "accDescr",
];

impl Reader {
    fn line(&mut self, line: &str, number: usize) -> Result<(), String> {
        let line = match line.find("%%") {
            Some(at) if !inside_quotes(line, at) => &line[..at],
            _ => line,
        };
        for statement in split_statements(line) {
            let t = statement.trim();
            if t.is_empty() {
                continue;
            }
            let first = t
                .split(|c: char| c.is_whitespace() || c == ':')
                .next()
                .unwrap_or("");
            if PASSED_OVER.contains(&first) {
                continue;
            }
            // `e1@{ animate: true }`: how an edge is drawn.
            let len = id_length(t);
            if t[len..].starts_with("@{") && self.edge_ids.contains(&t[..len]) {
                continue;
            }
            if first == "subgraph" {
                self.depth += 1;
                continue;
            }
            if t == "end" {
                if self.depth == 0 {
                    return Err(format!("line {number}: `end` closes no subgraph"));
                }
                self.depth -= 1;
                continue;
            }
            self.statement(t)
                .map_err(|why| format!("line {number}: {why}: `{}`", clip(t)))?;
        }
        Ok(())
    }

    /// `group (link group)*`, where a group is `node (& node)*`.
    fn statement(&mut self, t: &str) -> Result<(), String> {
        let here = t.as_ptr() as usize - self.base;
        let mut at = 0;
        let mut before: Vec<String> = self.group(t, &mut at)?;
        loop {
            skip_space(t, &mut at);
            if at >= t.len() {
                return Ok(());
            }
            let arrow_at = at;
            // A Mermaid 11 edge ID before the arrow (`a e1@--> b`) names
            // the edge for styling; it says nothing of the route.
            let len = id_length(&t[at..]);
            if len > 0
                && t[at + len..].starts_with('@')
                && arrow().is_some_and(|r| r.is_match(&t[at + len + 1..]))
            {
                self.edge_ids.insert(t[at..at + len].to_string());
                at += len + 1;
            }
            let (label, ends) = link(t, &mut at).ok_or("expected a link such as `-->` here")?;
            let arrow = (here + arrow_at, here + at);
            skip_space(t, &mut at);
            let after = self.group(t, &mut at)?;
            // `a <--> b` is a route each way; `a ~~~ b` only places b
            // beside a, and is no route at all.
            let mut pairs: Vec<(&String, &String)> = Vec::new();
            for a in &before {
                for b in &after {
                    match ends {
                        Ends::Invisible => {}
                        Ends::One => pairs.push((a, b)),
                        Ends::Both => pairs.extend([(a, b), (b, a)]),
                    }
                }
            }
            for (a, b) in pairs {
                // Named as Mermaid names links: `L_from_to_n`, `n`
                // counting earlier links between the same two nodes.
                let count = self.pairs.entry((a.clone(), b.clone())).or_default();
                let n = *count;
                *count += 1;
                super::too_many(self.page.shapes.len() + self.page.links.len() + 1)?;
                let id = format!("L_{a}_{b}_{n}");
                self.located.links.insert(id.clone(), arrow);
                self.page.links.push(Link {
                    id,
                    from: a.clone(),
                    to: b.clone(),
                    text: label.clone(),
                });
            }
            before = after;
        }
    }

    fn group(&mut self, t: &str, at: &mut usize) -> Result<Vec<String>, String> {
        let mut ids = vec![self.node(t, at)?];
        loop {
            let save = *at;
            skip_space(t, at);
            if t[*at..].starts_with('&') {
                *at += 1;
                skip_space(t, at);
                ids.push(self.node(t, at)?);
            } else {
                *at = save;
                return Ok(ids);
            }
        }
    }

    /// A node: its ID, then optionally its shape and text, then
    /// optionally `:::class`. Declared once; later mentions may add text.
    fn node(&mut self, t: &str, at: &mut usize) -> Result<String, String> {
        let rest = &t[*at..];
        let start = t.as_ptr() as usize - self.base + *at;
        let id_len = id_length(rest);
        if id_len == 0 {
            return Err("expected a node ID here".to_string());
        }
        let id = rest[..id_len].to_string();
        *at += id_len;
        let mut text = None;
        let mut form = Form::Process;
        if t[*at..].starts_with("@{") {
            let close = t[*at..].find('}').ok_or("a `@{` shape is never closed")?;
            let body = &t[*at + 2..*at + close];
            *at += close + 1;
            let (f, label) = shape_data(body);
            form = f;
            text = label;
        } else if let Some((f, open, close)) = SHAPES
            .iter()
            .find(|(_, open, _)| t[*at..].starts_with(open))
            .copied()
        {
            *at += open.len();
            let inner = &t[*at..];
            let (body, used) = if let Some(quoted) = inner.strip_prefix('"') {
                let end = quoted.find('"').ok_or("a quoted label is never closed")?;
                let after = &quoted[end + 1..];
                let after_trim = after.trim_start();
                if !after_trim.starts_with(close) {
                    return Err(format!("expected `{close}` after the label"));
                }
                (
                    &quoted[..end],
                    1 + end + 1 + (after.len() - after_trim.len()) + close.len(),
                )
            } else {
                let end = inner
                    .find(close)
                    .ok_or_else(|| format!("a `{open}` shape is never closed with `{close}`"))?;
                (&inner[..end], end + close.len())
            };
            *at += used;
            form = f;
            text = Some(label_text(body));
        }
        if t[*at..].starts_with(":::") {
            *at += 3;
            *at += id_length(&t[*at..]);
        }
        let place = (start, t.as_ptr() as usize - self.base + *at);
        if text.is_some() && self.defined.insert(id.clone()) {
            self.located.shapes.insert(id.clone(), place);
        } else {
            self.located.shapes.entry(id.clone()).or_insert(place);
        }
        match self
            .index
            .get(&id)
            .and_then(|&i| self.page.shapes.get_mut(i))
        {
            Some(known) => {
                if let Some(text) = text {
                    known.text = text;
                    known.form = form;
                }
            }
            None => {
                super::too_many(self.page.shapes.len() + self.page.links.len() + 1)?;
                self.index.insert(id.clone(), self.page.shapes.len());
                self.page.shapes.push(Shape {
                    text: text.unwrap_or_else(|| id.clone()),
                    id: id.clone(),
                    form,
                });
            }
        }
        Ok(id)
    }
}

/// Openers and closers, longest first, and what each is drawn as.
const SHAPES: &[(Form, &str, &str)] = &[
    (Form::Terminal, "(((", ")))"),
    (Form::Terminal, "((", "))"),
    (Form::Terminal, "([", "])"),
    (Form::Process, "[[", "]]"),
    (Form::Process, "[(", ")]"),
    (Form::Process, "[/", "/]"),
    (Form::Process, "[\\", "\\]"),
    (Form::Process, "[", "]"),
    (Form::Process, "(", ")"),
    // `{{…}}` is a hexagon (a preparation step), not a diamond.
    (Form::Process, "{{", "}}"),
    (Form::Decision, "{", "}"),
    (Form::Process, ">", "]"),
];

/// The `@{ shape: …, label: "…" }` form of Mermaid 11.
fn shape_data(body: &str) -> (Form, Option<String>) {
    let mut form = Form::Process;
    let mut label = None;
    for part in body.split(',') {
        let Some((key, value)) = part.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match key.trim() {
            "shape" => {
                form = match value {
                    "diam" | "diamond" | "decision" | "question" => Form::Decision,
                    "stadium" | "pill" | "terminal" | "circle" | "circ" | "sm-circ" | "start"
                    | "fr-circ" | "stop" | "dbl-circ" | "double-circle" => Form::Terminal,
                    "doc" | "document" | "notch-rect" | "card" | "comment" | "brace"
                    | "brace-r" | "braces" => Form::Note,
                    _ => Form::Process,
                }
            }
            "label" => label = Some(label_text(value)),
            _ => {}
        }
    }
    (form, label)
}

/// A label's text: Markdown-string backticks dropped, `<br>` and other
/// HTML read as `from_html` reads it.
fn label_text(body: &str) -> String {
    let body = body.trim();
    let markdown = body.strip_prefix('`').and_then(|b| b.strip_suffix('`'));
    let body = markdown.unwrap_or(body).replace("\\n", "\n");
    let text = entities(&from_html(&body));
    // A Markdown string (`"`**Spinal** surgery`"`) draws its emphasis
    // marks as bold and italics: they are not words of the label.
    match markdown {
        Some(_) => without_emphasis(&text),
        None => text,
    }
}

/// Markdown emphasis marks (`**`, `__`, `*`, `_` at a word's edge) taken
/// out; an underscore inside a word (`self_referral`) stays.
fn without_emphasis(text: &str) -> String {
    let text = text.replace("**", "").replace("__", "");
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let inside = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|d| d.is_alphanumeric())
        };
        let word_edge = !(inside(i.checked_sub(1)) && inside(Some(i + 1)));
        if matches!(c, '*' | '_') && word_edge {
            continue;
        }
        out.push(c);
    }
    out
}

/// Decodes Mermaid's entity codes, `#lt;` for a name or `#60;` for a
/// decimal code point (the form `msklint graph` writes), after the HTML has
/// been read, so an escaped `<` cannot open a tag. The word joiner that
/// `graph` puts after a `\` (to keep Mermaid from reading `\n` as a line
/// break) is dropped with it.
fn entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(hash) = rest.find('#') {
        out.push_str(&rest[..hash]);
        let after = &rest[hash + 1..];
        let code = after
            .find(';')
            .filter(|&n| n > 0 && n <= 8)
            .map(|n| &after[..n])
            .filter(|c| c.bytes().all(|b| b.is_ascii_alphanumeric()));
        let decoded = code.and_then(|c| {
            let ch = match c {
                "quot" => '"',
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "apos" => '\'',
                "nbsp" => ' ',
                _ if c.bytes().all(|b| b.is_ascii_digit()) => {
                    char::from_u32(c.parse().ok()?).filter(|ch| !ch.is_control())?
                }
                _ => return None,
            };
            Some((ch, c.len()))
        });
        match decoded {
            Some((ch, len)) => {
                out.push(ch);
                rest = &after[len + 1..];
                if ch == '\\' {
                    rest = rest.strip_prefix('\u{2060}').unwrap_or(rest);
                }
            }
            None => {
                out.push('#');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn id_length(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut n = 0;
    while n < bytes.len() {
        let c = bytes[n];
        let ok = c.is_ascii_alphanumeric()
            || c == b'_'
            || (c >= 0x80)
            // `-` and `.` inside an ID, not starting a link.
            || ((c == b'-' || c == b'.')
                && n > 0
                && bytes.get(n + 1).is_some_and(|d| d.is_ascii_alphanumeric() || *d == b'_'));
        if !ok {
            break;
        }
        n += 1;
    }
    // Back to a character boundary (IDs may hold non-ASCII letters).
    while n > 0 && !s.is_char_boundary(n) {
        n -= 1;
    }
    n
}

fn skip_space(t: &str, at: &mut usize) {
    while t[*at..].starts_with([' ', '\t']) {
        *at += 1;
    }
}

fn arrow() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    // `-->`, `---`, `-.->`, `==>`, `--o`, `--x`, `<-->`, longer ones, and
    // a label in the middle: `-- text -->`, `-. text .->`, `== text ==>`.
    RE.get_or_init(|| {
        Regex::new(
            r"^(?:[ox<]?(?:--\s(?P<t1>[^|]*?)\s?-{2,}[->ox]?|==\s(?P<t2>[^|]*?)\s?={2,}[=>ox]?|-\.\s(?P<t3>[^|]*?)\s?\.-+[>ox]?|-{2,}[->ox]|={2,}[=>ox]|-\.+-[>ox]?|~{3,}))",
        )
        .ok()
    })
    .as_ref()
}

/// Which way a link leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ends {
    /// `-->`, `---`, `-.->`, `==>`: from the first node to the second
    /// (a line with no arrowhead is read in the order it is written).
    One,
    /// `<-->`, `o--o`, `x--x`: both ways.
    Both,
    /// `~~~`: layout only.
    Invisible,
}

/// A link at `at`, with its label (empty if none) and which way it leads.
fn link(t: &str, at: &mut usize) -> Option<(String, Ends)> {
    let rest = &t[*at..];
    let caps = arrow()?.captures(rest)?;
    let whole = caps.get(0)?;
    let drawn = whole.as_str();
    let ends = if drawn.starts_with("~~~") {
        Ends::Invisible
    } else {
        match (drawn.chars().next(), drawn.chars().last()) {
            (Some('<'), Some('>')) | (Some('o'), Some('o')) | (Some('x'), Some('x')) => Ends::Both,
            _ => Ends::One,
        }
    };
    let mut label = ["t1", "t2", "t3"]
        .iter()
        .find_map(|n| caps.name(n))
        .map(|m| m.as_str().trim().to_string())
        .unwrap_or_default();
    *at += whole.end();
    // `-->|label|`, also written `--> |label|`
    let mut label_at = *at;
    skip_space(t, &mut label_at);
    if t[label_at..].starts_with('|') {
        *at = label_at;
        let end = t[*at + 1..].find('|')?;
        label = t[*at + 1..*at + 1 + end].trim().to_string();
        *at += end + 2;
    }
    let label = label.trim_matches('"');
    Some((label_text(label), ends))
}

/// Statements on one line are separated by `;` outside quotes and labels.
fn split_statements(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut depth = 0i32;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' | '(' | '{' if !quoted => depth += 1,
            ']' | ')' | '}' if !quoted => depth -= 1,
            ';' if !quoted && depth <= 0 => {
                out.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&line[start..]);
    out
}

fn inside_quotes(line: &str, at: usize) -> bool {
    line[..at].matches('"').count() % 2 == 1
}

fn clip(t: &str) -> String {
    match t.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &t[..at]),
        None => t.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Page {
        read(text.as_bytes()).unwrap().remove(0)
    }

    #[test]
    fn mermaid_11_edge_ids_are_passed_over() {
        let p = page(
            "flowchart TD\n  gp([GP]) --> physio[Physiotherapy]\n  physio e1@==> pain((Pain clinic))\n  a e2@--> |after 6 weeks| b\n  e1@{ animate: true }\n",
        );
        let links: Vec<(&str, &str, &str)> = p
            .links
            .iter()
            .map(|l| (l.from.as_str(), l.to.as_str(), l.text.as_str()))
            .collect();
        assert_eq!(
            links,
            [
                ("gp", "physio", ""),
                ("physio", "pain", ""),
                ("a", "b", "after 6 weeks")
            ]
        );
        assert!(!p.shapes.iter().any(|s| s.id == "e1" || s.id == "e2"));
    }

    #[test]
    fn nodes_shapes_and_links() {
        let p = page(
            "---\ntitle: Knees\n---\nflowchart TD\n  gp([GP practice]) --> fcp[\"First contact<br>practitioner\"]\n  fcp -->|BMI < 40| d{Surgery?}\n  d -- Yes --> ortho[T&O]; d -.-> home((Home))\n  a & b --> c --> d\n  classDef x fill:#f9f\n  %% a comment\n",
        );
        assert_eq!(p.name, "Knees");
        let s = |id: &str| p.shapes.iter().find(|s| s.id == id).unwrap();
        assert_eq!(s("gp").form, Form::Terminal);
        assert_eq!(s("fcp").text, "First contact\npractitioner");
        assert_eq!(s("d").form, Form::Decision);
        assert_eq!(s("home").form, Form::Terminal);
        let l: Vec<(&str, &str, &str)> = p
            .links
            .iter()
            .map(|l| (l.from.as_str(), l.to.as_str(), l.text.as_str()))
            .collect();
        assert!(l.contains(&("fcp", "d", "BMI < 40")));
        assert!(l.contains(&("d", "ortho", "Yes")));
        assert!(l.contains(&("d", "home", "")));
        assert!(l.contains(&("a", "c", "")) && l.contains(&("b", "c", "")));
        assert!(l.contains(&("c", "d", "")));
    }

    #[test]
    fn entity_codes_are_decoded_as_mermaid_decodes_them() {
        let p = page("flowchart LR\n  a[\"Surgery<br>BMI #lt; 40 #amp; ASA #gt;= 2, #35;1 #quot;fit#quot; #9829;\"] --> b[\"#not; #12; a#b\"]\n");
        assert_eq!(
            p.shapes[0].text,
            "Surgery\nBMI < 40 & ASA >= 2, #1 \"fit\" \u{2665}"
        );
        // Unknown names, control characters and a bare `#` stay as written.
        assert_eq!(p.shapes[1].text, "#not; #12; a#b");
    }

    #[test]
    fn labels_written_by_graph_read_back_unchanged() {
        for text in [
            "BMI < 40 & \"fit\"",
            "a\\nb | c `d` #e",
            "<b>not a tag</b>",
            "\\",
        ] {
            let line = format!(
                "flowchart LR\n  a[\"{}\"] --> b\n",
                crate::diagram::escape_mermaid(text)
            );
            assert_eq!(page(&line).shapes[0].text, text, "{line}");
        }
    }

    #[test]
    fn other_diagrams_and_broken_statements_are_refused() {
        let e = read(b"sequenceDiagram\n A->>B: hi\n").unwrap_err();
        assert!(e.contains("sequenceDiagram"), "{e}");
        let e = read(b"flowchart LR\n a --> b[unclosed\n").unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
        let e = read(b"flowchart LR\n a -> b\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(read(b"").is_err());
        assert!(read(b"\xff\xfe").is_err());
    }

    #[test]
    fn mermaid_11_shape_data() {
        let p = page("flowchart TD\n  a@{ shape: stadium, label: \"GP\" } --> b@{ shape: diam, label: \"Ok?\" }\n");
        assert_eq!(p.shapes[0].form, Form::Terminal);
        assert_eq!(p.shapes[0].text, "GP");
        assert_eq!(p.shapes[1].form, Form::Decision);
        let p = page("flowchart TD\n  a@{ shape: hex, label: \"Prep\" } --> b\n");
        assert_eq!(p.shapes[0].form, Form::Process);
    }

    #[test]
    fn a_hexagon_is_a_step_and_a_diamond_a_decision() {
        let p =
            page("flowchart TD\n  gp[GP] --> ortho{{Orthopaedic surgery}}\n  ortho --> d{Fit?}\n");
        let s = |id: &str| p.shapes.iter().find(|s| s.id == id).unwrap();
        assert_eq!(s("ortho").form, Form::Process);
        assert_eq!(s("ortho").text, "Orthopaedic surgery");
        assert_eq!(s("d").form, Form::Decision);
    }

    #[test]
    fn two_way_invisible_and_spaced_label_links() {
        let p = page(
            "flowchart TD\n  gp([GP]) --> p[Physio]\n  p <--> o[Ortho]\n  p ~~~ h([Home])\n  o ~~~~ h\n  p --> |after 6 weeks| h\n  o o--o h\n",
        );
        let routes: Vec<(&str, &str, &str)> = p
            .links
            .iter()
            .map(|l| (l.from.as_str(), l.to.as_str(), l.text.as_str()))
            .collect();
        assert_eq!(
            routes,
            [
                ("gp", "p", ""),
                ("p", "o", ""),
                ("o", "p", ""),
                ("p", "h", "after 6 weeks"),
                ("o", "h", ""),
                ("h", "o", ""),
            ]
        );
        assert!(p.shapes.iter().any(|s| s.id == "h"));
    }
}
