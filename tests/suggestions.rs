//! The structured fixes findings carry (`Diagnostic::suggestion`), which
//! the editor server offers as quick fixes: each one, applied to the text,
//! makes its finding go away without raising another.

use msklint::diagnostic::Diagnostic;
use msklint::session::{Input, Options, Session};

fn session() -> Session {
    Session::load(&Options::default()).unwrap()
}

fn check(session: &Session, name: &str, text: &str) -> Vec<Diagnostic> {
    session
        .check(Input::text(name, text.to_string()))
        .diagnostics
}

/// The one finding of `rule` in `text`, its fix applied, and the findings
/// of the fixed text.
fn fix_one(name: &str, text: &str, rule: &str, replacement: &str) -> String {
    let session = session();
    let before = check(&session, name, text);
    let found: Vec<&Diagnostic> = before.iter().filter(|d| d.rule == rule).collect();
    assert_eq!(
        found.len(),
        1,
        "{rule} in {:#?}",
        before
            .iter()
            .map(|d| (&d.rule, &d.message))
            .collect::<Vec<_>>()
    );
    let fix = found[0]
        .suggestion
        .as_ref()
        .unwrap_or_else(|| panic!("{rule} has no suggestion: {:#?}", found[0]));
    assert_eq!(fix.replacement, replacement);
    let mut fixed = text.to_string();
    fixed.replace_range(fix.span.start()..fix.span.end(), &fix.replacement);
    let after = check(&session, name, &fixed);
    assert!(
        after
            .iter()
            .all(|d| d.rule != rule || d.span.start() != fix.span.start()),
        "{rule} still fires after the fix:\n{fixed}\n{after:#?}"
    );
    // The fix brings no new problem with the words of the file (the
    // pathway rules may well judge the corrected pathway differently).
    let language =
        |d: &&Diagnostic| d.code.as_deref().is_some_and(|c| c < "MSK100") && d.rule != rule;
    let new: Vec<&Diagnostic> = after
        .iter()
        .filter(language)
        .filter(|d| {
            !before
                .iter()
                .any(|b| b.rule == d.rule && b.message == d.message)
        })
        .collect();
    assert!(new.is_empty(), "the fix raised {new:#?}\n{fixed}");
    fixed
}

fn pathway(body: &str) -> String {
    format!(
        "pathway \"P\" {{\n  inequalities: \"x\"\n  entry gp: \"GP\" {{ kind: gp }}\n{body}\n  exit home: \"Home\"\n}}\n"
    )
}

#[test]
fn a_lone_equals_becomes_a_comparison() {
    let text = pathway(
        "  service s: \"S\" { kind: primary requires: smoking = true }\n  gp -> s\n  s -> home",
    );
    let fixed = fix_one("t.pathway", &text, "invalid-value", "==");
    assert!(fixed.contains("smoking == true"));
}

#[test]
fn comparisons_written_another_way_are_turned_into_the_language_s() {
    for (written, fix, fixed) in [
        ("bmi => 40", ">=", "bmi >= 40"),
        ("bmi =< 40", "<=", "bmi <= 40"),
        ("bmi \u{2264} 40", "<=", "bmi <= 40"),
        ("40 > bmi", "bmi < 40", "bmi < 40"),
        (
            "bmi < 40, 6 <= symptom_weeks",
            "symptom_weeks >= 6",
            "bmi < 40, symptom_weeks >= 6",
        ),
    ] {
        let text = pathway(&format!(
            "  service s: \"S\" {{ kind: primary requires: {written} }}\n  gp -> s\n  s -> home"
        ));
        let out = fix_one("t.pathway", &text, "syntax-error", fix);
        assert!(
            out.contains(&format!("requires: {fixed} }}")),
            "{written}: {out}"
        );
    }
}

