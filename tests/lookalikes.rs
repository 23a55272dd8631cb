//! Characters pasted from word processors that look like the language's own
//! (curly quotes, no-break spaces, arrows, dashes): `msklint check` names
//! the character and the one it looks like.

#[allow(dead_code)] // the shared helpers are not all used here
mod common;

use common::msklint;

fn check(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("word.pathway"), text).unwrap();
    let out = msklint(&["check", "--no-config", "word.pathway"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn curly_quotes_spaces_and_arrows_are_named() {
    let quotes = check("pathway \u{201C}Hip pain\u{201D} {\n  entry gp: \"GP\" { kind: gp }\n}\n");
    assert!(quotes.contains("left double quotation mark"), "{quotes}");
    assert!(quotes.contains("looks like `\"`"), "{quotes}");

    let space = check("pathway \"Hip\" {\n  entry\u{A0}gp: \"GP\" { kind: gp }\n}\n");
    assert!(space.contains("no-break space (U+00A0)"), "{space}");

    let arrow = check(
        "pathway \"Hip\" {\n  entry gp: \"GP\" { kind: gp }\n  exit h: \"Home\"\n  gp \u{2192} h\n}\n",
    );
    assert!(arrow.contains("rightwards arrow"), "{arrow}");
    assert!(arrow.contains("looks like `->`"), "{arrow}");
}
