//! Files people actually have: a PDF, text exported from Word in
//! Windows-1252 or UTF-16, and Word documents, whose findings must name the
//! paragraph (Word shows no line numbers) and which carry suppressions in
//! Word comments.

#[allow(dead_code)] // the shared helpers are not all used here
mod common;

use std::io::Write;

use common::{msklint, root};
use serde_json::Value;

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn rules(doc: &Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

fn finding<'a>(doc: &'a Value, rule: &str) -> &'a Value {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {doc:#}"))
}

const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";

#[test]
fn a_damaged_pdf_gets_exit_two_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.pdf"), PDF).unwrap();
    // Saved from a browser without its extension.
    std::fs::write(dir.path().join("download"), PDF).unwrap();
    std::fs::copy(
        root().join("fixtures/examples/hip-knee-oa.pathway"),
        dir.path().join("hip.pathway"),
    )
    .unwrap();
    for format in ["human", "json", "concise", "sarif", "github", "junit"] {
        let out = msklint(
            &[
                "check",
                "--format",
                format,
                "policy.pdf",
                "download",
                "hip.pathway",
            ],
            dir.path(),
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{format}: {stderr}");
        assert!(
            stderr.contains(
                "error: policy.pdf: cannot check this PDF: the PDF is damaged or not a PDF"
            ),
            "{format}: {stderr}"
        );
        assert!(
            stderr.contains("error: download: cannot check this PDF"),
            "{format}: {stderr}"
        );
        assert!(!stderr.contains("UTF-8"), "{format}: {stderr}");
        // The pathway is still checked and reported.
        assert!(stdout.contains("bmi-threshold"), "{format}: {stdout}");
        // The formats a CI job reads name it as not checked
        // (tests/not_checked.rs); the others leave it to stderr.
        let structured = !matches!(format, "human" | "concise");
        assert_eq!(
            stdout.contains("policy.pdf"),
            structured,
            "{format}: {stdout}"
        );
    }
}

#[test]
fn windows_1252_and_latin1_documents_are_decoded_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    // Word's plain-text export: curly quotes, an en dash, a pound sign.
    std::fs::write(
        dir.path().join("policy.md"),
        b"# Hip policy \x96 draft\r\n\r\nPatients with a BMI over 40 \x93will not\x94 be referred for surgery (\xa3 cost).\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("notes.txt"),
        b"Physioth\xe9rapie: smokers must stop smoking for 8 weeks before listing.\n",
    )
    .unwrap();
    let out = msklint(
        &["check", "--format", "json", "policy.md", "notes.txt"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let found = rules(&doc);
    assert!(
        !found.contains(&"invalid-encoding".to_string()),
        "{found:?}"
    );

    let notes: Vec<&Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "legacy-encoding")
        .collect();
    assert_eq!(notes.len(), 2, "{doc:#}");
    assert_eq!(notes[0]["path"], "notes.txt");
    assert_eq!(
        (notes[0]["line"].as_u64(), notes[0]["column"].as_u64()),
        (Some(1), Some(9))
    );
    assert_eq!(notes[0]["snippet"], "é");
    assert_eq!(notes[0]["severity"], "warning");
    assert_eq!(notes[1]["path"], "policy.md");
    assert_eq!(
        (notes[1]["line"].as_u64(), notes[1]["column"].as_u64()),
        (Some(1), Some(14))
    );
    assert!(notes[1]["message"]
        .as_str()
        .unwrap()
        .contains("4 bytes were read as Windows-1252"));
    // A rule like any other: a code, `explain`, and a setting in msklint.yaml.
    assert_eq!(notes[0]["code"], "MSK015");
    let explain = msklint(&["explain", "legacy-encoding"], dir.path());
    assert!(explain.status.success());
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  legacy-encoding: off\n",
    )
    .unwrap();
    let quiet = msklint(&["check", "--format", "json", "notes.txt"], dir.path());
    assert!(!rules(&json(&quiet)).contains(&"legacy-encoding".to_string()));
    std::fs::remove_file(dir.path().join("msklint.yaml")).unwrap();

    // Findings point into the decoded text: the snippet is what Word showed.
    let bmi = finding(&doc, "bmi-threshold");
    assert_eq!(
        bmi["snippet"],
        "Patients with a BMI over 40 “will not” be referred for surgery (£ cost)."
    );
    assert_eq!(
        (bmi["line"].as_u64(), bmi["column"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(bmi["end_column"].as_u64(), Some(73));
    let smoking = finding(&doc, "smoking-restriction");
    assert_eq!(smoking["path"], "notes.txt");

    // The human output shows the decoded characters.
    let out = msklint(&["check", "policy.md"], dir.path());
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(human.contains("╭─[policy.md:1:14]"), "{human}");
    assert!(human.contains("read as `–`"), "{human}");
    assert!(human.contains("“will not”"), "{human}");
}

/// A UTF-16 pathway with an unpaired surrogate was reported as holding a
/// NUL byte (every other byte of UTF-16 text is 0), at the second byte of
/// the file. It is now named for what it is, at the character at fault.
#[test]
fn a_utf16_pathway_with_a_broken_character_is_named_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xff, 0xfe];
    let units: Vec<u16> = "pathway \"Hips\" {\n  entry gp: \"G"
        .encode_utf16()
        .chain([0xd800])
        .chain("P\" { kind: gp }\n}\n".encode_utf16())
        .collect();
    for unit in units {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(dir.path().join("hips.pathway"), bytes).unwrap();
    let out = msklint(&["check", "--format", "json", "hips.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let found = &doc["diagnostics"][0];
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 1, "{doc}");
    assert_eq!(found["rule"], "invalid-encoding", "{found}");
    let message = found["message"].as_str().unwrap();
    assert!(message.contains("unpaired surrogate"), "{message}");
    assert!(message.contains("0xD800"), "{message}");
    assert!(!message.contains("NUL"), "{message}");
    // Line 2, after `  entry gp: "G` (14 characters).
    assert_eq!(found["line"], 2, "{found}");
    assert_eq!(found["column"], 15, "{found}");
}

#[test]
fn utf16_text_saved_by_word_as_unicode_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xff, 0xfe];
    for unit in "Smokers must stop smoking for 8 weeks before listing.\r\n".encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(dir.path().join("policy.txt"), bytes).unwrap();
    let out = msklint(&["check", "--format", "json", "policy.txt"], dir.path());
    let doc = json(&out);
    let found = rules(&doc);
    assert!(
        found.contains(&"smoking-restriction".to_string()),
        "{found:?}"
    );
    assert!(
        !found.contains(&"invalid-encoding".to_string()),
        "{found:?}"
    );
    assert!(!found.contains(&"legacy-encoding".to_string()), "{found:?}");
}

