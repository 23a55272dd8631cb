//! The second opinion on prose findings (src/rules/opinion.rs), measured.
//!
//! - The shipped model (`rules/second-opinion.tsv`) is what training on the
//!   labelled sets gives; `MSKLINT_RETRAIN=1 cargo test --release --test
//!   opinion` writes it again after the sets change.
//! - Cross-validation: for each real-wording held-out set, a model trained
//!   on every other set is measured on it, against the patterns alone.
//! - `fixtures/prose/real-heldout-7/` is left out of training; it was
//!   labelled and committed, then measured before anything was changed
//!   for it, so the shipped model's figures on it are blind. Its misses
//!   have since been studied for patterns, so the patterns' figures on it
//!   are not. (Sets 5 and 6, the blind sets before it, were measured, then
//!   studied for patterns, and are now trained on.)
//!
//! Run with `--nocapture` for the tables.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use msklint::check::Linter;
use msklint::rules::opinion::{self, Example, Opinion};
use serde::Deserialize;

#[path = "common/accuracy.rs"]
mod accuracy;
use accuracy::Counts;

/// Rules with a sentence-level prose check, as training wants them.
fn sentence_rules(linter: &Linter) -> Vec<String> {
    accuracy::sentence_rules(linter).into_iter().collect()
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Entry {
    text: String,
    expect: Vec<String>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> Vec<Example> {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let entries: Vec<Entry> = serde_norway::from_str(&text).unwrap();
    entries
        .into_iter()
        .map(|e| Example {
            text: e.text,
            expect: e.expect,
        })
        .collect()
}

/// Every labelled sentence set the shipped model learns from, by name.
fn training_sets() -> Vec<(String, Vec<Example>)> {
    let prose = root().join("fixtures/prose");
    let mut sets = Vec::new();
    let mut files: Vec<String> = std::fs::read_dir(&prose)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    for name in files {
        sets.push((name.clone(), read(&format!("fixtures/prose/{name}"))));
    }
    let mut real = Vec::new();
    for name in [
        "access-dna",
        "duration-conservative-education",
        "weight-smoking-oxford",
    ] {
        real.extend(read(&format!("fixtures/prose/real/{name}.yaml")));
    }
    sets.push(("real".into(), real));
    for dir in HELD_OUT {
        sets.push((
            dir.to_string(),
            read(&format!("fixtures/prose/{dir}/sentences.yaml")),
        ));
    }
    let mut documents = Vec::new();
    for dir in [
        "fixtures/examples",
        "fixtures/prose/documents",
        "fixtures/prose/real-documents",
    ] {
        documents.extend(document_examples(dir));
    }
    sets.push(("documents".into(), documents));
    sets.push(("rule examples".into(), rule_examples()));
    // Left out with its set's sentences when that set is measured.
    for dir in ["real-heldout-4", "real-heldout-5", "real-heldout-6"] {
        sets.push((
            format!("{dir}/documents"),
            document_examples(&format!("fixtures/prose/{dir}/documents")),
        ));
    }
    sets
}

/// Each prose rule's own examples: `fail` fires it, `pass` must not.
fn rule_examples() -> Vec<Example> {
    let linter = Linter::builtin().unwrap();
    let mut out = Vec::new();
    for loaded in &linter.rules.rules {
        let rule = &loaded.rule;
        let Some(examples) = rule.prose.as_ref().and_then(|p| p.examples.as_ref()) else {
            continue;
        };
        out.push(Example {
            text: examples.fail.clone(),
            expect: vec![rule.name.clone()],
        });
        out.push(Example {
            text: examples.pass.clone(),
            expect: Vec::new(),
        });
    }
    out
}

/// Each sentence naming a rule's subject in the labelled documents of
/// `dir`, labelled with the rules its `.expect` file lists on its line.
fn document_examples(dir: &str) -> Vec<Example> {
    let linter = Linter::builtin().unwrap();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && p.with_extension("expect").exists())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let mut at: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for finding in accuracy::expected_findings(&path) {
            if let Some((Ok(line), rule)) = finding.split_once(' ').map(|(l, r)| (l.parse(), r)) {
                at.entry(line).or_default().push(rule.to_string());
            }
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (line, read) in linter.opinion_texts(&text) {
            out.push(Example {
                text: read,
                expect: at.get(&line).cloned().unwrap_or_default(),
            });
        }
    }
    out
}

/// Real-wording sets each measured by a model trained on all the others.
const HELD_OUT: [&str; 11] = [
    "real-heldout",
    "real-heldout-2",
    "real-heldout-3",
    "real-heldout-4",
    "real-heldout-5",
    "real-heldout-6",
    "real-heldout-8",
    "real-heldout-9",
    "real-heldout-10",
    "real-heldout-11",
    "real-heldout-12",
];

/// Never trained on: measured blind by the shipped model.
const BLIND: &str = "real-heldout-7";

/// Per rule and in all, each entry checked as a Markdown document of its own.
fn measure(linter: &Linter, examples: &[Example]) -> (BTreeMap<String, Counts>, Counts) {
    let rules: BTreeSet<String> = accuracy::sentence_rules(linter);
    let mut per: BTreeMap<String, Counts> = BTreeMap::new();
    for e in examples {
        let fired = accuracy::fired(linter, &rules, &e.text);
        for r in &rules {
            let c = per.entry(r.clone()).or_default();
            match (e.expect.contains(r), fired.contains(r.as_str())) {
                (true, true) => c.tp += 1,
                (false, true) => c.fp += 1,
                (true, false) => c.fn_ += 1,
                (false, false) => {}
            }
        }
    }
    let mut all = Counts::default();
    per.values().for_each(|c| all.add(*c));
    (per, all)
}

fn line(label: &str, c: Counts) -> String {
    format!(
        "| {label} | {} | {} | {} | {:.2} | {:.2} | {:.2} |",
        c.tp,
        c.fp,
        c.fn_,
        c.precision(),
        c.recall(),
        c.f1()
    )
}

#[test]
fn shipped_model_is_the_trained_one() {
    let linter = Linter::builtin().unwrap();
    let examples: Vec<Example> = training_sets().into_iter().flat_map(|(_, e)| e).collect();
    let trained = opinion::train(&examples, &sentence_rules(&linter));
    let path = root().join("rules/second-opinion.tsv");
    if std::env::var_os("MSKLINT_RETRAIN").is_some() {
        std::fs::write(&path, trained.render()).unwrap();
    }
    let shipped = Opinion::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        (shipped.veto_below, shipped.fire_above),
        (trained.veto_below, trained.fire_above),
        "rules/second-opinion.tsv's settings are not training's"
    );
    let mut worst = 0.0f32;
    for rule in sentence_rules(&linter) {
        assert_eq!(shipped.knows(&rule), trained.knows(&rule), "{rule}");
        for e in &examples {
            let (a, b) = (shipped.score(&rule, &e.text), trained.score(&rule, &e.text));
            if let (Some(a), Some(b)) = (a, b) {
                worst = worst.max((a - b).abs());
            }
        }
    }
    assert!(
        worst < 0.02,
        "rules/second-opinion.tsv is not what training gives (scores differ by up to {worst:.3}): \
         run MSKLINT_RETRAIN=1 cargo test --release --test opinion"
    );
}

