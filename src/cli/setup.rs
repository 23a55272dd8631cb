//! What every command does first: build the session from the flags
//! (printing any problem), find the files and read them from disk.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use super::args::{Color, SetupArgs};
use super::notes::print_path_problems;
use super::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE};
use crate::cache::{Cache, Key, Rendering};
use crate::check::FileReport;
use crate::discover::{discover, io_message, Include, PathProblem};
use crate::graph::PathwayGraph;
use crate::output::human::{self, HumanOptions};
use crate::output::json::Fragment;
use crate::session::{Input, Session, SetupError};

/// Loads the session, or prints why it could not be and gives the exit code.
pub fn session(args: &SetupArgs, start: &Path) -> Result<Session, u8> {
    loaded(args, start).map_err(|_| EXIT_TROUBLE)
}

/// As [`session`], keeping the error for a command that also reports it
/// in its own output (a CI job may read only that).
pub fn loaded(args: &SetupArgs, start: &Path) -> Result<Session, SetupError> {
    Session::load(&args.options(start)).inspect_err(|e| match e {
        SetupError::Files(errors) => {
            let handler = human::handler(human_options(Color::Auto, true));
            for e in errors {
                errprint!("{}", human::render_one(&handler, &e.diagnostic, &e.source));
            }
        }
        other => errln!("error: {other}"),
    })
}

/// A setup that failed, as structured output shows it: each problem in a
/// configuration or rule file as a finding on its line, and every path
/// asked for as not checked, with the reason.
pub fn setup_failure(e: &SetupError, paths: &[PathBuf]) -> (Vec<FileReport>, Vec<PathProblem>) {
    let mut reports: Vec<FileReport> = Vec::new();
    if let SetupError::Files(errors) = e {
        for error in errors {
            let diagnostic = (*error.diagnostic).clone();
            match reports
                .iter_mut()
                .find(|r| std::sync::Arc::ptr_eq(&r.source, &error.source))
            {
                Some(report) => report.diagnostics.push(diagnostic),
                None => reports.push(FileReport {
                    source: error.source.clone(),
                    kind: crate::input::InputFormat::Text,
                    diagnostics: vec![diagnostic],
                }),
            }
        }
    }
    let why = match e {
        SetupError::Files(errors) => {
            let mut files: Vec<&str> = errors.iter().map(|e| e.source.name.as_str()).collect();
            files.dedup();
            format!(
                "not checked: {} has problems, shown on its lines (mend them and run again)",
                files
                    .iter()
                    .map(|f| crate::output::paths::from_root(f))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
        other => format!("not checked: {other}"),
    };
    let problems = paths
        .iter()
        .map(|p| PathProblem::at(p, why.clone()))
        .collect();
    (reports, problems)
}

/// The paths to search: those given, or the current directory.
pub fn paths_or_here(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}

/// The `include:` and `exclude:` globs of msklint.yaml plus those given
/// as flags.
pub fn includes(session: &Session, flags: &[String], exclude: &[String]) -> Result<Include, u8> {
    session.include(flags, exclude).map_err(|msg| {
        errln!("error: {msg}");
        EXIT_TROUBLE
    })
}

/// Reads and checks every file; the result is in the order of `files`.
pub fn check_files(
    session: &Session,
    files: &[PathBuf],
    cache: Option<&Cache>,
) -> (Vec<FileReport>, Vec<PathProblem>) {
    let Some(cache) = cache else {
        return read_each(files, |input| session.check(input));
    };
    let results: Vec<Result<FileReport, PathProblem>> = crate::par::map(files, |path| {
        let (name, bytes, key) = read_keyed(cache, path, Vec::new())?;
        cached_report(session, cache, path, &name, bytes, key)
    });
    let mut reports = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(report) => reports.push(report),
            Err(p) => problems.push(p),
        }
    }
    (reports, problems)
}

