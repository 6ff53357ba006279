//! One packet through one hook: every table the hook consults, every chain
//! and rule the packet meets, jumps, gotos, returns and policies, as
//! `ipt_do_table` / `nft_do_chain` walk them.
//!
//! A match that cannot be decided from the packet (`Tri::Unknown`) splits
//! the walk in two courses, one where it matched and one where it did not,
//! each carrying that assumption; fwcheck never picks one.

use super::limits::{Lab, LimitKey};
use super::{policy_counts, tables_at, Backend};
use crate::ext::t_nat::NatRange;
use crate::ext::{Target, TargetExt};
use crate::ir::{Family, Hook, Policy, Rule, Ruleset, TableName};
use crate::predict::packet::CtInfo;
use crate::predict::CtState;
use crate::predict::{EvalCx, Packet, Tri};
use serde::Serialize;
use std::net::IpAddr;

/// Most courses one packet may split into before fwcheck gives up saying
/// which rules it hits.
pub const MAX_COURSES: usize = 64;

/// A chain of a table: its position in [`crate::ir::Table::chains`], or a
/// built-in chain the rule set never created (an iptables-legacy table has
/// it all the same). Positions, not names: a walk moves through many chains
/// and counters, and must not copy a name at each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChainRef {
    At(u32),
    Missing(Hook),
}

impl ChainRef {
    /// The chain's name in `table`.
    pub fn name<'a>(self, table: Option<&'a crate::ir::Table>) -> &'a str {
        match self {
            ChainRef::At(i) => table.and_then(|t| t.chains.get(i as usize)).map_or("?", |c| c.name.as_str()),
            ChainRef::Missing(h) => h.as_str(),
        }
    }

    /// The chain called `name` in `table`, if it has one.
    pub fn of(table: &crate::ir::Table, name: &str) -> Option<ChainRef> {
        match table.position(name) {
            Some(i) => Some(ChainRef::At(i as u32)),
            None => table.name.builtin(name).map(ChainRef::Missing),
        }
    }
}

/// A counter the packet moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Hit {
    /// Rule `index` (from 0) of `chain` matched.
    Rule { table: TableName, chain: ChainRef, index: usize },
    /// The packet fell to the policy of the built-in `chain`, and the backend
    /// counts it.
    Policy { table: TableName, chain: ChainRef },
}

/// What a rule or a policy did with the packet, for the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    /// The rule did not match.
    NoMatch { table: TableName, chain: String, index: usize },
    /// The rule matched; its target follows.
    Match { table: TableName, chain: String, index: usize, target: String },
    /// fwcheck assumed the rule matched (`true`) or not, because a match
    /// could not be decided; the reason says why.
    Assumed { table: TableName, chain: String, index: usize, matched: bool, reason: String },
    /// The packet reached the end of a built-in chain.
    Policy { table: TableName, chain: String, policy: Policy },
    /// The end of a user chain: back to the caller.
    FallThrough { table: TableName, chain: String },
}

/// How the hook ends for the packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", rename_all = "lowercase")]
pub enum Verdict {
    Accept,
    Drop,
    /// Dropped with a reply (REJECT): `with` names it.
    Reject {
        with: String,
    },
    /// fwcheck cannot say (an extension target it does not model, a NAT
    /// range it cannot choose from, QUEUE).
    Unknown {
        reason: String,
    },
}

/// One possible course of the packet through the hook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Course {
    pub verdict: Verdict,
    pub hits: Vec<Hit>,
    pub trace: Vec<Event>,
    /// The packet as it leaves the hook (marks set, addresses translated).
    pub packet: Packet,
    /// Whether a NAT target translated the packet in this hook.
    pub nat: Option<NatDone>,
    /// Assumptions made for undecidable matches, in order.
    pub assumed: usize,
    /// Tokens this course took from `-m limit` buckets, each with whether
    /// it surely did (see [`super::limits::add`]).
    pub limit_taken: Vec<(LimitKey, bool)>,
    /// The host's recent lists as this course left them; `None` when it
    /// met no recent match (see [`super::recent`]).
    #[serde(skip)]
    pub recent: Option<Box<super::recent::Lists>>,
    /// The table whose rule or policy ended the hook (`None` when the
    /// packet passed it): a packet the raw table drops never reaches
    /// conntrack.
    pub ended_in: Option<TableName>,
}

