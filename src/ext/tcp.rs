//! `-m tcp` (libxt_tcp): ports, TCP flags, `--syn`, `--tcp-option`.
//!
//! iptables-nft turns this match into native nft payload expressions and,
//! when it lists them, rebuilds one tcp match per rule: several `-m tcp` are
//! printed merged, a later option overriding an earlier one (see
//! [`Tcp::merge`]).

use super::value::{parse_uint, services_port};
use super::{Arg, Cx, ExtError, ExtResult, Extension, Opt, Restrictions, SaveWriter};
use crate::ir::HookMask;
use serde::Serialize;

/// A port range with its negation. `None` in the match means "any".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PortRange {
    pub neg: bool,
    pub lo: u16,
    pub hi: u16,
}

impl PortRange {
    pub fn is_full(&self) -> bool {
        self.lo == 0 && self.hi == 65535
    }
    pub fn to_save(&self) -> String {
        if self.lo == self.hi {
            self.lo.to_string()
        } else {
            format!("{}:{}", self.lo, self.hi)
        }
    }
}

/// `--tcp-flags MASK COMP`: the flags in MASK must equal COMP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TcpFlags {
    pub neg: bool,
    pub mask: u8,
    pub comp: u8,
}

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;
pub const URG: u8 = 0x20;
const FLAG_NAMES: [(&str, u8); 6] = [("FIN", FIN), ("SYN", SYN), ("RST", RST), ("PSH", PSH), ("ACK", ACK), ("URG", URG)];

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Tcp {
    pub sport: Option<PortRange>,
    pub dport: Option<PortRange>,
    pub flags: Option<TcpFlags>,
    /// `--tcp-option N`: the packet carries TCP option kind N.
    pub option: Option<(bool, u8)>,
}

/// A tcp port: a number (strtoul base 0, so `0x16` is 22 and `022` is 18)
/// or a tcp service name, case-sensitive as getservbyname is.
fn port(s: &str) -> ExtResult<u16> {
    if let Some(v) = parse_uint(s, u64::MAX) {
        return u16::try_from(v).map_err(|_| ExtError::new(format!("port `{s}` is out of range")).help("ports are 0 to 65535"));
    }
    services_port(s, Some("tcp"))
        .ok_or_else(|| ExtError::new(format!("invalid port/service `{s}`")).help("give a number from 0 to 65535 or a tcp service name from /etc/services"))
}

/// `a`, `a:b`, `a:`, `:b`; a reversed range is an error.
pub fn port_range(neg: bool, s: &str) -> ExtResult<PortRange> {
    let (lo, hi) = match s.split_once(':') {
        None => {
            let p = port(s)?;
            (p, p)
        }
        Some((a, b)) => (if a.is_empty() { 0 } else { port(a)? }, if b.is_empty() { 65535 } else { port(b)? }),
    };
    if lo > hi {
        return Err(ExtError::new(format!("invalid port range `{s}`: {lo} is greater than {hi}")).help(format!("write the lower port first: `{hi}:{lo}`")));
    }
    Ok(PortRange { neg, lo, hi })
}

fn flag_list(s: &str) -> ExtResult<u8> {
    let mut m = 0;
    for name in s.split(',') {
        let up = name.to_ascii_uppercase();
        m |= match up.as_str() {
            "ALL" => 0x3f,
            "NONE" => 0,
            _ => FLAG_NAMES.iter().find(|(n, _)| *n == up).map(|(_, b)| *b).ok_or_else(|| {
                ExtError::new(format!("unknown TCP flag `{name}`"))
                    .help("the flags are FIN, SYN, RST, PSH, ACK, URG, ALL and NONE (iptables has no ECE or CWR)")
            })?,
        };
    }
    Ok(m)
}

/// `FIN,SYN,RST,ACK`, in iptables' order; `NONE` for no flag.
pub fn flags_to_save(f: u8) -> String {
    if f == 0 {
        return "NONE".into();
    }
    FLAG_NAMES.iter().filter(|(_, b)| f & b != 0).map(|(n, _)| *n).collect::<Vec<_>>().join(",")
}

