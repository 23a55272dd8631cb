//! HTML as the blocks a document is made of: headings, paragraphs, list
//! items and table rows. Word documents written by other programs (case
//! systems, intranet exports, report generators) often carry their whole
//! body as an HTML part that Word converts when it opens the file
//! (`w:altChunk`, src/prose/docx.rs); this reads that part.
//!
//! The scan is forgiving, as browsers are: unclosed tags, `<br>` without
//! a slash and stray `<` are all read, and nothing here can fail. Script,
//! style and the head are left out; character references are decoded.

use super::entities;

/// One block of the text, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading (`# `), list item (`- `) or paragraph (no prefix).
    Line(&'static str, String),
    /// A table row's cells that hold text.
    Row(Vec<String>),
    /// A line already in the reader's Markdown-like form (from a Word
    /// document carried inside another).
    Written(String),
}

/// Elements whose content is never text to read.
const HIDDEN: &[&str] = &["script", "style", "head", "template", "noscript", "svg"];

/// Elements that end the text before them and start a new block.
const BREAKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "hr",
    "body",
    "html",
    "form",
    "fieldset",
    "figure",
    "figcaption",
    "address",
    "details",
];

impl Block {
    /// The bytes of text it holds.
    pub fn text_len(&self) -> usize {
        match self {
            Block::Line(prefix, text) => prefix.len() + text.len(),
            Block::Row(cells) => cells.iter().map(|c| c.len() + 3).sum(),
            Block::Written(text) => text.len(),
        }
    }
}

/// Tags that are neither inline nor in [`BREAKS`].
const OTHER_TAGS: &[&str] = &[
    "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "br", "img", "title", "wbr", "q",
    "cite", "time", "big", "tt", "center", "label", "input", "button",
];

/// The largest char boundary of `text` at or below `at`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The blocks of `html`, with their words as a reader sees them.
pub fn blocks(html: &str) -> Vec<Block> {
    let mut scan = Scan::default();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        scan.text(&rest[..open]);
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        // `<` before a space or figure ("BMI < 35") opens no tag.
        let starts_tag = rest[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        if !starts_tag {
            scan.text("<");
            rest = &rest[1..];
            continue;
        }
        let Some(close) = rest.find('>') else {
            // A `<` that opens no tag is text.
            scan.text(rest);
            rest = "";
            break;
        };
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            // `<!DOCTYPE …>`, `<?xml …?>`, or a `<` in the words ("< 35").
            if !tag.starts_with(['!', '?']) {
                scan.text(&format!("<{tag}>"));
            }
            continue;
        }
        if HIDDEN.contains(&name.as_str()) && !closing && !tag.ends_with('/') {
            // Everything up to the element's end tag, or the rest.
            let end = format!("</{name}");
            rest = find_ignoring_case(rest, &end)
                .and_then(|at| rest[at..].find('>').map(|gt| at + gt + 1))
                .map_or("", |after| &rest[after..]);
            continue;
        }
        scan.tag(&name, closing);
    }
    scan.text(rest);
    scan.end_block();
    scan.end_row();
    scan.blocks
}

#[derive(Default)]
struct Scan {
    blocks: Vec<Block>,
    words: String,
    prefix: &'static str,
    /// The cells of the row being read, when inside one.
    row: Option<Vec<String>>,
}

impl Scan {
    fn text(&mut self, raw: &str) {
        if raw.is_empty() {
            return;
        }
        let decoded = entities::decode(raw);
        if decoded.starts_with(char::is_whitespace) {
            self.space();
        }
        // Words split by inline tags ("<b>s</b>moke") stay one word.
        for (i, word) in decoded.split_whitespace().enumerate() {
            if i > 0 {
                self.space();
            }
            self.words.push_str(word);
        }
        // A space before the next tag's words, when the text ended in one.
        if decoded.ends_with(char::is_whitespace) {
            self.space();
        }
    }

    fn space(&mut self) {
        if !self.words.is_empty() && !self.words.ends_with([' ', '\n']) {
            self.words.push(' ');
        }
    }

