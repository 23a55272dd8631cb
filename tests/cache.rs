//! The result cache (src/cache.rs) through the command line: cached
//! results print exactly as fresh ones; a damaged, foreign or outdated
//! entry is never trusted; the folder is where the docs say; runs may
//! share it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "common/docx.rs"]
mod docx;
use docx::docx;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// msklint in `dir`, with no MSKLINT_CACHE_DIR from the caller's shell.
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env_remove("MSKLINT_CACHE_DIR")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// A folder holding one file of every input kind, each with findings.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &str, to: &str| {
        std::fs::copy(root().join(from), dir.path().join(to)).unwrap();
    };
    copy("fixtures/examples/hip-knee-oa.pathway", "pathway.pathway");
    copy("fixtures/examples/hip-knee-policy.md", "policy.md");
    copy("fixtures/pdf/hip-knee-policy.chromium.pdf", "policy.pdf");
    copy("fixtures/import/hip-knee-oa.drawio", "pathway.drawio");
    copy("fixtures/import/hip-knee-oa.mmd", "pathway.mmd");
    copy("fixtures/import/hip-knee-oa.pptx", "pathway.pptx");
    copy("fixtures/import/hip-knee-oa.vsdx", "pathway.vsdx");
    // A policy with the pathway drawn in a Mermaid fence: prose and
    // pathway findings in one file, placed on the fence's shapes.
    copy("fixtures/import/hip-knee-oa-policy.md", "flowchart.md");
    std::fs::write(
        dir.path().join("policy.docx"),
        docx(&[
            "Hip replacement",
            "Smokers must stop smoking for 8 weeks before they can be referred.",
            "Patients with a BMI over 40 will not be referred.",
        ]),
    )
    .unwrap();
    // A byte-order mark and Windows line ends: the text checked is not
    // the bytes as they are.
    std::fs::write(
        dir.path().join("windows.md"),
        "\u{FEFF}# Access\r\n\r\nPatients with a BMI over 40 will not be referred.\r\n",
    )
    .unwrap();
    dir
}

const FILES: [&str; 10] = [
    "pathway.pathway",
    "policy.md",
    "policy.pdf",
    "policy.docx",
    "windows.md",
    "pathway.drawio",
    "pathway.mmd",
    "pathway.pptx",
    "pathway.vsdx",
    "flowchart.md",
];

fn check_args<'a>(format: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["check", "--no-config", "--format", format];
    args.extend_from_slice(extra);
    args.extend_from_slice(&FILES);
    args
}

/// Every entry file in the cache folder `dir`.
fn entries(dir: &Path) -> Vec<PathBuf> {
    kept(dir, ".json")
}

/// Every file in the cache folder `dir` whose name ends with `suffix`.
fn kept(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir.join("v2")) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = read
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    found.sort();
    found
}

/// The fragments of `--format json` (`rules_table`: with `--rules-table`)
/// in the cache folder `dir`.
fn fragments(dir: &Path, rules_table: bool) -> Vec<PathBuf> {
    kept(
        dir,
        if rules_table {
            ".json-rules-table.frag"
        } else {
            ".json.frag"
        },
    )
}

/// Removes the kept fragments from the cache in `dir`, so a JSON run reads
/// the entries.
fn forget_fragments(dir: &Path) {
    for path in kept(&dir.join(".msklint_cache"), ".frag") {
        std::fs::remove_file(path).unwrap();
    }
}

/// A fragment's bytes with its closing checksum made again, so a change
/// to them is read as sound.
fn resealed(mut data: Vec<u8>) -> Vec<u8> {
    let body = data.len() - 16;
    let sum = xxhash_rust::xxh3::xxh3_128(&data[..body]);
    data[body..].copy_from_slice(&sum.to_le_bytes());
    data
}

/// Where `needle` first is in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .position(|w| w == needle)
        .unwrap()
}

