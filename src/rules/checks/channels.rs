//! `channels`: an entry that can be reached only through the listed
//! channels.

use serde::Deserialize;

use super::{quoted, Kind};
use crate::ast::NodeKind;
use crate::rules::engine::{ActiveRule, Ctx, Finding};

/// An entry whose declared channels all fall within `only`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ChannelsCheck {
    pub only: Vec<String>,
    /// Other names of the channels in `only` (`web` for `online`), from
    /// the vocabulary's `channel_synonyms`, filled in when the rule loads.
    #[serde(skip)]
    pub other_names: Vec<String>,
}

impl Kind for ChannelsCheck {
    fn evaluate(&self, ctx: &Ctx<'_, '_>, _: &ActiveRule, out: &mut Vec<Finding>) {
        for node in ctx
            .g
            .nodes
            .iter()
            .filter(|n| n.node_kind() == NodeKind::Entry)
        {
            let list: Vec<&str> = node.channels().map(|(ch, _)| ch).collect();
            // Channels and their other names are compared as the
            // vocabulary writes them, in lower case ("NHS app" as
            // `nhs_app`, `Online` as `online`), as criterion attributes
            // are read in any case.
            let listed = |ch: &str| {
                let plain = crate::vocabulary::plain_channel(ch);
                self.only
                    .iter()
                    .any(|o| crate::vocabulary::plain_channel(o) == plain)
                    || self.other_names.contains(&plain)
            };
            if list.is_empty() || !list.iter().all(|ch| listed(ch)) {
                continue;
            }
            let span = node.value_span("channels").unwrap_or(node.ast.id.span);
            out.push(
                Finding::at(span)
                    .node(node)
                    .var("channels", list.join(", ")),
            );
        }
    }

    fn describe(&self) -> String {
        format!(
            "An entry whose declared `channels` are all among {}, in any case, or other names \
             for them (`channel_synonyms` in the vocabulary, such as `web` for `online`); \
             entries that declare no channels are not judged.",
            quoted(&self.only)
        )
    }

    /// Reports only channel lists that were read.
    fn needs_whole_pathway(&self) -> bool {
        false
    }
}
