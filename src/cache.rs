//! The result cache: each checked file's report, kept on disk under a key
//! made from the file's name and bytes and from everything else that
//! decides its findings (this build of msklint, every rule file, the
//! configuration). A re-run over unchanged files reads the reports back
//! instead of checking again, and renders them byte for byte as a fresh
//! check would.
//!
//! Every entry is checked before it is trusted: one that does not parse,
//! or was made under another key (another build, other rules, other
//! bytes), is a miss and is written again. Entries are written to a
//! temporary file and renamed into place, so two runs sharing the cache
//! never read half an entry. A cache that cannot be written is no error:
//! the run goes on without it.
//!
//! Beside a file's entry the cache may keep its findings already rendered
//! in an output format (a [`Fragment`] of `--format json`, with or without
//! `--rules-table`), one file per [`Rendering`], so a re-run writes them
//! as they are. A fragment is stored under the entry's key and its
//! rendering's name, and ends with a checksum of all its bytes: one made
//! for another file, other bytes, another rendering or damaged in any way
//! is a miss.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::check::{FileReport, Linter};
use crate::diagnostic::{Diagnostic, Label, Name, Severity, Suggestion};
use crate::import::places::Places;
use crate::input::FORMATS;
use crate::output::json::Fragment;
use crate::output::Summary;
use crate::source::{DiagramPart, Paragraph, SourceFile};
use crate::span::Span;

/// The folder's name when no other is asked for.
pub const DIR_NAME: &str = ".msklint_cache";

/// The environment variable that names the folder (as `--cache-dir`).
pub const DIR_VARIABLE: &str = "MSKLINT_CACHE_DIR";

/// Bumped when an entry's layout changes; entries live in a folder of
/// this name, so older layouts are never read.
const LAYOUT: &str = "v2";

/// The file that marks a folder as a cache for backup tools.
const TAG: &str = "CACHEDIR.TAG";
const TAG_TEXT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
     # This folder holds msklint's result cache; `msklint clean` removes it.\n";
/// The `.gitignore` msklint writes in a cache folder it made.
const IGNORE_ALL: &str = "*\n";

/// What this build is: its version and a hash of the sources it was built
/// from (build.rs).
const BUILD: &str = concat!(env!("CARGO_PKG_VERSION"), "+", env!("MSKLINT_BUILD_ID"));

/// A cache folder, for one set of rules and configuration.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    /// A hash of what, besides a file's own bytes, decides its findings.
    setup: u64,
}

impl Cache {
    /// The cache in `dir` for checks made by `linter`.
    pub fn new(dir: PathBuf, linter: &Linter) -> Cache {
        Cache {
            dir,
            setup: setup_hash(BUILD, linter),
        }
    }

    /// The folder it reads and writes.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of file `name` with these bytes, and the text of the
    /// sidecar file of suppressions beside it, if it has one.
    pub fn key(&self, name: &str, bytes: &[u8], sidecar: Option<&str>) -> Key {
        let mut head = Vec::with_capacity(name.len() + 10);
        head.extend_from_slice(&self.setup.to_le_bytes());
        head.extend_from_slice(name.as_bytes());
        head.push(0);
        if let Some(sidecar) = sidecar {
            head.push(1);
            head.extend_from_slice(sidecar.as_bytes());
        }
        let head = xxhash_rust::xxh3::xxh3_64(&head);
        Key(xxhash_rust::xxh3::xxh3_128_with_seed(bytes, head))
    }

    /// The report kept for `name` under `key`, if there is a sound one.
    /// `bytes` are the file's bytes: most files' text is their bytes, so
    /// the entry does not repeat it.
    pub fn get(&self, name: &str, key: Key, bytes: &[u8]) -> Option<FileReport> {
        let text = std::fs::read(self.entry_path(name)).ok()?;
        let entry: Entry = serde_json::from_slice(&text).ok()?;
        if entry.key != key.hex() || entry.name != name {
            return None;
        }
        entry.into_report(bytes)
    }

