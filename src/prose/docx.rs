//! The text of a Word (`.docx`) document, as Markdown-like lines the
//! sentence splitter understands: one paragraph per line followed by a
//! blank line, `# ` before headings, `- ` before list paragraphs and table
//! cells joined by ` | `. Findings then point at lines of this text, which
//! the human output shows, so a reviewer can find the sentence in Word.
//!
//! Word shows neither these lines nor line numbers, so the reader also
//! records where each paragraph starts (findings name the paragraph and
//! quote it) and which paragraphs each Word comment is attached to (a
//! comment can carry a suppression, see src/suppress.rs).
//!
//! A .docx is a zip archive; the body is `word/document.xml`, comments are
//! in `word/comments.xml`. The archive and the XML are read by the `zip`
//! and `quick-xml` crates; sizes are capped so a zip bomb cannot exhaust
//! memory.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::prose::html::{self, Block};
use crate::source::Paragraph;

/// The most decompressed XML read from one part of a document.
const MAX_XML: u64 = 64 * 1024 * 1024;

/// What msklint reads of a Word document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The Markdown-like text the checks read.
    pub text: String,
    /// Where each non-empty paragraph (or table row) starts in `text`.
    pub paragraphs: Vec<Paragraph>,
    /// Comments attached to paragraphs, in document order.
    pub comments: Vec<Comment>,
}

/// A Word comment and the paragraphs it is attached to.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// 1-based numbers of the first and last paragraph it covers.
    pub first: usize,
    pub last: usize,
    pub text: String,
}

/// The document's text, or why it cannot be read.
pub fn text(bytes: &[u8]) -> Result<String, String> {
    read(bytes).map(|d| d.text)
}

/// Why a zip archive named `.docx` holds no Word document, if it does not:
/// damaged, or another Office file (a presentation, a workbook, a drawing)
/// under a Word name. Only the archive's list of parts is read.
pub fn not_a_document(bytes: &[u8]) -> Option<String> {
    let archive = match zip::ZipArchive::new(std::io::Cursor::new(bytes)) {
        Ok(a) => a,
        Err(_) => {
            return Some(
                "the file is damaged (its zip archive cannot be read, perhaps because it was \
                 cut short while copying or downloading); open it in Word, or copy it again"
                    .to_string(),
            )
        }
    };
    let names: Vec<&str> = archive.file_names().collect();
    if names.contains(&"word/document.xml") {
        return None;
    }
    let mut archive = archive;
    if main_part(&mut archive).is_some_and(|main| archive.by_name(&main).is_ok()) {
        return None;
    }
    let names: Vec<&str> = archive.file_names().collect();
    let what = [
        ("ppt/", "a PowerPoint presentation (.pptx)"),
        ("xl/", "an Excel workbook (.xlsx)"),
        ("visio/", "a Visio drawing (.vsdx)"),
    ]
    .into_iter()
    .find(|(folder, _)| names.iter().any(|n| n.starts_with(folder)))
    .map(|(_, what)| what);
    Some(match what {
        Some(what) => format!(
            "it is {what} under a Word name; give it its own extension (a presentation or a \
             drawing of the pathway can be read with `msklint import`)"
        ),
        None => "it is a zip archive but not a Word document (it has no word/document.xml \
                 inside); open it in the program that made it and save it as a Word document \
                 (.docx) or as plain text (.txt)"
            .to_string(),
    })
}

/// The document's text, paragraphs and comments, or why it cannot be read.
pub fn read(bytes: &[u8]) -> Result<Document, String> {
    read_within(bytes, 0, &std::cell::Cell::new(MAX_XML))
}

/// How deep Word documents may be carried inside one another (as
/// `w:altChunk` parts) before the rest is refused: a bound on the work a
/// crafted file can ask for.
const MAX_NESTING: usize = 3;

/// `budget` is how many bytes of embedded parts' text the whole file may
/// still add: a part named a thousand times, or parts nested inside parts,
/// cannot make a small file expand without bound.
fn read_within(
    bytes: &[u8],
    depth: usize,
    budget: &std::cell::Cell<u64>,
) -> Result<Document, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("it is not a Word document (not a readable zip archive: {e})"))?;
    let mut main = main_part(&mut archive).unwrap_or_else(|| "word/document.xml".to_string());
    let xml = match part(&mut archive, &main)? {
        Some(xml) => xml,
        None => {
            main = "word/document.xml".to_string();
            part(&mut archive, &main)?.ok_or_else(|| {
                "it is not a Word document (no word/document.xml inside)".to_string()
            })?
        }
    };
    let targets = relationships(&mut archive, &main);
    let margins = margin_parts(&mut archive, &main);
    // Each part is read once, however many times the body names it.
    let mut read: HashMap<String, Vec<Block>> = HashMap::new();
    let mut chunk = |id: &str| {
        let blocks = match read.get(id) {
            Some(blocks) => blocks.clone(),
            None => {
                let blocks = chunk_blocks(&mut archive, &targets, id, depth, budget)?;
                read.insert(id.to_string(), blocks.clone());
                blocks
            }
        };
        let size: u64 = blocks.iter().map(|b| b.text_len() as u64).sum();
        match budget.get().checked_sub(size) {
            Some(left) => budget.set(left),
            None => {
                return Err(format!(
                    "its embedded parts hold more than {} MB of text",
                    MAX_XML / (1024 * 1024)
                ))
            }
        }
        Ok(blocks)
    };
    let mut doc = paragraphs_with(&xml, &mut chunk)?;
    // Footnotes, endnotes, headers and footers are read after the body,
    // each under a heading that says what they are: Word shows their words
    // too, and a criterion put in a footnote is still a criterion.
    let mut seen: Vec<String> = Vec::new();
    for (heading, names) in margins {
        let mut under = Document::default();
        for name in names {
            // A margin part that cannot be read is left out; the body is
            // still checked.
            let Ok(Some(xml)) = part(&mut archive, &name) else {
                continue;
            };
            let Ok(found) = paragraphs_with(&xml, &mut |_| Ok(Vec::new())) else {
                continue;
            };
            // The same header on every section is read once.
            if found.text.trim().is_empty() || seen.contains(&found.text) {
                continue;
            }
            seen.push(found.text.clone());
            append(&mut under, found);
        }
        if !under.text.is_empty() {
            let mut titled = Document {
                text: format!("# {heading}\n\n"),
                paragraphs: vec![Paragraph {
                    start: 0,
                    number: 1,
                }],
                comments: Vec::new(),
            };
            append(&mut titled, under);
            if !doc.text.is_empty() && !doc.text.ends_with("\n\n") {
                doc.text.push('\n');
            }
            append(&mut doc, titled);
        }
    }
    if doc.comments.is_empty() {
        return Ok(doc);
    }
    // Comment text lives apart from the body; a document whose comments
    // cannot be read is still checked, without them.
    let texts = match part(&mut archive, "word/comments.xml") {
        Ok(Some(xml)) => comment_texts(&xml).unwrap_or_default(),
        _ => HashMap::new(),
    };
    doc.comments.retain_mut(|c| match texts.get(&c.text) {
        Some(text) => {
            c.text.clone_from(text);
            true
        }
        None => false,
    });
    Ok(doc)
}

