//! A model of the connection tracking table of one host: enough to give
//! each packet the state the kernel gives it (nf_conntrack_core.c).
//!
//! - The first packet of a connection is NEW; so are later packets in the
//!   original direction until a reply has been seen (ctinfo IP_CT_NEW).
//! - A packet in the reply direction, and every packet after a reply, is
//!   ESTABLISHED.
//! - An ICMP error about a tracked connection is RELATED.
//! - An entry exists only once its first packet got through the host
//!   (conntrack confirms it at the last hook): a first packet that was
//!   dropped leaves nothing behind, and the next one is NEW again.

use super::packet::{CtDir, CtInfo, CtState, Packet};
use std::net::IpAddr;

/// (src, dst, sport, dport) of one direction; ICMP echo uses the identifier
/// as both ports, as the kernel's ICMP tuple does.
pub type Tuple = (IpAddr, IpAddr, u16, u16);

/// What besides the tuple tells connections apart: the protocol, and for
/// ICMP the query it is (echo, timestamp …) and its direction. The kernel's
/// ICMP tuple holds the type, and its reply tuple the reply type
/// (`icmp_invert_tuple`): an echo request from B to A after one from A to B
/// with the same identifier starts a connection of its own; only an echo
/// reply is the other's reply.
pub type Key = u32;

/// The query a request or reply type belongs to (named by its request
/// type) and whether it is the reply: ICMP 8/0, 13/14, 15/16, 17/18;
/// ICMPv6 128/129, 139/140. Other types are their own.
fn icmp_query(v6: bool, ty: u8) -> (u8, bool) {
    let pairs: &[(u8, u8)] = if v6 { &[(128, 129), (139, 140)] } else { &[(8, 0), (13, 14), (15, 16), (17, 18)] };
    for &(req, rep) in pairs {
        if ty == req {
            return (req, false);
        }
        if ty == rep {
            return (req, true);
        }
    }
    (ty, false)
}

/// The key of `p`'s own direction.
pub fn key(p: &Packet) -> Key {
    let icmp = match (p.family, p.proto) {
        (crate::ir::Family::Ipv4, 1) => Some(false),
        (crate::ir::Family::Ipv6, 58) => Some(true),
        _ => None,
    };
    match icmp {
        Some(v6) => {
            let (query, reply) = icmp_query(v6, p.icmp_type);
            p.proto as u32 | (query as u32) << 8 | (reply as u32) << 16
        }
        None => p.proto as u32,
    }
}

