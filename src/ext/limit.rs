//! `-m limit` (libxt_limit): `--limit RATE[/UNIT]`, `--limit-burst N`;
//! matches while a token bucket has tokens.
//!
//! The kernel stores the rate as a period, `avg = 10000 * seconds_per_unit /
//! rate` (integer division), and iptables-save re-derives a rate from it with
//! the largest unit that still represents it: `60/min` comes back as
//! `1/sec`, `9999/s` as `10000/sec`. iptables-nft goes through that
//! conversion twice, as it turns the match into nft's native `limit`
//! expression (a rate and a unit, see `add_nft_limit` in iptables/nft.c) and
//! rebuilds the period when it lists it; [`Limit::listed_period`] does the
//! same arithmetic. The native expression also accepts what the xt_limit
//! kernel check rejects (`1/day`, burst 0, burst x period overflowing 32
//! bits) and stores burst 0 as the default 5.

use super::value::parse_uint;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use serde::Serialize;

/// XT_LIMIT_SCALE: the period is in 1/10000 s.
pub const SCALE: u32 = 10000;
/// XT_LIMIT_AVG: `3/hour`.
pub const DEFAULT_AVG: u32 = SCALE * 60 * 60 / 3;
/// XT_LIMIT_BURST.
pub const DEFAULT_BURST: u32 = 5;
/// The largest `--limit-burst` libxt_limit accepts.
pub const MAX_BURST: u32 = 10000;

/// The units, largest first, with their length in 1/10000 s.
const UNITS: [(&str, u32); 4] = [("day", SCALE * 24 * 60 * 60), ("hour", SCALE * 60 * 60), ("min", SCALE * 60), ("sec", SCALE)];

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Limit {
    /// `--limit`: the period between tokens in 1/10000 s, as the kernel
    /// keeps it; `None` for the default 3/hour.
    pub avg: Option<u32>,
    /// `--limit-burst`; `None` for the default 5.
    pub burst: Option<u32>,
}

/// `RATE[/UNIT]` as libxt_limit's `parse_rate` reads it: the unit is any
/// case-insensitive prefix of second, minute, hour or day (seconds when
/// absent), and the rate is C's `atoi` of the text (so `5x/s` is 5).
fn parse_rate(s: &str) -> ExtResult<u32> {
    let bad = || ExtError::new(format!("bad rate `{s}`")).help("write RATE/UNIT with a rate of 1 or more and a unit of second, minute, hour or day: `5/min`");
    let mult = match s.split_once('/') {
        None => 1,
        Some((_, unit)) => {
            let unit = unit.to_ascii_lowercase();
            if unit.is_empty() {
                return Err(bad());
            }
            match [("second", 1), ("minute", 60), ("hour", 60 * 60), ("day", 24 * 60 * 60)].iter().find(|(name, _)| name.starts_with(unit.as_str())) {
                Some((_, m)) => *m,
                None => return Err(bad()),
            }
        }
    };
    let r = atoi(s) as u32;
    if r == 0 {
        return Err(bad());
    }
    let avg = SCALE * mult / r;
    if avg == 0 {
        return Err(ExtError::new(format!("rate `{s}` is too fast")).help("the fastest rate is 10000/second"));
    }
    Ok(avg)
}

/// C's `atoi`: leading blanks, a sign, then digits up to the first other
/// character; 0 when there are none. Wraps like the 32-bit int it returns.
fn atoi(s: &str) -> i32 {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut v: i64 = 0;
    for b in t.bytes().take_while(u8::is_ascii_digit) {
        v = (v * 10 + i64::from(b - b'0')) & 0xffff_ffff;
    }
    let v = v as u32 as i32;
    if neg {
        v.wrapping_neg()
    } else {
        v
    }
}

/// The index of the unit iptables picks for a period: the largest one of
/// which the period is not "too inexact" a fraction (`print_rate` in
/// libxt_limit.c and `add_nft_limit` in iptables/nft.c use the same loop).
fn unit_for(avg: u32) -> usize {
    let mut i = 1;
    while i < UNITS.len() {
        let m = UNITS[i].1;
        if avg > m || m / avg < m % avg {
            break;
        }
        i += 1;
    }
    i - 1
}

impl Limit {
    pub fn avg(&self) -> u32 {
        self.avg.unwrap_or(DEFAULT_AVG)
    }

    pub fn burst(&self) -> u32 {
        self.burst.unwrap_or(DEFAULT_BURST)
    }

    /// The period iptables-nft reads back: the rule is stored as nft's
    /// `limit rate R/UNIT`, with R = unit / avg (integer division).
    pub fn listed_period(&self) -> u32 {
        let avg = self.avg().max(1);
        let (_, m) = UNITS[unit_for(avg)];
        let rate = m / avg;
        // rate >= 1: unit_for never picks a unit shorter than the period.
        (SCALE as u64 * (m / SCALE) as u64 / rate.max(1) as u64) as u32
    }

