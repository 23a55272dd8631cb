//! Access criteria written the way commissioners write them: other names
//! and units for the measures the rules know (rules/vocabulary.yaml,
//! `measures`), near misses of those names, and conditions written as text
//! in the pathway's own strings (issue 11, item 2).

use msklint::check::{FileReport, Linter};
use msklint::config::Config;
use msklint::diagnostic::Diagnostic;
use msklint::input::Content;
use msklint::rules::load::RuleSet;
use msklint::rules::model::Check;
use msklint::vocabulary::Vocabulary;

fn check(text: &str) -> FileReport {
    Linter::builtin()
        .unwrap()
        .check_text("t.pathway", text.to_string())
}

/// (line, rule) of every finding of the named rules, in order.
fn found(report: &FileReport, rules: &[&str]) -> Vec<(usize, String)> {
    report
        .diagnostics
        .iter()
        .filter(|d| rules.contains(&d.rule.as_str()))
        .map(|d| {
            (
                report.source.line_col(d.span.start()).line,
                d.rule.to_string(),
            )
        })
        .collect()
}

fn at<'a>(report: &'a FileReport, rule: &str, text: &str) -> &'a Diagnostic {
    report
        .diagnostics
        .iter()
        .find(|d| d.rule == rule && report.source.slice(d.span) == text)
        .unwrap_or_else(|| panic!("no {rule} at `{text}`: {:#?}", report.diagnostics))
}

const ACCESS: &[&str] = &[
    "bmi-threshold",
    "smoking-restriction",
    "symptom-duration-gate",
    "oxford-score-threshold",
    "dna-discharge",
];

#[test]
fn criteria_under_other_names_from_the_issue_are_reported() {
    let text = r#"pathway "Hip" {
  entry gp: "GP practice" { kind: gp }
  service ortho: "Orthopaedics" {
    kind: secondary  offers: [surgery]
    requires: body_mass_index < 35, non_smoker == true
  }
  service physio: "Physiotherapy" { kind: community }
  gp -> physio requires symptom_months >= 3
  gp -> ortho requires smoking_status != current, pain_duration_weeks >= 6
  gp -> ortho requires ohs <= 20, bmi_kg_m2 <= 35, weight_kg < 120
}
"#;
    let report = check(text);
    let rule = |s: &str| s.to_string();
    assert_eq!(
        found(&report, ACCESS),
        [
            (5, rule("bmi-threshold")),
            (5, rule("smoking-restriction")),
            (8, rule("symptom-duration-gate")),
            (9, rule("smoking-restriction")),
            (9, rule("symptom-duration-gate")),
            (10, rule("oxford-score-threshold")),
            (10, rule("bmi-threshold")),
            (10, rule("bmi-threshold")),
        ]
    );
}

