//! `msklint rules`: every rule as a table, as docs/rules.md, or as JSON.

use std::io::Write;

use clap::ValueEnum;

use super::args::SetupArgs;
use super::setup::session;
use super::EXIT_CLEAN;
use crate::explain;

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// How to print the list
    #[arg(long, value_enum, default_value_t = RulesFormat::Table, ignore_case = true)]
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

pub fn run(args: &RulesArgs) -> u8 {
    let session = match session(&args.setup, std::path::Path::new(".")) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let set = session.rules();
    // docs/rules.md is the reference: defaults only, whatever msklint.yaml says.
    let config = session.config().path.is_some().then(|| session.config());
    let text = match args.format {
        RulesFormat::Markdown => explain::rules_markdown(set),
        RulesFormat::Json => explain::json(set, config),
        RulesFormat::Table => explain::table(set, config),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    EXIT_CLEAN
}
