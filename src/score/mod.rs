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
use crate::check::{FileReport, Linter};
use crate::diagnostic::Diagnostic;
use crate::graph::PathwayGraph;
use crate::measures::Measures;
use crate::rules::analysis::{distance_to, onward_target, reachable_from};
use crate::rules::builtin::Builtin;
use crate::rules::checks::criterion::CriterionCheck;
use crate::rules::model::Check;
use crate::vocabulary::Vocabulary;

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

pub use render::{json, markdown, NotScored};

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
    /// The file the pathway came from, when known ([`score_file`] sets it).
    pub file: Option<String>,
    pub requirements: Vec<Requirement>,
}

impl Scorecard {
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }
}

/// One requirement of the matrix and the function that scores it.
pub struct RequirementSpec {
    /// Stable kebab-case ID, e.g. `joint-replacement`.
    pub id: &'static str,
    pub name: &'static str,
    /// The matrix section, e.g. `2 Services`.
    pub section: &'static str,
    score: fn(&Facts<'_, '_>) -> Outcome,
}

/// Every requirement, in the matrix's order. The matrix lists MSK
/// rehabilitation twice under Services; it is scored once.
pub const REQUIREMENTS: &[RequirementSpec] = &[
    RequirementSpec {
        id: "local-need",
        name: "Understanding of local need",
        section: FRAMEWORK,
        score: local_need,
    },
    RequirementSpec {
        id: "workforce",
        name: "Workforce",
        section: FRAMEWORK,
        score: |_| workforce(),
    },
    RequirementSpec {
        id: "pathways",
        name: "Pathways",
        section: FRAMEWORK,
        score: pathways,
    },
    RequirementSpec {
        id: "community-prevention",
        name: "Community-based prevention",
        section: FRAMEWORK,
        score: community_prevention,
    },
    RequirementSpec {
        id: "specialist-links",
        name: "Links into specialist care",
        section: FRAMEWORK,
        score: specialist_links,
    },
    RequirementSpec {
        id: "health-and-work",
        name: "Health and work",
        section: FRAMEWORK,
        score: health_and_work,
    },
    RequirementSpec {
        id: "first-contact-practitioner",
        name: "First contact practitioner",
        section: SERVICES,
        score: first_contact,
    },
    RequirementSpec {
        id: "msk-rehabilitation",
        name: "MSK rehabilitation",
        section: SERVICES,
        score: rehabilitation,
    },
    RequirementSpec {
        id: "joint-replacement",
        name: "Joint replacement surgery",
        section: SERVICES,
        score: joint_replacement,
    },
    RequirementSpec {
        id: "community-exercise",
        name: "Community-based exercise programmes",
        section: SERVICES,
        score: community_exercise,
    },
    RequirementSpec {
        id: "falls-prevention",
        name: "Strength, balance and falls prevention",
        section: PREVENTION,
        score: falls_prevention,
    },
    RequirementSpec {
        id: "nutrition",
        name: "Nutrition and hydration",
        section: PREVENTION,
        score: |_| nutrition(),
    },
    RequirementSpec {
        id: "obesity",
        name: "Obesity and weight management",
        section: PREVENTION,
        score: obesity,
    },
    RequirementSpec {
        id: "fracture-liaison",
        name: "Fracture liaison services",
        section: PREVENTION,
        score: fracture_liaison,
    },
    RequirementSpec {
        id: "public-health",
        name: "Public health",
        section: PREVENTION,
        score: |_| public_health(),
    },
    RequirementSpec {
        id: "pain-services",
        name: "Pain services",
        section: MENTAL_HEALTH,
        score: pain_services,
    },
    RequirementSpec {
        id: "iapt",
        name: "IAPT / NHS Talking Therapies",
        section: MENTAL_HEALTH,
        score: iapt,
    },
    RequirementSpec {
        id: "integrated-mental-health",
        name: "Integrated mental health services",
        section: MENTAL_HEALTH,
        score: integrated_mental_health,
    },
    RequirementSpec {
        id: "social-prescribing",
        name: "Social prescribing",
        section: PERSONALISATION,
        score: social_prescribing,
    },
    RequirementSpec {
        id: "self-management",
        name: "Self-management support",
        section: PERSONALISATION,
        score: self_management,
    },
    RequirementSpec {
        id: "personal-health-budgets",
        name: "Personal health budgets",
        section: PERSONALISATION,
        score: |_| personal_health_budgets(),
    },
    RequirementSpec {
        id: "shared-decision-making",
        name: "Shared decision making",
        section: PERSONALISATION,
        score: shared_decision_making,
    },
];