#[test]
fn a_route_drawn_with_another_arrow_gets_the_language_s() {
    for arrow in ["=>", "-->", ">", "- >"] {
        let text = pathway(&format!(
            "  service s: \"S\" {{ kind: primary }}\n  gp {arrow} s\n  s -> home"
        ));
        let out = fix_one("t.pathway", &text, "syntax-error", "->");
        assert!(out.contains("  gp -> s\n"), "{arrow}: {out}");
    }
    // IDs that end in digits are IDs, not a criterion written backwards.
    let text = pathway(
        "  service s1: \"S\" { kind: primary }\n  service s2: \"T\" { kind: primary }\n  gp -> s1\n  s1 > s2\n  s2 -> home",
    );
    let out = fix_one("t.pathway", &text, "syntax-error", "->");
    assert!(out.contains("  s1 -> s2\n"), "{out}");
}

#[test]
fn a_criterion_without_requires_gets_no_arrow_fix() {
    let text = pathway(
        "  service s: \"S\" {\n    kind: primary\n    age > 18\n  }\n  gp -> s\n  s -> home",
    );
    let found = check(&session(), "t.pathway", &text);
    let syntax: Vec<&Diagnostic> = found.iter().filter(|d| d.rule == "syntax-error").collect();
    assert_eq!(syntax.len(), 1, "{syntax:#?}");
    assert!(!syntax[0].message.contains("arrow"), "{:?}", syntax[0]);
    assert!(
        syntax[0]
            .suggestion
            .as_ref()
            .is_none_or(|f| f.replacement != "->"),
        "{:?}",
        syntax[0]
    );
}

#[test]
fn a_misspelt_kind_offer_and_channel_become_the_near_word() {
    let text = pathway("  service s: \"S\" { kind: secondry }\n  gp -> s\n  s -> home");
    fix_one("t.pathway", &text, "unknown-kind", "secondary");
    let text =
        pathway("  service s: \"S\" { kind: primary offers: [asessment] }\n  gp -> s\n  s -> home");
    fix_one("t.pathway", &text, "unknown-offer", "assessment");
    // A quoted word stays quoted.
    let text = pathway(
        "  service s: \"S\" { kind: primary offers: [\"asessment\"] }\n  gp -> s\n  s -> home",
    );
    fix_one("t.pathway", &text, "unknown-offer", "\"assessment\"");
    let text =
        pathway("  service s: \"S\" { kind: primary channels: [onlin] }\n  gp -> s\n  s -> home");
    fix_one("t.pathway", &text, "unknown-channel", "online");
    // Another name for a channel becomes the channel, however far apart
    // the spellings are.
    let text =
        pathway("  service s: \"S\" { kind: primary channels: [web] }\n  gp -> s\n  s -> home");
    fix_one("t.pathway", &text, "unknown-channel", "online");
    let text = pathway(
        "  service s: \"S\" { kind: primary channels: [online, telephone] }\n  gp -> s\n  s -> home",
    );
    fix_one("t.pathway", &text, "unknown-channel", "phone");
    // A channel in capitals is the channel, read so by the rules: nothing
    // to fix.
    let text = pathway(
        "  service s: \"S\" { kind: primary channels: [Online, PHONE] }\n  gp -> s\n  s -> home",
    );
    let found = check(&session(), "t.pathway", &text);
    assert!(
        found.iter().all(|d| d.rule != "unknown-channel"),
        "{found:#?}"
    );
}

/// The everyday names services are drawn with stand for the language's
/// words in a pathway too: `IAPT` is the kind `mental_health`, `rehab` the
/// offer `rehabilitation`, however far apart the spellings.
#[test]
fn an_everyday_name_for_a_kind_or_offer_becomes_the_word_it_stands_for() {
    let text = pathway("  service s: \"S\" { kind: IAPT }\n  gp -> s\n  s -> home");
    let fixed = fix_one("t.pathway", &text, "unknown-kind", "mental_health");
    assert!(fixed.contains("kind: mental_health"));
    let text =
        pathway("  service s: \"S\" { kind: community offers: [rehab] }\n  gp -> s\n  s -> home");
    fix_one("t.pathway", &text, "unknown-offer", "rehabilitation");
    let text =
        pathway("  service s: \"S\" { kind: mental_health offers: [CBT] }\n  gp -> s\n  s -> home");
    fix_one("t.pathway", &text, "unknown-offer", "talking_therapies");
    let text = pathway("  service s: \"S\" { kind: orthopaedics }\n  gp -> s\n  s -> home");
    fix_one("t.pathway", &text, "unknown-kind", "secondary");
}

