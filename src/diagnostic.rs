//! The one finding type every stage produces: parser, graph, rules.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A short text many findings share: a rule's name and code, the pathway
/// they are in, a label with nothing filled in. Cloning one shares it, so
/// a pathway with hundreds of thousands of findings holds each once. It
/// reads as a `str` (`d.rule == "bmi-threshold"`, `d.rule.starts_with`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Name(Arc<str>);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for Name {
    fn from(s: &str) -> Self {
        Name(Arc::from(s))
    }
}

impl From<String> for Name {
    fn from(s: String) -> Self {
        Name(Arc::from(s))
    }
}

impl From<&String> for Name {
    fn from(s: &String) -> Self {
        Name(Arc::from(s.as_str()))
    }
}

impl From<&Name> for Name {
    fn from(s: &Name) -> Self {
        s.clone()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        *self == *other.0
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Name::from)
    }
}

/// A secondary span with its own short label ("first declared here").
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// A replacement that fixes a finding: the text at `span` becomes
/// `replacement`. Given only where the fix is plain enough to make in one
/// step (a near-miss spelling, `=` for `==`), for an editor to offer as a
/// quick fix; no output format prints it, the help text says it in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub span: Span,
    pub replacement: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Stable kebab-case name, e.g. `undefined-node` or `bmi-threshold`.
    pub rule: Name,
    /// Stable short code for rules that have one (e.g. `MSK001`).
    pub code: Option<Name>,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Short text under the primary span.
    pub label: Name,
    /// Shared with the rule (and every other finding of it): large
    /// pathways can have hundreds of thousands of findings.
    pub help: Option<Arc<str>>,
    pub related: Vec<Label>,
    /// Name of the pathway the finding is in, when it is in one.
    pub pathway: Option<Name>,
    /// The node ID or route (`a -> b`) the finding is about, when there is one.
    pub subject: Option<String>,
    /// The guidance the rule rests on (document and section), shared with
    /// the rule.
    pub sources: Arc<[String]>,
    /// The question a reviewer would put to the pathway's authors.
    pub question: Option<String>,
    /// The edit that fixes it, when there is one (boxed: most findings
    /// have none, and large files have hundreds of thousands of findings).
    pub suggestion: Option<Box<Suggestion>>,
}

impl Diagnostic {
    pub fn new(
        rule: impl Into<Name>,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule: rule.into(),
            code: None,
            severity,
            message: message.into(),
            span,
            label: Name::default(),
            help: None,
            related: Vec::new(),
            pathway: None,
            subject: None,
            sources: Arc::from(Vec::new()),
            question: None,
            suggestion: None,
        }
    }

    pub fn error(rule: impl Into<Name>, span: Span, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Error, span, message)
    }

    pub fn warning(rule: impl Into<Name>, span: Span, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Warning, span, message)
    }

    pub fn with_label(mut self, label: impl Into<Name>) -> Self {
        self.label = label.into();
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(Arc::from(help.into()));
        self
    }

    pub fn with_related(mut self, span: Span, text: impl Into<String>) -> Self {
        self.related.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    /// The fix: the text at `span` replaced by `replacement`.
    pub fn with_suggestion(mut self, span: Span, replacement: impl Into<String>) -> Self {
        self.suggestion = Some(Box::new(Suggestion {
            span,
            replacement: replacement.into(),
        }));
        self
    }

    pub fn in_pathway(mut self, name: impl Into<Name>) -> Self {
        self.pathway = Some(name.into());
        self
    }

    pub fn about(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }
}

impl Diagnostic {
    /// Why this finding's spans do not fit `text` (outside it, reversed or
    /// inside a character), or `None` when they do. The fuzz targets and
    /// property tests hold every finding to this.
    pub fn span_problem(&self, text: &str) -> Option<String> {
        let spans = std::iter::once(self.span)
            .chain(self.related.iter().map(|l| l.span))
            .chain(self.suggestion.iter().map(|s| s.span));
        for span in spans {
            if span.start() > span.end() || span.end() > text.len() {
                return Some(format!(
                    "{}: span {:?} outside text of {} bytes",
                    self.rule,
                    span,
                    text.len()
                ));
            }
            if !text.is_char_boundary(span.start()) || !text.is_char_boundary(span.end()) {
                return Some(format!(
                    "{}: span {:?} not on a char boundary",
                    self.rule, span
                ));
            }
        }
        None
    }
}

/// Room in `findings` for `more`, grown by at least an eighth: a vector
/// left to double can have half its room unused, and a large pathway
/// has hundreds of thousands of findings.
pub(crate) fn make_room(findings: &mut Vec<Diagnostic>, more: usize) {
    if findings.capacity() - findings.len() < more {
        findings.reserve_exact(more.max(findings.len() / 8));
    }
}

/// "did you mean `x`?" from the closest candidate, if any is close enough.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1) + 1;
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    // Written in another case (`GP`, `SURGERY`): the same word, however
    // many letters differ.
    if let Some(same) = candidates.iter().find(|c| c.eq_ignore_ascii_case(word)) {
        return Some(same);
    }
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|&(d, c)| d <= limit && d < c.chars().count())
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn a_word_in_another_case_is_suggested_whatever_its_length() {
        assert_eq!(suggest("GP", ["gp", "primary"]), Some("gp"));
        assert_eq!(
            suggest("SURGERY", ["injection", "surgery"]),
            Some("surgery")
        );
        assert_eq!(suggest("XY", ["gp"]), None);
    }

    #[test]
    fn span_problem_catches_every_kind_of_bad_span() {
        use super::Diagnostic;
        use crate::span::Span;
        let text = "aé b"; // é is two bytes: offsets 1..3
        let ok = Diagnostic::error("r", Span::new(0, 3), "m");
        assert_eq!(ok.span_problem(text), None);
        assert!(Diagnostic::error("r", Span::new(0, 9), "m")
            .span_problem(text)
            .is_some());
        assert!(Diagnostic::error("r", Span::new(2, 3), "m")
            .span_problem(text)
            .is_some());
        assert!(Diagnostic::error("r", Span::new(3, 1), "m")
            .span_problem(text)
            .is_some());
        let related = ok.with_related(Span::new(2, 2), "x");
        assert!(related
            .span_problem(text)
            .unwrap()
            .contains("char boundary"));
    }

    #[test]
    fn suggests_near_words_only() {
        let words = ["primary", "secondary", "community"];
        assert_eq!(suggest("secondry", words), Some("secondary"));
        assert_eq!(suggest("comunity", words), Some("community"));
        assert_eq!(suggest("orthopaedics", words), None);
        assert_eq!(suggest("x", ["y"]), None);
    }
}
