//! The prover's claims, each checked by walking packets through
//! `predict`'s walker: every lint fires on its case and stays quiet on a
//! near miss, every example packet of a shadowed rule is walked and never
//! reaches the rule, every `equiv` counterexample gets two different
//! verdicts, every `query` witness gets the verdict asked for.

mod common;

use fwcheck::ir::{Family, Hook, Ruleset, TableName};
use fwcheck::load::{load_str, LoadOptions};
use fwcheck::netfilter::walk::{Hit, Verdict};
use fwcheck::source::SourceMap;
use fwcheck::verify::equiv::{equiv, Outcome};
use fwcheck::verify::ipsets::Ipsets;
use fwcheck::verify::lints::{run, Fact, Finding, Options};
use fwcheck::verify::query::{ask, parse, Answered, Want};
use fwcheck::verify::replay::{chain_ruleset, replay, replay_with_nat};

fn load(text: &str) -> (Ruleset, SourceMap) {
    let (sources, loaded) = load_str("rules.v4", text, &LoadOptions::default());
    let rs = loaded.ruleset.unwrap_or_else(|| panic!("loads: {:?}", loaded.diagnostics.iter().map(|d| d.short(&sources)).collect::<Vec<_>>()));
    (rs, sources)
}

fn restore(rules: &str) -> String {
    format!("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n{rules}COMMIT\n")
}

fn lint(text: &str) -> (Ruleset, Vec<Finding>) {
    let (rs, sources) = load(text);
    let f = run(&rs, &sources, &Options { ipsets: None });
    (rs, f)
}

fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.code).collect()
}

/// Whether the course moved the counter of rule `index` of `chain` (the
/// walk names chains by position in the rule set it walked, `walked`).
fn hit(walked: &Ruleset, family: Family, table: TableName, c: &fwcheck::netfilter::walk::Course, chain: &str, below: impl Fn(usize) -> bool) -> bool {
    let t = walked.table(family, table);
    c.hits.iter().any(|h| matches!(h, Hit::Rule { table: tt, chain: ch, index } if *tt == table && ch.name(t) == chain && below(*index)))
}

/// The finding's example, walked: the rule it names is hit in no course,
/// and in every course a rule before it in its chain ends the walk.
/// `own_match`: also check that the rule's own matches hold for the
/// example packet as it arrives.
fn check_blocked_example_with(rs: &Ruleset, f: &Finding, own_match: bool) {
    let r = f.rule.as_ref().expect("a rule finding");
    let e = f.example.as_ref().unwrap_or_else(|| panic!("{}: no example", f.message));
    let walked = chain_ruleset(rs, r.family, e.table, e.hook, &e.chain).expect("a chain to walk");
    let courses = if r.table == TableName::Nat { replay_with_nat(&walked, r.family, e.hook, &e.packet) } else { replay(&walked, r.family, e.hook, &e.packet) };
    let courses = courses.expect("replays");
    assert!(!courses.is_empty());
    for c in &courses {
        assert!(!hit(&walked, r.family, r.table, c, &r.chain, |i| i == r.index), "{}: the example reaches the rule: {:?}", f.message, c.trace);
        assert!(hit(&walked, r.family, r.table, c, &r.chain, |i| i < r.index), "{}: no earlier rule of {} took the example", f.message, r.chain);
    }
    // And the rule's own matches do hold for it.
    let rule = &rs.table(r.family, r.table).unwrap().chain(&r.chain).unwrap().rules[r.index];
    if own_match {
        assert_ne!(fwcheck::verify::concrete::rule_matches(rule, &e.packet), fwcheck::predict::Tri::No, "{}: the example does not match the rule", f.message);
    }
}

/// Every shadowed or redundant rule lint finds in rule sets nobody wrote
/// (`common::gen`, the seeds the translation test uses) comes with an
/// example packet the walk sends past the rule, taken by the earlier rules.
#[test]
fn every_example_on_generated_rule_sets_is_walked_and_never_reaches_its_rule() {
    let (mut sets, mut findings) = (0, 0);
    for seed in 0..48 {
        let g = common::gen::ruleset(seed);
        let name = if g.family == common::gen::Fam::V4 { "gen.v4" } else { "gen.v6" };
        let (sources, loaded) = load_str(name, &g.text, &LoadOptions::default());
        // A rule set the kernel refuses (and fwcheck with it) has no lint.
        let Some(rs) = loaded.ruleset else { continue };
        sets += 1;
        for x in run(&rs, &sources, &Options { ipsets: None }).iter().filter(|f| matches!(f.code, "FW101" | "FW108")) {
            // A rule's matches may hold only under the example's stated
            // assumptions (a mark an earlier rule may have set: "assuming:
            // mark 0x10/0xf0 (the rule set sets marks): yes"), which the
            // packet as it arrives does not carry.
            let own = x.example.as_ref().is_some_and(|e| e.choices.is_empty());
            check_blocked_example_with(&rs, x, own);
            findings += 1;
        }
    }
    assert!(sets >= 36 && findings >= 10, "{sets} rule sets, {findings} findings: too few to test anything");
}