#[test]
fn a_latin1_pathway_is_still_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("physio.pathway"),
        b"pathway \"Physioth\xe9rapie\" {\n  entry gp: \"GP\" { kind: gp }\n}\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "physio.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(rules(&doc), ["invalid-encoding"]);
    assert_eq!(doc["diagnostics"][0]["column"], 18);
}

/// A Word document: each paragraph is `(style, text)`, where a style of
/// `"table"` makes the text (cells split at `|`) one table row. Comments
/// are `(first paragraph, last paragraph, text)`, 0-based.
fn docx(paragraphs: &[(&str, &str)], comments: &[(usize, usize, &str)]) -> Vec<u8> {
    let mut body = String::from("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>");
    for (i, (style, text)) in paragraphs.iter().enumerate() {
        let mut starts = String::new();
        let mut ends = String::new();
        for (id, (first, last, _)) in comments.iter().enumerate() {
            if *first == i {
                starts.push_str(&format!("<w:commentRangeStart w:id=\"{id}\"/>"));
            }
            if *last == i {
                ends.push_str(&format!(
                    "<w:commentRangeEnd w:id=\"{id}\"/><w:r><w:commentReference w:id=\"{id}\"/></w:r>"
                ));
            }
        }
        if *style == "table" {
            body.push_str("<w:tbl><w:tr>");
            for (c, cell) in text.split('|').enumerate() {
                let (s, e) = if c == 0 {
                    (starts.as_str(), ends.as_str())
                } else {
                    ("", "")
                };
                body.push_str(&format!(
                    "<w:tc><w:p>{s}<w:r><w:t>{cell}</w:t></w:r>{e}</w:p></w:tc>"
                ));
            }
            body.push_str("</w:tr></w:tbl>");
        } else {
            let props = if style.is_empty() {
                String::new()
            } else {
                format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>")
            };
            body.push_str(&format!(
                "<w:p>{props}{starts}<w:r><w:t>{text}</w:t></w:r>{ends}</w:p>"
            ));
        }
    }
    body.push_str("</w:body></w:document>");
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(body.as_bytes()).unwrap();
    if !comments.is_empty() {
        let mut xml = String::from(
            "<w:comments xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
        );
        for (id, (_, _, text)) in comments.iter().enumerate() {
            xml.push_str(&format!(
                "<w:comment w:id=\"{id}\" w:author=\"Reviewer\"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:comment>"
            ));
        }
        xml.push_str("</w:comments>");
        zip.start_file("word/comments.xml", options).unwrap();
        zip.write_all(xml.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    buf.into_inner()
}

const POLICY: &[(&str, &str)] = &[
    ("Heading1", "Hip and knee policy"),
    ("", "This policy covers referral to orthopaedic surgery."),
    (
        "",
        "Smokers must stop smoking for 8 weeks before listing for surgery.",
    ),
    ("table", "Criterion|BMI must be under 35 before referral"),
    (
        "",
        "Patients who do not attend will be discharged back to their GP.",
    ),
];

#[test]
fn word_findings_name_the_paragraph_and_quote_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.docx"), docx(POLICY, &[])).unwrap();
    let out = msklint(&["check", "--format", "json", "policy.docx"], dir.path());
    let doc = json(&out);
    let smoking = finding(&doc, "smoking-restriction");
    assert_eq!(smoking["line"], 5);
    assert_eq!(smoking["paragraph"]["number"], 3);
    assert_eq!(
        smoking["paragraph"]["quote"],
        "Smokers must stop smoking for 8 weeks…"
    );
    let bmi = finding(&doc, "bmi-threshold");
    assert_eq!(bmi["paragraph"]["number"], 4);
    assert_eq!(bmi["paragraph"]["quote"], "Criterion");
    let dna = finding(&doc, "dna-discharge");
    assert_eq!(dna["paragraph"]["number"], 5);
    // Document-level findings sit at the title.
    assert_eq!(
        finding(&doc, "missing-mental-health")["paragraph"]["quote"],
        "Hip and knee policy"
    );

    let out = msklint(&["check", "policy.docx"], dir.path());
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(
        human.contains("╭─[policy.docx:5:1, paragraph 3 “Smokers must stop smoking for 8 weeks…”]"),
        "{human}"
    );

    let out = msklint(&["check", "--format", "sarif", "policy.docx"], dir.path());
    let sarif = json(&out);
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "smoking-restriction")
        .unwrap();
    assert_eq!(result["properties"]["paragraph"], 3);
    // Code scanning shows the message, not the properties: it names the
    // paragraph, as a PDF's names the page.
    assert!(
        result["message"]["text"]
            .as_str()
            .unwrap()
            .ends_with(" (paragraph 3)"),
        "{result}"
    );

    // Other files have no paragraph.
    std::fs::write(
        dir.path().join("policy.md"),
        "Smokers must stop smoking for 8 weeks before listing.\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "policy.md"], dir.path());
    let doc = json(&out);
    assert!(finding(&doc, "smoking-restriction")["paragraph"].is_null());
}

#[test]
fn word_comments_carry_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let comments = [
        // Word turns typed quotes into curly ones.
        (
            2,
            2,
            "msklint: allow(smoking-restriction) reason: “agreed with the patient panel”",
        ),
        // Covers the table row and the DNA paragraph.
        (
            3,
            4,
            "msklint: allow(bmi-threshold, dna-discharge) reason: \"under review\"",
        ),
        (1, 1, "msklint: allow(education-gate) reason: \"x\""),
        (0, 0, "msklint: allow(missing-inequalities)"),
        (1, 1, "msklint: alow(bmi-threshold)"),
        // Meant as one, in the wrong case: said, not silently ignored.
        (1, 1, "MSKlint: allow(education-gate) reason: \"x\""),
        (1, 1, "An ordinary review comment."),
    ];
    std::fs::write(dir.path().join("policy.docx"), docx(POLICY, &comments)).unwrap();
    let out = msklint(&["check", "--format", "json", "policy.docx"], dir.path());
    let doc = json(&out);
    let found = rules(&doc);
    for gone in [
        "smoking-restriction",
        "bmi-threshold",
        "dna-discharge",
        "missing-inequalities",
    ] {
        assert!(!found.contains(&gone.to_string()), "{gone}: {found:?}");
    }
    let messages: Vec<(String, u64, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "unused-suppression" || d["rule"] == "suppression-without-reason")
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["paragraph"]["number"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        messages,
        [
            (
                "suppression-without-reason".to_string(),
                1,
                "the Word comment on paragraph 1 does not say why it suppresses".to_string()
            ),
            (
                "unused-suppression".to_string(),
                2,
                "`education-gate` does not fire in paragraph 2, where a Word comment suppresses it"
                    .to_string()
            ),
            (
                "unused-suppression".to_string(),
                2,
                "the Word comment on paragraph 2 is not read as a suppression: it starts `MSKlint:`; a suppression starts `msklint:` in lower case, with the colon"
                    .to_string()
            ),
            (
                "unused-suppression".to_string(),
                2,
                "the Word comment on paragraph 2 starts with `msklint:` but is not a suppression msklint can read"
                    .to_string()
            ),
        ]
    );
}

