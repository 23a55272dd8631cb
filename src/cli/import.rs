//! `msklint import`: write the pathway read from a diagram (Mermaid,
//! draw.io, BPMN) to a file or standard output, and list on standard
//! error what had to be guessed, each at its line in what was written.

use std::io::Write;
use std::path::PathBuf;

use super::args::SetupArgs;
use super::setup::{refuse_overwriting_input, session};
use super::{EXIT_CLEAN, EXIT_TROUBLE};
use crate::discover::io_message;
use crate::source::SourceFile;

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The diagram: .mmd or .mermaid (Mermaid flowchart), .md or .markdown
    /// (its ```mermaid flowchart fences), .drawio
    /// (draw.io), .bpmn (BPMN 2.0), .pptx (PowerPoint), .vsdx (Visio), or
    /// .xml holding draw.io or BPMN
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Write the pathway to this file instead of standard output
    #[arg(short = 'o', long = "output", value_name = "OUT.pathway")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub setup: SetupArgs,
}

pub fn run(args: &ImportArgs) -> u8 {
    if let Err(code) = super::setup::refuse_stdin(std::slice::from_ref(&args.file)) {
        return code;
    }
    if let Some(out) = &args.output {
        if let Err(code) = refuse_overwriting_input(out, std::slice::from_ref(&args.file), "-o") {
            return code;
        }
    }
    let session = match session(&args.setup, &args.file) {
        Ok(session) => session,
        Err(code) => return code,
    };
    let name = args.file.display().to_string();
    let bytes = match std::fs::read(&args.file) {
        Ok(bytes) => bytes,
        Err(e) => {
            errln!("error: {name}: {}", io_message(&e));
            return EXIT_TROUBLE;
        }
    };
    let imported = match session.import(&name, &bytes) {
        Ok(imported) => imported,
        Err(why) => {
            errln!("error: {name}: cannot read this diagram: {why}");
            return EXIT_TROUBLE;
        }
    };
    let shown = match &args.output {
        Some(out) => {
            if let Err(e) = std::fs::write(out, &imported.text) {
                errln!("error: {}: {}", out.display(), io_message(&e));
                return EXIT_TROUBLE;
            }
            out.display().to_string()
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = stdout.write_all(imported.text.as_bytes());
            let _ = stdout.flush();
            "<stdout>".to_string()
        }
    };
    let source = SourceFile::new(shown.clone(), imported.text);
    let mut stderr = std::io::stderr().lock();
    for g in &imported.guesses {
        let at = source.line_col(g.span.start());
        let _ = writeln!(
            stderr,
            "{shown}:{}:{}: {}[{}] {}",
            at.line, at.column, g.severity, g.rule, g.message
        );
    }
    let wrote = if args.output.is_some() {
        shown.as_str()
    } else {
        "the pathway"
    };
    if imported.restored {
        let _ = writeln!(
            stderr,
            "wrote {wrote} from {name}: the pathway `msklint graph` drew it from, given back whole (the drawing is unchanged)"
        );
    } else {
        let _ = writeln!(
            stderr,
            "wrote {wrote} from {name}: {} to check (import-guess)",
            crate::output::plural(imported.guesses.len(), "guess", "guesses")
        );
    }
    EXIT_CLEAN
}
