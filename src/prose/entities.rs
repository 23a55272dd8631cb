//! HTML character references (`&nbsp;`, `&rsquo;`, `&#8217;`) as the
//! characters they stand for. Policies exported from web pages and
//! content systems keep them in their Markdown and text, where a renderer
//! shows the character but the checks read the reference: "don&rsquo;t
//! attend" and "six&nbsp;months" went unread.

use std::borrow::Cow;

/// The named references such exports use; any other is left as written.
const NAMED: &[(&str, &str)] = &[
    ("nbsp", " "),
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("le", "≤"),
    ("ge", "≥"),
    ("quot", "\""),
    ("apos", "'"),
    ("rsquo", "'"),
    ("lsquo", "'"),
    ("rdquo", "\""),
    ("ldquo", "\""),
    ("ndash", "–"),
    ("mdash", "—"),
    ("hellip", "…"),
    ("shy", ""),
    ("pound", "£"),
    ("deg", "°"),
    ("middot", "·"),
    ("bull", "•"),
    ("ensp", " "),
    ("emsp", " "),
    ("thinsp", " "),
    ("zwnj", ""),
    ("zwj", ""),
    ("lrm", ""),
    ("rlm", ""),
    ("sup1", "¹"),
    ("sup2", "²"),
    ("sup3", "³"),
    ("frac12", "½"),
    ("frac14", "¼"),
    ("frac34", "¾"),
    ("times", "×"),
    ("divide", "÷"),
    ("minus", "−"),
    ("plusmn", "±"),
    ("micro", "µ"),
    ("sect", "§"),
    ("para", "¶"),
    ("copy", "©"),
    ("reg", "®"),
    ("trade", "™"),
    ("euro", "€"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("sbquo", "'"),
    ("bdquo", "\""),
    ("rarr", "→"),
    ("larr", "←"),
    ("aacute", "á"),
    ("agrave", "à"),
    ("acirc", "â"),
    ("auml", "ä"),
    ("aring", "å"),
    ("ccedil", "ç"),
    ("eacute", "é"),
    ("egrave", "è"),
    ("ecirc", "ê"),
    ("euml", "ë"),
    ("iacute", "í"),
    ("iuml", "ï"),
    ("ntilde", "ñ"),
    ("oacute", "ó"),
    ("ouml", "ö"),
    ("oslash", "ø"),
    ("uacute", "ú"),
    ("uuml", "ü"),
    ("szlig", "ß"),
    ("Eacute", "É"),
];

/// `text` with every reference it holds replaced; borrowed when there is
/// none.
pub fn decode(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match reference(after) {
            Some((replacement, used)) => {
                out.push_str(&replacement);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The reference at the start of `after` (the text after an `&`): what it
/// stands for and how many bytes it takes, `;` included.
fn reference(after: &str) -> Option<(String, usize)> {
    let end = after.char_indices().take(12).find(|&(_, c)| c == ';')?.0;
    let name = &after[..end];
    let c = if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        match char::from_u32(code)? {
            '\u{a0}' => ' '.to_string(),
            '\u{2018}' | '\u{2019}' => "'".to_string(),
            '\u{201c}' | '\u{201d}' => "\"".to_string(),
            '\u{ad}' => String::new(),
            c if c.is_control() => return None,
            c => c.to_string(),
        }
    } else {
        NAMED.iter().find(|(n, _)| *n == name)?.1.to_string()
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn references_become_their_characters() {
        assert_eq!(
            decode("don&rsquo;t attend; six&nbsp;months; BMI &gt; 35; &#8217;&#x2019;&#160;"),
            "don't attend; six months; BMI > 35; '' "
        );
        // Those a policy's units, fractions and names use.
        assert_eq!(
            decode("40&nbsp;kg/m&sup2;; 1&frac12; years; 2&times;; &minus;5; Fr&eacute;d&thinsp;x"),
            "40 kg/m²; 1½ years; 2×; −5; Fréd x"
        );
        // Not a reference: left as written.
        assert_eq!(
            decode("R&D and A & E; &unknown; &#zz;"),
            "R&D and A & E; &unknown; &#zz;"
        );
        assert!(matches!(
            decode("no ampersand"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