/// The body's part as the package's relationships name it. Word writes
/// `word/document.xml`, but Word for the web and SharePoint may write
/// `word/document2.xml`, named only in `_rels/.rels`.
fn main_part(archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>) -> Option<String> {
    let rels = part(archive, "_rels/.rels").ok()??;
    let main = links(&rels)
        .into_iter()
        .find(|l| l.kind.ends_with("/officeDocument"))?;
    let target = main.target.trim_start_matches('/').trim_start_matches("./");
    // Every Office package names its main part so; only a Word one keeps
    // it under `word/` (a renamed presentation points at `ppt/`).
    target.starts_with("word/").then(|| target.to_string())
}

/// One entry of a package's relationships (`*.rels`).
struct Link {
    id: String,
    kind: String,
    target: String,
    external: bool,
}

/// Every relationship a `.rels` part lists, in order; unreadable XML ends
/// the list where it breaks.
fn links(rels: &[u8]) -> Vec<Link> {
    let mut reader = Reader::from_reader(rels);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                out.push(Link {
                    id: attribute(&e, b"Id").unwrap_or_default(),
                    kind: attribute(&e, b"Type").unwrap_or_default(),
                    target: attribute(&e, b"Target").unwrap_or_default(),
                    external: attribute(&e, b"TargetMode").is_some_and(|m| m == "External"),
                });
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
        buf.clear();
    }
}

/// The targets of a part's relationships, by id, as part names in the
/// archive (`word/afchunk.htm`); links outside the package are left out.
fn relationships(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    part_name: &str,
) -> HashMap<String, String> {
    inner_links(archive, part_name)
        .into_iter()
        .filter(|l| !l.id.is_empty())
        .map(|l| (l.id, l.target))
        .collect()
}

/// A part's relationships to other parts of the package, in order, each
/// target given as its part name in the archive.
fn inner_links(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    part_name: &str,
) -> Vec<Link> {
    let (folder, file) = part_name.rsplit_once('/').unwrap_or(("", part_name));
    let rels_name = if folder.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{folder}/_rels/{file}.rels")
    };
    let Ok(Some(rels)) = part(archive, &rels_name) else {
        return Vec::new();
    };
    links(&rels)
        .into_iter()
        .filter(|l| !l.external && !l.target.is_empty())
        .map(|mut l| {
            let name = match l.target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None if folder.is_empty() => l.target.clone(),
                None => format!("{folder}/{}", l.target),
            };
            l.target = tidy_part_name(&name);
            l
        })
        .collect()
}

/// The parts Word shows around the body, in the order they are read:
/// footnotes, endnotes, then headers and footers, each with the heading
/// written above them.
fn margin_parts(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    main: &str,
) -> Vec<(&'static str, Vec<String>)> {
    let found = inner_links(archive, main);
    let named = |kinds: &[&str]| -> Vec<String> {
        found
            .iter()
            .filter(|l| kinds.iter().any(|k| l.kind.ends_with(k)))
            .map(|l| l.target.clone())
            .collect()
    };
    vec![
        ("Footnotes", named(&["/footnotes"])),
        ("Endnotes", named(&["/endnotes"])),
        ("Headers and footers", named(&["/header", "/footer"])),
    ]
}

/// `more` written after `doc`, its paragraphs numbered on from `doc`'s.
fn append(doc: &mut Document, more: Document) {
    let (offset, count) = (doc.text.len(), doc.paragraphs.len());
    doc.text.push_str(&more.text);
    doc.paragraphs
        .extend(more.paragraphs.into_iter().map(|p| Paragraph {
            start: p.start + offset,
            number: p.number + count,
        }));
    doc.comments
        .extend(more.comments.into_iter().map(|c| Comment {
            first: c.first + count,
            last: c.last + count,
            text: c.text,
        }));
}

