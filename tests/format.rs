//! `msklint fmt` keeps the meaning: for generated pathways laid out at
//! random (comments and suppressions in any gap between tokens), fixtures
//! re-laid at random and fixtures mutated byte by byte, formatting
//!
//! - is idempotent: `fmt(fmt(x)) == fmt(x)`;
//! - gives the same tree (compared without positions, items in order);
//! - gives the same findings: rule, severity, message and the code each
//!   points at, wherever it moved. Messages quote source text
//!   (`bmi<40` becomes `bmi < 40`), so both are compared without spaces;
//! - leaves text that does not parse alone, with the parser's errors.
//!
//! 10,000 cases in the normal run (`FMT_CASES` scales each
//! property: `FMT_CASES=4` runs four times as many).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use msklint::check::Linter;
use msklint::format::{format, FormatError};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| Linter::builtin().unwrap())
}

fn cases(normal: u32) -> u32 {
    let scale = std::env::var("FMT_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .unwrap_or(1);
    normal.saturating_mul(scale)
}

// ---- what must not change ----------------------------------------------------

/// The tree without positions: `Debug` with every span blanked, plus the
/// order of the items (the tree keeps fields, nodes and routes apart).
fn tree(text: &str) -> String {
    static SPAN: OnceLock<regex::Regex> = OnceLock::new();
    let span = SPAN.get_or_init(|| regex::Regex::new(r"Span \{ start: \d+, end: \d+ \}").unwrap());
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let Some(file) = msklint::parser::parse(body).complete() else {
        return "no tree".to_string();
    };
    let mut order = String::new();
    for p in &file.pathways {
        let mut items: Vec<(usize, char)> = p
            .fields
            .iter()
            .map(|f| (f.span.start(), 'f'))
            .chain(p.nodes.iter().map(|n| (n.span.start(), 'n')))
            .chain(p.routes.iter().map(|r| (r.span.start(), 'r')))
            .collect();
        items.sort();
        order.extend(items.iter().map(|(_, c)| *c));
        order.push('|');
    }
    format!("{order}\n{}", span.replace_all(&format!("{file:?}"), "_"))
}

/// Text without spaces.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The code in a snippet: no spaces, no comments, no trailing commas.
fn code(snippet: &str) -> String {
    let mut out = String::new();
    let mut chars = snippet.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '#' => {
                while chars.peek().is_some_and(|&c| c != '\n') {
                    chars.next();
                }
            }
            ']' if out.ends_with(',') => {
                out.pop();
                out.push(c);
            }
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// A message with its digits taken out when it names lines ("does not
/// fire on lines 47 to 51"): formatting moves lines, not meaning.
fn without_line_numbers(message: &str) -> String {
    if message.contains("line") {
        message.chars().filter(|c| !c.is_ascii_digit()).collect()
    } else {
        message.to_string()
    }
}

/// Every finding as (rule, severity, message, code pointed at), sorted.
fn findings(text: &str) -> Vec<(String, String, String, String)> {
    let report = linter().check_text("input.pathway", text.to_string());
    let mut out: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.rule.to_string(),
                d.severity.as_str().to_string(),
                without_line_numbers(&squash(&d.message)),
                code(report.source.slice(d.span)),
            )
        })
        .collect();
    out.sort();
    out
}

/// Lines are indented with pairs of spaces and end without spaces.
fn layout_problem(text: &str) -> Option<String> {
    for (n, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let indent = line.len() - line.trim_start_matches(' ').len();
        if line.ends_with([' ', '\t']) {
            return Some(format!("line {}: trailing space: {line:?}", n + 1));
        }
        if indent % 2 == 1 || line[indent..].starts_with('\t') {
            return Some(format!("line {}: odd indentation: {line:?}", n + 1));
        }
    }
    None
}

/// All the properties for one input that parses.
fn formats_faithfully(text: &str) -> Result<(), TestCaseError> {
    let once = match format(text) {
        Ok(once) => once,
        Err(FormatError::Syntax(d)) => {
            return Err(TestCaseError::fail(format!(
                "syntax error {:?} at {:?} in\n{text}\n(as written: {text:?})",
                d.first().map(|d| &d.message),
                d.first().map(|d| d.span)
            )))
        }
        Err(FormatError::Internal(why)) => {
            return Err(TestCaseError::fail(format!("internal: {why} in\n{text}")))
        }
    };
    let twice = format(&once).map_err(|e| TestCaseError::fail(format!("{e:?}\n{once}")))?;
    prop_assert_eq!(&twice, &once, "not idempotent; input:\n{}", text);
    prop_assert_eq!(tree(text), tree(&once), "tree changed; output:\n{}", once);
    prop_assert_eq!(
        findings(text),
        findings(&once),
        "findings changed; input:\n{}\noutput:\n{}",
        text,
        once
    );
    if let Some(problem) = layout_problem(&once) {
        return Err(TestCaseError::fail(format!("{problem} in\n{once}")));
    }
    Ok(())
}

