//! Checks on what was written, against the vocabulary: `unknown-kind`,
//! `unknown-offer`, `unknown-channel`, `unknown-property`, `invalid-value`
//! and `duplicate-property`. Graph-level names are checked in `graph`.

use crate::ast::{self, Criterion, DnaPolicy, Ident, Pathway, PropertyValue, Value, ValueKind};
use crate::diagnostic::{suggest, Diagnostic, Severity};
use crate::measures::Measures;
use crate::rules::builtin::Builtin;
use crate::span::Span;
use crate::vocabulary::{contains, Vocabulary};

/// Checks `pathway`'s names and values. `read` holds the keys of free
/// properties a rule reads all the same (a missed-appointment policy under
/// another name, [`dna_properties`]), sorted: they are not pointed out as
/// read by none.
pub fn validate(pathway: &Pathway, vocab: &Vocabulary, read: &[Span], diags: &mut Vec<Diagnostic>) {
    let mut v = Validator {
        vocab,
        pathway: &pathway.name.value,
        diags,
    };
    // A header too broken to read has been reported already; its name is
    // empty because nothing could be read, not because none was written
    // (then the name's span is the header's, the keyword alone).
    let unread = pathway.name.span == pathway.header;
    if pathway.name.value.trim().is_empty() && pathway.name.span.len() >= 2 && !unread {
        v.push(
            Diagnostic::warning(
                Builtin::InvalidValue.name(),
                pathway.name.span,
                "this pathway has no name",
            )
            .with_label("nothing between the quotes")
            .with_help("write the pathway's name between the quotes, for example `pathway \"Hip and knee\" {`: findings, scorecards and reports call the pathway by it"),
        );
    }
    let mut seen: Vec<&Ident> = Vec::new();
    let field_keys: Vec<&str> = pathway.fields.iter().map(|f| f.key.name).collect();
    for field in &pathway.fields {
        v.duplicate(&mut seen, &field.key, "field");
        if v.misplaced(&field.key) || v.node_without_id(&field.key, &field.value, pathway) {
            continue;
        }
        if !contains(&vocab.pathway_fields, field.key.name)
            && v.other_name(&field.key, &field.value, &field_keys, true)
        {
            v.value(&field.value);
            continue;
        }
        v.unknown_key(
            &field.key,
            &vocab.pathway_fields,
            "pathway field",
            &field_keys,
        );
        v.value(&field.value);
        if field.key.name == "rtt_within_18_weeks" {
            v.expect_percentage(&field.value, "rtt_within_18_weeks");
        }
    }
    for node in &pathway.nodes {
        let mut seen: Vec<&Ident> = Vec::new();
        let property_keys: Vec<&str> = node.properties.iter().map(|p| p.key.name).collect();
        for prop in &node.properties {
            v.duplicate(&mut seen, &prop.key, "property");
            match &prop.value {
                PropertyValue::Criteria(list) => list.iter().for_each(|c| v.criterion(c)),
                PropertyValue::Dna(policy) => v.dna(policy),
                PropertyValue::Value(value) => {
                    v.value(value);
                    match prop.key.name {
                        "requires" => v.push(
                            Diagnostic::error(Builtin::InvalidValue.name(), value.span, format!("`requires` takes criteria such as `bmi < 40`, not {}", value.describe()))
                                .with_label("not a criterion")
                                .with_help("write each criterion as `attribute OP value`, separated by commas, without quotes"),
                        ),
                        "on_dna" => {
                            let diag = Diagnostic::error(Builtin::InvalidValue.name(), value.span, format!("`on_dna` takes a chain of actions such as `contact then rebook`, not {}", value.describe()))
                                .with_label("not a DNA policy");
                            // A chain written in quotes is the chain: the fix
                            // takes the quotes away.
                            let diag = match unquoted_chain(value, &vocab.dna_actions) {
                                Some(chain) => diag
                                    .with_help(format!("write it without the quotes: `on_dna: {chain}`"))
                                    .with_suggestion(value.span, chain),
                                None => diag.with_help("write the actions joined with `then`, e.g. `on_dna: contact then review`"),
                            };
                            v.push(diag)
                        }
                        "kind" => v.words(value, &vocab.kinds, Builtin::UnknownKind.name(), "kind", true),
                        "offers" => v.words(value, &vocab.offers, Builtin::UnknownOffer.name(), "offer", false),
                        "channels" => {
                            v.words(value, &vocab.channels, Builtin::UnknownChannel.name(), "channel", false)
                        }
                        _ if read.binary_search(&prop.key.span).is_ok() => {}
                        _ if !contains(&vocab.node_properties, prop.key.name) && v.other_name(&prop.key, value, &property_keys, false) => {}
                        _ => v.unknown_key(&prop.key, &vocab.node_properties, "node property", &property_keys),
                    }
                }
            }
        }
    }
    for route in &pathway.routes {
        route.requires().iter().for_each(|c| v.criterion(c));
    }
}

