//! A large block's items read on several threads, with exactly the result
//! of reading them one after another.
//!
//! The block is cut at lines that can only start a node or a route
//! ([`LineKind`]), and each piece is read item by item on its own thread.
//! Every item is parsed from its start to the end of the text, as the
//! sequential reader parses it, so an item that runs on past its piece's
//! end is read whole; a piece counts only when the one before it ended
//! exactly where it begins. A piece that meets a syntax error (or the
//! block's `}`) ends the run: the sequential reader goes on from there and
//! handles the error as it always does.

use pest::Parser as _;

use super::{blanks, build_item, line_kind, skip_trivia, walk_block, Item, LineKind};
use super::{PathwayParser, Rule};
use crate::diagnostic::Diagnostic;

/// Below this many bytes a block is read on one thread: handing out the
/// pieces would cost more than it saves.
pub(super) const MIN_LEN: usize = 64 * 1024;

/// Pieces per thread, so a thread that finishes early takes another.
const PIECES_PER_THREAD: usize = 4;

/// One item read ahead, with where it starts and the errors found while
/// building it (a repeated route clause).
pub(super) struct Built<'a> {
    pub start: usize,
    pub end: usize,
    pub kind: Rule,
    pub item: Item<'a>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The items read ahead from the start of a block's body, and where the
/// sequential reader goes on.
pub(super) struct Ahead<'a> {
    pub items: Vec<Built<'a>>,
    pub end: usize,
}

/// Reads the items of the block whose body starts at `from` (a token) in
/// parallel, when it is long enough to be worth it and more than one
/// thread is available (never without the `parallel` feature).
pub(super) fn read_ahead(text: &str, from: usize, min_len: usize) -> Option<Ahead<'_>> {
    let threads = crate::par::threads();
    if threads < 2 {
        return None;
    }
    let end = block_end(text, from);
    let len = end - from;
    if len < min_len {
        return None;
    }
    let pieces = (threads * PIECES_PER_THREAD).min(len / (min_len / 4).max(1));
    let cuts = cuts(text, from, end, pieces);
    if cuts.len() < 3 {
        return None;
    }
    let spans: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    let pieces: Vec<Option<Piece<'_>>> =
        crate::par::map(&spans, |&(start, end)| read_piece(text, start, end));
    let mut items = Vec::new();
    let mut at = from;
    for (piece, &start) in pieces.into_iter().zip(&cuts) {
        let Some(piece) = piece.filter(|_| start == at) else {
            break;
        };
        items.extend(piece.items);
        at = piece.end;
    }
    Some(Ahead { items, end: at })
}

/// Where the block whose body starts at `from` ends: its closing `}`, found
/// by counting braces outside strings and comments, or the end of the text.
/// In a broken block this may be wrong; that costs speed, never results.
fn block_end(text: &str, from: usize) -> usize {
    walk_block(text, from, |_, _| false)
}

/// `from`, then about `pieces - 1` places between it and `end` where a line
/// starts a node or a route, then `end`: in order, no two the same.
fn cuts(text: &str, from: usize, end: usize, pieces: usize) -> Vec<usize> {
    let b = text.as_bytes();
    let step = (end - from) / pieces.max(1);
    let mut out = vec![from];
    for k in 1..pieces {
        let mut line = (from + k * step).max(out[out.len() - 1] + 1);
        let cut = loop {
            let Some(n) = text.get(line..end).and_then(|rest| rest.find('\n')) else {
                break None;
            };
            line += n + 1;
            let t = blanks(b, line);
            if t < end && matches!(line_kind(text, t), LineKind::Node | LineKind::Route) {
                break Some(t);
            }
        };
        match cut {
            Some(t) => out.push(t),
            None => break,
        }
    }
    out.push(end);
    out.dedup();
    out
}

struct Piece<'a> {
    items: Vec<Built<'a>>,
    /// Where the last item read ends, trivia after it included: `to` when
    /// the next piece starts where this one stopped.
    end: usize,
}

