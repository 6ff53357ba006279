//! The host the rule set runs on: its interfaces and addresses, and the
//! sysctls that change what happens to packets.

use crate::netfilter::Path;
use serde::Serialize;
use std::net::IpAddr;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Iface {
    pub name: String,
    /// Addresses with prefix lengths.
    pub addrs: Vec<(IpAddr, u8)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Host {
    pub ifaces: Vec<Iface>,
    /// net.ipv4.icmp_echo_ignore_all: echo requests still pass INPUT, but
    /// the kernel sends no reply.
    pub icmp_echo_ignore_all: bool,
    /// net.ipv4.ip_forward / net.ipv6.conf.all.forwarding.
    pub ip_forward: bool,
    /// Whether the addresses were given, or assumed (see [`Host::assumed`]).
    pub assumed: bool,
}

fn in_prefix(net: IpAddr, len: u8, a: IpAddr) -> bool {
    match (net, a) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let m = if len == 0 { 0 } else { u32::MAX << (32 - len.min(32)) };
            u32::from(n) & m == u32::from(a) & m
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let m = if len == 0 { 0 } else { u128::MAX << (128 - len.min(128)) };
            u128::from(n) & m == u128::from(a) & m
        }
        _ => false,
    }
}

impl Host {
    /// The loopback interface with its usual addresses.
    pub fn lo() -> Iface {
        Iface { name: "lo".into(), addrs: vec![("127.0.0.1".parse().expect("literal"), 8), ("::1".parse().expect("literal"), 128)] }
    }

    /// A host fwcheck was told nothing about: it owns `dst`, on `eth0`. The
    /// prediction says that it assumed this.
    pub fn assumed(dst: IpAddr) -> Host {
        let len = if dst.is_ipv4() { 32 } else { 128 };
        Host { ifaces: vec![Host::lo(), Iface { name: "eth0".into(), addrs: vec![(dst, len)] }], icmp_echo_ignore_all: false, ip_forward: false, assumed: true }
    }

    pub fn local_addrs(&self) -> Vec<(IpAddr, u8)> {
        self.ifaces.iter().flat_map(|i| i.addrs.iter().copied()).collect()
    }

    pub fn is_local(&self, a: IpAddr) -> bool {
        self.ifaces.iter().any(|i| i.addrs.iter().any(|(x, _)| *x == a))
    }

    /// The interface packets to or from `peer` use: the one whose prefix
    /// holds it, else the first interface that is not loopback (the default
    /// route's, as in the tutorial's `default via ... dev eth0`).
    pub fn iface_for(&self, peer: IpAddr) -> String {
        if self.is_local(peer) {
            return "lo".into();
        }
        self.ifaces
            .iter()
            .find(|i| i.addrs.iter().any(|(n, l)| in_prefix(*n, *l, peer)))
            .or_else(|| self.ifaces.iter().find(|i| i.name != "lo"))
            .map_or_else(|| "eth0".into(), |i| i.name.clone())
    }

    /// The way a packet from `src` to `dst` takes through this host.
    pub fn path(&self, src: IpAddr, dst: IpAddr) -> Path {
        if self.is_local(src) {
            Path::LocalOut
        } else if self.is_local(dst) {
            Path::LocalIn
        } else {
            Path::Forward
        }
    }
}