fn once<T>(slot: &Option<T>, opt: &str) -> ExtResult {
    if slot.is_some() {
        return Err(ExtError::new(format!("`--{opt}` given twice")).help("give each option once per match"));
    }
    Ok(())
}

impl Tcp {
    /// What iptables-nft prints for several tcp matches of one rule: one
    /// match, with a later option overriding an earlier one.
    pub fn merge(&mut self, later: &Tcp) {
        if later.sport.is_some() {
            self.sport = later.sport;
        }
        if later.dport.is_some() {
            self.dport = later.dport;
        }
        if later.flags.is_some() {
            self.flags = later.flags;
        }
        if later.option.is_some() {
            self.option = later.option;
        }
    }

    /// iptables-nft lists a tcp match made only of negated "any port" ranges
    /// as no match at all.
    pub fn vanishes(&self) -> bool {
        let neg_full = |p: &Option<PortRange>| p.is_some_and(|p| p.neg && p.is_full());
        let none_or_neg_full = |p: &Option<PortRange>| p.is_none() || neg_full(p);
        (neg_full(&self.sport) || neg_full(&self.dport))
            && none_or_neg_full(&self.sport)
            && none_or_neg_full(&self.dport)
            && self.flags.is_none()
            && self.option.is_none()
    }
}

/// Ports as `-m tcp` and `-m udp` print them: an "any" range is left out.
pub fn save_ports(sport: &Option<PortRange>, dport: &Option<PortRange>, w: &mut SaveWriter) {
    for (name, p) in [("sport", sport), ("dport", dport)] {
        if let Some(p) = p.filter(|p| !p.is_full()) {
            w.opt(p.neg, name, p.to_save());
        }
    }
}

/// The match for the prover (see `verify::pred`): ports and flags exactly;
/// `--tcp-option` is a free choice, as the packet fields hold no options.
impl Tcp {
    pub fn pred(&self, _: &crate::verify::pred::PredCx) -> crate::verify::pred::Pred {
        use crate::verify::pred::{Field, Pred};
        let mut v = vec![Pred::not_fragment()];
        for (f, p) in [(Field::Sport, &self.sport), (Field::Dport, &self.dport)] {
            if let Some(p) = p {
                v.push(Pred::range(f, p.lo as u128, p.hi as u128).negate_if(p.neg));
            }
        }
        if let Some(f) = &self.flags {
            v.push(Pred::masked(Field::TcpFlags, f.mask as u128, f.comp as u128).negate_if(f.neg));
        }
        if let Some((neg, kind)) = self.option {
            v.push(Pred::free(format!("tcp option {kind} present")).negate_if(neg));
        }
        Pred::and(v)
    }
}

