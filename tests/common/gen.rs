//! A seeded generator of iptables-restore rule sets shaped like the ones
//! people and tools write: all five tables, user chains with any name
//! iptables accepts (nft keywords such as `reject` and `log` among them,
//! as OpenWrt's `reject` chain), jumps and gotos, the modelled matches with
//! their options and negations, comments and log prefixes with awkward
//! characters, and targets where the kernel allows them. The same seed
//! always gives the same text, so a failure names a seed that reproduces
//! it (`FWCHECK_SEED=N`).

/// A number from the environment, or `default`.
pub fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The seeds a generator test runs: `FWCHECK_SEED` alone when it is set,
/// else the `fixed` seeds (those that once found a bug) and `FWCHECK_SEEDS`
/// (default `n`) from `FWCHECK_SEED_BASE` (default 0).
pub fn seeds(fixed: &[(u64, &str)], n: u64) -> Vec<u64> {
    if let Some(s) = std::env::var("FWCHECK_SEED").ok().and_then(|v| v.parse().ok()) {
        return vec![s];
    }
    let base = env_u64("FWCHECK_SEED_BASE", 0);
    fixed.iter().map(|(s, _)| *s).chain(base..base + env_u64("FWCHECK_SEEDS", n)).collect()
}

/// xorshift64*: small, seedable, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// 0..n
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len())]
    }
}

/// Chain names iptables accepts (at most 28 bytes, no blank, not starting
/// with `-` or `!`, not a target's name), many of which nft's text syntax
/// cannot write: its keywords, a leading digit, `:`, `@`, `$`, `#`.
const CHAIN_NAMES: &[&str] = &[
    "reject",
    "drop",
    "log",
    "limit",
    "tcp",
    "icmp",
    "mark",
    "counter",
    "accept",
    "input",
    "state",
    "filter",
    "fw-in",
    "wan.in",
    "a/b",
    "_x",
    "1abc",
    "a:b",
    "a@b",
    "a$b",
    "a#b",
    "zone_lan_forward",
    "DOCKER-USER",
    "f2b-sshd",
    "ufw-before-input",
    "KUBE-SVC-ABCDEF0123456789",
    "syn_flood",
    "LOGDROP",
];

/// Comments and log prefixes with characters that need care: quotes, `$`,
/// `#`, `;`, braces, backslashes, UTF-8.
const STRINGS: &[&str] = &["plain", "two words", "a\"b", "cost $5", "#hash", "semi;colon", "{brace}", "back\\slash", "ünïcødé", "tab\there", "x,y:z/w", "!"];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fam {
    V4,
    V6,
}

/// What a generated rule set holds that matters to its translation.
pub struct Generated {
    pub text: String,
    pub family: Fam,
    /// It uses a match fwcheck models but has no exact nft form for
    /// (`-m recent`, `-m physdev`, IPv6 addrtype UNICAST or MULTICAST):
    /// translate must refuse it, naming it.
    pub untranslatable: bool,
}

const TABLES: &[(&str, &[&str])] = &[
    ("filter", &["INPUT", "FORWARD", "OUTPUT"]),
    ("nat", &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"]),
    ("mangle", &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]),
    ("raw", &["PREROUTING", "OUTPUT"]),
    ("security", &["INPUT", "FORWARD", "OUTPUT"]),
];

fn quoted(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        if c == '"' || c == '\\' {
            o.push('\\');
        }
        o.push(c);
    }
    o.push('"');
    o
}

fn addr(r: &mut Rng, fam: Fam) -> String {
    match fam {
        Fam::V4 => {
            let len = r.pick(&[8u8, 16, 24, 32, 32]);
            let a = [10u8, r.below(4) as u8, r.below(4) as u8, 1 + r.below(4) as u8];
            let v = u32::from_be_bytes(a) & if len == 0 { 0 } else { u32::MAX << (32 - len) };
            format!("{}/{len}", std::net::Ipv4Addr::from(v))
        }
        Fam::V6 => {
            let len = r.pick(&[32u8, 48, 64, 128]);
            let v: u128 = (0x2001_0db8u128 << 96) | ((r.below(4) as u128) << 64) | (1 + r.below(4) as u128);
            let v = v & (u128::MAX << (128 - len as u32));
            format!("{}/{len}", std::net::Ipv6Addr::from(v))
        }
    }
}

