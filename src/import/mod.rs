//! Diagrams read as pathways. A reader per format (Mermaid flowcharts,
//! draw.io, BPMN 2.0, PowerPoint, Visio) turns the file into [`Diagram`]: pages of shapes and
//! the connectors between them, each with its ID and text. The step shared
//! by every format, [`to_pathway`], turns those into the text of a
//! `.pathway` file: start shapes and shapes naming a way in become entries,
//! terminators that lead nowhere exits, the rest services, with `kind`,
//! `offers` and `requires` read from their text through the vocabulary
//! ([`meaning`]); decision diamonds become branches. Every guess is an
//! `import-guess` finding pointing into the generated text, and the
//! generated nodes and routes remember the shape or connector they came
//! from ([`crate::source::DiagramPart`]) so findings can name it.
//!
//! Readers never panic and stay within fixed limits ([`MAX_DIAGRAM_BYTES`],
//! [`MAX_SHAPES`], [`MAX_INFLATED_BYTES`], [`package::MAX_ZIP_ENTRIES`]); a file they cannot read is an
//! error with the reason, which the command line turns into exit 2.

pub mod bpmn;
pub mod drawio;
pub mod markdown;
pub mod meaning;
pub mod mermaid;
pub mod package;
pub mod places;
pub mod pptx;
pub mod restore;
pub mod vsdx;

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Diagnostic, Severity};
use crate::input::InputFormat;
use crate::rules::builtin::Builtin;
use crate::source::DiagramPart;
use crate::span::Span;
use crate::vocabulary::Vocabulary;

use meaning::{asked, criteria, is_ident, negated, quote, without, Names};
use restore::{fields_left_out, match_node, write_kept_node, Matched};

/// The largest diagram file read (a flowchart of a pathway is a few
/// kilobytes; the largest real ones are well under a megabyte).
pub const MAX_DIAGRAM_BYTES: usize = 16 * 1024 * 1024;
/// The most a compressed draw.io page may inflate to, and the most all
/// the parts read from an Office package (`.pptx`, `.vsdx`) may inflate to together.
pub const MAX_INFLATED_BYTES: usize = 16 * 1024 * 1024;
/// The most shapes and connectors read from one file, all pages together.
pub const MAX_SHAPES: usize = 10_000;
/// The most routes decision diamonds may expand into (each path through a
/// chain of decisions is a route of its own).
pub const MAX_ROUTES: usize = 50_000;
/// The most characters kept of one shape's or connector's text.
pub const MAX_TEXT_CHARS: usize = 2_000;

/// What a shape is drawn as, as far as a pathway cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A start event (BPMN): an entry.
    Start,
    /// An end event (BPMN): an exit.
    End,
    /// A terminator, stadium or circle: an entry where nothing leads to
    /// it, an exit where it leads nowhere.
    Terminal,
    /// A decision diamond or exclusive gateway: its branches become routes.
    Decision,
    /// A parallel gateway: routes pass through it to every branch.
    Fork,
    /// A box: a service, unless its text says it is a way in.
    Process,
    /// A note or text annotation: its `Field: value` lines become pathway
    /// fields, the rest a comment.
    Note,
}

/// A shape with text.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub id: String,
    pub text: String,
    pub form: Form,
}

/// A connector from one shape to another.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub id: String,
    pub from: String,
    pub to: String,
    pub text: String,
}

/// One page, process or flowchart: one pathway.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub name: String,
    pub shapes: Vec<Shape>,
    pub links: Vec<Link>,
    /// Shapes and connectors whose text was cut at [`MAX_TEXT_CHARS`], by
    /// index, with how many characters were left out.
    pub cut_shapes: Vec<(usize, usize)>,
    pub cut_links: Vec<(usize, usize)>,
}

/// A diagram file as its reader found it.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    pub format: InputFormat,
    pub pages: Vec<Page>,
    /// Where its shapes and connectors are in its own file, when it has
    /// lines (src/import/places.rs).
    pub places: places::Places,
    /// The pathway a drawing `msklint graph` made was drawn from, which it
    /// keeps in comment lines (src/import/restore.rs).
    pub kept: Option<String>,
}

impl Diagram {
    /// Reads a diagram of `format`, or says why it cannot be read.
    pub fn read(format: InputFormat, bytes: &[u8]) -> Result<Diagram, String> {
        if bytes.len() > MAX_DIAGRAM_BYTES {
            return Err(format!(
                "it is {} bytes, over the {} MB msklint reads from a diagram",
                bytes.len(),
                MAX_DIAGRAM_BYTES / (1024 * 1024)
            ));
        }
        let mut pages = match format {
            InputFormat::Mermaid => mermaid::read(bytes)?,
            InputFormat::DrawIo => drawio::read(bytes)?,
            InputFormat::Bpmn => bpmn::read(bytes)?,
            InputFormat::Pptx => pptx::read(bytes)?,
            InputFormat::Vsdx => vsdx::read(bytes)?,
            _ => return Err("it is not a diagram msklint reads".to_string()),
        };
        // A drawing `msklint graph` made lists each shape's and arrow's
        // findings on a line of their own: not words of the drawing.
        let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        let generated = format == InputFormat::Mermaid
            && String::from_utf8_lossy(first_line).contains(crate::discover::GENERATED);
        if generated {
            for page in &mut pages {
                for s in &mut page.shapes {
                    drop_rule_lines(&mut s.text, true);
                }
                for l in &mut page.links {
                    drop_rule_lines(&mut l.text, false);
                }
            }
        }
        let mut diagram = Diagram::from_pages(format, pages)?;
        diagram.places = places_in(format, bytes);
        if generated {
            diagram.kept = std::str::from_utf8(bytes).ok().and_then(restore::read_kept);
        }
        Ok(diagram)
    }

    /// The diagram of pages a reader found, held to the limits every
    /// diagram is: not too many shapes, some shapes, texts capped.
    pub fn from_pages(format: InputFormat, pages: Vec<Page>) -> Result<Diagram, String> {
        too_many(pages.iter().map(|p| p.shapes.len() + p.links.len()).sum())?;
        if pages.iter().all(|p| p.shapes.is_empty()) {
            return Err("it has no shapes to read as a pathway".to_string());
        }
        let mut pages = pages;
        for page in &mut pages {
            for (i, s) in page.shapes.iter_mut().enumerate() {
                if let Some(left) = cap(&mut s.text) {
                    page.cut_shapes.push((i, left));
                }
            }
            for (i, l) in page.links.iter_mut().enumerate() {
                if let Some(left) = cap(&mut l.text) {
                    page.cut_links.push((i, left));
                }
            }
        }
        Ok(Diagram {
            format,
            pages,
            places: places::Places::default(),
            kept: None,
        })
    }

    /// What it is, for messages ("a Mermaid flowchart").
    pub fn describe(&self) -> &'static str {
        match self.format {
            InputFormat::Mermaid => "a Mermaid flowchart",
            InputFormat::DrawIo => "a draw.io diagram",
            InputFormat::Bpmn => "a BPMN diagram",
            InputFormat::Pptx => "a PowerPoint deck",
            InputFormat::Vsdx => "a Visio drawing",
            _ => "a diagram",
        }
    }
}

/// Where a diagram's shapes are in its file: Mermaid at their statements,
/// draw.io and BPMN at their `id` attributes (none on a compressed
/// draw.io page); PowerPoint and Visio have no lines to point at.
fn places_in(format: InputFormat, bytes: &[u8]) -> places::Places {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return places::Places::default();
    };
    match format {
        InputFormat::Mermaid => mermaid::read_located(text)
            .map(|(_, at)| places::Places::of_ranges(text, &at.shapes, &at.links))
            .unwrap_or_default(),
        InputFormat::DrawIo | InputFormat::Bpmn => places::Places::of_xml_ids(text),
        _ => places::Places::default(),
    }
}

