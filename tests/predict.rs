//! Predictions pinned by hand until the kernel judges them (the verify
//! issue): the tutorial's setup, 3 pings from test-1 to 192.168.2.1,
//! predicted for test-2's rule set.

use fwcheck::ir::{Family, TableName};
use fwcheck::load::{load_str, LoadOptions};
use fwcheck::netfilter::Backend;
use fwcheck::predict::host::{Host, Iface};
use fwcheck::predict::run::{Run, World};
use fwcheck::predict::spec::parse;

fn seed_host(ignore_echo: bool) -> Host {
    Host {
        ifaces: vec![Host::lo(), Iface::new("eth0", vec![("192.168.2.1".parse().unwrap(), 24)])],
        icmp_echo_ignore_all: ignore_echo,
        ip_forward: false,
        assumed: false,
        routes_complete: false,
        routes: Vec::new(),
    }
}

fn seed_worlds(backend: Backend, ignore_echo: bool) -> Vec<World> {
    let text = std::fs::read_to_string("corpus/seed/rules.sh").unwrap();
    let (_, loaded) = load_str("corpus/seed/rules.sh", &text, &LoadOptions::default());
    let rs = loaded.ruleset.expect("the seed parses");
    let host = seed_host(ignore_echo);
    let spec = parse("ping 192.168.1.1 -> 192.168.2.1 count 3").unwrap();
    remember(&rs);
    Run::single(&rs, &host, backend, true).run(&[spec]).expect("predicts")
}

thread_local! {
    /// The rule set the test's last prediction ran on: counters are keyed by
    /// chain position, and the helpers below look chains up by name in it.
    static RULES: std::cell::RefCell<Option<fwcheck::ir::Ruleset>> = const { std::cell::RefCell::new(None) };
}

fn remember(rs: &fwcheck::ir::Ruleset) {
    RULES.with(|r| *r.borrow_mut() = Some(rs.clone()));
}

fn counter_in(w: &World, table: TableName, chain: &str, rule: Option<usize>) -> (u64, u64) {
    RULES.with(|r| w.counter(r.borrow().as_ref().expect("a prediction ran"), Family::Ipv4, 0, table, chain, rule))
}

