//! PDF files: recognised by their `%PDF-` header or `.pdf` name, their
//! text extracted page by page with the `pdf-extract` crate (pure Rust, on
//! `lopdf`; docs/prose.md, "PDF", says why this one) and laid out as
//! Markdown-like lines by src/prose/layout.rs, with where each page starts.
//!
//! A PDF is a hostile format: everything here is bounded. The file's size
//! and page count are capped, every compressed stream is inflated once
//! against a cap before the crate sees it (a decompression bomb is refused,
//! not expanded), the extracted text is capped, and a panic inside the
//! crate is caught and reported as a damaged file.

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use crate::prose::layout::{self, Paged};

/// Where a PDF's header may start: readers accept a little junk before it.
const HEADER_WITHIN: usize = 1024;

/// The largest PDF read, in bytes.
pub const MAX_BYTES: usize = 100 * 1024 * 1024;

/// The most pages read.
pub const MAX_PAGES: usize = 2_000;

/// The most one compressed stream may expand to, and all of them together.
const MAX_STREAM: u64 = 64 * 1024 * 1024;
const MAX_INFLATED: u64 = 512 * 1024 * 1024;

/// The most text kept from the whole document.
const MAX_TEXT: usize = 32 * 1024 * 1024;

/// Why a PDF's text cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// It needs a password (or only permits reading with one).
    Encrypted,
    /// Pages but no text layer, and pictures on them: a scan.
    ImageOnly,
    /// Pages with no text and no pictures either.
    NoText,
    /// Not a PDF that can be parsed, or one the reader gave up on.
    Damaged(String),
    /// Past one of the fixed limits.
    TooLarge(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Encrypted => write!(
                f,
                "the PDF is encrypted: save an unprotected copy (or export it as text) and check that"
            ),
            Failure::ImageOnly => write!(
                f,
                "no text to check: the PDF holds only images; run it through OCR first"
            ),
            Failure::NoText => write!(f, "no text to check: the PDF's pages hold no text"),
            Failure::Damaged(why) => write!(f, "the PDF is damaged or not a PDF ({why})"),
            Failure::TooLarge(why) => write!(f, "the PDF is too large to check safely: {why}"),
        }
    }
}

/// Whether `bytes` (of the file `name`) are a PDF: named `.pdf`, starting
/// with `%PDF-`, or binary with `%PDF-` near the start. (A text file that
/// merely mentions `%PDF-` is still read as text.)
pub fn is_pdf(name: &str, bytes: &[u8]) -> bool {
    let named = Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    let head = &bytes[..bytes.len().min(HEADER_WITHIN)];
    let trimmed = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let starts = trimmed.trim_ascii_start().starts_with(b"%PDF-");
    let inside = head.windows(5).any(|w| w == b"%PDF-") && std::str::from_utf8(bytes).is_err();
    named || starts || inside
}

/// The document's text, laid out, with where each page starts.
pub fn read(bytes: &[u8]) -> Result<Paged, Failure> {
    if bytes.len() > MAX_BYTES {
        return Err(Failure::TooLarge(format!(
            "it is larger than {} MB",
            MAX_BYTES / (1024 * 1024)
        )));
    }
    if !bytes.windows(5).take(HEADER_WITHIN).any(|w| w == b"%PDF-") {
        return Err(Failure::Damaged("no %PDF- header".into()));
    }
    check_streams(bytes)?;
    // The crate is not hardened against every malformed file: a panic in
    // it is a damaged file, not a crash of the run.
    let pages = catch_unwind(AssertUnwindSafe(|| extract(bytes)))
        .map_err(|_| Failure::Damaged("the PDF reader failed on it".into()))??;
    release_free_memory();
    let (pages, pictured): (Vec<String>, Vec<bool>) = pages.into_iter().unzip();
    let mut laid = layout::lay_out(&pages);
    laid.unread = unread_pages(&laid, &pictured);
    give_unread_pages_a_line(&mut laid);
    if laid.text.trim().is_empty() {
        let images = catch_unwind(AssertUnwindSafe(|| has_images(bytes))).unwrap_or(false);
        return Err(if images {
            Failure::ImageOnly
        } else {
            Failure::NoText
        });
    }
    Ok(laid)
}

/// Hands the memory the PDF's objects took, now dropped, back to the
/// system. glibc keeps freed memory in the allocating thread's own arena,
/// where the prose check, spread over other threads next, cannot reuse
/// it: on a 500-page PDF that doubled the peak.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::os::raw::c_int;
        }
        // SAFETY: malloc_trim takes no pointers and only returns free
        // memory to the system; it is safe to call at any time.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Each page's text, as the crate gives it.
