//! The consultation response as one self-contained HTML file: inline CSS
//! and SVG, no scripts or network requests, readable on screen and printed.

use super::markdown::capitalise;
use super::{
    counts, level_text, section, Item, Reviews, ABOUT, ABOUT_PROSE, EDIT_FIRST, NOTES, NO_CONCERNS,
    OUTLINES,
};
use crate::diagnostic::Severity;

pub fn render(all: &Reviews) -> String {
    let title = match all.reviews.as_slice() {
        [one] => format!("Consultation response: {}", one.pathway),
        _ => "Consultation responses".to_string(),
    };
    let mut body = String::new();
    for (k, r) in all.reviews.iter().enumerate() {
        let from = body.len();
        body.push_str("<article class=\"review\">\n");
        body.push_str(&format!(
            "<h1>Consultation response: {}</h1>\n",
            esc(&r.pathway)
        ));
        body.push_str(&format!(
            "<p class=\"draft\">Draft prepared with msklint {} from <code>{}</code>. {EDIT_FIRST}</p>\n",
            env!("CARGO_PKG_VERSION"),
            esc(&r.path)
        ));
        body.push_str("<section id=\"summary\"><h2>Summary</h2>\n<dl>\n");
        body.push_str(&format!(
            "<dt>{} reviewed</dt><dd>{}</dd>\n",
            capitalise(r.noun()),
            esc(&r.pathway)
        ));
        for (k, v) in &r.facts {
            body.push_str(&format!(
                "<dt>{}</dt><dd>{}</dd>\n",
                esc(&capitalise(k)),
                esc(v)
            ));
        }
        body.push_str(&format!(
            "<dt>Findings</dt><dd>{}</dd>\n</dl>\n",
            esc(&counts(r))
        ));
        match &r.drawn {
            Some(drawn) => body.push_str(&drawn_html(drawn)),
            None => body.push_str("</section>\n"),
        }
        body.push_str(&format!(
            "<section id=\"questions\"><h2>Questions for the {}'s authors</h2>\n",
            r.noun()
        ));
        let mut n = 0;
        for (theme, items) in &r.themes {
            body.push_str(&format!(
                "<section class=\"theme\"><h3>{} <span class=\"ref\">ARMA key messages, section {}</span></h3>\n",
                esc(&capitalise(theme)),
                section(theme)
            ));
            if items.is_empty() && r.unchecked.contains(theme) {
                body.push_str(&format!(
                    "<p class=\"none\">{}</p>\n",
                    super::NOT_CHECKED_IN_POLICIES
                ));
            } else if items.is_empty() {
                body.push_str(&format!("<p class=\"none\">{NO_CONCERNS}</p>\n"));
            }
            for item in items {
                n += 1;
                body.push_str(&item_html(n, item));
            }
            body.push_str("</section>\n");
        }
        if !r.other.is_empty() {
            body.push_str("<section class=\"theme\"><h3>Other findings</h3>\n");
            for item in &r.other {
                n += 1;
                body.push_str(&item_html(n, item));
            }
            body.push_str("</section>\n");
        }
        body.push_str("</section>\n");
        if !r.notes.is_empty() {
            body.push_str(&format!(
                "<section class=\"notes\"><h2>Notes for the reviewer</h2>\n<p>{}</p>\n<ul>\n",
                esc(NOTES)
            ));
            for item in &r.notes {
                body.push_str(&listed_html(item));
            }
            body.push_str("</ul>\n</section>\n");
        }
        if let Some(drawn) = &r.drawn {
            body.push_str(&appendix_html(drawn));
        }
        let about = if r.drawn.is_some() {
            ABOUT
        } else {
            ABOUT_PROSE
        };
        body.push_str(&format!(
            "<section id=\"about\"><h2>About this review</h2>\n<p>{}</p>\n</section>\n",
            rich(about)
        ));
        body.push_str("</article>\n");
        if k > 0 {
            let review = body.split_off(from);
            body.push_str(&numbered_ids(&review, k + 1));
        }
    }
    for u in &all.unreviewed {
        body.push_str(&format!(
            "<article class=\"review\"><h1>Not reviewed: <code>{}</code></h1>\n<p>{}</p>\n<ul>\n",
            esc(&u.path),
            esc(u.why)
        ));
        for p in &u.problems {
            body.push_str(&listed_html(p));
        }
        body.push_str("</ul></article>\n");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(&title)
    )
}

