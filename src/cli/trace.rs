//! `msklint check --trace FILE:LINE`: why each sentence on one line of a
//! policy document fired a prose rule or stayed silent. Part of the
//! command line: it asks the session for the trace ([`Session::trace`])
//! and prints it, as text or (with `--format json`) as JSON.

use std::io::Read as _;
use std::path::Path;

use super::{EXIT_CLEAN, EXIT_TROUBLE};
use crate::input::InputFormat;
use crate::rules::prose::SentenceTrace;
use crate::session::Session;

/// Splits `FILE:LINE` at its last colon (a Windows path keeps its drive).
/// `FILE:LINE:COLUMN`, as concise output and editors print a place, is
/// taken too: a sentence is traced by its line.
pub fn parse_spec(spec: &str) -> Result<(String, usize), String> {
    let (file, line) = spec
        .rsplit_once(':')
        .ok_or_else(|| format!("--trace wants FILE:LINE, got `{spec}`"))?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (file, line) = match file.rsplit_once(':') {
        Some((file, middle)) if digits(middle) && digits(line) && !file.is_empty() => {
            (file, middle)
        }
        _ => (file, line),
    };
    let line: usize = line.parse().ok().filter(|&n| n > 0).ok_or_else(|| {
        format!("--trace wants a line number (1 or more) after the colon, got `{line}`")
    })?;
    Ok((file.to_string(), line))
}

/// `stdin_name` names standard input when the file is `-`.
pub fn run(session: &Session, spec: &str, stdin_name: Option<&Path>, json: bool) -> u8 {
    let (file, line) = match parse_spec(spec) {
        Ok(parts) => parts,
        Err(msg) => {
            errln!("error: {msg}");
            return EXIT_TROUBLE;
        }
    };
    let piped = file == "-";
    let read = if piped {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    } else {
        std::fs::read(&file)
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(e) => {
            errln!("error: {file}: {}", crate::discover::io_message(&e));
            return EXIT_TROUBLE;
        }
    };
    // Piped text is shown by the name it was given, or as `<stdin>`, and
    // read by that name's extension or by what the bytes look like.
    let (file, by, path) = match (piped, stdin_name) {
        (false, _) => (
            file.clone(),
            file.clone(),
            Some(Path::new(&file).to_path_buf()),
        ),
        (true, Some(name)) => {
            let name = name.to_string_lossy().into_owned();
            (name.clone(), name, stdin_name.map(Path::to_path_buf))
        }
        (true, None) => (
            super::stdin::LABEL.to_string(),
            format!("stdin.{}", super::stdin::guessed(&bytes)),
            None,
        ),
    };
    let (source, traces) = match session.trace(&by, path.as_deref(), bytes, line) {
        Ok(found) => found,
        Err(msg) => {
            // Named as the output names it: `<stdin>`, not the name the
            // format was read from.
            errln!("error: {file}: {msg}");
            if piped && stdin_name.is_none() && InputFormat::of(&by) == InputFormat::Pathway {
                errln!(
                    "help: piped text is read as a pathway when a line opens a `pathway \"...\" {{` block; --stdin-filename NAME.md reads it as a policy"
                );
            }
            return EXIT_TROUBLE;
        }
    };
    // A line past the end is a slip in the command, not a silent sentence.
    // Counted as `wc -l` and editors do: a final newline ends the last
    // line, it does not start another.
    let lines = source.text.lines().count();
    if line > lines {
        errln!(
            "error: {file} has {}, so line {line} is past its end",
            crate::output::plural(lines, "line", "lines")
        );
        return EXIT_TROUBLE;
    }
    // Written without println!, which panics when the reader has gone.
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    if json {
        match serde_json::to_string_pretty(&traces) {
            Ok(text) => {
                let _ = writeln!(out, "{text}");
            }
            Err(e) => {
                errln!("error: {e}");
                return EXIT_TROUBLE;
            }
        }
    } else if traces.is_empty() {
        let _ = writeln!(
            out,
            "{file}:{line}: no sentence starts or runs on this line"
        );
    } else {
        // The sentences quoted are the file's text: its control characters
        // are shown, not obeyed.
        let text = render(&file, line, &traces);
        let _ = write!(out, "{}", crate::escape::terminal(&text));
    }
    EXIT_CLEAN
}

/// The trace as plain text, one block per sentence.
pub fn render(file: &str, line: usize, traces: &[SentenceTrace]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for t in traces {
        let _ = writeln!(out, "{file}:{line}: «{}»", t.read);
        for (measure, text) in &t.masks {
            let _ = writeln!(out, "  bound to {measure}: «{text}»");
        }
        if t.clauses.len() > 1 {
            for (i, c) in t.clauses.iter().enumerate() {
                let _ = writeln!(out, "  clause {}: «{}»", i + 1, c.trim());
            }
        }
        for h in &t.holds {
            let _ = writeln!(
                out,
                "  context {} «{}» governs «{}»",
                h.kind,
                h.trigger,
                h.scope.trim()
            );
        }
        // A rule whose subject is not in the sentence is listed in one line,
        // unless more was weighed (its lead-in names the subject, and the
        // second opinion was asked).
        let unnamed = |r: &crate::rules::prose::RuleTrace| {
            !r.fired && r.steps.len() == 1 && r.steps[0] == "subject: not found"
        };
        for r in &t.rules {
            if unnamed(r) {
                continue;
            }
            let verdict = match (&r.suppressed, r.fired) {
                (Some(by), true) => format!("FIRES, but the finding is suppressed by {by}"),
                (None, true) => "FIRES".to_string(),
                _ => "silent".to_string(),
            };
            let _ = writeln!(out, "  {}: {verdict}", r.rule);
            for step in &r.steps {
                let _ = writeln!(out, "    - {step}");
            }
        }
        let quiet: Vec<&str> = t
            .rules
            .iter()
            .filter(|r| unnamed(r))
            .map(|r| r.rule.as_str())
            .collect();
        if !quiet.is_empty() {
            let _ = writeln!(out, "  no subject for: {}", quiet.join(", "));
        }
        if !t.off.is_empty() {
            let _ = writeln!(out, "  off in the configuration: {}", t.off.join(", "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_splits_at_the_last_colon() {
        assert_eq!(
            parse_spec("policy.md:12").unwrap(),
            ("policy.md".into(), 12)
        );
        assert_eq!(
            parse_spec("C:\\p\\policy.md:3").unwrap(),
            ("C:\\p\\policy.md".into(), 3)
        );
        assert_eq!(
            parse_spec("policy.md:30:4").unwrap(),
            ("policy.md".to_string(), 30)
        );
        assert_eq!(
            parse_spec("C:\\p\\policy.md:3:1").unwrap(),
            ("C:\\p\\policy.md".to_string(), 3)
        );
        assert!(parse_spec("policy.md").is_err());
        assert!(parse_spec("policy.md:0").is_err());
        assert!(parse_spec("policy.md:x").is_err());
    }
}
