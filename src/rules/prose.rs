//! Evaluates rules' prose checks on a policy document's sentences. The
//! pathway engine (engine.rs) and this share the rule's name, severity,
//! help and sources, so a finding reads the same whichever kind of document
//! it comes from. Each check is one pass over the sentences.

use super::engine::{fill, ActiveRule};
use super::model::{Pattern, ProseCheck, Subjects};
use super::opinion::Opinion;
use crate::diagnostic::Diagnostic;
use crate::prose::context::{Reader, Reading};
use crate::prose::sentences::Sentence;
use crate::span::Span;
use crate::vocabulary::Vocabulary;

/// What the engine reads sentences with, from the vocabulary: the
/// exceptions every sentence-level check shares on top of its own `unless`
/// (`prose_exceptions`), how sentences are read (`prose_measures`,
/// `prose_context`, `prose_clause_breaks`), and the words by which a clause
/// that names no subject refers back to one (`prose_anaphora`).
#[derive(Debug, Clone, Copy)]
pub struct Env<'v> {
    pub shared: &'v [Pattern],
    pub reader: Reader<'v>,
    pub anaphora: &'v [Pattern],
    /// Openings that continue the sentence before (`prose_carry_over`).
    pub carry_over: &'v [Pattern],
    /// Words by which an exception denies (`prose_denials`).
    pub denials: &'v [Pattern],
    /// Openings of an exception that qualifies a mention
    /// (`prose_qualifiers`).
    pub qualifiers: &'v [Pattern],
    pub shared_set: &'v crate::rules::model::SetCache,
    /// The vocabulary's named patterns (`prose_terms`).
    pub terms: &'v std::collections::BTreeMap<String, Pattern>,
    /// Every subject of the rules being run, searched together, when the
    /// caller has them ([`Env::with_subjects`]).
    pub subjects: Option<&'v Subjects>,
    /// The learnt second opinion, when the caller has one
    /// ([`Env::with_opinion`]).
    pub opinion: Option<&'v Opinion>,
}

impl<'v> Env<'v> {
    pub fn of(v: &'v Vocabulary) -> Self {
        Env {
            shared: &v.prose_exceptions,
            shared_set: &v.prose_exceptions_set,
            reader: Reader {
                measures: &v.prose_measures,
                modifiers: &v.prose_context,
                breaks: &v.prose_clause_breaks,
                carve_outs: &v.prose_carve_outs,
                adoption: &v.prose_adoption,
                prefilter: &v.prose_prefilter,
            },
            anaphora: &v.prose_anaphora,
            carry_over: &v.prose_carry_over,
            denials: &v.prose_denials,
            qualifiers: &v.prose_qualifiers,
            terms: &v.prose_terms,
            subjects: None,
            opinion: None,
        }
    }

    /// With a second opinion to veto weak pattern findings and to fire on
    /// sentences the patterns miss (src/rules/opinion.rs).
    pub fn with_opinion(self, opinion: Option<&'v Opinion>) -> Self {
        Env { opinion, ..self }
    }

    /// With the subjects of (at least) the rules to be run, so sentences
    /// that name none of them are passed by at once.
    pub fn with_subjects(self, subjects: &'v Subjects) -> Self {
        Env {
            subjects: Some(subjects),
            ..self
        }
    }
}

pub fn run(
    rules: &[ActiveRule],
    env: Env<'_>,
    text: &str,
    sentences: &[Sentence],
    out: &mut Vec<Diagnostic>,
) {
    let prepared = Prepared::of(text, sentences);
    for active in rules {
        let Some(check) = &active.rule.prose else {
            continue;
        };
        if check.is_document_level() {
            if let Some(d) = document(active, check, text, sentences, &prepared.normalised) {
                out.push(d);
            }
        }
    }
    let read = |range: std::ops::Range<usize>| {
        let mut engine = Engine::new(rules, env, text, sentences, &prepared);
        let mut found = Vec::new();
        for i in range {
            if engine.passes_by(i) {
                continue;
            }
            for (r, active) in rules.iter().enumerate() {
                let Some(check) = &active.rule.prose else {
                    continue;
                };
                if check.is_document_level() {
                    continue;
                }
                match engine.decides(r, check, i, None) {
                    Decision::Silent => {}
                    Decision::Pattern => found.push(finding(active, check, text, &sentences[i])),
                    Decision::Learnt => found
                        .push(finding(active, check, text, &sentences[i]).with_label(LEARNT_LABEL)),
                }
            }
        }
        found
    };
    if sentences.len() < 2 * PIECE || crate::par::threads() < 2 {
        out.extend(read(0..sentences.len()));
        return;
    }
    let pieces: Vec<std::ops::Range<usize>> = (0..sentences.len())
        .step_by(PIECE)
        .map(|a| a..(a + PIECE).min(sentences.len()))
        .collect();
    let found: Vec<Vec<Diagnostic>> = crate::par::map(&pieces, |r| read(r.clone()));
    out.extend(found.into_iter().flatten());
}

/// What the second opinion reads for each sentence that names a rule's
/// subject (itself or in its lead-in, question or header), and where the
/// sentence is: the examples a whole labelled document gives for training.
pub fn opinion_texts(
    rules: &[ActiveRule],
    env: Env<'_>,
    text: &str,
    sentences: &[Sentence],
) -> Vec<(Span, String)> {
    let prepared = Prepared::of(text, sentences);
    let mut engine = Engine::new(rules, env, text, sentences, &prepared);
    let mut out = Vec::new();
    for (i, sentence) in sentences.iter().enumerate() {
        let named = rules.iter().any(|a| {
            a.rule
                .prose
                .as_ref()
                .filter(|c| !c.is_document_level())
                .is_some_and(|c| engine.names_subject(c, i))
        });
        if named {
            for read in engine.opinion_texts(i) {
                out.push((sentence.span, read));
            }
        }
    }
    out
}

/// Why each sentence whose span starts on one of `lines` (1-based, as
/// `line_of` counts them) fired each prose rule or stayed silent.
pub fn trace(
    rules: &[ActiveRule],
    env: Env<'_>,
    text: &str,
    sentences: &[Sentence],
    wanted: impl Fn(&Sentence) -> bool,
) -> Vec<SentenceTrace> {
    let prepared = Prepared::of(text, sentences);
    let mut engine = Engine::new(rules, env, text, sentences, &prepared);
    let mut traces = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        if !wanted(s) {
            continue;
        }
        let mut verdicts = Vec::new();
        for (r, active) in rules.iter().enumerate() {
            let Some(check) = active
                .rule
                .prose
                .as_ref()
                .filter(|c| !c.is_document_level())
            else {
                continue;
            };
            let mut steps = Vec::new();
            let fired = engine.decides(r, check, i, Some(&mut steps)) != Decision::Silent;
            verdicts.push(RuleTrace {
                rule: active.rule.name.clone(),
                fired,
                steps,
                suppressed: None,
            });
        }
        engine.load_reading(i);
        // The document's first sentence is where the whole-document checks
        // report ("this policy never mentions …"): say why they did or not.
        if i == 0 {
            for active in rules {
                let Some(check) = active.rule.prose.as_ref().filter(|c| c.is_document_level())
                else {
                    continue;
                };
                let mention = prepared
                    .normalised
                    .iter()
                    .position(|sentence| check.missing.iter().any(|p| p.is_match(sentence)));
                let step = match mention {
                    None => "whole document: no sentence anywhere in it says what this rule \
                             looks for, so it is reported here, at the document's first sentence"
                        .to_string(),
                    Some(k) => format!(
                        "whole document: said on line {} «{}»: silent",
                        1 + text[..sentences[k].span.start()].matches('\n').count(),
                        crate::prose::quote::quote(
                            &text[sentences[k].span.start()..sentences[k].span.end()]
                        )
                    ),
                };
                verdicts.push(RuleTrace {
                    rule: active.rule.name.clone(),
                    fired: mention.is_none(),
                    steps: vec![step],
                    suppressed: None,
                });
            }
        }
        let Some(reading) = engine.current.reading.clone() else {
            continue;
        };
        let own = engine.current.own.clone();
        traces.push(SentenceTrace {
            span: s.span,
            read: reading.text.clone(),
            masks: reading
                .masks
                .iter()
                .map(|(m, (a, b))| (m.clone(), reading.text_of(&own, *a, *b)))
                .collect(),
            clauses: reading
                .clauses
                .iter()
                .enumerate()
                .map(|(k, &a)| {
                    let b = reading
                        .clauses
                        .get(k + 1)
                        .copied()
                        .unwrap_or(reading.text.len());
                    reading.text_of(&own, a, b)
                })
                .collect(),
            holds: reading
                .holds
                .iter()
                .map(|h| HoldTrace {
                    kind: h.kind.clone(),
                    trigger: reading.text_of(&own, h.trigger.0, h.trigger.1),
                    scope: reading.text_of(&own, h.scope.0, h.scope.1),
                })
                .collect(),
            rules: verdicts,
            off: Vec::new(),
        });
    }
    traces
}

