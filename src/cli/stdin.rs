//! `msklint check -`: the text piped in on standard input, checked as one
//! file. `--stdin-filename` names it (in the output, for its format and
//! for per-path configuration); without it the text says what it is.

use std::io::Read;
use std::path::Path;

use crate::check::FileReport;
use crate::discover::PathProblem;
use crate::input::{self, InputFormat};
use crate::session::Session;

/// What the output calls piped text that was not given a name.
pub const LABEL: &str = "<stdin>";

/// The name findings in piped text are given: `--stdin-filename`, or
/// [`LABEL`].
pub fn shown_name(filename: Option<&Path>) -> String {
    filename.map_or(LABEL.to_string(), |p| p.to_string_lossy().into_owned())
}

/// `--stdin-filename` as the system gave it, when it is not UTF-8.
fn os_path(filename: Option<&Path>) -> Option<std::path::PathBuf> {
    filename
        .filter(|p| p.to_str().is_none())
        .map(Path::to_path_buf)
}

/// Reads standard input and checks it: the report, or why it could not
/// be checked.
pub fn check(session: &Session, filename: Option<&Path>) -> Result<FileReport, PathProblem> {
    let mut bytes = Vec::new();
    let name = shown_name(filename);
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
        return Err(PathProblem {
            path: name,
            message: crate::discover::io_message(&e),
            os_path: os_path(filename),
        });
    }
    // The name to read the format from: the given one, or one that
    // stands for what the bytes look like.
    let by = match filename {
        Some(_) => name.clone(),
        None => format!("stdin.{}", guessed(&bytes)),
    };
    let content = input::open(&by, bytes).map_err(|message| PathProblem {
        path: name.clone(),
        message,
        os_path: os_path(filename),
    })?;
    let kind = InputFormat::of_content(&by, &content);
    let report = session
        .linter()
        .check_content_as(&name, filename, content, kind);
    if let Some(path) = filename {
        report.source.keep_os_path(path);
    }
    Ok(report)
}

/// The extension unnamed input would have: a PDF or an Office file by
/// their first bytes (and, for Office files, what their archive holds), a pathway when a line opens a `pathway` block,
/// otherwise plain-text policy.
pub(super) fn guessed(bytes: &[u8]) -> &'static str {
    // The same test `input::open` makes, so the guess and the read agree.
    if crate::prose::pdf::is_pdf("", bytes) {
        "pdf"
    } else if bytes.starts_with(b"PK\x03\x04") {
        zipped(bytes)
    } else if input::holds_pathway(bytes) {
        input::PATHWAY_EXTENSION
    } else {
        "txt"
    }
}

/// What an Office file piped in is, by the folders inside its zip
/// archive: a presentation or a Visio drawing is imported as the pathway
/// it draws, a workbook gets the advice every spreadsheet gets, and the
/// rest is read as a Word document (which says so if it is not one).
fn zipped(bytes: &[u8]) -> &'static str {
    let Ok(archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return "docx";
    };
    let has = |folder: &str| archive.file_names().any(|n| n.starts_with(folder));
    if has("word/") {
        "docx"
    } else if has("ppt/") {
        "pptx"
    } else if has("visio/") {
        "vsdx"
    } else if has("xl/") {
        "xlsx"
    } else {
        "docx"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unnamed_input_is_read_by_what_it_looks_like() {
        assert_eq!(guessed(b"%PDF-1.7\n"), "pdf");
        assert_eq!(guessed(b"PK\x03\x04rest"), "docx");
        assert_eq!(guessed(b"# notes\npathway \"Hips\" {\n}\n"), "pathway");
        assert_eq!(
            guessed(b"Patients with a BMI over 40 are not referred."),
            "txt"
        );
        assert_eq!(guessed(b""), "txt");
        // As the parser takes them: a byte-order mark, blanks, old Mac lines.
        assert_eq!(guessed(b"\xef\xbb\xbfpathway \"p\" {\n}\n"), "pathway");
        assert_eq!(guessed(b"pathway \t \"p\" {\n}\n"), "pathway");
        assert_eq!(guessed(b"# Hips\rpathway \"p\" {\r}\r"), "pathway");
        assert_eq!(guessed(b"The pathway \"p\" is described below."), "txt");
        assert_eq!(guessed(b"pathway\"p\" {"), "pathway");
        assert_eq!(guessed(b"pathways \"p\" are described below."), "txt");
    }
}