    /// Keeps `report` for `name` under `key`; `bytes` is [`fingerprint`]
    /// of the file's bytes. A failure to write is returned for the caller
    /// to ignore or mention; the run does not depend on it.
    pub fn put(
        &self,
        name: &str,
        key: Key,
        bytes: u128,
        report: &FileReport,
    ) -> Result<(), String> {
        let entry = Entry::of(name, key, bytes, report);
        let text = serde_json::to_vec(&entry).map_err(|e| e.to_string())?;
        self.store(&self.entry_path(name), key, &text)
    }

    /// The findings of `name` under `key` as rendered for `rendering`, if
    /// a sound fragment is kept. It is read into `buffer`, whose memory a
    /// caller may have from an earlier fragment.
    pub fn get_fragment(
        &self,
        name: &str,
        key: Key,
        rendering: Rendering,
        buffer: Vec<u8>,
    ) -> Option<Fragment> {
        let mut data = read_into(&self.fragment_path(name, rendering), buffer).ok()?;
        let (text_len, rows_len, summary, rules) = read_fragment(&data, name, key, rendering)?;
        data.truncate(text_len + rows_len);
        Fragment::from_parts(data, text_len, summary, rules)
    }

    /// Keeps `fragment`, the findings of `name` under `key` rendered for
    /// `rendering`. A failure to write is for the caller to ignore, as
    /// with [`Cache::put`].
    pub fn put_fragment(
        &self,
        name: &str,
        key: Key,
        rendering: Rendering,
        fragment: &Fragment,
    ) -> Result<(), String> {
        let data = fragment_bytes(name, key, rendering, fragment)?;
        self.store(&self.fragment_path(name, rendering), key, &data)
    }

    /// Writes `data` to `path` through a temporary file and a rename.
    fn store(&self, path: &Path, key: Key, data: &[u8]) -> Result<(), String> {
        let folder = path.parent().unwrap_or(&self.dir);
        self.prepare(folder)?;
        // A name no other writer uses, then an atomic rename.
        let temporary = folder.join(format!(
            ".{}.{}.{}.tmp",
            key.hex(),
            std::process::id(),
            unique()
        ));
        std::fs::write(&temporary, data).map_err(|e| e.to_string())?;
        std::fs::rename(&temporary, path).map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            e.to_string()
        })
    }

    /// Makes the folder the first time. The cache folder is marked for
    /// backup tools and ignored by git only when msklint makes it or finds
    /// it empty: a folder that already holds other things (`~/.cache`, a
    /// project named by `--cache-dir .`) is someone else's, and so are its
    /// `.gitignore` and what backup tools do with it.
    fn prepare(&self, folder: &Path) -> Result<(), String> {
        if folder.is_dir() {
            return Ok(());
        }
        // Only a folder that is not there, or is there and empty, is ours
        // to mark: one that cannot be listed is not known to be empty.
        let ours = match std::fs::read_dir(&self.dir) {
            Ok(mut entries) => entries.next().is_none(),
            Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        };
        std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
        if ours {
            let _ = std::fs::write(self.dir.join(TAG), TAG_TEXT);
            // `create_new`: a `.gitignore` already there is never replaced.
            let _ = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(self.dir.join(".gitignore"))
                .and_then(|mut f| std::io::Write::write_all(&mut f, IGNORE_ALL.as_bytes()));
        }
        Ok(())
    }

    /// One entry file per checked file, named by a hash of its name.
    fn entry_path(&self, name: &str) -> PathBuf {
        let hash = xxhash_rust::xxh3::xxh3_64(name.as_bytes());
        self.dir.join(LAYOUT).join(format!("{hash:016x}.json"))
    }

    /// The fragment of one rendering, beside the entry.
    fn fragment_path(&self, name: &str, rendering: Rendering) -> PathBuf {
        self.entry_path(name)
            .with_extension(format!("{}.frag", rendering.name()))
    }
}

