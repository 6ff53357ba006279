//! `-m icmp6 --icmpv6-type TYPE` (libip6t_icmp6): the ICMPv6 type and code
//! range, ip6tables only. `-p ipv6-icmp` (also written `icmpv6` or `58`)
//! followed by `--icmpv6-type` loads it implicitly, and `-m icmpv6` and
//! `-m ipv6-icmp` are aliases (xtables_find_match maps them to `icmp6`).
//!
//! TYPE is read like the IPv4 [`icmp`](super::icmp) match's, with the
//! ICMPv6 names; both `neighbour-` and `neighbor-` spellings exist. There is
//! no `any` name, and type 255 prints as 255. iptables-save prints `T` for
//! the full code range, else `T/CMIN`.

use super::icmp::{parse_icmp_type, IcmpName, IcmpType};
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::{Family, HookMask};
use serde::Serialize;

/// The ICMPv6 names of libxt_icmp.h, with their aliases.
pub const ICMPV6_NAMES: &[IcmpName] = &[
    ("destination-unreachable", 1, 0, 255),
    ("no-route", 1, 0, 0),
    ("communication-prohibited", 1, 1, 1),
    ("beyond-scope", 1, 2, 2),
    ("address-unreachable", 1, 3, 3),
    ("port-unreachable", 1, 4, 4),
    ("failed-policy", 1, 5, 5),
    ("reject-route", 1, 6, 6),
    ("packet-too-big", 2, 0, 255),
    ("time-exceeded", 3, 0, 255),
    ("ttl-exceeded", 3, 0, 255),
    ("ttl-zero-during-transit", 3, 0, 0),
    ("ttl-zero-during-reassembly", 3, 1, 1),
    ("parameter-problem", 4, 0, 255),
    ("bad-header", 4, 0, 0),
    ("unknown-header-type", 4, 1, 1),
    ("unknown-option", 4, 2, 2),
    ("echo-request", 128, 0, 255),
    ("ping", 128, 0, 255),
    ("echo-reply", 129, 0, 255),
    ("pong", 129, 0, 255),
    ("router-solicitation", 133, 0, 255),
    ("router-advertisement", 134, 0, 255),
    ("neighbour-solicitation", 135, 0, 255),
    ("neighbor-solicitation", 135, 0, 255),
    ("neighbour-advertisement", 136, 0, 255),
    ("neighbor-advertisement", 136, 0, 255),
    ("redirect", 137, 0, 255),
];

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Icmp6 {
    /// `--icmpv6-type`; mandatory.
    pub icmpv6_type: Option<IcmpType>,
}

/// The match for the prover (see `verify::pred`): type and code range.
impl Icmp6 {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::Pred;
        let t = self.icmpv6_type.as_ref().map_or(Pred::True, |t| t.pred());
        Pred::and(vec![Pred::not_fragment(), t])
    }
}

impl Extension for Icmp6 {
    const NAME: &'static str = "icmp6";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["icmpv6-type"], true)];

    fn new(_: &Cx) -> Icmp6 {
        Icmp6::default()
    }

    fn parse(&mut self, _: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.icmpv6_type.is_some() {
            return Err(ExtError::new("`--icmpv6-type` given twice").help("a match tests one type; use one rule per type"));
        }
        self.icmpv6_type = Some(parse_icmp_type(a.neg, a.value, ICMPV6_NAMES, "ICMPv6", "--icmpv6-type")?);
        Ok(())
    }

