//! Editor support (editors/, docs/editors.md). The VS Code extension is
//! packaged with vsce, and its grammar and extension.js pass their own
//! tests, through the scripts in editors/vscode/scripts; these need Node.js
//! and npm, gated like every outside program (tests/programs/mod.rs). The
//! TextMate grammar is also held to grammar/pathway.pest and
//! rules/vocabulary.yaml here, which needs nothing outside.

mod programs;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn vscode() -> PathBuf {
    root().join("editors/vscode")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn grammar() -> Value {
    serde_json::from_str(&read(&vscode().join("syntaxes/pathway.tmLanguage.json")))
        .expect("the TextMate grammar is JSON")
}

/// Both scripts rebuild editors/vscode/node_modules; they take a file lock
/// where `flock` exists, and this keeps the two tests apart everywhere.
static NODE_MODULES: Mutex<()> = Mutex::new(());

/// Runs one of editors/vscode/scripts with bash, and fails with all it
/// printed unless it succeeds.
fn script(name: &str, args: &[&Path]) -> Output {
    let _one_at_a_time = NODE_MODULES.lock().unwrap_or_else(|e| e.into_inner());
    let out = Command::new("bash")
        .arg(vscode().join("scripts").join(name))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run bash: {e}"));
    assert!(
        out.status.success(),
        "editors/vscode/scripts/{name} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
#[cfg_attr(
    not(all(run_node_tests, run_npm_tests)),
    ignore = "Node.js or npm is not on PATH; apt-get install nodejs npm, \
              or run with CI=true to make this a failure"
)]
fn vsce_packages_the_vscode_extension() {
    programs::require(&programs::NODE);
    programs::require(&programs::NPM);
    let vsix = Path::new(env!("CARGO_TARGET_TMPDIR")).join("editors/msklint.vsix");
    let _ = std::fs::remove_file(&vsix);
    script("package.sh", &[&vsix]);

    let file = std::fs::File::open(&vsix).expect("package.sh wrote no .vsix");
    let mut zip = zip::ZipArchive::new(file).expect("a .vsix is a zip archive");
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    for needed in [
        "extension.vsixmanifest",
        "[Content_Types].xml",
        "extension/package.json",
        "extension/extension.js",
        "extension/readme.md",
        "extension/language-configuration.json",
        "extension/syntaxes/pathway.tmLanguage.json",
        "extension/node_modules/vscode-languageclient/package.json",
    ] {
        assert!(
            names.iter().any(|n| n == needed),
            "{needed} is not in the .vsix:\n{}",
            names.join("\n")
        );
    }
    // Tests, scripts and build-only packages stay out of it.
    for left_out in [
        "extension/test/",
        "extension/scripts/",
        "extension/node_modules/@vscode/vsce/",
        "extension/node_modules/vscode-textmate/",
        "extension/node_modules/vscode-oniguruma/",
    ] {
        assert!(
            !names.iter().any(|n| n.starts_with(left_out)),
            "{left_out} should not be packaged"
        );
    }

    let mut text = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let packaged: Value = serde_json::from_str(&text("extension/package.json")).unwrap();
    let source: Value = serde_json::from_str(&read(&vscode().join("package.json"))).unwrap();
    for key in ["name", "version", "main", "activationEvents", "contributes"] {
        assert_eq!(packaged[key], source[key], "package.json `{key}` changed");
    }
    assert_eq!(
        text("extension/syntaxes/pathway.tmLanguage.json"),
        read(&vscode().join("syntaxes/pathway.tmLanguage.json"))
    );
}

#[test]
#[cfg_attr(
    not(all(run_node_tests, run_npm_tests)),
    ignore = "Node.js or npm is not on PATH; apt-get install nodejs npm, \
              or run with CI=true to make this a failure"
)]
fn the_textmate_grammar_and_extension_js_pass_their_node_tests() {
    programs::require(&programs::NODE);
    programs::require(&programs::NPM);
    let out = script("test.sh", &[]);
    // node's test runner, TAP reporter: a run of no tests also exits 0.
    let text = String::from_utf8_lossy(&out.stdout);
    let count = |what: &str| -> usize {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("# {what} ")))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no `# {what}` line in:\n{text}"))
    };
    assert!(count("pass") >= 9, "{text}");
    assert_eq!(count("fail"), 0, "{text}");
}

/// Without Node.js or npm the two tests above are ignored, or fail when
/// built under CI=true; run anyway, they fail. They never pass.
#[test]
fn without_node_or_npm_the_editor_tests_are_ignored_or_fail_never_pass() {
    for test in [
        "vsce_packages_the_vscode_extension",
        "the_textmate_grammar_and_extension_js_pass_their_node_tests",
    ] {
        let out = programs::rerun_without_programs(test, false);
        let text = String::from_utf8_lossy(&out.stdout);
        if cfg!(all(run_node_tests, run_npm_tests)) {
            assert!(text.contains(&format!("test {test} ... FAILED")), "{text}");
        } else {
            assert!(
                text.contains(&format!("test {test} ... ignored, Node.js or npm")),
                "{text}"
            );
            assert!(text.contains("0 passed; 0 failed; 1 ignored"), "{text}");
        }
        // libtest prints a failed test's panic on stdout.
        let out = programs::rerun_without_programs(test, true);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{text}");
        assert!(text.contains("Node.js is not on PATH"), "{text}");
    }
}

