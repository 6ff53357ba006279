//! Runs packets and flows through the rule sets of one host, or of several
//! hosts joined by wires (a scenario's namespaces and veth pairs), and adds
//! up the counters each possible course moves.
//!
//! A packet starts at the host that owns its source address (it leaves
//! through OUTPUT) or, when no modelled host owns it, arrives from outside
//! at the first host. A packet sent out of an interface that is wired to
//! another host arrives there next, with the mark and conntrack entry left
//! behind (veth scrubs both when crossing namespaces); one sent anywhere
//! else leaves the model, and its peer is assumed to answer.

use super::conntrack::{self, Tuple};
use super::host::Host;
use super::packet::{CtState, EvalCx, Packet, PktType};
use super::spec::Spec;
use crate::ir::{Family, Hook, Ruleset};
use crate::netfilter::limits::Lab;
use crate::netfilter::recent::Lists;
use crate::netfilter::walk::{ChainRef, Event, Hit, HookWalk, Verdict};
use crate::netfilter::{conntrack_on, Backend, Path};
use serde::Serialize;
use std::net::IpAddr;

/// What happened to one packet in one world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PacketRun {
    /// `ping #1 request`, `tcp 10.0.0.1:40000 -> 10.0.0.2:22` …
    pub label: String,
    /// The host this hop went through (index into [`Run::nodes`]).
    pub node: usize,
    /// Which packet of the run this is a hop of, counting from 1: the hops
    /// of one packet across hosts share it (a reply or an ICMP error is
    /// another packet).
    #[serde(skip)]
    pub sent: usize,
    pub packet: Packet,
    pub path: Path,
    /// Each hook the packet passed, with its trace.
    pub hooks: Vec<(Hook, Vec<Event>)>,
    pub fate: Fate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "fate", rename_all = "kebab-case")]
pub enum Fate {
    /// Delivered to a local socket.
    Delivered,
    /// Sent out of an interface (locally generated or forwarded).
    Sent {
        iface: String,
    },
    Dropped {
        hook: Hook,
    },
    Rejected {
        hook: Hook,
        with: String,
    },
    /// Not forwarded because ip_forward is off.
    NotForwarded,
    /// Not forwarded because the host has no route to its destination: the
    /// host sends ICMP network unreachable (ICMPv6 no route, 1/0).
    NoRoute,
    /// Not forwarded because its TTL (hop limit) was 1 or 0: ip_forward
    /// and ip6_forward drop it before the FORWARD hook and the host sends
    /// ICMP time exceeded (ICMPv6 3/0) to its source.
    TtlExceeded,
    Unknown {
        hook: Hook,
        reason: String,
    },
}

/// One possible outcome of the whole run: counters and what each packet did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct World {
    /// (packets, bytes) per counter.
    #[serde(skip)]
    pub counters: rustc_hash::FxHashMap<HitKey, (u64, u64)>,
    pub packets: Vec<PacketRun>,
    /// How many undecidable matches this world assumed.
    pub assumed: usize,
    /// What the prediction leaves out in this world, said plainly.
    pub notes: Vec<String>,
    /// One conntrack table per host.
    #[serde(skip)]
    ct: Vec<conntrack::Table>,
    /// The current flow's first packet as it was delivered (after any
    /// NAT): the server answers from its destination to its source.
    #[serde(skip)]
    server: Option<Tuple>,
    /// How many packets have been sent so far (see [`PacketRun::sent`]).
    #[serde(skip)]
    sent: usize,
    /// (host, source) of each network unreachable a host sent.
    #[serde(skip)]
    route_errors: Vec<(usize, IpAddr)>,
    /// Per host, the tokens its `-m limit` buckets gave (a lab's only).
    #[serde(skip)]
    limits: Vec<crate::netfilter::limits::Taken>,
    /// Per host, its `-m recent` lists (a lab's only).
    #[serde(skip)]
    recent: Vec<Lists>,
    /// How long the traffic can have lasted so far, at most (see
    /// [`Run::times`]).
    #[serde(skip)]
    elapsed_ms: u64,
}

/// An orderable form of [`Hit`], for the counters map.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HitKey {
    /// The host (index into [`Run::nodes`]).
    pub node: usize,
    /// iptables and ip6tables tables are apart: filter INPUT rule 1 of each
    /// is a different counter.
    pub family: Family,
    pub table: crate::ir::TableName,
    pub chain: ChainRef,
    /// `None` for the policy.
    pub rule: Option<usize>,
}

impl World {
    /// The counters in a stable order (host, family, table, chain, rule).
    pub fn sorted_counters(&self) -> Vec<(&HitKey, &(u64, u64))> {
        let mut v: Vec<_> = self.counters.iter().collect();
        v.sort();
        v
    }

    /// What the counter of rule `rule` (from 0; `None`: the policy) of
    /// `chain` in host `node`'s `rs` reads in this world.
    pub fn counter(&self, rs: &Ruleset, family: Family, node: usize, table: crate::ir::TableName, chain: &str, rule: Option<usize>) -> (u64, u64) {
        let Some(c) = rs.table(family, table).and_then(|t| ChainRef::of(t, chain)) else { return (0, 0) };
        self.counters.get(&HitKey { node, family, table, chain: c, rule }).copied().unwrap_or_default()
    }

    fn with_note(mut self, note: &str) -> World {
        if !self.notes.iter().any(|n| n == note) {
            self.notes.push(note.to_string());
        }
        self
    }
}

impl HitKey {
    fn of(node: usize, family: Family, h: &Hit) -> HitKey {
        match h {
            Hit::Rule { table, chain, index } => HitKey { node, family, table: *table, chain: *chain, rule: Some(*index) },
            Hit::Policy { table, chain } => HitKey { node, family, table: *table, chain: *chain, rule: None },
        }
    }
}

/// One host: its rule set, addresses and sysctls, and how its rules were
/// loaded.
pub struct Node<'a> {
    pub name: String,
    pub rs: &'a Ruleset,
    pub host: &'a Host,
    pub backend: Backend,
    /// Whether conntrack is on depends on the rule set only: decided once.
    ct_on: bool,
    /// The host's addresses, for addrtype: gathered once, not per packet.
    local: Vec<(IpAddr, u8)>,
    /// The rule set compiled for fast walks without a trace.
    compiled: crate::netfilter::compiled::Compiled,
    /// This host's ipsets, if known (else [`Run::ipsets`]).
    pub ipsets: Option<&'a crate::verify::ipsets::Ipsets>,
}

