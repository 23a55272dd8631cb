//! `covers`: the nodes an entry reaches cover every named group of
//! capabilities.

use serde::Deserialize;

use super::{join, quoted, Kind};
use crate::rules::engine::{ActiveRule, Ctx, Finding};

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

impl Kind for CoversCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, _: &ActiveRule, out: &mut Vec<Finding>) {
        if ctx.entries.is_empty() {
            return;
        }
        let reach = ctx.reachable();
        let missing: Vec<String> = self
            .groups
            .iter()
            .filter(|grp| {
                !ctx.g
                    .indices()
                    .any(|n| reach[n.index()] && ctx.provides_any(n, &grp.any))
            })
            .map(|grp| grp.name.clone())
            .collect();
        if !missing.is_empty() {
            out.push(ctx.header().var("missing", join(&missing, "and")));
        }
    }

    fn describe(&self) -> String {
        let groups = self
            .groups
            .iter()
            .map(|g| format!("{} ({})", g.name, quoted(&g.any)))
            .collect::<Vec<_>>()
            .join("; ");
        format!(
            "Reported once per pathway when, among nodes reachable from an entry, none provides \
             one of these groups: {groups}."
        )
    }

    /// A skipped item may be the node or route that covers a group.
    fn needs_whole_pathway(&self) -> bool {
        true
    }

    fn capability_lists(&mut self, f: &mut dyn FnMut(&mut Vec<String>)) {
        self.groups.iter_mut().for_each(|g| f(&mut g.any));
    }
}
