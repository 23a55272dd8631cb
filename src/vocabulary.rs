//! The known words of the language, from `rules/vocabulary.yaml` (built into
//! the binary) plus any extensions an organisation configures.

use serde::Deserialize;

use crate::measures::{Conversions, Measure};
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
    /// Exceptions every sentence-level prose check shares, on top of its
    /// own `unless` (docs/rules-format.md, section 8).
    #[serde(default)]
    pub prose_exceptions: Vec<Pattern>,
    /// Criterion attributes and the names each goes by (src/measures.rs).
    #[serde(default)]
    pub measures: Vec<Measure>,
    #[serde(default)]
    pub unit_conversions: Conversions,
}

impl Vocabulary {
    /// The built-in vocabulary. It is compiled in and covered by a test, so
    /// a failure here is a build defect; it still returns an error rather
    /// than panicking.
    pub fn builtin() -> Result<Vocabulary, serde_norway::Error> {
        serde_norway::from_str(BUILTIN)
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
        for pattern in other.prose_exceptions {
            if !self.prose_exceptions.contains(&pattern) {
                self.prose_exceptions.push(pattern);
            }
        }
    }
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
    }
}