/// After the raw table: the packet's entry back (`held`, see
/// [`HookWalk::enter_raw`]), unless NOTRACK made it untracked there.
pub(super) fn leave_raw(p: &mut Packet, held: Option<&Box<CtInfo>>) {
    if let Some(h) = held {
        if p.ct.as_ref().map_or(true, |c| c.state == CtState::Invalid) {
            p.ct = Some(h.clone());
        }
    }
}

/// A translation a NAT target set up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NatDone {
    pub kind: &'static str,
    pub addr: Option<IpAddr>,
    pub port: Option<u16>,
}

/// How the walk of one hook is set up.
#[derive(Clone)]
pub struct HookWalk<'a> {
    pub rs: &'a Ruleset,
    pub family: Family,
    pub hook: Hook,
    pub backend: Backend,
    /// Consult the nat table: only for the first packet of a connection,
    /// and only when connection tracking is on (nf_nat_inet_fn calls the
    /// table only while the connection's NAT is not yet set up).
    pub nat: bool,
    pub cx: EvalCx<'a>,
    /// The host's interfaces with their addresses, in the order they were
    /// given: MASQUERADE and REDIRECT take their address from one. Empty
    /// when not known, and those targets then predict nothing.
    pub ifaces: &'a [crate::predict::host::Iface],
    /// Record the trace; without it only verdicts and counters are kept,
    /// which is what large runs (`--packets FILE`) need.
    pub trace: bool,
    /// The rule set compiled (see [`super::compiled`]): without a trace, the
    /// walk skips rules it shows cannot match.
    pub compiled: Option<&'a super::compiled::Compiled>,
    /// The contents of the host's ipsets (`--ipsets`, `ipset save`): with
    /// them `-m set` is decided; without, it is a match fwcheck cannot
    /// decide, and the walk splits.
    pub ipsets: Option<&'a crate::verify::ipsets::Ipsets>,
    /// The packet carries its conntrack entry before conntrack's hook: a
    /// reply the host makes, to which nf_ct_attach (nf_send_reset,
    /// icmp_glue_bits) gave the entry of the packet it answers, or a packet
    /// that came back in over lo with its entry. The raw table then sees
    /// it; otherwise raw sees none (see [`HookWalk::enter_raw`]).
    pub ct_attached: bool,
    /// The host's `-m limit` buckets and `-m recent` lists, when they are
    /// known (a lab whose rules were just loaded): those matches are then
    /// decided.
    pub lab: Option<Lab<'a>>,
}

#[derive(Clone)]
struct State {
    table_ix: usize,
    /// Position of the current chain in its table.
    chain: usize,
    rule: usize,
    /// Return points of jumps: (chain, next rule).
    stack: Vec<(usize, usize)>,
    /// Boxed: the state moves through every step of the walk, and moving a
    /// pointer is much cheaper than moving the packet.
    course: Box<Course>,
}

enum Step {
    /// Go on with the next table of the hook.
    NextTable,
    /// The hook ends.
    End(Verdict),
}

