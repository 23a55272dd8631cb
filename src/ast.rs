//! The typed syntax tree. Every piece keeps the span it was written at, so
//! any later stage can point back at exact source text.
//!
//! The tree borrows the text it was parsed from: identifiers are slices of
//! it, and strings too unless they hold escapes. Owned copies cost about
//! 45 MB on a 100,000-service file.

use std::borrow::Cow;

use crate::span::{Span, Spanned};

// Lists inside items are `Box<[T]>`, not `Vec<T>`: a `Vec` collected from
// pest's pairs reserves room for four, which for a 100,000-service file was
// about 100 MB of unused capacity.

#[derive(Debug, Clone, PartialEq)]
pub struct File<'a> {
    pub pathways: Vec<Pathway<'a>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pathway<'a> {
    pub name: Spanned<Cow<'a, str>>,
    /// `pathway "name"`: where to point for pathway-wide findings.
    pub header: Span,
    pub span: Span,
    pub fields: Vec<Field<'a>>,
    pub nodes: Vec<Node<'a>>,
    pub routes: Vec<Route<'a>>,
    /// Where this block broke the grammar: for each syntax error, the
    /// text the parser passed over to get past it (empty when nothing was
    /// passed over, as for a stray `}`). Empty for a block that parsed
    /// whole. Checks that conclude from something being absent do not run
    /// on a pathway with any (docs/language.md, section 13).
    pub skipped: Vec<Spanned<&'a str>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ident<'a> {
    pub name: &'a str,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field<'a> {
    pub key: Ident<'a>,
    pub value: Value<'a>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind<'a> {
    String(Cow<'a, str>),
    Number(f64),
    Percent(f64),
    Bool(bool),
    Ident(&'a str),
    List(Box<[Value<'a>]>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value<'a> {
    pub kind: ValueKind<'a>,
    pub span: Span,
}

impl<'a> Value<'a> {
    /// The value as a list of plain words (identifiers or strings), for
    /// properties such as `offers` that also accept a single item.
    pub fn words(&self) -> Vec<(&str, Span)> {
        self.each_word().collect()
    }

    /// [`Value::words`] one at a time, without gathering them.
    pub fn each_word(&self) -> impl Iterator<Item = (&str, Span)> {
        let items: &[Value<'a>] = match &self.kind {
            ValueKind::List(items) => items,
            _ => std::slice::from_ref(self),
        };
        items.iter().filter_map(Value::word)
    }

    /// The first of [`Value::words`], without gathering the rest.
    pub fn first_word(&self) -> Option<&str> {
        match &self.kind {
            ValueKind::List(items) => items.iter().find_map(|v| v.word()).map(|w| w.0),
            _ => self.word().map(|w| w.0),
        }
    }

    fn word(&self) -> Option<(&str, Span)> {
        match &self.kind {
            ValueKind::Ident(s) => Some((s, self.span)),
            ValueKind::String(s) => Some((s, self.span)),
            _ => None,
        }
    }

    pub fn describe(&self) -> &'static str {
        match self.kind {
            ValueKind::String(_) => "a string",
            ValueKind::Number(_) => "a number",
            ValueKind::Percent(_) => "a percentage",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Ident(_) => "an identifier",
            ValueKind::List(_) => "a list",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Entry,
    Service,
    Exit,
}

impl NodeKind {
    pub fn keyword(self) -> &'static str {
        match self {
            NodeKind::Entry => "entry",
            NodeKind::Service => "service",
            NodeKind::Exit => "exit",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub kind: NodeKind,
    pub id: Ident<'a>,
    pub label: Spanned<Cow<'a, str>>,
    pub properties: Box<[Property<'a>]>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Property<'a> {
    pub key: Ident<'a>,
    pub value: PropertyValue<'a>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue<'a> {
    Value(Value<'a>),
    Criteria(Box<[Criterion<'a>]>),
    Dna(DnaPolicy<'a>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    /// A lone `=`: kept so the checker can suggest `==`.
    Assign,
}

impl Op {
    pub fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "==" => Op::Eq,
            "!=" => Op::Ne,
            "=" => Op::Assign,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Assign => "=",
        }
    }

    pub fn is_ordering(self) -> bool {
        matches!(self, Op::Lt | Op::Le | Op::Gt | Op::Ge)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Criterion<'a> {
    pub attribute: Ident<'a>,
    pub op: Spanned<Op>,
    pub value: Value<'a>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DnaPolicy<'a> {
    pub steps: Box<[DnaStep<'a>]>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DnaStep<'a> {
    /// The action word as written; validated against the known actions later.
    pub action: Ident<'a>,
    pub after: Option<Spanned<f64>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route<'a> {
    /// The sources, then the targets: one allocation instead of two (a
    /// large pathway has hundreds of thousands of routes).
    pub ends: Box<[Ident<'a>]>,
    /// How many of `ends` are sources.
    pub source_count: u32,
    pub span: Span,
    /// The `when` and `requires` clauses, boxed together because most
    /// routes have neither: 32 bytes less per route.
    pub clauses: Option<Box<RouteClauses<'a>>>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RouteClauses<'a> {
    pub when: Option<Spanned<Cow<'a, str>>>,
    pub requires: Box<[Criterion<'a>]>,
}

impl<'a> Route<'a> {
    /// The `when` text, if the route has one.
    pub fn when(&self) -> Option<&Spanned<Cow<'a, str>>> {
        self.clauses.as_ref()?.when.as_ref()
    }

    /// The `requires` criteria (none for most routes).
    pub fn requires(&self) -> &[Criterion<'a>] {
        self.clauses.as_ref().map_or(&[], |c| &c.requires)
    }

    pub fn sources(&self) -> &[Ident<'a>] {
        self.ends
            .get(..self.source_count as usize)
            .unwrap_or_default()
    }

    pub fn targets(&self) -> &[Ident<'a>] {
        self.ends
            .get(self.source_count as usize..)
            .unwrap_or_default()
    }
}
