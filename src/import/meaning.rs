//! What a shape's or connector's text says, read against the vocabulary:
//! the kind, offers and channels its names stand for
//! (`diagram_names` in rules/vocabulary.yaml), criteria such as "BMI < 40"
//! or "after 6 weeks" that can become `requires`, and pathway fields
//! written in a note ("Owner: Example ICB").

use std::sync::OnceLock;

use regex::Regex;

use crate::vocabulary::Vocabulary;

/// The kind, offers and channels a text's names stand for, each with the
/// name it came from (as the vocabulary writes it).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Named {
    pub kind: Option<(String, String)>,
    pub offers: Vec<(String, String)>,
    pub channels: Vec<(String, String)>,
}

/// Lower case, `&` read as "and", everything but letters and digits a
/// single space, with a space at each end so names match whole words.
pub fn normalise(text: &str) -> String {
    let mut out = String::from(" ");
    for c in text.chars() {
        if c == '&' {
            out.push_str(" and ");
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') {
            out.push(' ');
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out.split(' ')
        .filter(|w| !w.is_empty())
        .fold(String::from(" "), |mut acc, w| {
            acc.push_str(w);
            acc.push(' ');
            acc
        })
}

/// The kind or offer an everyday name stands for, from the names services
/// are drawn with: `IAPT` is the kind `mental_health` and the offer
/// `talking_therapies`, `rehab` the kind and offer `rehabilitation`.
/// `offer` picks which is wanted; `known` is the list it must come from.
/// Used for a pathway's unknown words, so each name is normalised only
/// when one turns up.
pub fn everyday_word<'v>(
    vocabulary: &'v Vocabulary,
    word: &str,
    offer: bool,
    known: &[String],
) -> Option<&'v str> {
    let plain = normalise(word);
    vocabulary
        .diagram_names
        .iter()
        .filter(|d| d.names.iter().any(|n| normalise(n) == plain))
        .find_map(|d| {
            let mut candidates = d.offers.iter().filter(|_| offer).chain(d.kind.as_ref());
            candidates.find(|w| known.contains(w)).map(String::as_str)
        })
}

/// The vocabulary's `diagram_names`, normalised once for a whole diagram.
pub struct Names<'v> {
    vocabulary: &'v Vocabulary,
    /// Per entry of `diagram_names`: each name as written and normalised.
    normalised: Vec<Vec<(&'v str, String)>>,
}

impl<'v> Names<'v> {
    pub fn new(vocabulary: &'v Vocabulary) -> Self {
        let normalised = vocabulary
            .diagram_names
            .iter()
            .map(|e| {
                e.names
                    .iter()
                    .map(|n| (n.as_str(), normalise(n)))
                    .filter(|(_, n)| !n.trim().is_empty())
                    .collect()
            })
            .collect();
        Names {
            vocabulary,
            normalised,
        }
    }

    /// The names found in `text`. The kind is the first line's when it
    /// names one: "Orthopaedic surgery" over a detail line below it that
    /// names the service referring in.
    pub fn read(&self, text: &str) -> Named {
        let mut named = self.scan(text);
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        // The first line that names the service, not who refers into it
        // ("Referred by GP" over "MSK physiotherapy assessment").
        let title = lines.iter().find(|l| !names_another(l));
        if let (Some(title), true) = (title, lines.len() > 1) {
            if let Some(kind) = self.scan(title).kind {
                named.kind = Some(kind);
            }
        }
        named
    }

    fn scan(&self, text: &str) -> Named {
        let haystack = normalise(text);
        let mut named = Named::default();
        let mut longest = 0;
        for (entry, names) in self.vocabulary.diagram_names.iter().zip(&self.normalised) {
            // The longest of this entry's names that the text holds.
            // The first of the longest, as the vocabulary lists them.
            let mut best: Option<(&str, usize)> = None;
            for (w, n) in names {
                if haystack.contains(n.as_str()) && best.is_none_or(|(_, len)| n.len() > len) {
                    best = Some((w, n.len()));
                }
            }
            let Some((found, length)) = best else {
                continue;
            };
            if let Some(kind) = &entry.kind {
                if length > longest {
                    longest = length;
                    named.kind = Some((kind.clone(), found.to_string()));
                }
            }
            for offer in &entry.offers {
                if !named.offers.iter().any(|(o, _)| o == offer) {
                    named.offers.push((offer.clone(), found.to_string()));
                }
            }
            for channel in &entry.channels {
                if !named.channels.iter().any(|(c, _)| c == channel) {
                    named.channels.push((channel.clone(), found.to_string()));
                }
            }
        }
        named
    }
}

