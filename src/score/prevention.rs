//! Section 3 of the matrix: prevention.

use super::facts::*;
use super::*;

// ---------------------------------------------------------------------------
// 3 Prevention

pub(super) fn falls_prevention(f: &Facts<'_, '_>) -> Outcome {
    let found = f.reached(&["falls_prevention"]);
    if found.is_empty() {
        if f.condition_in(FALLS_CONDITIONS) {
            let mut o = Outcome::level(0).because(format!(
                "The pathway's condition ({}) calls for falls prevention, but no route reaches a \
                 service offering `falls_prevention`.",
                f.condition_text()
            ));
            o = o.because_all(f.stranded(&["falls_prevention"]));
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
        .capped(
            1,
            "the levels above depend on risk assessment coverage and on meeting the \
             NICE falls guideline, which a pathway cannot show.",
        )
        .raising(
            "Levels 2 to 4: need an assessment of falls risk services against the NICE guideline \
             and a plan to meet it.",
        )
}

pub(super) fn nutrition() -> Outcome {
    Outcome::none()
        .because(
            "A pathway cannot show this: the levels depend on malnutrition screening coverage \
             and the make-up of services across primary, secondary and social care.",
        )
        .raising("Needs system-level evidence on malnutrition screening and management.")
}

pub(super) fn obesity(f: &Facts<'_, '_>) -> Outcome {
    let found = f.reached(&["weight_management"]);
    if found.is_empty() {
        let mut o = Outcome::none().because(
            "The pathway routes to no weight-management service; the matrix scores the tiered \
             weight-management system as a whole, which lies outside the pathway.",
        );
        o = o.because_all(f.stranded(&["weight_management"]));
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
        .capped(
            1,
            "the levels above depend on which weight-management tiers exist and how \
             many places there are, which a pathway cannot show.",
        )
        .raising(
            "Levels 2 to 4: need evidence of the tiers available locally (1 to 4) and of \
             access for everyone who could benefit.",
        )
}

pub(super) fn fracture_liaison(f: &Facts<'_, '_>) -> Outcome {
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
        o = o.because_all(f.stranded(FLS));
        o = o.because_all(f.of_rule("missing-fracture-liaison").into_iter().map(quote));
        return o
            .raising("Level 2: route people seen with a fracture to a fracture liaison service.");
    }
    Outcome::level(2)
        .because(format!(
            "A fracture liaison service is reached at {}.",
            f.list(&found)
        ))
        .capped(
            2,
            "whether it meets the Royal Osteoporosis Society clinical standards, \
             and whether it covers every relevant patient, is not in the pathway.",
        )
        .raising(
            "Levels 3 and 4: need evidence of local need and coverage plans (3) and an audit \
             against the ROS clinical standards for all relevant patients (4).",
        )
}

pub(super) fn public_health() -> Outcome {
    Outcome::none()
        .because(
            "A pathway cannot show this: the levels are about joint work between local \
             authority public health and the NHS.",
        )
        .raising("Needs evidence of public health's part in ICS and PCN planning.")
}
