//! FW107 deprecated-syntax: `-s ! ADDR` (the pre-1.4.3 negation, which
//! current iptables rejects) and `-m state` (an alias of conntrack's
//! `--ctstate` kept for compatibility).

use super::{Finding, Lint, RuleRef, Severity};
use crate::ext::Match;
use crate::ir::Ruleset;
use crate::source::SourceMap;

pub const LINT: Lint = Lint {
    code: "FW107",
    name: "deprecated-syntax",
    severity: Severity::Warning,
    summary: "syntax kept only for compatibility: `-s ! ADDR`, `-m state`",
    doc: include_str!("../../../book/src/lints/deprecated-syntax.md"),
};

const NEGATABLE: &[&str] = &["-s", "--source", "--src", "-d", "--destination", "--dst", "-p", "--protocol", "-i", "--in-interface", "-o", "--out-interface"];

/// The option written with the old negation (`-s ! 10.0.0.1`) in a rule's
/// text, if any.
pub fn old_negation(text: &str) -> Option<&str> {
    let w: Vec<&str> = text.split_whitespace().collect();
    w.windows(2).find(|p| p[1] == "!" && NEGATABLE.contains(&p[0])).map(|p| p[0])
}

pub fn check(rs: &Ruleset, sources: &SourceMap, out: &mut Vec<Finding>) {
    for t in &rs.tables {
        for c in &t.chains {
            for (i, r) in c.rules.iter().enumerate() {
                let rr = || RuleRef { family: t.family, table: t.name, chain: c.name.clone(), index: i, span: r.span };
                if let Some(opt) = old_negation(sources.text(r.span)) {
                    out.push(Finding {
                        code: LINT.code,
                        lint: LINT.name,
                        severity: LINT.severity,
                        message: format!("{}: `{opt} ! X` is the pre-1.4.3 negation, which iptables 1.8 refuses", super::rule_name(&rr())),
                        span: r.span,
                        rule: Some(rr()),
                        related: vec![],
                        example: None,
                        help: Some(format!("write `! {opt} X`")),
                    });
                }
                if r.matches.iter().any(|m| matches!(m, Match::State(_))) {
                    out.push(Finding {
                        code: LINT.code,
                        lint: LINT.name,
                        severity: LINT.severity,
                        message: format!("{}: `-m state` is kept only for compatibility", super::rule_name(&rr())),
                        span: r.span,
                        rule: Some(rr()),
                        related: vec![],
                        example: None,
                        help: Some("write `-m conntrack --ctstate` with the same states".into()),
                    });
                }
            }
        }
    }
}