/// Whether a line of a shape's text names where people come from rather
/// than the service itself: "Referred by GP", "from A&E", "via triage".
fn names_another(line: &str) -> bool {
    let first = line
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        first.as_str(),
        "referred" | "referral" | "referrals" | "from" | "via" | "by" | "after" | "following"
    )
}

/// A criterion recognised in a text: `attribute op value` as the pathway
/// language writes it, and the words it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub written: String,
    pub from: String,
    /// Byte range of `from` in the text it was found in.
    pub at: (usize, usize),
}

fn operator(words: &str) -> Option<&'static str> {
    let words = words.trim().to_ascii_lowercase();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(match words.as_str() {
        "<" | "under" | "below" | "less than" | "lower than" | "of less than" | "of under" => "<",
        "<=" | "≤" | "=<" | "at most" | "no more than" | "up to" | "not over" | "or less"
        | "or below" | "or under" | "or lower" => "<=",
        ">" | "over" | "above" | "more than" | "greater than" | "longer than" | "of more than"
        | "of over" => ">",
        ">=" | "≥" | "=>" | "at least" | "for at least" | "of at least" | "for" | "lasting"
        | "of" | "for over" | "or more" | "or above" | "or over" | "or higher" | "or greater"
        | "+" => ">=",
        "=" | "==" | "of exactly" => "==",
        _ => return None,
    })
}

