//! Messages about paths a search could not use, and policy documents it
//! passed over, with the flag or `include:` line that would take them.

use crate::discover::{PathProblem, Skipped};
use std::path::PathBuf;

/// Prints a note for each set of policy documents a search passed over and
/// an error for each path that could not be used; a directory with nothing
/// else to check carries the note's hint in its error. `reads_documents` is
/// false for commands that read pathways only (graph, score).
pub fn print_path_problems(skipped: &[Skipped], problems: &[PathProblem], reads_documents: bool) {
    for s in skipped.iter().filter(|s| !s.alone) {
        if reads_documents {
            errln!("note: {}", s.note());
        } else if !s.linked.is_empty() {
            // Pathways may lie behind a link as well as documents.
            let links = Skipped {
                documents: Vec::new(),
                unreadable: Vec::new(),
                ..s.clone()
            };
            errln!("note: {}", links.note());
        }
    }
    for p in explained(skipped, problems, reads_documents) {
        errln!("error: {}: {}", p.path, p.message);
    }
}

/// A note for each `overrides` entry that matched none of the files a
/// search of the configuration's whole folder found: a misspelt folder
/// would otherwise change nothing, silently. Searches of a part of the
/// folder say nothing, as the entry may be for another part.
pub fn note_unmatched_overrides(
    config: &crate::config::Config,
    paths: &[PathBuf],
    files: &[PathBuf],
) {
    let (Some(file), false) = (&config.path, files.is_empty()) else {
        return;
    };
    let root = std::fs::canonicalize(&config.root).ok();
    let whole = paths
        .iter()
        .any(|p| p.is_dir() && std::fs::canonicalize(p).ok() == root);
    if !whole {
        return;
    }
    for i in config.unmatched_overrides(files) {
        let patterns = config.overrides[i].patterns.join(", ");
        let checked = match files.len() {
            1 => "the one file".to_string(),
            n => format!("the {n} files"),
        };
        errln!(
            "note: {}: overrides entry {} (paths: {patterns}) matched none of {checked} checked; its patterns are relative to the folder holding msklint.yaml, and letter case counts",
            file.display(),
            i + 1,
        );
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
                    message: format!("{}; {}", p.message, skipped_hint(s, reads_documents)),
                    ..p.clone()
                },
                None => p.clone(),
            }
        })
        .collect()
}

/// The end of a "nothing found in this directory" error.
pub fn skipped_hint(s: &Skipped, reads_documents: bool) -> String {
    let mut hints = Vec::new();
    if !s.documents.is_empty() {
        hints.push(if reads_documents {
            format!("it holds {}: {}", s.documents_named(), s.how_to_include())
        } else {
            format!(
                "it holds {}, which graph and score do not read (check and report do)",
                s.documents_named()
            )
        });
    }
    if !s.unreadable.is_empty() && reads_documents {
        hints.push(format!(
            "it holds {}: {}",
            s.unreadable_named(),
            crate::discover::UNREADABLE_HELP
        ));
    }
    if !s.linked.is_empty() {
        hints.push(format!(
            "msklint {}: {}",
            s.linked_named(),
            crate::discover::LINK_HELP
        ));
    }
    hints.join("; ")
}
