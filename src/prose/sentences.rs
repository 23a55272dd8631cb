//! Splitting a prose document into sentences with exact byte spans.
//!
//! Policy documents are Markdown or plain text, hard-wrapped or not, full of
//! headings, bullets, numbered criteria and tables. A sentence ends at `.`,
//! `!` or `?` followed by a capital, digit or the end of its block; blocks end
//! at blank lines, headings, list items and table rows. Abbreviations
//! ("e.g.", "approx.", "Dr.") and decimals ("35.5") do not end a sentence.
//! Semicolons and colons do not either, so an exception in the second half
//! of a sentence ("...; smoking does not affect eligibility") stays with it.

use std::cell::Cell;

use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    /// For a list item: the heading or the line ending in `:` that the list
    /// hangs from ("Patients will only be listed if they meet all of:").
    pub lead_in: Option<Span>,
    /// Text read together with this sentence, as if it were part of it: the
    /// question it answers, when the sentence before it asked one (an FAQ's
    /// "Can I refer myself? Only if ..." is one statement), or for a table
    /// row the table's header row (whose column names often carry the
    /// subject or the condition).
    pub with: Option<Span>,
    /// A heading (`# Title`, a line underlined with `===` or `---`, a title
    /// in capitals alone on its line): it names a topic, states no policy,
    /// and leads what follows. Decided here, once, by the splitter.
    pub heading: bool,
    /// A table row written without outer pipes (`BMI | under 35`, which
    /// Markdown allows): read as `| BMI | under 35 |`, as rows with them.
    pub bare_row: bool,
}

impl Sentence {
    /// Whether the sentence is a question (it states no policy itself).
    pub fn is_question(&self, text: &str) -> bool {
        text[self.span.start()..self.span.end()]
            .trim_end_matches(['"', '\'', '”', '’', ')', '*', '_'])
            .ends_with('?')
    }
}

/// Words that end with a full stop without ending the sentence. Tokens with
/// an inner dot ("e.g", "i.e", "a.m") are treated the same way.
const ABBREVIATIONS: &[&str] = &[
    "approx", "apr", "aug", "ca", "cf", "dec", "dept", "dr", "esp", "est", "excl", "feb", "fig",
    "hrs", "incl", "jan", "jul", "jun", "max", "min", "mins", "mr", "mrs", "ms", "mth", "mths",
    "no", "nos", "nov", "oct", "p", "para", "pp", "prof", "ref", "sect", "sept", "st", "vs", "wk",
    "wks", "yr", "yrs",
];

/// What the current block of lines is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A paragraph whose first line has this indentation.
    Paragraph(usize),
    /// A list item at this indentation.
    Item(usize),
}

struct Splitter<'t> {
    text: &'t str,
    out: Vec<Sentence>,
    /// Start offset and kind of the block being gathered.
    block: Option<(usize, Block)>,
    block_end: usize,
    /// Lead-ins in force, each with the indentation at or below which an
    /// item ends it: `None` for a heading or a paragraph at the margin
    /// (it leads every list under it), the item's indent for an item that
    /// ends with `:`, one less than its own for an indented paragraph (a
    /// note inside a list item leads that item's sub-list, not the next
    /// item out).
    leads: Vec<(Option<usize>, Span)>,
    /// The heading above, which leads lists until the next heading even
    /// when an introductory paragraph stands between.
    heading: Option<Span>,
    /// The run of lines up to the next blank line: where it ends and its
    /// longest line in characters, found once per run.
    run: Cell<(usize, usize)>,
}

pub fn split(text: &str) -> Vec<Sentence> {
    let mut s = Splitter {
        text,
        out: Vec::new(),
        block: None,
        block_end: 0,
        leads: Vec::new(),
        heading: None,
        run: Cell::new((0, 0)),
    };
    let mut fence: Option<CodeFence> = None;
    let mut in_comment = false;
    // Set by a line whose comment runs on past it.
    let mut opened_in_line: Option<usize> = None;
    let last_closer = text.rfind("-->");
    let closed_later = |from: usize| last_closer.is_some_and(|at| at >= from);
    let mut in_front_matter = false;
    // A table's first row: the lead-in of the rows under it, which often
    // hold only "BMI | under 35" while the header says "threshold for
    // referral".
    let mut table_header: Option<Span> = None;
    // Inside a table whose rows have no outer pipes.
    let mut bare_table = false;
    // A table of raw HTML: its header row, and where a row written over
    // several lines (`<tr>` / `<td>…</td>` / `</tr>`) started.
    let mut html_header: Option<Span> = None;
    let mut html_row: Option<(usize, usize)> = None;
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        if let Some(at) = opened_in_line.take() {
            // The block ends with the words before the comment.
            let words = text[..at].trim_end();
            if s.block.is_some_and(|(from, _)| from < words.len()) {
                s.block_end = words.len();
            }
            s.flush();
            in_comment = true;
        }
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let content_start = start + indent;
        let content_end = start + line.trim_end().len();
        // A row without outer pipes belongs to a table only under a
        // header followed by a `--- | ---` line.
        bare_table = bare_table && trimmed.contains('|');
        if !bare_table && trimmed.contains('|') && !trimmed.starts_with('|') {
            let next = text[offset..].lines().next().unwrap_or("").trim();
            if next.contains('|') && next.contains('-') && is_table_separator(next) {
                s.flush();
                bare_table = true;
                table_header = None;
            }
        }
        if !trimmed.starts_with('|') && !bare_table {
            table_header = None;
        }

        if index == 0 && line.trim_end() == "---" && front_matter_follows(&text[offset..]) {
            in_front_matter = true;
            continue;
        }
        if in_front_matter {
            in_front_matter = !matches!(line.trim_end(), "---" | "...");
            continue;
        }
        if let Some(open) = fence {
            if open.closed_by(line) {
                fence = None;
            }
            continue;
        }
        if in_comment {
            in_comment = !line.contains("-->");
            continue;
        }
        // A comment opened after words on a line ("… <!-- reviewer's
        // note:") hides the lines after it, up to its end.
        let tagged = line.as_bytes().contains(&b'<');
        if let Some(open) = tagged
            .then(|| line.rfind("<!--"))
            .flatten()
            .filter(|_| !trimmed.starts_with("<!--"))
        {
            if !line[open..].contains("-->") && closed_later(offset) {
                opened_in_line = Some(start + open);
            }
        }
        if let Some((open, _)) = CodeFence::opened_by(line) {
            s.flush();
            fence = Some(open);
            continue;
        }
        if trimmed.starts_with("<!--") {
            s.flush();
            // A comment never closed hides only its own line: the rest of
            // the policy is still read.
            in_comment = !trimmed.contains("-->") && closed_later(offset);
            continue;
        }
        if let Some((from, to)) = html_row {
            // A row over several lines ends at its `</tr>`; never closed, at
            // the next row, a blank line, a heading or the table's end.
            let closes = contains_tag(trimmed, "</tr");
            let cut = trimmed.is_empty()
                || trimmed.starts_with('#')
                || contains_tag(trimmed, "<tr")
                || contains_tag(trimmed, "</table");
            if !closes && !cut {
                html_row = Some((from, content_end));
                continue;
            }
            html_row = None;
            let end = if closes { content_end } else { to };
            s.push_html_row(Span::new(from, end), &mut html_header);
            if closes {
                continue;
            }
        }
        if contains_tag(trimmed, "<table") || contains_tag(trimmed, "</table") {
            html_header = None;
        }
        // A line opening with a row of raw HTML (after `<tbody>` or
        // `<thead>`, maybe) is read as a table's rows: each `<tr>` on it
        // one row, the last one open until its `</tr>`.
        let opens_row =
            trimmed.starts_with('<') && !trimmed.starts_with("</") && contains_tag(trimmed, "<tr");
        if opens_row {
            s.flush();
            let starts = tag_starts(trimmed, "<tr");
            for (k, &at) in starts.iter().enumerate() {
                let end = starts.get(k + 1).copied().unwrap_or(trimmed.len());
                let row = Span::new(content_start + at, content_start + end);
                let last = k + 1 == starts.len();
                if last && !contains_tag(&trimmed[at..end], "</tr") {
                    html_row = Some((row.start(), row.end()));
                } else {
                    s.push_html_row(row, &mut html_header);
                }
            }
            continue;
        }
        if trimmed.is_empty() {
            s.flush();
            continue;
        }
        if indent <= 3 && s.block.is_none() && is_link_definition(trimmed) {
            // `[nice]: https://… "title"` is not shown on the page.
            s.flush();
            continue;
        }
        if is_rule_line(trimmed) {
            // `---` under a line makes it a heading; alone it is a rule.
            if let Some((_, Block::Paragraph(_))) = s.block {
                let heading = s.flush();
                s.mark_heading(heading);
                s.leads.clear();
                s.heading = heading;
                s.leads.extend(heading.map(|h| (None, h)));
            } else {
                s.flush();
            }
            continue;
        }
        if let Some(tags) = HtmlTags::of(trimmed) {
            // Block tags of raw HTML end a block (`</p>`) or start one
            // (`<p>`, `<li>`, `<h2>`); the words between are read.
            let body = &trimmed[tags.open..trimmed.len() - tags.close];
            let at = content_start + tags.open + (body.len() - body.trim_start().len());
            let span = Span::new(at, at + body.trim().len());
            if tags.open > 0 {
                s.flush();
            }
            if span.is_empty() {
                s.flush();
                continue;
            }
            if tags.heading {
                s.heading_line(span);
                continue;
            }
            if tags.open > 0 || s.block.is_none() {
                let kind = if tags.item {
                    Block::Item(indent)
                } else {
                    Block::Paragraph(indent)
                };
                s.block = Some((span.start(), kind));
            }
            s.block_end = span.end();
            if tags.close > 0 {
                s.flush();
            }
            continue;
        }
        let alone = s.block.is_none() && next_is_blank(&text[offset..]);
        if let Some(body) =
            heading_text(trimmed).or_else(|| alone.then(|| caps_title(trimmed)).flatten())
        {
            s.flush();
            // `body` is a slice of `trimmed`, trimmed at both ends.
            let at = content_start + (body.as_ptr() as usize - trimmed.as_ptr() as usize);
            s.heading_line(Span::new(at, at + body.len()));
            continue;
        }
        if trimmed.starts_with('|') || bare_table {
            s.flush();
            if !is_table_separator(trimmed) {
                let row = Span::new(content_start, content_end);
                // The line a table hangs from ("Listing criteria:") leads
                // its rows as it leads a list's items.
                let lead = s.leads.last().map(|(_, span)| *span);
                s.push_with(row, lead, table_header);
                if bare_table {
                    if let Some(last) = s.out.last_mut().filter(|l| l.span == row) {
                        last.bare_row = true;
                    }
                }
                table_header.get_or_insert(row);
            }
            continue;
        }
        if let Some(marker_len) = list_marker(trimmed) {
            s.flush();
            let body = &trimmed[marker_len..];
            let at = content_start + marker_len + (body.len() - body.trim_start().len());
            s.block = Some((at, Block::Item(indent)));
            s.block_end = content_end;
            continue;
        }
        match s.block {
            // Lines under a lead-in ending in `:`, each a short criterion
            // without a marker ("BMI under 40" / "Pain for 6 months"),
            // are the list they look like: read as one run-on sentence,
            // a harmless last line cancelled the rest.
            Some((_, kind)) if s.unmarked_item(kind, start, trimmed) => {
                let indent = match kind {
                    Block::Item(i) if s.text[..start].trim_end().ends_with(':') => i + 1,
                    Block::Item(i) => i,
                    Block::Paragraph(_) => indent,
                };
                // The first of such lines is a title leading the rest
                // ("Referral criteria"), unless a heading or title above
                // leads them all already ("Eligibility for listing", a
                // blank line, then "BMI under 35" / "Non-smoker").
                if let Some((at, Block::Paragraph(i))) = s.block {
                    if !s.leads.is_empty() {
                        s.block = Some((at, Block::Item(i)));
                    }
                }
                s.flush();
                s.block = Some((content_start, Block::Item(indent)));
                s.block_end = content_end;
            }
            // A wrapped line continues its block.
            Some(_) => s.block_end = content_end,
            None => {
                s.block = Some((content_start, Block::Paragraph(indent)));
                s.block_end = content_end;
            }
        }
    }
    if let Some((from, to)) = html_row {
        s.push_html_row(Span::new(from, to), &mut html_header);
    }
    s.flush();
    s.out
}

