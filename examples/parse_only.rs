//! Parser throughput, and a per-stage breakdown, for the benchmarks.
//!
//! ```text
//! parse_only [--repeat N] PATH...           time msklint::parser::parse only
//! parse_only --stages [--repeat N] PATH...  time and weigh every stage
//! ```
//!
//! Directories are searched for `*.pathway` files. Every file is read into
//! memory first, so only parsing is timed: the pest grammar plus building
//! the AST, on one thread (so the figure is per core). The best of
//! `--repeat` runs (default 3) is reported as
//! `parse: files=.. bytes=.. seconds=.. mb_per_s=..` (MB = 10^6 bytes).
//!
//! `--stages` runs the pipeline of `Linter::check_text` step by step on
//! each file (line index, parse, names and values, graph build, each engine
//! rule, then the whole `check_text` and the JSON and human renderers), and
//! prints the time and the heap growth of each, measured by a counting
//! allocator. It is a diagnostic aid for docs/performance.md, not part of
//! msklint.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use msklint::check::Linter;
use msklint::graph::PathwayGraph;
use msklint::output;
use msklint::rules::engine;
use msklint::source::SourceFile;
use msklint::{parser, validate};

/// The system allocator, counting live and peak heap bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Relaxed);
            grow(new_size);
        }
        p
    }
}

