//! Accuracy of the prose checks, measured. `fixtures/prose/statements.yaml`
//! is the labelled corpus the patterns were developed against; every rule
//! with a sentence-level prose check must reach precision and recall of at
//! least 0.9 on it. `holdout.yaml` was written apart from the patterns, by
//! someone who never saw them, to measure how they generalise (see
//! docs/prose.md for its bar and the figures). Run with `--nocapture` for the
//! tables and every miss.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use msklint::check::Linter;
use serde::Deserialize;

#[path = "common/accuracy.rs"]
mod accuracy;
use accuracy::{sentence_rules, Counts};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Entry {
    text: String,
    expect: Vec<String>,
    #[serde(default)]
    near_miss: Vec<String>,
    /// For the real-wording corpus: the page whose sentence was reworded.
    #[serde(default)]
    source: Option<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(name: &str) -> Vec<Entry> {
    let path = root().join("fixtures/prose").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// Runs every statement as a Markdown document of its own and tallies
/// sentence-level findings against the labels.
fn measure(name: &str) -> BTreeMap<String, Counts> {
    measure_entries(name, &load(name), false)
}

/// Rules added after the held-out sets were written: those sets carry no
/// labels for them, so they are left out of their tallies.
const NEWER_THAN_HOLDOUTS: &[&str] = &["conservative-treatment-gate"];

fn measure_holdout(name: &str) -> BTreeMap<String, Counts> {
    let mut counts = measure(name);
    counts.retain(|rule, _| !NEWER_THAN_HOLDOUTS.contains(&rule.as_str()));
    counts
}

/// Tallies `entries` against their labels and prints the table and every
/// miss. With `known_only` off, a label naming a rule the linter lacks is an
/// error; with it on, such a rule is counted (every positive a miss), so a
/// corpus can be labelled before its rule exists.
fn measure_entries(name: &str, entries: &[Entry], known_only: bool) -> BTreeMap<String, Counts> {
    let linter = Linter::builtin().unwrap();
    let mut rules = sentence_rules(&linter);
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    let mut misses = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        for r in e.expect.iter().chain(&e.near_miss) {
            if known_only {
                rules.insert(r.clone());
            }
            assert!(rules.contains(r), "{name} entry {i}: unknown rule `{r}`");
        }
    }
    for r in &rules {
        counts.insert(r.clone(), Counts::default());
    }
    for e in entries {
        let fired = accuracy::fired(&linter, &rules, &e.text);
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
    print_table(&counts);
    for m in &misses {
        println!("{m}");
    }
    counts
}

fn print_table(counts: &BTreeMap<String, Counts>) {
    println!("| rule | TP | FP | FN | precision | recall |");
    println!("|---|---|---|---|---|---|");
    for (rule, c) in counts {
        println!(
            "| {rule} | {} | {} | {} | {:.2} | {:.2} |",
            c.tp,
            c.fp,
            c.fn_,
            c.precision(),
            c.recall()
        );
    }
    let all = total(counts);
    println!(
        "| **all** | {} | {} | {} | {:.2} | {:.2} |",
        all.tp,
        all.fp,
        all.fn_,
        all.precision(),
        all.recall()
    );
}

fn total(counts: &BTreeMap<String, Counts>) -> Counts {
    counts.values().fold(Counts::default(), |a, c| Counts {
        tp: a.tp + c.tp,
        fp: a.fp + c.fp,
        fn_: a.fn_ + c.fn_,
    })
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
    let mut counts = measure_holdout("holdout.yaml");
    for set in [
        "holdout-2.yaml",
        "holdout-3.yaml",
        "holdout-4.yaml",
        "holdout-5.yaml",
        "holdout-6.yaml",
    ] {
        for (rule, c) in measure_holdout(set) {
            let total = counts.entry(rule).or_default();
            total.tp += c.tp;
            total.fp += c.fp;
            total.fn_ += c.fn_;
        }
    }
    assert_at_least(&counts, 0.75);
}

/// Every earlier corpus gives results at least as good as it did before the
/// real-wording work began (false positives and misses no more than then;
/// the held-out sets without the rules added since).
#[test]
fn earlier_corpora_hold_their_figures() {
    let before: &[(&str, usize, usize)] = &[
        ("statements.yaml", 0, 1),
        ("holdout.yaml", 0, 1),
        ("holdout-2.yaml", 0, 1),
        ("holdout-3.yaml", 0, 0),
        ("holdout-4.yaml", 0, 1),
        ("holdout-5.yaml", 0, 0),
        ("holdout-6.yaml", 0, 2),
    ];
    for &(set, fp, fn_) in before {
        let counts = if set == "statements.yaml" {
            measure(set)
        } else {
            measure_holdout(set)
        };
        let all = total(&counts);
        assert!(
            all.fp <= fp && all.fn_ <= fn_,
            "{set}: {} false positives (was {fp}), {} misses (was {fn_})",
            all.fp,
            all.fn_
        );
    }
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
/// What a document is expected to give (`NAME.expect`) and what it gives,
/// as `LINE RULE` or `document RULE` strings.
fn document_findings(linter: &Linter, path: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let text = std::fs::read_to_string(path).unwrap();
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
    let want = accuracy::expected_findings(path);
    (want, got)
}

fn documents_in(dirs: &[&str]) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|dir| std::fs::read_dir(root().join(dir)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "txt"))
        .collect();
    paths.sort();
    paths
}

/// Whole documents (in fixtures/prose/documents and the bundled examples):
/// `NAME.expect` lists `LINE RULE` for each finding and
/// `document RULE` for each document-level one; nothing else may fire.
#[test]
fn documents_fire_exactly_where_expected() {
    let linter = Linter::builtin().unwrap();
    let mut checked = 0;
    for path in documents_in(&["fixtures/prose/documents", "fixtures/examples"]) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let (want, got) = document_findings(&linter, &path);
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

/// A prose check's message and question speak of a policy: a report on a
/// policy document must not ask about "this pathway".
#[test]
fn prose_wording_speaks_of_a_policy() {
    let linter = Linter::builtin().unwrap();
    for loaded in &linter.rules.rules {
        let Some(prose) = &loaded.rule.prose else {
            continue;
        };
        let name = &loaded.rule.name;
        let question = prose
            .question
            .as_deref()
            .unwrap_or_else(|| panic!("{name}: its prose check has no question"));
        for text in [question, prose.message.as_deref().unwrap_or_default()] {
            assert!(!text.contains("pathway"), "{name}: {text}");
        }
    }
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

// ---------------------------------------------------------------------------
// The development corpus reworded from real published wording
// (fixtures/prose/real/, fixtures/prose/real-documents/; conventions in
// docs/prose-labelling.md, figures in docs/prose.md).
// ---------------------------------------------------------------------------

const REAL: &str = "fixtures/prose/real";
const REAL_DOCUMENTS: &str = "fixtures/prose/real-documents";

/// Every sentence of the real-wording corpus, all slices together.
fn load_real() -> Vec<Entry> {
    load_dir(REAL)
}

fn load_dir(dir: &str) -> Vec<Entry> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            serde_norway::from_str::<Vec<Entry>>(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()))
        })
        .collect()
}

