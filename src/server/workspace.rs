//! Sessions by configuration file. Each document is checked with the
//! `msklint.yaml` nearest its folder (as `msklint check FILE` finds it), or
//! with none. A session is loaded once per configuration and loaded again
//! when the file or a rule folder it names changes. When loading fails,
//! the last session that loaded (or one with no configuration) goes on
//! checking, and the failure is kept for the server to show on the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::config::{self, Config};
use crate::session::{ConfigSource, Options, Session, SetupError};

/// A configuration file, or `None` for no configuration.
pub type ConfigKey = Option<PathBuf>;

/// What was last loaded for one configuration.
pub struct Loaded {
    pub session: Arc<Session>,
    /// Why the latest load failed, if it did (then `session` is older).
    pub problem: Option<SetupError>,
    stamp: Stamp,
}

/// Size and modification time of the configuration file, its rule
/// folders and every rule file in them: a change to any is a reload.
#[derive(Debug, PartialEq, Eq)]
struct Stamp(Vec<(PathBuf, Option<(SystemTime, u64)>)>);

#[derive(Default)]
pub struct Workspace {
    /// Where to look for `msklint.yaml` for documents that have no path.
    pub root: Option<PathBuf>,
    loaded: HashMap<ConfigKey, Loaded>,
    /// Built-in rules, no configuration: what is used when a configuration
    /// has never loaded.
    plain: Option<Arc<Session>>,
}

impl Workspace {
    pub fn new(root: Option<PathBuf>) -> Workspace {
        Workspace {
            root,
            ..Workspace::default()
        }
    }

    /// The configuration for a document at `path` (or with no path).
    pub fn config_for(&self, path: Option<&Path>) -> ConfigKey {
        let start = match path {
            Some(p) => p.parent().map(Path::to_path_buf),
            None => self.root.clone(),
        }?;
        // The folder may not exist yet (a new file); search from the
        // nearest one that does.
        let existing = start.ancestors().find(|d| d.is_dir())?;
        config::discover(existing)
    }

    /// The session for `key`, loading it the first time. The flag says
    /// whether it was loaded just now (so its problems may be new).
    pub fn session(&mut self, key: &ConfigKey) -> (Arc<Session>, bool) {
        if let Some(l) = self.loaded.get(key) {
            return (Arc::clone(&l.session), false);
        }
        let loaded = self.load(key, None);
        let session = Arc::clone(&loaded.session);
        self.loaded.insert(key.clone(), loaded);
        (session, true)
    }

    fn plain(&mut self) -> Arc<Session> {
        if let Some(s) = &self.plain {
            return Arc::clone(s);
        }
        // The built-in rules always load (a test holds them to it); if
        // they ever did not, there would be nothing to check with at all.
        let session = Arc::new(
            Session::load(&Options::default())
                .unwrap_or_else(|e| panic!("the built-in rules do not load: {e}")),
        );
        self.plain = Some(Arc::clone(&session));
        session
    }

    fn load(&mut self, key: &ConfigKey, previous: Option<Arc<Session>>) -> Loaded {
        // Stamped before reading, so a change made during the load is
        // seen as a change next time.
        let stamp = stamp(key.as_deref());
        let options = Options {
            config: match key {
                Some(path) => ConfigSource::File(path.clone()),
                None => ConfigSource::None,
            },
            ..Options::default()
        };
        match Session::load(&options) {
            Ok(session) => Loaded {
                session: Arc::new(session),
                problem: None,
                stamp,
            },
            Err(problem) => Loaded {
                session: previous.unwrap_or_else(|| self.plain()),
                problem: Some(problem),
                stamp,
            },
        }
    }

    /// Loads again every configuration whose files changed; true if any did.
    pub fn refresh(&mut self) -> bool {
        let keys: Vec<ConfigKey> = self.loaded.keys().cloned().collect();
        let mut changed = false;
        for key in keys {
            let now = stamp(key.as_deref());
            let Some(old) = self.loaded.get(&key) else {
                continue;
            };
            if old.stamp == now {
                continue;
            }
            let previous = Arc::clone(&old.session);
            let loaded = self.load(&key, Some(previous));
            self.loaded.insert(key, loaded);
            changed = true;
        }
        changed
    }

    /// Every configuration loaded, with why its latest load failed.
    pub fn problems(&self) -> impl Iterator<Item = (&ConfigKey, &SetupError)> {
        self.loaded
            .iter()
            .filter_map(|(k, l)| l.problem.as_ref().map(|p| (k, p)))
    }
}

fn stamp(config: Option<&Path>) -> Stamp {
    let mut entries = Vec::new();
    let Some(config) = config else {
        return Stamp(entries);
    };
    entries.push((config.to_path_buf(), meta(config)));
    // A configuration that does not read has no rule folders to watch;
    // its own stamp changes when it is fixed.
    if let Ok(loaded) = Config::load(config) {
        for dir in &loaded.rule_dirs {
            entries.push((dir.clone(), meta(dir)));
            let mut files = Vec::new();
            rule_files(dir, &mut files);
            files.sort();
            entries.extend(files.into_iter().map(|f| {
                let m = meta(&f);
                (f, m)
            }));
        }
    }
    Stamp(entries)
}

fn meta(path: &Path) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// Every file under `dir`, as the rule loader walks it.
fn rule_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.push(path.clone());
            rule_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}
