//! Mermaid flowcharts drawn inside a Markdown policy: each fenced code
//! block (```` ``` ```` or `~~~`, as CommonMark reads them) whose info
//! string is `mermaid` and whose first statement is `flowchart` or
//! `graph`. Each is read by the Mermaid reader ([`super::mermaid`]) and
//! written out as a pathway ([`super::to_pathway`]); the pathway's
//! findings are then placed back in the Markdown with [`Flowchart::place`]
//! and [`Flowchart::parts`]: on the statement that draws the shape or link
//! they are about, or on the fence's opening line. Other Mermaid diagrams
//! (sequence diagrams, pie charts, …) are not pathways and are left alone.

use crate::diagnostic::Diagnostic;
use crate::input::InputFormat;
use crate::prose::sentences::CodeFence;
use crate::source::{DiagramPart, SourceFile};
use crate::span::Span;
use crate::vocabulary::Vocabulary;

use super::mermaid::{self, Located};
use super::{Diagram, Imported};

/// A fenced code block of a Markdown text.
#[derive(Debug, Clone, PartialEq)]
pub struct Fence<'a> {
    /// The opening line, without its line break.
    pub open: Span,
    /// The info string after the opening marker, trimmed.
    pub info: &'a str,
    /// The lines between the markers (to the end of the text when the
    /// fence is never closed), and where they start.
    pub body: &'a str,
    pub body_start: usize,
    /// Whether a closing marker ends it.
    pub closed: bool,
}

/// Every fenced code block of `text`, in order. Fences in YAML front
/// matter or an HTML comment are not fences, as the prose reader
/// (src/prose/sentences.rs) sees it.
pub fn fences(text: &str) -> Vec<Fence<'_>> {
    let mut out = Vec::new();
    let mut open: Option<(Span, &str, CodeFence, usize)> = None;
    let mut in_comment = false;
    let mut in_front_matter = false;
    // A comment never closed hides only its own line, as in prose.
    let last_closer = text.rfind("-->");
    let mut offset = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some((span, info, fence, body_start)) = open {
            if fence.closed_by(line) {
                out.push(Fence {
                    open: span,
                    info,
                    body: &text[body_start..start],
                    body_start,
                    closed: true,
                });
                open = None;
            }
            continue;
        }
        if index == 0
            && line.trim_end() == "---"
            && crate::prose::sentences::front_matter_follows(&text[offset..])
        {
            in_front_matter = true;
            continue;
        }
        if in_front_matter {
            in_front_matter = !matches!(line.trim_end(), "---" | "...");
            continue;
        }
        if in_comment {
            in_comment = !line.contains("-->");
            continue;
        }
        if let Some((fence, info)) = CodeFence::opened_by(line) {
            open = Some((Span::new(start, start + line.len()), info, fence, offset));
            continue;
        }
        // A comment opened on a line of its own or after words on one
        // hides what follows up to its end, as in prose; one never
        // closed hides nothing after its line.
        if let Some(open) = line.rfind("<!--") {
            in_comment =
                !line[open..].contains("-->") && last_closer.is_some_and(|at| at >= offset);
        }
    }
    if let Some((span, info, _, body_start)) = open {
        out.push(Fence {
            open: span,
            info,
            body: &text[body_start..],
            body_start,
            closed: false,
        });
    }
    out
}

/// Whether a fence holds a Mermaid flowchart: its info string's first
/// word is `mermaid` and its first statement (after blank lines, `%%`
/// comments and front matter) is `flowchart` or `graph`.
/// Whether `mermaid`, in any case, occurs anywhere in `text`: no fence
/// can hold a flowchart otherwise.
fn mentions_mermaid(text: &str) -> bool {
    static MERMAID: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    // The regex engine searches for a literal with SIMD; if it could not
    // be built, search fences as before.
    MERMAID
        .get_or_init(|| regex::Regex::new("(?i)mermaid").ok())
        .as_ref()
        .is_none_or(|re| re.is_match(text))
}

pub fn is_flowchart(fence: &Fence<'_>) -> bool {
    let language = fence.info.split_whitespace().next().unwrap_or("");
    if !language.eq_ignore_ascii_case("mermaid") {
        return false;
    }
    let mut lines = fence
        .body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("%%"));
    let mut first = lines.next();
    if first == Some("---") {
        first = lines.by_ref().find(|&l| l == "---").and(lines.next());
    }
    let keyword = first
        .unwrap_or("")
        .split(|c: char| c.is_whitespace() || c == ';')
        .next()
        .unwrap_or("");
    matches!(keyword, "flowchart" | "graph" | "flowchart-elk")
}

/// A flowchart fence of a Markdown text, read as a pathway or not.
#[derive(Debug, Clone)]
pub struct Flowchart {
    /// The fence's opening line in the Markdown text.
    pub open: Span,
    /// Where the fence's body starts in the Markdown text.
    pub body_start: usize,
    /// The pathway's name: the flowchart's title, else the nearest
    /// heading above, else "flowchart at line N".
    pub name: String,
    /// The pathway written from it, or why it could not be read.
    pub read: Result<(Imported, Located), Unread>,
    /// The drawing's words: its labels with HTML line breaks as spaces.
    pub words: String,
}

