//! Recovery after syntax errors (docs/language.md, section 13): the rest of
//! a file is still parsed and checked, each broken item is one error, what
//! the other items say is neither lost nor invented, and every output copes
//! with many errors at once.

#[allow(dead_code)] // the shared helpers are not all used here
mod common;

use std::sync::OnceLock;
use std::time::Instant;

use common::msklint;
use msklint::check::Linter;
use msklint::rules::model::Check;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

fn linter() -> &'static Linter {
    static L: OnceLock<Linter> = OnceLock::new();
    L.get_or_init(|| Linter::builtin().unwrap())
}

/// A finding as the properties compare it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    rule: String,
    start: usize,
    end: usize,
    message: String,
}

fn check(text: &str) -> Vec<Found> {
    let report = linter().check_text("input.pathway", text.to_string());
    assert_eq!(report.problem(), None, "{text}");
    report
        .diagnostics
        .iter()
        .map(|d| Found {
            rule: d.rule.to_string(),
            start: d.span.start(),
            end: d.span.end(),
            message: d.message.clone(),
        })
        .collect()
}

/// (rule, line) of each finding.
fn rules_and_lines(text: &str) -> Vec<(String, usize)> {
    check(text)
        .into_iter()
        .map(|f| (f.rule, text[..f.start].matches('\n').count() + 1))
        .collect()
}

fn syntax_errors(found: &[Found]) -> usize {
    found.iter().filter(|f| f.rule == "syntax-error").count()
}

// ---- focused cases -------------------------------------------------------------

/// Three broken items, each followed by findings of its own kind.
const THREE_ERRORS: &str = r#"pathway "Knee" {
  inequalities: "Waits are monitored by deprivation quintile."
  entry gp: "GP practice" { kind: gp }
  service physio "Physiotherapy" { kind: community }
  service ortho: "Orthopaedics" {
    kind: secondary
    requires: bmi < 40
  }
  service pain: "Pain clinic" { kind: pian  on_dna: discharge after 1 }
  gp -> physio -> ortho
  gp -> pain
  pain -> ortho requires smoking == false
  ortho -> home
  service rehab: "Rehab" { offers: [exercise,, advice] }
  gp -> rehab
  rehab -> nowhere
}
"#;

#[test]
fn several_broken_items_give_one_error_each_and_the_rest_is_checked() {
    let found = rules_and_lines(THREE_ERRORS);
    let errors: Vec<usize> = found
        .iter()
        .filter(|(r, _)| r == "syntax-error")
        .map(|(_, l)| *l)
        .collect();
    assert_eq!(errors, [4, 10, 14], "{found:?}");
    for expected in [
        ("bmi-threshold", 7),
        ("unknown-kind", 9),
        ("dna-discharge", 9),
        ("smoking-restriction", 12),
        // `home` is declared nowhere, not even in skipped text.
        ("undefined-node", 13),
        ("undefined-node", 16),
    ] {
        assert!(
            found.contains(&(expected.0.to_string(), expected.1)),
            "{expected:?} missing from {found:?}"
        );
    }
}

#[test]
fn findings_that_a_skipped_item_could_cause_are_held_back() {
    let found = rules_and_lines(THREE_ERRORS);
    // `physio` and `rehab`'s declarations were skipped: routes naming
    // them are not "undefined"; nor is anything unreachable, a dead end
    // or missing from this pathway, since the skipped text may hold it.
    assert!(
        !found
            .iter()
            .any(|(r, l)| r == "undefined-node" && [10, 15].contains(l)),
        "{found:?}"
    );
    for rule in [
        "unreachable-node",
        "dead-end",
        "missing-mental-health",
        "missing-outcome-measures",
        "missing-coproduction",
        "no-entry",
        "linear-pathway",
    ] {
        assert!(!found.iter().any(|(r, _)| r == rule), "{rule} in {found:?}");
    }
}

#[test]
fn another_pathway_in_the_file_is_checked_in_full() {
    let clean = include_str!("../fixtures/examples/hip-knee-oa.pathway");
    let alone = check(clean);
    assert!(alone
        .iter()
        .any(|f| f.rule == "missing-mental-health" || f.rule == "bmi-threshold"));
    let text = format!("{THREE_ERRORS}\n{clean}");
    let shift = THREE_ERRORS.len() + 1;
    let together: Vec<Found> = check(&text)
        .into_iter()
        .filter(|f| f.start >= shift)
        .map(|f| Found {
            start: f.start - shift,
            end: f.end - shift,
            ..f
        })
        .collect();
    assert_eq!(together, alone);
}