/// Each page's text, and whether it shows a picture the size of a page's
/// worth of text ([`shows_a_picture`]).
fn extract(bytes: &[u8]) -> Result<Vec<(String, bool)>, Failure> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| damaged(&e.to_string()))?;
    // A file that opens without a password (only its permissions set) was
    // decrypted on loading; one that needs a password was not.
    if doc.is_encrypted() && !doc.was_encrypted() {
        return Err(Failure::Encrypted);
    }
    let count = doc.get_pages().len();
    if count > MAX_PAGES {
        return Err(Failure::TooLarge(format!(
            "it has {count} pages, more than the {MAX_PAGES} read"
        )));
    }
    if count == 0 {
        return Err(Failure::Damaged("it has no pages".into()));
    }
    let mut pages = Vec::with_capacity(count);
    for (number, id) in doc.get_pages() {
        let mut out = PageText::default();
        pdf_extract::output_doc_page(&doc, &mut out, number)
            .map_err(|e| damaged(&format!("page {number}: {e}")))?;
        pages.push((out.finish(), shows_a_picture(&doc, id)));
    }
    let total: usize = pages.iter().map(|(text, _)| text.len()).sum();
    if total > MAX_TEXT {
        return Err(Failure::TooLarge(format!(
            "its text is larger than {} MB",
            MAX_TEXT / (1024 * 1024)
        )));
    }
    Ok(pages)
}

/// A gap between two runs of glyphs wider than this share of the font
/// size is a space between words. The crate's own plain-text output uses
/// a tenth, which splits words whose capital is drawn apart from the rest
/// ("B MI", "C onservative" in Chromium's PDFs); a space is about a
/// quarter.
const SPACE_GAP: f64 = 0.2;

/// A drop to the next line of more than this many font sizes may start
/// a new paragraph (single-spaced text drops about 1.2).
const PARAGRAPH_GAP: f64 = 1.5;

/// A page's text in reading order of the drawing, as the crate's plain
/// text output gives it but for the width of a space (see [`SPACE_GAP`])
/// and paragraph breaks (see [`PageText::finish`]).
#[derive(Default)]
struct PageText {
    text: String,
    /// Set at the start of each run of glyphs drawn together.
    first_char: bool,
    last_end: f64,
    last_y: f64,
    height: f64,
    /// Each wide drop to a new line, to be judged once the page is read.
    drops: Vec<Drop>,
    /// The right end of the longest line so far.
    widest: f64,
    /// New lines after a narrow drop: wrapped lines of single-spaced text.
    narrow: usize,
    /// A space glyph not yet written: where it starts across the line and
    /// down the page, and the font size. See
    /// [`PageText::settle_space`].
    space: Option<HeldSpace>,
    /// The size of the last glyph written: a smaller one drawn above its
    /// line after a word is a reference mark (see [`PageText::is_mark`]).
    last_size: f64,
    /// In a run of reference marks ("2,3").
    in_mark: bool,
}

#[derive(Clone, Copy)]
struct HeldSpace {
    x: f64,
    y: f64,
    size: f64,
}

/// A space glyph followed this close (in font sizes) by the next glyph
/// on its line moved nothing on: a soft hyphen (see
/// [`PageText::settle_space`]).
const SOFT_HYPHEN_GAP: f64 = 0.1;

/// A wide drop to a new line: where the line starts in the text, the
/// drop in font sizes, and where the line before it ended.
struct Drop {
    at: usize,
    ratio: f64,
    before_ends: f64,
}

