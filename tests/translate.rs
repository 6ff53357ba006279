//! `fwcheck translate` as a user runs it: snapshots (insta) of whole
//! translations, the refusal of an untranslatable rule (exit 2, the rule's
//! file:line), `--allow-partial`, `--family`, and that no rule is ever
//! dropped. Loading the output into a kernel is `translate_kernel.rs`.

use fwcheck::load::{load_str, LoadOptions};
use fwcheck::translate::{translate, NRule, Options, OutFamily};
mod common;
use common::fwcheck;

#[test]
fn web_server_as_nft() {
    let (out, err, code) = fwcheck(&["translate", "corpus/web-server/rules.v4"], None);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn router_nat_as_nft() {
    let (out, err, code) = fwcheck(&["translate", "corpus/router-nat/rules.v4"], None);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn dual_stack_as_inet() {
    let (out, err, code) = fwcheck(&["translate", "--family", "inet", "corpus/dual-stack/rules.sh"], None);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn seed_as_json() {
    let (out, err, code) = fwcheck(&["translate", "--format", "json", "corpus/seed/rules.v4"], None);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!(out);
}

#[test]
fn an_untranslatable_rule_is_an_error_at_its_line() {
    let input = "*filter\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -m recent --name ssh --rcheck --seconds 60 --hitcount 4 -j DROP\nCOMMIT\n";
    let (out, err, code) = fwcheck(&["translate", "-"], Some(input));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("<stdin>:3:1: no nft translation: the recent match"), "{err}");
    assert!(err.contains("--allow-partial"), "{err}");
    insta::assert_snapshot!(err);
}

#[test]
fn allow_partial_keeps_the_rule_as_a_comment() {
    let input = "*filter\n-A INPUT -m recent --name ssh --rcheck --seconds 60 -j DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT\nCOMMIT\n";
    let (out, err, code) = fwcheck(&["translate", "--allow-partial", "-"], Some(input));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("<stdin>:2:1: rule kept as a comment"), "{err}");
    let lines: Vec<&str> = out.lines().map(str::trim).collect();
    let at = lines.iter().position(|l| l.starts_with("# untranslated: the recent match")).expect("comment");
    assert_eq!(lines[at + 1], "# -t filter -A INPUT -m recent --rcheck --seconds 60 --name ssh --mask 255.255.255.255 --rsource -j DROP");
    // The order is kept: the comment stands where the rule stood.
    assert_eq!(lines[at + 2], "tcp dport 22 counter accept");
}

#[test]
fn family_selects_tables() {
    let (out, _, code) = fwcheck(&["translate", "--family", "ip6", "corpus/dual-stack/rules.sh"], None);
    assert_eq!(code, 0);
    assert!(out.contains("table ip6 filter {") && !out.contains("table ip filter {"), "{out}");
    let (_, err, code) = fwcheck(&["translate", "--family", "ip6", "corpus/web-server/rules.v4"], None);
    assert_eq!(code, 2);
    assert!(err.contains("no table of the requested family"), "{err}");
}

#[test]
fn bad_input_is_exit_2_not_a_panic() {
    let (out, err, code) = fwcheck(&["translate", "-"], Some("iptables -A INPUT -p tcp --dport 99999 -j ACCEPT\n"));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("<stdin>:1:"), "{err}");
}

/// Every rule of every corpus file is in the script: translated, or (with
/// allow_partial) kept as a comment. Chains keep their order and rules
/// theirs.
#[test]
fn no_rule_is_dropped_and_order_is_kept() {
    for f in ["corpus/user-chains/rules.v4", "corpus/router-nat/rules.v4", "corpus/dual-stack/rules.sh", "corpus/generated/rules.v4"] {
        let text = std::fs::read_to_string(f).expect("read");
        let (_, loaded) = load_str(f, &text, &LoadOptions::default());
        let rs = loaded.ruleset.expect("loads");
        let tx = translate(&rs, &Options { family: None, allow_partial: true });
        let script = tx.script.expect("script");
        for (t, nt) in rs.tables.iter().zip(&script.tables) {
            let names: Vec<&str> = t.chains.iter().map(|c| c.name.as_str()).collect();
            let nnames: Vec<&str> = nt.chains.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, nnames, "{f}: chain order");
            for (c, nc) in t.chains.iter().zip(&nt.chains) {
                let spans: Vec<_> = c.rules.iter().map(|r| r.span).collect();
                let nspans: Vec<_> = nc
                    .rules
                    .iter()
                    .map(|r| match r {
                        NRule::Rule { span, .. } => span.expect("every translated rule has its span"),
                        NRule::Untranslated { span, .. } => *span,
                    })
                    .collect();
                assert_eq!(spans, nspans, "{f}: rules of {}", c.name);
            }
        }
        let untranslated = script.tables.iter().flat_map(|t| &t.chains).flat_map(|c| &c.rules).filter(|r| matches!(r, NRule::Untranslated { .. })).count();
        assert_eq!(untranslated, tx.diagnostics.len(), "{f}: one warning per untranslated rule");
    }
}

/// With --family inet, a base chain whose families have different
/// policies accepts, and drops the stricter family in a last rule.
#[test]
fn inet_merges_policies() {
    let input = "iptables -P INPUT DROP\niptables -A INPUT -p tcp --dport 22 -j ACCEPT\nip6tables -A INPUT -p tcp --dport 80 -j ACCEPT\n";
    let (_, loaded) = load_str("x", input, &LoadOptions::default());
    let rs = loaded.ruleset.expect("loads");
    let tx = translate(&rs, &Options { family: Some(OutFamily::Inet), allow_partial: false });
    let text = tx.script.expect("script").to_text();
    assert!(text.contains("type filter hook input priority filter; policy accept;"), "{text}");
    assert!(text.contains("meta nfproto ipv4 tcp dport 22 counter accept"), "{text}");
    assert!(text.contains("meta nfproto ipv6 tcp dport 80 counter accept"), "{text}");
    assert!(text.contains("meta nfproto ipv4 counter drop comment \"ipv4 policy DROP\""), "{text}");
}

/// A hand-written nft rule set (`nft -j list ruleset` of
/// corpus/nft-host/ruleset.nft, made by the real nft): read into the IR,
/// an `inet` table gives both families, each rule where it applies, a set
/// of ICMPv6 types one rule per type, `log ... drop` two rules.
#[test]
fn reads_a_hand_written_nft_rule_set() {
    let (out, err, code) = fwcheck(&["parse", "corpus/nft-host/ruleset.json"], None);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!(out);
    let (out, err, code) = fwcheck(&["predict", "corpus/nft-host/ruleset.json", "--packet", "tcp 192.168.1.9:40000 -> 192.168.1.1:22 syn"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("filter -A INPUT -s 192.168.1.0/24 -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT"), "{out}");
}

/// What the reader cannot read is an error naming the rule, never skipped.
#[test]
fn an_unreadable_nft_statement_is_an_error() {
    let json = r#"{"nftables": [{"table": {"family": "ip", "name": "t", "handle": 1}}, {"chain": {"family": "ip", "table": "t", "name": "c", "handle": 1, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}, {"rule": {"family": "ip", "table": "t", "chain": "c", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "cpu"}}, "right": 1}}, {"accept": null}]}}]}"#;
    let (out, err, code) = fwcheck(&["parse", "-"], Some(json));
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("table t chain c rule 2: fwcheck cannot read this nft statement yet"), "{err}");
}