#[test]
fn a_file_whose_only_block_is_broken_is_not_called_empty() {
    for text in [
        "pathway {\n",
        "entry gp: \"GP\"\n",
        "???\n",
        "pathway \"P\" [\n}\n",
    ] {
        let found = rules_and_lines(text);
        assert!(
            !found.iter().any(|(r, _)| r == "empty-file"),
            "{text:?}: {found:?}"
        );
        assert_eq!(
            found.iter().filter(|(r, _)| r == "syntax-error").count(),
            1,
            "{text:?}: {found:?}"
        );
    }
}

/// N broken lines, each a node missing its colon.
fn broken_lines(n: usize) -> String {
    let mut text = String::from("pathway \"Many\" {\n  entry gp: \"GP\" { kind: gp }\n");
    for i in 0..n {
        text.push_str(&format!(
            "  service n{i} \"Node {i}\" {{ kind: community }}\n"
        ));
        text.push_str(&format!("  gp -> n{i}\n  n{i} ->\n"));
    }
    text.push_str("}\n");
    text
}

#[test]
fn the_error_count_is_the_number_of_broken_items() {
    let text = broken_lines(50);
    let parsed = msklint::parser::parse(&text);
    // The node lines, and the routes missing their targets.
    assert_eq!(parsed.diagnostics.len(), 100);
    assert_eq!(parsed.recovered.len(), 100);
    assert_eq!(parsed.file.pathways[0].routes.len(), 50);
    let found = check(&text);
    assert_eq!(syntax_errors(&found), 100);
    assert!(
        !found.iter().any(|f| f.rule == "undefined-node"),
        "{found:?}"
    );
}

/// Recovery reads each byte a bounded number of times: eight times the
/// broken lines take about eight times as long, where work growing with the
/// square would take 64 times. The bound leaves room for a busy machine
/// (best of three runs, so other work does not decide the result).
#[test]
fn recovery_is_linear_in_the_number_of_broken_lines() {
    let time = |n: usize| {
        let text = broken_lines(n);
        (0..3)
            .map(|_| {
                let started = Instant::now();
                let parsed = msklint::parser::parse(&text);
                assert_eq!(parsed.diagnostics.len(), 2 * n);
                started.elapsed()
            })
            .min()
            .unwrap()
    };
    let short = time(2_000);
    let long = time(16_000);
    let ratio = long.as_secs_f64() / short.as_secs_f64().max(1e-9);
    assert!(
        ratio < 32.0,
        "{short:?} for 2,000 broken lines, {long:?} for 16,000"
    );
}

#[test]
fn hostile_nesting_and_brace_runs_are_one_error_each() {
    let deep = 200_000;
    for text in [
        format!(
            "pathway \"P\" {{\n  service a: \"A\" {}\n}}\n",
            "{".repeat(deep)
        ),
        format!(
            "pathway \"P\" {{\n  service a: \"A\" {{ offers: {} }}\n}}\n",
            "[".repeat(deep)
        ),
        format!("pathway \"P\" {{\n{}}}\n", "  {\n".repeat(deep / 4)),
        format!("pathway \"P\" {{\n}}\n{}", "}\n".repeat(deep / 4)),
        format!("{}\n", "pathway\n".repeat(deep / 8)),
    ] {
        let started = Instant::now();
        let parsed = msklint::parser::parse(&text);
        let grammar = parsed
            .diagnostics
            .iter()
            .filter(|d| d.rule == "syntax-error")
            .count();
        assert_eq!(grammar, parsed.recovered.len());
        if !text.starts_with("pathway\n") {
            assert_eq!(grammar, 1, "{}", &text[..40]);
        }
        assert!(started.elapsed().as_secs() < 20, "{}", &text[..40]);
    }
}

// ---- the command line ------------------------------------------------------------

fn write_files(dir: &std::path::Path) {
    std::fs::write(dir.join("a.pathway"), THREE_ERRORS).unwrap();
    std::fs::write(dir.join("b.pathway"), broken_lines(3)).unwrap();
    std::fs::write(
        dir.join("c.pathway"),
        "pathway \"C\" {\n  service x: \"unclosed {\n  y -> ->\n",
    )
    .unwrap();
}