#[test]
fn cached_results_print_exactly_as_fresh_ones_in_every_format() {
    let dir = project();
    let cache = dir.path().join(".msklint_cache");
    let runs = msklint::output::FORMATS
        .iter()
        .map(|f| (f.name, None))
        .chain([("json", Some("--rules-table"))]);
    for (format, flag) in runs {
        let with = |extra: &[&'static str]| {
            let mut all = extra.to_vec();
            all.extend(flag);
            run(dir.path(), &check_args(format, &all))
        };
        let fresh = with(&["--no-cache"]);
        assert!(!cache.exists(), "--no-cache wrote a cache");
        let cold = with(&[]);
        assert_eq!(
            entries(&cache).len(),
            FILES.len(),
            "{format}: one entry per file"
        );
        let kept = if format == "json" { FILES.len() } else { 0 };
        assert_eq!(
            fragments(&cache, flag.is_some()).len(),
            kept,
            "{format} {flag:?}: fragments"
        );
        let warm = with(&[]);
        assert_eq!(fresh.status.code(), Some(1), "{format}");
        for (label, out) in [("cold", &cold), ("warm", &warm)] {
            assert_eq!(out.status.code(), fresh.status.code(), "{format} {label}");
            assert_eq!(stdout(out), stdout(&fresh), "{format} {flag:?} {label}");
            assert_eq!(out.stderr, fresh.stderr, "{format} {label}");
        }
        std::fs::remove_dir_all(&cache).unwrap();
    }
}

/// msklint in `dir` on rayon's pool of `threads`.
fn run_threads(dir: &Path, threads: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RAYON_NUM_THREADS", threads)
        .env_remove("MSKLINT_CACHE_DIR")
        .output()
        .unwrap()
}

/// JSON written from kept fragments is a fresh run's, byte for byte, at
/// any thread count, whether the fragments were made on a fresh check or
/// from entries another format left, with and without the rules table;
/// exit codes follow the findings as ever.
#[test]
fn json_from_fragments_is_a_fresh_runs_at_any_thread_count() {
    let dir = project();
    let cache = dir.path().join(".msklint_cache");
    // Entries first, from another format; the fragments from them.
    run(dir.path(), &check_args("concise", &[]));
    assert!(fragments(&cache, false).is_empty());
    for flags in [
        &[][..],
        &["--rules-table"],
        &["--deny-warnings"],
        &["--rules-table", "--deny-warnings"],
    ] {
        let mut fresh_args = flags.to_vec();
        fresh_args.push("--no-cache");
        let fresh = run(dir.path(), &check_args("json", &fresh_args));
        for threads in ["1", "2", "1", "2"] {
            let out = run_threads(dir.path(), threads, &check_args("json", flags));
            assert_eq!(
                out.status.code(),
                fresh.status.code(),
                "{flags:?} {threads}"
            );
            assert_eq!(out.stdout, fresh.stdout, "{flags:?} {threads}");
            assert_eq!(out.stderr, fresh.stderr, "{flags:?} {threads}");
        }
        assert_eq!(
            fragments(&cache, flags.contains(&"--rules-table")).len(),
            FILES.len()
        );
    }
    // The rules table gives each rule's help from its first finding; the
    // policy's findings of a rule the pathway reports first keep their own
    // help, so some fragments were rendered again for this run's table.
    let table = stdout(&run(dir.path(), &check_args("json", &["--rules-table"])));
    let json: serde_json::Value = serde_json::from_str(&table).unwrap();
    let own_help = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.get("help").is_some())
        .count();
    assert!(own_help > 0, "no finding with its own help: {table}");
    // A file with no findings has an empty fragment; a run of it alone
    // writes an empty list, from the cache as afresh.
    std::fs::write(dir.path().join("clean.pathway"), "").unwrap();
    let clean = ["check", "--no-config", "--format", "json", "clean.pathway"];
    let fresh = run(dir.path(), &[&clean[..], &["--no-cache"]].concat());
    for _ in 0..2 {
        let out = run(dir.path(), &clean);
        assert_eq!(out.stdout, fresh.stdout);
        assert_eq!(out.status.code(), fresh.status.code());
    }
}

