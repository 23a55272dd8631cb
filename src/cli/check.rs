//! `msklint check`: find the files, check them, print the findings in the
//! chosen format, and turn the result into an exit code.

use std::io::Write;
use std::path::PathBuf;

use super::args::{Color, SetupArgs};
use super::notes::{explained, print_path_problems};
use super::setup::{
    cache_dir, check_files, human_options, includes, loaded, paths_or_here, render_files,
    report_of, setup_failure, Buffers,
};
use super::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE};
use crate::baseline::Baseline;
use crate::cache::{Cache, Rendering};
use crate::discover::discover;
use crate::output::{json, plural, OutputFormat, Run, Summary, Unread};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check; directories are searched for
    /// *.pathway and diagrams (*.mmd, *.mermaid, *.drawio, *.bpmn, *.pptx, *.vsdx), and
    /// --include patterns. Named .md, .markdown, .txt, .text, .docx and .pdf
    /// files are read as policy documents. `-` checks what is piped in on
    /// standard input
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// With `-`: the name to give standard input, for its format (by the
    /// extension), the output and per-path configuration (default:
    /// `<stdin>`, read as a pathway, PDF or Word document by its content,
    /// else as a plain-text policy)
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// Also check files matching this glob when searching directories,
    /// e.g. '*.md' for policy documents; repeatable
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Leave out files and folders matching this glob when searching
    /// directories, e.g. 'drafts' or 'policies/archive'; added to
    /// exclude: in msklint.yaml; repeatable
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Check a file named on the command line only if a directory search
    /// would pick it up (*.pathway, or an --include / include: glob); for
    /// pre-commit hooks, which name every staged file
    #[arg(long)]
    pub respect_include: bool,

    /// How to print the findings
    #[arg(long, value_enum, default_value_t = OutputFormat::Human, ignore_case = true)]
    pub format: OutputFormat,

    /// Treat warnings as errors for the exit code
    #[arg(long)]
    pub deny_warnings: bool,

    /// Hide findings recorded in this baseline file; only new ones count
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in this baseline file, then exit 0 (2 if a path could not be checked)
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// List the files the paths and include/exclude patterns select, one
    /// per line, instead of checking them
    #[arg(long, conflicts_with_all = ["trace", "write_baseline", "baseline"])]
    pub show_files: bool,

    /// Explain why each sentence on this line of a policy document fired
    /// a prose rule or stayed silent, instead of checking (FILE:LINE;
    /// `-:LINE` reads standard input, named by --stdin-filename)
    #[arg(long, value_name = "FILE:LINE", allow_hyphen_values = true)]
    pub trace: Option<String>,

    /// With --format json: give each rule's help and sources once, in a
    /// top-level `rules` table, instead of on every finding (a much
    /// smaller document for large runs)
    #[arg(long)]
    pub rules_table: bool,

    /// When to use colour in human output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Keep each file's results in this folder and reuse them while the
    /// file, the rules and the configuration are unchanged (default:
    /// .msklint_cache beside msklint.yaml, else in the current folder;
    /// MSKLINT_CACHE_DIR also sets it)
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Check every file afresh, neither reading nor writing the cache
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,

    #[command(flatten)]
    pub setup: SetupArgs,
}

