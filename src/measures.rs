//! Criterion attributes: the names a `requires` criterion may give one
//! measure (`body_mass_index < 35` is a BMI criterion), with their units and
//! polarity, from `measures:` in rules/vocabulary.yaml. Rules name measures;
//! this maps whatever a commissioner wrote onto them.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};

use serde::Deserialize;

use crate::ast::{Criterion, Op, ValueKind};
use crate::validate::fmt_num;

/// One measure and the other names it goes by.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// The name rules use, e.g. `bmi`.
    pub measure: String,
    /// How a finding says it in words, e.g. `BMI`; the name when not given.
    #[serde(default)]
    pub called: Option<String>,
    /// What its numbers count, e.g. `weeks`; none for a yes/no measure.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub names: Vec<Name>,
    /// A service may have one of its own (its address, its joint school),
    /// so a node's free property named for the measure is not taken for a
    /// criterion written in the wrong place.
    #[serde(default, rename = "service-property")]
    pub service_property: bool,
    /// A bare number under the measure's name on a node (`bmi: 35`,
    /// `symptom_weeks: 12`) can only be a bound, never a record of the
    /// service (unlike a programme's own length).
    #[serde(default, rename = "bare-number-is-bound")]
    pub bare_number_is_bound: bool,
}

impl Measure {
    pub fn called(&self) -> &str {
        self.called.as_deref().unwrap_or(&self.measure)
    }
}

/// Another name for a measure: a plain word, or one in another unit or of
/// the opposite sense.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Name {
    Plain(String),
    Detailed(DetailedName),
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DetailedName {
    pub name: String,
    /// Its unit when not the measure's; `unstated` when the name does not say.
    #[serde(default)]
    pub unit: Option<String>,
    /// True when the name means the opposite (`non_smoker` of `smoking`).
    #[serde(default)]
    pub negated: bool,
}

impl Name {
    pub fn name(&self) -> &str {
        match self {
            Name::Plain(n) => n,
            Name::Detailed(d) => &d.name,
        }
    }

    pub fn unit(&self) -> Option<&str> {
        match self {
            Name::Plain(_) => None,
            Name::Detailed(d) => d.unit.as_deref(),
        }
    }

    pub fn negated(&self) -> bool {
        matches!(self, Name::Detailed(d) if d.negated)
    }
}

/// `unit_conversions`: from unit → to unit → how many `to` one `from` is.
/// An attribute written another common way, as the vocabulary writes
/// names: `BodyMassIndex` and `bodyMassIndex` as `body_mass_index`, and a
/// yes-or-no prefix dropped (`is_smoker` as `smoker`, `has_completed_physio`
/// as `completed_physio`). `None` when that changes nothing.
fn plain_words(attribute: &str) -> Option<String> {
    // Most names (`age`, `red_flags`) are already plain: nothing is built
    // for them, since every unknown criterion attribute comes here.
    let plain_already = !attribute.bytes().any(|b| b.is_ascii_uppercase())
        && !["is_", "has_", "have_", "was_"]
            .iter()
            .any(|p| attribute.starts_with(p))
        && !attribute.contains("__")
        && !attribute.starts_with('_')
        && !attribute.ends_with('_');
    if plain_already {
        return None;
    }
    let mut snake = String::with_capacity(attribute.len() + 4);
    let mut previous: Option<char> = None;
    for c in attribute.chars() {
        if c.is_ascii_uppercase()
            && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
        previous = Some(c);
    }
    let words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    let words = match words.as_slice() {
        ["is" | "has" | "have" | "was", rest @ ..] if !rest.is_empty() => rest,
        all => all,
    };
    let plain = words.join("_");
    (plain != attribute.to_ascii_lowercase()).then_some(plain)
}

pub type Conversions = BTreeMap<String, BTreeMap<String, f64>>;

/// What one attribute name means.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Meaning {
    /// Index into [`Measures::list`].
    measure: usize,
    negated: bool,
    /// Multiplies a number into the measure's unit; `None` when no
    /// conversion is known (the criterion is matched but not read back).
    factor: Option<f64>,
}

