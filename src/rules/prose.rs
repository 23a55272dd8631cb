//! Evaluates rules' prose checks on a policy document's sentences. The
//! pathway engine (engine.rs) and this share the rule's name, severity,
//! help and sources, so a finding reads the same whichever kind of document
//! it comes from. Each check is one pass over the sentences.

use super::engine::{fill, ActiveRule};
use super::model::{Pattern, ProseCheck};
use crate::diagnostic::Diagnostic;
use crate::prose::sentences::Sentence;
use crate::span::Span;

/// The longest quote put in a message; the snippet shows the rest.
const QUOTE_CHARS: usize = 160;

/// `shared` are the exceptions every sentence-level check has on top of its
/// own `unless` (the vocabulary's `prose_exceptions`).
pub fn run(
    rules: &[ActiveRule],
    shared: &[Pattern],
    text: &str,
    sentences: &[Sentence],
    out: &mut Vec<Diagnostic>,
) {
    let subjects: Vec<(&str, &Pattern)> = rules
        .iter()
        .filter_map(|a| Some((a.rule.name.as_str(), a.rule.prose.as_ref()?.all.first()?)))
        .collect();
    // Each sentence as the patterns see it, made once for all rules.
    let normalised: Vec<String> = sentences
        .iter()
        .map(|s| normalise(&text[s.span.start()..s.span.end()]))
        .collect();
    for active in rules {
        let Some(check) = &active.rule.prose else {
            continue;
        };
        if check.is_document_level() {
            if let Some(d) = document(active, check, text, sentences, &normalised) {
                out.push(d);
            }
            continue;
        }
        let others: Vec<&Pattern> = subjects
            .iter()
            .filter(|(name, _)| *name != active.rule.name)
            .map(|(_, p)| *p)
            .collect();
        let mut leads = LeadCache::default();
        for (s, sentence) in sentences.iter().zip(&normalised) {
            if fires(check, shared, text, s, sentence, &others, &mut leads) {
                out.push(finding(active, check, text, s.span));
            }
        }
    }
}

/// What a check found in lead-ins already seen: which of its `all`
/// patterns (after the subject) match there, and whether an `unless` does.
/// A long list under one lead-in then reads the lead-in once, not once per
/// item.
#[derive(Default)]
struct LeadCache(std::collections::HashMap<(usize, usize), (Vec<bool>, bool)>);

/// Text read together with a sentence (a question, a table header) longer
/// than this is not a question or a header: ignore it rather than read it
/// again with every sentence after it.
const MAX_WITH: usize = 2_000;

/// Whether one sentence fires a sentence-level check. `others` are the
/// subject patterns of the other rules, used to tell an exception about
/// this rule's topic from one about another ("smokers are not listed,
/// although BMI is not a barrier" is still a smoking gate).
/// `sentence` is `s` normalised.
fn fires(
    check: &ProseCheck,
    shared: &[Pattern],
    text: &str,
    s: &Sentence,
    sentence: &str,
    others: &[&Pattern],
    leads: &mut LeadCache,
) -> bool {
    let Some((subject, rest)) = check.all.split_first() else {
        return false;
    };
    // A question states no policy; its answer is read with it, as a table
    // row is with its header. The subject may come from those only when the
    // sentence itself names no other rule's subject ("What happens if I
    // miss an appointment? You will be discharged." but not "...if I
    // smoke? Your GP must use the online form.").
    if s.is_question(text) {
        return false;
    }
    let with = s
        .with
        .filter(|w| w.len() <= MAX_WITH)
        .map(|w| normalise(&text[w.start()..w.end()]));
    let named = subject.is_match(sentence);
    let borrowed = !named
        && with.as_deref().is_some_and(|w| subject.is_match(w))
        && !others.iter().any(|o| o.is_match(sentence));
    if !named && !borrowed {
        return false;
    }
    let own = match with {
        Some(w) => std::borrow::Cow::Owned(format!("{w} {sentence}")),
        None => std::borrow::Cow::Borrowed(sentence),
    };
    let lead = s.lead_in.map(|l| {
        &*leads.0.entry((l.start(), l.end())).or_insert_with(|| {
            let lead = normalise(&text[l.start()..l.end()]);
            let found = rest.iter().map(|p| p.is_match(&lead)).collect();
            let cancels = check.unless.iter().chain(shared).any(|p| p.is_match(&lead));
            (found, cancels)
        })
    });
    if lead.is_some_and(|(_, cancels)| *cancels) {
        return false;
    }
    let in_lead = |i: usize| lead.is_some_and(|(found, _)| found[i]);
    if !rest
        .iter()
        .enumerate()
        .all(|(i, p)| in_lead(i) || p.is_match(&own))
    {
        return false;
    }
    let mut clauses = Clauses::new(&own);
    !check.unless.iter().chain(shared).any(|p| {
        p.find_iter(&own)
            .into_iter()
            .any(|at| clauses.exception_applies(at, check, others))
    })
}

/// The clauses of one sentence, and what has been decided about each, so
/// that many exception matches in one long sentence cost one look at each
/// clause rather than one per match.
struct Clauses<'s> {
    sentence: &'s str,
    /// Narrow clauses (split at ";", "but", "although", dashes, brackets)
    /// as start offsets, ascending; each runs to the next.
    narrow: Vec<usize>,
    /// `;`-separated parts, likewise.
    wide: Vec<usize>,
    /// Per narrow clause: whether an exception there counts.
    decided: Vec<Option<bool>>,
    /// Per wide clause: what it is about (see [`Topic`]).
    wide_topic: Vec<Option<Topic>>,
}