pub fn run(args: &CheckArgs) -> u8 {
    if args.trace.is_some() {
        // The trace reads one line of one file; anything else given would
        // be quietly dropped.
        if !args.paths.is_empty() {
            errln!("error: --trace reads the file named in FILE:LINE; give no other paths with it");
            return EXIT_TROUBLE;
        }
        if !matches!(args.format, OutputFormat::Human | OutputFormat::Json) {
            errln!(
                "error: --trace prints text, or JSON with --format json; it has no other format"
            );
            return EXIT_TROUBLE;
        }
    }
    if args.rules_table && args.format != OutputFormat::Json {
        errln!(
            "error: --rules-table shapes JSON output; use it with --format json (SARIF already lists each rule once)"
        );
        return EXIT_TROUBLE;
    }
    let traced_stdin = args
        .trace
        .as_deref()
        .is_some_and(|spec| super::trace::parse_spec(spec).is_ok_and(|(file, _)| file == "-"));
    let stdin = traced_stdin || args.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.paths.len() > 1 {
        errln!("error: `-` (standard input) is checked on its own; give it without other paths");
        return EXIT_TROUBLE;
    }
    if args.stdin_filename.is_some() && !stdin {
        errln!("error: --stdin-filename names standard input; give `-` as the path to read it");
        return EXIT_TROUBLE;
    }
    let paths = match (&args.stdin_filename, stdin) {
        // The configuration is found from the traced file's folder, as
        // `check FILE` finds it, so the trace reads the sentence as the
        // check does.
        (Some(name), true) if traced_stdin => vec![name.clone()],
        (None, true) if traced_stdin => vec![PathBuf::from(".")],
        _ if args.trace.is_some() => {
            match super::trace::parse_spec(args.trace.as_deref().unwrap_or_default()) {
                Ok((file, _)) => vec![PathBuf::from(file)],
                Err(msg) => {
                    errln!("error: {msg}");
                    return EXIT_TROUBLE;
                }
            }
        }
        // The configuration is found from where the named file would be.
        (Some(name), true) => vec![name.clone()],
        (None, true) => vec![PathBuf::from(".")],
        _ => paths_or_here(&args.paths),
    };
    // Not dropped: the process ends when the check does, and freeing the
    // rules and their compiled patterns piece by piece cost about 2% of a
    // run over many small files.
    let session = match loaded(&args.setup, &paths[0]) {
        Ok(session) => std::mem::ManuallyDrop::new(session),
        Err(e) => {
            // A CI job that uploads SARIF or reads annotations would
            // otherwise find no document at all, and fail on that.
            let (reports, not_checked) = setup_failure(&e, &paths);
            let (rules, config) = Default::default();
            write_stopped_run(args, &reports, &rules, &config, &not_checked);
            return EXIT_TROUBLE;
        }
    };
    // Read before anything is checked: a baseline that cannot be read
    // stops the run, and a structured format still gets its document.
    let baseline = match args.baseline.as_deref().map(Baseline::load) {
        Some(Err(msg)) => {
            errln!("error: {msg}");
            let not_checked: Vec<crate::discover::PathProblem> = paths
                .iter()
                .map(|p| {
                    crate::discover::PathProblem::at(
                        p,
                        format!("not checked: the baseline could not be read ({msg})"),
                    )
                })
                .collect();
            write_stopped_run(args, &[], session.rules(), session.config(), &not_checked);
            return EXIT_TROUBLE;
        }
        Some(Ok(baseline)) => Some(baseline),
        None => None,
    };
    if let Some(spec) = &args.trace {
        return super::trace::run(
            &session,
            spec,
            args.stdin_filename.as_deref(),
            args.format == OutputFormat::Json,
        );
    }
    let include = match includes(&session, &args.include, &args.exclude) {
        Ok(include) => include.for_named_files(args.respect_include),
        Err(code) => return code,
    };
    let found = if stdin {
        crate::discover::Discovery::default()
    } else {
        discover(&paths, &include)
    };
    if args.show_files {
        // Standard input is the one file read, under the name its
        // findings would have; it is not read to list it.
        if stdin {
            let mut stdout = std::io::stdout().lock();
            let name = super::stdin::shown_name(args.stdin_filename.as_deref());
            let _ = writeln!(stdout, "{name}");
            let _ = stdout.flush();
            return EXIT_CLEAN;
        }
        return show_files(&found);
    }
    super::notes::note_unmatched_overrides(session.config(), &paths, &found.files);
    if let Some(out) = &args.write_baseline {
        let mut read = paths.clone();
        read.extend(found.files.iter().cloned());
        if let Err(code) = super::setup::refuse_overwriting_input(out, &read, "--write-baseline") {
            return code;
        }
    }
    let mut problems = found.problems;
    // Piped text has no file to key a cache entry by.
    let cache = (!args.no_cache && !stdin).then(|| {
        Cache::new(
            cache_dir(&session, args.cache_dir.as_deref()),
            session.linter(),
        )
    });
    // JSON without a baseline is written from each file's rendered
    // findings, which the cache keeps.
    if let (Some(cache), OutputFormat::Json, None, None) =
        (&cache, args.format, &args.baseline, &args.write_baseline)
    {
        if let Some(code) = run_rendered(
            args,
            &session,
            cache,
            &found.files,
            &found.skipped,
            &mut problems,
        ) {
            return code;
        }
    }
    let (mut reports, read_problems) = if stdin {
        match super::stdin::check(&session, args.stdin_filename.as_deref()) {
            Ok(report) => (vec![report], Vec::new()),
            Err(problem) => (Vec::new(), vec![problem]),
        }
    } else {
        check_files(&session, &found.files, cache.as_ref())
    };
    problems.extend(read_problems);

    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::record(&reports, folder_of(path));
        let count = baseline.len();
        return match baseline.save(path) {
            Ok(()) => {
                errln!(
                    "recorded {} from {} in {}",
                    plural(count, "finding", "findings"),
                    plural(reports.len(), "file", "files"),
                    path.display()
                );
                // A baseline never hides these: say so now, not at the
                // next run that fails on them.
                for r in &reports {
                    for d in r
                        .diagnostics
                        .iter()
                        .filter(|d| crate::config::LOCKED.contains(&d.rule.as_str()))
                    {
                        let at = r.source.line_col(d.span.start());
                        errln!(
                            "warning: {}:{}:{}: {} not recorded ({}): a baseline never hides it, so checks report it until it is mended",
                            r.source.name,
                            at.line,
                            at.column,
                            d.rule,
                            d.message
                        );
                    }
                }
                print_path_problems(&found.skipped, &problems, true);
                if problems.is_empty() {
                    EXIT_CLEAN
                } else {
                    EXIT_TROUBLE
                }
            }
            Err(msg) => {
                errln!("error: {msg}");
                EXIT_TROUBLE
            }
        };
    }
    let mut hidden = 0;
    if let (Some(path), Some(baseline)) = (&args.baseline, &baseline) {
        hidden = baseline.filter(&mut reports, folder_of(path));
    }

    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    // With nothing checked because of a bad path, a summary line would
    // read "0 files checked: no problems found".
    let nothing_checked = reports.is_empty() && !problems.is_empty();
    if !(nothing_checked && args.format.entry().summary_line) {
        let not_checked = explained(&found.skipped, &problems, true);
        let run = Run {
            reports: &reports,
            rules: session.rules(),
            config: session.config(),
            deny_warnings: args.deny_warnings,
            human: human_options(args.color, false),
            rules_table: args.rules_table,
            unread: Unread {
                not_checked: &not_checked,
                skipped: &found.skipped,
                stopped_at_setup: false,
            },
        };
        // A closed pipe (e.g. `| head`) is not an error worth panicking over.
        let _ = args.format.write(&run, &mut stdout);
    }
    let _ = stdout.flush();
    print_path_problems(&found.skipped, &problems, true);
    if hidden > 0 {
        let (n, were) = (
            plural(hidden, "finding", "findings"),
            if hidden == 1 { "was" } else { "were" },
        );
        errln!("{n} already in the baseline {were} not reported");
    }
    exit_code(
        &Summary::of(&reports),
        !problems.is_empty(),
        args.deny_warnings,
    )
}

