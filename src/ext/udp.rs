//! `-m udp` (libxt_udp): source and destination ports.
//!
//! Unlike tcp, libxt_udp reads ports with xtables' generic option parser:
//! decimal only, taken modulo 65536 (`70000` is 4464), and a reversed range
//! is kept as written (it can never match).

use super::tcp::{save_ports, PortRange, Tcp};
use super::value::services_port;
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::HookMask;
use serde::Serialize;

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Udp {
    pub sport: Option<PortRange>,
    pub dport: Option<PortRange>,
}

/// A port as xtables' generic parser reads it: a service name of any
/// protocol, or a decimal number (leading `+` and zeros allowed) below
/// 2^32 - 1, taken modulo 65536.
pub fn generic_port(s: &str) -> ExtResult<u16> {
    let digits = s.strip_prefix('+').unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match digits.parse::<u64>() {
            Ok(v) if v < u32::MAX as u64 => Ok((v % 65536) as u16),
            _ => Err(ExtError::new(format!("port `{s}` is out of range")).help("ports are 0 to 65535")),
        };
    }
    services_port(s, None)
        .ok_or_else(|| ExtError::new(format!("invalid port/service `{s}`")).help("give a decimal number from 0 to 65535 or a service name from /etc/services"))
}

/// A range as the generic parser reads it: `a`, `a:b`, `a:`, `:b`, `:`.
/// Reversed ranges are accepted.
pub fn generic_port_range(neg: bool, s: &str) -> ExtResult<PortRange> {
    let parts: Vec<&str> = s.split(':').collect();
    let (lo, hi) = match parts.as_slice() {
        [a] => {
            let p = generic_port(a)?;
            (p, p)
        }
        [a, b] => (if a.is_empty() { 0 } else { generic_port(a)? }, if b.is_empty() { 65535 } else { generic_port(b)? }),
        _ => return Err(ExtError::new(format!("bad port range `{s}`")).help("write PORT or FIRST:LAST")),
    };
    Ok(PortRange { neg, lo, hi })
}

impl Udp {
    /// See [`Tcp::merge`]: iptables-nft prints several udp matches as one.
    pub fn merge(&mut self, later: &Udp) {
        if later.sport.is_some() {
            self.sport = later.sport;
        }
        if later.dport.is_some() {
            self.dport = later.dport;
        }
    }

    pub fn vanishes(&self) -> bool {
        Tcp { sport: self.sport, dport: self.dport, flags: None, option: None }.vanishes()
    }
}

/// The match for the prover (see `verify::pred`): the port ranges.
impl Udp {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::{Field, Pred};
        let mut v = vec![Pred::not_fragment()];
        for (f, p) in [(Field::Sport, &self.sport), (Field::Dport, &self.dport)] {
            if let Some(p) = p {
                v.push(Pred::range(f, p.lo as u128, p.hi as u128).negate_if(p.neg));
            }
        }
        Pred::and(v)
    }
}

impl Extension for Udp {
    const NAME: &'static str = "udp";
    const OPTIONS: &'static [Opt] = &[Opt::value(&["sport", "source-port"], true), Opt::value(&["dport", "destination-port"], true)];

    fn new(_: &Cx) -> Udp {
        Udp::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        let slot = if opt == "sport" { &mut self.sport } else { &mut self.dport };
        if slot.is_some() {
            return Err(ExtError::new(format!("`--{opt}` given twice")).help("give each option once per match"));
        }
        *slot = Some(generic_port_range(a.neg, a.value)?);
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        save_ports(&self.sport, &self.dport, w);
    }

    fn restrictions(&self) -> Restrictions {
        Restrictions { protos: Some(&[17]), negated_proto_ok: true, hooks: HookMask::ALL, tables: None }
    }
}

use super::tcp::port_in;
use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `udp_mt` (xt_tcpudp.c): both port tests, and nothing for a fragment
/// other than the first, which has no UDP header.
impl MatchEval for Udp {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        Tri::from_bool(!p.fragment && port_in(&self.sport, p.sport) && port_in(&self.dport, p.dport))
    }
}

/// libxt_udp's `udp_print`: ` udp` and the ports as tcp prints them.
impl super::ListForm for Udp {
    fn list(&self, out: &mut String) {
        out.push_str(" udp");
        super::tcp::list_ports(out, &self.sport, &self.dport);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ir::{Family, Hook};
    use crate::predict::packet::rule_matches;

    fn eval(family: Family, spec: &str, p: &Packet) -> Tri {
        let m = rule_matches(family, "filter", "INPUT", spec);
        m[0].eval(p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    #[test]
    fn ports() {
        let p = Packet::udp([10, 0, 0, 1], [10, 0, 0, 2], 5353, 53);
        let v4 = Family::Ipv4;
        assert_eq!(eval(v4, "-p udp --dport 53", &p), Tri::Yes);
        assert_eq!(eval(v4, "-p udp --dport 54", &p), Tri::No);
        assert_eq!(eval(v4, "-p udp ! --dport 53", &p), Tri::No);
        assert_eq!(eval(v4, "-p udp --sport 5353 --dport 53", &p), Tri::Yes);
        assert_eq!(eval(v4, "-p udp --sport 5353 ! --dport 53", &p), Tri::No);
        assert_eq!(eval(v4, "-p udp --dport 53:53", &p), Tri::Yes);
        assert_eq!(eval(v4, "-p udp --dport 54:60", &p), Tri::No);
        // A reversed range is kept and never matches; negated it always does.
        assert_eq!(eval(v4, "-p udp --dport 60:50", &p), Tri::No);
        assert_eq!(eval(v4, "-p udp ! --dport 60:50", &p), Tri::Yes);
        let p6 = Packet::udp("2001:db8::1".parse::<std::net::Ipv6Addr>().unwrap(), "2001:db8::2".parse::<std::net::Ipv6Addr>().unwrap(), 546, 547);
        assert_eq!(eval(Family::Ipv6, "-p udp --dport 547", &p6), Tri::Yes);
    }

    #[test]
    fn later_fragments_never_match() {
        let mut p = Packet::udp([10, 0, 0, 1], [10, 0, 0, 2], 5353, 53);
        p.fragment = true;
        assert_eq!(eval(Family::Ipv4, "-p udp --dport 53", &p), Tri::No);
        assert_eq!(eval(Family::Ipv4, "-p udp ! --dport 53", &p), Tri::No);
    }
}

/// `udp sport 53`, `udp dport 137-138`.
impl crate::translate::ToNft for Udp {
    fn to_nft(&self, cx: &mut crate::translate::nft::RuleCx) -> crate::translate::nft::TxResult {
        if !super::tcp::ports_to_nft("udp", &self.sport, &self.dport, cx)? {
            super::tcp::first_fragment_only("udp", cx);
        }
        cx.implies(17);
        Ok(())
    }
}
