//! `criterion`: a `requires` criterion on one of the named measures.

use serde::Deserialize;

use super::{quoted, Kind};
use crate::ast::Criterion;
use crate::rules::engine::{route_text, ActiveRule, Ctx, Finding};

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
    /// Offers that help with the measure (`weight_management` for BMI): a
    /// service offering one, and nothing beyond `support-with`, may set its
    /// own entry criterion, which is not a gate on other care. Listing
    /// `weight_management` beside `surgery` hides no threshold.
    #[serde(default)]
    pub support: Vec<String>,
    /// Offers a support service may list beside its support and still be
    /// one (`exercise`, `advice` for a weight management service).
    #[serde(default)]
    pub support_with: Vec<String>,
    /// `lower`: only criteria that ask for at least some of the measure
    /// (`conservative_weeks >= 6`, `education_completed == true`), not an
    /// upper bound or a "no" (`conservative_weeks < 6` is the other branch
    /// of the same question, not a course to finish first). Default: any.
    #[serde(default)]
    pub bound: Bound,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Bound {
    #[default]
    Any,
    Lower,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    Nodes,
    Routes,
    #[default]
    Both,
}

impl CriterionCheck {
    /// A service that helps with the measure and offers nothing a
    /// criterion could hold people back from: its own criteria, and routes
    /// only into it, gate no other care. Offers are read from the tree
    /// when asked, so only for a node or route with a matching criterion.
    pub fn supports(&self, node: &crate::graph::Node<'_>) -> bool {
        if self.support.is_empty() {
            return false;
        }
        let is = |list: &[String], o: &str| list.iter().any(|s| s.eq_ignore_ascii_case(o));
        let mut any = false;
        for o in node.offers() {
            if is(&self.support, o) {
                any = true;
            } else if !is(&self.support_with, o) {
                return false;
            }
        }
        any
    }
}

impl Kind for CriterionCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, _: &ActiveRule, out: &mut Vec<Finding>) {
        // Rules name measures; a criterion may use any name of one
        // (`non_smoker` for `smoking`), in any case.
        let wanted: Vec<String> = self
            .attributes
            .iter()
            .map(|a| ctx.measures.key(a))
            .collect();
        let hit = |cr: &Criterion| {
            wanted.contains(&ctx.measures.key(cr.attribute.name))
                && (self.ops.is_empty() || self.ops.iter().any(|o| o == cr.op.value.as_str()))
                && (self.bound == Bound::Any || ctx.measures.sets_lower_bound(cr))
        };
        let finding = |cr: &Criterion| {
            let mut f = Finding::at(cr.span)
                .var("criterion", ctx.slice(cr.span))
                .var("attribute", cr.attribute.name)
                .var("measure", ctx.measures.called(cr.attribute.name));
            f.reading = ctx.measures.reading(cr);
            f
        };
        let supports = |node: &crate::graph::Node<'_>| self.supports(node);
        if self.on != Placement::Routes {
            for node in ctx.g.declared() {
                let mut hits = node.requires().filter(|cr| hit(cr)).peekable();
                if hits.peek().is_none() || supports(node) {
                    continue;
                }
                for cr in hits {
                    out.push(finding(cr).node(node));
                }
            }
        }
        if self.on != Placement::Nodes {
            for route in &ctx.g.pathway.routes {
                if !route.requires().iter().any(&hit) {
                    continue;
                }
                // Only the targets the criterion holds people back from:
                // a route into weight management alone gates nothing.
                // (Exits are reported: skipping them would make a finding
                // appear when an exit's own line is broken and its ID is
                // no longer known.)
                let targets: Vec<&str> = route
                    .targets()
                    .iter()
                    .map(|t| t.name)
                    .filter(|t| {
                        !ctx.g
                            .find(t)
                            .is_some_and(|i| supports(&ctx.g.nodes[i.index()]))
                    })
                    .collect();
                if targets.is_empty() {
                    continue;
                }
                for cr in route.requires().iter().filter(|cr| hit(cr)) {
                    let mut f = finding(cr).var("node", targets.join(", "));
                    f.subject = Some(route_text(route));
                    out.push(f);
                }
            }
        }
    }

    fn describe(&self) -> String {
        let place = match self.on {
            Placement::Nodes => "a node",
            Placement::Routes => "a route",
            Placement::Both => "a node or a route",
        };
        let mut s = format!(
            "Any `requires` criterion on {place} whose attribute is one of {}, or another name \
             of the same measure (docs/language.md, section 7.1)",
            quoted(&self.attributes)
        );
        if !self.ops.is_empty() {
            s.push_str(&format!(" compared with {}", quoted(&self.ops)));
        }
        if self.bound == Bound::Lower {
            s.push_str(
                " that asks for at least some of the measure (`>`, `>=`, or yes), read in the \
                 measure's own terms",
            );
        }
        if !self.support.is_empty() {
            s.push_str(&format!(
                ", except on a service offering {}",
                quoted(&self.support)
            ));
            if !self.support_with.is_empty() {
                s.push_str(&format!(
                    " and nothing else but {}",
                    quoted(&self.support_with)
                ));
            } else {
                s.push_str(" and nothing else");
            }
            s.push_str(", or a route only into such services");
        }
        s.push('.');
        s
    }

    /// Reports only criteria that were read.
    fn needs_whole_pathway(&self) -> bool {
        false
    }
}
