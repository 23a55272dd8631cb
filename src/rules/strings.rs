//! A pathway's own strings (its name, node labels, route `when` texts and
//! free-text fields and properties) read by the rules' prose checks, so
//! `criteria: "BMI under 40 and non-smoker"` is found as the same sentence
//! would be in a policy document, under the same rule names.
//!
//! The prose engine (prose.rs) runs as it is on a compact text holding only
//! the strings' contents and the words each is read under; every finding is
//! then moved onto the string's contents in the pathway. Keeping pathway
//! syntax out of that text means the engine never reads `{`, `->` or
//! comments as prose, and no copy of a large file is made.

use std::collections::{HashMap, HashSet};

use super::engine::ActiveRule;
use crate::ast::{NodeKind, Pathway, PropertyValue, Value, ValueKind};
use crate::diagnostic::{Diagnostic, Name};
use crate::prose::sentences::{self, Sentence};
use crate::span::Span;

/// Node properties whose strings are words from the vocabulary, not prose;
/// a string `requires` or `on_dna` is already an `invalid-value` error.
const NOT_PROSE: &[&str] = &["kind", "offers", "channels", "requires", "on_dna"];

/// What a route's `when` text is read under: the route is a referral, but
/// the text must state any condition itself, so a route to a stop-smoking
/// service "when the person would like help to stop" is no smoking gate.
const WHEN_LEAD_IN: &str = "referral when:";

/// What a `when` text that compares or bounds something ("BMI < 35",
/// "not a current smoker", "registered with a practice in …") is read
/// under: a route taken only when it holds, so the text is a criterion of
/// the referral, as a list item under "Referral criteria:" is.
const CONDITION_LEAD_IN: &str = "referral criteria:";

/// Words by which a `when` text states a condition rather than a reason
/// ("the person would like help to stop", "record BMI for planning").
const CONDITION_WORDS: &[&str] = &[
    "less than",
    "more than",
    "lower than",
    "higher than",
    "greater than",
    "fewer than",
    "under ",
    "over ",
    "below",
    "above",
    "or less",
    "or more",
    "at least",
    "at most",
    "not a ",
    "non-",
    "non ",
    "free for",
    "registered with",
    "within",
    "lives in",
    "living in",
    "resident",
];

/// Words that state a condition only on a route out to an exit: "still
/// smoking" sends someone away there, while a route to a stop-smoking
/// service `when "current smoker"` says who is offered help.
const EXIT_CONDITION_WORDS: &[&str] = &["still ", "current"];

/// Words by which a `when` text gives the person's wish or an offer, so
/// a bound in it describes who is offered help ("BMI over 30 and the
/// person would like support"), not who is let through.
const REASON_WORDS: &[&str] = &[
    "would like",
    "wants",
    "wish",
    "support",
    "help",
    "advice",
    "offer",
];

/// Whether a `when` text states a condition: a number, a comparison, or
/// one of [`CONDITION_WORDS`], and none of [`REASON_WORDS`]. In "BMI under 40: not yet measured" (an
/// imported branch of a question) only what follows the colon is said of
/// the person.
fn states_condition(text: &str, out: bool) -> bool {
    let said = text.rsplit(": ").next().unwrap_or(text);
    let lower = said.to_lowercase();
    let compares = lower
        .contains(|c: char| c.is_ascii_digit() || matches!(c, '<' | '>' | '=' | '≤' | '≥'))
        || CONDITION_WORDS.iter().any(|w| lower.contains(w))
        || (out && EXIT_CONDITION_WORDS.iter().any(|w| lower.contains(w)));
    compares && !REASON_WORDS.iter().any(|w| lower.contains(w))
}

/// Words that name a step of paperwork on the way out (a letter, a
/// notice), not care.
const PAPERWORK_WORDS: &[&str] = &["letter", "notice", "notif", "discharg", "closure", "closed"];

/// What a `when` text on a route into exits only (or back to a GP entry)
/// is read under: such a route ends the person's care in the pathway.
const EXIT_LEAD_IN: &str = "referral or discharge when:";

/// What a `when` text on a route into exits that compares or bounds
/// something is read under: a criterion, as on a route back to the GP
/// ("BMI over 40" sends the person out of the pathway), and a discharge.
const EXIT_CONDITION_LEAD_IN: &str = "referral criteria, or discharge when:";

/// The rules whose prose checks read sentences. Document-level checks
/// (`missing-*`: "never mentions inequalities") judge a whole policy, which
/// a pathway's strings are not; the pathway rules cover those topics.
pub fn sentence_rules(rules: &[ActiveRule]) -> Vec<ActiveRule> {
    rules
        .iter()
        .filter(|a| {
            a.rule
                .prose
                .as_ref()
                .is_some_and(|p| !p.is_document_level())
        })
        .cloned()
        .collect()
}

