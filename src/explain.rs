//! A rule's documentation, as `msklint explain` and `msklint rules` print
//! it (the commands are in src/cli/). One function lays it out; the
//! terminal text and docs/rules.md are two renderings of it, so `explain`
//! always says as much as the docs.

use serde::Serialize;

use crate::rules::load::{LoadedRule, RuleSet};
use crate::rules::model::{Check, Rule, ShapeKind};

/// A rule's documentation as (heading, body) sections, in reading order.
pub fn sections(rule: &Rule) -> Vec<(&'static str, String)> {
    let mut out = vec![
        (
            "Why it matters",
            crate::rules::engine::paragraph(&rule.rationale),
        ),
        ("How to fix it", crate::rules::engine::paragraph(&rule.help)),
        ("What it checks", describe(&rule.check)),
    ];
    if let Some(question) = &rule.question {
        let theme = rule.theme.as_deref().unwrap_or("none");
        out.push((
            "Question for the pathway's authors",
            format!(
                "{} (consultation report theme: {theme})",
                crate::rules::engine::paragraph(question)
            ),
        ));
    }
    if let Some(prose) = &rule.prose {
        out.push(("In policy documents", describe_prose(prose)));
        if let Some(help) = &prose.help {
            out.push((
                "How to fix it in a policy",
                crate::rules::engine::paragraph(help),
            ));
        }
        if let Some(question) = &prose.question {
            out.push((
                "Question for the policy's authors",
                crate::rules::engine::paragraph(question),
            ));
        }
        out.push(("Prose patterns", prose_patterns(prose)));
    }
    if !rule.parameters.is_empty() {
        let params = rule
            .parameters
            .iter()
            .map(|(k, v)| format!("- `{k}` (default `{v}`)"))
            .collect::<Vec<_>>()
            .join("\n");
        out.push(("Parameters (set in msklint.yaml)", params));
    }
    let sources = rule
        .sources
        .iter()
        .map(|s| format!("- {s}"))
        .collect::<Vec<_>>()
        .join("\n");
    out.push(("Sources", sources));
    out
}

