//! The canonical layout of pathway files, behind `msklint fmt`
//! (docs/formatting.md describes the layout).
//!
//! Text in, text out: this module reads no files and prints nothing. The
//! layout comes from the parsed tree, which says where every item and
//! property starts, plus the tokens and comments read back from the text
//! ([`lex`]). Every result is checked before it is returned: it must parse
//! to the same tree, with the same comments in the same order, or the
//! caller gets [`FormatError::Internal`] and the file stays as it was.

mod layout;
mod lex;
mod render;

use std::fmt::Write as _;

use crate::ast::{File, PropertyValue, Value, ValueKind};
use crate::diagnostic::Diagnostic;
use crate::parser;
use crate::rules::builtin::Builtin;
use crate::source::SourceFile;
use crate::suppress::{self, CommentStyle};

pub use layout::WIDTH;

/// Why a text was not formatted.
#[derive(Debug)]
pub enum FormatError {
    /// The text does not parse. The spans point into the text without its
    /// byte-order mark, as `check` reports them.
    Syntax(Vec<Diagnostic>),
    /// The formatter could not reproduce the text faithfully. This is a
    /// bug in msklint, never in the file.
    Internal(String),
}

/// The text in the canonical layout. A byte-order mark and CRLF line
/// endings are kept; the result always ends with one line break (unless
/// there is nothing in it but whitespace).
pub fn format(text: &str) -> Result<String, FormatError> {
    let (bom, body) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => ("\u{FEFF}", rest),
        None => ("", text),
    };
    // Old Mac line endings (a lone CR) are read as `check` reads them, as
    // line breaks, and written back as the file had them: without this a
    // `#` comment ran to the end of the file and fmt saw an unclosed `{`
    // that check did not.
    let old_mac = old_mac(body);
    let normalised;
    let body = if body.contains('\r') {
        normalised = crate::input::lone_cr_to_lf(body.to_string());
        normalised.as_str()
    } else {
        body
    };
    // A file with a syntax error is never rewritten, though the parser
    // reads the rest of it: the layout would come from part of the file.
    let mut parsed = parser::parse(body);
    let clauses = parsed.file.pathways.iter().flat_map(|p| {
        let name = &p.name.value;
        p.fields.iter().filter_map(move |f| {
            crate::validate::route_clause_as_field(&f.key).map(|d| d.in_pathway(name.as_ref()))
        })
    });
    let clauses: Vec<_> = clauses.collect();
    parsed.diagnostics.extend(clauses);
    if !parsed.is_complete() || !parsed.diagnostics.is_empty() {
        let mut diagnostics = parsed.diagnostics;
        // The parser leaves codes to `check`; fmt shows the error as check
        // does, `syntax-error(MSK001)`.
        for d in diagnostics.iter_mut().filter(|d| d.code.is_none()) {
            d.code = Builtin::of(&d.rule).map(|b| b.code().into());
        }
        return Err(FormatError::Syntax(diagnostics));
    }
    let file = parsed.file;
    let atoms = lex::lex(body)
        .map_err(|at| FormatError::Internal(format!("no token starts at byte {at}")))?;
    let pins = layout::pins(&atoms, &covered_lines(body, &file));
    let mut layout = layout::Layout::new(body, &atoms, &pins);
    layout.file(&file).map_err(|m| FormatError::Internal(m.0))?;
    let newline = if crlf(body) { "\r\n" } else { "\n" };
    let out = render::render(body, &atoms, &layout.lay, &pins, newline);
    verify(&file, &atoms, body, &out)?;
    let out = if old_mac {
        out.replace('\n', "\r")
    } else {
        out
    };
    // `check` drops one mark and the parser another, so a second one is
    // legal too; it is kept, like the first.
    let second = if body.starts_with('\u{FEFF}') {
        "\u{FEFF}"
    } else {
        ""
    };
    Ok(format!("{bom}{second}{out}"))
}

/// Whether the first line ends with a lone CR (old Mac line endings).
fn old_mac(text: &str) -> bool {
    text.find(['\r', '\n'])
        .is_some_and(|i| text[i..].starts_with('\r') && !text[i..].starts_with("\r\n"))
}

/// Whether the first line ends with CRLF (the file's convention).
fn crlf(text: &str) -> bool {
    text.find('\n').is_some_and(|i| text[..i].ends_with('\r'))
}