/// Text that does not parse is refused with the parser's own errors; text
/// that does is formatted faithfully.
fn formats_or_refuses(text: &str) -> Result<(), TestCaseError> {
    // A lone CR ends a line for `check` and `fmt` alike (a CR inside a
    // string leaves it unclosed), so the text is read that way here too.
    let text = msklint::input::lone_cr_to_lf(text.to_string());
    let text = text.as_str();
    let body = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut parsed = msklint::parser::parse(body);
    // A route's clause written with a colon (`when:` at pathway level) is
    // a syntax error the parser reads as a field; fmt refuses it as check
    // does.
    let clauses: Vec<_> = parsed
        .file
        .pathways
        .iter()
        .flat_map(|p| &p.fields)
        .filter_map(|f| msklint::validate::route_clause_as_field(&f.key))
        .collect();
    parsed.diagnostics.extend(clauses);
    if parsed.is_complete() && parsed.diagnostics.is_empty() {
        return formats_faithfully(text);
    }
    match format(text) {
        Err(FormatError::Syntax(d)) => {
            prop_assert_eq!(
                d.iter().map(|d| &d.message).collect::<Vec<_>>(),
                parsed
                    .diagnostics
                    .iter()
                    .map(|d| &d.message)
                    .collect::<Vec<_>>()
            );
            Ok(())
        }
        other => Err(TestCaseError::fail(format!(
            "{other:?} for text that does not parse:\n{text}"
        ))),
    }
}

// ---- inputs ------------------------------------------------------------------

fn fixtures() -> &'static Vec<(String, String)> {
    static F: OnceLock<Vec<(String, String)>> = OnceLock::new();
    F.get_or_init(|| {
        let root = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"));
        let mut out = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "pathway") {
                    let name = path.strip_prefix(&root).unwrap().display().to_string();
                    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                    out.push((name, text));
                }
            }
        }
        out.sort();
        out
    })
}

/// The fixtures that parse, as tokens (comments included).
fn fixture_tokens() -> &'static Vec<Vec<String>> {
    static T: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    T.get_or_init(|| {
        fixtures()
            .iter()
            .filter(|(_, text)| {
                let parsed = msklint::parser::parse(text);
                parsed.is_complete() && parsed.diagnostics.is_empty()
            })
            .map(|(_, text)| tokens(text))
            .collect()
    })
}

/// Splits text that parses into tokens and comments (whitespace dropped).
fn tokens(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'>') => i += 2,
            b'<' | b'>' | b'=' | b'!' => i += if b.get(i + 1) == Some(&b'=') { 2 } else { 1 },
            b'{' | b'}' | b'[' | b']' | b':' | b',' => i += 1,
            _ => {
                i += 1;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b'%'))
                {
                    i += 1;
                }
            }
        }
        out.push(text[start..i].trim_end().to_string());
    }
    out
}

/// What goes between two tokens: spacing, line breaks, comments,
/// suppressions (with and without a reason, reaching or cut off by a blank
/// line). Index 0 may join the two tokens when one is punctuation.
fn gap() -> impl Strategy<Value = usize> {
    prop_oneof![
        6 => Just(1usize),
        3 => Just(2usize),
        2 => 0..GAPS.len(),
    ]
}

const GAPS: &[&str] = &[
    "",
    " ",
    "\n",
    "\n\n",
    "\n\n\n  ",
    "\t",
    "   ",
    "\r\n",
    " # a note\n",
    "\n# an own-line note\n",
    "\n    # indented note\n\n",
    " # msklint: allow(RULE) reason: \"agreed\"\n",
    "\n  # msklint: allow(RULE) reason: \"agreed\"\n",
    "\n# msklint: allow(RULE, dead-end) reason: \"agreed\"\n# and a note\n",
    "\n# msklint: allow(RULE) reason: \"cut off\"\n\n",
    " # msklint: allow(RULE)\n",
    " # msklint: alow(RULE)\n",
];