#[test]
fn real_wording_corpus_is_sourced_and_large() {
    let entries = load_real();
    let firing = entries.iter().filter(|e| !e.expect.is_empty()).count();
    let silent = entries.len() - firing;
    assert!(entries.len() >= 300, "{} sentences", entries.len());
    assert!(firing >= 120, "{firing} sentences that must fire");
    assert!(silent >= 150, "{silent} sentences that must not fire");
    for e in &entries {
        let source = e.source.as_deref().unwrap_or_default();
        assert!(
            source.starts_with("http"),
            "no source address for: {}",
            e.text
        );
    }
    let documents = documents_in(&[REAL_DOCUMENTS]);
    assert!(documents.len() >= 10, "{} documents", documents.len());
    for d in documents {
        let text = std::fs::read_to_string(&d).unwrap();
        assert!(
            text.contains("<!-- sources:"),
            "{}: no sources comment",
            d.display()
        );
    }
}

/// Line-by-line tallies over the real-wording documents: a `LINE RULE`
/// expected and found is a hit, expected only a miss, found only a false
/// alarm. Document-level findings count the same way.
fn measure_real_documents(linter: &Linter) -> BTreeMap<String, Counts> {
    let mut counts: BTreeMap<String, Counts> = BTreeMap::new();
    println!("\nreal-wording documents, line by line");
    for path in documents_in(&[REAL_DOCUMENTS]) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let (want, got) = document_findings(linter, &path);
        for item in want.union(&got) {
            let rule = item.split_whitespace().last().unwrap_or_default();
            let c = counts.entry(rule.to_string()).or_default();
            match (want.contains(item), got.contains(item)) {
                (true, true) => c.tp += 1,
                (true, false) => {
                    c.fn_ += 1;
                    println!("  missed {name}:{item}");
                }
                (false, true) => {
                    c.fp += 1;
                    println!("  false positive {name}:{item}");
                }
                (false, false) => {}
            }
        }
    }
    print_table(&counts);
    counts
}