impl<'a> Node<'a> {
    pub fn new(name: &str, rs: &'a Ruleset, host: &'a Host, backend: Backend) -> Node<'a> {
        Node {
            name: name.to_string(),
            rs,
            host,
            backend,
            ct_on: conntrack_on(rs),
            local: host.local_addrs(),
            compiled: crate::netfilter::compiled::Compiled::new(rs),
            ipsets: None,
        }
    }
}

/// A cable between two hosts' interfaces (a veth pair).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wire {
    pub a: (usize, String),
    pub b: (usize, String),
}

pub struct Run<'a> {
    pub nodes: Vec<Node<'a>>,
    pub wires: Vec<Wire>,
    /// Keep each packet's trace (see [`HookWalk::trace`]).
    pub trace: bool,
    /// The contents of the ipsets (`--ipsets`), for every host.
    pub ipsets: Option<&'a crate::verify::ipsets::Ipsets>,
    /// The counters one hook moved, kept between packets so that a large
    /// run does not allocate it for each.
    pub hits: std::cell::Cell<Vec<Hit>>,
    /// The hosts are a lab's namespaces, as verify builds them: they run no
    /// programs besides the ones a flow starts, so a crafted packet
    /// (`Spec::Packet`) delivered to one is answered by its stack as by a
    /// host with no sockets open (see [`Run::stack_answer`]); and their
    /// rules were loaded just before the traffic, so every `-m limit`
    /// bucket starts full (see [`crate::netfilter::limits`]). False for a
    /// single host, whose programs and past fwcheck does not know.
    pub lab: bool,
    /// For each SPEC, how long the traffic can have lasted at most when it
    /// is done, in milliseconds from the start of the first: verify's
    /// measurements, or [`worst_case_times`] when not given.
    pub times: Option<Vec<u64>>,
}

/// How long verify takes at most to send each SPEC, in milliseconds from
/// the start of the first to the end of each: a crafted packet 20 ms (it
/// sends them 0.3 ms apart), a ping 450 ms per request (it waits up to
/// 400 ms for each reply), a UDP flow 450 ms, a TCP flow 2 s (connect
/// within 400 ms, the close-down, the server's wait).
pub fn worst_case_times(specs: &[Spec]) -> Vec<u64> {
    let mut t = 0;
    specs
        .iter()
        .map(|s| {
            t += match s {
                Spec::Packet { .. } => 20,
                Spec::Ping { count, .. } => 450 * u64::from(*count),
                Spec::Udp { .. } => 450,
                Spec::Tcp { .. } => 2000,
            };
            t
        })
        .collect()
}

/// Where a packet enters the model.
#[derive(Clone, Debug, PartialEq, Eq)]
enum From {
    /// Sent by this host's own stack: OUTPUT, POSTROUTING.
    Node(usize),
    /// Arrives at this host from outside the model, on the interface that
    /// faces its source.
    Outside(usize),
    /// Arrives at this host on this interface, from the other end of a wire.
    Wire(usize, String),
}

/// Most worlds a run may split into.
pub const MAX_WORLDS: usize = 64;

