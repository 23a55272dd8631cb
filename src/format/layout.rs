//! Deciding the layout: for every token, whether a line break comes before
//! it, the spacing when none does, and its indentation if it starts a line.
//!
//! The tree says where each item, property and pathway starts; the tokens
//! between those points are laid out by kind. Every decision is made from
//! the tokens, the comments and the lines that suppressions cover, never
//! from the spacing the author used, so formatting twice changes nothing.
//! (The one exception is deliberate: a property block stays on one line
//! only if its first property was on the `{` line.)

use crate::ast::{File, Node, Pathway};

use super::lex::{Atom, Kind};

/// Lines longer than this are broken where the layout allows.
pub const WIDTH: usize = 100;

/// How one code token is written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lay {
    /// Indentation level (two spaces each) when the token starts a line.
    pub indent: u16,
    /// Spaces before the token when it continues a line (0, 1 or 2).
    pub space: u8,
    /// A line break comes before the token (unless a pin says otherwise).
    pub brk: bool,
    /// Not written: the trailing comma of a list laid out on one line.
    pub drop: bool,
    /// A list's trailing comma, dropped when the list fits on one line.
    pub trailing: bool,
    /// Write `,` after the token: the last item of a list laid out one
    /// item per line, which had no trailing comma.
    pub comma_after: bool,
}

/// What a suppression comment requires of the gap before a token. A
/// suppression covers the findings that start on one line, so a covered
/// line keeps exactly its tokens: nothing on it is moved to another line
/// (`Glue`) and nothing from another line joins it (`Break`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pin {
    #[default]
    Free,
    Glue,
    Break,
}

/// The tree and the tokens disagree: a bug, reported instead of guessing.
#[derive(Debug)]
pub struct Mismatch(pub String);

/// A list's tokens: `[`, `]`, and the last item and trailing comma if any.
struct List {
    open: usize,
    close: usize,
    last_item: Option<usize>,
    trailing: Option<usize>,
    owner: u16,
    /// Column the `[` would start at.
    column: usize,
}

pub struct Layout<'t> {
    text: &'t str,
    atoms: &'t [Atom],
    pins: &'t [Pin],
    pub lay: Vec<Lay>,
}

/// An item of a pathway block, in the order written.
enum Item<'f, 'a> {
    Plain,
    Node(&'f Node<'a>),
}

impl<'t> Layout<'t> {
    pub fn new(text: &'t str, atoms: &'t [Atom], pins: &'t [Pin]) -> Self {
        Layout {
            text,
            atoms,
            pins,
            lay: vec![
                Lay {
                    space: 1,
                    ..Lay::default()
                };
                atoms.len()
            ],
        }
    }

    pub fn file(&mut self, file: &File<'_>) -> Result<(), Mismatch> {
        for p in &file.pathways {
            self.pathway(p)?;
        }
        Ok(())
    }

    fn pathway(&mut self, p: &Pathway<'_>) -> Result<(), Mismatch> {
        let head = self.find(p.span.start())?;
        let close = self.find(p.span.end().saturating_sub(1))?;
        self.expect(close, Kind::Close)?;
        let name = self.next_code(head + 1, close)?;
        let open = self.next_code(name + 1, close)?;
        self.expect(open, Kind::Open)?;
        self.lay[head] = Lay {
            indent: 0,
            space: 1,
            brk: true,
            ..Lay::default()
        };
        self.run(head + 1, open + 1, 1);

        let mut items: Vec<(usize, Item<'_, '_>)> = p
            .fields
            .iter()
            .map(|f| (f.span.start(), Item::Plain))
            .chain(p.routes.iter().map(|r| (r.span.start(), Item::Plain)))
            .chain(p.nodes.iter().map(|n| (n.span.start(), Item::Node(n))))
            .collect();
        items.sort_by_key(|(start, _)| *start);
        let starts = items
            .iter()
            .map(|(start, _)| self.find(*start))
            .collect::<Result<Vec<_>, _>>()?;
        for (k, (_, item)) in items.iter().enumerate() {
            let s = starts[k];
            let e = starts.get(k + 1).copied().unwrap_or(close);
            if s <= open || e <= s {
                return Err(self.mismatch(s, "an item outside its pathway block"));
            }
            self.lay[s] = Lay {
                indent: 1,
                space: if k == 0 { 1 } else { 2 },
                brk: true,
                ..Lay::default()
            };
            match item {
                Item::Node(node) => self.node(node, s, e)?,
                Item::Plain => self.keyed_or_route(s, e, 1)?,
            }
        }
        self.lay[close] = Lay {
            indent: 0,
            space: u8::from(!items.is_empty()),
            brk: !items.is_empty(),
            ..Lay::default()
        };
        Ok(())
    }

