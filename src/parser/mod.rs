//! Source text to AST, using the pest grammar in `grammar/pathway.pest`.
//!
//! pest errors are converted here rather than through pest's `miette-error`
//! feature, which hands miette only the offending line and so reports every
//! error on line 1.

use std::borrow::Cow;

use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser as _;

mod chunks;

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::span::{Span, Spanned, MAX_TEXT_LEN};

#[derive(pest_derive::Parser)]
#[grammar = "grammar/pathway.pest"]
struct PathwayParser;

/// The result of parsing one file: always a tree, and the problems found
/// on the way.
///
/// After a syntax error the parser skips to the next line that starts an
/// item it can recognise and goes on, so `file` holds every item that could
/// be read and `diagnostics` has one syntax error per broken stretch of
/// text (docs/language.md, section 13, says where parsing picks up again).
pub struct Parsed<'a> {
    /// What could be read: the whole file when `recovered` is empty.
    pub file: File<'a>,
    /// Syntax errors, plus the repeated route clauses found while building
    /// the tree (those break no grammar rule, so nothing is skipped).
    pub diagnostics: Vec<Diagnostic>,
    /// Each stretch of text passed over to get past a syntax error, in
    /// order; an empty span where nothing was (a missing `}`). Empty
    /// exactly when the text follows the grammar.
    pub recovered: Vec<Span>,
}

impl<'a> Parsed<'a> {
    /// Whether the text follows the grammar, so `file` is all of it.
    pub fn is_complete(&self) -> bool {
        self.recovered.is_empty()
    }

    /// The tree, only when the text follows the grammar: for consumers
    /// that must not work from part of a file (the formatter, scores,
    /// reports, diagrams).
    pub fn complete(self) -> Option<File<'a>> {
        self.is_complete().then_some(self.file)
    }
}

/// Parses a whole file, one pathway header and one item at a time: pest
/// keeps every token of a parse in memory until the parse is done, so
/// parsing the file in one go held hundreds of megabytes for a large
/// pathway. Items are independent, so this reads exactly what the `file`
/// rule describes, and a syntax error in one item need not stop the rest.
pub fn parse(text: &str) -> Parsed<'_> {
    parse_with(text, true)
}

/// [`parse`], with `parallel` false reading every item on this thread (the
/// tests compare the two).
pub(crate) fn parse_with(text: &str, parallel: bool) -> Parsed<'_> {
    if text.len() > MAX_TEXT_LEN {
        return Parsed {
            file: File {
                pathways: Vec::new(),
            },
            diagnostics: vec![too_long(text.len())],
            recovered: vec![Span::new(0, 0)],
        };
    }
    let mut p = Parser {
        text,
        diagnostics: Vec::new(),
        recovered: Vec::new(),
        reported: false,
        first: None,
        window: (0, 0),
        parallel,
    };
    let mut pathways: Vec<Pathway<'_>> = Vec::new();
    let mut pos = skip_trivia(text, text.strip_prefix('\u{FEFF}').map_or(0, |_| 3));
    while pos < text.len() {
        if line_kind(text, pos) == LineKind::Head {
            let pathway = p.pathway(pos);
            pos = skip_trivia(text, pathway.span.end());
            pathways.push(pathway);
            continue;
        }
        // Text outside any block: say so once, then go on at the next
        // `pathway` line. Items found before it (a block closed early by
        // a stray `}`, a file with no `pathway` line) are read into the
        // last pathway, or one with no name, so they are still checked.
        let stray = pos;
        let end = p.window(pos);
        let item_here = PathwayParser::parse(Rule::item, &text[pos..end]).is_ok();
        let next = if item_here {
            pos
        } else {
            resync_outside(text, pos)
        };
        p.report(Some((pos, trimmed_end(text, pos, next))), || {
            // As a whole-file parse words it: a block or the end of the
            // file was expected here, unless `pathway` starts a header
            // that goes wrong further on (`pathway: x`).
            let head = PathwayParser::parse(Rule::pathway_head, &text[pos..end]);
            match head {
                Err(e) if offset(&e) > 0 => syntax_error(text, pos, &e, &[]),
                _ => syntax_error(text, pos, &expected(vec![Rule::EOI, Rule::pathway]), &[]),
            }
        });
        let stray_error = (p.diagnostics.len() - 1, p.recovered.len());
        let at = if item_here {
            p.recovered.push(Span::new(pos, pos));
            pos
        } else {
            p.skipped(pos, next);
            if next >= text.len() || line_kind(text, next) == LineKind::Head {
                pos = next;
                continue;
            }
            next
        };
        let mut pathway = pathways.pop().unwrap_or_else(|| Pathway {
            name: Spanned::new(Cow::Borrowed(""), Span::new(stray, stray)),
            header: Span::new(stray, stray),
            span: Span::new(stray, stray),
            fields: Vec::new(),
            nodes: Vec::new(),
            routes: Vec::new(),
            skipped: Vec::new(),
        });
        let end = trimmed_end(text, stray, at);
        pathway
            .skipped
            .push(Spanned::new(&text[stray..end], Span::new(stray, end)));
        let end = p.items(&mut pathway, at, true, true);
        // An item outside a block that breaks where the stray text was
        // reported is that one error, not two.
        let (error, stretch) = stray_error;
        if item_here
            && p.diagnostics.get(error + 1).is_some_and(|d| {
                d.span == p.diagnostics[error].span && d.message == p.diagnostics[error].message
            })
        {
            p.diagnostics.remove(error);
            p.recovered.remove(stretch);
        }
        pathway.span = pathway.span.to(Span::new(end, end));
        pos = skip_trivia(text, end);
        pathways.push(pathway);
    }
    Parsed {
        file: File { pathways },
        diagnostics: p.diagnostics,
        recovered: p.recovered,
    }
}

/// Text longer than spans can address is refused whole, at its start.
pub fn too_long(len: usize) -> Diagnostic {
    Diagnostic::error(
        "syntax-error",
        Span::new(0, 0),
        format!("this file is {len} bytes long; msklint checks files of up to {MAX_TEXT_LEN} bytes (4 GiB)"),
    )
    .with_label("not checked")
    .with_help("split the pathways into several files")
}

/// The parse of one file in progress.
struct Parser<'a> {
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
    recovered: Vec<Span>,
    /// Whether a syntax error has been found yet.
    reported: bool,
    /// The first error, found and worded but not yet placed: the block it
    /// is in is being read again ([`Parser::items`]).
    first: Option<Diagnostic>,
    /// The last window computed ([`Parser::window`]): from, to.
    window: (usize, usize),
    /// Whether long blocks may be read on several threads.
    parallel: bool,
}

/// The item read last in a block, in case the next one shows it broken.
struct Last {
    kind: Rule,
    start: usize,
    /// How many diagnostics there were before it was built.
    mark: usize,
}

impl<'a> Parser<'a> {
    /// Reports a syntax error for the stretch of text from `stretch.0` to
    /// `stretch.1` (its last non-blank byte) that recovery passes over.
    ///
    /// The first error in a file is worded from a parse of the whole file,
    /// as it always was: item by item, pest cannot see that a failed
    /// optional part (say, a property block) went further than the next
    /// item's start, and a whole-file parse reports the furthest failure.
    /// It stops at the first error, so this costs one pass over the text
    /// before it. That wording is kept when it points into the stretch (or
    /// there is none, as for a `}` missing at the end); when it points
    /// further on, the whole-file parse was misled by an item that ran on
    /// into the next line (`a ->` with no target yet), and the error is
    /// placed where the item broke instead.
    fn report(&mut self, stretch: Option<(usize, usize)>, local: impl FnOnce() -> Diagnostic) {
        let whole = match self.first.take() {
            Some(first) => Some(first),
            None if !self.reported => {
                self.reported = true;
                self.whole_file()
            }
            None => None,
        };
        let diag = match whole {
            Some(d) if stretch.is_none_or(|(a, b)| (a..=b).contains(&d.span.start())) => d,
            _ => local(),
        };
        self.diagnostics.push(diag);
    }

    /// The first error in the text, as a parse of the whole file words it.
    fn whole_file(&self) -> Option<Diagnostic> {
        let err = PathwayParser::parse(Rule::file, self.text).err()?;
        Some(syntax_error(self.text, 0, &err, &[]))
    }

    /// How far a parse starting at `from` may read. Before the first error,
    /// to the end of the text, as the grammar says. After one, only to where
    /// recovery would go on if this item broke ([`resync`]): the next line
    /// that starts an item at this level. pest scans from an error to the
    /// end of its input to quote the line, so with the rest of the file as
    /// input every further error would cost the rest of the file; and when
    /// the text is known to be broken, a line that starts a node, a route or
    /// a block is taken to start one rather than continue the item before
    /// it. Items sharing a line share its window, so each byte is scanned
    /// once.
    fn window(&mut self, from: usize) -> usize {
        let text = self.text;
        if !self.reported {
            return text.len();
        }
        let (start, end) = self.window;
        let end = if (start..end).contains(&from) {
            end
        } else {
            // At least the rest of the line, so that text before a `}`
            // that ends the skip is still quoted whole in an error.
            let line_end = text[from..].find('\n').map_or(text.len(), |n| from + n);
            let end = resync(text, from).max(line_end);
            self.window = (from, end);
            end
        };
        trimmed_end(text, from, end)
    }

    /// Records text from `from` to `to` as passed over; returns the end of
    /// the stretch without trailing blanks.
    fn skipped(&mut self, from: usize, to: usize) -> usize {
        let end = trimmed_end(self.text, from, to);
        self.recovered.push(Span::new(from, end));
        end
    }

    /// One `pathway "name" { ... }` block starting at `start`, which
    /// begins with the word `pathway`. A broken header still opens a
    /// block, with the name if one can be read, so its items are checked.
    fn pathway(&mut self, start: usize) -> Pathway<'a> {
        let text = self.text;
        let mut pathway = Pathway {
            name: Spanned::new(Cow::Borrowed(""), Span::new(start, start)),
            header: Span::new(start, start),
            span: Span::new(start, start),
            fields: Vec::new(),
            nodes: Vec::new(),
            routes: Vec::new(),
            skipped: Vec::new(),
        };
        let window = self.window(start);
        let (body, quiet) = match PathwayParser::parse(Rule::pathway_head, &text[start..window]) {
            Ok(mut pairs) => {
                let head = pairs.next().map(|h| {
                    let span = at(&h, start);
                    pathway.name.span = span;
                    pathway.header = span;
                    for p in children(h) {
                        match p.as_rule() {
                            Rule::kw_pathway => pathway.header = at(&p, start),
                            Rule::string => {
                                pathway.name = string(p, start);
                                pathway.header = pathway.header.to(pathway.name.span);
                            }
                            _ => {}
                        }
                    }
                    span.end()
                });
                (head.unwrap_or(start), false)
            }
            Err(e) => {
                let (name, header, body) = salvage_head(text, start);
                let stretch = (start, trimmed_end(text, start, body));
                self.report(Some(stretch), || syntax_error(text, start, &e, &[]));
                pathway.name = name;
                pathway.header = header;
                let end = self.skipped(start, body);
                pathway
                    .skipped
                    .push(Spanned::new(&text[start..end], Span::new(start, end)));
                (body, true)
            }
        };
        let end = self.items(&mut pathway, body, quiet, false);
        pathway.span = Span::new(start, end);
        // Pushed one by one, the lists end with up to half their room
        // unused, and they live until the run ends: hand it back.
        pathway.nodes.shrink_to_fit();
        pathway.routes.shrink_to_fit();
        pathway.fields.shrink_to_fit();
        pathway
    }

    /// Reads items into `pathway` from `pos` up to and including its `}`,
    /// to the end of the file, or to a line that starts another `pathway`
    /// block; returns where the block ends. After a syntax error the rest
    /// of the broken item is skipped ([`resync`]).
    ///
    /// A missing `}` is reported unless the text just before it was
    /// skipped after an error (the broken item may have held it) or, with
    /// `reopened`, the block was reopened after a stray `}` or has no
    /// header at all (its `}` is the one already reported as stray). With
    /// `quiet` the block's header was just reported broken.
    fn items(
        &mut self,
        pathway: &mut Pathway<'a>,
        pos: usize,
        quiet: bool,
        reopened: bool,
    ) -> usize {
        let end = self.read_items(pathway, pos, quiet, reopened);
        if let Some(first) = self.first.take() {
            // Read again item by item, the block showed no error where the
            // whole-file parse found one: report it all the same.
            let at = Span::new(first.span.start(), first.span.start());
            pathway.skipped.push(Spanned::new("", at));
            self.recovered.push(at);
            self.diagnostics.push(first);
        }
        end
    }

    fn read_items(
        &mut self,
        pathway: &mut Pathway<'a>,
        body: usize,
        quiet_at_start: bool,
        reopened: bool,
    ) -> usize {
        let text = self.text;
        let (mut pos, mut end, mut quiet) = (body, body, quiet_at_start);
        let mut last: Option<Last> = None;
        let read = (
            pathway.fields.len(),
            pathway.nodes.len(),
            pathway.routes.len(),
            self.diagnostics.len(),
        );
        loop {
            pos = skip_trivia(text, pos);
            if pos >= text.len() {
                if !quiet && !reopened {
                    self.report(None, || syntax_error(text, pos, &eof_error(), &[]));
                    self.recovered.push(Span::new(pos, pos));
                }
                return trimmed_end(text, 0, end);
            }
            if text.as_bytes()[pos] == b'}' {
                return pos + 1;
            }
            if !self.reported && last.is_none() && self.parallel {
                // Before any error, a long block's items can be read on
                // several threads with the same result (chunks.rs).
                if let Some(ahead) = chunks::read_ahead(text, pos, chunks::MIN_LEN) {
                    for built in ahead.items {
                        let mark = self.diagnostics.len();
                        self.diagnostics.extend(built.diagnostics);
                        add_item(pathway, built.item);
                        last = Some(Last {
                            kind: built.kind,
                            start: built.start,
                            mark,
                        });
                        (end, quiet) = (built.end, false);
                    }
                    pos = ahead.end.max(pos);
                    if last.is_some() {
                        continue;
                    }
                }
            }
            let window = self.window(pos);
            let found = match PathwayParser::parse(Rule::item, &text[pos..window]) {
                Ok(mut pairs) => pairs.next().and_then(|i| i.into_inner().next()).ok_or(None),
                Err(e) => Err(Some(e)),
            };
            let err = match found {
                Ok(item) => {
                    let item_end = pos + item.as_span().end();
                    let mark = self.diagnostics.len();
                    let kind = item.as_rule();
                    add_item(pathway, build_item(item, pos, &mut self.diagnostics));
                    last = Some(Last {
                        kind,
                        start: pos,
                        mark,
                    });
                    (pos, end, quiet) = (item_end, item_end, false);
                    continue;
                }
                Err(err) => err,
            };
            let here = || match &err {
                Some(e) => syntax_error(text, pos, e, &[Rule::rbrace]),
                // Not reachable: a parsed item always has one child.
                None => Diagnostic::error(
                    "syntax-error",
                    Span::new(pos, pos),
                    "expected a node, route or field",
                ),
            };
            if !self.reported {
                // The first error in the file: word it from the whole file,
                // and read this block again from its start the way items
                // are read once the text is known to be broken (see
                // `Parser::window`), so an item that ran on into the
                // broken line is found broken too.
                self.reported = true;
                self.first = Some(self.whole_file().unwrap_or_else(here));
                pathway.fields.truncate(read.0);
                pathway.nodes.truncate(read.1);
                pathway.routes.truncate(read.2);
                self.diagnostics.truncate(read.3);
                (pos, end, quiet, last) = (body, body, quiet_at_start, None);
                continue;
            }
            if line_kind(text, pos) == LineKind::Head && starts_line(text, pos) {
                // The next block begins: this one lacks its `}`.
                if !quiet && !reopened {
                    self.report(None, here);
                    self.recovered.push(Span::new(pos, pos));
                }
                return trimmed_end(text, 0, end);
            }
            let line = text[..pos].rfind('\n').map_or(0, |n| n + 1);
            let mut from = pos;
            let mut diag = None;
            if let Some(prev) = last.take() {
                // The item before is broken too when it starts on the line
                // that fails (`a -> b c`, `n1: "A" { ... }` without its
                // keyword: what it read is part of a broken line), or when
                // a failed optional part of it (a property block, a route
                // clause) went further than this item did. Kept, it would
                // stand in the tree cut short: a route without its clause
                // could look like a copy of another.
                if let Err(both) =
                    PathwayParser::parse(Rule::item_and_next, &text[prev.start..window])
                {
                    let alone = err.as_ref().map_or(0, offset);
                    if line <= prev.start || prev.start + offset(&both) > pos + alone {
                        self.drop_last(pathway, &prev);
                        from = prev.start;
                        diag = Some(syntax_error(text, prev.start, &both, &[]));
                    }
                }
            }
            let next = resync(text, from);
            let stretch = (from, trimmed_end(text, from, next));
            self.report(Some(stretch), || diag.unwrap_or_else(here));
            end = self.skip_in(pathway, from, next).max(end);
            (pos, quiet) = (next, true);
        }
    }

    /// Takes the item read last back out of `pathway`, with any error
    /// found while building it (a repeated route clause).
    fn drop_last(&mut self, pathway: &mut Pathway<'a>, last: &Last) {
        match last.kind {
            Rule::field => drop(pathway.fields.pop()),
            Rule::node => drop(pathway.nodes.pop()),
            _ => drop(pathway.routes.pop()),
        }
        self.diagnostics.truncate(last.mark);
    }

    /// Records text skipped inside `pathway`; returns its trimmed end.
    fn skip_in(&mut self, pathway: &mut Pathway<'a>, from: usize, to: usize) -> usize {
        let end = self.skipped(from, to);
        pathway
            .skipped
            .push(Spanned::new(&self.text[from..end], Span::new(from, end)));
        end
    }
}

