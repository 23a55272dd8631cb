//! Loading rule files: the built-in set compiled into the binary, plus any
//! extra directories. A malformed file becomes a diagnostic pointing into
//! the YAML (exit 2), never a panic.

use std::path::Path;
use std::sync::Arc;

use super::model::{Check, Rule};
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use crate::span::Span;
use crate::vocabulary::{contains, Vocabulary};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

#[derive(Debug, Clone)]
pub struct LoadedRule {
    pub rule: Rule,
    /// Where it came from: `rules/access/bmi-threshold.yaml` or a user path.
    pub origin: String,
    /// One of msklint's own rules (documented in docs/rules.md), not one
    /// loaded from the user's files, whatever their path.
    pub builtin: bool,
}

/// A problem in a rule (or configuration) file, with the file's text so it
/// renders like any other diagnostic.
#[derive(Debug, Clone)]
pub struct LoadError {
    pub source: Arc<SourceFile>,
    pub diagnostic: Box<Diagnostic>,
}

impl LoadError {
    pub fn new(
        source: &Arc<SourceFile>,
        span: Span,
        rule: &str,
        message: impl Into<String>,
    ) -> Self {
        LoadError {
            source: Arc::clone(source),
            diagnostic: Box::new(Diagnostic::error(rule, span, message)),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<LoadedRule>,
    /// A hash of every rule file's name and text, in the order loaded: the
    /// result cache's entries hold only for the same rules.
    pub fingerprint: u64,
}

impl RuleSet {
    pub fn builtin(vocab: &Vocabulary) -> Result<RuleSet, Vec<LoadError>> {
        let mut set = RuleSet::default();
        let mut errors = Vec::new();
        super::model::trusting(|| {
            for (origin, text) in BUILTIN_RULES {
                set.add_text(origin, text, vocab, &mut errors, false);
            }
        });
        set.finish(errors)
    }

    /// Adds every `*.yaml` under `dir` (recursively, sorted).
    pub fn load_dir(
        &mut self,
        dir: &Path,
        vocab: &Vocabulary,
        errors: &mut Vec<LoadError>,
    ) -> Result<(), String> {
        let mut files = Vec::new();
        collect_yaml(dir, &mut files)
            .map_err(|e| format!("{}: {}", dir.display(), crate::discover::io_message(&e)))?;
        files.sort();
        for file in files {
            let origin = file.display().to_string();
            let bytes = std::fs::read(&file)
                .map_err(|e| format!("{origin}: {}", crate::discover::io_message(&e)))?;
            // As msklint.yaml is read: a byte-order mark dropped, UTF-16
            // taken, and anything else named for what it is.
            match crate::prose::encoding::settings_text(bytes) {
                Some(text) => self.add_text(&origin, &text, vocab, errors, true),
                None => {
                    return Err(format!(
                        "{origin}: the rule file could not be read: it is not UTF-8 or UTF-16 text; save it as UTF-8"
                    ))
                }
            }
        }
        Ok(())
    }

    /// Adds one rule held in memory (an editor's or a web page's), checked
    /// as strictly as a file from a rule folder.
    pub fn load_text(
        &mut self,
        origin: &str,
        text: &str,
        vocab: &Vocabulary,
        errors: &mut Vec<LoadError>,
    ) {
        self.add_text(origin, text, vocab, errors, true);
    }

    fn add_text(
        &mut self,
        origin: &str,
        text: &str,
        vocab: &Vocabulary,
        errors: &mut Vec<LoadError>,
        compile: bool,
    ) {
        self.fingerprint = xxhash_rust::xxh3::xxh3_64_with_seed(
            format!("{origin}\0{text}").as_bytes(),
            self.fingerprint,
        );
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let source = Arc::new(SourceFile::new(origin, text.to_string()));
        match parse_rule(&source, vocab).and_then(|mut rule| {
            if let Some(prose) = rule.prose.as_mut() {
                prose.expand(&vocab.prose_terms).map_err(|why| {
                    LoadError::new(&source, key_span(text, "prose"), "invalid-rule", why)
                })?;
            }
            Ok(rule)
        }) {
            Ok(rule) => {
                // Built-in patterns are compiled on first use (a test holds
                // them to compiling); a user's are compiled now, so a
                // pattern too large to build is reported at load.
                if let Some(prose) = rule.prose.as_ref().filter(|_| compile) {
                    let all = prose
                        .all
                        .iter()
                        .chain(&prose.unless)
                        .chain(&prose.overruled_by)
                        .chain(&prose.opinion_needs)
                        .chain(&prose.missing);
                    // A pattern that matches no text at all (`.*`, `(a)?`)
                    // matches every sentence: as a subject or condition it
                    // flags the whole document, as an exception it silences
                    // the rule.
                    let empty = |p: &super::model::Pattern| {
                        p.is_match("").then(|| {
                            format!(
                                "pattern `{}` matches every sentence, since it matches even no text: \
                                 write the words it must find (a `*` or `?` on everything makes it optional)",
                                p.source
                            )
                        })
                    };
                    if let Some((p, why)) = all
                        .filter_map(|p| p.compile().err().or_else(|| empty(p)).map(|why| (p, why)))
                        .next()
                    {
                        let at = pattern_span(text, &p.source)
                            .unwrap_or_else(|| key_span(text, "prose"));
                        errors.push(LoadError::new(&source, at, "invalid-rule", why));
                        return;
                    }
                }
                let clash = self
                    .rules
                    .iter()
                    .find(|r| r.rule.name == rule.name || r.rule.code == rule.code);
                if let Some(other) = clash {
                    let (what, value) = if other.rule.name == rule.name {
                        ("name", &rule.name)
                    } else {
                        ("code", &rule.code)
                    };
                    let mut e = LoadError::new(
                        &source,
                        key_span(text, what),
                        "invalid-rule",
                        if other.builtin {
                            format!(
                                "rule {what} `{value}` is already used by the built-in rule `{}` ({})",
                                other.rule.name, other.rule.code
                            )
                        } else {
                            format!("rule {what} `{value}` is already used by {}", other.origin)
                        },
                    );
                    e.diagnostic.help = Some(std::sync::Arc::<str>::from(format!("each rule needs its own {what}; custom rules can use a prefix of their own")));
                    errors.push(e);
                } else {
                    self.rules.push(LoadedRule {
                        rule,
                        origin: origin.to_string(),
                        // Only the built-in rules are not compiled at load.
                        builtin: !compile,
                    });
                }
            }
            Err(e) => errors.push(e),
        }
    }

    fn finish(mut self, errors: Vec<LoadError>) -> Result<RuleSet, Vec<LoadError>> {
        if !errors.is_empty() {
            return Err(errors);
        }
        self.sort();
        Ok(self)
    }

    pub fn sort(&mut self) {
        self.rules.sort_by(|a, b| a.rule.code.cmp(&b.rule.code));
    }

    /// By name or code, case-insensitively.
    pub fn find(&self, key: &str) -> Option<&LoadedRule> {
        self.rules.iter().find(|r| {
            r.rule.name.eq_ignore_ascii_case(key) || r.rule.code.eq_ignore_ascii_case(key)
        })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.rule.name.as_str())
    }
}

/// Whether `name` names a built-in rule: each rule file is named after its
/// rule, so this needs no rule set loaded.
pub fn is_builtin_name(name: &str) -> bool {
    // Rule files sit one folder down (`rules/access/...`); files at the
    // top (`rules/vocabulary.yaml`) are not rules.
    BUILTIN_RULES.iter().any(|(path, _)| {
        let path = Path::new(path);
        path.components().count() > 2
            && path.extension().is_some_and(|e| e == "yaml")
            && path.file_stem().is_some_and(|stem| stem == name)
    })
}

fn collect_yaml(dir: &Path, files: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect_yaml(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
            && path.file_name().is_some_and(|n| n != "vocabulary.yaml")
        {
            files.push(path);
        }
    }
    Ok(())
}

/// Parses one rule file and checks what serde cannot: name and code shape,
/// and that every capability the check names is a known word.
pub fn parse_rule(source: &Arc<SourceFile>, vocab: &Vocabulary) -> Result<Rule, LoadError> {
    let text = source.text.as_str();
    let mut rule: Rule = serde_norway::from_str(text).map_err(|e| yaml_error(source, &e))?;
    if !is_kebab(&rule.name) {
        return Err(LoadError::new(
            source,
            value_span(text, "name"),
            "invalid-rule",
            format!(
                "rule name `{}` must be kebab-case, e.g. `age-threshold`",
                rule.name
            ),
        ));
    }
    if !is_code(&rule.code) {
        return Err(LoadError::new(
            source,
            value_span(text, "code"),
            "invalid-rule",
            format!(
                "rule code `{}` must be capital letters then digits, e.g. `ORG001`",
                rule.code
            ),
        ));
    }
    for (field, value) in [
        ("summary", &rule.summary),
        ("rationale", &rule.rationale),
        ("help", &rule.help),
        (
            "property-help",
            rule.property_help.as_ref().unwrap_or(&rule.help),
        ),
    ] {
        if value.trim().is_empty() {
            return Err(LoadError::new(
                source,
                key_span(text, field),
                "invalid-rule",
                format!("`{field}` must not be empty"),
            ));
        }
    }
    if let Some(theme) = &rule.theme {
        if !super::model::THEMES.contains(&theme.as_str()) {
            return Err(LoadError::new(
                source,
                value_span(text, "theme"),
                "invalid-rule",
                format!(
                    "`{theme}` is not a theme; use one of: {}",
                    super::model::THEMES.join(", ")
                ),
            ));
        }
    }
    if rule.sources.is_empty() {
        return Err(LoadError::new(
            source,
            key_span(text, "sources"),
            "invalid-rule",
            "a rule must name at least one source it rests on",
        ));
    }
    if let Some(prose) = &rule.prose {
        let problem = match (prose.all.is_empty(), prose.missing.is_empty()) {
            (true, true) => Some("a prose check needs `all` (patterns one sentence must match) or `missing` (patterns a document must mention)"),
            (false, false) => Some("a prose check takes `all` or `missing`, not both: write two rules"),
            (true, false) if !prose.unless.is_empty() || !prose.overruled_by.is_empty() || !prose.opinion_needs.is_empty() => Some("`unless`, `overruled-by` and `opinion-needs` apply to `all`; a `missing` check has no sentence for them to act on"),
            _ => None,
        };
        if let Some(problem) = problem {
            return Err(LoadError::new(
                source,
                key_span(text, "prose"),
                "invalid-rule",
                problem,
            ));
        }
    }
    // A channel's other names count as it (`web` as `online`).
    if let Check::Channels(c) = &mut rule.check {
        let names: Vec<String> = c
            .only
            .iter()
            .filter_map(|ch| vocab.channel_synonyms.get(ch))
            .flatten()
            .cloned()
            .collect();
        c.other_names = names;
    }
    if let Err(entry) = expand_groups(&mut rule.check, vocab) {
        let span = word_span(text, &entry).unwrap_or_else(|| key_span(text, "check"));
        let name = entry.strip_prefix(GROUP).unwrap_or(&entry);
        let mut e = LoadError::new(
            source,
            span,
            "invalid-rule",
            format!("no capability group is called `{name}`"),
        );
        e.diagnostic.help = Some(std::sync::Arc::<str>::from(
            "the groups are listed under `capability_groups` in rules/vocabulary.yaml; msklint.yaml can add more under `vocabulary:`",
        ));
        return Err(e);
    }
    let known = |w: &str| contains(&vocab.kinds, w) || contains(&vocab.offers, w);
    let mut words = Vec::new();
    rule.check
        .capability_lists(&mut |list| words.extend(list.iter().cloned()));
    if let Some(bad) = words.iter().find(|w| !known(w)) {
        let span = word_span(text, bad).unwrap_or_else(|| key_span(text, "check"));
        let mut e = LoadError::new(source, span, "invalid-rule", format!("`{bad}` is neither a known kind nor a known offer, so this check could never match it"));
        e.diagnostic.help = Some(std::sync::Arc::<str>::from(
            "use a word from rules/vocabulary.yaml, or add it under `vocabulary:` in msklint.yaml"
                .to_string(),
        ));
        return Err(e);
    }
    Ok(rule)
}

/// How a capability list names a group of `capability_groups`.
pub const GROUP: &str = "group:";

/// Replaces each `group:NAME` in the check's capability lists with the
/// group's words, in place. The error is the first entry naming no group.
fn expand_groups(check: &mut Check, vocab: &Vocabulary) -> Result<(), String> {
    let mut unknown = None;
    check.capability_lists(&mut |list| {
        if !list.iter().any(|w| w.starts_with(GROUP)) {
            return;
        }
        let mut expanded = Vec::with_capacity(list.len());
        for word in list.drain(..) {
            let Some(name) = word.strip_prefix(GROUP) else {
                expanded.push(word);
                continue;
            };
            match vocab.capability_groups.get(name) {
                Some(words) => expanded.extend(words.iter().cloned()),
                None => {
                    unknown.get_or_insert(word);
                }
            }
        }
        *list = expanded;
    });
    unknown.map_or(Ok(()), Err)
}

fn yaml_error(source: &Arc<SourceFile>, e: &serde_norway::Error) -> LoadError {
    let text = &source.text;
    let message = e.to_string();
    // A pattern's own problem is shown at the pattern: the reader points
    // at the list holding it, and its " at line …" is then the list's.
    if let Some(at) = pattern_named(&message).and_then(|p| pattern_span(text, p)) {
        let why = message
            .rfind(" at line ")
            .map_or(message.as_str(), |n| &message[..n]);
        return LoadError::new(source, at, "invalid-rule", why.to_string());
    }
    let at = e.location().map_or(0, |l| l.index()).min(text.len());
    let end = text[at..]
        .find(['\n', '\r'])
        .map_or(text.len(), |n| at + n)
        .max(at);
    // serde's messages start "check: unknown variant ..."; keep them whole.
    let mut err = LoadError::new(
        source,
        Span::new(at, end),
        "invalid-rule",
        format!("invalid rule file: {e}"),
    );
    err.diagnostic.label = "here".into();
    // `rational:` for `rationale:`: the reader lists the fields but
    // picks none.
    let near = message
        .split_once("unknown field `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .and_then(|(word, known)| {
            let names: Vec<&str> = known.split('`').skip(1).step_by(2).collect();
            crate::diagnostic::suggest(word, names.iter().copied()).map(str::to_string)
        });
    let help = if let Some(near) = &near {
        format!("did you mean `{near}`? See docs/rules-format.md for the fields a rule file takes")
    } else if message.contains("unknown escape character") {
        "in a double-quoted YAML string a backslash starts an escape, and `\\d`, `\\s` or `\\w` \
         are none: write patterns in single quotes ('\\d+ weeks'), where a backslash stays as written"
            .to_string()
    } else {
        "see docs/rules-format.md for the fields a rule file takes".to_string()
    };
    err.diagnostic.help = Some(std::sync::Arc::<str>::from(help));
    err
}

