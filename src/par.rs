//! Work spread over threads, or not. With the `parallel` feature (on by
//! default) these run on rayon's pool; without it, as in a browser's
//! WebAssembly, they run one after another on the calling thread. Either
//! way the results come back in the same order, so the callers' output is
//! the same. The bounds are the same in both builds, so code that compiles
//! in one compiles in the other.

/// How many threads the work may use: rayon's pool, or 1.
pub fn threads() -> usize {
    #[cfg(feature = "parallel")]
    {
        rayon::current_num_threads()
    }
    #[cfg(not(feature = "parallel"))]
    {
        1
    }
}

/// Runs `a` and `b`, on two threads when there are, and returns both
/// results.
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    #[cfg(feature = "parallel")]
    {
        rayon::join(a, b)
    }
    #[cfg(not(feature = "parallel"))]
    {
        (a(), b())
    }
}

/// `f` applied to each item, in the items' order.
pub fn map<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        items.par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        items.iter().map(f).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = map(&items, |n| n * 2);
        assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }

    #[test]
    fn join_returns_both_results_in_place() {
        let mut seen = Vec::new();
        let (a, b) = join(
            || {
                seen.push(1);
                "left"
            },
            || "right",
        );
        assert_eq!((a, b, seen), ("left", "right", vec![1]));
    }

    #[test]
    fn threads_is_at_least_one() {
        assert!(threads() >= 1);
        #[cfg(not(feature = "parallel"))]
        assert_eq!(threads(), 1);
    }
}