/// Names a newcomer tried on the access rules that once passed clean,
/// each on a line of its own, beside clinical criteria no access rule
/// should read.
#[test]
fn everyday_names_for_the_restricted_measures_are_read_and_clinical_ones_left_alone() {
    let cases = [
        ("nicotine_free_weeks >= 8", Some("smoking-restriction")),
        ("cigarettes_per_day == 0", Some("smoking-restriction")),
        ("months_of_symptoms >= 6", Some("symptom-duration-gate")),
        ("weeks_of_pain >= 12", Some("symptom-duration-gate")),
        ("physio_sessions >= 6", Some("conservative-treatment-gate")),
        ("lives_in_area == true", Some("address-required")),
        ("postcode_in_area == true", Some("address-required")),
        ("attended_joint_school == true", Some("education-gate")),
        ("hba1c < 69", None),
        ("age >= 18", None),
        ("pain_score >= 7", None),
        // Names a newcomer's pathways used that were once read as nothing.
        ("tobacco == false", Some("smoking-restriction")),
        ("tobacco_status == \"none\"", Some("smoking-restriction")),
        ("is_smoker == false", Some("smoking-restriction")),
        (
            "registered_practice == \"Riverside\"",
            Some("address-required"),
        ),
        ("out_of_area == false", Some("address-required")),
        ("catchment == true", Some("address-required")),
        ("symptom_years >= 1", Some("symptom-duration-gate")),
        ("weeks_since_onset >= 6", Some("symptom-duration-gate")),
        ("oxford < 20", Some("oxford-score-threshold")),
        ("ohs_score <= 20", Some("oxford-score-threshold")),
        (
            "oxford_hip_score_pre_op <= 20",
            Some("oxford-score-threshold"),
        ),
        ("obese == false", Some("bmi-threshold")),
        ("bmi_under_40 == true", Some("bmi-threshold")),
        ("BodyMassIndex < 35", Some("bmi-threshold")),
        ("BMI_score < 35", Some("bmi-threshold")),
        ("completed_escape_pain == true", Some("education-gate")),
        ("failed_physio == true", Some("conservative-treatment-gate")),
        (
            "hasCompletedPhysio == true",
            Some("conservative-treatment-gate"),
        ),
        // Names the fourth newcomer sweep wrote that passed clean.
        ("postal_code == \"NS1\"", Some("address-required")),
        ("gp_in_icb == true", Some("address-required")),
        ("resident == true", Some("address-required")),
        ("physio_months >= 3", Some("conservative-treatment-gate")),
        ("months_of_physio >= 3", Some("conservative-treatment-gate")),
        ("completed_escape == true", Some("education-gate")),
        ("nonsmoking == true", Some("smoking-restriction")),
        // Names a newcomer sweep found passing clean (December 2026).
        ("weeks_since_quit >= 8", Some("smoking-restriction")),
        ("co_reading < 10", Some("smoking-restriction")),
        ("vaping == false", Some("smoking-restriction")),
        ("ex_smoker == true", Some("smoking-restriction")),
        ("lives_in_icb == true", Some("address-required")),
        ("registered_with_gp == true", Some("address-required")),
        ("escape_pain_completed == true", Some("education-gate")),
        // Names the eleventh newcomer sweep wrote that passed clean.
        ("obesity == false", Some("bmi-threshold")),
        ("morbid_obesity == false", Some("bmi-threshold")),
        ("body_mass < 40", Some("bmi-threshold")),
        ("max_bmi < 40", Some("bmi-threshold")),
        ("has_fixed_abode == true", Some("address-required")),
        ("nfa == false", Some("address-required")),
        ("months_symptomatic >= 3", Some("symptom-duration-gate")),
        ("pack_years < 10", Some("smoking-restriction")),
        ("weight_loss_achieved == true", Some("bmi-threshold")),
        // Words that change what is compared keep a name unread.
        ("smoking_cessation_offered == true", None),
        ("weight_loss_support == true", None),
        ("is_red_flag == true", None),
        ("over_65 == true", None),
    ];
    let gates = [
        "smoking-restriction",
        "symptom-duration-gate",
        "conservative-treatment-gate",
        "address-required",
        "education-gate",
        "bmi-threshold",
        "oxford-score-threshold",
    ];
    for (criterion, want) in cases {
        let text = format!(
            "pathway \"Knee\" {{\n  entry gp: \"GP practice\" {{ kind: gp }}\n  service ortho: \"Orthopaedics\" {{ kind: secondary }}\n  gp -> ortho requires {criterion}\n}}\n"
        );
        let report = check(&text);
        let got: Vec<String> = found(&report, &gates).into_iter().map(|(_, r)| r).collect();
        let want: Vec<String> = want.into_iter().map(String::from).collect();
        assert_eq!(got, want, "{criterion}");
        assert!(
            !report
                .diagnostics
                .iter()
                .any(|d| d.rule == "unknown-property"),
            "{criterion}: {:#?}",
            report.diagnostics
        );
    }
}

#[test]
fn messages_quote_the_criterion_as_written_and_labels_read_it() {
    let text = r#"pathway "Hip" {
  entry gp: "GP practice" { kind: gp }
  service ortho: "Orthopaedics" { kind: secondary  requires: non_smoker == true, bmi < 40 }
  gp -> ortho requires symptom_months >= 3, weight_kg < 120
}
"#;
    let report = check(text);
    let smoking = at(&report, "smoking-restriction", "non_smoker == true");
    assert!(
        smoking.message.contains("`non_smoker == true`"),
        "{}",
        smoking.message
    );
    assert!(
        smoking.label.ends_with("(read as `smoking == false`)"),
        "{}",
        smoking.label
    );
    let weeks = at(&report, "symptom-duration-gate", "symptom_months >= 3");
    assert!(weeks.message.contains("`symptom_months >= 3`"));
    assert!(
        weeks.label.contains("`symptom_weeks >= 13`"),
        "{}",
        weeks.label
    );
    let weight = at(&report, "bmi-threshold", "weight_kg < 120");
    assert!(
        weight.message.contains("a weight criterion"),
        "{}",
        weight.message
    );
    // Written with the measure's own name: nothing to read back.
    let bmi = at(&report, "bmi-threshold", "bmi < 40");
    assert_eq!(bmi.label, "non-clinical BMI threshold");
    assert!(bmi.message.contains("a BMI criterion (`bmi < 40`)"));
}

#[test]
fn names_added_in_configuration_are_read_as_their_measure() {
    let extra: Vocabulary =
        serde_norway::from_str("measures:\n  - measure: bmi\n    names: [imc]\n").unwrap();
    let mut vocabulary = Vocabulary::builtin().unwrap();
    vocabulary.extend(extra);
    let rules = RuleSet::builtin(&vocabulary).unwrap();
    let linter = Linter::new(vocabulary, rules, Config::default());
    let text = "pathway \"Hip\" {\n  entry gp: \"GP\" { kind: gp }\n  service o: \"O\" { kind: secondary }\n  gp -> o requires imc < 35\n}\n";
    let report = linter.check_text("t.pathway", text.to_string());
    assert_eq!(
        found(&report, &["bmi-threshold"]),
        [(4, "bmi-threshold".to_string())]
    );
}

