//! `-m set` (libxt_set, revision 4): the packet's addresses and ports,
//! taken from the source or destination side per dimension, are (or are
//! not) in an ipset set.
//!
//! `--match-set NAME FLAGS` takes two words; FLAGS is 1 to 6 of `src`/`dst`
//! (iptables compares only the first three letters, so `srcx` is `src`).
//! `! --update-counters` and `! --update-subcounters` turn counter updates
//! off; their plain forms are the default and are not printed. One packet
//! and one byte counter test each, of which only `-eq` can be negated.
//!
//! iptables asks the kernel for the set by name when it parses the rule, so
//! a set that does not exist, or is of the other family, is an error there.
//! fwcheck knows the sets only when the input creates them (`ipset create`
//! lines of a script, see [`Ipsets`]); without any, it cannot tell and
//! accepts every name.

use super::value::parse_uint;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, SaveWriter};
use crate::ir::Family;
use serde::Serialize;

/// IPSET_DIM_MAX: at most this many src/dst flags.
pub const MAX_DIM: usize = 6;
/// IPSET_MAXNAMELEN less the NUL.
pub const MAX_NAME: usize = 31;

/// `src` or `dst` for each dimension of the set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dir {
    Src,
    Dst,
}

/// `--match-set NAME FLAGS`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct MatchSet {
    pub neg: bool,
    pub name: String,
    pub dirs: Vec<Dir>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CounterOp {
    Eq,
    /// `! --packets-eq N`
    Ne,
    Lt,
    Gt,
}

/// A test on the packet or byte counter of the matching set element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Counter {
    pub op: CounterOp,
    pub value: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Set {
    pub set: Option<MatchSet>,
    /// `--return-nomatch`: an element stored as "nomatch" counts as a match.
    pub return_nomatch: bool,
    /// `! --update-counters`
    pub skip_counter_update: bool,
    /// `! --update-subcounters`
    pub skip_subcounter_update: bool,
    pub packets: Option<Counter>,
    pub bytes: Option<Counter>,
}

fn parse_dirs(s: &str) -> ExtResult<Vec<Dir>> {
    let parts: Vec<&str> = s.split(',').collect();
    if parts.len() > MAX_DIM {
        return Err(ExtError::new(format!("{} src/dst flags", parts.len())).help("a set has at most 6 dimensions: give at most 6 flags"));
    }
    parts
        .iter()
        .map(|p| {
            if p.starts_with("src") {
                Ok(Dir::Src)
            } else if p.starts_with("dst") {
                Ok(Dir::Dst)
            } else {
                Err(ExtError::new(format!("bad flag `{p}` in `{s}`"))
                    .help("write a comma-separated list of src and dst (lower case), one per dimension of the set: `src,dst`"))
            }
        })
        .collect()
}

fn parse_counter(slot: &mut Option<Counter>, what: &str, op: &str, a: &Arg) -> ExtResult {
    if slot.is_some() {
        return Err(ExtError::new(format!("more than one --{what}-* test")).help(format!("give one of --{what}-eq, --{what}-lt or --{what}-gt")));
    }
    let op = match (op, a.neg) {
        ("eq", false) => CounterOp::Eq,
        ("eq", true) => CounterOp::Ne,
        (_, true) => return Err(ExtError::new(format!("`--{what}-{op}` cannot be negated")).help(format!("only --{what}-eq can be negated"))),
        ("lt", false) => CounterOp::Lt,
        _ => CounterOp::Gt,
    };
    let value = parse_uint(a.value, u64::MAX).ok_or_else(|| ExtError::new(format!("bad counter value `{}`", a.value)).help("give a number"))?;
    *slot = Some(Counter { op, value });
    Ok(())
}

fn save_counter(c: &Option<Counter>, what: &str, w: &mut SaveWriter) {
    if let Some(c) = c {
        let (neg, op) = match c.op {
            CounterOp::Eq => (false, "eq"),
            CounterOp::Ne => (true, "eq"),
            CounterOp::Lt => (false, "lt"),
            CounterOp::Gt => (false, "gt"),
        };
        w.opt(neg, &format!("{what}-{op}"), c.value);
    }
}

