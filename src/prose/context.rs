//! How one sentence is read before any rule looks at it, in the manner of
//! clinical NLP's NegEx and ConText: numbers bound to something other than
//! the rules' subjects are masked (an age, a look-back window), the
//! sentence is cut into clauses, and context triggers (reporting, opposing,
//! advising, supposing) mark the stretch of text they govern. A rule's
//! subject inside such a stretch is *held*: the sentence talks about the
//! restriction without imposing it. All of it is data in
//! `rules/vocabulary.yaml`, so users can extend it.

use serde::Deserialize;

use crate::rules::model::{AnyOf, Lazy, Pattern};

/// A number bound to a measure that no access rule is about: masked so
/// that "adults over 18" is not read as a threshold and "seen in the last
/// 12 months" not as a symptom duration.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub measure: String,
    pub pattern: Pattern,
    /// Bind without masking: the number is what a rule reads (a symptom
    /// duration), and no other measure may mask it ("pain began within the
    /// last three months" is not a look-back window).
    #[serde(default)]
    pub keep: bool,
}

/// A context trigger and the stretch it governs.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Modifier {
    /// What the trigger says about the text it governs: `reported`,
    /// `opposed`, `advised`, `supposed`, ...; shown in traces.
    pub kind: String,
    #[serde(default)]
    pub scope: Scope,
    pub pattern: Pattern,
    /// Only these rules' subjects are held (default: every rule's).
    #[serde(default)]
    pub rules: Vec<String>,
}

/// How far a trigger reaches. Every scope stops at the sentence's end;
/// `clause`, `forward` and `backward` also stop at a clause boundary.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// The whole sentence ("…, two ICBs have announced").
    Sentence,
    /// The trigger's clause, both ways ("strongly encouraged to lose weight").
    #[default]
    Clause,
    /// From the trigger to the end of its clause ("we advise against …").
    Forward,
    /// From the start of its clause to the end of the trigger.
    Backward,
    /// From the end of the trigger to the end of the sentence, across
    /// clauses (a list that runs on in brackets).
    ToEnd,
}

/// The clause breaks compiled into one search, so a sentence is cut in one
/// pass. Built on first use; a vocabulary that is extended gets a fresh
/// one.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Prefilter(Lazy<Option<Compiled>>);

#[derive(Debug)]
struct Compiled {
    breaks: Option<regex::bytes::Regex>,
    /// Breaks written with a `|` (`" and |we "`), lower case without it,
    /// and where in them the clause starts: the words after the bar open
    /// the next clause ("we urge the board to drop it").
    cuts: Vec<(String, usize)>,
    /// The measures' and the modifiers' patterns, each searched together:
    /// one pass tells which occur.
    measures: Option<AnyOf>,
    modifiers: Option<AnyOf>,
}

impl Prefilter {
    fn get(&self, reader: &Reader<'_>) -> Option<&Compiled> {
        self.0
             .0
            .get_or_init(|| {
                // Longest first: at one position the search takes the first
                // alternative that matches, and " (unless " must win over
                // " (".
                let mut sorted: Vec<&String> = reader.breaks.iter().collect();
                sorted.sort_by_key(|b| std::cmp::Reverse(b.len()));
                let breaks = sorted
                    .iter()
                    .map(|b| regex::escape(&b.replace('|', "")))
                    .collect::<Vec<_>>()
                    .join("|");
                let cuts = sorted
                    .iter()
                    .filter_map(|b| {
                        let at = b.find('|')?;
                        Some((b.replace('|', "").to_ascii_lowercase(), at))
                    })
                    .collect();
                Some(Compiled {
                    cuts,
                    measures: AnyOf::new(reader.measures.iter().map(|m| &m.pattern)),
                    modifiers: AnyOf::new(reader.modifiers.iter().map(|m| &m.pattern)),
                    breaks: (!breaks.is_empty())
                        .then(|| {
                            regex::bytes::RegexBuilder::new(&breaks)
                                .unicode(false)
                                .case_insensitive(true)
                                .build()
                                .ok()
                        })
                        .flatten(),
                })
            })
            .as_ref()
    }
}

