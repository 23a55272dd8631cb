//! A sentence as a finding quotes it: on one line, without the Markdown
//! marks a reader never sees (emphasis, code ticks, link targets, table
//! pipes, quote markers, escapes), cut at a word if long. The finding's
//! span and snippet still point at the text as written.

/// Longest quote, in characters, before it is cut at a word.
pub const QUOTE_CHARS: usize = 160;

/// `sentence` as a reader of the page sees it, whole, on one line: a
/// report's evidence.
pub fn shown(sentence: &str) -> String {
    let plain = unmarked(&crate::prose::entities::decode(sentence));
    let plain = crate::prose::layout::rejoined(&plain);
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `sentence` as a finding's message quotes it.
pub fn quote(sentence: &str) -> String {
    quote_around(sentence, |_| None)
}

/// [`quote`], but a long sentence is cut so that the words `find` points
/// at (byte offsets in the flattened text) are in the quote: a condition
/// in the middle of a long sentence is what the reader must see.
pub fn quote_around(sentence: &str, find: impl Fn(&str) -> Option<(usize, usize)>) -> String {
    let plain = unmarked(sentence);
    let plain = crate::prose::layout::rejoined(&plain);
    let mut flat = String::with_capacity(plain.len());
    for word in plain.split_whitespace() {
        if !flat.is_empty() {
            flat.push(' ');
        }
        flat.push_str(word);
    }
    if flat.chars().count() <= QUOTE_CHARS {
        return flat;
    }
    // Where the quote starts: the sentence's start, or a little before the
    // words found when they would fall past the end.
    // Patterns match bytes: a match that splits a character is not used.
    let found = find(&flat)
        .filter(|&(a, b)| a <= b && flat.is_char_boundary(a) && flat.is_char_boundary(b));
    let start = match found {
        Some((a, end)) if flat[..end].chars().count() > QUOTE_CHARS - 10 => {
            let lead = flat[..a]
                .char_indices()
                .rev()
                .nth(LEAD_CHARS)
                .map_or(0, |(i, _)| i);
            // At a word.
            flat[lead..a].find(' ').map_or(lead, |k| lead + k + 1)
        }
        _ => 0,
    };
    let rest = &flat[start..];
    let cut: String = rest.chars().take(QUOTE_CHARS).collect();
    let whole = cut.len() == rest.len();
    let cut = if whole {
        cut.as_str()
    } else {
        cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head)
    };
    let before = if start > 0 { "… " } else { "" };
    let after = if whole { "" } else { " …" };
    format!("{before}{cut}{after}")
}

/// Characters kept before the words found, when the quote cannot start at
/// the sentence's start.
const LEAD_CHARS: usize = 40;

/// Text with Markdown's struck-through stretches (`~~old wording~~`)
/// taken out: a reader sees them crossed out, as words withdrawn.
pub fn without_struck(text: &str) -> std::borrow::Cow<'_, str> {
    let Some(first) = text.find("~~") else {
        return std::borrow::Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut open = Some(first);
    while let Some(at) = open {
        let Some(close) = rest[at + 2..].find("~~") else {
            break;
        };
        out.push_str(&rest[..at]);
        rest = &rest[at + 2 + close + 2..];
        open = rest.find("~~");
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// The text a reader of the rendered page sees.
fn unmarked(text: &str) -> String {
    // Most sentences hold no mark, tag or quote marker: then the reader
    // sees their lines as written, less the indent.
    let marked = |b: &u8| {
        matches!(
            b,
            b'>' | b'|' | b'<' | b'\\' | b'`' | b'*' | b'_' | b'~' | b'['
        )
    };
    if !text.as_bytes().iter().any(marked) {
        let mut out = String::with_capacity(text.len());
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(line.trim_start());
        }
        return out;
    }
    let text = crate::prose::html::row_as_pipes(text);
    let mut lines = Vec::new();
    for line in text.lines() {
        let line = line.trim_start().trim_start_matches('>').trim_start();
        lines.push(if line.starts_with('|') {
            cells(line)
        } else {
            line.to_string()
        });
    }
    let joined = lines.join("\n");
    inline(&crate::prose::html::without_tags(&without_struck(&joined)))
}

/// A table row's cells, joined by a dash instead of pipes.
fn cells(row: &str) -> String {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => cell.push(chars.next().unwrap_or('|')),
            '|' => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" – ")
}