/// What a fragment holds is what is printed: the warm run reads it, not
/// the entry, and does not check again.
#[test]
fn a_warm_json_run_prints_what_the_fragment_holds() {
    let dir = project();
    let cache = dir.path().join(".msklint_cache");
    for flag in [None, Some("--rules-table")] {
        let mut args = vec!["check", "--no-config", "--format", "json", "policy.md"];
        args.extend(flag);
        let fresh = stdout(&run(dir.path(), &args));
        let fragment = fragments(&cache, flag.is_some())[0].clone();
        let mut data = std::fs::read(&fragment).unwrap();
        let needle = b"\"rule\": \"bmi-threshold\"";
        let at = find(&data, needle);
        data[at..at + needle.len()].copy_from_slice(b"\"rule\": \"bmi-THRESHOLD\"");
        std::fs::write(&fragment, resealed(data)).unwrap();
        let warm = stdout(&run(dir.path(), &args));
        assert!(warm.contains("bmi-THRESHOLD"), "{warm}");
        assert_eq!(warm.replacen("bmi-THRESHOLD", "bmi-threshold", 1), fresh);
    }
}

/// A fragment is served only for the file, the bytes, the build and the
/// rendering it was made for: one made for `--format json` is never
/// printed for `--rules-table` (or the other way), nor one of another file
/// or under another key; each is a miss, and is written again.
#[test]
fn a_fragment_is_never_served_for_another_rendering_file_or_key() {
    let dir = project();
    let cache = dir.path().join(".msklint_cache");
    let plain = ["check", "--no-config", "--format", "json", "policy.md"];
    let table = [&plain[..], &["--rules-table"]].concat();
    let fresh_plain = run(dir.path(), &[&plain[..], &["--no-cache"]].concat()).stdout;
    let fresh_table = run(dir.path(), &[&table[..], &["--no-cache"]].concat()).stdout;
    assert_ne!(fresh_plain, fresh_table);
    run(dir.path(), &plain);
    run(dir.path(), &table);
    let plain_fragment = fragments(&cache, false)[0].clone();
    let table_fragment = fragments(&cache, true)[0].clone();
    let good_plain = std::fs::read(&plain_fragment).unwrap();
    let good_table = std::fs::read(&table_fragment).unwrap();
    // Each rendering's fragment under the other's name.
    std::fs::write(&table_fragment, &good_plain).unwrap();
    assert_eq!(run(dir.path(), &table).stdout, fresh_table);
    assert_eq!(std::fs::read(&table_fragment).unwrap(), good_table);
    std::fs::write(&plain_fragment, &good_table).unwrap();
    assert_eq!(run(dir.path(), &plain).stdout, fresh_plain);
    assert_eq!(std::fs::read(&plain_fragment).unwrap(), good_plain);
    // Another file's fragment under this file's name.
    let other = ["check", "--no-config", "--format", "json", "windows.md"];
    run(dir.path(), &other);
    let theirs = fragments(&cache, false)
        .into_iter()
        .find(|p| *p != plain_fragment)
        .unwrap();
    std::fs::copy(&theirs, &plain_fragment).unwrap();
    assert_eq!(run(dir.path(), &plain).stdout, fresh_plain);
    assert_eq!(std::fs::read(&plain_fragment).unwrap(), good_plain);
    // Another key (another build, other rules, other bytes), sealed.
    let mut foreign = good_plain.clone();
    let at = find(&foreign, b"msklint fragment\n") + b"msklint fragment\n".len();
    foreign[at] ^= 1;
    std::fs::write(&plain_fragment, resealed(foreign)).unwrap();
    assert_eq!(run(dir.path(), &plain).stdout, fresh_plain);
    assert_eq!(std::fs::read(&plain_fragment).unwrap(), good_plain);
    // Other bytes in the file: the fragment kept for the old ones is not
    // read for the new.
    std::fs::write(
        dir.path().join("policy.md"),
        "# Access\n\nSmokers will not be listed for surgery until they have stopped.\n",
    )
    .unwrap();
    let changed = run(dir.path(), &plain).stdout;
    assert_eq!(
        changed,
        run(dir.path(), &[&plain[..], &["--no-cache"]].concat()).stdout
    );
    assert_ne!(changed, fresh_plain);
}