#[test]
fn every_format_reports_every_syntax_error_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path());
    let files = ["a.pathway", "b.pathway", "c.pathway"];
    // 3 + 6 + 2 syntax errors.
    let expected = 11;
    for format in ["human", "json", "concise", "sarif", "github", "junit"] {
        let mut args = vec!["check", "--format", format];
        args.extend(files);
        let out = msklint(&args, dir.path());
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        let count = match format {
            "human" => stdout.matches("syntax-error(MSK001)").count(),
            "json" => {
                let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                let all = doc["diagnostics"].as_array().unwrap();
                let errors = doc["summary"]["errors"].as_u64().unwrap() as usize;
                assert!(errors >= expected, "{}", doc["summary"]);
                all.iter().filter(|d| d["rule"] == "syntax-error").count()
            }
            "sarif" => {
                let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                doc["runs"][0]["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|r| r["ruleId"] == "syntax-error")
                    .count()
            }
            "github" => stdout
                .lines()
                .filter(|l| l.starts_with("::error ") && l.contains("title=syntax-error"))
                .count(),
            _ => stdout.matches("error[syntax-error]").count(),
        };
        assert_eq!(count, expected, "{format}:\n{stdout}");
    }
}

#[test]
fn warnings_after_a_syntax_error_do_not_change_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.pathway"),
        "pathway \"P\" {\n  entry gp \"GP\"\n  service a: \"A\" { kind: comunity }\n}\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "concise", "p.pathway"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("warning[unknown-kind]"), "{stdout}");
}

#[test]
fn fmt_leaves_a_file_with_several_syntax_errors_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path());
    for args in [
        vec!["fmt", "a.pathway", "b.pathway", "c.pathway"],
        vec!["fmt", "--check", "a.pathway"],
        vec!["fmt", "--diff", "a.pathway"],
    ] {
        let out = msklint(&args, dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            stderr
                .lines()
                .filter(|l| *l == "syntax-error(MSK001)")
                .count()
                >= 3,
            "{stderr}"
        );
        assert!(
            stderr.contains("not formatted: fix the syntax error first"),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.pathway")).unwrap(),
            THREE_ERRORS
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.pathway")).unwrap(),
        broken_lines(3)
    );
    assert!(matches!(
        msklint::format::format(THREE_ERRORS),
        Err(msklint::format::FormatError::Syntax(d)) if d.len() == 3
    ));
}

#[test]
fn graph_score_and_report_still_refuse_a_partly_parsed_file() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path());
    for args in [
        vec!["graph", "a.pathway", "--format", "mermaid"],
        vec!["score", "a.pathway"],
        vec!["report", "a.pathway"],
    ] {
        let out = msklint(&args, dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.contains("syntax-error"), "{args:?}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("physio"),
            "{args:?}"
        );
    }
}

// ---- generated pathways, one item broken ------------------------------------------

const FIELDS: &[&str] = &[
    "owner: \"Example ICB\"",
    "ownr: \"Example ICB\"",
    "condition: osteoporosis",
    "inequalities: \"Waits are monitored by deprivation quintile.\"",
    "outcomes: [proms, prems]",
    "coproduction: \"Drafted with a lived-experience panel\"",
    "rtt_within_18_weeks: 186%",
    "referral_criteria: \"BMI under 40 and non-smoker\"",
    "dna_policy: \"discharge after one missed appointment\"",
];

const LABELS: &[&str] = &[
    "GP practice",
    "Physiotherapy",
    "Surgery for non-smokers only",
    "Pain clinic",
    "Community rehabilitation",
];

/// Each property key with the values it may take.
const PROPERTIES: &[(&str, &[&str])] = &[
    (
        "kind",
        &[
            "gp",
            "primary",
            "secondary",
            "community",
            "mental_health",
            "rehabilitation",
            "secondry",
        ],
    ),
    (
        "offers",
        &[
            "[surgery]",
            "[exercise, shared_decision_making]",
            "[opioids, physiotheraphy]",
            "[self_management, peer_support, surgery]",
        ],
    ),
    (
        "channels",
        &["[online]", "[online, phone]", "[online, app]"],
    ),
    (
        "requires",
        &[
            "bmi < 40",
            "smoking == false, age >= 18",
            "symptom_weeks >= 12",
            "bmii < 30",
        ],
    ),
    (
        "on_dna",
        &[
            "discharge after 2",
            "contact then rebook",
            "contact then discharge after 3",
        ],
    ),
    (
        "criteria",
        &[
            "\"Only for people with a BMI under 40\"",
            "\"Open to everyone\"",
        ],
    ),
];