/// The measures with every name indexed, and the attribute names worth
/// suggesting for a near miss.
#[derive(Debug, Clone, Default)]
pub struct Measures {
    list: Vec<Measure>,
    by_name: HashMap<String, Meaning>,
    /// Every known name, then attributes named by rules, lower case.
    known: Vec<String>,
    /// Words a name may add without changing the measure (`at_referral`).
    qualifiers: Vec<String>,
    memo: Memo,
}

impl Measures {
    pub fn new(measures: &[Measure], conversions: &Conversions) -> Self {
        let mut m = Measures {
            list: measures.to_vec(),
            ..Measures::default()
        };
        for (i, measure) in measures.iter().enumerate() {
            let own = Meaning {
                measure: i,
                negated: false,
                factor: Some(1.0),
            };
            m.insert(&measure.measure, own);
            for name in &measure.names {
                let factor = match (name.unit(), measure.unit.as_deref()) {
                    (None, _) => Some(1.0),
                    (Some(from), Some(to)) if from == to => Some(1.0),
                    (Some(from), Some(to)) => {
                        conversions.get(from).and_then(|c| c.get(to)).copied()
                    }
                    (Some(_), None) => None,
                };
                let meaning = Meaning {
                    measure: i,
                    negated: name.negated(),
                    factor,
                };
                m.insert(name.name(), meaning);
            }
        }
        m
    }

    /// The words an attribute may add to a measure's name and still be
    /// that measure (`measure_qualifiers` in rules/vocabulary.yaml).
    pub fn with_qualifiers(mut self, words: &[String]) -> Self {
        self.qualifiers = words.iter().map(|w| w.to_ascii_lowercase()).collect();
        self.memo = Memo::default();
        self
    }

    fn insert(&mut self, name: &str, meaning: Meaning) {
        let key = name.to_ascii_lowercase();
        // The first measure to claim a name keeps it.
        if !self.by_name.contains_key(&key) {
            self.by_name.insert(key.clone(), meaning);
            self.known.push(key);
        }
    }

