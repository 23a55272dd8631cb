//! `msklint score`: the core offer maturity matrix scored from a pathway.
//! Snapshots of both report formats for the bundled examples, then focused
//! checks of the level logic (docs/score.md) on small pathways.

use msklint::check::Linter;
use msklint::input::Content;
use msklint::score::{self, Scorecard};

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn cards(name: &str, text: &str) -> Vec<Scorecard> {
    let linter = Linter::builtin().unwrap();
    let content = Content::Text(text.to_string());
    let (_, cards) = linter.check_viewed(name, None, content, |report, graphs| {
        score::score_file(report, graphs, &linter)
    });
    cards
}

fn example(file: &str) -> Vec<Scorecard> {
    let path = format!("fixtures/examples/{file}");
    let text = std::fs::read_to_string(root().join(&path)).unwrap();
    cards(&path, &text)
}

fn card(text: &str) -> Scorecard {
    let mut all = cards("test.pathway", text);
    assert_eq!(all.len(), 1, "one pathway expected");
    all.remove(0)
}

fn level(card: &Scorecard, id: &str) -> Option<u8> {
    card.requirement(id)
        .unwrap_or_else(|| panic!("no requirement `{id}`"))
        .level
}

fn evidence(card: &Scorecard, id: &str) -> String {
    card.requirement(id).unwrap().evidence.join("\n")
}

fn raise(card: &Scorecard, id: &str) -> String {
    card.requirement(id).unwrap().raise.join("\n")
}

#[test]
fn markdown_for_the_faulty_example() {
    insta::assert_snapshot!(score::markdown(&example("hip-knee-oa.pathway"), &[]));
}

#[test]
fn json_for_the_faulty_example() {
    insta::assert_snapshot!(score::json(&example("hip-knee-oa.pathway"), &[]));
}

#[test]
fn markdown_for_the_clean_example() {
    insta::assert_snapshot!(score::markdown(&example("hip-knee-oa-clean.pathway"), &[]));
}

#[test]
fn json_for_the_clean_example() {
    insta::assert_snapshot!(score::json(&example("hip-knee-oa-clean.pathway"), &[]));
}

// ---------------------------------------------------------------------------
// Joint replacement surgery

#[test]
fn faulty_example_caps_joint_replacement_at_1_by_bmi_and_smoking() {
    let card = &example("hip-knee-oa.pathway")[0];
    assert_eq!(level(card, "joint-replacement"), Some(1));
    let ev = evidence(card, "joint-replacement");
    assert!(
        ev.contains("Caps the level at 1: `bmi-threshold` (MSK101) on `ortho`"),
        "{ev}"
    );
    assert!(
        ev.contains("Caps the level at 1: `smoking-restriction` (MSK102) on `ortho`"),
        "{ev}"
    );
    // The symptom-duration gate is reported but is not one of the matrix's
    // level 1 triggers.
    assert!(ev.contains("Also found: `symptom-duration-gate`"), "{ev}");
    let up = raise(card, "joint-replacement");
    assert!(
        up.contains("Level 2: remove the BMI threshold from `ortho`"),
        "{up}"
    );
    assert!(
        up.contains("Level 2: remove the smoking restriction from `ortho`"),
        "{up}"
    );
}

#[test]
fn clean_example_reaches_2_without_enhanced_recovery_and_3_with_it() {
    let clean = &example("hip-knee-oa-clean.pathway")[0];
    // rtt 86% and shared decisions before surgery, but no enhanced recovery.
    assert_eq!(level(clean, "joint-replacement"), Some(2));
    assert!(raise(clean, "joint-replacement").contains("`enhanced_recovery: true` on `ortho`"));

    let text = std::fs::read_to_string(root().join("fixtures/examples/hip-knee-oa-clean.pathway"))
        .unwrap()
        .replace(
            "on_dna: contact then rebook",
            "on_dna: contact then rebook\n    enhanced_recovery: true",
        );
    let card = card(&text);
    assert_eq!(level(&card, "joint-replacement"), Some(3));
    assert!(evidence(&card, "joint-replacement")
        .contains("`ortho` is marked `enhanced_recovery: true`"));
    assert_eq!(
        raise(&card, "joint-replacement"),
        "Level 4: 92% or more treated within 18 weeks (now 86%)."
    );
}

