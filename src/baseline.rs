//! `--write-baseline FILE` records today's findings; `--baseline FILE`
//! hides them on later runs so only new findings fail the check.

use std::collections::BTreeMap;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::check::FileReport;
use crate::fingerprint;

/// Fingerprint → how many findings share it (identical findings can
/// occur more than once).
pub type Counts = BTreeMap<String, usize>;

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// Version 1: findings of any file. Still read, so older baselines keep
    /// working.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub findings: Counts,
    /// Version 2: findings per file, by its path from the baseline's own
    /// folder. A new file's findings are new even when an old file has the
    /// same ones (version 1 let the first file checked use them up).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, Counts>,
}

impl Baseline {
    /// Records every finding but syntax and encoding errors, which stay
    /// reported until they are mended. `folder` is where the baseline is
    /// saved: paths are recorded from there.
    pub fn record(reports: &[FileReport], folder: &Path) -> Baseline {
        let mut files: BTreeMap<String, Counts> = BTreeMap::new();
        for r in reports {
            for d in r.diagnostics.iter().filter(|d| !locked(d)) {
                let counts = files.entry(key(&r.source.name, folder)).or_default();
                *counts.entry(fingerprint::of(d, &r.source)).or_insert(0) += 1;
            }
        }
        Baseline {
            version: 2,
            findings: Counts::new(),
            files,
        }
    }

    /// How many findings it records.
    pub fn len(&self) -> usize {
        let all = self.files.values().flat_map(BTreeMap::values);
        self.findings.values().chain(all).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
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
    pub fn filter(&self, reports: &mut [FileReport], folder: &Path) -> usize {
        let mut any_file = self.findings.clone();
        let mut per_file = self.files.clone();
        let mut hidden = 0;
        for r in reports.iter_mut() {
            let source = std::sync::Arc::clone(&r.source);
            let left = match per_file.get_mut(&key(&source.name, folder)) {
                Some(counts) => counts,
                None => &mut any_file,
            };
            r.diagnostics.retain(|d| {
                if locked(d) {
                    return true;
                }
                // A baseline recorded before pathway text was read with
                // formatted spacing holds the older fingerprint.
                let now = fingerprint::of(d, &source);
                let key = if left.get(&now).is_some_and(|&n| n > 0) {
                    now
                } else {
                    fingerprint::legacy(d, &source)
                };
                match left.get_mut(&key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        hidden += 1;
                        false
                    }
                    _ => true,
                }
            });
        }
        hidden
    }
}

/// A checked file's name as the baseline records it: its path from the
/// baseline's folder with `/` between parts, so the same baseline works
/// from any directory and on any system; the name as given when the two
/// share no folder (or the file is standard input).
fn key(name: &str, folder: &Path) -> String {
    let relative = std::fs::canonicalize(name).ok().and_then(|file| {
        let base = std::fs::canonicalize(folder).ok()?;
        file.strip_prefix(base).ok().map(Path::to_path_buf)
    });
    let path = relative.unwrap_or_else(|| Path::new(name).to_path_buf());
    let parts: Vec<String> = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
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
        named("p.pathway", rules)
    }

    fn named(name: &str, rules: &[&str]) -> FileReport {
        let diagnostics = rules
            .iter()
            .enumerate()
            .map(|(i, r)| Diagnostic::error(*r, Span::new(i, i + 1), "a finding"))
            .collect();
        FileReport {
            source: Arc::new(SourceFile::new(name, "abcdef\n".to_string())),
            kind: InputFormat::Pathway,
            diagnostics,
        }
    }

    #[test]
    fn syntax_and_encoding_errors_are_neither_recorded_nor_hidden() {
        let rules = ["syntax-error", "invalid-encoding", "dead-end"];
        let here = Path::new(".");
        let recorded = Baseline::record(&[report(&rules)], here);
        assert_eq!(recorded.len(), 1);

        // A baseline that names all three, as one written by hand might.
        let all = report(&rules);
        let by_hand = Baseline {
            version: 1,
            findings: all
                .diagnostics
                .iter()
                .map(|d| (fingerprint::of(d, &all.source), 1))
                .collect(),
            files: BTreeMap::new(),
        };
        let mut reports = [report(&rules)];
        assert_eq!(by_hand.filter(&mut reports, here), 1);
        let left: Vec<&str> = reports[0]
            .diagnostics
            .iter()
            .map(|d| d.rule.as_str())
            .collect();
        assert_eq!(left, ["syntax-error", "invalid-encoding"]);
    }

    /// A new file with the same findings as an accepted one was hidden by
    /// the accepted file's entries, and the accepted file reported instead.
    #[test]
    fn findings_are_matched_file_by_file() {
        let here = Path::new(".");
        let old = Baseline::record(&[named("old.md", &["bmi-threshold"])], here);
        assert_eq!(old.files.keys().collect::<Vec<_>>(), ["old.md"]);
        let mut reports = [
            named("a-new.md", &["bmi-threshold"]),
            named("./old.md", &["bmi-threshold"]),
        ];
        assert_eq!(old.filter(&mut reports, here), 1);
        assert_eq!(reports[0].diagnostics.len(), 1);
        assert!(reports[1].diagnostics.is_empty());
        // Saved and read back, it is the same baseline.
        let text = serde_json::to_string(&old).unwrap_or_default();
        assert!(
            text.starts_with(r#"{"version":2,"files":{"old.md":"#),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<Baseline>(&text).ok(), Some(old));
    }
}
