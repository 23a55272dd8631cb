//! A finding's identity across edits: its rule, pathway, subject (node or
//! route) and the offending text, never its line. Used by SARIF's
//! `partialFingerprints` and by `--baseline`.

use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// 16 hex digits of FNV-1a over the identifying fields; stable across
/// platforms and releases (changing it would invalidate users' baselines).
/// A pathway's text is read with the spacing `msklint fmt` writes, so
/// formatting a file (`bmi<40` to `bmi < 40`) keeps its findings' identity;
/// text already spaced that way hashes as it always did.
pub fn of(diag: &Diagnostic, source: &SourceFile) -> String {
    let text = source.slice(diag.span);
    // Only the language's own text is respaced: wording inside a string
    // or a chart's note ("don't attend") is kept as written.
    let snippet = if diag.pathway.is_some() && is_code(text) {
        formatted(text)
    } else if diag.pathway.is_none() {
        // A policy's wording as a reader sees it: emphasis a later edit
        // adds or takes away ("will **not** be referred"), tags and
        // entities are not wording. Text without any hashes as it did.
        crate::prose::quote::shown(text)
    } else {
        spaced(text)
    };
    hash(diag, &snippet)
}

/// The fingerprint as releases before formatted spacing wrote it, so a
/// baseline recorded then still matches.
pub fn legacy(diag: &Diagnostic, source: &SourceFile) -> String {
    hash(diag, &spaced(source.slice(diag.span)))
}

/// Whether `text` is pathway syntax: outside its strings, only names,
/// numbers, blanks and the language's signs.
fn is_code(text: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in text.chars() {
        if quoted {
            quoted = c != '"' || escaped;
            escaped = c == '\\' && !escaped;
            continue;
        }
        match c {
            '"' => quoted = true,
            c if c.is_alphanumeric() || c.is_whitespace() => {}
            '_' | '.' | '<' | '>' | '=' | '!' | '-' | ',' | ':' | '[' | ']' | '{' | '}' | '%' => {}
            _ => return false,
        }
    }
    !quoted
}

/// Pathway code as a message quotes it: comments dropped and the spacing
/// `msklint fmt` gives, so a criterion written over several lines reads
/// `bmi < 40` in every output format, with no line breaks or tabs.
pub fn quoted_code(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    let (mut quoted, mut escaped, mut comment) = (false, false, false);
    for c in text.chars() {
        if comment {
            comment = c != '\n';
            if !comment {
                kept.push(c);
            }
            continue;
        }
        if quoted {
            quoted = c != '"' || escaped;
            escaped = c == '\\' && !escaped;
        } else if c == '"' {
            quoted = true;
        } else if c == '#' {
            comment = true;
            continue;
        }
        kept.push(c);
    }
    if is_code(&kept) {
        formatted(&kept)
    } else {
        spaced(&kept)
    }
}

fn spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Pathway text with one space between tokens, none before `,`, `:` or
/// `%`, none inside `[ ]`, and strings and comments as written (but for
/// runs of blanks): the spacing `msklint fmt` gives.
fn formatted(text: &str) -> String {
    let mut tokens: Vec<&str> = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let len = if c == '"' {
            let mut escaped = false;
            rest.char_indices()
                .skip(1)
                .find(|&(_, ch)| {
                    let end = ch == '"' && !escaped;
                    escaped = ch == '\\' && !escaped;
                    end
                })
                .map_or(rest.len(), |(i, _)| i + 1)
        } else if c == '#' {
            rest.find('\n').unwrap_or(rest.len())
        } else if c.is_alphanumeric()
            || c == '_'
            || c == '.'
            || (c == '-' && rest[1..].starts_with(|d: char| d.is_ascii_digit()))
        {
            c.len_utf8()
                + rest[c.len_utf8()..]
                    .find(|d: char| !(d.is_alphanumeric() || d == '_' || d == '.'))
                    .unwrap_or(rest.len() - c.len_utf8())
        } else if ["<=", ">=", "==", "!=", "->"]
            .iter()
            .any(|op| rest.starts_with(op))
        {
            2
        } else {
            c.len_utf8()
        };
        tokens.push(&rest[..len]);
        rest = &rest[len..];
    }
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        // A list's trailing comma, which `msklint fmt` adds when it lays a
        // list over several lines, is not part of what the list says.
        if *t == "," && tokens.get(i + 1) == Some(&"]") {
            continue;
        }
        let glued = matches!(*t, "," | ":" | "%" | "]") || out.ends_with('[');
        if !out.is_empty() && !glued {
            out.push(' ');
        }
        out.push_str(t);
    }
    // Runs of blanks inside strings and comments count as one, as they
    // always have.
    spaced(&out)
}

