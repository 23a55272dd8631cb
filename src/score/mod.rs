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
use crate::measures::Measures;
use crate::parser;
use crate::rules::analysis::{distance_to, onward_target, reachable_from};

mod facts;
mod framework;
mod mental_health;
mod personalisation;
mod prevention;
mod render;
mod services;

use facts::*;
use framework::*;
use mental_health::*;
use personalisation::*;
use prevention::*;
use services::*;

pub use render::{json, markdown};

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
/// measures they look for (the same as rules/access/*.yaml; any name of a
/// measure in rules/vocabulary.yaml counts).
const THRESHOLDS: &[(&str, &[&str], &str)] = &[
    ("bmi-threshold", &["bmi", "weight"], "BMI threshold"),
    (
        "smoking-restriction",
        &["smoking", "smoke_free_weeks"],
        "smoking restriction",
    ),
    (
        "oxford-score-threshold",
        &["oxford_score"],
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
pub fn score(g: &PathwayGraph<'_>, findings: &[Diagnostic], measures: &Measures) -> Scorecard {
    let facts = Facts::new(g, findings, measures);
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
pub fn score_report(report: &FileReport, measures: &Measures) -> Vec<Scorecard> {
    if report
        .diagnostics
        .iter()
        .any(|d| d.rule == "invalid-encoding")
    {
        return Vec::new();
    }
    let parsed = parser::parse(&report.source.text);
    let Some(file) = parsed.complete() else {
        return Vec::new();
    };
    file.pathways
        .iter()
        .map(|p| {
            let mut scratch = Vec::new();
            let g = PathwayGraph::build(p, &mut scratch);
            let mut card = score(&g, &report.diagnostics, measures);
            card.file = Some(report.source.name.clone());
            card
        })
        .collect()
}

/// What one scorer decided.
#[cfg(test)]
mod tests {
    use super::render::cell;

    #[test]
    fn cells_escape_pipes_and_html_outside_code() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(cell("`bmi < 40` < x"), "`bmi < 40` &lt; x");
        assert_eq!(cell("one\ntwo"), "one two");
    }
}