/// Each real-wording held-out set, measured by a model that never saw it.
/// The patterns were tuned on the misses of every set, so the patterns
/// alone are not blind and the comparison favours them. The fourth was
/// the last one studied (5 December 2026, its STUDIED.md); before, with
/// both readers blind there, the model added 0.09 F1 (0.59 to 0.68), and
/// after the study it still adds 0.11 (0.66 to 0.77). It must keep adding
/// at least 0.05 there.
#[test]
fn cross_validated_on_real_wording() {
    let base = Linter::builtin().unwrap();
    let rules = sentence_rules(&base);
    let sets = training_sets();
    println!(
        "\n| held-out set, model trained on the rest | TP | FP | FN | precision | recall | F1 |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let (mut alone, mut weighed) = (Counts::default(), Counts::default());
    for dir in HELD_OUT {
        let others: Vec<Example> = sets
            .iter()
            .filter(|(name, _)| name != dir && *name != format!("{dir}/documents"))
            .flat_map(|(_, e)| e.iter().cloned())
            .collect();
        let test = &sets.iter().find(|(name, _)| name == dir).unwrap().1;
        let model = Arc::new(opinion::train(&others, &rules));
        let without = Linter::builtin().unwrap().with_opinion(None);
        let with = Linter::builtin().unwrap().with_opinion(Some(model));
        let (_, a) = measure(&without, test);
        let (_, b) = measure(&with, test);
        println!("{}", line(&format!("{dir}: patterns alone"), a));
        println!("{}", line(&format!("{dir}: with the second opinion"), b));
        if dir == "real-heldout-4" {
            alone.add(a);
            weighed.add(b);
        }
    }
    println!("{}", line("set 4: patterns alone", alone));
    println!("{}", line("set 4: with the second opinion", weighed));
    assert!(
        weighed.f1() >= alone.f1() + 0.05,
        "on set 4, the second opinion trained without it should add at least 0.05 F1: {:.2} against {:.2}",
        weighed.f1(),
        alone.f1()
    );
}

/// The model's blind set: labelled and committed, then measured
/// (FIRST-RUN.md there), and never trained on.
#[test]
fn blind_set() {
    let test = read(&format!("fixtures/prose/{BLIND}/sentences.yaml"));
    assert!(test.len() >= 170);
    let without = Linter::builtin().unwrap().with_opinion(None);
    let with = Linter::builtin().unwrap();
    let (_, a) = measure(&without, &test);
    let (per, b) = measure(&with, &test);
    println!("\n{BLIND}: patterns alone {a:?}; with the second opinion {b:?}");
    println!(
        "| rule | TP | FP | FN | precision | recall | F1 |\n|---|---:|---:|---:|---:|---:|---:|"
    );
    for (rule, c) in &per {
        println!("{}", line(rule, *c));
    }
    println!("{}", line("all", b));
    // First run (FIRST-RUN.md), blind for both: F1 0.56 with the second
    // opinion, 0.58 with the patterns alone; studying set 6 for patterns
    // left both where they were. After set 7's own misses were studied for
    // patterns (STUDIED.md there): 0.74 and 0.81; 0.77 with the second
    // opinion once checking read held subjects as `--trace` does. The
    // floors, just under, guard against losing ground; they are not the
    // issue's bar (0.9). Trained on set 9 as well: 0.80 with the second
    // opinion; on set 10 too: 0.79 (one finding fewer).
    assert!(a.f1() >= 0.79 && b.f1() >= 0.75, "{b:?} and {a:?}");
    // Its three documents, line by line (first run: 9 of 14 found,
    // precision 0.75; after studying, 10 of 14 at 0.77). Since lettered
    // sub-items ("a.", "b.") are read as list items (December 2026), 11 of
    // 14 at 0.65: the three sub-items of a required course in d3 now fire
    // as items under a lead-in do in the other documents' labels, where
    // this document's labels, made blind, took them as one sentence.
    let mut docs = Counts::default();
    for entry in
        std::fs::read_dir(root().join(format!("fixtures/prose/{BLIND}/documents"))).unwrap()
    {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let want = accuracy::expected_findings(&path);
        let report = with.check_text("policy.md", std::fs::read_to_string(&path).unwrap());
        let got: BTreeSet<String> = report
            .diagnostics
            .iter()
            .filter(|d| !d.rule.starts_with("missing-"))
            .map(|d| format!("{} {}", report.source.line_col(d.span.start()).line, d.rule))
            .collect();
        docs.add(Counts {
            tp: want.intersection(&got).count(),
            fp: got.difference(&want).count(),
            fn_: want.difference(&got).count(),
        });
    }
    println!("{}", line("its documents, line by line", docs));
    assert!(docs.tp >= 11 && docs.precision() >= 0.64, "{docs:?}");
}

/// `second-opinion: false` in msklint.yaml, as docs/configuration.md
/// shows it, leaves the patterns to decide alone: a removal after missed
/// appointments worded in a way no pattern knows is then missed.
#[test]
fn the_configuration_key_turns_it_off() {
    let doc = std::fs::read_to_string(root().join("docs/configuration.md")).unwrap();
    let at = doc
        .find("```yaml\nsecond-opinion: false")
        .expect("the example in docs/configuration.md");
    let body = &doc[at + "```yaml\n".len()..];
    let example = &body[..body.find("```").unwrap()];
    let config = msklint::config::Config::from_text(
        std::path::Path::new("msklint.yaml"),
        example.to_string(),
    )
    .unwrap();
    let base = Linter::builtin().unwrap();
    let off = Linter::new(
        base.vocabulary.clone(),
        Linter::builtin().unwrap().rules,
        config,
    );
    assert!(off.second_opinion().is_none());
    let text = "# Appointments\n\nMissing appointments again and again can lead to being dropped by the clinic.\n";
    let fires = |l: &Linter| {
        let report = l.check_text("policy.md", text.to_string());
        report
            .diagnostics
            .iter()
            .filter(|d| d.rule == "dna-discharge")
            .map(|d| d.label.clone())
            .collect::<Vec<_>>()
    };
    let on = fires(&base);
    assert_eq!(on.len(), 1, "{on:?}");
    assert!(on[0].contains("learnt second opinion"), "{on:?}");
    assert!(fires(&off).is_empty());
}

/// A subject its context holds ("…, the health board announced") stays
/// silent whatever the second opinion scores (a model trained on set 8
/// scored this sentence 0.90). Checking must decide it as `--trace`
/// explains it: the quick path once read a missing pattern as plain
/// silence and let a middling score fire.
/// An exception the patterns found is final too: a sentence that says
/// people will *not* be discharged once scored high enough to be read as a
/// discharge rule, the opposite of what it says.
#[test]
fn an_exception_the_patterns_found_is_never_overturned() {
    let linter = Linter::builtin().unwrap();
    for (text, rule) in [
        (
            "Patients who miss an appointment will not be discharged; instead we will call them to rebook.\n",
            "dna-discharge",
        ),
        (
            "**Is the service only for people who live in Westmere?** No - anyone registered with a GP practice in England may be referred.\n",
            "address-required",
        ),
    ] {
        let report = linter.check_text("policy.md", text.to_string());
        assert!(
            !report.diagnostics.iter().any(|d| d.rule == rule),
            "{rule} on {text}"
        );
        let (_, traces) = linter
            .trace("policy.md", None, text.as_bytes().to_vec(), 1)
            .unwrap();
        let steps: Vec<&String> = traces
            .iter()
            .flat_map(|t| &t.rules)
            .filter(|r| r.rule == rule)
            .flat_map(|r| &r.steps)
            .collect();
        assert!(
            steps
                .iter()
                .any(|s| *s == "second opinion: not asked, as an exception the patterns found stays"),
            "{text}: {steps:?}"
        );
    }
}

#[test]
fn a_held_subject_is_never_overturned_when_checked_too() {
    let text = "People with a BMI over 40 will wait an extra six months for surgery, \
                the health board announced.\n";
    let linter = Linter::builtin().unwrap();
    let score = linter
        .second_opinion()
        .and_then(|o| o.score("bmi-threshold", text))
        .unwrap();
    let report = linter.check_text("policy.md", text.to_string());
    let fired: Vec<&str> = report
        .diagnostics
        .iter()
        .map(|d| d.rule.as_str())
        .filter(|r| !r.starts_with("missing-"))
        .collect();
    assert!(fired.is_empty(), "score {score:.2}: {fired:?}");
    // The trace says why the score was not weighed.
    let (_, traces) = linter
        .trace("policy.md", None, text.as_bytes().to_vec(), 1)
        .unwrap();
    let bmi = traces[0]
        .rules
        .iter()
        .find(|r| r.rule == "bmi-threshold")
        .unwrap();
    assert!(!bmi.fired);
    assert!(
        bmi.steps
            .iter()
            .any(|s| s == "second opinion: not asked, as a held subject stays silent"),
        "{:?}",
        bmi.steps
    );
}

/// A report the policy takes on ("…, and so do we") is its own rule: the
/// pattern finding stands whatever the model, which reads only the
/// report's words, scores it. Without the taking on it stays silent.
#[test]
fn a_report_taken_on_is_not_vetoed() {
    let linter = Linter::builtin().unwrap();
    let fires = |text: &str| {
        linter
            .check_text("policy.md", format!("{text}\n"))
            .diagnostics
            .iter()
            .any(|d| d.rule == "smoking-restriction")
    };
    let taken = "Several providers decline knee replacement to smokers, and so do we.";
    let reported = "Several providers decline knee replacement to smokers.";
    let score = linter
        .second_opinion()
        .and_then(|o| o.score("smoking-restriction", taken))
        .unwrap();
    assert!(
        score < 0.20,
        "the model would veto it ({score:.2}), so this tests something"
    );
    assert!(fires(taken));
    assert!(!fires(reported));
    let (_, traces) = linter
        .trace("policy.md", None, format!("{taken}\n").into_bytes(), 1)
        .unwrap();
    let steps: Vec<&String> = traces
        .iter()
        .flat_map(|t| &t.rules)
        .filter(|r| r.rule == "smoking-restriction")
        .flat_map(|r| &r.steps)
        .collect();
    assert!(
        steps
            .iter()
            .any(|s| *s == "second opinion: not asked, as the policy takes on the rule it reports"),
        "{steps:?}"
    );
}