/// Every regex in the grammar that matches, with the scopes it gives.
fn rules(grammar: &Value) -> Vec<(String, Vec<String>)> {
    fn walk(node: &Value, out: &mut Vec<(String, Vec<String>)>) {
        match node {
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Value::Object(map) => {
                let regex = map.get("match").or_else(|| map.get("begin"));
                if let Some(Value::String(regex)) = regex {
                    let mut scopes = Vec::new();
                    if let Some(Value::String(name)) = map.get("name") {
                        scopes.push(name.clone());
                    }
                    for key in ["captures", "beginCaptures"] {
                        if let Some(Value::Object(captures)) = map.get(key) {
                            scopes.extend(
                                captures
                                    .values()
                                    .filter_map(|c| c["name"].as_str().map(String::from)),
                            );
                        }
                    }
                    out.push((regex.clone(), scopes));
                }
                map.values().for_each(|v| walk(v, out));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(grammar, &mut out);
    out
}

/// The quoted words on the line of grammar/pathway.pest that defines `rule`.
fn pest_words(pest: &str, rule: &str) -> Vec<String> {
    let line = pest
        .lines()
        .find(|l| l.split_whitespace().next() == Some(rule))
        .unwrap_or_else(|| panic!("grammar/pathway.pest has no rule `{rule}`"));
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

#[test]
fn the_textmate_grammar_highlights_every_keyword_and_operator_of_the_pest_grammar() {
    let pest = read(&root().join("grammar/pathway.pest"));
    let rules = rules(&grammar());
    let mut keywords: Vec<String> = pest
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| name.starts_with("kw_"))
        .flat_map(|name| pest_words(&pest, name))
        .collect();
    keywords.extend(pest_words(&pest, "node_keyword"));
    assert!(keywords.len() >= 9, "{keywords:?}");
    for word in &keywords {
        let bounded = |r: &str| {
            r.match_indices(word.as_str()).any(|(at, _)| {
                let before = r[..at].chars().last();
                let after = r[at + word.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            })
        };
        assert!(
            rules.iter().any(|(regex, scopes)| bounded(regex)
                && scopes
                    .iter()
                    .any(|s| s.starts_with("keyword.") || s.starts_with("storage."))),
            "no rule of the TextMate grammar scopes the keyword `{word}` as a keyword"
        );
    }
    for word in pest_words(&pest, "boolean") {
        assert!(
            rules.iter().any(|(regex, scopes)| regex.contains(&word)
                && scopes
                    .iter()
                    .any(|s| s.starts_with("constant.language.boolean"))),
            "`{word}` is not scoped as a boolean"
        );
    }
    // The comparisons, with the lone `=` the checker reports on its own.
    let operators = pest_words(&pest, "operator");
    let compare: Vec<&str> = operators
        .iter()
        .map(String::as_str)
        .filter(|o| *o != "=")
        .collect();
    assert!(operators.iter().any(|o| o == "="));
    let wanted = format!("({})|(=)", compare.join("|"));
    assert!(
        rules.iter().any(|(regex, _)| regex.contains(&wanted)),
        "the criterion rule should match {wanted}"
    );
}

/// The grammar gives the words msklint knows (kinds, offers, channels, DNA
/// actions, node properties and pathway fields) their own scopes, so a
/// misspelt word shows up as plain text. Its lists are the vocabulary's.
#[test]
fn the_textmate_grammar_knows_the_words_of_the_vocabulary() {
    let vocabulary: serde_norway::Value =
        serde_norway::from_str(&read(&root().join("rules/vocabulary.yaml"))).unwrap();
    let regexes: Vec<String> = rules(&grammar()).into_iter().map(|(r, _)| r).collect();
    for list in [
        "kinds",
        "offers",
        "channels",
        "dna_actions",
        "node_properties",
        "pathway_fields",
    ] {
        let words: Vec<&str> = vocabulary[list]
            .as_sequence()
            .unwrap_or_else(|| panic!("vocabulary.yaml has no list `{list}`"))
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect();
        let alternation = words.join("|");
        let mut copies = 0;
        for regex in &regexes {
            // Every alternation that starts with the list's first word is
            // the whole list, in the vocabulary's order.
            for open in ["(", "(?:"] {
                let start = format!("{open}{}|", words[0]);
                for (at, _) in regex.match_indices(&start) {
                    let inner = &regex[at + open.len()..];
                    let inner = &inner[..inner.find(')').unwrap_or(inner.len())];
                    assert_eq!(
                        inner, alternation,
                        "the grammar's `{list}` are out of step with rules/vocabulary.yaml"
                    );
                    copies += 1;
                }
            }
        }
        assert!(
            copies > 0,
            "the grammar does not list the `{list}`; it should match ({alternation})"
        );
    }
}