fn iface(r: &mut Rng) -> &'static str {
    r.pick(&["eth0", "eth1", "eth+", "wan", "br-lan", "veth+", "lo"])
}

fn port(r: &mut Rng) -> String {
    if r.chance(30) {
        let a = r.below(2000) as u16;
        format!("{a}:{}", a + r.below(2000) as u16)
    } else {
        r.pick(&["22", "53", "80", "443", "8080", "123"]).to_string()
    }
}

fn neg(r: &mut Rng, percent: usize) -> &'static str {
    if r.chance(percent) {
        "! "
    } else {
        ""
    }
}

/// The matches of one rule, for a chain of `table` reached from `hooks`.
fn matches(r: &mut Rng, fam: Fam, table: &str, hooks: &[&str]) -> String {
    let mut m = String::new();
    let has_in = hooks.iter().all(|h| matches!(*h, "PREROUTING" | "INPUT" | "FORWARD"));
    let has_out = hooks.iter().all(|h| matches!(*h, "FORWARD" | "OUTPUT" | "POSTROUTING"));
    if r.chance(35) {
        m += &format!(" {}-s {}", neg(r, 15), addr(r, fam));
    }
    if r.chance(35) {
        m += &format!(" {}-d {}", neg(r, 15), addr(r, fam));
    }
    if has_in && r.chance(25) {
        m += &format!(" {}-i {}", neg(r, 15), iface(r));
    }
    if has_out && r.chance(25) {
        m += &format!(" {}-o {}", neg(r, 15), iface(r));
    }
    let icmp = if fam == Fam::V4 { "icmp" } else { "ipv6-icmp" };
    let proto = r.pick(&["", "", "tcp", "tcp", "udp", icmp]);
    if !proto.is_empty() {
        m += &format!(" -p {proto}");
        match proto {
            "tcp" | "udp" => {
                let ext = proto;
                match r.below(5) {
                    0 => m += &format!(" -m {ext}"),
                    1 => m += &format!(" -m {ext} {}--dport {}", neg(r, 15), port(r)),
                    2 => m += &format!(" -m {ext} --sport {} --dport {}", port(r), port(r)),
                    3 => {
                        m += &format!(
                            " -m multiport {}--dports {},{}",
                            neg(r, 10),
                            port(r).replace(':', "-").split('-').next().unwrap_or("1"),
                            r.pick(&["80", "443"])
                        )
                    }
                    _ if ext == "tcp" => m += &format!(" -m tcp {}", r.pick(&["--syn", "! --syn", "--tcp-flags SYN,ACK SYN", "--tcp-flags ALL NONE"])),
                    _ => {}
                }
            }
            // `! --icmp-type 8/0` has no nft form (translate says so).
            _ if fam == Fam::V4 => {
                let t = r.pick(&["echo-request", "echo-reply", "8/0", "any", "destination-unreachable"]);
                let n = if t.contains('/') || t == "any" { "" } else { neg(r, 10) };
                m += &format!(" -m icmp {n}--icmp-type {t}")
            }
            _ => m += &format!(" -m icmp6 --icmpv6-type {}", r.pick(&["echo-request", "128", "neighbour-solicitation", "1/4"])),
        }
    }
    if r.chance(25) {
        m += &format!(" -m conntrack {}--ctstate {}", neg(r, 10), r.pick(&["NEW", "ESTABLISHED,RELATED", "INVALID", "UNTRACKED", "NEW,ESTABLISHED"]));
    }
    if r.chance(8) {
        m += &format!(" -m state --state {}", r.pick(&["NEW", "RELATED,ESTABLISHED"]));
    }
    if r.chance(12) {
        m += &format!(" -m mark {}--mark {}", neg(r, 20), r.pick(&["0x1", "0x10/0xf0", "7"]));
    }
    if r.chance(10) {
        m += &format!(" -m length --length {}", r.pick(&["0:100", "1400:65535", "84"]));
    }
    if r.chance(8) {
        let ttl = if fam == Fam::V4 { "ttl --ttl-lt" } else { "hl --hl-lt" };
        m += &format!(" -m {ttl} {}", r.pick(&["2", "64"]));
    }
    if r.chance(8) && has_in && table != "nat" && !hooks.contains(&"OUTPUT") {
        m += " -m pkttype --pkt-type broadcast";
    }
    if r.chance(8) && fam == Fam::V4 {
        m += &format!(" -m iprange --src-range 10.0.0.{}-10.0.0.{}", 1 + r.below(5), 10 + r.below(5));
    }
    if r.chance(8) {
        m += &format!(" -m limit --limit {}/{}", 1 + r.below(10), r.pick(&["sec", "min", "hour"]));
    }
    if r.chance(8) {
        let limit = if has_in && r.chance(30) {
            " --limit-iface-in"
        } else if has_out && r.chance(30) {
            " --limit-iface-out"
        } else {
            ""
        };
        let dir = r.pick(&["--src-type", "--dst-type"]);
        // The kernel refuses BROADCAST for IPv6, and fwcheck must too: a
        // few such rule sets check that both refuse them.
        let types: &[&str] = if fam == Fam::V4 {
            &["LOCAL", "UNICAST", "BROADCAST,MULTICAST", "LOCAL,ANYCAST"]
        } else {
            &["LOCAL", "UNICAST", "MULTICAST", "LOCAL,ANYCAST", "LOCAL", "UNICAST", "MULTICAST", "BROADCAST"]
        };
        m += &format!(" -m addrtype {}{dir} {}{limit}", neg(r, 20), r.pick(types));
    }
    if r.chance(8) && hooks.iter().all(|h| matches!(*h, "PREROUTING" | "INPUT" | "FORWARD")) {
        m += &format!(" -m mac {}--mac-source 02:f1:0c:00:00:0{}", neg(r, 20), r.below(4));
    }
    if r.chance(8) && hooks.iter().all(|h| matches!(*h, "OUTPUT" | "POSTROUTING")) {
        m += &format!(" -m owner {}{}", neg(r, 20), r.pick(&["--uid-owner 0", "--uid-owner 1000-2000", "--gid-owner 100"]));
    }
    if r.chance(8) {
        m += &format!(" -m connmark {}--mark {}", neg(r, 20), r.pick(&["0x1", "0x10/0xff"]));
    }
    if r.chance(5) && fam == Fam::V4 && proto.is_empty() {
        m += &format!(" {}-f", neg(r, 50));
    }
    // Rare, so that most rule sets still translate (one in ten or so).
    if r.below(1000) < 4 {
        m +=
            &format!(" -m recent --name {} {}", r.pick(&["ssh", "DEFAULT"]), r.pick(&["--rcheck --seconds 60", "--update --seconds 60 --hitcount 4", "--set"]));
    }
    if r.below(1000) < 4 && hooks.iter().all(|h| matches!(*h, "PREROUTING" | "INPUT" | "FORWARD")) {
        m += &format!(" -m physdev --physdev-in {}", r.pick(&["veth0", "eth+"]));
    }
    if r.chance(15) {
        m += &format!(" -m comment --comment {}", quoted(r.pick(STRINGS)));
    }
    m
}

