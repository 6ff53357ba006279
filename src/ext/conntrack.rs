//! `-m conntrack` (libxt_conntrack, revision 3): the packet's connection
//! tracking entry: state, protocol, original and reply addresses and ports,
//! status bits, remaining lifetime, and direction. Every option but
//! `--ctdir` may be negated; each may be given once; at least one is needed.
//!
//! What iptables does that surprises:
//! - `--ctstate` and `--ctstatus` items are case-insensitive prefixes
//!   (`est`), printed in fixed order (see [`CTSTATES`], [`CTSTATUS`]);
//!   `--ctstatus NONE` is the empty set, and `NONE,X` is just X.
//! - `--ctproto` is printed as a number (`tcp` is 6, `all` is 0).
//! - Addresses go through getaddrinfo, so an IPv4 address is read like
//!   inet_aton: `10` is 0.0.0.10 and `10.1` is 10.0.0.1 (unlike `-s`, where
//!   `10` is 10.0.0.0). The mask is a prefix length in C notation if it is
//!   one, else an address (`/33` is the non-contiguous 0.0.0.33). The host
//!   bits are kept; iptables-save leaves out a full mask, prints a
//!   contiguous one as `/N`, and silently drops a non-contiguous one.
//! - Ports use xtables' generic parser (like udp): decimal, modulo 65536, a
//!   reversed range kept; `--ctorigsrcport` does not need `--ctproto`.
//! - `--ctexpire` is seconds, `MIN[:MAX]` of 32-bit numbers in C notation.

use super::generic::Neg;
use super::tcp::PortRange;
use super::udp::generic_port_range;
use super::value::{ipv6_to_string, name_list, parse_name_list, parse_proto, parse_strtoul};
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use crate::ir::Family;
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `--ctstate` names in iptables-save order; bit `i` is `CTSTATES[i]`.
pub const CTSTATES: &[&str] = &["INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT"];
/// `--ctstatus` names in iptables-save order; bit `i` is `CTSTATUS[i]`.
pub const CTSTATUS: &[&str] = &["EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED"];

/// An address and mask as given: the host bits are not cleared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct CtAddr {
    pub addr: IpAddr,
    pub mask: IpAddr,
}

