//! The text of a Word (`.docx`) document, as Markdown-like lines the
//! sentence splitter understands: one paragraph per line followed by a
//! blank line, `# ` before headings, `- ` before list paragraphs and table
//! cells joined by ` | `. Findings then point at lines of this text, which
//! the human output shows, so a reviewer can find the sentence in Word.
//!
//! A .docx is a zip archive; the body is `word/document.xml`. The archive
//! and the XML are read by the `zip` and `quick-xml` crates; sizes are
//! capped so a zip bomb cannot exhaust memory.

use std::io::Read;

use quick_xml::events::Event;
use quick_xml::Reader;

/// The most decompressed XML read from one document.
const MAX_XML: u64 = 64 * 1024 * 1024;

/// The document's text, or why it cannot be read.
pub fn text(bytes: &[u8]) -> Result<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("it is not a Word document (not a readable zip archive: {e})"))?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|_| "it is not a Word document (no word/document.xml inside)".to_string())?;
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
    paragraphs(&xml)
}

/// Walks `document.xml`: `w:p` paragraphs, `w:t` text runs, `w:tab` and
/// `w:br`, heading styles, numbering and table cells.
fn paragraphs(xml: &[u8]) -> Result<String, String> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut out = String::new();
    let mut para = String::new();
    let mut prefix = "";
    let mut in_text = false;
    let mut row: Vec<String> = Vec::new();
    let mut in_cell = false;
    // Inside `mc:Fallback`: the same content again for older readers
    // (text boxes, shapes), already read from `mc:Choice`.
    let mut fallback_depth = 0usize;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("its XML is malformed: {e}"))?;
        match &event {
            Event::Start(e) if e.local_name().as_ref() == b"Fallback" => fallback_depth += 1,
            Event::End(e) if e.local_name().as_ref() == b"Fallback" => {
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
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == b"numPr" && prefix.is_empty() =>
            {
                prefix = "- ";
            }
            Event::Start(e) => match e.local_name().as_ref() {
                b"t" => in_text = true,
                b"tc" => in_cell = true,
                b"tr" => row.clear(),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" => para.push(' '),
                b"br" | b"cr" => para.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => {
                let text = t
                    .decode()
                    .map_err(|e| format!("its text is not readable: {e}"))?;
                para.push_str(&text);
            }
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    para.push(c);
                } else if let Ok(name) = r.decode() {
                    let resolved = quick_xml::escape::resolve_predefined_entity(&name);
                    para.push_str(resolved.unwrap_or(""));
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => {
                    let line = para.trim();
                    if in_cell {
                        if let Some(cell) = row.last_mut().filter(|_| !line.is_empty()) {
                            cell.push(' ');
                            cell.push_str(line);
                        } else {
                            row.push(line.to_string());
                        }
                    } else if !line.is_empty() {
                        out.push_str(prefix);
                        out.push_str(&literal(line));
                        out.push_str("\n\n");
                    }
                    para.clear();
                    prefix = "";
                }
                b"tc" => {
                    in_cell = false;
                    row.push(String::new());
                }
                b"tr" => {
                    let cells: Vec<&str> = row
                        .iter()
                        .map(|c| c.trim())
                        .filter(|c| !c.is_empty())
                        .collect();
                    if !cells.is_empty() {
                        out.push_str("| ");
                        out.push_str(&cells.join(" | "));
                        out.push_str(" |\n\n");
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
    Ok(out)
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
        assert_eq!(
            paragraphs(xml).as_deref(),
            Ok("# Hip policy\n\nPatients with a BMI > 40 & smokers wait.\n\n- First item\n\n| BMI | under 35 |\n\n")
        );
    }

    #[test]
    fn fallback_copies_are_skipped_and_markup_is_literal() {
        let xml = br#"<w:document xmlns:w="x" xmlns:mc="m"><w:body>
<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>Box</w:t></mc:Choice><mc:Fallback><w:t>Box</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:p><w:r><w:t>```</w:t></w:r></w:p>
<w:p><w:r><w:t>After.</w:t></w:r></w:p>
</w:body></w:document>"#;
        let text = paragraphs(xml).unwrap_or_default();
        assert_eq!(text, "Box\n\n\u{2060}```\n\nAfter.\n\n");
        // The fence is text (with no words, so no sentence): "After." is
        // still read.
        let found = crate::prose::sentences::split(&text);
        let last = found.last().map(|s| &text[s.span.start()..s.span.end()]);
        assert_eq!((found.len(), last), (2, Some("After.")));
    }

    #[test]
    fn not_a_zip_is_an_error_not_a_panic() {
        assert!(text(b"plain text").is_err());
        assert!(paragraphs(b"<a></b>").is_err());
    }
}