/// `a/./b/../c` as `a/c`.
fn tidy_part_name(name: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for piece in name.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The blocks of text an embedded part (`w:altChunk`) holds: HTML or a
/// web archive, plain text, or another Word document. Word converts such
/// parts into paragraphs when it opens the file; a part msklint cannot
/// read (RTF) refuses the document rather than leave its words unchecked.
fn chunk_blocks(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    targets: &HashMap<String, String>,
    id: &str,
    depth: usize,
    budget: &std::cell::Cell<u64>,
) -> Result<Vec<Block>, String> {
    let Some(name) = targets.get(id) else {
        return Ok(Vec::new());
    };
    let Some(bytes) = part(archive, name)? else {
        return Ok(Vec::new());
    };
    let lower = name.to_ascii_lowercase();
    if bytes.starts_with(b"PK") || lower.ends_with(".docx") {
        if depth >= MAX_NESTING {
            return Err(format!(
                "its text is in Word documents nested more than {MAX_NESTING} deep"
            ));
        }
        let inner = read_within(&bytes, depth + 1, budget)?;
        return Ok(inner
            .text
            .split("\n\n")
            .filter(|l| !l.trim().is_empty())
            .map(|l| Block::Written(l.to_string()))
            .collect());
    }
    if bytes.starts_with(b"{\\rtf") || lower.ends_with(".rtf") {
        return Err(format!(
            "part of its text is an embedded RTF document ({name}), which msklint cannot read; \
             open the file in Word and save it again, which turns that part into ordinary paragraphs"
        ));
    }
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => match crate::prose::encoding::decode(e.into_bytes()) {
            Ok(decoded) => decoded.text,
            Err(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        },
    };
    let text = text.trim_start_matches('\u{feff}');
    if lower.ends_with(".txt") {
        return Ok(text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Block::Line("", l.to_string()))
            .collect());
    }
    let html = html::from_web_archive(text);
    Ok(html::blocks(html.as_deref().unwrap_or(text)))
}

