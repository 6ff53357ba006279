//! What a match says about a packet, as a solver-neutral predicate over
//! header fields. Each extension writes its own `pred` (in its file under
//! `src/ext/`); [`match_pred`] dispatches to them, and `smt` turns the
//! result into bit-vector formulas, one bit-vector per field.
//!
//! A match that cannot be decided from the packet (a rate limit, a recent
//! list, a socket owner, an ipset fwcheck was not given) is a
//! [`Pred::Free`]: a choice the solver may make either way, so a finding
//! that holds for every choice holds for the kernel too.

use crate::ext::{IpMatch, Match};
use crate::ir::Family;
use crate::verify::ipsets::Ipsets;

/// A header field, each one bit-vector in the encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Src,
    Dst,
    Proto,
    Sport,
    Dport,
    /// The TCP flags byte (FIN 0x01 … URG 0x20).
    TcpFlags,
    IcmpType,
    IcmpCode,
    /// IP total length, what `-m length` compares.
    Len,
    /// TTL or hop limit.
    Ttl,
    /// skb->mark.
    Mark,
    /// Index into `ext::state::STATES` (INVALID 0 … UNTRACKED 4).
    CtState,
    /// 0 unicast to this host, 1 broadcast, 2 multicast, 3 other host.
    PktType,
    /// 1 for a non-first fragment (`-f`).
    Fragment,
    /// 1 when the packet has a local socket (`-m owner`): only locally
    /// generated packets, at OUTPUT and POSTROUTING.
    Sock,
    /// The socket's user and primary group (meaningful when `Sock` is 1).
    Uid,
    Gid,
}

/// How many fields a packet has for the prover.
pub const FIELDS: usize = Field::ALL.len();

/// The packet type a value of [`Field::PktType`] stands for. The witness
/// of a solver model and the concrete packets of a rule's box both turn
/// field values back into packets.
pub fn pkt_type_of(v: u128) -> crate::predict::PktType {
    use crate::predict::PktType;
    match v {
        1 => PktType::Broadcast,
        2 => PktType::Multicast,
        3 => PktType::OtherHost,
        _ => PktType::Host,
    }
}

/// The socket owner for values of [`Field::Sock`], [`Field::Uid`] and
/// [`Field::Gid`] (supplementary groups are not a field: none).
pub fn owner_of(sock: u128, uid: u128, gid: u128) -> Option<Box<crate::predict::SocketOwner>> {
    (sock == 1).then(|| Box::new(crate::predict::SocketOwner { uid: uid as u32, gid: gid as u32, groups: Vec::new() }))
}

/// `p`'s conntrack entry when [`Field::CtState`] has value `v`: the
/// original direction of a connection of `p`'s own addresses and ports.
pub fn ct_entry_of(v: u128, p: &crate::predict::Packet) -> Box<crate::predict::CtInfo> {
    use crate::predict::{CtDir, CtInfo, CtState};
    let state = match v {
        0 => CtState::Invalid,
        1 => CtState::New,
        2 => CtState::Related,
        3 => CtState::Established,
        _ => CtState::Untracked,
    };
    Box::new(CtInfo {
        state,
        dir: CtDir::Original,
        status: 0,
        mark: 0,
        proto: p.proto,
        orig: (p.src, p.dst, p.sport, p.dport),
        reply: (p.dst, p.src, p.dport, p.sport),
        expires: 120,
    })
}

impl Field {
    pub const ALL: [Field; 17] = [
        Field::Src,
        Field::Dst,
        Field::Proto,
        Field::Sport,
        Field::Dport,
        Field::TcpFlags,
        Field::IcmpType,
        Field::IcmpCode,
        Field::Len,
        Field::Ttl,
        Field::Mark,
        Field::CtState,
        Field::PktType,
        Field::Fragment,
        Field::Sock,
        Field::Uid,
        Field::Gid,
    ];