/// Drops the lines of a text that only list rule names: the findings
/// `msklint graph` writes under a label. Read back as words, they would
/// say what a shape is ("missing-rehabilitation" is no rehabilitation
/// service). A shape's first line is its label and always kept; an arrow
/// may have no other line. A name counts when it is a built-in rule's or
/// written as one (lower case, with a hyphen), so a project's own rules go
/// too, and a kind (`self_referral`) stays.
fn drop_rule_lines(text: &mut String, keep_first: bool) {
    let rule_like = |name: &str| {
        crate::rules::load::is_builtin_name(name)
            || (name.contains('-')
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'))
    };
    let is_rule_line = |line: &str| {
        let line = line.trim();
        !line.is_empty() && line.split(',').all(|name| rule_like(name.trim()))
    };
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = if keep_first { lines.next() } else { None };
    if lines.clone().any(is_rule_line) {
        let kept: Vec<&str> = first
            .into_iter()
            .chain(lines.filter(|l| !is_rule_line(l)))
            .collect();
        *text = kept.join("\n");
    }
}

/// The error a reader returns as soon as it has read more than
/// [`MAX_SHAPES`] shapes and connectors, so a huge file is not read whole.
pub fn too_many(count: usize) -> Result<(), String> {
    if count > MAX_SHAPES {
        return Err(format!(
            "it has more than {MAX_SHAPES} shapes and connectors, over the {MAX_SHAPES} msklint reads from one diagram"
        ));
    }
    Ok(())
}

/// Cuts a text at [`MAX_TEXT_CHARS`]; how many characters were left out.
fn cap(text: &mut String) -> Option<usize> {
    let (at, _) = text.char_indices().nth(MAX_TEXT_CHARS)?;
    let left = text[at..].chars().count();
    text.truncate(at);
    Some(left)
}

/// The guess that says a text was cut, so a criterion at its end is not
/// lost without a word.
fn cut_note(what: &str, left: usize) -> String {
    format!(
        "only the first {MAX_TEXT_CHARS} characters of {what} were read: the last {} left out, so nothing {} says (a criterion, an offer, a kind) is checked; shorten the text, or import the diagram and write the rest into the pathway",
        if left == 1 { "character was".to_string() } else { format!("{left} were") },
        if left == 1 { "it" } else { "they" }
    )
}

/// The pathway text written for a diagram, what in it came from which
/// shape or connector, and the guesses made.
#[derive(Debug, Clone, Default)]
pub struct Imported {
    pub text: String,
    pub parts: Vec<DiagramPart>,
    pub guesses: Vec<Diagnostic>,
    /// Given back whole from a drawing `msklint graph` made, nothing
    /// guessed (src/import/restore.rs).
    pub restored: bool,
}

/// Text as shown in one line: newlines and runs of spaces as one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text with its line breaks kept but each line tidied as [`one_line`]
/// does and blank lines dropped: how a shape's text is remembered.
pub fn tidy_lines(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(one_line)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

/// Text from HTML labels (draw.io with `html=1`, Mermaid's `<br>`): line
/// breaks and block ends become newlines, other tags go, the common
/// entities are decoded.
pub fn from_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close].trim().to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        if matches!(name, "br" | "div" | "p" | "li" | "tr") && !out.ends_with('\n') {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    let out = out.replace("#quot;", "\"");
    let decoded = crate::prose::entities::decode(&out).replace('\u{a0}', " ");
    decoded
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A branch label as the answer words below are written: trimmed, lower
/// case, without a closing full stop or exclamation mark.
fn plain_answer(label: &str) -> String {
    label
        .trim()
        .trim_end_matches(['.', '!'])
        .to_ascii_lowercase()
}

/// Branch labels that mean the decision's question was answered yes.
fn yes(label: &str) -> bool {
    matches!(
        plain_answer(label).as_str(),
        "yes" | "y" | "true" | "met" | "eligible" | "suitable" | "ok" | "criteria met"
    )
}

/// Branch labels that mean it was answered no.
fn no(label: &str) -> bool {
    matches!(
        plain_answer(label).as_str(),
        "no" | "n" | "false" | "not met" | "not eligible" | "not suitable" | "criteria not met"
    )
}

/// A branch label that opens with an answer and says more ("Yes - list",
/// "No, refer on", "Yes: non-smoker"): whether the answer is yes, and the rest.
fn answer(label: &str) -> Option<(bool, &str)> {
    let label = label.trim();
    let end = label
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(label.len());
    let (word, rest) = label.split_at(end);
    let said = if yes(word) {
        true
    } else if no(word) {
        false
    } else {
        return None;
    };
    // A separator must follow: "Not yet measured" opens with no answer.
    let rest = rest.strip_prefix(|c: char| c.is_whitespace() || ",;:-–—.(/".contains(c))?;
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || ",;:-–—.(/".contains(c));
    Some((said, rest.trim_end_matches(')').trim()))
}

/// A branch label that says to go on, which after a question that is a
/// criterion ("BMI under 35?" → "Proceed") means it was met.
fn goes_ahead(label: &str) -> bool {
    matches!(
        plain_answer(label).as_str(),
        "proceed" | "go ahead" | "continue" | "accept" | "accepted" | "approved"
    )
}

/// A branch label that leaves its question unanswered or says it is not
/// met: "Not yet measured", "Unknown", "Awaiting results".
fn declines(label: &str) -> bool {
    let l = label.trim().to_lowercase();
    [
        "not ",
        "not-",
        "unknown",
        "awaiting",
        "pending",
        "unsure",
        "don't know",
        "n/a",
    ]
    .iter()
    .any(|p| l.starts_with(p))
}

/// A question that asks how care went ("Improved after 6 weeks?"), not
/// whether someone may have it.
fn reviews_care(question: &str) -> bool {
    let q = question.to_lowercase();
    q.contains("goals met")
        || q.split(|c: char| !c.is_alphanumeric()).any(|word| {
            ["improv", "better", "resolv", "settl", "respond", "recover"]
                .iter()
                .any(|stem| word.starts_with(stem))
        })
}

/// What a node is in the pathway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Entry,
    Service,
    Exit,
}

/// A route in the pathway: from node to node, through the links (and the
/// decisions between them) it was drawn with.
struct Route {
    from: usize,
    to: usize,
    /// Link indices, first from `from`, last into `to`.
    links: Vec<usize>,
    /// Links on the path that stand for every branch of their decision,
    /// because each answer leads the same way: the question sets no
    /// condition on this route.
    any: Vec<usize>,
}

/// The generated text, its parts and guesses, for one file.
struct Writer {
    text: String,
    parts: Vec<DiagramPart>,
    guesses: Vec<Diagnostic>,
    pathway: String,
}

impl Writer {
    /// Appends `s` at `indent` spaces as a line; returns its span.
    fn line(&mut self, indent: usize, s: &str) -> Span {
        self.text.extend(std::iter::repeat_n(' ', indent));
        let start = self.text.len();
        self.text.push_str(s);
        let end = self.text.len();
        self.text.push('\n');
        Span::new(start, end)
    }

    /// A `# …` comment line, each line of `text` one comment line.
    fn comment(&mut self, indent: usize, text: &str) -> Span {
        let mut first = None;
        for l in text.lines() {
            let span = self.line(indent, &format!("# {}", l.trim_end()));
            first.get_or_insert(span);
        }
        first.unwrap_or_else(|| self.line(indent, "#"))
    }

    fn guess(&mut self, span: Span, subject: Option<&str>, label: &str, message: String) {
        let mut d = Diagnostic::new(Builtin::ImportGuess.name(), Severity::Info, span, message)
            .with_label(label)
            .with_help(
                "check the guess against the diagram: correct the diagram's text, or \
                 import it (`msklint import FILE -o FILE.pathway`) and edit the pathway",
            )
            .in_pathway(&self.pathway);
        if let Some(s) = subject {
            d = d.about(s);
        }
        self.guesses.push(d);
    }
}