fn patterns() -> &'static [(Regex, Reading)] {
    static PATTERNS: OnceLock<Vec<(Regex, Reading)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        const OP: &str = r"(<=|>=|≤|≥|=<|=>|<|>|==|=|of less than|of more than|of under|of over|of at least|of exactly|less than|lower than|more than|greater than|longer than|no more than|at least|at most|up to|under|below|over|above)";
        let compile = |p: &str| Regex::new(&format!("(?i){p}")).ok();
        // The number first and the comparison after: "BMI 40 or more",
        // "BMI of 35+".
        const AFTER: &str = r"\s*(?:of\s+|is\s+)?(\d+(?:\.\d+)?)\s*(\+|or (?:more|above|over|higher|greater|less|below|under|lower))";
        const BMI: &str = r"\b(?:bmi|body mass index)";
        // A place: the area in words, or a name in capitals.
        const PLACE: &str = r"(?:(?:the |our |this )?(?:local )?(?:area|catchment|borough|county|icb(?: area)?)\b|(?:the\s+)?(?-i:[A-Z])[\w'-]*(?:\s+(?-i:[A-Z])[\w'-]*)*)";
        const OXFORD: &str = r"\b(?:oxford (?:hip |knee |shoulder )?score|ohs|oks)";
        let list: Vec<(Option<Regex>, Reading)> = vec![
            (
                compile(&format!(r"{BMI}{AFTER}")),
                Reading::MeasureAfter("bmi"),
            ),
            (
                compile(&format!(r"{BMI}\s*{OP}\s*(\d+(?:\.\d+)?)")),
                Reading::Measure("bmi"),
            ),
            (
                compile(&format!(r"{OXFORD}{AFTER}")),
                Reading::MeasureAfter("oxford_score"),
            ),
            (
                compile(&format!(r"{OXFORD}\s*{OP}\s*(\d+(?:\.\d+)?)")),
                Reading::Measure("oxford_score"),
            ),
            // "Smoke free 8 weeks", "stopped smoking at least 6 weeks
            // before": how long, which a bare non-smoker reading loses.
            (
                compile(r"\b(?:(?:smoke|nicotine|tobacco)[- ]free|stopped smoking|quit smoking|not smoked)\s+(?:for\s+)?(?:at least\s+|a minimum of\s+|>=?\s*|≥\s*)?(\d+)\s*(weeks?|wks?|months?|days?)\b"),
                Reading::SmokeFree,
            ),
            (
                compile(r"\b(\d+)\s*(weeks?|wks?|months?)\s+(?:smoke|nicotine|tobacco)[- ]free\b"),
                Reading::SmokeFree,
            ),
            (
                compile(r"\b(?:non[- ]?smokers?|not (?:a )?smok(?:er|ing)|no(?:t|n)? ?smoking|stopped smoking|quit smoking|smoke[- ]free)\b"),
                Reading::NonSmoker,
            ),
            (
                compile(r"\b(?:symptoms?|pain)\b[^.;,?]{0,24}?\s(<=|>=|<|>|for at least|for over|for|lasting|of at least|of|at least|over|more than|longer than)\s*(\d+)\s*(\+)?\s*(weeks?|wks?|months?|days?)\b(\s*or (?:more|longer))?"),
                Reading::Duration("symptom"),
            ),
            (
                compile(r"\bafter\s+(at least\s+)?(\d+)\s*(weeks?|wks?|months?)\b"),
                Reading::After,
            ),
            (
                compile(&format!(
                    r"\b(?:body )?weight\s*{OP}\s*(\d+(?:\.\d+)?)\s*(?:kgs?|kilos?|kilograms?)?\b"
                )),
                Reading::Measure("weight"),
            ),
            // "6 weeks physio completed?", "Completed at least 3 months of
            // conservative treatment?": time in that care, at least so long.
            (
                compile(r"\b(?:(?:completed|had|tried|done|undertaken|finished|failed)\s+)?(?:at least\s+|a minimum of\s+)?(\d+)\s*(weeks?|wks?|months?)'?\s*(?:of\s+)?(?:physio(?:therapy)?|physical therapy|(?:conservative|non-?surgical|non-?operative)\s+(?:treatment|management|care|therapy))(?:\s+(?:completed|tried|done|undertaken|finished|failed))?\b"),
                Reading::Treatment,
            ),
            // "Attended joint school?", "ESCAPE-pain completed?".
            (
                compile(r"\b(?:(?:attended|completed|been to|gone to|done|finished)\s+(?:an?\s+|the\s+)?(?:joint school|escape[- ]?pain|(?:hip|knee|back|spine|joint) (?:school|class(?:es)?)|education (?:sessions?|class(?:es)?|course|programme)|online (?:module|course))|(?:joint school|escape[- ]?pain|education (?:session|class|course|programme))\s+(?:attended|completed|done|finished))\b"),
                Reading::Flag("education_completed"),
            ),
            // "Registered with a GP in Northshire?", "Lives in the area?":
            // only with a place named, so "registered with a GP" alone is
            // no address rule.
            (
                compile(&format!(r"\bregistered (?:with|at) (?:a |an |the )?(?:local )?(?:gp|practice|surgery|gp practice|gp surgery) (?:in|within)\s+{PLACE}")),
                Reading::Flag("registered_with_local_gp"),
            ),
            (
                compile(&format!(r"\b(?:lives?|living|resident|residing) (?:in|within)\s+{PLACE}")),
                Reading::Flag("lives_in_area"),
            ),
        ];
        list.into_iter()
            .filter_map(|(r, reading)| r.map(|r| (r, reading)))
            .collect()
    })
}

