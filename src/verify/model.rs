//! A rule set as formulas: for every rule, when it matches and when it ends
//! the walk of its chain; for every chain, when it ends in which verdict
//! and when it returns to its caller. User chains, jumps, gotos and RETURN
//! are unfolded the way `netfilter::walk` walks them, so a formula says
//! exactly what the walk does, up to the free choices.
//!
//! A chain's outcome is computed once, backwards from its end: a rule turns
//! the outcome after it into the outcome before it (an if-then-else on its
//! match), so the formulas grow linearly with the rule count. A jump reuses
//! the callee's outcome (computed with the callee entered unconditionally),
//! which is sound because a callee's behaviour depends only on the packet.

use super::pred::{addr_bits, rule_pred, Field, Hull, Pred, PredCx};
use super::smt::{Smt, F, T};
use crate::ext::{Target, TargetExt};
use crate::ir::{Chain, Family, Hook, Policy, Rule, Ruleset, TableName};
use crate::netfilter::tables_at;
use std::collections::{BTreeMap, HashMap};

/// How a walk can end: the verdict categories `equiv` compares.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cat {
    Accept,
    Drop,
    /// REJECT, with the reply it sends.
    Reject(String),
    /// A target fwcheck does not model, or QUEUE: the walk ends there (if it
    /// ends) with a verdict fwcheck cannot name.
    Other(String),
}

impl Cat {
    pub fn name(&self) -> String {
        match self {
            Cat::Accept => "ACCEPT".into(),
            Cat::Drop => "DROP".into(),
            Cat::Reject(w) => format!("REJECT --reject-with {w}"),
            Cat::Other(t) => t.clone(),
        }
    }
}

/// What a rule's target does to the walk of its chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// No target, or one that goes on with the next rule (LOG, MARK …).
    Continue,
    /// Ends the walk of the table with a verdict.
    Verdict(Cat),
    Return,
    Jump(String),
    Goto(String),
    /// A target fwcheck does not model: it may end the walk (free choice).
    Maybe(Cat),
}

pub struct RuleModel {
    pub pred: Pred,
    pub hull: Hull,
    /// The rule's own matches.
    pub m: F,
    /// The walk stops at this rule (it matched and the chain does not go on
    /// to the next rule): never true for a rule whose target continues.
    pub stop: F,
    /// A part of `stop` that is cheap to ask about, for lint: the same as
    /// `stop`, except for a jump to a chain that may return, which blocks
    /// nothing here. Lint claims "earlier rules take every packet", so
    /// leaving some stops out can only lose findings, never make a false one.
    pub block: F,
    pub kind: Kind,
}

/// When a chain, entered, ends in each verdict or returns to its caller.
#[derive(Clone)]
pub struct Outcome {
    pub cats: BTreeMap<Cat, F>,
    pub ret: F,
}

pub struct ChainModel {
    pub rules: Vec<RuleModel>,
    pub out: Outcome,
}

pub struct TableModel {
    pub name: TableName,
    pub chains: HashMap<String, ChainModel>,
}

/// How free choices are named, which decides when two of them are the same
/// choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// Each rule's own (lint: two limit rules are two buckets).
    PerRule,
    /// By the rule's text and how many rules with that text came before it
    /// in the chain: the n-th `-m limit --limit 5/s -j ACCEPT` of INPUT in A
    /// and in B decide alike (equiv).
    ByText,
}

pub struct Model<'r> {
    pub rs: &'r Ruleset,
    pub family: Family,
    pub tables: Vec<TableModel>,
}

pub fn kind_of(t: &Target) -> Kind {
    match t {
        Target::None => Kind::Continue,
        Target::Accept => Kind::Verdict(Cat::Accept),
        Target::Drop => Kind::Verdict(Cat::Drop),
        Target::Queue => Kind::Verdict(Cat::Other("QUEUE".into())),
        Target::Return => Kind::Return,
        Target::Jump(c) => Kind::Jump(c.clone()),
        Target::Goto(c) => Kind::Goto(c.clone()),
        Target::Ext(e) => match e {
            TargetExt::Log(_)
            | TargetExt::Nflog(_)
            | TargetExt::Tcpmss(_)
            | TargetExt::Mark(_)
            | TargetExt::Connmark(_)
            | TargetExt::Ct(_)
            | TargetExt::Notrack(_) => Kind::Continue,
            TargetExt::Reject(r) => Kind::Verdict(Cat::Reject(r.kind().to_string())),
            // NAT targets accept the packet for the nat table.
            TargetExt::Dnat(_) | TargetExt::Snat(_) | TargetExt::Masquerade(_) | TargetExt::Redirect(_) => Kind::Verdict(Cat::Accept),
            TargetExt::Opaque(o) if crate::ext::catalog::target_continues(&o.name) => Kind::Continue,
            TargetExt::Opaque(o) => Kind::Maybe(Cat::Other(o.name.clone())),
        },
    }
}