/// How a diagram's pieces are named in messages.
/// A note's lines as one text to read: a line that goes on in lower case,
/// or follows a colon or a sentence's end, joins with a space; separate
/// items ("BMI under 35" / "Non-smoker") are kept apart by a semicolon, so
/// one item's exception never reaches the next.
fn note_prose(lines: &[String]) -> String {
    let mut out = String::new();
    for raw in lines {
        let line = raw
            .trim_start_matches(crate::prose::sentences::BULLETS)
            .trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            // A bullet starts an item whatever its case; a line without
            // one goes on the line above when it opens in lower case.
            let bulleted = line.len() < raw.trim().len();
            let ended = out.ends_with([':', ';', '.', '!', '?']);
            let goes_on = !bulleted
                && (out.ends_with(',') || line.chars().next().is_some_and(char::is_lowercase));
            out.push_str(if ended || goes_on { " " } else { "; " });
        }
        out.push_str(line);
    }
    out
}

fn shape_named(shape: &Shape) -> String {
    let first = shape.text.lines().map(str::trim).find(|l| !l.is_empty());
    match first {
        Some(first) => format!("shape `{}` “{}”", shape.id, clipped(first)),
        None => format!("shape `{}`", shape.id),
    }
}

fn link_named(link: &Link) -> String {
    if link.text.trim().is_empty() {
        format!("connector `{}`", link.id)
    } else {
        format!(
            "connector `{}` “{}”",
            link.id,
            clipped(&one_line(&link.text))
        )
    }
}

/// At most 60 characters of a text, for messages.
fn clipped(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_string(),
    }
}

/// The pathway for a diagram read from `name`.
pub fn to_pathway(diagram: &Diagram, name: &str, vocabulary: &Vocabulary) -> Imported {
    if let Some(restored) = restore::restored(diagram, name) {
        return restored;
    }
    let names = Names::new(vocabulary);
    let mut w = Writer {
        text: String::new(),
        parts: Vec::new(),
        guesses: Vec::new(),
        pathway: String::new(),
    };
    let stem = std::path::Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string());
    let pages: Vec<&Page> = diagram
        .pages
        .iter()
        .filter(|p| !p.shapes.is_empty())
        .collect();
    // A drawing `msklint graph` made and then edited: what still matches
    // is taken from the pathway it keeps.
    let kept_text = diagram.kept.as_deref().filter(|_| pages.len() == 1);
    let kept_file = kept_text.and_then(restore::Kept::parse);
    let kept = kept_text.zip(kept_file.as_ref()).and_then(|(text, file)| {
        Some(restore::Kept {
            text,
            pathway: file.pathways.first()?,
        })
    });
    for (i, page) in pages.iter().enumerate() {
        if i > 0 {
            w.text.push('\n');
        }
        let title = match page.name.trim() {
            "" if pages.len() > 1 => format!("{stem} ({})", i + 1),
            "" => stem.clone(),
            t => one_line(t),
        };
        write_page(
            &mut w,
            (page, kept.as_ref()),
            &title,
            diagram.describe(),
            name,
            &names,
            vocabulary,
        );
    }
    Imported {
        text: w.text,
        parts: w.parts,
        guesses: w.guesses,
        restored: false,
    }
}