#[derive(Debug, Clone, Copy)]
enum Reading {
    /// `measure op number`.
    Measure(&'static str),
    /// `measure number op`: "BMI 40 or more".
    MeasureAfter(&'static str),
    /// Not smoking: `smoking == false`.
    NonSmoker,
    /// Smoke-free for at least so long (the number, then its unit).
    SmokeFree,
    /// How long symptoms have lasted, in the unit written.
    Duration(&'static str),
    /// "after 6 weeks" of the treatment before: time in conservative
    /// treatment, at least that long.
    After,
    /// "6 weeks physio completed": time in conservative treatment, at
    /// least that long; the number first.
    Treatment,
    /// A yes-or-no measure the words say holds: `name == true`.
    Flag(&'static str),
}

/// Every criterion recognised in `text`, in order, none overlapping.
pub fn criteria(text: &str) -> Vec<Criterion> {
    let mut found: Vec<Criterion> = Vec::new();
    for (regex, reading) in patterns() {
        for caps in regex.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            let overlaps = found
                .iter()
                .any(|c| whole.start() < c.at.1 && c.at.0 < whole.end());
            if overlaps {
                continue;
            }
            let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
            if !reads_as_said(text, whole.start(), whole.end(), *reading) {
                continue;
            }
            let written = match reading {
                Reading::Measure(measure) => {
                    let Some(op) = operator(group(1)) else {
                        continue;
                    };
                    format!("{measure} {op} {}", group(2))
                }
                Reading::MeasureAfter(measure) => {
                    let Some(op) = operator(group(2)) else {
                        continue;
                    };
                    format!("{measure} {op} {}", group(1))
                }
                Reading::NonSmoker => "smoking == false".to_string(),
                Reading::SmokeFree => {
                    format!("smoke_free_{} >= {}", unit(group(2)), group(1))
                }
                Reading::Duration(measure) => {
                    let more = !group(3).is_empty() || !group(5).is_empty();
                    let op = if more {
                        ">="
                    } else {
                        let Some(op) = operator(group(1)) else {
                            continue;
                        };
                        op
                    };
                    format!("{measure}_{} {op} {}", unit(group(4)), group(2))
                }
                Reading::After => {
                    format!("conservative_{} >= {}", unit(group(3)), group(2))
                }
                Reading::Treatment => {
                    format!("conservative_{} >= {}", unit(group(2)), group(1))
                }
                Reading::Flag(name) => format!("{name} == true"),
            };
            found.push(Criterion {
                written,
                from: whole.as_str().to_string(),
                at: (whole.start(), whole.end()),
            });
        }
    }
    found.sort_by_key(|c| c.at);
    found
}

/// Whether a match of the newer readings says what it seems to, judged by
/// the words around it: "Less than 6 weeks physio?" or "Not attended joint
/// school?" turn it round, a box naming "6 weeks physiotherapy" describes a
/// service rather than asks for a course done, a weight in stone or pounds
/// is not kilograms ("weight over 3 months" no weight at all), and a home
/// or hostel is no area.
fn reads_as_said(text: &str, start: usize, end: usize, reading: Reading) -> bool {
    let before = text[..start].trim_end().to_ascii_lowercase();
    let turned = [
        "less than",
        "under",
        "fewer than",
        "not",
        "no",
        "without",
        "never",
        "not yet",
    ]
    .iter()
    .any(|w| {
        before.ends_with(w) && !before[..before.len() - w.len()].ends_with(char::is_alphanumeric)
    });
    let said = text[start..end].to_ascii_lowercase();
    let next = text[end..]
        .trim_start()
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match reading {
        Reading::Treatment => {
            const DONE: &[&str] = &[
                "completed",
                "had",
                "tried",
                "done",
                "undertaken",
                "finished",
                "failed",
            ];
            !turned && said.split_whitespace().any(|w| DONE.contains(&w))
        }
        Reading::Flag("education_completed") => !turned,
        Reading::Flag(_) if turned => false,
        Reading::Flag(_) => {
            const NOT_AREAS: &[&str] = &[
                "housing",
                "home",
                "hostel",
                "accommodation",
                "care",
                "prison",
                "hospital",
            ];
            !said
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| NOT_AREAS.contains(&w))
        }
        Reading::Measure("weight") => {
            !matches!(
                next.as_str(),
                "st" | "stone"
                    | "stones"
                    | "lb"
                    | "lbs"
                    | "pound"
                    | "pounds"
                    | "days"
                    | "day"
                    | "weeks"
                    | "week"
                    | "months"
                    | "month"
                    | "years"
                    | "year"
                    | "percent"
                    | "per"
            ) && !text[end..].trim_start().starts_with('%')
        }
        _ => true,
    }
}

/// The criteria a decision's question asks about: those [`criteria`]
/// finds, or, for a question that only asks whether someone smokes
/// ("Smoker?", "Current smoker?"), `smoking == true`. A bare "smokers" is
/// no criterion elsewhere ("smokers offered support"); as the whole
/// question it is one.
pub fn asked(question: &str) -> Vec<Criterion> {
    let found = criteria(question);
    if !found.is_empty() {
        return found;
    }
    static SMOKER: OnceLock<Option<Regex>> = OnceLock::new();
    let smoker = SMOKER.get_or_init(|| {
        Regex::new(r"(?i)^\s*(?:(?:is|does) (?:the |this )?(?:patient|person) (?:a )?|(?:a )?current(?:ly)? )?(?:smokers?|smokes?|smoking)\s*\??\s*$").ok()
    });
    match smoker.as_ref().and_then(|r| r.find(question)) {
        Some(m) => vec![Criterion {
            written: "smoking == true".to_string(),
            from: m.as_str().trim().trim_end_matches('?').trim().to_string(),
            at: (m.start(), m.end()),
        }],
        None => Vec::new(),
    }
}

/// Whether a text is about missed appointments: a question ("Did not
/// attend?") or a box ("DNA x2") that stands for what happens when people
/// miss them.
pub fn about_missed_appointments(text: &str) -> bool {
    static DNA: OnceLock<Option<Regex>> = OnceLock::new();
    DNA.get_or_init(|| {
        Regex::new(r"(?i)\b(?:dnas?|was not brought|did ?n[o']t attend|does ?n[o']t attend|not attended|non-?attendance|no[- ]shows?|miss(?:es|ed)? (?:an? |two |\d+ |their |the )?(?:appointments?|sessions?))\b").ok()
    })
    .as_ref()
    .is_some_and(|r| r.is_match(text))
}

/// A criterion as the language writes it (`bmi >= 40`), turned round
/// (`bmi < 40`): the other comparison, or for `==` and `!=` the other
/// one, with `true` and `false` swapped rather than compared unequal.
pub fn negated(written: &str) -> String {
    let mut words = written.splitn(3, ' ');
    let (Some(name), Some(op), Some(value)) = (words.next(), words.next(), words.next()) else {
        return written.to_string();
    };
    let (op, value) = match (op, value) {
        ("==", "true") => ("==", "false"),
        ("==", "false") => ("==", "true"),
        ("<", v) => (">=", v),
        ("<=", v) => (">", v),
        (">", v) => ("<=", v),
        (">=", v) => ("<", v),
        ("==", v) => ("!=", v),
        ("!=", v) => ("==", v),
        _ => return written.to_string(),
    };
    format!("{name} {op} {value}")
}

fn unit(word: &str) -> &'static str {
    let w = word.to_ascii_lowercase();
    if w.starts_with('m') {
        "months"
    } else if w.starts_with('d') {
        "days"
    } else {
        "weeks"
    }
}

/// `text` with the criteria cut out and what is left tidied: no leading
/// or trailing joining words or punctuation. Empty when nothing else was
/// said.
pub fn without(text: &str, found: &[Criterion]) -> String {
    if found.is_empty() {
        return text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    let mut out = String::new();
    let mut at = 0;
    for c in found {
        if c.at.0 >= at && c.at.1 <= text.len() {
            out.push_str(text.get(at..c.at.0).unwrap_or(""));
            out.push(' ');
            at = c.at.1;
        }
    }
    out.push_str(text.get(at..).unwrap_or(""));
    tidy(&out)
}

/// Spaces collapsed; joining words and punctuation trimmed from both ends.
pub fn tidy(text: &str) -> String {
    const JOINERS: &[&str] = &["and", "or", "if", "with", "and/or", "&", "who", "are", "is"];
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let junk = |w: &str| {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
        bare.is_empty() || JOINERS.contains(&bare.to_ascii_lowercase().as_str())
    };
    while words.first().is_some_and(|w| junk(w)) {
        words.remove(0);
    }
    while words.last().is_some_and(|w| junk(w)) {
        words.pop();
    }
    let joined = words.join(" ");
    let joined = joined.trim_end_matches([',', ';', ':', '-', '–']).trim();
    // " , " left where a criterion was cut out of a list.
    joined.replace(" ,", ",").replace(",,", ",")
}

/// A pathway field written in a note ("Owner: Example ICB"): the field's
/// name and its value as the language writes it.
pub fn field(line: &str, vocabulary: &Vocabulary) -> Option<(String, String)> {
    let (key, value) = line.split_once(':')?;
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let key = normalise(key).trim().replace(' ', "_");
    let key = match key.as_str() {
        "co_production" | "coproduced" | "co_produced" => "coproduction".to_string(),
        "outcome_measures" | "outcome" => "outcomes".to_string(),
        "rtt" | "rtt_within_18_weeks" | "referral_to_treatment_within_18_weeks" => {
            "rtt_within_18_weeks".to_string()
        }
        "organisation" | "commissioner" => "owner".to_string(),
        _ => key,
    };
    if !vocabulary.pathway_fields.contains(&key) {
        return None;
    }
    let written = match key.as_str() {
        "outcomes" => {
            let items: Vec<String> = value
                .split([',', ';', '/'])
                .flat_map(|part| part.split(" and "))
                .map(|w| normalise(w).trim().replace(' ', "_"))
                .filter(|w| is_ident(w))
                .collect();
            format!("[{}]", items.join(", "))
        }
        "rtt_within_18_weeks"
            if value.ends_with('%') && value[..value.len() - 1].trim().parse::<f64>().is_ok() =>
        {
            value.replace(' ', "")
        }
        "condition" if is_ident(&value.to_ascii_lowercase()) => value.to_ascii_lowercase(),
        _ => quote(value),
    };
    Some((key, written))
}

/// Whether `word` is an identifier of the pathway language.
pub fn is_ident(word: &str) -> bool {
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&word)
}

/// Words the language reserves (or reads as values) that cannot be node IDs.
pub const KEYWORDS: &[&str] = &[
    "pathway", "entry", "service", "exit", "requires", "on_dna", "when", "then", "after", "true",
    "false",
];

/// A string literal of the pathway language.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => {}
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(text: &str) -> Vec<String> {
        criteria(text).into_iter().map(|c| c.written).collect()
    }

