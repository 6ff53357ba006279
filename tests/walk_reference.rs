//! The chain walk against a deliberately simple reference interpreter: for
//! random rule sets (jumps, gotos, RETURN, fall-through, policies, address,
//! protocol and port matches) and random packets, both must give the same
//! verdict and move the same counters. Both read the same IR; the reference
//! is a plain recursive reading of ipt_do_table's rules.

use fwcheck::ext::Target;
use fwcheck::ir::{Family, Hook, Policy, Ruleset, TableName};
use fwcheck::load::{load_str, LoadOptions};
use fwcheck::netfilter::compiled::Compiled;
use fwcheck::netfilter::walk::{ChainRef, Hit, HookWalk, Verdict};
use fwcheck::netfilter::Backend;
use fwcheck::predict::spec::bare;
use fwcheck::predict::{EvalCx, Packet, Tri};
use proptest::prelude::*;

#[derive(Debug, PartialEq)]
enum RefVerdict {
    Accept,
    Drop,
}

/// Returns Some(verdict) when the chain decided, None when it fell off the
/// end or returned (the caller goes on). `base` is the built-in chain.
fn reference(rs: &Ruleset, chain: &str, p: &Packet, hits: &mut Vec<Hit>, depth: usize) -> Option<Option<RefVerdict>> {
    assert!(depth < 40, "the generator makes no loops");
    let t = rs.table(Family::Ipv4, TableName::Filter).unwrap();
    let c = t.chain(chain).unwrap();
    for (i, r) in c.rules.iter().enumerate() {
        let mut ok = r.ip.eval(p) == Tri::Yes;
        for m in &r.matches {
            ok = ok && m.eval(p, &EvalCx { hook: Hook::Input, local: &[], lab: None }) == Tri::Yes;
        }
        if !ok {
            continue;
        }
        hits.push(Hit::Rule { table: TableName::Filter, chain: ChainRef::of(t, chain).unwrap(), index: i });
        match &r.target {
            Target::None => {}
            Target::Accept => return Some(Some(RefVerdict::Accept)),
            Target::Drop => return Some(Some(RefVerdict::Drop)),
            Target::Return => return Some(None),
            Target::Jump(c2) => match reference(rs, c2, p, hits, depth + 1) {
                Some(Some(v)) => return Some(Some(v)),
                // Returned or fell off: go on here.
                _ => {}
            },
            // A goto never comes back here: whatever the chain does is
            // what this chain does.
            Target::Goto(c2) => return reference(rs, c2, p, hits, depth + 1),
            other => panic!("the generator makes no {other:?}"),
        }
    }
    None
}

fn reference_hook(rs: &Ruleset, p: &Packet) -> (RefVerdict, Vec<Hit>) {
    let mut hits = Vec::new();
    match reference(rs, "INPUT", p, &mut hits, 0) {
        Some(Some(v)) => (v, hits),
        _ => {
            let t = rs.table(Family::Ipv4, TableName::Filter).unwrap();
            hits.push(Hit::Policy { table: TableName::Filter, chain: ChainRef::of(t, "INPUT").unwrap() });
            let pol = rs.table(Family::Ipv4, TableName::Filter).unwrap().chain("INPUT").unwrap().policy.unwrap();
            (if pol == Policy::Accept { RefVerdict::Accept } else { RefVerdict::Drop }, hits)
        }
    }
}

/// A restore file with chains c0..c3 (jumps only to higher numbers: no
/// loops) and rules drawn from `picks`.
fn ruleset(policy_drop: bool, picks: &[(u8, u8, u8, u8)]) -> String {
    let mut s = format!("*filter\n:INPUT {} [0:0]\n:c0 - [0:0]\n:c1 - [0:0]\n:c2 - [0:0]\n:c3 - [0:0]\n", if policy_drop { "DROP" } else { "ACCEPT" });
    for &(chain, m, t, x) in picks {
        let chain_ix = chain % 5; // 4 = INPUT
        let name = if chain_ix == 4 { "INPUT".to_string() } else { format!("c{chain_ix}") };
        let mut rule = format!("-A {name}");
        match m % 8 {
            0 => {}
            1 => rule.push_str(&format!(" -s 10.0.{}.0/24", x % 3)),
            2 => rule.push_str(&format!(" ! -d 10.1.0.{}", x % 3)),
            3 => rule.push_str(&format!(" -p tcp --dport {}", 20 + x % 4)),
            4 => rule.push_str(&format!(" -p udp ! --sport {}:{}", x % 5, 2 + x % 5)),
            5 => rule.push_str(" -p icmp"),
            6 => rule.push_str(&format!(" ! -p tcp -s 10.0.{}.0/23", x % 3)),
            _ => rule.push_str(&format!(" ! -s 10.0.{}.5 -d 10.1.0.0/30 -p udp", x % 3)),
        }
        // Targets: jumps and gotos only to a later chain.
        let later: Vec<String> = if chain_ix == 4 { (0..4).map(|i| format!("c{i}")).collect() } else { ((chain_ix + 1)..4).map(|i| format!("c{i}")).collect() };
        match (t % 7, later.first()) {
            (0, _) => {}
            (1, _) => rule.push_str(" -j ACCEPT"),
            (2, _) => rule.push_str(" -j DROP"),
            (3, _) => rule.push_str(" -j RETURN"),
            (4 | 5, Some(_)) => rule.push_str(&format!(" -j {}", later[x as usize % later.len()])),
            (6, Some(_)) => rule.push_str(&format!(" -g {}", later[x as usize % later.len()])),
            _ => {}
        }
        s.push_str(&rule);
        s.push('\n');
    }
    s.push_str("COMMIT\n");
    s
}

