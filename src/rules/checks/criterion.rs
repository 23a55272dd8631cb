//! `criterion`: a `requires` criterion on one of the named measures.

use serde::Deserialize;

use super::{quoted, Kind};
use crate::ast::Criterion;
use crate::rules::engine::{brief, route_shown, route_text, ActiveRule, Ctx, Finding};

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
    /// Whether criterion `cr` on `node` (or on a route into it) is a
    /// support service's own intake and no gate: the node [`supports`]
    /// the measure and the criterion lets in people with more of it
    /// (`bmi >= 35`, `smoking == true`). `bmi < 40` on a weight service
    /// still shuts out the people it is for.
    ///
    /// [`supports`]: CriterionCheck::supports
    pub fn exempts(
        &self,
        node: &crate::graph::Node<'_>,
        cr: &Criterion,
        measures: &crate::measures::Measures,
    ) -> bool {
        measures.sets_lower_bound(cr) && self.supports(node)
    }

    /// A service that helps with the measure and offers nothing a
    /// criterion could hold people back from. Offers are read from the
    /// tree when asked, so only for a node or route with a matching
    /// criterion.
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

    /// Whether this check reads a condition written as a node's own
    /// property (`non_smokers_only: true`, `symptom_weeks: 12`) as it
    /// reads a criterion: one on a measure it names, written so that its
    /// direction is plain when only a lower bound counts. Not on a service
    /// that helps with the measure: a property there may well be its own
    /// intake (`min_bmi: 30` on a weight management service), and which
    /// way it points is seldom plain. Routes have no properties, so a
    /// check only of routes reads none.
    pub fn reads_gate(
        &self,
        gate: &crate::validate::PropertyGate<'_>,
        measures: &crate::measures::Measures,
    ) -> bool {
        self.on != Placement::Routes
            && self.ops.is_empty()
            && (self.bound == Bound::Any || gate.lower)
            && self
                .attributes
                .iter()
                .any(|a| measures.key(a) == gate.measure.to_ascii_lowercase())
            && !self.supports(&crate::graph::Node { ast: gate.node })
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
                .var("criterion", ctx.code(cr.span))
                .var("attribute", cr.attribute.name)
                .var("measure", ctx.measures.called(cr.attribute.name));
            f.reading = ctx.measures.reading(cr);
            f
        };
        let exempt =
            |node: &crate::graph::Node<'_>, cr: &Criterion| self.exempts(node, cr, ctx.measures);
        if self.on != Placement::Routes {
            for node in ctx.g.declared() {
                for cr in node.requires().filter(|cr| hit(cr)) {
                    if !exempt(node, cr) {
                        out.push(finding(cr).node(node));
                    }
                }
            }
        }
        // The same conditions written as a node's own properties, quoted
        // whole where they are written.
        for gate in ctx
            .gates
            .iter()
            .filter(|g| self.reads_gate(g, ctx.measures))
        {
            let node = crate::graph::Node { ast: gate.node };
            let mut f = Finding::at(gate.span)
                .var("criterion", ctx.code(gate.property))
                .var("attribute", gate.name)
                .var("measure", gate.called.clone())
                .node(&node);
            f.on_property = true;
            out.push(f);
        }
        if self.on != Placement::Nodes {
            for route in &ctx.g.pathway.routes {
                if !route.requires().iter().any(&hit) {
                    continue;
                }
                let sources: Vec<&str> = route.sources().iter().map(|s| s.name).collect();
                for cr in route.requires().iter().filter(|cr| hit(cr)) {
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
                                .is_some_and(|i| exempt(&ctx.g.nodes[i.index()], cr))
                        })
                        .collect();
                    if targets.is_empty() {
                        continue;
                    }
                    // Whether people reach every target some other way, on a
                    // route with no criterion of this rule: then this route,
                    // not the node, is what the criterion closes.
                    let open_elsewhere = targets.iter().all(|t| {
                        ctx.g.find(t).is_some_and(|n| {
                            ctx.g
                                .graph
                                .edges_directed(n, petgraph::Direction::Incoming)
                                .any(|e| {
                                    let other = &ctx.g.edges
                                        [petgraph::visit::EdgeRef::id(&e).index()]
                                    .route;
                                    !std::ptr::eq(*other, route)
                                        && !other.requires().iter().any(&hit)
                                })
                        })
                    });
                    let mut f = finding(cr)
                        .var("node", brief(&targets))
                        .var("route", route_shown(route))
                        .var("from", brief(&sources));
                    f.subject = Some(route_text(route));
                    f.open_elsewhere = open_elsewhere;
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
            s.push_str(
                ", or a route only into such services, when the criterion lets in people with \
                 more of the measure (`bmi >= 35`, `smoking == true`): that is the service's own \
                 intake, while `bmi < 40` there still shuts out the people it is for",
            );
        }
        s.push('.');
        if self.on != Placement::Routes && self.ops.is_empty() {
            s.push_str(
                " A condition on such a measure written as a node's own property counts too, \
                 where docs/language.md (`unknown-property`) says the property is one",
            );
            if self.bound == Bound::Lower {
                s.push_str(
                    ", when it is plainly a lower bound: a bare number under the name of a \
                     measure whose bare number is a bound (`bare-number-is-bound` in the \
                     vocabulary, as for `symptom_weeks: 12`), or a number under a name with a \
                     word that sets a floor (`lower_bound_words` in the vocabulary, as for \
                     `min_symptom_weeks: 12`)",
                );
            }
            s.push('.');
        }
        s
    }

    /// Reports only criteria that were read.
    fn needs_whole_pathway(&self) -> bool {
        false
    }
}