/// Whether some rule changes the packet's mark (see `PredCx::marks_free`).
pub fn sets_marks(rs: &Ruleset) -> bool {
    rs.tables.iter().flat_map(|t| &t.chains).flat_map(|c| &c.rules).any(|r| {
        matches!(&r.target, Target::Ext(TargetExt::Mark(_)))
            || matches!(&r.target, Target::Ext(TargetExt::Connmark(c)) if c.mode == Some(crate::ext::t_connmark::Mode::RestoreMark))
    })
}

impl<'r> Model<'r> {
    /// Encodes every table of `family` in `rs`.
    pub fn build(rs: &'r Ruleset, family: Family, smt: &mut Smt, naming: Naming, cx: &PredCx) -> Model<'r> {
        let mut tables = Vec::new();
        for t in rs.tables.iter().filter(|t| t.family == family) {
            let mut tm = TableModel { name: t.name, chains: HashMap::new() };
            for c in &t.chains {
                build_chain(t, c, &mut tm, smt, naming, cx);
            }
            tables.push(tm);
        }
        Model { rs, family, tables }
    }

    pub fn table(&self, name: TableName) -> Option<&TableModel> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// How the base chain `hook` of a table ends: its outcome with a return
    /// (the end of the chain, or RETURN) going to the policy. `None` when
    /// the table has no such chain: the hook passes it.
    pub fn base_outcome(&self, table: TableName, hook: Hook) -> Option<BTreeMap<Cat, F>> {
        let t = self.rs.table(self.family, table)?;
        let c = t.chain(hook.as_str())?;
        let cm = self.table(table)?.chains.get(&c.name)?;
        let mut cats = cm.out.cats.clone();
        let pol = match c.policy.unwrap_or(Policy::Accept) {
            Policy::Accept => Cat::Accept,
            Policy::Drop => Cat::Drop,
        };
        let old = cats.remove(&pol).unwrap_or_else(F::ff);
        cats.insert(pol, F::or(&[old, cm.out.ret.clone()]));
        Some(cats)
    }

    /// The verdict of a whole hook: the tables it consults in order (the
    /// nat table aside: it sees only the first packet of a connection, and
    /// its targets accept), each going on only after the previous accepted.
    pub fn hook_outcome(&self, hook: Hook) -> BTreeMap<Cat, F> {
        self.hook_outcome_map(hook, &mut |_, f| f)
    }

    /// [`Model::hook_outcome`], each table's formulas passed through `map`
    /// first (to see the packet as nat rewrote it).
    fn hook_outcome_map(&self, hook: Hook, map: &mut dyn FnMut(TableName, F) -> F) -> BTreeMap<Cat, F> {
        let mut out: BTreeMap<Cat, F> = BTreeMap::new();
        let mut go_on = F::tt();
        // Without nat the order is the same on every backend.
        for t in tables_at(hook, crate::netfilter::Backend::IptablesLegacy).iter().filter(|t| **t != TableName::Nat) {
            let Some(cats) = self.base_outcome(*t, hook) else { continue };
            let mut next = F::ff();
            for (cat, f) in cats {
                let f = map(*t, f);
                if cat == Cat::Accept {
                    next = f;
                    continue;
                }
                let here = F::and(&[go_on.clone(), f]);
                let e = out.entry(cat).or_insert_with(F::ff);
                *e = F::or(&[e.clone(), here]);
            }
            go_on = F::and(&[go_on, next]);
        }
        out.insert(Cat::Accept, go_on);
        out
    }

    /// The hook's verdict for the packet as it arrives, when the nat table
    /// rewrites the first packet of a connection before the hook's other
    /// tables see it: DNAT in nat PREROUTING (for INPUT and FORWARD) or nat
    /// OUTPUT (for the tables after it at OUTPUT). Err says why fwcheck
    /// cannot compose them (a jump in the nat chain, an address range,
    /// REDIRECT); the caller then falls back to [`Model::hook_outcome`].
    pub fn hook_outcome_after_nat(&self, hook: Hook, smt: &mut Smt) -> Result<BTreeMap<Cat, F>, String> {
        let nat_hook = match hook {
            Hook::Input | Hook::Forward => Hook::Prerouting,
            Hook::Output => Hook::Output,
            _ => return Ok(self.hook_outcome(hook)),
        };
        let Some((dst, dport)) = self.dnat(nat_hook, smt)? else { return Ok(self.hook_outcome(hook)) };
        let after = |t: TableName| hook != Hook::Output || matches!(t, TableName::Filter | TableName::Security);
        let subs = [(Field::Dst, dst), (Field::Dport, dport)];
        Ok(self.hook_outcome_map(hook, &mut |t, f| if after(t) { smt.substitute(&f, &subs) } else { f }))
    }

    /// Destination address and port after the nat chain `hook`, for the
    /// first packet of a connection (conntrack state NEW); `None` when the
    /// chain translates nothing.
    fn dnat(&self, hook: Hook, smt: &mut Smt) -> Result<Option<(T, T)>, String> {
        let Some(c) = self.rs.table(self.family, TableName::Nat).and_then(|t| t.chain(hook.as_str())) else { return Ok(None) };
        if !c.rules.iter().any(|r| matches!(&r.target, Target::Ext(TargetExt::Dnat(_) | TargetExt::Redirect(_)))) {
            return Ok(None);
        }
        let cm = &self.table(TableName::Nat).expect("modelled").chains[&c.name];
        let (odst, oport) = (smt.field_term(Field::Dst), smt.field_term(Field::Dport));
        let (mut dst, mut dport) = (odst.clone(), oport.clone());
        for (r, rm) in c.rules.iter().zip(&cm.rules).rev() {
            match &r.target {
                Target::Ext(TargetExt::Dnat(d)) => {
                    let a = match d.0.range.addrs {
                        Some((lo, hi)) if lo == hi => smt.value_term(Field::Dst, addr_bits(lo)),
                        Some(_) => return Err(format!("nat {} translates to an address range (the kernel picks one by hash)", hook.as_str())),
                        None => odst.clone(),
                    };
                    let p = match d.0.range.ports {
                        Some((lo, hi)) if lo == hi => smt.value_term(Field::Dport, lo as u128),
                        Some(_) => return Err(format!("nat {} translates to a port range", hook.as_str())),
                        None => oport.clone(),
                    };
                    dst = T::ite(&rm.m, &a, &dst);
                    dport = T::ite(&rm.m, &p, &dport);
                }
                Target::Ext(TargetExt::Redirect(_)) => return Err(format!("nat {} has REDIRECT, whose address is the incoming interface's", hook.as_str())),
                Target::Jump(_) | Target::Goto(_) => return Err(format!("nat {} jumps to a user chain", hook.as_str())),
                _ if rm.kind == Kind::Continue => {}
                _ => {
                    dst = T::ite(&rm.stop, &odst, &dst);
                    dport = T::ite(&rm.stop, &oport, &dport);
                }
            }
        }
        let new = smt.pred(&Pred::eq(Field::CtState, 1));
        Ok(Some((T::ite(&new, &dst, &odst), T::ite(&new, &dport, &oport))))
    }

    /// The chains of `table` that the base chain `hook` jumps or goes to,
    /// directly or not (whatever the jumps' matches), itself included.
    pub fn reachable_chains(&self, table: TableName, hook: Hook) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        let Some(tm) = self.table(table) else { return seen };
        let mut todo = vec![hook.as_str().to_string()];
        while let Some(c) = todo.pop() {
            if seen.contains(&c) {
                continue;
            }
            let Some(cm) = tm.chains.get(&c) else { continue };
            for r in &cm.rules {
                if let Kind::Jump(d) | Kind::Goto(d) = &r.kind {
                    todo.push(d.clone());
                }
            }
            seen.push(c);
        }
        seen
    }
}

