//! A predicted packet's way through the hooks, rule by rule, in the spirit
//! of `nft monitor trace`: every rule evaluated, whether it matched, and the
//! verdict.

use crate::ir::save::rule_spec;
use crate::ir::{Family, Ruleset};
use crate::netfilter::walk::Event;
use crate::predict::run::{Fate, PacketRun};
use std::fmt::Write;

fn rule_text(rs: &Ruleset, family: Family, table: crate::ir::TableName, chain: &str, index: usize) -> String {
    let mut s = format!("-A {chain}");
    if let Some(r) = rs.table(family, table).and_then(|t| t.chain(chain)).and_then(|c| c.rules.get(index)) {
        rule_spec(r, &mut s);
    }
    s
}

/// The trace of one packet.
pub fn packet(rs: &Ruleset, n: usize, p: &PacketRun) -> String {
    let mut out = String::new();
    let pk = &p.packet;
    let _ = writeln!(out, "packet {n}: {} ({} bytes, {:?})", p.label, pk.len, p.path);
    for (hook, events) in &p.hooks {
        let _ = writeln!(out, "  {}", hook.as_str());
        if events.is_empty() {
            let _ = writeln!(out, "    (no chain at this hook)");
        }
        for e in events {
            let line = match e {
                Event::NoMatch { table, chain, index } => format!("{table:<8} {:<60} no match", rule_text(rs, pk.family, *table, chain, *index)),
                Event::Match { table, chain, index, .. } => format!("{table:<8} {:<60} MATCH", rule_text(rs, pk.family, *table, chain, *index)),
                Event::Assumed { table, chain, index, matched, reason } => format!(
                    "{table:<8} {:<60} {} (assumed: {reason})",
                    rule_text(rs, pk.family, *table, chain, *index),
                    if *matched { "MATCH" } else { "no match" }
                ),
                Event::Policy { table, chain, policy } => format!("{table:<8} {chain} policy {}", policy.as_str()),
                Event::FallThrough { table, chain } => format!("{table:<8} end of {chain}, back to the caller"),
            };
            let _ = writeln!(out, "    {line}");
        }
    }
    let fate = match &p.fate {
        Fate::Delivered => "delivered to a local socket".to_string(),
        Fate::Sent { iface } => format!("sent out of {iface}"),
        Fate::Dropped { hook } => format!("dropped at {}", hook.as_str()),
        Fate::Rejected { hook, with } => format!("rejected at {} ({with})", hook.as_str()),
        Fate::NotForwarded => "not forwarded (ip_forward is off)".to_string(),
        Fate::NoRoute => "not forwarded: no route to its destination (the host sends ICMP network unreachable)".to_string(),
        Fate::TtlExceeded => "not forwarded: its TTL ran out (the host sends ICMP time exceeded)".to_string(),
        Fate::Unknown { hook, reason } => format!("unknown at {}: {reason}", hook.as_str()),
    };
    let _ = writeln!(out, "  => {fate}");
    out
}

/// The events of one hook's walk, one line each, indented like
/// [`packet`]'s.
pub fn events(rs: &Ruleset, family: Family, events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        let line = match e {
            Event::NoMatch { table, chain, index } => format!("{table:<8} {:<60} no match", rule_text(rs, family, *table, chain, *index)),
            Event::Match { table, chain, index, .. } => format!("{table:<8} {:<60} MATCH", rule_text(rs, family, *table, chain, *index)),
            Event::Assumed { table, chain, index, matched, reason } => {
                format!("{table:<8} {:<60} {} (assumed: {reason})", rule_text(rs, family, *table, chain, *index), if *matched { "MATCH" } else { "no match" })
            }
            Event::Policy { table, chain, policy } => format!("{table:<8} {chain} policy {}", policy.as_str()),
            Event::FallThrough { table, chain } => format!("{table:<8} end of {chain}, back to the caller"),
        };
        let _ = writeln!(out, "    {line}");
    }
    out
}
