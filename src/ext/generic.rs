//! The IP header part of every rule: `-s`, `-d`, `-p`, `-i`, `-o`, `-f`.
//!
//! In iptables these are not an extension but the `ipt_ip`/`ip6t_ip6`
//! struct every rule carries; they still get their own file here, beside the
//! extensions, because they parse, print and (later) evaluate the same way.

use super::value::{parse_addr, parse_proto, proto_name};
use super::ExtError;
use crate::ir::Family;
use serde::Serialize;
use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A value with its `!`. Negation is a field of every option, never a
/// special case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Neg<T> {
    pub neg: bool,
    pub value: T,
}

impl<T> Neg<T> {
    pub fn new(neg: bool, value: T) -> Neg<T> {
        Neg { neg, value }
    }
    fn bang(&self) -> &'static str {
        if self.neg {
            " !"
        } else {
            ""
        }
    }
}

/// An address and a mask. The mask may be non-contiguous
/// (`10.0.0.0/255.0.255.0`), which the kernel accepts; the address is kept
/// with the host bits cleared, as the kernel stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct AddrMask {
    pub addr: IpAddr,
    pub mask: IpAddr,
}

impl AddrMask {
    /// `a.b.c.d`, `a.b.c.d/len` or `a.b.c.d/m.m.m.m` (and IPv6 forms).
    pub fn parse(s: &str, family: Family) -> Result<AddrMask, ExtError> {
        let (a, m) = match s.split_once('/') {
            Some((a, m)) => (a, Some(m)),
            None => (s, None),
        };
        let parsed = match family {
            Family::Ipv4 => xtables_ipv4(a).map(IpAddr::V4).ok_or(()),
            Family::Ipv6 => Err(()),
        };
        let addr = parsed.or_else(|_| parse_addr(a, family)).map_err(|e| {
            if a.bytes().any(|b| b.is_ascii_alphabetic()) && !a.contains(':') {
                ExtError::new(format!("host name `{a}` in an address"))
                    .help("fwcheck does not resolve host names (iptables would, once, at load time): write the address")
            } else {
                e
            }
        })?;
        let bits = if family == Family::Ipv4 { 32 } else { 128 };
        let mask: u128 = match m {
            None => mask_of_len(bits, bits),
            Some(m) if !m.contains('.') && !m.contains(':') => {
                // strtoul base 0, as xtables reads it: `/024` is 20.
                let len = crate::ext::value::parse_uint(m, u32::MAX as u64).map_or(u32::MAX, |v| v as u32);
                if len > bits {
                    return Err(ExtError::new(format!("invalid mask `/{m}`")).help(format!("a prefix length is 0 to {bits} for this family")));
                }
                mask_of_len(len, bits)
            }
            Some(m) => match parse_addr(m, family) {
                Ok(IpAddr::V4(v)) => u32::from(v) as u128,
                Ok(IpAddr::V6(v)) => u128::from(v),
                Err(_) => return Err(ExtError::new(format!("invalid mask `/{m}`")).help("write a prefix length (`/24`) or a dotted mask (`/255.255.255.0`)")),
            },
        };
        Ok(AddrMask { addr: from_bits(to_bits(addr) & mask, family), mask: from_bits(mask, family) })
    }

    fn family(&self) -> Family {
        if self.addr.is_ipv4() {
            Family::Ipv4
        } else {
            Family::Ipv6
        }
    }

    /// The prefix length, if the mask is contiguous.
    pub fn prefix_len(&self) -> Option<u32> {
        let bits = if self.family() == Family::Ipv4 { 32 } else { 128 };
        let m = to_bits(self.mask);
        let len = m.count_ones();
        (m == mask_of_len(len, bits)).then_some(len)
    }

    /// Matches every address (`0.0.0.0/0`): iptables prints nothing then.
    pub fn is_any(&self) -> bool {
        to_bits(self.mask) == 0
    }