    fn tag(&mut self, name: &str, closing: bool) {
        match name {
            "br" => {
                let kept = self.words.trim_end().len();
                self.words.truncate(kept);
                self.words.push('\n');
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "title" | "summary" => {
                self.end_block();
                self.prefix = if closing { "" } else { "# " };
            }
            "li" => {
                self.end_block();
                self.prefix = if closing { "" } else { "- " };
            }
            "tr" => {
                self.end_block();
                self.end_row();
                if !closing {
                    self.row = Some(Vec::new());
                }
            }
            "td" | "th" => {
                self.end_block();
                if self.row.is_none() && !closing {
                    self.row = Some(Vec::new());
                }
            }
            "table" => {
                self.end_block();
                self.end_row();
            }
            _ if BREAKS.contains(&name) => self.end_block(),
            _ => {}
        }
    }

    /// Ends the words so far: a cell's text inside a row, else a block.
    fn end_block(&mut self) {
        let words = std::mem::take(&mut self.words);
        let line = words
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if line.is_empty() {
            return;
        }
        match &mut self.row {
            Some(cells) => match cells.last_mut() {
                // A cell's second paragraph joins its first.
                Some(cell) if !self.prefix.is_empty() || cell.is_empty() => {
                    cell.push(' ');
                    cell.push_str(&line);
                }
                _ => cells.push(line),
            },
            None => self.blocks.push(Block::Line(self.prefix, line)),
        }
        if self.row.is_none() {
            self.prefix = "";
        }
    }

    fn end_row(&mut self) {
        if let Some(cells) = self.row.take() {
            let cells: Vec<String> = cells
                .into_iter()
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect();
            match cells.len() {
                0 => {}
                // A row of one cell is a box around text, as in Word.
                1 => self
                    .blocks
                    .extend(cells.into_iter().map(|c| Block::Line("", c))),
                _ => self.blocks.push(Block::Row(cells)),
            }
        }
    }
}

/// Raw HTML's tags taken out of a sentence (`Patients who <b>smoke</b>`):
/// inline ones leave nothing, so a word they split stays whole, others a
/// space. `<35`, `< 35` and autolinks (`<https://…>`) are no tags.
pub fn without_tags(text: &str) -> std::borrow::Cow<'_, str> {
    const INLINE: &[&str] = &[
        "a", "abbr", "b", "code", "em", "font", "i", "mark", "small", "span", "strong", "sub",
        "sup", "u", "ins", "del", "s",
    ];
    if !text.contains('<') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let tag = &rest[open + 1..];
        let name_at = usize::from(tag.starts_with('/'));
        let name_len = tag[name_at..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len() - name_at);
        let name = &tag[name_at..name_at + name_len];
        let after = &tag[name_at + name_len..];
        // Only HTML's own names ("BMI<main and age>60" is no tag), and
        // the `>` looked for nearby, before any other `<`: a long sentence
        // full of `<` is not searched to its end from each one.
        let known = INLINE
            .iter()
            .chain(BREAKS)
            .chain(OTHER_TAGS)
            .any(|k| k.eq_ignore_ascii_case(name));
        let close = (known && after.starts_with(['>', ' ', '/', '\t', '\n']))
            .then(|| {
                let near = &after[..floor_char_boundary(after, 400)];
                let end = near.find('<').unwrap_or(near.len());
                near[..end].find('>')
            })
            .flatten();
        match close {
            Some(gt) => {
                if !INLINE.iter().any(|i| i.eq_ignore_ascii_case(name)) {
                    out.push(' ');
                }
                rest = &after[gt + 1..];
            }
            _ => {
                out.push('<');
                rest = tag;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A table row of raw HTML (`<tr><td>BMI</td><td>Below 40</td></tr>`,
/// on one line or several) written as the pipe row it shows
/// (`| BMI | Below 40 |`), so it is read and quoted as a Markdown table's
/// row is; other text is returned as it is.
pub fn row_as_pipes(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('<')
        || find_ignoring_case(text, "<td").is_none() && find_ignoring_case(text, "<th").is_none()
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let tag = &rest[open + 1..];
        let name_len = tag
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len());
        let name = &tag[..name_len];
        let cell = (name.eq_ignore_ascii_case("td") || name.eq_ignore_ascii_case("th"))
            && tag[name_len..].starts_with(['>', ' ', '\t']);
        // Only a cell's tag is looked into, and its `>` nearby: a sentence
        // full of `<` is not searched to its end from each one.
        let near = &tag[..floor_char_boundary(tag, 400)];
        match near.find('>').filter(|_| cell) {
            Some(gt) => {
                out.push_str(" | ");
                rest = &tag[gt + 1..];
            }
            None => {
                out.push('<');
                rest = tag;
            }
        }
    }
    out.push_str(rest);
    let shown = without_tags(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    std::borrow::Cow::Owned(format!("{} |", shown.trim_end_matches(" |")))
}

/// Where `needle` (ASCII) first occurs in `hay`, ignoring ASCII case.
fn find_ignoring_case(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// The HTML inside a web archive (`.mht`, MIME): the first `text/html`
/// part, its quoted-printable or base64 transfer encoding undone. `None`
/// when the text is not such an archive.
pub fn from_web_archive(text: &str) -> Option<String> {
    let at = find_ignoring_case(text, "content-type: text/html")?;
    let part = &text[at..];
    let body_at = part
        .find("\r\n\r\n")
        .map(|i| i + 4)
        .or_else(|| part.find("\n\n").map(|i| i + 2))?;
    let headers = part[..body_at].to_ascii_lowercase();
    let body = &part[body_at..];
    // The part ends at the next boundary line.
    let body = body.find("\n--").map_or(body, |end| &body[..end]);
    if headers.contains("quoted-printable") {
        Some(quoted_printable(body))
    } else if headers.contains("base64") {
        let bytes = crate::import::drawio::base64(body.trim())?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    } else {
        Some(body.to_string())
    }
}

/// Quoted-printable undone: `=` at a line's end joins it to the next,
/// `=XX` is a byte.
fn quoted_printable(body: &str) -> String {
    let mut bytes = Vec::with_capacity(body.len());
    let raw = body.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'=' {
            let next = &raw[i + 1..];
            if next.starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            if next.starts_with(b"\n") {
                i += 2;
                continue;
            }
            let hex = next
                .get(..2)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                bytes.push(byte);
                i += 3;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(html: &str) -> Vec<String> {
        blocks(html)
            .into_iter()
            .map(|b| match b {
                Block::Line(prefix, text) => format!("{prefix}{text}"),
                Block::Row(cells) => format!("| {} |", cells.join(" | ")),
                Block::Written(line) => line,
            })
            .collect()
    }

    #[test]
    fn a_raw_table_row_reads_as_a_pipe_row() {
        assert_eq!(
            row_as_pipes("<tr><td>Body mass index</td><TD class=\"x\">Below 40 kg</td></tr>"),
            "| Body mass index | Below 40 kg |"
        );
        assert_eq!(
            row_as_pipes("<tr>\n  <th>Criterion</th>\n  <th>Threshold</th>\n</tr>"),
            "| Criterion | Threshold |"
        );
        let plain = "Patients <b>who smoke</b> wait";
        assert_eq!(row_as_pipes(plain), plain);
    }

    #[test]
    fn headings_paragraphs_lists_and_tables() {
        let html = "<!DOCTYPE html><html><head><title>x</title><style>p{}</style></head>\
            <body><h2>Referral  criteria</h2><p>Patients who <b>s</b>moke will not be\n referred.<br>Next line</p>\
            <ul><li>BMI below 35<li>Six months of physiotherapy</ul>\
            <table><tr><th>Criterion</th><th>Required?</th></tr><tr><td>BMI &lt; 35</td><td>Yes</td></tr>\
            <tr><td colspan=2>A note in one cell.</td></tr></table><script>if (a < b) {}</script><p>Done &amp; dusted</p></body></html>";
        assert_eq!(
            lines(html),
            [
                "# Referral criteria",
                "Patients who smoke will not be referred.\nNext line",
                "- BMI below 35",
                "- Six months of physiotherapy",
                "| Criterion | Required? |",
                "| BMI < 35 | Yes |",
                "A note in one cell.",
                "Done & dusted",
            ]
        );
    }

    #[test]
    fn broken_markup_is_read_not_refused() {
        assert_eq!(
            lines("BMI < 35 and <p>open <b>bold"),
            ["BMI < 35 and", "open bold"]
        );
        assert_eq!(lines("<p>a <!-- hidden"), ["a"]);
        assert_eq!(lines("<style>never closed"), Vec::<String>::new());
        assert_eq!(lines("<"), ["<"]);
        // Nothing a careless or hostile part holds makes the scan fail.
        for odd in [
            "<é>x",
            "<a é",
            "<!-",
            "<p",
            "&#xD800;<li>",
            "</",
            "<<>>",
            "é<br>é",
            "<SCRIPT>x</script",
        ] {
            let _ = blocks(odd);
            let _ = from_web_archive(odd);
        }
    }

    #[test]
    fn tags_in_a_sentence_are_taken_out() {
        let read = without_tags("Patients who <b>s</b>moke <a href=\"x\">here</a>.</p><p>Next");
        assert_eq!(
            read.split_whitespace().collect::<Vec<_>>().join(" "),
            "Patients who smoke here. Next"
        );
        for kept in [
            "BMI <35",
            "BMI < 35",
            "<https://x.nhs.uk>",
            "a <- b",
            "<",
            "BMI<wt and age>60",
        ] {
            assert_eq!(without_tags(kept), kept);
        }
    }

    #[test]
    fn a_web_archive_gives_its_html() {
        let mht = "MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n\
            Content-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
            <p>Smokers will not be refer=\r\nred =E2=80=93 ever.</p>\r\n--b--\r\n";
        let html = from_web_archive(mht).unwrap();
        assert_eq!(lines(&html), ["Smokers will not be referred – ever."]);
        assert_eq!(from_web_archive("<p>plain</p>"), None);
        let mht = "Content-Type: text/html\nContent-Transfer-Encoding: base64\n\nPHA+QU\nJDPC9wPg==\n--b--\n";
        assert_eq!(from_web_archive(mht).unwrap(), "<p>ABC</p>");
    }
}
