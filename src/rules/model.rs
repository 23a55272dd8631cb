//! The rule file schema: what a YAML file under `rules/` may say.
//! docs/rules-format.md documents every field; unknown fields are errors so
//! a typo in a rule never silently turns it into a different rule.

use serde::Deserialize;

pub use super::checks::Check;
use crate::diagnostic::Severity;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable kebab-case name, e.g. `bmi-threshold`.
    pub name: String,
    /// Stable short code, e.g. `MSK101`.
    pub code: String,
    pub category: String,
    pub severity: Severity,
    /// One line: what the rule flags.
    pub summary: String,
    /// Why it matters.
    pub rationale: String,
    /// How to fix it.
    pub help: String,
    /// Documents and sections the rule rests on.
    pub sources: Vec<String>,
    pub examples: Examples,
    /// What the engine evaluates. Rules checked by the parser or graph stage
    /// say `builtin`. Written as a one-key map (`criterion: {...}`) rather
    /// than a YAML tag, which is easier for people writing rules.
    #[serde(with = "serde_norway::with::singleton_map_recursive")]
    pub check: Check,
    /// The finding's message; `{placeholders}` are filled per finding (see
    /// docs/rules-format.md). Defaults to the summary.
    #[serde(default)]
    pub message: Option<String>,
    /// The message of a finding on one route into a node that other routes
    /// reach without the same criterion, where `message` ("can only be
    /// reached by …") would claim too much. Defaults to `message`.
    #[serde(default, rename = "route-message")]
    pub route_message: Option<String>,
    /// The help of a finding on a condition written as a node's own
    /// property (`max_bmi: 40`, `exclusions: [smokers]`) rather than under
    /// `requires`, where `help` ("remove … from `requires`") would send the
    /// reader to a line that is not there. Defaults to `help`.
    #[serde(default, rename = "property-help")]
    pub property_help: Option<String>,
    /// Short text under the highlighted span.
    #[serde(default)]
    pub label: Option<String>,
    /// The ARMA key-message theme the consultation report files it under:
    /// one of [`THEMES`].
    #[serde(default)]
    pub theme: Option<String>,
    /// The question a reviewer puts to the pathway's authors; placeholders
    /// as in `message`.
    #[serde(default)]
    pub question: Option<String>,
    /// Parameters a user may change in msklint.yaml, with their defaults.
    #[serde(default)]
    pub parameters: std::collections::BTreeMap<String, serde_json::Value>,
    /// The same fault as it reads in a policy document written in prose
    /// (docs/prose.md).
    #[serde(default)]
    pub prose: Option<ProseCheck>,
}

/// The six themes of the ARMA key messages for MSK service improvement
/// (2023), in the document's order; the report groups findings by them.
pub const THEMES: [&str; 6] = [
    "co-production",
    "MSK services",
    "wider access",
    "workforce and funding",
    "health equalities",
    "barriers to access",
];

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub fail: String,
    pub pass: String,
}

/// A check on policy documents written in prose. Either sentence-level
/// (`all`, with `unless`): a sentence in which every `all` pattern matches
/// and no `unless` pattern does; or document-level (`missing`): a document
/// in which none of the patterns matches anywhere.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ProseCheck {
    /// The first is the subject and must match in the sentence itself; the
    /// rest may also match in the line a list hangs from (its lead-in).
    #[serde(default)]
    pub all: Vec<Pattern>,
    #[serde(default)]
    pub unless: Vec<Pattern>,
    /// An exception does not count in a clause that also matches one of
    /// these: "we cannot take referrals by telephone or by post" names other
    /// channels only to refuse them.
    #[serde(default)]
    pub overruled_by: Vec<Pattern>,
    /// The second opinion may fire the rule where the patterns did not
    /// only on a sentence matching one of these: a threshold guessed from
    /// the words alone needs a value ("An Oxford score is taken at every
    /// visit" names the measure and sets nothing).
    #[serde(default)]
    pub opinion_needs: Vec<Pattern>,
    #[serde(default)]
    pub missing: Vec<Pattern>,
    /// Finding message; `{sentence}` is the quoted sentence. Defaults to
    /// the rule's summary.
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    /// How to fix it in a policy's wording; defaults to the rule's `help`.
    #[serde(default)]
    pub help: Option<String>,
    /// The reviewer's question for prose findings (the rule's `question`
    /// speaks of pathway nodes).
    #[serde(default)]
    pub question: Option<String>,
    /// Example wording: `fail` must fire and `pass` must not (a test holds
    /// every rule to its examples).
    #[serde(default)]
    pub examples: Option<Examples>,
    /// `unless` compiled together.
    #[serde(skip)]
    pub unless_set: SetCache,
}

