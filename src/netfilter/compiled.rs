//! The rule set compiled for classifying many packets fast.
//!
//! The walk in [`super::walk`] evaluates every rule it meets, which a trace
//! needs. Without a trace, a rule that cannot match changes nothing (no
//! counter, no target), so it may be skipped unevaluated. Two cheap,
//! conservative tests decide that:
//!
//! - by protocol: for each chain and each protocol class (tcp, udp,
//!   icmp/icmpv6, other), the next rule a packet of that class could match
//!   is precomputed, so the walk jumps over rules for other protocols;
//! - by address: each rule's source and destination prefixes as two masked
//!   integers, compared before the rule's full evaluation.
//!
//! Both only ever skip rules whose full evaluation would say "no match";
//! every rule they let through is evaluated exactly as before.
//! `tests/walk_reference.rs` checks the compiled walk against the plain one
//! and a reference interpreter.

use crate::ext::generic::{to_bits, AddrMask, Neg};
use crate::ir::{Family, Rule, Ruleset, TableName};
use crate::predict::Packet;

/// Protocol classes: tcp, udp, icmp (and icmpv6), everything else.
const CLASSES: usize = 4;

fn class(proto: u8) -> usize {
    match proto {
        6 => 0,
        17 => 1,
        1 | 58 => 2,
        _ => 3,
    }
}

/// A prefix test as integers: (mask, masked address, negated, IPv4).
#[derive(Clone, Copy, Debug)]
struct Prefix {
    mask: u128,
    addr: u128,
    neg: bool,
    v4: bool,
}

impl Prefix {
    fn of(m: &Option<Neg<AddrMask>>) -> Option<Prefix> {
        m.as_ref().map(|n| Prefix { mask: to_bits(n.value.mask), addr: to_bits(n.value.addr), neg: n.neg, v4: n.value.addr.is_ipv4() })
    }

    /// What `IpMatch` would say of `a`, exactly.
    #[inline]
    fn admits(&self, a: std::net::IpAddr) -> bool {
        let inside = a.is_ipv4() == self.v4 && to_bits(a) & self.mask == self.addr;
        inside != self.neg
    }
}

/// The address tests of one rule.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pre {
    src: Option<Prefix>,
    dst: Option<Prefix>,
}

impl Pre {
    /// False only when the rule cannot match `p`.
    #[inline]
    pub fn admits(&self, p: &Packet) -> bool {
        self.src.is_none_or(|s| s.admits(p.src)) && self.dst.is_none_or(|d| d.admits(p.dst))
    }
}

/// One chain, compiled.
#[derive(Debug)]
pub struct CChain {
    /// `next[class][r]`: the first rule at or after `r` that a packet of
    /// the class could match; the chain's length when there is none.
    next: [Vec<u32>; CLASSES],
    pub pre: Vec<Pre>,
}

impl CChain {
    fn of(rules: &[Rule]) -> CChain {
        let could = |r: &Rule, c: usize| match &r.ip.proto {
            None => true,
            // `! -p tcp` may match anything of another protocol: keep it.
            Some(n) if n.neg => true,
            Some(n) => class(n.value) == c,
        };
        let next = std::array::from_fn(|c| {
            let mut v = vec![rules.len() as u32; rules.len() + 1];
            for i in (0..rules.len()).rev() {
                v[i] = if could(&rules[i], c) { i as u32 } else { v[i + 1] };
            }
            v
        });
        CChain { next, pre: rules.iter().map(|r| Pre { src: Prefix::of(&r.ip.src), dst: Prefix::of(&r.ip.dst) }).collect() }
    }

    /// The first rule at or after `rule` that a packet of protocol `proto`
    /// could match (the chain's length if none; `rule` itself when it is
    /// past the end).
    #[inline]
    pub fn next(&self, proto: u8, rule: usize) -> usize {
        self.next[class(proto)].get(rule).map_or(rule, |&n| n as usize)
    }
}

/// Every chain of every table of a rule set, compiled.
#[derive(Debug, Default)]
pub struct Compiled {
    tables: Vec<((Family, TableName), Vec<CChain>)>,
}

impl Compiled {
    pub fn new(rs: &Ruleset) -> Compiled {
        Compiled { tables: rs.tables.iter().map(|t| ((t.family, t.name), t.chains.iter().map(|c| CChain::of(&c.rules)).collect())).collect() }
    }

    /// The compiled chains of a table, by chain position.
    pub fn table(&self, family: Family, table: TableName) -> Option<&[CChain]> {
        self.tables.iter().find(|(k, _)| *k == (family, table)).map(|(_, cs)| cs.as_slice())
    }
}