impl<'a> Run<'a> {
    /// One host and the rest of the world outside it.
    pub fn single(rs: &'a Ruleset, host: &'a Host, backend: Backend, trace: bool) -> Run<'a> {
        Run { nodes: vec![Node::new("host", rs, host, backend)], wires: Vec::new(), trace, ipsets: None, hits: Default::default(), lab: false, times: None }
    }

    /// All possible outcomes of sending `specs` in order.
    pub fn run(&self, specs: &[Spec]) -> Result<Vec<World>, String> {
        let n = self.nodes.len();
        let mut worlds = vec![World {
            ct: vec![conntrack::Table::default(); n],
            limits: vec![Default::default(); n],
            // The lists each rule set creates, empty as a fresh namespace
            // holds them; carried only where they are decided (a lab), as
            // every world copies them.
            recent: if self.lab { self.nodes.iter().map(|n| Lists::of(n.rs)).collect() } else { Vec::new() },
            ..World::default()
        }];
        let times = self.times.clone().filter(|t| t.len() == specs.len()).unwrap_or_else(|| worst_case_times(specs));
        for (spec, elapsed) in specs.iter().zip(times) {
            for w in &mut worlds {
                w.elapsed_ms = elapsed;
            }
            // One world (the common case) needs no gathering of the next.
            let next = if worlds.len() == 1 {
                self.spec(worlds.pop().expect("one world"), spec)?
            } else {
                let mut next = Vec::new();
                for w in worlds {
                    next.extend(self.spec(w, spec)?);
                }
                next
            };
            if next.len() > MAX_WORLDS {
                return Err(format!("the traffic splits into more than {MAX_WORLDS} possible outcomes (too many matches fwcheck cannot decide)"));
            }
            worlds = next;
        }
        Ok(worlds)
    }

    fn spec(&self, w: World, spec: &Spec) -> Result<Vec<World>, String> {
        match spec {
            Spec::Packet { packet } => {
                let mut out = Vec::new();
                for w in self.packet(w, packet.clone(), &|| describe(packet), None)? {
                    match last_fate(&w) {
                        Some((at, Fate::Delivered)) if self.lab => {
                            for w in self.stack_answer(w)? {
                                // The ICMP stack holds its socket's lock while
                                // it sends (icmp_xmit_lock): a REJECT of its
                                // own echo reply or error on the way out of
                                // the same host sends nothing.
                                if w.packets.last().is_some_and(|r| r.node == at && matches!(r.packet.proto, 1 | 58)) {
                                    out.push(w);
                                } else {
                                    out.extend(self.refused(w)?);
                                }
                            }
                        }
                        _ => out.extend(self.refused(w)?),
                    }
                }
                Ok(out)
            }
            Spec::Tcp { src, dst, sport, dport, data, closed } => self.tcp_flow(w, (*src, *dst, *sport, *dport), *data, *closed),
            Spec::Udp { src, dst, sport, dport, size, closed, reply } => self.udp_flow(w, (*src, *dst, *sport, *dport), *size, *closed, *reply),
            Spec::Ping { src, dst, count, size, id } => {
                let id = id.unwrap_or(PING_ID);
                let mut worlds = vec![w];
                for i in 1..=*count {
                    let mut next = Vec::new();
                    for w in worlds {
                        next.extend(self.ping_once(w, *src, *dst, *size, i, id)?);
                    }
                    worlds = next;
                }
                Ok(worlds)
            }
        }
    }

    /// Where a packet from `src` starts: at the host that owns the address,
    /// else from outside at the first host.
    fn origin(&self, src: IpAddr) -> From {
        self.nodes.iter().position(|n| n.host.is_local(src)).map_or(From::Outside(0), From::Node)
    }

    /// A TCP connection as measured on Linux 6.18: SYN (60 bytes with its
    /// options), SYN-ACK (60), ACK (52); data as PSH-ACK (52 + N) acked at
    /// once (52); the client's FIN-ACK (52) and the close-down. To a closed
    /// port the server's stack answers the SYN with RST-ACK (40). Without
    /// data the server either acknowledges the FIN with its own FIN-ACK
    /// (6 packets) or separately first (7): that depends on timing, so both
    /// outcomes are given.
    fn tcp_flow(&self, w: World, t: Tuple, data: u32, closed: bool) -> Result<Vec<World>, String> {
        use crate::ext::tcp::{ACK, FIN, PSH, RST, SYN};
        // Sizes as measured over IPv4; IPv6's header is 20 bytes longer.
        let x = if t.0.is_ipv4() { 0 } else { 20 };
        let c2s = true;
        let mut segs: Vec<(bool, u8, u32)> = vec![(c2s, SYN, 60 + x)];
        if closed {
            segs.push((!c2s, RST | ACK, 40 + x));
            return self.segments(vec![w], t, &segs);
        }
        segs.extend([(!c2s, SYN | ACK, 60 + x), (c2s, ACK, 52 + x)]);
        if data > 0 {
            segs.extend([(c2s, PSH | ACK, 52 + x + data), (!c2s, ACK, 52 + x), (c2s, FIN | ACK, 52 + x), (!c2s, FIN | ACK, 52 + x), (c2s, ACK, 52 + x)]);
            return self.segments(vec![w], t, &segs);
        }
        segs.push((c2s, FIN | ACK, 52 + x));
        let mut six = segs.clone();
        six.extend([(!c2s, FIN | ACK, 52 + x), (c2s, ACK, 52 + x)]);
        let mut seven = segs;
        seven.extend([(!c2s, ACK, 52 + x), (!c2s, FIN | ACK, 52 + x), (c2s, ACK, 52 + x)]);
        let note = "the server acknowledges the client's FIN with its own FIN-ACK (6 packets) or first on its own (7 packets): timing decides, so both outcomes are given";
        let mut worlds = self.segments(vec![w.clone().with_note(note)], t, &six)?;
        let other = self.segments(vec![w.with_note(note)], t, &seven)?;
        if worlds != other {
            worlds.extend(other);
        }
        Ok(worlds)
    }

    /// Sends TCP segments in order; a flow stops at the first segment that
    /// does not get through (and a REJECT answers it).
    fn segments(&self, worlds: Vec<World>, t: Tuple, segs: &[(bool, u8, u32)]) -> Result<Vec<World>, String> {
        let (a, b, sp, dp) = t;
        let mut live: Vec<World> = worlds;
        let mut stopped: Vec<World> = Vec::new();
        for &(c2s, flags, len) in segs {
            let mut next = Vec::new();
            for w in live {
                let (sa, sb, ssp, sdp) = w.server.unwrap_or((a, b, sp, dp));
                let (src, dst, sport, dport) = if c2s { (a, b, sp, dp) } else { (sb, sa, sdp, ssp) };
                let mut p = super::spec::bare(src, dst, 6, len);
                p.sport = sport;
                p.dport = dport;
                p.tcp_flags = flags;
                let x = if src.is_ipv4() { 0 } else { 20 };
                p.tcp_options = if flags & crate::ext::tcp::SYN != 0 {
                    vec![2, 4, 8, 1, 3]
                } else if len >= 52 + x {
                    vec![1, 1, 8]
                } else {
                    vec![]
                };
                let label = || format!("tcp {} {src}:{sport} -> {dst}:{dport}", crate::ext::tcp::flags_to_save(flags));
                for mut w2 in self.packet(w.clone(), p.clone(), &label, None)? {
                    if w2.server.is_none() {
                        w2.server = delivered_at(&w2);
                    }
                    let got = w2.packets.last().map(|r| r.packet.clone()).unwrap_or_else(|| p.clone());
                    match last_fate(&w2) {
                        Some((_, Fate::Delivered | Fate::Sent { .. })) => next.push(w2),
                        Some((n, Fate::Rejected { with, .. })) => stopped.extend(self.reject_reply(w2, n, &got, &with)?),
                        _ => {
                            stopped.push(w2.with_note(
                                "the flow stops here: the sender retries or gives up, depending on the program; fwcheck counts the first attempt only",
                            ))
                        }
                    }
                }
            }
            live = next;
        }
        live.extend(stopped);
        for w in &mut live {
            w.server = None;
        }
        Ok(live)
    }

    /// A UDP datagram of `size` bytes of payload; a closed port answers with
    /// ICMP port unreachable (carrying as much of the datagram as fits in
    /// 576 bytes), an open one with a reply of the same size if asked.
    fn udp_flow(&self, w: World, t: Tuple, size: u32, closed: bool, reply: bool) -> Result<Vec<World>, String> {
        let (a, b, sp, dp) = t;
        let udp_len = super::spec::ip_header(if a.is_ipv4() { Family::Ipv4 } else { Family::Ipv6 }) + 8 + size;
        let mut p = super::spec::bare(a, b, 17, udp_len);
        p.sport = sp;
        p.dport = dp;
        let label = || format!("udp {a}:{sp} -> {b}:{dp}");
        let mut out = Vec::new();
        for w2 in self.packet(w, p.clone(), &label, None)? {
            // The datagram as it arrived (after any DNAT): what the server
            // answers, or what an ICMP error quotes.
            let got = w2.packets.last().map(|r| r.packet.clone()).unwrap_or_else(|| p.clone());
            match last_fate(&w2) {
                Some((n, Fate::Delivered)) if closed => out.extend(self.icmp_error(w2, &got, PORT_UNREACHABLE, From::Node(n), false)?),
                Some((n, Fate::Sent { .. })) if closed => out.extend(self.icmp_error(w2, &p, PORT_UNREACHABLE, From::Outside(n), false)?),
                Some((n, Fate::Delivered | Fate::Sent { .. })) if reply => {
                    let (ra, rb, rsp, rdp) = delivered_at(&w2).unwrap_or((a, b, sp, dp));
                    let mut r = super::spec::bare(rb, ra, 17, udp_len);
                    r.sport = rdp;
                    r.dport = rsp;
                    let from = if matches!(last_fate(&w2), Some((_, Fate::Delivered))) { From::Node(n) } else { From::Outside(n) };
                    out.extend(self.send(w2, r, &|| format!("udp reply {rb}:{rdp} -> {ra}:{rsp}"), None, None, from)?);
                }
                Some((n, Fate::Rejected { with, .. })) => out.extend(self.reject_reply(w2, n, &got, &with)?),
                _ => out.push(w2),
            }
        }
        Ok(out)
    }

    /// The world with what REJECT sends back if its last packet was
    /// rejected; the kernel sends no error about an ICMP error or a later
    /// fragment, and no reset for a reset.
    fn refused(&self, w: World) -> Result<Vec<World>, String> {
        let Some((n, Fate::Rejected { with, .. })) = last_fate(&w) else { return Ok(vec![w]) };
        let Some(got) = w.packets.last().map(|r| r.packet.clone()) else { return Ok(vec![w]) };
        if !may_answer(&got) || (with == "tcp-reset" && got.tcp_flags & crate::ext::tcp::RST != 0) {
            return Ok(vec![w]);
        }
        self.reject_reply(w, n, &got, &with)
    }

    /// What a host's stack sends back for a crafted packet delivered to it
    /// when no socket is open (Linux 6.x): a TCP segment other than a reset
    /// gets a reset (RST with the segment's ACK number if it had ACK set,
    /// else RST-ACK; 40 bytes, 60 over IPv6); a UDP datagram gets ICMP
    /// port unreachable; an echo request gets its echo reply (unless the
    /// host ignores them); anything else gets nothing. A later fragment is
    /// never delivered alone, so it is never answered.
    fn stack_answer(&self, w: World) -> Result<Vec<World>, String> {
        let Some((n, Fate::Delivered)) = last_fate(&w) else { return Ok(vec![w]) };
        let Some(got) = w.packets.last().map(|r| r.packet.clone()) else { return Ok(vec![w]) };
        if got.fragment {
            return Ok(vec![w]);
        }
        let v6 = !got.src.is_ipv4();
        match got.proto {
            6 if got.tcp_flags & crate::ext::tcp::RST == 0 => {
                let (src, dst) = (got.dst, got.src);
                self.send(w, reset_for(&got), &|| format!("tcp reset {src} -> {dst} (no socket)"), None, None, From::Node(n))
            }
            17 => self.icmp_error(w, &got, PORT_UNREACHABLE, From::Node(n), false),
            1 | 58 if got.icmp_type == if v6 { 128 } else { 8 } && !self.nodes[n].host.icmp_echo_ignore_all => {
                let mut r = super::spec::bare(got.dst, got.src, got.proto, got.len);
                r.icmp_type = if v6 { 129 } else { 0 };
                let (src, dst) = (got.dst, got.src);
                self.send(w, r, &|| format!("echo reply {src} -> {dst}"), None, None, From::Node(n))
            }
            _ => Ok(vec![w]),
        }
    }

    /// What REJECT on host `node` sends back: a 40-byte RST (RST-ACK when
    /// the rejected segment had no ACK) or an ICMP error; it leaves through
    /// OUTPUT and POSTROUTING, conntrack state RELATED (nf_reject attaches the
    /// rejected packet's connection).
    fn reject_reply(&self, w: World, node: usize, orig: &Packet, with: &str) -> Result<Vec<World>, String> {
        if with == "tcp-reset" {
            let rel = Some(attached(orig));
            return self.send(w, reset_for(orig), &|| format!("REJECT reset {} -> {}", orig.dst, orig.src), None, rel, From::Node(node));
        }
        match crate::ext::t_reject::icmp_error(with) {
            Some(c) => {
                let note = orig.proto == 6;
                let ws = self.icmp_error(w, orig, c, From::Node(node), true)?;
                Ok(if note {
                    ws.into_iter()
                        .map(|w| {
                            w.with_note(
                                "a blocking TCP client sends its SYN again after 1 s and gets a second ICMP error; fwcheck counts the first attempt only",
                            )
                        })
                        .collect()
                } else {
                    ws
                })
            }
            None => Ok(vec![w.with_note(&format!("REJECT --reject-with {with}: the reply is not modelled yet"))]),
        }
    }

    /// An ICMP error about `orig`, sent by a host's own stack or by a peer
    /// outside the model: 28 bytes of headers plus as much of `orig` as fits
    /// in 576 (ICMPv6: 48 bytes and 1280, the IPv6 minimum MTU). A host that
    /// is not `orig`'s destination sends it from its address toward `orig`'s
    /// source. `attach`: the sender still holds `orig`'s conntrack entry
    /// and icmp_glue_bits attaches it (REJECT, ip_forward's time exceeded,
    /// ip_error); UDP's port unreachable does not (`__udp4_lib_rcv` and
    /// `__udp6_lib_rcv` reset the entry before icmp_send).
    fn icmp_error(&self, w: World, orig: &Packet, (ty, code): (u8, u8), from: From, attach: bool) -> Result<Vec<World>, String> {
        let src = match &from {
            // An error about the host's own packet goes to itself, from the
            // same address (the local route's source).
            From::Node(n) if self.nodes[*n].host.is_local(orig.src) => orig.src,
            From::Node(n) if !self.nodes[*n].host.is_local(orig.dst) => self.nodes[*n].host.addr_toward(orig.src).unwrap_or(orig.dst),
            _ => orig.dst,
        };
        let mut e = if orig.src.is_ipv4() {
            super::spec::bare(src, orig.src, 1, (28 + orig.len).min(576))
        } else {
            super::spec::bare(src, orig.src, 58, (48 + orig.len).min(1280))
        };
        // Port unreachable is ICMP 3/3, ICMPv6 1/4; time exceeded 11/0 and 3/0.
        let (ty, code) = match (orig.src.is_ipv4(), (ty, code)) {
            (false, PORT_UNREACHABLE) => (1, 4),
            (false, TIME_EXCEEDED) => (3, 0),
            (false, NET_UNREACHABLE) => (1, 0),
            _ => (ty, code),
        };
        e.icmp_type = ty;
        e.icmp_code = code;
        let (t, attaches, k) = attached(orig);
        let rel = Some((t, attaches && attach, k));
        self.send(w, e, &|| format!("icmp {ty}/{code} {src} -> {}", orig.src), None, rel, from)
    }

    /// One echo request and, if it arrives and is answered, its reply.
    fn ping_once(&self, w: World, src: IpAddr, dst: IpAddr, size: u32, seq: u32, id: u16) -> Result<Vec<World>, String> {
        let v6 = !src.is_ipv4();
        let len = super::spec::ip_header(if v6 { Family::Ipv6 } else { Family::Ipv4 }) + 8 + size;
        let mut req = super::spec::bare(src, dst, if v6 { 58 } else { 1 }, len);
        req.icmp_type = if v6 { 128 } else { 8 };
        let mut out = Vec::new();
        for w in self.packet(w, req, &|| format!("ping #{seq} echo request {src} -> {dst}"), Some(id))? {
            // Who answers: the host the request was delivered to (unless it
            // ignores echo requests), or the peer outside the model the
            // request was sent to (fwcheck assumes it answers).
            let from = match last_fate(&w) {
                Some((n, Fate::Delivered)) if !self.nodes[n].host.icmp_echo_ignore_all => From::Node(n),
                Some((n, Fate::Sent { .. })) => From::Outside(n),
                _ => {
                    out.push(w);
                    continue;
                }
            };
            // The reply comes from the address the request reached (after
            // any DNAT).
            let (rdst, rsrc) = delivered_at(&w).map_or((src, dst), |d| (d.0, d.1));
            let mut rep = super::spec::bare(rsrc, rdst, if v6 { 58 } else { 1 }, len);
            rep.icmp_type = if v6 { 129 } else { 0 };
            out.extend(self.send(w, rep, &|| format!("ping #{seq} echo reply {rsrc} -> {rdst}"), Some(id), None, from)?);
        }
        Ok(out)
    }

    /// One packet from wherever its source address is, in one world; it
    /// may split the world. `label` is only called when traces are kept.
    fn packet(&self, w: World, p: Packet, label: &dyn Fn() -> String, icmp_id: Option<u16>) -> Result<Vec<World>, String> {
        let from = self.origin(p.src);
        self.send(w, p, label, icmp_id, None, from)
    }

    /// One packet from `from`, hop by hop across wires until it is
    /// delivered, stopped or leaves the model, with what a host sends back
    /// about it (time exceeded, network unreachable). `related`: what an
    /// ICMP error or a REJECT reset is about (see [`Related`]).
    fn send(
        &self,
        mut w: World,
        p: Packet,
        label: &dyn Fn() -> String,
        icmp_id: Option<u16>,
        related: Option<Related>,
        from: From,
    ) -> Result<Vec<World>, String> {
        w.sent += 1;
        let worlds = self.travel(w, p, label, icmp_id, related, from)?;
        if !worlds.iter().any(|w| matches!(last_fate(w), Some((_, Fate::TtlExceeded | Fate::NoRoute)))) {
            return Ok(worlds);
        }
        let mut out = Vec::new();
        for mut w in worlds {
            match (last_fate(&w), w.packets.last()) {
                // No ICMP error is sent about an ICMP error or a later fragment.
                (Some((n, Fate::TtlExceeded)), Some(r)) if may_answer(&r.packet) => {
                    let got = r.packet.clone();
                    out.extend(self.icmp_error(w, &got, TIME_EXCEEDED, From::Node(n), true)?);
                }
                (Some((n, Fate::NoRoute)), Some(r)) if may_answer(&r.packet) => {
                    let got = r.packet.clone();
                    // IPv4's ip_error allows a source 5 of these at once
                    // and one a second after (its inet_peer tokens).
                    let sent = w.route_errors.iter().filter(|e| **e == (n, got.src)).count();
                    if got.src.is_ipv4() && sent >= 5 {
                        out.push(w.with_note("ip_error sends a source at most 5 network unreachables at once and one a second after: fwcheck assumes the packets are sent within a second"));
                        continue;
                    }
                    w.route_errors.push((n, got.src));
                    out.extend(self.icmp_error(w, &got, NET_UNREACHABLE, From::Node(n), true)?);
                }
                _ => out.push(w),
            }
        }
        Ok(out)
    }

    /// [`Run::send`] without what a host sends back about the packet.
    fn travel(
        &self,
        w: World,
        p: Packet,
        label: &dyn Fn() -> String,
        icmp_id: Option<u16>,
        related: Option<Related>,
        from: From,
    ) -> Result<Vec<World>, String> {
        let to_itself = matches!(from, From::Node(n) if self.nodes[n].host.is_local(p.dst));
        if self.wires.is_empty() && !to_itself {
            // One host: the packet cannot go on to another.
            return self.hop(w, p, label, icmp_id, related, from);
        }
        let mut out = Vec::new();
        let sent = (p.src, p.dst);
        let mut todo = std::collections::VecDeque::from([(w, p, from, 0usize)]);
        while let Some((w, p, from, hops)) = todo.pop_front() {
            if hops > MAX_HOPS {
                return Err(format!("a packet from {} to {} went through more than {MAX_HOPS} hosts: the routes form a loop", p.src, p.dst));
            }
            // After a NAT on the way, say how this host sees the packet.
            let here = (p.src, p.dst);
            let relabel = || if here == sent { label() } else { format!("{} (here {} -> {})", label(), here.0, here.1) };
            for w2 in self.hop(w, p, &relabel, icmp_id, related, from)? {
                let Some(last) = w2.packets.last() else {
                    out.push(w2);
                    continue;
                };
                let Fate::Sent { iface } = &last.fate else {
                    out.push(w2);
                    continue;
                };
                if iface == "lo" {
                    // A packet to the host's own address comes back in on
                    // lo (PREROUTING, INPUT) with its mark.
                    let (mut next, node) = (last.packet.clone(), last.node);
                    next.iif = None;
                    next.oif = None;
                    next.owner = None;
                    next.src_mac = None;
                    todo.push_back((w2, next, From::Wire(node, "lo".to_string()), hops + 1));
                    continue;
                }
                match self.peer(last.node, iface) {
                    Some((peer, peer_iface)) => {
                        let mut next = last.packet.clone();
                        // veth scrubs the mark and the conntrack entry when
                        // the packet crosses into another namespace.
                        next.src_mac = self.nodes[last.node].host.iface(iface).and_then(|i| i.mac);
                        next.iif = None;
                        next.oif = None;
                        next.mark = 0;
                        next.ct = None;
                        next.owner = None;
                        todo.push_back((w2, next, From::Wire(peer, peer_iface.to_string()), hops + 1));
                    }
                    None => out.push(w2),
                }
            }
        }
        Ok(out)
    }

    /// The host and interface at the other end of `node`'s interface.
    fn peer(&self, node: usize, iface: &str) -> Option<(usize, &str)> {
        self.wires.iter().find_map(|wire| {
            if wire.a.0 == node && wire.a.1 == iface {
                Some((wire.b.0, wire.b.1.as_str()))
            } else if wire.b.0 == node && wire.b.1 == iface {
                Some((wire.a.0, wire.a.1.as_str()))
            } else {
                None
            }
        })
    }

    /// One packet through one host's hooks.
    fn hop(
        &self,
        w: World,
        mut p: Packet,
        label: &dyn Fn() -> String,
        icmp_id: Option<u16>,
        related: Option<Related>,
        from: From,
    ) -> Result<Vec<World>, String> {
        let family = p.family;
        let (node_ix, path) = match &from {
            From::Node(n) => (*n, Path::LocalOut),
            From::Outside(n) | From::Wire(n, _) => (*n, if self.nodes[*n].host.is_local(p.dst) { Path::LocalIn } else { Path::Forward }),
        };
        let node = &self.nodes[node_ix];
        let host = node.host;
        // Interfaces the packet uses, unless the spec named them.
        match (&from, path) {
            (From::Wire(_, iface), _) => {
                p.iif = Some(iface.clone());
                p.pkt_type = PktType::Host;
            }
            (_, Path::LocalIn | Path::Forward) => {
                if p.iif.is_none() {
                    p.iif = Some(host.iface_for(p.src));
                }
                p.pkt_type = PktType::Host;
            }
            (_, Path::LocalOut) => {
                if p.oif.is_none() {
                    p.oif = Some(host.iface_for(p.dst));
                }
            }
        }
        let looped = matches!(&from, From::Wire(_, i) if i == "lo");
        // Whether the packet has its entry before conntrack's hook (see
        // `HookWalk::ct_attached`).
        let ct_attached = looped || (matches!(from, From::Node(_)) && related.as_ref().is_some_and(|r| r.1));
        let ct_table = &w.ct[node_ix];
        let tuple: Tuple = conntrack::tuple(&p, icmp_id);
        let first = ct_table.is_first(&p, tuple);
        if node.ct_on {
            // A REJECT reset is RELATED at the host that made it (nf_reject
            // attaches the connection) but an ordinary reply segment at the
            // host it reaches; an ICMP error is RELATED everywhere (conntrack
            // reads the packet inside it).
            let rel = match &from {
                From::Node(_) => related,
                _ if p.proto == 1 || p.proto == 58 => related.map(|(t, _, k)| (t, false, k)),
                _ => None,
            };
            // A packet back in over lo keeps its skb's entry (loopback_xmit
            // does not reset it), and nf_conntrack_in leaves a packet that
            // has one alone: an untracked one stays untracked.
            let untracked_lo = looped && p.ct.as_ref().is_some_and(|c| c.state == CtState::Untracked);
            if !untracked_lo {
                p.ct = Some(Box::new(ct_table.lookup(&p, tuple, rel)));
            }
        }
        let nat = node.ct_on && first;
        // A RELATED packet carries the connection of the packet it is
        // about, and nf_nat_inet_fn treats it by that connection: an ICMP
        // error is translated with it and never meets the nat table; the
        // RST REJECT sends meets only the nat hooks that connection has not
        // passed yet. The rejected packet passed the destination-NAT hook
        // (nat PREROUTING or OUTPUT, before the filter table) but not the
        // source-NAT one (nat INPUT or POSTROUTING, after it): so the RST
        // meets nat POSTROUTING only (observed: MASQUERADE counts the RST,
        // nat OUTPUT does not; corpus/scenarios/reject-nat.toml).
        let related_to = p.ct.as_ref().filter(|c| c.state == CtState::Related).map(|_| p.proto == 1 || p.proto == 58);
        let nat_at = |hook: Hook| {
            nat && match related_to {
                Some(true) => false,
                Some(false) => matches!(hook, Hook::Input | Hook::Postrouting),
                None => true,
            }
        };
        // A later packet of a translated connection: its destination is
        // rewritten where the nat table would be (before routing), its
        // source at the end of POSTROUTING or INPUT.
        let icmp = p.proto == 1 || p.proto == 58;
        let xlate = if node.ct_on && !first { ct_table.translation(&p, tuple) } else { None };
        // An ICMP error about a translated connection is translated with it
        // (nf_nat_icmp_reply_translation): its outer addresses as the
        // connection's packets in the same direction.
        let xlate = xlate.or_else(|| {
            let (r, _, k) = related.filter(|_| node.ct_on && icmp && related_to.is_some())?;
            let (src, dst) = ct_table.related_translation(r, k, (p.src, p.dst))?;
            Some((src, dst, p.sport, p.dport))
        });
        // Conntrack (priority -200, after the raw table) updates a
        // connection when it sees the packet, whether or not a later table
        // drops it; it does not see a packet the raw table dropped or made
        // untracked. Done after the path's first hook (PREROUTING or
        // OUTPUT, where conntrack's hook is), with how that hook ended.
        let touch = |w: &mut World, p: &Packet, ended_in: Option<crate::ir::TableName>| {
            if node.ct_on && !first && ended_in != Some(crate::ir::TableName::Raw) && !p.ct.as_ref().is_some_and(|c| c.state == CtState::Untracked) {
                w.ct[node_ix].touch(p, tuple);
            }
        };
        let set_dst = |q: &mut Packet| {
            if let Some(x) = xlate {
                q.dst = x.1;
                if !icmp {
                    q.dport = x.3;
                }
            }
        };
        let set_src = |q: &mut Packet| {
            if let Some(x) = xlate {
                q.src = x.0;
                if !icmp {
                    q.sport = x.2;
                }
            }
        };
        let local = &node.local;
        // What the rest of the way is after `hook` ended with `verdict`:
        // the fate if it ended there, and the path. The routing decision
        // after PREROUTING sees the destination as DNAT left it.
        let after = |hook: Hook, verdict: &Verdict, p2: &mut Packet, path: Path| {
            let fate = match verdict {
                Verdict::Accept => None,
                Verdict::Drop => Some(Fate::Dropped { hook }),
                Verdict::Reject { with } => Some(Fate::Rejected { hook, with: with.clone() }),
                Verdict::Unknown { reason } => Some(Fate::Unknown { hook, reason: reason.clone() }),
            };
            if hook == Hook::Prerouting {
                set_dst(p2);
            }
            if matches!(hook, Hook::Postrouting | Hook::Input) && fate.is_none() {
                set_src(p2);
            }
            let path2 = match hook {
                Hook::Prerouting if host.is_local(p2.dst) => Path::LocalIn,
                Hook::Prerouting => Path::Forward,
                _ => path,
            };
            (fate, path2)
        };
        // A course that has gone through its last hook: what it did becomes
        // the world's last packet.
        let finish = |part: Partial| {
            let Partial { mut w, p, traces, fate, path, .. } = part;
            let fate = fate.unwrap_or_else(|| match path {
                Path::LocalIn => Fate::Delivered,
                _ => Fate::Sent { iface: p.oif.clone().unwrap_or_default() },
            });
            if matches!(fate, Fate::Delivered | Fate::Sent { .. }) {
                if let Some(ct) = &p.ct {
                    // Neither an untracked nor an invalid packet makes an entry.
                    if !matches!(ct.state, CtState::Untracked | CtState::Invalid) {
                        let out_t = conntrack::tuple(&p, icmp_id);
                        w.ct[node_ix].commit(&p, tuple, out_t, ct);
                    }
                }
            }
            // Without traces only the last packet is kept: flows look at its
            // fate, and a large run must not hold every packet.
            if !self.trace {
                w.packets.clear();
            }
            let label = if !self.trace {
                String::new()
            } else if self.nodes.len() > 1 {
                format!("{}: {}", node.name, label())
            } else {
                label()
            };
            w.packets.push(PacketRun { label, node: node_ix, sent: w.sent, packet: p, path, hooks: traces, fate });
            w
        };
        let mut hits = self.hits.take();
        let mut out = Vec::new();
        // Each possible course goes hook by hook. A course stays in place
        // while the compiled walk can tell its one outcome at each hook;
        // where the general walk splits it, each course goes on a list.
        let mut first = Some(Partial { w, p, traces: vec![], fate: None, path, next: 0 });
        let mut todo: Vec<Partial> = Vec::new();
        'courses: while let Some(mut part) = first.take().or_else(|| todo.pop()) {
            loop {
                let hooks = part.path.hooks();
                if part.fate.is_some() || part.next >= hooks.len() {
                    out.push(finish(part));
                    continue 'courses;
                }
                let hook = hooks[part.next];
                if hook == Hook::Forward && !host.ip_forward {
                    part.fate = Some(Fate::NotForwarded);
                    out.push(finish(part));
                    continue 'courses;
                }
                // ip_forward and ip6_forward lower the TTL (hop limit) before
                // the FORWARD hook, and drop a packet it would take to 0.
                if hook == Hook::Forward {
                    // The routing decision (ip_route_input) comes first.
                    if host.unreachable(part.p.dst) {
                        part.fate = Some(Fate::NoRoute);
                        out.push(finish(part));
                        continue 'courses;
                    }
                    if part.p.ttl <= 1 {
                        part.fate = Some(Fate::TtlExceeded);
                        out.push(finish(part));
                        continue 'courses;
                    }
                    part.p.ttl -= 1;
                }
                if hook == Hook::Output && part.next == 0 {
                    set_dst(&mut part.p);
                }
                if matches!(hook, Hook::Forward | Hook::Postrouting) && part.p.oif.is_none() {
                    part.p.oif = Some(host.iface_for(part.p.dst));
                }
                if hook == Hook::Forward && part.p.iif.is_some() && part.p.iif == part.p.oif {
                    let note = "a packet forwarded out of the interface it came in on makes the kernel send its source an ICMP redirect (rate-limited), which fwcheck does not model";
                    part.w = std::mem::take(&mut part.w).with_note(note);
                }
                // The host's limit buckets, lent to the walk (a lab's only).
                let taken = if self.lab { part.w.limits.get_mut(node_ix).map(std::mem::take).unwrap_or_default() } else { Default::default() };
                let lists = if self.lab { part.w.recent.get_mut(node_ix).map(std::mem::take).unwrap_or_default() } else { Default::default() };
                let walk = HookWalk {
                    rs: node.rs,
                    family,
                    hook,
                    backend: node.backend,
                    nat: nat_at(hook),
                    cx: EvalCx { hook, local, lab: self.lab.then_some(&host.ifaces[..]) },
                    ifaces: &host.ifaces,
                    trace: self.trace,
                    compiled: Some(&node.compiled),
                    ipsets: node.ipsets.or(self.ipsets),
                    ct_attached,
                    lab: self.lab.then_some(Lab { taken: &taken, recent: &lists, elapsed_ms: part.w.elapsed_ms }),
                };
                let len = part.p.len;
                hits.clear();
                if let Some((verdict, ended_in)) = walk.run_compiled(&mut part.p, &mut hits) {
                    if part.next == 0 {
                        touch(&mut part.w, &part.p, ended_in);
                    }
                    if let Some(t) = part.w.limits.get_mut(node_ix) {
                        *t = taken;
                    }
                    if let Some(l) = part.w.recent.get_mut(node_ix) {
                        *l = lists;
                    }
                    add_hits(&mut part.w, node_ix, family, &hits, len);
                    (part.fate, part.path) = after(hook, &verdict, &mut part.p, part.path);
                    part.next += 1;
                    continue;
                }
                let Partial { w, p, traces, path, next, .. } = part;
                let courses = walk.run_general(p)?;
                let n = courses.len();
                // The last course takes the world over; earlier ones (when a
                // match could not be decided) each get a copy.
                let mut base = Some((w, traces));
                let mut taken = Some(taken);
                for (k, mut c) in courses.into_iter().enumerate() {
                    let (mut w2, mut traces) = match (k + 1 == n, &base) {
                        (true, _) => base.take().expect("the last course takes the base"),
                        (false, Some(b)) => (b.0.clone(), b.1.clone()),
                        (false, None) => unreachable!("the base is only taken by the last course"),
                    };
                    if let Some(t) = w2.limits.get_mut(node_ix) {
                        *t = if k + 1 == n { taken.take().unwrap_or_default() } else { taken.clone().unwrap_or_default() };
                        crate::netfilter::limits::add(t, &c.limit_taken);
                    }
                    if let Some(l) = w2.recent.get_mut(node_ix) {
                        *l = match c.recent.take() {
                            Some(changed) => *changed,
                            None => lists.clone(),
                        };
                    }
                    if next == 0 {
                        touch(&mut w2, &c.packet, c.ended_in);
                    }
                    add_hits(&mut w2, node_ix, family, &c.hits, len);
                    w2.assumed += c.assumed;
                    if self.trace {
                        traces.push((hook, std::mem::take(&mut c.trace)));
                    }
                    let mut p2 = c.packet;
                    let (fate, path2) = after(hook, &c.verdict, &mut p2, path);
                    todo.push(Partial { w: w2, p: p2, traces, fate, path: path2, next: next + 1 });
                }
                continue 'courses;
            }
        }
        self.hits.set(hits);
        // Keep the order of courses stable (the work list is a stack).
        out.reverse();
        Ok(out)
    }
}