/// Reads items from `from` until one ends at or past `to`; `None` at a
/// syntax error or anything that is not an item (such as the block's `}`).
fn read_piece(text: &str, from: usize, to: usize) -> Option<Piece<'_>> {
    let mut items = Vec::new();
    let mut pos = from;
    while pos < to {
        let pair = PathwayParser::parse(Rule::item, &text[pos..])
            .ok()?
            .next()?;
        let item = pair.into_inner().next()?;
        let item_end = pos + item.as_span().end();
        let kind = item.as_rule();
        let mut diagnostics = Vec::new();
        let item = build_item(item, pos, &mut diagnostics);
        items.push(Built {
            start: pos,
            end: item_end,
            kind,
            item,
            diagnostics,
        });
        pos = skip_trivia(text, item_end);
    }
    Some(Piece { items, end: pos })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::parse_with;

    /// A block of about `nodes` services over several lines each, with
    /// routes, fields, comments, escapes and a repeated route clause.
    fn long_pathway(nodes: usize) -> String {
        let mut text = String::from("# made for the test\npathway \"long\" {\n  owner: \"ICB\"\n");
        for i in 0..nodes {
            text.push_str(&format!(
                "  service s{i}: \"Service {i} \\\"quoted\\\" {{\" {{\n    kind: physio  # {{\n    offers: [exercise,\n      education]\n    requires: bmi < {}\n  }}\n",
                30 + i % 10
            ));
            if i > 0 {
                text.push_str(&format!("  s{} -> s{i} when \"after {i} weeks\"\n", i - 1));
            }
            if i % 97 == 0 {
                text.push_str(&format!(
                    "  s{i}, s0 -> s1 when \"a\" when \"b\"\n  note_{i}: 3\n"
                ));
            }
        }
        text.push_str("}\npathway \"short\" {\n  entry gp: \"GP\" { kind: gp }\n}\n");
        text
    }

    fn same(text: &str) {
        let (one, many) = (parse_with(text, false), parse_with(text, true));
        assert_eq!(one.file, many.file);
        assert_eq!(one.diagnostics, many.diagnostics);
        assert_eq!(one.recovered, many.recovered);
    }

    /// Runs `f` with four threads to read on; without the `parallel`
    /// feature there is only the calling thread.
    fn in_pool<T: Send>(f: impl FnOnce() -> T + Send) -> T {
        #[cfg(feature = "parallel")]
        {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build();
            pool.expect("a thread pool").install(f)
        }
        #[cfg(not(feature = "parallel"))]
        {
            f()
        }
    }

    #[test]
    #[cfg(feature = "parallel")]
    fn a_long_block_is_read_ahead_in_pieces() {
        let text = long_pathway(1500);
        let body = text.find("owner").expect("the body");
        let ahead = in_pool(|| read_ahead(&text, body, MIN_LEN)).expect("read ahead");
        assert!(ahead.items.len() > 1_000, "{} items", ahead.items.len());
        assert_eq!(&text[ahead.end..ahead.end + 1], "}");
    }

    #[test]
    fn reading_ahead_gives_what_reading_in_order_gives() {
        let text = long_pathway(1500);
        assert!(text.len() > 2 * MIN_LEN);
        in_pool(|| same(&text));
    }

    #[test]
    fn a_broken_item_anywhere_gives_the_same_tree_and_errors() {
        let text = long_pathway(1500);
        let breaks = ["@", "}", "service", "->", "\"", "{", "pathway \"x\" {\n"];
        in_pool(|| {
            for k in 0..40 {
                let mut at = text.len() * k / 40;
                while !text.is_char_boundary(at) {
                    at += 1;
                }
                let mut broken = text.clone();
                broken.insert_str(at, breaks[k % breaks.len()]);
                same(&broken);
            }
        });
    }

    #[test]
    fn a_short_block_or_one_thread_reads_in_order() {
        let text = long_pathway(20);
        let body = text.find("owner").expect("the body");
        assert!(in_pool(|| read_ahead(&text, body, MIN_LEN)).is_none());
        let long = long_pathway(1500);
        #[cfg(feature = "parallel")]
        let ahead = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a pool")
            .install(|| read_ahead(&long, body, MIN_LEN));
        // Without the `parallel` feature there is never a second thread.
        #[cfg(not(feature = "parallel"))]
        let ahead = read_ahead(&long, body, MIN_LEN);
        assert!(ahead.is_none());
    }
}
