//! FW103 contradictory-rule: the rule's own matches exclude each other.

use super::{rules_where, Analysis, Fact, Finding, Lint, Severity};

pub const LINT: Lint = Lint {
    code: "FW103",
    name: "contradictory-rule",
    severity: Severity::Warning,
    summary: "a rule whose own matches contradict each other, so it matches no packet",
    doc: include_str!("../../../book/src/lints/contradictory-rule.md"),
};

pub fn check(an: &mut Analysis, out: &mut Vec<Finding>) {
    for (t, c, i, _) in rules_where(an, |f| *f == Fact::Contradiction) {
        let r = an.rule_ref(t, &c, i);
        out.push(Finding {
            code: LINT.code,
            lint: LINT.name,
            severity: LINT.severity,
            message: format!("{} can never match: its matches contradict each other", super::rule_name(&r)),
            span: r.span,
            rule: Some(r),
            related: vec![],
            example: None,
            help: Some("check the addresses, ports and protocols of the rule: no packet has all of them".into()),
        });
    }
}