/// Reads and checks every file like [`check_files`], but gives each
/// file's findings rendered for `rendering`: a re-run of an unchanged file
/// reads its kept fragment and neither checks nor renders it again. The
/// results are in the order of `files`, each with its path. Files and
/// fragments are read into memory from `buffers`.
pub fn render_files<'f>(
    session: &Session,
    files: &'f [PathBuf],
    cache: &Cache,
    rendering: Rendering,
    buffers: &Buffers,
) -> (Vec<(&'f Path, Fragment)>, Vec<PathProblem>) {
    let rules_table = rendering == Rendering::JsonRulesTable;
    let results: Vec<Result<Fragment, PathProblem>> = crate::par::map(files, |path| {
        let (name, bytes, key) = read_keyed(cache, path, buffers.take())?;
        if let Some(fragment) = cache.get_fragment(&name, key, rendering, buffers.take()) {
            buffers.give(bytes);
            return Ok(fragment);
        }
        let report = cached_report(session, cache, path, &name, bytes, key)?;
        let fragment = crate::output::json::fragment(&report, rules_table);
        // As with entries: not written costs time, not results.
        let _ = cache.put_fragment(&name, key, rendering, &fragment);
        Ok(fragment)
    });
    let mut fragments = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (path, r) in files.iter().zip(results) {
        match r {
            Ok(fragment) => fragments.push((path.as_path(), fragment)),
            Err(p) => problems.push(p),
        }
    }
    (fragments, problems)
}

/// Memory to read files and fragments into, given back once they are
/// written: a re-run from the cache then reuses a few megabytes instead
/// of asking the system for fresh memory for each of thousands of files.
#[derive(Default)]
pub struct Buffers(std::sync::Mutex<Vec<Vec<u8>>>);

impl Buffers {
    /// How many spare buffers are kept.
    const KEEP: usize = 1_024;

    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut spare| spare.pop().unwrap_or_default())
            .unwrap_or_default()
    }

    /// Keeps `buffer`'s memory for a later read (its bytes as they are:
    /// the next read overwrites them, and need not clear them first).
    pub fn give(&self, buffer: Vec<u8>) {
        if let Ok(mut spare) = self.0.lock() {
            if spare.len() < Self::KEEP {
                spare.push(buffer);
            }
        }
    }
}

/// The report of the file at `path`, from the cache or checked afresh
/// (and then kept).
pub fn report_of(session: &Session, cache: &Cache, path: &Path) -> Result<FileReport, PathProblem> {
    let (name, bytes, key) = read_keyed(cache, path, Vec::new())?;
    cached_report(session, cache, path, &name, bytes, key)
}

/// A file's name as shown, its bytes (read into `buffer`), and its key
/// in `cache`.
fn read_keyed(
    cache: &Cache,
    path: &Path,
    buffer: Vec<u8>,
) -> Result<(String, Vec<u8>, Key), PathProblem> {
    let name = path.display().to_string();
    let bytes =
        crate::cache::read_into(path, buffer).map_err(|e| PathProblem::at(path, io_message(&e)))?;
    // A sidecar of suppressions changes a document's findings.
    let sidecar = (crate::input::InputFormat::of(&name) != crate::input::InputFormat::Pathway
        || bytes.starts_with(b"%PDF"))
    .then(|| crate::sidecar::load(path))
    .flatten();
    // Marked apart, so no sidecar's text can pass for a reason it could
    // not be read.
    let sidecar = sidecar.map(|(_, text)| match text {
        Ok(text) => format!("text\0{text}"),
        Err(why) => format!("unread\0{why}"),
    });
    // Keyed by the name as the structured formats spell it: two names
    // that are not UTF-8 can show alike (each bad byte as U+FFFD) yet be
    // different files, and a kept JSON fragment names its file.
    let key = cache.key(
        &crate::output::paths::spelled(path),
        &bytes,
        sidecar.as_deref(),
    );
    Ok((name, bytes, key))
}

/// The report kept under `key`, or the file checked and its report kept.
fn cached_report(
    session: &Session,
    cache: &Cache,
    path: &Path,
    name: &str,
    bytes: Vec<u8>,
    key: Key,
) -> Result<FileReport, PathProblem> {
    if let Some(report) = cache.get(name, key, &bytes) {
        report.source.keep_os_path(path);
        return Ok(report);
    }
    let fingerprint = crate::cache::fingerprint(&bytes);
    let content =
        crate::input::open(name, bytes).map_err(|message| PathProblem::at(path, message))?;
    let report = session.check(Input {
        name,
        path: Some(path),
        content,
    });
    // Not written, the cache costs the next run time, not results.
    let _ = cache.put(name, key, fingerprint, &report);
    Ok(report)
}