impl ProseCheck {
    /// Fills in every `{{term}}` from the vocabulary's `prose_terms`.
    pub fn expand(
        &mut self,
        terms: &std::collections::BTreeMap<String, Pattern>,
    ) -> Result<(), String> {
        for list in [
            &mut self.all,
            &mut self.unless,
            &mut self.overruled_by,
            &mut self.opinion_needs,
            &mut self.missing,
        ] {
            for p in list.iter_mut() {
                *p = p.expand(terms)?;
            }
        }
        Ok(())
    }

    pub fn is_document_level(&self) -> bool {
        !self.missing.is_empty()
    }
}

thread_local! {
    /// Set while the built-in rules and vocabulary are read ([`trusting`]).
    static TRUSTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `read` with the syntax check of [`Pattern::new`] skipped. For the
/// built-in rules and vocabulary only: tests hold every one of their
/// patterns to compiling, and checking them again at every start was about
/// half of a small run's time.
pub fn trusting<T>(read: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            TRUSTED.with(|t| t.set(self.0));
        }
    }
    let _restore = Restore(TRUSTED.with(|t| t.replace(true)));
    read()
}

/// A case-insensitive regular expression, written as one string or as a
/// list of alternatives. `regex-automata` (the engine of the `regex`
/// crate) matches in linear time, so no pattern can make a check hang; the
/// size limit stops one from eating memory when compiled.
///
/// Classes are ASCII (`\w`, `\b`, `[^.]` mean what they do in English
/// text): Unicode-aware classes made the rule set ten times slower to
/// compile. Non-ASCII literals such as `≥` or `’` still match, written
/// outside brackets (`(≥|>)`). Loading checks the syntax; the automaton is
/// built the first time a prose document needs it, so runs that check only
/// pathways never pay for it (user rule files are compiled at load, see
/// `load.rs`, so their errors still surface then).
#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    compiled: std::sync::OnceLock<Option<regex_automata::meta::Regex>>,
    /// The parsed pattern, shared by this pattern's copies: a pattern is
    /// compiled in its rule's set and alone, and parsing it (with its
    /// vocabulary terms filled in) was a third of building both.
    hir: std::sync::Arc<std::sync::Mutex<Parsed>>,
}

/// A pattern's parse, kept from its set's build for its own.
#[derive(Debug, Default)]
enum Parsed {
    #[default]
    NotYet,
    Kept(std::sync::Arc<regex_syntax::hir::Hir>),
    /// The pattern is built alone: a set built later parses it afresh
    /// rather than keep a parse (megabytes for all patterns) for it.
    Given,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

/// Why a pattern holding control character `c` is refused, in the terms
/// of the escape that most likely made it.
fn control_character(source: &str, c: char) -> String {
    let (name, escape) = yaml_escape(c).unwrap_or(("a control character", ""));
    let escape = Some(escape).filter(|e| !e.is_empty());
    // As the rule file has it, so the message can be found there.
    let shown: String = source
        .chars()
        .map(|k| match yaml_escape(k) {
            Some((_, e)) => e.to_string(),
            None if k.is_control() => k.escape_debug().to_string(),
            None => k.to_string(),
        })
        .collect();
    let cause = match escape {
        Some(_) if c == '\n' => "text is read with its line breaks as spaces, so the pattern \
             cannot match; write it on one line, or in a `>-` or `|-` block, which keeps no line \
             break at its end (or start it with `(?x)`, where line breaks are layout)"
            .to_string(),
        Some(e) => format!(
            "in a double-quoted YAML string `{e}` is read as {name}, not as the pattern's `{e}`"
        ),
        None => "it is not text any document holds".to_string(),
    };
    format!(
        "pattern `{shown}` contains {name} (U+{:04X}), which no document text holds: {cause}; \
         write the pattern in single quotes ('\\bphysio'), where a backslash stays as written",
        c as u32
    )
}

/// The control character a double-quoted YAML escape stands for, named,
/// with the escape.
fn yaml_escape(c: char) -> Option<(&'static str, &'static str)> {
    Some(match c {
        '\u{8}' => ("a backspace", "\\b"),
        '\t' => ("a tab", "\\t"),
        '\n' => ("a line break", "\\n"),
        '\r' => ("a carriage return", "\\r"),
        '\u{7}' => ("a bell character", "\\a"),
        '\u{b}' => ("a vertical tab", "\\v"),
        '\u{c}' => ("a form feed", "\\f"),
        '\u{1b}' => ("an escape character", "\\e"),
        '\0' => ("a null character", "\\0"),
        _ => return None,
    })
}

/// `{{name}}` in a pattern: a term from the vocabulary's `prose_terms`,
/// filled in when rules are loaded ([`Pattern::expand`]).
fn term_names(source: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut rest = 0;
    std::iter::from_fn(move || {
        let open = rest + source.get(rest..)?.find("{{")?;
        let close = open + 2 + source.get(open + 2..)?.find("}}")?;
        rest = close + 2;
        Some((open, close + 2, &source[open + 2..close]))
    })
    .filter(|(_, _, name)| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
    })
}