/// Why a flowchart fence could not be read, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Unread {
    /// The line at fault in the Markdown text.
    pub line: Span,
    /// Why, without the reader's own line number.
    pub why: String,
}

/// The flowchart fences of a Markdown text, each read as a pathway.
pub fn flowcharts(text: &str, file: &str, vocabulary: &Vocabulary) -> Vec<Flowchart> {
    // Almost no policy holds a diagram: one pass over the bytes spares
    // them the line-by-line reading of fences.
    if !mentions_mermaid(text) {
        return Vec::new();
    }
    fences(text)
        .into_iter()
        .filter(is_flowchart)
        .map(|fence| read(text, &fence, file, vocabulary))
        .collect()
}

fn read(text: &str, fence: &Fence<'_>, file: &str, vocabulary: &Vocabulary) -> Flowchart {
    let line = text[..fence.open.start()].matches('\n').count() + 1;
    let name = heading_above(&text[..fence.open.start()])
        .unwrap_or_else(|| format!("flowchart at line {line}"));
    let read = match mermaid::read_located(fence.body) {
        Ok((mut page, located)) => {
            if page.name.trim().is_empty() {
                page.name = name.clone();
            }
            let name = page.name.clone();
            match Diagram::from_pages(InputFormat::Mermaid, vec![page]) {
                Ok(diagram) => Ok((super::to_pathway(&diagram, file, vocabulary), located)),
                Err(why) => Err(Unread {
                    line: fence.open,
                    why: why.replace("it has", &format!("flowchart `{name}` has")),
                }),
            }
        }
        Err(broken) => {
            let at = fence.body_start + broken.at.min(fence.body.len());
            let end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            let line = Span::new(at, end.max(at));
            let why = match broken.why.split_once(": ") {
                Some((head, rest)) if head.starts_with("line ") => rest.to_string(),
                _ => broken.why,
            };
            Err(Unread { line, why })
        }
    };
    let name = match &read {
        Ok((imported, _)) => title_of(&imported.text).unwrap_or(name),
        Err(_) => name,
    };
    Flowchart {
        open: fence.open,
        body_start: fence.body_start,
        name,
        read,
        words: super::from_html(fence.body),
    }
}

/// The name in the first `pathway "…"` line of generated text.
fn title_of(text: &str) -> Option<String> {
    let rest = text.lines().find_map(|l| l.strip_prefix("pathway \""))?;
    Some(
        rest.rsplit_once("\" {")
            .map_or(rest, |(n, _)| n)
            .to_string(),
    )
}

/// The text of the last ATX heading (`# …`) in `before`, outside fences.
fn heading_above(before: &str) -> Option<String> {
    let mut inside: Option<CodeFence> = None;
    let mut found = None;
    for line in before.lines() {
        if let Some(fence) = inside {
            if fence.closed_by(line) {
                inside = None;
            }
            continue;
        }
        if let Some((fence, _)) = CodeFence::opened_by(line) {
            inside = Some(fence);
            continue;
        }
        let t = line.trim_start_matches(' ');
        if line.len() - t.len() > 3 {
            continue;
        }
        let hashes = t.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) {
            let rest = &t[hashes..];
            if rest.is_empty() || rest.starts_with([' ', '\t']) {
                let heading = rest.trim().trim_end_matches('#').trim();
                if !heading.is_empty() {
                    found = Some(super::one_line(heading));
                }
            }
        }
    }
    found
}

/// The pathways written from the flowchart fences of a Markdown text, one
/// after another, for `msklint import`; an error when it has none, or when
/// one cannot be read (naming its line).
pub fn import(text: &str, file: &str, vocabulary: &Vocabulary) -> Result<Imported, String> {
    let charts = flowcharts(text, file, vocabulary);
    if charts.is_empty() {
        return Err(
            "it has no Mermaid flowchart to read as a pathway (a fenced block opened with ```mermaid whose first statement is `flowchart` or `graph`)"
                .to_string(),
        );
    }
    let mut out = Imported::default();
    for chart in charts {
        let (imported, _) = chart.read.map_err(|unread| {
            let line = text[..unread.line.start()].matches('\n').count() + 1;
            format!(
                "line {line}: the flowchart `{}` cannot be read: {}",
                chart.name, unread.why
            )
        })?;
        if !out.text.is_empty() {
            out.text.push('\n');
        }
        let shift = out.text.len();
        let moved = |span: Span| Span::new(span.start() + shift, span.end() + shift);
        out.text.push_str(&imported.text);
        out.parts
            .extend(imported.parts.into_iter().map(|p| DiagramPart {
                span: moved(p.span),
                ..p
            }));
        out.guesses
            .extend(imported.guesses.into_iter().map(|mut g| {
                g.span = moved(g.span);
                for label in &mut g.related {
                    label.span = moved(label.span);
                }
                g
            }));
    }
    Ok(out)
}

