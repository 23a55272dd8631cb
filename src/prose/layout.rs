//! From a PDF's text, page by page, to the Markdown-like lines the
//! sentence splitter reads: running headers, footers and page numbers
//! removed, words broken by a hyphen at a line end joined, ligatures and
//! curly quotes made plain, bullets written as list items, and pages joined
//! so a sentence running onto the next page stays one sentence. Knows
//! nothing of the PDF format itself (src/prose/pdf.rs extracts the pages).

/// The text the checks read and where each page starts in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paged {
    pub text: String,
    /// Byte offset in `text` where page `i + 1` starts, one per page (a page
    /// with no text starts where the next one does).
    pub pages: Vec<usize>,
    /// 1-based numbers of the pages that show a picture and almost no
    /// text: scanned pages, whose words were not read.
    pub unread: Vec<usize>,
}

/// How many lines at the top and at the bottom of a page may be running
/// headers or footers.
const EDGE_LINES: usize = 3;

/// Lays out the pages' text (as extracted, one string per page).
pub fn lay_out(pages: &[String]) -> Paged {
    let mut lines: Vec<Vec<String>> = pages
        .iter()
        .map(|p| p.lines().map(plain).collect())
        .collect();
    remove_furniture(&mut lines);
    let mut out = Paged::default();
    let mut ended = true;
    for page in &lines {
        let body: Vec<&str> = trim_blank(page);
        if !out.text.is_empty() && !body.is_empty() {
            // A page that ends mid-sentence runs on into the next one.
            if ended {
                out.text.push('\n');
            }
        }
        out.pages.push(out.text.len());
        push_page(&body, &mut out.text);
        if let Some(last) = body.last() {
            ended = ends_sentence(last);
        }
    }
    out
}

/// The page's lines without the blank ones at either end.
fn trim_blank(page: &[String]) -> Vec<&str> {
    let lines: Vec<&str> = page.iter().map(|l| l.trim_end()).collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let last = lines.iter().rposition(|l| !l.trim().is_empty());
    match (first, last) {
        (Some(a), Some(b)) => lines[a..=b].to_vec(),
        _ => Vec::new(),
    }
}

/// Writes one page's lines: blank lines kept as paragraph breaks (at most
/// one in a row), a hyphen at a line end joined with the word it breaks,
/// numbered section titles marked as headings, and the lines under a
/// lead-in (a line ending in `:`) read as list items where each ends in
/// `;` or `.` (a browser draws bullets as pictures, not text).
fn push_page(body: &[&str], out: &mut String) {
    let mut blank = false;
    let mut carry = String::new();
    // Under a lead-in: whether the next line starts an item.
    let mut items: Option<bool> = None;
    for (i, raw) in body.iter().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            blank = true;
            // A gap between a lead-in and its first item (a browser's
            // margin above a list) does not end the list.
            if items != Some(true) || !out.trim_end().ends_with(':') {
                items = None;
            }
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        let mut line = list_marker(line);
        if !carry.is_empty() {
            line = format!("{carry}{line}");
            carry.clear();
        }
        let next = body.get(i + 1).map(|n| n.trim_start());
        if let Some(stem) = broken_word(&line, next) {
            carry = stem;
            continue;
        }
        if heading(&line, next) {
            out.push_str("# ");
            items = None;
        } else if let Some(starts) = items {
            if starts && !line.starts_with("- ") && !numbered(&line) {
                out.push_str("- ");
            }
            items = Some(line.ends_with([';', '.']));
        }
        if line.ends_with(':') {
            items = Some(true);
        }
        out.push_str(&line);
        out.push('\n');
    }
    if !carry.is_empty() {
        out.push_str(&carry);
        out.push('\n');
    }
}

