//! `-m multiport` (libxt_multiport, revision 1): up to 15 ports or port
//! ranges in one match, as `[!] --sports`, `--dports` or `--ports` (source
//! or destination). Exactly one of the three per match.
//!
//! The kernel struct has 15 port slots and a range takes two, so
//! `1:2,...,13:14,15` fits but a range starting in the last slot does not.
//! Inside multiport a range must be increasing (`1:1` and `3:1` are
//! rejected, unlike tcp's `--dport`) and both ends must be given. Ports are
//! numbers in C notation (`0x16`, `022`) or service names of the rule's
//! protocol. iptables-save prints the short option names and the numbers,
//! in the order given, duplicates kept.
//!
//! multiport needs a positive `-p tcp|udp|udplite|sctp|dccp` before it:
//! iptables checks the protocol while it parses the option, and the kernel
//! checks it again.

use super::tcp::PortRange;
use super::value::{parse_strtoul, proto_name, services_port};
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::HookMask;
use serde::Serialize;

/// The kernel's `XT_MULTI_PORTS`.
pub const MAX_SLOTS: usize = 15;

/// Protocols with ports: tcp, udp, udplite, sctp, dccp.
const PROTOS: &[u8] = &[6, 17, 136, 132, 33];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Source,
    Destination,
    /// `--ports`: source or destination.
    Either,
}

