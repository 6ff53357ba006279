//! `-m icmp --icmp-type TYPE` (libipt_icmp): the ICMP type and code range
//! of an IPv4 ICMP packet. `-p icmp --icmp-type 8` loads it implicitly.
//!
//! TYPE is a name from iptables' table (case-insensitive, any unambiguous
//! prefix: `Echo-Req`), or `T`, `T/C` or `T/CMIN:CMAX` in C notation
//! (`0x0a`, `010`). iptables-save always prints it numerically, and only
//! the lower code: `T` for the full code range 0:255, else `T/CMIN`, since
//! libipt_icmp's print function never shows the upper bound. Type 255 is
//! iptables' "any" type, printed as `any` whatever its codes.
//!
//! Unlike tcp and udp, iptables-nft keeps icmp as an xt match, so two
//! `-m icmp` stay two. The match exists only in iptables (IPv4); ip6tables
//! has [`icmp6`](super::icmp6).

use super::value::parse_strtoul;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::{Family, HookMask};
use serde::Serialize;

/// An ICMP (or ICMPv6) type with its code range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct IcmpType {
    pub neg: bool,
    #[serde(rename = "type")]
    pub ty: u8,
    pub code_min: u8,
    pub code_max: u8,
}

impl IcmpType {
    /// `T` for the full code range, else `T/CMIN`.
    pub fn numeric(&self) -> String {
        if self.code_min == 0 && self.code_max == 0xff {
            self.ty.to_string()
        } else {
            format!("{}/{}", self.ty, self.code_min)
        }
    }
}