/// The pattern an error message quotes (`pattern `…``, or `pattern "…"`
/// for one shown with its control characters escaped).
fn pattern_named(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once("pattern `")?;
    // The pattern may hold backticks of its own: the message goes on with
    // "` contains", "`: " or "` uses".
    let end = ["` contains", "`: ", "` uses", "` is too large", "` has"]
        .iter()
        .filter_map(|m| rest.find(m))
        .min()?;
    Some(&rest[..end])
}

/// Where `pattern` is written in a rule file: as written in single quotes
/// (`''` for `'`), or plain. The first of several equal patterns.
fn pattern_span(text: &str, pattern: &str) -> Option<Span> {
    if pattern.is_empty() {
        return None;
    }
    // Quoted whole first, so a pattern that is part of another is found
    // as itself.
    let quoted = pattern.replace('\'', "''");
    let written = [
        (format!("'{quoted}'"), 1),
        (format!("\"{pattern}\""), 1),
        (quoted.clone(), 0),
        (pattern.to_string(), 0),
    ];
    written.iter().find_map(|(p, quote)| {
        text.find(p.as_str())
            .map(|at| Span::new(at + quote, at + p.len() - quote))
    })
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn is_code(s: &str) -> bool {
    let letters = s.chars().take_while(|c| c.is_ascii_uppercase()).count();
    letters > 0 && letters < s.len() && s[letters..].chars().all(|c| c.is_ascii_digit())
}

/// Span of a top-level `key:` at the start of a line (or the file start).
pub fn key_span(text: &str, key: &str) -> Span {
    let needle = format!("{key}:");
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(&needle) {
            return Span::new(offset, offset + key.len());
        }
        offset += line.len();
    }
    Span::new(0, 0)
}

fn value_span(text: &str, key: &str) -> Span {
    let k = key_span(text, key);
    if k.is_empty() {
        return k;
    }
    let line_end = text[k.end()..]
        .find('\n')
        .map_or(text.len(), |n| k.end() + n);
    let value = text[k.end() + 1..line_end].trim();
    let start = text[k.end()..line_end]
        .find(value)
        .map_or(k.start(), |n| k.end() + n);
    Span::new(start, start + value.len())
}

/// First occurrence of `word` as a whole word after the `check:` key.
fn word_span(text: &str, word: &str) -> Option<Span> {
    find_word(text, word, key_span(text, "check").start())
}

/// First whole-word occurrence of `word` at or after byte `from` (letters,
/// digits, `_` and `-` count as word characters).
pub fn find_word(text: &str, word: &str, from: usize) -> Option<Span> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut search = from.min(text.len());
    while let Some(pos) = text.get(search..)?.find(word) {
        let start = search + pos;
        let end = start + word.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if before.is_none_or(|c| !is_word(c)) && after.is_none_or(|c| !is_word(c)) {
            return Some(Span::new(start, end));
        }
        search = end;
    }
    None
}
