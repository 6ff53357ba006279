//! The checks the kernel makes when a table is loaded: jumps form no loop,
//! and every match and target is allowed in its table, at the hooks its
//! chain is reachable from (`xt_check_match`/`xt_check_target` in
//! net/netfilter/x_tables.c, called for every rule of every chain reachable
//! from a base chain: `mark_source_chains` in net/ipv4/netfilter/ip_tables.c,
//! `nft_chain_validate` for iptables-nft).

use super::{HookMask, Rule, Table, TableName};
use crate::ext::{Restrictions, Target};
use std::collections::HashMap;

/// Why a table cannot be loaded, with the chain and rule index at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub chain: String,
    /// Index of the rule in its chain.
    pub rule: usize,
    pub message: String,
    pub help: String,
}

/// The hooks each chain is reachable from, following jumps and gotos.
pub fn reach(table: &Table) -> HashMap<&str, HookMask> {
    let mut mask: HashMap<&str, HookMask> = HashMap::new();
    let mut work: Vec<&str> = Vec::new();
    for c in &table.chains {
        if let Some(h) = c.hook {
            mask.insert(&c.name, h.bit());
            work.push(&c.name);
        }
    }
    while let Some(name) = work.pop() {
        let m = mask[name];
        let Some(ch) = table.chain(name) else { continue };
        for r in &ch.rules {
            if let Some(dest) = r.target.chain() {
                let Some(d) = table.chain(dest) else { continue };
                let old = mask.get(d.name.as_str()).copied().unwrap_or_default();
                let new = old.union(m);
                if new != old {
                    mask.insert(&d.name, new);
                    work.push(&d.name);
                }
            }
        }
    }
    mask
}

/// A jump loop reachable from a built-in chain, as the chain names along it
/// (first == last).
///
/// Only loops a packet could enter count: the kernel walks the chains from
/// the base chains (`nft_chain_validate` on iptables-nft,
/// `mark_source_chains` on legacy), so a user chain that jumps to itself
/// loads fine as long as nothing jumps to it, and the jump that later makes
/// it reachable is the one refused.
pub fn find_loop(table: &Table) -> Option<Vec<String>> {
    // Iterative DFS with colours: 1 = on the stack, 2 = done.
    // Only chains reachable from a base chain count: the kernel checks for
    // loops when a chain becomes reachable, not before.
    let mut colour: HashMap<&str, u8> = HashMap::new();
    for start in table.chains.iter().filter(|c| c.is_builtin()) {
        if colour.contains_key(start.name.as_str()) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(&start.name, 0)];
        colour.insert(&start.name, 1);
        while let Some((name, idx)) = stack.pop() {
            let ch = table.chain(name).expect("chain on stack exists");
            let next = ch.rules[idx..].iter().position(|r| r.target.chain().and_then(|d| table.chain(d)).is_some());
            match next {
                None => {
                    colour.insert(name, 2);
                }
                Some(off) => {
                    let i = idx + off;
                    stack.push((name, i + 1));
                    let dest = table.chain(ch.rules[i].target.chain().unwrap_or_default()).expect("checked above");
                    match colour.get(dest.name.as_str()) {
                        Some(1) => {
                            let mut path: Vec<String> = stack.iter().map(|(n, _)| n.to_string()).collect();
                            let from = path.iter().position(|n| *n == dest.name).unwrap_or(0);
                            path.drain(..from);
                            path.push(dest.name.clone());
                            return Some(path);
                        }
                        Some(_) => {}
                        None => {
                            colour.insert(&dest.name, 1);
                            stack.push((&dest.name, 0));
                        }
                    }
                }
            }
        }
    }
    None
}

/// The kernel refuses more than this many user chains nested below a base
/// chain (jumps or gotos): "Too many links".
pub const MAX_NESTING: usize = 15;

/// A path from a base chain through more than [`MAX_NESTING`] user chains.
/// Call only on a table without loops.
fn too_deep(table: &Table) -> Option<Violation> {
    // Longest chain of user chains below each chain, memoised.
    fn depth<'t>(t: &'t Table, name: &'t str, memo: &mut HashMap<&'t str, usize>) -> usize {
        if let Some(d) = memo.get(name) {
            return *d;
        }
        let Some(ch) = t.chain(name) else { return 0 };
        let below = ch.rules.iter().filter_map(|r| r.target.chain()).filter_map(|d| t.chain(d)).map(|d| depth(t, &d.name, memo)).max().unwrap_or(0);
        let d = below + usize::from(!ch.is_builtin());
        memo.insert(&ch.name, d);
        d
    }
    let mut memo = HashMap::new();
    for base in table.chains.iter().filter(|c| c.is_builtin()) {
        for (i, r) in base.rules.iter().enumerate() {
            let Some(dest) = r.target.chain().and_then(|d| table.chain(d)) else { continue };
            let d = depth(table, &dest.name, &mut memo);
            if d > MAX_NESTING {
                return Some(Violation {
                    chain: base.name.clone(),
                    rule: i,
                    message: format!("{d} user chains nested below {}: the kernel allows {MAX_NESTING}", base.name),
                    help: "flatten the chain structure: the kernel refuses deeper jumps (Too many links)".into(),
                });
            }
        }
    }
    None
}

