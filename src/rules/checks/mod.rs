//! The check kinds a rule's `check:` may name, one file each: its fields
//! (with their serde attributes, which make the YAML schema), what it finds
//! on a pathway, its description for `explain`, and the capability words it
//! names. [`Check`] only hands a check to its kind. Every evaluation is
//! linear in nodes plus routes (docs/rules-format.md, section 9).
//!
//! The spec types keep their `…Check` names: serde puts them in error
//! messages for bad rule files ("expected struct CriterionCheck").

pub mod channels;
pub mod condition;
pub mod covers;
pub mod criterion;
pub mod dna_policy;
pub mod exists;
pub mod field;
pub mod leads_to;
pub mod reachable;
pub mod reachable_without;
pub mod shape;
pub mod successor;

use serde::Deserialize;

use super::engine::{ActiveRule, Ctx, Finding};

/// The engine's vocabulary of checks. A "capability" is a word a node
/// provides through its `kind` or its `offers`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Check {
    /// Emitted by the parser or graph stage, not by the engine
    /// (src/rules/builtin.rs names them).
    Builtin,
    Criterion(criterion::CriterionCheck),
    Channels(channels::ChannelsCheck),
    DnaPolicy(dna_policy::DnaPolicyCheck),
    Reachable(reachable::ReachableCheck),
    Exists(exists::ExistsCheck),
    Successor(successor::SuccessorCheck),
    LeadsTo(leads_to::LeadsToCheck),
    ReachableWithout(reachable_without::ReachableWithoutCheck),
    Covers(covers::CoversCheck),
    Field(field::FieldCheck),
    Shape(shape::ShapeCheck),
    Condition(condition::ConditionCheck),
}

/// What each kind of check supplies.
pub(crate) trait Kind {
    /// Adds what the check finds on one pathway to `out`.
    fn evaluate(&self, ctx: &Ctx<'_, '_>, active: &ActiveRule, out: &mut Vec<Finding>);

    /// The check in words, for readers who will not read YAML (`explain`,
    /// `rules`, docs/rules.md).
    fn describe(&self) -> String;

    /// See [`Check::needs_whole_pathway`].
    fn needs_whole_pathway(&self) -> bool;

    /// Calls `f` on each list of capability words the check matches against
    /// node kinds and offers, so loading can expand `group:NAME` and refuse
    /// unknown words.
    fn capability_lists(&mut self, _f: &mut dyn FnMut(&mut Vec<String>)) {}
}

impl Check {
    fn kind(&self) -> Option<&dyn Kind> {
        Some(match self {
            Check::Builtin => return None,
            Check::Criterion(c) => c,
            Check::Channels(c) => c,
            Check::DnaPolicy(c) => c,
            Check::Reachable(c) => c,
            Check::Exists(c) => c,
            Check::Successor(c) => c,
            Check::LeadsTo(c) => c,
            Check::ReachableWithout(c) => c,
            Check::Covers(c) => c,
            Check::Field(c) => c,
            Check::Shape(c) => c,
            Check::Condition(c) => c,
        })
    }

    fn kind_mut(&mut self) -> Option<&mut dyn Kind> {
        Some(match self {
            Check::Builtin => return None,
            Check::Criterion(c) => c,
            Check::Channels(c) => c,
            Check::DnaPolicy(c) => c,
            Check::Reachable(c) => c,
            Check::Exists(c) => c,
            Check::Successor(c) => c,
            Check::LeadsTo(c) => c,
            Check::ReachableWithout(c) => c,
            Check::Covers(c) => c,
            Check::Field(c) => c,
            Check::Shape(c) => c,
            Check::Condition(c) => c,
        })
    }

    /// Whether the check can conclude from something being absent (no
    /// route, no node, no field, a path that avoids a kind of node), so
    /// that text the parser skipped after a syntax error could make it
    /// fire falsely. Such checks do not run on a pathway with skipped text
    /// (docs/language.md, section 13). The others only report what is
    /// written in the items that were read: a criterion, a channel list, a
    /// DNA policy, a path that exists, a route written twice. Losing an
    /// item can only make those find less, never something false.
    pub fn needs_whole_pathway(&self) -> bool {
        self.kind().is_some_and(Kind::needs_whole_pathway)
    }

    pub(crate) fn evaluate(&self, ctx: &Ctx<'_, '_>, active: &ActiveRule, out: &mut Vec<Finding>) {
        if let Some(kind) = self.kind() {
            kind.evaluate(ctx, active, out);
        }
    }

    /// The check in words, for readers who will not read YAML.
    pub fn describe(&self) -> String {
        match self.kind() {
            Some(kind) => kind.describe(),
            None => "Reported by msklint itself while reading the file (decoding, parsing or building the graph), not by a pattern.".to_string(),
        }
    }

    pub(crate) fn capability_lists(&mut self, f: &mut dyn FnMut(&mut Vec<String>)) {
        if let Some(kind) = self.kind_mut() {
            kind.capability_lists(f);
        }
    }
}

/// Words as a list of code spans: "`a`, `b`".
/// The sentence `explain` adds for a check limited to pathways that offer
/// something (`if_present`); empty when it is not limited.
fn only_if_present(words: &[String]) -> String {
    if words.is_empty() {
        return String::new();
    }
    format!(
        " Only pathways with a node providing {} are checked.",
        quoted(words)
    )
}

fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn join_or(words: &[String]) -> String {
    join(words, "or")
}

fn join(words: &[String], last: &str) -> String {
    match words {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., end] => format!("{} {last} {end}", init.join(", ")),
    }
}