/// A surgical pathway with shared decisions before surgery and enhanced
/// recovery, so only the RTT figure decides levels 2 to 4.
fn surgical(rtt: &str) -> String {
    format!(
        r#"pathway "Knee" {{
  condition: osteoarthritis
  {rtt}
  entry gp: "GP" {{ kind: gp }}
  service fcp: "First contact" {{ kind: primary  offers: [assessment, shared_decision_making] }}
  service ortho: "Orthopaedics" {{
    kind: secondary
    offers: [surgery, shared_decision_making]
    enhanced_recovery: true
  }}
  service rehab: "Rehab" {{ kind: rehabilitation }}
  exit home: "Home"
  gp -> fcp
  fcp -> ortho, home
  ortho -> rehab
  rehab -> home
}}
"#
    )
}

fn joint_level(rtt: &str) -> Option<u8> {
    level(&card(&surgical(rtt)), "joint-replacement")
}

#[test]
fn rtt_below_80_percent_is_level_1() {
    assert_eq!(joint_level("rtt_within_18_weeks: 79%"), Some(1));
    assert_eq!(joint_level("rtt_within_18_weeks: 79.9%"), Some(1));
    let card = card(&surgical("rtt_within_18_weeks: 79%"));
    assert!(evidence(&card, "joint-replacement")
        .contains("`rtt_within_18_weeks` is 79%, below the 80%"));
}

#[test]
fn rtt_of_80_percent_is_level_2() {
    assert_eq!(joint_level("rtt_within_18_weeks: 80%"), Some(2));
    assert_eq!(joint_level("rtt_within_18_weeks: 84.9%"), Some(2));
}

#[test]
fn rtt_of_85_percent_is_level_3() {
    assert_eq!(joint_level("rtt_within_18_weeks: 85%"), Some(3));
    assert_eq!(joint_level("rtt_within_18_weeks: 91.9%"), Some(3));
}

#[test]
fn rtt_of_92_percent_is_level_4() {
    assert_eq!(joint_level("rtt_within_18_weeks: 92%"), Some(4));
    assert_eq!(joint_level("rtt_within_18_weeks: 100%"), Some(4));
}

#[test]
fn missing_or_unusable_rtt_cannot_confirm_level_2() {
    assert_eq!(joint_level(""), Some(1));
    let card = card(&surgical(""));
    assert!(raise(&card, "joint-replacement").contains("state `rtt_within_18_weeks`"));
    // A bare number draws invalid-value and is not read as a percentage.
    assert_eq!(joint_level("rtt_within_18_weeks: 95"), Some(1));
}

#[test]
fn oxford_score_and_opioids_before_surgery_cap_at_1() {
    let oxford = surgical("rtt_within_18_weeks: 95%").replace(
        "enhanced_recovery: true",
        "enhanced_recovery: true\n    requires: oxford_knee_score < 20",
    );
    let card_o = card(&oxford);
    assert_eq!(level(&card_o, "joint-replacement"), Some(1));
    assert!(evidence(&card_o, "joint-replacement").contains("`oxford-score-threshold` (MSK103)"));

    let opioids = surgical("rtt_within_18_weeks: 95%").replace(
        "offers: [assessment, shared_decision_making]",
        "offers: [assessment, shared_decision_making, opioids]",
    );
    let card_p = card(&opioids);
    assert_eq!(level(&card_p, "joint-replacement"), Some(1));
    assert!(evidence(&card_p, "joint-replacement")
        .contains("`opioid-conservative-treatment` (MSK108) on `fcp`"));
}

#[test]
fn opioids_after_surgery_do_not_cap() {
    let text = surgical("rtt_within_18_weeks: 95%").replace(
        "kind: rehabilitation",
        "kind: rehabilitation  offers: [opioids]",
    );
    assert_eq!(level(&card(&text), "joint-replacement"), Some(4));
}

#[test]
fn a_suppressed_bmi_finding_still_caps() {
    let text = surgical("rtt_within_18_weeks: 95%").replace(
        "    enhanced_recovery: true",
        "    enhanced_recovery: true\n    # msklint: allow(bmi-threshold) reason: \"anaesthetic risk\"\n    requires: bmi < 45",
    );
    let card = card(&text);
    assert_eq!(level(&card, "joint-replacement"), Some(1));
    let ev = evidence(&card, "joint-replacement");
    assert!(
        ev.contains("`bmi < 45` on `ortho` is a BMI threshold on the way to surgery (no `bmi-threshold` finding"),
        "{ev}"
    );
}