#[test]
fn an_unknown_attribute_close_to_a_known_one_gets_a_suggestion() {
    let text = r#"pathway "Hip" {
  entry gp: "GP practice" { kind: gp }
  service ortho: "Orthopaedics" { kind: secondary  requires: bmii < 40, age >= 18, pain_score >= 7 }
  gp -> ortho requires weight_loss_kg >= 5, frailty_index < 5
}
"#;
    let report = check(text);
    let unknown: Vec<(&str, String)> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unknown-property")
        .map(|d| {
            (
                report.source.slice(d.span),
                d.help.as_deref().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(unknown.len(), 2, "{unknown:#?}");
    assert_eq!(unknown[0].0, "bmii");
    assert!(
        unknown[0].1.starts_with("did you mean `bmi`?"),
        "{}",
        unknown[0].1
    );
    assert_eq!(unknown[1].0, "weight_loss_kg");
    assert!(unknown[1]
        .1
        .starts_with("did you mean `weight_kg` (another name for `weight`)?"));
}

#[test]
fn an_attribute_a_custom_rule_names_is_known_and_its_near_misses_suggested() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/custom-rules");
    let vocabulary = Vocabulary::builtin().unwrap();
    let mut rules = RuleSet::builtin(&vocabulary).unwrap();
    let mut errors = Vec::new();
    rules.load_dir(&dir, &vocabulary, &mut errors).unwrap();
    assert!(errors.is_empty());
    let linter = Linter::new(vocabulary, rules, Config::default());
    let text = "pathway \"Hip\" {\n  entry gp: \"GP\" { kind: gp }\n  service o: \"O\" { kind: secondary }\n  gp -> o requires agee < 80, age < 80\n}\n";
    let report = linter.check_text("t.pathway", text.to_string());
    let unknown: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unknown-property")
        .map(|d| report.source.slice(d.span))
        .collect();
    assert_eq!(unknown, ["agee"]);
}

#[test]
fn conditions_in_free_text_point_at_the_string_contents() {
    let text = r#"pathway "Hip" {
  entry gp: "GP practice" { kind: gp }
  service ortho: "Orthopaedics" {
    kind: secondary  offers: [surgery]
    criteria: "BMI under 40 and non-smoker"
    dna_policy: "discharge after one missed appointment"
  }
  service foot: "Foot surgery (non-smokers only)" { kind: secondary }
  gp -> ortho, foot
  gp -> foot when "only once BMI is below 40"
}
"#;
    let report = check(text);
    let rule = |s: &str| s.to_string();
    assert_eq!(
        found(&report, ACCESS),
        [
            (5, rule("bmi-threshold")),
            (5, rule("smoking-restriction")),
            (6, rule("dna-discharge")),
            (8, rule("smoking-restriction")),
            (10, rule("bmi-threshold")),
        ]
    );
    let criteria = at(&report, "bmi-threshold", "BMI under 40 and non-smoker");
    assert_eq!(criteria.subject.as_deref(), Some("ortho"));
    assert_eq!(criteria.pathway.as_deref(), Some("Hip"));
    assert_eq!(criteria.code.as_deref(), Some("MSK101"));
    let label = at(
        &report,
        "smoking-restriction",
        "Foot surgery (non-smokers only)",
    );
    assert_eq!(label.subject.as_deref(), Some("foot"));
    let when = at(&report, "bmi-threshold", "only once BMI is below 40");
    assert_eq!(when.subject.as_deref(), Some("gp -> foot"));
    // The messages name the pathway's string, not "this policy".
    assert!(
        criteria
            .message
            .starts_with("the text of `ortho` makes access depend on BMI or weight: “BMI under 40"),
        "{}",
        criteria.message
    );
    assert!(
        when.message
            .starts_with("the `when` of `gp -> foot` makes access depend on BMI"),
        "{}",
        when.message
    );
    assert!(report.problem().is_none(), "{:?}", report.problem());
}

#[test]
fn a_string_finding_is_silenced_like_any_other() {
    let text = r#"pathway "Hip" {
  entry gp: "GP practice" { kind: gp }
  service ortho: "Orthopaedics" {
    kind: secondary
    # msklint: allow(bmi-threshold, smoking-restriction) reason: "quoted from the old policy for comparison"
    criteria: "BMI under 40 and non-smoker"
  }
  gp -> ortho
}
"#;
    let report = check(text);
    assert!(
        found(&report, ACCESS).is_empty(),
        "{:#?}",
        report.diagnostics
    );
    assert!(!report
        .diagnostics
        .iter()
        .any(|d| d.rule == "unused-suppression"));
}

#[test]
fn document_level_prose_checks_do_not_fire_on_a_pathway_strings() {
    // The same words as a policy document draw the `missing-*` findings
    // (the document never mentions inequalities, mental health or shared
    // decisions); in a pathway those topics are the pathway rules' job.
    let words = "Referral criteria: BMI under 40.";
    let linter = Linter::builtin().unwrap();
    let document = linter.check_text("policy.md", format!("{words}\n"));
    let prose_only = |d: &&Diagnostic| {
        linter
            .rules
            .find(&d.rule)
            .and_then(|r| r.rule.prose.as_ref())
            .is_some_and(|p| p.is_document_level())
    };
    assert!(document.diagnostics.iter().filter(prose_only).count() >= 3);
    let pathway = check(&format!(
        "pathway \"Hip\" {{\n  notes: \"{words}\"\n  entry gp: \"GP\" {{ kind: gp }}\n}}\n"
    ));
    for d in pathway.diagnostics.iter().filter(prose_only) {
        // Only the pathway checks of those rules, at the header.
        assert_eq!(pathway.source.slice(d.span), "pathway \"Hip\"", "{d:#?}");
    }
    assert_eq!(
        found(&pathway, &["bmi-threshold"]),
        [(2, "bmi-threshold".to_string())]
    );
}

