//! A scenario read from the lab script a user already has, like the
//! tutorial's: `ip netns add`, `ip link add A type veth peer name B`,
//! `ip link set A netns NS`, `ip link set A name B`, `ip link set A up`,
//! `ip addr add ADDR/LEN dev D`, `ip route add ...`, `sysctl -w k=v`,
//! `echo V > /proc/sys/...`, `ping -c N DST`, and `iptables` commands, each
//! optionally after `sudo` and `ip netns exec NS` (or `ip -n NS`). A line
//! fwcheck does not understand is an error at its line and column: a lab
//! that silently differs from the user's would verify the wrong thing.

use super::toml_file::{check_sysctl, parse_prefix, parse_route, unmodelled_sysctl};
use super::{load_rules, End, Namespace, Scenario, Veth};
use crate::diag::Diagnostic;
use crate::predict::spec::Spec;
use crate::source::{Source, SourceMap, Span};
use crate::syntax::{self, Stmt, Word};

/// A veth end while the script moves and renames it.
struct Pending {
    netns: Option<String>,
    dev: String,
    /// The other end (index into the pending list).
    peer: usize,
}

struct Reader<'d> {
    sc: Scenario,
    ends: Vec<Pending>,
    /// `ping` lines: (netns, destination, count, size, span).
    pings: Vec<(String, std::net::IpAddr, u32, u32, Span)>,
    diags: &'d mut Vec<Diagnostic>,
}

/// Reads a lab script. Its iptables commands become each namespace's rule
/// set; `--flow`s given on the command line are added by the caller.
pub fn from_script(sources: &mut SourceMap, src: Source) -> (Option<Scenario>, Vec<Diagnostic>) {
    let text = src.text.clone();
    let name = src.name.clone();
    let file = sources.add(src);
    let mut diags = Vec::new();
    let (script, parse_diags) = syntax::parse(file, &text, syntax::Options::default());
    // Errors of iptables lines are reported when each namespace's rules
    // load below; here only the lab lines are read.
    let mut r = Reader { sc: Scenario::default(), ends: Vec::new(), pings: Vec::new(), diags: &mut diags };
    let mut rule_ns: Vec<String> = Vec::new();
    for st in &script.stmts {
        match st {
            Stmt::Lab { words, netns, span } => r.line(words, netns.as_deref(), *span),
            Stmt::Command { netns: Some(ns), .. } if !rule_ns.contains(ns) => rule_ns.push(ns.clone()),
            Stmt::Command { netns: Some(_), .. } => {}
            Stmt::Command { netns: None, inv, .. } => r.diags.push(
                Diagnostic::error("scenario::rules-outside-netns", inv.span, "an iptables command in the host namespace")
                    .with_help("fwcheck never changes the host's firewall: run it in a namespace with `ip netns exec NS iptables ...`"),
            ),
            _ => {}
        }
    }
    let file_span = Span::new(file, 0, 0);
    r.finish(file_span);
    let mut sc = r.sc;
    // Lines that are neither lab lines nor iptables commands, and syntax
    // errors, come from the parse; the per-namespace loads parse again and
    // repeat some of them, which the dedup below removes.
    diags.extend(parse_diags.into_iter().map(|d| {
        if d.code == "parse::not-iptables" {
            d.with_help("a lab script may hold ip netns/link/addr/route, sysctl, echo > /proc/sys, ping and iptables lines; remove or comment out the others")
        } else {
            d
        }
    }));
    for ns in rule_ns {
        match sc.namespaces.iter_mut().find(|n| n.name == ns) {
            Some(n) => n.rules = load_rules(sources, Source::new(name.clone(), text.to_string()), Some(&ns), &mut diags),
            None => diags.push(
                Diagnostic::error("scenario::unknown-netns", file_span, format!("iptables commands run in `{ns}`, which the script does not create"))
                    .with_help("add `ip netns add NAME` before them"),
            ),
        }
    }
    sc.check(file_span, &mut diags);
    diags.sort_by_key(|d| (d.span.file, d.span.start));
    diags.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    let ok = !diags.iter().any(|d| d.is_error());
    (ok.then_some(sc), diags)
}

