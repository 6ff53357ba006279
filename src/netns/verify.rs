//! `fwcheck verify`: build the lab, load each namespace's rules as its file
//! would (or as one nft batch on native nft), read the counters, send the
//! traffic from inside the namespaces, read the counters again and keep
//! the difference, and predict the same traffic. Comparing the two is the
//! caller's (a listing is a report).

use super::kernel;
use super::lab::{mac_of, Lab};
use super::ns;
use super::traffic::{self, Owner};
use crate::ir::{Family, Ruleset};
use crate::load::{load_str, LoadOptions};
use crate::netfilter::Backend;
use crate::predict::run::World;
use crate::predict::spec::Spec;
use crate::scenario::{spec_src, Scenario};
use std::io;
use std::net::IpAddr;
use std::time::Duration;

/// What the kernel said, and what fwcheck predicted.
pub struct Verified {
    /// Per namespace (scenario order) and family the traffic used: the
    /// kernel's rule set with what the traffic added to its counters (read
    /// with iptables-save -c, or nft -j list ruleset).
    pub kernel: Vec<(String, Family, Ruleset)>,
    /// Every possible outcome fwcheck predicts.
    pub worlds: Vec<World>,
    /// The lab, if kept (`keep`).
    pub lab: Option<Lab>,
}

struct ByAddress<'a> {
    hosts: &'a [crate::predict::host::Host],
    lab: &'a Lab,
}

impl Owner for ByAddress<'_> {
    fn netns_of(&self, a: IpAddr) -> Option<String> {
        let i = self.hosts.iter().position(|h| h.is_local(a))?;
        self.lab.names.get(i).map(|(_, real)| real.clone())
    }
}

/// The families the scenario's traffic uses.
pub fn families(sc: &Scenario) -> Vec<Family> {
    let mut f: Vec<Family> = Vec::new();
    for (s, _) in &sc.traffic {
        let fam = if spec_src(s).is_ipv4() { Family::Ipv4 } else { Family::Ipv6 };
        if !f.contains(&fam) {
            f.push(fam);
        }
    }
    f
}

/// Runs the scenario in a lab whose namespaces are named `prefix` + the
/// scenario's names. The lab is removed before this returns unless `keep`.
pub fn verify(sc: &Scenario, backend: Backend, prefix: &str, keep: bool) -> io::Result<Verified> {
    let hosts = sc.hosts(&|e| mac_of(sc, e));
    let specs: Vec<_> = sc.traffic.iter().map(|(s, _)| s.clone()).collect();
    let empty = Ruleset::default();
    let mut lab = Lab::up(sc, prefix)?;
    let fams = families(sc);
    for (n, (_, real)) in sc.namespaces.iter().zip(&lab.names) {
        if let Some((text, _)) = &n.ipsets {
            kernel::run(real, "ipset", &["restore".to_string()], Some(text))?;
        }
        if let Some(r) = &n.rules {
            match backend {
                Backend::Nft => {
                    let script = crate::translate::for_kernel(&r.ruleset)
                        .map_err(|why| io::Error::other(format!("the rules of {} have no nft translation: {why}", n.name)))?;
                    crate::netns::nfnl::load_script(real, &script, None)?;
                }
                _ => kernel::load(real, &r.load, backend)?,
            }
        }
    }
    // The counters before the traffic, to subtract: zeroing them with
    // `iptables -Z` would change what is measured (iptables-nft gives a
    // zeroed base chain a policy counter it did not have).
    let before = read_all(sc, &lab, backend, &fams)?;
    let run = sc.run(&hosts, &empty, backend, true);
    let owner = ByAddress { hosts: &hosts, lab: &lab };
    let start = std::time::Instant::now();
    // When each SPEC was done, from the start of the first, with a margin
    // for the kernel's clock (a jiffy is up to 4 ms).
    let mut times: Vec<u64> = Vec::with_capacity(specs.len());
    let done = |n: usize, times: &mut Vec<u64>| times.extend(std::iter::repeat_n(start.elapsed().as_millis() as u64 + 10, n));
    let mut i = 0;
    while i < specs.len() {
        // Crafted packets in a row from one namespace go out in one batch.
        if let Spec::Packet { packet } = &specs[i] {
            let ns = owner.netns_of(packet.src).ok_or_else(|| io::Error::other(format!("no namespace has the address {}", packet.src)))?;
            let mut batch = Vec::new();
            while let Some(Spec::Packet { packet: p }) = specs.get(i) {
                if owner.netns_of(p.src).as_ref() != Some(&ns) {
                    break;
                }
                batch.push(p.clone());
                i += 1;
            }
            let n = batch.len();
            ns::run_in(&ns, move || traffic::send_crafted(&batch.iter().collect::<Vec<_>>()))?;
            done(n, &mut times);
            continue;
        }
        let s = &specs[i];
        i += 1;
        // Where the flow's first packet is delivered, as predicted: the
        // server listens there (after a DNAT that is not the address the
        // client sends to).
        let first = run.run(std::slice::from_ref(s)).ok().and_then(|w| {
            let w = w.into_iter().next()?;
            // Only a hop of the first packet counts: a later delivered
            // packet (a reply) is not where the server listens.
            let sent = w.packets.first()?.sent;
            let r = w.packets.into_iter().take_while(|r| r.sent == sent).find(|r| r.fate == crate::predict::run::Fate::Delivered)?;
            Some((lab.names.get(r.node)?.1.clone(), r.packet.dst, r.packet.dport))
        });
        traffic::send(s, &owner, first)?;
        done(1, &mut times);
    }
    // Predicted after the traffic, with the times it really took (rate
    // limits depend on them).
    let worlds = crate::predict::run::Run { times: Some(times), ..sc.run(&hosts, &empty, backend, true) }.run(&specs).map_err(io::Error::other)?;
    // Packets still on the wire (a last ACK) land before the counters are read.
    std::thread::sleep(Duration::from_millis(50));
    let mut read = read_all(sc, &lab, backend, &fams)?;
    for ((_, _, after), (_, _, before)) in read.iter_mut().zip(&before) {
        subtract(after, before);
    }
    lab.keep = keep;
    let lab = if keep { Some(lab) } else { lab.down().map(|_| None)? };
    Ok(Verified { kernel: read, worlds, lab })
}

