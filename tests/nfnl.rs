//! fwcheck's own nf_tables batch (`src/netns/nfnl/`) against nft, the
//! reference: every corpus rule set loaded by the batch into one namespace
//! and by `nft -j -f` into another must list byte for byte the same. A
//! batch the kernel refuses part way changes nothing and names what it
//! refused; applying twice gives the same rule set.

mod common;

use common::netns::{kernel_tests_enabled, Netns};
use fwcheck::ir::Ruleset;
use fwcheck::netns::{kernel, nfnl};
use fwcheck::source::{Source, SourceMap};
use fwcheck::translate::{self, NRule, Script};
use std::path::{Path, PathBuf};
use std::process::Command;

fn files(dir: &Path, out: &mut Vec<PathBuf>, keep: &dyn Fn(&Path) -> bool) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).expect("read corpus").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out, keep);
        } else if keep(&p) {
            out.push(p);
        }
    }
}

/// Every rule set of the corpus: the rule files, and each namespace's rules
/// of every scenario. (name, rule set, its sources)
fn corpus() -> Vec<(String, Ruleset, SourceMap)> {
    let mut out = Vec::new();
    let mut paths = Vec::new();
    files(Path::new("corpus"), &mut paths, &|p| {
        let n = p.to_string_lossy();
        (n.ends_with(".v4") || n.ends_with(".v6") || n.ends_with(".rules")) && !n.contains("/scenarios/")
    });
    for p in paths {
        let name = p.to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&p).expect("read");
        let (sources, loaded) = fwcheck::load::load_str(&name, &text, &Default::default());
        if let Some(rs) = loaded.ruleset {
            out.push((name, rs, sources));
        }
    }
    let mut tomls = Vec::new();
    files(Path::new("corpus/scenarios"), &mut tomls, &|p| p.extension().is_some_and(|e| e == "toml"));
    for p in tomls {
        let name = p.to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&p).expect("read");
        let mut sources = SourceMap::new();
        let dir = p.parent().map(|d| d.to_string_lossy().into_owned()).unwrap_or_default();
        let (sc, _) = fwcheck::scenario::from_toml(&mut sources, Source::new(name.clone(), text), &dir, &|f: &str| std::fs::read_to_string(f));
        let Some(sc) = sc else { continue };
        for n in &sc.namespaces {
            if let Some(r) = &n.rules {
                out.push((format!("{name} [{}]", n.name), r.ruleset.clone(), SourceMap::new()));
            }
        }
    }
    out
}

fn script(rs: &Ruleset) -> Option<Script> {
    translate::for_kernel(rs).ok()
}

/// A large table is translated and encoded on several cores
/// (`translate_in_pieces`, `encode_in_pieces`): the translation and the
/// batch's bytes must not depend on how it is cut. The corpus's largest
/// sets (2,000 and 5,000 rules) cross several pieces.
#[test]
fn the_translation_and_the_batch_do_not_depend_on_the_pieces() {
    let opts = translate::Options { family: None, allow_partial: false };
    for (name, rs, _) in corpus() {
        let whole = translate::translate_in_pieces(&rs, &opts, Some(1));
        let batch = whole.script.as_ref().map(|s| nfnl::batch::encode_in_pieces(s, 1, Some(1)).map(|b| b.bytes));
        for pieces in [2, 3, 7] {
            assert!(translate::translate_in_pieces(&rs, &opts, Some(pieces)) == whole, "{name}: translation in {pieces} pieces");
            let b = whole.script.as_ref().map(|s| nfnl::batch::encode_in_pieces(s, 1, Some(pieces)).map(|b| b.bytes));
            assert!(b == batch, "{name}: batch in {pieces} pieces");
        }
    }
}

