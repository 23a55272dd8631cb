//! `msklint fmt`: files in, files out. The layout itself is
//! [`crate::format`]; this reads, writes, diffs and prints.
//!
//! Exit codes: 0 nothing to do (or every file rewritten), 1 with `--check`
//! or `--diff` when a file would change, 2 when a file could not be read,
//! decoded, parsed or written (the other files are still formatted).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::args::Color;
use super::setup::human_options;
use super::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE};
use crate::discover::{discover, io_message, Include};
use crate::format::{format, FormatError};
use crate::input::InputFormat;
use crate::output::human;
use crate::source::SourceFile;

#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Files or directories to format; directories are searched for
    /// *.pathway as `check` searches them (default: .). `-` formats
    /// standard input to standard output
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write nothing; exit 1 if any file would change (for CI and pre-commit)
    #[arg(long)]
    pub check: bool,

    /// Write nothing; print a unified diff of the changes (exit 1 if any)
    #[arg(long)]
    pub diff: bool,
}

/// What happened to one file.
enum Outcome {
    Unchanged,
    /// Rewritten, or (with `--check`/`--diff`) would be; the diff if asked for.
    Changed(Option<String>),
    /// Left as it was: the text does not parse.
    Syntax(Box<SourceFile>, Vec<crate::diagnostic::Diagnostic>),
    /// Left as it was: unreadable, undecodable or unwritable.
    Problem(String),
}

