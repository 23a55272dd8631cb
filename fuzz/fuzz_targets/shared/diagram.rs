//! What every diagram reader's fuzz target checks, for a file named
//! `name` (its extension picks the reader): reading never panics and stays
//! within its limits, and a diagram that is read gives a pathway whose
//! findings (guesses included) all fit its text and render as JSON and
//! human output.

use std::sync::OnceLock;

use msklint::check::Linter;
use msklint::import::{Diagram, MAX_SHAPES};
use msklint::input::InputFormat;
use msklint::output::{human, json};

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| Linter::builtin().expect("built-in rules load"))
}

pub fn check_diagram(name: &str, data: &[u8]) {
    let format = InputFormat::of(name);
    if let Ok(diagram) = Diagram::read(format, data) {
        let count: usize = diagram
            .pages
            .iter()
            .map(|p| p.shapes.len() + p.links.len())
            .sum();
        assert!(count <= MAX_SHAPES);
    }
    let report = linter().check_bytes(name, data.to_vec());
    if let Some(problem) = report.problem() {
        panic!("{problem}");
    }
    let reports = [report];
    assert!(!json::render(&reports).is_empty());
    assert!(!human::render(&reports, human::HumanOptions::plain()).is_empty());
}