/// `when:` or `requires:` at pathway level: a route's clause written with
/// a colon, which the grammar reads as a field. A syntax error, so `fmt`
/// refuses the file as `check` does (laid out, the clause would land on a
/// line of its own).
pub fn route_clause_as_field(key: &Ident) -> Option<Diagnostic> {
    let name = key.name;
    (name == "when" || name == "requires").then(|| {
        Diagnostic::error(Builtin::SyntaxError.name(), key.span, format!("`{name}` on a route is written without a colon"))
            .with_label("read as a pathway field")
            .with_help(format!("write `a -> b {name} ...` on the route's line; with the colon it became a separate field and the route lost its condition"))
    })
}

/// An ID made from a node's label: its first words, in lower case, joined
/// by `_` (`GP practice` is `gp_practice`).
fn id_from(label: &str) -> String {
    let words: Vec<String> = label
        .split(|c: char| !c.is_alphanumeric())
        // A word with letters IDs cannot hold is left out, not misspelt.
        .filter(|w| !w.is_empty() && w.is_ascii())
        .take(3)
        .map(str::to_ascii_lowercase)
        .collect();
    let id = words.join("_");
    const RESERVED: [&str; 9] = [
        "entry", "service", "exit", "pathway", "when", "requires", "on_dna", "true", "false",
    ];
    match id.chars().next() {
        None => "node".to_string(),
        // IDs start with a letter, as the parser's own fix writes them.
        Some(c) if !c.is_ascii_alphabetic() => format!("node_{id}"),
        Some(_) if RESERVED.contains(&id.as_str()) => format!("{id}_node"),
        Some(_) => id,
    }
}

struct Validator<'a> {
    vocab: &'a Vocabulary,
    pathway: &'a str,
    diags: &'a mut Vec<Diagnostic>,
}