/// (name, type, lowest code, highest code), in iptables' table order.
pub type IcmpName = (&'static str, u8, u8, u8);

/// The ICMP names of libxt_icmp.h, with their aliases (`pong`, `ping`,
/// `ttl-exceeded`).
pub const ICMP_NAMES: &[IcmpName] = &[
    ("any", 255, 0, 255),
    ("echo-reply", 0, 0, 255),
    ("pong", 0, 0, 255),
    ("destination-unreachable", 3, 0, 255),
    ("network-unreachable", 3, 0, 0),
    ("host-unreachable", 3, 1, 1),
    ("protocol-unreachable", 3, 2, 2),
    ("port-unreachable", 3, 3, 3),
    ("fragmentation-needed", 3, 4, 4),
    ("source-route-failed", 3, 5, 5),
    ("network-unknown", 3, 6, 6),
    ("host-unknown", 3, 7, 7),
    ("network-prohibited", 3, 9, 9),
    ("host-prohibited", 3, 10, 10),
    ("TOS-network-unreachable", 3, 11, 11),
    ("TOS-host-unreachable", 3, 12, 12),
    ("communication-prohibited", 3, 13, 13),
    ("host-precedence-violation", 3, 14, 14),
    ("precedence-cutoff", 3, 15, 15),
    ("source-quench", 4, 0, 255),
    ("redirect", 5, 0, 255),
    ("network-redirect", 5, 0, 0),
    ("host-redirect", 5, 1, 1),
    ("TOS-network-redirect", 5, 2, 2),
    ("TOS-host-redirect", 5, 3, 3),
    ("echo-request", 8, 0, 255),
    ("ping", 8, 0, 255),
    ("router-advertisement", 9, 0, 255),
    ("router-solicitation", 10, 0, 255),
    ("time-exceeded", 11, 0, 255),
    ("ttl-exceeded", 11, 0, 255),
    ("ttl-zero-during-transit", 11, 0, 0),
    ("ttl-zero-during-reassembly", 11, 1, 1),
    ("parameter-problem", 12, 0, 255),
    ("ip-header-bad", 12, 0, 0),
    ("required-option-missing", 12, 1, 1),
    ("timestamp-request", 13, 0, 255),
    ("timestamp-reply", 14, 0, 255),
    ("address-mask-request", 17, 0, 255),
    ("address-mask-reply", 18, 0, 255),
];

/// A type as libipt_icmp / libip6t_icmp6 read it. `what` is `ICMP` or
/// `ICMPv6`, `option` the option name, for messages.
///
/// A name is any case-insensitive prefix of exactly one table entry; a
/// prefix of two entries is ambiguous even when both mean the same type
/// (`ttl` is `ttl-exceeded` or `ttl-zero-during-transit`, `neighbo` is
/// `neighbour-` or `neighbor-solicitation`), as iptables says. Otherwise
/// `T[/C[:C]]`, each number 0 to 255 in C notation.
pub fn parse_icmp_type(neg: bool, s: &str, names: &[IcmpName], what: &str, option: &str) -> ExtResult<IcmpType> {
    let hits: Vec<&IcmpName> = names.iter().filter(|n| s.len() <= n.0.len() && n.0.as_bytes()[..s.len()].eq_ignore_ascii_case(s.as_bytes())).collect();
    match hits.as_slice() {
        [(_, ty, lo, hi)] if !s.is_empty() => return Ok(IcmpType { neg, ty: *ty, code_min: *lo, code_max: *hi }),
        [a, b, ..] if !s.is_empty() => {
            return Err(ExtError::new(format!("ambiguous {what} type `{s}`: `{}` or `{}`", a.0, b.0)).help("write more of the name, or the type number"));
        }
        _ => {}
    }
    let list_help = || format!("write a {what} type name (`{option} echo-request`), a number from 0 to 255, or TYPE/CODE");
    let (t, code) = match s.split_once('/') {
        Some((t, c)) => (t, Some(c)),
        None => (s, None),
    };
    let ty = parse_strtoul(t, 255).ok_or_else(|| ExtError::new(format!("unknown {what} type `{s}`")).help(list_help()))? as u8;
    let (code_min, code_max) = match code {
        None => (0, 255),
        Some(c) => {
            let bad = || ExtError::new(format!("bad {what} code `{c}` in `{s}`")).help("a code is a number from 0 to 255, or a range MIN:MAX");
            let (lo, hi) = match c.split_once(':') {
                Some((lo, hi)) => (lo, hi),
                None => (c, c),
            };
            (parse_strtoul(lo, 255).ok_or_else(bad)? as u8, parse_strtoul(hi, 255).ok_or_else(bad)? as u8)
        }
    };
    Ok(IcmpType { neg, ty, code_min, code_max })
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Icmp {
    /// `--icmp-type`; mandatory.
    pub icmp_type: Option<IcmpType>,
}

/// The match for the prover (see `verify::pred`): type and code range;
/// `any` (255) matches every ICMP packet.
impl Icmp {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::Pred;
        let t = match &self.icmp_type {
            None => Pred::True,
            Some(t) if t.ty == 0xff => Pred::True.negate_if(t.neg),
            Some(t) => t.pred(),
        };
        Pred::and(vec![Pred::not_fragment(), t])
    }
}

impl IcmpType {
    /// The type and code range, with the `!`; shared with icmp6.
    pub fn pred(&self) -> crate::verify::pred::Pred {
        use crate::verify::pred::{Field, Pred};
        Pred::and(vec![Pred::eq(Field::IcmpType, self.ty as u128), Pred::range(Field::IcmpCode, self.code_min as u128, self.code_max as u128)])
            .negate_if(self.neg)
    }
}

impl Extension for Icmp {
    const NAME: &'static str = "icmp";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["icmp-type"], true)];

    fn new(_: &Cx) -> Icmp {
        Icmp::default()
    }

    fn parse(&mut self, _: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.icmp_type.is_some() {
            return Err(ExtError::new("`--icmp-type` given twice").help("a match tests one type; use one rule per type"));
        }
        self.icmp_type = Some(parse_icmp_type(a.neg, a.value, ICMP_NAMES, "ICMP", "--icmp-type")?);
        Ok(())
    }

    fn finish(&mut self, cx: &Cx) -> ExtResult {
        if cx.family == Family::Ipv6 {
            return Err(ExtError::new("ip6tables has no icmp match").help("use `-p ipv6-icmp --icmpv6-type TYPE` (the icmp6 match)"));
        }
        if self.icmp_type.is_none() {
            return Err(ExtError::new("`-m icmp` without `--icmp-type`").help("write `-p icmp --icmp-type echo-request`, or drop `-m icmp`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(t) = &self.icmp_type {
            let v = if t.ty == 255 { "any".to_string() } else { t.numeric() };
            w.opt(t.neg, "icmp-type", v);
        }
    }

    fn restrictions(&self) -> Restrictions {
        Restrictions { protos: Some(&[1]), negated_proto_ok: false, hooks: HookMask::ALL, tables: None }
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `icmp_match` (xt_tcpudp.c): type 255 is iptables' `any` and matches
/// every type and code; otherwise the type must be equal and the code in
/// the inclusive range. A fragment other than the first has no ICMP header
/// and never matches, `!` or not.
impl MatchEval for Icmp {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        if p.fragment {
            return Tri::No;
        }
        match &self.icmp_type {
            None => Tri::Yes,
            Some(t) => Tri::from_bool(t.ty == 0xff || t.type_code_in_range(p)).negate_if(t.neg),
        }
    }
}

impl IcmpType {
    /// `type_code_in_range` (xt_tcpudp.c), shared by ICMP and ICMPv6.
    pub(crate) fn type_code_in_range(&self, p: &Packet) -> bool {
        p.icmp_type == self.ty && self.code_min <= p.icmp_code && p.icmp_code <= self.code_max
    }
}

impl IcmpType {
    /// libxt_icmp's `print_icmptype` with `-n`, after the match name:
    /// `type 8`, `!type 8` (the `!` takes the space), then ` code C` or
    /// ` codes A-B` unless the code range is the full 0-255.
    pub fn list(&self, out: &mut String) {
        out.push_str(if self.neg { " !" } else { "" });
        out.push_str(&format!("type {}", self.ty));
        if self.code_min == self.code_max {
            out.push_str(&format!(" code {}", self.code_min));
        } else if self.code_min != 0 || self.code_max != 0xff {
            out.push_str(&format!(" codes {}-{}", self.code_min, self.code_max));
        }
    }
}

/// ` icmptype 8`, ` icmp !type 8`, ` icmptype 3 code 3`: the name and
/// `type` run together, as libxt_icmp prints them.
impl super::ListForm for Icmp {
    fn list(&self, out: &mut String) {
        out.push_str(" icmp");
        if let Some(t) = &self.icmp_type {
            t.list(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ExtResult<String> {
        parse_icmp_type(false, s, ICMP_NAMES, "ICMP", "--icmp-type").map(|t| if t.ty == 255 { "any".into() } else { t.numeric() })
    }

    #[test]
    fn names_and_numbers() {
        assert_eq!(p("Echo-Req").as_deref(), Ok("8"));
        assert_eq!(p("port-unr").as_deref(), Ok("3/3"));
        assert_eq!(p("255/3").as_deref(), Ok("any"));
        assert_eq!(p("3/2:1").as_deref(), Ok("3/2"));
        assert_eq!(p("3/0:255").as_deref(), Ok("3"));
        assert_eq!(p("0x0a/0x1").as_deref(), Ok("10/1"));
        assert_eq!(p("010").as_deref(), Ok("8"));
        for bad in ["echo", "ttl", "08", "256", "3/256", "3/1:", "3/:2", "3/1:2:3", "any/0", "", "/3", "3/"] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }

    fn eval(spec: &str, p: &Packet) -> Tri {
        use crate::ir::Hook;
        use crate::predict::packet::rule_matches;
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", spec);
        m[0].eval(p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    #[test]
    fn types_and_code_ranges() {
        let ping = Packet::icmp([10, 0, 0, 1], [10, 0, 0, 2], 8, 0);
        let port_unr = Packet::icmp([10, 0, 0, 2], [10, 0, 0, 1], 3, 3);
        assert_eq!(eval("-p icmp --icmp-type echo-request", &ping), Tri::Yes);
        assert_eq!(eval("-p icmp --icmp-type echo-reply", &ping), Tri::No);
        assert_eq!(eval("-p icmp ! --icmp-type echo-request", &ping), Tri::No);
        assert_eq!(eval("-p icmp ! --icmp-type echo-reply", &ping), Tri::Yes);
        assert_eq!(eval("-p icmp --icmp-type destination-unreachable", &port_unr), Tri::Yes);
        assert_eq!(eval("-p icmp --icmp-type port-unreachable", &port_unr), Tri::Yes);
        assert_eq!(eval("-p icmp --icmp-type host-unreachable", &port_unr), Tri::No);
        // Both ends of a code range count.
        assert_eq!(eval("-p icmp --icmp-type 3/1:3", &port_unr), Tri::Yes);
        assert_eq!(eval("-p icmp --icmp-type 3/3:9", &port_unr), Tri::Yes);
        assert_eq!(eval("-p icmp --icmp-type 3/4:9", &port_unr), Tri::No);
        assert_eq!(eval("-p icmp --icmp-type 3/0:2", &port_unr), Tri::No);
    }

    #[test]
    fn any_is_every_type() {
        for p in [Packet::icmp([1, 1, 1, 1], [2, 2, 2, 2], 8, 0), Packet::icmp([1, 1, 1, 1], [2, 2, 2, 2], 42, 200)] {
            assert_eq!(eval("-p icmp --icmp-type any", &p), Tri::Yes);
            assert_eq!(eval("-p icmp ! --icmp-type any", &p), Tri::No);
            assert_eq!(eval("-p icmp --icmp-type 255/3", &p), Tri::Yes);
        }
    }

    #[test]
    fn later_fragments_never_match() {
        let mut p = Packet::icmp([10, 0, 0, 1], [10, 0, 0, 2], 8, 0);
        p.fragment = true;
        for spec in ["-p icmp --icmp-type any", "-p icmp ! --icmp-type echo-reply", "-p icmp --icmp-type 8"] {
            assert_eq!(eval(spec, &p), Tri::No, "{spec}");
        }
    }
}

use crate::translate::nft::{self as nft, RuleCx, TxResult, Untranslatable};

/// nft's name of an ICMP type, else the number.
fn nft_icmp_type(t: u8) -> nft::Expr {
    nft::icmp_type_name(false, t).map_or_else(|| nft::n(t as u32), nft::s)
}

/// `icmp type T` and, for a code range narrower than 0-255, `icmp code
/// C[-D]` (iptables-translate gives up on codes). A negated type with a
/// code range is "not (type and code)", which one nft rule cannot say.
/// Type 255 is iptables' "any": every ICMP packet but a later fragment.
pub fn icmp_to_nft(proto: &str, t: &IcmpType, ty: nft::Expr, cx: &mut RuleCx) -> TxResult {
    let full = t.code_min == 0 && t.code_max == 255;
    if !full && t.neg {
        return Err(Untranslatable::new(format!(
            "a negated {proto} type with a code ({}) is \"not this type and code\", which one nft rule cannot say",
            t.numeric()
        )));
    }
    if t.code_min > t.code_max {
        return Err(Untranslatable::new(format!("the reversed code range {}:{} never matches", t.code_min, t.code_max)));
    }
    cx.push(nft::eq(nft::payload(proto, "type"), t.neg, ty));
    if !full {
        cx.push(nft::eq(nft::payload(proto, "code"), false, nft::num_range(t.code_min as u32, t.code_max as u32)));
    }
    Ok(())
}

impl crate::translate::ToNft for Icmp {
    fn to_nft(&self, cx: &mut RuleCx) -> TxResult {
        // No type, or `any`: like the xt match, no later fragment (it has
        // no ICMP header).
        let t = match &self.icmp_type {
            Some(t) if t.ty == 255 && t.neg => return Err(Untranslatable::new("`! --icmp-type any` never matches")),
            Some(t) if t.ty != 255 => t,
            _ => {
                cx.push(nft::eq(nft::and(nft::payload("ip", "frag-off"), nft::n(0x1fff)), false, nft::n(0)));
                return Ok(());
            }
        };
        icmp_to_nft("icmp", t, nft_icmp_type(t.ty), cx)?;
        cx.implies(1);
        Ok(())
    }
}