/// Why one sentence fired or not, for `check --trace`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SentenceTrace {
    #[serde(skip)]
    pub span: Span,
    /// The sentence as the rules read it (with any question or table
    /// header it is read with), masked measures shown as `_`.
    pub read: String,
    /// Numbers bound to a measure, and their text: masked, unless the
    /// measure is one a rule reads (a symptom duration).
    pub masks: Vec<(String, String)>,
    pub clauses: Vec<String>,
    pub holds: Vec<HoldTrace>,
    pub rules: Vec<RuleTrace>,
    /// Prose rules the configuration turns off for this file: not read.
    pub off: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct HoldTrace {
    pub kind: String,
    pub trigger: String,
    pub scope: String,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct RuleTrace {
    pub rule: String,
    pub fired: bool,
    /// What was looked for and what was found, in order.
    pub steps: Vec<String>,
    /// For a rule that fires: the suppression that hides its finding from
    /// `check` (a comment, a sidecar entry, a Word comment), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
}

/// The state of one run over a document: each sentence normalised, and
/// read (masked, cut into clauses, context marked) the first time a rule's
/// subject is found in it.
struct Engine<'a> {
    env: Env<'a>,
    text: &'a str,
    sentences: &'a [Sentence],
    normalised: &'a [String],
    /// Per sentence: whether it is a heading.
    headings: &'a [bool],
    /// What has been made for the sentence being read. Every rule reads
    /// one sentence before any reads the next, so one is kept at a time.
    current: Current,
    /// Per rule, its name and the subject patterns of the other rules.
    names: Vec<&'a str>,
    /// Per rule, its place among the second opinion's scores.
    opinion_rules: Vec<Option<usize>>,
    others: Vec<Vec<&'a Pattern>>,
    leads: LeadCache,
}

/// What is made, on first need, for the sentence being read.
#[derive(Default)]
struct Current {
    index: Option<usize>,
    /// The question or table header read with it.
    with: Option<Option<String>>,
    /// The text read: that question or header, then the sentence.
    own: String,
    reading: Option<Reading>,
    /// Which shared exceptions occur in it.
    shared_hits: Option<Vec<usize>>,
    /// Its features for the second opinion, one set per stretch read,
    /// and every rule's score for each.
    features: Option<Vec<super::opinion::Features>>,
    scores: Vec<Vec<f32>>,
}

/// What a check found in lead-ins already seen: which of its `all`
/// patterns (after the subject) match there, and whether an exception or a
/// sentence-wide context does. A long list under one lead-in then reads
/// the lead-in once per rule, not once per item.
#[derive(Default)]
struct LeadCache {
    per_rule: foldhash::HashMap<(usize, usize, usize), LeadRule>,
    /// What holds for every rule: the lead-in chain's text, whether it
    /// reports (or otherwise governs) the list, whether it sets
    /// conditions, and whether a shared exception is in it.
    shared: foldhash::HashMap<(usize, usize), LeadFacts>,
    /// Whether no rule's subject occurs in the lead-in chain.
    quiet: foldhash::HashMap<(usize, usize), bool>,
    /// The lead-in chain's text, for the second opinion.
    chains: std::cell::RefCell<foldhash::HashMap<(usize, usize), std::rc::Rc<str>>>,
    /// Per rule and lead-in, whether the chain names the rule's subject.
    named: foldhash::HashMap<(usize, usize, usize), bool>,
}

struct LeadFacts {
    /// The lead-in chain as read (masks, clauses, context).
    read: Reading,
    reported: bool,
    conditional: bool,
    excepted: bool,
}

/// Bit `k` of a pattern mask.
fn has(bits: u64, k: usize) -> bool {
    k < 64 && bits & (1 << k) != 0
}

/// What one rule finds in a lead-in: small and `Copy`, since it is read
/// for every item under the lead-in and every rule.
#[derive(Clone, Copy)]
struct LeadRule {
    /// Which of the rule's patterns after the subject match there, one bit
    /// each (a rule has a handful; any past 64 count as not found).
    found: u64,
    /// Whether the lead-in reports the list or an exception there cancels it.
    cancels: bool,
    /// Whether the lead-in states the whole restriction itself: the
    /// subject named freely and every pattern matched. Its items are then
    /// parts of it ("at least 3 months of conservative treatment, to
    /// include:" over "- 6 weeks of physiotherapy").
    states: bool,
}

/// Text read together with a sentence (a question, a table header) longer
/// than this is not a question or a header: ignore it rather than read it
/// again with every sentence after it.
const MAX_WITH: usize = 2_000;

/// What each sentence needs once, whichever engine reads it: the text
/// normalised, and whether it is a heading.
struct Prepared {
    normalised: Vec<String>,
    headings: Vec<bool>,
}

impl Prepared {
    fn of(text: &str, sentences: &[Sentence]) -> Prepared {
        let one = |s: &Sentence| {
            let read = normalise(&text[s.span.start()..s.span.end()]);
            (if s.bare_row { piped(read) } else { read }, s.heading)
        };
        let (normalised, headings) = if sentences.len() >= 2 * PIECE && crate::par::threads() > 1 {
            crate::par::map(sentences, one).into_iter().unzip()
        } else {
            sentences.iter().map(one).unzip()
        };
        Prepared {
            normalised,
            headings,
        }
    }
}

/// The longest stretch of a sentence the second opinion reads at once, in
/// words. A longer sentence is read in stretches that overlap by half and
/// the highest score counts, so a restriction is not drowned by the text
/// around it (its examples are rarely longer).
const OPINION_WORDS: usize = 40;

/// The second opinion fires without a pattern only on a sentence of at
/// least this many words: a shorter one is a topic, not a rule.
const MIN_LEARNT_WORDS: usize = 4;

/// How much of the lead-ins and question is read before each stretch, in
/// words: the end nearest the sentence.
const OPINION_LEAD_WORDS: usize = 30;

/// Sentences read by one engine at a time: a long document's pieces are
/// read on several threads. Each sentence's verdict depends only on the
/// text around it, never on what an engine found before, so the findings
/// are the same however the sentences are shared out.
const PIECE: usize = 2_048;

