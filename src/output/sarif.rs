//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it. The
//! driver lists every rule; each result carries a region and a fingerprint
//! that survives edits elsewhere in the file.

use serde_json::{json, Value};

use crate::check::FileReport;
use crate::diagnostic::Severity;
use crate::fingerprint;
use crate::rules::engine::paragraph;
use crate::rules::load::RuleSet;

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

/// A path as a URI: relative to the working directory (which code
/// scanning takes as the repository root) where possible, else `file://`.
fn uri(path: &str) -> String {
    let mut p = std::path::PathBuf::from(path);
    if p.is_absolute() {
        if let Ok(cwd) = std::env::current_dir() {
            if let Ok(rel) = p.strip_prefix(&cwd) {
                p = rel.to_path_buf();
            }
        }
    }
    let text = p.to_string_lossy().replace('\\', "/");
    let text = text.trim_start_matches("./");
    // Percent-encode all but unreserved characters and `/`: a `:` left in
    // the first segment of a relative path would read as a URI scheme.
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    if p.is_absolute() {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

pub fn render(reports: &[FileReport], rules: &RuleSet) -> String {
    let driver_rules: Vec<Value> = rules
        .rules
        .iter()
        .map(|r| {
            let r = &r.rule;
            json!({
                "id": r.name,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": paragraph(&r.rationale) },
                "help": {
                    "text": format!("{}\n\nSources: {}", paragraph(&r.help), r.sources.join("; ")),
                },
                "helpUri": help_uri(&r.code, &r.name),
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "code": r.code, "category": r.category, "tags": [r.category] },
            })
        })
        .collect();
    let index_of = |name: &str| rules.rules.iter().position(|r| r.rule.name == name);
    let mut results = Vec::new();
    for report in reports {
        let src = &report.source;
        for d in &report.diagnostics {
            let start = src.line_col(d.span.start());
            let end = src.line_col(d.span.end());
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&src.name) },
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
            let snippet = src.slice(d.span);
            if !snippet.is_empty() {
                result["locations"][0]["physicalLocation"]["region"]["snippet"] =
                    json!({ "text": snippet });
            }
            results.push(result);
        }
    }
    let doc = json!({
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
            "results": results,
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
