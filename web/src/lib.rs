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
use msklint::session::{Input, Options, Session};
use serde::Serialize;
use wasm_bindgen::prelude::*;

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
    /// at all (a PDF with no text) is kept as a problem, not a finding.
    pub fn add(&mut self, name: &str, bytes: &[u8]) {
        self.inner.add(name, bytes.to_vec());
    }

    /// Forgets every file checked so far.
    pub fn clear(&mut self) {
        self.inner.clear();
    }

    /// The findings of every file checked so far: the document
    /// `msklint check --format json` prints (docs/json.md).
    pub fn json(&self) -> String {
        self.inner.json()
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
        msklint::explain::json(self.inner.session.rules())
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

/// The checker without its JavaScript face.
pub struct Run {
    session: Session,
    reports: Vec<FileReport>,
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
}

impl Run {
    pub fn new() -> Result<Run, String> {
        let session = Session::load(&Options::default()).map_err(|e| e.to_string())?;
        Ok(Run {
            session,
            reports: Vec::new(),
            problems: Vec::new(),
        })
    }

    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        // The command line opens a file the same way before checking it.
        match msklint::input::open(name, bytes) {
            Ok(content) => {
                let report = self.session.check(Input {
                    name,
                    path: None,
                    content,
                });
                self.reports.push(report);
            }
            Err(message) => self.problems.push(Problem {
                path: name.to_string(),
                message,
            }),
        }
    }

    pub fn clear(&mut self) {
        self.reports.clear();
        self.problems.clear();
    }

    pub fn reports(&self) -> &[FileReport] {
        &self.reports
    }

    pub fn json(&self) -> String {
        msklint::output::json::render(&self.reports)
    }

    pub fn views(&self) -> String {
        let files = self
            .reports
            .iter()
            .map(|report| {
                let text = report.source.text.as_str();
                let bytes: Vec<usize> = report
                    .diagnostics
                    .iter()
                    .flat_map(|d| [d.span.start(), d.span.end()])
                    .collect();
                let units = utf16_offsets(text, &bytes);
                FileView {
                    path: &report.source.name,
                    format: format_name(report.kind),
                    text,
                    spans: units.chunks(2).map(|p| [p[0], p[1]]).collect(),
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

fn format_name(format: InputFormat) -> &'static str {
    match format {
        InputFormat::Pathway => "pathway",
        InputFormat::Markdown => "markdown",
        InputFormat::Text => "text",
        InputFormat::Docx => "docx",
        InputFormat::Pdf => "pdf",
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
}
