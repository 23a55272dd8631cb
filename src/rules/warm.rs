//! Building the prose checks' automata ahead of a run over many policies.
//!
//! Patterns compile on first use, so a run that checks only pathways never
//! pays for them. But when several threads start on policy documents at
//! once, they meet the same patterns in the same order: one compiles while
//! the others wait on it, and the compiling (a sixth of a run over 1,000
//! small policies) happens on one thread. [`prose`] compiles everything up
//! front instead, spread over the threads, largest first.

use crate::config::Policy;
use crate::rules::model::{Pattern, SetCache, Subjects};
use crate::vocabulary::Vocabulary;

/// One thing to build.
enum Job<'a> {
    Pattern(&'a Pattern),
    Set(&'a SetCache, &'a [Pattern]),
    Subjects(&'a Subjects),
    Reader(crate::prose::context::Reader<'a>),
    Opinion(&'a (dyn Fn() + Sync)),
}

impl Job<'_> {
    /// A rough cost, to hand out the largest first.
    fn size(&self) -> usize {
        match self {
            Job::Pattern(p) => p.source.len(),
            Job::Set(_, list) => list.iter().map(|p| p.source.len()).sum(),
            Job::Subjects(s) => s.size(),
            Job::Reader(r) => r
                .measures
                .iter()
                .map(|m| m.pattern.source.len())
                .chain(r.modifiers.iter().map(|m| m.pattern.source.len()))
                .sum(),
            // Reading the model costs about as much as the largest set.
            Job::Opinion(_) => usize::MAX,
        }
    }

    fn run(&self) {
        match self {
            // A pattern that does not compile matches nothing, as it would
            // on first use; user patterns were compiled when loaded.
            Job::Pattern(p) => {
                let _ = p.compile();
            }
            Job::Set(set, list) => set.build(list),
            Job::Subjects(s) => s.build(),
            Job::Reader(r) => r.build(),
            Job::Opinion(read) => read(),
        }
    }
}

/// Compiles every pattern and pattern set the prose checks of `policy`
/// use, and reads the second opinion through `opinion`, on all threads.
/// Afterwards the checks find everything built; what they find is the same
/// as without it.
pub fn prose(policy: &Policy, vocabulary: &Vocabulary, opinion: &(dyn Fn() + Sync)) {
    let env = crate::rules::prose::Env::of(vocabulary);
    let mut jobs = vec![Job::Opinion(opinion), Job::Reader(env.reader)];
    jobs.push(Job::Set(
        &vocabulary.prose_exceptions_set,
        &vocabulary.prose_exceptions,
    ));
    jobs.push(Job::Subjects(&policy.subjects));
    let mut patterns: Vec<&Pattern> = Vec::new();
    for active in &policy.active {
        let Some(check) = &active.rule.prose else {
            continue;
        };
        jobs.push(Job::Set(&check.unless_set, &check.unless));
        for list in [
            &check.all,
            &check.unless,
            &check.overruled_by,
            &check.missing,
        ] {
            patterns.extend(list.iter());
        }
    }
    patterns.extend(vocabulary.prose_exceptions.iter());
    patterns.extend(vocabulary.prose_measures.iter().map(|m| &m.pattern));
    patterns.extend(vocabulary.prose_context.iter().map(|m| &m.pattern));
    patterns.extend(vocabulary.prose_anaphora.iter());
    patterns.extend(vocabulary.prose_carry_over.iter());
    // A pattern listed twice (the same one, not an equal one) once.
    patterns.sort_by_key(|p| std::ptr::from_ref::<Pattern>(p) as usize);
    patterns.dedup_by(|a, b| std::ptr::eq(*a, *b));
    jobs.extend(patterns.into_iter().map(Job::Pattern));
    jobs.sort_by_key(|j| std::cmp::Reverse(j.size()));
    crate::par::each_apart(&jobs, Job::run);
}

#[cfg(test)]
mod tests {
    use crate::check::Linter;

    #[test]
    fn the_warm_up_builds_every_pattern_and_set_the_prose_checks_use() {
        let linter = Linter::builtin().expect("built-in rules load");
        let policy = crate::config::Config::default().policy(&linter.rules, &[]);
        let v = &linter.vocabulary;
        let mut read = false;
        let cell = std::sync::Mutex::new(&mut read);
        super::prose(&policy, v, &|| **cell.lock().unwrap() = true);
        assert!(read, "the second opinion is read");
        let mut checks = 0;
        for active in &policy.active {
            let Some(check) = &active.rule.prose else {
                continue;
            };
            checks += 1;
            for list in [
                &check.all,
                &check.unless,
                &check.overruled_by,
                &check.missing,
            ] {
                for p in list {
                    assert!(
                        p.is_built(),
                        "{}: `{}` not built",
                        active.rule.name,
                        p.source
                    );
                }
            }
            assert!(check.unless_set.is_built(), "{}", active.rule.name);
        }
        assert!(checks >= 10, "the built-in rules have prose checks");
        assert!(v.prose_exceptions_set.is_built());
        assert!(v.prose_exceptions.iter().all(|p| p.is_built()));
        assert!(v.prose_measures.iter().all(|m| m.pattern.is_built()));
        assert!(v.prose_context.iter().all(|m| m.pattern.is_built()));
        assert!(v
            .prose_anaphora
            .iter()
            .chain(&v.prose_carry_over)
            .all(|p| p.is_built()));
        assert!(policy.subjects.is_built());
        assert!(v.prose_prefilter.is_built());
    }
}