/// `source` with each `{{name}}` replaced by `fill(name)`.
fn replace_terms(
    source: &str,
    mut fill: impl FnMut(&str) -> Result<String, String>,
) -> Result<String, String> {
    let mut out = String::with_capacity(source.len());
    let mut last = 0;
    for (start, end, name) in term_names(source) {
        out.push_str(&source[last..start]);
        out.push_str(&fill(name)?);
        last = end;
    }
    out.push_str(&source[last..]);
    Ok(out)
}

/// The non-ASCII character a syntax error points at (one inside a `[...]`
/// class), else the first in `checked`, the pattern the parser read.
fn class_char(e: &regex_syntax::Error, checked: &str) -> Option<char> {
    let at = match e {
        regex_syntax::Error::Translate(t) => Some(t.span().start.offset),
        regex_syntax::Error::Parse(p) => Some(p.span().start.offset),
        _ => None,
    };
    at.and_then(|a| checked.get(a..)?.chars().next())
        .filter(|c| !c.is_ascii())
        .or_else(|| checked.chars().find(|c| !c.is_ascii()))
}

impl Pattern {
    /// The pattern with each `{{name}}` replaced by the vocabulary term of
    /// that name; an unknown name is an error.
    pub fn expand(
        &self,
        terms: &std::collections::BTreeMap<String, Pattern>,
    ) -> Result<Pattern, String> {
        if term_names(&self.source).next().is_none() {
            return Ok(self.clone());
        }
        let source = replace_terms(&self.source, |name| {
            terms
                .get(name)
                .map(|t| format!("(?:{})", t.source))
                .ok_or_else(|| {
                    format!(
                        "pattern `{}` uses `{{{{{name}}}}}`, which is not a term in `prose_terms`",
                        self.source
                    )
                })
        })?;
        Pattern::new(&source)
    }

