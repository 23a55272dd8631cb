//! `msklint score`: the ARMA musculoskeletal core offer maturity matrix
//! (December 2019), scored from what one pathway file shows.
//!
//! The matrix asks a local system to place itself at a level from 1 to 4 on
//! 22 requirements in five sections (its level-0 column is left blank). Many
//! of those levels turn on things no pathway text records: strategy,
//! commissioning, workforce, capacity, waits other than referral to
//! treatment. So this module only claims what the pathway shows and caps
//! the rest:
//!
//! - **Evidence** is the graph (kinds and offers of nodes that a route from an
//!   entry reaches, routes, `requires` criteria, `on_dna` policies), the
//!   fields `condition` and `rtt_within_18_weeks`, the free node property
//!   `enhanced_recovery: true` on a surgical service, and the rule findings
//!   for the pathway (quoted by rule name, code and subject).
//! - **Level 0** means the pathway is in scope for the requirement but routes
//!   nobody to the service in question. It says nothing about whether the
//!   service exists elsewhere in the area.
//! - **`None`** ("not evidenced") means the requirement does not apply to the
//!   pathway (fracture liaison outside osteoporosis and fragility fracture,
//!   joint replacement where there is no surgery) or rests entirely on
//!   system-level facts a pathway cannot hold. The evidence says which.
//! - Every claimed level comes with `raise`: what the pathway (or, past the
//!   cap, evidence outside it) would have to show for the next levels.
//!
//! Caps applying to joint replacement surgery (level 1 whatever else is
//! true) come from findings of `bmi-threshold`, `smoking-restriction`,
//! `oxford-score-threshold` and `opioid-conservative-treatment` whose subject
//! lies on the way to surgery, and also from the same criteria or opioid
//! offers found in the graph directly, so suppressing a finding or switching
//! its rule off does not raise the score. The full level logic per
//! requirement, and its limits, is in docs/score.md.
//!
//! Output: [`markdown`] (one table per pathway) and [`json`] (field names
//! are a stable, documented schema: add, never rename).

use std::collections::BTreeSet;

use petgraph::graph::NodeIndex;
use petgraph::Direction::{Incoming, Outgoing};
use serde::Serialize;

use crate::ast::{self, NodeKind, PropertyValue, ValueKind};
use crate::check::FileReport;
use crate::diagnostic::Diagnostic;
use crate::graph::PathwayGraph;
use crate::parser;
use crate::rules::analysis::{distance_to, onward_target, reachable_from};

/// Version of the JSON document's schema.
pub const SCHEMA_VERSION: u32 = 1;

/// The document scored against.
pub const MATRIX: &str = "ARMA musculoskeletal core offer maturity matrix (December 2019)";

/// One requirement of the matrix, as the pathway evidences it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// Stable kebab-case ID, e.g. `joint-replacement`.
    pub id: &'static str,
    pub name: &'static str,
    /// The matrix section, e.g. `2 Services`.
    pub section: &'static str,
    /// 0 to 4; `None` when the pathway cannot evidence this requirement.
    pub level: Option<u8>,
    /// Why this level (or why none): what in the pathway was read.
    pub evidence: Vec<String>,
    /// What would raise it, next level first.
    pub raise: Vec<String>,
}

/// Every requirement of the matrix for one pathway, in the matrix's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    pub pathway: String,
    /// The file the pathway came from, when known ([`score_report`] sets it).
    pub file: Option<String>,
    pub requirements: Vec<Requirement>,
}

impl Scorecard {
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }
}

/// (id, name, section) of every requirement, in the matrix's order. The
/// matrix lists MSK rehabilitation twice under Services; it is scored once.
pub const REQUIREMENTS: &[(&str, &str, &str)] = &[
    ("local-need", "Understanding of local need", FRAMEWORK),
    ("workforce", "Workforce", FRAMEWORK),
    ("pathways", "Pathways", FRAMEWORK),
    (
        "community-prevention",
        "Community-based prevention",
        FRAMEWORK,
    ),
    ("specialist-links", "Links into specialist care", FRAMEWORK),
    ("health-and-work", "Health and work", FRAMEWORK),
    (
        "first-contact-practitioner",
        "First contact practitioner",
        SERVICES,
    ),
    ("msk-rehabilitation", "MSK rehabilitation", SERVICES),
    ("joint-replacement", "Joint replacement surgery", SERVICES),
    (
        "community-exercise",
        "Community-based exercise programmes",
        SERVICES,
    ),
    (
        "falls-prevention",
        "Strength, balance and falls prevention",
        PREVENTION,
    ),
    ("nutrition", "Nutrition and hydration", PREVENTION),
    ("obesity", "Obesity and weight management", PREVENTION),
    ("fracture-liaison", "Fracture liaison services", PREVENTION),
    ("public-health", "Public health", PREVENTION),
    ("pain-services", "Pain services", MENTAL_HEALTH),
    ("iapt", "IAPT / NHS Talking Therapies", MENTAL_HEALTH),
    (
        "integrated-mental-health",
        "Integrated mental health services",
        MENTAL_HEALTH,
    ),
    ("social-prescribing", "Social prescribing", PERSONALISATION),
    (
        "self-management",
        "Self-management support",
        PERSONALISATION,
    ),
    (
        "personal-health-budgets",
        "Personal health budgets",
        PERSONALISATION,
    ),
    (
        "shared-decision-making",
        "Shared decision making",
        PERSONALISATION,
    ),
];

const FRAMEWORK: &str = "1 Underpinning framework";
const SERVICES: &str = "2 Services";
const PREVENTION: &str = "3 Prevention";
const MENTAL_HEALTH: &str = "4 Mental health";
const PERSONALISATION: &str = "5 Personalisation";

const SURGERY: &[&str] = &["surgery"];
const SDM: &[&str] = &["shared_decision_making"];
const MENTAL: &[&str] = &["mental_health", "talking_therapies"];
const PAIN: &[&str] = &["pain", "pain_management"];
const REHAB: &[&str] = &["rehabilitation"];
const SOCIAL: &[&str] = &["social_prescribing"];
const SELF_MANAGEMENT: &[&str] = &["self_management", "health_coaching", "education"];
const FLS: &[&str] = &["fracture_liaison"];
const PREVENTIVE: &[&str] = &[
    "prevention",
    "exercise",
    "falls_prevention",
    "weight_management",
    "smoking_cessation",
];
/// What a link worker can connect people with (social prescribing level 2).
const COMMUNITY_ASSETS: &[&str] = &[
    "peer_support",
    "patient_organisation",
    "exercise",
    "self_management",
    "health_coaching",
    "prevention",
    "falls_prevention",
    "weight_management",
    "work_support",
    "work",
];
/// Community-based services a talking therapies offer can be linked with.
const COMMUNITY_SERVICES: &[&str] = &[
    "community",
    "rehabilitation",
    "self_management",
    "peer_support",
    "social_prescribing",
    "health_coaching",
    "prevention",
    "exercise",
    "patient_organisation",
];
/// Kinds of node that are MSK care (for integrated mental health).
const MSK_KINDS: &[&str] = &[
    "primary",
    "community",
    "secondary",
    "rehabilitation",
    "prehabilitation",
    "pain",
    "diagnostics",
    "fracture_liaison",
];
/// Condition words (split on `_`) for which surgery is read as joint
/// replacement.
const JOINT_WORDS: &[&str] = &[
    "osteoarthritis",
    "oa",
    "arthritis",
    "hip",
    "knee",
    "shoulder",
    "joint",
    "joints",
    "arthroplasty",
];
/// The same list as the `missing-fracture-liaison` rule.
const FRACTURE_CONDITIONS: &[&str] = &[
    "osteoporosis",
    "fragility_fracture",
    "fragility_fractures",
    "fracture",
];
/// Conditions where falls prevention belongs on the pathway itself.
const FALLS_CONDITIONS: &[&str] = &[
    "osteoporosis",
    "fragility_fracture",
    "fragility_fractures",
    "fracture",
    "falls",
    "frailty",
];

