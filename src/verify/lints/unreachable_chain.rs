//! FW104 unreachable-chain: a user chain that no rule jumps to, or that
//! only rules which can never match jump to.

use super::{Analysis, Fact, Finding, Lint, Severity};

pub const LINT: Lint = Lint {
    code: "FW104",
    name: "unreachable-chain",
    severity: Severity::Warning,
    summary: "a user chain no packet can enter",
    doc: include_str!("../../../book/src/lints/unreachable-chain.md"),
};

pub fn check(an: &mut Analysis, out: &mut Vec<Finding>) {
    let tables: Vec<&crate::ir::Table> = an.rs.tables.iter().filter(|t| t.family == an.family).collect();
    for t in tables {
        // Chains entered by a rule that can match, from a chain entered:
        // a fixpoint from the base chains.
        let mut reached: Vec<&str> = t.chains.iter().filter(|c| c.is_builtin()).map(|c| c.name.as_str()).collect();
        let mut k = 0;
        while k < reached.len() {
            let c = t.chain(reached[k]).expect("reached chains exist");
            let facts = an.facts.get(&(t.name, c.name.clone()));
            for (i, r) in c.rules.iter().enumerate() {
                let live = facts.is_none_or(|f| !matches!(f[i], Fact::Contradiction | Fact::Shadowed(_)));
                if let (true, crate::ext::Target::Jump(d) | crate::ext::Target::Goto(d)) = (live, &r.target) {
                    if !reached.contains(&d.as_str()) {
                        reached.push(d);
                    }
                }
            }
            k += 1;
        }
        for c in t.chains.iter().filter(|c| !c.is_builtin() && !reached.contains(&c.name.as_str())) {
            let referenced =
                t.chains.iter().flat_map(|x| &x.rules).any(|r| matches!(&r.target, crate::ext::Target::Jump(d) | crate::ext::Target::Goto(d) if *d == c.name));
            let why = if referenced { "every rule that jumps to it can never match, or sits in a chain no packet enters" } else { "no rule jumps to it" };
            let span = c.span.or_else(|| c.rules.first().map(|r| r.span)).unwrap_or_default();
            out.push(Finding {
                code: LINT.code,
                lint: LINT.name,
                severity: LINT.severity,
                message: format!("chain {} ({} table) is unreachable: {why}", c.name, t.name),
                span,
                rule: None,
                related: vec![],
                example: None,
                help: Some(format!("remove the chain, or add the jump it was written for (`-j {}`)", c.name)),
            });
        }
    }
}
