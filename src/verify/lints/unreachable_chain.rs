//! FW104 unreachable-chain: a user chain that no rule jumps to, or that
//! only rules which can never match jump to.

use super::{Analysis, Finding, Lint, Severity};
use crate::verify::smt::SatAnswer;

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
        let hooks: Vec<crate::ir::Hook> = t.chains.iter().filter_map(|c| c.hook).collect();
        for c in t.chains.iter().filter(|c| !c.is_builtin()) {
            let referenced = t.chains.iter().flat_map(|x| &x.rules).any(|r| matches!(&r.target, crate::ext::Target::Jump(d) | crate::ext::Target::Goto(d) if *d == c.name));
            let why = if !referenced {
                "no rule jumps to it"
            } else {
                let mut reached = false;
                for h in &hooks {
                    if let Some(e) = an.entry(t.name, *h, &c.name) {
                        let q = crate::verify::smt::F::and(&[e, an.smt.at_hook(*h)]);
                        if an.smt.check(&q) != SatAnswer::Unsat {
                            reached = true;
                            break;
                        }
                    }
                }
                if reached {
                    continue;
                }
                "every rule that jumps to it can never match, or sits in a chain no packet enters"
            };
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