/// A joint school is a class before a joint replacement: `offers:
/// [joint_school]` was told to write `exercise`, since the vocabulary
/// listed the name among ESCAPE-pain's. It is `education` now, and the
/// names near it keep what they were.
#[test]
fn a_joint_school_is_education() {
    for (written, offer) in [
        ("joint_school", "education"),
        ("\"joint school\"", "\"education\""),
        ("escape_pain", "exercise"),
        ("GLAD", "exercise"),
        ("exercise_class", "exercise"),
        ("patient_education", "education"),
        ("education_class", "education"),
    ] {
        let text = pathway(&format!(
            "  service s: \"S\" {{ kind: community offers: [{written}] }}\n  gp -> s\n  s -> home"
        ));
        fix_one("t.pathway", &text, "unknown-offer", offer);
    }
}

/// An offer written as the kind (`kind: weight_management`) is said to be
/// one, with no quick fix: the kind nearest by spelling
/// (`self_management`) would be a wrong guess that hid the mistake.
#[test]
fn an_offer_written_as_the_kind_is_said_to_be_an_offer() {
    let session = session();
    for (kind, offer) in [
        ("weight_management", "weight_management"),
        ("smoking_cessation", "smoking_cessation"),
        ("exercise", "exercise"),
    ] {
        let text = pathway(&format!(
            "  service s: \"S\" {{ kind: {kind} }}\n  gp -> s\n  s -> home"
        ));
        let found = check(&session, "t.pathway", &text);
        let d = found
            .iter()
            .find(|d| d.rule == "unknown-kind")
            .unwrap_or_else(|| panic!("{kind}: {found:#?}"));
        assert!(d.suggestion.is_none(), "{kind}: {d:#?}");
        let help = d.help.as_deref().unwrap();
        assert!(
            help.contains(&format!("list it under `offers: [{offer}]`")),
            "{kind}: {help}"
        );
        assert!(!help.contains("self_management`?"), "{kind}: {help}");
    }
}

#[test]
fn a_misspelt_property_attribute_and_dna_action_become_the_near_word() {
    let text =
        pathway("  service s: \"S\" { kind: primary ofers: [assessment] }\n  gp -> s\n  s -> home");
    fix_one("t.pathway", &text, "unknown-property", "offers");
    let text =
        pathway("  service s: \"S\" { kind: primary requires: bmii < 40 }\n  gp -> s\n  s -> home");
    fix_one("t.pathway", &text, "unknown-property", "bmi");
    let text = pathway(
        "  service s: \"S\" { kind: primary on_dna: contact then rebok }\n  gp -> s\n  s -> home",
    );
    fix_one("t.pathway", &text, "invalid-value", "rebook");
}

/// A DNA chain written in quotes (`on_dna: "discharge after 2"`) was told
/// to write `contact then review`; the fix takes the quotes away and keeps
/// what was written. A string that is no chain keeps the general help.
#[test]
fn a_quoted_dna_chain_loses_its_quotes() {
    let text = pathway(
        "  service s: \"S\" { kind: primary on_dna: \"contact then discharge after 2\" }\n  gp -> s\n  s -> home",
    );
    fix_one(
        "t.pathway",
        &text,
        "invalid-value",
        "contact then discharge after 2",
    );
    let text = pathway(
        "  service s: \"S\" { kind: primary on_dna: \"we phone them\" }\n  gp -> s\n  s -> home",
    );
    let found = check(&session(), "t.pathway", &text);
    let d = found.iter().find(|d| d.rule == "invalid-value").unwrap();
    assert!(d.suggestion.is_none(), "{d:#?}");
}

