//! Source text to AST, using the pest grammar in `grammar/pathway.pest`.
//!
//! pest errors are converted here rather than through pest's `miette-error`
//! feature, which hands miette only the offending line and so reports every
//! error on line 1.

use std::borrow::Cow;

use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser as _;

use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::span::{Span, Spanned, MAX_TEXT_LEN};

#[derive(pest_derive::Parser)]
#[grammar = "grammar/pathway.pest"]
struct PathwayParser;

/// The result of parsing one file: the tree if the file parsed, and any
/// problems found on the way.
pub struct Parsed<'a> {
    pub file: Option<File<'a>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a whole file, one pathway header and one item at a time: pest
/// keeps every token of a parse in memory until the parse is done, so
/// parsing the file in one go held hundreds of megabytes for a large
/// pathway. Items are independent, so this reads exactly what the `file`
/// rule describes.
pub fn parse(text: &str) -> Parsed<'_> {
    if text.len() > MAX_TEXT_LEN {
        return Parsed {
            file: None,
            diagnostics: vec![too_long(text.len())],
        };
    }
    let mut diagnostics = Vec::new();
    let mut pathways = Vec::new();
    let mut pos = skip_trivia(text, text.strip_prefix('\u{FEFF}').map_or(0, |_| 3));
    while pos < text.len() {
        match parse_pathway(text, pos, &mut diagnostics) {
            Ok((pathway, end)) => {
                pathways.push(pathway);
                pos = skip_trivia(text, end);
            }
            Err(diag) => {
                // Item by item, pest cannot see that a failed optional part
                // (say, a property block) went further than the next item's
                // start, so its position can be worse. Syntax errors are
                // rare: parse the whole file once more to report the
                // furthest failure, as a single parse of `file` would.
                let full = match PathwayParser::parse(Rule::file, text) {
                    Err(e) => syntax_error(text, 0, &e, &[]),
                    Ok(_) => *diag,
                };
                diagnostics.retain(|d| d.rule != "syntax-error");
                diagnostics.push(full);
                return Parsed {
                    file: None,
                    diagnostics,
                };
            }
        }
    }
    Parsed {
        file: Some(File { pathways }),
        diagnostics,
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

/// One `pathway "name" { ... }` block starting at `start`; returns it and
/// the offset just past its closing brace.
fn parse_pathway<'a>(
    text: &'a str,
    start: usize,
    diags: &mut Vec<Diagnostic>,
) -> Result<(Pathway<'a>, usize), Box<Diagnostic>> {
    let head = PathwayParser::parse(Rule::pathway_head, &text[start..])
        .map_err(|e| Box::new(syntax_error(text, start, &e, &[])))?
        .next()
        .ok_or_else(|| {
            Diagnostic::error(
                "syntax-error",
                Span::new(start, start),
                "expected `pathway`",
            )
        })?;
    let head_span = at(&head, start);
    let mut name = Spanned::new(Cow::Borrowed(""), head_span);
    let mut header = head_span;
    for p in children(head) {
        match p.as_rule() {
            Rule::kw_pathway => header = at(&p, start),
            Rule::string => {
                name = string(p, start);
                header = header.to(name.span);
            }
            _ => {}
        }
    }
    let (mut fields, mut nodes, mut routes) = (Vec::new(), Vec::new(), Vec::new());
    let mut pos = head_span.end();
    loop {
        pos = skip_trivia(text, pos);
        if pos >= text.len() {
            return Err(Box::new(syntax_error(text, pos, &eof_error(), &[])));
        }
        if text[pos..].starts_with('}') {
            pos += 1;
            break;
        }
        let item = PathwayParser::parse(Rule::item, &text[pos..])
            .map_err(|e| Box::new(syntax_error(text, pos, &e, &[Rule::rbrace])))?
            .next()
            .and_then(|i| i.into_inner().next())
            .ok_or_else(|| {
                Diagnostic::error(
                    "syntax-error",
                    Span::new(pos, pos),
                    "expected a node, route or field",
                )
            })?;
        let end = pos + item.as_span().end();
        match item.as_rule() {
            Rule::field => fields.push(build_field(item, pos)),
            Rule::node => nodes.push(build_node(item, pos)),
            _ => routes.push(build_route(item, pos, diags)),
        }
        pos = end;
    }
    let pathway = Pathway {
        name,
        header,
        span: Span::new(start, pos),
        fields,
        nodes,
        routes,
    };
    Ok((pathway, pos))
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
    pest::error::Error::new_from_pos(
        ErrorVariant::ParsingError {
            positives: vec![Rule::rbrace],
            negatives: vec![],
        },
        pest::Position::from_start(""),
    )
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
    if let Some(diag) = common_mistake(text, start, end) {
        return diag;
    }
    let found = describe_found(&text[start..end]);
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
                format!("unexpected {found}")
            };
            (format!("expected {expected}, found {found}"), label)
        }
        ErrorVariant::CustomError { message } => (message.clone(), message.clone()),
    };
    let mut diag =
        Diagnostic::error("syntax-error", Span::new(start, end), message).with_label(label);
    if let Some(help) = syntax_help(&text[start..end], &err.variant) {
        diag = diag.with_help(help);
    }
    diag
}

