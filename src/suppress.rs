//! Inline suppressions: `# msklint: allow(rule, other) reason: "why"` in a
//! pathway, `<!-- msklint: allow(rule) reason: "why" -->` in a Markdown or
//! plain-text policy document.
//!
//! A trailing comment covers its own line; a comment alone on its line
//! covers the line below it (further comment lines may stand between, so
//! several suppressions can stack, but a blank line ends its reach). When
//! that line starts a node or a route written over several lines, the
//! suppression covers all of it, down to the node's closing `}`. Findings
//! whose primary span starts on a covered line are dropped. An allow
//! without a reason is reported (`suppression-without-reason`), and so is
//! one that silences nothing (`unused-suppression`), with the nearest
//! finding of that rule when there is one.
//!
//! A Word document's text has no comments of this kind, so a Word comment
//! whose text is `msklint: allow(rule) reason: "why"` does the same for the
//! paragraphs it is attached to ([`word_comment`]). A PDF holds neither:
//! its suppressions live beside it in a sidecar file (src/sidecar.rs),
//! which Word documents may use too.

use crate::config::Policy;
use crate::diagnostic::{suggest, Diagnostic, Severity};
use crate::prose::sentences::CodeFence;
use crate::rules::builtin::Builtin;
use crate::rules::load::RuleSet;
use crate::source::SourceFile;
use crate::span::Span;

pub const WITHOUT_REASON: &str = Builtin::SuppressionWithoutReason.name();
pub const UNUSED: &str = Builtin::UnusedSuppression.name();
/// How a finding kept under a suppression is marked: a related label at
/// the suppression, its text starting with this.
pub const ALLOWED: &str = "marked as allowed by";

#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    /// The comment, from `#` to the end of the line.
    pub span: Span,
    /// 1-based line the suppression covers.
    pub target_line: usize,
    /// The last line it covers: `target_line` unless it comes from a Word
    /// comment attached to several paragraphs.
    pub last_line: usize,
    pub rules: Vec<(String, Span)>,
    pub reason: Option<String>,
    /// Where a suppression written outside the text is, which messages
    /// name instead of a line; `None` for a comment in the text.
    pub word: Option<Outside>,
}

impl Suppression {
    /// Where it is and why, for `--trace`: "the comment on line 12
    /// (reason: agreed with panel)".
    /// Whether it hides a finding of `rule` on `line` (1-based).
    pub fn covers(&self, line: usize, rule: &str) -> bool {
        (self.target_line..=self.last_line).contains(&line)
            && self.rules.iter().any(|(name, _)| name == rule)
    }

    pub fn describe(&self, source: &SourceFile) -> String {
        let at = match &self.word {
            Some(o) => o.to_string(),
            None => format!(
                "the comment on line {}",
                source.line_col(self.span.start()).line
            ),
        };
        match &self.reason {
            Some(reason) => format!("{at} (reason: {reason})"),
            None => at,
        }
    }
}

/// A suppression written outside the document's text.
#[derive(Debug, Clone, PartialEq)]
pub enum Outside {
    /// A Word comment on these paragraphs ("paragraph 4").
    Word(String),
    /// Entry `entry` (1-based; 0 for the whole file) of the sidecar file
    /// named `file`.
    Sidecar { file: String, entry: usize },
}

impl std::fmt::Display for Outside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outside::Word(p) => write!(f, "the Word comment on {p}"),
            // Entry 0 is the file as a whole (one that cannot be read).
            Outside::Sidecar { file, entry: 0 } => write!(f, "{file}"),
            Outside::Sidecar { file, entry } => write!(f, "entry {entry} of {file}"),
        }
    }
}

/// A `# msklint:` comment that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Malformed {
    pub span: Span,
    /// As in [`Suppression::word`].
    pub word: Option<Outside>,
    /// What is wrong, when more can be said than "not understood".
    pub problem: Option<String>,
}

/// Suppressions written outside the text (Word comments, a sidecar file),
/// with those that could not be read.
pub type Extra = (Vec<Suppression>, Vec<Malformed>);