/// `--format json` from the cache's rendered findings: each file's
/// fragment is read back, or checked (or read from its entry), rendered
/// and kept. `None` when the run's rules table cannot be made from the
/// fragments, or a file whose fragment must be rendered again for it can
/// no longer be read: the caller then checks the run the ordinary way.
fn run_rendered(
    args: &CheckArgs,
    session: &crate::session::Session,
    cache: &Cache,
    files: &[PathBuf],
    skipped: &[crate::discover::Skipped],
    problems: &mut Vec<crate::discover::PathProblem>,
) -> Option<u8> {
    let rendering = Rendering::json(args.rules_table);
    let buffers = Buffers::default();
    let stdout = std::io::BufWriter::new(std::io::stdout());
    let (summary, written) = if args.rules_table {
        // The table comes first, and is made from every file's fragment.
        let (rendered, read_problems) = render_files(session, files, cache, rendering, &buffers);
        let (paths, mut fragments): (Vec<_>, Vec<_>) = rendered.into_iter().unzip();
        let table = json::RunTable::of(&fragments)?;
        let misfits = table.misfits(&fragments);
        for &i in &misfits {
            let report = report_of(session, cache, paths[i]).ok()?;
            fragments[i] = table.refit(&report);
        }
        // A file changed since it was first read could change the table.
        if !misfits.is_empty() && json::RunTable::of(&fragments).as_ref() != Some(&table) {
            return None;
        }
        problems.extend(read_problems);
        let mut writer = json::FragmentWriter::start(stdout, Some(&table));
        for f in &fragments {
            writer.push(f);
        }
        writer.finish(Unread {
            not_checked: &explained(skipped, problems, true),
            skipped,
            stopped_at_setup: false,
        })
    } else {
        // A batch of files is written while the next is read.
        let mut writer = json::FragmentWriter::start(stdout, None);
        let mut ready: Vec<json::Fragment> = Vec::new();
        for batch in files.chunks(BATCH) {
            let ((), (rendered, read_problems)) = crate::par::join(
                || {
                    for f in ready.drain(..) {
                        writer.push(&f);
                        buffers.give(f.into_buffer());
                    }
                },
                || render_files(session, batch, cache, rendering, &buffers),
            );
            problems.extend(read_problems);
            ready.extend(rendered.into_iter().map(|(_, f)| f));
        }
        ready.iter().for_each(|f| writer.push(f));
        writer.finish(Unread {
            not_checked: &explained(skipped, problems, true),
            skipped,
            stopped_at_setup: false,
        })
    };
    // A closed pipe (e.g. `| head`) is not an error worth panicking over.
    if let Ok(mut stdout) = written {
        let _ = stdout.flush();
    }
    print_path_problems(skipped, problems, true);
    Some(exit_code(
        &summary,
        !problems.is_empty(),
        args.deny_warnings,
    ))
}

