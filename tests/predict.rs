//! Predictions pinned by hand until the kernel judges them (the verify
//! issue): the tutorial's setup, 3 pings from test-1 to 192.168.2.1,
//! predicted for test-2's rule set.

use fwcheck::ir::{Family, TableName};
use fwcheck::load::{load_str, LoadOptions};
use fwcheck::netfilter::Backend;
use fwcheck::predict::host::{Host, Iface};
use fwcheck::predict::run::{HitKey, Run, World};
use fwcheck::predict::spec::parse;

fn seed_host(ignore_echo: bool) -> Host {
    Host {
        ifaces: vec![Host::lo(), Iface { name: "eth0".into(), addrs: vec![("192.168.2.1".parse().unwrap(), 24)] }],
        icmp_echo_ignore_all: ignore_echo,
        ip_forward: false,
        assumed: false,
    }
}

fn seed_worlds(backend: Backend, ignore_echo: bool) -> Vec<World> {
    let text = std::fs::read_to_string("corpus/seed/rules.sh").unwrap();
    let (_, loaded) = load_str("corpus/seed/rules.sh", &text, &LoadOptions::default());
    let rs = loaded.ruleset.expect("the seed parses");
    let host = seed_host(ignore_echo);
    let spec = parse("ping 192.168.1.1 -> 192.168.2.1 count 3").unwrap();
    Run { rs: &rs, host: &host, backend }.run(&[spec]).expect("predicts")
}

fn counter(w: &World, chain: &str, rule: Option<usize>) -> (u64, u64) {
    w.counters.get(&HitKey { table: TableName::Filter, chain: chain.into(), rule }).copied().unwrap_or_default()
}

#[test]
fn seed_three_pings_count_on_input_and_count() {
    let worlds = seed_worlds(Backend::IptablesNft, false);
    assert_eq!(worlds.len(), 1, "nothing undecidable in the seed");
    let w = &worlds[0];
    // 3 echo requests of 84 bytes (56 data + 8 ICMP + 20 IP).
    assert_eq!(counter(w, "INPUT", Some(0)), (3, 252));
    assert_eq!(counter(w, "COUNT", Some(0)), (3, 252));
    // INPUT was created implicitly by -A: no policy counter on iptables-nft.
    assert_eq!(counter(w, "INPUT", None), (0, 0));
    // Replies go out, but OUTPUT does not exist in the kernel on iptables-nft.
    assert_eq!(counter(w, "OUTPUT", None), (0, 0));
    assert_eq!(w.packets.len(), 6, "3 requests and 3 replies");
    let _ = Family::Ipv4;
}

#[test]
fn seed_on_legacy_counts_policies() {
    let w = &seed_worlds(Backend::IptablesLegacy, false)[0];
    assert_eq!(counter(w, "INPUT", Some(0)), (3, 252));
    assert_eq!(counter(w, "INPUT", None), (3, 252), "RETURN from COUNT, then the ACCEPT policy");
    assert_eq!(counter(w, "OUTPUT", None), (3, 252), "the echo replies");
}

#[test]
fn icmp_echo_ignore_all_leaves_output_untouched() {
    let w = &seed_worlds(Backend::IptablesLegacy, true)[0];
    assert_eq!(counter(w, "INPUT", Some(0)), (3, 252), "requests still traverse INPUT");
    assert_eq!(counter(w, "OUTPUT", None), (0, 0), "no reply is sent");
    assert_eq!(w.packets.len(), 3);
}
