//! Value parsers shared by extensions: numbers the way iptables reads them,
//! ports and service names, protocols, ranges, marks, addresses.

use super::{ExtError, ExtResult};
use crate::ir::Family;
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

/// A number as iptables' `xtables_strtoul` reads it: C's `strtoul` with base
/// 0, so `0x10` is hex and `010` is octal.
pub fn parse_uint(s: &str, max: u64) -> Option<u64> {
    let v = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()?
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()?
    } else {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()?
    };
    (v <= max).then_some(v)
}

/// A number as `xtables_strtoul` really reads it: [`parse_uint`] after
/// the leading white space and one `+` that C's `strtoul` skips, so
/// `--length +5` is 5.
pub fn parse_strtoul(s: &str, max: u64) -> Option<u64> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    parse_uint(t.strip_prefix('+').unwrap_or(t), max)
}

/// A comma list of names as iptables' state, conntrack and addrtype parsers
/// read it: each item is compared with `strncasecmp(item, NAME,
/// strlen(item))`, so any case-insensitive prefix of a name selects it (the
/// first name in `names` order wins); an empty item is an error. Returns
/// the mask with bit `i` set for `names[i]`, or the item that matched no
/// name.
pub fn parse_name_list<'s>(s: &'s str, names: &[&str]) -> Result<u32, &'s str> {
    let mut mask = 0;
    for item in s.split(',') {
        let i = names
            .iter()
            .position(|n| !item.is_empty() && item.len() <= n.len() && n.as_bytes()[..item.len()].eq_ignore_ascii_case(item.as_bytes()))
            .ok_or(item)?;
        mask |= 1 << i;
    }
    Ok(mask)
}

/// The names of the bits set in `mask`, comma-separated, in `names` order.
pub fn name_list(mask: u32, names: &[&str]) -> String {
    names.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, n)| *n).collect::<Vec<_>>().join(",")
}

/// An IPv6 address as glibc's `inet_ntop` prints it (what iptables-save
/// shows): RFC 5952 compression of the first longest run of two or more
/// zero groups, and the last 32 bits dotted for IPv4-mapped (`::ffff:a.b.c.d`)
/// and IPv4-compatible (`::a.b.c.d`) addresses, which Rust prints as hex.
pub fn ipv6_to_string(a: Ipv6Addr) -> String {
    use std::fmt::Write;
    let w = a.segments();
    // The first longest run of zero groups, if at least two long.
    let (mut best, mut cur): ((usize, usize), Option<(usize, usize)>) = ((0, 0), None);
    for (i, g) in w.iter().enumerate() {
        if *g == 0 {
            let c = cur.get_or_insert((i, 0));
            c.1 += 1;
            if c.1 > best.1 {
                best = *c;
            }
        } else {
            cur = None;
        }
    }
    let (base, len) = if best.1 >= 2 { best } else { (usize::MAX, 0) };
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if i == base {
            out.push(':');
            i += len;
            if i == 8 {
                out.push(':');
            }
            continue;
        }
        if i != 0 {
            out.push(':');
        }
        if i == 6 && base == 0 && (len == 6 || (len == 5 && w[5] == 0xffff)) {
            let o = a.octets();
            let _ = write!(out, "{}.{}.{}.{}", o[12], o[13], o[14], o[15]);
            break;
        }
        let _ = write!(out, "{:x}", w[i]);
        i += 1;
    }
    out
}

/// A plain decimal number (what iptables reads with base 10).
pub fn parse_dec(s: &str, max: u64) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|v| *v <= max)
}

/// `/etc/services` of Debian's netbase package, which is what iptables'
/// `getservbyname` reads on the machines fwcheck is checked against.
const SERVICES: &str = include_str!("data/services");
/// `/etc/protocols` of Debian's netbase package.
const PROTOCOLS: &str = include_str!("data/protocols");

/// (name or alias, port, protocol) of every service.
fn services() -> &'static Vec<(&'static str, u16, &'static str)> {
    static S: OnceLock<Vec<(&'static str, u16, &'static str)>> = OnceLock::new();
    S.get_or_init(|| {
        let mut v = Vec::new();
        for line in SERVICES.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut f = line.split_whitespace();
            let (Some(name), Some(pp)) = (f.next(), f.next()) else { continue };
            let Some((port, proto)) = pp.split_once('/') else { continue };
            let Ok(port) = port.parse() else { continue };
            v.push((name, port, proto));
            for alias in f {
                v.push((alias, port, proto));
            }
        }
        v
    })
}