/// A finding as one line of a list (notes for the reviewer, problems
/// that stopped a file being reviewed): where, which check, what.
fn listed_html(item: &Item) -> String {
    format!(
        "<li><code>{}</code> {}: {}</li>\n",
        esc(&item.location),
        esc(&item.rule),
        rich(&item.message)
    )
}

/// One review of several in a file, with its `id`s and the links and
/// SVG references to them made its own (`appendix-2`): with the first
/// review's ids, its "appendix" link and its diagram's arrowheads went to
/// the first pathway's. User text is escaped, so it holds none of these.
fn numbered_ids(review: &str, n: usize) -> String {
    let mut out = String::with_capacity(review.len() + 64);
    let mut rest = review;
    while let Some((at, open)) = ["id=\"", "href=\"#", "url(#"]
        .iter()
        .filter_map(|m| rest.find(m).map(|i| (i, *m)))
        .min()
    {
        let start = at + open.len();
        let close = if open == "url(#" { ')' } else { '"' };
        let Some(len) = rest[start..].find(close) else {
            break;
        };
        out.push_str(&rest[..start + len]);
        out.push_str(&format!("-{n}"));
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// The summary's maturity table (closing the summary section) and the
/// diagram section: pathways only.
fn drawn_html(drawn: &super::Drawn) -> String {
    let mut body = String::new();
    let scored: Vec<_> = drawn
        .scorecard
        .requirements
        .iter()
        .filter(|q| q.level.is_some())
        .collect();
    body.push_str(&format!(
            "<h3>Maturity against the ARMA core offer (2019)</h3>\n<p>As far as the pathway shows it: {} of {} requirements can be scored from a pathway. The evidence is in the <a href=\"#appendix\">appendix</a>.</p>\n<table class=\"score compact\">\n<thead><tr><th>Requirement</th><th>Level</th></tr></thead>\n<tbody>\n",
            scored.len(),
            drawn.scorecard.requirements.len()
        ));
    for req in &scored {
        let level = req.level.unwrap_or(0);
        body.push_str(&format!(
                "<tr><td>{}</td><td class=\"level\"><span class=\"meter l{level}\" aria-hidden=\"true\"></span>{}</td></tr>\n",
                esc(req.name),
                esc(&level_text(req.level))
            ));
    }
    body.push_str("</tbody></table>\n</section>\n");
    body.push_str(&format!(
        "<section id=\"diagram\"><h2>The pathway as drawn</h2>\n<p>{OUTLINES}</p>\n<figure>\n"
    ));
    body.push_str(&drawn.svg);
    body.push_str("\n</figure>\n</section>\n");
    body
}

fn appendix_html(drawn: &super::Drawn) -> String {
    let mut body = String::new();
    body.push_str("<section id=\"appendix\"><h2>Appendix: maturity scores in detail</h2>\n<table class=\"score\">\n<thead><tr><th>Requirement</th><th>Level</th><th>Evidence</th><th>To raise it</th></tr></thead>\n<tbody>\n");
    for req in &drawn.scorecard.requirements {
        body.push_str(&format!(
            "<tr><td>{}</td><td class=\"level\">{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(req.name),
            esc(&level_text(req.level)),
            list(&req.evidence),
            list(&req.raise)
        ));
    }
    body.push_str("</tbody></table>\n</section>\n");
    body
}

fn item_html(n: usize, item: &Item) -> String {
    let class = match item.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    let sources = if item.sources.is_empty() {
        String::new()
    } else {
        format!(
            "<dt>Guidance</dt><dd>{}</dd>\n",
            esc(&item.sources.join("; "))
        )
    };
    let allowed = item.allowed.as_ref().map_or(String::new(), |by| {
        format!(
            "<dt>Marked as allowed</dt><dd>{} in {}.</dd>\n",
            super::ALLOWED_BY_AUTHORS,
            esc(by)
        )
    });
    format!(
        "<div class=\"finding {class}\">\n<h4><span class=\"n\">{n}.</span> {}</h4>\n<dl>\n<dt>Evidence <code>{}</code></dt><dd><pre>{}</pre></dd>\n<dt>What msklint found</dt><dd>{} <span class=\"rule\">{} <code>{}</code>, {}</span></dd>\n{allowed}<dt>Suggested change</dt><dd>{}</dd>\n{sources}</dl>\n</div>\n",
        rich(&item.question),
        esc(&item.location),
        esc(&item.quote),
        rich(&item.message),
        esc(&item.code),
        esc(&item.rule),
        item.severity,
        rich(&item.change)
    )
}

/// Several short statements as separate lines in a table cell.
fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| rich(i))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Escaped text with `code spans` (as rule texts write them) as <code>.
pub fn rich(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An unmatched backtick: show the text as it is.
        return esc(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", esc(p))
            } else {
                esc(p)
            }
        })
        .collect()
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    crate::escape::xml(s)
}