impl CtAddr {
    pub fn to_save(&self) -> String {
        let (addr, bits, m) = match (self.addr, self.mask) {
            (IpAddr::V4(a), IpAddr::V4(m)) => (a.to_string(), 32, u32::from(m) as u128),
            (IpAddr::V6(a), IpAddr::V6(m)) => (ipv6_to_string(a), 128, u128::from(m)),
            (a, _) => return a.to_string(),
        };
        let len = m.count_ones();
        let contiguous = m == if len == 0 { 0 } else { (u128::MAX << (128 - len)) >> (128 - bits) };
        if contiguous && len != bits {
            format!("{addr}/{len}")
        } else {
            addr
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Expire {
    pub min: u32,
    pub max: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Dir {
    Original,
    Reply,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Conntrack {
    /// Mask over [`CTSTATES`].
    pub state: Option<Neg<u32>>,
    pub proto: Option<Neg<u8>>,
    pub orig_src: Option<Neg<CtAddr>>,
    pub orig_dst: Option<Neg<CtAddr>>,
    pub repl_src: Option<Neg<CtAddr>>,
    pub repl_dst: Option<Neg<CtAddr>>,
    pub orig_src_port: Option<PortRange>,
    pub orig_dst_port: Option<PortRange>,
    pub repl_src_port: Option<PortRange>,
    pub repl_dst_port: Option<PortRange>,
    /// Mask over [`CTSTATUS`]; 0 is NONE.
    pub status: Option<Neg<u32>>,
    pub expire: Option<Neg<Expire>>,
    pub dir: Option<Dir>,
}

/// An IPv4 address as glibc's `inet_aton` reads it: one to four parts in C
/// notation, the last filling the remaining bytes (`10` is 0.0.0.10, `10.1`
/// is 10.0.0.1).
pub fn inet_aton(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 4 || parts.iter().any(|p| !p.starts_with(|c: char| c.is_ascii_digit())) {
        return None;
    }
    let (last, first) = parts.split_last()?;
    let mut v: u32 = 0;
    for (i, p) in first.iter().enumerate() {
        v |= (super::value::parse_uint(p, 255)? as u32) << (24 - 8 * i);
    }
    let room = 32 - 8 * first.len() as u32;
    let max = if room == 32 { u32::MAX as u64 } else { (1u64 << room) - 1 };
    Some(Ipv4Addr::from(v | super::value::parse_uint(last, max)? as u32))
}

/// `ADDR[/MASK]` as xtables' `XTTYPE_HOSTMASK` reads it (numeric only).
pub fn parse_addr(s: &str, family: Family) -> ExtResult<CtAddr> {
    let (a, m) = match s.split_once('/') {
        Some((a, m)) => (a, Some(m)),
        None => (s, None),
    };
    let host = |a: &str| -> Option<IpAddr> {
        match family {
            Family::Ipv4 => inet_aton(a).map(IpAddr::V4),
            Family::Ipv6 => a.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
        }
    };
    let addr = host(a).ok_or_else(|| {
        let e = ExtError::new(format!("bad address `{a}`"));
        if a.contains(',') {
            e.help("conntrack takes one address (with an optional mask), not a list: use one rule per address")
        } else if a.bytes().any(|b| b.is_ascii_alphabetic()) && (family == Family::Ipv4 || !a.contains(':')) {
            e.help("fwcheck does not resolve host names (iptables would, once, at load time): write the address")
        } else if family == Family::Ipv4 {
            e.help("write an IPv4 address such as 192.168.1.1, optionally with /LEN or /MASK")
        } else {
            e.help("write an IPv6 address such as 2001:db8::1, optionally with /LEN or /MASK")
        }
    })?;
    let bits: u32 = if family == Family::Ipv4 { 32 } else { 128 };
    let from_len = |len: u32| -> IpAddr {
        let m = if len == 0 { 0 } else { (u128::MAX << (128 - len)) >> (128 - bits) };
        match family {
            Family::Ipv4 => IpAddr::V4(Ipv4Addr::from(m as u32)),
            Family::Ipv6 => IpAddr::V6(Ipv6Addr::from(m)),
        }
    };
    let mask = match m {
        None => from_len(bits),
        Some(m) => match parse_strtoul(m, bits as u64) {
            Some(len) => from_len(len as u32),
            None => host(m).ok_or_else(|| {
                ExtError::new(format!("bad mask `/{m}`")).help(format!("write a prefix length from 0 to {bits}, or a mask such as /255.255.255.0"))
            })?,
        },
    };
    Ok(CtAddr { addr, mask })
}

/// `MIN[:MAX]`, `:MAX`, `MIN:` of 32-bit numbers.
pub fn parse_expire(s: &str) -> ExtResult<Expire> {
    let num = |p: &str, default: u32| -> ExtResult<u32> {
        if p.is_empty() {
            return Ok(default);
        }
        parse_strtoul(p, u32::MAX as u64)
            .map(|v| v as u32)
            .ok_or_else(|| ExtError::new(format!("bad expiry `{p}` in `{s}`")).help("write seconds from 0 to 4294967295, as MIN or MIN:MAX"))
    };
    let parts: Vec<&str> = s.split(':').collect();
    match parts.as_slice() {
        [one] if !one.is_empty() => {
            let v = num(one, 0)?;
            Ok(Expire { min: v, max: v })
        }
        [lo, hi] => Ok(Expire { min: num(lo, 0)?, max: num(hi, u32::MAX)? }),
        _ => Err(ExtError::new(format!("bad expiry range `{s}`")).help("write MIN or MIN:MAX seconds")),
    }
}

fn once<T>(slot: &Option<T>, opt: &str) -> ExtResult {
    if slot.is_some() {
        return Err(ExtError::new(format!("`--{opt}` given twice")).help("give each option once per match; list several states with commas"));
    }
    Ok(())
}

impl Conntrack {
    fn is_empty(&self) -> bool {
        *self == Conntrack::default()
    }
}

/// The match for the prover (see `verify::pred`): `--ctstate` on the state
/// field; SNAT, DNAT and every tuple, status and expiry option depend on the
/// conntrack entry, which is not a packet field: free choices.
impl Conntrack {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::Pred;
        let mut v = Vec::new();
        if let Some(s) = &self.state {
            let mut any = vec![super::state::states_pred(s.value & 0x1f)];
            if s.value & STATE_SNAT != 0 {
                any.push(Pred::free("ctstate SNAT"));
            }
            if s.value & STATE_DNAT != 0 {
                any.push(Pred::free("ctstate DNAT"));
            }
            v.push(Pred::or(any).negate_if(s.neg));
        }
        let rest = self.proto.is_some()
            || self.orig_src.is_some()
            || self.orig_dst.is_some()
            || self.repl_src.is_some()
            || self.repl_dst.is_some()
            || self.orig_src_port.is_some()
            || self.orig_dst_port.is_some()
            || self.repl_src_port.is_some()
            || self.repl_dst_port.is_some()
            || self.status.is_some()
            || self.expire.is_some()
            || self.dir.is_some();
        if rest {
            let mut text = String::new();
            self.save(&mut super::SaveWriter { out: &mut text });
            v.push(Pred::free(format!("conntrack entry:{text}")));
        }
        Pred::and(v)
    }
}

impl Extension for Conntrack {
    const NAME: &'static str = "conntrack";
    const OPTIONS: &'static [Opt] = &[
        Opt::value(&["ctstate"], true),
        Opt::value(&["ctproto"], true),
        Opt::value(&["ctorigsrc"], true),
        Opt::value(&["ctorigdst"], true),
        Opt::value(&["ctreplsrc"], true),
        Opt::value(&["ctrepldst"], true),
        Opt::value(&["ctorigsrcport"], true),
        Opt::value(&["ctorigdstport"], true),
        Opt::value(&["ctreplsrcport"], true),
        Opt::value(&["ctrepldstport"], true),
        Opt::value(&["ctstatus"], true),
        Opt::value(&["ctexpire"], true),
        Opt::value(&["ctdir"], false),
    ];

    fn new(_: &Cx) -> Conntrack {
        Conntrack::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, cx: &Cx) -> ExtResult {
        let v = a.value;
        match opt {
            "ctstate" => {
                once(&self.state, opt)?;
                let m = parse_name_list(v, CTSTATES).map_err(|item| {
                    ExtError::new(format!("bad state `{item}` in `{v}`")).help(format!("the states are {}, separated by commas", CTSTATES.join(", ")))
                })?;
                self.state = Some(Neg::new(a.neg, m));
            }
            "ctproto" => {
                once(&self.proto, opt)?;
                self.proto = Some(Neg::new(a.neg, parse_proto(v)?));
            }
            "ctorigsrc" | "ctorigdst" | "ctreplsrc" | "ctrepldst" => {
                let slot = match opt {
                    "ctorigsrc" => &mut self.orig_src,
                    "ctorigdst" => &mut self.orig_dst,
                    "ctreplsrc" => &mut self.repl_src,
                    _ => &mut self.repl_dst,
                };
                once(slot, opt)?;
                *slot = Some(Neg::new(a.neg, parse_addr(v, cx.family)?));
            }
            "ctorigsrcport" | "ctorigdstport" | "ctreplsrcport" | "ctrepldstport" => {
                let slot = match opt {
                    "ctorigsrcport" => &mut self.orig_src_port,
                    "ctorigdstport" => &mut self.orig_dst_port,
                    "ctreplsrcport" => &mut self.repl_src_port,
                    _ => &mut self.repl_dst_port,
                };
                once(slot, opt)?;
                *slot = Some(generic_port_range(a.neg, v)?);
            }
            "ctstatus" => {
                once(&self.status, opt)?;
                let names: Vec<&str> = std::iter::once("NONE").chain(CTSTATUS.iter().copied()).collect();
                let m = parse_name_list(v, &names).map_err(|item| {
                    ExtError::new(format!("bad status `{item}` in `{v}`")).help("the status bits are NONE, EXPECTED, SEEN_REPLY, ASSURED and CONFIRMED")
                })?;
                self.status = Some(Neg::new(a.neg, m >> 1));
            }
            "ctexpire" => {
                once(&self.expire, opt)?;
                self.expire = Some(Neg::new(a.neg, parse_expire(v)?));
            }
            _ => {
                once(&self.dir, opt)?;
                self.dir = Some(if v.eq_ignore_ascii_case("ORIGINAL") {
                    Dir::Original
                } else if v.eq_ignore_ascii_case("REPLY") {
                    Dir::Reply
                } else {
                    return Err(ExtError::new(format!("bad direction `{v}`")).help("write `--ctdir ORIGINAL` or `--ctdir REPLY`"));
                });
            }
        }
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.is_empty() {
            return Err(ExtError::new("`-m conntrack` without options").help("write e.g. `-m conntrack --ctstate RELATED,ESTABLISHED`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(s) = &self.state {
            w.opt(s.neg, "ctstate", name_list(s.value, CTSTATES));
        }
        if let Some(p) = &self.proto {
            w.opt(p.neg, "ctproto", p.value);
        }
        for (name, a) in [("ctorigsrc", &self.orig_src), ("ctorigdst", &self.orig_dst), ("ctreplsrc", &self.repl_src), ("ctrepldst", &self.repl_dst)] {
            if let Some(a) = a {
                w.opt(a.neg, name, a.value.to_save());
            }
        }
        for (name, p) in [
            ("ctorigsrcport", &self.orig_src_port),
            ("ctorigdstport", &self.orig_dst_port),
            ("ctreplsrcport", &self.repl_src_port),
            ("ctrepldstport", &self.repl_dst_port),
        ] {
            if let Some(p) = p {
                w.opt(p.neg, name, p.to_save());
            }
        }
        if let Some(s) = &self.status {
            let v = if s.value == 0 { "NONE".to_string() } else { name_list(s.value, CTSTATUS) };
            w.opt(s.neg, "ctstatus", v);
        }
        if let Some(e) = &self.expire {
            let v = if e.value.min == e.value.max { e.value.min.to_string() } else { format!("{}:{}", e.value.min, e.value.max) };
            w.opt(e.neg, "ctexpire", v);
        }
        match self.dir {
            Some(Dir::Original) => w.opt(false, "ctdir", "ORIGINAL"),
            Some(Dir::Reply) => w.opt(false, "ctdir", "REPLY"),
            None => {}
        }
    }
}

use super::state::{entry, state_bit, NO_CT};
use super::MatchEval;
use crate::predict::{CtDir, EvalCx, Packet, Tri};

/// IPS_SRC_NAT and IPS_DST_NAT of the entry's status.
const IPS_SRC_NAT: u32 = 0x10;
const IPS_DST_NAT: u32 = 0x20;
/// SNAT and DNAT in [`CTSTATES`].
const STATE_SNAT: u32 = 1 << 5;
const STATE_DNAT: u32 = 1 << 6;

/// `conntrack_mt` (xt_conntrack.c). The state test comes first and also
/// sees packets without an entry (INVALID, UNTRACKED); SNAT and DNAT are
/// the entry's IPS_SRC_NAT and IPS_DST_NAT status bits, which NAT sets when
/// it makes the reply tuple differ from the original one. Without an entry
/// the kernel stops there: true if `--ctstate` was given (and passed),
/// false otherwise, whatever the other options and their `!` say. Each
/// other option is a test on the entry, all of which must hold.
impl MatchEval for Conntrack {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        let Some(info) = &p.ct else {
            return Tri::unknown(NO_CT);
        };
        let ct = entry(info);
        if let Some(s) = &self.state {
            let mut bits = state_bit(info.state);
            if let Some(ct) = ct {
                if ct.status & IPS_SRC_NAT != 0 {
                    bits |= STATE_SNAT;
                }
                if ct.status & IPS_DST_NAT != 0 {
                    bits |= STATE_DNAT;
                }
            }
            if (s.value & bits != 0) == s.neg {
                return Tri::No;
            }
        }
        let Some(ct) = ct else {
            return Tri::from_bool(self.state.is_some());
        };
        let ok = self.dir.is_none_or(|d| (d == Dir::Original) == (ct.dir == CtDir::Original))
            && ct_addr(&self.orig_src, ct.orig.0)
            && ct_addr(&self.orig_dst, ct.orig.1)
            && ct_addr(&self.repl_src, ct.reply.0)
            && ct_addr(&self.repl_dst, ct.reply.1)
            && self.proto.as_ref().is_none_or(|x| (ct.proto == x.value) != x.neg)
            && ct_port(&self.orig_src_port, ct.orig.2)
            && ct_port(&self.orig_dst_port, ct.orig.3)
            && ct_port(&self.repl_src_port, ct.reply.2)
            && ct_port(&self.repl_dst_port, ct.reply.3)
            && self.status.as_ref().is_none_or(|s| (s.value & ct.status != 0) != s.neg)
            && self.expire.as_ref().is_none_or(|e| (e.value.min <= ct.expires && ct.expires <= e.value.max) != e.neg);
        Tri::from_bool(ok)
    }
}

/// `conntrack_addrcmp`: equal under the mask. The rule keeps the host bits
/// it was written with, and the mask takes them out of the comparison.
fn ct_addr(a: &Option<Neg<CtAddr>>, have: IpAddr) -> bool {
    a.as_ref().is_none_or(|a| {
        let equal = match (have, a.value.addr, a.value.mask) {
            (IpAddr::V4(k), IpAddr::V4(u), IpAddr::V4(m)) => (u32::from(k) ^ u32::from(u)) & u32::from(m) == 0,
            (IpAddr::V6(k), IpAddr::V6(u), IpAddr::V6(m)) => (u128::from(k) ^ u128::from(u)) & u128::from(m) == 0,
            _ => false,
        };
        equal != a.neg
    })
}

/// `port_match` of revision 3: inclusive, so a reversed range never
/// matches (and always does with `!`).
fn ct_port(r: &Option<PortRange>, port: u16) -> bool {
    r.is_none_or(|r| (r.lo <= port && port <= r.hi) != r.neg)
}

/// libxt_conntrack's print (revision 3): every option given, in the save
/// order, as its option name without `--` and preceded by ` !` when negated
/// (` ! ctstate NEW ctproto 6`); values as iptables-save prints them
/// (states and status by name, protocol as a number, addresses with the
/// host bits kept and a contiguous mask as `/N`, the direction in capitals).
impl super::ListForm for Conntrack {
    fn list(&self, out: &mut String) {
        let mut opt = |neg: bool, name: &str, value: &str| {
            out.push_str(if neg { " ! " } else { " " });
            out.push_str(name);
            out.push(' ');
            out.push_str(value);
        };
        if let Some(s) = &self.state {
            opt(s.neg, "ctstate", &name_list(s.value, CTSTATES));
        }
        if let Some(p) = &self.proto {
            opt(p.neg, "ctproto", &p.value.to_string());
        }
        for (name, a) in [("ctorigsrc", &self.orig_src), ("ctorigdst", &self.orig_dst), ("ctreplsrc", &self.repl_src), ("ctrepldst", &self.repl_dst)] {
            if let Some(a) = a {
                opt(a.neg, name, &a.value.to_save());
            }
        }
        for (name, p) in [
            ("ctorigsrcport", &self.orig_src_port),
            ("ctorigdstport", &self.orig_dst_port),
            ("ctreplsrcport", &self.repl_src_port),
            ("ctrepldstport", &self.repl_dst_port),
        ] {
            if let Some(p) = p {
                opt(p.neg, name, &p.to_save());
            }
        }
        if let Some(s) = &self.status {
            opt(s.neg, "ctstatus", &if s.value == 0 { "NONE".to_string() } else { name_list(s.value, CTSTATUS) });
        }
        if let Some(e) = &self.expire {
            let v = if e.value.min == e.value.max { e.value.min.to_string() } else { format!("{}:{}", e.value.min, e.value.max) };
            opt(e.neg, "ctexpire", &v);
        }
        match self.dir {
            Some(Dir::Original) => opt(false, "ctdir", "ORIGINAL"),
            Some(Dir::Reply) => opt(false, "ctdir", "REPLY"),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a4(s: &str) -> String {
        parse_addr(s, Family::Ipv4).map(|a| a.to_save()).unwrap_or_else(|e| format!("error: {}", e.message))
    }

    #[test]
    fn addresses_like_getaddrinfo() {
        assert_eq!(a4("1.2.3.4/32"), "1.2.3.4");
        assert_eq!(a4("1.2.3.4/255.255.255.0"), "1.2.3.4/24");
        assert_eq!(a4("10.0.0.0/255.0.255.0"), "10.0.0.0");
        assert_eq!(a4("0.0.0.0/0"), "0.0.0.0/0");
        assert_eq!(a4("1.2.3.4/33"), "1.2.3.4");
        assert_eq!(a4("1.2.3.4/0x18"), "1.2.3.4/24");
        assert_eq!(a4("1.2.3.4/024"), "1.2.3.4/20");
        assert_eq!(a4("1.2.3.4/255.255"), "1.2.3.4");
        assert_eq!(a4("10"), "0.0.0.10");
        assert_eq!(a4("10.1"), "10.0.0.1");
        assert_eq!(a4("10.1.2"), "10.1.0.2");
        assert_eq!(a4("0x0a.010.1.2"), "10.8.1.2");
        for bad in ["1.1.1.1,2.2.2.2", "1.2.3.4/", "1.2.3.4/-1", "1.2.3.256", "localhost", ""] {
            assert!(a4(bad).starts_with("error"), "{bad}");
        }
        let a6 = |s: &str| parse_addr(s, Family::Ipv6).map(|a| a.to_save()).unwrap_or_default();
        assert_eq!(a6("2001:db8::1/64"), "2001:db8::1/64");
        assert_eq!(a6("2001:db8::/ffff:0:ffff::"), "2001:db8::");
        assert_eq!(a6("::1/ffff::"), "::1/16");
        assert_eq!(a6("::1.2.3.4"), "::1.2.3.4");
        assert!(parse_addr("::1/129", Family::Ipv6).is_err());
    }

    #[test]
    fn expiry() {
        let e = |s: &str| parse_expire(s).map(|e| (e.min, e.max));
        assert_eq!(e("10:"), Ok((10, u32::MAX)));
        assert_eq!(e(":5"), Ok((0, 5)));
        assert_eq!(e("0x10:20"), Ok((16, 20)));
        assert!(e("4294967296").is_err());
        assert!(e("1:2:3").is_err());
    }

    use crate::ir::Hook;
    use crate::predict::packet::rule_matches;
    use crate::predict::{CtDir, CtInfo, CtState};

    /// An established TCP flow 10.0.0.1:1000 -> 10.0.0.2:22, DNATed to
    /// 192.168.1.2:2222.
    fn ct() -> CtInfo {
        let (c, s, real) = ([10, 0, 0, 1].into(), [10, 0, 0, 2].into(), [192, 168, 1, 2].into());
        CtInfo {
            state: CtState::Established,
            dir: CtDir::Original,
            status: 0x2 | 0x4 | 0x8 | 0x20,
            mark: 0,
            proto: 6,
            orig: (c, s, 1000, 22),
            reply: (real, c, 2222, 1000),
            expires: 300,
        }
    }

    fn eval(spec: &str, ct: Option<CtInfo>) -> Tri {
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", spec);
        let mut p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 1000, 22);
        p.ct = ct.map(Box::new);
        m[0].eval(&p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    fn with(f: impl FnOnce(&mut CtInfo)) -> Option<CtInfo> {
        let mut c = ct();
        f(&mut c);
        Some(c)
    }

    #[test]
    fn states_and_nat_bits() {
        assert_eq!(eval("-m conntrack --ctstate ESTABLISHED", Some(ct())), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctstate NEW", Some(ct())), Tri::No);
        assert_eq!(eval("-m conntrack ! --ctstate NEW", Some(ct())), Tri::Yes);
        // DNAT comes from IPS_DST_NAT; the entry has no IPS_SRC_NAT.
        assert_eq!(eval("-m conntrack --ctstate DNAT", Some(ct())), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctstate SNAT", Some(ct())), Tri::No);
        assert_eq!(eval("-m conntrack ! --ctstate DNAT", Some(ct())), Tri::No);
        assert_eq!(eval("-m conntrack --ctstate SNAT", with(|c| c.status |= 0x10)), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctstate NEW,SNAT", with(|c| c.status |= 0x10)), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctstate NEW", with(|c| c.state = CtState::New)), Tri::Yes);
    }

    #[test]
    fn without_an_entry_only_the_state_counts() {
        let untracked = with(|c| c.state = CtState::Untracked);
        let invalid = with(|c| c.state = CtState::Invalid);
        assert_eq!(eval("-m conntrack --ctstate UNTRACKED", untracked.clone()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctstate INVALID", invalid.clone()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctstate INVALID", untracked.clone()), Tri::No);
        // The NAT bits need an entry.
        assert_eq!(eval("-m conntrack --ctstate DNAT", with(|c| c.state = CtState::Invalid)), Tri::No);
        // A passed state test ends the match: the other options are not looked at.
        assert_eq!(eval("-m conntrack --ctstate INVALID --ctproto 17", invalid.clone()), Tri::Yes);
        assert_eq!(eval("-m conntrack ! --ctstate NEW --ctproto 17", untracked.clone()), Tri::Yes);
        // Without a state test there is nothing to pass: false, even negated.
        assert_eq!(eval("-m conntrack --ctproto 6", invalid), Tri::No);
        assert_eq!(eval("-m conntrack ! --ctproto 17", untracked), Tri::No);
        assert_eq!(eval("-m conntrack --ctstate INVALID", None), Tri::unknown(NO_CT));
        assert_eq!(eval("-m conntrack --ctproto 6", None), Tri::unknown(NO_CT));
    }

    #[test]
    fn tuples_status_expiry_direction() {
        let c = || Some(ct());
        assert_eq!(eval("-m conntrack --ctproto 6", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack ! --ctproto 6", c()), Tri::No);
        assert_eq!(eval("-m conntrack --ctorigdst 10.0.0.2", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctorigdst 10.0.0.0/24", c()), Tri::Yes);
        // Host bits of the rule's address do not count under the mask.
        assert_eq!(eval("-m conntrack --ctorigdst 10.0.0.99/24", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctreplsrc 192.168.1.2", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack ! --ctreplsrc 192.168.1.2", c()), Tri::No);
        assert_eq!(eval("-m conntrack --ctrepldst 10.0.0.2", c()), Tri::No);
        assert_eq!(eval("-m conntrack --ctorigsrcport 1000", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctorigdstport 20:22", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctorigdstport 23:65535", c()), Tri::No);
        assert_eq!(eval("-m conntrack --ctreplsrcport 2222", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack ! --ctrepldstport 1000", c()), Tri::No);
        // A reversed range never matches; negated, it always does.
        assert_eq!(eval("-m conntrack --ctorigdstport 30:20", c()), Tri::No);
        assert_eq!(eval("-m conntrack ! --ctorigdstport 30:20", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctstatus ASSURED", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctstatus EXPECTED", c()), Tri::No);
        assert_eq!(eval("-m conntrack --ctstatus EXPECTED,CONFIRMED", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack ! --ctstatus ASSURED", c()), Tri::No);
        assert_eq!(eval("-m conntrack --ctstatus NONE", c()), Tri::No);
        assert_eq!(eval("-m conntrack ! --ctstatus NONE", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctexpire 300", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctexpire 0:299", c()), Tri::No);
        assert_eq!(eval("-m conntrack ! --ctexpire 0:299", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctdir ORIGINAL", c()), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctdir REPLY", c()), Tri::No);
        assert_eq!(eval("-m conntrack --ctdir REPLY", with(|c| c.dir = CtDir::Reply)), Tri::Yes);
        assert_eq!(eval("-m conntrack --ctstate ESTABLISHED --ctproto 17", c()), Tri::No);
    }

    #[test]
    fn ipv6_tuples() {
        let (a, b): (IpAddr, IpAddr) = ("2001:db8::1".parse().unwrap(), "2001:db8::2".parse().unwrap());
        let info =
            CtInfo { state: CtState::New, dir: CtDir::Original, status: 0, mark: 0, proto: 17, orig: (a, b, 5000, 53), reply: (b, a, 53, 5000), expires: 30 };
        let m = rule_matches(Family::Ipv6, "filter", "INPUT", "-m conntrack --ctorigsrc 2001:db8::/64");
        let mut p = Packet::udp(a, b, 5000, 53);
        p.ct = Some(Box::new(info));
        assert_eq!(m[0].eval(&p, &EvalCx { hook: Hook::Input, local: &[], lab: None }), Tri::Yes);
    }
}

use crate::translate::nft::{self as nft, RuleCx, TxResult, Untranslatable};

/// `ct original ip saddr 10.0.0.0/8`: the mask applies to both sides, as
/// in the kernel's comparison (iptables keeps the host bits).
fn ct_addr_to_nft(cx: &mut RuleCx, dir: nftables::expr::CTDir, field: &str, a: &Option<Neg<CtAddr>>) {
    let Some(a) = a else { return };
    let key = format!("{} {field}", cx.ip());
    let (bits, addr, mask): (u32, u128, u128) = match (a.value.addr, a.value.mask) {
        (IpAddr::V4(x), IpAddr::V4(m)) => (32, u32::from(x) as u128, u32::from(m) as u128),
        (IpAddr::V6(x), IpAddr::V6(m)) => (128, u128::from(x), u128::from(m)),
        _ => return,
    };
    let to_ip = |v: u128| if bits == 32 { IpAddr::V4(Ipv4Addr::from(v as u32)) } else { IpAddr::V6(Ipv6Addr::from(v)) };
    let masked = super::generic::AddrMask { addr: to_ip(addr & mask), mask: to_ip(mask) };
    cx.push(super::generic::addr_match(nft::ct_dir(&key, dir), &masked, a.neg));
}

/// `ct state`, `ct original protocol`, `ct original ip saddr`, `ct reply
/// proto-dst`, `ct status`, `ct direction`. The SNAT and DNAT pseudo-states
/// are the conntrack status bits of the same names (`ct status dnat`).
/// `--ctexpire` is left untranslated: xt_conntrack compares whole seconds
/// and nft milliseconds, so the bounds do not match the same entries.
impl crate::translate::ToNft for Conntrack {
    fn to_nft(&self, cx: &mut RuleCx) -> TxResult {
        use nftables::expr::CTDir;
        if let Some(s) = &self.state {
            let nat = s.value & (0b11 << 5);
            let plain = s.value & 0b11111;
            match (plain != 0, nat != 0) {
                (true, false) => cx.push(super::state::ct_state_stmt(plain, s.neg)),
                (false, true) if !s.neg => {
                    let names = [(1 << 5, "snat"), (1 << 6, "dnat")].iter().filter(|(b, _)| nat & b != 0).map(|(_, n)| *n).collect();
                    cx.push(nft::flags(nft::ct("status"), false, names));
                }
                (false, true) => {
                    return Err(Untranslatable::new(
                        "a negated --ctstate SNAT/DNAT also matches packets without a connection, which nft's `ct status` never matches",
                    ))
                }
                _ => return Err(Untranslatable::new("--ctstate mixing SNAT/DNAT with other states is \"either\", which one nft rule cannot say")),
            }
        }
        if let Some(p) = &self.proto {
            cx.push(nft::eq(nft::ct_dir("protocol", CTDir::Original), p.neg, nft::n(p.value as u32)));
        }
        ct_addr_to_nft(cx, CTDir::Original, "saddr", &self.orig_src);
        ct_addr_to_nft(cx, CTDir::Original, "daddr", &self.orig_dst);
        ct_addr_to_nft(cx, CTDir::Reply, "saddr", &self.repl_src);
        ct_addr_to_nft(cx, CTDir::Reply, "daddr", &self.repl_dst);
        for (dir, key, p) in [
            (CTDir::Original, "proto-src", &self.orig_src_port),
            (CTDir::Original, "proto-dst", &self.orig_dst_port),
            (CTDir::Reply, "proto-src", &self.repl_src_port),
            (CTDir::Reply, "proto-dst", &self.repl_dst_port),
        ] {
            let Some(p) = p else { continue };
            // nft reads a ct port only with a protocol it knows from an
            // earlier `ct original protocol X` or the rule's `-p`
            // (otherwise "Can't parse symbolic invalid expressions", also
            // for what iptables-translate writes); xt_conntrack compares
            // the tuple's port whatever the protocol.
            if !self.proto.as_ref().is_some_and(|p| !p.neg) && cx.proto.is_none() {
                return Err(Untranslatable::new(format!(
                    "--ct{}{}port without --ctproto or -p: nft reads `ct {} {key}` only for a protocol it knows (add `--ctproto tcp` or `-p tcp` if that is what the rule means)",
                    if dir == CTDir::Original { "orig" } else { "repl" },
                    if key == "proto-src" { "src" } else { "dst" },
                    if dir == CTDir::Original { "original" } else { "reply" },
                )));
            }
            if p.lo > p.hi {
                return Err(Untranslatable::new(format!("the reversed port range {}:{} never matches; nft has no reversed range", p.lo, p.hi)));
            }
            cx.push(nft::eq(nft::ct_dir(key, dir), p.neg, nft::num_range(p.lo as u32, p.hi as u32)));
        }
        if let Some(s) = &self.status {
            if s.value == 0 {
                return Err(Untranslatable::new("--ctstatus NONE tests no bit (it never matches, or always when negated); nft has no such test"));
            }
            let names =
                ["expected", "seen-reply", "assured", "confirmed"].iter().enumerate().filter(|(i, _)| s.value & (1 << i) != 0).map(|(_, n)| *n).collect();
            cx.push(nft::flags(nft::ct("status"), s.neg, names));
        }
        if self.expire.is_some() {
            return Err(Untranslatable::new("--ctexpire counts whole seconds and nft's `ct expiration` milliseconds, so the same bounds select other entries"));
        }
        if let Some(d) = self.dir {
            cx.push(nft::eq(nft::ct("direction"), false, nft::s(if d == Dir::Original { "original" } else { "reply" })));
        }
        Ok(())
    }
}
