//! `msklint check -`: text piped in on standard input is checked as one
//! file, named `<stdin>` or by `--stdin-filename`, with the same findings,
//! output and exit status as the file itself.

mod common;

use std::process::Output;

use common::{msklint, piped, root};

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
}

fn rules(doc: &serde_json::Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

const POLICY: &[u8] = b"Patients with a BMI over 40 will not be referred for knee replacement.\n";

#[test]
fn unnamed_policy_text_is_read_as_a_policy_called_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let out = piped(&["check", "--format", "json", "-"], dir.path(), POLICY);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let doc = json(&out);
    assert!(rules(&doc).contains(&"bmi-threshold".to_string()), "{doc}");
    assert_eq!(doc["diagnostics"][0]["path"], "<stdin>");
    assert_eq!(doc["summary"]["files"], 1);
}

/// `--show-files -` printed nothing, as though nothing would be read.
/// It lists standard input under the name its findings are given.
#[test]
fn show_files_lists_standard_input_by_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = piped(&["check", "--show-files", "-"], dir.path(), POLICY);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "<stdin>\n");
    let out = piped(
        &[
            "check",
            "--show-files",
            "--stdin-filename",
            "policies/p.md",
            "-",
        ],
        dir.path(),
        POLICY,
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "policies/p.md\n");
}

#[test]
fn a_piped_file_gives_what_the_file_gives() {
    let name = "fixtures/examples/hip-knee-oa.pathway";
    let bytes = std::fs::read(root().join(name)).unwrap();
    let file = msklint(&["check", "--no-cache", "--format", "json", name], &root());
    let named = piped(
        &["check", "--format", "json", "--stdin-filename", name, "-"],
        &root(),
        &bytes,
    );
    assert_eq!(named.status.code(), file.status.code());
    assert_eq!(
        String::from_utf8_lossy(&named.stdout),
        String::from_utf8_lossy(&file.stdout)
    );
    // Unnamed, it is recognised as a pathway by its `pathway "..." {` line.
    let unnamed = piped(&["check", "--format", "json", "-"], &root(), &bytes);
    assert_eq!(rules(&json(&unnamed)), rules(&json(&file)));
    assert!(rules(&json(&file)).contains(&"smoking-restriction".to_string()));
}

#[test]
fn an_unnamed_office_file_is_read_by_what_its_archive_holds() {
    // A presentation or a Visio drawing piped in is the pathway it draws,
    // as the named file is; it was read as a Word document and refused.
    for name in [
        "fixtures/import/hip-knee-oa.pptx",
        "fixtures/import/hip-knee-oa.vsdx",
    ] {
        let bytes = std::fs::read(root().join(name)).unwrap();
        let file = msklint(&["check", "--no-cache", "--format", "json", name], &root());
        let unnamed = piped(&["check", "--format", "json", "-"], &root(), &bytes);
        assert_eq!(
            unnamed.status.code(),
            file.status.code(),
            "{name}: {unnamed:?}"
        );
        assert_eq!(rules(&json(&unnamed)), rules(&json(&file)), "{name}");
        assert!(!rules(&json(&file)).is_empty(), "{name}");
    }
}

#[test]
fn the_name_sets_the_format() {
    let dir = tempfile::tempdir().unwrap();
    // Policy prose named as a pathway is read as one, and does not parse.
    let out = piped(
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "draft.pathway",
            "-",
        ],
        dir.path(),
        POLICY,
    );
    let doc = json(&out);
    assert_eq!(rules(&doc), ["syntax-error"]);
    assert_eq!(doc["diagnostics"][0]["path"], "draft.pathway");
}

#[test]
fn the_name_picks_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("msklint.yaml"),
        "overrides:\n  - paths: [\"drafts/**\"]\n    rules:\n      bmi-threshold: off\n",
    )
    .unwrap();
    let draft = piped(
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "drafts/knee.md",
            "-",
        ],
        dir.path(),
        POLICY,
    );
    assert!(!rules(&json(&draft)).contains(&"bmi-threshold".to_string()));
    let policy = piped(
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "policies/knee.md",
            "-",
        ],
        dir.path(),
        POLICY,
    );
    assert!(rules(&json(&policy)).contains(&"bmi-threshold".to_string()));
}

#[test]
fn a_damaged_pdf_piped_in_is_not_checked_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = piped(
        &["check", "--format", "json", "-"],
        dir.path(),
        b"%PDF-1.7\nnothing a PDF reader could use",
    );
    assert_eq!(out.status.code(), Some(2));
    let doc = json(&out);
    assert_eq!(doc["not_checked"][0]["path"], "<stdin>");
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: <stdin>: cannot check this PDF"));
}

#[test]
fn standard_input_is_checked_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = piped(&["check", "-", "other.pathway"], dir.path(), POLICY);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`-` (standard input) is checked on its own")
    );
    let out = piped(
        &["check", "--stdin-filename", "a.md", "x.pathway"],
        dir.path(),
        POLICY,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give `-` as the path"));
}

/// The views and `import` do not read standard input: `-` is refused with
/// a message that says so, not looked for as a file called `-`.
#[test]
fn views_and_import_refuse_standard_input_plainly() {
    for command in ["report", "score", "graph", "import"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_msklint"))
            .args([command, "-"])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("read by `msklint check` only"),
            "{command}: {err}"
        );
        assert!(!err.contains("no such file"), "{command}: {err}");
    }
}

/// `--trace` on piped pathway text names it as the output does,
/// `<stdin>` or the `--stdin-filename` given, never a name the person
/// did not give (it said `stdin.pathway`).
#[test]
fn trace_of_piped_pathway_text_names_it_as_given() {
    let dir = tempfile::tempdir().unwrap();
    let pathway = b"pathway \"P\" {\n  entry gp: \"GP\" { kind: gp }\n}\n";
    let out = piped(&["check", "--trace", "-:2"], dir.path(), pathway);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: <stdin>: not a policy document msklint reads"),
        "{err}"
    );
    assert!(!err.contains("stdin.pathway"), "{err}");
    assert!(err.contains("--stdin-filename"), "{err}");
    let out = piped(
        &["check", "--trace", "-:2", "--stdin-filename", "p.pathway"],
        dir.path(),
        pathway,
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: p.pathway: not a policy document msklint reads"),
        "{err}"
    );
}