/// One string's contents: where they sit in the compact text and in the
/// pathway, and what a finding there is about.
struct Piece {
    at: u32,
    source: u32,
    len: u32,
    about: About,
}

/// Written out only for the few strings that draw a finding: a large
/// pathway has a label per node.
#[derive(Clone, Copy)]
enum About {
    Pathway,
    Node(u32),
    Route(u32),
}

/// Strings gathered for one run of the prose engine. A large pathway has
/// a label per node, so they are read in batches of [`BATCH`] sentences,
/// which keeps the engine's working copies small whatever the file's size.
struct Reader<'r, 'a> {
    rules: &'r [ActiveRule],
    env: super::prose::Env<'r>,
    pathway: &'r Pathway<'a>,
    source: &'r str,
    out: &'r mut Vec<Diagnostic>,
    text: String,
    sentences: Vec<Sentence>,
    pieces: Vec<Piece>,
    leads: HashMap<String, Span>,
}

const BATCH: usize = 4096;

impl Reader<'_, '_> {
    /// The span of `words` in the compact text, added once per batch.
    fn lead(&mut self, words: &str) -> Span {
        if let Some(&span) = self.leads.get(words) {
            return span;
        }
        let start = self.text.len();
        self.text.push_str(words);
        let span = Span::new(start, self.text.len());
        self.text.push_str("\n\n");
        self.leads.insert(words.to_string(), span);
        span
    }

    /// Adds the string whose span (quotes included) is `quoted`, read under
    /// `lead_in`, or with `lead_in` as its header when `header` is set (a
    /// key and its value are one statement, as a table's header and row).
    fn add(&mut self, quoted: Span, lead_in: Option<&str>, header: bool, about: About) {
        let (start, end) = (quoted.start() + 1, quoted.end().saturating_sub(1));
        let Some(contents) = self.source.get(start..end) else {
            return;
        };
        if !contents.chars().any(char::is_alphanumeric) {
            return;
        }
        if self.sentences.len() >= BATCH {
            self.flush();
        }
        let lead = lead_in.map(|words| self.lead(words));
        let (lead_in, with) = if header { (None, lead) } else { (lead, None) };
        let at = self.text.len();
        self.text.push_str(contents);
        self.text.push_str("\n\n");
        for s in sentences::split(contents) {
            self.sentences.push(Sentence {
                span: Span::new(at + s.span.start(), at + s.span.end()),
                lead_in,
                with,
                // A label or note is never a heading, even in capitals
                // ("DNA").
                heading: false,
                bare_row: false,
            });
        }
        // Spans are u32 (src/span.rs), so these offsets fit.
        self.pieces.push(Piece {
            at: small(at),
            source: small(start),
            len: small(contents.len()),
            about,
        });
    }

    /// A property's or field's string value, read under `lead_in`, or
    /// with it as header when `header` is set.
    fn value(&mut self, value: &Value, lead_in: &str, header: bool, about: About) {
        match &value.kind {
            ValueKind::String(_) => self.add(value.span, Some(lead_in), header, about),
            ValueKind::List(items) => {
                for item in items.iter() {
                    self.value(item, lead_in, header, about);
                }
            }
            _ => {}
        }
    }

    /// Where a finding in the compact text belongs in the pathway.
    fn place(&self, span: Span) -> Option<(Span, About)> {
        let i = self
            .pieces
            .partition_point(|p| p.at as usize <= span.start());
        let piece = self.pieces.get(i.checked_sub(1)?)?;
        let (at, len) = (piece.at as usize, piece.len as usize);
        if span.end() > at + len {
            return None;
        }
        let start = piece.source as usize + span.start() - at;
        Some((Span::new(start, start + span.len()), piece.about))
    }