    /// `10.0.0.0/8`, or `10.0.0.0/255.0.255.0` for a non-contiguous mask.
    pub fn to_save(&self) -> String {
        match self.prefix_len() {
            Some(len) => format!("{}/{}", self.addr, len),
            None => format!("{}/{}", self.addr, self.mask),
        }
    }
}

/// An IPv4 address as xtables' `numeric_to_ipaddr` reads it: up to four
/// dot-separated parts, each a number in C notation (`010` is octal, `0x0a`
/// hex) up to 255, missing parts zero on the right: `10` is 10.0.0.0.
fn xtables_ipv4(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut b = [0u8; 4];
    for (i, p) in parts.iter().enumerate() {
        b[i] = crate::ext::value::parse_uint(p, 255)? as u8;
    }
    Some(Ipv4Addr::from(b))
}

fn mask_of_len(len: u32, bits: u32) -> u128 {
    if len == 0 {
        0
    } else {
        (u128::MAX << (128 - len)) >> (128 - bits)
    }
}

/// An address as a number, IPv4 in the low 32 bits.
pub fn to_bits(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v) => u32::from(v) as u128,
        IpAddr::V6(v) => u128::from(v),
    }
}

fn from_bits(b: u128, family: Family) -> IpAddr {
    match family {
        Family::Ipv4 => IpAddr::V4(Ipv4Addr::from(b as u32)),
        Family::Ipv6 => IpAddr::V6(Ipv6Addr::from(b)),
    }
}

/// An interface name, possibly ending in `+` (every name with that prefix).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Iface(pub String);

impl Iface {
    /// Interface names are at most 15 bytes (IFNAMSIZ - 1).
    pub fn parse(s: &str) -> Result<Iface, ExtError> {
        if s.is_empty() {
            return Err(ExtError::new("empty interface name").help("write a name such as eth0, or a prefix such as eth+"));
        }
        if s.len() > 15 {
            return Err(ExtError::new(format!("interface name `{s}` is longer than 15 characters")).help("Linux interface names have at most 15 characters"));
        }
        Ok(Iface(s.to_string()))
    }
}

/// `-s -d -p -i -o -f` of one rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct IpMatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src: Option<Neg<AddrMask>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dst: Option<Neg<AddrMask>>,
    /// Protocol number; `-p all` (0) is kept as `None`, as the kernel does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proto: Option<Neg<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iniface: Option<Neg<Iface>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outiface: Option<Neg<Iface>>,
    /// `-f` (IPv4 only): `Some(false)` for `-f`, `Some(true)` for `! -f`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragment: Option<bool>,
}

impl IpMatch {
    pub fn set_proto(&mut self, neg: bool, s: &str) -> Result<(), ExtError> {
        let p = parse_proto(s)?;
        if p == 0 && neg {
            // `! -p all` matches nothing; iptables rejects it.
            return Err(ExtError::new("`! -p all` can never match").help("remove the rule, or name a protocol"));
        }
        self.proto = if p == 0 { None } else { Some(Neg::new(neg, p)) };
        Ok(())
    }

    /// The protocol number if `-p` is given and not negated.
    pub fn proto_positive(&self) -> Option<u8> {
        self.proto.as_ref().filter(|p| !p.neg).map(|p| p.value)
    }

    /// iptables-save order: `-s -d -i -o -p -f`.
    pub fn save(&self, out: &mut String) {
        if let Some(s) = self.src.as_ref().filter(|s| s.neg || !s.value.is_any()) {
            let _ = write!(out, "{} -s {}", s.bang(), s.value.to_save());
        }
        if let Some(d) = self.dst.as_ref().filter(|d| d.neg || !d.value.is_any()) {
            let _ = write!(out, "{} -d {}", d.bang(), d.value.to_save());
        }
        // A lone `+` matches every interface and is not printed.
        if let Some(i) = self.iniface.as_ref().filter(|i| i.neg || i.value.0 != "+") {
            let _ = write!(out, "{} -i {}", i.bang(), i.value.0);
        }
        if let Some(o) = self.outiface.as_ref().filter(|o| o.neg || o.value.0 != "+") {
            let _ = write!(out, "{} -o {}", o.bang(), o.value.0);
        }
        if let Some(p) = &self.proto {
            let _ = write!(out, "{} -p {}", p.bang(), proto_name(p.value));
        }
        if let Some(neg) = self.fragment {
            out.push_str(if neg { " ! -f" } else { " -f" });
        }
    }
}

