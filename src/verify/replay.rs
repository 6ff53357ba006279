//! Replays a witness packet through `predict`'s walker (the same code that
//! predicts counters), so that no claim of the prover stands without a
//! walk that shows it.

use crate::ir::{Chain, Family, Hook, Rule, Ruleset, Table, TableName};
use crate::netfilter::walk::{Course, HookWalk};
use crate::netfilter::Backend;
use crate::predict::{EvalCx, Packet};

/// Every course of `p` through `hook` (nat aside, as the prover sees it).
pub fn replay(rs: &Ruleset, family: Family, hook: Hook, p: &Packet) -> Result<Vec<Course>, String> {
    walk(rs, family, hook, false, p)
}

/// [`replay`] with the nat table consulted as for the first packet of a
/// connection: the walk of an example found in a nat chain.
pub fn replay_with_nat(rs: &Ruleset, family: Family, hook: Hook, p: &Packet) -> Result<Vec<Course>, String> {
    walk(rs, family, hook, true, p)
}

/// One hook's walk with its trace, the nat table consulted if `nat`.
fn walk(rs: &Ruleset, family: Family, hook: Hook, nat: bool, p: &Packet) -> Result<Vec<Course>, String> {
    HookWalk {
        rs,
        family,
        hook,
        backend: Backend::IptablesNft,
        nat,
        cx: EvalCx { hook, local: &[], lab: None },
        ifaces: &[],
        trace: true,
        compiled: None,
        ipsets: None,
        ct_attached: false,
        lab: None,
    }
    .run(p)
}

/// Every course of `p` through `hook` as it arrives, the nat table included
/// the way the prover composes it: for the first packet of a connection
/// (conntrack on, state NEW), nat PREROUTING runs first for INPUT and
/// FORWARD (its DNAT rewrites the packet the hook then sees), and nat OUTPUT
/// within OUTPUT.
pub fn replay_arriving(rs: &Ruleset, family: Family, hook: Hook, p: &Packet) -> Result<Vec<Course>, String> {
    let first = crate::netfilter::conntrack_on(rs) && p.ct.as_ref().is_some_and(|c| c.state == crate::predict::CtState::New);
    let walk = |hook: Hook, nat: bool, p: &Packet| walk(rs, family, hook, nat, p);
    let has_pre = rs.table(family, TableName::Nat).and_then(|t| t.chain("PREROUTING")).is_some();
    match hook {
        Hook::Input | Hook::Forward if first && has_pre => {
            let mut out = Vec::new();
            for pre in walk(Hook::Prerouting, true, p)? {
                if pre.verdict != crate::netfilter::walk::Verdict::Accept {
                    out.push(pre);
                    continue;
                }
                // Only the nat table's part of PREROUTING is the prover's.
                for mut c in walk(hook, false, &pre.packet)? {
                    let mut trace = pre.trace.clone();
                    trace.append(&mut c.trace);
                    c.trace = trace;
                    out.push(c);
                }
            }
            Ok(out)
        }
        Hook::Output => walk(hook, first, p),
        _ => walk(hook, false, p),
    }
}

/// The rule set an example is walked through: `table` alone, holding only the
/// chains `chain` reaches, entered straight from the base chain of `hook`
/// (when `chain` is a user chain, the base chain is one rule, `-j CHAIN`,
/// with policy ACCEPT). It shows what a chain does with a packet, apart from
/// what the rules before the jump to it do. Build it once per chain and
/// walk many packets through it.
pub fn chain_ruleset(rs: &Ruleset, family: Family, table: TableName, hook: Hook, chain: &str) -> Result<Ruleset, String> {
    let t = rs.table(family, table).ok_or_else(|| format!("no {table} table"))?;
    let mut out = Table::new(family, table);
    let mut todo = vec![chain.to_string()];
    while let Some(c) = todo.pop() {
        if out.chains.iter().any(|x| x.name == c) {
            continue;
        }
        let ch = t.chain(&c).ok_or_else(|| format!("no chain {c} in {table}"))?;
        for r in &ch.rules {
            if let crate::ext::Target::Jump(d) | crate::ext::Target::Goto(d) = &r.target {
                todo.push(d.clone());
            }
        }
        out.chains.push(ch.clone());
    }
    if chain != hook.as_str() {
        let base = t.chain(hook.as_str()).ok_or_else(|| format!("no {} chain in {table}", hook.as_str()))?;
        let mut base = Chain { rules: vec![], policy: Some(crate::ir::Policy::Accept), ..base.clone() };
        base.rules.push(Rule {
            ip: Default::default(),
            matches: vec![],
            target: crate::ext::Target::Jump(chain.to_string()),
            counters: Default::default(),
            span: Default::default(),
        });
        out.chains.push(base);
    }
    out.reindex();
    Ok(Ruleset { tables: vec![out] })
}