fn write_page(
    w: &mut Writer,
    (page, kept): (&Page, Option<&restore::Kept<'_, '_>>),
    title: &str,
    what: &str,
    file: &str,
    names: &Names<'_>,
    vocabulary: &Vocabulary,
) {
    let title = kept.map_or(title, |k| k.pathway.name.value.as_ref());
    w.pathway = title.to_string();
    let index: HashMap<&str, usize> = page
        .shapes
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .rev()
        .collect();
    // Links between two known shapes; the rest are left out, with a note.
    let mut dropped = Vec::new();
    let mut links: Vec<(usize, usize, usize)> = Vec::new();
    for (li, l) in page.links.iter().enumerate() {
        match (index.get(l.from.as_str()), index.get(l.to.as_str())) {
            (Some(&a), Some(&b)) => links.push((li, a, b)),
            _ => dropped.push(li),
        }
    }
    let linked: HashSet<usize> = links.iter().flat_map(|&(_, a, b)| [a, b]).collect();
    // Notes: drawn as notes, or unconnected shapes holding only fields.
    let is_fields = |s: &Shape| {
        let lines: Vec<&str> = s.text.lines().filter(|l| !l.trim().is_empty()).collect();
        !lines.is_empty()
            && lines
                .iter()
                .all(|l| meaning::field(l, vocabulary).is_some())
    };
    let note: Vec<bool> = page
        .shapes
        .iter()
        .enumerate()
        .map(|(i, s)| s.form == Form::Note || (!linked.contains(&i) && is_fields(s)))
        .collect();
    let links: Vec<(usize, usize, usize)> = links
        .into_iter()
        .filter(|&(li, a, b)| {
            let keep = !note[a] && !note[b];
            if !keep {
                dropped.push(li);
            }
            keep
        })
        .collect();
    let mut ins = vec![0usize; page.shapes.len()];
    let mut outs: Vec<Vec<usize>> = vec![Vec::new(); page.shapes.len()];
    for (k, &(_, a, b)) in links.iter().enumerate() {
        outs[a].push(k);
        ins[b] += 1;
    }
    let branching: Vec<bool> = page
        .shapes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            // A short box on missed appointments between two steps ("DNA
            // x2") is what happens to people who miss them, not a service.
            let dna = s.form == Form::Process
                && meaning::about_missed_appointments(&s.text)
                && one_line(&s.text).chars().count() <= 40;
            (matches!(s.form, Form::Decision | Form::Fork) || dna)
                && ins[i] > 0
                && !outs[i].is_empty()
        })
        .collect();
    let nodes: Vec<usize> = (0..page.shapes.len())
        .filter(|&i| !note[i] && !branching[i])
        .collect();

    // Routes, expanding paths through decisions.
    let mut routes: Vec<Route> = Vec::new();
    let mut too_many = false;
    // Only paths through decisions multiply; the cap counts those, so a
    // plain arrow is always written.
    let mut expanded = 0usize;
    'links: for &(li, a, b) in &links {
        if branching[a] {
            continue;
        }
        if !branching[b] {
            routes.push(Route {
                from: a,
                to: b,
                links: vec![li],
                any: Vec::new(),
            });
            continue;
        }
        if too_many {
            continue;
        }
        // Depth first through the decisions; a decision already on the
        // path is not entered again, so loops end.
        // Branches of one decision that all lead to the same place with a
        // plain answer ("Yes", "No" or nothing) are one step with no
        // condition: a chain of such questions is one route, not one per
        // combination of answers.
        // (Not a question about missed appointments: its "Yes" is a
        // discharge even where both answers are drawn to the same place.)
        let plain = |k: usize| {
            let t = one_line(&page.links[links[k].0].text);
            (t.is_empty() || yes(&t) || no(&t))
                && !meaning::about_missed_appointments(&page.shapes[links[k].1].text)
        };
        let mut stack: Vec<(usize, Vec<usize>, Vec<usize>)> = vec![(b, vec![li], Vec::new())];
        while let Some((d, path, any)) = stack.pop() {
            for &k in outs[d].iter().rev() {
                let (next, _, to) = links[k];
                let same: Vec<usize> = outs[d]
                    .iter()
                    .copied()
                    .filter(|&j| links[j].2 == to)
                    .collect();
                let merged = same.len() > 1 && same.iter().all(|&j| plain(j));
                if merged && same[0] != k {
                    continue;
                }
                let mut path = path.clone();
                path.push(next);
                let mut any = any.clone();
                if merged {
                    any.push(next);
                }
                if !branching[to] {
                    if expanded >= MAX_ROUTES {
                        too_many = true;
                        continue 'links;
                    }
                    expanded += 1;
                    routes.push(Route {
                        from: a,
                        to,
                        links: path,
                        any,
                    });
                } else if !path[..path.len() - 1]
                    .iter()
                    .any(|&p| index.get(page.links[p].to.as_str()) == Some(&to))
                {
                    stack.push((to, path, any));
                }
            }
        }
    }
    let mut into = vec![0usize; page.shapes.len()];
    let mut from = vec![0usize; page.shapes.len()];
    for r in &routes {
        from[r.from] += 1;
        into[r.to] += 1;
    }

    // IDs: the diagram's own where it is a usable identifier, else from
    // the text; each once.
    let mut taken: HashSet<String> = HashSet::new();
    let mut ids: HashMap<usize, String> = HashMap::new();
    // Shapes drawn for a kept node keep its ID; every kept ID is taken.
    let matched: HashMap<usize, Matched<'_, '_>> = match kept {
        Some(k) => {
            taken.extend(k.pathway.nodes.iter().map(|n| n.id.name.to_string()));
            let by_shape = k.nodes_by_shape();
            nodes
                .iter()
                .filter_map(|&i| {
                    let s = &page.shapes[i];
                    let node = *by_shape.get(&s.id)?;
                    let named = read_named(names, &s.text, &vocabulary.kinds);
                    let (role, _) = role_of(s, (into[i], from[i]), &named, vocabulary);
                    Some((i, match_node(s, node, role, &vocabulary.kinds)))
                })
                .collect()
        }
        None => HashMap::new(),
    };
    for &i in &nodes {
        let s = &page.shapes[i];
        if let Some(m) = matched.get(&i) {
            ids.insert(i, m.node().id.name.to_string());
            continue;
        }
        let own = if is_ident(&s.id)
            && (what == "a Mermaid flowchart" || !s.id.chars().any(|c| c.is_ascii_digit()))
        {
            s.id.clone()
        } else {
            slug(&label_of(s, &vocabulary.kinds))
        };
        let mut id = own.clone();
        let mut n = 2;
        while taken.contains(&id) {
            id = format!("{own}_{n}");
            n += 1;
        }
        taken.insert(id.clone());
        ids.insert(i, id);
    }

    // The header, the fields from notes, and what notes say besides.
    let mut seen_fields: HashSet<String> = HashSet::new();
    match kept {
        None => {
            w.line(0, &format!("pathway {} {{", quote(title)));
            w.comment(
                2,
                &format!(
                    "Imported by msklint from {what}, {}.\nEvery guess is an `import-guess` finding; check them against the diagram.",
                    one_line(file)
                ),
            );
        }
        Some(k) => {
            // The comments written around the pathway's block, and its
            // fields, which a drawing does not show, are taken as written.
            w.text.push_str(k.outside().0);
            w.line(0, &format!("pathway {} {{", quote(title)));
            w.comment(
                2,
                &format!(
                    "Imported by msklint from {what}, {}, which `msklint graph` drew from a pathway it keeps below the drawing.\nThe drawing was edited since: what it still shows as drawn was taken from the kept pathway, the rest read from the drawing.\nEvery guess is an `import-guess` finding; check them against the diagram.",
                    one_line(file)
                ),
            );
            for f in &k.pathway.fields {
                w.text.push_str(&k.item_text(f.span, None));
                seen_fields.insert(f.key.name.to_string());
            }
        }
    }
    // What notes say besides fields: written as the pathway's `notes`, so
    // the prose checks read them as they read any string of a pathway.
    let mut notes: Vec<(&Shape, String)> = Vec::new();
    for s in page
        .shapes
        .iter()
        .enumerate()
        .filter(|(i, _)| note[*i])
        .map(|(_, s)| s)
    {
        let mut other = Vec::new();
        for l in s.text.lines().filter(|l| !l.trim().is_empty()) {
            match meaning::field(l, vocabulary) {
                Some((key, value)) if seen_fields.insert(key.clone()) => {
                    let start = w.text.len() + 2;
                    let span = w.line(2, &format!("{key}: {value}"));
                    w.parts.push(DiagramPart {
                        span: Span::new(start, span.end()),
                        id: s.id.clone(),
                        text: one_line(l),
                        connector: false,
                    });
                    w.guess(
                        span,
                        None,
                        "field from a note",
                        format!(
                            "`{key}` read from “{}” in note `{}`",
                            clipped(l.trim()),
                            s.id
                        ),
                    );
                }
                _ => other.push(l.trim().to_string()),
            }
        }
        if !other.is_empty() {
            notes.push((s, note_prose(&other)));
        }
    }
    if !notes.is_empty() && !seen_fields.contains("notes") {
        w.line(2, "notes: [");
        for (s, said) in &notes {
            let start = w.text.len() + 4;
            let span = w.line(4, &format!("{},", quote(said)));
            w.parts.push(DiagramPart {
                span: Span::new(start, span.end() - 1),
                id: s.id.clone(),
                text: s.text.clone(),
                connector: false,
            });
            w.guess(
                Span::new(start, span.end() - 1),
                None,
                "read as a note",
                format!(
                    "{} is a note, not a service: its text is kept in the pathway's `notes` and checked like any other text of the pathway",
                    shape_named(s)
                ),
            );
        }
        w.line(2, "]");
    }
    for &li in &dropped {
        let l = &page.links[li];
        let span = w.comment(
            2,
            &format!(
                "connector `{}` ({} to {}) left out",
                l.id,
                if l.from.is_empty() {
                    "nothing"
                } else {
                    &l.from
                },
                if l.to.is_empty() { "nothing" } else { &l.to }
            ),
        );
        w.guess(
            span,
            None,
            "connector left out",
            format!(
                "{} is left out: it does not join two shapes of the pathway (one end is loose, or on a note)",
                link_named(l)
            ),
        );
    }
    if !w.text.ends_with("{\n") {
        w.text.push('\n');
    }

    // Nodes.
    // What each route says; a criterion every one of a service's several
    // routes in carries (a decision all of them pass) is the service's own.
    let mut said: Vec<Said> = routes
        .iter()
        .map(|r| {
            // A route that ends where the drawing leads nowhere further.
            let exit = page.shapes[r.to].form == Form::End || from[r.to] == 0;
            describe_route(page, &index, r, exit)
        })
        .collect();
    let mut hoisted: HashMap<usize, Vec<(String, String)>> = HashMap::new();
    let mut routes_into: Vec<Vec<usize>> = vec![Vec::new(); page.shapes.len()];
    for (k, r) in routes.iter().enumerate() {
        routes_into[r.to].push(k);
    }
    for &i in &nodes {
        let into_i = &routes_into[i];
        if into_i.len() < 2
            || !matches!(page.shapes[i].form, Form::Process)
            || matches!(matched.get(&i), Some(Matched::Same(..)))
        {
            continue;
        }
        let common: Vec<(String, String)> = said[into_i[0]]
            .requires
            .iter()
            .filter(|(c, _)| {
                into_i
                    .iter()
                    .all(|&k| said[k].requires.iter().any(|(d, _)| d == c))
            })
            .cloned()
            .collect();
        if common.is_empty() {
            continue;
        }
        for &k in into_i {
            said[k]
                .requires
                .retain(|(c, _)| !common.iter().any(|(d, _)| d == c));
        }
        hoisted.insert(i, common);
    }
    for &i in &nodes {
        let s = &page.shapes[i];
        let id = ids.get(&i).cloned().unwrap_or_default();
        let extra = hoisted.remove(&i).unwrap_or_default();
        let before = w.guesses.len();
        match (kept, matched.get(&i)) {
            (Some(k), Some(Matched::Same(node, label, drawn))) => {
                write_kept_node(w, k, s, node, label.as_deref(), drawn.as_ref());
            }
            (_, Some(Matched::Redrawn(node, why))) => {
                write_node(w, s, &id, (into[i], from[i]), &extra, names, vocabulary);
                let span = w.parts.last().map_or(Span::new(0, 0), |p| p.span);
                let span = Span::new(span.start(), span.start());
                w.guess(
                    span,
                    Some(&id),
                    "kept node redrawn",
                    format!(
                        "{} is drawn differently from node `{id}` of the kept pathway ({why}), so it was read from the drawing; {}",
                        shape_named(s),
                        fields_left_out(node)
                    ),
                );
            }
            _ => write_node(w, s, &id, (into[i], from[i]), &extra, names, vocabulary),
        }
        if let Some(&(_, left)) = page.cut_shapes.iter().find(|(c, _)| *c == i) {
            let at = w.parts.last().map_or(Span::new(0, 0), |p| p.span);
            let at = Span::new(
                at.start(),
                at.start() + w.text[at.start()..].find('\n').unwrap_or(0),
            );
            w.guess(at, Some(&id), "text cut", cut_note(&shape_named(s), left));
            // First among the node's guesses, as the node's line is.
            if let Some(cut) = w.guesses.pop() {
                w.guesses.insert(before, cut);
            }
        }
    }
    // Kept nodes no longer drawn.
    if let Some(k) = kept {
        let drawn: HashSet<&str> = nodes.iter().map(|&i| page.shapes[i].id.as_str()).collect();
        for node in &k.pathway.nodes {
            if drawn.contains(crate::diagram::mermaid::node_id(node.id.name).as_str()) {
                continue;
            }
            let span = w.comment(
                2,
                &format!(
                    "node `{}` left out: it is no longer in the drawing",
                    node.id.name
                ),
            );
            w.guess(
                span,
                None,
                "kept node left out",
                format!(
                    "node `{}` “{}” of the kept pathway is no longer drawn, so it was left out; {}",
                    node.id.name,
                    clipped(&one_line(&node.label.value)),
                    fields_left_out(node)
                ),
            );
        }
    }
    if !routes.is_empty() {
        w.text.push('\n');
    }
    // Routes. An arrow drawn as `msklint graph` drew a kept route, between
    // the same nodes with the same words, is that route as written.
    let kept_routes: Vec<restore::KeptRoute> = kept.map(|k| k.routes()).unwrap_or_default();
    // Kept routes by their ends, and the ends drawn, so each arrow and each
    // kept route looks only at its own (a drawing may hold thousands).
    let mut kept_by_ends: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, k) in kept_routes.iter().enumerate() {
        kept_by_ends.entry((&k.from, &k.to)).or_default().push(i);
    }
    let drawn_ends: HashSet<(&str, &str)> = routes
        .iter()
        .filter_map(|r| Some((ids.get(&r.from)?.as_str(), ids.get(&r.to)?.as_str())))
        .collect();
    let mut used_routes = vec![false; kept_routes.len()];
    for (r, said) in routes.iter().zip(said) {
        let (Some(a), Some(b)) = (ids.get(&r.from), ids.get(&r.to)) else {
            continue;
        };
        let same = match r.links.as_slice() {
            [li] => {
                let drawn = restore::lines_of(&page.links[*li].text);
                kept_by_ends.get(&(a.as_str(), b.as_str())).and_then(|at| {
                    at.iter().copied().find(|&i| {
                        !used_routes[i]
                            && restore::lines_of(&kept_routes[i].drawn.join("\n")) == drawn
                    })
                })
            }
            _ => None,
        };
        match same {
            Some(i) => {
                used_routes[i] = true;
                let k = &kept_routes[i];
                w.text.push_str(&k.comments);
                let span = w.line(2, &format!("{a} -> {b}{}", k.clauses));
                let l = &page.links[r.links[0]];
                w.parts.push(DiagramPart {
                    span,
                    id: l.id.clone(),
                    text: one_line(&l.text),
                    connector: true,
                });
            }
            None => write_route(w, page, r, said, (a, b)),
        }
    }
    // Kept routes no longer drawn, or drawn with other words.
    for (k, used) in kept_routes.iter().zip(&used_routes) {
        if *used {
            continue;
        }
        let redrawn = drawn_ends.contains(&(k.from.as_str(), k.to.as_str()));
        if redrawn && k.clauses.trim().is_empty() {
            continue;
        }
        let message = if redrawn {
            format!(
                "the arrow from `{}` to `{}` is drawn with other words than the kept route's, so the route was read from the drawing and the kept route's `{}` was not carried over",
                k.from,
                k.to,
                k.clauses.trim()
            )
        } else {
            format!(
                "route `{} -> {}`{} of the kept pathway is no longer drawn, so it was left out",
                k.from,
                k.to,
                if k.clauses.trim().is_empty() {
                    String::new()
                } else {
                    format!(" (`{}`)", k.clauses.trim())
                }
            )
        };
        let span = w.comment(
            2,
            &format!(
                "route `{} -> {}` of the kept pathway {}",
                k.from,
                k.to,
                if redrawn { "redrawn" } else { "left out" }
            ),
        );
        let subject = format!("{} -> {}", k.from, k.to);
        w.guess(span, Some(&subject), "kept route not carried over", message);
    }
    if too_many {
        let span = w.comment(
            2,
            &format!("only the first {MAX_ROUTES} routes through decisions are written"),
        );
        w.guess(
            span,
            None,
            "routes left out",
            format!(
                "the paths through this diagram's decisions make more than {MAX_ROUTES} routes: only the first {MAX_ROUTES} are written (every arrow that passes through no decision is)"
            ),
        );
    }
    w.line(0, "}");
    if let Some(k) = kept {
        let after = k.outside().1;
        let after = after
            .strip_prefix("\r\n")
            .or_else(|| after.strip_prefix('\n'))
            .unwrap_or(after);
        w.text.push_str(after);
    }
}