impl Extension for Tcp {
    const NAME: &'static str = "tcp";
    const OPTIONS: &'static [Opt] = &[
        Opt::value(&["sport", "source-port"], true),
        Opt::value(&["dport", "destination-port"], true),
        Opt::flag(&["syn"], true),
        Opt::pair(&["tcp-flags"], true),
        Opt::value(&["tcp-option"], true),
    ];

    fn new(_: &Cx) -> Tcp {
        Tcp::default()
    }

    fn parse(&mut self, opt: &'static str, a: &Arg, _: &Cx) -> ExtResult {
        match opt {
            "sport" => {
                once(&self.sport, opt)?;
                self.sport = Some(port_range(a.neg, a.value)?);
            }
            "dport" => {
                once(&self.dport, opt)?;
                self.dport = Some(port_range(a.neg, a.value)?);
            }
            "syn" => {
                if self.flags.is_some() {
                    return Err(ExtError::new("`--syn` and `--tcp-flags` together").help("`--syn` is `--tcp-flags FIN,SYN,RST,ACK SYN`: give one of them"));
                }
                self.flags = Some(TcpFlags { neg: a.neg, mask: FIN | SYN | RST | ACK, comp: SYN });
            }
            "tcp-flags" => {
                if self.flags.is_some() {
                    return Err(ExtError::new("`--tcp-flags` given twice, or with `--syn`").help("give one flag test per match"));
                }
                self.flags = Some(TcpFlags { neg: a.neg, mask: flag_list(a.value)?, comp: flag_list(a.value2)? });
            }
            "tcp-option" => {
                once(&self.option, opt)?;
                match parse_uint(a.value, 255) {
                    Some(n) if n >= 1 => self.option = Some((a.neg, n as u8)),
                    _ => return Err(ExtError::new(format!("bad TCP option `{}`", a.value)).help("a TCP option kind is 1 to 255")),
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn save(&self, w: &mut SaveWriter) {
        save_ports(&self.sport, &self.dport, w);
        if let Some((neg, n)) = self.option {
            w.opt(neg, "tcp-option", n);
        }
        if let Some(f) = self.flags.filter(|f| f.mask != 0 || f.neg) {
            w.opt(f.neg, "tcp-flags", format!("{} {}", flags_to_save(f.mask), flags_to_save(f.comp)));
        }
    }

    fn restrictions(&self) -> Restrictions {
        Restrictions { protos: Some(&[6]), negated_proto_ok: true, hooks: HookMask::ALL, tables: None }
    }
}

use super::MatchEval;
use crate::predict::{EvalCx, Packet, Tri};

/// `tcp_mt` (xt_tcpudp.c). A fragment other than the first has no TCP
/// header, so nothing matches it, `!` or not. The protocol is not looked
/// at: the kernel loads the match only under `-p tcp`, and then reads the
/// header where a TCP header would be.
impl MatchEval for Tcp {
    fn eval(&self, p: &Packet, _: &EvalCx) -> Tri {
        if p.fragment {
            return Tri::No;
        }
        let ok = port_in(&self.sport, p.sport)
            && port_in(&self.dport, p.dport)
            && self.flags.is_none_or(|f| (p.tcp_flags & f.mask == f.comp) != f.neg)
            && self.option.is_none_or(|(neg, kind)| p.tcp_options.contains(&kind) != neg);
        Tri::from_bool(ok)
    }
}

/// `port_match` (xt_tcpudp.c): inclusive, so a reversed range never
/// matches (and always does with `!`); no range is any port.
pub fn port_in(r: &Option<PortRange>, port: u16) -> bool {
    r.is_none_or(|r| (r.lo <= port && port <= r.hi) != r.neg)
}

/// Ports as libxt_tcp's and libxt_udp's `print_ports` list them, numerically:
/// ` spt:22`, ` dpts:80:443`, `!` after the colon. An "any" range is left
/// out, negated or not: iptables-nft stores no expression for it, so the
/// match it rebuilds has none (libxt_tcp itself would print `!0:65535`).
pub fn list_ports(out: &mut String, sport: &Option<PortRange>, dport: &Option<PortRange>) {
    for (name, p) in [("spt", sport), ("dpt", dport)] {
        let Some(p) = p.filter(|p| !p.is_full()) else { continue };
        let inv = if p.neg { "!" } else { "" };
        if p.lo == p.hi {
            out.push_str(&format!(" {name}:{inv}{}", p.lo));
        } else {
            out.push_str(&format!(" {name}s:{inv}{}:{}", p.lo, p.hi));
        }
    }
}

/// libxt_tcp's `tcp_print` with `-n`: ` tcp`, the ports, ` option=[!]N`,
/// and the flags as hex numbers (` flags:0x17/0x02`), not names.
impl super::ListForm for Tcp {
    fn list(&self, out: &mut String) {
        out.push_str(" tcp");
        list_ports(out, &self.sport, &self.dport);
        if let Some((neg, n)) = self.option {
            out.push_str(&format!(" option={}{n}", if neg { "!" } else { "" }));
        }
        if let Some(f) = self.flags.filter(|f| f.mask != 0 || f.neg) {
            out.push_str(&format!(" flags:{}0x{:02X}/0x{:02X}", if f.neg { "!" } else { "" }, f.mask, f.comp));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ir::{Family, Hook};
    use crate::predict::packet::rule_matches;

    fn eval(spec: &str, p: &Packet) -> Tri {
        let m = rule_matches(Family::Ipv4, "filter", "INPUT", spec);
        m[0].eval(p, &EvalCx { hook: Hook::Input, local: &[], lab: None })
    }

    fn syn(sport: u16, dport: u16) -> Packet {
        let mut p = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], sport, dport);
        p.tcp_flags = SYN;
        p.tcp_options = vec![2, 4, 8, 1, 3];
        p
    }

    #[test]
    fn ports_and_range_ends() {
        let p = syn(40000, 22);
        assert_eq!(eval("-p tcp --dport 22", &p), Tri::Yes);
        assert_eq!(eval("-p tcp --dport 23", &p), Tri::No);
        assert_eq!(eval("-p tcp ! --dport 22", &p), Tri::No);
        assert_eq!(eval("-p tcp ! --dport 23", &p), Tri::Yes);
        assert_eq!(eval("-p tcp --dport 22:80", &p), Tri::Yes);
        assert_eq!(eval("-p tcp --dport 1:22", &p), Tri::Yes);
        assert_eq!(eval("-p tcp --dport 23:80", &p), Tri::No);
        assert_eq!(eval("-p tcp --dport 1:21", &p), Tri::No);
        assert_eq!(eval("-p tcp --sport 1024:", &p), Tri::Yes);
        assert_eq!(eval("-p tcp --sport :1023", &p), Tri::No);
        assert_eq!(eval("-p tcp --sport 40000 --dport 22", &p), Tri::Yes);
        assert_eq!(eval("-p tcp --sport 40001 --dport 22", &p), Tri::No);
        assert_eq!(eval("-p tcp --dport 0:65535", &syn(0, 0)), Tri::Yes);
        assert_eq!(eval("-p tcp --dport 65535", &syn(1, 65535)), Tri::Yes);
    }

    #[test]
    fn flags_under_mask() {
        let p = syn(40000, 22);
        let mut synack = p.clone();
        synack.tcp_flags = SYN | ACK;
        assert_eq!(eval("-p tcp --syn", &p), Tri::Yes);
        assert_eq!(eval("-p tcp --syn", &synack), Tri::No);
        assert_eq!(eval("-p tcp ! --syn", &synack), Tri::Yes);
        assert_eq!(eval("-p tcp --tcp-flags SYN,ACK SYN,ACK", &synack), Tri::Yes);
        assert_eq!(eval("-p tcp --tcp-flags ALL NONE", &p), Tri::No);
        let mut null = p.clone();
        null.tcp_flags = 0;
        assert_eq!(eval("-p tcp --tcp-flags ALL NONE", &null), Tri::Yes);
        // Flags outside the mask (here ECE, 0x40) do not count.
        let mut ece = p.clone();
        ece.tcp_flags = SYN | 0x40;
        assert_eq!(eval("-p tcp --syn", &ece), Tri::Yes);
        assert_eq!(eval("-p tcp --tcp-flags NONE NONE", &p), Tri::Yes);
    }

    #[test]
    fn options_by_kind() {
        let p = syn(40000, 22);
        assert_eq!(eval("-p tcp --tcp-option 2", &p), Tri::Yes);
        assert_eq!(eval("-p tcp --tcp-option 8", &p), Tri::Yes);
        assert_eq!(eval("-p tcp --tcp-option 5", &p), Tri::No);
        assert_eq!(eval("-p tcp ! --tcp-option 5", &p), Tri::Yes);
        assert_eq!(eval("-p tcp ! --tcp-option 2", &p), Tri::No);
        let bare = Packet::tcp([10, 0, 0, 1], [10, 0, 0, 2], 1, 2);
        assert_eq!(eval("-p tcp --tcp-option 2", &bare), Tri::No);
        assert_eq!(eval("-p tcp ! --tcp-option 2", &bare), Tri::Yes);
    }

    #[test]
    fn later_fragments_never_match() {
        let mut p = syn(40000, 22);
        p.fragment = true;
        for spec in ["-p tcp --dport 22", "-p tcp ! --dport 22", "-p tcp ! --syn", "-p tcp ! --tcp-option 5", "-p tcp ! --sport 1"] {
            assert_eq!(eval(spec, &p), Tri::No, "{spec}");
        }
    }
}

use crate::translate::nft::{self as nft, RuleCx, TxResult, Untranslatable};

/// `PROTO sport|dport [!=] N[-M]`; a reversed range (udp keeps them) can
/// never match and has no nft form.
pub fn ports_to_nft(proto: &str, sport: &Option<PortRange>, dport: &Option<PortRange>, cx: &mut RuleCx) -> Result<bool, Untranslatable> {
    let mut any = false;
    for (field, p) in [("sport", sport), ("dport", dport)] {
        let Some(p) = p else { continue };
        if p.lo > p.hi {
            return Err(Untranslatable::new(format!("the reversed port range {}:{} never matches; nft has no reversed range", p.lo, p.hi)));
        }
        cx.push(nft::eq(nft::payload(proto, field), p.neg, nft::num_range(p.lo as u32, p.hi as u32)));
        any = true;
    }
    Ok(any)
}

/// nft's names of the TCP flags in `bits`, in nft's order.
pub fn nft_flag_names(bits: u8) -> Vec<&'static str> {
    [(FIN, "fin"), (SYN, "syn"), (RST, "rst"), (PSH, "psh"), (ACK, "ack"), (URG, "urg")].iter().filter(|(b, _)| bits & b != 0).map(|(_, n)| *n).collect()
}

fn flag_expr(bits: u8) -> nft::Expr {
    let names = nft_flag_names(bits);
    match names.len() {
        0 => nft::n(0),
        1 => nft::s(names[0]),
        _ => nft::Expression::List(names.into_iter().map(nft::s).collect()),
    }
}

/// `tcp dport 22`, `tcp flags & (fin|syn|rst|ack) == syn` (listed by nft
/// as `tcp flags syn / fin,syn,rst,ack`), `tcp option maxseg exists`.
impl crate::translate::ToNft for Tcp {
    fn to_nft(&self, cx: &mut RuleCx) -> TxResult {
        let mut any = ports_to_nft("tcp", &self.sport, &self.dport, cx)?;
        if let Some((neg, kind)) = self.option {
            let name = match kind {
                2 => "maxseg",
                3 => "window",
                4 => "sack-perm",
                5 => "sack",
                8 => "timestamp",
                // nft writes an unnamed kind as `{base, offset, len}`, which the
                // nftables crate's TcpOption cannot hold.
                _ => return Err(Untranslatable::new(format!("--tcp-option {kind}: nft names only maxseg (2), window (3), sack-perm (4), sack (5) and timestamp (8), and the nftables JSON schema fwcheck builds on cannot write other kinds"))),
            };
            let opt = nft::Expression::Named(nft::NamedExpression::TcpOption(nftables::expr::TcpOption { name: name.into(), field: None }));
            cx.push(nft::cmp(opt, nft::Operator::EQ, nft::Expression::Boolean(!neg)));
            any = true;
        }
        if let Some(f) = self.flags {
            if f.mask == 0 && f.comp != 0 {
                return Err(Untranslatable::new("--tcp-flags with an empty mask and a non-empty comparison never matches"));
            }
            if f.mask != 0 || f.neg {
                cx.push(nft::eq(nft::and(nft::payload("tcp", "flags"), flag_expr(f.mask)), f.neg, flag_expr(f.comp)));
                any = true;
            }
        }
        if !any {
            first_fragment_only("tcp", cx);
        }
        cx.implies(6);
        Ok(())
    }
}

/// What `-m tcp` / `-m udp` with no option still tests: the kernel's match
/// never matches a later fragment (`tcp_mt`: `if (par->fragoff != 0)
/// return false`), while `ip protocol tcp` does. A load of the transport
/// header is nft's exact form of that: `nft_payload_eval` fails it on any
/// packet with a fragment offset, in both families. `tcp dport 0-65535`
/// is such a load that holds for every first fragment (nft keeps it as
/// written; `iptables-translate` prints only `ip protocol tcp`, which is
/// not exact).
pub fn first_fragment_only(proto: &str, cx: &mut RuleCx) {
    cx.push(nft::eq(nft::payload(proto, "dport"), false, nft::num_range(0, 65535)));
}
