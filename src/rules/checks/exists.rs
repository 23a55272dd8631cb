//! `exists`: the pathway declares some node of a type, or providing a
//! capability.

use petgraph::graph::NodeIndex;
use serde::Deserialize;

use super::{join_or, only_if_present, quoted, Kind};
use crate::ast::NodeKind;
use crate::rules::engine::{ActiveRule, Ctx, Finding};

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

impl Kind for ExistsCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, _: &ActiveRule, out: &mut Vec<Finding>) {
        if !self.if_present.is_empty() && !ctx.any_node_provides(&self.if_present) {
            return;
        }
        let kind_ok = |n: NodeIndex| match self.node {
            NodeFilter::Any => true,
            NodeFilter::Entry => ctx.g.node(n).node_kind() == NodeKind::Entry,
            NodeFilter::Service => ctx.g.node(n).node_kind() == NodeKind::Service,
            NodeFilter::Exit => ctx.g.node(n).node_kind() == NodeKind::Exit,
        };
        let found = ctx
            .g
            .indices()
            .any(|n| kind_ok(n) && (self.any.is_empty() || ctx.provides_any(n, &self.any)));
        if !found {
            out.push(ctx.header().var("capabilities", join_or(&self.any)));
        }
    }

    fn describe(&self) -> String {
        let what = match self.node {
            NodeFilter::Entry => "entry",
            NodeFilter::Service => "service",
            NodeFilter::Exit => "exit",
            NodeFilter::Any => "node",
        };
        let mut s = if self.any.is_empty() {
            format!("Reported once per pathway that declares no {what} at all.")
        } else {
            format!(
                "Reported once per pathway that declares no {what} providing {}.",
                quoted(&self.any)
            )
        };
        s.push_str(&only_if_present(&self.if_present));
        s
    }

    /// A skipped item may be the node it looks for.
    fn needs_whole_pathway(&self) -> bool {
        true
    }

    fn capability_lists(&mut self, f: &mut dyn FnMut(&mut Vec<String>)) {
        f(&mut self.any);
        f(&mut self.if_present);
    }
}
