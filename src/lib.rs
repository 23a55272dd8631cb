//! msklint: a linter for musculoskeletal (MSK) care pathways and the
//! commissioning policies written about them.
//!
//! Front ends start at [`session`]: a [`session::Session`] is loaded once
//! from [`session::Options`] and checks inputs given as named bytes or
//! text, returning a [`check::FileReport`] per input, and, on request,
//! lending the file's parsed pathways and graphs to the caller. The
//! library never prints or exits; the command line (`cli`) and the
//! language server (`server`) are front ends built with the `cli` feature,
//! and the web page (`web/`) is one built on the library alone, without
//! threads (`parallel` off, see [`par`]).
//!
//! The pipeline, one module per stage: input format and decoding
//! ([`input`]; diagrams written out as pathway text by [`import`]) → text ([`source`]) → parse ([`parser`], grammar in
//! `grammar/`) → AST ([`ast`]) → names and values ([`validate`]) → graph
//! ([`graph`]) → rules ([`rules`]; policy documents through [`prose`]) →
//! findings ([`diagnostic`]), with configuration ([`config`]) and
//! suppressions ([`suppress`]) applied → output ([`output`]) or views
//! ([`diagram`], [`score`], [`report`]). [`check`] strings the stages
//! together for one file. docs/architecture.md has the whole map.

pub mod ast;
pub mod baseline;
pub mod cache;
pub mod check;
#[cfg(feature = "cli")]
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod diagram;
pub mod discover;
pub mod escape;
pub mod explain;
pub mod fingerprint;
pub mod format;
pub mod graph;
pub mod import;
pub mod input;
pub mod measures;
pub mod output;
pub mod par;
pub mod parser;
pub mod prose;
pub mod report;
pub mod rules;
pub mod score;
#[cfg(feature = "cli")]
pub mod server;
pub mod session;
pub mod sidecar;
pub mod source;
pub mod span;
pub mod suppress;
pub mod validate;
pub mod vocabulary;
