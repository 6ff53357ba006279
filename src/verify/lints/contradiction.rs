//! FW103 contradictory-rule: the rule's own matches exclude each other.

use super::{rules_where, Analysis, Fact, Finding, Lint, Severity};
use crate::ir::{Family, Rule, TableName};
use crate::verify::pred::{rule_pred, Field, Hull, Pred, PredCx};

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
        // In the nat table the rule's matches also meet "the first packet
        // of a connection" (see verify::model): say so when that is what
        // excludes every packet, not the rule's own matches.
        let nat_only = t == TableName::Nat
            && an.rs.table(an.family, t).and_then(|tb| tb.chain(&c)).and_then(|ch| ch.rules.get(i)).is_some_and(|rule| only_not_new(rule, an.family));
        let (message, help) = if nat_only {
            (
                format!("{} can never match: the nat table sees only the first packet of a connection (ctstate NEW), and the rule matches none", super::rule_name(&r)),
                "match the connection's later packets in another table (filter, mangle); the nat table's verdict for the first packet holds for the whole connection",
            )
        } else {
            (
                format!("{} can never match: its matches contradict each other", super::rule_name(&r)),
                "check the addresses, ports and protocols of the rule: no packet has all of them",
            )
        };
        out.push(Finding {
            code: LINT.code,
            lint: LINT.name,
            severity: LINT.severity,
            message,
            span: r.span,
            rule: Some(r),
            related: vec![],
            example: None,
            help: Some(help.into()),
        });
    }
}

/// Whether the rule's own matches allow some packet, but none of ctstate
/// NEW (by their boxes, which decide a `--ctstate` test exactly).
fn only_not_new(rule: &Rule, family: Family) -> bool {
    let cx = PredCx { family, marks_free: false, ipsets: None };
    let own = rule_pred(&rule.ip, &rule.matches, &cx);
    !Hull::of(&own, family).is_empty() && Hull::of(&Pred::and(vec![own, Pred::eq(Field::CtState, 1)]), family).is_empty()
}