/// (name or alias, number) of every protocol.
fn protocols() -> &'static Vec<(&'static str, u8)> {
    static P: OnceLock<Vec<(&'static str, u8)>> = OnceLock::new();
    P.get_or_init(|| {
        let mut v = Vec::new();
        for line in PROTOCOLS.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut f = line.split_whitespace();
            let (Some(name), Some(num)) = (f.next(), f.next()) else { continue };
            let Ok(num) = num.parse() else { continue };
            v.push((name, num));
            for alias in f {
                v.push((alias, num));
            }
        }
        v
    })
}

/// The port of a service name (case-sensitive, as getservbyname), for one
/// protocol or any.
pub fn services_port(name: &str, proto: Option<&str>) -> Option<u16> {
    services().iter().find(|(n, _, p)| *n == name && proto.is_none_or(|want| *p == want)).map(|(_, port, _)| *port)
}

/// A port by number or by service name, for protocol `proto` (`tcp`, `udp`
/// …), like `xtables_parse_port`.
pub fn parse_port(s: &str, proto: &str) -> ExtResult<u16> {
    if let Some(v) = parse_dec(s, 65535) {
        return Ok(v as u16);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() {
        return Err(ExtError::new(format!("port `{s}` is out of range")).help("ports are 0 to 65535"));
    }
    services().iter().find(|(n, _, p)| *n == s && *p == proto).map(|(_, port, _)| *port).ok_or_else(|| {
        ExtError::new(format!("invalid port/service `{s}`")).help(format!("give a number from 0 to 65535 or a {proto} service name from /etc/services"))
    })
}

/// `a:b`, `a:` (to 65535), `:b` (from 0) or a single port. A reversed range
/// is an error, as in iptables (`invalid portrange specified`).
pub fn parse_port_range(s: &str, proto: &str) -> ExtResult<(u16, u16)> {
    let (lo, hi) = match s.split_once(':') {
        None => {
            let p = parse_port(s, proto)?;
            (p, p)
        }
        Some((a, b)) => {
            let lo = if a.is_empty() { 0 } else { parse_port(a, proto)? };
            let hi = if b.is_empty() { 65535 } else { parse_port(b, proto)? };
            (lo, hi)
        }
    };
    if lo > hi {
        return Err(ExtError::new(format!("invalid port range `{s}`: {lo} is greater than {hi}")).help(format!("write the lower port first: `{hi}:{lo}`")));
    }
    Ok((lo, hi))
}

/// A protocol by name (`/etc/protocols`, plus the names iptables knows
/// itself) or number. `all` is 0.
pub fn parse_proto(s: &str) -> ExtResult<u8> {
    let lower = s.to_ascii_lowercase();
    if let Some(v) = parse_uint(&lower, 255) {
        return Ok(v as u8);
    }
    // xtables_chain_protos in libxtables/xtables.c: names iptables knows even
    // without /etc/protocols.
    let builtin = [
        ("tcp", 6),
        ("sctp", 132),
        ("udp", 17),
        ("udplite", 136),
        ("icmp", 1),
        ("icmpv6", 58),
        ("ipv6-icmp", 58),
        ("esp", 50),
        ("ah", 51),
        ("ipv6-mh", 135),
        ("mh", 135),
        ("all", 0),
    ];
    if let Some((_, n)) = builtin.iter().find(|(n, _)| *n == lower) {
        return Ok(*n);
    }
    protocols()
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, n)| *n)
        .ok_or_else(|| ExtError::new(format!("unknown protocol `{s}`")).help("give a protocol name such as tcp, udp, icmp, or a number from 0 to 255"))
}

/// The name iptables-save prints for a protocol number: the official name
/// in `/etc/protocols` (getprotobynumber), else the number; 0 is `all`.
pub fn proto_name(n: u8) -> String {
    if n == 0 {
        return "all".into();
    }
    protocols().iter().find(|(_, p)| *p == n).map(|(name, _)| name.to_string()).unwrap_or_else(|| n.to_string())
}

/// A `value[/mask]` pair such as `--mark 0x1/0xff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ValueMask {
    pub value: u32,
    pub mask: u32,
}

impl ValueMask {
    pub fn parse(s: &str) -> ExtResult<ValueMask> {
        let bad = || ExtError::new(format!("bad value `{s}`")).help("write VALUE or VALUE/MASK, numbers up to 0xffffffff");
        let (v, m) = match s.split_once('/') {
            Some((v, m)) => (v, Some(m)),
            None => (s, None),
        };
        let value = parse_uint(v, u32::MAX as u64).ok_or_else(bad)? as u32;
        let mask = match m {
            Some(m) => parse_uint(m, u32::MAX as u64).ok_or_else(bad)? as u32,
            None => u32::MAX,
        };
        Ok(ValueMask { value, mask })
    }