/// Past whitespace and `#` comments.
fn skip_trivia(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        match bytes[pos] {
            b' ' | b'\t' | b'\r' | b'\n' => pos += 1,
            b'#' => pos = text[pos..].find('\n').map_or(text.len(), |n| pos + n),
            _ => break,
        }
    }
    pos
}

/// The error for a file that ends inside a block (reported at the end).
fn eof_error() -> pest::error::Error<Rule> {
    expected(vec![Rule::rbrace])
}

/// An error at the start of the text parsed, expecting `positives`.
fn expected(positives: Vec<Rule>) -> pest::error::Error<Rule> {
    pest::error::Error::new_from_pos(
        ErrorVariant::ParsingError {
            positives,
            negatives: vec![],
        },
        pest::Position::from_start(""),
    )
}

/// Where a pest error points, from the start of the text it parsed.
fn offset(err: &pest::error::Error<Rule>) -> usize {
    match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
}

// ---- recovery -------------------------------------------------------------------

/// What a line starts with, judged from its first tokens: enough to tell
/// where an item begins without parsing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// `pathway`, not as the name of a field or a node: a block's header.
    Head,
    /// `entry`, `service` or `exit`, then an ID. Only a node, broken or
    /// not, can start so: as a field, property or route the word would be
    /// followed by `:`, `,` or `->`.
    Node,
    /// IDs joined by commas, then `->`; only a route can start so.
    Route,
    /// `key:`: a pathway field, or a property inside a node's block.
    KeyValue,
    /// `}`.
    Close,
    Other,
}

/// Length of the identifier at `i` (0 if none starts there).
fn ident_len(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
            1 + b[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count()
        }
        _ => 0,
    }
}

/// Past spaces and tabs (not line breaks).
fn blanks(b: &[u8], i: usize) -> usize {
    i + b
        .get(i..)
        .unwrap_or_default()
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t'))
        .count()
}

/// What the text at `at`, a line's first token, starts.
fn line_kind(text: &str, at: usize) -> LineKind {
    let b = text.as_bytes();
    if b.get(at) == Some(&b'}') {
        return LineKind::Close;
    }
    let n = ident_len(b, at);
    if n == 0 {
        return LineKind::Other;
    }
    let word = &text[at..at + n];
    let after = blanks(b, at + n);
    let next = b.get(after).copied();
    if word == "pathway" && !matches!(next, Some(b':' | b',' | b'-')) {
        return LineKind::Head;
    }
    if matches!(word, "entry" | "service" | "exit") && ident_len(b, after) > 0 {
        return LineKind::Node;
    }
    let mut i = after;
    loop {
        match b.get(i) {
            Some(b'-') if b.get(i + 1) == Some(&b'>') => return LineKind::Route,
            Some(b',') => {
                let j = blanks(b, i + 1);
                let id = ident_len(b, j);
                if id == 0 {
                    break;
                }
                i = blanks(b, j + id);
            }
            _ => break,
        }
    }
    if next == Some(b':') {
        LineKind::KeyValue
    } else {
        LineKind::Other
    }
}

/// Whether only spaces and tabs come before `pos` on its line.
fn starts_line(text: &str, pos: usize) -> bool {
    text[..pos]
        .bytes()
        .rev()
        .take_while(|&c| c != b'\n')
        .all(|c| matches!(c, b' ' | b'\t'))
}

/// Where parsing goes on after a syntax error in an item of a block that
/// starts at `from`: at the first token of the first later line that
/// starts an item at the block's level, or at a `}` that closes the block.
///
/// The braces the broken item opens are followed (outside strings and
/// comments), so the lines of its property block are passed over as a
/// whole; but a line that can only start a node, a route or a new block
/// ends the skip whatever the braces say, so a missing `}` costs one item
/// rather than the rest of the file. Each byte is read once.
fn resync(text: &str, from: usize) -> usize {
    walk_block(text, from, |t, depth| match line_kind(text, t) {
        LineKind::Head | LineKind::Node | LineKind::Route => true,
        LineKind::Close | LineKind::KeyValue => depth == 0,
        LineKind::Other => false,
    })
}

/// Follows the braces from `from` (outside strings and comments) to the
/// `}` that closes the block `from` is in, and returns where it is, or the
/// end of the text. `stop(token, depth)` may end the walk sooner, at the
/// first token of a later line, given how many blocks opened since `from`
/// are still open there.
fn walk_block(text: &str, from: usize, stop: impl Fn(usize, usize) -> bool) -> usize {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut line = from;
    let mut first = true;
    while line < b.len() {
        let line_end = text[line..].find('\n').map_or(b.len(), |n| line + n);
        if !first {
            let t = blanks(b, line);
            if t < line_end && stop(t, depth) {
                return t;
            }
        }
        first = false;
        for (j, brace) in braces(b, line, line_end) {
            match brace {
                b'{' => depth += 1,
                _ if depth == 0 => return j,
                _ => depth -= 1,
            }
        }
        line = line_end + 1;
    }
    b.len()
}

/// The braces in `b[from..to]`, part of one line, outside strings and
/// comments. A quote with no closing quote on the line opens no string, so
/// the braces after it count: in `service a: "A {` the `{` opens a block.
fn braces(b: &[u8], from: usize, to: usize) -> impl Iterator<Item = (usize, u8)> + '_ {
    let mut j = from;
    std::iter::from_fn(move || {
        while j < to {
            let at = j;
            j += 1;
            match b[at] {
                c @ (b'{' | b'}') => return Some((at, c)),
                b'#' => j = to,
                b'"' => {
                    let mut k = j;
                    while k < to && b[k] != b'"' {
                        k += if b[k] == b'\\' { 2 } else { 1 };
                    }
                    if k < to {
                        j = k + 1;
                    }
                }
                _ => {}
            }
        }
        None
    })
}

/// Where parsing goes on after text outside any block: a `pathway` header
/// later on the same line (`@ pathway "x" {`), or the first token of the
/// next line that starts a block, a node or a route.
fn resync_outside(text: &str, from: usize) -> usize {
    let b = text.as_bytes();
    let line_end = text[from..].find('\n').map_or(b.len(), |n| from + n);
    let mut j = from + 1;
    while j < line_end {
        match b[j] {
            b'#' => break,
            b'"' => {
                let close = text[j + 1..line_end].find('"');
                j = close.map_or(line_end, |n| j + 1 + n + 1);
                continue;
            }
            c if (c.is_ascii_alphabetic() || c == b'_') && !is_ident_char(char::from(b[j - 1])) => {
                if line_kind(text, j) == LineKind::Head {
                    return j;
                }
                j += ident_len(b, j);
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    let mut line = from;
    while let Some(n) = text[line..].find('\n') {
        line += n + 1;
        let t = blanks(b, line);
        if matches!(
            line_kind(text, t),
            LineKind::Head | LineKind::Node | LineKind::Route
        ) {
            return t;
        }
    }
    b.len()
}

/// What can be read of a broken `pathway` header at `start`: the name if
/// a well-formed string follows the keyword, the header's span, and where
/// the block's items begin (after the first `{` on the line or at the
/// start of the next, or on the next line if nothing else is on the way).
fn salvage_head(text: &str, start: usize) -> (Spanned<Cow<'_, str>>, Span, usize) {
    let b = text.as_bytes();
    let keyword = Span::new(start, start + "pathway".len());
    let mut name = Spanned::new(Cow::Borrowed(""), keyword);
    let mut header = keyword;
    let after = blanks(b, keyword.end());
    let line_end = text[start..].find('\n').map_or(b.len(), |n| start + n);
    if b.get(after) == Some(&b'"') {
        // A string ends on its line: parsing no further keeps a failure
        // cheap (see `Parser::window`).
        if let Some(s) = PathwayParser::parse(Rule::string, &text[after..line_end])
            .ok()
            .and_then(|mut p| p.next())
        {
            name = string(s, after);
            header = keyword.to(name.span);
        }
    }
    if let Some((j, _)) = braces(b, header.end(), line_end).find(|&(_, c)| c == b'{') {
        return (name, header, j + 1);
    }
    let next = skip_trivia(text, line_end);
    let body = if b.get(next) == Some(&b'{') {
        next + 1
    } else {
        line_end
    };
    (name, header, body)
}

/// The end of `text[from..to]` without trailing whitespace.
fn trimmed_end(text: &str, from: usize, to: usize) -> usize {
    from + text[from..to].trim_end().len()
}

/// A span of `pair`, which was parsed from the text starting at `base`.
fn at(pair: &Pair<'_, Rule>, base: usize) -> Span {
    let s = pair.as_span();
    Span::new(base + s.start(), base + s.end())
}

// ---- errors -----------------------------------------------------------------

/// Converts a pest error from a parse of `text[base..]`; `also` lists rules
/// that were valid at that point of the surrounding loop (such as `}`).
fn syntax_error(
    text: &str,
    base: usize,
    err: &pest::error::Error<Rule>,
    also: &[Rule],
) -> Diagnostic {
    let (start, end) = match err.location {
        InputLocation::Pos(p) => (base + p, base + p),
        InputLocation::Span((s, e)) => (base + s, base + e),
    };
    let start = start.min(text.len());
    let end = if end > start {
        end.min(text.len())
    } else {
        token_end(text, start)
    };
    if let Some(diag) = string_problem(text, start) {
        return diag;
    }
    if start == text.len() {
        if let Some(open) = unclosed_brace(text) {
            return Diagnostic::error(
                "syntax-error",
                Span::new(open, open + 1),
                "this `{` is never closed",
            )
            .with_label("opened here; the file ends before its `}`")
            .with_help("add the closing `}` at the end of the block");
        }
    }
    // pest skips blanks before it tries a token, so it only stops on one
    // at the end of a window (`Parser::window`), which ends a line's text:
    // what was found is what follows the blanks.
    let found_at = if text[start..].starts_with([' ', '\t']) {
        blanks(text.as_bytes(), start)
    } else {
        start
    };
    let look_alike = text[found_at..]
        .chars()
        .next()
        .and_then(|c| LookAlike::of(c).map(|l| (c, l)));
    if look_alike.is_none() {
        if let Some(diag) = missing_value(text, base, found_at) {
            return diag;
        }
        if let Some(diag) = common_mistake(text, start, end) {
            return diag;
        }
        if let Some(diag) = hyphen_in_identifier(text, found_at) {
            return diag;
        }
        if let Some(diag) = letter_outside_ascii(text, found_at) {
            return diag;
        }
    }
    let found = match look_alike {
        Some((c, l)) => l.describe(c),
        None if found_at == start => describe_found(&text[start..end]),
        None => describe_found(&text[found_at..token_end(text, found_at)]),
    };
    let (message, label) = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            // `}` only counts where the item failed at its very first token.
            let mut positives = positives.clone();
            if start == base {
                for r in also {
                    if !positives.contains(r) {
                        positives.push(*r);
                    }
                }
            }
            let positives = &positives;
            let expected = expected_list(positives);
            let label = if positives.len() <= 2 {
                format!("expected {expected}")
            } else {
                // "a no-break space (U+00A0)" reads as a noun phrase.
                format!("unexpected {}", found.strip_prefix("a ").unwrap_or(&found))
            };
            (format!("expected {expected}, found {found}"), label)
        }
        ErrorVariant::CustomError { message } => (message.clone(), message.clone()),
    };
    // An arrow pasted from a word processor (`→`, `⟶`, `➔`) is said to be
    // one, as `=>` and `-->` are, so the message alone tells what to write.
    let (message, label) = match look_alike {
        Some((c, LookAlike::Arrow)) => (
            format!(
                "a route's arrow is `->`, not {}",
                LookAlike::Arrow.describe(c)
            ),
            "write `->`".to_string(),
        ),
        _ => (message, label),
    };
    let mut diag =
        Diagnostic::error("syntax-error", Span::new(start, end), message).with_label(label);
    if let Some((c, l)) = look_alike {
        let (span, replacement) = l.fix(text, found_at, c);
        diag = diag.with_help(l.help(c)).with_suggestion(span, replacement);
    } else if let Some(help) = syntax_help(&text[start..end], &err.variant) {
        diag = diag.with_help(help);
    }
    diag
}

/// A character that looks like one the language uses (or like a plain
/// space), as word processors and web pages write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LookAlike {
    DoubleQuote,
    SingleQuote,
    Space,
    InvisibleSpace,
    Arrow,
    Dash,
    Colon,
    Comma,
    Comparison,
}