/// Whole rules for targets that need particular matches or chains, for
/// base chain `chain` of `table`.
fn special(r: &mut Rng, fam: Fam, table: &str, chain: &str) -> Option<String> {
    let (src, dst) = if fam == Fam::V4 { ("10.9.0.2", "10.9.0.1") } else { ("2001:db8::98", "2001:db8::99") };
    let rule = match (table, chain) {
        ("mangle", "FORWARD" | "POSTROUTING") => r
            .pick(&[" -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu", " -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1400"])
            .to_string(),
        ("mangle", _) => r.pick(&[" -j CONNMARK --restore-mark", " -j CONNMARK --set-mark 0x5", " -j MARK --set-xmark 0x2/0xff"]).to_string(),
        ("nat", "POSTROUTING") => format!(" -o eth0 -j SNAT --to-source {src}"),
        ("nat", "PREROUTING" | "OUTPUT") => {
            if r.chance(50) {
                " -p tcp -m tcp --dport 8080 -j REDIRECT --to-ports 80".to_string()
            } else {
                format!(" -p udp -m udp --dport 53 -j DNAT --to-destination {dst}")
            }
        }
        ("raw", _) => " -p udp -m udp --dport 123 -j CT --notrack".to_string(),
        ("filter", _) => format!(" -j NFLOG --nflog-group {} --nflog-prefix {}", r.below(4), quoted(r.pick(&["nf ", "a;b"]))),
        _ => return None,
    };
    Some(rule)
}