/// A Word comment whose reason opens a quotation mark (curly, as Word
/// types it) and never closes it suppresses nothing, and says so.
#[test]
fn a_word_comment_with_an_unclosed_reason_is_named_not_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    let comments = [(
        2,
        2,
        "msklint: allow(smoking-restriction) reason: “agreed with the patient",
    )];
    std::fs::write(dir.path().join("policy.docx"), docx(POLICY, &comments)).unwrap();
    let out = msklint(&["check", "--format", "json", "policy.docx"], dir.path());
    let doc = json(&out);
    assert!(rules(&doc).contains(&"smoking-restriction".to_string()));
    let said: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "unused-suppression")
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(
        said,
        ["the Word comment on paragraph 3 is not read as a suppression: its reason opens a quotation mark that is never closed; close it at the end of the reason"]
    );
}

/// Word 97-2003, OpenDocument, Rich Text and web pages were read as
/// pathways (a syntax or encoding error that said nothing useful). They are
/// now refused by name, with what to save them as; a PDF saved under such
/// a name is still read.
#[test]
fn document_formats_msklint_does_not_read_are_refused_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8], &str); 7] = [
        (
            "legacy.vsd",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1visio",
            "save it as a Visio drawing (.vsdx)",
        ),
        (
            "deck.ppt",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1slides",
            "a PowerPoint 97-2003 presentation",
        ),
        ("flow.png", b"\x89PNG\r\n\x1a\n\0\0", "a picture"),
        (
            "old.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1binary",
            "a Word 97-2003 document",
        ),
        ("draft.odt", b"PK\x03\x04zipped", "an OpenDocument text"),
        (
            "page.html",
            b"<p>Patients with a BMI over 40 are not referred.</p>",
            "a web page",
        ),
        ("notes.rtf", b"{\\rtf1 BMI over 40}", "a Rich Text document"),
    ];
    for (name, bytes, _) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    std::fs::copy(
        root().join("fixtures/pdf/hip-knee-policy.chromium.pdf"),
        dir.path().join("saved-as.doc"),
    )
    .unwrap();
    let mut args = vec!["check", "--no-cache", "--format", "json", "saved-as.doc"];
    args.extend(files.iter().map(|(name, _, _)| *name));
    let out = msklint(&args, dir.path());
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (name, _, what) in &files {
        let line = format!("error: {name}: cannot check this file: a .");
        assert!(stderr.contains(&line), "{name}: {stderr}");
        assert!(stderr.contains(what), "{name}: {stderr}");
    }
    assert!(stderr.contains("save it as a Word document (.docx) or as plain text (.txt)"));
    assert_eq!(doc["not_checked"].as_array().unwrap().len(), files.len());
    // The PDF under a Word name is read, as a PDF.
    assert_eq!(doc["summary"]["files"], 1);
    assert!(!rules(&doc).contains(&"syntax-error".to_string()), "{doc}");
    assert!(
        !rules(&doc).contains(&"invalid-encoding".to_string()),
        "{doc}"
    );
}

