//! The command line: one file per command, plus the arguments they share
//! (`args`), building a session and reading files (`setup`) and the notes
//! about paths that could not be used (`notes`). This is the only part of
//! the crate that prints or chooses an exit code; it reaches the library
//! through [`crate::session`].
//!
//! Exit codes: 0 no errors, 1 errors found (or warnings with
//! `--deny-warnings`), 2 usage, I/O or configuration problems.

/// `eprintln!` that cannot panic: with standard error closed (`2>&-`, or a
/// pipe whose reader has gone) the message is dropped instead of the run
/// ending with exit 101. Defined before the modules so they can use it.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprint!` that cannot panic, as [`errln!`].
macro_rules! errprint {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

pub mod args;
pub mod check;
pub mod clean;
pub mod explain;
pub mod fmt;
pub mod graph;
pub mod import;
pub mod notes;
pub mod report;
pub mod rules;
pub mod score;
pub mod server;
pub mod setup;
pub mod stdin;
pub mod trace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    Check(check::CheckArgs),
    /// List every rule: code, name, severity, category and summary
    Rules(rules::RulesArgs),
    /// Explain a rule: why it matters, its sources, how to fix it, examples
    Explain(explain::ExplainArgs),
    /// Draw each pathway (Mermaid, DOT or SVG) with findings outlined
    Graph(graph::GraphArgs),
    /// Score each pathway against the ARMA core offer maturity matrix
    Score(score::ScoreArgs),
    /// Write a draft consultation response for each pathway and policy
    Report(report::ReportArgs),
    /// Rewrite pathway files in the canonical layout (see docs/formatting.md)
    Fmt(fmt::FmtArgs),
    /// Write a pathway from a diagram: Mermaid, draw.io, BPMN, PowerPoint
    /// or Visio (see docs/import.md)
    Import(import::ImportArgs),
    /// Run the language server for editors, over standard input and output
    /// (see docs/server.md)
    Server(server::ServerArgs),
    /// Remove the result cache that `check` keeps (see docs/cache.md)
    Clean(clean::CleanArgs),
}

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_TROUBLE: u8 = 2;

/// `--format gitlab`: clap's own tip ("a similar value exists: 'github'")
/// points the wrong way; GitLab reads JUnit reports.
fn gitlab_hint(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::InvalidValue {
        return None;
    }
    match e.get(ContextKind::InvalidValue) {
        Some(ContextValue::String(v)) if v.eq_ignore_ascii_case("gitlab") => {}
        _ => return None,
    }
    let rendered = e.render().to_string();
    let kept: Vec<&str> = rendered
        .lines()
        .filter(|l| !l.contains("similar value exists"))
        .collect();
    let mut text = kept.join("\n");
    text.push_str("\n  tip: GitLab shows test reports in JUnit XML: use `--format junit` and list the file under `artifacts: reports: junit` (docs/ci.md)\n");
    Some(text)
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            match gitlab_hint(&e) {
                Some(text) => eprint!("{text}"),
                None => {
                    let _ = e.print();
                }
            }
            return ExitCode::from(if e.use_stderr() {
                EXIT_TROUBLE
            } else {
                EXIT_CLEAN
            });
        }
    };
    ExitCode::from(match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Score(args) => score::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Server(args) => server::run(&args),
        Command::Clean(args) => clean::run(&args),
    })
}