    /// Width in bits.
    pub fn width(self, family: Family) -> u32 {
        match self {
            Field::Src | Field::Dst => match family {
                Family::Ipv4 => 32,
                Family::Ipv6 => 128,
            },
            Field::Sport | Field::Dport | Field::Len => 16,
            Field::Mark | Field::Uid | Field::Gid => 32,
            Field::CtState => 3,
            Field::PktType => 2,
            Field::Fragment | Field::Sock => 1,
            Field::Proto | Field::TcpFlags | Field::IcmpType | Field::IcmpCode | Field::Ttl => 8,
        }
    }

    pub fn max_value(self, family: Family) -> u128 {
        let w = self.width(family);
        if w == 128 {
            u128::MAX
        } else {
            (1u128 << w) - 1
        }
    }
}

/// Input or output interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    In,
    Out,
}

/// A predicate over one packet at one hook.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pred {
    True,
    False,
    /// `lo <= field <= hi` (unsigned).
    Range {
        field: Field,
        lo: u128,
        hi: u128,
    },
    /// `field & mask == value`.
    Masked {
        field: Field,
        mask: u128,
        value: u128,
    },
    /// The interface name equals `name`, or starts with it when it ends in
    /// `+`. A packet without that interface has the empty name.
    Iface {
        dir: Dir,
        name: String,
    },
    /// A choice the packet does not decide; the text says what it is.
    Free(String),
    Not(Box<Pred>),
    And(Vec<Pred>),
    Or(Vec<Pred>),
}

impl Pred {
    pub fn eq(field: Field, v: u128) -> Pred {
        Pred::Range { field, lo: v, hi: v }
    }

    pub fn range(field: Field, lo: u128, hi: u128) -> Pred {
        if lo > hi {
            Pred::False
        } else {
            Pred::Range { field, lo, hi }
        }
    }

    pub fn masked(field: Field, mask: u128, value: u128) -> Pred {
        Pred::Masked { field, mask, value }
    }

    pub fn free(what: impl Into<String>) -> Pred {
        Pred::Free(what.into())
    }

    /// Not a non-first fragment: what every port, flag and ICMP match
    /// requires (they read the transport header).
    pub fn not_fragment() -> Pred {
        Pred::eq(Field::Fragment, 0)
    }

    /// `!self` when `neg`.
    pub fn negate_if(self, neg: bool) -> Pred {
        if !neg {
            return self;
        }
        match self {
            Pred::True => Pred::False,
            Pred::False => Pred::True,
            Pred::Not(p) => *p,
            p => Pred::Not(Box::new(p)),
        }
    }

    pub fn and(parts: Vec<Pred>) -> Pred {
        let mut v = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                Pred::True => {}
                Pred::False => return Pred::False,
                Pred::And(inner) => v.extend(inner),
                p => v.push(p),
            }
        }
        match v.len() {
            0 => Pred::True,
            1 => v.pop().unwrap_or(Pred::True),
            _ => Pred::And(v),
        }
    }

    pub fn or(parts: Vec<Pred>) -> Pred {
        let mut v = Vec::with_capacity(parts.len());
        for p in parts {
            match p {
                Pred::False => {}
                Pred::True => return Pred::True,
                Pred::Or(inner) => v.extend(inner),
                p => v.push(p),
            }
        }
        match v.len() {
            0 => Pred::False,
            1 => v.pop().unwrap_or(Pred::False),
            _ => Pred::Or(v),
        }
    }

    /// Whether the predicate is exactly its [`Hull`]: a conjunction of
    /// ranges, prefix masks and interface patterns.
    pub fn is_exact(&self, family: Family) -> bool {
        match self {
            Pred::True | Pred::Range { .. } | Pred::Iface { .. } => true,
            Pred::Masked { field, mask, .. } => {
                let inv = !mask & field.max_value(family);
                inv & inv.wrapping_add(1) == 0
            }
            Pred::And(v) => v.iter().all(|p| p.is_exact(family)),
            _ => false,
        }
    }

    /// Whether the predicate holds a free choice anywhere.
    /// The free choices of the predicate, in order.
    pub fn frees(&self, out: &mut Vec<String>) {
        match self {
            Pred::Free(w) => out.push(w.clone()),
            Pred::Not(p) => p.frees(out),
            Pred::And(v) | Pred::Or(v) => v.iter().for_each(|p| p.frees(out)),
            _ => {}
        }
    }

    pub fn has_free(&self) -> bool {
        match self {
            Pred::Free(_) => true,
            Pred::Not(p) => p.has_free(),
            Pred::And(v) | Pred::Or(v) => v.iter().any(Pred::has_free),
            _ => false,
        }
    }
}

