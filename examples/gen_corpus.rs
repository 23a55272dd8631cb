//! Writes synthetic, valid `.pathway` files for benchmarks.
//!
//! ```text
//! gen_corpus --files N --services K --out DIR [--seed S]
//! gen_corpus --single --services K --out FILE [--seed S]
//! ```
//!
//! Output depends only on the arguments (a small xorshift generator seeded
//! from `--seed`, default 1), so two runs give byte-identical corpora.
//!
//! Each pathway has pathway fields, a few entries, K services and a few
//! exits, with a realistic mix of:
//! - routes: forward branches (`a -> b, c`), joins (`a, b -> c`), loops back
//!   to earlier services, several entries attached along the pathway, some
//!   `when "..."` reasons and some route `requires` gates;
//! - criteria: BMI, smoking and symptom-duration thresholds (so the access
//!   rules fire) next to neutral clinical ones such as `age >= 16`;
//! - DNA policies: `contact then rebook`, `discharge after 2`,
//!   `contact then discharge after 3`, ...
//!
//! Only kinds, offers, channels and DNA actions from `rules/vocabulary.yaml`
//! are used, so the language stage reports nothing: no `syntax-error`,
//! `undefined-node`, `invalid-value` or `unknown-*` findings. The rules do
//! fire (BMI thresholds, discharge on DNA, dead ends, stage gates, ...), as
//! they would on real drafts.
//!
//! `benches/pipeline.rs` includes this file as a module to generate the same
//! text in-process, so the functions below are `pub` and free of I/O.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Files per sub-folder in `--files` mode, so no folder gets huge.
pub const FILES_PER_DIR: usize = 500;

/// xorshift64* seeded through splitmix64: tiny, deterministic, std only.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        Rng(if z == 0 { 1 } else { z })
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A kind of service: its `kind`, an ID stem, a label and what it
/// typically offers. Every word is in rules/vocabulary.yaml.
struct Template {
    kind: &'static str,
    stem: &'static str,
    label: &'static str,
    offers: &'static [&'static str],
    /// Relative frequency.
    weight: usize,
}

const SERVICES: &[Template] = &[
    Template {
        kind: "primary",
        stem: "fcp",
        label: "First contact practitioner",
        offers: &[
            "assessment",
            "triage",
            "shared_decision_making",
            "red_flag_screening",
            "advice",
        ],
        weight: 10,
    },
    Template {
        kind: "community",
        stem: "physio",
        label: "Community physiotherapy",
        offers: &[
            "physiotherapy",
            "exercise",
            "self_management",
            "education",
            "advice",
        ],
        weight: 14,
    },
    Template {
        kind: "community",
        stem: "escape",
        label: "ESCAPE-pain group",
        offers: &["exercise", "self_management", "peer_support", "education"],
        weight: 6,
    },
    Template {
        kind: "community",
        stem: "falls",
        label: "Falls prevention class",
        offers: &["falls_prevention", "exercise", "education"],
        weight: 3,
    },
    Template {
        kind: "secondary",
        stem: "ortho",
        label: "Orthopaedic surgery",
        offers: &[
            "surgery",
            "shared_decision_making",
            "prehabilitation",
            "injection",
        ],
        weight: 6,
    },
    Template {
        kind: "secondary",
        stem: "rheum",
        label: "Rheumatology clinic",
        offers: &[
            "assessment",
            "injection",
            "shared_decision_making",
            "imaging",
        ],
        weight: 4,
    },
    Template {
        kind: "diagnostics",
        stem: "imaging",
        label: "Imaging",
        offers: &["imaging"],
        weight: 5,
    },
    Template {
        kind: "mental_health",
        stem: "talking",
        label: "NHS Talking Therapies pain pathway",
        offers: &["talking_therapies"],
        weight: 5,
    },
    Template {
        kind: "social_prescribing",
        stem: "link",
        label: "Social prescribing link worker",
        offers: &["social_prescribing", "signposting"],
        weight: 4,
    },
    Template {
        kind: "rehabilitation",
        stem: "rehab",
        label: "Community rehabilitation",
        offers: &["rehabilitation", "exercise", "physiotherapy"],
        weight: 8,
    },
    Template {
        kind: "prehabilitation",
        stem: "prehab",
        label: "Prehabilitation programme",
        offers: &[
            "prehabilitation",
            "weight_management",
            "smoking_cessation",
            "exercise",
        ],
        weight: 3,
    },
    Template {
        kind: "self_management",
        stem: "selfman",
        label: "Self-management course",
        offers: &["self_management", "education"],
        weight: 4,
    },
    Template {
        kind: "peer_support",
        stem: "peers",
        label: "Peer support group",
        offers: &["peer_support"],
        weight: 3,
    },
    Template {
        kind: "patient_organisation",
        stem: "helpline",
        label: "Versus Arthritis helpline",
        offers: &["advice", "signposting", "peer_support"],
        weight: 2,
    },
    Template {
        kind: "pain",
        stem: "pain",
        label: "Persistent pain service",
        offers: &[
            "pain_management",
            "opioids",
            "talking_therapies",
            "education",
        ],
        weight: 4,
    },
    Template {
        kind: "fracture_liaison",
        stem: "fls",
        label: "Fracture liaison service",
        offers: &["assessment", "falls_prevention"],
        weight: 2,
    },
    Template {
        kind: "prevention",
        stem: "weight",
        label: "Weight management",
        offers: &["weight_management", "advice"],
        weight: 3,
    },
    Template {
        kind: "health_coaching",
        stem: "coach",
        label: "Health coaching",
        offers: &["health_coaching", "self_management"],
        weight: 2,
    },
    Template {
        kind: "work",
        stem: "work",
        label: "Work and health service",
        offers: &["work_support", "advice"],
        weight: 2,
    },
    Template {
        kind: "pharmacy",
        stem: "pharm",
        label: "Community pharmacy review",
        offers: &["advice", "pain_management"],
        weight: 2,
    },
];

