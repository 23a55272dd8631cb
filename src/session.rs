//! The library's front door. A [`Session`] is built once from [`Options`]
//! (configuration, vocabulary, built-in and extra rules) and then checks
//! any number of inputs, each given as bytes or text with a name. It never
//! prints and never exits: problems come back as [`SetupError`] values and
//! findings as [`FileReport`]s, for the command line, an editor server or a
//! web page to present as they see fit.

use std::path::{Path, PathBuf};

use crate::check::{FileReport, Linter};
use crate::config::{self, Config, ConfigError};
use crate::discover::Include;
use crate::graph::PathwayGraph;
use crate::input::Content;
use crate::measures::Measures;
use crate::rules::load::{LoadError, RuleSet};
use crate::rules::prose::SentenceTrace;
use crate::source::SourceFile;
use crate::vocabulary::Vocabulary;

/// Where the configuration comes from.
#[derive(Debug, Clone, Default)]
pub enum ConfigSource {
    /// The nearest `msklint.yaml` in this folder (or a file's folder) or
    /// above it, if there is one.
    Search(PathBuf),
    /// This file, which must exist.
    File(PathBuf),
    /// The text of a `msklint.yaml` held in memory (an editor buffer, a web
    /// page); `name` is shown in messages about it.
    Text { name: String, text: String },
    /// No configuration: every rule at its own severity.
    #[default]
    None,
}

/// How a session is set up.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub config: ConfigSource,
    /// Folders of extra rule files, loaded after those the configuration
    /// names (a folder named twice is loaded once).
    pub rule_dirs: Vec<PathBuf>,
    /// Extra rules held in memory, as (name shown in messages, YAML text).
    pub rule_texts: Vec<(String, String)>,
}

/// Why a session could not be set up.
#[derive(Debug)]
pub enum SetupError {
    /// The configuration file could not be read.
    Config(String),
    /// The vocabulary compiled into msklint does not load (a build defect).
    Vocabulary(String),
    /// A rule folder could not be read.
    RuleDir(String),
    /// Problems inside the configuration or rule files, each pointing into
    /// the file's text.
    Files(Vec<LoadError>),
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetupError::Config(msg) => f.write_str(msg),
            SetupError::Vocabulary(why) => {
                write!(f, "the built-in vocabulary is broken: {why}")
            }
            SetupError::RuleDir(msg) => write!(f, "cannot load rules: {msg}"),
            SetupError::Files(errors) => {
                let all: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.source.name, e.diagnostic.message))
                    .collect();
                f.write_str(&all.join("; "))
            }
        }
    }
}

impl std::error::Error for SetupError {}

impl From<ConfigError> for SetupError {
    fn from(e: ConfigError) -> Self {
        match e {
            ConfigError::Io(msg) => SetupError::Config(msg),
            ConfigError::File(e) => SetupError::Files(vec![*e]),
            ConfigError::Files(e) => SetupError::Files(e),
        }
    }
}

/// One thing to check: a name (whose extension picks the input format, see
/// src/input.rs), the path on disk when there is one (for per-path
/// overrides in the configuration), and the content.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub name: &'a str,
    pub path: Option<&'a Path>,
    pub content: Content,
}

impl<'a> Input<'a> {
    pub fn bytes(name: &'a str, bytes: Vec<u8>) -> Self {
        Input {
            name,
            path: None,
            content: Content::Bytes(bytes),
        }
    }

    pub fn text(name: &'a str, text: String) -> Self {
        Input {
            name,
            path: None,
            content: Content::Text(text),
        }
    }

    /// A file read from disk: its path names it and picks its overrides.
    pub fn file(name: &'a str, path: &'a Path, bytes: Vec<u8>) -> Self {
        Input {
            name,
            path: Some(path),
            content: Content::Bytes(bytes),
        }
    }
}