fn check_blocked_example(rs: &Ruleset, f: &Finding) {
    check_blocked_example_with(rs, f, true)
}

#[test]
fn shadowed_rule_fires_with_its_cover_and_an_example() {
    let (rs, f) = lint(&restore("-A INPUT -s 10.0.0.0/8 -p tcp -j ACCEPT\n-A INPUT -s 10.1.0.0/16 -p tcp --dport 22 -j ACCEPT\n"));
    let s: Vec<&Finding> = f.iter().filter(|f| f.code == "FW101").collect();
    assert_eq!(s.len(), 1, "{:?}", codes(&f));
    assert_eq!(s[0].rule.as_ref().unwrap().index, 1);
    assert_eq!(s[0].related.iter().map(|r| r.index).collect::<Vec<_>>(), vec![0]);
    check_blocked_example(&rs, s[0]);
}

#[test]
fn shadowed_rule_quiet_when_partly_covered() {
    let (_, f) = lint(&restore("-A INPUT -s 10.0.0.0/8 -p tcp -j ACCEPT\n-A INPUT -s 10.0.0.0/7 -p tcp --dport 22 -j ACCEPT\n"));
    assert!(!codes(&f).contains(&"FW101") && !codes(&f).contains(&"FW108"), "{:?}", codes(&f));
}

#[test]
fn shadowed_by_two_rules_together() {
    // Neither rule covers the third alone; together they do.
    let (rs, f) =
        lint(&restore("-A INPUT -p tcp --dport 1:1000 -j ACCEPT\n-A INPUT -p tcp --dport 1001:65535 -j ACCEPT\n-A INPUT -p tcp --dport 999:1002 -j ACCEPT\n"));
    let s: Vec<&Finding> = f.iter().filter(|f| f.code == "FW101").collect();
    assert_eq!(s.len(), 1, "{:?}", codes(&f));
    let mut b: Vec<usize> = s[0].related.iter().map(|r| r.index).collect();
    b.sort();
    assert_eq!(b, vec![0, 1]);
    check_blocked_example(&rs, s[0]);
}

#[test]
fn shadowing_inside_a_user_chain_and_through_a_chain_that_never_returns() {
    let text = restore(":LOGDROP - [0:0]\n:SVC - [0:0]\n-A LOGDROP -j LOG\n-A LOGDROP -j DROP\n-A INPUT -j SVC\n-A SVC -s 192.0.2.0/24 -j LOGDROP\n-A SVC -s 192.0.2.9 -p tcp --dport 22 -j ACCEPT\n");
    let (rs, f) = lint(&text);
    let s: Vec<&Finding> = f.iter().filter(|f| f.code == "FW108").collect();
    assert_eq!(s.len(), 1, "{:?}", f.iter().map(|f| &f.message).collect::<Vec<_>>());
    assert_eq!(s[0].rule.as_ref().unwrap().chain, "SVC");
    check_blocked_example(&rs, s[0]);
}

#[test]
fn a_jump_to_a_chain_that_may_return_blocks_nothing() {
    // SOME returns for tcp: rule 2 of INPUT is reached. (Lint leaves such
    // jumps out: a lost finding, never a false one.)
    let (_, f) = lint(&restore(":SOME - [0:0]\n-A SOME -p udp -j DROP\n-A INPUT -s 10.0.0.0/8 -j SOME\n-A INPUT -s 10.0.0.0/8 -p tcp -j DROP\n"));
    assert!(!codes(&f).contains(&"FW101") && !codes(&f).contains(&"FW108"), "{:?}", codes(&f));
}

#[test]
fn dead_exception_fires_and_quiet_when_the_exception_comes_first() {
    let (rs, f) = lint(&restore("-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -s 198.51.100.7 -p tcp --dport 22 -j DROP\n"));
    let d: Vec<&Finding> = f.iter().filter(|f| f.code == "FW108").collect();
    assert_eq!(d.len(), 1, "{:?}", codes(&f));
    assert_eq!(d[0].severity, fwcheck::verify::lints::Severity::Error);
    check_blocked_example(&rs, d[0]);
    let (_, f) = lint(&restore("-A INPUT -s 198.51.100.7 -p tcp --dport 22 -j DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT\n"));
    assert!(!codes(&f).contains(&"FW108"), "{:?}", codes(&f));
}