impl Validator<'_> {
    fn push(&mut self, diag: Diagnostic) {
        self.diags.push(diag.in_pathway(self.pathway));
    }

    fn duplicate<'i>(&mut self, seen: &mut Vec<&'i Ident<'i>>, key: &'i Ident<'i>, what: &str) {
        if let Some(first) = seen.iter().find(|k| k.name == key.name) {
            let first = first.span;
            self.push(
                Diagnostic::warning(
                    Builtin::DuplicateProperty.name(),
                    key.span,
                    format!("{what} `{}` is given more than once", key.name),
                )
                .with_label("given again here")
                .with_related(first, "first given here")
                .with_help("give it once and merge the values into that one"),
            );
        } else {
            seen.push(key);
        }
    }

    /// A pathway-level key that only means something elsewhere: a route
    /// clause written with a colon, or a node property outside any node.
    fn misplaced(&mut self, key: &Ident) -> bool {
        let name = key.name;
        let diag = if let Some(diag) = route_clause_as_field(key) {
            diag
        } else if contains(&self.vocab.node_properties, name) {
            Diagnostic::warning(
                Builtin::UnknownProperty.name(),
                key.span,
                format!("`{name}` is a node property, but this is written at pathway level"),
            )
            .with_label("outside any node")
            .with_help("move it into a node's `{ ... }` block; here no rule reads it")
        } else {
            return false;
        };
        self.push(diag);
        true
    }

    /// `service: "Orthopaedics"`: a node written without its ID, which the
    /// grammar reads as a pathway field, so the node silently vanished.
    fn node_without_id(&mut self, key: &Ident, value: &Value, pathway: &Pathway) -> bool {
        if !["entry", "service", "exit"].contains(&key.name) {
            return false;
        }
        let keyword = key.name;
        let diag = Diagnostic::warning(
            Builtin::UnknownProperty.name(),
            key.span,
            format!("`{keyword}:` is read as a pathway field, not a node: the node has no ID"),
        )
        .with_label("no ID before the colon");
        // A fix only for a label, with an ID no node has yet.
        let ValueKind::String(label) = &value.kind else {
            self.push(diag.with_help(format!(
                "a node is written `{keyword} ID: \"label\"`, the ID being the name routes use; as written, no node is declared and routes cannot reach it"
            )));
            return true;
        };
        let taken = |id: &str| pathway.nodes.iter().any(|n| n.id.name == id);
        let base = id_from(label);
        let id = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}_{n}")
                }
            })
            .find(|id| !taken(id))
            .unwrap_or(base);
        self.push(
            diag.with_help(format!(
                "a node is written `{keyword} ID: \"label\"`, the ID being the name routes use: `{keyword} {id}: \"{label}\"`; as written, no node is declared and routes cannot reach it"
            ))
            .with_suggestion(key.span, format!("{keyword} {id}")),
        );
        true
    }

    /// A key that is another name for a node property (`dna_policy` for
    /// `on_dna`, from the vocabulary's `property_names`), with a word or
    /// list as its value: kept as a free property, so the policy it states
    /// would go unchecked. Warns, with the real key as the fix where the
    /// value is a word, and says whether it warned. (A number or a yes/no,
    /// `tier: 2`, is left alone: no property takes one.)
    fn other_name(
        &mut self,
        key: &Ident,
        value: &Value,
        siblings: &[&str],
        pathway_level: bool,
    ) -> bool {
        let word = matches!(value.kind, ValueKind::Ident(_));
        if !word && !matches!(value.kind, ValueKind::List(_)) {
            return false;
        }
        let lower = key.name.to_ascii_lowercase();
        let Some(real) = self
            .vocab
            .property_names
            .iter()
            .find(|(_, names)| names.contains(&lower))
            .map(|(real, _)| real.clone())
        else {
            return false;
        };
        let diag = Diagnostic::warning(
            Builtin::UnknownProperty.name(),
            key.span,
            format!("`{}` is not a key msklint reads; `{real}` is", key.name),
        )
        .with_label("kept as a free property no rule reads");
        let diag = if pathway_level {
            diag.with_help(format!(
                "write `{real}: ...` inside each node it applies to; at pathway level, and under this name, nothing checks it"
            ))
        } else if !word && real == "on_dna" {
            // `on_dna` takes a chain, not a list: a rename alone would
            // only swap one error for another.
            diag.with_help(
                "write `on_dna:` with the actions joined by `then` (`on_dna: contact then discharge`); as written, nothing checks what it says",
            )
        } else {
            let diag = diag.with_help(format!(
                "write `{real}: ...`; as written, nothing checks what it says"
            ));
            if siblings.contains(&real.as_str()) {
                diag
            } else {
                diag.with_suggestion(key.span, &real)
            }
        };
        self.push(diag);
        true
    }

    /// Free keys are allowed; one a typo away from a known key is not.
    fn unknown_key(&mut self, key: &Ident, known: &[String], what: &str, siblings: &[&str]) {
        if contains(known, key.name) {
            return;
        }
        if let Some(near) = suggest_key(key.name, known) {
            let diag = Diagnostic::warning(
                Builtin::UnknownProperty.name(),
                key.span,
                format!("unknown {what} `{}`", key.name),
            )
            .with_label("not a known key")
            .with_help(format!(
                "did you mean `{near}`? As written it is kept as a free property that no rule reads"
            ));
            // Renaming to a key already written beside it would make a
            // duplicate (`outcome_measures` next to `outcomes`): the
            // warning stands, without the fix.
            self.push(if siblings.contains(&near) {
                diag
            } else {
                diag.with_suggestion(key.span, near)
            });
        }
    }

    fn words(&mut self, value: &Value, known: &[String], rule: &str, what: &str, single: bool) {
        let is_list = matches!(value.kind, ValueKind::List(_));
        if single && is_list {
            self.push(
                Diagnostic::error(Builtin::InvalidValue.name(), value.span, format!("`{what}` takes one identifier, not a list"))
                    .with_label("a list")
                    .with_help("give the one kind that best describes the node, and list what it provides under `offers`"),
            );
            return;
        }
        let items: Vec<&Value> = match &value.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![value],
        };
        for item in items {
            let word = match &item.kind {
                ValueKind::Ident(w) => *w,
                ValueKind::String(w) => w.as_ref(),
                _ => {
                    self.push(
                        Diagnostic::error(
                            Builtin::InvalidValue.name(),
                            item.span,
                            format!(
                                "{} {what} is a word such as `{}`, not {}",
                                article(what),
                                known.first().map_or("x", |s| s),
                                item.describe()
                            ),
                        )
                        .with_label(format!("expected {} {what}", article(what))),
                    );
                    continue;
                }
            };
            if contains(known, word) {
                continue;
            }
            // A channel in capitals (`Online`) is the channel: the rules
            // read channels in any case, as they do criterion attributes.
            if what == "channel" && contains(known, &word.to_lowercase()) {
                continue;
            }
            // Another name for a channel, kind or offer: the word it
            // stands for (`telephone` is `phone`, `IAPT` is
            // `mental_health`).
            let other_name = match what {
                "channel" => self.vocab.channel_for(word),
                "kind" => crate::import::meaning::everyday_word(self.vocab, word, false, known),
                "offer" => crate::import::meaning::everyday_word(self.vocab, word, true, known),
                _ => None,
            };
            // `kind: weight_management`: an offer written as the kind.
            // The nearest kind by spelling (`self_management`) would be a
            // wrong guess, so none is offered.
            if what == "kind" && other_name.is_none() {
                let offer = if contains(&self.vocab.offers, word) {
                    Some(word.to_string())
                } else {
                    crate::import::meaning::everyday_word(
                        self.vocab,
                        word,
                        true,
                        &self.vocab.offers,
                    )
                    .map(str::to_string)
                };
                if let Some(offer) = offer {
                    self.push(
                        Diagnostic::new(rule, Severity::Warning, item.span, format!("unknown {what} `{word}`"))
                            .with_label("something a service offers, not a kind")
                            .with_help(format!(
                                "`{word}` is something a service offers, not the kind of service it is: list it under `offers: [{offer}]` and give the node the kind it is ({})",
                                known.join(", ")
                            )),
                    );
                    continue;
                }
            }
            let near = other_name.or_else(|| suggest(word, known.iter().map(String::as_str)));
            let help = match near {
                Some(near) if other_name.is_some() && what == "channel" => format!(
                    "`{word}` is another name for `{near}`: write `{near}`, the word the rules read \
                     (digital-only-access judges an entry by it)"
                ),
                Some(near) if other_name.is_some() && !near.eq_ignore_ascii_case(&word.replace(' ', "_")) => format!(
                    "`{word}` names what msklint calls `{near}`: write `{near}`, the word the rules read; \
                     as written, no rule counts it"
                ),
                Some(near) => format!("did you mean `{near}`?"),
                None => format!(
                    "known {what}s: {}. Add new ones under `vocabulary:` in msklint.yaml",
                    known.join(", ")
                ),
            };
            let mut diag = Diagnostic::new(
                rule,
                Severity::Warning,
                item.span,
                format!("unknown {what} `{word}`"),
            )
            .with_label(format!("not a known {what}"))
            .with_help(help);
            if let Some(near) = near {
                // Written the way it was: a quoted word stays quoted.
                let replacement = match item.kind {
                    ValueKind::String(_) => format!("\"{near}\""),
                    _ => near.to_string(),
                };
                diag = diag.with_suggestion(item.span, replacement);
            }
            self.push(diag);
        }
    }

    fn value(&mut self, value: &Value) {
        match &value.kind {
            ValueKind::Number(n) if !n.is_finite() => self.push(
                Diagnostic::error(
                    Builtin::InvalidValue.name(),
                    value.span,
                    "this number is too large to use",
                )
                .with_label("out of range"),
            ),
            ValueKind::Percent(p) if !(0.0..=100.0).contains(p) => self.push(
                Diagnostic::error(
                    Builtin::InvalidValue.name(),
                    value.span,
                    if p.is_finite() {
                        format!(
                            "a percentage must be between 0% and 100%, not {}%",
                            fmt_num(*p)
                        )
                    } else {
                        // Too long to read as a number at all: the range
                        // is what matters.
                        "a percentage must be between 0% and 100%, and this one is far larger"
                            .to_string()
                    },
                )
                .with_label("out of range"),
            ),
            ValueKind::List(items) => items.iter().for_each(|i| self.value(i)),
            _ => {}
        }
    }

    fn expect_percentage(&mut self, value: &Value, key: &str) {
        let (help, fix) = match value.kind {
            ValueKind::Percent(_) => return,
            ValueKind::Number(n) if n.is_finite() => (
                format!("write it with a per cent sign: `{key}: {}%`", fmt_num(n)),
                Some(format!("{}%", fmt_num(n))),
            ),
            ValueKind::Number(n) => (
                format!("write it with a per cent sign: `{key}: {}%`", fmt_num(n)),
                None,
            ),
            _ => (format!("write it as a percentage, e.g. `{key}: 92%`"), None),
        };
        let mut diag = Diagnostic::error(
            Builtin::InvalidValue.name(),
            value.span,
            format!("`{key}` is a percentage, not {}", value.describe()),
        )
        .with_label("expected a percentage")
        .with_help(help);
        if let Some(fix) = fix {
            diag = diag.with_suggestion(value.span, fix);
        }
        self.push(diag);
    }

    fn criterion(&mut self, c: &Criterion) {
        self.value(&c.value);
        let op = c.op.value;
        if op == crate::ast::Op::Assign {
            self.push(
                Diagnostic::error(
                    Builtin::InvalidValue.name(),
                    c.op.span,
                    "`=` is not a comparison",
                )
                .with_label("use `==`")
                .with_help(format!(
                    "write `{} == ...` to compare for equality",
                    c.attribute.name
                ))
                .with_suggestion(c.op.span, "=="),
            );
        } else if op.is_ordering()
            && !matches!(c.value.kind, ValueKind::Number(_) | ValueKind::Percent(_))
        {
            self.push(
                Diagnostic::error(
                    Builtin::InvalidValue.name(),
                    c.value.span,
                    format!(
                        "`{}` compares numbers, but this is {}",
                        op.as_str(),
                        c.value.describe()
                    ),
                )
                .with_label("not a number")
                .with_related(c.op.span, "ordering comparison")
                .with_help("compare with a number, or use `==` / `!=` for other values"),
            );
        }
    }

    fn dna(&mut self, policy: &DnaPolicy) {
        for step in &policy.steps {
            let action = &step.action.name;
            if !contains(&self.vocab.dna_actions, action) {
                let near = suggest(action, self.vocab.dna_actions.iter().map(String::as_str));
                let help = match near {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("DNA actions are: {}", self.vocab.dna_actions.join(", ")),
                };
                let mut diag = Diagnostic::error(
                    Builtin::InvalidValue.name(),
                    step.action.span,
                    format!("unknown DNA action `{action}`"),
                )
                .with_label("not a DNA action")
                .with_help(help);
                if let Some(near) = near {
                    diag = diag.with_suggestion(step.action.span, near);
                }
                self.push(diag);
            }
            if let Some(after) = &step.after {
                let n = after.value;
                if !(n >= 1.0 && n.fract() == 0.0 && n.is_finite()) {
                    self.push(
                        Diagnostic::error(
                            Builtin::InvalidValue.name(),
                            after.span,
                            format!("`after` counts missed appointments, so it must be a whole number of at least 1, not {}", fmt_num(n)),
                        )
                        .with_label("not a count"),
                    );
                }
            }
        }
    }
}

