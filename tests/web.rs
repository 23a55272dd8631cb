//! The web page (web/, docs/web.md) in a real browser. scripts/build-web.sh
//! builds it into target/web; web/test/e2e.test.js, run with Node.js,
//! serves that folder on 127.0.0.1 and drives it in headless Chromium
//! through playwright-core: it pastes the bundled example pathway, opens a
//! share link, chooses the example pathway and policy as files and drops
//! the policy on the page, and each time the findings on the page must be
//! those `msklint check --format json` prints here for the same file, with
//! no network request once the page has loaded. Screenshots are kept in target/web-test/.
//!
//! Gated like every outside program (tests/programs/mod.rs): ignored
//! without Chromium, Node.js and npm on PATH, run (and failing without
//! them) under CI=true. The build script needs the Rust toolchain and
//! crates.io (it installs the WebAssembly target and wasm-bindgen-cli);
//! npm installs the pinned playwright-core and axe-core.

mod programs;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled examples the page is given, under the names it gets them.
const CASES: [&str; 2] = ["hip-knee-oa.pathway", "hip-knee-policy.md"];

fn succeed(what: &str, out: Output) -> Output {
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `msklint check --format json` on one example, as the page must show it.
/// No configuration: the page has none either.
fn expected(file: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(["check", "--no-config", "--format", "json"])
        .arg(file)
        .current_dir(root())
        .output()
        .unwrap();
    // Exit 1: the examples carry deliberate faults.
    assert_eq!(out.status.code(), Some(1), "{}", file.display());
    let json = String::from_utf8(out.stdout).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(!doc["diagnostics"].as_array().unwrap().is_empty());
    json
}

#[test]
#[cfg_attr(
    not(all(run_chromium_tests, run_node_tests, run_npm_tests)),
    ignore = "Chromium, Node.js or npm is not on PATH; apt-get install chromium nodejs npm, \
              or run with CI=true to make this a failure"
)]
fn the_web_page_shows_the_command_lines_findings_in_headless_chromium() {
    let chromium = programs::require(&programs::CHROMIUM);
    programs::require(&programs::NODE);
    programs::require(&programs::NPM);

    succeed(
        "scripts/build-web.sh",
        Command::new("bash")
            .arg(root().join("scripts/build-web.sh"))
            .output()
            .unwrap(),
    );
    let web = root().join("target/web");
    assert!(web.join("index.html").is_file());

    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("web");
    std::fs::create_dir_all(&work).unwrap();
    let cases: Vec<serde_json::Value> = CASES
        .iter()
        .map(|name| {
            let file: PathBuf = root().join("fixtures/examples").join(name);
            let expected_path = work.join(format!("{name}.json"));
            std::fs::write(&expected_path, expected(&file)).unwrap();
            serde_json::json!({ "file": file, "name": name, "expected": expected_path })
        })
        .collect();
    let cases_path = work.join("cases.json");
    std::fs::write(&cases_path, serde_json::to_string(&cases).unwrap()).unwrap();

    let tests = root().join("web/test");
    succeed(
        "npm ci in web/test",
        Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&tests)
            .output()
            .unwrap(),
    );
    let artefacts = root().join("target/web-test");
    // Screenshots from an earlier run must not stand in for this one's.
    let _ = std::fs::remove_dir_all(&artefacts);
    let out = succeed(
        "web/test/e2e.test.js",
        Command::new("npm")
            .arg("test")
            .current_dir(&tests)
            .env("MSKLINT_WEB", &web)
            .env("MSKLINT_CHROMIUM", &chromium)
            .env("MSKLINT_CASES", &cases_path)
            .env("MSKLINT_ARTEFACTS", &artefacts)
            .output()
            .unwrap(),
    );
    // The runner counted its tests, and every one passed.
    let tap = String::from_utf8_lossy(&out.stdout);
    assert!(tap.contains("\n# fail 0"), "{tap}");
    assert!(!tap.contains("\n# pass 0"), "{tap}");
    for shot in [
        "pasted-pathway.png",
        "share-link.png",
        "several-files.png",
        "rules.png",
    ] {
        let shot = artefacts.join(shot);
        let size = std::fs::metadata(&shot).map_or(0, |m| m.len());
        assert!(size > 10_000, "no screenshot at {}", shot.display());
    }
}

/// Without Chromium, Node.js or npm the test above is ignored, or fails
/// when built under CI=true; run anyway, it fails. It never passes.
#[test]
fn without_chromium_or_node_the_web_test_is_ignored_or_fails_never_passes() {
    let test = "the_web_page_shows_the_command_lines_findings_in_headless_chromium";
    let out = programs::rerun_without_programs(test, false);
    let text = String::from_utf8_lossy(&out.stdout);
    if cfg!(all(run_chromium_tests, run_node_tests, run_npm_tests)) {
        assert!(text.contains(&format!("test {test} ... FAILED")), "{text}");
    } else {
        assert!(
            text.contains(&format!(
                "test {test} ... ignored, Chromium, Node.js or npm"
            )),
            "{text}"
        );
        assert!(text.contains("0 passed; 0 failed; 1 ignored"), "{text}");
    }
    // libtest prints a failed test's panic on stdout.
    let out = programs::rerun_without_programs(test, true);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("Chromium is not on PATH"), "{text}");
}