/// The verdict at `hook` for `p`, with and without rule `index` of `chain`.
fn verdicts_with_and_without(rs: &Ruleset, chain: &str, index: usize, hook: Hook, p: &fwcheck::predict::Packet) -> (Vec<Verdict>, Vec<Verdict>) {
    let with: Vec<Verdict> = replay(rs, Family::Ipv4, hook, p).unwrap().into_iter().map(|c| c.verdict).collect();
    let mut rs2 = rs.clone();
    rs2.table_mut(Family::Ipv4, TableName::Filter).unwrap().chain_mut(chain).unwrap().rules.remove(index);
    let without: Vec<Verdict> = replay(&rs2, Family::Ipv4, hook, p).unwrap().into_iter().map(|c| c.verdict).collect();
    (with, without)
}

#[test]
fn redundant_rule_fires_and_removing_it_changes_no_verdict() {
    let text = "*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 23 -j DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n";
    let (rs, f) = lint(text);
    let r: Vec<&Finding> = f.iter().filter(|f| f.code == "FW102").collect();
    assert_eq!(r.len(), 1, "{:?}", codes(&f));
    // Packets the rule matches: same verdict with and without it.
    let (rs_, sources) = load(text);
    let mut an = fwcheck::verify::lints::Analysis::new(&rs_, &sources, Family::Ipv4, &Options { ipsets: None });
    let e = an.example_for_rule(TableName::Filter, "INPUT", 0).expect("an example");
    let (with, without) = verdicts_with_and_without(&rs, "INPUT", 0, e.hook, &e.packet);
    assert_eq!(with, without);
    assert_eq!(with, vec![Verdict::Drop]);
}

#[test]
fn redundant_rule_quiet_when_a_later_rule_would_accept() {
    let (_, f) = lint("*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 23 -j DROP\n-A INPUT -p tcp -j ACCEPT\nCOMMIT\n");
    assert!(!codes(&f).contains(&"FW102"), "{:?}", codes(&f));
}

#[test]
fn a_nat_rule_is_never_redundant_and_two_translations_differ() {
    // The policy accepts too, but the rule rewrites the packet.
    let text = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2\n-A PREROUTING -p tcp --dport 80 -s 10.9.0.0/16 -j DNAT --to-destination 10.0.0.3\nCOMMIT\n";
    let (_, f) = lint(text);
    assert!(!codes(&f).contains(&"FW102"), "{:?}", codes(&f));
    assert_eq!(codes(&f).iter().filter(|c| **c == "FW108").count(), 1, "another translation is another effect: {:?}", codes(&f));
}

#[test]
fn contradictory_rule_fires_and_quiet_when_the_range_fits() {
    let (_, f) = lint(&restore("-A INPUT -s 10.0.0.0/8 -m iprange --src-range 192.168.0.1-192.168.0.9 -j ACCEPT\n"));
    assert_eq!(codes(&f), vec!["FW103"]);
    let (_, f) = lint(&restore("-A INPUT -s 10.0.0.0/8 -m iprange --src-range 10.0.0.1-10.0.0.9 -j ACCEPT\n"));
    assert!(!codes(&f).contains(&"FW103"), "{:?}", codes(&f));
}

#[test]
fn unreachable_chain_fires_for_no_jump_and_for_dead_jumps_only() {
    let (_, f) = lint(&restore(":UNUSED - [0:0]\n-A UNUSED -j ACCEPT\n"));
    assert_eq!(codes(&f), vec!["FW104"]);
    let (_, f) = lint(&restore(":USED - [0:0]\n-A USED -j ACCEPT\n-A INPUT -p tcp -j USED\n"));
    assert!(!codes(&f).contains(&"FW104"), "{:?}", codes(&f));
    // The only jump is dead.
    let (_, f) = lint(&restore(":LATE - [0:0]\n-A LATE -j ACCEPT\n-A INPUT -j DROP\n-A INPUT -p tcp -j LATE\n"));
    assert!(codes(&f).contains(&"FW104"), "{:?}", codes(&f));
}