    /// `0x1` or `0x1/0xff`, as xtables prints marks.
    pub fn to_save(self) -> String {
        if self.mask == u32::MAX {
            format!("{:#x}", self.value)
        } else {
            format!("{:#x}/{:#x}", self.value, self.mask)
        }
    }
}

/// An address of the family.
pub fn parse_addr(s: &str, family: Family) -> ExtResult<IpAddr> {
    match family {
        Family::Ipv4 => s.parse::<Ipv4Addr>().map(IpAddr::V4).map_err(|_| {
            let e = ExtError::new(format!("bad IPv4 address `{s}`"));
            if s.parse::<Ipv6Addr>().is_ok() {
                e.help("this is an IPv6 address: use ip6tables, or pass -6 for an ip6tables-save file")
            } else {
                e.help("write a dotted quad such as 192.168.1.1")
            }
        }),
        Family::Ipv6 => s.parse::<Ipv6Addr>().map(IpAddr::V6).map_err(|_| {
            let e = ExtError::new(format!("bad IPv6 address `{s}`"));
            if s.parse::<Ipv4Addr>().is_ok() {
                e.help("this is an IPv4 address: use iptables, not ip6tables")
            } else {
                e.help("write an IPv6 address such as 2001:db8::1")
            }
        }),
    }
}

/// A range `lo-hi` of addresses, as iprange takes it.
pub fn parse_addr_range(s: &str, family: Family) -> ExtResult<(IpAddr, IpAddr)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    Ok((parse_addr(a, family)?, parse_addr(b, family)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_like_strtoul() {
        assert_eq!(parse_uint("0x10", 255), Some(16));
        assert_eq!(parse_uint("010", 255), Some(8));
        assert_eq!(parse_uint("0", 255), Some(0));
        assert_eq!(parse_uint("256", 255), None);
        assert_eq!(parse_uint("-1", 255), None);
    }

    #[test]
    fn strtoul_skips_space_and_plus() {
        assert_eq!(parse_strtoul("+5", 255), Some(5));
        assert_eq!(parse_strtoul(" 0x10", 255), Some(16));
        assert_eq!(parse_strtoul("+-5", 255), None);
        assert_eq!(parse_strtoul("", 255), None);
    }

    #[test]
    fn name_lists_take_prefixes() {
        let names = ["UNSPEC", "UNICAST", "LOCAL"];
        assert_eq!(parse_name_list("u,loc", &names), Ok(0b101));
        assert_eq!(parse_name_list("UNICAST,unicast", &names), Ok(0b010));
        assert_eq!(parse_name_list("LOCAL,", &names), Err(""));
        assert_eq!(parse_name_list("LOCALX", &names), Err("LOCALX"));
        assert_eq!(name_list(0b101, &names), "UNSPEC,LOCAL");
    }

    #[test]
    fn ipv6_like_glibc() {
        let f = |s: &str| ipv6_to_string(s.parse().unwrap());
        assert_eq!(f("::"), "::");
        assert_eq!(f("::1"), "::1");
        assert_eq!(f("1::"), "1::");
        assert_eq!(f("2001:DB8:0:0::1"), "2001:db8::1");
        assert_eq!(f("2001:db8:0:1:0:0:0:1"), "2001:db8:0:1::1");
        assert_eq!(f("1:0:2:3:4:5:6:7"), "1:0:2:3:4:5:6:7");
        assert_eq!(f("1:0:0:2:0:0:3:4"), "1::2:0:0:3:4");
        assert_eq!(f("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(f("::1.2.3.4"), "::1.2.3.4");
        assert_eq!(f("::0.0.1.2"), "::102");
    }

    #[test]
    fn ports_and_ranges() {
        assert_eq!(parse_port("ssh", "tcp"), Ok(22));
        assert_eq!(parse_port_range(":1024", "tcp"), Ok((0, 1024)));
        assert_eq!(parse_port_range("1024:", "tcp"), Ok((1024, 65535)));
        assert!(parse_port_range("3:1", "tcp").is_err());
        assert!(parse_port("65536", "tcp").is_err());
        assert_eq!(parse_proto("TCP"), Ok(6));
        assert_eq!(parse_proto("gre"), Ok(47));
        assert_eq!(proto_name(47), "gre");
        assert_eq!(proto_name(135), "mobility-header");
        assert_eq!(parse_proto("0x11"), Ok(17));
    }
}