const RULES: &[&str] = &[
    "bmi-threshold",
    "smoking-restriction",
    "unknown-offer",
    "unknown-kind",
    "dead-end",
    "unreachable-node",
    "duplicate-route",
    "symptom-duration-gate",
    "undefined-node",
    "invalid-value",
    "dna-discharge",
    "no-such-rule",
];

fn punctuation(token: &str) -> bool {
    matches!(token, "{" | "}" | "[" | "]" | ":" | ",")
}

/// Joins tokens with the chosen gaps; a comment always ends its line.
fn join(tokens: &[String], gaps: &[(usize, usize)]) -> String {
    let mut out = String::new();
    for (i, token) in tokens.iter().enumerate() {
        let (g, rule) = gaps.get(i).copied().unwrap_or((1, 0));
        let mut g = g % GAPS.len();
        let prev = i.checked_sub(1).map(|p| tokens[p].as_str());
        if g == 0 && !(punctuation(token) || prev.is_some_and(punctuation)) {
            g = 1;
        }
        if prev.is_some_and(|p| p.starts_with('#')) {
            out.push('\n');
        }
        if i > 0 || g >= 8 {
            out.push_str(&GAPS[g].replace("RULE", RULES[rule % RULES.len()]));
        }
        out.push_str(token);
    }
    out.push('\n');
    out
}

fn gaps(n: usize) -> impl Strategy<Value = Vec<(usize, usize)>> {
    prop::collection::vec((gap(), any::<usize>()), n..=n)
}

