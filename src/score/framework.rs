//! Section 1 of the matrix: the underpinning framework.

use super::facts::*;
use super::*;

// ---------------------------------------------------------------------------
// 1 Underpinning framework

pub(super) fn local_need(f: &Facts<'_, '_>) -> Outcome {
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

pub(super) fn workforce() -> Outcome {
    Outcome::none()
        .because(
            "A pathway cannot show this: the levels depend on whether the MSK workforce has been \
             mapped, its gaps and the plans to fill them.",
        )
        .raising("Needs a workforce assessment or plan; no pathway field records one.")
}

pub(super) fn pathways(f: &Facts<'_, '_>) -> Outcome {
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
    o = o.capped(
        2,
        "one pathway shows at most that this area of MSK is organised as a \
         pathway, not how every MSK service in the system is.",
    );
    o.raising(
        "Levels 3 and 4: need evidence that most MSK services sit in understood pathways and that \
         people reach the right one first time (for example referral audit data), which no single \
         pathway file holds.",
    )
}

pub(super) fn community_prevention(f: &Facts<'_, '_>) -> Outcome {
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
        o = o.because_all(f.stranded(PREVENTIVE));
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
        .capped(
            2,
            "whether there is enough of them, and any investment plan, is not \
             something a pathway records.",
        )
        .raising(
            "Levels 3 and 4: need evidence of a needs assessment and planned investment in \
             prevention services, beyond the routes the pathway shows.",
        )
}

pub(super) fn specialist_links(f: &Facts<'_, '_>) -> Outcome {
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

pub(super) fn health_and_work(f: &Facts<'_, '_>) -> Outcome {
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
