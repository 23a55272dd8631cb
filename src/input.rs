//! Input formats: the one table that says which files are pathways and
//! which are policy documents, how each turns from bytes into text, and how
//! a suppression comment is written in it. Everything else asks here.
//!
//! A new input format is a row in [`FORMATS`], a variant of [`InputFormat`]
//! and an arm in [`read`] (its decoder, e.g. `src/prose/docx.rs`, or a
//! diagram reader under `src/import/`).

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::import::Diagram;
use crate::prose::docx::Comment;
use crate::prose::layout::Paged;
use crate::prose::{encoding, pdf};
use crate::rules::builtin::Builtin;
use crate::source::Paragraph;
use crate::span::Span;
use crate::suppress::CommentStyle;

/// What a checked file holds, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Pathway,
    Markdown,
    Text,
    Docx,
    /// A PDF: named `.pdf`, or any file whose bytes are one.
    Pdf,
    /// A Mermaid flowchart, imported as a pathway (src/import/mermaid.rs).
    Mermaid,
    /// A draw.io diagram: named `.drawio`, or `.xml` holding one.
    DrawIo,
    /// BPMN 2.0 XML: named `.bpmn`, or `.xml` holding it.
    Bpmn,
    /// A PowerPoint deck (`.pptx`): each slide holding a flowchart is a
    /// pathway (src/import/pptx.rs).
    Pptx,
    /// A Visio drawing (`.vsdx`): each page holding a flowchart is a
    /// pathway (src/import/vsdx.rs).
    Vsdx,
}

/// One row of the table.
#[derive(Debug)]
pub struct FormatEntry {
    pub format: InputFormat,
    /// Lower case, without the dot. A name with none of the listed
    /// extensions is read as a pathway.
    pub extensions: &'static [&'static str],
    /// Read sentence by sentence by the prose checks, not parsed.
    pub prose: bool,
    /// A drawing, imported as a pathway before it is checked
    /// (src/import/); its findings are located in the generated pathway
    /// and name the shape they are about.
    pub diagram: bool,
    /// Picked up by a directory search without an include glob.
    pub searched: bool,
    /// How a suppression comment is written in it.
    pub comments: CommentStyle,
}

pub const FORMATS: &[FormatEntry] = &[
    FormatEntry {
        format: InputFormat::Pathway,
        extensions: &[PATHWAY_EXTENSION],
        prose: false,
        diagram: false,
        searched: true,
        comments: CommentStyle::Hash,
    },
    FormatEntry {
        format: InputFormat::Markdown,
        extensions: &["md", "markdown"],
        prose: true,
        diagram: false,
        searched: false,
        comments: CommentStyle::Html,
    },
    FormatEntry {
        format: InputFormat::Text,
        extensions: &["txt", "text"],
        prose: true,
        diagram: false,
        searched: false,
        comments: CommentStyle::Html,
    },
    FormatEntry {
        format: InputFormat::Docx,
        // Macro-enabled documents and templates are the same format (their
        // macros are never run, only the text read).
        extensions: &["docx", "docm", "dotx", "dotm"],
        prose: true,
        // Word documents also carry suppressions in Word comments
        // (src/check.rs, `word_comments`).
        diagram: false,
        searched: false,
        comments: CommentStyle::Html,
    },
    FormatEntry {
        format: InputFormat::Pdf,
        extensions: &["pdf"],
        prose: true,
        // A PDF cannot carry our comments: only configuration and
        // baselines apply to it.
        diagram: false,
        searched: false,
        comments: CommentStyle::Html,
    },
    // Diagrams are checked as the pathway written from them, so `#`
    // comments are those of that text.
    FormatEntry {
        format: InputFormat::Mermaid,
        extensions: &["mmd", "mermaid"],
        prose: false,
        diagram: true,
        searched: true,
        comments: CommentStyle::Hash,
    },
    FormatEntry {
        format: InputFormat::DrawIo,
        extensions: &["drawio"],
        prose: false,
        diagram: true,
        searched: true,
        comments: CommentStyle::Hash,
    },
    FormatEntry {
        format: InputFormat::Bpmn,
        extensions: &["bpmn"],
        prose: false,
        diagram: true,
        searched: true,
        comments: CommentStyle::Hash,
    },
    FormatEntry {
        format: InputFormat::Pptx,
        extensions: &["pptx"],
        prose: false,
        diagram: true,
        searched: true,
        comments: CommentStyle::Hash,
    },
    FormatEntry {
        format: InputFormat::Vsdx,
        extensions: &["vsdx"],
        prose: false,
        diagram: true,
        searched: true,
        comments: CommentStyle::Hash,
    },
];

/// An extension shared by several kinds of XML: a file named so is read as
/// a diagram when its content is draw.io or BPMN, and as a pathway (as
/// any unknown extension) otherwise.
pub const XML_EXTENSION: &str = "xml";