/// The shape's label: its first line, without criteria when more is said.
fn label_of(s: &Shape, kinds: &[String]) -> String {
    let Some(first) = first_line(&s.text, kinds) else {
        return s.id.clone();
    };
    let first = first.as_str();
    let rest = without(first, &criteria(first));
    let label = if rest.is_empty() { first } else { &rest };
    let label = label.trim_end_matches('?').trim();
    let mut label = one_line(label);
    if let Some((at, _)) = label.char_indices().nth(120) {
        label.truncate(at);
        label.push('…');
    }
    label
}

/// A shape's first line, with the lines that finish it when a name was
/// broken across lines to fit the box: after a hyphen at a line's end the
/// next line's word ("Physio-" / "therapy" is "Physiotherapy"), and a
/// next line of one or two lower-case words with no punctuation
/// ("Orthopaedic" / "surgery", "GP" / "practice"). A line that says more
/// ("assessment, shared decision-making", "BMI < 40") starts the details,
/// and so does a line that is a kind (`msklint graph` draws a node's kind
/// under its label).
fn first_line(text: &str, kinds: &[String]) -> Option<String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut label = lines.next()?.to_string();
    for next in lines {
        let lower = next.starts_with(|c: char| c.is_lowercase());
        let few = next.split_whitespace().count() <= 2
            && next
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
            && criteria(next).is_empty()
            && !kinds.iter().any(|k| k == next);
        let broken = label.ends_with('-') && !label.ends_with(" -");
        if broken && lower && next.split_whitespace().count() == 1 {
            label.pop();
            label.push_str(next);
        } else if lower && few {
            label.push(' ');
            label.push_str(next);
        } else {
            break;
        }
    }
    Some(label)
}

/// An identifier from a label: its first words, lower case, joined by `_`.
fn slug(label: &str) -> String {
    let words: Vec<String> = meaning::normalise(label)
        .split_whitespace()
        .filter(|w| w.is_ascii())
        .take(4)
        .map(str::to_string)
        .collect();
    let mut id = words.join("_");
    id.truncate(32);
    let id = id.trim_end_matches('_').to_string();
    if id.is_empty() || !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return format!("n_{id}").trim_end_matches('_').to_string();
    }
    if meaning::KEYWORDS.contains(&id.as_str()) {
        return format!("{id}_node");
    }
    id
}

/// The names found in a shape's text, and its kind as a line under the
/// label gives it when one is exactly a kind (`msklint graph` draws a
/// node's kind so): that line says what the author chose.
fn read_named(names: &Names<'_>, text: &str, kinds: &[String]) -> meaning::Named {
    let mut named = names.read(text);
    let kind_line = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .skip(1)
        .find(|l| kinds.iter().any(|k| k == l));
    if let Some(kind) = kind_line {
        named.kind = Some((
            kind.to_string(),
            format!("{kind}, on the line under its label"),
        ));
    }
    named
}

