//! The lints: one file per lint, each with its code, severity and the text
//! that explains it (the book's page for the lint, included with
//! `include_str!`, so `fwcheck lint --explain`, rustdoc and the book say
//! the same thing).
//!
//! The lints that need the prover share one [`Analysis`] per family: the
//! rule set as formulas ([`Model`]) and, per rule, whether it can match at
//! all, and whether earlier rules of its chain take every packet it
//! matches (and which ones: the blockers, minimised from an unsat core).

pub mod base_return;
pub mod catch_all;
pub mod contradiction;
pub mod dead_exception;
pub mod deprecated;
pub mod drop_policy;
pub mod redundant;
pub mod shadowed;
pub mod unreachable_chain;

use super::model::{Kind, Model, Naming, TableModel};
use super::pred::PredCx;
use super::smt::{Answer, Lit, SatAnswer, Smt, F};
use crate::ir::{Family, Hook, Ruleset, TableName};
use crate::source::{SourceMap, Span};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A lint's identity and documentation.
pub struct Lint {
    /// Stable code, `FW101`.
    pub code: &'static str,
    /// Stable name, `shadowed-rule`.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// The book page: what it finds, why it matters, an example.
    pub doc: &'static str,
}

/// Every lint, in code order.
pub const ALL: &[&Lint] = &[
    &shadowed::LINT,
    &redundant::LINT,
    &contradiction::LINT,
    &unreachable_chain::LINT,
    &drop_policy::LINT,
    &catch_all::LINT,
    &deprecated::LINT,
    &dead_exception::LINT,
    &base_return::LINT,
];

/// Where a rule is: table, chain, index from 0.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub family: Family,
    pub table: TableName,
    pub chain: String,
    pub index: usize,
    #[serde(skip)]
    pub span: Span,
}

/// A packet a rule matches, found by the prover. It is walked through
/// `predict`'s walker with `table` alone, entering `chain` straight from
/// the base chain of `hook` (see [`crate::verify::replay::chain_ruleset`]):
/// that walk shows what the chain's earlier rules do with it.
#[derive(Clone, Debug, Serialize)]
pub struct Example {
    pub hook: Hook,
    pub table: TableName,
    pub chain: String,
    pub packet: crate::predict::Packet,
    /// Free choices (rate limits, ipsets …) the example relies on.
    pub choices: Vec<(String, bool)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub lint: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The rule (or chain declaration) the finding is about.
    #[serde(skip)]
    pub span: Span,
    pub rule: Option<RuleRef>,
    /// Other rules that explain it (the blockers of a shadowed rule).
    pub related: Vec<RuleRef>,
    pub example: Option<Example>,
    pub help: Option<String>,
}

/// What the prover found about one rule of one chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    /// Matches some packet that reaches it.
    Live,
    /// Its own matches contradict each other.
    Contradiction,
    /// Earlier rules (indices) take every packet it matches.
    Shadowed(Vec<usize>),
    /// The solver gave up: no claim.
    Unknown,
}

pub struct Options<'a> {
    pub ipsets: Option<&'a super::ipsets::Ipsets>,
}

/// The rule set as formulas, and the per-rule facts, for one family.
pub struct Analysis<'r> {
    pub family: Family,
    pub rs: &'r Ruleset,
    pub sources: &'r SourceMap,
    pub smt: Smt,
    pub model: Model<'r>,
    /// (table, chain) -> one fact per rule.
    pub facts: HashMap<(TableName, String), Vec<Fact>>,
    /// Chains reachable from each base chain (see `Model::reachable_chains`).
    reach: HashMap<(TableName, Hook), Vec<String>>,
    lit_m: HashMap<(TableName, String, usize), Lit>,
    lit_ns: HashMap<(TableName, String, usize), Lit>,
}

