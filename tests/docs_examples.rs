//! Every pathway example in README.md and docs/*.md is checked, so the
//! docs cannot drift from the tool (biome checks its rule docs the same
//! way). A fenced block whose info string starts with `pathway` is an
//! example, written
//!
//! ````text
//! ```pathway [fragment] [only=NAMES] [expect=NAMES] [latin1] [rules-dir=DIR] [skip=sketch]
//! ````
//!
//! - What it reports is written as in fixtures/rules/: `# expect: rule-a,
//!   rule-b` at the end of the line a finding starts on, or
//!   `# expect-line: N rule` (N counted from the block's first line) for a
//!   line that cannot carry a comment. Every finding must be expected and
//!   every expectation met; a block with no expectation reports nothing.
//! - `expect=NAMES` says the same in the info string, where a comment
//!   would get in the reader's way or cannot be written (generated docs):
//!   `rule@N` fires on line N, a bare `rule` fires somewhere.
//! - `only=NAMES` compares only the findings of these rules or rule
//!   categories (`language`, `access`, `dna`, `links`, `shape`),
//!   comma-separated: the example makes one point, and what the guidance
//!   rules say about a toy pathway is not it.
//! - `fragment`: the inside of a pathway block, checked wrapped in
//!   `pathway "example" { ... }`; line 0 is the wrapper's first line.
//! - `latin1`: the example says it is saved as Latin-1, so its text is
//!   encoded that way before it is checked.
//! - `rules-dir=DIR`: also load the rules in DIR (relative to the
//!   repository), for examples of an organisation's own rule.
//! - `skip=sketch`: a syntax sketch with placeholders, not checked. The
//!   test verifies the reason: a sketch declares no node however it is read
//!   (as a file or wrapped), so no real pathway can hide behind it.
//!
//! A fenced `mermaid` block with labels (`only=`, `expect=`) is a diagram:
//! it is checked as a `.mmd` file, imported as `msklint check` imports it,
//! and its lines are those of the generated pathway. A bare ```mermaid
//! block is a picture and is left alone. Likewise a fenced `markdown`
//! block with labels is a policy page, checked as a `.md` file (Mermaid
//! flowcharts fenced inside it included), its lines those of the block.
//!
//! A block labelled `text`, or not labelled at all, that looks like
//! pathway code (a `pathway "…" {` line, a node, a route or a `# msklint:`
//! comment) fails the test until it is labelled. Blocks in another
//! language (`yaml`, `sh`, `ebnf`, …) are left alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use msklint::check::Linter;
use msklint::session::{Options, Session};

const CATEGORIES: &[&str] = &["language", "access", "dna", "links", "shape"];

/// One fenced block: where it is, its info string and its lines.
struct Block {
    file: String,
    /// Line of the file holding the block's first line (1-based).
    line: usize,
    info: String,
    text: String,
}

impl Block {
    fn at(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }
}

fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

/// The fenced blocks of a Markdown file (``` and ~~~ fences, any indent).
fn blocks(path: &Path) -> Vec<Block> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let name = path.strip_prefix(root).unwrap().display().to_string();
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let trimmed = lines[i].trim_start();
        let indent = lines[i].len() - trimmed.len();
        let fence: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        let uniform = fence.chars().all(|c| c == fence.chars().next().unwrap());
        if fence.len() < 3 || !uniform {
            i += 1;
            continue;
        }
        let info = trimmed[fence.len()..].trim().to_string();
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && !lines[end].trim_start().starts_with(fence.as_str()) {
            end += 1;
        }
        let body: Vec<&str> = lines[start..end]
            .iter()
            .map(|l| {
                let strip = l.len() - l.trim_start().len();
                &l[strip.min(indent)..]
            })
            .collect();
        out.push(Block {
            file: name.clone(),
            line: start + 1,
            info,
            text: body.join("\n") + "\n",
        });
        i = end + 1;
    }
    out
}

