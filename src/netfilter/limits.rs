//! The token buckets of `-m limit` rules, carried along the packets of a
//! run. In a lab the rules were loaded just before the traffic, so every
//! bucket starts full: the first `--limit-burst` packets that reach the
//! match take a token each and match (measured on iptables-nft,
//! iptables-legacy and nft alike; `corpus/scenarios/limit.toml`). After
//! that a packet matches only once a token has come back, one per period
//! (`avg`, in 1/10000 s): while the traffic so far has lasted less than one
//! period, the bucket is still empty and the match is false; once it may
//! have lasted longer, fwcheck cannot say. A host that has run for a while
//! (a single-host prediction) has buckets fwcheck knows nothing of, and
//! its limits stay undecided.

use crate::ir::{Family, TableName};

/// Which `-m limit` match of which rule: family, table, chain (its
/// position in the table), rule (position in the chain) and match
/// (position in the rule). Each has its own bucket, in the kernel as here.
pub type LimitKey = (Family, TableName, u32, u32, u32);

/// Tokens taken from each bucket of one host so far; `None` once that is
/// not known (a packet that reached the match only in some of the worlds
/// fwcheck could not tell apart, or a decision that depended on timing).
pub type Taken = rustc_hash::FxHashMap<LimitKey, Option<u32>>;

/// What a hook walk knows of a lab host's stateful matches: the tokens
/// taken from its buckets before this packet, its recent lists, and how
/// long the traffic can have lasted by the time of this packet, at most,
/// since the first packet (in milliseconds).
#[derive(Clone, Copy, Debug)]
pub struct Lab<'a> {
    pub taken: &'a Taken,
    pub recent: &'a super::recent::Lists,
    pub elapsed_ms: u64,
}

/// The answer of the match at `key` of `limit`, the walk having taken
/// `more` tokens of it already (in this packet's course through the hook).
pub fn decide(b: &Lab, limit: &crate::ext::limit::Limit, key: &LimitKey, more: Option<u32>, backend: super::Backend) -> crate::predict::Tri {
    use crate::predict::Tri;
    let before = b.taken.get(key).copied().unwrap_or(Some(0));
    let (Some(before), Some(more)) = (before, more) else {
        return Tri::unknown("rate limit: whether earlier packets took its tokens could not be decided");
    };
    if before + more < full(limit, backend) {
        return Tri::Yes;
    }
    // A period is avg/10000 s; the traffic lasted at most elapsed_ms.
    if u64::from(limit.avg()) > b.elapsed_ms * 10 {
        return Tri::No;
    }
    Tri::unknown(format!(
        "rate limit {} (burst {}): its bucket is empty, and the traffic may have lasted long enough ({} ms) for a token to come back",
        limit.rate_to_save(),
        limit.burst(),
        b.elapsed_ms
    ))
}

/// How many packets a full bucket lets through. nft's limit expression
/// (iptables-nft and nft) holds exactly `--limit-burst` tokens. xt_limit
/// (iptables-legacy) counts in credits, `user2credits(avg * burst)` full and
/// `user2credits(avg)` a packet, and for large values divides by
/// XT_LIMIT_SCALE first, losing the remainder: `--limit 8/min` with the
/// default burst 5 lets 4 packets through, not 5 (found by the random
/// kernel differential). HZ × CREDITS_PER_JIFFY is 32000 for HZ 250 and
/// 1000, the kernels Debian and most distributions build.
pub fn full(limit: &crate::ext::limit::Limit, backend: super::Backend) -> u32 {
    if backend != super::Backend::IptablesLegacy {
        return limit.burst();
    }
    const HZ_CPJ: u64 = 32000;
    let user2credits = |user: u64| if user > u64::from(u32::MAX) / HZ_CPJ { (user / 10000) * HZ_CPJ } else { user * HZ_CPJ / 10000 };
    let avg = u64::from(limit.avg());
    let cost = user2credits(avg).max(1);
    (user2credits(avg * u64::from(limit.burst())) / cost) as u32
}

#[cfg(test)]
mod tests {
    use super::full;
    use crate::ext::limit::Limit;
    use crate::netfilter::Backend;

    #[test]
    fn a_full_bucket() {
        // avg in 1/10000 s: 8/min is 75000, 1/min 600000, 10/sec 1000.
        let l = |avg, burst| Limit { avg: Some(avg), burst: Some(burst) };
        assert_eq!(full(&l(75000, 5), Backend::IptablesLegacy), 4);
        assert_eq!(full(&l(75000, 5), Backend::IptablesNft), 5);
        assert_eq!(full(&l(600000, 2), Backend::IptablesLegacy), 2);
        assert_eq!(full(&l(1000, 3), Backend::IptablesLegacy), 3);
        assert_eq!(full(&l(36_000_000, 5), Backend::IptablesLegacy), 5);
    }
}

/// Adds what one course took to the host's buckets: `(key, certain)` per
/// token; an uncertain one makes the bucket's count unknown.
pub fn add(taken: &mut Taken, events: &[(LimitKey, bool)]) {
    for (k, certain) in events {
        let e = taken.entry(*k).or_insert(Some(0));
        *e = match (*e, certain) {
            (Some(n), true) => Some(n + 1),
            _ => None,
        };
    }
}
