//! Writing the tokens and comments out as the layout says.

use super::layout::{Lay, Pin};
use super::lex::{Atom, Kind};

/// The formatted text. Comments keep their words and their place: one on
/// its own line stays on its own line (indented like the code after it),
/// one after code stays after the same token, two spaces from it.
pub fn render(text: &str, atoms: &[Atom], lay: &[Lay], pins: &[Pin], newline: &str) -> String {
    let comment_indent = comment_indents(atoms, lay);
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut prev: Option<Atom> = None;
    for (i, &atom) in atoms.iter().enumerate() {
        let l = lay[i];
        if !atom.is_comment() && l.drop {
            continue;
        }
        if let Some(p) = prev {
            let own_line = match atom.kind {
                Kind::Comment => p.line != atom.line,
                // A comment runs to the end of its line.
                _ if p.is_comment() => true,
                _ => match pins[i] {
                    Pin::Glue => false,
                    Pin::Break => true,
                    Pin::Free => l.brk,
                },
            };
            if own_line {
                out.push_str(newline);
                if blank_between(text, p, atom) && blank_allowed(p, atom) {
                    out.push_str(newline);
                }
                let indent = if atom.is_comment() {
                    comment_indent[i]
                } else {
                    l.indent
                };
                for _ in 0..indent {
                    out.push_str("  ");
                }
            } else {
                let spaces = if atom.is_comment() { 2 } else { l.space };
                for _ in 0..spaces {
                    out.push(' ');
                }
            }
        }
        let word = atom.text(text);
        out.push_str(if atom.is_comment() {
            word.trim_end()
        } else {
            word
        });
        if l.comma_after && !atom.is_comment() {
            out.push(',');
        }
        prev = Some(atom);
    }
    if prev.is_some() {
        out.push_str(newline);
    }
    out
}

/// A comment on its own line is indented like the code after it, one
/// level deeper when that code closes a block or list.
fn comment_indents(atoms: &[Atom], lay: &[Lay]) -> Vec<u16> {
    let mut out = vec![0; atoms.len()];
    let mut upcoming = 0;
    for i in (0..atoms.len()).rev() {
        match atoms[i].kind {
            Kind::Comment => out[i] = upcoming,
            Kind::Close | Kind::CloseList => upcoming = lay[i].indent + 1,
            _ => upcoming = lay[i].indent,
        }
    }
    out
}

/// The author left an empty line between these two.
fn blank_between(text: &str, before: Atom, after: Atom) -> bool {
    text.as_bytes()[before.end as usize..after.start as usize]
        .iter()
        .filter(|&&b| b == b'\n')
        .nth(1)
        .is_some()
}

/// Empty lines are kept between items, properties, list items and
/// comments, but not just inside a bracket. One after a comment always
/// stays: it ends the reach of a suppression on the line above.
fn blank_allowed(before: Atom, after: Atom) -> bool {
    if before.is_comment() {
        return true;
    }
    !matches!(before.kind, Kind::Open | Kind::OpenList)
        && !matches!(after.kind, Kind::Close | Kind::CloseList)
}
