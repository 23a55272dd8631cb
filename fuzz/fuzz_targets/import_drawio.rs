//! The draw.io reader (plain and compressed pages) and the check of what it reads, on arbitrary bytes
//! (see `shared/diagram.rs`).

#![no_main]

#[path = "shared/diagram.rs"]
mod diagram;

libfuzzer_sys::fuzz_target!(|data: &[u8]| diagram::check_diagram("fuzz.drawio", data));