const FRAMEWORK: &str = "1 Underpinning framework";
const SERVICES: &str = "2 Services";
const PREVENTION: &str = "3 Prevention";
const MENTAL_HEALTH: &str = "4 Mental health";
const PERSONALISATION: &str = "5 Personalisation";

const SURGERY: &[&str] = &["surgery"];
const SDM: &[&str] = &["shared_decision_making"];
const PAIN: &[&str] = &["pain", "pain_management"];
const REHAB: &[&str] = &["rehabilitation"];
const SOCIAL: &[&str] = &["social_prescribing"];
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
/// The same list as the `missing-fracture-liaison` rule (a test holds
/// them equal), matched as the rule matches it.
const FRACTURE_CONDITIONS: &[&str] = &[
    "osteoporosis",
    "osteoporotic",
    "fragility_fracture",
    "fragility_fractures",
    "fracture",
    "fractures",
];
/// Conditions where falls prevention belongs on the pathway itself.
const FALLS_CONDITIONS: &[&str] = &[
    "osteoporosis",
    "osteoporotic",
    "fragility_fracture",
    "fragility_fractures",
    "fracture",
    "fractures",
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
pub fn score(g: &PathwayGraph<'_>, findings: &[Diagnostic], linter: &Linter) -> Scorecard {
    let mut facts = Facts::new(g, findings, &linter.measures, &linter.vocabulary);
    facts.criteria = linter
        .rules
        .rules
        .iter()
        .filter(|r| THRESHOLDS.iter().any(|(name, _, _)| *name == r.rule.name))
        .filter_map(|r| match &r.rule.check {
            Check::Criterion(c) => Some((r.rule.name.clone(), c.clone())),
            _ => None,
        })
        .collect();
    let requirements = REQUIREMENTS
        .iter()
        .map(|spec| {
            let o = (spec.score)(&facts);
            Requirement {
                id: spec.id,
                name: spec.name,
                section: spec.section,
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
/// matter are also read from the graph, see the module docs). `graphs` are
/// the file's own, as the session lends them. A file that could not be
/// decoded or parsed has no scorecards: its report already holds the error
/// to show.
pub fn score_file(
    report: &FileReport,
    graphs: &[PathwayGraph<'_>],
    linter: &Linter,
) -> Vec<Scorecard> {
    if report
        .diagnostics
        .iter()
        .any(|d| d.rule == Builtin::InvalidEncoding.name())
    {
        return Vec::new();
    }
    graphs
        .iter()
        .map(|g| {
            let mut card = score(g, &report.diagnostics, linter);
            card.file = Some(report.source.name.clone());
            card
        })
        .collect()
}

/// What one scorer decided.
#[cfg(test)]
mod tests {
    use super::render::cell;

    /// The scorecard's list of fracture conditions is the rule's: they had
    /// drifted apart, so `check` warned of no fracture liaison on a
    /// pathway the scorecard called not applicable.
    #[test]
    fn fracture_conditions_are_the_rules() {
        use crate::rules::checks::Check;
        let vocab = crate::vocabulary::Vocabulary::builtin().unwrap();
        let set = crate::rules::load::RuleSet::builtin(&vocab).unwrap();
        let rule = set
            .rules
            .iter()
            .find(|r| r.rule.name == "missing-fracture-liaison")
            .unwrap();
        let Check::Condition(c) = &rule.rule.check else {
            panic!("missing-fracture-liaison is no longer a condition check");
        };
        assert_eq!(c.conditions, super::FRACTURE_CONDITIONS);
        for name in super::FRACTURE_CONDITIONS {
            assert!(super::FALLS_CONDITIONS.contains(name), "{name}");
        }
    }

    #[test]
    fn cells_escape_pipes_and_html_outside_code() {
        assert_eq!(cell("a | b"), "a \\| b");
        assert_eq!(cell("`bmi < 40` < x"), "`bmi < 40` &lt; x");
        assert_eq!(cell("one\ntwo"), "one two");
    }
}
