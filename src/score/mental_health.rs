//! Section 4 of the matrix: mental health and pain.

use super::facts::*;
use super::*;

// ---------------------------------------------------------------------------
// 4 Mental health

pub(super) fn pain_services(f: &Facts<'_, '_>) -> Outcome {
    let pain = f.reached(PAIN);
    if pain.is_empty() {
        let mut o = Outcome::level(0)
            .because("No route reaches pain support (kind `pain`, or offering `pain_management`).");
        o = o.because_all(f.stranded(PAIN));
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
        // A mental health service offering pain care and talking therapies
        // is psychological care alone, not the combined service level 2 asks for.
        let psychological: Vec<NodeIndex> = pain
            .iter()
            .copied()
            .filter(|&n| {
                f.kind_in(n, &["mental_health"]) && f.provides_any(n, &["talking_therapies"])
            })
            .collect();
        let reason = if psychological.is_empty() {
            format!(
                "Pain support is reached at {}, but none of it also offers \
                 `talking_therapies`, so no integrated biopsychosocial service is shown.",
                f.list(&pain)
            )
        } else {
            let (is, what) = if psychological.len() == 1 {
                ("is a `mental_health` service", "it gives")
            } else {
                ("are `mental_health` services", "they give")
            };
            let rest = if psychological.len() == pain.len() {
                String::new()
            } else {
                " and none of the others offers `talking_therapies`,".to_string()
            };
            format!(
                "Pain support is reached at {}. {} {is}: {what} psychological care but not the \
                 physical care a pain service brings,{rest} so no integrated biopsychosocial \
                 service is shown.",
                f.list(&pain),
                f.list(&psychological)
            )
        };
        return Outcome::level(1)
            .because(reason)
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
            .filter(|&n| f.g.node(n).requires().next().is_some())
            .collect();
        if !gated.is_empty() {
            o = o.because(format!("{} sets entry criteria of its own.", f.ids(&gated)));
        }
    }
    o.capped(
        3,
        "waiting times and eligibility in practice, and the range of services, are \
         not in the pathway.",
    )
    .raising(
        "Level 4: needs evidence of short waits and of several integrated pain services open \
         to everyone with significant persistent pain.",
    )
}

pub(super) fn iapt(f: &Facts<'_, '_>) -> Outcome {
    let mh = f.reached(&f.mental_health);
    if mh.is_empty() {
        let mut o = Outcome::level(0).because(
            "No route reaches talking therapies or mental health support (kind \
             `mental_health`, or offering `talking_therapies`).",
        );
        o = o.because_all(f.stranded(&f.mental_health));
        o = o.because_all(f.of_rule("missing-mental-health").into_iter().map(quote));
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

pub(super) fn integrated_mental_health(f: &Facts<'_, '_>) -> Outcome {
    let embedded: Vec<NodeIndex> = f
        .reached(&["talking_therapies"])
        .into_iter()
        .filter(|&n| !f.is_exit(n) && f.kind_in(n, MSK_KINDS))
        .collect();
    let mh = f.reached(&f.mental_health);
    if !embedded.is_empty() {
        return Outcome::level(4).because(format!(
            "Psychological care is part of MSK services themselves: {} offer `talking_therapies`.",
            f.list(&embedded)
        ));
    }
    if mh.is_empty() {
        let mut o =
            Outcome::level(0).because("No route reaches mental health support of any kind.");
        o = o.because_all(f.stranded(&f.mental_health));
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
                    && f.provides_any(e.target, &f.mental_health)
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
        o = o.because_all(f.of_rule("gp-only-referral").into_iter().map(quote));
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
    o = o.because_all(f.of_rule("gp-only-referral").into_iter().map(quote));
    o.raising(
        "Level 4: psychology inside an MSK team (for example rheumatology or the pain service), \
         shown by `talking_therapies` in that service's offers.",
    )
}
