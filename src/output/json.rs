//! `--format json`: one document with every finding and a summary. The field
//! names are a documented, stable schema (docs/json.md); add, never rename.

use std::collections::BTreeMap;
use std::io::{IoSlice, Write};

use serde::{Deserialize, Serialize};

use super::{Summary, Unread};
use crate::check::FileReport;
use crate::diagnostic::Severity;

pub const SCHEMA_VERSION: u32 = 1;

/// The whole document as one value: the schema's outline, and what the
/// pieces [`write`] renders must add up to (its test compares them).
#[cfg(test)]
#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    rules: Option<Table<'a>>,
    diagnostics: Vec<Finding<'a>>,
    summary: Summary,
}

/// With `--rules-table`: each reported rule's code, help and sources,
/// written once instead of on every finding, by rule name.
type Table<'a> = BTreeMap<&'a str, RuleEntry<'a>>;

#[derive(Serialize, Clone, Copy)]
struct RuleEntry<'a> {
    code: Option<&'a str>,
    help: Option<&'a str>,
    sources: &'a [String],
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    code: Option<&'a str>,
    severity: Severity,
    /// The file's name; one that is not UTF-8 spelled as
    /// [`super::paths::spelled`] gives it.
    path: std::borrow::Cow<'a, str>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    /// Absent when the rules table gives it; `null` when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Option<&'a str>>,
    pathway: Option<&'a str>,
    subject: Option<&'a str>,
    /// The source text under the span, so a reader need not open the file.
    snippet: &'a str,
    /// The guidance the rule rests on (empty for language diagnostics).
    /// Absent when the rules table gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    sources: Option<&'a [String]>,
    /// The question to put to the pathway's authors (rule findings only).
    question: Option<&'a str>,
    /// In a Word document, the paragraph the finding starts in (Word shows
    /// no line numbers).
    paragraph: Option<ParagraphRef>,
    /// In a PDF, the 1-based page the finding starts on. Absent (not
    /// `null`) for every other file, so their output is unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<usize>,
    /// In a diagram, the shape or connector the finding is about (its ID
    /// and text in the drawing); line and column are in the pathway
    /// written from it (`msklint import`). Absent for every other file.
    #[serde(skip_serializing_if = "Option::is_none")]
    shape: Option<ShapeRef<'a>>,
}

#[derive(Serialize)]
struct ShapeRef<'a> {
    id: &'a str,
    text: String,
    /// A connector (arrow) rather than a shape.
    connector: bool,
    /// Where it is in the drawing's own file (1-based line and column),
    /// when that file has lines to point at; `null` otherwise.
    line: Option<usize>,
    column: Option<usize>,
}

#[derive(Serialize)]
struct ParagraphRef {
    /// 1-based, counting the document's non-empty paragraphs (a table row
    /// counts as one).
    number: usize,
    /// The paragraph's opening words, to search for in Word.
    quote: String,
}

/// The document as text (no rules table).
pub fn render(reports: &[FileReport]) -> String {
    render_as(reports, false)
}

fn render_as(reports: &[FileReport], rules_table: bool) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(reports, rules_table, Unread::default(), &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The rules table for `reports`: for each rule, the help and sources of
/// its first finding in output order (findings whose own differ keep
/// them).
fn table(reports: &[FileReport]) -> Table<'_> {
    let mut table = Table::new();
    for d in reports.iter().flat_map(|r| &r.diagnostics) {
        table.entry(d.rule.as_str()).or_insert_with(|| RuleEntry {
            code: d.code.as_deref(),
            help: d.help.as_deref(),
            sources: &d.sources,
        });
    }
    table
}

/// Findings rendered together on one thread, and findings held at once:
/// a batch's text is alive until it is written, so it stays a few MB
/// (eight pieces keep eight threads busy).
const PIECE: usize = 512;
const BATCH: usize = 8 * PIECE;

