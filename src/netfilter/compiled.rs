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
//!
//! On top of that, [`HookWalk::run_compiled`] walks a hook without the
//! general walk's machinery (a course per possible outcome, recursion per
//! chain, names looked up per jump) for the common case: every match
//! decided, every target one of ACCEPT, DROP, REJECT, RETURN, a jump, a
//! goto, MARK or one that changes nothing the walk sees (LOG, NFLOG, TCPMSS,
//! CT, NOTRACK). Anything else (an undecidable match, NAT, CONNMARK,
//! QUEUE, an unmodelled target) makes it give up, and the general walk
//! takes the packet from the start.
//!
//! `tests/walk_reference.rs` checks the compiled walks against the plain
//! one and a reference interpreter.

use super::walk::{ChainRef, Hit, HookWalk, Verdict};
use super::{policy_counts, tables_at, Backend};
use crate::ext::generic::{to_bits, AddrMask, Neg};
use crate::ext::{Match, Target, TargetExt};
use crate::ir::{Family, Hook, Policy, Rule, Ruleset, Table, TableName};
use crate::predict::{Packet, Tri};

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

/// A prefix test as integers: `(a & mask == addr) != neg`. No prefix is
/// mask 0, which every address passes.
#[derive(Clone, Copy, Debug, Default)]
struct Prefix {
    mask: u128,
    addr: u128,
    neg: bool,
}

impl Prefix {
    /// The test for `m` in a table of IPv4 (`v4`) or IPv6; `None` when the
    /// prefix is of the other family (then only the full match can say).
    fn of(m: &Option<Neg<AddrMask>>, v4: bool) -> Option<Prefix> {
        match m {
            None => Some(Prefix::default()),
            Some(n) if n.value.addr.is_ipv4() == v4 => Some(Prefix { mask: to_bits(n.value.mask), addr: to_bits(n.value.addr), neg: n.neg }),
            Some(_) => None,
        }
    }

    /// `v4`: the table (and so the prefix and `a`) is IPv4, whose bits all
    /// fit in the low 32: compared as such, in half the instructions.
    #[inline]
    fn admits(&self, a: u128, v4: bool) -> bool {
        let inside = if v4 { a as u32 & self.mask as u32 == self.addr as u32 } else { a & self.mask == self.addr };
        inside != self.neg
    }
}

/// The cheap tests of one rule, in a table of one family: exactly what
/// `-s` and `-d` say of a packet of that family, and the destination port
/// range of its tcp or udp match (a packet outside it fails that match).
#[derive(Clone, Copy, Debug)]
pub struct Pre {
    src: Prefix,
    dst: Prefix,
    /// (lowest, highest, negated); (0, 65535, false) when the rule has none.
    dport: (u16, u16, bool),
    v4: bool,
}

impl Pre {
    /// The tests of `r` in a table of IPv4 (`v4`) or IPv6, and whether the
    /// address tests are exact (a prefix of the other family is left to the
    /// full match).
    fn of(r: &Rule, v4: bool) -> (Pre, bool) {
        let dport = r
            .matches
            .iter()
            .find_map(|m| match m {
                Match::Tcp(t) => t.dport,
                Match::Udp(u) => u.dport,
                _ => None,
            })
            .map_or((0, u16::MAX, false), |d| (d.lo, d.hi, d.neg));
        match (Prefix::of(&r.ip.src, v4), Prefix::of(&r.ip.dst, v4)) {
            (Some(src), Some(dst)) => (Pre { src, dst, dport, v4 }, true),
            _ => (Pre { src: Prefix::default(), dst: Prefix::default(), dport, v4 }, false),
        }
    }

    /// False only when the rule cannot match `p`.
    #[inline]
    pub fn admits(&self, p: &Packet) -> bool {
        p.src.is_ipv4() != self.v4 || self.admits_bits(to_bits(p.src), to_bits(p.dst), p.dport)
    }