const CLAUSES: &[&str] = &[
    "",
    " when \"clinical need\"",
    " when \"only once BMI is below 40\"",
    " requires symptom_weeks >= 6",
];

/// The items of one pathway, each one or more whole lines, in the usual
/// order: fields, nodes (blocks on one line or one property a line), routes.
fn items() -> impl Strategy<Value = Vec<String>> {
    let node = (
        0..3usize,
        0..LABELS.len(),
        prop::sample::subsequence((0..PROPERTIES.len()).collect::<Vec<_>>(), 0..=4),
        prop::collection::vec(any::<usize>(), PROPERTIES.len()),
        any::<bool>(),
    );
    let route = (
        prop::collection::vec(any::<usize>(), 1..3),
        prop::collection::vec(any::<usize>(), 1..3),
        0..CLAUSES.len(),
    );
    (
        prop::sample::subsequence(FIELDS.to_vec(), 0..=5),
        prop::collection::vec(node, 1..7),
        prop::collection::vec(route, 0..8),
    )
        .prop_map(|(fields, nodes, routes)| {
            let mut out: Vec<String> = fields.iter().map(|f| format!("  {f}")).collect();
            let n = nodes.len();
            for (i, (role, label, keys, picks, lines)) in nodes.into_iter().enumerate() {
                let role = ["entry", "service", "exit"][role];
                let mut s = format!("  {role} n{i}: \"{}\"", LABELS[label]);
                let props: Vec<String> = keys
                    .iter()
                    .map(|&k| {
                        let (key, values) = PROPERTIES[k];
                        format!("{key}: {}", values[picks[k] % values.len()])
                    })
                    .collect();
                if !props.is_empty() && lines {
                    s.push_str(" {\n");
                    for p in &props {
                        s.push_str(&format!("    {p}\n"));
                    }
                    s.push_str("  }");
                } else if !props.is_empty() {
                    s.push_str(&format!(" {{ {} }}", props.join("  ")));
                }
                out.push(s);
            }
            // One index past the nodes names a node declared nowhere.
            let id = |k: usize| {
                let k = k % (n + 1);
                if k == n {
                    "nowhere".to_string()
                } else {
                    format!("n{k}")
                }
            };
            for (from, to, clause) in routes {
                let ids = |v: &[usize]| v.iter().map(|&k| id(k)).collect::<Vec<_>>().join(", ");
                out.push(format!(
                    "  {} -> {}{}",
                    ids(&from),
                    ids(&to),
                    CLAUSES[clause]
                ));
            }
            out
        })
}

/// A file: one or two pathways. Each piece (a header line, an item, a
/// closing line) is a unit a mutation can touch.
#[derive(Debug, Clone)]
struct Doc {
    text: String,
    /// Byte range of each unit, with the pathway it belongs to and whether
    /// it is an item (not a header or closing line).
    units: Vec<(usize, usize, usize, bool)>,
}