    /// Checks the syntax only (a `{{term}}` counts as a group).
    pub fn new(source: &str) -> Result<Pattern, String> {
        if TRUSTED.with(std::cell::Cell::get) {
            return Ok(Pattern::unchecked(source));
        }
        // Documents are read with curly single quotes made straight, so a
        // pattern holding one would never match.
        if let Some(c) = source
            .chars()
            .find(|c| matches!(c, '\u{2018}' | '\u{2019}'))
        {
            return Err(format!(
                "pattern `{source}` contains `{c}` (U+{:04X}), which no document text holds: \
                 curly quotes and apostrophes are read as a straight `'`, so write `'`",
                c as u32
            ));
        }
        // A control character is a backslash escape YAML read in a
        // double-quoted string (`"\bphysio"` holds a backspace): the
        // pattern would load and never match.
        // In `(?x)` mode whitespace, line breaks included, is layout.
        let layout = source.match_indices("(?").any(|(at, _)| {
            let flags: String = source[at + 2..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            flags.contains('x')
        });
        if let Some(c) = source
            .chars()
            .find(|&c| c.is_control() && !(layout && c.is_whitespace()))
        {
            return Err(control_character(source, c));
        }
        let checked = replace_terms(source, |_| Ok("(?:x)".to_string()))?;
        syntax()
            .parse(&checked)
            .map_err(|e| match (&e, class_char(&e, &checked)) {
                (regex_syntax::Error::Translate(t), Some(c))
                    if *t.kind() == regex_syntax::hir::ErrorKind::UnicodeNotAllowed =>
                {
                    format!(
                        "pattern `{source}` has `{c}` (U+{:04X}) inside a `[...]` class, where \
                         only ASCII characters are allowed: write it as an alternative instead, \
                         as in `(?:{c}|-)`",
                        c as u32
                    )
                }
                _ => format!("invalid pattern `{source}`: {e}"),
            })?;
        Ok(Pattern::unchecked(source))
    }

    fn unchecked(source: &str) -> Pattern {
        Pattern {
            source: source.to_string(),
            compiled: std::sync::OnceLock::new(),
            hir: Default::default(),
        }
    }

    /// The pattern parsed as every pattern is read ([`syntax`]); with
    /// `keep`, kept for the pattern's own build (see [`Parsed`]).
    fn hir(&self, keep: bool) -> Result<std::sync::Arc<regex_syntax::hir::Hir>, String> {
        let mut state = self
            .hir
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Parsed::Kept(hir) = &*state {
            let hir = std::sync::Arc::clone(hir);
            if !keep {
                *state = Parsed::Given;
            }
            return Ok(hir);
        }
        let hir = std::sync::Arc::new(
            syntax()
                .parse(&self.source)
                .map_err(|e| format!("invalid pattern `{}`: {e}", self.source))?,
        );
        if keep && matches!(*state, Parsed::NotYet) {
            *state = Parsed::Kept(std::sync::Arc::clone(&hir));
        }
        if !keep {
            *state = Parsed::Given;
        }
        Ok(hir)
    }

    fn build(&self) -> Result<regex_automata::meta::Regex, String> {
        let hir = self.hir(false)?;
        regex_automata::meta::Regex::builder()
            .configure(
                engine()
                    .nfa_size_limit(Some(1 << 20))
                    // Room for the lazy DFA's states: at the 2 MB default
                    // the cache was cleared and rebuilt over and over on
                    // long documents.
                    .hybrid_cache_capacity(8 << 20),
            )
            .build_from_hir(&hir)
            .map_err(|e| {
                if e.size_limit().is_some() {
                    format!(
                        "pattern `{}` is too large (compiled size over 1 MB)",
                        self.source
                    )
                } else {
                    format!("invalid pattern `{}`: {e}", self.source)
                }
            })
    }

    /// Builds the automaton now, reporting why it cannot be.
    pub fn compile(&self) -> Result<(), String> {
        match self.compiled.get() {
            Some(Some(_)) => Ok(()),
            Some(None) => self.build().map(|_| ()),
            None => {
                let built = self.build();
                let ok = built.as_ref().map(|_| ()).map_err(Clone::clone);
                let _ = self.compiled.set(built.ok());
                ok
            }
        }
    }

    /// The first match in `text`, as a byte range.
    pub fn find_first(&self, text: &str) -> Option<(usize, usize)> {
        self.compiled
            .get_or_init(|| self.build().ok())
            .as_ref()?
            .find(text.as_bytes())
            .map(|m| (m.start(), m.end()))
    }

    /// Byte ranges of the pattern's matches in `text`. (Borrowed, not
    /// cloned: a cloned Regex starts a fresh match cache, which made long
    /// documents several times slower.)
    pub fn find_ranges(&self, text: &str) -> Vec<(usize, usize)> {
        match self.compiled.get_or_init(|| self.build().ok()) {
            Some(r) => r
                .find_iter(text.as_bytes())
                .map(|m| (m.start(), m.end()))
                .collect(),
            None => Vec::new(),
        }
    }

    /// The part of each match to mask: the group named `m` when the pattern
    /// has one ("(?P<m>4 months) of physiotherapy" masks the length and
    /// keeps the treatment for the rules that read it), else the whole match.
    /// Each comes with the whole match.
    pub fn mask_ranges(&self, text: &str) -> Vec<((usize, usize), (usize, usize))> {
        let Some(r) = self.compiled.get_or_init(|| self.build().ok()) else {
            return Vec::new();
        };
        let named = r
            .group_info()
            .to_index(regex_automata::PatternID::ZERO, "m")
            .is_some();
        if !named {
            return self.find_ranges(text).into_iter().map(|w| (w, w)).collect();
        }
        r.captures_iter(text.as_bytes())
            .filter_map(|c| {
                let whole = c.get_match()?;
                let part = c.get_group_by_name("m")?;
                Some(((part.start, part.end), (whole.start(), whole.end())))
            })
            .collect()
    }

    /// Whether the pattern matches anywhere in `text`. A pattern that cannot
    /// be compiled matches nothing (built-in patterns are tested to compile;
    /// user patterns are compiled when loaded).
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| self.build().ok())
            .as_ref()
            .is_some_and(|r| r.is_match(text.as_bytes()))
    }
}