/// Criterion attributes are free, but one close to a known name is most
/// likely that name mistyped or dressed up (`bmii`, `bmi_value`), and as
/// written no rule reads it. One unlike anything known is left alone.
pub fn attributes(pathway: &Pathway, measures: &Measures, diags: &mut Vec<Diagnostic>) {
    let criteria = pathway
        .nodes
        .iter()
        .flat_map(|n| n.properties.iter())
        .filter_map(|p| match &p.value {
            PropertyValue::Criteria(list) => Some(list.iter()),
            _ => None,
        })
        .flatten()
        .chain(pathway.routes.iter().flat_map(|r| r.requires().iter()));
    // A name is looked up once per pathway: large pathways repeat a few
    // attributes thousands of times, and a miss costs an edit distance to
    // every known name.
    let mut looked_up: std::collections::HashMap<&str, Option<&str>> =
        std::collections::HashMap::new();
    for c in criteria {
        let name = c.attribute.name;
        let near = *looked_up
            .entry(name)
            .or_insert_with(|| measures.suggest(name));
        let Some(near) = near else {
            continue;
        };
        let what = match measures.measure_of(near) {
            Some(m) if !m.measure.eq_ignore_ascii_case(near) => {
                format!(" (another name for `{}`)", m.measure)
            }
            Some(m) if !m.called().eq_ignore_ascii_case(&near.replace('_', " ")) => {
                format!(" ({})", m.called())
            }
            _ => String::new(),
        };
        diags.push(
            Diagnostic::warning(
                Builtin::UnknownProperty.name(),
                c.attribute.span,
                format!("unknown criterion attribute `{name}`"),
            )
            .with_label("not a known attribute")
            .with_help(format!(
                "did you mean `{near}`{what}? As written, no rule reads this criterion. docs/language.md (section 7.1) lists the attributes the rules know; `vocabulary:` in msklint.yaml can add names"
            ))
            .with_suggestion(c.attribute.span, near)
            .in_pathway(pathway.name.value.as_ref()),
        );
    }
}