impl Splitter<'_> {
    /// Whether `line` (starting at `start`) begins a list item of its own
    /// though it has no marker: it opens with a capital or a digit, and
    /// the line before it either ends in `:` or is itself an item under
    /// such a lead-in and ends where an item can (not on "and", "the", a
    /// comma or a hyphen, which a wrapped line goes on from).
    fn unmarked_item(&self, kind: Block, start: usize, line: &str) -> bool {
        if !line.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
            return false;
        }
        let before = self.text[..start].trim_end();
        let previous = before.rsplit('\n').next().unwrap_or("").trim();
        if previous.ends_with(':') {
            return true;
        }
        let under_lead_in = self.leads.last().is_some_and(|(_, lead)| {
            self.text[lead.start()..lead.end()]
                .trim_end_matches(['*', '_'])
                .ends_with(':')
        });
        // Under a heading or a title line ("Eligibility for listing"),
        // not a lead-in sentence whose list has ended.
        let under_title = !self.leads.is_empty() && !under_lead_in;
        // A wrapped line of prose is long and may go on with a number or
        // a name ("… in North" / "Somerset", "… above" / "40 will …"):
        // only a short line, not ending on a capitalised word, ends an
        // item, and only a line opening with a capital starts one.
        if !(line.starts_with(char::is_uppercase) && item_can_end(previous)) {
            return false;
        }
        let short = previous.chars().count() <= SHORT_ITEM;
        // A line broken where the next word would have fitted was broken
        // by hand, not wrapped: "Referral criteria" over "BMI under 35",
        // as plain text and Word's text export write a title and its
        // items with no colon and no blank line.
        let by_hand = || {
            let width = self.run_width(start);
            let next_word = line.split_whitespace().next().unwrap_or("");
            // Text is not wrapped this wide, and under a title it is not
            // wrapped this narrow; a short list is.
            // With room to spare: text set in a proportional font (a
            // PDF's columns) fills its lines unevenly.
            let needed = previous.chars().count() + 1 + next_word.chars().count();
            width >= WIDE_RUN || (width <= NARROW_RUN && under_title) || needed * 4 <= width * 3
        };
        match kind {
            Block::Item(_) => (under_lead_in && short) || by_hand(),
            Block::Paragraph(_) => by_hand(),
        }
    }

    /// The longest line, in characters, of the run of lines holding the
    /// line at `start` (up to the next blank line; lines before `start`
    /// in the run were measured when it began).
    fn run_width(&self, start: usize) -> usize {
        let (run_end, width) = self.run.get();
        if start < run_end {
            return width;
        }
        // The run holds the line before `start` at least.
        let before = self.text[..start].trim_end_matches(['\n', '\r']);
        let from = before.rfind('\n').map_or(0, |i| i + 1);
        let mut end = from;
        // The two longest lines: one long line (a web address, a table
        // row) does not set the width of the rest.
        let (mut longest, mut second) = (0, 0);
        for line in self.text[from..].split_inclusive('\n') {
            if line.trim().is_empty() {
                break;
            }
            let length = line.trim().chars().count();
            if length > longest {
                second = longest;
                longest = length;
            } else if length > second {
                second = length;
            }
            end += line.len();
        }
        let width = if second > 0 { second } else { longest };
        self.run.set((end, width));
        width
    }

    /// Splits the gathered block into sentences; returns the span of the
    /// block's last sentence.
    fn flush(&mut self) -> Option<Span> {
        let (start, kind) = self.block.take()?;
        let end = self.block_end.max(start);
        let lead_in = match kind {
            Block::Item(indent) => {
                while self
                    .leads
                    .last()
                    .is_some_and(|(i, _)| i.is_some_and(|i| i >= indent))
                {
                    self.leads.pop();
                }
                self.leads.last().map(|(_, span)| *span)
            }
            Block::Paragraph(_) => None,
        };
        let mut last = None;
        for span in split_block(self.text, start, end) {
            self.push(span, lead_in);
            last = Some(span);
        }
        let last = last?;
        let end = self.text[last.start()..last.end()].trim_end_matches(['*', '_']);
        let ends_with_colon = end.ends_with(':');
        match kind {
            Block::Paragraph(indent) => {
                // Indented under a list item that leads its own list: a
                // note inside that item. Otherwise indentation is layout.
                let inside_item = self
                    .leads
                    .iter()
                    .any(|(i, _)| i.is_some_and(|i| i < indent));
                let ends_at = if inside_item {
                    indent.checked_sub(1)
                } else {
                    None
                };
                self.leads.clear();
                self.leads.extend(self.heading.map(|h| (None, h)));
                // "Eligibility for listing" over a list leads it like a
                // heading does; a finished sentence does not.
                if ends_with_colon || !end.ends_with(['.', '!', '?', '…']) {
                    self.leads.push((ends_at, last));
                }
            }
            Block::Item(indent) if ends_with_colon => self.leads.push((Some(indent), last)),
            Block::Item(_) => {}
        }
        Some(last)
    }

    /// A heading's words at `span`: a sentence of their own that leads
    /// what follows until the next heading.
    fn heading_line(&mut self, span: Span) {
        self.flush();
        self.leads.clear();
        self.heading = None;
        if !span.is_empty() {
            self.push(span, None);
            self.mark_heading(Some(span));
            self.leads.push((None, span));
            self.heading = Some(span);
        }
    }

    /// Marks the sentence just pushed at `span`, if it was kept, a heading.
    fn mark_heading(&mut self, span: Option<Span>) {
        if let Some(last) = self.out.last_mut().filter(|s| Some(s.span) == span) {
            last.heading = true;
        }
    }

    fn push(&mut self, span: Span, lead_in: Option<Span>) {
        let with = self
            .out
            .last()
            .filter(|q| q.is_question(self.text))
            .map(|q| q.span);
        self.push_with(span, lead_in, with);
    }

    /// A table row of raw HTML, read as a pipe row is: under the line the
    /// table hangs from, with the table's header row; a first row of `<th>`
    /// cells is that header.
    /// A row whose cells hold sentences of their own ("Help to stop is
    /// offered. Those who still smoke are not listed.") is read cell by
    /// cell, each cell's sentences apart, as it was before rows were read.
    fn push_html_row(&mut self, row: Span, header: &mut Option<Span>) {
        let text = &self.text[row.start()..row.end()];
        let cells = cell_spans(text);
        let prose = cells.iter().any(|&(a, b)| {
            let cell = &text[a..b];
            cell.len() > 200 || split_block(text, a, b).len() > 1
        });
        if prose {
            for (a, b) in cells {
                for span in split_block(self.text, row.start() + a, row.start() + b) {
                    self.push_with(span, None, None);
                }
            }
            return;
        }
        let lead = self.leads.last().map(|(_, span)| *span);
        self.push_with(row, lead, *header);
        if header.is_none() && contains_tag(text, "<th") {
            *header = Some(row);
        }
    }

    fn push_with(&mut self, span: Span, lead_in: Option<Span>, with: Option<Span>) {
        let text = &self.text[span.start()..span.end()];
        if text.chars().any(char::is_alphanumeric) {
            self.out.push(Sentence {
                span,
                lead_in,
                with,
                heading: false,
                bare_row: false,
            });
        }
    }
}