impl PageText {
    /// Whether a glyph is part of a footnote or reference mark: a digit
    /// (or the comma, dash or asterisk between two) set smaller than the
    /// text before it and raised above that line, straight after a word
    /// or closing punctuation. Written out, it sticks to the word
    /// ("months4", "BMI1") and hides it from the patterns.
    fn is_mark(&self, glyph: &str, y: f64, size: f64) -> bool {
        let body = self.last_size;
        let raised = body > 0.0
            && size < body * 0.85
            && self.last_y - y > body * 0.15
            && self.last_y - y < body;
        let mark_glyph = !glyph.is_empty()
            && glyph
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ',' | '-' | '–' | '*' | '†' | '‡'));
        let after_word = self.in_mark
            || self.text.chars().next_back().is_some_and(|c| {
                c.is_alphabetic() || matches!(c, ')' | '.' | ',' | ';' | ':' | '%')
            });
        raised && mark_glyph && after_word && self.space.is_none()
    }

    /// Writes the space glyph held back, unless the glyph after it, at
    /// `(x, y)` on the same line (a lower-case letter or a hyphen after a
    /// letter),
    /// starts less than a tenth of the font
    /// size after it (a space moves the pen on by about a quarter; the
    /// width the crate gives a space is not always the one drawn): then it
    /// was a soft hyphen inside a word,
    /// which the crate reads as a space and Chromium draws as nothing
    /// ("Smo\u{ad}kers" read as "Smo kers", hiding the word from every
    /// pattern). `None` at the end of the page.
    fn settle_space(&mut self, next: Option<(f64, f64, &str)>) {
        let Some(s) = self.space.take() else {
            return;
        };
        // Only between two letters: the width the crate gives punctuation
        // can be wrong ("titioner,and"), and a soft hyphen is inside a word.
        let after_letter = self
            .text
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic);
        let unmoved = next.is_some_and(|(x, y, glyph)| {
            after_letter
                // (or the hyphen drawn for it at a line's end)
                && glyph
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_lowercase() || c == '\u{2010}')
                && (y - s.y).abs() < s.size * 0.5
                && x < s.x + s.size * SOFT_HYPHEN_GAP
        });
        if !unmoved {
            self.text.push(' ');
        }
    }

    /// The page's text, a blank line between paragraphs. A wide drop to
    /// the next line is a paragraph break unless it is the page's usual
    /// line pitch (text set at 1.5 or double spacing) and the text runs on
    /// across it, as over a wrapped line.
    fn finish(mut self) -> String {
        self.settle_space(None);
        // Single-spaced text wraps with narrow drops, even in paragraphs
        // of two lines; a page spaced wider has hardly any.
        let usual = usual_ratio(self.drops.iter().map(|d| d.ratio)).filter(|u| {
            let at_usual = self.drops.iter().filter(|d| d.ratio <= u * 1.15).count();
            self.narrow * 4 < at_usual
        });
        let full = self.widest * 0.85;
        let text = &self.text;
        // A line that runs on: the one before stops mid-sentence, and this
        // one opens in lower case or follows a line that filled the page's
        // width (in two columns no line does, hence the first test).
        let runs_on = |d: &Drop| {
            let before = text[..d.at].trim_end().chars().next_back();
            let after = text[d.at..].trim_start().chars().next();
            !before.is_some_and(|c| matches!(c, '.' | ':' | ';' | '!' | '?'))
                && (after.is_some_and(char::is_lowercase) || d.before_ends >= full)
        };
        // A page of one short paragraph at 1.5 spacing has one wide drop,
        // too few to show a usual pitch; with no narrow drop beside it, a
        // drop under twice the font size that runs on into lower case is
        // that paragraph's wrap.
        let lone = usual.is_none() && self.narrow == 0;
        let wraps_alone = |d: &Drop| {
            lone && d.ratio < 2.0
                && runs_on(d)
                && text[d.at..]
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
        };
        let wrapped =
            |d: &Drop| (usual.is_some_and(|u| d.ratio <= u * 1.15) && runs_on(d)) || wraps_alone(d);
        let mut out = String::with_capacity(text.len() + self.drops.len());
        let mut from = 0;
        for d in self.drops.iter().filter(|d| !wrapped(d)) {
            out.push_str(&text[from..d.at]);
            out.push('\n');
            from = d.at;
        }
        out.push_str(&text[from..]);
        out
    }
}

/// The commonest wide drop on a page, to a twentieth of a font size,
/// when it recurs: the line pitch of text spaced wider than single.
fn usual_ratio(ratios: impl Iterator<Item = f64>) -> Option<f64> {
    let mut counts = std::collections::BTreeMap::<u32, usize>::new();
    for r in ratios.filter(|r| *r < 4.0) {
        *counts.entry((r * 20.0).round() as u32).or_default() += 1;
    }
    let (&bin, &count) = counts
        .iter()
        .max_by_key(|(bin, n)| (**n, std::cmp::Reverse(**bin)))?;
    (count >= 2).then_some(f64::from(bin) / 20.0)
}