impl<'r> Analysis<'r> {
    pub fn new(rs: &'r Ruleset, sources: &'r SourceMap, family: Family, opts: &Options) -> Analysis<'r> {
        let mut smt = Smt::new(family);
        smt.conntrack = crate::netfilter::conntrack_on(rs);
        let cx = PredCx { family, marks_free: super::model::sets_marks(rs), ipsets: opts.ipsets };
        let model = Model::build(rs, family, &mut smt, Naming::PerRule, &cx);
        let mut a = Analysis { family, rs, sources, smt, model, facts: HashMap::new(), reach: HashMap::new(), lit_m: HashMap::new(), lit_ns: HashMap::new() };
        a.compute_facts();
        a
    }

    pub fn chain_model(&self, table: TableName, chain: &str) -> Option<&super::model::ChainModel> {
        self.model.table(table)?.chains.get(chain)
    }

    pub fn table_model(&self, table: TableName) -> Option<&TableModel> {
        self.model.table(table)
    }

    pub fn rule_ref(&self, table: TableName, chain: &str, index: usize) -> RuleRef {
        let span = self.rs.table(self.family, table).and_then(|t| t.chain(chain)).and_then(|c| c.rules.get(index)).map(|r| r.span).unwrap_or_default();
        RuleRef { family: self.family, table, chain: chain.to_string(), index, span }
    }

    pub(crate) fn lit_m(&mut self, t: TableName, c: &str, i: usize) -> Lit {
        let key = (t, c.to_string(), i);
        if let Some(l) = self.lit_m.get(&key) {
            return l.clone();
        }
        let f = self.model.table(t).expect("modelled").chains[c].rules[i].m.clone();
        let l = self.smt.literal(&f);
        self.lit_m.insert(key, l.clone());
        l
    }

    pub(crate) fn lit_ns(&mut self, t: TableName, c: &str, i: usize) -> Lit {
        let key = (t, c.to_string(), i);
        if let Some(l) = self.lit_ns.get(&key) {
            return l.clone();
        }
        let f = self.model.table(t).expect("modelled").chains[c].rules[i].block.not();
        let l = self.smt.literal(&f);
        self.lit_ns.insert(key, l.clone());
        l
    }

    /// Earlier rules of the chain that may take packets rule `i` matches:
    /// those that can stop the walk and whose boxes meet rule `i`'s.
    pub fn relevant_before(&self, t: TableName, c: &str, i: usize) -> Vec<usize> {
        let cm = &self.model.table(t).expect("modelled").chains[c];
        let h = &cm.rules[i].hull;
        (0..i).filter(|&j| !cm.rules[j].block.is_false() && !cm.rules[j].hull.disjoint(h)).collect()
    }

    fn compute_facts(&mut self) {
        let keys: Vec<(TableName, String, usize)> = self
            .model
            .tables
            .iter()
            .flat_map(|t| {
                let mut names: Vec<&String> = t.chains.keys().collect();
                names.sort();
                names.into_iter().map(move |c| (t.name, c.clone(), t.chains[c].rules.len()))
            })
            .collect();
        for (t, c, n) in keys {
            let mut facts = Vec::with_capacity(n);
            for i in 0..n {
                facts.push(self.fact(t, &c, i));
            }
            self.facts.insert((t, c), facts);
        }
    }

    fn fact(&mut self, t: TableName, c: &str, i: usize) -> Fact {
        let cm = &self.model.table(t).expect("modelled").chains[c];
        let rule = &cm.rules[i];
        if rule.hull.is_empty() || rule.m.is_false() {
            return Fact::Contradiction;
        }
        let rel = self.relevant_before(t, c, i);
        if let Some(f) = self.quick_fact(t, c, i, &rel) {
            return f;
        }
        let lm = self.lit_m(t, c, i);
        let lits: Vec<Lit> = rel.iter().map(|&j| self.lit_ns(t, c, j)).collect();
        let mut all: Vec<&Lit> = vec![&lm];
        all.extend(lits.iter());
        let (ans, core) = self.smt.check_lits(&all);
        match ans {
            SatAnswer::Sat => Fact::Live,
            SatAnswer::Unknown => Fact::Unknown,
            SatAnswer::Unsat => {
                // The rule's matches alone, or earlier rules without them
                // (a core without the rule): ask the rule alone.
                if !core.contains(&0) || core.len() == 1 {
                    match self.smt.check_lits(&[&lm]).0 {
                        SatAnswer::Unsat => return Fact::Contradiction,
                        SatAnswer::Unknown => return Fact::Unknown,
                        SatAnswer::Sat => {}
                    }
                }
                // The core's blockers, then each one dropped that is not
                // needed.
                let mut keep: Vec<usize> = core.into_iter().filter(|&k| k > 0).map(|k| k - 1).collect();
                let mut k = 0;
                while k < keep.len() {
                    let trial: Vec<usize> = keep.iter().enumerate().filter(|(x, _)| *x != k).map(|(_, v)| *v).collect();
                    let mut ls: Vec<&Lit> = vec![&lm];
                    ls.extend(trial.iter().map(|&x| &lits[x]));
                    if self.smt.check_lits(&ls).0 == SatAnswer::Unsat {
                        keep = trial;
                    } else {
                        k += 1;
                    }
                }
                Fact::Shadowed(keep.into_iter().map(|x| rel[x]).collect())
            }
        }
    }

    /// The fact of rule `i` from concrete packets in its box, when they
    /// settle it: a packet it matches that no earlier rule stops (live),
    /// or one earlier rule that is exactly a box containing the rule's
    /// (shadowed by it).
    fn quick_fact(&self, t: TableName, c: &str, i: usize, rel: &[usize]) -> Option<Fact> {
        use super::concrete::{candidates, candidates_with, escape, rule_matches};
        use crate::predict::Tri;
        let irules = &self.rs.table(self.family, t)?.chain(c)?.rules;
        let cm = self.chain_model(t, c)?;
        let me = &cm.rules[i];
        let mut todo = candidates(&me.hull, self.family, self.smt.conntrack, None);
        let mut tries = 0;
        while let Some(p) = todo.pop() {
            tries += 1;
            if tries > 12 {
                break;
            }
            // Unknown: a free choice lets the rule match it.
            if rule_matches(&irules[i], &p) == Tri::No {
                continue;
            }
            let Some(&j) = rel.iter().find(|&&j| rule_matches(&irules[j], &p) != Tri::No) else {
                return Some(Fact::Live);
            };
            let b = &cm.rules[j];
            if rule_matches(&irules[j], &p) == Tri::Yes && b.block.is_true_of(&b.m) && b.pred.is_exact(self.family) && b.hull.contains(&me.hull) {
                return Some(Fact::Shadowed(vec![j]));
            }
            // Move the packet out of the blocker's box, one field at a time.
            for (f, v) in escape(&me.hull, &b.hull) {
                todo.extend(candidates_with(&me.hull, self.family, self.smt.conntrack, None, &[(f, v)]).into_iter().take(1));
            }
        }
        None
    }

    /// A packet that rule `i` of `chain` matches, at a hook whose base
    /// chain reaches `chain` (by its jumps, whatever their matches).
    pub fn example_for_rule(&mut self, t: TableName, chain: &str, i: usize) -> Option<Example> {
        let m = self.chain_model(t, chain)?.rules[i].m.clone();
        let mut hooks: Vec<Hook> = self.rs.table(self.family, t).map(|tb| tb.chains.iter().filter_map(|c| c.hook).collect()).unwrap_or_default();
        // Hooks whose base chain reaches the chain first; a chain nothing
        // reaches is entered from any (the walk enters it directly).
        let reached: Vec<bool> =
            hooks.iter().map(|h| self.reach.entry((t, *h)).or_insert_with(|| self.model.reachable_chains(t, *h)).iter().any(|c| c == chain)).collect();
        if reached.iter().any(|r| *r) {
            hooks = hooks.into_iter().zip(reached).filter(|(_, r)| *r).map(|(h, _)| h).collect();
        }
        for h in hooks {
            let hull = &self.chain_model(t, chain)?.rules[i].hull;
            let rule = &self.rs.table(self.family, t)?.chain(chain)?.rules[i];
            if let Some(p) = super::concrete::candidates(hull, self.family, self.smt.conntrack, Some(h))
                .into_iter()
                .find(|p| super::concrete::rule_matches(rule, p) != crate::predict::Tri::No)
            {
                let choices = match super::concrete::rule_matches(rule, &p) {
                    crate::predict::Tri::Unknown(why) => vec![(format!("{why} (the rule matches)"), true)],
                    _ => vec![],
                };
                return Some(Example { hook: h, table: t, chain: chain.to_string(), packet: p, choices });
            }
            let q = F::and(&[self.smt.at_hook(h), m.clone()]);
            if let Answer::Sat(w) = self.smt.solve(&q) {
                return Some(Example { hook: h, table: t, chain: chain.to_string(), packet: w.packet, choices: w.choices });
            }
        }
        None
    }
}