/// A numbered section title on a line of its own ("2. Referral criteria",
/// "4.1 Access"): a short line with no closing punctuation, followed by a
/// line that starts a sentence (or by nothing).
fn heading(line: &str, next: Option<&str>) -> bool {
    let Some(rest) = section_number(line) else {
        return false;
    };
    let words = rest.split_whitespace().count();
    let starts = rest.chars().next().is_some_and(char::is_uppercase);
    let open = !rest.ends_with(['.', ',', ';', ':', '?', '!']);
    let then = next.is_none_or(|n| n.is_empty() || n.starts_with(|c: char| c.is_uppercase()));
    starts && open && (1..=8).contains(&words) && then
}

/// The text after a leading section number (`2.`, `4.1`, `3.2.1`).
fn section_number(line: &str) -> Option<&str> {
    let digits = line.find(|c: char| !c.is_ascii_digit() && c != '.')?;
    let (number, rest) = line.split_at(digits);
    let ok = number.starts_with(|c: char| c.is_ascii_digit()) && rest.starts_with(' ');
    ok.then(|| rest.trim_start())
}

/// Whether the line already starts a numbered item (`1.`, `2)`, `a)`).
fn numbered(line: &str) -> bool {
    section_number(line).is_some()
        || line
            .split_once(')')
            .is_some_and(|(n, _)| n.len() <= 3 && n.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// When `line` ends in a word broken by a hyphen and `next` goes on with
/// the rest of it in lower case: what to join to `next`, `line` without
/// the hyphen ("pa-" / "tients"), or with it after a prefix that keeps
/// one ("non-" / "smokers" is "non-smokers", not "nonsmokers", which the
/// checks do not know).
fn broken_word(line: &str, next: Option<&str>) -> Option<String> {
    // Chromium draws a soft hyphen taken at a line end as U+2010.
    let stem = line.strip_suffix(['-', '\u{2010}', '\u{ad}'])?;
    let before = stem.chars().next_back()?;
    let after = next?.chars().next()?;
    if !(before.is_alphabetic() && after.is_lowercase()) {
        return None;
    }
    let last = stem
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let rest = next?.to_lowercase();
    let kept = !line.ends_with('\u{ad}')
        && KEEPS_HYPHEN.iter().any(|(word, goes_on)| {
            *word == last && (goes_on.is_empty() || goes_on.iter().any(|g| rest.starts_with(g)))
        });
    Some(if kept {
        format!("{stem}-")
    } else {
        stem.to_string()
    })
}

/// `text` with words broken by a hyphen at a line end joined, as a PDF's
/// are ("body mass in-" / "dex"): plain text copied out of a PDF keeps
/// the breaks. Text without such a break is returned as it is.
pub fn rejoined(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("-\n") && !text.contains("-\r\n") {
        return std::borrow::Cow::Borrowed(text);
    }
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let mut out = String::with_capacity(text.len());
    let mut carry = String::new();
    for (i, line) in lines.iter().enumerate() {
        // Only this line is looked at for a break (the words carried
        // from lines before are not read again, so a long chain of
        // breaks costs no more than its length).
        let piece = if carry.is_empty() {
            line
        } else {
            line.trim_start()
        };
        let next = lines.get(i + 1).map(|n| n.trim_start());
        if let Some(stem) = broken_word(piece.trim_end(), next) {
            // The rest of the word goes straight on from the next line.
            carry.push_str(&stem);
            continue;
        }
        out.push_str(&carry);
        carry.clear();
        out.push_str(piece);
        if i + 1 < lines.len() {
            out.push('\n');
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Words written with a hyphen after them, and what may follow (anything
/// when empty): a line ending "non-" or "follow-" before "up" ends in a
/// real hyphen, while "follow-" before "ing" breaks "following".
const KEEPS_HYPHEN: &[(&str, &[&str])] = &[
    ("non", &[]),
    ("self", &[]),
    ("anti", &[]),
    ("ex", &["smok"]),
    ("follow", &["up"]),
    ("well", &["being"]),
    ("smoke", &["free"]),
    ("nicotine", &["free"]),
    ("tobacco", &["free"]),
    ("weight", &["bearing", "loss", "manage"]),
    ("long", &["term", "standing"]),
    ("short", &["term"]),
    ("face", &["to"]),
    ("multi", &["disciplin", "professional"]),
    ("co", &["morbid"]),
    ("day", &["case"]),
    ("pre", &["op", "assess", "hab"]),
    ("post", &["op"]),
    ("first", &["line"]),
    ("second", &["line"]),
    ("in", &["person"]),
    ("stop", &["smoking"]),
    ("re", &["refer"]),
];

/// A bullet drawn as a character becomes the `- ` the splitter reads; a
/// numbered item (`1.`, `a)`) is already one.
fn list_marker(line: &str) -> String {
    for bullet in [
        '•', '●', '▪', '◦', '■', '–', '·', '\u{f0b7}', '\u{f0a7}', '\u{2043}',
    ] {
        if let Some(rest) = line.strip_prefix(bullet) {
            if rest.starts_with(char::is_whitespace) || bullet != '–' {
                return format!("- {}", rest.trim_start());
            }
        }
    }
    line.to_string()
}

/// Whether a line's last word ends a sentence (or introduces a list).
fn ends_sentence(line: &str) -> bool {
    let end = line.trim_end().trim_end_matches(['"', '\'', ')']);
    end.ends_with(['.', '!', '?', ':', ';'])
}

/// What a ligature spells, or nothing for a character that shows nothing
/// (a soft hyphen, a zero-width character); `None` for any other. One
/// table for PDF lines and for the words of every document.
pub fn spelt(c: char) -> Option<&'static str> {
    Some(match c {
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => "",
        _ => return None,
    })
}

/// One extracted line made plain: ligatures spelt out, curly quotes and
/// odd spaces made ASCII, control characters dropped.
pub fn plain(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if let Some(s) = spelt(c) {
            out.push_str(s);
            continue;
        }
        match c {
            '‘' | '’' | '‚' | '′' => out.push('\''),
            '“' | '”' | '„' | '″' => out.push('"'),
            '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Removes running headers and footers (a line at the top or bottom of
/// most pages, its numbers aside) and page numbers (a lone number, or
/// "Page 3 of 7", at the top or bottom of a page).
fn remove_furniture(pages: &mut [Vec<String>]) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for page in pages.iter() {
        let mut keys: Vec<String> = edges(page).map(|i| shape(&page[i])).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    // On most pages, and on at least two.
    let needed = (pages.len() / 2 + 1).max(2);
    // The last line kept on the page before, which a run at the top of
    // this page follows.
    let mut last_kept: Option<String> = None;
    for page in pages.iter_mut() {
        let numbers: Vec<usize> = edges(page).filter(|&i| page_number(&page[i])).collect();
        let repeated: Vec<usize> = edges(page)
            .filter(|&i| !numbers.contains(&i))
            .filter(|&i| seen.get(&shape(&page[i])).is_some_and(|&n| n >= needed))
            .collect();
        for i in numbers {
            page[i].clear();
        }
        // A policy pack may end every page with the same rule ("Smokers
        // will not be listed …", "Listing criteria: BMI below 40."):
        // repeated lines that read as a whole sentence stay, as dropping
        // them would hide the rule. A short one stays only when it is one
        // line that does not fall inside a sentence running on from the
        // line before (a footer between two pages of one sentence would
        // split it; a title above it would make a run of furniture).
        for run in runs(page, &repeated) {
            let words: usize = run
                .iter()
                .map(|&i| page[i].split_whitespace().count())
                .sum();
            let ends = run.last().is_some_and(|&i| full_stop(&page[i]));
            let before = (0..run[0])
                .rev()
                .map(|i| page[i].as_str())
                .find(|l| !l.trim().is_empty())
                .or(last_kept.as_deref());
            let between =
                before.is_some_and(|l| !full_stop(l) && !heading(l, Some(page[run[0]].as_str())));
            let enough = if between || run.len() > 1 {
                SENTENCE_WORDS
            } else {
                SHORT_SENTENCE_WORDS
            };
            if words >= enough && ends {
                continue;
            }
            for i in run {
                page[i].clear();
            }
        }
        if let Some(last) = page.iter().rev().find(|l| !l.trim().is_empty()) {
            last_kept = Some(last.clone());
        }
    }
}

/// Whether a line ends with a sentence's last word.
fn full_stop(line: &str) -> bool {
    let end = line.trim_end().trim_end_matches(['"', '\'', ')']);
    end.ends_with(['.', '!', '?'])
}

/// How many words a repeated run of lines needs, with a full stop at its
/// end, to be kept as policy wording rather than dropped as a footer
/// ("Uncontrolled when printed." is dropped).
const SENTENCE_WORDS: usize = 10;

/// As [`SENTENCE_WORDS`], for a run that follows a finished sentence.
const SHORT_SENTENCE_WORDS: usize = 4;

/// `lines` (indices into `page`, ascending) grouped into runs with only
/// blank lines between them, each ending where a sentence does.
fn runs(page: &[String], lines: &[usize]) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    for &i in lines {
        match out.last_mut() {
            Some(run)
                if run.last().is_some_and(|&j| {
                    !full_stop(&page[j]) && (j + 1..i).all(|k| page[k].trim().is_empty())
                }) =>
            {
                run.push(i);
            }
            _ => out.push(vec![i]),
        }
    }
    out
}

/// The first and last few non-blank lines of a page.
fn edges(page: &[String]) -> impl Iterator<Item = usize> + '_ {
    let filled: Vec<usize> = (0..page.len())
        .filter(|&i| !page[i].trim().is_empty())
        .collect();
    let n = filled.len();
    filled
        .into_iter()
        .enumerate()
        .filter(move |&(k, _)| k < EDGE_LINES || k + EDGE_LINES >= n)
        .map(|(_, i)| i)
}

/// A line's shape for comparing across pages: numbers as `#`, case and
/// spacing ignored.
fn shape(line: &str) -> String {
    let mut out = String::new();
    let mut digits = false;
    for c in line.trim().chars() {
        if c.is_ascii_digit() {
            if !digits {
                out.push('#');
            }
            digits = true;
            continue;
        }
        digits = false;
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// A line that is only a page number: `7`, `- 7 -`, `7/12`, `Page 7`,
/// `Page 7 of 12`, `p. 7`.
fn page_number(line: &str) -> bool {
    let s = shape(line);
    let s = s.trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let s = s
        .strip_prefix("page")
        .or_else(|| s.strip_prefix("p."))
        .unwrap_or(s)
        .trim();
    matches!(s, "#" | "# of #" | "#/#" | "# / #")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn headers_footers_and_page_numbers_go() {
        let got = lay_out(&pages(&[
            "North ICB | policy 7\nReferral criteria\n\nPatients are referred when\nPage 1 of 3\n",
            "North ICB | policy 7\nthey meet all of these criteria.\nPage 2 of 3\n",
            "North ICB | policy 7\nAppointments\nPage 3 of 3\n",
        ]));
        assert_eq!(
            got.text,
            "Referral criteria\n\nPatients are referred when\nthey meet all of these criteria.\n\nAppointments\n"
        );
        assert_eq!(got.pages, vec![0, 46, 80]);
    }

    /// A pack that ends every page with the same rule lost the rule as a
    /// footer; a short repeated line still goes.
    #[test]
    fn a_sentence_repeated_on_every_page_stays() {
        let page = |n: usize| {
            format!(
                "{n}. Procedure {n}\nFunding is available.\nSmokers will not be listed for surgery until they\nhave stopped smoking for eight weeks.\nUncontrolled when printed.\n"
            )
        };
        let got = lay_out(&[page(1), page(2), page(3)]);
        assert_eq!(
            got.text.matches("Smokers will not be listed").count(),
            3,
            "{}",
            got.text
        );
        assert!(!got.text.contains("Uncontrolled"), "{}", got.text);
    }

    /// Each page of a pack ended with its procedure's short criteria,
    /// the same but for a number: they went as footers, and with them the
    /// only BMI and smoking rules in the file. A short repeated line
    /// inside a sentence that runs on over the page still goes.
    #[test]
    fn a_short_rule_repeated_on_every_page_stays() {
        let page = |n: usize| {
            format!(
                "West ICB procedures\n{n}. {}\nFunded for severe pain.\nListing criteria: BMI below 4{n}.\nSmokers must stop 8 weeks before listing.\nPage {n} of 3\n",
                ["Hips", "Knees", "Shoulders"][n - 1]
            )
        };
        let got = lay_out(&[page(1), page(2), page(3)]);
        for wanted in ["BMI below 41.", "BMI below 43.", "Smokers must stop"] {
            assert!(got.text.contains(wanted), "{wanted}: {}", got.text);
        }
        assert!(!got.text.contains("West ICB"), "{}", got.text);
        // A short disclaimer inside a sentence running on over the page
        // goes (the line before differs on each page, so the disclaimer
        // is a run of its own).
        let run_on = |n: usize| {
            format!(
                "{}\nThis copy is not controlled.\nthey agree to surgery {n}.\nEnd {n}.\n",
                [
                    "Patients are listed when",
                    "People are booked once",
                    "Adults are seen after"
                ][n - 1]
            )
        };
        let got = lay_out(&[run_on(1), run_on(2), run_on(3)]);
        assert!(!got.text.contains("controlled"), "{}", got.text);
    }

    #[test]
    fn words_broken_at_line_ends_in_plain_text_are_joined() {
        assert_eq!(
            rejoined("body mass in-\r\ndex over 40; at-\ntend-\ning a non-\nsmoker\nclinic"),
            "body mass index over 40; attending a non-smoker\nclinic"
        );
        assert_eq!(rejoined("Well-\nKnown - \nnext"), "Well-\nKnown - \nnext");
    }

    #[test]
    fn a_line_on_one_page_only_stays() {
        let got = lay_out(&pages(&["Heading\nText one.\n", "Other\nText two.\n"]));
        assert!(got.text.contains("Heading") && got.text.contains("Other"));
    }

    #[test]
    fn lone_numbers_go_even_on_one_page() {
        let got = lay_out(&pages(&["Text one.\n\n12\n"]));
        assert_eq!(got.text, "Text one.\n");
    }

    #[test]
    fn hyphens_ligatures_quotes_and_bullets() {
        let got = lay_out(&pages(&[
            "The ﬁrst “rule” is that pa-\ntients are seen.\n• BMI under 40\nWell-\nKnown\nNon-\nsmokers and ex-\nsmokers, following re-\nferral, are seen at follow-\nup; the follow-\ning day\n",
        ]));
        assert_eq!(
            got.text,
            "The first \"rule\" is that patients are seen.\n- BMI under 40\nWell-\nKnown\nNon-smokers and ex-smokers, following referral, are seen at follow-up; the following day\n"
        );
    }

    #[test]
    fn section_titles_and_items_under_a_lead_in() {
        let got = lay_out(&pages(&[
            "2. Referral criteria\nPatients are referred when all apply:\nsymptoms limit sleep;\ncore treatment has\nbeen offered;\nBMI is below 35.\n2.1 GPs may refer.\n",
        ]));
        assert_eq!(
            got.text,
            "# 2. Referral criteria\nPatients are referred when all apply:\n- symptoms limit sleep;\n- core treatment has\nbeen offered;\n- BMI is below 35.\n2.1 GPs may refer.\n"
        );
    }

    #[test]
    fn a_gap_after_a_lead_in_keeps_its_list_but_a_gap_after_items_ends_it() {
        let got = lay_out(&pages(&[
            "Referred when all apply:\n\nsymptoms limit sleep;\nBMI is below 35.\n\nOther text follows here.\nAnd more of it.\n",
        ]));
        assert_eq!(
            got.text,
            "Referred when all apply:\n\n- symptoms limit sleep;\n- BMI is below 35.\n\nOther text follows here.\nAnd more of it.\n"
        );
    }
}