/// Entry kinds with their ID stem, label and possible channels.
const ENTRIES: &[(&str, &str, &str, &[&str])] = &[
    ("gp", "gp", "GP practice", &["in_person", "phone", "online"]),
    (
        "self_referral",
        "self",
        "Self-referral",
        &["online", "app", "phone", "walk_in", "letter", "email"],
    ),
    (
        "pharmacy",
        "pharmacy",
        "Community pharmacy",
        &["walk_in", "phone"],
    ),
    ("emergency", "ed", "Emergency department", &[]),
];

const DIGITAL: &[&str] = &["online", "app", "email", "video"];

const EXITS: &[(&str, &str)] = &[
    ("home", "Self-management with open re-access"),
    ("discharged", "Discharged to GP with a care plan"),
    ("longterm", "Long-term condition review in primary care"),
];

const CONDITIONS: &[&str] = &[
    "osteoarthritis",
    "back_pain",
    "inflammatory_arthritis",
    "osteoporosis",
    "fragility_fracture",
    "chronic_pain",
    "shoulder_pain",
];

/// On-DNA policies, from harmless to the ones `dna-discharge` reports.
const DNA: &[&str] = &[
    "contact then rebook",
    "contact then rebook",
    "contact then review",
    "rebook",
    "review",
    "contact then rebook then review",
    "rebook then review",
    "contact then rebook",
    "discharge after 2",
    "discharge",
    "contact then discharge after 3",
    "remove after 2",
];

/// Service criteria: thresholds the access rules report, and neutral ones.
const NODE_CRITERIA: &[&str] = &[
    "bmi < 40",
    "bmi <= 35",
    "smoking == false",
    "smoke_free_weeks >= 8",
    "symptom_weeks >= 12",
    "pain_weeks > 6",
    "oxford_knee_score < 20",
    "age >= 16",
    "age >= 18",
    "red_flags == false",
    "referral == urgent",
];

/// Route `requires` gates.
const ROUTE_CRITERIA: &[&str] = &[
    "symptom_weeks >= 12",
    "symptom_weeks >= 6",
    "bmi < 40",
    "age >= 16",
    "failed_conservative == true",
];