/// A pathway's items as tokens: fields, nodes with every kind of property
/// (long and short lists, trailing commas, criteria, DNA policies, free
/// properties, unknown words), routes with clauses in either order and
/// now and then an undeclared node.
fn pathway_tokens() -> impl Strategy<Value = Vec<String>> {
    let word = prop::sample::select(vec![
        "assessment",
        "exercise",
        "surgery",
        "shared_decision_making",
        "self_management",
        "physiotheraphy",
        "peer_support",
        "a_rather_long_local_offer_name",
        "\"quoted offer\"",
        "12",
        "50%",
        "true",
    ]);
    let list = (prop::collection::vec(word, 0..9), any::<bool>());
    let criterion = prop::sample::select(vec![
        "bmi < 40",
        "smoking == false",
        "age >= 18",
        "symptom_weeks >= 12",
        "oxford_score <= 60%",
        "region != \"out_of_area\"",
        "grade = severe",
    ]);
    let property = prop_oneof![
        prop::sample::select(vec!["gp", "primary", "secondary", "community", "secondry"])
            .prop_map(|k| format!("kind : {k}")),
        list.clone().prop_map(|(items, comma)| format!(
            "offers : [ {} {} ]",
            items.join(" , "),
            if comma && !items.is_empty() { "," } else { "" }
        )),
        Just("channels : [ online , phone ]".to_string()),
        prop::collection::vec(criterion.clone(), 1..3)
            .prop_map(|c| format!("requires : {}", c.join(" , "))),
        prop::sample::select(vec![
            "on_dna : discharge after 2",
            "on_dna : contact then rebook",
            "on_dna : contact then rebook after 1 then discharge after 3",
        ])
        .prop_map(str::to_string),
        Just("provider : \"Example Community Trust, a long free-text provider name\"".to_string()),
    ];
    let node = (
        0..3usize,
        any::<bool>(),
        prop::option::of(prop::collection::vec(property, 0..5)),
    );
    let field = prop_oneof![
        Just("owner : \"Example ICB\"".to_string()),
        Just("rtt_within_18_weeks : 86%".to_string()),
        list.prop_map(|(items, comma)| format!(
            "outcomes : [ {} {} ]",
            items.join(" , "),
            if comma && !items.is_empty() { "," } else { "" }
        )),
        Just(
            "inequalities : \"Waits are monitored by deprivation quintile and ethnicity.\""
                .to_string()
        ),
    ];
    let route = (
        prop::collection::vec(0..9usize, 1..3),
        prop::collection::vec(0..10usize, 1..4),
        prop::option::of(criterion),
        any::<bool>(),
        any::<bool>(),
    );
    (
        prop::collection::vec(field, 0..4),
        prop::collection::vec(node, 1..9),
        prop::collection::vec(route, 0..9),
    )
        .prop_flat_map(|(fields, nodes, routes)| {
            let n = nodes.len();
            let mut items: Vec<String> = fields;
            for (i, (role, long, block)) in nodes.into_iter().enumerate() {
                let label = if long {
                    "\"A community musculoskeletal service with a label long enough to wrap\""
                } else {
                    "\"Short\""
                };
                let mut s = format!("{} n{i} : {label}", ["entry", "service", "exit"][role]);
                if let Some(props) = block {
                    s.push_str(&format!(" {{ {} }}", props.join(" ")));
                }
                items.push(s);
            }
            for (from, to, requires, when, when_first) in routes {
                let id = |k: usize| {
                    if k >= n {
                        "nowhere".to_string()
                    } else {
                        format!("n{k}")
                    }
                };
                let ids = |v: &[usize]| v.iter().map(|&k| id(k)).collect::<Vec<_>>().join(" , ");
                let mut clauses = Vec::new();
                if when {
                    clauses.push("when \"clinical need\"".to_string());
                }
                if let Some(c) = requires {
                    clauses.push(format!("requires {c}"));
                }
                if when_first {
                    clauses.reverse();
                }
                items.push(format!(
                    "{} -> {} {}",
                    ids(&from),
                    ids(&to),
                    clauses.join(" ")
                ));
            }
            Just(items).prop_shuffle()
        })
        .prop_map(|items| {
            let mut out: Vec<String> = ["pathway", "\"Generated\"", "{"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            for item in items {
                out.extend(item.split_whitespace().map(str::to_string));
            }
            out.push("}".to_string());
            // `"quoted offer"` and the labels hold spaces: glue them back.
            glue_strings(out)
        })
}

/// Re-joins string tokens that `split_whitespace` cut apart.
fn glue_strings(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for w in words {
        if open {
            let last = out.last_mut().unwrap();
            last.push(' ');
            last.push_str(&w);
            open = !w.ends_with('"');
        } else {
            open = w.starts_with('"') && (w.len() == 1 || !w.ends_with('"'));
            out.push(w);
        }
    }
    out
}

/// One or two generated pathways laid out at random.
fn generated() -> impl Strategy<Value = String> {
    prop::collection::vec(pathway_tokens(), 1..3)
        .prop_map(|ps| ps.concat())
        .prop_flat_map(|tokens| {
            let n = tokens.len();
            (Just(tokens), gaps(n))
        })
        .prop_map(|(tokens, gaps)| join(&tokens, &gaps))
}

/// A fixture laid out at random: its own tokens and comments, new gaps.
fn relaid_fixture() -> impl Strategy<Value = String> {
    (0..fixture_tokens().len()).prop_flat_map(|k| {
        let tokens = fixture_tokens()[k].clone();
        let n = tokens.len();
        gaps(n).prop_map(move |gaps| join(&tokens, &gaps))
    })
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, &'static str),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let pieces = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        "\"",
        "->",
        ",",
        ":",
        "#",
        "\n",
        "\r\n",
        " ",
        "\n\n",
        " requires ",
        " when ",
        "then",
        "é—",
        "# msklint: allow(dead-end)\n",
        "100%",
        "-1",
        "\u{FEFF}",
    ]);
    prop_oneof![
        (any::<usize>(), 0..40usize).prop_map(|(a, l)| Edit::Delete(a, l)),
        (any::<usize>(), pieces).prop_map(|(a, t)| Edit::Insert(a, t)),
        (any::<usize>(), 0..200usize).prop_map(|(a, l)| Edit::Duplicate(a, l)),
    ]
}

/// Edits at character boundaries, so the text stays text.
fn apply(mut text: String, edits: &[Edit]) -> String {
    let at = |text: &str, n: usize| {
        let mut i = n % (text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    for e in edits {
        match e {
            Edit::Delete(a, len) | Edit::Duplicate(a, len) => {
                let s = at(&text, *a);
                let mut end = (s + len).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                if let Edit::Delete(..) = e {
                    text.replace_range(s..end, "");
                } else {
                    let piece = text[s..end].to_string();
                    text.insert_str(s, &piece);
                }
            }
            Edit::Insert(a, piece) => {
                let s = at(&text, *a);
                text.insert_str(s, piece);
            }
        }
    }
    text
}

// ---- the properties ----------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(4_000), ..ProptestConfig::default() })]
    #[test]
    fn generated_pathways_format_faithfully(text in generated()) {
        formats_faithfully(&text)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(3_500), ..ProptestConfig::default() })]
    #[test]
    fn relaid_fixtures_format_faithfully(text in relaid_fixture()) {
        formats_faithfully(&text)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(2_500), ..ProptestConfig::default() })]
    #[test]
    fn mutated_fixtures_format_faithfully_or_not_at_all(
        which in any::<usize>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let files = fixtures();
        let text = apply(files[which % files.len()].1.clone(), &edits);
        formats_or_refuses(&text)?;
    }
}