/// Mistakes common enough to deserve their own message, recognised from the
/// text around the error rather than from pest's expectations (a whole-file
/// reparse and an item-by-item one expect different things at the same
/// place).
fn common_mistake(text: &str, start: usize, end: usize) -> Option<Diagnostic> {
    let rest = &text[start..];
    let before = text[..start].trim_end_matches([' ', '\t']);
    // `a -> b -> c`: the second arrow on a route's line.
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
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
        return Some(
            Diagnostic::error("syntax-error", Span::new(start, start + 1), "a comma cannot separate properties or fields")
                .with_label("remove this comma")
                .with_help("write properties and fields one after another, separated by spaces or line breaks: `kind: secondary  offers: [surgery]`"),
        );
    }
    // `servce ortho: "..."`: a misspelt node keyword before a node ID.
    let token = &text[start..end];
    if !token.is_empty()
        && token.chars().all(is_ident_char)
        && text[end..].trim_start().starts_with(':')
    {
        if let Some((at, word)) = word_before(before) {
            if let Some(keyword) = crate::diagnostic::suggest(word, ["entry", "service", "exit"]) {
                return Some(
                    Diagnostic::error("syntax-error", Span::new(at, at + word.len()), format!("unknown keyword `{word}`"))
                        .with_label(format!("did you mean `{keyword}`?"))
                        .with_help(format!("nodes are declared with `entry`, `service` or `exit`, then an ID, a colon and a label: `{keyword} {token}: \"...\"`")),
                );
            }
        }
    }
    None
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
    let mut when: Option<Box<Spanned<Cow<'a, str>>>> = None;
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
                    when = text.map(Box::new);
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
    Route {
        ends: ends.into_boxed_slice(),
        source_count,
        when,
        requires: requires.map(|(c, _)| c).unwrap_or_default(),
        span,
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
        let parsed = parse(text);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        parsed.file.unwrap().pathways.remove(0).nodes.remove(0)
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
        let text = include_str!("../fixtures/examples/hip-knee-oa.pathway");
        let parsed = parse(text);
        assert!(parsed.diagnostics.is_empty());
        let p = &parsed.file.unwrap().pathways[0];
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
        assert_eq!(gate.requires.len(), 1);
        assert_eq!(gate.requires[0].attribute.name, "symptom_weeks");
        assert_eq!(gate.requires[0].op.value, Op::Ge);
        assert_eq!(gate.requires[0].value.kind, ValueKind::Number(12.0));
        assert_eq!(
            p.routes[3].when.as_ref().unwrap().value,
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

    #[test]
    fn strings_unescape() {
        assert_eq!(unescape(r#"a \"b\" \\ c\td\n"#), "a \"b\" \\ c\td\n");
    }
}