/// The extension a directory search picks up without being asked.
pub const PATHWAY_EXTENSION: &str = "pathway";

impl InputFormat {
    /// By the name's extension, ignoring case; anything unknown (or no
    /// extension at all) is read as a pathway.
    pub fn of(name: &str) -> InputFormat {
        let ext = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let Some(ext) = ext else {
            return InputFormat::Pathway;
        };
        FORMATS
            .iter()
            .find(|f| f.extensions.contains(&ext.as_str()))
            .map_or(InputFormat::Pathway, |f| f.format)
    }

    /// By the name, and by the content for a PDF saved under another name
    /// (a browser download with no extension): its bytes say what it is.
    pub fn of_content(name: &str, content: &Content) -> InputFormat {
        let by_name = InputFormat::of(name);
        match content {
            Content::Pdf(_) => InputFormat::Pdf,
            Content::Docx(_) => InputFormat::Docx,
            Content::Diagram(d) => d.format,
            Content::Bytes(bytes) if by_name != InputFormat::Docx && pdf::is_pdf(name, bytes) => {
                InputFormat::Pdf
            }
            Content::Bytes(bytes) => InputFormat::sniffed(name, bytes).unwrap_or(by_name),
            Content::Text(text) => InputFormat::sniffed(name, text.as_bytes()).unwrap_or(by_name),
        }
    }

    /// A `.xml` file's format by its content: draw.io (`<mxfile>` or
    /// `<mxGraphModel>` near the start) or BPMN (its namespace). A plain
    /// text file that opens a `pathway "…" {` block is a pathway: Notepad
    /// adds `.txt` to names it does not know, and reading such a file as a
    /// policy would pass every fault in it.
    pub fn sniffed(name: &str, bytes: &[u8]) -> Option<InputFormat> {
        let extension = Path::new(name).extension();
        // A Word document saved under a text name ("policy.txt" from a
        // download, or renamed by hand) is read as the Word file it is.
        if matches!(
            InputFormat::of(name),
            InputFormat::Text | InputFormat::Markdown
        ) && bytes.starts_with(b"PK\x03\x04")
        {
            let head = &bytes[..bytes.len().min(1 << 16)];
            if head.windows(5).any(|w| w == b"word/") {
                return Some(InputFormat::Docx);
            }
        }
        if InputFormat::of(name) == InputFormat::Text {
            return holds_pathway(bytes).then_some(InputFormat::Pathway);
        }
        let xml = extension.is_some_and(|e| e.eq_ignore_ascii_case(XML_EXTENSION));
        if !xml {
            return None;
        }
        let head = &bytes[..bytes.len().min(4096)];
        let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        if has(b"<mxfile") || has(b"<mxGraphModel") {
            Some(InputFormat::DrawIo)
        } else if has(b"http://www.omg.org/spec/BPMN/20100524/MODEL") {
            Some(InputFormat::Bpmn)
        } else {
            None
        }
    }

    fn entry(self) -> &'static FormatEntry {
        FORMATS
            .iter()
            .find(|f| f.format == self)
            .unwrap_or(&FORMATS[0])
    }

    pub fn is_prose(self) -> bool {
        self.entry().prose
    }

    pub fn comment_style(self) -> CommentStyle {
        self.entry().comments
    }

    /// A drawing, checked as the pathway imported from it.
    pub fn is_diagram(self) -> bool {
        self.entry().diagram
    }
}

/// Whether a directory search picks this file up by itself (the include
/// globs add others): `.pathway` and the diagrams' extensions, written in
/// lower case.
pub fn searched(relative: &Path) -> bool {
    // Notepad saves a pathway as `hips.pathway.txt`: the name says what
    // it is, and the text is read as the pathway it holds.
    let name = relative
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase());
    if name.is_some_and(|n| n.ends_with(".pathway.txt")) {
        return true;
    }
    // Matched in any case, as `of` reads them: `HIPS.PATHWAY` saved on
    // Windows is as much a pathway as `hips.pathway`.
    relative
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .is_some_and(|e| {
            FORMATS
                .iter()
                .any(|f| f.searched && f.extensions.contains(&e.as_str()))
        })
}

/// What is handed in to be checked.
#[derive(Debug, Clone)]
pub enum Content {
    /// A file's bytes, decoded by its format.
    Bytes(Vec<u8>),
    /// Text already in memory (an editor's buffer), used as it is.
    Text(String),
    /// A PDF's text, already extracted by [`open`].
    Pdf(Paged),
    /// A Word document's text, already unpacked by [`open`].
    Docx(crate::prose::docx::Document),
    /// A diagram's shapes and connectors, already read by [`open`].
    Diagram(Diagram),
}