/// Whether a clause names this rule's subject, only other rules' subjects,
/// or none.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Topic {
    Own,
    Other,
    Neither,
}

fn topic(clause: &str, subject: &Pattern, others: &[&Pattern]) -> Topic {
    if subject.is_match(clause) {
        Topic::Own
    } else if others.iter().any(|o| o.is_match(clause)) {
        Topic::Other
    } else {
        Topic::Neither
    }
}

const HARD_BREAKS: &[&str] = &["; "];
const SOFT_BREAKS: &[&str] = &[
    "; ",
    " but ",
    " although ",
    " though ",
    " whereas ",
    " however",
    " - ",
    " – ",
    " — ",
    " (",
    ") ",
];

impl<'s> Clauses<'s> {
    fn new(sentence: &'s str) -> Self {
        let lower = sentence.to_ascii_lowercase();
        let starts = |breaks: &[&str]| {
            let mut at = vec![0];
            for b in breaks {
                at.extend(lower.match_indices(b).map(|(i, _)| i + b.len()));
            }
            at.sort_unstable();
            at.dedup();
            at
        };
        let narrow = starts(SOFT_BREAKS);
        let wide = starts(HARD_BREAKS);
        Clauses {
            sentence,
            decided: vec![None; narrow.len()],
            wide_topic: vec![None; wide.len()],
            narrow,
            wide,
        }
    }

    /// The index of the clause containing byte `at`, and its text.
    fn clause(&self, starts: &[usize], at: usize) -> (usize, &'s str) {
        let i = starts.partition_point(|&s| s <= at).saturating_sub(1);
        let end = starts.get(i + 1).copied().unwrap_or(self.sentence.len());
        let text = self.sentence.get(starts[i]..end).unwrap_or(self.sentence);
        (i, text)
    }

    /// Whether an exception matched at byte `at` cancels this rule's
    /// finding: not when its clause matches the check's `overruled-by` ("we
    /// cannot take referrals by telephone or by post"), nor when its clause
    /// is about another rule's topic and not this one's ("smokers are not
    /// listed, although BMI is not a barrier").
    fn exception_applies(&mut self, at: usize, check: &ProseCheck, others: &[&Pattern]) -> bool {
        let Some(subject) = check.all.first() else {
            return false;
        };
        let (i, narrow) = self.clause(&self.narrow, at);
        if let Some(decided) = self.decided[i] {
            return decided;
        }
        let counts = if check.overruled_by.iter().any(|p| p.is_match(narrow)) {
            false
        } else {
            match topic(narrow, subject, others) {
                Topic::Own => true,
                Topic::Other => false,
                Topic::Neither => {
                    let (w, wide) = self.clause(&self.wide, at);
                    let t = *self.wide_topic[w].get_or_insert_with(|| topic(wide, subject, others));
                    t != Topic::Other
                }
            }
        };
        self.decided[i] = Some(counts);
        counts
    }
}

/// One space between words and straight apostrophes, so patterns written
/// with `' '` and `'` match wrapped lines and typographic quotes. Inline
/// HTML comments (`<!-- ... -->`, editors' notes and suppressions) are not
/// policy text and are left out.
fn normalise(text: &str) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("<!--") {
        kept.push_str(&rest[..open]);
        kept.push(' ');
        rest = rest[open + 4..]
            .find("-->")
            .map_or("", |close| &rest[open + 4 + close + 3..]);
    }
    kept.push_str(rest);
    let mut out = String::with_capacity(kept.len());
    for word in kept.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(
            word.chars()
                .map(|c| if c == '’' || c == '‘' { '\'' } else { c }),
        );
    }
    out
}

/// A document none of whose text matches `missing`: one finding at its
/// first sentence (usually the title).
fn document(
    active: &ActiveRule,
    check: &ProseCheck,
    text: &str,
    sentences: &[Sentence],
    normalised: &[String],
) -> Option<Diagnostic> {
    let first = sentences.first()?;
    // Normalised like every other match, so a mention wrapped over two
    // lines ("shared\ndecision making") still counts.
    let mentioned = normalised
        .iter()
        .any(|sentence| check.missing.iter().any(|p| p.is_match(sentence)));
    (!mentioned).then(|| finding(active, check, text, first.span))
}

fn finding(active: &ActiveRule, check: &ProseCheck, text: &str, span: Span) -> Diagnostic {
    let rule = &active.rule;
    let vars = [("sentence", quote(&text[span.start()..span.end()]))];
    let message = fill(check.message.as_deref().unwrap_or(&rule.summary), &vars);
    let label = check
        .label
        .as_deref()
        .or(rule.label.as_deref())
        .unwrap_or_default();
    let mut d = Diagnostic::new(&rule.name, active.severity, span, message).with_label(label);
    d.help = Some(std::sync::Arc::clone(
        active.prose_help.as_ref().unwrap_or(&active.help),
    ));
    d.code = Some(rule.code.clone());
    d.sources = std::sync::Arc::clone(&active.sources);
    d.question = check.question.as_deref().map(|q| fill(q, &vars));
    d
}

/// The sentence on one line, cut at a word boundary if long.
fn quote(sentence: &str) -> String {
    let flat = sentence.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= QUOTE_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(QUOTE_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut} …")
}