/// The labels of a `pathway` info string.
#[derive(Default, Debug)]
struct Labels {
    fragment: bool,
    latin1: bool,
    /// A Mermaid diagram, checked as a `.mmd` file.
    diagram: bool,
    /// A policy page, checked as a `.md` file.
    markdown: bool,
    only: Vec<String>,
    /// Rules that fire somewhere.
    anywhere: Vec<String>,
    /// Rules that fire on a line of the block.
    at: Vec<(usize, String)>,
    rules_dir: Option<String>,
    skip: Option<String>,
}

fn labels(info: &str) -> Result<Labels, String> {
    let mut words = info.split_whitespace();
    let first = words.next();
    assert!(matches!(first, Some("pathway" | "mermaid" | "markdown")));
    let mut l = Labels {
        diagram: first == Some("mermaid"),
        markdown: first == Some("markdown"),
        ..Labels::default()
    };
    let list = |v: &str| v.split(',').map(|s| s.trim().to_string()).collect();
    for w in words {
        match w.split_once('=') {
            None if w == "fragment" => l.fragment = true,
            None if w == "latin1" => l.latin1 = true,
            Some(("only", v)) => l.only = list(v),
            Some(("expect", v)) => {
                for item in v.split(',') {
                    match item.split_once('@') {
                        Some((rule, n)) => l.at.push((
                            n.parse().map_err(|_| format!("`{item}`: not rule@line"))?,
                            rule.to_string(),
                        )),
                        None => l.anywhere.push(item.to_string()),
                    }
                }
            }
            Some(("rules-dir", v)) => l.rules_dir = Some(v.to_string()),
            Some(("skip", v)) => l.skip = Some(v.to_string()),
            _ => return Err(format!("unknown label `{w}`")),
        }
    }
    Ok(l)
}

/// `(line, rule)` for every `# expect:` and `# expect-line:` comment.
fn expectations(text: &str) -> Result<Vec<(usize, String)>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.trim().strip_prefix("# expect-line: ") {
            let (n, rule) = rest
                .split_once(' ')
                .ok_or_else(|| format!("line {}: `# expect-line: N rule`", i + 1))?;
            let n = n
                .parse()
                .map_err(|_| format!("line {}: `{n}` is not a line number", i + 1))?;
            out.push((n, rule.trim().to_string()));
        } else if let Some(at) = line.find("# expect: ") {
            for rule in line[at + "# expect: ".len()..].split(',') {
                out.push((i + 1, rule.trim().to_string()));
            }
        }
    }
    Ok(out)
}

/// Whether a line looks like pathway code rather than prose, shell or output.
fn looks_like_pathway(line: &str) -> bool {
    let t = line.trim_start();
    let word = |s: &str| {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .count()
    };
    if t.starts_with("pathway \"") || t.starts_with("# msklint:") || t.starts_with("#msklint:") {
        return true;
    }
    for kw in ["entry ", "service ", "exit "] {
        if let Some(rest) = t.strip_prefix(kw) {
            let rest = rest.trim_start();
            let n = word(rest);
            if n > 0 && rest[n..].trim_start().starts_with(':') {
                return true;
            }
        }
    }
    // `a -> b` and `a, b -> c`
    t.split_once("->").is_some_and(|(from, to)| {
        let from_ok = !from.trim().is_empty()
            && from.split(',').all(|s| {
                let s = s.trim();
                !s.is_empty() && word(s) == s.len()
            });
        let to = to.trim_start();
        from_ok && word(to) > 0
    })
}

fn wrap(text: &str) -> String {
    format!("pathway \"example\" {{\n{text}}}\n")
}

/// Node declarations in `text` read as a file, and wrapped as a fragment.
fn nodes_declared(text: &str) -> usize {
    [text.to_string(), wrap(text)]
        .iter()
        .map(|t| {
            msklint::parser::parse(t)
                .complete()
                .map_or(0, |f| f.pathways.iter().map(|p| p.nodes.len()).sum())
        })
        .sum()
}

fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).expect("a Latin-1 character"))
        .collect()
}

/// The built-in rules plus those in `dir`, as `--rules-dir` loads them.
fn session_with(dir: &str) -> Result<Session, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let options = Options {
        rule_dirs: vec![root.join(dir)],
        ..Options::default()
    };
    Session::load(&options).map_err(|e| format!("rules-dir={dir} does not load: {e}"))
}

/// What is wrong with one example, if anything.
fn check(builtin: &Linter, block: &Block) -> Result<(), String> {
    let l = labels(&block.info)?;
    let own;
    let linter = match &l.rules_dir {
        Some(dir) => {
            own = session_with(dir)?;
            own.linter()
        }
        None => builtin,
    };
    if let Some(reason) = &l.skip {
        if reason != "sketch" {
            return Err(format!(
                "skip={reason}: the only reason this test can verify is `sketch`"
            ));
        }
        let n = nodes_declared(&block.text);
        if n > 0 {
            return Err(format!(
                "skip=sketch, but it declares {n} node(s): check it instead"
            ));
        }
        return Ok(());
    }
    for name in l
        .only
        .iter()
        .chain(&l.anywhere)
        .chain(l.at.iter().map(|(_, r)| r))
    {
        if !CATEGORIES.contains(&name.as_str()) && linter.rules.find(name).is_none() {
            return Err(format!("no rule or category is called `{name}`"));
        }
    }
    let compared = |rule: &str| {
        l.only.is_empty()
            || l.only.iter().any(|o| {
                o == rule
                    || linter
                        .rules
                        .find(rule)
                        .is_some_and(|r| &r.rule.category == o)
            })
    };
    let mut wanted = expectations(&block.text)?;
    wanted.extend(l.at.iter().cloned());
    if let Some((_, rule)) = wanted.iter().find(|(_, r)| !compared(r)) {
        return Err(format!("expects `{rule}`, which only= leaves out"));
    }

    let (text, offset) = if l.fragment {
        (wrap(&block.text), 1)
    } else {
        (block.text.clone(), 0)
    };
    let name = format!(
        "{}.{}",
        block.at(),
        if l.diagram {
            "mmd"
        } else if l.markdown {
            "md"
        } else {
            "pathway"
        }
    );
    let report = if l.latin1 {
        linter.check_bytes(&name, latin1(&text))
    } else {
        linter.check_text(&name, text)
    };
    let mut actual: BTreeMap<(usize, String), usize> = BTreeMap::new();
    let mut anywhere: BTreeMap<String, usize> = BTreeMap::new();
    for d in report.diagnostics.iter().filter(|d| compared(&d.rule)) {
        if l.anywhere.iter().any(|r| *r == d.rule) {
            *anywhere.entry(d.rule.to_string()).or_default() += 1;
            continue;
        }
        let line = report.source.line_col(d.span.start()).line;
        *actual
            .entry((line.wrapping_sub(offset), d.rule.to_string()))
            .or_default() += 1;
    }
    let mut want: BTreeMap<(usize, String), usize> = BTreeMap::new();
    for w in wanted {
        *want.entry(w).or_default() += 1;
    }
    let mut problems = Vec::new();
    for rule in &l.anywhere {
        if !anywhere.contains_key(rule) {
            problems.push(format!("expect={rule}, but it does not fire"));
        }
    }
    for (key, n) in &actual {
        let w = want.get(key).copied().unwrap_or(0);
        if *n > w {
            problems.push(format!("line {}: unexpected {} ({n} found)", key.0, key.1));
        }
    }
    for (key, n) in &want {
        let a = actual.get(key).copied().unwrap_or(0);
        if *n > a {
            problems.push(format!(
                "line {}: expected {} ({n} expected, {a} found)",
                key.0, key.1
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn every_pathway_example_in_the_docs_reports_what_it_says() {
    let linter = Linter::builtin().unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in documents() {
        for block in blocks(&path) {
            let first = block.info.split_whitespace().next().unwrap_or("");
            let diagram = matches!(first, "mermaid" | "markdown") && block.info.contains('=');
            if first == "pathway" || diagram {
                checked += 1;
                if let Err(e) = check(&linter, &block) {
                    failures.push(format!("{}: {e}", block.at()));
                }
            } else if let Some(line) = ["", "text"]
                .contains(&first)
                .then(|| block.text.lines().find(|l| looks_like_pathway(l)))
                .flatten()
            {
                failures.push(format!(
                    "{}: a ```{first} block with pathway code (`{}`): label it ```pathway \
                     (with fragment, only=, skip=sketch as needed)",
                    block.at(),
                    line.trim()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(checked >= 100, "only {checked} examples found");
}

#[test]
fn the_fence_reader_and_labels_work_as_documented() {
    assert!(looks_like_pathway("  gp, self -> fcp"));
    assert!(looks_like_pathway("service ortho: \"Ortho\" {"));
    assert!(looks_like_pathway("  # msklint: allow(dead-end)"));
    assert!(looks_like_pathway("pathway \"Hip\" {"));
    assert!(!looks_like_pathway(
        "cargo run -- check fixtures/ -> out.txt"
    ));
    assert!(!looks_like_pathway(" 24 │     requires: bmi < 40"));
    assert!(!looks_like_pathway("exit status 1"));
    assert!(labels("pathway fragmnet").is_err());
    let l = labels("pathway fragment only=language,dead-end expect=dead-end,no-entry@2").unwrap();
    assert!(l.fragment && l.only == ["language", "dead-end"]);
    assert_eq!(
        (l.anywhere, l.at),
        (
            vec!["dead-end".to_string()],
            vec![(2, "no-entry".to_string())]
        )
    );
    assert_eq!(
        expectations("a  # expect: x, y\n# expect-line: 1 z\n").unwrap(),
        [
            (1, "x".to_string()),
            (1, "y".to_string()),
            (1, "z".to_string())
        ]
    );
    assert_eq!(nodes_declared("a -> b\n"), 0);
    assert_eq!(nodes_declared("entry gp: \"GP\"\n"), 1);

    // A wrong expectation is caught, in both directions.
    let linter = Linter::builtin().unwrap();
    let block = |info: &str, text: &str| Block {
        file: "t.md".into(),
        line: 1,
        info: info.into(),
        text: text.into(),
    };
    let gate = "service ortho: \"Ortho\" { kind: secondary  requires: bmi < 40 }\n";
    assert!(check(&linter, &block("pathway fragment only=bmi-threshold", gate)).is_err());
    let annotated = gate.replace('\n', "  # expect: bmi-threshold\n");
    assert_eq!(
        check(
            &linter,
            &block("pathway fragment only=bmi-threshold", &annotated)
        ),
        Ok(())
    );
    assert!(check(&linter, &block("pathway fragment only=dna", &annotated)).is_err());
    let labelled = "pathway fragment only=access expect=bmi-threshold@1,gp-only-referral@1";
    assert_eq!(check(&linter, &block(labelled, gate)), Ok(()));
    assert!(check(&linter, &block("pathway skip=sketch", gate)).is_err());
    assert!(check(&linter, &block("pathway skip=lazy", "a -> b\n")).is_err());
}

/// docs/language.md calls its first example the canonical one: it is
/// fixtures/examples/hip-knee-oa.pathway, plus the `# expect:` comments.
#[test]
fn the_canonical_example_in_the_language_reference_is_the_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixture =
        std::fs::read_to_string(root.join("fixtures/examples/hip-knee-oa.pathway")).unwrap();
    let block = blocks(&root.join("docs/language.md"))
        .into_iter()
        .find(|b| b.info.starts_with("pathway"))
        .unwrap();
    let without: String = block
        .text
        .lines()
        .map(|l| l.find("  # expect: ").map_or(l, |at| &l[..at]))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(without, fixture);
}
