//! The one file that names Z3 types (an ARCHITECTURE invariant): packet
//! fields as bit-vectors, [`Pred`]s as formulas over them, and models back
//! into [`Packet`]s that `predict` can replay.
//!
//! The encoding is deliberately plain: one bit-vector per header field
//! (addresses 32 or 128 bits, ports 16, …), each interface name as 16
//! bytes (IFNAMSIZ), free choices as Boolean constants. Everything else in
//! `verify` handles formulas only through [`F`].

use super::pred::{Dir, Field, Pred};
use crate::ir::{Family, Hook};
use crate::predict::Packet;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use z3::ast::{Bool, BV};
use z3::{SatResult, Solver};

/// A formula (a Z3 Boolean term). Cloning is cheap (a reference count).
#[derive(Clone, Debug)]
pub struct F(Bool);

impl F {
    pub fn tt() -> F {
        F(Bool::from_bool(true))
    }
    pub fn ff() -> F {
        F(Bool::from_bool(false))
    }
    /// Conjunction; constants fold away, so that "this chain never
    /// returns" is visible without asking the solver.
    pub fn and(v: &[F]) -> F {
        if v.iter().any(F::is_false) {
            return F::ff();
        }
        let rest: Vec<Bool> = v.iter().filter(|f| !f.is_true()).map(|f| f.0.clone()).collect();
        match rest.len() {
            0 => F::tt(),
            1 => F(rest[0].clone()),
            _ => F(Bool::and(&rest)),
        }
    }
    pub fn or(v: &[F]) -> F {
        if v.iter().any(F::is_true) {
            return F::tt();
        }
        let rest: Vec<Bool> = v.iter().filter(|f| !f.is_false()).map(|f| f.0.clone()).collect();
        match rest.len() {
            0 => F::ff(),
            1 => F(rest[0].clone()),
            _ => F(Bool::or(&rest)),
        }
    }
    pub fn not(&self) -> F {
        match self.0.as_bool() {
            Some(b) => F(Bool::from_bool(!b)),
            None => F(self.0.not()),
        }
    }
    pub fn ite(c: &F, a: &F, b: &F) -> F {
        match (c.0.as_bool(), a.0.as_bool(), b.0.as_bool()) {
            (Some(true), _, _) => a.clone(),
            (Some(false), _, _) => b.clone(),
            (_, Some(x), Some(y)) if x == y => a.clone(),
            (_, Some(true), Some(false)) => c.clone(),
            (_, Some(false), Some(true)) => c.not(),
            (_, Some(false), _) => F::and(&[c.not(), b.clone()]),
            (_, Some(true), _) => F::or(&[c.clone(), b.clone()]),
            (_, _, Some(false)) => F::and(&[c.clone(), a.clone()]),
            (_, _, Some(true)) => F::or(&[c.not(), a.clone()]),
            _ => F(c.0.ite(&a.0, &b.0)),
        }
    }
    /// `self` is the constant false (without asking the solver).
    pub fn is_false(&self) -> bool {
        self.0.as_bool() == Some(false)
    }
    pub fn is_true(&self) -> bool {
        self.0.as_bool() == Some(true)
    }
    /// `self` and `o` are the same term (no solver: identity of terms).
    pub fn is_true_of(&self, o: &F) -> bool {
        self.0 == o.0
    }
    pub fn iff(&self, o: &F) -> F {
        F(self.0.iff(&o.0))
    }
}

/// The answer to one question.
pub enum Answer {
    /// A packet (and the free choices) that satisfies the question.
    Sat(Witness),
    /// No packet does: a proof.
    Unsat,
    /// Z3 gave up; no claim is made.
    Unknown(String),
}

/// A bit-vector term over the packet's fields: what a field holds after a
/// rewrite (DNAT), for [`Smt::substitute`].
#[derive(Clone, Debug)]
pub struct T(BV);

impl T {
    /// `c ? a : b`.
    pub fn ite(c: &F, a: &T, b: &T) -> T {
        match c.0.as_bool() {
            Some(true) => a.clone(),
            Some(false) => b.clone(),
            None => T(c.0.ite(&a.0, &b.0)),
        }
    }
}

