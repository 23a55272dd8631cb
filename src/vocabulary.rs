//! The known words of the language, from `rules/vocabulary.yaml` (built into
//! the binary) plus any extensions an organisation configures.

use serde::Deserialize;

use crate::measures::{Conversions, Measure};
use crate::prose::context::{Measure as ProseMeasure, Modifier};
use crate::rules::model::Pattern;

const BUILTIN: &str = include_str!("../rules/vocabulary.yaml");

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Vocabulary {
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub offers: Vec<String>,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub dna_actions: Vec<String>,
    #[serde(default)]
    pub node_properties: Vec<String>,
    #[serde(default)]
    pub pathway_fields: Vec<String>,
    /// Other names authors give a node property (`dna_policy` for
    /// `on_dna`), by the property they stand for.
    #[serde(default)]
    pub property_names: std::collections::BTreeMap<String, Vec<String>>,
    /// Words by which a node property's key names missed appointments
    /// (`dna`, `missed`, `did_not_attend`), so that its actions
    /// (`discharge_after_dna: true`) are a DNA policy. One holding an
    /// underscore is found anywhere in the key, any other as a part of it
    /// between underscores; keys are compared in lower case.
    #[serde(default)]
    pub dna_key_words: Vec<String>,
    /// Exceptions every sentence-level prose check shares, on top of its
    /// own `unless` (docs/rules-format.md, section 8).
    #[serde(default)]
    pub prose_exceptions: Vec<Pattern>,
    /// Numbers bound to a measure no rule is about (an age, a look-back
    /// window), masked before any rule reads a sentence.
    #[serde(default)]
    pub prose_measures: Vec<ProseMeasure>,
    /// Context triggers (reporting, opposing, advising, supposing) and the
    /// stretch of a sentence each governs.
    #[serde(default)]
    pub prose_context: Vec<Modifier>,
    /// Where a new clause starts (lower case, spaces included).
    #[serde(default)]
    pub prose_clause_breaks: Vec<String>,
    /// Clause breaks that open a carve-out ("unless", "except").
    #[serde(default)]
    pub prose_carve_outs: Vec<String>,
    /// Words by which a clause naming no subject refers back to one ("this",
    /// "the threshold"): only such a clause carries an exception across.
    #[serde(default)]
    pub prose_anaphora: Vec<Pattern>,
    /// Openings by which a sentence continues the one before it ("After 14
    /// days, …"): such a sentence may take its subject from that one.
    #[serde(default)]
    pub prose_carry_over: Vec<Pattern>,
    /// Words by which an exception denies ("will not discharge"): beside a
    /// mention of the subject it lifts that mention's clause only.
    #[serde(default)]
    pub prose_denials: Vec<Pattern>,
    /// Openings of an exception that qualifies one mention ("whatever
    /// their BMI"): it lifts that mention only.
    #[serde(default)]
    pub prose_qualifiers: Vec<Pattern>,
    /// Words by which the policy takes on a rule it has just reported
    /// ("…, and we do the same"): a report before them holds nothing.
    #[serde(default)]
    pub prose_adoption: Vec<Pattern>,
    /// Named patterns that rules' prose patterns use as `{{name}}`: wording
    /// shared by several rules (how policies withhold access) kept once.
    #[serde(default)]
    pub prose_terms: std::collections::BTreeMap<String, Pattern>,
    /// The reading patterns compiled together, on first use.
    #[serde(skip)]
    pub prose_prefilter: crate::prose::context::Prefilter,
    /// `prose_exceptions` compiled together, on first use.
    #[serde(skip)]
    pub prose_exceptions_set: crate::rules::model::SetCache,
    /// Words that, as a part of a free node property's key, say its values
    /// are shut out (`exclusions`, `ineligible`), so a measure listed under
    /// it is a condition (`exclusions: [smokers]`). One holding an
    /// underscore (`not_accepted`) is found anywhere in the key.
    #[serde(default)]
    pub exclusion_words: Vec<String>,
    /// Words that, as a part of a property's key, make a number under a
    /// measure's name a bound on it (`max_bmi: 40`, `bmi_limit: 40`).
    #[serde(default)]
    pub bound_words: Vec<String>,
    /// Words that, as a part of a property's key, make a number under a
    /// measure's name a lower bound on it, a floor people must reach
    /// (`min_symptom_weeks: 12`). They make the number a bound as
    /// `bound_words` do.
    #[serde(default)]
    pub lower_bound_words: Vec<String>,
    /// Words by which a short string with a number compares (`"under 40"`,
    /// `"40 or less"`): lower case, spaces included.
    #[serde(default)]
    pub comparison_words: Vec<String>,
    /// Criterion attributes and the names each goes by (src/measures.rs).
    #[serde(default)]
    pub measures: Vec<Measure>,
    /// Words an attribute may add to a measure's name without changing
    /// what it measures (`bmi_at_referral`).
    #[serde(default)]
    pub measure_qualifiers: Vec<String>,
    #[serde(default)]
    pub unit_conversions: Conversions,
    /// Named lists of capabilities (kinds and offers) that rules write as
    /// `group:NAME` and the maturity score reads too.
    #[serde(default)]
    pub capability_groups: std::collections::BTreeMap<String, Vec<String>>,
    /// Other names people write for a channel (`web` for `online`): each
    /// draws `unknown-channel` with the channel to write instead, and a
    /// rule that lists the channel counts them as it.
    #[serde(default)]
    pub channel_synonyms: std::collections::BTreeMap<String, Vec<String>>,
    /// The names services go by in drawn pathways, with the kind, offers
    /// and channels each stands for (src/import/meaning.rs).
    #[serde(default)]
    pub diagram_names: Vec<DiagramName>,
    /// Kinds that are ways in: a drawn shape of one with nothing leading to
    /// it is read as an entry.
    #[serde(default)]
    pub entry_kinds: Vec<String>,
}