/// Emphasis, strike-through and code marks, links and escapes.
fn inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                out.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '`' => {}
            '*' | '_' | '~' if flanks(&chars, i) => {}
            '!' if chars.get(i + 1) == Some(&'[') && link_end(&chars, i + 1).is_some() => {}
            '[' => match link_end(&chars, i) {
                Some((label_end, end)) => {
                    out.push_str(&inline(&chars[i + 1..label_end].iter().collect::<String>()));
                    i = end;
                    continue;
                }
                None => out.push(c),
            },
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Whether the mark at `i` (with any run of the same mark) opens or closes
/// emphasis: a word on one side and none on the other. Marks inside a word
/// (`snake_case`) or standing alone (`2 * 3`) are text.
fn flanks(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let mut start = i;
    while start > 0 && chars[start - 1] == c {
        start -= 1;
    }
    let mut end = i + 1;
    while end < chars.len() && chars[end] == c {
        end += 1;
    }
    if c == '~' && end - start < 2 {
        return false;
    }
    let before = start.checked_sub(1).and_then(|k| chars.get(k));
    let after = chars.get(end);
    // As CommonMark reads a run: it opens when text follows it and a
    // space or punctuation comes before, and closes the other way round
    // ("**Can I?** No." closes after the question mark).
    let space = |ch: Option<&char>| ch.is_none_or(|ch| ch.is_whitespace());
    let punct = |ch: Option<&char>| ch.is_some_and(|ch| ch.is_ascii_punctuation());
    let opens = !space(after) && (space(before) || punct(before));
    let closes = !space(before) && (space(after) || punct(after));
    opens != closes
}

/// For `[label](target)` starting at `open`: where the label ends and
/// where the whole link ends.
fn link_end(chars: &[char], open: usize) -> Option<(usize, usize)> {
    let close = open + chars[open..].iter().position(|&c| c == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = close + 1 + chars[close + 1..].iter().position(|&c| c == ')')?;
    Some((close, end + 1))
}

#[cfg(test)]
mod tests {
    use super::{quote, without_struck};

    #[test]
    fn struck_through_words_are_taken_out() {
        assert_eq!(without_struck("a ~~b~~ c ~~d~~"), "a  c ");
        assert_eq!(without_struck("no marks"), "no marks");
        // An unclosed mark is text.
        assert_eq!(without_struck("a ~~b"), "a ~~b");
        assert_eq!(without_struck("~~a~~~~"), "~~");
    }

    #[test]
    fn marks_a_reader_never_sees_are_left_out() {
        for (written, read) in [
            (
                "Patients with a BMI **over 40** will _not_ be referred.",
                "Patients with a BMI over 40 will not be referred.",
            ),
            (
                "| BMI | Patients with a BMI above 35 are not referred |",
                "BMI – Patients with a BMI above 35 are not referred",
            ),
            (
                "See the [policy](https://example.org/a_b) for smokers: no surgery.",
                "See the policy for smokers: no surgery.",
            ),
            (
                "> Patients who miss two appointments\n> are discharged.",
                "Patients who miss two appointments are discharged.",
            ),
            (
                "A BMI \\*above\\* 45 and `not` referred ~~soon~~ later.",
                "A BMI *above* 45 and not referred later.",
            ),
            // Text that only looks like marks stays.
            (
                "Fields such as body_mass_index and 2 * 3 stay.",
                "Fields such as body_mass_index and 2 * 3 stay.",
            ),
            (
                "A [bracket] with no link, and a pipe | inside.",
                "A [bracket] with no link, and a pipe | inside.",
            ),
        ] {
            assert_eq!(quote(written), read, "{written}");
        }
    }

    #[test]
    fn a_long_sentence_is_quoted_where_the_words_found_are() {
        let long = format!(
            "{} patients whose body mass index is under 35 may be referred, {}",
            "All partner organisations agree that ".repeat(5),
            "and the rest of this long sentence goes on about forms. ".repeat(4)
        );
        let q = super::quote_around(&long, |t| t.find("body mass index").map(|a| (a, a + 15)));
        assert!(q.contains("body mass index is under 35"), "{q}");
        assert!(q.starts_with("… ") && q.ends_with(" …"), "{q}");
        assert!(q.chars().count() <= super::QUOTE_CHARS + 4, "{q}");
        // Found early, or not at all: quoted from the start.
        assert!(super::quote_around(&long, |_| Some((0, 3))).starts_with("All partner"));
        assert!(quote(&long).starts_with("All partner"));
        // A match that splits a character (patterns match bytes) is not used.
        let accented = format!("{}é{}", "a ".repeat(100), " b".repeat(100));
        let split = accented.find('é').unwrap() + 1;
        assert!(super::quote_around(&accented, |_| Some((split, split + 2))).starts_with("a a"));
    }

    #[test]
    fn a_long_sentence_is_cut_at_a_word() {
        let long = "word ".repeat(60);
        let q = quote(&long);
        assert!(
            q.ends_with(" …") && q.chars().count() <= super::QUOTE_CHARS + 2,
            "{q}"
        );
    }
}
