//! Scorecards as Markdown and JSON.

use super::*;

// ---------------------------------------------------------------------------
// Output

/// A path given to `score` that has no scorecard, and why: it could not be
/// read or parsed, or it is a policy document.
#[derive(Debug, Clone, Serialize)]
pub struct NotScored {
    pub path: String,
    pub reason: String,
}

/// A Markdown report: a short key, one table per pathway, then the paths
/// that have none.
pub fn markdown(cards: &[Scorecard], not_scored: &[NotScored]) -> String {
    let mut out = String::new();
    out.push_str("# MSK core offer maturity\n\n");
    out.push_str(&format!(
        "Scored by msklint against the {MATRIX}. Levels run from 0 (the pathway routes nobody \
         to this) to 4; \"not evidenced\" means the requirement does not apply or a pathway \
         cannot show it. Only what the pathway text shows is claimed; see docs/score.md.\n"
    ));
    for card in cards {
        // A name is the pathway's own text: nothing in it is markup.
        out.push_str(&format!(
            "\n## {}\n\n",
            crate::escape::markdown_text(&card.pathway)
        ));
        if let Some(file) = &card.file {
            out.push_str(&format!("File: `{}`\n\n", file.replace('`', "'")));
        }
        let scored = card
            .requirements
            .iter()
            .filter(|r| r.level.is_some())
            .count();
        out.push_str(&format!(
            "{scored} of {} requirements scored; {} not evidenced.\n\n",
            card.requirements.len(),
            card.requirements.len() - scored
        ));
        out.push_str("| Requirement | Level | Evidence | To raise it |\n");
        out.push_str("|---|---|---|---|\n");
        for r in &card.requirements {
            let level = r
                .level
                .map_or("not evidenced".to_string(), |l| l.to_string());
            out.push_str(&format!(
                "| {}<br>*{}* | {level} | {} | {} |\n",
                cell(r.name),
                cell(r.section),
                lines(&r.evidence),
                lines(&r.raise)
            ));
        }
    }
    if !not_scored.is_empty() {
        out.push_str("\n## Not scored\n\n");
        for n in not_scored {
            out.push_str(&format!(
                "- `{}`: {}\n",
                crate::escape::one_line(&n.path).replace('`', "'"),
                cell(&n.reason)
            ));
        }
    }
    out
}

pub(super) fn lines(items: &[String]) -> String {
    if items.is_empty() {
        return "—".to_string();
    }
    items
        .iter()
        .map(|s| cell(s))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Text safe inside a table cell: pipes escaped, one line, and `<`, `>`
/// and `&` escaped outside code spans (inside them they show as written).
/// Code spans pair backticks as CommonMark does, so a backtick without a
/// partner (in a quoted label) is escaped rather than taken to open one.
pub(super) fn cell(text: &str) -> String {
    let shown: String = text
        .chars()
        // As in the report: a control character is no text to show.
        .map(|c| {
            if crate::escape::is_terminal_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    crate::escape::markdown_message(&shown).replace('|', "\\|")
}

#[derive(Serialize)]
pub(super) struct Document<'a> {
    version: u32,
    matrix: &'static str,
    scorecards: &'a [Scorecard],
    not_scored: &'a [NotScored],
}

/// The JSON document (schema in docs/score.md).
pub fn json(cards: &[Scorecard], not_scored: &[NotScored]) -> String {
    let doc = Document {
        version: SCHEMA_VERSION,
        matrix: MATRIX,
        scorecards: cards,
        not_scored,
    };
    // Plain structs of strings and numbers always serialise.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