/// Names a service is drawn with, and what they say about it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DiagramName {
    pub names: Vec<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub offers: Vec<String>,
    #[serde(default)]
    pub channels: Vec<String>,
}

impl Vocabulary {
    /// The built-in vocabulary. It is compiled in and covered by a test, so
    /// a failure here is a build defect; it still returns an error rather
    /// than panicking.
    pub fn builtin() -> Result<Vocabulary, serde_norway::Error> {
        let mut vocabulary: Vocabulary =
            crate::rules::model::trusting(|| serde_norway::from_str(BUILTIN))?;
        crate::rules::model::trusting(|| vocabulary.expand_terms())
            .map_err(<serde_norway::Error as serde::de::Error>::custom)?;
        Ok(vocabulary)
    }

    /// Fills in every `{{term}}` of the reading patterns (exceptions,
    /// measures, context triggers and the rest) from `prose_terms`, as a
    /// rule's own patterns are: a number written as a word ("eighteen
    /// months") is then one term kept in one place. An unknown name is an
    /// error. Patterns already filled in are left as they are.
    pub fn expand_terms(&mut self) -> Result<(), String> {
        let terms = &self.prose_terms;
        let lists = [
            &mut self.prose_exceptions,
            &mut self.prose_anaphora,
            &mut self.prose_carry_over,
            &mut self.prose_denials,
            &mut self.prose_qualifiers,
            &mut self.prose_adoption,
        ];
        for list in lists {
            for p in list.iter_mut() {
                *p = p.expand(terms)?;
            }
        }
        for m in &mut self.prose_measures {
            m.pattern = m.pattern.expand(terms)?;
        }
        for m in &mut self.prose_context {
            m.pattern = m.pattern.expand(terms)?;
        }
        self.prose_prefilter = Default::default();
        self.prose_exceptions_set = Default::default();
        Ok(())
    }

