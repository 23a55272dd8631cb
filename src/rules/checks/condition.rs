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

impl Kind for ConditionCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, active: &ActiveRule, out: &mut Vec<Finding>) {
        let declared = ctx
            .g
            .pathway
            .fields
            .iter()
            .find(|f| f.key.name == "condition");
        let matches = declared.is_some_and(|f| {
            f.value
                .words()
                .iter()
                .any(|(w, _)| self.conditions.iter().any(|x| x.eq_ignore_ascii_case(w)))
        });
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
