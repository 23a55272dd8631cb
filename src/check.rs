//! The pipeline for one file: bytes → text → AST → graph → checks →
//! sorted diagnostics. Each stage lives in its own module; this one only
//! strings them together.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::config::{Config, Policy};
use crate::diagnostic::Diagnostic;
use crate::graph::PathwayGraph;
use crate::measures::Measures;
use crate::prose::docx::Comment;
use crate::prose::sentences;
use crate::prose::{encoding, pdf, DocumentKind};
use crate::rules::load::RuleSet;
use crate::rules::model::Check;
use crate::rules::{engine, strings};
use crate::source::{Paragraph, SourceFile};
use crate::span::{Span, MAX_TEXT_LEN};
use crate::vocabulary::Vocabulary;
use crate::{parser, suppress, validate};

/// A file's text and what its format adds to it.
#[derive(Default)]
struct Input {
    text: String,
    /// Word documents: where paragraphs start, and comments on them.
    paragraphs: Vec<Paragraph>,
    comments: Vec<Comment>,
    /// A text document that was not UTF-8: the warning saying how it was read.
    note: Option<Diagnostic>,
}

impl Input {
    fn text(text: String) -> Input {
        Input {
            text,
            ..Input::default()
        }
    }
}

/// Everything that stays the same across the files of one run.
#[derive(Debug)]
pub struct Linter {
    pub vocabulary: Vocabulary,
    /// The vocabulary's criterion attributes, indexed, plus those rules name.
    pub measures: Measures,
    pub rules: RuleSet,
    pub config: Config,
    base: Arc<Policy>,
    /// Policies for files matched by `overrides:`, keyed by which matched.
    cache: Mutex<HashMap<Vec<usize>, Arc<Policy>>>,
}

/// The findings for one file, with its text for rendering.
#[derive(Debug)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    /// A pathway or a prose policy document (by the file's extension).
    pub kind: DocumentKind,
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