/// The last packet of a world as it was delivered (after any NAT): its
/// addresses and ports as the receiving host saw them.
fn delivered_at(w: &World) -> Option<Tuple> {
    w.packets.last().filter(|r| r.fate == Fate::Delivered).map(|r| (r.packet.src, r.packet.dst, r.packet.sport, r.packet.dport))
}

/// The host and fate of the last packet of a world.
fn last_fate(w: &World) -> Option<(usize, Fate)> {
    w.packets.last().map(|r| (r.node, r.fate.clone()))
}

/// ICMP destination unreachable, port unreachable (ICMPv6's is 1/4).
const PORT_UNREACHABLE: (u8, u8) = (3, 3);
const TIME_EXCEEDED: (u8, u8) = (11, 0);
const NET_UNREACHABLE: (u8, u8) = (3, 0);

/// The connection a reply the kernel makes about `orig` (an ICMP error, a
/// REJECT reset) is about, and whether the host attaches `orig`'s own
/// entry to it (`nf_ct_attach`): then the reply is RELATED there even when
/// that entry was never confirmed. A packet conntrack found INVALID has no
/// entry to give, nor has an untracked one (NOTRACK: nf_conntrack_attach
/// then sets no entry), nor one whose host tracks nothing or that the raw
/// table (before conntrack) refused: the reply is then looked up like any
/// packet, and is RELATED only if the connection it is about is in the
/// table (an ICMP error or a reset without one is INVALID).
fn attached(orig: &Packet) -> Related {
    let attaches = orig.ct.as_ref().is_some_and(|ct| !matches!(ct.state, CtState::Invalid | CtState::Untracked));
    ((orig.src, orig.dst, orig.sport, orig.dport), attaches, conntrack::key(orig))
}