const CSS: &str = r#"
:root { --ink: #1d2a33; --muted: #5b6b75; --rule: #d4dbe0; --error: #b3261e; --warning: #9a6700; --info: #2d5f8b; }
* { box-sizing: border-box; }
body { font: 16px/1.5 Georgia, "Times New Roman", serif; color: var(--ink); max-width: 58rem; margin: 2rem auto; padding: 0 1.25rem; }
h1, h2, h3, h4 { font-family: "Helvetica Neue", Arial, sans-serif; line-height: 1.25; }
h1 { font-size: 1.8rem; border-bottom: 3px solid var(--ink); padding-bottom: .4rem; }
h2 { font-size: 1.35rem; margin-top: 2.2rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
h4 { font-size: 1rem; margin: 0 0 .5rem; }
.ref { font-weight: normal; color: var(--muted); font-size: .85rem; margin-left: .4rem; }
.draft { background: #f3f6f8; border-left: 4px solid var(--info); padding: .6rem .9rem; font-style: italic; }
dl { margin: 0; }
dt { font-weight: bold; font-family: "Helvetica Neue", Arial, sans-serif; font-size: .85rem; color: var(--muted); margin-top: .5rem; }
dd { margin: .1rem 0 0 0; }
#summary dl { display: grid; grid-template-columns: max-content 1fr; column-gap: 1rem; }
#summary dt { margin: 0; align-self: baseline; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin-top: .5rem; }
th, td { border: 1px solid var(--rule); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f5; font-family: "Helvetica Neue", Arial, sans-serif; }
td.level { white-space: nowrap; font-weight: bold; }
table.compact { width: auto; min-width: 24rem; }
.meter { display: inline-block; width: 4.5rem; height: .6rem; margin-right: .5rem; border-radius: 3px; background: #e5e9ec; vertical-align: middle; }
.meter.l1 { background: linear-gradient(90deg, #c0392b 25%, #e5e9ec 25%); }
.meter.l2 { background: linear-gradient(90deg, #d68910 50%, #e5e9ec 50%); }
.meter.l3 { background: linear-gradient(90deg, #2e86c1 75%, #e5e9ec 75%); }
.meter.l4 { background: #1e8449; }
[id^="appendix"] td { font-size: .82rem; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
.finding { border: 1px solid var(--rule); border-left: 5px solid var(--info); border-radius: 4px; padding: .8rem 1rem; margin: .9rem 0; page-break-inside: avoid; break-inside: avoid; }
.finding.error { border-left-color: var(--error); }
.finding.warning { border-left-color: var(--warning); }
.n { color: var(--muted); }
.rule { color: var(--muted); font-size: .85rem; }
pre { background: #f6f8fa; padding: .5rem .7rem; border-radius: 3px; white-space: pre-wrap; word-break: break-word; margin: .2rem 0; font-size: .85rem; }
code { font-size: .9em; }
.none { color: var(--muted); font-style: italic; }
/* Reports are printed in the UK, on A4. */
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { max-width: none; margin: 0; font-size: 11pt; }
  h2 { page-break-after: avoid; break-after: avoid; }
  [id^="diagram"], [id^="questions"], [id^="appendix"] { page-break-before: always; break-before: page; }
  .meter { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .draft { border: 1px solid var(--rule); }
  a { color: inherit; text-decoration: none; }
}
"#;