    /// [`Pre::admits`] of a packet of the table's family, its addresses
    /// already turned into bits. A packet without ports (a fragment, which
    /// fails every port match) carries port 0 here, which is as good as any.
    #[inline]
    fn admits_bits(&self, src: u128, dst: u128, dport: u16) -> bool {
        let (lo, hi, neg) = self.dport;
        self.src.admits(src, self.v4) & self.dst.admits(dst, self.v4) & (((lo <= dport) & (dport <= hi)) != neg)
    }
}

/// What a rule does once it matched, with jump targets resolved to chain
/// positions, for [`HookWalk::run_compiled`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    /// No target, or one that changes nothing the walk sees: the next rule.
    Next,
    /// MARK: `mark = (mark & !mask) ^ value`, then the next rule.
    Mark {
        mask: u32,
        value: u32,
    },
    Accept,
    Drop,
    /// REJECT: dropped with the reply it names.
    Reject(&'static str),
    Return,
    Jump(u32),
    Goto(u32),
    /// Something only the general walk models (NAT, CONNMARK, QUEUE,
    /// unmodelled targets).
    General,
}

impl Act {
    fn of(r: &Rule, t: &Table) -> Act {
        let at = |c: &str| t.position(c).map(|i| i as u32);
        match &r.target {
            Target::None => Act::Next,
            Target::Accept => Act::Accept,
            Target::Drop => Act::Drop,
            Target::Return => Act::Return,
            Target::Jump(c) => match at(c) {
                Some(i) => Act::Jump(i),
                None => Act::General,
            },
            Target::Goto(c) => match at(c) {
                Some(i) => Act::Goto(i),
                None => Act::General,
            },
            Target::Queue => Act::General,
            Target::Ext(TargetExt::Log(_) | TargetExt::Nflog(_) | TargetExt::Tcpmss(_)) => Act::Next,
            // Without --notrack, CT only sets up what fwcheck does not see
            // (helpers, zones, events); NOTRACK changes the conntrack state,
            // which the general walk keeps.
            Target::Ext(TargetExt::Ct(c)) if !c.notrack => Act::Next,
            Target::Ext(TargetExt::Mark(m)) => match m.op {
                Some(op) => Act::Mark { mask: op.mask, value: op.value },
                None => Act::Next,
            },
            Target::Ext(TargetExt::Reject(r)) => Act::Reject(r.kind()),
            Target::Ext(TargetExt::Opaque(o)) if crate::ext::catalog::target_continues(&o.name) => Act::Next,
            Target::Ext(_) => Act::General,
        }
    }
}

/// One chain, compiled.
#[derive(Debug)]
pub struct CChain {
    /// `next[class][r]`: the first rule at or after `r` that a packet of
    /// the class could match; the chain's length when there is none.
    next: [Vec<u32>; CLASSES],
    rules: Vec<CRule>,
}

/// One rule, compiled: what the walks read of it, side by side.
#[derive(Debug)]
struct CRule {
    pre: Pre,
    act: Act,
    /// The protocol class and [`Pre`] decide the rule's IP header part
    /// (`-s`, `-d`, `-p`) exactly: it names no interface or fragment and
    /// no protocol the class leaves open.
    ip_exact: bool,
}

impl CChain {
    fn of(rules: &[Rule], table: &Table) -> CChain {
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
        // The protocol class decides `-p tcp` and `-p udp` exactly; the
        // icmp class holds two protocols and "other" many.
        let ip_exact = |r: &Rule| {
            let proto_exact = match &r.ip.proto {
                None => true,
                Some(n) => !n.neg && matches!(n.value, 6 | 17),
            };
            proto_exact && r.ip.iniface.is_none() && r.ip.outiface.is_none() && r.ip.fragment.is_none()
        };
        let v4 = table.family == Family::Ipv4;
        let rules = rules
            .iter()
            .map(|r| {
                let (pre, pre_exact) = Pre::of(r, v4);
                CRule { pre, act: Act::of(r, table), ip_exact: pre_exact && ip_exact(r) }
            })
            .collect();
        CChain { next, rules }
    }

    /// False only when rule `rule` cannot match `p` (see [`Pre`]).
    #[inline]
    pub fn admits(&self, rule: usize, p: &Packet) -> bool {
        self.rules[rule].pre.admits(p)
    }