/// The kind of the rule at (t, c, i).
pub fn kind(an: &Analysis, t: TableName, c: &str, i: usize) -> Kind {
    an.model.table(t).expect("modelled").chains[c].rules[i].kind.clone()
}

/// `INPUT rule 3` for messages.
pub fn rule_name(r: &RuleRef) -> String {
    match r.family {
        Family::Ipv4 => format!("{} rule {}", r.chain, r.index + 1),
        Family::Ipv6 => format!("{} rule {} (ip6tables)", r.chain, r.index + 1),
    }
}

/// Runs every lint over every family of the rule set.
pub fn run(rs: &Ruleset, sources: &SourceMap, opts: &Options) -> Vec<Finding> {
    let mut out = Vec::new();
    deprecated::check(rs, sources, &mut out);
    // FWCHECK_TIMING=1: where the time goes (see the Performance chapter).
    let timing = std::env::var_os("FWCHECK_TIMING").is_some();
    let t0 = std::time::Instant::now();
    let lap = |what: &str| {
        if timing {
            let (checks, solves) = crate::verify::smt::CHECKS.with(|c| c.get());
            eprintln!("{:>8.3} s  {what} ({checks} checks, {solves} solved examples)", t0.elapsed().as_secs_f64());
        }
    };
    for family in rs.families() {
        let mut an = Analysis::new(rs, sources, family, opts);
        lap("model and facts");
        contradiction::check(&mut an, &mut out);
        shadowed::check(&mut an, &mut out);
        lap("shadowed");
        dead_exception::check(&mut an, &mut out);
        lap("dead-exception");
        redundant::check(&mut an, &mut out);
        lap("redundant");
        unreachable_chain::check(&mut an, &mut out);
        lap("unreachable");
        drop_policy::check(&mut an, &mut out);
        catch_all::check(&mut an, &mut out);
        base_return::check(&mut an, &mut out);
        lap("rest");
    }
    out.sort_by_key(|f| (f.span.file, f.span.start, f.code));
    out
}