/// The items of `all` whose pattern occurs in `text`, in order: found in
/// one search when their patterns are compiled together (`set`).
fn occurring<'t, T>(
    all: &'t [T],
    set: Option<&AnyOf>,
    text: &str,
    pattern: impl Fn(&T) -> &Pattern,
) -> Vec<&'t T> {
    match set {
        Some(set) => set
            .matching(text.as_bytes())
            .into_iter()
            .filter_map(|k| all.get(k))
            .collect(),
        None => all.iter().filter(|m| pattern(m).is_match(text)).collect(),
    }
}

/// The vocabulary's reading data, borrowed for one run.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'v> {
    pub measures: &'v [Measure],
    pub modifiers: &'v [Modifier],
    /// Strings (lower case, with their spaces) at which a new clause starts.
    pub breaks: &'v [String],
    /// Breaks that open a carve-out ("unless", "except"): an exception
    /// there, or in a clause referring back to it, is about the group
    /// carved out, not about the restriction.
    pub carve_outs: &'v [String],
    /// Words by which the policy takes on a rule it has just reported
    /// ("…, and we do the same"): a report before them holds nothing.
    pub adoption: &'v [Pattern],
    pub prefilter: &'v Prefilter,
}

/// A stretch governed by a context trigger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub kind: String,
    /// Byte range of the trigger in the read text.
    pub trigger: (usize, usize),
    /// Byte range it governs.
    pub scope: (usize, usize),
    /// The rules it holds; empty for every rule.
    pub rules: Vec<String>,
}

/// One sentence as the rules see it.
#[derive(Debug, Clone)]
pub struct Reading {
    /// The text with bound measures masked (same length, same offsets).
    pub text: String,
    /// Masked stretches and their measure.
    pub masks: Vec<(String, (usize, usize))>,
    /// For each mask, the whole stretch its pattern matched (wider than the
    /// mask when the pattern names the part to mask): what a rule is shown
    /// when deciding whether the measure is its own.
    bound: Vec<(usize, usize)>,
    /// Start offsets of clauses, ascending, the first 0.
    pub clauses: Vec<usize>,
    pub holds: Vec<Hold>,
    /// Whether `prose_adoption` wording took on a report here ("…, and we
    /// do the same"): the words of the report no longer speak against it.
    pub adopted: bool,
    /// The union of the holds' scopes: (start, end, first hold), sorted.
    held: Vec<(usize, usize, usize)>,
    /// The holds for named rules only, by index.
    named: Vec<usize>,
}

/// The character masked text is replaced with: a word character, so a
/// masked number is neither a digit nor a word boundary inside.
const MASK: u8 = b'_';

/// The kind of context trigger that reports what others do; only such a
/// report can be taken on by `prose_adoption` wording.
const REPORTED: &str = "reported";

