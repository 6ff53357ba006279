//! `fwcheck query RULES 'tcp from 0.0.0.0/0 to 10.0.0.5 dport 22 in eth0'`:
//! can a packet of that shape be accepted (or dropped) at its hook? A
//! witness packet if so, a proof that none can otherwise.
//!
//! The shape: an optional protocol (`tcp`, `udp`, `icmp`, a name or a
//! number), then any of `from ADDR[/LEN]`, `to ADDR[/LEN]`, `sport P[:Q]`,
//! `dport P[:Q]`, `in IFACE`, `out IFACE` (`eth+` for a prefix),
//! `state S[,S]`, `mark N`, `hook CHAIN`. The hook is FORWARD with both
//! interfaces, OUTPUT with only `out`, else INPUT. The shape is the packet
//! as it arrives: a DNAT of the nat table rewrites it (for the first packet
//! of a connection) before the hook's other tables see it.

use super::ipsets::Ipsets;
use super::model::{sets_marks, Cat, Model, Naming};
use super::pred::{addr_bits, Dir, Field, Pred, PredCx};
use super::smt::{Answer, Smt, Witness, F};
use crate::ext::generic::AddrMask;
use crate::ir::{Family, Hook, Ruleset};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Want {
    /// Accepted at the hook.
    Accepted,
    /// Dropped or rejected at the hook.
    Dropped,
}

#[derive(Clone, Debug)]
pub struct Question {
    pub family: Family,
    pub hook: Hook,
    pub pred: Pred,
    pub text: String,
}

pub enum Answered {
    Yes(Witness),
    /// Proved: no packet of the shape gets the verdict.
    No,
    Unknown(String),
}

fn port_range(s: &str) -> Result<(u128, u128), String> {
    let p = |x: &str| x.parse::<u16>().map(|v| v as u128).map_err(|_| format!("`{x}` is not a port (0 to 65535)"));
    match s.split_once(':') {
        Some((a, b)) => Ok((if a.is_empty() { 0 } else { p(a)? }, if b.is_empty() { 65535 } else { p(b)? })),
        None => p(s).map(|v| (v, v)),
    }
}

/// Reads the shape. `ipv6` decides the family when no address does.
pub fn parse(text: &str, ipv6: bool) -> Result<Question, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let help = "write e.g. `tcp from 0.0.0.0/0 to 10.0.0.5 dport 22 in eth0`";
    let mut family = if ipv6 { Family::Ipv6 } else { Family::Ipv4 };
    if words
        .iter()
        .any(|w| w.contains(':') && w.parse::<std::net::IpAddr>().is_ok() || w.split('/').next().is_some_and(|a| a.parse::<std::net::Ipv6Addr>().is_ok()))
    {
        family = Family::Ipv6;
    }
    let mut v = Vec::new();
    let (mut iif, mut oif, mut hook) = (false, false, None);
    let mut it = words.iter().peekable();
    if let Some(first) = it.peek() {
        if !matches!(**first, "from" | "to" | "sport" | "dport" | "in" | "out" | "state" | "mark" | "hook") {
            let p = crate::ext::value::parse_proto(first).map_err(|e| format!("`{first}`: {}; {help}", e.message))?;
            if p != 0 {
                v.push(Pred::eq(Field::Proto, p as u128));
            }
            it.next();
        }
    }
    while let Some(w) = it.next() {
        let arg = it.next().ok_or_else(|| format!("`{w}` needs a value; {help}"))?;
        match *w {
            "from" | "to" => {
                let a = AddrMask::parse(arg, family).map_err(|e| format!("`{arg}`: {}", e.message))?;
                let f = if *w == "from" { Field::Src } else { Field::Dst };
                v.push(Pred::masked(f, addr_bits(a.mask), addr_bits(a.addr)));
            }
            "sport" | "dport" => {
                let (lo, hi) = port_range(arg)?;
                v.push(Pred::range(if *w == "sport" { Field::Sport } else { Field::Dport }, lo, hi));
            }
            "in" => {
                iif = true;
                v.push(Pred::Iface { dir: Dir::In, name: arg.to_string() });
            }
            "out" => {
                oif = true;
                v.push(Pred::Iface { dir: Dir::Out, name: arg.to_string() });
            }
            "state" => {
                let mut any = Vec::new();
                for s in arg.split(',') {
                    let i = crate::ext::state::STATES
                        .iter()
                        .position(|x| x.eq_ignore_ascii_case(s))
                        .ok_or_else(|| format!("`{s}` is not a state (INVALID, NEW, RELATED, ESTABLISHED, UNTRACKED)"))?;
                    any.push(Pred::eq(Field::CtState, i as u128));
                }
                v.push(Pred::or(any));
            }
            "mark" => {
                let m = crate::ext::value::parse_uint(arg, u32::MAX as u64).ok_or_else(|| format!("`{arg}` is not a mark"))?;
                v.push(Pred::eq(Field::Mark, m as u128));
            }
            "hook" => {
                hook = Some(
                    Hook::ALL
                        .into_iter()
                        .find(|h| h.as_str().eq_ignore_ascii_case(arg))
                        .ok_or_else(|| format!("`{arg}` is not a hook (PREROUTING, INPUT, FORWARD, OUTPUT, POSTROUTING)"))?,
                );
            }
            other => return Err(format!("unknown word `{other}`; {help}")),
        }
    }
    let hook = hook.unwrap_or(match (iif, oif) {
        (true, true) => Hook::Forward,
        (false, true) => Hook::Output,
        _ => Hook::Input,
    });
    Ok(Question { family, hook, pred: Pred::and(v), text: text.to_string() })
}

/// Answers the question on `rs`, with notes on what was left out (a nat
/// table fwcheck could not put before the hook).
pub fn ask(rs: &Ruleset, q: &Question, want: Want, ipsets: Option<&Ipsets>) -> (Answered, Vec<String>) {
    let mut smt = Smt::new(q.family);
    smt.conntrack = crate::netfilter::conntrack_on(rs);
    let cx = PredCx { family: q.family, marks_free: sets_marks(rs), ipsets };
    let m = Model::build(rs, q.family, &mut smt, Naming::PerRule, &cx);
    let mut notes = Vec::new();
    let out = m.hook_outcome_after_nat(q.hook, &mut smt).unwrap_or_else(|why| {
        notes.push(format!("the packet is taken as it arrives, without nat: {why}"));
        m.hook_outcome(q.hook)
    });
    let verdict = match want {
        Want::Accepted => out.get(&Cat::Accept).cloned().unwrap_or_else(F::ff),
        Want::Dropped => F::or(&out.iter().filter(|(c, _)| matches!(c, Cat::Drop | Cat::Reject(_))).map(|(_, f)| f.clone()).collect::<Vec<_>>()),
    };
    smt.scope = "query".into();
    let shape = smt.pred(&q.pred);
    let a = match smt.solve(&F::and(&[smt.at_hook(q.hook), shape, verdict])) {
        Answer::Sat(w) => Answered::Yes(w),
        Answer::Unsat => Answered::No,
        Answer::Unknown(r) => Answered::Unknown(r),
    };
    (a, notes)
}