/// Another name for a node property (`dna_policy` for `on_dna`), with a
/// word or list as its value, was kept as a free property and the
/// policy it states passed clean; it becomes the real key, and then the
/// policy is checked. A discharge under it is reported by dna-discharge
/// itself, at the key, and not as a key no rule reads. A string under it
/// is still read as prose, with no warning.
#[test]
fn another_name_for_a_property_becomes_the_real_key() {
    let text =
        pathway("  service s: \"S\" { kind: primary dna_policy: rebook }\n  gp -> s\n  s -> home");
    let fixed = fix_one("t.pathway", &text, "unknown-property", "on_dna");
    let after = check(&session(), "t.pathway", &fixed);
    assert!(
        after
            .iter()
            .all(|d| d.rule != "unknown-property" && d.rule != "dna-discharge"),
        "{after:#?}"
    );
    let text = pathway(
        "  service s: \"S\" { kind: primary dna_policy: discharge }\n  gp -> s\n  s -> home",
    );
    let found = check(&session(), "t.pathway", &text);
    assert!(
        found.iter().all(|d| d.rule != "unknown-property"),
        "{found:#?}"
    );
    let d = found.iter().find(|d| d.rule == "dna-discharge").unwrap();
    assert_eq!(&text[d.span.start()..d.span.end()], "dna_policy");
    let text = pathway(
        "  service s: \"S\" { kind: primary provides: [assessment] }\n  gp -> s\n  s -> home",
    );
    fix_one("t.pathway", &text, "unknown-property", "offers");
    let text = pathway(
        "  service s: \"S\" { kind: primary dna_policy: \"discharge after one missed appointment\" }\n  gp -> s\n  s -> home",
    );
    let found = check(&session(), "t.pathway", &text);
    assert!(
        found.iter().all(|d| d.rule != "unknown-property"),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|d| d.rule == "dna-discharge"),
        "{found:#?}"
    );
    // A number is no property's value (`tier: 2` is a free property), and
    // a list where `on_dna` wants a chain gets help but no rename.
    let text = pathway("  service s: \"S\" { kind: primary tier: 2 }\n  gp -> s\n  s -> home");
    let found = check(&session(), "t.pathway", &text);
    assert!(
        found.iter().all(|d| d.rule != "unknown-property"),
        "{found:#?}"
    );
    let text = pathway(
        "  service s: \"S\" { kind: primary dna_action: [contact, rebook] }\n  gp -> s\n  s -> home",
    );
    let found = check(&session(), "t.pathway", &text);
    let d = found.iter().find(|d| d.rule == "unknown-property").unwrap();
    assert!(d.suggestion.is_none(), "{d:#?}");
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("then")),
        "{d:#?}"
    );
}

#[test]
fn a_misspelt_node_in_a_route_becomes_the_declared_id() {
    let text = pathway("  service fcp: \"S\" { kind: primary }\n  gp -> fpc\n  fcp -> home");
    fix_one("t.pathway", &text, "undefined-node", "fcp");
}

#[test]
fn a_percentage_written_as_a_number_gets_its_sign() {
    let text = "pathway \"P\" {\n  inequalities: \"x\"\n  rtt_within_18_weeks: 92\n  entry gp: \"GP\" { kind: gp }\n  exit home: \"Home\"\n  gp -> home\n}\n";
    fix_one("t.pathway", text, "invalid-value", "92%");
}

#[test]
fn a_rule_code_or_misspelt_name_in_a_suppression_becomes_the_rule_name() {
    let session = session();
    for (written, name) in [
        ("MSK101", "bmi-threshold"),
        ("bmi-treshold", "bmi-threshold"),
    ] {
        let text = pathway(&format!(
            "  service s: \"S\" {{ kind: secondary requires: bmi < 40 }}  # msklint: allow({written}) reason: \"r\"\n  gp -> s\n  s -> home"
        ));
        let found = check(&session, "t.pathway", &text);
        let d = found
            .iter()
            .find(|d| d.rule == "unused-suppression")
            .unwrap_or_else(|| panic!("{found:#?}"));
        let fix = d.suggestion.as_ref().unwrap();
        assert_eq!(&text[fix.span.start()..fix.span.end()], written);
        assert_eq!(fix.replacement, name);
    }
}

#[test]
fn findings_without_a_plain_fix_carry_none() {
    let session = session();
    let text = pathway(
        "  service s: \"S\" { kind: secondary requires: bmi < 40 }\n  gp -> s\n  s -> home",
    );
    let found = check(&session, "t.pathway", &text);
    let bmi = found.iter().find(|d| d.rule == "bmi-threshold").unwrap();
    assert!(bmi.suggestion.is_none());
    // (`orthopaedics` once stood here; it is now read as `secondary`.)
    let text = pathway("  service s: \"S\" { kind: wellbeing_hub }\n  gp -> s\n  s -> home");
    let found = check(&session, "t.pathway", &text);
    let kind = found.iter().find(|d| d.rule == "unknown-kind").unwrap();
    assert!(kind.suggestion.is_none(), "nothing is near `wellbeing_hub`");
}