    /// `3/hour`, as iptables-save prints the listed period.
    pub fn rate_to_save(&self) -> String {
        let avg = self.listed_period().max(1);
        let (name, m) = UNITS[unit_for(avg)];
        format!("{}/{}", m / avg, name)
    }
}

/// The match for the prover (see `verify::pred`): a rate limit depends on timing, not a packet
/// field, so a free choice.
impl Limit {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        let mut text = String::new();
        super::Extension::save(self, &mut super::SaveWriter { out: &mut text });
        crate::verify::pred::Pred::free(format!("{}:{text}", <Self as super::Extension>::NAME))
    }
}

impl Extension for Limit {
    const NAME: &'static str = "limit";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["limit"], false), Opt::value(&["limit-burst"], false)];

    fn new(_: &Cx) -> Limit {
        Limit::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        let slot = if opt == "limit" { &mut self.avg } else { &mut self.burst };
        if slot.is_some() {
            return Err(ExtError::new(format!("`--{opt}` given twice")).help("give each option once per match"));
        }
        *slot = Some(if opt == "limit" {
            parse_rate(a.value)?
        } else {
            parse_uint(a.value, MAX_BURST as u64)
                .ok_or_else(|| ExtError::new(format!("bad burst `{}`", a.value)).help("--limit-burst is a number from 0 to 10000"))? as u32
        });
        Ok(())
    }

    /// `--limit-burst 5` (the default) and `0` (which nft's limit expression
    /// turns into the default) are the same rule as no `--limit-burst`.
    fn finish(&mut self, _: &Cx) -> ExtResult {
        if matches!(self.burst, Some(0) | Some(DEFAULT_BURST)) {
            self.burst = None;
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        w.opt(false, "limit", self.rate_to_save());
        // nft's limit expression turns burst 0 into the default.
        let burst = self.burst();
        if burst != DEFAULT_BURST && burst != 0 {
            w.opt(false, "limit-burst", burst);
        }
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `limit_mt` (xt_limit.c) takes a token from a bucket that refills with
/// time, so the answer depends on when the earlier packets came.
impl MatchEval for Limit {
    fn eval(&self, _: &Packet, _: &EvalCx) -> Tri {
        Tri::unknown(format!("rate limit {} (burst {}): depends on timing", self.rate_to_save(), self.burst()))
    }
}

/// libxt_limit's print: ` limit: avg RATE/UNIT burst N`, the rate as
/// iptables-nft reads it back (see [`Limit::rate_to_save`]) and the burst
/// always printed (a burst of 0 becomes the default, as nft stores it).
impl super::ListForm for Limit {
    fn list(&self, out: &mut String) {
        out.push_str(&format!(" limit: avg {} burst {}", self.rate_to_save(), self.burst()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(s: &str) -> String {
        let avg = parse_rate(s).unwrap();
        Limit { avg: Some(avg), burst: None }.rate_to_save()
    }

    #[test]
    fn rates_come_back_as_iptables_lists_them() {
        assert_eq!(listed("5"), "5/sec");
        assert_eq!(listed("60/min"), "1/sec");
        assert_eq!(listed("600/hour"), "10/min");
        assert_eq!(listed("48/day"), "2/hour");
        assert_eq!(listed("9999/s"), "10000/sec");
        assert_eq!(listed("3333/s"), "3333/sec");
        assert_eq!(listed("1/day"), "1/day");
        assert_eq!(listed("5/H"), "5/hour");
    }

    #[test]
    fn bad_rates() {
        for s in ["0/s", "10001/s", "5/hours", "5/", "/s", "x", "-5/s"] {
            assert!(parse_rate(s).is_err(), "{s}");
        }
        assert_eq!(atoi("5x"), 5);
        assert_eq!(atoi(" -3"), -3);
    }

    #[test]
    fn a_rate_limit_is_unknown() {
        use crate::ir::{Family, Hook};
        use crate::predict::packet::rule_matches;
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", "-m limit --limit 5/min --limit-burst 10");
        let p = Packet::icmp([10, 0, 0, 1], [10, 0, 0, 2], 8, 0);
        let got = m[0].eval(&p, &EvalCx { hook: Hook::Input, local: &[], lab: None });
        assert_eq!(got, Tri::unknown("rate limit 5/min (burst 10): depends on timing"));
        assert_eq!(got.negate_if(true), Tri::unknown("rate limit 5/min (burst 10): depends on timing"));
    }
}

/// `limit rate 5/second burst 10 packets`: the rate iptables-nft stores
/// (the unit the period fits, rounded as iptables rounds it).
impl crate::translate::ToNft for Limit {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        let rate = self.rate_to_save();
        let (n, unit) = rate.split_once('/').unwrap_or((rate.as_str(), "sec"));
        let unit = match unit {
            "sec" => "second",
            "min" => "minute",
            other => other,
        };
        cx.push(crate::translate::nft::Stmt::Limit(nftables::stmt::Limit {
            rate: n.parse().unwrap_or(1),
            rate_unit: None,
            per: Some(unit.to_string().into()),
            burst: Some(self.burst()),
            burst_unit: None,
            inv: None,
        }));
        Ok(())
    }
}