impl Reader<'_> {
    /// Reads `text` (already normalised: single spaces, straight quotes).
    pub fn read(&self, text: &str) -> Reading {
        let compiled = self.prefilter.get(self);
        // One search over each set tells which patterns occur; only those
        // are searched for their positions.
        let measures = occurring(
            self.measures,
            compiled.and_then(|c| c.measures.as_ref()),
            text,
            |m| &m.pattern,
        );
        let mut bytes = text.as_bytes().to_vec();
        let mut masks = Vec::new();
        let mut bound = Vec::new();
        let mut kept: Vec<(usize, usize)> = measures
            .iter()
            .filter(|m| m.keep)
            .flat_map(|m| {
                let ranges = m.pattern.find_ranges(text);
                masks.extend(ranges.iter().map(|&r| (m.measure.clone(), r)));
                bound.extend(ranges.iter().copied());
                ranges
            })
            .collect();
        kept.sort_unstable();
        let overlaps_kept = |start: usize, end: usize| {
            let i = kept.partition_point(|&(a, _)| a < end);
            kept[..i].iter().rev().take(8).any(|&(_, b)| start < b)
        };
        for m in measures.iter().filter(|m| !m.keep) {
            for ((start, end), whole) in m.pattern.mask_ranges(text) {
                if overlaps_kept(start, end) {
                    continue;
                }
                masks.push((m.measure.clone(), (start, end)));
                bound.push(whole);
                for b in &mut bytes[start..end] {
                    // Only letters and digits: word characters stay word
                    // characters and punctuation stays, so masking can only
                    // take a match away, never make one (and multi-byte
                    // characters are left whole).
                    if b.is_ascii_alphanumeric() {
                        *b = MASK;
                    }
                }
            }
        }
        let masked = String::from_utf8(bytes).unwrap_or_else(|_| text.to_string());
        let clauses = match compiled.and_then(|c| c.breaks.as_ref()) {
            Some(breaks) => {
                let cuts = compiled.map_or(&[][..], |c| &c.cuts[..]);
                let mut at = vec![0];
                at.extend(breaks.find_iter(masked.as_bytes()).map(|m| {
                    let found = &masked.as_bytes()[m.start()..m.end()];
                    cuts.iter()
                        .find(|(b, _)| found.eq_ignore_ascii_case(b.as_bytes()))
                        .map_or(m.end(), |&(_, cut)| m.start() + cut)
                }));
                at.retain(|&i| i < masked.len());
                at.sort_unstable();
                at.dedup();
                at
            }
            // No breaks in the vocabulary: one clause.
            None => vec![0],
        };
        let modifiers = occurring(
            self.modifiers,
            compiled.and_then(|c| c.modifiers.as_ref()),
            &masked,
            |m| &m.pattern,
        );
        let mut holds = Vec::new();
        for m in modifiers {
            for (start, end) in m.pattern.find_ranges(&masked) {
                let (c_start, c_end) = clause_of(&clauses, masked.len(), start);
                let scope = match m.scope {
                    Scope::Sentence => (0, masked.len()),
                    Scope::Clause => (c_start, c_end),
                    Scope::Forward => (start, c_end),
                    Scope::Backward => (c_start, end),
                    Scope::ToEnd => (end, masked.len()),
                };
                holds.push(Hold {
                    kind: m.kind.clone(),
                    trigger: (start, end),
                    scope,
                    rules: m.rules.clone(),
                });
            }
        }
        // A rule reported and then taken on ("Several providers discharge
        // …, and we do the same") is the policy's own: the report holds
        // nothing. Looked for only where something is reported, which few
        // sentences are.
        let mut taken_on = false;
        if holds.iter().any(|h| h.kind == REPORTED) {
            let adopted = self
                .adoption
                .iter()
                .filter_map(|p| p.find_first(&masked))
                .map(|(a, _)| a)
                .min();
            if let Some(at) = adopted {
                let before = holds.len();
                holds.retain(|h| h.kind != REPORTED || h.trigger.0 >= at);
                taken_on = holds.len() < before;
            }
        }
        // Held stretches merged and sorted, so a lookup is a binary search
        // however many triggers a long sentence has.
        let mut order: Vec<usize> = (0..holds.len())
            .filter(|&i| holds[i].rules.is_empty())
            .collect();
        order.sort_by_key(|&i| holds[i].scope);
        let mut held: Vec<(usize, usize, usize)> = Vec::new();
        for i in order {
            let (a, b) = holds[i].scope;
            match held.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => held.push((a, b, i)),
            }
        }
        let named = (0..holds.len())
            .filter(|&k| !holds[k].rules.is_empty())
            .collect();
        Reading {
            text: masked,
            masks,
            bound,
            clauses,
            holds,
            adopted: taken_on,
            held,
            named,
        }
    }
}