/// Whether text holds a pathway: a line in its first 64 KB opens a
/// `pathway "…"` block (the brace on that line or the next).
pub fn holds_pathway(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    // Notepad's "Unicode" (UTF-16) holds a pathway as surely as UTF-8.
    let text = match encoding::clean_utf16(head) {
        Some(decoded) => std::borrow::Cow::Owned(decoded),
        None => String::from_utf8_lossy(head),
    };
    text.split(['\n', '\r']).any(opens_pathway)
}

fn opens_pathway(line: &str) -> bool {
    let line = line.trim_start_matches(['\u{FEFF}', ' ', '\t']);
    let Some(rest) = line.strip_prefix("pathway") else {
        return false;
    };
    let Some(named) = rest.trim_start_matches([' ', '\t']).strip_prefix('"') else {
        return false;
    };
    let Some(close) = named.find('"') else {
        return false;
    };
    let after = named[close + 1..].trim_start_matches([' ', '\t']);
    after.is_empty() || after.starts_with('{')
}

/// Whether text that does not parse still reads as pathway code, so that
/// its syntax errors are worth giving one by one. It does when its first
/// line (past blank lines and `#` comments) starts with a word like
/// `pathway` or a word followed by a quoted name (a misspelt keyword,
/// `pathwya "Hip" {`), or when any line opens a `pathway "…"` block,
/// declares a node (`service physio:`) or draws a route (`gp -> physio`).
/// Prose, a licence or a YAML file does none of these.
pub fn reads_as_pathway_code(text: &str) -> bool {
    let mut lines = text
        .lines()
        .map(|l| l.trim_matches(['\u{FEFF}', ' ', '\t', '\r']))
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let Some(first) = lines.next() else {
        return false;
    };
    let word = leading_word(first);
    let after = first[word.len()..].trim_start();
    let like_pathway = strsim::damerau_levenshtein(&word.to_ascii_lowercase(), "pathway") <= 2;
    let named = !word.is_empty() && after.starts_with(['"', '\u{201C}']);
    like_pathway || named || code_line(first) || lines.any(code_line)
}

/// A line of pathway code: it opens a block, declares a node or draws a
/// route.
fn code_line(line: &str) -> bool {
    if opens_pathway(line) {
        return true;
    }
    let word = leading_word(line);
    let rest = line[word.len()..].trim_start();
    if matches!(word, "entry" | "service" | "exit") {
        let id = leading_word(rest);
        return !id.is_empty() && rest[id.len()..].trim_start().starts_with([':', '{']);
    }
    !word.is_empty() && rest.starts_with("->")
}