/// Something built on first use and kept. Copies start empty and every
/// instance compares equal: it is a cache beside data, not data.
#[derive(Debug)]
pub struct Lazy<T>(pub std::sync::OnceLock<T>);

impl<T> Default for Lazy<T> {
    fn default() -> Self {
        Lazy(std::sync::OnceLock::new())
    }
}

impl<T> Clone for Lazy<T> {
    fn clone(&self) -> Self {
        Lazy::default()
    }
}

impl<T> PartialEq for Lazy<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// How every pattern is read: case-insensitive, ASCII classes, matched
/// against bytes.
fn syntax() -> regex_syntax::Parser {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .case_insensitive(true)
        .nest_limit(64)
        .build()
}

/// How every pattern is searched for.
fn engine() -> regex_automata::meta::Config {
    regex_automata::meta::Config::new()
        .utf8_empty(false)
        // Sentences are short: a literal prefilter saves little searching
        // them, and finding its literals was most of the cost of building
        // the rule set's patterns (the run on 1,000 small policies also got
        // faster without it).
        .auto_prefilter(false)
}

/// A list of patterns compiled together on first use, so one pass over a
/// text tells which of them match; most match nothing.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SetCache(Lazy<Option<AnyOf>>);

/// The same patterns compiled together: one search tells whether any of
/// them matches, and which.
#[derive(Debug)]
pub struct AnyOf {
    set: regex_automata::meta::Regex,
}

impl AnyOf {
    pub fn new<'p>(patterns: impl Iterator<Item = &'p Pattern> + Clone) -> Option<AnyOf> {
        let hirs = patterns
            .map(|p| p.hir(true))
            .collect::<Result<Vec<_>, _>>()
            .ok()?;
        let set = regex_automata::meta::Regex::builder()
            .configure(
                engine()
                    .match_kind(regex_automata::MatchKind::All)
                    .which_captures(regex_automata::nfa::thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(8 << 20))
                    .hybrid_cache_capacity(16 << 20),
            )
            .build_many_from_hir(&hirs)
            .ok()?;
        Some(AnyOf { set })
    }

    /// Whether any of the patterns matches `text`.
    pub fn is_match(&self, text: &[u8]) -> bool {
        self.set.is_match(text)
    }

    /// Indices of the patterns that match `text`, ascending.
    pub fn matching(&self, text: &[u8]) -> Vec<usize> {
        let mut found = regex_automata::PatternSet::new(self.set.pattern_len());
        self.set
            .which_overlapping_matches(&regex_automata::Input::new(text), &mut found);
        found.iter().map(|p| p.as_usize()).collect()
    }
}

impl SetCache {
    /// Whether some pattern of `patterns` (always the same list for one
    /// cache) matches `text`: one search, or one per pattern when they
    /// cannot be compiled together.
    pub fn any(&self, patterns: &[Pattern], text: &str) -> bool {
        match self.0 .0.get_or_init(|| AnyOf::new(patterns.iter())) {
            Some(any) => any.is_match(text.as_bytes()),
            None => patterns.iter().any(|p| p.is_match(text)),
        }
    }

    /// Indices of the patterns of `patterns` (always the same list for one
    /// cache) that match `text`, ascending.
    pub fn matching(&self, patterns: &[Pattern], text: &str) -> Vec<usize> {
        match self.0 .0.get_or_init(|| AnyOf::new(patterns.iter())) {
            Some(any) => any.matching(text.as_bytes()),
            None => (0..patterns.len())
                .filter(|&k| patterns[k].is_match(text))
                .collect(),
        }
    }
}

