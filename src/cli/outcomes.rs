//! Possible outcomes as `predict` prints them, for one host or a scenario:
//! how many there are, then each one's header and notes, then what the
//! caller prints of it (traces, listings).

use fwcheck::ir::{Family, Table, TableName};
use fwcheck::predict::run::World;
use serde_json::{json, Value};

pub fn render(worlds: &[World], mut body: impl FnMut(&World, &mut String)) -> String {
    let mut out = String::new();
    let many = worlds.len() > 1;
    if many {
        out.push_str(&format!(
            "{} possible outcomes: a match fwcheck cannot decide from the packets, or the timing of a flow (see each outcome's notes and assumptions)\n\n",
            worlds.len()
        ));
    }
    for (i, w) in worlds.iter().enumerate() {
        if many {
            out.push_str(&format!("=== outcome {} of {} ===\n", i + 1, worlds.len()));
        }
        for n in &w.notes {
            out.push_str(&format!("note: {n}\n"));
        }
        body(w, &mut out);
    }
    out
}

/// The outcomes as data (`--format json`): each one's assumptions, notes,
/// packets and counters. With `names` (a scenario), each packet and
/// counter says which namespace it belongs to; `table(host, family, name)`
/// is the host's table, to name the chains of the counters.
pub fn json<'a>(worlds: &[World], names: Option<&[&str]>, table: impl Fn(usize, Family, TableName) -> Option<&'a Table>) -> Value {
    let outcomes = worlds.iter().map(|w| {
        let packets: Vec<Value> = w
            .packets
            .iter()
            .map(|p| match names {
                Some(n) => json!({"netns": n[p.node], "run": p}),
                None => json!(p),
            })
            .collect();
        let counters: Vec<Value> = w
            .sorted_counters()
            .into_iter()
            .map(|(k, (p, b))| {
                let mut c =
                    json!({"table": k.table, "chain": k.chain.name(table(k.node, k.family, k.table)), "rule": k.rule.map(|r| r + 1), "packets": p, "bytes": b});
                if let Some(n) = names {
                    c["netns"] = n[k.node].into();
                }
                c
            })
            .collect();
        json!({"assumed": w.assumed, "notes": w.notes, "packets": packets, "counters": counters})
    });
    Value::Array(outcomes.collect())
}