#[test]
fn score_caps_joint_replacement_for_a_criterion_under_another_name() {
    let text = r#"pathway "Hip" {
  condition: osteoarthritis
  entry gp: "GP practice" { kind: gp }
  service ortho: "Orthopaedics" {
    kind: secondary  offers: [surgery, shared_decision_making]
    # msklint: allow(smoking-restriction) reason: "testing that the score still sees it"
    requires: non_smoker == true
  }
  gp -> ortho
}
"#;
    let linter = Linter::builtin().unwrap();
    let (_, cards) = linter.check_viewed("t.pathway", None, Content::Text(text.into()), |r, g| {
        msklint::score::score_file(r, g, &linter)
    });
    let joint = cards[0].requirement("joint-replacement").unwrap();
    assert_eq!(joint.level, Some(1), "{:#?}", joint.evidence);
    assert!(joint
        .evidence
        .iter()
        .any(|e| e.contains("`non_smoker == true`")));
}

/// docs/language.md, section 7.1, as the vocabulary and rules say it.
fn attribute_table(linter: &Linter) -> String {
    let mut out = String::from("| Measure | Read by | Unit | Other names |\n|---|---|---|---|\n");
    for m in &linter.vocabulary.measures {
        let rules: Vec<String> = linter
            .rules
            .rules
            .iter()
            .filter(|r| match &r.rule.check {
                Check::Criterion(c) => c
                    .attributes
                    .iter()
                    .any(|a| linter.measures.same(a, &m.measure)),
                _ => false,
            })
            .map(|r| format!("`{}`", r.rule.name))
            .collect();
        let names: Vec<String> = m
            .names
            .iter()
            .map(|n| {
                let mut notes = Vec::new();
                if let Some(unit) = n.unit() {
                    notes.push(if unit == "unstated" {
                        "unit not stated".to_string()
                    } else {
                        unit.to_string()
                    });
                }
                if n.negated() {
                    notes.push("opposite sense".to_string());
                }
                if notes.is_empty() {
                    format!("`{}`", n.name())
                } else {
                    format!("`{}` ({})", n.name(), notes.join(", "))
                }
            })
            .collect();
        out.push_str(&format!(
            "| `{}` ({}) | {} | {} | {} |\n",
            m.measure,
            m.called(),
            rules.join(", "),
            m.unit.as_deref().unwrap_or("none"),
            names.join(", ")
        ));
    }
    out
}

#[test]
fn the_language_reference_lists_every_criterion_attribute() {
    let linter = Linter::builtin().unwrap();
    let want = attribute_table(&linter);
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/language.md"),
    )
    .unwrap();
    let start = "<!-- criterion attributes: start -->\n";
    let end = "<!-- criterion attributes: end -->";
    let got = doc
        .split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(table, _)| table.trim_start_matches('\n'));
    assert_eq!(
        got.map(str::trim_end),
        Some(want.trim_end()),
        "docs/language.md section 7.1 is out of step with rules/vocabulary.yaml; the table should read:\n\n{want}"
    );
}

#[test]
fn strings_far_into_a_large_pathway_are_placed_exactly() {
    // Thousands of labels are read in several batches; a finding in a
    // later one must still land on its own string.
    let mut text = String::from("pathway \"Large\" {\n  entry gp: \"GP practice\" { kind: gp }\n");
    for i in 0..6000 {
        text.push_str(&format!(
            "  service s{i}: \"Service {i}\" {{ kind: community }}\n"
        ));
    }
    text.push_str("  service last: \"Knee surgery (non-smokers only)\" { kind: secondary }\n");
    text.push_str("  gp -> last when \"only once BMI is below 40\"\n}\n");
    let report = check(&text);
    let label = at(
        &report,
        "smoking-restriction",
        "Knee surgery (non-smokers only)",
    );
    assert_eq!(label.subject.as_deref(), Some("last"));
    let when = at(&report, "bmi-threshold", "only once BMI is below 40");
    assert_eq!(when.subject.as_deref(), Some("gp -> last"));
}

/// A node declared twice: routes use the first declaration, but the
/// second's criteria and missed-appointment policy were never checked,
/// though the language reference says both declarations are.
#[test]
fn a_second_declaration_of_a_node_is_still_checked() {
    let report = check(
        "pathway \"Knee\" {\n  entry gp: \"GP\" { kind: gp }\n  service ortho: \"Knee surgery\" { kind: secondary }\n  service ortho: \"Knee surgery (Trust B)\" { kind: secondary  requires: bmi < 35  on_dna: discharge }\n  gp -> ortho\n}\n",
    );
    let got = found(
        &report,
        &["duplicate-node", "bmi-threshold", "dna-discharge"],
    );
    assert_eq!(
        got,
        [
            (4, "duplicate-node".to_string()),
            (4, "bmi-threshold".to_string()),
            (4, "dna-discharge".to_string()),
        ]
    );
}

