//! Diagrams read as pathways (src/import/, docs/import.md): the bundled
//! example drawn in each format gives the hand-written pathway's findings;
//! every guess fires on its fixture and not on its near miss; damaged,
//! unsupported and oversized diagrams are refused with a reason (exit 2)
//! without losing the rest of the run; findings name their shape; the
//! examples in docs/import.md are what `msklint import` and `msklint
//! check` print; and Mermaid's own parser (npm `mermaid`) reads the Mermaid
//! fixtures as msklint does, a test gated like every outside program
//! (tests/programs/mod.rs).

mod programs;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use msklint::check::{FileReport, Linter};
use msklint::import::{self, Diagram, Form};
use msklint::input::InputFormat;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn msklint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn linter() -> Linter {
    Linter::builtin().unwrap()
}

fn check(linter: &Linter, path: &str) -> FileReport {
    let bytes = std::fs::read(root().join(path)).unwrap();
    linter.check_bytes(path, bytes)
}

/// Node IDs and labels declared in a pathway's text.
fn labels(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        for kw in ["entry ", "service ", "exit "] {
            let Some(rest) = t.strip_prefix(kw) else {
                continue;
            };
            let Some((id, rest)) = rest.split_once(": \"") else {
                continue;
            };
            let label = rest.split('"').next().unwrap_or("");
            out.push((id.to_string(), label.to_string()));
        }
    }
    out
}

/// Each finding but the guesses as (rule, subject), with the subject's
/// node IDs put as the hand-written example names them: the node whose
/// label the imported node's label starts with (a drawing may say more,
/// "First contact practitioner: assessment, …").
fn findings(
    report: &FileReport,
    example: &[(String, String)],
) -> BTreeMap<(String, String), usize> {
    let own = labels(&report.source.text);
    let canonical = |id: &str| {
        let Some((_, label)) = own.iter().find(|(i, _)| i == id) else {
            return id.to_string();
        };
        example
            .iter()
            .filter(|(_, l)| label.starts_with(l.as_str()))
            .max_by_key(|(_, l)| l.len())
            .map_or(id.to_string(), |(i, _)| i.clone())
    };
    let mut out = BTreeMap::new();
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.rule != "import-guess")
    {
        let subject = d
            .subject
            .as_deref()
            .unwrap_or("")
            .split(" -> ")
            .map(canonical)
            .collect::<Vec<_>>()
            .join(" -> ");
        *out.entry((d.rule.to_string(), subject)).or_default() += 1;
    }
    out
}

const DRAWINGS: [&str; 7] = [
    "fixtures/import/hip-knee-oa.mmd",
    "fixtures/import/hip-knee-oa.drawio",
    "fixtures/import/hip-knee-oa-compressed.drawio",
    "fixtures/import/hip-knee-oa.bpmn",
    "fixtures/import/hip-knee-oa.pptx",
    "fixtures/import/hip-knee-oa-libreoffice.pptx",
    "fixtures/import/hip-knee-oa.vsdx",
];

#[test]
fn each_drawing_of_the_example_gives_the_hand_written_findings() {
    let linter = linter();
    let example = check(&linter, "fixtures/examples/hip-knee-oa.pathway");
    let names = labels(&example.source.text);
    let want = findings(&example, &names);
    assert_eq!(want.len(), 3, "{want:?}");
    for path in DRAWINGS {
        let report = check(&linter, path);
        assert_eq!(findings(&report, &names), want, "{path}");
        assert!(report.problem().is_none(), "{path}: {:?}", report.problem());
        // Guessed, and said so: an entry, a kind, a criterion at least.
        let guesses: Vec<&str> = report
            .diagnostics
            .iter()
            .filter(|d| d.rule == "import-guess")
            .map(|d| d.message.as_str())
            .collect();
        assert!(guesses.len() > 10, "{path}: {guesses:?}");
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.rule == "import-guess")
        {
            assert_eq!(d.severity, msklint::diagnostic::Severity::Info);
            assert_eq!(d.code.as_deref(), Some("MSK014"));
        }
        // Every node and route of the written pathway names its shape.
        let bmi = report
            .diagnostics
            .iter()
            .find(|d| d.rule == "bmi-threshold")
            .unwrap();
        let part = report.source.part_at(bmi.span.start()).unwrap();
        assert!(
            part.text.starts_with("Orthopaedic surgery"),
            "{path}: {part:?}"
        );
    }
}

/// The text an SVG shows: what its `<text>` elements hold, markup and
/// entities resolved, with no whitespace at all (renderers break lines
/// and split runs where they like; text only in a `<title>` or a comment
/// does not count).
fn svg_text(svg: &str) -> String {
    let mut out = String::new();
    let mut rest = svg;
    while let Some(at) = rest.find("<text") {
        let after = &rest[at + "<text".len()..];
        rest = after;
        if !after.starts_with(|c: char| c == '>' || c.is_whitespace()) {
            continue; // <textPath>, <textarea>
        }
        let Some(open) = after.find('>') else { break };
        if after[..open].ends_with('/') {
            continue;
        }
        let Some(close) = after.find("</text>") else {
            break;
        };
        let mut inside = false;
        for c in after[open + 1..close].chars() {
            match c {
                '<' => inside = true,
                '>' => inside = false,
                c if !inside => out.push(c),
                _ => {}
            }
        }
        rest = &after[close..];
    }
    let mut text = String::new();
    let mut parts = out.split('&');
    text.push_str(parts.next().unwrap_or(""));
    for part in parts {
        let Some((name, tail)) = part.split_once(';') else {
            text.push('&');
            text.push_str(part);
            continue;
        };
        let c = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => text.push(c),
            None => {
                text.push('&');
                text.push_str(name);
                text.push(';');
            }
        }
        text.push_str(tail);
    }
    text.split_whitespace().collect()
}

#[test]
fn svg_text_reads_text_elements_only() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"><title>Orthopaedic surgery</title>
<text x="1"><tspan>BMI &lt; 40,</tspan><tspan dy="1"> non-smoker</tspan></text>
<textPath>not this</textPath><text/><text>Orthopaedic</text><text>surgery &#38; &#x41;</text></svg>"#;
    assert_eq!(svg_text(svg), "BMI<40,non-smokerOrthopaedicsurgery&A");
}

/// Every picture docs/import.md shows is an SVG of the diagram it is named
/// after (`images/import/NAME.EXT.svg` pictures `fixtures/import/NAME.EXT`):
/// each line of each shape's text on a flowchart page, as msklint reads
/// the diagram, is text in the picture. A missing picture, one that is not
/// SVG, one of another diagram, or one whose text became outlines fails.
#[test]
fn each_picture_in_the_import_doc_is_an_svg_of_its_diagram() {
    let doc = std::fs::read_to_string(root().join("docs/import.md")).unwrap();
    let pictures: Vec<&str> = doc
        .match_indices("](images/")
        .map(|(i, _)| {
            let rest = &doc[i + 2..];
            &rest[..rest.find(')').unwrap()]
        })
        .collect();
    for ext in ["mmd", "drawio", "bpmn", "pptx", "vsdx"] {
        let want = format!("images/import/hip-knee-oa.{ext}.svg");
        assert!(
            pictures.contains(&want.as_str()),
            "docs/import.md shows no {want}: {pictures:?}"
        );
    }
    for picture in pictures {
        let path = root().join("docs").join(picture);
        let svg = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("docs/import.md shows {picture}, which cannot be read: {e}")
        });
        let mut head = svg.trim_start();
        while head.starts_with("<?") || head.starts_with("<!") {
            let end = if head.starts_with("<!--") {
                head.find("-->").map(|i| i + 3)
            } else {
                head.find('>').map(|i| i + 1)
            };
            head = head[end.unwrap_or(head.len())..].trim_start();
        }
        assert!(
            head.starts_with("<svg") && svg.contains("http://www.w3.org/2000/svg"),
            "{picture} is not an SVG file"
        );
        assert!(svg.trim_end().ends_with("</svg>"), "{picture} is cut short");
        let name = picture
            .rsplit('/')
            .next()
            .and_then(|n| n.strip_suffix(".svg"))
            .unwrap_or_else(|| panic!("{picture} is not named NAME.EXT.svg"));
        let fixture = format!("fixtures/import/{name}");
        let format = InputFormat::of(&fixture);
        assert!(format.is_diagram(), "{picture}: {fixture} is not a diagram");
        let bytes = std::fs::read(root().join(&fixture))
            .unwrap_or_else(|e| panic!("{picture} pictures {fixture}, which cannot be read: {e}"));
        let diagram = Diagram::read(format, &bytes).unwrap();
        let shown = svg_text(&svg);
        let mut lines = 0;
        for page in diagram.pages.iter().filter(|p| !p.links.is_empty()) {
            for shape in &page.shapes {
                for line in shape.text.lines() {
                    let want: String = line.split_whitespace().collect();
                    assert!(
                        shown.contains(&want),
                        "{picture} does not show “{line}” of shape `{}` in {fixture}",
                        shape.id
                    );
                    lines += 1;
                }
            }
        }
        assert!(
            lines >= 10,
            "{picture}: {fixture} has only {lines} lines of shape text"
        );
        for must in ["Orthopaedic surgery", "ESCAPE-pain", "GP practice"] {
            let want: String = must.split_whitespace().collect();
            assert!(shown.contains(&want), "{picture} does not show “{must}”");
        }
    }
}

