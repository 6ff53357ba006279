//! fwcheck's `iptables -vnxL` listing against the real one.
//!
//! - Every OK case of every `tests/ext/*.t` file is loaded into a throwaway
//!   namespace with `iptables-restore -c`, each rule with its own counters
//!   and the built-in chain with policy counters, and the chain's listing
//!   (`iptables -t TABLE -vnxL CHAIN`: header, column header, one line per
//!   rule) must equal `report::listing_chain` of the same parsed input.
//! - Every corpus `rules.v4` / `rules.v6` is loaded with iptables-restore
//!   and every table's whole listing must equal `report::listing`.
//!
//! Root only; always in CI (`CI=true`), like the other kernel tests.
//!
//! ip6tables-restore 1.8.9 (nf_tables) ignores the `[p:b]` counters of rule
//! lines (it keeps the policy counters): every IPv6 rule lists `0 0` whatever
//! the input said. So the IPv6 cases give their rules no counters (their
//! policy counters are still checked); see `RULE_COUNTERS_V6`.

mod common;
use common::netns::{kernel_tests_enabled, Netns};
use common::tcases::{builtin, read_all, Case};
use fwcheck::ir::{Family, Ruleset, TableName};
use fwcheck::load::{load_str, LoadOptions};
use fwcheck::report::{listing, listing_chain};
use std::collections::BTreeMap;
use std::path::Path;

/// Whether `ip6tables-restore -c` sets rule counters (it does not in 1.8.9).
const RULE_COUNTERS_V6: bool = false;

/// The counters the `i`th rule of a batch gets: distinct per rule, and from
/// the 11th rule on wider than the 8-column bytes field.
fn counters(i: usize) -> (u64, u64) {
    let p = i as u64 * 7 + 1;
    (p, p * 1_234_567)
}

fn family(c: &Case) -> Family {
    if c.ipv6 {
        Family::Ipv6
    } else {
        Family::Ipv4
    }
}

/// The restore text of a batch of cases of one table and chain.
fn restore_text(cases: &[&Case]) -> String {
    let c0 = cases[0];
    let mut text = format!("*{}\n", c0.table);
    if builtin(&c0.table).contains(&c0.chain.as_str()) {
        text.push_str(&format!(":{} ACCEPT [3:4]\n", c0.chain));
    }
    for u in &c0.user_chains {
        text.push_str(&format!(":{u} - [0:0]\n"));
    }
    for (i, c) in cases.iter().enumerate() {
        if !c.ipv6 || RULE_COUNTERS_V6 {
            let (p, b) = counters(i);
            text.push_str(&format!("[{p}:{b}] "));
        }
        text.push_str(&format!("-A {} {}\n", c.chain, c.args));
    }
    text.push_str("COMMIT\n");
    text
}