/// A concrete packet from a model, and the free choices it needs.
#[derive(Clone, Debug)]
pub struct Witness {
    pub packet: Packet,
    /// (what the choice is, the value the model took).
    pub choices: Vec<(String, bool)>,
}

/// The solver with the packet variables of one family.
pub struct Smt {
    pub family: Family,
    solver: Solver,
    fields: Vec<BV>,
    iif: BV,
    oif: BV,
    /// Free choices by variable name: (Z3 constant, what it means).
    frees: HashMap<String, (Bool, String)>,
    /// Names free choices: set by the caller before encoding a rule.
    pub scope: String,
    /// Whether connection tracking is on (the witness then has an entry).
    pub conntrack: bool,
    /// The well-formedness constraints.
    wf: F,
    assumption_lits: usize,
}

fn bv(v: u128, w: u32) -> BV {
    if w <= 64 {
        BV::from_u64(v as u64, w)
    } else {
        BV::from_str(w, &v.to_string()).unwrap_or_else(|| BV::from_u64(0, w))
    }
}

trait OrElse {
    fn or_else_true(self, other: Bool) -> Bool;
}

impl OrElse for Bool {
    /// `self or other`: a preference that does not apply when `other`.
    fn or_else_true(self, other: Bool) -> Bool {
        Bool::or(&[self, other])
    }
}

/// The 16 bytes of an interface name, first byte highest.
fn name_bits(name: &str) -> u128 {
    let mut v = 0u128;
    for (i, b) in name.bytes().take(16).enumerate() {
        v |= (b as u128) << (120 - 8 * i);
    }
    v
}

impl Smt {
    pub fn new(family: Family) -> Smt {
        let fields = Field::ALL.iter().map(|f| BV::new_const(format!("{f:?}"), f.width(family))).collect();
        // QF_BV: Z3 then answers incremental questions with its SAT-based
        // bit-vector solver, several times faster than the general one.
        let solver = Solver::new_for_logic("QF_BV").unwrap_or_default();
        let mut s = Smt {
            family,
            solver,
            fields,
            iif: BV::new_const("iif", 128),
            oif: BV::new_const("oif", 128),
            frees: HashMap::new(),
            scope: String::new(),
            conntrack: false,
            wf: F::tt(),
            assumption_lits: 0,
        };
        s.wf = s.well_formed();
        s.solver.assert(&s.wf.0);
        s
    }

    fn field(&self, f: Field) -> &BV {
        &self.fields[f as usize]
    }

    /// What every packet satisfies, at any hook.
    fn well_formed(&self) -> F {
        let c = |f: Field, v: u128| bv(v, f.width(self.family));
        let eq = |f: Field, v: u128| self.field(f).eq(c(f, v));
        let proto = |p: u128| eq(Field::Proto, p);
        let mut v = Vec::new();
        let ported = Bool::or(&[proto(6), proto(17), proto(33), proto(132), proto(136)]);
        v.push(ported.not().implies(Bool::and(&[eq(Field::Sport, 0), eq(Field::Dport, 0)])));
        v.push(proto(6).not().implies(eq(Field::TcpFlags, 0)));
        v.push(self.field(Field::TcpFlags).bvand(c(Field::TcpFlags, 0xc0)).eq(c(Field::TcpFlags, 0)));
        let icmp = if self.family == Family::Ipv4 { 1 } else { 58 };
        v.push(proto(icmp).not().implies(Bool::and(&[eq(Field::IcmpType, 0), eq(Field::IcmpCode, 0)])));
        v.push(self.field(Field::CtState).bvule(c(Field::CtState, 4)));
        let hdr = if self.family == Family::Ipv4 { 20 } else { 40 };
        v.push(self.field(Field::Len).bvuge(c(Field::Len, hdr)));
        if self.family == Family::Ipv6 {
            v.push(eq(Field::Fragment, 0));
        }
        // A packet without a local socket has no owner IDs.
        v.push(eq(Field::Sock, 0).implies(Bool::and(&[eq(Field::Uid, 0), eq(Field::Gid, 0)])));
        // Interface names: printable, NUL-terminated, zero-padded.
        for name in [&self.iif, &self.oif] {
            let byte = |i: u32| name.extract(127 - 8 * i, 120 - 8 * i);
            let b8 = |x: u64| BV::from_u64(x, 8);
            for i in 0..16 {
                let b = byte(i);
                if i == 15 {
                    v.push(b.eq(b8(0)));
                    continue;
                }
                v.push(b.eq(b8(0)).implies(byte(i + 1).eq(b8(0))));
                let r = |lo: u64, hi: u64| Bool::and(&[b.bvuge(b8(lo)), b.bvule(b8(hi))]);
                v.push(Bool::or(&[
                    b.eq(b8(0)),
                    r(b'a' as u64, b'z' as u64),
                    r(b'0' as u64, b'9' as u64),
                    r(b'A' as u64, b'Z' as u64),
                    b.eq(b8(b'-' as u64)),
                    b.eq(b8(b'_' as u64)),
                    b.eq(b8(b'.' as u64)),
                ]));
            }
        }
        F(Bool::and(&v))
    }