impl<'a> Engine<'a> {
    fn new(
        rules: &'a [ActiveRule],
        env: Env<'a>,
        text: &'a str,
        sentences: &'a [Sentence],
        prepared: &'a Prepared,
    ) -> Self {
        let subjects: Vec<(&str, &Pattern)> = rules
            .iter()
            .filter_map(|a| Some((a.rule.name.as_str(), a.rule.prose.as_ref()?.all.first()?)))
            .collect();
        let others = rules
            .iter()
            .map(|a| {
                subjects
                    .iter()
                    .filter(|(name, _)| *name != a.rule.name)
                    .map(|(_, p)| *p)
                    .collect()
            })
            .collect();
        Engine {
            headings: &prepared.headings,
            env,
            text,
            sentences,
            normalised: &prepared.normalised,
            names: rules.iter().map(|a| a.rule.name.as_str()).collect(),
            opinion_rules: rules
                .iter()
                .map(|a| env.opinion.and_then(|o| o.rule_index(&a.rule.name)))
                .collect(),
            current: Current::default(),
            others,
            leads: LeadCache::default(),
        }
    }

    /// Whether sentence `i` can fire no sentence-level check: no subject
    /// occurs in it or in its lead-in, and nothing is read with it (a
    /// question, a table header, a sentence it continues), the only other
    /// places a subject may come from ([`Engine::fires`]).
    fn passes_by(&mut self, i: usize) -> bool {
        let Some(subjects) = self.env.subjects else {
            return false;
        };
        let s = self.sentences[i];
        if s.with.is_some() || subjects.any(&self.normalised[i]) {
            return false;
        }
        let lead_quiet = match s.lead_in {
            None => true,
            Some(l) => {
                let key = (l.start(), l.end());
                match self.leads.quiet.get(&key) {
                    Some(&quiet) => quiet,
                    None => {
                        let quiet = !subjects.any(&self.lead_chain(l));
                        self.leads.quiet.insert(key, quiet);
                        quiet
                    }
                }
            }
        };
        lead_quiet && self.continued(i).is_none()
    }

    /// Makes sentence `i` the current one, dropping what was made for the
    /// one before.
    fn focus(&mut self, i: usize) {
        if self.current.index != Some(i) {
            self.current = Current {
                index: Some(i),
                ..Current::default()
            };
        }
    }

    /// The question or table header read with sentence `i`, or the
    /// sentence before it when `i` opens by continuing that one ("After 14
    /// days, a new referral is needed"), normalised once.
    fn load_with(&mut self, i: usize) {
        self.focus(i);
        if self.current.with.is_none() {
            let header = self.sentences[i].with;
            let with = header.or_else(|| self.continued(i));
            // A bare row's header is bare too.
            let bare = self.sentences[i].bare_row && header.is_some();
            let made = with
                .filter(|w| w.len() <= MAX_WITH)
                .map(|w| normalise(&self.text[w.start()..w.end()]))
                .map(|w| if bare { piped(w) } else { w });
            self.current.with = Some(made);
        }
    }

    /// The sentence that sentence `i` continues: the one just before it,
    /// when `i` opens with a carry-over, neither is a heading or a
    /// question, and both hang from the same lead-in (or none).
    fn continued(&self, i: usize) -> Option<Span> {
        let before = i.checked_sub(1)?;
        let (s, b) = (self.sentences[i], self.sentences[before]);
        let plain = |k: usize, s: Sentence| !self.headings[k] && !s.is_question(self.text);
        let opens = self
            .env
            .carry_over
            .iter()
            .any(|p| p.is_match(&self.normalised[i]));
        (opens && s.lead_in == b.lead_in && plain(i, s) && plain(before, b)).then_some(b.span)
    }

    /// Whether sentence `i` is only "No." answering a question: the
    /// second opinion, reading a few words, weighs such an answer too
    /// lightly ("Can I have surgery if I smoke? No.").
    fn bare_no(&mut self, i: usize) -> bool {
        self.load_with(i);
        let answer = self.normalised[i].trim_matches(|c: char| !c.is_alphanumeric());
        answer.eq_ignore_ascii_case("no")
            && self.with().is_some_and(|q| {
                q.trim_end_matches(['"', '\'', ')', '*', '_'])
                    .ends_with('?')
            })
    }

    /// Whether sentence `i` reports a rule and takes it on
    /// (`prose_adoption`).
    fn takes_on_report(&mut self, i: usize) -> bool {
        self.load_reading(i);
        self.current.reading.as_ref().is_some_and(|r| r.adopted)
    }

    /// Whether sentence `i`, or the question or lead-in read with it,
    /// matches one of the check's `opinion-needs`.
    fn has_value(&self, check: &ProseCheck, i: usize) -> bool {
        let lead = self.sentences[i].lead_in.map(|l| self.lead_chain(l));
        let found = [
            Some(self.normalised[i].as_str()),
            self.with(),
            lead.as_deref(),
        ]
        .into_iter()
        .flatten()
        .any(|t| check.opinion_needs.iter().any(|p| p.is_match(t)));
        found
    }

    /// After [`Engine::load_with`] for the current sentence.
    fn with(&self) -> Option<&str> {
        self.current.with.as_ref().and_then(|w| w.as_deref())
    }

    /// A lead-in's text, with the lead-ins it hangs from in turn (a nested
    /// list's item under its parent item under the sentence that opens the
    /// list), outermost first, a few levels up at most.
    fn lead_chain(&self, lead: Span) -> std::rc::Rc<str> {
        let key = (lead.start(), lead.end());
        if let Some(chain) = self.leads.chains.borrow().get(&key) {
            return std::rc::Rc::clone(chain);
        }
        let chain: std::rc::Rc<str> = self.make_lead_chain(lead).into();
        self.leads
            .chains
            .borrow_mut()
            .insert(key, std::rc::Rc::clone(&chain));
        chain
    }

    /// [`Engine::lead_chain`], made.
    fn make_lead_chain(&self, lead: Span) -> String {
        const DEPTH: usize = 3;
        let mut parts = vec![normalise(&self.text[lead.start()..lead.end()])];
        let mut at = lead;
        for _ in 0..DEPTH {
            let j = self
                .sentences
                .partition_point(|s| s.span.start() < at.start());
            let Some(outer) = self
                .sentences
                .get(j)
                .filter(|s| s.span.start() == at.start())
                .and_then(|s| s.lead_in)
                .filter(|o| o.start() < at.start())
            else {
                break;
            };
            // A "lead-in" longer than a question or header is not one.
            if outer.len() > MAX_WITH {
                break;
            }
            parts.push(normalise(&self.text[outer.start()..outer.end()]));
            at = outer;
        }
        parts.reverse();
        parts.join(" ")
    }

    /// Reads sentence `i` (masks, clauses, context), once.
    fn load_reading(&mut self, i: usize) {
        self.load_with(i);
        if self.current.reading.is_none() {
            let own = match self.with() {
                Some(w) => format!("{w} {}", self.normalised[i]),
                None => self.normalised[i].clone(),
            };
            self.current.reading = Some(self.env.reader.read(&own));
            self.current.own = own;
        }
    }