impl Linter {
    pub fn new(vocabulary: Vocabulary, rules: RuleSet, config: Config) -> Self {
        let base = Arc::new(config.policy(&rules, &[]));
        let mut measures = Measures::new(&vocabulary.measures, &vocabulary.unit_conversions);
        measures.also_known(
            rules
                .rules
                .iter()
                .flat_map(|r| criterion_attributes(&r.rule.check)),
        );
        Linter {
            measures,
            vocabulary,
            rules,
            config,
            base,
            cache: Mutex::new(HashMap::new()),
        }
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
    /// name's extension ([`DocumentKind::of`]). Never fails: undecodable
    /// input becomes an `invalid-encoding` finding.
    pub fn check_bytes(&self, name: &str, bytes: Vec<u8>) -> FileReport {
        self.check_file(name, None, bytes)
    }

    /// Like [`Linter::check_bytes`], with the file's path for per-path
    /// overrides.
    pub fn check_file(&self, name: &str, path: Option<&Path>, bytes: Vec<u8>) -> FileReport {
        let kind = DocumentKind::of(name);
        let policy = self.policy_for(path);
        if bytes.len() > MAX_TEXT_LEN {
            // Not even decoded: a bad byte that far in has no span.
            return self.unreadable_report(
                name,
                kind,
                String::new(),
                parser::too_long(bytes.len()),
                &policy,
            );
        }
        match read_input(name, kind, bytes) {
            Ok(input) => self.check_with(name, kind, input, &policy),
            Err(bad) => {
                let (shown, diag) = *bad;
                self.unreadable_report(name, kind, shown, diag, &policy)
            }
        }
    }

    /// The report of a file that could not be read: its one finding, with
    /// severities and suppressions applied as for any other.
    fn unreadable_report(
        &self,
        name: &str,
        kind: DocumentKind,
        shown: String,
        diag: Diagnostic,
        policy: &Policy,
    ) -> FileReport {
        let source = SourceFile::new(name, shown);
        let mut diagnostics = vec![diag];
        self.finish(
            &source,
            kind,
            &mut diagnostics,
            policy,
            Default::default(),
            &[],
        );
        FileReport {
            source: Arc::new(source),
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
    ) -> Result<(SourceFile, Vec<crate::rules::prose::SentenceTrace>), String> {
        let kind = DocumentKind::of(name);
        if !kind.is_prose() || pdf::is_pdf(name, &bytes) {
            return Err(format!(
                "{name} is not a policy document msklint reads (.md, .txt or .docx): --trace explains prose checks"
            ));
        }
        let input = read_input(name, kind, bytes).map_err(|bad| bad.1.message.clone())?;
        let source = SourceFile::new(name, prepare_text(input.text));
        let policy = self.policy_for(path);
        let found = sentences::split(&source.text);
        let traces = crate::rules::prose::trace(
            &policy.active,
            crate::rules::prose::Env::of(&self.vocabulary),
            &source.text,
            &found,
            |s| {
                let first = source.line_col(s.span.start()).line;
                let last = source.line_col(s.span.end()).line;
                first <= line && line <= last
            },
        );
        Ok((source, traces))
    }
}

/// A file's bytes as text, the way `check` reads them: a PDF refused, a
/// Word document unpacked, a policy in another encoding decoded with a
/// note, anything else UTF-8 or an `invalid-encoding` finding.
fn read_input(
    name: &str,
    kind: DocumentKind,
    bytes: Vec<u8>,
) -> Result<Input, Box<(String, Diagnostic)>> {
    match kind {
            // The command line refuses a PDF before it gets here (exit 2);
            // a library caller gets the same advice as a finding.
            _ if pdf::is_pdf(name, &bytes) && kind != DocumentKind::Docx => {
                Err(unreadable(
                    &pdf::refusal(name),
                    "not text",
                    "msklint reads pathways, Markdown, plain text and Word (.docx) files",
                ))
            }
            DocumentKind::Docx => crate::prose::docx::read(&bytes)
                .map(|doc| Input {
                    text: doc.text,
                    paragraphs: doc.paragraphs,
                    comments: doc.comments,
                    note: None,
                })
                .map_err(|why| {
                    unreadable(
                        &why,
                        "unreadable document",
                        "save it again from Word as a .docx, or export it as plain text (.txt) and check that",
                    )
                }),
            DocumentKind::Markdown | DocumentKind::Text => match String::from_utf8(bytes) {
                Ok(text) => decode(text.into_bytes()).map(Input::text),
                Err(e) => match encoding::decode(e.into_bytes()) {
                    Ok(decoded) => Ok(Input {
                        text: decoded.text,
                        note: decoded.note,
                        ..Input::default()
                    }),
                    Err(binary) => decode(binary).map(Input::text),
                },
            },
            DocumentKind::Pathway => decode(bytes).map(Input::text),
    }
}

impl Linter {
    /// Checks text already in memory; `name`'s extension picks pathway or
    /// prose as in [`Linter::check_bytes`].
    pub fn check_text(&self, name: &str, text: String) -> FileReport {
        self.check_with(name, DocumentKind::of(name), Input::text(text), &self.base)
    }

    fn check_with(
        &self,
        name: &str,
        kind: DocumentKind,
        input: Input,
        policy: &Policy,
    ) -> FileReport {
        let Input {
            mut text,
            mut paragraphs,
            comments,
            mut note,
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
        let source = SourceFile::new(name, text).with_paragraphs(paragraphs);
        let mut diagnostics: Vec<Diagnostic> = note.into_iter().collect();
        let mut blocks = Vec::new();
        if kind.is_prose() {
            self.check_prose(&source, policy, &mut diagnostics);
        } else {
            blocks = self.check_pathway(&source, policy, &mut diagnostics);
        }
        let extra = word_comments(&source, &comments);
        self.finish(&source, kind, &mut diagnostics, policy, extra, &blocks);
        FileReport {
            source: Arc::new(source),
            kind,
            diagnostics,
        }
    }

    fn check_prose(&self, source: &SourceFile, policy: &Policy, diagnostics: &mut Vec<Diagnostic>) {
        let found = sentences::split(&source.text);
        if found.is_empty() {
            diagnostics.push(
                Diagnostic::warning("empty-file", Span::new(0, 0), "this document has no text")
                    .with_label("nothing to check")
                    .with_help("check the file is the policy you meant; a PDF needs converting to text first (see the README)"),
            );
            return;
        }
        crate::rules::prose::run(
            &policy.active,
            crate::rules::prose::Env::of(&self.vocabulary),
            &source.text,
            &found,
            diagnostics,
        );
    }

    /// Returns the spans of the nodes and routes, which a suppression on
    /// their first line (or above it) covers whole.
    fn check_pathway(
        &self,
        source: &SourceFile,
        policy: &Policy,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Vec<Span> {
        let mut blocks = Vec::new();
        // After a syntax error the tree holds what could be read, and the
        // checks that need a whole pathway hold back on a broken one.
        let parsed = parser::parse(&source.text);
        diagnostics.extend(parsed.diagnostics);
        // `file` is dropped at the end of this block: the tree is not
        // needed for suppressions and sorting, and is the largest thing held.
        {
            let file = parsed.file;
            if file.pathways.is_empty() && parsed.recovered.is_empty() {
                diagnostics.push(
                    Diagnostic::warning(
                        "empty-file",
                        Span::new(0, 0),
                        "this file declares no pathway",
                    )
                    .with_label("nothing to check")
                    .with_help("write a `pathway \"name\" { ... }` block, or remove the file"),
                );
            }
            let prose_rules = strings::sentence_rules(&policy.active);
            for pathway in &file.pathways {
                // Only blocks over several lines cover more than a line.
                let spans = pathway.nodes.iter().map(|n| n.span);
                let spans = spans.chain(pathway.routes.iter().map(|r| r.span));
                blocks.extend(spans.filter(|&b| source.slice(b).contains('\n')));
                validate::validate(pathway, &self.vocabulary, diagnostics);
                validate::attributes(pathway, &self.measures, diagnostics);
                let graph = PathwayGraph::build(pathway, diagnostics);
                engine::run(&policy.active, &graph, source, &self.measures, diagnostics);
                strings::run(
                    &prose_rules,
                    crate::rules::prose::Env::of(&self.vocabulary),
                    pathway,
                    &source.text,
                    diagnostics,
                );
            }
        }
        blocks
    }

    /// Applies configured severities (dropping rules that are off), inline
    /// suppressions, rule codes, and the final order.
    fn finish(
        &self,
        source: &SourceFile,
        kind: DocumentKind,
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
        let style = if kind.is_prose() {
            suppress::CommentStyle::Html
        } else {
            suppress::CommentStyle::Hash
        };
        suppress::apply(
            source,
            style,
            extra,
            blocks,
            diagnostics,
            &self.rules,
            policy,
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
                    .map(|r| r.rule.code.clone());
            }
        }
        sort(diagnostics);
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

/// One line-break convention everywhere: a carriage return not followed by
/// a line feed (old Mac files) becomes a line feed, so the grammar's
/// comments, the line index, suppressions and miette's snippets all see the
/// same lines. One byte for one byte, so no offset moves.
/// The text as every stage sees it: no byte-order mark, one line-break
/// convention (for `--trace`, which has no paragraphs or notes to shift).
fn prepare_text(mut text: String) -> String {
    if text.starts_with('\u{FEFF}') {
        text.drain(..'\u{FEFF}'.len_utf8());
    }
    lone_cr_to_lf(text)
}

fn lone_cr_to_lf(text: String) -> String {
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

/// A file that cannot be read as text (a Word document that is not one, a
/// PDF): an `invalid-encoding` finding on an empty stand-in text.
fn unreadable(why: &str, label: &str, help: &str) -> Box<(String, Diagnostic)> {
    let diag = Diagnostic::error(
        "invalid-encoding",
        Span::new(0, 0),
        format!("cannot check this file: {why}"),
    )
    .with_label(label)
    .with_help(help);
    Box::new((String::new(), diag))
}

/// UTF-8 text, or a printable stand-in plus the finding that explains why
/// the file cannot be checked.
fn decode(bytes: Vec<u8>) -> Result<String, Box<(String, Diagnostic)>> {
    let bad = match String::from_utf8(bytes) {
        Ok(text) => match text.find('\0') {
            None => return Ok(text),
            Some(at) => (
                text.into_bytes(),
                at,
                "it contains a NUL byte, so it looks like a binary file",
            ),
        },
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (e.into_bytes(), at, "it is not valid UTF-8")
        }
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
        "invalid-encoding",
        Span::new(at, (at + 1).min(shown.len())),
        format!("cannot check this file: {why}"),
    )
    .with_label("first bad byte")
    .with_help("save the pathway as UTF-8 text; if it is not a pathway, leave it out of the check");
    Err(Box::new((shown, diag)))
}