impl Flowchart {
    /// The Markdown span of byte `offset` of the generated pathway text:
    /// the shape's or link's place in the fence when the offset is inside
    /// a node or route written from one, else the fence's opening line.
    fn span_of(&self, generated: &SourceFile, located: &Located, offset: usize) -> Span {
        generated
            .part_at(offset)
            .and_then(|part| self.place_of(part, located))
            .unwrap_or(self.open)
    }

    fn place_of(&self, part: &DiagramPart, located: &Located) -> Option<Span> {
        let table = if part.connector {
            &located.links
        } else {
            &located.shapes
        };
        let &(start, end) = table.get(&part.id)?;
        Some(Span::new(self.body_start + start, self.body_start + end))
    }

    /// Moves a finding on the generated pathway text into the Markdown:
    /// its span and its labels' spans. A suggested edit to the generated
    /// text means nothing in the Markdown and is dropped.
    pub fn place(&self, generated: &SourceFile, d: &mut Diagnostic) {
        let Ok((_, located)) = &self.read else {
            return;
        };
        d.span = self.span_of(generated, located, d.span.start());
        for label in &mut d.related {
            label.span = self.span_of(generated, located, label.span.start());
        }
        d.suggestion = None;
    }

    /// The generated pathway's parts with their spans in the Markdown, so
    /// findings there name the shape or link they are about.
    pub fn parts(&self) -> Vec<DiagramPart> {
        let Ok((imported, located)) = &self.read else {
            return Vec::new();
        };
        imported
            .parts
            .iter()
            .filter_map(|part| {
                Some(DiagramPart {
                    span: self.place_of(part, located)?,
                    ..part.clone()
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_as_commonmark_reads_them() {
        let text = "# T\n\n```mermaid\nflowchart TD\n a --> b\n```\n\n   ~~~~ mermaid\ngraph LR\n~~~\nx --> y\n~~~~\n\n    ```mermaid\nnot a fence\n";
        let found = fences(text);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].body, "flowchart TD\n a --> b\n");
        assert!(found[0].closed);
        assert_eq!(found[1].body, "graph LR\n~~~\nx --> y\n");
        assert!(is_flowchart(&found[0]) && is_flowchart(&found[1]));
    }

    #[test]
    fn only_text_that_names_mermaid_is_searched_for_fences() {
        assert!(mentions_mermaid("x\n```MerMaid\n"));
        assert!(!mentions_mermaid(
            "```mermai\nflowchart TD\n a --> b\n```\n"
        ));
        let v = crate::vocabulary::Vocabulary::builtin().unwrap();
        let text = "# T\n\n```Mermaid\nflowchart TD\n a --> b\n```\n";
        assert_eq!(flowcharts(text, "p.md", &v).len(), 1);
    }

    #[test]
    fn a_fence_never_closed_runs_to_the_end() {
        let found = fences("Text.\n```mermaid\nflowchart TD\n a --> b\n");
        assert_eq!(found.len(), 1);
        assert!(!found[0].closed);
        assert_eq!(found[0].body, "flowchart TD\n a --> b\n");
    }

    #[test]
    fn only_flowcharts_are_pathways() {
        for (body, yes) in [
            ("```mermaid\nsequenceDiagram\n A->>B: hi\n```\n", false),
            ("```mermaid\npie\n```\n", false),
            ("```\nflowchart TD\n```\n", false),
            (
                "```Mermaid\n%% note\n---\ntitle: X\n---\nflowchart TD\n```\n",
                true,
            ),
        ] {
            let f = fences(body);
            assert_eq!(is_flowchart(&f[0]), yes, "{body}");
        }
    }

    #[test]
    fn names_from_title_heading_or_line() {
        let v = Vocabulary::builtin().unwrap();
        let text =
            "# Policy\n\n## Knees\n\n```mermaid\nflowchart TD\n gp([GP]) --> p[Physio]\n```\n";
        let f = flowcharts(text, "p.md", &v);
        assert_eq!(f[0].name, "Knees");
        let f = flowcharts("```mermaid\ngraph TD\n a --> b\n```\n", "p.md", &v);
        assert_eq!(f[0].name, "flowchart at line 1");
        let f = flowcharts(
            "# H\n```mermaid\n---\ntitle: Hips\n---\ngraph TD\n a --> b\n```\n",
            "p.md",
            &v,
        );
        assert_eq!(f[0].name, "Hips");
    }

    #[test]
    fn a_broken_flowchart_says_where() {
        let v = Vocabulary::builtin().unwrap();
        let text = "# P\n```mermaid\nflowchart TD\n a --> b[open\n```\n";
        let f = flowcharts(text, "p.md", &v);
        let unread = f[0].read.as_ref().unwrap_err();
        assert_eq!(
            &text[unread.line.start()..unread.line.end()],
            " a --> b[open"
        );
        assert!(!unread.why.starts_with("line"), "{}", unread.why);
    }
}