impl LookAlike {
    fn of(c: char) -> Option<LookAlike> {
        Some(match c {
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{FF02}' => {
                LookAlike::DoubleQuote
            }
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => {
                LookAlike::SingleQuote
            }
            '\u{00A0}' | '\u{2002}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => {
                LookAlike::Space
            }
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' => LookAlike::InvisibleSpace,
            '\u{2192}' | '\u{21D2}' | '\u{27F6}' | '\u{27F9}' | '\u{2794}' | '\u{279C}' => {
                LookAlike::Arrow
            }
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => {
                LookAlike::Dash
            }
            '\u{FF1A}' => LookAlike::Colon,
            '\u{FF0C}' | '\u{3001}' => LookAlike::Comma,
            '\u{2264}' | '\u{2265}' | '\u{2260}' => LookAlike::Comparison,
            _ => return None,
        })
    }

    /// The character's name, for messages.
    fn name(c: char) -> &'static str {
        match c {
            '\u{201C}' => "left double quotation mark",
            '\u{201D}' => "right double quotation mark",
            '\u{201E}' => "double low-9 quotation mark",
            '\u{201F}' => "double high-reversed-9 quotation mark",
            '\u{2033}' => "double prime",
            '\u{FF02}' => "full-width quotation mark",
            '\u{2018}' => "left single quotation mark",
            '\u{2019}' => "right single quotation mark",
            '\u{201A}' => "single low-9 quotation mark",
            '\u{201B}' => "single high-reversed-9 quotation mark",
            '\u{2032}' => "prime",
            '\u{00A0}' => "no-break space",
            '\u{2002}' => "en space",
            '\u{2003}' => "em space",
            '\u{2004}' => "three-per-em space",
            '\u{2005}' => "four-per-em space",
            '\u{2006}' => "six-per-em space",
            '\u{2007}' => "figure space",
            '\u{2008}' => "punctuation space",
            '\u{2009}' => "thin space",
            '\u{200A}' => "hair space",
            '\u{202F}' => "narrow no-break space",
            '\u{205F}' => "medium mathematical space",
            '\u{3000}' => "ideographic space",
            '\u{200B}' => "zero-width space",
            '\u{2060}' => "word joiner",
            '\u{FEFF}' => "zero-width no-break space",
            '\u{2192}' => "rightwards arrow",
            '\u{21D2}' => "rightwards double arrow",
            '\u{27F6}' => "long rightwards arrow",
            '\u{27F9}' => "long rightwards double arrow",
            '\u{2794}' | '\u{279C}' => "heavy rightwards arrow",
            '\u{2010}' => "hyphen",
            '\u{2011}' => "non-breaking hyphen",
            '\u{2012}' => "figure dash",
            '\u{2013}' => "en dash",
            '\u{2014}' => "em dash",
            '\u{2212}' => "minus sign",
            '\u{FF1A}' => "full-width colon",
            '\u{FF0C}' => "full-width comma",
            '\u{3001}' => "ideographic comma",
            '\u{2264}' => "less-than or equal sign",
            '\u{2265}' => "greater-than or equal sign",
            '\u{2260}' => "not-equal sign",
            _ => "look-alike character",
        }
    }

    /// How the character is named after "found": a space cannot be seen
    /// between backticks, so it is named and numbered instead.
    fn describe(self, c: char) -> String {
        let name = LookAlike::name(c);
        match self {
            LookAlike::Space | LookAlike::InvisibleSpace => {
                format!("a {name} (U+{:04X})", c as u32)
            }
            _ => format!("`{c}` ({name})"),
        }
    }

    fn help(self, c: char) -> String {
        let name = LookAlike::name(c);
        let shown = match self {
            LookAlike::Space | LookAlike::InvisibleSpace => {
                format!("the {name} (U+{:04X})", c as u32)
            }
            _ => format!("`{c}` ({name})"),
        };
        match self {
            LookAlike::DoubleQuote => format!(
                "{shown} looks like `\"`; word processors change quotes, so type a straight quote"
            ),
            LookAlike::SingleQuote => format!(
                "{shown} looks like `'`; strings are written between straight double quotes: `\"GP practice\"`"
            ),
            LookAlike::Space => format!(
                "{shown} looks like a space but is not one; word processors and web pages insert it, so type an ordinary space"
            ),
            LookAlike::InvisibleSpace => {
                format!("{shown} cannot be seen but is there; delete it")
            }
            LookAlike::Arrow => {
                format!("{shown} looks like `->`; routes are written with a hyphen and `>`: `gp -> physio`")
            }
            LookAlike::Dash => format!(
                "{shown} looks like `-`; word processors turn hyphens into dashes. A route is written `gp -> physio`"
            ),
            LookAlike::Colon => format!("{shown} looks like `:`; type an ordinary colon"),
            LookAlike::Comma => format!("{shown} looks like `,`; type an ordinary comma"),
            LookAlike::Comparison => format!(
                "{shown} is written with two characters in a pathway: `{}`",
                LookAlike::typed(c)
            ),
        }
    }

    /// How a comparison sign is typed.
    fn typed(c: char) -> &'static str {
        match c {
            '\u{2264}' => "<=",
            '\u{2265}' => ">=",
            _ => "!=",
        }
    }

    /// What to put in place of the character at `at`. A quote is replaced
    /// together with its partner later on the line, so both become
    /// straight double quotes; a dash not followed by `>` stands for a
    /// whole arrow.
    fn fix(self, text: &str, at: usize, c: char) -> (Span, String) {
        let one = Span::new(at, at + c.len_utf8());
        match self {
            LookAlike::DoubleQuote | LookAlike::SingleQuote => {
                let after = at + c.len_utf8();
                let line_end = text[after..].find('\n').map_or(text.len(), |i| after + i);
                // An apostrophe (`’s`) is followed by a letter; a closing
                // quote is not.
                let span = &text[after..line_end];
                let close = span.char_indices().find(|&(i, d)| {
                    let next = span[i + d.len_utf8()..].chars().next();
                    (d == '"' || LookAlike::of(d) == Some(self))
                        && !(self == LookAlike::SingleQuote
                            && next.is_some_and(char::is_alphanumeric))
                });
                match close {
                    Some((i, d)) => {
                        let inner = &text[after..after + i];
                        (
                            Span::new(at, after + i + d.len_utf8()),
                            format!("\"{inner}\""),
                        )
                    }
                    None => (one, "\"".to_string()),
                }
            }
            LookAlike::Space => (one, " ".to_string()),
            LookAlike::InvisibleSpace => (one, String::new()),
            LookAlike::Arrow => (one, "->".to_string()),
            LookAlike::Comparison => (one, LookAlike::typed(c).to_string()),
            LookAlike::Dash => {
                let after = &text[at + c.len_utf8()..];
                let joins =
                    |d: Option<char>| d.is_some_and(|d| d.is_ascii_alphanumeric() || d == '_');
                if after.starts_with('>') {
                    (one, "-".to_string())
                } else if joins(text[..at].chars().next_back()) && joins(after.chars().next()) {
                    // `gp–practice`: a dash inside a name, which takes `_`.
                    (one, "_".to_string())
                } else {
                    (one, "->".to_string())
                }
            }
            LookAlike::Colon => (one, ":".to_string()),
            LookAlike::Comma => (one, ",".to_string()),
        }
    }
}

/// `gp-practice`: an identifier written with a hyphen, which the language
/// does not allow in one. `at` is the hyphen pest stopped at.
fn hyphen_in_identifier(text: &str, at: usize) -> Option<Diagnostic> {
    let rest = &text[at..];
    if !rest.starts_with('-') || rest.starts_with("->") {
        return None;
    }
    let (first_at, _) = word_before(&text[..at])?;
    if !text[first_at..at].starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    // The whole word: parts joined by single hyphens.
    let mut end = at;
    while text[end..].starts_with('-') && !text[end..].starts_with("->") {
        let part = text[end + 1..]
            .find(|c: char| !is_ident_char(c))
            .unwrap_or(text.len() - end - 1);
        if part == 0 {
            break;
        }
        end += 1 + part;
    }
    if end == at {
        return None;
    }
    let word = &text[first_at..end];
    let fixed = word.replace('-', "_");
    Some(
        Diagnostic::error(
            "syntax-error",
            Span::new(at, at + 1),
            format!("`{word}` is not an identifier: identifiers cannot contain `-`"),
        )
        .with_label("a hyphen cannot go in an identifier")
        .with_help(format!(
            "identifiers (node IDs, keys and kinds) use letters, digits and underscores only: write `{fixed}`"
        ))
        .with_suggestion(Span::new(first_at, end), fixed),
    )
}

/// `exit café:`: a letter outside ASCII inside an identifier, which the
/// grammar takes as the end of it ("expected `:`, found `é`").
fn letter_outside_ascii(text: &str, at: usize) -> Option<Diagnostic> {
    let c = text[at..].chars().next()?;
    if c.is_ascii() || !c.is_alphabetic() {
        return None;
    }
    let (first_at, _) = word_before(&text[..at])?;
    let end = at
        + text[at..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(text.len() - at);
    let word = &text[first_at..end];
    let fixed: String = word.chars().map(ascii_letter).collect();
    Some(
        Diagnostic::error(
            "syntax-error",
            Span::new(at, at + c.len_utf8()),
            format!("`{word}` is not an identifier: identifiers use ASCII letters only"),
        )
        .with_label(format!("`{c}` cannot go in an identifier"))
        .with_help(format!(
            "identifiers (node IDs, keys and kinds) use the letters a to z, digits and underscores: write `{fixed}`; the label in quotes can say `{word}`"
        ))
        .with_suggestion(Span::new(first_at, end), fixed),
    )
}

/// The ASCII letter an accented Latin letter is written with (`é` → `e`),
/// or `_` for any other character outside ASCII.
fn ascii_letter(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    const FOLDS: [(&str, char); 12] = [
        ("àáâãäåā", 'a'),
        ("ç", 'c'),
        ("èéêëē", 'e'),
        ("ìíîïī", 'i'),
        ("ñ", 'n'),
        ("òóôõöøō", 'o'),
        ("ùúûüū", 'u'),
        ("ýÿ", 'y'),
        ("ÀÁÂÃÄÅĀ", 'A'),
        ("ÈÉÊËĒ", 'E'),
        ("ÒÓÔÕÖØŌ", 'O'),
        ("ŵ", 'w'),
    ];
    FOLDS
        .iter()
        .find(|(from, _)| from.contains(c))
        .map_or('_', |&(_, to)| to)
}

/// Mistakes common enough to deserve their own message, recognised from the
/// text around the error rather than from pest's expectations (a whole-file
/// reparse and an item-by-item one expect different things at the same
/// place).
fn common_mistake(text: &str, start: usize, end: usize) -> Option<Diagnostic> {
    if let Some(diag) = word_after_count(text, start) {
        return Some(diag);
    }
    if let Some(diag) = comparison_mistake(text, start) {
        return Some(diag);
    }
    if let Some(diag) = criteria_in_words(text, start) {
        return Some(diag);
    }
    if let Some(diag) = misspelt_requires(text, start) {
        return Some(diag);
    }
    if let Some(diag) = arrow_mistake(text, start) {
        return Some(diag);
    }
    let rest = &text[start..];
    let before = text[..start].trim_end_matches([' ', '\t']);
    // `a -> b -> c`: the second arrow on a route's line.
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    if let Some(diag) = unit_after_value(text, line_start, start) {
        return Some(diag);
    }
    if rest.starts_with("->") && before.ends_with("->") {
        // `gp -> -> physio`: an arrow doubled, no step between.
        let extra = Span::new(before.len() - 2, start);
        return Some(
            Diagnostic::error(
                "syntax-error",
                Span::new(start, start + 2),
                "two `->` with no node between them",
            )
            .with_label("second `->`")
            .with_help(
                "remove one of the arrows, or name the node the route passes through between them",
            )
            .with_suggestion(extra, ""),
        );
    }
    if rest.starts_with("->") && text[line_start..start].contains("->") {
        let from = word_before(before).map_or("b", |(_, w)| w);
        let next = rest[2..].trim_start();
        let to = &next[..next.len() - next.trim_start_matches(is_ident_char).len()];
        let to = if to.is_empty() { "..." } else { to };
        return Some(
            Diagnostic::error(
                "syntax-error",
                Span::new(start, start + 2),
                "a route has one `->`; chains are written as separate routes",
            )
            .with_label("second `->`")
            .with_help(format!(
                "end this route at `{from}`, and add the next step as a route of its own on the next line: `{from} -> {to}`"
            )),
        );
    }
    // `kind: secondary, offers: [...]` or `owner: "x", version: 2`.
    if rest.starts_with(',')
        && before.ends_with(|c: char| is_ident_char(c) || matches!(c, '"' | ']' | '%'))
    {
        // Removed, or a space where nothing else would part the words.
        let gap = if rest[1..].starts_with(char::is_whitespace) {
            ""
        } else {
            " "
        };
        return Some(
            Diagnostic::error("syntax-error", Span::new(start, start + 1), "a comma cannot separate properties or fields")
                .with_label("remove this comma")
                .with_help("write properties and fields one after another, separated by spaces or line breaks: `kind: secondary  offers: [surgery]`")
                .with_suggestion(Span::new(start, start + 1), gap),
        );
    }
    if let Some(diag) = route_clause_colon(text, line_start, start) {
        return Some(diag);
    }
    if let Some(diag) = criteria_joined_by_words(text, line_start, start) {
        return Some(diag);
    }
    if let Some(diag) = label_in_route(text, start) {
        return Some(diag);
    }
    // `service 2ww: "..."` or `gp -> 2ww`: an ID that starts with a digit.
    let token = &text[start..end];
    // `Pathway "..." {` or `Service ortho: "..."`: a keyword in capitals,
    // opening its line.
    let lower = token.to_ascii_lowercase();
    if token != lower
        && text[line_start..start].trim().is_empty()
        && ["pathway", "entry", "service", "exit"].contains(&lower.as_str())
    {
        return Some(
            Diagnostic::error(
                "syntax-error",
                Span::new(start, end),
                format!("unknown keyword `{token}`"),
            )
            .with_label(format!("did you mean `{lower}`?"))
            .with_help("keywords are written in lower case; labels in quotes may use any case")
            .with_suggestion(Span::new(start, end), lower),
        );
    }
    if token.starts_with(|c: char| c.is_ascii_digit()) && token.chars().all(is_ident_char) {
        let keyword =
            word_before(before).is_some_and(|(_, w)| matches!(w, "entry" | "service" | "exit"));
        let clause = ["requires", "when"]
            .iter()
            .any(|w| text[line_start..start].contains(w));
        let routed = !clause
            && (before.ends_with("->")
                || before.ends_with(',') && text[line_start..start].contains("->")
                || text[end..].trim_start().starts_with("->"));
        if keyword || routed {
            return Some(
                Diagnostic::error(
                    "syntax-error",
                    Span::new(start, end),
                    format!("an ID cannot start with a digit: `{token}`"),
                )
                .with_label("starts with a digit")
                .with_help(format!(
                    "IDs start with a letter or `_`; put a word in front, as in `clinic_{token}`, and use the same ID in the routes (the label in quotes can say anything)"
                ))
                .with_suggestion(Span::new(start, end), format!("clinic_{token}")),
            );
        }
    }
    if let Some(diag) = newcomer_slip(text, line_start, start, before) {
        return Some(diag);
    }
    // `servce ortho: "..."`: a misspelt node keyword before a node ID, or
    // another word for one (`node ortho: "..."`).
    if !token.is_empty()
        && token.chars().all(is_ident_char)
        && text[end..].trim_start().starts_with(':')
    {
        if let Some((at, word)) = word_before(before) {
            let keyword = crate::diagnostic::suggest(word, ["entry", "service", "exit"])
                .or_else(|| keyword_meant(word).filter(|_| text[line_start..at].trim().is_empty()));
            if let Some(keyword) = keyword {
                return Some(
                    Diagnostic::error("syntax-error", Span::new(at, at + word.len()), format!("unknown keyword `{word}`"))
                        .with_label(format!("did you mean `{keyword}`?"))
                        .with_help(format!("nodes are declared with `entry`, `service` or `exit`, then an ID, a colon and a label: `{keyword} {token}: \"...\"`"))
                        .with_suggestion(Span::new(at, at + word.len()), keyword),
                );
            }
        }
    }
    None
}

/// `"GP practice" -> physio`: a route naming a node by its label. Routes
/// name nodes by ID; the fix is the ID of the node with that label, when
/// one is declared with it.
fn label_in_route(text: &str, start: usize) -> Option<Diagnostic> {
    let rest = text[start..].strip_prefix('"')?;
    let close = rest.find(['"', '\n'])?;
    if !rest[close..].starts_with('"') {
        return None;
    }
    let label = &rest[..close];
    // An escaped quote inside: the label's end is not known here.
    if label.ends_with('\\') {
        return None;
    }
    let after = rest[close + 1..].trim_start_matches([' ', '\t']);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..start].trim();
    let routed = after.starts_with("->")
        || before.ends_with("->")
        || (before.ends_with(',') && before.contains("->"));
    if !routed {
        return None;
    }
    let span = Span::new(start, start + close + 2);
    // `service gp: "GP practice"` declares the ID of that label.
    let declared = format!(": \"{label}\"");
    let id = text.match_indices(&declared).find_map(|(at, _)| {
        // The declaration's own line: `service gp` and nothing else before.
        let line = &text[text[..at].rfind('\n').map_or(0, |i| i + 1)..at];
        let mut words = line.split_whitespace();
        let (Some(keyword), Some(id), None) = (words.next(), words.next(), words.next()) else {
            return None;
        };
        (["entry", "service", "exit"].contains(&keyword) && id.chars().all(is_ident_char))
            .then_some(id)
    });
    let diag = Diagnostic::error(
        "syntax-error",
        span,
        "a route names nodes by their ID, not their label",
    )
    .with_label("a label");
    Some(match id {
        Some(id) => diag
            .with_help(format!(
                "write the ID given before the label where the node is declared: `{id}`"
            ))
            .with_suggestion(span, id),
        None => diag.with_help(
            "write the ID given before the label where the node is declared (`service physio: \"Physiotherapy\"` is routed as `physio`)",
        ),
    })
}