/// The sentences of `text[start..end]`, trimmed.
fn split_block(text: &str, start: usize, end: usize) -> Vec<Span> {
    let block = &text[start..end];
    let mut spans = Vec::new();
    let mut from = 0;
    // Where to look on from. Only a `<` and the stops are read, so the
    // text between is skipped a byte at a time (`…`, the one stop outside
    // ASCII, and other characters starting 0xE2 are decoded to tell).
    let mut pos = 0;
    while let Some(k) = block.as_bytes()[pos..]
        .iter()
        .position(|b| matches!(b, b'<' | b'.' | b'!' | b'?' | 0xE2))
    {
        let i = pos + k;
        let c = block[i..].chars().next().unwrap_or_default();
        pos = i + c.len_utf8();
        // A closing block tag inside a line ends what it closes
        // ("…surgery</p><p>Anyone who …", "<h2>Smoking</h2><p>…").
        if c == '<' {
            if let Some((_, len)) = block_tag(&block[i..], true) {
                spans.extend(trimmed(start + from, start + i + len, text));
                from = i + len;
                pos = from;
            }
            continue;
        }
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Closing quotes, brackets and emphasis belong to the sentence.
        let mut stop = pos;
        while let Some(d) = block[stop..]
            .chars()
            .next()
            .filter(|d| matches!(d, '"' | '\'' | '”' | '’' | ')' | ']' | '*' | '_' | '~'))
        {
            stop += d.len_utf8();
        }
        pos = stop;
        // So do the closing tags of raw HTML ("….</p><p>Next").
        while let Some(len) = block[stop..]
            .starts_with("</")
            .then(|| block_tag(&block[stop..], true))
            .flatten()
            .map(|(_, len)| len)
        {
            stop += len;
        }
        // A line break written as HTML after the stop ("….<br>Next")
        // parts the sentences and belongs to neither.
        let breaks = line_breaks(&block[stop..]);
        // Short items after a break ("….<br>BMI under 35.<br>…") stay
        // with the line that introduces them, as before.
        let after = &block[stop + breaks..];
        let breaks = if breaks > 0 && !after.trim().is_empty() && words_to_stop(after) < 5 {
            0
        } else {
            breaks
        };
        let rest = &block[stop + breaks..];
        let next = rest.trim_start().chars().next();
        let spaced = rest.starts_with(char::is_whitespace)
            || breaks > 0
            || block[..stop].ends_with('>')
            || block_tag(rest, false).is_some();
        let ends = match next {
            None => true,
            Some(_) if !spaced => false,
            Some(n) => {
                !(n.is_lowercase()
                    || c == '.'
                        && (is_abbreviation(&block[from..i], n) || is_enumerator(&block[from..i])))
            }
        };
        if ends {
            spans.extend(trimmed(start + from, start + stop, text));
            from = stop + breaks;
            pos = from;
        }
    }
    spans.extend(trimmed(start + from, end, text));
    spans
}

/// How many words `text` has before its first full stop or line break tag
/// (counted up to six).
fn words_to_stop(text: &str) -> usize {
    let end = text.find(['.', '!', '?', '<']).unwrap_or(text.len());
    text[..end].split_whitespace().take(6).count()
}

/// The length of the `<br>`, `<br/>` or `<br />` tags `text` starts with,
/// and the spaces between and after them; 0 when it starts with none.
fn line_breaks(text: &str) -> usize {
    let mut at = 0;
    loop {
        let rest = &text[at..];
        let lead = rest.len() - rest.trim_start().len();
        let tag = &rest[lead..];
        let is_br = tag.len() >= 4
            && tag.is_char_boundary(3)
            && tag[..3].eq_ignore_ascii_case("<br")
            && tag[3..].starts_with(['>', '/', ' ']);
        // The `>` is looked for among the tag's own few bytes only.
        let Some(gt) = is_br
            .then(|| tag[..floor_boundary(tag, 7)].find('>'))
            .flatten()
        else {
            return at;
        };
        at += lead + gt + 1;
        at += text[at..].len() - text[at..].trim_start().len();
    }
}

/// Whether the word before a full stop is an abbreviation or an initial,
/// given the character that follows.
fn is_abbreviation(before: &str, next: char) -> bool {
    let word: &str = before
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '.'))
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    if word.contains('.') && !word.ends_with('.') {
        return true; // e.g, i.e, a.m
    }
    let lower = word.to_lowercase();
    if lower == "no" || lower == "nos" {
        return next.is_ascii_digit(); // "no. 4", not "said no."
    }
    ABBREVIATIONS.contains(&lower.as_str())
        || (word.chars().count() == 1
            && word.chars().all(char::is_uppercase)
            && !names_a_part(&before[..before.len() - word.len()]))
}

