//! Command-line interface: argument parsing and exit codes.
//!
//! Exit codes: 0 no errors, 1 errors found (or warnings with
//! `--deny-warnings`), 2 usage, I/O or configuration problems.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::baseline::Baseline;
use crate::check::{FileReport, Linter};
use crate::config::{self, Config, ConfigError};
use crate::discover::{discover, io_message, Include, PathProblem, Skipped};
use crate::output::{self, human::HumanOptions, Summary};
use crate::rules::load::{LoadError, RuleSet};
use crate::vocabulary::Vocabulary;

#[derive(Parser, Debug)]
#[command(
    name = "msklint",
    version,
    about = "Lint musculoskeletal (MSK) care pathways for the faults patient organisations keep finding"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check pathway files and directories (default: the current directory)
    Check(CheckArgs),
    /// List every rule: code, name, severity, category and summary
    Rules(RulesArgs),
    /// Explain a rule: why it matters, its sources, how to fix it, examples
    Explain(ExplainArgs),
    /// Draw each pathway (Mermaid, DOT or SVG) with findings outlined
    Graph(crate::views::GraphArgs),
    /// Score each pathway against the ARMA core offer maturity matrix
    Score(crate::views::ScoreArgs),
    /// Write a draft consultation response for each pathway
    Report(crate::views::ReportArgs),
    /// Rewrite pathway files in the canonical layout (see docs/formatting.md)
    Fmt(crate::fmt_command::FmtArgs),
}

/// How rules and configuration are found; shared by every command.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SetupArgs {
    /// Use this configuration file instead of searching for msklint.yaml
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any msklint.yaml
    #[arg(long)]
    pub no_config: bool,

    /// Load extra rule files (*.yaml) from this directory; repeatable
    #[arg(long = "rules-dir", value_name = "DIR")]
    pub rules_dirs: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// How to print the list
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,

    #[command(flatten)]
    pub setup: SetupArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulesFormat {
    /// One line per rule
    Table,
    /// Full reference (this is docs/rules.md)
    Markdown,
    /// Every field of every rule
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// Rule name or code, e.g. `bmi-threshold` or `MSK101`
    #[arg(value_name = "RULE")]
    pub rule: String,

    #[command(flatten)]
    pub setup: SetupArgs,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check; directories are searched for
    /// *.pathway (and --include patterns). Named .md, .txt and .docx files
    /// are read as policy documents
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Also check files matching this glob when searching directories,
    /// e.g. '*.md' for policy documents; repeatable
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Check a file named on the command line only if a directory search
    /// would pick it up (*.pathway, or an --include / include: glob); for
    /// pre-commit hooks, which name every staged file
    #[arg(long)]
    pub respect_include: bool,

    /// How to print the findings
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Treat warnings as errors for the exit code
    #[arg(long)]
    pub deny_warnings: bool,

    /// Hide findings recorded in this baseline file; only new ones count
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in this baseline file, then exit 0
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// Explain why each sentence on this line of a policy document fired
    /// a prose rule or stayed silent, instead of checking (FILE:LINE)
    #[arg(long, value_name = "FILE:LINE")]
    pub trace: Option<String>,

    /// When to use colour in human output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    #[command(flatten)]
    pub setup: SetupArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Graphical diagnostics with source snippets
    Human,
    /// One JSON document (see docs/json.md)
    Json,
    /// One line per finding: path:line:column: severity[rule] message
    Concise,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions workflow commands (annotations on pull requests)
    Github,
    /// JUnit XML for CI dashboards
    Junit,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_TROUBLE: u8 = 2;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                EXIT_TROUBLE
            } else {
                EXIT_CLEAN
            });
        }
    };
    ExitCode::from(match cli.command {
        Command::Check(args) => check(&args),
        Command::Rules(args) => crate::explain::rules_command(&args),
        Command::Explain(args) => crate::explain::explain_command(&args),
        Command::Graph(args) => crate::views::graph_command(&args),
        Command::Score(args) => crate::views::score_command(&args),
        Command::Report(args) => crate::views::report_command(&args),
        Command::Fmt(args) => crate::fmt_command::fmt_command(&args),
    })
}