/// A node's free property that states a condition on a measure, where
/// `requires` would: found by [`property_gates`].
#[derive(Debug, Clone)]
pub struct PropertyGate<'a> {
    pub node: &'a ast::Node<'a>,
    /// The key, or the word under a free key, that names the measure.
    pub name: &'a str,
    /// Where that name is written.
    pub span: Span,
    /// The whole property, which a finding quotes.
    pub property: Span,
    /// The measure's name as rules write it (`smoking`).
    pub measure: String,
    /// How findings say the measure (`symptom duration`).
    pub called: String,
    /// It plainly asks for at least an amount of the measure: a bare number
    /// under the measure's own name (`symptom_weeks: 12`), or a number under
    /// a name that sets a floor (`min_symptom_weeks: 12`). Any other gate
    /// may as well be a ceiling or a "no" (`max_bmi: 40`, `smoking: false`).
    pub lower: bool,
}

/// A node's free property named for a measure and written as a bound on
/// it: a criterion written outside `requires`. Only a clear bound counts,
/// since a service may record a measure or offer help with it (`bmi:
/// "recorded"`, `smoking: "quit support"`, `physio_sessions: 6`): a number
/// under a name that bounds (`max_bmi: 40`, `min_symptom_weeks: 12`), a
/// comparison in words or symbols (`bmi: "< 40"`, `bmi: "under 40"`), or a
/// yes or no that shuts people out (`smoking: false`, `non_smoker: true`).
/// A rule's criterion check reads these as it reads `requires`
/// (`CriterionCheck::reads_gate`); [`measure_properties`] points out the rest.
pub fn property_gates<'a>(
    pathway: &'a Pathway<'a>,
    measures: &Measures,
    vocab: &Vocabulary,
) -> Vec<PropertyGate<'a>> {
    let known = &vocab.node_properties;
    let mut gates = Vec::new();
    for node in pathway.nodes.iter() {
        for prop in node.properties.iter() {
            let PropertyValue::Value(value) = &prop.value else {
                continue;
            };
            let gate = |name: &'a str, span: Span, m: &crate::measures::Measure, lower: bool| {
                PropertyGate {
                    node,
                    name,
                    span,
                    property: prop.span,
                    measure: m.measure.clone(),
                    called: m.called().to_string(),
                    lower,
                }
            };
            let key = prop.key.name;
            let Some(m) = measures.measure_of(key) else {
                // `entry_criteria: [non_smoker, bmi_under_35]`,
                // `exclusions: [smokers]`: the gate is in the words.
                if !contains(known, key) {
                    for (word, span) in value.each_word() {
                        let Some(m) = measures.measure_of(word).filter(|m| !m.service_property)
                        else {
                            continue;
                        };
                        if measures.negated(word)
                            || names_a_bound(word, vocab)
                            || shuts_out(key, vocab)
                        {
                            gates.push(gate(word, span, m, false));
                        }
                    }
                }
                continue;
            };
            if m.service_property {
                continue;
            }
            let (bound, lower) = match &value.kind {
                ValueKind::Number(_) | ValueKind::Percent(_) => {
                    let named = names_a_bound(key, vocab);
                    let negated = measures.negated(key);
                    let bare = m.bare_number_is_bound && !negated;
                    // A floor by name (`min_symptom_weeks: 12`) asks for
                    // at least as plainly as a bare number does.
                    let floor = !negated && names_a_floor(key, vocab);
                    (named || bare, floor || (bare && !named))
                }
                ValueKind::String(text) => (is_comparison(text, vocab), false),
                ValueKind::Bool(b) => (*b == measures.negated(key), false),
                // `smoking_status: non_smoker`, `bmi: under_35`.
                ValueKind::Ident(word) => (
                    is_comparison(&word.replace('_', " "), vocab)
                        || (measures.negated(word)
                            && measures
                                .measure_of(word)
                                .is_some_and(|w| w.measure == m.measure)),
                    false,
                ),
                _ => (false, false),
            };
            if bound {
                gates.push(gate(key, prop.key.span, m, lower));
            }
        }
    }
    gates
}

