//! Round trip through the kernel: translate each corpus rule set, load the
//! nft script into a throwaway namespace, read `nft -j list ruleset` back
//! into the IR (`translate::read`), and require that `predict`'s chain walk
//! gives every one of thousands of generated packets the same course (the
//! same verdict and the same rules hit, so the same counters) at every hook
//! as the original rule set. Until `fwcheck equiv` exists (the Z3 issue),
//! this is how translation and reading back are shown to keep behaviour.

mod common;
use common::netns::{kernel_tests_enabled, Netns};
use fwcheck::ir::{Family, Hook, Ruleset};
use fwcheck::load::{load, load_str, LoadOptions};
use fwcheck::netfilter::walk::{Course, HookWalk};
use fwcheck::netfilter::Backend;
use fwcheck::predict::packet::{CtDir, CtInfo, CtState, PktType, SocketOwner};
use fwcheck::predict::spec::bare;
use fwcheck::predict::{EvalCx, Packet};
use fwcheck::source::{Source, SourceMap};
use fwcheck::translate::{translate, Options};
use std::net::IpAddr;

/// A small deterministic generator (no dependency, same packets each run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
    fn pick<T: Clone>(&mut self, v: &[T]) -> T {
        v[self.next() as usize % v.len()].clone()
    }
}

/// Addresses, ports and interfaces the rule set mentions, so that packets
/// hit its rules, plus some it does not mention.
fn pools(rs: &Ruleset, family: Family) -> (Vec<IpAddr>, Vec<String>, Vec<u16>) {
    use fwcheck::ext::Match;
    let mut addrs: Vec<IpAddr> = Vec::new();
    let mut ports: Vec<u16> = vec![22, 53, 80, 443, 1024, 40000];
    let mut edges = |lo: u16, hi: u16| ports.extend([lo.saturating_sub(1), lo, hi, hi.saturating_add(1)]);
    let mut ifaces = vec!["eth0".to_string(), "lo".into(), "xyz9".into()];
    for t in rs.tables.iter().filter(|t| t.family == family) {
        for c in &t.chains {
            for r in &c.rules {
                for a in [&r.ip.src, &r.ip.dst].into_iter().flatten() {
                    addrs.push(a.value.addr);
                    // The network's edges and the addresses just outside.
                    if let (IpAddr::V4(v), IpAddr::V4(m)) = (a.value.addr, a.value.mask) {
                        let (v, m) = (u32::from(v), u32::from(m));
                        for x in [v.wrapping_sub(1), v | 5, v | !m, (v | !m).wrapping_add(1)] {
                            addrs.push(IpAddr::V4(x.into()));
                        }
                    }
                }
                for m in &r.matches {
                    match m {
                        Match::Tcp(t) => [t.sport, t.dport].into_iter().flatten().for_each(|p| edges(p.lo, p.hi)),
                        Match::Udp(u) => [u.sport, u.dport].into_iter().flatten().for_each(|p| edges(p.lo, p.hi)),
                        Match::Multiport(mp) => mp.list.iter().flat_map(|l| &l.ports).for_each(|p| edges(p.lo, p.hi)),
                        _ => {}
                    }
                }
                for i in [&r.ip.iniface, &r.ip.outiface].into_iter().flatten() {
                    ifaces.push(i.value.0.trim_end_matches('+').to_string() + if i.value.0.ends_with('+') { "1" } else { "" });
                }
            }
        }
    }
    match family {
        Family::Ipv4 => addrs.extend(["10.0.0.1", "192.0.2.7", "127.0.0.1", "255.255.255.255"].map(|a| a.parse::<IpAddr>().unwrap())),
        Family::Ipv6 => addrs.extend(["2001:db8::1", "fe80::1", "::1"].map(|a| a.parse::<IpAddr>().unwrap())),
    }
    (addrs, ifaces, ports)
}

fn packet(g: &mut Lcg, family: Family, addrs: &[IpAddr], ifaces: &[String], ports: &[u16], hook: Hook) -> Packet {
    let protos: &[u8] = if family == Family::Ipv4 { &[6, 6, 17, 17, 1, 50, 47] } else { &[6, 6, 17, 17, 58, 58] };
    let proto = g.pick(protos);
    let mut p = bare(g.pick(addrs), g.pick(addrs), proto, 40 + g.next() % 1400);
    p.family = family;
    if proto == 6 || proto == 17 {
        p.sport = if g.next() % 3 == 0 { 1024 + (g.next() % 60000) as u16 } else { g.pick(ports) };
        p.dport = g.pick(ports);
    }
    if proto == 6 {
        p.tcp_flags = g.pick(&[0x02, 0x12, 0x10, 0x11, 0x04, 0x18]);
        p.tcp_options = if p.tcp_flags & 0x02 != 0 { vec![2, 4, 8, 1, 3] } else { vec![] };
    }
    if proto == 1 {
        (p.icmp_type, p.icmp_code) = g.pick(&[(8, 0), (0, 0), (3, 4), (3, 3), (11, 0), (5, 1)]);
    }
    if proto == 58 {
        (p.icmp_type, p.icmp_code) =
            g.pick(&[(128, 0), (129, 0), (1, 4), (2, 0), (3, 0), (133, 0), (134, 0), (135, 0), (136, 0), (137, 0), (130, 0), (143, 0)]);
    }
    p.ttl = g.pick(&[1, 64, 255]);
    p.fragment = family == Family::Ipv4 && g.next() % 20 == 0;
    p.mark = g.pick(&[0, 1, 2, 3]);
    p.pkt_type = g.pick(&[PktType::Host, PktType::Host, PktType::Broadcast, PktType::Multicast]);
    let incoming = matches!(hook, Hook::Prerouting | Hook::Input | Hook::Forward);
    let outgoing = matches!(hook, Hook::Forward | Hook::Output | Hook::Postrouting);
    p.iif = incoming.then(|| g.pick(ifaces));
    p.oif = outgoing.then(|| g.pick(ifaces));
    if matches!(hook, Hook::Output | Hook::Postrouting) {
        p.owner = Some(Box::new(SocketOwner { uid: g.pick(&[0, 33, 1000]), gid: 0, groups: vec![] }));
    }
    if g.next() % 8 != 0 {
        let state = g.pick(&[CtState::New, CtState::Established, CtState::Established, CtState::Related, CtState::Invalid]);
        p.ct = Some(Box::new(CtInfo {
            state,
            dir: CtDir::Original,
            status: g.pick(&[0, 0x8, 0x2 | 0x4 | 0x8, 0x2 | 0x4 | 0x8 | 0x20]),
            mark: g.pick(&[0, 1]),
            proto,
            orig: (p.src, p.dst, p.sport, p.dport),
            reply: (p.dst, p.src, p.dport, p.sport),
            expires: 100,
        }));
    }
    p
}