/// Adds the suppression a Word comment holds, if its text starts with
/// `msklint:`. It covers `lines` (first and last, 1-based) of the extracted
/// text; findings about it point at `span` and name `paragraphs`. Word
/// turns straight quotes into curly ones as they are typed; both are read.
pub fn word_comment(
    text: &str,
    span: Span,
    lines: (usize, usize),
    paragraphs: String,
    extra: &mut Extra,
) {
    let Some(rest) = text.trim_start().strip_prefix("msklint:") else {
        // "MSKlint: allow(…)" means to be one: say why it is not.
        if let Some(problem) = misspelt(text.trim_start()) {
            extra.1.push(Malformed {
                span,
                word: Some(Outside::Word(paragraphs)),
                problem: Some(problem),
            });
        }
        return;
    };
    let rest: String = rest
        .chars()
        .map(|c| match c {
            '“' | '”' | '„' | '″' => '"',
            _ if c.is_whitespace() => ' ',
            _ => c,
        })
        .collect();
    match parse(&rest, span.start()) {
        Ok((rules, reason)) => extra.0.push(Suppression {
            span,
            target_line: lines.0,
            last_line: lines.1,
            rules: rules.into_iter().map(|(name, _)| (name, span)).collect(),
            reason,
            word: Some(Outside::Word(paragraphs)),
        }),
        Err(problem) => extra.1.push(Malformed {
            span,
            word: Some(Outside::Word(paragraphs)),
            problem,
        }),
    }
}

/// How a comment starts in the file being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentStyle {
    /// `# ...` to the end of the line (pathways).
    Hash,
    /// `<!-- ... -->` on one line (prose documents).
    Html,
}

pub fn scan(source: &SourceFile, style: CommentStyle) -> (Vec<Suppression>, Vec<Malformed>) {
    let text = &source.text;
    let mut found = Vec::new();
    let mut malformed = Vec::new();
    // Every suppression, well formed or not, holds `msklint:`: a file
    // without it (most files) is not read line by line.
    if !text.contains("msklint:") && !text.contains("allow(") && !text.contains("allow (") {
        return (found, malformed);
    }
    let mut pending: Vec<usize> = Vec::new(); // standalone comments awaiting a code line
    let mut offset = 0;
    // In a document: inside a code fence (examples of suppressions, not
    // suppressions) or the later lines of a multi-line HTML comment (which
    // stand between a suppression and its sentence like a comment line).
    // The fence, and whether it is a Mermaid drawing, whose findings
    // its own `%%` comments can suppress. Standalone comments outside wait
    // across it, as they did before it.
    let mut fence: Option<(CodeFence, bool)> = None;
    let mut outside: Vec<usize> = Vec::new();
    // A Mermaid fence's opening line, until its first statement: findings
    // about the whole drawing sit on that line, and `%%` comments at the
    // top of the drawing cover it (no comment can share the fence line).
    let mut drawing_top: Option<usize> = None;
    let mut front_matter = false;
    let mut in_comment = false;
    for (index, raw_line) in text.split_inclusive('\n').enumerate() {
        let line_no = index + 1;
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let mut mermaid_comment = None;
        if style == CommentStyle::Html {
            if let Some((open, mermaid)) = fence {
                if open.closed_by(line) {
                    fence = None;
                    drawing_top = None;
                    front_matter = false;
                    if mermaid {
                        pending = std::mem::take(&mut outside);
                    }
                    offset += raw_line.len();
                    continue;
                }
                // Front matter (`---` to `---`) comes before the first
                // statement, and comments above it still reach the top.
                let dashes = line.trim() == "---";
                if !mermaid || (drawing_top.is_some() && (front_matter || dashes)) {
                    front_matter ^= mermaid && dashes;
                    offset += raw_line.len();
                    continue;
                }
                // Mermaid comments take a line of their own.
                mermaid_comment = Some(
                    line.trim_start()
                        .starts_with("%%")
                        .then(|| line.len() - line.trim_start().len()),
                );
            } else if let Some((open, info)) = CodeFence::opened_by(line) {
                let mermaid = info
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| w.eq_ignore_ascii_case("mermaid"));
                if mermaid {
                    outside = std::mem::take(&mut pending);
                    drawing_top = Some(line_no);
                }
                fence = Some((open, mermaid));
                offset += raw_line.len();
                continue;
            }
        }
        if style == CommentStyle::Html && mermaid_comment.is_none() {
            if in_comment {
                in_comment = !line.contains("-->");
                offset += raw_line.len();
                continue;
            }
            if let Some(open) = line.find("<!--") {
                in_comment = !line[open + 4..].contains("-->");
            }
        }
        let hash = match (style, mermaid_comment) {
            (_, Some(at)) => at,
            (CommentStyle::Hash, None) => comment_start(line),
            (CommentStyle::Html, None) => line.find("<!--"),
        };
        let code_part = hash.map_or(line, |h| &line[..h]);
        let has_code = !code_part.trim().is_empty();
        if has_code {
            let first = drawing_top.take().unwrap_or(line_no);
            for i in pending.drain(..) {
                let s: &mut Suppression = &mut found[i];
                s.target_line = first;
                s.last_line = line_no;
            }
        } else if hash.is_none() {
            // A blank line: standalone comments above it cover nothing.
            pending.clear();
        }
        if let Some(h) = hash {
            let (comment, marker) = match style {
                _ if mermaid_comment.is_some() => (&line[h..], 2),
                CommentStyle::Hash => (&line[h..], 1),
                CommentStyle::Html => {
                    // The close is looked for after the opening `<!--`, so
                    // `<!-->` is an (empty) comment, not a slice past its end.
                    let body = &line[h..];
                    let end = body[4..].find("-->").map_or(body.len(), |e| e + 4);
                    (&body[..end], 4)
                }
            };
            let body = comment.get(marker..).unwrap_or("").trim_start();
            if let Some(problem) = misspelt(body) {
                let end = match style {
                    CommentStyle::Html if mermaid_comment.is_none() => line[h + 4..]
                        .find("-->")
                        .map_or(line.len(), |e| h + 4 + e + 3),
                    _ => line.len(),
                };
                malformed.push(Malformed {
                    span: Span::new(offset + h, offset + end),
                    word: None,
                    problem: Some(problem),
                });
            } else if let Some(rest) = body.strip_prefix("msklint:") {
                let span = match style {
                    _ if mermaid_comment.is_some() => Span::new(offset + h, offset + line.len()),
                    CommentStyle::Hash => Span::new(offset + h, offset + line.len()),
                    CommentStyle::Html => {
                        let end = line[h + 4..]
                            .find("-->")
                            .map_or(line.len(), |e| h + 4 + e + 3);
                        Span::new(offset + h, offset + end)
                    }
                };
                let rest_at = offset + h + (comment.len() - rest.len());
                match parse(rest, rest_at) {
                    Ok((rules, reason)) => {
                        found.push(Suppression {
                            span,
                            target_line: line_no,
                            last_line: line_no,
                            rules,
                            reason,
                            word: None,
                        });
                        if !has_code {
                            pending.push(found.len() - 1);
                        }
                    }
                    Err(problem) => malformed.push(Malformed {
                        span,
                        word: None,
                        problem,
                    }),
                }
            }
        }
        offset += raw_line.len();
    }
    (found, malformed)
}