/// A rules-table fragment sealed whole but whose rows do not match the
/// hashes in its header (made by hand: msklint writes both together) is
/// not used for the table: the run is checked the ordinary way.
#[test]
fn a_rules_table_fragment_whose_rows_disagree_is_not_used() {
    let dir = project();
    let cache = dir.path().join(".msklint_cache");
    let args = [
        "check",
        "--no-config",
        "--format",
        "json",
        "--rules-table",
        "policy.md",
    ];
    let fresh = run(dir.path(), &[&args[..], &["--no-cache"]].concat());
    run(dir.path(), &args);
    let fragment = fragments(&cache, true)[0].clone();
    let mut data = std::fs::read(&fragment).unwrap();
    let rows = find(&data, b"[{\"rule\":\"");
    let at = rows + find(&data[rows..], b"\"help\":\"") + 8;
    data[at] ^= 0x20;
    std::fs::write(&fragment, resealed(data)).unwrap();
    let out = run(dir.path(), &args);
    assert_eq!(out.stdout, fresh.stdout);
    assert_eq!(out.status.code(), fresh.status.code());
}

/// A damaged fragment is a miss, never trusted, and is written again.
#[test]
fn a_damaged_fragment_is_not_trusted_and_is_written_again() {
    let dir = project();
    let cache = dir.path().join(".msklint_cache");
    let args = ["check", "--no-config", "--format", "json", "policy.md"];
    let fresh = run(dir.path(), &[&args[..], &["--no-cache"]].concat());
    run(dir.path(), &args);
    let fragment = fragments(&cache, false)[0].clone();
    let good = std::fs::read(&fragment).unwrap();
    let flipped = |at: usize| {
        let mut data = good.clone();
        data[at] ^= 0x20;
        data
    };
    let damaged: [(&str, Vec<u8>); 8] = [
        ("cut short", good[..good.len() / 2].to_vec()),
        ("cut by a byte", good[..good.len() - 1].to_vec()),
        ("a byte more", [&good[..], b"\n"].concat()),
        ("garbage", b"\x00\x01garbage".to_vec()),
        ("empty", Vec::new()),
        ("a letter changed in the text", flipped(40)),
        ("a letter changed in the header", flipped(good.len() - 60)),
        ("the checksum changed", flipped(good.len() - 1)),
    ];
    for (what, data) in damaged {
        std::fs::write(&fragment, data).unwrap();
        let out = run(dir.path(), &args);
        assert_eq!(out.stdout, fresh.stdout, "{what}");
        assert_eq!(out.status.code(), fresh.status.code(), "{what}");
        assert_eq!(std::fs::read(&fragment).unwrap(), good, "{what}: rewritten");
    }
}

/// The entries are read: what an entry says is what is printed. (An
/// entry changed by hand keeps its key, so this is the only way to see a
/// warm run did not check again.)
#[test]
fn a_warm_run_prints_what_the_entry_holds() {
    let dir = project();
    let args = ["check", "--no-config", "--format", "json", "policy.md"];
    let fresh = stdout(&run(dir.path(), &args));
    let entry = entries(&dir.path().join(".msklint_cache"))[0].clone();
    let text = std::fs::read_to_string(&entry).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let message_at = json["findings"][0][3].as_u64().unwrap() as usize;
    let message = json["strings"][message_at].as_str().unwrap().to_string();
    json["strings"][message_at] = serde_json::Value::from("a message only the entry holds");
    std::fs::write(&entry, json.to_string()).unwrap();
    forget_fragments(dir.path());
    let warm = stdout(&run(dir.path(), &args));
    assert!(warm.contains("a message only the entry holds"), "{warm}");
    assert_eq!(
        warm.replace("a message only the entry holds", &message),
        fresh
    );
}

