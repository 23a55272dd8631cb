//! `--format junit`: JUnit XML for CI dashboards. One test suite per file;
//! one failing test case per rule that fired in it (listing its findings),
//! or one passing case for a clean file.

use std::collections::BTreeMap;

use crate::check::FileReport;
use crate::diagnostic::Diagnostic;
use crate::escape::xml;

pub fn render(reports: &[FileReport]) -> String {
    let mut suites = String::new();
    let (mut total_tests, mut total_failures) = (0, 0);
    for r in reports {
        let mut by_rule: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in &r.diagnostics {
            by_rule.entry(d.rule.as_str()).or_default().push(d);
        }
        let name = xml(&r.source.name);
        let mut cases = String::new();
        if by_rule.is_empty() {
            cases.push_str(&format!(
                "    <testcase classname=\"{name}\" name=\"msklint\"/>\n"
            ));
        }
        for (rule, diags) in &by_rule {
            let details: Vec<String> = diags
                .iter()
                .map(|d| {
                    let at = r.source.line_col(d.span.start());
                    format!(
                        "{}:{}:{}: {}[{}] {}",
                        r.source.name, at.line, at.column, d.severity, d.rule, d.message
                    )
                })
                .collect();
            let first = &diags[0];
            cases.push_str(&format!(
                "    <testcase classname=\"{name}\" name=\"{}\">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                xml(rule),
                first.severity,
                xml(&first.message),
                xml(&details.join("\n"))
            ));
        }
        let tests = by_rule.len().max(1);
        total_tests += tests;
        total_failures += by_rule.len();
        suites.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{}\" errors=\"0\">\n{cases}  </testsuite>\n",
            by_rule.len()
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"msklint\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\">\n{suites}</testsuites>\n"
    )
}