impl AddrMask {
    /// Whether `a` is in the network (same family, same masked bits).
    pub fn contains(&self, a: IpAddr) -> bool {
        a.is_ipv4() == self.addr.is_ipv4() && to_bits(a) & to_bits(self.mask) == to_bits(self.addr)
    }
}

impl Iface {
    /// `eth+` matches every name starting with `eth`; otherwise the name
    /// must be equal (the kernel compares up to IFNAMSIZ).
    pub fn matches(&self, name: &str) -> bool {
        match self.0.strip_suffix('+') {
            Some(prefix) => name.starts_with(prefix),
            None => name == self.0,
        }
    }
}

impl IpMatch {
    /// The rule's IP header part on a packet (ipt_do_table's `ip_packet_match`).
    /// A missing interface (an input interface on a locally generated packet)
    /// matches no name, as the kernel compares against an empty name.
    pub fn eval(&self, p: &crate::predict::Packet) -> crate::predict::Tri {
        use crate::predict::Tri;
        let iface = |i: &Option<Neg<Iface>>, have: &Option<String>| match i {
            None => true,
            Some(i) => i.value.matches(have.as_deref().unwrap_or("")) != i.neg,
        };
        let ok = self.src.as_ref().is_none_or(|s| s.value.contains(p.src) != s.neg)
            && self.dst.as_ref().is_none_or(|d| d.value.contains(p.dst) != d.neg)
            && self.proto.as_ref().is_none_or(|x| (x.value == p.proto) != x.neg)
            && iface(&self.iniface, &p.iif)
            && iface(&self.outiface, &p.oif)
            && self.fragment.is_none_or(|neg| p.fragment != neg);
        Tri::from_bool(ok)
    }
}

/// The IP header part for the prover (see `verify::pred`): addresses under
/// their masks, the protocol, interface patterns and `-f`.
impl IpMatch {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::{Dir, Field, Pred};
        let mut v = Vec::new();
        for (f, a) in [(Field::Src, &self.src), (Field::Dst, &self.dst)] {
            if let Some(a) = a {
                v.push(Pred::masked(f, to_bits(a.value.mask), to_bits(a.value.addr)).negate_if(a.neg));
            }
        }
        if let Some(p) = &self.proto {
            v.push(Pred::eq(Field::Proto, p.value as u128).negate_if(p.neg));
        }
        for (dir, i) in [(Dir::In, &self.iniface), (Dir::Out, &self.outiface)] {
            if let Some(i) = i {
                v.push(Pred::Iface { dir, name: i.value.0.clone() }.negate_if(i.neg));
            }
        }
        if let Some(neg) = self.fragment {
            v.push(Pred::eq(Field::Fragment, 1).negate_if(neg));
        }
        Pred::and(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        AddrMask::parse(s, if s.contains(':') { Family::Ipv6 } else { Family::Ipv4 }).unwrap().to_save()
    }