    /// The first rule at or after `rule` that a packet of protocol `proto`
    /// could match (the chain's length if none; `rule` itself when it is
    /// past the end).
    #[inline]
    pub fn next(&self, proto: u8, rule: usize) -> usize {
        self.next_in(class(proto), rule)
    }

    /// [`CChain::next`] for a protocol class already worked out.
    #[inline]
    fn next_in(&self, class: usize, rule: usize) -> usize {
        self.next[class].get(rule).map_or(rule, |&n| n as usize)
    }
}

/// One table, compiled.
#[derive(Debug)]
struct CTable {
    family: Family,
    name: TableName,
    /// Position in [`Ruleset::tables`].
    at: usize,
    chains: Vec<CChain>,
    /// The position of each hook's built-in chain, by [`Hook::ALL`] order.
    base: [Option<u32>; 5],
}

/// Every chain of every table of a rule set, compiled.
#[derive(Debug, Default)]
pub struct Compiled {
    tables: Vec<CTable>,
}

impl Compiled {
    pub fn new(rs: &Ruleset) -> Compiled {
        let tables = rs
            .tables
            .iter()
            .enumerate()
            .map(|(at, t)| CTable {
                family: t.family,
                name: t.name,
                at,
                chains: t.chains.iter().map(|c| CChain::of(&c.rules, t)).collect(),
                base: Hook::ALL.map(|h| t.position(h.as_str()).map(|i| i as u32)),
            })
            .collect();
        Compiled { tables }
    }

    /// The compiled chains of a table, by chain position.
    pub fn table(&self, family: Family, table: TableName) -> Option<&[CChain]> {
        self.find(family, table).map(|t| t.chains.as_slice())
    }

    fn find(&self, family: Family, table: TableName) -> Option<&CTable> {
        self.tables.iter().find(|t| t.family == family && t.name == table)
    }
}

/// Deepest jump stack the compiled walk follows; deeper, it leaves the
/// packet to the general walk (iptables itself refuses loops).
const MAX_DEPTH: usize = 64;