/// What a match's `pred` may need besides its own options.
pub struct PredCx<'a> {
    pub family: Family,
    /// Some rule sets the mark (MARK, CONNMARK --restore-mark): a mark match
    /// then depends on rules the packet met before, and is a free choice.
    pub marks_free: bool,
    /// The contents of ipsets, from `--ipsets FILE`.
    pub ipsets: Option<&'a Ipsets>,
}

/// The whole match part of a rule: IP header and every extension match.
pub fn rule_pred(ip: &IpMatch, matches: &[Match], cx: &PredCx) -> Pred {
    let mut v = vec![ip.pred(cx)];
    v.extend(matches.iter().map(|m| match_pred(m, cx)));
    Pred::and(v)
}

/// One extension match. The dispatch is written out (not generated by the
/// registry) so that a new extension fails to compile here until it says
/// what it means to the prover.
pub fn match_pred(m: &Match, cx: &PredCx) -> Pred {
    match m {
        Match::Addrtype(e) => e.pred(cx),
        Match::Comment(e) => e.pred(cx),
        Match::Connmark(e) => e.pred(cx),
        Match::Conntrack(e) => e.pred(cx),
        Match::Hl(e) => e.pred(cx),
        Match::Icmp(e) => e.pred(cx),
        Match::Icmp6(e) => e.pred(cx),
        Match::Iprange(e) => e.pred(cx),
        Match::Length(e) => e.pred(cx),
        Match::Limit(e) => e.pred(cx),
        Match::Mac(e) => e.pred(cx),
        Match::Mark(e) => e.pred(cx),
        Match::Multiport(e) => e.pred(cx),
        Match::Owner(e) => e.pred(cx),
        Match::Physdev(e) => e.pred(cx),
        Match::Pkttype(e) => e.pred(cx),
        Match::Recent(e) => e.pred(cx),
        Match::Set(e) => e.pred(cx),
        Match::State(e) => e.pred(cx),
        Match::Tcp(e) => e.pred(cx),
        Match::Ttl(e) => e.pred(cx),
        Match::Udp(e) => e.pred(cx),
        Match::Opaque(o) => Pred::free(format!("-m {} (not modelled)", o.name)),
    }
}

/// An address as the bits of its family.
pub fn addr_bits(a: std::net::IpAddr) -> u128 {
    match a {
        std::net::IpAddr::V4(v) => u32::from(v) as u128,
        std::net::IpAddr::V6(v) => u128::from(v),
    }
}

/// A box around a predicate: per field an interval every packet it admits
/// lies in, and the interface patterns. Two rules whose boxes are disjoint
/// can never match the same packet, which lets lint skip the solver for
/// most pairs of rules in a large rule set. Over-approximate by design:
/// Not, Free and non-prefix masks leave a field whole.
#[derive(Clone, Debug)]
pub struct Hull {
    lo: [u128; FIELDS],
    hi: [u128; FIELDS],
    iface: [Option<(String, bool)>; 2],
    empty: bool,
    /// A non-prefix mask seen on a field (`--mark 0x3a/0xff`, TCP flags):
    /// not part of the box, a hint for where a packet of the box may be.
    hint: [Option<(u128, u128)>; FIELDS],
}

