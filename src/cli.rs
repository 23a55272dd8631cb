//! Command-line interface: argument parsing and exit codes.
//!
//! Exit codes: 0 no errors, 1 errors found (or warnings with
//! `--deny-warnings`), 2 usage, I/O or configuration problems.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::check::{FileReport, Linter};
use crate::discover::{discover, io_message, PathProblem};
use crate::output::{self, human::HumanOptions, Summary};
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
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files or directories to check; directories are searched for *.pathway
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// How to print the findings
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Treat warnings as errors for the exit code
    #[arg(long)]
    pub deny_warnings: bool,

    /// When to use colour in human output
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Graphical diagnostics with source snippets
    Human,
    /// One JSON document (see docs/json.md)
    Json,
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
    })
}

/// Reads and checks every file; the result is in the order of `files`.
pub fn check_files(linter: &Linter, files: &[PathBuf]) -> (Vec<FileReport>, Vec<PathProblem>) {
    let results: Vec<Result<FileReport, PathProblem>> = files
        .par_iter()
        .map(|path| {
            let name = path.display().to_string();
            match std::fs::read(path) {
                Ok(bytes) => Ok(linter.check_bytes(&name, bytes)),
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

fn check(args: &CheckArgs) -> u8 {
    let vocabulary = match Vocabulary::builtin() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: the built-in vocabulary is broken: {e}");
            return EXIT_TROUBLE;
        }
    };
    let linter = Linter::new(vocabulary);
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (files, mut problems) = discover(&paths);
    let (reports, read_problems) = check_files(&linter, &files);
    problems.extend(read_problems);

    let text = match args.format {
        Format::Human => output::human::render(&reports, human_options(args.color)),
        Format::Json => output::json::render(&reports),
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not an error worth panicking over.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    for p in &problems {
        eprintln!("error: {}: {}", p.path, p.message);
    }
    exit_code(
        &Summary::of(&reports),
        !problems.is_empty(),
        args.deny_warnings,
    )
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

fn human_options(color: Color) -> HumanOptions {
    let tty = std::io::stdout().is_terminal();
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