/// Files read at once when JSON is written from the cache's fragments.
const BATCH: usize = 256;

pub fn exit_code(summary: &Summary, trouble: bool, deny_warnings: bool) -> u8 {
    if trouble {
        EXIT_TROUBLE
    } else if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// The folder a baseline file is in, from which it records paths.
fn folder_of(baseline: &std::path::Path) -> &std::path::Path {
    match baseline.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    }
}

/// The document a structured format still gets when the run stops before
/// any file is checked: a CI job that uploads SARIF or reads annotations
/// would otherwise find nothing at all, and fail on that.
fn write_stopped_run(
    args: &CheckArgs,
    reports: &[crate::check::FileReport],
    rules: &crate::rules::load::RuleSet,
    config: &crate::config::Config,
    not_checked: &[crate::discover::PathProblem],
) {
    if args.format.entry().summary_line || args.trace.is_some() {
        return;
    }
    let run = Run {
        reports,
        rules,
        config,
        deny_warnings: args.deny_warnings,
        human: human_options(args.color, false),
        rules_table: args.rules_table,
        unread: Unread {
            not_checked,
            skipped: &[],
            stopped_at_setup: true,
        },
    };
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let _ = args.format.write(&run, &mut stdout);
    let _ = stdout.flush();
}

/// `--show-files`: what a check would read, so include and exclude
/// patterns can be tried without waiting for a check. Notes and paths
/// that cannot be used are said as a check says them, with its status.
fn show_files(found: &crate::discover::Discovery) -> u8 {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    for file in &found.files {
        let _ = writeln!(stdout, "{}", file.display());
    }
    let _ = stdout.flush();
    print_path_problems(&found.skipped, &found.problems, true);
    if found.problems.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_TROUBLE
    }
}