fn field_ix(f: Field) -> usize {
    f as usize
}

/// (prefix, is_prefix) from `eth+` / `eth0`.
fn pattern(name: &str) -> (String, bool) {
    match name.strip_suffix('+') {
        Some(p) => (p.to_string(), true),
        None => (name.to_string(), false),
    }
}

/// The more specific of two compatible patterns, or None when no name
/// matches both.
fn meet(a: &(String, bool), b: &(String, bool)) -> Option<(String, bool)> {
    match (a.1, b.1) {
        (false, false) => (a.0 == b.0).then(|| a.clone()),
        (true, false) => b.0.starts_with(&a.0).then(|| b.clone()),
        (false, true) => a.0.starts_with(&b.0).then(|| a.clone()),
        (true, true) => {
            if a.0.starts_with(&b.0) {
                Some(a.clone())
            } else if b.0.starts_with(&a.0) {
                Some(b.clone())
            } else {
                None
            }
        }
    }
}

impl Hull {
    pub fn full(family: Family) -> Hull {
        let mut hi = [0u128; FIELDS];
        for f in Field::ALL {
            hi[field_ix(f)] = f.max_value(family);
        }
        Hull { lo: [0; FIELDS], hi, iface: [None, None], empty: false, hint: [None; FIELDS] }
    }

    pub fn of(p: &Pred, family: Family) -> Hull {
        let mut h = Hull::full(family);
        match p {
            Pred::True | Pred::Not(_) | Pred::Free(_) => {}
            Pred::False => h.empty = true,
            Pred::Range { field, lo, hi } => {
                let i = field_ix(*field);
                h.lo[i] = *lo;
                h.hi[i] = *hi;
            }
            Pred::Masked { field, mask, value } => {
                let max = field.max_value(family);
                let inv = !mask & max;
                // A prefix mask: the free low bits are all ones below it.
                let i = field_ix(*field);
                if inv & inv.wrapping_add(1) == 0 {
                    h.lo[i] = value & mask;
                    h.hi[i] = (value & mask) | inv;
                } else {
                    h.hint[i] = Some((*mask & max, value & mask));
                }
            }
            Pred::Iface { dir, name } => h.iface[*dir as usize] = Some(pattern(name)),
            Pred::And(v) => {
                for q in v {
                    h = h.intersect(&Hull::of(q, family));
                }
            }
            Pred::Or(v) => {
                let mut acc: Option<Hull> = None;
                for q in v {
                    let qh = Hull::of(q, family);
                    acc = Some(match acc {
                        None => qh,
                        Some(a) => a.union(&qh),
                    });
                }
                h = acc.unwrap_or(Hull { empty: true, ..h });
            }
        }
        h.normalise();
        h
    }

    fn normalise(&mut self) {
        if (0..14).any(|i| self.lo[i] > self.hi[i]) {
            self.empty = true;
        }
    }

    fn intersect(&self, o: &Hull) -> Hull {
        let mut h = self.clone();
        h.empty |= o.empty;
        for i in 0..14 {
            h.lo[i] = h.lo[i].max(o.lo[i]);
            h.hi[i] = h.hi[i].min(o.hi[i]);
            h.hint[i] = h.hint[i].or(o.hint[i]);
        }
        for d in 0..2 {
            h.iface[d] = match (&self.iface[d], &o.iface[d]) {
                (None, x) | (x, None) => x.clone(),
                (Some(a), Some(b)) => match meet(a, b) {
                    Some(m) => Some(m),
                    None => {
                        h.empty = true;
                        None
                    }
                },
            };
        }
        h.normalise();
        h
    }

