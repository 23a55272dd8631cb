//! Rules as data: the YAML schema ([`model`]), loading ([`load`]), the
//! shared graph analyses ([`analysis`]) and the evaluator ([`engine`]).

pub mod analysis;
pub mod engine;
pub mod load;
pub mod model;
pub mod prose;
pub mod strings;