/// What the kernel lists for the chain after loading the batch, or the
/// error of iptables-restore.
fn kernel(ns: &Netns, cases: &[&Case]) -> Result<String, String> {
    let c0 = cases[0];
    let (restore, list) = if c0.ipv6 { ("ip6tables-restore", "ip6tables") } else { ("iptables-restore", "iptables") };
    let r = ns.run(restore, &["-c"], Some(&restore_text(cases)));
    if !r.status.success() {
        return Err(String::from_utf8_lossy(&r.stderr).trim().to_string());
    }
    let out = ns.run(list, &["-t", &c0.table, "-vnxL", &c0.chain], None);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// fwcheck's listing of the chain for the same input (setup lines first).
fn ours(cases: &[&Case]) -> Result<String, String> {
    let c0 = cases[0];
    let fam = family(c0);
    let setup: String = c0.setup.iter().map(|s| format!("{s}\n")).collect();
    let text = setup + &restore_text(cases);
    let (sources, loaded) = load_str(&c0.file, &text, &LoadOptions { save_family: Some(fam), netns: None, lenient: false });
    let Some(rs) = loaded.ruleset else {
        return Err(loaded.diagnostics.iter().map(|d| d.short(&sources)).collect::<Vec<_>>().join("; "));
    };
    let table = TableName::parse(&c0.table).expect("a known table");
    listing_chain(&rs, fam, table, &c0.chain).ok_or_else(|| format!("fwcheck has no chain {}", c0.chain))
}

/// The first line of the two listings where they differ, shown in full.
fn first_difference(kernel: &str, ours: &str) -> String {
    let (k, o): (Vec<&str>, Vec<&str>) = (kernel.lines().collect(), ours.lines().collect());
    for i in 0..k.len().max(o.len()) {
        let (a, b) = (k.get(i).copied().unwrap_or("<none>"), o.get(i).copied().unwrap_or("<none>"));
        if a != b {
            return format!("line {}\n    kernel:  {a:?}\n    fwcheck: {b:?}", i + 1);
        }
    }
    "only in the final newline".into()
}

/// Rules beyond the case files that exercise the generic columns and the
/// corners of the extension text: (ipv6, table, chain, rule).
const EXTRA: &[(bool, &str, &str, &str)] = &[
    (false, "filter", "INPUT", "-i +"),
    (false, "filter", "INPUT", "! -i +"),
    (false, "filter", "FORWARD", "! -i lo -o eth+"),
    (false, "filter", "FORWARD", "-i abcdefghijklmno ! -o abcdefghijklmn+"),
    (false, "filter", "INPUT", "-s 0.0.0.0/0 -d 0.0.0.0/0"),
    (false, "filter", "INPUT", "-s 10.1.2.3/255.0.255.0 ! -d 192.168.0.0/16"),
    (false, "filter", "INPUT", "-s 255.255.255.255 -d 1.2.3.4/31"),
    (false, "filter", "INPUT", "-p 255"),
    (false, "filter", "INPUT", "! -p udplite"),
    (false, "filter", "INPUT", "-f -p udp"),
    (false, "filter", "INPUT", "! -f ! -p tcp -j DROP"),
    (false, "filter", "INPUT", "-p tcp --sport 1 ! --dport 0:65535"),
    (false, "filter", "INPUT", "-p tcp ! --sport 0:65535 --syn"),
    (false, "filter", "INPUT", "-p udp ! --sport 0:65535 ! --dport 0:65535"),
    (false, "filter", "INPUT", "-p udp --sport 0:65535 --dport 7"),
    (false, "filter", "INPUT", "-p tcp --dport 22 -g U"),
    (false, "filter", "INPUT", "-m comment --comment \"a */ b\" -g U"),
    (false, "filter", "INPUT", "-p tcp -m multiport --dports 1:2 -m tcp ! --tcp-flags ALL ALL -j U"),
    (false, "filter", "U", "-j RETURN"),
    (false, "filter", "U", "-m limit --limit 1/sec --limit-burst 1 -j LOG --log-prefix \"a\\\"b\" --log-level 0"),
    (false, "nat", "POSTROUTING", "-o eth0 -j MASQUERADE"),
    (false, "nat", "PREROUTING", "-i eth0 -p udp --dport 53 -j DNAT --to-destination 10.0.0.1"),
    (true, "filter", "INPUT", "-s ::ffff:1.2.3.4 ! -d 2001:db8::/ffff::ff"),
    (true, "filter", "INPUT", "-s ::/0 -d ::1/128 ! -p ipv6-icmp"),
    (true, "filter", "INPUT", "-s 2001:db8:0:1::/64 -d fe80::1/10 -p 0"),
    (true, "filter", "FORWARD", "! -i eth0 ! -o eth1 -p tcp ! --dport 0:65535 -j REJECT --reject-with tcp-reset"),
    (true, "mangle", "PREROUTING", "-p udp -m udp --dport 53 -m udp --sport 1:2 -j MARK --set-mark 1"),
];

fn extra_cases() -> Vec<Case> {
    EXTRA
        .iter()
        .enumerate()
        .map(|(i, (ipv6, table, chain, rule))| Case {
            file: "EXTRA".into(),
            line: i + 1,
            ipv6: *ipv6,
            table: table.to_string(),
            chain: chain.to_string(),
            user_chains: if *table == "filter" { vec!["U".into()] } else { vec![] },
            setup: vec![],
            args: rule.to_string(),
            expected: Some(rule.to_string()),
        })
        .collect()
}

#[test]
fn ext_cases_list_like_the_kernel() {
    if !kernel_tests_enabled("ext_cases_list_like_the_kernel") {
        return;
    }
    let mut cases = read_all(Path::new("tests/ext"));
    // An extension fwcheck does not model is listed by its words, not by
    // the extension's own `-L` print, which fwcheck does not know: opaque.t
    // checks parsing and saving only.
    cases.retain(|c| c.file != "opaque.t");
    cases.extend(extra_cases());
    // FWCHECK_T=tcp.t,udp.t runs only those files (while working on them).
    if let Ok(only) = std::env::var("FWCHECK_T") {
        let only: Vec<&str> = only.split(',').collect();
        cases.retain(|c| only.contains(&c.file.as_str()));
    }
    let ok: Vec<&Case> = cases.iter().filter(|c| c.expected.is_some()).collect();
    // One namespace per case file and setup, so `%` setup commands apply.
    let mut groups: BTreeMap<(String, Vec<String>), Vec<&Case>> = BTreeMap::new();
    for c in &ok {
        groups.entry((c.file.clone(), c.setup.clone())).or_default().push(c);
    }
    let (mut bad, mut compared) = (Vec::new(), 0usize);
    for ((_, setup), cs) in groups {
        let ns = Netns::new("lst");
        for cmd in &setup {
            let o = ns.sh(cmd);
            assert!(o.status.success(), "setup `{cmd}` failed: {}", String::from_utf8_lossy(&o.stderr));
        }
        let mut batches: BTreeMap<(bool, String, String, Vec<String>), Vec<&Case>> = BTreeMap::new();
        for c in cs {
            batches.entry((c.ipv6, c.table.clone(), c.chain.clone(), c.user_chains.clone())).or_default().push(c);
        }
        for (_, b) in batches {
            // The whole batch as one chain; if either side refuses it, or
            // they differ, case by case to name the culprit.
            if let (Ok(k), Ok(o)) = (kernel(&ns, &b), ours(&b)) {
                if k == o {
                    compared += b.len();
                    continue;
                }
            }
            for c in &b {
                let one = [*c];
                compared += 1;
                match (kernel(&ns, &one), ours(&one)) {
                    (Ok(k), Ok(o)) if k == o => {}
                    (Ok(k), Ok(o)) => bad.push(format!("{}: {}", c.name(), first_difference(&k, &o))),
                    (Err(e), _) => bad.push(format!("{}: the kernel refused it: {e}", c.name())),
                    (_, Err(e)) => bad.push(format!("{}: fwcheck refused it: {e}", c.name())),
                }
            }
        }
    }
    eprintln!("{compared} cases listed and compared with the kernel");
    assert_eq!(compared, ok.len());
    assert!(bad.is_empty(), "{} of {} cases list differently from the kernel:\n{}", bad.len(), ok.len(), bad.join("\n"));
}

fn corpus_inputs() -> Vec<(std::path::PathBuf, Family)> {
    let mut dirs: Vec<_> = std::fs::read_dir("corpus").expect("corpus/").filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    let mut out = Vec::new();
    for d in dirs {
        for (file, fam) in [("rules.v4", Family::Ipv4), ("rules.v6", Family::Ipv6)] {
            if d.join(file).exists() {
                out.push((d.join(file), fam));
            }
        }
    }
    out
}

/// A plain iptables-restore (no `-c`) leaves every counter at zero; so does
/// fwcheck's side of the comparison.
fn zero_counters(rs: &mut Ruleset) {
    for t in &mut rs.tables {
        for c in &mut t.chains {
            c.counters = Default::default();
            for r in &mut c.rules {
                r.counters = Default::default();
            }
        }
    }
}

#[test]
fn corpus_lists_like_the_kernel() {
    if !kernel_tests_enabled("corpus_lists_like_the_kernel") {
        return;
    }
    let mut bad = Vec::new();
    let inputs = corpus_inputs();
    assert!(inputs.len() >= 8, "the corpus save files: {inputs:?}");
    for (path, fam) in inputs {
        let ns = Netns::new("lstc");
        let ipsets = path.parent().unwrap().join("ipsets");
        if ipsets.exists() {
            let o = ns.run("bash", &["-e", &ipsets.display().to_string()], None);
            assert!(o.status.success(), "{}: {}", ipsets.display(), String::from_utf8_lossy(&o.stderr));
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let (restore, list) = if fam == Family::Ipv4 { ("iptables-restore", "iptables") } else { ("ip6tables-restore", "ip6tables") };
        let o = ns.run(restore, &[], Some(&text));
        assert!(o.status.success(), "{}: the kernel refused it: {}", path.display(), String::from_utf8_lossy(&o.stderr));
        let name = path.display().to_string();
        let (sources, loaded) = load_str(&name, &text, &LoadOptions { save_family: Some(fam), netns: None, lenient: false });
        let Some(mut rs) = loaded.ruleset else {
            panic!("{name} does not parse: {:?}", loaded.diagnostics.iter().map(|d| d.short(&sources)).collect::<Vec<_>>());
        };
        zero_counters(&mut rs);
        // Every table, also the ones the file does not fill: iptables lists
        // their built-in chains all the same.
        for table in TableName::ALL {
            let k = ns.run(list, &["-t", table.as_str(), "-vnxL"], None);
            assert!(k.status.success(), "{name}: {list} -t {table} -vnxL failed: {}", String::from_utf8_lossy(&k.stderr));
            let k = String::from_utf8_lossy(&k.stdout);
            let o = listing(&rs, fam, table);
            if k != o {
                let diff = similar::TextDiff::from_lines(k.as_ref(), &o).unified_diff().header("kernel", "fwcheck").to_string();
                bad.push(format!("{name} table {table}:\n{diff}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