pub fn explain_text(rule: &Rule) -> String {
    let mut out = format!(
        "{} {}  ({}, {})\n{}\n",
        rule.code, rule.name, rule.severity, rule.category, rule.summary
    );
    for (title, body) in sections(rule) {
        out.push_str(&format!("\n{title}:\n"));
        for line in body.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out.push_str("\nExample that fires:\n");
    out.push_str(&indent(&rule.examples.fail));
    out.push_str("\nExample that passes:\n");
    out.push_str(&indent(&rule.examples.pass));
    if let Some(examples) = rule.prose.as_ref().and_then(|p| p.examples.as_ref()) {
        out.push_str("\nPolicy wording that fires:\n");
        out.push_str(&indent(&examples.fail));
        out.push_str("\nPolicy wording that passes:\n");
        out.push_str(&indent(&examples.pass));
    }
    out.push_str(&format!(
        "\nSilence one finding with a comment on (or just above) its line:\n  # msklint: allow({}) reason: \"...\"\n",
        rule.name
    ));
    if rule.prose.is_some() {
        out.push_str(&format!(
            "In a Markdown or text policy:\n  <!-- msklint: allow({}) reason: \"...\" -->\n",
            rule.name
        ));
    }
    out
}

/// The prose check in words.
fn describe_prose(prose: &crate::rules::model::ProseCheck) -> String {
    if prose.is_document_level() {
        return "Also reads policy documents (`.md`, `.txt`, `.docx`): fires once, at the \
                document's title, when no sentence anywhere in it matches the patterns below."
            .to_string();
    }
    let mut text = format!(
        "Also reads policy documents (`.md`, `.txt`, `.docx`) sentence by sentence. A sentence \
         fires when it matches all {} patterns below: the first (what the sentence is about) \
         in the sentence itself, at least once outside any stretch that reports, studies, \
         opposes, advises or supposes a restriction rather than imposing it; the others there \
         or in the headings and `...:` lines a list item hangs from. Numbers bound to \
         something else (ages, look-back windows, section numbers) are masked first.",
        prose.all.len()
    );
    text.push_str(&format!(
        " It is cancelled by any of its own {} exception patterns below, or by the exceptions \
         every prose check shares (`prose_exceptions` in rules/vocabulary.yaml: \"not used as a \
         threshold\", \"regardless of\", support offered to everyone, a shared decision, a \
         restriction withdrawn, proposed for removal or criticised, an FAQ answered \"No.\"), \
         when the exception is in the clause of a mention of the subject or in one that \
         refers back to it, and not when its clause is about another rule's subject, sits in a \
         carve-out (\"unless\", \"except\") or matches one of the check's overruling patterns. \
         `msklint check --trace FILE:LINE` shows each step for one sentence.",
        prose.unless.len()
    ));
    text.push_str(" Patterns ignore case; docs/prose.md explains how they were measured.");
    text.push_str(
        " A pathway's own strings (labels, `when` notes, free-text properties) are read the \
         same way (docs/language.md, section 5.4).",
    );
    text
}

fn prose_patterns(prose: &crate::rules::model::ProseCheck) -> String {
    let list = |title: &str, items: &[crate::rules::model::Pattern]| {
        if items.is_empty() {
            return String::new();
        }
        let lines: Vec<String> = items.iter().map(|p| format!("- `{}`", p.source)).collect();
        format!("{title}:\n{}\n", lines.join("\n"))
    };
    [
        list("All of", &prose.all),
        list("Unless", &prose.unless),
        list(
            "Exceptions do not count in a clause with",
            &prose.overruled_by,
        ),
        list("None of these anywhere", &prose.missing),
    ]
    .concat()
    .trim_end()
    .to_string()
}

fn indent(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect()
}

pub fn rules_markdown(set: &RuleSet) -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated by `msklint rules --format markdown`; edit the YAML under rules/, not this file. -->\n\n\
         Every rule has a stable name and code. Change a rule's severity or switch it off in `msklint.yaml`, \
         and silence a single finding with `# msklint: allow(NAME) reason: \"...\"` \
         (in a policy document, `<!-- msklint: allow(NAME) reason: \"...\" -->`). \
         `msklint explain NAME` prints the same text as below.\n\n\
         | Code | Name | Severity | Category | Summary |\n|---|---|---|---|---|\n",
    );
    for r in &set.rules {
        let r = &r.rule;
        out.push_str(&format!(
            "| {} | [`{}`](#{}) | {} | {} | {} |\n",
            r.code,
            r.name,
            anchor(r),
            r.severity,
            r.category,
            r.summary.replace('|', "\\|")
        ));
    }
    let mut category = "";
    for loaded in &set.rules {
        let r = &loaded.rule;
        if r.category != category {
            category = &r.category;
            out.push_str(&format!("\n## {}\n", title_case(category)));
        }
        out.push_str(&format!("\n### {} {}\n\n", r.code, r.name));
        out.push_str(&format!(
            "**{}** · severity `{}` · defined in `{}`\n\n",
            r.summary, r.severity, loaded.origin
        ));
        for (title, body) in sections(r) {
            out.push_str(&format!("**{title}.**\n\n{body}\n\n"));
        }
        out.push_str(&format!(
            "Fires on:\n\n```{}\n{}\n```\n\n",
            example_label(&r.examples.fail, &r.name, true),
            r.examples.fail.trim_end()
        ));
        out.push_str(&format!(
            "Passes:\n\n```{}\n{}\n```\n",
            example_label(&r.examples.pass, &r.name, false),
            r.examples.pass.trim_end()
        ));
        if let Some(examples) = r.prose.as_ref().and_then(|p| p.examples.as_ref()) {
            out.push_str(&format!(
                "\nPolicy wording that fires:\n\n```text\n{}\n```\n\nPolicy wording that passes:\n\n```text\n{}\n```\n",
                examples.fail.trim_end(),
                examples.pass.trim_end()
            ));
        }
    }
    out
}

