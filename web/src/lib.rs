//! msklint as WebAssembly, for the page in `web/static/` (docs/web.md).
//!
//! This crate is a front end like the command line: it loads a
//! [`Session`] once and hands it named bytes, and it presents what comes
//! back through the library's own code (the findings through
//! `msklint::output::json`, the rules through `msklint::explain`), so the
//! page shows exactly what `msklint check --format json` prints. It is
//! built with the library's default features off: no threads, no command
//! line, no file system. Nothing here talks to a network; the page hands
//! it the bytes of files the person chose.
//!
//! The types and functions marked `#[wasm_bindgen]` are the whole API the
//! page's JavaScript sees; the rest is plain Rust, tested on the host.

use msklint::check::FileReport;
use msklint::input::InputFormat;
use msklint::report::{self, Reviews};
use msklint::score::{self, Scorecard};
use msklint::session::{ConfigSource, Input, Options, Session};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The largest file the page hands to msklint. A larger one is listed as
/// a file that could not be checked: WebAssembly has at most 4 GB of
/// memory, and a check needs several times the file's size.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// Checks files one at a time and keeps their reports, so several files
/// give one JSON document, as one `msklint check` run over them would.
#[wasm_bindgen]
pub struct Checker {
    inner: Run,
}

#[wasm_bindgen]
impl Checker {
    /// A checker with every rule at its own severity (no `msklint.yaml`).
    #[wasm_bindgen(constructor)]
    pub fn new() -> Result<Checker, JsError> {
        Ok(Checker {
            inner: Run::new().map_err(|e| JsError::new(&e))?,
        })
    }

    /// Checks one file, given its name (whose extension picks the format,
    /// as on the command line) and its bytes. A file that cannot be read
    /// at all (a PDF with no text, a file over [`MAX_BYTES`]) is kept as a
    /// problem, not a finding.
    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        self.inner.add(name, bytes.to_vec());
    }

    /// Checks a small pathway and a short policy written for the purpose
    /// and forgets them. The first check in a session compiles the rules'
    /// text patterns, and the browser compiles the WebAssembly's busiest
    /// code better once it has run; the page does this while it starts,
    /// so the first file a person checks is as quick as the ones after.
    pub fn warm_up(&self) {
        self.inner.warm_up();
    }

    /// Lists a file the page did not read because it is larger than
    /// [`MAX_BYTES`], with a message saying so.
    pub fn too_large(&mut self, name: &str, size: f64) {
        self.inner.problems.push(too_large(name, size as usize));
    }

    /// Forgets every file checked so far.
    pub fn clear(&mut self) {
        self.inner.clear();
    }

    /// Uses the settings of this `msklint.yaml` text from now on, or none
    /// when it is empty. Files already checked keep their findings until
    /// they are checked again. A text msklint refuses leaves the settings
    /// as they were, and the error says why.
    pub fn configure(&mut self, yaml: &str) -> Result<(), JsError> {
        self.inner.configure(yaml).map_err(|e| JsError::new(&e))
    }

    /// The findings of every file checked so far: the document
    /// `msklint check --format json` prints (docs/json.md).
    pub fn json(&self) -> String {
        self.inner.json()
    }

    /// The same findings as `msklint check --format sarif` prints them.
    pub fn sarif(&self) -> String {
        msklint::output::sarif::render(
            &self.inner.reports,
            self.inner.session.rules(),
            self.inner.session.config(),
        )
    }

    /// The consultation response `msklint report --format html` writes for
    /// the files checked so far.
    pub fn report_html(&self) -> String {
        report::html::render(&self.inner.reviews())
    }

    /// The consultation response `msklint report` writes, in Markdown.
    pub fn report_markdown(&self) -> String {
        report::markdown::render(&self.inner.reviews())
    }

    /// The maturity scorecards of the pathways checked so far, as
    /// `msklint score --format json` prints them (docs/score.md).
    pub fn scores(&self) -> String {
        score::json(&self.inner.scorecards(), &[])
    }

    /// Panics. The page never calls this: the end-to-end test does, to
    /// check that the page starts msklint afresh after a panic, which in
    /// WebAssembly cannot be caught and leaves this checker unusable.
    pub fn fail_for_test(&mut self) {
        panic!("msklint-web: a panic asked for by a test");
    }

    /// The command line's closing line for the files checked so far, such
    /// as "2 files checked: 1 error, 3 warnings".
    pub fn summary(&self) -> String {
        msklint::output::Summary::of(&self.inner.reports).line()
    }

    /// What the page needs besides the findings to show them: each file's
    /// text as it was read, with every finding's span in UTF-16 units, and
    /// the files that could not be read. See [`Views`].
    pub fn views(&self) -> String {
        self.inner.views()
    }

    /// Every rule, as `msklint rules --format json` prints them.
    pub fn rules(&self) -> String {
        msklint::explain::json(self.inner.session.rules(), None)
    }

    /// What `msklint explain RULE` prints, for a rule's name or code, or
    /// nothing when no rule has it.
    pub fn explain(&self, rule: &str) -> Option<String> {
        self.inner
            .session
            .rules()
            .find(rule)
            .map(|r| msklint::explain::explain_text(&r.rule))
    }
}

