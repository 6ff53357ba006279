//! `-m iprange [!] --src-range FROM[-TO] [!] --dst-range FROM[-TO]`
//! (libxt_iprange, revision 1): the source or destination address lies in
//! an inclusive range.
//!
//! Addresses are numeric only; IPv4 ones are read the lenient xtables way
//! (`10.1` is 10.1.0.0, `010` octal, `0x0a` hex). A single address is the
//! range ADDR-ADDR, and a reversed range is accepted (the kernel only warns
//! that it never matches). iptables-save prints `--src-range` first and
//! always both ends; IPv6 addresses as inet_ntop writes them.

use super::generic::{AddrMask, Neg};
use super::value::ipv6_to_string;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use crate::ir::Family;
use serde::Serialize;
use std::net::IpAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct AddrRange {
    pub from: IpAddr,
    pub to: IpAddr,
}

impl AddrRange {
    pub fn to_save(&self) -> String {
        let f = |a: IpAddr| match a {
            IpAddr::V4(v) => v.to_string(),
            IpAddr::V6(v) => ipv6_to_string(v),
        };
        format!("{}-{}", f(self.from), f(self.to))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Iprange {
    pub src: Option<Neg<AddrRange>>,
    pub dst: Option<Neg<AddrRange>>,
}

/// One numeric address of the family (no mask, no host name).
fn addr(s: &str, whole: &str, family: Family) -> ExtResult<IpAddr> {
    if s.contains('/') {
        return Err(ExtError::new(format!("`{whole}` has a mask")).help("iprange takes FROM-TO; for a network use `-s ADDR/LEN`"));
    }
    AddrMask::parse(s, family).map(|a| a.addr).map_err(|e| ExtError { message: format!("bad range `{whole}`: {}", e.message), help: e.help })
}

/// `FROM` or `FROM-TO`, as libxt_iprange's `iprange_parse_range` reads it.
pub fn parse_range(s: &str, family: Family) -> ExtResult<AddrRange> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    Ok(AddrRange { from: addr(a, s, family)?, to: addr(b, s, family)? })
}

/// The match for the prover (see `verify::pred`): address ranges.
impl Iprange {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::{addr_bits, Field, Pred};
        let side = |f: Field, r: &Option<Neg<AddrRange>>| match r {
            None => Pred::True,
            Some(r) => Pred::range(f, addr_bits(r.value.from), addr_bits(r.value.to)).negate_if(r.neg),
        };
        Pred::and(vec![side(Field::Src, &self.src), side(Field::Dst, &self.dst)])
    }
}

impl Extension for Iprange {
    const NAME: &'static str = "iprange";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["src-range"], true), Opt::value(&["dst-range"], true)];

