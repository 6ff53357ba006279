//! The packet model matches are evaluated against.
//!
//! It holds what netfilter's matches can look at for one packet at one hook:
//! the IP header, the transport header, the interfaces, the firewall mark,
//! the link layer, the conntrack entry and, for locally generated packets,
//! the sending socket. Lengths are what iptables counters count: the IP
//! packet's total length.

use crate::ir::{Family, Hook};
use serde::Serialize;
use std::borrow::Cow;
use std::net::IpAddr;

/// Yes, no, or "cannot say from the packet alone", with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Tri {
    Yes,
    No,
    Unknown(Cow<'static, str>),
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }

    pub fn unknown(reason: impl Into<Cow<'static, str>>) -> Tri {
        Tri::Unknown(reason.into())
    }

    /// `!self`, as `!` before an option: unknown stays unknown.
    pub fn negate_if(self, neg: bool) -> Tri {
        match (self, neg) {
            (Tri::Yes, true) => Tri::No,
            (Tri::No, true) => Tri::Yes,
            (t, _) => t,
        }
    }

    /// Both must hold: No wins over Unknown, Unknown over Yes.
    pub fn and(self, other: impl FnOnce() -> Tri) -> Tri {
        match self {
            Tri::No => Tri::No,
            Tri::Yes => other(),
            Tri::Unknown(r) => match other() {
                Tri::No => Tri::No,
                _ => Tri::Unknown(r),
            },
        }
    }
}

/// Conntrack state of the packet, as `-m state` / `--ctstate` see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CtState {
    Invalid,
    New,
    Related,
    Established,
    Untracked,
}

/// Direction of the packet in its connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CtDir {
    Original,
    Reply,
}

/// The packet's conntrack entry, as the conntrack and connmark matches see
/// it. Tuples are (src, dst, sport, dport) of each direction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CtInfo {
    pub state: CtState,
    pub dir: CtDir,
    /// IPS_* status bits (kernel values: EXPECTED 1, SEEN_REPLY 2, ASSURED 4,
    /// CONFIRMED 8, SRC_NAT 16, DST_NAT 32).
    pub status: u32,
    pub mark: u32,
    pub proto: u8,
    pub orig: (IpAddr, IpAddr, u16, u16),
    pub reply: (IpAddr, IpAddr, u16, u16),
    /// Seconds until the entry expires.
    pub expires: u32,
}

/// Link-layer class of the packet (skb->pkt_type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PktType {
    /// Unicast to this host (also every locally generated packet).
    Host,
    Broadcast,
    Multicast,
    /// Unicast to another host.
    OtherHost,
}

/// The socket that sent a locally generated packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SocketOwner {
    pub uid: u32,
    pub gid: u32,
    /// Supplementary groups of the user.
    pub groups: Vec<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Packet {
    pub family: Family,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// IP protocol number (for IPv6 the upper-layer protocol).
    pub proto: u8,
    /// IPv4 total length; IPv6 payload length + 40. What counters count.
    pub len: u32,
    /// TTL or hop limit.
    pub ttl: u8,
    /// A fragment other than the first (what `-f` matches); such a packet
    /// has no transport header, so port and flag matches do not match it.
    pub fragment: bool,
    /// Ports of tcp, udp, udplite, sctp and dccp; 0 otherwise.
    pub sport: u16,
    pub dport: u16,
    /// TCP flags byte (FIN 0x01 … URG 0x20); 0 for other protocols.
    pub tcp_flags: u8,
    /// Kinds of the TCP options present.
    pub tcp_options: Vec<u8>,
    /// ICMP or ICMPv6 type and code; 0 for other protocols.
    pub icmp_type: u8,
    pub icmp_code: u8,
    /// Input interface; `None` for locally generated packets.
    pub iif: Option<String>,
    /// Output interface; `None` before routing (PREROUTING, INPUT).
    pub oif: Option<String>,
    /// Firewall mark (skb->mark).
    pub mark: u32,
    /// Ethernet source address, for packets that came in on an interface.
    pub src_mac: Option<[u8; 6]>,
    pub pkt_type: PktType,
    /// The conntrack entry; `None` when connection tracking is off.
    /// Boxed, like the other large and rarely set parts: a packet is moved
    /// many times on its way through the hooks, and a small one moves fast.
    pub ct: Option<Box<CtInfo>>,
    /// The sending socket of a locally generated packet.
    pub owner: Option<Box<SocketOwner>>,
    /// Bridge ports (in, out) of a bridged packet; `None` when not bridged.
    pub physdev: Option<Box<(Option<String>, Option<String>)>>,
}