    /// Whether sentence `i` fires rule `r`: the patterns' verdict
    /// ([`Engine::fires`]), weighed by the second opinion when there is one
    /// for the rule. A pattern finding it scores low is dropped; a sentence
    /// that names the rule's subject, matched no pattern and scores high
    /// fires. With `log`, the score and what moved it are written there.
    fn decides(
        &mut self,
        r: usize,
        check: &ProseCheck,
        i: usize,
        mut log: Option<&mut Vec<String>>,
    ) -> Decision {
        let quick = log.is_none();
        let verdict = self.fires(r, check, i, log.as_deref_mut(), quick);
        let fired = verdict == Verdict::Fires;
        let name = self.names[r];
        let alone = if fired {
            Decision::Pattern
        } else {
            Decision::Silent
        };
        let Some((opinion, k)) = self
            .env
            .opinion
            .and_then(|o| Some((o, self.opinion_rules.get(r).copied().flatten()?)))
        else {
            return alone;
        };
        if let Some(why) = final_silence(verdict) {
            if let Some(log) = log {
                log.push(format!("second opinion: not asked, as {why}"));
            }
            return alone;
        }
        // A report the policy takes on ("Several providers decline …, and so
        // do we") is its own rule: the model, which never learnt such
        // wording, reads only the report in it.
        if verdict == Verdict::Fires && self.takes_on_report(i) {
            if let Some(log) = log {
                log.push(
                    "second opinion: not asked, as the policy takes on the rule it reports"
                        .to_string(),
                );
            }
            return alone;
        }
        if verdict == Verdict::Fires && self.bare_no(i) {
            if let Some(log) = log {
                log.push(
                    "second opinion: not asked, as a question answered with a bare \"No.\" \
                     says all there is to say"
                        .to_string(),
                );
            }
            return alone;
        }
        if verdict == Verdict::Unnamed && !self.lead_names_subject(r, check, i) {
            return alone;
        }
        if self.current.features.is_none() {
            let (before, stretches) = self.opinion_stretches(i);
            let sentence = self.normalised[i].as_str();
            // The same reading as `opinion_texts` gives for training, read
            // in place rather than joined.
            let read: Vec<super::opinion::Features> = stretches
                .iter()
                .map(|&(a, b)| opinion.read_parts(&[&before, &sentence[a..b]]))
                .collect();
            self.current.scores = read.iter().map(|f| opinion.scores(f)).collect();
            self.current.features = Some(read);
        }
        // The stretch that scores highest speaks for the sentence.
        let Some((score, best)) = self
            .current
            .scores
            .iter()
            .take(self.current.features.as_deref().map_or(0, <[_]>::len))
            .enumerate()
            .filter_map(|(j, s)| Some((*s.get(k)?, j)))
            .max_by(|a, b| a.0.total_cmp(&b.0))
        else {
            return alone;
        };
        // The quick reading says silent when a pattern is missing from the
        // words as written, without asking whether context holds the
        // subject or an exception cancels it. Where the score could fire the
        // rule, read the sentence in full (as `--trace` does): neither a
        // held subject nor an excepted one is overturned.
        let verdict = if quick && verdict == Verdict::Silent && score >= opinion.fire_above {
            self.fires(r, check, i, None, false)
        } else {
            verdict
        };
        let bar = match verdict {
            Verdict::Fires => opinion.veto_below,
            Verdict::Silent | Verdict::Unnamed => opinion.fire_above,
            // Reached when the full reading finds the subject held or
            // excepted.
            Verdict::Cancelled | Verdict::Held => return Decision::Silent,
        };
        let mut decided = score >= bar;
        // Firing without a pattern is a guess from the words alone: a
        // sentence that also carries one of the rule's exceptions (another
        // channel offered, a charge rather than a discharge, "regardless
        // of") is not one the guess may overrule.
        let excepted = decided
            && matches!(verdict, Verdict::Silent | Verdict::Unnamed)
            && self.carries_exception(check, i);
        decided &= !excepted;
        // Nor is a fragment too short to state a rule ("4. Missed
        // appointments." as a run-in heading): its words are only a topic.
        // (An answer read with its question, or an item with its lead-in,
        // is not alone: "Yes – required.")
        self.load_with(i);
        let fragment = decided
            && matches!(verdict, Verdict::Silent | Verdict::Unnamed)
            && self.with().is_none()
            && self.sentences[i].lead_in.is_none()
            && self.normalised[i].split_whitespace().count() < MIN_LEARNT_WORDS;
        decided &= !fragment;
        // A rule that asks for it fires without a pattern only on a
        // sentence with a value (the measure named, nothing set); the
        // question or lead-in read with it may give the value.
        let valueless = decided
            && matches!(verdict, Verdict::Silent | Verdict::Unnamed)
            && !check.opinion_needs.is_empty()
            && !self.has_value(check, i);
        decided &= !valueless;
        if let Some(log) = log {
            let features = self
                .current
                .features
                .as_deref()
                .and_then(|f| f.get(best))
                .map_or(&[][..], |f| f.as_slice());
            let moved: Vec<String> = opinion
                .reasons(name, features, 4)
                .iter()
                .map(|(f, x)| format!("\"{f}\" {x:+.2}"))
                .collect();
            let rule = match verdict {
                Verdict::Fires => "a pattern finding stands",
                _ => "fires without a pattern",
            };
            log.push(format!(
                "second opinion: {score:.2} ({rule} from {bar:.2}): {}; weighed most: {}",
                if decided {
                    "fires"
                } else if excepted {
                    "silent (the sentence carries an exception)"
                } else if fragment {
                    "silent (too few words to state a rule)"
                } else if valueless {
                    "silent (the rule's `opinion-needs` finds no value)"
                } else {
                    "silent"
                },
                if moved.is_empty() {
                    "nothing it knows".to_string()
                } else {
                    moved.join(", ")
                }
            ));
        }
        match (decided, fired) {
            (true, true) => Decision::Pattern,
            (true, false) => Decision::Learnt,
            (false, _) => Decision::Silent,
        }
    }

    /// Whether sentence `i` itself (not the question or header read with
    /// it) holds one of the check's own exceptions or a shared one, in any
    /// clause. Asked only when the second opinion would fire a sentence the
    /// patterns left silent, so rarely.
    fn carries_exception(&mut self, check: &ProseCheck, i: usize) -> bool {
        self.load_reading(i);
        let env = self.env;
        let Some(reading) = self.current.reading.as_ref() else {
            return false;
        };
        let text = reading.text.as_str();
        let start = self
            .current
            .own
            .len()
            .saturating_sub(self.normalised[i].len());
        // An exception in a clause the check overrules ("we cannot run
        // face-to-face groups") does not count, as in `fires`.
        let after = |p: &Pattern| {
            p.find_ranges(text).iter().any(|&(a, b)| {
                let (_, (c, d)) = reading.clause(a);
                b > start
                    && !check
                        .overruled_by
                        .iter()
                        .any(|o| o.is_match(text.get(c..d).unwrap_or_default()))
            })
        };
        check
            .unless_set
            .matching(&check.unless, text)
            .into_iter()
            .any(|k| after(&check.unless[k]))
            || env
                .shared_set
                .matching(env.shared, text)
                .into_iter()
                .any(|k| after(&env.shared[k]))
    }

    /// Whether sentence `i`, not a heading or a question, names rule's
    /// subject itself or in what is read with it: the second opinion fires
    /// only where the rule's subject is named.
    fn names_subject(&mut self, check: &ProseCheck, i: usize) -> bool {
        let Some(subject) = check.all.first() else {
            return false;
        };
        if self.headings[i] || self.sentences[i].is_question(self.text) {
            return false;
        }
        self.load_with(i);
        subject.is_match(&self.normalised[i])
            || self.with().is_some_and(|w| subject.is_match(w))
            || self.sentences[i]
                .lead_in
                .is_some_and(|l| subject.is_match(&self.lead_chain(l)))
    }

    /// Whether sentence `i` (not a heading or a question) hangs from a
    /// lead-in chain naming rule `r`'s subject ("Patients with a BMI over
    /// 40:" over "- will not be listed").
    fn lead_names_subject(&mut self, r: usize, check: &ProseCheck, i: usize) -> bool {
        let (Some(lead), Some(subject)) = (self.sentences[i].lead_in, check.all.first()) else {
            return false;
        };
        if self.headings[i] || self.sentences[i].is_question(self.text) {
            return false;
        }
        let key = (r, lead.start(), lead.end());
        if let Some(&named) = self.leads.named.get(&key) {
            return named;
        }
        let named = subject.is_match(&self.lead_chain(lead));
        self.leads.named.insert(key, named);
        named
    }

    /// What the second opinion reads for sentence `i`: the end of its
    /// lead-ins and of the question or header read with it, then the
    /// sentence, a stretch at a time when it is long (see
    /// [`OPINION_WORDS`]). Each text is that lead text and a stretch.
    fn opinion_texts(&mut self, i: usize) -> Vec<String> {
        let (before, stretches) = self.opinion_stretches(i);
        stretches
            .into_iter()
            .map(|(a, b)| {
                let stretch = &self.normalised[i][a..b];
                if before.is_empty() {
                    stretch.to_string()
                } else {
                    format!("{before} {stretch}")
                }
            })
            .collect()
    }

