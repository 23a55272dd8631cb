//! Section 5 of the matrix: personalisation.

use super::facts::*;
use super::*;

// ---------------------------------------------------------------------------
// 5 Personalisation

pub(super) fn social_prescribing(f: &Facts<'_, '_>) -> Outcome {
    let sp = f.reached(SOCIAL);
    if sp.is_empty() {
        let mut o = Outcome::level(0).because(
            "No route reaches social prescribing (kind `social_prescribing`, or offering it).",
        );
        o = o.because_all(f.stranded(SOCIAL));
        o = o.because_all(
            f.of_rule("missing-social-prescribing")
                .into_iter()
                .map(quote),
        );
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
            .capped(
                2,
                "what link workers know about MSK needs, and how gaps in community \
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

pub(super) fn self_management(f: &Facts<'_, '_>) -> Outcome {
    let sm = f.reached(&f.self_management);
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
        o = o.because_all(f.stranded(&f.self_management));
        o = o.because_all(f.of_rule("missing-self-management").into_iter().map(quote));
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
        o = o.capped(
            2,
            "how well the services are used, and plans to expand them, are not in \
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

pub(super) fn personal_health_budgets() -> Outcome {
    Outcome::none()
        .because(
            "A pathway cannot show this: the levels are about how personal health budgets are \
             offered and supported, which the pathway language does not describe.",
        )
        .raising("Needs local data on personal health budget offers and uptake.")
}

pub(super) fn shared_decision_making(f: &Facts<'_, '_>) -> Outcome {
    let sdm = f.reached(SDM);
    if sdm.is_empty() {
        let mut o =
            Outcome::level(0).because("No service on the pathway offers `shared_decision_making`.");
        o = o.because_all(f.stranded(SDM));
        o = o.because_all(
            f.of_rule("missing-shared-decision-making")
                .into_iter()
                .map(quote),
        );
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
        o = o.because_all(
            f.of_rule("missing-shared-decision-making")
                .into_iter()
                .map(quote),
        );
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
