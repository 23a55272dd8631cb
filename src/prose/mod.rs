//! Policy documents written in prose (Markdown, plain text, Word): which
//! files are prose, how each format is read (`docx`, `encoding` for text
//! that is not UTF-8, `pdf` for the format not read yet), and how their
//! text divides into sentences that the rules' prose checks read
//! (src/rules/prose.rs).

pub mod context;
pub mod docx;
pub mod encoding;
pub mod pdf;
pub mod sentences;

use std::path::Path;

/// What a checked file holds, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Pathway,
    Markdown,
    Text,
    Docx,
}

impl DocumentKind {
    /// `.md`/`.markdown`, `.txt`/`.text` and `.docx` are prose; anything
    /// else (`.pathway`, or no extension at all) is read as a pathway.
    pub fn of(name: &str) -> DocumentKind {
        let ext = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("md" | "markdown") => DocumentKind::Markdown,
            Some("txt" | "text") => DocumentKind::Text,
            Some("docx") => DocumentKind::Docx,
            _ => DocumentKind::Pathway,
        }
    }

    pub fn is_prose(self) -> bool {
        self != DocumentKind::Pathway
    }
}