#[test]
fn a_damaged_or_foreign_entry_is_not_trusted_and_is_written_again() {
    let dir = project();
    let cache = dir.path().join(".msklint_cache");
    let args = ["check", "--no-config", "--format", "json", "policy.md"];
    let fresh = stdout(&run(dir.path(), &args));
    let entry = entries(&cache)[0].clone();
    let good = std::fs::read_to_string(&entry).unwrap();
    let damaged: [(&str, String); 5] = [
        ("cut short", good[..good.len() / 2].to_string()),
        ("not JSON", "\u{0}\u{1}garbage".to_string()),
        ("empty", String::new()),
        ("another key", {
            let mut json: serde_json::Value = serde_json::from_str(&good).unwrap();
            json["key"] = serde_json::Value::from("0".repeat(32));
            json.to_string()
        }),
        ("a span off the text", {
            let mut json: serde_json::Value = serde_json::from_str(&good).unwrap();
            json["findings"][0][4] = serde_json::json!([1_000_000, 1_000_001]);
            json.to_string()
        }),
    ];
    for (what, text) in damaged {
        std::fs::write(&entry, text).unwrap();
        forget_fragments(dir.path());
        let out = run(dir.path(), &args);
        assert_eq!(stdout(&out), fresh, "{what}");
        assert_eq!(
            std::fs::read_to_string(&entry).unwrap(),
            good,
            "{what}: rewritten"
        );
    }
    // Another file's entry under this file's name is not this file's.
    let other = ["check", "--no-config", "--format", "json", "windows.md"];
    run(dir.path(), &other);
    let theirs = entries(&cache).into_iter().find(|p| *p != entry).unwrap();
    std::fs::copy(&theirs, &entry).unwrap();
    forget_fragments(dir.path());
    assert_eq!(stdout(&run(dir.path(), &args)), fresh);
}

#[test]
fn changes_to_the_file_the_rules_or_the_configuration_are_seen() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.md");
    let bmi = "# Access\n\nPatients with a BMI over 40 will not be referred.\n";
    std::fs::write(&policy, bmi).unwrap();
    let rules_of = |out: Output| -> Vec<String> {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .filter(|r| !r.starts_with("missing-"))
            .collect()
    };
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        args.push("policy.md");
        rules_of(run(dir.path(), &args))
    };
    assert_eq!(check(&[]), ["bmi-threshold"]);
    assert_eq!(check(&[]), ["bmi-threshold"]);
    // The file.
    std::fs::write(
        &policy,
        "# Access\n\nSmokers will not be listed for surgery until they have stopped.\n",
    )
    .unwrap();
    assert_eq!(check(&[]), ["smoking-restriction"]);
    std::fs::write(&policy, bmi).unwrap();
    assert_eq!(check(&[]), ["bmi-threshold"]);
    // The configuration: the cache moves beside it, and what it says counts.
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  bmi-threshold: off\n",
    )
    .unwrap();
    assert_eq!(check(&[]), Vec::<String>::new());
    assert!(dir.path().join(".msklint_cache").is_dir());
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "rules:\n  bmi-threshold: error\n",
    )
    .unwrap();
    assert_eq!(check(&[]), ["bmi-threshold"]);
    // A rule of the user's own: an age criterion fires only with it.
    let pathway = std::fs::read_to_string(root().join("fixtures/examples/hip-knee-oa.pathway"))
        .unwrap()
        .replace("requires symptom_weeks >= 12", "requires age < 80");
    std::fs::write(dir.path().join("route.pathway"), pathway).unwrap();
    let rules = dir.path().join("my-rules");
    std::fs::create_dir(&rules).unwrap();
    let pathway_rules = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        args.push("route.pathway");
        rules_of(run(dir.path(), &args))
    };
    assert!(!pathway_rules(&["--rules-dir", "my-rules"]).contains(&"age-threshold".to_string()));
    std::fs::copy(
        root().join("fixtures/custom-rules/local/age-threshold.yaml"),
        rules.join("age.yaml"),
    )
    .unwrap();
    assert!(pathway_rules(&["--rules-dir", "my-rules"]).contains(&"age-threshold".to_string()));
    std::fs::write(
        rules.join("age.yaml"),
        std::fs::read_to_string(rules.join("age.yaml"))
            .unwrap()
            .replace("severity: warning", "severity: error"),
    )
    .unwrap();
    assert_eq!(
        run(
            dir.path(),
            &[
                "check",
                "--format",
                "json",
                "--rules-dir",
                "my-rules",
                "route.pathway"
            ]
        )
        .stdout,
        run(
            dir.path(),
            &[
                "check",
                "--format",
                "json",
                "--no-cache",
                "--rules-dir",
                "my-rules",
                "route.pathway"
            ]
        )
        .stdout,
    );
    std::fs::write(rules.join("age.yaml"), "not: [a rule").unwrap();
    let broken = run(
        dir.path(),
        &["check", "--rules-dir", "my-rules", "route.pathway"],
    );
    assert_eq!(
        broken.status.code(),
        Some(2),
        "a broken rule file is still reported"
    );
    // A sidecar of suppressions beside the document.
    std::fs::write(
        dir.path().join("policy.md.msklint.yaml"),
        "allow:\n  - rule: bmi-threshold\n    sentence: \"BMI over 40\"\n    reason: \"agreed with the panel\"\n",
    )
    .unwrap();
    let sidecar = check(&[]);
    let fresh = rules_of(run(
        dir.path(),
        &["check", "--format", "json", "--no-cache", "policy.md"],
    ));
    assert_eq!(sidecar, fresh);
}