/// The result cache a command uses: `--no-cache` turns it off; otherwise
/// `--cache-dir`, then `MSKLINT_CACHE_DIR`, then `.msklint_cache` beside
/// the configuration file, or in the current folder without one.
pub fn cache_dir(session: &Session, flag: Option<&Path>) -> PathBuf {
    cache_dir_beside(session.config().path.as_deref(), flag)
}

/// [`cache_dir`] for the configuration file `config`, if there is one.
pub fn cache_dir_beside(config: Option<&Path>, flag: Option<&Path>) -> PathBuf {
    if let Some(dir) = flag {
        return dir.to_path_buf();
    }
    if let Some(dir) = std::env::var_os(crate::cache::DIR_VARIABLE).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    match config.and_then(Path::parent) {
        Some(folder) => folder.join(crate::cache::DIR_NAME),
        None => PathBuf::from(crate::cache::DIR_NAME),
    }
}

/// Reads and checks every file, and lends each file's report and graphs
/// to `view`; the results are in the order of `files`.
pub fn view_files<T: Send>(
    session: &Session,
    files: &[PathBuf],
    view: impl Fn(&FileReport, &[PathwayGraph<'_>]) -> T + Sync,
) -> (Vec<(FileReport, T)>, Vec<PathProblem>) {
    read_each(files, |input| session.check_with(input, &view))
}

/// Reads the files in parallel and hands each to `check`. A file that
/// cannot be read, or a PDF whose text cannot be extracted, is a problem with a
/// way forward rather than a finding.
fn read_each<R: Send>(
    files: &[PathBuf],
    check: impl Fn(Input<'_>) -> R + Sync,
) -> (Vec<R>, Vec<PathProblem>) {
    let results: Vec<Result<R, PathProblem>> = crate::par::map(files, |path| {
        let name = path.display().to_string();
        match std::fs::read(path) {
            Ok(bytes) => match crate::input::open(&name, bytes) {
                Err(message) => Err(PathProblem::at(path, message)),
                Ok(content) => Ok(check(Input {
                    name: &name,
                    path: Some(path),
                    content,
                })),
            },
            Err(e) => Err(PathProblem::at(path, io_message(&e))),
        }
    });
    let mut reports = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(report) => reports.push(report),
            Err(p) => problems.push(p),
        }
    }
    (reports, problems)
}

/// What `graph`, `score` and `report` share: the files checked exactly as
/// `check` checks them, each viewed while its graphs exist. Files that
/// could not be read or parsed are reported on stderr; the flag says
/// whether any could not be parsed, and the paths that could not be read
/// are given back too: the command still writes what it could, then exits
/// with 2. `include` is `None` for commands that only read pathways
/// (`graph`, `score`): they ignore `include:` in msklint.yaml too, but not
/// `exclude:`. With
/// `keep_suppressed` (`report`), findings the files' own suppressions
/// cover are kept, marked.
pub fn viewed<T: Send>(
    setup: &SetupArgs,
    paths: &[PathBuf],
    include: Option<(&[String], &[String])>,
    keep_suppressed: bool,
    view: impl Fn(&Session, &FileReport, &[PathwayGraph<'_>]) -> T + Sync,
) -> Result<Viewed<T>, u8> {
    let paths = paths_or_here(paths);
    refuse_stdin(&paths)?;
    let mut session = session(setup, &paths[0])?;
    if keep_suppressed {
        session = session.keeping_suppressed();
    }
    let reads_documents = include.is_some();
    let include = match include {
        Some((flags, exclude)) => includes(&session, flags, exclude)?,
        None => session.pathway_search().map_err(|msg| {
            errln!("error: {msg}");
            EXIT_TROUBLE
        })?,
    };
    let found = discover(&paths, &include);
    let mut problems = found.problems;
    let (results, read) = view_files(&session, &found.files, |r, g| view(&session, r, g));
    problems.extend(read);
    print_path_problems(&found.skipped, &problems, reads_documents);
    let problems = super::notes::explained(&found.skipped, &problems, reads_documents);
    let handler = human::handler(human_options(Color::Auto, true));
    let mut unreadable = false;
    for (r, _) in &results {
        for d in r
            .diagnostics
            .iter()
            .filter(|d| crate::config::LOCKED.contains(&d.rule.as_str()) || holds_no_pathway(r, d))
        {
            unreadable = true;
            errprint!("{}", human::render_one(&handler, d, &r.source));
        }
    }
    Ok(Viewed {
        files: results,
        unreadable,
        problems,
    })
}

/// Whether `d` says a pathway file declares no pathway: there is nothing
/// in it to draw, score or review, which these commands say as they say a
/// file could not be parsed.
pub fn holds_no_pathway(r: &FileReport, d: &crate::diagnostic::Diagnostic) -> bool {
    !r.kind.is_prose() && d.rule == crate::rules::builtin::Builtin::EmptyFile.name()
}

/// `-` for standard input is read by `check` only: elsewhere it would be
/// looked for as a file called `-`.
pub fn refuse_stdin(paths: &[PathBuf]) -> Result<(), u8> {
    if paths.iter().any(|p| p.as_os_str() == "-") {
        errln!(
            "error: `-` (standard input) is read by `msklint check` only; save the text to a file and give its path"
        );
        return Err(EXIT_TROUBLE);
    }
    Ok(())
}

/// What [`viewed`] gives a command.
pub struct Viewed<T> {
    /// Each file read, with its report and what the command made of it.
    pub files: Vec<(FileReport, T)>,
    /// Some file could not be parsed (its findings are on stderr).
    pub unreadable: bool,
    /// Paths that could not be read at all (already on stderr).
    pub problems: Vec<crate::discover::PathProblem>,
}

impl<T> Viewed<T> {
    /// Whether no path could be read at all (the reasons are on stderr):
    /// a drawing or a review has nothing to show, while a machine-readable
    /// output still lists what was not read.
    pub fn nothing_read(&self) -> bool {
        self.files.is_empty() && !self.problems.is_empty()
    }

    /// The exit status once the command's text is written: 2 when a path
    /// could not be read, else what `emit` gave.
    pub fn exit(&self, written: u8) -> u8 {
        if self.problems.is_empty() {
            written
        } else {
            EXIT_TROUBLE
        }
    }
}

/// Writes a view's text to stdout; exit 1 if some file could not be parsed.
pub fn emit(text: &str, unreadable: bool) -> u8 {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if unreadable {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// Colour and width for human output on stdout or stderr: colour when
/// asked, or on a terminal unless NO_COLOR is set; width from COLUMNS.
pub fn human_options(color: Color, stderr: bool) -> HumanOptions {
    let tty = if stderr {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    let color = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w: &usize| w >= 40)
        .unwrap_or(100);
    HumanOptions { color, width }
}

/// Refuses an output file (`-o FILE`, `--write-baseline FILE`, named by
/// `flag`) that is one of the inputs (`report p.md -o p.md`), which would
/// replace the document being read with what was made from it. Checked
/// before any work, so nothing is lost. A folder among the inputs is fine:
/// a report may be written inside the folder it reviews.
pub fn refuse_overwriting_input(out: &Path, inputs: &[PathBuf], flag: &str) -> Result<(), u8> {
    let Ok(target) = std::fs::canonicalize(out) else {
        // Not there yet, so not an input.
        return Ok(());
    };
    if target.is_dir() {
        errln!(
            "error: {}: this is a folder; {flag} takes the name of a file to write{}",
            out.display(),
            if flag == "--write-baseline" {
                format!(", such as {}", out.join("msklint-baseline.json").display())
            } else {
                String::new()
            }
        );
        return Err(EXIT_TROUBLE);
    }
    let named = inputs
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .any(|p| p == target);
    if named {
        errln!(
            "error: {}: this is one of the files being read, and writing there would replace it; choose another name with {flag}",
            out.display()
        );
        return Err(EXIT_TROUBLE);
    }
    Ok(())
}