    /// The lead text read before each stretch of sentence `i`, and the
    /// stretches as byte ranges of its normalised text.
    fn opinion_stretches(&mut self, i: usize) -> (String, Vec<(usize, usize)>) {
        self.load_with(i);
        let mut before = match self.sentences[i].lead_in {
            None => String::new(),
            Some(l) => self.lead_chain(l).to_string(),
        };
        if let Some(w) = self.with() {
            before.push(' ');
            before.push_str(w);
        }
        let lead_words = before.split(' ').filter(|w| !w.is_empty()).count();
        if lead_words > OPINION_LEAD_WORDS {
            let skip = lead_words - OPINION_LEAD_WORDS;
            let kept: Vec<&str> = before
                .split(' ')
                .filter(|w| !w.is_empty())
                .skip(skip)
                .collect();
            before = kept.join(" ");
        }
        let sentence = self.normalised[i].as_str();
        // Normalised text has one space between words.
        if sentence.bytes().filter(|&b| b == b' ').count() < OPINION_WORDS {
            return (before, vec![(0, sentence.len())]);
        }
        // Each word's start.
        let starts: Vec<usize> = std::iter::once(0)
            .chain(sentence.match_indices(' ').map(|(k, _)| k + 1))
            .collect();
        let mut stretches = Vec::new();
        let mut start = 0;
        loop {
            let end = (start + OPINION_WORDS).min(starts.len());
            let to = starts.get(end).map_or(sentence.len(), |&k| k - 1);
            stretches.push((starts[start], to));
            if end == starts.len() {
                return (before, stretches);
            }
            start += OPINION_WORDS / 2;
        }
    }

