//! Accuracy of the prose checks, measured. `fixtures/prose/statements.yaml`
//! is the labelled corpus the patterns were developed against; every rule
//! with a sentence-level prose check must reach precision and recall of at
//! least 0.9 on it. `holdout.yaml` was written apart from the patterns, by
//! someone who never saw them, to measure how they generalise (see
//! docs/prose.md for its bar and the figures). Run with `--nocapture` for the
//! tables and every miss.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use msklint::check::Linter;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Entry {
    text: String,
    expect: Vec<String>,
    #[serde(default)]
    near_miss: Vec<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(name: &str) -> Vec<Entry> {
    let path = root().join("fixtures/prose").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// Rules with a sentence-level prose check.
fn sentence_rules(linter: &Linter) -> BTreeSet<String> {
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

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn precision(self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
}

/// Runs every statement as a Markdown document of its own and tallies
/// sentence-level findings against the labels.
fn measure(name: &str) -> BTreeMap<String, Counts> {
    let linter = Linter::builtin().unwrap();
    let rules = sentence_rules(&linter);
    let entries = load(name);
    let mut counts: BTreeMap<String, Counts> = rules
        .iter()
        .map(|r| (r.clone(), Counts::default()))
        .collect();
    let mut misses = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        for r in e.expect.iter().chain(&e.near_miss) {
            assert!(rules.contains(r), "{name} entry {i}: unknown rule `{r}`");
        }
        let report = linter.check_text("statement.md", e.text.clone());
        let fired: BTreeSet<&str> = report
            .diagnostics
            .iter()
            .map(|d| d.rule.as_str())
            .filter(|r| rules.contains(*r))
            .collect();
        let expected: BTreeSet<&str> = e.expect.iter().map(String::as_str).collect();
        for r in &rules {
            let c = counts.get_mut(r).unwrap();
            match (expected.contains(r.as_str()), fired.contains(r.as_str())) {
                (true, true) => c.tp += 1,
                (false, true) => {
                    c.fp += 1;
                    misses.push(format!("  false positive {r}: {}", e.text.trim()));
                }
                (true, false) => {
                    c.fn_ += 1;
                    misses.push(format!("  missed {r}: {}", e.text.trim()));
                }
                (false, false) => {}
            }
        }
    }
    println!("\n{name}: {} statements", entries.len());
    println!("| rule | TP | FP | FN | precision | recall |");
    println!("|---|---|---|---|---|---|");
    for (rule, c) in &counts {
        println!(
            "| {rule} | {} | {} | {} | {:.2} | {:.2} |",
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
    }
    for m in &misses {
        println!("{m}");
    }
    counts
}

#[test]
fn corpus_is_large_and_a_third_near_misses() {
    let entries = load("statements.yaml");
    assert!(entries.len() >= 80, "{} statements", entries.len());
    let near = entries.iter().filter(|e| !e.near_miss.is_empty()).count();
    assert!(
        near * 3 >= entries.len(),
        "{near} near-misses of {}",
        entries.len()
    );
    let linter = Linter::builtin().unwrap();
    for rule in sentence_rules(&linter) {
        let fires = entries.iter().filter(|e| e.expect.contains(&rule)).count();
        let near = entries
            .iter()
            .filter(|e| e.near_miss.contains(&rule))
            .count();
        assert!(
            fires >= 5 && near >= 5,
            "{rule}: {fires} firing, {near} near-misses"
        );
    }
}

#[test]
fn every_rule_reaches_090_on_the_labelled_corpus() {
    let counts = measure("statements.yaml");
    for required in [
        "bmi-threshold",
        "smoking-restriction",
        "oxford-score-threshold",
        "symptom-duration-gate",
        "address-required",
        "education-gate",
        "digital-only-access",
        "opioid-conservative-treatment",
        "dna-discharge",
    ] {
        assert!(
            counts.contains_key(required),
            "{required} has no prose check"
        );
    }
    assert_at_least(&counts, 0.9);
}

/// The held-out sets: the bar is lower because they measure wording the
/// patterns were not written against (docs/prose.md records each set's
/// first run, before anything was learnt from it).
#[test]
fn held_out_wording_generalises() {
    let mut counts = measure("holdout.yaml");
    for set in [
        "holdout-2.yaml",
        "holdout-3.yaml",
        "holdout-4.yaml",
        "holdout-5.yaml",
        "holdout-6.yaml",
    ] {
        for (rule, c) in measure(set) {
            let total = counts.entry(rule).or_default();
            total.tp += c.tp;
            total.fp += c.fp;
            total.fn_ += c.fn_;
        }
    }
    assert_at_least(&counts, 0.75);
}

/// Fails naming every rule whose precision or recall is below `bar`.
fn assert_at_least(counts: &BTreeMap<String, Counts>, bar: f64) {
    let weak: Vec<String> = counts
        .iter()
        .filter(|(_, c)| c.precision() < bar || c.recall() < bar)
        .map(|(r, c)| {
            format!(
                "{r} (precision {:.2}, recall {:.2})",
                c.precision(),
                c.recall()
            )
        })
        .collect();
    assert!(weak.is_empty(), "below {bar}: {}", weak.join(", "));
}

/// Whole documents (in fixtures/prose/documents and the bundled examples):
/// `NAME.expect` lists `LINE RULE` for each finding and
/// `document RULE` for each document-level one; nothing else may fire.
#[test]
fn documents_fire_exactly_where_expected() {
    let linter = Linter::builtin().unwrap();
    let mut checked = 0;
    let mut paths: Vec<PathBuf> = ["fixtures/prose/documents", "fixtures/examples"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root().join(dir)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "txt"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let expect_text = std::fs::read_to_string(path.with_extension("expect")).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let report = linter.check_text(&name, text);
        let mut got = BTreeSet::new();
        for d in &report.diagnostics {
            let doc_level = linter
                .rules
                .find(&d.rule)
                .and_then(|r| r.rule.prose.as_ref())
                .is_some_and(|p| p.is_document_level());
            let at = if doc_level {
                "document".to_string()
            } else {
                report.source.line_col(d.span.start()).line.to_string()
            };
            got.insert(format!("{at} {}", d.rule));
        }
        let want: BTreeSet<String> = expect_text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{name}: missing {missing:?}, unexpected {extra:?}"
        );
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} documents");
}

/// Each rule's own prose examples: `fail` fires the rule, `pass` does not,
/// and every built-in pattern compiles.
#[test]
fn rule_examples_hold() {
    let linter = Linter::builtin().unwrap();
    let mut seen = 0;
    for loaded in &linter.rules.rules {
        let Some(prose) = &loaded.rule.prose else {
            continue;
        };
        let name = &loaded.rule.name;
        let patterns = prose.all.iter().chain(&prose.unless);
        for p in patterns.chain(&prose.overruled_by).chain(&prose.missing) {
            p.compile().unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let examples = prose
            .examples
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: prose check has no examples"));
        let fires = |text: &str| {
            linter
                .check_text("example.md", text.to_string())
                .diagnostics
                .iter()
                .any(|d| d.rule == *name)
        };
        assert!(fires(&examples.fail), "{name}: fail example does not fire");
        assert!(!fires(&examples.pass), "{name}: pass example fires");
        seen += 1;
    }
    assert!(seen >= 12, "only {seen} rules have prose checks");
}
