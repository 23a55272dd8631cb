//! `msklint server` with a real client: headless Neovim runs
//! tests/nvim/lsp.lua, which opens a pathway and a policy, waits for their
//! diagnostics, asks for a hover, applies a quick fix on each and formats
//! the pathway, checking every result, then stops the server. Gated like
//! the other tests that drive outside programs (tests/programs/mod.rs):
//! ignored without `nvim` on PATH, run (and failing) under CI=true.

mod programs;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest the whole Neovim run may take before it counts as hung.
const LIMIT: Duration = Duration::from_secs(180);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A pathway with the faults the script fixes: `=` for `==`, a messy
/// layout, and accents and emoji before the BMI criterion on its line, so
/// positions are only right if counted in UTF-16 units.
const PATHWAY: &str = "# Hanche et genou — brouillon 🦴\npathway \"Hip and knee\" {\n  inequalities:   \"Waits monitored by deprivation quintile\"\n  entry gp: \"GP\" { kind: gp }\n  service ortho: \"Chirurgie orthopédique 🦵\" { kind: secondary  requires: bmi < 40 }\n  service fcp: \"First contact\" {kind: primary requires: smoking = false}\n  exit home: \"Home\"\n  gp -> fcp\n  fcp -> ortho\n  ortho -> home\n}\n";

const POLICY: &str = "# Hip and knee policy\n\nReferrals are made by the patient's GP.\nPatients with a BMI over 40 will not be referred for hip replacement surgery.\nOutcomes are recorded.\n";

#[test]
#[cfg_attr(
    not(run_neovim_tests),
    ignore = "Neovim (`nvim`) is not on PATH; apt-get install neovim, \
              or run with CI=true to make this a failure"
)]
fn neovim_gets_diagnostics_hover_a_quick_fix_and_formatting() {
    let nvim = programs::require(&programs::NEOVIM);
    let dir = tempfile::tempdir().unwrap();
    let pathway = dir.path().join("hip-knee.pathway");
    let policy = dir.path().join("policy.md");
    let expected = dir.path().join("expected.pathway");
    std::fs::write(&pathway, PATHWAY).unwrap();
    std::fs::write(&policy, POLICY).unwrap();
    let fixed = PATHWAY.replace("smoking = false", "smoking == false");
    std::fs::write(&expected, msklint::format::format(&fixed).unwrap()).unwrap();

    let script = root().join("tests/nvim/lsp.lua");
    let mut child = Command::new(&nvim)
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .current_dir(dir.path())
        .env("MSKLINT", env!("CARGO_BIN_EXE_msklint"))
        .env("MSKLINT_PATHWAY", &pathway)
        .env("MSKLINT_POLICY", &policy)
        .env("MSKLINT_EXPECTED", &expected)
        // Keep Neovim's own files (the LSP log) out of the user's home.
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "Neovim did not finish in {LIMIT:?}:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        status.success(),
        "Neovim's script failed ({status}):\n{stderr}"
    );
    assert!(stderr.contains("neovim: all checks passed"), "{stderr}");
}

/// Without Neovim its test is ignored, or fails when built under CI=true;
/// run anyway, it fails. It never passes.
#[test]
fn without_neovim_its_test_is_ignored_or_fails_never_passes() {
    let test = "neovim_gets_diagnostics_hover_a_quick_fix_and_formatting";
    let out = programs::rerun_without_programs(test, false);
    let text = String::from_utf8_lossy(&out.stdout);
    if cfg!(run_neovim_tests) {
        assert!(text.contains(&format!("test {test} ... FAILED")), "{text}");
    } else {
        assert!(
            text.contains(&format!("test {test} ... ignored, ")),
            "{text}"
        );
        assert!(text.contains("0 passed; 0 failed; 1 ignored"), "{text}");
    }
    let out = programs::rerun_without_programs(test, true);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("Neovim is not on PATH"), "{text}");
}
