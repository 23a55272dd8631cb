//! `msklint graph`: each pathway drawn as Mermaid, DOT or SVG, with the
//! nodes that have findings outlined.

use std::path::PathBuf;

use clap::ValueEnum;

use super::args::SetupArgs;
use super::setup::{emit, viewed};
use super::{EXIT_FINDINGS, EXIT_TROUBLE};
use crate::diagram;

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

pub fn run(args: &GraphArgs) -> u8 {
    // Every pathway read is listed and the chosen ones drawn, so a name
    // that matches nothing can be answered with the names there are.
    // (Policy documents lend no graphs: their fenced flowcharts are
    // checked, not drawn.)
    let drawn = viewed(&args.setup, &args.paths, None, |_, report, graphs| {
        graphs
            .iter()
            .map(|g| {
                let chosen = args
                    .pathway
                    .as_deref()
                    .is_none_or(|n| n == g.pathway.name.value);
                // Only the chosen pathways are drawn; the others lend
                // their names to the messages below.
                let text = chosen.then(|| {
                    let marks = diagram::marks(&report.diagnostics, &g.pathway.name.value)
                        .with_drawing(g, &report.source);
                    match args.format {
                        GraphFormat::Mermaid => format!(
                            "%% {} ({})\n{}",
                            crate::escape::one_line(&g.pathway.name.value),
                            crate::escape::one_line(&report.source.name),
                            diagram::mermaid::render(g, &marks)
                        ),
                        GraphFormat::Dot => diagram::dot::render(g, &marks),
                        GraphFormat::Svg => diagram::svg::render(g, &marks),
                    }
                });
                Drawing {
                    name: g.pathway.name.value.to_string(),
                    file: report.source.name.clone(),
                    text,
                }
            })
            .collect::<Vec<Drawing>>()
    });
    let mut drawn = match drawn {
        Ok(x) => x,
        Err(code) => return code,
    };
    let unreadable = drawn.unreadable;
    let all: Vec<Drawing> = std::mem::take(&mut drawn.files)
        .into_iter()
        .flat_map(|(_, p)| p)
        .collect();
    let names: Vec<String> = all.iter().map(|d| format!("`{}`", d.name)).collect();
    let pieces: Vec<Drawing> = all.into_iter().filter(|d| d.text.is_some()).collect();
    // Nothing drawn but a path unread: its error is already said.
    if pieces.is_empty() && !drawn.problems.is_empty() {
        return EXIT_TROUBLE;
    }
    if pieces.is_empty() {
        match &args.pathway {
            Some(n) if !names.is_empty() => eprintln!(
                "error: no pathway to draw is called `{n}`; the pathways read are {}",
                names.join(", ")
            ),
            Some(n) => eprintln!("error: no pathway to draw is called `{n}`"),
            None => eprintln!("error: no pathway to draw"),
        }
        // A file that could not be parsed has its error above, and the
        // exit status says so, as score and report do.
        return if unreadable {
            EXIT_FINDINGS
        } else {
            EXIT_TROUBLE
        };
    }
    if args.format == GraphFormat::Svg && pieces.len() > 1 {
        match &args.pathway {
            Some(n) => {
                let files: Vec<&str> = pieces.iter().map(|d| d.file.as_str()).collect();
                eprintln!(
                    "error: {} pathways are called `{n}` ({}); an SVG holds one, so draw one file at a time",
                    pieces.len(),
                    files.join(", ")
                );
            }
            None => eprintln!(
                "error: {} pathways found ({}); an SVG holds one, so choose it with --pathway NAME",
                pieces.len(),
                names.join(", ")
            ),
        }
        return EXIT_TROUBLE;
    }
    let text: Vec<String> = pieces.into_iter().filter_map(|d| d.text).collect();
    drawn.exit(emit(&text.join("\n"), unreadable))
}

/// One pathway read, with the name it is chosen by, the file it is in,
/// and its drawing when it was chosen.
struct Drawing {
    name: String,
    file: String,
    text: Option<String>,
}
