//! `-m length [!] --length MIN[:MAX]` (libxt_length): the IP packet length
//! (IPv4 total length; IPv6 payload length plus the 40-byte header).
//!
//! Numbers are 0 to 65535 in C notation (`0x10`); `:MAX` is `0:MAX`, `MIN:`
//! is `MIN:65535` and `:` is everything. A reversed range is accepted and
//! kept (it never matches). iptables-save prints `MIN` when both ends are
//! equal, else `MIN:MAX`.

use super::generic::Neg;
use super::value::parse_strtoul;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct LengthRange {
    pub min: u16,
    pub max: u16,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Length {
    /// `--length`; mandatory.
    pub length: Option<Neg<LengthRange>>,
}

/// `MIN`, `MIN:MAX`, `:MAX`, `MIN:` or `:`, as xtables' range parser reads
/// a `XTTYPE_UINT16RC` option.
pub fn parse_range(s: &str) -> ExtResult<LengthRange> {
    let num = |part: &str, default: u16| -> ExtResult<u16> {
        if part.is_empty() {
            return Ok(default);
        }
        parse_strtoul(part, 65535)
            .map(|v| v as u16)
            .ok_or_else(|| ExtError::new(format!("bad length `{part}` in `{s}`")).help("a length is a number from 0 to 65535; write MIN or MIN:MAX"))
    };
    let parts: Vec<&str> = s.split(':').collect();
    match parts.as_slice() {
        [one] if !one.is_empty() => {
            let v = num(one, 0)?;
            Ok(LengthRange { min: v, max: v })
        }
        [lo, hi] => Ok(LengthRange { min: num(lo, 0)?, max: num(hi, 65535)? }),
        _ => Err(ExtError::new(format!("bad length range `{s}`")).help("write MIN or MIN:MAX, e.g. `--length 0:1280`")),
    }
}

/// The match for the prover (see `verify::pred`): the length field.
impl Length {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::{Field, Pred};
        match &self.length {
            None => Pred::True,
            Some(l) => Pred::range(Field::Len, l.value.min as u128, l.value.max as u128).negate_if(l.neg),
        }
    }
}

impl Extension for Length {
    const NAME: &'static str = "length";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["length"], true)];

    fn new(_: &Cx) -> Length {
        Length::default()
    }

