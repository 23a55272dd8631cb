//! Own-words probes held as a ratchet. `fixtures/prose/probes/*.tsv` hold
//! adversarial sentences written to try rule changes (a restriction in one
//! clause and an exception's words in another, innocent wording that shares
//! a pattern's words), each labelled with the exact set of sentence-level
//! prose rules that should fire. Not every label is met today; the ones
//! that are, in each mode, are listed in `right-patterns.txt` and
//! `right-opinion.txt`, and must stay met: a rule change that fixes some
//! sentences and breaks others fails here, where a corpus total would hide
//! the swap. When a change makes more of them right, record the lists
//! again with `MSKLINT_RECORD_PROBES=1 cargo test --release --test
//! prose_probes` and commit them.

use std::collections::BTreeSet;
use std::path::PathBuf;

use msklint::check::Linter;

// Shared with the accuracy tests, which use the rest of it.
#[allow(dead_code)]
#[path = "common/accuracy.rs"]
mod accuracy;

fn probes_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/prose/probes")
}

/// Every probe as (`file:line`, expected rules, sentence).
fn probes() -> Vec<(String, BTreeSet<String>, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(probes_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (expected, sentence) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("{name}:{}: no tab", i + 1));
            let expected: BTreeSet<String> = expected
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty() && *r != "none")
                .map(String::from)
                .collect();
            out.push((format!("{name}:{}", i + 1), expected, sentence.to_string()));
        }
    }
    out
}

fn check_mode(linter: &Linter, list: &str) {
    let rules = accuracy::sentence_rules(linter);
    let probes = probes();
    assert!(probes.len() >= 300, "{} probes", probes.len());
    let mut right = Vec::new();
    let mut wrong = std::collections::BTreeMap::new();
    for (at, expected, sentence) in &probes {
        for r in expected {
            assert!(rules.contains(r), "{at}: unknown rule `{r}`");
        }
        let fired = accuracy::fired(linter, &rules, sentence);
        if &fired == expected {
            right.push(at.clone());
        } else {
            wrong.insert(
                at.clone(),
                format!("fired {fired:?}, expected {expected:?}: {sentence}"),
            );
        }
    }
    let path = probes_dir().join(list);
    if std::env::var_os("MSKLINT_RECORD_PROBES").is_some() {
        std::fs::write(&path, right.join("\n") + "\n").unwrap();
    }
    let held: Vec<String> = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(String::from)
        .collect();
    // An empty list would hold nothing: recorded today, most are right.
    assert!(held.len() >= 200, "{list} holds only {} probes", held.len());
    let broken: Vec<String> = held
        .iter()
        .filter_map(|at| wrong.get(at).map(|why| format!("{at}: {why}")))
        .collect();
    let gained = right.iter().filter(|at| !held.contains(at)).count();
    println!(
        "{list}: {} of {} right; {gained} right that the list does not hold yet",
        right.len(),
        probes.len()
    );
    assert!(
        broken.is_empty(),
        "{} probe sentences that were right are now wrong:\n{}",
        broken.len(),
        broken.join("\n")
    );
    // The list names only probes that exist: a renumbered file is recorded again.
    for at in &held {
        assert!(
            probes.iter().any(|(p, _, _)| p == at),
            "{list} names {at}, which is no probe; record the lists again"
        );
    }
}

#[test]
fn probes_right_by_the_patterns_stay_right() {
    check_mode(
        &Linter::builtin().unwrap().with_opinion(None),
        "right-patterns.txt",
    );
}

#[test]
fn probes_right_with_the_second_opinion_stay_right() {
    check_mode(&Linter::builtin().unwrap(), "right-opinion.txt");
}