/// Lines that suppression comments cover, indexed by 1-based line number:
/// each suppression's line, and the whole of a node or route written over
/// several lines that starts there (as `check` reads them).
fn covered_lines(text: &str, file: &File<'_>) -> Vec<bool> {
    if !text.contains("msklint:") {
        return Vec::new();
    }
    let source = SourceFile::new(String::new(), text.to_string());
    let (found, _) = suppress::scan(&source, CommentStyle::Hash);
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 2;
    let mut covered = vec![false; lines];
    let targets: std::collections::HashSet<usize> = found.iter().map(|s| s.target_line).collect();
    for s in &found {
        if let Some(c) = covered.get_mut(s.target_line) {
            *c = true;
        }
    }
    let blocks = file.pathways.iter().flat_map(|p| {
        p.nodes
            .iter()
            .map(|n| n.span)
            .chain(p.routes.iter().map(|r| r.span))
    });
    for b in blocks {
        let first = source.line_col(b.start()).line;
        if targets.contains(&first) {
            let last = source.line_col(b.end()).line;
            for line in first..=last {
                if let Some(c) = covered.get_mut(line) {
                    *c = true;
                }
            }
        }
    }
    covered
}

/// The result must mean what the input meant and keep every comment.
fn verify(file: &File<'_>, atoms: &[lex::Atom], text: &str, out: &str) -> Result<(), FormatError> {
    let bug = |what: &str| Err(FormatError::Internal(what.to_string()));
    let reparsed = parser::parse(out);
    if !reparsed.diagnostics.is_empty() {
        return bug("the formatted text does not parse");
    }
    let Some(again) = reparsed.complete() else {
        return bug("the formatted text does not parse");
    };
    if outline(file) != outline(&again) {
        return bug("the formatted text parses to a different pathway");
    }
    let comments = |atoms: &[lex::Atom], text: &str| -> Vec<String> {
        atoms
            .iter()
            .filter(|a| a.is_comment())
            .map(|a| a.text(text).trim_end().to_string())
            .collect()
    };
    match lex::lex(out) {
        Ok(after) if comments(atoms, text) == comments(&after, out) => Ok(()),
        _ => bug("the formatted text lost or changed a comment"),
    }
}

