//! `reachable`: some node providing a capability can be reached from an
//! entry.

use serde::Deserialize;

use super::{join_or, only_if_present, quoted, Kind};
use crate::diagnostic::Label;
use crate::rules::engine::{ActiveRule, Ctx, Finding};

/// Fires when no node providing any of `any` is reachable from the entries.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ReachableCheck {
    pub any: Vec<String>,
    /// Only check pathways where some node provides one of these.
    #[serde(default)]
    pub if_present: Vec<String>,
}

impl Kind for ReachableCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, _: &ActiveRule, out: &mut Vec<Finding>) {
        if ctx.entries.is_empty()
            || (!self.if_present.is_empty() && !ctx.any_node_provides(&self.if_present))
        {
            return;
        }
        let reach = ctx.reachable();
        if ctx
            .g
            .indices()
            .any(|n| reach[n.index()] && ctx.provides_any(n, &self.any))
        {
            return;
        }
        let mut f = ctx.header().var("capabilities", join_or(&self.any));
        // Point at declared-but-unreachable providers: the likely fix.
        for n in ctx
            .g
            .indices()
            .filter(|&n| ctx.provides_any(n, &self.any))
            .take(3)
        {
            f.related.push(Label {
                span: ctx.g.node(n).ast.id.span,
                text: "declared here, but no entry leads to it".to_string(),
            });
        }
        out.push(f);
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "Reported once per pathway when no node providing {} (as its `kind` or in its \
             `offers`) can be reached from any entry.",
            quoted(&self.any)
        );
        s.push_str(&only_if_present(&self.if_present));
        s
    }

    /// A skipped item may hold the route or the node it looks for.
    fn needs_whole_pathway(&self) -> bool {
        true
    }

    fn capability_lists(&mut self, f: &mut dyn FnMut(&mut Vec<String>)) {
        f(&mut self.any);
        f(&mut self.if_present);
    }
}