/// The gates of [`property_gates`] that no rule reads (`read` says which
/// one does), each pointed out with `unknown-property`: as written, the
/// condition is checked by nothing.
pub fn measure_properties(
    pathway: &Pathway,
    gates: &[PropertyGate<'_>],
    read: impl Fn(&PropertyGate<'_>) -> bool,
    diags: &mut Vec<Diagnostic>,
) {
    for g in gates.iter().filter(|g| !read(g)) {
        diags.push(
            Diagnostic::warning(
                Builtin::UnknownProperty.name(),
                g.span,
                format!(
                    "`{}` names {}, but as a node property no rule reads it",
                    g.name, g.called
                ),
            )
            .with_label(format!("a {} condition no rule checks", g.called))
            .with_help(format!(
                "if people must meet it to reach this service, write it as a criterion (`requires: {} ...`, docs/language.md section 7) so the rules check it; if it only records something about the service, give it a name that says so",
                g.measure
            ))
            .in_pathway(pathway.name.value.as_ref()),
        );
    }
}

/// A node's free property that states what happens when someone misses
/// an appointment, where `on_dna` would (`dna_policy: discharge`,
/// `on_DNA: remove`, `discharge_after_dna: true`): found by
/// [`dna_properties`].
#[derive(Debug, Clone)]
pub struct DnaProperty<'a> {
    pub node: &'a ast::Node<'a>,
    /// Where the key is written.
    pub span: Span,
    /// The whole property, which a finding quotes.
    pub property: Span,
    /// The actions it states, in the order written, as the vocabulary's
    /// `dna_actions` spell them (`discharge`).
    pub actions: Vec<String>,
}

/// Words that turn a missed-appointment policy around (`no_discharge`,
/// `never_remove`): a property holding one states no action.
const DNA_NEGATIONS: [&str; 6] = ["no", "not", "never", "without", "dont", "avoid"];

/// The free properties of `pathway`'s nodes that state a missed-appointment
/// policy: a key that names missed appointments (one of the vocabulary's
/// `property_names` for `on_dna`, or a key with one of its
/// `dna_key_words`, `on_dna` in capitals among them) with actions as its
/// value (`dna_policy: discharge`, `dna_actions: [contact, discharge]`),
/// or with `true` when the key itself says the action
/// (`discharge_after_dna: true`). A string is prose, read as such
/// (docs/language.md, section 5.4); `on_dna` itself is the grammar's.
/// A rule's DNA check reads these as it reads `on_dna`
/// (`DnaPolicyCheck::reads`).
pub fn dna_properties<'a>(pathway: &'a Pathway<'a>, vocab: &Vocabulary) -> Vec<DnaProperty<'a>> {
    let other_names = vocab.property_names.get("on_dna");
    let mut found = Vec::new();
    for node in pathway.nodes.iter() {
        for prop in node.properties.iter() {
            let PropertyValue::Value(value) = &prop.value else {
                continue;
            };
            let key = prop.key.name;
            if key == "on_dna" || contains(&vocab.node_properties, key) {
                continue;
            }
            let lower = key.to_ascii_lowercase();
            let names_dna = other_names.is_some_and(|names| names.contains(&lower))
                || vocab.dna_key_words.iter().any(|w| {
                    if w.contains('_') {
                        lower.contains(w.as_str())
                    } else {
                        lower.split('_').any(|part| part == w)
                    }
                });
            if !names_dna {
                continue;
            }
            let words: Vec<&str> = match &value.kind {
                ValueKind::Ident(w) if w.eq_ignore_ascii_case("yes") => vec![key],
                ValueKind::Bool(true) => vec![key],
                ValueKind::Ident(w) => vec![*w],
                ValueKind::List(items) => items
                    .iter()
                    .filter_map(|i| match &i.kind {
                        ValueKind::Ident(w) => Some(*w),
                        _ => None,
                    })
                    .collect(),
                _ => continue,
            };
            let Some(actions) = dna_actions_in(&words, &vocab.dna_actions) else {
                continue;
            };
            if !actions.is_empty() {
                found.push(DnaProperty {
                    node,
                    span: prop.key.span,
                    property: prop.span,
                    actions,
                });
            }
        }
    }
    found
}

/// The DNA actions the words name, in order (`contact_then_discharge`,
/// `discharged`), or none at all when a word turns them around
/// (`no_discharge`).
fn dna_actions_in(words: &[&str], actions: &[String]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for word in words {
        for part in word.split('_').map(str::to_ascii_lowercase) {
            if DNA_NEGATIONS.contains(&part.as_str()) {
                return None;
            }
            // `discharge`, `discharged`, `discharges`, `contacted`.
            let action = actions.iter().find(|a| {
                part == **a
                    || [a.len() + 1, a.len() + 2].contains(&part.len())
                        && part.starts_with(a.as_str())
                        && ["d", "s", "ed"].contains(&&part[a.len()..])
            });
            if let Some(a) = action {
                out.push(a.clone());
            }
        }
    }
    Some(out)
}

/// Whether a property name says its values are shut out
/// (`exclusions`, `not_accepted`): `exclusion_words` in the vocabulary.
fn shuts_out(key: &str, vocab: &Vocabulary) -> bool {
    let lower = key.to_ascii_lowercase();
    vocab.exclusion_words.iter().any(|w| {
        if w.contains('_') {
            lower.contains(w.as_str())
        } else {
            lower.split('_').any(|part| part == w)
        }
    })
}

/// Whether a property name bounds what it names (`max_bmi`, `bmi_limit`,
/// `min_symptom_weeks`): `bound_words` or `lower_bound_words` in the
/// vocabulary.
fn names_a_bound(key: &str, vocab: &Vocabulary) -> bool {
    key.to_ascii_lowercase()
        .split('_')
        .any(|w| contains(&vocab.bound_words, w) || contains(&vocab.lower_bound_words, w))
}

/// Whether a property name sets a floor on what it names
/// (`min_symptom_weeks`, `minimum_physio_weeks`): `lower_bound_words` in
/// the vocabulary.
fn names_a_floor(key: &str, vocab: &Vocabulary) -> bool {
    key.to_ascii_lowercase()
        .split('_')
        .any(|w| contains(&vocab.lower_bound_words, w))
}

/// Whether a string is a comparison with a number (`< 40`, `under 40`,
/// `40 or less`): `comparison_words` in the vocabulary.
fn is_comparison(text: &str, vocab: &Vocabulary) -> bool {
    // A bound is a few words; more is prose, read by the prose checks.
    let lower = text.trim().to_lowercase();
    lower.split_whitespace().count() <= 3
        && lower.chars().any(|c| c.is_ascii_digit())
        && (lower.starts_with(['<', '>', '≤', '≥'])
            || vocab
                .comparison_words
                .iter()
                .any(|w| lower.contains(w.as_str())))
}

/// A string whose words make a DNA chain (known actions, `then`, `after`
/// and a whole number): that chain, to write without the quotes.
fn unquoted_chain(value: &Value, actions: &[String]) -> Option<String> {
    let ValueKind::String(text) = &value.kind else {
        return None;
    };
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut steps = 0;
    let mut expect_action = true;
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if expect_action {
            if !contains(actions, w) {
                return None;
            }
            steps += 1;
            expect_action = false;
        } else if w == "then" {
            expect_action = true;
        } else if w == "after" && words.get(i + 1).is_some_and(|n| n.parse::<u32>().is_ok()) {
            i += 1;
        } else {
            return None;
        }
        i += 1;
    }
    (steps > 0 && !expect_action).then(|| words.join(" "))
}