/// The bars on real wording (docs/prose.md), never to be lowered: 0.95
/// precision and recall overall, 0.9 for every rule with five or more
/// positives, and 0.9 on the documents line by line.
const REAL_SENTENCE_BAR: f64 = 0.95;
const REAL_RULE_BAR: f64 = 0.9;
const REAL_DOCUMENT_BAR: f64 = 0.9;

#[test]
fn real_wording_accuracy() {
    let linter = Linter::builtin().unwrap();
    let sentences = measure_entries("real-wording sentences", &load_real(), true);
    let documents = measure_real_documents(&linter);
    let all = total(&sentences);
    assert!(
        all.precision() >= REAL_SENTENCE_BAR && all.recall() >= REAL_SENTENCE_BAR,
        "sentences: precision {:.2}, recall {:.2}",
        all.precision(),
        all.recall()
    );
    let weak: BTreeMap<String, Counts> = sentences
        .into_iter()
        .filter(|(_, c)| c.tp + c.fn_ >= 5)
        .collect();
    assert_at_least(&weak, REAL_RULE_BAR);
    let docs = total(&documents);
    assert!(
        docs.precision() >= REAL_DOCUMENT_BAR && docs.recall() >= REAL_DOCUMENT_BAR,
        "documents: precision {:.2}, recall {:.2}",
        docs.precision(),
        docs.recall()
    );
}