/// The reset a host sends for TCP segment `orig`, as Linux makes it (40
/// bytes, 60 over IPv6): RST to a segment with ACK, RST-ACK otherwise. Both
/// REJECT's tcp-reset and a host with no socket for the segment send it.
fn reset_for(orig: &Packet) -> Packet {
    use crate::ext::tcp::{ACK, RST};
    let mut r = super::spec::bare(orig.dst, orig.src, 6, if orig.src.is_ipv4() { 40 } else { 60 });
    r.sport = orig.dport;
    r.dport = orig.sport;
    r.tcp_flags = if orig.tcp_flags & ACK != 0 { RST } else { RST | ACK };
    r
}

/// Whether the kernel may send an ICMP error about `p`: never about an
/// ICMP error or a later fragment.
fn may_answer(p: &Packet) -> bool {
    !is_icmp_error(p) && !p.fragment
}

/// What a reply the kernel makes is about: the tuple of the packet it
/// answers (an ICMP error carries it, and conntrack finds its connection
/// by it on every host), whether the host that makes the reply gives it
/// that packet's entry (see [`attached`]), and that packet's conntrack key
/// (its protocol, and for ICMP its query and direction).
pub type Related = (Tuple, bool, conntrack::Key);

/// An ICMP or ICMPv6 error message (not a query): the kernel never sends
/// an error about one.
fn is_icmp_error(p: &Packet) -> bool {
    match p.proto {
        1 => matches!(p.icmp_type, 3 | 4 | 5 | 11 | 12),
        58 => p.icmp_type < 128,
        _ => false,
    }
}