impl Reader<'_> {
    fn err(&mut self, span: Span, msg: impl Into<String>, help: impl Into<String>) {
        self.diags.push(Diagnostic::error("scenario::script", span, msg).with_help(help));
    }

    fn line(&mut self, words: &[Word], netns: Option<&str>, span: Span) {
        let w: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        let at = |i: usize| words.get(i).map_or(span, |w| w.span);
        match w.as_slice() {
            ["ip", "-n", ns, rest @ ..] | ["ip", "-netns", ns, rest @ ..] => {
                let mut inner: Vec<Word> = vec![words[0].clone()];
                inner.extend(words[3..].iter().cloned());
                let _ = rest;
                let ns = ns.to_string();
                self.line(&inner, Some(&ns), span)
            }
            ["ip", "netns", "add", name] => {
                if netns.is_some() {
                    return self.err(at(0), "`ip netns add` inside a namespace", "create namespaces from the host shell");
                }
                if self.sc.namespace(name).is_some() {
                    return self.err(at(3), format!("namespace `{name}` is created twice"), "remove the second `ip netns add`");
                }
                self.sc.namespaces.push(Namespace {
                    name: name.to_string(),
                    addrs: Vec::new(),
                    routes: Vec::new(),
                    sysctls: Vec::new(),
                    rules: None,
                    ipsets: None,
                });
            }
            ["ip", "link", "add", a, "type", "veth", "peer", "name", b] | ["ip", "link", "add", a, "type", "veth", "peer", b] => {
                let n = self.ends.len();
                let ns = netns.map(str::to_string);
                self.ends.push(Pending { netns: ns.clone(), dev: a.to_string(), peer: n + 1 });
                self.ends.push(Pending { netns: ns, dev: b.to_string(), peer: n });
            }
            ["ip", "link", "set", dev, "netns", target] | ["ip", "link", "set", "dev", dev, "netns", target] => match self.end(netns, dev) {
                Some(i) => self.ends[i].netns = Some(target.to_string()),
                None => self.unknown_dev(at(3), dev, netns),
            },
            ["ip", "link", "set", dev, "name", new] | ["ip", "link", "set", "dev", dev, "name", new] => match self.end(netns, dev) {
                Some(i) => self.ends[i].dev = new.to_string(),
                None => self.unknown_dev(at(3), dev, netns),
            },
            // The lab brings every interface up; these lines change nothing.
            ["ip", "link", "set", dev, "up"] | ["ip", "link", "set", "dev", dev, "up"] => {
                if *dev != "lo" && self.end(netns, dev).is_none() {
                    self.unknown_dev(at(3), dev, netns)
                }
            }
            ["ip", "addr" | "address" | "a", "add", addr, "dev", dev] => {
                let Some(ns) = self.netns_of(netns, at(0)) else { return };
                match parse_prefix(addr) {
                    Ok((a, l)) => self.ns_mut(&ns).addrs.push((dev.to_string(), a, l)),
                    Err(e) => self.err(at(3), e, "write ADDR/LEN, e.g. 192.168.1.1/24"),
                }
            }
            ["ip", "route" | "r", "add", rest @ ..] => {
                let Some(ns) = self.netns_of(netns, at(0)) else { return };
                match parse_route(rest) {
                    Ok(r) => self.ns_mut(&ns).routes.push(r),
                    Err(e) => self.err(at(3), e, "fwcheck reads `ip route add default|PREFIX [via GW] [dev DEV]`"),
                }
            }
            ["sysctl", "-w", kv] | ["sysctl", kv] => {
                let Some(ns) = self.netns_of(netns, at(0)) else { return };
                let Some((k, v)) = kv.split_once('=') else {
                    return self.err(at(w.len() - 1), format!("`{kv}` is not NAME=VALUE"), "write `sysctl -w net.ipv4.ip_forward=1`");
                };
                self.sysctl(&ns, k, v, at(w.len() - 1));
            }
            ["echo", v, ">", path] if path.starts_with("/proc/sys/") => {
                let Some(ns) = self.netns_of(netns, at(0)) else { return };
                let k = path.trim_start_matches("/proc/sys/").replace('/', ".");
                self.sysctl(&ns, &k, v, at(3));
            }
            ["ping", rest @ ..] => self.ping(rest, &words[1..], netns, at(0)),
            _ => self.err(
                span,
                format!("fwcheck does not understand this lab line: `{}`", w.join(" ")),
                "a lab script may hold ip netns/link/addr/route, sysctl, echo > /proc/sys, ping and iptables lines; remove or comment out the others",
            ),
        }
    }

    fn sysctl(&mut self, ns: &str, k: &str, v: &str, span: Span) {
        if let Some(w) = unmodelled_sysctl(k) {
            self.diags.push(Diagnostic::warning("scenario::unmodelled-sysctl", span, w));
        }
        match check_sysctl(k, v.trim()) {
            Ok(()) => self.ns_mut(ns).sysctls.push((k.to_string(), v.trim().to_string())),
            Err((m, h)) => self.err(span, m, h),
        }
    }

    /// `ping [-c N] [-s SIZE] DST` in a namespace: traffic, sent from the
    /// namespace's address toward DST once the whole script is read.
    fn ping(&mut self, w: &[&str], words: &[Word], netns: Option<&str>, span: Span) {
        let Some(ns) = self.netns_of(netns, span) else { return };
        let (mut count, mut size, mut dst) = (None, 56, None);
        let mut i = 0;
        while i < w.len() {
            match w[i] {
                "-c" | "-s" if i + 1 < w.len() => {
                    let Ok(v) = w[i + 1].parse::<u32>() else {
                        return self.err(words[i + 1].span, format!("`{}` is not a number", w[i + 1]), "write e.g. `ping -c 3 192.168.2.1`");
                    };
                    if w[i] == "-c" {
                        count = Some(v)
                    } else {
                        size = v
                    }
                    i += 2;
                }
                a if !a.starts_with('-') && dst.is_none() => match a.parse() {
                    Ok(d) => {
                        dst = Some(d);
                        i += 1;
                    }
                    Err(_) => return self.err(words[i].span, format!("`{a}` is not an IP address"), "fwcheck does not resolve names: ping an address"),
                },
                other => return self.err(words[i].span, format!("ping option `{other}` is not modelled"), "fwcheck reads `ping [-c N] [-s SIZE] ADDR`"),
            }
        }
        let (Some(dst), Some(count)) = (dst, count) else {
            return self.err(span, "ping needs an address and `-c N`", "without -c ping runs forever: write `ping -c 3 ADDR`");
        };
        self.pings.push((ns, dst, count, size, span));
    }

    fn netns_of(&mut self, netns: Option<&str>, span: Span) -> Option<String> {
        match netns {
            Some(ns) if self.sc.namespace(ns).is_some() => Some(ns.to_string()),
            Some(ns) => {
                self.err(span, format!("namespace `{ns}` is not created by the script"), "add `ip netns add NAME` before this line");
                None
            }
            None => {
                self.err(span, "this line would change the host namespace", "fwcheck never changes the host: run it with `ip netns exec NS`");
                None
            }
        }
    }

    fn ns_mut(&mut self, name: &str) -> &mut Namespace {
        self.sc.namespaces.iter_mut().find(|n| n.name == name).expect("netns_of checked that it exists")
    }

    fn end(&self, netns: Option<&str>, dev: &str) -> Option<usize> {
        self.ends.iter().position(|e| e.netns.as_deref() == netns && e.dev == dev)
    }

    fn unknown_dev(&mut self, span: Span, dev: &str, netns: Option<&str>) {
        let whr = netns.map_or("the host namespace".to_string(), |n| format!("namespace `{n}`"));
        self.err(
            span,
            format!("no veth end `{dev}` in {whr} at this point"),
            "create it with `ip link add A type veth peer name B` and move it with `ip link set A netns NS`",
        );
    }

    fn finish(&mut self, span: Span) {
        for (i, e) in self.ends.iter().enumerate() {
            if e.peer < i {
                continue;
            }
            let p = &self.ends[e.peer];
            match (&e.netns, &p.netns) {
                (Some(a), Some(b)) => {
                    self.sc.veths.push(Veth { a: End { netns: a.clone(), dev: e.dev.clone() }, b: End { netns: b.clone(), dev: p.dev.clone() } })
                }
                _ => self.diags.push(
                    Diagnostic::error("scenario::veth-in-host", span, format!("veth pair {}/{} keeps an end in the host namespace", e.dev, p.dev))
                        .with_help("move both ends into namespaces with `ip link set DEV netns NS`: fwcheck never changes the host"),
                ),
            }
        }
        let hosts = self.sc.hosts(&|_| None);
        for (ns, dst, count, size, span) in std::mem::take(&mut self.pings) {
            let ix = self.sc.namespaces.iter().position(|n| n.name == ns).expect("ping checked the namespace");
            match hosts[ix].addr_toward(dst) {
                Some(src) => self.sc.traffic.push((Spec::Ping { src, dst, count, size, id: None }, span)),
                None => self.err(span, format!("namespace `{ns}` has no address to ping {dst} from"), "give it an address with `ip addr add`"),
            }
        }
    }
}
