//! Work inside one file may be shared out among threads (a long policy's
//! sentences, a long pathway's items, the graph rules beside the prose
//! checks on a pathway's strings). The findings must be exactly those of
//! one thread, in the same order.

#![cfg(feature = "parallel")]

use std::path::PathBuf;

use msklint::check::Linter;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Findings as JSON lines, in the order the report holds them.
fn findings(linter: &Linter, name: &str, text: &str, threads: usize) -> Vec<String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    let report = pool.install(|| linter.check_text(name, text.to_string()));
    report
        .diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {}",
                d.rule,
                d.span.start(),
                d.span.end(),
                d.message,
                d.severity
            )
        })
        .collect()
}

/// Every real-wording policy document, end to end, as many times as it
/// takes to make a document long enough to be read in pieces.
fn long_policy() -> String {
    let dir = root().join("fixtures/prose/real-documents");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the real documents")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    names.sort();
    let one: String = names
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("a document") + "\n\n")
        .collect();
    one.repeat(1 + 1_000_000 / one.len().max(1))
}

#[test]
fn a_long_policy_gives_the_same_findings_on_one_thread_and_on_four() {
    let linter = Linter::builtin().expect("the built-in rules");
    let text = long_policy();
    // Enough sentences for several pieces (src/rules/prose.rs reads 2,048
    // sentences a piece once there are 4,096).
    let sentences = msklint::prose::sentences::split(&text).len();
    assert!(sentences > 8_192, "only {sentences} sentences");
    let one = findings(&linter, "long.md", &text, 1);
    let four = findings(&linter, "long.md", &text, 4);
    assert!(one.len() > 500, "only {} findings", one.len());
    assert_eq!(one, four);
}

#[test]
fn a_long_pathway_gives_the_same_findings_on_one_thread_and_on_four() {
    let linter = Linter::builtin().expect("the built-in rules");
    let example = std::fs::read_to_string(root().join("fixtures/examples/hip-knee-oa.pathway"))
        .expect("the example pathway");
    // The example's services again and again under new IDs, in one block.
    let start = example.find('{').expect("a block") + 1;
    let end = example.rfind('}').expect("its end");
    let body = &example[start..end];
    let mut text = example[..start].to_string();
    for k in 0..150 {
        text.push_str(&body.replace(": \"", &format!(": \"{k} ")));
    }
    text.push_str("}\n");
    assert!(text.len() > 200_000, "{} bytes", text.len());
    let one = findings(&linter, "long.pathway", &text, 1);
    let four = findings(&linter, "long.pathway", &text, 4);
    assert!(one.len() > 100, "only {} findings", one.len());
    assert_eq!(one, four);
}
