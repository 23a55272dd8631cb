//! Section 2 of the matrix: services, including joint replacement surgery.

use super::facts::*;
use super::*;

// ---------------------------------------------------------------------------
// 2 Services

pub(super) fn first_contact(f: &Facts<'_, '_>) -> Outcome {
    // An FCP declared as an entry (people go straight to it) counts as
    // much as one behind a GP; only exits are not services.
    let fcp: Vec<NodeIndex> = f
        .reached(&["assessment", "triage"])
        .into_iter()
        .filter(|&n| !f.is_exit(n) && f.kind_in(n, &["primary"]))
        .collect();
    if fcp.is_empty() {
        return Outcome::level(0)
            .because(
                "No route reaches a primary-care MSK assessment (an entry or service of kind \
                 `primary` offering `assessment` or `triage`), which is how msklint recognises a \
                 first contact practitioner.",
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
    let entries: Vec<NodeIndex> = fcp.iter().copied().filter(|&n| f.is_entry(n)).collect();
    if !entries.is_empty() {
        o = o.because(format!(
            "{} {} a way into the pathway, so people go to it directly.",
            f.ids(&entries),
            if entries.len() == 1 { "is" } else { "are" }
        ));
    }
    o.capped(
        2,
        "the pathway shows the service exists, not how many practices have it.",
    )
    .raising(
        "Levels 3 and 4: need coverage figures showing the service is established and growing \
         (3) or open to every patient with an MSK problem (4).",
    )
}

pub(super) fn rehabilitation(f: &Facts<'_, '_>) -> Outcome {
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
        o = o.because_all(f.stranded(REHAB));
        o = o.because_all(f.of_rule("missing-rehabilitation").into_iter().map(quote));
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
        o = o.because_all(f.of_rule("missing-rehabilitation").into_iter().map(quote));
        o = o.raising(format!(
            "Level 2: route {} on to rehabilitation.",
            f.ids(&unlinked)
        ));
    }
    o.capped(
        2,
        "the levels above depend on how much rehabilitation there is and how long \
         people wait for it after discharge, which the pathway language cannot record.",
    )
    .raising(
        "Levels 3 and 4: need waiting-time and capacity data for community rehabilitation after \
         discharge (few delays for 3, prompt access for everyone for 4).",
    )
}

/// A level-1 trigger for joint replacement, with what would remove it.
pub(super) struct Cap {
    evidence: String,
    fix: String,
}

pub(super) fn joint_replacement(f: &Facts<'_, '_>) -> Outcome {
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
            seen.insert((d.span.start(), d.span.end()));
            // A support service named beside gated care (`fcp -> weight,
            // pool`) is not what the finding gates.
            if f.subject_nodes(d)
                .into_iter()
                .any(|n| upstream(n) && !f.supports(rule, n))
            {
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
                .any(|a| f.measures.same(a, c.attribute.name))
                && !seen.contains(&(c.span.start(), c.span.end()))
        };
        for n in g.indices().filter(|&n| upstream(n)) {
            let node = g.node(n);
            for c in node.requires().filter(|c| hit(c) && !f.exempts(rule, n, c)) {
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
            for c in route.requires().iter().filter(|c| hit(c)) {
                let leads = route.targets().iter().any(|t| {
                    g.find(t.name)
                        .is_some_and(|n| upstream(n) && !f.exempts(rule, n, c))
                });
                if !leads {
                    continue;
                }
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
    o = o.because_all(
        f.of_rule("missing-shared-decision-making")
            .into_iter()
            .map(quote),
    );
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

pub(super) fn community_exercise(f: &Facts<'_, '_>) -> Outcome {
    let found: Vec<NodeIndex> = f
        .reached(&["exercise"])
        .into_iter()
        .filter(|&n| !f.kind_in(n, &["secondary"]))
        .collect();
    if found.is_empty() {
        let mut o =
            Outcome::level(0).because("No route reaches a community service offering `exercise`.");
        o = o.because_all(f.stranded(&["exercise"]));
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
        .capped(
            1,
            "every level above is about understanding need, planning and \
             commissioning these programmes, none of which a pathway records.",
        )
        .raising(
            "Levels 2 to 4: need evidence of a needs assessment and an expansion plan (2), \
             strategic investment (3) and commissioning to meet population need (4).",
        )
}
