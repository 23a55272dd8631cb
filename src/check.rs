//! The pipeline for one file: bytes → text → AST → graph → checks →
//! sorted diagnostics. Each stage lives in its own module; this one only
//! strings them together.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::config::{Config, Policy};
use crate::diagnostic::{Diagnostic, Name};
use crate::graph::PathwayGraph;
use crate::input::{lone_cr_to_lf, read as read_input, Content, Decoded, InputFormat, Unreadable};
use crate::measures::Measures;
use crate::prose::docx::Comment;
use crate::prose::pdf;
use crate::prose::sentences;
use crate::rules::builtin::Builtin;
use crate::rules::load::RuleSet;
use crate::rules::model::Check;
use crate::rules::{engine, strings};
use crate::source::SourceFile;
use crate::span::{Span, MAX_TEXT_LEN};
use crate::vocabulary::Vocabulary;
use crate::{ast, parser, suppress, validate};

/// Everything that stays the same across the files of one run.
#[derive(Debug)]
pub struct Linter {
    pub vocabulary: Vocabulary,
    /// The vocabulary's criterion attributes, indexed, plus those rules name.
    pub measures: Measures,
    pub rules: RuleSet,
    pub config: Config,
    /// Which second opinion weighs prose findings (the shipped one is
    /// read on first need, so a run with no policy never reads it).
    opinion: Opinion,
    base: Arc<Policy>,
    /// Policies for files matched by `overrides:`, keyed by which matched.
    cache: Mutex<HashMap<Vec<usize>, Arc<Policy>>>,
    /// Findings a document's own suppression comments cover are kept and
    /// marked (`report`: a reviewer answers another body's document, whose
    /// authors' exceptions are theirs to justify, not to hide).
    keep_suppressed: bool,
}

/// Which second opinion a linter asks.
#[derive(Debug, Clone)]
enum Opinion {
    Off,
    Shipped,
    Given(Arc<crate::rules::opinion::Opinion>),
}

/// The findings for one file, with its text for rendering.
#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    /// A pathway or a prose policy document (by the file's extension).
    pub kind: InputFormat,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// Why a finding does not fit this report's text: a span outside it or
    /// inside a character, a position that has no line and column, or an
    /// empty message. `None` when every finding is sound. The fuzz targets
    /// and property tests hold every report to this.
    pub fn problem(&self) -> Option<String> {
        let text = &self.source.text;
        self.diagnostics.iter().find_map(|d| {
            if let Some(problem) = d.span_problem(text) {
                return Some(problem);
            }
            let at = self.source.line_col(d.span.start());
            if at.line == 0 || at.column == 0 {
                return Some(format!("{}: no line and column for {:?}", d.rule, d.span));
            }
            d.message
                .is_empty()
                .then(|| format!("{}: empty message", d.rule))
        })
    }
}

/// A file read as a pathway, parsed, its syntax errors added to
/// `diagnostics`; or, when it does not parse and does not read as pathway
/// code at all (prose, a licence, a YAML file named on the command line),
/// `None` and one finding saying so in place of a chain of syntax errors
/// that would only confuse.
fn parsed_pathway<'t>(
    source: &'t SourceFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<parser::Parsed<'t>> {
    let mut parsed = parser::parse(&source.text);
    if !parsed.recovered.is_empty() && !crate::input::reads_as_pathway_code(&source.text) {
        diagnostics.push(not_a_pathway(source));
        return None;
    }
    diagnostics.append(&mut parsed.diagnostics);
    Some(parsed)
}

/// The one finding on a file read as a pathway that is not one: at its
/// first word, saying what it seems to be and what to do.
fn not_a_pathway(source: &SourceFile) -> Diagnostic {
    let text = &source.text;
    // The first word past blank lines and `#` comments.
    let mut at = 0;
    let mut span = Span::new(0, 0);
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(['\u{FEFF}', ' ', '\t']);
        let start = at + line.len() - trimmed.len();
        at += line.len();
        if trimmed.trim_end().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        span = Span::new(start, start + len);
        break;
    }
    let file = Path::new(&source.name);
    let file_name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let yaml = file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let (message, help) = if file_name == crate::config::FILE_NAME {
        (
            "this is msklint's configuration file, not a pathway",
            "msklint finds msklint.yaml by itself and reads it as its configuration; leave it off the list of files to check",
        )
    } else if yaml {
        (
            "this is a YAML file, not a pathway",
            "msklint reads YAML only as configuration: msklint.yaml, and the vocabulary and rule files it names. Leave this file off the list of files to check.",
        )
    } else {
        (
            "this file does not look like a pathway: it has no `pathway \"name\" { ... }` block",
            "msklint reads a file as a pathway when its name ends in .pathway, or in an extension msklint does not know. If this is a policy document, give it the extension of its format (.md, .txt, .docx or .pdf) and it is read as one; if it is meant to be a pathway, write it inside a `pathway \"name\" { ... }` block; otherwise leave it off the list of files to check.",
        )
    };
    Diagnostic::error(Builtin::SyntaxError.name(), span, message)
        .with_label("not pathway code")
        .with_help(help)
}

