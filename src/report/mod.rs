//! `msklint report`: a draft consultation response per pathway, the way
//! patient organisations answer an ICB's proposals. Findings are grouped
//! under the six ARMA key-message themes, each put as a question to the
//! pathway's authors with the evidence quoted, a suggested change and the
//! guidance it rests on. `markdown` and `html` render the same [`Review`].

pub mod html;
pub mod markdown;

use crate::check::{FileReport, Linter};
use crate::diagnostic::{Diagnostic, Severity};
use crate::diagram;
use crate::graph::PathwayGraph;
use crate::rules::load::RuleSet;
use crate::rules::model::THEMES;
use crate::score::{self, Scorecard};

// Wording both renderers share, so the Markdown and HTML say the same.
pub const EDIT_FIRST: &str =
    "Read it through and edit it before sending: the questions are starting points, not conclusions.";
pub const OUTLINES: &str =
    "Services with findings are outlined in red (errors) or amber (warnings).";
pub const NO_CONCERNS: &str = "No concerns found under this theme.";
/// Under a theme no rule reads policy documents for: silence there is not
/// a finding that all is well.
pub const NOT_CHECKED_IN_POLICIES: &str = "msklint does not check policy documents for this \
theme, so nothing here says the policy meets it: read this part of the policy yourself.";
/// Before the suppression that covers a finding: the document's authors
/// marked it as allowed, which a response should weigh, not take on trust.
pub const ALLOWED_BY_AUTHORS: &str = "The document's authors marked this as allowed";
pub const NOTES: &str = "What msklint noticed about the file itself while reading it. These \
are for whoever prepares this response, not questions for the authors: leave them out of what \
is sent.";
// Said of pathways and policies, files and folders alike: what went wrong
// is in the problem listed under it.
pub const UNREADABLE: &str =
    "msklint could not review what this file holds, so nothing in it was reviewed:";
pub const NOT_READ: &str = "msklint could not check this path, so nothing in it was reviewed:";
pub const ABOUT: &str = "msklint checks a pathway written in its plain-text pathway language \
against rules drawn from published guidance: the ARMA key messages for MSK service improvement \
(2023), the ARMA core offer maturity matrix (2019), the supported self-management toolkit, the \
principles for restoring MSK services (2020) and a community MSK partnership's case for change \
(2022). It can only see what the pathway file says: a service that exists but is not written into \
the pathway will be reported as missing, and the maturity levels claim no more than the file \
evidences. `msklint explain RULE` gives the reasoning behind each finding.";
pub const ABOUT_PROSE: &str = "msklint read this policy document sentence by sentence and flagged \
wording that matches faults named in published guidance: the ARMA key messages for MSK service \
improvement (2023), the ARMA core offer maturity matrix (2019) and the principles for restoring MSK \
services (2020). It looks for the kinds of wording such restrictions usually take, so it can miss \
one phrased in a way it does not know, or flag a sentence whose context changes its meaning: \
every finding quotes the sentence so it can be checked. `msklint explain RULE` gives the reasoning \
behind each finding.";

/// Longest sentence (in bytes) a report quotes whole as evidence.
const WHOLE_SENTENCE: usize = 1200;

/// ARMA key messages 2023 section number of each theme.
pub fn section(theme: &str) -> usize {
    THEMES.iter().position(|t| *t == theme).map_or(0, |i| i + 1)
}

