//! Escaping text for XML and HTML, shared by JUnit output, the SVG diagram
//! and the HTML report.

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

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            super::xml("a<b>&\"c\" 'd'\ne\u{1}f"),
            "a&lt;b&gt;&amp;&quot;c&quot; &#39;d&#39;&#10;e f"
        );
    }
}