/// Streams the document to `out`, batch by batch, so a run with many
/// findings never holds the whole text in memory. Each batch's findings
/// are rendered on several threads, in pieces, and written in order: the
/// text is what `serde_json`'s pretty printer gives for the whole document
/// (`tests` below compares the two). With `rules_table`, a `rules` object
/// after `version` gives each rule's help and sources once, and findings
/// leave out those that match it.
pub fn write(
    reports: &[FileReport],
    rules_table: bool,
    unread: Unread<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let table = rules_table.then(|| table(reports));
    let places: Vec<(usize, usize)> = reports
        .iter()
        .enumerate()
        .flat_map(|(r, report)| (0..report.diagnostics.len()).map(move |d| (r, d)))
        .collect();
    write!(out, "{{\n  \"version\": {SCHEMA_VERSION},\n")?;
    if let Some(table) = &table {
        out.write_all(b"  \"rules\": ")?;
        out.write_all(&indented(table, b"\n  ")?)?;
        out.write_all(b",\n")?;
    }
    out.write_all(b"  \"diagnostics\": ")?;
    if places.is_empty() {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"[\n")?;
        for (b, batch) in places.chunks(BATCH).enumerate() {
            let pieces: Vec<&[(usize, usize)]> = batch.chunks(PIECE).collect();
            let rendered = crate::par::map(&pieces, |piece| {
                render_piece(reports, table.as_ref(), piece)
            });
            for (i, text) in rendered.into_iter().enumerate() {
                if b > 0 || i > 0 {
                    out.write_all(b",\n")?;
                }
                out.write_all(&text?)?;
            }
        }
        out.write_all(b"\n  ]")?;
    }
    write_unread(out, unread)?;
    out.write_all(b",\n  \"summary\": ")?;
    let mut counts = Summary::of(reports);
    if unread.stopped_at_setup {
        counts.files = 0;
    }
    out.write_all(&indented(&counts, b"\n  ")?)?;
    out.write_all(b"\n}\n")
}

/// The findings at `places`, each as the pretty printer writes an item of
/// the `diagnostics` list (four spaces in), separated by commas.
fn render_piece(
    reports: &[FileReport],
    table: Option<&Table>,
    places: &[(usize, usize)],
) -> std::io::Result<Vec<u8>> {
    let mut text = Vec::new();
    for (k, &(r, d)) in places.iter().enumerate() {
        if k > 0 {
            text.extend_from_slice(b",\n");
        }
        text.extend_from_slice(b"    ");
        indent_into(&mut text, &finding(&reports[r], d, table), b"\n    ")?;
    }
    Ok(text)
}

/// One file's part of the `diagnostics` list, rendered once: what the
/// result cache keeps so a re-run writes a file's findings without
/// building them again ([`write_fragments`] puts the parts together).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The file's findings as items of the list (four spaces in),
    /// separated by commas (empty when it has none); then, with the rules
    /// table, its [`FragmentRule`]s as a JSON list.
    bytes: Vec<u8>,
    text_len: usize,
    summary: Summary,
    /// With the rules table: for each rule the file reports, in name
    /// order, its name and [`row_hash`] of its row. The text leaves out
    /// the help and sources that match these rows, which is right while
    /// the run's table has the same ([`RunTable::misfits`]).
    rules: Vec<(String, u128)>,
}

impl Fragment {
    /// A fragment from its parts, as [`Fragment::bytes`] and the others
    /// give them; `None` if `text_len` is beyond `bytes`.
    pub fn from_parts(
        bytes: Vec<u8>,
        text_len: usize,
        summary: Summary,
        rules: Vec<(String, u128)>,
    ) -> Option<Fragment> {
        (text_len <= bytes.len()).then_some(Fragment {
            bytes,
            text_len,
            summary,
            rules,
        })
    }

    /// The findings as items of the `diagnostics` list.
    pub fn text(&self) -> &[u8] {
        &self.bytes[..self.text_len]
    }

    /// The text followed by the rows (see [`Fragment::text_len`]).
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Where the text ends in [`Fragment::bytes`].
    pub fn text_len(&self) -> usize {
        self.text_len
    }

    /// The file's findings counted (`files` is 1).
    pub fn summary(&self) -> Summary {
        self.summary
    }

    /// With the rules table, each rule's name and row hash.
    pub fn rules(&self) -> &[(String, u128)] {
        &self.rules
    }

    /// The memory it holds, for reuse.
    pub fn into_buffer(self) -> Vec<u8> {
        self.bytes
    }