/// What a shape is in the pathway (`into` and `from`: how many routes
/// lead into it and out of it), and why, when that is a guess.
fn role_of(
    s: &Shape,
    (into, from): (usize, usize),
    named: &meaning::Named,
    vocabulary: &Vocabulary,
) -> (Role, Option<String>) {
    let kind = named.kind.as_ref().map(|(k, _)| k.as_str());
    let entry_kind = kind.is_some_and(|k| vocabulary.entry_kinds.iter().any(|e| e == k));
    match s.form {
        Form::Start => (Role::Entry, None),
        Form::End => (Role::Exit, None),
        Form::Terminal if into == 0 && from > 0 => (
            Role::Entry,
            Some("it is drawn as a start or end shape and nothing leads to it".to_string()),
        ),
        Form::Terminal if from == 0 && into > 0 => (
            Role::Exit,
            Some("it is drawn as a start or end shape and leads nowhere".to_string()),
        ),
        _ if entry_kind && into == 0 => (
            Role::Entry,
            Some(format!(
                "its text names a way in ({}) and nothing leads to it",
                named.kind.as_ref().map_or("", |(_, n)| n.as_str())
            )),
        ),
        Form::Terminal => (
            Role::Service,
            Some("it is drawn as a start or end shape, but routes lead both into and out of it, so it is kept as a service".to_string()),
        ),
        Form::Decision | Form::Fork => (
            Role::Service,
            Some("it is drawn as a decision but has no branches both in and out, so it is kept as a service".to_string()),
        ),
        _ => (Role::Service, None),
    }
}

fn write_node(
    w: &mut Writer,
    s: &Shape,
    id: &str,
    (into, from): (usize, usize),
    hoisted: &[(String, String)],
    names: &Names<'_>,
    vocabulary: &Vocabulary,
) {
    let named = read_named(names, &s.text, &vocabulary.kinds);
    let (role, why) = role_of(s, (into, from), &named, vocabulary);
    let keyword = match role {
        Role::Entry => "entry",
        Role::Service => "service",
        Role::Exit => "exit",
    };
    let label = label_of(s, &vocabulary.kinds);
    let lines: Vec<&str> = s
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let unrecognised = role == Role::Service && named.kind.is_none();
    if unrecognised {
        if s.text.trim().is_empty() {
            w.comment(2, "a shape with no text");
        } else if named.offers.is_empty() {
            w.comment(2, &format!("not recognised: “{}”", one_line(&s.text)));
        } else {
            // Its text names what it offers, not what kind of service it is.
            w.comment(2, &format!("kind not recognised: “{}”", one_line(&s.text)));
        }
    } else if lines.len() > 1 {
        w.comment(2, &format!("shape `{}`: {}", s.id, lines.join(" / ")));
    }
    let start = w.text.len() + 2;
    // Properties: what the text says, by role.
    let mut props: Vec<(String, String)> = Vec::new();
    // An exit keeps a kind its text names: A&E drawn as a circle is still
    // urgent care.
    if let Some((k, from_name)) = &named.kind {
        props.push((
            format!("kind: {k}"),
            format!(
                "kind `{k}` guessed from {} (it names {from_name})",
                shape_named(s)
            ),
        ));
    }
    if role == Role::Entry && !named.channels.is_empty() {
        let list: Vec<&str> = named.channels.iter().map(|(c, _)| c.as_str()).collect();
        let from: Vec<String> = named
            .channels
            .iter()
            .map(|(c, n)| format!("`{c}` ({n})"))
            .collect();
        props.push((
            format!("channels: [{}]", list.join(", ")),
            format!(
                "channels guessed from {}: {}",
                shape_named(s),
                from.join(", ")
            ),
        ));
    }
    if role == Role::Service && !named.offers.is_empty() {
        let list: Vec<&str> = named.offers.iter().map(|(o, _)| o.as_str()).collect();
        let from: Vec<String> = named
            .offers
            .iter()
            .map(|(o, n)| format!("`{o}` ({n})"))
            .collect();
        props.push((
            format!("offers: [{}]", list.join(", ")),
            format!(
                "offers guessed from {}: {}",
                shape_named(s),
                from.join(", ")
            ),
        ));
    }
    // A line already in the pathway language (`msklint graph` draws a
    // node's criteria so) is taken as written; the rest is read as words.
    let mut as_written: Vec<String> = Vec::new();
    let words: Vec<&str> = s
        .text
        .lines()
        .filter(|line| match written_criteria(line) {
            Some(list) => {
                as_written.extend(list);
                false
            }
            None => true,
        })
        .collect();
    // Words are read for criteria on services only; a line already in the
    // pathway language is kept on any node (`graph` draws entries' too).
    let found = if role == Role::Service {
        criteria(&words.join("\n"))
    } else {
        Vec::new()
    };
    let mut written: Vec<&str> = Vec::new();
    let mut from: Vec<String> = Vec::new();
    for c in &as_written {
        if !written.contains(&c.as_str()) {
            written.push(c);
            from.push(format!("`{c}` from the `requires` line in the shape"));
        }
    }
    for c in &found {
        if !written.contains(&c.written.as_str()) {
            written.push(&c.written);
            from.push(format!("`{}` from “{}” in the shape", c.written, c.from));
        }
    }
    for (c, said) in hoisted {
        if !written.contains(&c.as_str()) {
            written.push(c);
            from.push(format!("`{c}` from {said}, on every route in"));
        }
    }
    if !written.is_empty() {
        props.push((
            format!("requires: {}", written.join(", ")),
            format!("criteria of {}: {}", shape_named(s), from.join("; ")),
        ));
    }
    let head = format!("{keyword} {id}: {}", quote(&label));
    let head_span;
    let mut prop_spans = Vec::new();
    if props.is_empty() {
        head_span = w.line(2, &head);
    } else {
        head_span = w.line(2, &format!("{head} {{"));
        for (p, _) in &props {
            prop_spans.push(w.line(4, p));
        }
        w.line(2, "}");
    }
    let end = w.text.len() - 1;
    w.parts.push(DiagramPart {
        span: Span::new(start, end),
        id: s.id.clone(),
        text: tidy_lines(&s.text),
        connector: false,
    });
    let id_span = Span::new(
        head_span.start() + keyword.len() + 1,
        head_span.start() + keyword.len() + 1 + id.len(),
    );
    if let Some(why) = why {
        let what = match role {
            Role::Entry => "an entry",
            Role::Exit => "an exit",
            Role::Service => "a service",
        };
        w.guess(
            id_span,
            Some(id),
            &format!("read as {what}"),
            format!("{} read as {what}: {why}", shape_named(s)),
        );
    }
    if unrecognised {
        w.guess(
            id_span,
            Some(id),
            "no kind recognised",
            if s.text.trim().is_empty() {
                format!(
                    "{} has no text but connectors join it: kept as a service labelled with its ID; give it a label and a `kind`",
                    shape_named(s)
                )
            } else if named.offers.is_empty() {
                format!(
                    "no service recognised in {}: kept as a service with its text as the label; give it a `kind`",
                    shape_named(s)
                )
            } else {
                format!(
                    "no kind recognised in {}: kept as a service offering what its text names; give it a `kind`",
                    shape_named(s)
                )
            },
        );
    }
    for ((_, message), span) in props.into_iter().zip(prop_spans) {
        let label = message.split(' ').next().unwrap_or("guess").to_string();
        w.guess(span, Some(id), &format!("{label} guessed"), message);
    }
}

/// What a route says: its `when` text, its criteria (each with where it
/// was read), and the decisions it passes through.
#[derive(Default)]
struct Said {
    when: String,
    requires: Vec<(String, String)>,
    through: Vec<String>,
    /// Branches that left a question's criterion behind, in words.
    unanswered: Vec<String>,
}

