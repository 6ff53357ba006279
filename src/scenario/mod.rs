//! Scenarios: namespaces, the veth pairs between them, their addresses,
//! routes, sysctls and rule sets, and the traffic to send. `fwcheck lab`
//! builds one, `fwcheck verify` sends its traffic and compares the kernel's
//! counters with the prediction.
//!
//! A scenario is written as TOML (see `corpus/scenarios/`) or read from the
//! lab script a user already has, like the tutorial's ([`script`]). Both
//! end as the same [`Scenario`]; nothing here touches the system.

pub mod script;
pub use script::from_script;
mod toml_file;

use crate::diag::Diagnostic;
use crate::ir::{Family, Ruleset};
use crate::load::{load, LoadOptions};
use crate::netfilter::Backend;
use crate::predict::host::{Host, Iface, Route};
use crate::predict::run::{Node, Run, Wire};
use crate::predict::spec::Spec;
use crate::source::{Source, SourceMap, Span};
use crate::syntax::{self, Stmt};
use std::net::IpAddr;

pub use toml_file::from_toml;

/// Reads a file a scenario names (rules, a path relative to the scenario).
/// `main` passes the file system; tests pass what they like.
pub type ReadFile<'a> = &'a dyn Fn(&str) -> std::io::Result<String>;

#[derive(Clone, Debug, Default)]
pub struct Scenario {
    pub namespaces: Vec<Namespace>,
    pub veths: Vec<Veth>,
    /// Flow or packet SPECs, in order, with where they were written.
    pub traffic: Vec<(Spec, Span)>,
    /// The backends the scenario runs on; empty: every one.
    pub backends: Vec<crate::netfilter::Backend>,
}

#[derive(Clone, Debug)]
pub struct Namespace {
    pub name: String,
    /// Interfaces other than `lo` with their addresses (veth ends appear
    /// here once an address is given, or when wired without one).
    pub addrs: Vec<(String, IpAddr, u8)>,
    pub routes: Vec<Route>,
    /// `net.ipv4.icmp_echo_ignore_all` = `1` …, in order.
    pub sysctls: Vec<(String, String)>,
    /// The rule set as fwcheck reads it, and how to load it into the
    /// kernel the way the user's file does.
    pub rules: Option<Rules>,
    /// The namespace's ipsets: the `ipset save` text the lab restores, and
    /// its contents as predict reads them.
    pub ipsets: Option<(String, crate::verify::ipsets::Ipsets)>,
}

#[derive(Clone, Debug)]
pub struct Rules {
    pub ruleset: Ruleset,
    pub load: Vec<LoadStep>,
}