    /// What holds at a hook: which interfaces a packet has there, and that a
    /// locally generated packet is unicast from this host.
    pub fn at_hook(&self, hook: Hook) -> F {
        let z = BV::from_u64(0, 8);
        let present = |n: &BV| n.extract(127, 120).eq(&z).not();
        let mut v = Vec::new();
        let has_in = matches!(hook, Hook::Prerouting | Hook::Input | Hook::Forward);
        let has_out = matches!(hook, Hook::Forward | Hook::Output | Hook::Postrouting);
        v.push(if has_in { present(&self.iif) } else { present(&self.iif).not() });
        v.push(if has_out { present(&self.oif) } else { present(&self.oif).not() });
        if hook == Hook::Output {
            v.push(self.field(Field::PktType).eq(BV::from_u64(0, 2)));
        }
        // Only a locally generated packet has a socket.
        if !matches!(hook, Hook::Output | Hook::Postrouting) {
            v.push(self.field(Field::Sock).eq(BV::from_u64(0, 1)));
        }
        F(Bool::and(&v))
    }

    /// The formula of a predicate. Free choices are named by `self.scope`
    /// and their text.
    pub fn pred(&mut self, p: &Pred) -> F {
        F(self.enc(p))
    }

    fn enc(&mut self, p: &Pred) -> Bool {
        match p {
            Pred::True => Bool::from_bool(true),
            Pred::False => Bool::from_bool(false),
            Pred::Range { field, lo, hi } => {
                let w = field.width(self.family);
                let x = self.field(*field);
                if lo == hi {
                    return x.eq(bv(*lo, w));
                }
                let mut v = Vec::new();
                if *lo > 0 {
                    v.push(x.bvuge(bv(*lo, w)));
                }
                if *hi < field.max_value(self.family) {
                    v.push(x.bvule(bv(*hi, w)));
                }
                Bool::and(&v)
            }
            Pred::Masked { field, mask, value } => {
                let w = field.width(self.family);
                let m = mask & field.max_value(self.family);
                if m == 0 {
                    return Bool::from_bool(value & field.max_value(self.family) == 0);
                }
                self.field(*field).bvand(bv(m, w)).eq(bv(value & m, w))
            }
            Pred::Iface { dir, name } => {
                let n = if *dir == Dir::In { &self.iif } else { &self.oif };
                match name.strip_suffix('+') {
                    Some("") => Bool::from_bool(true),
                    Some(prefix) => {
                        let k = prefix.len().min(16) as u32;
                        n.extract(127, 128 - 8 * k).eq(bv(name_bits(prefix) >> (128 - 8 * k), 8 * k))
                    }
                    None => n.eq(bv(name_bits(name), 128)),
                }
            }
            Pred::Free(what) => {
                let key = format!("{}|{}", self.scope, what);
                let e = self.frees.entry(key.clone()).or_insert_with(|| (Bool::new_const(format!("free:{key}")), what.clone()));
                e.0.clone()
            }
            Pred::Not(q) => self.enc(q).not(),
            Pred::And(v) => {
                let parts: Vec<Bool> = v.iter().map(|q| self.enc(q)).collect();
                Bool::and(&parts)
            }
            Pred::Or(v) => {
                let parts: Vec<Bool> = v.iter().map(|q| self.enc(q)).collect();
                Bool::or(&parts)
            }
        }
    }