fn grow(n: usize) {
    let live = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(live, Relaxed);
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> usize {
    LIVE.load(Relaxed)
}

/// Resets the peak to the current live size and returns it.
fn reset_peak() -> usize {
    let l = live();
    PEAK.store(l, Relaxed);
    l
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.sort();
        for p in entries {
            if p.is_dir() || p.extension().is_some_and(|e| e == "pathway") {
                collect(&p, out);
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

/// One row of the stage table: total time over all files, and the largest
/// heap growth seen while the stage ran (peak above what was live before).
#[derive(Default, Clone)]
struct Stage {
    time: Duration,
    peak_growth: usize,
    retained: usize,
}

impl Stage {
    fn add(&mut self, time: Duration, before: usize) {
        self.time += time;
        self.peak_growth = self
            .peak_growth
            .max(PEAK.load(Relaxed).saturating_sub(before));
        self.retained = self.retained.max(live().saturating_sub(before));
    }
}

fn stages(texts: &[(String, String)], repeat: usize) -> Result<(), String> {
    let linter = Linter::builtin()?;
    let policy = linter.config.policy(&linter.rules, &[]);
    let names: Vec<&str> = policy.active.iter().map(|a| a.rule.name.as_str()).collect();
    let mut rows: Vec<(String, Stage)> = [
        "line index (SourceFile::new)",
        "parse (pest + AST)",
        "names and values (validate)",
        "graph build (PathwayGraph::build)",
        "all engine rules (engine::run)",
        "check_text, end to end",
        "render JSON",
        "render human",
    ]
    .iter()
    .map(|s| (s.to_string(), Stage::default()))
    .collect();
    let mut per_rule = vec![Duration::ZERO; names.len()];
    let mut diagnostics = 0;
    let opts = output::human::HumanOptions {
        color: false,
        width: 100,
    };
    for round in 0..repeat {
        let mut r: Vec<(String, Stage)> = rows
            .iter()
            .map(|(n, _)| (n.clone(), Stage::default()))
            .collect();
        let mut rule_times = vec![Duration::ZERO; names.len()];
        for (name, text) in texts {
            let owned = text.clone();
            let before = reset_peak();
            let t = Instant::now();
            let source = SourceFile::new(name.as_str(), owned);
            r[0].1.add(t.elapsed(), before);

            let before = reset_peak();
            let t = Instant::now();
            let parsed = parser::parse(&source.text);
            r[1].1.add(t.elapsed(), before);
            if !parsed.is_complete() {
                continue;
            }
            let file = &parsed.file;
            let mut diags = parsed.diagnostics.clone();

            for pathway in &file.pathways {
                let before = reset_peak();
                let t = Instant::now();
                validate::validate(pathway, &linter.vocabulary, &[], &mut diags);
                r[2].1.add(t.elapsed(), before);

                let before = reset_peak();
                let t = Instant::now();
                let graph = PathwayGraph::build(pathway, &mut diags);
                r[3].1.add(t.elapsed(), before);

                let before = reset_peak();
                let t = Instant::now();
                engine::run(
                    &policy.active,
                    &graph,
                    &source,
                    &linter.measures,
                    &mut diags,
                );
                r[4].1.add(t.elapsed(), before);

                for (i, active) in policy.active.iter().enumerate() {
                    let mut scratch = Vec::new();
                    let t = Instant::now();
                    engine::run(
                        std::slice::from_ref(active),
                        &graph,
                        &source,
                        &linter.measures,
                        &mut scratch,
                    );
                    rule_times[i] += t.elapsed();
                }
            }
            drop(diags);
            drop(parsed);
            drop(source);

            let owned = text.clone();
            let before = reset_peak();
            let t = Instant::now();
            let report = linter.check_text(name, owned);
            r[5].1.add(t.elapsed(), before);
            if round == 0 {
                diagnostics += report.diagnostics.len();
            }
            let reports = [report];

            let before = reset_peak();
            let t = Instant::now();
            let json = output::json::render(&reports);
            r[6].1.add(t.elapsed(), before);
            drop(json);

            let before = reset_peak();
            let t = Instant::now();
            let human = output::human::render(&reports, opts);
            r[7].1.add(t.elapsed(), before);
            drop(human);
        }
        // Keep the fastest round of each stage.
        for (i, (_, s)) in r.into_iter().enumerate() {
            if round == 0 || s.time < rows[i].1.time {
                rows[i].1 = s;
            }
        }
        for (i, t) in rule_times.into_iter().enumerate() {
            if round == 0 || t < per_rule[i] {
                per_rule[i] = t;
            }
        }
    }
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    println!(
        "files={} bytes={} ({:.1} MB) diagnostics={diagnostics}, best of {repeat}, one thread",
        texts.len(),
        bytes,
        mb(bytes)
    );
    println!(
        "{:<36} {:>9} {:>9} {:>14} {:>14}",
        "stage", "seconds", "MB/s", "peak heap +MB", "kept heap +MB"
    );
    for (name, s) in &rows {
        println!(
            "{:<36} {:>9.3} {:>9.1} {:>14.1} {:>14.1}",
            name,
            s.time.as_secs_f64(),
            mb(bytes) / s.time.as_secs_f64().max(1e-9),
            mb(s.peak_growth),
            mb(s.retained)
        );
    }
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| per_rule[b].cmp(&per_rule[a]));
    println!("slowest engine rules (each run alone):");
    for &i in order.iter().take(8) {
        println!("  {:<34} {:>9.3}", names[i], per_rule[i].as_secs_f64());
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut repeat = 3;
    let mut stage_mode = false;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--stages" => stage_mode = true,
            "--repeat" => match args.next().and_then(|v| v.parse().ok()) {
                Some(n) if n > 0 => repeat = n,
                _ => {
                    eprintln!("error: --repeat takes a positive number");
                    return ExitCode::from(2);
                }
            },
            _ => paths.push(PathBuf::from(arg)),
        }
    }
    let mut files = Vec::new();
    for p in &paths {
        collect(p, &mut files);
    }
    if files.is_empty() {
        eprintln!("usage: parse_only [--stages] [--repeat N] PATH...");
        return ExitCode::from(2);
    }
    let mut texts = Vec::with_capacity(files.len());
    for f in &files {
        match std::fs::read_to_string(f) {
            Ok(t) => texts.push((f.display().to_string(), t)),
            Err(e) => {
                eprintln!("error: {}: {e}", f.display());
                return ExitCode::from(2);
            }
        }
    }
    if stage_mode {
        return match stages(&texts, repeat) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        };
    }
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let mut best = Duration::MAX;
    let mut failed = 0;
    let mut peak = 0;
    for _ in 0..repeat {
        failed = 0;
        let t = Instant::now();
        for (_, text) in &texts {
            let before = reset_peak();
            let parsed = parser::parse(text);
            failed += usize::from(!parsed.is_complete() || !parsed.diagnostics.is_empty());
            peak = peak.max(PEAK.load(Relaxed).saturating_sub(before));
            drop(parsed);
        }
        best = best.min(t.elapsed());
    }
    let secs = best.as_secs_f64();
    println!(
        "parse: files={} bytes={bytes} seconds={secs:.4} mb_per_s={:.1} peak_heap_mb={:.1} syntax_errors={failed}",
        texts.len(),
        mb(bytes) / secs.max(1e-9),
        mb(peak)
    );
    if failed > 0 {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