fn build_chain(t: &crate::ir::Table, c: &Chain, tm: &mut TableModel, smt: &mut Smt, naming: Naming, cx: &PredCx) {
    if tm.chains.contains_key(&c.name) {
        return;
    }
    // Callees first (the parser refuses loops, so this ends).
    for r in &c.rules {
        if let Target::Jump(d) | Target::Goto(d) = &r.target {
            if let Some(dc) = t.chain(d) {
                build_chain(t, dc, tm, smt, naming, cx);
            }
        }
    }
    let mut rules = Vec::with_capacity(c.rules.len());
    let mut seen_text: HashMap<String, usize> = HashMap::new();
    for (i, r) in c.rules.iter().enumerate() {
        let mut pred = rule_pred(&r.ip, &r.matches, cx);
        if t.name == TableName::Nat {
            // The nat table sees only the first packet of a connection
            // (ctstate NEW; `netfilter::walk` consults it for no other): a
            // nat rule never meets another packet.
            pred = Pred::and(vec![pred, Pred::eq(Field::CtState, 1)]);
        }
        smt.scope = match naming {
            Naming::PerRule => format!("{}/{}/{}", t.name, c.name, i),
            Naming::ByText => {
                // By the free choices themselves (`limit: --limit 6/min`),
                // counted per chain: the n-th rule of a chain with that
                // rate limit is the same bucket in both rule sets even when
                // the rest of the rule is written differently (`-m state`
                // read back from nft as `-m conntrack --ctstate`).
                let mut frees = Vec::new();
                pred.frees(&mut frees);
                let text = frees.join(" ; ");
                let n = seen_text.entry(text.clone()).or_insert(0);
                *n += 1;
                format!("{}/{}/{}#{}", t.name, c.name, text, n)
            }
        };
        rules.push(rule_model(r, pred, smt, tm, cx));
    }
    let out = outcome(&rules, tm);
    tm.chains.insert(c.name.clone(), ChainModel { rules, out });
}

