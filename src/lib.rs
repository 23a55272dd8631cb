//! msklint: a linter for musculoskeletal (MSK) care pathways.
//!
//! The pipeline, one module per stage:
//! source text ([`source`]) → parse ([`parser`], grammar in `grammar/`) →
//! AST ([`ast`]) → graph ([`graph`]) → checks ([`validate`]) →
//! diagnostics ([`diagnostic`]) → output formats ([`output`]).
//! [`check`] strings the stages together for one file; [`cli`] is the
//! command line.

pub mod ast;
pub mod baseline;
pub mod check;
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
pub mod input;
pub mod measures;
pub mod output;
pub mod parser;
pub mod prose;
pub mod report;
pub mod rules;
pub mod score;
pub mod session;
pub mod source;
pub mod span;
pub mod suppress;
pub mod validate;
pub mod vocabulary;
