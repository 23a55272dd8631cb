//! A rule's documentation, as `msklint explain` and `msklint rules` print
//! it (the commands are in src/cli/). One function lays it out; the
//! terminal text and docs/rules.md are two renderings of it, so `explain`
//! always says as much as the docs.

use serde::Serialize;

use crate::config::{Config, Level};
use crate::rules::load::{LoadedRule, RuleSet};
use crate::rules::model::Rule;

/// A rule's prose patterns, for rule authors: printed after everything a
/// lay reader needs, since regular expressions are a wall to anyone else.
pub fn patterns_section(rule: &Rule) -> Option<String> {
    rule.prose.as_ref().map(prose_patterns)
}

/// A rule's documentation as (heading, body) sections, in reading order
/// (the prose patterns apart: [`patterns_section`]).
pub fn sections(rule: &Rule) -> Vec<(&'static str, String)> {
    let mut out = vec![
        (
            "Why it matters",
            crate::rules::engine::paragraph(&rule.rationale),
        ),
        ("How to fix it", crate::rules::engine::paragraph(&rule.help)),
    ];
    if let Some(help) = &rule.property_help {
        out.push((
            "How to fix it when it is a property of a node",
            crate::rules::engine::paragraph(help),
        ));
    }
    out.push(("What it checks", rule.check.describe()));
    if let Some(question) = &rule.question {
        let theme = rule.theme.as_deref().unwrap_or("none");
        out.push((
            "Question for the pathway's authors",
            format!(
                "{} (consultation report theme: {theme}{})",
                crate::rules::engine::paragraph(&placeholders(question)),
                if question.contains('{') {
                    "; each <...> is filled in from the finding"
                } else {
                    ""
                }
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

/// Findings about msklint's own setup rather than a checked file: a
/// `msklint.yaml` or a rule file that does not load. They carry a rule
/// name in JSON and SARIF (`invalid-config`, `invalid-rule`) but are not
/// rules one can configure, so `explain` describes them from here.
pub fn explain_setup(name: &str) -> Option<&'static str> {
    match name {
        "invalid-config" => Some(
            "invalid-config  (error, setup)\n\
             A msklint.yaml (or the file given with --config) could not be loaded.\n\n\
             Why it matters:\n  \
             msklint stops before reading any file, with exit status 2, since checking with \
             settings other than the ones written could report too much or, worse, too little. \
             Every output format still writes a whole document: the problem is a finding on its \
             line of the configuration, and each path asked for is listed as not checked.\n\n\
             How to fix it:\n  \
             Mend the key or value the finding points at: an unknown rule name or key (a close \
             one is suggested), a severity other than error, warning, info or off, a parameter \
             of the wrong type, or YAML the reader could not follow. `syntax-error` and \
             `invalid-encoding` cannot be switched off or softened.\n\n\
             More: docs/configuration.md, \"Errors in msklint.yaml\".\n",
        ),
        "invalid-rule" => Some(
            "invalid-rule  (error, setup)\n\
             A rule file (from `rule-dirs` in msklint.yaml, or --rules-dir) could not be loaded.\n\n\
             Why it matters:\n  \
             A rule that does not load would check nothing while the run looked clean, so msklint \
             stops before reading any file, with exit status 2, and reports the problem on its line \
             of the rule file.\n\n\
             How to fix it:\n  \
             Mend what the finding points at: a missing required key (name, code, severity, \
             summary, sources and the rest), a name or code another rule already has, a check of a \
             kind msklint does not know, or a regular expression that does not compile.\n\n\
             More: docs/rules-format.md.\n",
        ),
        _ => None,
    }
}

pub fn explain_text(rule: &Rule) -> String {
    explain_configured(rule, None)
}

/// `explain_text` with what the configuration does to the rule said under
/// its summary, so the severity shown is never taken for the one in force.
pub fn explain_configured(rule: &Rule, config: Option<&Config>) -> String {
    let note = config.and_then(|c| configured(c, rule));
    let default = if note.is_some() { " by default" } else { "" };
    let mut out = format!(
        "{} {}  ({}{default}, {})\n{}\n",
        rule.code, rule.name, rule.severity, rule.category, rule.summary
    );
    if let Some(note) = note {
        out.push_str(&format!("{note}\n"));
    }
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
    out.push_str(&silencing(rule));
    if let Some(patterns) = patterns_section(rule) {
        out.push_str(
            "\nProse patterns (for rule authors: regular expressions, case ignored; \
             docs/rules-format.md says how to write your own):\n",
        );
        for line in patterns.lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

/// How to silence one finding of `rule`, or why it cannot be.
fn silencing(rule: &Rule) -> String {
    let name = &rule.name;
    if crate::config::LOCKED.contains(&name.as_str()) {
        return "\nThis finding cannot be suppressed or switched off: mend the file instead, \
                since what could not be read was not checked.\n"
            .to_string();
    }
    if name.as_str() == crate::rules::builtin::Builtin::ImportGuess.name() {
        return format!(
            "\nA diagram holds no suppression comments. Once every guess is checked against \
             the drawing, switch the rule off under `rules:` in msklint.yaml (`{name}: off`), \
             or record the findings in a baseline (`msklint check --write-baseline FILE`).\n"
        );
    }
    let mut out = format!(
        "\nSilence one finding with a comment on (or just above) its line:\n  # msklint: allow({name}) reason: \"...\"\n"
    );
    if rule.prose.is_some() {
        out.push_str(&format!(
            "In a Markdown or text policy:\n  <!-- msklint: allow({name}) reason: \"...\" -->\n\
             In a Word document, a Word comment that starts `msklint: allow({name})`; in a \
             PDF or Word document, a sidecar file beside it (docs/prose.md, \"Suppressions \
             beside the document\").\n"
        ));
    }
    out
}

/// A message template's `{node}` and `{criterion}` as `<node>` and
/// `<criterion>`: read as a stand-in, not as a literal to type.
fn placeholders(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        match after[1..].find('}') {
            Some(close)
                if close > 0
                    && after[1..=close]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
            {
                out.push('<');
                out.push_str(&after[1..=close]);
                out.push('>');
                rest = &after[close + 2..];
            }
            _ => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The prose check in words.
fn describe_prose(prose: &crate::rules::model::ProseCheck) -> String {
    if prose.is_document_level() {
        return "Also reads policy documents (`.md`, `.txt`, `.docx`, `.pdf`): fires once, at the \
                document's title, when no sentence anywhere in it matches the patterns below."
            .to_string();
    }
    let mut text = format!(
        "Also reads policy documents (`.md`, `.txt`, `.docx`, `.pdf`) sentence by sentence. A sentence \
         fires when it matches {} below: the first (what the sentence is about) \
         in the sentence itself, at least once outside any stretch that reports, studies, \
         opposes, advises or supposes a restriction rather than imposing it; the others there \
         or in the headings and `...:` lines a list item hangs from. Numbers bound to \
         something else (ages, look-back windows, section numbers) are masked first.",
        match prose.all.len() {
            1 => "the pattern".to_string(),
            2 => "both patterns".to_string(),
            n => format!("all {n} patterns"),
        }
    );
    text.push_str(&format!(
        " It is cancelled by any of its own {} below, or by the exceptions \
         every prose check shares (`prose_exceptions` in rules/vocabulary.yaml: \"not used as a \
         threshold\", \"regardless of\", support offered to everyone, a shared decision, a \
         restriction withdrawn, proposed for removal or criticised, an FAQ answered \"No.\"), \
         when the exception is in the clause of a mention of the subject or in one that \
         refers back to it, and not when its clause is about another rule's subject, sits in a \
         carve-out (\"unless\", \"except\") or matches one of the check's overruling patterns. \
         `msklint check --trace FILE:LINE` shows each step for one sentence.",
        crate::output::plural(
            prose.unless.len(),
            "exception pattern",
            "exception patterns"
        )
    ));
    text.push_str(" Patterns ignore case; docs/prose.md explains how they were measured.");
    text.push_str(
        " In a policy document the patterns' verdict is then weighed by a learnt second \
         opinion, a model of the words of sentences labelled by hand: it drops a pattern \
         finding it scores low, and fires on a sentence that names the subject in wording no \
         pattern knows when it scores high (such a finding says so in its label). \
         `second-opinion: false` in msklint.yaml turns it off; docs/prose.md, \"The second \
         opinion\", gives its bars and figures.",
    );
    text.push_str(
        " A pathway's own strings (labels, `when` notes, free-text properties) are read the \
         same way by the patterns alone (docs/language.md, section 5.4).",
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
        list(
            "The second opinion fires it alone only on a sentence with",
            &prose.opinion_needs,
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
        if let Some(patterns) = patterns_section(r) {
            out.push_str(&format!(
                "\n**Prose patterns** (for rule authors: regular expressions, case ignored).\n\n{patterns}\n"
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
    // A diagram's example (import-guess) is a Mermaid flowchart, which the
    // docs test checks as a `.mmd` file.
    let first = text.trim_start();
    if first.starts_with("flowchart") || first.starts_with("graph ") {
        let mut label = format!("mermaid only={rule}");
        if fires {
            label.push_str(&format!(" expect={rule}"));
        }
        return label;
    }
    // A PDF's pages (unread-pages) can only be described in text; the
    // PDF itself is checked in tests/pdf.rs.
    if first.starts_with("<!-- a PDF") || first.starts_with("<!-- the same PDF") {
        return "text".to_string();
    }
    // A policy document's example (legacy-encoding) opens with an HTML
    // comment, which no pathway can; the docs test checks it as `.md`.
    if first.starts_with("<!--") {
        let mut label = String::from("markdown");
        if text.contains("saved as Windows-1252") {
            label.push_str(" latin1");
        }
        label.push_str(&format!(" only={rule}"));
        if fires {
            label.push_str(&format!(" expect={rule}"));
        }
        return label;
    }
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
    // A category named for an abbreviation is written as one.
    if s == "dna" {
        return "DNA".to_string();
    }
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// One line per rule, then a count. With a configuration, the severity
/// column is the one its top-level `rules:` gives, marked `*` where it (or
/// an override) changes the rule.
pub fn table(set: &RuleSet, config: Option<&Config>) -> String {
    let width = set
        .rules
        .iter()
        .map(|r| r.rule.name.len())
        .max()
        .unwrap_or(4);
    let rows: Vec<(&Rule, String)> = set
        .rules
        .iter()
        .map(|r| {
            let r = &r.rule;
            let level = match config {
                Some(c) => {
                    let changed = c.changes(&r.name);
                    let level = c.level(&r.name).map_or(r.severity.as_str(), Level::as_str);
                    format!("{level}{}", if changed { "*" } else { "" })
                }
                None => r.severity.as_str().to_string(),
            };
            (r, level)
        })
        .collect();
    let marked = rows.iter().any(|(_, l)| l.ends_with('*'));
    // One column wider only when a mark needs it.
    let level_width = if marked { 8 } else { 7 };
    let mut out = String::new();
    for (r, level) in rows {
        out.push_str(&format!(
            "{:<7} {:<width$}  {:<level_width$}  {:<9} {}\n",
            r.code, r.name, level, r.category, r.summary
        ));
    }
    out.push_str(&format!(
        "{} rules. `msklint explain NAME` for details.\n",
        set.rules.len()
    ));
    if let (true, Some(c)) = (marked, config) {
        out.push_str(&format!(
            "* set in {}; `msklint explain NAME` says how, `msklint rules --no-config` lists the defaults.\n",
            config_name(c)
        ));
    }
    out
}

/// The configuration file as the user would name it: relative to the
/// current folder when it lies under it.
fn config_name(config: &Config) -> String {
    let Some(path) = config.path.as_deref() else {
        return "the configuration".to_string();
    };
    let here = std::env::current_dir().ok();
    let short = here
        .as_deref()
        .and_then(|h| path.strip_prefix(h).ok())
        .unwrap_or(path);
    short.display().to_string()
}

/// What a configuration does to a rule, in a sentence, if anything.
pub fn configured(config: &Config, rule: &Rule) -> Option<String> {
    if !config.changes(&rule.name) {
        return None;
    }
    let top = config.level(&rule.name);
    let overrides = config.override_levels(&rule.name);
    let params = config.params(&rule.name);
    let file = config_name(config);
    let mut parts = Vec::new();
    if let Some(level) = top {
        if level == Level::On(rule.severity) {
            parts.push(format!("`{}` (its default too)", level.as_str()));
        } else {
            parts.push(format!(
                "`{}` (its default is `{}`)",
                level.as_str(),
                rule.severity
            ));
        }
    }
    for (paths, level) in overrides {
        let globs: Vec<String> = paths.iter().map(|p| format!("`{p}`")).collect();
        parts.push(format!(
            "`{}` for files matching {}",
            level.as_str(),
            globs.join(" or ")
        ));
    }
    let mut said = Vec::new();
    if !parts.is_empty() {
        said.push(format!("sets this rule to {}", parts.join("; ")));
    }
    if let Some(params) = params {
        let set: Vec<String> = params.iter().map(|(k, v)| format!("`{k}: {v}`")).collect();
        said.push(format!("sets {}", set.join(", ")));
    }
    Some(format!("{file} {}.", said.join(", and ")))
}

/// What a configuration sets for one rule, in `rules --format json`.
#[derive(Serialize)]
struct Configured {
    /// The level the top-level `rules:` gives it (`off` included), if any.
    severity: Option<&'static str>,
    /// The parameters it sets, by name.
    params: std::collections::BTreeMap<String, serde_json::Value>,
    overrides: Vec<OverrideLevel>,
}

#[derive(Serialize)]
struct OverrideLevel {
    paths: Vec<String>,
    severity: &'static str,
}

fn configured_json(config: &Config, name: &str) -> Option<Configured> {
    let severity = config.level(name).map(Level::as_str);
    let overrides: Vec<OverrideLevel> = config
        .override_levels(name)
        .into_iter()
        .map(|(paths, level)| OverrideLevel {
            paths: paths.to_vec(),
            severity: level.as_str(),
        })
        .collect();
    let params = config.params(name).cloned().unwrap_or_default();
    (severity.is_some() || !overrides.is_empty() || !params.is_empty()).then_some(Configured {
        severity,
        params,
        overrides,
    })
}

/// Every field of every rule, in words where the YAML has structure.
/// `severity` is always the rule's default; `configured` says what the
/// configuration, if given, changes.
pub fn json(set: &RuleSet, config: Option<&Config>) -> String {
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
        /// What msklint.yaml sets for this rule (null when nothing).
        configured: Option<Configured>,
    }
    let rows: Vec<Row> = set
        .rules
        .iter()
        .map(
            |LoadedRule {
                 rule: r, origin, ..
             }| Row {
                code: &r.code,
                name: &r.name,
                severity: r.severity,
                category: &r.category,
                summary: &r.summary,
                rationale: crate::rules::engine::paragraph(&r.rationale),
                help: crate::rules::engine::paragraph(&r.help),
                sources: &r.sources,
                check: r.check.describe(),
                theme: r.theme.as_deref(),
                question: r.question.as_deref(),
                prose: r.prose.as_ref().map(describe_prose),
                origin,
                configured: config.and_then(|c| configured_json(c, &r.name)),
            },
        )
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
}