/// The match for the prover (see `verify::pred`): membership of the
/// packet's address when `--ipsets` gave the set's contents and the set
/// holds single addresses or networks; otherwise a free choice.
impl Set {
    pub fn pred(&self, cx: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::{Field, Pred};
        let Some(s) = &self.set else { return Pred::True };
        let free = || Pred::free(format!("ipset {} holds the packet", s.name)).negate_if(s.neg);
        if self.packets.is_some() || self.bytes.is_some() || self.return_nomatch {
            return free();
        }
        let data = cx.ipsets.and_then(|i| i.get(&s.name));
        match (data, s.dirs.as_slice()) {
            (Some(d), [dir]) if d.family == cx.family => match &d.members {
                Some(m) => {
                    let f = if *dir == Dir::Src { Field::Src } else { Field::Dst };
                    Pred::or(m.iter().map(|(v, mask)| Pred::masked(f, *mask, *v)).collect()).negate_if(s.neg)
                }
                None => free(),
            },
            _ => free(),
        }
    }
}

impl Extension for Set {
    const NAME: &'static str = "set";
    const OPTIONS: &'static [Opt] = &[
        Opt::pair(&["match-set", "set"], true),
        Opt::flag(&["return-nomatch"], true),
        Opt::flag(&["update-counters"], true),
        Opt::value(&["packets-eq"], true),
        Opt::value(&["packets-lt"], true),
        Opt::value(&["packets-gt"], true),
        Opt::value(&["bytes-eq"], true),
        Opt::value(&["bytes-lt"], true),
        Opt::value(&["bytes-gt"], true),
        Opt::flag(&["update-subcounters"], true),
    ];

    fn new(_: &Cx) -> Set {
        Set::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        match opt {
            "match-set" => {
                if self.set.is_some() {
                    return Err(ExtError::new("`--match-set` given twice").help("add a second `-m set` to test another set"));
                }
                if a.value2.is_empty() || a.value2.starts_with('-') || a.value2.starts_with('!') {
                    return Err(
                        ExtError::new("`--match-set` needs a set name and flags").help("write `--match-set NAME src` (or dst, or a list such as src,dst)")
                    );
                }
                if a.value.len() > MAX_NAME {
                    return Err(
                        ExtError::new(format!("set name `{}` is longer than {MAX_NAME} characters", a.value)).help("ipset names have at most 31 characters")
                    );
                }
                self.set = Some(MatchSet { neg: a.neg, name: a.value.to_string(), dirs: parse_dirs(a.value2)? });
            }
            "return-nomatch" => {
                if a.neg {
                    return Err(ExtError::new("`--return-nomatch` cannot be negated").help("remove the `!`"));
                }
                self.return_nomatch = true;
            }
            // The plain forms are the default.
            "update-counters" => self.skip_counter_update |= a.neg,
            "update-subcounters" => self.skip_subcounter_update |= a.neg,
            _ => {
                let (what, op) = opt.split_once('-').unwrap_or((opt, ""));
                let slot = if what == "packets" { &mut self.packets } else { &mut self.bytes };
                parse_counter(slot, what, op, a)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.set.is_none() {
            return Err(ExtError::new("`-m set` without `--match-set`").help("write `-m set --match-set NAME src`"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(s) = &self.set {
            let dirs: Vec<&str> = s.dirs.iter().map(|d| if *d == Dir::Src { "src" } else { "dst" }).collect();
            // The name is printed raw, as the kernel returns it.
            w.opt(s.neg, "match-set", format!("{} {}", s.name, dirs.join(",")));
        }
        if self.return_nomatch {
            w.flag(false, "return-nomatch");
        }
        if self.skip_counter_update {
            w.flag(true, "update-counters");
        }
        if self.skip_subcounter_update {
            w.flag(true, "update-subcounters");
        }
        save_counter(&self.packets, "packets", w);
        save_counter(&self.bytes, "bytes", w);
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `set_match_v4` (xt_set.c) looks the packet up in the ipset, whose
/// contents fwcheck is not given.
impl MatchEval for Set {
    fn eval(&self, _: &Packet, _: &EvalCx) -> Tri {
        let name = self.set.as_ref().map_or("", |s| s.name.as_str());
        Tri::unknown(format!("ipset {name}: its contents are not known"))
    }
}

/// The ipset sets a script creates, so that `-m set` can be checked as
/// iptables checks it. `None` family: a set of either family (`list:set`,
/// `hash:mac`).
#[derive(Clone, Debug, Default)]
pub struct Ipsets {
    sets: Vec<(String, Option<Family>)>,
    /// Whether the sets are known: some `ipset create` was seen, and no
    /// `ipset restore` (whose sets fwcheck does not read).
    closed: bool,
    open: bool,
}

impl Ipsets {
    /// Takes note of one `ipset ...` command line (the words from `ipset`
    /// on); other lab commands are ignored.
    pub fn lab(&mut self, words: &[String]) {
        if words.first().map(|w| w.rsplit('/').next().unwrap_or("")) != Some("ipset") {
            return;
        }
        let args: Vec<&str> = words[1..].iter().map(String::as_str).filter(|w| !matches!(*w, "-exist" | "-!" | "-q" | "-quiet")).collect();
        match args.as_slice() {
            ["create" | "n" | "-N", name, kind, opts @ ..] => {
                let family = if matches!(*kind, "list:set" | "hash:mac") {
                    None
                } else if opts.windows(2).any(|w| w[0] == "family" && w[1] == "inet6") {
                    Some(Family::Ipv6)
                } else {
                    Some(Family::Ipv4)
                };
                self.sets.retain(|(n, _)| n != name);
                self.sets.push((name.to_string(), family));
                self.closed = true;
            }
            ["destroy" | "x" | "-X"] => self.sets.clear(),
            ["destroy" | "x" | "-X", name, ..] => self.sets.retain(|(n, _)| n != name),
            ["rename" | "e" | "-E", from, to, ..] => {
                for s in &mut self.sets {
                    if s.0 == *from {
                        s.0 = to.to_string();
                    }
                }
            }
            ["swap" | "w" | "-W", a, b, ..] => {
                let fa = self.sets.iter().position(|s| s.0 == *a);
                let fb = self.sets.iter().position(|s| s.0 == *b);
                if let (Some(i), Some(j)) = (fa, fb) {
                    let (x, y) = (self.sets[i].1, self.sets[j].1);
                    self.sets[i].1 = y;
                    self.sets[j].1 = x;
                }
            }
            ["restore" | "-R", ..] => self.open = true,
            _ if args.contains(&"-file") || args.contains(&"-f") => self.open = true,
            _ => {}
        }
    }

    /// Whether `-m set --match-set NAME` can be loaded in `family`.
    pub fn check(&self, family: Family, m: &Set) -> ExtResult {
        let Some(s) = &m.set else { return Ok(()) };
        if !self.closed || self.open {
            return Ok(());
        }
        match self.sets.iter().find(|(n, _)| *n == s.name) {
            None => Err(ExtError::new(format!("set `{}` does not exist", s.name)).help(format!("create it first: `ipset create {} hash:ip`", s.name))),
            Some((_, Some(f))) if *f != family => {
                let (has, want) = if *f == Family::Ipv6 { ("inet6", "inet") } else { ("inet", "inet6") };
                Err(ExtError::new(format!("set `{}` is of family {has}, not usable in {}", s.name, family.command()))
                    .help(format!("use a set created with `family {want}` for {}", family.command())))
            }
            Some(_) => Ok(()),
        }
    }
}

/// libxt_set's print (revision 4): the save form without the dashes
/// (` match-set NAME src,dst`, ` ! match-set ...`, ` return-nomatch`,
/// ` ! update-counters`, ` packets-lt 9`, ` ! bytes-eq 5`).
impl super::ListForm for Set {
    fn list(&self, out: &mut String) {
        if let Some(s) = &self.set {
            let dirs: Vec<&str> = s.dirs.iter().map(|d| if *d == Dir::Src { "src" } else { "dst" }).collect();
            out.push_str(&format!("{} match-set {} {}", if s.neg { " !" } else { "" }, s.name, dirs.join(",")));
        }
        if self.return_nomatch {
            out.push_str(" return-nomatch");
        }
        if self.skip_counter_update {
            out.push_str(" ! update-counters");
        }
        if self.skip_subcounter_update {
            out.push_str(" ! update-subcounters");
        }
        for (what, c) in [("packets", &self.packets), ("bytes", &self.bytes)] {
            if let Some(c) = c {
                let (neg, op) = match c.op {
                    CounterOp::Eq => ("", "eq"),
                    CounterOp::Ne => (" !", "eq"),
                    CounterOp::Lt => ("", "lt"),
                    CounterOp::Gt => ("", "gt"),
                };
                out.push_str(&format!("{neg} {what}-{op} {}", c.value));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dirs_like_libxt_set() {
        assert_eq!(parse_dirs("src,dst"), Ok(vec![Dir::Src, Dir::Dst]));
        assert_eq!(parse_dirs("srcx"), Ok(vec![Dir::Src]));
        assert!(parse_dirs("SRC").is_err());
        assert!(parse_dirs("src,").is_err());
        assert!(parse_dirs("src,dst,src,dst,src,dst,src").is_err());
        assert_eq!(parse_dirs("src,dst,src,dst,src,dst").map(|d| d.len()), Ok(6));
    }

    #[test]
    fn known_sets() {
        let w = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        let mut k = Ipsets::default();
        let m = |name: &str| Set { set: Some(MatchSet { neg: false, name: name.into(), dirs: vec![Dir::Src] }), ..Set::default() };
        assert!(k.check(Family::Ipv4, &m("any")).is_ok());
        k.lab(&w("ipset create bl hash:ip"));
        k.lab(&w("ipset -exist create bl6 hash:ip family inet6"));
        k.lab(&w("ipset create ls list:set"));
        assert!(k.check(Family::Ipv4, &m("bl")).is_ok());
        assert!(k.check(Family::Ipv4, &m("nosuch")).is_err());
        assert!(k.check(Family::Ipv4, &m("bl6")).is_err());
        assert!(k.check(Family::Ipv6, &m("bl6")).is_ok());
        assert!(k.check(Family::Ipv6, &m("ls")).is_ok());
        k.lab(&w("ipset destroy bl"));
        assert!(k.check(Family::Ipv4, &m("bl")).is_err());
    }

    #[test]
    fn set_contents_are_unknown() {
        use crate::ir::Hook;
        use crate::predict::packet::rule_matches;
        let cx = EvalCx { hook: Hook::Input, local: &[], lab: None };
        let p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 40000, 22);
        for spec in ["-m set --match-set blocklist src", "-m set ! --match-set blocklist src,dst --return-nomatch"] {
            let m = rule_matches(Family::Ipv4, "filter", "INPUT", spec);
            assert_eq!(m[0].eval(&p, &cx), Tri::unknown("ipset blocklist: its contents are not known"), "{spec}");
        }
    }
}

/// Not translated: an ipset lives outside the rule set, and nft cannot
/// read it; the nft equivalent is a named set whose contents fwcheck does
/// not have.
impl crate::translate::ToNft for Set {
    fn to_nft(&self, _: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        let name = self.set.as_ref().map_or("", |s| s.name.as_str());
        Err(crate::translate::nft::Untranslatable::new(format!(
            "ipset `{name}` lives outside the rule set; declare it as an nft set and match it with `@{name}`"
        )))
    }
}