/// The tree without positions, items in the order written: two texts
/// with the same outline mean the same thing.
fn outline(file: &File<'_>) -> String {
    let mut out = String::new();
    for p in &file.pathways {
        let _ = writeln!(out, "pathway {:?}", p.name.value);
        let mut items: Vec<(usize, String)> = Vec::new();
        for f in &p.fields {
            items.push((
                f.span.start(),
                format!("{}: {}", f.key.name, value(&f.value)),
            ));
        }
        for n in &p.nodes {
            let mut s = format!("{} {}: {:?} {{", n.kind.keyword(), n.id.name, n.label.value);
            for prop in n.properties.iter() {
                let v = match &prop.value {
                    PropertyValue::Value(v) => value(v),
                    PropertyValue::Criteria(c) => criteria(c),
                    PropertyValue::Dna(d) => d
                        .steps
                        .iter()
                        .map(|s| match &s.after {
                            Some(a) => format!("{} after {}", s.action.name, a.value.to_bits()),
                            None => s.action.name.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(" then "),
                };
                let _ = write!(s, " {}: {v};", prop.key.name);
            }
            s.push('}');
            items.push((n.span.start(), s));
        }
        for r in &p.routes {
            let names = |ids: &[crate::ast::Ident<'_>]| {
                ids.iter().map(|i| i.name).collect::<Vec<_>>().join(",")
            };
            let mut s = format!("{} -> {}", names(r.sources()), names(r.targets()));
            if let Some(w) = r.when() {
                let _ = write!(s, " when {:?}", w.value);
            }
            if !r.requires().is_empty() {
                let _ = write!(s, " requires {}", criteria(r.requires()));
            }
            items.push((r.span.start(), s));
        }
        items.sort_by_key(|(start, _)| *start);
        for (_, item) in items {
            let _ = writeln!(out, "  {item}");
        }
    }
    out
}

fn criteria(list: &[crate::ast::Criterion<'_>]) -> String {
    list.iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c.attribute.name,
                c.op.value.as_str(),
                value(&c.value)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn value(v: &Value<'_>) -> String {
    match &v.kind {
        ValueKind::String(s) => format!("{s:?}"),
        ValueKind::Number(n) => format!("#{}", n.to_bits()),
        ValueKind::Percent(n) => format!("%{}", n.to_bits()),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Ident(s) => (*s).to_string(),
        ValueKind::List(items) => {
            let items: Vec<String> = items.iter().map(value).collect();
            format!("[{}]", items.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(text: &str) -> String {
        match format(text) {
            Ok(out) => out,
            Err(e) => panic!("{e:?}\n{text}"),
        }
    }

    #[test]
    fn lays_out_a_messy_pathway() {
        let text = "pathway   \"P\"{owner:\"ICB\"\n\n\n  outcomes : [proms,prems,]\nentry gp:\"GP\"{kind:gp}\n  service s : \"S\" {kind: primary offers: [a,b]\n requires: bmi<40,age>=18 on_dna: contact  then rebook after 2}\ngp->s when \"x\" requires a==1\n}";
        assert_eq!(
            fmt(text),
            "pathway \"P\" {\n  owner: \"ICB\"\n\n  outcomes: [proms, prems]\n  entry gp: \"GP\" { kind: gp }\n  service s: \"S\" {\n    kind: primary\n    offers: [a, b]\n    requires: bmi < 40, age >= 18\n    on_dna: contact then rebook after 2\n  }\n  gp -> s when \"x\" requires a == 1\n}\n"
        );
    }

    #[test]
    fn keeps_comments_where_they_were() {
        let text = "# top\npathway \"P\" {  # after brace\n  # before a node\n  service s: \"S\" {\n    kind: primary  # why\n    # closing\n  }\n  s -> s  # loop\n  # last\n}\n# end\n";
        assert_eq!(fmt(text), text);
        assert_eq!(fmt(&text.replace("  #", " #").replace("\n  ", "\n")), text);
    }

    #[test]
    fn long_lists_and_blocks_are_broken_one_per_line() {
        let long = "a_rather_long_offer_name";
        let text = format!(
            "pathway \"P\" {{\n  service s: \"S\" {{ kind: primary  offers: [{long}, {long}, {long}, {long}] }}\n}}\n"
        );
        assert_eq!(
            fmt(&text),
            format!("pathway \"P\" {{\n  service s: \"S\" {{\n    kind: primary\n    offers: [\n      {long},\n      {long},\n      {long},\n      {long},\n    ]\n  }}\n}}\n")
        );
    }

    #[test]
    fn empty_blocks_and_lists_and_comments_inside_them() {
        let text = "pathway \"E\" { }\npathway \"F\" { # why\n}\npathway \"G\" {\n  service a: \"A\" { # nothing yet\n  }\n  service b: \"B\" { offers: [ # none\n  ] kind: x }\n  service c: \"C\" {   }\n  outcomes: [\n\n  a,\n\n  # more later\n  b\n  # end\n  ]\n}\n";
        assert_eq!(
            fmt(text),
            "pathway \"E\" {}\npathway \"F\" {  # why\n}\npathway \"G\" {\n  service a: \"A\" {  # nothing yet\n  }\n  service b: \"B\" {\n    offers: [  # none\n    ]\n    kind: x\n  }\n  service c: \"C\" {}\n  outcomes: [\n    a,\n\n    # more later\n    b,\n    # end\n  ]\n}\n"
        );
    }

    #[test]
    fn syntax_errors_are_returned_not_formatted() {
        assert!(matches!(
            format("pathway \"P\" {"),
            Err(FormatError::Syntax(d)) if !d.is_empty()
        ));
    }

    #[test]
    fn old_mac_line_endings_are_read_as_check_reads_them_and_kept() {
        assert_eq!(
            fmt("pathway \"x\" {\r  entry gp: \"GP\" { kind: gp } # the GP\r  exit h: \"H\"\r  gp -> h\r}\r"),
            "pathway \"x\" {\r  entry gp: \"GP\" { kind: gp }  # the GP\r  exit h: \"H\"\r  gp -> h\r}\r"
        );
        assert_eq!(fmt("# one\r# second\r"), "# one\r# second\r");
    }

    #[test]
    fn keeps_a_byte_order_mark_and_crlf() {
        assert_eq!(
            fmt("\u{FEFF}pathway \"P\" {\r\n  a: 1\r\n}"),
            "\u{FEFF}pathway \"P\" {\r\n  a: 1\r\n}\r\n"
        );
        assert_eq!(
            fmt("\u{FEFF}\u{FEFF}pathway \"P\" {}"),
            "\u{FEFF}\u{FEFF}pathway \"P\" {}\n"
        );
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("  \n# only a comment   \n\n"), "# only a comment\n");
    }
}
