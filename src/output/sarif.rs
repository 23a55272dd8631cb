//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it. The
//! driver lists every rule; each result carries a region and a fingerprint
//! that survives edits elsewhere in the file.

use serde_json::{json, Value};

use super::Unread;
use crate::check::FileReport;
use crate::config::{Config, Level};
use crate::diagnostic::Severity;
use crate::fingerprint;
use crate::rules::engine::paragraph;
use crate::rules::load::RuleSet;
use crate::source::Drawn;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Where each rule's documentation lives (docs/rules.md, by anchor).
pub fn help_uri(code: &str, name: &str) -> String {
    format!(
        "{}/blob/main/docs/rules.md#{}-{}",
        env!("CARGO_PKG_REPOSITORY"),
        code.to_lowercase(),
        name
    )
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as a URI: relative to the repository root (as code scanning
/// places results) where possible, else `file://`.
fn uri(path: &str) -> String {
    let p = std::path::PathBuf::from(super::paths::from_root(path));
    let text = p.to_string_lossy().replace('\\', "/");
    encoded(text.trim_start_matches("./").as_bytes(), p.is_absolute())
}

/// The URI of a report's file.
fn file_uri(source: &crate::source::SourceFile) -> String {
    path_uri(&source.name, source.os_path())
}

/// The URI of a path shown as `name`. On Unix a path is bytes, and one
/// that is not UTF-8 (kept as `os`) has each of its bytes written out
/// (`%FF`), so the URI names the file itself rather than the U+FFFD its
/// shown name holds.
fn path_uri(name: &str, os: Option<&std::path::Path>) -> String {
    if let Some(path) = os {
        let p = super::paths::os_from_root(path);
        let mut bytes = p.as_os_str().as_encoded_bytes();
        while let Some(rest) = bytes.strip_prefix(b"./") {
            bytes = rest;
        }
        return encoded(bytes, p.is_absolute());
    }
    uri(name)
}

/// A path's bytes as a URI: all but unreserved characters and `/` are
/// percent-encoded, since a `:` left in the first segment of a relative
/// path would read as a URI scheme.
fn encoded(path: &[u8], absolute: bool) -> String {
    let mut encoded = String::with_capacity(path.len());
    for &byte in path {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    if absolute {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

/// A rule's help as code scanning shows it beside each of its results:
/// the fix, the fix for a condition written as a node's property when the
/// rule words it apart, and the sources.
fn help_text(r: &crate::rules::model::Rule) -> String {
    let mut text = paragraph(&r.help);
    if let Some(property) = &r.property_help {
        text.push_str("\n\n");
        text.push_str(&paragraph(property));
    }
    text.push_str(&format!("\n\nSources: {}", r.sources.join("; ")));
    text
}

pub fn render(reports: &[FileReport], rules: &RuleSet, config: &Config) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(reports, rules, config, Unread::default(), &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// A run that could not check every path did not execute successfully,
/// in SARIF's terms: each path is a tool notification at level error,
/// which code scanning lists on its tool status page. Policy documents a
/// folder search passed over are notifications at level note, so a job
/// that reads only this document still learns they went unread.
fn invocations(unread: Unread<'_>) -> Value {
    let notification = |level: &str, text: String, uri: Option<String>| {
        let mut n = json!({ "level": level, "message": { "text": text } });
        if let Some(uri) = uri {
            n["locations"] = json!([{
                "physicalLocation": { "artifactLocation": { "uri": uri } }
            }]);
        }
        n
    };
    let notifications: Vec<Value> = unread
        .not_checked
        .iter()
        .map(|p| {
            notification(
                "error",
                format!("{}: {}", p.spelled(), p.message),
                Some(path_uri(&p.path, p.os_path.as_deref())),
            )
        })
        .chain(unread.passed_over().map(|s| {
            let uri = s.dir.as_deref().map(|d| path_uri(d, s.os_dir.as_deref()));
            notification("note", s.spelled_note(), uri)
        }))
        .collect();
    json!([{
        "executionSuccessful": unread.not_checked.is_empty(),
        "toolExecutionNotifications": notifications,
    }])
}

/// Streams the document to `out`. Only one result at a time exists as a
/// JSON tree: holding them all took 28 times the size of a large file.
pub fn write(
    reports: &[FileReport],
    rules: &RuleSet,
    config: &Config,
    unread: Unread<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let driver_rules: Vec<Value> = rules
        .rules
        .iter()
        .map(|r| {
            let loaded = r;
            let r = &r.rule;
            // Code scanning shows a rule at its descriptor's level, so the
            // descriptor carries what msklint.yaml's top-level `rules:`
            // makes of it; an override's level is on each result.
            let configured = config.level(&r.name);
            let severity = match configured {
                Some(Level::On(s)) => s,
                _ => r.severity,
            };
            let mut entry = json!({
                "id": r.name,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": paragraph(&r.rationale) },
                "help": { "text": help_text(r) },
                "defaultConfiguration": { "level": level(severity) },
                "properties": { "code": r.code, "category": r.category, "tags": [r.category] },
            });
            // Only msklint's own rules are in docs/rules.md; a link for one
            // loaded from the user's folder would lead nowhere.
            if loaded.builtin {
                entry["helpUri"] = Value::String(help_uri(&r.code, &r.name));
            }
            // Kept in the list, so results' rule indexes stay the same
            // whatever the configuration switches off; a rule an override
            // switches back on for some files is enabled.
            let somewhere = config
                .override_levels(&r.name)
                .iter()
                .any(|(_, l)| *l != Level::Off);
            if configured == Some(Level::Off) && !somewhere {
                entry["defaultConfiguration"]["enabled"] = Value::Bool(false);
            }
            entry
        })
        .collect();
    let index_of = |name: &str| rules.rules.iter().position(|r| r.rule.name == name);
    let results = reports.iter().flat_map(|report| {
        let src = &report.source;
        report.diagnostics.iter().map(move |d| {
            let start = src.line_col(d.span.start());
            let end = src.line_col(d.span.end());
            // A PDF's lines are those of its extracted text: the page is
            // what a reader can find, so the message names it too.
            // Word shows no line numbers either: its paragraph, as the
            // properties give it, is what a reader can find.
            let message = src.placed(&d.message, d.span.start());
            let page = src.page_at(d.span.start());
            let paragraph = src.paragraph_at(d.span.start());
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": file_uri(src) },
                        "region": {
                            "startLine": start.line,
                            "startColumn": start.column,
                            "endLine": end.line,
                            "endColumn": end.column,
                        }
                    }
                }],
                "partialFingerprints": { "msklint/v1": fingerprint::of(d, src) },
            });
            if let Some(i) = index_of(&d.rule) {
                result["ruleIndex"] = json!(i);
            }
            // Word shows no line numbers: name the paragraph too.
            if let Some(p) = paragraph {
                result["properties"] =
                    json!({ "paragraph": p.number, "paragraphQuote": src.quote(p) });
            }
            if let Some(page) = page {
                result["properties"] = json!({ "page": page });
            }
            // A diagram's lines are those of the pathway written from it:
            // the shape is what the author can find.
            if let Some(part) = src.part_at(d.span.start()) {
                result["properties"] = json!({
                    "shape": part.id,
                    "shapeText": part.one_line(),
                    "connector": part.connector,
                });
                result["message"]["text"] = json!(format!(
                    "{} ({} `{}`)",
                    d.message,
                    if part.connector { "connector" } else { "shape" },
                    part.id
                ));
            }
            // On a drawing the region is its shape's place in the drawing's
            // file (no snippet: the drawing's text is not the pathway's),
            // or, for the file as a whole, its first line: code scanning
            // shows no result without a start line.
            let drawn = src.drawn_at(d.span.start());
            let region = match drawn {
                Some(Drawn::At(place)) => Some(json!({
                    "startLine": place.start.line,
                    "startColumn": place.start.column,
                    "endLine": place.end.line,
                    "endColumn": place.end.column,
                })),
                Some(Drawn::Whole) => Some(json!({ "startLine": 1 })),
                None => None,
            };
            if let Some(region) = region {
                result["locations"][0]["physicalLocation"]["region"] = region;
            }
            let snippet = src.slice(d.span);
            if !snippet.is_empty() && drawn.is_none() {
                result["locations"][0]["physicalLocation"]["region"]["snippet"] =
                    json!({ "text": snippet });
            }
            result
        })
    });
    let mut doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "msklint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": driver_rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": [],
        }]
    });
    if !unread.not_checked.is_empty() || unread.passed_over().next().is_some() {
        doc["runs"][0]["invocations"] = invocations(unread);
    }
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    // The document is printed with `results` empty, and the results are
    // written into that gap one by one, indented as `to_string_pretty`
    // would have. Strings are escaped, so the gap's text cannot occur in one.
    const GAP: &str = "\"results\": []";
    let Some(at) = text.find(GAP) else {
        return writeln!(out, "{text}");
    };
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..at];
    let inner = format!("{indent}  ");
    let open = at + GAP.len() - 1;
    out.write_all(&text.as_bytes()[..open])?;
    let mut any = false;
    for result in results {
        out.write_all(if any { b",\n" } else { b"\n" })?;
        any = true;
        let piece = serde_json::to_string_pretty(&result).unwrap_or_default();
        for (i, line) in piece.lines().enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(inner.as_bytes())?;
            out.write_all(line.as_bytes())?;
        }
    }
    if any {
        write!(out, "\n{indent}")?;
    }
    out.write_all(&text.as_bytes()[open..])?;
    out.write_all(b"\n")
}
