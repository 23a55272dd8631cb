//! Escaping text for XML and HTML, shared by JUnit output, the SVG diagram
//! and the HTML report; for Markdown, used by the Markdown report; and for
//! one-line comments, used by the Mermaid graph; and for terminals, used
//! by the human, concise and GitHub output.

/// Text safe in XML or HTML element content and attribute values. Newlines
/// survive inside attributes as `&#10;`; other control characters, which
/// XML 1.0 cannot carry, become spaces.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push('\t'),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text from a pathway (a name, an owner) as plain Markdown: HTML is
/// written as entities, so a renderer that passes raw HTML through shows it
/// as text; the characters Markdown gives a meaning inline are
/// backslash-escaped; line breaks and other control characters become
/// spaces, so the text cannot start a heading or a list of its own.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if is_break(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A message msklint wrote, which marks names with backticks and may quote
/// pathway text inside them, as Markdown: outside code spans HTML is
/// written as entities; inside them (where Markdown shows text as it is)
/// it is left alone. A backtick without a partner is escaped. Line breaks
/// and other control characters become spaces.
pub fn markdown_message(text: &str) -> String {
    // Code spans pair runs of backticks of the same length, as CommonMark
    // reads them; a run with no partner of its length is plain text.
    let runs = backtick_runs(text);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut i = 0;
    while i < runs.len() {
        let (start, len) = runs[i];
        push_plain(&mut out, &text[pos..start]);
        match (i + 1..runs.len()).find(|&j| runs[j].1 == len) {
            Some(j) => {
                let end = runs[j].0 + len;
                for c in text[start..end].chars() {
                    out.push(if is_break(c) { ' ' } else { c });
                }
                pos = end;
                i = j + 1;
            }
            None => {
                out.push_str(&"\\`".repeat(len));
                pos = start + len;
                i += 1;
            }
        }
    }
    push_plain(&mut out, &text[pos..]);
    out
}

/// Where each run of backticks starts, and how long it is.
fn backtick_runs(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let start = i;
            while i < bytes.len() && bytes[i] == b'`' {
                i += 1;
            }
            runs.push((start, i - start));
        } else {
            i += 1;
        }
    }
    runs
}

/// Text outside code spans: HTML as entities, breaks as spaces.
fn push_plain(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            c if is_break(c) => out.push(' '),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

fn is_break(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// Text on one line: line breaks (including Unicode's line and paragraph
/// separators) and other control characters become spaces, so the text
/// cannot end a one-line comment early.
pub fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if is_break(c) { ' ' } else { c })
        .collect()
}

/// Whether `c` could act on a terminal instead of showing as text: a C0
/// control other than tab, newline and carriage return, DEL, a C1 control,
/// or a mark that reorders text (bidirectional embeddings, overrides and
/// isolates), which can make a line read differently from its bytes.
pub fn is_terminal_control(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Text from a file made safe to print on a terminal: each control
/// ([`is_terminal_control`]) is written out as `\u{1b}`.
pub fn terminal(text: &str) -> std::borrow::Cow<'_, str> {
    written_out(text, is_terminal_control)
}

/// Like [`terminal`], for text that must stay on one line, such as a file
/// name at the start of a line of concise output: line breaks and tabs are
/// written out (`\u{a}`) too, so a name holding one cannot start a line
/// that reads as a finding of its own.
pub fn terminal_line(text: &str) -> std::borrow::Cow<'_, str> {
    written_out(text, |c| is_terminal_control(c) || is_break(c))
}

/// `text` with each character `hidden` picks written out as `\u{…}`.
fn written_out(text: &str, hidden: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(&hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Like [`terminal`], for a source snippet whose byte offsets must not
/// move: each control becomes a stand-in of the same length in UTF-8
/// (`?`, `¿` or U+FFFD).
pub fn terminal_in_place(text: &mut String) {
    if !text.chars().any(is_terminal_control) {
        return;
    }
    *text = text
        .chars()
        .map(|c| match (is_terminal_control(c), c.len_utf8()) {
            (false, _) => c,
            (true, 1) => '?',
            (true, 2) => '\u{bf}',
            (true, _) => '\u{fffd}',
        })
        .collect();
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_line_text_writes_out_its_line_breaks() {
        assert_eq!(
            super::terminal_line("a\nb\r\tc\u{1b}"),
            "a\\u{a}b\\u{d}\\u{9}c\\u{1b}"
        );
        assert_eq!(super::terminal_line("plain é"), "plain é");
    }

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            super::xml("a<b>&\"c\" 'd'\ne\u{1}f"),
            "a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39;&#10;e f"
        );
    }

    #[test]
    fn markdown_text_shows_html_and_markup_as_text() {
        assert_eq!(
            super::markdown_text("<script>alert(1)</script> & *x* | `y`\n# z"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\*x\\* \\| \\`y\\` # z"
        );
    }

    #[test]
    fn markdown_messages_keep_code_spans_and_escape_outside_them() {
        assert_eq!(
            super::markdown_message("node `<b>&</b>` has <i>no</i> route\nnext"),
            "node `<b>&</b>` has &lt;i&gt;no&lt;/i&gt; route next"
        );
        assert_eq!(super::markdown_message("a ` b <"), "a \\` b &lt;");
        // Runs pair by length, as CommonMark reads them: a run of three with
        // no partner of three is plain text, so what follows is escaped.
        assert_eq!(
            super::markdown_message("```<img src=x onerror=alert(1)>` does not"),
            "\\`\\`\\`&lt;img src=x onerror=alert(1)&gt;\\` does not"
        );
        assert_eq!(
            super::markdown_message("``a ` b`` and `<c>`"),
            "``a ` b`` and `<c>`"
        );
    }

    #[test]
    fn one_line_breaks_nothing() {
        assert_eq!(
            super::one_line("Line one\nA --> B\r\u{2028}"),
            "Line one A --> B  "
        );
    }

    #[test]
    fn terminal_controls_are_shown_not_obeyed() {
        use super::{terminal, terminal_in_place};
        assert_eq!(terminal("plain – text"), "plain – text");
        assert_eq!(terminal("X\u{1b}[31mY\u{7}"), "X\\u{1b}[31mY\\u{7}");
        assert_eq!(terminal("a\u{202e}b\tc"), "a\\u{202e}b\tc");
        let mut s = "a\u{1b}b\u{85}c\u{202e}d\r\n".to_string();
        let len = s.len();
        terminal_in_place(&mut s);
        assert_eq!(s, "a?b\u{bf}c\u{fffd}d\r\n");
        assert_eq!(s.len(), len);
    }
}