    fn rows(&self) -> Option<Vec<FragmentRule>> {
        serde_json::from_slice(&self.bytes[self.text_len..]).ok()
    }
}

/// A rule's row of the rules table, as one file's first finding of it
/// gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FragmentRule {
    rule: String,
    code: Option<String>,
    help: Option<String>,
    sources: Vec<String>,
}

/// A hash of a row, to compare rows without reading them.
fn row_hash(row: &FragmentRule) -> u128 {
    xxhash_rust::xxh3::xxh3_128(&serde_json::to_vec(row).unwrap_or_default())
}

/// `report`'s findings rendered as [`write`] renders them, each rule's help
/// and sources left out where they match its first finding in the file
/// (with `rules_table`).
pub fn fragment(report: &FileReport, rules_table: bool) -> Fragment {
    let local = rules_table.then(|| table(std::slice::from_ref(report)));
    render_fragment(report, local.as_ref(), rules_table)
}

fn rows(table: &Table) -> Vec<FragmentRule> {
    table
        .iter()
        .map(|(rule, e)| FragmentRule {
            rule: rule.to_string(),
            code: e.code.map(str::to_string),
            help: e.help.map(str::to_string),
            sources: e.sources.to_vec(),
        })
        .collect()
}

/// The fragment of `report` with its text rendered against `table`, and
/// (with `rules_table`) the rows of its own first findings.
fn render_fragment(report: &FileReport, against: Option<&Table>, rules_table: bool) -> Fragment {
    let mut bytes = Vec::new();
    for d in 0..report.diagnostics.len() {
        if d > 0 {
            bytes.extend_from_slice(b",\n");
        }
        bytes.extend_from_slice(b"    ");
        // A finding's fields are strings, numbers and options of them,
        // which serialize without fail.
        let _ = indent_into(&mut bytes, &finding(report, d, against), b"\n    ");
    }
    let text_len = bytes.len();
    let mut rules = Vec::new();
    if rules_table {
        let own = rows(&table(std::slice::from_ref(report)));
        rules = own.iter().map(|r| (r.rule.clone(), row_hash(r))).collect();
        bytes.extend_from_slice(&serde_json::to_vec(&own).unwrap_or_default());
    }
    Fragment {
        bytes,
        text_len,
        summary: Summary::of(std::slice::from_ref(report)),
        rules,
    }
}

/// The rules table of a run put together from its files' fragments: each
/// rule's row from the first file that reports it, as [`table`] takes it
/// from the first finding in output order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RunTable {
    rows: BTreeMap<String, (u128, FragmentRule)>,
}

impl RunTable {
    /// The table, or `None` if a fragment's rows do not read back as its
    /// hashes say.
    pub fn of(fragments: &[Fragment]) -> Option<RunTable> {
        let mut first: BTreeMap<&str, (u128, usize)> = BTreeMap::new();
        for (i, f) in fragments.iter().enumerate() {
            for (rule, hash) in &f.rules {
                first.entry(rule.as_str()).or_insert((*hash, i));
            }
        }
        // Only the rows of the files that give the table are read.
        let mut read: BTreeMap<usize, Vec<FragmentRule>> = BTreeMap::new();
        let mut rows = BTreeMap::new();
        for (rule, (hash, i)) in first {
            let own = match read.entry(i) {
                std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::btree_map::Entry::Vacant(e) => e.insert(fragments[i].rows()?),
            };
            let row = own.iter().find(|r| r.rule == rule)?;
            if row_hash(row) != hash {
                return None;
            }
            rows.insert(rule.to_string(), (hash, row.clone()));
        }
        Some(RunTable { rows })
    }

    /// The fragments rendered against rows other than the run's: their
    /// file's first finding of a rule has other help or sources than the
    /// run's first. Each must be rendered again with [`RunTable::refit`].
    pub fn misfits(&self, fragments: &[Fragment]) -> Vec<usize> {
        (0..fragments.len())
            .filter(|&i| {
                fragments[i]
                    .rules
                    .iter()
                    .any(|(rule, hash)| self.rows.get(rule).map(|r| r.0) != Some(*hash))
            })
            .collect()
    }