#[test]
fn compressed_and_plain_draw_io_are_the_same_diagram() {
    let read = |p: &str| {
        Diagram::read(InputFormat::DrawIo, &std::fs::read(root().join(p)).unwrap()).unwrap()
    };
    let (plain, packed) = (
        read("fixtures/import/hip-knee-oa.drawio"),
        read("fixtures/import/hip-knee-oa-compressed.drawio"),
    );
    assert_eq!(plain.pages, packed.pages);
    // Only the plain file has lines to point findings at.
    let ortho = &plain.pages[0]
        .shapes
        .iter()
        .find(|s| s.text.starts_with("Orthopaedic"))
        .unwrap()
        .id;
    assert!(plain.places.get(false, ortho).is_some());
    assert!(packed.places.get(false, ortho).is_none());
}

/// A zip package rewritten entry by entry: `change` returns an entry's
/// new bytes, or `None` to leave it out.
fn repack(bytes: &[u8], change: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>) -> Vec<u8> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if let Some(content) = change(&name, content) {
            entries.push((name, content));
        }
    }
    zipped(&entries)
}

/// A zip archive of these entries, deflated.
fn zipped(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap();
    buf.into_inner()
}

fn deck() -> Vec<u8> {
    std::fs::read(root().join("fixtures/import/hip-knee-oa.pptx")).unwrap()
}

#[test]
fn only_the_slides_holding_a_flowchart_become_pathways() {
    // The deck's title slide and slide of bullets are passed over.
    let diagram = Diagram::read(InputFormat::Pptx, &deck()).unwrap();
    assert_eq!(diagram.pages.len(), 1);
    assert_eq!(diagram.pages[0].name, "Hip and knee osteoarthritis");
    let page = &diagram.pages[0];
    assert_eq!(page.links.len(), 13);
    // The two labels drawn on connectors are their text, not shapes.
    let labelled: Vec<&str> = page
        .links
        .iter()
        .filter(|l| !l.text.is_empty())
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        labelled,
        [
            "red flags, or severe symptoms after a shared decision",
            "symptoms for 12 weeks or more"
        ]
    );
    assert!(!page.shapes.iter().any(|s| s.text.starts_with("symptoms")));
    let forms = |f: Form| page.shapes.iter().filter(|s| s.form == f).count();
    assert_eq!(
        (
            forms(Form::Terminal),
            forms(Form::Process),
            forms(Form::Note)
        ),
        (3, 6, 1)
    );

    // Near miss: the same deck with the connectors glued at their start
    // only. No slide holds a flowchart, and the file is refused.
    let unglued = repack(&deck(), |name, content| {
        if name != "ppt/slides/slide2.xml" {
            return Some(content);
        }
        let xml = String::from_utf8(content).unwrap();
        let mut out = String::new();
        let mut rest = xml.as_str();
        while let Some(at) = rest.find("<a:endCxn ") {
            out.push_str(&rest[..at]);
            let end = rest[at..].find("/>").unwrap() + at + 2;
            rest = &rest[end..];
        }
        out.push_str(rest);
        Some(out.into_bytes())
    });
    assert!(refused("unglued.pptx", &unglued).contains("none of its 3 slides holds a flowchart"));
    // Without the flowchart slide, the other two are not one.
    let two = repack(&deck(), |name, content| {
        (name != "ppt/slides/slide2.xml").then_some(content)
    });
    assert!(refused("two.pptx", &two).contains("none of its 2 slides holds a flowchart"));
    let out = msklint(&["import", "fixtures/import/hip-knee-oa.pptx"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("pathway \"").count(), 1, "{text}");
}

#[test]
fn slides_are_taken_in_the_order_the_deck_shows_them() {
    // A copy of the flowchart slide, with its own title, added as
    // slide4.xml but listed first in presentation.xml.
    let bytes = deck();
    let reordered = repack(&bytes, |name, content| {
        match name {
        "ppt/presentation.xml" => Some(
            String::from_utf8(content)
                .unwrap()
                .replace(
                    "<p:sldIdLst>",
                    "<p:sldIdLst><p:sldId id=\"300\" r:id=\"rIdCopy\"/>",
                )
                .into_bytes(),
        ),
        "ppt/_rels/presentation.xml.rels" => Some(
            String::from_utf8(content)
                .unwrap()
                .replace(
                    "</Relationships>",
                    "<Relationship Id=\"rIdCopy\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide\" Target=\"slides/slide4.xml\"/></Relationships>",
                )
                .into_bytes(),
        ),
        _ => Some(content),
    }
    });
    let slide2 = {
        use std::io::Read;
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice())).unwrap();
        let mut xml = String::new();
        archive
            .by_name("ppt/slides/slide2.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(xml.contains("<a:t>Hip and knee osteoarthritis</a:t>"));
        xml.replace(
            "<a:t>Hip and knee osteoarthritis</a:t>",
            "<a:t>Second copy</a:t>",
        )
    };
    let with_copy = |package: &[u8]| {
        let mut entries = Vec::new();
        {
            use std::io::Read;
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(package)).unwrap();
            for i in 0..archive.len() {
                let mut entry = archive.by_index(i).unwrap();
                let mut content = Vec::new();
                entry.read_to_end(&mut content).unwrap();
                entries.push((entry.name().to_string(), content));
            }
        }
        entries.push((
            "ppt/slides/slide4.xml".to_string(),
            slide2.clone().into_bytes(),
        ));
        zipped(&entries)
    };
    let names = |package: &[u8]| -> Vec<String> {
        Diagram::read(InputFormat::Pptx, package)
            .unwrap()
            .pages
            .into_iter()
            .map(|p| p.name)
            .collect()
    };
    assert_eq!(
        names(&with_copy(&reordered)),
        ["Second copy", "Hip and knee osteoarthritis"]
    );
    // Without presentation.xml, by the numbers in the slides' names.
    let unlisted = repack(&with_copy(&bytes), |name, content| {
        (name != "ppt/presentation.xml").then_some(content)
    });
    assert_eq!(
        names(&unlisted),
        ["Hip and knee osteoarthritis", "Second copy"]
    );
}

