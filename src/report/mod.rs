//! What fwcheck prints for people: traces of predicted packets. Only `main`
//! uses this module; the library returns data.

pub mod trace;

use crate::ir::{Family, Ruleset};
use std::fmt::Write;

/// Every table's counters, chain by chain: `pkts bytes rule` lines under
/// each chain header with its policy counter.
pub fn counters(rs: &Ruleset, family: Family) -> String {
    let mut out = String::new();
    for t in rs.tables.iter().filter(|t| t.family == family) {
        let _ = writeln!(out, "table {}", t.name);
        for c in &t.chains {
            match c.policy {
                Some(p) => {
                    let _ = writeln!(out, "Chain {} (policy {} {} packets, {} bytes)", c.name, p.as_str(), c.counters.packets, c.counters.bytes);
                }
                None => {
                    let _ = writeln!(out, "Chain {}", c.name);
                }
            }
            for r in &c.rules {
                let mut spec = format!("-A {}", c.name);
                crate::ir::save::rule_spec(r, family, &mut spec);
                let _ = writeln!(out, "{:>8} {:>8} {spec}", r.counters.packets, r.counters.bytes);
            }
        }
        out.push('\n');
    }
    out
}