fn hook_names(m: HookMask) -> String {
    m.hooks().map(|h| h.as_str()).collect::<Vec<_>>().join(", ")
}

fn tables(t: &[TableName]) -> String {
    t.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
}

/// Checks one extension's restrictions for a rule reachable from `mask`.
/// `what` names the extension in messages; it is only called on failure.
fn check_restrictions(what: impl Fn() -> String, r: Restrictions, rule: &Rule, table: TableName, mask: HookMask) -> Result<(), (String, String)> {
    if let Some(ts) = r.tables {
        if !ts.contains(&table) {
            return Err((format!("{} is only valid in the {} table, not in {table}", what(), tables(ts)), format!("move the rule to `-t {}`", ts[0])));
        }
    }
    let bad = mask.minus(r.hooks);
    if !bad.is_empty() {
        return Err((
            format!("{} is not allowed at {} (only at {})", what(), hook_names(bad), hook_names(r.hooks)),
            "the kernel checks every chain a rule can be reached from; move the rule to an allowed chain".into(),
        ));
    }
    if let Some(ps) = r.protos {
        let proto = if r.negated_proto_ok { rule.ip.proto.as_ref().map(|p| p.value) } else { rule.ip.proto_positive() };
        let ok = proto.is_some_and(|p| ps.contains(&p));
        if !ok {
            let names: Vec<String> = ps.iter().map(|p| crate::ext::value::proto_name(*p)).collect();
            return Err((format!("{} needs `-p {}`", what(), names.join("` or `-p ")), format!("add `-p {}` before it", names[0])));
        }
    }
    Ok(())
}

/// Every restriction of one rule, reachable from `mask`.
pub fn check_rule(rule: &Rule, table: TableName, mask: HookMask) -> Result<(), (String, String)> {
    for m in &rule.matches {
        check_restrictions(|| format!("the {} match", m.name()), m.restrictions(), rule, table, mask)?;
    }
    if let Target::Ext(t) = &rule.target {
        check_restrictions(|| format!("the {} target", t.name()), t.restrictions(), rule, table, mask)?;
    }
    Ok(())
}

/// All violations of a table, in chain and rule order.
pub fn check_table(table: &Table) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(path) = find_loop(table) {
        // Point at the rule that closes the loop: the jump from the last but
        // one chain to the last.
        let from = &path[path.len() - 2];
        let to = &path[path.len() - 1];
        let rule = table.chain(from).and_then(|c| c.rules.iter().position(|r| r.target.chain() == Some(to))).unwrap_or(0);
        out.push(Violation {
            chain: from.clone(),
            rule,
            message: format!("jump loop: {}", path.join(" -> ")),
            help: "the kernel rejects rule sets whose jumps can come back to a chain already being evaluated".into(),
        });
        return out;
    }
    if let Some(v) = too_deep(table) {
        out.push(v);
        return out;
    }
    let mask = reach(table);
    for ch in &table.chains {
        let m = mask.get(ch.name.as_str()).copied().unwrap_or_default();
        for (i, r) in ch.rules.iter().enumerate() {
            if let Err((message, mut help)) = check_rule(r, table.name, m) {
                if let Some(path) = path_to(table, &ch.name, m) {
                    help = format!("{ch} is reached by {path}; {help}", ch = ch.name, path = path.join(" -> "));
                }
                out.push(Violation { chain: ch.name.clone(), rule: i, message, help });
            }
        }
    }
    out
}

/// A shortest chain of jumps from a base chain (at one of `hooks`) to the
/// user chain `to`, for messages: `POSTROUTING -> PORTFW`.
fn path_to(table: &Table, to: &str, hooks: HookMask) -> Option<Vec<String>> {
    let mut prev: HashMap<&str, &str> = HashMap::new();
    let mut queue: std::collections::VecDeque<&str> =
        table.chains.iter().filter(|c| c.hook.is_some_and(|h| hooks.contains_all(h.bit()))).map(|c| c.name.as_str()).collect();
    let starts: Vec<&str> = queue.iter().copied().collect();
    if starts.contains(&to) {
        return None;
    }
    while let Some(name) = queue.pop_front() {
        for r in table.chain(name).map(|c| c.rules.as_slice()).unwrap_or(&[]) {
            let Some(d) = r.target.chain().and_then(|d| table.chain(d)) else { continue };
            if starts.contains(&d.name.as_str()) || prev.contains_key(d.name.as_str()) {
                continue;
            }
            prev.insert(&d.name, name);
            if d.name == to {
                let mut path = vec![to.to_string()];
                let mut at = to;
                while let Some(p) = prev.get(at) {
                    path.push(p.to_string());
                    at = p;
                }
                path.reverse();
                return Some(path);
            }
            queue.push_back(&d.name);
        }
    }
    None
}