fn doc() -> impl Strategy<Value = Doc> {
    prop::collection::vec(items(), 1..3).prop_map(|pathways| {
        let mut text = String::from("# generated\n");
        let mut units = Vec::new();
        for (p, items) in pathways.iter().enumerate() {
            let mut unit = |text: &mut String, piece: &str, item: bool| {
                let start = text.len();
                text.push_str(piece);
                units.push((start, text.len(), p, item));
                text.push('\n');
            };
            unit(&mut text, &format!("pathway \"Generated {p}\" {{"), false);
            for item in items {
                unit(&mut text, item, true);
            }
            unit(&mut text, "}", false);
            text.push('\n');
        }
        Doc { text, units }
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    /// A character the grammar accepts nowhere, before a token (or at the
    /// end) of the unit.
    Insert(usize, usize, &'static str),
    /// One punctuation mark or keyword of the unit taken out (not `{`,
    /// which makes the block's properties read as fields: see
    /// docs/language.md, section 13).
    Delete(usize, usize),
    /// The whole item taken out.
    Remove(usize),
    /// The whole item replaced by a line that is no item.
    Replace(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<usize>(), prop::sample::select(vec!["@", ";", "?", "^"]))
            .prop_map(|(u, t, j)| Mutation::Insert(u, t, j)),
        4 => (any::<usize>(), any::<usize>()).prop_map(|(u, t)| Mutation::Delete(u, t)),
        1 => any::<usize>().prop_map(Mutation::Remove),
        1 => any::<usize>().prop_map(Mutation::Replace),
    ]
}

/// The tokens of a unit, as byte ranges: strings whole, words, operators
/// and punctuation.
fn tokens(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        match b[i] {
            b' ' | b'\n' => {
                i += 1;
                continue;
            }
            b'"' => {
                i += 1;
                while b[i] != b'"' {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'>') => i += 2,
            b'<' | b'>' | b'=' | b'!' => i += if b.get(i + 1) == Some(&b'=') { 2 } else { 1 },
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'%')) {
                    i += 1;
                }
            }
            _ => i += 1,
        }
        out.push((start, i));
    }
    out
}

/// Tokens whose deletion breaks the unit without renaming anything: not
/// identifiers or values (deleting `n3` from a route is a different,
/// valid route), not `{`.
fn deletable(token: &str) -> bool {
    matches!(
        token,
        ":" | ","
            | "->"
            | "}"
            | "["
            | "]"
            | "<"
            | "<="
            | ">"
            | ">="
            | "=="
            | "!="
            | "when"
            | "requires"
            | "then"
            | "after"
    ) || token.starts_with('"')
}

/// An edit in the original text: `removed` bytes at `at` replaced by
/// `inserted` bytes.
struct Edit {
    at: usize,
    removed: usize,
    inserted: usize,
    /// The unit it touches.
    unit: (usize, usize, usize, bool),
}

impl Edit {
    /// Where an original position outside the edit is afterwards.
    fn forward(&self, p: usize) -> Option<usize> {
        if p <= self.at {
            Some(p)
        } else if p >= self.at + self.removed {
            Some(p - self.removed + self.inserted)
        } else {
            None
        }
    }

    /// Where a position in the edited text outside the edit was before.
    fn back(&self, p: usize) -> Option<usize> {
        if p <= self.at {
            Some(p)
        } else if p >= self.at + self.inserted {
            Some(p - self.inserted + self.removed)
        } else {
            None
        }
    }

    /// Whether the range lies in the touched unit (`after`: in the edited
    /// text).
    fn touches(&self, start: usize, end: usize, after: bool) -> bool {
        let (us, ue) = (self.unit.0, self.unit.1);
        let ue = if after {
            ue + self.inserted - self.removed
        } else {
            ue
        };
        // Findings at the very start of the unit (an empty span) count as
        // in it.
        start < ue && end > us || start == us
    }
}

/// Applies the mutation; `None` when it has nothing to work on.
fn apply(doc: &Doc, m: &Mutation) -> Option<(String, Edit, bool)> {
    let pick = |u: usize, items_only: bool| -> Option<(usize, usize, usize, bool)> {
        let units: Vec<_> = doc.units.iter().filter(|u| u.3 || !items_only).collect();
        (!units.is_empty()).then(|| *units[u % units.len()])
    };
    let mut text = doc.text.clone();
    let (edit, breaks) = match *m {
        Mutation::Insert(u, t, junk) => {
            let unit = pick(u, false)?;
            let toks = tokens(&doc.text[unit.0..unit.1]);
            let at = unit.0
                + toks
                    .get(t % (toks.len() + 1))
                    .map_or(unit.1 - unit.0, |t| t.0);
            text.insert_str(at, &format!("{junk} "));
            (
                Edit {
                    at,
                    removed: 0,
                    inserted: junk.len() + 1,
                    unit,
                },
                true,
            )
        }
        Mutation::Delete(u, t) => {
            let unit = pick(u, false)?;
            let body = &doc.text[unit.0..unit.1];
            let toks: Vec<_> = tokens(body)
                .into_iter()
                .filter(|&(a, b)| deletable(&body[a..b]))
                .collect();
            let (a, b) = *toks.get(t % toks.len().max(1))?;
            text.replace_range(unit.0 + a..unit.0 + b, "");
            (
                Edit {
                    at: unit.0 + a,
                    removed: b - a,
                    inserted: 0,
                    unit,
                },
                true,
            )
        }
        Mutation::Remove(u) | Mutation::Replace(u) => {
            let unit = pick(u, true)?;
            let junk = if matches!(m, Mutation::Replace(_)) {
                "  ?? no item here ??"
            } else {
                ""
            };
            text.replace_range(unit.0..unit.1, junk);
            (
                Edit {
                    at: unit.0,
                    removed: unit.1 - unit.0,
                    inserted: junk.len(),
                    unit,
                },
                false,
            )
        }
    };
    Some((text, edit, breaks))
}