    /// The field itself, as a term.
    pub fn field_term(&self, f: Field) -> T {
        T(self.field(f).clone())
    }

    /// A constant of the field's width.
    pub fn value_term(&self, f: Field, v: u128) -> T {
        T(bv(v, f.width(self.family)))
    }

    /// `f` with each field replaced by a term: the formula of a packet
    /// that was rewritten before it met the rules of `f`.
    pub fn substitute(&self, f: &F, subs: &[(Field, T)]) -> F {
        use z3::ast::Ast;
        let pairs: Vec<(&BV, &BV)> = subs.iter().map(|(fl, t)| (self.field(*fl), &t.0)).collect();
        F(f.0.substitute(&pairs))
    }

    /// A fresh free choice (for an unmodelled target that may or may not
    /// end the walk).
    pub fn free(&mut self, what: &str) -> F {
        self.pred(&Pred::free(what))
    }

    /// Is `f` satisfiable (with the packet well formed)?
    pub fn check(&self, f: &F) -> SatAnswer {
        self.solver.push();
        self.solver.assert(&f.0);
        let r = self.solver.check();
        self.solver.pop(1);
        match r {
            SatResult::Sat => SatAnswer::Sat,
            SatResult::Unsat => SatAnswer::Unsat,
            SatResult::Unknown => SatAnswer::Unknown,
        }
    }

    /// A literal standing for `f`, asserted once (`lit -> f`): checking
    /// with the literal as an assumption is incremental, the solver keeps
    /// what it learnt between questions.
    pub fn literal(&mut self, f: &F) -> Lit {
        self.assumption_lits += 1;
        let l = Bool::new_const(format!("lit{}", self.assumption_lits));
        self.solver.assert(l.implies(&f.0));
        Lit(l)
    }

    /// Checks the conjunction of the literals; on Unsat, the literals of an
    /// unsat core (a subset that is already contradictory), by index.
    pub fn check_lits(&self, lits: &[&Lit]) -> (SatAnswer, Vec<usize>) {
        CHECKS.with(|c| c.set((c.get().0 + 1, c.get().1)));
        let a: Vec<Bool> = lits.iter().map(|l| l.0.clone()).collect();
        match self.solver.check_assumptions(&a) {
            SatResult::Sat => (SatAnswer::Sat, vec![]),
            SatResult::Unknown => (SatAnswer::Unknown, vec![]),
            SatResult::Unsat => {
                let core = self.solver.get_unsat_core();
                let ix = lits.iter().enumerate().filter(|(_, l)| core.iter().any(|c| c == &l.0)).map(|(i, _)| i).collect();
                (SatAnswer::Unsat, ix)
            }
        }
    }