fn packet(kind: u8, a: u8, b: u8, sp: u16, dp: u16) -> Packet {
    let src = format!("10.0.{}.5", a % 3).parse().unwrap();
    let dst = format!("10.1.0.{}", b % 3).parse().unwrap();
    match kind % 3 {
        0 => {
            let mut p = bare(src, dst, 6, 60);
            p.sport = sp % 8;
            p.dport = 20 + dp % 5;
            p
        }
        1 => {
            let mut p = bare(src, dst, 17, 40);
            p.sport = sp % 8;
            p.dport = dp;
            p
        }
        _ => bare(src, dst, 1, 84),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn walk_agrees_with_the_reference(
        drop in any::<bool>(),
        picks in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()), 0..24),
        pk in (any::<u8>(), any::<u8>(), any::<u8>(), any::<u16>(), any::<u16>()),
    ) {
        let text = ruleset(drop, &picks);
        let (_, loaded) = load_str("gen.v4", &text, &LoadOptions::default());
        let rs = loaded.ruleset.expect("generated rule sets are valid");
        let p = packet(pk.0, pk.1, pk.2, pk.3, pk.4);
        let (want, want_hits) = reference_hook(&rs, &p);
        let walk = HookWalk { rs: &rs, family: Family::Ipv4, hook: Hook::Input, backend: Backend::IptablesLegacy, nat: false, cx: EvalCx { hook: Hook::Input, local: &[], lab: None }, ifaces: &[], trace: true, compiled: None, ipsets: None, ct_attached: false, lab: None };
        let courses = walk.run(&p).expect("walks");
        prop_assert_eq!(courses.len(), 1);
        let got = match courses[0].verdict { Verdict::Accept => RefVerdict::Accept, Verdict::Drop => RefVerdict::Drop, ref v => panic!("{v:?}") };
        prop_assert_eq!(got, want, "{}", text);
        prop_assert_eq!(&courses[0].hits, &want_hits, "{}", text);
        // The compiled walk (no trace) skips rules it shows cannot match:
        // the same verdict and the same counters.
        let compiled = Compiled::new(&rs);
        let fast = HookWalk { trace: false, compiled: Some(&compiled), ..walk.clone() };
        let courses = fast.run(&p).expect("walks");
        prop_assert_eq!(courses.len(), 1);
        prop_assert_eq!(&courses[0].verdict, &walk.run(&p).expect("walks")[0].verdict, "{}", text);
        prop_assert_eq!(&courses[0].hits, &want_hits, "{}", text);
    }
}