/// Word for the web and SharePoint may store the body as
/// `word/document2.xml`, named only in the package's relationships: such a
/// file was refused as "not a Word document".
#[test]
fn a_body_named_by_the_package_relationships_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let plain = docx(POLICY, &[]);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(plain)).unwrap();
    let mut body = Vec::new();
    std::io::Read::read_to_end(
        &mut archive.by_name("word/document.xml").unwrap(),
        &mut body,
    )
    .unwrap();
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("_rels/.rels", options).unwrap();
    zip.write_all(
        br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#,
    )
    .unwrap();
    zip.start_file("word/document2.xml", options).unwrap();
    zip.write_all(&body).unwrap();
    zip.finish().unwrap();
    std::fs::write(dir.path().join("web.docx"), buf.into_inner()).unwrap();
    let out = msklint(&["check", "--format", "json", "web.docx"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    assert_eq!(
        finding(&doc, "smoking-restriction")["paragraph"]["number"],
        3
    );
}

/// A `.docx` that holds no Word document at all is not checked, as a PDF
/// that cannot be opened is not: empty, an older Word file renamed, or not
/// a zip archive, a damaged one, or another Office file under a Word name
/// (each was an `invalid-encoding` finding, exit 1). Each gets advice.
#[test]
fn a_docx_that_is_no_word_document_is_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    let zipped = |part: &str| {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        zip.start_file(part, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"<x/>").unwrap();
        zip.finish().unwrap();
        buf.into_inner()
    };
    let deck = zipped("ppt/presentation.xml");
    // A presentation names its main part in the package's relationships
    // too; only a part under `word/` is a Word body.
    let named_deck = {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("_rels/.rels", options).unwrap();
        zip.write_all(br#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/></Relationships>"#).unwrap();
        zip.start_file("ppt/presentation.xml", options).unwrap();
        zip.write_all(b"<x/>").unwrap();
        zip.finish().unwrap();
        buf.into_inner()
    };
    let other = zipped("data/readme.xml");
    let mut cut = docx(POLICY, &[]);
    cut.truncate(cut.len() - 30);
    // A password-protected .docx: an OLE file holding an encrypted package
    // (the name's UTF-16 bytes are what tells it from a .doc).
    let mut locked = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    locked.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    let files: [(&str, &[u8], &str); 8] = [
        (
            "deck.docx",
            &deck,
            "it is a PowerPoint presentation (.pptx) under a Word name",
        ),
        (
            "named-deck.docx",
            &named_deck,
            "it is a PowerPoint presentation (.pptx) under a Word name",
        ),
        ("other.docx", &other, "it has no word/document.xml inside"),
        ("cut.docx", &cut, "the file is damaged"),
        ("empty.docx", b"", "the file is empty"),
        (
            "old.docx",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 Word 97",
            "Word 97-2003 document (.doc) under a .docx name",
        ),
        (
            "text.docx",
            b"Patients with a BMI over 40.\n",
            "a .docx file is a zip archive",
        ),
        ("locked.docx", &locked, "it is protected by a password"),
    ];
    for (name, bytes, _) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let mut args = vec!["check", "--no-cache", "--format", "json"];
    args.extend(files.iter().map(|(name, _, _)| *name));
    let out = msklint(&args, dir.path());
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (name, _, why) in &files {
        assert!(
            stderr.contains(&format!("error: {name}: ")),
            "{name}: {stderr}"
        );
        assert!(stderr.contains(why), "{name}: {stderr}");
    }
    assert_eq!(doc["not_checked"].as_array().unwrap().len(), files.len());
    assert_eq!(doc["summary"]["files"], 0);
}

/// Macro-enabled documents and templates (.docm, .dotx) are the same
/// format as .docx: they were refused as binary files.
#[test]
fn macro_enabled_documents_and_templates_are_read_as_word() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["policy.docm", "policy.dotx"] {
        std::fs::write(dir.path().join(name), docx(POLICY, &[])).unwrap();
    }
    let out = msklint(
        &[
            "check",
            "--no-cache",
            "--format",
            "json",
            "policy.docm",
            "policy.dotx",
        ],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    assert_eq!(doc["summary"]["files"], 2, "{doc}");
    assert!(rules(&doc).contains(&"bmi-threshold".to_string()), "{doc}");
}

/// Names as Windows and Notepad leave them: `HIPS.PATHWAY` is found by a
/// folder search like `hips.pathway`, and a pathway saved as
/// `hips.pathway.txt` is checked as a pathway, not passed as a policy with
/// nothing to say.
#[test]
fn pathways_saved_under_windows_names_are_checked_as_pathways() {
    let dir = tempfile::tempdir().unwrap();
    let pathway = "pathway \"Hips\" {\n  entry gp: \"GP\" { kind: gp }\n  exit ortho: \"Orthopaedics\" { kind: secondary }\n  gp -> ortho requires body_mass_index < 35\n}\n";
    std::fs::write(dir.path().join("HIPS.PATHWAY"), pathway).unwrap();
    let out = msklint(&["check", "--format", "json", "."], dir.path());
    let doc = json(&out);
    assert_eq!(doc["summary"]["files"], 1, "{doc}");
    assert!(rules(&doc).contains(&"bmi-threshold".to_string()));

    std::fs::remove_file(dir.path().join("HIPS.PATHWAY")).unwrap();
    std::fs::write(
        dir.path().join("hips.pathway.txt"),
        pathway.replace('\n', "\r\n"),
    )
    .unwrap();
    let out = msklint(
        &["check", "--format", "json", "hips.pathway.txt"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out);
    let bmi = finding(&doc, "bmi-threshold");
    assert_eq!(
        (bmi["line"].as_u64(), bmi["column"].as_u64()),
        (Some(4), Some(24))
    );
    // Plain text that only mentions a pathway is still a policy.
    std::fs::write(
        dir.path().join("notes.txt"),
        "The pathway \"Hips\" was agreed in May. Shared decisions are made with each person.\n",
    )
    .unwrap();
    let out = msklint(&["check", "--format", "json", "notes.txt"], dir.path());
    let doc = json(&out);
    assert!(!rules(&doc).iter().any(|r| r == "syntax-error"), "{doc}");
}

/// A folder on a shared drive holds what other programs leave beside the
/// documents: macOS's `._name` copies (binary metadata) and Word's `~$name`
/// lock files. A folder search read each and failed on it (exit 2); they
/// are passed over like hidden folders, and read when named.
#[test]
fn a_folder_search_passes_over_hidden_and_lock_files() {
    let dir = tempfile::tempdir().unwrap();
    let clean = std::fs::read(root().join("fixtures/examples/hip-knee-oa-clean.pathway")).unwrap();
    std::fs::write(dir.path().join("hips.pathway"), &clean).unwrap();
    std::fs::write(dir.path().join("._hips.pathway"), b"\0\x05\x16\x07Mac OS X").unwrap();
    std::fs::write(dir.path().join(".draft.pathway"), b"pathway {").unwrap();
    std::fs::write(dir.path().join("~$policy.docx"), b"\x0bJo Bloggs").unwrap();
    let out = msklint(
        &[
            "check",
            "--no-cache",
            "--format",
            "json",
            "--include",
            "*.docx",
            ".",
        ],
        dir.path(),
    );
    let doc = json(&out);
    assert_eq!(out.status.code(), Some(0), "{doc}");
    assert_eq!(doc["summary"]["files"], 1, "{doc}");
    // Named, a hidden file is read like any other.
    let out = msklint(&["check", "--no-cache", ".draft.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(1));
}

/// A Word file whose body is carried as an embedded part (`w:altChunk`),
/// as document generators and case systems write them, with `part` at
/// `word/{name}`.
fn chunked_docx(name: &str, part: &[u8]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(br#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body><w:p><w:r><w:t>Orthopaedic referral policy</w:t></w:r></w:p><w:altChunk r:id="rId7"/><w:sectPr/></w:body></w:document>"#).unwrap();
    zip.start_file("word/_rels/document.xml.rels", options)
        .unwrap();
    zip.write_all(format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk" Target="{name}"/></Relationships>"#).as_bytes()).unwrap();
    zip.start_file(format!("word/{name}"), options).unwrap();
    zip.write_all(part).unwrap();
    zip.finish().unwrap();
    buf.into_inner()
}

/// Such a file's words were all in the embedded part, so it was "a
/// document with no text" and passed with status 0. Word turns the part
/// into paragraphs when it opens the file; msklint now reads it as Word
/// would show it: HTML, a web archive, plain text or a Word document in a
/// Word document. A part it cannot read (RTF) stops the file with advice,
/// rather than pass it unread.
#[test]
fn a_body_carried_as_an_embedded_part_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let html = b"<html><head><title>Draft</title></head><body><h2>Criteria</h2>\
        <p>Patients who smoke will not be referred for surgery.</p>\
        <ul><li>BMI must be below 35</li></ul></body></html>";
    let nested = chunked_docx("inner.htm", html);
    let files: [(&str, Vec<u8>); 3] = [
        ("html.docx", chunked_docx("afchunk.htm", html)),
        ("nested.docx", chunked_docx("inner.docx", &nested)),
        (
            "text.docx",
            chunked_docx(
                "chunk.txt",
                b"Patients who smoke will not be referred for surgery.\r\nBMI must be below 35.\r\n",
            ),
        ),
    ];
    for (name, bytes) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let out = msklint(
            &["check", "--no-cache", "--format", "json", name],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1), "{name}: {out:?}");
        let doc = json(&out);
        for rule in ["smoking-restriction", "bmi-threshold"] {
            assert!(
                finding(&doc, rule)["snippet"].is_string(),
                "{name}: {rule} {doc}"
            );
        }
    }
    // The paragraph a reader finds it in counts the part's paragraphs as
    // Word shows them: the title, the heading, then the sentence.
    let out = msklint(&["check", "--format", "json", "html.docx"], dir.path());
    assert_eq!(
        finding(&json(&out), "smoking-restriction")["paragraph"]["number"],
        3
    );
    std::fs::write(
        dir.path().join("rtf.docx"),
        chunked_docx(
            "chunk.rtf",
            br"{\rtf1\ansi Patients who smoke will not be referred.}",
        ),
    )
    .unwrap();
    // As a damaged Word file: not checked, and said why.
    let out = msklint(
        &["check", "--no-cache", "--format", "json", "rtf.docx"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let doc = json(&out);
    assert_eq!(doc["summary"]["files"], 0, "{doc}");
    let message = doc["not_checked"][0]["message"].to_string();
    assert!(message.contains("embedded RTF document"), "{message}");
    assert!(message.contains("save it again"), "{message}");
}

/// A Word table's rows are read under its header row, as a Markdown
/// table's are: "Stopped smoking | No" under "Required before referral?"
/// lifts the criterion (it fired, the header being read apart), and a
/// "Threshold for referral" header over a blank first cell still leads its
/// rows.
#[test]
fn word_table_rows_are_read_with_their_header() {
    let dir = tempfile::tempdir().unwrap();
    let cell = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
    let row = |cells: &[&str]| {
        format!(
            "<w:tr>{}</w:tr>",
            cells.iter().map(|c| cell(c)).collect::<String>()
        )
    };
    let body = format!(
        "<w:p><w:r><w:t>Hip replacement</w:t></w:r></w:p><w:tbl>{}{}{}</w:tbl>",
        row(&["Criterion", "Required before referral?"]),
        row(&["BMI under 35", "Yes"]),
        row(&["Stopped smoking", "No"]),
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(format!(r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#).as_bytes()).unwrap();
    zip.finish().unwrap();
    std::fs::write(dir.path().join("table.docx"), buf.into_inner()).unwrap();
    let out = msklint(
        &["check", "--no-cache", "--format", "json", "table.docx"],
        dir.path(),
    );
    let doc = json(&out);
    assert_eq!(
        finding(&doc, "bmi-threshold")["paragraph"]["number"],
        3,
        "{doc}"
    );
    assert!(
        !doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["rule"] == "smoking-restriction"),
        "{doc}"
    );
}

/// One embedded part named many times, or parts inside parts, cannot make
/// a small file expand without bound: past 64 MB of their text the file
/// is not checked, found quickly (each part is read once), and never
/// counted among the files checked.
#[test]
fn embedded_parts_named_over_and_over_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let part = format!("<p>{}</p>", "Smokers wait. ".repeat(80_000));
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", options).unwrap();
    let refs = r#"<w:altChunk r:id="rId7"/>"#.repeat(100);
    zip.write_all(format!(r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{refs}</w:body></w:document>"#).as_bytes()).unwrap();
    zip.start_file("word/_rels/document.xml.rels", options)
        .unwrap();
    zip.write_all(br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk" Target="a.htm"/></Relationships>"#).unwrap();
    zip.start_file("word/a.htm", options).unwrap();
    zip.write_all(part.as_bytes()).unwrap();
    zip.finish().unwrap();
    std::fs::write(dir.path().join("many.docx"), buf.into_inner()).unwrap();
    let out = msklint(
        &["check", "--no-cache", "--format", "json", "many.docx"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let doc = json(&out);
    assert_eq!(doc["summary"]["files"], 0, "{doc}");
    assert_eq!(doc["not_checked"][0]["path"], "many.docx", "{doc}");
    let message = doc["not_checked"][0]["message"].to_string();
    assert!(
        message
            .contains("cannot check this Word document: its embedded parts hold more than 64 MB"),
        "{message}"
    );
    // The library still reads it as a finding on the file.
    let text = std::fs::read(dir.path().join("many.docx")).unwrap();
    let found = msklint::check::Linter::builtin()
        .unwrap()
        .check_bytes("many.docx", text);
    assert!(
        found
            .diagnostics
            .iter()
            .any(|d| d.rule == "invalid-encoding"),
        "{:?}",
        found.diagnostics
    );
}

/// A criterion in a Word footnote was never read (Word prints it at the
/// foot of the page); footnotes, endnotes, headers and footers are read
/// after the body under headings that say what they are, a header used on
/// every section once, and findings there name their paragraph.
#[test]
fn word_footnotes_and_headers_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let p = |text: &str| format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>");
    let mut parts: Vec<(&str, String)> = Vec::new();
    let mut file = |name: &'static str, text: String| parts.push((name, text));
    file(
        "word/document.xml",
        format!(
            "<w:document {w}><w:body>{}</w:body></w:document>",
            p("Referral to the joint clinic follows the criteria set out below.")
        ),
    );
    file(
        "word/_rels/document.xml.rels",
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="/word/footer1.xml"/></Relationships>"#.to_string(),
    );
    file(
        "word/footnotes.xml",
        format!(
            r#"<w:footnotes {w}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Patients who smoke are not listed for surgery.</w:t></w:r></w:p></w:footnote></w:footnotes>"#
        ),
    );
    let header = format!("<w:hdr {w}>{}</w:hdr>", p("Musculoskeletal access policy"));
    file("word/header1.xml", header.clone());
    file("word/header2.xml", header);
    file(
        "word/footer1.xml",
        format!("<w:ftr {w}>{}</w:ftr>", p("Version 2, page 1")),
    );
    std::fs::write(dir.path().join("notes.docx"), package(&parts)).unwrap();
    let out = msklint(
        &["check", "--no-cache", "--format", "json", "notes.docx"],
        dir.path(),
    );
    let doc = json(&out);
    let found = finding(&doc, "smoking-restriction");
    // Body 1, "Footnotes" 2, the footnote 3.
    assert_eq!(found["paragraph"]["number"], 3, "{doc}");
    let text =
        msklint::prose::docx::text(&std::fs::read(dir.path().join("notes.docx")).unwrap()).unwrap();
    assert_eq!(
        text,
        "Referral to the joint clinic follows the criteria set out below.\n\n# Footnotes\n\n\
         Patients who smoke are not listed for surgery.\n\n# Headers and footers\n\n\
         Musculoskeletal access policy\n\nVersion 2, page 1\n\n"
    );
}

/// Plain text copied out of a PDF keeps its words broken at line ends
/// ("in-" / "dex"); they are read, and quoted, joined, as the PDF's are.
#[test]
fn words_broken_at_line_ends_in_plain_text_are_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("policy.txt"),
        "Patients with a body mass in-\ndex of 40 or more will not be listed.\n\nPatients who do not at-\ntend will be dis-\ncharged.\n",
    )
    .unwrap();
    let out = msklint(
        &["check", "--no-cache", "--format", "json", "policy.txt"],
        dir.path(),
    );
    let doc = json(&out);
    assert!(finding(&doc, "bmi-threshold")["message"]
        .as_str()
        .unwrap()
        .contains("body mass index of 40"));
    assert!(finding(&doc, "dna-discharge")["message"]
        .as_str()
        .unwrap()
        .contains("do not attend will be discharged"));
}

/// A footer whose XML is broken is left out; the body is still checked
/// (it stopped the whole document once footers were read).
#[test]
fn a_broken_word_footer_leaves_the_body_checked() {
    let dir = tempfile::tempdir().unwrap();
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let mut parts: Vec<(&str, String)> = Vec::new();
    let mut file = |name: &'static str, text: String| parts.push((name, text));
    file("word/document.xml", format!("<w:document {w}><w:body><w:p><w:r><w:t>Patients who smoke are not listed for surgery.</w:t></w:r></w:p></w:body></w:document>"));
    file("word/_rels/document.xml.rels", r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#.to_string());
    file(
        "word/footer1.xml",
        format!("<w:ftr {w}><w:p><w:r><w:t>Page</w:r></w:p></w:ftr>"),
    );
    std::fs::write(dir.path().join("footer.docx"), package(&parts)).unwrap();
    let out = msklint(
        &["check", "--no-cache", "--format", "json", "footer.docx"],
        dir.path(),
    );
    let doc = json(&out);
    assert_eq!(
        finding(&doc, "smoking-restriction")["paragraph"]["number"],
        1,
        "{doc}"
    );
}

/// A zip package of the named parts, as Word writes a document.
fn package(parts: &[(&str, String)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let options = zip::write::SimpleFileOptions::default();
    for (name, text) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    buf.into_inner()
}

/// A Word document saved or renamed under a text name (`policy.txt`,
/// `policy.md`) is read as the Word document it is: it was an
/// `invalid-encoding` finding saying it "looks like a binary file".
#[test]
fn a_word_document_under_a_text_name_is_read_as_word() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = docx(POLICY, &[]);
    for name in ["policy.txt", "policy.md"] {
        std::fs::write(dir.path().join(name), &bytes).unwrap();
        let out = msklint(
            &["check", "--no-cache", "--format", "json", name],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1), "{name}");
        let doc = json(&out);
        let found = rules(&doc);
        assert!(
            !found.contains(&"invalid-encoding".to_string()),
            "{name}: {found:?}"
        );
        assert!(
            found.contains(&"smoking-restriction".to_string()),
            "{name}: {found:?}"
        );
        assert!(
            found.contains(&"bmi-threshold".to_string()),
            "{name}: {found:?}"
        );
    }
}

/// A file named on the command line that is not pathway code at all (the
/// configuration, another YAML file, a licence) gets one finding saying
/// so, not a syntax error for each line; a pathway with a misspelt
/// keyword still gets the precise error at the word.
#[test]
fn a_named_file_that_is_no_pathway_gets_one_finding_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "msklint.yaml",
        "# settings\nrules:\n  dead-end: { severity: info }\nvocabulary:\n  offers: [hydrotherapy]\n",
    );
    write("vocab.yaml", "vocabulary:\n  kinds: [msk_hub]\n");
    write(
        "LICENSE",
        "MIT License\n\nCopyright (c) 2025 Example ICB\n\nPermission is hereby granted, free of charge, to any person.\n",
    );
    write(
        "typo.pathway",
        "pathwya \"Typo\" {\n  entry gp: \"GP\" { kind: gp }\n}\n",
    );
    let out = msklint(
        &[
            "check",
            "--no-cache",
            "--format",
            "concise",
            "LICENSE",
            "msklint.yaml",
            "typo.pathway",
            "vocab.yaml",
        ],
        dir.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("[syntax-error]"))
        .collect();
    assert_eq!(
        errors,
        [
            "LICENSE:1:1: error[syntax-error] this file does not look like a pathway: it has no `pathway \"name\" { ... }` block",
            "msklint.yaml:2:1: error[syntax-error] this is msklint's configuration file, not a pathway",
            "typo.pathway:1:1: error[syntax-error] expected `pathway`, found `pathwya`",
            "vocab.yaml:1:1: error[syntax-error] this is a YAML file, not a pathway",
        ],
        "{stdout}"
    );
    // Nothing else is found in the files that are no pathway.
    for name in ["LICENSE", "msklint.yaml", "vocab.yaml"] {
        let count = stdout
            .lines()
            .filter(|l| l.starts_with(&format!("{name}:")))
            .count();
        assert_eq!(count, 1, "{name}: {stdout}");
    }
}
