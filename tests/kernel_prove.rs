//! The prover against the kernel: a shadowed rule found by lint, a packet
//! the shadowed rule's own matches accept (found by Z3), sent from one
//! namespace to another over a veth pair. The kernel must count it on the
//! covering rule and leave the shadowed rule's counter at 0.

mod common;

use common::netns::{kernel_tests_enabled, Netns};
use fwcheck::ir::{Family, Hook, TableName};
use fwcheck::load::{load_str, LoadOptions};
use fwcheck::verify::lints::{run, Analysis, Options};
use fwcheck::verify::smt::{Answer, F};

const RULES: &str = "*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -s 10.9.0.0/24 -i vb -p tcp -j ACCEPT
-A INPUT -s 10.9.0.1/32 -d 10.9.0.2/32 -i vb -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
";

fn ok(o: std::process::Output, what: &str) {
    assert!(o.status.success(), "{what}: {}", String::from_utf8_lossy(&o.stderr));
}

/// (packets) of rule `n` (from 1) of INPUT, from `iptables -vnxL`.
fn packets(ns: &Netns, n: usize) -> u64 {
    let o = ns.run("iptables", &["-t", "filter", "-vnxL", "INPUT", "--line-numbers"], None);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let line = text.lines().find(|l| l.split_whitespace().next() == Some(&n.to_string())).unwrap_or_else(|| panic!("no rule {n} in {text}"));
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_shadowed_rule_stays_at_zero_in_the_kernel() {
    if !kernel_tests_enabled("a_shadowed_rule_stays_at_zero_in_the_kernel") {
        return;
    }
    // Lint finds rule 2 shadowed by rule 1.
    let (sources, loaded) = load_str("rules.v4", RULES, &LoadOptions::default());
    let rs = loaded.ruleset.expect("loads");
    let findings = run(&rs, &sources, &Options { ipsets: None });
    let f = findings.iter().find(|f| f.code == "FW101").expect("rule 2 is shadowed");
    assert_eq!((f.rule.as_ref().unwrap().index, f.related[0].index), (1, 0));

    // Z3's packet for the shadowed rule's own matches, at INPUT.
    let an = Analysis::new(&rs, &sources, Family::Ipv4, &Options { ipsets: None });
    let m = an.chain_model(TableName::Filter, "INPUT").unwrap().rules[1].m.clone();
    let q = F::and(&[an.smt.at_hook(Hook::Input), m]);
    let Answer::Sat(w) = an.smt.solve(&q) else { panic!("the rule's matches are satisfiable") };
    let p = w.packet;
    assert_eq!((p.src.to_string().as_str(), p.dst.to_string().as_str(), p.proto, p.iif.as_deref()), ("10.9.0.1", "10.9.0.2", 6, Some("vb")));
    assert!(!p.fragment);

    // Two namespaces joined by a veth pair: va (10.9.0.1) -- vb (10.9.0.2).
    let a = Netns::new("zsa");
    let b = Netns::new("zsb");
    ok(a.run("ip", &["link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", &b.name], None), "veth");
    ok(a.sh("ip addr add 10.9.0.1/24 dev va && ip link set va up && ip link set lo up"), "a addr");
    ok(b.sh("ip addr add 10.9.0.2/24 dev vb && ip link set vb up && ip link set lo up"), "b addr");
    ok(b.run("iptables-restore", &[], Some(RULES)), "restore");

    // The packet: a SYN from its source port to its destination port (the
    // stack answers with a RST; only the SYN crosses b's INPUT as TCP to
    // that port).
    let sport = p.sport.to_string();
    let dport = p.dport.to_string();
    let _ = a.run("nc", &["-z", "-w", "1", "-p", &sport, "10.9.0.2", &dport], None);
    let covering = packets(&b, 1);
    let shadowed = packets(&b, 2);
    assert!(covering >= 1, "the covering rule counts the packet ({covering})");
    assert_eq!(shadowed, 0, "the shadowed rule never counts");
}