/// A target for a rule of `chain` in `table`, with `callees` the user
/// chains it may jump to (later in the order, so there is no loop).
fn target(r: &mut Rng, fam: Fam, table: &str, hooks: &[&str], callees: &[String]) -> String {
    if !callees.is_empty() && r.chance(25) {
        let c = &callees[r.below(callees.len())];
        return format!(" -{} {c}", if r.chance(20) { "g" } else { "j" });
    }
    let only = |h: &[&str]| !hooks.is_empty() && hooks.iter().all(|x| h.contains(x));
    let mut pool: Vec<String> = vec![" -j ACCEPT".into(), " -j RETURN".into()];
    if table != "nat" {
        pool.push(" -j DROP".into());
    }
    pool.push(format!(" -j LOG --log-prefix {}", quoted(r.pick(&["fw: ", "drop \"x\" ", "in$ ", "a;b ", "plain"]))));
    match table {
        "filter" => {
            let with = if fam == Fam::V4 { "icmp-port-unreachable" } else { "icmp6-port-unreachable" };
            pool.push(format!(" -j REJECT --reject-with {with}"));
            pool.push(" -j REJECT".into());
        }
        "mangle" => {
            pool.push(format!(" -j MARK --set-mark 0x{:x}", 1 + r.below(16)));
            pool.push(" -j CONNMARK --save-mark".into());
        }
        "raw" => pool.push(" -j NOTRACK".into()),
        "nat" if only(&["PREROUTING", "OUTPUT"]) => {
            let to = if fam == Fam::V4 { "10.9.0.1" } else { "2001:db8::99" };
            pool.push(format!(" -j DNAT --to-destination {to}"));
        }
        "nat" if only(&["POSTROUTING"]) => pool.push(" -j MASQUERADE".into()),
        _ => {}
    }
    pool[r.below(pool.len())].clone()
}

/// The rules of a guarded port and the filter chain they go first in: the
/// ssh brute-force pattern (`--set`, then `--update --hitcount N -j DROP`)
/// with the variations real sets have (a mask, `--rttl`, `--rdest`, an
/// inverted test, a `--remove` on another port), all on one list.
fn guard(r: &mut Rng, fam: Fam) -> (&'static str, String) {
    let chain = r.pick(&["INPUT", "FORWARD"]);
    let port = r.pick(&[22, 53, 80]);
    let proto = if port == 53 { "udp" } else { "tcp" };
    let mask = match (r.chance(30), fam) {
        (false, _) => String::new(),
        (true, Fam::V4) => " --mask 255.255.255.0".to_string(),
        (true, Fam::V6) => " --mask ffff:ffff:ffff:ffff::".to_string(),
    };
    let side = if r.chance(20) { " --rdest" } else { "" };
    let name = format!("--name guard{mask}{side}");
    let new = if r.chance(60) { " -m conntrack --ctstate NEW" } else { "" };
    let mut rules = format!(
        "-A {chain} -p {proto} -m {proto} --dport {port}{new} -m recent --set {name}
"
    );
    let rttl = if r.chance(20) { " --rttl" } else { "" };
    let test = if r.chance(70) { "--update" } else { "--rcheck" };
    let verdict = r.pick(&["DROP", "REJECT", "LOG --log-prefix guard"]);
    rules += &format!(
        "-A {chain} -p {proto} -m {proto} --dport {port}{new} -m recent {test} --seconds 60 --hitcount {}{rttl} {name} -j {verdict}
",
        2 + r.below(3)
    );
    if r.chance(30) {
        rules += &format!(
            "-A {chain} -p {proto} -m recent ! --rcheck {name} -j ACCEPT
"
        );
    }
    if r.chance(30) {
        rules += &format!(
            "-A {chain} -p udp -m udp --dport 123 -m recent --remove {name}
"
        );
    }
    (chain, rules)
}

/// One rule set for `seed`.
pub fn ruleset(seed: u64) -> Generated {
    build(seed, false)
}

/// One rule set for `seed` for the lab, where one in five also guards a
/// port the way real ones guard ssh (see [`guard`]): recent lists are
/// carried along the packets there, but have no nft form, so the
/// translation tests do without them.
pub fn lab_ruleset(seed: u64) -> Generated {
    build(seed, true)
}