/// Everything loaded for a run; checks inputs one at a time, from any
/// number of threads.
#[derive(Debug)]
pub struct Session {
    linter: Linter,
}

impl Session {
    /// Loads the vocabulary, the configuration and every rule.
    pub fn load(options: &Options) -> Result<Session, SetupError> {
        let config = match &options.config {
            ConfigSource::None => Config::default(),
            ConfigSource::Search(start) => match config::discover(start) {
                Some(path) => Config::load(&path)?,
                None => Config::default(),
            },
            ConfigSource::File(path) => Config::load(path)?,
            ConfigSource::Text { name, text } => Config::from_text(Path::new(name), text.clone())?,
        };
        let mut vocabulary =
            Vocabulary::builtin().map_err(|e| SetupError::Vocabulary(e.to_string()))?;
        vocabulary.extend(config.vocabulary.clone());
        config.expand_vocabulary(&mut vocabulary)?;
        config.check_vocabulary(&vocabulary)?;
        let mut rules = RuleSet::builtin(&vocabulary).map_err(SetupError::Files)?;
        let mut errors = Vec::new();
        let mut seen = Vec::new();
        for dir in config.rule_dirs.iter().chain(&options.rule_dirs) {
            // The same folder named twice (config and flag) is loaded once.
            let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            rules
                .load_dir(dir, &vocabulary, &mut errors)
                .map_err(SetupError::RuleDir)?;
        }
        for (origin, text) in &options.rule_texts {
            rules.load_text(origin, text, &vocabulary, &mut errors);
        }
        if !errors.is_empty() {
            return Err(SetupError::Files(errors));
        }
        rules.sort();
        config.validate(&rules)?;
        Ok(Session {
            linter: Linter::new(vocabulary, rules, config),
        })
    }

    /// A session around a linter built by hand (tests, benchmarks).
    pub fn from_linter(linter: Linter) -> Session {
        Session { linter }
    }

    /// Findings a document's own suppressions cover are kept and marked
    /// (see [`Linter::keeping_suppressed`]).
    pub fn keeping_suppressed(self) -> Session {
        Session {
            linter: self.linter.keeping_suppressed(),
        }
    }

    pub fn linter(&self) -> &Linter {
        &self.linter
    }

    pub fn rules(&self) -> &RuleSet {
        &self.linter.rules
    }

    pub fn config(&self) -> &Config {
        &self.linter.config
    }

    pub fn measures(&self) -> &Measures {
        &self.linter.measures
    }

    /// Which files a directory search picks up: `*.pathway`, the
    /// configuration's `include:` globs and `extra` ones, matched relative
    /// to the configuration's folder too.
    pub fn include(&self, extra: &[String], exclude: &[String]) -> Result<Include, String> {
        let config = self.config();
        let mut all = config.include.clone();
        all.extend(extra.iter().cloned());
        self.searching(Include::new(&all)?, exclude)
    }

    /// A search for pathways and diagrams only (`graph`, `score`), which
    /// still leaves out what msklint.yaml excludes.
    pub fn pathway_search(&self) -> Result<Include, String> {
        self.searching(Include::default(), &[])
    }

    fn searching(&self, include: Include, exclude: &[String]) -> Result<Include, String> {
        let config = self.config();
        let mut all = config.exclude.clone();
        all.extend(exclude.iter().cloned());
        let include = include.excluding(&all)?;
        Ok(match &config.path {
            Some(_) => include.relative_to(&config.root),
            None => include,
        })
    }

    /// Checks one input. Never fails: an input that cannot be read becomes
    /// an `invalid-encoding` finding in its report.
    pub fn check(&self, input: Input<'_>) -> FileReport {
        let report = self
            .linter
            .check_content(input.name, input.path, input.content);
        if let Some(path) = input.path {
            report.source.keep_os_path(path);
        }
        report
    }