/// What must agree: the verdict and the rules hit of every possible course.
/// Both are walked as the native nft backend (which has no policy
/// counters): the read-back rule set comes from a restore text, so its
/// chains have another origin than implicitly created ones.
fn summary(courses: &[Course]) -> Vec<String> {
    courses.iter().map(|c| format!("{:?} {:?}", c.verdict, c.hits)).collect()
}

fn read_back(ns: &Netns, script: &str) -> Ruleset {
    let o = ns.run("sh", &["-c", "nft flush ruleset && nft -f - && nft -j list ruleset"], Some(script));
    assert!(o.status.success(), "nft did not load:\n{}", String::from_utf8_lossy(&o.stderr));
    let back = fwcheck::translate::read::from_json(&String::from_utf8_lossy(&o.stdout)).unwrap_or_else(|e| panic!("read back: {e:?}"));
    let mut sources = SourceMap::new();
    let files = vec![Source::new("back.v4", back.v4.clone()), Source::new("back.v6", back.v6.clone())];
    let loaded = load(&mut sources, files, &LoadOptions::default());
    let ds: Vec<String> = loaded.diagnostics.iter().map(|d| d.short(&sources)).collect();
    loaded.ruleset.unwrap_or_else(|| panic!("read-back text does not load: {ds:?}\n{}\n{}", back.v4, back.v6))
}

#[test]
fn translate_load_read_back_predicts_the_same() {
    if !kernel_tests_enabled("translate_load_read_back_predicts_the_same") {
        return;
    }
    let ns = Netns::new("txround");
    let files = [
        "corpus/seed/rules.sh",
        "corpus/web-server/rules.v4",
        "corpus/router-nat/rules.v4",
        "corpus/dual-stack/rules.sh",
        "corpus/ipv6-host/rules.v6",
        "corpus/commands/rules.sh",
        "corpus/generated/rules.v4",
    ];
    let mut g = Lcg(0x5eed);
    let mut packets = 0;
    for f in files {
        let text = std::fs::read_to_string(f).expect("read");
        let (_, loaded) = load_str(f, &text, &LoadOptions::default());
        let rs = loaded.ruleset.expect("loads");
        let script = translate(&rs, &Options::default()).script.unwrap_or_else(|| panic!("{f} translates"));
        let back = read_back(&ns, &script.to_text());
        assert_eq!(back.rule_count(), rs.rule_count(), "{f}: rules read back");
        for family in rs.families() {
            let (addrs, ifaces, ports) = pools(&rs, family);
            // Every interface has an address, for MASQUERADE and REDIRECT.
            let host_ifaces: Vec<fwcheck::predict::host::Iface> = ifaces
                .iter()
                .enumerate()
                .map(|(i, n)| fwcheck::predict::host::Iface { name: n.clone(), addrs: vec![(addrs[i % addrs.len()], 24)], mac: None })
                .collect();
            for hook in Hook::ALL {
                for nat in [false, true] {
                    for _ in 0..500 {
                        let p = packet(&mut g, family, &addrs, &ifaces, &ports, hook);
                        let walk = |rs: &Ruleset| {
                            let w = HookWalk {
                                rs,
                                family,
                                hook,
                                backend: Backend::Nft,
                                nat,
                                cx: EvalCx { hook, local: &[], lab: None },
                                ifaces: &host_ifaces,
                                trace: false,
                                compiled: None,
                                ipsets: None,
                                ct_attached: false,
                                lab: None,
                            };
                            w.run(&p).map(|c| summary(&c))
                        };
                        let (a, b) = (walk(&rs), walk(&back));
                        assert_eq!(a, b, "{f}: {family:?} {hook:?} nat={nat}: the read-back rule set treats this packet differently:\n{p:?}");
                        packets += 1;
                    }
                }
            }
        }
    }
    eprintln!("{packets} packets walked through both rule sets");
    assert!(packets >= 20_000, "{packets}");
}
