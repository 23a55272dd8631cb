//! The consultation response as Markdown: renders on GitHub (the diagram is
//! Mermaid) and pastes into a word processor.

use super::{counts, level_text, section, Item, Reviews};

pub fn render(all: &Reviews) -> String {
    let mut out = String::new();
    for r in &all.reviews {
        out.push_str(&format!("# Consultation response: {}\n\n", r.pathway));
        out.push_str(&format!(
            "*Draft prepared with msklint {} from `{}`. Read it through and edit it before sending: \
             the questions are starting points, not conclusions.*\n\n",
            env!("CARGO_PKG_VERSION"),
            r.path
        ));
        out.push_str("## Summary\n\n");
        out.push_str(&format!("- **Pathway reviewed:** {}\n", r.pathway));
        for (k, v) in &r.facts {
            out.push_str(&format!("- **{}:** {v}\n", capitalise(k)));
        }
        out.push_str(&format!("- **Findings:** {}\n\n", counts(r)));
        let scored: Vec<_> = r
            .scorecard
            .requirements
            .iter()
            .filter(|q| q.level.is_some())
            .collect();
        out.push_str(&format!(
            "**Maturity against the ARMA core offer (2019)**, as far as the pathway shows it \
             ({} of {} requirements can be scored from a pathway; the evidence is in the appendix):\n\n",
            scored.len(),
            r.scorecard.requirements.len()
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
        out.push_str(
            "Services with findings are outlined in red (errors) or amber (warnings).\n\n",
        );
        out.push_str(&format!("```mermaid\n{}```\n\n", r.mermaid));
        out.push_str("## Questions for the pathway's authors\n\n");
        let mut n = 0;
        for (theme, items) in &r.themes {
            out.push_str(&format!(
                "### {} (ARMA key messages, section {})\n\n",
                capitalise(theme),
                section(theme)
            ));
            if items.is_empty() {
                out.push_str("No concerns found under this theme.\n\n");
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
        out.push_str("## Appendix: maturity scores in detail\n\n| Requirement | Level | Evidence | To raise it |\n|---|---|---|---|\n");
        for req in &r.scorecard.requirements {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                cell(req.name),
                level_text(req.level),
                cell(&req.evidence.join("; ")),
                cell(&req.raise.join("; "))
            ));
        }
        out.push('\n');
        out.push_str(ABOUT);
    }
    for u in &all.unreviewed {
        out.push_str(&format!("# Not reviewed: `{}`\n\nmsklint could not read this file as a pathway, so nothing in it was reviewed:\n\n", u.path));
        for p in &u.problems {
            out.push_str(&format!("- `{}` {}: {}\n", p.location, p.rule, p.message));
        }
        out.push('\n');
    }
    out
}

fn item_md(n: usize, item: &Item) -> String {
    let mut s = format!("**{n}. {}**\n\n", item.question);
    s.push_str(&format!(
        "- **Evidence** (`{}`):\n\n  ```\n  {}\n  ```\n\n",
        item.location, item.quote
    ));
    s.push_str(&format!(
        "- **What msklint found:** {} ({} `{}`, {})\n",
        item.message, item.code, item.rule, item.severity
    ));
    s.push_str(&format!(
        "- **Suggested change:** {}\n",
        item.change.replace('\n', " ")
    ));
    if !item.sources.is_empty() {
        s.push_str(&format!("- **Guidance:** {}\n", item.sources.join("; ")));
    }
    s.push('\n');
    s
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

const ABOUT: &str = "## About this review\n\n\
msklint checks a pathway written in its plain-text pathway language against rules drawn from \
published guidance: the ARMA key messages for MSK service improvement (2023), the ARMA core offer \
maturity matrix (2019), the supported self-management toolkit, the principles for restoring MSK \
services (2020) and a community MSK partnership's case for change (2022). It can only see what the \
pathway file says: a service that exists but is not written into the pathway will be reported as \
missing, and the maturity levels claim no more than the file evidences. `msklint explain RULE` gives \
the reasoning behind each finding.\n\n";
