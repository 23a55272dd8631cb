//! `msklint.yaml`: per-rule severity and parameters, extra rule
//! directories, vocabulary extensions and per-path overrides.
//!
//! ```yaml
//! rules:
//!   dead-end: off
//!   bmi-threshold: warning
//!   stage-gate: { severity: error, min-services: 3 }
//! rule-dirs: [org-rules]
//! vocabulary: { kinds: [musculoskeletal_hub] }
//! overrides:
//!   - paths: ["legacy/**"]
//!     rules: { dead-end: off }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::diagnostic::{suggest, Severity};
use crate::rules::builtin::Builtin;
use crate::rules::engine::ActiveRule;
use crate::rules::load::{LoadError, RuleSet};
use crate::rules::model::Subjects;
use crate::source::SourceFile;
use crate::span::Span;
use crate::vocabulary::Vocabulary;

pub const FILE_NAME: &str = "msklint.yaml";
/// Read in a folder without a `msklint.yaml`.
pub const OTHER_FILE_NAME: &str = "msklint.yml";

/// Findings that can never be switched off or softened: without them a file
/// that was not checked at all would look clean.
pub const LOCKED: &[&str] = &[Builtin::SyntaxError.name(), Builtin::InvalidEncoding.name()];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::On(s) => s.as_str(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleSetting {
    pub level: Option<Level>,
    pub params: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct Override {
    pub patterns: Vec<String>,
    globs: GlobSet,
    pub rules: BTreeMap<String, RuleSetting>,
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    /// Relative paths in the file are relative to this directory.
    pub root: PathBuf,
    pub rules: BTreeMap<String, RuleSetting>,
    pub rule_dirs: Vec<PathBuf>,
    pub vocabulary: Vocabulary,
    pub overrides: Vec<Override>,
    /// Globs for more files to check when walking a directory (besides
    /// `*.pathway`), e.g. `policies/**/*.md`.
    pub include: Vec<String>,
    /// Globs for files and folders a directory search leaves out, e.g.
    /// `drafts` or `policies/archive`.
    pub exclude: Vec<String>,
    /// `second-opinion: false` turns off the learnt second opinion on prose
    /// findings (src/rules/opinion.rs); unset means on.
    pub second_opinion: Option<bool>,
    source: Option<Arc<SourceFile>>,
    /// Settings that did not read (a severity that is none), reported by
    /// [`Config::validate`] with every other problem, so one run names them
    /// all.
    problems: Vec<LoadError>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default, deserialize_with = "once_each")]
    rules: BTreeMap<String, RawSetting>,
    #[serde(default, deserialize_with = "one_or_more")]
    rule_dirs: Vec<String>,
    #[serde(default)]
    vocabulary: Option<Vocabulary>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    #[serde(default, deserialize_with = "one_or_more")]
    include: Vec<String>,
    #[serde(default, deserialize_with = "one_or_more")]
    exclude: Vec<String>,
    #[serde(default)]
    second_opinion: Option<bool>,
}

/// A list, or one item written without brackets (`include: "*.md"`),
/// which is what people write for a single pattern.
pub(crate) fn one_or_more<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMore {
        One(String),
        More(Vec<String>),
        /// `rule-dirs:` with nothing after it: none.
        None(()),
    }
    Ok(match OneOrMore::deserialize(d)? {
        OneOrMore::One(s) => vec![s],
        OneOrMore::More(v) => v,
        OneOrMore::None(()) => Vec::new(),
    })
}

/// The YAML reader's message in words a newcomer can act on, and help:
/// serde's names for our types and the scanner's wording for a tab mean
/// nothing to someone editing msklint.yaml.
fn yaml_problem(message: &str, text: &str, at: usize) -> (String, String) {
    let general = "see docs/configuration.md for what msklint.yaml may contain".to_string();
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let line = &text[line_start..];
    let position = message.rfind(" at line ").map_or("", |n| {
        let rest = &message[n..];
        &rest[..rest.find(',').unwrap_or(rest.len())]
    });
    // Only a tab in the line's indentation: a tab after a value is valid
    // YAML, and the real error must not be hidden behind this one.
    if line.trim_start_matches(' ').starts_with('\t') {
        return (
            format!("a tab indents this line{position}; YAML is indented with spaces only"),
            "replace the tab at the start of the line with spaces (two per level, as in docs/configuration.md)".to_string(),
        );
    }
    // `include: *.md`: YAML reads a value starting with `*` as a
    // reference to an anchor, and its message says so in its own terms.
    let first = line.lines().next().unwrap_or("");
    // The two keys that take patterns; a list item names neither.
    let key = match first
        .trim_start()
        .trim_start_matches("- ")
        .split(':')
        .next()
    {
        Some(k) if k.trim() == "paths" => "paths",
        Some(k) if k.trim() == "rule-dirs" => "rule-dirs",
        _ => "include",
    };
    if message.contains("scanning an alias")
        && [": *", "[*", ", *", "- *", ",*"]
            .iter()
            .any(|w| first.contains(w))
    {
        return (
            format!("a value starts with `*`{position}, which YAML reads as a reference, not text"),
            format!("put the pattern in quotes: `{key}: [\"*.md\"]`"),
        );
    }
    if message.contains("untagged enum OneOrMore") && key == "rule-dirs" {
        return (
            format!("`rule-dirs` takes a folder or a list of folders{position}"),
            "write `rule-dirs: [org-rules]`; see docs/configuration.md".to_string(),
        );
    }
    if message.contains("untagged enum OneOrMore") {
        return (
            format!("`{key}` takes a pattern or a list of patterns{position}"),
            format!("write `{key}: [\"*.md\", \"*.docx\"]`; see docs/configuration.md"),
        );
    }
    if message.contains("untagged enum RawSetting") {
        // `dead-end: false` (or `no`): the words YAML reads as yes and no.
        let value = first.split_once(':').map_or("", |(_, v)| v.trim());
        if ["false", "no", "true", "yes"].contains(&value.to_lowercase().as_str()) {
            let rule = first.split_once(':').map_or("", |(k, _)| k.trim());
            return (
                format!("`{rule}` is set to `{value}`{position}, which YAML reads as yes or no, not as a severity"),
                format!("write `{rule}: off` to turn the rule off, or a severity (`error`, `warning` or `info`) to keep it"),
            );
        }
        // The reader points at the block holding the setting, not at the
        // setting itself, so no rule is named.
        return (
            format!("a rule in this block is set to something other than a severity, `off` or a block{position}"),
            "give a rule a severity (`error`, `warning` or `info`), `off`, or a block of `severity:` and the rule's parameters; see docs/configuration.md".to_string(),
        );
    }
    // `second-opinion: no`: YAML 1.2 reads only `true` and `false` as
    // yes and no, though `rules:` settings take `off`.
    if message.contains("expected a boolean") {
        let (key, value) = first.split_once(':').unwrap_or((first, ""));
        let (key, value) = (key.trim().trim_start_matches("- "), value.trim());
        let word = match value.to_lowercase().as_str() {
            "no" | "off" | "n" => Some("false"),
            "yes" | "on" | "y" => Some("true"),
            _ => None,
        };
        if let Some(word) = word {
            return (
                format!("`{key}` takes `true` or `false`{position}, not `{value}`"),
                format!("write `{key}: {word}`"),
            );
        }
    }
    // `rule:` for `rules:`: the reader lists the known keys but picks none.
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((word, known)) = rest.split_once('`') {
            let names: Vec<&str> = known.split('`').skip(1).step_by(2).collect();
            if let Some(near) = crate::diagnostic::suggest(word, names.iter().copied()) {
                return (
                    plain_words(message),
                    format!("did you mean `{near}`? See docs/configuration.md for what msklint.yaml may contain"),
                );
            }
        }
    }
    (plain_words(message), general)
}