fn build(seed: u64, guards: bool) -> Generated {
    let mut r = Rng::new(seed);
    let family = if r.chance(70) { Fam::V4 } else { Fam::V6 };
    let guard = (guards && r.chance(20)).then(|| guard(&mut r, family));
    let mut text = String::new();
    for (table, builtins) in TABLES {
        if !r.chance(if *table == "filter" { 100 } else { 40 }) {
            continue;
        }
        // User chains, each called from one base chain (so its hooks are
        // known and its targets allowed there), in order: a chain only
        // jumps to the ones after it.
        let n_user = r.below(4);
        let mut users: Vec<String> = Vec::new();
        while users.len() < n_user {
            let name = r.pick(CHAIN_NAMES).to_string();
            if !users.contains(&name) {
                users.push(name);
            }
        }
        let home: Vec<&str> = users.iter().map(|_| r.pick(builtins)).collect();
        text += &format!("*{table}\n");
        for b in *builtins {
            let policy = if *table == "filter" && r.chance(30) { "DROP" } else { "ACCEPT" };
            text += &format!(":{b} {policy} [0:0]\n");
        }
        for u in &users {
            text += &format!(":{u} - [0:0]\n");
        }
        for b in *builtins {
            let callees: Vec<String> = users.iter().zip(&home).filter(|(_, h)| **h == *b).map(|(u, _)| u.clone()).collect();
            let first_callee = callees.first().cloned();
            if let Some((chain, rules)) = &guard {
                if *table == "filter" && chain == b {
                    text += rules;
                }
            }
            for _ in 0..r.below(5) {
                text += &format!("-A {b}{}{}\n", matches(&mut r, family, table, &[b]), target(&mut r, family, table, &[b], &callees[..callees.len().min(1)]));
            }
            if r.chance(30) {
                if let Some(rule) = special(&mut r, family, table, b) {
                    text += &format!("-A {b}{rule}\n");
                }
            }
            // Every user chain of this base chain is reached.
            for c in &callees {
                text += &format!("-A {b}{} -j {c}\n", matches(&mut r, family, table, &[b]));
            }
            let _ = first_callee;
        }
        for (i, u) in users.iter().enumerate() {
            let hooks = [home[i]];
            let later: Vec<String> = users[i + 1..].iter().zip(&home[i + 1..]).filter(|(_, h)| **h == home[i]).map(|(u, _)| u.clone()).collect();
            for _ in 0..1 + r.below(5) {
                text += &format!("-A {u}{}{}\n", matches(&mut r, family, table, &hooks), target(&mut r, family, table, &hooks, &later));
            }
        }
        text += "COMMIT\n";
    }
    // IPv6 addrtype UNICAST and MULTICAST test the address's form, which
    // nft's fib cannot say.
    let v6_form = family == Fam::V6 && (text.contains("-type UNICAST") || text.contains("-type MULTICAST"));
    // A negated owner match also matches packets without a socket; nft's
    // meta skuid/skgid do not.
    let neg_owner = text.contains(" -m owner ! ");
    let untranslatable = text.contains(" -m recent ") || text.contains(" -m physdev ") || v6_form || neg_owner;
    Generated { text, family, untranslatable }
}