/// Most hosts one packet may cross: more means the routes loop.
const MAX_HOPS: usize = 32;

/// One course of a packet, part way through its hooks.
struct Partial {
    w: World,
    p: Packet,
    traces: Vec<(Hook, Vec<Event>)>,
    fate: Option<Fate>,
    path: Path,
    /// Index of the next hook of `path`.
    next: usize,
}

/// The identifier fwcheck's pings use (any fixed value: conntrack only
/// needs requests and replies to agree).
pub const PING_ID: u16 = 0x1234;

fn add_hits(w: &mut World, node: usize, family: Family, hits: &[Hit], len: u32) {
    for h in hits {
        let e = w.counters.entry(HitKey::of(node, family, h)).or_default();
        e.0 += 1;
        e.1 += len as u64;
    }
}

fn describe(p: &Packet) -> String {
    match p.proto {
        6 | 17 => format!("{} {}:{} -> {}:{}", if p.proto == 6 { "tcp" } else { "udp" }, p.src, p.sport, p.dst, p.dport),
        1 | 58 => format!("icmp {} -> {} type {}/{}", p.src, p.dst, p.icmp_type, p.icmp_code),
        n => format!("proto {n} {} -> {}", p.src, p.dst),
    }
}

/// The rule set of host `node` with the counters of one world written into
/// it, for listing like `iptables -vnxL`.
pub fn with_counters(rs: &Ruleset, family: Family, w: &World, node: usize) -> Ruleset {
    let mut out = rs.clone();
    for t in out.tables.iter_mut().filter(|t| t.family == family) {
        // A built-in chain the rules never named exists in an
        // iptables-legacy table all the same, and its policy counts.
        let mut missing = Vec::new();
        for hook in t.name.builtin_chains() {
            let key = HitKey { node, family, table: t.name, chain: ChainRef::Missing(*hook), rule: None };
            if t.chain(hook.as_str()).is_none() {
                if let Some((p, b)) = w.counters.get(&key) {
                    missing.push(crate::ir::Chain {
                        name: hook.as_str().to_string(),
                        hook: Some(*hook),
                        policy: Some(crate::ir::Policy::Accept),
                        counters: crate::ir::Counters { packets: *p, bytes: *b },
                        origin: crate::ir::Origin::Implicit,
                        rules: Vec::new(),
                        span: None,
                    });
                }
            }
        }
        for (ix, c) in t.chains.iter_mut().enumerate() {
            let at = ChainRef::At(ix as u32);
            let (p, b) = w.counters.get(&HitKey { node, family, table: t.name, chain: at, rule: None }).copied().unwrap_or_default();
            c.counters = crate::ir::Counters { packets: p, bytes: b };
            for (i, r) in c.rules.iter_mut().enumerate() {
                let (p, b) = w.counters.get(&HitKey { node, family, table: t.name, chain: at, rule: Some(i) }).copied().unwrap_or_default();
                r.counters = crate::ir::Counters { packets: p, bytes: b };
            }
        }
        if !missing.is_empty() {
            t.chains.extend(missing);
            t.chains.sort_by_key(|c| c.hook.map_or(u8::MAX, |h| h as u8));
            t.reindex();
        }
    }
    out
}
