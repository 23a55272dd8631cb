//! The formatter: any UTF-8 text is either refused with the parser's
//! syntax errors or formatted; a formatted text formats to itself, and the
//! formatter never reports a bug of its own (`FormatError::Internal`, which
//! is what its built-in check returns when the result would not mean the
//! same or would lose a comment).

#![no_main]

use libfuzzer_sys::fuzz_target;
use msklint::format::{format, FormatError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match format(text) {
        Ok(once) => match format(&once) {
            Ok(twice) => assert_eq!(once, twice, "not idempotent"),
            Err(e) => panic!("the formatted text is refused: {e:?}"),
        },
        Err(FormatError::Syntax(diagnostics)) => assert!(!diagnostics.is_empty()),
        Err(FormatError::Internal(why)) => panic!("internal: {why}"),
    }
});
