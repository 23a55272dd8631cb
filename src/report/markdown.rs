//! The consultation response as Markdown: renders on GitHub (the diagram is
//! Mermaid) and pastes into a word processor.

use crate::escape::{markdown_message, markdown_text, one_line};

use super::{
    counts, level_text, section, Item, Reviews, ABOUT, ABOUT_PROSE, EDIT_FIRST, NO_CONCERNS,
    OUTLINES,
};

pub fn render(all: &Reviews) -> String {
    let mut out = String::new();
    for r in &all.reviews {
        out.push_str(&format!(
            "# Consultation response: {}\n\n",
            markdown_text(&r.pathway)
        ));
        out.push_str(&format!(
            "*Draft prepared with msklint {} from {}. {EDIT_FIRST}*\n\n",
            env!("CARGO_PKG_VERSION"),
            code_span(&r.path)
        ));
        out.push_str("## Summary\n\n");
        out.push_str(&format!(
            "- **{} reviewed:** {}\n",
            capitalise(r.noun()),
            markdown_text(&r.pathway)
        ));
        for (k, v) in &r.facts {
            out.push_str(&format!("- **{}:** {}\n", capitalise(k), markdown_text(v)));
        }
        out.push_str(&format!("- **Findings:** {}\n\n", counts(r)));
        if let Some(drawn) = &r.drawn {
            let scored: Vec<_> = drawn
                .scorecard
                .requirements
                .iter()
                .filter(|q| q.level.is_some())
                .collect();
            out.push_str(&format!(
                "**Maturity against the ARMA core offer (2019)**, as far as the pathway shows it \
                 ({} of {} requirements can be scored from a pathway; the evidence is in the appendix):\n\n",
                scored.len(),
                drawn.scorecard.requirements.len()
            ));
            out.push_str("| Requirement | Level |\n|---|---|\n");
            for req in &scored {
                out.push_str(&format!(
                    "| {} | {} |\n",
                    cell(req.name),
                    level_text(req.level)
                ));
            }
            out.push_str("\n## The pathway as drawn\n\n");
            out.push_str(&format!("{OUTLINES}\n\n"));
            out.push_str(&format!("```mermaid\n{}```\n\n", drawn.mermaid));
        }
        out.push_str(&format!("## Questions for the {}'s authors\n\n", r.noun()));
        let mut n = 0;
        for (theme, items) in &r.themes {
            out.push_str(&format!(
                "### {} (ARMA key messages, section {})\n\n",
                capitalise(theme),
                section(theme)
            ));
            if items.is_empty() {
                out.push_str(&format!("{NO_CONCERNS}\n\n"));
            }
            for item in items {
                n += 1;
                out.push_str(&item_md(n, item));
            }
        }
        if !r.other.is_empty() {
            out.push_str("### Other findings\n\n");
            for item in &r.other {
                n += 1;
                out.push_str(&item_md(n, item));
            }
        }
        if let Some(drawn) = &r.drawn {
            out.push_str("## Appendix: maturity scores in detail\n\n| Requirement | Level | Evidence | To raise it |\n|---|---|---|---|\n");
            for req in &drawn.scorecard.requirements {
                out.push_str(&format!(
                    "| {} | {} | {} | {} |\n",
                    cell(req.name),
                    level_text(req.level),
                    cell(&req.evidence.join("; ")),
                    cell(&req.raise.join("; "))
                ));
            }
            out.push('\n');
        }
        let about = if r.drawn.is_some() {
            ABOUT
        } else {
            ABOUT_PROSE
        };
        out.push_str(&format!("## About this review\n\n{about}\n\n"));
    }
    for u in &all.unreviewed {
        out.push_str(&format!(
            "# Not reviewed: {}\n\n{}\n\n",
            code_span(&u.path),
            u.why
        ));
        for p in &u.problems {
            out.push_str(&format!(
                "- {} {}: {}\n",
                code_span(&p.location),
                p.rule,
                markdown_message(&p.message)
            ));
        }
        out.push('\n');
    }
    out
}

/// `text` as inline code. A location can itself hold backticks (a
/// diagram shape's ID is quoted in them), so the span is opened with one
/// backtick more than the longest run inside, as CommonMark allows. Line
/// breaks, which would end the span, become spaces.
fn code_span(text: &str) -> String {
    let text = one_line(text);
    let longest = longest_run(&text, '`');
    let ticks = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{ticks}{text}{ticks}")
    } else {
        format!("{ticks} {text} {ticks}")
    }
}

/// The longest run of `c` in `text`.
fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for d in text.chars() {
        run = if d == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

fn item_md(n: usize, item: &Item) -> String {
    let mut s = format!("**{n}. {}**\n\n", markdown_message(&item.question));
    // The quote is pathway text: a fence longer than any run of backticks
    // in it keeps it inside the block, and each of its lines is indented
    // to stay in the list item.
    let fence = "`".repeat(longest_run(&item.quote, '`').max(2) + 1);
    let quote: Vec<String> = item.quote.lines().map(one_line).collect();
    s.push_str(&format!(
        "- **Evidence** ({}):\n\n  {fence}\n  {}\n  {fence}\n\n",
        code_span(&item.location),
        quote.join("\n  ")
    ));
    // A finding with no rule file (none built in) has no code.
    let code = if item.code.is_empty() {
        String::new()
    } else {
        format!("{} ", item.code)
    };
    s.push_str(&format!(
        "- **What msklint found:** {} ({code}`{}`, {})\n",
        markdown_message(&item.message),
        item.rule,
        item.severity
    ));
    s.push_str(&format!(
        "- **Suggested change:** {}\n",
        markdown_message(&item.change)
    ));
    if !item.sources.is_empty() {
        s.push_str(&format!("- **Guidance:** {}\n", item.sources.join("; ")));
    }
    s.push('\n');
    s
}

/// Text in a table cell: as a message, with `|` escaped even inside code
/// spans (GitHub's tables split on it there too).
fn cell(s: &str) -> String {
    markdown_message(s).replace('|', "\\|")
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use super::code_span;

    #[test]
    fn code_spans_hold_backticks_inside() {
        assert_eq!(code_span("a.pathway:3:1"), "`a.pathway:3:1`");
        assert_eq!(
            code_span("d.drawio:2:1, shape `x`"),
            "`` d.drawio:2:1, shape `x` ``"
        );
        assert_eq!(code_span("``a`"), "``` ``a` ```");
    }
}