    #[test]
    fn masks_are_normalised_like_the_kernel() {
        assert_eq!(norm("10.1.2.3/8"), "10.0.0.0/8");
        assert_eq!(norm("1.2.3.4"), "1.2.3.4/32");
        assert_eq!(norm("10.0.0.0/255.255.0.0"), "10.0.0.0/16");
        assert_eq!(norm("10.1.2.3/255.0.255.0"), "10.0.2.0/255.0.255.0");
        assert_eq!(norm("2001:db8::1/32"), "2001:db8::/32");
        assert_eq!(norm("10"), "10.0.0.0/32");
        assert_eq!(norm("0x0a.0.0.1/024"), "10.0.0.0/20");
        assert_eq!(norm("010.0.0.1"), "8.0.0.1/32");
        assert!(AddrMask::parse("1.2.3.4/33", Family::Ipv4).is_err());
        assert!(AddrMask::parse("::1", Family::Ipv4).is_err());
    }
}

use crate::translate::nft::{self as nft, RuleCx, TxResult};

/// An interface name as nft writes it: iptables' `eth+` is nft's `eth*`.
fn nft_iface(i: &Iface) -> String {
    match i.0.strip_suffix('+') {
        Some(prefix) => format!("{prefix}*"),
        None => i.0.clone(),
    }
}

/// An address and mask: a plain address, a prefix, or `& mask == addr` for
/// a non-contiguous mask.
pub fn addr_match(left: nft::Expr, a: &AddrMask, neg: bool) -> nft::Stmt {
    let bits = if a.addr.is_ipv4() { 32 } else { 128 };
    match a.prefix_len() {
        Some(len) if len == bits => nft::eq(left, neg, nft::addr_expr(a.addr)),
        Some(len) => nft::eq(left, neg, nft::prefix(a.addr, len)),
        None => nft::eq(nft::and(left, nft::addr_expr(a.mask)), neg, nft::addr_expr(a.addr)),
    }
}

/// nft's name for a protocol when nft surely knows it, else the number.
pub fn nft_proto(p: u8) -> nft::Expr {
    match p {
        1 => nft::s("icmp"),
        6 => nft::s("tcp"),
        17 => nft::s("udp"),
        58 => nft::s("ipv6-icmp"),
        50 => nft::s("esp"),
        51 => nft::s("ah"),
        47 => nft::s("gre"),
        132 => nft::s("sctp"),
        33 => nft::s("dccp"),
        136 => nft::s("udplite"),
        n => nft::n(n as u32),
    }
}

/// `-i -o -f -p -s -d`, in iptables-translate's order. `-p X` is left out
/// when a later statement (`tcp dport 22`) already requires X: nft adds
/// that dependency itself.
impl crate::translate::ToNft for IpMatch {
    fn to_nft(&self, cx: &mut RuleCx) -> TxResult {
        use nftables::expr::MetaKey;
        if let Some(i) = &self.iniface {
            if i.neg || i.value.0 != "+" {
                cx.push(nft::eq(nft::meta(MetaKey::Iifname), i.neg, nft::s(nft_iface(&i.value))));
            }
        }
        if let Some(o) = &self.outiface {
            if o.neg || o.value.0 != "+" {
                cx.push(nft::eq(nft::meta(MetaKey::Oifname), o.neg, nft::s(nft_iface(&o.value))));
            }
        }
        if let Some(neg) = self.fragment {
            // `-f`: a fragment other than the first (offset != 0).
            cx.push(nft::eq(nft::and(nft::payload("ip", "frag-off"), nft::n(0x1fff)), !neg, nft::n(0)));
        }
        if let Some(p) = &self.proto {
            if p.neg || !cx.implied_protos.contains(&p.value) {
                let left = match cx.family {
                    Family::Ipv4 => nft::payload("ip", "protocol"),
                    Family::Ipv6 => nft::meta(MetaKey::L4proto),
                };
                cx.push(nft::eq(left, p.neg, nft_proto(p.value)));
            }
        }
        let ip = cx.ip();
        for (field, a) in [("saddr", &self.src), ("daddr", &self.dst)] {
            if let Some(a) = a {
                if a.neg || !a.value.is_any() {
                    cx.push(addr_match(nft::payload(ip, field), &a.value, a.neg));
                }
            }
        }
        Ok(())
    }
}
