//! Suppressions kept beside a document that cannot hold msklint's comments.
//!
//! A PDF has no place for `<!-- msklint: allow(...) -->`, so its findings
//! are silenced from a sidecar file next to it, named after it:
//! `policy.pdf.msklint.yaml` for `policy.pdf` (Word documents, which also
//! take suppressions in Word comments, may use one too):
//!
//! ```yaml
//! allow:
//!   - rules: [bmi-threshold]
//!     sentence: "will not be listed for hip replacement"
//!     reason: "threshold agreed with the patient panel for this procedure"
//! ```
//!
//! `sentence` quotes part of the sentence word for word; case, line breaks
//! and curly quotes do not matter. Each entry becomes a suppression of the
//! lines its quote spans in the extracted text, judged like any other: no
//! reason draws `suppression-without-reason`, a rule that does not fire
//! there draws `unused-suppression`, and an entry that cannot be used (a
//! quote not in the document, no rules, YAML that does not parse) is
//! reported at the document's first line rather than silently ignored.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::source::SourceFile;
use crate::span::Span;
use crate::suppress::{Extra, Malformed, Outside, Suppression};

/// What a document's sidecar file name adds to its own.
pub const SUFFIX: &str = ".msklint.yaml";

/// The sidecar of the document at `document`: its file name plus [`SUFFIX`].
pub fn path_for(document: &Path) -> PathBuf {
    let mut name = document.file_name().unwrap_or_default().to_os_string();
    name.push(SUFFIX);
    document.with_file_name(name)
}

/// The sidecar beside `document`, as its file name and its text, or why
/// it could not be read; `None` when there is none. A sidecar saved in a
/// legacy encoding (Notepad's Windows-1252, UTF-16) is decoded as a `.txt`
/// policy would be, not passed over.
pub fn load(document: &Path) -> Option<(String, Result<String, String>)> {
    let path = path_for(document);
    let name = path.file_name()?.to_string_lossy().into_owned();
    let text = match std::fs::read(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => Err(format!(
            "it could not be read ({})",
            crate::discover::io_message(&e)
        )),
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(text),
            Err(e) => crate::prose::encoding::decode(e.into_bytes())
                .map(|d| d.text)
                .map_err(|_| "it is not a text file".to_string()),
        },
    };
    Some((name, text))
}

/// Reports a sidecar `file` that is there but could not be read (`why`),
/// at the document's first line, as a sidecar that cannot be parsed is.
pub fn unreadable(source: &SourceFile, file: &str, why: String, extra: &mut Extra) {
    extra.1.push(Malformed {
        span: Span::new(0, source.line_text(1).len()),
        word: Some(Outside::Sidecar {
            file: file.to_string(),
            entry: 0,
        }),
        problem: Some(why),
    });
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// Read an entry at a time, so one mistaken entry costs only itself.
    #[serde(default)]
    allow: Vec<serde_norway::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    /// A list, or one name on its own, as msklint.yaml's lists take.
    #[serde(default, deserialize_with = "crate::config::one_or_more")]
    rules: Vec<String>,
    #[serde(default)]
    rule: Option<String>,
    sentence: String,
    #[serde(default)]
    reason: Option<String>,
}

/// Adds the suppressions of the sidecar `file` (its name) holding `yaml`
/// to `extra`, each covering the lines of `source` its quote spans.
pub fn read(source: &SourceFile, file: &str, yaml: &str, extra: &mut Extra) {
    let at_start = Span::new(0, source.line_text(1).len());
    let problem = |entry: usize, problem: String| Malformed {
        span: at_start,
        word: Some(Outside::Sidecar {
            file: file.to_string(),
            entry,
        }),
        problem: Some(problem),
    };
    let parsed: File = match serde_norway::from_str(yaml) {
        Ok(f) => f,
        // An empty file is no suppression, not a broken one.
        Err(_) if yaml.trim().is_empty() => return,
        Err(e) => {
            extra.1.push(Malformed {
                span: at_start,
                word: Some(Outside::Sidecar {
                    file: file.to_string(),
                    entry: 0,
                }),
                problem: Some(format!("it is not a sidecar msklint can read ({e})")),
            });
            return;
        }
    };
    let index = Folded::of(&source.text);
    for (k, entry) in parsed.allow.into_iter().enumerate() {
        let number = k + 1;
        let entry: Entry = match serde_norway::from_value(entry) {
            Ok(entry) => entry,
            Err(e) => {
                extra
                    .1
                    .push(problem(number, format!("it cannot be read ({e})")));
                continue;
            }
        };
        let rules: Vec<String> = entry.rules.into_iter().chain(entry.rule).collect();
        if rules.is_empty() {
            extra.1.push(problem(
                number,
                "it names no rule (`rules: [rule-name]`)".into(),
            ));
            continue;
        }
        let Some(span) = index.find(&entry.sentence) else {
            extra.1.push(problem(
                number,
                format!(
                    "the document has no sentence containing \"{}\"",
                    entry.sentence.trim()
                ),
            ));
            continue;
        };
        extra.0.push(Suppression {
            span,
            target_line: source.line_col(span.start()).line,
            last_line: source
                .line_col(span.end().saturating_sub(1).max(span.start()))
                .line,
            rules: rules.into_iter().map(|r| (r, span)).collect(),
            reason: entry
                .reason
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty()),
            word: Some(Outside::Sidecar {
                file: file.to_string(),
                entry: number,
            }),
        });
    }
}