/// Rules whose findings depend only on the item they point at.
fn item_local(rule: &str) -> bool {
    matches!(
        rule,
        "unknown-kind" | "unknown-offer" | "unknown-channel" | "unknown-property" | "invalid-value"
    ) || linter().rules.find(rule).is_some_and(|r| {
        matches!(
            r.rule.check,
            Check::Criterion(_) | Check::Channels(_) | Check::DnaPolicy(_)
        )
    })
}

/// Rules whose finding on a route is worded by whether other routes reach
/// the same node without the criterion (`route-message`): breaking another
/// route may change the wording, never the finding or where it is.
fn worded_by_other_routes(rule: &str) -> bool {
    linter()
        .rules
        .find(rule)
        .is_some_and(|r| r.rule.route_message.is_some())
}

/// The properties for one document and one mutation.
fn recovers(doc: &Doc, m: &Mutation) -> Result<(), TestCaseError> {
    let Some((text, edit, breaks)) = apply(doc, m) else {
        return Ok(());
    };
    let before = check(&doc.text);
    prop_assert_eq!(
        syntax_errors(&before),
        0,
        "generated text does not parse:\n{}",
        doc.text
    );
    let after = check(&text);
    let errors = syntax_errors(&after);
    let parsed = msklint::parser::parse(&text);
    let grammar = parsed
        .diagnostics
        .iter()
        .filter(|d| d.rule == "syntax-error" && !d.message.contains("at most one"))
        .count();
    prop_assert_eq!(grammar, parsed.recovered.len());

    // One broken unit, at most one error; a replaced item exactly one.
    prop_assert!(errors <= 1, "{} errors in\n{}\n{:?}", errors, text, after);
    match m {
        Mutation::Replace(_) => prop_assert_eq!(errors, 1),
        Mutation::Remove(_) => prop_assert_eq!(errors, 0),
        Mutation::Insert(..) => prop_assert_eq!(errors, 1, "in\n{}", text),
        Mutation::Delete(..) => {}
    }

    // Nothing the other items say is lost: findings of item-local rules
    // anywhere else, and every finding in another pathway, are still
    // there, where their text moved to.
    let touched_pathway = |f: &Found| {
        doc.units
            .iter()
            .any(|u| u.2 == edit.unit.2 && f.start >= u.0 && f.start <= u.1)
    };
    let header_touched = !edit.unit.3;
    for f in &before {
        // The broken item's own findings may go with it ("entry" deleted
        // from `entry n0: "Surgery for non-smokers only"` leaves no node
        // whose label is read).
        if edit.touches(f.start, f.end, false) || (edit.unit.0 <= f.start && f.start < edit.unit.1)
        {
            continue;
        }
        let other_pathway = !touched_pathway(f);
        if !(other_pathway || item_local(&f.rule)) {
            continue;
        }
        let (Some(start), Some(end)) = (edit.forward(f.start), edit.forward(f.end)) else {
            continue;
        };
        let kept = after.iter().any(|g| {
            g.rule == f.rule
                && g.start == start
                && g.end == end
                && (header_touched || g.message == f.message || worded_by_other_routes(&f.rule))
        });
        prop_assert!(
            kept,
            "{} at {} lost after {:?}:\n{}\nbefore: {:?}\nafter: {:?}",
            f.rule,
            f.start,
            m,
            text,
            before,
            after
        );
    }

    // Nothing is invented: outside the broken unit, every finding after a
    // syntax error was there before (at the same place; a message may
    // name another onward node).
    if breaks && errors > 0 {
        for g in after.iter().filter(|g| g.rule != "syntax-error") {
            if edit.touches(g.start, g.end, true) {
                continue;
            }
            let (Some(start), Some(end)) = (edit.back(g.start), edit.back(g.end)) else {
                continue;
            };
            let was = before
                .iter()
                .any(|f| f.rule == g.rule && f.start == start && f.end == end);
            prop_assert!(
                was,
                "{} ({}) at {} is new after {:?}:\n{}\nbefore: {:?}",
                g.rule,
                g.message,
                g.start,
                m,
                text,
                before
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn breaking_one_item_hides_and_invents_nothing_elsewhere(doc in doc(), m in mutation()) {
        recovers(&doc, &m)?;
    }
}

#[test]
fn generated_documents_parse_and_draw_findings_of_every_kind() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut rules = std::collections::BTreeSet::new();
    for _ in 0..200 {
        let doc = doc().new_tree(&mut runner).unwrap().current();
        let found = check(&doc.text);
        assert_eq!(syntax_errors(&found), 0, "{}", doc.text);
        rules.extend(found.into_iter().map(|f| f.rule));
    }
    for rule in [
        "bmi-threshold",
        "smoking-restriction",
        "dna-discharge",
        "digital-only-access",
        "unknown-kind",
        "unknown-offer",
        "unknown-property",
        "invalid-value",
        "undefined-node",
        "unreachable-node",
        "dead-end",
        "opioid-conservative-treatment",
        "symptom-duration-gate",
    ] {
        assert!(rules.contains(rule), "{rule} never drawn: {rules:?}");
    }
}

// ---- any damage ------------------------------------------------------------------

/// The fixture pathways, as text.
fn fixtures() -> &'static Vec<String> {
    static F: OnceLock<Vec<String>> = OnceLock::new();
    F.get_or_init(|| {
        let root = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"));
        let mut out = Vec::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "pathway") {
                    out.push(String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned());
                }
            }
        }
        out.sort();
        out
    })
}