fn hash(diag: &Diagnostic, snippet: &str) -> String {
    let parts = [
        diag.rule.as_str(),
        diag.pathway.as_deref().unwrap_or(""),
        diag.subject.as_deref().unwrap_or(""),
        snippet,
    ];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    #[test]
    fn emphasis_marks_are_not_part_of_the_wording() {
        use crate::prose::quote::shown;
        for (written, plain) in [
            ("will **not** be referred", "will not be referred"),
            ("will _not_ be referred", "will not be referred"),
            (
                "will <strong>not</strong> be <U>referred</U>",
                "will not be referred",
            ),
            ("see `policy_v2.md` ~~now~~ then", "see policy_v2.md then"),
            ("no marks at   all", "no marks at all"),
        ] {
            assert_eq!(shown(written), plain, "{written}");
        }
    }

    #[test]
    fn quoted_code_is_one_line_without_comments() {
        assert_eq!(quoted_code("bmi   # weight\n      < 40"), "bmi < 40");
        assert_eq!(quoted_code("discharge\r\nafter\t2"), "discharge after 2");
        assert_eq!(
            quoted_code("when \"# not a comment\""),
            "when \"# not a comment\""
        );
        assert_eq!(quoted_code("bmi<40"), "bmi < 40");
        assert_eq!(
            quoted_code("entry_criteria: [\n  bmi_under_35,\n  red_flags,\n]"),
            quoted_code("entry_criteria: [bmi_under_35, red_flags]")
        );
        assert_eq!(quoted_code("notes: \"a, ]\""), "notes: \"a, ]\"");
    }

    #[test]
    fn pathway_text_reads_as_formatted_and_formatted_text_as_before() {
        for (written, formatted_as) in [
            ("bmi<40", "bmi < 40"),
            (
                "symptom_weeks>=12 ,smoking==false",
                "symptom_weeks >= 12, smoking == false",
            ),
            ("channels: [ online , phone ]", "channels: [online, phone]"),
            ("gp->ortho", "gp -> ortho"),
            ("when \"a  ,b\"  # x  y", "when \"a ,b\" # x y"),
            ("rate: 86 %", "rate: 86%"),
            ("age > -1.5", "age > -1.5"),
        ] {
            assert_eq!(formatted(written), formatted_as, "{written}");
            // What fmt writes is already in this form, so its hash is the
            // one earlier releases gave.
            assert_eq!(
                formatted(formatted_as),
                spaced(formatted_as),
                "{formatted_as}"
            );
        }
        // Wording, and a comment, are not respaced.
        assert!(!is_code("don't attend"));
        assert!(!is_code("bmi < 40 # note"));
        assert!(is_code("when \"don't\" requires bmi<40"));
        let a = SourceFile::new("a", "bmi<40".to_string());
        let b = SourceFile::new("b", "bmi < 40".to_string());
        let d = |end| Diagnostic::error("bmi-threshold", Span::new(0, end), "m").in_pathway("P");
        assert_eq!(of(&d(6), &a), of(&d(8), &b));
        assert_eq!(of(&d(8), &b), legacy(&d(8), &b));
        assert_ne!(of(&d(6), &a), legacy(&d(6), &a));
    }

    #[test]
    fn ignores_position_and_spacing_but_not_content() {
        let a = SourceFile::new("a", "x\nbmi < 40".to_string());
        let b = SourceFile::new("b", "x\n\n\n  bmi  <  40".to_string());
        let d = |span| {
            Diagnostic::error("bmi-threshold", span, "m")
                .in_pathway("P")
                .about("ortho")
        };
        let fa = of(&d(Span::new(2, 10)), &a);
        assert_eq!(fa, of(&d(Span::new(6, 16)), &b));
        assert_ne!(fa, of(&d(Span::new(2, 10)).about("spinal"), &a));
        assert_eq!(fa.len(), 16);
        // pinned: baselines written by earlier releases must keep matching
        assert_eq!(fa, of(&d(Span::new(2, 10)), &a));
    }
}
