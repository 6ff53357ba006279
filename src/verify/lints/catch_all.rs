//! FW106 catch-all-before-rules: a rule that matches every packet and ends
//! the walk of its chain, with rules after it that can then never match.

use super::{rules_where, Analysis, Fact, Finding, Lint, Severity};
use crate::verify::model::Kind;
use crate::verify::smt::SatAnswer;

pub const LINT: Lint = Lint {
    code: "FW106",
    name: "catch-all-before-rules",
    severity: Severity::Warning,
    summary: "a rule that matches every packet and ends the walk, with rules after it",
    doc: include_str!("../../../book/src/lints/catch-all-before-rules.md"),
};

pub fn check(an: &mut Analysis, out: &mut Vec<Finding>) {
    for (t, c, i, _) in rules_where(an, |f| *f == Fact::Live) {
        let cm = an.chain_model(t, &c).expect("modelled");
        let after = cm.rules.len() - i - 1;
        let r = &cm.rules[i];
        if after == 0 || !matches!(r.kind, Kind::Verdict(_) | Kind::Goto(_) | Kind::Return) || !r.hull.is_full(an.family) || r.pred.has_free() {
            continue;
        }
        let neg = r.m.not();
        if an.smt.check(&neg) != SatAnswer::Unsat {
            continue;
        }
        let rr = an.rule_ref(t, &c, i);
        out.push(Finding {
            code: LINT.code,
            lint: LINT.name,
            severity: LINT.severity,
            message: if after == 1 {
                format!("{} matches every packet and ends the chain, so the rule after it never matches", super::rule_name(&rr))
            } else {
                format!("{} matches every packet and ends the chain, so the {after} rules after it never match", super::rule_name(&rr))
            },
            span: rr.span,
            rule: Some(rr),
            related: vec![],
            example: None,
            help: Some("move it to the end of the chain, or use the chain's policy instead".into()),
        });
    }
}