/// `into_exit`: the route ends at an exit. There a decision that asks how
/// care went ("Improved after 6 weeks?") is a review, not a condition of
/// access, so its question stays in the `when` text.
fn describe_route(page: &Page, index: &HashMap<&str, usize>, r: &Route, into_exit: bool) -> Said {
    let mut requires: Vec<(String, String)> = Vec::new();
    let mut parts: Vec<String> = Vec::new();
    let mut through: Vec<String> = Vec::new();
    let mut unanswered: Vec<String> = Vec::new();
    let add = |requires: &mut Vec<(String, String)>, text: &str, from: &str| {
        let found = criteria(text);
        for c in &found {
            if !requires.iter().any(|(w, _)| *w == c.written) {
                requires.push((c.written.clone(), format!("“{}” on {from}", c.from)));
            }
        }
        without(text, &found)
    };
    // A question's criteria on a branch that answers it: as asked on
    // "Yes"; on "No" turned round, when the question is one criterion and
    // nothing else ("BMI ≥ 40?", "Smoker?"), since "Improved after 6
    // weeks?" answered No says nothing of the weeks, and "BMI < 40 and
    // non-smoker?" answered No is one or the other, which `requires`
    // cannot say. What is left of the question is returned, or the whole
    // question when nothing was taken from it.
    // `drawn`: criteria the branch's own label gives, which win over the
    // question's on the same attribute ("Smoker?" → "Yes, non-smoker").
    let attribute = |written: &str| written.split(' ').next().unwrap_or("").to_string();
    let answered = |requires: &mut Vec<(String, String)>,
                    question: &str,
                    d: &Shape,
                    yes: bool,
                    drawn: &str| {
        let own: Vec<String> = criteria(drawn)
            .iter()
            .map(|c| attribute(&c.written))
            .collect();
        let found: Vec<_> = asked(question)
            .into_iter()
            .filter(|c| !own.contains(&attribute(&c.written)))
            .collect();
        let rest = without(question, &found);
        if !yes && (found.len() != 1 || !rest.is_empty()) {
            return question.to_string();
        }
        for c in &found {
            let (written, from) = if yes {
                (
                    c.written.clone(),
                    format!("“{}” on {}", c.from, shape_named(d)),
                )
            } else {
                (
                    negated(&c.written),
                    format!(
                        "“{}” on {}, turned round for its “No” branch",
                        c.from,
                        shape_named(d)
                    ),
                )
            };
            if !requires.iter().any(|(w, _)| *w == written) {
                requires.push((written, from));
            }
        }
        rest
    };
    let Some(first) = r.links.first().map(|&li| &page.links[li]) else {
        return Said::default();
    };
    let mut text = String::new();
    for line in first.text.lines() {
        match written_criteria(line) {
            Some(list) => {
                for c in list {
                    if !requires.iter().any(|(w, _)| *w == c) {
                        let from = format!("the `requires` line on {}", link_named(first));
                        requires.push((c, from));
                    }
                }
            }
            None => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    let rest = add(&mut requires, &one_line(&text), &link_named(first));
    if !rest.is_empty() {
        parts.push(rest);
    }
    for &li in r.links.iter().skip(1) {
        let l = &page.links[li];
        let Some(d) = index.get(l.from.as_str()).map(|&i| &page.shapes[i]) else {
            continue;
        };
        let question = one_line(&d.text);
        let question = question.trim_end_matches('?').trim();
        if r.any.contains(&li) {
            through.push(format!(
                "{} (its plain answers all lead here)",
                shape_named(d)
            ));
            continue;
        }
        let branch = one_line(&l.text);
        if d.form == Form::Process {
            // A box that says what happens when people miss appointments
            // ("DNA x2"): the reason for the route, as a label would be.
            through.push(format!(
                "{}, read as the reason for the route (people who miss appointments)",
                shape_named(d)
            ));
            let rest = add(&mut requires, &branch, &link_named(l));
            parts.push(if rest.is_empty() {
                question.to_string()
            } else {
                format!("{question}: {rest}")
            });
            continue;
        }
        through.push(format!(
            "{} (branch “{}”)",
            shape_named(d),
            if branch.is_empty() {
                "unlabelled"
            } else {
                &branch
            }
        ));
        let answered_no = no(&branch) || answer(&branch).is_some_and(|(said, _)| !said);
        if into_exit && d.form != Form::Fork && reviews_care(question) {
            parts.push(if branch.is_empty() {
                question.to_string()
            } else {
                format!("{question}: {branch}")
            });
        } else if d.form == Form::Fork || question.is_empty() {
            let rest = add(&mut requires, &branch, &link_named(l));
            if !rest.is_empty() {
                parts.push(rest);
            }
        } else if answered_no && meaning::about_missed_appointments(question) {
            // "Did not attend?" answered No: the people who came. Their
            // route says so, not the words of the question it answers.
            let added = answer(&branch).map_or(String::new(), |(_, rest)| {
                add(&mut requires, rest, &link_named(l))
            });
            parts.push(if added.is_empty() {
                "attended".to_string()
            } else {
                format!("attended: {added}")
            });
        } else if yes(&branch) || no(&branch) {
            let rest = answered(&mut requires, question, d, yes(&branch), "");
            if !rest.is_empty() {
                parts.push(format!("{rest}: {branch}"));
            }
        } else if let Some((said_yes, rest)) = answer(&branch) {
            // The question's criterion as the answer leaves it; what the
            // label adds is read from the arrow.
            let asked = answered(&mut requires, question, d, said_yes, rest);
            let added = add(&mut requires, rest, &link_named(l));
            // The label as drawn, unless criteria were taken out of it.
            let said = if added.is_empty() || added == rest {
                &branch
            } else {
                &added
            };
            if asked.is_empty() {
                parts.push(said.to_string());
            } else {
                parts.push(format!("{asked}: {said}"));
            }
        } else if declines(&branch) && !asked(question).is_empty() {
            // A question that is a criterion in itself ("BMI under 40?") and
            // a branch that leaves it unanswered ("Not yet measured"): the
            // criterion does not hold on this branch.
            let added = add(&mut requires, &branch, &link_named(l));
            parts.push(format!(
                "{question}: {}",
                if added.is_empty() { &branch } else { &added }
            ));
        } else if !asked(question).is_empty() && !goes_ahead(&branch) {
            // The question is a criterion in itself, and this branch does
            // not say it was met (no label, a BPMN default flow, "Refer
            // on"): the criterion holds on the "Yes" branch only.
            let added = add(&mut requires, &branch, &link_named(l));
            // Kept as a question: the route does not say how it was answered.
            parts.push(if added.is_empty() {
                format!("{question}?")
            } else {
                format!("{question}: {added}")
            });
            let listed: Vec<String> = asked(question)
                .iter()
                .map(|c| format!("`{}`", c.written))
                .collect();
            unanswered.push(format!(
                "{} by {}: it was left without the question's criterion ({}), which only a “Yes” branch carries; label the branch Yes or No if it is one",
                shape_named(d),
                if branch.is_empty() {
                    "an unlabelled branch".to_string()
                } else {
                    format!("the branch “{branch}”")
                },
                listed.join(", ")
            ));
        } else {
            let joined = format!("{question} {branch}");
            let found = criteria(joined.trim());
            let rest = add(&mut requires, joined.trim(), &shape_named(d));
            if found.is_empty() {
                parts.push(if branch.is_empty() {
                    question.to_string()
                } else {
                    format!("{question}: {branch}")
                });
            } else if !rest.is_empty() {
                parts.push(rest);
            }
        }
    }
    Said {
        when: parts.join("; "),
        requires,
        through,
        unanswered,
    }
}

/// A link's line that is already in the pathway language, `requires
/// a >= 1, b == true` (how `msklint graph` labels a route's criteria):
/// its criteria as written, each tidied to `name op value`.
fn written_criteria(line: &str) -> Option<Vec<String>> {
    let rest = line.trim().strip_prefix("requires ")?;
    // Split at commas outside quotes: `diagnosis == "knee, hip"` is one.
    let mut parts = Vec::new();
    let (mut start, mut quoted_now) = (0, false);
    for (i, c) in rest.char_indices() {
        match c {
            '"' => quoted_now = !quoted_now,
            ',' if !quoted_now => {
                parts.push(&rest[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&rest[start..]);
    parts
        .into_iter()
        .map(|part| {
            let part = part.trim();
            let name_end = part
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(part.len());
            let (name, after) = part.split_at(name_end);
            let after = after.trim_start();
            let op = ["<=", ">=", "==", "!=", "<", ">"]
                .into_iter()
                .find(|op| after.starts_with(op))?;
            let value = after[op.len()..].trim();
            let plain = |v: &str| {
                !v.is_empty()
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '%'))
            };
            let quoted = |v: &str| {
                v.len() >= 2
                    && v.starts_with('"')
                    && v.ends_with('"')
                    && !v[1..v.len() - 1].contains(['"', '\\'])
            };
            let name = name.to_ascii_lowercase();
            (is_ident(&name) && (plain(value) || quoted(value)))
                .then(|| format!("{name} {op} {value}"))
        })
        .collect()
}

fn write_route(w: &mut Writer, page: &Page, r: &Route, said: Said, (a, b): (&str, &str)) {
    let Said {
        when,
        requires,
        through,
        unanswered,
    } = said;
    let Some(first) = r.links.first().map(|&li| &page.links[li]) else {
        return;
    };
    let mut line = format!("{a} -> {b}");
    if !when.is_empty() {
        line.push_str(&format!(" when {}", quote(&when)));
    }
    let mut spans = Vec::new();
    if !requires.is_empty() {
        line.push_str(" requires ");
        for (i, (written, _)) in requires.iter().enumerate() {
            if i > 0 {
                line.push_str(", ");
            }
            let at = line.len();
            line.push_str(written);
            spans.push((at, line.len()));
        }
    }
    let span = w.line(2, &line);
    let last = r.links.last().map_or(first, |&li| &page.links[li]);
    let text = if r.links.len() == 1 {
        one_line(&first.text)
    } else {
        r.links
            .iter()
            .map(|&li| one_line(&page.links[li].text))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" / ")
    };
    w.parts.push(DiagramPart {
        span,
        id: last.id.clone(),
        text,
        connector: true,
    });
    let subject = format!("{a} -> {b}");
    for (k, &li) in r.links.iter().enumerate() {
        if let Some(&(_, left)) = page.cut_links.iter().find(|(c, _)| *c == li) {
            w.guess(
                span,
                Some(&subject),
                "text cut",
                cut_note(&link_named(&page.links[li]), left),
            );
        }
        // A decision passed through: its question was cut.
        if k > 0 && !page.cut_shapes.is_empty() {
            let from = &page.links[li].from;
            if let Some(&(i, left)) = page
                .cut_shapes
                .iter()
                .find(|(i, _)| page.shapes[*i].id == *from)
            {
                w.guess(
                    span,
                    Some(&subject),
                    "text cut",
                    cut_note(&shape_named(&page.shapes[i]), left),
                );
            }
        }
    }
    if !through.is_empty() {
        w.guess(
            span,
            Some(&subject),
            "branch of a decision",
            format!(
                "route `{subject}` drawn through {}",
                through.join(", then ")
            ),
        );
    }
    for left in unanswered {
        w.guess(
            span,
            Some(&subject),
            "no criterion from the question",
            format!("route `{subject}` leaves {left}"),
        );
    }
    for ((written, from), (s, e)) in requires.iter().zip(spans) {
        w.guess(
            Span::new(span.start() + s, span.start() + e),
            Some(&subject),
            "criterion guessed",
            format!("`{written}` read from {from}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_s_lines_keep_their_items_apart() {
        let lines = |l: &[&str]| note_prose(&l.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            lines(&["Exclusions:", "- red flags", "- under 18s"]),
            "Exclusions: red flags; under 18s"
        );
        assert_eq!(
            lines(&["Referral criteria:", "BMI under 35", "Non-smoker"]),
            "Referral criteria: BMI under 35; Non-smoker"
        );
        assert_eq!(
            lines(&["A patient who misses two", "appointments is discharged."]),
            "A patient who misses two appointments is discharged."
        );
    }

    fn shape(id: &str, text: &str, form: Form) -> Shape {
        Shape {
            id: id.into(),
            text: text.into(),
            form,
        }
    }

    fn link(id: &str, from: &str, to: &str, text: &str) -> Link {
        Link {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            text: text.into(),
        }
    }

    fn import(page: Page) -> Imported {
        let diagram = Diagram {
            format: InputFormat::Mermaid,
            pages: vec![page],
            places: places::Places::default(),
            kept: None,
        };
        to_pathway(&diagram, "t.mmd", &Vocabulary::builtin().unwrap())
    }

    #[test]
    fn a_decision_becomes_branches() {
        let page = Page {
            name: "P".into(),
            shapes: vec![
                shape("gp", "GP", Form::Process),
                shape("d", "BMI < 40?", Form::Decision),
                shape("ortho", "Orthopaedic surgery", Form::Process),
                shape("wm", "Weight management", Form::Process),
            ],
            links: vec![
                link("e1", "gp", "d", ""),
                link("e2", "d", "ortho", "Yes"),
                link("e3", "d", "wm", "No"),
            ],
            ..Page::default()
        };
        let out = import(page);
        assert!(
            out.text.contains("gp -> ortho requires bmi < 40\n"),
            "{}",
            out.text
        );
        assert!(
            out.text.contains("gp -> wm requires bmi >= 40\n"),
            "{}",
            out.text
        );
        assert!(out.text.contains("entry gp: \"GP\""), "{}", out.text);
        let branch = out
            .guesses
            .iter()
            .filter(|g| g.message.contains("drawn through"))
            .count();
        assert_eq!(branch, 2);
        for g in &out.guesses {
            assert!(g.span_problem(&out.text).is_none(), "{g:?}");
        }
    }

    #[test]
    fn an_unrecognised_shape_keeps_its_text() {
        let page = Page {
            name: String::new(),
            shapes: vec![
                shape("a", "GP practice", Form::Process),
                shape("b", "Weekly huddle", Form::Process),
            ],
            links: vec![link("e1", "a", "b", "")],
            ..Page::default()
        };
        let out = import(page);
        assert!(
            out.text.contains("# not recognised: “Weekly huddle”"),
            "{}",
            out.text
        );
        assert!(
            out.text.contains("service b: \"Weekly huddle\"\n"),
            "{}",
            out.text
        );
        assert!(out.text.starts_with("pathway \"t\" {"), "{}", out.text);
    }

    /// "Weight management" names an offer but no kind: the guesses said
    /// both that no service was recognised and which offers were.
    #[test]
    fn a_shape_naming_only_an_offer_is_told_its_kind_is_missing() {
        let page = Page {
            name: String::new(),
            shapes: vec![
                shape("a", "GP practice", Form::Process),
                shape("wm", "Weight management", Form::Process),
            ],
            links: vec![link("e1", "a", "wm", "")],
            ..Page::default()
        };
        let out = import(page);
        assert!(
            out.text
                .contains("# kind not recognised: “Weight management”"),
            "{}",
            out.text
        );
        assert!(out.text.contains("weight_management"), "{}", out.text);
        let messages: Vec<&str> = out.guesses.iter().map(|g| g.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.starts_with("no kind recognised")),
            "{messages:?}"
        );
        assert!(
            !messages
                .iter()
                .any(|m| m.starts_with("no service recognised")),
            "{messages:?}"
        );
    }

    #[test]
    fn ids_from_text_when_the_diagram_has_none_usable() {
        assert_eq!(
            slug("First contact practitioner"),
            "first_contact_practitioner"
        );
        assert_eq!(slug("12 week review"), "n_12_week_review");
        assert_eq!(slug("Exit"), "exit_node");
        assert_eq!(slug(""), "n");
    }

    #[test]
    fn html_labels_become_lines() {
        assert_eq!(
            from_html("<div>GP&nbsp;practice</div><div>BMI &lt; 40<br></div>"),
            "GP practice\nBMI < 40"
        );
    }
}
