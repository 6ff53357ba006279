//! FW108 dead-exception: a rule meant as an exception (its verdict differs
//! from a rule before it that covers it) never applies, because of the
//! order of the rules.

use super::{blocked_finding, blockers_differ, rules_where, Analysis, Fact, Finding, Lint, Severity};

pub const LINT: Lint = Lint {
    code: "FW108",
    name: "dead-exception",
    severity: Severity::Error,
    summary: "a more specific rule with a different verdict that earlier rules make dead",
    doc: include_str!("../../../book/src/lints/dead-exception.md"),
};

pub fn check(an: &mut Analysis, out: &mut Vec<Finding>) {
    for (t, c, i, f) in rules_where(an, |f| matches!(f, Fact::Shadowed(_))) {
        let Fact::Shadowed(b) = f else { continue };
        if !blockers_differ(an, t, &c, i, &b) {
            continue;
        }
        let mut f = blocked_finding(an, &LINT, t, &c, i, &b, "is dead: earlier rules with a different effect take every packet it matches");
        f.help = Some("move it above the rules that cover it, if it is meant as an exception to them; otherwise remove it".into());
        out.push(f);
    }
}
