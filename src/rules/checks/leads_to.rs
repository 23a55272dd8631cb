//! `leads-to`: the reverse of `successor`, a node providing one capability
//! from which routes lead on to a node providing another.

use serde::Deserialize;

use super::{quoted, Kind};
use crate::diagnostic::Label;
use crate::rules::analysis::onward_target;
use crate::rules::engine::{ActiveRule, Ctx, Finding};

/// Fires on each node providing `from` that has a route (one step or more)
/// on to a node providing `to`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LeadsToCheck {
    pub from: Vec<String>,
    pub to: Vec<String>,
}

impl Kind for LeadsToCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, _: &ActiveRule, out: &mut Vec<Finding>) {
        if !ctx.any_node_provides(&self.from) {
            return;
        }
        let via = onward_target(ctx.g, |n| ctx.provides_any(n, &self.to));
        for n in ctx.g.indices().filter(|&n| ctx.provides_any(n, &self.from)) {
            if let Some(t) = via[n.index()] {
                let target = ctx.g.node(t);
                let mut f = Finding::at(ctx.capability_span(n, &self.from))
                    .node(ctx.g.node(n))
                    .var("target", target.id());
                f.related.push(Label {
                    span: target.ast.id.span,
                    text: "leads on to this".to_string(),
                });
                out.push(f);
            }
        }
    }

    fn describe(&self) -> String {
        format!(
            "Each node providing {} from which routes lead on to a node providing {}.",
            quoted(&self.from),
            quoted(&self.to)
        )
    }

    /// Reports only a path that was read; a lost item can only hide one.
    fn needs_whole_pathway(&self) -> bool {
        false
    }

    fn capability_lists(&mut self, f: &mut dyn FnMut(&mut Vec<String>)) {
        f(&mut self.from);
        f(&mut self.to);
    }
}