/// Whether the word before a single capital names a part of a document
/// or a scheme ("Annex C.", "Appendix B.", "Plan A."): the capital is its
/// letter, not an initial, and its full stop ends the sentence.
fn names_a_part(before: &str) -> bool {
    const PARTS: [&str; 22] = [
        "annex", "appendix", "schedule", "plan", "phase", "section", "part", "table", "figure",
        "option", "grade", "type", "class", "level", "tier", "stage", "category", "group", "step",
        "zone", "form", "list",
    ];
    let word = before
        .trim_end()
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    PARTS.iter().any(|p| word.eq_ignore_ascii_case(p))
}

/// Whether the number before a full stop numbers a criterion run into
/// the text ("must meet all of: 2. Pain for …", or "3." opening a pasted
/// item): the item belongs with what leads it, not in a sentence of its own.
fn is_enumerator(before: &str) -> bool {
    let head = before.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = before.len() - head.len();
    let lead = head.trim();
    (1..=2).contains(&digits)
        && (lead.is_empty() || lead.ends_with(':') && head.ends_with(char::is_whitespace))
}

fn trimmed(start: usize, end: usize, text: &str) -> Option<Span> {
    let piece = &text[start..end];
    let mut rest = piece.trim_start();
    // A sentence starts after the block tags that open it ("<p>Next").
    while let Some((_, len)) = block_tag(rest, false) {
        rest = rest[len..].trim_start();
    }
    let body = rest.trim_end();
    let lead = piece.len() - rest.len();
    (!body.is_empty()).then(|| Span::new(start + lead, start + lead + body.len()))
}

/// A Markdown code fence, read as CommonMark reads it: opened by three or
/// more backticks or tildes at most three spaces in, closed by a run of
/// the same marker at least as long with nothing after it. The one reading
/// of fences: sentences skip them, suppressions look past them
/// (src/suppress.rs), and Mermaid flowcharts are found in them
/// (src/import/markdown.rs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeFence {
    marker: char,
    count: usize,
}

impl CodeFence {
    /// The fence `line` opens, and its info string (a backtick fence's
    /// info string holds no backtick).
    pub fn opened_by(line: &str) -> Option<(CodeFence, &str)> {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() > 3 {
            return None;
        }
        let marker = trimmed.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let count = trimmed.chars().take_while(|&c| c == marker).count();
        if count < 3 {
            return None;
        }
        let info = trimmed[count..].trim();
        if marker == '`' && info.contains('`') {
            return None;
        }
        Some((CodeFence { marker, count }, info))
    }

    /// Whether `line` closes this fence.
    pub fn closed_by(self, line: &str) -> bool {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() > 3 {
            return false;
        }
        let run = trimmed.chars().take_while(|&c| c == self.marker).count();
        run >= self.count && trimmed[run..].trim().is_empty()
    }
}

/// Whether the lines after a first line of `---` are YAML front matter:
/// closed by `---` or `...`, every line before that a `key:`, a list
/// item, an indented line or a comment. Two sentences between two rules
/// in a text file are read.
pub fn front_matter_follows(rest: &str) -> bool {
    for line in rest.lines() {
        let bare = line.trim_end();
        if matches!(bare, "---" | "...") {
            return true;
        }
        let yaml = bare.is_empty()
            || line.starts_with([' ', '\t', '#'])
            || bare.starts_with("- ")
            || bare == "-"
            || bare.split_once(':').is_some_and(|(key, value)| {
                (value.is_empty() || value.starts_with(' '))
                    && !key.is_empty()
                    && key
                        .trim_matches(['"', '\''])
                        .chars()
                        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'))
                    && key.split_whitespace().count() <= 4
            });
        if !yaml {
            return false;
        }
    }
    false
}

/// Whether the text after a line starts with a blank line or ends.
fn next_is_blank(rest: &str) -> bool {
    rest.split('\n').next().is_none_or(|l| l.trim().is_empty())
}

/// A title in capitals on a line of its own, as plain-text documents mark
/// sections ("4. MISSED APPOINTMENTS"): its words after any section
/// number, when they hold three letters or more, none in lower case, at
/// most twelve words and no closing punctuation.
pub fn caps_title(line: &str) -> Option<&str> {
    let line = line.trim_end();
    let number = line
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let body = if number > 0 && line[number..].starts_with([' ', '\t']) {
        line[number..].trim_start()
    } else {
        line
    };
    let letters = body.chars().filter(|c| c.is_alphabetic()).count();
    (letters >= 3
        && body.starts_with(|c: char| c.is_alphanumeric())
        && !body.chars().any(char::is_lowercase)
        && body.split_whitespace().count() <= 12
        && !body.ends_with(['.', ':', ';', '!', '?', ','])
        && !shouts_a_rule(body))
    .then_some(body)
}

/// Whether a line in capitals states a rule rather than names a section:
/// it has a verb of obligation or refusal ("SMOKERS WILL NOT BE LISTED",
/// "PLEASE NOTE: IF YOU MISS YOUR APPOINTMENT YOU WILL BE DISCHARGED")
/// and does not open as a question does ("WHAT WE WILL DO").
fn shouts_a_rule(body: &str) -> bool {
    const VERBS: [&str; 7] = [
        "will", "must", "cannot", "can't", "won't", "shall", "should",
    ];
    const OPENINGS: [&str; 11] = [
        "what", "how", "when", "why", "who", "where", "which", "can", "do", "does", "will",
    ];
    // A verb in a relative clause names a section ("CRITERIA THAT MUST BE
    // MET", "PATIENTS WHO WILL BE SEEN").
    const RELATIVES: [&str; 4] = ["who", "that", "which", "to"];
    let words: Vec<String> = body
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let opens_as_title = words.first().is_none_or(|w| OPENINGS.contains(&w.as_str()));
    if opens_as_title {
        return false;
    }
    // "REFERRAL BY THE ONLINE FORM ONLY": a restriction with no verb.
    if words.iter().any(|w| w == "only") {
        return true;
    }
    let Some(verb) = words.iter().position(|w| VERBS.contains(&w.as_str())) else {
        return false;
    };
    // After "that" or "which" the verb is the relative clause's
    // ("INFORMATION THAT REFERRERS MUST INCLUDE"); after "who" only when
    // it follows at once ("PATIENTS WHO WILL BE SEEN"), since "PATIENTS WHO
    // MISS ONE APPOINTMENT WILL BE DISCHARGED" has a verb of its own first.
    let relative = words[..verb].iter().enumerate().any(|(i, w)| {
        (w != "who" && RELATIVES.contains(&w.as_str())) || (w == "who" && i + 1 == verb)
    });
    !relative
}

/// The longest line, in characters, that may end an unmarked item
/// without punctuation: criteria typed one to a line are short, while
/// wrapped prose fills the width.
const SHORT_ITEM: usize = 48;

/// The widest run of lines, in characters, read as lines broken by hand
/// under a heading or title whatever their lengths: "BMI under 35" over
/// "Non-smoker".
const NARROW_RUN: usize = 32;

/// The narrowest run of lines, in characters, read as one paragraph to a
/// line (as Word saves text): no one wraps text this wide.
const WIDE_RUN: usize = 100;

/// Whether a list item's line can be its last: not one that stops on a
/// comma, a hyphen, a word that needs more after it, or a capitalised
/// word after the first (a name going on: "in North" / "Somerset").
fn item_can_end(line: &str) -> bool {
    const GOES_ON: &[&str] = &[
        "a", "above", "after", "an", "and", "are", "as", "at", "be", "been", "before", "below",
        "but", "by", "can", "could", "for", "from", "has", "have", "if", "in", "is", "least",
        "may", "more", "most", "must", "not", "of", "on", "or", "our", "over", "should", "than",
        "that", "the", "their", "to", "under", "unless", "until", "was", "were", "when", "where",
        "which", "who", "whose", "will", "with", "would", "your",
    ];
    if line.ends_with([',', '-', '–', '(', '/', '&']) {
        return false;
    }
    if line.ends_with(['.', ';', '!', '?']) {
        return true;
    }
    let mut words = line.split_whitespace();
    let first = words.next();
    let last = words.last().or(first).unwrap_or("");
    let last = last.trim_matches(|c: char| !c.is_alphanumeric());
    let named = first.is_some_and(|f| f.trim_matches(|c: char| !c.is_alphanumeric()) != last)
        && last.starts_with(char::is_uppercase)
        && last.chars().skip(1).any(char::is_lowercase);
    !named && !GOES_ON.iter().any(|w| last.eq_ignore_ascii_case(w))
}