/// Rules whose findings cap joint replacement at level 1, with the criterion
/// attributes they look for (the same lists as rules/access/*.yaml).
const THRESHOLDS: &[(&str, &[&str], &str)] = &[
    ("bmi-threshold", &["bmi"], "BMI threshold"),
    (
        "smoking-restriction",
        &["smoking", "smoker", "smoke_free_weeks"],
        "smoking restriction",
    ),
    (
        "oxford-score-threshold",
        &["oxford_hip_score", "oxford_knee_score", "oxford_score"],
        "Oxford score threshold",
    ),
];
const OPIOID_RULE: &str = "opioid-conservative-treatment";
/// Other access findings worth noting on the way to surgery; the matrix's
/// level list does not name them, so they do not change the level.
const OTHER_ACCESS: &[&str] = &[
    "symptom-duration-gate",
    "education-gate",
    "address-required",
];

/// Scores one pathway. `findings` are those of the pathway's file; they may
/// include other pathways' findings, since only those naming this pathway
/// and lying inside its block are read.
pub fn score(g: &PathwayGraph<'_>, findings: &[Diagnostic]) -> Scorecard {
    let facts = Facts::new(g, findings);
    let requirements = REQUIREMENTS
        .iter()
        .map(|&(id, name, section)| {
            let o = match id {
                "local-need" => local_need(&facts),
                "workforce" => workforce(),
                "pathways" => pathways(&facts),
                "community-prevention" => community_prevention(&facts),
                "specialist-links" => specialist_links(&facts),
                "health-and-work" => health_and_work(&facts),
                "first-contact-practitioner" => first_contact(&facts),
                "msk-rehabilitation" => rehabilitation(&facts),
                "joint-replacement" => joint_replacement(&facts),
                "community-exercise" => community_exercise(&facts),
                "falls-prevention" => falls_prevention(&facts),
                "nutrition" => nutrition(),
                "obesity" => obesity(&facts),
                "fracture-liaison" => fracture_liaison(&facts),
                "public-health" => public_health(),
                "pain-services" => pain_services(&facts),
                "iapt" => iapt(&facts),
                "integrated-mental-health" => integrated_mental_health(&facts),
                "social-prescribing" => social_prescribing(&facts),
                "self-management" => self_management(&facts),
                "personal-health-budgets" => personal_health_budgets(),
                "shared-decision-making" => shared_decision_making(&facts),
                _ => unreachable!("every requirement has a scorer"),
            };
            Requirement {
                id,
                name,
                section,
                level: o.level,
                evidence: o.evidence,
                raise: o.raise,
            }
        })
        .collect();
    Scorecard {
        pathway: g.name().to_string(),
        file: None,
        requirements,
    }
}

/// Scores every pathway in a checked file, reading the file's findings as
/// they were reported (after configuration and suppressions; the caps that
/// matter are also read from the graph, see the module docs). A file that
/// could not be decoded or parsed has no scorecards: its report already
/// holds the error to show.
pub fn score_report(report: &FileReport) -> Vec<Scorecard> {
    if report
        .diagnostics
        .iter()
        .any(|d| d.rule == "invalid-encoding")
    {
        return Vec::new();
    }
    let parsed = parser::parse(&report.source.text);
    let Some(file) = parsed.file else {
        return Vec::new();
    };
    file.pathways
        .iter()
        .map(|p| {
            let mut scratch = Vec::new();
            let g = PathwayGraph::build(p, &mut scratch);
            let mut card = score(&g, &report.diagnostics);
            card.file = Some(report.source.name.clone());
            card
        })
        .collect()
}

/// What one scorer decided.
struct Outcome {
    level: Option<u8>,
    evidence: Vec<String>,
    raise: Vec<String>,
}

impl Outcome {
    fn level(level: u8) -> Self {
        Outcome {
            level: Some(level),
            evidence: Vec::new(),
            raise: Vec::new(),
        }
    }

    fn none() -> Self {
        Outcome {
            level: None,
            evidence: Vec::new(),
            raise: Vec::new(),
        }
    }

    fn because(mut self, text: impl Into<String>) -> Self {
        self.evidence.push(text.into());
        self
    }

    fn raising(mut self, text: impl Into<String>) -> Self {
        self.raise.push(text.into());
        self
    }
}

/// The pathway's share of patients treated within 18 weeks, as declared.
enum Rtt {
    Missing,
    Unusable(&'static str),
    Percent(f64),
}

/// What the scorers share about one pathway.
struct Facts<'g, 'a> {
    g: &'g PathwayGraph<'a>,
    findings: Vec<&'g Diagnostic>,
    entries: Vec<NodeIndex>,
    reach: Vec<bool>,
}

impl<'g, 'a> Facts<'g, 'a> {
    fn new(g: &'g PathwayGraph<'a>, findings: &'g [Diagnostic]) -> Self {
        let span = g.pathway.span;
        let findings = findings
            .iter()
            .filter(|d| {
                d.pathway.as_deref() == Some(g.name())
                    && d.span.start >= span.start
                    && d.span.end <= span.end
            })
            .collect();
        let entries: Vec<NodeIndex> = g
            .indices()
            .filter(|&n| g.node(n).node_kind() == NodeKind::Entry)
            .collect();
        let reach = reachable_from(g, entries.iter().copied(), |_| false);
        Facts {
            g,
            findings,
            entries,
            reach,
        }
    }

    fn provides_any(&self, n: NodeIndex, caps: &[&str]) -> bool {
        let node = self.g.node(n);
        caps.iter().any(|c| node.provides(c))
    }

    fn kind_in(&self, n: NodeIndex, kinds: &[&str]) -> bool {
        self.g.node(n).kind.is_some_and(|k| kinds.contains(&k))
    }

    fn is_service(&self, n: NodeIndex) -> bool {
        self.g.node(n).node_kind() == NodeKind::Service
    }

    /// Nodes providing any of `caps` that a route from an entry reaches.
    fn reached(&self, caps: &[&str]) -> Vec<NodeIndex> {
        self.g
            .indices()
            .filter(|&n| self.reach[n.index()] && self.provides_any(n, caps))
            .collect()
    }

    /// Nodes providing any of `caps`, reached or not.
    fn declared(&self, caps: &[&str]) -> Vec<NodeIndex> {
        self.g
            .indices()
            .filter(|&n| self.provides_any(n, caps))
            .collect()
    }

    /// Evidence that providers exist but no route from an entry reaches them.
    fn stranded(&self, caps: &[&str]) -> Option<String> {
        let lost: Vec<NodeIndex> = self
            .declared(caps)
            .into_iter()
            .filter(|n| !self.reach[n.index()])
            .collect();
        (!lost.is_empty()).then(|| {
            format!(
                "{} {} declared, but no route from an entry leads there, so it does not count.",
                self.list(&lost),
                if lost.len() == 1 { "is" } else { "are" }
            )
        })
    }

    /// "`id` (label)".
    fn name(&self, n: NodeIndex) -> String {
        let node = self.g.node(n);
        format!("`{}` ({})", node.id(), node.ast.label.value)
    }

