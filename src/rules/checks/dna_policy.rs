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

impl DnaPolicyCheck {
    /// Whether this check reports a missed-appointment policy written as a
    /// free node property (`dna_policy: discharge`,
    /// `discharge_after_dna: true`), and if so at what severity: `None`
    /// for the rule's own, as for an `on_dna` chain.
    pub fn reads(&self, property: &crate::validate::DnaProperty<'_>) -> Option<Option<Severity>> {
        let mut contacted = false;
        for action in &property.actions {
            if action == "contact" {
                contacted = true;
            }
            if !self.actions.contains(action) {
                continue;
            }
            return if contacted {
                self.after_contact.map(Some)
            } else {
                Some(None)
            };
        }
        None
    }
}

impl Kind for DnaPolicyCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, _: &ActiveRule, out: &mut Vec<Finding>) {
        for node in ctx.g.declared() {
            let Some(policy) = node.on_dna() else {
                continue;
            };
            // The missed appointment at which each contact step comes, if
            // the policy says (`contact after 3`).
            let mut contacts: Vec<Option<f64>> = Vec::new();
            for step in &policy.steps {
                let action = step.action.name;
                let after = step.after.as_ref().map(|a| a.value);
                if action == "contact" {
                    contacts.push(after);
                }
                if !self.actions.iter().any(|a| a == action) {
                    continue;
                }
                // A contact written first but at a later missed
                // appointment (`contact after 3 then discharge after 1`)
                // does not come before this step.
                let contacted = contacts.iter().any(|c| match (c, after) {
                    (Some(c), Some(a)) => *c <= a,
                    _ => true,
                });
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
                    .var("policy", ctx.code(policy.span))
                    .var("action", action);
                f.severity = severity;
                out.push(f);
                break;
            }
        }
        // The same policies written under another key, quoted whole where
        // they are written.
        for property in ctx.dna {
            let Some(severity) = self.reads(property) else {
                continue;
            };
            let action = property
                .actions
                .iter()
                .find(|a| self.actions.contains(a))
                .map_or("", String::as_str);
            let mut f = Finding::at(property.span)
                .node(&crate::graph::Node { ast: property.node })
                .var("policy", ctx.code(property.property))
                .var("action", action);
            f.severity = severity;
            out.push(f);
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
        s.push_str(
            " A policy written under another key that names missed appointments counts too \
             (`dna_policy: discharge`, `on_DNA: remove`, or `discharge_after_dna: true` where \
             the key says the action; `dna_key_words` and the names for `on_dna` in the \
             vocabulary), reported at the key.",
        );
        s
    }

    /// Reports only DNA policies that were read.
    fn needs_whole_pathway(&self) -> bool {
        false
    }
}