/// A `when` text that compares or bounds a measure is the route's
/// criterion: bare ones ("BMI<35", "not a current smoker") passed clean.
/// One that gives a reason, not a condition, is still no gate.
#[test]
fn a_when_text_that_compares_is_a_criterion() {
    let cases = [
        ("BMI<35", Some("bmi-threshold")),
        ("body mass index less than 35", Some("bmi-threshold")),
        ("Oxford Hip Score below 20", Some("oxford-score-threshold")),
        ("not a current smoker", Some("smoking-restriction")),
        (
            "registered with a practice in the ICB",
            Some("address-required"),
        ),
        ("the person smokes and would like help to stop", None),
        (
            "record smoking status and BMI for prehabilitation planning",
            None,
        ),
        ("any postcode; people without a fixed address welcome", None),
    ];
    let gates = [
        "bmi-threshold",
        "oxford-score-threshold",
        "smoking-restriction",
        "address-required",
    ];
    for (when, want) in cases {
        let text = format!(
            "pathway \"Knee\" {{\n  entry gp: \"GP\" {{ kind: gp }}\n  service ortho: \"Orthopaedics\" {{ kind: secondary }}\n  gp -> ortho when \"{when}\"\n}}\n"
        );
        let got: Vec<String> = found(&check(&text), &gates)
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        let want: Vec<String> = want.into_iter().map(String::from).collect();
        assert_eq!(got, want, "{when}");
    }
}

/// A `when` text that compares or bounds something on a route out to an
/// exit sends the person away as surely as a criterion in front of a
/// service: `physio -> home when "BMI over 40"` passed clean. A route out
/// when someone has got better, or with no condition, is no gate.
#[test]
fn a_condition_on_the_way_out_is_a_criterion() {
    let cases = [
        ("BMI over 40", Some("bmi-threshold")),
        ("Oxford Knee Score above 30", Some("oxford-score-threshold")),
        ("still smoking", Some("smoking-restriction")),
        ("did not attend 2 appointments", Some("dna-discharge")),
        ("pain settled for more than 6 weeks", None),
        ("goals met at the 12 week review", None),
        ("the person would like to stop coming", None),
    ];
    let rules = [
        "bmi-threshold",
        "oxford-score-threshold",
        "smoking-restriction",
        "symptom-duration-gate",
        "dna-discharge",
    ];
    for (when, want) in cases {
        let text = format!(
            "pathway \"Knee\" {{\n  entry gp: \"GP\" {{ kind: gp }}\n  service physio: \"Physio\" {{ kind: community }}\n  exit home: \"Discharged\"\n  gp -> physio\n  physio -> home when \"{when}\"\n}}\n"
        );
        let got: Vec<String> = found(&check(&text), &rules)
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        let want: Vec<String> = want.into_iter().map(String::from).collect();
        assert_eq!(got, want, "{when}");
    }
    // "current" and "still" state a condition only on the way out: a
    // route to a stop-smoking service says who is offered help.
    let text = "pathway \"Knee\" {\n  entry gp: \"GP\" { kind: gp }\n  service quit: \"Stop smoking\" { kind: community }\n  gp -> quit when \"current smoker\"\n}\n";
    assert!(found(&check(text), &rules).is_empty());
}

#[test]
fn a_restriction_found_in_properties_is_not_found_again_in_the_label() {
    // The label says what `channels` says: one finding, the structured one
    // with its fix, not a second from the label's words.
    let text = r#"pathway "P" {
  entry self: "Self-referral, app only" { kind: self_referral  channels: [app] }
  service physio: "Physio" { kind: community  offers: [physiotherapy] }
  exit home: "Home"
  self -> physio
  physio -> home
}"#;
    let report = check(text);
    let found: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "digital-only-access")
        .map(|d| report.source.slice(d.span))
        .collect();
    assert_eq!(found, ["[app]"], "{:#?}", report.diagnostics);
    // With other channels the label alone says it, and is reported.
    let open = check(&text.replace("channels: [app]", "channels: [app, phone]"));
    let found: Vec<&str> = open
        .diagnostics
        .iter()
        .filter(|d| d.rule == "digital-only-access")
        .map(|d| open.source.slice(d.span))
        .collect();
    assert_eq!(
        found,
        ["Self-referral, app only"],
        "{:#?}",
        open.diagnostics
    );
}

