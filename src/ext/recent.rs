//! `-m recent` (libxt_recent, revision 1): a list of recently seen source
//! (or destination) addresses, kept by the kernel per name in
//! `/proc/net/xt_recent/NAME`. One action per match: `--set` adds the
//! address, `--rcheck` tests it, `--update` tests and refreshes it,
//! `--remove` tests and deletes it; `--seconds`, `--hitcount`, `--reap` and
//! `--rttl` narrow the test.
//!
//! iptables-save always prints `--name` (default `DEFAULT`), `--mask`
//! (default all ones) and the side (`--rsource` unless `--rdest`), and the
//! name unquoted, even with spaces, cut to 199 bytes (the kernel's field is
//! 200 with the NUL). `--mask` is read as a host address (getaddrinfo, so
//! `24` is 0.0.0.24), not a prefix length. The kernel (`recent_mt_check`)
//! rejects `--seconds`, `--hitcount`, `--reap` and `--rttl` with `--set` or
//! `--remove` (they only make sense for a test), a hit count above 65535,
//! and names that are empty, `.`, `..` or hold a `/` (they are file names).

use super::value::parse_uint;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use crate::ir::Family;
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// XT_RECENT_NAME_LEN less the NUL.
pub const MAX_NAME: usize = 199;
/// XT_RECENT_MAX_NSTAMPS - 1.
pub const MAX_HITCOUNT: u32 = 65535;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Set,
    Rcheck,
    Update,
    Remove,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Mode::Set => "set",
            Mode::Rcheck => "rcheck",
            Mode::Update => "update",
            Mode::Remove => "remove",
        }
    }
}

/// Which address of the packet the list holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    #[default]
    Source,
    Dest,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Recent {
    /// The action, with the `!` that inverts the match's result.
    pub mode: Option<(bool, Mode)>,
    /// `--seconds`: only entries seen within that many seconds.
    pub seconds: Option<u32>,
    /// `--reap`: purge entries older than `--seconds`.
    pub reap: bool,
    /// `--hitcount`: only entries seen at least that often (0 = any).
    pub hitcount: Option<u32>,
    /// `--rttl`: the TTL must also equal the one of the `--set` packet.
    pub rttl: bool,
    /// `--name`; `None` for `DEFAULT`.
    pub name: Option<String>,
    /// `--mask`; `None` for all ones.
    pub mask: Option<IpAddr>,
    pub side: Side,
    #[serde(skip)]
    family: Family,
    /// `--rsource`, `--rdest` seen (each may be given once).
    #[serde(skip)]
    sides_given: (bool, bool),
}

/// An IPv4 address as `inet_aton` reads it (what getaddrinfo does for a
/// numeric host): 1 to 4 parts in C notation, the last filling the
/// remaining bytes, so `24` is 0.0.0.24 and `10.1` is 10.0.0.1.
fn inet_aton(s: &str) -> Option<Ipv4Addr> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    let (last, head) = parts.split_last()?;
    let mut v: u32 = 0;
    for (i, p) in head.iter().enumerate() {
        v |= (parse_uint(p, 255)? as u32) << (24 - 8 * i);
    }
    let rest_bits = 32 - 8 * head.len() as u32;
    let max = if rest_bits == 32 { u32::MAX as u64 } else { (1u64 << rest_bits) - 1 };
    v |= parse_uint(last, max)? as u32;
    Some(Ipv4Addr::from(v))
}

fn parse_mask(s: &str, family: Family) -> ExtResult<IpAddr> {
    let addr = match family {
        Family::Ipv4 => inet_aton(s).map(IpAddr::V4),
        Family::Ipv6 => s.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
    };
    addr.ok_or_else(|| {
        let what = if family == Family::Ipv4 { "an IPv4 address such as 255.255.255.0" } else { "an IPv6 address such as ffff:ffff:ffff:ffff::" };
        ExtError::new(format!("bad mask `{s}`")).help(format!("--mask is an address, not a prefix length: write {what}"))
    })
}

fn all_ones(family: Family) -> IpAddr {
    match family {
        Family::Ipv4 => IpAddr::V4(Ipv4Addr::BROADCAST),
        Family::Ipv6 => IpAddr::V6(Ipv6Addr::from(u128::MAX)),
    }
}

fn twice(opt: &str) -> ExtError {
    ExtError::new(format!("`--{opt}` given twice")).help("give each option once per match")
}

impl Recent {
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("DEFAULT")
    }

    pub fn mask(&self) -> IpAddr {
        self.mask.unwrap_or_else(|| all_ones(self.family))
    }
}

/// The match for the prover (see `verify::pred`): `--set` always matches
/// (it adds the address); the other modes read a list earlier packets
/// filled, a free choice.
impl Recent {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::Pred;
        match self.mode {
            Some((neg, Mode::Set)) => Pred::True.negate_if(neg),
            _ => Pred::free(format!("recent list {} holds the address", self.name())),
        }
    }
}