    /// Whether sentence `i` fires rule `r`'s sentence-level check by its
    /// patterns; with `log`, each step of the decision is written there.
    /// `quick` lets a sentence missing a pattern as written be silent
    /// before it is read (whether context holds its subject is not asked).
    fn fires(
        &mut self,
        r: usize,
        check: &ProseCheck,
        i: usize,
        mut log: Option<&mut Vec<String>>,
        quick: bool,
    ) -> Verdict {
        let tracing = log.is_some();
        let mut note = |line: String| {
            if let Some(l) = log.as_deref_mut() {
                l.push(line);
            }
        };
        let Some((subject, rest)) = check.all.split_first() else {
            return Verdict::Unnamed;
        };
        let s = self.sentences[i];
        // A question states no policy; its answer is read with it, as a
        // table row is with its header. The subject may come from those
        // only when the sentence itself names no other rule's subject
        // ("What happens if I miss an appointment? You will be
        // discharged." but not "...if I smoke? Your GP must use the online
        // form.").
        if s.is_question(self.text) {
            note("a question states no policy: silent".into());
            return Verdict::Unnamed;
        }
        // A heading names a topic ("Criterion 1: Body Mass Index"); the
        // items under it read it as their lead-in.
        if self.headings[i] {
            note("a heading states no policy: silent".into());
            return Verdict::Unnamed;
        }
        self.load_with(i);
        let env = self.env;
        let rule_index = r;
        let rule_name = self.names[r];
        let named = subject.is_match(&self.normalised[i]);
        let borrowed = !named
            && self.with().is_some_and(|w| subject.is_match(w))
            && !self.others[r]
                .iter()
                .any(|o| o.is_match(&self.normalised[i]));
        // Otherwise only a lead-in stating the restriction can name the
        // subject, and it cannot without naming it: most items under a
        // lead-in stop here, before the lead-in is read for this rule.
        if !named && !borrowed && !self.lead_names_subject(r, check, i) {
            note("subject: not found".into());
            return Verdict::Unnamed;
        }
        let lead = s.lead_in.map(|l| {
            let span_key = (l.start(), l.end());
            if !self.leads.shared.contains_key(&span_key) {
                let text = self.lead_chain(l);
                let read = env.reader.read(&text);
                // A lead-in governed to its end ("Referrals must include:",
                // "Restrictions reported:") governs the list after it.
                let reported = read
                    .holds
                    .iter()
                    .any(|h| h.rules.is_empty() && h.scope.1 >= read.text.len());
                // A lead-in that sets conditions ("You can use the form
                // if you:") hands them to its items; its own exceptions
                // then do not cancel them.
                let conditional = env
                    .terms
                    .get("conditional-lead")
                    .is_some_and(|p| p.is_match(&text));
                let excepted = env.shared_set.any(env.shared, &read.text);
                let facts = LeadFacts {
                    read,
                    reported,
                    conditional,
                    excepted,
                };
                self.leads.shared.insert(span_key, facts);
            }
            let key = (rule_index, l.start(), l.end());
            if !self.leads.per_rule.contains_key(&key) {
                let facts = &self.leads.shared[&span_key];
                let text = &facts.read.text;
                let found = rest
                    .iter()
                    .take(64)
                    .enumerate()
                    .filter(|(_, p)| p.is_match(text))
                    .fold(0u64, |bits, (k, _)| bits | 1 << k);
                let cancels = facts.reported
                    || !facts.conditional
                        && (facts.excepted || check.unless_set.any(&check.unless, text));
                let free_subject = subject
                    .find_ranges(text)
                    .iter()
                    .any(|&(a, _)| facts.read.held(a, rule_name).is_none());
                let states = free_subject
                    && !cancels
                    && !facts.excepted
                    && (0..rest.len()).all(|k| has(found, k));
                self.leads.per_rule.insert(
                    key,
                    LeadRule {
                        found,
                        cancels,
                        states,
                    },
                );
            }
            let chain = if tracing {
                self.leads.shared[&span_key].read.text.clone()
            } else {
                String::new()
            };
            (self.leads.per_rule[&key], chain)
        });
        let sentence = &self.normalised[i];
        // An item under a lead-in that states the restriction whole is a
        // part of it, whatever it names.
        // (Not a table's header row, nor an item that names another rule's
        // subject: that item is about its own restriction.)
        let header_row = s.with.is_none() && sentence.starts_with('|');
        let from_lead = !named
            && !borrowed
            && !header_row
            && lead.as_ref().is_some_and(|(facts, _)| facts.states)
            && !self.others[r].iter().any(|o| o.is_match(sentence));
        if !named && !borrowed && !from_lead {
            note("subject: not found".into());
            return Verdict::Unnamed;
        }
        // Masking only takes matches away, so a pattern missing from the
        // sentence as written (and its lead-in) is missing from it as
        // read: most sentences stop here, before the reading is made.
        // (A question or header read with the sentence is joined to it in
        // the reading, where a pattern may match across the join: such
        // sentences skip this shortcut.)
        if quick && self.with().is_none() {
            let with = self.with();
            let whole = |p: &Pattern| {
                p.is_match(&self.normalised[i]) || with.is_some_and(|w| p.is_match(w))
            };
            let missing = rest.iter().enumerate().any(|(k, p)| {
                !lead.as_ref().is_some_and(|(facts, _)| has(facts.found, k)) && !whole(p)
            });
            if missing {
                return Verdict::Silent;
            }
        }
        self.load_reading(i);
        // The shared exceptions are the same for every rule: looked for
        // once per sentence.
        if self.current.shared_hits.is_none() {
            let text = self
                .current
                .reading
                .as_ref()
                .map_or("", |r| r.text.as_str());
            self.current.shared_hits = Some(env.shared_set.matching(env.shared, text));
        }
        let shared_hits = self.current.shared_hits.as_deref().unwrap_or_default();
        let own = &self.current.own;
        let Some(base) = self.current.reading.as_ref() else {
            return Verdict::Silent;
        };
        // A rule about a masked measure (a user's age rule) reads it.
        let reading = if base.binds(own, |t| subject.is_match(t)) {
            let mut unmasked = base.clone();
            unmasked.unmask(own, |t| subject.is_match(t));
            std::borrow::Cow::Owned(unmasked)
        } else {
            std::borrow::Cow::Borrowed(base)
        };
        // The subject must be found outside every held stretch.
        let found = subject.find_ranges(&reading.text);
        let free: Vec<(usize, usize)> = found
            .iter()
            .copied()
            .filter(|&(a, _)| reading.held(a, rule_name).is_none())
            .collect();
        for &(a, b) in &found {
            match reading.held(a, rule_name) {
                Some(h) => note(format!(
                    "subject «{}»: held ({} «{}»)",
                    reading.text_of(own, a, b),
                    h.kind,
                    reading.text_of(own, h.trigger.0, h.trigger.1)
                )),
                None => note(format!("subject «{}»: free", reading.text_of(own, a, b))),
            }
        }
        if from_lead {
            note("subject: stated by the lead-in".into());
        } else if free.is_empty() {
            note("no free mention of the subject: silent".into());
            return Verdict::Held;
        }
        if let Some((facts, lead_text)) = &lead {
            if facts.cancels {
                note(format!("lead-in «{lead_text}» reports or excepts: silent"));
                return Verdict::Cancelled;
            }
        }
        for (k, p) in rest.iter().enumerate() {
            let in_lead = lead.as_ref().is_some_and(|(facts, _)| has(facts.found, k));
            if !tracing {
                if !in_lead && !p.is_match(&reading.text) {
                    return Verdict::Silent;
                }
                continue;
            }
            match p.find_first(&reading.text) {
                Some(found) => {
                    // Quoted whole: `\d` finds the `4` of `40`.
                    let quoted = own
                        .get(found.0..found.1)
                        .map_or(found, |_| whole_numbers(own, found));
                    note(format!(
                        "pattern {}: «{}»",
                        k + 2,
                        reading.text_of(own, quoted.0, quoted.1)
                    ))
                }
                None if in_lead => note(format!("pattern {}: in the lead-in", k + 2)),
                None => {
                    note(format!("pattern {}: not found: silent", k + 2));
                    return Verdict::Silent;
                }
            }
        }
        let others = &self.others[r];
        let mut scope = ExceptionScope::new(
            &reading,
            check,
            subject,
            &free,
            others,
            env.anaphora,
            env.reader.carve_outs,
        );
        // Exceptions count in the sentence itself, not in the question or
        // table header read with it ("Who can self-refer? If you live in
        // …" is not an offer to everyone).
        let sentence_start = own.len().saturating_sub(self.normalised[i].len());
        let own_count = check.unless.len();
        // Clauses an exception lifts, where it sits beside the subject.
        let mut excepted: Vec<usize> = Vec::new();
        // Only the exceptions that occur at all are searched for where.
        let occurring = check
            .unless_set
            .matching(&check.unless, &reading.text)
            .into_iter()
            .chain(shared_hits.iter().map(|k| k + own_count));
        for k in occurring {
            let p = if k < own_count {
                &check.unless[k]
            } else {
                &env.shared[k - own_count]
            };
            for (a, b) in p.find_ranges(&reading.text) {
                if b <= sentence_start {
                    continue;
                }
                // A shared exception that names another rule's subject and
                // not this one's ("every smoker, whatever their BMI") is
                // about that rule.
                let (c, applies) = match reading.text.get(a..b).unwrap_or_default() {
                    said if k >= own_count
                        && !subject.is_match(said)
                        && others.iter().any(|o| o.is_match(said)) =>
                    {
                        (reading.clause(a).1, Applies::OtherTopic)
                    }
                    // One that qualifies a mention of this rule's subject
                    // ("every smoker, whatever their BMI") lifts that
                    // mention only: a threshold set by another stands
                    // ("a BMI of 35 to 39.9, and every smoker whatever
                    // their BMI, must ...").
                    said if env.qualifiers.iter().any(|q| q.is_match(said))
                        && subject.is_match(said)
                        && free.iter().any(|&(x, y)| y <= a || x >= b) =>
                    {
                        (reading.clause(a).1, Applies::OwnMentionOnly)
                    }
                    _ => scope.applies(a),
                };
                if tracing {
                    let clause = reading.text_of(own, c.0, c.1);
                    note(format!(
                        "exception «{}» in clause «{}»: {applies}",
                        reading.text_of(own, a, b),
                        clause.trim()
                    ));
                }
                if applies == Applies::Yes {
                    // Beside a mention of the subject, an exception lifts
                    // that mention's clause; elsewhere, the sentence.
                    // A promise not to ("we will not discharge anyone
                    // who misses one") beside a mention of the subject is
                    // about that mention. Any other exception, or one
                    // reaching past its clause ("some …, while others …"),
                    // is about the whole sentence: contact made first
                    // ("writes to patients who have missed two; if they
                    // miss another, …") comes before what follows.
                    // So is a bracket naming the subject for a group of
                    // its own ("BMI below 40 (patients with a BMI of 40 or
                    // above should be referred to weight management)").
                    let (clause, (x, y)) = reading.clause(a);
                    let said = reading.text.get(a..b).unwrap_or_default();
                    let promise = env.denials.iter().any(|d| d.is_match(said));
                    // Only inside the bracket, and not one speaking of the
                    // restriction itself ("(this requirement was
                    // withdrawn)"), which lifts it.
                    let close = reading.text[x..y].find(')').map_or(y, |c| x + c);
                    let bracket = !promise
                        && reading.opens_bracket(clause)
                        && !env
                            .terms
                            .get("restriction-itself")
                            .is_some_and(|t| t.is_match(&reading.text[x..close]));
                    let (y, b) = if bracket {
                        let said_end = said.trim_end_matches(|c: char| !c.is_alphanumeric());
                        (close, a + said_end.len())
                    } else {
                        (y, b)
                    };
                    if !(promise || bracket) || b > y || !free.iter().any(|&(f, _)| x <= f && f < y)
                    {
                        return Verdict::Cancelled;
                    }
                    excepted.push(clause);
                }
            }
        }
        if !excepted.is_empty() {
            // Another clause that names the subject and says the rest on
            // its own, with no exception of its own, still states the
            // restriction ("we will not discharge anyone who misses one
            // appointment, but will discharge anyone who misses two").
            let stands = free.iter().find_map(|&(f, _)| {
                let (clause, (x, y)) = reading.clause(f);
                let text = &reading.text[x..y];
                let says_all = rest.iter().enumerate().all(|(k, p)| {
                    lead.as_ref().is_some_and(|(facts, _)| has(facts.found, k)) || p.is_match(text)
                });
                (!excepted.contains(&clause) && says_all).then_some((x, y))
            });
            match stands {
                Some((x, y)) => note(format!(
                    "the exception lifts its own clause only; «{}» says it again",
                    reading.text_of(own, x, y).trim()
                )),
                None => return Verdict::Cancelled,
            }
        }
        note("fires".into());
        Verdict::Fires
    }
}

/// What a rule's patterns make of a sentence.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Fires,
    /// The sentence does not name the subject (or is a question or a
    /// heading).
    Unnamed,
    /// The subject is named, but a pattern is missing.
    Silent,
    /// Subject and patterns are there, but an exception or the lead-in
    /// cancels them: the words say the restriction does not hold, so no
    /// score overturns it. (Overturning at 0.90 once found five more
    /// restrictions and raised eight more false alarms over the real sets,
    /// each scored by a model that had not seen it, and on new documents it
    /// read "will not be discharged" as a discharge.)
    Cancelled,
    /// Every mention of the subject is held by a reporting, studying,
    /// opposing or advising context: the words say whose the restriction
    /// is, so no score overturns it.
    Held,
}