/// What a match may know besides the packet: the hook, and the addresses of
/// the host (for addrtype).
#[derive(Clone, Debug)]
pub struct EvalCx<'a> {
    pub hook: Hook,
    /// Addresses configured on the host, with their prefix lengths.
    pub local: &'a [(IpAddr, u8)],
    /// A lab host's interfaces: their addresses make its whole local
    /// routing table (no anycast routes, each address on a known
    /// interface), which decides `-m addrtype` fully over IPv4.
    pub lab: Option<&'a [crate::predict::host::Iface]>,
}

impl EvalCx<'_> {
    pub fn is_local(&self, a: IpAddr) -> bool {
        self.local.iter().any(|(l, _)| *l == a)
    }
}

/// Builders for the common packets, mostly for tests: the addresses decide
/// the family (the source's, if they differ), and everything not given is
/// empty: TTL 64, unicast to this host, no interfaces, no mark, no
/// conntrack entry, no socket, not bridged, not a fragment.
impl Packet {
    /// A TCP packet of 60 bytes over IPv4 (20 IP + 20 TCP + 20 options, a
    /// typical SYN), or 80 over IPv6 (the IPv6 header is 40), no flags.
    pub fn tcp(src: impl Into<IpAddr>, dst: impl Into<IpAddr>, sport: u16, dport: u16) -> Packet {
        Packet { sport, dport, ..Packet::base(src.into(), dst.into(), 6, 40) }
    }

    /// A UDP packet without payload: 28 bytes over IPv4, 48 over IPv6; add
    /// the payload with [`Packet::payload`].
    pub fn udp(src: impl Into<IpAddr>, dst: impl Into<IpAddr>, sport: u16, dport: u16) -> Packet {
        Packet { sport, dport, ..Packet::base(src.into(), dst.into(), 17, 8) }
    }

    /// An ICMP packet (ICMPv6 for IPv6 addresses) without payload: 28 bytes
    /// over IPv4, 48 over IPv6.
    pub fn icmp(src: impl Into<IpAddr>, dst: impl Into<IpAddr>, icmp_type: u8, icmp_code: u8) -> Packet {
        let (src, dst) = (src.into(), dst.into());
        let proto = if src.is_ipv4() { 1 } else { 58 };
        Packet { icmp_type, icmp_code, ..Packet::base(src, dst, proto, 8) }
    }

    /// `bytes` more of payload: counted in [`Packet::len`].
    pub fn payload(mut self, bytes: u32) -> Packet {
        self.len = self.len.saturating_add(bytes);
        self
    }

    /// A packet of protocol `proto` whose transport header and payload take
    /// `l4_len` bytes, everything else unset.
    pub fn base(src: IpAddr, dst: IpAddr, proto: u8, l4_len: u32) -> Packet {
        let (family, ip_len) = if src.is_ipv4() { (Family::Ipv4, 20) } else { (Family::Ipv6, 40) };
        Packet {
            family,
            src,
            dst,
            proto,
            len: ip_len + l4_len,
            ttl: 64,
            fragment: false,
            sport: 0,
            dport: 0,
            tcp_flags: 0,
            tcp_options: Vec::new(),
            icmp_type: 0,
            icmp_code: 0,
            iif: None,
            oif: None,
            mark: 0,
            src_mac: None,
            pkt_type: PktType::Host,
            ct: None,
            owner: None,
            physdev: None,
        }
    }
}

/// The extension matches of one rule, loaded the way iptables-restore
/// would load `-A CHAIN SPEC` into TABLE; for the match tests.
#[cfg(test)]
pub(crate) fn rule_matches(family: Family, table: &str, chain: &str, spec: &str) -> Vec<crate::ext::Match> {
    use crate::load::{load_str, LoadOptions};
    let text = format!("*{table}\n-A {chain} {spec}\nCOMMIT\n");
    let (sources, loaded) = load_str("test", &text, &LoadOptions { save_family: Some(family), netns: None, lenient: false });
    let Some(rs) = loaded.ruleset else {
        let errors: Vec<String> = loaded.diagnostics.iter().map(|d| d.short(&sources)).collect();
        panic!("`{spec}` does not load: {}", errors.join("; "));
    };
    let rule = rs.tables.iter().flat_map(|t| &t.chains).flat_map(|c| &c.rules).next();
    rule.map(|r| r.matches.clone()).unwrap_or_default()
}
