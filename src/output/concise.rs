//! `--format concise`: one line per finding,
//! `path:line:column: severity[rule] message`, then the summary.

use super::Summary;
use crate::check::FileReport;

pub fn render(reports: &[FileReport]) -> String {
    render_with(reports, 0)
}

/// Like [`render`], the summary also counting paths not checked.
pub fn render_with(reports: &[FileReport], not_checked: usize) -> String {
    let mut out = String::new();
    for r in reports {
        for d in super::in_printed_order(r) {
            let at = r.source.seen_at(d.span.start());
            let message: String = d.message.split_whitespace().collect::<Vec<_>>().join(" ");
            // A Word or PDF line is one of the extracted text:
            // name what a reader of the original can find.
            let message = r.source.placed(&message, d.span.start());
            // A quoted control character is shown, not obeyed.
            let message = crate::escape::terminal(&message);
            out.push_str(&format!(
                "{}:{}:{}: {}[{}] {}\n",
                // One line per finding, whatever the file is called.
                crate::escape::terminal_line(&super::paths::named(
                    &r.source.name,
                    r.source.os_path()
                )),
                at.line,
                at.column,
                d.severity,
                d.rule,
                message
            ));
        }
    }
    out.push_str(&Summary::of(reports).line_and(not_checked));
    out.push('\n');
    out
}