/// FW109: RETURN in a built-in chain, and a goto from one to a chain that
/// can end, go to the policy; walked, the packet meets the policy right
/// after the rule, and the later rule's counter stays 0.
#[test]
fn policy_by_return_fires_and_quiet_on_a_jump_or_a_closed_chain() {
    let goto =
        "*filter\n:INPUT DROP [0:0]\n:WEB - [0:0]\n-A INPUT -p tcp -g WEB\n-A INPUT -p tcp --dport 443 -j ACCEPT\n-A WEB -p tcp --dport 80 -j ACCEPT\nCOMMIT\n";
    let (rs, f) = lint(goto);
    let hits: Vec<&Finding> = f.iter().filter(|f| f.code == "FW109").collect();
    assert_eq!(hits.len(), 1, "{:?}", codes(&f));
    assert_eq!(hits[0].rule.as_ref().map(|r| (r.chain.as_str(), r.index)), Some(("INPUT", 0)));
    // What the finding says, walked: port 443 falls off WEB into the DROP
    // policy and never reaches INPUT rule 2.
    let mut p = fwcheck::predict::spec::bare("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap(), 6, 60);
    p.dport = 443;
    let courses = fwcheck::verify::replay::replay(&rs, Family::Ipv4, Hook::Input, &p).expect("walks");
    assert!(courses.iter().all(|c| c.verdict == Verdict::Drop && !hit(&rs, Family::Ipv4, TableName::Filter, c, "INPUT", |i| i == 1)));
    let (_, f) = lint("*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.0.0.0/8 -j RETURN\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n");
    assert!(codes(&f).contains(&"FW109"), "{:?}", codes(&f));
    // Near misses: a jump comes back; a goto to a chain that ends with an
    // unconditional verdict never reaches the policy; RETURN in a user chain.
    for quiet in [
        "*filter\n:INPUT DROP [0:0]\n:WEB - [0:0]\n-A INPUT -p tcp -j WEB\n-A INPUT -p tcp --dport 443 -j ACCEPT\n-A WEB -p tcp --dport 80 -j ACCEPT\nCOMMIT\n",
        "*filter\n:INPUT ACCEPT [0:0]\n:WEB - [0:0]\n-A INPUT -p tcp -g WEB\n-A WEB -p tcp --dport 80 -j ACCEPT\n-A WEB -j DROP\nCOMMIT\n",
        "*filter\n:INPUT ACCEPT [0:0]\n:WEB - [0:0]\n-A INPUT -p tcp -j WEB\n-A WEB -s 10.0.0.0/8 -j RETURN\n-A WEB -j DROP\nCOMMIT\n",
    ] {
        let (_, f) = lint(quiet);
        assert!(!codes(&f).contains(&"FW109"), "{quiet}: {:?}", codes(&f));
    }
}

#[test]
fn drop_policy_without_established_fires_and_quiet_with_the_state_rule() {
    let (_, f) = lint("*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n");
    assert!(codes(&f).contains(&"FW105"), "{:?}", codes(&f));
    let (_, f) =
        lint("*filter\n:INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n");
    assert!(!codes(&f).contains(&"FW105"), "{:?}", codes(&f));
}

#[test]
fn catch_all_fires_before_rules_and_quiet_at_the_end() {
    let (_, f) = lint(&restore("-A FORWARD -j ACCEPT\n-A FORWARD -p tcp --dport 25 -j DROP\n"));
    assert!(codes(&f).contains(&"FW106"), "{:?}", codes(&f));
    let (_, f) = lint(&restore("-A FORWARD -p tcp --dport 25 -j DROP\n-A FORWARD -j ACCEPT\n"));
    assert!(!codes(&f).contains(&"FW106"), "{:?}", codes(&f));
}

#[test]
fn deprecated_syntax_fires_for_old_negation_and_state() {
    // The old negation loads only under `--lenient` (an old dump read for
    // analysis), where the lint then says how to write it.
    let (sources, loaded) = load_str(
        "rules.v4",
        &restore("-A INPUT -s ! 10.0.0.1 -j DROP\n-A INPUT -m state --state NEW -j LOG\n"),
        &LoadOptions { lenient: true, ..LoadOptions::default() },
    );
    let f = run(&loaded.ruleset.expect("loads under --lenient"), &sources, &Options { ipsets: None });
    assert_eq!(codes(&f).iter().filter(|c| **c == "FW107").count(), 2, "{:?}", codes(&f));
    let (_, f) = lint(&restore("-A INPUT ! -s 10.0.0.1 -j DROP\n-A INPUT -m conntrack --ctstate NEW -j LOG\n"));
    assert!(!codes(&f).contains(&"FW107"), "{:?}", codes(&f));
}

#[test]
fn every_example_in_the_corpus_is_walked_and_never_reaches_its_rule() {
    for file in ["corpus/user-chains/rules.v4", "corpus/web-server/rules.v4", "corpus/router-nat/rules.v4", "corpus/generated/rules.v4"] {
        let Ok(text) = std::fs::read_to_string(file) else { continue };
        let (sources, loaded) = load_str(file, &text, &LoadOptions::default());
        let rs = loaded.ruleset.expect("corpus loads");
        let f = run(&rs, &sources, &Options { ipsets: None });
        let mut n = 0;
        for x in f.iter().filter(|f| matches!(f.code, "FW101" | "FW108")) {
            check_blocked_example(&rs, x);
            n += 1;
        }
        if file.contains("generated") {
            assert!(n > 100, "{file}: {n} shadowed rules");
        }
    }
}

#[test]
fn facts_agree_with_the_solver_alone() {
    // The concrete shortcut and the solver must agree: a rule covered
    // exactly by one earlier rule, and one that is not.
    let (rs, sources) =
        load(&restore("-A INPUT -p tcp -j ACCEPT\n-A INPUT -p tcp --dport 22 -j DROP\n-A INPUT -p udp ! --dport 53 -j DROP\n-A INPUT -p udp -j ACCEPT\n"));
    let an = fwcheck::verify::lints::Analysis::new(&rs, &sources, Family::Ipv4, &Options { ipsets: None });
    let facts = &an.facts[&(TableName::Filter, "INPUT".to_string())];
    assert_eq!(facts[1], Fact::Shadowed(vec![0]));
    assert_eq!(facts[3], Fact::Live);
}

fn equiv_of(a: &str, b: &str) -> (Ruleset, Ruleset, Outcome) {
    let (ra, _) = load(a);
    let (rb, _) = load(b);
    let o = equiv(&ra, &rb, None).0;
    (ra, rb, o)
}

#[test]
fn equivalent_rule_sets_are_proved_so() {
    // The same decisions in another order, a shadowed rule less, and the
    // same rate limit in both.
    let a = restore("-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -s 10.0.0.0/8 -p udp -j DROP\n-A INPUT -s 10.1.0.0/16 -p udp -j DROP\n-A INPUT -p icmp -m limit --limit 5/s -j ACCEPT\n-A INPUT -p icmp -j DROP\n");
    let b = restore("-A INPUT -s 10.0.0.0/8 -p udp -j DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -p icmp -m limit --limit 5/s -j ACCEPT\n-A INPUT -p icmp -j DROP\n");
    assert!(matches!(equiv_of(&a, &b).2, Outcome::Equivalent));
}

#[test]
fn a_difference_comes_with_a_packet_both_walks_confirm() {
    let a = restore("-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -s 10.0.0.0/8 -p tcp -j DROP\n");
    let b = restore("-A INPUT -s 10.0.0.0/8 -p tcp -j DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT\n");
    let (ra, rb, o) = equiv_of(&a, &b);
    let Outcome::Differs(d) = o else { panic!("they differ") };
    assert_eq!(d.len(), 1);
    let p = &d[0].witness.packet;
    assert_eq!(d[0].hook, Hook::Input);
    let va: Vec<Verdict> = replay(&ra, Family::Ipv4, Hook::Input, p).unwrap().into_iter().map(|c| c.verdict).collect();
    let vb: Vec<Verdict> = replay(&rb, Family::Ipv4, Hook::Input, p).unwrap().into_iter().map(|c| c.verdict).collect();
    assert_ne!(va, vb, "{p:?}");
    assert_eq!(p.dport, 22);
    assert!(matches!(p.src, std::net::IpAddr::V4(v) if v.octets()[0] == 10));
}

/// `-m owner` is decided on the socket's IDs, fields of the packet, not
/// free choices: two ways of writing the same owner rules are proved
/// equivalent, and a real difference comes with a packet whose socket
/// owner both walks use. (A Tails rule set with `--uid-owner 105` gave a
/// counterexample assuming "uid-owner 105: no" and "yes" at once, whose
/// walks ended alike.)
#[test]
fn owner_matches_are_decided_on_the_socket() {
    let out = |rules: &str| format!("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n{rules}COMMIT\n");
    let a = out("-A OUTPUT -m owner --uid-owner 105 -j ACCEPT\n-A OUTPUT -m owner ! --uid-owner 105 -j REJECT\n");
    let b = out("-A OUTPUT -m owner ! --uid-owner 105 -j REJECT\n-A OUTPUT -m owner --uid-owner 105 -j ACCEPT\n");
    assert!(matches!(equiv_of(&a, &b).2, Outcome::Equivalent));
    // Without a socket (a reply the kernel makes) `! --uid-owner 105`
    // matches and `--socket-exists` does not: the two differ only there.
    let c = out("-A OUTPUT -m owner --uid-owner 105 -j ACCEPT\n-A OUTPUT -m owner --socket-exists -j REJECT\n");
    let (ra, rc, o) = equiv_of(&a, &c);
    let Outcome::Differs(d) = o else { panic!("they differ for a packet without a socket") };
    let p = &d[0].witness.packet;
    assert!(p.owner.is_none(), "{p:?}");
    let va: Vec<Verdict> = replay(&ra, Family::Ipv4, Hook::Output, p).unwrap().into_iter().map(|c| c.verdict).collect();
    let vc: Vec<Verdict> = replay(&rc, Family::Ipv4, Hook::Output, p).unwrap().into_iter().map(|c| c.verdict).collect();
    assert_ne!(va, vc, "{p:?}");
    let e = out("-A OUTPUT -m owner --uid-owner 105-200 -j ACCEPT\n-A OUTPUT -m owner --socket-exists -j REJECT\n");
    let (_, _, o) = equiv_of(&c, &e);
    let Outcome::Differs(d) = o else { panic!("they differ for uids 106 to 200") };
    let uid = d[0].witness.packet.owner.as_ref().map(|o| o.uid);
    assert!(matches!(uid, Some(106..=200)), "{:?}", d[0].witness.packet);
}

/// The nat table sees only the first packet of a connection: a nat rule
/// for later packets never matches, and lint says why; a nat rule's
/// example packet is one the nat walk meets.
#[test]
fn nat_rules_meet_only_first_packets() {
    let nat = |rules: &str| format!("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n{rules}COMMIT\n");
    let (_, f) = lint(&nat("-A PREROUTING -m conntrack --ctstate ESTABLISHED -j DNAT --to-destination 10.0.0.1\n"));
    let c: Vec<&Finding> = f.iter().filter(|f| f.code == "FW103").collect();
    assert_eq!(c.len(), 1, "{:?}", codes(&f));
    assert!(c[0].message.contains("only the first packet of a connection"), "{}", c[0].message);
    let (rs, f) = lint(&nat("-A PREROUTING -p icmp -j ACCEPT\n-A PREROUTING -p icmp -m conntrack --ctstate NEW,INVALID -j DNAT --to-destination 10.0.0.1\n"));
    let s: Vec<&Finding> = f.iter().filter(|f| matches!(f.code, "FW101" | "FW108")).collect();
    assert_eq!(s.len(), 1, "{:?}", codes(&f));
    check_blocked_example(&rs, s[0]);
}

#[test]
fn equivalence_reads_commands_and_save_files_alike() {
    let a = restore("-A INPUT -p tcp --dport 22 -j ACCEPT\n");
    let (ra, _) = load(&a);
    let (sources, loaded) = load_str("rules.sh", "iptables -A INPUT -p tcp --dport 22 -j ACCEPT\n", &LoadOptions::default());
    let rb = loaded.ruleset.unwrap_or_else(|| panic!("{:?}", loaded.diagnostics.iter().map(|d| d.short(&sources)).collect::<Vec<_>>()));
    assert!(matches!(equiv(&ra, &rb, None).0, Outcome::Equivalent));
}

#[test]
fn a_query_witness_gets_the_verdict_asked_for() {
    let (rs, _) = load("*filter\n:INPUT DROP [0:0]\n-A INPUT -s 10.0.0.0/8 -p tcp -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -s 198.51.100.7 -p tcp --dport 22 -j DROP\nCOMMIT\n");
    let q = parse("tcp from 0.0.0.0/0 to 10.0.0.5 dport 22 in eth0", false).unwrap();
    let Answered::Yes(w) = ask(&rs, &q, Want::Accepted, None).0 else { panic!("can be accepted") };
    assert_eq!((w.packet.dport, w.packet.iif.as_deref()), (22, Some("eth0")));
    let v: Vec<Verdict> = replay(&rs, Family::Ipv4, Hook::Input, &w.packet).unwrap().into_iter().map(|c| c.verdict).collect();
    assert_eq!(v, vec![Verdict::Accept]);
    // Port 53 over udp: nothing accepts it (a proof, no packet to walk).
    let q = parse("udp to 10.0.0.5 dport 53", false).unwrap();
    assert!(matches!(ask(&rs, &q, Want::Accepted, None).0, Answered::No));
    // 198.51.100.7 to port 22 is accepted by rule 2 ... except as a
    // fragment, which port matches never match: the prover finds it.
    let q = parse("tcp from 198.51.100.7 dport 22", false).unwrap();
    let Answered::Yes(w) = ask(&rs, &q, Want::Dropped, None).0 else { panic!("can be dropped") };
    assert!(w.packet.fragment);
    let v: Vec<Verdict> = replay(&rs, Family::Ipv4, Hook::Input, &w.packet).unwrap().into_iter().map(|c| c.verdict).collect();
    assert_eq!(v, vec![Verdict::Drop]);
}

#[test]
fn ipsets_decide_set_matches_when_given() {
    let (rs, _) = load("*filter\n:INPUT DROP [0:0]\n-A INPUT -m set --match-set admins src -p tcp --dport 22 -j ACCEPT\nCOMMIT\n");
    let sets = Ipsets::parse("sets", "create admins hash:ip family inet hashsize 1024 maxelem 65536\nadd admins 10.1.0.5\n").unwrap();
    let member = parse("tcp from 10.1.0.5 dport 22", false).unwrap();
    let other = parse("tcp from 10.1.0.9 dport 22", false).unwrap();
    assert!(matches!(ask(&rs, &member, Want::Accepted, Some(&sets)).0, Answered::Yes(_)));
    assert!(matches!(ask(&rs, &other, Want::Accepted, Some(&sets)).0, Answered::No));
    // Without the contents, membership is a free choice: it may be.
    let Answered::Yes(w) = ask(&rs, &other, Want::Accepted, None).0 else { panic!("may be accepted") };
    assert!(w.choices.iter().any(|(what, v)| what.contains("admins") && *v), "{:?}", w.choices);
}

fn fwcheck(args: &[&str], stdin: &str) -> (i32, String) {
    use std::io::Write;
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_fwcheck"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let o = c.wait_with_output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn lint_exit_codes_follow_the_denied_level() {
    let warn_only = restore("-A INPUT -s 10.0.0.0/8 -p tcp -j ACCEPT\n-A INPUT -s 10.1.0.0/16 -p tcp -j ACCEPT\n");
    assert_eq!(fwcheck(&["lint", "-"], &warn_only).0, 0);
    assert_eq!(fwcheck(&["lint", "--deny", "warnings", "-"], &warn_only).0, 1);
    let error = restore("-A INPUT -p tcp -j ACCEPT\n-A INPUT -s 10.1.0.0/16 -p tcp -j DROP\n");
    assert_eq!(fwcheck(&["lint", "-"], &error).0, 1);
    assert_eq!(fwcheck(&["lint", "--deny", "none", "-"], &error).0, 0);
    assert_eq!(fwcheck(&["lint", "-"], "*filter\n-A INPUT -j NOWHERE\nCOMMIT\n").0, 2);
    let clean = "*filter\n:INPUT DROP [0:0]\n-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n";
    let (code, out) = fwcheck(&["lint", "--deny", "warnings", "-"], clean);
    assert_eq!((code, out.as_str()), (0, "0 errors, 0 warnings\n"));
}

#[test]
fn sarif_output_has_the_structure_of_sarif_2_1_0() {
    let (code, out) = fwcheck(&["lint", "--format", "sarif", "-"], &restore("-A INPUT -p tcp -j ACCEPT\n-A INPUT -s 10.1.0.0/16 -p tcp -j DROP\n"));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The required properties and allowed values of the OASIS schema
    // (sarif-schema-2.1.0.json) for what fwcheck emits.
    assert_eq!(v["version"], "2.1.0");
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert!(keys.iter().all(|k| ["$schema", "version", "runs", "inlineExternalProperties", "properties"].contains(&k.as_str())), "{keys:?}");
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "fwcheck");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), fwcheck::verify::lints::ALL.len());
    for r in rules {
        assert!(r["id"].is_string() && r["shortDescription"]["text"].is_string());
        assert!(["none", "note", "warning", "error"].contains(&r["defaultConfiguration"]["level"].as_str().unwrap()));
    }
    // The schema's objects allow no other properties than their own
    // (additionalProperties: false); these are subsets of each object's.
    let only = |v: &serde_json::Value, allowed: &[&str], what: &str| {
        for k in v.as_object().unwrap().keys() {
            assert!(allowed.contains(&k.as_str()), "{what} has no property `{k}` in SARIF 2.1.0");
        }
    };
    only(run, &["tool", "results", "artifacts", "invocations", "properties"], "run");
    only(&run["tool"], &["driver", "extensions", "properties"], "tool");
    only(driver, &["name", "version", "semanticVersion", "informationUri", "rules", "notifications", "properties"], "toolComponent");
    for r in rules {
        only(r, &["id", "name", "shortDescription", "fullDescription", "help", "helpUri", "defaultConfiguration", "properties"], "reportingDescriptor");
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        only(r, &["ruleId", "ruleIndex", "level", "message", "locations", "relatedLocations", "properties"], "result");
        for loc in r["locations"].as_array().unwrap().iter().chain(r["relatedLocations"].as_array().into_iter().flatten()) {
            only(loc, &["id", "physicalLocation", "message", "properties"], "location");
            only(&loc["physicalLocation"], &["artifactLocation", "region", "properties"], "physicalLocation");
            only(&loc["physicalLocation"]["region"], &["startLine", "startColumn", "endLine", "endColumn", "properties"], "region");
        }
    }
    for r in results {
        assert!(r["message"]["text"].is_string(), "result.message is required");
        let id = r["ruleId"].as_str().unwrap();
        let ix = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[ix]["id"], id, "ruleIndex points at the rule");
        assert!(["none", "note", "warning", "error"].contains(&r["level"].as_str().unwrap()));
        for loc in r["locations"].as_array().unwrap().iter().chain(r["relatedLocations"].as_array().into_iter().flatten()) {
            let region = &loc["physicalLocation"]["region"];
            assert!(region["startLine"].as_u64().unwrap() >= 1 && region["startColumn"].as_u64().unwrap() >= 1);
            assert!(region["endColumn"].as_u64().unwrap() >= region["startColumn"].as_u64().unwrap());
            assert!(loc["physicalLocation"]["artifactLocation"]["uri"].is_string());
        }
    }
}

