//! The PDF reader and the check of what it reads, on arbitrary bytes
//! (seeded with the test PDFs, `scripts/fuzz-seeds.sh pdf`): a file that
//! cannot be read is a clear problem, never a crash; one that is read
//! gives findings that all fit its text, each on a page, and render as
//! JSON and human output.

#![no_main]

use std::sync::{Once, OnceLock};

use libfuzzer_sys::fuzz_target;
use msklint::check::Linter;
use msklint::output::{human, json};

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::builtin().expect("built-in rules load"))
}

fuzz_target!(|data: &[u8]| {
    // The PDF crates panic on some damaged files, and msklint's reader
    // catches that and reports the file as damaged. libFuzzer's panic hook
    // would abort on the caught panic; the default hook lets it be caught,
    // while a panic that escapes still fails the run (the macro aborts).
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let _ = std::panic::take_hook();
    });
    let report = linter().check_bytes("fuzz.pdf", data.to_vec());
    if let Some(problem) = report.problem() {
        panic!("{problem}");
    }
    if !report.source.pages().is_empty() {
        for d in &report.diagnostics {
            assert!(report.source.page_at(d.span.start()).is_some(), "{}", d.rule);
        }
    }
    let reports = [report];
    assert!(!json::render(&reports).is_empty());
    assert!(!human::render(&reports, human::HumanOptions::plain()).is_empty());
});
