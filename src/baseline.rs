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
    pub fn record(reports: &[FileReport]) -> Baseline {
        let mut findings = BTreeMap::new();
        for r in reports {
            for d in &r.diagnostics {
                *findings.entry(fingerprint::of(d, &r.source)).or_insert(0) += 1;
            }
        }
        Baseline {
            version: 1,
            findings,
        }
    }

    pub fn load(path: &std::path::Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: {}", path.display(), crate::discover::io_message(&e)))?;
        serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a msklint baseline: {e}", path.display()))
    }

    pub fn save(&self, path: &std::path::Path) -> Result<(), String> {
        let text = serde_json::to_string_pretty(self).unwrap_or_default() + "\n";
        std::fs::write(path, text)
            .map_err(|e| format!("{}: {}", path.display(), crate::discover::io_message(&e)))
    }

    /// Removes findings the baseline already knows; returns how many.
    pub fn filter(&self, reports: &mut [FileReport]) -> usize {
        let mut left = self.findings.clone();
        let mut hidden = 0;
        for r in reports.iter_mut() {
            let source = std::sync::Arc::clone(&r.source);
            r.diagnostics
                .retain(|d| match left.get_mut(&fingerprint::of(d, &source)) {
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