    fn new(_: &Cx) -> Iprange {
        Iprange::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, cx: &Cx) -> ExtResult {
        let slot = if opt == "src-range" { &mut self.src } else { &mut self.dst };
        if slot.is_some() {
            return Err(ExtError::new(format!("`--{opt}` given twice")).help("a match takes one range each way; use several rules or `-m set` for more"));
        }
        *slot = Some(Neg::new(a.neg, parse_range(a.value, cx.family)?));
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.src.is_none() && self.dst.is_none() {
            return Err(ExtError::new("`-m iprange` without a range").help("write `-m iprange --src-range 10.0.0.1-10.0.0.9` (or --dst-range)"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        for (name, r) in [("src-range", &self.src), ("dst-range", &self.dst)] {
            if let Some(r) = r {
                w.opt(r.neg, name, r.value.to_save());
            }
        }
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `iprange_mt4` / `iprange_mt6` (xt_iprange.c): FROM <= address <= TO,
/// compared as numbers, so a reversed range never matches (and always does
/// with `!`); both given ranges must hold.
impl MatchEval for Iprange {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        let holds = |r: &Option<Neg<AddrRange>>, a: IpAddr| r.as_ref().is_none_or(|r| r.value.contains(a) != r.neg);
        Tri::from_bool(holds(&self.src, p.src) && holds(&self.dst, p.dst))
    }
}

impl AddrRange {
    /// Whether `a` lies in the inclusive range; an address of the other
    /// family does not.
    pub fn contains(&self, a: IpAddr) -> bool {
        match (self.from, a, self.to) {
            (IpAddr::V4(f), IpAddr::V4(a), IpAddr::V4(t)) => f <= a && a <= t,
            (IpAddr::V6(f), IpAddr::V6(a), IpAddr::V6(t)) => f <= a && a <= t,
            _ => false,
        }
    }
}

/// libxt_iprange's print (revision 1): ` source IP range [!] FROM-TO`, then
/// ` destination IP range [!] FROM-TO`; a single address prints as a
/// range of one (`1.1.1.1-1.1.1.1`).
impl super::ListForm for Iprange {
    fn list(&self, out: &mut String) {
        for (name, r) in [("source", &self.src), ("destination", &self.dst)] {
            if let Some(r) = r {
                out.push_str(&format!(" {name} IP range{} {}", if r.neg { " !" } else { "" }, r.value.to_save()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let r = |s: &str, f| parse_range(s, f).map(|r| r.to_save());
        assert_eq!(r("1.1.1.1", Family::Ipv4).as_deref(), Ok("1.1.1.1-1.1.1.1"));
        assert_eq!(r("10.1-10.2", Family::Ipv4).as_deref(), Ok("10.1.0.0-10.2.0.0"));
        assert_eq!(r("010.0.0.1-0x0a.0.0.2", Family::Ipv4).as_deref(), Ok("8.0.0.1-10.0.0.2"));
        assert_eq!(r("10.0.0.9-10.0.0.1", Family::Ipv4).as_deref(), Ok("10.0.0.9-10.0.0.1"));
        assert_eq!(r("2001:DB8:0:0::1-::ffff:1.2.3.4", Family::Ipv6).as_deref(), Ok("2001:db8::1-::ffff:1.2.3.4"));
        for bad in ["10.0.0.1/24", "10.0.0.1-10.0.0.300", "10.0.0.1-", "1.1.1.1-1.1.1.2-1.1.1.3", "localhost-1.1.1.1", "::1-::2"] {
            assert!(parse_range(bad, Family::Ipv4).is_err(), "{bad}");
        }
        assert!(parse_range("1.1.1.1-1.1.1.2", Family::Ipv6).is_err());
    }

    fn eval(family: Family, spec: &str, p: &Packet) -> Tri {
        use crate::ir::Hook;
        use crate::predict::packet::rule_matches;
        let m = rule_matches(family, "filter", "INPUT", spec);
        m[0].eval(p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    #[test]
    fn inclusive_ranges() {
        let v4 = Family::Ipv4;
        let p = |src: [u8; 4]| Packet::tcp(src, [192, 168, 0, 1], 1000, 22);
        assert_eq!(eval(v4, "-m iprange --src-range 10.0.0.1-10.0.0.9", &p([10, 0, 0, 1])), Tri::Yes);
        assert_eq!(eval(v4, "-m iprange --src-range 10.0.0.1-10.0.0.9", &p([10, 0, 0, 9])), Tri::Yes);
        assert_eq!(eval(v4, "-m iprange --src-range 10.0.0.1-10.0.0.9", &p([10, 0, 0, 0])), Tri::No);
        assert_eq!(eval(v4, "-m iprange --src-range 10.0.0.1-10.0.0.9", &p([10, 0, 0, 10])), Tri::No);
        assert_eq!(eval(v4, "-m iprange ! --src-range 10.0.0.1-10.0.0.9", &p([10, 0, 0, 10])), Tri::Yes);
        assert_eq!(eval(v4, "-m iprange ! --src-range 10.0.0.1-10.0.0.9", &p([10, 0, 0, 5])), Tri::No);
        // Numeric order across octets.
        assert_eq!(eval(v4, "-m iprange --src-range 10.0.0.250-10.0.1.5", &p([10, 0, 1, 0])), Tri::Yes);
        assert_eq!(eval(v4, "-m iprange --src-range 10.0.0.5", &p([10, 0, 0, 5])), Tri::Yes);
        // Reversed: never, and always when negated.
        assert_eq!(eval(v4, "-m iprange --src-range 10.0.0.9-10.0.0.1", &p([10, 0, 0, 5])), Tri::No);
        assert_eq!(eval(v4, "-m iprange ! --src-range 10.0.0.9-10.0.0.1", &p([10, 0, 0, 5])), Tri::Yes);
        assert_eq!(eval(v4, "-m iprange --src-range 10.0.0.1-10.0.0.9 --dst-range 192.168.0.1-192.168.0.1", &p([10, 0, 0, 5])), Tri::Yes);
        assert_eq!(eval(v4, "-m iprange --src-range 10.0.0.1-10.0.0.9 ! --dst-range 192.168.0.1", &p([10, 0, 0, 5])), Tri::No);
    }

    #[test]
    fn ipv6_ranges() {
        let a = |s: &str| s.parse::<std::net::Ipv6Addr>().unwrap();
        let p = Packet::udp(a("2001:db8::1:0"), a("2001:db8::1"), 1, 2);
        assert_eq!(eval(Family::Ipv6, "-m iprange --src-range 2001:db8::ffff-2001:db8::2:0", &p), Tri::Yes);
        assert_eq!(eval(Family::Ipv6, "-m iprange --src-range 2001:db8::-2001:db8::ffff", &p), Tri::No);
        assert_eq!(eval(Family::Ipv6, "-m iprange ! --dst-range 2001:db8::1", &p), Tri::No);
    }
}

/// `ip saddr 10.0.0.1-10.0.0.9` (one address without a range).
impl crate::translate::ToNft for Iprange {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        use crate::translate::nft::{self, Untranslatable};
        let ip = cx.ip();
        for (field, r) in [("saddr", &self.src), ("daddr", &self.dst)] {
            let Some(r) = r else { continue };
            let (a, b) = (r.value.from, r.value.to);
            let right = if a == b {
                nft::addr_expr(a)
            } else if a < b {
                nft::range(nft::addr_expr(a), nft::addr_expr(b))
            } else {
                return Err(Untranslatable::new(format!("the reversed range {a}-{b} never matches; nft has no reversed range")));
            };
            cx.push(nft::eq(nft::payload(ip, field), r.neg, right));
        }
        Ok(())
    }
}