    /// A field (`key: value`) or a route, from `s` up to `e`, at `indent`.
    fn keyed_or_route(&mut self, s: usize, e: usize, indent: u16) -> Result<(), Mismatch> {
        let second = self.next_code(s + 1, e)?;
        if self.atoms[second].kind != Kind::Colon {
            self.run(s + 1, e, indent + 1);
            return Ok(());
        }
        if let Some(list) = self.keyed(s, second, e, indent)? {
            let flat = self.list_fits(&list);
            self.decide_list(&list, flat);
        }
        Ok(())
    }

    /// `key: value` with its colon at `colon`; a list value is returned
    /// for the caller to decide on.
    fn keyed(
        &mut self,
        s: usize,
        colon: usize,
        e: usize,
        indent: u16,
    ) -> Result<Option<List>, Mismatch> {
        self.run(s + 1, colon + 1, indent + 1);
        let value = self.next_code(colon + 1, e)?;
        if self.atoms[value].kind != Kind::OpenList {
            self.run(value, e, indent + 1);
            return Ok(None);
        }
        let column = usize::from(indent) * 2 + self.width(s, colon) + 1;
        self.list(value, e, indent, column).map(Some)
    }

    fn node(&mut self, node: &Node<'_>, s: usize, e: usize) -> Result<(), Mismatch> {
        let Some(open) = (s + 1..e).find(|&i| self.atoms[i].kind == Kind::Open) else {
            self.run(s + 1, e, 2);
            return Ok(());
        };
        let close = (open + 1..e)
            .rev()
            .find(|&i| !self.atoms[i].is_comment())
            .ok_or_else(|| self.mismatch(open, "a block with no `}`"))?;
        self.expect(close, Kind::Close)?;
        self.run(s + 1, open + 1, 2);
        let starts = node
            .properties
            .iter()
            .map(|p| self.find(p.span.start()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut lists = Vec::new();
        for (j, &ps) in starts.iter().enumerate() {
            let pe = starts.get(j + 1).copied().unwrap_or(close);
            if ps <= open || pe <= ps {
                return Err(self.mismatch(ps, "a property outside its block"));
            }
            self.lay[ps] = Lay {
                indent: 2,
                space: if j == 0 { 1 } else { 2 },
                brk: true,
                ..Lay::default()
            };
            let colon = self.next_code(ps + 1, pe)?;
            self.expect(colon, Kind::Colon)?;
            if let Some(list) = self.keyed(ps, colon, pe, 2)? {
                lists.push(list);
            }
        }
        self.lay[close] = Lay {
            indent: 1,
            space: u8::from(!starts.is_empty()),
            brk: true,
            ..Lay::default()
        };
        // One line: pinned there, or written there and short enough.
        let written_on_one_line = starts
            .first()
            .is_none_or(|&first| self.atoms[first].line == self.atoms[open].line);
        let flat = self.glued(s, close)
            || (starts.is_empty() && self.free_of_breaks(open, close))
            || (written_on_one_line
                && self.free_of_breaks(s, close)
                && 2 + self.width(s, close) <= WIDTH);
        if flat {
            for &ps in &starts {
                self.lay[ps].brk = false;
            }
            self.lay[close].brk = false;
        }
        for list in &lists {
            let fits = flat || self.list_fits(list);
            self.decide_list(list, fits);
        }
        Ok(())
    }

    /// Spacing for the list opening at `open`, which must end before `e`.
    fn list(&mut self, open: usize, e: usize, owner: u16, column: usize) -> Result<List, Mismatch> {
        let close = (open + 1..e)
            .find(|&i| self.atoms[i].kind == Kind::CloseList)
            .ok_or_else(|| self.mismatch(open, "a list with no `]`"))?;
        if let Ok(after) = self.next_code(close + 1, e) {
            return Err(self.mismatch(after, "more after a list value"));
        }
        let mut last_item = None;
        let mut trailing = None;
        let mut first = true;
        for i in open + 1..close {
            let lay = &mut self.lay[i];
            match self.atoms[i].kind {
                Kind::Comment => continue,
                Kind::Comma => {
                    *lay = Lay {
                        indent: owner + 1,
                        space: 0,
                        ..Lay::default()
                    };
                    trailing = Some(i);
                }
                _ => {
                    *lay = Lay {
                        indent: owner + 1,
                        space: u8::from(!first),
                        ..Lay::default()
                    };
                    first = false;
                    last_item = Some(i);
                    trailing = None;
                }
            }
        }
        if let Some(t) = trailing {
            self.lay[t].trailing = true;
        }
        self.lay[close] = Lay {
            indent: owner,
            space: 0,
            ..Lay::default()
        };
        Ok(List {
            open,
            close,
            last_item,
            trailing,
            owner,
            column,
        })
    }

    fn list_fits(&self, list: &List) -> bool {
        self.glued(list.open, list.close)
            || (self.free_of_breaks(list.open, list.close)
                && list.column + self.width(list.open, list.close) <= WIDTH)
    }

    /// One line (`[a, b]`) or one item per line, each ending in a comma.
    fn decide_list(&mut self, list: &List, flat: bool) {
        if flat {
            if let Some(t) = list.trailing {
                self.lay[t].drop = true;
            }
            return;
        }
        for i in list.open + 1..list.close {
            let atom = self.atoms[i];
            if !atom.is_comment() && atom.kind != Kind::Comma {
                self.lay[i].brk = true;
                self.lay[i].indent = list.owner + 1;
            }
        }
        self.lay[list.close].brk = true;
        // `c]` pinned on one line reads better than `c,]`.
        if list.trailing.is_none() && self.pins[list.close] != Pin::Glue {
            if let Some(last) = list.last_item {
                self.lay[last].comma_after = true;
            }
        }
    }

    /// Tokens in `[from, to)` continue a line: one space apart, none before
    /// `,` and `:`; `indent` if a comment or pin breaks the line anyway.
    fn run(&mut self, from: usize, to: usize, indent: u16) {
        for i in from..to {
            let kind = self.atoms[i].kind;
            if kind == Kind::Comment {
                continue;
            }
            self.lay[i] = Lay {
                indent,
                space: u8::from(!matches!(kind, Kind::Comma | Kind::Colon)),
                ..Lay::default()
            };
        }
    }

    /// Width of the tokens `first..=last` on one line, trailing commas left out.
    fn width(&self, first: usize, last: usize) -> usize {
        let mut total = 0;
        for i in first..=last {
            let atom = self.atoms[i];
            if atom.is_comment() || self.lay[i].trailing {
                continue;
            }
            if i != first {
                total += usize::from(self.lay[i].space);
            }
            total += atom.text(self.text).chars().count();
        }
        total
    }

    /// No comment in `(first, last)` and no pinned break in `(first, last]`.
    fn free_of_breaks(&self, first: usize, last: usize) -> bool {
        (first + 1..=last).all(|i| !self.atoms[i].is_comment() && self.pins[i] != Pin::Break)
    }

    /// Every token in `(first, last]` is pinned to the line of the one before.
    fn glued(&self, first: usize, last: usize) -> bool {
        last > first && (first + 1..=last).all(|i| self.pins[i] == Pin::Glue)
    }

    /// The code token starting at byte `pos`.
    fn find(&self, pos: usize) -> Result<usize, Mismatch> {
        let i = self.atoms.partition_point(|a| (a.start as usize) < pos);
        match self.atoms.get(i) {
            Some(a) if a.start as usize == pos && !a.is_comment() => Ok(i),
            _ => Err(Mismatch(format!("no token starts at byte {pos}"))),
        }
    }

    /// The first code token in `[from, to)`.
    fn next_code(&self, from: usize, to: usize) -> Result<usize, Mismatch> {
        (from..to.min(self.atoms.len()))
            .find(|&i| !self.atoms[i].is_comment())
            .ok_or_else(|| Mismatch(format!("a token missing after token {from}")))
    }

    fn expect(&self, i: usize, kind: Kind) -> Result<(), Mismatch> {
        if self.atoms[i].kind == kind {
            Ok(())
        } else {
            Err(self.mismatch(i, &format!("{kind:?} expected")))
        }
    }

    fn mismatch(&self, i: usize, what: &str) -> Mismatch {
        let at = self.atoms.get(i).map_or(0, |a| a.start);
        Mismatch(format!("{what} at byte {at}"))
    }
}

/// The pin on each token, from the lines that suppressions cover.
pub fn pins(atoms: &[Atom], covered: &[bool]) -> Vec<Pin> {
    let covered = |line: u32| covered.get(line as usize).copied().unwrap_or(false);
    let mut pins = vec![Pin::Free; atoms.len()];
    let mut prev: Option<u32> = None;
    for (i, atom) in atoms.iter().enumerate() {
        if atom.is_comment() {
            continue;
        }
        if let Some(line) = prev {
            if line == atom.line && covered(line) {
                pins[i] = Pin::Glue;
            } else if line != atom.line && (covered(line) || covered(atom.line)) {
                pins[i] = Pin::Break;
            }
        }
        prev = Some(atom.line);
    }
    pins
}