const REASONS: &[&str] = &[
    "red flags, or severe symptoms after a shared decision",
    "if symptoms persist after 6 weeks of exercise",
    "for people who want surgery after a shared decision",
    "when pain affects mood or sleep",
    "to prepare for surgery",
    "after surgery",
    "if they would like support with work",
    "for people who prefer group sessions",
    "when imaging would change management",
    "if \\\"flare-ups\\\" recur",
];

const FREE_PROPERTIES: &[&str] = &["wait_weeks", "site", "capacity", "provider"];

fn weighted_service(rng: &mut Rng) -> &'static Template {
    let total: usize = SERVICES.iter().map(|t| t.weight).sum();
    let mut r = rng.below(total);
    for t in SERVICES {
        if r < t.weight {
            return t;
        }
        r -= t.weight;
    }
    &SERVICES[0]
}

/// One node's ID, with the index appended so IDs never clash.
fn id(stem: &str, i: usize) -> String {
    format!("{stem}_{i}")
}

/// Generates one pathway file with `services` service nodes. `index` only
/// changes the pathway's name and the random stream.
pub fn pathway(seed: u64, index: usize, services: usize) -> String {
    let services = services.max(1);
    let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut out = String::with_capacity(services * 200 + 1024);
    let condition = *rng.pick(CONDITIONS);

    // ---- header and pathway fields ----
    let _ = writeln!(
        out,
        "# Synthetic MSK pathway {index} (gen_corpus, seed {seed})"
    );
    let _ = writeln!(out, "pathway \"MSK pathway {index}: {condition}\" {{");
    let _ = writeln!(out, "  owner: \"Example ICB {}\"", rng.below(42) + 1);
    let _ = writeln!(out, "  version: \"2025-{:02}\"", rng.below(12) + 1);
    let _ = writeln!(out, "  condition: {condition}");
    if rng.chance(70) {
        out.push_str("  coproduction: \"Drafted with the lived-experience panel\"\n");
    }
    if rng.chance(60) {
        out.push_str(
            "  inequalities: \"Waits are monitored by deprivation quintile and ethnicity.\"\n",
        );
    }
    match rng.below(4) {
        0 => {}
        1 => out.push_str("  outcomes: [proms]\n"),
        _ => out.push_str("  outcomes: [proms, prems]\n"),
    }
    let _ = writeln!(out, "  rtt_within_18_weeks: {}%", 60 + rng.below(41));
    out.push('\n');

    // ---- entries ----
    let n_entries = (2 + services / 25 + rng.below(2)).min(services + 1);
    let mut entry_ids = Vec::with_capacity(n_entries);
    for e in 0..n_entries {
        // The first two are a GP and a self-referral entry, as in most
        // real pathways; the rest vary.
        let (kind, stem, label, channels) = match e {
            0 => ENTRIES[0],
            1 if rng.chance(85) => ENTRIES[1],
            _ => *rng.pick(ENTRIES),
        };
        let eid = id(stem, e);
        let _ = write!(out, "  entry {eid}: \"{label} {e}\" {{ kind: {kind}");
        if !channels.is_empty() && rng.chance(70) {
            let list: Vec<&str> = if kind == "self_referral" && rng.chance(15) {
                // Digital-only: `digital-only-access` fires.
                DIGITAL[..1 + rng.below(2)].to_vec()
            } else {
                let k = 1 + rng.below(channels.len());
                subset(&mut rng, channels, k)
            };
            let _ = write!(out, "  channels: [{}]", list.join(", "));
        }
        out.push_str(" }\n");
        entry_ids.push(eid);
    }
    out.push('\n');

    // ---- services ----
    let mut service_ids = Vec::with_capacity(services);
    for i in 0..services {
        let t = weighted_service(&mut rng);
        let sid = id(t.stem, i);
        if rng.chance(4) {
            let _ = writeln!(out, "  # {} ({} of {services})", t.label, i + 1);
        }
        let label = if rng.chance(1) {
            format!("{} \\\"hub\\\" {i}", t.label)
        } else {
            format!("{} {i}", t.label)
        };
        let mut props: Vec<String> = vec![format!("kind: {}", t.kind)];
        if !t.offers.is_empty() && rng.chance(80) {
            let k = 1 + rng.below(t.offers.len().min(3));
            props.push(format!(
                "offers: [{}]",
                subset(&mut rng, t.offers, k).join(", ")
            ));
        }
        let criteria_chance = if t.kind == "secondary" { 30 } else { 4 };
        if rng.chance(criteria_chance) {
            let k = 1 + rng.below(2);
            let list = subset(&mut rng, NODE_CRITERIA, k);
            props.push(format!("requires: {}", list.join(", ")));
        }
        if rng.chance(25) {
            props.push(format!("on_dna: {}", rng.pick(DNA)));
        }
        if rng.chance(10) {
            let key = *rng.pick(FREE_PROPERTIES);
            let value = match key {
                "wait_weeks" | "capacity" => format!("{}", 1 + rng.below(52)),
                _ => format!("\"Site {}\"", rng.below(30)),
            };
            props.push(format!("{key}: {value}"));
        }
        if props.len() <= 2 && rng.chance(70) {
            let _ = writeln!(
                out,
                "  service {sid}: \"{label}\" {{ {} }}",
                props.join("  ")
            );
        } else {
            let _ = writeln!(out, "  service {sid}: \"{label}\" {{");
            for p in &props {
                let _ = writeln!(out, "    {p}");
            }
            out.push_str("  }\n");
        }
        service_ids.push(sid);
    }

    // ---- exits ----
    let n_exits = 1 + services / 40;
    let mut exit_ids = Vec::with_capacity(n_exits);
    for x in 0..n_exits {
        let (stem, label) = EXITS[x % EXITS.len()];
        let xid = id(stem, x);
        let _ = writeln!(out, "  exit {xid}: \"{label}\"");
        exit_ids.push(xid);
    }
    out.push('\n');

    // ---- routes ----
    // Entries attach at evenly spread services (the first two at the start).
    for (e, eid) in entry_ids.iter().enumerate() {
        let at = if e < 2 { 0 } else { e * services / n_entries };
        let mut targets = vec![service_ids[at].as_str()];
        if rng.chance(30) && at + 1 < services {
            targets.push(&service_ids[at + 1]);
        }
        let _ = writeln!(out, "  {eid} -> {}", targets.join(", "));
    }
    // Forward routes to the next few services; `taken[i]` avoids writing
    // the same route twice (which `duplicate-route` would report).
    let mut taken: Vec<Vec<usize>> = vec![Vec::new(); services];
    let dead: Vec<bool> = (0..services)
        .map(|i| i + 1 < services && rng.chance(2))
        .collect();
    let mut i = 0;
    while i < services {
        // A join: `a, b -> c`.
        if i + 3 < services && rng.chance(6) {
            let t = (i + 2 + rng.below(6)).min(services - 1);
            if !taken[i].contains(&t) && !taken[i + 1].contains(&t) {
                let _ = writeln!(
                    out,
                    "  {}, {} -> {}",
                    service_ids[i],
                    service_ids[i + 1],
                    service_ids[t]
                );
                taken[i].push(t);
                taken[i + 1].push(t);
            }
        }
        // A deliberate dead end now and then (its predecessor bypasses it,
        // so what follows stays reachable).
        if dead[i] {
            i += 1;
            continue;
        }
        // A backbone route to the next service, so few services are
        // unreachable, plus branches a few services ahead.
        let mut targets: Vec<usize> = Vec::new();
        let add = |t: usize, targets: &mut Vec<usize>| {
            if t < services && !taken[i].contains(&t) && !targets.contains(&t) {
                targets.push(t);
            }
        };
        add(i + 1, &mut targets);
        if i + 1 < services && dead[i + 1] {
            add(i + 2, &mut targets);
        }
        let branches = usize::from(rng.chance(45)) + usize::from(rng.chance(10));
        for _ in 0..branches {
            add(i + 2 + rng.below(7), &mut targets);
        }
        let names: Vec<&str> = targets.iter().map(|&t| service_ids[t].as_str()).collect();
        if !names.is_empty() {
            let mut line = format!("  {} -> ", service_ids[i]);
            if rng.chance(50) || names.len() == 1 {
                line.push_str(&names.join(", "));
                route_clauses(&mut rng, &mut line);
                let _ = writeln!(out, "{line}");
            } else {
                for name in &names {
                    let mut line = format!("  {} -> {name}", service_ids[i]);
                    route_clauses(&mut rng, &mut line);
                    let _ = writeln!(out, "{line}");
                }
            }
            taken[i].extend(&targets);
        }
        // A loop back to an earlier service (re-referral, step back down).
        if i >= 3 && rng.chance(8) {
            let back = i - 1 - rng.below(i.min(10));
            if !taken[i].contains(&back) {
                let _ = writeln!(
                    out,
                    "  {} -> {} when \"if symptoms recur\"",
                    service_ids[i], service_ids[back]
                );
                taken[i].push(back);
            }
        }
        // Ways out: the last services always, others sometimes.
        if i + 8 >= services || rng.chance(5) {
            let x = &exit_ids[rng.below(exit_ids.len())];
            let _ = writeln!(out, "  {} -> {x}", service_ids[i]);
        }
        i += 1;
    }
    out.push_str("}\n");
    out
}

