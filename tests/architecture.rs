//! The layering rules of docs/architecture.md, checked on the source: the
//! library never prints, exits or imports a front end; front ends (the
//! command line, the language server and the web page) neither parse nor
//! build graphs; the server leaves standard output to the protocol and is
//! started only by its command; and the map in the document names files
//! that exist and covers every source file.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, as paths relative to the crate root.
fn rust_files(dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let relative = path.strip_prefix(root()).unwrap().to_path_buf();
        if path.is_dir() {
            rust_files(&relative, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn sources() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    assert!(files.len() > 20, "found only {files:?}");
    files
}

/// The web front end's Rust files (the `msklint-web` crate).
fn web_sources() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(Path::new("web/src"), &mut files);
    assert!(!files.is_empty(), "found no web/src/*.rs");
    files
}

fn is_front_end(file: &str) -> bool {
    file.starts_with("src/cli/") || is_server(file) || file == "src/main.rs"
}

fn is_server(file: &str) -> bool {
    file.starts_with("src/server/")
}

/// The code of a file without its comments, so documentation may mention
/// what the code must not do.
fn code(file: &str) -> String {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    text.lines()
        .map(|l| match l.find("//") {
            Some(at) if !l[..at].contains('"') => &l[..at],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `text` uses the macro `name!` (not as part of a longer name).
fn uses_macro(text: &str, name: &str) -> bool {
    let call = format!("{name}!");
    text.match_indices(&call).any(|(at, _)| {
        !text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[test]
fn the_library_never_prints_exits_or_imports_the_command_line() {
    let mut faults = Vec::new();
    for file in sources().iter().filter(|f| !is_front_end(f)) {
        let text = code(file);
        for name in ["println", "eprintln", "print", "eprint", "dbg"] {
            if uses_macro(&text, name) {
                faults.push(format!("{file} uses {name}!"));
            }
        }
        for word in [
            "crate::cli",
            "super::cli",
            "crate::server",
            "super::server",
            "process::exit",
            "io::stdout",
            "io::stderr",
            "ExitCode",
        ] {
            if text.contains(word) {
                faults.push(format!("{file} uses {word}"));
            }
        }
    }
    assert!(
        faults.is_empty(),
        "library code must return values, not print or exit:\n{}",
        faults.join("\n")
    );
}

#[test]
fn front_ends_check_through_the_session() {
    let mut faults = Vec::new();
    let mut front_ends = sources();
    front_ends.retain(|f| f.starts_with("src/cli/") || is_server(f));
    front_ends.extend(web_sources());
    for file in &front_ends {
        let text = code(file);
        for word in ["parser::", "PathwayGraph::build", "Linter"] {
            if text.contains(word) {
                faults.push(format!("{file} uses {word}"));
            }
        }
    }
    assert!(
        faults.is_empty(),
        "the front ends reach the pipeline through src/session.rs:\n{}",
        faults.join("\n")
    );
}

#[test]
fn the_server_leaves_standard_output_to_the_protocol() {
    let mut faults = Vec::new();
    let files = sources();
    let files: Vec<&String> = files.iter().filter(|f| is_server(f)).collect();
    assert!(files.len() >= 5, "found only {files:?}");
    for file in files {
        let text = code(file);
        for name in ["println", "eprintln", "print", "eprint", "dbg"] {
            if uses_macro(&text, name) {
                faults.push(format!("{file} uses {name}!"));
            }
        }
        for word in [
            "io::stdout",
            "io::stderr",
            "process::exit",
            "ExitCode",
            "crate::cli",
            "super::cli",
        ] {
            if text.contains(word) {
                faults.push(format!("{file} uses {word}"));
            }
        }
    }
    assert!(
        faults.is_empty(),
        "the server speaks only through its connection (stdout carries the protocol; \
         messages go to the client as window/logMessage) and does not use the command line:\n{}",
        faults.join("\n")
    );
}

#[test]
fn only_the_server_command_starts_the_server() {
    let mut faults = Vec::new();
    for file in sources()
        .iter()
        .filter(|f| !is_server(f) && *f != "src/cli/server.rs" && *f != "src/lib.rs")
    {
        let text = code(file);
        for word in ["crate::server", "msklint::server"] {
            if text.contains(word) {
                faults.push(format!("{file} uses {word}"));
            }
        }
    }
    assert!(
        faults.is_empty(),
        "the server is a front end beside the command line; only src/cli/server.rs starts it:\n{}",
        faults.join("\n")
    );
}

/// `src/a/{b,c}.rs` → `src/a/b.rs`, `src/a/c.rs`.
fn expand(path: &str) -> Vec<String> {
    let (Some(open), Some(close)) = (path.find('{'), path.find('}')) else {
        return vec![path.to_string()];
    };
    path[open + 1..close]
        .split(',')
        .map(|part| format!("{}{}{}", &path[..open], part, &path[close + 1..]))
        .collect()
}

/// Every path in backticks in the document, braces expanded. A path with
/// a `<placeholder>` stands for the folder before it.
fn named_paths(doc: &str) -> Vec<String> {
    let tops = [
        "src/",
        "tests/",
        "rules/",
        "grammar/",
        "docs/",
        "fixtures/",
        "build.rs",
        "web/",
        "scripts/",
    ];
    let mut out = Vec::new();
    for (i, piece) in doc.split('`').enumerate() {
        if i % 2 == 0 || !tops.iter().any(|t| piece.starts_with(t)) || piece.contains(' ') {
            continue;
        }
        for path in expand(piece) {
            let path = match path.find('<') {
                Some(at) => path[..at].to_string(),
                None => path,
            };
            out.push(path);
        }
    }
    out
}

fn architecture() -> String {
    std::fs::read_to_string(root().join("docs/architecture.md")).unwrap()
}

#[test]
fn the_map_names_files_that_exist() {
    let doc = architecture();
    let named = named_paths(&doc);
    assert!(named.len() > 50, "found only {named:?}");
    let missing: Vec<&String> = named
        .iter()
        .filter(|p| !root().join(p.as_str()).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "docs/architecture.md names paths that do not exist: {missing:?}"
    );
}

#[test]
fn the_map_covers_every_source_file() {
    let named = named_paths(&architecture());
    let covered = |file: &str| {
        named
            .iter()
            .any(|p| p == file || (p.ends_with('/') && file.starts_with(p.as_str()) && p != "src/"))
    };
    let mut files = sources();
    files.extend(web_sources());
    let missing: Vec<String> = files.into_iter().filter(|f| !covered(f)).collect();
    assert!(
        missing.is_empty(),
        "add these to the map in docs/architecture.md: {missing:?}"
    );
}

#[test]
fn the_doc_says_where_each_new_piece_goes() {
    let doc = architecture();
    for heading in [
        "### A new rule",
        "### A new check kind",
        "### A new output format",
        "### A new input format",
    ] {
        let start = doc
            .find(heading)
            .unwrap_or_else(|| panic!("docs/architecture.md has no `{heading}`"));
        let rest = &doc[start + heading.len()..];
        let section = &rest[..rest.find("\n#").unwrap_or(rest.len())];
        let paths = named_paths(section);
        assert!(
            paths
                .iter()
                .any(|p| p.ends_with(".rs") || p.ends_with(".yaml")),
            "`{heading}` names no file to edit"
        );
    }
}

#[test]
fn every_check_kind_has_its_file() {
    let text = code("src/rules/checks/mod.rs");
    let start = text
        .find("pub enum Check {")
        .expect("`pub enum Check` in checks/mod.rs");
    let body = &text[start..];
    let body = &body[..body.find('}').unwrap()];
    let mut faults = Vec::new();
    let mut kinds = 0;
    // `Builtin` holds no spec: its findings come from the pipeline
    // (src/rules/builtin.rs), so only variants with a spec are kinds.
    for spec in body.lines().filter_map(|l| Some(l.split_once('(')?.1)) {
        let Some((module, ty)) = spec.trim_end_matches("),").split_once("::") else {
            faults.push(format!("`{spec}` is not named by its module"));
            continue;
        };
        kinds += 1;
        let file = format!("src/rules/checks/{module}.rs");
        match std::fs::read_to_string(root().join(&file)) {
            Ok(source) if source.contains(&format!("impl Kind for {ty} ")) => {}
            Ok(_) => faults.push(format!("{file} does not implement Kind for {ty}")),
            Err(_) => faults.push(format!("{file} is missing")),
        }
    }
    assert!(kinds >= 12, "found only {kinds} check kinds");
    assert!(
        faults.is_empty(),
        "each check kind lives in its own file under src/rules/checks/:\n{}",
        faults.join("\n")
    );
}