#[test]
fn the_folder_is_chosen_by_flag_variable_or_configuration() {
    let dir = project();
    let args = |extra: &[&'static str]| {
        let mut a = vec!["check", "--no-config", "policy.md"];
        a.extend_from_slice(extra);
        a
    };
    // --cache-dir
    run(dir.path(), &args(&["--cache-dir", "elsewhere"]));
    assert_eq!(entries(&dir.path().join("elsewhere")).len(), 1);
    assert!(!dir.path().join(".msklint_cache").exists());
    // MSKLINT_CACHE_DIR
    let out = Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(args(&[]))
        .current_dir(dir.path())
        .env("MSKLINT_CACHE_DIR", dir.path().join("from-env"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(entries(&dir.path().join("from-env")).len(), 1);
    assert!(!dir.path().join(".msklint_cache").exists());
    // Beside msklint.yaml, found from a folder below it.
    std::fs::write(dir.path().join("msklint.yaml"), "rules: {}\n").unwrap();
    let below = dir.path().join("policies");
    std::fs::create_dir(&below).unwrap();
    std::fs::copy(dir.path().join("policy.md"), below.join("policy.md")).unwrap();
    run(&below, &["check", "policy.md"]);
    assert_eq!(entries(&dir.path().join(".msklint_cache")).len(), 1);
    assert!(!below.join(".msklint_cache").exists());
    let tag = std::fs::read_to_string(dir.path().join(".msklint_cache/CACHEDIR.TAG")).unwrap();
    assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".msklint_cache/.gitignore")).unwrap(),
        "*\n"
    );
    // A directory search does not check the cache's own files.
    let listed = run(
        dir.path(),
        &["check", "--include", "*", "--format", "json", "."],
    );
    assert!(!stdout(&listed).contains(".msklint_cache"));
}