/// How a rule file reaches the kernel: a script's commands one by one, as
/// the user runs them (that is what makes iptables-nft's policy counters
/// read 0 for chains `-A` created), or a save file through
/// iptables-restore.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadStep {
    Command { family: Family, args: Vec<String> },
    Restore { family: Family, text: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct End {
    pub netns: String,
    pub dev: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Veth {
    pub a: End,
    pub b: End,
}

/// Sysctls fwcheck models and the lab sets; others are refused, because a
/// sysctl fwcheck does not model could change what the kernel does.
pub const SYSCTLS: &[&str] = &["net.ipv4.icmp_echo_ignore_all", "net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"];

impl Scenario {
    pub fn namespace(&self, name: &str) -> Option<&Namespace> {
        self.namespaces.iter().find(|n| n.name == name)
    }

    /// The host model of each namespace, in order: its interfaces (`lo`,
    /// each veth end, each addressed device), routes and sysctls; `macs`
    /// gives the Ethernet address of each veth end, when known.
    pub fn hosts(&self, macs: &dyn Fn(&End) -> Option<[u8; 6]>) -> Vec<Host> {
        self.namespaces
            .iter()
            .map(|ns| {
                let mut ifaces = vec![Host::lo()];
                fn dev(ifaces: &mut Vec<Iface>, name: &str) -> usize {
                    match ifaces.iter().position(|i| i.name == name) {
                        Some(i) => i,
                        None => {
                            ifaces.push(Iface::new(name, Vec::new()));
                            ifaces.len() - 1
                        }
                    }
                }
                for v in &self.veths {
                    for e in [&v.a, &v.b] {
                        if e.netns == ns.name {
                            let i = dev(&mut ifaces, &e.dev);
                            ifaces[i].mac = macs(e);
                        }
                    }
                }
                for (d, a, l) in &ns.addrs {
                    let i = dev(&mut ifaces, d);
                    ifaces[i].addrs.push((*a, *l));
                }
                let mut h = Host::new(ifaces);
                h.routes = ns.routes.clone();
                // The lab has exactly these routes.
                h.routes_complete = true;
                for (k, v) in &ns.sysctls {
                    let on = v.trim() != "0";
                    match k.as_str() {
                        "net.ipv4.icmp_echo_ignore_all" => h.icmp_echo_ignore_all = on,
                        "net.ipv4.ip_forward" | "net.ipv6.conf.all.forwarding" => h.ip_forward = on,
                        _ => {}
                    }
                }
                h
            })
            .collect()
    }

    /// The wires between the hosts of [`Scenario::hosts`].
    pub fn wires(&self) -> Vec<Wire> {
        let ix = |e: &End| self.namespaces.iter().position(|n| n.name == e.netns).unwrap_or(0);
        self.veths.iter().map(|v| Wire { a: (ix(&v.a), v.a.dev.clone()), b: (ix(&v.b), v.b.dev.clone()) }).collect()
    }

    /// A predictor over all namespaces; namespaces without rules get an
    /// empty rule set.
    pub fn run<'a>(&'a self, hosts: &'a [Host], empty: &'a Ruleset, backend: Backend, trace: bool) -> Run<'a> {
        let nodes = self
            .namespaces
            .iter()
            .zip(hosts)
            .map(|(ns, h)| {
                let mut node = Node::new(&ns.name, ns.rules.as_ref().map_or(empty, |r| &r.ruleset), h, backend);
                node.ipsets = ns.ipsets.as_ref().map(|(_, i)| i);
                node
            })
            .collect();
        Run { nodes, wires: self.wires(), trace, ipsets: None, hits: Default::default(), lab: true, times: None }
    }

    /// Whether a namespace of the scenario owns `spec`'s source address:
    /// traffic is sent from inside one.
    pub fn has_sender(&self, spec: &Spec) -> bool {
        let src = spec_src(spec);
        self.hosts(&|_| None).iter().any(|h| h.is_local(src))
    }

    /// Checks what both readers cannot check alone: veth ends in declared
    /// namespaces, the traffic's sources owned by some namespace.
    fn check(&self, span: Span, diags: &mut Vec<Diagnostic>) {
        for v in &self.veths {
            for e in [&v.a, &v.b] {
                if self.namespace(&e.netns).is_none() {
                    diags.push(
                        Diagnostic::error(
                            "scenario::unknown-netns",
                            span,
                            format!("veth end `{}` is in namespace `{}`, which the scenario does not create", e.dev, e.netns),
                        )
                        .with_help("add the namespace, or move the end into one the scenario creates: fwcheck never uses the host namespace"),
                    );
                }
            }
        }
        for (spec, sp) in &self.traffic {
            if !self.has_sender(spec) {
                let src = spec_src(spec);
                diags.push(
                    Diagnostic::error("scenario::no-sender", *sp, format!("no namespace of the scenario has the address {src}"))
                        .with_help("traffic is sent from inside a namespace: give the sending namespace this address"),
                );
            }
        }
    }
}

/// The source address of a SPEC: where the traffic is sent from.
pub fn spec_src(spec: &Spec) -> IpAddr {
    match spec {
        Spec::Packet { packet } => packet.src,
        Spec::Ping { src, .. } | Spec::Tcp { src, .. } | Spec::Udp { src, .. } => *src,
    }
}

/// Loads one namespace's rule file: the rule set, and the steps that load
/// it into the kernel as the file itself would (commands in order, or
/// iptables-restore for a save file). `netns` keeps only the commands of a
/// lab script run in that namespace.
pub fn load_rules(sources: &mut SourceMap, src: Source, netns: Option<&str>, diags: &mut Vec<Diagnostic>) -> Option<Rules> {
    let family = crate::load::family_from_name(&src.name);
    let text = src.text.clone();
    let name = src.name.clone();
    let file = sources.len() as crate::source::FileId;
    let loaded = load(sources, vec![src], &LoadOptions { save_family: Some(family), netns: netns.map(str::to_string), lenient: false });
    let ok = loaded.ruleset.is_some();
    diags.extend(loaded.diagnostics);
    let ruleset = loaded.ruleset?;
    // Parse again for the statements (cheap next to the lab) to learn how
    // the file loads.
    let (script, _) = syntax::parse(file, &text, syntax::Options { save_family: family });
    let mut steps = Vec::new();
    let mut restore = false;
    for st in &script.stmts {
        match st {
            Stmt::Command { in_restore: false, netns: ns, argv, inv } if ns.as_deref() == netns || netns.is_none() => {
                steps.push(LoadStep::Command { family: inv.family, args: argv[1..].to_vec() })
            }
            Stmt::BeginTable { .. } => restore = true,
            _ => {}
        }
    }
    if restore {
        if !steps.is_empty() {
            let span = Span::new(file, 0, 0);
            diags.push(
                Diagnostic::error("scenario::mixed-rules", span, format!("{name} mixes iptables commands and restore blocks"))
                    .with_help("give a scenario either a command script or an iptables-save file"),
            );
            return None;
        }
        steps.push(LoadStep::Restore { family, text: text.to_string() });
    }
    ok.then_some(Rules { ruleset, load: steps })
}
