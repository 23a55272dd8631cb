//! Findings as the protocol's diagnostics, and configuration problems as
//! diagnostics on the configuration or rule file they are in.

use std::path::Path;
use std::str::FromStr;

use lsp_types::{
    CodeDescription, Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    DiagnosticTag, Location, NumberOrString, Position, Range, Uri,
};

use super::documents::{Analysis, Document};
use super::positions::LineIndex;
use super::uris;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::load::LoadError;
use crate::session::{Session, SetupError};
use crate::suppress;

/// What every diagnostic from this server names as its source.
pub const SOURCE: &str = "msklint";

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// `MSK101 bmi-threshold`: the code first, as editors show codes, then the
/// name that suppressions and `msklint.yaml` use.
pub fn code(d: &Diagnostic) -> String {
    match &d.code {
        Some(code) => format!("{code} {}", d.rule),
        None => d.rule.to_string(),
    }
}

/// Where a rule is documented: its section of docs/rules.md in the
/// repository for the built-in rules (the same address the SARIF output
/// gives), the rule's own file for a rule loaded from a folder.
pub fn docs_link(session: &Session, rule: &str) -> Option<Uri> {
    let loaded = session.rules().find(rule)?;
    let origin = Path::new(&loaded.origin);
    if origin.is_absolute() {
        return uris::from_path(origin);
    }
    if !loaded.builtin {
        return None;
    }
    let address = crate::output::sarif::help_uri(&loaded.rule.code, &loaded.rule.name);
    Uri::from_str(&address).ok()
}

/// The report of a document's latest check, as diagnostics on its text.
pub fn of_document(doc: &Document, analysis: &Analysis) -> Vec<LspDiagnostic> {
    let range = |span| doc.lines.range(&doc.text, analysis.to_document(span));
    analysis
        .report
        .diagnostics
        .iter()
        .map(|d| {
            let related: Vec<DiagnosticRelatedInformation> = d
                .related
                .iter()
                .map(|l| DiagnosticRelatedInformation {
                    location: Location::new(doc.uri.clone(), range(l.span)),
                    message: if l.text.is_empty() {
                        d.message.clone()
                    } else {
                        l.text.clone()
                    },
                })
                .collect();
            let tags = (d.rule == suppress::UNUSED).then(|| vec![DiagnosticTag::UNNECESSARY]);
            LspDiagnostic {
                range: range(d.span),
                severity: Some(severity(d.severity)),
                code: Some(NumberOrString::String(code(d))),
                code_description: docs_link(&analysis.session, &d.rule)
                    .map(|href| CodeDescription { href }),
                source: Some(SOURCE.to_string()),
                message: d.message.clone(),
                related_information: (!related.is_empty()).then_some(related),
                tags,
                data: Some(serde_json::json!({ "rule": d.rule })),
            }
        })
        .collect()
}

/// Why a configuration did not load, as diagnostics by file: problems
/// inside the configuration or a rule file point into that file; a file
/// or folder that cannot be read is reported at the top of the
/// configuration. `config` is `None` only for a broken build.
pub fn of_setup(config: Option<&Path>, problem: &SetupError) -> Vec<(Uri, Vec<LspDiagnostic>)> {
    let top = |message: String| {
        let uri = config.and_then(uris::from_path)?;
        let d = LspDiagnostic {
            range: Range::new(Position::new(0, 0), Position::new(0, 0)),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String("invalid-config".into())),
            source: Some(SOURCE.to_string()),
            message: format!(
                "{message}\nmsklint goes on checking with the last configuration that loaded"
            ),
            ..LspDiagnostic::default()
        };
        Some(vec![(uri, vec![d])])
    };
    let out = match problem {
        SetupError::Files(errors) => Some(in_files(errors)),
        other => top(other.to_string()),
    };
    out.unwrap_or_default()
}

fn in_files(errors: &[LoadError]) -> Vec<(Uri, Vec<LspDiagnostic>)> {
    let mut out: Vec<(Uri, Vec<LspDiagnostic>)> = Vec::new();
    for e in errors {
        let path = Path::new(&e.source.name);
        let Some(uri) = uris::from_path(path) else {
            continue;
        };
        let text = &e.source.text;
        let lines = LineIndex::new(text);
        let d = &e.diagnostic;
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push('\n');
            message.push_str(help);
        }
        message.push_str("\nmsklint goes on checking with the last configuration that loaded");
        let diag = LspDiagnostic {
            range: lines.range(text, d.span),
            severity: Some(severity(d.severity)),
            code: Some(NumberOrString::String(code(d))),
            source: Some(SOURCE.to_string()),
            message,
            ..LspDiagnostic::default()
        };
        match out.iter_mut().find(|(u, _)| *u == uri) {
            Some((_, list)) => list.push(diag),
            None => out.push((uri, vec![diag])),
        }
    }
    out
}
