//! `-m ttl` (libipt_ttl, IPv4) and `-m hl` (libip6t_hl, IPv6): the IP TTL or
//! IPv6 hop limit compared with a number.
//!
//! One comparison per match: `--ttl-eq N`, `--ttl-lt N` or `--ttl-gt N`
//! (`--hl-…` for hl), N from 0 to 255 read as strtoul base 0. Only `-eq`
//! can be negated; the kernel has a separate "ne" mode for it, printed back
//! as `! --ttl-eq N`. The hidden alias `--ttl` (`--hl`) is `--ttl-eq`
//! without the `!`. Each match exists in one family only: ip6tables has no
//! ttl match and iptables no hl match, so loading them fails there.

use super::value::parse_uint;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use crate::ir::Family;
use serde::Serialize;

/// How the TTL or hop limit is compared (IPT_TTL_EQ … / IP6T_HL_EQ …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cmp {
    Eq,
    /// `! --ttl-eq N`
    Ne,
    Lt,
    Gt,
}

/// One comparison: the mode and the number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Compare {
    pub cmp: Cmp,
    pub value: u8,
}

/// Reads one option of either match. `opt` is the canonical option name
/// without the `ttl-`/`hl-` prefix: `eq`, `lt`, `gt`, or `` for the alias.
fn parse_cmp(slot: &mut Option<Compare>, what: &str, opt: &str, a: &Arg) -> ExtResult {
    if slot.is_some() {
        return Err(ExtError::new(format!("more than one {what} comparison"))
            .help(format!("a {what} match takes one of --{what}-eq, --{what}-lt or --{what}-gt; add a second `-m {what}` for a range")));
    }
    let cmp = match (opt, a.neg) {
        ("eq" | "", false) => Cmp::Eq,
        ("eq", true) => Cmp::Ne,
        ("lt", _) => Cmp::Lt,
        _ => Cmp::Gt,
    };
    let value = parse_uint(a.value, 255).ok_or_else(|| ExtError::new(format!("bad {what} value `{}`", a.value)).help("give a number from 0 to 255"))? as u8;
    *slot = Some(Compare { cmp, value });
    Ok(())
}

fn finish_cmp(slot: &Option<Compare>, what: &str, family: Family, cx: &Cx, other: &str) -> ExtResult {
    if cx.family != family {
        return Err(ExtError::new(format!("there is no {what} match in {}", cx.family.command())).help(format!("use `-m {other}` in {}", cx.family.command())));
    }
    if slot.is_none() {
        return Err(ExtError::new(format!("`-m {what}` without a comparison")).help(format!("add one of --{what}-eq N, --{what}-lt N or --{what}-gt N")));
    }
    Ok(())
}

fn save_cmp(slot: &Option<Compare>, what: &str, w: &mut SaveWriter) {
    if let Some(c) = slot {
        let (neg, op) = match c.cmp {
            Cmp::Eq => (false, "eq"),
            Cmp::Ne => (true, "eq"),
            Cmp::Lt => (false, "lt"),
            Cmp::Gt => (false, "gt"),
        };
        w.opt(neg, &format!("{what}-{op}"), c.value);
    }
}

/// `-m ttl` (IPv4).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Ttl {
    pub ttl: Option<Compare>,
}

/// The match for the prover (see `verify::pred`): a comparison on the TTL
/// (or hop limit) field.
pub fn compare_pred(c: &Option<Compare>) -> crate::verify::pred::Pred {
    use crate::verify::pred::{Field, Pred};
    let Some(c) = c else { return Pred::True };
    let v = c.value as u128;
    match c.cmp {
        Cmp::Eq => Pred::eq(Field::Ttl, v),
        Cmp::Ne => Pred::eq(Field::Ttl, v).negate_if(true),
        Cmp::Lt if v == 0 => Pred::False,
        Cmp::Lt => Pred::range(Field::Ttl, 0, v - 1),
        Cmp::Gt => Pred::range(Field::Ttl, v + 1, 255),
    }
}

impl Ttl {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        compare_pred(&self.ttl)
    }
}

impl Extension for Ttl {
    const NAME: &'static str = "ttl";
    const OPTIONS: &'static [Opt] =
        &[Opt::value(&["ttl-eq"], true), Opt::value(&["ttl-lt"], false), Opt::value(&["ttl-gt"], false), Opt::value(&["ttl"], false)];

    fn new(_: &Cx) -> Ttl {
        Ttl::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        parse_cmp(&mut self.ttl, "ttl", opt.strip_prefix("ttl-").unwrap_or(""), a)
    }

    fn finish(&mut self, cx: &Cx) -> ExtResult {
        finish_cmp(&self.ttl, "ttl", Family::Ipv4, cx, "hl")
    }

    fn save(&self, w: &mut SaveWriter) {
        save_cmp(&self.ttl, "ttl", w);
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `ttl_mt` (xt_hl.c): one comparison of the IPv4 TTL, in which `!
/// --ttl-eq` is its own "not equal" mode.
impl MatchEval for Ttl {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        compare(&self.ttl, p.ttl)
    }
}

/// The switch `ttl_mt` and `hl_mt6` share; no comparison is no test.
fn compare(c: &Option<Compare>, have: u8) -> Tri {
    Tri::from_bool(c.as_ref().is_none_or(|c| match c.cmp {
        Cmp::Eq => have == c.value,
        Cmp::Ne => have != c.value,
        Cmp::Lt => have < c.value,
        Cmp::Gt => have > c.value,
    }))
}

/// `-m hl` (IPv6).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Hl {
    pub hl: Option<Compare>,
}

