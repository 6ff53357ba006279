//! Reading scenarios, without root: the tutorial's own lab script becomes
//! the same scenario as its TOML form, and malformed scenarios and lab
//! scripts get errors at their line and column, never a panic or a lab that
//! silently differs from the user's.

use fwcheck::scenario::{from_script, from_toml, Scenario};
use fwcheck::source::{Source, SourceMap};

fn script(text: &str) -> (Option<Scenario>, Vec<String>) {
    let mut sm = SourceMap::new();
    let (sc, d) = from_script(&mut sm, Source::new("lab.sh", text));
    (sc, d.iter().map(|d| format!("{} {}", d.code, d.short(&sm))).collect())
}

fn toml(text: &str) -> (Option<Scenario>, Vec<String>) {
    let mut sm = SourceMap::new();
    let read = |p: &str| std::fs::read_to_string(p);
    let (sc, d) = from_toml(&mut sm, Source::new("s.toml", text), "corpus/scenarios/seed", &read);
    (sc, d.iter().map(|d| format!("{} {}", d.code, d.short(&sm))).collect())
}

#[test]
fn the_tutorial_script_reads_like_its_toml() {
    let text = std::fs::read_to_string("corpus/scenarios/seed/tutorial.sh").unwrap();
    let (sc, diags) = script(&text);
    let sc = sc.unwrap_or_else(|| panic!("{diags:?}"));
    let (t, diags) = toml(&std::fs::read_to_string("corpus/scenarios/seed/seed.toml").unwrap());
    let t = t.unwrap_or_else(|| panic!("{diags:?}"));
    let names = |s: &Scenario| s.namespaces.iter().map(|n| (n.name.clone(), n.addrs.clone(), n.routes.clone())).collect::<Vec<_>>();
    assert_eq!(names(&sc), names(&t));
    assert_eq!(sc.veths, t.veths);
}

#[test]
fn lab_lines_it_does_not_understand_are_errors_at_their_place() {
    let cases: &[(&str, &str)] = &[
        ("ip netns add a\nip netns exec a tc qdisc add dev lo root noop\n", "parse::not-iptables lab.sh:2:17"),
        ("ip netns add a\nip netns exec a ip link set eth9 up\n", "scenario::script lab.sh:2:29"),
        ("ip netns add a\nip netns exec b ip addr add 10.0.0.1/24 dev eth0\n", "scenario::script lab.sh:2:17"),
        ("ip netns add a\nip addr add 10.0.0.1/24 dev eth0\n", "scenario::script lab.sh:2:1"),
        ("ip netns add a\nip netns exec a ip addr add 10.0.0.1/33 dev eth0\n", "scenario::script lab.sh:2:29"),
        ("ip netns add a\nip netns exec a sysctl -w net.ipv4.tcp_syncookies=0\n", "scenario::script lab.sh:2:27"),
        ("ip netns add a\nip netns exec a ping 10.0.0.2\n", "scenario::script lab.sh:2:17"),
        ("ip netns add a\nip link add x type veth peer name y\nip link set x netns a\n", "scenario::veth-in-host"),
        ("ip netns add a\niptables -A INPUT -j ACCEPT\n", "scenario::rules-outside-netns lab.sh:2:1"),
        ("ip netns add a\nip netns add a\n", "scenario::script lab.sh:2:14"),
        ("ip netns add a\nip netns exec a iptables -A INPUT -j NOPE\n", "apply::"),
    ];
    for (text, want) in cases {
        let (sc, diags) = script(text);
        assert!(sc.is_none(), "{text:?} was accepted");
        assert!(diags.iter().any(|d| d.starts_with(want)), "{text:?}: want {want}, got {diags:#?}");
    }
}

#[test]
fn malformed_toml_scenarios_are_errors_at_their_place() {
    let base = "[[netns]]\nname = \"a\"\naddresses = [\"eth0 10.0.0.1/24\"]\n";
    let cases: &[(&str, &str)] = &[
        ("traffic = [\"ping 10.0.0.1 -> 10.0.0.2\"\n", "scenario::toml s.toml:2:1"),
        ("colour = \"red\"\n", "scenario::toml s.toml:1:1"),
        (&format!("{base}sysctls = {{ \"net.ipv4.tcp_syncookies\" = \"1\" }}\n"), "scenario::sysctl s.toml:4:14"),
        (&format!("{base}routes = [\"default via\"]\n"), "scenario::route s.toml:4:12"),
        (&format!("{base}[[veth]]\nends = [\"a:eth0\", \"b:eth0\"]\n"), "scenario::unknown-netns"),
        (&format!("traffic = [\"ping 10.0.0.9 -> 10.0.0.2\"]\n{base}"), "scenario::no-sender s.toml:1:13"),
        (&format!("traffic = [\"pong 10.0.0.1 -> 10.0.0.2\"]\n{base}"), "scenario::traffic s.toml:1:13"),
        (&format!("{base}rules = \"missing.sh\"\n"), "scenario::rules s.toml:4:10"),
        (&format!("{base}rules_text = \"iptables -A INPUT -j NOPE\"\n"), "apply::"),
    ];
    for (text, want) in cases {
        let (sc, diags) = toml(text);
        assert!(sc.is_none(), "{text:?} was accepted");
        assert!(diags.iter().any(|d| d.starts_with(want)), "{text:?}: want {want}, got {diags:#?}");
    }
}