fn counter(w: &World, chain: &str, rule: Option<usize>) -> (u64, u64) {
    counter_in(w, TableName::Filter, chain, rule)
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

fn run(rules: &str, host: Host, specs: &[&str], backend: Backend) -> Vec<World> {
    let (_, loaded) = load_str("rules", rules, &LoadOptions::default());
    let rs = loaded.ruleset.expect("parses");
    remember(&rs);
    let specs: Vec<_> = specs.iter().map(|s| parse(s).unwrap()).collect();
    Run::single(&rs, &host, backend, true).run(&specs).expect("predicts")
}

fn router(forward: bool) -> Host {
    Host {
        ifaces: vec![Host::lo(), Iface::new("wan0", vec![("203.0.113.1".parse().unwrap(), 24)]), Iface::new("lan0", vec![("10.0.0.1".parse().unwrap(), 24)])],
        icmp_echo_ignore_all: false,
        ip_forward: forward,
        assumed: false,
        routes_complete: false,
        routes: Vec::new(),
    }
}

fn nat_counter(w: &World, chain: &str, rule: Option<usize>) -> (u64, u64) {
    counter_in(w, TableName::Nat, chain, rule)
}

const PORT_FORWARD: &str = "*nat\n-A PREROUTING -d 203.0.113.1/32 -p tcp -j DNAT --to-destination 10.0.0.2\nCOMMIT\n*filter\n:FORWARD DROP [0:0]\n-A FORWARD -d 10.0.0.2/32 -p tcp -j ACCEPT\nCOMMIT\n";

#[test]
fn dnat_turns_an_incoming_packet_into_a_forwarded_one() {
    let worlds = run(PORT_FORWARD, router(true), &["tcp 198.51.100.7:40000 -> 203.0.113.1:80 syn"], Backend::IptablesNft);
    let w = &worlds[0];
    assert_eq!(nat_counter(w, "PREROUTING", Some(0)), (1, 60));
    assert_eq!(counter(w, "FORWARD", Some(0)), (1, 60), "filter sees the translated destination");
    assert!(matches!(&w.packets[0].fate, fwcheck::predict::run::Fate::Sent { iface } if iface == "lan0"), "{:?}", w.packets[0].fate);
}

#[test]
fn without_ip_forward_the_translated_packet_is_not_forwarded() {
    let w = &run(PORT_FORWARD, router(false), &["tcp 198.51.100.7:40000 -> 203.0.113.1:80 syn"], Backend::IptablesNft)[0];
    assert_eq!(nat_counter(w, "PREROUTING", Some(0)), (1, 60));
    assert_eq!(counter(w, "FORWARD", Some(0)), (0, 0));
    assert_eq!(w.packets[0].fate, fwcheck::predict::run::Fate::NotForwarded);
}

#[test]
fn nat_sees_only_the_first_packet_of_a_connection() {
    let rules = "*nat\n-A PREROUTING -j ACCEPT\nCOMMIT\n*filter\n-A INPUT -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT\nCOMMIT\n";
    let host = router(false);
    // Two echo requests of one ping and their replies.
    let w = &run(rules, host, &["ping 198.51.100.7 -> 203.0.113.1 count 2"], Backend::IptablesLegacy)[0];
    assert_eq!(nat_counter(w, "PREROUTING", Some(0)), (1, 84), "only the first request");
}

#[test]
fn nat_sees_nothing_while_conntrack_is_off() {
    let rules = "*nat\n-A PREROUTING -j ACCEPT\nCOMMIT\n";
    let w = &run(rules, router(false), &["ping 198.51.100.7 -> 203.0.113.1 count 3"], Backend::IptablesLegacy)[0];
    assert_eq!(nat_counter(w, "PREROUTING", Some(0)), (0, 0));
}

#[test]
fn a_drop_policy_stops_the_request_and_so_the_reply() {
    let rules = "iptables -P INPUT DROP\n";
    let w = &run(rules, seed_host(false), &["ping 192.168.1.1 -> 192.168.2.1 count 2"], Backend::IptablesNft)[0];
    assert_eq!(counter(w, "INPUT", None), (2, 168), "-P created INPUT: its policy counts");
    assert_eq!(w.packets.len(), 2, "no replies");
}

/// Counting rules by conntrack state in INPUT and OUTPUT (the state match
/// switches conntrack on), as in the kernel measurements these tests pin
/// (Linux 6.18: two namespaces, the server's counters).
const BY_STATE: &str = "*filter\n-A INPUT -m conntrack --ctstate NEW\n-A INPUT -m conntrack --ctstate ESTABLISHED\n-A INPUT -m conntrack --ctstate RELATED\n-A INPUT\n-A OUTPUT -m conntrack --ctstate NEW\n-A OUTPUT -m conntrack --ctstate ESTABLISHED\n-A OUTPUT -m conntrack --ctstate RELATED\n-A OUTPUT\nCOMMIT\n";

fn server() -> Host {
    Host {
        ifaces: vec![Host::lo(), Iface::new("eth0", vec![("192.168.2.1".parse().unwrap(), 24)])],
        icmp_echo_ignore_all: false,
        ip_forward: false,
        assumed: false,
        routes_complete: false,
        routes: Vec::new(),
    }
}

fn flow(rules: &str, spec: &str) -> Vec<World> {
    let (_, loaded) = load_str("rules", rules, &LoadOptions::default());
    let rs = loaded.ruleset.expect("parses");
    remember(&rs);
    let host = server();
    let spec = fwcheck::predict::spec::parse_as(spec, true).unwrap();
    Run::single(&rs, &host, Backend::IptablesNft, true).run(&[spec]).expect("predicts")
}

/// (NEW, ESTABLISHED, RELATED, all) of a chain.
fn states(w: &World, chain: &str) -> [(u64, u64); 4] {
    [counter(w, chain, Some(0)), counter(w, chain, Some(1)), counter(w, chain, Some(2)), counter(w, chain, Some(3))]
}

#[test]
fn tcp_connect_and_close_gives_both_close_downs() {
    let worlds = flow(BY_STATE, "tcp 192.168.1.1:40000 -> 192.168.2.1:8080");
    assert_eq!(worlds.len(), 2);
    for w in &worlds {
        assert_eq!(states(w, "INPUT"), [(1, 60), (3, 156), (0, 0), (4, 216)]);
    }
    let outs: Vec<[(u64, u64); 4]> = worlds.iter().map(|w| states(w, "OUTPUT")).collect();
    assert!(outs.contains(&[(0, 0), (2, 112), (0, 0), (2, 112)]), "6-packet close-down: {outs:?}");
    assert!(outs.contains(&[(0, 0), (3, 164), (0, 0), (3, 164)]), "7-packet close-down: {outs:?}");
}

#[test]
fn tcp_with_data_is_eight_packets() {
    let worlds = flow(BY_STATE, "tcp 192.168.1.1:40000 -> 192.168.2.1:8080 data 5");
    assert_eq!(worlds.len(), 1);
    assert_eq!(states(&worlds[0], "INPUT"), [(1, 60), (4, 213), (0, 0), (5, 273)]);
    assert_eq!(states(&worlds[0], "OUTPUT"), [(0, 0), (3, 164), (0, 0), (3, 164)]);
}

#[test]
fn tcp_to_a_closed_port_gets_an_established_rst() {
    let w = &flow(BY_STATE, "tcp 192.168.1.1:40000 -> 192.168.2.1:8081 closed")[0];
    assert_eq!(states(w, "INPUT"), [(1, 60), (0, 0), (0, 0), (1, 60)]);
    assert_eq!(states(w, "OUTPUT"), [(0, 0), (1, 40), (0, 0), (1, 40)], "the stack's RST-ACK leaves through OUTPUT");
}

#[test]
fn reject_with_tcp_reset_sends_a_related_rst_through_output() {
    let rules = BY_STATE.replace("-A INPUT\n", "-A INPUT\n-A INPUT -p tcp --dport 23 -j REJECT --reject-with tcp-reset\n");
    let w = &flow(&rules, "tcp 192.168.1.1:40000 -> 192.168.2.1:23")[0];
    assert_eq!(states(w, "INPUT"), [(1, 60), (0, 0), (0, 0), (1, 60)]);
    assert_eq!(states(w, "OUTPUT"), [(0, 0), (0, 0), (1, 40), (1, 40)]);
}

#[test]
fn reject_with_icmp_sends_the_syn_back_in_an_88_byte_error() {
    let rules = BY_STATE.replace("-A INPUT\n", "-A INPUT\n-A INPUT -p tcp --dport 23 -j REJECT\n");
    let w = &flow(&rules, "tcp 192.168.1.1:40000 -> 192.168.2.1:23")[0];
    assert_eq!(states(w, "OUTPUT"), [(0, 0), (0, 0), (1, 88), (1, 88)]);
    assert!(!w.notes.is_empty(), "the retry of a blocking client is said, not counted");
}

#[test]
fn udp_to_a_closed_port_gets_a_related_port_unreachable() {
    let w = &flow(BY_STATE, "udp 192.168.1.1:40000 -> 192.168.2.1:9999 size 10 closed")[0];
    assert_eq!(states(w, "INPUT"), [(1, 38), (0, 0), (0, 0), (1, 38)]);
    assert_eq!(states(w, "OUTPUT"), [(0, 0), (0, 0), (1, 66), (1, 66)]);
}

#[test]
fn udp_with_a_reply_is_new_then_established() {
    let w = &flow(BY_STATE, "udp 192.168.1.1:40000 -> 192.168.2.1:9999 size 10 reply")[0];
    assert_eq!(states(w, "INPUT"), [(1, 38), (0, 0), (0, 0), (1, 38)]);
    assert_eq!(states(w, "OUTPUT"), [(0, 0), (1, 38), (0, 0), (1, 38)]);
}

/// With the ipsets' contents (`--ipsets`, the output of `ipset save`), a
/// set match is decided; without, the prediction gives both outcomes.
#[test]
fn known_ipsets_decide_set_matches() {
    let rules = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m set --match-set blocklist src -j DROP\n-A INPUT -m set ! --match-set admins src -p tcp --dport 22 -j DROP\nCOMMIT\n";
    let sets = fwcheck::verify::ipsets::Ipsets::parse(
        "sets",
        "create blocklist hash:net family inet\nadd blocklist 192.0.2.0/24\ncreate admins hash:ip family inet\nadd admins 10.1.0.5\n",
    )
    .unwrap();
    let (_, loaded) = load_str("rules", rules, &LoadOptions::default());
    let rs = loaded.ruleset.expect("parses");
    remember(&rs);
    let host = server();
    let verdicts = |spec: &str, with: bool| -> Vec<(u64, u64)> {
        let run = Run { ipsets: with.then_some(&sets), ..Run::single(&rs, &host, Backend::IptablesLegacy, false) };
        let worlds = run.run(&[parse(spec).unwrap()]).expect("predicts");
        worlds.iter().map(|w| (counter(w, "INPUT", Some(0)).0, counter(w, "INPUT", Some(1)).0)).collect()
    };
    assert_eq!(verdicts("tcp 192.0.2.7:40000 -> 192.168.2.1:80 syn", true), vec![(1, 0)], "in the blocklist: dropped by rule 1");
    assert_eq!(verdicts("tcp 198.51.100.1:40000 -> 192.168.2.1:22 syn", true), vec![(0, 1)], "not an admin: dropped by rule 2");
    assert_eq!(verdicts("tcp 10.1.0.5:40000 -> 192.168.2.1:22 syn", true), vec![(0, 0)], "an admin gets through");
    assert_eq!(verdicts("tcp 192.0.2.7:40000 -> 192.168.2.1:80 syn", false).len(), 2, "without the sets: both outcomes");
}
