//! Lint findings as text (for people), JSON (for scripts) and SARIF 2.1.0
//! (for code-scanning tools); `equiv` counterexamples and `query`
//! witnesses with the walk `predict` makes of them.

use crate::ir::{Family, Hook, Ruleset};
use crate::netfilter::walk::Verdict;
use crate::source::{SourceMap, Span};
use crate::verify::equiv::Difference;
use crate::verify::lints::{describe, rule_name, Finding, Severity, ALL};
use crate::verify::replay::replay;
use crate::verify::smt::Witness;
use serde_json::{json, Value};
use std::fmt::Write;

fn sev(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn line_of(sources: &SourceMap, span: Span) -> (String, usize, usize, String) {
    let src = sources.get(span.file);
    let (line, col) = src.line_col(span.start);
    let text = sources.text(span).lines().next().unwrap_or("").trim_end().to_string();
    (src.name.clone(), line, col, text)
}

fn verdict(v: &Verdict) -> String {
    match v {
        Verdict::Accept => "ACCEPT".into(),
        Verdict::Drop => "DROP".into(),
        Verdict::Reject { with } => format!("REJECT ({with})"),
        Verdict::Unknown { reason } => format!("unknown ({reason})"),
    }
}

fn courses(rs: &Ruleset, walked: Result<Vec<crate::netfilter::walk::Course>, String>) -> String {
    let mut out = String::new();
    match walked {
        Err(e) => {
            let _ = writeln!(out, "    (not replayed: {e})");
        }
        Ok(courses) => {
            for (i, c) in courses.iter().enumerate() {
                if courses.len() > 1 {
                    let _ = writeln!(out, "    -- course {} of {}", i + 1, courses.len());
                }
                out.push_str(&crate::report::trace::events(rs, c.packet.family, &c.trace));
                let _ = writeln!(out, "    => {}", verdict(&c.verdict));
            }
        }
    }
    out
}

fn choices(w: &[(String, bool)]) -> String {
    let mut out = String::new();
    for (what, v) in w {
        let _ = writeln!(out, "  assuming: {what}: {}", if *v { "yes" } else { "no" });
    }
    out
}

/// Findings for people: `file:line: severity[CODE name]: message`, the
/// rule's line, the covering rules, the example packet and its walk.
pub fn text(rs: &Ruleset, sources: &SourceMap, findings: &[Finding]) -> String {
    let mut out = String::new();
    let mut walked: std::collections::HashMap<(Family, crate::ir::TableName, Hook, String), Result<Ruleset, String>> = Default::default();
    for f in findings {
        let (file, line, _, text) = line_of(sources, f.span);
        let _ = writeln!(out, "{file}:{line}: {}[{} {}]: {}", sev(f.severity), f.code, f.lint, f.message);
        if !text.is_empty() {
            let _ = writeln!(out, "  {line:>4} | {text}");
        }
        if !f.related.is_empty() {
            let _ = writeln!(out, "  covered by:");
            for r in &f.related {
                let (_, l, _, t) = line_of(sources, r.span);
                let _ = writeln!(out, "  {l:>4} | {t}");
            }
        }
        if let Some(e) = &f.example {
            let conntrack = crate::netfilter::conntrack_on(rs);
            let entered = if e.chain == e.hook.as_str() { String::new() } else { format!(", entering {} directly", e.chain) };
            let _ = writeln!(out, "  example: {} (at {}{entered})", describe(&e.packet, conntrack), e.hook.as_str());
            out.push_str(&choices(&e.choices));
            if let Some(r) = &f.rule {
                let one = walked
                    .entry((r.family, e.table, e.hook, e.chain.clone()))
                    .or_insert_with(|| crate::verify::replay::chain_ruleset(rs, r.family, e.table, e.hook, &e.chain));
                let c = match one {
                    Ok(one) => replay(one, r.family, e.hook, &e.packet),
                    Err(err) => Err(err.clone()),
                };
                out.push_str(&courses(one.as_ref().unwrap_or(rs), c));
            }
        }
        if let Some(h) = &f.help {
            let _ = writeln!(out, "  help: {h}");
        }
        out.push('\n');
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let _ = writeln!(out, "{errors} error{}, {warnings} warning{}", plural(errors), plural(warnings));
    out
}

fn rule_json(sources: &SourceMap, r: &crate::verify::lints::RuleRef) -> Value {
    let (file, line, col, text) = line_of(sources, r.span);
    json!({ "table": r.table, "chain": r.chain, "rule": r.index + 1, "file": file, "line": line, "column": col, "text": text })
}

/// Findings as data.
pub fn json(sources: &SourceMap, findings: &[Finding]) -> String {
    let v: Vec<Value> = findings
        .iter()
        .map(|f| {
            let (file, line, col, _) = line_of(sources, f.span);
            json!({
                "code": f.code,
                "lint": f.lint,
                "severity": f.severity,
                "message": f.message,
                "file": file,
                "line": line,
                "column": col,
                "rule": f.rule.as_ref().map(|r| rule_json(sources, r)),
                "related": f.related.iter().map(|r| rule_json(sources, r)).collect::<Vec<_>>(),
                "example": f.example,
                "help": f.help,
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({ "findings": v })).unwrap_or_default() + "\n"
}

fn sarif_location(sources: &SourceMap, span: Span) -> Value {
    let (file, line, col, text) = line_of(sources, span);
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": file },
            "region": { "startLine": line, "startColumn": col, "endLine": line, "endColumn": col + text.chars().count().max(1) }
        }
    })
}

/// SARIF 2.1.0: one run, the lints as the driver's rules (with their
/// documentation), one result per finding, covering rules as related
/// locations.
pub fn sarif(sources: &SourceMap, findings: &[Finding]) -> String {
    let rules: Vec<Value> = ALL
        .iter()
        .map(|l| {
            json!({
                "id": l.code,
                "name": l.name,
                "shortDescription": { "text": l.summary },
                "fullDescription": { "text": l.summary },
                "help": { "text": l.doc, "markdown": l.doc },
                "defaultConfiguration": { "level": sev(l.severity) }
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut r = json!({
                "ruleId": f.code,
                "ruleIndex": ALL.iter().position(|l| l.code == f.code).unwrap_or(0),
                "level": sev(f.severity),
                "message": { "text": f.message },
                "locations": [sarif_location(sources, f.span)],
            });
            if !f.related.is_empty() {
                r["relatedLocations"] = Value::Array(
                    f.related
                        .iter()
                        .enumerate()
                        .map(|(i, rr)| {
                            let mut l = sarif_location(sources, rr.span);
                            l["id"] = json!(i);
                            l["message"] = json!({ "text": format!("covering rule: {}", rule_name(rr)) });
                            l
                        })
                        .collect(),
                );
            }
            r
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "fwcheck", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
            "results": results
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

/// An `equiv` counterexample: the packet, and how each rule set walks it.
pub fn difference(a: &Ruleset, b: &Ruleset, na: &str, nb: &str, d: &Difference) -> String {
    let mut out = String::new();
    let conntrack = crate::netfilter::conntrack_on(a) || crate::netfilter::conntrack_on(b);
    let _ = writeln!(out, "differ at {} ({}): {} in one rule set only, for", d.hook.as_str(), d.family.command(), d.verdict);
    let _ = writeln!(out, "  packet: {}", describe(&d.witness.packet, conntrack));
    out.push_str(&choices(&d.witness.choices));
    let _ = writeln!(out, "  {na}:");
    out.push_str(&courses(a, crate::verify::replay::replay_arriving(a, d.family, d.hook, &d.witness.packet)));
    let _ = writeln!(out, "  {nb}:");
    out.push_str(&courses(b, crate::verify::replay::replay_arriving(b, d.family, d.hook, &d.witness.packet)));
    out.push('\n');
    out
}

/// A `query` witness and its walk: the courses that end as asked (`keep`);
/// the others exist only under other free choices than the witness's.
pub fn witness(rs: &Ruleset, family: Family, hook: Hook, w: &Witness, headline: &str, keep: impl Fn(&Verdict) -> bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{headline}");
    let _ = writeln!(out, "  packet: {}", describe(&w.packet, crate::netfilter::conntrack_on(rs)));
    out.push_str(&choices(&w.choices));
    let walked = crate::verify::replay::replay_arriving(rs, family, hook, &w.packet).map(|cs| {
        let n = cs.len();
        let kept: Vec<_> = cs.into_iter().filter(|c| keep(&c.verdict)).collect();
        if kept.len() < n {
            let _ = writeln!(
                out,
                "    ({} other outcome{} of the walk, under other choices, left out)",
                n - kept.len(),
                if n - kept.len() == 1 { "" } else { "s" }
            );
        }
        kept
    });
    out.push_str(&courses(rs, walked));
    out
}