/// The node keyword meant by another word for a node (`node`, `step`,
/// `start`, `end_point`), written where the keyword goes.
fn keyword_meant(word: &str) -> Option<&'static str> {
    // Only words that name a node and nothing else: `start date:` or
    // `referral route:` are fields written in two words.
    match word.to_ascii_lowercase().as_str() {
        "node" | "step" | "box" | "task" => Some("service"),
        "entry_point" | "entrypoint" | "start_point" | "startpoint" => Some("entry"),
        "end_point" | "endpoint" | "exit_point" => Some("exit"),
        _ => None,
    }
}

/// Slips newcomers make that pest words in its own terms: a `;` between
/// items, a label in single quotes, a route's `when` reason not in
/// quotes, and criteria under a key other than `requires`.
fn newcomer_slip(text: &str, line_start: usize, start: usize, before: &str) -> Option<Diagnostic> {
    let rest = &text[start..];
    let line_end = rest.find('\n').map_or(text.len(), |n| start + n);
    let line = &text[line_start..line_end];
    if let Some(after) = rest.strip_prefix(';') {
        // In a list or among criteria a comma parts the items; elsewhere a
        // space, unless one is there already.
        let so_far = &text[line_start..start];
        let in_list = so_far.matches('[').count() > so_far.matches(']').count();
        let criteria = so_far.contains("requires")
            && !so_far
                .rsplit("requires")
                .next()
                .is_some_and(|c| c.contains(['{', '}']));
        let (parting, label) = if in_list || criteria {
            (",", "write a comma here")
        } else if after.starts_with(char::is_whitespace) || after.is_empty() {
            ("", "remove this semicolon")
        } else {
            (" ", "remove this semicolon")
        };
        return Some(
            Diagnostic::error("syntax-error", Span::new(start, start + 1), "pathways do not use `;`")
                .with_label(label)
                .with_help("write properties, fields and routes one after another, separated by spaces or line breaks (`kind: secondary  offers: [surgery]`); list items and criteria are parted by commas")
                .with_suggestion(Span::new(start, start + 1), parting),
        );
    }
    if rest.starts_with('\'') {
        // An ID is never quoted: the usual message says what goes there.
        let id_place = word_before(before)
            .is_some_and(|(_, w)| matches!(w, "entry" | "service" | "exit"))
            || before.ends_with("->");
        if id_place {
            return None;
        }
        // The closing quote ends a word, so an apostrophe inside the label
        // (`'Children's physio'`) stays in it.
        let code = &rest[1..line_end - start];
        let close = code
            .char_indices()
            .find(|&(i, c)| c == '\'' && !code[i + 1..].starts_with(|n: char| n.is_alphanumeric()))
            .map(|(i, _)| start + 1 + i);
        let diag = Diagnostic::error(
            "syntax-error",
            Span::new(start, start + 1),
            "strings are written between double quotes",
        )
        .with_label("a single quote")
        .with_help("write the label between straight double quotes: `\"Orthopaedics\"`");
        return Some(match close {
            Some(close) => {
                let inner = &text[start + 1..close];
                if inner.contains(['"', '\\', '#']) {
                    diag
                } else {
                    diag.with_suggestion(Span::new(start, close + 1), format!("\"{inner}\""))
                }
            }
            None => diag,
        });
    }
    // `discharge after two`: a count in words.
    if before.ends_with("after") {
        let word = &rest[..rest.len() - rest.trim_start_matches(is_ident_char).len()];
        const COUNTS: [&str; 10] = [
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        ];
        if let Some(n) = COUNTS.iter().position(|c| word.eq_ignore_ascii_case(c)) {
            let digits = (n + 1).to_string();
            return Some(
                Diagnostic::error(
                    "syntax-error",
                    Span::new(start, start + word.len()),
                    format!("`after` takes a number in digits: `after {digits}`"),
                )
                .with_label("a number in words")
                .with_help(format!(
                    "write `after {digits}`: it counts missed appointments, in digits"
                ))
                .with_suggestion(Span::new(start, start + word.len()), digits),
            );
        }
    }
    // `a -> b when red flags`: the reason is text, so it is quoted.
    if before.ends_with("when")
        && line.contains("->")
        && rest.starts_with(|c: char| c.is_alphanumeric())
    {
        // The reason runs to the next part of the route, not to the end of
        // the line; a comparison is a criterion, which `requires` takes.
        let code = &line[start - line_start..];
        let cut = [" requires", "->", ",", "}", "#"]
            .iter()
            .filter_map(|d| code.find(d))
            .min()
            .unwrap_or(code.len());
        let reason = code[..cut].trim_end();
        if reason.is_empty() || reason.contains(['<', '>', '=', '!', '"', '\'', ':']) {
            return None;
        }
        return Some(
            Diagnostic::error("syntax-error", Span::new(start, start + reason.len()), "the reason after `when` is written in quotes")
                .with_label("not in quotes")
                .with_help(format!("write `when \"{reason}\"`: the reason is words for people to read, so it goes between double quotes"))
                .with_suggestion(Span::new(start, start + reason.len()), format!("\"{reason}\"")),
        );
    }
    // `eligibility: bmi < 35` in a node: criteria under another key.
    if rest.starts_with(['<', '>', '=', '!']) {
        let (attribute_at, attribute) = word_before(before)?;
        let colon = before[..attribute_at].trim_end().strip_suffix(':')?;
        let (key_at, key) = word_before(colon.trim_end())?;
        // Only a key that names who may come in: `exclude:` or `capacity:`
        // would mean something else under `requires`.
        let lower = key.to_ascii_lowercase();
        let entry_rule = [
            "eligib",
            "criteri",
            "require",
            "condition",
            "threshold",
            "inclusion",
            "accept",
            "entry_rule",
            "access",
        ];
        if lower == "requires" || !entry_rule.iter().any(|w| lower.contains(w)) {
            return None;
        }
        return Some(
            Diagnostic::error("syntax-error", Span::new(key_at, key_at + key.len()), format!("criteria are written after `requires:`, not `{key}:`"))
                .with_label("criteria under another name")
                .with_help(format!("write `requires: {attribute} ...`: only `requires` takes criteria such as `bmi < 40`, and the rules read them there"))
                .with_suggestion(Span::new(key_at, key_at + key.len()), "requires"),
        );
    }
    None
}

/// `dna_policy:` or `gp ->` at the end of a line, where the next line
/// starts another item or property (the grammar refuses to take it as the
/// value): the value is missing, whatever pest expected. pest stops where
/// the value would start, or on the next line at the `:` or `->` that
/// showed it to be an item.
///
/// Only an item read from before that line (`from`) can be missing its
/// value there: one read from the line's start is another item, and the
/// `->` ending the line above belongs to an item already reported.
fn missing_value(text: &str, from: usize, at: usize) -> Option<Diagnostic> {
    let found = skip_trivia(text, at);
    let line = text[..found].rfind('\n').map_or(0, |n| n + 1);
    let next_at = blanks(text.as_bytes(), line);
    if next_at > found
        || from >= next_at
        || text[next_at..found].contains([':', '>'])
        || !matches!(
            line_kind(text, next_at),
            LineKind::Head | LineKind::Node | LineKind::Route | LineKind::KeyValue
        )
    {
        return None;
    }
    let before = text[..next_at].trim_end();
    let next = &text[next_at..token_end(text, next_at)];
    if let Some(head) = before.strip_suffix(':') {
        let (k, key) = word_before(head.trim_end())?;
        return Some(
            Diagnostic::error("syntax-error", Span::new(k, before.len()), format!("`{key}:` has no value"))
                .with_label("nothing follows the colon")
                .with_help(format!(
                    "write `{key}`'s value after the colon, or delete `{key}:`: the next line starts another item (`{next} …`), so it is not read as the value"
                )),
        );
    }
    if before.ends_with("->") {
        let arrow = before.len() - 2;
        return Some(
            Diagnostic::error("syntax-error", Span::new(arrow, before.len()), "this route has no target")
                .with_label("nothing follows `->`")
                .with_help(format!(
                    "name the node the route leads to after `->`, or delete the route: the next line starts another item (`{next} …`), so it is not read as the target"
                )),
        );
    }
    None
}

/// `on_dna: discharge after 2 DNAs`: a word after `after N`, which pest
/// reads as the key of the next property and then misses its colon.
fn word_after_count(text: &str, start: usize) -> Option<Diagnostic> {
    let before = text[..start].trim_end();
    let (w, word) = word_before(before)?;
    let head = text[..w].trim_end();
    let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || w == head.len() {
        return None;
    }
    let count = &head[head.len() - digits..];
    let (_, after) = word_before(head[..head.len() - digits].trim_end())?;
    if after != "after" || word.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(
        Diagnostic::error("syntax-error", Span::new(w, w + word.len()), format!("`after {count}` is followed by `{word}`"))
            .with_label("not part of the DNA policy")
            .with_help(format!(
                "`after` takes a number alone: it counts missed appointments, so write `after {count}` with no word after it"
            ))
            .with_suggestion(Span::new(head.len(), w + word.len()), ""),
    )
}

/// `requires: symptom_weeks >= 6 weeks` or `bmi < 40 kg`: a unit after a
/// criterion's number, on the line of the error or, when the error is at
/// the start of a line, the line before (where `requires:` ended).
fn unit_after_value(text: &str, line_start: usize, start: usize) -> Option<Diagnostic> {
    if line_start > 0 && text[line_start..start].trim().is_empty() {
        let previous = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        if let Some(diag) = unit_on_line(text, previous) {
            return Some(diag);
        }
    }
    unit_on_line(text, line_start)
}

fn unit_on_line(text: &str, line_start: usize) -> Option<Diagnostic> {
    const UNITS: [&str; 16] = [
        "weeks",
        "week",
        "wks",
        "months",
        "month",
        "days",
        "day",
        "years",
        "year",
        "kg",
        "kgs",
        "kg/m2",
        "kg/m²",
        "points",
        "cigarettes",
        "stone",
    ];
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let code = line.split('#').next().unwrap_or("");
    // The first `requires` outside a string: a one-line node's label
    // comes before it (`service s: "S" { requires: ... }`).
    let from = code
        .match_indices("requires")
        .map(|(at, _)| at)
        .find(|&at| {
            code[..at]
                .replace("\\\\", "")
                .replace("\\\"", "")
                .matches('"')
                .count()
                .is_multiple_of(2)
        })?;
    // Criteria hold no strings: a number in a later label is not one.
    let code = &code[..code[from..].find('"').map_or(code.len(), |q| from + q)];
    let b = code.as_bytes();
    let mut i = from;
    while i < b.len() {
        if !b[i].is_ascii_digit()
            || (i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            i += 1;
            continue;
        }
        let number_end = i + code[i..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(code.len() - i);
        let gap = code[number_end..].len() - code[number_end..].trim_start().len();
        let unit_start = number_end + gap;
        let unit_len = code[unit_start..]
            .find(|c: char| c.is_whitespace() || c == ',' || c == '}')
            .unwrap_or(code.len() - unit_start);
        let unit = &code[unit_start..unit_start + unit_len];
        let at = line_start + unit_start;
        if unit_len > 0 && UNITS.iter().any(|u| unit.eq_ignore_ascii_case(u)) {
            let span = Span::new(line_start + number_end, at + unit_len);
            return Some(
                Diagnostic::error(
                    "syntax-error",
                    Span::new(at, at + unit_len),
                    format!("a criterion's value is a bare number; `{unit}` cannot follow it"),
                )
                .with_label("remove the unit")
                .with_help(
                    "the attribute's name says the unit (`symptom_weeks >= 6`, `bmi < 40`); for another unit, use a name that says it, such as `symptom_months >= 3`",
                )
                .with_suggestion(span, ""),
            );
        }
        i = number_end.max(i + 1);
    }
    None
}

/// `a -> b requires: bmi < 40`: a route's clause written with a node
/// property's colon, on the line of the error and before it, outside
/// strings and comments. (`when:` with a string parses, as a field, and is
/// caught in validation; `requires:` with criteria does not parse.)
fn route_clause_colon(text: &str, line_start: usize, start: usize) -> Option<Diagnostic> {
    let line = &text[line_start..start];
    let arrow = line.find("->")?;
    if line[..arrow].contains(['"', '#']) {
        return None;
    }
    let after = &line[arrow..];
    for keyword in ["requires", "when"] {
        let written = format!("{keyword}:");
        let Some(i) = after.find(&written) else {
            continue;
        };
        let before = &after[..i];
        if before.contains('#')
            || before.matches('"').count() % 2 == 1
            || !before.ends_with([' ', '\t'])
        {
            continue;
        }
        let colon = line_start + arrow + i + keyword.len();
        let span = Span::new(colon, colon + 1);
        return Some(
            Diagnostic::error(
                "syntax-error",
                span,
                format!("`{keyword}` on a route is written without a colon"),
            )
            .with_label("remove this colon")
            .with_help(format!(
                "on a route the clause follows the nodes directly: `a -> b {keyword} ...`; \
                 `{keyword}:` with a colon is how a node writes it, inside the node's `{{ ... }}`"
            ))
            .with_suggestion(span, ""),
        );
    }
    None
}

/// `requires: bmi < 35 and smoker == false`: criteria joined or negated
/// with words the language does not have (`and`, `or`, `not`, `in`,
/// `between`, `&&`, `||`, `!`), found on the line of the error, after
/// `requires` and at or before the error, outside strings and comments.
fn criteria_joined_by_words(text: &str, line_start: usize, start: usize) -> Option<Diagnostic> {
    if let Some(diag) = connective_in_criteria(text, line_start, start) {
        return Some(diag);
    }
    // A node's `requires: not smoking` fails only at the next line's `}`.
    if line_start > 0 && text[line_start..start].trim().is_empty() {
        let previous = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        return connective_in_criteria(text, previous, line_start - 1);
    }
    None
}

fn connective_in_criteria(text: &str, line_start: usize, start: usize) -> Option<Diagnostic> {
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let b = line.as_bytes();
    // One pass from the line's start, so a `requires` or an `and` inside a
    // label ("Surgery (requires referral)") or a comment is never taken
    // for the keyword or the connective.
    let (mut criteria, mut colon) = (false, true);
    for (i, len) in code_tokens(line, start + 1 - line_start) {
        let c = b[i];
        match c {
            b'&' | b'|' if criteria && b.get(i + 1) == Some(&c) => {
                return Some(joined(text, line_start + i, &line[i..i + 2], colon));
            }
            b'!' if criteria && b.get(i + 1) != Some(&b'=') => {
                return Some(joined(text, line_start + i, "!", colon));
            }
            c if is_ident_char(c as char) => {
                let word = &line[i..i + len];
                if word == "requires" {
                    criteria = true;
                    colon = line[i + len..].trim_start().starts_with(':');
                } else if criteria
                    && ["and", "or", "not", "in", "between"]
                        .contains(&word.to_ascii_lowercase().as_str())
                {
                    return Some(joined(text, line_start + i, word, colon));
                }
            }
            _ => {}
        }
    }
    None
}

/// The tokens of `line` that start before byte `end` and lie outside its
/// strings and its comment, as (start, length): a whole identifier at a
/// time, any other byte alone.
fn code_tokens(line: &str, end: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = line.as_bytes();
    let (mut i, mut quoted) = (0, false);
    std::iter::from_fn(move || {
        while i < b.len() && i < end {
            let c = b[i];
            if quoted {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    quoted = false;
                }
                i += 1;
                continue;
            }
            match c {
                b'"' => quoted = true,
                b'#' => return None,
                c if is_ident_char(c as char) => {
                    let len = b[i..]
                        .iter()
                        .take_while(|&&c| is_ident_char(c as char))
                        .count();
                    let at = i;
                    i += len;
                    return Some((at, len));
                }
                _ => {
                    let at = i;
                    i += 1;
                    return Some((at, 1));
                }
            }
            i += 1;
        }
        None
    })
}