    /// A packet satisfying `f`, or a proof that none exists. The packet is
    /// made readable where `f` allows it (see [`Smt::preferences`]).
    ///
    /// A solver of its own answers: it holds only `f` and the packet's
    /// well-formedness, not the literals lint asserts in the shared one.
    /// The preferences are assumptions; each unsat core drops its least
    /// wanted one, so a few checks settle all twenty.
    pub fn solve(&self, f: &F) -> Answer {
        CHECKS.with(|c| c.set((c.get().0, c.get().1 + 1)));
        let s = Solver::new_for_logic("QF_BV").unwrap_or_default();
        s.assert(&self.wf.0);
        s.assert(&f.0);
        match s.check() {
            SatResult::Unsat => return Answer::Unsat,
            SatResult::Unknown => return Answer::Unknown(s.get_reason_unknown().unwrap_or_default()),
            SatResult::Sat => {}
        }
        let prefs = self.preferences();
        let lits: Vec<Bool> = (0..prefs.len()).map(|i| Bool::new_const(format!("pref{i}"))).collect();
        for (l, p) in lits.iter().zip(&prefs) {
            s.assert(l.implies(p));
        }
        let mut active: Vec<usize> = (0..lits.len()).collect();
        loop {
            let a: Vec<Bool> = active.iter().map(|&i| lits[i].clone()).collect();
            match s.check_assumptions(&a) {
                SatResult::Sat => break,
                SatResult::Unknown => {
                    active.clear();
                    s.check();
                    break;
                }
                SatResult::Unsat => {
                    let core = s.get_unsat_core();
                    let drop = active.iter().rposition(|&i| core.iter().any(|c| c == &lits[i]));
                    match drop {
                        Some(k) => {
                            active.remove(k);
                        }
                        None => {
                            active.clear();
                            s.check();
                            break;
                        }
                    }
                }
            }
        }
        match s.get_model() {
            Some(m) => Answer::Sat(self.witness(&m)),
            None => Answer::Unknown("no model".into()),
        }
    }

    /// Values people recognise, each kept when the question allows it: not
    /// a fragment, TTL 64, a new TCP connection from port 40000 (a SYN of
    /// 60 bytes), eth0 in and eth1 out, no mark, test-net addresses.
    fn preferences(&self) -> Vec<Bool> {
        let c = |f: Field, v: u128| bv(v, f.width(self.family));
        let eq = |f: Field, v: u128| self.field(f).eq(c(f, v));
        let v4 = self.family == Family::Ipv4;
        let (src, dst): (u128, u128) =
            if v4 { (0xcb00_7101, 0xc000_0201) } else { (0x2001_0db8_0000_0000_0000_0000_0000_0001, 0x2001_0db8_0000_0000_0000_0000_0000_0002) };
        let low = |f: Field| self.field(f).extract(7, 0).eq(BV::from_u64(1, 8));
        let short = |n: &BV| n.extract(95, 0).eq(BV::from_u64(0, 96));
        let ported = Bool::or(&[6, 17, 33, 132, 136].map(|p| eq(Field::Proto, p)));
        vec![
            eq(Field::Fragment, 0),
            eq(Field::Proto, 6),
            eq(Field::CtState, 1),
            eq(Field::TcpFlags, 0x02).or_else_true(eq(Field::Proto, 6).not()),
            eq(Field::Sport, 40000).or_else_true(ported.not()),
            eq(Field::Dport, 80).or_else_true(ported.not()),
            eq(Field::IcmpType, if v4 { 8 } else { 128 }).or_else_true(eq(Field::Proto, if v4 { 1 } else { 58 }).not()),
            eq(Field::Ttl, 64),
            eq(Field::Len, 60),
            eq(Field::Len, 84),
            eq(Field::Mark, 0),
            eq(Field::PktType, 0),
            self.iif.eq(bv(name_bits("eth0"), 128)),
            short(&self.iif),
            self.oif.eq(bv(name_bits("eth1"), 128)),
            short(&self.oif),
            eq(Field::Src, src),
            low(Field::Src),
            eq(Field::Dst, dst),
            low(Field::Dst),
        ]
    }