    /// `report`'s fragment rendered against the run's table (to take the
    /// place of a misfit; not one to keep for another run).
    pub fn refit(&self, report: &FileReport) -> Fragment {
        render_fragment(report, Some(&self.table()), true)
    }

    fn table(&self) -> Table<'_> {
        self.rows
            .iter()
            .map(|(rule, (_, r))| {
                let entry = RuleEntry {
                    code: r.code.as_deref(),
                    help: r.help.as_deref(),
                    sources: &r.sources,
                };
                (rule.as_str(), entry)
            })
            .collect()
    }
}

/// The document [`write`] gives, from each file's [`fragment`]: with
/// `table` (from [`RunTable::of`], every misfit refitted), the rules table
/// form.
pub fn write_fragments(
    fragments: &[Fragment],
    table: Option<&RunTable>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut writer = FragmentWriter::start(out, table);
    for f in fragments {
        writer.push(f);
    }
    writer.finish(Unread::default()).1.map(|_| ())
}

/// The paths that could not be checked, as `"not_checked"`, and the
/// policy documents a folder search passed over, as
/// `"skipped_documents"`, between the findings and the summary; each only
/// when there is something to list, so a run that read everything gives
/// the document it always did.
fn write_unread(out: &mut dyn std::io::Write, unread: Unread<'_>) -> std::io::Result<()> {
    if !unread.not_checked.is_empty() {
        out.write_all(b",\n  \"not_checked\": ")?;
        out.write_all(&indented(unread.not_checked, b"\n  ")?)?;
    }
    let skipped: Vec<SkippedEntry> = unread
        .passed_over()
        .map(|s| {
            let spelled = |paths: &[std::path::PathBuf]| -> Vec<String> {
                paths
                    .iter()
                    .map(|d| super::paths::spelled(d).into_owned())
                    .collect()
            };
            SkippedEntry {
                folder: s.spelled_dir(),
                documents: spelled(&s.documents),
                linked_folders: spelled(&s.linked),
                unreadable_documents: spelled(&s.unreadable),
                note: s.spelled_note(),
            }
        })
        .collect();
    if !skipped.is_empty() {
        out.write_all(b",\n  \"skipped_documents\": ")?;
        out.write_all(&indented(&skipped, b"\n  ")?)?;
    }
    Ok(())
}

/// Policy documents one folder search passed over (`folder` null for
/// files named on the command line that `--respect-include` left out).
#[derive(Serialize)]
struct SkippedEntry<'a> {
    folder: Option<std::borrow::Cow<'a, str>>,
    documents: Vec<String>,
    /// Links to folders the search did not follow; left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    linked_folders: Vec<String>,
    /// Documents in formats msklint does not read (`.doc`, `.rtf`, `.odt`);
    /// left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unreadable_documents: Vec<String>,
    note: String,
}

/// [`write_fragments`] a file at a time, so a caller can write one batch
/// of files' fragments while it reads the next, and hold none for the
/// whole run (with the rules table every fragment is needed first, to
/// know the table). After a failure to write, it writes no more but goes
/// on counting, so the run's summary is known either way.
pub struct FragmentWriter<W: std::io::Write> {
    out: W,
    any: bool,
    summary: Summary,
    failed: Option<std::io::Error>,
}

impl<W: std::io::Write> FragmentWriter<W> {
    /// Writes the document's opening, and the rules table if given.
    pub fn start(out: W, table: Option<&RunTable>) -> Self {
        let mut writer = FragmentWriter {
            out,
            any: false,
            summary: Summary::default(),
            failed: None,
        };
        writer.write(|out| {
            write!(out, "{{\n  \"version\": {SCHEMA_VERSION},\n")?;
            if let Some(table) = table {
                out.write_all(b"  \"rules\": ")?;
                out.write_all(&indented(&table.table(), b"\n  ")?)?;
                out.write_all(b",\n")?;
            }
            out.write_all(b"  \"diagnostics\": ")
        });
        writer
    }

    fn write(&mut self, what: impl FnOnce(&mut W) -> std::io::Result<()>) {
        if self.failed.is_none() {
            if let Err(e) = what(&mut self.out) {
                self.failed = Some(e);
            }
        }
    }