// ---- fixed cases -------------------------------------------------------------

/// `gp -> h when: "red flags"` is a syntax error for check (the clause
/// became a pathway field); fmt wrote the clause on a line of its own.
#[test]
fn a_route_clause_written_with_a_colon_is_refused() {
    let text = "pathway \"x\" {\n  entry gp: \"GP\" { kind: gp }\n  exit h: \"H\"\n  gp -> h when: \"red flags\"\n}\n";
    match format(text) {
        Err(FormatError::Syntax(d)) => {
            assert_eq!(d.len(), 1, "{d:?}");
            assert!(
                d[0].message.contains("`when` on a route"),
                "{}",
                d[0].message
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn every_fixture_formats_faithfully_or_is_refused() {
    let mut refused = BTreeMap::new();
    for (name, text) in fixtures() {
        if let Err(e) = formats_or_refuses(text) {
            panic!("{name}: {e}");
        }
        if let Err(FormatError::Syntax(d)) = format(text) {
            refused.insert(name.as_str(), d.len());
        }
    }
    // Exactly the syntax-error fixtures (the undecodable one is read
    // lossily here, and its replacement character sits in a string).
    assert!(
        refused
            .keys()
            .all(|n| n.starts_with("invalid/syntax-error")),
        "{refused:?}"
    );
    let syntax_fixtures = std::fs::read_dir(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid"),
    )
    .unwrap()
    .filter(|e| {
        e.as_ref()
            .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("syntax-error"))
    })
    .count();
    assert_eq!(refused.len(), syntax_fixtures, "{refused:?}");
}

#[test]
fn the_example_pathway_in_canonical_layout() {
    let text = include_str!("../fixtures/examples/hip-knee-oa.pathway");
    insta::assert_snapshot!(format(text).unwrap());
}

#[test]
fn generators_make_valid_and_varied_input() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut comments, mut suppressions, mut crlf) = (0, 0, 0);
    for _ in 0..200 {
        let text = generated().new_tree(&mut runner).unwrap().current();
        let parsed = msklint::parser::parse(&text);
        assert!(
            parsed.is_complete() && parsed.diagnostics.is_empty(),
            "{:?}\n{text}",
            parsed.diagnostics.first().map(|d| &d.message)
        );
        comments += usize::from(text.contains("# a note"));
        suppressions += usize::from(text.contains("# msklint: allow"));
        crlf += usize::from(text.contains("\r\n"));
    }
    assert!(
        comments > 100 && suppressions > 100 && crlf > 50,
        "{comments} {suppressions} {crlf}"
    );
    for tokens in fixture_tokens() {
        let text = join(tokens, &[]);
        let parsed = msklint::parser::parse(&text);
        assert!(
            parsed.is_complete() && parsed.diagnostics.is_empty(),
            "{text}"
        );
    }
    assert!(fixture_tokens().len() > 60);
}

/// docs/formatting.md: a `pathway` block after `<!-- fmt: before -->`
/// formats to the next block, which follows `<!-- fmt: after -->`; every
/// other `pathway` block there is already in the layout.
#[test]
fn the_examples_in_the_formatting_docs_are_what_fmt_does() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/formatting.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let mut blocks: Vec<(String, String)> = Vec::new(); // (marker, text)
    let mut lines = doc.lines();
    let mut marker = String::new();
    while let Some(line) = lines.next() {
        if line.starts_with("```pathway") {
            let text: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((std::mem::take(&mut marker), text.join("\n") + "\n"));
        } else if line.starts_with("<!-- fmt:") {
            marker = line.to_string();
        } else if !line.trim().is_empty() {
            marker.clear();
        }
    }
    let mut pairs = 0;
    for (i, (marker, text)) in blocks.iter().enumerate() {
        let formatted = format(text).unwrap_or_else(|e| panic!("block {i}: {e:?}"));
        match marker.as_str() {
            "<!-- fmt: before -->" => {
                let (next, after) = &blocks[i + 1];
                assert_eq!(next, "<!-- fmt: after -->", "block {i}");
                assert_eq!(&formatted, after, "block {i} does not format to the next");
                assert_ne!(&formatted, text, "block {i} is already formatted");
                pairs += 1;
            }
            _ => assert_eq!(&formatted, text, "block {i} is not in the layout"),
        }
    }
    assert!(
        pairs >= 3 && blocks.len() >= 6,
        "{pairs} pairs in {} blocks",
        blocks.len()
    );
}