impl HookWalk<'_> {
    /// The one course of `p` through the hook when the compiled walk can
    /// tell it (see the module's doc): the verdict and the table that gave
    /// it (as [`super::walk::Course::ended_in`]), with the counters
    /// moved added to `hits` and the mark set in `p`. `None` when it cannot
    /// (or the walk keeps a trace, or has no compiled rule set); then `p`
    /// and `hits` are as they were given.
    pub fn run_compiled(&self, p: &mut Packet, hits: &mut Vec<Hit>) -> Option<(Verdict, Option<TableName>)> {
        let c = self.compiled.filter(|_| !self.trace)?;
        let (mark, n) = (p.mark, hits.len());
        // The raw table sees no entry (see `HookWalk::enter_raw`); the
        // tables after it see it again. The compiled walk leaves NOTRACK
        // to the general one, so the entry simply goes back.
        let mut held = self.enter_raw(p);
        let v = self.compiled_tables(c, p, hits, &mut held);
        if held.is_some() {
            p.ct = held;
        }
        if v.is_none() {
            p.mark = mark;
            hits.truncate(n);
        }
        v
    }

    /// `held`: the packet's conntrack entry, taken off it while the raw
    /// table is walked and moved back for the tables after it.
    fn compiled_tables(
        &self,
        c: &Compiled,
        p: &mut Packet,
        hits: &mut Vec<Hit>,
        held: &mut Option<Box<crate::predict::packet::CtInfo>>,
    ) -> Option<(Verdict, Option<TableName>)> {
        // A packet of the other family than the walk's (only tests make
        // one) is left to the general walk.
        if p.src.is_ipv4() != (self.family == Family::Ipv4) {
            return None;
        }
        let (src, dst) = (to_bits(p.src), to_bits(p.dst));
        let class = class(p.proto);
        let hook_ix = Hook::ALL.iter().position(|h| *h == self.hook).expect("every hook is in Hook::ALL");
        // Return points of jumps: (chain, next rule).
        let mut stack = [(0u32, 0u32); MAX_DEPTH];
        'tables: for &tname in tables_at(self.hook, self.backend) {
            if tname != TableName::Raw && held.is_some() {
                p.ct = held.take();
            }
            if tname == TableName::Nat && !self.nat {
                continue;
            }
            let Some(ct) = c.find(self.family, tname) else { continue };
            // The walk's rule set must be the one compiled; if it is not,
            // the general walk alone can say.
            let table = self.rs.tables.get(ct.at).filter(|t| t.family == ct.family && t.name == ct.name && t.chains.len() == ct.chains.len())?;
            let Some(base) = ct.base[hook_ix] else {
                // As in the general walk: an iptables-legacy table has every
                // built-in chain, and its ACCEPT policy counts.
                if self.backend == Backend::IptablesLegacy {
                    hits.push(Hit::Policy { table: tname, chain: ChainRef::Missing(self.hook) });
                }
                continue;
            };
            let mut depth = 0;
            let (mut chain, mut rule) = (base as usize, 0usize);
            let (mut cc, mut rules) = (&ct.chains[chain], &table.chains[chain].rules);
            loop {
                rule = cc.next_in(class, rule);
                let Some(cr) = cc.rules.get(rule) else {
                    if depth > 0 {
                        depth -= 1;
                        (chain, rule) = (stack[depth].0 as usize, stack[depth].1 as usize);
                        (cc, rules) = (&ct.chains[chain], &table.chains[chain].rules);
                        continue;
                    }
                    let base_chain = &table.chains[base as usize];
                    if policy_counts(self.backend, base_chain) {
                        hits.push(Hit::Policy { table: tname, chain: ChainRef::At(base) });
                    }
                    match base_chain.policy.unwrap_or(Policy::Accept) {
                        Policy::Accept => continue 'tables,
                        Policy::Drop => return Some((Verdict::Drop, Some(tname))),
                    }
                };
                if !cr.pre.admits_bits(src, dst, p.dport) {
                    rule += 1;
                    continue;
                }
                let r = &rules[rule];
                if !cr.ip_exact && r.ip.eval(p) == Tri::No {
                    rule += 1;
                    continue;
                }
                // A match that cannot be decided leaves the packet to the
                // general walk, unless a later one rules the rule out.
                let mut unknown = false;
                let mut no = false;
                for m in &r.matches {
                    match self.eval_match(m, p) {
                        Tri::Yes => {}
                        Tri::No => {
                            no = true;
                            break;
                        }
                        Tri::Unknown(_) => unknown = true,
                    }
                }
                if no {
                    rule += 1;
                    continue;
                }
                if unknown {
                    return None;
                }
                hits.push(Hit::Rule { table: tname, chain: ChainRef::At(chain as u32), index: rule });
                match cr.act {
                    Act::Next => rule += 1,
                    Act::Mark { mask, value } => {
                        p.mark = (p.mark & !mask) ^ value;
                        rule += 1;
                    }
                    Act::Accept => continue 'tables,
                    Act::Drop => return Some((Verdict::Drop, Some(tname))),
                    Act::Reject(with) => return Some((Verdict::Reject { with: with.to_string() }, Some(tname))),
                    Act::Return if depth > 0 => {
                        depth -= 1;
                        (chain, rule) = (stack[depth].0 as usize, stack[depth].1 as usize);
                        (cc, rules) = (&ct.chains[chain], &table.chains[chain].rules);
                    }
                    // RETURN in the built-in chain (or in a chain it went to
                    // by goto): the policy decides.
                    Act::Return => rule = usize::MAX,
                    Act::Jump(to) => {
                        if depth == MAX_DEPTH {
                            return None;
                        }
                        stack[depth] = (chain as u32, rule as u32 + 1);
                        depth += 1;
                        (chain, rule) = (to as usize, 0);
                        (cc, rules) = (&ct.chains[chain], &table.chains[chain].rules);
                    }
                    Act::Goto(to) => {
                        (chain, rule) = (to as usize, 0);
                        (cc, rules) = (&ct.chains[chain], &table.chains[chain].rules);
                    }
                    Act::General => return None,
                }
            }
        }
        Some((Verdict::Accept, None))
    }
}