    /// The capabilities of the group `name`, or none if there is no such
    /// group.
    pub fn group(&self, name: &str) -> Vec<&str> {
        self.capability_groups
            .get(name)
            .map(|words| words.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The channel `word` is another name for (`web` → `online`), written
    /// in any case and with spaces or hyphens for underscores.
    pub fn channel_for(&self, word: &str) -> Option<&str> {
        let plain = plain_channel(word);
        self.channel_synonyms
            .iter()
            .find(|(_, names)| names.contains(&plain))
            .map(|(channel, _)| channel.as_str())
    }

    /// Adds the words of `other` that are not already known.
    pub fn extend(&mut self, other: Vocabulary) {
        fn merge(into: &mut Vec<String>, from: Vec<String>) {
            for word in from {
                if !into.contains(&word) {
                    into.push(word);
                }
            }
        }
        merge(&mut self.kinds, other.kinds);
        merge(&mut self.offers, other.offers);
        merge(&mut self.channels, other.channels);
        merge(&mut self.dna_actions, other.dna_actions);
        merge(&mut self.node_properties, other.node_properties);
        merge(&mut self.pathway_fields, other.pathway_fields);
        // Keys are matched in lower case, so names are kept so too.
        for (key, names) in other.property_names {
            let names = names.iter().map(|n| n.to_ascii_lowercase()).collect();
            merge(self.property_names.entry(key).or_default(), names);
        }
        merge(&mut self.measure_qualifiers, other.measure_qualifiers);
        // Keys and strings are matched in lower case; a word with nothing
        // in it would match everything.
        let lower = |words: Vec<String>| {
            words
                .into_iter()
                .filter(|w| !w.trim().is_empty())
                .map(|w| w.to_lowercase())
                .collect()
        };
        merge(&mut self.exclusion_words, lower(other.exclusion_words));
        merge(&mut self.bound_words, lower(other.bound_words));
        merge(&mut self.dna_key_words, lower(other.dna_key_words));
        merge(&mut self.lower_bound_words, lower(other.lower_bound_words));
        merge(&mut self.comparison_words, lower(other.comparison_words));
        fn add<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
            for item in from {
                if !into.contains(&item) {
                    into.push(item);
                }
            }
        }
        self.prose_prefilter = Default::default();
        self.prose_exceptions_set = Default::default();
        add(&mut self.prose_exceptions, other.prose_exceptions);
        add(&mut self.prose_measures, other.prose_measures);
        add(&mut self.prose_context, other.prose_context);
        add(&mut self.prose_clause_breaks, other.prose_clause_breaks);
        add(&mut self.prose_carve_outs, other.prose_carve_outs);
        add(&mut self.prose_anaphora, other.prose_anaphora);
        add(&mut self.prose_carry_over, other.prose_carry_over);
        add(&mut self.prose_denials, other.prose_denials);
        add(&mut self.prose_qualifiers, other.prose_qualifiers);
        add(&mut self.prose_adoption, other.prose_adoption);
        // A term named again is widened: its alternatives are added.
        for (name, p) in other.prose_terms {
            let merged = match self.prose_terms.get(&name) {
                Some(old) if *old != p => {
                    Pattern::new(&format!("(?:{})|(?:{})", old.source, p.source))
                }
                Some(old) => Ok(old.clone()),
                None => Ok(p),
            };
            if let Ok(merged) = merged {
                self.prose_terms.insert(name, merged);
            }
        }
        for measure in other.measures {
            match self
                .measures
                .iter_mut()
                .find(|m| m.measure == measure.measure)
            {
                Some(known) => {
                    for name in measure.names {
                        if !known.names.iter().any(|n| n.name() == name.name()) {
                            known.names.push(name);
                        }
                    }
                }
                None => self.measures.push(measure),
            }
        }
        for (from, to) in other.unit_conversions {
            self.unit_conversions.entry(from).or_default().extend(to);
        }
        for (name, words) in other.capability_groups {
            merge(self.capability_groups.entry(name).or_default(), words);
        }
        for (channel, names) in other.channel_synonyms {
            // Written as the pathway's words are compared ("Patient Hub"
            // as `patient_hub`).
            let names = names.iter().map(|n| plain_channel(n)).collect();
            merge(self.channel_synonyms.entry(channel).or_default(), names);
        }
        add(&mut self.diagram_names, other.diagram_names);
        merge(&mut self.entry_kinds, other.entry_kinds);
    }
}

/// A channel's name as the vocabulary writes it: lower case, with
/// underscores for spaces and hyphens ("NHS app" is `nhs_app`).
pub fn plain_channel(word: &str) -> String {
    word.trim().to_lowercase().replace([' ', '-'], "_")
}

pub fn contains(list: &[String], word: &str) -> bool {
    list.iter().any(|w| w == word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_vocabulary_loads_with_every_list() {
        let v = Vocabulary::builtin().unwrap();
        assert_eq!(v.kinds.len(), 20);
        assert_eq!(v.offers.len(), 25);
        assert_eq!(v.channels.len(), 8);
        assert!(contains(&v.dna_actions, "discharge"));
        assert!(contains(&v.node_properties, "on_dna"));
        assert!(contains(&v.pathway_fields, "inequalities"));
        assert!(v.prose_exceptions.len() >= 3);
        assert!(v.measures.iter().any(|m| m.measure == "bmi"));
        for p in &v.prose_exceptions {
            p.compile().unwrap();
        }
        let reading = v
            .prose_measures
            .iter()
            .map(|m| &m.pattern)
            .chain(v.prose_context.iter().map(|c| &c.pattern))
            .chain(&v.prose_anaphora)
            .chain(&v.prose_carry_over)
            .chain(&v.prose_denials)
            .chain(&v.prose_qualifiers)
            .chain(&v.prose_adoption)
            .chain(v.prose_terms.values());
        for p in reading {
            p.compile().unwrap_or_else(|e| panic!("{e}"));
            assert!(!p.source.contains("{{"), "left unfilled: {}", p.source);
        }
        assert!(v.prose_terms.contains_key("withhold"));
        assert!(v.prose_clause_breaks.iter().any(|b| b == "; "));
        // Matched against keys and strings in lower case, and none empty.
        for (name, list) in [
            ("exclusion_words", &v.exclusion_words),
            ("bound_words", &v.bound_words),
            ("lower_bound_words", &v.lower_bound_words),
            ("dna_key_words", &v.dna_key_words),
            ("comparison_words", &v.comparison_words),
        ] {
            assert!(!list.is_empty(), "{name}");
            for w in list {
                assert!(
                    !w.trim().is_empty() && *w == w.to_lowercase(),
                    "{name}: {w:?}"
                );
            }
        }
        assert!(contains(&v.bound_words, "max"));
        assert!(contains(&v.lower_bound_words, "min"));
        assert!(contains(&v.dna_key_words, "dna"));
        assert!(contains(&v.exclusion_words, "not_accepted"));
        assert!(contains(&v.comparison_words, "under "));
    }

    #[test]
    fn other_names_for_properties_stand_for_known_ones() {
        let v = Vocabulary::builtin().unwrap();
        assert!(v.property_names["on_dna"].iter().any(|n| n == "dna_policy"));
        for (real, names) in &v.property_names {
            assert!(contains(&v.node_properties, real), "{real}");
            for n in names {
                // Neither a real key nor a name given to two keys.
                assert!(!contains(&v.node_properties, n), "{n}");
                let owners = v.property_names.values().filter(|l| l.contains(n));
                assert_eq!(owners.count(), 1, "{n}");
            }
        }
    }

    #[test]
    fn a_count_is_read_in_figures_or_words() {
        let v = Vocabulary::builtin().unwrap();
        let count = Pattern::new(&format!("^(?:{})$", v.prose_terms["count"].source)).unwrap();
        for n in ["6", "18", "six", "eighteen", "twenty-four", "ninety nine"] {
            assert!(count.is_match(n), "{n}");
        }
        for n in ["a", "several", "sixth", "hundred"] {
            assert!(!count.is_match(n), "{n}");
        }
        // A measure written with the term reads a length in words.
        let treatment = v
            .prose_measures
            .iter()
            .find(|m| m.measure == "treatment length")
            .unwrap();
        assert!(treatment
            .pattern
            .is_match("after eighteen months of physiotherapy"));
    }

    #[test]
    fn a_term_nobody_defined_is_an_error() {
        let mut v = Vocabulary::builtin().unwrap();
        v.prose_denials
            .push(Pattern::new("{{no-such-term}} x").unwrap());
        let err = v.expand_terms().unwrap_err();
        assert!(err.contains("no-such-term"), "{err}");
    }

    #[test]
    fn diagram_names_stand_for_known_words() {
        let v = Vocabulary::builtin().unwrap();
        assert!(v.diagram_names.len() > 20);
        for d in &v.diagram_names {
            assert!(!d.names.is_empty());
            if let Some(kind) = &d.kind {
                assert!(contains(&v.kinds, kind), "{kind}");
            }
            for o in &d.offers {
                assert!(contains(&v.offers, o), "{o}");
            }
            for c in &d.channels {
                assert!(contains(&v.channels, c), "{c}");
            }
        }
        for k in &v.entry_kinds {
            assert!(contains(&v.kinds, k), "{k}");
        }
    }

    #[test]
    fn channel_synonyms_name_known_channels_and_unknown_words() {
        let v = Vocabulary::builtin().unwrap();
        assert_eq!(v.channel_for("Web"), Some("online"));
        assert_eq!(v.channel_for("face-to-face"), Some("in_person"));
        assert_eq!(v.channel_for("online"), None);
        for (channel, names) in &v.channel_synonyms {
            assert!(contains(&v.channels, channel), "{channel}");
            for n in names {
                assert!(!contains(&v.channels, n), "{n} is a channel itself");
            }
        }
    }

    #[test]
    fn capability_groups_hold_known_words() {
        let v = Vocabulary::builtin().unwrap();
        assert!(!v.capability_groups.is_empty());
        for (name, words) in &v.capability_groups {
            assert!(!words.is_empty(), "{name}");
            for w in words {
                assert!(
                    contains(&v.kinds, w) || contains(&v.offers, w),
                    "{name}: {w}"
                );
            }
        }
    }
}
