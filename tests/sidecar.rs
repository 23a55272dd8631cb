//! Suppressions in a sidecar file beside a PDF or Word document
//! (`policy.pdf.msklint.yaml`, src/sidecar.rs), through the command line.

use std::path::Path;
use std::process::Command;

#[path = "common/docx.rs"]
mod docx;
use docx::docx;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `msklint check FILE --format json`: the exit code and each finding as
/// `rule line message`.
fn check(file: &Path) -> (i32, Vec<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(["check", "--no-config", "--format", "json"])
        .arg(file)
        .output()
        .expect("msklint runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let found = json["diagnostics"]
        .as_array()
        .expect("a list of findings")
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["rule"].as_str().unwrap_or(""),
                d["line"],
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    (out.status.code().unwrap_or(-1), found)
}

fn rules(found: &[String], rule: &str) -> Vec<String> {
    found
        .iter()
        .filter(|f| f.starts_with(&format!("{rule} ")))
        .cloned()
        .collect()
}

/// A copy of `fixture` in a new folder, with `sidecar` beside it if given.
fn copy(fixture: &str, sidecar: Option<&str>) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let from = root().join(fixture);
    let name = from.file_name().expect("a file name");
    let to = dir.path().join(name);
    std::fs::copy(&from, &to).expect("copied");
    if let Some(text) = sidecar {
        let mut side = to.clone().into_os_string();
        side.push(".msklint.yaml");
        std::fs::write(side, text).expect("sidecar written");
    }
    (dir, to)
}

const PDF: &str = "fixtures/pdf/hip-knee-policy.chromium.pdf";

#[test]
fn a_sidecar_entry_silences_the_finding_on_the_sentence_it_quotes() {
    let (_dir, plain) = copy(PDF, None);
    let (_, before) = check(&plain);
    // The criteria list (read as one sentence from the PDF) and the tier 3
    // sentence.
    assert_eq!(rules(&before, "bmi-threshold").len(), 2, "{before:#?}");
    let sidecar = "allow:\n  - rules: [bmi-threshold]\n    sentence: \"referred to the tier 3 weight management\"\n    reason: \"agreed with the patient panel\"\n";
    let (_dir2, with) = copy(PDF, Some(sidecar));
    let (_, after) = check(&with);
    let left = rules(&after, "bmi-threshold");
    assert_eq!(left.len(), 1, "{after:#?}");
    assert!(!left[0].contains("tier 3"), "{left:?}");
    // Nothing else changes.
    let tier_3 = |f: &[String]| -> Vec<String> {
        f.iter()
            .filter(|x| !(x.starts_with("bmi-threshold ") && x.contains("tier 3")))
            .cloned()
            .collect()
    };
    assert_eq!(tier_3(&before), tier_3(&after));
}

#[test]
fn a_sidecar_entry_without_a_reason_or_with_nothing_to_silence_is_reported() {
    let sidecar = "allow:\n  - rules: [bmi-threshold]\n    sentence: \"referred to the tier 3 weight management\"\n  - rules: [dna-discharge]\n    sentence: \"referred to the tier 3 weight management\"\n    reason: \"r\"\n  - rules: [bmi-threshold]\n    sentence: \"words that are not in the policy\"\n    reason: \"r\"\n";
    let (_dir, file) = copy(PDF, Some(sidecar));
    let (code, found) = check(&file);
    assert_eq!(code, 1);
    let why = rules(&found, "suppression-without-reason");
    assert_eq!(why.len(), 1, "{found:#?}");
    assert!(
        why[0].contains("entry 1 of hip-knee-policy.chromium.pdf.msklint.yaml"),
        "{why:?}"
    );
    let unused = rules(&found, "unused-suppression");
    assert_eq!(unused.len(), 2, "{found:#?}");
    assert!(
        unused
            .iter()
            .any(|u| u.contains("`dna-discharge` does not fire on the text entry 2")),
        "{unused:?}"
    );
    assert!(
        unused
            .iter()
            .any(|u| u.contains("entry 3") && u.contains("no sentence containing")),
        "{unused:?}"
    );
}

#[test]
fn a_sidecar_that_is_not_yaml_is_reported_and_the_rest_still_checked() {
    let (_dir, file) = copy(PDF, Some("allow: [\n"));
    let (code, found) = check(&file);
    assert_eq!(code, 1);
    assert_eq!(rules(&found, "bmi-threshold").len(), 2);
    let bad = rules(&found, "unused-suppression");
    assert_eq!(bad.len(), 1, "{found:#?}");
    assert!(bad[0].contains("not a sidecar msklint can read"), "{bad:?}");
    // The whole file is at fault, not an entry numbered 0.
    assert!(!bad[0].contains("entry 0"), "{bad:?}");
    assert!(bad[0].contains(".msklint.yaml"), "{bad:?}");
}

