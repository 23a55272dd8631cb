//! Messages about paths a search could not use, and policy documents it
//! passed over, with the flag or `include:` line that would take them.

use crate::discover::{PathProblem, Skipped};

/// Prints a note for each set of policy documents a search passed over and
/// an error for each path that could not be used; a directory with nothing
/// else to check carries the note's hint in its error. `reads_documents` is
/// false for commands that read pathways only (graph, score).
pub fn print_path_problems(skipped: &[Skipped], problems: &[PathProblem], reads_documents: bool) {
    for s in skipped.iter().filter(|s| !s.alone && reads_documents) {
        errln!("note: {}", skipped_note(s));
    }
    for p in explained(skipped, problems, reads_documents) {
        errln!("error: {}: {}", p.path, p.message);
    }
}

/// The problems as they are reported, on standard error and in the
/// structured formats: a directory with nothing to check also says what
/// it does hold.
pub fn explained(
    skipped: &[Skipped],
    problems: &[PathProblem],
    reads_documents: bool,
) -> Vec<PathProblem> {
    problems
        .iter()
        .map(|p| {
            let alone = skipped
                .iter()
                .find(|s| s.alone && s.dir.as_deref() == Some(p.path.as_str()));
            match alone {
                Some(s) => PathProblem {
                    path: p.path.clone(),
                    message: format!("{}; {}", p.message, skipped_hint(s, reads_documents)),
                },
                None => p.clone(),
            }
        })
        .collect()
}

fn documents(s: &Skipped) -> String {
    let n = s.documents.len();
    format!(
        "{n} policy {} ({})",
        if n == 1 { "document" } else { "documents" },
        s.extensions().join(", ")
    )
}

/// The flag and the msklint.yaml line that would include `s`.
fn how_to_include(s: &Skipped) -> String {
    let globs: Vec<String> = s.extensions().iter().map(|e| format!("'*{e}'")).collect();
    let flags: Vec<String> = globs.iter().map(|g| format!("--include {g}")).collect();
    format!(
        "add {} or include: [{}] in msklint.yaml to check them",
        flags.join(" "),
        globs.join(", ")
    )
}

/// "skipped 2 policy documents (.docx, .md) in policies/; add ...".
pub fn skipped_note(s: &Skipped) -> String {
    let place = match &s.dir {
        Some(dir) => format!("in {dir}"),
        None => "named on the command line".to_string(),
    };
    format!("skipped {} {place}; {}", documents(s), how_to_include(s))
}

/// The end of a "nothing found in this directory" error.
pub fn skipped_hint(s: &Skipped, reads_documents: bool) -> String {
    if reads_documents {
        format!("it holds {}: {}", documents(s), how_to_include(s))
    } else {
        format!(
            "it holds {}, which graph and score do not read (check and report do)",
            documents(s)
        )
    }
}