/// The bytes of the file at `path`, of the length it has when opened,
/// read into `buffer` (whose memory may be reused from an earlier file):
/// one read call for a whole file, where reading to the end takes two or
/// more. Bytes added after it is opened are not read.
pub fn read_into(path: &Path, mut buffer: Vec<u8>) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let meta = file.metadata()?;
    // A pipe (`msklint check <(curl …)`) or a file under /proc says it
    // holds nothing until read: read such a file to its end.
    if !meta.is_file() || meta.len() == 0 {
        buffer.clear();
        file.read_to_end(&mut buffer)?;
        return Ok(buffer);
    }
    let len = usize::try_from(meta.len()).map_err(std::io::Error::other)?;
    // Only what the buffer did not hold before is filled in first.
    if buffer.len() < len {
        buffer.resize(len, 0);
    } else {
        buffer.truncate(len);
    }
    file.read_exact(&mut buffer)?;
    Ok(buffer)
}

/// An output format with the flags that change its bytes, for which a
/// file's findings are kept rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// `--format json`.
    Json,
    /// `--format json --rules-table`.
    JsonRulesTable,
}

impl Rendering {
    /// The JSON rendering, with the rules table or without.
    pub fn json(rules_table: bool) -> Rendering {
        if rules_table {
            Rendering::JsonRulesTable
        } else {
            Rendering::Json
        }
    }

    /// Its name in fragments' file names and headers.
    pub fn name(self) -> &'static str {
        match self {
            Rendering::Json => "json",
            Rendering::JsonRulesTable => "json-rules-table",
        }
    }
}

/// What a fragment file starts its header with.
const FRAGMENT_MAGIC: &[u8] = b"msklint fragment\n";

/// A fragment as stored: the rendered text and the rules table rows
/// first (so reading them back needs no copy), then a header (magic, key,
/// rendering, name, counts, each rule's name and row hash), the lengths of
/// the text, the rows and the header, and a checksum of everything before
/// it.
fn fragment_bytes(
    name: &str,
    key: Key,
    rendering: Rendering,
    fragment: &Fragment,
) -> Result<Vec<u8>, String> {
    let tag = rendering.name();
    let body = fragment.bytes();
    let mut data = Vec::with_capacity(body.len() + name.len() + 128);
    data.extend_from_slice(body);
    data.extend_from_slice(FRAGMENT_MAGIC);
    data.extend_from_slice(&key.0.to_le_bytes());
    data.extend_from_slice(&(tag.len() as u32).to_le_bytes());
    data.extend_from_slice(tag.as_bytes());
    data.extend_from_slice(&(name.len() as u32).to_le_bytes());
    data.extend_from_slice(name.as_bytes());
    let s = fragment.summary();
    for count in [s.errors, s.warnings, s.infos] {
        data.extend_from_slice(&(count as u64).to_le_bytes());
    }
    data.extend_from_slice(&(fragment.rules().len() as u32).to_le_bytes());
    for (rule, hash) in fragment.rules() {
        data.extend_from_slice(&(rule.len() as u32).to_le_bytes());
        data.extend_from_slice(rule.as_bytes());
        data.extend_from_slice(&hash.to_le_bytes());
    }
    let text_len = fragment.text_len();
    let head_len = data.len() - body.len();
    for len in [text_len, body.len() - text_len, head_len] {
        data.extend_from_slice(&(len as u64).to_le_bytes());
    }
    let sum = xxhash_rust::xxh3::xxh3_128(&data);
    data.extend_from_slice(&sum.to_le_bytes());
    Ok(data)
}

