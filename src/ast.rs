//! The typed syntax tree. Every piece keeps the span it was written at, so
//! any later stage can point back at exact source text.

use crate::span::{Span, Spanned};

// Lists inside items are `Box<[T]>`, not `Vec<T>`: a `Vec` collected from
// pest's pairs reserves room for four, which for a 100,000-service file was
// about 100 MB of unused capacity.

#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub pathways: Vec<Pathway>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pathway {
    pub name: Spanned<String>,
    /// `pathway "name"`: where to point for pathway-wide findings.
    pub header: Span,
    pub span: Span,
    pub fields: Vec<Field>,
    pub nodes: Vec<Node>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub key: Ident,
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    String(String),
    Number(f64),
    Percent(f64),
    Bool(bool),
    Ident(String),
    List(Box<[Value]>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

impl Value {
    /// The value as a list of plain words (identifiers or strings), for
    /// properties such as `offers` that also accept a single item.
    pub fn words(&self) -> Vec<(&str, Span)> {
        match &self.kind {
            ValueKind::List(items) => items.iter().filter_map(Value::word).collect(),
            _ => self.word().into_iter().collect(),
        }
    }

    fn word(&self) -> Option<(&str, Span)> {
        match &self.kind {
            ValueKind::Ident(s) | ValueKind::String(s) => Some((s.as_str(), self.span)),
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
pub struct Node {
    pub kind: NodeKind,
    pub id: Ident,
    pub label: Spanned<String>,
    pub properties: Box<[Property]>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub key: Ident,
    pub value: PropertyValue,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue {
    Value(Value),
    Criteria(Box<[Criterion]>),
    Dna(DnaPolicy),
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
pub struct Criterion {
    pub attribute: Ident,
    pub op: Spanned<Op>,
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DnaPolicy {
    pub steps: Box<[DnaStep]>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DnaStep {
    /// The action word as written; validated against the known actions later.
    pub action: Ident,
    pub after: Option<Spanned<f64>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub sources: Box<[Ident]>,
    pub targets: Box<[Ident]>,
    pub when: Option<Spanned<String>>,
    pub requires: Box<[Criterion]>,
    pub span: Span,
}