impl Linter {
    pub fn new(vocabulary: Vocabulary, rules: RuleSet, config: Config) -> Self {
        let base = Arc::new(config.policy(&rules, &[]));
        let mut measures = Measures::new(&vocabulary.measures, &vocabulary.unit_conversions)
            .with_qualifiers(&vocabulary.measure_qualifiers);
        measures.also_known(
            rules
                .rules
                .iter()
                .flat_map(|r| criterion_attributes(&r.rule.check)),
        );
        let opinion = if config.second_opinion.unwrap_or(true) {
            Opinion::Shipped
        } else {
            Opinion::Off
        };
        Linter {
            opinion,
            measures,
            vocabulary,
            rules,
            config,
            base,
            cache: Mutex::new(HashMap::new()),
            keep_suppressed: false,
        }
    }

    /// Keeps the findings a document's suppressions cover, each marked
    /// with the suppression ([`crate::suppress::ALLOWED`]).
    pub fn keeping_suppressed(mut self) -> Self {
        self.keep_suppressed = true;
        self
    }

    /// The built-in vocabulary and rules with no configuration.
    pub fn builtin() -> Result<Linter, String> {
        let vocabulary = Vocabulary::builtin().map_err(|e| format!("built-in vocabulary: {e}"))?;
        let rules = RuleSet::builtin(&vocabulary).map_err(|errs| {
            errs.iter()
                .map(|e| format!("{}: {}", e.source.name, e.diagnostic.message))
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        Ok(Linter::new(vocabulary, rules, Config::default()))
    }

    /// With another second opinion (`None` for the patterns alone), as the
    /// accuracy tests do to measure a model on sets it was not trained on.
    pub fn with_opinion(mut self, opinion: Option<Arc<crate::rules::opinion::Opinion>>) -> Self {
        self.opinion = opinion.map_or(Opinion::Off, Opinion::Given);
        self
    }

    /// The second opinion prose findings are weighed by, if any.
    pub fn second_opinion(&self) -> Option<Arc<crate::rules::opinion::Opinion>> {
        match &self.opinion {
            Opinion::Off => None,
            Opinion::Shipped => Some(crate::rules::opinion::shipped()),
            Opinion::Given(o) => Some(Arc::clone(o)),
        }
    }

    /// Which second opinion is used, without reading the shipped model:
    /// `off`, `shipped` or `given` (for the result cache's key).
    pub fn second_opinion_kind(&self) -> &'static str {
        match &self.opinion {
            Opinion::Off => "off",
            Opinion::Shipped => "shipped",
            Opinion::Given(_) => "given",
        }
    }

    /// Only the language stage: no rules (used to test parse and name checks
    /// in isolation).
    pub fn language_only(vocabulary: Vocabulary) -> Self {
        Linter::new(vocabulary, RuleSet::default(), Config::default())
    }

    fn policy_for(&self, path: Option<&Path>) -> Arc<Policy> {
        let Some(path) = path.filter(|_| !self.config.overrides.is_empty()) else {
            return Arc::clone(&self.base);
        };
        let key = self.config.overrides_for(path);
        if key.is_empty() {
            return Arc::clone(&self.base);
        }
        // A poisoned lock only means another thread panicked mid-insert;
        // the map is still usable.
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(
            cache
                .entry(key)
                .or_insert_with_key(|k| Arc::new(self.config.policy(&self.rules, k))),
        )
    }

    /// Checks a file's raw bytes, as a pathway or a prose document by the
    /// name's extension ([`InputFormat::of`]). Never fails: undecodable
    /// input becomes an `invalid-encoding` finding.
    pub fn check_bytes(&self, name: &str, bytes: Vec<u8>) -> FileReport {
        self.check_file(name, None, bytes)
    }

    /// Like [`Linter::check_bytes`], with the file's path for per-path
    /// overrides.
    pub fn check_file(&self, name: &str, path: Option<&Path>, bytes: Vec<u8>) -> FileReport {
        self.check_content(name, path, Content::Bytes(bytes))
    }

    /// Checks bytes or text; the path, when given, picks per-path overrides.
    pub fn check_content(&self, name: &str, path: Option<&Path>, content: Content) -> FileReport {
        let kind = InputFormat::of_content(name, &content);
        self.check_content_as(name, path, content, kind)
    }

    /// Like [`Linter::check_content`], in a format the caller chose rather
    /// than the one `name` gives: text piped in under a label such as
    /// `<stdin>`, which has no extension to go by.
    pub fn check_content_as(
        &self,
        name: &str,
        path: Option<&Path>,
        content: Content,
        kind: InputFormat,
    ) -> FileReport {
        let policy = self.policy_for(path);
        match self.decoded(name, kind, content) {
            Ok(input) => {
                let (mut source, mut diagnostics, mut extra) = prepared(name, input);
                sidecar_suppressions(kind, path, &source, &mut extra);
                let mut blocks = Vec::new();
                if kind.is_prose() {
                    let sentences = self.check_prose(&source, &policy, &mut diagnostics);
                    if kind == InputFormat::Markdown {
                        source =
                            self.check_flowcharts(source, &sentences, &policy, &mut diagnostics);
                    }
                } else {
                    blocks = self.check_pathway(&source, &policy, &mut diagnostics);
                }
                self.report(source, kind, diagnostics, &policy, extra, &blocks)
            }
            Err(bad) => self.unreadable_report(name, kind, *bad, &policy),
        }
    }

    /// Checks like [`Linter::check_content`], then lends the file's parsed
    /// pathways, with their graphs, to `view` before they are dropped: the
    /// `graph`, `score` and `report` commands read them there instead of
    /// parsing again. Prose documents have none, and nor does a pathway
    /// file read only in part (after a syntax error).
    pub fn check_viewed<T>(
        &self,
        name: &str,
        path: Option<&Path>,
        content: Content,
        view: impl FnOnce(&FileReport, &[PathwayGraph<'_>]) -> T,
    ) -> (FileReport, T) {
        self.viewed(name, path, content, false, view)
    }

    /// Like [`Linter::check_viewed`], but a pathway file read only in part
    /// lends the pathways the parser recovered too: an editor finds its
    /// way around a file while a line is half typed. The findings are the
    /// same either way.
    pub fn check_viewed_partial<T>(
        &self,
        name: &str,
        path: Option<&Path>,
        content: Content,
        view: impl FnOnce(&FileReport, &[PathwayGraph<'_>]) -> T,
    ) -> (FileReport, T) {
        self.viewed(name, path, content, true, view)
    }

    fn viewed<T>(
        &self,
        name: &str,
        path: Option<&Path>,
        content: Content,
        partial: bool,
        view: impl FnOnce(&FileReport, &[PathwayGraph<'_>]) -> T,
    ) -> (FileReport, T) {
        let kind = InputFormat::of_content(name, &content);
        let policy = self.policy_for(path);
        let input = match self.decoded(name, kind, content) {
            Ok(input) => input,
            Err(bad) => {
                let report = self.unreadable_report(name, kind, *bad, &policy);
                if kind.is_prose() {
                    let seen = view(&report, &[]);
                    return (report, seen);
                }
                // The views have always drawn what the stand-in text holds
                // (a Latin-1 pathway with `?` for its bad bytes), so they
                // still do; the rules did not run on it.
                let source = Arc::clone(&report.source);
                let file = parser::parse(&source.text).complete();
                let mut scratch = Vec::new();
                let graphs: Vec<PathwayGraph> = file
                    .iter()
                    .flat_map(|f| &f.pathways)
                    .map(|p| PathwayGraph::build(p, &mut scratch))
                    .collect();
                let seen = view(&report, &graphs);
                return (report, seen);
            }
        };
        let (mut source, mut diagnostics, mut extra) = prepared(name, input);
        sidecar_suppressions(kind, path, &source, &mut extra);
        if kind.is_prose() {
            let sentences = self.check_prose(&source, &policy, &mut diagnostics);
            if kind == InputFormat::Markdown {
                source = self.check_flowcharts(source, &sentences, &policy, &mut diagnostics);
            }
            let report = self.report(source, kind, diagnostics, &policy, extra, &[]);
            let seen = view(&report, &[]);
            return (report, seen);
        }
        let parsed = parsed_pathway(&source, &mut diagnostics);
        let whole = parsed.as_ref().is_some_and(|p| p.recovered.is_empty());
        let mut graphs = Vec::new();
        // The views draw, score and review only files read whole.
        let blocks = self.check_tree(
            &source,
            parsed.as_ref().map(|p| &p.file),
            whole,
            &policy,
            &mut diagnostics,
            (whole || partial).then_some(&mut graphs),
        );
        let report = self.report(
            Arc::clone(&source),
            kind,
            diagnostics,
            &policy,
            extra,
            &blocks,
        );
        let seen = view(&report, &graphs);
        (report, seen)
    }

    /// The input as text, or why it cannot be read. A diagram is written
    /// out as pathway text here, with this linter's vocabulary.
    fn decoded(
        &self,
        name: &str,
        kind: InputFormat,
        content: Content,
    ) -> Result<Decoded, Unreadable> {
        let mut decoded = match content {
            Content::Text(text) if kind.is_diagram() => read_input(name, kind, text.into_bytes())?,
            // An editor's text with a NUL in it is refused as a file on
            // disk is (`invalid-encoding`), not parsed into syntax errors.
            Content::Text(text) if text.contains('\0') => {
                read_input(name, kind, text.into_bytes())?
            }
            Content::Text(text) => Decoded::text(text),
            Content::Pdf(paged) => Decoded::pdf(paged),
            Content::Docx(doc) => Decoded::docx(doc),
            Content::Diagram(diagram) => Decoded {
                diagram: Some(diagram),
                ..Decoded::default()
            },
            // Not even decoded: a bad byte that far in has no span.
            Content::Bytes(bytes) if bytes.len() > MAX_TEXT_LEN => {
                return Err(Box::new((String::new(), parser::too_long(bytes.len()))))
            }
            Content::Bytes(bytes) => read_input(name, kind, bytes)?,
        };
        if let Some(diagram) = decoded.diagram.take() {
            let imported = crate::import::to_pathway(&diagram, name, &self.vocabulary);
            decoded.text = imported.text;
            decoded.parts = imported.parts;
            decoded.guesses = imported.guesses;
            decoded.places = Some(diagram.places);
        }
        Ok(decoded)
    }

    /// The pathway text written from a diagram, with what came from where
    /// and the guesses made: what `msklint import` writes.
    pub fn import(&self, name: &str, bytes: &[u8]) -> Result<crate::import::Imported, String> {
        let format = InputFormat::sniffed(name, bytes).unwrap_or(InputFormat::of(name));
        if format == InputFormat::Markdown {
            let text =
                std::str::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
            let text = lone_cr_to_lf(text.strip_prefix('\u{FEFF}').unwrap_or(text).to_string());
            return crate::import::markdown::import(&text, name, &self.vocabulary);
        }
        if let Some(why) = crate::input::not_read_as(name, bytes) {
            return Err(why);
        }
        if !format.is_diagram() {
            return Err(
                "it is not a diagram msklint reads: name it .mmd or .mermaid (Mermaid), .md or .markdown (Mermaid flowcharts fenced in Markdown), .drawio (draw.io), .bpmn (BPMN), .pptx (PowerPoint) or .vsdx (Visio); a .xml file is read when it holds draw.io or BPMN"
                    .to_string(),
            );
        }
        let diagram = crate::import::Diagram::read(format, bytes)?;
        Ok(crate::import::to_pathway(&diagram, name, &self.vocabulary))
    }

    /// The report of a file that could not be read: its one finding, with
    /// severities and suppressions applied as for any other.
    fn unreadable_report(
        &self,
        name: &str,
        kind: InputFormat,
        (shown, diag): (String, Diagnostic),
        policy: &Policy,
    ) -> FileReport {
        let source = Arc::new(SourceFile::new(name, shown));
        self.report(source, kind, vec![diag], policy, Default::default(), &[])
    }

    /// Severities, suppressions, codes and order applied: the finished report.
    fn report(
        &self,
        source: Arc<SourceFile>,
        kind: InputFormat,
        mut diagnostics: Vec<Diagnostic>,
        policy: &Policy,
        extra: suppress::Extra,
        blocks: &[Span],
    ) -> FileReport {
        self.finish(&source, kind, &mut diagnostics, policy, extra, blocks);
        FileReport {
            source,
            kind,
            diagnostics,
        }
    }

    /// Why each sentence of a prose document that starts on `line` (or
    /// runs over it) fired each prose rule or stayed silent: the library
    /// side of `check --trace FILE:LINE`. The file is decoded and its lines
    /// counted exactly as `check` does.
    pub fn trace(
        &self,
        name: &str,
        path: Option<&Path>,
        bytes: Vec<u8>,
        line: usize,
    ) -> Result<(Arc<SourceFile>, Vec<crate::rules::prose::SentenceTrace>), String> {
        let kind = InputFormat::of(name);
        let kind = if pdf::is_pdf(name, &bytes) && kind != InputFormat::Docx {
            InputFormat::Pdf
        } else {
            kind
        };
        if !kind.is_prose() {
            return Err(
                "not a policy document msklint reads (.md, .txt, .docx or .pdf): --trace explains prose checks"
                    .to_string(),
            );
        }
        let input = read_input(name, kind, bytes).map_err(|bad| bad.1.message.clone())?;
        let (source, _, mut extra) = prepared(name, input);
        sidecar_suppressions(kind, path, &source, &mut extra);
        let policy = self.policy_for(path);
        let found = sentences::split(&source.text);
        let opinion = self.second_opinion();
        let mut traces = crate::rules::prose::trace(
            &policy.active,
            crate::rules::prose::Env::of(&self.vocabulary).with_opinion(opinion.as_deref()),
            &source.text,
            &found,
            |s| {
                let first = source.line_col(s.span.start()).line;
                let last = source.line_col(s.span.end()).line;
                first <= line && line <= last
            },
        );
        // A prose rule switched off is named, so its silence is not taken
        // for a reading; a whole-document one at the document's first
        // sentence, where it would report.
        let off = |document: bool| -> Vec<String> {
            self.rules
                .rules
                .iter()
                .map(|l| &l.rule)
                .filter(|r| {
                    r.prose
                        .as_ref()
                        .is_some_and(|c| c.is_document_level() == document)
                })
                .filter(|r| !policy.active.iter().any(|a| a.rule.name == r.name))
                .map(|r| r.name.clone())
                .collect()
        };
        let (sentence_off, document_off) = (off(false), off(true));
        let first = found.first().map(|s| s.span);
        for t in &mut traces {
            t.off.clone_from(&sentence_off);
            if Some(t.span) == first {
                t.off.extend(document_off.iter().cloned());
            }
        }
        // A finding the rule makes can still be suppressed, as `check`
        // would: say by what, so the trace does not contradict the check.
        let (mut suppressions, _) = suppress::scan(&source, kind.comment_style());
        suppressions.extend(extra.0);
        for t in &mut traces {
            let line = source.line_col(t.span.start()).line;
            for r in t.rules.iter_mut().filter(|r| r.fired) {
                r.suppressed = suppressions
                    .iter()
                    .find(|s| s.covers(line, &r.rule))
                    .map(|s| s.describe(&source));
            }
        }
        Ok((source, traces))
    }
}

impl Linter {
    /// Checks text already in memory; `name`'s extension picks pathway or
    /// prose as in [`Linter::check_bytes`].
    pub fn check_text(&self, name: &str, text: String) -> FileReport {
        self.check_content(name, None, Content::Text(text))
    }

    /// For each sentence of a policy `text` that names a rule's subject,
    /// its line (1-based) and what the second opinion reads there: how a
    /// labelled document becomes training examples (tests/opinion.rs).
    pub fn opinion_texts(&self, text: &str) -> Vec<(usize, String)> {
        let source = SourceFile::new("policy.md", text.to_string());
        let found = sentences::split(&source.text);
        crate::rules::prose::opinion_texts(
            &self.base.active,
            crate::rules::prose::Env::of(&self.vocabulary),
            &source.text,
            &found,
        )
        .into_iter()
        .map(|(span, read)| (source.line_col(span.start()).line, read))
        .collect()
    }

    /// Runs the prose rules; returns the sentences read, which a Markdown
    /// page's drawings are weighed against.
    fn check_prose(
        &self,
        source: &SourceFile,
        policy: &Policy,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<sentences::Sentence> {
        let found = sentences::split(&source.text);
        if found.is_empty() {
            diagnostics.push(
                Diagnostic::warning(Builtin::EmptyFile.name(), Span::new(0, 0), "this document has no text")
                    .with_label("nothing to check")
                    .with_help("check the file is the policy you meant: an empty file, or a Word document whose words are all in pictures, holds no sentences to read"),
            );
            return found;
        }
        let opinion = self.second_opinion();
        crate::rules::prose::run(
            &policy.active,
            crate::rules::prose::Env::of(&self.vocabulary)
                .with_opinion(opinion.as_deref())
                .with_subjects(&policy.subjects),
            &source.text,
            &found,
            diagnostics,
        );
        found
    }

    /// The Mermaid flowcharts fenced in a Markdown policy, each checked as
    /// a pathway (src/import/markdown.rs), their findings placed on the
    /// fence's statements. A flowchart that cannot be read is one
    /// `syntax-error` at the line at fault; the prose findings stand.
    /// Returns the file knowing the shapes and links drawn in it.
    ///
    /// A gap both the prose and a drawn pathway report (a rule with a
    /// whole-document prose check, such as `missing-mental-health`) is
    /// said once: by the drawn pathway, which names the pathway and the
    /// place to add what is missing. A gap the page's words fill is not
    /// reported on its drawing.
    fn check_flowcharts(
        &self,
        source: Arc<SourceFile>,
        sentences: &[sentences::Sentence],
        policy: &Policy,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Arc<SourceFile> {
        let charts =
            crate::import::markdown::flowcharts(&source.text, &source.name, &self.vocabulary);
        if charts.is_empty() {
            return source;
        }
        let mut drawn = Vec::new();
        let mut parts = Vec::new();
        for chart in &charts {
            let (imported, _) = match &chart.read {
                Ok(read) => read,
                Err(unread) => {
                    drawn.push(
                        Diagnostic::error(
                            Builtin::SyntaxError.name(),
                            unread.line,
                            format!(
                                "the Mermaid flowchart `{}` cannot be read as a pathway: {}",
                                chart.name, unread.why
                            ),
                        )
                        .with_label("flowchart not read")
                        .with_help(
                            "fix the flowchart at this line (`msklint import` reads the same \
                             statements: see docs/import.md); until then it is not checked as \
                             a pathway, though the rest of the document is",
                        )
                        .in_pathway(&chart.name),
                    );
                    continue;
                }
            };
            let generated = SourceFile::new(source.name.clone(), imported.text.clone())
                .with_parts(imported.parts.clone());
            let mut found = imported.guesses.clone();
            self.check_pathway(&generated, policy, &mut found);
            for mut d in found {
                chart.place(&generated, &mut d);
                drawn.push(d);
            }
            parts.extend(chart.parts());
        }
        // "This policy never mentions X": not so when its drawing does;
        // and when a drawn pathway lacks X too, that finding says it.
        let read: Vec<&str> = charts
            .iter()
            .filter(|c| c.read.is_ok())
            .map(|c| c.words.as_str())
            .collect();
        let mentions = crate::rules::prose::mentions;
        diagnostics.retain(|d| {
            !whole_document_gap(policy, &d.rule).is_some_and(|p| {
                drawn.iter().any(|f| f.rule == d.rule) || read.iter().any(|w| mentions(p, w))
            })
        });
        // And "the drawn pathway lacks X": not so when the page's own text
        // says it (a drawing cannot declare `inequalities`, say, but the
        // page around it can).
        let words = page_words(&source.text, sentences);
        drawn.retain(|d| !whole_document_gap(policy, &d.rule).is_some_and(|p| mentions(p, &words)));
        diagnostics.append(&mut drawn);
        if parts.is_empty() {
            return source;
        }
        let source = Arc::try_unwrap(source)
            .unwrap_or_else(|shared| SourceFile::new(shared.name.clone(), shared.text.clone()));
        Arc::new(source.with_parts(parts))
    }

    /// Parses and checks a pathway file. Returns the spans of the nodes and
    /// routes, which a suppression on their first line (or above it) covers
    /// whole.
    fn check_pathway(
        &self,
        source: &SourceFile,
        policy: &Policy,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Span> {
        // After a syntax error the tree holds what could be read, and the
        // checks that need a whole pathway hold back on a broken one.
        let parsed = parsed_pathway(source, diagnostics);
        let whole = parsed.as_ref().is_some_and(|p| p.recovered.is_empty());
        // The tree is dropped here: it is not needed for suppressions and
        // sorting, and is the largest thing held.
        self.check_tree(
            source,
            parsed.as_ref().map(|p| &p.file),
            whole,
            policy,
            diagnostics,
            None,
        )
    }

    /// The checks on a parsed file, pathway by pathway. Each graph is
    /// dropped once its rules have run, unless `keep` asks for it.
    fn check_tree<'t>(
        &self,
        source: &SourceFile,
        file: Option<&'t ast::File<'t>>,
        whole: bool,
        policy: &Policy,
        diagnostics: &mut Vec<Diagnostic>,
        mut keep: Option<&mut Vec<PathwayGraph<'t>>>,
    ) -> Vec<Span> {
        let mut blocks = Vec::new();
        if let Some(file) = file {
            if file.pathways.is_empty() && whole {
                diagnostics.push(
                    Diagnostic::warning(
                        Builtin::EmptyFile.name(),
                        Span::new(0, 0),
                        "this file declares no pathway",
                    )
                    .with_label("nothing to check")
                    .with_help("write a `pathway \"name\" { ... }` block, or remove the file"),
                );
            }
            let prose_rules = strings::sentence_rules(&policy.active);
            for pathway in &file.pathways {
                // The rules on the graph and the prose checks on the
                // strings are independent: on two threads when there are.
                let mut read = Vec::new();
                let before = diagnostics.len();
                let (graph, ()) = crate::par::join(
                    || {
                        // Missed-appointment policies under another key:
                        // a rule that reads one reports it, so it is not
                        // pointed out as a key no rule reads.
                        let dna = validate::dna_properties(pathway, &self.vocabulary);
                        // Sorted, so each unknown key is looked up by a
                        // binary search, not a pass over every one read.
                        let mut read_dna: Vec<Span> = dna
                            .iter()
                            .filter(|p| {
                                policy.active.iter().any(|a| {
                                    dna_check(&a.rule.check).is_some_and(|c| c.reads(p).is_some())
                                })
                            })
                            .map(|p| p.span)
                            .collect();
                        read_dna.sort_unstable();
                        validate::validate(pathway, &self.vocabulary, &read_dna, diagnostics);
                        validate::attributes(pathway, &self.measures, diagnostics);
                        // Conditions written as node properties: the
                        // rules that read the measure report them, and
                        // the rest are pointed out as read by none.
                        let gates =
                            validate::property_gates(pathway, &self.measures, &self.vocabulary);
                        validate::measure_properties(
                            pathway,
                            &gates,
                            |g| {
                                policy.active.iter().any(|a| {
                                    criterion_check(&a.rule.check)
                                        .is_some_and(|c| c.reads_gate(g, &self.measures))
                                })
                            },
                            diagnostics,
                        );
                        let graph = PathwayGraph::build(pathway, diagnostics);
                        engine::run_with_gates(
                            &policy.active,
                            &graph,
                            source,
                            &self.measures,
                            &gates,
                            &dna,
                            diagnostics,
                        );
                        graph
                    },
                    || {
                        strings::run(
                            &prose_rules,
                            // No second opinion: it learnt from policy
                            // sentences, and a pathway's short strings
                            // read differently.
                            crate::rules::prose::Env::of(&self.vocabulary)
                                .with_subjects(&policy.subjects),
                            pathway,
                            &source.text,
                            self.vocabulary
                                .property_names
                                .get("on_dna")
                                .map_or(&[][..], Vec::as_slice),
                            &mut read,
                        )
                    },
                );
                // What a rule found on a node from its properties is not
                // found again in the node's own text ("Self-referral, app
                // only" beside `channels: [app]`): the structured finding,
                // with its fix, stands. Only nodes: two routes may share
                // their ends and so their subject.
                if !read.is_empty() {
                    let found: std::collections::HashSet<(&str, &str)> = diagnostics[before..]
                        .iter()
                        .filter_map(|d| Some((d.rule.as_str(), d.subject.as_deref()?)))
                        .collect();
                    let nodes: std::collections::HashSet<&str> =
                        pathway.nodes.iter().map(|n| n.id.name).collect();
                    read.retain(|r| {
                        r.subject.as_deref().is_none_or(|s| {
                            !nodes.contains(s) || !found.contains(&(r.rule.as_str(), s))
                        })
                    });
                }
                crate::diagnostic::make_room(diagnostics, read.len());
                diagnostics.append(&mut read);
                if let Some(graphs) = keep.as_mut() {
                    graphs.push(graph);
                }
            }
            // Gathered once the graphs are gone, where memory peaks less.
            // Only blocks over several lines cover more than a line.
            for pathway in &file.pathways {
                let spans = pathway.nodes.iter().map(|n| n.span);
                let spans = spans.chain(pathway.routes.iter().map(|r| r.span));
                let spans = spans.map(|b| written_part(source.slice(b), b));
                blocks.extend(spans.filter(|&b| source.slice(b).contains('\n')));
            }
        }
        blocks
    }

    /// Applies configured severities (dropping rules that are off), inline
    /// suppressions, rule codes, and the final order.
    fn finish(
        &self,
        source: &SourceFile,
        kind: InputFormat,
        diagnostics: &mut Vec<Diagnostic>,
        policy: &Policy,
        extra: suppress::Extra,
        blocks: &[Span],
    ) {
        let level = |name: &str| policy.severity.get(name).copied();
        diagnostics.retain_mut(|d| match level(&d.rule) {
            Some(None) => false,
            Some(Some(sev)) => {
                // Findings with their own severity (dna-discharge after
                // contact) keep it unless the configured one is lower.
                if d.code.is_none() {
                    d.severity = sev;
                }
                true
            }
            None => true,
        });
        suppress::apply(
            source,
            kind.comment_style(),
            extra,
            blocks,
            diagnostics,
            suppress::Run {
                rules: &self.rules,
                policy,
                keep: self.keep_suppressed,
            },
        );
        diagnostics.retain_mut(|d| {
            if d.rule == suppress::UNUSED || d.rule == suppress::WITHOUT_REASON {
                match level(&d.rule) {
                    Some(None) => return false,
                    Some(Some(sev)) => d.severity = sev,
                    None => {}
                }
            }
            true
        });
        for d in diagnostics.iter_mut() {
            if d.code.is_none() {
                d.code = self
                    .rules
                    .find(&d.rule)
                    .filter(|r| r.rule.name == d.rule)
                    .map(|r| Name::from(&r.rule.code));
            }
        }
        sort(diagnostics);
    }
}

/// The criterion check a rule runs, alone or for some conditions.
fn criterion_check(check: &Check) -> Option<&crate::rules::checks::criterion::CriterionCheck> {
    match check {
        Check::Criterion(c) => Some(c),
        Check::Condition(c) => criterion_check(&c.check),
        _ => None,
    }
}

/// The DNA check a rule runs, alone or for some conditions.
fn dna_check(check: &Check) -> Option<&crate::rules::checks::dna_policy::DnaPolicyCheck> {
    match check {
        Check::DnaPolicy(c) => Some(c),
        Check::Condition(c) => dna_check(&c.check),
        _ => None,
    }
}

/// The attributes a check's `criterion` looks for, inside `condition`s too.
fn criterion_attributes(check: &Check) -> Vec<&str> {
    match check {
        Check::Criterion(c) => c.attributes.iter().map(String::as_str).collect(),
        Check::Condition(c) => criterion_attributes(&c.check),
        _ => Vec::new(),
    }
}

/// Position first, then rule name, so output never depends on the order the
/// checks happened to run in.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.span.start(), a.span.end(), &a.rule, &a.message).cmp(&(
            b.span.start(),
            b.span.end(),
            &b.rule,
            &b.message,
        ))
    });
}

/// The part of a node's or route's span that holds its code: the parser
/// lets one with no `{ }` or clause run on over the blank space and
/// comment lines after it, which must not carry a suppression onto the
/// next item.
fn written_part(text: &str, span: Span) -> Span {
    let mut kept = text.trim_end();
    while let Some(n) = kept.rfind('\n') {
        if !kept[n + 1..].trim_start().starts_with('#') {
            break;
        }
        kept = kept[..n].trim_end();
    }
    Span::new(span.start(), span.start() + kept.len())
}

/// The prose check of `rule` when it is a whole-document one ("this
/// policy never mentions X") and active under `policy`.
fn whole_document_gap<'p>(
    policy: &'p Policy,
    rule: &str,
) -> Option<&'p crate::rules::model::ProseCheck> {
    policy
        .active
        .iter()
        .find(|a| a.rule.name == rule)
        .and_then(|a| a.rule.prose.as_ref())
        .filter(|p| !p.missing.is_empty())
}

/// What a Markdown page says in words, beside what it draws: its
/// sentences as the prose reader found them (no fences, front matter or
/// comments).
fn page_words(text: &str, sentences: &[sentences::Sentence]) -> String {
    let mut words = String::with_capacity(text.len());
    for sentence in sentences {
        words.push_str(&text[sentence.span.start()..sentence.span.end()]);
        words.push('\n');
    }
    words
}

/// The decoded text as every stage sees it (no byte-order mark, one
/// line-break convention), the format's note, and suppressions held in
/// Word comments.
fn prepared(name: &str, input: Decoded) -> (Arc<SourceFile>, Vec<Diagnostic>, suppress::Extra) {
    let Decoded {
        mut text,
        mut paragraphs,
        comments,
        pages,
        mut note,
        diagram: _,
        parts,
        guesses,
        places,
    } = input;
    // Editors hide a byte-order mark; drop it so line-1 columns agree.
    if text.starts_with('\u{FEFF}') {
        let bom = '\u{FEFF}'.len_utf8();
        text.drain(..bom);
        for p in &mut paragraphs {
            p.start = p.start.saturating_sub(bom);
        }
        if let Some(n) = note.as_mut() {
            n.span = Span::new(
                n.span.start().saturating_sub(bom),
                n.span.end().saturating_sub(bom),
            );
        }
    }
    let text = lone_cr_to_lf(text);
    let source = SourceFile::new(name, text)
        .with_paragraphs(paragraphs)
        .with_pages(pages)
        .with_parts(parts)
        .with_drawing(places);
    let extra = word_comments(&source, &comments);
    let mut found: Vec<Diagnostic> = note.into_iter().collect();
    found.extend(guesses);
    (Arc::new(source), found, extra)
}

/// Suppressions in the sidecar file beside a policy document read from a
/// path (src/sidecar.rs); text given without a path has none.
fn sidecar_suppressions(
    kind: InputFormat,
    path: Option<&Path>,
    source: &SourceFile,
    extra: &mut suppress::Extra,
) {
    if !kind.is_prose() {
        return;
    }
    match path.and_then(crate::sidecar::load) {
        Some((file, Ok(yaml))) => crate::sidecar::read(source, &file, &yaml, extra),
        Some((file, Err(why))) => crate::sidecar::unreadable(source, &file, why, extra),
        None => {}
    }
}

/// Suppressions held in a Word document's comments, each covering the
/// lines of the paragraphs it is attached to.
fn word_comments(source: &SourceFile, comments: &[Comment]) -> suppress::Extra {
    let mut extra = suppress::Extra::default();
    let start_of = |number: usize| {
        let index = number.checked_sub(1)?;
        source.paragraphs().get(index).map(|p| p.start)
    };
    for c in comments {
        let (Some(first), Some(last)) = (start_of(c.first), start_of(c.last)) else {
            continue;
        };
        let line = source.line_col(first).line;
        let span = Span::new(first, first + source.line_text(line).len());
        let paragraphs = if c.first == c.last {
            format!("paragraph {}", c.first)
        } else {
            format!("paragraphs {} to {}", c.first, c.last)
        };
        let lines = (line, source.line_col(last).line);
        suppress::word_comment(&c.text, span, lines, paragraphs, &mut extra);
    }
    extra
}