/// One finding as the report presents it.
#[derive(Debug, Clone)]
pub struct Item {
    pub rule: String,
    pub code: String,
    pub severity: Severity,
    pub question: String,
    pub message: String,
    /// `path:line:column`.
    pub location: String,
    /// The source line the finding points at, as written.
    pub quote: String,
    pub change: String,
    pub sources: Vec<String>,
    /// The document's own suppression covering it, when there is one
    /// ("the comment on line 3 (reason: agreed with the panel)"): the
    /// authors' exception, shown rather than obeyed.
    pub allowed: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Review {
    pub path: String,
    pub pathway: String,
    /// Declared `owner`, `version` and `condition`, where given.
    pub facts: Vec<(String, String)>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Theme → items, in the order of [`THEMES`]; empty themes kept.
    pub themes: Vec<(&'static str, Vec<Item>)>,
    /// Findings from rules with no theme (custom rules).
    pub other: Vec<Item>,
    /// What msklint says about reading the file itself (an unknown word,
    /// a suppression without a reason, a guess made importing a drawing):
    /// for the reviewer, not questions for the authors.
    pub notes: Vec<Item>,
    /// The maturity scorecard and diagrams: pathways only, a policy
    /// document written in prose has none.
    pub drawn: Option<Drawn>,
    /// Themes no rule checks in this kind of file (policy documents: the
    /// themes with no prose check), said so rather than "no concerns".
    pub unchecked: Vec<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Drawn {
    pub scorecard: Scorecard,
    pub mermaid: String,
    pub svg: String,
}

impl Review {
    /// "pathway" or "policy", for headings that name what was reviewed.
    pub fn noun(&self) -> &'static str {
        if self.drawn.is_some() {
            "pathway"
        } else {
            "policy"
        }
    }
}

/// Problems that stopped a file from being reviewed at all.
#[derive(Debug, Clone)]
pub struct Unreviewed {
    pub path: String,
    /// What the section says first: [`UNREADABLE`] or [`NOT_READ`].
    pub why: &'static str,
    pub problems: Vec<Item>,
}

impl Unreviewed {
    /// A path that could not be read at all (missing, or a PDF with no
    /// text): its one problem, as the command line words it.
    pub fn not_read(p: &crate::discover::PathProblem) -> Unreviewed {
        Unreviewed {
            path: p.path.clone(),
            why: NOT_READ,
            problems: vec![Item {
                rule: "not read".to_string(),
                code: String::new(),
                severity: Severity::Error,
                question: String::new(),
                message: p.message.clone(),
                location: p.path.clone(),
                quote: String::new(),
                change: String::new(),
                sources: Vec::new(),
                allowed: None,
            }],
        }
    }
}

pub struct Reviews {
    pub reviews: Vec<Review>,
    pub unreviewed: Vec<Unreviewed>,
}

impl Reviews {
    /// The reviews of several files, in order.
    pub fn join(parts: impl IntoIterator<Item = Reviews>) -> Reviews {
        let mut all = Reviews {
            reviews: Vec::new(),
            unreviewed: Vec::new(),
        };
        for part in parts {
            all.reviews.extend(part.reviews);
            all.unreviewed.extend(part.unreviewed);
        }
        all
    }
}

/// Reviews one checked file: a review per pathway, drawn from the graphs
/// the session lends with the report, one for a policy document, or the
/// problems that stopped the file being reviewed at all.
pub fn review(report: &FileReport, graphs: &[PathwayGraph<'_>], linter: &Linter) -> Reviews {
    let rules = &linter.rules;
    let src = &report.source;
    let prose = report.kind.is_prose();
    let item = |d: &Diagnostic| {
        // A sentence can run over several lines; a pathway finding is
        // best shown by its line. Very long ones are quoted in part.
        // A policy's sentence is the evidence: quoted whole unless very
        // long, so a condition in its middle is not cut out.
        let quote = if prose && d.span.len() <= WHOLE_SENTENCE {
            crate::prose::quote::shown(src.slice(d.span))
        } else if prose {
            crate::output::snippet::span_excerpt(src, d.span)
        } else {
            crate::output::snippet::line_excerpt(src, d.span)
        };
        Item {
            rule: d.rule.to_string(),
            code: d.code.as_deref().unwrap_or_default().to_string(),
            severity: d.severity,
            question: d.question.clone().unwrap_or_else(|| d.message.clone()),
            message: d.message.clone(),
            // With the page, paragraph or shape, so a reviewer can cite
            // "page 7" of a PDF.
            location: src.place(d.span.start()),
            quote,
            change: d.help.as_deref().unwrap_or_default().to_string(),
            sources: d.sources.to_vec(),
            allowed: d
                .related
                .iter()
                .find_map(|l| l.text.strip_prefix(crate::suppress::ALLOWED))
                .map(|by| by.trim().to_string()),
        }
    };
    let not_reviewed = || Reviews {
        reviews: Vec::new(),
        unreviewed: vec![Unreviewed {
            path: src.name.clone(),
            why: UNREADABLE,
            problems: report.diagnostics.iter().map(item).collect(),
        }],
    };
    let locked = |d: &Diagnostic| crate::config::LOCKED.contains(&d.rule.as_str());
    if prose {
        if report.diagnostics.iter().any(locked) {
            return not_reviewed();
        }
        let mine: Vec<&Diagnostic> = report.diagnostics.iter().collect();
        let (themes, other, notes) = by_theme(rules, &mine, item);
        let review = Review {
            path: src.name.clone(),
            pathway: document_title(&src.text, &src.name),
            facts: Vec::new(),
            errors: tally(&mine, Severity::Error),
            warnings: tally(&mine, Severity::Warning),
            infos: tally(&mine, Severity::Info),
            themes,
            other,
            notes,
            drawn: None,
            unchecked: THEMES
                .iter()
                .copied()
                .filter(|t| {
                    !rules
                        .rules
                        .iter()
                        .any(|r| r.rule.theme.as_deref() == Some(*t) && r.rule.prose.is_some())
                })
                .collect(),
        };
        return Reviews {
            reviews: vec![review],
            unreviewed: Vec::new(),
        };
    }
    if graphs.is_empty() {
        return not_reviewed();
    }
    let reviews = graphs
        .iter()
        .map(|g| {
            let pathway = g.pathway;
            let name = pathway.name.value.as_ref();
            let mine: Vec<&Diagnostic> = report
                .diagnostics
                .iter()
                .filter(|d| d.pathway.as_deref() == Some(name))
                .collect();
            let (themes, other, notes) = by_theme(rules, &mine, item);
            let facts = ["owner", "version", "condition"]
                .iter()
                .filter_map(|k| {
                    let f = pathway.fields.iter().find(|f| f.key.name == *k)?;
                    Some((
                        k.to_string(),
                        src.slice(f.value.span).trim_matches('"').to_string(),
                    ))
                })
                .collect();
            let owned: Vec<Diagnostic> = mine.iter().map(|d| (*d).clone()).collect();
            let marks = diagram::marks(&owned, name).with_drawing(g, src);
            Review {
                path: src.name.clone(),
                pathway: name.to_string(),
                facts,
                errors: tally(&mine, Severity::Error),
                warnings: tally(&mine, Severity::Warning),
                infos: tally(&mine, Severity::Info),
                themes,
                other,
                notes,
                drawn: Some(Drawn {
                    scorecard: score::score(g, &owned, linter),
                    mermaid: diagram::mermaid::render(g, &marks),
                    svg: diagram::svg::render(g, &marks),
                }),
                unchecked: Vec::new(),
            }
        })
        .collect();
    Reviews {
        reviews,
        unreviewed: Vec::new(),
    }
}

/// Findings of one severity, not counting the warnings and infos on how
/// the file was read (import guesses and the like), which the report
/// counts apart. Errors always count: a file with one must not look clean.
fn tally(diags: &[&Diagnostic], severity: Severity) -> usize {
    diags
        .iter()
        .filter(|d| {
            d.severity == severity
                && (severity == Severity::Error
                    || crate::rules::builtin::Builtin::of(&d.rule).is_none())
        })
        .count()
}

/// Findings as items under the ARMA themes of their rules (all six kept,
/// in order), those whose rule has no theme, and the built-in checks'
/// notes on reading the file.
type Themed = (Vec<(&'static str, Vec<Item>)>, Vec<Item>, Vec<Item>);

fn by_theme(rules: &RuleSet, diags: &[&Diagnostic], item: impl Fn(&Diagnostic) -> Item) -> Themed {
    let mut themes: Vec<(&'static str, Vec<Item>)> =
        THEMES.iter().map(|t| (*t, Vec::new())).collect();
    let mut other = Vec::new();
    let mut notes = Vec::new();
    for d in diags {
        if crate::rules::builtin::Builtin::of(&d.rule).is_some() {
            notes.push(item(d));
            continue;
        }
        let theme = rules
            .find(&d.rule)
            .filter(|r| r.rule.name == d.rule)
            .and_then(|r| r.rule.theme.as_deref());
        match theme.and_then(|t| themes.iter_mut().find(|(name, _)| *name == t)) {
            Some((_, items)) => items.push(item(d)),
            None => other.push(item(d)),
        }
    }
    (themes, other, notes)
}

/// A document's title: its front matter's `title:`, else its first
/// top-level Markdown heading (`# Title`, or a line underlined with `===`),
/// else its first heading of any level (as the sentence splitter sees
/// them, so not one inside a code fence, and `<h1>` or a title in capitals
/// too), else a short first line standing alone with no full stop (a
/// plain-text title), else its file name. Shown as a reader sees it: no
/// emphasis, links or tags, character references read.
fn document_title(text: &str, name: &str) -> String {
    if let Some(title) = front_matter_title(text) {
        return title;
    }
    let sentences = crate::prose::sentences::split(text);
    let marks = |s: &crate::prose::sentences::Sentence| {
        let line_start = text[..s.span.start()].rfind('\n').map_or(0, |i| i + 1);
        let before = text[line_start..s.span.start()].trim();
        let hashes = before.len() - before.trim_start_matches('#').len();
        (hashes > 0 && before.trim_start_matches('#').is_empty()).then_some(hashes)
    };
    let underlined = |s: &crate::prose::sentences::Sentence| {
        let rest = &text[s.span.end()..];
        let next = rest.split_once('\n').map_or("", |(_, after)| after);
        let next = next.lines().next().unwrap_or("").trim();
        next.len() >= 3 && next.chars().all(|c| c == '=')
    };
    let span_text = |s: &crate::prose::sentences::Sentence| &text[s.span.start()..s.span.end()];
    let heading = sentences
        .iter()
        .find(|s| marks(s) == Some(1) || underlined(s))
        .or_else(|| sentences.iter().find(|s| marks(s).is_some()))
        .map(span_text)
        .or_else(|| opening_title(text))
        .or_else(|| sentences.iter().find(|s| s.heading).map(span_text));
    let shown = heading
        .map(|h| {
            let lines: Vec<String> = h.lines().map(crate::prose::quote::shown).collect();
            lines.join(" – ")
        })
        .filter(|t| !t.is_empty());
    match shown {
        Some(title) => title,
        None => std::path::Path::new(name)
            .file_name()
            .map_or(name.to_string(), |n| n.to_string_lossy().to_string()),
    }
}

/// The lines a plain-text document opens with, when they read as its
/// title: one to three short lines with no full stop, then a blank line
/// ("WESSEX COMMUNITY HEALTH NHS TRUST" / "PATIENT ACCESS POLICY").
fn opening_title(text: &str) -> Option<&str> {
    let start = text.len() - text.trim_start().len();
    let body = &text[start..];
    let end = body
        .find("\n\n")
        .or_else(|| body.find("\n\r\n"))
        .unwrap_or(body.len());
    let block = body[..end].trim_end();
    let lines: Vec<&str> = block.lines().map(str::trim).collect();
    // Not a page number, version, date or approval line, a draft stamp or
    // a picture, which a document may open with above its title.
    let furniture = |l: &str| {
        let lower = l.to_ascii_lowercase();
        [
            "page ",
            "version",
            "v1",
            "v2",
            "v3",
            "draft",
            "approved",
            "date",
            "updated",
            "last updated",
            "review date",
            "issue",
            "logo",
            "![",
        ]
        .iter()
        .any(|w| lower.starts_with(w))
    };
    let title_like = |l: &&str| {
        !l.is_empty()
            && !furniture(l)
            && l.chars().count() <= 100
            && !l.ends_with(['.', ':', ';', ',', '?', '!'])
            && !l.starts_with(['#', '<', '|', '-', '*', '>', '['])
            && l.chars().any(char::is_alphabetic)
    };
    (!lines.is_empty() && lines.len() <= 3 && lines.iter().all(title_like) && end < body.len())
        .then_some(block)
}

/// `title:` in a Markdown file's YAML front matter.
fn front_matter_title(text: &str) -> Option<String> {
    let body = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let end = body.find("\n---")?;
    body[..end].lines().find_map(|line| {
        let value = line.strip_prefix("title:")?.trim();
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        (!value.is_empty()).then(|| value.to_string())
    })
}

/// "2 errors, 1 warning and 3 for information", or "no findings", and
/// the notes for the reviewer apart ("; 13 notes for the reviewer").
pub fn counts(r: &Review) -> String {
    let mut text = counts_of(r.errors, r.warnings, r.infos);
    let notes = r
        .notes
        .iter()
        .filter(|n| n.severity != Severity::Error)
        .count();
    if notes > 0 {
        text.push_str(&format!(
            "; {notes} {} for the reviewer",
            if notes == 1 { "note" } else { "notes" }
        ));
    }
    text
}

/// [`counts`] from the three numbers.
pub fn counts_of(errors: usize, warnings: usize, infos: usize) -> String {
    let mut parts = Vec::new();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    if errors > 0 {
        parts.push(plural(errors, "error", "errors"));
    }
    if warnings > 0 {
        parts.push(plural(warnings, "warning", "warnings"));
    }
    if infos > 0 {
        parts.push(format!("{infos} for information"));
    }
    match parts.as_slice() {
        [] => "no findings".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub fn level_text(level: Option<u8>) -> String {
    level.map_or_else(|| "not evidenced".to_string(), |l| format!("level {l}"))
}

#[cfg(test)]
mod tests {
    use super::document_title;

    #[test]
    fn a_documents_title_is_its_front_matter_title_or_top_heading() {
        for (text, title) in [
            (
                "---\ntitle: \"Hip policy\"\n---\n\n## Criteria\n\nText.\n",
                "Hip policy",
            ),
            (
                "Intro line.\n\n## Criteria\n\n# Knee policy\n\nText.\n",
                "Knee policy",
            ),
            (
                "Spine policy\n============\n\n## Scope\n\nText.\n",
                "Spine policy",
            ),
            ("Text first.\n\n## Scope\n\nMore.\n", "Scope"),
            ("Only text.\n", "p.md"),
        ] {
            assert_eq!(document_title(text, "dir/p.md"), title, "{text}");
        }
    }
}
