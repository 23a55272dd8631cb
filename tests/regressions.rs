//! Smaller faults a new user hit (issue 11, item 7), one test each, named
//! for the fault. Each failed before its fix.

mod common;

use msklint::check::Linter;

fn linter() -> Linter {
    Linter::builtin().unwrap()
}

#[test]
fn score_counts_a_first_contact_practitioner_declared_as_an_entry() {
    let text = r#"pathway "Back pain" {
  condition: back_pain
  entry fcp: "First contact practitioner" { kind: primary  offers: [assessment, triage] }
  service talking: "NHS Talking Therapies" { kind: mental_health  offers: [talking_therapies] }
  service physio: "Physiotherapy" { kind: community  offers: [physiotherapy, exercise] }
  exit home: "Self-management"
  fcp -> physio, talking
  physio, talking -> home
}
"#;
    let linter = linter();
    let report = linter.check_text("t.pathway", text.to_string());
    let cards = msklint::score::score_report(&report, &linter.measures);
    let fcp = cards[0].requirement("first-contact-practitioner").unwrap();
    assert_eq!(fcp.level, Some(2), "{:#?}", fcp.evidence);
    assert!(fcp
        .evidence
        .iter()
        .any(|e| e.contains("`fcp` is a way into the pathway")));
    // The row that cites the same node agrees that it is there.
    let mh = cards[0].requirement("integrated-mental-health").unwrap();
    assert!(
        mh.evidence.iter().any(|e| e.contains("`fcp -> talking`")),
        "{:#?}",
        mh.evidence
    );
}