    fn parse(&mut self, _: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        if self.length.is_some() {
            return Err(ExtError::new("`--length` given twice").help("give one range per match, or use two `-m length`"));
        }
        self.length = Some(Neg::new(a.neg, parse_range(a.value)?));
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.length.is_none() {
            return Err(ExtError::new("`-m length` without `--length`").help("write `-m length --length 0:1280`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(l) = &self.length {
            let r = l.value;
            if r.min == r.max {
                w.opt(l.neg, "length", r.min);
            } else {
                w.opt(l.neg, "length", format!("{}:{}", r.min, r.max));
            }
        }
    }
}

use super::MatchEval;
use crate::ir::Family;
use crate::predict::{EvalCx, Packet, Tri};

/// `length_mt` / `length_mt6` (xt_length.c): MIN <= length <= MAX. The
/// kernel reads the IPv4 total length, or adds the 40-byte header to the
/// IPv6 payload length in 16 bits, so an IPv6 packet of 65536 to 65575
/// bytes wraps to 0..39, and a jumbogram (payload length field 0) counts
/// as 40.
impl MatchEval for Length {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        let len = match p.family {
            Family::Ipv6 if p.len > 65535 + 40 => 40,
            _ => p.len as u16,
        };
        match &self.length {
            None => Tri::Yes,
            Some(l) => Tri::from_bool(l.value.min <= len && len <= l.value.max).negate_if(l.neg),
        }
    }
}

/// libxt_length's print: ` length 10`, ` length !10:20`.
impl super::ListForm for Length {
    fn list(&self, out: &mut String) {
        if let Some(l) = &self.length {
            out.push_str(if l.neg { " length !" } else { " length " });
            let r = l.value;
            if r.min == r.max {
                out.push_str(&r.min.to_string());
            } else {
                out.push_str(&format!("{}:{}", r.min, r.max));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let r = |s: &str| parse_range(s).map(|r| (r.min, r.max));
        assert_eq!(r("10"), Ok((10, 10)));
        assert_eq!(r(":20"), Ok((0, 20)));
        assert_eq!(r("10:"), Ok((10, 65535)));
        assert_eq!(r(":"), Ok((0, 65535)));
        assert_eq!(r("20:10"), Ok((20, 10)));
        assert_eq!(r("010:0x20"), Ok((8, 32)));
        for bad in ["", "65536", "-1", "5-10", "abc", "1:2:3"] {
            assert!(parse_range(bad).is_err(), "{bad}");
        }
    }

    fn eval(family: Family, spec: &str, p: &Packet) -> Tri {
        use crate::ir::Hook;
        use crate::predict::packet::rule_matches;
        let m = rule_matches(family, "filter", "INPUT", spec);
        m[0].eval(p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    #[test]
    fn range_ends() {
        let v4 = Family::Ipv4;
        let p = Packet::udp([10, 0, 0, 1], [10, 0, 0, 2], 1, 2).payload(100);
        assert_eq!(p.len, 128);
        assert_eq!(eval(v4, "-m length --length 128", &p), Tri::Yes);
        assert_eq!(eval(v4, "-m length --length 0:128", &p), Tri::Yes);
        assert_eq!(eval(v4, "-m length --length 128:", &p), Tri::Yes);
        assert_eq!(eval(v4, "-m length --length 129:", &p), Tri::No);
        assert_eq!(eval(v4, "-m length --length :127", &p), Tri::No);
        assert_eq!(eval(v4, "-m length ! --length :127", &p), Tri::Yes);
        assert_eq!(eval(v4, "-m length ! --length 100:200", &p), Tri::No);
        assert_eq!(eval(v4, "-m length --length 200:100", &p), Tri::No);
        assert_eq!(eval(v4, "-m length ! --length 200:100", &p), Tri::Yes);
        assert_eq!(eval(v4, "-m length --length 60", &Packet::tcp([1, 1, 1, 1], [2, 2, 2, 2], 1, 2)), Tri::Yes);
    }

    #[test]
    fn ipv6_length_is_sixteen_bits() {
        let a = |s: &str| s.parse::<std::net::Ipv6Addr>().unwrap();
        let p = Packet::udp(a("2001:db8::1"), a("2001:db8::2"), 1, 2);
        assert_eq!(p.len, 48);
        assert_eq!(eval(Family::Ipv6, "-m length --length 48", &p), Tri::Yes);
        // 65535 bytes of payload: 65575, which the kernel's u16 makes 39.
        let big = p.clone().payload(65535 - 8);
        assert_eq!(eval(Family::Ipv6, "-m length --length 39", &big), Tri::Yes);
        assert_eq!(eval(Family::Ipv6, "-m length --length 1280:", &big), Tri::No);
        let jumbo = p.payload(100_000);
        assert_eq!(eval(Family::Ipv6, "-m length --length 40", &jumbo), Tri::Yes);
    }
}

/// `meta length 10-20`, as iptables-translate writes it (the packet's
/// length from the network header on, which is the IP total length the
/// match reads).
impl crate::translate::ToNft for Length {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        use crate::translate::nft::{self, Untranslatable};
        let Some(l) = &self.length else { return Ok(()) };
        if l.value.min > l.value.max {
            return Err(Untranslatable::new(format!("the reversed length range {}:{} never matches; nft has no reversed range", l.value.min, l.value.max)));
        }
        cx.push(nft::eq(nft::meta(nftables::expr::MetaKey::Length), l.neg, nft::num_range(l.value.min as u32, l.value.max as u32)));
        Ok(())
    }
}