#[test]
fn clean_removes_the_cache_and_nothing_else() {
    let dir = project();
    run(dir.path(), &["check", "--no-config", "policy.md"]);
    assert!(dir.path().join(".msklint_cache").is_dir());
    let out = run(dir.path(), &["clean", "--no-config"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!dir.path().join(".msklint_cache").exists());
    assert!(dir.path().join("policy.md").exists());
    // Nothing to remove is fine.
    assert_eq!(
        run(dir.path(), &["clean", "--no-config"]).status.code(),
        Some(0)
    );
    // A folder that is not a cache is left alone, and nothing is wrong.
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    std::fs::write(dir.path().join("notes/keep.txt"), "mine").unwrap();
    let out = run(dir.path(), &["clean", "--cache-dir", "notes"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds none of msklint's cache files"));
    assert!(dir.path().join("notes/keep.txt").exists());
    // A configuration named but missing is an error, as it is for check.
    let out = run(dir.path(), &["clean", "--config", "nope.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("nope.yaml: the configuration could not be read"));
}

/// A cache pointed at a folder that already holds other things (a shared
/// `~/.cache`, or the project itself) neither marks that folder nor takes
/// over its `.gitignore`, and `clean` then removes msklint's files only.
#[test]
fn a_cache_in_a_folder_that_holds_other_things_leaves_them_alone() {
    let dir = project();
    let shared = dir.path().join("shared");
    std::fs::create_dir_all(shared.join("pip")).unwrap();
    std::fs::write(shared.join("pip/wheel.txt"), "keep").unwrap();
    std::fs::write(shared.join(".gitignore"), "target/\n*.log\n").unwrap();
    let out = run(
        dir.path(),
        &["check", "--no-config", "--cache-dir", "shared", "policy.md"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(entries(&shared).len(), 1, "the cache is still used");
    assert!(!shared.join("CACHEDIR.TAG").exists(), "not ours to mark");
    assert_eq!(
        std::fs::read_to_string(shared.join(".gitignore")).unwrap(),
        "target/\n*.log\n"
    );
    let out = run(dir.path(), &["clean", "--cache-dir", "shared"]);
    assert_eq!(out.status.code(), Some(0));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("holds other files too, so it was kept"),
        "{said}"
    );
    assert!(!shared.join("v2").exists());
    assert_eq!(
        std::fs::read_to_string(shared.join("pip/wheel.txt")).unwrap(),
        "keep"
    );
    assert!(shared.join(".gitignore").exists());

    // A folder an older msklint marked while it held other things: the
    // tag is no licence to remove them. A `v2` folder of the user's own
    // keeps every file whose name msklint would not give.
    let marked = dir.path().join("marked");
    std::fs::create_dir_all(marked.join("v2")).unwrap();
    std::fs::write(marked.join("notes.md"), "mine").unwrap();
    std::fs::write(marked.join("v2/plan.json"), "mine").unwrap();
    std::fs::write(
        marked.join("CACHEDIR.TAG"),
        "Signature: 8a477f597d28d172789f06886806bc55\n# msklint\n",
    )
    .unwrap();
    std::fs::write(marked.join(".gitignore"), "*\n").unwrap();
    run(
        dir.path(),
        &["check", "--no-config", "--cache-dir", "marked", "policy.md"],
    );
    // The entry, beside the user's own `plan.json`.
    assert_eq!(entries(&marked).len(), 2);
    let out = run(dir.path(), &["clean", "--cache-dir", "marked"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(entries(&marked), vec![marked.join("v2/plan.json")]);
    assert!(!marked.join("CACHEDIR.TAG").exists());
    assert_eq!(
        std::fs::read_to_string(marked.join("notes.md")).unwrap(),
        "mine"
    );
    assert_eq!(
        std::fs::read_to_string(marked.join("v2/plan.json")).unwrap(),
        "mine"
    );

    // The project itself as the cache: every file in it stays.
    let out = run(
        dir.path(),
        &["check", "--no-config", "--cache-dir", ".", "policy.md"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!dir.path().join("CACHEDIR.TAG").exists());
    assert!(!dir.path().join(".gitignore").exists());
    let out = run(dir.path(), &["clean", "--cache-dir", "."]);
    assert_eq!(out.status.code(), Some(0));
    for name in [
        "policy.md",
        "pathway.pathway",
        "policy.pdf",
        "shared/pip/wheel.txt",
    ] {
        assert!(dir.path().join(name).exists(), "{name} was removed");
    }
    assert!(!dir.path().join("v2").exists());
}

/// `clean` follows no link, takes no folder but `v1` and `v2` for a layout
/// folder, and removes a layout folder only when msklint's files were in
/// it: a user's files outside the cache, and their own `v3` or empty `v9`,
/// stay.
#[cfg(unix)]
#[test]
fn clean_follows_no_link_and_keeps_folders_it_did_not_fill() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("proj");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(proj.join("v3")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(proj.join("readme.txt"), "hi").unwrap();
    std::fs::write(proj.join("v3/0123456789abcdef.json"), "mine").unwrap();
    std::fs::write(elsewhere.join("0123456789abcdef.json"), "mine").unwrap();
    std::os::unix::fs::symlink(&elsewhere, proj.join("v2")).unwrap();
    let out = run(dir.path(), &["clean", "--cache-dir", "proj"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds none of msklint's"));
    assert!(elsewhere.join("0123456789abcdef.json").exists());
    assert!(proj.join("v3/0123456789abcdef.json").exists());
    assert!(proj.join("v2").exists());
    // A folder holding only an empty `v9` is not a cache.
    std::fs::create_dir_all(dir.path().join("only/v9")).unwrap();
    let out = run(dir.path(), &["clean", "--cache-dir", "only"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.path().join("only/v9").is_dir());
    // A cache folder named through a link is refused before anything goes.
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    std::fs::write(real.join("keep.txt"), "mine").unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
    let project = project();
    std::fs::copy(
        project.path().join("policy.md"),
        dir.path().join("policy.md"),
    )
    .unwrap();
    run(
        dir.path(),
        &["check", "--no-config", "--cache-dir", "link", "policy.md"],
    );
    assert_eq!(entries(&real).len(), 1);
    let out = run(dir.path(), &["clean", "--cache-dir", "link"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a link to another folder"));
    assert_eq!(entries(&real).len(), 1);
    assert!(real.join("keep.txt").exists());
}

#[test]
fn a_cache_that_cannot_be_written_does_not_stop_the_run() {
    let dir = project();
    // A file where the folder would be.
    std::fs::write(dir.path().join("blocked"), "a file").unwrap();
    let fresh = run(dir.path(), &check_args("json", &["--no-cache"]));
    let out = run(
        dir.path(),
        &check_args("json", &["--cache-dir", "blocked/cache"]),
    );
    assert_eq!(out.status.code(), fresh.status.code());
    assert_eq!(out.stdout, fresh.stdout);
}

#[test]
fn runs_sharing_a_cache_agree_with_a_fresh_run() {
    let dir = project();
    let fresh = run(dir.path(), &check_args("json", &["--no-cache"]));
    let children: Vec<_> = (0..6)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_msklint"))
                .args(check_args("json", &[]))
                .current_dir(dir.path())
                .env_remove("MSKLINT_CACHE_DIR")
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.stdout, fresh.stdout);
    }
    // No half-written entry or temporary file is left.
    let cache = dir.path().join(".msklint_cache/v2");
    for entry in std::fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".json.frag") {
            continue;
        }
        assert!(
            path.extension().is_some_and(|e| e == "json"),
            "{}",
            path.display()
        );
        let text = std::fs::read_to_string(&path).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap();
    }
    assert_eq!(
        fragments(dir.path().join(".msklint_cache").as_path(), false).len(),
        FILES.len()
    );
    let warm = run(dir.path(), &check_args("json", &[]));
    assert_eq!(warm.stdout, fresh.stdout);
}

/// The commands docs/cache.md opens with, run as written on a folder of
/// policies, do what their comments say.
#[test]
fn the_commands_in_the_docs_work_as_written() {
    let docs = std::fs::read_to_string(root().join("docs/cache.md")).unwrap();
    let start = docs.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let block = &docs[start..start + docs[start..].find("```").unwrap()];
    let dir = project();
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).unwrap();
    std::fs::copy(dir.path().join("policy.md"), policies.join("policy.md")).unwrap();
    std::fs::write(dir.path().join("msklint.yaml"), "include: ['*.md']\n").unwrap();
    let cache = dir.path().join(".msklint_cache");
    let mut fresh = None;
    let mut ran = 0;
    for line in block.lines() {
        let command = line.split('#').next().unwrap().trim();
        let words: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(words[0], "msklint", "{line}");
        let out = run(dir.path(), &words[1..]);
        let comment = line.split('#').nth(1).unwrap_or("");
        match words[1] {
            "check" => {
                assert_eq!(out.status.code(), Some(1), "{line}");
                let printed = stdout(&out);
                assert!(printed.contains("bmi-threshold"), "{line}: {printed}");
                assert_eq!(fresh.get_or_insert(printed.clone()), &printed, "{line}");
                if comment.contains("untouched") {
                    assert_eq!(entries(&cache).len(), 1, "{line}");
                } else {
                    assert!(cache.is_dir(), "{line}");
                }
            }
            "clean" => {
                assert_eq!(out.status.code(), Some(0), "{line}");
                assert!(!cache.exists(), "{line}");
            }
            other => panic!("docs/cache.md runs `{other}`, which this test does not know"),
        }
        ran += 1;
    }
    assert_eq!(ran, 4);
}