/// A comparison written the other way round: `=>` or `=<` for `>=` or
/// `<=`, or the number before the attribute (`40 > bmi`), which the
/// language does not read.
fn comparison_mistake(text: &str, start: usize) -> Option<Diagnostic> {
    let rest = &text[start..];
    let before = &text[..start];
    // `bmi => 40`: pest stops at the `>` after a lone `=`.
    if rest.starts_with(['>', '<']) && before.ends_with('=') {
        let eq = before.len() - 1;
        if !before[..eq].ends_with(['<', '>', '=', '!']) {
            let turned = if rest.starts_with('>') { ">=" } else { "<=" };
            let written = &text[eq..start + 1];
            return Some(
                Diagnostic::error(
                    "syntax-error",
                    Span::new(eq, start + 1),
                    format!("`{written}` is written `{turned}`"),
                )
                .with_label(format!("write `{turned}`"))
                .with_help(format!(
                    "comparisons are written with `=` last: `<=`, `>=`, `==` and `!=`, as in `bmi {turned} 40`"
                ))
                .with_suggestion(Span::new(eq, start + 1), turned.to_string()),
            );
        }
    }
    // `40 > bmi`: a number where the attribute goes, then a comparison.
    // pest stops at the comparison, or at the number after a comma.
    let ops = ["<=", ">=", "==", "!=", "<", ">"];
    let number_len = rest.len()
        - rest
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
            .len();
    if number_len > 0 {
        let after = &rest[number_len..];
        let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
        if ops.iter().any(|o| after[gap..].starts_with(o)) {
            return comparison_mistake(text, start + number_len + gap);
        }
        return None;
    }
    let op = ops.iter().find(|o| rest.starts_with(**o))?;
    let left = before.trim_end_matches([' ', '\t']);
    let digits = left.len()
        - left
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
            .len();
    if digits == 0 {
        return None;
    }
    let number_at = left.len() - digits;
    // The end of a node ID (`n1 > n2`) is no number.
    if left[..number_at].ends_with(is_ident_char) {
        return None;
    }
    let ahead = &rest[op.len()..];
    let gap = ahead.len() - ahead.trim_start_matches([' ', '\t']).len();
    let name_len = ahead[gap..].len() - ahead[gap..].trim_start_matches(is_ident_char).len();
    let name = &ahead[gap..gap + name_len];
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let flipped = match *op {
        "<" => ">",
        ">" => "<",
        "<=" => ">=",
        ">=" => "<=",
        other => other,
    };
    let number = &left[number_at..];
    let end = start + op.len() + gap + name_len;
    let fixed = format!("{name} {flipped} {number}");
    Some(
        Diagnostic::error(
            "syntax-error",
            Span::new(number_at, end),
            format!("a criterion starts with the attribute: write `{fixed}`"),
        )
        .with_label("the number comes last")
        .with_help(format!(
            "`{}` reads as `{fixed}`: the attribute, the comparison, then the value",
            &text[number_at..end]
        ))
        .with_suggestion(Span::new(number_at, end), fixed),
    )
}

/// Comparisons written in words, and the sign each stands for.
const WORDED: &[(&str, &str)] = &[
    ("is less than", "<"),
    ("less than", "<"),
    ("lower than", "<"),
    ("fewer than", "<"),
    ("under", "<"),
    ("below", "<"),
    ("is more than", ">"),
    ("more than", ">"),
    ("greater than", ">"),
    ("higher than", ">"),
    ("over", ">"),
    ("above", ">"),
    ("at least", ">="),
    ("at most", "<="),
    ("no more than", "<="),
    ("is not", "!="),
    ("is equal to", "=="),
    ("equals", "=="),
    ("is", "=="),
    ("=", "=="),
];

/// Criteria on a line after `requires` that a newcomer wrote in words
/// (`requires: BMI under 40`, `smoker is false`), wrote without the comma
/// between two (`bmi<40 smoker==false`), or put under a key that is
/// nearly `requires` (`Requires:`, `require:`). pest stops somewhere
/// after the mistake (at `40`, at `=`), so the whole line is read.
fn criteria_in_words(text: &str, start: usize) -> Option<Diagnostic> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    let lower = line.to_ascii_lowercase();
    // The key: `requires` as written, or a near miss of it before `:`.
    let (key_at, key) = ["requires", "require", "requirements", "requirement"]
        .iter()
        .filter_map(|k| {
            let at = lower.find(k)?;
            let before_ok = !line[..at].ends_with(is_ident_char);
            let after_ok = !line[at + k.len()..].starts_with(is_ident_char);
            (before_ok && after_ok).then_some((at, *k))
        })
        .min_by_key(|&(at, _)| at)?;
    let written = &line[key_at..key_at + key.len()];
    let mut after = key_at + key.len();
    let colon = line[after..]
        .trim_start_matches([' ', '\t'])
        .starts_with(':');
    if line_start + key_at > start {
        return None;
    }
    if written != "requires" {
        if !colon {
            return None;
        }
        let span = Span::new(line_start + key_at, line_start + key_at + key.len());
        return Some(
            Diagnostic::error(
                "syntax-error",
                span,
                format!("`{written}` is written `requires`"),
            )
            .with_label("write `requires`")
            .with_help("a node's criteria follow `requires:`, in lower case: `requires: bmi < 40`")
            .with_suggestion(span, "requires".to_string()),
        );
    }
    if colon {
        after += line[after..].find(':')? + 1;
    }
    // The criteria run to the end of the line, a `}` or a `when`.
    let rest = &line[after..];
    let stop = rest.find(['}', '{']).unwrap_or(rest.len());
    let mut at = after;
    for part in rest[..stop].split(',') {
        let here = at;
        at += part.len() + 1;
        let body = part.trim_start_matches([' ', '\t']);
        let body_at = line_start + here + (part.len() - body.len());
        let name_len = body.len() - body.trim_start_matches(is_ident_char).len();
        if name_len == 0 {
            continue;
        }
        let after_name = &body[name_len..];
        let gap = after_name.len() - after_name.trim_start_matches([' ', '\t']).len();
        let words = &after_name[gap..];
        let words_at = body_at + name_len + gap;
        let lowered = words.to_ascii_lowercase();
        // `bmi<40 smoker==false`: a second criterion with no comma.
        let ops = ["<=", ">=", "==", "!=", "<", ">"];
        if let Some(op) = ops.iter().find(|o| words.starts_with(**o)) {
            let value = words[op.len()..].trim_start_matches([' ', '\t']);
            let value_len = value.len()
                - value
                    .trim_start_matches(|c: char| is_ident_char(c) || c == '.' || c == '"')
                    .len();
            let value_end = words_at + (words.len() - value.len()) + value_len;
            let next = text[value_end..].trim_start_matches([' ', '\t']);
            let next_at = value_end + (text[value_end..].len() - next.len());
            let next_name = next.len() - next.trim_start_matches(is_ident_char).len();
            let then = next[next_name..].trim_start_matches([' ', '\t']);
            if value_len > 0
                && next_at > value_end
                && next_name > 0
                && ops.iter().any(|o| then.starts_with(o))
                && next_at <= start
            {
                return Some(
                    Diagnostic::error(
                        "syntax-error",
                        Span::new(next_at, next_at + next_name),
                        "two criteria with no comma between them",
                    )
                    .with_label("a comma goes before this criterion")
                    .with_help("criteria after `requires` are separated by commas: `requires: bmi < 40, smoking == false`")
                    .with_suggestion(Span::new(value_end, value_end), ",".to_string()),
                );
            }
            continue;
        }
        let Some((phrase, sign)) = WORDED.iter().find(|(w, _)| {
            lowered.starts_with(w)
                && !lowered[w.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
        }) else {
            continue;
        };
        // Only where a value follows the words.
        let value = words[phrase.len()..].trim_start_matches([' ', '\t']);
        if value.is_empty()
            || !value.starts_with(|c: char| is_ident_char(c) || c == '"')
            || words_at > start
        {
            continue;
        }
        let name = &body[..name_len];
        let span = Span::new(words_at, words_at + phrase.len());
        let example = format!(
            "{} {sign} {}",
            name.to_ascii_lowercase(),
            value
                .split_whitespace()
                .next()
                .unwrap_or("40")
                .trim_end_matches(['}', ','])
        );
        return Some(
            Diagnostic::error(
                "syntax-error",
                span,
                format!("a criterion compares with a sign, not the words `{}`", &words[..phrase.len()]),
            )
            .with_label(format!("write `{sign}`"))
            .with_help(format!(
                "write the attribute, a sign (`<`, `<=`, `>`, `>=`, `==` or `!=`), then the value: `{example}`"
            ))
            .with_suggestion(span, sign.to_string()),
        );
    }
    None
}

/// `requires` misspelt before criteria (`requirs: bmi < 40` in a node,
/// `gp -> ortho requries bmi < 40` on a route), or another form of it on a
/// route (`require`, `Requires`). pest reads the word as a property's key
/// or the start of another item and stops later, at the comparison or the
/// attribute, so the line is read back to the word. Only a word a slip or
/// two from `requires` counts, and only where a criterion follows it.
fn misspelt_requires(text: &str, start: usize) -> Option<Diagnostic> {
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    code_tokens(line, start - line_start)
        .filter(|&(i, _)| is_ident_char(line.as_bytes()[i] as char))
        .find_map(|(i, len)| requires_slip(line_start, line, i, len, start))
}

/// The error for the word at `at..at + len` of `line` if it is `requires`
/// misspelt (see [`misspelt_requires`]).
fn requires_slip(
    line_start: usize,
    line: &str,
    at: usize,
    len: usize,
    start: usize,
) -> Option<Diagnostic> {
    let written = &line[at..at + len];
    let lower = written.to_ascii_lowercase();
    let near = lower != "requires"
        && lower.len() >= 6
        && strsim::damerau_levenshtein(&lower, "requires") <= 2;
    // Other forms `criteria_in_words` names with a colon; on a route,
    // with none, they come here.
    let form = ["requires", "require", "requirement", "requirements"].contains(&lower.as_str())
        && written != "requires";
    if !near && !form {
        return None;
    }
    let before = line[..at].trim_end_matches([' ', '\t']);
    // On a route: after the node the route leads to.
    let route = before.contains("->") && before.ends_with(is_ident_char);
    let after = &line[at + len..];
    let gap = after.len() - after.trim_start_matches([' ', '\t']).len();
    let colon = after[gap..].starts_with(':');
    // A node's key takes its colon; a route's clause has none, but one
    // written with it is still a slip of the word.
    if !route && !colon {
        return None;
    }
    if form && !route {
        return None;
    }
    let rest = if colon {
        &after[gap + 1..]
    } else {
        &after[gap..]
    };
    let rest = rest.trim_start_matches([' ', '\t']);
    let name = rest.len() - rest.trim_start_matches(is_ident_char).len();
    let then = rest[name..].trim_start_matches([' ', '\t']);
    // A sign, or a comparison in words (`bmi under 40`).
    let lowered = then.to_ascii_lowercase();
    let worded = WORDED.iter().any(|(w, _)| {
        lowered.starts_with(w)
            && !lowered[w.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
    });
    if name == 0 || !(then.starts_with(['<', '>', '=', '!']) || worded) {
        return None;
    }
    let word_at = line_start + at;
    // The criterion pest stopped in must come after the word.
    if word_at + len > start {
        return None;
    }
    let span = Span::new(word_at, word_at + len);
    let (fix_span, help) = if route {
        let end = if colon {
            word_at + len + gap + 1
        } else {
            word_at + len
        };
        (
            Span::new(word_at, end),
            "a route's criteria follow `requires`, in lower case and without a colon: `gp -> ortho requires bmi < 40`",
        )
    } else {
        (
            span,
            "a node's criteria follow `requires:`, in lower case: `requires: bmi < 40`",
        )
    };
    let message = if form {
        format!("`{written}` is written `requires`")
    } else {
        format!("unknown word `{written}`: did you mean `requires`?")
    };
    Some(
        Diagnostic::error("syntax-error", span, message)
            .with_label("did you mean `requires`?")
            .with_help(help)
            .with_suggestion(fix_span, "requires".to_string()),
    )
}

/// A route drawn with another arrow (`gp => physio`, `gp --> physio`,
/// `gp > physio`), after node IDs and before one.
fn arrow_mistake(text: &str, start: usize) -> Option<Diagnostic> {
    const WRONG: &[&str] = &["--->", "-->", "==>", "=>", "->>", "- >", ">"];
    let rest = &text[start..];
    let wrong = WRONG.iter().find(|w| rest.starts_with(**w))?;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let from = text[line_start..start].trim();
    let ids = !from.is_empty()
        && from
            .chars()
            .all(|c| is_ident_char(c) || matches!(c, ',' | ' ' | '\t'));
    let after = rest[wrong.len()..].trim_start_matches([' ', '\t']);
    // A node ID starts with a letter or `_`; `age > 18` is a criterion.
    if !ids || !after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let span = Span::new(start, start + wrong.len());
    Some(
        Diagnostic::error(
            "syntax-error",
            span,
            format!("a route's arrow is `->`, not `{wrong}`"),
        )
        .with_label("write `->`")
        .with_help("routes are written with a hyphen and `>`: `gp -> physio`")
        .with_suggestion(span, "->".to_string()),
    )
}

/// The error for a connective word in criteria, by what it tried to say.
/// `text` is the whole file: an `and` becomes a comma in place of the
/// blanks before it and the word.
fn joined(text: &str, at: usize, word: &str, colon: bool) -> Diagnostic {
    let span = Span::new(at, at + word.len());
    // The examples follow the form in hand: `requires:` in a node,
    // `requires` on a route.
    let requires = if colon { "requires:" } else { "requires" };
    let blanks = text[..at].len() - text[..at].trim_end_matches([' ', '\t']).len();
    let comma = Span::new(at - blanks, at + word.len());
    match word.to_ascii_lowercase().as_str() {
        "and" | "&&" => Diagnostic::error(
            "syntax-error",
            span,
            format!("criteria are joined with commas, not `{word}`"),
        )
        .with_label("write a comma here")
        .with_help(format!("every criterion after `requires` must hold, so a comma is all that joins them: `{requires} bmi < 40, smoking == false`"))
        .with_suggestion(comma, ","),
        "or" | "||" => Diagnostic::error(
            "syntax-error",
            span,
            format!("criteria cannot be joined with `{word}`"),
        )
        .with_label("the language has no `or`")
        .with_help("every criterion after `requires` must hold; to describe either of two ways in, write two routes to the node, each with its own `requires`"),
        "in" | "between" => Diagnostic::error(
            "syntax-error",
            span,
            format!("a criterion compares with one value; `{word}` is not an operator"),
        )
        .with_label("write the range as two criteria")
        .with_help(format!("write a range as two comparisons joined by a comma: `{requires} age >= 18, age <= 65`")),
        _ => Diagnostic::error(
            "syntax-error",
            span,
            format!("a criterion cannot be negated with `{word}`"),
        )
        .with_label("write a comparison instead")
        .with_help("compare the attribute with a value: `smoking == false` or `smoking != true`"),
    }
}

/// The identifier `s` ends with, and where it starts.
fn word_before(s: &str) -> Option<(usize, &str)> {
    let w = s.len() - s.trim_end_matches(is_ident_char).len();
    (w > 0).then(|| (s.len() - w, &s[s.len() - w..]))
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// pest reports a bad string at its opening quote; say what is wrong inside.
fn string_problem(text: &str, start: usize) -> Option<Diagnostic> {
    let rest = text.get(start..)?;
    if !rest.starts_with('"') {
        return None;
    }
    let mut chars = rest.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\\' => match chars.next() {
                Some((_, '"' | '\\' | 'n' | 't')) => {}
                Some((j, other)) if other != '\n' => {
                    let span = Span::new(start + i, start + j + other.len_utf8());
                    return Some(
                        Diagnostic::error("syntax-error", span, format!("unknown escape `\\{other}` in string"))
                            .with_label("unknown escape")
                            .with_help("strings know `\\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash"),
                    );
                }
                Some((j, _)) => {
                    // A backslash just before the line break.
                    let end = start + j;
                    let end = if text[..end].ends_with('\r') {
                        end - 1
                    } else {
                        end
                    };
                    return Some(unclosed(start, end));
                }
                None => break,
            },
            '\n' => {
                let end = start + i;
                let end = if text[..end].ends_with('\r') {
                    end - 1
                } else {
                    end
                };
                return Some(unclosed(start, end));
            }
            _ => {}
        }
    }
    Some(unclosed(start, text.len()))
}

