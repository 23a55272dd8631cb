//! `reachable-without`: a node an entry reaches by a path that avoids
//! every node providing a capability.

use serde::Deserialize;

use super::{join_or, quoted, Kind};
use crate::rules::analysis::reachable_from;
use crate::rules::engine::{ActiveRule, Ctx, Finding};

/// Fires on each node providing `target` that an entry reaches by some path
/// avoiding every node providing `through` (the target itself providing
/// `through` counts as passing it).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ReachableWithoutCheck {
    pub target: Vec<String>,
    pub through: Vec<String>,
}

impl Kind for ReachableWithoutCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, _: &ActiveRule, out: &mut Vec<Finding>) {
        if ctx.entries.is_empty() || !ctx.any_node_provides(&self.target) {
            return;
        }
        let open = reachable_from(ctx.g, ctx.entries.iter().copied(), |n| {
            ctx.provides_any(n, &self.through)
        });
        for n in ctx.g.indices() {
            if open[n.index()] && ctx.provides_any(n, &self.target) {
                out.push(
                    Finding::at(ctx.capability_span(n, &self.target))
                        .node(ctx.g.node(n))
                        .var("through", join_or(&self.through)),
                );
            }
        }
    }

    fn describe(&self) -> String {
        format!(
            "Each node providing {} that some path from an entry reaches without passing a node \
             providing {} (providing it at the node itself counts).",
            quoted(&self.target),
            quoted(&self.through)
        )
    }

    /// A skipped item may be the node on the way it looks for.
    fn needs_whole_pathway(&self) -> bool {
        true
    }

    fn capability_lists(&mut self, f: &mut dyn FnMut(&mut Vec<String>)) {
        f(&mut self.target);
        f(&mut self.through);
    }
}