/// One mistaken entry costs only itself: the others still apply. A rule
/// named on its own, not in a list, is read as msklint.yaml reads one.
#[test]
fn a_mistaken_sidecar_entry_costs_only_itself() {
    let sidecar = "allow:\n  - rules: bmi-threshold\n    sentence: \"referred to the tier 3 weight management\"\n    reason: \"agreed with the panel\"\n  - rules: [dna-discharge]\n    sentence: \"anything\"\n    expires: 2027\n";
    let (_dir, file) = copy(PDF, Some(sidecar));
    let (_, found) = check(&file);
    let left = rules(&found, "bmi-threshold");
    assert_eq!(left.len(), 1, "{found:#?}");
    assert!(!left[0].contains("tier 3"), "{left:?}");
    let bad = rules(&found, "unused-suppression");
    assert_eq!(bad.len(), 1, "{found:#?}");
    assert!(
        bad[0].contains("entry 2") && bad[0].contains("unknown field `expires`"),
        "{bad:?}"
    );
}

/// Notepad saves a reason with a curly apostrophe in Windows-1252: the
/// sidecar is decoded as a `.txt` policy would be, not passed over in
/// silence. One that is there but cannot be read is reported.
#[test]
fn a_sidecar_in_a_legacy_encoding_is_read_and_an_unreadable_one_reported() {
    let (dir, file) = copy(PDF, None);
    let mut yaml = b"allow:\n  - rules: [bmi-threshold]\n    sentence: \"referred to the tier 3 weight management\"\n    reason: \"agreed with the panel".to_vec();
    yaml.push(0x92); // Windows-1252's right single quotation mark
    yaml.extend_from_slice(b"s chair\"\n");
    let side = dir.path().join("hip-knee-policy.chromium.pdf.msklint.yaml");
    std::fs::write(&side, yaml).unwrap();
    let (_, found) = check(&file);
    let left = rules(&found, "bmi-threshold");
    assert_eq!(left.len(), 1, "{found:#?}");
    assert!(!left[0].contains("tier 3"), "{left:?}");
    assert!(rules(&found, "unused-suppression").is_empty(), "{found:#?}");
    // UTF-16, as Notepad's "Unicode" saves it, with its byte-order mark.
    let text = "allow:\n  - rules: [bmi-threshold]\n    sentence: \"referred to the tier 3 weight management\"\n    reason: \"agreed with the panel\"\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&side, utf16).unwrap();
    let (_, found) = check(&file);
    assert_eq!(rules(&found, "bmi-threshold").len(), 1, "{found:#?}");
    assert!(rules(&found, "unused-suppression").is_empty(), "{found:#?}");
    // A folder where the sidecar would be.
    std::fs::remove_file(&side).unwrap();
    std::fs::create_dir(&side).unwrap();
    let (code, found) = check(&file);
    assert_eq!(code, 1);
    assert_eq!(rules(&found, "bmi-threshold").len(), 2, "{found:#?}");
    let bad = rules(&found, "unused-suppression");
    assert_eq!(bad.len(), 1, "{found:#?}");
    assert!(bad[0].contains("could not be read"), "{bad:?}");
}

#[test]
fn a_word_document_takes_a_sidecar_too() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("policy.docx");
    std::fs::write(
        &file,
        docx(&[
            "Hip replacement",
            "Smokers must stop smoking for 8 weeks before they can be referred.",
            "Patients with a BMI over 40 will not be referred.",
        ]),
    )
    .expect("written");
    let (_, before) = check(&file);
    assert_eq!(
        rules(&before, "smoking-restriction").len(),
        1,
        "{before:#?}"
    );
    assert_eq!(rules(&before, "bmi-threshold").len(), 1, "{before:#?}");
    std::fs::write(
        dir.path().join("policy.docx.msklint.yaml"),
        "allow:\n  - rule: smoking-restriction\n    sentence: \"stop smoking for 8 weeks\"\n    reason: \"accepted for now\"\n",
    )
    .expect("sidecar written");
    let (_, after) = check(&file);
    assert!(
        rules(&after, "smoking-restriction").is_empty(),
        "{after:#?}"
    );
    assert_eq!(rules(&after, "bmi-threshold").len(), 1, "{after:#?}");
}

#[test]
fn the_example_in_the_docs_works_as_written() {
    let doc = std::fs::read_to_string(root().join("docs/prose.md")).expect("docs/prose.md");
    let start = doc
        .find("```yaml\n# policy.pdf.msklint.yaml")
        .expect("the sidecar example in docs/prose.md");
    let body = &doc[start + "```yaml\n".len()..];
    let example = &body[..body.find("```").expect("the end of the example")];
    let (_dir, file) = copy(PDF, Some(example));
    let (_, found) = check(&file);
    let quoted = rules(&found, "bmi-threshold");
    assert!(quoted.iter().all(|f| !f.contains("tier 3")), "{found:#?}");
    assert!(rules(&found, "unused-suppression").is_empty(), "{found:#?}");
    assert!(
        rules(&found, "suppression-without-reason").is_empty(),
        "{found:#?}"
    );
}