/// Keys are often free-form, so only a near-certain misspelling counts:
/// one edit for short keys, two for long ones.
fn suggest_key<'a>(key: &str, known: &'a [String]) -> Option<&'a str> {
    let limit = if key.chars().count() <= 7 { 1 } else { 2 };
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(key, k), k.as_str()))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, k)| k)
        .or_else(|| {
            // Further than a typo but the same words: a singular for a
            // plural (`inequality`), or a known key with a word that
            // only qualifies it (`health_inequalities`,
            // `outcome_measures`). As written, `missing-inequalities`
            // said the pathway never mentioned what the field said.
            const QUALIFIERS: [&str; 5] = ["health", "measure", "statement", "reported", "patient"];
            let words = stems(key);
            known.iter().map(String::as_str).find(|k| {
                let want = stems(k);
                words == want
                    || (words.len() > want.len()
                        && want.iter().all(|w| words.contains(w))
                        && words
                            .iter()
                            .filter(|w| !want.contains(w))
                            .all(|w| QUALIFIERS.contains(&w.as_str())))
            })
        })
}

/// The words of a key in lower case, each in the singular (`inequalities`
/// as `inequality`).
fn stems(key: &str) -> Vec<String> {
    key.split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let w = w.to_ascii_lowercase();
            if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() > 2) {
                format!("{stem}y")
            } else if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
                w[..w.len() - 1].to_string()
            } else {
                w
            }
        })
        .collect()
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

pub fn fmt_num(n: f64) -> String {
    if !n.is_finite() {
        return "a number too large to use".to_string();
    }
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