/// The key of the other direction: an ICMP request's is its reply's.
fn flip(k: Key) -> Key {
    let (proto, query) = (k & 0xff, (k >> 8) & 0xff);
    let paired = matches!((proto, query), (1, 8 | 13 | 15 | 17) | (58, 128 | 139));
    if paired {
        k ^ 1 << 16
    } else {
        k
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    proto: u8,
    /// The key of the original direction.
    key: Key,
    orig: Tuple,
    reply: Tuple,
    seen_reply: bool,
    mark: u32,
    /// A TCP connection a reset closed (state CLOSE): a new SYN in its
    /// original direction starts a connection afresh (see [`reopens`]).
    closed: bool,
}

/// Whether `p` meets entry `e` as the first packet of a new connection:
/// nf_conntrack_proto_tcp kills a CLOSE connection that a SYN in the
/// original direction reopens, and conntrack starts over (`-NF_REPEAT`):
/// the SYN is NEW and the nat table sees it.
fn reopens(e: &Entry, p: &Packet, t: Tuple) -> bool {
    use crate::ext::tcp::{ACK, SYN};
    e.closed && e.orig == t && p.proto == 6 && p.tcp_flags & (SYN | ACK) == SYN
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    entries: Vec<Entry>,
    /// (key, tuple of either direction) -> entry, so a lookup does not
    /// scan every connection.
    index: rustc_hash::FxHashMap<(Key, Tuple), usize>,
}

/// The tuple the kernel keys a packet by: addresses and ports, or for an
/// ICMP echo the identifier (`id`) in place of both ports.
pub fn tuple(p: &Packet, id: Option<u16>) -> Tuple {
    match id {
        Some(id) => (p.src, p.dst, id, id),
        None => (p.src, p.dst, p.sport, p.dport),
    }
}

fn reverse(t: Tuple) -> Tuple {
    (t.1, t.0, t.3, t.2)
}

/// Status bits (IPS_*) the conntrack match sees.
const SEEN_REPLY: u32 = 2;
const CONFIRMED: u32 = 8;

impl Table {
    /// The conntrack information the packet gets, looking it up as the
    /// kernel does at PREROUTING/OUTPUT. `related` is the tuple (in its
    /// original direction) of the connection an ICMP error is about, and
    /// whether the host attached that packet's entry to it.
    pub fn lookup(&self, p: &Packet, t: Tuple, related: Option<(Tuple, bool, Key)>) -> CtInfo {
        if let Some((r, attached, k)) = related {
            if let Some(e) = self.about(r, k) {
                return info(e, CtState::Related, CtDir::Original, p.proto);
            }
            // A reply the host makes about a packet whose connection was
            // never confirmed (a rejected first packet): nf_ct_attach gives
            // it that packet's own entry, so it is RELATED all the same.
            if attached {
                return CtInfo { state: CtState::Related, dir: CtDir::Original, status: 0, mark: 0, proto: p.proto, orig: t, reply: reverse(t), expires: 0 };
            }
        }
        if let Some(&i) = self.index.get(&(key(p), t)).filter(|&&i| !reopens(&self.entries[i], p, t)) {
            let e = &self.entries[i];
            if e.orig == t && e.key == key(p) {
                let state = if e.seen_reply { CtState::Established } else { CtState::New };
                return info(e, state, CtDir::Original, p.proto);
            }
            return info(e, CtState::Established, CtDir::Reply, p.proto);
        }
        let state = if starts_connection(p) { CtState::New } else { CtState::Invalid };
        CtInfo { state, dir: CtDir::Original, status: 0, mark: 0, proto: p.proto, orig: t, reply: reverse(t), expires: 0 }
    }

    /// The tuple a later packet of a translated connection leaves with:
    /// conntrack applies the connection's NAT to every packet, although
    /// only the first one sees the nat table. `None` without translation.
    pub fn translation(&self, p: &Packet, t: Tuple) -> Option<Tuple> {
        let e = &self.entries[*self.index.get(&(key(p), t))?];
        if reopens(e, p, t) {
            return None;
        }
        if e.orig == reverse(e.reply) {
            return None;
        }
        Some(if e.orig == t { reverse(e.reply) } else { reverse(e.orig) })
    }

    /// The connection an ICMP error is about, found as the kernel finds it
    /// (`nf_conntrack_inet_error`): by the packet inside it, tuple `r` and
    /// key `k`, as it left (an entry's tuple in its own direction), or
    /// inverted (the other direction's, as a NAT left it). The key matters
    /// for ICMP: an error about an echo reply nobody asked for is not about
    /// the ping whose request went the same way.
    fn about(&self, r: Tuple, k: Key) -> Option<&Entry> {
        let i = self.index.get(&(k, r)).or_else(|| self.index.get(&(flip(k), reverse(r))))?;
        Some(&self.entries[*i])
    }

    /// The addresses an ICMP error with outer addresses `outer` leaves
    /// with when it is about the connection of tuple `r` and that
    /// connection is translated: the addresses the connection's own
    /// packets in the error's direction get. `None` when nothing changes.
    pub fn related_translation(&self, r: Tuple, k: Key, outer: (IpAddr, IpAddr)) -> Option<(IpAddr, IpAddr)> {
        let e = self.about(r, k)?;
        if e.orig == reverse(e.reply) {
            return None;
        }
        if outer == (e.reply.0, e.reply.1) {
            Some((e.orig.1, e.orig.0))
        } else if outer == (e.orig.0, e.orig.1) {
            Some((e.reply.1, e.reply.0))
        } else {
            None
        }
    }

    /// Whether the packet starts a connection (no entry yet): only then
    /// does the nat table see it.
    pub fn is_first(&self, p: &Packet, t: Tuple) -> bool {
        self.index.get(&(key(p), t)).is_none_or(|&i| reopens(&self.entries[i], p, t))
    }

    /// Forgets entry `i`: no packet finds it any more.
    fn unindex(&mut self, i: usize) {
        let e = &self.entries[i];
        let (orig, reply) = ((e.key, e.orig), (flip(e.key), e.reply));
        self.index.remove(&orig);
        self.index.remove(&reply);
    }

    /// What conntrack does to a connection when it sees one of its packets
    /// (at PREROUTING or OUTPUT, so also for a packet dropped later): a
    /// packet in the reply direction sets SEEN_REPLY; a reset closes the
    /// connection, and removes it at once while no reply has been seen
    /// (`nf_conntrack_tcp_packet`: "if only reply is a RST … delete the
    /// conntrack immediately"), so the next segment starts one anew.
    pub fn touch(&mut self, p: &Packet, t: Tuple) {
        let k = key(p);
        let Some(&i) = self.index.get(&(k, t)) else { return };
        let e = &mut self.entries[i];
        if reopens(e, p, t) {
            return;
        }
        let rst = p.proto == 6 && !p.fragment && p.tcp_flags & crate::ext::tcp::RST != 0;
        if rst && !e.seen_reply {
            self.unindex(i);
            return;
        }
        if e.reply == t && (e.orig != t || e.key != k) {
            e.seen_reply = true;
        }
        e.closed |= rst;
    }

    /// The packet made it through the host: confirm a new entry, note a
    /// reply, keep the connection mark. `t` is the tuple it was looked up
    /// with, `out` its tuple as it left (after any NAT), `ct` what lookup
    /// gave it.
    pub fn commit(&mut self, p: &Packet, t: Tuple, out: Tuple, ct: &CtInfo) {
        if ct.state == CtState::Related {
            return;
        }
        let k = key(p);
        if let Some(&i) = self.index.get(&(k, t)) {
            let e = &mut self.entries[i];
            if reopens(e, p, t) {
                // The old connection is gone; the new one is made below.
                self.unindex(i);
            } else {
                e.mark = ct.mark;
                return;
            }
        }
        // Only a NEW packet makes an entry (a reset that removed its
        // connection does not bring it back).
        if ct.state != CtState::New {
            return;
        }
        // A NAT translation changes the reply tuple: replies come back to
        // the translated addresses.
        let e = Entry { proto: p.proto, key: k, orig: t, reply: reverse(out), seen_reply: false, mark: ct.mark, closed: false };
        self.index.insert((k, e.orig), self.entries.len());
        self.index.insert((flip(k), e.reply), self.entries.len());
        self.entries.push(e);
    }
}

fn info(e: &Entry, state: CtState, dir: CtDir, proto: u8) -> CtInfo {
    let status = CONFIRMED | if e.seen_reply { SEEN_REPLY } else { 0 };
    CtInfo { state, dir, status, mark: e.mark, proto, orig: e.orig, reply: e.reply, expires: 0 }
}

/// Whether a packet without an entry may start a connection. For ICMP only
/// requests may: nf_conntrack_proto_icmp's `icmp_new` takes echo,
/// timestamp, information and address mask requests (8, 13, 15, 17), and
/// `icmpv6_new` echo requests and node information queries (128, 139);
/// any other type (an echo reply nobody asked for) gets no entry, and the
/// packet is INVALID. For TCP see [`tcp_starts`].
pub fn starts_connection(p: &Packet) -> bool {
    match (p.family, p.proto) {
        (crate::ir::Family::Ipv4, 1) => matches!(p.icmp_type, 8 | 13 | 15 | 17),
        (crate::ir::Family::Ipv6, 58) => matches!(p.icmp_type, 128 | 139),
        (_, 6) if !p.fragment => tcp_starts(p.tcp_flags),
        _ => true,
    }
}

/// Whether a TCP segment without an entry gets one (nf_conntrack_proto_tcp
/// with its defaults). `tcp_error` first refuses flag combinations no TCP
/// sends (`tcp_valid_flags`, PSH, ECE and CWR aside: no flags, FIN alone,
/// SYN with FIN or RST …); then `tcp_new` takes a SYN (SYN_SENT) and, as
/// `nf_conntrack_tcp_loose` is 1, picks up a connection from a bare ACK
/// (ESTABLISHED); a SYN-ACK, a FIN-ACK or a reset without an entry is
/// invalid. An invalid packet has no entry: its state is INVALID and the
/// nat table never sees it.
pub fn tcp_starts(flags: u8) -> bool {
    use crate::ext::tcp::{ACK, FIN, RST, SYN, URG};
    let f = flags & (FIN | SYN | RST | ACK | URG);
    let valid = matches!(f, x if x == SYN || x == SYN | URG || x == SYN | ACK || x == RST || x == RST | ACK || x == FIN | ACK || x == FIN | ACK | URG || x == ACK || x == ACK | URG);
    valid && (f & (SYN | ACK) == SYN || f & (SYN | FIN | RST) == 0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn tcp_first_segments() {
        use crate::ext::tcp::{ACK, FIN, PSH, RST, SYN, URG};
        for (flags, starts) in [
            (SYN, true),
            (SYN | URG, true),
            (ACK, true),
            (PSH | ACK, true),
            (ACK | URG, true),
            (SYN | ACK, false),
            (FIN | ACK, false),
            (RST, false),
            (RST | ACK, false),
            (FIN, false),
            (SYN | FIN, false),
            (0, false),
            (PSH, false),
        ] {
            assert_eq!(super::tcp_starts(flags), starts, "flags {flags:#x}");
        }
    }
}