impl Extension for Recent {
    const NAME: &'static str = "recent";
    const OPTIONS: &'static [Opt] = &[
        Opt::flag(&["set"], true),
        Opt::flag(&["rcheck"], true),
        Opt::flag(&["update"], true),
        Opt::flag(&["remove"], true),
        Opt::value(&["seconds"], false),
        Opt::flag(&["reap"], false),
        Opt::value(&["hitcount"], false),
        Opt::flag(&["rttl"], false),
        Opt::value(&["name"], false),
        Opt::flag(&["rsource"], false),
        Opt::flag(&["rdest"], false),
        Opt::value(&["mask"], false),
    ];

    fn new(cx: &Cx) -> Recent {
        Recent {
            mode: None,
            seconds: None,
            reap: false,
            hitcount: None,
            rttl: false,
            name: None,
            mask: None,
            side: Side::Source,
            family: cx.family,
            sides_given: (false, false),
        }
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, cx: &Cx) -> ExtResult {
        match opt {
            "set" | "rcheck" | "update" | "remove" => {
                if let Some((_, m)) = self.mode {
                    return Err(ExtError::new(format!("`--{opt}` after `--{}`", m.as_str()))
                        .help("a recent match does one of --set, --rcheck, --update or --remove; use a second `-m recent` for another"));
                }
                let mode = match opt {
                    "set" => Mode::Set,
                    "rcheck" => Mode::Rcheck,
                    "update" => Mode::Update,
                    _ => Mode::Remove,
                };
                self.mode = Some((a.neg, mode));
            }
            "seconds" => {
                if self.seconds.is_some() {
                    return Err(twice(opt));
                }
                match parse_uint(a.value, u32::MAX as u64) {
                    Some(n) if n >= 1 => self.seconds = Some(n as u32),
                    _ => return Err(ExtError::new(format!("bad --seconds `{}`", a.value)).help("give a number of seconds from 1 to 4294967295")),
                }
            }
            "hitcount" => {
                if self.hitcount.is_some() {
                    return Err(twice(opt));
                }
                let n = parse_uint(a.value, u32::MAX as u64)
                    .ok_or_else(|| ExtError::new(format!("bad --hitcount `{}`", a.value)).help("give a number of packets"))?;
                if n > MAX_HITCOUNT as u64 {
                    return Err(ExtError::new(format!("--hitcount {n} is too large")).help("the kernel remembers at most 65535 packets per address"));
                }
                self.hitcount = Some(n as u32);
            }
            "reap" | "rttl" => {
                let slot = if opt == "reap" { &mut self.reap } else { &mut self.rttl };
                if std::mem::replace(slot, true) {
                    return Err(twice(opt));
                }
            }
            "name" => {
                if self.name.is_some() {
                    return Err(twice(opt));
                }
                let mut n = a.value.to_string();
                if n.len() > MAX_NAME {
                    let mut cut = MAX_NAME;
                    while !n.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    n.truncate(cut);
                }
                if n.is_empty() || n == "." || n == ".." || n.contains('/') {
                    return Err(ExtError::new(format!("bad list name `{n}`"))
                        .help("the name is a file in /proc/net/xt_recent: it cannot be empty, `.` or `..`, or contain `/`"));
                }
                self.name = Some(n);
            }
            "rsource" | "rdest" => {
                let given = if opt == "rsource" { &mut self.sides_given.0 } else { &mut self.sides_given.1 };
                if std::mem::replace(given, true) {
                    return Err(twice(opt));
                }
                // The last of the two wins.
                self.side = if opt == "rsource" { Side::Source } else { Side::Dest };
            }
            "mask" => {
                if self.mask.is_some() {
                    return Err(twice(opt));
                }
                self.mask = Some(parse_mask(a.value, cx.family)?);
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        // Defaults written out and left out are the same rule.
        self.name = Some(self.name().to_string());
        self.mask = Some(self.mask());
        self.sides_given = (false, false);
        let Some((_, mode)) = self.mode else {
            return Err(ExtError::new("`-m recent` without an action").help("add one of --set, --rcheck, --update or --remove"));
        };
        if self.reap && self.seconds.is_none() {
            return Err(ExtError::new("`--reap` without `--seconds`").help("--reap purges entries older than --seconds: give both"));
        }
        if matches!(mode, Mode::Set | Mode::Remove) {
            let extra: Vec<&str> = [
                ("--seconds", self.seconds.is_some_and(|s| s != 0)),
                ("--hitcount", self.hitcount.is_some_and(|h| h != 0)),
                ("--reap", self.reap),
                ("--rttl", self.rttl),
            ]
            .iter()
            .filter(|(_, on)| *on)
            .map(|(n, _)| *n)
            .collect();
            if !extra.is_empty() {
                return Err(ExtError::new(format!("{} with `--{}`", extra.join(", "), mode.as_str()))
                    .help("these narrow a test: use them with --rcheck or --update (the kernel rejects them with --set and --remove)"));
            }
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some((neg, mode)) = self.mode {
            w.flag(neg, mode.as_str());
        }
        if let Some(s) = self.seconds {
            // libxt_recent prints the u32 with %d.
            w.opt(false, "seconds", s as i32);
        }
        if self.reap {
            w.flag(false, "reap");
        }
        if let Some(h) = self.hitcount.filter(|h| *h != 0) {
            w.opt(false, "hitcount", h);
        }
        if self.rttl {
            w.flag(false, "rttl");
        }
        // Printed raw, without xtables' quoting.
        w.opt(false, "name", self.name());
        w.opt(false, "mask", self.mask());
        w.flag(false, if self.side == Side::Source { "rsource" } else { "rdest" });
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `recent_mt` (xt_recent.c): `--set` adds or refreshes the address and
/// returns true whatever the list held (false with `!`); `--rcheck`,
/// `--update` and `--remove` test the list, which earlier packets filled.
impl MatchEval for Recent {
    fn eval(&self, _: &Packet, _: &EvalCx) -> Tri {
        match self.mode {
            Some((neg, Mode::Set)) => Tri::Yes.negate_if(neg),
            _ => Tri::unknown(format!("recent list {}: depends on earlier packets", self.name())),
        }
    }
}

/// libxt_recent's print: ` [!] recent: MODE`, then ` seconds: N` (printed
/// with `%d`, like the save form), ` reap`, ` hit_count: N` (not when 0),
/// ` TTL-Match`, ` name: NAME` (raw), ` side: source|dest` and
/// ` mask: ADDR` (IPv6 as `inet_ntop` writes it).
impl super::ListForm for Recent {
    fn list(&self, out: &mut String) {
        if let Some((neg, mode)) = self.mode {
            out.push_str(if neg { " ! recent:" } else { " recent:" });
            out.push_str(match mode {
                Mode::Set => " SET",
                Mode::Rcheck => " CHECK",
                Mode::Update => " UPDATE",
                Mode::Remove => " REMOVE",
            });
        }
        if let Some(s) = self.seconds.filter(|s| *s != 0) {
            out.push_str(&format!(" seconds: {}", s as i32));
        }
        if self.reap {
            out.push_str(" reap");
        }
        if let Some(h) = self.hitcount.filter(|h| *h != 0) {
            out.push_str(&format!(" hit_count: {h}"));
        }
        if self.rttl {
            out.push_str(" TTL-Match");
        }
        out.push_str(" name: ");
        out.push_str(self.name());
        out.push_str(if self.side == Side::Source { " side: source" } else { " side: dest" });
        let mask = match self.mask() {
            IpAddr::V4(m) => m.to_string(),
            IpAddr::V6(m) => super::value::ipv6_to_string(m),
        };
        out.push_str(" mask: ");
        out.push_str(&mask);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_are_hosts_not_prefixes() {
        assert_eq!(inet_aton("24"), Some(Ipv4Addr::new(0, 0, 0, 24)));
        assert_eq!(inet_aton("10.1"), Some(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(inet_aton("255.0.0.0"), Some(Ipv4Addr::new(255, 0, 0, 0)));
        assert_eq!(inet_aton("0xff.0.0.0"), Some(Ipv4Addr::new(255, 0, 0, 0)));
        assert_eq!(inet_aton("1.2.3.256"), None);
        assert_eq!(inet_aton("1.2.3.4.5"), None);
        assert_eq!(inet_aton(""), None);
        assert!(parse_mask("255.255.255.0", Family::Ipv6).is_err());
    }

    fn eval(spec: &str) -> Tri {
        use crate::ir::Hook;
        use crate::predict::packet::rule_matches;
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", spec);
        let p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 40000, 22);
        m[0].eval(&p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    #[test]
    fn set_always_matches_the_tests_depend_on_history() {
        assert_eq!(eval("-m recent --set --name SSH"), Tri::Yes);
        assert_eq!(eval("-m recent ! --set --name SSH"), Tri::No);
        let unknown = Tri::unknown("recent list SSH: depends on earlier packets");
        assert_eq!(eval("-m recent --update --seconds 60 --hitcount 4 --name SSH"), unknown);
        assert_eq!(eval("-m recent ! --rcheck --name SSH"), unknown);
        assert_eq!(eval("-m recent --remove --name SSH"), unknown);
        assert_eq!(eval("-m recent --rcheck"), Tri::unknown("recent list DEFAULT: depends on earlier packets"));
    }
}

/// Not translated. nft's dynamic sets can record addresses with a timeout
/// (`--set`, `--rcheck --seconds`), but not recent's hit counts
/// (`--hitcount`), its TTL check, or lists shared between rules that
/// `/proc/net/xt_recent` can edit, and a partial form would change what
/// the rule set does.
impl crate::translate::ToNft for Recent {
    fn to_nft(&self, _: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        Err(crate::translate::nft::Untranslatable::new(
            "the recent match has no exact nft form (dynamic sets have no hit counts or TTL checks); write it with an nft set by hand",
        ))
    }
}