fn rule_model(r: &Rule, pred: Pred, smt: &mut Smt, tm: &TableModel, cx: &PredCx) -> RuleModel {
    let hull = Hull::of(&pred, cx.family);
    let m = smt.pred(&pred);
    let kind = kind_of(&r.target);
    let stop = match &kind {
        Kind::Continue => F::ff(),
        Kind::Verdict(_) | Kind::Return | Kind::Goto(_) => m.clone(),
        Kind::Jump(d) => match tm.chains.get(d) {
            Some(cm) => F::and(&[m.clone(), cm.out.ret.not()]),
            None => m.clone(),
        },
        Kind::Maybe(c) => F::and(&[m.clone(), smt.free(&format!("{} ends the walk", c.name()))]),
    };
    let block = match &kind {
        Kind::Jump(d) if !tm.chains.get(d).is_some_and(|c| c.out.ret.is_false()) => F::ff(),
        _ => stop.clone(),
    };
    RuleModel { pred, hull, m, stop, kind, block }
}

/// The outcome of a chain from rule `from` on, given the outcome after its
/// last rule (`end`), over the rules `ix` (indices into `rules`, in order;
/// rules left out must not match the packets asked about).
pub fn fold(rules: &[RuleModel], ix: &[usize], end: Outcome, tm: &TableModel) -> Outcome {
    let mut o = end;
    for &i in ix.iter().rev() {
        let r = &rules[i];
        let m = &r.m;
        match &r.kind {
            Kind::Continue => {}
            Kind::Verdict(cat) => {
                for (c, f) in o.cats.iter_mut() {
                    if c != cat {
                        *f = F::and(&[m.not(), f.clone()]);
                    }
                }
                let old = o.cats.remove(cat).unwrap_or_else(F::ff);
                o.cats.insert(cat.clone(), F::or(&[m.clone(), old]));
                o.ret = F::and(&[m.not(), o.ret.clone()]);
            }
            Kind::Maybe(cat) => {
                let s = &r.stop;
                for (c, f) in o.cats.iter_mut() {
                    if c != cat {
                        *f = F::and(&[s.not(), f.clone()]);
                    }
                }
                let old = o.cats.remove(cat).unwrap_or_else(F::ff);
                o.cats.insert(cat.clone(), F::or(&[s.clone(), old]));
                o.ret = F::and(&[s.not(), o.ret.clone()]);
            }
            Kind::Return => {
                for f in o.cats.values_mut() {
                    *f = F::and(&[m.not(), f.clone()]);
                }
                o.ret = F::or(&[m.clone(), o.ret.clone()]);
            }
            Kind::Jump(d) | Kind::Goto(d) => {
                let goto = matches!(r.kind, Kind::Goto(_));
                let Some(callee) = tm.chains.get(d).map(|c| c.out.clone()) else { continue };
                let mut cats: BTreeMap<Cat, F> = BTreeMap::new();
                let keys: Vec<Cat> = o.cats.keys().chain(callee.cats.keys()).cloned().collect();
                for c in keys {
                    if cats.contains_key(&c) {
                        continue;
                    }
                    let after = o.cats.get(&c).cloned().unwrap_or_else(F::ff);
                    let inside = callee.cats.get(&c).cloned().unwrap_or_else(F::ff);
                    let taken = if goto { inside } else { F::or(&[inside, F::and(&[callee.ret.clone(), after.clone()])]) };
                    cats.insert(c, F::ite(m, &taken, &after));
                }
                let ret_taken = if goto { callee.ret.clone() } else { F::and(&[callee.ret.clone(), o.ret.clone()]) };
                o.ret = F::ite(m, &ret_taken, &o.ret);
                o.cats = cats;
            }
        }
    }
    o
}

fn outcome(rules: &[RuleModel], tm: &TableModel) -> Outcome {
    let ix: Vec<usize> = (0..rules.len()).collect();
    fold(rules, &ix, Outcome { cats: BTreeMap::new(), ret: F::tt() }, tm)
}