    /// Counts and writes the next file's findings.
    pub fn push(&mut self, fragment: &Fragment) {
        let s = &mut self.summary;
        s.files += 1;
        s.errors += fragment.summary.errors;
        s.warnings += fragment.summary.warnings;
        s.infos += fragment.summary.infos;
        if fragment.text_len == 0 {
            return;
        }
        let first = !self.any;
        self.any = true;
        self.write(|out| {
            // The comma and the findings in one call: a buffered writer
            // hands a long text straight on, so two calls would be two
            // writes to the system.
            let comma: &[u8] = if first { b"[\n" } else { b",\n" };
            let mut parts = [IoSlice::new(comma), IoSlice::new(fragment.text())];
            let mut parts = &mut parts[..];
            while !parts.is_empty() {
                match out.write_vectored(parts) {
                    Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                    Ok(n) => IoSlice::advance_slices(&mut parts, n),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        });
    }

    /// Closes the list and writes the paths that could not be checked and
    /// the summary: the run's counts, and the writer back or the first
    /// failure to write.
    pub fn finish(mut self, unread: Unread<'_>) -> (Summary, std::io::Result<W>) {
        let (any, summary) = (self.any, self.summary);
        self.write(|out| {
            out.write_all(if any { &b"\n  ]"[..] } else { b"[]" })?;
            write_unread(out, unread)?;
            out.write_all(b",\n  \"summary\": ")?;
            out.write_all(&indented(&summary, b"\n  ")?)?;
            out.write_all(b"\n}\n")
        });
        match self.failed {
            Some(e) => (summary, Err(e)),
            None => (summary, Ok(self.out)),
        }
    }
}

/// `value` as `serde_json`'s pretty printer writes it, with every line
/// break followed by `indent`'s spaces.
fn indented<T: Serialize + ?Sized>(value: &T, indent: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    indent_into(&mut out, value, indent)?;
    Ok(out)
}

/// [`indented`], written straight onto the end of `out`: no copy of each
/// finding is made and then indented.
fn indent_into<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    indent: &[u8],
) -> std::io::Result<()> {
    let nested = Nested {
        pretty: serde_json::ser::PrettyFormatter::new(),
        indent,
    };
    let mut printer = serde_json::Serializer::with_formatter(out, nested);
    value.serialize(&mut printer).map_err(std::io::Error::other)
}

/// The pretty printer, with every line break it writes replaced by
/// `indent`. Only its own breaks are moved: JSON text holds no raw line
/// break inside a string, and strings are written as they always are.
struct Nested<'i> {
    pretty: serde_json::ser::PrettyFormatter<'static>,
    indent: &'i [u8],
}

impl serde_json::ser::Formatter for Nested<'_> {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_array(&mut Breaks(w, self.indent))
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.pretty
            .begin_array_value(&mut Breaks(w, self.indent), first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_object(&mut Breaks(w, self.indent))
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.pretty
            .begin_object_key(&mut Breaks(w, self.indent), first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.pretty.end_object_value(w)
    }
}

/// A writer that writes `.1` for every line break.
struct Breaks<'w, W: ?Sized>(&'w mut W, &'w [u8]);

impl<W: ?Sized + Write> Write for Breaks<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for (i, line) in buf.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.0.write_all(self.1)?;
            }
            self.0.write_all(line)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Finding `d` of `report`, as the schema has it, leaving out the help
