//! Rules as data: the YAML schema ([`model`]), the check kinds a rule may
//! name, one file each ([`checks`]), loading ([`load`]), the shared graph
//! analyses ([`analysis`]) and the evaluator ([`engine`]); the language
//! rules the pipeline raises itself are named in [`builtin`].

pub mod analysis;
pub mod builtin;
pub mod checks;
pub mod engine;
pub mod load;
pub mod model;
pub mod opinion;
pub mod prose;
pub mod strings;
