//! `fwcheck translate` against the real nft and iptables-translate, in
//! throwaway namespaces (nothing here touches the host's rule set):
//!
//! - every translation of every corpus file, as text and as JSON and (for
//!   files with both families) as `--family inet`, loads with `nft -c`;
//! - differential: every `.t` case that `iptables-translate` translates is
//!   loaded both ways into two fresh namespaces, and the kernel's own
//!   listings (`nft -j list ruleset`, handles and counter values aside) must
//!   be equal, or differ for a reason written in
//!   `tests/translate/known-differences.txt` (a listed case that no longer
//!   differs fails too, so the list cannot go stale).

mod common;
use common::netns::{kernel_tests_enabled, Netns};
use common::tcases::{read_all, Case};
use fwcheck::load::{load_str, LoadOptions};
use fwcheck::translate::{translate, Options, OutFamily};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn nft_check(ns: &Netns, args: &[&str], input: &str) -> Result<(), String> {
    let mut a = vec!["-c"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["-f", "-"]);
    let o = ns.run("nft", &a, Some(input));
    if o.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
}

fn corpus_files() -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("corpus").expect("corpus").flatten() {
        if !e.path().is_dir() {
            continue;
        }
        for name in ["rules.v4", "rules.v6", "rules.sh"] {
            let p = e.path().join(name);
            if p.exists() {
                out.push(p.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_corpus_translation_loads() {
    if !kernel_tests_enabled("every_corpus_translation_loads") {
        return;
    }
    let ns = Netns::new("txload");
    let mut failures = Vec::new();
    let mut checked = 0;
    for f in corpus_files() {
        let text = std::fs::read_to_string(&f).expect("read corpus file");
        let (_, loaded) = load_str(&f, &text, &LoadOptions::default());
        let rs = loaded.ruleset.unwrap_or_else(|| panic!("{f} does not load"));
        let mut families = vec![None];
        if rs.families().len() > 1 {
            families.push(Some(OutFamily::Inet));
        }
        for family in families {
            let tx = translate(&rs, &Options { family, allow_partial: true });
            let script = tx.script.unwrap_or_else(|| panic!("{f}: no script with --allow-partial"));
            // Untranslated rules are warnings, one per rule, never dropped.
            let kept = script.tables.iter().flat_map(|t| &t.chains).flat_map(|c| &c.rules).count();
            assert_eq!(kept, rs.rule_count() + extra_rules(&script), "{f}: a rule went missing");
            if let Err(e) = nft_check(&ns, &[], &script.to_text()) {
                failures.push(format!("{f} ({family:?}) as text:\n{e}"));
            }
            if let Err(e) = nft_check(&ns, &["-j"], &fwcheck::translate::json::to_json(&script)) {
                failures.push(format!("{f} ({family:?}) as JSON:\n{e}"));
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} corpus translations found");
    assert!(failures.is_empty(), "{} translations do not load:\n{}", failures.len(), failures.join("\n"));
}

/// Rules the inet merge adds (the closing drop of a family whose policy
/// differs): they have no span.
fn extra_rules(s: &fwcheck::translate::Script) -> usize {
    s.tables.iter().flat_map(|t| &t.chains).flat_map(|c| &c.rules).filter(|r| matches!(r, fwcheck::translate::NRule::Rule { span: None, .. })).count()
}

/// The rules of a `nft -j list ruleset`, each as (chain, expr, comment),
/// with counter values zeroed.
fn listed_rules(json: &str) -> Vec<Value> {
    let v: Value = serde_json::from_str(json).expect("nft -j output is JSON");
    let mut out = Vec::new();
    for o in v["nftables"].as_array().into_iter().flatten() {
        let Some(r) = o.get("rule") else { continue };
        let mut expr = r["expr"].clone();
        for st in expr.as_array_mut().into_iter().flatten() {
            if let Some(c) = st.get_mut("counter") {
                *c = Value::Null;
            }
        }
        out.push(serde_json::json!({"chain": r["chain"], "expr": expr, "comment": r.get("comment")}));
    }
    out
}

/// iptables-translate writes `ip protocol tcp tcp dport { 22, 80 }`;
/// fwcheck leaves out the `ip protocol tcp` that the `tcp dport` already
/// requires (nft adds that dependency itself, and lists it hidden). This
/// takes such a redundant protocol match out of iptables-translate's rule.
fn drop_redundant_proto(rule: &mut Value) {
    let Some(expr) = rule["expr"].as_array_mut() else { return };
    let payload_protos: Vec<String> = expr.iter().filter_map(|s| s["match"]["left"]["payload"]["protocol"].as_str().map(str::to_string)).collect();
    expr.retain(|s| {
        let m = &s["match"];
        let is_proto = m["left"]["payload"]["field"] == "protocol" && m["left"]["payload"]["protocol"] == "ip" || m["left"]["meta"]["key"] == "l4proto";
        if !is_proto || m["op"] != "==" {
            return true;
        }
        let p = m["right"].as_str().unwrap_or("");
        let p = if p == "ipv6-icmp" { "icmpv6" } else { p };
        !payload_protos.iter().any(|x| x == p)
    });
}

struct Outcome {
    name: String,
    differs: Option<String>,
}

fn known_differences() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string("tests/translate/known-differences.txt").expect("known-differences.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" | ").map(|(k, why)| (k.trim().to_string(), why.trim().to_string())))
        .collect()
}

fn skeleton(c: &Case) -> String {
    let fam = if c.ipv6 { "ip6" } else { "ip" };
    let mut s = format!("add table {fam} {}\n", c.table);
    let table = fwcheck::ir::TableName::parse(&c.table).expect("table");
    match table.builtin(&c.chain) {
        Some(h) => {
            let ty = match fwcheck::translate::chain_type(table, h) {
                nftables::types::NfChainType::NAT => "nat",
                nftables::types::NfChainType::Route => "route",
                nftables::types::NfChainType::Filter => "filter",
            };
            s.push_str(&format!(
                "add chain {fam} {} {} {{ type {ty} hook {} priority {}; policy accept; }}\n",
                c.table,
                c.chain,
                h.as_str().to_lowercase(),
                fwcheck::translate::priority(table, h)
            ));
        }
        None => s.push_str(&format!("add chain {fam} {} {}\n", c.table, c.chain)),
    }
    for u in &c.user_chains {
        if *u != c.chain {
            s.push_str(&format!("add chain {fam} {} {u}\n", c.table));
        }
    }
    s
}

/// One case: None when iptables-restore-translate does not translate it
/// (it reads the case's own restore text, so both sides see the same
/// words).
fn compare(a: &Netns, b: &Netns, c: &Case) -> Option<Outcome> {
    let cmd = if c.ipv6 { "ip6tables-restore-translate" } else { "iptables-restore-translate" };
    let o = a.run(cmd, &["-f", "/dev/stdin"], Some(&c.restore_text()));
    if !o.status.success() {
        return None;
    }
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let rules: Vec<&str> = out.lines().filter(|l| l.starts_with("add rule ")).collect();
    let untranslated = out.lines().any(|l| l.starts_with("# -t "));
    if rules.len() != 1 || untranslated {
        return None;
    }
    let rule = rules[0].to_string();
    let name = format!("{}:{}", c.file, c.line);
    let a_script = format!("flush ruleset\n{}{rule}\n", skeleton(c));
    let ao = a.run("sh", &["-c", "nft -f - && nft -j list ruleset"], Some(&a_script));
    if !ao.status.success() {
        // iptables-translate printed something nft does not load: nothing
        // to compare with.
        return None;
    }
    let opts = LoadOptions { save_family: Some(if c.ipv6 { fwcheck::ir::Family::Ipv6 } else { fwcheck::ir::Family::Ipv4 }), netns: None, lenient: false };
    let (_, loaded) = load_str("case", &c.restore_text(), &opts);
    let rs = loaded.ruleset.expect("OK case loads");
    let tx = translate(&rs, &Options::default());
    let Some(script) = tx.script else {
        let why = tx.diagnostics.first().map(|d| d.message.clone()).unwrap_or_default();
        return Some(Outcome { name, differs: Some(format!("fwcheck does not translate it: {why}")) });
    };
    let bo = b.run("sh", &["-c", "nft -f - && nft -j list ruleset"], Some(&format!("flush ruleset\n{}", script.to_text())));
    if !bo.status.success() {
        let err = String::from_utf8_lossy(&bo.stderr).into_owned();
        return Some(Outcome { name, differs: Some(format!("FWCHECK'S TRANSLATION DOES NOT LOAD: {}\n{err}", script_rules(&script))) });
    }
    let mut ra = listed_rules(&String::from_utf8_lossy(&ao.stdout));
    let rb = listed_rules(&String::from_utf8_lossy(&bo.stdout));
    ra.iter_mut().for_each(drop_redundant_proto);
    let differs = (ra != rb).then(|| format!("iptables-translate: {rule}\n    fwcheck:           {}", script_rules(&script)));
    Some(Outcome { name, differs })
}

fn script_rules(s: &fwcheck::translate::Script) -> String {
    s.to_text().lines().filter(|l| l.starts_with("\t\t") && !l.starts_with("\t\ttype ")).map(str::trim).collect::<Vec<_>>().join(" ; ")
}

#[test]
fn differential_against_iptables_translate() {
    if !kernel_tests_enabled("differential_against_iptables_translate") {
        return;
    }
    let cases: Vec<Case> = read_all(Path::new("tests/ext")).into_iter().filter(|c| c.expected.is_some() && c.setup.is_empty()).collect();
    let a = Netns::new("txref");
    let b = Netns::new("txfw");
    let known = known_differences();
    let mut compared = 0;
    let mut equal = 0;
    let mut unexplained = Vec::new();
    let mut seen_known = Vec::new();
    for c in &cases {
        let Some(o) = compare(&a, &b, c) else { continue };
        compared += 1;
        match (&o.differs, known.get(&o.name)) {
            (None, None) => equal += 1,
            (None, Some(_)) => unexplained.push(format!("{}: listed in known-differences.txt but now equal; remove it", o.name)),
            (Some(_), Some(_)) => seen_known.push(o.name.clone()),
            (Some(d), None) => unexplained.push(format!("{} ({}):\n    {d}", o.name, c.args)),
        }
    }
    for k in known.keys() {
        if !seen_known.contains(k) && !unexplained.iter().any(|u| u.starts_with(k.as_str())) {
            unexplained.push(format!("{k}: listed in known-differences.txt but not compared (case gone?)"));
        }
    }
    eprintln!("{compared} cases translated by iptables-translate: {equal} equal, {} known differences", seen_known.len());
    assert!(compared > 300, "only {compared} cases compared");
    assert!(unexplained.is_empty(), "{} unexplained differences:\n{}", unexplained.len(), unexplained.join("\n"));
}
