//! `msklint explain RULE`: one rule's documentation.

use std::io::Write;

use super::args::SetupArgs;
use super::setup::session;
use super::{EXIT_CLEAN, EXIT_TROUBLE};
use crate::diagnostic::suggest;
use crate::explain::explain_configured;

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// Rule name or code, e.g. `bmi-threshold` or `MSK101`, in any case;
    /// `bmi_threshold` is read as `bmi-threshold`
    #[arg(value_name = "RULE")]
    pub rule: String,

    #[command(flatten)]
    pub setup: SetupArgs,
}

pub fn run(args: &ExplainArgs) -> u8 {
    // Asked about most when msklint.yaml does not load: answered without it.
    if let Some(text) = crate::explain::explain_setup(&args.rule.to_ascii_lowercase()) {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        return EXIT_CLEAN;
    }
    let session = match session(&args.setup, std::path::Path::new(".")) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let rules = session.rules();
    // Rule names join their words with hyphens; one written with
    // underscores (`smoking_restriction`), as keys are, is the same rule.
    let found = rules
        .find(&args.rule)
        .or_else(|| rules.find(&args.rule.replace('_', "-")));
    match found {
        Some(r) => {
            let _ = std::io::stdout()
                .lock()
                .write_all(explain_configured(&r.rule, Some(session.config())).as_bytes());
            EXIT_CLEAN
        }
        None => {
            // A misspelling, else a word of a rule's name ("bmi", "dna").
            let word = args.rule.to_ascii_lowercase();
            let containing: Vec<&str> = rules
                .names()
                .filter(|n| word.len() >= 3 && n.contains(word.as_str()))
                .collect();
            let hint = match suggest(&args.rule, rules.names()) {
                Some(n) => format!("; did you mean `{n}`?"),
                None if !containing.is_empty() && containing.len() <= 5 => {
                    let names: Vec<String> = containing.iter().map(|n| format!("`{n}`")).collect();
                    format!("; rules with `{word}` in their name: {}", names.join(", "))
                }
                None => String::new(),
            };
            errln!(
                "error: no rule is called `{}`{hint}\n`msklint rules` lists them all.",
                args.rule
            );
            EXIT_TROUBLE
        }
    }
}