/// A text folded for matching quotes: lower case, straight quotes, every
/// run of white space one space; with where each folded byte came from.
struct Folded<'a> {
    original: &'a str,
    text: String,
    from: Vec<usize>,
}

impl<'a> Folded<'a> {
    fn of(original: &'a str) -> Folded<'a> {
        let mut text = String::with_capacity(original.len());
        let mut from = Vec::with_capacity(original.len());
        let mut space = false;
        for (at, c) in original.char_indices() {
            if c.is_whitespace() {
                space = !text.is_empty();
                continue;
            }
            if space {
                text.push(' ');
                from.push(at);
                space = false;
            }
            let c = match c {
                '“' | '”' | '„' | '″' => '"',
                '‘' | '’' | '′' => '\'',
                _ => c,
            };
            for lower in c.to_lowercase() {
                let before = text.len();
                text.push(lower);
                from.extend(std::iter::repeat_n(at, text.len() - before));
            }
        }
        Folded {
            original,
            text,
            from,
        }
    }

    /// Where `quote` first occurs in the original text.
    fn find(&self, quote: &str) -> Option<Span> {
        let wanted = Folded::of(quote).text;
        // A quote copied from a finding's message keeps the “…” the
        // message wraps it in: the sentence is what lies between.
        let wanted = match wanted.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
            Some(inner) if !self.text.contains(&wanted) => inner.to_string(),
            _ => wanted,
        };
        if wanted.is_empty() {
            return None;
        }
        let start = self.text.find(&wanted)?;
        let first = *self.from.get(start)?;
        let last = *self.from.get(start + wanted.len() - 1)?;
        let width = self.original[last..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        Some(Span::new(first, last + width))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceFile {
        SourceFile::new("policy.pdf", text.to_string())
    }

    #[test]
    fn the_sidecar_is_named_after_the_document() {
        assert_eq!(
            path_for(Path::new("docs/policy.pdf")),
            PathBuf::from("docs/policy.pdf.msklint.yaml")
        );
    }

    #[test]
    fn a_quote_over_a_line_break_covers_both_lines() {
        let src = source("Intro.\nPatients with a BMI over 40 will not\nbe listed for surgery.\n");
        let yaml = "allow:\n  - rules: [bmi-threshold]\n    sentence: \"will not be listed\"\n    reason: \"agreed\"\n";
        let mut extra = Extra::default();
        read(&src, "policy.pdf.msklint.yaml", yaml, &mut extra);
        assert!(extra.1.is_empty());
        let s = &extra.0[0];
        assert_eq!((s.target_line, s.last_line), (2, 3));
        assert_eq!(
            &src.text[s.span.start()..s.span.end()],
            "will not\nbe listed"
        );
        assert_eq!(s.reason.as_deref(), Some("agreed"));
    }

    #[test]
    fn case_and_curly_quotes_do_not_matter() {
        let src = source("The “Referral” form MUST be used.\n");
        let yaml =
            "allow:\n  - rule: digital-only-access\n    sentence: '\"referral\" form must'\n";
        let mut extra = Extra::default();
        read(&src, "x", yaml, &mut extra);
        assert_eq!(extra.0.len(), 1, "{:?}", extra.1);
        assert_eq!(extra.0[0].reason, None);
    }

    /// The quote copied from a message with the “…” around it matched
    /// nothing: the docs tell users to copy the message's words.
    #[test]
    fn a_quote_copied_with_its_curly_quotes_matches() {
        let src = source("Smokers will not be listed.\n");
        let yaml = "allow:\n  - rule: smoking-restriction\n    sentence: “Smokers will not be listed.”\n    reason: agreed\n";
        let mut extra = Extra::default();
        read(&src, "x", yaml, &mut extra);
        assert_eq!(extra.0.len(), 1, "{:?}", extra.1);
    }

    #[test]
    fn entries_that_cannot_be_used_are_reported() {
        let src = source("One sentence.\n");
        let yaml = "allow:\n  - rules: []\n    sentence: one\n  - rules: [dead-end]\n    sentence: \"not here\"\n    reason: r\n";
        let mut extra = Extra::default();
        read(&src, "x", yaml, &mut extra);
        assert!(extra.0.is_empty());
        let problems: Vec<&str> = extra
            .1
            .iter()
            .filter_map(|m| m.problem.as_deref())
            .collect();
        assert_eq!(problems.len(), 2);
        assert!(problems[0].contains("names no rule"));
        assert!(problems[1].contains("\"not here\""));
        let mut broken = Extra::default();
        read(&src, "x", "allow: [", &mut broken);
        assert_eq!(broken.1.len(), 1);
        let mut empty = Extra::default();
        read(&src, "x", "\n", &mut empty);
        assert!(empty.0.is_empty() && empty.1.is_empty());
    }
}
