//! The rule file schema: what a YAML file under `rules/` may say.
//! docs/rules-format.md documents every field; unknown fields are errors so
//! a typo in a rule never silently turns it into a different rule.

use serde::Deserialize;

use crate::diagnostic::Severity;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable kebab-case name, e.g. `bmi-threshold`.
    pub name: String,
    /// Stable short code, e.g. `MSK101`.
    pub code: String,
    pub category: String,
    pub severity: Severity,
    /// One line: what the rule flags.
    pub summary: String,
    /// Why it matters.
    pub rationale: String,
    /// How to fix it.
    pub help: String,
    /// Documents and sections the rule rests on.
    pub sources: Vec<String>,
    pub examples: Examples,
    /// What the engine evaluates. Rules checked by the parser or graph stage
    /// say `builtin`. Written as a one-key map (`criterion: {...}`) rather
    /// than a YAML tag, which is easier for people writing rules.
    #[serde(with = "serde_norway::with::singleton_map_recursive")]
    pub check: Check,
    /// The finding's message; `{placeholders}` are filled per finding (see
    /// docs/rules-format.md). Defaults to the summary.
    #[serde(default)]
    pub message: Option<String>,
    /// Short text under the highlighted span.
    #[serde(default)]
    pub label: Option<String>,
    /// The ARMA key-message theme the consultation report files it under:
    /// one of [`THEMES`].
    #[serde(default)]
    pub theme: Option<String>,
    /// The question a reviewer puts to the pathway's authors; placeholders
    /// as in `message`.
    #[serde(default)]
    pub question: Option<String>,
    /// Parameters a user may change in msklint.yaml, with their defaults.
    #[serde(default)]
    pub parameters: std::collections::BTreeMap<String, serde_json::Value>,
}

/// The six themes of the ARMA key messages for MSK service improvement
/// (2023), in the document's order; the report groups findings by them.
pub const THEMES: [&str; 6] = [
    "co-production",
    "MSK services",
    "wider access",
    "workforce and funding",
    "health equalities",
    "barriers to access",
];

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub fail: String,
    pub pass: String,
}

/// The engine's vocabulary of checks. A "capability" is a word a node
/// provides through its `kind` or its `offers`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Check {
    /// Emitted by the parser or graph stage, not by the engine.
    Builtin,
    Criterion(CriterionCheck),
    Channels(ChannelsCheck),
    DnaPolicy(DnaPolicyCheck),
    Reachable(ReachableCheck),
    Exists(ExistsCheck),
    Successor(SuccessorCheck),
    LeadsTo(LeadsToCheck),
    ReachableWithout(ReachableWithoutCheck),
    Covers(CoversCheck),
    Field(FieldCheck),
    Shape(ShapeCheck),
    Condition(ConditionCheck),
}

/// A `requires` criterion (on a node or a route) on one of `attributes`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CriterionCheck {
    pub attributes: Vec<String>,
    /// Only these comparison operators (default: any).
    #[serde(default)]
    pub ops: Vec<String>,
    /// Where to look: `nodes`, `routes` or `both` (default).
    #[serde(default)]
    pub on: Placement,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    Nodes,
    Routes,
    #[default]
    Both,
}

/// An entry whose declared channels all fall within `only`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ChannelsCheck {
    pub only: Vec<String>,
}

/// An `on_dna` chain containing one of `actions`. The rule's severity applies
/// when no `contact` comes earlier in the chain; `after-contact` gives the
/// severity when one does (omit it to accept contact-first chains).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DnaPolicyCheck {
    pub actions: Vec<String>,
    #[serde(default)]
    pub after_contact: Option<Severity>,
}

/// Fires when no node providing any of `any` is reachable from the entries.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ReachableCheck {
    pub any: Vec<String>,
    /// Only check pathways where some node provides one of these.
    #[serde(default)]
    pub if_present: Vec<String>,
}

/// Fires when no node of `node` type (providing any of `any`, if given)
/// is declared at all.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ExistsCheck {
    #[serde(default)]
    pub any: Vec<String>,
    #[serde(default)]
    pub node: NodeFilter,
    #[serde(default)]
    pub if_present: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum NodeFilter {
    Entry,
    Service,
    Exit,
    #[default]
    Any,
}

/// Nodes providing `from` must have a route, within `within` steps, to a
/// node providing `to`. With `require: every` (default) each such node that
/// does not is a finding; with `require: any` one finding when none does.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct SuccessorCheck {
    pub from: Vec<String>,
    pub to: Vec<String>,
    #[serde(default)]
    pub within: Option<usize>,
    #[serde(default)]
    pub require: Require,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Require {
    #[default]
    Every,
    Any,
}

/// The reverse of `successor`: fires on each node providing `from` that has
/// a route (one step or more) on to a node providing `to`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LeadsToCheck {
    pub from: Vec<String>,
    pub to: Vec<String>,
}

/// Fires on each node providing `target` that an entry reaches by some path
/// avoiding every node providing `through` (the target itself providing
/// `through` counts as passing it).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ReachableWithoutCheck {
    pub target: Vec<String>,
    pub through: Vec<String>,
}

/// Every named group must have a node reachable from the entries that
/// provides one of its capabilities; one finding names the missing groups.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct CoversCheck {
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Group {
    pub name: String,
    pub any: Vec<String>,
}

/// The pathway must declare field `name` (non-empty), and if `values` is
/// given, mention at least one of them.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FieldCheck {
    pub name: String,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ShapeCheck {
    pub kind: ShapeKind,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ShapeKind {
    /// The whole pathway is one chain.
    Linear,
    /// A specialist service every path reaches only through at least
    /// `min-services` other services (rule parameters `min-services`,
    /// `specialist-kinds`, `specialist-offers`).
    StageGate,
    /// A non-exit node with no onward route.
    DeadEnd,
    /// A node no entry leads to.
    Unreachable,
    /// The same route (same conditions) declared twice.
    DuplicateRoute,
}

/// Applies `check` only when the pathway's `condition` is one of `in`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConditionCheck {
    #[serde(rename = "in")]
    pub conditions: Vec<String>,
    pub check: Box<Check>,
}
