//! Tallies shared by the prose accuracy tests (tests/prose.rs,
//! tests/opinion.rs): which rules read sentences, and true and false
//! positives and misses.

use std::collections::BTreeSet;
use std::path::Path;

use msklint::check::Linter;

/// Rules with a sentence-level prose check.
pub fn sentence_rules(linter: &Linter) -> BTreeSet<String> {
    linter
        .rules
        .rules
        .iter()
        .filter(|r| {
            r.rule
                .prose
                .as_ref()
                .is_some_and(|p| !p.is_document_level())
        })
        .map(|r| r.rule.name.clone())
        .collect()
}

/// The rules of `rules` that fire on `text`, checked as a Markdown
/// document of its own.
pub fn fired(linter: &Linter, rules: &BTreeSet<String>, text: &str) -> BTreeSet<String> {
    let report = linter.check_text("statement.md", text.to_string());
    report
        .diagnostics
        .into_iter()
        .map(|d| d.rule.to_string())
        .filter(|r| rules.contains(r))
        .collect()
}

/// True positives, false positives and misses. With nothing predicted,
/// precision is 1; with nothing to find, recall is 1.
#[derive(Default, Clone, Copy, Debug)]
pub struct Counts {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Counts {
    pub fn precision(self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }

    pub fn recall(self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }

    #[allow(dead_code)] // used by tests/opinion.rs only
    pub fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    #[allow(dead_code)] // used by tests/opinion.rs only
    pub fn add(&mut self, other: Counts) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
    }
}

/// What a labelled document (`NAME.md` beside `NAME.expect`) must give:
/// each `LINE RULE` or `document RULE` line of its `.expect` file, with
/// single spaces; comments and blank lines left out.
pub fn expected_findings(document: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(document.with_extension("expect")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}
