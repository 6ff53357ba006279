//! Work split over the machine's cores, for the steps whose cost grows with
//! the rule set and whose parts are independent: reading lines, translating
//! chains, encoding rules. Results come back in order, so a split step
//! gives exactly what it gives in one piece (each user has a test of that).

/// How many pieces to cut `weight` units of work into: one per core, up to
/// 8, each at least `min` units (a thread costs about 50 µs to start).
pub fn pieces(weight: usize, min: usize) -> usize {
    // Asked once: the answer reads the cgroup's CPU quota from /sys.
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    cores.min(8).min(weight / min.max(1)).max(1)
}

/// Runs `f` on every part, the first on this thread and each other on its
/// own, and returns the results in the order of the parts.
pub fn run<P: Send, R: Send>(parts: Vec<P>, f: impl Fn(P) -> R + Sync) -> Vec<R> {
    if parts.len() <= 1 {
        return parts.into_iter().map(f).collect();
    }
    std::thread::scope(|s| {
        let f = &f;
        let mut parts = parts.into_iter();
        let first = parts.next();
        let others: Vec<_> = parts.map(|p| s.spawn(move || f(p))).collect();
        let mut out = Vec::with_capacity(others.len() + 1);
        out.extend(first.map(f));
        out.extend(others.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))));
        out
    })
}

/// Cuts `items` into at most `n` consecutive, non-empty slices of about the
/// same total weight.
pub fn split<T>(items: &[T], n: usize, weight: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let total: usize = items.iter().map(&weight).sum();
    let mut out = Vec::with_capacity(n);
    let (mut start, mut acc) = (0, 0);
    for (i, it) in items.iter().enumerate() {
        acc += weight(it);
        if out.len() + 1 < n && acc * n >= total * (out.len() + 1) {
            out.push(&items[start..=i]);
            start = i + 1;
        }
    }
    if start < items.len() || out.is_empty() {
        out.push(&items[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_every_item_in_order_in_non_empty_slices() {
        for len in 0..40 {
            let items: Vec<usize> = (0..len).map(|i| (i * 7) % 5).collect();
            for n in 1..6 {
                let s = split(&items, n, |&w| w + 1);
                assert!(s.len() <= n.max(1));
                assert!(len == 0 || s.iter().all(|p| !p.is_empty()), "{len} {n} {s:?}");
                assert_eq!(s.concat(), items);
            }
        }
    }

    #[test]
    fn run_returns_results_in_order() {
        let parts: Vec<usize> = (0..5).collect();
        assert_eq!(run(parts, |p| p * 10), vec![0, 10, 20, 30, 40]);
    }
}