#[test]
fn a_bmi_criterion_off_the_way_to_surgery_does_not_cap() {
    let text = surgical("rtt_within_18_weeks: 95%")
        .replace(
            "  exit home: \"Home\"",
            "  service pool: \"Hydrotherapy\" { kind: community  offers: [exercise]  requires: bmi >= 30 }\n  exit home: \"Home\"",
        )
        .replace("fcp -> ortho, home", "fcp -> ortho, pool, home\n  pool -> home");
    let card = card(&text);
    assert_eq!(level(&card, "joint-replacement"), Some(4));
    assert!(evidence(&card, "joint-replacement").contains("`bmi-threshold` (MSK101) on `pool`"));
    assert!(evidence(&card, "joint-replacement").contains("not on a route to surgery"));
}

/// A weight-management service's own intake is no BMI threshold at all
/// (`support:` on the rule): it is not cited against surgery, and the
/// service still counts as weight-management support.
#[test]
fn a_weight_services_own_intake_is_no_threshold() {
    let text = surgical("rtt_within_18_weeks: 95%")
        .replace(
            "  exit home: \"Home\"",
            "  service weight: \"Weight management\" { kind: community  offers: [weight_management]  requires: bmi >= 30 }\n  exit home: \"Home\"",
        )
        .replace("fcp -> ortho, home", "fcp -> ortho, weight, home\n  weight -> home");
    let card = card(&text);
    assert_eq!(level(&card, "joint-replacement"), Some(4));
    assert!(!evidence(&card, "joint-replacement").contains("bmi-threshold"));
    assert_eq!(level(&card, "obesity"), Some(1));
}

/// A route into weight management that sends people back to the
/// assessing service, with surgery open from there to everyone, caps
/// nothing: the score passes over what `bmi-threshold` passes over, and
/// a service offering exercise beside weight management is still support.
#[test]
fn a_route_only_into_weight_support_caps_nothing() {
    let text = surgical("rtt_within_18_weeks: 95%")
        .replace(
            "  exit home: \"Home\"",
            "  service weight: \"Weight management\" { kind: community  offers: [weight_management, exercise] }\n  exit home: \"Home\"",
        )
        .replace(
            "fcp -> ortho, home",
            "fcp -> ortho, home\n  fcp -> weight requires bmi >= 40\n  weight -> fcp",
        );
    let open = card(&text);
    assert_eq!(
        level(&open, "joint-replacement"),
        Some(4),
        "{}",
        evidence(&open, "joint-replacement")
    );
    assert!(!evidence(&open, "joint-replacement").contains("bmi >= 40"));
    // The same route into surgery is a threshold, and caps it.
    let gated = text.replace(
        "fcp -> weight requires bmi >= 40",
        "fcp -> ortho requires bmi >= 40",
    );
    assert_eq!(level(&card(&gated), "joint-replacement"), Some(1));
}

#[test]
fn surgery_without_a_shared_decision_stays_at_2() {
    let text = surgical("rtt_within_18_weeks: 95%")
        .replace("  gp -> fcp\n", "  gp -> fcp, ortho\n")
        .replace(
            "offers: [surgery, shared_decision_making]",
            "offers: [surgery]",
        );
    let card = card(&text);
    assert_eq!(level(&card, "joint-replacement"), Some(2));
    assert!(raise(&card, "joint-replacement")
        .contains("pass a service offering `shared_decision_making`"));
    assert_eq!(level(&card, "shared-decision-making"), Some(2));
}

#[test]
fn joint_replacement_needs_surgery_and_a_joint_condition() {
    let no_surgery = surgical("rtt_within_18_weeks: 95%").replace(
        "offers: [surgery, shared_decision_making]",
        "offers: [injection]",
    );
    let card_n = card(&no_surgery);
    assert_eq!(level(&card_n, "joint-replacement"), None);
    assert!(evidence(&card_n, "joint-replacement").starts_with("Not applicable"));

    let back = surgical("rtt_within_18_weeks: 95%").replace("osteoarthritis", "low_back_pain");
    let card_b = card(&back);
    assert_eq!(level(&card_b, "joint-replacement"), None);
    assert!(evidence(&card_b, "joint-replacement").contains("`low_back_pain`"));

    let hip = surgical("rtt_within_18_weeks: 95%").replace("osteoarthritis", "hip_oa");
    assert_eq!(level(&card(&hip), "joint-replacement"), Some(4));
}