    fn union(&self, o: &Hull) -> Hull {
        if self.empty {
            return o.clone();
        }
        if o.empty {
            return self.clone();
        }
        let mut h = self.clone();
        for i in 0..14 {
            h.lo[i] = h.lo[i].min(o.lo[i]);
            h.hi[i] = h.hi[i].max(o.hi[i]);
            if h.hint[i] != o.hint[i] {
                h.hint[i] = None;
            }
        }
        for d in 0..2 {
            if self.iface[d] != o.iface[d] {
                h.iface[d] = None;
            }
        }
        h
    }

    /// No packet lies in both. (Called for every pair of rules of a chain:
    /// it allocates nothing.)
    pub fn disjoint(&self, o: &Hull) -> bool {
        if self.empty || o.empty {
            return true;
        }
        if (0..14).any(|i| self.lo[i].max(o.lo[i]) > self.hi[i].min(o.hi[i])) {
            return true;
        }
        (0..2).any(|d| match (&self.iface[d], &o.iface[d]) {
            (Some(a), Some(b)) => meet(a, b).is_none(),
            _ => false,
        })
    }

    /// Every packet in `o` lies in `self` (self's interfaces no narrower).
    pub fn contains(&self, o: &Hull) -> bool {
        if o.empty {
            return true;
        }
        if self.empty || (0..14).any(|i| self.lo[i] > o.lo[i] || self.hi[i] < o.hi[i]) {
            return false;
        }
        (0..2).all(|d| match (&self.iface[d], &o.iface[d]) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(a), Some(b)) => meet(a, b).as_ref() == Some(b),
        })
    }

    /// The non-prefix mask and value seen on a field, if any.
    pub fn hint(&self, f: Field) -> Option<(u128, u128)> {
        self.hint[field_ix(f)]
    }

    /// The interface pattern of one direction: (name or prefix, is prefix).
    pub fn iface(&self, dir: Dir) -> Option<(&str, bool)> {
        self.iface[dir as usize].as_ref().map(|(n, p)| (n.as_str(), *p))
    }

    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// The interval of one field.
    pub fn range(&self, f: Field) -> (u128, u128) {
        (self.lo[field_ix(f)], self.hi[field_ix(f)])
    }

    /// No field and no interface is narrowed.
    pub fn is_full(&self, family: Family) -> bool {
        !self.empty && self.iface == [None, None] && Field::ALL.iter().all(|f| self.range(*f) == (0, f.max_value(family)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hulls_of_disjoint_ports_are_disjoint() {
        let f = Family::Ipv4;
        let a = Hull::of(&Pred::and(vec![Pred::eq(Field::Proto, 6), Pred::eq(Field::Dport, 22)]), f);
        let b = Hull::of(&Pred::and(vec![Pred::eq(Field::Proto, 6), Pred::eq(Field::Dport, 80)]), f);
        let c = Hull::of(&Pred::or(vec![Pred::eq(Field::Dport, 80), Pred::eq(Field::Dport, 443)]), f);
        assert!(a.disjoint(&b));
        assert!(!b.disjoint(&c));
        assert!(a.disjoint(&c));
    }

    #[test]
    fn prefixes_and_interfaces() {
        let f = Family::Ipv4;
        let net = |v: u128, len: u32| Pred::masked(Field::Src, (u32::MAX << (32 - len)) as u128, v);
        let a = Hull::of(&net(0x0a00_0000, 8), f);
        let b = Hull::of(&net(0x0a01_0000, 16), f);
        let c = Hull::of(&net(0x0b00_0000, 8), f);
        assert!(!a.disjoint(&b));
        assert!(a.disjoint(&c));
        let i = |n: &str| Hull::of(&Pred::Iface { dir: Dir::In, name: n.into() }, f);
        assert!(!i("eth+").disjoint(&i("eth0")));
        assert!(i("eth0").disjoint(&i("eth1")));
        assert!(i("wg+").disjoint(&i("eth0")));
        // A negation says nothing about the box.
        assert!(!Hull::of(&Pred::eq(Field::Dport, 22).negate_if(true), f).disjoint(&Hull::of(&Pred::eq(Field::Dport, 22), f)));
    }
}