#[test]
fn a_criterion_on_one_route_in_says_so_when_others_are_open() {
    // `ortho` is open from the GP with no criterion: the finding on the
    // route from physiotherapy must not claim `ortho` "can only be reached"
    // by people who meet it.
    let text = r#"pathway "P" {
  entry gp: "GP" { kind: gp }
  service physio: "Physio" { kind: community  offers: [physiotherapy] }
  service ortho: "Orthopaedic clinic" { kind: secondary }
  exit home: "Home"
  gp -> ortho, physio
  physio -> ortho requires bmi < 40
  ortho -> home
}"#;
    let report = check(text);
    let d = at(&report, "bmi-threshold", "bmi < 40");
    assert!(
        d.message
            .starts_with("people reach `ortho` from `physio` only if"),
        "{}",
        d.message
    );
    // The only way in: the node's own wording stands.
    let only = check(&text.replace("gp -> ortho, physio", "gp -> physio"));
    let d = at(&only, "bmi-threshold", "bmi < 40");
    assert!(
        d.message.starts_with("`ortho` can only be reached"),
        "{}",
        d.message
    );
}

/// A finding on a condition written as a node's own property gets the
/// rule's `property-help`: the rule's `help` says to remove the criterion
/// "from `requires`", which such a node does not have. A criterion under
/// `requires`, on the node or on a route, keeps `help`.
#[test]
fn a_condition_written_as_a_property_is_helped_as_one() {
    let linter = Linter::builtin().unwrap();
    let cases = [
        ("bmi-threshold", "max_bmi: 40", "max_bmi", "bmi < 40"),
        (
            "smoking-restriction",
            "exclusions: [smokers]",
            "smokers",
            "smoking == false",
        ),
        (
            "oxford-score-threshold",
            "oxford_score: 20",
            "oxford_score",
            "oxford_score <= 20",
        ),
        (
            "symptom-duration-gate",
            "symptom_weeks: 12",
            "symptom_weeks",
            "symptom_weeks >= 12",
        ),
    ];
    for (rule, property, marked, criterion) in cases {
        let loaded = &linter.rules.find(rule).unwrap().rule;
        let own = msklint::rules::engine::paragraph(&loaded.help);
        let for_property =
            msklint::rules::engine::paragraph(loaded.property_help.as_deref().unwrap());
        assert!(own.contains("`requires`"), "{rule}: {own}");
        assert!(for_property.starts_with("Take out the property"), "{rule}");
        let text = format!(
            "pathway \"Knee\" {{\n  entry gp: \"GP practice\" {{ kind: gp }}\n  service a: \"Orthopaedics\" {{ kind: secondary  {property} }}\n  service b: \"Spinal clinic\" {{ kind: secondary  requires: {criterion} }}\n  service c: \"Hip clinic\" {{ kind: secondary }}\n  gp -> a, b\n  gp -> c requires {criterion}\n}}\n"
        );
        let report = check(&text);
        let help = |text: &str| at(&report, rule, text).help.as_deref().unwrap().to_string();
        assert_eq!(help(marked), for_property, "{rule}: {property}");
        let on_requires: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == rule && report.source.slice(d.span) == criterion)
            .map(|d| d.help.as_deref().unwrap().to_string())
            .collect();
        assert_eq!(on_requires, [own.clone(), own], "{rule}: node and route");
    }
}