/// The identifier-like word `s` starts with (empty when it starts with
/// anything else).
fn leading_word(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// A file's bytes ready to check, or why they cannot be (a PDF that is
/// encrypted, scanned, damaged or past the limits), for a front end to
/// refuse the file before checking it and go on with the rest. A PDF's
/// text is extracted here, once.
pub fn open(name: &str, bytes: Vec<u8>) -> Result<Content, String> {
    if let Some(advice) = not_read(name, &bytes) {
        return Err(advice);
    }
    let format = InputFormat::sniffed(name, &bytes).unwrap_or(InputFormat::of(name));
    if format.is_diagram() {
        return Diagram::read(format, &bytes)
            .map(Content::Diagram)
            .map_err(|why| format!("cannot read this diagram: {why}"));
    }
    if format == InputFormat::Docx {
        // Unpacked here, as a PDF is read here: a document too large or
        // too damaged to read is then a path not checked (status 2), not
        // a finding in a file counted as checked.
        if let Some(why) = not_a_docx(&bytes) {
            return Err(why);
        }
        return crate::prose::docx::read(&bytes)
            .map(Content::Docx)
            .map_err(|why| format!("cannot check this Word document: {why}"));
    }
    if !pdf::is_pdf(name, &bytes) {
        return Ok(Content::Bytes(bytes));
    }
    pdf::read(&bytes)
        .map(Content::Pdf)
        .map_err(|why| format!("cannot check this PDF: {why}"))
}

/// Why a file named `.docx` holds no Word document at all, as a PDF that
/// cannot be opened is not checked: empty, an older Word document renamed,
/// anything else that is not a zip archive (which every `.docx` is), a
/// damaged archive, or another Office file under a Word name.
fn not_a_docx(bytes: &[u8]) -> Option<String> {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.is_empty() {
        return Some("cannot check this Word document: the file is empty (0 bytes)".to_string());
    }
    // Word keeps a password-protected .docx encrypted inside an OLE file.
    let encrypted: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    if bytes.starts_with(OLE) && bytes.windows(encrypted.len()).any(|w| w == encrypted) {
        return Some("cannot check this Word document: it is protected by a password, so its text is encrypted; open it in Word, remove the password (File, Info, Protect Document), save a copy and check that".to_string());
    }
    if bytes.starts_with(OLE) {
        return Some("cannot check this Word document: it is a Word 97-2003 document (.doc) under a .docx name, which msklint does not read; open it in Word and save it as a Word document (.docx) or as plain text (.txt), then check that".to_string());
    }
    if !bytes.starts_with(b"PK") {
        return Some("cannot check this Word document: it is not one (a .docx file is a zip archive, and this file is not); open it in the program that made it and save it as a Word document (.docx) or as plain text (.txt)".to_string());
    }
    crate::prose::docx::not_a_document(bytes)
        .map(|why| format!("cannot check this Word document: {why}"))
}

/// Formats policies are kept in that msklint does not read, by
/// extension, each with what to save it as instead. Read as pathways they
/// gave a syntax or encoding error that said nothing of the kind.
const NOT_READ: &[(&[&str], &str, &str)] = &[
    (
        &["doc", "dot"],
        "a Word 97-2003 document",
        "open it in Word and save it as a Word document (.docx) or as plain text (.txt)",
    ),
    (
        &["odt", "ott", "fodt"],
        "an OpenDocument text",
        "save it as a Word document (.docx) or as plain text (.txt)",
    ),
    (
        &["rtf"],
        "a Rich Text document",
        "save it as a Word document (.docx) or as plain text (.txt)",
    ),
    (
        &["htm", "html", "xhtml", "mht", "mhtml"],
        "a web page",
        "save its text as plain text (.txt) or Markdown (.md)",
    ),
    (
        &["pages"],
        "an Apple Pages document",
        "export it as a Word document (.docx) or as plain text (.txt)",
    ),
    (
        &["vsd", "vss", "vst"],
        "a Visio 2003-2010 drawing",
        "open it in Visio and save it as a Visio drawing (.vsdx), which `msklint import` reads",
    ),
    (
        &["ppt", "pps", "pot"],
        "a PowerPoint 97-2003 presentation",
        "open it in PowerPoint and save it as a PowerPoint presentation (.pptx), which `msklint import` reads",
    ),
    (
        &["xls", "xlsx", "xlsm", "ods", "csv"],
        "a spreadsheet",
        "copy the policy's wording into a Word document (.docx) or a plain text file (.txt)",
    ),
    (
        &["png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "heic"],
        "a picture",
        "check the document the picture came from, or redraw the flowchart in draw.io, Mermaid or Visio (.vsdx) and import it",
    ),
];

/// Why `name` is not read, when its extension is one of [`NOT_READ`] and
/// its bytes do not say otherwise (a PDF saved under the wrong name is
/// still read as one).
fn not_read(name: &str, bytes: &[u8]) -> Option<String> {
    not_read_as(name, bytes).map(|why| format!("cannot check this file: {why}, then check that"))
}

/// What a file of a format msklint does not read is, and what to save it
/// as instead, for `check` and `import` alike.
/// Whether a folder search should mention passing over `name`: a word
/// processor's document or an old Visio drawing, which may well be a
/// policy or pathway msklint cannot read. Web pages, spreadsheets and
/// pictures are left out: folders hold many that are nothing of the kind
/// (a built website, images for a README), and a note about each would
/// bury the ones that matter.
pub fn unread_document(name: &str) -> bool {
    const NOTED: &[&str] = &[
        "doc", "dot", "odt", "ott", "fodt", "rtf", "pages", "vsd", "vss", "vst",
    ];
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| NOTED.contains(&e.to_ascii_lowercase().as_str()))
}

pub fn not_read_as(name: &str, bytes: &[u8]) -> Option<String> {
    let ext = Path::new(name).extension()?.to_str()?.to_ascii_lowercase();
    let (_, what, advice) = NOT_READ
        .iter()
        .find(|(exts, _, _)| exts.contains(&ext.as_str()))?;
    if pdf::is_pdf("", bytes) {
        return None;
    }
    Some(format!(
        "a .{ext} file is {what}, which msklint does not read; {advice}"
    ))
}

/// A file's text and what its format adds to it.
#[derive(Default)]
pub struct Decoded {
    pub text: String,
    /// Word documents: where paragraphs start, and comments on them.
    pub paragraphs: Vec<Paragraph>,
    pub comments: Vec<Comment>,
    /// PDFs: where each page starts (page `i + 1` at `pages[i]`).
    pub pages: Vec<usize>,
    /// A text document that was not UTF-8: the warning saying how it was read.
    pub note: Option<Diagnostic>,
    /// A diagram: its shapes and connectors, which the check writes out
    /// as pathway text with the session's vocabulary (`text` is empty
    /// until then).
    pub diagram: Option<Diagram>,
    /// A diagram written out: which shape or connector each node and
    /// route came from, and the guesses made (`import-guess` findings).
    pub parts: Vec<crate::source::DiagramPart>,
    pub guesses: Vec<Diagnostic>,
    /// A diagram: where its shapes are in its own file.
    pub places: Option<crate::import::places::Places>,
}

impl Decoded {
    pub fn text(text: String) -> Decoded {
        Decoded {
            text,
            ..Decoded::default()
        }
    }

    /// A Word document's text, its paragraphs and its comments.
    pub fn docx(doc: crate::prose::docx::Document) -> Decoded {
        Decoded {
            text: doc.text,
            paragraphs: doc.paragraphs,
            comments: doc.comments,
            ..Decoded::default()
        }
    }

    /// A PDF's extracted text and its pages.
    pub fn pdf(paged: Paged) -> Decoded {
        let note = unread_pages_note(&paged);
        Decoded {
            text: paged.text,
            pages: paged.pages,
            note,
            ..Decoded::default()
        }
    }
}

/// The warning that a PDF's pages show pictures and almost no text, at the
/// first of them: their words, if they are scans, were not checked.
fn unread_pages_note(paged: &Paged) -> Option<Diagnostic> {
    let first = *paged.unread.first()?;
    let page_start = |page: usize| {
        paged
            .pages
            .get(page)
            .copied()
            .unwrap_or(paged.text.len())
            .min(paged.text.len())
    };
    let span = page_line(
        &paged.text,
        page_start(first.saturating_sub(1)),
        page_start(first),
    );
    let names: Vec<String> = paged.unread.iter().map(usize::to_string).collect();
    let (pages, show) = match names.as_slice() {
        [one] => (format!("page {one}"), "shows"),
        [rest @ .., last] => (format!("pages {} and {last}", rest.join(", ")), "show"),
        [] => return None,
    };
    Some(
        Diagnostic::warning(
            Builtin::UnreadPages.name(),
            span,
            format!(
                "{pages} of this PDF {show} a picture and almost no text: if {} scanned, {} words were not read or checked",
                if names.len() == 1 { "it is" } else { "they are" },
                if names.len() == 1 { "its" } else { "their" },
            ),
        )
        .with_label(format!("{pages}: a picture, almost no text"))
        .with_help("Run the PDF through text recognition (OCR) or ask for the document it was made from, and check that; until then, read those pages yourself. If they hold no policy wording (a cover photograph), `unread-pages: off` in msklint.yaml turns this warning off."),
    )
}

/// Where the warning about an unread page goes: on that page, so every
/// output names the page the message names. The page's first line with
/// text on it, without the blanks around it, when it has one (a caption, a
/// page number). A page with no text at all has only the empty line the
/// PDF reader gave it: the span takes in that line's break, so it is not
/// empty and every output has a line to show, blank as the page is.
fn page_line(text: &str, start: usize, end: usize) -> Span {
    let Some(page) = text.get(start..end.max(start)) else {
        return Span::new(start, start);
    };
    let mut at = start;
    for line in page.split_inclusive('\n') {
        let words = line.trim();
        if !words.is_empty() {
            let from = at + (line.len() - line.trim_start().len());
            return Span::new(from, from + words.len());
        }
        at += line.len();
    }
    match page.find('\n') {
        Some(i) => Span::new(start + i, start + i + 1),
        None => Span::new(start, start),
    }
}

/// A file that cannot be checked: a printable stand-in for its text and the
/// finding that says why.
pub type Unreadable = Box<(String, Diagnostic)>;

/// A file's bytes as text, the way `check` reads them: a PDF's text
/// extracted page by page, a Word document unpacked, a policy in another encoding decoded with a
/// note, anything else UTF-8 or an `invalid-encoding` finding.
pub fn read(name: &str, format: InputFormat, bytes: Vec<u8>) -> Result<Decoded, Unreadable> {
    match format {
        // The command line refuses an unreadable PDF before it gets here
        // (exit 2, see `open`); a library caller gets a finding.
        _ if format == InputFormat::Pdf
            || (pdf::is_pdf(name, &bytes) && format != InputFormat::Docx) =>
        {
            pdf::read(&bytes).map(Decoded::pdf).map_err(|why| {
                unreadable(
                    &why.to_string(),
                    "unreadable PDF",
                    "check the file opens in a PDF viewer; failing that, export its text (.txt) and check that",
                )
            })
        }
        InputFormat::Docx => crate::prose::docx::read(&bytes)
            .map(Decoded::docx)
            .map_err(|why| {
                unreadable(
                    &why,
                    "unreadable document",
                    "save it again from Word as a .docx, or export it as plain text (.txt) and check that",
                )
            }),
        InputFormat::Markdown | InputFormat::Text => match String::from_utf8(bytes) {
            Ok(text) => decode(text.into_bytes(), DOCUMENT_HELP).map(Decoded::text),
            Err(e) => match encoding::decode(e.into_bytes()) {
                Ok(decoded) => Ok(Decoded {
                    text: decoded.text,
                    note: decoded.note,
                    ..Decoded::default()
                }),
                Err(binary) => decode(binary, DOCUMENT_HELP).map(Decoded::text),
            },
        },
        InputFormat::Mermaid | InputFormat::DrawIo | InputFormat::Bpmn
        | InputFormat::Pptx
        | InputFormat::Vsdx => {
            Diagram::read(format, &bytes)
                .map(|diagram| Decoded {
                    diagram: Some(diagram),
                    ..Decoded::default()
                })
                .map_err(|why| {
                    unreadable(
                        &why,
                        "unreadable diagram",
                        "check the file opens in the tool that drew it and save it again; docs/import.md lists what msklint reads",
                    )
                })
        }
        // Notepad's "Unicode" is UTF-16: read as the text it is.
        // Decoded only when whole: a pathway's text is never guessed.
        InputFormat::Pathway => match encoding::whole_utf16(&bytes) {
            Some(Ok(text)) => Ok(Decoded::text(text)),
            // Its units, not its bytes, say what is wrong: every other
            // byte of UTF-16 text is 0, which read as bytes is a NUL.
            Some(Err(fault)) => Err(utf16_fault(fault)),
            None => decode(bytes, PATHWAY_HELP).map(Decoded::text),
        },
        InputFormat::Pdf => decode(bytes, PATHWAY_HELP).map(Decoded::text),
    }
}

/// One line-break convention everywhere: a carriage return not followed by
/// a line feed (old Mac files) becomes a line feed, so the grammar's
/// comments, the line index, suppressions and miette's snippets all see the
/// same lines. One byte for one byte, so no offset moves.
pub fn lone_cr_to_lf(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // Replacing one ASCII byte with another keeps the text valid UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// A file that cannot be read as text (a Word document that is not one, a
/// PDF): an `invalid-encoding` finding on an empty stand-in text.
fn unreadable(why: &str, label: &str, help: &str) -> Unreadable {
    let diag = Diagnostic::error(
        Builtin::InvalidEncoding.name(),
        Span::new(0, 0),
        format!("cannot check this file: {why}"),
    )
    .with_label(label)
    .with_help(help);
    Box::new((String::new(), diag))
}

/// A UTF-16 pathway that does not decode whole: the finding at its first
/// fault, on its text as decoded, made printable without moving an offset.
fn utf16_fault(fault: encoding::Utf16Fault) -> Unreadable {
    let mut shown = lone_cr_to_lf(fault.text);
    crate::escape::terminal_in_place(&mut shown);
    let end = shown
        .get(fault.at..)
        .and_then(|rest| rest.chars().next())
        .map_or(fault.at, |c| fault.at + c.len_utf8());
    let diag = Diagnostic::error(
        Builtin::InvalidEncoding.name(),
        Span::new(fault.at, end),
        format!("cannot check this file: {}", fault.why),
    )
    .with_label(fault.label)
    .with_help("save the pathway again as UTF-8 text, or as UTF-16 from an editor that writes whole characters; if it is not a pathway, leave it out of the check");
    Box::new((shown, diag))
}

/// What to do about a pathway that is not UTF-8 text.
const PATHWAY_HELP: &str =
    "save the pathway as UTF-8 text; if it is not a pathway, leave it out of the check";

/// What to do about a Markdown or text policy that is not text msklint
/// can read.
const DOCUMENT_HELP: &str = "save the document as UTF-8 text (in Word: Save As, Plain Text, \
     then Unicode (UTF-8)); if it is not a policy, leave it out of the check";

/// UTF-8 text, or a printable stand-in plus the finding that explains why
/// the file cannot be checked (`help` says what to do).
fn decode(bytes: Vec<u8>, help: &str) -> Result<String, Unreadable> {
    let bad = match String::from_utf8(bytes) {
        Ok(text) => match text.find('\0') {
            None => return Ok(text),
            Some(at) => (
                text.into_bytes(),
                at,
                "it contains a NUL byte, so it looks like a binary file",
            ),
        },
        // A NUL is the reason the text was not read as another encoding:
        // say so, not that some earlier byte is not UTF-8.
        Err(e) => match e.as_bytes().iter().position(|&b| b == 0) {
            Some(at) => (
                e.into_bytes(),
                at,
                "it contains a NUL byte, so it looks like a binary file",
            ),
            None => {
                let at = e.utf8_error().valid_up_to();
                (e.into_bytes(), at, "it is not valid UTF-8")
            }
        },
    };
    let (bytes, at, why) = bad;
    // Keep byte offsets stable: invalid bytes and control characters become
    // one-byte `?`s so the snippet is printable and the span still lines up.
    let shown: String = bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| match b {
            b'\n' | b'\t' => b as char,
            // A lone CR ends a line here too (see `lone_cr_to_lf`).
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => '\n',
            b'\r' => '\r',
            0x20..=0x7e => b as char,
            _ => '?',
        })
        .collect();
    let diag = Diagnostic::error(
        Builtin::InvalidEncoding.name(),
        Span::new(at, (at + 1).min(shown.len())),
        format!("cannot check this file: {why}"),
    )
    .with_label("first bad byte")
    .with_help(help);
    Err(Box::new((shown, diag)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_binary_file_is_told_what_to_save_it_as_in_the_words_of_its_kind() {
        let help = |name: &str| {
            let format = InputFormat::of(name);
            let Err(e) = read(name, format, b"ab\0cd".to_vec()) else {
                panic!("{name}: a NUL byte is not text");
            };
            e.1.help.unwrap_or_default()
        };
        assert!(help("p.pathway").contains("save the pathway as UTF-8"));
        for name in ["policy.md", "policy.txt"] {
            let said = help(name);
            assert!(
                said.contains("save the document as UTF-8"),
                "{name}: {said}"
            );
            assert!(!said.contains("pathway"), "{name}: {said}");
        }
    }

    /// A Latin-1 letter before a NUL said "not valid UTF-8" at the letter,
    /// though a Latin-1 document alone is read; the NUL is why this is not.
    #[test]
    fn a_nul_is_named_even_after_a_byte_that_is_not_utf8() {
        for name in ["p.pathway", "policy.md", "policy.txt"] {
            let Err(e) = read(name, InputFormat::of(name), b"caf\xe9 ok\0 end".to_vec()) else {
                panic!("{name}: a NUL byte is not text");
            };
            assert!(e.1.message.contains("NUL byte"), "{name}: {}", e.1.message);
            assert_eq!(e.1.span.start(), 7, "{name}");
        }
    }

    /// Notepad's "Unicode" is UTF-16 with a byte-order mark: a pathway so
    /// saved is read, under `.pathway` or as a `.txt` holding one (it was
    /// once read as a policy, and every fault in it passed).
    #[test]
    fn a_pathway_saved_as_utf16_is_read_as_a_pathway() {
        let text = "pathway \"Hips\" {\n  entry gp: \"GP\" { kind: gp }\n}\n";
        let mut bytes = vec![0xff, 0xfe];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            InputFormat::sniffed("hips.txt", &bytes),
            Some(InputFormat::Pathway)
        );
        let Ok(decoded) = read("hips.pathway", InputFormat::Pathway, bytes) else {
            panic!("a UTF-16 pathway is text");
        };
        assert!(decoded.text.ends_with(text), "{:?}", decoded.text);
    }

    /// A UTF-16 pathway that does not decode whole is told why, at the
    /// character at fault in its decoded text, in either byte order; it
    /// was said to hold a NUL byte, at the file's second byte.
    #[test]
    fn a_broken_utf16_pathway_is_named_for_what_breaks_it() {
        let encode = |units: &[u16], little: bool| -> Vec<u8> {
            let mut bytes = if little {
                vec![0xff, 0xfe]
            } else {
                vec![0xfe, 0xff]
            };
            for u in units {
                bytes.extend(if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                });
            }
            bytes
        };
        let fault = |bytes: Vec<u8>| {
            let Err(e) = read("p.pathway", InputFormat::Pathway, bytes) else {
                panic!("a broken UTF-16 pathway was read");
            };
            let (shown, d) = *e;
            assert_eq!(d.rule, "invalid-encoding");
            (
                shown[d.span.start()..d.span.end()].to_string(),
                d.message.clone(),
            )
        };
        let units: Vec<u16> = "ab\nc"
            .encode_utf16()
            .chain([0xdc00])
            .chain([0x64])
            .collect();
        for little in [true, false] {
            let (at, message) = fault(encode(&units, little));
            assert_eq!(at, "\u{FFFD}");
            assert!(message.contains("unpaired surrogate"), "{message}");
            assert!(message.contains("at byte 10"), "{message}");
        }
        // A real NUL character, named as one, shown as `?`.
        let units: Vec<u16> = "ab\0c".encode_utf16().collect();
        let (at, message) = fault(encode(&units, true));
        assert_eq!(at, "?");
        assert!(message.contains("NUL character (at byte 6)"), "{message}");
        // An odd byte at the end.
        let mut bytes = encode(&"abc".encode_utf16().collect::<Vec<_>>(), true);
        bytes.push(b'd');
        let (at, message) = fault(bytes);
        assert_eq!(at, "\u{FFFD}");
        assert!(message.contains("lone byte (byte 8)"), "{message}");
    }

    #[test]
    fn formats_by_extension_ignoring_case() {
        assert_eq!(InputFormat::of("a/policy.MD"), InputFormat::Markdown);
        assert_eq!(InputFormat::of("p.markdown"), InputFormat::Markdown);
        assert_eq!(InputFormat::of("p.text"), InputFormat::Text);
        // A pathway saved with `.txt` added is read as the pathway it is.
        let saved = b"# Hips\r\npathway \"Hip and knee\" {\r\n}\r\n";
        assert_eq!(
            InputFormat::sniffed("hips.pathway.txt", saved),
            Some(InputFormat::Pathway)
        );
        assert_eq!(
            InputFormat::sniffed("notes.txt", b"The pathway \"Hips\" was agreed in May."),
            None
        );
        assert_eq!(InputFormat::sniffed("notes.md", saved), None);
        assert_eq!(InputFormat::of("p.Docx"), InputFormat::Docx);
        assert_eq!(InputFormat::of("p.pathway"), InputFormat::Pathway);
        assert_eq!(InputFormat::of("p.PDF"), InputFormat::Pdf);
        assert!(InputFormat::Pdf.is_prose());
        assert_eq!(InputFormat::of("p.yaml"), InputFormat::Pathway);
        assert_eq!(InputFormat::of("Makefile"), InputFormat::Pathway);
        assert!(!InputFormat::Pathway.is_prose());
        assert_eq!(InputFormat::Text.comment_style(), CommentStyle::Html);
        assert_eq!(InputFormat::of("flow.MMD"), InputFormat::Mermaid);
        assert_eq!(InputFormat::of("flow.mermaid"), InputFormat::Mermaid);
        assert_eq!(InputFormat::of("flow.drawio"), InputFormat::DrawIo);
        assert_eq!(InputFormat::of("flow.bpmn"), InputFormat::Bpmn);
        assert_eq!(InputFormat::of("deck.PPTX"), InputFormat::Pptx);
        assert!(InputFormat::Pptx.is_diagram());
        assert_eq!(InputFormat::of("flow.vsdx"), InputFormat::Vsdx);
        assert!(InputFormat::Bpmn.is_diagram() && !InputFormat::Bpmn.is_prose());
        // `.xml` by what it holds.
        assert_eq!(InputFormat::of("flow.xml"), InputFormat::Pathway);
        let drawio = Content::Text("<mxfile><diagram/></mxfile>".into());
        assert_eq!(
            InputFormat::of_content("a.xml", &drawio),
            InputFormat::DrawIo
        );
        let bpmn = Content::Bytes(
            b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"/>".to_vec(),
        );
        assert_eq!(InputFormat::of_content("a.XML", &bpmn), InputFormat::Bpmn);
        let other = Content::Text("<note/>".into());
        assert_eq!(
            InputFormat::of_content("a.xml", &other),
            InputFormat::Pathway
        );
        // Only a `.xml` name is looked inside.
        assert_eq!(
            InputFormat::of_content("a.pathway", &drawio),
            InputFormat::Pathway
        );
    }

    #[test]
    fn searches_pick_up_pathways_and_diagrams() {
        assert!(searched(Path::new("a/p.pathway")));
        assert!(searched(Path::new("a/flow.mmd")));
        assert!(searched(Path::new("a/flow.drawio")));
        assert!(searched(Path::new("a/flow.bpmn")));
        assert!(searched(Path::new("a/deck.pptx")));
        assert!(searched(Path::new("a/flow.vsdx")));
        assert!(!searched(Path::new("a/flow.xml")));
        assert!(!searched(Path::new("a/policy.md")));
        // Saved on Windows, extensions come in any case.
        assert!(searched(Path::new("a/p.PATHWAY")));
        assert!(searched(Path::new("a/Flow.Mmd")));
    }

    /// The warning on an unread page had an empty span (on the blank
    /// line of a page with no text, or one character of a caption), so
    /// the default output underlined nothing and SARIF had no snippet. It
    /// now covers the page's first line of text, or the blank line of a
    /// page with none, and stays on that page.
    #[test]
    fn an_unread_page_is_marked_on_a_line_of_its_own() {
        let shown = |text: &str, pages: Vec<usize>, unread: Vec<usize>| {
            let paged = Paged {
                text: text.to_string(),
                pages,
                unread,
            };
            let Some(d) = unread_pages_note(&paged) else {
                panic!("no warning for {text:?}");
            };
            text[d.span.start()..d.span.end()].to_string()
        };
        // A caption under the picture, with blanks around it.
        let text = "Referral policy.\n\n   Figure 2: scanned form  \nMore text.\n";
        assert_eq!(
            shown(text, vec![0, 17, 46], vec![2]),
            "Figure 2: scanned form"
        );
        // No text at all: the line the page was given, its break included.
        let text = "Referral policy.\n\nMore text.\n";
        assert_eq!(shown(text, vec![0, 17, 18], vec![2]), "\n");
        // A scanned cover.
        assert_eq!(shown("\nPolicy.\n", vec![0, 1], vec![1]), "\n");
    }

    #[test]
    fn every_format_has_one_row() {
        for f in [
            InputFormat::Pathway,
            InputFormat::Markdown,
            InputFormat::Text,
            InputFormat::Docx,
            InputFormat::Pdf,
            InputFormat::Mermaid,
            InputFormat::DrawIo,
            InputFormat::Bpmn,
            InputFormat::Pptx,
            InputFormat::Vsdx,
        ] {
            assert_eq!(FORMATS.iter().filter(|e| e.format == f).count(), 1);
        }
    }
}
