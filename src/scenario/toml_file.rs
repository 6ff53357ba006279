//! The TOML form of a scenario:
//!
//! ```toml
//! traffic = ["ping 192.168.1.1 -> 192.168.2.1 count 3"]
//!
//! [[netns]]
//! name = "test-2"
//! addresses = ["eth0 192.168.2.1/24"]
//! routes = ["default via 192.168.2.1 dev eth0"]
//! sysctls = { "net.ipv4.icmp_echo_ignore_all" = "1" }
//! rules = "rules.sh"        # a file beside the scenario, or inline:
//! rules_text = "iptables -A INPUT -j ACCEPT"
//!
//! [[veth]]
//! ends = ["test-1:eth0", "test-2:eth0"]
//! ```

use super::{load_rules, End, Namespace, ReadFile, Scenario, Veth, SYSCTLS};
use crate::diag::Diagnostic;
use crate::predict::host::Route;
use crate::source::{FileId, Source, SourceMap, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::IpAddr;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    traffic: Vec<String>,
    /// The backends the scenario can run on (default: all): `-m set`, say,
    /// has no native nft form.
    backends: Option<Vec<String>>,
    #[serde(default)]
    netns: Vec<NsFile>,
    #[serde(default)]
    veth: Vec<VethFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NsFile {
    name: String,
    #[serde(default)]
    addresses: Vec<String>,
    #[serde(default)]
    routes: Vec<String>,
    #[serde(default)]
    sysctls: BTreeMap<String, toml::Value>,
    rules: Option<String>,
    rules_text: Option<String>,
    /// A file of `ipset save` output, restored in the namespace before its
    /// rules load.
    ipsets: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VethFile {
    ends: [String; 2],
}

/// Where in the scenario file `needle` (a value the user wrote) is, for
/// diagnostics: TOML's deserializer gives spans for syntax errors only.
fn find(text: &str, file: FileId, needle: &str) -> Span {
    match text.find(needle) {
        Some(i) => Span::new(file, i, i + needle.len()),
        None => Span::new(file, 0, 0),
    }
}

/// Reads a scenario file. Rule files it names are read with `read`,
/// relative to `dir`.
pub fn from_toml(sources: &mut SourceMap, src: Source, dir: &str, read: ReadFile) -> (Option<Scenario>, Vec<Diagnostic>) {
    let text = src.text.clone();
    let file = sources.add(src);
    let mut diags = Vec::new();
    let f: File = match toml::from_str(&text) {
        Ok(f) => f,
        Err(e) => {
            let span = e.span().map_or(Span::new(file, 0, 0), |r| Span::new(file, r.start, r.end));
            diags.push(
                Diagnostic::error("scenario::toml", span, e.message().to_string())
                    .with_help("see `fwcheck help verify` and corpus/scenarios/ for the scenario format"),
            );
            return (None, diags);
        }
    };
    let mut sc = Scenario::default();
    for b in f.backends.iter().flatten() {
        match <crate::netfilter::Backend as clap::ValueEnum>::from_str(b, false) {
            Ok(x) => sc.backends.push(x),
            Err(_) => diags.push(
                Diagnostic::error("scenario::backend", find(&text, file, b), format!("`{b}` is not a backend"))
                    .with_help("write iptables-nft, iptables-legacy or nft"),
            ),
        }
    }
    for ns in &f.netns {
        let at = |s: &str| find(&text, file, s);
        let mut n = Namespace { name: ns.name.clone(), addrs: Vec::new(), routes: Vec::new(), sysctls: Vec::new(), rules: None, ipsets: None };
        if sc.namespace(&ns.name).is_some() {
            diags.push(Diagnostic::error("scenario::duplicate-netns", at(&ns.name), format!("namespace `{}` is declared twice", ns.name)));
        }
        for a in &ns.addresses {
            match parse_address(a) {
                Ok(x) => n.addrs.push(x),
                Err(e) => diags.push(Diagnostic::error("scenario::address", at(a), e).with_help("write `DEV ADDR/LEN`, e.g. `eth0 192.168.1.1/24`")),
            }
        }
        for r in &ns.routes {
            let words: Vec<&str> = r.split_whitespace().collect();
            match parse_route(&words) {
                Ok(x) => n.routes.push(x),
                Err(e) => {
                    diags.push(Diagnostic::error("scenario::route", at(r), e).with_help("write it as for `ip route add`: `default via 10.0.0.1 dev eth0`"))
                }
            }
        }
        for (k, v) in &ns.sysctls {
            let v = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => (*b as u8).to_string(),
                other => other.to_string(),
            };
            if let Some(w) = unmodelled_sysctl(k) {
                diags.push(Diagnostic::warning("scenario::unmodelled-sysctl", at(k), w));
            }
            match check_sysctl(k, &v) {
                Ok(()) => n.sysctls.push((k.clone(), v)),
                Err(e) => diags.push(Diagnostic::error("scenario::sysctl", at(k), e.0).with_help(e.1)),
            }
        }
        let rules = match (&ns.rules, &ns.rules_text) {
            (Some(_), Some(_)) => {
                diags.push(
                    Diagnostic::error("scenario::rules", at(&ns.name), format!("namespace `{}` has both `rules` and `rules_text`", ns.name))
                        .with_help("keep one"),
                );
                None
            }
            (Some(path), None) => {
                let full = if path.starts_with('/') || dir.is_empty() { path.clone() } else { format!("{dir}/{path}") };
                match read(&full) {
                    Ok(t) => Some(Source::new(full, t)),
                    Err(e) => {
                        diags.push(Diagnostic::error("scenario::rules", at(path), format!("cannot read {full}: {e}")));
                        None
                    }
                }
            }
            (None, Some(t)) => Some(Source::new(format!("{}#{}", sources.get(file).name, ns.name), t.clone())),
            (None, None) => None,
        };
        if let Some(src) = rules {
            n.rules = load_rules(sources, src, None, &mut diags);
        }
        if let Some(path) = &ns.ipsets {
            let full = if path.starts_with('/') || dir.is_empty() { path.clone() } else { format!("{dir}/{path}") };
            match read(&full).map_err(|e| format!("cannot read {full}: {e}")).and_then(|t| crate::verify::ipsets::Ipsets::parse(&full, &t).map(|i| (t, i))) {
                Ok(x) => n.ipsets = Some(x),
                Err(e) => diags.push(Diagnostic::error("scenario::ipsets", at(path), e).with_help("give the output of `ipset save`")),
            }
        }
        sc.namespaces.push(n);
    }
    for v in &f.veth {
        let mut ends = Vec::new();
        for e in &v.ends {
            match e.split_once(':') {
                Some((ns, dev)) if !ns.is_empty() && !dev.is_empty() => ends.push(End { netns: ns.to_string(), dev: dev.to_string() }),
                _ => diags.push(
                    Diagnostic::error("scenario::veth", find(&text, file, e), format!("`{e}` is not NETNS:DEV")).with_help("write each end as `test-1:eth0`"),
                ),
            }
        }
        if ends.len() == 2 {
            let b = ends.pop().expect("two ends");
            let a = ends.pop().expect("two ends");
            sc.veths.push(Veth { a, b });
        }
    }
    for t in &f.traffic {
        let span = find(&text, file, t);
        match crate::predict::spec::parse_traffic(t) {
            Ok(s) => sc.traffic.push((s, span)),
            Err(e) => diags.push(Diagnostic::error("scenario::traffic", span, e).with_help("see the SPEC syntax in `fwcheck predict --help`")),
        }
    }
    sc.check(Span::new(file, 0, 0), &mut diags);
    let ok = !diags.iter().any(|d| d.is_error());
    (ok.then_some(sc), diags)
}

/// `DEV ADDR/LEN`.
pub fn parse_address(s: &str) -> Result<(String, IpAddr, u8), String> {
    let mut w = s.split_whitespace();
    let (Some(dev), Some(a), None) = (w.next(), w.next(), w.next()) else {
        return Err(format!("`{s}` is not `DEV ADDR/LEN`"));
    };
    let (a, l) = parse_prefix(a)?;
    Ok((dev.to_string(), a, l))
}

/// `ADDR[/LEN]`: a host address without a length.
pub fn parse_prefix(s: &str) -> Result<(IpAddr, u8), String> {
    let (a, l) = s.split_once('/').map_or((s, None), |(a, l)| (a, Some(l)));
    let a: IpAddr = a.parse().map_err(|_| format!("`{a}` is not an IP address"))?;
    let max = if a.is_ipv4() { 32 } else { 128 };
    let l = match l {
        None => max,
        Some(l) => l.parse::<u8>().ok().filter(|l| *l <= max).ok_or_else(|| format!("`{l}` is not a prefix length (0 to {max})"))?,
    };
    Ok((a, l))
}

/// The words after `ip route add`: `default|PREFIX [via GW] [dev DEV]`.
pub fn parse_route(words: &[&str]) -> Result<Route, String> {
    let Some(first) = words.first() else { return Err("a route needs a destination".into()) };
    let mut via = None;
    let mut dev = None;
    let mut i = 1;
    while i < words.len() {
        let val = words.get(i + 1).ok_or_else(|| format!("`{}` needs a value", words[i]))?;
        match words[i] {
            "via" => via = Some(val.parse::<IpAddr>().map_err(|_| format!("`{val}` is not a gateway address"))?),
            "dev" => dev = Some(val.to_string()),
            other => return Err(format!("`{other}` in a route is not understood (fwcheck reads `via` and `dev`)")),
        }
        i += 2;
    }
    let dst = if *first == "default" {
        let v6 = via.is_some_and(|g: IpAddr| g.is_ipv6());
        (if v6 { "::".parse().expect("literal") } else { "0.0.0.0".parse().expect("literal") }, 0)
    } else {
        parse_prefix(first)?
    };
    if via.is_none() && dev.is_none() {
        return Err("a route needs `via GW` or `dev DEV`".into());
    }
    Ok(Route { dst, via, dev })
}

/// The kernel's ICMP rate limits, which the lab switches off: a scenario
/// may set them back (to show the kernel sending fewer errors than
/// fwcheck predicts), with a warning.
const RATE_LIMITS: &[&str] = &[
    "net.ipv4.icmp_ratemask",
    "net.ipv4.icmp_ratelimit",
    "net.ipv4.icmp_msgs_per_sec",
    "net.ipv4.icmp_msgs_burst",
    "net.ipv6.icmp.ratelimit",
    "net.ipv6.icmp.ratemask",
];

/// The warning for a sysctl fwcheck lets the lab set without modelling it.
pub fn unmodelled_sysctl(k: &str) -> Option<String> {
    RATE_LIMITS.contains(&k).then(|| {
        format!("`{k}`: fwcheck does not model the kernel's ICMP rate limits (the lab switches them off); with this the kernel may send fewer ICMP errors than predicted")
    })
}

/// Only sysctls fwcheck models, with 0 or 1 (and the rate limits of
/// [`unmodelled_sysctl`], with any value).
pub fn check_sysctl(k: &str, v: &str) -> Result<(), (String, String)> {
    if RATE_LIMITS.contains(&k) {
        return Ok(());
    }
    if !SYSCTLS.contains(&k) {
        return Err((format!("fwcheck does not model the sysctl `{k}`"), format!("it models {}", SYSCTLS.join(", "))));
    }
    if v != "0" && v != "1" {
        return Err((format!("`{k}` = `{v}`: the value is 0 or 1"), "write 0 or 1".into()));
    }
    Ok(())
}