/// The subject patterns of a set of prose rules, searched for together: a
/// sentence that holds none of them can fire no sentence-level check, and
/// most sentences hold none, so the engine passes them by with one search
/// instead of one per rule.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Subjects {
    patterns: Vec<Pattern>,
    any: SetCache,
}

impl Subjects {
    pub fn of<'p>(patterns: impl Iterator<Item = &'p Pattern>) -> Subjects {
        Subjects {
            patterns: patterns.cloned().collect(),
            any: SetCache::default(),
        }
    }

    /// Whether some subject occurs in `text`.
    pub fn any(&self, text: &str) -> bool {
        self.any.any(&self.patterns, text)
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            One(String),
            Alternatives(Vec<String>),
        }
        let source = match Written::deserialize(d)? {
            Written::One(s) => s,
            Written::Alternatives(list) => list
                .iter()
                .map(|a| format!("(?:{a})"))
                .collect::<Vec<_>>()
                .join("|"),
        };
        if source.trim().is_empty() {
            return Err(serde::de::Error::custom("a pattern must not be empty"));
        }
        Pattern::new(&source).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_non_ascii_character_in_a_class_is_the_one_named() {
        // `≥` outside the class is fine; the en dash inside is refused.
        let err = Pattern::new("bmi \u{2265} 30 [\u{2013}-] referred").unwrap_err();
        assert!(err.contains("U+2013") && !err.contains("U+2265"), "{err}");
        let err = Pattern::new("bmi [\u{2265}>] 30").unwrap_err();
        assert!(err.contains("U+2265"), "{err}");
    }

    /// A control character a double-quoted YAML escape made is refused,
    /// named by that escape; in `(?x)` mode line breaks are layout.
    #[test]
    fn control_characters_are_refused_unless_layout() {
        let err = Pattern::new("\u{8}physio").unwrap_err();
        assert!(
            err.contains("backspace") && err.contains("`\\bphysio`"),
            "{err}"
        );
        let err = Pattern::new("waiting\n").unwrap_err();
        assert!(err.contains(">-"), "{err}");
        let p = Pattern::new("(?x) \\b wait (ing)?\n  \\s period \\b").unwrap();
        assert!(p.is_match("a waiting period of 12 weeks"));
        let p = Pattern::new("(?sx) \\b wait (ing)?\n  \\s period \\b").unwrap();
        assert!(p.is_match("a waiting period of 12 weeks"));
        assert!(Pattern::new("(?-x)wait\nperiod").is_err());
    }

    fn patterns(sources: &[&str]) -> Vec<Pattern> {
        sources.iter().map(|s| Pattern::new(s).unwrap()).collect()
    }

    #[test]
    fn a_set_tells_which_patterns_match_even_when_they_share_a_group_name() {
        let list = patterns(&[
            r"\b(?P<m>\d+ months) of physio",
            r"\bbmi\b",
            r"\b(?P<m>\d+ weeks) of rest",
        ]);
        let set = AnyOf::new(list.iter()).expect("compiles");
        let text = b"after 3 weeks of rest and 6 months of physio";
        assert!(set.is_match(text));
        assert_eq!(set.matching(text), vec![0, 2]);
        assert!(set.matching(b"a BMI of 40").eq(&[1]));
        assert!(!set.is_match(b"nothing here"));
    }

    #[test]
    fn patterns_match_case_blind_and_mask_their_named_part() {
        let p = Pattern::new(r"\b(?P<m>\d+ months) of physiotherapy\b").unwrap();
        let text = "Pain for 6 MONTHS of Physiotherapy";
        assert!(p.is_match(text));
        assert_eq!(p.mask_ranges(text), vec![((9, 17), (9, 34))]);
        assert_eq!(p.find_first(text), Some((9, 34)));
    }

    #[test]
    fn trusted_reading_skips_the_check_only_while_it_lasts() {
        assert!(Pattern::new("(unclosed").is_err());
        assert!(trusting(|| Pattern::new("(unclosed")).is_ok());
        assert!(Pattern::new("(unclosed").is_err());
        // A trusted pattern that does not compile matches nothing.
        let broken = trusting(|| Pattern::new("(unclosed")).unwrap();
        assert!(!broken.is_match("(unclosed"));
        assert!(broken.compile().is_err());
    }
}
