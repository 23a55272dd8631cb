//! Policy documents written in prose (Markdown, plain text, Word, PDF): how
//! each format is read (`docx`, with `html` for the HTML some Word files
//! carry, `encoding` for text that is not UTF-8,
//! `pdf` with `layout` for its pages), and how their text divides into
//! sentences that the rules' prose checks read (src/rules/prose.rs).
//! Which files are prose is decided in src/input.rs.

pub mod context;
pub mod docx;
pub mod encoding;
pub mod entities;
pub mod html;
pub mod layout;
pub mod pdf;
pub mod quote;
pub mod sentences;