// ---------------------------------------------------------------------------
// Other requirements

#[test]
fn no_mental_health_service_means_iapt_level_0() {
    let card = card(&surgical("rtt_within_18_weeks: 95%"));
    assert_eq!(level(&card, "iapt"), Some(0));
    assert_eq!(level(&card, "integrated-mental-health"), Some(0));
    assert!(evidence(&card, "iapt").contains("`missing-mental-health` (MSK301)"));
}

#[test]
fn iapt_rises_with_a_pain_specific_and_linked_offer() {
    let base = surgical("rtt_within_18_weeks: 95%").replace(
        "  exit home: \"Home\"",
        "  service talking: \"Talking therapies\" { kind: mental_health }\n  exit home: \"Home\"",
    );
    let routed = base.replace(
        "fcp -> ortho, home",
        "fcp -> ortho, talking, home\n  talking -> home",
    );
    assert_eq!(level(&card(&routed), "iapt"), Some(2));

    let specific = routed.replace(
        "kind: mental_health }",
        "kind: mental_health  offers: [talking_therapies, pain_management] }",
    );
    assert_eq!(level(&card(&specific), "iapt"), Some(3));
    // A mental health service with pain care and talking therapies is not the
    // combined service pain-services level 2 asks for, and its evidence says
    // why rather than that it lacks talking therapies.
    let psychological = card(&specific);
    assert_eq!(level(&psychological, "pain-services"), Some(1));
    let said = evidence(&psychological, "pain-services");
    assert!(
        said.contains("`talking` (Talking therapies) is a `mental_health` service: it gives psychological care but not the physical care a pain service brings, so no integrated"),
        "{said}"
    );
    assert!(!said.contains("none of it also offers"), "{said}");

    let linked = specific
        .replace(
            "  exit home: \"Home\"",
            "  service pain: \"Pain service\" { kind: pain }\n  service escape: \"ESCAPE-pain\" { kind: community  offers: [exercise] }\n  exit home: \"Home\"",
        )
        .replace("talking -> home", "talking -> pain, escape\n  pain, escape -> home");
    assert_eq!(level(&card(&linked), "iapt"), Some(4));
}

#[test]
fn clean_example_levels_for_the_other_core_requirements() {
    let card = &example("hip-knee-oa-clean.pathway")[0];
    assert_eq!(level(card, "msk-rehabilitation"), Some(2));
    assert_eq!(level(card, "iapt"), Some(2));
    assert_eq!(level(card, "integrated-mental-health"), Some(3));
    assert_eq!(level(card, "social-prescribing"), Some(1));
    assert_eq!(level(card, "self-management"), Some(2));
    assert_eq!(level(card, "shared-decision-making"), Some(3));
    assert_eq!(level(card, "pain-services"), Some(0));
    assert_eq!(level(card, "fracture-liaison"), None);
    assert!(evidence(card, "fracture-liaison").starts_with("Not applicable"));
    for id in [
        "local-need",
        "workforce",
        "nutrition",
        "public-health",
        "personal-health-budgets",
    ] {
        assert_eq!(level(card, id), None, "{id}");
    }
}

#[test]
fn fracture_liaison_applies_only_to_fracture_conditions() {
    let osteo = |extra: &str, route: &str| {
        format!(
            "pathway \"Bones\" {{\n  condition: osteoporosis\n  entry gp: \"GP\" {{ kind: gp }}\n  service fracture: \"Fracture clinic\" {{ kind: secondary }}\n{extra}  exit home: \"Home\"\n  gp -> fracture\n  fracture -> {route}home\n}}\n"
        )
    };
    let without = card(&osteo("", ""));
    assert_eq!(level(&without, "fracture-liaison"), Some(0));
    assert!(evidence(&without, "fracture-liaison").contains("`missing-fracture-liaison` (MSK310)"));

    let with = card(&osteo(
        "  service fls: \"Fracture liaison\" { kind: fracture_liaison }\n",
        "fls, ",
    ));
    assert_eq!(level(&with, "fracture-liaison"), Some(2));
    // Osteoporosis makes falls prevention part of the pathway's job.
    assert_eq!(level(&with, "falls-prevention"), Some(0));

    // Named as `check` names it: a word of the condition will do.
    for condition in [
        "hip_fracture",
        "osteoporotic_fracture",
        "\"Fragility fractures\"",
    ] {
        let named = card(&osteo("", "").replace("osteoporosis", condition));
        assert_eq!(level(&named, "fracture-liaison"), Some(0), "{condition}");
    }

    let no_condition = card(&surgical("").replace("  condition: osteoarthritis\n", ""));
    assert_eq!(level(&no_condition, "fracture-liaison"), None);
    assert!(evidence(&no_condition, "fracture-liaison").contains("no `condition`"));
}