impl Reading {
    /// The hold governing byte `at` for `rule`, if any.
    pub fn held(&self, at: usize, rule: &str) -> Option<&Hold> {
        // Holds for named rules only are few: looked through one by one.
        let named = self
            .named
            .iter()
            .map(|&k| &self.holds[k])
            .find(|h| h.rules.iter().any(|r| r == rule) && h.scope.0 <= at && at < h.scope.1);
        if named.is_some() {
            return named;
        }
        let i = self.held.partition_point(|&(a, _, _)| a <= at);
        let &(_, end, first) = self.held.get(i.checked_sub(1)?)?;
        // The merged stretch's first hold, or the one that covers `at`.
        (at < end).then(|| {
            self.holds
                .get(first)
                .filter(|h| h.scope.0 <= at && at < h.scope.1)
                .unwrap_or(&self.holds[first])
        })
    }

    /// Whether `wanted` accepts the original text of any bound measure.
    pub fn binds(&self, own: &str, wanted: impl Fn(&str) -> bool) -> bool {
        self.bound
            .iter()
            .any(|&(a, b)| own.get(a..b).is_some_and(&wanted))
    }

    /// Restores the masked stretches whose measure's original text `wanted`
    /// accepts: a rule about ages reads the ages that are masked for every
    /// other, and a rule about treatment reads "4 months of physiotherapy".
    pub fn unmask(&mut self, own: &str, wanted: impl Fn(&str) -> bool) {
        for ((_, (a, b)), &(wa, wb)) in self.masks.iter().zip(&self.bound) {
            if !own.get(wa..wb).is_some_and(&wanted) {
                continue;
            }
            if let Some(original) = own.get(*a..*b) {
                if self.text.is_char_boundary(*a) && self.text.is_char_boundary(*b) {
                    self.text.replace_range(*a..*b, original);
                }
            }
        }
    }

    /// The original (unmasked) text of a range, from `own`, the text that
    /// was read.
    pub fn text_of(&self, own: &str, start: usize, end: usize) -> String {
        own.get(start..end)
            .or_else(|| self.text.get(start..end))
            .unwrap_or_default()
            .to_string()
    }

    /// Whether clause `i` opens with one of `breaks` (lower case, as
    /// written in the vocabulary): a bracket, or a carve-out ("unless").
    pub fn opens_with(&self, i: usize, breaks: &[String]) -> bool {
        let Some(&start) = self.clauses.get(i) else {
            return false;
        };
        let before = self.text.get(..start).unwrap_or_default();
        breaks.iter().any(|b| {
            before.len() >= b.len()
                && before.is_char_boundary(before.len() - b.len())
                && before[before.len() - b.len()..].eq_ignore_ascii_case(b)
        })
    }

    /// Whether clause `i` opens a bracket.
    pub fn opens_bracket(&self, i: usize) -> bool {
        self.clauses
            .get(i)
            .is_some_and(|&start| self.text[..start].ends_with('('))
    }

    /// The clause containing byte `at`: its index and byte range.
    pub fn clause(&self, at: usize) -> (usize, (usize, usize)) {
        let i = self.clauses.partition_point(|&s| s <= at).saturating_sub(1);
        (i, clause_of(&self.clauses, self.text.len(), at))
    }
}

