//! `--write-baseline FILE` records today's findings; `--baseline FILE`
//! hides them on later runs so only new findings fail the check.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::check::FileReport;
use crate::fingerprint;

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// Fingerprint → how many findings share it (identical findings can
    /// occur more than once).
    pub findings: BTreeMap<String, usize>,
}

impl Baseline {
    /// Records every finding but syntax and encoding errors, which stay
    /// reported until they are mended.
    pub fn record(reports: &[FileReport]) -> Baseline {
        let mut findings = BTreeMap::new();
        for r in reports {
            for d in r.diagnostics.iter().filter(|d| !locked(d)) {
                *findings.entry(fingerprint::of(d, &r.source)).or_insert(0) += 1;
            }
        }
        Baseline {
            version: 1,
            findings,
        }
    }

    pub fn load(path: &std::path::Path) -> Result<Baseline, String> {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("{}: {}", path.display(), crate::discover::io_message(&e)))?;
        // Saved again by an editor, it may have gained a byte-order mark.
        let text = crate::prose::encoding::settings_text(bytes).unwrap_or_default();
        serde_json::from_str(&text).map_err(|_| {
            format!(
                "{}: not a msklint baseline (write one with `msklint check --write-baseline FILE`)",
                path.display()
            )
        })
    }

    pub fn save(&self, path: &std::path::Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).unwrap_or_default() + "\n";
        std::fs::write(path, text)
            .map_err(|e| format!("{}: {}", path.display(), crate::discover::io_message(&e)))
    }

    /// Removes findings the baseline already knows; returns how many. A
    /// syntax or encoding error is never hidden, even by a baseline written
    /// by hand or by an older msklint: hidden, the file would look clean
    /// while nothing in it was checked.
    pub fn filter(&self, reports: &mut [FileReport]) -> usize {
        let mut left = self.findings.clone();
        let mut hidden = 0;
        for r in reports.iter_mut() {
            let source = std::sync::Arc::clone(&r.source);
            r.diagnostics
                .retain(|d| match left.get_mut(&fingerprint::of(d, &source)) {
                    _ if locked(d) => true,
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        hidden += 1;
                        false
                    }
                    _ => true,
                });
        }
        hidden
    }
}

/// Findings no baseline records or hides (the rules `config::LOCKED` names).
fn locked(d: &crate::diagnostic::Diagnostic) -> bool {
    crate::config::LOCKED.contains(&d.rule.as_str())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::input::InputFormat;
    use crate::source::SourceFile;
    use crate::span::Span;

    fn report(rules: &[&str]) -> FileReport {
        let diagnostics = rules
            .iter()
            .enumerate()
            .map(|(i, r)| Diagnostic::error(*r, Span::new(i, i + 1), "a finding"))
            .collect();
        FileReport {
            source: Arc::new(SourceFile::new("p.pathway", "abcdef\n".to_string())),
            kind: InputFormat::Pathway,
            diagnostics,
        }
    }

    #[test]
    fn syntax_and_encoding_errors_are_neither_recorded_nor_hidden() {
        let rules = ["syntax-error", "invalid-encoding", "dead-end"];
        let recorded = Baseline::record(&[report(&rules)]);
        assert_eq!(recorded.findings.values().sum::<usize>(), 1);

        // A baseline that names all three, as one written by hand might.
        let all = report(&rules);
        let by_hand = Baseline {
            version: 1,
            findings: all
                .diagnostics
                .iter()
                .map(|d| (fingerprint::of(d, &all.source), 1))
                .collect(),
        };
        let mut reports = [report(&rules)];
        assert_eq!(by_hand.filter(&mut reports), 1);
        let left: Vec<&str> = reports[0]
            .diagnostics
            .iter()
            .map(|d| d.rule.as_str())
            .collect();
        assert_eq!(left, ["syntax-error", "invalid-encoding"]);
    }
}
