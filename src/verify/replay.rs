//! Replays a witness packet through `predict`'s walker (the same code that
//! predicts counters), so that no claim of the prover stands without a
//! walk that shows it.

use crate::ir::{Family, Hook, Rule, Ruleset, TableName};
use crate::netfilter::walk::{Course, HookWalk};
use crate::netfilter::Backend;
use crate::predict::{EvalCx, Packet};

/// Every course of `p` through `hook` (nat aside, as the prover sees it).
pub fn replay(rs: &Ruleset, family: Family, hook: Hook, p: &Packet) -> Result<Vec<Course>, String> {
    let w = HookWalk { rs, family, hook, backend: Backend::IptablesNft, nat: false, cx: EvalCx { hook, local: &[] }, ifaces: &[], trace: true };
    w.run(p)
}

/// Every course of `p` through `hook` with `table` alone, entering `chain`
/// straight from the hook's base chain (when `chain` is a user chain, the
/// base chain is replaced by one rule, `-j CHAIN`, with policy ACCEPT). It
/// shows what a chain does with a packet, apart from what the rules before
/// the jump to it do.
pub fn replay_chain(rs: &Ruleset, family: Family, table: TableName, hook: Hook, chain: &str, p: &Packet) -> Result<Vec<Course>, String> {
    let mut t = rs.table(family, table).ok_or_else(|| format!("no {table} table"))?.clone();
    if chain != hook.as_str() {
        let base = t.chain_mut(hook.as_str()).ok_or_else(|| format!("no {} chain in {table}", hook.as_str()))?;
        base.policy = Some(crate::ir::Policy::Accept);
        base.rules = vec![Rule {
            ip: Default::default(),
            matches: vec![],
            target: crate::ext::Target::Jump(chain.to_string()),
            counters: Default::default(),
            span: Default::default(),
        }];
    }
    let only = Ruleset { tables: vec![t] };
    replay(&only, family, hook, p)
}
