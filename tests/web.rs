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

/// The example policy, made into a Word document by [`docx`].
const DOCX: &str = "hip-knee-policy.docx";

/// The settings the test chooses in the page's settings panel, as the
/// panel must write them.
const SETTINGS: &str = "rules:\n  bmi-threshold: off\n  smoking-restriction: info\n";

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

/// What `msklint ARGS NAME` prints, run in the file's folder so that it
/// names the file as the page does (by its name alone). Exit 1 is
/// expected from `check` (the examples carry deliberate faults).
fn msklint(args: &[&str], file: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_msklint"))
        .args(args)
        .arg(file.file_name().unwrap())
        .current_dir(file.parent().unwrap())
        // The page checks a file on its own, as if at a repository's root:
        // SARIF names files from the root (src/output/paths.rs), and the
        // fixtures sit inside this repository.
        .env("GITHUB_WORKSPACE", file.parent().unwrap())
        .output()
        .unwrap();
    let code = out.status.code();
    assert!(
        code == Some(0) || (code == Some(1) && args[0] == "check"),
        "msklint {args:?} {}: {:?}\n{}",
        file.display(),
        code,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A Word document with the paragraphs of a Markdown text: each heading,
/// list item and run of lines is one paragraph, headings styled as such.
fn docx(markdown: &str) -> Vec<u8> {
    use std::io::Write;
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut paragraphs: Vec<(String, String)> = Vec::new();
    let mut open = false;
    for line in markdown.lines() {
        let line = line.trim();
        if line.is_empty() {
            open = false;
        } else if let Some(heading) = line.strip_prefix('#') {
            let level = 1 + heading.chars().take_while(|&c| c == '#').count();
            let text = heading.trim_start_matches('#').trim();
            paragraphs.push((format!("Heading{level}"), text.to_string()));
            open = false;
        } else if let Some(item) = line.strip_prefix("- ") {
            paragraphs.push(("ListParagraph".to_string(), item.to_string()));
            open = true;
        } else if open {
            let last = paragraphs.last_mut().unwrap();
            last.1.push(' ');
            last.1.push_str(line);
        } else {
            paragraphs.push((String::new(), line.to_string()));
            open = true;
        }
    }
    let mut body = String::from(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
    );
    for (style, text) in &paragraphs {
        let props = if style.is_empty() {
            String::new()
        } else {
            format!("<w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>")
        };
        body.push_str(&format!(
            "<w:p>{props}<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
            esc(text)
        ));
    }
    body.push_str("</w:body></w:document>");
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("word/document.xml", options).unwrap();
    zip.write_all(body.as_bytes()).unwrap();
    zip.finish().unwrap();
    buf.into_inner()
}

/// One file for the page, with what the command line makes of it: the
/// findings (`check --format json` and `--format sarif`, no
/// configuration, as the page has none until one is chosen), the
/// consultation response (`report`, HTML and Markdown) and, for a
/// pathway, the scorecards (`score --format json`).
fn case(file: &Path, work: &Path) -> serde_json::Value {
    let name = file.file_name().unwrap().to_str().unwrap();
    let save = |what: &str, text: String| {
        let path = work.join(format!("{name}.{what}"));
        std::fs::write(&path, text).unwrap();
        path
    };
    let json = msklint(&["check", "--no-config", "--format", "json"], file);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(!doc["diagnostics"].as_array().unwrap().is_empty(), "{name}");
    let pathway = name.ends_with(".pathway");
    let score = pathway.then(|| {
        save(
            "score.json",
            msklint(&["score", "--no-config", "--format", "json"], file),
        )
    });
    let settings = work.join("msklint.yaml");
    serde_json::json!({
        "file": file,
        "name": name,
        "expected": save("json", json),
        "sarif": save("sarif", msklint(&["check", "--no-config", "--format", "sarif"], file)),
        "html": save("html", msklint(&["report", "--no-config", "--format", "html"], file)),
        "markdown": save("md", msklint(&["report", "--no-config", "--format", "markdown"], file)),
        "score": score,
        "configured": save(
            "configured.json",
            msklint(&["check", "--config", settings.to_str().unwrap(), "--format", "json"], file),
        ),
    })
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

    // The compressed WebAssembly is what a browser downloads (issue 13:
    // under 3 MB).
    let wasm = web.join("msklint_web_bg.wasm");
    let gzip = succeed(
        "gzip",
        Command::new("gzip").arg("-9c").arg(&wasm).output().unwrap(),
    );
    assert!(
        gzip.stdout.len() < 3_000_000,
        "{} is {} bytes gzipped, over the 3 MB budget",
        wasm.display(),
        gzip.stdout.len()
    );

    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("web");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("msklint.yaml"), SETTINGS).unwrap();
    let policy =
        std::fs::read_to_string(root().join("fixtures/examples/hip-knee-policy.md")).unwrap();
    std::fs::write(work.join(DOCX), docx(&policy)).unwrap();
    let mut files: Vec<PathBuf> = CASES
        .iter()
        .map(|name| root().join("fixtures/examples").join(name))
        .collect();
    files.push(work.join(DOCX));
    let cases: Vec<serde_json::Value> = files.iter().map(|file| case(file, &work)).collect();
    let cases_path = work.join("cases.json");
    let all = serde_json::json!({ "cases": cases, "settings": SETTINGS });
    std::fs::write(&cases_path, serde_json::to_string(&all).unwrap()).unwrap();

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
        "word-document.png",
        "scores.png",
        "settings.png",
        "bad-input.png",
        "printed.pdf",
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