/// What is wrong with a comment that means to be a suppression but does
/// not start `msklint:` ("MSKLint: allow(...)", "msklint allow(...)",
/// "mskint: allow(...)"): silently ignored, it left the finding in place
/// with no word why.
fn misspelt(body: &str) -> Option<String> {
    if body.starts_with("msklint:") {
        return None;
    }
    // ASCII only, so a position in `lower` is the same in `body`.
    let lower = body.to_ascii_lowercase();
    let allow = lower.find("allow")?;
    let after = lower[allow + 5..].trim_start();
    let before = lower[..allow].trim().trim_end_matches(':').trim();
    let near = before.len() >= 5
        && before.len() <= 10
        && (before.starts_with("ms") || before.starts_with("mk"))
        && crate::diagnostic::suggest(before, ["msklint"]).is_some();
    (after.starts_with('(') && near).then(|| {
        let written = body[..allow].trim();
        format!(
            "it starts `{written}`; a suppression starts `msklint:` in lower case, with the colon"
        )
    })
}

/// Byte index of a `#` that is not inside a string.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '#' {
            return Some(i);
        }
    }
    None
}

/// `allow(a, b) reason: "text"` → rule names with spans, and the reason.
type AllowList = (Vec<(String, Span)>, Option<String>);

/// Not a suppression: why, when there is more to say than that it is not
/// `allow(…)`.
fn parse(rest: &str, at: usize) -> Result<AllowList, Option<String>> {
    let inner_start = rest
        .trim_start()
        .strip_prefix("allow")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('('))
        .ok_or(None)?;
    let open = rest.len() - inner_start.len();
    let close = inner_start.find(')').ok_or(None)?;
    let mut rules = Vec::new();
    let mut pos = open;
    for part in inner_start[..close].split(',') {
        let name = part.trim();
        if !name.is_empty() {
            let start = at + pos + (part.len() - part.trim_start().len());
            rules.push((name.to_string(), Span::new(start, start + name.len())));
        }
        pos += part.len() + 1;
    }
    if rules.is_empty() {
        return Err(None);
    }
    let after = inner_start[close + 1..].trim_start();
    let reason = match after.strip_prefix("reason:").map(str::trim) {
        // A quote opened and never closed: the comment was cut short or
        // mistyped, and whether the reason is whole cannot be told.
        Some(r) if r.starts_with('"') && (r.len() < 2 || !r.ends_with('"')) => {
            return Err(Some(
                "its reason opens a quotation mark that is never closed; close it at the end of the reason".to_string(),
            ));
        }
        Some(r) => Some(
            r.strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .unwrap_or(r)
                .trim()
                .to_string(),
        ),
        None => None,
    };
    Ok((rules, reason.filter(|r| !r.is_empty())))
}