/// A criterion written as a node's own property (`max_bmi: 40`,
/// `smoking: false`) is reported by the rule that reads the measure, at
/// the property, as a `requires` criterion would be; one no rule reads
/// (a ceiling on a measure only lower bounds count for) is pointed out as
/// `unknown-property`; a service's own address or a BMI it only records
/// draws neither.
#[test]
fn a_measure_written_as_a_node_property_is_pointed_out() {
    let cases = [
        ("max_bmi: 40", Some(("bmi-threshold", "max_bmi: 40"))),
        (
            "smoking: false",
            Some(("smoking-restriction", "smoking: false")),
        ),
        ("bmi: \"< 40\"", Some(("bmi-threshold", "bmi: \"< 40\""))),
        // A minimum is a lower bound, which the rules that count only
        // those read; a ceiling on the same measure they leave alone.
        (
            "min_symptom_weeks: 12",
            Some(("symptom-duration-gate", "min_symptom_weeks: 12")),
        ),
        (
            "min_physio_weeks: 6",
            Some(("conservative-treatment-gate", "min_physio_weeks: 6")),
        ),
        (
            "max_symptom_weeks: 52",
            Some(("unknown-property", "names symptom duration,")),
        ),
        ("address: \"1 Mill Lane, Northtown\"", None),
        ("postcode: \"NT1 2AB\"", None),
        ("bmi_recorded: true", None),
        // A service recording a measure or helping with it, an outcome
        // score it collects, its own count of sessions, equipment.
        ("smoking: \"quit support\"", None),
        ("carbon_monoxide: true", None),
        ("bmi: \"recorded\"", None),
        ("bmi: \"no limit\"", None),
        ("oks: true", None),
        ("physio_sessions: 6", None),
        ("weight_limit: \"250 kg\"", None),
        ("smoking_cessation: offered", None),
        ("follow_up_weeks: 6", None),
        (
            "non_smoker: true",
            Some(("smoking-restriction", "non_smoker: true")),
        ),
        ("obese: false", Some(("bmi-threshold", "obese: false"))),
        (
            "notes: \"BMI is measured at the first appointment for planning\"",
            None,
        ),
        // A bare number under the measure's own name is a bound; a
        // programme's own length is not.
        ("bmi: 35", Some(("bmi-threshold", "bmi: 35"))),
        (
            "symptom_weeks: 12",
            Some(("symptom-duration-gate", "symptom_weeks: 12")),
        ),
        (
            "oxford_score: 20",
            Some(("oxford-score-threshold", "oxford_score: 20")),
        ),
        ("conservative_weeks: 6", None),
        (
            "max_physio_weeks: 12",
            Some(("unknown-property", "names time in conservative treatment,")),
        ),
        // A group named only, in the key or in the value.
        (
            "non_smokers_only: true",
            Some(("smoking-restriction", "non_smokers_only: true")),
        ),
        (
            "smoking_status: non_smoker",
            Some(("smoking-restriction", "smoking_status: non_smoker")),
        ),
        ("smoking_status: recorded", None),
        ("bmi: under_35", Some(("bmi-threshold", "bmi: under_35"))),
        // Words under a free key that name a bound or a group shut out.
        (
            "exclusions: [smokers]",
            Some(("smoking-restriction", "exclusions: [smokers]")),
        ),
        (
            "entry_criteria: [bmi_under_35, red_flags]",
            Some(("bmi-threshold", "entry_criteria: [bmi_under_35, red_flags]")),
        ),
        ("exclusions: [red_flags]", None),
        ("support: [smokers]", None),
        ("notes: [smoking_cessation, weight_management]", None),
        ("offers: [smoking_cessation]", None),
    ];
    let rules = [
        "unknown-property",
        "bmi-threshold",
        "smoking-restriction",
        "symptom-duration-gate",
        "oxford-score-threshold",
        "conservative-treatment-gate",
    ];
    for (property, want) in cases {
        let text = format!(
            "pathway \"Knee\" {{\n  entry gp: \"GP practice\" {{ kind: gp }}\n  service ortho: \"Orthopaedics\" {{ kind: secondary  {property} }}\n  gp -> ortho\n}}\n"
        );
        let report = check(&text);
        let found: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| rules.contains(&d.rule.as_str()))
            .collect();
        match want {
            Some((rule, quoted)) => {
                assert_eq!(found.len(), 1, "{property}: {found:#?}");
                assert_eq!(found[0].rule, rule, "{property}");
                assert!(
                    found[0].message.contains(quoted),
                    "{property}: {}",
                    found[0].message
                );
                // On the property's own line, where it is written.
                let at = report.source.slice(found[0].span);
                assert!(property.contains(at) && !at.is_empty(), "{property}: {at}");
            }
            None => assert!(found.is_empty(), "{property}: {found:#?}"),
        }
    }
}

/// A condition written as a property is read only by an enabled rule: with
/// `smoking-restriction` off, `non_smokers_only: true` is pointed out as
/// read by nothing. A weight service's own intake (`bmi: 35`, `min_bmi:
/// 30`) is no gate `bmi-threshold` reads, so it stays pointed out either
/// way; the same property on a surgical service is a threshold.
#[test]
fn a_condition_in_a_property_falls_back_when_its_rule_is_off() {
    let text = r#"pathway "Knee" {
  entry gp: "GP practice" { kind: gp }
  service ortho: "Orthopaedics" { kind: secondary  non_smokers_only: true }
  service weight: "Weight management" { kind: prevention  offers: [weight_management]  bmi: 35 }
  service tier3: "Tier 3 weight service" { kind: prevention  offers: [weight_management, exercise]  min_bmi: 30 }
  service knee: "Knee surgery" { kind: secondary  offers: [surgery]  min_bmi: 30 }
  gp -> ortho, weight, tier3, knee
}
"#;
    let vocabulary = Vocabulary::builtin().unwrap();
    let rules = RuleSet::builtin(&vocabulary).unwrap();
    let config = Config::from_text(
        std::path::Path::new("msklint.yaml"),
        "rules:\n  smoking-restriction: off\n".to_string(),
    )
    .unwrap();
    let off = Linter::new(vocabulary, rules, config).check_text("t.pathway", text.to_string());
    let rules = ["unknown-property", "smoking-restriction", "bmi-threshold"];
    let line = |n: usize, rule: &str| (n, rule.to_string());
    assert_eq!(
        found(&off, &rules),
        [
            line(3, "unknown-property"),
            line(4, "unknown-property"),
            line(5, "unknown-property"),
            line(6, "bmi-threshold"),
        ]
    );
    let on = check(text);
    assert_eq!(
        found(&on, &rules),
        [
            line(3, "smoking-restriction"),
            line(4, "unknown-property"),
            line(5, "unknown-property"),
            line(6, "bmi-threshold"),
        ]
    );
}