/// Why a verdict stays silent whatever the second opinion scores, if it
/// does.
fn final_silence(verdict: Verdict) -> Option<&'static str> {
    match verdict {
        Verdict::Held => Some("a held subject stays silent"),
        Verdict::Cancelled => Some("an exception the patterns found stays"),
        _ => None,
    }
}

/// What the engine decides for a sentence and rule, the second opinion
/// heard.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Decision {
    Silent,
    /// The patterns fire (and the second opinion, if asked, agrees).
    Pattern,
    /// No pattern finding, but the second opinion reads a restriction.
    Learnt,
}

/// The label of a finding no pattern made: the reader should know it is
/// the learnt model's reading, and how to see why.
const LEARNT_LABEL: &str =
    "read as a restriction by the learnt second opinion (no pattern matched); `--trace` shows why";

/// Whether an exception found at byte `at` cancels the finding, and why.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Applies {
    Yes,
    Overruled,
    OtherTopic,
    NotReferredBack,
    CarveOut,
    OwnMentionOnly,
}

impl std::fmt::Display for Applies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Applies::Yes => "applies: silent",
            Applies::Overruled => "overruled in its clause",
            Applies::OtherTopic => "about another rule's subject",
            Applies::NotReferredBack => {
                "its clause neither names the subject nor refers back to it"
            }
            Applies::CarveOut => {
                "it is about a group carved out (unless, except), not the restriction"
            }
            Applies::OwnMentionOnly => {
                "it qualifies its own mention of the subject, and another sets a threshold"
            }
        })
    }
}

/// Decides, clause by clause, whether an exception found there cancels
/// the finding. An exception counts in the clause of a free mention of the
/// subject, or in a clause that names no rule's subject but refers back to
/// the nearest clause before it that names this one ("…, but this is
/// optional"). It does not count in a clause about another rule's subject
/// ("smokers are not listed, although BMI is not a barrier"), in a clause
/// that matches the check's `overruled-by` ("we cannot take referrals by
/// telephone or by post"), nor in a clause that neither names nor refers
/// back to the subject ("…; if you wish to engage with services in future,
/// contact us"). Each clause is decided once, so a long sentence full of
/// exceptions costs one look per clause.
struct ExceptionScope<'r> {
    reading: &'r Reading,
    check: &'r ProseCheck,
    subject: &'r Pattern,
    /// Starts of free mentions of the subject, ascending.
    free: Vec<usize>,
    others: &'r [&'r Pattern],
    anaphora: &'r [Pattern],
    decided: foldhash::HashMap<usize, Applies>,
    carve_outs: &'r [String],
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Topic {
    Own,
    Other,
    Neither,
}

impl<'r> ExceptionScope<'r> {
    fn new(
        reading: &'r Reading,
        check: &'r ProseCheck,
        subject: &'r Pattern,
        free: &[(usize, usize)],
        others: &'r [&'r Pattern],
        anaphora: &'r [Pattern],
        carve_outs: &'r [String],
    ) -> Self {
        ExceptionScope {
            reading,
            check,
            subject,
            free: free.iter().map(|&(a, _)| a).collect(),
            others,
            anaphora,
            decided: Default::default(),
            carve_outs,
        }
    }

    fn topic(&self, text: &str) -> Topic {
        if self.subject.is_match(text) {
            Topic::Own
        } else if self.others.iter().any(|o| o.is_match(text)) {
            Topic::Other
        } else {
            Topic::Neither
        }
    }

    fn applies(&mut self, at: usize) -> ((usize, usize), Applies) {
        let (i, (start, end)) = self.reading.clause(at);
        if let Some(&verdict) = self.decided.get(&i) {
            return ((start, end), verdict);
        }
        let clause = &self.reading.text[start..end];
        let first_free = self.free.partition_point(|&a| a < start);
        let names_own = self.free.get(first_free).is_some_and(|&a| a < end);
        let verdict = if self.check.overruled_by.iter().any(|p| p.is_match(clause)) {
            Applies::Overruled
        } else if names_own {
            Applies::Yes
        } else {
            match self.topic(clause) {
                Topic::Own => Applies::Yes,
                Topic::Other => Applies::OtherTopic,
                Topic::Neither => {
                    let bracketed = self.reading.opens_bracket(i);
                    if bracketed || self.anaphora.iter().any(|p| p.is_match(clause)) {
                        self.referent(i)
                    } else {
                        Applies::NotReferredBack
                    }
                }
            }
        };
        self.decided.insert(i, verdict);
        ((start, end), verdict)
    }

    /// What a clause that refers back (a pronoun, a clause with no subject
    /// of its own, a bracket) refers to: the nearest clause before it that
    /// names a subject, looking a few clauses back. A carve-out on the way
    /// ("…, unless cancer pain, which can be expedited") means it is about
    /// the group carved out.
    fn referent(&self, clause: usize) -> Applies {
        const LOOK_BACK: usize = 8;
        for k in (clause.saturating_sub(LOOK_BACK)..=clause).rev() {
            if self.reading.opens_with(k, self.carve_outs) {
                return Applies::CarveOut;
            }
            if k == clause {
                continue;
            }
            let start = self.reading.clauses[k];
            let end = self
                .reading
                .clauses
                .get(k + 1)
                .copied()
                .unwrap_or(self.reading.text.len());
            match self.topic(&self.reading.text[start..end]) {
                Topic::Own => return Applies::Yes,
                Topic::Other => return Applies::OtherTopic,
                Topic::Neither => {}
            }
        }
        Applies::Yes
    }
}

/// One space between words and straight apostrophes, so patterns written
/// with `' '` and `'` match wrapped lines and typographic quotes. Inline
/// HTML comments (`<!-- ... -->`, editors' notes and suppressions) are not
/// policy text and are left out; character references (`&nbsp;`) are read
/// as their characters.
fn normalise(text: &str) -> String {
    // Most sentences hold no reference, comment, tag, strike-through or
    // word broken over a line: their words are read as they stand, with no
    // pass for each.
    let bytes = text.as_bytes();
    let marked = bytes.contains(&b'&')
        || bytes.contains(&b'<')
        || bytes.contains(&b'~')
        || text
            .match_indices('\n')
            .any(|(i, _)| i > 0 && matches!(bytes[i - 1], b'-' | b'\r'));
    let kept = if marked {
        std::borrow::Cow::Owned(unmarked(text))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let mut out = String::with_capacity(kept.len());
    let mut read = |word: &str| {
        // A web address is no wording ("…/patients-who-miss-appointments-
        // are-discharged.docx"): a link keeps its text, a bare address
        // goes.
        // Most words hold no `]` and open with no address's letters:
        // a byte test each spares a substring search per word.
        let link = if word.as_bytes().contains(&b']') {
            word.find("](")
        } else {
            None
        };
        let word = match link {
            Some(at) => &word[..at],
            None if is_address(word) => return,
            None => word,
        };
        let (word, tail) = without_emphasis(word);
        if word.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        if !tail.is_empty() {
            read_word(&mut out, word);
            out.push_str(tail);
            return;
        }
        read_word(&mut out, word);
    };
    // ASCII text (most) is cut at its spaces a byte at a time, not a
    // character; a vertical tab is white space to `split_whitespace` only.
    if kept.is_ascii() && !kept.as_bytes().contains(&0x0b) {
        kept.split_ascii_whitespace().for_each(&mut read);
    } else {
        kept.split_whitespace().for_each(&mut read);
    }
    out
}

/// One word as the patterns read it.
fn read_word(out: &mut String, word: &str) {
    // Initials written with stops ("B.M.I.", "G.P.") read as the
    // abbreviation the patterns know (the last stop goes with them).
    if let Some(letters) = initials(word) {
        out.push_str(&letters);
        return;
    }
    // Most words are ASCII: copied whole. Otherwise curly apostrophes
    // read straight, ligatures spelt out, and soft hyphens and
    // zero-width characters (pasted from web pages and Word) dropped,
    // as PDF text already is (`prose::layout::plain`).
    if word.is_ascii() {
        out.push_str(word);
    } else {
        for c in word.chars() {
            match (c, crate::prose::layout::spelt(c)) {
                (_, Some(s)) => out.push_str(s),
                ('’' | '‘', None) => out.push('\''),
                (c, None) => out.push(c),
            }
        }
    }
}

/// A word without the Markdown emphasis around it, and the punctuation
/// that followed the emphasis: `**not**,` reads `not` and `,`, so "will
/// **not** be referred" matches as "will not be referred" does. A mark
/// inside a word (`snake_case`) or standing alone (`2 * 3`) stays; a word
/// with no marks at its ends comes back whole with no tail.
fn without_emphasis(word: &str) -> (&str, &str) {
    const MARKS: [char; 3] = ['*', '_', '`'];
    let bytes = word.as_bytes();
    let mark = |b: u8| matches!(b, b'*' | b'_' | b'`');
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return (word, "");
    };
    let marked_end = mark(last) || (bytes.len() > 1 && mark(bytes[bytes.len() - 2]));
    if !mark(first) && !marked_end {
        return (word, "");
    }
    let body = word.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'', '”', '’']);
    let tail = &word[body.len()..];
    let core = body.trim_start_matches(MARKS).trim_end_matches(MARKS);
    if core.is_empty() || core.len() == body.len() {
        return (word, "");
    }
    (core, tail)
}

