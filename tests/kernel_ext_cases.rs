//! The `.t` case files against the real kernel: every OK case must load with
//! the real iptables-restore (ip6tables-restore for `@ipv6`) and list back
//! exactly as the file says, and every FAIL case must be rejected. This keeps
//! the case files honest, so `ext_cases` (fwcheck against the same files) is
//! a differential test against iptables itself.

mod common;
use common::netns::{kernel_tests_enabled, Netns};
use common::tcases::{read_all, Case};
use std::collections::BTreeMap;
use std::path::Path;

fn progs(c: &Case) -> (&'static str, &'static str) {
    if c.ipv6 {
        ("ip6tables-restore", "ip6tables-save")
    } else {
        ("iptables-restore", "iptables-save")
    }
}

/// Loads the OK cases of one group as one restore file (one rule per case,
/// same chain) and returns what the kernel lists for each, or None when the
/// batch did not load.
fn batch(ns: &Netns, cases: &[&Case]) -> Option<Vec<String>> {
    let c0 = cases[0];
    let mut text = format!("*{}\n", c0.table);
    for u in &c0.user_chains {
        text.push_str(&format!(":{u} - [0:0]\n"));
    }
    for c in cases {
        text.push_str(&format!("-A {} {}\n", c.chain, c.args));
    }
    text.push_str("COMMIT\n");
    let (restore, save) = progs(c0);
    let r = ns.run(restore, &[], Some(&text));
    if !r.status.success() {
        return None;
    }
    let out = ns.run(save, &["-t", &c0.table], None);
    let prefix = format!("-A {} ", c0.chain);
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.strip_prefix(&prefix).map(str::to_string)).collect();
    (lines.len() == cases.len()).then_some(lines)
}

fn single(ns: &Netns, c: &Case) -> Result<Option<String>, String> {
    let (restore, save) = progs(c);
    let r = ns.run(restore, &[], Some(&c.restore_text()));
    if !r.status.success() {
        return Err(String::from_utf8_lossy(&r.stderr).trim().to_string());
    }
    let out = ns.run(save, &["-t", &c.table], None);
    let prefix = format!("-A {} ", c.chain);
    Ok(String::from_utf8_lossy(&out.stdout).lines().find_map(|l| l.strip_prefix(&prefix).map(str::to_string)))
}

#[test]
fn ext_cases_match_the_kernel() {
    if !kernel_tests_enabled("ext_cases_match_the_kernel") {
        return;
    }
    let cases = read_all(Path::new("tests/ext"));
    // One namespace per case file (and setup), so `%` setup commands apply.
    let mut groups: BTreeMap<(String, Vec<String>), Vec<&Case>> = BTreeMap::new();
    for c in &cases {
        groups.entry((c.file.clone(), c.setup.clone())).or_default().push(c);
    }
    let mut bad = Vec::new();
    for ((_, setup), cs) in groups {
        let ns = Netns::new("t");
        for cmd in &setup {
            let o = ns.sh(cmd);
            assert!(o.status.success(), "setup `{cmd}` failed: {}", String::from_utf8_lossy(&o.stderr));
        }
        // OK cases batched per table/chain/family/user chains.
        let mut batches: BTreeMap<(bool, String, String, Vec<String>), Vec<&Case>> = BTreeMap::new();
        for c in cs.iter().filter(|c| c.expected.is_some()) {
            batches.entry((c.ipv6, c.table.clone(), c.chain.clone(), c.user_chains.clone())).or_default().push(c);
        }
        for (_, b) in batches {
            let results: Vec<Result<Option<String>, String>> = match batch(&ns, &b) {
                Some(lines) => lines.into_iter().map(|l| Ok(Some(l))).collect(),
                None => b.iter().map(|c| single(&ns, c)).collect(),
            };
            for (c, r) in b.iter().zip(results) {
                let want = c.expected.as_deref().unwrap_or_default();
                match r {
                    Ok(Some(got)) if got == want => {}
                    Ok(got) => bad.push(format!("{}\n    case file: {want}\n    kernel:    {}", c.name(), got.unwrap_or_default())),
                    Err(e) => bad.push(format!("{}\n    case file: {want}\n    kernel rejected it: {e}", c.name())),
                }
            }
        }
        for c in cs.iter().filter(|c| c.expected.is_none()) {
            if let Ok(got) = single(&ns, c) {
                bad.push(format!("{}\n    case file: FAIL\n    kernel accepted it: {}", c.name(), got.unwrap_or_default()));
            }
        }
    }
    assert!(bad.is_empty(), "{} of {} cases disagree with the kernel:\n{}", bad.len(), cases.len(), bad.join("\n"));
}