/// A missed-appointment policy written under another key than `on_dna`
/// (`dna_policy: discharge`, `on_DNA: discharge`, `discharge_after_dna:
/// true`) is reported by dna-discharge at the key, as an error when no
/// contact comes first and a warning when one does. With the rule off,
/// a key msklint knows another name for is pointed out as read by none,
/// as before; one it knows no name for is left alone.
#[test]
fn a_dna_policy_under_another_key_is_reported_by_dna_discharge() {
    let text = r#"pathway "DNA" {
  entry gp: "GP practice" { kind: gp }
  service a: "Physio" { kind: community  dna_policy: discharge }
  service b: "Pain" { kind: pain  on_DNA: discharge }
  service c: "Ortho" { kind: secondary  discharge_after_dna: true }
  service d: "Spinal" { kind: secondary  dna_actions: [contact, discharge] }
  service e: "Hip" { kind: secondary  dna_policy: contact  discharge_after_dna: false }
  exit h: "Home"
  gp -> a, b, c, d, e
  a, b, c, d, e -> h
}
"#;
    let rules = ["unknown-property", "dna-discharge"];
    let on = check(text);
    let line = |n: usize, rule: &str| (n, rule.to_string());
    assert_eq!(
        found(&on, &rules),
        [
            line(3, "dna-discharge"),
            line(4, "dna-discharge"),
            line(5, "dna-discharge"),
            line(6, "dna-discharge"),
            line(7, "unknown-property"),
        ]
    );
    let severities: Vec<String> = on
        .diagnostics
        .iter()
        .filter(|d| d.rule == "dna-discharge")
        .map(|d| format!("{:?}", d.severity))
        .collect();
    assert_eq!(severities, ["Error", "Error", "Error", "Warning"]);
    let d = at(&on, "dna-discharge", "discharge_after_dna");
    assert!(
        d.message
            .contains("missed appointments with `discharge_after_dna: true`"),
        "{}",
        d.message
    );
    let vocabulary = Vocabulary::builtin().unwrap();
    let rules_set = RuleSet::builtin(&vocabulary).unwrap();
    let config = Config::from_text(
        std::path::Path::new("msklint.yaml"),
        "rules:\n  dna-discharge: off\n".to_string(),
    )
    .unwrap();
    let off = Linter::new(vocabulary, rules_set, config).check_text("t.pathway", text.to_string());
    assert_eq!(
        found(&off, &rules),
        [
            line(3, "unknown-property"),
            line(4, "unknown-property"),
            line(6, "unknown-property"),
            line(7, "unknown-property"),
        ]
    );
}

/// The words that tell a criterion written as a node property from a
/// record of one (`bound_words`, `lower_bound_words`, `exclusion_words`,
/// `comparison_words`)
/// are vocabulary, so msklint.yaml can add to them: before the words are
/// added these properties pass, after it each is reported, and what was
/// found before is still found.
#[test]
fn words_that_mark_a_property_as_a_criterion_can_be_added_in_configuration() {
    let text = |property: &str| {
        format!(
            "pathway \"Knee\" {{\n  entry gp: \"GP practice\" {{ kind: gp }}\n  service ortho: \"Orthopaedics\" {{ kind: secondary  {property} }}\n  gp -> ortho\n}}\n"
        )
    };
    // The rule that reports each: the measure's own, or `unknown-property`
    // where none reads it.
    let named = |linter: &Linter, property: &str| -> Vec<String> {
        let rules = [
            "unknown-property",
            "bmi-threshold",
            "smoking-restriction",
            "conservative-treatment-gate",
        ];
        linter
            .check_text("t.pathway", text(property))
            .diagnostics
            .iter()
            .filter(|d| rules.contains(&d.rule.as_str()))
            .map(|d| d.rule.to_string())
            .collect()
    };
    // `ceiling` is made a word a measure's name may carry in both, so
    // `conservative_weeks_ceiling` is that measure; only the second knows
    // it as a bound.
    let linter = |words: &str| {
        let added: Vocabulary =
            serde_norway::from_str(&format!("measure_qualifiers: [ceiling, floor]\n{words}"))
                .unwrap();
        let mut vocabulary = Vocabulary::builtin().unwrap();
        vocabulary.extend(added);
        let rules = RuleSet::builtin(&vocabulary).unwrap();
        Linter::new(vocabulary, rules, Config::default())
    };
    let before = linter("");
    let extended = linter(
        "bound_words: [Ceiling]\nlower_bound_words: [Floor]\nexclusion_words: [disallowed, not_funded]\ncomparison_words: [\"up to \", '']\n",
    );
    for (property, rule) in [
        // A ceiling, which the lower-bound rule does not read, and a
        // floor, which it does.
        ("conservative_weeks_ceiling: 12", "unknown-property"),
        ("conservative_weeks_floor: 6", "conservative-treatment-gate"),
        ("disallowed: [smokers]", "smoking-restriction"),
        ("patients_not_funded: [smokers]", "smoking-restriction"),
        ("bmi: \"up to 40\"", "bmi-threshold"),
    ] {
        assert!(named(&before, property).is_empty(), "{property}");
        assert_eq!(named(&extended, property), [rule], "{property}");
    }
    // The built-in words still count, and an empty word added matches
    // nothing (it would otherwise be found in every string).
    assert_eq!(named(&extended, "max_bmi: 40"), ["bmi-threshold"]);
    assert_eq!(
        named(&extended, "exclusions: [smokers]"),
        ["smoking-restriction"]
    );
    assert!(named(&extended, "bmi: \"40 recorded\"").is_empty());
}
