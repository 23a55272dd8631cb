//! `dna-policy`: an `on_dna` chain that discharges or removes someone who
//! missed an appointment.

use serde::Deserialize;

use super::{quoted, Kind};
use crate::diagnostic::Severity;
use crate::rules::engine::{ActiveRule, Ctx, Finding};

/// An `on_dna` chain containing one of `actions`. The rule's severity applies
/// when no `contact` comes earlier in the chain; `after-contact` gives the
/// severity when one does (omit it to accept contact-first chains).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DnaPolicyCheck {
    pub actions: Vec<String>,
    #[serde(default)]
    pub after_contact: Option<Severity>,
}

impl Kind for DnaPolicyCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, _: &ActiveRule, out: &mut Vec<Finding>) {
        for node in ctx.g.declared() {
            let Some(policy) = node.on_dna() else {
                continue;
            };
            let mut contacted = false;
            for step in &policy.steps {
                let action = step.action.name;
                if action == "contact" {
                    contacted = true;
                }
                if !self.actions.iter().any(|a| a == action) {
                    continue;
                }
                let severity = if contacted {
                    match self.after_contact {
                        Some(s) => Some(s),
                        None => continue,
                    }
                } else {
                    None
                };
                let mut f = Finding::at(step.action.span)
                    .node(node)
                    .var("policy", ctx.slice(policy.span))
                    .var("action", action);
                f.severity = severity;
                out.push(f);
                break;
            }
        }
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "An `on_dna` chain containing {} with no earlier `contact` step.",
            quoted(&self.actions)
        );
        if let Some(sev) = self.after_contact {
            s.push_str(&format!(
                " When a `contact` step comes first it is still reported, as {sev}."
            ));
        }
        s
    }

    /// Reports only DNA policies that were read.
    fn needs_whole_pathway(&self) -> bool {
        false
    }
}