impl pdf_extract::OutputDev for PageText {
    fn begin_page(
        &mut self,
        _page: u32,
        media_box: &pdf_extract::MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.height = media_box.ury - media_box.lly;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        glyph: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        // Where the glyph starts on the page, y counted down from the top,
        // and its font size as drawn.
        let (x, y) = (trm.m31, self.height - trm.m32);
        let across = font_size * (trm.m11 + trm.m21);
        let down = font_size * (trm.m12 + trm.m22);
        let size = (across * down).abs().sqrt();
        if self.is_mark(glyph, y, size) {
            // Left out; the line's own height and size stay the ones to
            // compare the next glyph with.
            self.in_mark = true;
            self.last_end = x + width * size;
            return Ok(());
        }
        self.in_mark = false;
        self.settle_space(Some((x, y, glyph)));
        if self.first_char {
            let drop = (y - self.last_y).abs();
            // Moved to the left and down: a new line.
            let new_line = x < self.last_end && drop > size * 0.5;
            if drop > size * PARAGRAPH_GAP {
                if new_line {
                    // Perhaps a paragraph's first line: judged in `finish`.
                    self.drops.push(Drop {
                        at: self.text.len(),
                        ratio: drop / size,
                        before_ends: self.last_end,
                    });
                } else {
                    self.text.push('\n');
                }
            }
            if new_line {
                self.text.push('\n');
                if drop <= size * PARAGRAPH_GAP {
                    self.narrow += 1;
                }
            }
            if x > self.last_end + size * SPACE_GAP {
                self.text.push(' ');
            }
        }
        // A space of unknown width (where the crate knows no glyph widths,
        // nothing on the line is placed reliably) is written as it comes.
        if glyph == " " && width > 0.0 {
            // Held until the next glyph shows whether it was a space.
            self.space = Some(HeldSpace { x, y, size });
        } else {
            self.text.push_str(glyph);
        }
        self.first_char = false;
        self.last_y = y;
        self.last_size = size;
        self.last_end = x + width * size;
        self.widest = self.widest.max(self.last_end);
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        self.first_char = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

/// A parser's error, shortened to its first line.
fn damaged(why: &str) -> Failure {
    let first = why.lines().next().unwrap_or("").trim();
    let short: String = first.chars().take(120).collect();
    Failure::Damaged(if short.is_empty() {
        "it cannot be parsed".into()
    } else {
        short
    })
}

/// A picture of at least this many pixels, and this many each way, could
/// hold a paragraph of scanned text; icons and small logos are smaller.
const SCAN_PIXELS: i64 = 100_000;
const SCAN_SIDE: i64 = 200;

/// A page with fewer letters than this beside a picture is taken for a
/// scan: a caption or a scanner's footer ("Scanned by …") is about this
/// long, a page of text some thousands.
const SCAN_LETTERS: usize = 100;

/// Whether the page draws a picture large enough to be scanned text.
fn shows_a_picture(doc: &lopdf::Document, page: lopdf::ObjectId) -> bool {
    doc.get_page_images(page).is_ok_and(|images| {
        images.iter().any(|i| {
            i.width >= SCAN_SIDE && i.height >= SCAN_SIDE && i.width * i.height >= SCAN_PIXELS
        })
    })
}

/// The pages (1-based) that show a picture and almost no text, as laid out
/// (running headers and footers already removed).
fn unread_pages(laid: &Paged, pictured: &[bool]) -> Vec<usize> {
    let mut unread = Vec::new();
    for (i, &start) in laid.pages.iter().enumerate() {
        let end = laid.pages.get(i + 1).copied().unwrap_or(laid.text.len());
        let letters = laid
            .text
            .get(start..end)
            .map_or(0, |t| t.chars().filter(|c| c.is_alphabetic()).count());
        if pictured.get(i) == Some(&true) && letters < SCAN_LETTERS {
            unread.push(i + 1);
        }
    }
    unread
}

/// An unread page with no text at all would start where the next page
/// does, so the warning placed on it was reported on that next page; an
/// empty line of its own gives it a place.
fn give_unread_pages_a_line(laid: &mut Paged) {
    let empty = |i: usize| {
        let next = laid.pages.get(i + 1).copied().unwrap_or(laid.text.len());
        laid.pages[i] == next && laid.unread.contains(&(i + 1))
    };
    let marks: Vec<usize> = (0..laid.pages.len()).filter(|&i| empty(i)).collect();
    if marks.is_empty() {
        return;
    }
    let mut text = String::with_capacity(laid.text.len() + marks.len());
    let mut copied = 0;
    let mut shift = 0;
    for (i, start) in laid.pages.iter_mut().enumerate() {
        let at = *start;
        text.push_str(&laid.text[copied..at]);
        copied = at;
        *start += shift;
        if marks.contains(&i) {
            text.push('\n');
            shift += 1;
        }
    }
    text.push_str(&laid.text[copied..]);
    laid.text = text;
}

/// Whether any object is an image (a scanned page).
fn has_images(bytes: &[u8]) -> bool {
    let Ok(doc) = lopdf::Document::load_mem(bytes) else {
        return false;
    };
    doc.objects.values().any(|o| {
        o.as_stream().is_ok_and(|s| {
            s.dict
                .get(b"Subtype")
                .and_then(lopdf::Object::as_name)
                .is_ok_and(|n| n == b"Image")
        })
    })
}

/// Inflates every zlib-compressed stream in the file against a cap, so a
/// stream that expands without bound is refused before any reader expands
/// it in full. Streams that are not zlib data (images) are skipped.
fn check_streams(bytes: &[u8]) -> Result<(), Failure> {
    let mut total = 0u64;
    let mut at = 0;
    let mut sink = vec![0u8; 64 * 1024];
    while let Some(found) = find(&bytes[at..], b"stream") {
        let mut start = at + found + b"stream".len();
        at = start;
        // `endstream` also contains the word.
        if bytes[..start - b"stream".len()].ends_with(b"end") {
            continue;
        }
        match bytes.get(start..start + 2) {
            Some([b'\r', b'\n']) => start += 2,
            Some([b'\n', _]) | Some([b'\r', _]) => start += 1,
            _ => continue,
        }
        let body = &bytes[start..];
        if body.len() < 2
            || body[0] & 0x0f != 8
            || (u16::from(body[0]) << 8 | u16::from(body[1])) % 31 != 0
        {
            continue;
        }
        let mut inflater = flate2::read::ZlibDecoder::new(body).take(MAX_STREAM + 1);
        let mut size = 0u64;
        loop {
            match inflater.read(&mut sink) {
                Ok(0) | Err(_) => break,
                Ok(n) => size += n as u64,
            }
        }
        if size > MAX_STREAM {
            return Err(Failure::TooLarge(format!(
                "a stream in it expands to more than {} MB",
                MAX_STREAM / (1024 * 1024)
            )));
        }
        total += size;
        if total > MAX_INFLATED {
            return Err(Failure::TooLarge(format!(
                "its streams expand to more than {} MB",
                MAX_INFLATED / (1024 * 1024)
            )));
        }
    }
    Ok(())
}

/// Where `needle` first occurs in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_wide_drop_must_recur() {
        assert_eq!(usual_ratio([1.75, 1.76, 2.6].into_iter()), Some(1.75));
        assert_eq!(usual_ratio([1.75, 2.6].into_iter()), None);
        // Ties go to the narrower drop: the line pitch, not the paragraph gap.
        assert_eq!(usual_ratio([2.6, 1.75, 2.6, 1.75].into_iter()), Some(1.75));
        assert_eq!(usual_ratio(std::iter::empty()), None);
    }