/// `# Title` → `Title` (ATX headings, one to six `#`).
fn heading_text(line: &str) -> Option<&str> {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &line[hashes..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some(rest.trim_start().trim_end_matches(['#', ' ', '\t']))
}

/// Characters that start a bulleted list item, typed or pasted: Markdown's
/// own, the bullets word processors draw, and the private-use ones of the
/// Symbol and Wingdings fonts. The Word reader and diagram notes use the
/// same list.
pub const BULLETS: &[char] = &[
    '-', '*', '+', '•', '◦', '▪', '‣', '·', '–', '●', '■', '\u{f0b7}', '\u{f0a7}', '\u{2043}',
];

/// The length of a list marker and its space: `- `, `* `, `+ `, `• `,
/// `1. `, `2) `, `a) `, `b. `, `iv. `, `(iv) `, and the `o` and `§` that
/// Word writes before a tab for its second- and third-level bullets when a
/// document is saved as plain text.
fn list_marker(line: &str) -> Option<usize> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    // Word's lower-level bullets saved as text: `o` or `§` before a tab.
    let word_level = matches!(first, 'o' | '§') && line[first.len_utf8()..].starts_with('\t');
    let after = if word_level || BULLETS.contains(&first) {
        first.len_utf8()
    } else if first.is_ascii_digit() {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        if digits > 3 || !line[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    } else if first == '(' {
        let close = line.find(')')?;
        let inner = &line[1..close];
        if inner.is_empty() || inner.len() > 4 || !inner.chars().all(char::is_alphanumeric) {
            return None;
        }
        close + 1
    } else if first.is_ascii_alphabetic() && line[1..].starts_with([')', '.']) {
        // `a)`, `b.`, `B.`: items lettered, as policies number sub-items.
        2
    } else {
        roman_marker(line)?
    };
    let rest = &line[after..];
    let space = rest.len() - rest.trim_start().len();
    (space > 0 && !rest.trim().is_empty()).then_some(after + space)
}

/// The length of a lower- or upper-case roman numeral up to 39 and its
/// `.` or `)`: `ii.`, `iv)`, `XII.`.
fn roman_marker(line: &str) -> Option<usize> {
    let numeral = line
        .bytes()
        .take_while(|b| matches!(b.to_ascii_lowercase(), b'i' | b'v' | b'x'))
        .count();
    let cased = line[..numeral].bytes().all(|b| b.is_ascii_lowercase())
        || line[..numeral].bytes().all(|b| b.is_ascii_uppercase());
    (numeral > 0 && numeral <= 6 && cased && line[numeral..].starts_with(['.', ')']))
        .then_some(numeral + 1)
}

/// `---`, `***`, `___`, `===` (three or more, spaces allowed).
fn is_rule_line(line: &str) -> bool {
    let line = line.trim_end();
    let Some(first) = line.chars().next() else {
        return false;
    };
    matches!(first, '-' | '*' | '_' | '=')
        && line.chars().filter(|&c| c == first).count() >= 3
        && line.chars().all(|c| c == first || c == ' ')
}

/// The block-level HTML tags that open or close a line of raw HTML in
/// Markdown (`<p>…</p>`, `<li>`, `<h3>`), as byte lengths of the runs at
/// its two ends. Inline tags (`<b>`, `<a href>`) and autolinks are not
/// block tags.
struct HtmlTags {
    open: usize,
    close: usize,
    heading: bool,
    item: bool,
}

const HTML_BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "table",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "dd",
    "dt",
    "dl",
    "header",
    "footer",
    "aside",
    "main",
    "details",
    "summary",
];

impl HtmlTags {
    fn of(line: &str) -> Option<HtmlTags> {
        // Every block tag opens with a `<`; most lines hold none.
        if !line.as_bytes().contains(&b'<') {
            return None;
        }
        let mut tags = HtmlTags {
            open: 0,
            close: 0,
            heading: false,
            item: false,
        };
        let mut rest = line;
        while let Some((name, len)) = block_tag(rest, false) {
            // A `<summary>` is the title a collapsed section shows (a
            // short one: a rule written in one is read as a sentence).
            let short = || line.split_whitespace().count() <= 8;
            tags.heading |=
                (name.starts_with('h') && name.len() == 2) || (name == "summary" && short());
            tags.item |= name == "li";
            tags.open += len;
            rest = &line[tags.open..];
        }
        let mut body = &line[tags.open..];
        while let Some(at) = body.trim_end().rfind("</") {
            let tail = &body[at..];
            match block_tag(tail, true) {
                Some((_, len)) if tail[len..].trim().is_empty() => {
                    tags.close = line.len() - tags.open - at;
                    body = &body[..at];
                }
                _ => break,
            }
        }
        // "<h2>Smoking</h2><p>Patients who smoke …" is a heading and a
        // paragraph on one line: read it as text, not as a heading.
        let body = &line[tags.open..line.len() - tags.close];
        if tags.heading && body.contains("</") {
            tags.heading = false;
        }
        (tags.open > 0 || tags.close > 0).then_some(tags)
    }
}

/// The block tag `text` starts with (after any spaces), and the length
/// taken up to and including its `>` and the spaces after it.
fn block_tag(text: &str, closing: bool) -> Option<(&'static str, usize)> {
    let lead = text.len() - text.trim_start().len();
    let inner = text[lead..].strip_prefix('<')?;
    let inner = if closing {
        inner.strip_prefix('/')?
    } else {
        inner
    };
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    let known = HTML_BLOCKS.iter().find(|b| b.eq_ignore_ascii_case(name))?;
    let after = &inner[name_len..];
    if !after.starts_with(['>', ' ', '\t', '/']) {
        return None;
    }
    let gt = after.find('>')?;
    let used = text.len() - after.len() + gt + 1;
    let spaces = text[used..].len() - text[used..].trim_start().len();
    Some((known, used + spaces))
}

/// The largest char boundary of `text` at or below `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Where each `tag` (`"<tr"`) starts in `line`, in any case.
fn tag_starts(line: &str, tag: &str) -> Vec<usize> {
    tags_at(line, tag).collect()
}

/// Where `tag` (which opens with `<`) starts in `line`, in any case,
/// followed by `>`, a space or `/`: only the places a `<` is are compared,
/// as most lines hold none.
fn tags_at<'l>(line: &'l str, tag: &'l str) -> impl Iterator<Item = usize> + 'l {
    let bytes = line.as_bytes();
    let n = tag.len();
    line.match_indices('<').map(|(i, _)| i).filter(move |&i| {
        bytes
            .get(i..i + n)
            .is_some_and(|b| b.eq_ignore_ascii_case(tag.as_bytes()))
            && matches!(bytes.get(i + n), Some(b'>' | b' ' | b'\t' | b'/') | None)
    })
}

/// The text of each `<td>` or `<th>` cell in `row`, as byte ranges: from
/// after its opening tag to the next tag that ends it.
fn cell_spans(row: &str) -> Vec<(usize, usize)> {
    let mut opens: Vec<usize> = tag_starts(row, "<td");
    opens.extend(tag_starts(row, "<th"));
    opens.sort_unstable();
    // Every tag that can end a cell, found once: a row of many cells is
    // not searched again from each one.
    let mut ends: Vec<usize> = ["</td", "</th", "</tr"]
        .iter()
        .flat_map(|t| tag_starts(row, t))
        .chain(opens.iter().copied())
        .collect();
    ends.sort_unstable();
    let mut out = Vec::new();
    for &at in &opens {
        // The tag's own `>`, looked for nearby only.
        let near = &row[at..row.len().min(at + 400)];
        let Some(gt) = near.find('>').map(|g| at + g + 1) else {
            continue;
        };
        let k = ends.partition_point(|&e| e < gt);
        out.push((gt, ends.get(k).copied().unwrap_or(row.len())));
    }
    out
}