impl Hl {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        compare_pred(&self.hl)
    }
}

impl Extension for Hl {
    const NAME: &'static str = "hl";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["hl-eq"], true), Opt::value(&["hl-lt"], false), Opt::value(&["hl-gt"], false), Opt::value(&["hl"], false)];

    fn new(_: &Cx) -> Hl {
        Hl::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        parse_cmp(&mut self.hl, "hl", opt.strip_prefix("hl-").unwrap_or(""), a)
    }

    fn finish(&mut self, cx: &Cx) -> ExtResult {
        finish_cmp(&self.hl, "hl", Family::Ipv6, cx, "ttl")
    }

    fn save(&self, w: &mut SaveWriter) {
        save_cmp(&self.hl, "hl", w);
    }
}

/// `hl_mt6` (xt_hl.c): the same comparison on the IPv6 hop limit.
impl MatchEval for Hl {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        compare(&self.hl, p.ttl)
    }
}

/// libipt_ttl's and libip6t_hl's print: ` TTL match TTL == 64` (`!=`, `<`,
/// `>`), ` HL match HL == 64`.
fn list_cmp(out: &mut String, c: &Option<Compare>, what: &str) {
    out.push_str(&format!(" {what} match {what}"));
    if let Some(c) = c {
        let op = match c.cmp {
            Cmp::Eq => "==",
            Cmp::Ne => "!=",
            Cmp::Lt => "<",
            Cmp::Gt => ">",
        };
        out.push_str(&format!(" {op} {}", c.value));
    }
}

impl super::ListForm for Ttl {
    fn list(&self, out: &mut String) {
        list_cmp(out, &self.ttl, "TTL");
    }
}

impl super::ListForm for Hl {
    fn list(&self, out: &mut String) {
        list_cmp(out, &self.hl, "HL");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Hook;
    use crate::predict::packet::rule_matches;

    fn eval(family: Family, spec: &str, ttl: u8) -> Tri {
        let m = rule_matches(family, "filter", "INPUT", spec);
        let mut p = if family == Family::Ipv4 {
            Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 1000, 22)
        } else {
            Packet::tcp("2001:db8::1".parse::<std::net::Ipv6Addr>().unwrap(), "2001:db8::2".parse::<std::net::Ipv6Addr>().unwrap(), 1000, 22)
        };
        p.ttl = ttl;
        m[0].eval(&p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    #[test]
    fn ttl_comparisons() {
        let v4 = Family::Ipv4;
        assert_eq!(eval(v4, "-m ttl --ttl-eq 64", 64), Tri::Yes);
        assert_eq!(eval(v4, "-m ttl --ttl-eq 64", 63), Tri::No);
        assert_eq!(eval(v4, "-m ttl ! --ttl-eq 64", 64), Tri::No);
        assert_eq!(eval(v4, "-m ttl ! --ttl-eq 64", 63), Tri::Yes);
        assert_eq!(eval(v4, "-m ttl --ttl-lt 64", 63), Tri::Yes);
        assert_eq!(eval(v4, "-m ttl --ttl-lt 64", 64), Tri::No);
        assert_eq!(eval(v4, "-m ttl --ttl-gt 64", 65), Tri::Yes);
        assert_eq!(eval(v4, "-m ttl --ttl-gt 64", 64), Tri::No);
        assert_eq!(eval(v4, "-m ttl --ttl-lt 0", 0), Tri::No);
        assert_eq!(eval(v4, "-m ttl --ttl-gt 255", 255), Tri::No);
        assert_eq!(eval(v4, "-m ttl --ttl 1", 1), Tri::Yes);
    }

    #[test]
    fn hop_limit_comparisons() {
        let v6 = Family::Ipv6;
        assert_eq!(eval(v6, "-m hl --hl-eq 255", 255), Tri::Yes);
        assert_eq!(eval(v6, "-m hl ! --hl-eq 255", 255), Tri::No);
        assert_eq!(eval(v6, "-m hl --hl-lt 2", 1), Tri::Yes);
        assert_eq!(eval(v6, "-m hl --hl-gt 2", 2), Tri::No);
    }
}

fn compare_to_nft(left: crate::translate::nft::Expr, c: &Compare) -> crate::translate::nft::Stmt {
    use crate::translate::nft;
    let op = match c.cmp {
        Cmp::Eq => nft::Operator::EQ,
        Cmp::Ne => nft::Operator::NEQ,
        Cmp::Lt => nft::LESS,
        Cmp::Gt => nft::GREATER,
    };
    nft::cmp(left, op, nft::n(c.value as u32))
}

/// `ip ttl 64`, `ip ttl < 10`.
impl crate::translate::ToNft for Ttl {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        if let Some(c) = &self.ttl {
            cx.push(compare_to_nft(crate::translate::nft::payload("ip", "ttl"), c));
        }
        Ok(())
    }
}

/// `ip6 hoplimit 255`, `ip6 hoplimit > 10`.
impl crate::translate::ToNft for Hl {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        if let Some(c) = &self.hl {
            cx.push(compare_to_nft(crate::translate::nft::payload("ip6", "hoplimit"), c));
        }
        Ok(())
    }
}