    /// Reads the batch and moves its findings onto the pathway.
    fn flush(&mut self) {
        if !self.sentences.is_empty() {
            let mut found = Vec::new();
            super::prose::run(
                self.rules,
                self.env,
                &self.text,
                &self.sentences,
                &mut found,
            );
            let name = Name::from(self.pathway.name.value.as_ref());
            crate::diagnostic::make_room(self.out, found.len());
            for mut d in found {
                // Every finding of a sentence-level check is at one of the
                // sentences given; anything else cannot be placed.
                let Some((span, about)) = self.place(d.span) else {
                    continue;
                };
                d.span = span;
                d.subject = match about {
                    About::Pathway => None,
                    About::Node(i) => self
                        .pathway
                        .nodes
                        .get(i as usize)
                        .map(|n| n.id.name.to_string()),
                    About::Route(i) => self
                        .pathway
                        .routes
                        .get(i as usize)
                        .map(super::engine::route_text),
                };
                // The rules' messages speak of a policy; here the words are
                // the pathway's own.
                if let Some(rest) = d.message.strip_prefix("this policy ") {
                    let whose = match (about, &d.subject) {
                        (About::Node(_), Some(id)) => format!("the text of `{id}`"),
                        (About::Route(_), Some(route)) => format!("the `when` of `{route}`"),
                        _ => "the pathway's text".to_string(),
                    };
                    d.message = format!("{whose} {rest}");
                }
                if let Some(q) = &mut d.question {
                    *q = q.replace("this policy", "this pathway");
                }
                self.out.push(d.in_pathway(&name));
            }
        }
        self.text.clear();
        self.sentences.clear();
        self.pieces.clear();
        self.leads.clear();
    }
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A property key read as words: `referral_criteria` → `referral criteria`.
/// A key naming conditions on access (`restrictions`, `requirements`)
/// says what they are conditions of, as a policy's "criteria for
/// referral" does: on a node labelled only "Knee" nothing else would. A
/// key that gives them up (`no_longer_required`, `previous_restrictions`)
/// does not, nor does any key when `access` is false (the node is a
/// service that helps with a measure).
fn words(key: &str, access: bool) -> String {
    let words = key.replace('_', " ");
    let lower = words.to_ascii_lowercase();
    let gives_up = lower.split(' ').any(|w| {
        [
            "no",
            "not",
            "non",
            "never",
            "previous",
            "old",
            "former",
            "past",
            "withdrawn",
            "removed",
            "without",
        ]
        .contains(&w)
    });
    if access
        && ACCESS_KEY_WORDS.iter().any(|w| lower.contains(w))
        && !lower.contains("referral")
        && !gives_up
    {
        format!("{words} for referral")
    } else {
        words
    }
}

/// Stems by which a key names conditions on access. (Keys such as
/// `criteria` or `eligibility` say so already; a `threshold` or `limit`
/// may be clinical, "a pain score of 7 triggers a review".)
const ACCESS_KEY_WORDS: &[&str] = &["restrict", "requir", "prerequisite"];

/// Runs `rules` (see [`sentence_rules`]) on every string of `pathway`,
/// whose text is `source`; findings point at the string's contents.
///
/// A string under a key that names missed appointments (`missed`, the
/// vocabulary's other names for `on_dna`: `dna`, `dna_policy`, …) is read
/// with the key as its header, as a table's cell is with its column name,
/// so `dna: "discharged to GP"` names its subject as "DNA: discharged to
/// GP" does in a policy. Any other key only leads its string: it may give
/// access words, never the subject (`smoking_cessation: "offered before
/// surgery"` is no smoking gate).
pub fn run(
    rules: &[ActiveRule],
    env: super::prose::Env<'_>,
    pathway: &Pathway,
    source: &str,
    missed: &[String],
    out: &mut Vec<Diagnostic>,
) {
    let names_missed_appointments = |key: &str| missed.iter().any(|k| k.eq_ignore_ascii_case(key));
    // What the rules count as help with their measure (`support` in a
    // criterion check: `weight_management` for BMI).
    let support: HashSet<&str> = rules
        .iter()
        .filter_map(|a| match &a.rule.check {
            super::checks::Check::Criterion(c) => Some(c.support.iter().map(String::as_str)),
            _ => None,
        })
        .flatten()
        .collect();
    if rules.is_empty() {
        return;
    }
    let mut r = Reader {
        rules,
        env,
        pathway,
        source,
        out,
        text: String::new(),
        sentences: Vec::new(),
        pieces: Vec::new(),
        leads: HashMap::new(),
    };
    r.add(pathway.name.span, None, false, About::Pathway);
    for field in &pathway.fields {
        let lead = format!("{}:", words(field.key.name, true));
        let header = names_missed_appointments(field.key.name);
        r.value(&field.value, &lead, header, About::Pathway);
    }
    for (i, node) in pathway.nodes.iter().enumerate() {
        let about = About::Node(small(i));
        r.add(node.label.span, None, false, about);
        // A service that helps with a rule's measure (weight management)
        // sets its own intake: its `requirements` are not referral
        // conditions on other care. Asked only of a node with free text,
        // which most nodes of a large pathway have not.
        let mut helps: Option<bool> = None;
        for prop in node.properties.iter() {
            let PropertyValue::Value(value) = &prop.value else {
                continue;
            };
            if NOT_PROSE.contains(&prop.key.name) {
                continue;
            }
            let helps = *helps.get_or_insert_with(|| {
                node.properties.iter().any(|p| {
                    p.key.name == "offers"
                        && matches!(&p.value, PropertyValue::Value(v) if v.words().iter().any(|(w, _)| support.contains(w)))
                })
            });
            // "Orthopaedic surgery access: non-smokers only" reads as the
            // node's own condition.
            let key = words(prop.key.name, !helps);
            let lead = format!("{} {key}:", node.label.value);
            let header = names_missed_appointments(prop.key.name);
            r.value(value, &lead, header, about);
        }
    }
    // A route that only ends the pathway discharges whoever takes it:
    // `physio -> gone when "DNA"` into an exit is a discharge for not
    // attending, as a newcomer draws one. Read under fixed words, not the
    // exit's label, so a finding on the route never depends on another
    // item's text.
    // A route back to a GP entry ends it too: "discharged back to their
    // GP" is how policies say it.
    let back_to_gp = |n: &crate::ast::Node<'_>| {
        n.kind == NodeKind::Entry
            && n.properties.iter().any(|p| {
                p.key.name == "kind"
                    && matches!(&p.value, PropertyValue::Value(v) if v.first_word() == Some("gp"))
            })
    };
    let (exits, gp): (HashSet<&str>, HashSet<&str>) =
        if pathway.routes.iter().any(|r| r.when().is_some()) {
            (
                pathway
                    .nodes
                    .iter()
                    .filter(|n| n.kind == NodeKind::Exit)
                    .map(|n| n.id.name)
                    .collect(),
                pathway
                    .nodes
                    .iter()
                    .filter(|n| back_to_gp(n))
                    .map(|n| n.id.name)
                    .collect(),
            )
        } else {
            (HashSet::new(), HashSet::new())
        };
    // After a missed appointment, a step that is only paperwork on the way
    // out (a letter or notice, offering nothing, whose routes all lead to
    // exits: "Letter to patient" -> "Discharged back to GP") ends care as
    // surely as the exit, so a route into it is read as one into the exit.
    // A service that offers care and then discharges is care in its own
    // right.
    let paperwork: HashSet<&str> = pathway
        .nodes
        .iter()
        .filter(|n| {
            let label = n.label.value.to_lowercase();
            n.kind == NodeKind::Service
                && !n.properties.iter().any(|p| p.key.name == "offers")
                && PAPERWORK_WORDS.iter().any(|w| label.contains(w))
        })
        .map(|n| n.id.name)
        .collect();
    let mut onward: HashMap<&str, (bool, bool)> = HashMap::new();
    if !exits.is_empty() || !gp.is_empty() {
        for r in &pathway.routes {
            let into_end = r
                .targets()
                .iter()
                .all(|t| exits.contains(t.name) || gp.contains(t.name));
            for s in r.sources() {
                let e = onward.entry(s.name).or_insert((true, false));
                e.0 &= into_end && r.when().is_none();
                e.1 = true;
            }
        }
    }
    let only_ends = |name: &str| {
        paperwork.contains(name) && onward.get(name).is_some_and(|&(all, any)| all && any)
    };
    for (i, route) in pathway.routes.iter().enumerate() {
        let Some(text) = route.when() else {
            continue;
        };
        let written = &source[text.span.start()..text.span.end()];
        let missed = crate::import::meaning::about_missed_appointments(written);
        let targets = route.targets();
        let ends = !targets.is_empty()
            && targets.iter().all(|t| {
                exits.contains(t.name) || gp.contains(t.name) || (missed && only_ends(t.name))
            });
        let to_gp = targets.iter().any(|t| gp.contains(t.name));
        let condition = states_condition(written, ends && !to_gp);
        // (A condition on the way back to the GP, `when "BMI > 40"`, is
        // read as the criterion it states; so is one on the way out to an
        // exit, which sends the person away as surely.)
        // A count of missed appointments on the way back to the GP ("did
        // not attend 2 appointments") is why care ends, and may stand
        // beside a criterion ("BMI over 40, or did not attend twice").
        let lead = if ends && condition && (!to_gp || missed) {
            EXIT_CONDITION_LEAD_IN
        } else if ends && !(to_gp && condition) {
            EXIT_LEAD_IN
        } else if condition {
            CONDITION_LEAD_IN
        } else {
            WHEN_LEAD_IN
        };
        r.add(text.span, Some(lead), false, About::Route(small(i)));
    }
    r.flush();
}