    fn finish(&mut self, cx: &Cx) -> ExtResult {
        if cx.family == Family::Ipv4 {
            return Err(ExtError::new("iptables has no icmp6 match").help("use `-p icmp --icmp-type TYPE` for IPv4, or ip6tables for ICMPv6"));
        }
        if self.icmpv6_type.is_none() {
            return Err(ExtError::new("`-m icmp6` without `--icmpv6-type`").help("write `-p ipv6-icmp --icmpv6-type echo-request`, or drop `-m icmp6`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(t) = &self.icmpv6_type {
            w.opt(t.neg, "icmpv6-type", t.numeric());
        }
    }

    fn restrictions(&self) -> Restrictions {
        Restrictions { protos: Some(&[58]), negated_proto_ok: false, hooks: HookMask::ALL, tables: None }
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `icmp6_match` (xt_tcpudp.c): unlike IPv4's match, type 255 is no
/// wildcard (`icmp6_type_code_match` has no `any`), so it matches type 255
/// only. A fragment other than the first never matches, `!` or not.
impl MatchEval for Icmp6 {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        if p.fragment {
            return Tri::No;
        }
        match &self.icmpv6_type {
            None => Tri::Yes,
            Some(t) => Tri::from_bool(t.type_code_in_range(p)).negate_if(t.neg),
        }
    }
}

/// ` ipv6-icmptype 128`, ` ipv6-icmp !type 128`: libip6t_icmp6 prints like
/// the IPv4 icmp match, after the name `ipv6-icmp`.
impl super::ListForm for Icmp6 {
    fn list(&self, out: &mut String) {
        out.push_str(" ipv6-icmp");
        if let Some(t) = &self.icmpv6_type {
            t.list(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ExtResult<String> {
        parse_icmp_type(false, s, ICMPV6_NAMES, "ICMPv6", "--icmpv6-type").map(|t| t.numeric())
    }

    #[test]
    fn names_and_numbers() {
        assert_eq!(p("neighbor-adv").as_deref(), Ok("136"));
        assert_eq!(p("no-route").as_deref(), Ok("1/0"));
        assert_eq!(p("255").as_deref(), Ok("255"));
        assert_eq!(p("0200").as_deref(), Ok("128"));
        assert_eq!(p("1/2:3").as_deref(), Ok("1/2"));
        for bad in ["any", "echo", "neighbo", "256", "1/256", "1/2:"] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }

    fn eval(spec: &str, p: &Packet) -> Tri {
        use crate::ir::Hook;
        use crate::predict::packet::rule_matches;
        let m = rule_matches(Family::Ipv6, "filter", "INPUT", spec);
        m[0].eval(p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    fn icmp6(ty: u8, code: u8) -> Packet {
        let a: std::net::Ipv6Addr = "2001:db8::1".parse().unwrap();
        let b: std::net::Ipv6Addr = "2001:db8::2".parse().unwrap();
        Packet::icmp(a, b, ty, code)
    }

    #[test]
    fn types_and_code_ranges() {
        let ns = icmp6(135, 0);
        assert_eq!(ns.proto, 58);
        assert_eq!(eval("-p ipv6-icmp --icmpv6-type neighbour-solicitation", &ns), Tri::Yes);
        assert_eq!(eval("-p ipv6-icmp --icmpv6-type neighbour-advertisement", &ns), Tri::No);
        assert_eq!(eval("-p ipv6-icmp ! --icmpv6-type neighbour-solicitation", &ns), Tri::No);
        assert_eq!(eval("-p ipv6-icmp ! --icmpv6-type echo-request", &ns), Tri::Yes);
        let unr = icmp6(1, 4);
        assert_eq!(eval("-p ipv6-icmp --icmpv6-type port-unreachable", &unr), Tri::Yes);
        assert_eq!(eval("-p ipv6-icmp --icmpv6-type 1/4:6", &unr), Tri::Yes);
        assert_eq!(eval("-p ipv6-icmp --icmpv6-type 1/0:4", &unr), Tri::Yes);
        assert_eq!(eval("-p ipv6-icmp --icmpv6-type 1/5:6", &unr), Tri::No);
    }

    #[test]
    fn type_255_is_not_a_wildcard() {
        assert_eq!(eval("-p ipv6-icmp --icmpv6-type 255", &icmp6(128, 0)), Tri::No);
        assert_eq!(eval("-p ipv6-icmp ! --icmpv6-type 255", &icmp6(128, 0)), Tri::Yes);
        assert_eq!(eval("-p ipv6-icmp --icmpv6-type 255", &icmp6(255, 7)), Tri::Yes);
    }

    #[test]
    fn later_fragments_never_match() {
        let mut p = icmp6(128, 0);
        p.fragment = true;
        assert_eq!(eval("-p ipv6-icmp --icmpv6-type echo-request", &p), Tri::No);
        assert_eq!(eval("-p ipv6-icmp ! --icmpv6-type echo-reply", &p), Tri::No);
    }
}

/// nft's name of an ICMPv6 type, else the number.
fn nft_icmpv6_type(t: u8) -> crate::translate::nft::Expr {
    use crate::translate::nft;
    nft::icmp_type_name(true, t).map_or_else(|| nft::n(t as u32), nft::s)
}

/// `icmpv6 type T [icmpv6 code C]` (see the icmp match's translation).
impl crate::translate::ToNft for Icmp6 {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        let Some(t) = &self.icmpv6_type else { return Ok(()) };
        super::icmp::icmp_to_nft("icmpv6", t, nft_icmpv6_type(t.ty), cx)?;
        cx.implies(58);
        Ok(())
    }
}