/// Reading stays linear in the length of a sentence, whatever it is made
/// of: many clauses, subjects, exceptions, context triggers, masked
/// numbers and carve-outs in one run-on sentence. Each shape is timed at
/// n and 4n repetitions (best of five); linear work gives a ratio near 4,
/// quadratic near 16, so the bar of 10 leaves room for a busy machine.
#[test]
fn reading_a_long_sentence_is_linear() {
    let linter = Linter::builtin().unwrap();
    let shapes = [
        "patients with a BMI over 35 will not be referred; this is not a threshold, ",
        "smokers are not listed until they stop (unless urgent, which can be expedited) and ",
        "a survey found that adults aged 18 or over in the last 12 months were discharged if they did not attend, ",
        "BMI, smoking status and the Oxford score are recorded but do not affect eligibility or ",
    ];
    let time = |text: &str| {
        (0..5)
            .map(|_| {
                let start = std::time::Instant::now();
                let report = linter.check_text("long.md", text.to_string());
                std::hint::black_box(report.diagnostics.len());
                start.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    // 8× the text: linear work takes about 8× the time, quadratic 64×.
    // The bar sits far from both, so a busy machine (other tests, a build
    // beside them) cannot fail a linear reading, nor pass a quadratic one.
    for shape in shapes {
        // Large enough that each run takes milliseconds, not microseconds
        // a busy scheduler can double.
        let small = format!("{}end.", shape.repeat(1000));
        let large = format!("{}end.", shape.repeat(8000));
        // Warm the patterns' caches first.
        time(&small);
        let ratio = time(&large) / time(&small).max(1e-6);
        println!("{ratio:.1}× for 8× the text: {shape}");
        assert!(ratio < 24.0, "{ratio:.1}× for 8× the text: {shape}");
    }
}

/// Held-out sets: each reworded from pages that no set before it used,
/// labelled and committed before msklint first ran on it, with its first
/// figures and every miss in its `FIRST-RUN.md`. A set whose misses have
/// been studied is no longer blind; each floor holds today's figures
/// (below them, not above by rounding) and only rises.
///
/// - `real-heldout`: first run 0.55 precision, 0.50 recall; studied.
/// - `real-heldout-2`: first run blind on the engine tuned on the first,
///   0.44 and 0.50; studied, and studied again in December 2026
///   (`STUDIED.md` there): from 0.77 and 0.74 to 0.81 and 0.76.
/// - `real-heldout-3`: labelled under the rule that a reported sentence
///   keeps its cue; first run blind on the engine tuned on both, 0.47 and
///   0.51. Then studied (`STUDIED.md` there), leaving the fourth the
///   only set never read for patterns: from 0.73 and 0.75 with the second
///   opinion (0.51 and 0.59 alone) to 0.89 and 0.84 (0.77 and 0.78 alone).
/// - `real-heldout-8`: 1,446 sentences (one repeat removed); first run 0.84 and 0.74 with the
///   second opinion (0.81 and 0.71 with the patterns alone); studied
///   (`STUDIED.md` there). The second opinion has been trained on it
///   since it stopped overturning held subjects (docs/prose.md).
/// - `real-heldout-9`: 261 sentences for five rules; first run 0.78 and
///   0.62 with the second opinion (0.78 and 0.57 alone), and the same after
///   set 8's second study, which it never saw. Then studied (`STUDIED.md`
///   there): 0.80 and 0.65. The second opinion has since been trained on
///   it too: 0.92 and 0.82.
/// - `real-heldout-10`: 222 sentences for all ten rules, 57 of the 88
///   firing ones made stricter than their page; first run 0.85 and 0.78
///   with the second opinion (0.81 and 0.74 alone), the genuine subset 0.64
///   and 0.66 (`FIRST-RUN.md` there). Then studied (`STUDIED.md` there):
///   0.92 and 0.87, the genuine subset 0.82 and 0.89.
/// - `real-heldout-11`: 216 sentences, none made stricter than its page;
///   first run 0.76 and 0.68 with the second opinion (0.59 and 0.58
///   alone). Then studied (`STUDIED.md` there) and trained on: 0.95 and
///   0.91.
/// - `real-heldout-12`: 219 sentences, none made stricter than its page, 41
///   firing (32 a required course of conservative care); first run 0.77
///   and 0.87 with the second opinion (0.71 and 0.83 alone). Then studied
///   (`STUDIED.md` there) and trained on: 0.96 and 0.94.
///
/// Since the second opinion no longer overturns an exception the patterns
/// found (December 2026), sets 3 and 11 lost a finding each (recall 0.84
/// to 0.826, 0.90 to 0.89): overturns the model had learnt from those very
/// sets. Measured by models that had not seen them, overturning found five
/// restrictions and raised eight false alarms over all the real sets.
const HELDOUT: &[(&str, usize, f64, f64)] = &[
    ("fixtures/prose/real-heldout", 180, 0.85, 0.85),
    ("fixtures/prose/real-heldout-2", 200, 0.81, 0.76),
    ("fixtures/prose/real-heldout-3", 200, 0.89, 0.82),
    ("fixtures/prose/real-heldout-8", 1400, 0.84, 0.76),
    ("fixtures/prose/real-heldout-9", 250, 0.90, 0.80),
    ("fixtures/prose/real-heldout-10", 220, 0.91, 0.87),
    ("fixtures/prose/real-heldout-11", 210, 0.95, 0.89),
    ("fixtures/prose/real-heldout-12", 210, 0.95, 0.90),
];

#[test]
fn held_out_real_wording() {
    for &(dir, size, precision, recall) in HELDOUT {
        let entries = load_dir(dir);
        assert!(entries.len() >= size, "{dir}: {} entries", entries.len());
        let all = total(&measure_entries(dir, &entries, true));
        assert!(
            all.precision() >= precision && all.recall() >= recall,
            "{dir}: precision {:.2}, recall {:.2}",
            all.precision(),
            all.recall()
        );
    }
}

/// Own-words sentences written after a held-out set was studied
/// (`fixtures/prose/studied/`), one or more for each construction changed:
/// the patterns alone give each exactly its labels. They are not training
/// data for the second opinion, whose figures on them are printed only
/// (it may veto a pattern finding it has never seen worded so).
#[test]
fn studied_constructions_hold() {
    let dir = root().join("fixtures/prose/studied");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let patterns = Linter::builtin().unwrap().with_opinion(None);
    let rules = sentence_rules(&patterns);
    let mut wrong = Vec::new();
    for path in &files {
        let entries: Vec<Entry> =
            serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(entries.len() >= 10, "{}", path.display());
        for e in &entries {
            let fired = accuracy::fired(&patterns, &rules, &e.text);
            let expected: BTreeSet<String> = e.expect.iter().cloned().collect();
            if fired != expected {
                wrong.push(format!(
                    "{}: fired {fired:?}, expected {expected:?}",
                    e.text.trim()
                ));
            }
        }
        let name = path.display().to_string();
        let with = measure_entries(&name, &entries, false);
        println!("(with the second opinion) {:?}", total(&with));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Plain-text layout the newcomer's documents used: a section title in
/// capitals states no policy (the second opinion once fired a discharge
/// rule on "4. MISSED APPOINTMENTS"), and lettered items are items, quoted
/// without their letter or the next item's.
#[test]
fn plain_text_titles_and_lettered_items() {
    let linter = Linter::builtin().unwrap();
    let text = "1. WHO CAN USE THIS SERVICE\n\nAdults who live anywhere in the county.\n\n\
                4. MISSED APPOINTMENTS\n\nWe phone you before any decision is made.\n\n\
                All of the following apply:\n\na. Patients must have had pain for 6 months.\n\
                b. Smokers will not be listed.\n";
    let report = linter.check_text("policy.txt", text.to_string());
    let found: Vec<(usize, String, String)> = report
        .diagnostics
        .iter()
        .filter(|d| !d.rule.starts_with("missing-"))
        .map(|d| {
            let at = report.source.line_col(d.span.start());
            (
                at.line,
                d.rule.to_string(),
                report.source.slice(d.span).to_string(),
            )
        })
        .collect();
    assert!(!found.iter().any(|f| f.1 == "dna-discharge"), "{found:?}");
    assert!(
        found.contains(&(
            11,
            "symptom-duration-gate".into(),
            "Patients must have had pain for 6 months.".into()
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            12,
            "smoking-restriction".into(),
            "Smokers will not be listed.".into()
        )),
        "{found:?}"
    );
}

/// The second opinion may not guess an Oxford score threshold where no
/// value is given (`opinion-needs` in the rule): a score named as a
/// measure taken is no gate, while a value in the sentence or in the
/// question read with it lets it speak as before.
#[test]
fn a_score_named_without_a_value_sets_no_threshold() {
    let linter = Linter::builtin().unwrap();
    let oxford = |text: &str| {
        linter
            .check_text("policy.md", text.to_string())
            .diagnostics
            .iter()
            .filter(|d| d.rule == "oxford-score-threshold")
            .count()
    };
    assert_eq!(
        oxford("An Oxford Knee Score is filled in at each clinic visit.\n"),
        0
    );
    assert_eq!(
        oxford("Your Oxford Hip Score shows us how your recovery is going.\n"),
        0
    );
    assert_eq!(
        oxford("Referral for knee replacement requires an Oxford Knee Score of 20 or below.\n"),
        1
    );
}

/// A rewording changes a sentence's specifics and keeps its construction,
/// so a verdict must not rest on which number was written: every real
/// sentence gives the same findings with each count in figures made
/// another (35 to 40) and each count in words made another ("six" to
/// "eight", "twelve" to "fifteen"). Patterns that listed a few number
/// words each once missed "eighteen months"; `scripts/reword_specifics.py`
/// does the same from the command line, with names changed too.
#[test]
fn numbers_written_another_way_keep_every_verdict() {
    let linter = Linter::builtin().unwrap();
    let rules = sentence_rules(&linter);
    let figures = regex::Regex::new(r"(^|[^\d.])(\d{1,3})($|[^\d.])").unwrap();
    let words = regex::Regex::new(r"\b(two|three|four|five|six|eight|ten|twelve)\b").unwrap();
    let mut dirs: Vec<String> = vec![REAL.to_string()];
    dirs.extend(
        std::fs::read_dir(root().join("fixtures/prose"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("real-heldout"))
            })
            .map(|p| {
                format!(
                    "fixtures/prose/{}",
                    p.file_name().unwrap().to_string_lossy()
                )
            }),
    );
    let mut flipped = Vec::new();
    let mut variants = 0;
    for dir in &dirs {
        for e in load_dir(dir) {
            let as_written = accuracy::fired(&linter, &rules, &e.text);
            let by_figures = figures.replace_all(&e.text, |c: &regex::Captures| {
                let n: u32 = c[2].parse().unwrap();
                let m = n + if n >= 20 {
                    5
                } else if n >= 3 {
                    2
                } else {
                    1
                };
                format!("{}{m}{}", &c[1], &c[3])
            });
            let by_words = words.replace_all(&e.text, |c: &regex::Captures| {
                match &c[1] {
                    "two" => "three",
                    "three" => "four",
                    "four" => "five",
                    "five" => "seven",
                    "six" => "eight",
                    "eight" => "ten",
                    "ten" => "twelve",
                    _ => "fifteen",
                }
                .to_string()
            });
            for changed in [by_figures, by_words] {
                if changed == e.text {
                    continue;
                }
                variants += 1;
                let now = accuracy::fired(&linter, &rules, &changed);
                if now != as_written {
                    flipped.push(format!(
                        "{dir}: {as_written:?} became {now:?}\n  {}\n  {changed}",
                        e.text.trim()
                    ));
                }
            }
        }
    }
    assert!(variants > 1500, "{variants} variants");
    assert!(flipped.is_empty(), "{}", flipped.join("\n"));
}