/// One part of the archive, decompressed (at most [`MAX_XML`] bytes).
fn part(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<Vec<u8>>, String> {
    let Ok(entry) = archive.by_name(name) else {
        return Ok(None);
    };
    let mut xml = Vec::new();
    entry
        .take(MAX_XML + 1)
        .read_to_end(&mut xml)
        .map_err(|e| format!("its content could not be decompressed: {e}"))?;
    if xml.len() as u64 > MAX_XML {
        return Err(format!(
            "its text is larger than {} MB when decompressed",
            MAX_XML / (1024 * 1024)
        ));
    }
    Ok(Some(xml))
}

/// An attribute's value, by its local name (`w:val` as `val`).
fn attribute(e: &BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// The `w:id` attribute of an element.
fn id_of(e: &BytesStart<'_>) -> Option<String> {
    attribute(e, b"id")
}

/// Each comment's text in `comments.xml`, by id (paragraphs joined by
/// newlines).
fn comment_texts(xml: &[u8]) -> Result<HashMap<String, String>, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut texts = HashMap::new();
    let mut current: Option<(String, String)> = None;
    let mut in_text = false;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("its comments are malformed: {e}"))?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"comment" => {
                current = id_of(&e).map(|id| (id, String::new()));
            }
            Event::Start(e) if e.local_name().as_ref() == b"t" => in_text = true,
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => {
                    if let Some((_, text)) = current.as_mut() {
                        text.push('\n');
                    }
                }
                b"comment" => {
                    if let Some((id, text)) = current.take() {
                        texts.insert(id, text.trim().to_string());
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let (Some((_, text)), Ok(t)) = (current.as_mut(), t.decode()) {
                    text.push_str(&t);
                }
            }
            Event::GeneralRef(r) if in_text => {
                if let Some((_, text)) = current.as_mut() {
                    push_reference(text, &r);
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(texts)
}

/// Appends a character or entity reference (`&#8217;`, `&amp;`).
fn push_reference(out: &mut String, r: &quick_xml::events::BytesRef<'_>) {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        out.push(c);
    } else if let Ok(name) = r.decode() {
        let resolved = quick_xml::escape::resolve_predefined_entity(&name);
        out.push_str(resolved.unwrap_or(""));
    }
}

/// Which paragraphs comments start and end in, while the body is read.
/// A comment marker in an empty paragraph (which gets no number) moves on
/// to the next paragraph that has text.
#[derive(Default)]
struct Anchors {
    /// Comment ids seen since the last numbered paragraph.
    starts: Vec<String>,
    ends: Vec<String>,
    /// id → (first, last) paragraph, in the order comments start.
    found: Vec<(String, usize, Option<usize>)>,
}

impl Anchors {
    /// The paragraph numbered `number` has just been written.
    fn settle(&mut self, number: usize) {
        for id in self.starts.drain(..) {
            self.found.push((id, number, None));
        }
        for id in self.ends.drain(..) {
            if let Some(f) = self.found.iter_mut().rev().find(|f| f.0 == id) {
                f.2 = Some(number);
            }
        }
    }

    fn comments(self) -> Vec<Comment> {
        self.found
            .into_iter()
            .map(|(id, first, last)| Comment {
                first,
                last: last.unwrap_or(first).max(first),
                // The id, until `read` swaps in the comment's text.
                text: id,
            })
            .collect()
    }
}

/// Walks `document.xml`: `w:p` paragraphs, `w:t` text runs, `w:tab` and
/// `w:br`, heading styles, numbering, table cells and comment anchors.
#[cfg(test)]
fn paragraphs(xml: &[u8]) -> Result<Document, String> {
    paragraphs_with(xml, &mut |_| Ok(Vec::new()))
}

/// As the body's paragraphs, with `chunk` giving the blocks of each
/// embedded part by its relationship id.
fn paragraphs_with(
    xml: &[u8],
    chunk: &mut dyn FnMut(&str) -> Result<Vec<Block>, String>,
) -> Result<Document, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut numbered: Vec<Paragraph> = Vec::new();
    let mut anchors = Anchors::default();
    let mut para = String::new();
    let mut prefix = "";
    let mut in_text = false;
    // In a run set as superscript: a footnote mark typed after a word.
    let mut raised = false;
    // Inside a paragraph's own properties or a tracked change's old ones.
    let mut old_format = 0usize;
    // Each cell's paragraphs, for the row being read.
    let mut row: Vec<Vec<(&str, String)>> = Vec::new();
    let mut in_cell = false;
    // For each cell of the row: its first column and whether it starts
    // (`Some(true)`) or continues (`Some(false)`) a vertically merged cell;
    // the column the next cell starts at; and the text each column's
    // merged cell started with, which Word shows beside every row it spans.
    let mut cell_places: Vec<(usize, Option<bool>)> = Vec::new();
    let mut column = 0usize;
    let mut span = 1usize;
    let mut merged: HashMap<usize, String> = HashMap::new();
    // For each table open, whether it sits in a cell of another; a nested
    // table's rows are read as lines of the cell that holds it, and the
    // outer row waits here meanwhile.
    let mut tables: Vec<bool> = Vec::new();
    let mut outer: Vec<Outer> = Vec::new();
    // Inside `mc:Fallback`: the same content again for older readers
    // (text boxes, shapes), already read from `mc:Choice`; or inside a
    // tracked move's old place.
    let mut fallback_depth = 0usize;
    // A text box's paragraphs sit inside the paragraph that anchors it:
    // the anchor's text so far waits here while they are written.
    let mut anchored: Vec<(String, &str, bool)> = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("its XML is malformed: {e}"))?;
        match &event {
            // Text moved away under tracked changes is a deletion: the
            // moved text is read where it went (`w:moveTo`).
            Event::Start(e) if matches!(e.local_name().as_ref(), b"Fallback" | b"moveFrom") => {
                fallback_depth += 1;
            }
            Event::End(e) if matches!(e.local_name().as_ref(), b"Fallback" | b"moveFrom") => {
                fallback_depth = fallback_depth.saturating_sub(1);
            }
            _ => {}
        }
        if fallback_depth > 0 {
            buf.clear();
            continue;
        }
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"pStyle" => {
                let style = e
                    .attributes()
                    .flatten()
                    .find(|a| a.key.local_name().as_ref() == b"val")
                    .map(|a| String::from_utf8_lossy(&a.value).to_ascii_lowercase())
                    .unwrap_or_default();
                if style.starts_with("heading") || style == "title" {
                    prefix = "# ";
                } else if style.contains("list") && prefix.is_empty() {
                    prefix = "- ";
                }
            }
            // A run's own formatting only: not the paragraph mark's (in
            // `pPr`), nor what a tracked change replaced (`rPrChange`).
            Event::Start(e) if matches!(e.local_name().as_ref(), b"rPrChange" | b"pPr") => {
                old_format += 1;
            }
            Event::End(e) if matches!(e.local_name().as_ref(), b"rPrChange" | b"pPr") => {
                old_format = old_format.saturating_sub(1);
            }
            Event::Start(e) if e.local_name().as_ref() == b"r" => raised = false,
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == b"vertAlign" && old_format == 0 =>
            {
                raised = e
                    .attributes()
                    .flatten()
                    .any(|a| a.key.local_name().as_ref() == b"val" && &*a.value == b"superscript");
            }
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == b"numPr" && prefix.is_empty() =>
            {
                prefix = "- ";
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(
                    e.local_name().as_ref(),
                    b"commentRangeStart" | b"commentRangeEnd" | b"commentReference"
                ) =>
            {
                if let Some(id) = id_of(&e) {
                    match e.local_name().as_ref() {
                        b"commentRangeStart" => anchors.starts.push(id),
                        b"commentRangeEnd" => anchors.ends.push(id),
                        // A reference without a range marks its own
                        // paragraph.
                        _ if !anchors.found.iter().any(|f| f.0 == id)
                            && !anchors.starts.contains(&id) =>
                        {
                            anchors.starts.push(id);
                        }
                        _ => {}
                    }
                }
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"altChunk" => {
                for block in chunk(&id_of(&e).unwrap_or_default())? {
                    if in_cell {
                        if let Some(cell) = row.last_mut() {
                            let line = match block {
                                Block::Line(_, line) | Block::Written(line) => line,
                                Block::Row(cells) => cells.join(" "),
                            };
                            cell.push(("", line));
                        }
                        continue;
                    }
                    if out.ends_with(" |\n") && !matches!(block, Block::Row(_)) {
                        out.push('\n');
                    }
                    number(&mut numbered, &mut anchors, out.len());
                    match block {
                        Block::Line(prefix, line) => {
                            let (prefix, line) = typed_item(prefix, &line);
                            out.push_str(prefix);
                            out.push_str(&literal(line));
                        }
                        Block::Written(line) => out.push_str(&line),
                        Block::Row(cells) => {
                            // Rows follow one another, under their header.
                            out.push_str("| ");
                            out.push_str(&cells.join(" | "));
                            out.push_str(" |\n");
                            continue;
                        }
                    }
                    out.push_str("\n\n");
                }
            }
            Event::Start(e) => match e.local_name().as_ref() {
                b"t" => in_text = true,
                b"txbxContent" => {
                    anchored.push((std::mem::take(&mut para), prefix, in_cell));
                    prefix = "";
                    in_cell = false;
                }
                b"tc" => {
                    in_cell = true;
                    row.push(Vec::new());
                    cell_places.push((column, None));
                    span = 1;
                }
                b"tr" => {
                    row.clear();
                    cell_places.clear();
                    column = 0;
                }
                b"tbl" => {
                    tables.push(in_cell);
                    if in_cell {
                        outer.push(Outer {
                            row: std::mem::take(&mut row),
                            places: std::mem::take(&mut cell_places),
                            column,
                            span,
                            merged: std::mem::take(&mut merged),
                            lines: Vec::new(),
                        });
                        in_cell = false;
                    }
                    merged.clear();
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                // A bullet drawn from a symbol font (Symbol's U+F0B7) at
                // the start of a paragraph: a list item typed by hand.
                b"sym" if para.trim().is_empty() && prefix.is_empty() => para.push_str("\u{2022} "),
                b"tab" => para.push(' '),
                b"br" | b"cr" => para.push('\n'),
                // Word's non-breaking hyphen (Ctrl+Shift+-) is an element,
                // not text: dropped, "non-smokers" read "nonsmokers".
                b"noBreakHyphen" => para.push('-'),
                b"gridSpan" if in_cell => {
                    span = attribute(&e, b"val")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(1usize)
                        .clamp(1, 64);
                }
                b"vMerge" if in_cell => {
                    let starts = attribute(&e, b"val").is_some_and(|v| v == "restart");
                    if let Some(place) = cell_places.last_mut() {
                        place.1 = Some(starts);
                    }
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                let text = t
                    .decode()
                    .map_err(|e| format!("its text is not readable: {e}"))?;
                if !(raised && is_mark(&para, &text)) {
                    para.push_str(&text);
                }
            }
            Event::GeneralRef(r) if in_text => push_reference(&mut para, &r),
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"r" => raised = false,
                b"txbxContent" => {
                    if let Some((text, was, cell)) = anchored.pop() {
                        (para, prefix, in_cell) = (text, was, cell);
                    }
                }
                b"p" => {
                    let line = para.trim();
                    if in_cell {
                        if let Some(cell) = row.last_mut().filter(|_| !line.is_empty()) {
                            cell.push((prefix, line.to_string()));
                        }
                    } else if !line.is_empty() {
                        number(&mut numbered, &mut anchors, out.len());
                        let (lead, items) = soft_list(line);
                        let (prefix, lead) = typed_item(prefix, lead);
                        out.push_str(prefix);
                        out.push_str(&literal(lead));
                        out.push_str("\n\n");
                        for item in items {
                            out.push_str("- ");
                            out.push_str(&literal(item));
                            out.push_str("\n\n");
                        }
                    }
                    para.clear();
                    prefix = "";
                }
                b"tc" => {
                    in_cell = false;
                    column += span;
                }
                b"tbl" if tables.pop() == Some(true) => {
                    if let Some(was) = outer.pop() {
                        let lines = was.lines;
                        (row, cell_places, column, span, merged) =
                            (was.row, was.places, was.column, was.span, was.merged);
                        in_cell = true;
                        if let Some(cell) = row.last_mut() {
                            cell.extend(lines.into_iter().map(|l| ("", l)));
                        }
                    }
                }
                // The table ends: a blank line, as after a paragraph.
                b"tbl" if out.ends_with(" |\n") => out.push('\n'),
                b"tr" => {
                    for (cell, &(at, merge)) in row.iter_mut().zip(&cell_places) {
                        match merge {
                            Some(true) => {
                                let text: Vec<&str> =
                                    cell.iter().map(|(_, l)| l.as_str()).collect();
                                merged.insert(at, text.join(" "));
                            }
                            Some(false) if cell.is_empty() => {
                                if let Some(text) = merged.get(&at).filter(|t| !t.is_empty()) {
                                    cell.push(("", text.clone()));
                                }
                            }
                            _ => {}
                        }
                    }
                    let filled: Vec<&Vec<(&str, String)>> =
                        row.iter().filter(|c| !c.is_empty()).collect();
                    let cells: Vec<String> = filled
                        .iter()
                        .map(|c| {
                            let lines: Vec<&str> = c.iter().map(|(_, l)| l.as_str()).collect();
                            lines.join(" ")
                        })
                        .collect();
                    // A nested table's row: a line of the outer cell.
                    if let Some(nest) = outer.last_mut() {
                        if !cells.is_empty() {
                            nest.lines.push(cells.join(" "));
                        }
                        row.clear();
                        buf.clear();
                        continue;
                    }
                    // A row of one cell is a box around text (a "Policy
                    // statement" panel), not data: its paragraphs are
                    // paragraphs, so one's exception does not reach into
                    // the next. (A row whose other cells are blank, as a
                    // header over a column of names often is, is a row.)
                    if let ([only], 1) = (filled.as_slice(), row.len()) {
                        if out.ends_with(" |\n") {
                            out.push('\n');
                        }
                        for (mark, line) in only.iter() {
                            number(&mut numbered, &mut anchors, out.len());
                            let (mark, line) = typed_item(mark, line);
                            out.push_str(mark);
                            out.push_str(&literal(line));
                            out.push_str("\n\n");
                        }
                        row.clear();
                        buf.clear();
                        continue;
                    }
                    if !cells.is_empty() {
                        number(&mut numbered, &mut anchors, out.len());
                        out.push_str("| ");
                        out.push_str(&cells.join(" | "));
                        // Rows follow one another, so the first is read as
                        // the header of the rest.
                        out.push_str(" |\n");
                    }
                    row.clear();
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    // Comments ending after the last paragraph end there.
    if let Some(last) = numbered.last() {
        anchors.starts.clear();
        anchors.settle(last.number);
    }
    Ok(Document {
        text: out,
        paragraphs: numbered,
        comments: anchors.comments(),
    })
}

/// A table row waiting while a table nested in its last cell is read.
struct Outer<'a> {
    row: Vec<Vec<(&'a str, String)>>,
    places: Vec<(usize, Option<bool>)>,
    column: usize,
    span: usize,
    merged: HashMap<usize, String>,
    /// The nested table's rows so far, each as one line.
    lines: Vec<String>,
}

/// A paragraph that is a list item typed by hand: a bullet character,
/// `-`, `*` or `+` and a space or tab before the words, in a paragraph
/// Word does not number itself. It is written as the list item it is, so
/// a lead-in above it reaches it (numbered ones, `1)` and `a.`, are read
/// as items already).
fn typed_item<'a>(prefix: &'a str, line: &'a str) -> (&'a str, &'a str) {
    if !prefix.is_empty() {
        return (prefix, line);
    }
    let mut chars = line.chars();
    let (Some(first), Some(gap)) = (chars.next(), chars.next()) else {
        return (prefix, line);
    };
    // Word's second-level bullet in some fonts is a plain `o` before a tab.
    let bullet = crate::prose::sentences::BULLETS.contains(&first) && (gap == ' ' || gap == '\t')
        || (first == 'o' && gap == '\t');
    let rest = line[first.len_utf8()..].trim_start();
    if bullet && !rest.is_empty() {
        ("- ", rest)
    } else {
        (prefix, line)
    }
}

/// A paragraph whose lines after a lead-in ending in `:` are kept apart
/// by line breaks (Shift+Enter) rather than made a list: those lines are
/// the list's items, as a reader sees them, so one item's exception does
/// not reach the next. Returns the paragraph up to the lead-in, and the
/// items.
fn soft_list(paragraph: &str) -> (&str, Vec<&str>) {
    let Some(colon) = paragraph
        .match_indices('\n')
        .map(|(at, _)| at)
        .find(|&at| paragraph[..at].trim_end().ends_with(':'))
    else {
        return (paragraph, Vec::new());
    };
    let items: Vec<&str> = paragraph[colon + 1..]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // A line going on in lower case finishes the one above ("Please
    // note:⏎The threshold of 40⏎does not apply here."): no list.
    if items
        .iter()
        .any(|l| l.starts_with(|c: char| c.is_lowercase()))
    {
        return (paragraph, Vec::new());
    }
    (paragraph[..colon].trim_end(), items)
}

/// Whether superscript `text` after `before` is a footnote mark ("4",
/// "2,3", "*"): written out, it sticks to the word ("months4") and hides
/// it from the patterns. A raised letter or word ("1st", "m2" of a unit
/// is read as "m") is kept.
fn is_mark(before: &str, text: &str) -> bool {
    let mark = text.trim();
    !mark.is_empty()
        && mark.chars().count() <= 6
        && mark
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '-' | '–' | '*' | '†' | '‡'))
        && before
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphabetic() || matches!(c, ')' | '.' | ',' | ';' | ':' | '%'))
}

/// Numbers the paragraph about to be written at `start`.
fn number(numbered: &mut Vec<Paragraph>, anchors: &mut Anchors, start: usize) {
    let number = numbered.len() + 1;
    numbered.push(Paragraph { start, number });
    anchors.settle(number);
}

/// A paragraph as text, never as Markdown syntax: a Word paragraph that
/// happens to start with a code fence, `---` or `<!--` would otherwise hide
/// the rest of the document. A word joiner (U+2060, invisible) goes first.
fn literal(line: &str) -> std::borrow::Cow<'_, str> {
    let markup = [
        "```", "~~~", "---", "...", "<!--", "|", "#", "- ", "* ", "+ ",
    ];
    if markup.iter().any(|m| line.starts_with(m)) {
        std::borrow::Cow::Owned(format!("\u{2060}{line}"))
    } else {
        std::borrow::Cow::Borrowed(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_tables_and_runs() {
        let xml = br#"<w:document xmlns:w="x"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Hip policy</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Patients with a BMI </w:t></w:r><w:r><w:t>&gt; 40 &amp; smokers</w:t></w:r><w:r><w:tab/><w:t>wait.</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>First item</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>BMI</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>under 35</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
        let doc = paragraphs(xml).unwrap_or_default();
        assert_eq!(
            doc.text,
            "# Hip policy\n\nPatients with a BMI > 40 & smokers wait.\n\n- First item\n\n| BMI | under 35 |\n\n"
        );
        let starts: Vec<(usize, usize)> =
            doc.paragraphs.iter().map(|p| (p.start, p.number)).collect();
        assert_eq!(starts, [(0, 1), (14, 2), (56, 3), (70, 4)]);
    }

    /// A footnote number typed as superscript joined the word before it
    /// ("months4"), and the symptom-length rule never saw "months".
    #[test]
    fn superscript_footnote_marks_are_left_out() {
        let sup = r#"<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>"#;
        let xml = format!(
            r#"<w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>Symptoms must have lasted six months</w:t></w:r><w:r>{sup}<w:t>4</w:t></w:r><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:r><w:t>Smokers</w:t></w:r><w:r>{sup}<w:t>2,3</w:t></w:r><w:r><w:t xml:space="preserve"> are not listed.</w:t></w:r></w:p>
<w:p><w:pPr><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:pPr><w:r><w:t>Level 4</w:t></w:r></w:p>
<w:p><w:r><w:rPr><w:rPrChange><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:rPrChange></w:rPr><w:t>Stage 2</w:t></w:r></w:p>
<w:p><w:r><w:t>The 1</w:t></w:r><w:r>{sup}<w:t>st</w:t></w:r><w:r><w:t xml:space="preserve"> visit and 40 </w:t></w:r><w:r>{sup}<w:t>5</w:t></w:r><w:r><w:t>0 kg.</w:t></w:r></w:p>
</w:body></w:document>"#
        );
        let doc = paragraphs(xml.as_bytes()).unwrap_or_default();
        assert_eq!(
            doc.text,
            "Symptoms must have lasted six months.\n\nSmokers are not listed.\n\nLevel 4\n\nStage 2\n\nThe 1st visit and 40 50 kg.\n\n"
        );
    }

    /// Bullets typed by hand, or drawn from the Symbol font, were not list
    /// items, so the lead-in above them never reached them.
    #[test]
    fn bullets_typed_by_hand_are_list_items() {
        let xml = br#"<w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>Referral is accepted only if:</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">- BMI under 35</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">*  Non-smoker</w:t></w:r></w:p>
<w:p><w:r><w:sym w:font="Symbol" w:char="F0B7"/></w:r><w:r><w:tab/><w:t>Pain for 6 months</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">-40 is a number, and --- a rule.</w:t></w:r></w:p>
<w:p><w:r><w:t>---</w:t></w:r></w:p>
</w:body></w:document>"#;
        let doc = paragraphs(xml).unwrap_or_default();
        assert_eq!(
            doc.text,
            "Referral is accepted only if:\n\n- BMI under 35\n\n- Non-smoker\n\n- Pain for 6 months\n\n-40 is a number, and --- a rule.\n\n\u{2060}---\n\n"
        );
    }

    #[test]
    fn lines_broken_under_a_lead_in_are_its_items() {
        let xml = br#"<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Listed only if all of these are met:</w:t><w:br/><w:t>BMI under 35</w:t><w:br/><w:t>Smoking is recorded for audit only</w:t></w:r></w:p><w:p><w:r><w:t>Line one</w:t><w:br/><w:t>line two.</w:t></w:r></w:p></w:body></w:document>"#;
        let doc = paragraphs(xml).unwrap_or_default();
        assert_eq!(
            doc.text,
            "Listed only if all of these are met:\n\n- BMI under 35\n\n- Smoking is recorded for audit only\n\nLine one\nline two.\n\n"
        );
        assert_eq!(doc.paragraphs.len(), 2);
        // A line going on in lower case finishes the sentence above.
        let text = "Please note:\nThe threshold of 40\ndoes not apply here.";
        assert_eq!(soft_list(text), (text, Vec::new()));
    }

    #[test]
    fn a_non_breaking_hyphen_is_a_hyphen() {
        let xml = br#"<w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>Only non</w:t></w:r><w:r><w:noBreakHyphen/><w:t>smokers are listed.</w:t></w:r></w:p>
</w:body></w:document>"#;
        let text = paragraphs(xml).unwrap_or_default().text;
        assert_eq!(text, "Only non-smokers are listed.\n\n");
    }

    #[test]
    fn fallback_copies_are_skipped_and_markup_is_literal() {
        let xml = br#"<w:document xmlns:w="x" xmlns:mc="m"><w:body>
<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>Box</w:t></mc:Choice><mc:Fallback><w:t>Box</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:p><w:r><w:t>```</w:t></w:r></w:p>
<w:p><w:r><w:t>After.</w:t></w:r></w:p>
</w:body></w:document>"#;
        let text = paragraphs(xml).unwrap_or_default().text;
        assert_eq!(text, "Box\n\n\u{2060}```\n\nAfter.\n\n");
        // The fence is text (with no words, so no sentence): "After." is
        // still read.
        let found = crate::prose::sentences::split(&text);
        let last = found.last().map(|s| &text[s.span.start()..s.span.end()]);
        assert_eq!((found.len(), last), (2, Some("After.")));
    }

    /// A text box's paragraphs were joined to the words of the paragraph
    /// anchoring it ("criteria.Smokers"); they are paragraphs of their own.
    #[test]
    fn a_text_box_is_read_as_its_own_paragraphs() {
        let xml = br#"<w:document xmlns:w="x" xmlns:mc="m" xmlns:wps="s"><w:body>
<w:p><w:r><w:t>Referral criteria</w:t></w:r><w:r><mc:AlternateContent><mc:Choice><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>Smokers are not referred.</w:t></w:r></w:p><w:p><w:r><w:t>Nor is a BMI over 40.</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Smokers are not referred.</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t> are below.</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Cell</w:t></w:r><w:r><w:drawing><w:txbxContent><w:p><w:r><w:t>Boxed.</w:t></w:r></w:p></w:txbxContent></w:drawing></w:r><w:r><w:t> text</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Two</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
        let doc = paragraphs(xml).unwrap_or_default();
        assert_eq!(
            doc.text,
            "Smokers are not referred.\n\nNor is a BMI over 40.\n\nReferral criteria are below.\n\nBoxed.\n\n| Cell text | Two |\n\n"
        );
    }

    /// A one-cell table is a box around paragraphs: its text was read as
    /// one run-on sentence, so an exception in one paragraph silenced the
    /// rules in the others.
    #[test]
    fn a_tables_rows_follow_its_header_with_merged_and_blank_cells_kept() {
        let cell = |text: &str, props: &str| {
            format!("<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
        };
        let rows = [
            format!(
                "{}{}",
                cell("", ""),
                cell("Threshold for referral", r#"<w:gridSpan w:val="2"/>"#)
            ),
            format!(
                "{}{}{}",
                cell("Weight", r#"<w:vMerge w:val="restart"/>"#),
                cell("BMI", ""),
                cell("Under 35", "")
            ),
            format!(
                "{}{}{}",
                cell("", "<w:vMerge/>"),
                cell("Waist", ""),
                cell("Under 100 cm", "")
            ),
        ];
        let xml = format!(
            r#"<w:document xmlns:w="x"><w:body><w:tbl>{}</w:tbl><w:p><w:r><w:t>After.</w:t></w:r></w:p></w:body></w:document>"#,
            rows.iter()
                .map(|r| format!("<w:tr>{r}</w:tr>"))
                .collect::<String>()
        );
        let doc = paragraphs(xml.as_bytes()).unwrap_or_default();
        // The header keeps its place though its first cell is blank; the
        // merged cell is read beside each row it spans; the rows have no
        // blank line between them, so the first leads the rest.
        assert_eq!(
            doc.text,
            "| Threshold for referral |\n| Weight | BMI | Under 35 |\n| Weight | Waist | Under 100 cm |\n\nAfter.\n\n"
        );
        let found = crate::prose::sentences::split(&doc.text);
        let with = found[2].with.map(|w| &doc.text[w.start()..w.end()]);
        assert_eq!(with, Some("| Threshold for referral |"));
    }

    /// A table inside a cell reset the row holding it: the outer cell's
    /// own words, and the cells before it, were lost.
    #[test]
    fn a_table_in_a_cell_is_read_as_lines_of_that_cell() {
        let cell = |inner: &str| format!("<w:tc>{inner}</w:tc>");
        let p = |text: &str| format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>");
        let inner = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
            cell(&p("BMI")),
            cell(&p("under 35")),
            cell(&p("Smoking")),
            cell(&p("stopped"))
        );
        let xml = format!(
            "<w:document xmlns:w=\"x\"><w:body><w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>{}</w:body></w:document>",
            cell(&p("Stage")),
            cell(&p("Criteria")),
            cell(&p("Listing")),
            cell(&format!("{}{inner}{}", p("Patients need:"), p("Checked at clinic."))),
            p("After.")
        );
        let doc = paragraphs(xml.as_bytes()).unwrap_or_default();
        assert_eq!(
            doc.text,
            "| Stage | Criteria |\n| Listing | Patients need: BMI under 35 Smoking stopped Checked at clinic. |\n\nAfter.\n\n"
        );
        assert_eq!(doc.paragraphs.len(), 3);
    }

    #[test]
    fn a_one_cell_table_is_read_as_paragraphs() {
        let xml = br#"<w:document xmlns:w="x"><w:body>
<w:tbl><w:tr><w:tc><w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Policy statement</w:t></w:r></w:p><w:p><w:r><w:t>Smokers are not listed.</w:t></w:r></w:p><w:p><w:pPr><w:numPr/></w:pPr><w:r><w:t>Support is offered to everyone</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>BMI</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>under</w:t></w:r></w:p><w:p><w:r><w:t>35</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
        let doc = paragraphs(xml).unwrap_or_default();
        assert_eq!(
            doc.text,
            "# Policy statement\n\nSmokers are not listed.\n\n- Support is offered to everyone\n\n| BMI | under 35 |\n\n"
        );
        assert_eq!(doc.paragraphs.len(), 4);
    }

    /// A tracked move left its text at both places; only the new one is
    /// read, as Word shows the old one struck through.
    #[test]
    fn a_tracked_move_is_read_where_it_went() {
        let xml = br#"<w:document xmlns:w="x"><w:body>
<w:p><w:moveFrom w:id="1"><w:r><w:t>BMI over 40 is not listed.</w:t></w:r></w:moveFrom></w:p>
<w:p><w:r><w:t>Middle.</w:t></w:r></w:p>
<w:p><w:moveTo w:id="2"><w:r><w:t>BMI over 40 is not listed.</w:t></w:r></w:moveTo></w:p>
</w:body></w:document>"#;
        let text = paragraphs(xml).unwrap_or_default().text;
        assert_eq!(text, "Middle.\n\nBMI over 40 is not listed.\n\n");
    }

    #[test]
    fn comments_are_anchored_to_the_paragraphs_they_cover() {
        let xml = br#"<w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>One.</w:t></w:r></w:p>
<w:p><w:commentRangeStart w:id="7"/></w:p>
<w:p><w:r><w:t>Two.</w:t></w:r><w:commentRangeEnd w:id="7"/><w:r><w:commentReference w:id="7"/></w:r></w:p>
<w:p><w:commentRangeStart w:id="8"/><w:r><w:t>Three.</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Four</w:t></w:r><w:commentRangeEnd w:id="8"/></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:t>Five.</w:t><w:commentReference w:id="9"/></w:r></w:p>
</w:body></w:document>"#;
        let doc = paragraphs(xml).unwrap_or_default();
        let spans: Vec<(&str, usize, usize)> = doc
            .comments
            .iter()
            .map(|c| (c.text.as_str(), c.first, c.last))
            .collect();
        // Comment 7 starts in an empty paragraph, so on the next one.
        assert_eq!(spans, [("7", 2, 2), ("8", 3, 4), ("9", 5, 5)]);
        let texts = comment_texts(br#"<w:comments xmlns:w="x"><w:comment w:id="7" w:author="A"><w:p><w:r><w:t>msklint: allow(bmi-threshold)</w:t></w:r></w:p><w:p><w:r><w:t>reason: &#8220;agreed&#8221;</w:t></w:r></w:p></w:comment></w:comments>"#).unwrap_or_default();
        assert_eq!(
            texts.get("7").map(String::as_str),
            Some("msklint: allow(bmi-threshold)\nreason: “agreed”")
        );
    }

    #[test]
    fn not_a_zip_is_an_error_not_a_panic() {
        assert!(text(b"plain text").is_err());
        assert!(paragraphs(b"<a></b>").is_err());
    }
}