    #[test]
    fn criteria_people_write_on_connectors() {
        assert_eq!(written("BMI < 40"), ["bmi < 40"]);
        assert_eq!(written("BMI under 35"), ["bmi < 35"]);
        assert_eq!(
            written("bmi ≤ 40".replace('≤', "<=").as_str()),
            ["bmi <= 40"]
        );
        assert_eq!(written("non-smoker"), ["smoking == false"]);
        assert_eq!(
            written("BMI < 40, non-smoker"),
            ["bmi < 40", "smoking == false"]
        );
        assert_eq!(written("after 6 weeks"), ["conservative_weeks >= 6"]);
        assert_eq!(
            written("after 3 months of physio"),
            ["conservative_months >= 3"]
        );
        assert_eq!(written("symptoms > 12 weeks"), ["symptom_weeks > 12"]);
        assert_eq!(
            written("symptoms for 12 weeks or more"),
            ["symptom_weeks >= 12"]
        );
        assert_eq!(written("pain lasting 3 months"), ["symptom_months >= 3"]);
        assert_eq!(written("Oxford hip score < 20"), ["oxford_score < 20"]);
    }

    #[test]
    fn comparisons_written_as_signs_or_after_the_number() {
        assert_eq!(written("BMI ≥ 40"), ["bmi >= 40"]);
        assert_eq!(written("BMI≤35"), ["bmi <= 35"]);
        assert_eq!(written("BMI 40 or more"), ["bmi >= 40"]);
        assert_eq!(written("BMI of 40 or above"), ["bmi >= 40"]);
        assert_eq!(written("BMI 35+"), ["bmi >= 35"]);
        assert_eq!(written("BMI 30 or less"), ["bmi <= 30"]);
        assert_eq!(written("BMI at least 40"), ["bmi >= 40"]);
        assert_eq!(written("BMI less than 40"), ["bmi < 40"]);
        assert_eq!(
            written("Oxford knee score 20 or lower"),
            ["oxford_score <= 20"]
        );
    }

