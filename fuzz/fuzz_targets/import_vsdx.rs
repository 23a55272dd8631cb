//! The Visio (.vsdx) reader and the check of what it reads, on
//! arbitrary bytes: reading never panics and stays within its limits (the
//! zip archive's among them), and a diagram that is read gives a pathway
//! whose findings (guesses included) all fit its text and render as JSON
//! and human output.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use msklint::check::Linter;
use msklint::import::{Diagram, MAX_SHAPES};
use msklint::input::InputFormat;
use msklint::output::{human, json};

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::builtin().expect("built-in rules load"))
}

fuzz_target!(|data: &[u8]| {
    let format = InputFormat::of("fuzz.vsdx");
    if let Ok(diagram) = Diagram::read(format, data) {
        let count: usize = diagram
            .pages
            .iter()
            .map(|p| p.shapes.len() + p.links.len())
            .sum();
        assert!(count <= MAX_SHAPES);
    }
    let report = linter().check_bytes("fuzz.vsdx", data.to_vec());
    if let Some(problem) = report.problem() {
        panic!("{problem}");
    }
    let reports = [report];
    assert!(!json::render(&reports).is_empty());
    assert!(!human::render(&reports, human::HumanOptions::plain()).is_empty());
});
