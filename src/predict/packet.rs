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
    pub ct: Option<CtInfo>,
    /// The sending socket of a locally generated packet.
    pub owner: Option<SocketOwner>,
    /// Bridge ports (in, out) of a bridged packet; `None` when not bridged.
    pub physdev: Option<(Option<String>, Option<String>)>,
}

/// What a match may know besides the packet: the hook, and the addresses of
/// the host (for addrtype).
#[derive(Clone, Debug)]
pub struct EvalCx<'a> {
    pub hook: Hook,
    /// Addresses configured on the host, with their prefix lengths.
    pub local: &'a [(IpAddr, u8)],
}

impl EvalCx<'_> {
    pub fn is_local(&self, a: IpAddr) -> bool {
        self.local.iter().any(|(l, _)| *l == a)
    }
}