fn clause_of(starts: &[usize], len: usize, at: usize) -> (usize, usize) {
    let i = starts.partition_point(|&s| s <= at).saturating_sub(1);
    let start = starts.get(i).copied().unwrap_or(0);
    let end = starts.get(i + 1).copied().unwrap_or(len);
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader_parts() -> (Vec<Measure>, Vec<Modifier>, Vec<String>) {
        let measures = vec![Measure {
            measure: "age".into(),
            pattern: Pattern::new(r"\baged \d+ (or|and) over\b").unwrap(),
            keep: false,
        }];
        let modifiers = vec![
            Modifier {
                kind: "reported".into(),
                scope: Scope::Sentence,
                pattern: Pattern::new(r"\bhave announced\b").unwrap(),
                rules: Vec::new(),
            },
            Modifier {
                kind: "opposed".into(),
                scope: Scope::Forward,
                pattern: Pattern::new(r"\badvise against\b").unwrap(),
                rules: Vec::new(),
            },
        ];
        (measures, modifiers, vec!["; ".into(), " but ".into()])
    }

    fn reader<'v>(
        m: &'v [Measure],
        c: &'v [Modifier],
        b: &'v [String],
        prefilter: &'v Prefilter,
    ) -> Reader<'v> {
        Reader {
            measures: m,
            modifiers: c,
            breaks: b,
            carve_outs: &[],
            adoption: &[],
            prefilter,
        }
    }

    #[test]
    fn a_named_group_masks_only_its_part_and_the_whole_decides_unmasking() {
        let (_, c, b) = reader_parts();
        let m = vec![Measure {
            measure: "treatment length".into(),
            pattern: Pattern::new(r"\b(?P<m>\d+ months) of physiotherapy\b").unwrap(),
            keep: false,
        }];
        let prefilter = Prefilter::default();
        let r = reader(&m, &c, &b, &prefilter);
        let own = "pain for 6 months despite 4 months of physiotherapy";
        let mut read = r.read(own);
        assert!(read.text.contains("6 months despite"));
        assert!(read.text.ends_with("_ ______ of physiotherapy"));
        // A rule about physiotherapy is shown the whole match and reads it.
        assert!(read.binds(own, |t| t.contains("physiotherapy")));
        assert!(!read.binds(own, |t| t.contains("pain")));
        read.unmask(own, |t| t.contains("physiotherapy"));
        assert_eq!(read.text, own);
    }

    #[test]
    fn measures_are_masked_in_place() {
        let (m, c, b) = reader_parts();
        let prefilter = Prefilter::default();
        let r = reader(&m, &c, &b, &prefilter);
        let read = r.read("adults aged 18 or over with a BMI of 40");
        assert_eq!(
            read.text.len(),
            "adults aged 18 or over with a BMI of 40".len()
        );
        assert!(!read.text.contains("18"));
        assert!(read.text.contains("BMI of 40"));
        assert_eq!(read.masks[0].0, "age");
    }

    #[test]
    fn forward_scope_stops_at_the_clause() {
        let (m, c, b) = reader_parts();
        let prefilter = Prefilter::default();
        let r = reader(&m, &c, &b, &prefilter);
        let text = "we advise against BMI thresholds; smokers are not listed";
        let read = r.read(text);
        assert!(read.held(text.find("BMI").unwrap(), "any").is_some());
        assert!(read.held(text.find("smokers").unwrap(), "any").is_none());
        let whole = r.read("smokers are not listed, two boards have announced");
        assert_eq!(
            whole.held(0, "any").map(|h| h.kind.as_str()),
            Some("reported")
        );
    }

    #[test]
    fn a_report_taken_on_holds_nothing() {
        let (m, c, b) = reader_parts();
        let prefilter = Prefilter::default();
        let adoption = vec![Pattern::new(r"\bwe do the same\b").unwrap()];
        let r = Reader {
            adoption: &adoption,
            ..reader(&m, &c, &b, &prefilter)
        };
        let text = "smokers are not listed, two boards have announced, and we do the same";
        assert!(r.read(text).held(0, "any").is_none());
        // Only a report is taken on, and only one made before the words.
        let opposed = "we advise against BMI thresholds and we do the same";
        assert!(r
            .read(opposed)
            .held(opposed.find("BMI").unwrap(), "any")
            .is_some());
        let after = "we do the same: smokers are not listed, two boards have announced";
        assert!(r.read(after).held(0, "any").is_some());
    }
}
