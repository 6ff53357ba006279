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
    /// Ethernet address: what `-m mac --mac-source` sees on the host at the
    /// other end of a wire. `None` when not known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac: Option<[u8; 6]>,
}

impl Iface {
    pub fn new(name: &str, addrs: Vec<(IpAddr, u8)>) -> Iface {
        Iface { name: name.to_string(), addrs, mac: None }
    }
}

/// A route as `ip route add DST [via GW] [dev DEV]` gives it; `default`
/// is `0.0.0.0/0` or `::/0`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Route {
    pub dst: (IpAddr, u8),
    pub via: Option<IpAddr>,
    pub dev: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Host {
    pub ifaces: Vec<Iface>,
    /// Routes besides those of the interfaces' own prefixes.
    pub routes: Vec<Route>,
    /// net.ipv4.icmp_echo_ignore_all: echo requests still pass INPUT, but
    /// the kernel sends no reply.
    pub icmp_echo_ignore_all: bool,
    /// net.ipv4.ip_forward / net.ipv6.conf.all.forwarding.
    pub ip_forward: bool,
    /// Whether the addresses were given, or assumed (see [`Host::assumed`]).
    pub assumed: bool,
    /// Whether `routes` are all the host's routes (a scenario's namespace):
    /// then an address no route covers is unreachable, as the kernel's FIB
    /// says. Otherwise fwcheck does not know, and [`Host::iface_for`]
    /// takes the first interface.
    pub routes_complete: bool,
}

/// Whether `a` is in `net/len`.
pub fn in_prefix(net: IpAddr, len: u8, a: IpAddr) -> bool {
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
    /// A host with these interfaces, no routes, and the kernel's default
    /// sysctls (echo answered, no forwarding).
    pub fn new(ifaces: Vec<Iface>) -> Host {
        Host { ifaces, routes: Vec::new(), icmp_echo_ignore_all: false, ip_forward: false, assumed: false, routes_complete: false }
    }

    /// The loopback interface with its usual addresses.
    pub fn lo() -> Iface {
        Iface::new("lo", vec![("127.0.0.1".parse().expect("literal"), 8), ("::1".parse().expect("literal"), 128)])
    }

    /// A host fwcheck was told nothing about: it owns `dst`, on `eth0`. The
    /// prediction says that it assumed this.
    pub fn assumed(dst: IpAddr) -> Host {
        let len = if dst.is_ipv4() { 32 } else { 128 };
        Host { assumed: true, ..Host::new(vec![Host::lo(), Iface::new("eth0", vec![(dst, len)])]) }
    }

    pub fn local_addrs(&self) -> Vec<(IpAddr, u8)> {
        self.ifaces.iter().flat_map(|i| i.addrs.iter().copied()).collect()
    }

    pub fn is_local(&self, a: IpAddr) -> bool {
        self.ifaces.iter().any(|i| i.addrs.iter().any(|(x, _)| *x == a))
    }

    /// The interface packets to or from `peer` use, as the kernel's route
    /// lookup picks it: the longest prefix among the interfaces' own
    /// prefixes and the routes (a route's `dev`, or the interface whose
    /// prefix holds its gateway), else the first interface that is not
    /// loopback.
    pub fn iface_for(&self, peer: IpAddr) -> String {
        self.route(peer).unwrap_or_else(|| self.ifaces.iter().find(|i| i.name != "lo").map_or_else(|| "eth0".into(), |i| i.name.clone()))
    }

    /// Whether the host has no route to `peer`, as far as it is known.
    pub fn unreachable(&self, peer: IpAddr) -> bool {
        self.routes_complete && self.route(peer).is_none()
    }

    /// The interface of the longest prefix (an interface's own, or a
    /// route's) that covers `peer`; `lo` for a local address.
    fn route(&self, peer: IpAddr) -> Option<String> {
        if self.is_local(peer) {
            return Some("lo".into());
        }
        fn consider<'h>(best: &mut Option<(u8, &'h str)>, len: u8, dev: &'h str) {
            if best.is_none_or(|(l, _)| len > l) {
                *best = Some((len, dev));
            }
        }
        let mut best: Option<(u8, &str)> = None;
        for i in &self.ifaces {
            for (n, l) in &i.addrs {
                if in_prefix(*n, *l, peer) {
                    consider(&mut best, *l, &i.name);
                }
            }
        }
        for r in &self.routes {
            if r.dst.0.is_ipv4() != peer.is_ipv4() || !in_prefix(r.dst.0, r.dst.1, peer) {
                continue;
            }
            let dev = r.dev.as_deref().or_else(|| {
                let gw = r.via?;
                self.ifaces.iter().find(|i| i.addrs.iter().any(|(n, l)| *n == gw || in_prefix(*n, *l, gw))).map(|i| i.name.as_str())
            });
            if let Some(d) = dev {
                consider(&mut best, r.dst.1, d);
            }
        }
        best.map(|(_, d)| d.to_string())
    }

    /// The source address this host gives a packet it sends to `peer`: the
    /// first address of its family on the interface toward `peer`.
    pub fn addr_toward(&self, peer: IpAddr) -> Option<IpAddr> {
        let dev = self.iface_for(peer);
        let fam = |a: &IpAddr| a.is_ipv4() == peer.is_ipv4();
        let on = |i: &Iface| i.addrs.iter().map(|a| a.0).find(fam);
        self.ifaces.iter().find(|i| i.name == dev).and_then(on).or_else(|| self.ifaces.iter().filter(|i| i.name != "lo").find_map(on))
    }

    pub fn iface(&self, name: &str) -> Option<&Iface> {
        self.ifaces.iter().find(|i| i.name == name)
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