/// Every namespace's rules with counters, per family: `iptables-save -c`,
/// or for native nft the namespace's own rules with the counters of `nft -j
/// list ruleset` put on them rule by rule (nft base chains have no policy
/// counter: those read 0).
fn read_all(sc: &Scenario, lab: &Lab, backend: Backend, fams: &[Family]) -> io::Result<Vec<(String, Family, Ruleset)>> {
    let mut read = Vec::new();
    for (n, (_, real)) in sc.namespaces.iter().zip(&lab.names) {
        if backend == Backend::Nft {
            let counters = kernel::nft_counters(&kernel::list_nft(real)?)?;
            for f in fams {
                let mut rs = n.rules.as_ref().map(|r| r.ruleset.clone()).unwrap_or_default();
                rs.tables.retain(|t| t.family == *f);
                let fam = if *f == Family::Ipv4 { "ip" } else { "ip6" };
                for t in &mut rs.tables {
                    for c in &mut t.chains {
                        c.counters = Default::default();
                        let got = counters.get(&(fam.to_string(), t.name.as_str().to_string(), c.name.clone())).cloned().unwrap_or_default();
                        if got.len() != c.rules.len() {
                            return Err(io::Error::other(format!(
                                "{}: nft lists {} rules in {} {}, fwcheck loaded {}",
                                n.name,
                                got.len(),
                                t.name,
                                c.name,
                                c.rules.len()
                            )));
                        }
                        for (r, (p, b)) in c.rules.iter_mut().zip(got) {
                            r.counters = crate::ir::Counters { packets: p, bytes: b };
                        }
                    }
                }
                read.push((n.name.clone(), *f, rs));
            }
            continue;
        }
        for f in fams {
            let text = kernel::save(real, backend, *f)?;
            let (sources, loaded) =
                load_str(&format!("{}-save -c in {}", f.command(), n.name), &text, &LoadOptions { save_family: Some(*f), netns: None, lenient: false });
            let rs = loaded.ruleset.ok_or_else(|| {
                let errs: Vec<String> = loaded.diagnostics.iter().map(|d| d.short(&sources)).collect();
                io::Error::other(format!("fwcheck cannot read the kernel's rules back: {}", errs.join("; ")))
            })?;
            read.push((n.name.clone(), *f, rs));
        }
    }
    Ok(read)
}

/// `after` minus `before`, counter by counter (same tables, chains, rules).
fn subtract(after: &mut Ruleset, before: &Ruleset) {
    for t in &mut after.tables {
        let Some(bt) = before.tables.iter().find(|b| b.family == t.family && b.name == t.name) else { continue };
        for c in &mut t.chains {
            let Some(bc) = bt.chains.iter().find(|b| b.name == c.name) else { continue };
            c.counters.packets = c.counters.packets.saturating_sub(bc.counters.packets);
            c.counters.bytes = c.counters.bytes.saturating_sub(bc.counters.bytes);
            for (r, br) in c.rules.iter_mut().zip(&bc.rules) {
                r.counters.packets = r.counters.packets.saturating_sub(br.counters.packets);
                r.counters.bytes = r.counters.bytes.saturating_sub(br.counters.bytes);
            }
        }
    }
}