/// What the suppressions of one file are judged against: the run's rules,
/// the file's configured policy, and whether covered findings are kept.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    pub rules: &'a RuleSet,
    pub policy: &'a Policy,
    pub keep: bool,
}

/// Drops suppressed findings (or, with `keep`, marks them: a label at the
/// suppression, "marked as allowed by …") and adds the suppression
/// findings. A
/// suppression of a rule that is off for this file (per `policy`) is not
/// "unused": the rule may be on elsewhere. `extra` holds suppressions from
/// outside the text (Word comments); `blocks` are the spans of the nodes and
/// routes written over several lines.
pub fn apply(
    source: &SourceFile,
    style: CommentStyle,
    extra: Extra,
    blocks: &[Span],
    diags: &mut Vec<Diagnostic>,
    run: Run<'_>,
) {
    let Run {
        rules,
        policy,
        keep,
    } = run;
    let known = |name: &str| rules.find(name).is_some_and(|r| r.rule.name == name);
    let enabled = |name: &str| !matches!(policy.severity.get(name), Some(None));
    // `find` also matches codes: a code here is a name written wrongly.
    // A rule's code (`MSK101`), or its name in other letter case
    // (`Dead-End`): the rule meant, and which of the two it was.
    let meant = |name: &str| {
        rules
            .find(name)
            .filter(|r| r.rule.name != name)
            .map(|r| (r.rule.name.clone(), r.rule.code.eq_ignore_ascii_case(name)))
    };
    let (mut suppressions, mut malformed) = scan(source, style);
    // A comment above the first line of a node or route written over
    // several lines covers all of it.
    if !suppressions.is_empty() && !blocks.is_empty() {
        let mut block_end: std::collections::HashMap<usize, usize> =
            std::collections::HashMap::new();
        let targets: std::collections::HashSet<usize> =
            suppressions.iter().map(|s| s.target_line).collect();
        for b in blocks {
            let first = source.line_col(b.start()).line;
            if targets.contains(&first) {
                let last = source.line_col(b.end()).line;
                let end = block_end.entry(first).or_insert(first);
                *end = (*end).max(last);
            }
        }
        for s in &mut suppressions {
            if let Some(&end) = block_end.get(&s.target_line) {
                s.last_line = s.last_line.max(end);
            }
        }
    }
    suppressions.extend(extra.0);
    malformed.extend(extra.1);
    if suppressions.is_empty() && malformed.is_empty() {
        return;
    }
    // Nothing ran on a file that failed to decode, and on one with a
    // syntax error the broken items were not read and some checks held
    // back, so no suppression can be judged unused there.
    let unchecked = diags
        .iter()
        .any(|d| crate::config::LOCKED.contains(&d.rule.as_str()));
    let mut used = vec![vec![false; 0]; suppressions.len()];
    for (i, s) in suppressions.iter().enumerate() {
        used[i] = vec![false; s.rules.len()];
    }
    diags.retain_mut(|d| {
        if crate::config::LOCKED.contains(&d.rule.as_str()) {
            return true;
        }
        let line = source.line_col(d.span.start()).line;
        let mut shown = true;
        for (i, s) in suppressions
            .iter()
            .enumerate()
            .filter(|(_, s)| (s.target_line..=s.last_line).contains(&line))
        {
            for (j, (name, _)) in s.rules.iter().enumerate() {
                if *name == d.rule {
                    used[i][j] = true;
                    // A sidecar entry is the reader's own note on a file
                    // they cannot edit, obeyed even when others' are kept.
                    let keep = keep && !matches!(s.word, Some(Outside::Sidecar { .. }));
                    if keep && shown {
                        d.related.push(crate::diagnostic::Label {
                            span: s.span,
                            text: format!("{ALLOWED} {}", s.describe(source)),
                        });
                    }
                    shown = shown && keep;
                }
            }
        }
        shown
    });
    for (i, s) in suppressions.iter().enumerate() {
        if s.reason.is_none() {
            let message = match &s.word {
                Some(o) => format!("{o} does not say why it suppresses"),
                None => "this suppression does not say why".to_string(),
            };
            let help = match &s.word {
                Some(Outside::Sidecar { .. }) => "add `reason: \"...\"` to the entry, so a reviewer can judge whether the exception still holds",
                _ => "add `reason: \"...\"` after the allow list, so a reviewer can judge whether the exception still holds",
            };
            diags.push(
                Diagnostic::warning(WITHOUT_REASON, s.span, message)
                    .with_label("no reason given")
                    .with_help(help),
            );
        }
        for (j, (name, span)) in s.rules.iter().enumerate() {
            if used[i][j] {
                continue;
            }
            if crate::config::LOCKED.contains(&name.as_str()) {
                diags.push(
                    Diagnostic::warning(UNUSED, *span, format!("`{name}` cannot be suppressed"))
                        .with_label("always reported")
                        .with_help("a file that does not parse is checked only in part, and one that cannot be read not at all; fix the file instead"),
                );
                continue;
            }
            if unchecked {
                continue;
            }
            if !known(name) {
                let (hint, fix) = match meant(name) {
                    Some((rule, true)) => (
                        format!(" `{name}` is the code of `{rule}`; suppressions use rule names."),
                        Some(rule),
                    ),
                    Some((rule, false)) => (
                        format!(" Rule names are written in lower case: `{rule}`."),
                        Some(rule),
                    ),
                    None => match suggest(name, rules.names()) {
                        Some(n) => (format!(" Did you mean `{n}`?"), Some(n.to_string())),
                        None => (String::new(), None),
                    },
                };
                // As msklint.yaml says it, so one-line formats show the name.
                let named = match &fix {
                    Some(rule) => format!("no rule is called `{name}`; did you mean `{rule}`?"),
                    None => format!("no rule is called `{name}`"),
                };
                let mut d = Diagnostic::warning(UNUSED, *span, named)
                    .with_label("unknown rule")
                    .with_help(format!("`msklint rules` lists every rule name.{hint}"));
                if let Some(fix) = fix.filter(|_| s.word.is_none()) {
                    d = d.with_suggestion(*span, fix);
                }
                diags.push(d);
            } else if enabled(name) {
                if let Some(o) = &s.word {
                    let (message, help) = match o {
                        Outside::Word(p) => (
                            format!(
                                "`{name}` does not fire in {p}, where a Word comment suppresses it"
                            ),
                            "remove the comment, or attach it to the paragraph the finding is in",
                        ),
                        Outside::Sidecar { .. } => (
                            format!("`{name}` does not fire on the text {o} quotes"),
                            "remove the entry, or quote the sentence the finding is in",
                        ),
                    };
                    diags.push(
                        Diagnostic::warning(UNUSED, *span, message)
                            .with_label("suppresses nothing")
                            .with_help(help),
                    );
                    continue;
                }
                let (first, last) = (s.target_line, s.last_line);
                let covered = if first == last {
                    "the line this suppression covers".to_string()
                } else {
                    format!("lines {first} to {last}, which this suppression covers")
                };
                let mut d = Diagnostic::warning(
                    UNUSED,
                    *span,
                    format!("`{name}` does not fire on {covered}"),
                )
                .with_label("suppresses nothing");
                // Point at the nearest finding of that rule, the likely
                // target of a misplaced suppression.
                let nearest = diags
                    .iter()
                    .filter(|f| f.rule == *name)
                    .map(|f| (f.span, source.line_col(f.span.start()).line))
                    .min_by_key(|&(_, line)| (line.abs_diff(first).min(line.abs_diff(last)), line));
                match nearest {
                    Some((at, line)) => {
                        let place = match style {
                            CommentStyle::Hash => "onto that line or just above it (above a node's first line, it covers the whole node)",
                            CommentStyle::Html => "to just above that sentence",
                        };
                        d = d
                            .with_related(at, format!("nearest `{name}` finding (line {line})"))
                            .with_help(format!(
                                "the nearest `{name}` finding is on line {line}: move the suppression {place}, or remove it"
                            ));
                    }
                    None => {
                        d = d.with_help(format!(
                            "`{name}` fires nowhere in this file: remove the suppression"
                        ));
                    }
                }
                diags.push(d);
            }
        }
    }
    for m in malformed {
        let (message, help) = match &m.word {
            Some(Outside::Word(p)) => (
                match &m.problem {
                    Some(problem) => format!("the Word comment on {p} is not read as a suppression: {problem}"),
                    None => format!("the Word comment on {p} starts with `msklint:` but is not a suppression msklint can read"),
                },
                "write the comment as `msklint: allow(rule-name) reason: \"why\"`",
            ),
            // The whole file could not be read or parsed (entry 0).
            Some(o @ Outside::Sidecar { entry: 0, .. }) => (
                format!("{o} cannot be used: {}", m.problem.as_deref().unwrap_or("not understood")),
                "a sidecar is a text file you can read, holding YAML: `allow:`, then entries that name `rules`, quote part of a `sentence` of the document word for word, and give a `reason` (docs/prose.md, \"Suppressions beside the document\")",
            ),
            Some(o @ Outside::Sidecar { .. }) => (
                format!("{o} cannot be used: {}", m.problem.as_deref().unwrap_or("not understood")),
                "each entry names `rules`, quotes part of a `sentence` of the document word for word, and gives a `reason` (docs/prose.md, \"Suppressions beside the document\")",
            ),
            None => (
                match &m.problem {
                    Some(problem) => format!("this comment looks like a suppression but is not read as one: {problem}"),
                    None => "this `msklint:` comment is not a suppression msklint can read".to_string(),
                },
                "write `# msklint: allow(rule-name) reason: \"why\"`",
            ),
        };
        let label = match &m.word {
            Some(Outside::Sidecar { entry: 0, .. }) => "sidecar not read",
            Some(Outside::Sidecar { .. }) => "sidecar entry not used",
            _ => "not understood",
        };
        diags.push(
            Diagnostic::new(UNUSED, Severity::Warning, m.span, message)
                .with_label(label)
                .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inside a `mermaid` fence, the drawing's `%%` comments suppress;
    /// in any other fence nothing does, and a comment above a fence still
    /// waits for the first line after it.
    #[test]
    fn mermaid_comments_suppress_inside_their_fence_only() {
        let text = "<!-- msklint: allow(dead-end) reason: \"r\" -->\n```mermaid\nflowchart TD\n  %% msklint: allow(bmi-threshold) reason: \"agreed\"\n  a[\"BMI < 40\"] --> b\n```\nAfter the drawing.\n```text\n%% msklint: allow(smoking-restriction) reason: \"r\"\nx\n```\n";
        let src = SourceFile::new("p.md", text.to_string());
        let (found, bad) = scan(&src, CommentStyle::Html);
        assert!(bad.is_empty(), "{bad:?}");
        let lines: Vec<(usize, &str)> = found
            .iter()
            .map(|s| (s.target_line, s.rules[0].0.as_str()))
            .collect();
        assert_eq!(lines, [(7, "dead-end"), (5, "bmi-threshold")]);
    }

    /// A `%%` comment at the top of a drawing covers the fence's opening
    /// line, where findings about the whole drawing sit, through its
    /// first statement.
    #[test]
    fn a_comment_at_the_top_of_a_drawing_covers_its_fence_line() {
        let text = "# P\n\n```mermaid\n%% msklint: allow(incomplete-journey) reason: \"r\"\nflowchart TD\n  %% msklint: allow(dead-end) reason: \"r\"\n  a --> b\n```\n";
        let src = SourceFile::new("p.md", text.to_string());
        let (found, bad) = scan(&src, CommentStyle::Html);
        assert!(bad.is_empty(), "{bad:?}");
        let lines: Vec<(usize, usize)> =
            found.iter().map(|s| (s.target_line, s.last_line)).collect();
        assert_eq!(lines, [(3, 5), (7, 7)]);
        // Below front matter too, where Mermaid allows comments.
        let text = "```mermaid\n---\ntitle: T\n---\n%% msklint: allow(incomplete-journey) reason: \"r\"\nflowchart TD\n  a --> b\n```\n";
        let (found, _) = scan(
            &SourceFile::new("p.md", text.to_string()),
            CommentStyle::Html,
        );
        assert_eq!((found[0].target_line, found[0].last_line), (1, 6));
    }

    #[test]
    fn trailing_and_standalone_comments_cover_the_right_lines() {
        let text = "pathway \"p\" {\n  # msklint: allow(dead-end, unreachable-node) reason: \"handled \\\" elsewhere\"\n  # plain comment\n  service a: \"A # not a comment\" # msklint: allow(dead-end)\n}\n";
        let src = SourceFile::new("t", text.to_string());
        let (found, bad) = scan(&src, CommentStyle::Hash);
        assert!(bad.is_empty());
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].target_line, 4);
        assert_eq!(
            found[0]
                .rules
                .iter()
                .map(|r| r.0.as_str())
                .collect::<Vec<_>>(),
            ["dead-end", "unreachable-node"]
        );
        assert_eq!(src.slice(found[0].rules[1].1), "unreachable-node");
        assert_eq!(found[0].reason.as_deref(), Some("handled \\\" elsewhere"));
        assert_eq!(found[1].target_line, 4);
        assert_eq!(found[1].reason, None);
    }

    #[test]
    fn a_blank_line_ends_a_standalone_comment_reach() {
        let src = SourceFile::new(
            "t",
            "# msklint: allow(dead-end) reason: \"x\"\n\nservice\n".to_string(),
        );
        let (found, _) = scan(&src, CommentStyle::Hash);
        assert_eq!(found[0].target_line, 1);
    }

    #[test]
    fn empty_html_comments_are_not_sliced_past_their_end() {
        for text in [
            "Text.\n\n<!-->\n",
            "<!--->\n",
            "<!--",
            "x <!-- msklint: allow(a) -->",
        ] {
            let src = SourceFile::new("t.md", text.to_string());
            let _ = scan(&src, CommentStyle::Html);
        }
    }

    #[test]
    fn document_comments_skip_fences_and_span_lines() {
        let text = "```\n<!-- msklint: allow(a) reason: \"example\" -->\n```\n<!-- msklint: allow(b) reason: \"r\" -->\n<!--\nnote\n-->\nSentence.\n";
        let src = SourceFile::new("t.md", text.to_string());
        let (found, bad) = scan(&src, CommentStyle::Html);
        assert!(bad.is_empty());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rules[0].0, "b");
        assert_eq!(found[0].target_line, 8);
    }

    #[test]
    fn misspelt_suppressions_are_reported_not_ignored() {
        let src = SourceFile::new(
            "t",
            "# MSKLint: allow(dead-end) reason: \"x\"\n# msklint allow(dead-end)\n# mskint: allow (dead-end)\n# eslint: allow(x)\n# we allow (for now) it\n".to_string(),
        );
        let (found, bad) = scan(&src, CommentStyle::Hash);
        assert!(found.is_empty());
        let problems: Vec<&str> = bad.iter().filter_map(|m| m.problem.as_deref()).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(
            problems[0].contains("it starts `MSKLint:`"),
            "{}",
            problems[0]
        );
        let html = SourceFile::new(
            "t",
            "<!-- msklint allow(bmi-threshold) -->\nText.\n".to_string(),
        );
        let (_, bad) = scan(&html, CommentStyle::Html);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].span, Span::new(0, 37));
        // Letters whose lower case is longer or shorter in bytes do not
        // move the cut (this once sliced inside a character).
        for odd in [
            "# msklint\u{2126}\u{a0}allow(x)\n",
            "# MSKL\u{130}NT: allow(x)\n",
        ] {
            let src = SourceFile::new("t", odd.to_string());
            let _ = scan(&src, CommentStyle::Hash);
        }
    }

    #[test]
    fn malformed_comments_are_reported() {
        let src = SourceFile::new(
            "t",
            "# msklint: alow(dead-end)\n# msklint: allow()\n".to_string(),
        );
        let (found, bad) = scan(&src, CommentStyle::Hash);
        assert!(found.is_empty());
        assert_eq!(bad.len(), 2);
    }
}