/// Whether `line` holds the tag `tag` (`"<tr"`, `"</table"`) in any case,
/// followed by `>` or a space.
fn contains_tag(line: &str, tag: &str) -> bool {
    tags_at(line, tag).next().is_some()
}

/// A Markdown link reference definition (`[nice]: https://… "Title"`),
/// which a rendered page does not show. A footnote (`[^1]: …`) is shown,
/// and words after the address that are not a quoted title
/// (`[Note]: patients with …`) make it text.
fn is_link_definition(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('[') else {
        return false;
    };
    let Some(close) = rest.find("]:") else {
        return false;
    };
    let label = &rest[..close];
    if label.trim().is_empty() || label.starts_with('^') || label.contains(['[', ']']) {
        return false;
    }
    let after = rest[close + 2..].trim_start();
    let (address, title) = match after.strip_prefix('<') {
        Some(inner) => match inner.find('>') {
            Some(end) => (&inner[..end], &inner[end + 1..]),
            None => return false,
        },
        None => {
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            (&after[..end], &after[end..])
        }
    };
    // An address, not a value ("[Maximum BMI]: 35" is a form's field).
    let address_like = address.contains(['/', '.', '#', '@']) || after.starts_with('<');
    let title = title.trim();
    let quoted = |open: char, close: char| {
        title.len() >= 2 && title.starts_with(open) && title.ends_with(close)
    };
    !address.is_empty()
        && address_like
        && (title.is_empty() || quoted('"', '"') || quoted('\'', '\'') || quoted('(', ')'))
}