fn route_clauses(rng: &mut Rng, line: &mut String) {
    if rng.chance(15) {
        let _ = write!(line, " when \"{}\"", rng.pick(REASONS));
    }
    if rng.chance(5) {
        let _ = write!(line, " requires {}", rng.pick(ROUTE_CRITERIA));
    }
}

/// `k` distinct items in their original order.
fn subset<'a>(rng: &mut Rng, items: &[&'a str], k: usize) -> Vec<&'a str> {
    let mut chosen = vec![false; items.len()];
    let mut left = k.min(items.len());
    while left > 0 {
        let j = rng.below(items.len());
        if !chosen[j] {
            chosen[j] = true;
            left -= 1;
        }
    }
    items
        .iter()
        .zip(&chosen)
        .filter(|(_, &c)| c)
        .map(|(s, _)| *s)
        .collect()
}

/// Relative path of file `i` in `--files` mode.
pub fn file_path(i: usize) -> PathBuf {
    PathBuf::from(format!("region-{:03}", i / FILES_PER_DIR))
        .join(format!("pathway-{i:06}.pathway"))
}

struct Args {
    files: Option<usize>,
    single: bool,
    services: usize,
    out: PathBuf,
    seed: u64,
}

const USAGE: &str = "usage: gen_corpus --files N --services K --out DIR [--seed S]\n       gen_corpus --single --services K --out FILE [--seed S]";

