//! FW101 shadowed-rule: earlier rules of the chain, all with the same
//! effect, take every packet the rule matches. (With a blocker of another
//! effect it is FW108, dead-exception.)

use super::{blocked_finding, blockers_differ, rules_where, Analysis, Fact, Finding, Lint, Severity};

pub const LINT: Lint = Lint {
    code: "FW101",
    name: "shadowed-rule",
    severity: Severity::Warning,
    summary: "a rule that never matches because earlier rules with the same verdict take every packet it matches",
    doc: include_str!("../../../book/src/lints/shadowed-rule.md"),
};

pub fn check(an: &mut Analysis, out: &mut Vec<Finding>) {
    for (t, c, i, f) in rules_where(an, |f| matches!(f, Fact::Shadowed(_))) {
        let Fact::Shadowed(b) = f else { continue };
        if blockers_differ(an, t, &c, i, &b) {
            continue;
        }
        out.push(blocked_finding(an, &LINT, t, &c, i, &b, "never matches: earlier rules with the same effect take every packet it matches"));
    }
}