/// Pieces that break text in the ways people do while typing.
const PIECES: &[&str] = &[
    "{", "}", "[", "]", "\"", "->", ",", ":", "\n", "# ", "pathway ", "service ", "@", "\\",
];

/// The text with `cuts` (position, length) deleted and `pieces` inserted,
/// at character boundaries.
fn damage(text: &str, cuts: &[(usize, usize)], pieces: &[(usize, usize)]) -> String {
    let mut text = text.to_string();
    let at = |text: &str, n: usize| {
        let mut i = n % (text.len() + 1);
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    for &(a, len) in cuts {
        let s = at(&text, a);
        let mut e = (s + len % 30).min(text.len());
        while !text.is_char_boundary(e) {
            e -= 1;
        }
        text.replace_range(s..e, "");
    }
    for &(a, p) in pieces {
        let s = at(&text, a);
        text.insert_str(s, PIECES[p % PIECES.len()]);
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(500),
        ..ProptestConfig::default()
    })]

    /// Whatever the damage: one error for each stretch passed over, the
    /// stretches in order and in the text, each pathway's skipped text
    /// inside it, and every finding fit to render.
    #[test]
    fn damaged_fixtures_keep_the_parse_invariants(
        which in any::<usize>(),
        cuts in prop::collection::vec((any::<usize>(), any::<usize>()), 0..3),
        pieces in prop::collection::vec((any::<usize>(), any::<usize>()), 0..4),
    ) {
        let files = fixtures();
        let text = damage(&files[which % files.len()], &cuts, &pieces);
        let parsed = msklint::parser::parse(&text);
        let grammar = parsed
            .diagnostics
            .iter()
            .filter(|d| d.rule == "syntax-error" && !d.message.contains("at most one"))
            .count();
        prop_assert_eq!(grammar, parsed.recovered.len(), "{:?}\n{}", parsed.recovered, text);
        let mut last = 0;
        for s in &parsed.recovered {
            prop_assert!(s.start() >= last && s.end() <= text.len(), "{:?}", parsed.recovered);
            last = s.end();
        }
        for p in &parsed.file.pathways {
            for s in &p.skipped {
                prop_assert!(p.span.start() <= s.span.start() && s.span.end() <= p.span.end(), "{:?} outside {:?} in\n{}", s.span, p.span, text);
                prop_assert_eq!(&text[s.span.start()..s.span.end()], s.value);
            }
        }
        // `check` holds every finding to its text (see `check` above).
        check(&text);
    }
}
