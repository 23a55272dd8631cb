//! For every rule, fixtures/rules/<name>/ holds a pathway where it fires and
//! at least one near-miss where it must not. Expectations are comments:
//! `# expect: rule-a, rule-b` at the end of the line a finding starts on, or
//! `# expect-line: N rule` anywhere (for lines that cannot carry one).
//! Only the folder's own rule is compared, so other rules may fire freely.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use msklint::check::Linter;
use msklint::rules::model::Check;

fn expected(text: &str, rule: &str) -> Vec<usize> {
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(at) = line.find("# expect: ") {
            let names = &line[at + "# expect: ".len()..];
            lines.extend(names.split(',').filter(|n| n.trim() == rule).map(|_| i + 1));
        }
        if let Some(rest) = line.trim().strip_prefix("# expect-line: ") {
            let (n, name) = rest.split_once(' ').expect("`# expect-line: N rule`");
            if name.trim() == rule {
                lines.push(n.parse().expect("line number"));
            }
        }
    }
    lines.sort_unstable();
    lines
}

fn folders() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

#[test]
fn every_rule_fires_exactly_where_expected_and_not_on_near_misses() {
    let linter = Linter::builtin().unwrap();
    let mut failures = Vec::new();
    for folder in folders() {
        let rule = folder.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            linter.rules.find(&rule).is_some(),
            "fixtures/rules/{rule}: no such rule"
        );
        let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let (mut fires, mut near) = (0, 0);
        for file in files {
            let stem = file.file_stem().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&file).unwrap();
            let report = linter.check_text(&format!("{rule}/{stem}"), text.clone());
            for d in &report.diagnostics {
                assert!(
                    !matches!(
                        d.rule.as_str(),
                        "syntax-error" | "undefined-node" | "invalid-value"
                    ),
                    "{rule}/{stem}: fixture is itself broken: {} {}",
                    d.rule,
                    d.message
                );
            }
            let mut actual: Vec<usize> = report
                .diagnostics
                .iter()
                .filter(|d| d.rule == rule)
                .map(|d| report.source.line_col(d.span.start()).line)
                .collect();
            actual.sort_unstable();
            let want = expected(&text, &rule);
            if stem.starts_with("fires") {
                fires += 1;
                if want.is_empty() {
                    failures.push(format!(
                        "{rule}/{stem}: a `fires` fixture with no expectations"
                    ));
                }
            } else if stem.starts_with("near-miss") {
                near += 1;
                if !want.is_empty() {
                    failures.push(format!(
                        "{rule}/{stem}: a near-miss must not expect its rule"
                    ));
                }
            }
            if actual != want {
                failures.push(format!(
                    "{rule}/{stem}: expected lines {want:?}, got {actual:?}"
                ));
            }
        }
        if fires == 0 || near == 0 {
            failures.push(format!(
                "{rule}: needs a fires*.pathway and a near-miss*.pathway"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_engine_rule_has_a_fixture_folder() {
    let linter = Linter::builtin().unwrap();
    let folders: BTreeSet<String> = folders()
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    let missing: Vec<&str> = linter
        .rules
        .rules
        .iter()
        .filter(|r| r.rule.check != Check::Builtin || r.rule.name.contains("suppression"))
        .map(|r| r.rule.name.as_str())
        .filter(|n| !folders.contains(*n))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without fixtures/rules/<name>/: {missing:?}"
    );
}
