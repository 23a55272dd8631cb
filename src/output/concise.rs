//! `--format concise`: one line per finding,
//! `path:line:column: severity[rule] message`, then the summary.

use super::Summary;
use crate::check::FileReport;

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        for d in &r.diagnostics {
            let at = r.source.line_col(d.span.start());
            let message: String = d.message.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                r.source.name, at.line, at.column, d.severity, d.rule, message
            ));
        }
    }
    out.push_str(&Summary::of(reports).line());
    out.push('\n');
    out
}
