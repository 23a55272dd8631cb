//! `--format junit`: JUnit XML for CI dashboards. One test suite per file;
//! one test case per rule that fired in it (listing its findings), or one
//! passing case for a clean file.
//!
//! A case fails exactly when its findings would fail the run: errors always,
//! warnings only with `--deny-warnings`, infos never. Other findings stay
//! visible in the case's `<system-out>`, so the dashboard and the exit
//! status tell the same story.

use std::collections::BTreeMap;

use super::Unread;
use crate::check::FileReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::escape::xml;

pub fn render(reports: &[FileReport], unread: Unread<'_>, deny_warnings: bool) -> String {
    let fails = |s: Severity| s == Severity::Error || (deny_warnings && s == Severity::Warning);
    let mut suites = String::new();
    let (mut total_tests, mut total_failures) = (0, 0);
    for r in reports {
        let mut by_rule: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in super::in_printed_order(r) {
            by_rule.entry(d.rule.as_str()).or_default().push(d);
        }
        let shown = super::paths::named(&r.source.name, r.source.os_path());
        let name = xml(&shown);
        let mut cases = String::new();
        if by_rule.is_empty() {
            cases.push_str(&format!(
                "    <testcase classname=\"{name}\" name=\"msklint\"/>\n"
            ));
        }
        let mut failures = 0;
        for (rule, diags) in &by_rule {
            let details: Vec<String> = diags
                .iter()
                .map(|d| {
                    let at = r.source.seen_at(d.span.start());
                    format!(
                        "{}:{}:{}: {}[{}] {}",
                        shown,
                        at.line,
                        at.column,
                        d.severity,
                        d.rule,
                        message_with_place(r, d)
                    )
                })
                .collect();
            // The worst finding speaks for the case (a rule may report at
            // more than one severity, as dna-discharge does); of equals, the
            // first, which the body lists first (`max_by_key` keeps the last).
            let worst = diags
                .iter()
                .rev()
                .max_by_key(|d| d.severity)
                .copied()
                .unwrap_or(diags[0]);
            let body = if fails(worst.severity) {
                failures += 1;
                format!(
                    "<failure type=\"{}\" message=\"{}\">{}</failure>",
                    worst.severity,
                    xml(&message_with_place(r, worst)),
                    xml(&details.join("\n"))
                )
            } else {
                format!("<system-out>{}</system-out>", xml(&details.join("\n")))
            };
            cases.push_str(&format!(
                "    <testcase classname=\"{name}\" name=\"{}\">\n      {body}\n    </testcase>\n",
                xml(rule),
            ));
        }
        let tests = by_rule.len().max(1);
        total_tests += tests;
        total_failures += failures;
        suites.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n{cases}  </testsuite>\n"
        ));
    }
    // A path that could not be checked is a case that could not run: a
    // JUnit error, not a failure.
    for p in unread.not_checked {
        let name = xml(&p.spelled());
        total_tests += 1;
        suites.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase classname=\"{name}\" name=\"msklint\">\n      <error type=\"not checked\" message=\"{}\"/>\n    </testcase>\n  </testsuite>\n",
            xml(&p.message)
        ));
    }
    // Documents a folder search passed over are cases that were skipped,
    // as dashboards show them.
    for s in unread.passed_over() {
        let name = xml(s.spelled_dir().as_deref().unwrap_or("named files"));
        total_tests += 1;
        suites.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n    <testcase classname=\"{name}\" name=\"policy documents\">\n      <skipped message=\"{}\"/>\n    </testcase>\n  </testsuite>\n",
            xml(&s.spelled_note())
        ));
    }
    let errors = unread.not_checked.len();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"msklint\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n"
    )
}

/// The message, with what a reader of a Word or PDF original can find
/// (its lines are those of the extracted text).
fn message_with_place(r: &FileReport, d: &Diagnostic) -> String {
    r.source.placed(&d.message, d.span.start())
}