pub fn run(args: &FmtArgs) -> u8 {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        if args.paths.len() > 1 {
            errln!(
                "error: `-` (standard input) is formatted on its own; give it without other paths"
            );
            return EXIT_TROUBLE;
        }
        return piped(args);
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let found = discover(&paths, &Include::default().pathways_only());
    let write = !(args.check || args.diff);
    let outcomes: Vec<(String, Outcome)> = crate::par::map(&found.files, |path| {
        let name = path.display().to_string();
        let outcome = one_file(path, &name, write, args.diff);
        (name, outcome)
    });

    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut changed, mut unchanged, mut failed) = (0, 0, 0);
    // A path that is no folder (most often one that does not exist) is a
    // file not formatted; a folder that cannot be read is counted apart,
    // as what it holds is unknown.
    let mut unread = 0;
    for p in &found.problems {
        errln!("error: {}: {}", p.path, p.message);
        let path = Path::new(&p.path);
        if !path.is_dir() {
            failed += 1;
        } else if std::fs::read_dir(path).is_err() {
            unread += 1;
        }
    }
    for (name, outcome) in &outcomes {
        match outcome {
            Outcome::Unchanged => unchanged += 1,
            Outcome::Changed(diff) => {
                changed += 1;
                // A closed pipe (`| head`) is not worth a panic.
                let _ = match diff {
                    Some(diff) => stdout.write_all(diff.as_bytes()),
                    None if args.check => writeln!(stdout, "would reformat {name}"),
                    None => Ok(()),
                };
            }
            Outcome::Syntax(..) | Outcome::Problem(_) => {
                failed += 1;
                report_failure(name, outcome);
            }
        }
    }
    let _ = stdout.flush();
    // A folder with no pathway in it has said so; "0 files reformatted"
    // under that would only repeat it.
    let nothing = found.files.is_empty() && failed == 0 && unread == 0;
    if !nothing {
        errln!("{}", summary(write, changed, unchanged, failed, unread));
    }
    if failed > 0 || !found.problems.is_empty() {
        EXIT_TROUBLE
    } else if changed > 0 && !write {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// `msklint fmt -`, as editors call a formatter: the pathway on standard
/// input, the formatted text on standard output (or, with `--check`,
/// nothing; with `--diff`, the diff). A text that does not parse is
/// reported on standard error and nothing is written, so an editor keeps
/// its buffer as it was.
fn piped(args: &FmtArgs) -> u8 {
    const NAME: &str = "<stdin>";
    let mut bytes = Vec::new();
    if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes) {
        errln!("error: {NAME}: {}", io_message(&e));
        return EXIT_TROUBLE;
    }
    let text = match decoded(bytes) {
        Ok(text) => text,
        Err(message) => {
            errln!("error: {NAME}: {message}");
            return EXIT_TROUBLE;
        }
    };
    let formatted = match formatted(NAME, &text) {
        Ok(formatted) => formatted,
        Err(outcome) => {
            report_failure(NAME, &outcome);
            return EXIT_TROUBLE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    let changed = formatted != text;
    // A closed pipe is not worth a panic.
    let _ = if args.diff {
        stdout.write_all(unified_diff(NAME, &text, &formatted).as_bytes())
    } else if args.check {
        if changed {
            writeln!(stdout, "would reformat {NAME}")
        } else {
            Ok(())
        }
    } else {
        stdout.write_all(formatted.as_bytes())
    };
    let _ = stdout.flush();
    if changed && (args.check || args.diff) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// A failure's message on standard error, as for a file.
fn report_failure(name: &str, outcome: &Outcome) {
    match outcome {
        Outcome::Syntax(source, diagnostics) => {
            let handler = human::handler(human_options(Color::Auto, true));
            for d in diagnostics {
                errprint!("{}", human::render_one(&handler, d, source));
            }
            errln!("error: {name}: not formatted: fix the syntax error first");
        }
        Outcome::Problem(message) => errln!("error: {name}: {message}"),
        Outcome::Unchanged | Outcome::Changed(_) => {}
    }
}

/// A file's bytes as text to format, or why they cannot be.
fn decoded(bytes: Vec<u8>) -> Result<String, String> {
    if crate::prose::encoding::clean_utf16(&bytes).is_some() {
        // Checked as it is, but written back only as UTF-8, which would
        // change more than the layout.
        return Err("not formatted: it is saved as UTF-16 (Notepad's \"Unicode\"); save it as UTF-8 and format it then".to_string());
    }
    match String::from_utf8(bytes) {
        Err(_) => Err("not formatted: it is not valid UTF-8".to_string()),
        Ok(text) if text.contains('\0') => {
            Err("not formatted: it contains a NUL byte, so it looks like a binary file".to_string())
        }
        Ok(text) => Ok(text),
    }
}

/// The text laid out, or the outcome that says why it was not.
fn formatted(name: &str, text: &str) -> Result<String, Outcome> {
    match format(text) {
        Ok(formatted) => Ok(formatted),
        Err(FormatError::Syntax(diagnostics)) => {
            let body = text.strip_prefix('\u{FEFF}').unwrap_or(text).to_string();
            Err(Outcome::Syntax(
                Box::new(SourceFile::new(name, body)),
                diagnostics,
            ))
        }
        Err(FormatError::Internal(why)) => Err(Outcome::Problem(format!(
            "not formatted: msklint could not lay this file out faithfully ({why}); \
             this is a bug in msklint, please report it"
        ))),
    }
}

fn one_file(path: &Path, name: &str, write: bool, diff: bool) -> Outcome {
    let by_name = InputFormat::of(name);
    if by_name.is_prose() && by_name != InputFormat::Text {
        return Outcome::Problem(
            "a policy document, not a pathway: fmt formats pathway files only".to_string(),
        );
    }
    if by_name.is_diagram() {
        return Outcome::Problem(
            "a diagram, not a pathway: fmt formats pathway files only (`msklint import` writes one from it)"
                .to_string(),
        );
    }
    let bytes = match std::fs::read(path) {
        Err(e) => return Outcome::Problem(io_message(&e)),
        Ok(bytes) => bytes,
    };
    // A `.txt` that opens a `pathway` block is a pathway, as `check` and
    // the editor read it (Notepad adds `.txt` to names it does not know).
    let format = InputFormat::sniffed(name, &bytes).unwrap_or(by_name);
    if format.is_prose() {
        return Outcome::Problem(
            "a policy document, not a pathway: fmt formats pathway files only".to_string(),
        );
    }
    let text = match decoded(bytes) {
        Ok(text) => text,
        Err(message) => return Outcome::Problem(message),
    };
    let formatted = match formatted(name, &text) {
        Ok(formatted) => formatted,
        Err(outcome) => return outcome,
    };
    if formatted == text {
        return Outcome::Unchanged;
    }
    if write {
        if let Err(e) = write_in_place(path, &formatted) {
            return Outcome::Problem(format!(
                "cannot write the formatted file: {}",
                io_message(&e)
            ));
        }
    }
    Outcome::Changed(diff.then(|| unified_diff(name, &text, &formatted)))
}

/// Writes beside the file and renames over it, so an interrupted run never
/// leaves half a pathway. A symlink is followed: the file it points at is
/// replaced, the link kept.
fn write_in_place(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&target)?.permissions();
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Unique within the run too: two names for one file (a link and its
    // target) are formatted in parallel.
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let temp = target.with_file_name(format!(
        ".{file_name}.msklint-fmt-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let result = std::fs::write(&temp, text)
        .and_then(|()| std::fs::set_permissions(&temp, permissions))
        .and_then(|()| std::fs::rename(&temp, &target));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// `--- name` / `+++ name` and hunks with three lines of context. Patience
/// diffing with a deadline: a whole file reflowed never takes long.
fn unified_diff(name: &str, before: &str, after: &str) -> String {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .deadline(Instant::now() + Duration::from_secs(5))
        .diff_lines(before, after);
    let path = diff_path(name);
    diff.unified_diff()
        .context_radius(3)
        .header(&path, &path)
        .to_string()
}

/// A path as `git apply -p0` and `patch -p0` both read it in a `---` or
/// `+++` line. git refuses `./` in a path ("invalid path"), and `patch`
/// ends a name at a space unless a tab ends it, as GNU diff writes it.
fn diff_path(name: &str) -> String {
    let mut path = name;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.trim_start_matches('/');
    }
    if path.contains(' ') {
        format!("{path}\t")
    } else {
        path.to_string()
    }
}

fn summary(write: bool, changed: usize, unchanged: usize, failed: usize, unread: usize) -> String {
    let files = |n: usize| format!("{n} file{}", if n == 1 { "" } else { "s" });
    let mut out = if write {
        format!(
            "{} reformatted, {} left unchanged",
            files(changed),
            files(unchanged)
        )
    } else {
        format!(
            "{} would be reformatted, {} already formatted",
            files(changed),
            files(unchanged)
        )
    };
    if failed > 0 {
        out.push_str(&format!(", {} could not be formatted", files(failed)));
    }
    if unread > 0 {
        let folders = if unread == 1 { "folder" } else { "folders" };
        out.push_str(&format!(", {unread} {folders} could not be read"));
    }
    out
}
