//! `--format github`: GitHub Actions workflow commands, which the Actions
//! runner turns into annotations on the pull request.

use super::Unread;
use crate::check::FileReport;
use crate::diagnostic::Severity;
use crate::source::Drawn;

pub fn render(reports: &[FileReport], unread: Unread<'_>) -> String {
    let mut out = String::new();
    for r in reports {
        for d in &r.diagnostics {
            let start = r.source.line_col(d.span.start());
            let end = r.source.line_col(d.span.end());
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let title = match &d.code {
                Some(code) => format!("{} ({code})", d.rule),
                None => d.rule.to_string(),
            };
            // A Word or PDF line is one of the extracted text:
            // name what a reader of the original can find.
            let mut message = r.source.placed(&d.message, d.span.start());
            if let Some(help) = &d.help {
                message.push_str("\n\n");
                message.push_str(help);
            }
            // A drawing's lines are those of the pathway written from it:
            // the annotation goes on its shape in the drawing's file, or
            // on the file when there is no line to point at.
            let place = match r.source.drawn_at(d.span.start()) {
                None => Some((start, end)),
                Some(Drawn::At(place)) => Some((place.start, place.end)),
                Some(Drawn::Whole) => None,
            };
            let at = place.map_or(String::new(), |(start, end)| {
                format!(
                    "line={},endLine={},col={},endColumn={},",
                    start.line, end.line, start.column, end.column
                )
            });
            out.push_str(&format!(
                "::{level} file={},{at}title={}::{}\n",
                property(&super::paths::named_from_root(
                    &r.source.name,
                    r.source.os_path()
                )),
                property(&title),
                data(&message)
            ));
        }
    }
    // A path that could not be checked has no line to point at: the
    // annotation names the file alone.
    for p in unread.not_checked {
        out.push_str(&format!(
            "::error file={},title={}::{}\n",
            property(&super::paths::named_from_root(
                &p.path,
                p.os_path.as_deref()
            )),
            property("msklint: not checked"),
            data(&p.message)
        ));
    }
    // Documents a folder search passed over: a notice on the run, not on
    // a file (a folder has no lines to annotate).
    for s in unread.passed_over() {
        out.push_str(&format!(
            "::notice title={}::{}\n",
            property("msklint: documents not checked"),
            data(&s.spelled_note())
        ));
    }
    out
}

/// Escapes a command's message (and shows, rather than passes on, any
/// terminal control character, which the runner's log would obey).
pub fn data(s: &str) -> String {
    crate::escape::terminal(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, which also ends at `,` and `:`.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_per_the_workflow_command_rules() {
        assert_eq!(data("50% done\r\nnext: a, b"), "50%25 done%0D%0Anext: a, b");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