#[test]
fn rehabilitation_after_surgery() {
    let missing_route = surgical("rtt_within_18_weeks: 95%")
        .replace("  ortho -> rehab\n", "  ortho -> home\n  fcp -> rehab\n");
    assert_eq!(level(&card(&missing_route), "msk-rehabilitation"), Some(1));

    let no_rehab = surgical("rtt_within_18_weeks: 95%")
        .replace("  service rehab: \"Rehab\" { kind: rehabilitation }\n", "")
        .replace("  ortho -> rehab\n  rehab -> home\n", "  ortho -> home\n");
    assert_eq!(level(&card(&no_rehab), "msk-rehabilitation"), Some(0));
}

#[test]
fn shared_decision_making_everywhere_is_level_4() {
    let text = surgical("rtt_within_18_weeks: 95%").replace(
        "kind: rehabilitation",
        "kind: rehabilitation  offers: [shared_decision_making]",
    );
    assert_eq!(level(&card(&text), "shared-decision-making"), Some(4));
}

// ---------------------------------------------------------------------------
// Shape of the output

#[test]
fn every_card_lists_every_requirement_in_matrix_order() {
    let card = &example("hip-knee-oa.pathway")[0];
    let ids: Vec<&str> = card.requirements.iter().map(|r| r.id).collect();
    let expected: Vec<&str> = score::REQUIREMENTS.iter().map(|r| r.id).collect();
    assert_eq!(ids, expected);
    for wanted in [
        "joint-replacement",
        "msk-rehabilitation",
        "iapt",
        "social-prescribing",
        "self-management",
        "shared-decision-making",
        "fracture-liaison",
        "pain-services",
    ] {
        assert!(ids.contains(&wanted), "{wanted}");
    }
    for r in &card.requirements {
        assert!(!r.evidence.is_empty(), "{} has no evidence", r.id);
        assert!(r.level.is_none_or(|l| l <= 4));
        if r.level.is_none() || r.level < Some(4) {
            assert!(
                !r.raise.is_empty(),
                "{} says nothing about raising it",
                r.id
            );
        }
    }
}