/// [`normalise`]'s text before its words are read: references decoded,
/// comments, struck-through words and tags taken out, a table row of
/// HTML as pipes, words broken over lines joined.
fn unmarked(text: &str) -> String {
    let text = crate::prose::entities::decode(text);
    let mut kept = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(open) = rest.find("<!--") {
        kept.push_str(&rest[..open]);
        kept.push(' ');
        rest = rest[open + 4..]
            .find("-->")
            .map_or("", |close| &rest[open + 4 + close + 3..]);
    }
    kept.push_str(rest);
    let kept = crate::prose::quote::without_struck(&kept);
    let kept = crate::prose::html::row_as_pipes(&kept);
    let kept = crate::prose::html::without_tags(&kept);
    crate::prose::layout::rejoined(&kept).into_owned()
}

/// "B.M.I." as "BMI" and "G.P.," as "GP,": two or more capitals each
/// followed by a stop, then at most a closing punctuation mark.
fn initials(word: &str) -> Option<String> {
    let bytes = word.as_bytes();
    let mut letters = String::new();
    let mut i = 0;
    while i + 1 < bytes.len() && bytes[i].is_ascii_uppercase() && bytes[i + 1] == b'.' {
        letters.push(bytes[i] as char);
        i += 2;
    }
    let rest = &word[i..];
    (letters.len() >= 2
        && rest
            .chars()
            .all(|c| matches!(c, ',' | ';' | ':' | ')' | '?' | '!')))
    .then(|| letters + rest)
}

/// Whether a word is a web address, bare or in brackets.
fn is_address(word: &str) -> bool {
    let word = word.trim_start_matches(['(', '<', '[']);
    if !word.starts_with(['h', 'H', 'w', 'W']) {
        return false;
    }
    ["http://", "https://", "www."].iter().any(|p| {
        word.get(..p.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(p))
    })
}

/// A table row written without outer pipes, as rows with them read.
fn piped(row: String) -> String {
    format!("| {row} |")
}

/// Whether `text` says what a whole-document check looks for (matches
/// one of its `missing` patterns), read as the check reads a sentence:
/// the words of a flowchart drawn in a policy count as the policy's.
pub fn mentions(check: &ProseCheck, text: &str) -> bool {
    let normalised = normalise(text);
    check.missing.iter().any(|p| p.is_match(&normalised))
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
    (!mentioned).then(|| finding(active, check, text, first))
}

fn finding(active: &ActiveRule, check: &ProseCheck, text: &str, sentence: &Sentence) -> Diagnostic {
    let rule = &active.rule;
    let span = sentence.span;
    let said = crate::prose::entities::decode(&text[span.start()..span.end()]);
    // A bare row is quoted as its cells, as a row with pipes is.
    let said = if sentence.bare_row {
        std::borrow::Cow::Owned(piped(said.into_owned()))
    } else {
        said
    };
    let said: &str = &said;
    // An answer is quoted with its question: "No, only online." alone
    // does not say what was refused (a table's header is no question).
    let asked = sentence
        .with
        .filter(|_| !sentence.bare_row)
        .filter(|w| w.end() <= span.start())
        .map(|w| text[w.start()..w.end()].trim())
        // As `Sentence::is_question` reads it: "**Can I…?** No." asks too.
        .filter(|q| {
            q.trim_end_matches(['"', '\'', '”', '’', ')', '*', '_'])
                .ends_with('?')
        });
    // A long sentence is quoted where it names the rule's subject.
    let subject = |flat: &str| check.all.first().and_then(|p| p.find_first(flat));
    let quoted = match asked {
        Some(question) => crate::prose::quote::quote_around(&format!("{question} {said}"), subject),
        None => crate::prose::quote::quote_around(said, subject),
    };
    let vars = [("sentence", quoted)];
    let message = fill(check.message.as_deref().unwrap_or(&rule.summary), &vars);
    let label = check
        .label
        .as_deref()
        .or(rule.label.as_deref())
        .unwrap_or_default();
    let mut d =
        Diagnostic::new(active.name.clone(), active.severity, span, message).with_label(label);
    d.help = Some(std::sync::Arc::clone(
        active.prose_help.as_ref().unwrap_or(&active.help),
    ));
    d.code = Some(active.code.clone());
    d.sources = std::sync::Arc::clone(&active.sources);
    d.question = check.question.as_deref().map(|q| fill(q, &vars));
    d
}

/// A match in `text` widened to the whole numbers it starts or ends in,
/// for `--trace` to quote: a pattern's `\d` finds the `4` of `40`, and
/// «4» would misquote the sentence. What fires is decided before this.
fn whole_numbers(text: &str, (mut a, mut b): (usize, usize)) -> (usize, usize) {
    let bytes = text.as_bytes();
    let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    // A decimal point between digits is part of the number (`18.5`).
    let point = |i: usize| bytes.get(i) == Some(&b'.');
    if a < b && digit(a) {
        while a > 0 && (digit(a - 1) || (a >= 2 && point(a - 1) && digit(a - 2))) {
            a -= 1;
        }
    }
    if a < b && digit(b - 1) {
        while digit(b) || (point(b) && digit(b + 1)) {
            b += 1;
        }
    }
    (a, b)
}

#[cfg(test)]
mod tests {
    use super::normalise;

    /// Initials with stops read as the abbreviation ("B.M.I." missed
    /// every BMI pattern); lower-case ones ("e.g.") and words are kept.
    #[test]
    fn initials_with_stops_read_as_the_abbreviation() {
        assert_eq!(
            normalise("A B.M.I. of 40, a G.P., e.g. Dr. Shah, U.S.A"),
            "A BMI of 40, a GP, e.g. Dr. Shah, U.S.A"
        );
    }

    /// Emphasis around a word ("will **not** be listed") hid the sentence
    /// from every pattern with a space in it; marks inside a word or
    /// standing alone are text.
    #[test]
    fn emphasis_marks_around_words_are_not_read() {
        assert_eq!(
            normalise("Smokers will **not**, ever, be _listed_. `BMI` **B.M.I.**"),
            "Smokers will not, ever, be listed. BMI BMI"
        );
        assert_eq!(
            normalise("see snake_case and 2 * 3 or ** alone"),
            "see snake_case and 2 * 3 or ** alone"
        );
    }
}