/// The lengths of a stored fragment's text and rows, its counts and its
/// rules, if `data` is a whole fragment of `name` under `key` rendered for
/// `rendering`.
#[allow(clippy::type_complexity)]
fn read_fragment(
    data: &[u8],
    name: &str,
    key: Key,
    rendering: Rendering,
) -> Option<(usize, usize, Summary, Vec<(String, u128)>)> {
    let (body, sum) = data.split_at(data.len().checked_sub(16)?);
    if xxhash_rust::xxh3::xxh3_128(body).to_le_bytes() != sum {
        return None;
    }
    let (body, lengths) = body.split_at(body.len().checked_sub(24)?);
    let mut lengths = Reader(lengths);
    let (text_len, rows_len, head_len) =
        (lengths.number(8)?, lengths.number(8)?, lengths.number(8)?);
    if text_len.checked_add(rows_len)?.checked_add(head_len)? != body.len() {
        return None;
    }
    let mut head = Reader(&body[text_len + rows_len..]);
    if head.take(FRAGMENT_MAGIC.len())? != FRAGMENT_MAGIC || head.take(16)? != key.0.to_le_bytes() {
        return None;
    }
    let tag_len = head.number(4)?;
    if head.take(tag_len)? != rendering.name().as_bytes() {
        return None;
    }
    let name_len = head.number(4)?;
    if head.take(name_len)? != name.as_bytes() {
        return None;
    }
    let summary = Summary {
        files: 1,
        errors: head.number(8)?,
        warnings: head.number(8)?,
        infos: head.number(8)?,
    };
    let count = head.number(4)?;
    let mut rules = Vec::with_capacity(count.min(1_024));
    for _ in 0..count {
        let len = head.number(4)?;
        let rule = String::from_utf8(head.take(len)?.to_vec()).ok()?;
        let hash = u128::from_le_bytes(head.take(16)?.try_into().ok()?);
        rules.push((rule, hash));
    }
    let plain = rendering == Rendering::Json;
    if !head.0.is_empty() || (plain && (count > 0 || rows_len > 0)) {
        return None;
    }
    Some((text_len, rows_len, summary, rules))
}

/// Reads a fragment's header front to back.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(taken)
    }

    /// A little-endian number of `width` bytes (4 or 8).
    fn number(&mut self, width: usize) -> Option<usize> {
        let bytes = self.take(width)?;
        let mut all = [0u8; 8];
        all[..width].copy_from_slice(bytes);
        usize::try_from(u64::from_le_bytes(all)).ok()
    }
}

/// What [`clean`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cleaned {
    /// There was no such folder.
    Missing,
    /// The folder holds nothing msklint wrote; nothing was removed.
    NothingOurs,
    /// The folder held only msklint's files, and is gone.
    Removed,
    /// msklint's files are gone; the folder holds other things and stays.
    Kept,
}

/// The layout folders any msklint has written: the current one and those
/// before it. No other name is taken for one.
const LAYOUTS: [&str; 2] = ["v1", LAYOUT];

/// Removes msklint's cache from `dir`, and nothing else: the entries,
/// fragments and temporary files in its layout folders (known by their
/// names; links are never followed), the `CACHEDIR.TAG` msklint writes,
/// each layout folder once emptied, and the folder itself once nothing
/// else is left in it (with msklint's `.gitignore`). An older msklint
/// could mark a folder it was pointed at that already held other things,
/// so even a marked folder loses only what msklint wrote.
pub fn clean(dir: &Path) -> Result<Cleaned, String> {
    let trouble = |path: &Path, e: std::io::Error| {
        format!("{}: {}", path.display(), crate::discover::io_message(&e))
    };
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Cleaned::Missing),
        Err(e) => return Err(trouble(dir, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(format!(
            "{} is a link to another folder; to remove the cache, give the folder itself (nothing was removed)",
            dir.display()
        ));
    }
    if !meta.is_dir() {
        return Err(format!(
            "{} is not a folder, so it holds no cache (nothing was removed)",
            dir.display()
        ));
    }
    let tag = dir.join(TAG);
    let tagged = std::fs::read_to_string(&tag).is_ok_and(|t| t.contains("msklint"));
    // Each layout folder that is a real folder (not a link), with the
    // files in it that msklint named.
    let mut found: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    for name in LAYOUTS {
        let layout = dir.join(name);
        let is_folder = std::fs::symlink_metadata(&layout).is_ok_and(|m| m.is_dir());
        if !is_folder {
            continue;
        }
        let mut ours = Vec::new();
        for entry in std::fs::read_dir(&layout).map_err(|e| trouble(&layout, e))? {
            let entry = entry.map_err(|e| trouble(&layout, e))?;
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && is_cache_file_name(&entry.file_name().to_string_lossy()) {
                ours.push(entry.path());
            }
        }
        if !ours.is_empty() {
            found.push((layout, ours));
        }
    }
    if !tagged && found.is_empty() {
        return Ok(Cleaned::NothingOurs);
    }
    for (layout, files) in &found {
        for file in files {
            std::fs::remove_file(file).map_err(|e| trouble(file, e))?;
        }
        // Stays if it holds anything msklint did not write.
        let _ = std::fs::remove_dir(layout);
    }
    if tagged {
        std::fs::remove_file(&tag).map_err(|e| trouble(&tag, e))?;
    }
    let ignore = dir.join(".gitignore");
    let mut rest = std::fs::read_dir(dir)
        .map_err(|e| trouble(dir, e))?
        .filter_map(Result::ok)
        .filter(|e| e.path() != ignore);
    let only_ours = std::fs::read_to_string(&ignore).map_or(true, |t| t == IGNORE_ALL);
    if rest.next().is_none() && only_ours {
        let _ = std::fs::remove_file(&ignore);
        std::fs::remove_dir(dir).map_err(|e| trouble(dir, e))?;
        return Ok(Cleaned::Removed);
    }
    Ok(Cleaned::Kept)
}