    #[test]
    fn questions_and_their_answers_turned_round() {
        let asked_for =
            |q: &str| -> Vec<String> { asked(q).into_iter().map(|c| c.written).collect() };
        assert_eq!(asked_for("Smoker?"), ["smoking == true"]);
        assert_eq!(asked_for("Current smoker?"), ["smoking == true"]);
        assert_eq!(asked_for("Non-smoker?"), ["smoking == false"]);
        assert!(asked_for("Smokers offered support?").is_empty());
        assert_eq!(negated("bmi >= 40"), "bmi < 40");
        assert_eq!(negated("bmi < 40"), "bmi >= 40");
        assert_eq!(negated("oxford_score <= 20"), "oxford_score > 20");
        assert_eq!(negated("smoking == true"), "smoking == false");
        assert_eq!(negated("smoking == false"), "smoking == true");
        assert_eq!(negated("region == north"), "region != north");
    }

    #[test]
    fn how_long_someone_has_been_smoke_free_is_kept() {
        assert_eq!(written("smoke free 8 weeks"), ["smoke_free_weeks >= 8"]);
        assert_eq!(
            written("Stopped smoking at least 6 weeks before?"),
            ["smoke_free_weeks >= 6"]
        );
        assert_eq!(written("3 months smoke-free"), ["smoke_free_months >= 3"]);
        assert_eq!(written("non-smoker"), ["smoking == false"]);
    }