/// The lab the packet generator sends through: a client and a server
/// namespace on either side of a firewall that forwards, on the addresses
/// the rule generator's rules name (10.0.0.0/24 and 10.1.0.0/24, or
/// 2001:db8::/124 and 2001:db8:0:1::/124), with the firewall's interfaces
/// named eth0 and eth1 as the rules name them, and the rule set in the
/// firewall. `rules` is the rule file's name beside the scenario.
pub fn lab_scenario(fam: Fam, rules: &str) -> String {
    let (c, f0, f1, s, len, fwd) = match fam {
        Fam::V4 => (["10.0.0.2", "10.0.0.3"], "10.0.0.1", "10.1.0.1", ["10.1.0.2", "10.1.0.3"], 24, "net.ipv4.ip_forward"),
        // /124, so that the rules' DNAT to 2001:db8::99 has no route, as
        // their DNAT to 10.9.0.1 has none (a DNAT back out of the interface
        // the packet came in on would make the kernel send an ICMP redirect).
        Fam::V6 => {
            (["2001:db8::2", "2001:db8::3"], "2001:db8::1", "2001:db8:0:1::1", ["2001:db8:0:1::2", "2001:db8:0:1::3"], 124, "net.ipv6.conf.all.forwarding")
        }
    };
    format!(
        r#"description = "generated: client - firewall - server"

[[netns]]
name = "client"
addresses = ["eth0 {c0}/{len}", "eth0 {c1}/{len}"]
routes = ["default via {f0} dev eth0"]

[[netns]]
name = "fw"
addresses = ["eth0 {f0}/{len}", "eth1 {f1}/{len}"]
sysctls = {{ "{fwd}" = "1" }}
rules = "{rules}"

[[netns]]
name = "server"
addresses = ["eth0 {s0}/{len}", "eth0 {s1}/{len}"]
routes = ["default via {f1} dev eth0"]

[[veth]]
ends = ["client:eth0", "fw:eth0"]

[[veth]]
ends = ["fw:eth1", "server:eth0"]
"#,
        c0 = c[0],
        c1 = c[1],
        s0 = s[0],
        s1 = s[1],
    )
}

/// `n` packet SPECs for [`lab_scenario`], biased toward what the rule
/// generator's rules look at: sent from the client's or the server's
/// addresses to the firewall's, across it, or to the sender's own side's
/// firewall address; TCP with the flag combinations real traffic has (and
/// some it should not), UDP and ICMP echo, on the rules' ports and on
/// others, with payloads and low TTLs now and then. A few source ports
/// recur, so that later packets meet the connections earlier ones made.
pub fn packets(seed: u64, fam: Fam, n: usize) -> Vec<String> {
    let mut r = Rng::new(seed ^ 0x5eed_0f_9ac7);
    let (client, server, fw): (&[&str], &[&str], &[&str]) = match fam {
        Fam::V4 => (&["10.0.0.2", "10.0.0.3"], &["10.1.0.2", "10.1.0.3"], &["10.0.0.1", "10.1.0.1"]),
        Fam::V6 => (&["2001:db8::2", "2001:db8::3"], &["2001:db8:0:1::2", "2001:db8:0:1::3"], &["2001:db8::1", "2001:db8:0:1::1"]),
    };
    let host = |a: &str| if a.contains(':') { format!("[{a}]") } else { a.to_string() };
    let mut out = Vec::new();
    for _ in 0..n {
        let from_client = r.chance(70);
        let (mine, theirs) = if from_client { (client, server) } else { (server, client) };
        let src = r.pick(mine);
        let dst = match r.below(10) {
            0..=5 => r.pick(theirs),
            6..=8 => r.pick(fw),
            _ => r.pick(&fw[..]),
        };
        let mut extra = String::new();
        if r.chance(10) {
            extra += &format!(" ttl {}", r.pick(&[1u8, 2, 3, 64, 255]));
        }
        let spec = match r.below(10) {
            0..=4 => {
                let flags = r.pick(&["syn", "syn", "syn", "ack", "syn ack", "fin ack", "rst", "psh ack", "rst ack", "fin", "syn fin", ""]);
                let data = if r.chance(20) { format!(" data {}", r.below(1400)) } else { String::new() };
                format!("tcp {}:{} -> {}:{} {flags}{data}", host(src), sport(&mut r), host(dst), dport(&mut r))
            }
            5..=7 => {
                let size = if r.chance(30) { format!(" size {}", r.below(1400)) } else { String::new() };
                format!("udp {}:{} -> {}:{}{size}", host(src), sport(&mut r), host(dst), dport(&mut r))
            }
            _ => {
                let t = r.pick(&["echo-request", "echo-request", "echo-reply"]);
                let size = if r.chance(30) { format!(" size {}", r.below(1400)) } else { String::new() };
                format!("icmp {src} -> {dst} {t}{size}")
            }
        };
        out.push(spec + &extra);
    }
    out
}

fn sport(r: &mut Rng) -> u16 {
    if r.chance(60) {
        r.pick(&[40000, 40001, 53, 123])
    } else {
        1024 + r.below(60000) as u16
    }
}

fn dport(r: &mut Rng) -> u16 {
    if r.chance(75) {
        r.pick(&[22, 53, 80, 443, 8080, 123, 0, 1, 2000, 3999])
    } else {
        r.below(65536) as u16
    }
}