/// The names msklint gives files in a layout folder: `<16 hex>.json`
/// entries, `<16 hex>.<rendering>.frag` fragments, and
/// `.<32 hex>.<pid>.<n>.tmp` files left by a run that was stopped.
fn is_cache_file_name(name: &str) -> bool {
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        [stem, "json"] => hex(stem, 16),
        [stem, rendering, "frag"] => {
            hex(stem, 16)
                && !rendering.is_empty()
                && rendering
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_')
        }
        ["", key, pid, n, "tmp"] => hex(key, 32) && digits(pid) && digits(n),
        _ => false,
    }
}

/// A hash of a file's bytes, to tell whether the text checked is the
/// bytes as they are (so the entry need not hold it).
pub fn fingerprint(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// A file's key: its name and bytes together with [`Cache`]'s setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(u128);

impl Key {
    fn hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

/// A hash of what decides findings besides the file: the build, every
/// rule file (built-in and the user's), and the configuration's text and
/// folder (relative paths in it are read from there).
fn setup_hash(build: &str, linter: &Linter) -> u64 {
    let config = &linter.config;
    let mut text = String::new();
    text.push_str(build);
    text.push('\0');
    text.push_str(&linter.rules.fingerprint.to_string());
    text.push('\0');
    text.push_str(&config.root.to_string_lossy());
    text.push('\0');
    text.push_str(config.text().unwrap_or(""));
    text.push('\0');
    // Set by hand in tests and embedders; the command line leaves it.
    // Named, not loaded: a run over pathways never reads the model.
    text.push_str(linter.second_opinion_kind());
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    (u64::from(nanos) << 20) ^ NEXT.fetch_add(1, Ordering::Relaxed)
}

/// One cached report, as stored. Findings repeat their rule's texts
/// (help, sources, often the message), so every text is kept once in
/// `strings` and findings refer to it by number: a policy with 100,000
/// findings is a few megabytes, not sixty.
#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    name: String,
    /// The input format, as `InputFormat`'s debug name.
    kind: String,
    /// The text checked, when it is not the file's bytes as they are (Word,
    /// PDF, a diagram's pathway, a byte-order mark or lone carriage
    /// returns removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    paragraphs: Vec<(usize, usize)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pages: Vec<usize>,
    /// A diagram's shapes and connectors: span, ID, text, connector.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    parts: Vec<(usize, usize, String, String, bool)>,
    /// A drawing checked on its own: where its shapes are in its file
    /// (`Places::entries`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    drawing: Option<Vec<(bool, String, [usize; 4])>>,
    strings: Vec<String>,
    /// Lists of sources, as numbers in `strings`.
    source_lists: Vec<Vec<u32>>,
    findings: Vec<Finding>,
}

/// A text's number in [`Entry::strings`], or none.
type Text = Option<u32>;

/// A finding, field for field, texts by number: rule, code, severity,
/// message, span, label, help, related labels, pathway, subject, sources
/// (a number in `source_lists`), question, suggestion.
#[derive(Serialize, Deserialize)]
struct Finding(
    u32,
    Text,
    Severity,
    u32,
    (usize, usize),
    u32,
    Text,
    Vec<(usize, usize, u32)>,
    Text,
    Text,
    u32,
    Text,
    Option<(usize, usize, u32)>,
);

/// Numbers each distinct text (and list of sources) once, as written.
#[derive(Default)]
struct Table<'r> {
    strings: Vec<String>,
    numbers: HashMap<&'r str, u32>,
    lists: Vec<Vec<u32>>,
    list_numbers: HashMap<Vec<u32>, u32>,
}