/// A restore file with a mangle and a filter table, chains c0..c3 in each
/// (jumps only to higher numbers), and rules that use what the compiled
/// walk handles itself (addresses, ports, interfaces, marks, MARK, LOG,
/// REJECT) and what makes it give the packet to the general walk (an
/// undecidable limit, CONNMARK).
fn rich_ruleset(policy_drop: bool, picks: &[(u8, u8, u8, u8, u8)]) -> String {
    let mut s = String::new();
    for (table, base) in [("mangle", "INPUT"), ("filter", "INPUT")] {
        let policy = if policy_drop && table == "filter" { "DROP" } else { "ACCEPT" };
        s.push_str(&format!("*{table}\n:{base} {policy} [0:0]\n:c0 - [0:0]\n:c1 - [0:0]\n:c2 - [0:0]\n:c3 - [0:0]\n"));
        for &(tsel, chain, m, t, x) in picks {
            if (tsel % 2 == 0) != (table == "mangle") {
                continue;
            }
            let chain_ix = chain % 5;
            let name = if chain_ix == 4 { base.to_string() } else { format!("c{chain_ix}") };
            let mut rule = format!("-A {name}");
            match m % 15 {
                0 => {}
                1 => rule.push_str(&format!(" -s 10.0.{}.0/24", x % 3)),
                2 => rule.push_str(&format!(" ! -d 10.1.0.{}", x % 3)),
                3 => rule.push_str(&format!(" -p tcp --dport {}", 20 + x % 4)),
                4 => rule.push_str(&format!(" -p udp ! --dport {}:{}", x % 5, 2 + x % 5)),
                5 => rule.push_str(" -p icmp"),
                6 => rule.push_str(&format!(" ! -p tcp -s 10.0.{}.0/23", x % 3)),
                7 => rule.push_str(" -i eth+"),
                8 => rule.push_str(" ! -i eth0"),
                9 => rule.push_str(&format!(" -m mark --mark {}/0xf", x % 4)),
                10 => rule.push_str(&format!(" -p tcp -m multiport --dports {},{}", 20 + x % 3, 22 + x % 3)),
                11 => rule.push_str(" -m limit --limit 1/sec"),
                12 => rule.push_str(" -f"),
                13 => rule.push_str(&format!(" -p udp --sport {} -d 10.1.0.0/30", x % 8)),
                _ => rule.push_str(&format!(" -p tcp --dport {} -m mark ! --mark 0", 20 + x % 4)),
            }
            let later: Vec<String> =
                if chain_ix == 4 { (0..4).map(|i| format!("c{i}")).collect() } else { ((chain_ix + 1)..4).map(|i| format!("c{i}")).collect() };
            match (t % 11, later.first()) {
                (0, _) => {}
                (1, _) => rule.push_str(" -j ACCEPT"),
                (2, _) => rule.push_str(" -j DROP"),
                (3, _) => rule.push_str(" -j RETURN"),
                (4 | 5, Some(_)) => rule.push_str(&format!(" -j {}", later[x as usize % later.len()])),
                (6, Some(_)) => rule.push_str(&format!(" -g {}", later[x as usize % later.len()])),
                (7, _) => rule.push_str(" -j LOG --log-prefix x"),
                (8, _) if table == "mangle" => rule.push_str(&format!(" -j MARK --set-xmark {}/0xf", x % 4)),
                (8, _) => rule.push_str(" -j REJECT"),
                (9, _) if table == "mangle" => rule.push_str(" -j CONNMARK --set-mark 1"),
                _ => {}
            }
            s.push_str(&rule);
            s.push('\n');
        }
        s.push_str("COMMIT\n");
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Without a trace the walk first tries the compiled walk, which gives
    /// up on what it does not model; with or without it, the courses (every
    /// verdict, counter, assumption and the packet's mark) are the same.
    #[test]
    fn the_compiled_walk_agrees_with_the_plain_walk(
        drop in any::<bool>(),
        legacy in any::<bool>(),
        picks in proptest::collection::vec((any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>(), any::<u8>()), 0..32),
        pk in (any::<u8>(), any::<u8>(), any::<u8>(), any::<u16>(), any::<u16>()),
        (iif, mark, fragment) in (0..3usize, 0..8u32, proptest::bool::weighted(0.1)),
    ) {
        let text = rich_ruleset(drop, &picks);
        let (_, loaded) = load_str("gen.v4", &text, &LoadOptions::default());
        let rs = loaded.ruleset.expect("generated rule sets are valid");
        let mut p = packet(pk.0, pk.1, pk.2, pk.3, pk.4);
        p.iif = Some(["eth0", "eth1", "wlan0"][iif].to_string());
        p.mark = mark;
        p.fragment = fragment;
        let backend = if legacy { Backend::IptablesLegacy } else { Backend::IptablesNft };
        let plain = HookWalk { rs: &rs, family: Family::Ipv4, hook: Hook::Input, backend, nat: false, cx: EvalCx { hook: Hook::Input, local: &[], lab: None }, ifaces: &[], trace: false, compiled: None, ipsets: None, ct_attached: false, lab: None };
        let compiled = Compiled::new(&rs);
        let fast = HookWalk { compiled: Some(&compiled), ..plain.clone() };
        prop_assert_eq!(fast.run(&p).expect("walks"), plain.run(&p).expect("walks"), "{}", text);
    }
}
