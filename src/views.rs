//! `msklint graph`, `score` and `report`: views of checked pathways for
//! people rather than CI. Each checks the files exactly as `check` does
//! (same configuration), then presents the result.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

use crate::check::{FileReport, Linter};
use crate::cli::{check_files, setup, SetupArgs, EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE};
use crate::discover::discover;
use crate::graph::PathwayGraph;
use crate::{diagram, parser, report, score};

#[derive(clap::Args, Debug)]
pub struct GraphArgs {
    /// Pathway files or directories (default: the current directory)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// Only the pathway with this name (needed for SVG when a run holds several)
    #[arg(long, value_name = "NAME")]
    pub pathway: Option<String>,
    #[command(flatten)]
    pub setup: SetupArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    /// Mermaid flowchart (renders inside GitHub Markdown)
    Mermaid,
    /// Graphviz DOT
    Dot,
    /// Self-contained SVG, drawn without any outside program
    Svg,
}

#[derive(clap::Args, Debug)]
pub struct ScoreArgs {
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ScoreFormat::Markdown)]
    pub format: ScoreFormat,
    #[command(flatten)]
    pub setup: SetupArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoreFormat {
    Markdown,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// Write the report to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also review files matching this glob when searching directories,
    /// e.g. '*.md' for policy documents; repeatable
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    #[command(flatten)]
    pub setup: SetupArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// Markdown with a Mermaid diagram
    Markdown,
    /// One self-contained HTML file with an inline SVG diagram, ready to print
    Html,
}

/// Checks the paths like `check` does. Files that could not be read or
/// parsed are reported on stderr; the flag says whether any were.
/// `include` is `None` for commands that only read pathways (`graph`,
/// `score`): they ignore `include:` in msklint.yaml too.
fn checked(
    setup_args: &SetupArgs,
    paths: &[PathBuf],
    include: Option<&[String]>,
) -> Result<(Linter, Vec<FileReport>, bool), u8> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let linter = setup(setup_args, &paths[0])?;
    let reads_documents = include.is_some();
    let include = match include {
        Some(flags) => crate::cli::includes(&linter, flags)?,
        None => crate::discover::Include::default(),
    };
    let found = discover(&paths, &include);
    let mut problems = found.problems;
    let (reports, read) = check_files(&linter, &found.files);
    problems.extend(read);
    crate::cli::print_path_problems(&found.skipped, &problems, reads_documents);
    if !problems.is_empty() {
        return Err(EXIT_TROUBLE);
    }
    let handler =
        crate::output::human::handler(crate::cli::human_options(crate::cli::Color::Auto, true));
    let mut unreadable = false;
    for r in &reports {
        for d in r
            .diagnostics
            .iter()
            .filter(|d| crate::config::LOCKED.contains(&d.rule.as_str()))
        {
            unreadable = true;
            eprint!(
                "{}",
                crate::output::human::render_one(&handler, d, &r.source)
            );
        }
    }
    Ok((linter, reports, unreadable))
}