/// and sources `table` already gives.
fn finding<'a>(report: &'a FileReport, d: usize, table: Option<&Table>) -> Finding<'a> {
    let src = &report.source;
    let d = &report.diagnostics[d];
    let given = table.and_then(|t| t.get(d.rule.as_str()));
    let help = d.help.as_deref();
    let help_given = given.is_some_and(|e| e.help == help);
    let sources_given = given.is_some_and(|e| *e.sources == *d.sources);
    let start = src.line_col(d.span.start());
    let end = src.line_col(d.span.end());
    Finding {
        rule: &d.rule,
        code: d.code.as_deref(),
        severity: d.severity,
        path: super::paths::named(&src.name, src.os_path()),
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message: &d.message,
        help: (!help_given).then_some(help),
        pathway: d.pathway.as_deref(),
        subject: d.subject.as_deref(),
        snippet: src.slice(d.span),
        sources: (!sources_given).then_some(&d.sources[..]),
        question: d.question.as_deref(),
        paragraph: src.paragraph_at(d.span.start()).map(|p| ParagraphRef {
            number: p.number,
            quote: src.quote(p),
        }),
        page: src.page_at(d.span.start()),
        shape: src.part_at(d.span.start()).map(|p| {
            // Mermaid in Markdown is placed in the Markdown already.
            let place = match src.drawn_at(d.span.start()) {
                Some(crate::source::Drawn::At(place)) => Some(place.start),
                Some(crate::source::Drawn::Whole) => None,
                None => Some(start),
            };
            ShapeRef {
                id: &p.id,
                text: p.one_line(),
                connector: p.connector,
                line: place.map(|p| p.line),
                column: place.map(|p| p.column),
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Linter;
    use std::sync::Arc;

    /// The whole document through `serde_json`'s pretty printer at once:
    /// what [`write`] must give, byte for byte.
    fn in_one_go(reports: &[FileReport], rules_table: bool) -> String {
        let table = rules_table.then(|| table(reports));
        let places = reports
            .iter()
            .flat_map(|r| (0..r.diagnostics.len()).map(|d| finding(r, d, table.as_ref())))
            .collect();
        let doc = Document {
            version: SCHEMA_VERSION,
            rules: table.clone(),
            diagnostics: places,
            summary: Summary::of(reports),
        };
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    }

    /// The document from each report's fragment, misfits rendered again.
    fn from_fragments(reports: &[FileReport], rules_table: bool) -> String {
        let mut fragments: Vec<Fragment> =
            reports.iter().map(|r| fragment(r, rules_table)).collect();
        let table = rules_table.then(|| RunTable::of(&fragments).unwrap());
        if let Some(table) = &table {
            for i in table.misfits(&fragments) {
                fragments[i] = table.refit(&reports[i]);
            }
            assert_eq!(RunTable::of(&fragments).as_ref(), Some(table));
        }
        let mut out = Vec::new();
        write_fragments(&fragments, table.as_ref(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn pieces_written_in_parallel_read_as_the_whole_document() {
        let linter = Linter::builtin().unwrap();
        let policy = "# Access\n\nPatients with a BMI over 40 will not be referred. \"Smokers\" \\ must stop — «now».\n";
        let many = policy.repeat(3_000);
        let pathway = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/examples/hip-knee-oa.pathway"
        ))
        .unwrap();
        let sets: Vec<Vec<FileReport>> = vec![
            vec![],
            vec![linter.check_text("clean.md", "# Nothing to see\n".into())],
            vec![linter.check_text("p.md", policy.into())],
            vec![
                linter.check_text("a.pathway", pathway.clone()),
                linter.check_text("many.md", many),
                linter.check_text("b.pathway", pathway),
            ],
        ];
        for reports in &sets {
            let count: usize = reports.iter().map(|r| r.diagnostics.len()).sum();
            for table in [false, true] {
                let text = render_as(reports, table);
                assert_eq!(text, in_one_go(reports, table), "{count} findings");
                let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(doc["rules"].is_object(), table);
            }
        }
        let biggest: usize = sets[3].iter().map(|r| r.diagnostics.len()).sum();
        // From each file's fragment: the same document.
        let mut other_help = vec![
            linter.check_text("p.md", policy.into()),
            linter.check_text("q.md", policy.into()),
            linter.check_text("r.md", policy.into()),
        ];
        for d in &mut other_help[1].diagnostics {
            d.help = Some(Arc::from("help only this file gives"));
        }
        other_help[2].diagnostics[0].sources = Arc::from(vec!["a source".to_string()]);
        let kept: Vec<Fragment> = other_help.iter().map(|r| fragment(r, true)).collect();
        assert_eq!(RunTable::of(&kept).unwrap().misfits(&kept), [1, 2]);
        for reports in sets.iter().chain([&other_help]) {
            for table in [false, true] {
                assert_eq!(from_fragments(reports, table), render_as(reports, table));
            }
        }
        assert!(biggest > BATCH, "batches were tried: {biggest} findings");
    }
}