    #[test]
    fn questions_on_weight_treatment_education_and_address() {
        assert_eq!(written("Weight > 120kg?"), ["weight > 120"]);
        assert_eq!(
            written("6 weeks physio completed?"),
            ["conservative_weeks >= 6"]
        );
        assert_eq!(
            written("Completed at least 3 months of conservative treatment?"),
            ["conservative_months >= 3"]
        );
        assert_eq!(
            written("Attended joint school?"),
            ["education_completed == true"]
        );
        assert_eq!(
            written("ESCAPE-pain completed"),
            ["education_completed == true"]
        );
        assert_eq!(
            written("Registered with a GP in North Moorshire?"),
            ["registered_with_local_gp == true"]
        );
        assert_eq!(written("Lives in the area?"), ["lives_in_area == true"]);
    }

    #[test]
    fn near_misses_are_not_criteria() {
        assert!(written("Less than 6 weeks physio?").is_empty());
        assert!(written("Under 6 weeks of physiotherapy?").is_empty());
        assert!(written("6 weeks physiotherapy").is_empty());
        assert!(written("Not attended joint school?").is_empty());
        assert!(written("Weight over 20 stone?").is_empty());
        assert!(written("Lost weight over 3 months?").is_empty());
        assert!(written("Weight > 250 lb").is_empty());
        assert!(written("Lives In Supported Housing?").is_empty());
        assert!(written("Resident In Nursing Home?").is_empty());
        assert!(written("registered with a GP").is_empty());
        assert!(written("Not registered with a GP in Northshire?").is_empty());
        assert!(written("lives in supported housing").is_empty());
        assert!(written("weight loss advice").is_empty());
        assert!(written("physio for 6 weeks").is_empty());
        assert!(written("joint school").is_empty());
        assert!(written("BMI recorded").is_empty());
        assert!(written("smokers offered support").is_empty());
        assert!(written("6 weeks").is_empty());
        assert!(written("symptoms worsen").is_empty());
        assert!(written("red flags").is_empty());
    }

    #[test]
    fn what_is_left_after_the_criteria() {
        let text = "severe pain and BMI < 40";
        assert_eq!(without(text, &criteria(text)), "severe pain");
        let text = "BMI < 40";
        assert_eq!(without(text, &criteria(text)), "");
    }

    #[test]
    fn names_give_the_longest_kind_and_every_offer() {
        let v = Vocabulary::builtin().unwrap();
        let v = Names::new(&v);
        let names = |t: &str, v: &Names<'_>| v.read(t);
        let n = names("Orthopaedic surgery", &v);
        assert_eq!(n.kind.unwrap().0, "secondary");
        assert!(n.offers.iter().any(|(o, _)| o == "surgery"));
        let n = names("ESCAPE-pain group", &v);
        assert_eq!(n.kind.unwrap().0, "community");
        assert_eq!(n.offers.len(), 3);
        let n = names("NHS Talking Therapies pain pathway", &v);
        assert_eq!(n.kind.unwrap().0, "mental_health");
        assert_eq!(names("Review meeting", &v), Named::default());
        // Whole words only: "escaped" is not ESCAPE, "referred" not "ED".
        assert_eq!(names("escaped referred", &v), Named::default());
        // The first line names the service; a detail line naming the one
        // that refers in does not change its kind, though with no kind on
        // the first line the detail is used.
        let n = names(
            "Orthopaedic surgery\nreferred on by the MSK interface service",
            &v,
        );
        assert_eq!(n.kind.unwrap().0, "secondary");
        let n = names("Clinic B\nNHS Talking Therapies pain pathway", &v);
        assert_eq!(n.kind.unwrap().0, "mental_health");
        // A first line naming who refers in is passed over.
        let n = names("Referred by GP\nMSK physiotherapy assessment", &v);
        assert_eq!(n.kind.unwrap().0, "community");
    }

    #[test]
    fn fields_in_notes() {
        let v = Vocabulary::builtin().unwrap();
        assert_eq!(
            field("Owner: Example ICB", &v),
            Some(("owner".into(), "\"Example ICB\"".into()))
        );
        assert_eq!(
            field("Outcomes: PROMs, PREMs", &v),
            Some(("outcomes".into(), "[proms, prems]".into()))
        );
        assert_eq!(
            field("RTT within 18 weeks: 86%", &v),
            Some(("rtt_within_18_weeks".into(), "86%".into()))
        );
        assert_eq!(field("Colour: blue", &v), None);
    }
}