fn nft(ns: &Netns, args: &[&str]) -> String {
    let out = ns.run("nft", args, None);
    assert!(out.status.success(), "nft {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `nft list ruleset` as text and as JSON (the `metainfo` object names the
/// nft version only).
fn listing(ns: &Netns) -> (String, String) {
    (nft(ns, &["list", "ruleset"]), nft(ns, &["-j", "list", "ruleset"]))
}

/// The JSON listing without `handle` members (they count objects ever made
/// in the namespace, so a second load numbers them on).
fn without_handles(json: &str) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("handle");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: serde_json::Value = serde_json::from_str(json).expect("nft -j");
    strip(&mut v);
    v
}

#[test]
fn every_corpus_rule_set_lists_the_same_loaded_by_the_batch_and_by_nft() {
    if !kernel_tests_enabled("every_corpus_rule_set_lists_the_same_loaded_by_the_batch_and_by_nft") {
        return;
    }
    let ours = Netns::new("nfnl-ours");
    let theirs = Netns::new("nfnl-nft");
    let (mut netlink, mut untranslated) = (Vec::new(), Vec::new());
    let mut fallback: Vec<(String, String)> = Vec::new();
    for (name, rs, sources) in corpus() {
        let Some(s) = script(&rs) else {
            untranslated.push(name);
            continue;
        };
        nft(&ours, &["flush", "ruleset"]);
        nft(&theirs, &["flush", "ruleset"]);
        kernel::load_nft(&theirs.name, &translate::json::to_json(&s)).unwrap_or_else(|e| panic!("{name}: nft -j -f: {e}"));
        match nfnl::encode(&s, 1) {
            Ok(batch) => {
                nfnl::load(&ours.name, &batch, Some(&sources)).unwrap_or_else(|e| panic!("{name}: the batch: {e}"));
                netlink.push(name.clone());
            }
            Err(nfnl::Unsupported(why)) => {
                // The fallback loads it through nft: the same rules.
                assert_eq!(nfnl::load_script(&ours.name, &s, None).unwrap(), nfnl::Path::Nft(why.clone()));
                fallback.push((name.clone(), why));
            }
        }
        let (text_a, json_a) = listing(&ours);
        let (text_b, json_b) = listing(&theirs);
        assert_eq!(text_a, text_b, "{name}: `nft list ruleset` differs");
        assert_eq!(json_a, json_b, "{name}: `nft -j list ruleset` differs");
    }
    eprintln!(
        "netlink batch: {} rule sets; through nft: {} {fallback:?}; no nft translation: {} {untranslated:?}",
        netlink.len(),
        fallback.len(),
        untranslated.len()
    );
    assert!(netlink.iter().any(|n| n == "corpus/generated/rules.v4"), "the 2,000-rule set takes the netlink path");
    assert!(netlink.len() >= 60, "only {} rule sets took the netlink path", netlink.len());
    // Every rule set of the corpus that translates is encoded: a fallback
    // here would be a form the translator emits that the encoder lost.
    assert!(fallback.is_empty(), "corpus rule sets through nft: {fallback:?}");
}

/// Forms the translator can emit that the corpus does not hold, each
/// against nft (or, if the encoder does not know it, through nft).
#[test]
fn more_forms_list_the_same_or_fall_back() {
    if !kernel_tests_enabled("more_forms_list_the_same_or_fall_back") {
        return;
    }
    let rules = "\
iptables -A INPUT ! -s 10.0.0.0/8 -p tcp ! --dport 22 -j DROP
iptables -A INPUT -s 10.1.2.3 -d 10.4.5.6 -j ACCEPT
iptables -A INPUT -p tcp --sport 1000 --dport 2000 -j ACCEPT
iptables -A INPUT -s 172.16.0.0/12 -d 192.168.128.0/17 -j ACCEPT
iptables -A INPUT -m iprange ! --dst-range 10.0.0.5-10.0.0.7 -j DROP
iptables -A INPUT -p udp -m multiport --sports 53,123 -j ACCEPT
iptables -A INPUT -p tcp -m multiport ! --dports 22,80 -j DROP
iptables -A INPUT -m conntrack ! --ctstate NEW,INVALID -j ACCEPT
iptables -A INPUT -m conntrack --ctstate ESTABLISHED -j ACCEPT
iptables -A INPUT -m conntrack --ctproto udp --ctorigdstport 53 --ctreplsrcport 1000:2000 --ctdir ORIGINAL -j ACCEPT
iptables -A INPUT -m conntrack ! --ctorigsrc 10.0.0.0/12 --ctrepldst 10.1.0.0/16 --ctproto udp ! --ctreplsrcport 7 -j ACCEPT
iptables -A INPUT -m conntrack --ctproto tcp ! --ctorigsrcport 10:20 --ctdir REPLY -j ACCEPT
ip6tables -A INPUT -m conntrack --ctorigdst 2001:db8::/32 --ctreplsrc 2001:db8::1 -j ACCEPT
iptables -A INPUT -m mark ! --mark 0x10/0xf0 -j ACCEPT
iptables -A INPUT -m connmark --mark 7 -j ACCEPT
iptables -A INPUT -m ttl --ttl-gt 64 -j DROP
iptables -A INPUT -m pkttype --pkt-type broadcast -j DROP
iptables -A INPUT -p icmp --icmp-type 3/4 -j ACCEPT
iptables -A INPUT -m limit --limit 2/hour -j LOG --log-level debug --log-tcp-sequence
iptables -A OUTPUT -m owner --gid-owner 100 -j REJECT --reject-with icmp-net-unreachable
iptables -A OUTPUT -o wg+ -j NFLOG --nflog-group 5
iptables -t mangle -A PREROUTING -j MARK --set-mark 0x20
iptables -t mangle -A PREROUTING -j MARK --set-xmark 0x2/0xff
iptables -t mangle -A PREROUTING -j MARK --xor-mark 0x4
iptables -t mangle -A PREROUTING -j MARK --and-mark 0xf0
iptables -t mangle -A PREROUTING -j MARK --or-mark 0x8
iptables -A INPUT -p udp ! --sport 1:1023 -j ACCEPT
iptables -t mangle -A PREROUTING -j CONNMARK --save-mark
iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400
iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE --random
iptables -t nat -A PREROUTING -p udp --dport 53 -j DNAT --to-destination 10.0.0.53:5353
iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -j SNAT --to-source 192.0.2.1-192.0.2.9
ip6tables -A INPUT -s 2001:db8::/32 -d 2001:db8:1::1 -p tcp --dport 443 -j ACCEPT
ip6tables -A INPUT -p ipv6-icmp --icmpv6-type echo-request -j ACCEPT
ip6tables -A INPUT -j REJECT
ip6tables -A INPUT -m hl --hl-lt 5 -j DROP
iptables -A INPUT -m length --length 100:200 -j DROP
iptables -A INPUT -m length ! --length 0:100 -j DROP
iptables -A INPUT -m length --length 84 -j ACCEPT
iptables -A INPUT -m addrtype --dst-type LOCAL -j ACCEPT
iptables -A INPUT -m addrtype ! --src-type BROADCAST --limit-iface-in -j DROP
iptables -A INPUT -m addrtype --src-type BROADCAST,MULTICAST -j DROP
iptables -A INPUT -m addrtype ! --dst-type LOCAL,ANYCAST --limit-iface-in -j DROP
iptables -A INPUT -m conntrack --ctorigsrc 10.0.0.1 -j ACCEPT
iptables -A INPUT -m state --state RELATED -j ACCEPT
iptables -A INPUT -p tcp --syn -j ACCEPT
iptables -A INPUT -p tcp --tcp-flags ALL NONE -j DROP
iptables -A FORWARD -m physdev --physdev-in veth0 -j ACCEPT
";
    let (sources, loaded) = fwcheck::load::load_str("forms.sh", rules, &Default::default());
    let rs = loaded.ruleset.unwrap_or_else(|| panic!("forms.sh does not load: {:?}", loaded.diagnostics));
    let ours = Netns::new("nfnl-forms-ours");
    let theirs = Netns::new("nfnl-forms-nft");
    // One rule at a time, so a form the encoder does not know only sends
    // its own rule through nft.
    let mut through_nft = Vec::new();
    for t in &rs.tables {
        for c in &t.chains {
            for r in &c.rules {
                let mut one = rs.clone();
                for ot in &mut one.tables {
                    for oc in &mut ot.chains {
                        oc.rules.retain(|x| ot.family == t.family && ot.name == t.name && oc.name == c.name && x.span == r.span);
                    }
                }
                let Some(s) = script(&one) else { continue };
                nft(&ours, &["flush", "ruleset"]);
                nft(&theirs, &["flush", "ruleset"]);
                kernel::load_nft(&theirs.name, &translate::json::to_json(&s)).unwrap();
                if let nfnl::Path::Nft(why) = nfnl::load_script(&ours.name, &s, Some(&sources)).unwrap() {
                    through_nft.push((sources.text(r.span).to_string(), why));
                }
                assert_eq!(listing(&ours), listing(&theirs), "{}", sources.text(r.span));
            }
        }
    }
    eprintln!("through nft: {through_nft:#?}");
    // What the encoder leaves to nft, so a form it loses shows here.
    let left: Vec<&str> = through_nft.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(left, EXPECTED_THROUGH_NFT, "{through_nft:#?}");
}

const EXPECTED_THROUGH_NFT: &[&str] = &["iptables -t nat -A POSTROUTING -s 10.0.0.0/24 -j SNAT --to-source 192.0.2.1-192.0.2.9"];

/// Rules of `text` (a command script) translated.
fn translated(name: &str, text: &str) -> (Script, SourceMap) {
    let (sources, loaded) = fwcheck::load::load_str(name, text, &Default::default());
    (script(&loaded.ruleset.expect("loads")).expect("translates"), sources)
}

#[test]
fn a_batch_the_kernel_refuses_changes_nothing_and_names_the_rule() {
    if !kernel_tests_enabled("a_batch_the_kernel_refuses_changes_nothing_and_names_the_rule") {
        return;
    }
    let ns = Netns::new("nfnl-atomic");
    let before_rules = std::fs::read_to_string("corpus/web-server/rules.v4").unwrap();
    let (s, _) = {
        let (sources, loaded) = fwcheck::load::load_str("corpus/web-server/rules.v4", &before_rules, &Default::default());
        (script(&loaded.ruleset.unwrap()).unwrap(), sources)
    };
    assert_eq!(nfnl::load_script(&ns.name, &s, None).unwrap(), nfnl::Path::Netlink);
    let before = listing(&ns);

    // A jump to a chain the batch does not create: the kernel refuses the
    // rule (after the tables were already replaced in the transaction).
    let (mut bad, sources) =
        translated("bad.sh", "iptables -N WEB\niptables -A INPUT -p tcp --dport 22 -j ACCEPT\niptables -A INPUT -p tcp --dport 80 -j WEB\n");
    bad.tables[0].chains.retain(|c| c.name != "WEB");
    let batch = nfnl::encode(&bad, 1).expect("encodes");
    let err = nfnl::load(&ns.name, &batch, Some(&sources)).expect_err("the kernel refuses a jump to a missing chain").to_string();
    assert!(err.contains("rule 2 of chain INPUT in table ip filter"), "{err}");
    assert!(err.contains("bad.sh:3:1: iptables -A INPUT -p tcp --dport 80 -j WEB"), "{err}");
    assert!(err.contains("No such file or directory"), "{err}");
    assert_eq!(listing(&ns), before, "the refused batch changed the namespace");

    // A loop (A jumps to B, B to A) is found only when the kernel checks
    // the whole table: also nothing changes.
    let (looped, sources) = translated("loop.sh", "iptables -N A\niptables -N B\niptables -A INPUT -j A\niptables -A A -j B\n");
    let mut looped = looped;
    let a_rule = looped.tables[0].chains.iter().find(|c| c.name == "A").unwrap().rules[0].clone();
    if let NRule::Rule { stmts, comment, .. } = a_rule {
        let mut stmts = stmts;
        *stmts.last_mut().unwrap() = nftables::stmt::Statement::Jump(nftables::stmt::JumpTarget { target: "A".into() });
        looped.tables[0].chains.iter_mut().find(|c| c.name == "B").unwrap().rules.push(NRule::Rule { stmts, comment, span: None });
    }
    let err = nfnl::load(&ns.name, &nfnl::encode(&looped, 1).unwrap(), Some(&sources)).expect_err("the kernel refuses a loop").to_string();
    assert!(err.contains("rule 1 of chain B in table ip filter"), "{err}");
    assert!(err.contains("Too many links"), "{err}");
    assert_eq!(listing(&ns), before, "the refused batch changed the namespace");

    // MASQUERADE in a chain that PREROUTING jumps to: the kernel checks
    // which hooks reach a chain when it validates the table.
    let (mut nat, sources) =
        translated("nat.sh", "iptables -t nat -N X\niptables -t nat -A PREROUTING -j X\niptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE\n");
    let masq = nat.tables[0].chains.iter_mut().find(|c| c.name == "POSTROUTING").unwrap().rules.remove(0);
    nat.tables[0].chains.iter_mut().find(|c| c.name == "X").unwrap().rules.push(masq);
    let err = nfnl::load(&ns.name, &nfnl::encode(&nat, 1).unwrap(), Some(&sources)).expect_err("the kernel refuses masquerade at prerouting").to_string();
    eprintln!("{err}");
    assert!(err.contains("Operation not supported"), "{err}");
    assert_eq!(listing(&ns), before, "the refused batch changed the namespace");
}

#[test]
fn applying_twice_gives_the_same_rule_set() {
    if !kernel_tests_enabled("applying_twice_gives_the_same_rule_set") {
        return;
    }
    let ns = Netns::new("nfnl-twice");
    let apply = || {
        let out = Command::new(env!("CARGO_BIN_EXE_fwcheck"))
            .args(["apply", "corpus/generated/rules.v4", "--netns", &ns.name, "--backend", "nft"])
            .output()
            .expect("run fwcheck");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        listing(&ns)
    };
    let (text1, json1) = apply();
    let (text2, json2) = apply();
    assert_eq!(text1, text2);
    assert_eq!(without_handles(&json1), without_handles(&json2));
    // And it is the rule set nft loads from the same translation.
    let other = Netns::new("nfnl-twice-nft");
    let (s, _) = translated("corpus/generated/rules.v4", &std::fs::read_to_string("corpus/generated/rules.v4").unwrap());
    kernel::load_nft(&other.name, &translate::json::to_json(&s)).unwrap();
    assert_eq!(listing(&other).0, text1);
}