/// The YAML reader's message in the words of msklint.yaml: its type names
/// (`struct RawConfig`, `unit value`, `sequence`) mean nothing to a reader
/// of the file.
fn plain_words(message: &str) -> String {
    if message.contains("more than one document") {
        return "the file holds more than one YAML document (a `---` line starts another); \
                keep the settings in one"
            .to_string();
    }
    const WORDS: &[(&str, &str)] = &[
        (
            "expected struct RawConfig",
            "expected a block of settings such as `rules:`",
        ),
        (
            "expected struct RawOverride",
            "expected a block of `paths:` and `rules:`",
        ),
        (
            "expected struct Vocabulary",
            "expected a block of word lists such as `measures:`",
        ),
        ("invalid type: unit value", "found nothing (an empty value)"),
        ("invalid type: sequence", "found a list"),
        ("invalid type: map", "found a block"),
        ("invalid type: integer", "found the number"),
        ("invalid type: floating point", "found the number"),
        ("invalid type: boolean", "found"),
        ("invalid type: string", "found the text"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a block"),
    ];
    let mut out = message.to_string();
    for (from, to) in WORDS {
        out = out.replace(from, to);
    }
    // Any other of our type names: a block is what each of them is.
    while let Some(at) = out.find("expected struct ") {
        let end = out[at + 16..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(out.len(), |n| at + 16 + n);
        out.replace_range(at..end, "expected a block of settings");
    }
    out
}

/// A `rules:` block, refusing a rule set twice: YAML readers keep the
/// last, so `bmi-threshold: error` then `bmi-threshold: off` would quietly
/// turn the rule off.
/// Where a rule the reader found `set twice in this block` is set the
/// second time, searching from the block's place `from` (a block's key
/// comes before its settings).
fn twice_at(message: &str, text: &str, from: usize) -> Option<Span> {
    let (_, rest) = message.split_once('`')?;
    let (name, after) = rest.split_once('`')?;
    if !after.starts_with(" is set twice in this block") {
        return None;
    }
    let block_start = text[..from.min(text.len())]
        .rfind('\n')
        .map_or(0, |n| n + 1);
    let mut found = text[block_start..]
        .match_indices(name)
        .map(|(at, _)| block_start + at)
        .filter(|&at| {
            // A key: first on its line, or after `{` or `,` in a flow map.
            let before = text[..at].trim_end_matches(' ');
            let starts = before.is_empty() || before.ends_with(['\n', '{', ',']);
            starts && text[at + name.len()..].trim_start().starts_with(':')
        });
    found.next()?;
    let second = found.next()?;
    Some(Span::new(second, second + name.len()))
}

fn once_each<'de, D>(d: D) -> Result<BTreeMap<String, RawSetting>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Once;
    impl<'de> serde::de::Visitor<'de> for Once {
        type Value = BTreeMap<String, RawSetting>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a block of rule settings")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((name, setting)) = map.next_entry::<String, RawSetting>()? {
                if out.contains_key(&name) {
                    return Err(serde::de::Error::custom(format!(
                        "`{name}` is set twice in this block; keep one setting"
                    )));
                }
                out.insert(name, setting);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Once)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawSetting {
    Level(String),
    Detailed(BTreeMap<String, serde_json::Value>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    #[serde(deserialize_with = "one_or_more")]
    paths: Vec<String>,
    #[serde(default, deserialize_with = "once_each")]
    rules: BTreeMap<String, RawSetting>,
}

/// The nearest `msklint.yaml` in `start` or a parent directory.
pub fn discover(start: &Path) -> Option<PathBuf> {
    // A path that does not exist (yet: a name given to piped text) is
    // looked up from its nearest folder that does.
    let start = start.ancestors().find_map(|a| {
        let a = if a.as_os_str().is_empty() {
            Path::new(".")
        } else {
            a
        };
        std::fs::canonicalize(a).ok()
    })?;
    let dir = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    // `msklint.yml`, the other usual spelling, is read when a folder has
    // no `msklint.yaml`: a file under that name was once skipped without a
    // word, so its settings silently did nothing.
    dir.ancestors()
        .flat_map(|d| [d.join(FILE_NAME), d.join(OTHER_FILE_NAME)])
        .find(|p| p.is_file())
}

/// The configuration's name in findings: from the current folder when it
/// lies under it (found by searching upwards, its path is absolute), as
/// the files checked are named.
fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| std::fs::canonicalize(cwd).ok())
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .filter(|rel| !rel.as_os_str().is_empty())
        .map_or_else(
            || path.display().to_string(),
            |rel| rel.display().to_string(),
        )
}

impl Config {
    /// The text the configuration was read from (`None` for the defaults).
    pub fn text(&self) -> Option<&str> {
        self.source.as_deref().map(|s| s.text.as_str())
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let bytes = std::fs::read(path).map_err(|e| {
            ConfigError::Io(format!(
                "{}: the configuration could not be read: {}",
                path.display(),
                crate::discover::io_message(&e)
            ))
        })?;
        let text = crate::prose::encoding::settings_text(bytes).ok_or_else(|| {
            ConfigError::Io(format!(
                "{}: the configuration could not be read: it is not UTF-8 or UTF-16 text; save it as UTF-8",
                path.display()
            ))
        })?;
        Config::from_text(path, text)
    }

    /// A configuration from its text; `path` names it in messages, and
    /// relative paths in it are read from `path`'s folder.
    pub fn from_text(path: &Path, text: String) -> Result<Config, ConfigError> {
        // A byte-order mark (Notepad's "UTF-8 with BOM") is no YAML: read
        // as text, it made a two-key file "more than one YAML document".
        let text = match text.strip_prefix('\u{FEFF}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let source = Arc::new(SourceFile::new(shown(path), text));
        let raw: RawConfig = serde_norway::from_str(&source.text).map_err(|e| {
            let at = e.location().map_or(0, |l| l.index()).min(source.text.len());
            let (message, help) = yaml_problem(&e.to_string(), &source.text, at);
            // A rule set twice is shown at its second setting, where the
            // reader's own position (the block) is no help.
            let (message, span) = match twice_at(&message, &source.text, at) {
                Some(span) => (
                    message[..message.rfind(" at line ").unwrap_or(message.len())].to_string(),
                    span,
                ),
                None => (message, Span::new(at, at)),
            };
            let mut err = LoadError::new(
                &source,
                span,
                "invalid-config",
                format!("invalid {FILE_NAME}: {message}"),
            );
            err.diagnostic.help = Some(std::sync::Arc::<str>::from(help));
            ConfigError::File(Box::new(err))
        })?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut config = Config {
            path: Some(path.to_path_buf()),
            rule_dirs: raw.rule_dirs.iter().map(|d| root.join(d)).collect(),
            root,
            vocabulary: raw.vocabulary.unwrap_or_default(),
            include: raw.include.clone(),
            exclude: raw.exclude.clone(),
            second_opinion: raw.second_opinion,
            source: Some(Arc::clone(&source)),
            ..Config::default()
        };
        if raw.rule_dirs.iter().any(|d| d.trim().is_empty()) {
            return Err(config.error(
                "rule-dirs",
                "`rule-dirs` names an empty folder: give each folder's path, such as `rule-dirs: [org-rules]`".to_string(),
            ));
        }
        config.rules = settings(raw.rules, &source, &mut config.problems);
        for p in &raw.include {
            Glob::new(p)
                .map_err(|e| config.error(p, format!("invalid include pattern `{p}`: {e}")))?;
        }
        for p in &raw.exclude {
            Glob::new(p)
                .map_err(|e| config.error(p, format!("invalid exclude pattern `{p}`: {e}")))?;
        }
        for o in raw.overrides {
            let mut builder = GlobSetBuilder::new();
            if o.paths.iter().all(|p| p.trim().is_empty()) {
                return Err(config.error(
                    "paths",
                    "an override's `paths` names no files: give at least one pattern, such as `paths: [\"legacy/**\"]`".to_string(),
                ));
            }
            for p in &o.paths {
                for written in override_globs(p) {
                    let glob = Glob::new(&written)
                        .map_err(|e| config.error(p, format!("invalid path pattern `{p}`: {e}")))?;
                    builder.add(glob);
                }
            }
            let globs = builder
                .build()
                .map_err(|e| config.error("overrides", format!("invalid path patterns: {e}")))?;
            config.overrides.push(Override {
                patterns: o.paths,
                globs,
                rules: settings(o.rules, &source, &mut config.problems),
            });
        }
        Ok(config)
    }

    /// An error at `key` within the setting of `rule` (the first `key:`
    /// after the rule's own key, so another rule's same parameter is not it).
    fn error_in(&self, rule: &str, key: &str, message: String) -> ConfigError {
        match &self.source {
            Some(source) => {
                let at = find(&source.text, rule);
                let span = crate::rules::load::find_word(&source.text, key, at.end()).unwrap_or(at);
                ConfigError::File(Box::new(LoadError::new(
                    source,
                    span,
                    "invalid-config",
                    message,
                )))
            }
            None => ConfigError::Io(message),
        }
    }

    fn error(&self, near: &str, message: String) -> ConfigError {
        match &self.source {
            Some(source) => ConfigError::File(Box::new(LoadError::new(
                source,
                find(&source.text, near),
                "invalid-config",
                message,
            ))),
            None => ConfigError::Io(message),
        }
    }

    /// Fills in the `{{term}}`s of the merged vocabulary's reading
    /// patterns; one naming a term nobody defined is reported where the
    /// configuration wrote it.
    pub fn expand_vocabulary(
        &self,
        merged: &mut crate::vocabulary::Vocabulary,
    ) -> Result<(), ConfigError> {
        merged.expand_terms().map_err(|why| {
            let near = why
                .split('`')
                .nth(3)
                .map_or_else(|| "vocabulary".to_string(), str::to_string);
            self.error(&near, why)
        })
    }

    /// Checks the words `vocabulary:` adds against the vocabulary they join
    /// (`merged`), so a mistake is reported here and not in the built-in
    /// rule files that would later trip over it: a capability group may list
    /// only known kinds and offers, and a name may belong to one measure.
    pub fn check_vocabulary(
        &self,
        merged: &crate::vocabulary::Vocabulary,
    ) -> Result<(), ConfigError> {
        let added = &self.vocabulary;
        for (group, words) in &added.capability_groups {
            for word in words {
                if !merged.kinds.contains(word) && !merged.offers.contains(word) {
                    return Err(self.error(
                        word,
                        format!(
                            "`{word}` in the capability group `{group}` is neither a known kind nor a known offer; \
                             add it under `vocabulary:` as a kind or an offer first, or correct it"
                        ),
                    ));
                }
            }
        }
        for (channel, names) in &added.channel_synonyms {
            if !merged.channels.contains(channel) {
                return Err(self.error(
                    channel,
                    format!(
                        "`{channel}` under `channel_synonyms` is not a known channel; name one of \
                         {}, or add it under `vocabulary: channels:` first",
                        merged.channels.join(", ")
                    ),
                ));
            }
            if let Some((name, other)) = names.iter().find_map(|n| {
                let other = merged.channel_for(n).filter(|o| *o != channel.as_str())?;
                Some((n, other))
            }) {
                return Err(self.error(
                    name,
                    format!("`{name}` already names the channel `{other}`, so it cannot also name `{channel}`"),
                ));
            }
            if let Some(name) = names.iter().find(|n| merged.channels.contains(n)) {
                return Err(self.error(
                    name,
                    format!("`{name}` is a channel itself, so it cannot be another name for `{channel}`"),
                ));
            }
        }
        for measure in &added.measures {
            let names = std::iter::once(measure.measure.as_str())
                .chain(measure.names.iter().map(|n| n.name()));
            for name in names {
                let other = merged.measures.iter().find(|m| {
                    m.measure != measure.measure
                        && (m.measure.eq_ignore_ascii_case(name)
                            || m.names.iter().any(|n| n.name().eq_ignore_ascii_case(name)))
                });
                if let Some(other) = other {
                    if other.measure.eq_ignore_ascii_case(&measure.measure) {
                        return Err(self.error(
                            &measure.measure,
                            format!(
                                "measure names are written in lower case: write `{}` to add names to it",
                                other.measure
                            ),
                        ));
                    }
                    return Err(self.error(
                        name,
                        format!(
                            "`{name}` already names the measure `{}`, so it cannot also name `{}`; \
                             a name belongs to one measure",
                            other.measure, measure.measure
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks rule names, severities and parameters against the loaded
    /// rules: every problem, in the order of the file.
    pub fn validate(&self, rules: &RuleSet) -> Result<(), ConfigError> {
        let mut problems: Vec<ConfigError> = self
            .problems
            .iter()
            .map(|p| ConfigError::File(Box::new(p.clone())))
            .collect();
        let all = self
            .rules
            .iter()
            .chain(self.overrides.iter().flat_map(|o| o.rules.iter()));
        for (name, setting) in all {
            if let Err(e) = self.validate_one(rules, name, setting) {
                problems.push(e);
            }
        }
        ConfigError::all(problems)
    }

    fn validate_one(
        &self,
        rules: &RuleSet,
        name: &str,
        setting: &RuleSetting,
    ) -> Result<(), ConfigError> {
        if let Some(r) = rules.find(name).filter(|r| r.rule.name != *name) {
            let why = if r.rule.code.eq_ignore_ascii_case(name) {
                format!(
                    "`{name}` is the code of `{}`: configure rules by name",
                    r.rule.name
                )
            } else {
                format!(
                    "no rule is called `{name}`: rule names are written in lower case, `{}`",
                    r.rule.name
                )
            };
            return Err(self.error(name, why));
        }
        let Some(rule) = rules.find(name).filter(|r| r.rule.name == *name) else {
            let hint = suggest(name, rules.names())
                .map_or(String::new(), |n| format!("; did you mean `{n}`?"));
            return Err(self.error(name, format!("no rule is called `{name}`{hint}")));
        };
        if LOCKED.contains(&name)
            && setting
                .level
                .is_some_and(|l| l != Level::On(Severity::Error))
        {
            return Err(self.error(name, format!("`{name}` cannot be switched off or softened: a file that does not parse is checked only in part, and one that cannot be read not at all")));
        }
        for (key, value) in &setting.params {
            if let Some(default) = rule.rule.parameters.get(key) {
                if !same_shape(default, value) {
                    return Err(self.error_in(name, key, format!("`{key}` for `{name}` must be like its default `{default}`, not `{value}`")));
                }
            }
            if !rule.rule.parameters.contains_key(key) {
                let known: Vec<&str> = rule.rule.parameters.keys().map(String::as_str).collect();
                let hint = if known.is_empty() {
                    format!("`{name}` takes no parameters")
                } else {
                    format!("`{name}` takes: {}", known.join(", "))
                };
                return Err(self.error_in(
                    name,
                    key,
                    format!("unknown parameter `{key}` for `{name}`: {hint}"),
                ));
            }
        }
        Ok(())
    }

    /// The level the top-level `rules:` gives a rule, if it sets one.
    pub fn level(&self, name: &str) -> Option<Level> {
        self.rules.get(name).and_then(|s| s.level)
    }

    /// Whether the file sets anything for a rule: a level, a parameter or
    /// an override's level.
    pub fn changes(&self, name: &str) -> bool {
        self.level(name).is_some()
            || self.params(name).is_some()
            || !self.override_levels(name).is_empty()
    }

    /// The parameters the top-level `rules:` sets for a rule.
    pub fn params(&self, name: &str) -> Option<&BTreeMap<String, serde_json::Value>> {
        self.rules
            .get(name)
            .map(|s| &s.params)
            .filter(|p| !p.is_empty())
    }

    /// The overrides that set a level for a rule: their path globs and the level.
    pub fn override_levels(&self, name: &str) -> Vec<(&[String], Level)> {
        self.overrides
            .iter()
            .filter_map(|o| Some((o.patterns.as_slice(), o.rules.get(name)?.level?)))
            .collect()
    }

    /// Indexes of the overrides that apply to none of `files`: in a
    /// search of the whole configured folder, a pattern that matches
    /// nothing is most likely a misspelt folder.
    pub fn unmatched_overrides(&self, files: &[PathBuf]) -> Vec<usize> {
        let mut matched = vec![false; self.overrides.len()];
        for f in files {
            for i in self.overrides_for(f) {
                matched[i] = true;
            }
            if matched.iter().all(|&m| m) {
                break;
            }
        }
        (0..self.overrides.len()).filter(|&i| !matched[i]).collect()
    }

    /// Indexes of the overrides that apply to `path`.
    pub fn overrides_for(&self, path: &Path) -> Vec<usize> {
        if self.overrides.is_empty() {
            return Vec::new();
        }
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let rel = abs
            .strip_prefix(&root)
            .map_or_else(|_| path.to_path_buf(), Path::to_path_buf);
        self.overrides
            .iter()
            .enumerate()
            .filter(|(_, o)| o.globs.is_match(&rel) || o.globs.is_match(path))
            .map(|(i, _)| i)
            .collect()
    }

    /// The effective settings for a file under the given overrides, applied
    /// in order after the top-level `rules:`.
    pub fn policy(&self, rules: &RuleSet, overrides: &[usize]) -> Policy {
        let mut levels: BTreeMap<&str, Level> = BTreeMap::new();
        let mut params: BTreeMap<&str, BTreeMap<String, serde_json::Value>> = BTreeMap::new();
        let layers = std::iter::once(&self.rules).chain(
            overrides
                .iter()
                .filter_map(|&i| self.overrides.get(i))
                .map(|o| &o.rules),
        );
        for layer in layers {
            for (name, s) in layer {
                if let Some(level) = s.level {
                    levels.insert(name, level);
                }
                params.entry(name).or_default().extend(s.params.clone());
            }
        }
        let mut active = Vec::new();
        let mut severity = BTreeMap::new();
        for loaded in &rules.rules {
            let name = loaded.rule.name.as_str();
            let level = levels
                .get(name)
                .copied()
                .unwrap_or(Level::On(loaded.rule.severity));
            let on = match level {
                Level::Off => None,
                Level::On(s) => Some(s),
            };
            severity.insert(name.to_string(), on);
            if let Some(s) = on {
                // A `builtin` rule's findings come from the stages, but
                // its prose section (a rule that reads only policies) is
                // the engine's to run.
                if loaded.rule.check != crate::rules::model::Check::Builtin
                    || loaded.rule.prose.is_some()
                {
                    let mut a = ActiveRule::new(Arc::new(loaded.rule.clone()));
                    a.severity = s;
                    a.params
                        .extend(params.get(name).cloned().unwrap_or_default());
                    active.push(a);
                }
            }
        }
        let subjects = Subjects::of(
            active
                .iter()
                .filter_map(|a| a.rule.prose.as_ref()?.all.first()),
        );
        Policy {
            active,
            severity,
            subjects,
        }
    }
}

/// What applies to one file: the engine rules to run, and every rule's
/// severity (`None` = off) for findings from any stage.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub active: Vec<ActiveRule>,
    pub severity: BTreeMap<String, Option<Severity>>,
    /// The subjects of the active rules' prose checks, searched together.
    pub subjects: Subjects,
}

#[derive(Debug)]
pub enum ConfigError {
    Io(String),
    File(Box<LoadError>),
    /// Several problems in the file, in its order.
    Files(Vec<LoadError>),
}

impl ConfigError {
    /// The problems found, as one error (none: `Ok`). Each is placed in
    /// the file, in the file's order; a problem with no place (`Io`) is
    /// reported alone.
    fn all(problems: Vec<ConfigError>) -> Result<(), ConfigError> {
        let mut files = Vec::new();
        for p in problems {
            match p {
                ConfigError::Io(_) => return Err(p),
                ConfigError::File(e) => files.push(*e),
                ConfigError::Files(es) => files.extend(es),
            }
        }
        files.sort_by_key(|e| (e.diagnostic.span.start(), e.diagnostic.span.end()));
        files.dedup_by(|a, b| {
            a.diagnostic.span == b.diagnostic.span && a.diagnostic.message == b.diagnostic.message
        });
        match files.len() {
            0 => Ok(()),
            1 => Err(ConfigError::File(Box::new(files.remove(0)))),
            _ => Err(ConfigError::Files(files)),
        }
    }
}

/// The globs an override's path pattern stands for: itself, without a
/// leading `./` (paths are matched relative to the configuration's
/// folder, where `./policies/x.md` is `policies/x.md`), and, for a plain
/// name with no wildcard, everything under it as a folder (`policies`
/// meant as `policies/**`).
fn override_globs(pattern: &str) -> Vec<String> {
    let mut out = vec![pattern.to_string()];
    let mut bare = pattern;
    while let Some(rest) = bare.strip_prefix("./") {
        bare = rest;
    }
    if bare != pattern && !bare.is_empty() {
        out.push(bare.to_string());
    }
    let plain = !bare.contains(['*', '?', '[', '{']);
    let folder = bare.trim_end_matches('/');
    if plain && !folder.is_empty() {
        out.push(format!("{folder}/**"));
    }
    out
}

/// The rules' settings as written; a severity that is none is added to
/// `problems` and the rule left as its default.
fn settings(
    raw: BTreeMap<String, RawSetting>,
    source: &Arc<SourceFile>,
    problems: &mut Vec<LoadError>,
) -> BTreeMap<String, RuleSetting> {
    let mut out = BTreeMap::new();
    for (name, value) in raw {
        let detailed = matches!(value, RawSetting::Detailed(_));
        let (level, mut params) = match value {
            RawSetting::Level(l) => (Some(l), BTreeMap::new()),
            RawSetting::Detailed(mut map) => {
                let level = match map.remove("severity") {
                    Some(serde_json::Value::String(s)) => Some(s),
                    Some(other) => Some(other.to_string()),
                    None => None,
                };
                (level, map)
            }
        };
        let level = match level.as_deref() {
            None => None,
            Some("off") => Some(Level::Off),
            Some(s) => {
                match Severity::parse(s) {
                    Some(sev) => Some(Level::On(sev)),
                    None => {
                        // `rule: { severity: err }` is underlined at its
                        // `severity`, `rule: err` at the rule.
                        let key = if detailed {
                            Some(find_key(&source.text, "severity", Some(s)))
                                .filter(|at| source.text[at.start()..].starts_with("severity"))
                                .unwrap_or_else(|| find_key(&source.text, &name, Some(s)))
                        } else {
                            find_key(&source.text, &name, Some(s))
                        };
                        let at = value_after(&source.text, key, s);
                        problems.push(LoadError::new(source, at, "invalid-config", format!("`{s}` is not a severity for `{name}`: use error, warning, info or off{}", crate::diagnostic::suggest(s, ["error", "warning", "info", "off"]).map_or(String::new(), |n| format!("; did you mean `{n}`?")))));
                        None
                    }
                }
            }
        };
        params.retain(|_, v| !v.is_null());
        out.insert(name, RuleSetting { level, params });
    }
    out
}

/// Whether a configured parameter has the type of its default: a
/// non-negative whole number for numbers, a list of words for lists.
fn same_shape(default: &serde_json::Value, value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (default, value) {
        (Value::Number(_), Value::Number(n)) => n.as_u64().is_some(),
        (Value::Array(_), Value::Array(items)) => items.iter().all(Value::is_string),
        (Value::String(_), Value::String(_)) | (Value::Bool(_), Value::Bool(_)) => true,
        _ => false,
    }
}

/// The span of `value` written after the key at `key` on the same line (the
/// mistake itself, so the underline falls on `critical`, not the rule),
/// else the key's.
fn value_after(text: &str, key: Span, value: &str) -> Span {
    let rest = &text[key.end().min(text.len())..];
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    match line.find(value) {
        Some(at) if !value.is_empty() => {
            let start = key.end() + at;
            Span::new(start, start + value.len())
        }
        _ => key,
    }
}

/// Span of the first whole-word occurrence of `word` (for pointing at a key).
fn find(text: &str, word: &str) -> Span {
    find_key(text, word, None)
}

/// Where `word` is written as a key (`word:`, not in a comment), preferring
/// the one whose value starts with `value` when that is given: the same
/// rule may be set in `rules:` and again under `overrides:`, and only one
/// of them is wrong. Falls back to the first mention anywhere.
fn find_key(text: &str, word: &str, value: Option<&str>) -> Span {
    use crate::rules::load::find_word;
    let mut first_key = None;
    let mut from = 0;
    while let Some(span) = find_word(text, word, from) {
        from = span.end();
        let line_start = text[..span.start()].rfind('\n').map_or(0, |n| n + 1);
        let before = &text[line_start..span.start()];
        let commented = before
            .char_indices()
            .any(|(i, c)| c == '#' && (i == 0 || before[..i].ends_with([' ', '\t'])));
        let after = text[span.end()..].trim_start_matches(['"', '\'']);
        let Some(rest) = after.trim_start_matches([' ', '\t']).strip_prefix(':') else {
            continue;
        };
        if commented {
            continue;
        }
        let rest = rest.trim_start_matches([' ', '\t', '"', '\'']);
        // The whole value, not its start: `warn` is not `warning`.
        let whole = |v: &str| {
            rest.strip_prefix(v).is_some_and(|after| {
                after
                    .chars()
                    .next()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'))
            })
        };
        match value {
            Some(v) if whole(v) => return span,
            _ => {
                first_key.get_or_insert(span);
            }
        }
    }
    first_key
        .or_else(|| find_word(text, word, 0))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    /// A configuration read and checked against the built-in rules, as a
    /// run does.
    fn validated(text: &str) -> Result<super::Config, super::ConfigError> {
        let config =
            super::Config::from_text(std::path::Path::new("msklint.yaml"), text.to_string())?;
        let rules = crate::check::Linter::builtin()
            .map_err(super::ConfigError::Io)?
            .rules;
        config.validate(&rules).map(|()| config)
    }

    /// `rule-dirs` takes one folder without brackets, as `include` does.
    #[test]
    fn rule_dirs_take_one_folder_written_alone() {
        let dirs = |text: &str| {
            super::Config::from_text(std::path::Path::new("cfg/msklint.yaml"), text.to_string())
                .map(|c| c.rule_dirs)
                .unwrap_or_else(|e| panic!("{e:?}"))
        };
        assert_eq!(
            dirs("rule-dirs: org\n"),
            [std::path::PathBuf::from("cfg/org")]
        );
        assert_eq!(dirs("rule-dirs: [org, shared]\n").len(), 2);
        assert!(dirs("rule-dirs:\n").is_empty());
        let empty = super::Config::from_text(
            std::path::Path::new("msklint.yaml"),
            "rule-dirs: \"\"\n".to_string(),
        );
        assert!(
            matches!(&empty, Err(super::ConfigError::File(e)) if e.diagnostic.message.contains("empty folder")),
            "{empty:?}"
        );
    }

    /// A folder named plainly, or with a leading `./`, covers the files
    /// in it; a wildcard pattern is taken as written.
    #[test]
    fn an_override_naming_a_folder_covers_its_files() {
        let applies = |paths: &str, file: &str| {
            let text = format!("overrides:\n  - paths: {paths}\n    rules:\n      dead-end: off\n");
            let config = super::Config::from_text(std::path::Path::new("msklint.yaml"), text)
                .unwrap_or_else(|e| panic!("{e:?}"));
            !config.overrides_for(std::path::Path::new(file)).is_empty()
        };
        for paths in [
            "[\"policies\"]",
            "[\"policies/\"]",
            "[\"./policies/**\"]",
            "\"policies/**\"",
        ] {
            assert!(applies(paths, "policies/p.md"), "{paths}");
            assert!(applies(paths, "policies/old/q.md"), "{paths}");
            assert!(!applies(paths, "pathways/p.md"), "{paths}");
        }
        assert!(!applies("[\"policies/*.docx\"]", "policies/p.md"));
        assert!(applies("[\"p.md\"]", "p.md"));
    }

    /// Every mistake in the rules' settings is reported in one run, in
    /// the file's order: misspelt names and a severity that is none.
    #[test]
    fn every_mistake_in_the_settings_is_reported_at_once() {
        let text = "rules:\n  bmi-treshold: off\n  dna-dischage: off\n  dead-end: loud\noverrides:\n  - paths: [\"x/**\"]\n    rules:\n      stage-gate: waring\n";
        match validated(text) {
            Err(super::ConfigError::Files(es)) => {
                let lines: Vec<usize> = es
                    .iter()
                    .map(|e| text[..e.diagnostic.span.start()].matches('\n').count() + 1)
                    .collect();
                assert_eq!(lines, [2, 3, 4, 8]);
                assert!(
                    es[3].diagnostic.message.contains("did you mean `warning`?"),
                    "{}",
                    es[3].diagnostic.message
                );
            }
            other => panic!("expected four errors, got {other:?}"),
        }
    }

    /// `include: *.md` got the YAML scanner's words about aliases, and the
    /// quoted single pattern was refused as "expected a list".
    #[test]
    fn a_misspelt_key_and_a_yes_or_no_setting_get_a_fix() {
        let help = |text: &str| match super::Config::from_text(
            std::path::Path::new("msklint.yaml"),
            text.to_string(),
        ) {
            Err(super::ConfigError::File(e)) => (
                e.diagnostic.message.clone(),
                e.diagnostic.help.as_deref().unwrap_or_default().to_string(),
            ),
            other => panic!("expected an error, got {other:?}"),
        };
        let (_, fix) = help("rule:\n  dead-end: off\n");
        assert!(fix.starts_with("did you mean `rules`?"), "{fix}");
        let (message, fix) = help("rules:\n  dead-end: false\n");
        assert!(
            message.contains("`dead-end` is set to `false`"),
            "{message}"
        );
        assert!(fix.contains("`dead-end: off`"), "{fix}");
        // A switch written `no`, which YAML 1.2 does not read as false.
        let (message, fix) = help("second-opinion: no\n");
        assert!(
            message.contains("`second-opinion` takes `true` or `false`"),
            "{message}"
        );
        assert_eq!(fix, "write `second-opinion: false`");
        // Nothing near: the general advice.
        let (_, fix) = help("colour: blue\n");
        assert!(fix.starts_with("see docs/configuration.md"), "{fix}");
    }

    #[test]
    fn include_takes_one_pattern_and_an_unquoted_star_is_explained() {
        let read = |text: &str| {
            super::Config::from_text(std::path::Path::new("msklint.yaml"), text.to_string())
        };
        for text in [
            "include: *.md\n",
            "include: [*.md]\n",
            "include: [\"*.txt\", *.md]\n",
            "include:\n  - *.md\n",
        ] {
            match read(text) {
                Err(super::ConfigError::File(e)) => {
                    assert!(
                        e.diagnostic.message.contains("starts with `*`"),
                        "{text}: {}",
                        e.diagnostic.message
                    );
                    let help = e.diagnostic.help.as_deref().unwrap_or_default();
                    assert!(help.contains(r#"include: ["*.md"]"#), "{help}");
                }
                other => panic!("expected an error, got {other:?}"),
            }
        }
        let one = read("include: \"*.md\"\n").map(|c| c.include);
        assert_eq!(one.ok(), Some(vec!["*.md".to_string()]));
        let two = read("include: [\"*.md\", \"*.docx\"]\n").map(|c| c.include.len());
        assert_eq!(two.ok(), Some(2));
    }

    /// An override's `paths:` takes one pattern without brackets, as
    /// `include:` does, and its messages name `paths`.
    #[test]
    fn override_paths_take_one_pattern_and_name_themselves() {
        let read = |text: &str| {
            super::Config::from_text(std::path::Path::new("msklint.yaml"), text.to_string())
        };
        let one = read("overrides:\n  - paths: \"*.md\"\n    rules:\n      dead-end: off\n")
            .map(|c| c.overrides.len());
        assert_eq!(one.ok(), Some(1));
        match read("overrides:\n  - paths: *.md\n    rules:\n      dead-end: off\n") {
            Err(super::ConfigError::File(e)) => {
                let help = e.diagnostic.help.as_deref().unwrap_or_default();
                assert!(help.contains(r#"paths: ["*.md"]"#), "{help}");
            }
            other => panic!("expected an error, got {other:?}"),
        }
        match read("overrides:\n  - paths: {a: 1}\n    rules:\n      dead-end: off\n") {
            Err(super::ConfigError::File(e)) => {
                assert!(
                    e.diagnostic.message.contains("`paths` takes"),
                    "{}",
                    e.diagnostic.message
                );
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn reading_patterns_may_use_terms_and_an_unknown_one_is_located() {
        let expanded = |text: &str| {
            let config =
                super::Config::from_text(std::path::Path::new("msklint.yaml"), text.to_string())
                    .map_err(|e| format!("{e:?}"))?;
            let mut merged = crate::vocabulary::Vocabulary::builtin().map_err(|e| e.to_string())?;
            merged.extend(config.vocabulary.clone());
            config.expand_vocabulary(&mut merged).map_err(|e| match e {
                super::ConfigError::File(e) => {
                    format!("{} at {}", e.diagnostic.message, e.diagnostic.span.start())
                }
                super::ConfigError::Io(m) => m,
                super::ConfigError::Files(es) => format!("{} problems", es.len()),
            })?;
            Ok::<_, String>(merged)
        };
        let merged =
            expanded("vocabulary:\n  prose_denials:\n    - 'we never pause {{count}} times'\n")
                .unwrap();
        let added = merged.prose_denials.last().unwrap();
        assert!(
            added.is_match("we never pause eighteen times"),
            "{}",
            added.source
        );
        let text = "vocabulary:\n  prose_denials:\n    - '{{nosuch}} x'\n";
        let e = expanded(text).unwrap_err();
        assert!(e.contains("`{{nosuch}}`, which is not a term"), "{e}");
        assert!(
            e.ends_with(&format!("at {}", text.find("{{nosuch}}").unwrap())),
            "{e}"
        );
    }

    #[test]
    fn channel_synonyms_must_name_a_known_channel() {
        let checked = |text: &str| {
            let config =
                super::Config::from_text(std::path::Path::new("msklint.yaml"), text.to_string())
                    .map_err(|e| format!("{e:?}"))?;
            let mut merged = crate::vocabulary::Vocabulary::builtin().map_err(|e| e.to_string())?;
            merged.extend(config.vocabulary.clone());
            config
                .check_vocabulary(&merged)
                .map_err(|e| format!("{e:?}"))
        };
        let e = checked("vocabulary:\n  channel_synonyms:\n    onlin: [hub]\n").unwrap_err();
        assert!(
            e.contains("`onlin` under `channel_synonyms` is not a known channel"),
            "{e}"
        );
        let e = checked("vocabulary:\n  channel_synonyms:\n    online: [phone]\n").unwrap_err();
        assert!(e.contains("`phone` is a channel itself"), "{e}");
        assert!(checked("vocabulary:\n  channel_synonyms:\n    online: [patient_hub]\n").is_ok());
    }

    #[test]
    fn a_rule_set_twice_in_one_block_is_refused() {
        let twice = |text: &str| {
            super::Config::from_text(std::path::Path::new("msklint.yaml"), text.to_string())
                .err()
                .map(|e| format!("{e:?}"))
        };
        let e = twice("rules:\n  bmi-threshold: error\n  bmi-threshold: off\n").unwrap();
        assert!(e.contains("`bmi-threshold` is set twice"), "{e}");
        let e = twice("overrides:\n  - paths: ['*.md']\n    rules:\n      dead-end: off\n      dead-end: error\n")
            .unwrap();
        assert!(e.contains("`dead-end` is set twice"), "{e}");
        assert!(twice("rules:\n  bmi-threshold: off\n  dead-end: off\n").is_none());
        assert!(twice("rules:\n").is_none());
        // Shown at the second setting, without the reader's own position.
        let line = |text: &str| match super::Config::from_text(
            std::path::Path::new("msklint.yaml"),
            text.to_string(),
        ) {
            Err(super::ConfigError::File(e)) => {
                assert!(
                    !e.diagnostic.message.contains(" at line "),
                    "{}",
                    e.diagnostic.message
                );
                text[..e.diagnostic.span.start()].matches('\n').count() + 1
            }
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(
            line("rules:\n  dead-end: warning\n  bmi-threshold: off\n  dead-end: off\n"),
            4
        );
        assert_eq!(
            line("overrides:\n  - paths: ['*.md']\n    rules:\n      dead-end: off\n      dead-end: error\n"),
            5
        );
    }

    /// A mistake is shown at the key that holds it: not a comment that
    /// mentions the rule, nor a valid setting of the same rule elsewhere.
    #[test]
    fn a_bad_setting_is_found_at_its_own_key() {
        let at = |text: &str| match validated(text) {
            Err(super::ConfigError::File(e)) => {
                let start = e.diagnostic.span.start();
                text[..start].matches('\n').count() + 1
            }
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(at("# dead-end is noisy\nrules:\n  dead-end: loud\n"), 3);
        assert_eq!(
            at("rules: {dead-end: off}\noverrides:\n  - paths: [\"x/**\"]\n    rules: { dead-end: loud }\n"),
            4
        );
        assert_eq!(at("rules:\n  # dead-end: loud\n  dead-end: loud\n"), 3);
        // A value that starts the right one (`warn`, `warning`) is not it.
        assert_eq!(
            at("rules:\n  bmi-threshold: warning\noverrides:\n  - paths: [\"x/**\"]\n    rules:\n      bmi-threshold: warn\n"),
            6
        );
        // The map form, at its `severity`.
        assert_eq!(
            at("rules:\n  bmi-threshold: warning\noverrides:\n  - paths: [\"x/**\"]\n    rules:\n      bmi-threshold:\n        severity: err\n"),
            7
        );
    }

    /// A parameter's mistake is shown in its own rule's setting, not at the
    /// same parameter of a rule above it.
    #[test]
    fn a_bad_parameter_is_found_under_its_rule() {
        let text = "rules:\n  stage-gate:\n    min-services: 5\n  dead-end: { severity: error, min-services: 3 }\n";
        match super::Config::from_text(std::path::Path::new("msklint.yaml"), text.to_string())
            .and_then(|c| {
                let rules = crate::check::Linter::builtin()
                    .map_err(super::ConfigError::Io)?
                    .rules;
                c.validate(&rules)
            }) {
            Err(super::ConfigError::File(e)) => {
                let start = e.diagnostic.span.start();
                assert_eq!(text[..start].matches('\n').count() + 1, 4);
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// The underline falls on the wrong value itself, in every form.
    #[test]
    fn a_bad_severity_is_underlined_at_its_value() {
        let under = |text: &str| match validated(text) {
            Err(super::ConfigError::File(e)) => {
                let span = e.diagnostic.span;
                text[span.start()..span.end()].to_string()
            }
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(under("rules: {bmi-threshold: critical}\n"), "critical");
        assert_eq!(under("rules:\n  bmi-threshold: \"critical\"\n"), "critical");
        assert_eq!(under("rules:\n  dead-end: { severity: loud }\n"), "loud");
        assert_eq!(under("rules:\n  dead-end:\n    severity: loud\n"), "loud");
    }

    #[test]
    fn reader_type_names_are_put_in_plain_words() {
        assert_eq!(
            super::plain_words("invalid type: integer `42`, expected struct RawConfig"),
            "found the number `42`, expected a block of settings such as `rules:`"
        );
        assert_eq!(
            super::plain_words(
                "vocabulary: invalid type: unit value, expected struct Vocabulary at line 1 column 13"
            ),
            "vocabulary: found nothing (an empty value), expected a block of word lists such as `measures:` at line 1 column 13"
        );
        assert!(super::plain_words(
            "deserializing from YAML containing more than one document is not supported"
        )
        .contains("`---`"));
        assert_eq!(
            super::plain_words("x: expected struct Other at line 2"),
            "x: expected a block of settings at line 2"
        );
    }
}
