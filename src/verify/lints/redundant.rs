//! FW102 redundant-rule: a rule that matches packets, but every packet it
//! matches would get the same verdict without it, from the rules after it
//! or the chain's policy.

use super::{rules_where, Analysis, Fact, Finding, Lint, Severity};
use crate::predict::Tri;
use crate::verify::model::{fold, Kind, Outcome};
use crate::verify::smt::{SatAnswer, F};
use std::collections::BTreeMap;

pub const LINT: Lint = Lint {
    code: "FW102",
    name: "redundant-rule",
    severity: Severity::Warning,
    summary: "a rule whose removal changes no verdict",
    doc: include_str!("../../../book/src/lints/redundant-rule.md"),
};

/// Whether removing rule `i` changes no verdict (see the module doc).
pub fn is_redundant(an: &mut Analysis, t: crate::ir::TableName, c: &str, i: usize) -> bool {
    let Kind::Verdict(cat) = super::kind(an, t, c, i) else { return false };
    let chain = an.rs.table(an.family, t).and_then(|tb| tb.chain(c)).expect("linted chains exist");
    // Only a plain verdict: a NAT target accepts too, but what it does is
    // rewrite the packet, which removing it would change.
    let plain =
        matches!(chain.rules[i].target, crate::ext::Target::Accept | crate::ext::Target::Drop | crate::ext::Target::Ext(crate::ext::TargetExt::Reject(_)));
    if !plain {
        return false;
    }
    let policy = chain.policy.map(|p| match p {
        crate::ir::Policy::Accept => crate::verify::model::Cat::Accept,
        crate::ir::Policy::Drop => crate::verify::model::Cat::Drop,
    });
    let tm = an.table_model(t).expect("modelled");
    let cm = &tm.chains[c];
    let h = &cm.rules[i].hull;
    let later: Vec<usize> = (i + 1..cm.rules.len()).filter(|&j| cm.rules[j].kind != Kind::Continue && !cm.rules[j].hull.disjoint(h)).collect();
    // Jumps after the rule would bring whole chains into the question: such
    // a rule is not claimed redundant (a lost finding, never a false one).
    if later.iter().any(|&j| matches!(cm.rules[j].kind, Kind::Jump(_) | Kind::Goto(_) | Kind::Maybe(_))) {
        return false;
    }
    // A packet the rule matches that the rest of the chain gives another
    // verdict proves it is not redundant, without the solver.
    let irules = &chain.rules;
    for p in crate::verify::concrete::candidates(h, an.family, an.smt.conntrack, None) {
        if crate::verify::concrete::rule_matches(&irules[i], &p) != Tri::Yes {
            continue;
        }
        let blocked = an.relevant_before(t, c, i).iter().any(|&j| crate::verify::concrete::rule_matches(&irules[j], &p) != Tri::No);
        if blocked {
            continue;
        }
        let mut got = None;
        let mut decided = true;
        for &j in &later {
            match crate::verify::concrete::rule_matches(&irules[j], &p) {
                Tri::No => {}
                Tri::Unknown(_) => {
                    decided = false;
                    break;
                }
                Tri::Yes => {
                    got = Some(cm.rules[j].kind.clone());
                    break;
                }
            }
        }
        if !decided {
            continue;
        }
        let same = match got {
            Some(Kind::Verdict(v)) => v == cat,
            Some(_) => false,
            None => chain.is_builtin() && policy.as_ref() == Some(&cat),
        };
        if !same {
            return false;
        }
    }
    let rest = fold(&cm.rules, &later, Outcome { cats: BTreeMap::new(), ret: F::tt() }, tm);
    let mut same = rest.cats.get(&cat).cloned().unwrap_or_else(F::ff);
    if chain.is_builtin() && policy.as_ref() == Some(&cat) {
        same = F::or(&[same, rest.ret.clone()]);
    }
    let lm = an.lit_m(t, c, i);
    let before: Vec<usize> = an.relevant_before(t, c, i);
    let lits: Vec<_> = before.iter().map(|&j| an.lit_ns(t, c, j)).collect();
    let other = an.smt.literal(&same.not());
    let mut all = vec![&lm, &other];
    all.extend(lits.iter());
    an.smt.check_lits(&all).0 == SatAnswer::Unsat
}

pub fn check(an: &mut Analysis, out: &mut Vec<Finding>) {
    for (t, c, i, _) in rules_where(an, |f| *f == Fact::Live) {
        if !is_redundant(an, t, &c, i) {
            continue;
        }
        let r = an.rule_ref(t, &c, i);
        let verdict = match super::kind(an, t, &c, i) {
            Kind::Verdict(cat) => cat.name(),
            _ => continue,
        };
        out.push(Finding {
            code: LINT.code,
            lint: LINT.name,
            severity: LINT.severity,
            message: format!("{} is redundant: every packet it matches gets {verdict} from the rules after it or the policy anyway", super::rule_name(&r)),
            span: r.span,
            rule: Some(r),
            related: vec![],
            example: None,
            help: Some("remove it, unless its counter is wanted".into()),
        });
    }
}