impl Direction {
    fn option(self) -> &'static str {
        match self {
            Direction::Source => "sports",
            Direction::Destination => "dports",
            Direction::Either => "ports",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PortList {
    pub neg: bool,
    pub dir: Direction,
    /// Single ports have `lo == hi`.
    pub ports: Vec<PortRange>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Multiport {
    pub list: Option<PortList>,
}

/// One port: a number (strtoul base 0) or a service name of `proto`.
fn port(s: &str, proto: &str) -> ExtResult<u16> {
    if let Some(v) = parse_strtoul(s, 65535) {
        return Ok(v as u16);
    }
    services_port(s, Some(proto)).ok_or_else(|| {
        ExtError::new(format!("invalid port/service `{s}`")).help(format!("give a number from 0 to 65535 or a {proto} service name from /etc/services"))
    })
}

/// `PORT[:PORT][,...]` as libxt_multiport's `parse_multi_ports_v1` reads it.
pub fn parse_ports(s: &str, proto: &str) -> ExtResult<Vec<PortRange>> {
    let mut out = Vec::new();
    let mut slots = 0;
    for item in s.split(',') {
        let too_many = || {
            ExtError::new(format!("too many ports in `{s}`"))
                .help(format!("multiport takes at most {MAX_SLOTS} ports, a range counting as two: split the rule"))
        };
        if slots >= MAX_SLOTS {
            return Err(too_many());
        }
        match item.split_once(':') {
            None => {
                let p = port(item, proto)?;
                out.push(PortRange { neg: false, lo: p, hi: p });
                slots += 1;
            }
            Some((a, b)) => {
                if slots == MAX_SLOTS - 1 {
                    return Err(too_many());
                }
                let (lo, hi) = (port(a, proto)?, port(b, proto)?);
                if lo >= hi {
                    return Err(ExtError::new(format!("invalid port range `{item}`")).help(if lo == hi {
                        format!("write the single port `{lo}`")
                    } else {
                        format!("write the lower port first: `{hi}:{lo}`")
                    }));
                }
                out.push(PortRange { neg: false, lo, hi });
                slots += 2;
            }
        }
    }
    Ok(out)
}

/// The match for the prover (see `verify::pred`): any of the ranges, on
/// the source port, the destination port or either.
impl Multiport {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::{Field, Pred};
        let Some(l) = &self.list else {
            return Pred::not_fragment();
        };
        let on = |f: Field| Pred::or(l.ports.iter().map(|r| Pred::range(f, r.lo as u128, r.hi as u128)).collect());
        let found = match l.dir {
            Direction::Source => on(Field::Sport),
            Direction::Destination => on(Field::Dport),
            Direction::Either => Pred::or(vec![on(Field::Sport), on(Field::Dport)]),
        };
        Pred::and(vec![Pred::not_fragment(), found.negate_if(l.neg)])
    }
}

impl Extension for Multiport {
    const NAME: &'static str = "multiport";
    const OPTIONS: &'static [Opt] =
        &[Opt::value(&["sports", "source-ports"], true), Opt::value(&["dports", "destination-ports"], true), Opt::value(&["ports"], true)];

    fn new(_: &Cx) -> Multiport {
        Multiport::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, cx: &Cx) -> ExtResult {
        let dir = match opt {
            "sports" => Direction::Source,
            "dports" => Direction::Destination,
            _ => Direction::Either,
        };
        if let Some(l) = &self.list {
            return Err(if l.dir == dir {
                ExtError::new(format!("`--{opt}` given twice")).help("list all ports in one option: `--dports 22,80,443`")
            } else {
                ExtError::new(format!("`--{}` and `--{opt}` in one multiport match", l.dir.option()))
                    .help("a multiport match takes one of --sports, --dports, --ports: use two `-m multiport`")
            });
        }
        let proto = match cx.proto {
            Some(p) if PROTOS.contains(&p) => proto_name(p),
            _ => {
                return Err(ExtError::new("multiport needs `-p tcp`, `-p udp`, `-p udplite`, `-p sctp` or `-p dccp`")
                    .help("put a (not negated) `-p tcp` or `-p udp` before `-m multiport`"))
            }
        };
        self.list = Some(PortList { neg: a.neg, dir, ports: parse_ports(a.value, &proto)? });
        Ok(())
    }

    fn finish(&mut self, _: &Cx) -> ExtResult {
        if self.list.is_none() {
            return Err(ExtError::new("`-m multiport` without ports").help("write `-m multiport --dports 22,80,443` (or --sports, --ports)"));
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        if let Some(l) = &self.list {
            let ports: Vec<String> = l.ports.iter().map(|p| p.to_save()).collect();
            w.opt(l.neg, l.dir.option(), ports.join(","));
        }
    }

    fn restrictions(&self) -> Restrictions {
        Restrictions { protos: Some(PROTOS), negated_proto_ok: false, hooks: HookMask::ALL, tables: None }
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `multiport_mt` (xt_multiport.c): a fragment other than the first has no
/// ports and never matches, `!` or not. Otherwise `ports_match_v1` finds a
/// listed port or inclusive range holding the source port (`--sports`),
/// the destination port (`--dports`) or either (`--ports`), and `!`
/// inverts the result.
impl MatchEval for Multiport {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        if p.fragment {
            return Tri::No;
        }
        let Some(l) = &self.list else {
            return Tri::Yes;
        };
        let holds = |port: u16| l.ports.iter().any(|r| r.lo <= port && port <= r.hi);
        let found = match l.dir {
            Direction::Source => holds(p.sport),
            Direction::Destination => holds(p.dport),
            Direction::Either => holds(p.sport) || holds(p.dport),
        };
        Tri::from_bool(found).negate_if(l.neg)
    }
}

/// libxt_multiport's `print_v1` with `-n`: ` multiport dports 22,80:90`; a
/// negation prints as ` !` after the direction's own trailing space, so
/// ` multiport dports  !22`.
impl super::ListForm for Multiport {
    fn list(&self, out: &mut String) {
        out.push_str(" multiport ");
        let Some(l) = &self.list else { return };
        out.push_str(l.dir.option());
        out.push(' ');
        if l.neg {
            out.push_str(" !");
        }
        let items: Vec<String> = l.ports.iter().map(|p| if p.lo == p.hi { p.lo.to_string() } else { format!("{}:{}", p.lo, p.hi) }).collect();
        out.push_str(&items.join(","));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<String, ExtError> {
        parse_ports(s, "tcp").map(|v| v.iter().map(|p| p.to_save()).collect::<Vec<_>>().join(","))
    }

    #[test]
    fn lists_and_slots() {
        assert_eq!(p("ssh,http,0x16,022").as_deref(), Ok("22,80,22,18"));
        assert_eq!(p("1:2,3:4,5:6,7:8,9:10,11:12,13:14,15").as_deref(), Ok("1:2,3:4,5:6,7:8,9:10,11:12,13:14,15"));
        assert!(p("1,2,3,4,5,6,7,8,9,10,11,12,13,14:15").is_ok());
        assert!(p("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16").is_err());
        assert!(p("1:2,3:4,5:6,7:8,9:10,11:12,13:14,15:16").is_err());
        for bad in ["3:1", "1:1", ":1024", "1024:", "65536", "22,", "foo", ""] {
            assert!(p(bad).is_err(), "{bad}");
        }
    }

    fn eval(spec: &str, p: &Packet) -> Tri {
        use crate::ir::{Family, Hook};
        use crate::predict::packet::rule_matches;
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", spec);
        m[0].eval(p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    #[test]
    fn lists_ranges_and_sides() {
        let p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 40000, 443);
        assert_eq!(eval("-p tcp -m multiport --dports 22,80,443", &p), Tri::Yes);
        assert_eq!(eval("-p tcp -m multiport --dports 22,80", &p), Tri::No);
        assert_eq!(eval("-p tcp -m multiport ! --dports 22,80,443", &p), Tri::No);
        assert_eq!(eval("-p tcp -m multiport ! --dports 22,80", &p), Tri::Yes);
        assert_eq!(eval("-p tcp -m multiport --dports 22,400:443", &p), Tri::Yes);
        assert_eq!(eval("-p tcp -m multiport --dports 443:500", &p), Tri::Yes);
        assert_eq!(eval("-p tcp -m multiport --dports 400:442,444", &p), Tri::No);
        assert_eq!(eval("-p tcp -m multiport --sports 443", &p), Tri::No);
        assert_eq!(eval("-p tcp -m multiport --sports 1024:65535", &p), Tri::Yes);
        assert_eq!(eval("-p tcp -m multiport --ports 443", &p), Tri::Yes);
        assert_eq!(eval("-p tcp -m multiport --ports 40000", &p), Tri::Yes);
        assert_eq!(eval("-p tcp -m multiport --ports 22,80", &p), Tri::No);
        assert_eq!(eval("-p tcp -m multiport ! --ports 40000", &p), Tri::No);
        let u = Packet::udp([10, 0, 0, 1], [10, 0, 0, 2], 5353, 53);
        assert_eq!(eval("-p udp -m multiport --dports 53,123", &u), Tri::Yes);
    }

    #[test]
    fn later_fragments_never_match() {
        let mut p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 40000, 443);
        p.fragment = true;
        assert_eq!(eval("-p tcp -m multiport --dports 443", &p), Tri::No);
        assert_eq!(eval("-p tcp -m multiport ! --dports 22", &p), Tri::No);
    }
}

use crate::translate::nft::{self as nft, RuleCx, TxResult, Untranslatable};

/// `tcp dport { 22, 80 }` (an anonymous set; one port without braces);
/// `--ports` (source or destination) as iptables-translate writes it, a
/// concatenation `tcp sport . tcp dport { 0-65535 . 22, 22 . 0-65535 }`.
impl crate::translate::ToNft for Multiport {
    fn to_nft(&self, cx: &mut RuleCx) -> TxResult {
        let Some(l) = &self.list else { return Ok(()) };
        let proto = match cx.proto {
            Some(6) => "tcp",
            Some(17) => "udp",
            Some(132) => "sctp",
            Some(33) => "dccp",
            Some(136) => "udplite",
            _ => return Err(Untranslatable::new("multiport without -p tcp, udp, sctp, dccp or udplite")),
        };
        let elems: Vec<nft::Expr> = l.ports.iter().map(|p| nft::num_range(p.lo as u32, p.hi as u32)).collect();
        match l.dir {
            Direction::Source | Direction::Destination => {
                let field = if l.dir == Direction::Source { "sport" } else { "dport" };
                let right = if elems.len() == 1 { elems.into_iter().next().unwrap_or(nft::n(0)) } else { nft::set(elems) };
                cx.push(nft::eq(nft::payload(proto, field), l.neg, right));
            }
            Direction::Either => {
                let any = || nft::range(nft::n(0), nft::n(65535));
                let concat = |a, b| nft::Expression::Named(nft::NamedExpression::Concat(vec![a, b]));
                let mut items = Vec::new();
                for e in &elems {
                    items.push(concat(any(), e.clone()));
                    items.push(concat(e.clone(), any()));
                }
                let left = concat(nft::payload(proto, "sport"), nft::payload(proto, "dport"));
                cx.push(nft::eq(left, l.neg, nft::set(items)));
            }
        }
        if let Some(p) = cx.proto {
            cx.implies(p);
        }
        Ok(())
    }
}