    fn witness(&self, m: &z3::Model) -> Witness {
        let val = |x: &BV| -> u128 {
            let w = x.get_size();
            if w <= 64 {
                m.eval(x, true).and_then(|v| v.as_u64()).unwrap_or(0) as u128
            } else {
                let hi = m.eval(&x.extract(w - 1, 64), true).and_then(|v| v.as_u64()).unwrap_or(0) as u128;
                let lo = m.eval(&x.extract(63, 0), true).and_then(|v| v.as_u64()).unwrap_or(0) as u128;
                (hi << 64) | lo
            }
        };
        let f = |fl: Field| val(self.field(fl));
        let addr = |v: u128| match self.family {
            Family::Ipv4 => IpAddr::V4(Ipv4Addr::from(v as u32)),
            Family::Ipv6 => IpAddr::V6(Ipv6Addr::from(v)),
        };
        let name = |x: &BV| {
            let v = val(x);
            let bytes: Vec<u8> = (0..16).map(|i| (v >> (120 - 8 * i)) as u8).take_while(|b| *b != 0).collect();
            (!bytes.is_empty()).then(|| String::from_utf8_lossy(&bytes).into_owned())
        };
        let (src, dst, proto) = (addr(f(Field::Src)), addr(f(Field::Dst)), f(Field::Proto) as u8);
        let mut p = Packet::base(src, dst, proto, 0);
        p.len = f(Field::Len) as u32;
        p.ttl = f(Field::Ttl) as u8;
        p.fragment = f(Field::Fragment) == 1;
        p.sport = f(Field::Sport) as u16;
        p.dport = f(Field::Dport) as u16;
        p.tcp_flags = f(Field::TcpFlags) as u8;
        p.icmp_type = f(Field::IcmpType) as u8;
        p.icmp_code = f(Field::IcmpCode) as u8;
        p.mark = f(Field::Mark) as u32;
        p.iif = name(&self.iif);
        p.oif = name(&self.oif);
        p.pkt_type = super::pred::pkt_type_of(f(Field::PktType));
        p.owner = super::pred::owner_of(f(Field::Sock), f(Field::Uid), f(Field::Gid));
        if self.conntrack {
            p.ct = Some(super::pred::ct_entry_of(f(Field::CtState), &p));
        }
        // The free choices the model decided: the constants it holds named
        // `free:…` (asking about every free choice of a large rule set
        // would cost more than the solving).
        let mut choices: Vec<(String, bool)> = m
            .iter()
            .filter_map(|d| d.name().strip_prefix("free:").map(String::from))
            .filter_map(|key| self.frees.get(&key))
            .filter_map(|(b, what)| m.eval(b, false).and_then(|v| v.as_bool()).map(|v| (what.clone(), v)))
            .collect();
        choices.sort();
        choices.dedup();
        Witness { packet: p, choices }
    }
}

thread_local! {
    /// How many questions the shared solver was asked, and how many
    /// examples were solved for (FWCHECK_TIMING).
    pub static CHECKS: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, 0)) };
}

/// An assumption literal (see [`Smt::literal`]).
#[derive(Clone, Debug)]
pub struct Lit(Bool);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SatAnswer {
    Sat,
    Unsat,
    Unknown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_prefixes_and_witnesses() {
        let mut s = Smt::new(Family::Ipv4);
        let eth = s.pred(&Pred::Iface { dir: Dir::In, name: "eth+".into() });
        let eth0 = s.pred(&Pred::Iface { dir: Dir::In, name: "eth0".into() });
        let hook = s.at_hook(Hook::Input);
        assert_eq!(s.check(&F::and(&[eth.clone(), eth0.not(), hook.clone()])), SatAnswer::Sat);
        assert_eq!(s.check(&F::and(&[eth0.clone(), eth.not()])), SatAnswer::Unsat);
        let Answer::Sat(w) = s.solve(&F::and(&[eth, eth0.not(), hook])) else { panic!("sat") };
        let name = w.packet.iif.unwrap();
        assert!(name.starts_with("eth") && name != "eth0", "{name}");
        // No input interface on locally generated packets.
        let out = s.at_hook(Hook::Output);
        let lo = s.pred(&Pred::Iface { dir: Dir::In, name: "lo".into() });
        assert_eq!(s.check(&F::and(&[lo, out])), SatAnswer::Unsat);
    }

    #[test]
    fn ipv6_addresses_round_trip() {
        let mut s = Smt::new(Family::Ipv6);
        let a: Ipv6Addr = "2001:db8::42".parse().unwrap();
        let p = s.pred(&Pred::eq(Field::Src, u128::from(a)));
        let Answer::Sat(w) = s.solve(&p) else { panic!("sat") };
        assert_eq!(w.packet.src, IpAddr::V6(a));
    }
}