impl HookWalk<'_> {
    /// Every possible course of `p` through the hook. Err when the packet
    /// splits into more than [`MAX_COURSES`] courses.
    pub fn run(&self, p: &Packet) -> Result<Vec<Course>, String> {
        self.run_owned(p.clone())
    }

    /// [`HookWalk::run`] for a packet the caller gives away (no copy).
    pub fn run_owned(&self, mut p: Packet) -> Result<Vec<Course>, String> {
        let mut hits = Vec::new();
        if let Some((verdict, ended_in)) = self.run_compiled(&mut p, &mut hits) {
            return Ok(vec![Course { verdict, hits, trace: vec![], packet: p, nat: None, assumed: 0, limit_taken: vec![], recent: None, ended_in }]);
        }
        self.run_general(p)
    }

    /// The general walk alone, for a caller that has already tried
    /// [`HookWalk::run_compiled`] on `p`.
    pub fn run_general(&self, mut p: Packet) -> Result<Vec<Course>, String> {
        let mut out = Vec::new();
        let held = self.enter_raw(&mut p);
        let start = Course {
            verdict: Verdict::Accept,
            hits: vec![],
            trace: vec![],
            packet: p,
            nat: None,
            assumed: 0,
            limit_taken: vec![],
            recent: None,
            ended_in: None,
        };
        self.tables(0, start, &mut out, held.as_ref())?;
        for c in &mut out {
            leave_raw(&mut c.packet, held.as_ref());
        }
        Ok(out)
    }

    /// The raw table's hooks run before conntrack's (priority -300 to
    /// -200): there a packet that does not already carry an entry (see
    /// [`HookWalk::ct_attached`]) has none, and the conntrack and state
    /// matches see it INVALID (`nf_ct_get` finds nothing, and the packet is
    /// not untracked). Gives the packet that view, and returns the entry
    /// the tables after raw see again (see [`leave_raw`]).
    pub(super) fn enter_raw(&self, p: &mut Packet) -> Option<Box<CtInfo>> {
        if self.ct_attached || tables_at(self.hook, self.backend).first() != Some(&TableName::Raw) {
            return None;
        }
        let held = p.ct.take()?;
        p.ct = Some(Box::new(CtInfo { state: CtState::Invalid, status: 0, mark: 0, expires: 0, ..(*held).clone() }));
        Some(held)
    }

    /// The `ix`-th table the hook consults (nat only when it is consulted).
    fn table_at(&self, ix: usize) -> Option<TableName> {
        tables_at(self.hook, self.backend).iter().copied().filter(|t| *t != TableName::Nat || self.nat).nth(ix)
    }

    /// Walks the tables from `table_ix` on; `held` is the entry raw does
    /// not see (see [`HookWalk::run_general`]).
    fn tables(&self, table_ix: usize, mut course: Course, out: &mut Vec<Course>, held: Option<&Box<CtInfo>>) -> Result<(), String> {
        if table_ix > 0 {
            leave_raw(&mut course.packet, held);
        }
        let Some(tname) = self.table_at(table_ix) else {
            out.push(Course { verdict: Verdict::Accept, ..course });
            return Ok(());
        };
        // An untracked packet (NOTRACK in raw, before) or an invalid one
        // has no connection for nf_nat to bind: the nat table does not see
        // it (nf_nat_inet_fn returns at once without a conntrack entry).
        if tname == TableName::Nat
            && course.packet.ct.as_ref().is_some_and(|c| matches!(c.state, crate::predict::CtState::Untracked | crate::predict::CtState::Invalid))
        {
            return self.tables(table_ix + 1, course, out, held);
        }
        let table = self.rs.table(self.family, tname);
        let Some(chain) = table.and_then(|t| t.position(self.hook.as_str())) else {
            let mut course = course;
            // iptables-legacy tables always hold every built-in chain: an
            // empty one with its ACCEPT policy, which counts the packet.
            // With iptables-nft (and nft) a base chain nobody created does
            // not exist, and the hook passes the table.
            if table.is_some() && self.backend == Backend::IptablesLegacy {
                if self.trace {
                    course.trace.push(Event::Policy { table: tname, chain: self.hook.as_str().to_string(), policy: Policy::Accept });
                }
                course.hits.push(Hit::Policy { table: tname, chain: ChainRef::Missing(self.hook) });
            }
            return self.tables(table_ix + 1, course, out, held);
        };
        let st = State { table_ix, chain, rule: 0, stack: vec![], course: Box::new(course) };
        self.chain(st, out, held)
    }

    fn chain(&self, mut st: State, out: &mut Vec<Course>, held: Option<&Box<CtInfo>>) -> Result<(), String> {
        let tname = self.table_at(st.table_ix).expect("walked tables exist");
        let table = self.rs.table(self.family, tname).expect("walked tables exist");
        // Looked up once per chain entered, not per rule.
        let mut chain = &table.chains[st.chain];
        let name = |ix: usize| table.chains[ix].name.clone();
        // A trace shows every rule, so only a walk without one skips. The
        // table's compiled chains are found once per chain entered.
        let ctable = if self.trace { None } else { self.compiled.and_then(|c| c.table(self.family, tname)) };
        let compiled = |ix: usize| ctable.and_then(|cs| cs.get(ix));
        let mut cc = compiled(st.chain);
        let proto = st.course.packet.proto;
        loop {
            if out.len() > MAX_COURSES {
                return Err(format!("the packet splits into more than {MAX_COURSES} possible courses (too many matches fwcheck cannot decide)"));
            }
            if let Some(cc) = cc {
                st.rule = cc.next(proto, st.rule);
            }
            let Some(rule) = chain.rules.get(st.rule) else {
                // End of the chain.
                if let Some((back, next)) = st.stack.pop() {
                    if self.trace {
                        st.course.trace.push(Event::FallThrough { table: tname, chain: name(st.chain) });
                    }
                    st.chain = back;
                    st.rule = next;
                    chain = &table.chains[st.chain];
                    cc = compiled(st.chain);
                    continue;
                }
                // With no return point left (the end of, or a RETURN in, the
                // built-in chain, or the end of a chain reached by goto from
                // it) the built-in chain's policy decides.
                let base_ix = table.position(self.hook.as_str()).expect("the hook's chain exists");
                let base = &table.chains[base_ix];
                let policy = base.policy.unwrap_or(Policy::Accept);
                if self.trace {
                    st.course.trace.push(Event::Policy { table: tname, chain: base.name.clone(), policy });
                }
                if policy_counts(self.backend, base) {
                    st.course.hits.push(Hit::Policy { table: tname, chain: ChainRef::At(base_ix as u32) });
                }
                return match policy {
                    Policy::Accept => self.tables(st.table_ix + 1, *st.course, out, held),
                    Policy::Drop => {
                        out.push(Course { verdict: Verdict::Drop, ended_in: Some(tname), ..*st.course });
                        Ok(())
                    }
                };
            };
            let index = st.rule;
            if cc.is_some_and(|cc| !cc.admits(index, &st.course.packet)) {
                st.rule += 1;
                continue;
            }
            let mut verdict = rule.ip.eval(&st.course.packet);
            // Limits the rule reached, in order: (key, whether every match
            // before it surely matched, whether it matched itself).
            let mut reached: Vec<(LimitKey, bool, bool)> = Vec::new();
            for (mi, m) in rule.matches.iter().enumerate() {
                // The kernel stops at the first match that fails: a limit
                // after it is not reached.
                if verdict == Tri::No {
                    break;
                }
                let t = match (m, &self.lab) {
                    (crate::ext::Match::Limit(l), Some(b)) => {
                        let key = (self.family, tname, st.chain as u32, index as u32, mi as u32);
                        let more = st.course.limit_taken.iter().filter(|(k, _)| *k == key).try_fold(0u32, |n, (_, c)| c.then_some(n + 1));
                        let t = super::limits::decide(b, l, &key, more, self.backend);
                        // A bucket it said no to gave no token.
                        if t != Tri::No {
                            reached.push((key, verdict == Tri::Yes, t == Tri::Yes));
                        }
                        t
                    }
                    (crate::ext::Match::Recent(rc), Some(lab)) => {
                        let lists = st.course.recent.get_or_insert_with(|| Box::new(lab.recent.clone()));
                        let t = super::recent::decide(lists, rc, self.family, &st.course.packet, self.hook, lab.elapsed_ms);
                        // Reached only if the matches before it matched:
                        // when that is not known, neither is the list.
                        if verdict != Tri::Yes && super::recent::changes(rc) {
                            lists.forget(rc, "whether the matches before one of its rules matched could not be decided");
                        }
                        t
                    }
                    _ => self.eval_match(m, &st.course.packet),
                };
                verdict = verdict.and(|| t);
            }
            // A limit surely took a token when it matched and every match
            // before it surely did; one that matched after a refill may have
            // (its count is then unknown).
            let n_before = st.course.limit_taken.len();
            st.course.limit_taken.extend(reached.iter().map(|(k, sure, yes)| (*k, *sure && *yes)));
            match verdict {
                Tri::No => {
                    if self.trace {
                        st.course.trace.push(Event::NoMatch { table: tname, chain: name(st.chain), index });
                    }
                    st.rule += 1;
                    continue;
                }
                Tri::Unknown(reason) => {
                    // Both courses: this one without the match, a copy with it
                    // (where every match matched, so each limit took a token).
                    let mut with = st.clone();
                    for (t, (_, _, yes)) in with.course.limit_taken[n_before..].iter_mut().zip(&reached) {
                        t.1 = *yes;
                    }
                    with.course.assumed += 1;
                    if self.trace {
                        with.course.trace.push(Event::Assumed { table: tname, chain: name(st.chain), index, matched: true, reason: reason.to_string() });
                    }
                    self.matched(with, rule, out, held)?;
                    st.course.assumed += 1;
                    if self.trace {
                        st.course.trace.push(Event::Assumed { table: tname, chain: name(st.chain), index, matched: false, reason: reason.to_string() });
                    }
                    st.rule += 1;
                    continue;
                }
                Tri::Yes => return self.matched(st, rule, out, held),
            }
        }
    }

    /// One extension match; `-m set` is decided here when the sets are known.
    pub(super) fn eval_match(&self, m: &crate::ext::Match, p: &Packet) -> Tri {
        // A lab's recent lists change as packets meet the match: only the
        // general walk, which carries them, can decide it.
        if matches!(m, crate::ext::Match::Recent(_)) && self.lab.is_some() {
            return Tri::unknown("recent lists are carried by the general walk");
        }
        if let (crate::ext::Match::Set(s), Some(sets)) = (m, self.ipsets) {
            if let Some(b) = sets.decide(s, p) {
                return Tri::from_bool(b);
            }
        }
        m.eval(p, &self.cx)
    }

    /// The rule at `st` matched: count it and run its target.
    fn matched(&self, mut st: State, rule: &Rule, out: &mut Vec<Course>, held: Option<&Box<CtInfo>>) -> Result<(), String> {
        let tname = self.table_at(st.table_ix).expect("walked tables exist");
        let table = self.rs.table(self.family, tname).expect("walked tables exist");
        st.course.hits.push(Hit::Rule { table: tname, chain: ChainRef::At(st.chain as u32), index: st.rule });
        if self.trace {
            st.course.trace.push(Event::Match { table: tname, chain: table.chains[st.chain].name.clone(), index: st.rule, target: target_name(&rule.target) });
        }
        let step = match &rule.target {
            Target::None => None,
            Target::Accept => Some(Step::NextTable),
            Target::Drop => Some(Step::End(Verdict::Drop)),
            Target::Queue => Some(Step::End(Verdict::Unknown { reason: "QUEUE hands the packet to a user-space program".into() })),
            Target::Return => {
                match st.stack.pop() {
                    Some((back, next)) => {
                        st.chain = back;
                        st.rule = next;
                    }
                    // RETURN in a built-in chain: the policy decides.
                    None => st.rule = usize::MAX,
                }
                return self.chain(st, out, held);
            }
            Target::Jump(c) => {
                st.stack.push((st.chain, st.rule + 1));
                st.chain = table.position(c).expect("jump targets exist");
                st.rule = 0;
                return self.chain(st, out, held);
            }
            Target::Goto(c) => {
                st.chain = table.position(c).expect("goto targets exist");
                st.rule = 0;
                return self.chain(st, out, held);
            }
            Target::Ext(t) => self.target(t, &mut st),
        };
        match step {
            None => {
                st.rule += 1;
                self.chain(st, out, held)
            }
            Some(Step::NextTable) => self.tables(st.table_ix + 1, *st.course, out, held),
            Some(Step::End(v)) => {
                out.push(Course { verdict: v, ended_in: Some(tname), ..*st.course });
                Ok(())
            }
        }
    }

    /// The effect of an extension target; `None` to go on with the next rule.
    fn target(&self, t: &TargetExt, st: &mut State) -> Option<Step> {
        let p = &mut st.course.packet;
        match t {
            TargetExt::Log(_) | TargetExt::Nflog(_) | TargetExt::Tcpmss(_) => None,
            TargetExt::Mark(m) => {
                if let Some(op) = m.op {
                    p.mark = (p.mark & !op.mask) ^ op.value;
                }
                None
            }
            TargetExt::Connmark(c) => {
                use crate::ext::t_connmark::Mode;
                let shift = |v: u32| match c.shift {
                    crate::ext::t_connmark::Shift::Left => v.checked_shl(c.shift_bits as u32).unwrap_or(0),
                    crate::ext::t_connmark::Shift::Right => v.checked_shr(c.shift_bits as u32).unwrap_or(0),
                };
                if let Some(ct) = p.ct.as_mut() {
                    match c.mode {
                        Some(Mode::Set) => ct.mark = (ct.mark & !c.ctmask) ^ c.ctmark,
                        Some(Mode::SaveMark) => ct.mark = (ct.mark & !c.ctmask) ^ (shift(p.mark & c.nfmask) & c.ctmask),
                        Some(Mode::RestoreMark) => p.mark = (p.mark & !c.nfmask) ^ (shift(ct.mark & c.ctmask) & c.nfmask),
                        None => {}
                    }
                }
                None
            }
            // The packet is not tracked (xt_CT attaches the untracked
            // template before conntrack looks it up): its state is
            // UNTRACKED from here on, no entry is made for it, and the nat
            // table, which needs one, does not see it.
            TargetExt::Ct(c) if !c.notrack => None,
            // A packet that already carries an entry (`skb->_nfct` set: see
            // [`HookWalk::ct_attached`]) is left alone ("Previously seen
            // (loopback)? Ignore.", xt_CT.c).
            TargetExt::Ct(_) | TargetExt::Notrack(_) if self.ct_attached => None,
            TargetExt::Ct(_) | TargetExt::Notrack(_) => {
                // In raw (before conntrack) the packet has no entry yet.
                let t = (p.src, p.dst, p.sport, p.dport);
                let ct = p.ct.get_or_insert_with(|| {
                    Box::new(CtInfo {
                        state: crate::predict::CtState::Untracked,
                        dir: crate::predict::CtDir::Original,
                        status: 0,
                        mark: 0,
                        proto: p.proto,
                        orig: t,
                        reply: (t.1, t.0, t.3, t.2),
                        expires: 0,
                    })
                });
                ct.state = crate::predict::CtState::Untracked;
                None
            }
            TargetExt::Reject(r) => Some(Step::End(Verdict::Reject { with: r.kind().to_string() })),
            TargetExt::Dnat(n) => Some(self.nat_step("DNAT", &n.0.range, st)),
            TargetExt::Snat(n) => Some(self.nat_step("SNAT", &n.0.range, st)),
            TargetExt::Masquerade(m) => Some(match self.masquerade_addr(p) {
                Ok(a) => self.nat_step("SNAT", &NatRange { addrs: Some((a, a)), ..m.0.range.clone() }, st),
                Err(reason) => Step::End(Verdict::Unknown { reason }),
            }),
            TargetExt::Redirect(r) => Some(match self.redirect_addr(p) {
                Ok(a) => self.nat_step("DNAT", &NatRange { addrs: Some((a, a)), ..r.0.range.clone() }, st),
                Err(reason) => Step::End(Verdict::Unknown { reason }),
            }),
            // A target that only continues (CHECKSUM, CLASSIFY …; see
            // ext::catalog) changes nothing the later rules read.
            TargetExt::Opaque(o) if crate::ext::catalog::target_continues(&o.name) => None,
            TargetExt::Opaque(o) => Some(Step::End(Verdict::Unknown { reason: format!("fwcheck does not model the {} target", o.name) })),
        }
    }

    /// MASQUERADE's source address: the outgoing interface's address on the
    /// destination's subnet, else its first of the family (the kernel's
    /// inet_select_addr for the route's next hop).
    fn masquerade_addr(&self, p: &Packet) -> Result<std::net::IpAddr, String> {
        let oif = p.oif.as_deref().unwrap_or_default();
        let i = self
            .ifaces
            .iter()
            .find(|i| i.name == oif)
            .ok_or_else(|| format!("MASQUERADE: fwcheck does not know the addresses of `{oif}` (give the host's interfaces)"))?;
        let fam: Vec<_> = i.addrs.iter().filter(|(a, _)| a.is_ipv4() == p.dst.is_ipv4()).collect();
        fam.iter()
            .find(|(a, l)| crate::predict::host::in_prefix(*a, *l, p.dst))
            .or(fam.first())
            .map(|(a, _)| *a)
            .ok_or_else(|| format!("MASQUERADE: `{oif}` has no address of the packet's family, so the kernel drops the packet"))
    }

    /// REDIRECT's destination: the first address of the incoming interface
    /// (PREROUTING), or loopback for a locally generated packet (OUTPUT),
    /// as nf_nat_redirect does.
    fn redirect_addr(&self, p: &Packet) -> Result<std::net::IpAddr, String> {
        if self.hook == Hook::Output {
            return Ok(if p.dst.is_ipv4() { "127.0.0.1".parse().expect("literal") } else { "::1".parse().expect("literal") });
        }
        let iif = p.iif.as_deref().unwrap_or_default();
        let i = self
            .ifaces
            .iter()
            .find(|i| i.name == iif)
            .ok_or_else(|| format!("REDIRECT: fwcheck does not know the addresses of `{iif}` (give the host's interfaces)"))?;
        i.addrs
            .iter()
            .map(|(a, _)| *a)
            .find(|a| a.is_ipv4() == p.dst.is_ipv4())
            .ok_or_else(|| format!("REDIRECT: `{iif}` has no address of the packet's family, so the kernel drops the packet"))
    }

    /// DNAT and SNAT to one address (and port): the packet is rewritten and
    /// accepted by the nat table. With a range the kernel picks an address by
    /// hash, which fwcheck does not predict.
    fn nat_step(&self, kind: &'static str, r: &crate::ext::t_nat::NatRange, st: &mut State) -> Step {
        let addr = match r.addrs {
            Some((lo, hi)) if lo != hi => return Step::End(Verdict::Unknown { reason: format!("{kind} to an address range: the kernel picks one by hash") }),
            Some((lo, _)) => Some(lo),
            None => None,
        };
        let port = match r.ports {
            Some((lo, hi)) if lo != hi => return Step::End(Verdict::Unknown { reason: format!("{kind} to a port range: the kernel picks one") }),
            Some((lo, _)) => Some(lo),
            None => None,
        };
        let p = &mut st.course.packet;
        if kind == "DNAT" {
            if let Some(a) = addr {
                p.dst = a;
            }
            if let Some(pt) = port {
                p.dport = pt;
            }
        } else {
            if let Some(a) = addr {
                p.src = a;
            }
            if let Some(pt) = port {
                p.sport = pt;
            }
        }
        st.course.nat = Some(NatDone { kind, addr, port });
        Step::NextTable
    }
}

fn target_name(t: &Target) -> String {
    match t {
        Target::None => String::new(),
        Target::Accept => "ACCEPT".into(),
        Target::Drop => "DROP".into(),
        Target::Queue => "QUEUE".into(),
        Target::Return => "RETURN".into(),
        Target::Jump(c) => c.clone(),
        Target::Goto(c) => format!("goto {c}"),
        Target::Ext(t) => t.name().to_string(),
    }
}