/// Reads and checks every file; the result is in the order of `files`.
pub fn check_files(linter: &Linter, files: &[PathBuf]) -> (Vec<FileReport>, Vec<PathProblem>) {
    let results: Vec<Result<FileReport, PathProblem>> = files
        .par_iter()
        .map(|path| {
            let name = path.display().to_string();
            match std::fs::read(path) {
                // Not read as text: a problem with a way forward, not a finding.
                Ok(bytes) if crate::prose::pdf::is_pdf(&name, &bytes) => Err(PathProblem {
                    message: crate::prose::pdf::refusal(&name),
                    path: name,
                }),
                Ok(bytes) => Ok(linter.check_file(&name, Some(path), bytes)),
                Err(e) => Err(PathProblem {
                    path: name,
                    message: io_message(&e),
                }),
            }
        })
        .collect();
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

/// The `include:` globs of msklint.yaml plus those given as flags.
pub fn includes(linter: &Linter, flags: &[String]) -> Result<Include, u8> {
    let mut all = linter.config.include.clone();
    all.extend(flags.iter().cloned());
    let include = Include::new(&all).map_err(|msg| {
        eprintln!("error: {msg}");
        EXIT_TROUBLE
    })?;
    Ok(match &linter.config.path {
        Some(_) => include.relative_to(&linter.config.root),
        None => include,
    })
}

fn check(args: &CheckArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let linter = match setup(&args.setup, &paths[0]) {
        Ok(linter) => linter,
        Err(code) => return code,
    };
    if let Some(spec) = &args.trace {
        return crate::trace::run(&linter, spec, args.format == Format::Json);
    }
    let include = match includes(&linter, &args.include) {
        Ok(include) => include.for_named_files(args.respect_include),
        Err(code) => return code,
    };
    let found = discover(&paths, &include);
    let mut problems = found.problems;
    let (mut reports, read_problems) = check_files(&linter, &found.files);
    problems.extend(read_problems);

    if let Some(path) = &args.write_baseline {
        let baseline = Baseline::record(&reports);
        let count: usize = baseline.findings.values().sum();
        return match baseline.save(path) {
            Ok(()) => {
                eprintln!(
                    "recorded {count} findings from {} files in {}",
                    reports.len(),
                    path.display()
                );
                print_path_problems(&found.skipped, &problems, true);
                if problems.is_empty() {
                    EXIT_CLEAN
                } else {
                    EXIT_TROUBLE
                }
            }
            Err(msg) => {
                eprintln!("error: {msg}");
                EXIT_TROUBLE
            }
        };
    }
    let mut hidden = 0;
    if let Some(path) = &args.baseline {
        match Baseline::load(path) {
            Ok(baseline) => hidden = baseline.filter(&mut reports),
            Err(msg) => {
                eprintln!("error: {msg}");
                return EXIT_TROUBLE;
            }
        }
    }

    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    // With nothing checked because of a bad path, a summary line would
    // read "0 files checked: no problems found".
    let nothing_checked = reports.is_empty() && !problems.is_empty();
    let text = match args.format {
        Format::Human | Format::Concise if nothing_checked => String::new(),
        // Streamed: a large run's output is never held as one string.
        Format::Human => {
            let opts = human_options(args.color, false);
            let _ = output::human::write(&reports, opts, &mut stdout);
            String::new()
        }
        Format::Json => {
            let _ = output::json::write(&reports, &mut stdout);
            String::new()
        }
        Format::Concise => output::concise::render(&reports),
        Format::Sarif => {
            let _ = output::sarif::write(&reports, &linter.rules, &mut stdout);
            String::new()
        }
        Format::Github => output::github::render(&reports),
        Format::Junit => output::junit::render(&reports, args.deny_warnings),
    };
    // A closed pipe (e.g. `| head`) is not an error worth panicking over.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    print_path_problems(&found.skipped, &problems, true);
    if hidden > 0 {
        eprintln!("{hidden} findings already in the baseline were not reported");
    }
    exit_code(
        &Summary::of(&reports),
        !problems.is_empty(),
        args.deny_warnings,
    )
}

/// Prints a note for each set of policy documents a search passed over and
/// an error for each path that could not be used; a directory with nothing
/// else to check carries the note's hint in its error. `reads_documents` is
/// false for commands that read pathways only (graph, score).
pub fn print_path_problems(skipped: &[Skipped], problems: &[PathProblem], reads_documents: bool) {
    for s in skipped.iter().filter(|s| !s.alone && reads_documents) {
        eprintln!("note: {}", skipped_note(s));
    }
    for p in problems {
        let alone = skipped
            .iter()
            .find(|s| s.alone && s.dir.as_deref() == Some(p.path.as_str()));
        match alone {
            Some(s) => eprintln!(
                "error: {}: {}; {}",
                p.path,
                p.message,
                skipped_hint(s, reads_documents)
            ),
            None => eprintln!("error: {}: {}", p.path, p.message),
        }
    }
}

fn documents(s: &Skipped) -> String {
    let n = s.documents.len();
    format!(
        "{n} policy {} ({})",
        if n == 1 { "document" } else { "documents" },
        s.extensions().join(", ")
    )
}

/// The flag and the msklint.yaml line that would include `s`.
fn how_to_include(s: &Skipped) -> String {
    let globs: Vec<String> = s.extensions().iter().map(|e| format!("'*{e}'")).collect();
    let flags: Vec<String> = globs.iter().map(|g| format!("--include {g}")).collect();
    format!(
        "add {} or include: [{}] in msklint.yaml to check them",
        flags.join(" "),
        globs.join(", ")
    )
}

/// "skipped 2 policy documents (.docx, .md) in policies/; add ...".
pub fn skipped_note(s: &Skipped) -> String {
    let place = match &s.dir {
        Some(dir) => format!("in {dir}"),
        None => "named on the command line".to_string(),
    };
    format!("skipped {} {place}; {}", documents(s), how_to_include(s))
}

/// The end of a "nothing found in this directory" error.
pub fn skipped_hint(s: &Skipped, reads_documents: bool) -> String {
    if reads_documents {
        format!("it holds {}: {}", documents(s), how_to_include(s))
    } else {
        format!(
            "it holds {}, which graph and score do not read (check and report do)",
            documents(s)
        )
    }
}

/// Builds the linter: vocabulary, configuration, built-in and extra rules.
/// Problems are printed as diagnostics; the error is the exit code.
pub fn setup(args: &SetupArgs, start: &std::path::Path) -> Result<Linter, u8> {
    let fail = |errors: Vec<LoadError>| {
        let handler = output::human::handler(human_options(Color::Auto, true));
        for e in &errors {
            eprint!(
                "{}",
                output::human::render_one(&handler, &e.diagnostic, &e.source)
            );
        }
        EXIT_TROUBLE
    };
    let config = if args.no_config {
        Config::default()
    } else {
        match args.config.clone().or_else(|| config::discover(start)) {
            None => Config::default(),
            Some(path) => match Config::load(&path) {
                Ok(c) => c,
                Err(ConfigError::Io(msg)) => {
                    eprintln!("error: {msg}");
                    return Err(EXIT_TROUBLE);
                }
                Err(ConfigError::File(e)) => return Err(fail(vec![*e])),
            },
        }
    };
    let mut vocabulary = match Vocabulary::builtin() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: the built-in vocabulary is broken: {e}");
            return Err(EXIT_TROUBLE);
        }
    };
    vocabulary.extend(config.vocabulary.clone());
    let mut rules = RuleSet::builtin(&vocabulary).map_err(fail)?;
    let mut errors = Vec::new();
    let mut seen = Vec::new();
    for dir in config.rule_dirs.iter().chain(&args.rules_dirs) {
        // The same folder named twice (config and flag) is loaded once.
        let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        if let Err(msg) = rules.load_dir(dir, &vocabulary, &mut errors) {
            eprintln!("error: cannot load rules: {msg}");
            return Err(EXIT_TROUBLE);
        }
    }
    if !errors.is_empty() {
        return Err(fail(errors));
    }
    rules.sort();
    match config.validate(&rules) {
        Ok(()) => {}
        Err(ConfigError::Io(msg)) => {
            eprintln!("error: {msg}");
            return Err(EXIT_TROUBLE);
        }
        Err(ConfigError::File(e)) => return Err(fail(vec![*e])),
    }
    Ok(Linter::new(vocabulary, rules, config))
}

pub fn exit_code(summary: &Summary, trouble: bool, deny_warnings: bool) -> u8 {
    if trouble {
        EXIT_TROUBLE
    } else if summary.errors > 0 || (deny_warnings && summary.warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

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