    /// Adds attribute names that rules look for, so a near miss of one is
    /// suggested too (`agee` for a custom rule on `age`).
    pub fn also_known<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) {
        self.memo = Memo::default();
        for name in names {
            let key = name.to_ascii_lowercase();
            if !self.known.contains(&key) {
                self.known.push(key);
            }
        }
    }

    pub fn list(&self) -> &[Measure] {
        &self.list
    }

    fn meaning(&self, attribute: &str) -> Option<Meaning> {
        let named = if attribute.bytes().any(|b| b.is_ascii_uppercase()) {
            self.by_name.get(&attribute.to_ascii_lowercase()).copied()
        } else {
            self.by_name.get(attribute).copied()
        };
        named.or_else(|| self.qualified(attribute)).or_else(|| {
            let plain = plain_words(attribute)?;
            self.by_name
                .get(&plain)
                .copied()
                .or_else(|| self.qualified(&plain))
        })
    }

    /// A measure's name with qualifier words added (`bmi_at_referral`,
    /// `current_smoker`): the measure the other words name.
    fn qualified(&self, attribute: &str) -> Option<Meaning> {
        // A number names a bound (`bmi_under_40`), not another measure.
        let qualifier = |w: &str| {
            (!w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
                || self.qualifiers.iter().any(|q| q.eq_ignore_ascii_case(w))
        };
        // Most unknown names (`age`, `red_flags`) have no qualifier word:
        // passed over without building anything.
        if !attribute.split('_').any(qualifier) {
            return None;
        }
        let kept: Vec<String> = attribute
            .split('_')
            .filter(|w| !w.is_empty() && !qualifier(w))
            .map(str::to_ascii_lowercase)
            .collect();
        if kept.is_empty() {
            return None;
        }
        self.by_name.get(&kept.join("_")).copied()
    }

    /// Whether an attribute names its measure's opposite (`non_smoker`).
    pub fn negated(&self, attribute: &str) -> bool {
        self.meaning(attribute).is_some_and(|m| m.negated)
    }

    /// The measure an attribute names, if it is a known name of one.
    pub fn measure_of(&self, attribute: &str) -> Option<&Measure> {
        self.meaning(attribute).map(|m| &self.list[m.measure])
    }

    /// Whether `attribute` is known: a name of a measure, or named by a rule.
    pub fn is_known(&self, attribute: &str) -> bool {
        let lower = attribute.to_ascii_lowercase();
        self.by_name.contains_key(&lower)
            || self.known.contains(&lower)
            || self.meaning(attribute).is_some()
    }

    /// What a rule's attribute matches: its measure, or itself (in lower
    /// case) when it names no measure.
    pub fn key(&self, attribute: &str) -> String {
        match self.measure_of(attribute) {
            Some(m) => m.measure.to_ascii_lowercase(),
            None => attribute.to_ascii_lowercase(),
        }
    }

    /// Whether two attributes name the same measure (or, outside the
    /// measures, are the same word in any case).
    pub fn same(&self, a: &str, b: &str) -> bool {
        match (self.meaning(a), self.meaning(b)) {
            (Some(x), Some(y)) => x.measure == y.measure,
            (None, None) => a.eq_ignore_ascii_case(b),
            _ => false,
        }
    }

    /// How a finding names the measure: `BMI` for `body_mass_index`, the
    /// attribute as written when it names no measure.
    pub fn called<'a>(&'a self, attribute: &'a str) -> &'a str {
        self.measure_of(attribute)
            .map_or(attribute, Measure::called)
    }

    /// The criterion in its measure's own terms (`non_smoker == true` reads
    /// `smoking == false`, `symptom_months >= 3` reads `symptom_weeks >= 13`),
    /// or `None` when that is how it is written or it cannot be read back.
    pub fn reading(&self, c: &Criterion) -> Option<String> {
        let meaning = self.meaning(c.attribute.name)?;
        let measure = &self.list[meaning.measure];
        let factor = meaning.factor?;
        let mut op = c.op.value;
        let value = match &c.value.kind {
            ValueKind::Bool(_) if op.is_ordering() => return None,
            ValueKind::Bool(b) => (*b != meaning.negated).to_string(),
            ValueKind::Number(n) => {
                if meaning.negated {
                    return None;
                }
                let x = n * factor;
                // Converted numbers are approximate: one decimal is plenty.
                if factor == 1.0 {
                    fmt_num(x)
                } else {
                    fmt_num((x * 10.0).round() / 10.0)
                }
            }
            ValueKind::Percent(_) if meaning.negated => return None,
            ValueKind::Percent(p) => format!("{}%", fmt_num(*p)),
            ValueKind::Ident(_) | ValueKind::String(_) => {
                if meaning.negated {
                    // Only a yes/no comparison flips cleanly.
                    op = match op {
                        Op::Eq => Op::Ne,
                        Op::Ne => Op::Eq,
                        _ => return None,
                    };
                }
                written_value(c)
            }
            ValueKind::List(_) => return None,
        };
        if op == Op::Assign {
            return None;
        }
        let read = format!("{} {} {value}", measure.measure, op.as_str());
        let written = format!(
            "{} {} {}",
            c.attribute.name,
            c.op.value.as_str(),
            written_value(c)
        );
        (read != written).then_some(read)
    }

    /// Whether a criterion asks for at least some of its measure (`>=`,
    /// `>`, yes) rather than at most or none (`<`, `<=`, no), read in the
    /// measure's own terms (`tobacco_free == true` asks for no smoking).
    /// An exact value, or one that cannot be read so, counts as at least.
    pub fn sets_lower_bound(&self, c: &Criterion) -> bool {
        let negated = self.meaning(c.attribute.name).is_some_and(|m| m.negated);
        match (c.op.value, &c.value.kind) {
            (Op::Lt | Op::Le, _) => negated,
            (Op::Gt | Op::Ge, _) => !negated,
            (Op::Eq | Op::Assign, ValueKind::Bool(b)) => *b != negated,
            (Op::Ne, ValueKind::Bool(b)) => *b == negated,
            _ => true,
        }
    }

    /// The known name closest to an unknown attribute, if one is close: a
    /// slip of the keyboard (`bmii`), or a known name with a few words added
    /// (`bmi_value`, `weight_loss_kg`). Names unlike any known one (`age`,
    /// `pain_score`) get nothing.
    pub fn suggest(&self, attribute: &str) -> Option<&str> {
        let lower = attribute.to_ascii_lowercase();
        // The name as written: its capitals tell `BodyMassIndex`'s words.
        if self.is_known(attribute) {
            return None;
        }
        // Worked out once a run: thousands of small pathways repeat the
        // same few unknown names (`age`, `red_flags`).
        let memo = || self.memo.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(&found) = memo().get(&lower) {
            return found.map(|i| self.known[i].as_str());
        }
        let found = self.nearest(&lower);
        memo().insert(lower, found);
        found.map(|i| self.known[i].as_str())
    }

    /// [`Measures::suggest`] worked out: the index in `known`.
    fn nearest(&self, lower: &str) -> Option<usize> {
        let words: Vec<&str> = lower.split('_').filter(|w| !w.is_empty()).collect();
        let known = self.known.iter().enumerate();
        let extended = known
            .clone()
            .filter(|(_, k)| {
                let theirs = k.split('_').filter(|w| !w.is_empty());
                // Every word of the known name, and at least half the
                // words written, so `bmi_at_referral_date` is too far.
                theirs.clone().all(|w| words.contains(&w)) && theirs.count() * 2 >= words.len()
            })
            .max_by_key(|(_, k)| (k.len(), std::cmp::Reverse(k.as_str())));
        if let Some((i, _)) = extended {
            return Some(i);
        }
        // A slip of the keyboard: as for property keys, one edit in a
        // short name and two in a long one, so `pain_score` is not taken
        // for names three letters away.
        let length = lower.chars().count();
        let limit = if length <= 7 { 1 } else { 2 };
        known
            // The distance is at least the difference in length: most
            // names are passed over without computing it.
            .filter(|(_, k)| k.chars().count().abs_diff(length) <= limit)
            .map(|(i, k)| (strsim::damerau_levenshtein(lower, k), k.as_str(), i))
            .filter(|&(d, k, _)| d <= limit && d < k.chars().count())
            .min()
            .map(|(_, _, i)| i)
    }
}