impl<'r> Table<'r> {
    fn text(&mut self, text: &'r str) -> u32 {
        let next = self.strings.len() as u32;
        *self.numbers.entry(text).or_insert_with(|| {
            self.strings.push(text.to_string());
            next
        })
    }

    fn list(&mut self, texts: &'r [String]) -> u32 {
        let list: Vec<u32> = texts.iter().map(|t| self.text(t)).collect();
        let next = self.lists.len() as u32;
        *self.list_numbers.entry(list).or_insert_with_key(|list| {
            self.lists.push(list.clone());
            next
        })
    }

    fn finding(&mut self, d: &'r Diagnostic) -> Finding {
        Finding(
            self.text(&d.rule),
            d.code.as_deref().map(|t| self.text(t)),
            d.severity,
            self.text(&d.message),
            (d.span.start(), d.span.end()),
            self.text(&d.label),
            d.help.as_deref().map(|t| self.text(t)),
            d.related
                .iter()
                .map(|l| (l.span.start(), l.span.end(), self.text(&l.text)))
                .collect(),
            d.pathway.as_deref().map(|t| self.text(t)),
            d.subject.as_deref().map(|t| self.text(t)),
            self.list(&d.sources),
            d.question.as_deref().map(|t| self.text(t)),
            d.suggestion
                .as_ref()
                .map(|s| (s.span.start(), s.span.end(), self.text(&s.replacement))),
        )
    }
}

impl Entry {
    fn of(name: &str, key: Key, bytes: u128, report: &FileReport) -> Entry {
        let source = &report.source;
        let mut table = Table::default();
        let findings = report
            .diagnostics
            .iter()
            .map(|d| table.finding(d))
            .collect();
        Entry {
            key: key.hex(),
            name: name.to_string(),
            kind: format!("{:?}", report.kind),
            text: (fingerprint(source.text.as_bytes()) != bytes).then(|| source.text.clone()),
            paragraphs: source
                .paragraphs()
                .iter()
                .map(|p| (p.start, p.number))
                .collect(),
            pages: source.pages().to_vec(),
            parts: source
                .parts()
                .iter()
                .map(|p| {
                    (
                        p.span.start(),
                        p.span.end(),
                        p.id.clone(),
                        p.text.clone(),
                        p.connector,
                    )
                })
                .collect(),
            drawing: source.drawing().map(Places::entries),
            strings: table.strings,
            source_lists: table.lists,
            findings,
        }
    }

