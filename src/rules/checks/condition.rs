//! `condition`: another check, applied only to pathways for some
//! conditions.

use serde::Deserialize;

use super::{quoted, Check, Kind};
use crate::rules::engine::{ActiveRule, Ctx, Finding};

/// Applies `check` only when the pathway's `condition` is one of `in`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConditionCheck {
    #[serde(rename = "in")]
    pub conditions: Vec<String>,
    pub check: Box<Check>,
}

impl ConditionCheck {
    fn names(&self, declared: &str) -> bool {
        self.conditions.iter().any(|listed| names(declared, listed))
    }
}

/// Whether a declared condition names `listed`: the whole of it, or one
/// of its words (`hip_fracture` and "Hip fracture" name a `fracture`),
/// without regard to case. The scorecard matches conditions the same way.
pub fn names(declared: &str, listed: &str) -> bool {
    declared.eq_ignore_ascii_case(listed)
        || declared
            .split(|c: char| !c.is_alphanumeric())
            .any(|part| part.eq_ignore_ascii_case(listed))
}

impl Kind for ConditionCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, active: &ActiveRule, out: &mut Vec<Finding>) {
        let declared = ctx
            .g
            .pathway
            .fields
            .iter()
            .find(|f| f.key.name == "condition");
        let matches = declared.is_some_and(|f| f.value.each_word().any(|(w, _)| self.names(w)));
        if matches {
            self.check.evaluate(ctx, active, out);
        }
    }

    fn describe(&self) -> String {
        format!(
            "Only for pathways whose `condition` is one of {}: {}",
            quoted(&self.conditions),
            self.check.describe()
        )
    }

    /// A lost `condition` field only switches the inner check off.
    fn needs_whole_pathway(&self) -> bool {
        self.check.needs_whole_pathway()
    }

    fn capability_lists(&mut self, f: &mut dyn FnMut(&mut Vec<String>)) {
        self.check.capability_lists(f);
    }
}
