//! `successor`: nodes providing one capability lead on to a node providing
//! another.

use petgraph::graph::NodeIndex;
use serde::Deserialize;

use super::{join_or, quoted, Kind};
use crate::diagnostic::Label;
use crate::rules::analysis::distance_to;
use crate::rules::engine::{ActiveRule, Ctx, Finding};

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

impl Kind for SuccessorCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, _: &ActiveRule, out: &mut Vec<Finding>) {
        let froms: Vec<NodeIndex> = ctx
            .g
            .indices()
            .filter(|&n| ctx.provides_any(n, &self.from))
            .collect();
        if froms.is_empty() {
            return;
        }
        let dist = distance_to(ctx.g, |n| ctx.provides_any(n, &self.to));
        let limit = self.within.unwrap_or(usize::MAX - 1);
        let ok = |n: NodeIndex| dist[n.index()] <= limit;
        let finding = |n: NodeIndex| {
            Finding::at(ctx.capability_span(n, &self.from))
                .node(ctx.g.node(n))
                .var("to", join_or(&self.to))
                .var(
                    "within",
                    self.within
                        .map_or("any number of".to_string(), |w| w.to_string()),
                )
        };
        match self.require {
            Require::Every => out.extend(froms.iter().copied().filter(|&n| !ok(n)).map(finding)),
            Require::Any => {
                if !froms.iter().any(|&n| ok(n)) {
                    let mut f = finding(froms[0]);
                    for &n in froms.iter().skip(1).take(3) {
                        f.related.push(Label {
                            span: ctx.capability_span(n, &self.from),
                            text: "nor from here".to_string(),
                        });
                    }
                    out.push(f);
                }
            }
        }
    }

    fn describe(&self) -> String {
        let steps = self
            .within
            .map_or("by any number of routes".to_string(), |w| {
                format!("within {w} route{}", if w == 1 { "" } else { "s" })
            });
        let (from, to) = (quoted(&self.from), quoted(&self.to));
        match self.require {
            Require::Every => format!(
                "Every node providing {from} must lead, {steps}, to a node providing {to}; each \
                 one that does not is reported."
            ),
            Require::Any => format!(
                "At least one node providing {from} must lead, {steps}, to a node providing \
                 {to}; reported once when none does."
            ),
        }
    }

    /// A skipped item may hold the route it looks for.
    fn needs_whole_pathway(&self) -> bool {
        true
    }

    fn capability_lists(&mut self, f: &mut dyn FnMut(&mut Vec<String>)) {
        f(&mut self.from);
        f(&mut self.to);
    }
}
