//! `field`: the pathway declares a field, and it names one of the values
//! asked for.

use serde::Deserialize;

use super::{quoted, Kind};
use crate::ast::ValueKind;
use crate::diagnostic::Label;
use crate::rules::engine::{ActiveRule, Ctx, Finding};

/// The pathway must declare field `name` (non-empty), and if `values` is
/// given, mention at least one of them.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FieldCheck {
    pub name: String,
    #[serde(default)]
    pub values: Vec<String>,
}

impl Kind for FieldCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, _: &ActiveRule, out: &mut Vec<Finding>) {
        let declared = ctx
            .g
            .pathway
            .fields
            .iter()
            .find(|f| f.key.name == self.name);
        let ok = declared.is_some_and(|f| {
            let present = match &f.value.kind {
                ValueKind::String(s) => !s.trim().is_empty(),
                ValueKind::List(items) => !items.is_empty(),
                _ => true,
            };
            present
                && (self.values.is_empty()
                    || f.value
                        .words()
                        .iter()
                        .any(|(w, _)| self.values.iter().any(|v| v.eq_ignore_ascii_case(w))))
        });
        if !ok {
            let mut finding = ctx.header().var("field", self.name.clone());
            if let Some(f) = declared {
                finding.related.push(Label {
                    span: f.value.span,
                    text: "declared, but says nothing the rule can use".to_string(),
                });
            }
            out.push(finding);
        }
    }

    fn describe(&self) -> String {
        if self.values.is_empty() {
            format!(
                "Reported once per pathway that does not declare a non-empty `{}` field.",
                self.name
            )
        } else {
            format!(
                "Reported once per pathway whose `{}` field is missing or names none of {}.",
                self.name,
                quoted(&self.values)
            )
        }
    }

    /// A skipped item may be the field it looks for.
    fn needs_whole_pathway(&self) -> bool {
        true
    }
}