/// The innermost `{` left open at the end of the file, skipping strings and
/// comments.
fn unclosed_brace(text: &str) -> Option<usize> {
    let mut open = Vec::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' => open.push(i),
            '}' => {
                open.pop();
            }
            '#' => {
                chars.by_ref().find(|&(_, c)| c == '\n');
            }
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    open.pop()
}

fn unclosed(start: usize, end: usize) -> Diagnostic {
    Diagnostic::error(
        "syntax-error",
        Span::new(start, end),
        "this string is not closed",
    )
    .with_label("no closing `\"` on this line")
    .with_help("strings end on the line they start: add the closing `\"`")
}

/// End of the token starting at `start`: up to the next whitespace or
/// punctuation, at least one character, at most one line.
fn token_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return start;
    };
    // A line break is one token however it is written, so an error at a
    // line's end has the same span with CRLF as with LF.
    if rest.starts_with("\r\n") {
        return start + 2;
    }
    if !(first.is_alphanumeric() || first == '_') {
        return start + first.len_utf8();
    }
    let len = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
        .map_or(rest.len(), |(i, _)| i);
    start + len.min(200)
}

fn describe_found(token: &str) -> String {
    match token.chars().next() {
        None => "end of file".to_string(),
        Some('\n') | Some('\r') => "end of line".to_string(),
        Some('\0') => "a NUL byte".to_string(),
        Some(c) if c.is_control() => format!("control character U+{:04X}", c as u32),
        Some(_) => format!("`{token}`"),
    }
}

fn expected_list(positives: &[Rule]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for rule in positives {
        let name = rule_name(*rule);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    match names.as_slice() {
        [] => "something else".to_string(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::file | Rule::pathway | Rule::kw_pathway => "`pathway`",
        Rule::colon => "`:`",
        Rule::comma => "`,`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::string | Rule::string_inner => "a quoted string",
        Rule::escape => "an escape (`\\\"`, `\\\\`, `\\n` or `\\t`)",
        Rule::ident | Rule::ident_list => "an identifier",
        Rule::node | Rule::node_keyword => "`entry`, `service` or `exit`",
        Rule::route | Rule::arrow => "`->`",
        Rule::field => "a field (`key: value`)",
        Rule::item => "a node, route or field",
        Rule::properties => "`{`",
        Rule::plain_property | Rule::requires_property | Rule::on_dna_property => {
            "a property (`key: value`)"
        }
        Rule::criteria | Rule::criterion => "a criterion such as `bmi < 40`",
        Rule::operator => "a comparison (`<`, `<=`, `>`, `>=`, `==` or `!=`)",
        Rule::dna_policy | Rule::dna_step => "a DNA action such as `contact`",
        Rule::list => "a list",
        Rule::number => "a number",
        Rule::percent => "a percentage",
        Rule::boolean => "`true` or `false`",
        Rule::when_clause | Rule::kw_when => "`when`",
        Rule::requires_clause | Rule::kw_requires => "`requires`",
        Rule::kw_on_dna => "`on_dna`",
        Rule::kw_then => "`then`",
        Rule::kw_after => "`after`",
        // Silent rules never appear in errors, but pest still lists them.
        _ => "more input",
    }
}

fn syntax_help(found: &str, variant: &ErrorVariant<Rule>) -> Option<&'static str> {
    let ErrorVariant::ParsingError { positives, .. } = variant else {
        return None;
    };
    if found == "[" && !positives.contains(&Rule::list) {
        return Some("a list cannot go here: lists are values of fields and properties, and hold plain values, not other lists");
    }
    if positives.as_slice() == [Rule::colon] {
        return Some(
            "fields and properties are written `key: value`, and nodes `service id: \"label\"`",
        );
    }
    if positives.contains(&Rule::EOI) && positives.len() == 1 {
        return Some("everything in a file belongs inside a `pathway \"name\" { ... }` block");
    }
    None
}

// ---- building the tree ----------------------------------------------------------

/// The meaningful children of a pair: punctuation pairs exist only for
/// error messages.
fn children<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| {
        !matches!(
            p.as_rule(),
            Rule::colon
                | Rule::comma
                | Rule::lbrace
                | Rule::rbrace
                | Rule::lbracket
                | Rule::rbracket
        )
    })
}

fn ident<'a>(pair: Pair<'a, Rule>, b: usize) -> Ident<'a> {
    Ident {
        name: pair.as_str(),
        span: at(&pair, b),
    }
}

fn string<'a>(pair: Pair<'a, Rule>, b: usize) -> Spanned<Cow<'a, str>> {
    let span = at(&pair, b);
    let raw = children(pair).next().map_or("", |p| p.as_str());
    Spanned::new(unescape(raw), span)
}

/// Borrows the source unless the string has escapes (most have none).
fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\\') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    Cow::Owned(out)
}

fn number(pair: &Pair<'_, Rule>) -> f64 {
    // The grammar only admits `-?digits(.digits)?`, which always parses;
    // overlong literals become infinity and are reported by the checker.
    pair.as_str().parse().unwrap_or(f64::NAN)
}

fn value<'a>(pair: Pair<'a, Rule>, b: usize) -> Value<'a> {
    let span = at(&pair, b);
    let kind = match pair.as_rule() {
        Rule::string => ValueKind::String(string(pair, b).value),
        Rule::number => ValueKind::Number(number(&pair)),
        Rule::percent => ValueKind::Percent(children(pair).next().map_or(f64::NAN, |n| number(&n))),
        Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
        Rule::list => ValueKind::List(children(pair).map(|x| value(x, b)).collect()),
        _ => ValueKind::Ident(pair.as_str()),
    };
    Value { kind, span }
}

fn build_field<'a>(pair: Pair<'a, Rule>, b: usize) -> Field<'a> {
    let span = at(&pair, b);
    let mut inner = children(pair);
    let (Some(key), Some(val)) = (inner.next(), inner.next()) else {
        unreachable!("grammar: field = ident ~ \":\" ~ value")
    };
    Field {
        key: ident(key, b),
        value: value(val, b),
        span,
    }
}

fn build_node<'a>(pair: Pair<'a, Rule>, b: usize) -> Node<'a> {
    let span = at(&pair, b);
    let mut inner = children(pair);
    let (Some(kw), Some(id), Some(label)) = (inner.next(), inner.next(), inner.next()) else {
        unreachable!("grammar: node = node_keyword ~ ident ~ \":\" ~ string ~ properties?")
    };
    let kind = match kw.as_str().trim() {
        "entry" => NodeKind::Entry,
        "exit" => NodeKind::Exit,
        _ => NodeKind::Service,
    };
    let properties = inner
        .next()
        .map(|props| children(props).map(|x| build_property(x, b)).collect())
        .unwrap_or_default();
    Node {
        kind,
        id: ident(id, b),
        label: string(label, b),
        properties,
        span,
    }
}

fn build_property<'a>(pair: Pair<'a, Rule>, b: usize) -> Property<'a> {
    let span = at(&pair, b);
    let rule = pair.as_rule();
    let mut inner = children(pair);
    let (Some(key), Some(val)) = (inner.next(), inner.next()) else {
        unreachable!("grammar: every property is key ~ \":\" ~ value")
    };
    let value = match rule {
        Rule::requires_property => PropertyValue::Criteria(criteria(val, b)),
        Rule::on_dna_property => PropertyValue::Dna(dna_policy(val, b)),
        _ => PropertyValue::Value(value(val, b)),
    };
    Property {
        key: ident(key, b),
        value,
        span,
    }
}

fn criteria<'a>(pair: Pair<'a, Rule>, b: usize) -> Box<[Criterion<'a>]> {
    children(pair).map(|x| criterion(x, b)).collect()
}

fn criterion<'a>(pair: Pair<'a, Rule>, b: usize) -> Criterion<'a> {
    let span = at(&pair, b);
    let mut inner = children(pair);
    let (Some(attr), Some(op), Some(val)) = (inner.next(), inner.next(), inner.next()) else {
        unreachable!("grammar: criterion = ident ~ operator ~ scalar")
    };
    Criterion {
        attribute: ident(attr, b),
        op: Spanned::new(Op::parse(op.as_str()).unwrap_or(Op::Eq), at(&op, b)),
        value: value(val, b),
        span,
    }
}

fn dna_policy<'a>(pair: Pair<'a, Rule>, b: usize) -> DnaPolicy<'a> {
    let outer = at(&pair, b);
    let steps: Box<[DnaStep<'_>]> = children(pair)
        .filter(|p| p.as_rule() == Rule::dna_step)
        .map(|step| {
            let mut inner = children(step);
            let action = inner.next().map(|x| ident(x, b)).unwrap_or(Ident {
                name: "",
                span: outer,
            });
            let after = inner
                .find(|p| p.as_rule() == Rule::number)
                .map(|n| Spanned::new(number(&n), at(&n, b)));
            // pest keeps the whitespace it skipped before an optional part
            // that then failed, so the span is rebuilt from the tokens.
            let span = after
                .as_ref()
                .map_or(action.span, |a| action.span.to(a.span));
            DnaStep {
                action,
                after,
                span,
            }
        })
        .collect();
    let span = match (steps.first(), steps.last()) {
        (Some(first), Some(last)) => first.span.to(last.span),
        _ => outer,
    };
    DnaPolicy { steps, span }
}

fn build_route<'a>(pair: Pair<'a, Rule>, b: usize, diags: &mut Vec<Diagnostic>) -> Route<'a> {
    let span = at(&pair, b);
    let mut ends = Vec::new();
    let mut source_count = 0;
    let mut when: Option<Spanned<Cow<'a, str>>> = None;
    let mut requires: Option<(Box<[Criterion<'a>]>, Span)> = None;
    let mut seen_arrow = false;
    for p in children(pair) {
        match p.as_rule() {
            // The grammar puts the sources before the arrow and the targets.
            Rule::ident_list => {
                ends.extend(children(p).map(|x| ident(x, b)));
                if !seen_arrow {
                    source_count = u32::try_from(ends.len()).unwrap_or(u32::MAX);
                }
            }
            Rule::arrow => seen_arrow = true,
            Rule::when_clause => {
                let clause = at(&p, b);
                let text = p
                    .into_inner()
                    .find(|q| q.as_rule() == Rule::string)
                    .map(|x| string(x, b));
                if let Some(first) = &when {
                    diags.push(repeated_clause("when", clause, first.span));
                } else {
                    when = text;
                }
            }
            Rule::requires_clause => {
                let clause = at(&p, b);
                if let Some((_, first)) = &requires {
                    diags.push(repeated_clause("requires", clause, *first));
                } else {
                    let list = p
                        .into_inner()
                        .find(|q| q.as_rule() == Rule::criteria)
                        .map(|x| criteria(x, b))
                        .unwrap_or_default();
                    requires = Some((list, clause));
                }
            }
            _ => {}
        }
    }
    let requires = requires.map(|(c, _)| c).unwrap_or_default();
    let clauses =
        (when.is_some() || !requires.is_empty()).then(|| Box::new(RouteClauses { when, requires }));
    Route {
        ends: ends.into_boxed_slice(),
        source_count,
        span,
        clauses,
    }
}

/// One item of a block, built.
enum Item<'a> {
    Field(Field<'a>),
    Node(Node<'a>),
    Route(Route<'a>),
}

fn build_item<'a>(pair: Pair<'a, Rule>, b: usize, diags: &mut Vec<Diagnostic>) -> Item<'a> {
    match pair.as_rule() {
        Rule::field => Item::Field(build_field(pair, b)),
        Rule::node => Item::Node(build_node(pair, b)),
        _ => Item::Route(build_route(pair, b, diags)),
    }
}

fn add_item<'a>(pathway: &mut Pathway<'a>, item: Item<'a>) {
    match item {
        Item::Field(f) => pathway.fields.push(f),
        Item::Node(n) => pathway.nodes.push(n),
        Item::Route(r) => pathway.routes.push(r),
    }
}