    /// The report again, or `None` when the entry does not fit the bytes:
    /// a number with no text, or a span off the text's characters.
    fn into_report(self, bytes: &[u8]) -> Option<FileReport> {
        let kind = FORMATS
            .iter()
            .map(|f| f.format)
            .find(|f| format!("{f:?}") == self.kind)?;
        let text = match self.text {
            Some(text) => text,
            None => String::from_utf8(bytes.to_vec()).ok()?,
        };
        let paragraphs = self
            .paragraphs
            .into_iter()
            .map(|(start, number)| Paragraph { start, number })
            .collect();
        let parts = self
            .parts
            .into_iter()
            .map(|(start, end, id, text, connector)| DiagramPart {
                span: Span::new(start, end),
                id,
                text,
                connector,
            })
            .collect();
        let source = SourceFile::new(self.name, text)
            .with_paragraphs(paragraphs)
            .with_pages(self.pages)
            .with_parts(parts)
            .with_drawing(self.drawing.map(Places::from_entries));
        // Help and sources are shared between findings, as a fresh check
        // shares them with the rule.
        let shared: Vec<Arc<str>> = self.strings.iter().map(|s| Arc::from(s.as_str())).collect();
        let lists: Vec<Arc<[String]>> = self
            .source_lists
            .iter()
            .map(|l| {
                l.iter()
                    .map(|&k| self.strings.get(k as usize).cloned())
                    .collect::<Option<Vec<String>>>()
                    .map(Arc::from)
            })
            .collect::<Option<_>>()?;
        let text = |k: u32| self.strings.get(k as usize).cloned();
        let maybe = |k: Text| match k {
            None => Some(None),
            Some(k) => text(k).map(Some),
        };
        let diagnostics = self
            .findings
            .into_iter()
            .map(|f| {
                let Finding(
                    rule,
                    code,
                    severity,
                    message,
                    span,
                    label,
                    help,
                    related,
                    pathway,
                    subject,
                    sources,
                    question,
                    suggestion,
                ) = f;
                Some(Diagnostic {
                    rule: text(rule)?.into(),
                    code: maybe(code)?.map(Name::from),
                    severity,
                    message: text(message)?,
                    span: Span::new(span.0, span.1),
                    label: text(label)?.into(),
                    help: match help {
                        None => None,
                        Some(k) => Some(Arc::clone(shared.get(k as usize)?)),
                    },
                    related: related
                        .into_iter()
                        .map(|(start, end, t)| {
                            Some(Label {
                                span: Span::new(start, end),
                                text: text(t)?,
                            })
                        })
                        .collect::<Option<_>>()?,
                    pathway: maybe(pathway)?.map(Name::from),
                    subject: maybe(subject)?,
                    sources: Arc::clone(lists.get(sources as usize)?),
                    question: maybe(question)?,
                    suggestion: match suggestion {
                        None => None,
                        Some((start, end, t)) => Some(Box::new(Suggestion {
                            span: Span::new(start, end),
                            replacement: text(t)?,
                        })),
                    },
                })
            })
            .collect::<Option<Vec<Diagnostic>>>()?;
        let report = FileReport {
            source: Arc::new(source),
            kind,
            diagnostics,
        };
        report.problem().is_none().then_some(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linter() -> Linter {
        Linter::builtin().unwrap()
    }

    /// A file that reports a size of 0 until read (a pipe, /proc) was
    /// read as empty.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_reports_no_size_is_read_to_its_end() {
        let read = read_into(Path::new("/proc/self/status"), vec![b'x'; 4]).unwrap();
        assert!(String::from_utf8_lossy(&read).contains("Name:"));
    }

    #[test]
    fn another_build_gives_other_keys() {
        let l = linter();
        assert_ne!(setup_hash("0.1.0+aaaa", &l), setup_hash("0.1.0+bbbb", &l));
        assert_eq!(setup_hash("0.1.0+aaaa", &l), setup_hash("0.1.0+aaaa", &l));
    }

    #[test]
    fn other_rules_give_other_keys() {
        let l = linter();
        let mut other = linter();
        other.rules.fingerprint ^= 1;
        assert_ne!(setup_hash(BUILD, &l), setup_hash(BUILD, &other));
    }

    #[test]
    fn a_key_depends_on_the_name_and_every_byte() {
        let dir = std::env::temp_dir();
        let cache = Cache::new(dir, &linter());
        let k = cache.key("a.md", b"abc", None);
        assert_eq!(k, cache.key("a.md", b"abc", None));
        assert_ne!(k, cache.key("b.md", b"abc", None));
        assert_ne!(k, cache.key("a.md", b"abd", None));
        assert_ne!(k, cache.key("a.md", b"abc", Some("")));
        assert_ne!(
            cache.key("a.md", b"abc", Some("x")),
            cache.key("a.md", b"abc", Some("y"))
        );
        // The name and the bytes do not run into each other.
        assert_ne!(cache.key("ab", b"c", None), cache.key("a", b"bc", None));
    }
}