/// Suggestions already worked out, by lower-case name. A copy of the
/// measures starts with none, since its names may then change.
#[derive(Default)]
struct Memo(Mutex<HashMap<String, Option<usize>>>);

impl Clone for Memo {
    fn clone(&self) -> Self {
        Memo::default()
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

fn written_value(c: &Criterion) -> String {
    match &c.value.kind {
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Number(n) => fmt_num(*n),
        ValueKind::Percent(p) => format!("{}%", fmt_num(*p)),
        ValueKind::String(s) => format!("\"{s}\""),
        ValueKind::Ident(s) => s.to_string(),
        ValueKind::List(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::Vocabulary;

    fn builtin() -> Measures {
        let v = Vocabulary::builtin().unwrap();
        Measures::new(&v.measures, &v.unit_conversions).with_qualifiers(&v.measure_qualifiers)
    }

    fn criterion(text: &str) -> Criterion<'_> {
        let parsed = crate::parser::parse(text);
        let file = parsed.complete().unwrap();
        let route = file.pathways.into_iter().next().unwrap().routes.remove(0);
        route.clauses.unwrap().requires.into_vec().remove(0)
    }

    fn read(m: &Measures, c: &str) -> Option<String> {
        let text = format!("pathway \"p\" {{ a -> b requires {c} }}");
        m.reading(&criterion(&text))
    }

    /// Answers are remembered for the run, and forgotten when the names
    /// known change.
    #[test]
    fn a_remembered_suggestion_follows_the_names_known() {
        let mut m = builtin();
        assert_eq!(m.suggest("bmii"), Some("bmi"));
        assert_eq!(m.suggest("BMII"), Some("bmi"));
        assert_eq!(m.suggest("widgetz"), None);
        assert_eq!(m.suggest("widgetz"), None);
        m.also_known(["widgets"]);
        assert_eq!(m.suggest("widgetz"), Some("widgets"));
    }

    #[test]
    fn synonyms_polarity_and_units_read_as_their_measure() {
        let m = builtin();
        assert_eq!(m.key("Body_Mass_Index"), "bmi");
        assert!(m.same("non_smoker", "smoking"));
        assert!(!m.same("bmi", "weight"));
        assert!(m.same("age", "AGE"));
        assert_eq!(
            read(&m, "non_smoker == true").as_deref(),
            Some("smoking == false")
        );
        assert_eq!(
            read(&m, "smoking_status != current").as_deref(),
            Some("smoking != current")
        );
        assert_eq!(
            read(&m, "symptom_months >= 3").as_deref(),
            Some("symptom_weeks >= 13")
        );
        assert_eq!(
            read(&m, "symptom_days >= 42").as_deref(),
            Some("symptom_weeks >= 6")
        );
        assert_eq!(read(&m, "ohs <= 20").as_deref(), Some("oxford_score <= 20"));
        // As written already, or with no unit to convert from: no reading.
        assert_eq!(read(&m, "bmi < 40"), None);
        assert_eq!(read(&m, "symptom_duration >= 6"), None);
        assert_eq!(read(&m, "age >= 18"), None);
    }

    #[test]
    fn every_unit_in_the_builtin_measures_converts() {
        let v = Vocabulary::builtin().unwrap();
        for measure in &v.measures {
            for name in &measure.names {
                let (Some(from), Some(to)) = (name.unit(), measure.unit.as_deref()) else {
                    continue;
                };
                if from == "unstated" || from == to {
                    continue;
                }
                assert!(
                    v.unit_conversions
                        .get(from)
                        .and_then(|c| c.get(to))
                        .is_some(),
                    "`{}` is in {from}, with no conversion to {to}",
                    name.name()
                );
            }
        }
    }

    #[test]
    fn a_name_with_qualifier_words_added_is_its_measure() {
        let m = builtin();
        for (name, measure) in [
            ("bmi_at_referral", "bmi"),
            ("Current_BMI", "bmi"),
            ("body_mass_index_at_listing", "bmi"),
            ("smoking_status_at_referral", "smoking"),
            ("bmi_value", "bmi"),
        ] {
            assert_eq!(
                m.measure_of(name).map(|x| x.measure.as_str()),
                Some(measure),
                "{name}"
            );
            assert!(m.is_known(name), "{name}");
        }
        // A word that changes what is compared keeps the name unknown.
        for name in ["bmi_at_referral_date", "bmi_recorded", "referral", "at_on"] {
            assert_eq!(m.measure_of(name), None, "{name}");
        }
        assert_eq!(
            read(&m, "bmi_at_referral < 40"),
            Some("bmi < 40".to_string())
        );
    }

    #[test]
    fn near_misses_are_suggested_and_unrelated_names_are_not() {
        let mut m = builtin();
        m.also_known(["age"]);
        assert_eq!(m.suggest("bmii"), Some("bmi"));
        assert_eq!(m.suggest("smokng"), Some("smoking"));
        assert_eq!(m.suggest("bmi_scores"), Some("bmi"));
        // `score` only says which reading: the measure itself.
        assert_eq!(m.suggest("bmi_score"), None);
        assert_eq!(
            m.measure_of("BMI_score").map(|x| x.measure.as_str()),
            Some("bmi")
        );
        assert_eq!(m.suggest("weight_loss_kg"), Some("weight_kg"));
        assert_eq!(m.suggest("agee"), Some("age"));
        for unrelated in [
            "pain_score",
            "region",
            "grade",
            "frailty",
            "bmi_at_referral_date",
        ] {
            assert_eq!(m.suggest(unrelated), None, "{unrelated}");
        }
        assert_eq!(m.suggest("bmi"), None);
        assert_eq!(m.suggest("Non_Smoker"), None);
    }
}
