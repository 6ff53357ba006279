//! FW105 drop-policy-without-established: a filter base chain with policy
//! DROP where no rule accepts ESTABLISHED (and RELATED) packets.

use super::{Analysis, Fact, Finding, Lint, Severity};
use crate::verify::model::{Cat, Kind};
use crate::verify::pred::Field;

pub const LINT: Lint = Lint {
    code: "FW105",
    name: "drop-policy-without-established",
    severity: Severity::Warning,
    summary: "a DROP policy with no rule accepting ESTABLISHED/RELATED packets",
    doc: include_str!("../../../book/src/lints/drop-policy-without-established.md"),
};

/// Whether a live rule reachable from `hook`'s chain accepts packets
/// because of their state: a state set holding ESTABLISHED, and not every
/// state.
fn accepts_established(an: &mut Analysis, hook: crate::ir::Hook) -> bool {
    let t = crate::ir::TableName::Filter;
    let chains: Vec<String> = an.model.reachable_chains(t, hook);
    for c in chains {
        let Some(cm) = an.chain_model(t, &c) else { continue };
        for (i, r) in cm.rules.iter().enumerate() {
            let (lo, hi) = r.hull.range(Field::CtState);
            let by_state = lo <= 3 && 3 <= hi && hi - lo < 4;
            let live = an.facts.get(&(t, c.clone())).is_some_and(|f| f[i] == Fact::Live);
            if by_state && live && r.kind == Kind::Verdict(Cat::Accept) {
                return true;
            }
        }
    }
    false
}

/// Whether some rule reachable from `hook`'s chain accepts.
fn accepts_any(an: &Analysis, hook: crate::ir::Hook) -> bool {
    let t = crate::ir::TableName::Filter;
    an.model.reachable_chains(t, hook).iter().filter_map(|c| an.chain_model(t, c)).flat_map(|cm| &cm.rules).any(|r| r.kind == Kind::Verdict(Cat::Accept))
}

pub fn check(an: &mut Analysis, out: &mut Vec<Finding>) {
    let Some(t) = an.rs.table(an.family, crate::ir::TableName::Filter) else { return };
    let chains: Vec<(crate::ir::Hook, crate::source::Span, String)> = t
        .chains
        .iter()
        .filter(|c| c.policy == Some(crate::ir::Policy::Drop))
        .filter_map(|c| c.hook.map(|h| (h, c.span.or_else(|| c.rules.first().map(|r| r.span)).unwrap_or_default(), c.name.clone())))
        .collect();
    for (hook, span, name) in chains {
        // A chain that accepts nothing (FORWARD on a host that does not
        // route) needs no state rule either.
        if accepts_established(an, hook) || !accepts_any(an, hook) {
            continue;
        }
        out.push(Finding {
            code: LINT.code,
            lint: LINT.name,
            severity: LINT.severity,
            message: format!("{name} drops by policy, and no rule accepts ESTABLISHED,RELATED packets: replies to connections (and their ICMP errors) are dropped unless a rule happens to accept them"),
            span,
            rule: None,
            related: vec![],
            example: None,
            help: Some(format!("add, near the top: `-A {name} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`")),
        });
    }
}