/// The version of msklint compiled into the page.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The rules `msklint.yaml` cannot change (docs/configuration.md, locked
/// rules), as a JSON list of names.
#[wasm_bindgen]
pub fn locked_rules() -> String {
    serde_json::to_string(msklint::config::LOCKED).unwrap_or_default()
}

/// [`MAX_BYTES`], for the page to refuse a larger file before reading it.
#[wasm_bindgen]
pub fn max_bytes() -> usize {
    MAX_BYTES
}

/// The checker without its JavaScript face.
pub struct Run {
    session: Session,
    reports: Vec<FileReport>,
    /// Beside each report, what `msklint report` and `msklint score` draw
    /// from the same check: its reviews and its pathways' scorecards.
    drawn: Vec<(Reviews, Vec<Scorecard>)>,
    problems: Vec<Problem>,
}

/// A file that could not be checked, and why.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// What [`Checker::views`] returns, as JSON.
#[derive(Serialize)]
pub struct Views<'a> {
    pub files: Vec<FileView<'a>>,
    pub problems: &'a [Problem],
}

/// One checked file as the page shows it.
#[derive(Serialize)]
pub struct FileView<'a> {
    /// The name the file was checked under (the `path` of its findings).
    pub path: &'a str,
    /// `pathway`, `markdown`, `text`, `docx` or `pdf`.
    pub format: &'static str,
    /// The text the rules read: the file itself, or the text taken out of
    /// a Word document or a PDF.
    pub text: &'a str,
    /// For each of the file's findings, in the order of the JSON document,
    /// where it starts and ends in `text`, counted in UTF-16 code units as
    /// JavaScript counts string offsets.
    pub spans: Vec<[usize; 2]>,
    /// For each of the file's findings, in the same order, the nodes of
    /// its pathway's diagram it is about (none for a policy document or a
    /// finding about no node).
    pub nodes: Vec<Vec<&'a str>>,
    /// Each pathway of the file drawn as `msklint graph --format svg`
    /// draws it, with the nodes that have findings outlined; the SVG gives
    /// each node the id `node-ID`.
    pub diagrams: Vec<Diagram<'a>>,
}

/// One pathway's diagram.
#[derive(Serialize)]
pub struct Diagram<'a> {
    pub pathway: &'a str,
    pub svg: &'a str,
}

