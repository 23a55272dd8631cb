//! `msklint report`: a draft consultation response for each pathway and
//! policy document, as Markdown or one self-contained HTML file.

use std::path::PathBuf;

use clap::ValueEnum;

use super::args::SetupArgs;
use super::setup::{emit, refuse_overwriting_input, viewed};
use super::{EXIT_CLEAN, EXIT_FINDINGS, EXIT_TROUBLE};
use crate::report::{self, Reviews};

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Pathways, policy documents or directories to review (default: the current directory); --include adds documents found in directories
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Markdown, or HTML; without it, HTML when -o names a .html or .htm
    /// file, Markdown otherwise
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<ReportFormat>,
    /// Write the report to this file instead of standard output
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also review files matching this glob when searching directories,
    /// e.g. '*.md' for policy documents; repeatable
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Leave out files and folders matching this glob when searching
    /// directories, e.g. 'drafts' or 'policies/archive'; added to
    /// exclude: in msklint.yaml; repeatable
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
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

pub fn run(args: &ReportArgs) -> u8 {
    if let Some(out) = &args.output {
        if let Err(code) = refuse_overwriting_input(out, &args.paths, "-o") {
            return code;
        }
        // A file named for another program would hold Markdown it cannot
        // open: say so before anything is written.
        let foreign = out.extension().and_then(|e| e.to_str()).filter(|e| {
            ["pdf", "docx", "doc", "odt", "rtf"]
                .iter()
                .any(|f| e.eq_ignore_ascii_case(f))
        });
        if let Some(ext) = foreign {
            errln!(
                "error: `report` writes Markdown or HTML, not .{ext}; name the file .md or .html (an HTML report prints to PDF from a browser)"
            );
            return EXIT_TROUBLE;
        }
    }
    let reviewed = viewed(
        &args.setup,
        &args.paths,
        Some((&args.include, &args.exclude)),
        true,
        |session, r, graphs| report::review(r, graphs, session.linter()),
    );
    let mut reviewed = match reviewed {
        Ok(x) if x.nothing_read() => return EXIT_TROUBLE,
        Ok(x) => x,
        Err(code) => return code,
    };
    // Also every file a folder search found (`report . -o policy.md`).
    if let Some(out) = &args.output {
        let read: Vec<PathBuf> = reviewed
            .files
            .iter()
            .map(|(r, _)| PathBuf::from(&r.source.name))
            .collect();
        if let Err(code) = refuse_overwriting_input(out, &read, "-o") {
            return code;
        }
    }
    let unreadable = reviewed.unreadable;
    let mut reviews = Reviews::join(
        std::mem::take(&mut reviewed.files)
            .into_iter()
            .map(|(_, r)| r),
    );
    // A reader of the report learns which files it does not cover.
    reviews
        .unreviewed
        .extend(reviewed.problems.iter().map(report::Unreviewed::not_read));
    let text = match args
        .format
        .unwrap_or_else(|| by_extension(args.output.as_deref()))
    {
        ReportFormat::Markdown => report::markdown::render(&reviews),
        ReportFormat::Html => report::html::render(&reviews),
    };
    if let Some(path) = &args.output {
        if let Err(e) = std::fs::write(path, text) {
            errln!(
                "error: {}: {}",
                path.display(),
                crate::discover::io_message(&e)
            );
            return EXIT_TROUBLE;
        }
        errln!("wrote {} ({})", path.display(), written(&reviews));
        return reviewed.exit(if unreadable {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        });
    }
    reviewed.exit(emit(&text, unreadable))
}

/// The format `-o` asks for by its extension: `report -o response.html`
/// writes HTML, not Markdown under an HTML name.
fn by_extension(out: Option<&std::path::Path>) -> ReportFormat {
    let html = out
        .and_then(|p| p.extension())
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    if html {
        ReportFormat::Html
    } else {
        ReportFormat::Markdown
    }
}

/// "2 pathways and 1 policy: 3 errors, 1 warning and 2 for information",
/// counted as the report shows them.
fn written(reviews: &Reviews) -> String {
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
    // The last line of a log must not look clean when something was left
    // out (docs/ci.md).
    let left = match reviews.unreviewed.len() {
        0 => String::new(),
        1 => "; 1 path not reviewed".to_string(),
        n => format!("; {n} paths not reviewed"),
    };
    format!("{}: {found}{left}", what.join(" and "))
}
