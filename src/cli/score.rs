//! `msklint score`: each pathway rated against the ARMA core offer
//! maturity matrix, as Markdown or JSON.

use std::path::PathBuf;

use clap::ValueEnum;

use super::args::SetupArgs;
use super::setup::{emit, holds_no_pathway, viewed};
use super::EXIT_TROUBLE;
use crate::score;

#[derive(clap::Args, Debug)]
pub struct ScoreArgs {
    /// Pathway files or directories to score (default: the current directory)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ScoreFormat::Markdown, ignore_case = true)]
    pub format: ScoreFormat,
    #[command(flatten)]
    pub setup: SetupArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScoreFormat {
    Markdown,
    Json,
}

pub fn run(args: &ScoreArgs) -> u8 {
    let scored = viewed(
        &args.setup,
        &args.paths,
        None,
        false,
        |session, report, graphs| {
            if report.kind.is_prose() {
                return Vec::new();
            }
            score::score_file(report, graphs, session.linter())
        },
    );
    let scored = match scored {
        // A JSON score still lists the paths it could not read, as `check`
        // does; a Markdown table of nothing would only repeat stderr.
        Ok(x) if x.nothing_read() && args.format == ScoreFormat::Markdown => return EXIT_TROUBLE,
        Ok(x) => x,
        Err(code) => return code,
    };
    let files = &scored.files;
    // The maturity matrix is scored from a pathway's graph; policy
    // documents have none, so say so rather than print an empty table.
    let policies: Vec<&str> = files
        .iter()
        .filter(|(r, _)| r.kind.is_prose())
        .map(|(r, _)| r.source.name.as_str())
        .collect();
    if !policies.is_empty() && policies.len() == files.len() {
        for p in &policies {
            errln!("error: {p}: `score` rates pathways only, and this is a policy document");
        }
        errln!(
            "help: `msklint report` reviews a policy document; `msklint check` lists its findings"
        );
        return EXIT_TROUBLE;
    }
    for p in &policies {
        errln!("note: {p}: not scored: `score` rates pathways only, and this is a policy document (`msklint report` reviews it)");
    }
    let cards: Vec<score::Scorecard> = files.iter().flat_map(|(_, c)| c.clone()).collect();
    // Every path given that has no scorecard is named in the output too,
    // not only on standard error, so a saved score does not look complete.
    let mut not_scored: Vec<score::NotScored> = scored
        .problems
        .iter()
        .map(|p| score::NotScored {
            path: p.path.clone(),
            reason: p.message.clone(),
        })
        .collect();
    for (r, _) in files {
        let broken = r
            .diagnostics
            .iter()
            .find(|d| crate::config::LOCKED.contains(&d.rule.as_str()));
        let reason = if let Some(d) = broken {
            let at = r.source.line_col(d.span.start());
            format!(
                "could not be read as a pathway ({} at line {}: {})",
                d.rule, at.line, d.message
            )
        } else if let Some(d) = r.diagnostics.iter().find(|d| holds_no_pathway(r, d)) {
            format!("nothing to score: {}", d.message)
        } else if r.kind.is_prose() {
            "a policy document: `score` rates pathways (`msklint report` reviews it)".to_string()
        } else {
            continue;
        };
        not_scored.push(score::NotScored {
            path: r.source.name.clone(),
            reason,
        });
    }
    let text = match args.format {
        ScoreFormat::Markdown => score::markdown(&cards, &not_scored),
        ScoreFormat::Json => score::json(&cards, &not_scored),
    };
    scored.exit(emit(&text, scored.unreadable))
}