impl Run {
    pub fn new() -> Result<Run, String> {
        Ok(Run {
            session: load("")?,
            reports: Vec::new(),
            drawn: Vec::new(),
            problems: Vec::new(),
        })
    }

    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        if bytes.len() > MAX_BYTES {
            self.problems.push(too_large(name, bytes.len()));
            return;
        }
        // The command line opens a file the same way before checking it.
        match msklint::input::open(name, bytes) {
            Ok(content) => {
                let session = &self.session;
                let input = Input {
                    name,
                    path: None,
                    content,
                };
                // The report and score commands view a check the same way.
                let (report, drawn) = session.check_with(input, |report, graphs| {
                    let linter = session.linter();
                    let reviews = report::review(report, graphs, linter);
                    let cards = if report.kind.is_prose() {
                        Vec::new()
                    } else {
                        score::score_file(report, graphs, linter)
                    };
                    (reviews, cards)
                });
                self.reports.push(report);
                self.drawn.push(drawn);
            }
            Err(message) => self.problems.push(Problem {
                path: name.to_string(),
                message,
            }),
        }
    }

    /// See [`Checker::warm_up`]: the views are drawn too, as for a file.
    pub fn warm_up(&self) {
        for (name, text) in WARM_UP {
            let input = Input::text(name, text.to_string());
            self.session.check_with(input, |report, graphs| {
                report::review(report, graphs, self.session.linter())
            });
        }
    }

    pub fn clear(&mut self) {
        self.reports.clear();
        self.drawn.clear();
        self.problems.clear();
    }

    /// Loads the settings of a `msklint.yaml` text; on an error the
    /// session stays as it was.
    pub fn configure(&mut self, yaml: &str) -> Result<(), String> {
        self.session = load(yaml)?;
        Ok(())
    }

    pub fn reports(&self) -> &[FileReport] {
        &self.reports
    }

    pub fn json(&self) -> String {
        msklint::output::json::render(&self.reports)
    }

    /// Every file's reviews, in order, as `msklint report` joins them.
    pub fn reviews(&self) -> Reviews {
        let mut joined = Reviews::join(self.drawn.iter().map(|(reviews, _)| Reviews {
            reviews: reviews.reviews.clone(),
            unreviewed: reviews.unreviewed.clone(),
        }));
        // As `msklint report` does: the reader learns which files the
        // report does not cover, and why.
        joined.unreviewed.extend(self.problems.iter().map(|p| {
            report::Unreviewed::not_read(&msklint::discover::PathProblem {
                path: p.path.clone(),
                message: p.message.clone(),
                os_path: None,
            })
        }));
        joined
    }

    pub fn scorecards(&self) -> Vec<Scorecard> {
        self.drawn
            .iter()
            .flat_map(|(_, cards)| cards.iter().cloned())
            .collect()
    }

    pub fn views(&self) -> String {
        let files = self
            .reports
            .iter()
            .zip(&self.drawn)
            .map(|(report, (reviews, _))| {
                let text = report.source.text.as_str();
                let bytes: Vec<usize> = report
                    .diagnostics
                    .iter()
                    .flat_map(|d| [d.span.start(), d.span.end()])
                    .collect();
                let units = utf16_offsets(text, &bytes);
                let nodes = report
                    .diagnostics
                    .iter()
                    .map(|d| {
                        d.subject
                            .as_deref()
                            .map(msklint::diagram::subject_nodes)
                            .unwrap_or_default()
                    })
                    .collect();
                let diagrams = reviews
                    .reviews
                    .iter()
                    .filter_map(|r| {
                        let drawn = r.drawn.as_ref()?;
                        Some(Diagram {
                            pathway: &r.pathway,
                            svg: &drawn.svg,
                        })
                    })
                    .collect();
                FileView {
                    path: &report.source.name,
                    format: format_name(report.kind),
                    text,
                    spans: units.chunks(2).map(|p| [p[0], p[1]]).collect(),
                    nodes,
                    diagrams,
                }
            })
            .collect();
        let views = Views {
            files,
            problems: &self.problems,
        };
        serde_json::to_string(&views).unwrap_or_default()
    }
}

/// What [`Run::warm_up`] checks: a little of each kind of file.
const WARM_UP: [(&str, &str); 2] = [
    (
        "warm-up.pathway",
        "pathway \"Back pain\" {\n  owner: \"Warm-up\"\n  \
         entry gp: \"GP practice\" { kind: gp }\n  \
         service physio: \"Physiotherapy\" {\n    kind: community\n    \
         offers: [exercise, self_management]\n  }\n  \
         exit home: \"Home\"\n  gp -> physio when \"pain over six weeks\"\n  \
         physio -> home\n}\n",
    ),
    (
        "warm-up.md",
        "# Back pain\n\nPeople are referred to physiotherapy by their GP. \
         Those who miss an appointment are offered another.\n",
    ),
];

/// A session with the settings of a `msklint.yaml` text, or none.
fn load(yaml: &str) -> Result<Session, String> {
    let config = if yaml.trim().is_empty() {
        ConfigSource::None
    } else {
        ConfigSource::Text {
            name: "msklint.yaml".to_string(),
            text: yaml.to_string(),
        }
    };
    let options = Options {
        config,
        ..Options::default()
    };
    Session::load(&options).map_err(|e| e.to_string())
}

fn too_large(name: &str, size: usize) -> Problem {
    let mb = |n: usize| n.div_ceil(1024 * 1024);
    Problem {
        path: name.to_string(),
        message: format!(
            "this file is {} MB, and the page checks files of up to {} MB; \
             the command line has no such limit",
            mb(size),
            mb(MAX_BYTES)
        ),
    }
}

