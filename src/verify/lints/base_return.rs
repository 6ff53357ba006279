//! FW109 policy-by-return: a packet that meets RETURN in a built-in chain,
//! or falls off a user chain it entered with `-g` from a built-in chain,
//! goes straight to the built-in chain's policy.

use super::{Analysis, Fact, Finding, Lint, RuleRef, Severity};
use crate::ext::Target;
use crate::ir::{Chain, Table};

pub const LINT: Lint = Lint {
    code: "FW109",
    name: "policy-by-return",
    severity: Severity::Warning,
    summary: "RETURN in a built-in chain, or a goto from one to a chain that can end: the policy decides",
    doc: include_str!("../../../book/src/lints/policy-by-return.md"),
};

/// Whether a packet can reach the end of `c` (or a RETURN in it): its last
/// rule is not an unconditional verdict, or some rule returns. Jumps inside
/// are followed by the walk, not here: a chain that jumps and comes back
/// still ends where its own rules end.
fn can_end(c: &Chain) -> bool {
    let returns = c.rules.iter().any(|r| matches!(r.target, Target::Return));
    let closed = c.rules.last().is_some_and(|r| {
        r.matches.is_empty() && r.ip == Default::default() && matches!(r.target, Target::Accept | Target::Drop | Target::Ext(crate::ext::TargetExt::Reject(_)))
    });
    returns || !closed
}

fn finding(t: &Table, c: &Chain, i: usize, message: String, help: String) -> Finding {
    let r = &c.rules[i];
    Finding {
        code: LINT.code,
        lint: LINT.name,
        severity: LINT.severity,
        message,
        span: r.span,
        rule: Some(RuleRef { family: t.family, table: t.name, chain: c.name.clone(), index: i, span: r.span }),
        related: vec![],
        example: None,
        help: Some(help),
    }
}

pub fn check(an: &mut Analysis, out: &mut Vec<Finding>) {
    for t in an.rs.tables.iter().filter(|t| t.family == an.family) {
        for c in t.chains.iter().filter(|c| c.is_builtin()) {
            let policy = c.policy.map_or("ACCEPT", |p| p.as_str());
            let facts = an.facts.get(&(t.name, c.name.clone()));
            for (i, r) in c.rules.iter().enumerate() {
                // A rule that can never match sends nobody anywhere.
                if facts.is_some_and(|f| matches!(f[i], Fact::Contradiction | Fact::Shadowed(_))) {
                    continue;
                }
                let name = super::rule_name(&RuleRef { family: t.family, table: t.name, chain: c.name.clone(), index: i, span: r.span });
                match &r.target {
                    Target::Return => out.push(finding(
                        t,
                        c,
                        i,
                        format!("{name}: RETURN in a built-in chain ends it: the packets it matches skip the rest of {} and meet its policy, {policy}", c.name),
                        format!("say what should happen to them (`-j ACCEPT` or `-j DROP`), or put the rules after it in a user chain and RETURN from there"),
                    )),
                    Target::Goto(d) => {
                        if let Some(dc) = t.chain(d).filter(|dc| can_end(dc)) {
                            out.push(finding(
                                t,
                                c,
                                i,
                                format!("{name}: `-g {d}` from a built-in chain: a packet that gets to the end of {d} (or to a RETURN in it) does not come back here but meets {}'s policy, {policy}", c.name),
                                format!("use `-j {}` to come back after it, or end {} with an explicit verdict", dc.name, dc.name),
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}