fn emit(text: &str, unreadable: bool) -> u8 {
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if unreadable {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

pub fn graph_command(args: &GraphArgs) -> u8 {
    let (_linter, reports, unreadable) = match checked(&args.setup, &args.paths, None) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let mut pieces = Vec::new();
    // Policy documents have no graph to draw.
    for r in reports.iter().filter(|r| !r.kind.is_prose()) {
        let Some(file) = parser::parse(&r.source.text).complete() else {
            continue;
        };
        for pathway in &file.pathways {
            if args
                .pathway
                .as_deref()
                .is_some_and(|n| n != pathway.name.value)
            {
                continue;
            }
            let mut scratch = Vec::new();
            let g = PathwayGraph::build(pathway, &mut scratch);
            let marks = diagram::marks(&r.diagnostics, &pathway.name.value);
            pieces.push(match args.format {
                GraphFormat::Mermaid => format!(
                    "%% {} ({})\n{}",
                    pathway.name.value,
                    r.source.name,
                    diagram::mermaid::render(&g, &marks)
                ),
                GraphFormat::Dot => diagram::dot::render(&g, &marks),
                GraphFormat::Svg => diagram::svg::render(&g, &marks),
            });
        }
    }
    if pieces.is_empty() {
        eprintln!(
            "error: no pathway to draw{}",
            args.pathway
                .as_ref()
                .map_or(String::new(), |n| format!(" is called `{n}`"))
        );
        return EXIT_TROUBLE;
    }
    if args.format == GraphFormat::Svg && pieces.len() > 1 {
        eprintln!(
            "error: {} pathways found; an SVG holds one, so choose it with --pathway NAME",
            pieces.len()
        );
        return EXIT_TROUBLE;
    }
    emit(&pieces.join("\n"), unreadable)
}

pub fn score_command(args: &ScoreArgs) -> u8 {
    let (linter, reports, unreadable) = match checked(&args.setup, &args.paths, None) {
        Ok(x) => x,
        Err(code) => return code,
    };
    // The maturity matrix is scored from a pathway's graph; policy
    // documents have none, so say so rather than print an empty table.
    let policies: Vec<&str> = reports
        .iter()
        .filter(|r| r.kind.is_prose())
        .map(|r| r.source.name.as_str())
        .collect();
    if !policies.is_empty() && policies.len() == reports.len() {
        for p in &policies {
            eprintln!("error: {p}: `score` rates pathways only, and this is a policy document");
        }
        eprintln!(
            "help: `msklint report` reviews a policy document; `msklint check` lists its findings"
        );
        return EXIT_TROUBLE;
    }
    for p in &policies {
        eprintln!("note: {p}: not scored: `score` rates pathways only, and this is a policy document (`msklint report` reviews it)");
    }
    let cards: Vec<score::Scorecard> = reports
        .iter()
        .filter(|r| !r.kind.is_prose())
        .flat_map(|r| score::score_report(r, &linter.measures))
        .collect();
    let text = match args.format {
        ScoreFormat::Markdown => score::markdown(&cards),
        ScoreFormat::Json => score::json(&cards),
    };
    emit(&text, unreadable)
}

pub fn report_command(args: &ReportArgs) -> u8 {
    let (linter, reports, unreadable) = match checked(&args.setup, &args.paths, Some(&args.include))
    {
        Ok(x) => x,
        Err(code) => return code,
    };
    let reviews = report::build(&reports, &linter);
    let text = match args.format {
        ReportFormat::Markdown => report::markdown::render(&reviews),
        ReportFormat::Html => report::html::render(&reviews),
    };
    if let Some(path) = &args.output {
        if let Err(e) = std::fs::write(path, text) {
            eprintln!(
                "error: {}: {}",
                path.display(),
                crate::discover::io_message(&e)
            );
            return EXIT_TROUBLE;
        }
        eprintln!("wrote {} ({})", path.display(), written(&reviews));
        return if unreadable {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        };
    }
    emit(&text, unreadable)
}

/// "2 pathways and 1 policy: 3 errors, 1 warning and 2 for information",
/// counted as the report shows them.
fn written(reviews: &report::Reviews) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let (pathways, policies) = reviews
        .reviews
        .iter()
        .fold((0, 0), |(pw, po), r| match r.noun() {
            "pathway" => (pw + 1, po),
            _ => (pw, po + 1),
        });
    let mut what = Vec::new();
    if pathways > 0 || policies == 0 {
        what.push(plural(pathways, "pathway", "pathways"));
    }
    if policies > 0 {
        what.push(plural(policies, "policy", "policies"));
    }
    let sum = |f: fn(&report::Review) -> usize| reviews.reviews.iter().map(f).sum();
    let found = report::counts_of(sum(|r| r.errors), sum(|r| r.warnings), sum(|r| r.infos));
    format!("{}: {found}", what.join(" and "))
}