fn format_name(format: InputFormat) -> &'static str {
    match format {
        InputFormat::Pathway => "pathway",
        InputFormat::Markdown => "markdown",
        InputFormat::Text => "text",
        InputFormat::Docx => "docx",
        InputFormat::Pdf => "pdf",
        InputFormat::Mermaid => "mermaid",
        InputFormat::DrawIo => "drawio",
        InputFormat::Bpmn => "bpmn",
        InputFormat::Pptx => "pptx",
        InputFormat::Vsdx => "vsdx",
    }
}

/// Each byte offset into `text` as an offset in UTF-16 code units, in the
/// same order. An offset inside a character counts from that character's
/// start; one past the end counts as the end.
pub fn utf16_offsets(text: &str, bytes: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..bytes.len()).collect();
    order.sort_by_key(|&i| bytes[i]);
    let mut out = vec![0; bytes.len()];
    let mut chars = text.char_indices().peekable();
    let mut units = 0;
    for i in order {
        while let Some(&(at, c)) = chars.peek() {
            if at + c.len_utf8() > bytes[i] {
                break;
            }
            units += c.len_utf16();
            chars.next();
        }
        out[i] = units;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> Vec<u8> {
        let path = format!("{}/../fixtures/examples/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn offsets_count_utf16_units() {
        // "é" is two bytes and one unit; "🦴" four bytes and two units.
        let text = "aé🦴b";
        assert_eq!(
            utf16_offsets(text, &[0, 1, 3, 7, 8, 2, 5]),
            [0, 1, 2, 4, 5, 1, 2]
        );
        assert_eq!(utf16_offsets("", &[0, 3]), [0, 0]);
    }

    #[test]
    fn the_json_is_the_command_lines_document() {
        let mut run = Run::new().unwrap();
        run.add("hip-knee-oa.pathway", example("hip-knee-oa.pathway"));
        let doc: serde_json::Value = serde_json::from_str(&run.json()).unwrap();
        assert_eq!(doc["version"], 1);
        let findings = doc["diagnostics"].as_array().unwrap();
        let rules: Vec<&str> = findings
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        for rule in ["bmi-threshold", "smoking-restriction"] {
            assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
        }
        assert!(findings.iter().all(|f| f["path"] == "hip-knee-oa.pathway"));
        assert_eq!(doc["summary"]["files"], 1);
    }

    #[test]
    fn views_give_each_finding_its_text() {
        let mut run = Run::new().unwrap();
        run.add("hip-knee-oa.pathway", example("hip-knee-oa.pathway"));
        run.add("hip-knee-policy.md", example("hip-knee-policy.md"));
        let doc: serde_json::Value = serde_json::from_str(&run.json()).unwrap();
        let views: serde_json::Value = serde_json::from_str(&run.views()).unwrap();
        let files = views["files"].as_array().unwrap();
        assert_eq!(files.len(), 2);
        assert_eq!(files[1]["format"], "markdown");
        // The findings of the document, file by file, in the same order.
        let mut findings = doc["diagnostics"].as_array().unwrap().iter();
        for file in files {
            let text: Vec<u16> = file["text"].as_str().unwrap().encode_utf16().collect();
            for span in file["spans"].as_array().unwrap() {
                let finding = findings.next().expect("a finding per span");
                assert_eq!(finding["path"], file["path"]);
                let (start, end) = (span[0].as_u64().unwrap(), span[1].as_u64().unwrap());
                let under = String::from_utf16(&text[start as usize..end as usize]).unwrap();
                assert_eq!(under, finding["snippet"].as_str().unwrap());
            }
        }
        assert!(findings.next().is_none());
    }

    #[test]
    fn a_file_that_cannot_be_read_is_a_problem() {
        let mut run = Run::new().unwrap();
        run.add("broken.pdf", b"%PDF-1.7 not really".to_vec());
        assert!(run.reports().is_empty());
        let views: serde_json::Value = serde_json::from_str(&run.views()).unwrap();
        assert_eq!(views["problems"][0]["path"], "broken.pdf");
        assert!(views["problems"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot check this PDF"));
        run.clear();
        assert!(run.views().contains("\"problems\":[]"));
    }
    #[test]
    fn reports_scores_and_diagrams_come_from_the_same_check() {
        let mut run = Run::new().unwrap();
        run.add("hip-knee-oa.pathway", example("hip-knee-oa.pathway"));
        run.add("hip-knee-policy.md", example("hip-knee-policy.md"));
        let markdown = report::markdown::render(&run.reviews());
        assert_eq!(
            markdown.matches("\n# Consultation response: ").count()
                + usize::from(markdown.starts_with("# Consultation response: ")),
            2,
            "{markdown}"
        );
        let cards: serde_json::Value =
            serde_json::from_str(&score::json(&run.scorecards(), &[])).unwrap();
        // The policy document has no graph, so one scorecard.
        let cards = cards["scorecards"].as_array().unwrap();
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0]["file"], "hip-knee-oa.pathway");
        let views: serde_json::Value = serde_json::from_str(&run.views()).unwrap();
        let pathway = &views["files"][0];
        let svg = pathway["diagrams"][0]["svg"].as_str().unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(views["files"][1]["diagrams"].as_array().unwrap().is_empty());
        // A finding about a node names it, and the diagram has that node.
        let doc: serde_json::Value = serde_json::from_str(&run.json()).unwrap();
        let (i, finding) = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .find(|(_, d)| d["rule"] == "bmi-threshold")
            .unwrap();
        let nodes = &pathway["nodes"][i];
        assert_eq!(nodes[0], finding["subject"]);
        assert!(svg.contains(&format!("id=\"node-{}\"", nodes[0].as_str().unwrap())));
    }

    #[test]
    fn settings_change_the_findings_and_a_bad_text_changes_nothing() {
        let mut run = Run::new().unwrap();
        let rules_of = |run: &mut Run| {
            run.clear();
            run.add("hip-knee-oa.pathway", example("hip-knee-oa.pathway"));
            let doc: serde_json::Value = serde_json::from_str(&run.json()).unwrap();
            doc["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    format!(
                        "{} {}",
                        d["rule"].as_str().unwrap(),
                        d["severity"].as_str().unwrap()
                    )
                })
                .collect::<Vec<_>>()
        };
        let before = rules_of(&mut run);
        assert!(
            before.contains(&"bmi-threshold error".to_string()),
            "{before:?}"
        );
        run.configure("rules:\n  bmi-threshold: off\n  smoking-restriction: info\n")
            .unwrap();
        let after = rules_of(&mut run);
        assert!(
            after.iter().all(|r| !r.starts_with("bmi-threshold ")),
            "{after:?}"
        );
        assert!(
            after.contains(&"smoking-restriction info".to_string()),
            "{after:?}"
        );
        let error = run.configure("rules:\n  no-such-rule: off\n").unwrap_err();
        assert!(error.contains("no-such-rule"), "{error}");
        assert_eq!(rules_of(&mut run), after);
        // A locked rule cannot be switched off.
        let locked: Vec<String> = serde_json::from_str(&locked_rules()).unwrap();
        assert!(run
            .configure(&format!("rules:\n  {}: off\n", locked[0]))
            .is_err());
        run.configure("").unwrap();
        assert_eq!(rules_of(&mut run), before);
    }

    #[test]
    fn the_warm_up_texts_are_read_cleanly_and_leave_nothing_behind() {
        let run = Run::new().unwrap();
        run.warm_up();
        assert!(run.reports().is_empty());
        for (name, text) in WARM_UP {
            let report = run.session.check(Input::text(name, text.to_string()));
            let language: Vec<&str> = report
                .diagnostics
                .iter()
                .filter(|d| {
                    let rule = run.session.rules().find(&d.rule);
                    rule.is_some_and(|r| r.rule.category == "language")
                })
                .map(|d| d.rule.as_str())
                .collect();
            assert!(language.is_empty(), "{name}: {language:?}");
        }
    }

    #[test]
    fn too_large_or_broken_files_are_told_apart_from_findings() {
        let mut run = Run::new().unwrap();
        run.add("huge.md", vec![b'a'; MAX_BYTES + 1]);
        run.add("junk.docx", (0..=255u8).cycle().take(5000).collect());
        run.add(
            "junk.pathway",
            (0..=255u8).rev().cycle().take(5000).collect(),
        );
        let views: serde_json::Value = serde_json::from_str(&run.views()).unwrap();
        assert_eq!(views["problems"][0]["path"], "huge.md");
        assert!(views["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("up to 20 MB"));
        // Bytes that are no zip archive hold no Word document: not checked,
        // as on the command line.
        assert_eq!(views["problems"][1]["path"], "junk.docx");
        assert!(views["problems"][1]["message"]
            .as_str()
            .unwrap()
            .contains("a .docx file is a zip archive"));
        let doc: serde_json::Value = serde_json::from_str(&run.json()).unwrap();
        let rules: Vec<&str> = doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["invalid-encoding"], "{doc}");
        // Nothing to review in either, and the report says so.
        assert!(report::markdown::render(&run.reviews()).contains("junk.docx"));
    }
}