#[test]
fn a_misspelt_node_keyword_and_a_comma_between_properties_are_fixed() {
    let text = pathway("  servce s: \"S\" { kind: primary }\n  gp -> s\n  s -> home");
    let fixed = fix_one("t.pathway", &text, "syntax-error", "service");
    assert!(fixed.contains("  service s:"));
    let text = pathway(
        "  service s: \"S\" { kind: primary, offers: [assessment] }\n  gp -> s\n  s -> home",
    );
    let fixed = fix_one("t.pathway", &text, "syntax-error", "");
    assert!(fixed.contains("kind: primary offers:"), "{fixed}");
    let text = pathway(
        "  service s: \"S\" { kind: primary,offers: [assessment] }\n  gp -> s\n  s -> home",
    );
    let fixed = fix_one("t.pathway", &text, "syntax-error", " ");
    assert!(fixed.contains("kind: primary offers:"), "{fixed}");
}

/// A pathway field named in the singular or with a word that only
/// qualifies it was kept as a free field, and the rule that reads the
/// field said the pathway never mentioned what it said.
#[test]
fn a_field_in_the_singular_or_qualified_is_told_its_name() {
    let text = |field: &str| {
        format!(
            "pathway \"P\" {{\n  {field}: \"Waits are monitored by deprivation\"\n  entry gp: \"GP\" {{ kind: gp }}\n  exit home: \"Home\"\n  gp -> home\n}}\n"
        )
    };
    for (field, want) in [
        ("inequality", "inequalities"),
        ("health_inequalities", "inequalities"),
        ("outcome_measures", "outcomes"),
    ] {
        let fixed = fix_one("p.pathway", &text(field), "unknown-property", want);
        assert!(fixed.contains(&format!("  {want}: ")), "{fixed}");
    }
    // A free field that only shares a word stays free.
    let session = session();
    let found = check(&session, "p.pathway", &text("channel_notes"));
    assert!(
        found.iter().all(|d| d.rule != "unknown-property"),
        "{found:#?}"
    );
}

/// Beside the key it resembles, a field keeps its warning but gets no fix:
/// renaming `outcome_measures` next to `outcomes` made a duplicate.
#[test]
fn no_fix_renames_a_field_to_one_written_beside_it() {
    let session = session();
    let text = "pathway \"P\" {\n  outcomes: [proms]\n  outcome_measures: \"OHS and OKS\"\n  entry gp: \"GP\" { kind: gp }\n  exit home: \"Home\"\n  gp -> home\n}\n";
    let found = check(&session, "p.pathway", text);
    let warned: Vec<_> = found
        .iter()
        .filter(|d| d.rule == "unknown-property")
        .collect();
    assert_eq!(warned.len(), 1, "{found:#?}");
    assert!(warned[0].suggestion.is_none(), "{:#?}", warned[0]);
}

/// A keyword in capitals and a route that names a node by its label get
/// their own message and the fix (sweep 11).
#[test]
fn a_capital_keyword_and_a_label_in_a_route_are_fixed() {
    let text = pathway("  service s: \"S\" { kind: primary }\n  gp -> s\n  s -> home").replacen(
        "pathway \"P\"",
        "Pathway \"P\"",
        1,
    );
    let fixed = fix_one("t.pathway", &text, "syntax-error", "pathway");
    assert!(fixed.starts_with("pathway \"P\""));
    let text =
        pathway("  service s: \"Spinal clinic\" { kind: primary }\n  \"GP\" -> s\n  s -> home");
    let session = session();
    let found = check(&session, "t.pathway", &text);
    let label = found.iter().find(|d| d.rule == "syntax-error").unwrap();
    assert_eq!(
        label.message,
        "a route names nodes by their ID, not their label"
    );
    fix_one("t.pathway", &text, "syntax-error", "gp");
}