/// Every (table, chain, index) whose fact satisfies `pick`, in table and
/// rule order.
pub fn rules_where(an: &Analysis, pick: impl Fn(&Fact) -> bool) -> Vec<(TableName, String, usize, Fact)> {
    let mut v = Vec::new();
    for t in an.rs.tables.iter().filter(|t| t.family == an.family) {
        for c in &t.chains {
            if let Some(facts) = an.facts.get(&(t.name, c.name.clone())) {
                for (i, f) in facts.iter().enumerate() {
                    if pick(f) {
                        v.push((t.name, c.name.clone(), i, f.clone()));
                    }
                }
            }
        }
    }
    v
}

/// Describes a packet in one line: `tcp 10.0.0.1:40000 -> 10.0.0.5:22
/// flags SYN in eth0 ctstate NEW`.
pub fn describe(p: &crate::predict::Packet, conntrack: bool) -> String {
    let name = crate::ext::value::proto_name(p.proto);
    let mut s = match p.proto {
        6 | 17 | 33 | 132 | 136 => format!("{name} {}:{} -> {}:{}", p.src, p.sport, p.dst, p.dport),
        1 | 58 => format!("{name} {} -> {} type {} code {}", p.src, p.dst, p.icmp_type, p.icmp_code),
        _ => format!("proto {} {} -> {}", p.proto, p.src, p.dst),
    };
    if p.proto == 6 {
        s.push_str(&format!(" flags {}", crate::ext::tcp::flags_to_save(p.tcp_flags)));
    }
    if let Some(i) = &p.iif {
        s.push_str(&format!(" in {i}"));
    }
    if let Some(o) = &p.oif {
        s.push_str(&format!(" out {o}"));
    }
    if conntrack {
        if let Some(ct) = &p.ct {
            s.push_str(&format!(" ctstate {}", serde_json::to_value(ct.state).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()));
        }
    }
    if p.mark != 0 {
        s.push_str(&format!(" mark {:#x}", p.mark));
    }
    if p.fragment {
        s.push_str(" fragment");
    }
    s.push_str(&format!(" len {} ttl {}", p.len, p.ttl));
    s
}

/// Whether some blocker's effect differs from the rule's (FW108 rather
/// than FW101).
/// Effects are targets: ACCEPT and ACCEPT are alike, DNAT to two
/// addresses or jumps to two chains are not.
pub fn blockers_differ(an: &Analysis, t: TableName, c: &str, i: usize, blockers: &[usize]) -> bool {
    let Some(rules) = an.rs.table(an.family, t).and_then(|tb| tb.chain(c)).map(|ch| &ch.rules) else { return false };
    blockers.iter().any(|&j| rules[j].target != rules[i].target)
}

/// The finding for a rule that earlier rules block, with the blockers and
/// an example packet the rule matches (which reaches its chain when one
/// can).
pub fn blocked_finding(an: &mut Analysis, lint: &Lint, t: TableName, c: &str, i: usize, blockers: &[usize], what: &str) -> Finding {
    let r = an.rule_ref(t, c, i);
    let related: Vec<RuleRef> = blockers.iter().map(|&j| an.rule_ref(t, c, j)).collect();
    let names: Vec<String> = related.iter().map(|b| format!("{}", b.index + 1)).collect();
    let example = an.example_for_rule(t, c, i);
    Finding {
        code: lint.code,
        lint: lint.name,
        severity: lint.severity,
        message: format!("{} {what} (covered by {} rule{} {})", rule_name(&r), c, if names.len() == 1 { "" } else { "s" }, names.join(", ")),
        span: r.span,
        rule: Some(r),
        related,
        example,
        help: Some("remove it, or move it above the rules that cover it".into()),
    }
}