#[test]
fn explain_prints_the_book_page() {
    let (code, out) = fwcheck(&["lint", "--explain", "FW101"], "");
    assert_eq!(code, 0);
    assert_eq!(out, std::fs::read_to_string("book/src/lints/shadowed-rule.md").unwrap());
    assert_eq!(fwcheck(&["lint", "--explain", "FW999"], "").0, 2);
}

#[test]
fn every_lint_has_a_book_page_in_the_summary() {
    let summary = std::fs::read_to_string("book/src/SUMMARY.md").unwrap();
    for l in fwcheck::verify::lints::ALL {
        assert!(summary.contains(&format!("lints/{}.md", l.name)), "{} missing from SUMMARY.md", l.name);
        assert!(l.doc.starts_with(&format!("# {} {}", l.code, l.name)), "{}: the page's title", l.code);
        for section in ["## What it finds", "## Why it matters", "## Example"] {
            assert!(l.doc.contains(section), "{}: no `{section}`", l.code);
        }
    }
}

#[test]
fn a_query_sees_the_packet_as_dnat_rewrote_it() {
    let text = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n\
                -A PREROUTING -i eth0 -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2:8080\nCOMMIT\n\
                *filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n\
                -A FORWARD -d 10.0.0.2 -p tcp --dport 8080 -j ACCEPT\nCOMMIT\n";
    let (rs, _) = load(text);
    // Port 80 of the router reaches the web server behind it ...
    let q = parse("tcp to 203.0.113.1 dport 80 in eth0 out eth1", false).unwrap();
    let (Answered::Yes(w), notes) = ask(&rs, &q, Want::Accepted, None) else { panic!("DNAT lets it through") };
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!((w.packet.dst.to_string().as_str(), w.packet.dport), ("203.0.113.1", 80));
    let courses = fwcheck::verify::replay::replay_arriving(&rs, Family::Ipv4, Hook::Forward, &w.packet).unwrap();
    assert!(courses.iter().any(|c| c.verdict == Verdict::Accept && c.packet.dport == 8080), "{courses:?}");
    // ... but nothing else on port 8080 of the router does: the FORWARD
    // rule is for the translated destination only.
    let q = parse("tcp to 203.0.113.1 dport 8080 in eth0 out eth1", false).unwrap();
    assert!(matches!(ask(&rs, &q, Want::Accepted, None).0, Answered::No));
    // A packet of an established connection is not translated again (nat
    // sees the first packet only): to port 80 it is dropped.
    let q = parse("tcp to 203.0.113.1 dport 80 in eth0 out eth1 state ESTABLISHED", false).unwrap();
    assert!(matches!(ask(&rs, &q, Want::Accepted, None).0, Answered::No));
}

#[test]
fn a_nat_chain_fwcheck_cannot_compose_is_said_so() {
    let text = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n\
                -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 10.0.0.2-10.0.0.9\nCOMMIT\n";
    let (rs, _) = load(text);
    let q = parse("tcp dport 80 in eth0", false).unwrap();
    let (_, notes) = ask(&rs, &q, Want::Accepted, None);
    assert!(notes.iter().any(|n| n.contains("address range")), "{notes:?}");
}
