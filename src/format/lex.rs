//! The tokens and comments of a pathway that has already parsed.
//!
//! The tree keeps no punctuation and no comments, so the formatter reads
//! them from the text here. Only text the parser accepted is lexed, which
//! keeps this small: anything unexpected is reported, not guessed at.

/// What a token is, as far as layout cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `{`
    Open,
    /// `}`
    Close,
    /// `[`
    OpenList,
    /// `]`
    CloseList,
    Comma,
    Colon,
    /// An identifier, keyword, string, number, percentage, operator or `->`.
    Word,
    /// `#` to the end of the line.
    Comment,
}

/// One token or comment: byte offsets into the text and its 1-based line.
/// `u32` like spans: a 100,000-service file has millions of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Atom {
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub kind: Kind,
}

impl Atom {
    pub fn text(self, text: &str) -> &str {
        &text[self.start as usize..self.end as usize]
    }

    pub fn is_comment(self) -> bool {
        self.kind == Kind::Comment
    }
}

/// Splits `text` into atoms, or returns the offset of a character no
/// token starts with. A byte-order mark at the start is passed over, as
/// the parser passes over it.
pub fn lex(text: &str) -> Result<Vec<Atom>, usize> {
    let bytes = text.as_bytes();
    let mut atoms = Vec::with_capacity(text.len() / 4);
    let mut line: u32 = 1;
    let mut i = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    while i < bytes.len() {
        let start = i;
        let kind = match bytes[i] {
            b'\n' => {
                line += 1;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'#' => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                Kind::Comment
            }
            b'"' => {
                i = string_end(bytes, i).ok_or(start)?;
                Kind::Word
            }
            b'{' => one(&mut i, Kind::Open),
            b'}' => one(&mut i, Kind::Close),
            b'[' => one(&mut i, Kind::OpenList),
            b']' => one(&mut i, Kind::CloseList),
            b',' => one(&mut i, Kind::Comma),
            b':' => one(&mut i, Kind::Colon),
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                Kind::Word
            }
            b'-' | b'0'..=b'9' => {
                i = number_end(bytes, i).ok_or(start)?;
                Kind::Word
            }
            b'<' | b'>' | b'=' | b'!' => {
                i += if bytes.get(i + 1) == Some(&b'=') {
                    2
                } else {
                    1
                };
                Kind::Word
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                Kind::Word
            }
            _ => return Err(start),
        };
        atoms.push(Atom {
            start: offset(start)?,
            end: offset(i)?,
            line,
            kind,
        });
    }
    Ok(atoms)
}

fn one(i: &mut usize, kind: Kind) -> Kind {
    *i += 1;
    kind
}

fn offset(n: usize) -> Result<u32, usize> {
    u32::try_from(n).map_err(|_| n)
}

/// Just past the closing quote of the string opening at `i`.
fn string_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some(i + 1),
            b'\\' => i += 2,
            b'\n' => return None,
            _ => i += 1,
        }
    }
    None
}

/// Just past `-?digits(.digits)?%?` starting at `i`.
fn number_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    if bytes[i] == b'-' {
        i += 1;
    }
    let digits = |mut j: usize| {
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
        j
    };
    let after = digits(i);
    if after == i {
        return None;
    }
    i = after;
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(i + 1);
    }
    if bytes.get(i) == Some(&b'%') {
        i += 1;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        lex(text).unwrap().iter().map(|a| a.text(text)).collect()
    }

    #[test]
    fn splits_every_kind_of_token() {
        assert_eq!(
            words("a->b, c: [1.5, -2, 86%] # x \"y\"\n\"s \\\" # t\" >= <"),
            [
                "a",
                "->",
                "b",
                ",",
                "c",
                ":",
                "[",
                "1.5",
                ",",
                "-2",
                ",",
                "86%",
                "]",
                "# x \"y\"",
                "\"s \\\" # t\"",
                ">=",
                "<"
            ]
        );
    }

    #[test]
    fn counts_lines_and_refuses_what_no_token_starts_with() {
        let atoms = lex("a\r\n\n  b").unwrap();
        assert_eq!((atoms[0].line, atoms[1].line), (1, 3));
        assert_eq!(lex("a é"), Err(2));
        assert_eq!(lex("\"open"), Err(0));
    }
}