fn repeated_clause(word: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        "syntax-error",
        span,
        format!("a route takes at most one `{word}` clause"),
    )
    .with_label(format!("second `{word}`"))
    .with_related(first, "first given here")
    .with_help(format!("join the two into one `{word}` clause"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_node(text: &str) -> Node<'_> {
        let mut parsed = parse(text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        parsed.file.pathways.remove(0).nodes.remove(0)
    }

    #[test]
    fn dna_policy_span_ends_at_its_last_token() {
        let text = "pathway \"p\" {\n  service a: \"A\" { on_dna: contact then discharge after 2  # note\n  }\n}\n";
        let node = first_node(text);
        let PropertyValue::Dna(policy) = &node.properties[0].value else {
            panic!()
        };
        assert_eq!(
            &text[policy.span.start()..policy.span.end()],
            "contact then discharge after 2"
        );
        assert_eq!(
            &text[policy.steps[0].span.start()..policy.steps[0].span.end()],
            "contact"
        );
    }

    #[test]
    fn example_parses_into_the_expected_tree() {
        let text = include_str!("../../fixtures/examples/hip-knee-oa.pathway");
        let parsed = parse(text);
        assert!(parsed.diagnostics.is_empty());
        let p = &parsed.file.pathways[0];
        assert_eq!(p.name.value, "Hip and knee osteoarthritis");
        assert_eq!(p.fields.len(), 7);
        assert_eq!(p.nodes.len(), 9);
        assert_eq!(p.routes.len(), 7);
        let last = &p.routes[6];
        assert_eq!(
            last.sources().iter().map(|i| i.name).collect::<Vec<_>>(),
            ["escape", "talking", "link", "rehab"]
        );
        let gate = &p.routes[4];
        assert_eq!(gate.requires().len(), 1);
        assert_eq!(gate.requires()[0].attribute.name, "symptom_weeks");
        assert_eq!(gate.requires()[0].op.value, Op::Ge);
        assert_eq!(gate.requires()[0].value.kind, ValueKind::Number(12.0));
        assert_eq!(
            p.routes[3].when().unwrap().value,
            "red flags, or severe symptoms after a shared decision"
        );
        let rtt = p
            .fields
            .iter()
            .find(|f| f.key.name == "rtt_within_18_weeks")
            .unwrap();
        assert_eq!(rtt.value.kind, ValueKind::Percent(86.0));
    }

    #[test]
    fn text_too_long_for_spans_is_refused_not_wrapped() {
        let diag = too_long(MAX_TEXT_LEN + 1);
        assert_eq!(diag.rule, "syntax-error");
        assert_eq!(diag.span, Span::new(0, 0));
        assert!(diag.message.contains("4294967296 bytes long"));
        // Offsets past the limit saturate instead of wrapping to small ones.
        assert_eq!(
            Span::new(MAX_TEXT_LEN + 5, MAX_TEXT_LEN + 9).start(),
            MAX_TEXT_LEN
        );
    }

    /// The syntax errors' messages with the line each is on, and what
    /// the tree holds: node IDs, routes and fields per pathway.
    fn recovered(text: &str) -> (Vec<(usize, String)>, Vec<String>) {
        let parsed = parse(text);
        let errors = parsed
            .diagnostics
            .iter()
            .map(|d| {
                let line = text[..d.span.start()].matches('\n').count() + 1;
                (line, d.message.clone())
            })
            .collect();
        let tree = parsed
            .file
            .pathways
            .iter()
            .map(|p| {
                let nodes = p.nodes.iter().map(|n| n.id.name.to_string());
                let routes = p.routes.iter().map(|r| {
                    let ids = |i: &[Ident]| i.iter().map(|x| x.name).collect::<Vec<_>>().join(",");
                    format!("{}>{}", ids(r.sources()), ids(r.targets()))
                });
                let fields = p.fields.iter().map(|f| format!("{}:", f.key.name));
                let items: Vec<String> = fields.chain(nodes).chain(routes).collect();
                format!("{}[{}]", p.name.value, items.join(" "))
            })
            .collect();
        (errors, tree)
    }

    #[test]
    fn each_broken_item_is_one_error_and_the_rest_is_read() {
        let text = "pathway \"P\" {\n  owner: \"ICB\"\n  entry gp \"GP\" { kind: gp }\n  service a: \"A\" { kind: primary }\n  a -> b -> c\n  service b: \"B\" { offers: [x, [y]] }\n  exit c: \"C\"\n  gp -> a\n}\n";
        let (errors, tree) = recovered(text);
        let lines: Vec<usize> = errors.iter().map(|e| e.0).collect();
        assert_eq!(lines, [3, 5, 6], "{errors:?}");
        assert_eq!(tree, ["P[owner: a c gp>a]"]);
    }

    #[test]
    fn the_first_error_is_worded_as_a_whole_file_parse_words_it() {
        // The comma is inside the node's block, past where the next item
        // would start; the whole-file parse sees it, and so does recovery.
        let text = "pathway \"P\" {\n  service a: \"A\" { kind: primary, offers: [x] }\n  service b: \"B\" { kind: primary, offers: [x] }\n}\n";
        let (errors, tree) = recovered(text);
        assert_eq!(
            errors,
            [
                (
                    2,
                    "a comma cannot separate properties or fields".to_string()
                ),
                (
                    3,
                    "a comma cannot separate properties or fields".to_string()
                )
            ]
        );
        // Both nodes are broken items: neither is kept without its block.
        assert_eq!(tree, ["P[]"]);
        let alone = PathwayParser::parse(Rule::file, text).unwrap_err();
        assert_eq!(
            parse(text).diagnostics[0],
            syntax_error(text, 0, &alone, &[])
        );
    }

    #[test]
    fn a_broken_block_over_several_lines_is_skipped_whole() {
        let text = "pathway \"P\" {\n  service a: \"A\" {\n    kind: primary,\n    offers: [x]\n    requires: bmi < 40\n  }\n  owner: \"ICB\"\n}\n";
        let (errors, tree) = recovered(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(tree, ["P[owner:]"]);
        let parsed = parse(text);
        let skipped = &parsed.file.pathways[0].skipped;
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].value.starts_with("service a:") && skipped[0].value.ends_with('}'));
        assert_eq!(parsed.recovered, [skipped[0].span]);
    }

    #[test]
    fn a_block_left_open_costs_one_node_not_the_file() {
        for text in [
            "pathway \"P\" {\n  service a: \"A\" { kind: primary\n  service b: \"B\"\n  a -> b\n}\n",
            "pathway \"P\" {\n  service a: \"A\" {\n    kind: primary\n  service b: \"B\"\n  a -> b\n}\n",
            "pathway \"P\" {\n  service a: \"A {\n    kind: primary\n  }\n  service b: \"B\"\n  a -> b\n}\n",
        ] {
            let (errors, tree) = recovered(text);
            assert_eq!(errors.len(), 1, "{errors:?}\n{text}");
            assert_eq!(tree, ["P[b a>b]"], "{text}");
        }
    }

    #[test]
    fn an_item_that_runs_on_into_the_next_line_is_dropped_and_the_line_read() {
        // `gp ->` has no target: `c -> d` on the next line is a route of
        // its own, not the target; `e -> f,` takes `g`, then `-> h`
        // fails. The routes being typed are dropped, not the next ones.
        let text = "pathway \"P\" {\n  a -> b\n  gp ->\n  c -> d\n  e -> f,\n  g -> h\n}\n";
        let (errors, tree) = recovered(text);
        // The errors are placed where the routes broke.
        assert_eq!(
            errors.iter().map(|e| e.0).collect::<Vec<_>>(),
            [3, 5],
            "{errors:?}"
        );
        assert_eq!(errors[0].1, "this route has no target");
        assert_eq!(errors[1].1, "expected an identifier, found end of line");
        assert_eq!(tree, ["P[a>b c>d g>h]"]);
        let parsed = parse(text);
        let skipped: Vec<&str> = parsed.file.pathways[0]
            .skipped
            .iter()
            .map(|s| s.value)
            .collect();
        assert_eq!(skipped, ["gp ->", "e -> f,"]);
    }

    #[test]
    fn a_key_without_its_value_does_not_take_the_next_line() {
        // Newlines are blanks to the grammar: `dna_policy:` once read
        // `entry` as its value and `n0: "GP"` as a field, with no error.
        for (text, line, message, kept) in [
            (
                "pathway \"P\" {\n  dna_policy:\n  entry n0: \"GP\"\n  n0 -> x\n}\n",
                2,
                "`dna_policy:` has no value",
                "P[n0 n0>x]",
            ),
            (
                "pathway \"P\" {\n  owner:\n  version: 2\n}\n",
                2,
                "`owner:` has no value",
                "P[version:]",
            ),
            (
                "pathway \"P\" {\n  service a: \"A\" {\n    kind:\n    offers: [x]\n  }\n  exit b: \"B\"\n}\n",
                3,
                "`kind:` has no value",
                "P[b]",
            ),
            (
                "pathway \"P\" {\n  name:\n  gp -> a\n}\n",
                2,
                "`name:` has no value",
                "P[gp>a]",
            ),
            (
                "pathway \"P\" {\n  gp ->\n  exit a: \"A\"\n}\n",
                2,
                "this route has no target",
                "P[a]",
            ),
        ] {
            let (errors, tree) = recovered(text);
            assert_eq!(errors, [(line, message.to_string())], "{text}");
            assert_eq!(tree, [kept], "{text}");
        }
        // A value on the next line that starts nothing is still a value.
        let (errors, tree) = recovered("pathway \"P\" {\n  owner:\n    \"ICB\"\n}\n");
        assert_eq!((errors.len(), tree), (0, vec!["P[owner:]".to_string()]));
    }

    #[test]
    fn a_word_after_a_dna_count_is_named() {
        for text in [
            "pathway \"P\" {\n  service a: \"A\" { on_dna: discharge after 2 DNAs }\n}\n",
            "pathway \"P\" {\n  service a: \"A\" {\n    on_dna: discharge after 2 DNAs\n    kind: secondary\n  }\n}\n",
        ] {
            let parsed = parse(text);
            assert_eq!(parsed.diagnostics.len(), 1, "{text}");
            let d = &parsed.diagnostics[0];
            assert_eq!(d.message, "`after 2` is followed by `DNAs`", "{text}");
            assert_eq!(&text[d.span.start()..d.span.end()], "DNAs");
        }
    }

    #[test]
    fn a_block_where_an_item_should_start_belongs_to_the_item_before() {
        let text = "pathway \"P\" {\n  n1: \"A\" { kind: gp }\n  gp -> n1\n}\n";
        let (errors, tree) = recovered(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(tree, ["P[gp>n1]"]);
        assert_eq!(
            parse(text).file.pathways[0].skipped[0].value,
            "n1: \"A\" { kind: gp }"
        );
    }

    #[test]
    fn a_broken_header_still_opens_its_block() {
        let (errors, tree) =
            recovered("pathway \"Hip\" [\n  entry gp: \"GP\"\n  gp -> x\n}\npathway Knee {\n  exit y: \"Y\"\n}\n");
        assert_eq!(errors.iter().map(|e| e.0).collect::<Vec<_>>(), [1, 5]);
        assert_eq!(tree, ["Hip[gp gp>x]", "[y]"]);
    }

    #[test]
    fn a_block_without_its_brace_ends_where_the_next_begins() {
        let text = "pathway \"A\" {\n  entry gp: \"GP\"\n\npathway \"B\" {\n  exit y: \"Y\"\n}\n";
        let (errors, tree) = recovered(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, 4);
        assert_eq!(tree, ["A[gp]", "B[y]"]);
        assert_eq!(
            parse(text).file.pathways[0].span.end(),
            text.find("\n\n").unwrap()
        );
    }

    #[test]
    fn items_after_a_stray_brace_are_read_into_the_same_block() {
        let text = "pathway \"P\" {\n  service a: \"A\" { kind: primary } }\n  gp -> a\n  exit b: \"B\"\n}\n";
        let (errors, tree) = recovered(text);
        assert_eq!(
            errors,
            [(
                3,
                "expected end of file or `pathway`, found `gp`".to_string()
            )]
        );
        assert_eq!(tree, ["P[a b gp>a]"]);
        let parsed = parse(text);
        assert!(!parsed.is_complete());
        assert_eq!(parsed.file.pathways[0].span, Span::new(0, text.len() - 1));
    }

    #[test]
    fn items_with_no_pathway_line_are_read_into_a_nameless_block() {
        let (errors, tree) = recovered(
            "# no header\nentry gp: \"GP\"\ngp -> a\nstray words here\nservice a: \"A\"\n",
        );
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(tree, ["[gp a gp>a]"]);
    }

    /// Each broken criteria line's one error: message and the text it marks.
    fn criteria_errors(requires: &str) -> Vec<(String, String)> {
        let text = format!(
            "pathway \"p\" {{\n  service a: \"A\" {{\n    requires: {requires}\n  }}\n  service b: \"B\"\n  a -> b requires {requires}\n}}\n"
        );
        parse(&text)
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.message.clone(),
                    text[d.span.start()..d.span.end()].to_string(),
                )
            })
            .collect()
    }

    /// `requires` misspelt (`requirs:`, `requries`, `reqiures`) was
    /// reported at the comparison or the attribute after it, as "expected
    /// an identifier" or "expected `->`"; it is reported at the word, with
    /// `requires` as the fix, in a node and on a route (where a colon
    /// written after it goes too, and `require` is taken the same way).
    #[test]
    fn a_misspelt_requires_is_named_at_the_word() {
        for (line, word) in [
            (
                "  service s: \"S\" { kind: secondary  requirs: bmi < 40 }",
                "requirs",
            ),
            (
                "  service s: \"S\" { kind: secondary  requries: bmi < 40 }",
                "requries",
            ),
            (
                "  service s: \"S\" {\n    reqiures: smoking == false\n  }",
                "reqiures",
            ),
            ("  gp -> s requries bmi < 40", "requries"),
            ("  gp -> s reqiures: bmi < 40, smoking == false", "reqiures"),
            ("  gp -> s requirs bmi under 40", "requirs"),
            ("  gp -> s require bmi < 40", "require"),
        ] {
            let text = format!("pathway \"p\" {{\n  entry gp: \"GP\" {{ kind: gp }}\n{line}\n}}\n");
            let (d, fixed) = first_error_and_fix(&text);
            assert_eq!(&text[d.span.start()..d.span.end()], word, "{line}");
            assert!(d.message.contains("`requires`"), "{line}: {}", d.message);
            if word != "require" {
                assert!(
                    d.message.contains("did you mean `requires`?"),
                    "{line}: {}",
                    d.message
                );
            }
            // Fixed, the line parses; a comparison in words is then named
            // as such.
            let after = parse(&fixed).diagnostics;
            if line.contains("under") {
                assert!(
                    after[0].message.contains("not the words `under`"),
                    "{after:#?}"
                );
            } else {
                assert!(after.is_empty(), "{fixed}: {after:#?}");
            }
        }
        // Near misses: a word like it that starts no criterion, and a
        // free key far from it, keep the errors they had.
        let not = "did you mean `requires`";
        for line in [
            "  service s: \"S\" { required: true, kind: secondary }",
            "  service s: \"S\" { requests: bmi < 40 }",
            "  gp -> s \"requries\" bmi < 40",
        ] {
            let text = format!("pathway \"p\" {{\n  entry gp: \"GP\" {{ kind: gp }}\n{line}\n}}\n");
            let d = &parse(&text).diagnostics[0];
            assert!(!d.message.contains(not), "{line}: {}", d.message);
        }
    }

    /// The help's example is written the way the line writes `requires`:
    /// copied onto a route, `requires:` did not parse.
    #[test]
    fn a_unit_after_a_criterion_value_is_named_and_removed() {
        for text in [
            "pathway \"p\" {\n  service a: \"A\" {\n    requires: symptom_weeks >= 6 weeks, bmi < 40\n  }\n}\n",
            "pathway \"p\" {\n  service a: \"A\" {\n    requires: bmi < 40 kg\n    on_dna: contact\n  }\n}\n",
            "pathway \"p\" {\n  a -> b requires bmi < 40 kg/m2\n}\n",
            // A one-line node: its label comes before `requires`.
            "pathway \"p\" {\n  service a: \"A\" { requires: symptom_weeks >= 6 weeks }\n}\n",
            "pathway \"p\" {\n  service a: \"A\" { requires: symptom_weeks >= 6 weeks, bmi < 40 }\n}\n",
        ] {
            let d = &parse(text).diagnostics[0];
            assert!(d.message.starts_with("a criterion's value is a bare number"), "{text}: {}", d.message);
            let fix = d.suggestion.clone().unwrap();
            let mut fixed = text.to_string();
            fixed.replace_range(fix.span.start()..fix.span.end(), &fix.replacement);
            assert!(parse(&fixed).diagnostics.is_empty(), "{fixed}");
        }
        // Numbers in a label or a comment are not criteria.
        let label = "pathway \"p\" {\n  service a: \"A 6 weeks\" { requires: x < } # 3 kg\n}\n";
        assert!(parse(label)
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("bare number")));
    }

    /// A route after the pathway's `}` broken by a unit was reported twice
    /// at the same place: once as stray text, once as the route.
    #[test]
    fn an_item_outside_a_block_is_reported_once() {
        let text = "pathway \"x\" {\n  entry gp: \"GP\" { kind: gp }\n}\ngp -> physio requires symptom_weeks >= 6 weeks\n";
        let d = parse(text).diagnostics;
        assert_eq!(d.len(), 1, "{d:#?}");
    }

    /// A node line broken after a route with no target was reported as
    /// that route's error a second time (the `->` ending the line above
    /// was taken for this item's missing value), and its own went unsaid.
    #[test]
    fn a_broken_line_after_a_dangling_arrow_gets_its_own_error() {
        let text = "pathway \"p\" {\n  entry gp: \"GP\" { kind: gp }\n  service a \"A\"\n  gp ->\n  service b \"B\"\n}\n";
        let messages: Vec<String> = parse(text)
            .diagnostics
            .into_iter()
            .map(|d| d.message)
            .collect();
        assert_eq!(
            messages,
            [
                "expected `:`, found `\"`",
                "this route has no target",
                "expected `:`, found `\"`"
            ],
        );
    }

    /// Newcomers' slips get their own words, and each fix parses.
    #[test]
    fn newcomer_slips_are_named_and_fixed() {
        let cases = [
            (
                "  physio -> gp when red flags requires bmi < 40 # x",
                "the reason after `when`",
            ),
            ("  node ortho: \"Ortho\"", "unknown keyword `node`"),
            (
                "  entry_point self: \"Self\"",
                "unknown keyword `entry_point`",
            ),
            (
                "  service ortho: \"Ortho\" { kind: secondary; }",
                "pathways do not use `;`",
            ),
            (
                "  service ortho: 'Ortho'",
                "strings are written between double quotes",
            ),
            (
                "  service ortho: \"Ortho\" { eligibility: bmi < 35 }",
                "criteria are written after `requires:`",
            ),
            (
                "  service ortho: \"Ortho\" { on_dna: discharge after two }",
                "`after` takes a number in digits",
            ),
            (
                "  service ortho: 'Children's physio'",
                "strings are written between double quotes",
            ),
            (
                "  service o: \"O\" { offers: [exercise;self_management] }",
                "pathways do not use `;`",
            ),
            (
                "  service o: \"O\" { kind: community;offers: [exercise] }",
                "pathways do not use `;`",
            ),
            (
                "  service o: \"O\" { requires: bmi < 40; smoking == false }",
                "pathways do not use `;`",
            ),
        ];
        for (line, said) in cases {
            let text = format!(
                "pathway \"p\" {{\n  entry gp: \"GP\" {{ kind: gp }}\n{line}\n  gp -> physio\n}}\n"
            );
            let d = &parse(&text).diagnostics[0];
            assert!(d.message.contains(said), "{line}: {}", d.message);
            let fix = d
                .suggestion
                .clone()
                .unwrap_or_else(|| panic!("{line}: no fix"));
            let mut fixed = text.clone();
            fixed.replace_range(fix.span.start()..fix.span.end(), &fix.replacement);
            assert!(parse(&fixed).diagnostics.is_empty(), "{fixed}");
        }
        // A node keyword's other name only where the keyword goes.
        let text =
            "pathway \"p\" {\n  service a: \"A\" { kind: community }\n  a -> b node c: \"x\"\n}\n";
        assert!(parse(text)
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("unknown keyword")));
        // Slips whose fix would change the meaning are left to the usual
        // message: a field in two words, an exclusion, a DNA policy, a
        // comparison after `when`, a quoted ID.
        for line in [
            "  start date: \"2025-04\"",
            "  service o: \"O\" { exclude: age > 80 }",
            "  service o: \"O\" { on_dna: discharge >= 2 }",
            "  gp -> o when bmi < 40",
            "  service 'a': \"A\"",
        ] {
            let text = format!("pathway \"p\" {{\n{line}\n}}\n");
            let d = &parse(&text).diagnostics[0];
            assert!(d.message.starts_with("expected"), "{line}: {}", d.message);
        }
    }

    #[test]
    fn an_id_starting_with_a_digit_is_named_as_such() {
        for text in [
            "pathway \"p\" {\n  service 2ww: \"Two week wait\"\n}\n",
            "pathway \"p\" {\n  entry 111: \"NHS 111\"\n}\n",
            "pathway \"p\" {\n  gp -> 2ww\n}\n",
            "pathway \"p\" {\n  111 -> home\n}\n",
        ] {
            let d = &parse(text).diagnostics[0];
            assert!(
                d.message.starts_with("an ID cannot start with a digit"),
                "{text}: {}",
                d.message
            );
            let fix = d.suggestion.clone().unwrap();
            let mut fixed = text.to_string();
            fixed.replace_range(fix.span.start()..fix.span.end(), &fix.replacement);
            assert!(parse(&fixed).diagnostics.is_empty(), "{fixed}");
        }
        // A number where a number belongs is left to the usual messages.
        let listed = "pathway \"p\" {\n  a -> b requires bmi < 40, 35\n}\n";
        assert!(parse(listed)
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("cannot start with a digit")));
        let age = "pathway \"p\" {\n  a -> b requires age > 18 18\n}\n";
        assert!(parse(age)
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("cannot start with a digit")));
    }

    #[test]
    fn criteria_help_follows_the_form_in_hand_and_a_route_colon_is_named() {
        let help = |text: &str| parse(text).diagnostics[0].help.clone().unwrap_or_default();
        let route = "pathway \"p\" {\n  a -> b requires bmi < 35 and smoking == false\n}\n";
        assert!(
            help(route).contains("`requires bmi < 40, smoking == false`"),
            "{}",
            help(route)
        );
        let node = "pathway \"p\" {\n  service a: \"A\" {\n    requires: bmi < 35 and smoking == false\n  }\n}\n";
        assert!(
            help(node).contains("`requires: bmi < 40, smoking == false`"),
            "{}",
            help(node)
        );
        let colon = "pathway \"p\" {\n  a -> b requires: bmi < 40\n  b -> c\n}\n";
        let d = &parse(colon).diagnostics[0];
        assert_eq!(
            d.message,
            "`requires` on a route is written without a colon"
        );
        let fix = d.suggestion.clone().unwrap();
        let mut fixed = colon.to_string();
        fixed.replace_range(fix.span.start()..fix.span.end(), &fix.replacement);
        assert!(parse(&fixed).diagnostics.is_empty(), "{fixed}");
        // Not inside a label, nor in a node's own `requires:`.
        let label = "pathway \"p\" {\n  a -> b when \"x requires: y\" <\n}\n";
        assert!(parse(label)
            .diagnostics
            .iter()
            .all(|d| !d.message.contains("without a colon")));
    }

    #[test]
    fn criteria_joined_by_words_are_told_how_the_language_joins_them() {
        let and = "criteria are joined with commas, not `and`".to_string();
        let pair = |m: &str, w: &str| vec![(m.to_string(), w.to_string()); 2];
        // The fix gives criteria that parse.
        let route = "pathway \"p\" {\n  a -> b requires bmi < 35 and smoking == false\n}\n";
        let fix = parse(route).diagnostics[0].suggestion.clone().unwrap();
        let mut fixed = route.to_string();
        fixed.replace_range(fix.span.start()..fix.span.end(), &fix.replacement);
        assert!(
            fixed.contains("requires bmi < 35, smoking == false\n"),
            "{fixed}"
        );
        assert!(parse(&fixed).diagnostics.is_empty());
        assert_eq!(
            criteria_errors("bmi < 35 and smoking == false"),
            vec![(and.clone(), "and".to_string()); 2]
        );
        assert_eq!(
            criteria_errors("bmi < 35 && smoking == false"),
            pair("criteria are joined with commas, not `&&`", "&&")
        );
        assert_eq!(
            criteria_errors("bmi < 35 OR smoking == false"),
            pair("criteria cannot be joined with `OR`", "OR")
        );
        // The node's error is found at the next line's `}`.
        assert_eq!(
            criteria_errors("not smoking"),
            pair("a criterion cannot be negated with `not`", "not")
        );
        assert_eq!(
            criteria_errors("!smoking"),
            pair("a criterion cannot be negated with `!`", "!")
        );
        assert_eq!(
            criteria_errors("age between 18 and 65"),
            pair(
                "a criterion compares with one value; `between` is not an operator",
                "between"
            )
        );
        // Words inside strings and names containing them are not connectives.
        let plain = criteria_errors("region == \"north and east\" x");
        assert!(
            plain.iter().all(|(m, _)| m.starts_with("expected")),
            "{plain:?}"
        );
        assert!(criteria_errors("not_smoker == true, smoking != true, band < 3").is_empty());
        // `requires` in a label is not the keyword, and a broken list on
        // that line keeps its own error.
        let label = parse(
            "pathway \"p\" {\n  service o: \"Surgery (requires referral)\" { note: \"seen in clinic\" offers: [surgery }\n}\n",
        );
        assert!(
            label
                .diagnostics
                .iter()
                .all(|d| !d.message.contains("operator")),
            "{:?}",
            label.diagnostics
        );
        // ... nor does it hide a real connective after the real keyword.
        let route = parse(
            "pathway \"p\" {\n  a -> b when \"requires review\" requires bmi < 35 and smoking == false\n}\n",
        );
        assert_eq!(
            route.diagnostics[0].message,
            "criteria are joined with commas, not `and`"
        );
    }

    #[test]
    fn an_error_at_the_end_of_a_line_says_so() {
        let (errors, _) = recovered("pathway \"P\" {\n  a -> b c\n  a -> b\n  gp,  \n}\n");
        assert_eq!(
            errors[1],
            (4, "expected an identifier, found end of line".to_string())
        );
    }

    #[test]
    fn every_stray_brace_is_worded_alike() {
        let (errors, _) = recovered("pathway \"A\" {\n}\n}\npathway \"B\" {\n}\n}\n");
        let stray = "expected end of file or `pathway`, found `}`".to_string();
        assert_eq!(errors, [(3, stray.clone()), (6, stray)]);
    }

    #[test]
    fn text_outside_blocks_is_skipped_to_the_next_block() {
        let (errors, tree) = recovered(
            "pathway \"A\" {\n}\n???\nmore ??? text\npathway \"B\" {\n  exit y: \"Y\"\n}\n",
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(tree, ["A[]", "B[y]"]);
    }

    #[test]
    fn a_route_dropped_as_broken_takes_its_clause_error_with_it() {
        // The route's second `when` would be an error of its own, but the
        // route's `requires` clause is broken, so the route is dropped and
        // reported once.
        let text =
            "pathway \"P\" {\n  a -> b when \"x\" when \"y\" requires bmi < ;\n  a -> c\n}\n";
        let (errors, tree) = recovered(text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(tree, ["P[a>c]"]);
    }

    #[test]
    fn the_end_of_a_file_inside_a_block_is_reported_once() {
        // The broken node's block runs to the end: one error, not two.
        let (errors, tree) =
            recovered("pathway \"P\" {\n  a -> b\n  service x: \"X\" {\n    kind: a,\n");
        assert_eq!(
            errors,
            [(
                4,
                "a comma cannot separate properties or fields".to_string()
            )]
        );
        assert_eq!(tree, ["P[a>b]"]);
        let (errors, tree) = recovered("pathway \"P\" {\n  a -> b\n");
        assert_eq!(errors, [(1, "this `{` is never closed".to_string())]);
        assert_eq!(tree, ["P[a>b]"]);
        // Nothing was passed over, so the block is not marked broken.
        assert!(parse("pathway \"P\" {\n  a -> b\n").file.pathways[0]
            .skipped
            .is_empty());
    }

    #[test]
    fn a_file_that_parses_is_complete_and_marks_nothing() {
        let parsed = parse(include_str!("../../fixtures/examples/hip-knee-oa.pathway"));
        assert!(parsed.is_complete() && parsed.diagnostics.is_empty());
        assert!(parsed.file.pathways.iter().all(|p| p.skipped.is_empty()));
        // A repeated clause breaks no grammar rule: nothing is skipped.
        let parsed = parse("pathway \"P\" {\n  a -> b when \"x\" when \"y\"\n}\n");
        assert!(parsed.is_complete());
        assert_eq!(parsed.diagnostics.len(), 1);
    }

    #[test]
    fn lines_are_told_apart_by_their_first_tokens() {
        for (line, kind) in [
            ("pathway \"x\" {", LineKind::Head),
            ("pathway Hip", LineKind::Head),
            ("pathway: 1", LineKind::KeyValue),
            ("pathway -> a", LineKind::Route),
            ("service a: \"A\"", LineKind::Node),
            ("service: \"A\"", LineKind::KeyValue),
            ("service a \"A\"", LineKind::Node),
            ("exit", LineKind::Other),
            ("a, b ,c -> d", LineKind::Route),
            ("a, -> d", LineKind::Other),
            ("kind : gp", LineKind::KeyValue),
            ("}", LineKind::Close),
            ("# note", LineKind::Other),
            ("[a]", LineKind::Other),
        ] {
            assert_eq!(line_kind(line, 0), kind, "{line}");
        }
    }

    #[test]
    fn braces_in_strings_and_comments_do_not_count_unless_the_string_is_open() {
        let found = |line: &str| -> String {
            braces(line.as_bytes(), 0, line.len())
                .map(|(_, c)| c as char)
                .collect()
        };
        assert_eq!(found(r#"a: "{ \" }" { # }"#), "{");
        assert_eq!(found(r#"service a: "A { kind: x }"#), "{}");
        assert_eq!(found(r#"x "a" "b {"#), "{");
    }

    /// The first error in `text`, and `text` with its suggested fix made.
    fn first_error_and_fix(text: &str) -> (Diagnostic, String) {
        let parsed = parse(text);
        let diag = parsed.diagnostics.first().cloned().unwrap();
        let mut fixed = text.to_string();
        if let Some(fix) = &diag.suggestion {
            fixed.replace_range(fix.span.start()..fix.span.end(), &fix.replacement);
        }
        (diag, fixed)
    }

    #[test]
    fn look_alike_characters_are_named_and_replaced() {
        let cases = [
            // (text, in the message, in the help)
            (
                "pathway \u{201C}x\u{201D} {\n  entry gp: \"GP\"\n}\n",
                "found `\u{201C}` (left double quotation mark)",
                "looks like `\"`",
            ),
            (
                "pathway \"x\" {\n  entry gp: \u{201E}GP\u{201C}\n}\n",
                "double low-9 quotation mark",
                "type a straight quote",
            ),
            (
                "pathway \"x\" {\n  entry gp: \u{2018}GP\u{2019}\n}\n",
                "left single quotation mark",
                "looks like `'`",
            ),
            (
                "pathway \"x\" {\n  entry\u{A0}gp: \"GP\"\n}\n",
                "found a no-break space (U+00A0)",
                "type an ordinary space",
            ),
            (
                "pathway \"x\" {\n  entry gp:\u{2009}\"GP\"\n}\n",
                "thin space (U+2009)",
                "looks like a space",
            ),
            (
                "pathway \"x\" {\n  entry\u{3000}gp: \"GP\"\n}\n",
                "ideographic space (U+3000)",
                "looks like a space",
            ),
            (
                "pathway \"x\" {\n  entry gp: \"GP\"\n  service h: \"H\"\n  gp \u{2192} h\n}\n",
                "a route's arrow is `->`, not `\u{2192}` (rightwards arrow)",
                "looks like `->`",
            ),
            (
                "pathway \"x\" {\n  entry gp: \"GP\"\n  service h: \"H\"\n  gp \u{21D2} h\n}\n",
                "a route's arrow is `->`, not `\u{21D2}` (rightwards double arrow)",
                "looks like `->`",
            ),
            (
                "pathway \"x\" {\n  entry gp: \"GP\"\n  service h: \"H\"\n  gp \u{27F6} h\n}\n",
                "a route's arrow is `->`, not `\u{27F6}` (long rightwards arrow)",
                "looks like `->`",
            ),
            (
                "pathway \"x\" {\n  entry gp: \"GP\"\n  service h: \"H\"\n  gp, h \u{2794} h\n}\n",
                "a route's arrow is `->`, not `\u{2794}` (heavy rightwards arrow)",
                "looks like `->`",
            ),
            (
                "pathway \"x\" {\n  entry gp: \"GP\"\n  service h: \"H\"\n  gp \u{2013} h\n}\n",
                "found `\u{2013}` (en dash)",
                "looks like `-`",
            ),
            (
                "pathway \"x\" {\n  entry gp: \"GP\"\n  service h: \"H\"\n  gp \u{2014}> h\n}\n",
                "em dash",
                "looks like `-`",
            ),
            // A dash inside a name becomes `_`, not an arrow.
            (
                "pathway \"x\" {\n  entry gp\u{2013}practice: \"GP\"\n}\n",
                "en dash",
                "looks like `-`",
            ),
            // An apostrophe inside curly quotes is not the closing quote.
            (
                "pathway \"x\" {\n  entry gp: \u{2018}Patient\u{2019}s GP\u{2019}\n}\n",
                "left single quotation mark",
                "looks like `'`",
            ),
            (
                "pathway \"x\" {\n  entry gp\u{FF1A} \"GP\"\n}\n",
                "full-width colon",
                "looks like `:`",
            ),
            (
                "pathway \"x\" {\n  entry gp: \"GP\" { kind: gp offers: [triage\u{FF0C} advice] }\n}\n",
                "full-width comma",
                "looks like `,`",
            ),
        ];
        for (text, message, help) in cases {
            let (diag, fixed) = first_error_and_fix(text);
            assert!(diag.message.contains(message), "{text:?}: {}", diag.message);
            let h = diag.help.as_deref().unwrap_or_default();
            assert!(h.contains(help), "{text:?}: {h}");
            assert!(diag.suggestion.is_some(), "{text:?}");
            let errors = parse(&fixed).diagnostics;
            assert!(errors.is_empty(), "{fixed:?}: {errors:?}");
        }
    }

    #[test]
    fn a_curly_quote_pair_is_straightened_together() {
        let (_, fixed) = first_error_and_fix("pathway \u{201C}Hip pain\u{201D} {\n}\n");
        assert_eq!(fixed, "pathway \"Hip pain\" {\n}\n");
    }

    #[test]
    fn a_hyphen_in_a_node_id_is_told_identifiers_use_underscores() {
        for text in [
            "pathway \"x\" {\n  entry gp-practice: \"GP\"\n}\n",
            "pathway \"x\" {\n  entry gp_practice: \"GP\"\n  exit h: \"H\"\n  gp-practice -> h\n}\n",
        ] {
            let (diag, fixed) = first_error_and_fix(text);
            let help = diag.help.as_deref().unwrap_or_default();
            assert!(
                help.contains("letters, digits and underscores") && help.contains("`gp_practice`"),
                "{text:?}: {help}"
            );
            assert!(!help.contains("key: value"), "{help}");
            assert!(parse(&fixed).diagnostics.is_empty(), "{fixed:?}");
        }
    }

    #[test]
    fn strings_unescape() {
        assert_eq!(unescape(r#"a \"b\" \\ c\td\n"#), "a \"b\" \\ c\td\n");
    }
}