fn is_table_separator(line: &str) -> bool {
    line.chars()
        .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        split(text)
            .into_iter()
            .map(|s| &text[s.span.start()..s.span.end()])
            .collect()
    }

    #[test]
    fn abbreviations_and_decimals_do_not_end_sentences() {
        let text = "Patients with a BMI over 35.5 kg/m2, e.g. those listed by Dr. Shah, wait approx. six weeks. Support is offered.";
        assert_eq!(
            texts(text),
            [
                "Patients with a BMI over 35.5 kg/m2, e.g. those listed by Dr. Shah, wait approx. six weeks.",
                "Support is offered."
            ]
        );
    }

    #[test]
    fn an_initial_stays_and_a_lettered_part_ends_a_sentence() {
        let text = "Referrals go to J. Patel. The form is in Annex C. Smokers are not listed \
                    under Plan a. Phase B. Done.";
        assert_eq!(
            texts(text),
            [
                "Referrals go to J. Patel.",
                "The form is in Annex C.",
                "Smokers are not listed under Plan a.",
                "Phase B.",
                "Done."
            ]
        );
    }

    /// Text that only looks hidden is read: words between two rules that
    /// are not YAML, a comment never closed, and the words before a
    /// comment opened inside a line (its lines after are hidden).
    #[test]
    fn nothing_is_hidden_that_is_not_front_matter_or_a_comment() {
        let text =
            "---\nSmokers will not be listed.\nNor will anyone with a BMI over 40.\n---\nEnd.\n";
        assert_eq!(
            texts(text),
            [
                "Smokers will not be listed.",
                "Nor will anyone with a BMI over 40.",
                "End."
            ]
        );
        let yaml = "---\ntitle: Hip policy\nowner: \"Example ICB\"\ntags:\n  - hips\n---\nEnd.\n";
        assert_eq!(texts(yaml), ["End."]);
        let unclosed = "Intro.\n\n<!-- check with legal\n\nSmokers will not be listed.\n";
        assert_eq!(texts(unclosed), ["Intro.", "Smokers will not be listed."]);
        let inline = "We review waits. <!-- reviewer:\nSmokers will not be listed.\n-->\nEnd.\n";
        assert_eq!(texts(inline), ["We review waits.", "End."]);
    }

    #[test]
    fn a_line_in_capitals_that_states_a_rule_is_no_title() {
        assert_eq!(
            caps_title("4. MISSED APPOINTMENTS"),
            Some("MISSED APPOINTMENTS")
        );
        assert_eq!(caps_title("WHAT WE WILL DO"), Some("WHAT WE WILL DO"));
        for title in [
            "CRITERIA THAT MUST BE MET",
            "PATIENTS WHO MAY BE REFERRED",
            "UPDATED 1 MAY 2025",
            "PATIENTS WHO WILL BE SEEN",
            "WHO CAN ONLY BE SEEN BY A SURGEON",
            "INFORMATION THAT REFERRERS MUST INCLUDE",
        ] {
            assert_eq!(caps_title(title), Some(title));
        }
        assert_eq!(caps_title("SMOKERS WILL NOT BE LISTED FOR SURGERY"), None);
        // A relative clause with its own verb before the rule's verb, and
        // a restriction stated with "only" and no verb.
        assert_eq!(
            caps_title("PATIENTS WHO MISS ONE APPOINTMENT WILL BE DISCHARGED"),
            None
        );
        assert_eq!(caps_title("REFERRAL BY THE ONLINE FORM ONLY"), None);
        assert_eq!(
            caps_title("PLEASE NOTE: IF YOU MISS YOUR APPOINTMENT YOU WILL BE DISCHARGED"),
            None
        );
    }

    #[test]
    fn wrapped_lines_join_and_blank_lines_split() {
        let text = "Patients who do not\nattend twice will be\ndischarged.\n\nA new paragraph\nwithout a stop\n";
        assert_eq!(
            texts(text),
            [
                "Patients who do not\nattend twice will be\ndischarged.",
                "A new paragraph\nwithout a stop"
            ]
        );
    }

    #[test]
    fn lettered_and_roman_items_stand_alone() {
        let text = "All of these apply:\n\na. Pain for 6 months.\nb. Not a smoker.\n\ni. One.\nii. Two.\nIV) Four.\nB. Bee.\n";
        assert_eq!(
            texts(text),
            [
                "All of these apply:",
                "Pain for 6 months.",
                "Not a smoker.",
                "One.",
                "Two.",
                "Four.",
                "Bee."
            ]
        );
        // A lead-in reaches each of them.
        assert!(split(text).iter().skip(1).all(|s| s.lead_in.is_some()));
        // Words that only look like numerals are not markers.
        for line in ["Ivy. Then", "mix. of", "iiiiiii. x", "Vi. x", "xv x"] {
            assert_eq!(roman_marker(line), None, "{line}");
        }
        assert_eq!(roman_marker("vii. x"), Some(4));
        assert_eq!(list_marker("e.g. this"), None);
        // Word's bullets saved as plain text: `•`, then `o` and `§` before
        // a tab for the levels below; a word "o" before a space is no
        // marker.
        let saved = "Only if all apply:\n\u{2022}\tPain for 6 months\no\tBMI under 35\n\u{a7}\tNon-smoker\n";
        assert_eq!(
            texts(saved),
            [
                "Only if all apply:",
                "Pain for 6 months",
                "BMI under 35",
                "Non-smoker"
            ]
        );
        assert_eq!(list_marker("o dear"), None);
    }

    #[test]
    fn a_title_in_capitals_alone_is_a_heading() {
        let text =
            "4. MISSED APPOINTMENTS\n\n- We call you first.\n\nNHS\nnumber here.\n\n- A BULLET\n";
        let found = split(text);
        assert_eq!(texts(text)[0], "MISSED APPOINTMENTS");
        // It leads a list under it, as a `#` heading does.
        assert_eq!(found[1].lead_in, Some(found[0].span));
        assert_eq!(caps_title("4.1 WHO CAN USE IT"), Some("WHO CAN USE IT"));
        for not in ["BMI.", "OK", "Referral criteria", "- A BULLET", "| A | B |"] {
            assert_eq!(caps_title(not), None, "{not}");
        }
        // Not alone: the first line of a paragraph.
        assert_eq!(texts(text)[2], "NHS\nnumber here.");
    }

    #[test]
    fn headings_items_and_tables_stand_alone() {
        let text = "# Hip policy\nPatients must meet all of:\n\n- BMI under 35\n  (measured at GP)\n2. Non-smoker for 8 weeks\n\n| Criterion | Value |\n|---|---|\n| BMI | < 35 |\n";
        assert_eq!(
            texts(text),
            [
                "Hip policy",
                "Patients must meet all of:",
                "BMI under 35\n  (measured at GP)",
                "Non-smoker for 8 weeks",
                "| Criterion | Value |",
                "| BMI | < 35 |"
            ]
        );
    }

    #[test]
    fn a_number_run_into_the_text_does_not_end_a_sentence() {
        let text =
            "Referral is accepted if all apply: 2. Pain for 4 months. 3. The BMI is 35. Then more.";
        let found: Vec<&str> = split(text)
            .iter()
            .map(|s| &text[s.span.start()..s.span.end()])
            .collect();
        assert_eq!(
            found,
            [
                "Referral is accepted if all apply: 2. Pain for 4 months.",
                "3. The BMI is 35.",
                "Then more."
            ]
        );
    }

    #[test]
    fn list_items_carry_their_lead_in() {
        let text = "## Referral criteria\n- Age over 18\n\nOnly listed if they meet:\n- BMI under 35\n  * measured twice:\n    - at the GP\n- Non-smoker\n\nA paragraph.\n- Free item\n";
        let found = split(text);
        let lead = |i: usize| found[i].lead_in.map(|s| &text[s.start()..s.end()]);
        let item = |i: usize| &text[found[i].span.start()..found[i].span.end()];
        assert_eq!(item(1), "Age over 18");
        assert_eq!(lead(1), Some("Referral criteria"));
        assert_eq!(item(3), "BMI under 35");
        assert_eq!(lead(3), Some("Only listed if they meet:"));
        assert_eq!(lead(5), Some("measured twice:"));
        assert_eq!(item(6), "Non-smoker");
        assert_eq!(lead(6), Some("Only listed if they meet:"));
        // A finished paragraph leads nothing, so the heading leads again.
        assert_eq!(item(8), "Free item");
        assert_eq!(lead(8), Some("Referral criteria"));
    }

    /// Criteria typed one to a line under a lead-in, with no markers (as
    /// plain text and PDFs have them), were one run-on sentence.
    #[test]
    fn unmarked_lines_under_a_lead_in_are_its_items() {
        let text = "Referral criteria for knee replacement:\nBMI under 40\nPain for at least 6 months and\nnot settling\nSupport is offered to everyone\n\nThe clinic sees people\nReferred by the\nGP or by themselves.\n\n- Criteria:\nBMI under 35\nWalks with the\nHelp of a stick\n";
        let found = split(text);
        let lead = |i: usize| found[i].lead_in.map(|s| &text[s.start()..s.end()]);
        assert_eq!(
            texts(text),
            [
                "Referral criteria for knee replacement:",
                "BMI under 40",
                "Pain for at least 6 months and\nnot settling",
                "Support is offered to everyone",
                // No lead-in: a wrapped paragraph stays one sentence.
                "The clinic sees people\nReferred by the\nGP or by themselves.",
                "Criteria:",
                "BMI under 35",
                // A line ending on "the" goes on in the next.
                "Walks with the\nHelp of a stick",
            ]
        );
        assert_eq!(lead(1), Some("Referral criteria for knee replacement:"));
        assert_eq!(lead(3), Some("Referral criteria for knee replacement:"));
        assert_eq!(lead(6), Some("Criteria:"));
        assert_eq!(lead(7), Some("Criteria:"));
        // Wrapped prose under a lead-in stays whole: a name or a number
        // going on, a line ending on "will".
        let wrapped = "Who can be referred:\nAdults registered with a practice in North\nSomerset, whose symptoms have lasted\n12 weeks or more.\n\nNote:\nPatients with a BMI above\n40 are seen before the surgeon will\nList them.\n";
        assert_eq!(
            texts(wrapped),
            [
                "Who can be referred:",
                "Adults registered with a practice in North\nSomerset, whose symptoms have lasted\n12 weeks or more.",
                "Note:",
                "Patients with a BMI above\n40 are seen before the surgeon will\nList them.",
            ]
        );
    }

    /// A title and its items typed one to a line, with no colon, no
    /// markers and no blank line (plain text, Word's text export): the
    /// lines were broken by hand, since each next word would have fitted
    /// on the line before.
    #[test]
    fn lines_broken_by_hand_are_a_title_and_its_items() {
        let text = "Knee policy\n\nReferral criteria\nBMI under 35\nNon-smoker\nPain for six months\nWe advise against long waits for surgery\n";
        let found = split(text);
        let lead = |i: usize| found[i].lead_in.map(|s| &text[s.start()..s.end()]);
        assert_eq!(
            texts(text),
            [
                "Knee policy",
                "Referral criteria",
                "BMI under 35",
                "Non-smoker",
                "Pain for six months",
                "We advise against long waits for surgery"
            ]
        );
        // Under the title "Knee policy" every line is an item of it.
        assert_eq!(lead(2), Some("Knee policy"));
        assert_eq!(lead(5), Some("Knee policy"));
        // Under a title of their own, the first line is an item too.
        let text = "Eligibility for listing\n\nBMI under 35\nNon-smoker\n";
        let found = split(text);
        assert_eq!(
            found[1].lead_in.map(|s| &text[s.start()..s.end()]),
            Some("Eligibility for listing")
        );
        assert_eq!(
            found[2].lead_in.map(|s| &text[s.start()..s.end()]),
            Some("Eligibility for listing")
        );
        // Whole paragraphs one to a line, as Word saves text.
        let text = "Eligibility\nPatients with a BMI over 40 will not be listed for hip or knee replacement surgery at any of our sites\nMissed appointments\nPatients who miss one appointment will be discharged, and their GP will be told by letter within a week\n";
        assert_eq!(
            texts(text),
            [
                "Eligibility",
                "Patients with a BMI over 40 will not be listed for hip or knee replacement surgery at any of our sites",
                "Missed appointments",
                "Patients who miss one appointment will be discharged, and their GP will be told by letter within a week"
            ]
        );
        // A title over a wrapped paragraph does not make its wrapping
        // breaks by hand.
        let wrapped = "Background\nPatients who miss two appointments in a row will be discharged once the MSK\nClinical Lead has reviewed the referral and agreed that this is in the\npatient's best interest.\n";
        assert_eq!(texts(wrapped).len(), 2, "{:?}", texts(wrapped));
        // With no title above, a narrow run may be prose wrapped narrow.
        assert_eq!(
            texts("The clinic sees people\nReferred by the\nGP or by themselves.\n").len(),
            1
        );
        // A column set in a proportional font fills its lines unevenly,
        // and one long web address does not widen the rest.
        let column = "Patients who miss two appointments in a\nrow will be discharged once the MSK\nClinical Lead has reviewed the referral and\nagreed that it is in the patient's best interest.\n";
        assert_eq!(texts(column).len(), 1, "{:?}", texts(column));
        let linked = "Please tell us if you cannot come to an appointment so that\nwe can offer it to someone else on the waiting list; the\nDepartment will rebook you when you call.\nSee https://example.org/a-very-long-address/for-appointments-and-cancellations-and-more\n";
        assert_eq!(texts(linked).len(), 2, "{:?}", texts(linked));
        // Wrapped prose is not broken by hand: the next word would not
        // have fitted, however short it is.
        let wrapped = "Patients with a raised body mass\nBMI are offered support to lose\nWeight before surgery.\n";
        assert_eq!(texts(wrapped).len(), 1, "{:?}", texts(wrapped));
    }

    #[test]
    fn a_note_inside_an_item_leads_its_sub_list_and_no_further() {
        let text = "1. Covered when all are met:\n   1. Pain\n\n   Note: at least 8 weeks of therapy, including:\n\n   1. exercises\n\n2. Revision is covered when any of these:\n\n   1. Fracture\n";
        let found = split(text);
        let lead = |i: usize| found[i].lead_in.map(|s| &text[s.start()..s.end()]);
        let item = |i: usize| &text[found[i].span.start()..found[i].span.end()];
        assert_eq!(item(3), "exercises");
        assert_eq!(
            lead(3),
            Some("Note: at least 8 weeks of therapy, including:")
        );
        assert_eq!(item(4), "Revision is covered when any of these:");
        assert_eq!(lead(4), None);
        assert_eq!(lead(5), Some("Revision is covered when any of these:"));
        // An indented paragraph outside any list leads as before.
        let text = "    Eligible only if:\n  - BMI under 35\n";
        assert_eq!(
            split(text)[1].lead_in.map(|s| &text[s.start()..s.end()]),
            Some("    Eligible only if:".trim())
        );
    }

    #[test]
    fn closed_headings_keep_exact_offsets() {
        let text = "## Á policy ##\nText.\n";
        let found = split(text);
        assert_eq!(
            &text[found[0].span.start()..found[0].span.end()],
            "Á policy"
        );
    }

    #[test]
    fn answers_remember_their_question() {
        let text = "## Can I refer myself?\n\nOnly online. Then wait.\n";
        let found = split(text);
        assert!(found[0].is_question(text));
        assert_eq!(found[1].with, Some(found[0].span));
        assert_eq!(found[2].with, None);
    }

    #[test]
    fn a_table_without_outer_pipes_is_a_table() {
        let text = "Criterion | Required?\n--- | ---\nBMI under 35 | Yes\nSmoking | No\nA line after.\n\nEither | or, in a sentence.\n";
        let found = split(text);
        let with = |i: usize| found[i].with.map(|s| &text[s.start()..s.end()]);
        assert_eq!(
            texts(text)[..3],
            [
                "Criterion | Required?",
                "BMI under 35 | Yes",
                "Smoking | No"
            ]
        );
        assert_eq!(with(1), Some("Criterion | Required?"));
        assert_eq!(with(2), Some("Criterion | Required?"));
        assert!(found[..3].iter().all(|s| s.bare_row));
        // A pipe with no `--- | ---` line under it is only a character.
        assert!(
            !found[3..].iter().any(|s| s.bare_row || s.with.is_some()),
            "{:?}",
            texts(text)
        );
    }

    #[test]
    fn a_line_break_tag_after_a_stop_parts_the_sentences() {
        let text = "Smokers will not be listed until they have stopped.<br>\nWe offer support to everyone who asks.\n\nA is one of them.<BR/>B is the second one here. <br />C is the third one here.<br>\n";
        assert_eq!(
            texts(text),
            [
                "Smokers will not be listed until they have stopped.",
                "We offer support to everyone who asks.",
                "A is one of them.",
                "B is the second one here.",
                "C is the third one here."
            ]
        );
        // Short items after a break stay with the line that brings them.
        assert_eq!(
            texts("All of these must apply.<br>BMI under 35.<br>No smoking.\n"),
            ["All of these must apply.<br>BMI under 35.<br>No smoking."]
        );
        // With no stop before it, a break goes on being read as before.
        assert_eq!(
            texts("BMI under 35<br>or over 18.\n"),
            ["BMI under 35<br>or over 18."]
        );
    }

    #[test]
    fn link_definitions_are_not_read_and_a_summary_leads_its_section() {
        let text = "[nice]: https://example.org/ng1 \"Patients with a BMI over 35 are not referred\"\n[b]: <a b.html>\n\n[^1]: Smokers are not listed.\n\n[Note]: patients with a BMI over 40 wait.\n";
        assert_eq!(
            texts(text),
            [
                "[^1]: Smokers are not listed.",
                "[Note]: patients with a BMI over 40 wait."
            ]
        );
        let text = "<details><summary>Referral criteria</summary>\n\n- BMI under 35\n</details>\n";
        let found = split(text);
        assert_eq!(texts(text), ["Referral criteria", "BMI under 35"]);
        assert!(found[0].heading);
        assert_eq!(
            found[1].lead_in.map(|s| &text[s.start()..s.end()]),
            Some("Referral criteria")
        );
    }

    #[test]
    fn raw_html_blocks_end_and_start_sentences() {
        let text = "<p>Everyone is welcome to refer themselves</p>\n<p>Smokers are not listed.</p><p>Next one.</p>\n<h2>Criteria</h2>\n<ul>\n<li>BMI under 35</li>\n</ul>\n<p>Open\nacross lines</p>\n";
        assert_eq!(
            texts(text),
            [
                "Everyone is welcome to refer themselves",
                "Smokers are not listed.</p>",
                "Next one.",
                "Criteria",
                "BMI under 35",
                "Open\nacross lines",
            ]
        );
        let found = split(text);
        assert!(found[3].heading);
        assert_eq!(
            found[4].lead_in.map(|s| &text[s.start()..s.end()]),
            Some("Criteria")
        );
        // On one line: a heading and its paragraph, paragraphs without a
        // full stop, list items; each closing tag ends what it closes.
        let text = "<h2>Smoking</h2><p>Smokers are not listed.</p>\n\n<p>Smokers wait</p><p>Help is offered</p>\n\n<li>Smoking</li><li>Smokers wait</li>\n";
        assert_eq!(
            texts(text),
            [
                "Smoking</h2>",
                "Smokers are not listed.",
                "Smokers wait</p>",
                "Help is offered",
                "Smoking</li>",
                "Smokers wait"
            ]
        );
        assert!(!split(text).iter().any(|s| s.heading));
    }

    #[test]
    fn table_rows_are_read_with_the_header_row() {
        let text = "Listing criteria:\n| Criterion | Threshold for referral |\n|---|---|\n| BMI | Below 40 |\n\nA sentence.\n\n| Other | table |\n";
        let found = split(text);
        let with = |i: usize| found[i].with.map(|s| &text[s.start()..s.end()]);
        let lead = |i: usize| found[i].lead_in.map(|s| &text[s.start()..s.end()]);
        assert_eq!(with(1), None);
        assert_eq!(with(2), Some("| Criterion | Threshold for referral |"));
        assert_eq!(lead(2), Some("Listing criteria:"));
        assert_eq!(with(4), None);
        assert_eq!(lead(4), None);
    }

    #[test]
    fn a_heading_leads_lists_past_an_introduction_and_unclosed_front_matter_is_text() {
        let text = "## Criteria for referral\nPatients must meet all of these.\n- BMI under 35\n";
        let found = split(text);
        assert_eq!(
            found[2].lead_in.map(|s| &text[s.start()..s.end()]),
            Some("Criteria for referral")
        );
        let text = "---\n\nSmokers must stop.\n";
        assert_eq!(split(text).len(), 1);
    }

    #[test]
    fn an_unfinished_line_over_a_list_leads_it() {
        let text = "Eligibility for listing\n- Non-smoker\n\nA finished sentence.\n- Free item\n";
        let found = split(text);
        let lead = |i: usize| found[i].lead_in.map(|s| &text[s.start()..s.end()]);
        assert_eq!(lead(1), Some("Eligibility for listing"));
        assert_eq!(lead(3), None);
    }

    #[test]
    fn a_fence_closes_only_on_a_run_as_long_with_nothing_after_it() {
        let text = "Text one.\n````\n```\nBMI < 35 must\n```js\n````\nText two.\n";
        assert_eq!(texts(text), ["Text one.", "Text two."]);
        // Four spaces in is indented code's text, not a fence.
        assert!(CodeFence::opened_by("    ```").is_none());
        let (fence, info) = CodeFence::opened_by("~~~ mermaid").unwrap();
        assert_eq!(info, "mermaid");
        assert!(!fence.closed_by("```") && fence.closed_by("~~~~"));
    }

    #[test]
    fn code_comments_and_front_matter_are_skipped() {
        let text = "---\ntitle: x\n---\nText one.\n```\nBMI < 35 must\n```\n<!-- note\nBMI -->\nText two.\n";
        assert_eq!(texts(text), ["Text one.", "Text two."]);
    }

    #[test]
    fn lowercase_after_a_stop_continues() {
        assert_eq!(
            texts("See sect. 4 and the no. of visits. Next."),
            ["See sect. 4 and the no. of visits.", "Next."]
        );
    }
}
