//! `msklint graph`: each pathway drawn as Mermaid, DOT or SVG, with the
//! nodes that have findings outlined.

use std::path::PathBuf;

use clap::ValueEnum;

use super::args::SetupArgs;
use super::setup::{emit, viewed};
use super::EXIT_TROUBLE;
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
    let drawn = viewed(&args.setup, &args.paths, None, |_, report, graphs| {
        // Policy documents have no graph to draw.
        if report.kind.is_prose() {
            return Vec::new();
        }
        graphs
            .iter()
            .filter(|g| {
                args.pathway
                    .as_deref()
                    .is_none_or(|n| n == g.pathway.name.value)
            })
            .map(|g| {
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
            })
            .collect::<Vec<String>>()
    });
    let mut drawn = match drawn {
        Ok(x) => x,
        Err(code) => return code,
    };
    let unreadable = drawn.unreadable;
    let pieces: Vec<String> = std::mem::take(&mut drawn.files)
        .into_iter()
        .flat_map(|(_, p)| p)
        .collect();
    // Nothing drawn but a path unread: its error is already said.
    if pieces.is_empty() && !drawn.problems.is_empty() {
        return EXIT_TROUBLE;
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
    drawn.exit(emit(&pieces.join("\n"), unreadable))
}