#[test]
fn damaged_decks_and_zip_bombs_are_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = deck();
    // Cut short: the zip's directory at its end is lost.
    let cut = &bytes[..bytes.len() / 2];
    assert!(refused("cut.pptx", cut).contains("not a readable zip archive"));
    assert!(refused("text.pptx", b"flowchart TD\n  a --> b\n").contains("not a readable zip"));
    // A slide that is not XML.
    let broken = repack(&bytes, |name, content| {
        Some(if name == "ppt/slides/slide2.xml" {
            b"<p:sld><p:cSld><p:spTree></p:sld>".to_vec()
        } else {
            content
        })
    });
    assert!(refused("broken.pptx", &broken).starts_with("slide 2 is malformed XML"));
    // Another kind of zip named .pptx.
    let word = zipped(&[("word/document.xml".to_string(), b"<w:document/>".to_vec())]);
    assert!(refused("word.pptx", &word).contains("no slides"));
    // A zip bomb: a slide a few kilobytes long that inflates past the limit.
    let spaces = vec![b' '; import::MAX_INFLATED_BYTES + 1];
    let bomb = zipped(&[("ppt/slides/slide1.xml".to_string(), spaces)]);
    assert!(bomb.len() < 100_000, "{}", bomb.len());
    assert!(refused("bomb.pptx", &bomb).contains("inflate to more than 16 MB"));
    // And one of too many entries.
    let many: Vec<(String, Vec<u8>)> = (0..=import::package::MAX_ZIP_ENTRIES)
        .map(|i| (format!("ppt/slides/slide{i}.xml"), Vec::new()))
        .collect();
    assert!(refused("many.pptx", &zipped(&many)).contains("entries, over the 5000"));
    // On the command line: exit 2 with the reason, the rest still checked.
    for (name, content, why) in [
        ("bomb.pptx", &bomb, "inflate to more than 16 MB"),
        ("broken.pptx", &broken, "slide 2 is malformed XML"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let out = msklint(&[
            "check",
            "--no-config",
            "--format",
            "concise",
            path.to_str().unwrap(),
            "fixtures/examples/hip-knee-oa.pathway",
        ]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("cannot read this diagram"), "{stderr}");
        assert!(stderr.contains(why), "{name}: {stderr}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("error[bmi-threshold]"));
        let out = msklint(&["import", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
    }
}

#[test]
fn a_visio_drawing_is_read_through_its_connects() {
    let bytes = std::fs::read(root().join("fixtures/import/hip-knee-oa.vsdx")).unwrap();
    let diagram = Diagram::read(InputFormat::Vsdx, &bytes).unwrap();
    assert_eq!(diagram.pages.len(), 1);
    let page = &diagram.pages[0];
    // Named after its title shape, which is not a node.
    assert_eq!(page.name, "Hip and knee osteoarthritis");
    assert!(!page.shapes.iter().any(|s| s.text == page.name));
    assert_eq!(page.links.len(), 13);
    // The circles are terminators; the fields are in a box joined to
    // nothing, which the shared step reads as a note.
    let forms = |f: Form| page.shapes.iter().filter(|s| s.form == f).count();
    assert_eq!(
        (
            forms(Form::Terminal),
            forms(Form::Process),
            forms(Form::Note)
        ),
        (3, 7, 0)
    );
    let weeks = page
        .links
        .iter()
        .find(|l| l.text == "symptoms for 12 weeks or more")
        .unwrap();
    let text_of = |id: &str| &page.shapes.iter().find(|s| s.id == id).unwrap().text;
    assert_eq!(text_of(&weeks.from), "ESCAPE-pain group");
    assert!(text_of(&weeks.to).starts_with("Orthopaedic surgery"));

    // Near miss: the same drawing with nothing in its Connects part. Its
    // connectors are glued to nothing, so the page holds no flowchart.
    let unglued = repack(&bytes, |name, content| {
        if name != "visio/pages/page1.xml" {
            return Some(content);
        }
        let xml = String::from_utf8(content).unwrap();
        let start = xml.find("<Connects>").unwrap();
        let end = xml.find("</Connects>").unwrap() + "</Connects>".len();
        Some(format!("{}{}", &xml[..start], &xml[end..]).into_bytes())
    });
    assert!(refused("unglued.vsdx", &unglued).contains("its one page does not hold a flowchart"));
    // Damaged, another kind of zip, a zip bomb.
    assert!(refused("cut.vsdx", &bytes[..bytes.len() / 2]).contains("not a readable zip archive"));
    assert!(refused("deck.vsdx", &deck()).contains("no pages"));
    let broken = repack(&bytes, |name, content| {
        Some(if name == "visio/pages/page1.xml" {
            b"<PageContents><Shapes></PageContents>".to_vec()
        } else {
            content
        })
    });
    assert!(refused("broken.vsdx", &broken).starts_with("page 1 is malformed XML"));
    let spaces = vec![b' '; import::MAX_INFLATED_BYTES + 1];
    let bomb = zipped(&[("visio/pages/page1.xml".to_string(), spaces)]);
    assert!(refused("bomb.vsdx", &bomb).contains("inflate to more than 16 MB"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.vsdx");
    std::fs::write(&path, &bomb).unwrap();
    let out = msklint(&["check", "--no-config", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inflate to more than 16 MB"));
}

#[test]
fn several_pages_become_several_pathways() {
    let out = msklint(&["import", "fixtures/import/two-pages.drawio"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("pathway \"Hip and knee osteoarthritis\" {"));
    assert!(text.contains("pathway \"Low back pain\" {"));
    let report = check(&linter(), "fixtures/import/two-pages.drawio");
    assert!(report.diagnostics.iter().any(
        |d| d.pathway.as_deref() == Some("Low back pain") && d.rule == "missing-mental-health"
    ));
}

/// Each guess: the fixture it fires on, and a marker in its message. The
/// near miss, `<stem>-near-miss.<ext>`, must not draw it.
const GUESSES: &[(&str, &str)] = &[
    ("entry-from-text.mmd", "its text names a way in"),
    ("exit-from-shape.mmd", "read as an exit"),
    ("criterion-on-connector.mmd", "read from “after 6 weeks”"),
    ("decision-branches.mmd", "drawn through shape `better`"),
    ("unrecognised.mmd", "no service recognised"),
    ("field-from-note.mmd", "`owner` read from"),
    ("connector-left-out.drawio", "is left out"),
    ("note-as-text.drawio", "kept in the pathway's `notes`"),
];

#[test]
fn every_guess_fires_on_its_fixture_and_not_on_its_near_miss() {
    let linter = linter();
    let dir = "fixtures/import/guesses";
    let mut listed = 0;
    for (file, marker) in GUESSES {
        let (stem, ext) = file.rsplit_once('.').unwrap();
        let fires = check(&linter, &format!("{dir}/{file}"));
        let near = check(&linter, &format!("{dir}/{stem}-near-miss.{ext}"));
        let has = |r: &FileReport| {
            r.diagnostics
                .iter()
                .any(|d| d.rule == "import-guess" && d.message.contains(marker))
        };
        assert!(has(&fires), "{file}: no guess with “{marker}”");
        assert!(
            !has(&near),
            "{stem}-near-miss.{ext}: a guess with “{marker}”"
        );
        for r in [&fires, &near] {
            assert!(r.problem().is_none(), "{file}: {:?}", r.problem());
            assert!(
                !r.diagnostics.iter().any(|d| d.rule == "syntax-error"),
                "{file}: the written pathway does not parse"
            );
        }
        listed += 2;
    }
    // Every fixture in the folder is one of these.
    let count = std::fs::read_dir(root().join(dir)).unwrap().count();
    assert_eq!(count, listed);
}

#[test]
fn restrictions_written_in_a_note_are_checked_and_point_at_the_note() {
    let linter = linter();
    let report = check(&linter, "fixtures/import/guesses/note-as-text.drawio");
    // The note's lines are kept apart, so each bullet is its own item.
    assert!(report.source.text.contains(
        "\"Listing criteria: BMI of 38 or lower; Stopped smoking at least 6 weeks before\","
    ));
    for (rule, shape) in [
        ("bmi-threshold", "rules"),
        ("smoking-restriction", "rules"),
        ("dna-discharge", "missed"),
    ] {
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.rule == rule)
            .unwrap_or_else(|| panic!("no {rule} from the note"));
        let part = report.source.part_at(d.span.start()).unwrap();
        assert_eq!(part.id, shape, "{rule}");
        assert!(!part.connector);
    }
    // A note of fields only adds no text to check.
    let near = check(
        &linter,
        "fixtures/import/guesses/note-as-text-near-miss.drawio",
    );
    assert!(!near.source.text.contains("notes:"));
    assert!(near.source.text.contains("owner: \"Example ICB\""));
    assert!(!near.diagnostics.iter().any(|d| matches!(
        d.rule.as_ref(),
        "bmi-threshold" | "smoking-restriction" | "dna-discharge"
    )));
}

#[test]
fn a_criterion_on_a_connector_becomes_requires_and_the_rest_when() {
    let linter = linter();
    let report = check(
        &linter,
        "fixtures/import/guesses/criterion-on-connector.mmd",
    );
    assert!(report
        .source
        .text
        .contains("physio -> ortho requires conservative_weeks >= 6\n"));
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.rule == "conservative-treatment-gate"));
    let near = check(
        &linter,
        "fixtures/import/guesses/criterion-on-connector-near-miss.mmd",
    );
    assert!(near
        .source
        .text
        .contains("physio -> ortho when \"if still in pain\"\n"));
}

#[test]
fn a_question_criterion_holds_on_yes_and_is_turned_round_on_no() {
    let linter = linter();
    // Branch labels that open with the answer and say more, and one that
    // is no answer at all.
    let text = "flowchart TD
  gp([GP]) --> q{BMI under 40?}
  q -->|Yes - list| ortho[Orthopaedic surgery]
  q -->|No, refer on| wm[Weight management service]
  q -->|Not yet measured| fcp[FCP]
  q2{Smoker?} -->|Yes, non-smoker| ortho
  fcp --> q2
  ortho --> home((Home))
  wm --> home
";
    let report = linter.check_bytes("branches.mmd", text.as_bytes().to_vec());
    let written = &report.source.text;
    for line in [
        "gp -> ortho when \"Yes - list\" requires bmi < 40\n",
        "gp -> wm when \"No, refer on\" requires bmi >= 40\n",
        "gp -> fcp when \"BMI under 40: Not yet measured\"\n",
        "fcp -> ortho when \"Smoker: Yes, non-smoker\" requires smoking == false\n",
    ] {
        assert!(written.contains(line), "no {line:?} in:\n{written}");
    }
    let bmi: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "bmi-threshold")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(bmi.len(), 1, "{bmi:?}");
    assert!(bmi[0].contains("`ortho`"), "{bmi:?}");
    // The smoking criterion was read from the arrow's label, and says so.
    assert!(report.diagnostics.iter().any(|d| d.rule == "import-guess"
        && d.message
            .contains("`smoking == false` read from “non-smoker” on connector")));

    // A question about how care went, answered on the way out: no gate on the exit.
    let review = "flowchart TD
  gp([GP]) --> physio[Physiotherapy]
  physio --> f{Improved after 6 weeks?}
  f -- Yes --> out((Discharge))
  f -- No --> pain[Pain clinic]
  pain --> out
";
    let report = linter.check_bytes("review.mmd", review.as_bytes().to_vec());
    assert!(
        report
            .source
            .text
            .contains("physio -> out when \"Improved after 6 weeks: Yes\"\n"),
        "{}",
        report.source.text
    );
    assert!(!report
        .diagnostics
        .iter()
        .any(|d| d.rule == "conservative-treatment-gate"));
    // The same with the exit drawn as a plain box that leads nowhere.
    let boxed = review.replace("out((Discharge))", "out[Discharge]");
    let report = linter.check_bytes("boxed.mmd", boxed.into_bytes());
    assert!(!report
        .diagnostics
        .iter()
        .any(|d| d.rule == "conservative-treatment-gate"));
    // An access question ending at a terminal shape keeps its gate, and a
    // branch that is neither an answer nor a refusal keeps the criterion.
    let ends = "flowchart TD
  gp([GP]) --> q{BMI under 40?}
  q -->|Yes| surg((Refer to orthopaedic surgery))
  q -->|No| wm[Weight management]
  gp --> r{BMI under 35?}
  r -->|Proceed| physio[Physiotherapy]
";
    let report = linter.check_bytes("ends.mmd", ends.as_bytes().to_vec());
    let written = &report.source.text;
    assert!(
        written.contains("gp -> surg requires bmi < 40\n"),
        "{written}"
    );
    assert!(
        written.contains("gp -> physio when \"Proceed\" requires bmi < 35\n"),
        "{written}"
    );
}

#[test]
fn the_json_and_human_output_name_the_shape() {
    let out = msklint(&[
        "check",
        "--no-config",
        "--format",
        "json",
        "fixtures/import/hip-knee-oa.mmd",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bmi = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "bmi-threshold")
        .unwrap();
    assert_eq!(bmi["shape"]["id"], "ortho");
    assert_eq!(bmi["shape"]["connector"], false);
    assert!(bmi["shape"]["text"]
        .as_str()
        .unwrap()
        .starts_with("Orthopaedic surgery"));
    let gate = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "symptom-duration-gate")
        .unwrap();
    assert_eq!(gate["shape"]["id"], "L_escape_ortho_0");
    assert_eq!(gate["shape"]["connector"], true);
    assert_eq!(gate["shape"]["text"], "symptoms for 12 weeks or more");
    // A pathway file's findings carry no shape.
    let out = msklint(&[
        "check",
        "--no-config",
        "--format",
        "json",
        "fixtures/examples/hip-knee-oa.pathway",
    ]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("\"shape\""));

    let out = msklint(&[
        "check",
        "--no-config",
        "--color",
        "never",
        "fixtures/import/hip-knee-oa.mmd",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("fixtures/import/hip-knee-oa.mmd:16:3, shape `ortho` “Orthopaedic surgery"),
        "{text}"
    );
}

/// The line in `file` holding `needle`, 1-based.
fn line_of(file: &str, needle: &str) -> usize {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in {file}"))
        + 1
}

#[test]
fn ci_annotations_point_into_the_drawing_file() {
    // GitHub annotates the drawing itself, so a finding goes on the line
    // that draws its shape, not on a line of the pathway written from it.
    let drawings = [
        (
            "fixtures/import/hip-knee-oa.mmd",
            "  ortho[\"Orthopaedic",
            "escape -->|symptoms",
        ),
        (
            "fixtures/import/hip-knee-oa.bpmn",
            "id=\"ortho\"",
            "id=\"flow8\"",
        ),
        (
            "fixtures/import/hip-knee-oa.drawio",
            "id=\"139998023789456\"",
            "id=\"139998023860496\"",
        ),
    ];
    for (file, shape, arrow) in drawings {
        let out = msklint(&["check", "--no-config", "--format", "github", file]);
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8_lossy(&out.stdout);
        let annotation = |rule: &str| {
            text.lines()
                .find(|l| l.contains(&format!("title={rule} ")))
                .unwrap_or_else(|| panic!("no {rule} in {text}"))
                .to_string()
        };
        let bmi = annotation("bmi-threshold");
        assert!(
            bmi.contains(&format!(",line={},", line_of(file, shape))),
            "{file}: {bmi}"
        );
        let gate = annotation("symptom-duration-gate");
        assert!(
            gate.contains(&format!(",line={},", line_of(file, arrow))),
            "{file}: {gate}"
        );

        let out = msklint(&["check", "--no-config", "--format", "sarif", file]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = doc["runs"][0]["results"].as_array().unwrap();
        let bmi = results
            .iter()
            .find(|r| r["ruleId"] == "bmi-threshold")
            .unwrap();
        let location = &bmi["locations"][0]["physicalLocation"];
        assert_eq!(location["region"]["startLine"], line_of(file, shape));
        assert!(location["region"].get("snippet").is_none(), "{location}");

        // JSON keeps its lines in the written pathway and adds the shape's.
        let out = msklint(&["check", "--no-config", "--format", "json", file]);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let bmi = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == "bmi-threshold")
            .unwrap();
        assert_eq!(bmi["shape"]["line"], line_of(file, shape));
        assert_ne!(bmi["line"], bmi["shape"]["line"], "{file}");
    }

    // A finding about the whole pathway goes on the file, with no line.
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("bare.mmd");
    std::fs::write(
        &bare,
        "flowchart TD\n  gp[GP practice] --> ortho[Orthopaedic surgery]\n",
    )
    .unwrap();
    let bare = bare.to_str().unwrap();
    let out = msklint(&["check", "--no-config", "--format", "github", bare]);
    let text = String::from_utf8_lossy(&out.stdout);
    let whole = text
        .lines()
        .find(|l| l.contains("title=missing-mental-health "))
        .unwrap();
    assert!(!whole.contains("line="), "{whole}");
    let out = msklint(&["check", "--no-config", "--format", "sarif", bare]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let whole = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "missing-mental-health")
        .unwrap();
    // Code scanning needs a start line: the file's first, and no more.
    let location = &whole["locations"][0]["physicalLocation"];
    assert_eq!(location["region"], serde_json::json!({ "startLine": 1 }));

    // PowerPoint has no lines: annotations go on the file.
    let out = msklint(&[
        "check",
        "--no-config",
        "--format",
        "github",
        "fixtures/import/hip-knee-oa.pptx",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    let bmi = text
        .lines()
        .find(|l| l.contains("title=bmi-threshold "))
        .unwrap();
    assert!(
        bmi.starts_with("::error file=fixtures/import/hip-knee-oa.pptx,title="),
        "{bmi}"
    );
    let out = msklint(&[
        "check",
        "--no-config",
        "--format",
        "json",
        "fixtures/import/hip-knee-oa.pptx",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bmi = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "bmi-threshold")
        .unwrap();
    assert!(bmi["shape"]["line"].is_null(), "{bmi}");
}

#[test]
fn import_writes_the_pathway_check_reads() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("hip.pathway");
    let out = msklint(&[
        "import",
        "fixtures/import/hip-knee-oa.bpmn",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("info[import-guess]"), "{stderr}");
    let written = std::fs::read_to_string(&out_path).unwrap();
    let linter = linter();
    let imported = check(&linter, "fixtures/import/hip-knee-oa.bpmn");
    assert_eq!(written, imported.source.text);
    // Written out, the guesses are no longer findings, the rest are.
    let checked = linter.check_text("hip.pathway", written);
    let names = labels(&checked.source.text);
    assert_eq!(findings(&checked, &names), findings(&imported, &names));
    assert!(!checked.diagnostics.iter().any(|d| d.rule == "import-guess"));

    let out = msklint(&["import", "fixtures/examples/hip-knee-oa.pathway"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a diagram msklint reads"));
    let out = msklint(&["import", "fixtures/import/no-such.mmd"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_damaged_diagram_is_refused_and_the_rest_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.drawio");
    std::fs::write(
        &bad,
        "<mxfile><diagram name=\"p\">not base64!</diagram></mxfile>",
    )
    .unwrap();
    let out = msklint(&[
        "check",
        "--no-config",
        "--format",
        "concise",
        bad.to_str().unwrap(),
        "fixtures/examples/hip-knee-oa.pathway",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot read this diagram"), "{stderr}");
    assert!(stderr.contains("base64"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("hip-knee-oa.pathway:24:15: error[bmi-threshold]"),
        "{stdout}"
    );
}

/// Every format but JSON prints a drawing's findings at their shapes and
/// arrows in the drawing's file, in the order of those places; JSON keeps
/// its line and column in the written pathway and gives the drawing's
/// place as `shape.line` and `shape.column` (docs/import.md).
#[test]
fn a_drawings_findings_are_listed_in_the_order_of_their_places() {
    let dir = tempfile::tempdir().unwrap();
    let mmd = dir.path().join("my.mmd");
    std::fs::write(
        &mmd,
        "flowchart LR\n  A[GP] --> B[MSK physio]\n  \
         B -->|BMI under 35 and non smoker| C[Orthopaedic surgeon]\n  \
         B -->|pain for 6 months| D[Pain clinic]\n  C --> E((Discharged))\n  \
         B -->|DNA x1| E\n",
    )
    .unwrap();
    let path = mmd.to_str().unwrap();
    let run = |format: &str| {
        let out = msklint(&[
            "check",
            "--no-config",
            "--no-cache",
            "--format",
            format,
            path,
        ]);
        String::from_utf8(out.stdout).unwrap()
    };
    // `my.mmd:LINE:COLUMN` of each line or heading that gives one.
    let places = |text: &str| -> Vec<(usize, usize)> {
        text.match_indices("my.mmd:")
            .filter_map(|(at, found)| {
                let rest = &text[at + found.len()..];
                let mut parts = rest.splitn(3, |c: char| !c.is_ascii_digit());
                let line = parts.next()?.parse().ok()?;
                let column = parts.next()?.parse().ok()?;
                Some((line, column))
            })
            .collect()
    };
    let concise = run("concise");
    assert!(
        concise.contains("my.mmd:3:5: error[bmi-threshold]"),
        "{concise}"
    );
    let printed = places(&concise);
    assert!(printed.len() > 20, "{concise}");
    let mut sorted = printed.clone();
    sorted.sort();
    assert_eq!(printed, sorted, "{concise}");
    // The human headings name the same places in the same order (but for
    // the pathway-wide findings, whose heading names the file alone).
    let placed: Vec<_> = printed.iter().copied().filter(|&p| p != (1, 1)).collect();
    assert_eq!(places(&run("human")), placed);

    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let bmi = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "bmi-threshold")
        .unwrap();
    let written = String::from_utf8(msklint(&["import", path]).stdout).unwrap();
    let line = bmi["line"].as_u64().unwrap() as usize;
    assert!(
        written.lines().nth(line - 1).unwrap().contains("bmi < 35"),
        "{line}: {written}"
    );
    assert_eq!(
        (
            bmi["shape"]["line"].as_u64(),
            bmi["shape"]["column"].as_u64()
        ),
        (Some(3), Some(5))
    );
    assert_eq!(bmi["shape"]["id"], "L_B_C_0");
}

/// Why `bytes` named `name` cannot be read, from the library.
fn refused(name: &str, bytes: &[u8]) -> String {
    let format = InputFormat::sniffed(name, bytes).unwrap_or(InputFormat::of(name));
    let err = Diagram::read(format, bytes).unwrap_err();
    // The check itself never fails: the same file is one finding.
    let report = linter().check_bytes(name, bytes.to_vec());
    assert_eq!(
        report.diagnostics.len(),
        1,
        "{name}: {:?}",
        report.diagnostics
    );
    assert_eq!(report.diagnostics[0].rule, "invalid-encoding");
    assert!(report.diagnostics[0].message.contains(&err), "{name}");
    err
}

#[test]
fn unsupported_and_damaged_diagrams_say_why() {
    assert!(refused("seq.mmd", b"sequenceDiagram\n  A->>B: hello\n").contains("sequenceDiagram"));
    assert!(refused("bad.mmd", b"flowchart TD\n  a --> b[open\n").starts_with("line 2:"));
    assert!(refused("empty.mmd", b"").contains("no Mermaid diagram"));
    assert!(refused(
        "cut.drawio",
        b"<mxfile><diagram name=\"p\"><mxGraphModel><root><mxCell id=\"0\""
    )
    .contains("malformed"));
    assert!(refused("png.drawio", b"\x89PNG\r\n\x1a\n\0\0").contains("UTF-8"));
    assert!(refused("html.drawio", b"<html><body/></html>").contains("not a draw.io file"));
    assert!(refused(
        "none.bpmn",
        b"<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"/>"
    )
    .contains("no <process>"));
    assert!(refused("wrong.bpmn", b"<mxfile/>").contains("not BPMN"));
    assert!(
        refused("blank.drawio", b"<mxfile><diagram name=\"p\"/></mxfile>").contains("no shapes")
    );
    // `.xml` is read as what it holds.
    let bpmn = std::fs::read(root().join("fixtures/import/hip-knee-oa.bpmn")).unwrap();
    let report = linter().check_bytes("exported.xml", bpmn);
    assert_eq!(report.kind, InputFormat::Bpmn);
    assert!(report.diagnostics.iter().any(|d| d.rule == "bmi-threshold"));
}

#[test]
fn limits_hold_for_huge_diagrams_and_zip_bombs() {
    // Too many shapes.
    let mut text = String::from("flowchart TD\n");
    for i in 0..(import::MAX_SHAPES / 2) {
        text.push_str(&format!("  a{i} --> b{i}\n"));
    }
    assert!(refused("many.mmd", text.as_bytes()).contains("more than 10000 shapes and connectors"));
    // Too many bytes.
    let huge = vec![b' '; import::MAX_DIAGRAM_BYTES + 1];
    assert!(refused("huge.mmd", &huge).contains("over the 16 MB"));
    // A compressed page that inflates past the limit: a few kilobytes of
    // deflated spaces.
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b'%'; 1 << 20];
    for _ in 0..=(import::MAX_INFLATED_BYTES >> 20) {
        deflate.write_all(&chunk).unwrap();
    }
    let packed = deflate.finish().unwrap();
    assert!(packed.len() < 100_000, "{}", packed.len());
    let content = base64(&packed);
    let bomb = format!("<mxfile><diagram name=\"bomb\">{content}</diagram></mxfile>");
    assert!(refused("bomb.drawio", bomb.as_bytes()).contains("inflates to more than 16 MB"));
    // A shape's text past the limit is cut, and a finding says so: a
    // criterion at its end is not lost in silence.
    let long = format!(
        "flowchart TD\n  gp([GP]) --> o[\"Orthopaedic surgery {}BMI < 40\"]\n  o --> e([Discharged])\n",
        "words ".repeat(400)
    );
    let report = linter().check_bytes("long.mmd", long.into_bytes());
    let cut: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "import-guess" && d.message.contains("characters of shape `o`"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(cut.len(), 1, "{:#?}", report.diagnostics);
    assert!(cut[0].contains("the last 428 were left out"), "{}", cut[0]);
    // A chain of decisions whose answers go different ways before they
    // meet again doubles its paths at each step; the routes stop at the
    // limit, and say so.
    let mut text = String::from("flowchart TD\n  s([GP]) --> d0{d}\n");
    for i in 0..20 {
        let next = i + 1;
        text.push_str(&format!(
            "  d{i} -->|yes| x{i}{{x}}\n  d{i} -->|no| y{i}{{y}}\n  x{i} -->|ok| d{next}{{d}}\n  y{i} -->|ok| d{next}\n"
        ));
    }
    text.push_str("  d20 --> p[Physiotherapy]\n  p --> e([Discharged])\n");
    let report = linter().check_bytes("paths.mmd", text.into_bytes());
    assert!(report.problem().is_none());
    assert!(report.source.text.lines().count() < import::MAX_ROUTES + 500);
    // An arrow through no decision is written even past the cap, so the
    // drawing's end is not taken for a dead end.
    assert!(
        report.source.text.lines().any(|l| l.trim() == "p -> e"),
        "{}",
        &report.source.text[report.source.text.len() - 2000..]
    );
    for rule in ["dead-end", "unreachable-node"] {
        assert!(
            !report.diagnostics.iter().any(|d| d.rule == rule),
            "{rule} after the cap"
        );
    }
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.rule == "import-guess" && d.message.contains("more than 50000 routes")));
}

#[test]
fn questions_whose_answers_all_lead_the_same_way_set_no_condition() {
    // Sixteen questions in a row, each answered Yes or No into the next:
    // whatever the answers, people reach surgery. That is one route with
    // no condition, not 65,536 routes, one per combination of answers.
    let mut text = String::from("flowchart TD\n  gp([GP]) --> d0{Q0?}\n");
    for i in 0..16 {
        let next = i + 1;
        text.push_str(&format!(
            "  d{i} -->|Yes| d{next}{{Q{next}?}}\n  d{i} -->|No| d{next}\n"
        ));
    }
    text.push_str("  d16 -->|Yes| ortho[Orthopaedic surgery]\n  d16 -->|No| home([Discharged])\n");
    let report = linter().check_bytes("chain.mmd", text.into_bytes());
    let routes: Vec<&str> = report
        .source
        .text
        .lines()
        .map(str::trim)
        .filter(|l| l.contains(" -> "))
        .collect();
    assert_eq!(
        routes,
        [
            "gp -> home when \"Q16: No\"",
            "gp -> ortho when \"Q16: Yes\""
        ],
        "{}",
        report.source.text
    );
    let guesses = report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "import-guess")
        .count();
    assert!(guesses < 20, "{guesses} guesses");
    // A branch whose label says more than yes or no keeps its condition.
    let text = "flowchart TD\n  gp([GP]) --> q{BMI over 40?}\n  q -->|Yes, urgent| ortho[Orthopaedic surgery]\n  q -->|No| ortho\n";
    let report = linter().check_bytes("kept.mmd", text.as_bytes().to_vec());
    let routes = report
        .source
        .text
        .lines()
        .filter(|l| l.contains(" -> "))
        .count();
    assert_eq!(routes, 2, "{}", report.source.text);
}

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn directory_searches_pick_up_diagrams() {
    let out = msklint(&[
        "check",
        "--no-config",
        "--format",
        "concise",
        "fixtures/import/",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    for path in DRAWINGS {
        assert!(text.contains(&format!("{path}:")), "{path}: {text}");
    }
    // `fmt` searches for pathways only, and refuses a named diagram.
    let out = msklint(&["fmt", "--check", "fixtures/import/hip-knee-oa.mmd"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a diagram, not a pathway"));
}

/// The examples in docs/import.md: a ```pathway block after
/// `<!-- import: PATH -->` is what `msklint import PATH` writes, and a
/// ```text block after `<!-- check: PATH -->` what `msklint check
/// --format concise PATH` prints.
#[test]
fn the_import_docs_show_what_the_commands_print() {
    let doc = std::fs::read_to_string(root().join("docs/import.md")).unwrap();
    let mut shown = 0;
    let mut lines = doc.lines();
    while let Some(line) = lines.next() {
        let (command, path) = match line.trim().strip_prefix("<!-- ") {
            Some(rest) => match rest.trim_end_matches("-->").trim().split_once(": ") {
                Some((c @ ("import" | "check"), p)) => (c, p.to_string()),
                _ => continue,
            },
            None => continue,
        };
        let fence = lines.next().unwrap_or("");
        assert!(fence.starts_with("```"), "no block after `{line}`");
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        let out = match command {
            "import" => msklint(&["import", &path]),
            _ => msklint(&["check", "--no-config", "--format", "concise", &path]),
        };
        let printed = String::from_utf8(out.stdout).unwrap();
        assert_eq!(body, printed, "docs/import.md, {command} {path}");
        shown += 1;
    }
    assert!(shown >= 6, "only {shown} examples");
}

#[test]
#[cfg_attr(
    not(all(run_node_tests, run_npm_tests)),
    ignore = "Node.js or npm is not on PATH; apt-get install nodejs npm, \
              or run with CI=true to make this a failure"
)]
fn mermaids_own_parser_reads_the_fixtures_as_msklint_does() {
    programs::require(&programs::NODE);
    programs::require(&programs::NPM);
    let tools = root().join("fixtures/import/tools");
    let out = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&tools)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "npm ci: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files: Vec<PathBuf> = vec![root().join("fixtures/import/hip-knee-oa.mmd")];
    let mut guesses: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/import/guesses"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "mmd"))
        .collect();
    guesses.sort();
    files.extend(guesses);
    let out = Command::new("node")
        .arg("mermaid-parse.mjs")
        .args(&files)
        .current_dir(&tools)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for file in &files {
        let theirs = &parsed[file.to_str().unwrap()];
        assert!(
            theirs["error"].is_null(),
            "{}: {}",
            file.display(),
            theirs["error"]
        );
        let page = import::mermaid::read(&std::fs::read(file).unwrap())
            .unwrap()
            .remove(0);
        let vertices: Vec<(String, String, Form)> = theirs["vertices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let form = match v[2].as_str().unwrap() {
                    "stadium" | "circle" | "doublecircle" => Form::Terminal,
                    "diamond" | "hexagon" => Form::Decision,
                    _ => Form::Process,
                };
                let text = import::from_html(v[1].as_str().unwrap());
                (v[0].as_str().unwrap().to_string(), text, form)
            })
            .collect();
        let ours: Vec<(String, String, Form)> = page
            .shapes
            .iter()
            .map(|s| (s.id.clone(), s.text.clone(), s.form))
            .collect();
        let sorted = |mut v: Vec<(String, String, Form)>| {
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        assert_eq!(sorted(ours), sorted(vertices), "{}", file.display());
        let edges: Vec<(String, String, String)> = theirs["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e[0].as_str().unwrap().to_string(),
                    e[1].as_str().unwrap().to_string(),
                    import::from_html(e[2].as_str().unwrap()),
                )
            })
            .collect();
        let ours: Vec<(String, String, String)> = page
            .links
            .iter()
            .map(|l| (l.from.clone(), l.to.clone(), l.text.clone()))
            .collect();
        assert_eq!(ours, edges, "{}", file.display());
    }
    // A statement msklint refuses, Mermaid refuses too.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.mmd");
    std::fs::write(&bad, "flowchart TD\n  a --> b[open\n").unwrap();
    let out = Command::new("node")
        .arg("mermaid-parse.mjs")
        .arg(&bad)
        .current_dir(&tools)
        .output()
        .unwrap();
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(parsed[bad.to_str().unwrap()]["error"].is_string());
    assert!(import::mermaid::read(b"flowchart TD\n  a --> b[open\n").is_err());
}

/// Without Node.js or npm the test above is ignored, or fails when built
/// under CI=true; run anyway, it fails. It never passes.
#[test]
fn without_node_the_mermaid_test_is_ignored_or_fails_never_passes() {
    let test = "mermaids_own_parser_reads_the_fixtures_as_msklint_does";
    let out = programs::rerun_without_programs(test, false);
    let text = String::from_utf8_lossy(&out.stdout);
    if cfg!(all(run_node_tests, run_npm_tests)) {
        assert!(text.contains(&format!("test {test} ... FAILED")), "{text}");
    } else {
        assert!(
            text.contains(&format!("test {test} ... ignored, Node.js or npm")),
            "{text}"
        );
    }
    let out = programs::rerun_without_programs(test, true);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("Node.js is not on PATH"), "{text}");
}

#[test]
fn a_mermaid_hexagon_is_a_service_and_a_diamond_a_decision() {
    let linter = linter();
    let hexagon = linter.check_bytes(
        "hex.mmd",
        b"flowchart TD\n  gp[GP practice] --> ortho{{Orthopaedic surgery}}\n  ortho --> rehab[Rehabilitation]\n"
            .to_vec(),
    );
    let text = &hexagon.source.text;
    assert!(text.contains("ortho: \"Orthopaedic surgery\""), "{text}");
    assert!(text.contains("gp -> ortho"), "{text}");
    assert!(text.contains("ortho -> rehab"), "{text}");
    assert!(!text.contains("when \"Orthopaedic surgery\""), "{text}");

    let diamond = linter.check_bytes(
        "diamond.mmd",
        b"flowchart TD\n  gp[GP practice] --> fit{Fit for surgery?}\n  fit --> rehab[Rehabilitation]\n"
            .to_vec(),
    );
    let text = &diamond.source.text;
    assert!(!text.contains("fit:"), "{text}");
    assert!(
        text.contains("gp -> rehab when \"Fit for surgery"),
        "{text}"
    );
}

/// `graph` draws a pathway as Mermaid with entity codes, kinds and findings
/// in its labels; importing that drawing gives the pathway back: the same
/// labels, kinds, `when` text and criteria, so the same findings.
#[test]
fn a_pathway_drawn_by_graph_imports_back_to_itself() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("q.pathway");
    std::fs::write(
        &source,
        "pathway \"Quotes\" {\n  entry gp: \"GP <main> & co #1\" { kind: gp requires: postcode == \"in area, or nearby\" }\n  service ortho: \"Ortho\" { kind: secondary offers: [surgery] requires: smoking == false, oxford_score <= 20 }\n  service physio: \"Physio\" { kind: community }\n  gp -> ortho when \"pain > 6/10 & \\\"severe\\\"\" requires symptom_weeks >= 12, bmi < 40, smoker == \"no\"\n  gp -> physio\n  gp -> physio\n  physio -> ortho\n}\n",
    )
    .unwrap();
    let drawn = msklint(&["graph", source.to_str().unwrap()]);
    assert_eq!(drawn.status.code(), Some(0), "{drawn:?}");
    let mmd = dir.path().join("q.mmd");
    // Without the pathway text graph keeps below the drawing (as an older
    // msklint drew it, or once edited), the drawing itself is read.
    let drawing = String::from_utf8(drawn.stdout).unwrap();
    let kept = drawing.find("%% msklint: the pathway").unwrap();
    std::fs::write(&mmd, &drawing[..kept]).unwrap();
    let imported = msklint(&["import", mmd.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&imported.stdout);
    assert!(text.contains("\"GP <main> & co #1\""), "{text}");
    assert!(text.contains("kind: secondary"), "{text}");
    assert!(!text.contains("rehabilitation"), "{text}");
    assert!(
        text.contains(
            "when \"pain > 6/10 & \\\"severe\\\"\" requires symptom_weeks >= 12, bmi < 40, smoker == \"no\""
        ),
        "{text}"
    );
    // The doubled route is drawn with its finding, `duplicate-route`, as
    // its only words: read back, the route has no `when`.
    assert_eq!(text.matches("n_gp -> n_physio\n").count(), 2, "{text}");
    assert!(!text.contains("duplicate-route"), "{text}");
    let checked = msklint(&["check", "--format", "concise", mmd.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&checked.stdout);
    assert!(out.contains("bmi-threshold"), "{out}");
    assert!(out.contains("symptom-duration-gate"), "{out}");
    // A node's own criteria are drawn, and read back as written.
    assert!(
        text.contains("requires: smoking == false, oxford_score <= 20"),
        "{text}"
    );
    assert!(out.contains("smoking-restriction"), "{out}");
    assert!(out.contains("oxford-score-threshold"), "{out}");
    // An entry's too, and a comma inside a quoted value does not split it.
    assert!(
        text.contains("requires: postcode == \"in area, or nearby\""),
        "{text}"
    );
    assert!(out.contains("address-required"), "{out}");
}

/// Lines that look like rule names are dropped only from drawings `graph`
/// made: in a drawing of one's own they are words of a label.
#[test]
fn a_hand_drawn_label_keeps_lines_that_name_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mmd = dir.path().join("own.mmd");
    std::fs::write(
        &mmd,
        "flowchart LR\n  a([\"GP\"]) --> b[\"Library<br/>Vocabulary\"]\n  b --> c[\"Physio<br/>stage-gate\"]\n",
    )
    .unwrap();
    let out = msklint(&["import", mmd.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Library Vocabulary"), "{text}");
    assert!(text.contains("Physio / stage-gate"), "{text}");
}

/// An exit keeps the kind its text names: A&E drawn as a circle that leads
/// nowhere is still urgent care, so the pathway has an urgent route.
#[test]
fn an_exit_drawn_as_a_circle_keeps_its_kind() {
    let drawing = "flowchart LR\n  GP([GP practice]) --> FCP[First contact physiotherapist]\n  FCP -->|red flags| AE((\"A&E\"))\n  FCP --> PHYSIO[Physiotherapy]\n";
    let report = linter().check_bytes("shoulder.mmd", drawing.as_bytes().to_vec());
    assert!(
        report
            .source
            .text
            .contains("exit AE: \"A&E\" {\n    kind: emergency\n  }"),
        "{}",
        report.source.text
    );
    let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert!(!rules.contains(&"missing-urgent-referral"), "{rules:?}");
}

/// Findings of `rule` as (subject, message), for asserting where they fire.
fn fired(report: &FileReport, rule: &str) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| d.subject.clone().unwrap_or_default())
        .collect()
}

#[test]
fn an_unlabelled_branch_takes_no_criterion_from_its_question() {
    let linter = linter();
    // One branch labelled Yes, the other not: only the Yes branch is gated.
    let one = "flowchart TD
  gp([GP practice]) --> q{BMI under 40?}
  q -->|Yes| surg[Orthopaedic surgery]
  q --> wm[Tier 3 weight management]
";
    let report = linter.check_bytes("one.mmd", one.as_bytes().to_vec());
    let written = &report.source.text;
    assert!(
        written.contains("gp -> surg requires bmi < 40\n"),
        "{written}"
    );
    assert!(
        written.contains("gp -> wm when \"BMI under 40?\"\n"),
        "{written}"
    );
    assert_eq!(fired(&report, "bmi-threshold"), ["gp -> surg"]);
    let note = |r: &FileReport, route: &str| {
        r.diagnostics.iter().any(|d| {
            d.rule == "import-guess"
                && d.message.starts_with(&format!("route `{route}` leaves"))
                && d.message
                    .contains("left without the question's criterion (`bmi < 40`)")
        })
    };
    assert!(note(&report, "gp -> wm"), "{:?}", report.diagnostics);
    assert!(!note(&report, "gp -> surg"));

    // Neither labelled: neither gated, both noted.
    let neither = one.replace("-->|Yes| surg", "--> surg");
    let report = linter.check_bytes("neither.mmd", neither.into_bytes());
    assert!(
        !report.source.text.contains("requires"),
        "{}",
        report.source.text
    );
    assert!(fired(&report, "bmi-threshold").is_empty());
    assert!(note(&report, "gp -> wm") && note(&report, "gp -> surg"));

    // A BPMN gateway's default flow, which has no condition, is not gated.
    let report = check(&linter, "fixtures/import/cases/default-flow.bpmn");
    let written = &report.source.text;
    assert!(
        written.contains("triage -> physio when \"Oxford knee score < 20?\"\n"),
        "{written}"
    );
    assert_eq!(fired(&report, "oxford-score-threshold"), ["triage -> surg"]);
}

#[test]
fn a_no_branch_carries_the_question_turned_round() {
    let linter = linter();
    // A restriction drawn as its opposite: people with a high BMI, or who
    // smoke, are sent elsewhere, so surgery is for the others only.
    for (question, on_no) in [
        ("BMI ≥ 40?", "bmi < 40"),
        ("BMI 40 or more?", "bmi < 40"),
        ("BMI 40 or above?", "bmi < 40"),
        ("BMI at least 40?", "bmi < 40"),
        ("BMI over 40?", "bmi <= 40"),
        ("BMI > 40?", "bmi <= 40"),
    ] {
        let text = format!(
            "flowchart TD
  gp([GP practice]) --> q{{\"{question}\"}}
  q -->|Yes| wm[Tier 3 weight management]
  q -->|No| surg[Orthopaedic surgery]
"
        );
        let report = linter.check_bytes("bmi.mmd", text.into_bytes());
        let written = &report.source.text;
        assert!(
            written.contains(&format!("gp -> surg requires {on_no}\n")),
            "{question}: {written}"
        );
        assert_eq!(
            fired(&report, "bmi-threshold"),
            ["gp -> surg"],
            "{question}"
        );
        assert!(report.diagnostics.iter().any(|d| d.rule == "import-guess"
            && d.message.starts_with(&format!("`{on_no}` read from"))
            && d.message.ends_with("turned round for its “No” branch")));
    }
    // Read the right way round too: "under", "less than", "≤".
    for (question, on_yes) in [
        ("BMI under 40?", "bmi < 40"),
        ("BMI less than 40?", "bmi < 40"),
        ("BMI ≤ 40?", "bmi <= 40"),
    ] {
        let text = format!(
            "flowchart TD
  gp([GP practice]) --> q{{\"{question}\"}}
  q -->|Yes| surg[Orthopaedic surgery]
  q -->|No| wm[Tier 3 weight management]
"
        );
        let report = linter.check_bytes("bmi.mmd", text.into_bytes());
        assert!(
            report
                .source
                .text
                .contains(&format!("gp -> surg requires {on_yes}\n")),
            "{question}: {}",
            report.source.text
        );
        assert_eq!(
            fired(&report, "bmi-threshold"),
            ["gp -> surg"],
            "{question}"
        );
    }

    // A yes/no question about smoking.
    let smoker = "flowchart TD
  gp([GP practice]) --> q{Smoker?}
  q -->|Yes| stop[Stop smoking service]
  q -->|No| surg[Orthopaedic surgery]
";
    let report = linter.check_bytes("smoker.mmd", smoker.as_bytes().to_vec());
    let written = &report.source.text;
    assert!(
        written.contains("gp -> surg requires smoking == false\n"),
        "{written}"
    );
    assert!(
        written.contains("gp -> stop requires smoking == true\n"),
        "{written}"
    );
    // The stop-smoking service may ask who smokes; surgery may not.
    assert_eq!(fired(&report, "smoking-restriction"), ["gp -> surg"]);

    // "No" says nothing of the weeks in a question about how care went,
    // and is one or the other of two criteria: neither is turned round.
    let not_turned = "flowchart TD
  gp([GP practice]) --> physio[Physiotherapy]
  physio --> f{Improved after 6 weeks?}
  f -->|No| pain[Pain clinic]
  f -->|Yes| self[Self-management]
  pain --> self
  gp --> q{BMI < 40 and non-smoker?}
  q -->|No| wm[Weight management]
";
    let report = linter.check_bytes("not.mmd", not_turned.as_bytes().to_vec());
    let written = &report.source.text;
    assert!(
        written.contains("physio -> pain when \"Improved after 6 weeks: No\"\n"),
        "{written}"
    );
    assert!(
        written.contains("gp -> wm when \"BMI < 40 and non-smoker: No\"\n"),
        "{written}"
    );
}

#[test]
fn draw_io_arrowheads_say_which_way_a_route_goes() {
    let linter = linter();
    let report = check(&linter, "fixtures/import/cases/arrowheads.drawio");
    let written = &report.source.text;
    // Drawn from the exit back to physio, with the head at physio's end:
    // a route from physio to the exit, which stays an exit.
    assert!(
        written.contains("physio -> home when \"goals met\"\n"),
        "{written}"
    );
    assert!(
        written.contains("exit home: \"Self-management\""),
        "{written}"
    );
    assert!(!written.contains("home ->"), "{written}");
    // Heads at both ends: a route each way.
    assert!(written.contains("physio -> pain\n"), "{written}");
    assert!(written.contains("pain -> physio\n"), "{written}");
    // The plain arrow is as drawn.
    assert!(written.contains("gp -> physio\n"), "{written}");
    assert!(report.problem().is_none(), "{:?}", report.problem());
}

#[test]
fn missed_appointments_drawn_in_a_diagram_are_read_as_a_dna_policy() {
    let linter = linter();
    // A box on missed appointments between a service and a discharge is
    // the reason for the route, as a label on the arrow would be.
    let report = check(&linter, "fixtures/import/cases/dna-box.mmd");
    let written = &report.source.text;
    assert!(
        written.contains("physio -> back when \"DNA x2\"\n"),
        "{written}"
    );
    assert!(!written.contains("service missed"), "{written}");
    assert_eq!(fired(&report, "dna-discharge"), ["physio -> back"]);

    // "Did not attend?" answered No is the people who came: no finding on
    // their route, one on the discharge.
    let report = check(&linter, "fixtures/import/cases/dna-question.mmd");
    let written = &report.source.text;
    assert!(
        written.contains("physio -> home when \"attended\"\n"),
        "{written}"
    );
    assert_eq!(fired(&report, "dna-discharge"), ["physio -> back"]);

    // A chain of questions on weight, treatment, education and address:
    // each is a criterion of the routes past it. The "No" branches into
    // joint school and into physio hold nobody back; the one back to the
    // GP carries what the drawing says of the people it returns.
    let report = check(&linter, "fixtures/import/cases/question-chain.mmd");
    let written = &report.source.text;
    assert!(
        written.contains("triage -> ortho requires education_completed == true, conservative_weeks >= 6, weight <= 120, registered_with_local_gp == true\n"),
        "{written}"
    );
    assert_eq!(
        fired(&report, "bmi-threshold"),
        ["triage -> back", "triage -> ortho"]
    );
    assert_eq!(
        fired(&report, "address-required"),
        ["triage -> back", "triage -> ortho"]
    );
    assert_eq!(
        fired(&report, "conservative-treatment-gate"),
        ["triage -> wm", "triage -> back", "triage -> ortho"]
    );
    assert_eq!(
        fired(&report, "education-gate"),
        [
            "triage -> physio",
            "triage -> wm",
            "triage -> back",
            "triage -> ortho"
        ]
    );

    // A BPMN boundary event on the task: a route out of the task itself.
    let report = check(&linter, "fixtures/import/cases/dna-boundary.bpmn");
    let written = &report.source.text;
    assert!(
        written.contains("physio -> back when \"Did not attend\"\n"),
        "{written}"
    );
    assert!(!written.contains("left out"), "{written}");
    assert_eq!(fired(&report, "dna-discharge"), ["physio -> back"]);
}

#[test]
fn mermaid_11_edge_ids_do_not_reject_the_diagram() {
    let linter = linter();
    let text = "flowchart TD
  gp([GP practice]) --> physio[Physiotherapy]
  physio e1@==> pain((Pain clinic))
  e1@{ animate: true }
";
    let report = linter.check_bytes("ids.mmd", text.as_bytes().to_vec());
    assert!(report.problem().is_none(), "{:?}", report.problem());
    let written = &report.source.text;
    assert!(written.contains("physio -> pain\n"), "{written}");
    assert!(!written.contains("e1"), "{written}");
}

#[test]
fn a_name_broken_across_lines_is_one_label() {
    let linter = linter();
    let text = "flowchart TD
  gp([GP<br>practice]) --> fcp[First contact<br>practitioner]
  fcp --> s[\"Orthopaedic<br/>surgery<br/>BMI under 40\"]
  fcp --> p[Physio-<br>therapy]
  fcp --> spine[\"`**Spinal** _surgery_`\"]
";
    let report = linter.check_bytes("lines.mmd", text.as_bytes().to_vec());
    let written = &report.source.text;
    for line in [
        "entry gp: \"GP practice\"",
        "service fcp: \"First contact practitioner\"",
        "service s: \"Orthopaedic surgery\"",
        "service p: \"Physiotherapy\"",
        "service spine: \"Spinal surgery\"",
    ] {
        assert!(written.contains(line), "no {line:?} in:\n{written}");
    }
    // The line that says more is still read: a criterion of the box.
    assert_eq!(fired(&report, "bmi-threshold"), ["s"]);
    // The example's boxes keep their name on the first line and their
    // details below it.
    let report = check(&linter, "fixtures/import/hip-knee-oa.mmd");
    assert!(report
        .source
        .text
        .contains("service fcp: \"First contact practitioner\""));
}

/// A drawing `msklint graph` made gives its pathway back whole while it is
/// unchanged (a drawing shows no fields or offers, so reading it as a
/// drawing added false missing-* findings); once edited, it is read as any
/// drawing is.
#[test]
fn a_drawing_msklint_made_imports_back_to_its_pathway() {
    let dir = tempfile::tempdir().unwrap();
    let source = "fixtures/examples/hip-knee-oa-clean.pathway";
    let out = msklint(&["graph", source]);
    assert_eq!(out.status.code(), Some(0));
    let drawing = String::from_utf8(out.stdout).unwrap();
    let mmd = dir.path().join("drawn.mmd");
    std::fs::write(&mmd, &drawing).unwrap();
    let out = msklint(&["import", mmd.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let back = String::from_utf8(out.stdout).unwrap();
    let written = std::fs::read_to_string(root().join(source)).unwrap();
    let pathway = &written[written.find("pathway \"").unwrap()..];
    assert!(back.ends_with(pathway), "{back}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("given back whole"));
    // Checked as a drawing, it is as clean as the pathway.
    let out = msklint(&["check", "--format", "concise", mmd.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "1 file checked: no problems found\n"
    );
    // A label changed: read as a drawing, with its guesses.
    std::fs::write(
        &mmd,
        drawing.replace("\"ESCAPE<br/>", "\"ESCAPE-pain group<br/>"),
    )
    .unwrap();
    let out = msklint(&["import", mmd.to_str().unwrap()]);
    let back = String::from_utf8(out.stdout).unwrap();
    assert!(
        back.contains("# Imported by msklint from a Mermaid flowchart"),
        "{back}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("to check (import-guess)"));
}

/// A pathway with comments around its block, fields a drawing cannot show
/// and a DNA policy, for the round trips below.
const KEPT_PATHWAY: &str = "# Owned by the MSK programme board.\n# Reviewed each spring.\n\npathway \"Knee\" {\n  owner: \"Example ICB\"\n  entry gp: \"GP practice\" { kind: gp }\n  service physio: \"Community physiotherapy\" {\n    kind: community\n    offers: [exercise, assessment]\n    on_dna: rebook then discharge after 2\n  }\n  # The surgeons see only those who chose surgery.\n  service ortho: \"Orthopaedics\" { kind: secondary offers: [surgery, shared_decision_making] requires: bmi < 40 }\n  exit home: \"Self-management\"\n  gp -> physio\n  physio -> ortho when \"no better\" requires conservative_weeks >= 6\n  physio -> home\n  ortho -> home\n}\n# Next review due in March.\n";

/// Draws `KEPT_PATHWAY` with `msklint graph`, edits the drawing with
/// `edit`, imports it back; the pathway text and what was said on stderr.
fn drawn_edited_imported(edit: impl Fn(&str) -> String) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("knee.pathway");
    std::fs::write(&source, KEPT_PATHWAY).unwrap();
    let drawn = msklint(&["graph", source.to_str().unwrap()]);
    assert_eq!(drawn.status.code(), Some(0), "{drawn:?}");
    let drawing = String::from_utf8(drawn.stdout).unwrap();
    let edited = edit(&drawing);
    let mmd = dir.path().join("knee.mmd");
    std::fs::write(&mmd, &edited).unwrap();
    let out = msklint(&["import", mmd.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    // Whatever was edited, the pathway written is whole and parses.
    let written = dir.path().join("back.pathway");
    std::fs::write(&written, &text).unwrap();
    let checked = msklint(&["check", "--format", "concise", written.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&checked.stdout).to_string();
    assert!(!said.contains("syntax-error"), "{text}\n{said}");
    (text, String::from_utf8(out.stderr).unwrap())
}

/// The comments before and after a pathway's block ride along in the
/// drawing and come back with it.
#[test]
fn comments_around_the_pathway_survive_graph_and_import() {
    let (text, said) = drawn_edited_imported(str::to_string);
    assert!(said.contains("given back whole"), "{said}");
    assert!(text.ends_with(KEPT_PATHWAY), "{text}");
    // And through an edited drawing too.
    let (text, _) =
        drawn_edited_imported(|d| d.replace("\"Orthopaedics<br/>", "\"Orthopaedic surgery<br/>"));
    assert!(
        text.starts_with(
            "# Owned by the MSK programme board.\n# Reviewed each spring.\n\npathway \"Knee\" {"
        ),
        "{text}"
    );
    assert!(text.ends_with("}\n# Next review due in March.\n"), "{text}");
}

/// An edited drawing keeps from the kept pathway what it still shows as
/// msklint drew it, reads the rest as any drawing, and says in an
/// `import-guess` what it could not carry over.
#[test]
fn an_edited_drawing_keeps_what_still_matches_the_kept_pathway() {
    let (text, said) = drawn_edited_imported(|d| {
        d
            // A label renamed.
            .replace("\"Orthopaedics<br/>", "\"Orthopaedic surgery<br/>")
            // A kind line changed.
            .replace(
                "\"Community physiotherapy<br/>community",
                "\"Community physiotherapy<br/>rehabilitation",
            )
            // A shape and arrows added, an arrow taken away.
            .replace(
                "  n_ortho --> n_home\n",
                "  n_physio --> n_pain[\"Pain clinic\"]\n  n_pain --> n_home\n",
            )
    });
    assert!(!said.contains("given back whole"), "{said}");
    // Fields and comments a drawing cannot show are kept.
    assert!(text.contains("pathway \"Knee\" {"), "{text}");
    assert!(text.contains("  owner: \"Example ICB\"\n"), "{text}");
    assert!(
        text.contains("  # The surgeons see only those who chose surgery.\n"),
        "{text}"
    );
    // The relabelled node keeps its ID and fields under its new label.
    assert!(
        text.contains("service ortho: \"Orthopaedic surgery\" { kind: secondary offers: [surgery, shared_decision_making] requires: bmi < 40 }"),
        "{text}"
    );
    assert!(said.contains("relabelled from “Orthopaedics”"), "{said}");
    // The node whose kind line was changed takes that kind and keeps its
    // offers and DNA policy.
    assert!(
        text.contains("  service physio: \"Community physiotherapy\" {\n    kind: rehabilitation\n    offers: [exercise, assessment]\n    on_dna: rebook then discharge after 2\n  }"),
        "{text}"
    );
    assert!(
        said.contains("`kind: rehabilitation` (it was `community`)"),
        "{said}"
    );
    // A route still drawn as msklint drew it keeps its clauses as written.
    assert!(
        text.contains("  physio -> ortho when \"no better\" requires conservative_weeks >= 6\n"),
        "{text}"
    );
    // The new shape is read as any drawing's, with its guesses.
    assert!(text.contains("service n_pain: \"Pain clinic\""), "{text}");
    assert!(text.contains("physio -> n_pain\n"), "{text}");
    assert!(said.contains("guessed from shape `n_pain`"), "{said}");
    // The arrow taken away is named, not lost in silence.
    assert!(!text.contains("\n  ortho -> home\n"), "{text}");
    assert!(
        said.contains("route `ortho -> home` of the kept pathway is no longer drawn"),
        "{said}"
    );
}

/// What cannot be matched any more is named with the fields it loses: a
/// node taken out of the drawing, with its arrows, and a node drawn with
/// words under its label that msklint did not draw there.
#[test]
fn an_edited_drawing_names_what_it_could_not_carry_over() {
    let (text, said) = drawn_edited_imported(|d| {
        let kept: String = d
            .split_inclusive('\n')
            .filter(|l| !l.starts_with("  n_physio") && *l != "  n_gp --> n_physio\n")
            .collect();
        kept.replace(
            "  n_ortho --> n_home\n",
            "  n_gp --> n_ortho\n  n_ortho --> n_home\n",
        )
        .replace(
            "\"Orthopaedics<br/>secondary",
            "\"Orthopaedics<br/>secondary<br/>Tuesdays only",
        )
    });
    assert!(!text.contains("service physio"), "{text}");
    assert!(
        said.contains("node `physio` “Community physiotherapy” of the kept pathway is no longer drawn, so it was left out; its written fields (`kind`, `offers`, `on_dna`) were not carried over"),
        "{said}"
    );
    assert!(
        said.contains("route `physio -> ortho` (`when \"no better\" requires conservative_weeks >= 6`) of the kept pathway is no longer drawn"),
        "{said}"
    );
    assert!(
        said.contains("shape `n_ortho` “Orthopaedics” is drawn differently from node `ortho` of the kept pathway"),
        "{said}"
    );
    assert!(
        said.contains("its written fields (`kind`, `offers`, `requires`) were not carried over"),
        "{said}"
    );
    // Read from the drawing, it keeps the kept ID, and its routes with it.
    assert!(text.contains("service ortho: \"Orthopaedics\""), "{text}");
    assert!(text.contains("  gp -> ortho\n"), "{text}");
    assert!(text.contains("  ortho -> home\n"), "{text}");
}

/// In a file of several pathways, a comment between two goes with the one
/// after it, and the comments after the last with the last, so each is
/// kept with one pathway's drawing only.
#[test]
fn each_comment_between_pathways_is_kept_with_one_drawing() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("two.pathway");
    std::fs::write(
        &source,
        "# About the first.\npathway \"A\" {\n  entry gp: \"GP\" { kind: gp }\n}\n\n# About the second.\npathway \"B\" {\n  entry gp: \"GP\" { kind: gp }\n}\n# The end.\n",
    )
    .unwrap();
    let kept = |name: &str| {
        let out = msklint(&["graph", "--pathway", name, source.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let a = kept("A");
    assert!(a.contains("%% | # About the first.\n"), "{a}");
    assert!(!a.contains("About the second"), "{a}");
    assert!(!a.contains("The end"), "{a}");
    let b = kept("B");
    assert!(
        b.contains("%% | # About the second.\n%% | pathway \"B\" {"),
        "{b}"
    );
    assert!(b.contains("%% | # The end.\n"), "{b}");
    assert!(!b.contains("About the first"), "{b}");
}