fn parse_args() -> Result<Args, String> {
    let mut files = None;
    let mut single = false;
    let mut services = None;
    let mut out = None;
    let mut seed = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        let number = |s: String| {
            s.replace('_', "")
                .parse::<u64>()
                .map_err(|_| format!("not a number: {s}"))
        };
        match arg.as_str() {
            "--files" => files = Some(number(value("--files")?)? as usize),
            "--services" => services = Some(number(value("--services")?)? as usize),
            "--seed" => seed = number(value("--seed")?)?,
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--single" => single = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let services = services.ok_or("--services is required")?;
    let out = out.ok_or("--out is required")?;
    if single == files.is_some() {
        return Err("give exactly one of --files N and --single".to_string());
    }
    Ok(Args {
        files,
        single,
        services,
        out,
        seed,
    })
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    let mut f = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn run(args: &Args) -> Result<(), String> {
    if args.single {
        if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let text = pathway(args.seed, 0, args.services);
        write_file(&args.out, &text)?;
        println!(
            "wrote {} ({} services, {} bytes)",
            args.out.display(),
            args.services,
            text.len()
        );
        return Ok(());
    }
    let n = args.files.unwrap_or(0);
    let mut bytes = 0;
    for i in 0..n {
        let path = args.out.join(file_path(i));
        if i % FILES_PER_DIR == 0 {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
        }
        let text = pathway(args.seed, i, args.services);
        bytes += text.len();
        write_file(&path, &text)?;
    }
    println!(
        "wrote {n} files of {} services under {} ({bytes} bytes)",
        args.services,
        args.out.display()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}