    /// Checks one input and lends `view` the report together with the
    /// file's parsed pathways and their graphs, which are dropped once it
    /// returns. Diagrams, scores and reports are drawn from these, so no
    /// front end parses or builds a graph again.
    pub fn check_with<T>(
        &self,
        input: Input<'_>,
        view: impl FnOnce(&FileReport, &[PathwayGraph<'_>]) -> T,
    ) -> (FileReport, T) {
        self.linter
            .check_viewed(input.name, input.path, input.content, view)
    }

    /// Like [`Session::check_with`], but a pathway file read only in part
    /// (the parser recovered after a syntax error) lends the pathways it
    /// did read as well, for an editor's navigation while a line is half
    /// typed. Views that judge whole pathways (graph, score, report) use
    /// [`Session::check_with`], which lends nothing for such a file.
    pub fn check_with_partial<T>(
        &self,
        input: Input<'_>,
        view: impl FnOnce(&FileReport, &[PathwayGraph<'_>]) -> T,
    ) -> (FileReport, T) {
        self.linter
            .check_viewed_partial(input.name, input.path, input.content, view)
    }

    /// The pathway written from a diagram (`msklint import`), or why the
    /// file cannot be read as one.
    pub fn import(&self, name: &str, bytes: &[u8]) -> Result<crate::import::Imported, String> {
        self.linter.import(name, bytes)
    }

    /// Why each sentence on `line` of a policy document fired a prose rule
    /// or stayed silent. Only bytes are traced, decoded as `check` does.
    pub fn trace(
        &self,
        name: &str,
        path: Option<&Path>,
        bytes: Vec<u8>,
        line: usize,
    ) -> Result<(std::sync::Arc<SourceFile>, Vec<SentenceTrace>), String> {
        self.linter.trace(name, path, bytes, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_config_and_rules_from_memory() {
        let options = Options {
            config: ConfigSource::Text {
                name: "msklint.yaml".into(),
                text: "rules:\n  dead-end: off\n".into(),
            },
            rule_dirs: Vec::new(),
            rule_texts: Vec::new(),
        };
        let session = Session::load(&options).unwrap();
        let report = session.check(Input::text(
            "t.pathway",
            "pathway \"p\" {\n  entry a: \"A\" { kind: gp }\n}\n".into(),
        ));
        assert!(report.diagnostics.iter().all(|d| d.rule != "dead-end"));
        assert!(report
            .diagnostics
            .iter()
            .any(|d| d.rule == "missing-inequalities"));
    }

    #[test]
    fn a_bad_config_is_an_error_not_a_print() {
        let options = Options {
            config: ConfigSource::Text {
                name: "msklint.yaml".into(),
                text: "rules:\n  no-such-rule: off\n".into(),
            },
            ..Options::default()
        };
        match Session::load(&options) {
            Err(SetupError::Files(errors)) => {
                assert!(errors[0].diagnostic.message.contains("no-such-rule"));
            }
            other => panic!("expected a file error, got {other:?}"),
        }
    }

    /// A custom rule looking for any of `words`.
    fn rule(words: &str) -> (String, String) {
        let text = format!(
            "name: org-support\ncode: ORG001\ncategory: links\nseverity: warning\n\
             summary: s\nmessage: m\nrationale: r\nhelp: h\nsources: [x]\n\
             examples:\n  fail: f\n  pass: p\ncheck:\n  reachable:\n    any: [{words}]\n"
        );
        ("org-support.yaml".to_string(), text)
    }

    fn words_of(session: &Session) -> Vec<String> {
        let rule = session.rules().find("org-support").unwrap();
        match &rule.rule.check {
            crate::rules::model::Check::Reachable(c) => c.any.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_rule_names_a_capability_group_and_config_widens_it() {
        let options = Options {
            rule_texts: vec![rule("peer_support, group:mental_health")],
            ..Options::default()
        };
        let session = Session::load(&options).unwrap();
        assert_eq!(
            words_of(&session),
            ["peer_support", "mental_health", "talking_therapies"]
        );
        let options = Options {
            config: ConfigSource::Text {
                name: "msklint.yaml".into(),
                text: "vocabulary:\n  capability_groups:\n    mental_health: [pain]\n".into(),
            },
            rule_texts: vec![rule("group:mental_health")],
            ..Options::default()
        };
        let session = Session::load(&options).unwrap();
        assert_eq!(
            words_of(&session),
            ["mental_health", "talking_therapies", "pain"]
        );
    }

    #[test]
    fn configured_words_are_checked_in_msklint_yaml() {
        let refused = |text: &str| {
            let options = Options {
                config: ConfigSource::Text {
                    name: "msklint.yaml".into(),
                    text: text.into(),
                },
                ..Options::default()
            };
            match Session::load(&options) {
                Err(SetupError::Files(errors)) => {
                    assert_eq!(errors[0].source.name, "msklint.yaml");
                    Some(errors[0].diagnostic.message.to_string())
                }
                Err(other) => panic!("expected a configuration error, got {other:?}"),
                Ok(_) => None,
            }
        };
        let m = refused("vocabulary:\n  capability_groups:\n    mental_health: [not_a_word]\n")
            .unwrap();
        assert!(
            m.starts_with("`not_a_word` in the capability group `mental_health`"),
            "{m}"
        );
        let m = refused("vocabulary:\n  measures:\n    - measure: bmi\n      names: [smoking]\n")
            .unwrap();
        assert!(
            m.starts_with("`smoking` already names the measure `smoking`"),
            "{m}"
        );
        assert!(refused(
            "vocabulary:\n  offers: [yoga]\n  capability_groups:\n    mental_health: [yoga]\n  measures:\n    - measure: bmi\n      names: [body_mass]\n"
        )
        .is_none());
    }

    #[test]
    fn an_unknown_capability_group_is_refused() {
        let options = Options {
            rule_texts: vec![rule("group:wellbeing")],
            ..Options::default()
        };
        match Session::load(&options) {
            Err(SetupError::Files(errors)) => assert_eq!(
                errors[0].diagnostic.message,
                "no capability group is called `wellbeing`"
            ),
            other => panic!("expected a file error, got {other:?}"),
        }
    }

    #[test]
    fn a_file_read_in_part_lends_its_graphs_only_when_asked() {
        let session = Session::load(&Options::default()).unwrap();
        let text = "pathway \"a\" {\n  entry x: \"X\" { kind: gp }\n  service s: \n  exit y: \"Y\"\n  x -> y\n}\n";
        let names = |graphs: &[PathwayGraph<'_>]| {
            graphs
                .iter()
                .flat_map(|g| g.nodes.iter().map(|n| n.id().to_string()))
                .collect::<Vec<_>>()
        };
        let (whole, none) =
            session.check_with(Input::text("t.pathway", text.into()), |_, g| names(g));
        let (partial, some) =
            session.check_with_partial(Input::text("t.pathway", text.into()), |_, g| names(g));
        assert!(none.is_empty());
        assert_eq!(some, ["x", "y"]);
        assert_eq!(whole.diagnostics, partial.diagnostics);
        assert!(whole.diagnostics.iter().any(|d| d.rule == "syntax-error"));
    }

    #[test]
    fn views_see_the_graphs_of_every_pathway() {
        let session = Session::load(&Options::default()).unwrap();
        let text = "pathway \"a\" {\n  entry x: \"X\" { kind: gp }\n}\npathway \"b\" {\n  entry y: \"Y\" { kind: gp }\n}\n";
        let (report, names) =
            session.check_with(Input::text("t.pathway", text.into()), |_, graphs| {
                graphs
                    .iter()
                    .map(|g| g.name().to_string())
                    .collect::<Vec<_>>()
            });
        assert_eq!(names, ["a", "b"]);
        assert!(!report.diagnostics.is_empty());
    }
}