#[test]
fn json_has_the_documented_fields() {
    let doc: serde_json::Value =
        serde_json::from_str(&score::json(&example("hip-knee-oa.pathway"), &[])).unwrap();
    assert_eq!(doc["version"], 1);
    assert!(doc["matrix"].as_str().unwrap().contains("ARMA"));
    let card = &doc["scorecards"][0];
    assert_eq!(card["pathway"], "Hip and knee osteoarthritis");
    assert_eq!(card["file"], "fixtures/examples/hip-knee-oa.pathway");
    let jr = card["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "joint-replacement")
        .unwrap();
    assert_eq!(jr["name"], "Joint replacement surgery");
    assert_eq!(jr["section"], "2 Services");
    assert_eq!(jr["level"], 1);
    assert!(jr["evidence"].is_array() && jr["raise"].is_array());
    let fls = card["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "fracture-liaison")
        .unwrap();
    assert!(fls["level"].is_null());
}

#[test]
fn findings_stay_with_their_own_pathway() {
    let faulty = surgical("rtt_within_18_weeks: 95%").replace(
        "enhanced_recovery: true",
        "enhanced_recovery: true\n    requires: bmi < 40",
    );
    let clean = surgical("rtt_within_18_weeks: 95%");
    let both = cards("two.pathway", &format!("{faulty}\n{clean}"));
    assert_eq!(both.len(), 2);
    assert_eq!(level(&both[0], "joint-replacement"), Some(1));
    assert_eq!(level(&both[1], "joint-replacement"), Some(4));
}

#[test]
fn a_file_that_does_not_parse_has_no_scorecards() {
    assert!(cards("bad.pathway", "pathway \"x\" {\n  entry gp \"GP\"\n}\n").is_empty());
}

#[test]
fn markdown_marks_unscored_requirements_and_escapes_cells() {
    let text = surgical("rtt_within_18_weeks: 95%").replace("\"Knee\"", "\"Knee | hip <b>\"");
    let md = score::markdown(&cards("t.pathway", &text), &[]);
    assert!(md.contains("## Knee \\| hip &lt;b&gt;"), "{md}");
    assert!(md.contains("| not evidenced |"));
    assert!(md.contains("| Requirement | Level | Evidence | To raise it |"));
}

#[test]
fn pain_services_levels() {
    let with_pain = |pain: &str, routes: &str| {
        card(&format!(
            "pathway \"Back\" {{\n  condition: low_back_pain\n  entry gp: \"GP\" {{ kind: gp }}\n  service spine: \"Spinal clinic\" {{ kind: secondary }}\n  service pain: \"Pain service\" {{ {pain} }}\n  exit home: \"Home\"\n  gp -> spine\n  {routes}\n  spine -> home\n  pain -> home\n}}\n"
        ))
    };
    let support = with_pain("kind: pain", "gp -> pain");
    assert_eq!(level(&support, "pain-services"), Some(1));
    let consultant_only = with_pain("kind: pain  offers: [talking_therapies]", "spine -> pain");
    assert_eq!(level(&consultant_only, "pain-services"), Some(2));
    let open = with_pain("kind: pain  offers: [talking_therapies]", "gp -> pain");
    assert_eq!(level(&open, "pain-services"), Some(3));
    // Psychology inside the pain service is also integrated mental health.
    assert_eq!(level(&open, "integrated-mental-health"), Some(4));
}

#[test]
fn social_prescribing_leading_on_to_community_support_is_level_2() {
    let text = surgical("rtt_within_18_weeks: 95%")
        .replace(
            "  exit home: \"Home\"",
            "  service link: \"Link worker\" { kind: social_prescribing }\n  service group: \"Peer group\" { kind: peer_support }\n  exit home: \"Home\"",
        )
        .replace(
            "fcp -> ortho, home",
            "fcp -> ortho, link, home\n  link -> group, home\n  group -> home",
        );
    let card = card(&text);
    assert_eq!(level(&card, "social-prescribing"), Some(2));
    assert!(evidence(&card, "social-prescribing").contains("`group` (Peer group)"));
}

#[test]
fn a_pathway_with_gaps_is_level_1_for_pathways() {
    let text = surgical("rtt_within_18_weeks: 95%")
        .replace("  rehab -> home\n", "")
        .replace(
            "  exit home: \"Home\"",
            "  service lost: \"Orphan\" { kind: community }\n  exit home: \"Home\"",
        );
    let card = card(&text);
    assert_eq!(level(&card, "pathways"), Some(1));
    let ev = evidence(&card, "pathways");
    assert!(ev.contains("Gap: no route reaches `lost`."), "{ev}");
    assert!(
        ev.contains("Gap: no onward route from `rehab`, `lost`."),
        "{ev}"
    );
    // Below the cap, the cap is a limit of the file, not what holds it.
    assert!(!ev.contains("Capped at"), "{ev}");
    assert!(
        ev.contains("A pathway file can show no more than level 2 here:"),
        "{ev}"
    );
}

/// A pathway file that declares no pathway is named as not scored, not
/// dropped; `report` and `graph` treat it alike, and all three exit 1, as
/// for a file that could not be parsed.
#[test]
fn a_file_with_no_pathway_is_named_and_exits_1_in_every_view() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.pathway"), "").unwrap();
    std::fs::write(dir.path().join("note.pathway"), "# only a comment\n").unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_msklint"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let out = run(&[
        "score",
        "--no-config",
        "--format",
        "json",
        "empty.pathway",
        "note.pathway",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let named: Vec<&str> = doc["not_scored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["path"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["empty.pathway", "note.pathway"]);
    assert!(doc["not_scored"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("declares no pathway"));
    for view in ["report", "graph"] {
        let out = run(&[view, "--no-config", "empty.pathway"]);
        assert_eq!(out.status.code(), Some(1), "{view}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("declares no pathway"),
            "{view}"
        );
    }
}
