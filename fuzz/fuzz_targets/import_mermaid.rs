//! The Mermaid flowchart reader and the check of what it reads, on arbitrary bytes
//! (see `shared/diagram.rs`).

#![no_main]

#[path = "shared/diagram.rs"]
mod diagram;

libfuzzer_sys::fuzz_target!(|data: &[u8]| diagram::check_diagram("fuzz.mmd", data));