    fn list(&self, ns: &[NodeIndex]) -> String {
        ns.iter()
            .map(|&n| self.name(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn ids(&self, ns: &[NodeIndex]) -> String {
        ns.iter()
            .map(|&n| format!("`{}`", self.g.node(n).id()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn of_rule(&self, rule: &str) -> Vec<&'g Diagnostic> {
        self.findings
            .iter()
            .copied()
            .filter(|d| d.rule == rule)
            .collect()
    }

    /// The nodes a finding is about: its node, or the targets of its route.
    fn subject_nodes(&self, d: &Diagnostic) -> Vec<NodeIndex> {
        let Some(subject) = d.subject.as_deref() else {
            return Vec::new();
        };
        let names = match subject.split_once("->") {
            Some((_, targets)) => targets,
            None => subject,
        };
        names
            .split(',')
            .filter_map(|n| self.g.ids.get(n.trim()).copied())
            .collect()
    }

    /// The words of the `condition` field, if it is declared.
    fn condition(&self) -> Option<Vec<String>> {
        self.g
            .pathway
            .fields
            .iter()
            .find(|f| f.key.name == "condition")
            .map(|f| {
                f.value
                    .words()
                    .iter()
                    .map(|(w, _)| w.to_ascii_lowercase())
                    .collect()
            })
    }

    fn condition_text(&self) -> String {
        match self.condition() {
            Some(words) if !words.is_empty() => words
                .iter()
                .map(|w| format!("`{w}`"))
                .collect::<Vec<_>>()
                .join(", "),
            _ => "not given".to_string(),
        }
    }

    fn condition_in(&self, list: &[&str]) -> bool {
        self.condition()
            .is_some_and(|ws| ws.iter().any(|w| list.contains(&w.as_str())))
    }

    fn rtt(&self) -> Rtt {
        let Some(field) = self
            .g
            .pathway
            .fields
            .iter()
            .find(|f| f.key.name == "rtt_within_18_weeks")
        else {
            return Rtt::Missing;
        };
        match field.value.kind {
            ValueKind::Percent(p) if (0.0..=100.0).contains(&p) => Rtt::Percent(p),
            ValueKind::Percent(_) => Rtt::Unusable("a percentage outside 0% to 100%"),
            _ => Rtt::Unusable(field.value.describe()),
        }
    }

    /// Nodes providing `target` that a route from an entry reaches without
    /// passing a node providing `through` (a target that itself provides
    /// `through` is never counted).
    fn open_without(&self, target: &[&str], through: &[&str]) -> Vec<NodeIndex> {
        let open = reachable_from(self.g, self.entries.iter().copied(), |n| {
            self.provides_any(n, through)
        });
        self.g
            .indices()
            .filter(|&n| open[n.index()] && self.provides_any(n, target))
            .collect()
    }

    /// A free boolean property on a node, e.g. `enhanced_recovery: true`.
    fn flag(&self, n: NodeIndex, key: &str) -> Option<Result<bool, &'static str>> {
        self.g.node(n).ast.properties.iter().find_map(|p| {
            if p.key.name != key {
                return None;
            }
            Some(match &p.value {
                PropertyValue::Value(v) => match v.kind {
                    ValueKind::Bool(b) => Ok(b),
                    _ => Err(v.describe()),
                },
                _ => Err("not a plain value"),
            })
        })
    }

    /// Direct neighbours of `n` (routes either way), without `n` itself.
    fn neighbours(&self, n: NodeIndex) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = self
            .g
            .graph
            .neighbors_directed(n, Outgoing)
            .chain(self.g.graph.neighbors_directed(n, Incoming))
            .filter(|&m| m != n)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    fn successors(&self, n: NodeIndex) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = self.g.graph.neighbors_directed(n, Outgoing).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    fn predecessors(&self, n: NodeIndex) -> Vec<NodeIndex> {
        let mut out: Vec<NodeIndex> = self.g.graph.neighbors_directed(n, Incoming).collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// "`rule` (CODE) on `subject`: message".
fn quote(d: &Diagnostic) -> String {
    let code = d
        .code
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let subject = d
        .subject
        .as_deref()
        .map(|s| format!(" on `{s}`"))
        .unwrap_or_default();
    format!("`{}`{code}{subject}: {}", d.rule, d.message)
}

/// "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn pct(p: f64) -> String {
    format!("{p}%")
}

fn value_text(v: &ast::Value) -> String {
    match &v.kind {
        ValueKind::String(s) => format!("\"{s}\""),
        ValueKind::Number(n) => format!("{n}"),
        ValueKind::Percent(p) => pct(*p),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Ident(s) => s.clone(),
        ValueKind::List(items) => format!(
            "[{}]",
            items.iter().map(value_text).collect::<Vec<_>>().join(", ")
        ),
    }
}

fn criterion_text(c: &ast::Criterion) -> String {
    format!(
        "{} {} {}",
        c.attribute.name,
        c.op.value.as_str(),
        value_text(&c.value)
    )
}

fn route_text(r: &ast::Route) -> String {
    let names = |ids: &[ast::Ident]| {
        ids.iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("{} -> {}", names(&r.sources), names(&r.targets))
}

// ---------------------------------------------------------------------------
// 1 Underpinning framework

fn local_need(f: &Facts<'_, '_>) -> Outcome {
    let mut o = Outcome::none().because(
        "A pathway cannot show this: the levels depend on how well the whole system \
         understands MSK prevalence and on what the Joint Strategic Needs Assessment says.",
    );
    for key in ["coproduction", "inequalities"] {
        if let Some(field) = f.g.pathway.fields.iter().find(|x| x.key.name == key) {
            o = o.because(format!(
                "Context only: the pathway records `{key}` ({}).",
                value_text(&field.value)
            ));
        }
    }
    o.raising(
        "Needs system-level evidence outside the pathway, such as the MSK content of the JSNA \
         and prevalence estimates for the main MSK conditions.",
    )
}

fn workforce() -> Outcome {
    Outcome::none()
        .because(
            "A pathway cannot show this: the levels depend on whether the MSK workforce has been \
             mapped, its gaps and the plans to fill them.",
        )
        .raising("Needs a workforce assessment or plan; no pathway field records one.")
}

fn pathways(f: &Facts<'_, '_>) -> Outcome {
    let g = f.g;
    let mut gaps = Vec::new();
    if f.entries.is_empty() {
        gaps.push("it has no entry, so nobody can be shown getting in".to_string());
    }
    let groups: [(&str, &[&str]); 3] = [
        (
            "primary care",
            &["gp", "primary", "pharmacy", "self_referral"],
        ),
        (
            "community care",
            &[
                "community",
                "rehabilitation",
                "social_prescribing",
                "self_management",
                "peer_support",
                "prevention",
                "health_coaching",
                "mental_health",
                "pain",
            ],
        ),
        ("secondary care", &["secondary", "diagnostics", "surgery"]),
    ];
    let mut settings = Vec::new();
    for (name, caps) in groups {
        let reached = f.reached(caps);
        if reached.is_empty() {
            gaps.push(format!("no route reaches {name}"));
        } else {
            settings.push(format!("{name} ({})", f.ids(&reached)));
        }
    }
    let unreachable: Vec<NodeIndex> = if f.entries.is_empty() {
        Vec::new()
    } else {
        g.indices().filter(|n| !f.reach[n.index()]).collect()
    };
    if !unreachable.is_empty() {
        gaps.push(format!("no route reaches {}", f.ids(&unreachable)));
    }
    let dead: Vec<NodeIndex> = g
        .indices()
        .filter(|&n| {
            g.node(n).node_kind() != NodeKind::Exit
                && g.graph.neighbors_directed(n, Outgoing).next().is_none()
        })
        .collect();
    if !dead.is_empty() {
        gaps.push(format!("no onward route from {}", f.ids(&dead)));
    }
    for rule in ["linear-pathway", "stage-gate"] {
        for d in f.of_rule(rule) {
            gaps.push(quote(d));
        }
    }
    let mut o = if gaps.is_empty() {
        Outcome::level(2).because(format!(
            "The pathway joins up {}; every node is reached from an entry and every \
             service leads somewhere.",
            join_and(&settings)
        ))
    } else {
        let mut o = Outcome::level(1)
            .because("The pathway describes how services connect, but it has gaps of its own.");
        for gap in gaps {
            o = o.because(format!("Gap: {gap}."));
        }
        o.raising(
            "Level 2: close those gaps so the pathway reaches primary, community and secondary \
             care, with every node reached and no dead ends or chains of mandatory steps.",
        )
    };
    o = o.because(
        "Capped at 2: one pathway shows at most that this area of MSK is organised as a \
         pathway, not how every MSK service in the system is.",
    );
    o.raising(
        "Levels 3 and 4: need evidence that most MSK services sit in understood pathways and that \
         people reach the right one first time (for example referral audit data), which no single \
         pathway file holds.",
    )
}

fn community_prevention(f: &Facts<'_, '_>) -> Outcome {
    let found: Vec<NodeIndex> = f
        .reached(PREVENTIVE)
        .into_iter()
        .filter(|&n| !f.kind_in(n, &["secondary"]))
        .collect();
    if found.is_empty() {
        let mut o = Outcome::level(0).because(
            "No route reaches a preventive service (kind `prevention`, or offering `exercise`, \
             `falls_prevention`, `weight_management` or `smoking_cessation`).",
        );
        if let Some(s) = f.stranded(PREVENTIVE) {
            o = o.because(s);
        }
        return o.raising(
            "Level 2: route people to community prevention such as an exercise programme \
             (for example ESCAPE-pain) from the services that see them.",
        );
    }
    Outcome::level(2)
        .because(format!(
            "Preventive services sit on the pathway: {}.",
            f.list(&found)
        ))
        .because(
            "Capped at 2: whether there is enough of them, and any investment plan, is not \
             something a pathway records.",
        )
        .raising(
            "Levels 3 and 4: need evidence of a needs assessment and planned investment in \
             prevention services, beyond the routes the pathway shows.",
        )
}

fn specialist_links(f: &Facts<'_, '_>) -> Outcome {
    let mut o = Outcome::none().because(
        "A pathway cannot show this: the levels turn on delays in rheumatology referral, \
         primary care education and meeting treatment targets.",
    );
    let screening = f.reached(&["red_flag_screening"]);
    if !screening.is_empty() {
        o = o.because(format!(
            "Context only: red-flag screening at {}.",
            f.list(&screening)
        ));
    }
    o.raising(
        "Needs referral-time and treatment-start data for inflammatory conditions, held outside \
         the pathway.",
    )
}

fn health_and_work(f: &Facts<'_, '_>) -> Outcome {
    let mut o = Outcome::none().because(
        "A pathway cannot show this: the levels are about how often clinicians talk about work \
         with patients and how fit notes are used.",
    );
    let work = f.reached(&["work", "work_support"]);
    if !work.is_empty() {
        o = o.because(format!(
            "Context only: work support is reached at {}.",
            f.list(&work)
        ));
    }
    o.raising(
        "Needs evidence about conversations on work in clinic (for example audit or patient \
         survey), which no pathway field records.",
    )
}

// ---------------------------------------------------------------------------
// 2 Services

fn first_contact(f: &Facts<'_, '_>) -> Outcome {
    let fcp: Vec<NodeIndex> = f
        .reached(&["assessment", "triage"])
        .into_iter()
        .filter(|&n| f.is_service(n) && f.kind_in(n, &["primary"]))
        .collect();
    if fcp.is_empty() {
        return Outcome::level(0)
            .because(
                "No route reaches a primary-care MSK assessment (a service of kind `primary` \
                 offering `assessment` or `triage`), which is how msklint recognises a first \
                 contact practitioner.",
            )
            .raising(
                "Level 2: add a first contact practitioner as a `primary` service offering \
                 `assessment`, routed from the entries.",
            );
    }
    let self_ref: Vec<NodeIndex> = fcp
        .iter()
        .copied()
        .filter(|&n| {
            f.predecessors(n)
                .iter()
                .any(|&p| f.kind_in(p, &["self_referral"]))
        })
        .collect();
    let mut o = Outcome::level(2).because(format!(
        "First contact MSK assessment in primary care: {}.",
        f.list(&fcp)
    ));
    if !self_ref.is_empty() {
        o = o.because(format!(
            "People can refer themselves straight to {}.",
            f.ids(&self_ref)
        ));
    }
    o.because("Capped at 2: the pathway shows the service exists, not how many practices have it.")
        .raising(
            "Levels 3 and 4: need coverage figures showing the service is established and growing \
         (3) or open to every patient with an MSK problem (4).",
        )
}

fn rehabilitation(f: &Facts<'_, '_>) -> Outcome {
    let surgical = f.declared(SURGERY);
    let rehab = f.reached(REHAB);
    if surgical.is_empty() {
        let mut o = Outcome::none().because(
            "The pathway has no surgical step (no node provides `surgery`), so it cannot show \
             rehabilitation after leaving hospital.",
        );
        if !rehab.is_empty() {
            o = o.because(format!(
                "Context only: rehabilitation is reached at {}.",
                f.list(&rehab)
            ));
        }
        return o.raising(
            "Scored on pathways that include surgery: each surgical service should route on to \
             community rehabilitation.",
        );
    }
    let dist = distance_to(f.g, |n| f.provides_any(n, REHAB));
    let (linked, unlinked): (Vec<NodeIndex>, Vec<NodeIndex>) = surgical
        .iter()
        .copied()
        .partition(|&n| dist[n.index()] <= 3);
    let declared_rehab = f.declared(REHAB);
    if rehab.is_empty() && linked.is_empty() {
        let mut o = Outcome::level(0)
            .because("No route reaches a rehabilitation service (kind `rehabilitation`).");
        if let Some(s) = f.stranded(REHAB) {
            o = o.because(s);
        }
        for d in f.of_rule("missing-rehabilitation") {
            o = o.because(quote(d));
        }
        return o.raising(format!(
            "Level 2: route {} on to a community rehabilitation service.",
            f.ids(&surgical)
        ));
    }
    let mut o;
    if unlinked.is_empty() {
        o = Outcome::level(2).because(format!(
            "Every surgical service routes on to rehabilitation within three routes: {} \
             (rehabilitation at {}).",
            f.ids(&linked),
            f.ids(&declared_rehab)
        ));
    } else {
        o = Outcome::level(1).because(format!(
            "Rehabilitation exists on the pathway ({}), but {} has no route on to it within \
             three routes, so people can leave surgery without it.",
            f.ids(&declared_rehab),
            f.ids(&unlinked)
        ));
        for d in f.of_rule("missing-rehabilitation") {
            o = o.because(quote(d));
        }
        o = o.raising(format!(
            "Level 2: route {} on to rehabilitation.",
            f.ids(&unlinked)
        ));
    }
    o.because(
        "Capped at 2: the levels above depend on how much rehabilitation there is and how long \
         people wait for it after discharge, which the pathway language cannot record.",
    )
    .raising(
        "Levels 3 and 4: need waiting-time and capacity data for community rehabilitation after \
         discharge (few delays for 3, prompt access for everyone for 4).",
    )
}

/// A level-1 trigger for joint replacement, with what would remove it.
struct Cap {
    evidence: String,
    fix: String,
}

fn joint_replacement(f: &Facts<'_, '_>) -> Outcome {
    let g = f.g;
    let surgical = f.declared(SURGERY);
    if surgical.is_empty() {
        return Outcome::none()
            .because("Not applicable: no node in the pathway provides `surgery`.")
            .raising(
                "Scored only for pathways that include the surgical step (a service offering \
                 `surgery`).",
            );
    }
    let condition = f.condition();
    let joint = condition.as_ref().map(|words| {
        words.iter().any(|w| {
            w.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|t| JOINT_WORDS.contains(&t))
        })
    });
    if joint == Some(false) {
        return Outcome::none()
            .because(format!(
                "Not applicable: the pathway's condition is {}, so its surgery is not read as \
                 joint replacement.",
                f.condition_text()
            ))
            .raising(
                "Scored for joint conditions (osteoarthritis, arthritis, hip, knee, shoulder or \
                 joint in the `condition`).",
            );
    }

    let mut o = Outcome::level(1);
    o = o.because(format!("Surgical step: {}.", f.list(&surgical)));
    if joint.is_none() {
        o = o.because(
            "The pathway declares no `condition`; its surgery is taken to be joint replacement.",
        );
    }

    // Level-1 triggers: thresholds and opioids on the way to surgery.
    let to_surgery = distance_to(g, |n| f.provides_any(n, SURGERY));
    let upstream = |n: NodeIndex| to_surgery[n.index()] != usize::MAX;
    let mut caps: Vec<Cap> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for &(rule, attributes, what) in THRESHOLDS {
        let found = f.of_rule(rule);
        let mut seen = BTreeSet::new();
        for d in &found {
            seen.insert((d.span.start, d.span.end));
            if f.subject_nodes(d).into_iter().any(upstream) {
                caps.push(Cap {
                    evidence: quote(d),
                    fix: format!(
                        "remove the {what} from `{}`",
                        d.subject.as_deref().unwrap_or("the pathway")
                    ),
                });
            } else {
                notes.push(format!(
                    "{} (not on a route to surgery, so it does not cap this requirement)",
                    quote(d)
                ));
            }
        }
        let hit = |c: &ast::Criterion| {
            attributes
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&c.attribute.name))
                && !seen.contains(&(c.span.start, c.span.end))
        };
        for n in g.indices().filter(|&n| upstream(n)) {
            let node = g.node(n);
            for c in node.requires.iter().copied().filter(|c| hit(c)) {
                caps.push(Cap {
                    evidence: format!(
                        "`{}` on `{}` is a {what} on the way to surgery (no `{rule}` finding was \
                         reported for it, for example because it is suppressed or the rule is \
                         off; it counts all the same).",
                        criterion_text(c),
                        node.id()
                    ),
                    fix: format!("remove `{}` from `{}`", criterion_text(c), node.id()),
                });
            }
        }
        for route in &g.pathway.routes {
            let leads = route
                .targets
                .iter()
                .any(|t| g.ids.get(t.name.as_str()).is_some_and(|&n| upstream(n)));
            if !leads {
                continue;
            }
            for c in route.requires.iter().filter(|c| hit(c)) {
                caps.push(Cap {
                    evidence: format!(
                        "`{}` on the route `{}` is a {what} on the way to surgery (no `{rule}` \
                         finding was reported for it; it counts all the same).",
                        criterion_text(c),
                        route_text(route)
                    ),
                    fix: format!(
                        "remove `{}` from the route `{}`",
                        criterion_text(c),
                        route_text(route)
                    ),
                });
            }
        }
    }
    let opioid_findings = f.of_rule(OPIOID_RULE);
    let via = onward_target(g, |n| f.provides_any(n, SURGERY));
    for n in g.indices().filter(|&n| f.provides_any(n, &["opioids"])) {
        let Some(target) = via[n.index()] else {
            continue;
        };
        let id = g.node(n).id();
        if opioid_findings
            .iter()
            .any(|d| d.subject.as_deref() == Some(id))
        {
            continue;
        }
        caps.push(Cap {
            evidence: format!(
                "`{id}` offers opioids and leads on to surgery at `{}` (no `{OPIOID_RULE}` \
                 finding was reported for it; it counts all the same).",
                g.node(target).id()
            ),
            fix: format!("take `opioids` out of the offers of `{id}`"),
        });
    }
    for d in opioid_findings {
        caps.push(Cap {
            evidence: quote(d),
            fix: format!(
                "take `opioids` out of the offers of `{}`",
                d.subject.as_deref().unwrap_or("the service before surgery")
            ),
        });
    }

    // Referral to treatment.
    let rtt = f.rtt();
    let rtt_value = match rtt {
        Rtt::Percent(p) => Some(p),
        _ => None,
    };
    if let Some(p) = rtt_value.filter(|&p| p < 80.0) {
        caps.push(Cap {
            evidence: format!(
                "`rtt_within_18_weeks` is {}, below the 80% the matrix asks for level 2.",
                pct(p)
            ),
            fix: format!(
                "raise treatment within 18 weeks from {} to 80% or more",
                pct(p)
            ),
        });
    }

    // Level 3 conditions.
    let marked: Vec<(NodeIndex, Option<Result<bool, &'static str>>)> = surgical
        .iter()
        .map(|&n| (n, f.flag(n, "enhanced_recovery")))
        .collect();
    let er = marked.iter().all(|(_, v)| matches!(v, Some(Ok(true))));
    let reached_surgery = f.reached(SURGERY);
    let open = f.open_without(SURGERY, SDM);
    let sdm = !reached_surgery.is_empty() && open.is_empty();

    let l2 = caps.is_empty() && rtt_value.is_some_and(|p| p >= 80.0);
    let l3 = l2 && er && sdm && rtt_value.is_some_and(|p| p >= 85.0);
    let l4 = l3 && rtt_value.is_some_and(|p| p >= 92.0);
    o.level = Some(if l4 {
        4
    } else if l3 {
        3
    } else if l2 {
        2
    } else {
        1
    });

    // Evidence, in the order the levels ask for it.
    if caps.is_empty() {
        o = o.because(
            "No BMI, smoking or Oxford score criterion and no opioids offered before surgery \
             on any route to the surgical step.",
        );
    } else {
        for c in &caps {
            o = o.because(format!("Caps the level at 1: {}", c.evidence));
        }
    }
    match rtt {
        Rtt::Missing => {
            o = o.because(
                "No `rtt_within_18_weeks` is given, so the waiting-time condition of level 2 \
                 and above cannot be checked.",
            )
        }
        Rtt::Unusable(what) => {
            o = o.because(format!(
                "`rtt_within_18_weeks` is {what}, not a usable percentage, so the waiting-time \
                 condition cannot be checked."
            ))
        }
        Rtt::Percent(p) => {
            let marks = [(80.0, 2), (85.0, 3), (92.0, 4)];
            let describe = |met: bool| -> Vec<String> {
                marks
                    .iter()
                    .filter(|&&(mark, _)| (p >= mark) == met)
                    .map(|&(mark, level)| format!("{mark}% (level {level})"))
                    .collect()
            };
            let (met, missed) = (describe(true), describe(false));
            if p >= 80.0 {
                let mut text = format!(
                    "`rtt_within_18_weeks: {}` is at or above {}",
                    pct(p),
                    join_and(&met)
                );
                if !missed.is_empty() {
                    text.push_str(&format!(", below {}", join_and(&missed)));
                }
                text.push('.');
                o = o.because(text);
            }
        }
    }
    for (n, v) in &marked {
        let id = g.node(*n).id();
        o = o.because(match v {
            Some(Ok(true)) => format!("`{id}` is marked `enhanced_recovery: true`."),
            Some(Ok(false)) => format!("`{id}` is marked `enhanced_recovery: false`."),
            Some(Err(what)) => format!(
                "`{id}` has `enhanced_recovery` set to {what}; only `true` counts as evidence."
            ),
            None => format!("`{id}` does not say that enhanced recovery is in place."),
        });
    }
    if reached_surgery.is_empty() {
        o = o.because(
            "No route from an entry reaches the surgical step, so shared decision making before \
             surgery cannot be shown.",
        );
    } else if sdm {
        let deciders = f.reached(SDM);
        o = o.because(format!(
            "Every route from an entry to surgery passes shared decision making (offered at {}).",
            f.ids(&deciders)
        ));
    } else {
        o = o.because(format!(
            "{} can be reached without passing any service that offers shared decision making.",
            f.ids(&open)
        ));
    }
    for d in f.of_rule("missing-shared-decision-making") {
        o = o.because(quote(d));
    }
    for rule in OTHER_ACCESS {
        for d in f.of_rule(rule) {
            if f.subject_nodes(d).into_iter().any(upstream) {
                notes.push(format!(
                    "{} (a restriction on the way to surgery; the matrix does not list it among \
                     the level 1 triggers, so it does not change the level)",
                    quote(d)
                ));
            }
        }
    }
    for note in notes {
        o = o.because(format!("Also found: {note}"));
    }

    // What would raise it: every unmet condition, lowest level first.
    for c in &caps {
        o = o.raising(format!("Level 2: {}.", c.fix));
    }
    match rtt {
        Rtt::Missing | Rtt::Unusable(_) => {
            o = o.raising(
                "Level 2: state `rtt_within_18_weeks` as a percentage; it must be 80% or more.",
            )
        }
        Rtt::Percent(_) => {}
    }
    if !er {
        let missing: Vec<NodeIndex> = marked
            .iter()
            .filter(|(_, v)| !matches!(v, Some(Ok(true))))
            .map(|(n, _)| *n)
            .collect();
        o = o.raising(format!(
            "Level 3: where an enhanced recovery programme runs, say so with \
             `enhanced_recovery: true` on {}.",
            f.ids(&missing)
        ));
    }
    if !sdm {
        let targets = if open.is_empty() {
            f.ids(&surgical)
        } else {
            f.ids(&open)
        };
        o = o.raising(format!(
            "Level 3: make every route from an entry to {targets} pass a service offering \
             `shared_decision_making`."
        ));
    }
    let needs = |mark: f64, level: u8| match rtt_value {
        Some(p) if p >= mark => None,
        Some(p) => Some(format!(
            "Level {level}: {}% or more treated within 18 weeks (now {}).",
            mark,
            pct(p)
        )),
        None => Some(format!(
            "Level {level}: {mark}% or more treated within 18 weeks."
        )),
    };
    for (mark, level) in [(85.0, 3), (92.0, 4)] {
        if let Some(text) = needs(mark, level) {
            o = o.raising(text);
        }
    }
    o
}

fn community_exercise(f: &Facts<'_, '_>) -> Outcome {
    let found: Vec<NodeIndex> = f
        .reached(&["exercise"])
        .into_iter()
        .filter(|&n| !f.kind_in(n, &["secondary"]))
        .collect();
    if found.is_empty() {
        let mut o =
            Outcome::level(0).because("No route reaches a community service offering `exercise`.");
        if let Some(s) = f.stranded(&["exercise"]) {
            o = o.because(s);
        }
        return o.raising(
            "Level 1: route people to a community exercise programme (for example ESCAPE-pain \
             or an exercise-based back pain service).",
        );
    }
    Outcome::level(1)
        .because(format!(
            "Community exercise is part of the pathway: {}.",
            f.list(&found)
        ))
        .because(
            "Capped at 1: every level above is about understanding need, planning and \
             commissioning these programmes, none of which a pathway records.",
        )
        .raising(
            "Levels 2 to 4: need evidence of a needs assessment and an expansion plan (2), \
             strategic investment (3) and commissioning to meet population need (4).",
        )
}

// ---------------------------------------------------------------------------
// 3 Prevention

fn falls_prevention(f: &Facts<'_, '_>) -> Outcome {
    let found = f.reached(&["falls_prevention"]);
    if found.is_empty() {
        if f.condition_in(FALLS_CONDITIONS) {
            let mut o = Outcome::level(0).because(format!(
                "The pathway's condition ({}) calls for falls prevention, but no route reaches a \
                 service offering `falls_prevention`.",
                f.condition_text()
            ));
            if let Some(s) = f.stranded(&["falls_prevention"]) {
                o = o.because(s);
            }
            return o.raising(
                "Level 1: route people to a strength and balance or falls prevention service.",
            );
        }
        return Outcome::none()
            .because(format!(
                "Not scored: the pathway offers no falls prevention, and for its condition ({}) \
                 falls services are a population service that sits outside it.",
                f.condition_text()
            ))
            .raising(
                "Scored when the pathway offers `falls_prevention` or covers osteoporosis, \
                 fractures, falls or frailty.",
            );
    }
    Outcome::level(1)
        .because(format!(
            "Falls prevention is reached at {}.",
            f.list(&found)
        ))
        .because(
            "Capped at 1: the levels above depend on risk assessment coverage and on meeting the \
             NICE falls guideline, which a pathway cannot show.",
        )
        .raising(
            "Levels 2 to 4: need an assessment of falls risk services against the NICE guideline \
             and a plan to meet it.",
        )
}

fn nutrition() -> Outcome {
    Outcome::none()
        .because(
            "A pathway cannot show this: the levels depend on malnutrition screening coverage \
             and the make-up of services across primary, secondary and social care.",
        )
        .raising("Needs system-level evidence on malnutrition screening and management.")
}

fn obesity(f: &Facts<'_, '_>) -> Outcome {
    let found = f.reached(&["weight_management"]);
    if found.is_empty() {
        let mut o = Outcome::none().because(
            "The pathway routes to no weight-management service; the matrix scores the tiered \
             weight-management system as a whole, which lies outside the pathway.",
        );
        if let Some(s) = f.stranded(&["weight_management"]) {
            o = o.because(s);
        }
        return o.raising(
            "Scored when the pathway offers `weight_management`; levels above 1 also need \
             evidence about which tiers exist and who can use them.",
        );
    }
    Outcome::level(1)
        .because(format!(
            "Weight-management support is reached at {}.",
            f.list(&found)
        ))
        .because(
            "Capped at 1: the levels above depend on which weight-management tiers exist and how \
             many places there are, which a pathway cannot show.",
        )
        .raising(
            "Levels 2 to 4: need evidence of the tiers available locally (1 to 4) and of \
             access for everyone who could benefit.",
        )
}

fn fracture_liaison(f: &Facts<'_, '_>) -> Outcome {
    match f.condition() {
        None => {
            return Outcome::none()
                .because(
                    "The pathway declares no `condition`, so msklint cannot tell whether \
                     fracture liaison applies.",
                )
                .raising(
                    "Declare the `condition`; fracture liaison is scored for osteoporosis and \
                     fragility fracture pathways.",
                )
        }
        Some(_) if !f.condition_in(FRACTURE_CONDITIONS) => {
            return Outcome::none()
                .because(format!(
                    "Not applicable: the pathway's condition is {}; fracture liaison is scored \
                     only for osteoporosis and fragility fracture pathways.",
                    f.condition_text()
                ))
                .raising("Score the osteoporosis or fragility fracture pathway instead.")
        }
        Some(_) => {}
    }
    let found = f.reached(FLS);
    if found.is_empty() {
        let mut o = Outcome::level(0).because(format!(
            "The pathway's condition is {}, but no route reaches a fracture liaison service \
             (kind `fracture_liaison`).",
            f.condition_text()
        ));
        if let Some(s) = f.stranded(FLS) {
            o = o.because(s);
        }
        for d in f.of_rule("missing-fracture-liaison") {
            o = o.because(quote(d));
        }
        return o
            .raising("Level 2: route people seen with a fracture to a fracture liaison service.");
    }
    Outcome::level(2)
        .because(format!(
            "A fracture liaison service is reached at {}.",
            f.list(&found)
        ))
        .because(
            "Capped at 2: whether it meets the Royal Osteoporosis Society clinical standards, \
             and whether it covers every relevant patient, is not in the pathway.",
        )
        .raising(
            "Levels 3 and 4: need evidence of local need and coverage plans (3) and an audit \
             against the ROS clinical standards for all relevant patients (4).",
        )
}

fn public_health() -> Outcome {
    Outcome::none()
        .because(
            "A pathway cannot show this: the levels are about joint work between local \
             authority public health and the NHS.",
        )
        .raising("Needs evidence of public health's part in ICS and PCN planning.")
}

// ---------------------------------------------------------------------------
// 4 Mental health

fn pain_services(f: &Facts<'_, '_>) -> Outcome {
    let pain = f.reached(PAIN);
    if pain.is_empty() {
        let mut o = Outcome::level(0)
            .because("No route reaches pain support (kind `pain`, or offering `pain_management`).");
        if let Some(s) = f.stranded(PAIN) {
            o = o.because(s);
        }
        return o
            .raising("Level 1: route people with persistent pain to a pain service.")
            .raising(
                "Level 2: make it an integrated service: a pain service that also offers \
                 `talking_therapies`, so physical and psychological care come together.",
            );
    }
    let integrated: Vec<NodeIndex> = pain
        .iter()
        .copied()
        .filter(|&n| !f.kind_in(n, &["mental_health"]) && f.provides_any(n, &["talking_therapies"]))
        .collect();
    if integrated.is_empty() {
        return Outcome::level(1)
            .because(format!(
                "Pain support is reached at {}, but none of it also offers \
                 `talking_therapies`, so no integrated biopsychosocial service is shown.",
                f.list(&pain)
            ))
            .raising(
                "Level 2: a pain service that offers `talking_therapies` alongside its physical \
                 care.",
            )
            .raising(
                "Level 3: that service reachable from primary care, not only from \
                 secondary-care consultants.",
            );
    }
    // A reached node outside secondary care that routes into `n`.
    let outside =
        |p: NodeIndex, n: NodeIndex| p != n && f.reach[p.index()] && !f.kind_in(p, &["secondary"]);
    let open: Vec<NodeIndex> = integrated
        .iter()
        .copied()
        .filter(|&n| f.predecessors(n).into_iter().any(|p| outside(p, n)))
        .collect();
    let mut o;
    if open.is_empty() {
        o = Outcome::level(2)
            .because(format!(
                "Integrated pain service: {} (pain care and talking therapies together).",
                f.list(&integrated)
            ))
            .because("Every route into it comes from secondary care.")
            .raising(
                "Level 3: add a route into it from primary or community care (the GP, first \
                 contact practitioner or self-referral).",
            );
    } else {
        o = Outcome::level(3).because(format!(
            "Integrated pain service: {}, referred to from outside secondary care ({}).",
            f.list(&open),
            f.ids(
                &open
                    .iter()
                    .flat_map(|&n| {
                        f.predecessors(n)
                            .into_iter()
                            .filter(move |&p| outside(p, n))
                    })
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
            )
        ));
        let gated: Vec<NodeIndex> = open
            .iter()
            .copied()
            .filter(|&n| !f.g.node(n).requires.is_empty())
            .collect();
        if !gated.is_empty() {
            o = o.because(format!("{} sets entry criteria of its own.", f.ids(&gated)));
        }
    }
    o.because(
        "Capped at 3: waiting times and eligibility in practice, and the range of services, are \
         not in the pathway.",
    )
    .raising(
        "Level 4: needs evidence of short waits and of several integrated pain services open \
         to everyone with significant persistent pain.",
    )
}

fn iapt(f: &Facts<'_, '_>) -> Outcome {
    let mh = f.reached(MENTAL);
    if mh.is_empty() {
        let mut o = Outcome::level(0).because(
            "No route reaches talking therapies or mental health support (kind \
             `mental_health`, or offering `talking_therapies`).",
        );
        if let Some(s) = f.stranded(MENTAL) {
            o = o.because(s);
        }
        for d in f.of_rule("missing-mental-health") {
            o = o.because(quote(d));
        }
        return o
            .raising(
                "Level 2: route people to an NHS Talking Therapies service (kind `mental_health` \
                 or offering `talking_therapies`).",
            )
            .raising(
                "Level 3: make it a pain or MSK offer: the same service also offering \
                 `pain_management`.",
            );
    }
    let specific: Vec<NodeIndex> = mh
        .iter()
        .copied()
        .filter(|&n| f.provides_any(n, PAIN))
        .collect();
    if specific.is_empty() {
        return Outcome::level(2)
            .because(format!(
                "People on the pathway can be referred to talking therapies: {}.",
                f.list(&mh)
            ))
            .because(
                "None of these services also provides pain care (`pain` or `pain_management`), \
                 so an MSK-specific offer is not shown.",
            )
            .raising(
                "Level 3: show the offer is for pain and MSK by adding `pain_management` to the \
                 offers of the talking therapies service.",
            )
            .raising(
                "Level 4: route that service to and from community services and a pain service.",
            );
    }
    let linked: Vec<(NodeIndex, Vec<NodeIndex>, Vec<NodeIndex>)> = specific
        .iter()
        .map(|&n| {
            let near = f.neighbours(n);
            let community: Vec<NodeIndex> = near
                .iter()
                .copied()
                .filter(|&m| f.provides_any(m, COMMUNITY_SERVICES))
                .collect();
            let pain: Vec<NodeIndex> = near
                .iter()
                .copied()
                .filter(|&m| f.provides_any(m, PAIN))
                .collect();
            (n, community, pain)
        })
        .collect();
    let mut o = Outcome::level(3).because(format!(
        "An MSK-specific talking therapies offer (talking therapies and pain care together): {}.",
        f.list(&specific)
    ));
    if let Some((n, community, pain)) = linked
        .iter()
        .find(|(_, c, p)| !c.is_empty() && !p.is_empty())
    {
        o.level = Some(4);
        o = o.because(format!(
            "`{}` is linked by routes with community services ({}) and with pain services ({}).",
            f.g.node(*n).id(),
            f.ids(community),
            f.ids(pain)
        ));
        o.because(
            "The pathway shows the links as routes; how strong they are in practice is not \
             something it can show.",
        )
    } else {
        for (n, community, pain) in &linked {
            let id = f.g.node(*n).id();
            if community.is_empty() {
                o = o.because(format!(
                    "`{id}` has no route to or from a community service."
                ));
            }
            if pain.is_empty() {
                o = o.because(format!("`{id}` has no route to or from a pain service."));
            }
        }
        o.raising(
            "Level 4: route the MSK talking therapies offer to and from both community-based \
             services and a pain service.",
        )
    }
}

fn integrated_mental_health(f: &Facts<'_, '_>) -> Outcome {
    let embedded: Vec<NodeIndex> = f
        .reached(&["talking_therapies"])
        .into_iter()
        .filter(|&n| f.is_service(n) && f.kind_in(n, MSK_KINDS))
        .collect();
    let mh = f.reached(MENTAL);
    if !embedded.is_empty() {
        return Outcome::level(4).because(format!(
            "Psychological care is part of MSK services themselves: {} offer `talking_therapies`.",
            f.list(&embedded)
        ));
    }
    if mh.is_empty() {
        let mut o =
            Outcome::level(0).because("No route reaches mental health support of any kind.");
        if let Some(s) = f.stranded(MENTAL) {
            o = o.because(s);
        }
        return o
            .raising("Level 1: add a route to a mental health service.")
            .raising(
                "Level 3: give MSK services (first contact, community, specialist) their own \
                 routes to it.",
            );
    }
    let links: Vec<(NodeIndex, NodeIndex)> =
        f.g.edges
            .iter()
            .filter(|e| {
                e.source != e.target
                    && f.kind_in(e.source, MSK_KINDS)
                    && f.reach[e.source.index()]
                    && f.provides_any(e.target, MENTAL)
            })
            .map(|e| (e.source, e.target))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
    if links.is_empty() {
        let mut o = Outcome::level(1).because(format!(
            "Mental health support is reached at {}, but no MSK service routes to it \
                 directly; referral goes through an entry such as the GP.",
            f.list(&mh)
        ));
        for d in f.of_rule("gp-only-referral") {
            o = o.because(quote(d));
        }
        return o
            .because(
                "Level 2 differs from level 1 only in waiting times, which the pathway does \
                 not record, so 1 is claimed.",
            )
            .raising(
                "Level 3: add routes from MSK services (first contact, community, specialist) \
                 straight to mental health support.",
            )
            .raising(
                "Level 4: psychology inside an MSK team, shown by `talking_therapies` in the \
                 offers of that MSK service.",
            );
    }
    let routes: Vec<String> = links
        .iter()
        .map(|&(s, t)| format!("`{} -> {}`", f.g.node(s).id(), f.g.node(t).id()))
        .collect();
    let mut o = Outcome::level(3).because(format!(
        "MSK services route straight to separate mental health support: {}.",
        routes.join(", ")
    ));
    for d in f.of_rule("gp-only-referral") {
        o = o.because(quote(d));
    }
    o.raising(
        "Level 4: psychology inside an MSK team (for example rheumatology or the pain service), \
         shown by `talking_therapies` in that service's offers.",
    )
}

// ---------------------------------------------------------------------------
// 5 Personalisation

fn social_prescribing(f: &Facts<'_, '_>) -> Outcome {
    let sp = f.reached(SOCIAL);
    if sp.is_empty() {
        let mut o = Outcome::level(0).because(
            "No route reaches social prescribing (kind `social_prescribing`, or offering it).",
        );
        if let Some(s) = f.stranded(SOCIAL) {
            o = o.because(s);
        }
        for d in f.of_rule("missing-social-prescribing") {
            o = o.because(quote(d));
        }
        return o
            .raising("Level 1: route people to a social prescribing link worker.")
            .raising(
                "Level 2: route the link worker on to MSK-relevant community support (peer \
                 support, patient organisations, exercise or self-management groups).",
            );
    }
    let mut assets: BTreeSet<NodeIndex> = BTreeSet::new();
    for &n in &sp {
        if f.provides_any(n, COMMUNITY_ASSETS) {
            assets.insert(n);
        }
        assets.extend(
            f.successors(n)
                .into_iter()
                .filter(|&m| f.provides_any(m, COMMUNITY_ASSETS)),
        );
    }
    let assets: Vec<NodeIndex> = assets.into_iter().collect();
    let mut o = if assets.is_empty() {
        Outcome::level(1)
            .because(format!(
                "Social prescribing is reached at {}, but the pathway does not show what MSK \
                 support it connects people with.",
                f.list(&sp)
            ))
            .raising(
                "Level 2: route the link worker on to MSK-relevant community support (peer \
                 support, patient organisations, exercise or self-management groups), or list \
                 it in the link worker's offers.",
            )
    } else {
        Outcome::level(2)
            .because(format!(
                "Social prescribing is reached at {} and leads on to MSK-relevant community \
                 support: {}.",
                f.ids(&sp),
                f.list(&assets)
            ))
            .because(
                "Capped at 2: what link workers know about MSK needs, and how gaps in community \
                 assets are being filled, is not in the pathway.",
            )
    };
    o = o.raising(
        "Levels 3 and 4: need evidence of a map of local MSK community assets and plans to fill \
         gaps (3), and of link workers' MSK knowledge and a full range of options including \
         peer support (4).",
    );
    o
}

fn self_management(f: &Facts<'_, '_>) -> Outcome {
    let sm = f.reached(SELF_MANAGEMENT);
    let services: Vec<NodeIndex> = sm.iter().copied().filter(|&n| f.is_service(n)).collect();
    let at_entry: Vec<NodeIndex> = sm
        .iter()
        .copied()
        .filter(|&n| f.g.node(n).node_kind() == NodeKind::Entry)
        .collect();
    let mut o = if !services.is_empty() {
        Outcome::level(2).because(format!(
            "Self-management support services are reached: {}.",
            f.list(&services)
        ))
    } else if !at_entry.is_empty() {
        Outcome::level(1)
            .because(format!(
                "Self-management support is only offered at the entry ({}), with no service \
                 to refer people on to.",
                f.ids(&at_entry)
            ))
            .raising(
                "Level 2: route people to a self-management, health coaching or education \
                 service.",
            )
    } else {
        let mut o = Outcome::level(0).because(
            "No route reaches self-management support (kind `self_management` or \
             `health_coaching`, or offering `self_management`, `health_coaching` or \
             `education`).",
        );
        if let Some(s) = f.stranded(SELF_MANAGEMENT) {
            o = o.because(s);
        }
        for d in f.of_rule("missing-self-management") {
            o = o.because(quote(d));
        }
        o.raising(
            "Level 2: route people to a self-management, health coaching or education service.",
        )
    };
    if o.level == Some(2) {
        // The range level 4 names, as far as a pathway can show it.
        let parts: [(&str, &str, Vec<NodeIndex>); 3] = [
            (
                "a community programme",
                "a community self-management or exercise programme (kind `community` or \
                 `self_management`)",
                f.reached(&["exercise", "self_management"])
                    .into_iter()
                    .filter(|&n| f.kind_in(n, &["community", "self_management"]))
                    .collect(),
            ),
            (
                "peer support",
                "peer support (a service offering `peer_support`)",
                f.reached(&["peer_support"]),
            ),
            (
                "a patient organisation",
                "a patient organisation or helpline (kind `patient_organisation`)",
                f.reached(&["patient_organisation"]),
            ),
        ];
        let shown: Vec<String> = parts
            .iter()
            .filter(|(_, _, ns)| !ns.is_empty())
            .map(|(what, _, ns)| format!("{what} ({})", f.ids(ns)))
            .collect();
        if !shown.is_empty() {
            o = o.because(format!("The pathway also reaches {}.", join_and(&shown)));
        }
        o = o.because(
            "Capped at 2: how well the services are used, and plans to expand them, are not in \
             the pathway.",
        );
        o = o.raising(
            "Levels 3 and 4: need evidence that the services are well used and growing (3) and \
             that a full range, including patient-led groups and information on national \
             patient organisations, is offered (4).",
        );
        let missing: Vec<String> = parts
            .iter()
            .filter(|(_, _, ns)| ns.is_empty())
            .map(|(_, how, _)| how.to_string())
            .collect();
        if !missing.is_empty() {
            o = o.raising(format!(
                "Of the range levels 3 and 4 look for, the pathway could still add a route to {}.",
                join_and(&missing)
            ));
        }
        return o;
    }
    o.raising(
        "Levels 3 and 4: need evidence that the services are well used and growing (3) and that \
         a full range, including patient-led groups and information on national patient \
         organisations, is offered (4).",
    )
}

fn personal_health_budgets() -> Outcome {
    Outcome::none()
        .because(
            "A pathway cannot show this: the levels are about how personal health budgets are \
             offered and supported, which the pathway language does not describe.",
        )
        .raising("Needs local data on personal health budget offers and uptake.")
}

fn shared_decision_making(f: &Facts<'_, '_>) -> Outcome {
    let sdm = f.reached(SDM);
    if sdm.is_empty() {
        let mut o =
            Outcome::level(0).because("No service on the pathway offers `shared_decision_making`.");
        if let Some(s) = f.stranded(SDM) {
            o = o.because(s);
        }
        for d in f.of_rule("missing-shared-decision-making") {
            o = o.because(quote(d));
        }
        return o
            .raising("Level 2: offer `shared_decision_making` at the services that assess people.")
            .raising(
                "Level 3: make every route to surgery or injection pass a service offering it.",
            );
    }
    let services: Vec<NodeIndex> =
        f.g.indices()
            .filter(|&n| f.reach[n.index()] && f.is_service(n))
            .collect();
    let without: Vec<NodeIndex> = services
        .iter()
        .copied()
        .filter(|&n| !f.provides_any(n, SDM))
        .collect();
    let decisions = f.reached(&["surgery", "injection"]);
    let open = f.open_without(&["surgery", "injection"], SDM);
    let mut o = Outcome::level(2).because(format!(
        "Shared decision making is offered at {}.",
        f.list(&sdm)
    ));
    if without.is_empty() {
        o.level = Some(4);
        return o
            .because("Every service on the pathway offers it.")
            .because(
            "The pathway shows where shared decision making is offered, not how well it is done.",
        );
    }
    if decisions.is_empty() {
        o = o.because(
            "The pathway has no surgery or injection step, so it cannot show shared decisions \
             at the points of significant treatment.",
        );
    } else if open.is_empty() {
        o.level = Some(3);
        o = o.because(format!(
            "Every route from an entry to the treatment decisions at {} passes it.",
            f.ids(&decisions)
        ));
    } else {
        o = o.because(format!(
            "{} can be reached without passing it.",
            f.ids(&open)
        ));
        for d in f.of_rule("missing-shared-decision-making") {
            o = o.because(quote(d));
        }
        o = o.raising(format!(
            "Level 3: make every route to {} pass a service offering `shared_decision_making`.",
            f.ids(&open)
        ));
    }
    o.raising(format!(
        "Level 4: offer it across the pathway; {} do not.",
        f.ids(&without)
    ))
}

// ---------------------------------------------------------------------------
// Output

/// A Markdown report: a short key, then one table per pathway.
pub fn markdown(cards: &[Scorecard]) -> String {
    let mut out = String::new();
    out.push_str("# MSK core offer maturity\n\n");
    out.push_str(&format!(
        "Scored by msklint against the {MATRIX}. Levels run from 0 (the pathway routes nobody \
         to this) to 4; \"not evidenced\" means the requirement does not apply or a pathway \
         cannot show it. Only what the pathway text shows is claimed; see docs/score.md.\n"
    ));
    for card in cards {
        out.push_str(&format!("\n## {}\n\n", cell(&card.pathway)));
        if let Some(file) = &card.file {
            out.push_str(&format!("File: `{}`\n\n", file.replace('`', "'")));
        }
        let scored = card
            .requirements
            .iter()
            .filter(|r| r.level.is_some())
            .count();
        out.push_str(&format!(
            "{scored} of {} requirements scored; {} not evidenced.\n\n",
            card.requirements.len(),
            card.requirements.len() - scored
        ));
        out.push_str("| Requirement | Level | Evidence | To raise it |\n");
        out.push_str("|---|---|---|---|\n");
        for r in &card.requirements {
            let level = r
                .level
                .map_or("not evidenced".to_string(), |l| l.to_string());
            out.push_str(&format!(
                "| {}<br>*{}* | {level} | {} | {} |\n",
                cell(r.name),
                cell(r.section),
                lines(&r.evidence),
                lines(&r.raise)
            ));
        }
    }
    out
}

fn lines(items: &[String]) -> String {
    if items.is_empty() {
        return "—".to_string();
    }
    items
        .iter()
        .map(|s| cell(s))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Text safe inside a table cell: pipes escaped, one line, and `<`, `>`
/// and `&` escaped outside code spans (inside them they show as written).
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut code = false;
    for ch in text.chars() {
        match ch {
            '`' => {
                code = !code;
                out.push(ch);
            }
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' if !code => out.push_str("&lt;"),
            '>' if !code => out.push_str("&gt;"),
            '&' if !code => out.push_str("&amp;"),
            _ => out.push(ch),
        }
    }
    out
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    matrix: &'static str,
    scorecards: &'a [Scorecard],
}

/// The JSON document (schema in docs/score.md).
pub fn json(cards: &[Scorecard]) -> String {
    let doc = Document {
        version: SCHEMA_VERSION,
        matrix: MATRIX,
        scorecards: cards,
    };
    // Plain structs of strings and numbers always serialise.
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_escape_pipes_and_html_outside_code() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(cell("`bmi < 40` < x"), "`bmi < 40` &lt; x");
        assert_eq!(cell("one\ntwo"), "one two");
    }
}
