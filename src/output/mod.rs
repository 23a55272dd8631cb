//! Output formats for findings, one file each, listed once in [`FORMATS`]
//! and written through one call, [`OutputFormat::write`]. A new format is a
//! file here, a row in the table and an arm in `write`.

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod paths;
pub mod sarif;
pub mod snippet;

use std::io::Write;

use serde::Serialize;

use crate::check::FileReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::{PathProblem, Skipped};
use crate::rules::load::RuleSet;

/// A way to print the findings of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Human,
    Json,
    Concise,
    Sarif,
    Github,
    Junit,
}

/// One row of the table: the name the command line takes and what it is.
#[derive(Debug)]
pub struct FormatEntry {
    pub format: OutputFormat,
    pub name: &'static str,
    pub description: &'static str,
    /// Ends with a summary line, which would read as a clean result when
    /// no file could be checked at all (so nothing is printed then).
    pub summary_line: bool,
}

pub const FORMATS: &[FormatEntry] = &[
    FormatEntry {
        format: OutputFormat::Human,
        name: "human",
        description: "Graphical diagnostics with source snippets",
        summary_line: true,
    },
    FormatEntry {
        format: OutputFormat::Json,
        name: "json",
        description: "One JSON document (see docs/json.md)",
        summary_line: false,
    },
    FormatEntry {
        format: OutputFormat::Concise,
        name: "concise",
        description: "One line per finding: path:line:column: severity[rule] message",
        summary_line: true,
    },
    FormatEntry {
        format: OutputFormat::Sarif,
        name: "sarif",
        description: "SARIF 2.1.0, for GitHub code scanning and other SARIF viewers",
        summary_line: false,
    },
    FormatEntry {
        format: OutputFormat::Github,
        name: "github",
        description: "GitHub Actions workflow commands (annotations on pull requests)",
        summary_line: false,
    },
    FormatEntry {
        format: OutputFormat::Junit,
        name: "junit",
        description: "JUnit XML for CI dashboards",
        summary_line: false,
    },
];

/// What a format may need besides the findings.
pub struct Run<'a> {
    pub reports: &'a [FileReport],
    /// For SARIF, which describes every rule.
    pub rules: &'a RuleSet,
    /// For SARIF, whose rule list carries the configured levels.
    pub config: &'a crate::config::Config,
    /// For JUnit, whose failures follow the exit status.
    pub deny_warnings: bool,
    pub human: human::HumanOptions,
    /// For JSON: each rule's help and sources once, in a `rules` table.
    pub rules_table: bool,
    /// What the run did not read. The structured formats carry it, for a
    /// CI job that reads only its output; human and concise output leave
    /// it to standard error.
    pub unread: Unread<'a>,
}

/// What a run did not read: paths it could not check (the run exits 2),
/// and policy documents a folder search passed over (a note only).
#[derive(Debug, Clone, Copy, Default)]
pub struct Unread<'a> {
    pub not_checked: &'a [PathProblem],
    pub skipped: &'a [Skipped],
    /// The run stopped at its configuration: the reports are of
    /// msklint.yaml and rule files, and no file was checked.
    pub stopped_at_setup: bool,
}

impl<'a> Unread<'a> {
    /// The documents passed over in folders that held something else to
    /// check; a folder with nothing else is among `not_checked`, its
    /// message naming them.
    pub fn passed_over(&self) -> impl Iterator<Item = &'a Skipped> {
        self.skipped.iter().filter(|s| !s.alone)
    }
}

impl OutputFormat {
    pub fn entry(self) -> &'static FormatEntry {
        FORMATS
            .iter()
            .find(|f| f.format == self)
            .unwrap_or(&FORMATS[0])
    }

    pub fn name(self) -> &'static str {
        self.entry().name
    }

    /// Writes the run's findings. Large outputs are streamed rather than
    /// held as one string.
    pub fn write(self, run: &Run<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        match self {
            OutputFormat::Human => {
                human::write(run.reports, run.human, run.unread.not_checked.len(), out)
            }
            OutputFormat::Json => json::write(run.reports, run.rules_table, run.unread, out),
            OutputFormat::Concise => out.write_all(
                concise::render_with(run.reports, run.unread.not_checked.len()).as_bytes(),
            ),
            OutputFormat::Sarif => {
                sarif::write(run.reports, run.rules, run.config, run.unread, out)
            }
            OutputFormat::Github => {
                out.write_all(github::render(run.reports, run.unread).as_bytes())
            }
            OutputFormat::Junit => {
                out.write_all(junit::render(run.reports, run.unread, run.deny_warnings).as_bytes())
            }
        }
    }
}

/// A file's findings in the order of the places the line formats print
/// (human, concise, JUnit). That is the order they are sorted in, except
/// for a drawing checked on its own: they are sorted by the pathway
/// written from it, but printed at their shapes and arrows in the
/// drawing's file, so they are put in the order of those places (findings
/// at one place keep their order).
pub fn in_printed_order(r: &FileReport) -> Vec<&Diagnostic> {
    let mut all: Vec<&Diagnostic> = r.diagnostics.iter().collect();
    if r.source.drawing().is_some() {
        all.sort_by_cached_key(|d| {
            let at = r.source.seen_at(d.span.start());
            (at.line, at.column)
        });
    }
    all
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for d in reports.iter().flat_map(|r| &r.diagnostics) {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }

    /// The summary line, then how many paths could not be checked (their
    /// errors follow on standard error), so the last line a person reads
    /// never looks clean when something was left out.
    pub fn line_and(&self, not_checked: usize) -> String {
        match not_checked {
            0 => self.line(),
            n => format!(
                "{}; {} could not be checked",
                self.line(),
                plural(n, "path", "paths")
            ),
        }
    }

    /// "3 files checked: 1 error, 2 warnings".
    pub fn line(&self) -> String {
        let files = plural(self.files, "file", "files");
        let mut parts = Vec::new();
        if self.errors > 0 {
            parts.push(plural(self.errors, "error", "errors"));
        }
        if self.warnings > 0 {
            parts.push(plural(self.warnings, "warning", "warnings"));
        }
        if self.infos > 0 {
            parts.push(plural(self.infos, "info", "infos"));
        }
        if parts.is_empty() {
            format!("{files} checked: no problems found")
        } else {
            format!("{files} checked: {}", parts.join(", "))
        }
    }
}

/// "1 finding", "2 findings".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