    #[test]
    fn recognised_by_header_or_name() {
        assert!(is_pdf("policy.bin", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"));
        assert!(is_pdf("policy.PDF", b"anything"));
        assert!(is_pdf("x", b"\xef\xbb\xbf  %PDF-1.4"));
        assert!(is_pdf("x", b"junk\n%PDF-1.4\n\xe2\xe3"));
        assert!(!is_pdf(
            "policy.md",
            b"# Policy\n\nWe accept %PDF-1.4 files.\n"
        ));
    }

    #[test]
    fn not_a_pdf_is_damaged() {
        assert!(matches!(read(b"hello"), Err(Failure::Damaged(_))));
        assert!(matches!(
            read(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
            Err(Failure::Damaged(_))
        ));
    }

    #[test]
    fn a_decompression_bomb_is_refused_unexpanded() {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..(MAX_STREAM / (1024 * 1024) + 1) {
            std::io::Write::write_all(&mut z, &zeros).unwrap();
        }
        let body = z.finish().unwrap();
        let mut pdf = b"%PDF-1.7\n1 0 obj\n<< /Length 0 /Filter /FlateDecode >>\nstream\n".to_vec();
        pdf.extend(&body);
        pdf.extend(b"\nendstream\nendobj\n");
        assert!(matches!(read(&pdf), Err(Failure::TooLarge(_))));
    }
}