/// The fence label of a rule's example in docs/rules.md, which
/// tests/docs_examples.rs checks: only the rule's own findings count, and
/// an example that opens no pathway block (and is not all comments) is the
/// inside of one.
fn example_label(text: &str, rule: &str, fires: bool) -> String {
    let code = |l: &&str| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    };
    let whole = text.lines().any(|l| l.trim_start().starts_with("pathway "))
        || !text.lines().any(|l| code(&l));
    let mut label = String::from("pathway");
    if !whole {
        label.push_str(" fragment");
    }
    // The example's own comment says which bytes it stands for.
    if text.contains("saved as Latin-1") {
        label.push_str(" latin1");
    }
    label.push_str(&format!(" only={rule}"));
    if fires {
        label.push_str(&format!(" expect={rule}"));
    }
    label
}

fn anchor(r: &Rule) -> String {
    format!("{}-{}", r.code.to_lowercase(), r.name)
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// The check in words, for readers who will not read YAML.
pub fn describe(check: &Check) -> String {
    let list = |v: &[String]| {
        v.iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match check {
        Check::Builtin => "Reported by the parser and graph stage while reading the file.".to_string(),
        Check::Criterion(c) => {
            let mut s = format!("Any `requires` criterion on {} whose attribute is one of {}, or another name of the same measure (docs/language.md, section 7.1)", match c.on {
                crate::rules::model::Placement::Nodes => "a node",
                crate::rules::model::Placement::Routes => "a route",
                crate::rules::model::Placement::Both => "a node or a route",
            }, list(&c.attributes));
            if !c.ops.is_empty() {
                s.push_str(&format!(" compared with {}", list(&c.ops)));
            }
            s.push('.');
            s
        }
        Check::Channels(c) => format!("An entry whose declared `channels` are all among {} (entries that declare no channels are not judged).", list(&c.only)),
        Check::DnaPolicy(c) => {
            let mut s = format!("An `on_dna` chain containing {} with no earlier `contact` step.", list(&c.actions));
            if let Some(sev) = c.after_contact {
                s.push_str(&format!(" When a `contact` step comes first it is still reported, as {sev}."));
            }
            s
        }
        Check::Reachable(c) => {
            let mut s = format!("Reported once per pathway when no node providing {} (as its `kind` or in its `offers`) can be reached from any entry.", list(&c.any));
            if !c.if_present.is_empty() {
                s.push_str(&format!(" Only pathways with a node providing {} are checked.", list(&c.if_present)));
            }
            s
        }
        Check::Exists(c) => {
            let what = match c.node {
                crate::rules::model::NodeFilter::Entry => "entry",
                crate::rules::model::NodeFilter::Service => "service",
                crate::rules::model::NodeFilter::Exit => "exit",
                crate::rules::model::NodeFilter::Any => "node",
            };
            let mut s = if c.any.is_empty() {
                format!("Reported once per pathway that declares no {what} at all.")
            } else {
                format!("Reported once per pathway that declares no {what} providing {}.", list(&c.any))
            };
            if !c.if_present.is_empty() {
                s.push_str(&format!(" Only pathways with a node providing {} are checked.", list(&c.if_present)));
            }
            s
        }
        Check::Successor(c) => {
            let steps = c.within.map_or("by any number of routes".to_string(), |w| format!("within {w} route{}", if w == 1 { "" } else { "s" }));
            match c.require {
                crate::rules::model::Require::Every => format!("Every node providing {} must lead, {steps}, to a node providing {}; each one that does not is reported.", list(&c.from), list(&c.to)),
                crate::rules::model::Require::Any => format!("At least one node providing {} must lead, {steps}, to a node providing {}; reported once when none does.", list(&c.from), list(&c.to)),
            }
        }
        Check::LeadsTo(c) => format!("Each node providing {} from which routes lead on to a node providing {}.", list(&c.from), list(&c.to)),
        Check::ReachableWithout(c) => format!("Each node providing {} that some path from an entry reaches without passing a node providing {} (providing it at the node itself counts).", list(&c.target), list(&c.through)),
        Check::Covers(c) => {
            let groups = c.groups.iter().map(|g| format!("{} ({})", g.name, list(&g.any))).collect::<Vec<_>>().join("; ");
            format!("Reported once per pathway when, among nodes reachable from an entry, none provides one of these groups: {groups}.")
        }
        Check::Field(c) => {
            if c.values.is_empty() {
                format!("Reported once per pathway that does not declare a non-empty `{}` field.", c.name)
            } else {
                format!("Reported once per pathway whose `{}` field is missing or names none of {}.", c.name, list(&c.values))
            }
        }
        Check::Shape(s) => match s.kind {
            ShapeKind::Linear => "Reported when the whole pathway is one chain: a single entry, at least three nodes, and every node with at most one route in and one route out.".to_string(),
            ShapeKind::StageGate => "Each specialist service (by the `specialist-kinds` and `specialist-offers` parameters) that every path from every entry reaches only after passing at least `min-services` other services. Computed with dominators, so a single bypass route clears it; rehabilitation after surgery is not a specialist service and so is never a gate.".to_string(),
            ShapeKind::DeadEnd => "Each entry or service with no onward route. Exits are meant to end the pathway and are not reported; loops back to earlier services count as onward routes.".to_string(),
            ShapeKind::Unreachable => "Each node that no path from any entry reaches. Pathways without entries are left to `no-entry`.".to_string(),
            ShapeKind::DuplicateRoute => "Each route from a source to a target declared again with the same `when` text and the same `requires` criteria, including through list routes such as `a -> b, c`.".to_string(),
        },
        Check::Condition(c) => format!("Only for pathways whose `condition` is one of {}: {}", list(&c.conditions), describe(&c.check)),
    }
}

/// One line per rule, then a count.
pub fn table(set: &RuleSet) -> String {
    let width = set
        .rules
        .iter()
        .map(|r| r.rule.name.len())
        .max()
        .unwrap_or(4);
    let mut out = String::new();
    for r in &set.rules {
        let r = &r.rule;
        out.push_str(&format!(
            "{:<7} {:<width$}  {:<7}  {:<9} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.category,
            r.summary
        ));
    }
    out.push_str(&format!(
        "{} rules. `msklint explain NAME` for details.\n",
        set.rules.len()
    ));
    out
}

/// Every field of every rule, in words where the YAML has structure.
pub fn json(set: &RuleSet) -> String {
    #[derive(Serialize)]
    struct Row<'a> {
        code: &'a str,
        name: &'a str,
        severity: crate::diagnostic::Severity,
        category: &'a str,
        summary: &'a str,
        rationale: String,
        help: String,
        sources: &'a [String],
        check: String,
        theme: Option<&'a str>,
        question: Option<&'a str>,
        /// The prose check in words, when the rule reads policy documents.
        prose: Option<String>,
        origin: &'a str,
    }
    let rows: Vec<Row> = set
        .rules
        .iter()
        .map(|LoadedRule { rule: r, origin }| Row {
            code: &r.code,
            name: &r.name,
            severity: r.severity,
            category: &r.category,
            summary: &r.summary,
            rationale: crate::rules::engine::paragraph(&r.rationale),
            help: crate::rules::engine::paragraph(&r.help),
            sources: &r.sources,
            check: describe(&r.check),
            theme: r.theme.as_deref(),
            question: r.question.as_deref(),
            prose: r.prose.as_ref().map(describe_prose),
            origin,
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
}
