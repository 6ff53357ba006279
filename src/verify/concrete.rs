//! Concrete packets inside a rule's box, checked with the rule's own
//! evaluation (the code `predict` runs). Most questions lint asks have an
//! easy answer that one such packet proves ("a packet the rule matches and
//! no earlier rule does: the rule is live"), and evaluating a rule costs
//! microseconds where a solver call costs milliseconds. The solver answers
//! the rest; a concrete packet is only ever used as evidence of something
//! it shows, never as evidence that nothing exists.

use super::pred::{Dir, Field, Hull};
use crate::ir::{Family, Hook, Rule};
use crate::predict::{EvalCx, Packet, Tri};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether the rule's matches (IP part and extensions) hold for `p`, as
/// the walk evaluates them.
pub fn rule_matches(r: &Rule, p: &Packet) -> Tri {
    let cx = EvalCx { hook: Hook::Input, local: &[], lab: None };
    let mut t = r.ip.eval(p);
    for m in &r.matches {
        t = t.and(|| m.eval(p, &cx));
        if t == Tri::No {
            break;
        }
    }
    t
}

fn pick(h: &Hull, f: Field, nice: u128) -> u128 {
    let (lo, hi) = h.range(f);
    if lo <= nice && nice <= hi {
        nice
    } else {
        lo
    }
}

fn addr(family: Family, v: u128) -> IpAddr {
    match family {
        Family::Ipv4 => IpAddr::V4(Ipv4Addr::from(v as u32)),
        Family::Ipv6 => IpAddr::V6(Ipv6Addr::from(v)),
    }
}

fn name(h: &Hull, dir: Dir, dflt: Option<&str>) -> Option<String> {
    match h.iface(dir) {
        Some((n, false)) => Some(n.to_string()),
        Some((p, true)) => Some(format!("{p}0").chars().take(15).collect()),
        None => dflt.map(String::from),
    }
}

/// A few well-formed packets in the box: values people recognise where the
/// box allows them (TCP, TTL 64, source port 40000, eth0), else the box's
/// corners.
pub fn candidates(h: &Hull, family: Family, conntrack: bool, hook: Option<Hook>) -> Vec<Packet> {
    candidates_with(h, family, conntrack, hook, &[])
}

/// A value of `mine` outside `other`'s range for each field where there is
/// one: where to move a packet that `other`'s rule took.
pub fn escape(mine: &Hull, other: &Hull) -> Vec<(Field, u128)> {
    let mut v = Vec::new();
    for f in Field::ALL {
        let (lo, hi) = mine.range(f);
        let (olo, ohi) = other.range(f);
        if lo < olo {
            v.push((f, lo));
        } else if hi > ohi {
            v.push((f, hi));
        }
    }
    v
}

/// [`candidates`] with some fields set to given values.
pub fn candidates_with(h: &Hull, family: Family, conntrack: bool, hook: Option<Hook>, set: &[(Field, u128)]) -> Vec<Packet> {
    if h.is_empty() {
        return vec![];
    }
    let mut out = Vec::new();
    for corner in 0..3 {
        let at = |f: Field, nice: u128| match set.iter().find(|(g, _)| *g == f) {
            Some((_, v)) => *v,
            None => {
                let v = match corner {
                    0 => pick(h, f, nice),
                    1 => h.range(f).0,
                    _ => h.range(f).1,
                };
                // A masked value (`--mark 0x3a/0xff`): its bits, the rest
                // as picked.
                match h.hint(f) {
                    Some((mask, value)) => (v & !mask) | value,
                    None => v,
                }
            }
        };
        let host = |f: Field| {
            if let Some((_, v)) = set.iter().find(|(g, _)| *g == f) {
                return *v;
            }
            let (lo, hi) = h.range(f);
            let max = f.max_value(family);
            // Test-net addresses where any will do (RFC 5737, RFC 3849).
            let test: u128 = match (family, f) {
                (Family::Ipv4, Field::Src) => 0xcb00_7101,
                (Family::Ipv4, _) => 0xc000_0201,
                (Family::Ipv6, Field::Src) => 0x2001_0db8_0000_0000_0000_0000_0000_0001,
                (Family::Ipv6, _) => 0x2001_0db8_0000_0000_0000_0000_0000_0002,
            };
            if corner == 0 && lo == 0 && hi == max {
                test
            } else if corner == 0 && lo < hi {
                // An address inside a network rather than its network address.
                lo + 1
            } else if corner == 2 {
                hi
            } else {
                lo
            }
        };
        let proto = at(Field::Proto, 6) as u8;
        let (src, dst) = (addr(family, host(Field::Src)), addr(family, host(Field::Dst)));
        let mut p = Packet::base(src, dst, proto, 0);
        p.len = at(Field::Len, if proto == 6 { 60 } else { 84 }).max(if family == Family::Ipv4 { 20 } else { 40 }) as u32;
        p.ttl = at(Field::Ttl, 64) as u8;
        p.fragment = family == Family::Ipv4 && at(Field::Fragment, 0) == 1;
        if matches!(proto, 6 | 17 | 33 | 132 | 136) {
            p.sport = at(Field::Sport, 40000) as u16;
            p.dport = at(Field::Dport, 80) as u16;
        }
        if proto == 6 {
            p.tcp_flags = (at(Field::TcpFlags, 0x02) & 0x3f) as u8;
        }
        if (proto == 1 && family == Family::Ipv4) || (proto == 58 && family == Family::Ipv6) {
            p.icmp_type = at(Field::IcmpType, if family == Family::Ipv4 { 8 } else { 128 }) as u8;
            p.icmp_code = at(Field::IcmpCode, 0) as u8;
        }
        p.mark = at(Field::Mark, 0) as u32;
        if matches!(hook, Some(Hook::Output | Hook::Postrouting)) {
            p.owner = crate::verify::pred::owner_of(at(Field::Sock, 0), at(Field::Uid, 0), at(Field::Gid, 0));
        }
        p.iif = name(h, Dir::In, Some("eth0"));
        p.oif = name(h, Dir::Out, None);
        if let Some(hook) = hook {
            // What the hook has (see `Smt::at_hook`).
            if !matches!(hook, Hook::Prerouting | Hook::Input | Hook::Forward) {
                p.iif = None;
            }
            if matches!(hook, Hook::Forward | Hook::Output | Hook::Postrouting) {
                p.oif = p.oif.or_else(|| Some("eth1".into()));
            } else {
                p.oif = None;
            }
            if hook == Hook::Output {
                p.pkt_type = crate::predict::PktType::Host;
            }
        }
        p.pkt_type = super::pred::pkt_type_of(at(Field::PktType, 0));
        if conntrack {
            p.ct = Some(super::pred::ct_entry_of(at(Field::CtState, 1), &p));
        }
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out
}
