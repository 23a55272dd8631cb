//! Embeds every rule file under `rules/` into the binary, so msklint works
//! from any directory with nothing beside it; and decides which tests that
//! drive outside programs run (see tests/programs/mod.rs).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "tests/programs/mod.rs"]
mod programs;

fn main() {
    gate_program_tests();
    build_id();
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let mut out = String::from("/// (path relative to the crate, contents) of every built-in rule file.\npub const BUILTIN_RULES: &[(&str, &str)] = &[\n");
    for file in &files {
        // Directories are watched too, so adding a rule file triggers a rebuild.
        if let Some(dir) = file.parent() {
            println!("cargo:rerun-if-changed={}", dir.display());
        }
        println!("cargo:rerun-if-changed={}", file.display());
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        let _ = writeln!(
            out,
            "    ({rel:?}, include_str!({:?})),",
            file.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("builtin_rules.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

/// `MSKLINT_BUILD_ID`: a hash of the sources, rules and locked
/// dependencies, so the result cache (src/cache.rs) trusts no entry made
/// by a different build, while the same sources built again (a fresh CI
/// machine) still share entries.
fn build_id() {
    use std::hash::{Hash, Hasher};
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let mut files = Vec::new();
    for dir in ["src", "rules"] {
        println!("cargo:rerun-if-changed={dir}");
        every_file(&root.join(dir), &mut files);
    }
    for file in ["Cargo.toml", "Cargo.lock", "build.rs"] {
        println!("cargo:rerun-if-changed={file}");
        files.push(root.join(file));
    }
    files.sort();
    // `DefaultHasher::new` always starts from the same keys: the same
    // bytes give the same id from one build to the next.
    let mut hasher = std::hash::DefaultHasher::new();
    for file in &files {
        file.strip_prefix(&root).unwrap_or(file).hash(&mut hasher);
        std::fs::read(file).unwrap_or_default().hash(&mut hasher);
    }
    println!("cargo:rustc-env=MSKLINT_BUILD_ID={:016x}", hasher.finish());
}

fn every_file(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            every_file(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
            && path.file_name().is_some_and(|n| n != "vocabulary.yaml")
        {
            files.push(path);
        }
    }
}

/// Sets `cfg(run_chromium_tests)` and the like when the program is on PATH
/// or CI=true; without it the tests are compiled as ignored, with a reason.
fn gate_program_tests() {
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=CI");
    let path = std::env::var_os("PATH").unwrap_or_default();
    // Installing a program adds a file to one of these folders, which
    // changes its time stamp, so the tests stop being ignored.
    for dir in std::env::split_paths(&path).filter(|d| d.is_absolute() && d.is_dir()) {
        println!("cargo::rerun-if-changed={}", dir.display());
    }
    let ci = programs::in_ci(std::env::var("CI").ok().as_deref());
    for program in programs::ALL {
        println!("cargo::rustc-check-cfg=cfg({})", program.cfg);
        let found = programs::find_in(program.names, &path).is_some();
        if programs::tests_run(found, ci) {
            println!("cargo::rustc-cfg={}", program.cfg);
        }
    }
}
